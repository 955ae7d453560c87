//! The workspace as tiles (rerun's `egui_tiles`): the delegation tree, the views (step graph,
//! checks, root history, file, editors), details, the lab and the replay resize, tab together,
//! move by dragging their tabs, hide from the View menu, and are remembered between runs.
//!
//! The arrangement only places panes; what each shows is its panel's own `ui`. Which view is
//! active stays in [`AppState::tab`], so commands that show a view (the menus, a search, a
//! load) work as before: the arrangement follows `tab`, and a click on a tab sets it.

use std::collections::BTreeSet;

use egui_tiles::{Container, Linear, LinearDir, SimplificationOptions, Tile, TileId, Tiles, Tree};
use serde::{Deserialize, Serialize};

use super::panels;
use super::{AppState, Command, Tab};
use crate::workspace::Workspace;

/// What a tile shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Pane {
    Tree,
    View(Tab),
    Details,
    Lab,
    Replay,
}

/// Every pane, in the order the View menu lists them.
pub const PANES: [Pane; 10] = [
    Pane::Tree,
    Pane::View(Tab::StepGraph),
    Pane::View(Tab::Overview),
    Pane::View(Tab::RootHistory),
    Pane::View(Tab::File),
    Pane::View(Tab::LayoutEditor),
    Pane::View(Tab::TufEditor),
    Pane::Details,
    Pane::Lab,
    Pane::Replay,
];

impl Pane {
    pub fn title(self) -> &'static str {
        match self {
            Pane::Tree => "Delegation tree",
            Pane::View(tab) => tab.title(),
            Pane::Details => "Details",
            Pane::Lab => "Attack lab",
            Pane::Replay => "Replay",
        }
    }

    /// Whether what is open gives this pane anything to show.
    fn available(self, state: &AppState, workspace: &Workspace) -> bool {
        match self {
            Pane::Tree => workspace.tree.is_some(),
            Pane::View(Tab::StepGraph) => workspace.layout.is_some(),
            Pane::View(Tab::RootHistory) => workspace.tuf.is_some(),
            Pane::View(Tab::File) => workspace.file.is_some(),
            Pane::View(Tab::Overview | Tab::LayoutEditor | Tab::TufEditor) => true,
            Pane::Details => true,
            Pane::Lab => state.lab.open,
            Pane::Replay => workspace.trace().is_some(),
        }
    }
}

/// The tiles and what the user hid, kept between runs.
#[derive(Clone, Serialize, Deserialize)]
pub struct Arrangement {
    tree: Tree<Pane>,
    /// Panes the user hid from the View menu.
    hidden: BTreeSet<Pane>,
    /// The view last made active from [`AppState::tab`].
    #[serde(skip)]
    shown_tab: Option<Tab>,
    /// A pane to bring to the front at the next frame (the lab when it opens).
    #[serde(skip)]
    bring_forward: Option<Pane>,
}

impl std::fmt::Debug for Arrangement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Arrangement")
            .field("hidden", &self.hidden)
            .finish_non_exhaustive()
    }
}

impl Default for Arrangement {
    fn default() -> Arrangement {
        Arrangement {
            tree: default_tree(),
            hidden: BTreeSet::new(),
            shown_tab: None,
            bring_forward: None,
        }
    }
}

impl Arrangement {
    /// What stands in for the arrangement while its panes draw (they may push commands
    /// about it, never change it).
    fn placeholder() -> Arrangement {
        Arrangement {
            tree: Tree::empty(egui::Id::unique("chainscope_tiles_placeholder")),
            hidden: BTreeSet::new(),
            shown_tab: None,
            bring_forward: None,
        }
    }
}

/// The tree and the views (the graph gets the space) over the replay; details and the lab
/// beside them, the whole height. At 1024×700 the views keep about 500 px of width.
fn default_tree() -> Tree<Pane> {
    let mut tiles = Tiles::default();
    let tree = tiles.insert_pane(Pane::Tree);
    let tree = tiles.insert_tab_tile(vec![tree]);
    let views: Vec<TileId> = [
        Tab::StepGraph,
        Tab::Overview,
        Tab::RootHistory,
        Tab::File,
        Tab::LayoutEditor,
        Tab::TufEditor,
    ]
    .into_iter()
    .map(|tab| tiles.insert_pane(Pane::View(tab)))
    .collect();
    let views = tiles.insert_tab_tile(views);
    let top = linear(
        &mut tiles,
        LinearDir::Horizontal,
        &[(tree, 1.0), (views, 2.3)],
    );
    let replay = tiles.insert_pane(Pane::Replay);
    let replay = tiles.insert_tab_tile(vec![replay]);
    let main = linear(
        &mut tiles,
        LinearDir::Vertical,
        &[(top, 3.0), (replay, 1.0)],
    );
    let side = vec![
        tiles.insert_pane(Pane::Details),
        tiles.insert_pane(Pane::Lab),
    ];
    let side = tiles.insert_tab_tile(side);
    let root = linear(
        &mut tiles,
        LinearDir::Horizontal,
        &[(main, 3.3), (side, 1.2)],
    );
    Tree::new(egui::Id::unique("chainscope_tiles"), root, tiles)
}

fn linear(tiles: &mut Tiles<Pane>, dir: LinearDir, children: &[(TileId, f32)]) -> TileId {
    let mut linear = Linear::new(dir, children.iter().map(|(id, _)| *id).collect());
    for (id, share) in children {
        linear.shares.set_share(*id, *share);
    }
    tiles.insert_container(Container::Linear(linear))
}

impl Arrangement {
    /// A remembered arrangement, when it still holds every pane once; else the default.
    pub fn restore(saved: &str) -> Arrangement {
        let Ok(mut arrangement) = serde_json::from_str::<Arrangement>(saved) else {
            return Arrangement::default();
        };
        let mut panes: Vec<Pane> = arrangement
            .tree
            .tiles
            .tiles()
            .filter_map(|tile| match tile {
                Tile::Pane(pane) => Some(*pane),
                Tile::Container(_) => None,
            })
            .collect();
        panes.sort();
        let mut expected: Vec<Pane> = PANES.to_vec();
        expected.sort();
        if panes != expected {
            return Arrangement::default();
        }
        arrangement.shown_tab = None;
        arrangement
    }

    pub fn save(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn reset(&mut self) {
        *self = Arrangement::default();
    }

    pub fn is_hidden(&self, pane: Pane) -> bool {
        self.hidden.contains(&pane)
    }

    pub fn set_hidden(&mut self, pane: Pane, hidden: bool) {
        if hidden {
            self.hidden.insert(pane);
        } else {
            self.hidden.remove(&pane);
            self.bring_forward = Some(pane);
        }
    }

    /// Brings `pane` to the front of its tabs at the next frame.
    pub fn bring_forward(&mut self, pane: Pane) {
        self.hidden.remove(&pane);
        self.bring_forward = Some(pane);
    }

    fn tile_of(&self, pane: Pane) -> Option<TileId> {
        self.tree.tiles.find_pane(&pane)
    }

    /// Shows the tiles, each pane drawn by its panel.
    pub fn ui(
        state: &mut AppState,
        workspace: &Workspace,
        ui: &mut egui::Ui,
        commands: &mut Vec<Command>,
    ) {
        let mut arrangement = std::mem::replace(&mut state.tiles, Arrangement::placeholder());
        arrangement.before(state, workspace);
        let mut behavior = Panes {
            state,
            workspace,
            commands,
        };
        arrangement.tree.ui(&mut behavior, ui);
        arrangement.after(state);
        state.tiles = arrangement;
    }

    /// Visibility from what is open and what the user hid; the active view from `state.tab`.
    fn before(&mut self, state: &AppState, workspace: &Workspace) {
        let mut pending = Vec::new();
        for pane in PANES {
            if let Some(tile) = self.tile_of(pane) {
                let visible = pane.available(state, workspace) && !self.hidden.contains(&pane);
                pending.push((tile, visible));
            }
        }
        for (tile, visible) in pending {
            self.tree.set_visible(tile, visible);
        }
        let wanted = self
            .bring_forward
            .take()
            .or_else(|| (self.shown_tab != Some(state.tab)).then_some(Pane::View(state.tab)));
        if let Some(pane) = wanted {
            if let Pane::View(tab) = pane {
                self.hidden.remove(&pane);
                if let Some(tile) = self.tile_of(pane) {
                    self.tree.set_visible(tile, true);
                }
                self.shown_tab = Some(tab);
            }
            self.tree
                .make_active(|_, tile| matches!(tile, Tile::Pane(shown) if *shown == pane));
        }
    }

    /// A click on a view's tab makes it the active view.
    fn after(&mut self, state: &mut AppState) {
        let Some(tile) = self.tile_of(Pane::View(state.tab)) else {
            return;
        };
        let Some(parent) = self.tree.tiles.parent_of(tile) else {
            return;
        };
        if let Some(Tile::Container(Container::Tabs(tabs))) = self.tree.tiles.get(parent)
            && let Some(active) = tabs.active
            && active != tile
            && let Some(Pane::View(tab)) = self.tree.tiles.get_pane(&active).copied()
        {
            state.tab = tab;
            self.shown_tab = Some(tab);
        }
    }
}

impl Tab {
    pub fn title(self) -> &'static str {
        match self {
            Tab::StepGraph => "Step graph",
            Tab::Overview => "Checks and findings",
            Tab::RootHistory => "Root history",
            Tab::File => "File",
            Tab::LayoutEditor => "Edit layout",
            Tab::TufEditor => "Edit TUF repository",
        }
    }
}

/// Draws each pane with its panel.
struct Panes<'a> {
    state: &'a mut AppState,
    workspace: &'a Workspace,
    commands: &'a mut Vec<Command>,
}

impl egui_tiles::Behavior<Pane> for Panes<'_> {
    fn tab_title_for_pane(&mut self, pane: &Pane) -> egui::WidgetText {
        pane.title().into()
    }

    fn pane_ui(
        &mut self,
        ui: &mut egui::Ui,
        _tile: TileId,
        pane: &mut Pane,
    ) -> egui_tiles::UiResponse {
        let (state, workspace, commands) = (&mut *self.state, self.workspace, &mut *self.commands);
        egui::Frame::new()
            .inner_margin(egui::Margin::symmetric(8, 6))
            .show(ui, |ui| {
                ui.set_min_size(ui.available_size());
                match *pane {
                    Pane::Tree => match &workspace.tree {
                        Some(tree) => {
                            state.tree.last_rect = Some(ui.max_rect());
                            panels::tree::ui(state, workspace, tree, ui, commands);
                        }
                        None => {
                            ui.label("What is open has no TUF repository.");
                        }
                    },
                    Pane::View(tab) => panels::view_ui(state, workspace, tab, ui, commands),
                    Pane::Details => panels::details::ui(state, workspace, ui, commands),
                    Pane::Lab => panels::lab::ui(state, ui, commands),
                    Pane::Replay => match workspace.trace() {
                        Some(trace) => panels::replay::ui(state, workspace, trace, ui, commands),
                        None => {
                            ui.label("Nothing was checked.");
                        }
                    },
                }
            });
        egui_tiles::UiResponse::None
    }

    /// Every pane keeps its tab: its title and the handle to drag it elsewhere.
    fn simplification_options(&self) -> SimplificationOptions {
        SimplificationOptions {
            all_panes_must_have_tabs: true,
            ..SimplificationOptions::default()
        }
    }

    /// Tabs that do not fit their bar are one click away in a menu.
    fn top_bar_right_ui(
        &mut self,
        tiles: &Tiles<Pane>,
        ui: &mut egui::Ui,
        _tile: TileId,
        tabs: &egui_tiles::Tabs,
        _scroll_offset: &mut f32,
    ) {
        let shown: Vec<(TileId, Pane)> = tabs
            .children
            .iter()
            .filter(|child| tiles.is_visible(**child))
            .filter_map(|child| tiles.get_pane(child).map(|pane| (*child, *pane)))
            .collect();
        if shown.len() < 2 {
            return;
        }
        ui.menu_button("▾", |ui| {
            for (_, pane) in shown {
                if ui.button(pane.title()).clicked() {
                    self.commands.push(Command::ShowPane(pane));
                    ui.close();
                }
            }
        })
        .response
        .on_hover_text("Every tab of this tile");
    }

    fn min_size(&self) -> f32 {
        80.0
    }

    fn tab_bar_height(&self, style: &egui::Style) -> f32 {
        style.spacing.interact_size.y + 6.0
    }
}
