//! The menu bar and the tool row under it: the path or URL field (always there, so opening
//! works without a dialog service), the package picker, and the target search.

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
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| {
            if ui.button("Open file…  (Ctrl+O)").clicked() {
                commands.push(Command::BrowseForFile);
                ui.close();
            }
            if ui.button("Open folder…").clicked() {
                commands.push(Command::BrowseForFolder);
                ui.close();
            }
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
            if ui.button("Reload  (F5)").clicked() {
                commands.push(Command::Reload);
                ui.close();
            }
            ui.separator();
            let workspace = state.workspace();
            let has_graph = workspace.is_some_and(|w| w.layout.is_some());
            let has_tree = workspace.is_some_and(|w| w.tree.is_some());
            for (picture, enabled, label) in [
                (Picture::StepGraph, has_graph, "step graph"),
                (Picture::DelegationTree, has_tree, "delegation tree"),
            ] {
                for extension in ["svg", "png"] {
                    let text = format!("Export {label} as {}…", extension.to_uppercase());
                    if ui.add_enabled(enabled, egui::Button::new(text)).clicked() {
                        commands.push(Command::BrowseForExport(picture, extension));
                        ui.close();
                    }
                }
            }
            ui.separator();
            if ui.button("Quit").clicked() {
                ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
            }
        });
        ui.menu_button("Edit", |ui| {
            let document = state.layout_editor.document.as_ref();
            let (can_undo, can_redo) =
                document.map_or((false, false), |d| (d.can_undo(), d.can_redo()));
            if ui
                .add_enabled(can_undo, egui::Button::new("Undo").shortcut_text("Ctrl+Z"))
                .on_disabled_hover_text("Nothing in the layout editor to undo")
                .clicked()
            {
                commands.push(Command::Editor(crate::app::EditorCommand::Undo));
                ui.close();
            }
            if ui
                .add_enabled(can_redo, egui::Button::new("Redo").shortcut_text("Ctrl+Shift+Z"))
                .on_disabled_hover_text("Nothing in the layout editor to redo")
                .clicked()
            {
                commands.push(Command::Editor(crate::app::EditorCommand::Redo));
                ui.close();
            }
            ui.separator();
            if ui.button("Layout editor").clicked() {
                commands.push(Command::ShowTab(crate::app::Tab::LayoutEditor));
                ui.close();
            }
            if ui.button("TUF repository editor").clicked() {
                commands.push(Command::ShowTab(crate::app::Tab::TufEditor));
                ui.close();
            }
        });
        ui.menu_button("Samples", |ui| {
            ui.label(egui::RichText::new("The talk's demo and the classic attacks, written fresh").weak());
            for sample in crate::samples::samples() {
                if ui
                    .button(sample.name)
                    .on_hover_text(sample.summary)
                    .clicked()
                {
                    commands.push(Command::OpenSample(sample.name.to_owned()));
                    ui.close();
                }
            }
        });
        ui.menu_button("Lab", |ui| {
            let (text, command) = if state.lab.open {
                ("Close the attack lab", crate::app::LabCommand::Close)
            } else {
                ("Attack lab", crate::app::LabCommand::Open)
            };
            if ui.button(text).clicked() {
                commands.push(Command::Lab(command));
                ui.close();
            }
        });
        ui.menu_button("View", |ui| {
            let theme = if state.dark {
                "Light theme"
            } else {
                "Dark theme"
            };
            if ui.button(theme).clicked() {
                commands.push(Command::SetDark(!state.dark));
                ui.close();
            }
            if ui.button("Larger  (Ctrl+=)").clicked() {
                commands.push(Command::Zoom(0.1));
            }
            if ui.button("Smaller  (Ctrl+-)").clicked() {
                commands.push(Command::Zoom(-0.1));
            }
            let presentation = if state.presentation {
                "Leave presentation mode  (F11)"
            } else {
                "Presentation mode  (F11)"
            };
            if ui.button(presentation).clicked() {
                commands.push(Command::TogglePresentation);
                ui.close();
            }
            if ui.button("Fit the step graph").clicked() {
                commands.push(Command::FitGraph);
                ui.close();
            }
            ui.separator();
            // The tiles: each can be hidden and brought back; their places are remembered.
            for pane in [
                crate::app::tiles::Pane::Tree,
                crate::app::tiles::Pane::Details,
                crate::app::tiles::Pane::Replay,
            ] {
                let mut shown = !state.tiles.is_hidden(pane);
                if ui.checkbox(&mut shown, pane.title()).changed() {
                    commands.push(Command::SetPaneHidden(pane, !shown));
                }
            }
            if ui
                .button("Reset the arrangement")
                .on_hover_text("Every tile back where it starts")
                .clicked()
            {
                commands.push(Command::ResetArrangement);
                ui.close();
            }
        });
        ui.menu_button("Verify", |ui| {
            if ui.button("Re-verify  (Ctrl+R)").clicked() {
                commands.push(Command::Reload);
                ui.close();
            }
        });
        ui.menu_button("Help", |ui| {
            if ui.button("Guide").clicked() {
                commands.push(Command::ShowHelp(Some(crate::app::panels::guide::Help::Guide)));
                ui.close();
            }
            if ui.button("About chainscope").clicked() {
                commands.push(Command::ShowHelp(Some(crate::app::panels::guide::Help::About)));
                ui.close();
            }
            ui.separator();
            ui.label("Ctrl+O open · F5 / Ctrl+R reload and re-verify · Ctrl+F find a target");
            ui.label("Ctrl+= / Ctrl+- zoom · F11 presentation mode · Esc cancel loading");
            ui.label("Replay: Left/Right or Page Up/Down step · Space play and pause · Home/End the ends");
            ui.label("Step graph: drag to pan, Ctrl+wheel to zoom, click a step for its details.");
        });
    });
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
