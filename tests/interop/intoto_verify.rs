//! in-toto verification side by side with in-toto itself: supply chains recorded by the real
//! in-toto tools (ed25519, RSA and ECDSA functionaries, legacy and DSSE links), each verified by
//! `in_toto_verify` and by chainscope. Same verdict, failure kind, message and failing item.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use chainscope::crypto::read_key_file;
use chainscope::intoto::verify::{InspectionMode, VerifyOptions, verify_layout_file};
use chainscope::time::UtcTime;
use chainscope::trace::{Outcome, Subject, Trace, Verdict};
use serde_json::Value;

use crate::{path_str, reference, temp_dir};

/// Every file below `folder` with its bytes: to prove verification wrote nothing there.
fn snapshot(folder: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![folder.to_owned()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.insert(path.clone(), std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

/// Every chain of `ref.py chains`, built once for all the tests of this binary, with in-toto's
/// answer for each (its manifest entry and `in_toto_verify`'s exception).
fn chains() -> &'static (tempfile::TempDir, Vec<(Value, Value)>) {
    static CHAINS: std::sync::OnceLock<(tempfile::TempDir, Vec<(Value, Value)>)> =
        std::sync::OnceLock::new();
    CHAINS.get_or_init(|| {
        let dir = temp_dir();
        reference(&["chains", path_str(dir.path())]);
        let manifest_path = dir.path().join("manifest.json");
        let manifest: Vec<Value> =
            serde_json::from_slice(&std::fs::read(&manifest_path).unwrap()).unwrap();
        let answers: Vec<Value> =
            serde_json::from_str(&reference(&["verify-chains", path_str(&manifest_path)])).unwrap();
        assert_eq!(manifest.len(), answers.len());
        (dir, manifest.into_iter().zip(answers).collect())
    })
}

/// chainscope's trace of one chain, verified as in-toto-verify does (inspections run).
fn verify_chain(scenario: &Value) -> Trace {
    let name = scenario["name"].as_str().unwrap();
    let folder = PathBuf::from(scenario["folder"].as_str().unwrap());
    let layout_keys = scenario["layout_keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            read_key_file(Path::new(p.as_str().unwrap()), None)
                .unwrap()
                .public()
                .clone()
        })
        .collect();
    let parameters = scenario["params"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect();
    let options = VerifyOptions {
        now: UtcTime::now(),
        layout_keys,
        link_dir: folder.clone(),
        artifacts_dir: folder.clone(),
        parameters,
        inspections: InspectionMode::Run {
            timeout: Duration::from_secs(10),
        },
    };
    let before = snapshot(&folder);
    let trace = verify_layout_file(&folder.join("root.layout"), &options).unwrap();
    assert_eq!(
        snapshot(&folder),
        before,
        "{name}: verification wrote into the chain folder"
    );
    trace
}

/// Verifies one chain and asserts chainscope judges it as in-toto did: the same verdict, and
/// for a failure the same kind, message (where in-toto has one) and failing item, with a hint
/// naming the culprit. Returns the failure kind, if any.
fn judge_chain(scenario: &Value, answer: &Value) -> Option<String> {
    let name = scenario["name"].as_str().unwrap();
    if name.starts_with("unreadable-") {
        // in-toto's loader refuses the layout; chainscope cannot read it either (exit 2).
        let folder = PathBuf::from(scenario["folder"].as_str().unwrap());
        let options = VerifyOptions {
            now: UtcTime::now(),
            layout_keys: Vec::new(),
            link_dir: folder.clone(),
            artifacts_dir: folder.clone(),
            parameters: Default::default(),
            inspections: InspectionMode::RecordOnly,
        };
        let error = verify_layout_file(&folder.join("root.layout"), &options)
            .expect_err(&format!("{name}: chainscope read the layout"));
        let kind = answer["kind"]
            .as_str()
            .unwrap_or_else(|| panic!("{name}: in-toto read it"));
        assert_eq!(kind, "FormatError", "{name}");
        return Some(format!("unreadable: {error}"));
    }
    let trace = verify_chain(scenario);
    match (trace.first_failure(), answer["kind"].as_str()) {
        (None, None) => {
            assert_eq!(trace.verdict(), Verdict::Pass, "{name}");
            assert!(
                name.starts_with("pass-"),
                "{name} passed in both, but is named as a failure"
            );
            None
        }
        (Some((_, check)), Some(kind)) => {
            let Outcome::Fail { failure } = &check.outcome else {
                unreachable!()
            };
            assert_eq!(
                failure.kind.as_deref(),
                Some(kind),
                "{name}: kind\n{}",
                trace.render_text()
            );
            let theirs = answer["message"].as_str().unwrap();
            if theirs.is_empty() {
                // in-toto's InvalidMetadata carries no message; chainscope's names the file.
                assert!(
                    failure.message.contains(".link"),
                    "{name}: {}",
                    failure.message
                );
            } else {
                assert_eq!(failure.message, theirs, "{name}: message");
            }
            if let Some(item) = answer["item"].as_str() {
                let Subject::Rule { owner, .. } = &check.subject else {
                    panic!("{name}: rule failure on {:?}", check.subject)
                };
                assert_eq!(owner, item, "{name}: failing item");
            }
            assert!(
                name.starts_with("fail-"),
                "{name} failed in both, but is named as a pass"
            );
            let hint = failure
                .hint
                .as_deref()
                .unwrap_or_else(|| panic!("{name}: no hint"));
            assert_hint_names_the_culprit(name, kind, &failure.message, hint);
            Some(kind.to_owned())
        }
        (ours, theirs) => panic!(
            "{name}: chainscope {:?}, in-toto {theirs:?}\n{}",
            ours.map(|(_, c)| &c.outcome),
            trace.render_text()
        ),
    }
}

/// A temporary copy of the named chain's folder (its files only), to change without touching
/// the shared chains.
fn copy_of_chain(name: &str) -> tempfile::TempDir {
    let (scenario, _) = chains()
        .1
        .iter()
        .find(|(s, _)| s["name"] == name)
        .unwrap_or_else(|| panic!("no chain {name}"));
    let copy = temp_dir();
    for entry in std::fs::read_dir(scenario["folder"].as_str().unwrap()).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), copy.path().join(entry.file_name())).unwrap();
    }
    copy
}

/// Judges the named chains (each must exist) as in-toto did; returns their failure kinds.
fn judge_chains(names: &[&str]) -> Vec<Option<String>> {
    names
        .iter()
        .map(|name| {
            let (scenario, answer) = chains()
                .1
                .iter()
                .find(|(s, _)| s["name"] == *name)
                .unwrap_or_else(|| panic!("no chain {name}"));
            judge_chain(scenario, answer)
        })
        .collect()
}

#[test]
fn verification_agrees_with_in_toto_on_every_chain() {
    let chains = &chains().1;
    assert!(chains.len() >= 25, "{} chains", chains.len());
    let kinds: std::collections::BTreeSet<String> = chains
        .iter()
        .filter_map(|(scenario, answer)| judge_chain(scenario, answer))
        .filter(|kind| !kind.starts_with("unreadable: "))
        .collect();
    let expected: std::collections::BTreeSet<String> = [
        "BadReturnValueError",
        "FormatError",
        "InvalidMetadata",
        "KeyError",
        "LayoutExpiredError",
        "LinkNotFoundError",
        "RuleVerificationError",
        "SignatureVerificationError",
        "ThresholdVerificationError",
        "ValueError",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    assert_eq!(kinds, expected, "every failure kind is exercised");
}

/// An ITE-6 statement stored under a step's link file name, signed by the step's functionary,
/// never stands in for a link: in a legacy envelope in-toto's loader refuses it
/// (`FormatError`), in DSSE it refuses the payload once it reads it (`InvalidMetadata`), even
/// where the statement's signature would have met the step's threshold.
#[test]
fn an_attestation_in_a_link_slot_fails_as_in_toto_fails_it() {
    let kinds = judge_chains(&[
        "fail-statement-toward-threshold-dsse",
        "fail-statement-toward-threshold-legacy",
        "fail-statement-only-link-dsse",
    ]);
    assert_eq!(
        kinds,
        [
            Some("InvalidMetadata".to_owned()),
            Some("FormatError".to_owned()),
            Some("InvalidMetadata".to_owned())
        ]
    );
}

/// securesystemslib refuses a DSSE envelope holding two signatures under one keyid.
#[test]
fn a_dsse_link_with_two_signatures_under_one_keyid_is_refused() {
    assert_eq!(
        judge_chains(&["fail-dsse-two-signatures-one-keyid"]),
        [Some("ValueError".to_owned())]
    );
}

/// A 40-hex-digit OpenPGP fingerprint in `text`.
fn has_gpg_keyid(text: &str) -> bool {
    text.split(|c: char| !c.is_ascii_hexdigit())
        .any(|word| word.len() == 40)
}

/// The hint names the expected file, keyid, pattern, command or parameter.
fn assert_hint_names_the_culprit(name: &str, kind: &str, message: &str, hint: &str) {
    let quoted = |text: &str| text.split('\'').nth(1).unwrap_or_default().to_owned();
    let has_keyid = hint
        .split(|c: char| !c.is_ascii_hexdigit())
        .any(|word| word.len() == 64);
    let named = match kind {
        "LinkNotFoundError" => hint.contains(".link"),
        "SignatureVerificationError" => {
            hint.contains(&quoted(message)) && hint.contains("root.layout")
        }
        "LayoutExpiredError" => hint.contains("root.layout"),
        "ThresholdVerificationError" => hint.contains(".link") || has_keyid || has_gpg_keyid(hint),
        // 'DISALLOW *' / 'REQUIRE README': the pattern or file name.
        "RuleVerificationError" => hint.contains(quoted(message).split(' ').nth(1).unwrap_or("?")),
        "BadReturnValueError" => hint.contains("false") || hint.contains("tar"),
        "KeyError" => hint.contains(&quoted(message)),
        "FormatError" | "InvalidMetadata" | "ValueError" => hint.contains(".link"),
        "KeyExpirationError" => hint.contains("root.layout") && has_gpg_keyid(hint),
        _ => false,
    };
    assert!(
        named,
        "{name}: the hint does not name the file, keyid or pattern: {hint}"
    );
}

#[test]
fn cli_reports_the_failure_as_in_toto_verify_does() {
    let dir = &chains().0;
    let folder = dir.path().join("fail-disallow-extra-product");
    let run = |format: &str| {
        Command::new(env!("CARGO_BIN_EXE_chainscope"))
            .args([
                "intoto",
                "verify",
                "--layout",
                "root.layout",
                "--verification-keys",
                path_str(&dir.path().join("keys/owner.pub")),
                "--format",
                format,
            ])
            .current_dir(&folder)
            .output()
            .unwrap()
    };
    let text = run("text");
    assert_eq!(text.status.code(), Some(1));
    let stdout = String::from_utf8(text.stdout).unwrap();
    assert!(stdout.contains("RuleVerificationError: 'DISALLOW *' matched the following artifacts: ['evil.py']\n  at write-code expected_products rule #2\n  artifacts: evil.py\nhint: "), "{stdout}");
    let json: Value = serde_json::from_slice(&run("json").stdout).unwrap();
    assert_eq!(json["verdict"], "fail");
    assert_eq!(json["failure"]["kind"], "RuleVerificationError");
    assert_eq!(json["failure"]["step"], "write-code");
    assert_eq!(json["failure"]["rule"]["index"], 1);
    assert_eq!(json["failure"]["artifacts"][0], "evil.py");

    let pass = Command::new(env!("CARGO_BIN_EXE_chainscope"))
        .args([
            "intoto",
            "verify",
            "--layout",
            "root.layout",
            "--layout-keys",
            path_str(&dir.path().join("keys/owner.pub")),
            "--run-inspections",
        ])
        .current_dir(dir.path().join("pass-basic"))
        .output()
        .unwrap();
    assert_eq!(
        pass.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&pass.stdout)
    );
    let missing = Command::new(env!("CARGO_BIN_EXE_chainscope"))
        .args([
            "intoto",
            "verify",
            "--layout",
            "nope.layout",
            "--layout-keys",
            path_str(&dir.path().join("keys/owner.pub")),
        ])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
}

/// A chain whose tampering only an inspection's product rules catch: without
/// --run-inspections nothing that ran fails, and that is never a pass. The verdict is
/// INCOMPLETE (exit 3, `"verdict": "incomplete"` with each skipped check and why); with the
/// inspections run it fails as in-toto-verify fails it.
#[test]
fn skipped_inspections_are_never_a_pass() {
    assert_eq!(
        judge_chains(&["fail-caught-only-by-inspection-products"]),
        [Some("RuleVerificationError".to_owned())]
    );
    let dir = &chains().0;
    let folder = dir.path().join("fail-caught-only-by-inspection-products");
    let run = |extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_chainscope"))
            .args([
                "intoto",
                "verify",
                "--layout",
                "root.layout",
                "--layout-keys",
            ])
            .arg(dir.path().join("keys/owner.pub"))
            .args(extra)
            .current_dir(&folder)
            .output()
            .unwrap()
    };
    let text = run(&[]);
    assert_eq!(text.status.code(), Some(3));
    let stdout = String::from_utf8(text.stdout).unwrap();
    assert!(
        stdout.contains("verdict: INCOMPLETE (not fully verified: 1 inspection not run)\nhint: "),
        "{stdout}"
    );
    assert!(stdout.contains("--run-inspections"), "{stdout}");
    assert!(!stdout.contains("PASS"), "{stdout}");

    let json = run(&["--format", "json"]);
    assert_eq!(json.status.code(), Some(3));
    let json: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(json["verdict"], "incomplete");
    let skipped = json["skipped"].as_array().unwrap();
    let ids: Vec<&str> = skipped
        .iter()
        .map(|s| s["check"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["intoto.inspection.run", "intoto.inspection.rule"]);
    assert!(skipped.iter().all(|s| s["subject"]["name"] == "untar"));
    assert!(
        skipped[0]["why"]
            .as_str()
            .unwrap()
            .contains("tar xf foo.tar")
    );

    let ran = run(&["--run-inspections"]);
    assert_eq!(ran.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&ran.stdout).contains(
        "RuleVerificationError: 'DISALLOW *' matched the following artifacts: ['foo.py']"
    ));
}

/// in-toto runs every inspection first and then checks every inspection's rules, so an
/// inspection may MATCH against a later one's products.
#[test]
fn an_inspection_may_match_a_later_inspection() {
    assert_eq!(
        judge_chains(&["pass-inspection-matches-a-later-inspection"]),
        [None]
    );
}

/// A sublayout is verified with no substitution parameters (in-toto's recursive call passes
/// none), so `{SOURCE}` in it stays as written.
#[test]
fn a_sublayout_receives_no_parameters() {
    assert_eq!(
        judge_chains(&["fail-sublayout-gets-no-parameters"]),
        [Some("RuleVerificationError".to_owned())]
    );
}

/// A layout without `expires` (in-toto's own DSSE demo has one): in-toto fills in a month from
/// when it reads it, so in DSSE it verifies and never expires; a legacy signature is checked
/// over the re-read layout, which then has an `expires`, so it fails there as in in-toto.
#[test]
fn a_layout_without_expires_is_judged_as_in_toto_judges_it() {
    assert_eq!(
        judge_chains(&[
            "pass-dsse-layout-without-expires",
            "fail-legacy-layout-without-expires"
        ]),
        [None, Some("SignatureVerificationError".to_owned())]
    );
    let scenario = &chains()
        .1
        .iter()
        .find(|(s, _)| s["name"] == "pass-dsse-layout-without-expires")
        .unwrap()
        .0;
    let trace = verify_chain(scenario);
    let expiry = trace
        .checks
        .iter()
        .find(|c| c.id == "intoto.layout.expiry")
        .unwrap();
    assert!(
        matches!(&expiry.outcome, Outcome::Warn { message } if message.contains("no `expires`")),
        "{:?}",
        expiry.outcome
    );
}

/// Layout keys are matched by each key's own `keyid` field, as in-toto matches them: a key
/// listed under another id still verifies the links signed with its real keyid. A key without
/// its own `keyid` makes the layout unreadable, in in-toto and in chainscope (naming the field).
#[test]
fn layout_keys_are_matched_by_their_own_keyid_field() {
    let kinds = judge_chains(&[
        "pass-layout-key-listed-under-another-id",
        "unreadable-layout-key-without-keyid",
    ]);
    assert_eq!(kinds[0], None);
    let unreadable = kinds[1].as_deref().unwrap();
    assert!(
        unreadable.contains("field `signed.keys") && unreadable.contains(".keyid`: is missing"),
        "{unreadable}"
    );
}

/// in-toto-golang's certificate fields (`rootcas`, `intermediatecas`, a step's
/// `cert_constraints`) are covered by the signature and kept; chainscope does not evaluate
/// them and says so in the trace.
#[test]
fn certificate_constraints_are_signed_over_and_reported_as_not_evaluated() {
    assert_eq!(
        judge_chains(&["pass-dsse-golang-certificate-fields"]),
        [None]
    );
    let scenario = &chains()
        .1
        .iter()
        .find(|(s, _)| s["name"] == "pass-dsse-golang-certificate-fields")
        .unwrap()
        .0;
    let trace = verify_chain(scenario);
    let check = trace
        .checks
        .iter()
        .find(|c| c.id == "intoto.layout.certificates")
        .expect("a warning about the certificate fields");
    let Outcome::Warn { message } = &check.outcome else {
        panic!("{:?}", check.outcome)
    };
    assert!(
        message.contains("rootcas, intermediatecas")
            || message.contains("rootcas; intermediatecas"),
        "{message}"
    );
    assert!(
        message.contains("cert_constraints of write-code"),
        "{message}"
    );
}

/// A FIFO and a socket in the artifacts folder: in-toto records only regular files and
/// passes; chainscope passes too, with its inspections run in a scratch copy that leaves them
/// out (copying a FIFO would wait forever), and never blocks.
#[test]
fn special_files_in_the_artifacts_folder_never_block_verification() {
    let dir = &chains().0;
    let copy = copy_of_chain("pass-basic");
    let folder = copy.path().to_owned();
    let fifo = Command::new("mkfifo")
        .arg(folder.join("a-fifo"))
        .status()
        .unwrap();
    assert!(fifo.success());
    let _socket = std::os::unix::net::UnixListener::bind(folder.join("a-socket")).unwrap();

    let owner = dir.path().join("keys/owner.pub");
    let theirs = reference(&["verify-in-place", path_str(&folder), path_str(&owner)]);
    assert_eq!(theirs.trim(), "pass");

    let mut ours = Command::new(env!("CARGO_BIN_EXE_chainscope"))
        .args([
            "intoto",
            "verify",
            "--layout",
            "root.layout",
            "--run-inspections",
        ])
        .arg("--layout-keys")
        .arg(&owner)
        .current_dir(&folder)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = ours.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(120) {
            let _ = ours.kill();
            panic!("chainscope blocked on the special files");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stdout = String::new();
    std::io::Read::read_to_string(ours.stdout.as_mut().unwrap(), &mut stdout).unwrap();
    assert_eq!(status.code(), Some(0), "{stdout}");
}

/// Supply chains signed with real GnuPG keys (`ref.py gpg-chains`: RSA, DSA and EdDSA keys, a
/// signing subkey, keys that expire; links by `in-toto-run --gpg`, layouts by
/// `in-toto-sign --gpg`), judged by in-toto with the layout key from the keyring and by
/// chainscope with it exported (binary, or armored).
#[test]
fn gpg_signed_chains_are_judged_as_in_toto_judges_them() {
    let dir = temp_dir();
    reference(&["gpg-chains", path_str(dir.path())]);
    let manifest_path = dir.path().join("manifest.json");
    let manifest: Vec<Value> =
        serde_json::from_slice(&std::fs::read(&manifest_path).unwrap()).unwrap();
    let answers: Vec<Value> =
        serde_json::from_str(&reference(&["verify-gpg-chains", path_str(&manifest_path)])).unwrap();
    let kinds: Vec<Option<String>> = manifest
        .iter()
        .zip(&answers)
        .map(|(scenario, answer)| judge_chain(scenario, answer))
        .collect();
    assert_eq!(
        kinds,
        [
            None,
            None,
            Some("ThresholdVerificationError".to_owned()),
            Some("ThresholdVerificationError".to_owned()),
            Some("KeyExpirationError".to_owned()),
        ]
    );
    // The review step's link is signed by carl's subkey and named after it.
    let passing = verify_chain(&manifest[0]);
    let review = passing
        .checks
        .iter()
        .find(|c| c.id == "intoto.step.links" && c.subject.to_string() == "step review")
        .unwrap();
    assert!(
        review
            .evidence
            .iter()
            .any(|(_, v)| v.starts_with("review.")),
        "{review:?}"
    );
}

/// A functionary key whose scheme chainscope cannot verify: the verdict is "cannot verify"
/// (exit 2), naming the scheme, never a FAIL that reads as "signed by 0 of 1".
#[test]
fn a_key_chainscope_cannot_verify_with_says_so_and_exits_2() {
    let dir = &chains().0;
    let copy = copy_of_chain("pass-basic");
    let path = copy.path().join("root.layout");
    let mut layout: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let bob = layout["signed"]["steps"][1]["pubkeys"][0]
        .as_str()
        .unwrap()
        .to_owned();
    layout["signed"]["keys"][&bob] = serde_json::json!({"keyid": bob, "keytype": "sphincs",
        "scheme": "sphincs-shake-256f", "keyval": {"public": "00"}});
    let owner = read_key_file(&dir.path().join("keys/owner.pem"), None).unwrap();
    let chainscope::crypto::keyfile::KeyFile::Private(owner) = owner else {
        panic!("a private key")
    };
    let bytes = chainscope::cjson::encode(&layout["signed"]).unwrap();
    layout["signatures"] = serde_json::json!([{"keyid": owner.keyid(),
        "sig": hex::encode(owner.sign(&bytes).unwrap())}]);
    std::fs::write(&path, serde_json::to_vec(&layout).unwrap()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_chainscope"))
        .args([
            "intoto",
            "verify",
            "--layout",
            "root.layout",
            "--layout-keys",
        ])
        .arg(dir.path().join("keys/owner.pub"))
        .current_dir(copy.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{stdout}");
    assert!(
        stdout.contains("cannot verify: scheme \"sphincs-shake-256f\" is not supported"),
        "{stdout}"
    );
    assert!(!stdout.contains("verdict: FAIL"), "{stdout}");
}
