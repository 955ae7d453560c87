//! The artifact rule engine: in-toto's `verifylib.verify_item_rules`, recording for every rule
//! the queue it saw and what it consumed, so a reviewer can see why an artifact was disallowed.
//!
//! A rule list starts a queue from the step's materials (or products); each rule consumes what
//! it matches; only DISALLOW and REQUIRE can fail, and the list implicitly ends in `ALLOW *`.

use std::borrow::Cow;
use std::collections::BTreeMap;

use super::rule::{ArtifactKind, ArtifactRule, MatchRule};
use crate::fnmatch::Pattern;
use crate::trace::RuleList;

pub use super::artifacts::{Artifacts, Hashes};

/// What a step or inspection recorded (for a step with several links, the one link its rules
/// are checked against).
#[derive(Debug, Clone, Copy)]
pub struct Recorded<'a> {
    pub materials: &'a Artifacts,
    pub products: &'a Artifacts,
}

impl<'a> Recorded<'a> {
    fn list(&self, list: RuleList) -> &'a Artifacts {
        match list {
            RuleList::ExpectedMaterials => self.materials,
            RuleList::ExpectedProducts => self.products,
        }
    }
}

/// Why a rule failed, worded as in-toto's `RuleVerificationError`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleFailure {
    Disallowed {
        pattern: String,
        matched: Vec<String>,
    },
    RequiredMissing {
        name: String,
        queue: Vec<String>,
    },
}

impl RuleFailure {
    /// The reference's message (without its trailing rule traceback). Python prints sets in
    /// hash order; chainscope sorts, so only the order of names can differ.
    pub fn message(&self) -> String {
        match self {
            RuleFailure::Disallowed { pattern, matched } => {
                format!(
                    "'DISALLOW {pattern}' matched the following artifacts: {}{}",
                    py_list(&quoted_names(matched)),
                    and_more(matched.len())
                )
            }
            RuleFailure::RequiredMissing { name, queue } => {
                format!(
                    "'REQUIRE {name}' did not find {name} in: {}{}",
                    py_set(&quoted_names(queue)),
                    and_more(queue.len())
                )
            }
        }
    }

    /// The artifacts the failure is about.
    pub fn artifacts(&self) -> &[String] {
        match self {
            RuleFailure::Disallowed { matched, .. } => matched,
            RuleFailure::RequiredMissing { .. } => &[],
        }
    }
}

/// What one rule did. Paths are borrowed from the recorded artifacts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleOutcome<'a> {
    /// Position of the rule in its list.
    pub index: usize,
    pub rule: ArtifactRule,
    /// The queue the rule saw, sorted.
    pub queue_before: Vec<&'a str>,
    /// What it consumed, sorted.
    pub consumed: Vec<&'a str>,
    pub failure: Option<RuleFailure>,
}

/// Applies `rules` to the `list` of `own`, looking up MATCH destinations in `links` (by step or
/// inspection name). Stops after the first failing rule, as in-toto does.
pub fn apply_rules<'r, 'a>(
    rules: impl IntoIterator<Item = &'r ArtifactRule>,
    list: RuleList,
    own: Recorded<'a>,
    links: &BTreeMap<String, Recorded<'_>>,
) -> Vec<RuleOutcome<'a>> {
    let source = own.list(list);
    // Sorted, as the source map is; rules consume sorted subsequences of it.
    let mut queue: Vec<&'a str> = source.keys().collect();
    let mut outcomes = Vec::new();
    for (index, rule) in rules.into_iter().enumerate() {
        let queue_before = queue.clone();
        let mut failure = None;
        let consumed: Vec<&'a str> = match rule {
            ArtifactRule::Match(m) => match_rule(m, &queue, source, links),
            ArtifactRule::Create(pattern) => filtered(&queue, pattern)
                .into_iter()
                .filter(|p| own.products.contains_key(p) && !own.materials.contains_key(p))
                .collect(),
            ArtifactRule::Delete(pattern) => filtered(&queue, pattern)
                .into_iter()
                .filter(|p| own.materials.contains_key(p) && !own.products.contains_key(p))
                .collect(),
            ArtifactRule::Modify(pattern) => filtered(&queue, pattern)
                .into_iter()
                .filter(|p| matches!((own.materials.get(p), own.products.get(p)), (Some(m), Some(p)) if m != p))
                .collect(),
            ArtifactRule::Allow(pattern) => filtered(&queue, pattern),
            ArtifactRule::Disallow(pattern) => {
                let matched: Vec<String> = filtered(&queue, pattern).into_iter().map(str::to_owned).collect();
                if !matched.is_empty() {
                    failure = Some(RuleFailure::Disallowed {
                        pattern: pattern.clone(),
                        matched,
                    });
                }
                Vec::new()
            }
            ArtifactRule::Require(name) => {
                if queue.binary_search(&name.as_str()).is_err() {
                    failure = Some(RuleFailure::RequiredMissing {
                        name: name.clone(),
                        queue: queue_before.iter().map(|p| (*p).to_owned()).collect(),
                    });
                }
                Vec::new()
            }
        };
        remove_consumed(&mut queue, &consumed);
        let failed = failure.is_some();
        outcomes.push(RuleOutcome {
            index,
            rule: rule.clone(),
            queue_before,
            consumed,
            failure,
        });
        if failed {
            break;
        }
    }
    outcomes
}

/// Removes `consumed`, a subsequence of the sorted `queue` holding the same string slices, in
/// one pass.
fn remove_consumed(queue: &mut Vec<&str>, consumed: &[&str]) {
    if consumed.is_empty() {
        return;
    }
    let mut next = consumed.iter().peekable();
    queue.retain(|queued| {
        let taken = next
            .peek()
            .is_some_and(|c| std::ptr::eq(c.as_ptr(), queued.as_ptr()) || *c == queued);
        if taken {
            next.next();
        }
        !taken
    });
}

fn filtered<'q>(queue: &[&'q str], pattern: &str) -> Vec<&'q str> {
    let compiled = Pattern::new(pattern);
    queue
        .iter()
        .copied()
        .filter(|path| compiled.matches(path))
        .collect()
}

/// `os.path.join(prefix, path).replace("\\", "/")` as in-toto computes full paths.
fn join(prefix: &str, path: &str) -> String {
    let joined = if path.starts_with('/') {
        path.to_owned()
    } else if prefix.is_empty() || prefix.ends_with('/') {
        format!("{prefix}{path}")
    } else {
        format!("{prefix}/{path}")
    };
    joined.replace('\\', "/")
}

/// in-toto's `verify_match_rule`: strip the source prefix (skipping queued artifacts without
/// it), match the pattern, and consume an artifact when the destination step recorded the same
/// path (under the destination prefix) with an equal hash dict. No destination link, nothing
/// consumed.
fn match_rule<'a>(
    rule: &MatchRule,
    queue: &[&'a str],
    source: &'a Artifacts,
    links: &BTreeMap<String, Recorded<'_>>,
) -> Vec<&'a str> {
    let mut consumed = Vec::new();
    let Some(destination) = links.get(&rule.step) else {
        return consumed;
    };
    let destination = match rule.kind {
        ArtifactKind::Materials => destination.materials,
        ArtifactKind::Products => destination.products,
    };
    let source_prefix = rule.source_prefix.as_deref().filter(|p| !p.is_empty());
    let destination_prefix = rule.destination_prefix.as_deref().filter(|p| !p.is_empty());
    let normalized_prefix = source_prefix.map(|p| join(p, ""));
    let pattern = Pattern::new(&rule.pattern);
    let mut sources = SortedLookup::new(source);
    let mut destinations = SortedLookup::new(destination);
    for queued in queue {
        let relative = match &normalized_prefix {
            Some(prefix) => match queued.strip_prefix(prefix.as_str()) {
                Some(rest) => rest,
                None => continue,
            },
            None => queued,
        };
        if !pattern.matches(relative) {
            continue;
        }
        let full_source: Cow<'_, str> =
            source_prefix.map_or(Cow::Borrowed(relative), |p| Cow::Owned(join(p, relative)));
        let full_destination: Cow<'_, str> =
            destination_prefix.map_or(Cow::Borrowed(relative), |p| Cow::Owned(join(p, relative)));
        // in-toto would raise KeyError here for paths its own joins cannot reproduce.
        let (Some((source_path, source_hashes)), Some(destination_hashes)) = (
            sources.get(&full_source),
            destinations
                .get(&full_destination)
                .map(|(_, hashes)| hashes),
        ) else {
            continue;
        };
        if source_hashes == destination_hashes {
            consumed.push(source_path);
        }
    }
    consumed
}

/// Lookups in a sorted list by keys that mostly come in increasing order (as a MATCH rule's
/// do): a forward scan costs one comparison per step instead of a search per key.
struct SortedLookup<'m> {
    list: &'m Artifacts,
    next: usize,
    /// The last path scanned past: keys up to it need a real search.
    passed: Option<&'m str>,
}

impl<'m> SortedLookup<'m> {
    fn new(list: &'m Artifacts) -> SortedLookup<'m> {
        SortedLookup {
            list,
            next: 0,
            passed: None,
        }
    }

    fn get(&mut self, key: &str) -> Option<(&'m str, Hashes<'m>)> {
        if self.passed.is_some_and(|passed| key <= passed) {
            return self.list.get_entry(key);
        }
        while let Some((candidate, hashes)) = self.list.entry(self.next) {
            match candidate.cmp(key) {
                std::cmp::Ordering::Less => {
                    self.passed = Some(candidate);
                    self.next += 1;
                }
                std::cmp::Ordering::Equal => return Some((candidate, hashes)),
                std::cmp::Ordering::Greater => return None,
            }
        }
        None
    }
}

/// Python's `repr` of a string, as its messages print artifact names and commands.
pub(crate) fn py_repr(text: &str) -> String {
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(text.len() + 2);
    out.push(quote);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

pub(crate) fn py_list(items: &[String]) -> String {
    format!(
        "[{}]",
        items
            .iter()
            .map(|i| py_repr(i))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// How many artifact names a message quotes; the failure's `artifacts` keep them all.
const NAMES_QUOTED: usize = 10;

/// The first [`NAMES_QUOTED`] names, each clipped to a readable length.
fn quoted_names(names: &[String]) -> Vec<String> {
    names
        .iter()
        .take(NAMES_QUOTED)
        .map(|name| crate::shown::clipped(name, crate::shown::QUOTED_CHARS).into_owned())
        .collect()
}

/// ` … and 199,990 more` when a message quotes only some of `count` names.
fn and_more(count: usize) -> String {
    if count > NAMES_QUOTED {
        format!(
            " … and {} more",
            crate::shown::thousands((count - NAMES_QUOTED) as u64)
        )
    } else {
        String::new()
    }
}

fn py_set(items: &[String]) -> String {
    if items.is_empty() {
        "set()".to_owned()
    } else {
        format!(
            "{{{}}}",
            items
                .iter()
                .map(|i| py_repr(i))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static NO_ARTIFACTS: Artifacts = Artifacts::new();

    fn artifacts(entries: &[(&str, &str)]) -> Artifacts {
        entries
            .iter()
            .map(|(path, digest)| {
                (
                    (*path).to_owned(),
                    [("sha256".to_owned(), (*digest).to_owned())].into(),
                )
            })
            .collect()
    }

    fn rules(text: &[&str]) -> Vec<ArtifactRule> {
        text.iter()
            .map(|r| ArtifactRule::parse(&r.split(' ').collect::<Vec<_>>()).unwrap())
            .collect()
    }

    fn run<'a>(
        rule_text: &[&str],
        list: RuleList,
        materials: &'a Artifacts,
        products: &'a Artifacts,
        links: &BTreeMap<String, Recorded<'_>>,
    ) -> Vec<RuleOutcome<'a>> {
        apply_rules(
            &rules(rule_text),
            list,
            Recorded {
                materials,
                products,
            },
            links,
        )
    }

    #[test]
    fn create_delete_modify_use_both_lists() {
        let materials = artifacts(&[("kept", "1"), ("changed", "1"), ("gone", "1")]);
        let products = artifacts(&[("kept", "1"), ("changed", "2"), ("new", "1")]);
        let none = BTreeMap::new();
        let out = run(
            &["CREATE *", "MODIFY *", "ALLOW kept", "DISALLOW *"],
            RuleList::ExpectedProducts,
            &materials,
            &products,
            &none,
        );
        assert_eq!(out[0].consumed, ["new"]);
        assert_eq!(out[1].consumed, ["changed"]);
        assert_eq!(out[3].failure, None);
        // DELETE in a products list and CREATE in a materials list consume nothing.
        let out = run(
            &["DELETE *", "DISALLOW gone"],
            RuleList::ExpectedProducts,
            &materials,
            &products,
            &none,
        );
        assert!(out[0].consumed.is_empty());
        let out = run(
            &["CREATE *", "DELETE *", "DISALLOW gone"],
            RuleList::ExpectedMaterials,
            &materials,
            &products,
            &none,
        );
        assert!(out[0].consumed.is_empty());
        assert_eq!(out[1].consumed, ["gone"]);
        assert_eq!(out.len(), 3);
        assert!(out[2].failure.is_none());
    }

    #[test]
    fn disallow_reports_the_queue_and_stops() {
        let products = artifacts(&[("foo.py", "1"), ("evil.py", "2"), ("README", "3")]);
        let none = BTreeMap::new();
        let out = run(
            &["ALLOW foo.py", "ALLOW README", "DISALLOW *", "ALLOW *"],
            RuleList::ExpectedProducts,
            &NO_ARTIFACTS,
            &products,
            &none,
        );
        assert_eq!(out.len(), 3, "stops at the failing rule");
        assert_eq!(out[2].queue_before, ["evil.py"]);
        let failure = out[2].failure.as_ref().unwrap();
        assert_eq!(
            failure.message(),
            "'DISALLOW *' matched the following artifacts: ['evil.py']"
        );
        assert_eq!(failure.artifacts(), ["evil.py"]);
    }

    #[test]
    fn require_checks_the_remaining_queue() {
        let products = artifacts(&[("Makefile", "1")]);
        let none = BTreeMap::new();
        let out = run(
            &["REQUIRE Makefile", "ALLOW Makefile", "REQUIRE Makefile"],
            RuleList::ExpectedProducts,
            &NO_ARTIFACTS,
            &products,
            &none,
        );
        assert!(out[0].failure.is_none());
        assert_eq!(
            out[2].failure.as_ref().unwrap().message(),
            "'REQUIRE Makefile' did not find Makefile in: set()"
        );
        let out = run(
            &["REQUIRE *"],
            RuleList::ExpectedProducts,
            &NO_ARTIFACTS,
            &products,
            &none,
        );
        assert_eq!(
            out[0].failure.as_ref().unwrap().message(),
            "'REQUIRE *' did not find * in: {'Makefile'}",
            "REQUIRE takes a name, not a pattern"
        );
    }

    #[test]
    fn match_needs_equal_hash_dicts_and_honours_prefixes() {
        let build_products = artifacts(&[
            ("dist/app.tar.gz", "aa"),
            ("dist/lib.so", "bb"),
            ("other", "cc"),
        ]);
        let empty = Artifacts::new();
        let links: BTreeMap<String, Recorded<'_>> = [(
            "build".to_owned(),
            Recorded {
                materials: &empty,
                products: &build_products,
            },
        )]
        .into();
        let materials = artifacts(&[
            ("pkg/app.tar.gz", "aa"),
            ("pkg/lib.so", "XX"),
            ("app.tar.gz", "aa"),
            ("other", "cc"),
        ]);
        let out = run(
            &["MATCH * IN pkg WITH PRODUCTS IN dist FROM build"],
            RuleList::ExpectedMaterials,
            &materials,
            &empty,
            &links,
        );
        assert_eq!(
            out[0].consumed,
            ["pkg/app.tar.gz"],
            "lib.so differs in hash; unprefixed items are skipped"
        );
        let out = run(
            &["MATCH *.tar.gz WITH PRODUCTS IN dist/ FROM build"],
            RuleList::ExpectedMaterials,
            &materials,
            &empty,
            &links,
        );
        assert_eq!(
            out[0].consumed,
            ["app.tar.gz"],
            "* crosses / but the prefix must fit"
        );
        let out = run(
            &[
                "MATCH other WITH PRODUCTS FROM build",
                "MATCH * WITH PRODUCTS FROM missing-step",
            ],
            RuleList::ExpectedMaterials,
            &materials,
            &empty,
            &links,
        );
        assert_eq!(out[0].consumed, ["other"]);
        assert!(
            out[1].consumed.is_empty() && out[1].failure.is_none(),
            "a missing destination link consumes nothing and is no error"
        );

        // A hash dict with an extra algorithm is not equal.
        let two_hashes: Artifacts = [(
            "other".to_owned(),
            [
                ("sha256".to_owned(), "cc".to_owned()),
                ("sha512".to_owned(), "dd".to_owned()),
            ]
            .into(),
        )]
        .into_iter()
        .collect();
        let out = run(
            &["MATCH other WITH PRODUCTS FROM build"],
            RuleList::ExpectedMaterials,
            &two_hashes,
            &empty,
            &links,
        );
        assert!(out[0].consumed.is_empty());
    }

    #[test]
    fn python_reprs() {
        assert_eq!(
            py_list(&["a'b".into(), "c\"d".into(), "e\n".into()]),
            "[\"a'b\", 'c\"d', 'e\\n']"
        );
        assert_eq!(py_set(&[]), "set()");
        assert_eq!(join("src", ""), "src/");
        assert_eq!(join("src/", "a"), "src/a");
        assert_eq!(join("src", "/abs"), "/abs");
        assert_eq!(join("a\\b", "c"), "a/b/c");
    }
}
