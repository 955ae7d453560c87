//! The layout editor: every edit is a core [`LayoutAction`] (so undo and redo are the core's),
//! with forms for steps and inspections, a rule builder, functionaries from key files, the live
//! lint list (a finding selects what it is about), the step graph redrawn as you edit, signing
//! with a key file, and atomic save. The unsaved-changes guard lives in the app shell.

use egui::RichText;

use super::{amber, bad, good};
use crate::app::{AppState, Command, EditorCommand};
use crate::edit::layout::{LayoutAction, LayoutDocument};
use crate::edit::lint::{LintFinding, Location, Severity, lint};
use crate::edit::templates::Template;
use crate::graph::StepGraph;
use crate::intoto::{ArtifactKind, ArtifactRule, MatchRule};
use crate::time::UtcTime;
use crate::trace::RuleList;

/// The kinds the rule builder offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RuleKind {
    #[default]
    Match,
    Create,
    Delete,
    Modify,
    Allow,
    Disallow,
    Require,
}

impl RuleKind {
    const ALL: [RuleKind; 7] = [
        RuleKind::Match,
        RuleKind::Create,
        RuleKind::Delete,
        RuleKind::Modify,
        RuleKind::Allow,
        RuleKind::Disallow,
        RuleKind::Require,
    ];

    fn word(self) -> &'static str {
        match self {
            RuleKind::Match => "MATCH",
            RuleKind::Create => "CREATE",
            RuleKind::Delete => "DELETE",
            RuleKind::Modify => "MODIFY",
            RuleKind::Allow => "ALLOW",
            RuleKind::Disallow => "DISALLOW",
            RuleKind::Require => "REQUIRE",
        }
    }
}

/// A save waiting for the user's word.
#[derive(Debug, Clone, PartialEq)]
pub struct SaveConfirm {
    pub path: std::path::PathBuf,
    pub concerns: Vec<String>,
}

/// The open layout and the form fields around it.
pub struct LayoutEditor {
    pub document: Option<LayoutDocument>,
    /// The bytes last saved (or opened): the document is unsaved when it differs.
    saved: Option<Vec<u8>>,
    /// Bumped whenever `saved` is replaced.
    saved_generation: u64,
    pub save_path: String,
    /// The step or inspection the forms show.
    pub selected: Option<String>,
    pub new_step: String,
    pub new_inspection: String,
    pub command_text: String,
    pub key_path: String,
    pub rule_list: RuleList,
    pub rule_kind: RuleKind,
    pub pattern: String,
    pub source_prefix: String,
    pub destination_prefix: String,
    pub match_with: ArtifactKind,
    pub match_step: String,
    /// What the last edit, signature or save did, or why it was refused.
    pub message: Option<(bool, String)>,
    /// File work on a worker (a key read, a signature, a save), said while it runs.
    pub working: Option<&'static str>,
    pub links_folder: String,
    pub expires_text: String,
    pub readme_text: String,
    pub layout_key_path: String,
    pub export_path: String,
    pub signature_path: String,
    pub signer_key_path: String,
    pub graph: super::graph::GraphPanel,
    /// The editor's own tiles (forms, graph, lint), made on first use.
    pub tiles: Option<egui_tiles::Tree<EditorPane>>,
    /// A save asked for that needs the user's word first (unsigned, outdated signature, lint
    /// errors): where to, and why.
    pub save_confirm: Option<SaveConfirm>,
    /// The graph and lint of the current document (by revision), recomputed after each change.
    derived: Option<(u64, StepGraph, Vec<LintFinding>)>,
    /// Whether the document differs from `saved`, for (document revision, saved generation):
    /// the document is not encoded again on every frame.
    dirty: std::cell::Cell<Option<((u64, u64), bool)>>,
}

impl Default for LayoutEditor {
    fn default() -> LayoutEditor {
        LayoutEditor {
            document: None,
            saved: None,
            saved_generation: 0,
            save_path: String::new(),
            selected: None,
            new_step: String::new(),
            new_inspection: String::new(),
            command_text: String::new(),
            key_path: String::new(),
            rule_list: RuleList::ExpectedMaterials,
            rule_kind: RuleKind::Match,
            pattern: String::new(),
            source_prefix: String::new(),
            destination_prefix: String::new(),
            match_with: ArtifactKind::Products,
            match_step: String::new(),
            message: None,
            working: None,
            links_folder: String::new(),
            expires_text: String::new(),
            readme_text: String::new(),
            layout_key_path: String::new(),
            export_path: String::new(),
            signature_path: String::new(),
            signer_key_path: String::new(),
            graph: super::graph::GraphPanel::default(),
            save_confirm: None,
            tiles: None,
            derived: None,
            dirty: std::cell::Cell::new(None),
        }
    }
}

impl LayoutEditor {
    /// Records what was last saved (or opened), or that nothing was.
    pub fn set_saved(&mut self, saved: Option<Vec<u8>>) {
        self.saved = saved;
        self.saved_generation += 1;
    }

    /// Unsaved changes: the document's bytes differ from what was last saved or opened.
    pub fn is_dirty(&self) -> bool {
        match (&self.document, &self.saved) {
            (Some(document), Some(saved)) => {
                let key = (document.revision(), self.saved_generation);
                if let Some((cached, dirty)) = self.dirty.get()
                    && cached == key
                {
                    return dirty;
                }
                let dirty = document.to_bytes() != *saved;
                self.dirty.set(Some((key, dirty)));
                dirty
            }
            (Some(_), None) => true,
            (None, _) => false,
        }
    }

    /// What changed since the last save (or since it was opened): every change, in words.
    pub fn changes_since_saved(&self) -> Vec<String> {
        let Some(document) = &self.document else {
            return Vec::new();
        };
        let saved = self
            .saved
            .as_ref()
            .and_then(|bytes| LayoutDocument::from_bytes(bytes).ok());
        match saved {
            Some(saved) => crate::edit::diff::diff(saved.layout(), document.layout()),
            None => vec!["never saved".to_owned()],
        }
    }

    /// The rule the builder describes.
    pub fn built_rule(&self) -> Result<ArtifactRule, String> {
        let pattern = self.pattern.trim().to_owned();
        if pattern.is_empty() {
            return Err("give the rule a pattern".into());
        }
        let optional = |text: &str| {
            let text = text.trim();
            (!text.is_empty()).then(|| text.to_owned())
        };
        Ok(match self.rule_kind {
            RuleKind::Match => {
                if self.match_step.is_empty() {
                    return Err("choose the step a MATCH rule matches against".into());
                }
                ArtifactRule::Match(MatchRule {
                    pattern,
                    source_prefix: optional(&self.source_prefix),
                    kind: self.match_with,
                    destination_prefix: optional(&self.destination_prefix),
                    step: self.match_step.clone(),
                })
            }
            RuleKind::Create => ArtifactRule::Create(pattern),
            RuleKind::Delete => ArtifactRule::Delete(pattern),
            RuleKind::Modify => ArtifactRule::Modify(pattern),
            RuleKind::Allow => ArtifactRule::Allow(pattern),
            RuleKind::Disallow => ArtifactRule::Disallow(pattern),
            RuleKind::Require => ArtifactRule::Require(pattern),
        })
    }

    /// What a user should hear before this layout is saved: in-toto-verify rejects a layout
    /// without a valid signature, and lint errors make verification fail or mean nothing.
    pub fn save_concerns(&self, now: UtcTime) -> Vec<String> {
        let Some(document) = &self.document else {
            return Vec::new();
        };
        let mut concerns = Vec::new();
        let signed = document.signed();
        if signed.signatures().is_empty() {
            concerns.push(
                "It is not signed: in-toto-verify rejects a layout without a valid signature."
                    .to_owned(),
            );
        } else if !signed.signatures_current() {
            concerns.push(
                "Its signatures were made before the last edits: they no longer verify.".to_owned(),
            );
        }
        let errors: Vec<LintFinding> = lint(document.layout(), now)
            .into_iter()
            .filter(|f| f.severity == Severity::Error)
            .collect();
        if let Some(first) = errors.first() {
            concerns.push(match errors.len() {
                1 => format!("Lint finds an error: {}.", first.message),
                n => format!("Lint finds {n} errors, the first: {}.", first.message),
            });
        }
        concerns
    }

    fn derived(&mut self, now: UtcTime) -> Option<(&StepGraph, &[LintFinding])> {
        let document = self.document.as_ref()?;
        let revision = document.revision();
        if self.derived.as_ref().is_none_or(|(r, _, _)| *r != revision) {
            let layout = document.layout();
            self.derived = Some((revision, StepGraph::of(layout), lint(layout, now)));
        }
        self.derived.as_ref().map(|(_, g, l)| (g, l.as_slice()))
    }
}

fn edit(commands: &mut Vec<Command>, action: LayoutAction) {
    commands.push(Command::Editor(EditorCommand::Apply(action)));
}

/// A labelled field with its button; true when the button is clicked or Enter is pressed in
/// the field.
fn submit_row(
    ui: &mut egui::Ui,
    label: &str,
    text: &mut String,
    hint: &str,
    width: f32,
    button: &str,
) -> bool {
    ui.horizontal_wrapped(|ui| {
        let label = ui.add(egui::Label::new(label).wrap_mode(egui::TextWrapMode::Extend));
        let field = ui
            .add(
                egui::TextEdit::singleline(text)
                    .hint_text(hint)
                    .desired_width(width.min(ui.available_width() - 8.0).max(80.0)),
            )
            .labelled_by(label.id);
        let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        ui.button(button).clicked() || entered
    })
    .inner
}

pub fn ui(state: &mut AppState, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
    use super::attest_editor::AttestEditorCommand;
    let now = state.now.unwrap_or_else(UtcTime::now);
    // Both kinds of layout can be in editing at once: the tab shows one, and says which.
    if state.attest_editor.document.is_some() {
        ui.horizontal(|ui| {
            ui.label("Editing:");
            let shown = state.attest_editor.shown;
            if ui.selectable_label(!shown, "in-toto layout").clicked() && shown {
                commands.push(Command::AttestEditor(AttestEditorCommand::Show(false)));
            }
            if ui
                .selectable_label(shown, "ITE-10 attestation layout")
                .clicked()
                && !shown
            {
                commands.push(Command::AttestEditor(AttestEditorCommand::Show(true)));
            }
        });
        if state.attest_editor.shown {
            super::attest_editor::ui(state, ui, commands);
            return;
        }
    }
    let opened = state.workspace().and_then(|w| w.layout.as_ref());
    let opened_layout = opened.is_some();
    // An attestation folder's layout is ITE-10: its own editor edits it.
    let opened_attestation_layout = opened.is_some_and(|l| l.layout.is_none());
    let editor = &mut state.layout_editor;
    // Wrapped: at 1024 px the row is wider than the tab, and a button off screen is not there.
    ui.horizontal_wrapped(|ui| {
        for template in Template::ALL {
            if ui
                .button(format!("New from template: {}", template.title()))
                .clicked()
            {
                commands.push(Command::Editor(EditorCommand::New(Some(template))));
            }
        }
        if ui.button("New empty layout").clicked() {
            commands.push(Command::Editor(EditorCommand::New(None)));
        }
        if ui
            .button("New ITE-10 attestation layout")
            .on_hover_text(
                "Steps that expect attestations (SLSA provenance, test results, …) with CEL rules",
            )
            .clicked()
        {
            commands.push(Command::AttestEditor(AttestEditorCommand::New));
        }
        if ui
            .add_enabled(opened_layout, egui::Button::new("Edit the opened layout"))
            .clicked()
        {
            commands.push(if opened_attestation_layout {
                Command::AttestEditor(AttestEditorCommand::FromOpened)
            } else {
                Command::Editor(EditorCommand::FromOpened)
            });
        }
    });
    if submit_row(
        ui,
        "Draft from the links in:",
        &mut editor.links_folder,
        "a folder of .link files (and .pub keys)",
        260.0,
        "Draft",
    ) && !editor.links_folder.trim().is_empty()
    {
        commands.push(Command::Editor(EditorCommand::FromLinks(
            editor.links_folder.trim().into(),
        )));
    }
    if let Some(doing) = editor.working {
        ui.horizontal(|ui| {
            super::busy_sign(ui);
            ui.label(format!("Working: {doing}"));
        });
    } else if let Some((ok, message)) = &editor.message {
        ui.colored_label(if *ok { good(ui) } else { bad(ui) }, message);
    }
    let Some(document) = &editor.document else {
        ui.label("Start a layout from a template, from scratch, or from the opened one.");
        return;
    };
    let layout = document.layout().clone();
    let (can_undo, can_redo) = (document.can_undo(), document.can_redo());
    let signatures = document.signed().signatures().len();
    let current = document.signed().signatures_current();
    ui.horizontal(|ui| {
        if ui
            .add_enabled(can_undo, egui::Button::new("Undo"))
            .on_hover_text("Ctrl+Z")
            .clicked()
        {
            commands.push(Command::Editor(EditorCommand::Undo));
        }
        if ui
            .add_enabled(can_redo, egui::Button::new("Redo"))
            .on_hover_text("Ctrl+Shift+Z")
            .clicked()
        {
            commands.push(Command::Editor(EditorCommand::Redo));
        }
        ui.separator();
        let status = if editor.is_dirty() {
            "unsaved changes"
        } else {
            "saved"
        };
        ui.label(RichText::new(status).italics());
        ui.label(format!(
            "{signatures} signature{}{}",
            if signatures == 1 { "" } else { "s" },
            if signatures > 0 && !current {
                " (outdated)"
            } else {
                ""
            }
        ));
    });
    ui.separator();
    let Some((graph, findings)) = editor.derived(now) else {
        return;
    };
    let (graph, findings) = (graph.clone(), findings.to_vec());
    // Its own tiles: the forms, the live step graph and the lint list resize, tab together
    // and move like the workspace's.
    let mut tiles = editor.tiles.take().unwrap_or_else(editor_tiles);
    tiles.ui(
        &mut EditorPanes {
            editor: &mut *editor,
            layout: &layout,
            graph: &graph,
            findings: &findings,
            commands,
        },
        ui,
    );
    editor.tiles = Some(tiles);
}

/// The layout editor's tiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum EditorPane {
    Forms,
    Graph,
    Lint,
}

impl EditorPane {
    fn title(self) -> &'static str {
        match self {
            EditorPane::Forms => "Forms",
            EditorPane::Graph => "Step graph preview",
            EditorPane::Lint => "Lint",
        }
    }
}

/// The forms beside the graph over the lint list; the forms get half the width, since
/// every control must fit at 1024×700.
fn editor_tiles() -> egui_tiles::Tree<EditorPane> {
    use egui_tiles::{Container, Linear, LinearDir, Tiles};
    let mut tiles = Tiles::default();
    let forms = tiles.insert_pane(EditorPane::Forms);
    let forms = tiles.insert_tab_tile(vec![forms]);
    let graph = tiles.insert_pane(EditorPane::Graph);
    let graph = tiles.insert_tab_tile(vec![graph]);
    let lint = tiles.insert_pane(EditorPane::Lint);
    let lint = tiles.insert_tab_tile(vec![lint]);
    let mut right = Linear::new(LinearDir::Vertical, vec![graph, lint]);
    right.shares.set_share(graph, 2.0);
    right.shares.set_share(lint, 1.0);
    let right = tiles.insert_container(Container::Linear(right));
    let root = Linear::new(LinearDir::Horizontal, vec![forms, right]);
    let root = tiles.insert_container(Container::Linear(root));
    egui_tiles::Tree::new(
        egui::Id::unique("chainscope.layout_editor_tiles"),
        root,
        tiles,
    )
}

struct EditorPanes<'a> {
    editor: &'a mut LayoutEditor,
    layout: &'a crate::intoto::Layout,
    graph: &'a StepGraph,
    findings: &'a [LintFinding],
    commands: &'a mut Vec<Command>,
}

impl egui_tiles::Behavior<EditorPane> for EditorPanes<'_> {
    fn tab_title_for_pane(&mut self, pane: &EditorPane) -> egui::WidgetText {
        pane.title().into()
    }

    fn pane_ui(
        &mut self,
        ui: &mut egui::Ui,
        _tile: egui_tiles::TileId,
        pane: &mut EditorPane,
    ) -> egui_tiles::UiResponse {
        let (editor, layout, commands) = (&mut *self.editor, self.layout, &mut *self.commands);
        egui::Frame::new()
            .inner_margin(egui::Margin::symmetric(6, 4))
            .show(ui, |ui| {
                ui.set_min_size(ui.available_size());
                match pane {
                    EditorPane::Forms => {
                        egui::ScrollArea::vertical()
                            .id_salt("layout_forms")
                            .auto_shrink(false)
                            .show(ui, |ui| {
                                layout_fields_ui(editor, layout, ui, commands);
                                ui.separator();
                                owners_ui(editor, layout, ui, commands);
                                ui.separator();
                                if let Some(owner) = editor.selected.clone() {
                                    owner_ui(editor, layout, &owner, ui, commands);
                                }
                                ui.separator();
                                sign_and_save_ui(editor, ui, commands);
                            });
                    }
                    EditorPane::Graph => {
                        let selected = editor.selected.clone();
                        super::graph::canvas(
                            &mut editor.graph,
                            self.graph,
                            super::graph::Marks {
                                selected,
                                ..Default::default()
                            },
                            ui,
                            |name| {
                                commands.push(Command::Editor(EditorCommand::Select(Some(name))))
                            },
                        );
                    }
                    EditorPane::Lint => {
                        egui::ScrollArea::vertical()
                            .id_salt("layout_lint")
                            .auto_shrink(false)
                            .show(ui, |ui| lint_ui(self.findings, ui, commands));
                    }
                }
            });
        egui_tiles::UiResponse::None
    }

    /// Every pane keeps its tab: its title and the handle to drag it elsewhere.
    fn simplification_options(&self) -> egui_tiles::SimplificationOptions {
        egui_tiles::SimplificationOptions {
            all_panes_must_have_tabs: true,
            ..Default::default()
        }
    }

    fn min_size(&self) -> f32 {
        80.0
    }
}

fn layout_fields_ui(
    editor: &mut LayoutEditor,
    layout: &crate::intoto::Layout,
    ui: &mut egui::Ui,
    commands: &mut Vec<Command>,
) {
    ui.strong("Layout");
    let expires = layout.expires_text();
    if submit_row(
        ui,
        "Expires:",
        &mut editor.expires_text,
        &expires,
        180.0,
        "Set expiry",
    ) {
        match UtcTime::parse_metadata(editor.expires_text.trim()) {
            Ok(at) => edit(commands, LayoutAction::SetExpires(at)),
            Err(e) => editor.message = Some((false, crate::report::with_hint(&e))),
        }
    }
    if submit_row(
        ui,
        "Readme:",
        &mut editor.readme_text,
        layout.readme(),
        260.0,
        "Set readme",
    ) {
        edit(
            commands,
            LayoutAction::SetReadme(editor.readme_text.clone()),
        );
    }
    ui.label(format!("Keys ({})", layout.keys().len()));
    for keyid in layout.keys().keys() {
        ui.horizontal(|ui| {
            super::key_label(ui, keyid);
            if ui.small_button("remove key").clicked() {
                edit(commands, LayoutAction::RemoveKey(keyid.clone()));
            }
        });
    }
    if submit_row(
        ui,
        "Import key:",
        &mut editor.layout_key_path,
        "a public key file",
        220.0,
        "Add key",
    ) && !editor.layout_key_path.trim().is_empty()
    {
        commands.push(Command::Editor(EditorCommand::AddKey(
            editor.layout_key_path.trim().into(),
        )));
    }
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
            .link(RichText::new(&finding.message).color(color))
            .on_hover_text(&finding.hint);
        if response.clicked() {
            let owner = match &finding.location {
                Location::Step { name }
                | Location::StepThreshold { name }
                | Location::Inspection { name }
                | Location::InspectionRun { name } => Some(name.clone()),
                Location::RuleList { owner, .. } | Location::Rule { owner, .. } => {
                    Some(owner.clone())
                }
                Location::Attribute { step, .. } => Some(step.clone()),
                Location::Expires | Location::Key { .. } => None,
            };
            commands.push(Command::Editor(EditorCommand::Select(owner)));
        }
    }
}

fn owners_ui(
    editor: &mut LayoutEditor,
    layout: &crate::intoto::Layout,
    ui: &mut egui::Ui,
    commands: &mut Vec<Command>,
) {
    ui.strong("Steps");
    ui.horizontal_wrapped(|ui| {
        for step in layout.steps() {
            let selected = editor.selected.as_deref() == Some(step.name.as_str());
            if ui.selectable_label(selected, &step.name).clicked() {
                commands.push(Command::Editor(EditorCommand::Select(Some(
                    step.name.clone(),
                ))));
            }
        }
    });
    if submit_row(ui, "New step:", &mut editor.new_step, "", 140.0, "Add step")
        && !editor.new_step.trim().is_empty()
    {
        edit(
            commands,
            LayoutAction::AddStep {
                name: editor.new_step.trim().to_owned(),
                at: None,
            },
        );
        commands.push(Command::Editor(EditorCommand::Select(Some(
            editor.new_step.trim().to_owned(),
        ))));
        editor.new_step.clear();
    }
    ui.strong("Inspections");
    ui.horizontal_wrapped(|ui| {
        for inspection in layout.inspections() {
            let selected = editor.selected.as_deref() == Some(inspection.name.as_str());
            if ui.selectable_label(selected, &inspection.name).clicked() {
                commands.push(Command::Editor(EditorCommand::Select(Some(
                    inspection.name.clone(),
                ))));
            }
        }
    });
    if submit_row(
        ui,
        "New inspection:",
        &mut editor.new_inspection,
        "",
        140.0,
        "Add inspection",
    ) && !editor.new_inspection.trim().is_empty()
    {
        edit(
            commands,
            LayoutAction::AddInspection {
                name: editor.new_inspection.trim().to_owned(),
                at: None,
            },
        );
        editor.new_inspection.clear();
    }
}

fn owner_ui(
    editor: &mut LayoutEditor,
    layout: &crate::intoto::Layout,
    owner: &str,
    ui: &mut egui::Ui,
    commands: &mut Vec<Command>,
) {
    let step = layout.steps().iter().find(|s| s.name == owner);
    let inspection = layout.inspections().iter().find(|i| i.name == owner);
    let (materials, products) = match (step, inspection) {
        (Some(step), _) => (step.expected_materials(), step.expected_products()),
        (None, Some(inspection)) => (
            inspection.expected_materials(),
            inspection.expected_products(),
        ),
        (None, None) => return,
    };
    ui.heading(if step.is_some() {
        format!("Step {owner}")
    } else {
        format!("Inspection {owner}")
    });
    if ui
        .button(if step.is_some() {
            "Remove this step"
        } else {
            "Remove this inspection"
        })
        .clicked()
    {
        edit(
            commands,
            if step.is_some() {
                LayoutAction::RemoveStep(owner.to_owned())
            } else {
                LayoutAction::RemoveInspection(owner.to_owned())
            },
        );
        commands.push(Command::Editor(EditorCommand::Select(None)));
        return;
    }
    if let Some(step) = step {
        ui.horizontal(|ui| {
            ui.label(format!("Threshold: {}", step.threshold()));
            if ui.button("Lower threshold").clicked() && step.threshold() > 1 {
                edit(
                    commands,
                    LayoutAction::SetThreshold {
                        step: owner.to_owned(),
                        threshold: step.threshold() - 1,
                    },
                );
            }
            if ui.button("Raise threshold").clicked() {
                edit(
                    commands,
                    LayoutAction::SetThreshold {
                        step: owner.to_owned(),
                        threshold: step.threshold() + 1,
                    },
                );
            }
        });
        ui.label(format!("Functionaries ({})", step.pubkeys().len()));
        for keyid in step.pubkeys() {
            ui.horizontal(|ui| {
                super::key_label(ui, keyid);
                if ui.small_button("remove").clicked() {
                    edit(
                        commands,
                        LayoutAction::RemoveFunctionary {
                            step: owner.to_owned(),
                            keyid: keyid.clone(),
                        },
                    );
                }
            });
        }
        ui.horizontal_wrapped(|ui| {
            let label = ui.label("Key file:");
            let field = ui
                .add(
                    egui::TextEdit::singleline(&mut editor.key_path)
                        .hint_text("a public key (.pub, PEM or securesystemslib JSON)")
                        .desired_width(220.0),
                )
                .labelled_by(label.id);
            let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if ui
                .button("Browse…")
                .on_hover_text("Choose the key file (or drop it on the window)")
                .clicked()
            {
                commands.push(Command::Editor(EditorCommand::BrowseForKey));
            }
            if (ui.button("Add functionary").clicked() || entered)
                && !editor.key_path.trim().is_empty()
            {
                commands.push(Command::Editor(EditorCommand::AddFunctionary {
                    step: owner.to_owned(),
                    key_file: editor.key_path.trim().into(),
                }));
            }
        });
    }
    let (current, title) = match (step, inspection) {
        (Some(step), _) => (step.expected_command().join(" "), "Expected command:"),
        (None, Some(inspection)) => (inspection.run().join(" "), "Runs:"),
        (None, None) => (String::new(), ""),
    };
    if submit_row(ui, title, &mut editor.command_text, &current, 220.0, "Set") {
        let command: Vec<String> = editor
            .command_text
            .split_whitespace()
            .map(str::to_owned)
            .collect();
        edit(
            commands,
            if step.is_some() {
                LayoutAction::SetExpectedCommand {
                    step: owner.to_owned(),
                    command,
                }
            } else {
                LayoutAction::SetRun {
                    inspection: owner.to_owned(),
                    run: command,
                }
            },
        );
    }
    for (list, rules) in [
        (RuleList::ExpectedMaterials, materials),
        (RuleList::ExpectedProducts, products),
    ] {
        ui.label(RichText::new(list.field_name()).strong());
        for (index, entry) in rules.iter().enumerate() {
            ui.horizontal(|ui| {
                ui.label(RichText::new(entry.rule.to_string()).monospace());
                if ui.small_button("remove").clicked() {
                    edit(
                        commands,
                        LayoutAction::RemoveRule {
                            owner: owner.to_owned(),
                            list,
                            index,
                        },
                    );
                }
                if index > 0 && ui.small_button("up").clicked() {
                    edit(
                        commands,
                        LayoutAction::MoveRule {
                            owner: owner.to_owned(),
                            list,
                            from: index,
                            to: index - 1,
                        },
                    );
                }
            });
        }
    }
    rule_builder_ui(editor, layout, owner, ui, commands);
}

fn rule_builder_ui(
    editor: &mut LayoutEditor,
    layout: &crate::intoto::Layout,
    owner: &str,
    ui: &mut egui::Ui,
    commands: &mut Vec<Command>,
) {
    ui.strong("Add a rule");
    ui.horizontal(|ui| {
        ui.label("to");
        for list in [RuleList::ExpectedMaterials, RuleList::ExpectedProducts] {
            if ui
                .selectable_label(editor.rule_list == list, list.field_name())
                .clicked()
            {
                editor.rule_list = list;
            }
        }
    });
    ui.horizontal_wrapped(|ui| {
        for kind in RuleKind::ALL {
            if ui
                .selectable_label(editor.rule_kind == kind, kind.word())
                .clicked()
            {
                editor.rule_kind = kind;
            }
        }
    });
    let pattern_entered = ui
        .horizontal(|ui| {
            let label = ui.label("Pattern:");
            let field = ui
                .add(egui::TextEdit::singleline(&mut editor.pattern).desired_width(160.0))
                .labelled_by(label.id);
            field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter))
        })
        .inner;
    if editor.rule_kind == RuleKind::Match {
        ui.horizontal(|ui| {
            let label = ui.label("IN (source prefix):");
            ui.add(egui::TextEdit::singleline(&mut editor.source_prefix).desired_width(100.0))
                .labelled_by(label.id);
            let label = ui.label("IN (destination prefix):");
            ui.add(egui::TextEdit::singleline(&mut editor.destination_prefix).desired_width(100.0))
                .labelled_by(label.id);
        });
        ui.horizontal(|ui| {
            ui.label("WITH");
            for (kind, word) in [
                (ArtifactKind::Products, "PRODUCTS"),
                (ArtifactKind::Materials, "MATERIALS"),
            ] {
                if ui
                    .selectable_label(editor.match_with == kind, word)
                    .clicked()
                {
                    editor.match_with = kind;
                }
            }
        });
        ui.horizontal_wrapped(|ui| {
            ui.label("FROM");
            for step in layout.steps().iter().filter(|s| s.name != owner) {
                let label = format!("from {}", step.name);
                let response = ui.selectable_label(editor.match_step == step.name, &step.name);
                response.widget_info(|| {
                    egui::WidgetInfo::selected(
                        egui::Role::Button,
                        true,
                        editor.match_step == step.name,
                        &label,
                    )
                });
                if response.clicked() {
                    editor.match_step = step.name.clone();
                }
            }
        });
    }
    let rule = editor.built_rule();
    // The button first, the preview wrapping after it: a long rule never pushes the button
    // out of the tile.
    ui.horizontal_wrapped(|ui| {
        let clicked = ui
            .add_enabled(rule.is_ok(), egui::Button::new("Add rule"))
            .clicked();
        match &rule {
            Ok(rule) => {
                ui.add(egui::Label::new(RichText::new(rule.to_string()).monospace()).wrap())
            }
            Err(why) => ui.add(egui::Label::new(RichText::new(why).italics()).wrap()),
        };
        if (clicked || pattern_entered)
            && let Ok(rule) = rule.clone()
        {
            edit(
                commands,
                LayoutAction::AddRule {
                    owner: owner.to_owned(),
                    list: editor.rule_list,
                    rule,
                    at: None,
                },
            );
        }
    });
}

fn sign_and_save_ui(editor: &mut LayoutEditor, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
    ui.strong("Signatures");
    if let Some(document) = &editor.document {
        use crate::crypto::signed::EnvelopeKind;
        let signed = document.signed();
        let kind = signed.kind;
        // The envelope decides the bytes a signature covers, for signing here or elsewhere.
        ui.horizontal_wrapped(|ui| {
            ui.label("Envelope:");
            for (choice, word) in [
                (EnvelopeKind::Legacy, "signed/signatures"),
                (EnvelopeKind::Dsse, "DSSE"),
            ] {
                if ui.selectable_label(kind == choice, word).clicked() && kind != choice {
                    commands.push(Command::Editor(EditorCommand::SetEnvelope(choice)));
                }
            }
        });
        ui.horizontal_wrapped(|ui| {
            if ui
                .button("Sign…")
                .on_hover_text("Choose a key by name, unlock it, choose the envelope")
                .clicked()
            {
                commands.push(Command::OpenSignDialog(super::sign_dialog::SignFor::Layout));
            }
            for signature in signed.signatures() {
                ui.label("Signed by");
                super::key_label(ui, &signature.keyid);
            }
        });
    }
    ui.add(
        egui::Label::new(
            "Offline: export the exact bytes to sign, sign them elsewhere, import the signature.",
        )
        .wrap(),
    );
    if submit_row(
        ui,
        "Export bytes to:",
        &mut editor.export_path,
        "",
        200.0,
        "Export bytes",
    ) && !editor.export_path.trim().is_empty()
    {
        commands.push(Command::Editor(EditorCommand::ExportBytes(
            editor.export_path.trim().into(),
        )));
    }
    ui.horizontal_wrapped(|ui| {
        let label = ui.label("Signature file:");
        let signature = ui
            .add(egui::TextEdit::singleline(&mut editor.signature_path).desired_width(160.0))
            .labelled_by(label.id);
        let label = ui.label("Signer's public key:");
        let signer = ui
            .add(egui::TextEdit::singleline(&mut editor.signer_key_path).desired_width(160.0))
            .labelled_by(label.id);
        let entered = (signature.lost_focus() || signer.lost_focus())
            && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if (ui.button("Import signature").clicked() || entered)
            && !editor.signature_path.trim().is_empty()
            && !editor.signer_key_path.trim().is_empty()
        {
            commands.push(Command::Editor(EditorCommand::ImportSignature {
                signature_file: editor.signature_path.trim().into(),
                key_file: editor.signer_key_path.trim().into(),
            }));
        }
    });
    ui.strong("Save to a file");
    if submit_row(
        ui,
        "Save as:",
        &mut editor.save_path,
        "root.layout",
        260.0,
        "Save the layout",
    ) && !editor.save_path.trim().is_empty()
    {
        // Unsigned or failing lint: the app asks first.
        commands.push(Command::Editor(EditorCommand::AskSave(
            editor.save_path.trim().into(),
        )));
    }
}

/// A save that needs the user's word: what is wrong with the layout, Save anyway or Cancel.
pub fn save_confirm(state: &AppState, ctx: &egui::Context, commands: &mut Vec<Command>) {
    let Some(confirm) = &state.layout_editor.save_confirm else {
        return;
    };
    egui::Modal::new(egui::Id::unique("chainscope.save_confirm")).show(ctx, |ui| {
        ui.set_max_width(520.0);
        ui.heading("Save this layout as it is?");
        for concern in &confirm.concerns {
            ui.add(egui::Label::new(RichText::new(concern).color(amber(ui))).wrap());
        }
        ui.label(format!("To {}", confirm.path.display()));
        ui.horizontal(|ui| {
            if ui.button("Save anyway").clicked() {
                commands.push(Command::Editor(EditorCommand::ConfirmSave));
            }
            if ui.button("Cancel").clicked() {
                commands.push(Command::Editor(EditorCommand::CancelSave));
            }
        });
    });
}

/// The guard: unsaved changes in the layout, and what the user asked for that would lose
/// them. Save (where it was saved before, or to the path typed here), Discard or Cancel.
pub fn unsaved_guard(state: &mut AppState, ctx: &egui::Context, commands: &mut Vec<Command>) {
    if state.unsaved_guard.is_none() {
        return;
    }
    let now = state.now.unwrap_or_else(UtcTime::now);
    let concerns = state.layout_editor.save_concerns(now);
    let editor = &mut state.layout_editor;
    let failed = match &editor.message {
        Some((false, message)) => Some(message.clone()),
        _ => None,
    };
    let answer = unsaved_modal(
        ctx,
        UnsavedQuestion {
            id: "chainscope.unsaved_guard",
            heading: "Save the changes to the layout?",
            what: "The layout in the editor has changes that are not saved.",
            hint: "root.layout",
            concerns: &concerns,
            failed: failed.as_deref(),
        },
        &mut editor.save_path,
    );
    commands.extend(answer.map(|answer| {
        Command::Editor(match answer {
            UnsavedAnswer::Save => EditorCommand::SaveAndContinue,
            UnsavedAnswer::Discard => EditorCommand::DiscardAndContinue,
            UnsavedAnswer::Cancel => EditorCommand::KeepEditing,
        })
    }));
}

/// What the unsaved-changes question says.
pub struct UnsavedQuestion<'a> {
    pub id: &'static str,
    pub heading: &'static str,
    pub what: &'static str,
    /// The save path field's hint.
    pub hint: &'static str,
    /// What is worth knowing before saving (shown amber).
    pub concerns: &'a [String],
    /// Why the last save failed.
    pub failed: Option<&'a str>,
}

pub enum UnsavedAnswer {
    Save,
    Discard,
    Cancel,
}

/// Asks whether to save changes something else would drop: Save (to `save_path`, which can be
/// typed here; Enter saves), Discard or Cancel. Both layout editors ask it.
pub fn unsaved_modal(
    ctx: &egui::Context,
    question: UnsavedQuestion<'_>,
    save_path: &mut String,
) -> Option<UnsavedAnswer> {
    let mut answer = None;
    egui::Modal::new(egui::Id::unique(question.id)).show(ctx, |ui| {
        ui.set_max_width(520.0);
        ui.heading(question.heading);
        ui.label(question.what);
        let label = ui.label("Save as:");
        let field = ui
            .add(
                egui::TextEdit::singleline(save_path)
                    .hint_text(question.hint)
                    .desired_width(360.0),
            )
            .labelled_by(label.id);
        for concern in question.concerns {
            ui.add(egui::Label::new(RichText::new(concern).color(amber(ui)).small()).wrap());
        }
        if let Some(message) = question.failed {
            ui.add(egui::Label::new(RichText::new(message).color(bad(ui))).wrap());
        }
        let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        ui.horizontal(|ui| {
            let can_save = !save_path.trim().is_empty();
            if ui
                .add_enabled(can_save, egui::Button::new("Save"))
                .on_disabled_hover_text("Type where to save it")
                .clicked()
                || (entered && can_save)
            {
                answer = Some(UnsavedAnswer::Save);
            }
            if ui.button("Discard changes").clicked() {
                answer = Some(UnsavedAnswer::Discard);
            }
            if ui.button("Cancel").clicked() {
                answer = Some(UnsavedAnswer::Cancel);
            }
        });
    });
    answer
}
