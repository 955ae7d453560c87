//! The top bar: the path field (always there, so opening works without a dialog service),
//! Open…, Reload, recent files, theme and zoom.

use std::path::PathBuf;

use crate::app::Command;

#[derive(Default)]
pub struct OpenBar {
    pub path_text: String,
    /// Why the native dialog could not be used, shown beside the field.
    pub dialog_note: Option<String>,
}

impl OpenBar {
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        recent: &[PathBuf],
        dark: bool,
        commands: &mut Vec<Command>,
    ) {
        ui.horizontal(|ui| {
            ui.strong("chainscope");
            ui.separator();
            if ui
                .button("Open…")
                .on_hover_text("Choose a metadata file (Ctrl+O)")
                .clicked()
            {
                commands.push(Command::BrowseForFile);
            }
            ui.label("Path:");
            let field = ui.add(
                egui::TextEdit::singleline(&mut self.path_text)
                    .hint_text("path to root.json, a layout, a link …")
                    .desired_width(360.0),
            );
            let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if (ui.button("Load").clicked() || entered) && !self.path_text.trim().is_empty() {
                commands.push(Command::Open(PathBuf::from(self.path_text.trim())));
            }
            if ui
                .button("Reload")
                .on_hover_text("Read the file again (F5)")
                .clicked()
            {
                commands.push(Command::Reload);
            }
            ui.add_enabled_ui(!recent.is_empty(), |ui| {
                ui.menu_button("Recent", |ui| {
                    for path in recent {
                        if ui.button(path.display().to_string()).clicked() {
                            commands.push(Command::Open(path.clone()));
                            ui.close();
                        }
                    }
                });
            });
            ui.separator();
            let theme = if dark { "Light theme" } else { "Dark theme" };
            if ui.button(theme).clicked() {
                commands.push(Command::SetDark(!dark));
            }
            if ui.button("A−").on_hover_text("Smaller (Ctrl+-)").clicked() {
                commands.push(Command::Zoom(-0.1));
            }
            if ui.button("A+").on_hover_text("Larger (Ctrl+=)").clicked() {
                commands.push(Command::Zoom(0.1));
            }
        });
        if let Some(note) = &self.dialog_note {
            ui.colored_label(ui.visuals().warn_fg_color, note);
        }
    }
}
