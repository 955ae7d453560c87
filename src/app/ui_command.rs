//! Every command a user can give by menu, keyboard or the command palette, in one table, so the
//! three never disagree about a command's name, its shortcut or when it can be used (the shape
//! of rerun's `UICommand`).

use egui::{Key, KeyboardShortcut, Modifiers};

use super::tiles::Pane;
use super::{AppState, Command, EditorCommand, LabCommand, Picture, ReplayCommand, Tab};
use crate::app::panels::guide::Help;
use crate::trace::Verdict;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UiCommand {
    OpenFile,
    OpenFolder,
    Reload,
    CancelLoad,
    Export(Picture, &'static str),
    Quit,
    Undo,
    Redo,
    LayoutEditor,
    TufEditor,
    KeysView,
    FindTarget,
    AttackLab,
    ToggleTheme,
    ZoomIn,
    ZoomOut,
    Presentation,
    FitGraph,
    CompareLayouts,
    TogglePane(Pane),
    ResetArrangement,
    RunInspections,
    ReplayForward,
    ReplayBack,
    ReplayPlayPause,
    ReplayFirst,
    ReplayLast,
    ReplayFirstFailure,
    CommandPalette,
    Guide,
    About,
}

/// When a command's shortcut is listened for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listen {
    /// Whatever has the keyboard (shortcuts with Ctrl or a function key).
    Always,
    /// Only when no field or button has the keyboard: plain keys (arrows, Space) belong to
    /// the widget that has focus.
    KeyboardFree,
    /// Only in the layout editor, whose document has its own undo history.
    InLayoutEditor,
}

const fn key(modifiers: Modifiers, key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(modifiers, key)
}

const CTRL: Modifiers = Modifiers::COMMAND;
const NONE: Modifiers = Modifiers::NONE;
const CTRL_SHIFT: Modifiers = Modifiers {
    alt: false,
    ctrl: false,
    shift: true,
    mac_cmd: false,
    command: true,
};

impl UiCommand {
    /// Every command, in the order menus and the palette list them.
    pub const ALL: &'static [UiCommand] = &[
        UiCommand::OpenFile,
        UiCommand::OpenFolder,
        UiCommand::Reload,
        UiCommand::CancelLoad,
        UiCommand::Export(Picture::StepGraph, "svg"),
        UiCommand::Export(Picture::StepGraph, "png"),
        UiCommand::Export(Picture::DelegationTree, "svg"),
        UiCommand::Export(Picture::DelegationTree, "png"),
        UiCommand::Quit,
        UiCommand::Undo,
        UiCommand::Redo,
        UiCommand::LayoutEditor,
        UiCommand::TufEditor,
        UiCommand::KeysView,
        UiCommand::FindTarget,
        UiCommand::AttackLab,
        UiCommand::ToggleTheme,
        UiCommand::ZoomIn,
        UiCommand::ZoomOut,
        UiCommand::Presentation,
        UiCommand::FitGraph,
        UiCommand::CompareLayouts,
        UiCommand::TogglePane(Pane::Tree),
        UiCommand::TogglePane(Pane::Details),
        UiCommand::TogglePane(Pane::Replay),
        UiCommand::ResetArrangement,
        UiCommand::RunInspections,
        UiCommand::ReplayForward,
        UiCommand::ReplayBack,
        UiCommand::ReplayPlayPause,
        UiCommand::ReplayFirst,
        UiCommand::ReplayLast,
        UiCommand::ReplayFirstFailure,
        UiCommand::CommandPalette,
        UiCommand::Guide,
        UiCommand::About,
    ];

    /// The name in menus and the palette; a toggle names what it will do.
    pub fn title(self, state: &AppState) -> String {
        let text = match self {
            UiCommand::OpenFile => "Open file…",
            UiCommand::OpenFolder => "Open folder…",
            UiCommand::Reload => "Reload and re-verify",
            UiCommand::CancelLoad => "Cancel loading",
            UiCommand::Export(picture, extension) => {
                return format!(
                    "Export the {} as {}…",
                    picture.file_stem().replace('-', " "),
                    extension.to_uppercase()
                );
            }
            UiCommand::Quit => "Quit",
            UiCommand::Undo => "Undo",
            UiCommand::Redo => "Redo",
            UiCommand::LayoutEditor => "Layout editor",
            UiCommand::TufEditor => "TUF repository editor",
            UiCommand::KeysView => "Keys",
            UiCommand::FindTarget => "Find a target",
            UiCommand::AttackLab if state.lab.open => "Close the attack lab",
            UiCommand::AttackLab => "Attack lab",
            UiCommand::ToggleTheme if state.dark => "Light theme",
            UiCommand::ToggleTheme => "Dark theme",
            UiCommand::ZoomIn => "Larger",
            UiCommand::ZoomOut => "Smaller",
            UiCommand::Presentation if state.presentation => "Leave presentation mode",
            UiCommand::Presentation => "Presentation mode",
            UiCommand::FitGraph => "Fit the step graph",
            UiCommand::CompareLayouts => "Compare with the earlier layout",
            UiCommand::TogglePane(pane) => pane.title(),
            UiCommand::ResetArrangement => "Reset the arrangement",
            UiCommand::RunInspections => "Run inspections…",
            UiCommand::ReplayForward => "Replay: next check",
            UiCommand::ReplayBack => "Replay: previous check",
            UiCommand::ReplayPlayPause if state.replay.playing => "Replay: pause",
            UiCommand::ReplayPlayPause => "Replay: play",
            UiCommand::ReplayFirst => "Replay: first check",
            UiCommand::ReplayLast => "Replay: last check",
            UiCommand::ReplayFirstFailure => "Replay: first failure",
            UiCommand::CommandPalette => "Command palette",
            UiCommand::Guide => "Guide",
            UiCommand::About => "About chainscope",
        };
        text.to_owned()
    }

    /// What the command does, on hover and searched by the palette.
    pub fn tooltip(self) -> &'static str {
        match self {
            UiCommand::OpenFile => "Open a layout, a link, TUF metadata or a key file",
            UiCommand::OpenFolder => "Open a TUF repository or an in-toto folder",
            UiCommand::Reload => "Read everything again from disk and verify it again",
            UiCommand::CancelLoad => "Stop the load in progress; what was open stays",
            UiCommand::Export(..) => "Save the picture as a file",
            UiCommand::Quit => "Close chainscope (asks first about unsaved layout edits)",
            UiCommand::Undo => "Undo the last layout edit",
            UiCommand::Redo => "Redo the layout edit undone last",
            UiCommand::LayoutEditor => "Draft, lint and sign an in-toto layout",
            UiCommand::TufEditor => "Stage, sign and publish TUF metadata",
            UiCommand::KeysView => {
                "Every key of what is open, what it serves, online or offline; generate, import, export"
            }
            UiCommand::FindTarget => "Which role vouches for a target, and the chain to root",
            UiCommand::AttackLab => "Apply the classic attacks to a copy and watch them caught",
            UiCommand::ToggleTheme => "Switch between the dark and the light theme",
            UiCommand::ZoomIn => "Everything larger",
            UiCommand::ZoomOut => "Everything smaller",
            UiCommand::Presentation => "Full screen, the view large, the replay under it",
            UiCommand::FitGraph => "Fit the whole step graph into its tile",
            UiCommand::CompareLayouts => "Draw what changed since the earlier layout",
            UiCommand::TogglePane(_) => "Show or hide this tile",
            UiCommand::ResetArrangement => "Every tile back where it starts",
            UiCommand::RunInspections => {
                "Verify again, running the layout's inspection commands once you allow them"
            }
            UiCommand::ReplayForward
            | UiCommand::ReplayBack
            | UiCommand::ReplayPlayPause
            | UiCommand::ReplayFirst
            | UiCommand::ReplayLast
            | UiCommand::ReplayFirstFailure => "Step through the verification check by check",
            UiCommand::CommandPalette => "Every command, searchable, with its shortcut",
            UiCommand::Guide => "Layouts, links, TUF roles, delegation and ITE-2 in a few words",
            UiCommand::About => "Version, licence and what chainscope checks",
        }
    }

    /// The shortcuts, the first of which menus and the palette show.
    pub fn shortcuts(self) -> &'static [KeyboardShortcut] {
        match self {
            UiCommand::OpenFile => const { &[key(CTRL, Key::O)] },
            UiCommand::Reload => const { &[key(NONE, Key::F5), key(CTRL, Key::R)] },
            UiCommand::CancelLoad => const { &[key(NONE, Key::Escape)] },
            UiCommand::Quit => const { &[key(CTRL, Key::Q)] },
            UiCommand::Undo => const { &[key(CTRL, Key::Z)] },
            UiCommand::Redo => const { &[key(CTRL_SHIFT, Key::Z), key(CTRL, Key::Y)] },
            UiCommand::FindTarget => const { &[key(CTRL, Key::F)] },
            // Keyboards report Ctrl and + as Plus with or without Shift, or as Equals.
            UiCommand::ZoomIn => {
                const {
                    &[
                        key(CTRL, Key::Equals),
                        key(CTRL, Key::Plus),
                        key(CTRL_SHIFT, Key::Plus),
                        key(CTRL_SHIFT, Key::Equals),
                    ]
                }
            }
            UiCommand::ZoomOut => const { &[key(CTRL, Key::Minus)] },
            UiCommand::Presentation => const { &[key(NONE, Key::F11)] },
            // A presenter's clicker sends Page Up and Page Down.
            UiCommand::ReplayForward => {
                const { &[key(NONE, Key::ArrowRight), key(NONE, Key::PageDown)] }
            }
            UiCommand::ReplayBack => const { &[key(NONE, Key::ArrowLeft), key(NONE, Key::PageUp)] },
            UiCommand::ReplayPlayPause => const { &[key(NONE, Key::Space)] },
            UiCommand::ReplayFirst => const { &[key(NONE, Key::Home)] },
            UiCommand::ReplayLast => const { &[key(NONE, Key::End)] },
            UiCommand::CommandPalette => const { &[key(CTRL, Key::P), key(CTRL_SHIFT, Key::P)] },
            UiCommand::Guide => const { &[key(NONE, Key::F1)] },
            _ => const { &[] },
        }
    }

    pub fn listen(self) -> Listen {
        match self {
            UiCommand::ReplayForward
            | UiCommand::ReplayBack
            | UiCommand::ReplayPlayPause
            | UiCommand::ReplayFirst
            | UiCommand::ReplayLast => Listen::KeyboardFree,
            UiCommand::Undo | UiCommand::Redo => Listen::InLayoutEditor,
            _ => Listen::Always,
        }
    }

    /// Held keys repeat these; a toggle fires once per press.
    fn repeats(self) -> bool {
        matches!(
            self,
            UiCommand::ReplayForward
                | UiCommand::ReplayBack
                | UiCommand::ZoomIn
                | UiCommand::ZoomOut
                | UiCommand::Undo
                | UiCommand::Redo
        )
    }

    /// The first shortcut as this platform writes it.
    pub fn shortcut_text(self, ctx: &egui::Context) -> Option<String> {
        self.shortcuts().first().map(|s| ctx.format_shortcut(s))
    }

    /// Whether the command can run now, or why not.
    pub fn available(self, state: &AppState) -> Result<(), &'static str> {
        let workspace = state.workspace();
        let replayable = workspace.is_some_and(|w| w.trace().is_some());
        let ok = |yes: bool, why: &'static str| if yes { Ok(()) } else { Err(why) };
        match self {
            UiCommand::Reload => ok(state.current.is_some(), "Nothing is open"),
            UiCommand::KeysView => ok(
                state.workspace().is_some(),
                "Open something first: the keys view lists its keys",
            ),
            UiCommand::CancelLoad => ok(state.status.busy, "Nothing is loading"),
            UiCommand::Export(Picture::StepGraph, _) | UiCommand::FitGraph => ok(
                workspace.is_some_and(|w| w.layout.is_some()),
                "No layout is open",
            ),
            UiCommand::Export(Picture::DelegationTree, _) => ok(
                workspace.is_some_and(|w| w.tree.is_some()),
                "No TUF repository is open",
            ),
            UiCommand::Undo => ok(
                state
                    .layout_editor
                    .document
                    .as_ref()
                    .is_some_and(|d| d.can_undo()),
                "Nothing in the layout editor to undo",
            ),
            UiCommand::Redo => ok(
                state
                    .layout_editor
                    .document
                    .as_ref()
                    .is_some_and(|d| d.can_redo()),
                "Nothing in the layout editor to redo",
            ),
            UiCommand::CompareLayouts => ok(
                workspace
                    .and_then(|w| w.layout.as_ref())
                    .is_some_and(|l| l.comparison.is_some()),
                "No earlier layout to compare with",
            ),
            UiCommand::RunInspections => ok(
                workspace.is_some_and(|w| w.verdict() == Some(Verdict::Incomplete)),
                "Nothing is waiting on inspections",
            ),
            UiCommand::ReplayForward
            | UiCommand::ReplayBack
            | UiCommand::ReplayPlayPause
            | UiCommand::ReplayFirst
            | UiCommand::ReplayLast => ok(replayable, "Nothing verified to replay"),
            UiCommand::ReplayFirstFailure => ok(
                workspace
                    .and_then(|w| w.trace())
                    .is_some_and(|t| t.first_failure().is_some()),
                "No check failed",
            ),
            _ => Ok(()),
        }
    }

    /// For a toggle shown with a tick: whether it is on.
    pub fn checked(self, state: &AppState) -> Option<bool> {
        match self {
            UiCommand::TogglePane(pane) => Some(!state.tiles.is_hidden(pane)),
            UiCommand::CompareLayouts => Some(state.graph.compare),
            _ => None,
        }
    }

    /// What the command asks the app to do.
    pub fn command(self, state: &AppState) -> Command {
        match self {
            UiCommand::OpenFile => Command::BrowseForFile,
            UiCommand::OpenFolder => Command::BrowseForFolder,
            UiCommand::Reload => Command::Reload,
            UiCommand::CancelLoad => Command::Cancel,
            UiCommand::Export(picture, extension) => Command::BrowseForExport(picture, extension),
            UiCommand::Quit => Command::Quit,
            UiCommand::Undo => Command::Editor(EditorCommand::Undo),
            UiCommand::Redo => Command::Editor(EditorCommand::Redo),
            UiCommand::LayoutEditor => Command::ShowTab(Tab::LayoutEditor),
            UiCommand::TufEditor => Command::ShowTab(Tab::TufEditor),
            UiCommand::KeysView => Command::ShowPane(super::tiles::Pane::View(Tab::Keys)),
            UiCommand::FindTarget => Command::FocusFind,
            UiCommand::AttackLab if state.lab.open => Command::Lab(LabCommand::Close),
            UiCommand::AttackLab => Command::Lab(LabCommand::Open),
            UiCommand::ToggleTheme => Command::SetDark(!state.dark),
            UiCommand::ZoomIn => Command::Zoom(0.1),
            UiCommand::ZoomOut => Command::Zoom(-0.1),
            UiCommand::Presentation => Command::TogglePresentation,
            UiCommand::FitGraph => Command::FitGraph,
            UiCommand::CompareLayouts => Command::CompareLayouts(!state.graph.compare),
            UiCommand::TogglePane(pane) => {
                Command::SetPaneHidden(pane, !state.tiles.is_hidden(pane))
            }
            UiCommand::ResetArrangement => Command::ResetArrangement,
            UiCommand::RunInspections => Command::AskRunInspections,
            UiCommand::ReplayForward => Command::Replay(ReplayCommand::Forward),
            UiCommand::ReplayBack => Command::Replay(ReplayCommand::Back),
            UiCommand::ReplayPlayPause if state.replay.playing => {
                Command::Replay(ReplayCommand::Pause)
            }
            UiCommand::ReplayPlayPause => Command::Replay(ReplayCommand::Play),
            UiCommand::ReplayFirst => Command::Replay(ReplayCommand::To(0)),
            UiCommand::ReplayLast => Command::Replay(ReplayCommand::ToEnd),
            UiCommand::ReplayFirstFailure => Command::Replay(ReplayCommand::FirstFailure),
            UiCommand::CommandPalette => Command::Palette(!state.palette.open),
            UiCommand::Guide => Command::ShowHelp(Some(Help::Guide)),
            UiCommand::About => Command::ShowHelp(Some(Help::About)),
        }
    }

    /// A menu entry: the title, the shortcut on the right, greyed with the reason when it
    /// cannot run now.
    pub fn menu_item(self, state: &AppState, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        let available = self.available(state);
        let response = if let Some(mut checked) = self.checked(state) {
            ui.add_enabled(
                available.is_ok(),
                egui::Checkbox::new(&mut checked, self.title(state)),
            )
        } else {
            let mut button = egui::Button::new(self.title(state));
            if let Some(shortcut) = self.shortcut_text(ui.ctx()) {
                button = button.shortcut_text(shortcut);
            }
            ui.add_enabled(available.is_ok(), button)
        };
        let response = match available {
            Ok(()) => response.on_hover_text(self.tooltip()),
            Err(why) => response.on_disabled_hover_text(why),
        };
        if response.clicked() {
            commands.push(self.command(state));
            // Zooming keeps the menu open, so several steps can be taken in a row.
            if !matches!(self, UiCommand::ZoomIn | UiCommand::ZoomOut) {
                ui.close();
            }
        }
    }

    /// The commands whose shortcuts were pressed this frame and can run now.
    pub fn pressed(
        state: &AppState,
        input: &egui::InputState,
        keyboard_free: bool,
    ) -> Vec<UiCommand> {
        let mut pressed = Vec::new();
        for event in &input.events {
            let egui::Event::Key {
                key,
                pressed: true,
                repeat,
                modifiers,
                ..
            } = event
            else {
                continue;
            };
            let hit = UiCommand::ALL.iter().copied().find(|command| {
                command.shortcuts().iter().any(|shortcut| {
                    shortcut.logical_key == *key && modifiers.matches_exact(shortcut.modifiers)
                }) && (!*repeat || command.repeats())
                    && match command.listen() {
                        Listen::Always => true,
                        Listen::KeyboardFree => keyboard_free,
                        Listen::InLayoutEditor => state.tab == Tab::LayoutEditor,
                    }
            });
            if let Some(command) = hit.filter(|c| c.available(state).is_ok()) {
                pressed.push(command);
            }
        }
        pressed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two commands on one shortcut would make the key do whichever the table lists first.
    #[test]
    fn no_shortcut_belongs_to_two_commands() {
        let mut seen: Vec<(KeyboardShortcut, UiCommand)> = Vec::new();
        for &command in UiCommand::ALL {
            for shortcut in command.shortcuts() {
                if let Some((_, other)) = seen.iter().find(|(s, _)| s == shortcut) {
                    panic!("{shortcut:?} is both {other:?} and {command:?}");
                }
                seen.push((*shortcut, command));
            }
        }
        assert!(seen.len() > 15, "the table lost its shortcuts");
    }
}
