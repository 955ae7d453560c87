//! The bottom line: what the app is doing or just did.

#[derive(Default)]
pub struct StatusBar {
    pub message: String,
    pub busy: bool,
}

impl StatusBar {
    pub fn ui(&self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            if self.busy {
                ui.spinner();
            }
            ui.label(&self.message);
        });
    }
}
