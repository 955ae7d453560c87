//! The pictures' data: the layout's step graph and the TUF delegation tree, laid out here in
//! the core (so the app, the SVG export and the tests all see the same coordinates) and drawn
//! by whoever asks.

pub mod layered;
pub mod svg;
pub mod tree;

use std::collections::BTreeMap;

use petgraph::graph::{DiGraph, NodeIndex};

use crate::intoto::{ArtifactKind, ArtifactRule, Layout, RuleEntry};
pub use layered::{Drawing, Rect, Spacing};

/// How a node or edge differs from the version it is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Same,
    Added,
    Removed,
    /// Same name, different rules, keys, threshold or command.
    Changed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NodeKind {
    Step,
    Inspection,
    /// Named by a MATCH rule's FROM but not in the layout (the lint reports it too).
    Missing,
}

/// A step or inspection, with what the detail view shows.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StepNode {
    pub name: String,
    pub kind: NodeKind,
    /// Keyids allowed to sign the step's link (steps only).
    pub functionaries: Vec<String>,
    pub threshold: u64,
    /// `expected_command` of a step, `run` of an inspection.
    pub command: Vec<String>,
    pub material_rules: Vec<String>,
    pub product_rules: Vec<String>,
    pub change: Change,
    /// For a changed node, what differs from the layout it is compared with, in words.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub what_changed: Vec<String>,
    /// For a step of an attestation layout (ITE-10): the predicates it expects.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub predicates: Vec<ExpectedPredicateView>,
}

/// One predicate type a step of an ITE-10 layout expects, and from whom.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ExpectedPredicateView {
    pub predicate_type: String,
    /// In words: "SLSA provenance v1", "test result".
    pub title: String,
    pub functionaries: Vec<String>,
    pub threshold: u64,
    /// Its attribute rules (CEL), as written.
    pub attributes: Vec<String>,
}

/// A MATCH rule: artifacts of `from` (its products or materials) that must match the rule
/// holder's `list`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StepEdge {
    pub from: usize,
    pub to: usize,
    /// The rule holder's list the rule sits in.
    pub list: ArtifactKind,
    /// The `FROM` step's list it matches against.
    pub matched: ArtifactKind,
    pub pattern: String,
    /// The whole rule, as written.
    pub rule: String,
    pub change: Change,
}

/// The layout as a graph: nodes in layout order (steps, then inspections, then missing names).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StepGraph {
    pub nodes: Vec<StepNode>,
    pub edges: Vec<StepEdge>,
    pub drawing: Drawing,
}

impl StepNode {
    /// The second line of the node's box: "k of n functionaries", or what else it is.
    pub fn detail(&self) -> String {
        match self.kind {
            // An attestation step names what it expects: "SLSA provenance v1, 1 of 1".
            NodeKind::Step if !self.predicates.is_empty() => self
                .predicates
                .iter()
                .map(|p| format!("{}, {} of {}", p.title, p.threshold, p.functionaries.len()))
                .collect::<Vec<_>>()
                .join("; "),
            NodeKind::Step => of_functionaries(self.threshold, self.functionaries.len()),
            NodeKind::Inspection => "inspection".to_owned(),
            NodeKind::Missing => "not in the layout".to_owned(),
        }
    }
}

/// "2 of 3 functionaries", "1 of 1 functionary".
pub fn of_functionaries(threshold: u64, count: usize) -> String {
    let noun = if count == 1 {
        "functionary"
    } else {
        "functionaries"
    };
    format!("{threshold} of {count} {noun}")
}

fn rule_texts(rules: &[RuleEntry]) -> Vec<String> {
    rules.iter().map(|r| r.rule.to_string()).collect()
}

impl StepGraph {
    /// The graph of one layout.
    pub fn of(layout: &Layout) -> StepGraph {
        let (nodes, edges) = nodes_and_edges(layout);
        StepGraph::build(nodes, edges)
    }

    /// The graph of `layout`, with what changed since `previous`: removed steps and rules stay
    /// in the picture, marked as removed.
    pub fn compared(layout: &Layout, previous: &Layout) -> StepGraph {
        let (mut nodes, mut edges) = nodes_and_edges(layout);
        let (old_nodes, old_edges) = nodes_and_edges(previous);
        let key = |node: &StepNode| (node.name.clone(), node.kind == NodeKind::Inspection);
        let old_by_key: BTreeMap<_, &StepNode> = old_nodes.iter().map(|n| (key(n), n)).collect();
        for node in &mut nodes {
            node.change = match old_by_key.get(&key(node)) {
                None if node.kind == NodeKind::Missing => Change::Same,
                None => Change::Added,
                Some(old) if same_content(old, node) => Change::Same,
                Some(old) => {
                    node.what_changed = differences(old, node);
                    Change::Changed
                }
            };
        }
        let mut index_of: BTreeMap<_, usize> =
            nodes.iter().enumerate().map(|(i, n)| (key(n), i)).collect();
        for old in &old_nodes {
            if let std::collections::btree_map::Entry::Vacant(slot) = index_of.entry(key(old)) {
                slot.insert(nodes.len());
                nodes.push(StepNode {
                    change: Change::Removed,
                    ..old.clone()
                });
            }
        }
        let edge_key = |edge: &StepEdge, within: &[StepNode]| {
            (
                key(&within[edge.from]),
                key(&within[edge.to]),
                edge.rule.clone(),
                edge.list,
            )
        };
        let new_keys: Vec<_> = edges.iter().map(|e| edge_key(e, &nodes)).collect();
        let old_keys: Vec<_> = old_edges.iter().map(|e| edge_key(e, &old_nodes)).collect();
        for (edge, k) in edges.iter_mut().zip(&new_keys) {
            edge.change = if old_keys.contains(k) {
                Change::Same
            } else {
                Change::Added
            };
        }
        for (old, k) in old_edges.iter().zip(&old_keys) {
            if !new_keys.contains(k) {
                edges.push(StepEdge {
                    from: index_of[&k.0],
                    to: index_of[&k.1],
                    change: Change::Removed,
                    ..old.clone()
                });
            }
        }
        StepGraph::build(nodes, edges)
    }

    fn build(nodes: Vec<StepNode>, edges: Vec<StepEdge>) -> StepGraph {
        let mut graph: DiGraph<(), ()> = DiGraph::new();
        for _ in &nodes {
            graph.add_node(());
        }
        for edge in &edges {
            graph.add_edge(NodeIndex::new(edge.from), NodeIndex::new(edge.to), ());
        }
        let drawing = layered::layout(&graph, Spacing::default());
        StepGraph {
            nodes,
            edges,
            drawing,
        }
    }

    pub fn node(&self, name: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.name == name)
    }

    /// Whether anything differs from the compared version.
    pub fn has_changes(&self) -> bool {
        self.nodes.iter().any(|n| n.change != Change::Same)
            || self.edges.iter().any(|e| e.change != Change::Same)
    }
}

/// What differs between two versions of a step, in words.
fn differences(old: &StepNode, new: &StepNode) -> Vec<String> {
    let mut said = Vec::new();
    if old.functionaries != new.functionaries {
        said.push(format!(
            "functionaries: {} → {}",
            crate::shown::counted(old.functionaries.len(), "key"),
            crate::shown::counted(new.functionaries.len(), "key")
        ));
    }
    if old.threshold != new.threshold {
        said.push(format!("threshold: {} → {}", old.threshold, new.threshold));
    }
    if old.command != new.command {
        said.push(format!(
            "command: {} → {}",
            quoted_command(&old.command),
            quoted_command(&new.command)
        ));
    }
    for (what, before, after) in [
        ("material rules", &old.material_rules, &new.material_rules),
        ("product rules", &old.product_rules, &new.product_rules),
    ] {
        let removed = before.iter().filter(|r| !after.contains(r));
        let added = after.iter().filter(|r| !before.contains(r));
        let mut listed = false;
        for rule in removed {
            said.push(format!("{what}: removed {rule}"));
            listed = true;
        }
        for rule in added {
            said.push(format!("{what}: added {rule}"));
            listed = true;
        }
        // Rules apply in order: the same rules in another order are another layout.
        if !listed && before != after {
            said.push(format!("{what}: the same rules in another order"));
        }
    }
    said
}

fn quoted_command(command: &[String]) -> String {
    if command.is_empty() {
        "none".to_owned()
    } else {
        format!("\"{}\"", command.join(" "))
    }
}

fn same_content(a: &StepNode, b: &StepNode) -> bool {
    a.functionaries == b.functionaries
        && a.threshold == b.threshold
        && a.command == b.command
        && a.material_rules == b.material_rules
        && a.product_rules == b.product_rules
}

fn nodes_and_edges(layout: &Layout) -> (Vec<StepNode>, Vec<StepEdge>) {
    let mut nodes: Vec<StepNode> = layout
        .steps()
        .iter()
        .map(|step| StepNode {
            name: step.name.clone(),
            kind: NodeKind::Step,
            functionaries: step.pubkeys().to_vec(),
            threshold: step.threshold(),
            command: step.expected_command().to_vec(),
            material_rules: rule_texts(step.expected_materials()),
            product_rules: rule_texts(step.expected_products()),
            change: Change::Same,
            what_changed: Vec::new(),
            predicates: Vec::new(),
        })
        .collect();
    nodes.extend(layout.inspections().iter().map(|inspection| StepNode {
        name: inspection.name.clone(),
        kind: NodeKind::Inspection,
        functionaries: Vec::new(),
        threshold: 0,
        command: inspection.run().to_vec(),
        material_rules: rule_texts(inspection.expected_materials()),
        product_rules: rule_texts(inspection.expected_products()),
        change: Change::Same,
        what_changed: Vec::new(),
        predicates: Vec::new(),
    }));
    let holders: Vec<(usize, Vec<&ArtifactRule>, Vec<&ArtifactRule>)> = layout
        .steps()
        .iter()
        .map(|s| (s.expected_materials(), s.expected_products()))
        .chain(
            layout
                .inspections()
                .iter()
                .map(|i| (i.expected_materials(), i.expected_products())),
        )
        .enumerate()
        .map(|(i, (m, p))| (i, rules_of(m), rules_of(p)))
        .collect();
    let edges = match_edges(&mut nodes, holders);
    (nodes, edges)
}

fn rules_of(entries: &[RuleEntry]) -> Vec<&ArtifactRule> {
    entries.iter().map(|entry| &entry.rule).collect()
}

/// An edge for every MATCH rule of every holder (node index, material rules, product rules);
/// a step a rule names that is not in the layout becomes a `Missing` node.
fn match_edges(
    nodes: &mut Vec<StepNode>,
    holders: Vec<(usize, Vec<&ArtifactRule>, Vec<&ArtifactRule>)>,
) -> Vec<StepEdge> {
    let mut edges = Vec::new();
    for (holder, materials, products) in holders {
        for (list, rules) in [
            (ArtifactKind::Materials, materials),
            (ArtifactKind::Products, products),
        ] {
            for whole in rules {
                let ArtifactRule::Match(rule) = whole else {
                    continue;
                };
                // A step's name may be shared by an inspection (the lint flags it); steps win,
                // as in in-toto's link lookup.
                let from = match nodes.iter().position(|n| n.name == rule.step) {
                    Some(i) => i,
                    None => {
                        nodes.push(StepNode {
                            name: rule.step.clone(),
                            kind: NodeKind::Missing,
                            functionaries: Vec::new(),
                            threshold: 0,
                            command: Vec::new(),
                            material_rules: Vec::new(),
                            product_rules: Vec::new(),
                            change: Change::Same,
                            what_changed: Vec::new(),
                            predicates: Vec::new(),
                        });
                        nodes.len() - 1
                    }
                };
                edges.push(StepEdge {
                    from,
                    to: holder,
                    list,
                    matched: rule.kind,
                    pattern: rule.pattern.clone(),
                    rule: whole.to_string(),
                    change: Change::Same,
                });
            }
        }
    }
    edges
}

/// The step graph of an ITE-10 attestation layout: its steps with the predicates each expects
/// (the functionaries are every functionary any of them names), its MATCH rules as edges.
/// Rules that do not parse are listed but draw no edge (verification reports them).
pub fn attestation_graph(layout: &crate::attest::layout::AttestationLayout) -> StepGraph {
    let mut nodes: Vec<StepNode> = layout
        .steps
        .iter()
        .map(|step| {
            let mut functionaries: Vec<String> = Vec::new();
            for predicate in &step.expected_predicates {
                for keyid in &predicate.functionaries {
                    if !functionaries.contains(keyid) {
                        functionaries.push(keyid.clone());
                    }
                }
            }
            StepNode {
                name: step.name.clone(),
                kind: NodeKind::Step,
                functionaries,
                threshold: step
                    .expected_predicates
                    .iter()
                    .map(|p| p.threshold() as u64)
                    .max()
                    .unwrap_or(1),
                command: match &step.command {
                    Some(serde_json::Value::String(text)) => vec![text.clone()],
                    Some(serde_json::Value::Array(words)) => words
                        .iter()
                        .map(|w| w.as_str().map_or_else(|| w.to_string(), str::to_owned))
                        .collect(),
                    _ => Vec::new(),
                },
                material_rules: step.expected_materials.clone(),
                product_rules: step.expected_products.clone(),
                change: Change::Same,
                what_changed: Vec::new(),
                predicates: step
                    .expected_predicates
                    .iter()
                    .map(|p| ExpectedPredicateView {
                        predicate_type: p.predicate_type.clone(),
                        title: crate::attest::PredicateKind::of(&p.predicate_type)
                            .title()
                            .to_owned(),
                        functionaries: p.functionaries.clone(),
                        threshold: p.threshold() as u64,
                        attributes: p
                            .expected_attributes
                            .iter()
                            .map(|a| a.rule.clone())
                            .collect(),
                    })
                    .collect(),
            }
        })
        .collect();
    let parsed: Vec<(Vec<ArtifactRule>, Vec<ArtifactRule>)> = layout
        .steps
        .iter()
        .map(|step| {
            let parse = |texts: &[String]| -> Vec<ArtifactRule> {
                texts
                    .iter()
                    .filter_map(|text| ArtifactRule::parse_text(text).ok())
                    .collect()
            };
            (
                parse(&step.expected_materials),
                parse(&step.expected_products),
            )
        })
        .collect();
    let holders = parsed
        .iter()
        .enumerate()
        .map(|(i, (m, p))| (i, m.iter().collect(), p.iter().collect()))
        .collect();
    let edges = match_edges(&mut nodes, holders);
    StepGraph::build(nodes, edges)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    pub(crate) fn layout(steps: serde_json::Value, inspect: serde_json::Value) -> Layout {
        serde_json::from_value(json!({
            "_type": "layout", "expires": "2099-12-31T00:00:00Z", "readme": "", "keys": {},
            "steps": steps, "inspect": inspect,
        }))
        .unwrap()
    }

    fn step(name: &str, materials: serde_json::Value) -> serde_json::Value {
        json!({"_type": "step", "name": name, "threshold": 1, "pubkeys": [],
               "expected_command": [], "expected_materials": materials, "expected_products": [["ALLOW", "*"]]})
    }

    #[test]
    fn match_rules_become_edges_and_unknown_steps_become_missing_nodes() {
        let layout = layout(
            json!([
                step("create", json!([])),
                step(
                    "build",
                    json!([
                        ["MATCH", "demo/*", "WITH", "PRODUCTS", "FROM", "create"],
                        ["DISALLOW", "*"]
                    ])
                ),
            ]),
            json!([{"_type": "inspection", "name": "untar", "run": ["tar", "xf", "x.tgz"],
                    "expected_materials": [["MATCH", "x.tgz", "WITH", "PRODUCTS", "FROM", "package"]],
                    "expected_products": []}]),
        );
        let graph = StepGraph::of(&layout);
        let names: Vec<_> = graph
            .nodes
            .iter()
            .map(|n| (n.name.as_str(), n.kind))
            .collect();
        assert_eq!(
            names,
            [
                ("create", NodeKind::Step),
                ("build", NodeKind::Step),
                ("untar", NodeKind::Inspection),
                ("package", NodeKind::Missing)
            ]
        );
        assert_eq!(graph.edges.len(), 2);
        assert_eq!((graph.edges[0].from, graph.edges[0].to), (0, 1));
        assert_eq!(graph.edges[0].pattern, "demo/*");
        assert_eq!(graph.edges[0].matched, ArtifactKind::Products);
        assert_eq!((graph.edges[1].from, graph.edges[1].to), (3, 2));
    }

    #[test]
    fn comparing_two_versions_marks_added_removed_and_changed() {
        let v1 = layout(
            json!([
                step("create", json!([])),
                step(
                    "build",
                    json!([["MATCH", "*", "WITH", "PRODUCTS", "FROM", "create"]])
                )
            ]),
            json!([]),
        );
        let v2 = layout(
            json!([
                step("create", json!([])),
                step(
                    "update",
                    json!([["MATCH", "*", "WITH", "PRODUCTS", "FROM", "create"]])
                ),
                step(
                    "build",
                    json!([["MATCH", "*", "WITH", "PRODUCTS", "FROM", "update"]])
                ),
            ]),
            json!([]),
        );
        let graph = StepGraph::compared(&v2, &v1);
        let changes: Vec<_> = graph
            .nodes
            .iter()
            .map(|n| (n.name.as_str(), n.change))
            .collect();
        assert_eq!(
            changes,
            [
                ("create", Change::Same),
                ("update", Change::Added),
                ("build", Change::Changed)
            ]
        );
        let edges: Vec<_> = graph
            .edges
            .iter()
            .map(|e| {
                (
                    graph.nodes[e.from].name.as_str(),
                    graph.nodes[e.to].name.as_str(),
                    e.change,
                )
            })
            .collect();
        assert_eq!(
            edges,
            [
                ("create", "update", Change::Added),
                ("update", "build", Change::Added),
                ("create", "build", Change::Removed)
            ]
        );
        assert!(graph.has_changes());
        assert!(!StepGraph::compared(&v2, &v2).has_changes());
    }
}
