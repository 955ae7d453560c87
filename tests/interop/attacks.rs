//! The attack lab's attacks, one test each: the scratch copy changes only where the attack says
//! and is signed only by the keys it declares, the original stays as it was, chainscope stops
//! at the check the attack names, and the reference tools (ngclient, then in-toto on what it
//! fetched) refuse it too. The layout swap also passes in the all-online repository, for both.
//! The attacks on the attestation sample are judged by `chainscope attest verify` as a user
//! runs it; no reference tool judges them (ITE-10's prototype is a Go program this suite does
//! not build), which the README says.

use std::path::Path;

use chainscope::attacks::{Attack, Scratch, attack, attacks, digests, write_lab_sample};
use chainscope::crypto::envelope::{Envelope, SigBytes};
use chainscope::samples::{DEMO, DEMO_KEYS, GENERATED_AT, demo_key};
use serde_json::Value;

use crate::samples::{reference_judgement, verify_target};
use crate::temp_dir;

fn spec_of(sample: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(sample.join("sample.json")).unwrap()).unwrap()
}

/// The demo keys whose valid signatures `bytes` carries (a metadata file, a link or a layout).
fn signers(bytes: &[u8]) -> Vec<&'static str> {
    let Ok(value) = serde_json::from_slice::<Value>(bytes) else {
        return Vec::new();
    };
    let Ok(envelope) = Envelope::from_value(&value) else {
        return Vec::new();
    };
    let Ok(signed) = envelope.signed_bytes() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for signature in envelope.signatures() {
        let SigBytes::Bytes(sig) = &signature.sig else {
            continue;
        };
        for name in DEMO_KEYS {
            if demo_key(name).public().verify(&signed, sig).is_ok() && !out.contains(&name) {
                out.push(name);
            }
        }
    }
    out
}

fn check(id: &str) {
    let attack: Attack = attack(id).unwrap();
    let dir = temp_dir();
    let original = write_lab_sample(dir.path(), attack.sample).unwrap();
    let before = digests(&original).unwrap();
    let scratch = Scratch::new(&original).unwrap();
    let applied = scratch.attack(&attack).unwrap();

    // Changed as declared, and only by declared keys.
    assert!(!applied.changes.is_empty(), "{id}: the copy changed");
    for path in applied.changes.all() {
        assert!(attack.may_touch(path), "{id}: {path} is not declared");
    }
    let originals: Vec<&String> = before.values().collect();
    let mut used = Vec::new();
    for path in applied
        .changes
        .added
        .iter()
        .chain(&applied.changes.modified)
    {
        let bytes = std::fs::read(scratch.path().join(path)).unwrap();
        let digest = chainscope::crypto::digest::hex_digest("sha256", &bytes).unwrap();
        if originals.contains(&&digest) {
            // A genuine file served again (a replay): signed long ago, by whoever signed it.
            continue;
        }
        for key in signers(&bytes) {
            assert!(
                attack.keys.iter().any(|k| k.key == key),
                "{id}: {path} carries a signature by the {key} key, which it does not declare"
            );
            used.push(key);
        }
    }
    for declared in attack.keys {
        assert!(
            used.contains(&declared.key),
            "{id}: declares the {} key but signed nothing with it",
            declared.key
        );
    }
    assert_eq!(
        digests(&original).unwrap(),
        before,
        "{id}: original untouched"
    );

    if attack.sample == chainscope::samples::attestations::DISTRIBUTED {
        distributed_attack_caught(&attack, &scratch.path());
        scratch.reset().unwrap();
        assert_eq!(digests(&scratch.path()).unwrap(), before, "{id}: reset");
        return;
    }
    if attack.sample != DEMO {
        attestation_attack_caught(&attack, &scratch.path());
        scratch.reset().unwrap();
        assert_eq!(digests(&scratch.path()).unwrap(), before, "{id}: reset");
        return;
    }

    // chainscope stops where the attack says.
    let spec = spec_of(&scratch.path());
    let report = verify_target(&scratch.path(), &spec, &[]);
    let failure = &report["failure"];
    let catches = attack.catches.clone();
    assert_eq!(report["verdict"], "fail", "{id}: {report}");
    assert_eq!(
        (
            failure["part"].as_str(),
            failure["kind"].as_str(),
            failure["check"].as_str(),
            failure["at"].as_str()
        ),
        (
            Some(catches.part),
            catches.kind,
            Some(catches.check.id),
            Some(catches.subject.to_string().as_str())
        ),
        "{id}: {failure}"
    );

    // The reference tools refuse it too, in the same part and with the same kind.
    let reference = reference_judgement(&scratch.path());
    match catches.part {
        "tuf" => {
            assert_eq!(
                reference["tuf"], false,
                "{id}: ngclient refuses: {reference}"
            );
            let kind = catches.kind.unwrap_or("LookupError");
            assert_eq!(reference["tuf_error"], kind, "{id}: {reference}");
        }
        "ite2" => {
            assert_eq!(reference["tuf"], true, "{id}: {reference}");
            assert_eq!(reference["ite2"], false, "{id}: {reference}");
        }
        _ => {
            assert_eq!(
                (&reference["tuf"], &reference["ite2"]),
                (&Value::Bool(true), &Value::Bool(true)),
                "{id}: {reference}"
            );
            assert_eq!(
                reference["in_toto"],
                catches.kind.unwrap(),
                "{id}: {reference}"
            );
        }
    }

    // Compared with the all-online repository: the same attack passes there, for both.
    if attack.compare_all_online {
        let twin = applied.all_online.as_ref().expect("the all-online copy");
        let report = verify_target(twin, &spec_of(twin), &[]);
        assert_eq!(report["verdict"], "pass", "{id} all-online: {report}");
        let reference = reference_judgement(twin);
        assert_eq!(
            (&reference["tuf"], &reference["ite2"], &reference["in_toto"]),
            (
                &Value::Bool(true),
                &Value::Bool(true),
                &Value::String("pass".into())
            ),
            "{id} all-online: {reference}"
        );
    } else {
        assert!(applied.all_online.is_none());
    }

    // Reset restores the copy exactly.
    scratch.reset().unwrap();
    assert_eq!(digests(&scratch.path()).unwrap(), before, "{id}: reset");
}

/// `chainscope attest verify` on the attacked attestation folder fails first where the attack
/// says, and every check before that one passes or warns.
fn attestation_attack_caught(attack: &Attack, copy: &Path) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_chainscope"))
        .args([
            "attest",
            "verify",
            "--layout",
            "layout.yml",
            "--attestations",
            ".",
        ])
        .args(["--now", GENERATED_AT, "--format", "json"])
        .current_dir(copy)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}: exit code", attack.id);
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["verdict"], "fail", "{}", attack.id);
    let checks = report["trace"]["checks"].as_array().unwrap();
    let first = checks
        .iter()
        .position(|c| c["outcome"]["result"] == "fail")
        .unwrap_or_else(|| panic!("{}: no failure in {report}", attack.id));
    assert!(
        checks[..first]
            .iter()
            .all(|c| c["outcome"]["result"] == "pass" || c["outcome"]["result"] == "warn"),
        "{}: {report}",
        attack.id
    );
    assert_eq!(
        (&checks[first]["id"], &checks[first]["subject"]),
        (
            &Value::String(attack.catches.check.id.into()),
            &serde_json::to_value(&attack.catches.subject).unwrap()
        ),
        "{}: {}",
        attack.id,
        checks[first]
    );
}

/// The attack on the attestation chain distributed through TUF: `chainscope verify-target`
/// fails first where the attack says, while python-tuf's ngclient serves the attacked package
/// (TUF alone vouches for it).
fn distributed_attack_caught(attack: &Attack, copy: &Path) {
    use chainscope::samples::PACKAGE;
    let root = copy.join("metadata/1.root.json");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_chainscope"))
        .args(["verify-target", PACKAGE, "--repo"])
        .arg(copy)
        .arg("--root")
        .arg(&root)
        .args([
            "--now",
            chainscope::attacks::ATTACKED_AT,
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(1), "{}: {report}", attack.id);
    let failed = report["trace"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["outcome"]["result"] == "fail")
        .unwrap();
    assert_eq!(
        (&failed["id"], &failed["subject"]),
        (
            &Value::String(attack.catches.check.id.into()),
            &serde_json::to_value(&attack.catches.subject).unwrap()
        ),
        "{}: {failed}",
        attack.id
    );
    let dir = temp_dir();
    let served = crate::sigstore::ngclient_fetch(&root, copy, PACKAGE, &dir.path().join("pkg"));
    assert_eq!(
        served,
        Some(chainscope::samples::package_of(
            chainscope::samples::FOO_BY_ATTACKER
        )),
        "{}: ngclient serves the attacked package",
        attack.id
    );
}

macro_rules! attack_tests {
    ($($name:ident => $id:literal),* $(,)?) => {
        $(#[test] fn $name() { check($id); })*

        #[test]
        fn every_attack_has_its_test() {
            let tested = [$($id),*];
            let listed: Vec<&str> = attacks().iter().map(|a| a.id).collect();
            assert_eq!(listed, tested);
        }
    };
}

attack_tests! {
    tamper_with_the_final_product => "tamper-product",
    a_link_signed_by_an_unauthorized_key => "unauthorized-link",
    a_forged_layout_signature => "forged-layout-signature",
    an_expired_layout => "expired-layout",
    a_removed_link => "removed-link",
    a_step_threshold_not_met => "threshold-not-met",
    an_extra_file_created_in_a_step => "extra-file",
    a_revoked_functionary_s_link_still_offered => "revoked-functionary",
    the_old_layout_replayed => "old-layout-replay",
    an_expired_timestamp_freeze => "freeze",
    a_snapshot_rollback => "snapshot-rollback",
    a_targets_hash_mismatch_mix_and_match => "mix-and-match",
    a_delegated_role_signing_outside_its_paths => "outside-paths",
    a_root_rotation_without_enough_old_signatures => "root-rotation",
    a_compromised_online_key_replacing_the_layout => "layout-swap",
    a_changed_package_beside_genuine_attestations => "attest-changed-package",
    provenance_from_the_wrong_builder => "attest-wrong-builder",
    a_signed_provenance_s_subject_digest_changed => "attest-tampered-subject",
    another_package_tested_than_the_one_built => "attest-tested-other-package",
    a_release_without_a_test_result => "attest-missing-test",
    a_release_although_the_tests_failed => "attest-failed-tests",
}

#[test]
fn the_readme_table_names_every_attack_and_the_check_that_catches_it() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    for attack in attacks() {
        let row = readme
            .lines()
            .find(|l| l.starts_with(&format!("  | {} |", attack.title)))
            .unwrap_or_else(|| panic!("no README row for {}", attack.title));
        assert!(
            row.contains(&format!("`{}`", attack.catches.check)),
            "{}: {row}",
            attack.id
        );
        if let Some(kind) = attack.catches.kind {
            assert!(row.contains(kind), "{}: {row}", attack.id);
        }
    }
}

#[test]
fn the_cli_writes_an_attacked_copy_that_verifies_as_the_lab_says() {
    let dir = temp_dir();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_chainscope"))
            .args(args)
            .output()
            .unwrap()
    };
    let list = run(&["samples", "attacks"]);
    assert!(list.status.success());
    let listed = String::from_utf8(list.stdout).unwrap();
    assert_eq!(listed.lines().count(), attacks().len());
    assert!(listed.contains("layout-swap") && listed.contains("ite2.layout-role"));

    let out = dir.path().to_str().unwrap();
    let written = run(&["samples", "attack", "layout-swap", out]);
    assert!(
        written.status.success(),
        "{}",
        String::from_utf8_lossy(&written.stderr)
    );
    let stdout = String::from_utf8(written.stdout).unwrap();
    assert!(
        stdout.contains("changed: repo/metadata/timestamp.json"),
        "{stdout}"
    );
    let copy = dir.path().join("talk-alice-bob");
    let report = verify_target(&copy, &spec_of(&copy), &[]);
    assert_eq!(report["failure"]["check"], "ite2.layout-role", "{report}");
    let twin = dir.path().join(chainscope::samples::ALL_ONLINE_TWIN);
    assert_eq!(
        verify_target(&twin, &spec_of(&twin), &[])["verdict"],
        "pass"
    );

    let unknown = run(&["samples", "attack", "no-such-attack", out]);
    assert_eq!(unknown.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert!(
        stderr.contains("there is no attack named no-such-attack"),
        "{stderr}"
    );
    assert!(stderr.contains("chainscope samples attacks"), "{stderr}");
}
