//! The metadata inspector: the opened file's type, fields, keys and signature report; and the
//! error panel naming the file and the field when something cannot be read.

use crate::shown::{Shown, shown};
use egui::RichText;

use super::{bad, good};
use crate::crypto::SignatureStatus;
use crate::inspect::{FileReport, SignatureSection};
use crate::workspace::WorkspaceError;

/// The load error: which file, what is wrong with it, why, and what to do (the same report the
/// CLI prints). The app keeps running.
pub fn error_ui(ui: &mut egui::Ui, error: &WorkspaceError) {
    let report = crate::report::Report::of(error);
    egui::Frame::group(ui.style())
        .stroke(egui::Stroke::new(1.5, bad(ui)))
        .show(ui, |ui| {
            let heading = match error {
                WorkspaceError::NotMetadata { .. } => "Not metadata",
                WorkspaceError::File(_) => "Could not load this file",
                WorkspaceError::Missing { .. } => "Nothing at this path",
                _ => "Could not open this",
            };
            ui.label(RichText::new(heading).color(bad(ui)).strong().size(18.0));
            if let Some(path) = error.path() {
                ui.label(RichText::new(path.display().to_string()).monospace());
            }
            ui.label(shown(&report.message));
            for cause in &report.causes {
                ui.label(format!("Caused by: {}", Shown(cause)));
            }
            if let Some(hint) = &report.hint {
                ui.label(RichText::new(format!("Hint: {}", Shown(hint))).strong());
            }
            ui.label(match error {
                WorkspaceError::Missing { .. } => {
                    "Check the path for a typo, or open something else."
                }
                _ => "Fix it and press Reload (Ctrl+R), or open something else.",
            });
        });
}

/// An open that failed over what stayed open: the same report, in a banner with a way to
/// dismiss it. What was open is untouched.
pub fn open_failure_ui(
    ui: &mut egui::Ui,
    failure: &crate::app::OpenFailure,
    commands: &mut Vec<crate::app::Command>,
) {
    ui.horizontal(|ui| {
        ui.label(
            RichText::new(format!("Could not open {}", Shown(&failure.input)))
                .color(bad(ui))
                .strong(),
        );
        if ui.button("Dismiss").clicked() {
            commands.push(crate::app::Command::DismissOpenFailure);
        }
        ui.label("What was open stays open.");
    });
    error_ui(ui, &failure.error);
    if let WorkspaceError::NotMetadata {
        path,
        keyid: Some(keyid),
        ..
    } = failure.error.as_ref()
        && ui
            .button("Name its key after this file")
            .on_hover_text("Every view then shows the key by the file's name")
            .clicked()
    {
        let file = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        commands.push(crate::app::Command::NameKeyAfterFile(keyid.clone(), file));
    }
}

pub fn report_ui(ui: &mut egui::Ui, report: &FileReport) {
    ui.heading(report.kind.describe());
    ui.label(RichText::new(report.path.display().to_string()).monospace());
    ui.label(format!("Envelope: {}", report.envelope));
    ui.add_space(6.0);

    egui::Grid::new("fields")
        .num_columns(2)
        .striped(true)
        .show(ui, |ui| {
            for (name, value) in &report.fields {
                ui.label(RichText::new(shown(name)).strong());
                // Digests and URLs run long: they wrap within the view, never cut off.
                ui.add(egui::Label::new(shown(value)).wrap());
                ui.end_row();
            }
        });

    ui.add_space(10.0);
    signatures_ui(ui, &report.signatures);

    if !report.keys.is_empty() {
        ui.add_space(10.0);
        ui.heading(format!("Keys listed ({})", report.keys.len()));
        egui::Grid::new("keys")
            .num_columns(4)
            .striped(true)
            .show(ui, |ui| {
                for heading in ["Key id", "Type / scheme", "Authorized for", "Status"] {
                    ui.label(RichText::new(heading).strong());
                }
                ui.end_row();
                for listed in &report.keys {
                    let key = &listed.key;
                    super::key_label(ui, key.keyid());
                    ui.label(format!(
                        "{} / {}",
                        Shown(key.keytype()),
                        Shown(key.scheme_name())
                    ));
                    ui.label(if listed.used_by.is_empty() {
                        "—".to_owned()
                    } else {
                        listed.used_by.join(", ")
                    });
                    match (key.problem(), key.keyid_warning()) {
                        (Some(problem), _) => {
                            ui.colored_label(bad(ui), shown(&crate::report::chain(&problem)))
                        }
                        (None, Some(warning)) => ui
                            .colored_label(ui.visuals().warn_fg_color, "key id mismatch")
                            .on_hover_text(warning.to_string()),
                        (None, None) => ui.label("usable"),
                    };
                    ui.end_row();
                }
            });
    }

    if !report.notes.is_empty() {
        ui.add_space(10.0);
        ui.heading("Notes");
        for note in &report.notes {
            ui.label(shown(note));
        }
    }
}

fn signatures_ui(ui: &mut egui::Ui, section: &SignatureSection) {
    match section {
        SignatureSection::Checked { against, report } => {
            let (verdict, color) = if report.is_met() {
                ("Signatures: threshold met", good(ui))
            } else {
                ("Signatures: threshold NOT met", bad(ui))
            };
            ui.label(RichText::new(verdict).color(color).strong().size(17.0));
            ui.label(report.summary());
            ui.label(format!("Checked against {}.", Shown(against)));
            egui::Grid::new("signatures")
                .num_columns(3)
                .striped(true)
                .show(ui, |ui| {
                    for heading in ["#", "Key id", "Result"] {
                        ui.label(RichText::new(heading).strong());
                    }
                    ui.end_row();
                    for check in &report.checks {
                        ui.label((check.index + 1).to_string());
                        super::key_label(ui, &check.keyid);
                        let color = match check.status {
                            SignatureStatus::Counted => good(ui),
                            SignatureStatus::SameKeyAs { .. }
                            | SignatureStatus::RepeatedKeyid { .. } => ui.visuals().warn_fg_color,
                            SignatureStatus::Invalid(_) | SignatureStatus::UnknownKey => bad(ui),
                        };
                        ui.colored_label(color, shown(&check.status.to_string()));
                        ui.end_row();
                    }
                });
            for (first, second) in &report.duplicate_keys {
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    format!(
                        "Key ids {} and {} are the same key: it counts once.",
                        super::key_text(ui, first),
                        super::key_text(ui, second)
                    ),
                );
            }
        }
        SignatureSection::Unchecked { why, keyids } => {
            ui.label(RichText::new("Signatures: not checked").strong().size(17.0));
            ui.label(shown(why));
            for keyid in keyids {
                super::key_label(ui, keyid);
            }
        }
    }
}

/// What the user types to verify an opened Sigstore bundle. Empty until they do: the identity
/// is never taken from the certificate itself (that would check the bundle against itself).
#[derive(Debug, Clone, Default)]
pub struct BundleForm {
    pub identity: String,
    pub issuer: String,
    pub artifact: String,
    pub trusted_root_file: String,
    /// Staging instead of the public-good instance (when no trusted root file is given).
    pub staging: bool,
}

/// The "verify with Sigstore" form under an opened bundle, and what the last verification
/// concluded.
pub fn bundle_check_ui(
    form: &mut BundleForm,
    checked: Option<&crate::sigstore::BundleCheck>,
    verdict: Option<crate::trace::Verdict>,
    ui: &mut egui::Ui,
    commands: &mut Vec<super::super::Command>,
) {
    use crate::sigstore::{BundleCheck, TrustedRootSource};
    ui.heading("Verify with Sigstore");
    ui.label("Who must have signed it and what it must be about. The certificate's own claims are listed below: they are what is checked, not what to check against.");
    egui::Grid::new("bundle_check")
        .num_columns(2)
        .show(ui, |ui| {
            let field = |ui: &mut egui::Ui, label: &str, value: &mut String, hint: &str| {
                let label = ui.label(label);
                ui.add(
                    egui::TextEdit::singleline(value)
                        .hint_text(hint)
                        .desired_width(f32::INFINITY),
                )
                .labelled_by(label.id);
                ui.end_row();
            };
            field(
                ui,
                "Certificate identity",
                &mut form.identity,
                "https://github.com/owner/repo/.github/workflows/release.yml@refs/tags/v1.0",
            );
            field(
                ui,
                "OIDC issuer",
                &mut form.issuer,
                "https://token.actions.githubusercontent.com (empty: any)",
            );
            field(
                ui,
                "Artifact",
                &mut form.artifact,
                "a file, or sha256:<digest> (for an attestation: a subject)",
            );
            field(
                ui,
                "Trusted root",
                &mut form.trusted_root_file,
                "a trusted_root.json (empty: fetch it through TUF)",
            );
        });
    if form.trusted_root_file.trim().is_empty() {
        ui.checkbox(
            &mut form.staging,
            "Sigstore's staging instance (else public good)",
        );
    }
    let ready = !form.identity.trim().is_empty() && !form.artifact.trim().is_empty();
    let button = ui.add_enabled(ready, egui::Button::new("Verify bundle"));
    if !ready {
        ui.label(RichText::new("Give the identity and the artifact to verify.").weak());
    }
    if button.clicked() {
        let file = form.trusted_root_file.trim();
        commands.push(super::super::Command::VerifyBundle(BundleCheck {
            identity: form.identity.trim().to_owned(),
            issuer: form.issuer.trim().to_owned(),
            artifact: form.artifact.trim().to_owned(),
            trusted_root: if file.is_empty() {
                TrustedRootSource::Instance {
                    staging: form.staging,
                }
            } else {
                TrustedRootSource::File(file.into())
            },
        }));
    }
    if let (Some(check), Some(verdict)) = (checked, verdict) {
        let text = format!(
            "Verified against {}: {} (the checks are in Checks and findings and the replay)",
            check.identity,
            match verdict {
                crate::trace::Verdict::Pass => "PASS",
                crate::trace::Verdict::Fail => "FAIL",
                crate::trace::Verdict::Incomplete => "NOT FULLY VERIFIED",
                crate::trace::Verdict::CannotVerify => "CANNOT VERIFY",
            }
        );
        let color = if verdict == crate::trace::Verdict::Pass {
            good(ui)
        } else {
            bad(ui)
        };
        ui.colored_label(color, shown(&text));
    }
}
