//! The metadata inspector: the opened file's type, fields, keys and signature report, or the
//! load error naming the file and the field.

use egui::{Color32, RichText};

use crate::crypto::SignatureStatus;
use crate::crypto::threshold::short;
use crate::inspect::{FileReport, InspectError, SignatureSection};

#[derive(Default)]
pub struct Inspector {
    pub loaded: Option<Result<FileReport, InspectError>>,
}

const GOOD: Color32 = Color32::from_rgb(60, 170, 90);
const BAD: Color32 = Color32::from_rgb(220, 70, 60);

impl Inspector {
    pub fn ui(&self, ui: &mut egui::Ui) {
        match &self.loaded {
            None => {
                ui.vertical_centered(|ui| {
                    ui.add_space(40.0);
                    ui.heading("Open a TUF or in-toto metadata file");
                    ui.label(
                        "root.json, targets.json, a layout, a link (legacy or DSSE envelope).",
                    );
                    ui.label("Use Open…, type a path above, or drop a file on the window.");
                });
            }
            Some(Err(error)) => error_ui(ui, error),
            Some(Ok(report)) => {
                egui::ScrollArea::vertical()
                    .auto_shrink(false)
                    .show(ui, |ui| report_ui(ui, report));
            }
        }
    }
}

fn error_ui(ui: &mut egui::Ui, error: &InspectError) {
    egui::Frame::group(ui.style())
        .stroke(egui::Stroke::new(1.5, BAD))
        .show(ui, |ui| {
            ui.label(
                RichText::new("Could not load this file")
                    .color(BAD)
                    .strong()
                    .size(18.0),
            );
            ui.label(RichText::new(error.path.display().to_string()).monospace());
            ui.label(error.source.to_string());
        });
}

fn report_ui(ui: &mut egui::Ui, report: &FileReport) {
    ui.heading(report.kind.describe());
    ui.label(RichText::new(report.path.display().to_string()).monospace());
    ui.label(format!("Envelope: {}", report.envelope));
    ui.add_space(6.0);

    egui::Grid::new("fields")
        .num_columns(2)
        .striped(true)
        .show(ui, |ui| {
            for (name, value) in &report.fields {
                ui.label(RichText::new(name).strong());
                ui.label(value);
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
                    ui.label(RichText::new(short(key.keyid())).monospace())
                        .on_hover_text(key.keyid());
                    ui.label(format!("{} / {}", key.keytype(), key.scheme_name()));
                    ui.label(if listed.used_by.is_empty() {
                        "—".to_owned()
                    } else {
                        listed.used_by.join(", ")
                    });
                    match (key.problem(), key.keyid_warning()) {
                        (Some(problem), _) => ui.colored_label(BAD, problem.to_string()),
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
            ui.label(note);
        }
    }
}

fn signatures_ui(ui: &mut egui::Ui, section: &SignatureSection) {
    match section {
        SignatureSection::Checked { against, report } => {
            let (verdict, color) = if report.is_met() {
                ("Signatures: threshold met", GOOD)
            } else {
                ("Signatures: threshold NOT met", BAD)
            };
            ui.label(RichText::new(verdict).color(color).strong().size(17.0));
            ui.label(report.summary());
            ui.label(format!("Checked against {against}."));
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
                        ui.label(RichText::new(short(&check.keyid)).monospace())
                            .on_hover_text(&check.keyid);
                        let color = match check.status {
                            SignatureStatus::Counted => GOOD,
                            SignatureStatus::SameKeyAs { .. }
                            | SignatureStatus::RepeatedKeyid { .. } => ui.visuals().warn_fg_color,
                            SignatureStatus::Invalid(_) | SignatureStatus::UnknownKey => BAD,
                        };
                        ui.colored_label(color, check.status.to_string());
                        ui.end_row();
                    }
                });
            for (first, second) in &report.duplicate_keys {
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    format!(
                        "Key ids {} and {} are the same key: it counts once.",
                        short(first),
                        short(second)
                    ),
                );
            }
        }
        SignatureSection::Unchecked { why, keyids } => {
            ui.label(RichText::new("Signatures: not checked").strong().size(17.0));
            ui.label(why);
            for keyid in keyids {
                ui.label(RichText::new(short(keyid)).monospace())
                    .on_hover_text(keyid);
            }
        }
    }
}
