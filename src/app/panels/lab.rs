//! The attack lab, for trainers: pick an attack, read what the attacker did and held, apply it
//! to a scratch copy of the demo with one click; the copy is verified again and the replay
//! stops at the check that catches it. Reset restores the copy. The attacks themselves, and
//! the copy, are the core's (`crate::attacks`); this panel only shows them and pushes
//! commands.

use std::path::PathBuf;
use std::sync::Arc;

use egui::RichText;

use super::{amber, bad, good, verdict_text};
use crate::app::{AppState, Command, LabCommand};
use crate::attacks::{Attack, Changes, Holder, Scratch, attacks_on, write_lab_sample};
use crate::samples::{DEMO, attestations};
use crate::trace::Verdict;
use crate::workspace::Workspace;

/// How a copy judged: its verdict and, when it fails, where.
#[derive(Debug, Clone)]
pub struct Judgement {
    pub verdict: Option<Verdict>,
    /// (check number from 1, id, subject, headline) of the first failure.
    pub failure: Option<(usize, &'static str, crate::trace::Subject, String)>,
}

impl Judgement {
    pub fn of(workspace: &Workspace) -> Judgement {
        let failure = workspace
            .trace()
            .and_then(|t| t.first_failure())
            .map(|(index, check)| {
                let headline = match &check.outcome {
                    crate::trace::Outcome::Fail { failure } => failure.headline(),
                    _ => String::new(),
                };
                (index + 1, check.id, check.subject.clone(), headline)
            });
        Judgement {
            verdict: workspace.verdict(),
            failure,
        }
    }

    /// How TUF alone judges an ITE-2 verification: its TUF checks only (those a TUF-only
    /// client runs to get the package), numbered as in the whole trace. `None` when what is
    /// open is not an ITE-2 verification.
    pub fn tuf_alone(workspace: &Workspace) -> Option<Judgement> {
        let trace = &workspace.ite2.as_ref()?.trace;
        let tuf: Vec<(usize, &crate::trace::Check)> = trace
            .checks
            .iter()
            .enumerate()
            .filter(|(_, check)| check.id.starts_with("tuf."))
            .collect();
        if tuf.is_empty() {
            return None;
        }
        let mut only_tuf = crate::trace::Trace::new(trace.target.clone());
        only_tuf.checks = tuf.iter().map(|(_, check)| (*check).clone()).collect();
        let failure = tuf
            .iter()
            .find(|(_, check)| check.failed())
            .map(|(index, check)| {
                let headline = match &check.outcome {
                    crate::trace::Outcome::Fail { failure } => failure.headline(),
                    _ => String::new(),
                };
                (index + 1, check.id, check.subject.clone(), headline)
            });
        Some(Judgement {
            verdict: Some(only_tuf.verdict()),
            failure,
        })
    }
}

/// An attack carried out on the copy.
#[derive(Debug, Clone)]
pub struct AppliedView {
    pub attack: Attack,
    pub changes: Changes,
    /// The all-online comparison: where it is and how it judged.
    pub all_online: Option<(PathBuf, Judgement)>,
    /// How the attacked copy judged, once its verification is in.
    pub copy: Option<Judgement>,
    /// How the copy's TUF checks alone judged it (an ITE-2 copy): what a TUF-only client
    /// would do with the attacked package.
    pub tuf_alone: Option<Judgement>,
}

pub struct AttackLab {
    pub open: bool,
    pub selected: usize,
    pub attacks: Vec<Attack>,
    /// The copy the attacks change; the original is never written.
    pub scratch: Option<Arc<Scratch>>,
    /// When the lab was opened on something else, the demo it wrote for itself.
    pub demo_dir: Option<Arc<tempfile::TempDir>>,
    /// What was open before the lab, reopened when it closes.
    pub before: Option<String>,
    pub applied: Option<AppliedView>,
    /// The copy is being made, attacked or reset on the worker.
    pub busy: bool,
    /// An attack asked for while the copy was still being made.
    pub queued: Option<usize>,
    pub message: Option<(bool, String)>,
    /// Why the lab cannot work on what is open (information, not an error).
    pub note: Option<String>,
    /// Closing was asked for with an attack applied: the user is asked first.
    pub confirm_close: bool,
}

impl Default for AttackLab {
    fn default() -> AttackLab {
        AttackLab {
            open: false,
            selected: 0,
            attacks: attacks_on(DEMO),
            scratch: None,
            demo_dir: None,
            before: None,
            applied: None,
            busy: false,
            queued: None,
            message: None,
            note: None,
            confirm_close: false,
        }
    }
}

impl AttackLab {
    /// The (ITE-2) copy is what the main views show now.
    pub fn shows_copy(&self, current: Option<&str>) -> bool {
        match (&self.scratch, current) {
            (Some(scratch), Some(current)) => std::path::Path::new(current) == scratch.path(),
            _ => false,
        }
    }

    /// What is shown is one of the lab's folders (the copy, the all-online comparison).
    pub fn shows_lab_folder(&self, current: Option<&str>) -> bool {
        match (&self.scratch, current) {
            (Some(scratch), Some(current)) => {
                std::path::Path::new(current).starts_with(scratch.root())
            }
            _ => false,
        }
    }
}

/// Asks before closing the lab drops an attacked copy.
pub fn close_dialog(state: &AppState, ctx: &egui::Context, commands: &mut Vec<Command>) {
    let lab = &state.lab;
    if !lab.confirm_close {
        return;
    }
    let attack = lab
        .applied
        .as_ref()
        .map_or("the attack", |applied| applied.attack.title);
    egui::Modal::new(egui::Id::unique("lab_close")).show(ctx, |ui| {
        ui.heading("Close the attack lab?");
        ui.label(format!(
            "The attacked copy ({attack}) is deleted with the lab; what was open before comes back."
        ));
        ui.horizontal(|ui| {
            if ui.button("Close and delete the copy").clicked() {
                commands.push(Command::Lab(LabCommand::CloseConfirmed));
            }
            if ui.button("Keep the lab open").clicked() {
                commands.push(Command::Lab(LabCommand::KeepOpen));
            }
        });
    });
}

pub fn ui(state: &AppState, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
    egui::ScrollArea::vertical()
        .id_salt("attack_lab")
        .auto_shrink(false)
        .show(ui, |ui| lab_ui(state, ui, commands));
}

fn lab_ui(state: &AppState, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
    let lab = &state.lab;
    if ui
        .button("Close the lab")
        .on_hover_text("Back to what was open")
        .clicked()
    {
        commands.push(Command::Lab(LabCommand::Close));
    }
    let Some(scratch) = &lab.scratch else {
        ui.label("The lab works on a scratch copy of the talk-alice-bob demo or of its attestation sample; the original is never changed.");
        if let Some(note) = &lab.note {
            ui.label(RichText::new(note).italics());
        }
        if let Some((ok, message)) = &lab.message {
            ui.colored_label(if *ok { good(ui) } else { bad(ui) }, message);
        }
        if ui.button("Open the demo in the lab").clicked() {
            commands.push(Command::Lab(LabCommand::OpenSample(DEMO)));
        }
        if ui
            .button("Open the attestation sample in the lab")
            .on_hover_text("The chain as in-toto attestations under an ITE-10 layout")
            .clicked()
        {
            commands.push(Command::Lab(LabCommand::OpenSample(attestations::NAME)));
        }
        return;
    };
    ui.label(
        RichText::new(format!(
            "Scratch copy of {} in {}; the original is never changed.",
            scratch.original().display(),
            scratch.root().display()
        ))
        .small(),
    );
    ui.horizontal(|ui| {
        let index = lab.selected;
        if ui
            .add_enabled(!lab.busy, egui::Button::new("Apply attack"))
            .on_hover_text(
                "Reset the copy, carry out the selected attack on it and verify it again",
            )
            .clicked()
        {
            commands.push(Command::Lab(LabCommand::Apply(index)));
        }
        if ui
            .add_enabled(!lab.busy, egui::Button::new("Reset copy"))
            .on_hover_text("Make the copy equal to the original again")
            .clicked()
        {
            commands.push(Command::Lab(LabCommand::Reset));
        }
        if lab.busy {
            super::busy_sign(ui);
        }
    });
    if let Some((ok, message)) = &lab.message {
        ui.colored_label(if *ok { good(ui) } else { bad(ui) }, message);
    }
    ui.separator();
    egui::ScrollArea::vertical()
        .id_salt("lab_attacks")
        .max_height(ui.available_height() * 0.45)
        .auto_shrink([false, true])
        .show(ui, |ui| {
            for (index, attack) in lab.attacks.iter().enumerate() {
                let applied = lab
                    .applied
                    .as_ref()
                    .is_some_and(|a| a.attack.id == attack.id);
                let text = format!(
                    "{}{}  · {}",
                    if applied { "▶ " } else { "" },
                    attack.title,
                    part_name(attack.catches.part)
                );
                let row = ui.selectable_label(lab.selected == index, text);
                if row.clicked() {
                    commands.push(Command::Lab(LabCommand::Select(index)));
                }
                // A selection made elsewhere (a command, the picture-taking option) scrolls
                // into view, over as many frames as the list takes to know its size; then the
                // user's scrolling is left alone.
                let scrolled_id = egui::Id::unique("chainscope.lab.scrolled_to");
                if lab.selected == index {
                    let (shown, frames) = ui
                        .data(|d| d.get_temp::<(usize, u8)>(scrolled_id))
                        .unwrap_or((usize::MAX, 0));
                    let mut frames = if shown == index { frames } else { 30 };
                    if ui.clip_rect().contains_rect(row.rect) {
                        frames = 0;
                    } else if frames > 0 {
                        row.scroll_to_me_animation(None, egui::style::ScrollAnimation::none());
                        ui.ctx().request_repaint();
                    }
                    ui.data_mut(|d| d.insert_temp(scrolled_id, (index, frames.saturating_sub(1))));
                }
            }
        });
    ui.separator();
    egui::ScrollArea::vertical()
        .id_salt("lab_attack")
        .auto_shrink(false)
        .show(ui, |ui| {
            if let Some(attack) = lab.attacks.get(lab.selected) {
                attack_ui(state, attack, ui, commands);
            }
        });
}

fn part_name(part: &str) -> &'static str {
    match part {
        "tuf" => "TUF",
        "ite2" => "ITE-2",
        "attest" => "ITE-10",
        _ => "in-toto",
    }
}

fn attack_ui(state: &AppState, attack: &Attack, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
    let lab = &state.lab;
    ui.heading(attack.title);
    if let Some(applied) = lab.applied.as_ref().filter(|a| a.attack.id == attack.id) {
        result_ui(state, applied, ui, commands);
        ui.separator();
    }
    if !attack.setup.is_empty() {
        ui.label(RichText::new("Before the attack (the owners)").strong());
        ui.label(attack.setup);
    }
    ui.label(RichText::new("What the attacker did").strong());
    ui.label(attack.did);
    ui.label(RichText::new("What the attacker had").strong());
    ui.label(attack.had);
    ui.label(RichText::new("Keys used").strong());
    if attack.keys.is_empty() {
        ui.label("none");
    }
    for key in attack.keys {
        let (who, color) = match key.holder {
            Holder::Attacker => ("attacker", bad(ui)),
            Holder::Owner => ("owner, before", good(ui)),
        };
        ui.horizontal_wrapped(|ui| {
            ui.colored_label(color, format!("DEMO-{} ({who})", key.key));
            ui.label(format!("signs {}", key.signs));
        });
    }
    ui.label(RichText::new("What stops it").strong());
    ui.label(attack.stopped_by);
    ui.label(format!(
        "Expected: {} fails at {} ({}){}",
        part_name(attack.catches.part),
        attack.catches.check,
        attack.catches.subject,
        attack
            .catches
            .kind
            .map(|k| format!(", {k}"))
            .unwrap_or_default()
    ));
}

/// How the attacked copy (and the all-online comparison) judged, and what changed.
fn result_ui(
    state: &AppState,
    applied: &AppliedView,
    ui: &mut egui::Ui,
    commands: &mut Vec<Command>,
) {
    let attack = &applied.attack;
    let showing_copy = state.lab.shows_copy(state.current.as_deref());
    match (&applied.all_online, &applied.copy) {
        (Some((path, twin)), Some(here)) => {
            ui.label(RichText::new("Side by side").strong());
            let shown = state.current.as_deref().map(std::path::Path::new) == Some(path);
            // Columns justify their text; each side is laid out as a plain column instead.
            ui.columns(2, |columns| {
                columns[0].vertical(|ui| {
                    judgement_ui(ui, "ITE-2 repository (this copy)", here, Some(attack));
                    if shown && ui.button("Show the ITE-2 copy").clicked() {
                        commands.push(Command::Lab(LabCommand::ShowCopy));
                    }
                });
                columns[1].vertical(|ui| {
                    judgement_ui(ui, "All-online repository", twin, Some(attack));
                    if !shown && ui.button("Show the all-online copy").clicked() {
                        commands.push(Command::Open(path.display().to_string()));
                    }
                });
            });
        }
        (None, Some(here)) => match &applied.tuf_alone {
            // TUF and in-toto beside what TUF alone would have done with the same copy: the
            // talk's point, that in-toto catches what a valid TUF signature lets through.
            Some(tuf_alone) => {
                ui.label(RichText::new("Side by side").strong());
                ui.columns(2, |columns| {
                    columns[0].vertical(|ui| {
                        judgement_ui(ui, "TUF and in-toto (ITE-2, this copy)", here, Some(attack));
                    });
                    columns[1].vertical(|ui| {
                        judgement_ui(ui, "TUF alone (its TUF checks)", tuf_alone, None);
                    });
                });
            }
            None => judgement_ui(ui, "This copy", here, Some(attack)),
        },
        (_, None) => {
            ui.label("Verifying the attacked copy …");
        }
    }
    if state
        .workspace()
        .and_then(|w| w.layout.as_ref())
        .is_some_and(|layout| layout.comparison.is_some())
    {
        let mut compare = state.graph.compare;
        if ui
            .checkbox(&mut compare, "Show what changed in the step graph")
            .on_hover_text("The step graph against the layout the repository listed before")
            .changed()
        {
            commands.push(Command::CompareLayouts(compare));
        }
    }
    if showing_copy
        && applied.copy.as_ref().is_some_and(|j| j.failure.is_some())
        && ui.button("Show the catching check in the replay").clicked()
    {
        commands.push(Command::Lab(LabCommand::ShowCatch));
    }
    egui::CollapsingHeader::new(format!(
        "Files changed in the copy: {}",
        applied.changes.all().count()
    ))
    .id_salt("lab_changes")
    .show(ui, |ui| {
        for (what, list) in [
            ("added", &applied.changes.added),
            ("modified", &applied.changes.modified),
            ("removed", &applied.changes.removed),
        ] {
            for path in list {
                ui.label(RichText::new(format!("{what}: {path}")).monospace().small());
            }
        }
    });
}

/// `attack`: where the attack is expected to be caught, for a judgement that should catch it
/// there.
fn judgement_ui(ui: &mut egui::Ui, title: &str, judgement: &Judgement, attack: Option<&Attack>) {
    ui.label(RichText::new(title).strong());
    let (verdict, color) = verdict_text(ui, judgement.verdict);
    ui.label(RichText::new(verdict).color(color).strong().size(16.0));
    match &judgement.failure {
        Some((number, id, subject, headline)) => {
            ui.label(RichText::new(format!("Caught at check {number}: {id}")).color(bad(ui)));
            ui.label(format!("{subject}: {}", crate::shown::Shown(headline)));
            if let Some(attack) = attack
                && (*id != attack.catches.check.id || *subject != attack.catches.subject)
            {
                ui.colored_label(
                    amber(ui),
                    format!(
                        "Not where the attack expects ({}, {})",
                        attack.catches.check, attack.catches.subject
                    ),
                );
            }
        }
        None => {
            ui.label(RichText::new("Every check passes: the attack succeeds here.").color(bad(ui)));
        }
    }
}

/// What the lab asks the worker to do.
pub enum LabJob {
    /// Copy this sample folder.
    Start(PathBuf),
    /// Write this lab sample into a folder of the lab's own and copy it.
    StartSample(&'static str),
    Apply(Arc<Scratch>, Box<Attack>, crate::time::UtcTime),
    Reset(Arc<Scratch>),
}

pub enum LabDone {
    Started {
        scratch: Arc<Scratch>,
        demo: Option<Arc<tempfile::TempDir>>,
    },
    Applied(Box<AppliedView>),
    Reset,
}

/// Runs one job (on the worker: everything here reads or writes files).
pub fn run(job: LabJob) -> Result<LabDone, String> {
    match job {
        LabJob::Start(original) => {
            let scratch = Scratch::new(&original).map_err(|e| crate::report::with_hint(&e))?;
            Ok(LabDone::Started {
                scratch: Arc::new(scratch),
                demo: None,
            })
        }
        LabJob::StartSample(name) => {
            let dir = tempfile::Builder::new()
                .prefix("chainscope-lab-sample-")
                .tempdir()
                .map_err(|e| format!("Cannot write the {name} sample: {e}"))?;
            let sample = write_lab_sample(dir.path(), name)
                .map_err(|e| format!("Cannot write the {name} sample: {e}"))?;
            let scratch = Scratch::new(&sample).map_err(|e| crate::report::with_hint(&e))?;
            Ok(LabDone::Started {
                scratch: Arc::new(scratch),
                demo: Some(Arc::new(dir)),
            })
        }
        LabJob::Apply(scratch, attack, now) => {
            apply(&scratch, *attack, now).map(|view| LabDone::Applied(Box::new(view)))
        }
        LabJob::Reset(scratch) => scratch
            .reset()
            .map(|()| LabDone::Reset)
            .map_err(|e| format!("Cannot reset the copy: {e}")),
    }
}

/// Carries out `attack` on the copy and judges the all-online comparison, when the attack
/// has one; the copy itself is verified by the usual load afterwards.
fn apply(
    scratch: &Scratch,
    attack: Attack,
    now: crate::time::UtcTime,
) -> Result<AppliedView, String> {
    let applied = scratch
        .attack(&attack)
        .map_err(|e| format!("{}: {e}", attack.title))?;
    let all_online = match applied.all_online {
        Some(path) => {
            let mut options = crate::workspace::LoadOptions::new(now);
            options.written_this_run = true;
            let workspace = crate::workspace::detect(&path.display().to_string())
                .and_then(|source| crate::workspace::load(&source, &options))
                .map_err(|e| format!("the all-online copy: {e}"))?;
            Some((path, Judgement::of(&workspace)))
        }
        None => None,
    };
    Ok(AppliedView {
        attack,
        changes: applied.changes,
        all_online,
        copy: None,
        tuf_alone: None,
    })
}
