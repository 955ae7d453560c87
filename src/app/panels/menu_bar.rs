//! The menu bar and the tool row under it: the path or URL field (always there, so opening
//! works without a dialog service), the package picker, and the target search.

use crate::app::tiles::Pane;
use crate::app::ui_command::UiCommand;
use crate::app::{AppState, Command, Picture};

#[derive(Default)]
pub struct MenuBar {
    pub path_text: String,
    /// Why the native dialog could not be used, shown beside the field.
    pub dialog_note: Option<String>,
    pub find_text: String,
    pub package_filter: String,
    /// Without a dialog service, Export asks for the file name here.
    pub export_prompt: Option<(Picture, String)>,
}

pub fn find_field_id() -> egui::Id {
    egui::Id::unique("chainscope.find_target_field")
}

/// Rows of the package list drawn at once; the list scrolls through the rest.
const PACKAGE_ROWS: f32 = 12.0;

pub fn ui(state: &mut AppState, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
    egui::MenuBar::new().ui(ui, |ui| menus(state, ui, commands));
    ui.horizontal(|ui| {
        // The two fields share what the buttons and labels leave, so Find stays on screen
        // at 1024 px.
        let spare = (ui.available_width() - 700.0).max(240.0);
        let (path_width, find_width) = ((spare * 0.6).min(480.0), (spare * 0.4).min(300.0));
        ui.strong("chainscope");
        ui.separator();
        let label = ui.label("Open:");
        let field = ui
            .add(
                egui::TextEdit::singleline(&mut state.menu.path_text)
                    .hint_text("folder, file, or https:// URL of a TUF repository")
                    .desired_width(path_width),
            )
            .labelled_by(label.id);
        let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if (ui.button("Load").clicked() || entered) && !state.menu.path_text.trim().is_empty() {
            commands.push(Command::Open(state.menu.path_text.trim().to_owned()));
        }
        if ui
            .button("Open…")
            .on_hover_text("Choose a file (Ctrl+O)")
            .clicked()
        {
            commands.push(Command::BrowseForFile);
        }
        if ui
            .button("Reload")
            .on_hover_text("Read everything again and re-verify (F5)")
            .clicked()
        {
            commands.push(Command::Reload);
        }
        ui.separator();
        package_picker(state, ui, commands);
        ui.separator();
        let label = ui.label("Find target:");
        let find = ui
            .add(
                egui::TextEdit::singleline(&mut state.menu.find_text)
                    .id(find_field_id())
                    .hint_text("path, e.g. demo-project.tar.gz (Ctrl+F)")
                    .desired_width(find_width),
            )
            .labelled_by(label.id);
        let entered = find.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if entered || ui.button("Find").clicked() {
            commands.push(Command::FindTarget(state.menu.find_text.clone()));
        }
    });
    if let Some(note) = &state.menu.dialog_note {
        ui.colored_label(ui.visuals().warn_fg_color, note);
    }
    if let Some((picture, path)) = &mut state.menu.export_prompt {
        let picture = *picture;
        let mut done = false;
        ui.horizontal(|ui| {
            let label = ui.label(format!(
                "Export the {} to:",
                picture.file_stem().replace('-', " ")
            ));
            ui.add(egui::TextEdit::singleline(path).desired_width(360.0))
                .labelled_by(label.id);
            if ui.button("Save").clicked() && !path.trim().is_empty() {
                commands.push(Command::Export(picture, path.trim().into()));
                done = true;
            }
            if ui.button("Cancel").clicked() {
                done = true;
            }
        });
        if done {
            state.menu.export_prompt = None;
        }
    }
}

/// The menus, each entry from the one command table (titles, shortcuts, when available).
fn menus(state: &AppState, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
    let item = |command: UiCommand, ui: &mut egui::Ui, commands: &mut Vec<Command>| {
        command.menu_item(state, ui, commands);
    };
    ui.menu_button("File", |ui| {
        item(UiCommand::OpenFile, ui, commands);
        item(UiCommand::OpenFolder, ui, commands);
        ui.add_enabled_ui(!state.recent.is_empty(), |ui| {
            ui.menu_button("Recent", |ui| {
                for input in &state.recent {
                    if ui.button(input).clicked() {
                        commands.push(Command::Open(input.clone()));
                        ui.close();
                    }
                }
            });
        });
        item(UiCommand::Reload, ui, commands);
        ui.separator();
        for command in UiCommand::ALL {
            if matches!(command, UiCommand::Export(..)) {
                item(*command, ui, commands);
            }
        }
        ui.separator();
        item(UiCommand::Quit, ui, commands);
    });
    ui.menu_button("Edit", |ui| {
        item(UiCommand::Undo, ui, commands);
        item(UiCommand::Redo, ui, commands);
        ui.separator();
        item(UiCommand::LayoutEditor, ui, commands);
        item(UiCommand::TufEditor, ui, commands);
        item(UiCommand::KeysView, ui, commands);
        ui.separator();
        item(UiCommand::FindTarget, ui, commands);
        item(UiCommand::CommandPalette, ui, commands);
    });
    ui.menu_button("Samples", |ui| {
        ui.label(
            egui::RichText::new("The talk's demo and the classic attacks, written fresh").weak(),
        );
        for (name, summary) in crate::samples::menu() {
            if ui.button(name).on_hover_text(summary).clicked() {
                commands.push(Command::OpenSample(name.to_owned()));
                ui.close();
            }
        }
    });
    ui.menu_button("Lab", |ui| item(UiCommand::AttackLab, ui, commands));
    ui.menu_button("View", |ui| {
        for command in [
            UiCommand::ToggleTheme,
            UiCommand::ZoomIn,
            UiCommand::ZoomOut,
            UiCommand::Presentation,
            UiCommand::FitGraph,
            UiCommand::CompareLayouts,
        ] {
            item(command, ui, commands);
        }
        ui.separator();
        // The tiles: each can be hidden and brought back; their places are remembered.
        for pane in [Pane::Tree, Pane::Details, Pane::Replay] {
            item(UiCommand::TogglePane(pane), ui, commands);
        }
        item(UiCommand::ResetArrangement, ui, commands);
    });
    ui.menu_button("Verify", |ui| {
        item(UiCommand::Reload, ui, commands);
        item(UiCommand::RunInspections, ui, commands);
        ui.separator();
        for command in [
            UiCommand::ReplayPlayPause,
            UiCommand::ReplayForward,
            UiCommand::ReplayBack,
            UiCommand::ReplayFirst,
            UiCommand::ReplayLast,
            UiCommand::ReplayFirstFailure,
        ] {
            item(command, ui, commands);
        }
    });
    ui.menu_button("Help", |ui| {
        item(UiCommand::Guide, ui, commands);
        item(UiCommand::About, ui, commands);
        item(UiCommand::CommandPalette, ui, commands);
        ui.separator();
        ui.label("Step graph: drag to pan, Ctrl+wheel to zoom, click a step for its details.");
    });
}

/// For an ITE-2 repository: which package is verified end to end, searchable among many.
fn package_picker(state: &mut AppState, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
    let Some(workspace) = state.workspace() else {
        return;
    };
    if workspace.packages.is_empty() {
        return;
    }
    let packages = workspace.packages.clone();
    let current = state.target.clone().unwrap_or_default();
    ui.label("Package:");
    ui.menu_button(current.clone(), |ui| {
        ui.add(
            egui::TextEdit::singleline(&mut state.menu.package_filter)
                .hint_text("filter")
                .desired_width(260.0),
        );
        let filter = state.menu.package_filter.to_lowercase();
        let shown: Vec<&String> = packages
            .iter()
            .filter(|p| filter.is_empty() || p.to_lowercase().contains(&filter))
            .collect();
        ui.label(format!("{} of {} packages", shown.len(), packages.len()));
        let row_height = ui.spacing().interact_size.y;
        egui::ScrollArea::vertical()
            .max_height(row_height * PACKAGE_ROWS)
            .show_rows(ui, row_height, shown.len(), |ui, rows| {
                for package in &shown[rows] {
                    if ui
                        .selectable_label(**package == current, package.as_str())
                        .clicked()
                    {
                        commands.push(Command::ChooseTarget((*package).clone()));
                        ui.close();
                    }
                }
            });
    });
}
