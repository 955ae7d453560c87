//! The TUF repository editor judged by python-tuf's ngclient (and chainscope's own client) over
//! HTTP: repositories created, edited, signed (partly, offline) and published by chainscope are
//! refreshed and every target downloaded; key rotations update a client that trusted the first
//! version; a publish that dies halfway leaves the old version valid; a python-tuf repository
//! edited by chainscope keeps every field it did not touch.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chainscope::crypto::digest::hex_digest;
use chainscope::crypto::{PrivateKey, PublicKey};
use chainscope::edit::tuf::{
    AtomicWriter, PublishOptions, PublishProblem, RepoError, TufRepo, Writer,
};
use chainscope::files::quote;
use chainscope::time::UtcTime;
use serde_json::{Value, json};

use crate::tuf_http::{Mode, client, files, serve};
use crate::{path_str, reference_python, reference_script, temp_dir};

pub(crate) const NOW: &str = "2030-01-01T00:00:00Z";

pub(crate) fn now() -> UtcTime {
    UtcTime::parse_rfc3339(NOW).unwrap()
}

pub(crate) fn far() -> UtcTime {
    UtcTime::parse_rfc3339("2031-01-01T00:00:00Z").unwrap()
}

/// The same keys `tests/reference/tuf_ref.py` derives: ed25519 from sha256("chainscope-tuf-" + name).
pub(crate) fn key(name: &str) -> PrivateKey {
    let seed =
        hex::decode(hex_digest("sha256", format!("chainscope-tuf-{name}").as_bytes()).unwrap())
            .unwrap();
    PrivateKey::ed25519_from_seed(&seed.try_into().unwrap())
}

pub(crate) fn public(names: &[&str]) -> Vec<PublicKey> {
    names.iter().map(|n| key(n).public().clone()).collect()
}

fn options(online: &[&str]) -> PublishOptions {
    PublishOptions {
        now: now(),
        online_keys: online.iter().map(|n| key(n)).collect(),
        snapshot_expires: UtcTime::from_unix(now().unix() + 7 * 86_400),
        timestamp_expires: UtcTime::from_unix(now().unix() + 86_400),
    }
}

/// Signs every role that is short of signatures with whichever of `signers` it trusts (for a
/// new root, also the keys of the root it replaces).
fn sign_everything(repo: &mut TufRepo, signers: &[&str]) {
    for state in repo.status(now()).unwrap() {
        if state.role == "snapshot" || state.role == "timestamp" || state.ready() {
            continue;
        }
        let wanted: Vec<&String> = state
            .report
            .missing
            .iter()
            .chain(state.previous_root.iter().flat_map(|p| p.missing.iter()))
            .collect();
        for name in signers {
            let key = key(name);
            if wanted.iter().any(|id| *id == key.keyid()) {
                repo.sign(&state.role, &key).unwrap();
            }
        }
    }
    let short: Vec<String> = repo
        .status(now())
        .unwrap()
        .into_iter()
        .filter(|s| s.role != "snapshot" && s.role != "timestamp" && !s.ready())
        .map(|s| format!("{}: {}", s.role, s.report.summary()))
        .collect();
    assert!(short.is_empty(), "still unsigned: {short:?}");
}

fn add_target(
    dir: &Path,
    expected: &mut BTreeMap<String, String>,
    repo: &mut TufRepo,
    path: &str,
    role: Option<&str>,
) -> String {
    let contents = format!("contents of {path}\n");
    let file = source(dir, path, &contents);
    expected.insert(path.to_owned(), contents);
    repo.add_target(&file, path, role, Some(json!({"added-by": "test"})))
        .unwrap()
}

fn source(dir: &Path, name: &str, contents: &str) -> PathBuf {
    let path = dir.join("sources").join(name.replace('/', "_"));
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, contents).unwrap();
    path
}

/// One client (ours or ngclient) with its own metadata folder, as a user's machine keeps it.
pub(crate) struct ClientDir {
    ours: bool,
    metadata: PathBuf,
    targets: PathBuf,
}

impl ClientDir {
    pub(crate) fn new(dir: &Path, ours: bool, trusted_root: &Path) -> ClientDir {
        let base = dir.join(if ours {
            "client-ours"
        } else {
            "client-ngclient"
        });
        let client_dir = ClientDir {
            ours,
            metadata: base.join("metadata"),
            targets: base.join("targets"),
        };
        std::fs::create_dir_all(&client_dir.targets).unwrap();
        let init = client(
            ours,
            &[
                "--metadata-dir".into(),
                path_str(&client_dir.metadata).into(),
                "init".into(),
                path_str(trusted_root).into(),
            ],
        );
        assert!(
            init.status.success(),
            "init: {}",
            String::from_utf8_lossy(&init.stderr)
        );
        client_dir
    }

    fn name(&self) -> &str {
        if self.ours {
            "chainscope tuf-client"
        } else {
            "python-tuf ngclient"
        }
    }

    /// Refreshes and downloads `targets` from the server; the exit status and error output.
    fn download(&self, url: &str, targets: &[String]) -> Output {
        let mut args: Vec<String> = vec![
            "--metadata-dir".into(),
            path_str(&self.metadata).into(),
            "--metadata-url".into(),
            format!("{url}/metadata/"),
            "--now".into(),
            NOW.into(),
        ];
        for target in targets {
            args.extend(["--target-name".into(), target.clone()]);
        }
        args.extend([
            "--target-base-url".into(),
            format!("{url}/targets/"),
            "--target-dir".into(),
            path_str(&self.targets).into(),
            "download".into(),
        ]);
        client(self.ours, &args)
    }

    /// Downloads every target and checks each one's bytes.
    pub(crate) fn download_all(&self, url: &str, expected: &BTreeMap<String, String>) {
        let names: Vec<String> = expected.keys().cloned().collect();
        let output = self.download(url, &names);
        assert!(
            output.status.success(),
            "{} refused the repository: {}",
            self.name(),
            String::from_utf8_lossy(&output.stderr)
        );
        for (path, contents) in expected {
            let got = std::fs::read_to_string(self.targets.join(quote(path)))
                .unwrap_or_else(|e| panic!("{}: {path} not downloaded: {e}", self.name()));
            assert_eq!(&got, contents, "{}: {path}", self.name());
        }
    }

    fn trusted_version(&self, role: &str) -> u64 {
        let bytes = std::fs::read(self.metadata.join(format!("{}.json", quote(role)))).unwrap();
        let value: Value = serde_json::from_slice(&bytes).unwrap();
        value["signed"]["version"].as_u64().unwrap()
    }
}

#[test]
fn a_repository_published_by_chainscope_serves_every_target_and_survives_key_rotations() {
    let dir = temp_dir();
    let repo_dir = dir.path().join("repo");
    let mut keys = BTreeMap::new();
    for role in ["root", "targets", "snapshot", "timestamp"] {
        keys.insert(role, (public(&[role]), 1));
    }
    let mut repo = TufRepo::init(&repo_dir, &keys, true, far()).unwrap();
    let mut expected = BTreeMap::new();
    let sources = dir.path().to_owned();
    assert_eq!(
        add_target(
            &sources,
            &mut expected,
            &mut repo,
            "readme.txt",
            Some("targets")
        ),
        "targets"
    );
    repo.delegate(
        "targets",
        "dev",
        &public(&["dev"]),
        1,
        Some(vec!["dev/*".into()]),
        None,
        true,
        far(),
    )
    .unwrap();
    repo.delegate(
        "targets",
        "packages",
        &public(&["packages"]),
        1,
        Some(vec!["packages/*".into()]),
        None,
        true,
        far(),
    )
    .unwrap();
    assert_eq!(
        repo.delegate_bins("packages", 3, "pkg-bin", &public(&["bins"]), 1, far())
            .unwrap(),
        8
    );
    assert_eq!(
        repo.delegate_hashed_bins("targets", 2, "hashed", &public(&["hashed"]), 1, far())
            .unwrap(),
        4
    );
    // The staging folder carries everything between two commands.
    repo.save_staged().unwrap();
    let mut repo = TufRepo::open(&repo_dir).unwrap();
    assert_eq!(
        add_target(&sources, &mut expected, &mut repo, "dev/tool.sh", None),
        "dev"
    );
    let mut bins = std::collections::BTreeSet::new();
    for i in 0..16 {
        let role = add_target(
            &sources,
            &mut expected,
            &mut repo,
            &format!("packages/p{i}.tgz"),
            None,
        );
        assert!(
            role.starts_with("pkg-bin-"),
            "packages/p{i}.tgz went to {role}"
        );
        bins.insert(role);
        let role = add_target(
            &sources,
            &mut expected,
            &mut repo,
            &format!("misc/m{i}.txt"),
            None,
        );
        assert!(role.starts_with("hashed-"), "misc/m{i}.txt went to {role}");
        bins.insert(role);
    }
    assert!(bins.len() > 6, "targets spread over the bins: {bins:?}");

    // Not published below threshold: publish names what is missing.
    let refused = repo
        .publish(
            &options(&["snapshot", "timestamp"]),
            &mut AtomicWriter::default(),
        )
        .unwrap_err();
    let RepoError::NotReady { problems } = &refused else {
        panic!("not a missing-signature refusal: {refused}");
    };
    assert!(
        problems.iter().any(|p| matches!(
            p,
            PublishProblem::BelowThreshold { role, version: 1, .. } if role == "root"
        )),
        "{problems:?}"
    );
    assert!(
        refused
            .to_string()
            .contains("root v1: 0 of 1 required signature"),
        "{refused}"
    );
    assert_eq!(
        chainscope::report::Report::of(&refused).hint.as_deref(),
        Some("chainscope tuf status (or the TUF editor) shows who still has to sign")
    );
    sign_everything(
        &mut repo,
        &["root", "targets", "dev", "packages", "bins", "hashed"],
    );
    let published = repo
        .publish(
            &options(&["snapshot", "timestamp"]),
            &mut AtomicWriter::default(),
        )
        .unwrap();
    assert_eq!(
        (published.snapshot_version, published.timestamp_version),
        (1, 1)
    );
    assert!(!repo_dir.join("staged").join("targets.json").exists());

    let server = serve(Mode::Files(repo_dir.clone()));
    let trusted_root = repo_dir.join("metadata/1.root.json");
    let clients = [
        ClientDir::new(dir.path(), false, &trusted_root),
        ClientDir::new(dir.path(), true, &trusted_root),
    ];
    let first: BTreeMap<String, String> = expected.clone();
    for client in &clients {
        client.download_all(&server.url(), &first);
        assert_eq!(client.trusted_version("root"), 1);
    }

    // Version 2: the root key rotated (the new root signed by the old and the new key), the
    // dev role's key rotated, one more target.
    let mut repo = TufRepo::open(&repo_dir).unwrap();
    repo.add_key("root", key("root-2").public()).unwrap();
    repo.remove_key("root", key("root").keyid()).unwrap();
    repo.add_key("dev", key("dev-2").public()).unwrap();
    repo.remove_key("dev", key("dev").keyid()).unwrap();
    assert_eq!(
        add_target(&sources, &mut expected, &mut repo, "dev/tool-2.sh", None),
        "dev"
    );
    assert!(
        matches!(
            repo.sign("dev", &key("dev")),
            Err(RepoError::NotAKeyOf { .. })
        ),
        "the rotated-out dev key may not sign any more"
    );
    let root_state = repo
        .status(now())
        .unwrap()
        .into_iter()
        .find(|s| s.role == "root")
        .unwrap();
    assert_eq!(root_state.version, 2);
    assert!(
        root_state.previous_root.is_some(),
        "a new root answers to the old root's keys too"
    );
    repo.sign("root", &key("root-2")).unwrap();
    let refused = repo
        .publish(
            &options(&["snapshot", "timestamp"]),
            &mut AtomicWriter::default(),
        )
        .unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("by the keys of the root it replaces"),
        "a root signed by its new key alone is not published: {refused}"
    );
    sign_everything(&mut repo, &["root", "targets", "dev-2"]);
    let published = repo
        .publish(
            &options(&["snapshot", "timestamp"]),
            &mut AtomicWriter::default(),
        )
        .unwrap();
    assert_eq!(published.snapshot_version, 2);
    for file in [
        "2.root.json",
        "2.targets.json",
        "2.dev.json",
        "2.snapshot.json",
        "1.packages.json",
    ] {
        assert!(repo_dir.join("metadata").join(file).is_file(), "{file}");
    }

    // Clients that trusted version 1 update cleanly.
    let second = expected.clone();
    assert_eq!(second.len(), first.len() + 1);
    for client in &clients {
        client.download_all(&server.url(), &second);
        assert_eq!(client.trusted_version("root"), 2, "{}", client.name());
        assert_eq!(client.trusted_version("dev"), 2, "{}", client.name());
    }
}

/// Writes like [`AtomicWriter`], noting every write and barrier, until asked for a file whose
/// name ends with `dies_at`.
struct DyingWriter {
    dies_at: &'static str,
    inner: AtomicWriter,
    events: Vec<String>,
}

impl DyingWriter {
    fn new(dies_at: &'static str) -> DyingWriter {
        DyingWriter {
            dies_at,
            inner: AtomicWriter::default(),
            events: Vec::new(),
        }
    }

    fn wrote(&self, suffix: &str) -> Option<usize> {
        self.events.iter().position(|e| e.ends_with(suffix))
    }

    /// Whether a barrier comes between event `a` and event `b`.
    fn barrier_between(&self, a: usize, b: usize) -> bool {
        self.events[a..b].iter().any(|e| e == "barrier")
    }
}

impl Writer for DyingWriter {
    fn write(&mut self, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
        if path.to_string_lossy().ends_with(self.dies_at) {
            return Err(std::io::Error::other("the machine lost power"));
        }
        self.events.push(path.to_string_lossy().into_owned());
        self.inner.write(path, bytes)
    }

    fn barrier(&mut self) -> std::io::Result<()> {
        self.events.push("barrier".into());
        self.inner.barrier()
    }
}

#[test]
fn a_publish_that_dies_before_snapshot_or_timestamp_leaves_the_old_version_valid() {
    let dir = temp_dir();
    let repo_dir = dir.path().join("repo");
    let mut keys = BTreeMap::new();
    for role in ["root", "targets", "snapshot", "timestamp"] {
        keys.insert(role, (public(&[role]), 1));
    }
    let mut repo = TufRepo::init(&repo_dir, &keys, true, far()).unwrap();
    let old = source(dir.path(), "old.txt", "old\n");
    repo.add_target(&old, "old.txt", None, None).unwrap();
    repo.delegate(
        "targets",
        "dev",
        &public(&["dev"]),
        1,
        Some(vec!["dev/*".into()]),
        None,
        false,
        far(),
    )
    .unwrap();
    sign_everything(&mut repo, &["root", "targets", "dev"]);
    repo.publish(
        &options(&["snapshot", "timestamp"]),
        &mut AtomicWriter::default(),
    )
    .unwrap();

    let server = serve(Mode::Files(repo_dir.clone()));
    let trusted_root = repo_dir.join("metadata/1.root.json");
    let new_targets = vec!["dev/new.txt".to_owned()];
    let old_targets = vec!["old.txt".to_owned()];
    for dies_at in ["snapshot.json", "timestamp.json"] {
        let new = source(dir.path(), "new.txt", "new\n");
        repo.add_target(&new, "dev/new.txt", None, None).unwrap();
        sign_everything(&mut repo, &["targets", "dev"]);
        repo.save_staged().unwrap();
        let mut writer = DyingWriter::new(dies_at);
        let failed = repo
            .publish(&options(&["snapshot", "timestamp"]), &mut writer)
            .unwrap_err();
        assert!(matches!(failed, RepoError::Write { .. }), "{failed}");
        assert!(
            writer.wrote("2.dev.json").is_some() && writer.wrote("new.txt").is_some(),
            "the target file and the role were written before {dies_at}: {:?}",
            writer.events
        );
        let timestamp: Value = serde_json::from_slice(
            &std::fs::read(repo_dir.join("metadata/timestamp.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(timestamp["signed"]["version"], 1);

        // Both clients, starting fresh, see a valid repository at the old version.
        for ours in [false, true] {
            let work = temp_dir();
            let client = ClientDir::new(work.path(), ours, &trusted_root);
            client.download_all(
                &server.url(),
                &BTreeMap::from([("old.txt".to_owned(), "old\n".to_owned())]),
            );
            assert_eq!(client.trusted_version("snapshot"), 1, "{}", client.name());
            let output = client.download(&server.url(), &new_targets);
            assert!(
                !output.status.success(),
                "{}: the new target is not published yet",
                client.name()
            );
            assert_eq!(client.trusted_version("dev"), 1, "{}", client.name());
        }
        let verify = Command::new(env!("CARGO_BIN_EXE_chainscope"))
            .args(["tuf", "verify", path_str(&repo_dir), "--now", NOW])
            .output()
            .unwrap();
        assert_eq!(
            verify.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&verify.stdout)
        );
        // What was staged is still staged: reopening finds it.
        repo = TufRepo::open(&repo_dir).unwrap();
        assert!(repo.is_staged("dev") && !repo.is_staged("targets"));
    }

    // The publish, done again, goes through; each of root, snapshot and timestamp waits for
    // the disk to hold everything written before it.
    let mut writer = DyingWriter::new("never");
    repo.publish(&options(&["snapshot", "timestamp"]), &mut writer)
        .unwrap();
    let (role, snapshot, timestamp) = (
        writer.wrote("2.dev.json").unwrap(),
        writer.wrote("2.snapshot.json").unwrap(),
        writer.wrote("timestamp.json").unwrap(),
    );
    assert!(
        role < snapshot && snapshot < timestamp,
        "{:?}",
        writer.events
    );
    assert!(writer.barrier_between(role, snapshot) && writer.barrier_between(snapshot, timestamp));
    assert_eq!(writer.events.last().map(String::as_str), Some("barrier"));
    for ours in [false, true] {
        let work = temp_dir();
        let client = ClientDir::new(work.path(), ours, &trusted_root);
        let output = client.download(
            &server.url(),
            &[old_targets.clone(), new_targets.clone()].concat(),
        );
        assert!(
            output.status.success(),
            "{}: {}",
            client.name(),
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(client.trusted_version("dev"), 2);
    }
}

#[test]
fn editing_a_python_tuf_repository_keeps_unknown_fields_and_untouched_files() {
    let dir = temp_dir();
    let repo_dir = dir.path().join("repo");
    reference_script("tuf_ref.py", &["editable", path_str(&repo_dir)]);
    let before = files(&repo_dir.join("metadata"));
    let read = |name: &str| -> Value {
        serde_json::from_slice(&std::fs::read(repo_dir.join("metadata").join(name)).unwrap())
            .unwrap()
    };

    let mut repo = TufRepo::open(&repo_dir).unwrap();
    let new = source(dir.path(), "new.txt", "new doc\n");
    repo.add_target(&new, "docs/new.txt", Some("docs"), None)
        .unwrap();
    repo.sign("docs", &key("docs")).unwrap();
    let expires = UtcTime::parse_rfc3339("2098-01-01T00:00:00Z").unwrap();
    repo.set_expiry("root", expires).unwrap();
    repo.sign("root", &key("root1")).unwrap();
    repo.sign("root", &key("root2")).unwrap();
    repo.publish(
        &options(&["snapshot", "timestamp"]),
        &mut AtomicWriter::default(),
    )
    .unwrap();

    // Every file written before is still there, byte for byte, but the two a publish replaces.
    let after = files(&repo_dir.join("metadata"));
    for (name, bytes) in &before {
        if name == "root.json" || name == "timestamp.json" {
            continue;
        }
        assert!(after.get(name) == Some(bytes), "{name} changed");
    }
    // The edited roles differ from the old ones in exactly what was edited.
    let (old_docs, new_docs) = (read("1.docs.json"), read("2.docs.json"));
    let mut expected = old_docs["signed"].clone();
    expected["version"] = json!(2);
    expected["targets"]["docs/new.txt"] = new_docs["signed"]["targets"]["docs/new.txt"].clone();
    assert_eq!(new_docs["signed"], expected);
    assert_eq!(new_docs["signed"]["x-docs-note"], "docs");
    assert_eq!(new_docs["signed"]["targets"]["docs/new.txt"]["length"], 8);
    let (old_root, new_root) = (read("1.root.json"), read("2.root.json"));
    let mut expected = old_root["signed"].clone();
    expected["version"] = json!(2);
    expected["expires"] = json!("2098-01-01T00:00:00Z");
    assert_eq!(new_root["signed"], expected);
    assert_eq!(new_root["signed"]["x-root-note"]["kept"][1], "two");

    // And python-tuf takes the result.
    let server = serve(Mode::Files(repo_dir.clone()));
    let work = temp_dir();
    let client = ClientDir::new(work.path(), false, &repo_dir.join("metadata/1.root.json"));
    client.download_all(
        &server.url(),
        &BTreeMap::from([
            ("docs/new.txt".to_owned(), "new doc\n".to_owned()),
            ("docs/readme.txt".to_owned(), "read me\n".to_owned()),
            ("file.txt".to_owned(), "hello\n".to_owned()),
        ]),
    );
    assert_eq!(client.trusted_version("root"), 2);
}

fn chainscope(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_chainscope"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run chainscope")
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let output = chainscope(dir, args);
    assert!(
        output.status.success(),
        "chainscope {args:?} failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn threshold_two_by_two_sign_commands_and_by_an_offline_signature() {
    let dir = temp_dir();
    let d = dir.path();
    for (name, kind) in [
        ("root", "ed25519"),
        ("t1", "ed25519"),
        ("t2", "ecdsa"),
        ("snap", "ed25519"),
        ("ts", "rsa"),
    ] {
        ok(
            d,
            &["key", "generate", name, "--type", kind, "--no-passphrase"],
        );
    }
    ok(
        d,
        &[
            "tuf",
            "init",
            "--repo",
            "repo",
            "--root-key",
            "root.pub",
            "--targets-key",
            "t1.pub",
            "--targets-key",
            "t2.pub",
            "--targets-threshold",
            "2",
            "--snapshot-key",
            "snap.pub",
            "--timestamp-key",
            "ts.pub",
        ],
    );
    std::fs::write(d.join("a.txt"), "a\n").unwrap();
    ok(d, &["tuf", "add-target", "--repo", "repo", "a.txt"]);
    ok(
        d,
        &["tuf", "sign", "--repo", "repo", "root", "--key", "root"],
    );
    ok(
        d,
        &["tuf", "sign", "--repo", "repo", "targets", "--key", "t1"],
    );

    let t2_short = {
        let out = ok(d, &["key", "show", "t2.pub"]);
        let keyid = out
            .split_whitespace()
            .find(|w| w.len() == 64 && w.chars().all(|c| c.is_ascii_hexdigit()))
            .unwrap()
            .to_owned();
        keyid[..8].to_owned()
    };
    let status = chainscope(d, &["tuf", "status", "--repo", "repo"]);
    let text = String::from_utf8_lossy(&status.stdout);
    assert_eq!(status.status.code(), Some(1), "{text}");
    assert!(text.contains("1 of 2 required signatures"), "{text}");
    assert!(
        text.contains(&format!("not yet signed by: {t2_short}")),
        "{text}"
    );
    let publish = [
        "tuf",
        "publish",
        "--repo",
        "repo",
        "--online-key",
        "snap",
        "--online-key",
        "ts",
    ];
    let refused = chainscope(d, &publish);
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("targets v1: 1 of 2 required signatures"),
        "{stderr}"
    );
    assert!(!d.join("repo/metadata/timestamp.json").exists());

    ok(
        d,
        &["tuf", "sign", "--repo", "repo", "targets", "--key", "t2"],
    );
    assert_eq!(
        chainscope(d, &["tuf", "status", "--repo", "repo"])
            .status
            .code(),
        Some(0)
    );
    ok(d, &publish);

    // Version 2 of targets: t1 signs here, t2 offline.
    std::fs::write(d.join("b.txt"), "b\n").unwrap();
    ok(
        d,
        &[
            "tuf",
            "add-target",
            "--repo",
            "repo",
            "b.txt",
            "--path",
            "sub/b.txt",
        ],
    );
    ok(
        d,
        &["tuf", "sign", "--repo", "repo", "targets", "--key", "t1"],
    );
    ok(
        d,
        &[
            "tuf",
            "sign",
            "--repo",
            "repo",
            "targets",
            "--export-bytes",
            "to-sign.bin",
        ],
    );
    let script = "import sys\n\
from securesystemslib.signer import CryptoSigner\n\
from cryptography.hazmat.primitives.serialization import load_pem_private_key\n\
key = load_pem_private_key(open(sys.argv[1], 'rb').read(), None)\n\
sig = CryptoSigner(key).sign(open(sys.argv[2], 'rb').read())\n\
open(sys.argv[3], 'w').write(sig.signature)\n";
    let signed = Command::new(reference_python())
        .current_dir(d)
        .args(["-c", script, "t2", "to-sign.bin", "t2.sig"])
        .status()
        .unwrap();
    assert!(signed.success());
    let wrong = chainscope(
        d,
        &[
            "tuf",
            "sign",
            "--repo",
            "repo",
            "targets",
            "--import-signature",
            "t2.sig",
            "--pubkey",
            "t1.pub",
        ],
    );
    assert_eq!(
        wrong.status.code(),
        Some(2),
        "a signature checked against the wrong key is refused"
    );
    ok(
        d,
        &[
            "tuf",
            "sign",
            "--repo",
            "repo",
            "targets",
            "--import-signature",
            "t2.sig",
            "--pubkey",
            "t2.pub",
        ],
    );
    ok(d, &publish);
    let diff = ok(
        d,
        &[
            "tuf", "diff", "--repo", "repo", "targets", "--from", "1", "--to", "2",
        ],
    );
    assert!(diff.contains("target sub/b.txt added (2 bytes)"), "{diff}");
    assert!(diff.contains("version 1 → 2"), "{diff}");

    let repo_dir = d.join("repo");
    let server = serve(Mode::Files(repo_dir.clone()));
    let work = temp_dir();
    let client = ClientDir::new(work.path(), false, &repo_dir.join("metadata/1.root.json"));
    let output = Command::new(reference_python())
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reference/tuf_client.py"))
        .args([
            "--metadata-dir",
            path_str(&client.metadata),
            "--metadata-url",
        ])
        .arg(format!("{}/metadata/", server.url()))
        .args([
            "--target-name",
            "a.txt",
            "--target-name",
            "sub/b.txt",
            "--target-base-url",
        ])
        .arg(format!("{}/targets/", server.url()))
        .args(["--target-dir", path_str(&client.targets), "download"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(client.targets.join("sub%2Fb.txt")).unwrap(),
        "b\n"
    );
    assert_eq!(client.trusted_version("targets"), 2);
}
