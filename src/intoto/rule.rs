//! Artifact rules, typed. A rule is stored in a layout as an array of strings; this parses the
//! forms in-toto's `rulelib.unpack_rule` accepts (keywords in any case, values kept as written)
//! and prints them back:
//!
//! ```text
//! MATCH <pattern> [IN <source-path-prefix>] WITH (MATERIALS|PRODUCTS) [IN <destination-path-prefix>] FROM <step>
//! CREATE <pattern> | DELETE <pattern> | MODIFY <pattern> | ALLOW <pattern> | DISALLOW <pattern> | REQUIRE <file>
//! ```

use std::fmt;

use serde_json::Value;

/// Which list of another step's link a MATCH rule looks into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ArtifactKind {
    Materials,
    Products,
}

impl ArtifactKind {
    pub fn keyword(self) -> &'static str {
        match self {
            ArtifactKind::Materials => "MATERIALS",
            ArtifactKind::Products => "PRODUCTS",
        }
    }
}

/// `MATCH <pattern> [IN <src>] WITH <kind> [IN <dst>] FROM <step>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MatchRule {
    pub pattern: String,
    /// `IN <prefix>` after the pattern; `Some("")` when written as an explicit empty prefix.
    pub source_prefix: Option<String>,
    pub kind: ArtifactKind,
    pub destination_prefix: Option<String>,
    pub step: String,
}

/// One artifact rule.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ArtifactRule {
    Match(MatchRule),
    /// Consumes products not among the materials (nothing in a materials list).
    Create(String),
    /// Consumes materials not among the products (nothing in a products list).
    Delete(String),
    /// Consumes artifacts in both lists whose hashes differ.
    Modify(String),
    Allow(String),
    /// Fails when the pattern matches anything still queued.
    Disallow(String),
    /// Fails when this exact name is not queued. A name, not a pattern.
    Require(String),
}

/// A rule that is not one of the forms above: which token is wrong and what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("rule {rule}: {problem}")]
pub struct RuleParseError {
    /// The rule as written, for the message.
    pub rule: String,
    /// Position (0-based) of the offending token; the rule's length when a token is missing.
    pub token: usize,
    pub problem: String,
}

const KEYWORDS: &str = "MATCH, CREATE, DELETE, MODIFY, ALLOW, DISALLOW, REQUIRE";

impl ArtifactRule {
    /// Parses a rule from a JSON value as found in a layout (an array of strings).
    pub fn from_json(value: &Value) -> Result<ArtifactRule, RuleParseError> {
        let items = value.as_array().ok_or_else(|| RuleParseError {
            rule: value.to_string(),
            token: 0,
            problem: "a rule is a list of strings".into(),
        })?;
        let mut tokens = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            match item.as_str() {
                Some(text) => tokens.push(text.to_owned()),
                None => {
                    return Err(RuleParseError {
                        rule: value.to_string(),
                        token: index,
                        problem: format!("token {} ({item}) is not a string", index + 1),
                    });
                }
            }
        }
        ArtifactRule::parse(&tokens)
    }

    /// Parses a rule written as text, the way [`ArtifactRule`]'s `Display` writes one: tokens
    /// separated by whitespace, a token that is empty or holds whitespace or `"` written as a
    /// JSON string (`CREATE "release notes.txt"`). What `Display` prints parses back to the
    /// same rule.
    pub fn parse_text(text: &str) -> Result<ArtifactRule, RuleParseError> {
        let error = |token: usize, problem: String| RuleParseError {
            rule: text.to_owned(),
            token,
            problem,
        };
        let mut tokens: Vec<String> = Vec::new();
        let mut rest = text.trim_start();
        while !rest.is_empty() {
            let position = tokens.len();
            if rest.starts_with('"') {
                let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<String>();
                let token = match stream.next() {
                    Some(Ok(token)) => token,
                    _ => {
                        return Err(error(
                            position,
                            format!(
                                "token {} is a quoted string that does not end, or holds a bad escape",
                                position + 1
                            ),
                        ));
                    }
                };
                let after = &rest[stream.byte_offset()..];
                if after.chars().next().is_some_and(|c| !c.is_whitespace()) {
                    return Err(error(
                        position,
                        format!(
                            "token {} has text right after its closing quote",
                            position + 1
                        ),
                    ));
                }
                tokens.push(token);
                rest = after.trim_start();
            } else {
                let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
                tokens.push(rest[..end].to_owned());
                rest = rest[end..].trim_start();
            }
        }
        ArtifactRule::parse(&tokens)
    }

    /// Parses a rule from its tokens.
    pub fn parse<S: AsRef<str>>(tokens: &[S]) -> Result<ArtifactRule, RuleParseError> {
        let tokens: Vec<&str> = tokens.iter().map(AsRef::as_ref).collect();
        let error = |token: usize, problem: String| RuleParseError {
            rule: display_tokens(&tokens),
            token,
            problem,
        };
        let Some(first) = tokens.first() else {
            return Err(error(
                0,
                format!("the rule is empty; expected one of {KEYWORDS}"),
            ));
        };
        let keyword = first.to_ascii_lowercase();
        let generic: Option<fn(String) -> ArtifactRule> = match keyword.as_str() {
            "create" => Some(ArtifactRule::Create),
            "delete" => Some(ArtifactRule::Delete),
            "modify" => Some(ArtifactRule::Modify),
            "allow" => Some(ArtifactRule::Allow),
            "disallow" => Some(ArtifactRule::Disallow),
            "require" => Some(ArtifactRule::Require),
            "match" => None,
            _ => {
                return Err(error(
                    0,
                    format!(
                        "token 1 \"{first}\" is not a rule keyword; expected one of {KEYWORDS}"
                    ),
                ));
            }
        };
        let upper = keyword.to_ascii_uppercase();
        let Some(pattern) = tokens.get(1) else {
            let what = if keyword == "require" {
                "a file name"
            } else {
                "a pattern"
            };
            return Err(error(
                1,
                format!("{upper} needs {what} after it, but the rule ends"),
            ));
        };
        if let Some(make) = generic {
            if tokens.len() > 2 {
                return Err(error(
                    2,
                    format!(
                        "token 3 \"{}\" is one too many: {upper} takes exactly one {}",
                        tokens[2],
                        if keyword == "require" {
                            "file name"
                        } else {
                            "pattern"
                        }
                    ),
                ));
            }
            return Ok(make((*pattern).to_owned()));
        }
        MatchParser {
            tokens: &tokens,
            pos: 2,
            error: &error,
        }
        .parse(pattern)
    }

    /// The rule as in-toto stores it, keywords in capitals.
    pub fn to_tokens(&self) -> Vec<String> {
        let generic = |keyword: &str, pattern: &str| vec![keyword.to_owned(), pattern.to_owned()];
        match self {
            ArtifactRule::Create(p) => generic("CREATE", p),
            ArtifactRule::Delete(p) => generic("DELETE", p),
            ArtifactRule::Modify(p) => generic("MODIFY", p),
            ArtifactRule::Allow(p) => generic("ALLOW", p),
            ArtifactRule::Disallow(p) => generic("DISALLOW", p),
            ArtifactRule::Require(p) => generic("REQUIRE", p),
            ArtifactRule::Match(m) => {
                let mut tokens = vec!["MATCH".to_owned(), m.pattern.clone()];
                if let Some(prefix) = &m.source_prefix {
                    tokens.extend(["IN".to_owned(), prefix.clone()]);
                }
                tokens.extend(["WITH".to_owned(), m.kind.keyword().to_owned()]);
                if let Some(prefix) = &m.destination_prefix {
                    tokens.extend(["IN".to_owned(), prefix.clone()]);
                }
                tokens.extend(["FROM".to_owned(), m.step.clone()]);
                tokens
            }
        }
    }

    pub fn to_json(&self) -> Value {
        Value::Array(self.to_tokens().into_iter().map(Value::String).collect())
    }

    /// The rule's pattern (REQUIRE: its file name).
    pub fn pattern(&self) -> &str {
        match self {
            ArtifactRule::Match(m) => &m.pattern,
            ArtifactRule::Create(p)
            | ArtifactRule::Delete(p)
            | ArtifactRule::Modify(p)
            | ArtifactRule::Allow(p)
            | ArtifactRule::Disallow(p)
            | ArtifactRule::Require(p) => p,
        }
    }
}

impl fmt::Display for ArtifactRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&display_tokens(&self.to_tokens()))
    }
}

/// Tokens joined by spaces, as in-toto's messages show rules (`MATCH * WITH PRODUCTS FROM build`);
/// tokens that are empty or hold spaces are quoted so the boundary stays visible.
fn display_tokens<S: AsRef<str>>(tokens: &[S]) -> String {
    tokens
        .iter()
        .map(|t| {
            let t = t.as_ref();
            if t.is_empty() || t.contains(char::is_whitespace) || t.contains('"') {
                Value::String(t.to_owned()).to_string()
            } else {
                t.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

struct MatchParser<'a, E> {
    tokens: &'a [&'a str],
    pos: usize,
    error: &'a E,
}

impl<'a, E: Fn(usize, String) -> RuleParseError> MatchParser<'a, E> {
    fn next(&mut self, what: &str) -> Result<&'a str, RuleParseError> {
        let token = self.tokens.get(self.pos).copied().ok_or_else(|| {
            (self.error)(
                self.pos,
                format!(
                    "expected {what} after token {}, but the rule ends",
                    self.pos
                ),
            )
        })?;
        self.pos += 1;
        Ok(token)
    }

    fn wrong(&self, token: &str, what: &str) -> RuleParseError {
        (self.error)(
            self.pos - 1,
            format!("token {} \"{token}\" should be {what}", self.pos),
        )
    }

    /// `[IN <prefix>] <keyword>`: the prefix if there is one, with the keyword consumed.
    fn optional_prefix(
        &mut self,
        prefix: &str,
        keyword: &str,
    ) -> Result<Option<String>, RuleParseError> {
        let either = format!("IN or {keyword}");
        let token = self.next(&either)?;
        if token.eq_ignore_ascii_case("in") {
            let value = self.next(prefix)?.to_owned();
            let token = self.next(keyword)?;
            if !token.eq_ignore_ascii_case(keyword) {
                return Err(self.wrong(token, keyword));
            }
            Ok(Some(value))
        } else if token.eq_ignore_ascii_case(keyword) {
            Ok(None)
        } else {
            Err(self.wrong(token, &either))
        }
    }

    fn parse(mut self, pattern: &str) -> Result<ArtifactRule, RuleParseError> {
        let source_prefix = self.optional_prefix("a source path prefix", "WITH")?;
        let kind_token = self.next("MATERIALS or PRODUCTS")?;
        let kind = if kind_token.eq_ignore_ascii_case("materials") {
            ArtifactKind::Materials
        } else if kind_token.eq_ignore_ascii_case("products") {
            ArtifactKind::Products
        } else {
            return Err(self.wrong(kind_token, "MATERIALS or PRODUCTS"));
        };
        let destination_prefix = self.optional_prefix("a destination path prefix", "FROM")?;
        let step = self.next("a step name")?.to_owned();
        if let Some(extra) = self.tokens.get(self.pos) {
            return Err((self.error)(
                self.pos,
                format!(
                    "token {} \"{extra}\" is one too many: the step name ends a MATCH rule",
                    self.pos + 1
                ),
            ));
        }
        Ok(ArtifactRule::Match(MatchRule {
            pattern: pattern.to_owned(),
            source_prefix,
            kind,
            destination_prefix,
            step,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text form round-trips patterns with spaces, quotes and nothing in them (the fuzzer
    /// found `MODIFY " b"` printed in a form the whitespace split could not read back).
    #[test]
    fn the_text_form_reads_back_what_display_writes() {
        for rule in [
            ArtifactRule::Modify(" b".into()),
            ArtifactRule::Create("release notes.txt".into()),
            ArtifactRule::Allow(String::new()),
            ArtifactRule::Disallow("say \"hi\"".into()),
            ArtifactRule::parse(&[
                "MATCH", "a b/*", "IN", "src dir", "WITH", "PRODUCTS", "FROM", "build",
            ])
            .unwrap(),
        ] {
            let text = rule.to_string();
            assert_eq!(ArtifactRule::parse_text(&text), Ok(rule), "{text}");
        }
        assert_eq!(
            ArtifactRule::parse_text("  CREATE   foo.py "),
            Ok(ArtifactRule::Create("foo.py".into()))
        );
        let open = ArtifactRule::parse_text("CREATE \"foo").unwrap_err();
        assert_eq!(open.token, 1);
        assert!(open.problem.contains("does not end"), "{}", open.problem);
        let glued = ArtifactRule::parse_text("CREATE \"a\"b").unwrap_err();
        assert!(
            glued.problem.contains("right after its closing quote"),
            "{}",
            glued.problem
        );
    }

    fn tokens(text: &str) -> Vec<&str> {
        if text.is_empty() {
            Vec::new()
        } else {
            text.split(' ').collect()
        }
    }

    #[test]
    fn every_form_round_trips() {
        for text in [
            "CREATE foo.py",
            "DELETE *.o",
            "MODIFY src/*",
            "ALLOW *",
            "DISALLOW *",
            "REQUIRE Makefile",
            "MATCH * WITH PRODUCTS FROM build",
            "MATCH * IN src WITH MATERIALS FROM clone",
            "MATCH * WITH PRODUCTS IN dist FROM build",
            "MATCH foo-*.tar.gz IN out WITH PRODUCTS IN pkg FROM package",
        ] {
            let rule = ArtifactRule::parse(&tokens(text)).unwrap();
            assert_eq!(rule.to_tokens(), tokens(text), "{text}");
            assert_eq!(rule.to_string(), text);
            assert_eq!(ArtifactRule::from_json(&rule.to_json()).unwrap(), rule);
        }
    }

    #[test]
    fn keywords_in_any_case_values_as_written() {
        let rule = ArtifactRule::parse(&tokens(
            "match Src/* in Lib with products In Out from Build",
        ))
        .unwrap();
        assert_eq!(
            rule,
            ArtifactRule::Match(MatchRule {
                pattern: "Src/*".into(),
                source_prefix: Some("Lib".into()),
                kind: ArtifactKind::Products,
                destination_prefix: Some("Out".into()),
                step: "Build".into(),
            })
        );
        assert_eq!(
            rule.to_string(),
            "MATCH Src/* IN Lib WITH PRODUCTS IN Out FROM Build"
        );
        // Positions decide, as in in-toto: a pattern or prefix may be spelled like a keyword.
        let odd = ArtifactRule::parse(&[
            "MATCH",
            "in",
            "IN",
            "with",
            "WITH",
            "MATERIALS",
            "FROM",
            "from",
        ])
        .unwrap();
        assert_eq!(
            odd.to_tokens(),
            [
                "MATCH",
                "in",
                "IN",
                "with",
                "WITH",
                "MATERIALS",
                "FROM",
                "from"
            ]
        );
        assert_eq!(
            ArtifactRule::parse(&["MATCH", "x", "IN", "", "WITH", "PRODUCTS", "FROM", "s"])
                .unwrap()
                .to_string(),
            "MATCH x IN \"\" WITH PRODUCTS FROM s"
        );
    }

    /// At least 30 malformed forms, each with the token it blames and what it says.
    #[test]
    fn malformed_rules_name_the_token_and_the_expectation() {
        let cases: &[(&[&str], usize, &str)] = &[
            (&[], 0, "the rule is empty; expected one of MATCH"),
            (
                &["CREAT", "x"],
                0,
                "token 1 \"CREAT\" is not a rule keyword",
            ),
            (
                &["MATCHES", "x"],
                0,
                "token 1 \"MATCHES\" is not a rule keyword",
            ),
            (&["", "x"], 0, "token 1 \"\" is not a rule keyword"),
            (&["*"], 0, "token 1 \"*\" is not a rule keyword"),
            (
                &["CREATE"],
                1,
                "CREATE needs a pattern after it, but the rule ends",
            ),
            (&["delete"], 1, "DELETE needs a pattern"),
            (&["MODIFY"], 1, "MODIFY needs a pattern"),
            (&["ALLOW"], 1, "ALLOW needs a pattern"),
            (&["DISALLOW"], 1, "DISALLOW needs a pattern"),
            (&["REQUIRE"], 1, "REQUIRE needs a file name after it"),
            (&["MATCH"], 1, "MATCH needs a pattern"),
            (
                &["CREATE", "a", "b"],
                2,
                "token 3 \"b\" is one too many: CREATE takes exactly one pattern",
            ),
            (
                &["ALLOW", "a", "IN", "b"],
                2,
                "ALLOW takes exactly one pattern",
            ),
            (
                &["DISALLOW", "*", "*"],
                2,
                "DISALLOW takes exactly one pattern",
            ),
            (
                &["REQUIRE", "a", "b"],
                2,
                "REQUIRE takes exactly one file name",
            ),
            (
                &["MATCH", "*"],
                2,
                "expected IN or WITH after token 2, but the rule ends",
            ),
            (
                &["MATCH", "*", "FROM", "x"],
                2,
                "token 3 \"FROM\" should be IN or WITH",
            ),
            (
                &["MATCH", "*", "WIHT", "PRODUCTS", "FROM", "x"],
                2,
                "token 3 \"WIHT\" should be IN or WITH",
            ),
            (
                &["MATCH", "*", "IN"],
                3,
                "expected a source path prefix after token 3",
            ),
            (
                &["MATCH", "*", "IN", "src"],
                4,
                "expected WITH after token 4",
            ),
            (
                &["MATCH", "*", "IN", "src", "FROM", "x"],
                4,
                "token 5 \"FROM\" should be WITH",
            ),
            (
                &["MATCH", "*", "IN", "src", "IN", "x"],
                4,
                "token 5 \"IN\" should be WITH",
            ),
            (
                &["MATCH", "*", "WITH"],
                3,
                "expected MATERIALS or PRODUCTS after token 3",
            ),
            (
                &["MATCH", "*", "WITH", "ARTIFACTS", "FROM", "x"],
                3,
                "token 4 \"ARTIFACTS\" should be MATERIALS or PRODUCTS",
            ),
            (
                &["MATCH", "*", "WITH", "PRODUCT", "FROM", "x"],
                3,
                "token 4 \"PRODUCT\" should be MATERIALS or PRODUCTS",
            ),
            (
                &["MATCH", "*", "WITH", "PRODUCTS"],
                4,
                "expected IN or FROM after token 4",
            ),
            (
                &["MATCH", "*", "WITH", "PRODUCTS", "TO", "x"],
                4,
                "token 5 \"TO\" should be IN or FROM",
            ),
            (
                &["MATCH", "*", "WITH", "PRODUCTS", "IN"],
                5,
                "expected a destination path prefix",
            ),
            (
                &["MATCH", "*", "WITH", "PRODUCTS", "IN", "dst"],
                6,
                "expected FROM after token 6",
            ),
            (
                &["MATCH", "*", "WITH", "PRODUCTS", "IN", "dst", "WITH", "x"],
                6,
                "token 7 \"WITH\" should be FROM",
            ),
            (
                &["MATCH", "*", "WITH", "PRODUCTS", "FROM"],
                5,
                "expected a step name after token 5",
            ),
            (
                &["MATCH", "*", "WITH", "PRODUCTS", "FROM", "a", "b"],
                6,
                "token 7 \"b\" is one too many",
            ),
            (
                &[
                    "MATCH",
                    "*",
                    "IN",
                    "s",
                    "WITH",
                    "MATERIALS",
                    "IN",
                    "d",
                    "FROM",
                    "a",
                    "FROM",
                ],
                10,
                "token 11 \"FROM\" is one too many",
            ),
            (
                &[
                    "MATCH", "*", "IN", "s", "IN", "t", "WITH", "PRODUCTS", "FROM", "a",
                ],
                4,
                "should be WITH",
            ),
        ];
        assert!(cases.len() >= 30);
        for (rule, token, message) in cases {
            let error = ArtifactRule::parse(rule).expect_err(&format!("{rule:?} must not parse"));
            assert_eq!(error.token, *token, "{rule:?}: {error}");
            assert!(error.problem.contains(message), "{rule:?}: {error}");
        }
        let not_strings = serde_json::json!(["MATCH", "*", "WITH", 3, "FROM", "x"]);
        let error = ArtifactRule::from_json(&not_strings).unwrap_err();
        assert_eq!(
            (error.token, error.problem.as_str()),
            (3, "token 4 (3) is not a string")
        );
        assert!(ArtifactRule::from_json(&serde_json::json!("ALLOW *")).is_err());
        assert_eq!(
            ArtifactRule::parse(&["MATCH", "a b", "WITH", "X"])
                .unwrap_err()
                .to_string(),
            "rule MATCH \"a b\" WITH X: token 4 \"X\" should be MATERIALS or PRODUCTS"
        );
    }
}
