//! The selection's details: for a step, its functionaries, expected command, rules and the
//! links found with who signed them; for a role, its keys and which signatures are valid,
//! version, expiry, hash status, findings, source file and raw JSON.

use crate::shown::{Shown, shown, shown_lines};
use egui::RichText;

use super::{bad, good};
use crate::app::{AppState, Command, Selection};
use crate::crypto::SignatureStatus;
use crate::graph::NodeKind;
use crate::graph::tree::Row;
use crate::workspace::Workspace;

#[derive(Default)]
pub struct DetailsPanel {
    /// The raw JSON of the selected role, rendered once per selection.
    raw: Option<(String, String)>,
}

pub fn ui(
    state: &mut AppState,
    workspace: &Workspace,
    ui: &mut egui::Ui,
    commands: &mut Vec<Command>,
) {
    egui::ScrollArea::vertical()
        .id_salt("details")
        .auto_shrink(false)
        .show(ui, |ui| match state.selection.clone() {
            Selection::Nothing => nothing_selected(workspace, ui, commands),
            Selection::Step(name) => step_ui(workspace, &name, ui),
            Selection::Role { role, delegator } => {
                role_ui(&mut state.details, workspace, &role, &delegator, ui)
            }
        });
}

fn nothing_selected(workspace: &Workspace, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
    if let Some((index, check)) = workspace.trace().and_then(|t| t.first_failure())
        && let crate::trace::Outcome::Fail { failure } = &check.outcome
    {
        egui::Frame::group(ui.style())
            .stroke(egui::Stroke::new(1.5, bad(ui)))
            .show(ui, |ui| {
                ui.label(
                    RichText::new(format!("Fails at check {} ({})", index + 1, check.id))
                        .color(bad(ui))
                        .strong(),
                );
                ui.label(format!("{}: {}", check.subject, Shown(&check.title)));
                ui.label(shown(&failure.headline()));
                if let Some(hint) = &failure.hint {
                    ui.label(RichText::new(shown(hint)).italics());
                }
            });
        ui.add_space(6.0);
    }
    // Only what is there to select is offered.
    ui.label(
        match (workspace.layout.is_some(), workspace.tree.is_some()) {
            (true, true) => "Select a step in the graph or a role in the tree.",
            (true, false) => "Select a step in the graph.",
            (false, true) => "Select a role in the tree.",
            (false, false) => "Nothing here to select: the file's report is in the File tab.",
        },
    );
    if let Some(layout) = &workspace.layout {
        ui.add_space(8.0);
        ui.strong("Steps");
        for node in &layout.graph.nodes {
            if ui.link(shown(&node.name)).clicked() {
                commands.push(Command::Select(Selection::Step(node.name.clone())));
            }
        }
    }
    if !workspace.notes.is_empty() {
        ui.add_space(8.0);
        ui.strong("Notes");
        for note in &workspace.notes {
            ui.label(note);
        }
    }
}

fn list(ui: &mut egui::Ui, title: &str, items: &[String]) {
    if items.is_empty() {
        ui.label(format!("{title}: none"));
        return;
    }
    egui::CollapsingHeader::new(format!("{title} ({})", items.len()))
        .default_open(items.len() <= 12)
        .show(ui, |ui| {
            for item in items {
                ui.label(RichText::new(shown(item)).monospace());
            }
        });
}

fn step_ui(workspace: &Workspace, name: &str, ui: &mut egui::Ui) {
    let Some(layout) = &workspace.layout else {
        return;
    };
    let Some(node) = layout.graph.nodes.iter().find(|n| n.name == name) else {
        ui.label(format!("{} is not in this layout.", Shown(name)));
        return;
    };
    let kind = match node.kind {
        NodeKind::Step => "Step",
        NodeKind::Inspection => "Inspection",
        NodeKind::Missing => "Missing step",
    };
    ui.heading(format!("{kind} {}", node.name));
    if node.kind == NodeKind::Missing {
        ui.colored_label(bad(ui), "A MATCH rule names this step, but the layout has no step of that name: the rule can never find its artifacts.");
        return;
    }
    if node.kind == NodeKind::Step && node.predicates.is_empty() {
        ui.label(format!(
            "Threshold: {} of {} functionaries",
            node.threshold,
            node.functionaries.len()
        ));
        for keyid in &node.functionaries {
            super::key_label(ui, keyid);
        }
    }
    // An ITE-10 step: what it expects, by predicate type, from whom, and its CEL rules.
    for predicate in &node.predicates {
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.label(RichText::new(format!("Expects {}", predicate.title)).strong());
            ui.label(
                RichText::new(shown(&predicate.predicate_type))
                    .monospace()
                    .weak(),
            );
            ui.label(format!(
                "{}:",
                crate::graph::of_functionaries(predicate.threshold, predicate.functionaries.len())
            ));
            for keyid in &predicate.functionaries {
                super::key_label(ui, keyid);
            }
            if !predicate.attributes.is_empty() {
                ui.label(RichText::new("Attribute rules (CEL)").strong());
                for rule in &predicate.attributes {
                    ui.add(
                        egui::Label::new(RichText::new(shown(rule)).monospace())
                            .wrap_mode(egui::TextWrapMode::Wrap),
                    );
                }
            }
        });
    }
    let command_title = if node.kind == NodeKind::Step {
        "Expected command"
    } else {
        "Runs"
    };
    ui.label(RichText::new(command_title).strong());
    ui.label(
        RichText::new(if node.command.is_empty() {
            "(none)".to_owned()
        } else {
            shown(&node.command.join(" ")).into_owned()
        })
        .monospace(),
    );
    ui.add_space(6.0);
    ui.label(RichText::new("Material rules").strong());
    for rule in &node.material_rules {
        ui.label(RichText::new(rule).monospace());
    }
    ui.label(RichText::new("Product rules").strong());
    for rule in &node.product_rules {
        ui.label(RichText::new(rule).monospace());
    }
    ui.add_space(6.0);
    let links: Vec<_> = layout.links_of(name).collect();
    let found = if node.predicates.is_empty() {
        "Links"
    } else {
        "Attestations"
    };
    ui.label(RichText::new(format!("{found} found: {}", links.len())).strong());
    if node.kind == NodeKind::Step && links.is_empty() {
        ui.colored_label(
            bad(ui),
            format!(
                "No {} for this step was found.",
                found.to_lowercase().trim_end_matches('s')
            ),
        );
    }
    for link in links {
        egui::Frame::group(ui.style()).show(ui, |ui| {
            super::path_label(ui, &link.source, true);
            let signers: Vec<String> = link
                .signers
                .iter()
                .map(|k| super::key_text(ui, k))
                .collect();
            let authorized = link.by_functionary;
            let color = if authorized { good(ui) } else { bad(ui) };
            ui.colored_label(
                color,
                format!(
                    "Signed by {}{}",
                    signers.join(", "),
                    if authorized {
                        " (a functionary of this step)"
                    } else {
                        " (not a functionary of this step)"
                    }
                ),
            );
            ui.label(format!("Command: {}", Shown(&link.command.join(" "))));
            list(ui, "Materials", &link.materials);
            list(ui, "Products", &link.products);
        });
    }
}

fn role_ui(
    details: &mut DetailsPanel,
    workspace: &Workspace,
    role: &str,
    delegator: &str,
    ui: &mut egui::Ui,
) {
    ui.heading(format!("Role {}", Shown(role)));
    ui.label(format!("Delegated by {}", Shown(delegator)));
    let Some(tree) = &workspace.tree else {
        return;
    };
    if let Some((keyids, threshold)) = tree.authority(role, delegator) {
        ui.label(if keyids.len() == 1 {
            format!("Needs {threshold} of this key:")
        } else {
            format!("Needs {threshold} of these {} keys:", keyids.len())
        });
        let status = tree.rows.iter().find_map(|row| match row {
            Row::Role(r) if r.role == role && r.delegator == delegator => tree.status(r),
            Row::Bins(b) if b.delegator == delegator => b
                .bin_of(role)
                .and_then(|bin| b.loaded.get(&bin))
                .map(|&i| &*tree.statuses[i]),
            _ => None,
        });
        let checks = status.and_then(|s| s.signatures.as_ref());
        for keyid in &keyids {
            let signed = checks.and_then(|report| report.checks.iter().find(|c| &c.keyid == keyid));
            let (text, color) = match signed.map(|c| &c.status) {
                Some(SignatureStatus::Counted) => ("valid signature", good(ui)),
                Some(SignatureStatus::Invalid(_)) => ("INVALID signature", bad(ui)),
                Some(_) => ("signature not counted", bad(ui)),
                None => ("no signature", ui.visuals().weak_text_color()),
            };
            ui.horizontal(|ui| {
                super::key_label(ui, keyid);
                ui.colored_label(color, text);
            });
        }
        if let Some(status) = status {
            ui.add_space(6.0);
            egui::Grid::new("role_status")
                .num_columns(2)
                .striped(true)
                .show(ui, |ui| {
                    let mut row = |name: &str, value: String| {
                        ui.label(RichText::new(name).strong());
                        ui.label(shown(&value));
                        ui.end_row();
                    };
                    if let Some(summary) = &status.signature_summary {
                        row("Signatures", summary.clone());
                    }
                    row(
                        "Version",
                        status.version.map_or("—".into(), |v| v.to_string()),
                    );
                    if let Some(expected) = status.expected_version {
                        row("Snapshot lists", format!("version {expected}"));
                    }
                    row(
                        "Expires",
                        status.expires.clone().unwrap_or_else(|| "—".into()),
                    );
                    row(
                        "Length and hashes",
                        match &status.length_and_hashes {
                            Some(Ok(())) => "match".into(),
                            Some(Err(problem)) => problem.clone(),
                            None => "not listed".into(),
                        },
                    );
                    if let Some(count) = status.target_count {
                        row("Targets", count.to_string());
                    }
                    if status.from_trusted_copy {
                        row("From", "the client's trusted copy".into());
                    }
                    ui.label(RichText::new("Source file").strong());
                    super::path_label(ui, status.file.as_deref().unwrap_or("—"), false);
                    ui.end_row();
                });
            if let Some(problem) = &status.problem {
                ui.colored_label(bad(ui), shown(problem));
            }
        } else {
            ui.label("The client did not get as far as this role.");
        }
    }
    if let Some(report) = &workspace.tuf {
        let findings: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.role.as_deref() == Some(role))
            .collect();
        if !findings.is_empty() {
            ui.add_space(6.0);
            ui.label(RichText::new("Findings").strong());
            for finding in findings {
                ui.label(format!(
                    "{:?}: {}",
                    finding.severity,
                    Shown(&finding.message)
                ));
                ui.label(RichText::new(format!("Hint: {}", shown(&finding.hint))).italics());
            }
        }
    }
    egui::CollapsingHeader::new("Raw JSON (signed part)")
        .id_salt(("raw", role))
        .show(ui, |ui| {
            let key = format!("{delegator}/{role}");
            if details.raw.as_ref().is_none_or(|(k, _)| *k != key) {
                details.raw = Some((key, raw_json(workspace, role)));
            }
            if let Some((_, text)) = &details.raw {
                ui.label(RichText::new(shown_lines(text)).monospace().small());
            }
        });
}

fn raw_json(workspace: &Workspace, role: &str) -> String {
    let Some(verified) = workspace.tuf.as_ref().and_then(|r| r.verified.as_ref()) else {
        return "(not verified)".into();
    };
    let value = match role {
        "root" => Some(verified.root.signed_value()),
        "timestamp" => verified.timestamp.as_ref().map(|m| m.signed_value()),
        "snapshot" => verified.snapshot.as_ref().map(|m| m.signed_value()),
        other if !verified.roles.contains_key(other) => None,
        other => match verified.role(other) {
            Ok(metadata) => Some(metadata.signed_value()),
            Err(error) => return crate::report::with_hint(&error),
        },
    };
    match value {
        Some(value) => serde_json::to_string_pretty(&value).unwrap_or_default(),
        None => "(this role did not verify, so it is not shown)".into(),
    }
}
