//! Help: the guide (what a layout, a link, a functionary, TUF's roles, a delegation, ITE-2,
//! attestations and Sigstore are, each in a few sentences with a picture) and About.

use egui::{Pos2, RichText, Stroke, Vec2};

use crate::app::{AppState, Command};

/// Which help window is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Help {
    Guide,
    About,
}

/// One idea of the guide: its name, what it is, and a picture as boxes joined by arrows
/// (each box a name and whether it is drawn as offline, i.e. its key kept away).
struct Topic {
    title: &'static str,
    text: &'static str,
    picture: &'static [(&'static str, Kind)],
}

#[derive(Clone, Copy)]
enum Kind {
    Plain,
    Offline,
    Online,
}

const TOPICS: [Topic; 8] = [
    Topic {
        title: "Layout",
        text: "A layout is the supply chain's plan, signed by its owner: the steps that must happen, who may carry out each one (its functionaries, by key), and rules for what each step may take in and put out. It ends with inspections the client runs itself. chainscope draws it as the step graph.",
        picture: &[
            ("create", Kind::Plain),
            ("update", Kind::Plain),
            ("build", Kind::Plain),
            ("untar (inspection)", Kind::Plain),
        ],
    },
    Topic {
        title: "Link",
        text: "A link is what a step did, signed by whoever did it: the command run, and the hashes of the files it read (materials) and wrote (products). Verification checks each step has links from enough of its functionaries, then follows the rules from link to link: a file changed between two steps breaks a MATCH.",
        picture: &[
            ("materials", Kind::Plain),
            ("command", Kind::Plain),
            ("products", Kind::Plain),
            ("signature", Kind::Plain),
        ],
    },
    Topic {
        title: "Functionary",
        text: "A functionary is a person or machine trusted for a step, named in the layout by a public key. A step can ask for a threshold: links from two of three functionaries agreeing. A link signed by any other key does not count, however good it looks.",
        picture: &[
            ("layout names Alice's key", Kind::Plain),
            ("Alice signs build's link", Kind::Plain),
            ("link counts", Kind::Plain),
        ],
    },
    Topic {
        title: "TUF roles",
        text: "TUF splits trust into roles, each with its own keys and threshold. Root names the keys of the others; targets vouches for files by length and hash; snapshot lists every role's current version (no mix and match); timestamp says which snapshot is current (no freeze). Root and targets keys stay offline; snapshot and timestamp sign often, online.",
        picture: &[
            ("root", Kind::Offline),
            ("targets", Kind::Offline),
            ("snapshot", Kind::Online),
            ("timestamp", Kind::Online),
        ],
    },
    Topic {
        title: "Delegation",
        text: "A targets role can hand part of its files to another role: paths or hash prefixes, with keys and a threshold. PyPI's plan hands every file to one of 16,384 hash bins. A client searches the delegations in order and trusts a file only from a role delegated those paths; chainscope's tree shows the whole chain.",
        picture: &[
            ("targets", Kind::Offline),
            ("bins-0 … bins-f", Kind::Online),
            ("demo-project.tar.gz", Kind::Plain),
        ],
    },
    Topic {
        title: "ITE-2",
        text: "ITE-2 puts in-toto behind TUF: the layout is a target of a role whose keys stay offline, packages and links are targets of online-key roles. An attacker with the online key can upload a package or a link, but cannot swap the layout, and the layout's rules catch the package. The lab shows the same attack against an all-online repository succeed.",
        picture: &[
            ("targets (offline)", Kind::Offline),
            ("layout", Kind::Plain),
            ("bins (online)", Kind::Online),
            ("package + links", Kind::Plain),
        ],
    },
    Topic {
        title: "Attestations (ITE-6, ITE-10/11)",
        text: "An attestation is a signed statement about artifacts named by digest: a link, SLSA provenance from a build service, a test result, an SBOM. An ITE-10 layout expects, per step, attestations of given predicate types from given functionaries, follows artifacts from step to step with the same rules as links, and checks what they say with CEL rules (ITE-11): the builder, the test result. Open a folder holding layout.yml and its attestations (the samples include one, and one per attack); an opened attestation is drawn as its provenance. Edit layout writes such layouts, checking each CEL rule as you type, and signs them (a DSSE envelope; a folder checks the signature against its .pub files); the attack lab attacks the attestation sample too, and shows what TUF alone would have let through. A functionary may be a Sigstore identity instead of a key, and a TUF repository can distribute the layout (from an offline role) and the attestations, the package then checked against what they attest.",
        picture: &[
            ("create: link", Kind::Plain),
            ("build: SLSA provenance", Kind::Plain),
            ("test: test result", Kind::Plain),
        ],
    },
    Topic {
        title: "Sigstore",
        text: "Sigstore signs without long-lived keys: Fulcio certifies a short-lived key for an identity (a CI workflow, an email), Rekor's transparency log or a timestamp authority proves when it signed. A bundle carries it all. Verifying it means saying who must have signed and what it is about; chainscope checks the certificate chain at the signed time, the log's proof, the signature and the artifact, each a check to replay. The trusted root comes through TUF, from a root chainscope pins.",
        picture: &[
            ("trusted root (TUF)", Kind::Offline),
            ("Fulcio certificate", Kind::Plain),
            ("Rekor log / timestamp", Kind::Online),
            ("bundle", Kind::Plain),
        ],
    },
];

pub fn ui(state: &AppState, ctx: &egui::Context, commands: &mut Vec<Command>) {
    let Some(help) = state.help else {
        return;
    };
    let mut open = true;
    match help {
        Help::Guide => {
            egui::Window::new("Guide")
                .open(&mut open)
                .pivot(egui::Align2::CENTER_CENTER)
                .default_pos(ctx.content_rect().center())
                .default_size([560.0, 520.0])
                .vscroll(true)
                .show(ctx, |ui| {
                    ui.label("chainscope shows in-toto (what must happen in a supply chain, and proof of what did) and TUF (how those files reach you so that a stolen key can be revoked) together, and replays their verification check by check.");
                    for topic in &TOPICS {
                        ui.add_space(8.0);
                        ui.heading(topic.title);
                        ui.add(egui::Label::new(topic.text).wrap());
                        picture(ui, topic.picture);
                    }
                    ui.add_space(8.0);
                    legend(ui);
                });
        }
        Help::About => {
            egui::Window::new("About chainscope")
                .open(&mut open)
                .pivot(egui::Align2::CENTER_CENTER)
                .default_pos(ctx.content_rect().center())
                .collapsible(false)
                .resizable(false)
                .show(ctx, |ui| {
                    ui.heading(format!("chainscope {}", env!("CARGO_PKG_VERSION")));
                    ui.label("Inspect and author in-toto layouts and TUF repositories; replay their verification check by check.");
                    ui.label("Judged as in-toto 3.x (in-toto-verify) and python-tuf 7.x judge the same files.");
                    ui.label(RichText::new(concat!("Licence: ", env!("CARGO_PKG_LICENSE"))).weak());
                });
        }
    }
    if !open {
        commands.push(Command::ShowHelp(None));
    }
}

fn picture(ui: &mut egui::Ui, boxes: &[(&str, Kind)]) {
    let font = egui::FontId::proportional(12.0);
    let padding = Vec2::new(8.0, 5.0);
    let gap = 26.0;
    let galleys: Vec<_> = boxes
        .iter()
        .map(|(text, _)| {
            ui.painter()
                .layout_no_wrap((*text).to_owned(), font.clone(), ui.visuals().text_color())
        })
        .collect();
    let height = galleys.iter().map(|g| g.size().y).fold(0.0, f32::max) + 2.0 * padding.y;
    let width: f32 = galleys
        .iter()
        .map(|g| g.size().x + 2.0 * padding.x)
        .sum::<f32>()
        + gap * boxes.len().saturating_sub(1) as f32;
    let (rect, _) = ui.allocate_exact_size(Vec2::new(width, height + 4.0), egui::Sense::hover());
    let painter = ui.painter_at(rect.expand(2.0));
    let mut x = rect.left();
    let stroke_color = ui.visuals().weak_text_color();
    for (index, (galley, (_, kind))) in galleys.into_iter().zip(boxes).enumerate() {
        let size = Vec2::new(galley.size().x + 2.0 * padding.x, height);
        let frame = egui::Rect::from_min_size(Pos2::new(x, rect.top() + 2.0), size);
        let outline = match kind {
            Kind::Plain => stroke_color,
            Kind::Offline => super::highlight(ui),
            Kind::Online => super::semantic(ui).compare_changed,
        };
        painter.rect_stroke(
            frame,
            4.0,
            Stroke::new(1.5, outline),
            egui::StrokeKind::Inside,
        );
        painter.galley(frame.min + padding, galley, ui.visuals().text_color());
        if index + 1 < boxes.len() {
            let from = Pos2::new(frame.right() + 3.0, frame.center().y);
            let to = Pos2::new(frame.right() + gap - 3.0, frame.center().y);
            painter.arrow(from, to - from, Stroke::new(1.5, stroke_color));
        }
        x = frame.right() + gap;
    }
}

fn legend(ui: &mut egui::Ui) {
    ui.horizontal(|ui| {
        ui.label(RichText::new("■ offline key").color(super::highlight(ui)));
        ui.label(RichText::new("■ online key").color(super::semantic(ui).compare_changed));
    });
}
