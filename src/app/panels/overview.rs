//! The checks, findings and notes of what is open; the root history; what changed on disk.

use crate::shown::{Shown, shown};
use egui::RichText;

use super::{amber, bad, good, verdict_text};
use crate::app::ChangeNote;
use crate::trace::Outcome;
use crate::workspace::Workspace;

pub fn changes_ui(ui: &mut egui::Ui, changes: &ChangeNote) {
    egui::Frame::group(ui.style()).show(ui, |ui| {
        let (before, _) = verdict_text(ui, changes.before);
        let (after, color) = verdict_text(ui, changes.after);
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
    for note in &workspace.notes {
        ui.add(egui::Label::new(RichText::new(shown(note)).color(amber(ui))).wrap());
    }
    if let Some(report) = &workspace.tuf
        && !report.findings.is_empty()
    {
        egui::CollapsingHeader::new(
            RichText::new(format!(
                "Security review ({})",
                crate::shown::counted(report.findings.len(), "finding")
            ))
            .heading(),
        )
        .id_salt("findings")
        .default_open(true)
        .show(ui, |ui| {
            // At most a third of the tile: the checks keep the rest.
            egui::ScrollArea::vertical()
                .id_salt("findings_list")
                .max_height(ui.available_height() / 3.0)
                .show(ui, |ui| {
                    for finding in &report.findings {
                        ui.horizontal_top(|ui| {
                            ui.add_sized(
                                [60.0, ui.spacing().interact_size.y],
                                egui::Label::new(format!("{:?}", finding.severity)),
                            );
                            ui.add_sized(
                                [80.0, ui.spacing().interact_size.y],
                                egui::Label::new(shown(
                                    finding.role.as_deref().unwrap_or_default(),
                                ))
                                .truncate(),
                            );
                            ui.add(egui::Label::new(shown(&finding.message)).wrap())
                                .on_hover_text(shown(&finding.hint));
                        });
                    }
                });
        });
        ui.add_space(4.0);
    }
    let Some(trace) = workspace.trace() else {
        return;
    };
    if let Some((index, check)) = trace.first_failure()
        && let Outcome::Fail { failure } = &check.outcome
    {
        ui.label(
            RichText::new(format!(
                "First failure: check {} ({})",
                trace.number(index),
                check.id
            ))
            .color(bad(ui))
            .strong(),
        );
        ui.add(egui::Label::new(shown(&failure.headline())).wrap());
        if let Some(hint) = &failure.hint {
            ui.add(egui::Label::new(RichText::new(shown(hint)).italics()).wrap());
        }
        ui.add_space(4.0);
    }
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
    // A group just opened comes to the top of the list, its first checks under it.
    let scroll_id = egui::Id::unique("chainscope.checks.scroll_to_group");
    let scroll_to = ui.data_mut(|d| d.remove_temp::<usize>(scroll_id));
    let mut list = egui::ScrollArea::vertical()
        .id_salt("checks")
        .max_height(ui.available_height().max(200.0));
    if let Some(index) = scroll_to {
        list =
            list.vertical_scroll_offset(index as f32 * (row_height + ui.spacing().item_spacing.y));
    }
    list.show_rows(ui, row_height, trace.checks.len() + open_len, |ui, rows| {
        for row in rows {
            let (index, member) = match open {
                Some(at) if row > at && row <= at + open_len => (at, Some(row - at - 1)),
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
                Outcome::Pass => ("ok", good(ui)),
                Outcome::Fail { .. } => ("FAIL", bad(ui)),
                Outcome::Warn { .. } => ("warn", amber(ui)),
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
                d.insert_temp(scroll_id, index);
            }
            None => d.remove::<usize>(open_id),
        });
    }
}

pub fn root_history_ui(workspace: &Workspace, ui: &mut egui::Ui) {
    let Some(report) = &workspace.tuf else {
        return;
    };
    egui::ScrollArea::vertical()
        .auto_shrink(false)
        .show(ui, |ui| {
            ui.heading(format!(
                "Root history ({})",
                crate::shown::counted(report.root_history.len(), "version")
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
                        ui.colored_label(bad(ui), shown(problem));
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
                            if met { good(ui) } else { bad(ui) },
                            format!("signed by the previous root's keys: {by}"),
                        );
                    }
                    if let (Some(by), Some(met)) =
                        (&version.signed_by_itself, version.own_threshold_met)
                    {
                        ui.colored_label(
                            if met { good(ui) } else { bad(ui) },
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
