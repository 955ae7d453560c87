//! The bottom line: what the app is doing or just did, with progress and Cancel while loading.

use crate::app::{Command, Progress};

#[derive(Default)]
pub struct StatusBar {
    pub message: String,
    pub busy: bool,
    pub progress: Progress,
    /// When the running load started, for its elapsed time.
    pub started: Option<std::time::Instant>,
}

impl StatusBar {
    /// Whole seconds since the running load started.
    pub fn elapsed_seconds(&self) -> Option<u64> {
        self.started
            .filter(|_| self.busy)
            .map(|started| started.elapsed().as_secs())
    }

    /// The central view while the first thing opened is still loading (a slow URL can take a
    /// minute): what, for how long, how far, and Cancel.
    pub fn loading_ui(&self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        ui.vertical_centered(|ui| {
            ui.add_space(40.0);
            ui.spinner();
            ui.heading(&self.message);
            if let Some(seconds) = self.elapsed_seconds() {
                ui.label(format!("{seconds} s so far"));
                // The counter moves while the worker is quiet.
                ui.ctx()
                    .request_repaint_after(std::time::Duration::from_millis(500));
            }
            ui.add(
                egui::ProgressBar::new(self.progress.fraction)
                    .desired_width(320.0)
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
        });
    }

    pub fn ui(&self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        ui.horizontal(|ui| {
            if self.busy {
                ui.spinner();
                if let Some(seconds) = self.elapsed_seconds() {
                    ui.label(format!("{seconds} s"));
                }
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
