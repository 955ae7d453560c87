//! The provenance picture of an attestation: what went in (materials, resolved dependencies, a
//! test's configuration) → what made it and how (the builder or step, build type, source,
//! workflow, and who Sigstore's certificate says signed it) → what came out (the subjects, by
//! digest). Drawn from the decoded statement the File view lists; nothing here verifies.

use egui::RichText;

use crate::attest::{Decoded, PredicateKind, Subject};
use crate::shown::Shown;

/// Resources listed per side before "… and N more".
const LISTED: usize = 8;
/// The certificate's claims the picture names (Fulcio vouches for these; the predicate's own
/// fields are what the signer wrote).
const CERTIFICATE_CLAIMS: &[&str] = &[
    "certificate identity",
    "certificate OIDC issuer",
    "certificate source repository",
    "certificate source commit",
];
/// Below this width the three boxes stack, top to bottom.
const SIDE_BY_SIDE: f32 = 560.0;

/// What the inputs are called for this kind of predicate.
fn inputs_title(kind: PredicateKind) -> &'static str {
    match kind {
        PredicateKind::SlsaProvenanceV1 => "Resolved dependencies",
        PredicateKind::TestResult => "Configuration",
        _ => "Materials",
    }
}

/// What the middle box says made the subjects.
fn maker_title(kind: PredicateKind) -> &'static str {
    match kind {
        PredicateKind::SlsaProvenanceV02 | PredicateKind::SlsaProvenanceV1 => "Built by",
        PredicateKind::TestResult => "Tested",
        PredicateKind::Link => "Step",
        PredicateKind::Vsa => "Verified by",
        PredicateKind::NpmPublish | PredicateKind::PypiPublish => "Published",
        PredicateKind::Spdx | PredicateKind::CycloneDx => "Described by",
        PredicateKind::Other => "Predicate",
    }
}

/// Draws the picture for `statement`; `report_fields` supply the certificate's claims when a
/// Sigstore bundle carried it.
pub fn ui(ui: &mut egui::Ui, statement: &Decoded, report_fields: &[(String, String)]) {
    ui.heading("Provenance");
    ui.label(
        RichText::new(
            "What the statement says went in, what made it and how, and what came out. Read from the statement, not verified.",
        )
        .weak(),
    );
    let width = ui.available_width();
    let side_by_side = width >= SIDE_BY_SIDE;
    let certificate: Vec<(&str, &str)> = report_fields
        .iter()
        .filter(|(label, _)| CERTIFICATE_CLAIMS.contains(&label.as_str()))
        .map(|(label, value)| (label.as_str(), value.as_str()))
        .collect();
    if side_by_side {
        let gap = 28.0;
        let side = (width - 2.0 * gap) * 0.31;
        let middle = width - 2.0 * gap - 2.0 * side - 8.0;
        let rects = ui
            .horizontal_top(|ui| {
                ui.spacing_mut().item_spacing.x = gap;
                let inputs = boxed(ui, side, |ui| {
                    resources_ui(ui, inputs_title(statement.kind), &statement.inputs)
                });
                let maker = boxed(ui, middle, |ui| maker_ui(ui, statement, &certificate));
                let subjects = boxed(ui, side, |ui| {
                    resources_ui(ui, "Subjects", &statement.subjects)
                });
                [inputs, maker, subjects]
            })
            .inner;
        let stroke = egui::Stroke::new(1.5, ui.visuals().widgets.inactive.fg_stroke.color);
        for pair in rects.windows(2) {
            let y = pair[0].top() + 18.0;
            arrow(
                ui,
                egui::pos2(pair[0].right() + 3.0, y),
                egui::pos2(pair[1].left() - 3.0, y),
                stroke,
            );
        }
    } else {
        boxed(ui, width, |ui| {
            resources_ui(ui, inputs_title(statement.kind), &statement.inputs)
        });
        ui.vertical_centered(|ui| ui.label("↓"));
        boxed(ui, width, |ui| maker_ui(ui, statement, &certificate));
        ui.vertical_centered(|ui| ui.label("↓"));
        boxed(ui, width, |ui| {
            resources_ui(ui, "Subjects", &statement.subjects)
        });
    }
}

/// A framed box `width` wide (frame included); its rectangle.
fn boxed(ui: &mut egui::Ui, width: f32, contents: impl FnOnce(&mut egui::Ui)) -> egui::Rect {
    let spacing = ui.ctx().global_style().spacing.item_spacing;
    egui::Frame::group(ui.style())
        .show(ui, |ui| {
            // Top to bottom inside, whatever the row around it does, with the usual spacing.
            ui.vertical(|ui| {
                ui.spacing_mut().item_spacing = spacing;
                let inner = (width - 14.0).max(60.0);
                ui.set_width(inner);
                ui.set_max_width(inner);
                contents(ui);
            });
        })
        .response
        .rect
}

fn arrow(ui: &egui::Ui, from: egui::Pos2, to: egui::Pos2, stroke: egui::Stroke) {
    if to.x - from.x < 8.0 {
        return;
    }
    let painter = ui.painter();
    painter.line_segment([from, to], stroke);
    painter.line_segment([to, to + egui::vec2(-7.0, -4.0)], stroke);
    painter.line_segment([to, to + egui::vec2(-7.0, 4.0)], stroke);
}

fn resources_ui(ui: &mut egui::Ui, title: &str, resources: &[Subject]) {
    ui.label(RichText::new(format!("{title} ({})", resources.len())).strong());
    if resources.is_empty() {
        ui.label(RichText::new("none listed").italics().weak());
    }
    for resource in resources.iter().take(LISTED) {
        let name = if resource.name.is_empty() {
            "(no name)".to_owned()
        } else {
            Shown(&resource.name).to_string()
        };
        ui.add(egui::Label::new(name).wrap());
        for (algorithm, hex) in &resource.digests {
            let short: String = hex.chars().take(12).collect();
            let elided = if hex.chars().count() > 12 { "…" } else { "" };
            ui.label(
                RichText::new(format!("{}:{short}{elided}", Shown(algorithm)))
                    .monospace()
                    .small()
                    .weak(),
            )
            .on_hover_text(format!("{algorithm}:{hex}"));
        }
    }
    if resources.len() > LISTED {
        ui.label(RichText::new(format!("… and {} more", resources.len() - LISTED)).weak());
    }
}

fn maker_ui(ui: &mut egui::Ui, statement: &Decoded, certificate: &[(&str, &str)]) {
    ui.label(RichText::new(maker_title(statement.kind)).strong());
    ui.label(RichText::new(statement.kind.title()).weak());
    // One grid per statement shown (a JSON Lines file shows several).
    egui::Grid::new(("provenance_maker", std::ptr::from_ref(statement) as usize))
        .num_columns(2)
        .show(ui, |ui| {
            for field in &statement.fields {
                ui.label(RichText::new(field.label).weak());
                ui.add(egui::Label::new(Shown(&field.value).to_string()).wrap());
                ui.end_row();
            }
        });
    if !certificate.is_empty() {
        ui.separator();
        ui.label(RichText::new("Signed, says Fulcio's certificate").strong());
        for (label, value) in certificate {
            // "issuer", not "OIDC issuer": that names the form's field above.
            let label = match label.trim_start_matches("certificate ") {
                "OIDC issuer" => "issuer",
                other => other,
            };
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(label).weak());
                ui.add(egui::Label::new(Shown(value).to_string()).wrap());
            });
        }
    }
}
