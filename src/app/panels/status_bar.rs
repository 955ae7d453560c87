//! The bottom line: what the app is doing or just did, with progress and Cancel while loading.

use crate::app::{Command, Progress};

#[derive(Default)]
pub struct StatusBar {
    pub message: String,
    /// What to do about the failure the message reports, as the CLI would hint it.
    pub hint: Option<String>,
    pub busy: bool,
    pub progress: Progress,
    /// When the running load started, for its elapsed time.
    pub started: Option<std::time::Instant>,
}

impl StatusBar {
    pub fn say(&mut self, message: impl Into<String>) {
        self.message = message.into();
        self.hint = None;
    }

    /// A failure on one line, with its hint.
    pub fn report(&mut self, report: &crate::report::Report) {
        self.message = report.to_string();
        self.hint = report.hint.clone();
    }

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
            super::busy_sign_since(ui, self.started);
            ui.heading(crate::shown::shown(&self.message));
            if let Some(seconds) = self.elapsed_seconds() {
                ui.label(format!("{seconds} s so far"));
                // The counter moves while the worker is quiet.
                ui.ctx()
                    .request_repaint_after(std::time::Duration::from_millis(500));
            }
            self.progress_and_cancel(ui, 320.0, commands);
        });
    }

    /// The load's progress bar with its phase, and the button that stops it.
    pub fn progress_and_cancel(&self, ui: &mut egui::Ui, width: f32, commands: &mut Vec<Command>) {
        ui.add(
            egui::ProgressBar::new(self.progress.fraction)
                .desired_width(width)
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

    pub fn ui(&self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        ui.horizontal(|ui| {
            if self.busy {
                super::busy_sign_since(ui, self.started);
                if let Some(seconds) = self.elapsed_seconds() {
                    ui.label(format!("{seconds} s"));
                }
                self.progress_and_cancel(ui, 220.0, commands);
            }
            // Messages quote file names and errors: escaped like every label from a file.
            ui.label(crate::shown::shown(&self.message));
            if let Some(hint) = &self.hint {
                ui.label(
                    egui::RichText::new(format!("Hint: {}", crate::shown::Shown(hint))).weak(),
                );
            }
        });
    }
}
