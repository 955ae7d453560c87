//! The command palette (Ctrl+P): every command of the one command table, the samples and the
//! recent files, searched by typing; Up and Down choose, Enter runs, Esc closes.

use crate::app::ui_command::UiCommand;
use crate::app::{AppState, Command};

#[derive(Default)]
pub struct Palette {
    pub open: bool,
    pub query: String,
    /// The highlighted row among those the query matches.
    pub selected: usize,
}

/// One row of the palette.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    Command(UiCommand),
    Sample {
        name: &'static str,
        summary: &'static str,
    },
    Recent(String),
}

impl Entry {
    fn title(&self, state: &AppState) -> String {
        match self {
            Entry::Command(command) => command.title(state),
            Entry::Sample { name, .. } => format!("Open sample: {name}"),
            Entry::Recent(input) => format!("Open recent: {input}"),
        }
    }

    fn detail(&self) -> &str {
        match self {
            Entry::Command(command) => command.tooltip(),
            Entry::Sample { summary, .. } => summary,
            Entry::Recent(_) => "Opened before",
        }
    }

    fn available(&self, state: &AppState) -> Result<(), &'static str> {
        match self {
            Entry::Command(command) => command.available(state),
            _ => Ok(()),
        }
    }

    fn command(&self, state: &AppState) -> Command {
        match self {
            Entry::Command(command) => command.command(state),
            Entry::Sample { name, .. } => Command::OpenSample((*name).to_owned()),
            Entry::Recent(input) => Command::Open(input.clone()),
        }
    }
}

/// The rows the query matches: every word of it appears in the title or the description,
/// titles that start with the query first. The palette's own entry is left out.
pub fn matching(state: &AppState, query: &str) -> Vec<Entry> {
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    let entries = UiCommand::ALL
        .iter()
        .filter(|c| **c != UiCommand::CommandPalette)
        .map(|c| Entry::Command(*c))
        .chain(
            crate::samples::menu()
                .into_iter()
                .map(|(name, summary)| Entry::Sample { name, summary }),
        )
        .chain(state.recent.iter().cloned().map(Entry::Recent));
    let mut found: Vec<(bool, Entry)> = entries
        .filter_map(|entry| {
            let title = entry.title(state).to_lowercase();
            let haystack = format!("{title} {}", entry.detail().to_lowercase());
            words
                .iter()
                .all(|w| haystack.contains(w.as_str()))
                .then(|| (title.starts_with(&query.trim().to_lowercase()), entry))
        })
        .collect();
    // Stable: within each group the table's order stays.
    found.sort_by_key(|(starts, _)| !*starts);
    found.into_iter().map(|(_, entry)| entry).collect()
}

pub fn field_id() -> egui::Id {
    egui::Id::unique("chainscope.palette_field")
}

/// Rows shown at once; the list scrolls through the rest.
const ROWS: f32 = 12.0;

pub fn ui(state: &mut AppState, ctx: &egui::Context, commands: &mut Vec<Command>) {
    if !state.palette.open {
        return;
    }
    let entries = matching(state, &state.palette.query);
    let (down, up, enter) = ctx.input(|i| {
        (
            i.key_pressed(egui::Key::ArrowDown),
            i.key_pressed(egui::Key::ArrowUp),
            i.key_pressed(egui::Key::Enter),
        )
    });
    let last = entries.len().saturating_sub(1);
    let palette = &mut state.palette;
    if down {
        palette.selected = (palette.selected + 1).min(last);
    }
    if up {
        palette.selected = palette.selected.saturating_sub(1);
    }
    palette.selected = palette.selected.min(last);
    let width = (ctx.content_rect().width() * 0.6).clamp(320.0, 640.0);
    let mut chosen: Option<Entry> = None;
    let mut query_changed = false;
    let modal = egui::Modal::new(egui::Id::unique("chainscope.palette")).show(ctx, |ui| {
        ui.set_width(width);
        let label = ui.strong("Command palette");
        let field = ui
            .add(
                egui::TextEdit::singleline(&mut state.palette.query)
                    .id(field_id())
                    .hint_text("Type a command, a sample or a file")
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(label.id);
        if !field.has_focus() && !enter {
            field.request_focus();
        }
        query_changed = field.changed();
        ui.add_space(4.0);
        if entries.is_empty() {
            ui.weak("No command matches.");
        }
        let row_height = ui.spacing().interact_size.y + 4.0;
        egui::ScrollArea::vertical()
            .max_height(row_height * ROWS)
            .auto_shrink([false, true])
            .show_rows(ui, row_height, entries.len(), |ui, rows| {
                for index in rows {
                    let entry = &entries[index];
                    let selected = index == state.palette.selected;
                    let available = entry.available(state);
                    let response = palette_row(ui, state, entry, selected, available.is_ok());
                    if selected && (down || up) {
                        response.scroll_to_me(None);
                    }
                    let response = match available {
                        Ok(()) => response.on_hover_text(entry.detail()),
                        Err(why) => response.on_hover_text(why),
                    };
                    if response.clicked() && available.is_ok() {
                        chosen = Some(entry.clone());
                    }
                }
            });
        ui.add_space(4.0);
        ui.weak("↑ ↓ choose · Enter runs · Esc closes");
    });
    if query_changed {
        state.palette.selected = 0;
    }
    if enter
        && chosen.is_none()
        && let Some(entry) = entries.get(state.palette.selected)
        && entry.available(state).is_ok()
    {
        chosen = Some(entry.clone());
    }
    if let Some(entry) = chosen {
        commands.push(Command::Palette(false));
        commands.push(entry.command(state));
    } else if modal.should_close() {
        commands.push(Command::Palette(false));
    }
}

fn palette_row(
    ui: &mut egui::Ui,
    state: &AppState,
    entry: &Entry,
    selected: bool,
    enabled: bool,
) -> egui::Response {
    let shortcut = match entry {
        Entry::Command(command) => command.shortcut_text(ui.ctx()),
        _ => None,
    };
    let mut title = entry.title(state);
    if let Entry::Command(command) = entry
        && let Some(on) = command.checked(state)
    {
        title.push_str(if on { "  (on)" } else { "  (off)" });
    }
    let mut button = egui::Button::new(title)
        .selected(selected)
        .frame_when_inactive(selected)
        .min_size(egui::vec2(ui.available_width(), 0.0));
    if let Some(shortcut) = shortcut {
        button = button.shortcut_text(shortcut);
    }
    ui.add_enabled(enabled, button)
}
