//! Interop tests: chainscope side by side with the Python reference tools (securesystemslib,
//! python-tuf, in-toto) on the same files. One test binary for all of them (2-core machines).
//!
//! The reference venv comes from `scripts/setup-reference.sh`. Without it these tests fail
//! rather than skip: a skipped interop test that reports success would prove nothing.

#[cfg(feature = "gui")]
mod app_authoring;
#[cfg(feature = "gui")]
mod app_bins;
#[cfg(feature = "gui")]
mod app_tuf_editing;
mod attacks;
mod authoring;
mod canonical_json;
mod cli;
mod cli_output;
#[cfg(feature = "gui")]
mod gui;
mod hostile;
mod intoto_verify;
mod models;
mod reference_metadata;
mod rules;
mod samples;
#[cfg(feature = "gui")]
mod screenshot;
mod signatures;
mod sigstore;
mod tuf_client;
mod tuf_editor;
mod tuf_http;
mod views;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The reference venv's Python: `$CHAINSCOPE_REF_PYTHON`, else `target/ref-venv/bin/python`.
pub fn reference_python() -> PathBuf {
    let path = std::env::var_os("CHAINSCOPE_REF_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("target/ref-venv/bin/python")
        });
    assert!(
        path.exists(),
        "the Python reference tools are missing ({}); run scripts/setup-reference.sh (scripts/test.sh does)",
        path.display()
    );
    path
}

/// Runs `tests/reference/ref.py ARGS…` and returns its standard output; panics with its error
/// output when it fails.
pub fn reference(args: &[&str]) -> String {
    reference_script("ref.py", args)
}

/// Runs the reference script `tests/reference/SCRIPT ARGS…`.
pub fn reference_script(script: &str, args: &[&str]) -> String {
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/reference")
        .join(script);
    let output = Command::new(reference_python())
        .arg(script)
        .args(args)
        .output()
        .expect("start the reference Python");
    assert!(
        output.status.success(),
        "reference {args:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("reference output is UTF-8")
}

pub fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("create a temporary folder")
}

pub fn path_str(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}

/// Runs a reference subcommand that reads one JSON document per line and writes one answer per
/// line (`ref.py COMMAND IN OUT`); returns the answers, one per input line.
pub fn reference_lines(command: &str, lines: &[String]) -> Vec<String> {
    let dir = temp_dir();
    let input = dir.path().join("input.jsonl");
    let output = dir.path().join("output.txt");
    std::fs::write(&input, lines.join("\n") + "\n").expect("write the reference input");
    reference(&[command, path_str(&input), path_str(&output)]);
    let answers: Vec<String> = std::fs::read_to_string(&output)
        .expect("read the reference output")
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(answers.len(), lines.len(), "{command}: one answer per line");
    answers
}

/// xorshift64*: fixed seeds, so every run generates the same cases.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// A one-step supply chain in `dir`: `root.layout` (step `build`, one functionary, products
/// `DISALLOW *`) signed by the owner, the functionary's `build` link listing `products`, and
/// `owner.pub`. What the hostile-output tests feed `intoto verify`.
pub fn write_one_step_chain(dir: &Path, products: serde_json::Value) {
    use chainscope::crypto::PrivateKey;
    use serde_json::json;
    let owner = PrivateKey::ed25519_from_seed(&[7; 32]);
    let functionary = PrivateKey::ed25519_from_seed(&[8; 32]);
    let id = functionary.keyid().to_owned();
    let mut key = functionary.public().to_dict().clone();
    key["keyid"] = json!(id);
    let sign = |signed: serde_json::Value, key: &PrivateKey| {
        let bytes = chainscope::cjson::encode(&signed).unwrap();
        json!({"signed": signed, "signatures": [{"keyid": key.keyid(), "sig": hex::encode(key.sign(&bytes).unwrap())}]})
    };
    let layout = json!({"_type": "layout", "expires": "2099-01-01T00:00:00Z", "readme": "",
        "keys": {&id: key}, "inspect": [],
        "steps": [{"_type": "step", "name": "build", "threshold": 1, "pubkeys": [&id],
            "expected_command": [], "expected_materials": [], "expected_products": [["DISALLOW", "*"]]}]});
    let link = json!({"_type": "link", "name": "build", "command": [], "materials": {},
        "products": products, "byproducts": {}, "environment": {}});
    std::fs::write(dir.join("root.layout"), sign(layout, &owner).to_string()).unwrap();
    std::fs::write(
        dir.join(format!("build.{}.link", &id[..8])),
        sign(link, &functionary).to_string(),
    )
    .unwrap();
    std::fs::write(dir.join("owner.pub"), owner.public_pem()).unwrap();
}
