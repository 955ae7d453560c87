//! The fuzz targets' bodies (`fuzz/fuzz_targets/*.rs` call these), kept in the library so the
//! regular tests run every target over its corpus and its past crashes on every CI run. Each
//! takes arbitrary bytes, must never panic, and checks what must hold of what it accepts.

use crate::cjson;
use crate::crypto::keyfile::parse_key_bytes;
use crate::intoto::Document;
use crate::intoto::document::LinkEvidence;
use crate::intoto::rule::ArtifactRule;

/// A target's body: arbitrary bytes in, a panic on any property that does not hold.
pub type Target = fn(&[u8]);

/// Every target, by the name of its corpus folder.
pub const TARGETS: &[(&str, Target)] = &[
    ("cjson", cjson_round_trip),
    ("tuf_metadata", tuf_metadata),
    ("intoto_document", intoto_document),
    ("key_file", key_file),
    ("artifact_rules", artifact_rules),
    ("exclude", exclude),
    ("sample_json", sample_json),
    ("gpg_export", gpg_export),
];

/// The strict reader, then the canonical encoder: what parses and encodes must parse back to
/// the same value (unless it holds control characters, which canonical JSON writes raw, as
/// securesystemslib does, and strict JSON refuses).
pub fn cjson_round_trip(data: &[u8]) {
    let Ok(value) = cjson::parse(data) else {
        return;
    };
    if let Ok(canonical) = cjson::encode(&value)
        && !canonical.iter().any(|b| *b < 0x20)
    {
        let again = cjson::parse(&canonical).expect("canonical JSON parses");
        assert_eq!(again, value, "canonical JSON round-trips");
    }
}

/// Each TUF role's model: loading never panics, and what loads keeps the bytes it signed. The
/// client's quick reading of a targets role (its summary, targets checked but not built)
/// accepts exactly what the typed reading accepts, with the same summary, signatures and
/// signed bytes, or the same error.
pub fn tuf_metadata(data: &[u8]) {
    use crate::tuf::metadata::{Metadata, Targets, TargetsSummary};
    if let Ok(metadata) = crate::tuf::AnyMetadata::from_bytes(data) {
        let _ = format!("{metadata:?}");
    }
    let quick = Metadata::<TargetsSummary>::summary_from_bytes(data);
    let full = Metadata::<Targets>::from_bytes(data).map(Metadata::summarize);
    match (quick, full) {
        (Ok(quick), Ok(full)) => {
            assert_eq!(quick.signed, full.signed, "the summaries agree");
            assert_eq!(quick.signatures, full.signatures, "the signatures agree");
            assert_eq!(
                quick.signed_bytes(),
                full.signed_bytes(),
                "the signed bytes agree"
            );
        }
        (Err(quick), Err(full)) => assert_eq!(quick.to_string(), full.to_string()),
        (quick, full) => panic!(
            "the quick reading says {:?}, the typed reading {:?}",
            quick.map(|m| m.signed),
            full.map(|m| m.signed)
        ),
    }
}

/// Layouts, links and statements in either envelope: the fast link reader accepts only what
/// the model accepts, with the same artifacts.
pub fn intoto_document(data: &[u8]) {
    let document = Document::from_bytes(data);
    // What an attestation says is decoded from whatever its predicate holds.
    if let Ok(Document {
        payload: crate::intoto::Payload::Statement(statement),
        ..
    }) = &document
    {
        let decoded = crate::attest::decode(statement);
        assert_eq!(decoded.subjects.len(), statement.subject.len());
    }
    if let Some(evidence) = LinkEvidence::read(data) {
        let Ok(document) = document else {
            panic!("the fast reader accepted a link the model refuses");
        };
        let crate::intoto::Payload::Link(link) = &document.payload else {
            panic!("the fast reader accepted something that is not a link");
        };
        let materials: crate::intoto::artifacts::Artifacts = link
            .materials
            .clone()
            .unwrap_or_default()
            .into_iter()
            .collect();
        assert_eq!(materials, evidence.materials);
        assert_eq!(evidence.signed_bytes, document.signed_bytes());
    }
}

/// Key files of every format, with and without a passphrase.
pub fn key_file(data: &[u8]) {
    let _ = parse_key_bytes(data, None);
    let _ = parse_key_bytes(data, Some("passphrase"));
}

/// Artifact rules as JSON token lists and as text: what parses prints and parses back, as
/// text and as JSON tokens.
pub fn artifact_rules(data: &[u8]) {
    if let Ok(value) = cjson::parse(data)
        && let Ok(rule) = ArtifactRule::from_json(&value)
    {
        let text = rule.to_string();
        assert_eq!(
            ArtifactRule::parse_text(&text).as_ref(),
            Ok(&rule),
            "{text}"
        );
        let json = cjson::parse(rule.to_json().to_string().as_bytes()).expect("tokens are JSON");
        assert_eq!(ArtifactRule::from_json(&json).as_ref(), Ok(&rule), "{text}");
    }
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(rule) = ArtifactRule::parse_text(text)
    {
        let again = rule.to_string();
        assert_eq!(
            ArtifactRule::parse_text(&again).as_ref(),
            Ok(&rule),
            "{again}"
        );
    }
}

/// gitignore-style exclude patterns: every line but the last a pattern, the last a path.
pub fn exclude(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut lines: Vec<&str> = text.lines().collect();
    let Some(path) = lines.pop() else {
        return;
    };
    if let Ok(patterns) = crate::gitignore::GitIgnore::new(&lines) {
        let _ = patterns.is_excluded(path);
    }
}

/// A sample's `sample.json`, as the app reads it.
pub fn sample_json(data: &[u8]) {
    let _ = crate::workspace::parse_sample_spec(data);
}

/// `gpg --export` output, binary or armored.
pub fn gpg_export(data: &[u8]) {
    let _ = crate::crypto::gpg::read_export(data);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::XorShift;

    /// Every target over its seed corpus and over every input that once crashed it
    /// (`fuzz/seeds/<target>`, `fuzz/regressions/<target>`): the fuzzers' findings stay fixed.
    #[test]
    fn every_target_holds_on_its_seeds_and_past_crashes() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
        for (name, target) in TARGETS {
            let mut inputs = 0;
            for folder in ["seeds", "regressions"] {
                let Ok(entries) = std::fs::read_dir(root.join(folder).join(name)) else {
                    continue;
                };
                for entry in entries {
                    let path = entry.unwrap().path();
                    let data = std::fs::read(&path).unwrap();
                    let outcome = std::panic::catch_unwind(|| target(&data));
                    assert!(outcome.is_ok(), "{name} panicked on {}", path.display());
                    // Truncations and single-byte damage of every input, too.
                    for cut in [0, 1, data.len() / 2, data.len().saturating_sub(1)] {
                        target(&data[..cut.min(data.len())]);
                    }
                    for at in (0..data.len()).step_by(data.len().max(64) / 64) {
                        let mut damaged = data.clone();
                        damaged[at] ^= 0x5a;
                        target(&damaged);
                    }
                    inputs += 1;
                }
            }
            assert!(inputs >= 3, "{name} has {inputs} seeds");
        }
    }

    /// How many mutated inputs each target gets on every test run.
    const BRIEF_RUN: usize = 20_000;

    /// A brief blind run of every target on every CI run: seeded random mutations of its
    /// corpus (bit flips, interesting bytes, insertions, deletions, repeats, splices of two
    /// inputs), the same each time. No coverage guidance (that is `fuzz/run.sh`); it keeps every
    /// target's body exercised beyond its fixed inputs. A failure prints the input, to keep
    /// under `fuzz/regressions/<target>`.
    #[test]
    fn every_target_survives_a_brief_blind_run() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
        for (index, (name, target)) in TARGETS.iter().enumerate() {
            let mut corpus: Vec<Vec<u8>> = Vec::new();
            for folder in ["seeds", "regressions"] {
                if let Ok(entries) = std::fs::read_dir(root.join(folder).join(name)) {
                    let mut paths: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
                    paths.sort();
                    corpus.extend(paths.iter().map(|p| std::fs::read(p).unwrap()));
                }
            }
            let mut rng = XorShift(0x9e37_79b9_7f4a_7c15 ^ index as u64);
            for round in 0..BRIEF_RUN {
                let mut data = corpus[rng.below(corpus.len())].clone();
                for _ in 0..=rng.below(4) {
                    let other = &corpus[rng.below(corpus.len())];
                    mutate(&mut data, other, &mut rng);
                }
                let outcome = std::panic::catch_unwind(|| target(&data));
                assert!(
                    outcome.is_ok(),
                    "{name} panicked on mutated input {round}: {}",
                    hex::encode(&data)
                );
            }
        }
    }

    fn mutate(data: &mut Vec<u8>, other: &[u8], rng: &mut XorShift) {
        const INTERESTING: &[u8] = b"\0\xff\x7f\x80\"{}[],:\\-0123456789eE.\n ";
        let at = rng.below(data.len() + 1);
        match rng.below(7) {
            0 if !data.is_empty() => {
                let at = at.min(data.len() - 1);
                data[at] ^= 1 << rng.below(8);
            }
            1 if !data.is_empty() => {
                let at = at.min(data.len() - 1);
                data[at] = INTERESTING[rng.below(INTERESTING.len())];
            }
            2 => data.insert(at, INTERESTING[rng.below(INTERESTING.len())]),
            3 => {
                let end = (at + rng.below(16) + 1).min(data.len());
                data.drain(at.min(end)..end);
            }
            4 => {
                let end = (at + rng.below(32) + 1).min(data.len());
                let piece = data[at.min(end)..end].to_vec();
                let times = rng.below(8) + 1;
                for _ in 0..times {
                    data.splice(at..at, piece.iter().copied());
                }
            }
            5 if !other.is_empty() => {
                let from = rng.below(other.len());
                let end = (from + rng.below(64) + 1).min(other.len());
                data.splice(at..at, other[from..end].iter().copied());
            }
            _ => data.truncate(at),
        }
    }
}
