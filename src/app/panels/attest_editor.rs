//! The ITE-10/11 attestation layout editor, in the Edit layout tab: functionaries from key
//! files, steps with their artifact rules, expected predicates (type, functionaries,
//! threshold) and attribute rules whose CEL is checked as you type. Every change is a core
//! [`AttestAction`] (undo and redo are the core's); the lint list is the core's
//! ([`crate::attest::lint`]); saving writes the YAML attestation-verifier reads, or, once
//! signed with a key from the signing dialog, the DSSE envelope around it, off the UI thread.

use std::collections::BTreeMap;
use std::path::PathBuf;

use egui::RichText;

use super::{amber, bad, good};
use crate::app::{AppState, Command};
use crate::attest::layout::{AttestationLayout, AttributeRule};
use crate::crypto::{Passphrase, PrivateKey, PublicKey};
use crate::edit::attest_layout::{AttestAction, AttestLayoutDocument, SavedForm};
use crate::edit::lint::{LintFinding, Location, Severity};
use crate::shown::Shown;
use crate::time::UtcTime;
use crate::trace::RuleList;

/// Predicate types offered by the type menu (any other can be typed).
const KNOWN_TYPES: &[&str] = &[
    "https://in-toto.io/attestation/link/v0.3",
    "https://slsa.dev/provenance/v1",
    "https://slsa.dev/provenance/v0.2",
    "https://in-toto.io/attestation/test-result/v0.1",
    "https://slsa.dev/verification_summary/v1",
    "https://spdx.dev/Document",
    "https://cyclonedx.org/bom",
    "https://github.com/npm/attestation/tree/main/specs/publish/v0.1",
    "https://docs.pypi.org/attestations/publish/v1",
];

/// What the editor does.
#[derive(Debug, Clone, PartialEq)]
pub enum AttestEditorCommand {
    /// A new layout (a year from now, no steps).
    New,
    /// Edit the ITE-10 layout of the opened attestation folder.
    FromOpened,
    /// Edit the ITE-10 layout in this file.
    Open(PathBuf),
    Apply(AttestAction),
    Undo,
    Redo,
    Select(Option<String>),
    /// Read a public key file and add it as a functionary.
    AddFunctionary(PathBuf),
    /// Sign the layout as it is now (DSSE) with the private key in this file.
    Sign {
        key_file: PathBuf,
        passphrase: Option<Passphrase>,
    },
    Save(PathBuf),
    /// Show this editor (true) or the in-toto layout editor (false) in the Edit layout tab.
    Show(bool),
    /// Save where the unsaved-changes question says, then do what it held back.
    SaveAndContinue,
    DiscardAndContinue,
    KeepEditing,
}

/// A text field being typed into, before its change is applied.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Field {
    Expires,
    Rename(String),
    Rules(String, RuleList),
    PredicateType(String, usize),
    Attribute(String, usize, usize),
    Debug(String, usize, usize),
    /// The rule typed for a new attribute of this predicate.
    NewAttribute(String, usize),
}

/// The open attestation layout and the form fields around it.
#[derive(Default)]
pub struct AttestEditor {
    pub document: Option<AttestLayoutDocument>,
    /// Shown in the Edit layout tab (rather than the in-toto layout editor).
    pub shown: bool,
    /// What the file last saved (or opened) holds: the document is unsaved when it differs.
    saved: Option<SavedForm>,
    pub save_path: String,
    pub selected: Option<String>,
    pub new_step: String,
    pub new_predicate_type: String,
    pub key_path: String,
    /// Texts being typed, by field; dropped when the document changes under them.
    drafts: BTreeMap<Field, String>,
    drafts_revision: u64,
    /// The lint of one revision.
    findings: Option<(u64, Vec<LintFinding>)>,
    pub message: Option<(bool, String)>,
    /// A key is being read or the layout saved.
    pub working: bool,
}

impl AttestEditor {
    /// Starts editing `document`; `from_file`: it is what a file holds (not a new layout).
    pub fn start(&mut self, document: AttestLayoutDocument, from_file: bool) {
        self.saved = from_file.then(|| document.saved_form());
        // A step already chosen stays chosen when the layout has it.
        let steps = &document.layout().steps;
        if !self
            .selected
            .as_ref()
            .is_some_and(|name| steps.iter().any(|s| s.name == *name))
        {
            self.selected = steps.first().map(|s| s.name.clone());
        }
        self.document = Some(document);
        self.drafts.clear();
        self.findings = None;
        self.shown = true;
    }

    pub fn set_saved(&mut self, form: SavedForm) {
        self.saved = Some(form);
    }

    pub fn is_dirty(&self) -> bool {
        self.document.as_ref().is_some_and(|d| {
            !self
                .saved
                .as_ref()
                .is_some_and(|saved| d.is_saved_as(saved))
        })
    }

    fn findings(&mut self, now: UtcTime) -> Vec<LintFinding> {
        let Some(document) = &self.document else {
            return Vec::new();
        };
        match &self.findings {
            Some((revision, findings)) if *revision == document.revision() => findings.clone(),
            _ => {
                let findings = crate::attest::lint::lint(document.layout(), now);
                self.findings = Some((document.revision(), findings.clone()));
                findings
            }
        }
    }
}

/// What the editor asks the worker to do.
pub enum AttestJob {
    /// Read a layout file to edit.
    Open(PathBuf),
    Key(PathBuf),
    /// Read a private key to sign with (unlocking an encrypted one takes a moment).
    SigningKey {
        key_file: PathBuf,
        passphrase: Option<Passphrase>,
    },
    /// `bytes` (what `form` describes) written to `path`.
    Save {
        path: PathBuf,
        form: Box<SavedForm>,
        bytes: Vec<u8>,
    },
}

pub enum AttestJobDone {
    Opened(PathBuf, Result<Box<AttestLayoutDocument>, String>),
    Key(PathBuf, Result<PublicKey, String>),
    SigningKey(PathBuf, Result<Box<PrivateKey>, String>),
    Saved {
        path: PathBuf,
        form: Box<SavedForm>,
        result: Result<(), String>,
    },
}

/// Runs one job (on the worker: it reads or writes a file).
pub fn run(job: AttestJob) -> AttestJobDone {
    match job {
        AttestJob::Open(path) => {
            let result = crate::files::read_bounded(&path, crate::files::MAX_DOCUMENT)
                .map_err(|e| crate::report::chain(&e))
                .and_then(|bytes| {
                    AttestLayoutDocument::from_bytes(&bytes)
                        .map(Box::new)
                        .map_err(|e| e.to_string())
                })
                .map_err(|e| format!("{}: {e}", path.display()));
            AttestJobDone::Opened(path, result)
        }
        AttestJob::Key(path) => {
            let result = crate::crypto::keyfile::read_public_key(&path)
                .map_err(|e| format!("{}: {}", path.display(), crate::report::with_hint(&e)));
            AttestJobDone::Key(path, result)
        }
        AttestJob::SigningKey {
            key_file,
            passphrase,
        } => {
            let result = crate::crypto::keyfile::read_private_key(
                &key_file,
                passphrase.as_ref().map(Passphrase::expose),
            )
            .map(Box::new)
            .map_err(|e| format!("{}: {}", key_file.display(), crate::report::with_hint(&e)));
            AttestJobDone::SigningKey(key_file, result)
        }
        AttestJob::Save { path, form, bytes } => AttestJobDone::Saved {
            result: crate::files::write_atomic(&path, &bytes)
                .map_err(|e| format!("Could not write {}: {e}", path.display())),
            path,
            form,
        },
    }
}

fn edit(commands: &mut Vec<Command>, action: AttestAction) {
    commands.push(Command::AttestEditor(AttestEditorCommand::Apply(action)));
}

/// A text field holding a draft of `field` (starting from `current`); the change is applied
/// when the field loses focus (Enter, Tab or a click elsewhere) and differs from `current`.
fn drafted(
    drafts: &mut BTreeMap<Field, String>,
    field: Field,
    current: &str,
    label: &str,
    ui: &mut egui::Ui,
    edit: impl for<'t> FnOnce(&'t mut String) -> egui::TextEdit<'t>,
) -> (egui::Response, Option<String>) {
    let label = ui.label(label);
    let text = drafts
        .entry(field.clone())
        .or_insert_with(|| current.to_owned());
    let response = ui.add(edit(text)).labelled_by(label.id);
    let committed = (response.lost_focus() && text != current).then(|| text.clone());
    if response.lost_focus() {
        drafts.remove(&field);
    }
    (response, committed)
}

pub fn ui(state: &mut AppState, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
    let now = state.now.unwrap_or_else(UtcTime::now);
    let names = &state.key_names;
    let editor = &mut state.attest_editor;
    let Some(document) = &editor.document else {
        return;
    };
    if editor.drafts_revision != document.revision() {
        editor.drafts.clear();
        editor.drafts_revision = document.revision();
    }
    let layout = document.layout().clone();
    let (can_undo, can_redo) = (document.can_undo(), document.can_redo());
    let signers: Vec<String> = document
        .signatures()
        .iter()
        .map(|s| s.keyid.clone())
        .collect();
    let outdated = document.outdated_signatures().len();
    ui.horizontal_wrapped(|ui| {
        if ui
            .add_enabled(can_undo, egui::Button::new("Undo"))
            .clicked()
        {
            commands.push(Command::AttestEditor(AttestEditorCommand::Undo));
        }
        if ui
            .add_enabled(can_redo, egui::Button::new("Redo"))
            .clicked()
        {
            commands.push(Command::AttestEditor(AttestEditorCommand::Redo));
        }
        let dirty = editor.is_dirty();
        ui.label(RichText::new(if dirty { "unsaved changes" } else { "saved" }).italics());
    });
    ui.horizontal_wrapped(|ui| {
        let label = ui.label("Save as:");
        ui.add(
            egui::TextEdit::singleline(&mut editor.save_path)
                .hint_text("layout.yml")
                .desired_width(260.0),
        )
        .labelled_by(label.id);
        let path = editor.save_path.trim();
        if ui
            .add_enabled(
                !path.is_empty() && !editor.working,
                egui::Button::new("Save"),
            )
            .on_hover_text(if signers.is_empty() {
                "Writes the YAML attestation-verifier reads (unsigned)"
            } else {
                "Writes the signed layout: a DSSE envelope around it"
            })
            .clicked()
        {
            commands.push(Command::AttestEditor(AttestEditorCommand::Save(
                path.into(),
            )));
        }
        if ui
            .add_enabled(!editor.working, egui::Button::new("Sign…"))
            .on_hover_text(
                "Sign the layout as it is now (DSSE) with a private key; save to write the envelope",
            )
            .clicked()
        {
            commands.push(Command::OpenSignDialog(
                super::sign_dialog::SignFor::AttestLayout,
            ));
        }
        if editor.working {
            super::busy_sign(ui);
        }
    });
    if !signers.is_empty() {
        let names: Vec<String> = signers
            .iter()
            .map(|keyid| {
                if keyid.is_empty() {
                    "a key the envelope does not name".to_owned()
                } else {
                    super::key_text(ui, keyid)
                }
            })
            .collect();
        ui.add(
            egui::Label::new(RichText::new(format!(
                "Signed (DSSE) by {}: saving writes the envelope; verify it with --layout-key, or with the signer's .pub file beside it.",
                names.join(", ")
            ))
            .color(good(ui)))
            .wrap(),
        );
    } else if outdated > 0 {
        ui.add(
            egui::Label::new(RichText::new(format!(
                "{outdated} signature{} made before the last edits no longer cover{} the layout: saving writes it unsigned; sign it again.",
                if outdated == 1 { "" } else { "s" },
                if outdated == 1 { "s" } else { "" },
            ))
            .color(amber(ui)))
            .wrap(),
        );
    } else {
        ui.weak("Not signed: saving writes the YAML; sign it so verifiers can check who wrote it.");
    }
    if let Some((ok, message)) = &editor.message {
        ui.colored_label(if *ok { good(ui) } else { bad(ui) }, message);
    }
    ui.separator();
    let findings = editor.findings(now);
    egui::ScrollArea::vertical()
        .id_salt("attest_editor")
        .auto_shrink(false)
        .show(ui, |ui| {
            lint_ui(&findings, ui, commands);
            ui.separator();
            layout_fields_ui(editor, &layout, names, ui, commands);
            ui.separator();
            steps_ui(editor, &layout, ui, commands);
            if let Some(step) = editor
                .selected
                .clone()
                .and_then(|name| layout.steps.iter().find(|s| s.name == name))
            {
                ui.separator();
                step_ui(editor, &layout, step, names, ui, commands);
            }
        });
}

fn lint_ui(findings: &[LintFinding], ui: &mut egui::Ui, commands: &mut Vec<Command>) {
    ui.strong(format!("Lint ({} findings)", findings.len()));
    if findings.is_empty() {
        ui.colored_label(good(ui), "No findings.");
    }
    for finding in findings {
        let color = match finding.severity {
            Severity::Error => bad(ui),
            Severity::Warning => amber(ui),
        };
        let response = ui
            .link(RichText::new(Shown(&finding.message).to_string()).color(color))
            .on_hover_text(&finding.hint);
        if response.clicked() {
            let step = match &finding.location {
                Location::Step { name } | Location::StepThreshold { name } => Some(name.clone()),
                Location::RuleList { owner, .. } | Location::Rule { owner, .. } => {
                    Some(owner.clone())
                }
                Location::Attribute { step, .. } => Some(step.clone()),
                _ => None,
            };
            if step.is_some() {
                commands.push(Command::AttestEditor(AttestEditorCommand::Select(step)));
            }
        }
    }
}

fn layout_fields_ui(
    editor: &mut AttestEditor,
    layout: &AttestationLayout,
    names: &crate::app::key_names::KeyNames,
    ui: &mut egui::Ui,
    commands: &mut Vec<Command>,
) {
    ui.horizontal(|ui| {
        let (_, committed) = drafted(
            &mut editor.drafts,
            Field::Expires,
            &layout.expires,
            "Expires:",
            ui,
            |text| egui::TextEdit::singleline(text).desired_width(200.0),
        );
        if let Some(value) = committed {
            edit(commands, AttestAction::SetExpires(value.trim().to_owned()));
        }
    });
    ui.strong(format!("Functionaries ({})", layout.functionaries.len()));
    for keyid in layout.functionaries.keys() {
        ui.horizontal(|ui| {
            ui.label(Shown(&names.label(keyid)).to_string())
                .on_hover_text(names.hover(keyid));
            ui.label(
                RichText::new(Shown(&keyid.chars().take(16).collect::<String>()).to_string())
                    .monospace()
                    .weak(),
            );
            if ui
                .small_button("Remove")
                .on_hover_text("Removes the key and every predicate's mention of it")
                .clicked()
            {
                edit(commands, AttestAction::RemoveFunctionary(keyid.clone()));
            }
        });
    }
    ui.horizontal(|ui| {
        let label = ui.label("Add a key file:");
        ui.add(
            egui::TextEdit::singleline(&mut editor.key_path)
                .hint_text("carol.pub")
                .desired_width(200.0),
        )
        .labelled_by(label.id);
        let path = editor.key_path.trim();
        if ui
            .add_enabled(
                !path.is_empty() && !editor.working,
                egui::Button::new("Add"),
            )
            .clicked()
        {
            commands.push(Command::AttestEditor(AttestEditorCommand::AddFunctionary(
                path.into(),
            )));
        }
    });
}

fn steps_ui(
    editor: &mut AttestEditor,
    layout: &AttestationLayout,
    ui: &mut egui::Ui,
    commands: &mut Vec<Command>,
) {
    ui.strong(format!("Steps ({})", layout.steps.len()));
    ui.horizontal_wrapped(|ui| {
        for step in &layout.steps {
            let selected = editor.selected.as_deref() == Some(step.name.as_str());
            if ui
                .selectable_label(selected, Shown(&step.name).to_string())
                .clicked()
            {
                commands.push(Command::AttestEditor(AttestEditorCommand::Select(Some(
                    step.name.clone(),
                ))));
            }
        }
    });
    ui.horizontal(|ui| {
        let label = ui.label("New step:");
        ui.add(
            egui::TextEdit::singleline(&mut editor.new_step)
                .hint_text("new step name")
                .desired_width(160.0),
        )
        .labelled_by(label.id);
        let name = editor.new_step.trim().to_owned();
        if ui
            .add_enabled(!name.is_empty(), egui::Button::new("Add step"))
            .clicked()
        {
            edit(commands, AttestAction::AddStep(name.clone()));
            commands.push(Command::AttestEditor(AttestEditorCommand::Select(Some(
                name,
            ))));
            editor.new_step.clear();
        }
    });
}

fn step_ui(
    editor: &mut AttestEditor,
    layout: &AttestationLayout,
    step: &crate::attest::layout::Step,
    names: &crate::app::key_names::KeyNames,
    ui: &mut egui::Ui,
    commands: &mut Vec<Command>,
) {
    let name = step.name.clone();
    let at = layout
        .steps
        .iter()
        .position(|s| s.name == name)
        .unwrap_or(0);
    ui.horizontal_wrapped(|ui| {
        ui.heading(format!("Step {}", Shown(&name)));
        if ui
            .add_enabled(at > 0, egui::Button::new("Move up"))
            .clicked()
        {
            edit(
                commands,
                AttestAction::MoveStep {
                    name: name.clone(),
                    to: at - 1,
                },
            );
        }
        if ui
            .add_enabled(at + 1 < layout.steps.len(), egui::Button::new("Move down"))
            .clicked()
        {
            edit(
                commands,
                AttestAction::MoveStep {
                    name: name.clone(),
                    to: at + 1,
                },
            );
        }
        if ui.button("Remove step").clicked() {
            edit(commands, AttestAction::RemoveStep(name.clone()));
            commands.push(Command::AttestEditor(AttestEditorCommand::Select(None)));
        }
    });
    ui.horizontal(|ui| {
        let (_, committed) = drafted(
            &mut editor.drafts,
            Field::Rename(name.clone()),
            &name,
            "Name:",
            ui,
            |text| egui::TextEdit::singleline(text).desired_width(160.0),
        );
        if let Some(to) = committed {
            let to = to.trim().to_owned();
            edit(
                commands,
                AttestAction::RenameStep {
                    from: name.clone(),
                    to: to.clone(),
                },
            );
            commands.push(Command::AttestEditor(AttestEditorCommand::Select(Some(to))));
        }
    });
    for (list, rules, title) in [
        (
            RuleList::ExpectedMaterials,
            &step.expected_materials,
            "Expected materials (one rule a line)",
        ),
        (
            RuleList::ExpectedProducts,
            &step.expected_products,
            "Expected products (one rule a line)",
        ),
    ] {
        let current = rules.join("\n");
        let field = Field::Rules(name.clone(), list);
        let (_, committed) = drafted(
            &mut editor.drafts,
            field.clone(),
            &current,
            title,
            ui,
            |text| {
                egui::TextEdit::multiline(text)
                    .code_editor()
                    .desired_rows(2)
                    .desired_width(f32::INFINITY)
            },
        );
        // Each line as the verifier will parse it, while it is typed.
        let typed = editor.drafts.get(&field).unwrap_or(&current);
        for (index, line) in typed.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            if let Err(error) = crate::intoto::rule::ArtifactRule::parse_text(line.trim()) {
                ui.colored_label(bad(ui), format!("line {}: {error}", index + 1));
            }
        }
        if let Some(text) = committed {
            edit(
                commands,
                AttestAction::SetArtifactRules {
                    step: name.clone(),
                    list,
                    rules: text.lines().map(str::to_owned).collect(),
                },
            );
        }
    }
    ui.label(RichText::new("Expected predicates").strong());
    for (index, predicate) in step.expected_predicates.iter().enumerate() {
        egui::Frame::group(ui.style()).show(ui, |ui| {
            predicate_ui(editor, layout, &name, index, predicate, names, ui, commands);
        });
    }
    ui.horizontal(|ui| {
        let label = ui.label("New predicate type:");
        ui.add(
            egui::TextEdit::singleline(&mut editor.new_predicate_type)
                .hint_text("predicate type")
                .desired_width(260.0),
        )
        .labelled_by(label.id);
        type_menu(ui, |chosen| {
            editor.new_predicate_type = chosen.to_owned();
        });
        let predicate_type = editor.new_predicate_type.trim().to_owned();
        if ui
            .add_enabled(
                !predicate_type.is_empty(),
                egui::Button::new("Add predicate"),
            )
            .clicked()
        {
            edit(
                commands,
                AttestAction::AddPredicate {
                    step: name.clone(),
                    predicate_type,
                },
            );
            editor.new_predicate_type.clear();
        }
    });
}

/// A menu of the known predicate types; `chosen` gets the one picked.
fn type_menu(ui: &mut egui::Ui, chosen: impl FnOnce(&str)) {
    let mut picked = None;
    ui.menu_button("Types…", |ui| {
        for known in KNOWN_TYPES {
            let title = crate::attest::PredicateKind::of(known).title();
            if ui.button(format!("{title}  ({known})")).clicked() {
                picked = Some(*known);
                ui.close();
            }
        }
    });
    if let Some(known) = picked {
        chosen(known);
    }
}

#[allow(clippy::too_many_arguments)]
fn predicate_ui(
    editor: &mut AttestEditor,
    layout: &AttestationLayout,
    step: &str,
    index: usize,
    predicate: &crate::attest::layout::ExpectedPredicate,
    names: &crate::app::key_names::KeyNames,
    ui: &mut egui::Ui,
    commands: &mut Vec<Command>,
) {
    ui.horizontal_wrapped(|ui| {
        let width = (ui.available_width() - 240.0).max(200.0);
        let (_, committed) = drafted(
            &mut editor.drafts,
            Field::PredicateType(step.to_owned(), index),
            &predicate.predicate_type,
            &format!("Predicate #{}:", index + 1),
            ui,
            |text| egui::TextEdit::singleline(text).desired_width(width),
        );
        if let Some(predicate_type) = committed {
            edit(
                commands,
                AttestAction::SetPredicateType {
                    step: step.to_owned(),
                    predicate: index,
                    predicate_type,
                },
            );
        }
        type_menu(ui, |chosen| {
            edit(
                commands,
                AttestAction::SetPredicateType {
                    step: step.to_owned(),
                    predicate: index,
                    predicate_type: chosen.to_owned(),
                },
            );
        });
        if ui.small_button("Remove").clicked() {
            edit(
                commands,
                AttestAction::RemovePredicate {
                    step: step.to_owned(),
                    predicate: index,
                },
            );
        }
    });
    ui.label(
        RichText::new(crate::attest::PredicateKind::of(&predicate.predicate_type).title()).weak(),
    );
    ui.horizontal_wrapped(|ui| {
        ui.label("Functionaries:");
        for keyid in layout.functionaries.keys() {
            let mut named = predicate.functionaries.contains(keyid);
            if ui
                .checkbox(&mut named, Shown(&names.label(keyid)).to_string())
                .on_hover_text(names.hover(keyid))
                .changed()
            {
                edit(
                    commands,
                    AttestAction::SetPredicateFunctionary {
                        step: step.to_owned(),
                        predicate: index,
                        keyid: keyid.clone(),
                        authorized: named,
                    },
                );
            }
        }
        if layout.functionaries.is_empty() {
            ui.label(RichText::new("add a key file above first").italics());
        }
    });
    ui.horizontal(|ui| {
        ui.label("Threshold:");
        let mut threshold = predicate.threshold.max(1);
        if ui
            .add(egui::DragValue::new(&mut threshold).range(1..=99))
            .changed()
        {
            edit(
                commands,
                AttestAction::SetPredicateThreshold {
                    step: step.to_owned(),
                    predicate: index,
                    threshold,
                },
            );
        }
        ui.label(crate::graph::of_functionaries(
            predicate.threshold() as u64,
            predicate.functionaries.len(),
        ));
    });
    ui.label(RichText::new("Attribute rules (CEL)").strong());
    for (rule_index, rule) in predicate.expected_attributes.iter().enumerate() {
        attribute_ui(editor, step, index, rule_index, rule, ui, commands);
    }
    ui.horizontal(|ui| {
        let field = Field::NewAttribute(step.to_owned(), index);
        let width = (ui.available_width() - 190.0).max(200.0);
        let label = ui.label("New CEL rule:");
        let text = editor.drafts.entry(field.clone()).or_default();
        let response = ui
            .add(
                egui::TextEdit::singleline(text)
                    .code_editor()
                    .hint_text("predicate.result == 'PASSED'")
                    .desired_width(width),
            )
            .labelled_by(label.id);
        let rule = text.trim().to_owned();
        let add = ui.add_enabled(!rule.is_empty(), egui::Button::new("Add rule"));
        let entered = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if !rule.is_empty() && (add.clicked() || entered) {
            edit(
                commands,
                AttestAction::AddAttribute {
                    step: step.to_owned(),
                    predicate: index,
                    rule: AttributeRule {
                        rule,
                        allow_if_no_claim: false,
                        warn: false,
                        debug: String::new(),
                    },
                },
            );
            editor.drafts.remove(&field);
        }
    });
    if let Some(text) = editor
        .drafts
        .get(&Field::NewAttribute(step.to_owned(), index))
    {
        cel_lint(text, true, ui);
    }
}

/// The CEL parser's word on `text`, as it is typed (that it parses only when `say_ok`).
fn cel_lint(text: &str, say_ok: bool, ui: &mut egui::Ui) {
    if text.trim().is_empty() {
        return;
    }
    match crate::attest::cel::check_syntax(text) {
        Ok(()) => {
            if say_ok {
                ui.colored_label(good(ui), "CEL: parses");
            }
        }
        Err(error) => {
            ui.colored_label(bad(ui), format!("CEL: {}", error.message));
        }
    }
}

fn attribute_ui(
    editor: &mut AttestEditor,
    step: &str,
    predicate: usize,
    index: usize,
    rule: &AttributeRule,
    ui: &mut egui::Ui,
    commands: &mut Vec<Command>,
) {
    let set = |commands: &mut Vec<Command>, rule: AttributeRule| {
        edit(
            commands,
            AttestAction::SetAttribute {
                step: step.to_owned(),
                predicate,
                index,
                rule,
            },
        );
    };
    ui.horizontal(|ui| {
        let field = Field::Attribute(step.to_owned(), predicate, index);
        let label = format!("Rule {}:", index + 1);
        // The rule gets the width its label and Remove leave.
        let width = (ui.available_width() - 140.0).max(200.0);
        let (_, committed) = drafted(
            &mut editor.drafts,
            field.clone(),
            &rule.rule,
            &label,
            ui,
            |text| {
                egui::TextEdit::singleline(text)
                    .code_editor()
                    .desired_width(width)
            },
        );
        if let Some(text) = committed {
            set(
                commands,
                AttributeRule {
                    rule: text.trim().to_owned(),
                    ..rule.clone()
                },
            );
        }
        if ui.small_button("Remove").clicked() {
            edit(
                commands,
                AttestAction::RemoveAttribute {
                    step: step.to_owned(),
                    predicate,
                    index,
                },
            );
        }
    });
    let typed = editor
        .drafts
        .get(&Field::Attribute(step.to_owned(), predicate, index))
        .cloned()
        .unwrap_or_else(|| rule.rule.clone());
    ui.indent(("attribute", step, predicate, index), |ui| {
        cel_lint(&typed, false, ui);
        ui.horizontal_wrapped(|ui| {
            let mut allow = rule.allow_if_no_claim;
            if ui
                .checkbox(&mut allow, "allow if no claim")
                .on_hover_text("A rule about an attribute the attestation does not have passes")
                .changed()
            {
                set(
                    commands,
                    AttributeRule {
                        allow_if_no_claim: allow,
                        ..rule.clone()
                    },
                );
            }
            let mut warn = rule.warn;
            if ui
                .checkbox(&mut warn, "only warn")
                .on_hover_text("A false rule warns instead of failing verification")
                .changed()
            {
                set(
                    commands,
                    AttributeRule {
                        warn,
                        ..rule.clone()
                    },
                );
            }
        });
        ui.horizontal(|ui| {
            let width = (ui.available_width() - 140.0).max(160.0);
            let (_, committed) = drafted(
                &mut editor.drafts,
                Field::Debug(step.to_owned(), predicate, index),
                &rule.debug,
                "message when false:",
                ui,
                |text| egui::TextEdit::singleline(text).desired_width(width),
            );
            if let Some(debug) = committed {
                set(
                    commands,
                    AttributeRule {
                        debug: debug.trim().to_owned(),
                        ..rule.clone()
                    },
                );
            }
        });
    });
}

/// Asks before a new layout, another opened one or quitting drops unsaved changes.
pub fn unsaved_guard(state: &mut AppState, ctx: &egui::Context, commands: &mut Vec<Command>) {
    use super::layout_editor::{UnsavedAnswer, UnsavedQuestion, unsaved_modal};
    if state.attest_unsaved_guard.is_none() {
        return;
    }
    let editor = &mut state.attest_editor;
    let failed = match &editor.message {
        Some((false, message)) => Some(message.clone()),
        _ => None,
    };
    let answer = unsaved_modal(
        ctx,
        UnsavedQuestion {
            id: "chainscope.attest_unsaved_guard",
            heading: "Save the changes to the attestation layout?",
            what: "The ITE-10 layout in the editor has changes that are not saved.",
            hint: "layout.yml",
            concerns: &[],
            failed: failed.as_deref(),
        },
        &mut editor.save_path,
    );
    commands.extend(answer.map(|answer| {
        Command::AttestEditor(match answer {
            UnsavedAnswer::Save => AttestEditorCommand::SaveAndContinue,
            UnsavedAnswer::Discard => AttestEditorCommand::DiscardAndContinue,
            UnsavedAnswer::Cancel => AttestEditorCommand::KeepEditing,
        })
    }));
}
