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
pub const PANES: [Pane; 11] = [
    Pane::Tree,
    Pane::View(Tab::StepGraph),
    Pane::View(Tab::Overview),
    Pane::View(Tab::RootHistory),
    Pane::View(Tab::File),
    Pane::View(Tab::LayoutEditor),
    Pane::View(Tab::TufEditor),
    Pane::View(Tab::Keys),
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
            Pane::View(Tab::Overview | Tab::LayoutEditor | Tab::TufEditor | Tab::Keys) => true,
            Pane::Details => true,
            Pane::Lab => state.lab.open,
            Pane::Replay => workspace.trace().is_some(),
        }
    }
}

/// One arrangement of the tiles and the panes the user hid in it.
#[derive(Clone, Serialize, Deserialize)]
struct Layout {
    tree: Tree<Pane>,
    hidden: BTreeSet<Pane>,
}

impl Layout {
    /// Whether it still holds every pane once (a saved one from another version may not).
    fn is_whole(&self) -> bool {
        let mut panes: Vec<Pane> = self
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
        panes == expected
    }
}

/// The tiles while working and while presenting (F11), each as the user left it, kept
/// between runs.
#[derive(Clone, Serialize, Deserialize)]
pub struct Arrangement {
    working: Layout,
    presenting: Layout,
    /// Presentation mode is on: the presenting layout is the one shown.
    #[serde(skip)]
    in_presentation: bool,
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
            .field("hidden", &self.layout().hidden)
            .field("in_presentation", &self.in_presentation)
            .finish_non_exhaustive()
    }
}

impl Default for Arrangement {
    fn default() -> Arrangement {
        Arrangement {
            working: working_layout(),
            presenting: presenting_layout(),
            in_presentation: false,
            shown_tab: None,
            bring_forward: None,
        }
    }
}

impl Arrangement {
    /// What stands in for the arrangement while its panes draw (they may push commands
    /// about it, never change it).
    fn placeholder() -> Arrangement {
        let empty = || Layout {
            tree: Tree::empty(egui::Id::unique("chainscope_tiles_placeholder")),
            hidden: BTreeSet::new(),
        };
        Arrangement {
            working: empty(),
            presenting: empty(),
            in_presentation: false,
            shown_tab: None,
            bring_forward: None,
        }
    }

    fn layout(&self) -> &Layout {
        if self.in_presentation {
            &self.presenting
        } else {
            &self.working
        }
    }

    fn layout_mut(&mut self) -> &mut Layout {
        if self.in_presentation {
            &mut self.presenting
        } else {
            &mut self.working
        }
    }
}

/// The views' tabs, the graph first.
fn views(tiles: &mut Tiles<Pane>) -> TileId {
    let views: Vec<TileId> = [
        Tab::StepGraph,
        Tab::Overview,
        Tab::RootHistory,
        Tab::File,
        Tab::LayoutEditor,
        Tab::TufEditor,
        Tab::Keys,
    ]
    .into_iter()
    .map(|tab| tiles.insert_pane(Pane::View(tab)))
    .collect();
    tiles.insert_tab_tile(views)
}

/// The tree and the views (the graph gets the space) over the replay; details and the lab
/// beside them, the whole height. At 1024×700 the views keep about 500 px of width.
fn working_layout() -> Layout {
    let mut tiles = Tiles::default();
    let tree = tiles.insert_pane(Pane::Tree);
    let tree = tiles.insert_tab_tile(vec![tree]);
    let views = views(&mut tiles);
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
    Layout {
        tree: Tree::new(egui::Id::unique("chainscope_tiles"), root, tiles),
        hidden: BTreeSet::new(),
    }
}

/// For a room: the view (the graph) takes the screen over a short replay; the lab beside it
/// when it is open; the tree and details folded away (the strip over the tiles unfolds them).
fn presenting_layout() -> Layout {
    let mut tiles = Tiles::default();
    let views = views(&mut tiles);
    let replay = tiles.insert_pane(Pane::Replay);
    let replay = tiles.insert_tab_tile(vec![replay]);
    let main = linear(
        &mut tiles,
        LinearDir::Vertical,
        &[(views, 4.0), (replay, 1.0)],
    );
    let side = vec![
        tiles.insert_pane(Pane::Lab),
        tiles.insert_pane(Pane::Tree),
        tiles.insert_pane(Pane::Details),
    ];
    let side = tiles.insert_tab_tile(side);
    let root = linear(
        &mut tiles,
        LinearDir::Horizontal,
        &[(main, 2.6), (side, 1.4)],
    );
    Layout {
        tree: Tree::new(egui::Id::unique("chainscope_tiles_presenting"), root, tiles),
        hidden: [Pane::Tree, Pane::Details].into_iter().collect(),
    }
}

fn linear(tiles: &mut Tiles<Pane>, dir: LinearDir, children: &[(TileId, f32)]) -> TileId {
    let mut linear = Linear::new(dir, children.iter().map(|(id, _)| *id).collect());
    for (id, share) in children {
        linear.shares.set_share(*id, *share);
    }
    tiles.insert_container(Container::Linear(linear))
}

impl Arrangement {
    /// A remembered arrangement, when both its layouts still hold every pane once; else the
    /// default.
    pub fn restore(saved: &str) -> Arrangement {
        match serde_json::from_str::<Arrangement>(saved) {
            Ok(arrangement)
                if arrangement.working.is_whole() && arrangement.presenting.is_whole() =>
            {
                arrangement
            }
            _ => Arrangement::default(),
        }
    }

    pub fn save(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Puts the tiles of the layout in use back where they start.
    pub fn reset(&mut self) {
        if self.in_presentation {
            self.presenting = presenting_layout();
        } else {
            self.working = working_layout();
        }
        self.shown_tab = None;
    }

    /// Presentation mode on or off: the other layout is shown, the view kept.
    pub fn set_presentation(&mut self, on: bool) {
        self.in_presentation = on;
        self.shown_tab = None;
    }

    pub fn is_hidden(&self, pane: Pane) -> bool {
        self.layout().hidden.contains(&pane)
    }

    pub fn set_hidden(&mut self, pane: Pane, hidden: bool) {
        if hidden {
            self.layout_mut().hidden.insert(pane);
        } else {
            self.bring_forward(pane);
        }
    }

    /// Brings `pane` to the front of its tabs at the next frame.
    pub fn bring_forward(&mut self, pane: Pane) {
        self.layout_mut().hidden.remove(&pane);
        self.bring_forward = Some(pane);
    }

    fn tile_of(&self, pane: Pane) -> Option<TileId> {
        self.layout().tree.tiles.find_pane(&pane)
    }

    /// Shows the tiles, each pane drawn by its panel.
    pub fn ui(
        state: &mut AppState,
        workspace: &Workspace,
        ui: &mut egui::Ui,
        commands: &mut Vec<Command>,
    ) {
        let mut arrangement = std::mem::replace(&mut state.tiles, Arrangement::placeholder());
        arrangement.in_presentation = state.presentation;
        arrangement.before(state, workspace);
        let mut behavior = Panes {
            state,
            workspace,
            commands,
        };
        arrangement.layout_mut().tree.ui(&mut behavior, ui);
        arrangement.after(state);
        state.tiles = arrangement;
    }

    /// Visibility from what is open and what the user hid; the active view from `state.tab`.
    fn before(&mut self, state: &AppState, workspace: &Workspace) {
        let mut pending = Vec::new();
        for pane in PANES {
            if let Some(tile) = self.tile_of(pane) {
                let visible = pane.available(state, workspace) && !self.is_hidden(pane);
                pending.push((tile, visible));
            }
        }
        for (tile, visible) in pending {
            self.layout_mut().tree.set_visible(tile, visible);
        }
        let wanted = self
            .bring_forward
            .take()
            .or_else(|| (self.shown_tab != Some(state.tab)).then_some(Pane::View(state.tab)));
        if let Some(pane) = wanted {
            if let Pane::View(tab) = pane {
                self.layout_mut().hidden.remove(&pane);
                if let Some(tile) = self.tile_of(pane) {
                    self.layout_mut().tree.set_visible(tile, true);
                }
                self.shown_tab = Some(tab);
            }
            self.layout_mut()
                .tree
                .make_active(|_, tile| matches!(tile, Tile::Pane(shown) if *shown == pane));
        }
    }

    /// A click on a view's tab makes it the active view.
    fn after(&mut self, state: &mut AppState) {
        let Some(tile) = self.tile_of(Pane::View(state.tab)) else {
            return;
        };
        let tiles = &self.layout().tree.tiles;
        let Some(parent) = tiles.parent_of(tile) else {
            return;
        };
        if let Some(Tile::Container(Container::Tabs(tabs))) = tiles.get(parent)
            && let Some(active) = tabs.active
            && active != tile
            && let Some(Pane::View(tab)) = tiles.get_pane(&active).copied()
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
            Tab::Keys => "Keys",
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
