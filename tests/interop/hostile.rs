//! Hostile input and a hostile environment: nothing a file, a folder or a terminal throws makes
//! chainscope hang, crash, leak its files' contents to the wrong user or leave litter behind.

use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use crate::{path_str, temp_dir, write_one_step_chain};

/// Runs `chainscope ARGS` through `sh -c` after `prelude` (a umask, a ulimit), in `dir`.
fn sh(dir: &Path, prelude: &str, args: &str) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg(format!(
            "{prelude}; exec '{}' {args}",
            env!("CARGO_BIN_EXE_chainscope")
        ))
        .current_dir(dir)
        .output()
        .expect("run sh")
}

fn ok(output: Output) -> Output {
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// A published repository under `umask`: one key for every role, one target.
fn publish(dir: &Path, umask: &str) {
    let prelude = format!("umask {umask}");
    ok(sh(dir, &prelude, "key generate owner --no-passphrase"));
    ok(sh(dir, &prelude, "tuf init --repo repo --key owner.pub"));
    std::fs::write(dir.join("a.txt"), "a\n").unwrap();
    ok(sh(dir, &prelude, "tuf add-target --repo repo a.txt"));
    ok(sh(
        dir,
        &prelude,
        "tuf sign --repo repo --every-role --key owner",
    ));
    ok(sh(
        dir,
        &prelude,
        "tuf publish --repo repo --online-key owner",
    ));
}

/// Another target, signed and published: every role's file is written again.
fn republish(dir: &Path) {
    std::fs::write(dir.join("b.txt"), "b\n").unwrap();
    for args in [
        "tuf add-target --repo repo b.txt",
        "tuf sign --repo repo --every-role --key owner",
        "tuf publish --repo repo --online-key owner",
    ] {
        ok(sh(dir, "umask 022", args));
    }
}

fn published_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.join("repo/metadata"), dir.join("repo/targets")];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push(path);
            }
        }
    }
    assert!(files.len() >= 5, "{files:?}");
    files
}

/// Published metadata and targets follow the umask (a web server running as another user can
/// serve them under 022), private keys stay 0600, and rewriting a file keeps its mode.
#[test]
fn written_files_follow_the_umask_and_private_keys_stay_private() {
    for (umask, expected) in [("022", 0o644), ("077", 0o600)] {
        let dir = temp_dir();
        publish(dir.path(), umask);
        for file in published_files(dir.path()) {
            assert_eq!(mode(&file), expected, "umask {umask}: {}", file.display());
        }
        assert_eq!(mode(&dir.path().join("owner")), 0o600, "the private key");
    }
    let dir = temp_dir();
    publish(dir.path(), "022");
    let timestamp = dir.path().join("repo/metadata/timestamp.json");
    std::fs::set_permissions(&timestamp, std::fs::Permissions::from_mode(0o640)).unwrap();
    republish(dir.path());
    assert_eq!(mode(&timestamp), 0o640, "a rewritten file keeps its mode");
}

/// A save or publish killed mid-write leaves `.chainscope-<pid>-….tmp` behind; the next write
/// into that folder removes those of processes that are gone, and leaves a running one's.
#[test]
fn temporaries_of_a_killed_write_are_removed_by_the_next() {
    let dir = temp_dir();
    publish(dir.path(), "022");
    let mut gone = Command::new("true").spawn().unwrap();
    let gone_pid = gone.id();
    gone.wait().unwrap();
    let mut running = Command::new("sleep").arg("30").spawn().unwrap();
    let metadata = dir.path().join("repo/metadata");
    let stale = metadata.join(format!(".chainscope-{gone_pid}-AbCdEf.tmp"));
    let live = metadata.join(format!(".chainscope-{}-GhIjKl.tmp", running.id()));
    std::fs::write(&stale, "half a snapshot").unwrap();
    std::fs::write(&live, "being written").unwrap();
    republish(dir.path());
    let _ = running.kill();
    let _ = running.wait();
    assert!(!stale.exists(), "the dead process's temporary file is gone");
    assert!(
        live.exists(),
        "a running process's temporary file is left alone"
    );
}

/// Runs `chainscope ARGS` and returns its output, failing the test if it does not end within
/// 20 seconds (a reader blocked on a FIFO would never end).
fn bounded(dir: &Path, args: &[&str]) -> Output {
    let child = Command::new(env!("CARGO_BIN_EXE_chainscope"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let (done, result) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(child.wait_with_output());
    });
    match result.recv_timeout(Duration::from_secs(20)) {
        Ok(output) => output.unwrap(),
        Err(_) => {
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
            panic!("chainscope {args:?} blocked");
        }
    }
}

/// A FIFO where a metadata file, a key, a layout or a file to inspect is expected: refused at
/// once, saying what it is.
#[test]
fn a_fifo_where_a_file_is_expected_is_refused_at_once() {
    let dir = temp_dir();
    let d = dir.path();
    let fifo = d.join("pipe");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let repo = d.join("repo");
    std::fs::create_dir_all(repo.join("metadata")).unwrap();
    assert!(
        Command::new("mkfifo")
            .arg(repo.join("metadata/1.root.json"))
            .status()
            .unwrap()
            .success()
    );
    for args in [
        vec!["inspect", "pipe"],
        vec!["key", "show", "pipe"],
        vec![
            "intoto",
            "verify",
            "--layout",
            "pipe",
            "--layout-keys",
            "pipe",
        ],
        vec!["tuf", "verify", "repo"],
        vec!["cjson", "pipe"],
    ] {
        let out = bounded(d, &args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("FIFO"), "{args:?}: {stderr}");
    }
    // A device: /dev/zero never ends, so a target read whole would exhaust memory; it is
    // refused before anything is read (and under a small address-space limit, nothing is).
    let dir = temp_dir();
    publish(dir.path(), "022");
    let out = sh(
        dir.path(),
        "ulimit -v 400000",
        "tuf add-target --repo repo /dev/zero --path zero.bin",
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("a character device"), "{stderr}");
    let out = sh(
        dir.path(),
        "ulimit -v 400000",
        "tuf sign --repo repo targets --import-signature /dev/zero --pubkey owner.pub",
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("a character device"), "{stderr}");
}

/// `chainscope … | head -1`: the closed pipe ends chainscope quietly (141, as a shell reports
/// SIGPIPE), never with a panic (101).
#[test]
fn a_closed_pipe_ends_quietly() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-repos/talk-alice-bob");
    let out = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "'{}' tuf verify '{}' --root '{}' --all-checks | head -c 10 >/dev/null; echo \"${{PIPESTATUS[0]}}\"",
            env!("CARGO_BIN_EXE_chainscope"),
            path_str(&sample.join("repo")),
            path_str(&sample.join("trusted/root.json")),
        ))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let code = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(code == "141" || code == "0", "exit {code}: {stderr}");
}

/// Messages stay readable whatever a file holds: a 1 MB `_type` is quoted in part, and a
/// rule that catches 200,000 artifacts names ten and says how many more (the JSON output keeps
/// every one).
#[test]
fn messages_quote_a_bounded_part_of_what_files_hold() {
    use serde_json::json;
    let dir = temp_dir();
    let d = dir.path();
    let huge = "x".repeat(1_000_000);
    std::fs::write(
        d.join("big.json"),
        json!({"signed": {"_type": huge}, "signatures": []}).to_string(),
    )
    .unwrap();
    let out = bounded(d, &["inspect", "big.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        out.stderr.len() < 5_000,
        "{} bytes of error",
        out.stderr.len()
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("more characters)"));

    let products: serde_json::Map<String, serde_json::Value> = (0..200_000)
        .map(|i| (format!("file-{i:06}.o"), json!({"sha256": "00"})))
        .collect();
    write_one_step_chain(d, serde_json::Value::Object(products));
    let verify = |format: &str| {
        bounded(
            d,
            &[
                "intoto",
                "verify",
                "--layout",
                "root.layout",
                "--layout-keys",
                "owner.pub",
                "--format",
                format,
            ],
        )
    };
    let text = verify("text");
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert_eq!(text.status.code(), Some(1));
    assert!(stdout.len() < 20_000, "{} bytes of text", stdout.len());
    assert!(
        stdout.contains("'file-000009.o'] … and 199,990 more"),
        "{stdout}"
    );
    let json: serde_json::Value = serde_json::from_slice(&verify("json").stdout).unwrap();
    assert_eq!(
        json["failure"]["artifacts"].as_array().unwrap().len(),
        200_000
    );
}

/// A key file damaged in one byte, and a key file that is a symlink to nothing, are named as
/// such.
#[test]
fn damaged_and_dangling_key_files_are_named_as_such() {
    let dir = temp_dir();
    let d = dir.path();
    ok(sh(d, "umask 022", "key generate alice --no-passphrase"));
    let mut pem = std::fs::read(d.join("alice.pub")).unwrap();
    pem[40] = 0xff;
    std::fs::write(d.join("damaged.pub"), &pem).unwrap();
    let out = bounded(d, &["key", "show", "damaged.pub"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("not UTF-8 text: byte 40 is 0xff"),
        "{stderr}"
    );
    std::os::unix::fs::symlink(d.join("nowhere.pub"), d.join("dangling.pub")).unwrap();
    let out = bounded(d, &["key", "show", "dangling.pub"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("dangling"), "{stderr}");
}
