//! The signing dialog, for the layout, an ITE-10 attestation layout and a TUF role: pick a key by name (a role's keys
//! that still have to sign first, then recently used ones, then the private keys found beside
//! what is open, being edited or saved), type its passphrase if it is encrypted, choose the
//! envelope (a layout's), sign.

use std::path::PathBuf;

use egui::RichText;

use super::attest_editor::AttestEditorCommand;
use super::{bad, key_text};
use crate::app::{AppState, Command, EditorCommand, TufEditorCommand};
use crate::crypto::signed::EnvelopeKind;
use crate::workspace::SigningKeyFile;

/// What is being signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignFor {
    Layout,
    /// The layout in the ITE-10 attestation layout editor (always DSSE).
    AttestLayout,
    /// A role of the repository in the TUF editor, and the keyids that still have to sign it.
    TufRole {
        role: String,
        missing: Vec<String>,
    },
}

pub struct SignDialog {
    pub purpose: SignFor,
    /// `None` while the worker looks for keys.
    pub candidates: Option<Vec<SigningKeyFile>>,
    /// The key file to sign with (chosen from the list, typed or browsed).
    pub path_text: String,
    pub passphrase: String,
    pub envelope: EnvelopeKind,
    /// A signature was asked for and is being made (an encrypted key takes a moment to
    /// unlock).
    pub signing: bool,
    /// Why the last attempt did not sign (a wrong passphrase, a public key).
    pub error: Option<String>,
}

impl SignDialog {
    pub fn new(purpose: SignFor, envelope: EnvelopeKind) -> SignDialog {
        SignDialog {
            purpose,
            candidates: None,
            path_text: String::new(),
            passphrase: String::new(),
            signing: false,
            envelope,
            error: None,
        }
    }

    /// The keys are in: a key that still has to sign comes first, and the first is chosen
    /// unless the user chose already.
    pub fn found(&mut self, mut candidates: Vec<SigningKeyFile>) {
        let missing = self.missing();
        candidates.sort_by_key(|k| !k.keyid.as_ref().is_some_and(|id| missing.contains(id)));
        if self.path_text.is_empty()
            && let Some(first) = candidates.first()
        {
            self.path_text = first.path.display().to_string();
        }
        self.candidates = Some(candidates);
    }
}

impl SignDialog {
    fn missing(&self) -> Vec<String> {
        match &self.purpose {
            SignFor::TufRole { missing, .. } => missing.clone(),
            SignFor::Layout | SignFor::AttestLayout => Vec::new(),
        }
    }
}

impl Drop for SignDialog {
    /// The passphrase does not outlive the dialog in memory.
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.passphrase);
    }
}

/// What the key is called: its name when the keyid is known and named, else the file's name.
fn key_title(ui: &egui::Ui, key: &SigningKeyFile) -> String {
    let file = key
        .path
        .file_name()
        .map(|n| crate::shown::Shown(&n.to_string_lossy()).to_string())
        .unwrap_or_default();
    match &key.keyid {
        Some(keyid) => {
            let name = key_text(ui, keyid);
            if name == crate::crypto::threshold::short(keyid) {
                format!("{file} ({name})")
            } else {
                name
            }
        }
        None => file,
    }
}

pub fn ui(state: &mut AppState, ctx: &egui::Context, commands: &mut Vec<Command>) {
    let current_envelope = state
        .layout_editor
        .document
        .as_ref()
        .map(|d| d.signed().kind);
    let recent = state.signing_keys.clone();
    let Some(dialog) = &mut state.sign_dialog else {
        return;
    };
    let missing = dialog.missing();
    let layout = dialog.purpose == SignFor::Layout;
    let modal = egui::Modal::new(egui::Id::unique("chainscope.sign_dialog")).show(ctx, |ui| {
        ui.set_width(520.0_f32.min(ctx.content_rect().width() - 40.0));
        ui.heading(match &dialog.purpose {
            SignFor::Layout => "Sign the layout".to_owned(),
            SignFor::AttestLayout => "Sign the attestation layout".to_owned(),
            SignFor::TufRole { role, .. } => format!("Sign {}", crate::shown::Shown(role)),
        });
        if !missing.is_empty() {
            let names: Vec<String> = missing.iter().map(|k| key_text(ui, k)).collect();
            ui.label(format!("Still to sign: {}", names.join(", ")));
        }
        ui.label("Key:");
        match &dialog.candidates {
            None => {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label("Looking for private keys…");
                });
            }
            Some(candidates) if candidates.is_empty() => {
                ui.weak("No private key found beside what is open or where the layout is saved: give its file below.");
            }
            Some(candidates) => {
                egui::ScrollArea::vertical()
                    .max_height(180.0)
                    .show(ui, |ui| {
                        for key in candidates {
                            let path = key.path.display().to_string();
                            let chosen = dialog.path_text == path;
                            let mut title = key_title(ui, key);
                            if key.keyid.as_ref().is_some_and(|id| missing.contains(id)) {
                                title.push_str("  · still to sign");
                            }
                            if key.encrypted {
                                title.push_str("  · encrypted");
                            }
                            if recent.contains(&key.path) {
                                title.push_str("  · used recently");
                            }
                            let response = ui
                                .selectable_label(chosen, title)
                                .on_hover_text(match &key.keyid {
                                    Some(keyid) => format!("{path}\nkeyid {keyid}"),
                                    None => format!("{path}\nencrypted: its keyid shows once it is unlocked"),
                                });
                            if response.clicked() {
                                dialog.path_text = path;
                                dialog.error = None;
                            }
                        }
                    });
            }
        }
        let mut entered = false;
        ui.horizontal_wrapped(|ui| {
            let label = ui.label("Signing key:");
            let field = ui
                .add(
                    egui::TextEdit::singleline(&mut dialog.path_text)
                        .hint_text("a private key file")
                        .desired_width(300.0),
                )
                .labelled_by(label.id);
            entered |= field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if ui.button("Browse…").clicked() {
                commands.push(Command::BrowseForSigningKey);
            }
        });
        let encrypted = dialog.candidates.iter().flatten().any(|k| {
            k.encrypted && k.path.display().to_string() == dialog.path_text
        });
        ui.horizontal_wrapped(|ui| {
            let label = ui.label("Passphrase:");
            let field = ui
                .add(
                    egui::TextEdit::singleline(&mut dialog.passphrase)
                        .password(true)
                        .hint_text(if encrypted {
                            "this key is encrypted"
                        } else {
                            "only for an encrypted key"
                        })
                        .desired_width(200.0),
                )
                .labelled_by(label.id);
            entered |= field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        });
        if dialog.purpose == SignFor::AttestLayout {
            ui.label("Envelope: DSSE (a signed attestation layout is a DSSE envelope around it).");
        } else {
        ui.add_enabled_ui(layout, |ui| ui.horizontal_wrapped(|ui| {
            ui.label("Envelope:");
            for (choice, word) in [
                (EnvelopeKind::Legacy, "signed/signatures"),
                (EnvelopeKind::Dsse, "DSSE"),
            ] {
                if ui.selectable_label(dialog.envelope == choice, word).clicked() {
                    dialog.envelope = choice;
                }
            }
        }));
        }
        if layout && current_envelope.is_some_and(|kind| kind != dialog.envelope) {
            ui.weak("Changing the envelope drops the signatures made for the other one.");
        }
        if let Some(error) = &dialog.error {
            ui.add(egui::Label::new(RichText::new(error).color(bad(ui))).wrap());
        }
        if dialog.signing {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Signing…");
            });
        }
        ui.horizontal(|ui| {
            let ready = !dialog.path_text.trim().is_empty() && !dialog.signing;
            let sign = ui
                .add_enabled(ready, egui::Button::new("Sign"))
                .on_disabled_hover_text(if dialog.signing {
                    "Signing…"
                } else {
                    "Choose a key"
                })
                .clicked();
            if (sign || entered) && ready {
                dialog.signing = true;
                dialog.error = None;
                let key_file = PathBuf::from(dialog.path_text.trim());
                let passphrase = crate::crypto::Passphrase::from_typed(&dialog.passphrase);
                match &dialog.purpose {
                    SignFor::Layout => {
                        if current_envelope.is_some_and(|kind| kind != dialog.envelope) {
                            commands.push(Command::Editor(EditorCommand::SetEnvelope(
                                dialog.envelope,
                            )));
                        }
                        commands.push(Command::Editor(EditorCommand::Sign {
                            key_file,
                            passphrase,
                        }));
                    }
                    SignFor::AttestLayout => {
                        commands.push(Command::AttestEditor(AttestEditorCommand::Sign {
                            key_file,
                            passphrase,
                        }));
                    }
                    SignFor::TufRole { role, .. } => {
                        commands.push(Command::TufEditor(TufEditorCommand::Sign {
                            role: role.clone(),
                            key_file,
                            passphrase,
                        }));
                    }
                }
            }
            if ui.button("Cancel").clicked() {
                commands.push(Command::CloseSignDialog);
            }
        });
    });
    if modal.should_close() {
        commands.push(Command::CloseSignDialog);
    }
}
