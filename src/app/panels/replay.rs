//! The replay: the trace as a timeline (play, pause, step forward and back, jump to the first
//! failure), the current check with its message and hint, and for an artifact rule the queue
//! view: what each rule of the list saw and consumed, and the artifacts a failing rule names.

use crate::shown::{Shown, shown};
use egui::RichText;

use super::{amber, bad, good};
use crate::app::{AppState, Command, ReplayCommand};
use crate::replay::QueueView;
use crate::trace::{Outcome, Trace};
use crate::workspace::Workspace;

/// Paths listed per queue cell; the rest are counted.
const NAMES_SHOWN: usize = 8;

pub fn ui(
    state: &AppState,
    workspace: &Workspace,
    trace: &Trace,
    ui: &mut egui::Ui,
    commands: &mut Vec<Command>,
) {
    let total = trace.checks.len();
    if total == 0 {
        ui.label("Nothing was checked.");
        return;
    }
    let index = state.replay.index.min(total - 1);
    let check = &trace.checks[index];
    // Nothing in this row changes size from one check to the next, so a presenter's clicks
    // land on the same button every time: Play and Pause are as wide, the counter comes last.
    ui.horizontal(|ui| {
        let wide = |ui: &egui::Ui, texts: &[&str]| {
            texts
                .iter()
                .map(|text| {
                    let galley = egui::WidgetText::from(*text).into_galley(
                        ui,
                        Some(egui::TextWrapMode::Extend),
                        f32::INFINITY,
                        egui::TextStyle::Button,
                    );
                    galley.size().x + 2.0 * ui.spacing().button_padding.x
                })
                .fold(0.0, f32::max)
        };
        let play_width = wide(ui, &["Play", "Pause"]);
        let mut button = |ui: &mut egui::Ui, text: &str, hint: &str, command: ReplayCommand| {
            let width = if matches!(command, ReplayCommand::Play | ReplayCommand::Pause) {
                play_width
            } else {
                0.0
            };
            if ui
                .add(egui::Button::new(text).min_size(egui::vec2(width, 0.0)))
                .on_hover_text(hint)
                .clicked()
            {
                commands.push(Command::Replay(command));
            }
        };
        button(ui, "|<", "First check (Home)", ReplayCommand::To(0));
        button(
            ui,
            "< Back",
            "Previous check (Left, Page Up)",
            ReplayCommand::Back,
        );
        if state.replay.playing {
            button(ui, "Pause", "Stop playing (Space)", ReplayCommand::Pause);
        } else {
            button(
                ui,
                "Play",
                "Play the checks one after another, stopping at a failure (Space)",
                ReplayCommand::Play,
            );
        }
        button(
            ui,
            "Forward >",
            "Next check (Right, Page Down)",
            ReplayCommand::Forward,
        );
        button(ui, ">|", "Last check (End)", ReplayCommand::ToEnd);
        if trace.first_failure().is_some() {
            button(
                ui,
                "Jump to first failure",
                "The check that fails",
                ReplayCommand::FirstFailure,
            );
        }
        speed_ui(state, ui, commands);
        let mut position = index + 1;
        let slider = ui.add(egui::Slider::new(&mut position, 1..=total).show_value(false));
        if slider.changed() {
            commands.push(Command::Replay(ReplayCommand::To(position - 1)));
        }
        // Steps are the trace's entries; a group of checks (hash bins) is one step.
        let number = trace.number(index);
        let label = ui.label(if trace.count() == total {
            format!("check {number} of {total}")
        } else if check.weight() > 1 {
            format!(
                "step {} of {total}: checks {number}–{} of {}",
                index + 1,
                number + check.weight() - 1,
                trace.count()
            )
        } else {
            format!(
                "step {} of {total}: check {number} of {}",
                index + 1,
                trace.count()
            )
        });
        slider.labelled_by(label.id);
    });
    ui.separator();
    // Columns justify their text (spreading the letters of a long path); each side is laid
    // out as a plain column instead.
    ui.columns(2, |columns| {
        columns[0].vertical(|ui| check_ui(ui, trace.number(index), check));
        columns[1].vertical(|ui| {
            if let Some(queue) = QueueView::around(trace, index) {
                queue_ui(ui, &queue, &workspace.changes, index, commands);
            } else if !check.evidence.is_empty() {
                evidence_ui(ui, check);
            }
        });
    });
}

/// How long each check is shown while playing.
pub const SPEEDS: [(&str, u64); 5] = [
    ("¼×", 1400),
    ("½×", 700),
    ("1×", 350),
    ("2×", 175),
    ("4×", 90),
];

fn speed_ui(state: &AppState, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
    let current = state.replay_step.as_millis() as u64;
    let shown = SPEEDS
        .iter()
        .find(|(_, ms)| *ms == current)
        .map_or_else(|| format!("{current} ms"), |(name, _)| (*name).to_owned());
    egui::ComboBox::from_id_salt("replay_speed")
        .selected_text(shown)
        .width(48.0)
        .show_ui(ui, |ui| {
            for (name, ms) in SPEEDS {
                if ui.selectable_label(ms == current, name).clicked() {
                    commands.push(Command::SetReplayStep(std::time::Duration::from_millis(ms)));
                }
            }
        })
        .response
        .on_hover_text("Playing speed");
}

fn check_ui(ui: &mut egui::Ui, number: usize, check: &crate::trace::Check) {
    let (word, color) = match &check.outcome {
        Outcome::Pass => ("passed", good(ui)),
        Outcome::Warn { .. } => ("warning", amber(ui)),
        Outcome::Fail { .. } => ("FAILED", bad(ui)),
        Outcome::Skipped { .. } => ("skipped", ui.visuals().weak_text_color()),
    };
    egui::ScrollArea::vertical()
        .id_salt("replay_check")
        .show(ui, |ui| {
            // Wrapped: a long subject would run into the evidence column beside it.
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(word).color(color).strong());
                ui.label(RichText::new(format!("#{number} {}", check.id)).monospace());
                ui.label(RichText::new(check.subject.to_string()).strong());
            });
            ui.label(super::named_keys_in(ui, &shown(&check.title)));
            if let Some(group) = &check.group {
                ui.label(
                    RichText::new(format!(
                        "{} checks of {} roles, each passed; the Checks tab lists them.",
                        group.len(),
                        group.members()
                    ))
                    .weak(),
                );
            }
            if let Some(kind) = check.check_id() {
                ui.label(
                    RichText::new(format!("{}: {}", kind.section, kind.meaning))
                        .small()
                        .weak(),
                );
            }
            match &check.outcome {
                Outcome::Fail { failure } => {
                    ui.label(
                        RichText::new(super::named_keys_in(ui, &shown(&failure.headline())))
                            .color(bad(ui)),
                    );
                    if let Some(expected) = &failure.expected {
                        ui.label(format!("expected: {}", Shown(expected)));
                    }
                    if let Some(found) = &failure.found {
                        ui.label(format!("found: {}", Shown(found)));
                    }
                    if let Some(hint) = &failure.hint {
                        ui.label(RichText::new(format!("hint: {}", Shown(hint))).italics());
                    }
                }
                Outcome::Warn { message } => {
                    ui.colored_label(amber(ui), shown(message));
                }
                Outcome::Skipped { why } => {
                    ui.label(RichText::new(format!("skipped: {}", Shown(why))).italics());
                }
                Outcome::Pass => {}
            }
        });
}

fn evidence_ui(ui: &mut egui::Ui, check: &crate::trace::Check) {
    egui::ScrollArea::vertical()
        .id_salt("replay_evidence")
        .show(ui, |ui| {
            egui::Grid::new("evidence")
                .num_columns(2)
                .striped(true)
                .show(ui, |ui| {
                    // The core writes keys by their first 8 hex digits; named keys say who.
                    for (name, value) in &check.evidence {
                        ui.label(RichText::new(super::named_keys_in(ui, name.as_ref())).strong());
                        ui.label(super::named_keys_in(ui, &shown(value)));
                        ui.end_row();
                    }
                });
        });
}

fn names(ui: &egui::Ui, list: &[String], offending: &[String]) -> RichText {
    let mut text = list
        .iter()
        .take(NAMES_SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if list.len() > NAMES_SHOWN {
        text.push_str(&format!(" … and {} more", list.len() - NAMES_SHOWN));
    }
    if text.is_empty() {
        text = "—".into();
    }
    let text = RichText::new(shown(&text)).monospace();
    if list.iter().any(|p| offending.contains(p)) {
        text.color(bad(ui))
    } else {
        text
    }
}

fn queue_ui(
    ui: &mut egui::Ui,
    queue: &QueueView,
    changes: &[crate::evidence::Comparison],
    index: usize,
    commands: &mut Vec<Command>,
) {
    ui.label(
        RichText::new(format!(
            "Queue of {} {}",
            queue.owner,
            queue.list.field_name()
        ))
        .strong(),
    );
    if !queue.offending.is_empty() {
        ui.label(
            RichText::new(format!("Offending: {}", Shown(&queue.offending.join(", "))))
                .color(bad(ui))
                .strong(),
        );
    }
    for comparison in changes.iter().filter(|c| queue.offending.contains(&c.path)) {
        if ui
            .button(format!("Show what changed in {}", comparison.path))
            .on_hover_text("The version the link recorded beside the one verification found")
            .clicked()
        {
            commands.push(Command::ShowChange(Some(comparison.path.clone())));
        }
    }
    egui::ScrollArea::vertical()
        .id_salt("queue")
        .show(ui, |ui| {
            egui::Grid::new("queue_rules")
                .num_columns(3)
                .striped(true)
                .show(ui, |ui| {
                    ui.label(RichText::new("rule").strong());
                    ui.label(RichText::new("queue before").strong());
                    ui.label(RichText::new("consumed").strong());
                    ui.end_row();
                    for step in &queue.steps {
                        let mut rule = RichText::new(&step.rule).monospace();
                        if step.failed {
                            rule = rule.color(bad(ui));
                        }
                        if step.check == index {
                            rule = rule.strong().underline();
                        }
                        if ui.link(rule).clicked() {
                            commands.push(Command::Replay(ReplayCommand::To(step.check)));
                        }
                        ui.label(names(ui, &step.before, &queue.offending));
                        ui.label(names(ui, &step.consumed, &queue.offending));
                        ui.end_row();
                    }
                });
        });
}

/// The confirmation for running inspections: the exact commands, nothing runs without Run.
pub fn inspection_dialog(state: &AppState, ctx: &egui::Context, commands: &mut Vec<Command>) {
    let Some(asked) = &state.inspection_dialog else {
        return;
    };
    egui::Modal::new(egui::Id::unique("chainscope.inspections")).show(ctx, |ui| {
        ui.heading("Run the layout's inspections?");
        ui.label("These commands come from the layout and run on this machine, in a temporary copy of the artifacts, each for at most a minute:");
        for command in asked {
            ui.label(RichText::new(shown(&command.join(" "))).monospace().strong());
        }
        ui.label("Without this, the inspections' material rules are still checked and the rest is shown as skipped.");
        ui.horizontal(|ui| {
            if ui.button("Run these commands").clicked() {
                commands.push(Command::ConfirmInspections);
            }
            if ui.button("Don't run").clicked() {
                commands.push(Command::DismissInspections);
            }
        });
    });
}

/// A changed artifact, aligned for reading: per changed text member, its lines side by side.
pub struct ChangeView {
    pub path: String,
    pub members: Vec<(String, Vec<crate::evidence::Line>)>,
}

impl ChangeView {
    pub fn of(comparison: &crate::evidence::Comparison) -> ChangeView {
        use crate::evidence::{MemberChange, side_by_side};
        let members = comparison
            .changed()
            .filter_map(|change| match change {
                MemberChange::Changed { before, after } => Some((
                    before.name.clone(),
                    side_by_side(before.text.as_deref()?, after.text.as_deref()?),
                )),
                MemberChange::Added(member) => Some((
                    format!("{} (added)", member.name),
                    side_by_side("", member.text.as_deref()?),
                )),
                MemberChange::Removed(member) => Some((
                    format!("{} (removed)", member.name),
                    side_by_side(member.text.as_deref()?, ""),
                )),
                MemberChange::Same(_) => None,
            })
            .collect();
        ChangeView {
            path: comparison.path.clone(),
            members,
        }
    }
}

/// The changed artifact's window: where each version came from, what changed inside it, and
/// the changed text side by side.
pub fn change_window(
    state: &AppState,
    workspace: &Workspace,
    ctx: &egui::Context,
    commands: &mut Vec<Command>,
) {
    let Some(view) = &state.change_view else {
        return;
    };
    let Some(comparison) = workspace.changes.iter().find(|c| c.path == view.path) else {
        return;
    };
    let mut open = true;
    egui::Window::new(format!("What changed in {}", view.path))
        .id(egui::Id::unique("chainscope.change_window"))
        .open(&mut open)
        .default_size([900.0, 520.0])
        .show(ctx, |ui| {
            ui.label(format!("Left: {}", comparison.before_source));
            ui.label(RichText::new(format!("sha256 {}", comparison.before_sha256)).monospace().small());
            ui.label(format!("Right: {}", comparison.after_source));
            ui.label(RichText::new(format!("sha256 {}", comparison.after_sha256)).monospace().small());
            for change in comparison.changed() {
                use crate::evidence::MemberChange;
                let line = match change {
                    MemberChange::Added(m) => format!("added: {}", m.name),
                    MemberChange::Removed(m) => format!("removed: {}", m.name),
                    MemberChange::Changed { before, .. } => format!("changed: {}", before.name),
                    MemberChange::Same(_) => continue,
                };
                ui.label(RichText::new(line).color(bad(ui)).monospace());
            }
            ui.separator();
            egui::ScrollArea::vertical().id_salt("change_lines").show(ui, |ui| {
                for (name, lines) in &view.members {
                    ui.label(RichText::new(name).strong().monospace());
                    egui::Grid::new(("side_by_side", name)).num_columns(4).striped(false).show(ui, |ui| {
                        for line in lines {
                            let differs = line.differs();
                            let cell = |ui: &mut egui::Ui, side: &Option<(usize, String)>, color: egui::Color32| {
                                match side {
                                    Some((number, text)) => {
                                        ui.label(RichText::new(number.to_string()).monospace().weak());
                                        let mut text = RichText::new(text).monospace();
                                        if differs {
                                            text = text.background_color(color.gamma_multiply(0.35));
                                        }
                                        ui.label(text);
                                    }
                                    None => {
                                        ui.label("");
                                        ui.label("");
                                    }
                                }
                            };
                            cell(ui, &line.left, bad(ui));
                            cell(ui, &line.right, good(ui));
                            ui.end_row();
                        }
                    });
                }
            });
        });
    if !open {
        commands.push(Command::ShowChange(None));
    }
}
