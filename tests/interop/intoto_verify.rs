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
use chainscope::trace::{Outcome, Subject, Verdict};
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

#[test]
fn verification_agrees_with_in_toto_on_every_chain() {
    let dir = temp_dir();
    reference(&["chains", path_str(dir.path())]);
    let manifest_path = dir.path().join("manifest.json");
    let manifest: Vec<Value> =
        serde_json::from_slice(&std::fs::read(&manifest_path).unwrap()).unwrap();
    let answers: Vec<Value> =
        serde_json::from_str(&reference(&["verify-chains", path_str(&manifest_path)])).unwrap();
    assert!(manifest.len() >= 25, "{} chains", manifest.len());
    let mut kinds = std::collections::BTreeSet::new();

    for (scenario, answer) in manifest.iter().zip(&answers) {
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

        let theirs_kind = answer["kind"].as_str();
        match (trace.first_failure(), theirs_kind) {
            (None, None) => {
                assert_eq!(trace.verdict(), Verdict::Pass, "{name}");
                assert!(
                    name.starts_with("pass-"),
                    "{name} passed in both, but is named as a failure"
                );
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
                assert_eq!(
                    failure.message,
                    answer["message"].as_str().unwrap(),
                    "{name}: message"
                );
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
                kinds.insert(kind.to_owned());
            }
            (ours, theirs) => panic!(
                "{name}: chainscope {:?}, in-toto {theirs:?}\n{}",
                ours.map(|(_, c)| &c.outcome),
                trace.render_text()
            ),
        }
    }
    let expected: std::collections::BTreeSet<String> = [
        "BadReturnValueError",
        "KeyError",
        "LayoutExpiredError",
        "LinkNotFoundError",
        "RuleVerificationError",
        "SignatureVerificationError",
        "ThresholdVerificationError",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    assert_eq!(kinds, expected, "every failure kind is exercised");
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
        "ThresholdVerificationError" => hint.contains(".link") || has_keyid,
        // 'DISALLOW *' / 'REQUIRE README': the pattern or file name.
        "RuleVerificationError" => hint.contains(quoted(message).split(' ').nth(1).unwrap_or("?")),
        "BadReturnValueError" => hint.contains("false") || hint.contains("tar"),
        "KeyError" => hint.contains(&quoted(message)),
        _ => false,
    };
    assert!(
        named,
        "{name}: the hint does not name the file, keyid or pattern: {hint}"
    );
}

#[test]
fn cli_reports_the_failure_as_in_toto_verify_does() {
    let dir = temp_dir();
    reference(&["chains", path_str(dir.path())]);
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
