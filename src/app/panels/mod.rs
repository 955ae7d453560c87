//! One file per panel. Panels read [`AppState`] and push [`Command`]s; they never change data
//! themselves, and they never judge anything: every verdict, colour-worthy state and search
//! comes from the core.

pub mod attest_editor;
pub mod details;
pub mod graph;
pub mod guide;
pub mod inspector;
pub mod keys;
pub mod lab;
pub mod layout_editor;
pub mod menu_bar;
pub mod overview;
pub mod palette;
pub mod provenance;
pub mod replay;
pub mod sign_dialog;
pub mod status_bar;
pub mod tree;
pub mod tuf_editor;

use egui::{Color32, RichText};

use super::{AppState, Command, Tab};
use crate::trace::{Subject, Verdict};
use crate::workspace::Workspace;

/// The colours that carry meaning (pass, fail, attention, the replay's focus, the layout
/// comparison), one set per theme: a shade that reads on dark grey is too faint on near-white,
/// so each theme has its own, all at WCAG AA contrast (4.5:1) against the backgrounds text is
/// drawn on (test `every_text_colour_meets_wcag_aa_in_both_themes`).
#[derive(Debug, Clone, Copy)]
pub struct Semantic {
    /// Ordinary and weak (secondary) text.
    pub text: Color32,
    pub weak: Color32,
    pub hyperlink: Color32,
    pub good: Color32,
    pub bad: Color32,
    pub amber: Color32,
    pub highlight: Color32,
    /// The layout comparison's own colours: never the failure red or the pass green, so a
    /// removed rule does not look like the attack and an added step does not look verified.
    pub compare_added: Color32,
    pub compare_removed: Color32,
    pub compare_changed: Color32,
}

pub const DARK: Semantic = Semantic {
    text: Color32::from_gray(200),
    weak: Color32::from_gray(150),
    hyperlink: Color32::from_rgb(110, 180, 255),
    good: Color32::from_rgb(60, 170, 90),
    bad: Color32::from_rgb(240, 90, 80),
    amber: Color32::from_rgb(230, 150, 20),
    highlight: Color32::from_rgb(95, 150, 240),
    compare_added: Color32::from_rgb(40, 170, 180),
    compare_removed: Color32::from_rgb(165, 125, 230),
    compare_changed: Color32::from_rgb(215, 180, 60),
};

pub const LIGHT: Semantic = Semantic {
    text: Color32::from_gray(45),
    weak: Color32::from_gray(100),
    hyperlink: Color32::from_rgb(0, 95, 190),
    good: Color32::from_rgb(25, 120, 55),
    bad: Color32::from_rgb(190, 40, 35),
    amber: Color32::from_rgb(150, 88, 0),
    highlight: Color32::from_rgb(40, 95, 200),
    compare_added: Color32::from_rgb(10, 112, 122),
    compare_removed: Color32::from_rgb(120, 75, 195),
    compare_changed: Color32::from_rgb(130, 95, 0),
};

/// Anything that knows which theme is drawn.
pub trait Themed {
    fn dark_mode(&self) -> bool;
}

impl Themed for egui::Ui {
    fn dark_mode(&self) -> bool {
        self.visuals().dark_mode
    }
}

impl Themed for egui::Visuals {
    fn dark_mode(&self) -> bool {
        self.dark_mode
    }
}

impl Themed for egui::Context {
    fn dark_mode(&self) -> bool {
        self.global_style().visuals.dark_mode
    }
}

pub fn semantic(themed: &(impl Themed + ?Sized)) -> &'static Semantic {
    if themed.dark_mode() { &DARK } else { &LIGHT }
}

pub fn good(themed: &(impl Themed + ?Sized)) -> Color32 {
    semantic(themed).good
}

pub fn bad(themed: &(impl Themed + ?Sized)) -> Color32 {
    semantic(themed).bad
}

pub fn amber(themed: &(impl Themed + ?Sized)) -> Color32 {
    semantic(themed).amber
}

pub fn highlight(themed: &(impl Themed + ?Sized)) -> Color32 {
    semantic(themed).highlight
}

/// egui's themes with text at AA contrast: its ordinary text on dark grey is 5.2:1 and its
/// weak text (half the text's alpha) about 2.6:1 in both themes.
pub fn visuals(dark: bool) -> egui::Visuals {
    let mut visuals = if dark {
        egui::Visuals::dark()
    } else {
        egui::Visuals::light()
    };
    let semantic = if dark { &DARK } else { &LIGHT };
    visuals.widgets.noninteractive.fg_stroke.color = semantic.text;
    visuals.weak_text_color = Some(semantic.weak);
    visuals.hyperlink_color = semantic.hyperlink;
    visuals.warn_fg_color = semantic.amber;
    visuals.error_fg_color = semantic.bad;
    visuals
}

pub fn install_visuals(ctx: &egui::Context) {
    ctx.set_visuals_of(egui::Theme::Dark, visuals(true));
    ctx.set_visuals_of(egui::Theme::Light, visuals(false));
}

/// The step and the role the first failing check is about, to mark them in the pictures.
pub fn failing_subjects(workspace: &Workspace) -> (Option<String>, Option<String>) {
    let Some((_, check)) = workspace.trace().and_then(|t| t.first_failure()) else {
        return (None, None);
    };
    (
        check.subject.step().map(str::to_owned),
        check.subject.role().map(str::to_owned),
    )
}

/// What the replay's current check is about, to light it in the pictures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Focus {
    pub step: Option<String>,
    pub role: Option<String>,
    pub key: Option<String>,
    /// The check failed: lit as a failure, not just as the current check.
    pub failed: bool,
}

pub fn replay_focus(state: &AppState, workspace: &Workspace) -> Focus {
    let Some(check) = workspace
        .trace()
        .and_then(|t| t.checks.get(state.replay.index))
    else {
        return Focus::default();
    };
    // A target is lit where it is listed (found by the app when the replay arrived here).
    let listing_role = match (&check.subject, &state.replay_target) {
        (Subject::Target { path }, Some((index, target, role)))
            if *index == state.replay.index && target == path =>
        {
            role.clone()
        }
        _ => None,
    };
    Focus {
        step: check.subject.step().map(str::to_owned),
        role: check.subject.role().map(str::to_owned).or(listing_role),
        key: match &check.subject {
            Subject::Key { keyid } => Some(keyid.clone()),
            _ => None,
        },
        failed: check.failed(),
    }
}

/// Where the frame's key names are kept for the panels to read, and where a name the user
/// gives a key waits for the app to keep it.
fn key_names_id() -> egui::Id {
    egui::Id::unique("chainscope.key_names")
}

fn key_aliases_id() -> egui::Id {
    egui::Id::unique("chainscope.key_aliases")
}

/// Makes `names` the key names this frame's panels show.
pub fn install_key_names(
    ctx: &egui::Context,
    names: std::sync::Arc<crate::app::key_names::KeyNames>,
) {
    ctx.data_mut(|d| d.insert_temp(key_names_id(), names));
}

/// The names users gave keys this frame: (keyid, name).
pub fn take_key_aliases(ctx: &egui::Context) -> Vec<(String, String)> {
    ctx.data_mut(|d| d.remove_temp::<Vec<(String, String)>>(key_aliases_id()))
        .unwrap_or_default()
}

fn key_names(ui: &egui::Ui) -> std::sync::Arc<crate::app::key_names::KeyNames> {
    ui.data(|d| d.get_temp(key_names_id())).unwrap_or_default()
}

/// What to show for a key in a sentence: its name (escaped: names come from file names and
/// aliases), else its first 8 hex digits.
pub fn key_text(ui: &egui::Ui, keyid: &str) -> String {
    crate::shown::Shown(&key_names(ui).label(keyid)).to_string()
}

/// `text` with the named keys' short keyids followed by their names.
pub fn named_keys_in(ui: &egui::Ui, text: &str) -> String {
    key_names(ui).in_text(text)
}

/// A key as a label: its name (or its first 8 hex digits), the whole keyid on hover, and a
/// right-click menu to name it.
pub fn key_label(ui: &mut egui::Ui, keyid: &str) -> egui::Response {
    let names = key_names(ui);
    let text = match names.name(keyid) {
        Some(name) => RichText::new(crate::shown::Shown(name).to_string()),
        None => RichText::new(crate::crypto::threshold::short(keyid)).monospace(),
    };
    let response = ui
        .add(egui::Label::new(text).sense(egui::Sense::click()))
        .on_hover_text(names.hover(keyid));
    response.context_menu(|ui| {
        let draft_id = egui::Id::unique(("chainscope.key_name_draft", keyid));
        let mut draft: String = ui
            .data(|d| d.get_temp(draft_id))
            .unwrap_or_else(|| names.name(keyid).unwrap_or_default().to_owned());
        ui.label("Name this key:");
        let field = ui.text_edit_singleline(&mut draft);
        ui.data_mut(|d| d.insert_temp(draft_id, draft.clone()));
        let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if ui.button("Save the name").clicked() || entered {
            ui.data_mut(|d| {
                d.get_temp_mut_or_default::<Vec<(String, String)>>(key_aliases_id())
                    .push((keyid.to_owned(), draft.trim().to_owned()));
                d.remove::<String>(draft_id);
            });
            ui.close();
        }
    });
    response
}

/// A long path as a label that fits the space left: elided in the middle (its start and its
/// file name stay), the whole path on hover.
pub fn path_label(ui: &mut egui::Ui, path: &str, monospace: bool) -> egui::Response {
    let full = crate::shown::shown(path).into_owned();
    let style = if monospace {
        egui::TextStyle::Monospace
    } else {
        egui::TextStyle::Body
    };
    let font = style.resolve(ui.style());
    let painter = ui.painter().clone();
    let width = |text: &str| {
        painter
            .layout_no_wrap(text.to_owned(), font.clone(), Color32::WHITE)
            .size()
            .x
    };
    let room = ui.available_width().max(60.0);
    let text = if width(&full) <= room {
        full.clone()
    } else {
        elide_middle(&full, |candidate| width(candidate) <= room)
    };
    let text = RichText::new(text);
    let text = if monospace { text.monospace() } else { text };
    ui.add(egui::Label::new(text).wrap_mode(egui::TextWrapMode::Extend))
        .on_hover_text(full)
}

/// The longest `head…tail` of `text` that `fits`, keeping as much of the end (the file name)
/// as of the start.
fn elide_middle(text: &str, fits: impl Fn(&str) -> bool) -> String {
    let chars: Vec<char> = text.chars().collect();
    let cut = |keep: usize| {
        let tail = keep / 2 + keep % 2;
        let head = keep - tail;
        let mut out: String = chars[..head].iter().collect();
        out.push('…');
        out.extend(&chars[chars.len() - tail..]);
        out
    };
    let (mut low, mut high) = (0, chars.len());
    while low < high {
        let middle = (low + high).div_ceil(2);
        if fits(&cut(middle)) {
            low = middle;
        } else {
            high = middle - 1;
        }
    }
    cut(low)
}

/// A busy sign that turns a few times a second once the work has taken longer than
/// [`QUIET_START`]. egui's spinner asks for a new frame every frame, which on a machine drawing
/// in software (no GPU, Xvfb) takes a core from the load it is waiting for; this one holds
/// still at first, so work that ends soon (a reload) draws no frames while it runs, then asks
/// for one every 120 ms. Work without a start time of its own is timed from when its sign
/// appeared.
pub fn busy_sign(ui: &mut egui::Ui) {
    let busy_for = busy_for(ui.ctx(), ui.input(|i| i.time));
    busy_sign_after(ui, std::time::Duration::from_secs_f64(busy_for));
}

/// [`busy_sign`] for work that began at `started`.
pub fn busy_sign_since(ui: &mut egui::Ui, started: Option<std::time::Instant>) {
    match started {
        Some(started) => busy_sign_after(ui, started.elapsed()),
        None => busy_sign(ui),
    }
}

fn busy_sign_after(ui: &mut egui::Ui, busy_for: std::time::Duration) {
    const PHASES: [&str; 4] = ["◐", "◓", "◑", "◒"];
    const STEP: std::time::Duration = std::time::Duration::from_millis(120);
    let (phase, next) = match QUIET_START.checked_sub(busy_for) {
        Some(quiet) if !quiet.is_zero() => (0, quiet),
        _ => {
            let now = ui.input(|i| i.time);
            ((now / STEP.as_secs_f64()) as usize % PHASES.len(), STEP)
        }
    };
    // The size of egui's spinner, so rows keep their height.
    let size = ui.spacing().interact_size.y;
    ui.label(egui::RichText::new(PHASES[phase]).size(size).strong())
        .on_hover_text("Working…");
    ui.ctx().request_repaint_after(next);
}

/// How long work stays quiet on screen (no frames asked for it, no overlay) before its sign
/// turns and its progress shows as it moves.
pub const QUIET_START: std::time::Duration = std::time::Duration::from_millis(300);

/// Whether work that began at `started` is past [`QUIET_START`] (work with no start time is).
pub fn past_quiet_start(started: Option<std::time::Instant>) -> bool {
    started.is_none_or(|started| started.elapsed() >= QUIET_START)
}

/// Seconds since a busy sign appeared: one appeared anew when none was drawn in the last
/// second. Signs drawn at once share it.
fn busy_for(ctx: &egui::Context, now: f64) -> f64 {
    let key = egui::Id::unique("chainscope.busy_since");
    ctx.data_mut(|data| {
        let (since, last_drawn) = data.get_temp::<(f64, f64)>(key).unwrap_or((now, now));
        let since = if now - last_drawn > 1.0 { now } else { since };
        data.insert_temp(key, (since, now));
        now - since
    })
}

pub fn verdict_text(
    ui: &(impl Themed + ?Sized),
    verdict: Option<Verdict>,
) -> (&'static str, Color32) {
    match verdict {
        Some(Verdict::Pass) => ("PASS", good(ui)),
        Some(Verdict::Fail) => ("FAIL", bad(ui)),
        Some(Verdict::Incomplete) => ("NOT FULLY VERIFIED", amber(ui)),
        Some(Verdict::CannotVerify) => ("CANNOT VERIFY", amber(ui)),
        None => ("NOT CHECKED", semantic(ui).weak),
    }
}

/// The whole window: menu, status, tree, details and the central view.
pub fn frame(state: &mut AppState, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
    egui::Panel::top("menu_bar").show(ui, |ui| menu_bar::ui(state, ui, commands));
    egui::Panel::bottom("status_bar").show(ui, |ui| state.status.ui(ui, commands));
    if let Some(failure) = state.open_failure.clone() {
        egui::Panel::top("open_failure").show(ui, |ui| {
            inspector::open_failure_ui(ui, &failure, commands);
        });
    }
    let loaded = state.loaded.clone();
    replay::inspection_dialog(state, ui.ctx(), commands);
    guide::ui(state, ui.ctx(), commands);
    lab::close_dialog(state, ui.ctx(), commands);
    layout_editor::unsaved_guard(state, ui.ctx(), commands);
    attest_editor::unsaved_guard(state, ui.ctx(), commands);
    layout_editor::save_confirm(state, ui.ctx(), commands);
    sign_dialog::ui(state, ui.ctx(), commands);
    tuf_editor::publish_confirm(state, ui.ctx(), commands);
    palette::ui(state, ui.ctx(), commands);
    if let Some(Ok(workspace)) = &loaded {
        replay::change_window(state, workspace, ui.ctx(), commands);
    }
    match loaded {
        None if state.tab == Tab::LayoutEditor => {
            egui::CentralPanel::default().show(ui, |ui| layout_editor::ui(state, ui, commands));
        }
        None if state.tab == Tab::TufEditor => {
            egui::CentralPanel::default().show(ui, |ui| tuf_editor::ui(state, ui, commands));
        }
        None if state.status.busy => {
            egui::CentralPanel::default().show(ui, |ui| state.status.loading_ui(ui, commands));
        }
        None => {
            egui::CentralPanel::default().show(ui, |ui| welcome(ui, commands));
        }
        Some(Err(error)) => {
            egui::CentralPanel::default().show(ui, |ui| inspector::error_ui(ui, &error));
        }
        Some(Ok(workspace)) => {
            egui::Panel::top("verdict").show(ui, |ui| verdict_ui(state, &workspace, ui, commands));
            if workspace.tree.is_none() {
                state.tree.last_rect = None;
            }
            let tiles = egui::CentralPanel::default()
                .frame(egui::Frame::central_panel(ui.style()).inner_margin(0))
                .show(ui, |ui| {
                    crate::app::tiles::Arrangement::ui(state, &workspace, ui, commands);
                });
            // A reload that ends soon just shows its result (the status bar says it runs):
            // dimming it for a moment would cost two frames drawn while it runs.
            if state.status.busy && past_quiet_start(state.status.started) {
                reloading_overlay(state, tiles.response.rect, ui.ctx(), commands);
            }
        }
    }
}

/// The start: what chainscope is, and the bundled samples one click away.
fn welcome(ui: &mut egui::Ui, commands: &mut Vec<Command>) {
    egui::ScrollArea::vertical().show(ui, |ui| {
        ui.vertical_centered(|ui| {
            ui.add_space(24.0);
            ui.heading("chainscope");
            ui.add(
                egui::Label::new(
                    "in-toto says what must happen in a supply chain and proves what did; TUF \
                     delivers those files so a stolen key can be revoked. chainscope shows both \
                     at once (the delegation tree, the step graph) and replays their \
                     verification check by check, saying which step, rule, role or key fails.",
                )
                .wrap(),
            );
            ui.add_space(8.0);
            ui.label("Open a TUF repository, an in-toto folder or one metadata file with File > Open, the path field above, or by dropping it on the window. Or start with a sample:");
            ui.add_space(8.0);
        });
        egui::Grid::new("welcome_samples")
            .num_columns(2)
            .striped(true)
            .show(ui, |ui| {
                for (name, summary) in crate::samples::menu() {
                    if ui.button(name).clicked() {
                        commands.push(Command::OpenSample(name.to_owned()));
                    }
                    ui.add(egui::Label::new(summary).wrap());
                    ui.end_row();
                }
            });
        ui.add_space(8.0);
        if ui.link("What are layouts, links, roles and ITE-2? (Help > Guide)").clicked() {
            commands.push(Command::ShowHelp(Some(guide::Help::Guide)));
        }
    });
}

/// While what is open is read and verified again, its tiles are dimmed under the progress:
/// the old result stays readable, and nobody takes it for the new one.
fn reloading_overlay(
    state: &AppState,
    area: egui::Rect,
    ctx: &egui::Context,
    commands: &mut Vec<Command>,
) {
    let dim = egui::LayerId::new(egui::Order::Middle, egui::Id::unique("reloading_dim"));
    ctx.layer_painter(dim).rect_filled(
        area,
        0.0,
        ctx.global_style().visuals.panel_fill.gamma_multiply(0.6),
    );
    egui::Area::new(egui::Id::unique("reloading_progress"))
        .order(egui::Order::Foreground)
        .pivot(egui::Align2::CENTER_CENTER)
        .fixed_pos(area.center())
        .show(ctx, |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.horizontal(|ui| {
                    busy_sign_since(ui, state.status.started);
                    ui.strong("Reading and verifying again…");
                });
                state.status.progress_and_cancel(ui, 280.0, commands);
            });
        });
}

/// The verdict of what is open, over the tiles.
fn verdict_ui(
    state: &mut AppState,
    workspace: &Workspace,
    ui: &mut egui::Ui,
    commands: &mut Vec<Command>,
) {
    ui.horizontal(|ui| {
        let (verdict, color) = verdict_text(ui, workspace.verdict());
        ui.label(RichText::new(verdict).color(color).strong().size(20.0));
        let incomplete = workspace.verdict() == Some(Verdict::Incomplete);
        // Never green: the summary says what was not checked, and the button checks it.
        if incomplete
            && ui
                .button("Run inspections…")
                .on_hover_text(crate::intoto::verify::INSPECTIONS_HINT)
                .clicked()
        {
            commands.push(Command::AskRunInspections);
        }
        let summary = RichText::new(workspace.summary()).strong();
        let summary = if incomplete {
            summary.color(amber(ui))
        } else {
            summary
        };
        ui.add(egui::Label::new(summary).truncate());
    });
    if state.presentation {
        presentation_strip(state, ui, commands);
    }
    if let Some(changes) = &state.changes {
        overview::changes_ui(ui, changes);
    }
}

/// While presenting, the folded tiles are a strip of toggles at the end of the verdict line.
fn presentation_strip(state: &AppState, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
    use crate::app::tiles::Pane;
    ui.horizontal(|ui| {
        ui.label(RichText::new("Folded:").weak());
        for pane in [Pane::Tree, Pane::Details] {
            let shown = !state.tiles.is_hidden(pane);
            if ui
                .selectable_label(shown, pane.title())
                .on_hover_text(if shown {
                    "Fold it away"
                } else {
                    "Unfold it beside the view"
                })
                .clicked()
            {
                commands.push(Command::SetPaneHidden(pane, shown));
            }
        }
        ui.separator();
        if ui
            .button("Leave presentation (F11)")
            .on_hover_text("Back to the working arrangement")
            .clicked()
        {
            commands.push(Command::TogglePresentation);
        }
    });
}

/// One of the views, in its tile.
pub fn view_ui(
    state: &mut AppState,
    workspace: &Workspace,
    tab: Tab,
    ui: &mut egui::Ui,
    commands: &mut Vec<Command>,
) {
    match tab {
        Tab::StepGraph => match &workspace.layout {
            Some(layout) => graph::ui(state, workspace, layout, ui, commands),
            None => {
                ui.label("Nothing open has a layout.");
            }
        },
        Tab::Overview => overview::ui(workspace, ui),
        Tab::RootHistory => overview::root_history_ui(workspace, ui),
        Tab::LayoutEditor => layout_editor::ui(state, ui, commands),
        Tab::TufEditor => tuf_editor::ui(state, ui, commands),
        Tab::Keys => keys::ui(state, Some(workspace), ui, commands),
        Tab::File => match &workspace.file {
            Some(report) => {
                egui::ScrollArea::vertical()
                    .auto_shrink(false)
                    .show(ui, |ui| {
                        // A bundle: how to verify it comes first, then what it says.
                        if report.fields.iter().any(|(name, _)| name == "bundle") {
                            let verdict = state
                                .bundle_check
                                .as_ref()
                                .and(workspace.intoto.as_ref())
                                .map(crate::trace::Trace::verdict);
                            inspector::bundle_check_ui(
                                &mut state.bundle_form,
                                state.bundle_check.as_ref(),
                                verdict,
                                ui,
                                commands,
                            );
                            ui.separator();
                        }
                        report_with_provenance_ui(ui, report);
                        // A JSON Lines file: each further document below the first.
                        for report in &workspace.more_files {
                            ui.separator();
                            report_with_provenance_ui(ui, report);
                        }
                    });
            }
            None => {
                ui.label("No single file is open.");
            }
        },
    }
}

/// A file's report, an attestation's provenance picture first.
fn report_with_provenance_ui(ui: &mut egui::Ui, report: &crate::inspect::FileReport) {
    if let Some(statement) = &report.statement {
        provenance::ui(ui, statement, &report.fields);
        ui.separator();
    }
    inspector::report_ui(ui, report);
}

#[cfg(test)]
mod path_tests {
    #[test]
    fn a_long_path_keeps_its_start_and_its_file_name() {
        let path = "/tmp/chainscope-demo-abc123/talk-alice-bob/trusted/root.json";
        let elided = super::elide_middle(path, |s| s.chars().count() <= 24);
        assert_eq!(elided.chars().count(), 24);
        assert!(elided.starts_with("/tmp/chains"), "{elided}");
        assert!(elided.ends_with("/root.json"), "{elided}");
        assert!(elided.contains('…'));
        assert_eq!(super::elide_middle("ab", |s| s.chars().count() <= 1), "…");
    }
}

#[cfg(test)]
mod contrast {
    use super::*;

    /// WCAG 2.x relative luminance of an sRGB colour.
    fn luminance(color: Color32) -> f64 {
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(color.r()) + 0.7152 * channel(color.g()) + 0.0722 * channel(color.b())
    }

    fn ratio(a: Color32, b: Color32) -> f64 {
        let (a, b) = (luminance(a), luminance(b));
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    /// An additive colour (alpha 0, egui's faint row stripes) laid over a background.
    fn over(color: Color32, background: Color32) -> Color32 {
        if color.a() == 0 {
            Color32::from_rgb(
                background.r().saturating_add(color.r()),
                background.g().saturating_add(color.g()),
                background.b().saturating_add(color.b()),
            )
        } else {
            color
        }
    }

    /// Every colour text is written in, against every background text is drawn on, in both
    /// themes: at least 4.5:1 (WCAG 2 AA for normal text).
    #[test]
    fn every_text_colour_meets_wcag_aa_in_both_themes() {
        let mut failures = Vec::new();
        for dark in [true, false] {
            let visuals = visuals(dark);
            let semantic = semantic(&visuals);
            let backgrounds = [
                ("panel", visuals.panel_fill),
                ("window", visuals.window_fill),
                (
                    "striped row",
                    over(visuals.faint_bg_color, visuals.panel_fill),
                ),
                ("text field", visuals.text_edit_bg_color()),
            ];
            let texts = [
                ("text", visuals.text_color()),
                ("weak text", visuals.weak_text_color()),
                ("hyperlink", visuals.hyperlink_color),
                ("warning", visuals.warn_fg_color),
                ("error", visuals.error_fg_color),
                ("good", semantic.good),
                ("bad", semantic.bad),
                ("amber", semantic.amber),
                ("highlight", semantic.highlight),
                ("compare added", semantic.compare_added),
                ("compare removed", semantic.compare_removed),
                ("compare changed", semantic.compare_changed),
            ];
            let mut pairs: Vec<(&str, Color32, &str, Color32)> = Vec::new();
            for (text, fg) in texts {
                for (background, bg) in backgrounds {
                    pairs.push((text, fg, background, bg));
                }
            }
            let widgets = &visuals.widgets;
            pairs.push((
                "button text",
                widgets.inactive.fg_stroke.color,
                "button",
                widgets.inactive.weak_bg_fill,
            ));
            pairs.push((
                "hovered button text",
                widgets.hovered.fg_stroke.color,
                "hovered button",
                widgets.hovered.weak_bg_fill,
            ));
            pairs.push((
                "selected text",
                visuals.selection.stroke.color,
                "selection",
                visuals.selection.bg_fill,
            ));
            pairs.push(("text", visuals.text_color(), "code", visuals.code_bg_color));
            for (text, fg, background, bg) in pairs {
                let ratio = ratio(fg, bg);
                if ratio < 4.5 {
                    let theme = if dark { "dark" } else { "light" };
                    failures.push(format!("{theme}: {text} on {background} is {ratio:.2}:1"));
                }
            }
        }
        assert!(failures.is_empty(), "{failures:#?}");
    }

    /// The check itself: egui's own weak text fails, black on white passes.
    #[test]
    fn the_ratio_is_the_wcag_one() {
        assert!((ratio(Color32::BLACK, Color32::WHITE) - 21.0).abs() < 1e-9);
        let dark = egui::Visuals::dark();
        assert!(ratio(dark.weak_text_color(), dark.panel_fill) < 4.5);
    }
}
