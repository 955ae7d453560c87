//! The TUF repository editor: a repository folder opened for staged edits (every edit is the
//! core editor's, saved as a draft at once), the pending-signatures view ("k of n", who still
//! has to sign, what is expiring), signing with key files, and the ordered publish.

use egui::RichText;

use super::{amber, bad, good};
use crate::app::{AppState, Command, TufEditorCommand};
use crate::crypto::threshold::short;
use crate::edit::tuf::{RoleState, TufRepo};

#[derive(Default)]
pub struct TufEditor {
    pub repo: Option<TufRepo>,
    pub status: Vec<RoleState>,
    pub dir_text: String,
    pub target_file: String,
    pub target_path: String,
    pub target_role: String,
    pub sign_role: String,
    pub sign_key: String,
    pub passphrase: String,
    pub online_keys: String,
    pub role: String,
    pub role_key: String,
    pub threshold_text: String,
    pub expires_text: String,
    pub delegate_name: String,
    pub delegate_paths: String,
    pub delegate_prefixes: String,
    pub delegate_keys: String,
    pub delegate_threshold: String,
    pub delegate_terminating: bool,
    pub delegate_bins: String,
    pub offline_path: String,
    pub signature_path: String,
    pub signer_key: String,
    /// The last role diff asked for: (role, lines).
    pub diff: Option<(String, Vec<String>)>,
    /// What the last action did, or why it was refused.
    pub message: Option<(bool, String)>,
    /// The repository is being published on the worker (it comes back when done).
    pub publishing: bool,
}

pub fn ui(state: &mut AppState, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
    let editor = &mut state.tuf_editor;
    ui.horizontal(|ui| {
        let label = ui.label("Repository folder:");
        ui.add(
            egui::TextEdit::singleline(&mut editor.dir_text)
                .hint_text("holds metadata/ (and staged drafts)")
                .desired_width(300.0),
        )
        .labelled_by(label.id);
        if ui.button("Open for editing").clicked() && !editor.dir_text.trim().is_empty() {
            commands.push(Command::TufEditor(TufEditorCommand::Open(
                editor.dir_text.trim().into(),
            )));
        }
    });
    if let Some((ok, message)) = &editor.message {
        ui.colored_label(if *ok { good(ui) } else { bad(ui) }, message);
    }
    if editor.publishing {
        ui.horizontal(|ui| {
            super::busy_sign(ui);
            ui.label("Publishing: signing snapshot and timestamp, writing the files …");
        });
        return;
    }
    if editor.repo.is_none() {
        ui.label("Open a repository folder (one made by `chainscope tuf init`, python-tuf or the Repository Service for TUF).");
        return;
    }
    egui::ScrollArea::vertical()
        .id_salt("tuf_editor")
        .show(ui, |ui| {
            ui.strong("Pending signatures");
            egui::Grid::new("tuf_status")
                .num_columns(5)
                .striped(true)
                .show(ui, |ui| {
                    for heading in ["role", "version", "signatures", "still to sign", "expires"] {
                        ui.label(RichText::new(heading).strong());
                    }
                    ui.end_row();
                    for role in &editor.status {
                        let name = if role.staged {
                            format!("{} (staged)", role.role)
                        } else {
                            role.role.clone()
                        };
                        ui.label(name);
                        ui.label(format!("v{}", role.version));
                        let color = if role.ready() { good(ui) } else { bad(ui) };
                        ui.colored_label(
                            color,
                            format!("{} of {}", role.report.counted_len(), role.report.threshold),
                        );
                        let missing: Vec<String> =
                            role.report.missing.iter().map(|k| short(k)).collect();
                        ui.label(if missing.is_empty() {
                            "—".to_owned()
                        } else {
                            missing.join(", ")
                        });
                        let color = if role.expires_in_days < 0 {
                            bad(ui)
                        } else if role.expires_in_days <= 30 {
                            amber(ui)
                        } else {
                            ui.visuals().text_color()
                        };
                        ui.colored_label(
                            color,
                            format!("{} ({} days)", role.expires, role.expires_in_days),
                        );
                        ui.end_row();
                    }
                });
            ui.separator();
            ui.strong("Add a target (or drop its file on the window)");
            ui.horizontal(|ui| {
                let label = ui.label("Target file:");
                ui.add(egui::TextEdit::singleline(&mut editor.target_file).desired_width(220.0))
                    .labelled_by(label.id);
                let label = ui.label("As path:");
                ui.add(
                    egui::TextEdit::singleline(&mut editor.target_path)
                        .hint_text("its file name")
                        .desired_width(140.0),
                )
                .labelled_by(label.id);
                let label = ui.label("Into role:");
                ui.add(
                    egui::TextEdit::singleline(&mut editor.target_role)
                        .hint_text("the right one")
                        .desired_width(100.0),
                )
                .labelled_by(label.id);
                if ui
                    .button("Browse…")
                    .on_hover_text("Choose the file (or drop it on the window)")
                    .clicked()
                {
                    commands.push(Command::TufEditor(TufEditorCommand::BrowseForTarget));
                }
                if ui.button("Add target").clicked() && !editor.target_file.trim().is_empty() {
                    let file = std::path::PathBuf::from(editor.target_file.trim());
                    let path = if editor.target_path.trim().is_empty() {
                        file.file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default()
                    } else {
                        editor.target_path.trim().to_owned()
                    };
                    let role = (!editor.target_role.trim().is_empty())
                        .then(|| editor.target_role.trim().to_owned());
                    commands.push(Command::TufEditor(TufEditorCommand::AddTarget {
                        file,
                        path,
                        role,
                    }));
                }
            });
            ui.separator();
            ui.strong("Sign");
            ui.horizontal(|ui| {
                let label = ui.label("Role:");
                ui.add(egui::TextEdit::singleline(&mut editor.sign_role).desired_width(100.0))
                    .labelled_by(label.id);
                let label = ui.label("Key file:");
                ui.add(egui::TextEdit::singleline(&mut editor.sign_key).desired_width(200.0))
                    .labelled_by(label.id);
                let label = ui.label("Passphrase:");
                ui.add(
                    egui::TextEdit::singleline(&mut editor.passphrase)
                        .password(true)
                        .desired_width(90.0),
                )
                .labelled_by(label.id);
                if ui.button("Sign the role").clicked()
                    && !editor.sign_role.trim().is_empty()
                    && !editor.sign_key.trim().is_empty()
                {
                    commands.push(Command::TufEditor(TufEditorCommand::Sign {
                        role: editor.sign_role.trim().to_owned(),
                        key_file: editor.sign_key.trim().into(),
                        passphrase: (!editor.passphrase.is_empty())
                            .then(|| editor.passphrase.clone()),
                    }));
                }
            });
            ui.separator();
            role_ui(editor, ui, commands);
            ui.separator();
            delegate_ui(editor, ui, commands);
            ui.separator();
            ui.strong("Publish");
            ui.horizontal(|ui| {
                let label = ui.label("Online keys:");
                ui.add(
                    egui::TextEdit::singleline(&mut editor.online_keys)
                        .hint_text("key files for snapshot and timestamp, comma-separated")
                        .desired_width(300.0),
                )
                .labelled_by(label.id);
                if ui
                    .button("Publish")
                    .on_hover_text(
                        "Targets and delegated roles first, then snapshot, then timestamp",
                    )
                    .clicked()
                {
                    let keys = editor
                        .online_keys
                        .split(',')
                        .map(str::trim)
                        .filter(|k| !k.is_empty())
                        .map(Into::into)
                        .collect();
                    commands.push(Command::TufEditor(TufEditorCommand::Publish {
                        online_keys: keys,
                    }));
                }
            });
        });
}

fn field(ui: &mut egui::Ui, label: &str, text: &mut String, width: f32) {
    let label = ui.label(label);
    ui.add(egui::TextEdit::singleline(text).desired_width(width))
        .labelled_by(label.id);
}

/// Keys, threshold, expiry, offline signatures and the diff of one role.
fn role_ui(editor: &mut TufEditor, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
    ui.strong("A role's keys, threshold and expiry");
    let role = editor.role.trim().to_owned();
    let send = |commands: &mut Vec<Command>, command| commands.push(Command::TufEditor(command));
    ui.horizontal(|ui| {
        field(ui, "Of role:", &mut editor.role, 110.0);
        field(ui, "Key:", &mut editor.role_key, 200.0);
        if ui.button("Add key").clicked() && !role.is_empty() {
            send(
                commands,
                TufEditorCommand::AddKey {
                    role: role.clone(),
                    key_file: editor.role_key.trim().into(),
                },
            );
        }
        if ui
            .button("Remove key")
            .on_hover_text("by the key file's keyid")
            .clicked()
            && !role.is_empty()
        {
            send(
                commands,
                TufEditorCommand::RemoveKey {
                    role: role.clone(),
                    key_file: editor.role_key.trim().into(),
                },
            );
        }
    });
    ui.horizontal(|ui| {
        field(ui, "Threshold:", &mut editor.threshold_text, 40.0);
        if ui.button("Set threshold").clicked()
            && let Ok(threshold) = editor.threshold_text.trim().parse()
        {
            send(
                commands,
                TufEditorCommand::SetThreshold {
                    role: role.clone(),
                    threshold,
                },
            );
        }
        field(ui, "Expires:", &mut editor.expires_text, 180.0);
        if ui.button("Set expiry").clicked() {
            send(
                commands,
                TufEditorCommand::SetExpiry {
                    role: role.clone(),
                    expires: editor.expires_text.clone(),
                },
            );
        }
        if ui.button("Diff against published").clicked() {
            send(commands, TufEditorCommand::Diff { role: role.clone() });
        }
    });
    ui.horizontal(|ui| {
        field(ui, "Export bytes to:", &mut editor.offline_path, 160.0);
        if ui.button("Export bytes").clicked() && !editor.offline_path.trim().is_empty() {
            send(
                commands,
                TufEditorCommand::ExportBytes {
                    role: role.clone(),
                    path: editor.offline_path.trim().into(),
                },
            );
        }
        field(ui, "Signature file:", &mut editor.signature_path, 140.0);
        field(ui, "Signer's key:", &mut editor.signer_key, 140.0);
        if ui.button("Import signature").clicked() {
            send(
                commands,
                TufEditorCommand::ImportSignature {
                    role: role.clone(),
                    signature_file: editor.signature_path.trim().into(),
                    key_file: editor.signer_key.trim().into(),
                },
            );
        }
    });
    if let Some((diff_role, lines)) = &editor.diff {
        egui::CollapsingHeader::new(format!(
            "{diff_role}: staged against published ({} changes)",
            lines.len()
        ))
        .default_open(true)
        .show(ui, |ui| {
            for line in lines {
                ui.label(RichText::new(line).monospace());
            }
        });
    }
}

fn delegate_ui(editor: &mut TufEditor, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
    ui.strong("Delegate");
    ui.horizontal(|ui| {
        field(ui, "From role:", &mut editor.role, 100.0);
        field(
            ui,
            "To (name or bin prefix):",
            &mut editor.delegate_name,
            110.0,
        );
        field(ui, "Paths:", &mut editor.delegate_paths, 140.0);
        field(ui, "or hash prefixes:", &mut editor.delegate_prefixes, 90.0);
        ui.checkbox(&mut editor.delegate_terminating, "terminating");
    });
    ui.horizontal(|ui| {
        field(
            ui,
            "Keys (files, comma-separated):",
            &mut editor.delegate_keys,
            220.0,
        );
        field(ui, "Threshold of it:", &mut editor.delegate_threshold, 40.0);
        field(
            ui,
            "Or succinct bins, bits:",
            &mut editor.delegate_bins,
            40.0,
        );
        if ui.button("Delegate").clicked() {
            let list = |text: &str| -> Vec<String> {
                text.split(',')
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned)
                    .collect()
            };
            commands.push(Command::TufEditor(TufEditorCommand::Delegate {
                delegator: editor.role.trim().to_owned(),
                name: editor.delegate_name.trim().to_owned(),
                key_files: list(&editor.delegate_keys)
                    .into_iter()
                    .map(Into::into)
                    .collect(),
                threshold: editor.delegate_threshold.trim().parse().unwrap_or(1),
                paths: list(&editor.delegate_paths),
                prefixes: list(&editor.delegate_prefixes),
                terminating: editor.delegate_terminating,
                bins: editor.delegate_bins.trim().parse().ok(),
            }));
        }
    });
}
