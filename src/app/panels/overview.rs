//! The checks, findings and notes of what is open; the root history; what changed on disk.

use crate::shown::{Shown, shown};
use egui::RichText;

use super::{AMBER, BAD, GOOD, verdict_text};
use crate::app::ChangeNote;
use crate::trace::Outcome;
use crate::workspace::Workspace;

pub fn changes_ui(ui: &mut egui::Ui, changes: &ChangeNote) {
    egui::Frame::group(ui.style()).show(ui, |ui| {
        let (before, _) = verdict_text(changes.before);
        let (after, color) = verdict_text(changes.after);
        ui.horizontal(|ui| {
            ui.label(RichText::new("Changed on disk, reloaded.").strong());
            ui.label(
                RichText::new(format!("Verdict: {before} → {after}"))
                    .color(color)
                    .strong(),
            );
        });
        if !changes.roles.is_empty() {
            let shown_roles: Vec<String> = changes
                .roles
                .iter()
                .take(10)
                .map(|r| Shown(r).to_string())
                .collect();
            let more = changes.roles.len().saturating_sub(10);
            ui.label(
                RichText::new(format!(
                    "{} changed: {}{}",
                    if changes.roles.len() == 1 {
                        "Role"
                    } else {
                        "Roles"
                    },
                    shown_roles.join(", "),
                    if more > 0 {
                        format!(" and {more} more")
                    } else {
                        String::new()
                    }
                ))
                .strong(),
            );
        }
        let files = &changes.files;
        if files.is_empty() {
            ui.label("No file differs in size or time (it was rewritten as it was).");
        }
        for (what, names) in [
            ("added", &files.added),
            ("removed", &files.removed),
            ("modified", &files.modified),
        ] {
            for name in names.iter().take(20) {
                ui.label(RichText::new(format!("{what}: {}", Shown(name))).monospace());
            }
            if names.len() > 20 {
                ui.label(format!("… and {} more {what}", names.len() - 20));
            }
        }
    });
}

pub fn ui(workspace: &Workspace, ui: &mut egui::Ui) {
    egui::ScrollArea::vertical()
        .auto_shrink(false)
        .show(ui, |ui| {
            for note in &workspace.notes {
                ui.colored_label(AMBER, shown(note));
            }
            if let Some(report) = &workspace.tuf
                && !report.findings.is_empty()
            {
                ui.heading(format!(
                    "Security review ({} findings)",
                    report.findings.len()
                ));
                egui::Grid::new("findings")
                    .num_columns(3)
                    .striped(true)
                    .show(ui, |ui| {
                        for finding in &report.findings {
                            ui.label(format!("{:?}", finding.severity));
                            ui.label(shown(finding.role.as_deref().unwrap_or_default()));
                            ui.label(shown(&finding.message))
                                .on_hover_text(shown(&finding.hint));
                            ui.end_row();
                        }
                    });
                ui.add_space(8.0);
            }
            let Some(trace) = workspace.trace() else {
                return;
            };
            ui.heading(format!("Checks ({})", trace.count()));
            // A group (16,384 hash bins that passed alike) is one row; opening it lists its
            // checks, written as they scroll into view.
            let open_id = egui::Id::unique("chainscope.checks.open_group");
            let open: Option<usize> = ui
                .data(|d| d.get_temp::<usize>(open_id))
                .filter(|&index| trace.checks.get(index).is_some_and(|c| c.group.is_some()));
            let open_len = open.map_or(0, |index| trace.checks[index].weight());
            let mut numbers = Vec::with_capacity(trace.checks.len());
            let mut next = 1;
            for check in &trace.checks {
                numbers.push(next);
                next += check.weight();
            }
            let row_height = ui.spacing().interact_size.y;
            let mut toggled = None;
            egui::ScrollArea::vertical()
                .id_salt("checks")
                .max_height(ui.available_height().max(200.0))
                .show_rows(ui, row_height, trace.checks.len() + open_len, |ui, rows| {
                    for row in rows {
                        let (index, member) = match open {
                            Some(at) if row > at && row <= at + open_len => {
                                (at, Some(row - at - 1))
                            }
                            Some(at) if row > at + open_len => (row - open_len, None),
                            _ => (row, None),
                        };
                        let entry = &trace.checks[index];
                        let written;
                        let (check, number) = match (member, &entry.group) {
                            (Some(k), Some(group)) => {
                                let Some(check) = group.check(k) else {
                                    continue;
                                };
                                written = check;
                                (&written, numbers[index] + k)
                            }
                            _ => (entry, numbers[index]),
                        };
                        let (mark, color) = match &check.outcome {
                            Outcome::Pass => ("ok", GOOD),
                            Outcome::Fail { .. } => ("FAIL", BAD),
                            Outcome::Warn { .. } => ("warn", AMBER),
                            Outcome::Skipped { .. } => ("skip", ui.visuals().weak_text_color()),
                        };
                        ui.horizontal(|ui| {
                            if member.is_some() {
                                ui.add_space(16.0);
                            }
                            let label = match (&check.group, member) {
                                (Some(group), None) => {
                                    format!("{}–{}", number, number + group.len() - 1)
                                }
                                _ => format!("{number:>4}"),
                            };
                            ui.label(RichText::new(label).monospace());
                            ui.colored_label(color, mark);
                            ui.label(RichText::new(check.id).monospace().small());
                            if let (Some(group), None) = (&check.group, member) {
                                let is_open = open == Some(index);
                                let text = format!(
                                    "{} {} ({} checks)",
                                    if is_open { "▾" } else { "▸" },
                                    check.subject,
                                    group.len()
                                );
                                let action = if is_open {
                                    "Click to fold these checks back into one row."
                                } else {
                                    "Click to list every check of the group."
                                };
                                if ui
                                    .selectable_label(is_open, shown(&text))
                                    .on_hover_text(format!("{}\n{action}", shown(&check.title)))
                                    .clicked()
                                {
                                    toggled = Some((!is_open).then_some(index));
                                }
                                return;
                            }
                            let response = ui.label(shown(&check.title));
                            if let Outcome::Fail { failure } = &check.outcome {
                                response.on_hover_text(failure.headline());
                            }
                        });
                    }
                });
            if let Some(open) = toggled {
                ui.data_mut(|d| match open {
                    Some(index) => {
                        d.insert_temp(open_id, index);
                    }
                    None => d.remove::<usize>(open_id),
                });
            }
            if let Some((index, check)) = trace.first_failure()
                && let Outcome::Fail { failure } = &check.outcome
            {
                ui.separator();
                ui.label(
                    RichText::new(format!(
                        "First failure: check {} ({})",
                        trace.number(index),
                        check.id
                    ))
                    .color(BAD)
                    .strong(),
                );
                ui.label(shown(&failure.headline()));
                if let Some(hint) = &failure.hint {
                    ui.label(RichText::new(shown(hint)).italics());
                }
            }
        });
}

pub fn root_history_ui(workspace: &Workspace, ui: &mut egui::Ui) {
    let Some(report) = &workspace.tuf else {
        return;
    };
    egui::ScrollArea::vertical()
        .auto_shrink(false)
        .show(ui, |ui| {
            ui.heading(format!(
                "Root history ({} versions)",
                report.root_history.len()
            ));
            for version in &report.root_history {
                egui::Frame::group(ui.style()).show(ui, |ui| {
                    ui.label(
                        RichText::new(format!(
                            "{} (version {})",
                            version.file,
                            version.version.map_or("?".into(), |v| v.to_string())
                        ))
                        .strong(),
                    );
                    if let Some(problem) = &version.problem {
                        ui.colored_label(BAD, shown(problem));
                    }
                    if let Some(expires) = &version.expires {
                        ui.label(format!("expires {expires}"));
                    }
                    for role in &version.roles {
                        ui.label(format!(
                            "{}: {} of {}",
                            role.role,
                            role.threshold,
                            crate::shown::counted(role.keyids.len(), "key")
                        ));
                    }
                    if let (Some(by), Some(met)) =
                        (&version.signed_by_previous, version.previous_threshold_met)
                    {
                        ui.colored_label(
                            if met { GOOD } else { BAD },
                            format!("signed by the previous root's keys: {by}"),
                        );
                    }
                    if let (Some(by), Some(met)) =
                        (&version.signed_by_itself, version.own_threshold_met)
                    {
                        ui.colored_label(
                            if met { GOOD } else { BAD },
                            format!("signed by its own keys: {by}"),
                        );
                    }
                    for change in &version.changes {
                        ui.label(RichText::new(shown(change)).monospace());
                    }
                });
            }
        });
}
