//! Sigstore, on data the Sigstore project published: sigstore-conformance's verify cases run
//! through `chainscope sigstore verify-bundle` exactly as the suite runs a client (offline,
//! with the suite's own trusted roots), and production's trusted root fetched through
//! chainscope's TUF client from a copy of sigstore/root-signing, beside python-tuf's ngclient.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sha2::Digest as _;

use super::{path_str, temp_dir};

fn real_world(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/real-world")
        .join(path)
}

fn chainscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_chainscope"))
        .args(args)
        .output()
        .expect("run chainscope")
}

/// When root-signing's metadata was published (its last commit, 2026-08-21): every role in
/// the copy is then unexpired.
const ROOT_SIGNING_NOW: &str = "2026-08-22T00:00:00Z";

/// The copy of sigstore/root-signing laid out as tuf-on-ci publishes it to the CDN: each root
/// as `N.root.json`, `timestamp.json`, snapshot and targets roles under their versions
/// (consistent snapshots), the trusted root under its SHA-256.
fn publish_root_signing(into: &Path) {
    let source = real_world("sigstore-root-signing");
    let metadata = into.join("metadata");
    let targets = into.join("targets");
    std::fs::create_dir_all(&metadata).unwrap();
    std::fs::create_dir_all(&targets).unwrap();
    for entry in std::fs::read_dir(source.join("metadata/root_history")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), metadata.join(entry.file_name())).unwrap();
    }
    std::fs::copy(
        source.join("metadata/timestamp.json"),
        metadata.join("timestamp.json"),
    )
    .unwrap();
    for role in ["snapshot", "targets", "registry.npmjs.org"] {
        let bytes = std::fs::read(source.join(format!("metadata/{role}.json"))).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        let version = value["signed"]["version"].as_u64().unwrap();
        std::fs::write(metadata.join(format!("{version}.{role}.json")), bytes).unwrap();
    }
    let trusted_root = std::fs::read(source.join("targets/trusted_root.json")).unwrap();
    let hash = hex::encode(sha2::Sha256::digest(&trusted_root));
    std::fs::write(
        targets.join(format!("{hash}.trusted_root.json")),
        trusted_root,
    )
    .unwrap();
}

/// chainscope's answer: the trusted root's bytes, or `None` when the TUF verification failed.
fn chainscope_trusted_root(repo: &Path, root: Option<&Path>, out: &Path) -> Option<Vec<u8>> {
    let mut args = vec![
        "sigstore",
        "trusted-root",
        "--repository",
        path_str(repo),
        "--now",
        ROOT_SIGNING_NOW,
        "--out",
        path_str(out),
    ];
    if let Some(root) = root {
        args.extend(["--root", path_str(root)]);
    }
    let output = chainscope(&args);
    match output.status.code() {
        Some(0) => Some(std::fs::read(out).unwrap()),
        Some(1) => None,
        other => panic!(
            "chainscope sigstore trusted-root: exit {other:?}\n{}",
            String::from_utf8_lossy(&output.stderr)
        ),
    }
}

#[test]
fn sigstores_trusted_root_comes_through_tuf_as_python_tuf_fetches_it() {
    let dir = temp_dir();
    let repo = dir.path().join("cdn");
    publish_root_signing(&repo);
    let published = std::fs::read(real_world(
        "sigstore-root-signing/targets/trusted_root.json",
    ))
    .unwrap();
    let history = real_world("sigstore-root-signing/metadata/root_history");
    let reference_python = super::reference_python();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reference/tuf_ref.py");
    let mut fetched_from = Vec::new();
    for version in 1..=15 {
        let root = history.join(format!("{version}.root.json"));
        let ours = chainscope_trusted_root(&repo, Some(&root), &dir.path().join("ours.json"));
        let theirs_path = dir.path().join("theirs.json");
        let _ = std::fs::remove_file(&theirs_path);
        let theirs = Command::new(&reference_python)
            .arg(&script)
            .args([
                "fetch-target",
                path_str(&root),
                path_str(&repo),
                "trusted_root.json",
                ROOT_SIGNING_NOW,
                path_str(&theirs_path),
            ])
            .output()
            .expect("run python-tuf");
        let theirs = theirs
            .status
            .success()
            .then(|| std::fs::read(&theirs_path).unwrap());
        assert_eq!(
            ours.is_some(),
            theirs.is_some(),
            "starting from root v{version}: chainscope and python-tuf disagree"
        );
        if let Some(bytes) = ours {
            assert_eq!(bytes, published, "from root v{version}");
            assert_eq!(
                theirs.as_ref(),
                Some(&published),
                "python-tuf from root v{version}"
            );
            fetched_from.push(version);
        }
    }
    // Roots 1-3 write `expires` with a UTC offset and fractions of a second, which neither
    // client reads as TUF's date; root 4 is not signed by a threshold of its own keys.
    assert_eq!(fetched_from, (5..=15).collect::<Vec<_>>());

    // The root chainscope pins for production is root-signing's newest (v15): the same bytes.
    let pinned = chainscope_trusted_root(&repo, None, &dir.path().join("pinned.json"));
    assert_eq!(pinned.as_ref(), Some(&published));
}

struct Case {
    name: String,
    dir: PathBuf,
    expect_failure: bool,
}

fn conformance_cases() -> Vec<Case> {
    let root = real_world("sigstore-conformance/bundle-verify");
    let mut cases: Vec<Case> = std::fs::read_dir(&root)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.join("bundle.sigstore.json").is_file())
        .map(|dir| {
            let name = dir.file_name().unwrap().to_str().unwrap().to_owned();
            Case {
                expect_failure: name.ends_with("_fail"),
                name,
                dir,
            }
        })
        .collect();
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    cases
}

const DEFAULT_IDENTITY: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
const DEFAULT_ISSUER: &str = "https://token.actions.githubusercontent.com";

/// The arguments the suite's `build_verify_args` gives a client for `case`, with production's
/// trusted root where the case brings none, and `--format json`.
fn verify_args(case: &Case, production_root: &Path, digest: bool) -> Vec<String> {
    let read = |name: &str| std::fs::read_to_string(case.dir.join(name)).ok();
    let mut args: Vec<String> = vec![
        "sigstore".into(),
        "verify-bundle".into(),
        "--bundle".into(),
        path_str(&case.dir.join("bundle.sigstore.json")).into(),
    ];
    if case.dir.join("key.pub").is_file() {
        args.extend(["--key".into(), path_str(&case.dir.join("key.pub")).into()]);
    } else {
        args.extend([
            "--certificate-identity".into(),
            read("identity").unwrap_or_else(|| DEFAULT_IDENTITY.into()),
            "--certificate-oidc-issuer".into(),
            read("issuer").unwrap_or_else(|| DEFAULT_ISSUER.into()),
        ]);
    }
    let trusted_root = case.dir.join("trusted_root.json");
    let trusted_root = if trusted_root.is_file() {
        trusted_root
    } else {
        production_root.to_owned()
    };
    args.extend(["--trusted-root".into(), path_str(&trusted_root).into()]);
    args.extend(["--format".into(), "json".into()]);
    let artifact = case.dir.join("artifact");
    let artifact = if artifact.is_file() {
        artifact
    } else {
        case.dir.parent().unwrap().join("a.txt")
    };
    if digest {
        let bytes = std::fs::read(&artifact).unwrap();
        args.push(format!(
            "sha256:{}",
            hex::encode(sha2::Sha256::digest(bytes))
        ));
    } else {
        args.push(path_str(&artifact).into());
    }
    args
}

/// Production's trusted root, fetched through TUF from the root-signing copy with the pinned
/// root, written into `dir`.
fn production_trusted_root(dir: &Path) -> PathBuf {
    let repo = dir.join("cdn");
    publish_root_signing(&repo);
    let out = dir.join("production-trusted-root.json");
    chainscope_trusted_root(&repo, None, &out).expect("production's trusted root through TUF");
    out
}

/// A verification's verdict and its first failing check's id and error kind.
type Judged = (String, Option<(String, String)>);

/// What a verification printed.
fn verdict_of(output: &Output) -> Judged {
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|_| {
        panic!(
            "not JSON (exit {:?}): {}{}",
            output.status.code(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let failed = value["trace"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|check| check["outcome"]["result"] == "fail")
        .map(|check| {
            (
                check["id"].as_str().unwrap().to_owned(),
                check["outcome"]["failure"]["kind"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        });
    (value["verdict"].as_str().unwrap().to_owned(), failed)
}

#[test]
fn every_sigstore_conformance_verify_case_is_judged_as_the_suite_expects() {
    let dir = temp_dir();
    let production = production_trusted_root(dir.path());
    let cases = conformance_cases();
    assert_eq!(
        cases.len(),
        70,
        "every case of the suite's bundle-verify folder"
    );
    let mut wrong = Vec::new();
    for case in &cases {
        for digest in [false, true] {
            let args = verify_args(case, &production, digest);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let output = chainscope(&args);
            let code = output.status.code();
            let judged_right = if case.expect_failure {
                code.is_some_and(|code| code != 0)
            } else {
                code == Some(0)
            };
            let how = if digest { "by digest" } else { "by path" };
            if !judged_right {
                wrong.push(format!(
                    "{} {how}: exit {code:?}\n{}{}",
                    case.name,
                    String::from_utf8_lossy(&output.stdout),
                    String::from_utf8_lossy(&output.stderr)
                ));
            }
            // A verified bundle passed every check: none skipped, none failed.
            if !case.expect_failure && code == Some(0) {
                let (verdict, failed) = verdict_of(&output);
                assert_eq!((verdict.as_str(), failed), ("pass", None), "{}", case.name);
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}

#[test]
fn a_failing_bundle_fails_at_the_check_that_names_what_is_wrong() {
    let dir = temp_dir();
    let production = production_trusted_root(dir.path());
    let case = |name: &str| {
        let dir = real_world("sigstore-conformance/bundle-verify").join(name);
        Case {
            name: name.to_owned(),
            expect_failure: true,
            dir,
        }
    };
    let expected = [
        (
            "trust-root-tlog-missing-validity-start_fail",
            "sigstore.trusted-root",
            "TrustRoot",
        ),
        ("bundle-unknown-version_fail", "sigstore.bundle", "Types"),
        (
            "rekor2-no-timestamp_fail",
            "sigstore.time",
            "Timestamp::NoVerifiedTimestamp",
        ),
        (
            "rekor2-timestamp-outside-trust-root-tsa-validity_fail",
            "sigstore.time",
            "Timestamp::OutsideAuthorityValidity",
        ),
        (
            "intoto-expired-certificate_fail",
            "sigstore.certificate",
            "Certificate::ChainInvalid",
        ),
        ("invalid-ct-key_fail", "sigstore.sct", "Certificate::Sct"),
        (
            "inclusion-proof-corrupted-hash_fail",
            "sigstore.tlog",
            "TransparencyLog::InclusionProof",
        ),
        (
            "invalid-checkpoint-signature_fail",
            "sigstore.tlog",
            "TransparencyLog::Checkpoint",
        ),
        (
            "set-invalid-signature_fail",
            "sigstore.tlog",
            "TransparencyLog::InclusionPromise",
        ),
        (
            "signature-mismatch_fail",
            "sigstore.signature",
            "SignatureInvalid",
        ),
        (
            "dsse-invalid-sig_fail",
            "sigstore.signature",
            "SignatureInvalid",
        ),
        (
            "message-digest-mismatch_fail",
            "sigstore.artifact",
            "ArtifactMismatch",
        ),
        (
            "wrong-material_fail",
            "sigstore.artifact",
            "ArtifactMismatch",
        ),
        (
            "wrong-hashedrekord-cert-and-sig_fail",
            "sigstore.tlog.consistency",
            "TransparencyLog::EntryMismatch",
        ),
    ];
    for (name, check, kind) in expected {
        let args = verify_args(&case(name), &production, false);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = chainscope(&args);
        assert_eq!(output.status.code(), Some(1), "{name}");
        let (verdict, failed) = verdict_of(&output);
        assert_eq!(verdict, "fail", "{name}");
        assert_eq!(failed, Some((check.to_owned(), kind.to_owned())), "{name}");
    }

    // The right bundle, the wrong signer: the identity check fails, after the certificate,
    // its SCT and the signed times were established.
    let happy = Case {
        name: "happy-path-v0.3".into(),
        expect_failure: false,
        dir: real_world("sigstore-conformance/bundle-verify/happy-path-v0.3"),
    };
    let mut args = verify_args(&happy, &production, false);
    let identity = args
        .iter()
        .position(|arg| arg == "--certificate-identity")
        .unwrap();
    args[identity + 1] = "mallory@example.com".into();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = chainscope(&args);
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let outcomes: Vec<(&str, &str)> = value["trace"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap(),
                c["outcome"]["result"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            ("sigstore.trusted-root", "pass"),
            ("sigstore.bundle", "pass"),
            ("sigstore.time", "pass"),
            ("sigstore.certificate", "pass"),
            ("sigstore.sct", "pass"),
            ("sigstore.identity", "fail"),
            ("sigstore.tlog", "skipped"),
            ("sigstore.signature", "skipped"),
            ("sigstore.artifact", "skipped"),
            ("sigstore.tlog.consistency", "skipped"),
        ]
    );

    // Unreadable input is an error naming the file, not a verdict.
    let output = chainscope(
        &verify_args(&case("bundle-malformed-json_fail"), &production, false)
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("bundle-malformed-json_fail/bundle.sigstore.json is not JSON"),
        "{stderr}"
    );
}

/// A bundle another project published, the artifact it signs and who signed it.
struct Published {
    bundle: &'static str,
    artifact: &'static str,
    identity: &'static str,
    issuer: Option<&'static str>,
    /// `None`: production's trusted root (through TUF); else a file under real-world.
    trusted_root: Option<&'static str>,
}

const GITHUB_ACTIONS: Option<&str> = Some("https://token.actions.githubusercontent.com");

const PUBLISHED: &[Published] = &[
    // npm provenance (SLSA v1) of sigstore@2.0.0, with the tarball the registry serves.
    Published {
        bundle: "sigstore-rust/sigstore.js@2.0.0-provenance.sigstore.json",
        artifact: "npm-registry/sigstore-2.0.0.tgz",
        identity: "https://github.com/sigstore/sigstore-js/.github/workflows/release.yml@refs/heads/main",
        issuer: GITHUB_ACTIONS,
        trusted_root: None,
    },
    // PEP 740: PyPI's publish attestation and the SLSA provenance of pypi-attestations 0.0.19.
    Published {
        bundle: "pypi-attestations/pypi_attestations-0.0.19.tar.gz.publish.attestation",
        artifact: "pypi-attestations/pypi_attestations-0.0.19.tar.gz",
        identity: "https://github.com/trailofbits/pypi-attestations/.github/workflows/release.yml@refs/tags/v0.0.19",
        issuer: GITHUB_ACTIONS,
        trusted_root: None,
    },
    Published {
        bundle: "pypi-attestations/pypi_attestations-0.0.19.tar.gz.slsa.attestation",
        artifact: "pypi-attestations/pypi_attestations-0.0.19.tar.gz",
        identity: "https://github.com/trailofbits/pypi-attestations/.github/workflows/release.yml@refs/tags/v0.0.19",
        issuer: GITHUB_ACTIONS,
        trusted_root: None,
    },
    // PEP 740 from GitLab CI.
    Published {
        bundle: "pypi-attestations/gitlab_oidc_project-0.0.3.tar.gz.publish.attestation",
        artifact: "pypi-attestations/gitlab_oidc_project-0.0.3.tar.gz",
        identity: "https://gitlab.com/facutuesca/gitlab-oidc-project//.gitlab-ci.yml@refs/heads/main",
        issuer: Some("https://gitlab.com"),
        trusted_root: None,
    },
    // A conda package's publish attestation.
    Published {
        bundle: "sigstore-rust/conda-attestation.sigstore.json",
        artifact: "sigstore-rust/signed-package-2.1.0-hb0f4dca_0.conda",
        identity: "https://github.com/prefix-dev/sigstore-example/.github/workflows/action.yaml@refs/heads/main",
        issuer: GITHUB_ACTIONS,
        trusted_root: None,
    },
    // GitHub's private instance (release attestation): no CT log, no transparency log, a
    // timestamp authority; the certificate names no OIDC issuer.
    Published {
        bundle: "sigstore-rust/github-private-attestation.sigstore.json",
        artifact: "sha256:76f1fe8593bf227cca2c089e3c16dc95014a8d3e89c5dd220530469ca043c428",
        identity: "https://dotcom.releases.github.com",
        issuer: None,
        trusted_root: Some("sigstore-rust/trusted_root_github.json"),
    },
];

fn published_args(
    case: &Published,
    bundle: &Path,
    artifact: &str,
    identity: &str,
    production: &Path,
) -> Vec<String> {
    let trusted_root = case
        .trusted_root
        .map_or_else(|| production.to_owned(), real_world);
    let mut args = vec![
        "sigstore".to_owned(),
        "verify-bundle".to_owned(),
        "--bundle".to_owned(),
        path_str(bundle).to_owned(),
        "--certificate-identity".to_owned(),
        identity.to_owned(),
        "--trusted-root".to_owned(),
        path_str(&trusted_root).to_owned(),
        "--format".to_owned(),
        "json".to_owned(),
    ];
    if let Some(issuer) = case.issuer {
        args.extend(["--certificate-oidc-issuer".to_owned(), issuer.to_owned()]);
    }
    args.push(artifact.to_owned());
    args
}

fn run_json(args: &[String]) -> (Option<i32>, Judged) {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = chainscope(&args);
    (output.status.code(), verdict_of(&output))
}

#[test]
fn bundles_other_projects_published_verify_and_their_tampered_copies_fail_at_the_named_check() {
    let dir = temp_dir();
    let production = production_trusted_root(dir.path());
    for case in PUBLISHED {
        let bundle = real_world(case.bundle);
        let artifact = if case.artifact.starts_with("sha256:") {
            case.artifact.to_owned()
        } else {
            path_str(&real_world(case.artifact)).to_owned()
        };
        let args = published_args(case, &bundle, &artifact, case.identity, &production);
        let (code, (verdict, failed)) = run_json(&args);
        assert_eq!(
            (code, verdict.as_str(), failed),
            (Some(0), "pass", None),
            "{}",
            case.bundle
        );

        // Someone else's identity.
        let args = published_args(
            case,
            &bundle,
            &artifact,
            "https://github.com/mallory/evil",
            &production,
        );
        let (code, (_, failed)) = run_json(&args);
        assert_eq!(code, Some(1), "{}", case.bundle);
        assert_eq!(
            failed.map(|f| f.0).as_deref(),
            Some("sigstore.identity"),
            "{}",
            case.bundle
        );

        // The artifact changed by one byte (or another digest).
        let changed = if let Some(hex_digest) = artifact.strip_prefix("sha256:") {
            format!(
                "sha256:{}{}",
                &hex_digest[..63],
                if hex_digest.ends_with('0') { "1" } else { "0" }
            )
        } else {
            let mut bytes = std::fs::read(&artifact).unwrap();
            bytes[100] ^= 1;
            let path = dir.path().join("changed-artifact");
            std::fs::write(&path, bytes).unwrap();
            path_str(&path).to_owned()
        };
        let args = published_args(case, &bundle, &changed, case.identity, &production);
        let (code, (_, failed)) = run_json(&args);
        assert_eq!(code, Some(1), "{}", case.bundle);
        assert_eq!(
            failed.map(|f| f.0).as_deref(),
            Some("sigstore.artifact"),
            "{}",
            case.bundle
        );
    }

    // A bundle from another instance (staging's Rekor v2 and timestamp authority) against
    // production's trusted root: its signed time does not verify.
    let staging = Published {
        bundle: "sigstore-rust/conda-attestation-rekor2.sigstore.json",
        artifact: "sigstore-rust/signed-package-2.1.0-hb0f4dca_0.conda",
        identity: "jku@goto.fi",
        issuer: Some("https://github.com/login/oauth"),
        trusted_root: None,
    };
    let args = published_args(
        &staging,
        &real_world(staging.bundle),
        path_str(&real_world(staging.artifact)),
        staging.identity,
        &production,
    );
    let (code, (_, failed)) = run_json(&args);
    assert_eq!(code, Some(1));
    assert_eq!(
        failed,
        Some(("sigstore.time".to_owned(), "Timestamp::Invalid".to_owned()))
    );
}

#[test]
fn sigstores_repository_opens_in_the_app_from_the_pinned_root_with_its_delegation() {
    use chainscope::graph::tree::Row;
    use chainscope::workspace::{LoadOptions, Source, detect, load};
    let dir = temp_dir();
    let repo = dir.path().join("cdn");
    publish_root_signing(&repo);
    let source = detect(path_str(&repo)).unwrap();
    assert!(matches!(source, Source::Repository { .. }));
    let now = chainscope::time::UtcTime::parse_rfc3339(ROOT_SIGNING_NOW).unwrap();
    let workspace = load(&source, &LoadOptions::new(now)).unwrap();
    let trace = workspace.trace().unwrap();
    assert_eq!(
        trace.verdict(),
        chainscope::trace::Verdict::Pass,
        "{}",
        trace.render_text()
    );
    assert!(
        workspace
            .notes
            .iter()
            .any(|note| note.contains("root chainscope pins") && note.contains("15.root.json")),
        "{:?}",
        workspace.notes
    );
    let tree = workspace.tree.as_ref().unwrap();
    let roles: Vec<&str> = tree
        .rows
        .iter()
        .filter_map(|row| match row {
            Row::Role(role) => Some(role.role.as_str()),
            _ => None,
        })
        .collect();
    for role in [
        "root",
        "timestamp",
        "snapshot",
        "targets",
        "registry.npmjs.org",
    ] {
        assert!(roles.contains(&role), "{roles:?}");
    }
}

/// npm's published provenance of sigstore@2.0.0 as ITE-10 evidence from a Sigstore identity,
/// through `chainscope attest verify` as a user runs it: the folder's own `trusted_root.json`
/// (production's, from root-signing) is the trusted root and not an attestation; another
/// instance's root given with `--trusted-root` leaves the step without evidence.
#[test]
fn an_attestation_folder_takes_sigstore_bundles_from_sigstore_identities() {
    let dir = temp_dir();
    let layout = r#"expires: "2099-01-01T00:00:00Z"
functionaries:
  npm-release:
    keyType: "sigstore-oidc"
    scheme: "Fulcio"
    keyVal:
      identity: "https://github.com/sigstore/sigstore-js/.github/workflows/release.yml@refs/heads/main"
      issuer: "https://token.actions.githubusercontent.com"
steps:
  - name: "build"
    expectedProducts:
      - "CREATE pkg:npm/sigstore@2.0.0"
      - "DISALLOW *"
    expectedPredicates:
      - predicateType: "https://slsa.dev/provenance/v1"
        expectedAttributes:
          - rule: "predicate.runDetails.builder.id == 'https://github.com/actions/runner/github-hosted'"
        functionaries:
          - "npm-release"
"#;
    std::fs::write(dir.path().join("layout.yml"), layout).unwrap();
    std::fs::copy(
        real_world("sigstore-rust/sigstore.js@2.0.0-provenance.sigstore.json"),
        dir.path().join("build.sigstore.json"),
    )
    .unwrap();
    std::fs::copy(
        real_world("sigstore-root-signing/targets/trusted_root.json"),
        dir.path().join("trusted_root.json"),
    )
    .unwrap();
    let folder = dir.path().display().to_string();
    let layout_file = dir.path().join("layout.yml").display().to_string();
    let args = [
        "attest",
        "verify",
        "--layout",
        &layout_file,
        "--attestations",
        &folder,
        "--now",
        "2026-12-01T00:00:00Z",
        "--format",
        "json",
    ];
    let output = chainscope(&args);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(0), "{report}");
    let files: Vec<&str> = report["trace"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["id"] == "attest.attestation")
        .filter_map(|c| c["subject"]["name"].as_str())
        .collect();
    assert_eq!(files, ["build.sigstore.json"], "{report}");

    let github = real_world("sigstore-rust/trusted_root_github.json");
    let github = github.display().to_string();
    let mut other_root = args.to_vec();
    other_root.extend(["--trusted-root", &github]);
    let output = chainscope(&other_root);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(1), "{report}");
    let failed = report["trace"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["outcome"]["result"] == "fail")
        .unwrap();
    assert_eq!(failed["id"], "attest.step.attestations", "{report}");
}

/// ngclient fetches `target` from `repo` trusting `root`, as of the samples' time.
pub(crate) fn ngclient_fetch(
    root: &Path,
    repo: &Path,
    target: &str,
    out: &Path,
) -> Option<Vec<u8>> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reference/tuf_ref.py");
    let _ = std::fs::remove_file(out);
    let output = Command::new(super::reference_python())
        .arg(&script)
        .args(["fetch-target", path_str(root), path_str(repo), target])
        .args([chainscope::samples::GENERATED_AT, path_str(out)])
        .output()
        .expect("run python-tuf");
    output.status.success().then(|| std::fs::read(out).unwrap())
}

/// The attestation chain distributed through TUF (ITE-2 with an ITE-10 layout): python-tuf's
/// ngclient accepts the repository and serves exactly the layout, attestations and package
/// chainscope verifies end to end; a package changed with the online key passes TUF for both
/// and is caught only by chainscope's `ite2.attested` (the attestations vouch for another).
#[test]
fn a_tuf_repository_distributing_attestations_is_fetched_by_ngclient_and_verified_by_chainscope() {
    use chainscope::samples::{FOO_BY_ATTACKER, PACKAGE, attestations, package_of};
    for changed in [false, true] {
        let dir = temp_dir();
        let repo = attestations::write_distributed(dir.path(), |repo, work, listed| {
            if changed {
                let file = work.join("changed.tar.gz");
                std::fs::write(&file, package_of(FOO_BY_ATTACKER)).unwrap();
                let custom = serde_json::json!({"in-toto": listed});
                repo.add_target(&file, PACKAGE, None, Some(custom)).unwrap();
            }
        })
        .unwrap();
        let root = repo.join("metadata/1.root.json");
        let output = chainscope(&[
            "verify-target",
            PACKAGE,
            "--repo",
            path_str(&repo),
            "--root",
            path_str(&root),
            "--now",
            chainscope::samples::GENERATED_AT,
            "--format",
            "json",
        ]);
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let checks = report["trace"]["checks"].as_array().unwrap();
        let first_failure = checks
            .iter()
            .find(|c| c["outcome"]["result"] == "fail")
            .map(|c| c["id"].as_str().unwrap());
        if changed {
            assert_eq!(first_failure, Some("ite2.attested"), "{report}");
            assert_eq!(output.status.code(), Some(1));
        } else {
            assert_eq!(first_failure, None, "{report}");
            assert_eq!(output.status.code(), Some(0), "{report}");
        }
        // What ngclient serves, byte for byte: the sample's own files and the package.
        let work = dir.path().join("work").join(attestations::NAME);
        let mut expected: Vec<(String, Vec<u8>)> = std::fs::read_dir(&work)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json" || e == "yml"))
            .map(|p| {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                (
                    format!("{}{name}", attestations::DISTRIBUTED_PREFIX),
                    std::fs::read(&p).unwrap(),
                )
            })
            .collect();
        let served = if changed {
            FOO_BY_ATTACKER
        } else {
            chainscope::samples::FOO_BY_ALICE
        };
        expected.push((PACKAGE.to_owned(), package_of(served)));
        assert_eq!(expected.len(), 5);
        for (target, bytes) in expected {
            let fetched = ngclient_fetch(&root, &repo, &target, &dir.path().join("fetched"));
            assert_eq!(
                fetched.as_ref(),
                Some(&bytes),
                "{target} (changed: {changed})"
            );
        }
    }
}
