//! Whole command-line outputs, compared line for line with `tests/cli-output/NAME.txt`:
//! the command, its exit status, its standard output and its error output, with the temporary
//! folder written as `[TMP]`. A change to what a user reads fails here and shows the difference.
//! When the change is meant, `CHAINSCOPE_BLESS=1 cargo test --test interop cli_output` rewrites
//! the expected files, and the diff is reviewed in the commit.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{path_str, temp_dir};

const NOW: &str = "2026-12-01T00:00:00Z";

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-repos")
}

/// Copies sample `name` into `dir` (the samples are read-only data; commands run on a copy, so
/// their paths are temporary ones).
fn copy_sample(name: &str, dir: &Path) -> PathBuf {
    let to = dir.join(name);
    chainscope::attacks::copy_folder(&samples().join(name), &to).unwrap();
    to
}

/// Runs chainscope with `args` in `dir` and compares the whole transcript with
/// `tests/cli-output/{name}.txt`.
fn transcript(name: &str, dir: &Path, args: &[&str]) {
    let output = Command::new(env!("CARGO_BIN_EXE_chainscope"))
        .args(args)
        .current_dir(dir)
        .env_remove("CHAINSCOPE_PASSPHRASE")
        .output()
        .expect("run chainscope");
    let placeholder = |bytes: &[u8]| String::from_utf8_lossy(bytes).replace(path_str(dir), "[TMP]");
    let command = args
        .iter()
        .map(|a| a.replace(path_str(dir), "[TMP]"))
        .collect::<Vec<_>>()
        .join(" ");
    let actual = format!(
        "$ chainscope {command}\nexit status: {}\n--- stdout\n{}--- stderr\n{}",
        output
            .status
            .code()
            .map_or("none (killed)".to_string(), |c| c.to_string()),
        placeholder(&output.stdout),
        placeholder(&output.stderr),
    );
    let expected_path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/cli-output")
        .join(format!("{name}.txt"));
    if std::env::var_os("CHAINSCOPE_BLESS").is_some() {
        std::fs::create_dir_all(expected_path.parent().unwrap()).unwrap();
        std::fs::write(&expected_path, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; write it with CHAINSCOPE_BLESS=1 and review it",
            expected_path.display()
        )
    });
    if expected != actual {
        let mut diff = String::new();
        let (a, b): (Vec<_>, Vec<_>) = (expected.lines().collect(), actual.lines().collect());
        for i in 0..a.len().max(b.len()) {
            match (a.get(i), b.get(i)) {
                (Some(x), Some(y)) if x == y => {}
                (x, y) => {
                    diff.push_str(&format!(
                        "line {}:\n  expected: {}\n  actual:   {}\n",
                        i + 1,
                        x.unwrap_or(&"(none)"),
                        y.unwrap_or(&"(none)")
                    ));
                }
            }
        }
        panic!(
            "{name}: the output changed ({}):\n{diff}\nwhole output:\n{actual}",
            expected_path.display()
        );
    }
}

#[test]
fn cli_output_tuf_verify_of_a_good_repository() {
    let dir = temp_dir();
    copy_sample("talk-alice-bob", dir.path());
    transcript(
        "tuf-verify-pass",
        dir.path(),
        &[
            "tuf",
            "verify",
            "talk-alice-bob/repo",
            "--trusted-dir",
            "talk-alice-bob/trusted",
            "--now",
            NOW,
        ],
    );
}

#[test]
fn cli_output_tuf_verify_of_an_expired_timestamp() {
    let dir = temp_dir();
    copy_sample("expired-timestamp", dir.path());
    transcript(
        "tuf-verify-expired-timestamp",
        dir.path(),
        &[
            "tuf",
            "verify",
            "expired-timestamp/repo",
            "--trusted-dir",
            "expired-timestamp/trusted",
            "--now",
            NOW,
        ],
    );
}

#[test]
fn cli_output_verify_target_of_the_attackers_package() {
    let dir = temp_dir();
    copy_sample("talk-attacker", dir.path());
    transcript(
        "verify-target-attacker",
        &dir.path().join("talk-attacker"),
        &[
            "verify-target",
            "demo-project.tar.gz",
            "--repo",
            "repo",
            "--root",
            "trusted/root.json",
            "--trusted-dir",
            "trusted",
            "--now",
            NOW,
        ],
    );
}

#[test]
fn cli_output_errors_name_the_file_the_cause_and_a_hint() {
    let dir = temp_dir();
    let root = dir.path().join("root.json");
    std::fs::write(
        &root,
        b"{\"signed\": {\"_type\": \"root\", \"version\": 1.0}, \"signatures\": []}",
    )
    .unwrap();
    transcript(
        "inspect-bad-field",
        dir.path(),
        &["inspect", path_str(&root)],
    );
    transcript(
        "tuf-verify-missing-folder",
        dir.path(),
        &["tuf", "verify", path_str(&dir.path().join("no-such-repo"))],
    );
    copy_sample("talk-alice-bob", dir.path());
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    transcript(
        "tuf-verify-empty-trusted-dir",
        dir.path(),
        &[
            "tuf",
            "verify",
            "talk-alice-bob/repo",
            "--trusted-dir",
            "empty",
        ],
    );
    transcript(
        "tuf-verify-a-file-not-a-folder",
        dir.path(),
        &["tuf", "verify", "root.json"],
    );
}
