//! The delegation tree: root, the top-level roles and every delegation in priority order, with
//! signatures, version, expiry, hash status, reach and findings per role. Succinct bins are
//! one row that expands into a list drawn only where it is visible. A target search lights
//! the chain of roles that vouch for the target.

use crate::shown::{Shown, shown};
use egui::RichText;

use super::{Focus, amber, bad, failing_subjects, good, highlight, replay_focus};
use crate::app::{AppState, Command, ExpandedBins, SearchView, Selection};
use crate::graph::tree::{
    BinGroup, DelegationTree, ExpiryState, Reach, RoleRow, Row, expiry_state,
};
use crate::tuf::client::RoleStatus;
use crate::workspace::Workspace;

#[derive(Default)]
pub struct TreePanel {
    /// Bin groups shown expanded, by delegator.
    pub expanded_bins: ExpandedBins,
    /// Where the panel was drawn last (for the PNG export).
    pub last_rect: Option<egui::Rect>,
    /// Scroll this bin into view at the next frame: (delegator, bin).
    pub scroll_to_bin: Option<(String, u64)>,
    /// What was typed in an expanded group's "Go to" field, by delegator.
    pub bin_goto: std::collections::BTreeMap<String, String>,
    /// Expanded groups list only their failing bins.
    pub only_failing_bins: bool,
}

/// Bins listed at least when a group is expanded; the list takes the rest of the tile.
const BIN_ROWS_SHOWN: f32 = 5.0;

pub fn ui(
    state: &mut AppState,
    workspace: &Workspace,
    tree: &DelegationTree,
    ui: &mut egui::Ui,
    commands: &mut Vec<Command>,
) {
    if let Some(search) = &state.search {
        search_ui(ui, search);
    }
    let (_, failing_role) = failing_subjects(workspace);
    let focus = replay_focus(state, workspace);
    let findings = workspace
        .tuf
        .as_ref()
        .map(|r| r.findings.as_slice())
        .unwrap_or(&[]);
    egui::ScrollArea::both()
        .id_salt("tree_rows")
        .auto_shrink(false)
        .show(ui, |ui| {
            for row in &tree.rows {
                ui.horizontal(|ui| {
                    ui.add_space(row.depth() as f32 * 18.0);
                    match row {
                        Row::Role(role) => {
                            let mark = Marks::of(
                                state.search.as_ref(),
                                &role.role,
                                failing_role.as_deref(),
                            )
                            .with_focus(
                                &focus,
                                &role.role,
                                &role.keyids,
                            );
                            let count = findings
                                .iter()
                                .filter(|f| f.role.as_deref() == Some(&role.role))
                                .count();
                            role_ui(state, workspace, tree, role, mark, count, ui, commands);
                        }
                        Row::Bins(bins) => bins_ui(
                            state,
                            workspace,
                            tree,
                            bins,
                            failing_role.as_deref(),
                            &focus,
                            ui,
                            commands,
                        ),
                    }
                });
            }
        });
}

/// How a row is lit by the search and the verdict.
#[derive(Default, Clone, Copy)]
struct Marks {
    /// Its position in the chain that vouches for the searched target.
    hop: Option<usize>,
    /// The search looked at it.
    searched: bool,
    /// A terminating delegation to it cut the search.
    cut: bool,
    failing: bool,
    /// The replay's current check is about it (or one of its keys).
    current: Option<bool>,
}

impl Marks {
    /// Lit when the replay's current check is about this role or a key it is given.
    fn with_focus(mut self, focus: &Focus, role: &str, keyids: &[String]) -> Marks {
        let about = focus.role.as_deref() == Some(role)
            || focus.key.as_ref().is_some_and(|k| keyids.contains(k));
        if about {
            self.current = Some(focus.failed);
        }
        self
    }

    fn of(search: Option<&SearchView>, role: &str, failing: Option<&str>) -> Marks {
        let mut marks = Marks {
            failing: failing == Some(role),
            ..Marks::default()
        };
        if let Some(search) = search {
            let result = &search.result;
            marks.hop = result
                .found
                .as_ref()
                .and_then(|(_, _, chain)| chain.iter().position(|r| r == role));
            marks.searched = result.order.iter().any(|r| r == role);
            marks.cut = result.cut_by.iter().any(|(_, to)| to == role);
        }
        marks
    }
}

fn search_ui(ui: &mut egui::Ui, search: &SearchView) {
    let result = &search.result;
    egui::Frame::group(ui.style()).show(ui, |ui| {
        match &result.found {
            Some((role, info, chain)) => {
                ui.label(
                    RichText::new(format!(
                        "{} is listed by {}",
                        Shown(&result.path),
                        Shown(role)
                    ))
                    .color(good(ui))
                    .strong(),
                );
                ui.label(format!("Chain: {}", chain.join(" → ")));
                ui.label(format!("{} bytes", info.length));
                ui.label(RichText::new("To forge it an attacker needs, at each hop:").strong());
                for hop in &search.hops {
                    ui.label(format!(
                        "{} (delegated by {}): {} of {}: {}",
                        hop.role,
                        hop.delegator,
                        hop.threshold,
                        crate::shown::counted(hop.keyids.len(), "key"),
                        hop.keyids
                            .iter()
                            .map(|k| super::key_text(ui, k))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
            }
            None => {
                ui.label(
                    RichText::new(format!("Nothing vouches for {}", result.path))
                        .color(bad(ui))
                        .strong(),
                );
                if let Some(why) = &result.why_not {
                    ui.label(why);
                }
                ui.label(format!("Roles searched: {}", result.order.join(", ")));
            }
        }
        for (from, to) in &result.cut_by {
            ui.label(format!(
                "The terminating delegation {from} → {to} ended the search there."
            ));
        }
    });
}

#[allow(clippy::too_many_arguments)]
fn role_ui(
    state: &AppState,
    workspace: &Workspace,
    tree: &DelegationTree,
    role: &RoleRow,
    marks: Marks,
    findings: usize,
    ui: &mut egui::Ui,
    commands: &mut Vec<Command>,
) {
    let status = tree.status(role);
    let selected = state.selection
        == Selection::Role {
            role: role.role.clone(),
            delegator: role.delegator.clone(),
        };
    let mut name = RichText::new(shown(&role.role)).strong();
    if marks.failing || status.is_some_and(|s| s.problem.is_some()) {
        name = name.color(bad(ui));
    }
    ui.vertical(|ui| {
        // Wrapped: at 1024 px the tree is a quarter of the window, and an expiry or a hash
        // mismatch cut off at its edge is an attack a reviewer does not see.
        ui.horizontal_wrapped(|ui| {
            // Each badge whole, on the next line when it does not fit.
            ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
            if let Some(hop) = marks.hop {
                ui.label(
                    RichText::new(format!("hop {}", hop + 1))
                        .color(highlight(ui))
                        .strong(),
                );
            }
            let response = ui.selectable_label(selected || marks.current.is_some(), name);
            let response = if marks.hop.is_some() || marks.current.is_some() {
                response.highlight()
            } else {
                response
            };
            if response.clicked() {
                commands.push(Command::Select(Selection::Role {
                    role: role.role.clone(),
                    delegator: role.delegator.clone(),
                }));
            }
            // Beside the name, where the replay's place is seen first (as on a bin's row).
            if let Some(failed) = marks.current {
                let (text, color) = if failed {
                    ("◀ fails here", bad(ui))
                } else {
                    ("◀ now checking", highlight(ui))
                };
                ui.label(RichText::new(text).color(color).strong());
            }
            status_badges(ui, workspace, role.threshold, role.keyids.len(), status);
            if role.terminating {
                ui.label(RichText::new("terminating").italics());
            }
            if findings > 0 {
                ui.label(
                    RichText::new(format!(
                        "{findings} finding{}",
                        if findings == 1 { "" } else { "s" }
                    ))
                    .color(amber(ui)),
                )
                .on_hover_text("security-review findings: select the role");
            }
            if marks.cut {
                ui.label(RichText::new("search stops here").color(highlight(ui)));
            } else if marks.searched && marks.hop.is_none() {
                ui.label(RichText::new("searched").weak());
            }
        });
        let reach = match &role.reach {
            Reach::TopLevel => None,
            Reach::Paths(paths) => Some(format!("paths: {}", paths.join(", "))),
            Reach::HashPrefixes(prefixes) => Some(format!(
                "hash prefixes: {}",
                prefixes
                    .iter()
                    .take(8)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
                    + if prefixes.len() > 8 { " …" } else { "" }
            )),
            Reach::Nothing => Some("no paths: it may sign for nothing".to_owned()),
        };
        if let Some(reach) = reach {
            ui.label(RichText::new(reach).small().weak());
        }
        if role.repeated {
            ui.label(
                RichText::new("delegated again here; its own delegations are listed above")
                    .small()
                    .weak(),
            );
        }
    });
}

/// "k of t signed", version, expiry (red expired, amber soon) and the hash check.
fn status_badges(
    ui: &mut egui::Ui,
    workspace: &Workspace,
    threshold: u64,
    keys: usize,
    status: Option<&RoleStatus>,
) {
    let Some(status) = status else {
        ui.label(RichText::new("not loaded").weak());
        return;
    };
    if let Some(report) = &status.signatures {
        let color = if report.is_met() { good(ui) } else { bad(ui) };
        ui.label(
            RichText::new(format!(
                "{} of {threshold} signed ({})",
                report.counted_len(),
                crate::shown::counted(keys, "key")
            ))
            .color(color),
        );
    }
    if let Some(version) = status.version {
        ui.label(format!("v{version}"));
    }
    if let Some(expires) = &status.expires {
        let (color, text) = match expiry_state(expires, workspace.now) {
            ExpiryState::Expired => (bad(ui), format!("expired {expires}")),
            ExpiryState::Soon => (amber(ui), format!("expires {expires}")),
            ExpiryState::Fine | ExpiryState::Unknown => {
                (ui.visuals().weak_text_color(), format!("expires {expires}"))
            }
        };
        ui.label(RichText::new(text).color(color).small());
    }
    match &status.length_and_hashes {
        Some(Ok(())) => {
            ui.label(RichText::new("hash ok").color(good(ui)).small());
        }
        Some(Err(problem)) => {
            ui.label(RichText::new("hash MISMATCH").color(bad(ui)).small())
                .on_hover_text(problem);
        }
        None => {}
    }
}

#[allow(clippy::too_many_arguments)]
fn bins_ui(
    state: &mut AppState,
    workspace: &Workspace,
    tree: &DelegationTree,
    bins: &BinGroup,
    failing_role: Option<&str>,
    focus: &Focus,
    ui: &mut egui::Ui,
    commands: &mut Vec<Command>,
) {
    let expanded = state.expanded_bins_contains(&bins.delegator);
    let problems = bins
        .loaded
        .values()
        .filter(|&&i| tree.statuses[i].problem.is_some())
        .count();
    ui.vertical(|ui| {
        // Wrapped like a role's row, so "N failing" is never past the panel's edge.
        ui.horizontal_wrapped(|ui| {
            ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
            let arrow = if expanded { "[−]" } else { "[+]" };
            let label = format!(
                "{arrow} {}-* · {} succinct bins",
                bins.name_prefix,
                bins.count()
            );
            if ui
                .selectable_label(expanded, RichText::new(label).strong())
                .clicked()
            {
                commands.push(Command::ToggleBins(bins.delegator.clone()));
            }
            ui.label(format!(
                "{} of {} · {} verified",
                bins.threshold,
                crate::shown::counted(bins.keyids.len(), "key"),
                bins.loaded.len()
            ));
            if problems > 0 {
                ui.label(RichText::new(format!("{problems} failing")).color(bad(ui)));
            }
            ui.label(RichText::new("terminating").italics());
        });
        if !expanded {
            return;
        }
        goto_ui(state, bins, ui, commands);
        // Only failing bins, or all of them; the rows drawn are those in view.
        let failing: Vec<u64> = if state.tree.only_failing_bins {
            bins.loaded
                .iter()
                .filter(|(_, i)| tree.statuses[**i].problem.is_some())
                .map(|(bin, _)| *bin)
                .collect()
        } else {
            Vec::new()
        };
        let listed = if state.tree.only_failing_bins {
            failing.len()
        } else {
            bins.count() as usize
        };
        let row_height = ui.spacing().interact_size.y;
        let stride = row_height + ui.spacing().item_spacing.y;
        // The list fills what is left of the tile (at least a few rows).
        let left = ui.clip_rect().bottom() - ui.cursor().top() - ui.spacing().item_spacing.y;
        let mut area = egui::ScrollArea::vertical()
            .id_salt(("bins", &bins.delegator))
            .max_height(left.max(stride * BIN_ROWS_SHOWN))
            .auto_shrink([false, true]);
        if let Some((delegator, bin)) = &state.tree.scroll_to_bin
            && *delegator == bins.delegator
        {
            let row = if state.tree.only_failing_bins {
                failing.iter().position(|b| b == bin).unwrap_or(0)
            } else {
                *bin as usize
            };
            area = area.vertical_scroll_offset((row as f32 - 2.0).max(0.0) * stride);
            state.tree.scroll_to_bin = None;
        }
        let state = &*state;
        area.show_rows(ui, row_height, listed, |ui, rows| {
            for row in rows {
                let bin = if state.tree.only_failing_bins {
                    failing[row]
                } else {
                    row as u64
                };
                let name = bins.bin_name(bin);
                let status = bins.loaded.get(&bin).map(|&i| &*tree.statuses[i]);
                let marks = Marks::of(state.search.as_ref(), &name, failing_role).with_focus(
                    focus,
                    &name,
                    &bins.keyids,
                );
                ui.horizontal(|ui| {
                    if let Some(hop) = marks.hop {
                        ui.label(
                            RichText::new(format!("hop {}", hop + 1))
                                .color(highlight(ui))
                                .strong(),
                        );
                    }
                    let selected = state.selection
                        == Selection::Role {
                            role: name.clone(),
                            delegator: bins.delegator.clone(),
                        };
                    let mut text = RichText::new(shown(&name)).monospace();
                    if marks.failing || status.is_some_and(|s| s.problem.is_some()) {
                        text = text.color(bad(ui));
                    }
                    let response = ui.selectable_label(selected || marks.current.is_some(), text);
                    if let Some(failed) = marks.current {
                        ui.label(
                            RichText::new(if failed {
                                "◀ fails here"
                            } else {
                                "◀ now checking"
                            })
                            .color(if failed {
                                bad(ui)
                            } else {
                                highlight(ui)
                            }),
                        );
                    }
                    if response.clicked() {
                        commands.push(Command::Select(Selection::Role {
                            role: name.clone(),
                            delegator: bins.delegator.clone(),
                        }));
                    }
                    status_badges(ui, workspace, bins.threshold, bins.keyids.len(), status);
                });
            }
        });
    });
}

/// "Go to" a bin by name, number or a target path (the bin it hashes to), and the filter.
fn goto_ui(state: &mut AppState, bins: &BinGroup, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        let label = ui.label("Go to:");
        let text = state
            .tree
            .bin_goto
            .entry(bins.delegator.clone())
            .or_default();
        let field = ui
            .add(
                egui::TextEdit::singleline(text)
                    .hint_text("bin, number, or a target path")
                    .desired_width(150.0),
            )
            .labelled_by(label.id);
        let typed = text.clone();
        let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if (ui.button("Go").clicked() || entered)
            && let Some(bin) = bins.bin_named(&typed)
        {
            state.tree.only_failing_bins = false;
            state.tree.scroll_to_bin = Some((bins.delegator.clone(), bin));
            commands.push(Command::Select(Selection::Role {
                role: bins.bin_name(bin),
                delegator: bins.delegator.clone(),
            }));
        }
    });
    // Its own line: the tree's tile is often narrow.
    ui.checkbox(&mut state.tree.only_failing_bins, "only failing");
}

impl AppState {
    fn expanded_bins_contains(&self, delegator: &str) -> bool {
        self.tree.expanded_bins.contains(delegator)
    }
}
