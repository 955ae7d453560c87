//! Artifact rule parsing against in-toto's own `rulelib.unpack_rule`: the same rules accepted,
//! the same fields read, on random token arrays built around the valid shapes. No input panics.

use chainscope::intoto::ArtifactRule;
use serde_json::{Value, json};

use crate::{Rng, reference_lines};

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
    let lines: Vec<String> = rules.iter().map(Value::to_string).collect();
    let answers = reference_lines("rules", &lines);

    let (mut accepted, mut refused) = (0, 0);
    for (rule, answer) in rules.iter().zip(&answers) {
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
            3 => json!(rng.next_u64()),
            _ => random_rule(&mut rng),
        };
        let _ = ArtifactRule::from_json(&value);
    }
}

/// Our fnmatch against Python's on random names and patterns over the characters that matter.
#[test]
fn fnmatch_agrees_with_python() {
    const PATTERN_CHARS: &[&str] = &[
        "*", "?", "[", "]", "!", "-", "a", "b", "z", "/", ".", "^", "\\", "\n", "é", "**", "[a-c]",
        "[!a]", "[]]", "[z-a]",
    ];
    const NAME_CHARS: &[&str] = &[
        "a", "b", "c", "z", "/", ".", "-", "]", "[", "!", "^", "\\", "\n", "é", "x",
    ];
    let mut rng = Rng(0x0f17_a7c4_0000_0001);
    let mut cases = Vec::new();
    for _ in 0..4000 {
        let pattern: String = (0..rng.below(6))
            .map(|_| PATTERN_CHARS[rng.below(PATTERN_CHARS.len())])
            .collect();
        let name: String = if rng.below(2) == 0 {
            // Instantiate the pattern so that many names match it.
            pattern
                .chars()
                .map(|c| match c {
                    '*' => (0..rng.below(3))
                        .map(|_| NAME_CHARS[rng.below(NAME_CHARS.len())])
                        .collect(),
                    '?' => NAME_CHARS[rng.below(NAME_CHARS.len())].to_owned(),
                    other => other.to_string(),
                })
                .collect()
        } else {
            (0..rng.below(7))
                .map(|_| NAME_CHARS[rng.below(NAME_CHARS.len())])
                .collect()
        };
        cases.push((name, pattern));
    }
    let lines: Vec<String> = cases
        .iter()
        .map(|c| json!([c.0, c.1]).to_string())
        .collect();
    let answers = reference_lines("fnmatch", &lines);
    let mut matched = 0;
    for ((name, pattern), answer) in cases.iter().zip(&answers) {
        let ours = chainscope::fnmatch::fnmatch(name, pattern);
        assert_eq!(ours, answer == "1", "fnmatch({name:?}, {pattern:?})");
        matched += usize::from(ours);
    }
    assert!(
        matched > 1000 && matched < 3000,
        "a useful mix of matches: {matched} of 4000"
    );
}

/// The rule engine against in-toto's own `verify_item_rules`: the queue after every rule and
/// the failure message agree on random rule lists, artifacts and destination links.
#[test]
fn rule_engine_agrees_with_in_toto() {
    use chainscope::intoto::artifact_rules::{Artifacts, Recorded, apply_rules};
    use chainscope::trace::RuleList;
    use std::collections::BTreeMap;

    const PATHS: &[&str] = &[
        "a.py",
        "b.py",
        "src/a.py",
        "src/b.py",
        "dist/a.py",
        "README",
        "evil.sh",
    ];
    const PATTERNS: &[&str] = &[
        "*", "*.py", "src/*", "a.py", "README", "*.sh", "[ab].py", "?EADME", "dist/*",
    ];
    let mut rng = Rng(0x5eed_0000_7e57_0001);
    let random_artifacts = |rng: &mut Rng| -> Value {
        let mut map = serde_json::Map::new();
        for path in PATHS {
            if rng.below(2) == 0 {
                map.insert(
                    (*path).to_owned(),
                    json!({ "sha256": (["01", "02"][rng.below(2)]) }),
                );
            }
        }
        Value::Object(map)
    };
    let mut cases = Vec::new();
    for _ in 0..2000 {
        let mut rules = Vec::new();
        for _ in 0..1 + rng.below(5) {
            let pattern = PATTERNS[rng.below(PATTERNS.len())];
            let rule: Vec<&str> = match rng.below(8) {
                0 => vec!["CREATE", pattern],
                1 => vec!["DELETE", pattern],
                2 => vec!["MODIFY", pattern],
                3 => vec!["ALLOW", pattern],
                4 => vec!["DISALLOW", pattern],
                5 => vec!["REQUIRE", PATHS[rng.below(PATHS.len())]],
                _ => {
                    let mut rule = vec!["MATCH", pattern];
                    if rng.below(3) == 0 {
                        rule.extend(["IN", ["src", "dist/", "src/"][rng.below(3)]]);
                    }
                    rule.extend(["WITH", ["MATERIALS", "PRODUCTS"][rng.below(2)]]);
                    if rng.below(3) == 0 {
                        rule.extend(["IN", ["src", "dist"][rng.below(2)]]);
                    }
                    rule.extend(["FROM", ["build", "missing"][rng.below(2)]]);
                    rule
                }
            };
            rules.push(rule);
        }
        let own = json!({"materials": random_artifacts(&mut rng), "products": random_artifacts(&mut rng)});
        let build = json!({"materials": random_artifacts(&mut rng), "products": random_artifacts(&mut rng)});
        let list = ["materials", "products"][rng.below(2)];
        cases.push(json!({"name": "step", "list": list, "rules": rules, "links": {"step": own, "build": build}}));
    }
    let lines: Vec<String> = cases.iter().map(Value::to_string).collect();
    let answers = reference_lines("item-rules", &lines);

    let to_artifacts =
        |value: &Value| -> Artifacts { serde_json::from_value(value.clone()).unwrap() };
    let (mut failed, mut passed) = (0, 0);
    for (case, answer) in cases.iter().zip(&answers) {
        let answer: Value = serde_json::from_str(answer).unwrap();
        let (own_m, own_p) = (
            to_artifacts(&case["links"]["step"]["materials"]),
            to_artifacts(&case["links"]["step"]["products"]),
        );
        let (build_m, build_p) = (
            to_artifacts(&case["links"]["build"]["materials"]),
            to_artifacts(&case["links"]["build"]["products"]),
        );
        let own = Recorded {
            materials: &own_m,
            products: &own_p,
        };
        let links: BTreeMap<String, Recorded<'_>> = [
            ("step".to_owned(), own),
            (
                "build".to_owned(),
                Recorded {
                    materials: &build_m,
                    products: &build_p,
                },
            ),
        ]
        .into();
        let rules: Vec<ArtifactRule> = case["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| ArtifactRule::from_json(r).unwrap())
            .collect();
        let list = if case["list"] == "materials" {
            RuleList::ExpectedMaterials
        } else {
            RuleList::ExpectedProducts
        };
        let outcomes = apply_rules(&rules, list, own, &links);

        let their_queues = answer["queues"].as_array().unwrap();
        let passed_rules: Vec<_> = outcomes.iter().filter(|o| o.failure.is_none()).collect();
        assert_eq!(passed_rules.len(), their_queues.len(), "case {case}");
        for (outcome, theirs) in passed_rules.iter().zip(their_queues) {
            let after: Vec<&str> = outcome
                .queue_before
                .iter()
                .copied()
                .filter(|p| !outcome.consumed.contains(p))
                .collect();
            let theirs: Vec<&str> = theirs
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p.as_str().unwrap())
                .collect();
            assert_eq!(
                after, theirs,
                "queue after rule {} in case {case}",
                outcome.index
            );
        }
        match (
            outcomes.last().and_then(|o| o.failure.as_ref()),
            answer["error"].as_str(),
        ) {
            (Some(ours), Some(theirs)) => {
                assert_eq!(ours.message(), theirs, "case {case}");
                failed += 1;
            }
            (None, None) => passed += 1,
            (ours, theirs) => panic!("case {case}: chainscope {ours:?}, in-toto {theirs:?}"),
        }
    }
    assert!(
        failed > 300 && passed > 300,
        "{failed} failing and {passed} passing cases"
    );
}

/// in-toto's exclude patterns (pathspec's gitwildmatch) against pathspec itself, on random
/// pattern lists and paths over the characters that matter.
#[test]
fn gitignore_excludes_agree_with_pathspec() {
    let mut rng = Rng(0x6769_7469_676e_6f72);
    let pieces = [
        "a", "b", "ab", ".git", "x.link", "*", "**", "?", "[a-c]", "[!b]", "[]a]", "/", "!", "\\",
        ".", " ", "#", "c.txt", "*.txt", "[", "-", "**/",
    ];
    let segments = [
        "a", "b", "ab", ".git", "c.txt", "x.link", "d.pyc", "[a]", "#x", " s", "a b", "é",
    ];
    let mut cases = Vec::new();
    let mut lines = Vec::new();
    for _ in 0..2500 {
        let patterns: Vec<String> = (0..1 + rng.below(3))
            .map(|_| {
                (0..1 + rng.below(4))
                    .map(|_| rng.pick(&pieces))
                    .collect::<String>()
            })
            .collect();
        let paths: Vec<String> = (0..6)
            .map(|_| {
                (0..1 + rng.below(4))
                    .map(|_| rng.pick(&segments))
                    .collect::<Vec<_>>()
                    .join("/")
            })
            .collect();
        lines.push(serde_json::json!([patterns, paths]).to_string());
        cases.push((patterns, paths));
    }
    let answers = reference_lines("gitignore", &lines);
    for ((patterns, paths), answer) in cases.iter().zip(&answers) {
        match chainscope::gitignore::GitIgnore::new(patterns) {
            Err(e) => assert_eq!(
                answer, "error",
                "{patterns:?}: we refuse ({e}), pathspec does not"
            ),
            Ok(spec) => {
                assert_ne!(answer, "error", "{patterns:?}: pathspec refuses, we do not");
                let ours: String = paths
                    .iter()
                    .map(|p| if spec.is_excluded(p) { '1' } else { '0' })
                    .collect();
                assert_eq!(&ours, answer, "patterns {patterns:?} on paths {paths:?}");
            }
        }
    }
}
