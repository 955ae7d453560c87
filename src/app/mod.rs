//! The desktop app. It draws what the core computes and decides nothing itself: panels push
//! [`Command`]s, [`ChainscopeApp::apply`] carries them out after the frame, and loading runs on
//! a worker thread so a slow disk or a huge folder never freezes the window.

pub mod dialog;
pub mod panels;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::{Duration, Instant};

use crate::inspect::{FileReport, InspectError, inspect_file};
use dialog::{DialogOutcome, FileDialog};
use panels::{inspector::Inspector, open_bar::OpenBar, status_bar::StatusBar};

/// Everything the user can ask for. Menus, buttons and shortcuts all push these.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Open(PathBuf),
    BrowseForFile,
    Reload,
    SetDark(bool),
    Zoom(f32),
}

const MAX_RECENT: usize = 10;
const RECENT_KEY: &str = "chainscope.recent";
const DARK_KEY: &str = "chainscope.dark";
/// File events arrive in bursts (editors write, rename, chmod); wait for quiet before reloading.
const WATCH_DEBOUNCE: Duration = Duration::from_millis(300);

/// One struct per panel, plus what the shell itself remembers.
pub struct AppState {
    pub open_bar: OpenBar,
    pub inspector: Inspector,
    pub status: StatusBar,
    pub recent: Vec<PathBuf>,
    pub dark: bool,
    pub current: Option<PathBuf>,
}

enum Event {
    Loaded {
        generation: u64,
        result: Box<Result<FileReport, InspectError>>,
    },
    Dialog(DialogOutcome),
    FileChanged,
}

pub struct ChainscopeApp {
    pub state: AppState,
    dialog: Arc<dyn FileDialog>,
    events_tx: Sender<Event>,
    events_rx: Receiver<Event>,
    generation: u64,
    watcher: Option<notify::RecommendedWatcher>,
    reload_due: Option<Instant>,
    pending: Vec<Command>,
}

impl ChainscopeApp {
    pub fn new(
        dialog: Arc<dyn FileDialog>,
        storage: Option<&dyn eframe::Storage>,
    ) -> ChainscopeApp {
        let (events_tx, events_rx) = channel();
        let recent = storage
            .and_then(|s| s.get_string(RECENT_KEY))
            .map(|text| {
                text.lines()
                    .filter(|l| !l.is_empty())
                    .map(PathBuf::from)
                    .collect()
            })
            .unwrap_or_default();
        let dark = storage
            .and_then(|s| s.get_string(DARK_KEY))
            .is_none_or(|v| v != "false");
        ChainscopeApp {
            state: AppState {
                open_bar: OpenBar::default(),
                inspector: Inspector::default(),
                status: StatusBar {
                    message: "Ready.".into(),
                    busy: false,
                },
                recent,
                dark,
                current: None,
            },
            dialog,
            events_tx,
            events_rx,
            generation: 0,
            watcher: None,
            reload_due: None,
            pending: Vec::new(),
        }
    }

    /// Queues a command as if a panel had pushed it (command line argument, tests).
    pub fn push(&mut self, command: Command) {
        self.pending.push(command);
    }

    fn apply(&mut self, command: Command, ctx: &egui::Context) {
        match command {
            Command::Open(path) => self.open(path, ctx),
            Command::Reload => {
                if let Some(path) = self.state.current.clone() {
                    self.start_load(path, ctx);
                }
            }
            Command::BrowseForFile => {
                let dialog = Arc::clone(&self.dialog);
                let tx = self.events_tx.clone();
                let ctx = ctx.clone();
                std::thread::spawn(move || {
                    let _ = tx.send(Event::Dialog(dialog.pick_file()));
                    ctx.request_repaint();
                });
            }
            Command::SetDark(dark) => {
                self.state.dark = dark;
                ctx.set_theme(if dark {
                    egui::Theme::Dark
                } else {
                    egui::Theme::Light
                });
            }
            Command::Zoom(delta) => {
                let zoom = (ctx.zoom_factor() + delta).clamp(0.5, 3.0);
                ctx.set_zoom_factor(zoom);
            }
        }
    }

    fn open(&mut self, path: PathBuf, ctx: &egui::Context) {
        self.state.open_bar.path_text = path.display().to_string();
        self.state.open_bar.dialog_note = None;
        self.state.recent.retain(|p| p != &path);
        self.state.recent.insert(0, path.clone());
        self.state.recent.truncate(MAX_RECENT);
        self.watch(&path);
        self.state.current = Some(path.clone());
        self.start_load(path, ctx);
    }

    fn start_load(&mut self, path: PathBuf, ctx: &egui::Context) {
        self.generation += 1;
        let generation = self.generation;
        self.state.status.busy = true;
        self.state.status.message = format!("Loading {} …", path.display());
        let tx = self.events_tx.clone();
        let ctx = ctx.clone();
        std::thread::spawn(move || {
            let result = Box::new(inspect_file(&path));
            let _ = tx.send(Event::Loaded { generation, result });
            ctx.request_repaint();
        });
    }

    /// Watches the file's folder: the report also depends on files beside it (root.json, the
    /// layout, public keys).
    fn watch(&mut self, path: &Path) {
        use notify::Watcher as _;
        self.watcher = None;
        let Some(dir) = path.parent().map(|d| {
            if d.as_os_str().is_empty() {
                Path::new(".")
            } else {
                d
            }
        }) else {
            return;
        };
        let tx = self.events_tx.clone();
        let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            if event.is_ok_and(|e| !e.kind.is_access()) {
                let _ = tx.send(Event::FileChanged);
            }
        });
        match watcher {
            Ok(mut watcher) => match watcher.watch(dir, notify::RecursiveMode::NonRecursive) {
                Ok(()) => self.watcher = Some(watcher),
                Err(e) => {
                    self.state.status.message = format!("Not watching {}: {e}", dir.display())
                }
            },
            Err(e) => self.state.status.message = format!("File watching unavailable: {e}"),
        }
    }

    /// Drains worker results and file events. Called every frame before drawing.
    pub fn poll(&mut self, ctx: &egui::Context) {
        while let Ok(event) = self.events_rx.try_recv() {
            match event {
                Event::Loaded { generation, result } if generation == self.generation => {
                    self.state.status.busy = false;
                    self.state.status.message = match result.as_ref() {
                        Ok(report) => match report.signatures_ok() {
                            Some(true) => {
                                format!("Loaded {}: signatures ok.", report.path.display())
                            }
                            Some(false) => format!(
                                "Loaded {}: signature threshold not met.",
                                report.path.display()
                            ),
                            None => {
                                format!("Loaded {}: signatures not checked.", report.path.display())
                            }
                        },
                        Err(error) => format!("Could not load: {error}"),
                    };
                    self.state.inspector.loaded = Some(*result);
                }
                Event::Loaded { .. } => {}
                Event::Dialog(DialogOutcome::Picked(path)) => {
                    self.pending.push(Command::Open(path))
                }
                Event::Dialog(DialogOutcome::Cancelled) => {}
                Event::Dialog(DialogOutcome::Unavailable(why)) => {
                    self.state.open_bar.dialog_note = Some(why);
                }
                Event::FileChanged => self.reload_due = Some(Instant::now() + WATCH_DEBOUNCE),
            }
        }
        if let Some(due) = self.reload_due {
            let now = Instant::now();
            if now >= due {
                self.reload_due = None;
                self.pending.push(Command::Reload);
                self.state.status.message = "Files changed on disk; reloading.".into();
            } else {
                ctx.request_repaint_after(due - now);
            }
        }
        let pending = std::mem::take(&mut self.pending);
        for command in pending {
            self.apply(command, ctx);
        }
        if self.state.status.busy {
            ctx.request_repaint_after(Duration::from_millis(50));
        }
    }

    /// Keyboard shortcuts and dropped files, as commands.
    fn input_commands(&self, ctx: &egui::Context, commands: &mut Vec<Command>) {
        ctx.input(|input| {
            let command_key = input.modifiers.command;
            if command_key && input.key_pressed(egui::Key::O) {
                commands.push(Command::BrowseForFile);
            }
            if input.key_pressed(egui::Key::F5) {
                commands.push(Command::Reload);
            }
            if command_key
                && (input.key_pressed(egui::Key::Equals) || input.key_pressed(egui::Key::Plus))
            {
                commands.push(Command::Zoom(0.1));
            }
            if command_key && input.key_pressed(egui::Key::Minus) {
                commands.push(Command::Zoom(-0.1));
            }
            if let Some(path) = input
                .raw
                .dropped_files
                .first()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
            {
                commands.push(Command::Open(path));
            }
        });
    }

    /// Draws one frame and applies the commands it produced.
    pub fn frame_ui(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.poll(&ctx);
        let mut commands = Vec::new();
        self.input_commands(&ctx, &mut commands);
        let state = &mut self.state;
        egui::Panel::top("open_bar").show(ui, |ui| {
            state
                .open_bar
                .ui(ui, &state.recent, state.dark, &mut commands);
        });
        egui::Panel::bottom("status_bar").show(ui, |ui| state.status.ui(ui));
        egui::CentralPanel::default().show(ui, |ui| state.inspector.ui(ui));
        self.pending.extend(commands);
        if !self.pending.is_empty() {
            ctx.request_repaint();
        }
    }
}

impl eframe::App for ChainscopeApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.frame_ui(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        let recent: Vec<String> = self
            .state
            .recent
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        storage.set_string(RECENT_KEY, recent.join("\n"));
        storage.set_string(DARK_KEY, self.state.dark.to_string());
    }
}

/// Opens the desktop window, on `initial` when given.
pub fn run(initial: Option<PathBuf>) -> Result<(), String> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("chainscope")
            .with_inner_size([1100.0, 760.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    eframe::run_native(
        "chainscope",
        options,
        Box::new(move |cc| {
            let mut app = ChainscopeApp::new(Arc::new(dialog::NativeDialog), cc.storage);
            cc.egui_ctx.set_theme(if app.state.dark {
                egui::Theme::Dark
            } else {
                egui::Theme::Light
            });
            if let Some(path) = initial {
                app.push(Command::Open(path));
            }
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cjson;
    use crate::crypto::PrivateKey;
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable as _;
    use serde_json::json;

    /// A root signed by one of its two root keys (threshold 1), written as a TUF repository would.
    fn write_root(dir: &Path) -> PathBuf {
        let (signer, other) = (
            PrivateKey::ed25519_from_seed(&[1; 32]),
            PrivateKey::ed25519_from_seed(&[2; 32]),
        );
        let keys: serde_json::Map<String, serde_json::Value> = [&signer, &other]
            .iter()
            .map(|k| (k.keyid().to_owned(), k.public().to_dict().clone()))
            .collect();
        let role = json!({"keyids": [signer.keyid(), other.keyid()], "threshold": 1});
        let signed = json!({
            "_type": "root", "spec_version": "1.0.31", "version": 1, "expires": "2099-12-31T00:00:00Z",
            "consistent_snapshot": true, "keys": keys,
            "roles": {"root": role, "targets": role, "snapshot": role, "timestamp": role},
        });
        let sig = signer.sign(&cjson::encode(&signed).unwrap()).unwrap();
        let envelope = json!({"signed": signed, "signatures": [{"keyid": signer.keyid(), "sig": hex::encode(sig)}]});
        let path = dir.join("root.json");
        std::fs::write(&path, serde_json::to_vec_pretty(&envelope).unwrap()).unwrap();
        path
    }

    fn harness(app: ChainscopeApp) -> Harness<'static, ChainscopeApp> {
        Harness::builder()
            .with_size(egui::vec2(1100.0, 760.0))
            .build_ui_state(|ui, app: &mut ChainscopeApp| app.frame_ui(ui), app)
    }

    /// Steps frames until the worker thread has answered.
    fn settle(harness: &mut Harness<'_, ChainscopeApp>) {
        for _ in 0..400 {
            harness.step();
            let state = &harness.state().state;
            if !state.status.busy && harness.state().pending.is_empty() {
                harness.run_steps(2);
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!("loading did not finish");
    }

    #[test]
    fn shows_the_signature_report_and_survives_a_bad_file() {
        let dir = tempfile::tempdir().unwrap();
        let root = write_root(dir.path());
        let mut app = ChainscopeApp::new(Arc::new(dialog::NoDialog), None);
        app.push(Command::Open(root.clone()));
        let mut harness = harness(app);
        settle(&mut harness);
        harness.get_by_label("TUF root metadata");
        harness.get_by_label("Signatures: threshold met");
        harness.get_by_label("1 of 1 required signature");

        let bad = dir.path().join("bad.json");
        std::fs::write(
            &bad,
            br#"{"signed": {"_type": "root", "keys": "oops", "roles": {}}, "signatures": []}"#,
        )
        .unwrap();
        harness.state_mut().push(Command::Open(bad.clone()));
        settle(&mut harness);
        harness.get_by_label("Could not load this file");
        harness.get_by_label(&bad.display().to_string());
        harness.get_by_label("field `signed.keys`: invalid type: string \"oops\", expected a map");

        // Still working: the good file opens again from the recent list.
        assert_eq!(harness.state().state.recent, [bad, root.clone()]);
        harness.state_mut().push(Command::Open(root));
        settle(&mut harness);
        harness.get_by_label("Signatures: threshold met");
    }

    #[test]
    fn without_a_dialog_service_the_path_field_is_offered() {
        let mut harness = harness(ChainscopeApp::new(Arc::new(dialog::NoDialog), None));
        harness.run_steps(2);
        harness.get_by_label("Open…").click();
        for _ in 0..200 {
            harness.step();
            if harness.state().state.open_bar.dialog_note.is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        harness.run_steps(2);
        harness.get_by_label_contains("type a path in the field instead");
    }
}
