//! Two versions of a layout explained in words: what a reviewer must look at before signing.

use crate::crypto::threshold::short;
use crate::intoto::layout::{Layout, RuleEntry};
use crate::trace::RuleList;

/// One line per difference, in layout order; empty when the layouts say the same.
pub fn diff(old: &Layout, new: &Layout) -> Vec<String> {
    let mut lines = Vec::new();
    if old.expires != new.expires {
        lines.push(format!(
            "expires: {} → {}",
            old.expires_text(),
            new.expires_text()
        ));
    }
    if old.readme() != new.readme() {
        lines.push(format!("readme: {:?} → {:?}", old.readme(), new.readme()));
    }
    for keyid in new.keys().keys().filter(|k| !old.keys().contains_key(*k)) {
        lines.push(format!(
            "key {} added ({})",
            short(keyid),
            new.keys()[keyid].scheme_name()
        ));
    }
    for keyid in old.keys().keys().filter(|k| !new.keys().contains_key(*k)) {
        lines.push(format!("key {} removed", short(keyid)));
    }

    let old_steps: Vec<&str> = old.steps().iter().map(|s| s.name.as_str()).collect();
    let new_steps: Vec<&str> = new.steps().iter().map(|s| s.name.as_str()).collect();
    for name in new_steps.iter().filter(|n| !old_steps.contains(n)) {
        lines.push(format!("step {name} added"));
    }
    for name in old_steps.iter().filter(|n| !new_steps.contains(n)) {
        lines.push(format!("step {name} removed"));
    }
    let common = |a: &[&str], b: &[&str]| -> (Vec<String>, Vec<String>) {
        (
            a.iter()
                .filter(|n| b.contains(n))
                .map(|n| n.to_string())
                .collect(),
            b.iter()
                .filter(|n| a.contains(n))
                .map(|n| n.to_string())
                .collect(),
        )
    };
    let (before, after) = common(&old_steps, &new_steps);
    if before != after {
        lines.push(format!(
            "step order: {} → {}",
            before.join(", "),
            after.join(", ")
        ));
    }
    for step in new.steps() {
        let Some(was) = old.steps().iter().find(|s| s.name == step.name) else {
            continue;
        };
        let name = &step.name;
        if was.threshold() != step.threshold() {
            lines.push(format!(
                "step {name}: threshold {} → {}",
                was.threshold(),
                step.threshold()
            ));
        }
        for keyid in step.pubkeys().iter().filter(|k| !was.pubkeys().contains(k)) {
            lines.push(format!("step {name}: functionary {} added", short(keyid)));
        }
        for keyid in was.pubkeys().iter().filter(|k| !step.pubkeys().contains(k)) {
            lines.push(format!("step {name}: functionary {} removed", short(keyid)));
        }
        if was.expected_command() != step.expected_command() {
            lines.push(format!(
                "step {name}: expected command {:?} → {:?}",
                was.expected_command().join(" "),
                step.expected_command().join(" ")
            ));
        }
        rule_changes(
            &mut lines,
            &format!("step {name}"),
            RuleList::ExpectedMaterials,
            was.expected_materials(),
            step.expected_materials(),
        );
        rule_changes(
            &mut lines,
            &format!("step {name}"),
            RuleList::ExpectedProducts,
            was.expected_products(),
            step.expected_products(),
        );
        if was.unknown != step.unknown {
            lines.push(format!("step {name}: other fields changed"));
        }
    }

    let old_inspections: Vec<&str> = old.inspections().iter().map(|i| i.name.as_str()).collect();
    let new_inspections: Vec<&str> = new.inspections().iter().map(|i| i.name.as_str()).collect();
    for name in new_inspections
        .iter()
        .filter(|n| !old_inspections.contains(n))
    {
        lines.push(format!("inspection {name} added"));
    }
    for name in old_inspections
        .iter()
        .filter(|n| !new_inspections.contains(n))
    {
        lines.push(format!("inspection {name} removed"));
    }
    for inspection in new.inspections() {
        let Some(was) = old.inspections().iter().find(|i| i.name == inspection.name) else {
            continue;
        };
        let name = &inspection.name;
        if was.run() != inspection.run() {
            lines.push(format!(
                "inspection {name}: run {:?} → {:?}",
                was.run().join(" "),
                inspection.run().join(" ")
            ));
        }
        rule_changes(
            &mut lines,
            &format!("inspection {name}"),
            RuleList::ExpectedMaterials,
            was.expected_materials(),
            inspection.expected_materials(),
        );
        rule_changes(
            &mut lines,
            &format!("inspection {name}"),
            RuleList::ExpectedProducts,
            was.expected_products(),
            inspection.expected_products(),
        );
    }
    if old.unknown != new.unknown {
        lines.push("other layout fields changed".to_owned());
    }
    lines
}

/// Rules removed and added between two versions of a list (by their longest common run).
fn rule_changes(
    lines: &mut Vec<String>,
    owner: &str,
    list: RuleList,
    old: &[RuleEntry],
    new: &[RuleEntry],
) {
    let a: Vec<String> = old.iter().map(|r| r.rule.to_string()).collect();
    let b: Vec<String> = new.iter().map(|r| r.rule.to_string()).collect();
    if a == b {
        return;
    }
    // Longest common subsequence table.
    let mut table = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            table[i][j] = if a[i] == b[j] {
                table[i + 1][j + 1] + 1
            } else {
                table[i + 1][j].max(table[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let field = list.field_name();
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || table[i][j + 1] >= table[i + 1][j]) {
            lines.push(format!("{owner}: {field} rule {} added: {}", j + 1, b[j]));
            j += 1;
        } else {
            lines.push(format!("{owner}: {field} rule removed: {}", a[i]));
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::PrivateKey;
    use crate::crypto::signed::EnvelopeKind;
    use crate::edit::layout::{LayoutAction, LayoutDocument};
    use crate::intoto::rule::ArtifactRule;
    use crate::time::UtcTime;

    #[test]
    fn differences_are_explained_in_words() {
        let alice = PrivateKey::ed25519_from_seed(&[1; 32]);
        let mut doc = LayoutDocument::new(
            UtcTime::parse_metadata("2031-01-01T00:00:00Z").unwrap(),
            EnvelopeKind::Legacy,
        );
        for action in [
            LayoutAction::AddStep {
                name: "build".into(),
                at: None,
            },
            LayoutAction::AddRule {
                owner: "build".into(),
                list: RuleList::ExpectedProducts,
                rule: ArtifactRule::Disallow("*".into()),
                at: None,
            },
        ] {
            doc.apply(action).unwrap();
        }
        let old = doc.layout().clone();
        for action in [
            LayoutAction::AddFunctionary {
                step: "build".into(),
                key: alice.public().clone(),
            },
            LayoutAction::SetThreshold {
                step: "build".into(),
                threshold: 2,
            },
            LayoutAction::AddRule {
                owner: "build".into(),
                list: RuleList::ExpectedProducts,
                rule: ArtifactRule::Create("app".into()),
                at: Some(0),
            },
            LayoutAction::AddInspection {
                name: "check".into(),
                at: None,
            },
        ] {
            doc.apply(action).unwrap();
        }
        let lines = diff(&old, doc.layout());
        let short_id = short(alice.keyid());
        for expected in [
            format!("key {short_id} added (ed25519)"),
            format!("step build: functionary {short_id} added"),
            "step build: threshold 1 → 2".to_owned(),
            "step build: expected_products rule 1 added: CREATE app".to_owned(),
            "inspection check added".to_owned(),
        ] {
            assert!(lines.contains(&expected), "{expected:?} not in {lines:#?}");
        }
        assert!(diff(&old, &old).is_empty());
    }
}
