//! Lint for layouts: what in-toto would accept but a reviewer should not, each finding with a
//! severity, a message, where it is (so the editor can jump there) and how to fix it.

use std::collections::BTreeSet;

use crate::intoto::layout::{Layout, RuleEntry};
use crate::intoto::rule::{ArtifactKind, ArtifactRule};
use crate::model::Expires;
use crate::time::UtcTime;
use crate::trace::RuleList;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Verification will fail, or the layout protects less than it seems to.
    Error,
    Warning,
}

/// Where a finding is.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "at", rename_all = "snake_case")]
pub enum Location {
    Expires,
    Key {
        keyid: String,
    },
    Step {
        name: String,
    },
    StepThreshold {
        name: String,
    },
    Inspection {
        name: String,
    },
    InspectionRun {
        name: String,
    },
    RuleList {
        owner: String,
        list: RuleList,
    },
    Rule {
        owner: String,
        list: RuleList,
        index: usize,
    },
    /// An attribute rule (CEL) of one of a step's expected predicates (ITE-11).
    Attribute {
        step: String,
        predicate: usize,
        index: usize,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LintFinding {
    pub severity: Severity,
    /// Stable name of the check.
    pub code: &'static str,
    pub message: String,
    pub location: Location,
    pub hint: String,
}

/// Days before expiry from which the lint warns.
pub const EXPIRY_WARNING_DAYS: i64 = 30;

pub(crate) fn finding(
    severity: Severity,
    code: &'static str,
    location: Location,
    message: String,
    hint: String,
) -> LintFinding {
    LintFinding {
        severity,
        code,
        message,
        location,
        hint,
    }
}

/// Every rule list of the layout: owner, whether the owner is an inspection, list, rules.
fn rule_lists(layout: &Layout) -> Vec<(&str, bool, RuleList, &[RuleEntry])> {
    let mut lists = Vec::new();
    for step in layout.steps() {
        lists.push((
            step.name.as_str(),
            false,
            RuleList::ExpectedMaterials,
            step.expected_materials(),
        ));
        lists.push((
            step.name.as_str(),
            false,
            RuleList::ExpectedProducts,
            step.expected_products(),
        ));
    }
    for inspection in layout.inspections() {
        lists.push((
            inspection.name.as_str(),
            true,
            RuleList::ExpectedMaterials,
            inspection.expected_materials(),
        ));
        lists.push((
            inspection.name.as_str(),
            true,
            RuleList::ExpectedProducts,
            inspection.expected_products(),
        ));
    }
    lists
}

/// What is wrong with a pattern that in-toto would accept.
fn pattern_problem(pattern: &str) -> Option<&'static str> {
    if pattern.is_empty() {
        return Some("it is empty and matches nothing");
    }
    if pattern.starts_with('/') {
        return Some("artifacts are recorded as relative paths, so a leading / matches nothing");
    }
    if pattern.starts_with("./") {
        return Some("recorded paths never start with ./, so it matches nothing");
    }
    if pattern.contains('\\') {
        return Some("recorded paths use /, never a backslash");
    }
    let mut open = false;
    for c in pattern.chars() {
        match c {
            '[' => open = true,
            ']' => open = false,
            _ => {}
        }
    }
    if open {
        return Some("its [ is never closed, so fnmatch reads it as a literal [");
    }
    None
}

pub fn lint(layout: &Layout, now: UtcTime) -> Vec<LintFinding> {
    let mut findings = Vec::new();
    let steps: Vec<&str> = layout.steps().iter().map(|s| s.name.as_str()).collect();
    let inspections: Vec<&str> = layout
        .inspections()
        .iter()
        .map(|i| i.name.as_str())
        .collect();

    // Expiry.
    match layout.expires.as_ref().map(Expires::time) {
        None => findings.push(finding(
            Severity::Warning,
            "no-expires",
            Location::Expires,
            "the layout has no `expires`: in-toto fills in a month from whenever it reads the file, so it never expires".into(),
            "set an expiry and sign again, so an old layout stops being accepted".into(),
        )),
        Some(expires) if expires <= now => findings.push(finding(
            Severity::Error,
            "expired",
            Location::Expires,
            format!("the layout expired at {}", layout.expires_text()),
            "set a later expiry and sign again".into(),
        )),
        Some(expires) if (expires.unix() - now.unix()) < EXPIRY_WARNING_DAYS * 86_400 => {
            findings.push(finding(
                Severity::Warning,
                "expires-soon",
                Location::Expires,
                format!(
                    "the layout expires in {} days ({})",
                    (expires.unix() - now.unix()) / 86_400,
                    layout.expires_text()
                ),
                "plan the next signed layout before it expires".into(),
            ));
        }
        Some(_) => {}
    }

    if let Some(fields) = crate::intoto::verify::certificate_fields(layout) {
        findings.push(finding(
            Severity::Warning,
            "certificate-constraints",
            Location::Expires,
            format!("the layout carries in-toto-golang's certificate fields ({fields}); chainscope keeps and signs them but does not evaluate them"),
            "authorize functionaries by key (pubkeys) if chainscope is to judge them".into(),
        ));
    }

    // Names.
    let mut seen = BTreeSet::new();
    for (name, is_inspection) in steps
        .iter()
        .map(|n| (*n, false))
        .chain(inspections.iter().map(|n| (*n, true)))
    {
        if !seen.insert(name) {
            findings.push(finding(
                Severity::Error,
                "duplicate-name",
                if is_inspection {
                    Location::Inspection { name: name.into() }
                } else {
                    Location::Step { name: name.into() }
                },
                format!("\"{name}\" names more than one step or inspection"),
                "give every step and inspection its own name; in-toto refuses the layout".into(),
            ));
        }
    }

    // Functionaries and keys.
    let mut used_keys = BTreeSet::new();
    for step in layout.steps() {
        let functionaries = step.pubkeys();
        used_keys.extend(functionaries.iter().map(String::as_str));
        // A step none of whose keys can verify a signature can never be satisfied.
        let listed: Vec<_> = functionaries
            .iter()
            .filter_map(|keyid| layout.keys().get(keyid))
            .collect();
        if !listed.is_empty() && listed.iter().all(|key| key.problem().is_some()) {
            let why = listed
                .iter()
                .filter_map(|key| key.problem())
                .map(|problem| crate::report::chain(&problem))
                .collect::<Vec<_>>()
                .join("; ");
            findings.push(finding(
                Severity::Error,
                "no-usable-key",
                Location::Step {
                    name: step.name.clone(),
                },
                format!(
                    "no functionary key of step \"{}\" can verify a signature: {why}",
                    step.name
                ),
                "list a key chainscope and in-toto can verify with (Ed25519, RSA, ECDSA, ML-DSA, GPG)"
                    .into(),
            ));
        }
        if step.threshold() as usize > functionaries.len() {
            findings.push(finding(
                Severity::Error,
                "threshold-above-functionaries",
                Location::StepThreshold {
                    name: step.name.clone(),
                },
                format!(
                    "step \"{}\" needs {} link{} but has {} functionar{}",
                    step.name,
                    step.threshold(),
                    if step.threshold() == 1 { "" } else { "s" },
                    functionaries.len(),
                    if functionaries.len() == 1 { "y" } else { "ies" }
                ),
                format!(
                    "add functionaries to \"{}\" or lower its threshold",
                    step.name
                ),
            ));
        }
        for keyid in functionaries {
            if !layout.keys().contains_key(keyid) {
                findings.push(finding(
                    Severity::Error,
                    "functionary-key-missing",
                    Location::Step {
                        name: step.name.clone(),
                    },
                    format!(
                        "step \"{}\" names functionary {keyid}, whose key the layout does not list",
                        step.name
                    ),
                    "import the functionary's public key into the layout's keys".into(),
                ));
            }
        }
    }
    for keyid in layout.keys().keys() {
        if let Some(own) = layout.own_keyid(keyid).filter(|own| *own != keyid) {
            findings.push(finding(
                Severity::Warning,
                "keyid-mismatch",
                Location::Key {
                    keyid: keyid.clone(),
                },
                format!("the key listed as {keyid} carries keyid {own}: in-toto finds link signatures by {own}, and the link files by {keyid}"),
                "list the key under its own keyid, so the step, the link file name and the signature all say the same".into(),
            ));
        }
        if !used_keys.contains(keyid.as_str()) {
            findings.push(finding(
                Severity::Warning,
                "unused-key",
                Location::Key {
                    keyid: keyid.clone(),
                },
                format!("key {keyid} is listed but no step names it as a functionary"),
                "remove it, or add it to the step its holder performs".into(),
            ));
        }
    }

    // Rules.
    let mut matched_products: BTreeSet<&str> = BTreeSet::new();
    for (owner, is_inspection, list, rules) in rule_lists(layout) {
        let location = Location::RuleList {
            owner: owner.into(),
            list,
        };
        let ends_in_disallow = matches!(
            rules.last().map(|r| &r.rule),
            Some(ArtifactRule::Disallow(p)) if p == "*"
        );
        if !ends_in_disallow {
            findings.push(finding(
                Severity::Warning,
                "no-final-disallow",
                location.clone(),
                format!(
                    "{owner}'s {} do not end in DISALLOW *, so anything the rules before do not name is allowed",
                    list.field_name()
                ),
                "end the list with DISALLOW *".into(),
            ));
        }
        for (index, entry) in rules.iter().enumerate() {
            let at = Location::Rule {
                owner: owner.into(),
                list,
                index,
            };
            if let Some(problem) = pattern_problem(entry.rule.pattern()) {
                findings.push(finding(
                    Severity::Warning,
                    "malformed-pattern",
                    at.clone(),
                    format!(
                        "{owner} {} rule {}: pattern {:?}: {problem}",
                        list.field_name(),
                        index + 1,
                        entry.rule.pattern()
                    ),
                    "write patterns as recorded paths: relative, with /".into(),
                ));
            }
            let ArtifactRule::Match(m) = &entry.rule else {
                continue;
            };
            if m.kind == ArtifactKind::Products {
                matched_products.insert(m.step.as_str());
            }
            if inspections.contains(&m.step.as_str()) && !is_inspection {
                findings.push(finding(
                    Severity::Error,
                    "step-matches-inspection",
                    at,
                    format!(
                        "step \"{owner}\" matches against inspection \"{}\", but step rules are checked before any inspection runs",
                        m.step
                    ),
                    "move the rule to an inspection, or match against a step".into(),
                ));
            } else if !steps.contains(&m.step.as_str()) && !inspections.contains(&m.step.as_str()) {
                findings.push(finding(
                    Severity::Error,
                    "match-unknown-step",
                    at,
                    format!(
                        "{owner} {} rule {} matches FROM \"{}\", which is no step or inspection",
                        list.field_name(),
                        index + 1,
                        m.step
                    ),
                    format!(
                        "name one of: {}",
                        steps
                            .iter()
                            .chain(inspections.iter())
                            .copied()
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
        }
    }
    for step in layout.steps() {
        if !matched_products.contains(step.name.as_str()) {
            findings.push(finding(
                Severity::Warning,
                "unchecked-products",
                Location::Step {
                    name: step.name.clone(),
                },
                format!(
                    "no later step or inspection MATCHes the products of \"{}\", so what it produced is never checked",
                    step.name
                ),
                format!(
                    "add MATCH … WITH PRODUCTS FROM {} to the step or inspection that uses its output",
                    step.name
                ),
            ));
        }
    }

    // Inspections.
    for inspection in layout.inspections() {
        if inspection.run().is_empty() {
            findings.push(finding(
                Severity::Error,
                "empty-run",
                Location::InspectionRun {
                    name: inspection.name.clone(),
                },
                format!("inspection \"{}\" has no command to run", inspection.name),
                "give the inspection a command (run)".into(),
            ));
        }
    }
    findings.sort_by_key(|f| f.severity);
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::PrivateKey;
    use crate::crypto::signed::EnvelopeKind;
    use crate::edit::layout::{LayoutAction, LayoutDocument};

    fn now() -> UtcTime {
        UtcTime::parse_metadata("2030-01-01T00:00:00Z").unwrap()
    }

    fn rule(text: &str) -> ArtifactRule {
        ArtifactRule::parse(&text.split(' ').collect::<Vec<_>>()).unwrap()
    }

    /// A clean two-step layout: nothing to report.
    fn clean() -> LayoutDocument {
        let mut doc = LayoutDocument::new(
            UtcTime::parse_metadata("2031-01-01T00:00:00Z").unwrap(),
            EnvelopeKind::Legacy,
        );
        let alice = PrivateKey::ed25519_from_seed(&[1; 32]);
        let actions = vec![
            LayoutAction::AddStep {
                name: "create".into(),
                at: None,
            },
            LayoutAction::AddStep {
                name: "build".into(),
                at: None,
            },
            LayoutAction::AddFunctionary {
                step: "create".into(),
                key: alice.public().clone(),
            },
            LayoutAction::AddFunctionary {
                step: "build".into(),
                key: alice.public().clone(),
            },
            LayoutAction::AddInspection {
                name: "untar".into(),
                at: None,
            },
            LayoutAction::SetRun {
                inspection: "untar".into(),
                run: vec!["tar".into(), "xf".into(), "p.tgz".into()],
            },
        ];
        for action in actions {
            doc.apply(action).unwrap();
        }
        for (owner, list, text) in [
            ("create", RuleList::ExpectedMaterials, "DISALLOW *"),
            ("create", RuleList::ExpectedProducts, "CREATE foo.py"),
            ("create", RuleList::ExpectedProducts, "DISALLOW *"),
            (
                "build",
                RuleList::ExpectedMaterials,
                "MATCH foo.py WITH PRODUCTS FROM create",
            ),
            ("build", RuleList::ExpectedMaterials, "DISALLOW *"),
            ("build", RuleList::ExpectedProducts, "CREATE p.tgz"),
            ("build", RuleList::ExpectedProducts, "DISALLOW *"),
            (
                "untar",
                RuleList::ExpectedMaterials,
                "MATCH p.tgz WITH PRODUCTS FROM build",
            ),
            ("untar", RuleList::ExpectedMaterials, "ALLOW *"),
            ("untar", RuleList::ExpectedMaterials, "DISALLOW *"),
            ("untar", RuleList::ExpectedProducts, "ALLOW *"),
            ("untar", RuleList::ExpectedProducts, "DISALLOW *"),
        ] {
            doc.apply(LayoutAction::AddRule {
                owner: owner.into(),
                list,
                rule: rule(text),
                at: None,
            })
            .unwrap();
        }
        doc
    }

    fn codes(layout: &Layout, at: UtcTime) -> Vec<&'static str> {
        lint(layout, at).into_iter().map(|f| f.code).collect()
    }

    /// Applies `action` to the clean layout and returns the lint codes.
    fn after(action: LayoutAction) -> Vec<&'static str> {
        let mut doc = clean();
        doc.apply(action).unwrap();
        codes(doc.layout(), now())
    }

    #[test]
    fn a_clean_layout_has_no_findings() {
        assert_eq!(codes(clean().layout(), now()), Vec::<&str>::new());
    }

    #[test]
    fn each_rule_reports_its_finding() {
        assert!(
            after(LayoutAction::AddRule {
                owner: "build".into(),
                list: RuleList::ExpectedMaterials,
                rule: rule("MATCH * WITH PRODUCTS FROM nowhere"),
                at: Some(0),
            })
            .contains(&"match-unknown-step")
        );
        assert!(
            after(LayoutAction::AddRule {
                owner: "build".into(),
                list: RuleList::ExpectedMaterials,
                rule: rule("MATCH * WITH PRODUCTS FROM untar"),
                at: Some(0),
            })
            .contains(&"step-matches-inspection")
        );
        assert!(
            after(LayoutAction::SetThreshold {
                step: "build".into(),
                threshold: 2
            })
            .contains(&"threshold-above-functionaries")
        );
        let stranger = PrivateKey::ed25519_from_seed(&[5; 32]);
        assert!(after(LayoutAction::AddKey(stranger.public().clone())).contains(&"unused-key"));
        assert!(
            after(LayoutAction::RemoveRule {
                owner: "build".into(),
                list: RuleList::ExpectedProducts,
                index: 1,
            })
            .contains(&"no-final-disallow")
        );
        assert!(
            after(LayoutAction::AddRule {
                owner: "build".into(),
                list: RuleList::ExpectedProducts,
                rule: rule("ALLOW ./dist/*"),
                at: Some(0),
            })
            .contains(&"malformed-pattern")
        );
        assert!(
            after(LayoutAction::SetRun {
                inspection: "untar".into(),
                run: vec![]
            })
            .contains(&"empty-run")
        );
        assert!(
            after(LayoutAction::RemoveRule {
                owner: "untar".into(),
                list: RuleList::ExpectedMaterials,
                index: 0,
            })
            .contains(&"unchecked-products")
        );
        let layout = clean().layout().clone();
        assert!(
            codes(
                &layout,
                UtcTime::parse_metadata("2031-01-01T00:00:00Z").unwrap()
            )
            .contains(&"expired")
        );
        assert!(
            codes(
                &layout,
                UtcTime::parse_metadata("2030-12-20T00:00:00Z").unwrap()
            )
            .contains(&"expires-soon")
        );
    }

    #[test]
    fn functionary_keys_and_duplicate_names() {
        // Neither reaches a layout through the editor (or in-toto's loader): built by hand.
        let mut layout = clean().layout().clone();
        layout.keys = Some(Default::default());
        let steps = layout.steps.as_mut().unwrap();
        let copy = steps[0].clone();
        steps.push(copy);
        let found = codes(&layout, now());
        assert!(found.contains(&"functionary-key-missing"), "{found:?}");
        assert!(found.contains(&"duplicate-name"), "{found:?}");
        let finding = lint(&layout, now())
            .into_iter()
            .find(|f| f.code == "functionary-key-missing")
            .unwrap();
        assert_eq!(
            finding.location,
            Location::Step {
                name: "create".into()
            }
        );
        assert!(!finding.hint.is_empty());
    }

    /// A key listed under an id other than its own `keyid`, and a layout without `expires`:
    /// in-toto accepts both, a reviewer should hear about them.
    #[test]
    fn a_key_under_another_id_and_a_missing_expiry_are_warned_about() {
        let mut layout = clean().layout().clone();
        let keys = layout.keys.as_mut().unwrap();
        let (id, key) = keys.pop_first().unwrap();
        let alias = "ab".repeat(32);
        keys.insert(alias.clone(), key);
        for step in layout.steps.as_mut().unwrap() {
            for keyid in step.pubkeys.iter_mut().flatten() {
                if *keyid == id {
                    keyid.clone_from(&alias);
                }
            }
        }
        layout.expires = None;
        let found = lint(&layout, now());
        let mismatch = found.iter().find(|f| f.code == "keyid-mismatch").unwrap();
        assert_eq!(mismatch.location, Location::Key { keyid: alias });
        assert!(mismatch.message.contains(&id), "{}", mismatch.message);
        let expiry = found.iter().find(|f| f.code == "no-expires").unwrap();
        assert_eq!(expiry.severity, Severity::Warning);
    }

    /// A step whose every key has a scheme no one here can verify with can never be met: an
    /// error, so `layout lint` exits non-zero.
    #[test]
    fn a_step_without_a_usable_key_is_an_error() {
        let mut layout = clean().layout().clone();
        let keys = layout.keys.as_mut().unwrap();
        for (id, key) in keys.iter_mut() {
            *key = crate::crypto::PublicKey::from_dict(
                id,
                &serde_json::json!({"keyid": id, "keytype": "sphincs",
                    "scheme": "sphincs-shake-256f", "keyval": {"public": "00"}}),
            )
            .unwrap();
        }
        let found = lint(&layout, now());
        let unusable = found.iter().find(|f| f.code == "no-usable-key").unwrap();
        assert_eq!(unusable.severity, Severity::Error);
        assert!(
            unusable.message.contains("sphincs-shake-256f"),
            "{}",
            unusable.message
        );
    }
}
