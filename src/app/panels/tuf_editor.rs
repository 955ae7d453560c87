//! The TUF repository editor: a repository folder opened for staged edits (every edit is the
//! core editor's, saved as a draft at once), the pending-signatures view ("k of n", who still
//! has to sign, what is expiring), signing with key files, and the ordered publish.

use egui::RichText;

use super::sign_dialog::SignFor;
use super::{amber, bad, good};
use crate::app::{AppState, Command, TufEditorCommand};
use crate::edit::tuf::{RoleState, TufRepo};
use crate::shown::Shown;

/// A publish waiting for the user's word: what it will change, role by role (staged against
/// published), and the online keys it was asked with.
#[derive(Debug, Clone, PartialEq)]
pub struct PublishConfirm {
    pub changes: Vec<(String, Vec<String>)>,
    /// Private key files found for snapshot and timestamp.
    pub online_keys: Vec<std::path::PathBuf>,
    /// Online roles no key file was found for.
    pub unmatched: Vec<String>,
    /// A key file given in the dialog for those.
    pub other_key: String,
}

impl PublishConfirm {
    pub fn keys_to_sign_with(&self) -> Vec<std::path::PathBuf> {
        let mut keys = self.online_keys.clone();
        if !self.other_key.trim().is_empty() {
            keys.push(self.other_key.trim().into());
        }
        keys
    }
}

#[derive(Default)]
pub struct TufEditor {
    pub repo: Option<TufRepo>,
    pub status: Vec<RoleState>,
    pub dir_text: String,
    pub target_file: String,
    pub target_path: String,
    pub target_role: String,
    pub role: String,
    /// A key known to the repository or to what is open, chosen to be added to the role.
    pub key_to_add: Option<String>,
    /// A public key file for a key new to both.
    pub role_key: String,
    pub threshold_text: String,
    pub expires_text: String,
    pub delegate_name: String,
    pub delegate_paths: String,
    pub delegate_prefixes: String,
    /// Known keys ticked for a delegation (keyids).
    pub delegate_chosen: std::collections::BTreeSet<String>,
    /// Public key files for keys new to the repository, comma-separated.
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
    /// What the worker is doing with the repository (it comes back when done).
    pub working: Option<String>,
    /// Publish asked for, awaiting the user's word.
    pub publish_confirm: Option<PublishConfirm>,
    /// The filter typed into the role pickers.
    pub role_filter: String,
    /// Every key the repository's roles or what is open list, by keyid: what the key pickers
    /// offer (refreshed when a job comes back).
    pub known_keys: std::collections::BTreeMap<String, crate::crypto::PublicKey>,
}

pub fn ui(state: &mut AppState, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
    let open_repository = state.workspace().and_then(|w| w.source.repository_folder());
    let editor = &mut state.tuf_editor;
    if editor.repo.is_none()
        && let Some(folder) = &open_repository
    {
        ui.horizontal_wrapped(|ui| {
            if ui
                .button("Edit the open repository")
                .on_hover_text(folder.display().to_string())
                .clicked()
            {
                commands.push(Command::TufEditor(TufEditorCommand::Open(folder.clone())));
            }
            super::path_label(ui, &folder.display().to_string(), false);
        });
    }
    ui.horizontal_wrapped(|ui| {
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
    if let Some(doing) = &editor.working {
        ui.horizontal(|ui| {
            super::busy_sign(ui);
            ui.label(format!("Working: {doing}"));
        });
        // The repository is with the worker: what it showed stays, untouchable until back.
        if editor.status.is_empty() {
            return;
        }
        ui.disable();
    } else if editor.repo.is_none() {
        ui.label("Open a repository folder (one made by `chainscope tuf init`, python-tuf or the Repository Service for TUF).");
        return;
    }
    egui::ScrollArea::vertical()
        .id_salt("tuf_editor")
        .show(ui, |ui| {
            ui.strong("Pending signatures");
            egui::Grid::new("tuf_status")
                .num_columns(6)
                .striped(true)
                .show(ui, |ui| {
                    // The button first: in a narrow tile the columns on the right are the
                    // ones cut off.
                    for heading in [
                        "",
                        "role",
                        "version",
                        "signatures",
                        "still to sign",
                        "expires",
                    ] {
                        ui.label(RichText::new(heading).strong());
                    }
                    ui.end_row();
                    for role in &editor.status {
                        let label = if role.ready() {
                            "Sign…"
                        } else {
                            "Sign now…"
                        };
                        if ui
                            .button(label)
                            .on_hover_text("Sign this role: its missing keys are offered first")
                            .clicked()
                        {
                            commands.push(Command::OpenSignDialog(SignFor::TufRole {
                                role: role.role.clone(),
                                missing: role.report.missing.clone(),
                            }));
                        }
                        let name = if role.staged {
                            format!("{} (staged)", Shown(&role.role))
                        } else {
                            Shown(&role.role).to_string()
                        };
                        // Clicking a role chooses it in the forms below.
                        if ui
                            .selectable_label(editor.role == role.role, name)
                            .on_hover_text("Choose this role in the forms below")
                            .clicked()
                        {
                            editor.role = role.role.clone();
                        }
                        ui.label(format!("v{}", role.version));
                        let color = if role.ready() { good(ui) } else { bad(ui) };
                        ui.colored_label(
                            color,
                            format!("{} of {}", role.report.counted_len(), role.report.threshold),
                        );
                        let missing: Vec<String> = role
                            .report
                            .missing
                            .iter()
                            .map(|k| super::key_text(ui, k))
                            .collect();
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
            ui.horizontal_wrapped(|ui| {
                let label =
                    ui.add(egui::Label::new("Target file:").wrap_mode(egui::TextWrapMode::Extend));
                ui.add(egui::TextEdit::singleline(&mut editor.target_file).desired_width(220.0))
                    .labelled_by(label.id);
                let label =
                    ui.add(egui::Label::new("As path:").wrap_mode(egui::TextWrapMode::Extend));
                ui.add(
                    egui::TextEdit::singleline(&mut editor.target_path)
                        .hint_text("its file name")
                        .desired_width(140.0),
                )
                .labelled_by(label.id);
                let roles: Vec<String> = editor.status.iter().map(|r| r.role.clone()).collect();
                role_picker(
                    ui,
                    "Into role:",
                    "target_role",
                    &mut editor.target_role,
                    &mut editor.role_filter,
                    &roles,
                    Some("the one its path is delegated to"),
                );
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
            ui.strong("Sign a role");
            ui.horizontal_wrapped(|ui| {
                let roles: Vec<String> = editor.status.iter().map(|r| r.role.clone()).collect();
                role_picker(
                    ui,
                    "Role:",
                    "sign_role",
                    &mut editor.role,
                    &mut editor.role_filter,
                    &roles,
                    None,
                );
                let missing = editor
                    .status
                    .iter()
                    .find(|r| r.role == editor.role)
                    .map(|r| r.report.missing.clone());
                if ui
                    .add_enabled(missing.is_some(), egui::Button::new("Sign…"))
                    .on_disabled_hover_text("Choose a role")
                    .clicked()
                    && let Some(missing) = missing
                {
                    commands.push(Command::OpenSignDialog(SignFor::TufRole {
                        role: editor.role.clone(),
                        missing,
                    }));
                }
            });
            ui.separator();
            role_ui(editor, ui, commands);
            ui.separator();
            delegate_ui(editor, ui, commands);
            ui.separator();
            ui.strong("Publish the staged roles");
            if ui
                .button("Publish…")
                .on_hover_text(
                    "Shows what changes and which online keys sign snapshot and timestamp, then publishes: targets and delegated roles first, then snapshot, then timestamp",
                )
                .clicked()
            {
                commands.push(Command::TufEditor(TufEditorCommand::AskPublish));
            }
        });
}

fn field(ui: &mut egui::Ui, label: &str, text: &mut String, width: f32) {
    let label = ui.add(egui::Label::new(label).wrap_mode(egui::TextWrapMode::Extend));
    ui.add(egui::TextEdit::singleline(text).desired_width(width))
        .labelled_by(label.id);
}

/// Keys, threshold, expiry, offline signatures and the diff of one role.
fn role_ui(editor: &mut TufEditor, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
    ui.strong("A role's keys, threshold and expiry");
    let role = editor.role.trim().to_owned();
    let send = |commands: &mut Vec<Command>, command| commands.push(Command::TufEditor(command));
    ui.horizontal_wrapped(|ui| {
        let roles: Vec<String> = editor.status.iter().map(|r| r.role.clone()).collect();
        role_picker(
            ui,
            "Of role:",
            "of_role",
            &mut editor.role,
            &mut editor.role_filter,
            &roles,
            None,
        );
    });
    let role_keys: Vec<crate::crypto::PublicKey> = editor
        .status
        .iter()
        .find(|state| state.role == role)
        .map(|state| state.keys.clone())
        .unwrap_or_default();
    if !role.is_empty() {
        ui.horizontal_wrapped(|ui| {
            ui.add(
                egui::Label::new(format!("Keys of {}:", Shown(&role)))
                    .wrap_mode(egui::TextWrapMode::Extend),
            );
            for key in &role_keys {
                super::key_label(ui, key.keyid());
                if ui
                    .small_button("remove")
                    .on_hover_text(format!(
                        "{} may no longer sign {}",
                        key.keyid(),
                        Shown(&role)
                    ))
                    .clicked()
                {
                    send(
                        commands,
                        TufEditorCommand::RemoveKey {
                            role: role.clone(),
                            keyid: key.keyid().to_owned(),
                        },
                    );
                }
            }
        });
    }
    ui.horizontal_wrapped(|ui| {
        let offered: Vec<&crate::crypto::PublicKey> = editor
            .known_keys
            .values()
            .filter(|key| !role_keys.iter().any(|k| k.keyid() == key.keyid()))
            .collect();
        key_picker(ui, "Add key:", &mut editor.key_to_add, &offered);
        let chosen = editor
            .key_to_add
            .as_ref()
            .and_then(|id| editor.known_keys.get(id));
        if ui
            .add_enabled(
                chosen.is_some() && !role.is_empty(),
                egui::Button::new("Add key"),
            )
            .on_disabled_hover_text("Choose a role and a key")
            .clicked()
            && let Some(key) = chosen
        {
            send(
                commands,
                TufEditorCommand::AddKey {
                    role: role.clone(),
                    key: crate::app::KeyChoice::Known(key.clone()),
                },
            );
            editor.key_to_add = None;
        }
        field(ui, "or a new key's file:", &mut editor.role_key, 180.0);
        if ui
            .add_enabled(
                !editor.role_key.trim().is_empty() && !role.is_empty(),
                egui::Button::new("Add from file"),
            )
            .clicked()
        {
            send(
                commands,
                TufEditorCommand::AddKey {
                    role: role.clone(),
                    key: crate::app::KeyChoice::File(editor.role_key.trim().into()),
                },
            );
        }
    });
    ui.horizontal_wrapped(|ui| {
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
    ui.horizontal_wrapped(|ui| {
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
                ui.label(RichText::new(Shown(line).to_string()).monospace());
            }
        });
    }
}

fn delegate_ui(editor: &mut TufEditor, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
    ui.strong("Delegate to a new role");
    ui.horizontal_wrapped(|ui| {
        let roles: Vec<String> = editor.status.iter().map(|r| r.role.clone()).collect();
        role_picker(
            ui,
            "From role:",
            "from_role",
            &mut editor.role,
            &mut editor.role_filter,
            &roles,
            None,
        );
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
    ui.horizontal_wrapped(|ui| {
        ui.add(egui::Label::new("Its keys:").wrap_mode(egui::TextWrapMode::Extend));
        for (keyid, _) in editor.known_keys.iter().take(MAX_KEY_BOXES) {
            let mut ticked = editor.delegate_chosen.contains(keyid);
            if ui
                .checkbox(&mut ticked, super::key_text(ui, keyid))
                .on_hover_text(keyid.as_str())
                .changed()
            {
                if ticked {
                    editor.delegate_chosen.insert(keyid.clone());
                } else {
                    editor.delegate_chosen.remove(keyid);
                }
            }
        }
        if editor.known_keys.len() > MAX_KEY_BOXES {
            ui.weak(format!(
                "({} more keys: give their files)",
                editor.known_keys.len() - MAX_KEY_BOXES
            ));
        }
    });
    ui.horizontal_wrapped(|ui| {
        field(
            ui,
            "or new keys' files (comma-separated):",
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
                keys: editor
                    .delegate_chosen
                    .iter()
                    .filter_map(|keyid| editor.known_keys.get(keyid))
                    .map(|key| crate::app::KeyChoice::Known(key.clone()))
                    .chain(
                        list(&editor.delegate_keys)
                            .into_iter()
                            .map(|path| crate::app::KeyChoice::File(path.into())),
                    )
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

/// Rows of a role picker's list drawn at once; a repository may have 16,384 bins.
const PICKER_ROWS: f32 = 12.0;

/// A role chosen from the repository's roles, never typed: a button naming the choice that
/// opens a filterable list. With `automatic`, an empty choice means that.
fn role_picker(
    ui: &mut egui::Ui,
    label: &str,
    id: &str,
    chosen: &mut String,
    filter: &mut String,
    roles: &[String],
    automatic: Option<&str>,
) {
    let shown = if chosen.is_empty() {
        automatic.unwrap_or("choose a role").to_owned()
    } else {
        Shown(chosen).to_string()
    };
    // In a wrapping row a label moves to the next line whole, never split.
    let label = ui.add(egui::Label::new(label).wrap_mode(egui::TextWrapMode::Extend));
    egui::ComboBox::from_id_salt(("chainscope.role_picker", id))
        .selected_text(shown)
        .height(f32::INFINITY)
        .show_ui(ui, |ui| {
            ui.add(
                egui::TextEdit::singleline(filter)
                    .hint_text("filter")
                    .desired_width(200.0),
            );
            if let Some(automatic) = automatic
                && ui.selectable_label(chosen.is_empty(), automatic).clicked()
            {
                chosen.clear();
            }
            let needle = filter.to_lowercase();
            let matching: Vec<&String> = roles
                .iter()
                .filter(|r| needle.is_empty() || r.to_lowercase().contains(&needle))
                .collect();
            let row_height = ui.spacing().interact_size.y;
            egui::ScrollArea::vertical()
                .max_height(row_height * PICKER_ROWS)
                .show_rows(ui, row_height, matching.len(), |ui, rows| {
                    for role in &matching[rows] {
                        if ui
                            .selectable_label(*chosen == **role, Shown(role).to_string())
                            .clicked()
                        {
                            *chosen = (*role).clone();
                        }
                    }
                });
        })
        .response
        .labelled_by(label.id);
}

/// Known keys offered as checkboxes for a delegation; more are given by file.
const MAX_KEY_BOXES: usize = 24;

/// A key chosen by name from `keys`, never typed.
fn key_picker(
    ui: &mut egui::Ui,
    label: &str,
    chosen: &mut Option<String>,
    keys: &[&crate::crypto::PublicKey],
) {
    let label = ui.add(egui::Label::new(label).wrap_mode(egui::TextWrapMode::Extend));
    let shown = match chosen.as_deref() {
        Some(keyid) => super::key_text(ui, keyid),
        None if keys.is_empty() => "no other key known".to_owned(),
        None => "choose a key".to_owned(),
    };
    egui::ComboBox::from_id_salt(("chainscope.key_picker", label.id))
        .selected_text(shown)
        .show_ui(ui, |ui| {
            egui::ScrollArea::vertical()
                .max_height(ui.spacing().interact_size.y * PICKER_ROWS)
                .show(ui, |ui| {
                    for key in keys {
                        let keyid = key.keyid();
                        if ui
                            .selectable_label(
                                chosen.as_deref() == Some(keyid),
                                super::key_text(ui, keyid),
                            )
                            .on_hover_text(keyid)
                            .clicked()
                        {
                            *chosen = Some(keyid.to_owned());
                        }
                    }
                });
        })
        .response
        .labelled_by(label.id);
}

/// Publish asked for: what it changes, role by role, and which online keys sign snapshot and
/// timestamp, then Publish or Cancel.
pub fn publish_confirm(state: &mut AppState, ctx: &egui::Context, commands: &mut Vec<Command>) {
    let unsigned: Vec<(String, u64, u64, Vec<String>)> = state
        .tuf_editor
        .status
        .iter()
        .filter(|role| role.staged && !role.ready())
        .map(|role| {
            (
                role.role.clone(),
                role.report.counted_len(),
                role.report.threshold,
                role.report.missing.clone(),
            )
        })
        .collect();
    let Some(PublishConfirm {
        changes,
        online_keys,
        unmatched,
        other_key,
    }) = &mut state.tuf_editor.publish_confirm
    else {
        return;
    };
    egui::Modal::new(egui::Id::unique("chainscope.publish_confirm")).show(ctx, |ui| {
        ui.set_max_width(640.0);
        ui.heading("Publish these changes?");
        ui.label(
            "The staged roles are written first, then a new snapshot and timestamp signed \
             with the online keys. Clients see the changes at their next update.",
        );
        if changes.is_empty() {
            ui.label("Nothing is staged: a new snapshot and timestamp only.");
        }
        egui::ScrollArea::vertical()
            .max_height(300.0)
            .show(ui, |ui| {
                for (role, lines) in changes {
                    ui.strong(format!(
                        "{}: {} change{}",
                        Shown(role),
                        lines.len(),
                        if lines.len() == 1 { "" } else { "s" }
                    ));
                    for line in lines.iter().take(SHOWN_CHANGES) {
                        ui.label(RichText::new(Shown(line).to_string()).monospace());
                    }
                    if lines.len() > SHOWN_CHANGES {
                        ui.weak(format!("… and {} more", lines.len() - SHOWN_CHANGES));
                    }
                }
            });
        let files: Vec<String> = online_keys
            .iter()
            .map(|path| {
                path.file_name()
                    .map(|n| Shown(&n.to_string_lossy()).to_string())
                    .unwrap_or_default()
            })
            .collect();
        if !files.is_empty() {
            ui.label(format!("Signed online with: {}", files.join(", ")))
                .on_hover_text(
                    online_keys
                        .iter()
                        .map(|p| p.display().to_string())
                        .collect::<Vec<_>>()
                        .join("\n"),
                );
        }
        if !unmatched.is_empty() {
            ui.colored_label(
                bad(ui),
                format!(
                    "No private key found for {} beside the repository or among the keys used recently.",
                    unmatched.join(" and ")
                ),
            );
            ui.horizontal_wrapped(|ui| {
                field(ui, "Its key file:", other_key, 260.0);
            });
        }
        // What publishing would refuse, said before it is tried.
        for (role, counted, threshold, missing) in &unsigned {
            let names: Vec<String> = missing.iter().map(|k| super::key_text(ui, k)).collect();
            ui.colored_label(
                bad(ui),
                format!(
                    "{} has {counted} of {threshold} signatures: {} still to sign.",
                    Shown(role),
                    names.join(", ")
                ),
            );
        }
        let ready =
            unsigned.is_empty() && (unmatched.is_empty() || !other_key.trim().is_empty());
        ui.horizontal(|ui| {
            if ui
                .add_enabled(ready, egui::Button::new("Publish"))
                .on_disabled_hover_text(if unsigned.is_empty() {
                    "Give the online key's file"
                } else {
                    "Sign the roles named above first"
                })
                .clicked()
            {
                commands.push(Command::TufEditor(TufEditorCommand::ConfirmPublish));
            }
            if ui.button("Cancel").clicked() {
                commands.push(Command::TufEditor(TufEditorCommand::CancelPublish));
            }
        });
    });
}

/// Lines of each role's change shown in the publish dialog.
const SHOWN_CHANGES: usize = 8;
