//! Artifact rule parsing against in-toto's own `rulelib.unpack_rule`: the same rules accepted,
//! the same fields read, on random token arrays built around the valid shapes. No input panics.

use chainscope::intoto::ArtifactRule;
use serde_json::{Value, json};

use crate::{path_str, reference, temp_dir};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const SHAPES: &[&[&str]] = &[
    &["MATCH", "P", "WITH", "K", "FROM", "S"],
    &["MATCH", "P", "IN", "V", "WITH", "K", "FROM", "S"],
    &["MATCH", "P", "WITH", "K", "IN", "V", "FROM", "S"],
    &["MATCH", "P", "IN", "V", "WITH", "K", "IN", "V", "FROM", "S"],
    &["CREATE", "P"],
    &["DELETE", "P"],
    &["MODIFY", "P"],
    &["ALLOW", "P"],
    &["DISALLOW", "P"],
    &["REQUIRE", "P"],
];
const WORDS: &[&str] = &[
    "match",
    "Match",
    "MATCH",
    "in",
    "In",
    "with",
    "WITH",
    "from",
    "From",
    "materials",
    "PRODUCTS",
    "Products",
    "material",
    "create",
    "Require",
    "disallow",
    "*",
    "",
    "src/",
    "a b",
    "foo.py",
    "IN",
];
const VALUES: &[&str] = &[
    "*",
    "",
    "src/*.c",
    "with",
    "IN",
    "dist/",
    "build",
    "Ünïcode",
    "a b",
];

fn randomise(rng: &mut Rng, token: &str) -> String {
    match token {
        "P" | "V" | "S" => VALUES[rng.below(VALUES.len())].to_owned(),
        "K" => ["MATERIALS", "products", "Materials", "PRODUCTS"][rng.below(4)].to_owned(),
        keyword if rng.below(3) == 0 => keyword.to_ascii_lowercase(),
        keyword => keyword.to_owned(),
    }
}

fn random_rule(rng: &mut Rng) -> Value {
    let shape = SHAPES[rng.below(SHAPES.len())];
    let mut tokens: Vec<Value> = shape.iter().map(|t| json!(randomise(rng, t))).collect();
    for _ in 0..rng.below(3) {
        let word = json!(WORDS[rng.below(WORDS.len())]);
        match rng.below(6) {
            0 if !tokens.is_empty() => {
                let at = rng.below(tokens.len());
                tokens.remove(at);
            }
            1 => {
                let at = rng.below(tokens.len() + 1);
                tokens.insert(at, word);
            }
            2 if !tokens.is_empty() => {
                let at = rng.below(tokens.len());
                tokens[at] = word;
            }
            3 if !tokens.is_empty() && rng.below(4) == 0 => {
                let at = rng.below(tokens.len());
                tokens[at] = [json!(7), json!(null), json!(["x"])][rng.below(3)].clone();
            }
            _ => {}
        }
    }
    Value::Array(tokens)
}

#[test]
fn rules_are_accepted_and_read_exactly_as_in_toto_does() {
    let mut rng = Rng(0x00c0_ffee_d00d_f00d);
    let rules: Vec<Value> = (0..3000).map(|_| random_rule(&mut rng)).collect();
    let dir = temp_dir();
    let input = dir.path().join("rules.jsonl");
    let output = dir.path().join("unpacked.txt");
    let lines: Vec<String> = rules.iter().map(Value::to_string).collect();
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();
    reference(&["rules", path_str(&input), path_str(&output)]);
    let answers = std::fs::read_to_string(&output).unwrap();

    let (mut accepted, mut refused) = (0, 0);
    for (rule, answer) in rules.iter().zip(answers.lines()) {
        let ours = ArtifactRule::from_json(rule);
        match (answer.strip_prefix("ok "), ours) {
            (None, Err(_)) => refused += 1,
            (Some(theirs), Ok(ours)) => {
                accepted += 1;
                let theirs: Value = serde_json::from_str(theirs).unwrap();
                let mut expected = json!({"rule_type": ours.to_tokens()[0].to_ascii_lowercase(), "pattern": ours.pattern()});
                if let ArtifactRule::Match(m) = &ours {
                    expected["source_prefix"] = json!(m.source_prefix.clone().unwrap_or_default());
                    expected["dest_prefix"] =
                        json!(m.destination_prefix.clone().unwrap_or_default());
                    expected["dest_type"] = json!(m.kind.keyword().to_ascii_lowercase());
                    expected["dest_name"] = json!(m.step);
                }
                assert_eq!(theirs, expected, "rule {rule}");
                assert_eq!(
                    ArtifactRule::parse(&ours.to_tokens()),
                    Ok(ours.clone()),
                    "round trip of {rule}"
                );
            }
            (Some(_), Err(error)) => panic!("in-toto accepts {rule}, chainscope refuses: {error}"),
            (None, Ok(ours)) => panic!("in-toto refuses {rule}, chainscope accepts it as {ours}"),
        }
    }
    assert!(
        accepted > 500 && refused > 500,
        "a useful mix: {accepted} accepted, {refused} refused"
    );
}

#[test]
fn random_json_never_panics_the_rule_parser() {
    let mut rng = Rng(42);
    for _ in 0..5000 {
        let value = match rng.below(5) {
            0 => json!(WORDS[rng.below(WORDS.len())]),
            1 => json!({"rule": random_rule(&mut rng)}),
            2 => json!([random_rule(&mut rng)]),
            3 => json!(rng.next()),
            _ => random_rule(&mut rng),
        };
        let _ = ArtifactRule::from_json(&value);
    }
}
