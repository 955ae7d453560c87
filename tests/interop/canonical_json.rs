//! chainscope's canonical JSON against securesystemslib's `encode_canonical`, byte for byte, on
//! generated documents: nested objects, escapes, control characters, non-NFC text, U+FFFF,
//! astral characters written raw or as surrogate pairs, and 64-bit integer extremes.

use std::fmt::Write as _;

use chainscope::cjson;

use crate::{Rng, reference_lines};

const CHARS: &[char] = &[
    'a',
    'b',
    'Z',
    '0',
    ' ',
    '"',
    '\\',
    '/',
    '\u{0}',
    '\u{1b}',
    '\t',
    '\r',
    '\n',
    '\u{8}',
    '\u{c}',
    '\u{1f}',
    '\u{7f}',
    'é',
    'e',
    '\u{301}',
    'Å',
    'A',
    '\u{30a}',
    'ß',
    '中',
    '\u{2028}',
    '\u{fffe}',
    '\u{ffff}',
    '😀',
    '\u{10ffff}',
    '\u{80}',
    '~',
    '{',
    '}',
    '[',
    ':',
    ',',
];

fn whitespace(rng: &mut Rng, out: &mut String) {
    for _ in 0..rng.below(3) {
        out.push(rng.pick(&[' ', '\n', '\t', '\r']));
    }
}

fn string(rng: &mut Rng, out: &mut String) {
    out.push('"');
    for _ in 0..rng.below(12) {
        let c = rng.pick(CHARS);
        let escape_anyway = rng.below(6) == 0;
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' if !escape_anyway => out.push_str("\\n"),
            '\t' if !escape_anyway => out.push_str("\\t"),
            '\r' if !escape_anyway => out.push_str("\\r"),
            '\u{8}' if !escape_anyway => out.push_str("\\b"),
            '\u{c}' if !escape_anyway => out.push_str("\\f"),
            '/' if escape_anyway => out.push_str("\\/"),
            c if (c as u32) < 0x20 || escape_anyway => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn integer(rng: &mut Rng) -> String {
    match rng.below(8) {
        0 => "0".into(),
        1 => "-0".into(),
        2 => i64::MIN.to_string(),
        3 => i64::MAX.to_string(),
        4 => u64::MAX.to_string(),
        5 => (rng.next_u64() >> rng.below(64)).to_string(),
        6 => format!("-{}", rng.next_u64() >> (1 + rng.below(63))),
        _ => rng.below(1000).to_string(),
    }
}

fn value(rng: &mut Rng, depth: u32, out: &mut String) {
    let kind = if depth >= 5 {
        rng.below(5)
    } else {
        rng.below(7)
    };
    match kind {
        0 => string(rng, out),
        1 => out.push_str(&integer(rng)),
        2 => out.push_str(rng.pick(&["true", "false", "null"])),
        3 | 4 if depth >= 5 => string(rng, out),
        3 | 4 => string(rng, out),
        5 => {
            out.push('[');
            let n = rng.below(5);
            for i in 0..n {
                if i > 0 {
                    out.push(',');
                }
                whitespace(rng, out);
                value(rng, depth + 1, out);
                whitespace(rng, out);
            }
            out.push(']');
        }
        _ => object(rng, depth + 1, out, None),
    }
}

fn object(rng: &mut Rng, depth: u32, out: &mut String, extra: Option<&str>) {
    out.push('{');
    let mut keys: Vec<String> = Vec::new();
    let n = 1 + rng.below(6);
    let mut first = true;
    for _ in 0..n {
        let mut key = String::new();
        string(rng, &mut key);
        // Different spellings can decode to the same key; keep keys unique after decoding.
        let decoded: String = serde_json::from_str(&key).expect("generated key is JSON");
        if keys.contains(&decoded) {
            continue;
        }
        keys.push(decoded);
        if !first {
            out.push(',');
        }
        first = false;
        whitespace(rng, out);
        out.push_str(&key);
        whitespace(rng, out);
        out.push(':');
        whitespace(rng, out);
        value(rng, depth, out);
    }
    if let Some(extra) = extra {
        if !first {
            out.push(',');
        }
        out.push_str(extra);
    }
    out.push('}');
}

/// What a generated document is meant to exercise.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Case {
    Plain,
    /// A float somewhere: both sides must refuse it.
    Float,
    /// An integer beyond 64 bits: Python encodes it; chainscope rejects it by design.
    HugeInteger,
}

fn corpus() -> Vec<(Case, String)> {
    let mut rng = Rng(0x5eed_c0ff_ee15_900d);
    (0..640)
        .map(|i| {
            let case = match i % 20 {
                7 => Case::Float,
                13 => Case::HugeInteger,
                _ => Case::Plain,
            };
            let extra = match case {
                Case::Plain => None,
                Case::Float => Some(rng.pick(&["\"f\":1.5", "\"f\":[1e3]", "\"f\":{\"g\":-0.0}"])),
                Case::HugeInteger => Some(rng.pick(&[
                    "\"n\":18446744073709551616",
                    "\"n\":[-9223372036854775809]",
                    "\"n\":123456789012345678901234567890",
                ])),
            };
            let mut text = String::new();
            object(&mut rng, 0, &mut text, extra);
            (case, text)
        })
        .collect()
}

#[test]
fn canonical_json_is_byte_identical_to_securesystemslib() {
    let docs = corpus();
    // One document per line: newlines inside the documents are JSON whitespace or escapes.
    let lines: Vec<String> = docs
        .iter()
        .map(|(_, text)| text.replace(['\n', '\r'], " "))
        .collect();
    let answers = reference_lines("cjson", &lines);

    let mut identical = 0;
    for ((case, _), (line, answer)) in docs.iter().zip(lines.iter().zip(&answers)) {
        let ours = cjson::parse(line.as_bytes())
            .map_err(|e| e.to_string())
            .and_then(|v| cjson::encode(&v).map_err(|e| e.to_string()));
        match case {
            Case::Plain => {
                let expected = hex::decode(
                    answer
                        .strip_prefix("ok ")
                        .unwrap_or_else(|| panic!("reference refused {line}: {answer}")),
                )
                .unwrap();
                let ours = ours.unwrap_or_else(|e| panic!("chainscope refused {line}: {e}"));
                assert_eq!(
                    String::from_utf8_lossy(&ours),
                    String::from_utf8_lossy(&expected),
                    "document: {line}"
                );
                identical += 1;
            }
            Case::Float => {
                assert_eq!(answer, "error FormatError", "reference on {line}");
                let error = ours.expect_err("a float must not be encoded");
                assert!(
                    error.contains("floating-point number") && error.contains("$.f"),
                    "{error}"
                );
            }
            Case::HugeInteger => {
                assert!(answer.starts_with("ok "), "reference on {line}: {answer}");
                let error = ours.expect_err("an integer beyond 64 bits must be rejected");
                assert!(
                    error.contains("does not fit in 64 bits") && error.contains("$.n"),
                    "{error}"
                );
            }
        }
    }
    assert!(
        identical >= 500,
        "only {identical} documents compared byte for byte"
    );
}
