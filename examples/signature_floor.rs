//! The floor under the succinct-bins benchmark: the time to check every delegated role's
//! Ed25519 signature one by one with ed25519-dalek's `verify` (as OpenSSL and python-tuf
//! check them; batch verification is cofactored and accepts signatures they reject), spread
//! over the machine's cores, with the files already read, parsed and canonicalized; the same
//! checks through chainscope's key (the same verdicts, with a table of the key's multiples
//! once it has checked many signatures, src/crypto/ed25519.rs); and the naive path (read,
//! parse, canonicalize and check each file with ed25519-dalek; nothing recorded).
//!
//!   cargo run --release --example signature_floor -- REPO/metadata
//!
//! Prints `SIGNATURES VERIFY_SECONDS NAIVE_SECONDS TABLE_SECONDS` (best of three runs each).
//! With `--naive-only` it runs the naive path once and prints nothing, so a whole process of
//! it can be timed and its peak memory taken beside `chainscope tuf verify`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use chainscope::crypto::PublicKey;
use chainscope::crypto::envelope::{Envelope, SigBytes};

/// One signature to check: the bytes it covers and the signature.
struct Item {
    covered: Vec<u8>,
    signature: Vec<u8>,
}

fn delegated_files(metadata: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(metadata)
        .expect("the metadata folder")
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().unwrap_or_default().to_string_lossy();
            let role = name.split_once('.').map_or("", |(_, rest)| rest);
            !matches!(
                role,
                "root.json" | "timestamp.json" | "snapshot.json" | "targets.json"
            ) && name.ends_with(".json")
                && name.starts_with(|c: char| c.is_ascii_digit())
        })
        .collect();
    files.sort();
    files
}

/// The key the top-level targets role delegates with (every bin shares it in the benchmark).
fn delegation_key(metadata: &Path) -> PublicKey {
    let mut newest = None;
    for version in 1.. {
        let path = metadata.join(format!("{version}.targets.json"));
        if !path.exists() {
            break;
        }
        newest = Some(path);
    }
    let bytes = std::fs::read(newest.expect("a targets.json")).expect("targets");
    let value = chainscope::cjson::parse(&bytes).expect("targets parses");
    let keys = value["signed"]["delegations"]["keys"]
        .as_object()
        .expect("delegation keys");
    let (keyid, dict) = keys.iter().next().expect("one delegation key");
    PublicKey::from_dict(keyid, dict).expect("a usable key")
}

fn prepare(bytes: &[u8]) -> Item {
    let value = chainscope::cjson::parse(bytes).expect("a metadata file parses");
    let envelope = Envelope::from_value(&value).expect("an envelope");
    let covered = envelope.signed_bytes().expect("canonical bytes");
    let signature = match &envelope.signatures()[0].sig {
        SigBytes::Bytes(bytes) => bytes.clone(),
        other => panic!("not a signature: {other:?}"),
    };
    Item { covered, signature }
}

fn best_of_three(mut run: impl FnMut() -> f64) -> f64 {
    (0..3).map(|_| run()).fold(f64::INFINITY, f64::min)
}

fn main() {
    chainscope::memory::configure();
    let metadata = PathBuf::from(
        std::env::args()
            .nth(1)
            .expect("usage: signature_floor METADATA"),
    );
    let files = delegated_files(&metadata);
    let key = delegation_key(&metadata);
    let naive_key = ed25519_dalek::VerifyingKey::from_bytes(
        &hex::decode(key.public_value())
            .expect("hex")
            .try_into()
            .expect("32 bytes"),
    )
    .expect("an Ed25519 point");
    let naive_check = |item: &Item| {
        use ed25519_dalek::Verifier as _;
        let signature = ed25519_dalek::Signature::from_slice(&item.signature).expect("64 bytes");
        naive_key.verify(&item.covered, &signature).is_ok()
    };
    if std::env::args().nth(2).as_deref() == Some("--naive-only") {
        let results = chainscope::parallel::map(&files, |file| {
            naive_check(&prepare(&std::fs::read(file).expect("a metadata file")))
        });
        assert!(results.iter().all(|ok| *ok), "every signature is valid");
        return;
    }
    let items: Vec<Item> = files
        .iter()
        .map(|f| prepare(&std::fs::read(f).expect("a metadata file")))
        .collect();
    let verify = best_of_three(|| {
        let started = Instant::now();
        let results = chainscope::parallel::map(&items, naive_check);
        assert!(results.iter().all(|ok| *ok), "every signature is valid");
        started.elapsed().as_secs_f64()
    });
    let naive = best_of_three(|| {
        let started = Instant::now();
        let results = chainscope::parallel::map(&files, |file| {
            naive_check(&prepare(&std::fs::read(file).expect("a metadata file")))
        });
        assert!(results.iter().all(|ok| *ok), "every signature is valid");
        started.elapsed().as_secs_f64()
    });
    let table = best_of_three(|| {
        let started = Instant::now();
        let results = chainscope::parallel::map(&items, |item| {
            key.verify(&item.covered, &item.signature).is_ok()
        });
        assert!(results.iter().all(|ok| *ok), "every signature is valid");
        started.elapsed().as_secs_f64()
    });
    println!("{} {verify:.4} {naive:.4} {table:.4}", items.len());
}
