//! The keys view: every key of what is open with its name, what it serves (TUF roles, bins,
//! layout steps) and whether it is kept online or offline by those duties; generate a key
//! pair, import a public key (it is named after its file), export a public key.

use std::path::PathBuf;

use egui::RichText;

use super::{amber, bad, good, highlight};
use crate::app::{AppState, Command, KeysCommand};
use crate::keyring::{Custody, Duty, KeyUse};
use crate::shown::Shown;
use crate::workspace::Workspace;

#[derive(Default)]
pub struct KeysPanel {
    pub generate_name: String,
    pub generate_folder: String,
    pub passphrase: String,
    pub import_path: String,
    /// The key being exported and where to.
    pub export: Option<(String, String)>,
    /// What the last action did, or why it was refused.
    pub message: Option<(bool, String)>,
    /// A key file is being written or read on a worker.
    pub busy: bool,
}

impl Drop for KeysPanel {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.passphrase);
    }
}

/// What a key serves, in a few words.
pub fn duties_text(key: &KeyUse) -> String {
    let words: Vec<String> = key
        .duties
        .iter()
        .map(|duty| match duty {
            Duty::Role {
                role, threshold, ..
            } => format!("{} ({threshold} needed)", Shown(role)),
            Duty::Bins {
                prefix,
                count,
                threshold,
                ..
            } => format!("{}-* ({count} bins, {threshold} needed)", Shown(prefix)),
            Duty::Functionary { step, threshold } => {
                format!("step {} ({threshold} needed)", Shown(step))
            }
            Duty::LayoutKey => "listed in the layout".to_owned(),
        })
        .collect();
    words.join(", ")
}

fn custody_text(ui: &egui::Ui, custody: Custody) -> (RichText, &'static str) {
    match custody {
        Custody::Online => (
            RichText::new("online").color(amber(ui)),
            "It signs timestamp or snapshot, which the repository re-signs unattended: \
             the key lives on the server, and a theft there is what the offline keys recover from.",
        ),
        Custody::Offline => (
            RichText::new("offline").color(good(ui)),
            "It signs only roles a person signs: keep it off any server.",
        ),
        Custody::Functionary => (
            RichText::new("functionary").color(highlight(ui)),
            "It signs in-toto links where its step runs.",
        ),
    }
}

pub fn ui(
    state: &mut AppState,
    workspace: Option<&Workspace>,
    ui: &mut egui::Ui,
    commands: &mut Vec<Command>,
) {
    egui::ScrollArea::vertical()
        .id_salt("keys_view")
        .auto_shrink(false)
        .show(ui, |ui| keys_ui(state, workspace, ui, commands));
}

fn keys_ui(
    state: &mut AppState,
    workspace: Option<&Workspace>,
    ui: &mut egui::Ui,
    commands: &mut Vec<Command>,
) {
    let panel = &mut state.keys;
    if let Some((ok, message)) = &panel.message {
        ui.add(
            egui::Label::new(RichText::new(message).color(if *ok { good(ui) } else { bad(ui) }))
                .wrap(),
        );
    }
    let keys = workspace.map_or(&[][..], |w| &w.keys[..]);
    ui.strong(format!("Keys of what is open ({})", keys.len()));
    if keys.is_empty() {
        ui.weak("What is open names no keys.");
    }
    ui.weak("Right-click a name to rename the key.");
    egui::Grid::new("keys_grid")
        .num_columns(4)
        .striped(true)
        .show(ui, |ui| {
            for heading in ["", "key", "kept", "serves"] {
                ui.label(RichText::new(heading).strong());
            }
            ui.end_row();
            for key in keys {
                if ui
                    .add_enabled(key.key.is_some(), egui::Button::new("Export…"))
                    .on_hover_text("Write its public key to a file")
                    .on_disabled_hover_text("The metadata does not list this key itself")
                    .clicked()
                {
                    let name = super::key_text(ui, &key.keyid);
                    let folder = workspace
                        .and_then(|w| w.source.key_folder())
                        .unwrap_or_else(|| PathBuf::from("."));
                    panel.export = Some((
                        key.keyid.clone(),
                        folder.join(format!("{name}.pub")).display().to_string(),
                    ));
                }
                super::key_label(ui, &key.keyid);
                let (custody, why) = custody_text(ui, key.custody());
                ui.label(custody).on_hover_text(why);
                ui.add(egui::Label::new(duties_text(key)).wrap());
                ui.end_row();
            }
        });
    if let Some((keyid, path)) = &mut panel.export {
        let mut done = false;
        ui.horizontal_wrapped(|ui| {
            let label = ui.label(format!("Export {} to:", super::key_text(ui, keyid)));
            let field = ui
                .add(egui::TextEdit::singleline(path).desired_width(320.0))
                .labelled_by(label.id);
            let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if (ui.button("Save").clicked() || entered) && !path.trim().is_empty() {
                commands.push(Command::Keys(KeysCommand::Export {
                    keyid: keyid.clone(),
                    path: PathBuf::from(path.trim()),
                }));
                done = true;
            }
            if ui.button("Cancel").clicked() {
                done = true;
            }
        });
        if done {
            panel.export = None;
        }
    }
    ui.separator();
    ui.strong("Generate a key pair");
    ui.horizontal_wrapped(|ui| {
        let label = ui.label("Name:");
        ui.add(
            egui::TextEdit::singleline(&mut panel.generate_name)
                .hint_text("alice")
                .desired_width(120.0),
        )
        .labelled_by(label.id);
        let label = ui.label("In folder:");
        ui.add(
            egui::TextEdit::singleline(&mut panel.generate_folder)
                .hint_text("where the two files go")
                .desired_width(220.0),
        )
        .labelled_by(label.id);
    });
    let mut entered = false;
    ui.horizontal_wrapped(|ui| {
        let label = ui.label("Passphrase:");
        let field = ui
            .add(
                egui::TextEdit::singleline(&mut panel.passphrase)
                    .password(true)
                    .hint_text("empty: not encrypted")
                    .desired_width(160.0),
            )
            .labelled_by(label.id);
        entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        let ready = !panel.generate_name.trim().is_empty() && !panel.busy;
        let clicked = ui
            .add_enabled(ready, egui::Button::new("Generate"))
            .on_hover_text("Writes NAME (private, owner-only) and NAME.pub; never overwrites")
            .clicked();
        if (clicked || entered) && ready {
            let folder = PathBuf::from(panel.generate_folder.trim());
            commands.push(Command::Keys(KeysCommand::Generate {
                file: folder.join(panel.generate_name.trim()),
                passphrase: crate::crypto::Passphrase::from_typed(&panel.passphrase),
            }));
        }
    });
    if panel.passphrase.is_empty() && !panel.generate_name.trim().is_empty() {
        ui.weak("Without a passphrase the private key is written unencrypted: fine for a demo, not for a real key.");
    }
    ui.separator();
    ui.strong("Import a public key");
    ui.horizontal_wrapped(|ui| {
        let label = ui.label("Key file:");
        let field = ui
            .add(
                egui::TextEdit::singleline(&mut panel.import_path)
                    .hint_text("alice.pub (PEM or securesystemslib JSON)")
                    .desired_width(260.0),
            )
            .labelled_by(label.id);
        let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if (ui.button("Import").clicked() || entered) && !panel.import_path.trim().is_empty() {
            commands.push(Command::Keys(KeysCommand::Import(PathBuf::from(
                panel.import_path.trim(),
            ))));
        }
    });
    if panel.busy {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label("Working…");
        });
    }
}
