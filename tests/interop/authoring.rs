//! Authoring with chainscope, judged by in-toto itself: keys generated, links recorded and
//! layouts written, signed (legacy and DSSE, one and several signatures, ed25519, RSA, ECDSA),
//! signed offline and drafted by chainscope, then verified by `in-toto-verify`; and the same
//! folder recorded by `in-toto-run` and by `chainscope intoto run`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use crate::{path_str, reference_python, temp_dir};

fn chainscope_in(dir: &Path, args: &[&str]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_chainscope"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run chainscope");
    assert!(
        output.status.success(),
        "chainscope {args:?} failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn tool(name: &str) -> PathBuf {
    reference_python()
        .parent()
        .expect("the venv's bin folder")
        .join(name)
}

fn in_toto_verify(dir: &Path, layout: &str, keys: &[&str]) -> Output {
    let mut command = Command::new(tool("in-toto-verify"));
    command
        .current_dir(dir)
        .args(["--layout", layout, "--verification-keys"])
        .args(keys);
    command.output().expect("run in-toto-verify")
}

fn generate(dir: &Path, name: &str, kind: &str) {
    chainscope_in(
        dir,
        &["key", "generate", name, "--type", kind, "--no-passphrase"],
    );
}

/// Records create → build (in two parts) → an inspection, all with chainscope, and returns
/// the layout file name.
fn author_chain(dir: &Path, dsse: bool, owners: &[&str]) {
    generate(dir, "alice", "ed25519");
    generate(dir, "bob", "rsa");
    generate(dir, "carol", "ecdsa");
    for owner in owners {
        generate(
            dir,
            owner,
            if *owner == "owner" { "ed25519" } else { "rsa" },
        );
    }
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(dir.join("src/foo.py"), "print('hello')\n").unwrap();
    let dsse_flag: &[&str] = if dsse { &["--use-dsse"] } else { &[] };

    let create = [
        &[
            "intoto",
            "run",
            "--step",
            "create",
            "--key",
            "alice",
            "--products",
            "src",
        ][..],
        dsse_flag,
        &["--", "true"],
    ]
    .concat();
    chainscope_in(dir, &create);
    let start = [
        &[
            "intoto",
            "record",
            "start",
            "--step",
            "build",
            "--key",
            "bob",
            "--materials",
            "src",
        ][..],
        dsse_flag,
    ]
    .concat();
    chainscope_in(dir, &start);
    let tar = Command::new("tar")
        .current_dir(dir)
        .args(["czf", "foo.tgz", "src"])
        .status()
        .unwrap();
    assert!(tar.success());
    chainscope_in(
        dir,
        &[
            "intoto",
            "record",
            "stop",
            "--step",
            "build",
            "--key",
            "bob",
            "--products",
            "foo.tgz",
        ],
    );
    let package = [
        &[
            "intoto",
            "run",
            "--step",
            "package",
            "--key",
            "carol",
            "--materials",
            "foo.tgz",
            "--products",
            "foo.tgz",
            "-s",
        ][..],
        dsse_flag,
        &["--", "ls", "foo.tgz"],
    ]
    .concat();
    chainscope_in(dir, &package);

    let new: &[&str] = if dsse {
        &[
            "intoto",
            "layout",
            "new",
            "root.layout",
            "--expires",
            "2099-01-01T00:00:00Z",
            "--dsse",
        ]
    } else {
        &[
            "intoto",
            "layout",
            "new",
            "root.layout",
            "--expires",
            "2099-01-01T00:00:00Z",
        ]
    };
    chainscope_in(dir, new);
    for args in [
        vec![
            "step",
            "add",
            "root.layout",
            "create",
            "--functionary",
            "alice.pub",
            "--material",
            "DISALLOW *",
            "--product",
            "CREATE src/foo.py",
            "--product",
            "DISALLOW *",
            "--",
            "true",
        ],
        vec![
            "step",
            "add",
            "root.layout",
            "build",
            "--functionary",
            "bob.pub",
            "--material",
            "MATCH src/* WITH PRODUCTS FROM create",
            "--material",
            "DISALLOW *",
            "--product",
            "CREATE foo.tgz",
            "--product",
            "DISALLOW *",
        ],
        vec![
            "step",
            "add",
            "root.layout",
            "package",
            "--functionary",
            "carol.pub",
            "--material",
            "MATCH foo.tgz WITH PRODUCTS FROM build",
            "--material",
            "DISALLOW *",
            "--product",
            "ALLOW foo.tgz",
            "--product",
            "DISALLOW *",
            "--",
            "ls",
            "foo.tgz",
        ],
        vec![
            "inspection",
            "add",
            "root.layout",
            "untar",
            "--material",
            "MATCH foo.tgz WITH PRODUCTS FROM package",
            "--material",
            "DISALLOW foo.tgz",
            "--material",
            "ALLOW *",
            "--product",
            "ALLOW *",
            "--",
            "tar",
            "xzf",
            "foo.tgz",
        ],
    ] {
        let mut full = vec!["intoto", "layout"];
        full.extend(args);
        chainscope_in(dir, &full);
    }
    let lint = Command::new(env!("CARGO_BIN_EXE_chainscope"))
        .current_dir(dir)
        .args([
            "intoto",
            "layout",
            "lint",
            "root.layout",
            "--now",
            "2030-01-01T00:00:00Z",
        ])
        .output()
        .unwrap();
    assert_eq!(
        lint.status.code(),
        Some(0),
        "no lint errors: {}",
        String::from_utf8_lossy(&lint.stdout)
    );
    for owner in owners {
        chainscope_in(
            dir,
            &["intoto", "layout", "sign", "root.layout", "--key", owner],
        );
    }
}

#[test]
fn chains_authored_with_chainscope_pass_in_toto_verify() {
    for (dsse, owners) in [
        (false, vec!["owner"]),
        (true, vec!["owner", "second-owner"]),
    ] {
        let dir = temp_dir();
        author_chain(dir.path(), dsse, &owners);
        let layout: Value =
            serde_json::from_slice(&std::fs::read(dir.path().join("root.layout")).unwrap())
                .unwrap();
        assert_eq!(layout["signatures"].as_array().unwrap().len(), owners.len());
        assert_eq!(layout.get("payloadType").is_some(), dsse);
        let keys: Vec<String> = owners.iter().map(|o| format!("{o}.pub")).collect();
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        let verdict = in_toto_verify(dir.path(), "root.layout", &keys);
        assert!(
            verdict.status.success(),
            "dsse={dsse}: in-toto-verify refused:\n{}{}",
            String::from_utf8_lossy(&verdict.stdout),
            String::from_utf8_lossy(&verdict.stderr)
        );
        let ours = Command::new(env!("CARGO_BIN_EXE_chainscope"))
            .current_dir(dir.path())
            .args(
                [
                    &[
                        "intoto",
                        "verify",
                        "--run-inspections",
                        "--layout",
                        "root.layout",
                        "--layout-keys",
                    ][..],
                    &keys,
                ]
                .concat(),
            )
            .output()
            .unwrap();
        assert_eq!(
            ours.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&ours.stdout)
        );

        // Tampered with after packaging: both refuse. in-toto runs the inspection, which fails
        // to unpack; chainscope, told to run it too, says the same; without running it, the
        // inspection's materials alone catch the changed file.
        std::fs::write(dir.path().join("foo.tgz"), b"evil").unwrap();
        let theirs = in_toto_verify(dir.path(), "root.layout", &keys);
        assert_eq!(theirs.status.code(), Some(1));
        let theirs = String::from_utf8_lossy(&theirs.stderr).into_owned();
        assert!(theirs.contains("BadReturnValueError"), "{theirs}");
        let verify = |extra: &[&str]| {
            Command::new(env!("CARGO_BIN_EXE_chainscope"))
                .current_dir(dir.path())
                .args(
                    [
                        &[
                            "intoto",
                            "verify",
                            "--layout",
                            "root.layout",
                            "--layout-keys",
                        ][..],
                        &keys,
                        extra,
                    ]
                    .concat(),
                )
                .output()
                .unwrap()
        };
        let ran = verify(&["--run-inspections"]);
        assert_eq!(ran.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&ran.stdout).contains("BadReturnValueError"));
        let recorded = verify(&[]);
        assert_eq!(recorded.status.code(), Some(1));
        assert!(
            String::from_utf8_lossy(&recorded.stdout)
                .contains("RuleVerificationError: 'DISALLOW foo.tgz'")
        );
    }
}

#[test]
fn an_offline_signature_is_accepted_by_in_toto_verify() {
    let dir = temp_dir();
    author_chain(dir.path(), false, &[]);
    generate(dir.path(), "offline", "ecdsa");
    chainscope_in(
        dir.path(),
        &[
            "intoto",
            "layout",
            "sign",
            "root.layout",
            "--export-bytes",
            "to-sign.bin",
        ],
    );
    // The signature made elsewhere: securesystemslib's CryptoSigner over the exported bytes.
    let script = "import sys\n\
from securesystemslib.signer import CryptoSigner\n\
from cryptography.hazmat.primitives.serialization import load_pem_private_key\n\
key = load_pem_private_key(open(sys.argv[1], 'rb').read(), None)\n\
sig = CryptoSigner(key).sign(open(sys.argv[2], 'rb').read())\n\
open(sys.argv[3], 'w').write(sig.signature)\n";
    let signed = Command::new(reference_python())
        .current_dir(dir.path())
        .args(["-c", script, "offline", "to-sign.bin", "offline.sig"])
        .status()
        .unwrap();
    assert!(signed.success());
    // A signature by another key is refused before it is added.
    let wrong = Command::new(env!("CARGO_BIN_EXE_chainscope"))
        .current_dir(dir.path())
        .args([
            "intoto",
            "layout",
            "sign",
            "root.layout",
            "--import-signature",
            "offline.sig",
            "--pubkey",
            "alice.pub",
        ])
        .output()
        .unwrap();
    assert_eq!(wrong.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("does not verify"));
    chainscope_in(
        dir.path(),
        &[
            "intoto",
            "layout",
            "sign",
            "root.layout",
            "--import-signature",
            "offline.sig",
            "--pubkey",
            "offline.pub",
        ],
    );
    let verdict = in_toto_verify(dir.path(), "root.layout", &["offline.pub"]);
    assert!(
        verdict.status.success(),
        "{}",
        String::from_utf8_lossy(&verdict.stderr)
    );
}

#[test]
fn a_drafted_layout_verifies_the_links_it_was_drafted_from() {
    let dir = temp_dir();
    author_chain(dir.path(), false, &["owner"]);
    std::fs::create_dir(dir.path().join("links")).unwrap();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "link") {
            std::fs::copy(
                &path,
                dir.path().join("links").join(path.file_name().unwrap()),
            )
            .unwrap();
        }
    }
    chainscope_in(
        dir.path(),
        &[
            "intoto",
            "layout",
            "draft",
            "--links",
            "links",
            "--key",
            "alice.pub",
            "--key",
            "bob.pub",
            "--key",
            "carol.pub",
            "--expires",
            "2099-01-01T00:00:00Z",
            "--out",
            "draft.layout",
        ],
    );
    let shown = chainscope_in(dir.path(), &["intoto", "layout", "show", "draft.layout"]);
    let shown = String::from_utf8_lossy(&shown.stdout);
    assert!(
        shown.contains("step 1 create")
            && shown.contains("step 2 build")
            && shown.contains("step 3 package"),
        "{shown}"
    );
    assert!(
        shown.contains("MATCH * WITH PRODUCTS FROM build"),
        "{shown}"
    );
    chainscope_in(
        dir.path(),
        &["intoto", "layout", "sign", "draft.layout", "--key", "owner"],
    );
    let verdict = Command::new(tool("in-toto-verify"))
        .current_dir(dir.path())
        .args([
            "--layout",
            "draft.layout",
            "--verification-keys",
            "owner.pub",
            "--link-dir",
            "links",
        ])
        .output()
        .unwrap();
    assert!(
        verdict.status.success(),
        "{}",
        String::from_utf8_lossy(&verdict.stderr)
    );
}

/// The folder every recording test records.
fn recording_folder(dir: &Path) {
    for (path, body) in [
        ("a.txt", "a\n"),
        ("sub/b.py", "b\n"),
        ("sub/deep/c.bin", "c"),
        ("sub/skip.log", "log"),
        ("build/out.o", "o"),
        ("d.pyc", ""),
        ("e~", ""),
        ("x.link", "{}"),
        (".git/config", ""),
        ("with space/f g.txt", "sp"),
    ] {
        let full = dir.join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, body).unwrap();
    }
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(dir.join("sub"), dir.join("linked")).unwrap();
        std::os::unix::fs::symlink(dir.join("a.txt"), dir.join("alias.txt")).unwrap();
        std::os::unix::fs::symlink(dir.join("missing"), dir.join("broken")).unwrap();
    }
}

#[test]
fn recording_matches_in_toto_run() {
    let cases: Vec<(&str, Vec<&str>, Vec<&str>)> = vec![
        ("defaults", vec!["."], vec![]),
        (
            "excludes",
            vec!["."],
            vec!["--exclude", "*.log", "build/", "linked/deep"],
        ),
        (
            "lstrip",
            vec!["sub", "a.txt"],
            vec!["--lstrip-paths", "sub/"],
        ),
        ("negation", vec!["."], vec!["--exclude", "*.txt", "!a.txt"]),
    ];
    for (name, paths, options) in cases {
        let dir = temp_dir();
        let work = dir.path().join("work");
        std::fs::create_dir(&work).unwrap();
        recording_folder(&work);
        generate(dir.path(), "key", "ed25519");
        let key = path_str(&dir.path().join("key")).to_owned();
        let theirs_dir = dir.path().join("theirs");
        let ours_dir = dir.path().join("ours");
        std::fs::create_dir(&theirs_dir).unwrap();
        std::fs::create_dir(&ours_dir).unwrap();

        let mut reference = Command::new(tool("in-toto-run"));
        reference
            .current_dir(&work)
            .args([
                "--step-name",
                "s",
                "--signing-key",
                &key,
                "--metadata-directory",
                path_str(&theirs_dir),
                "-x",
                "--materials",
            ])
            .args(&paths)
            .arg("--products")
            .args(&paths)
            .args(&options);
        let output = reference.output().unwrap();
        assert!(
            output.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&output.stderr)
        );

        let mut ours = vec![
            "intoto",
            "run",
            "--step",
            "s",
            "--key",
            &key,
            "--metadata-dir",
            path_str(&ours_dir),
            "-x",
            "--materials",
        ];
        ours.extend(&paths);
        ours.push("--products");
        ours.extend(&paths);
        ours.extend(&options);
        chainscope_in(&work, &ours);

        let read = |folder: &Path| -> Value {
            let entry = std::fs::read_dir(folder).unwrap().next().unwrap().unwrap();
            serde_json::from_slice(&std::fs::read(entry.path()).unwrap()).unwrap()
        };
        let (theirs, ours) = (read(&theirs_dir), read(&ours_dir));
        for list in ["materials", "products"] {
            assert_eq!(
                ours["signed"][list], theirs["signed"][list],
                "{name}: {list}"
            );
        }
        assert!(
            theirs["signed"]["materials"].as_object().unwrap().len() >= 2,
            "{name}: something was recorded"
        );
        if name == "defaults" {
            let recorded = theirs["signed"]["materials"].as_object().unwrap();
            assert!(
                recorded.contains_key("linked/deep/c.bin"),
                "the symlinked folder is followed"
            );
            assert!(!recorded.contains_key("x.link") && !recorded.contains_key(".git/config"));
        }
    }
}
