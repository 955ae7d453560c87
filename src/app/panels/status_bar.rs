//! The bottom line: what the app is doing or just did, with progress and Cancel while loading.

use crate::app::{Command, Progress};

#[derive(Default)]
pub struct StatusBar {
    pub message: String,
    pub busy: bool,
    pub progress: Progress,
}

impl StatusBar {
    pub fn ui(&self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        ui.horizontal(|ui| {
            if self.busy {
                ui.spinner();
                ui.add(
                    egui::ProgressBar::new(self.progress.fraction)
                        .desired_width(220.0)
                        .text(if self.progress.phase.is_empty() {
                            "starting"
                        } else {
                            &self.progress.phase
                        }),
                );
                if ui
                    .button("Cancel")
                    .on_hover_text("Stop loading (Esc)")
                    .clicked()
                {
                    commands.push(Command::Cancel);
                }
            }
            ui.label(&self.message);
        });
    }
}
