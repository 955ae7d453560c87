//! The TUF client workflow side by side with python-tuf's ngclient: every scenario that
//! `tests/reference/tuf_ref.py` builds with the Metadata API is judged by both, with the same
//! verdict and failure kind, except where chainscope is deliberately different (the scenario
//! says why, and the test checks the difference is really there).

use std::collections::BTreeMap;
use std::path::Path;

use chainscope::time::UtcTime;
use chainscope::trace::{Outcome, Trace};
use chainscope::tuf::client::ClientConfig;
use chainscope::tuf::verify::{RepositoryReport, VerifyRequest, verify_repository};
use serde_json::Value;

use crate::{path_str, reference_script, temp_dir};

/// Every scenario, built once for all the tests of this binary, and python-tuf's verdicts.
pub fn scenarios() -> &'static (tempfile::TempDir, BTreeMap<String, Value>) {
    static SCENARIOS: std::sync::OnceLock<(tempfile::TempDir, BTreeMap<String, Value>)> =
        std::sync::OnceLock::new();
    SCENARIOS.get_or_init(|| {
        let dir = temp_dir();
        reference_script("tuf_ref.py", &["scenarios", path_str(dir.path())]);
        reference_script("tuf_ref.py", &["judge", path_str(dir.path())]);
        let text = std::fs::read_to_string(dir.path().join("reference.json")).unwrap();
        let verdicts: BTreeMap<String, Value> = serde_json::from_str(&text).unwrap();
        (dir, verdicts)
    })
}

pub fn scenario(name: &str) -> std::path::PathBuf {
    let folder = scenarios().0.path().join(name);
    assert!(folder.is_dir(), "no scenario {name}");
    folder
}

pub fn spec(folder: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(folder.join("scenario.json")).unwrap()).unwrap()
}

pub fn request(folder: &Path) -> VerifyRequest {
    let spec = spec(folder);
    VerifyRequest {
        repo: path_str(&folder.join("repo")).to_owned(),
        targets_url: None,
        root: Some(folder.join(spec["root"].as_str().unwrap())),
        trusted_dir: spec["trusted"]
            .as_bool()
            .unwrap()
            .then(|| folder.join("trusted")),
        targets: spec["targets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap().to_owned())
            .collect(),
        every_role: spec["all"].as_bool().unwrap(),
        now: UtcTime::parse_metadata(spec["now"].as_str().unwrap()).unwrap(),
        config: ClientConfig::default(),
        cache: None,
    }
}

pub fn run(folder: &Path) -> RepositoryReport {
    verify_repository(&request(folder)).unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
}

/// `pass`, or the failure kind as python-tuf names it (`TargetNotFound` when no role
/// vouches for the target, which python-tuf reports as `None`).
pub fn verdict(trace: &Trace) -> (String, Option<String>) {
    match trace.first_failure() {
        None => ("pass".to_owned(), None),
        Some((_, check)) => {
            let Outcome::Fail { failure } = &check.outcome else {
                unreachable!()
            };
            let kind = match (&failure.kind, check.id) {
                (None, "tuf.5.7.2") => "TargetNotFound".to_owned(),
                // chainscope's own refusal (a documented strictness), with no python-tuf kind.
                (None, "tuf.5.7.3") => "BrokenHashesOnly".to_owned(),
                (Some(kind), _) => kind.clone(),
                (None, id) => panic!("a failure without a kind at {id}: {}", failure.message),
            };
            ("fail".to_owned(), Some(kind))
        }
    }
}

#[test]
fn every_scenario_is_judged_as_python_tuf_judges_it() {
    let (dir, reference) = scenarios();
    assert!(reference.len() >= 45, "{} scenarios", reference.len());
    let mut mismatches = Vec::new();
    let mut differences = 0;
    for (name, theirs) in reference {
        let folder = dir.path().join(name);
        let report = run(&folder);
        let ours = verdict(&report.trace);
        let theirs = (
            theirs["verdict"].as_str().unwrap().to_owned(),
            theirs["kind"].as_str().map(str::to_owned),
        );
        let differs = spec(&folder)["differs"].as_str().map(str::to_owned);
        match differs {
            Some(why) => {
                differences += 1;
                if ours == theirs {
                    mismatches.push(format!(
                        "{name}: said to differ ({why}) but both say {ours:?}"
                    ));
                }
            }
            None if ours != theirs => mismatches.push(format!(
                "{name}: chainscope {ours:?}, python-tuf {theirs:?}\n{}",
                report.trace.render_text()
            )),
            None => {}
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n\n"));
    assert!(differences >= 4, "the deliberate differences are exercised");
}

/// The first failure: its check id, kind and message.
fn first_failure(trace: &Trace) -> (String, String, String) {
    let (_, check) = trace.first_failure().expect("a failure");
    let Outcome::Fail { failure } = &check.outcome else {
        unreachable!()
    };
    (
        check.id.to_owned(),
        failure.kind.clone().unwrap_or_default(),
        failure.message.clone(),
    )
}

/// Runs the scenario and asserts where and how it fails.
fn fails_at(name: &str, id: &str, kind: &str) -> String {
    let report = run(&scenario(name));
    let (found_id, found_kind, message) = first_failure(&report.trace);
    assert_eq!(
        (found_id.as_str(), found_kind.as_str()),
        (id, kind),
        "{name}: {message}\n{}",
        report.trace.render_text()
    );
    message
}

/// The client itself, for what the report does not show (what would be persisted).
fn client_run(name: &str) -> (Trace, Vec<String>, u64, Option<u64>) {
    use chainscope::tuf::client::Client;
    use chainscope::tuf::transport::FolderTransport;
    let folder = scenario(name);
    let request = request(&folder);
    let transport = FolderTransport::open(&request.repo).unwrap();
    let root = std::fs::read(request.root.as_ref().unwrap()).unwrap();
    let mut trace = Trace::new(name);
    let mut client = Client::new(
        &transport,
        ClientConfig::default(),
        request.now,
        &root,
        "the test's root",
        request.trusted_dir.clone(),
        &mut trace,
    )
    .unwrap();
    let _ = client.refresh(&mut trace);
    let accepted = client
        .accepted()
        .iter()
        .map(|(name, _)| name.clone())
        .collect();
    let root_version = client.root().signed.version;
    let timestamp_version = client.timestamp().map(|t| t.signed.version);
    (trace, accepted, root_version, timestamp_version)
}

// One test per attack class of SPEC-NOTES' "known attacks that broke real implementations".

/// §5.3.11 as python-tuf does it: after a root update the trusted timestamp and snapshot are
/// kept while they still verify under the new root, so adding a key, or rotating only the
/// timestamp key, never gives up rollback protection; replacing both keys still recovers.
#[test]
fn fast_forward_recovery_keeps_what_still_verifies() {
    for (name, id, kind) in [
        (
            "timestamp-key-added",
            "tuf.5.4.3.1",
            "BadVersionNumberError",
        ),
        (
            "timestamp-key-rotated-old-snapshot-replayed",
            "tuf.5.5.5",
            "BadVersionNumberError",
        ),
        (
            "snapshot-key-added-old-targets-replayed",
            "tuf.5.5.5",
            "BadVersionNumberError",
        ),
        (
            "snapshot-key-rotated-timestamp-still-trusted",
            "tuf.5.4.3.2",
            "BadVersionNumberError",
        ),
    ] {
        fails_at(name, id, kind);
        let theirs = &scenarios().1[name];
        assert_eq!(theirs["kind"], kind, "{name}: python-tuf");
    }
    for name in [
        "timestamp-key-rotated",
        "timestamp-and-snapshot-keys-rotated-recovers",
    ] {
        let report = run(&scenario(name));
        assert_eq!(
            verdict(&report.trace).0,
            "pass",
            "{name}\n{}",
            report.trace.render_text()
        );
        assert_eq!(scenarios().1[name]["verdict"], "pass", "{name}: python-tuf");
    }
}

/// The client's own trusted copies are read with a cap far above the remote ones (python-tuf
/// reads them uncapped): a trusted snapshot over the 2,000,000-byte fetch cap still catches a
/// rollback. A trusted copy that exists but cannot be read fails verification instead of
/// being treated as absent (deliberately stricter: python-tuf ignores it).
#[test]
fn trusted_state_is_never_silently_ignored() {
    let folder = scenario("trusted-snapshot-over-the-remote-cap");
    let size = std::fs::metadata(folder.join("trusted/snapshot.json"))
        .unwrap()
        .len();
    assert!(size > ClientConfig::default().snapshot_max_length, "{size}");
    fails_at(
        "trusted-snapshot-over-the-remote-cap",
        "tuf.5.5.5",
        "BadVersionNumberError",
    );
    assert_eq!(
        scenarios().1["trusted-snapshot-over-the-remote-cap"]["kind"],
        "BadVersionNumberError"
    );

    let copy = temp_dir();
    copy_dir(&scenario("rollback-targets-in-snapshot"), copy.path());
    let trusted = copy.path().join("trusted/snapshot.json");
    std::fs::remove_file(&trusted).unwrap();
    std::fs::create_dir(&trusted).unwrap();
    let report = run(copy.path());
    let (id, kind, message) = first_failure(&report.trace);
    assert_eq!(
        (id.as_str(), kind.as_str()),
        ("tuf.trusted", "RepositoryError")
    );
    assert!(
        message.contains("cannot read the trusted copy"),
        "{message}"
    );
}

/// Every hash algorithm python-tuf computes through hashlib (and PEP 458's blake2b-256) is
/// computed and compared, not skipped; a target listed only by MD5 and SHA-1 is refused
/// (deliberately stricter: python-tuf accepts it).
#[test]
fn target_hashes_are_checked_with_every_algorithm_python_tuf_knows() {
    let report = run(&scenario("target-hashes-every-algorithm"));
    assert_eq!(
        verdict(&report.trace).0,
        "pass",
        "{}",
        report.trace.render_text()
    );
    assert_eq!(
        scenarios().1["target-hashes-every-algorithm"]["verdict"],
        "pass"
    );
    fails_at(
        "target-hashes-tampered-blake2b-256",
        "tuf.5.7.3",
        "LengthOrHashMismatchError",
    );
    let (_, check) = run(&scenario("target-with-only-broken-hashes"))
        .trace
        .first_failure()
        .map(|(i, c)| (i, c.clone()))
        .unwrap();
    let Outcome::Fail { failure } = &check.outcome else {
        unreachable!()
    };
    assert_eq!(check.id, "tuf.5.7.3");
    assert!(
        failure.message.contains("only broken hashes (md5, sha1)"),
        "{}",
        failure.message
    );
    assert_eq!(
        scenarios().1["target-with-only-broken-hashes"]["verdict"],
        "pass"
    );
}

/// With consistent snapshots a target is fetched as `<hash>.<name>`, the hash being the first
/// in its `hashes` as the file wrote them (python-tuf's dict order), not the alphabetical one.
#[test]
fn a_target_is_fetched_by_its_first_hash_as_written() {
    let name = "target-named-after-its-first-hash-as-written";
    let report = run(&scenario(name));
    assert_eq!(
        verdict(&report.trace).0,
        "pass",
        "{}",
        report.trace.render_text()
    );
    assert_eq!(scenarios().1[name]["verdict"], "pass");
    assert!(
        report.trace.render_text().contains("f43f7993"),
        "the sha512 name"
    );
}

/// A listed length of 0 counts as none when fetching (python-tuf's `length or max_length`), so
/// the file is fetched and fails its length check with python-tuf's kind.
#[test]
fn a_listed_length_of_zero_fails_the_length_check_as_in_python_tuf() {
    for (name, id) in [
        ("snapshot-meta-length-zero", "tuf.5.5.2"),
        ("targets-meta-length-zero", "tuf.5.6.2"),
    ] {
        let message = fails_at(name, id, "LengthOrHashMismatchError");
        assert_eq!(scenarios().1[name]["kind"], "LengthOrHashMismatchError");
        assert_eq!(
            message,
            scenarios().1[name]["message"].as_str().unwrap(),
            "{name}"
        );
    }
}

/// §4.6: timestamp's meta lists snapshot.json and nothing else. chainscope refuses the extra
/// entry by name; python-tuf drops it, and then its re-serialized bytes fail the signature.
#[test]
fn a_timestamp_listing_more_than_the_snapshot_is_refused() {
    let report = run(&scenario("timestamp-meta-lists-more-than-snapshot"));
    let (id, _, message) = first_failure(&report.trace);
    assert_eq!(id, "tuf.5.4.1");
    assert!(message.contains("may list only snapshot.json"), "{message}");
    assert_eq!(
        scenarios().1["timestamp-meta-lists-more-than-snapshot"]["kind"],
        "UnsignedMetadataError"
    );
}

/// TAP 21's ML-DSA keys (44, 65 and 87), signed by securesystemslib as tuf-on-ci signs: verified
/// as python-tuf verifies them, and a changed signature fails.
#[test]
fn ml_dsa_signatures_verify_as_python_tuf_verifies_them() {
    let report = run(&scenario("valid-mldsa-keys"));
    assert_eq!(
        verdict(&report.trace).0,
        "pass",
        "{}",
        report.trace.render_text()
    );
    assert_eq!(scenarios().1["valid-mldsa-keys"]["verdict"], "pass");
    for role in ["targets", "snapshot", "timestamp"] {
        let status = report.roles.iter().find(|r| r.name == role).unwrap();
        assert!(
            status.signatures.as_ref().is_some_and(|s| s.is_met()),
            "{role}: {:?}",
            status.signature_summary
        );
    }
    let message = fails_at(
        "mldsa-targets-signature-tampered",
        "tuf.5.6.3",
        "UnsignedMetadataError",
    );
    assert_eq!(
        message,
        scenarios().1["mldsa-targets-signature-tampered"]["message"]
            .as_str()
            .unwrap()
    );
}

#[test]
fn attack_duplicate_signatures_are_not_counted_twice() {
    // The same keyid twice in `signatures` (tough, python-tuf once): refused when read.
    fails_at(
        "duplicate-signature-keyid",
        "tuf.5.6.1",
        "DeserializationError",
    );
    // One key under two keyids: counted once. Deliberately stricter than python-tuf 7.0.1.
    let message = fails_at(
        "same-key-under-two-keyids",
        "tuf.5.6.3",
        "UnsignedMetadataError",
    );
    assert_eq!(message, "docs was signed by 1/2 keys");
}

#[test]
fn attack_threshold_zero_is_refused() {
    // go-tuf GHSA-fphv-w9fq-2525: threshold 0 turned verification off.
    let message = fails_at("threshold-zero", "tuf.5.2", "DeserializationError");
    assert!(
        message.contains("signed.roles.timestamp.threshold"),
        "{message}"
    );
}

#[test]
fn attack_an_unverified_root_is_never_trusted_or_kept() {
    for name in [
        "root-rotation-new-keys-only",
        "root-rotation-old-keys-only",
        "root-rotation-below-threshold",
    ] {
        let (trace, accepted, root_version, _) = client_run(name);
        assert!(trace.first_failure().is_some(), "{name}");
        assert_eq!(root_version, 1, "{name}: the trusted root stays v1");
        assert!(
            !accepted.contains(&"root.json".to_owned()),
            "{name}: nothing to persist: {accepted:?}"
        );
    }
    let (_, accepted, root_version, _) = client_run("root-rotation-valid");
    assert_eq!(root_version, 3);
    assert!(accepted.contains(&"root.json".to_owned()));
}

#[test]
fn attack_a_rolled_back_timestamp_is_not_kept() {
    // tough cached the new timestamp before its rollback check.
    let (trace, accepted, _, timestamp_version) = client_run("rollback-timestamp");
    assert_eq!(first_failure(&trace).1, "BadVersionNumberError");
    assert!(
        !accepted.contains(&"timestamp.json".to_owned()),
        "{accepted:?}"
    );
    assert_eq!(timestamp_version, Some(5), "the trusted v5 stays");
    fails_at(
        "rollback-snapshot-version-in-timestamp",
        "tuf.5.4.3.2",
        "BadVersionNumberError",
    );
}

#[test]
fn attack_a_root_version_must_be_exactly_the_next() {
    let message = fails_at(
        "root-rotation-version-skip",
        "tuf.5.3.5",
        "BadVersionNumberError",
    );
    assert_eq!(message, "Expected root version 2 instead got version 3");
}

#[test]
fn attack_a_terminating_delegation_ends_the_search() {
    let report = run(&scenario("terminating-delegation-stops-search"));
    let (id, _, message) = first_failure(&report.trace);
    assert_eq!(id, "tuf.5.7.2");
    let searched = report
        .trace
        .checks
        .iter()
        .find(|c| c.id == "tuf.5.7.2")
        .and_then(|c| c.evidence.iter().find(|(n, _)| n == "roles searched"))
        .map(|(_, v)| v.clone())
        .unwrap();
    assert!(
        searched.ends_with(", first") && !searched.contains("second"),
        "{searched}: {message}"
    );
    // Without the terminating flag the search goes on to `second`.
    assert!(
        run(&scenario("non-terminating-delegation-goes-on"))
            .trace
            .first_failure()
            .is_none()
    );
}

#[test]
fn attack_delegated_roles_get_every_check_top_level_roles_get() {
    // tough skipped these for delegated roles.
    fails_at(
        "rollback-delegated-role-in-snapshot",
        "tuf.5.5.5",
        "BadVersionNumberError",
    );
    fails_at("role-removed-from-snapshot", "tuf.5.5.5", "RepositoryError");
    fails_at(
        "expired-delegated-role",
        "tuf.5.6.5",
        "ExpiredMetadataError",
    );
    fails_at(
        "delegated-role-length-mismatch",
        "tuf.5.6.2",
        "LengthOrHashMismatchError",
    );
    fails_at(
        "delegated-role-not-in-snapshot",
        "tuf.5.6.1",
        "RepositoryError",
    );
    fails_at(
        "delegated-role-badly-signed",
        "tuf.5.6.3",
        "UnsignedMetadataError",
    );
}

#[test]
fn attack_delegations_are_searched_in_listed_order() {
    // go-tuf took the order from a map. `zeta` is listed first; `alpha` sorts first.
    let report = run(&scenario("delegation-priority-order"));
    assert!(
        report.trace.first_failure().is_none(),
        "{}",
        report.trace.render_text()
    );
    assert_eq!(report.targets[0].role.as_deref(), Some("zeta"));
}

#[test]
fn attack_malformed_metadata_fails_cleanly_never_panics() {
    fails_at("malformed-json", "tuf.5.6.1", "DeserializationError");
    // Every byte position of a timestamp and a delegated role, changed, truncated or doubled:
    // a verdict every time (go-tuf panicked on malformed JSON).
    let source = scenario("valid-not-consistent");
    let mut rng = crate::Rng(0x7475_665f_6661_7a7a);
    for (file, rounds) in [
        ("timestamp.json", 150),
        ("docs.json", 150),
        ("snapshot.json", 60),
    ] {
        let original = std::fs::read(source.join("repo/metadata").join(file)).unwrap();
        for _ in 0..rounds {
            let work = temp_dir();
            copy_dir(&source, work.path());
            let mut bytes = original.clone();
            let at = rng.below(bytes.len());
            match rng.below(3) {
                0 => bytes[at] = rng.pick(b"{}[]\":,0-9eE.tfn \\"),
                1 => bytes.truncate(at),
                _ => {
                    let piece = bytes[at..].to_vec();
                    bytes.extend_from_slice(&piece);
                }
            }
            std::fs::write(work.path().join("repo/metadata").join(file), &bytes).unwrap();
            let report = run(work.path());
            let _ = report.render_text(false);
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    chainscope::attacks::copy_folder(from, to).unwrap();
}

#[test]
fn attack_names_from_metadata_never_leave_the_repository() {
    // python-tuf and tough once used role and target names as paths.
    let message = fails_at("target-path-traversal", "tuf.5.7.3", "DownloadError");
    assert!(
        message.contains("contains a `..` segment, which chainscope refuses"),
        "{message}"
    );
    // Even a `..` that would stay inside targets/ (deliberately stricter than python-tuf).
    let message = fails_at(
        "target-path-with-an-inner-dotdot",
        "tuf.5.7.3",
        "DownloadError",
    );
    assert!(message.contains("`..` segment"), "{message}");
    assert_eq!(
        scenarios().1["target-path-with-an-inner-dotdot"]["verdict"],
        "pass"
    );
    let message = fails_at("role-name-climbing-out", "tuf.5.6.1", "DownloadError");
    assert!(message.contains("cannot be used as a path"), "{message}");
    // Quoted into one file name, a role called `a/b` is fine.
    assert!(
        run(&scenario("role-names-with-slashes"))
            .trace
            .first_failure()
            .is_none()
    );
}

#[test]
fn attack_endless_data_stops_at_the_cap() {
    let message = fails_at(
        "timestamp-over-its-cap",
        "tuf.5.4.1",
        "DownloadLengthMismatchError",
    );
    assert!(message.contains("16384"), "{message}");
    fails_at(
        "snapshot-longer-than-listed",
        "tuf.5.5.1",
        "DownloadLengthMismatchError",
    );
    fails_at(
        "target-file-longer",
        "tuf.5.7.3",
        "DownloadLengthMismatchError",
    );
}

#[test]
fn attack_huge_integers_are_refused_not_rounded() {
    let message = fails_at("huge-version", "tuf.5.5.1", "DeserializationError");
    assert!(message.contains("does not fit in 64 bits"), "{message}");
}

#[test]
fn the_review_reports_each_kind_of_finding() {
    let report = run(&scenario("review-findings"));
    let codes: std::collections::BTreeSet<&str> = report.findings.iter().map(|f| f.code).collect();
    for code in [
        "private-key-published",
        "root-threshold-1",
        "offline-key-online",
        "online-role-long-expiry",
        "expires-soon",
        "targets-behind-online-keys",
        "unused-key",
        "keyid-mismatch",
        "threshold-unreachable",
    ] {
        assert!(codes.contains(code), "no {code} in {:#?}", report.findings);
    }
    let shared = report
        .findings
        .iter()
        .find(|f| f.code == "offline-key-online")
        .unwrap();
    assert!(shared.message.contains("root") && shared.message.contains("timestamp"));
    let published = report
        .findings
        .iter()
        .find(|f| f.code == "private-key-published")
        .unwrap();
    assert_eq!(
        published.severity,
        chainscope::tuf::review::Severity::Critical
    );
    assert!(
        published.message.contains("`keyval.private`"),
        "{}",
        published.message
    );
    // A well-kept repository has nothing severe.
    let valid = run(&scenario("valid"));
    assert!(
        valid
            .findings
            .iter()
            .all(|f| f.severity > chainscope::tuf::review::Severity::High),
        "{:#?}",
        valid.findings
    );
}

fn chainscope(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_chainscope"))
        .args(args)
        .output()
        .expect("run chainscope")
}

#[test]
fn tuf_verify_on_the_command_line() {
    let valid = scenario("valid");
    let repo = valid.join("repo");
    let root = valid.join("repo/metadata/1.root.json");
    let now = ["--now", "2030-01-01T00:00:00Z"];
    let pass = chainscope(
        &[
            &["tuf", "verify", path_str(&repo), "--root", path_str(&root)][..],
            &now[..],
        ]
        .concat(),
    );
    assert_eq!(
        pass.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&pass.stderr)
    );
    let out = String::from_utf8_lossy(&pass.stdout);
    assert!(out.contains("verdict: PASS"), "{out}");
    assert!(
        out.contains("bins-* bins of project: 256 roles, 300 targets, all verified"),
        "{out}"
    );
    assert!(
        out.contains("passing checks not listed"),
        "delegated roles are summarized: {out}"
    );

    // A target resolved through the delegations, and one that nobody vouches for.
    let found = chainscope(
        &[
            &[
                "tuf",
                "verify",
                path_str(&repo),
                "--target",
                "project/pkg-7.tgz",
            ][..],
            &now[..],
        ]
        .concat(),
    );
    assert_eq!(found.status.code(), Some(0));
    let out = String::from_utf8_lossy(&found.stdout);
    assert!(
        out.contains("no --root given: trusting the repository's own"),
        "{out}"
    );
    assert!(
        out.contains("project/pkg-7.tgz: verified (vouched for by targets → project → bins-"),
        "{out}"
    );

    let rollback = scenario("rollback-timestamp");
    let failed = chainscope(
        &[
            &[
                "tuf",
                "verify",
                path_str(&rollback.join("repo")),
                "--trusted-dir",
                path_str(&rollback.join("trusted")),
                "--format",
                "json",
            ][..],
            &now[..],
        ]
        .concat(),
    );
    assert_eq!(failed.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&failed.stdout).unwrap();
    assert_eq!(json["verdict"], "fail");
    assert_eq!(json["failure"]["kind"], "BadVersionNumberError");
    assert_eq!(json["failure"]["role"], "timestamp");
    assert_eq!(
        json["failure"]["message"],
        "New timestamp version 4 must be >= 5"
    );
    assert!(json["roles"].as_array().unwrap().len() >= 2);
    assert!(json["findings"].is_array());

    let missing = chainscope(&["tuf", "verify", "/nonexistent/repo"]);
    assert_eq!(missing.status.code(), Some(2));
    let err = String::from_utf8_lossy(&missing.stderr);
    assert!(
        err.contains("error: cannot open the repository /nonexistent/repo\n  Caused by: cannot read /nonexistent/repo: no such file or folder\nhint: "),
        "{err}"
    );
}

/// A repository of `bins` bins holding `targets` targets, made by python-tuf's Metadata API
/// (the benchmark's generator), as succinct bins or as hash-prefix roles listed one by one.
pub fn bins_repository(layout: &str, bins: usize, targets: usize) -> tempfile::TempDir {
    let dir = temp_dir();
    reference_script(
        "tuf_ref.py",
        &[
            "bench-repo",
            path_str(dir.path()),
            layout,
            &bins.to_string(),
            &targets.to_string(),
        ],
    );
    dir
}

fn verify_every_role(repo: &Path) -> RepositoryReport {
    verify_repository(&request_every_role(repo)).unwrap()
}

/// Every role of a [`bins_repository`], in 2026.
fn request_every_role(repo: &Path) -> VerifyRequest {
    VerifyRequest {
        repo: path_str(repo).to_owned(),
        targets_url: None,
        root: Some(repo.join("metadata/1.root.json")),
        trusted_dir: None,
        targets: Vec::new(),
        every_role: true,
        now: UtcTime::parse_metadata("2026-01-01T00:00:00Z").unwrap(),
        config: ClientConfig::default(),
        cache: None,
    }
}

/// Many sibling roles that pass alike are one group in the trace, written on demand: the
/// group stands for every check (numbers, JSON and `--all-checks` count and list them all),
/// and a failing bin in the middle splits it, its own checks recorded one by one, numbered as
/// if nothing were folded. (Debug builds also check every folded role's checks are written
/// again exactly as they were recorded.)
#[test]
fn sibling_roles_that_pass_alike_are_one_group_of_checks() {
    for layout in ["succinct", "prefixes"] {
        let repo = bins_repository(layout, 32, 300);
        let report = verify_every_role(repo.path());
        assert_eq!(report.trace.verdict(), chainscope::trace::Verdict::Pass);
        let groups: Vec<_> = report
            .trace
            .checks
            .iter()
            .filter_map(|c| c.group.as_ref().map(|g| (c, g)))
            .collect();
        assert_eq!(groups.len(), 1, "{layout}");
        let (check, group) = groups[0];
        assert_eq!((group.members(), group.len()), (32, 160), "{layout}");
        assert_eq!(check.subject.to_string(), "32 roles delegated by targets");
        let members: Vec<_> = group.checks().collect();
        assert_eq!(members[0].title, "fetch 1.bins-00.json");
        assert_eq!(members[159].title, "bins-1f is not expired");
        assert_eq!(report.trace.count(), report.trace.checks.len() - 1 + 160);
        let json = serde_json::to_value(&report.trace).unwrap();
        let listed: usize = json["checks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["group"].as_array().map_or(1, Vec::len))
            .sum();
        assert_eq!(listed, report.trace.count());
        let all = report.render_text(true);
        assert!(all.contains("[tuf.5.6.3] role bins-0a: bins-0a signed by a threshold"));
        assert!(!report.render_text(false).contains("role bins-0a"));
        assert_eq!(report.roles.len(), 4 + 32, "every bin still has its status");
    }

    // bins-0a's signature no longer covers what it lists.
    let repo = bins_repository("succinct", 32, 300);
    let file = repo.path().join("metadata/1.bins-0a.json");
    let mut bin: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    let targets = bin["signed"]["targets"].as_object_mut().unwrap();
    let first = targets.keys().next().unwrap().clone();
    targets[&first]["length"] = Value::from(1);
    std::fs::write(&file, serde_json::to_vec(&bin).unwrap()).unwrap();
    let report = verify_every_role(repo.path());
    let sizes: Vec<usize> = report
        .trace
        .checks
        .iter()
        .filter_map(|c| c.group.as_ref().map(|g| g.members()))
        .collect();
    assert_eq!(sizes, [10, 21], "the bins before and after bins-0a");
    let (index, failed) = report.trace.first_failure().unwrap();
    assert_eq!(
        (failed.id, failed.subject.to_string()),
        ("tuf.5.6.3", "role bins-0a".into())
    );
    let group_at = report
        .trace
        .checks
        .iter()
        .position(|c| c.group.is_some())
        .unwrap();
    assert_eq!(
        report.trace.number(index),
        group_at + 50 + 3,
        "numbered as unfolded: the checks before the group, ten bins' five checks, then the third check of bins-0a"
    );
    assert!(report.render_text(false).contains(&format!(
        "FAIL at check {} (tuf.5.6.3",
        report.trace.number(index)
    )));
}

/// A run that reuses an earlier run's results ([`RoleCache`]) reports exactly what a run
/// without them reports: after nothing changed (the snapshot's parse reused too), after one bin
/// was published again with other bytes (only that bin is checked again), after a bin was
/// tampered with, once the whole repository has expired, and after the snapshot was tampered
/// with (its bytes parsed again, its signature failing).
#[test]
fn a_run_reusing_earlier_results_reports_exactly_what_a_fresh_run_reports() {
    use chainscope::tuf::cache::RoleCache;
    let repo = bins_repository("succinct", 16, 100);
    let cache = std::sync::Arc::new(RoleCache::new());
    let at = |now: &str, cache: Option<&std::sync::Arc<RoleCache>>| {
        verify_repository(&VerifyRequest {
            repo: path_str(repo.path()).to_owned(),
            targets_url: None,
            root: Some(repo.path().join("metadata/1.root.json")),
            trusted_dir: None,
            targets: Vec::new(),
            every_role: true,
            now: UtcTime::parse_metadata(now).unwrap(),
            config: ClientConfig::default(),
            cache: cache.cloned(),
        })
        .unwrap()
    };
    let same = |cached: &RepositoryReport, fresh: &RepositoryReport| {
        assert_eq!(cached.trace, fresh.trace);
        assert_eq!(
            serde_json::to_value(&cached.roles).unwrap(),
            serde_json::to_value(&fresh.roles).unwrap()
        );
        assert_eq!(cached.render_text(true), fresh.render_text(true));
    };
    let now = "2026-01-01T00:00:00Z";
    let first = at(now, Some(&cache));
    // targets and its 16 bins.
    assert_eq!(cache.hits_and_misses(), (0, 17));
    same(&first, &at(now, None));
    let again = at(now, Some(&cache));
    assert_eq!(cache.hits_and_misses(), (17, 0));
    assert_eq!(cache.snapshots_reused(), 1);
    same(&again, &at(now, None));

    // bins-3 published again with other whitespace: new bytes, the same signed content.
    let bin = repo.path().join("metadata/1.bins-3.json");
    let value: Value = serde_json::from_slice(&std::fs::read(&bin).unwrap()).unwrap();
    std::fs::write(&bin, serde_json::to_vec(&value).unwrap()).unwrap();
    let republished = at(now, Some(&cache));
    assert_eq!(cache.hits_and_misses(), (16, 1));
    same(&republished, &at(now, None));

    // bins-5 tampered with: its signature no longer covers it.
    let bin = repo.path().join("metadata/1.bins-5.json");
    let mut value: Value = serde_json::from_slice(&std::fs::read(&bin).unwrap()).unwrap();
    value["signed"]["x-tampered"] = Value::from(true);
    std::fs::write(&bin, serde_json::to_vec(&value).unwrap()).unwrap();
    let tampered = at(now, Some(&cache));
    assert_eq!(tampered.trace.first_failure().unwrap().1.id, "tuf.5.6.3");
    same(&tampered, &at(now, None));

    // Past every role's expiry: the run fails as a fresh one does, before any bin.
    let later = "2100-01-02T00:00:00Z";
    let expired = at(later, Some(&cache));
    assert_eq!(cache.hits_and_misses().0, 0);
    same(&expired, &at(later, None));

    // The snapshot tampered with: other bytes, parsed again, and its signature fails.
    let reused = cache.snapshots_reused();
    let snapshot = repo.path().join("metadata/1.snapshot.json");
    let mut value: Value = serde_json::from_slice(&std::fs::read(&snapshot).unwrap()).unwrap();
    value["signed"]["x-tampered"] = Value::from(true);
    std::fs::write(&snapshot, serde_json::to_vec(&value).unwrap()).unwrap();
    let tampered = at(now, Some(&cache));
    assert_eq!(cache.snapshots_reused(), reused);
    assert_eq!(tampered.trace.first_failure().unwrap().1.id, "tuf.5.5.3");
    same(&tampered, &at(now, None));
}

/// A reused result carries the role's status, which says how the role is delegated: when the
/// delegation changes and the role's bytes and keys do not, the earlier result is not reused
/// and the statuses say what the repository says now.
#[test]
fn a_changed_delegation_is_never_reported_from_an_earlier_run() {
    use chainscope::tuf::cache::RoleCache;
    use chainscope::tuf::client::Delegation;
    let repo = bins_repository("prefixes", 16, 100);
    let cache = std::sync::Arc::new(RoleCache::new());
    let at = |cache: Option<&std::sync::Arc<RoleCache>>| {
        let mut request = VerifyRequest {
            cache: cache.cloned(),
            ..request_every_role(repo.path())
        };
        request.every_role = true;
        verify_repository(&request).unwrap()
    };
    let terminating = |report: &RepositoryReport| -> Vec<bool> {
        report
            .roles
            .iter()
            .filter_map(|status| match &status.delegation {
                Delegation::HashPrefixes { terminating, .. } => Some(*terminating),
                _ => None,
            })
            .collect()
    };
    assert_eq!(terminating(&at(Some(&cache))), [true; 16]);
    assert_eq!(cache.hits_and_misses(), (0, 17));

    // The same bins, the same keys, delegated without `terminating`: only targets' bytes change.
    reference_script(
        "tuf_ref.py",
        &[
            "bench-repo",
            path_str(repo.path()),
            "prefixes-not-terminating",
            "16",
            "100",
        ],
    );
    let cached = at(Some(&cache));
    assert_eq!(cache.hits_and_misses(), (0, 17));
    let fresh = at(None);
    assert_eq!(terminating(&cached), [false; 16]);
    assert_eq!(
        serde_json::to_value(&cached.roles).unwrap(),
        serde_json::to_value(&fresh.roles).unwrap()
    );
    assert_eq!(cached.trace, fresh.trace);
}
