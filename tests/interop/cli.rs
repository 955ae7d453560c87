//! The command line as a user meets it: output text, exit codes, and errors that name the file
//! and the field. Temporary paths are replaced by `[TMP]` before comparing.

use std::path::Path;
use std::process::{Command, Output};

use crate::{path_str, reference, temp_dir, write_one_step_chain};

fn chainscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_chainscope"))
        .args(args)
        .output()
        .expect("run chainscope")
}

fn text(bytes: &[u8], dir: &Path) -> String {
    String::from_utf8_lossy(bytes).replace(path_str(dir), "[TMP]")
}

#[test]
fn inspect_exit_codes_follow_the_signature_verdict() {
    let dir = temp_dir();
    reference(&["tuf-repo", path_str(dir.path())]);

    let ok = chainscope(&["inspect", path_str(&dir.path().join("root.json"))]);
    assert_eq!(ok.status.code(), Some(0));
    let out = text(&ok.stdout, dir.path());
    assert!(
        out.starts_with("[TMP]/root.json\n  TUF root metadata in a signed/signatures envelope\n"),
        "{out}"
    );
    assert!(
        out.contains("signatures: ok, 2 of 2 required signatures\n"),
        "{out}"
    );

    let half = chainscope(&[
        "inspect",
        path_str(&dir.path().join("half-signed-root.json")),
    ]);
    assert_eq!(half.status.code(), Some(1));
    assert!(
        text(&half.stdout, dir.path())
            .contains("signatures: FAILED, 1 of 2 required signatures (not yet signed by: ")
    );

    let json = chainscope(&[
        "inspect",
        "--format",
        "json",
        path_str(&dir.path().join("timestamp.json")),
    ]);
    assert_eq!(json.status.code(), Some(0));
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(value["signatures"]["met"], true);
    assert_eq!(value["kind"], "TUF timestamp metadata");
}

/// A root whose root role names a keyid its keys do not hold: python-tuf skips that keyid
/// ("No key for keyid") and fails the threshold; `inspect` says which keyid and exits 1.
#[test]
fn inspect_fails_a_root_whose_role_keyid_has_no_key_as_python_tuf_does() {
    let dir = temp_dir();
    let script = r#"
import json, sys
from cryptography.hazmat.primitives.asymmetric import ed25519
from securesystemslib.signer import CryptoSigner, SSlibKey
from tuf.api.metadata import Metadata, Root
private = ed25519.Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
signer = CryptoSigner(private, SSlibKey.from_crypto(private.public_key()))
root = Root(expires=None)
for role in ["root", "targets", "snapshot", "timestamp"]:
    root.add_key(signer.public_key, role)
root.roles["root"].keyids = ["ab" * 32]
metadata = Metadata(root)
metadata.sign(signer)
metadata.to_file(sys.argv[1])
try:
    Metadata.from_file(sys.argv[1]).verify_delegate("root", metadata)
    print("verified")
except Exception as e:
    print(type(e).__name__)
"#;
    let path = dir.path().join("root.json");
    let output = Command::new(crate::reference_python())
        .args(["-c", script, path_str(&path)])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        "UnsignedMetadataError",
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let ours = chainscope(&["inspect", path_str(&path)]);
    assert_eq!(ours.status.code(), Some(1));
    let out = text(&ours.stdout, dir.path());
    assert!(
        out.contains("signatures: FAILED, 0 of 1 required signature"),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "lists keyid {}, which is not among its keys",
            "ab".repeat(32)
        )),
        "{out}"
    );
}

#[test]
fn bad_files_are_named_with_the_field_and_never_panic() {
    let dir = temp_dir();
    let root = |signed: &str| {
        format!(
            "{{\"signed\": {{\"_type\": \"root\", \"spec_version\": \"1.0.31\", \"keys\": {{}}, {signed}}}, \"signatures\": []}}"
        )
    };
    let roles = "\"roles\": {\"root\": {\"keyids\": [], \"threshold\": 1}, \"targets\": {\"keyids\": [], \"threshold\": 1}, \"snapshot\": {\"keyids\": [], \"threshold\": 1}, \"timestamp\": {\"keyids\": [], \"threshold\": 1}}";
    let layout = |steps: &str| {
        format!(
            "{{\"signed\": {{\"_type\": \"layout\", \"expires\": \"2030-01-01T00:00:00Z\", \"keys\": {{}}, \"steps\": [{steps}], \"inspect\": []}}, \"signatures\": []}}"
        )
    };
    let step = |name: &str, rules: &str| {
        format!(
            "{{\"_type\": \"step\", \"name\": \"{name}\", \"threshold\": 1, \"pubkeys\": [], \"expected_command\": [], \"expected_materials\": [], \"expected_products\": [{rules}]}}"
        )
    };
    let cases: Vec<(&str, String, &str)> = vec![
        ("truncated.json", "{\"signed\": {".into(), "invalid JSON at line 1, column 13: unexpected end of input, expected a string key"),
        ("dup.json", "{\"signed\": {\"_type\": \"root\", \"_type\": \"root\"}, \"signatures\": []}".into(), "duplicate key \"_type\" in the object at $.signed"),
        ("big.json", "{\"signed\": {\"version\": 99999999999999999999}, \"signatures\": []}".into(), "integer 99999999999999999999 at $.signed.version does not fit in 64 bits"),
        ("keys.json", root(&format!("\"version\": 1, \"expires\": \"2030-01-01T00:00:00Z\", \"keys\": [], {roles}")).replace("\"keys\": {}, ", ""), "field `signed.keys`: invalid type: sequence, expected a map"),
        ("sig.json", "{\"signed\": {\"_type\": \"link\"}, \"signatures\": [{\"keyid\": 1, \"sig\": \"00\"}]}".into(), "field `signatures[0].keyid` is missing or is not a string"),
        ("type.json", "{\"signed\": {\"_type\": \"mirrors\"}, \"signatures\": []}".into(), "field `signed._type`: \"mirrors\" is neither a TUF role type"),
        ("float.json", root(&format!("\"version\": 1.0, \"expires\": \"2030-01-01T00:00:00Z\", {roles}")), "field `signed.version`: invalid type: floating point `1.0`, expected u64"),
        ("threshold.json", root(&format!("\"version\": 1, \"expires\": \"2030-01-01T00:00:00Z\", {roles}")).replacen("\"threshold\": 1", "\"threshold\": 0", 1), "field `signed.roles.root.threshold`: must be at least 1, found 0"),
        ("date.json", root(&format!("\"version\": 1, \"expires\": \"2030-02-30T00:00:00Z\", {roles}")), "field `signed.expires`: \"2030-02-30T00:00:00Z\" is not a date in the form YYYY-MM-DDTHH:MM:SSZ: no such date or time"),
        ("steps.layout", layout(&format!("{}, {}", step("build", ""), step("build", ""))), "field `signed.steps[1].name`: there is already a step named \"build\""),
        ("rule.layout", layout(&step("build", "[\"CREATED\", \"foo\"]")), "field `signed.steps[0].expected_products[0]`: rule CREATED foo: token 1 \"CREATED\" is not a rule keyword"),
    ];
    for (name, contents, message) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, contents.as_bytes()).unwrap();
        let output = chainscope(&["inspect", path_str(&path)]);
        assert_eq!(output.status.code(), Some(2), "{name}");
        let stderr = text(&output.stderr, dir.path());
        let expected = format!("error: cannot inspect [TMP]/{name}\n  Caused by: {message}");
        assert!(
            stderr.starts_with(&expected),
            "{name}:\n{stderr}\nexpected:\n{expected}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn generated_keys_are_encrypted_unless_asked_and_load_back() {
    let dir = temp_dir();
    let out = dir.path().join("alice");
    let refused = chainscope(&["key", "generate", "--out", path_str(&out)]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&refused.stderr)
            .contains("refusing to write an unencrypted private key")
    );

    let made = Command::new(env!("CARGO_BIN_EXE_chainscope"))
        .args([
            "key",
            "generate",
            "--out",
            path_str(&out),
            "--passphrase-env",
            "ALICE_PASS",
        ])
        .env("ALICE_PASS", "s3cret")
        .output()
        .unwrap();
    assert_eq!(
        made.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let keyid = String::from_utf8(made.stdout).unwrap().trim().to_owned();
    let private = std::fs::read_to_string(&out).unwrap();
    assert!(private.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));

    let again = chainscope(&["key", "generate", "--out", path_str(&out), "--unencrypted"]);
    assert_eq!(again.status.code(), Some(2), "never overwrite a key");

    let shown = chainscope(&["key", "show", path_str(&dir.path().join("alice.pub"))]);
    assert_eq!(shown.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&shown.stdout).starts_with(&format!("keyid: {keyid}\n")));

    let locked = chainscope(&["key", "show", path_str(&out)]);
    assert_eq!(locked.status.code(), Some(2));
    let stderr = text(&locked.stderr, dir.path());
    assert!(
        stderr.contains(
            "error: cannot use the key file [TMP]/alice\n  Caused by: the private key is encrypted and no passphrase was given\nhint: pass --passphrase-env VAR"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("hint: pass --passphrase-env"), "{stderr}");
}

#[test]
fn cjson_prints_the_signed_bytes() {
    let dir = temp_dir();
    let path = dir.path().join("doc.json");
    std::fs::write(
        &path,
        "{\"signed\": {\"b\": 1, \"a\": \"\u{e9}\\u001b\"}, \"signatures\": []}",
    )
    .unwrap();
    let output = chainscope(&["cjson", "--signed", path_str(&path)]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(output.stdout, "{\"a\":\"\u{e9}\u{1b}\",\"b\":1}".as_bytes());
}

/// `--trusted-dir` without a root.json: the trusted root comes from that folder only, and the
/// error and its hint say so (exit 2).
#[test]
fn a_trusted_folder_without_a_root_is_named_with_what_to_do() {
    let dir = temp_dir();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-repos/talk-alice-bob/repo");
    let out = chainscope(&[
        "tuf",
        "verify",
        path_str(&repo),
        "--trusted-dir",
        path_str(dir.path()),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr, dir.path());
    assert!(
        stderr.contains("error: the trusted folder [TMP] has no root.json\nhint: with --trusted-dir the trusted root is that folder's root.json, never the repository's own"),
        "{stderr}"
    );
    let help = String::from_utf8(chainscope(&["tuf", "verify", "--help"]).stdout).unwrap();
    assert!(
        help.contains("root.json in --trusted-dir (which must then hold one"),
        "{help}"
    );
}

/// Every control class a hostile file may carry: ESC sequences that erase a line and paint a
/// verdict, CR, LF, TAB, NUL, DEL, C1 (CSI), the bidi overrides and the line separator.
const HOSTILE: &str = "evil\u{1b}[2K\r\u{1b}[32mverdict: PASS\u{1b}[0m\n\t\0\u{7f}\u{9b}2K\u{202e}gpj.exe\u{2066}\u{2028}";

/// Whether `text` carries any character a terminal would act on (other than line breaks).
fn raw_controls(text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| *c != '\n' && chainscope::shown::is_unsafe(*c))
        .collect()
}

/// Text from files and servers reaches the terminal escaped: a tampered timestamp.json (no key
/// needed, any mirror can serve it) and a link's artifact name carrying every control class
/// are printed as `\u{…}` escapes, in the trace, the failure line and the error output alike.
#[test]
fn hostile_text_never_reaches_the_terminal_raw() {
    use serde_json::json;

    // A mirror's timestamp.json whose `_type` is a terminal attack.
    let dir = temp_dir();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-repos/talk-alice-bob");
    let repo = dir.path().join("repo");
    copy_tree(&sample.join("repo"), &repo);
    let timestamp = repo.join("metadata/timestamp.json");
    let mut value: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&timestamp).unwrap()).unwrap();
    value["signed"]["_type"] = json!(HOSTILE);
    std::fs::write(&timestamp, serde_json::to_vec(&value).unwrap()).unwrap();
    let root = sample.join("trusted/root.json");
    let out = chainscope(&["tuf", "verify", path_str(&repo), "--root", path_str(&root)]);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_ne!(out.status.code(), Some(0));
    assert_eq!(raw_controls(&stdout), Vec::<char>::new(), "{stdout}");
    assert_eq!(raw_controls(&stderr), Vec::<char>::new(), "{stderr}");
    assert!(stdout.contains("\\u{1b}[2K\\u{d}"), "{stdout}");
    assert!(
        !stdout.lines().any(|l| l.trim() == "verdict: PASS"),
        "{stdout}"
    );

    // An in-toto link whose product is named with every control class.
    let chain = temp_dir();
    write_one_step_chain(chain.path(), json!({HOSTILE: {"sha256": "00"}}));
    let owner_pub = chain.path().join("owner.pub");
    let out = Command::new(env!("CARGO_BIN_EXE_chainscope"))
        .args([
            "intoto",
            "verify",
            "--layout",
            "root.layout",
            "--layout-keys",
        ])
        .arg(&owner_pub)
        .current_dir(chain.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert_eq!(raw_controls(&stdout), Vec::<char>::new(), "{stdout}");
    assert!(
        stdout.contains("RuleVerificationError: 'DISALLOW *' matched the following artifacts: ["),
        "{stdout}"
    );
    assert!(stdout.contains("\\u{202e}gpj.exe"), "{stdout}");
    assert!(
        !stdout
            .lines()
            .any(|l| l.trim_start().starts_with("verdict: PASS")),
        "{stdout}"
    );
}

fn copy_tree(from: &Path, to: &Path) {
    chainscope::attacks::copy_folder(from, to).unwrap();
}

/// `attest sign` puts the ITE-10 layout in a DSSE envelope that `attest verify` checks against
/// `--layout-key`: the owner's key passes, another key fails at the layout's signature, and a
/// second owner's signature joins the first over the same payload.
#[test]
fn attest_sign_writes_a_layout_attest_verify_checks_against_its_keys() {
    use chainscope::crypto::PrivateKey;
    let dir = temp_dir();
    let name = chainscope::samples::attestations::NAME;
    let written = chainscope(&["samples", "write", path_str(dir.path()), "--only", name]);
    assert_eq!(written.status.code(), Some(0), "{written:?}");
    let folder = dir.path().join(name);
    let layout = folder.join("layout.yml");
    let mut key_files = Vec::new();
    for (index, who) in ["owner", "second", "stranger"].iter().enumerate() {
        let key = PrivateKey::ed25519_from_seed(&[index as u8 + 60; 32]);
        let private = dir.path().join(format!("{who}.key"));
        let public = dir.path().join(format!("{who}.pub"));
        std::fs::write(&private, key.to_pkcs8_pem().unwrap().as_bytes()).unwrap();
        std::fs::write(&public, key.public_pem()).unwrap();
        key_files.push((private, public));
    }
    let verify = |layout: &Path, keys: &[&Path]| {
        let mut args = vec![
            "attest",
            "verify",
            "--layout",
            path_str(layout),
            "--attestations",
            path_str(&folder),
            "--now",
            "2026-01-01T00:00:00Z",
            "--format",
            "json",
        ];
        for key in keys {
            args.extend(["--layout-key", path_str(key)]);
        }
        let output = chainscope(&args);
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let failed = report["trace"]["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["outcome"]["result"] == "fail")
            .map(|c| c["id"].as_str().unwrap().to_owned());
        (output.status.code(), failed)
    };

    let signed = chainscope(&[
        "attest",
        "sign",
        "--layout",
        path_str(&layout),
        "--key",
        path_str(&key_files[0].0),
    ]);
    assert_eq!(signed.status.code(), Some(0), "{signed:?}");
    let envelope: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&layout).unwrap()).unwrap();
    assert_eq!(envelope["payloadType"], "application/vnd.in-toto+json");
    assert_eq!(verify(&layout, &[&key_files[0].1]), (Some(0), None));
    assert_eq!(
        verify(&layout, &[&key_files[2].1]),
        (Some(1), Some("attest.layout.signatures".to_owned()))
    );

    let both = dir.path().join("both.json");
    let signed = chainscope(&[
        "attest",
        "sign",
        "--layout",
        path_str(&layout),
        "--key",
        path_str(&key_files[1].0),
        "--out",
        path_str(&both),
    ]);
    assert_eq!(signed.status.code(), Some(0), "{signed:?}");
    assert_eq!(
        verify(&both, &[&key_files[0].1, &key_files[1].1]),
        (Some(0), None)
    );
    // The public key is no signing key: refused, named, nothing written.
    let refused = chainscope(&[
        "attest",
        "sign",
        "--layout",
        path_str(&both),
        "--key",
        path_str(&key_files[2].1),
    ]);
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("stranger.pub"));
    assert_eq!(
        verify(&both, &[&key_files[0].1, &key_files[1].1]),
        (Some(0), None)
    );
}
