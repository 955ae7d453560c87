//! The desktop app. It draws what the core computes and decides nothing itself: panels push
//! [`Command`]s, [`ChainscopeApp::apply`] carries them out after the frame, and loading runs on
//! a worker thread so a slow disk or a huge repository never freezes the window.

pub mod dialog;
pub mod export;
pub mod key_names;
mod layout_jobs;
pub mod panels;
pub mod tiles;
mod tuf_jobs;
pub mod ui_command;
mod watch;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::replay::Replay;
use crate::time::UtcTime;
use crate::trace::Verdict;
use crate::tuf::search::SearchResult;
use crate::workspace::{FileChanges, LoadOptions, Source, Workspace, WorkspaceError, detect, load};
use dialog::{DialogOutcome, FileDialog};
use layout_jobs::{LayoutJob, LayoutJobDone};
use panels::{
    details::DetailsPanel, graph::GraphPanel, menu_bar::MenuBar, status_bar::StatusBar,
    tree::TreePanel,
};
use ui_command::UiCommand;

/// What is selected, in any view; the details panel shows it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Selection {
    #[default]
    Nothing,
    Step(String),
    Role {
        role: String,
        delegator: String,
    },
}

/// The view shown in the middle of the workspace (one of the tabs of the views' tile).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
pub enum Tab {
    #[default]
    StepGraph,
    Overview,
    RootHistory,
    File,
    LayoutEditor,
    TufEditor,
    /// Every key of what is open and what it serves.
    Keys,
}

/// The two pictures that can be exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Picture {
    StepGraph,
    DelegationTree,
}

impl Picture {
    pub fn file_stem(self) -> &'static str {
        match self {
            Picture::StepGraph => "step-graph",
            Picture::DelegationTree => "delegation-tree",
        }
    }
}

/// Everything the user can ask for. Menus, buttons and shortcuts all push these.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// A path (file or folder) or a URL.
    Open(String),
    /// Verify the opened Sigstore bundle so (reloads it).
    VerifyBundle(crate::sigstore::BundleCheck),
    BrowseForFile,
    BrowseForFolder,
    Reload,
    Cancel,
    SetDark(bool),
    Zoom(f32),
    TogglePresentation,
    Select(Selection),
    ShowTab(Tab),
    /// Name a key after the key file that holds it: (keyid, file).
    NameKeyAfterFile(String, String),
    /// Name a key (an empty name takes the alias away).
    NameKey(String, String),
    /// Write a bundled sample into the app's samples folder and open it.
    OpenSample(String),
    /// Open or close the guide or About.
    ShowHelp(Option<panels::guide::Help>),
    /// Draw the step graph against the earlier layout (or not).
    CompareLayouts(bool),
    /// How long the replay shows each check while playing.
    SetReplayStep(Duration),
    /// Bring a tile's pane to the front (and out of hiding).
    ShowPane(tiles::Pane),
    /// Hide or show a pane (View menu).
    SetPaneHidden(tiles::Pane, bool),
    /// Put every tile back where it starts.
    ResetArrangement,
    FindTarget(String),
    /// Verify another package of the repository end to end.
    ChooseTarget(String),
    ToggleBins(String),
    FitGraph,
    /// Export as SVG (`.svg`) or PNG (`.png`), by the file name.
    Export(Picture, PathBuf),
    BrowseForExport(Picture, &'static str),
    Replay(ReplayCommand),
    /// Show the dialog listing the layout's inspection commands.
    AskRunInspections,
    /// The user allowed exactly the commands the dialog listed: verify again, running them.
    ConfirmInspections,
    DismissInspections,
    /// Open (or with `None` close) the changed-artifact window.
    ShowChange(Option<String>),
    Editor(EditorCommand),
    /// The ITE-10 attestation layout editor.
    AttestEditor(panels::attest_editor::AttestEditorCommand),
    TufEditor(TufEditorCommand),
    Lab(LabCommand),
    /// Close the window (asking first when the layout editor holds unsaved changes).
    Quit,
    /// Hide the banner of an open that failed over what stayed open.
    DismissOpenFailure,
    /// Open or close the command palette.
    Palette(bool),
    /// Put the keyboard in the target search field.
    FocusFind,
    /// Open the signing dialog (its keys looked for on a worker).
    OpenSignDialog(panels::sign_dialog::SignFor),
    CloseSignDialog,
    /// Choose the signing key file with the native dialog.
    BrowseForSigningKey,
    Keys(KeysCommand),
}

/// What the keys view is asked to do (each on a worker: key files are written and read).
#[derive(Debug, Clone, PartialEq)]
pub enum KeysCommand {
    /// Write a new key pair: `file` (private) and `file.pub`.
    Generate {
        file: PathBuf,
        passphrase: Option<crate::crypto::Passphrase>,
    },
    /// Read a public key file and name the key after it.
    Import(PathBuf),
    /// Write a key of what is open as a public key file.
    Export { keyid: String, path: PathBuf },
}

/// A keys-view job done: what to say, and a key to name after a file (keyid, file name).
#[derive(Debug)]
struct KeysDone {
    message: String,
    named: Option<(String, String)>,
}

/// What the TUF editor is asked to do; each is one call of the core editor, saved at once.
#[derive(Debug, Clone, PartialEq)]
pub enum TufEditorCommand {
    Open(PathBuf),
    AddTarget {
        file: PathBuf,
        path: String,
        role: Option<String>,
    },
    Sign {
        role: String,
        key_file: PathBuf,
        passphrase: Option<crate::crypto::Passphrase>,
    },
    Publish {
        online_keys: Vec<PathBuf>,
    },
    /// Publish, after showing what it changes and which online keys will sign (found beside
    /// the repository and among the recently used keys).
    AskPublish,
    ConfirmPublish,
    CancelPublish,
    AddKey {
        role: String,
        key: KeyChoice,
    },
    /// This key may no longer sign the role.
    RemoveKey {
        role: String,
        keyid: String,
    },
    SetThreshold {
        role: String,
        threshold: u64,
    },
    SetExpiry {
        role: String,
        expires: String,
    },
    /// Delegate `paths` (or, with `bins`, succinct bins of that many bits) from `delegator`.
    Delegate {
        delegator: String,
        name: String,
        keys: Vec<KeyChoice>,
        threshold: u64,
        paths: Vec<String>,
        /// Hash prefixes instead of paths, when given.
        prefixes: Vec<String>,
        terminating: bool,
        bins: Option<u32>,
    },
    ExportBytes {
        role: String,
        path: PathBuf,
    },
    ImportSignature {
        role: String,
        signature_file: PathBuf,
        key_file: PathBuf,
    },
    /// What the staged role changes against its published version.
    Diff {
        role: String,
    },
    /// Choose the target file with the native dialog.
    BrowseForTarget,
}

/// A key chosen in the TUF editor: one the repository or what is open already lists, or a
/// public key file (a key new to both).
#[derive(Debug, Clone, PartialEq)]
pub enum KeyChoice {
    Known(crate::crypto::PublicKey),
    File(PathBuf),
}

/// What the layout editor is asked to do; edits are core [`LayoutAction`]s.
#[derive(Debug, Clone, PartialEq)]
pub enum EditorCommand {
    New(Option<crate::edit::templates::Template>),
    FromOpened,
    Apply(crate::edit::layout::LayoutAction),
    Undo,
    Redo,
    Select(Option<String>),
    AddFunctionary {
        step: String,
        key_file: PathBuf,
    },
    Sign {
        key_file: PathBuf,
        passphrase: Option<crate::crypto::Passphrase>,
    },
    Save(PathBuf),
    /// Add a key from a file to the layout's keys.
    AddKey(PathBuf),
    /// Write the exact bytes a signature must cover, for signing elsewhere.
    ExportBytes(PathBuf),
    /// Add a signature made elsewhere, checked with the public key first.
    ImportSignature {
        signature_file: PathBuf,
        key_file: PathBuf,
    },
    /// A new layout drafted from the links (and `.pub` keys) in a folder.
    FromLinks(PathBuf),
    /// Choose a key file with the native dialog (for the selected step, else the layout).
    BrowseForKey,
    /// Legacy `signed`/`signatures` or DSSE (signatures made for the other are dropped).
    SetEnvelope(crate::crypto::signed::EnvelopeKind),
    /// Save, asking first when the layout is unsigned or lint finds errors.
    AskSave(PathBuf),
    /// The user's word on the save [`EditorCommand::AskSave`] asked about.
    ConfirmSave,
    CancelSave,
    /// Save where the guard says, then do what the guard held back.
    SaveAndContinue,
    DiscardAndContinue,
    KeepEditing,
}

/// What the attack lab does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LabCommand {
    /// Open the lab on what is open (the demo), copying it.
    Open,
    /// Write a lab sample (the demo or the attestation sample) into a folder of the lab's own
    /// and open the lab on it.
    OpenSample(&'static str),
    /// Close the lab, drop the copy and reopen what was open before; with an attack applied,
    /// ask first (the attacked copy goes with the lab).
    Close,
    /// Close it without asking (the user answered).
    CloseConfirmed,
    /// Keep the lab open after all.
    KeepOpen,
    Select(usize),
    /// Reset the copy, carry out the attack (by index) on it and verify it again.
    Apply(usize),
    Reset,
    /// Move the replay to the check that caught the attack.
    ShowCatch,
    /// Show the attacked copy again (after the all-online comparison), at its failure.
    ShowCopy,
}

/// Moving through the trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplayCommand {
    Forward,
    Back,
    Play,
    Pause,
    FirstFailure,
    To(usize),
    ToEnd,
}

/// How long the replay shows each check while playing.
const REPLAY_STEP: Duration = Duration::from_millis(350);

const MAX_RECENT: usize = 10;
const RECENT_KEY: &str = "chainscope.recent";
const DARK_KEY: &str = "chainscope.dark";
const TILES_KEY: &str = "chainscope.tiles";
const KEY_NAMES_KEY: &str = "chainscope.key_names";
const SIGNING_KEYS_KEY: &str = "chainscope.signing_keys";
/// File events arrive in bursts (editors write, rename, chmod); wait for quiet before reloading.
const WATCH_DEBOUNCE: Duration = Duration::from_millis(300);

/// A target search and what the tree should light up for it.
#[derive(Debug, Clone)]
pub struct SearchView {
    pub result: SearchResult,
    pub hops: Vec<crate::graph::tree::Hop>,
}

/// What changed on disk at the last reload, and how the verdict moved.
#[derive(Debug, Clone)]
pub struct ChangeNote {
    pub files: FileChanges,
    /// The TUF roles whose metadata files changed.
    pub roles: Vec<String>,
    pub before: Option<Verdict>,
    pub after: Option<Verdict>,
}

/// Progress of the load in flight, written by the worker.
#[derive(Debug, Clone, Default)]
pub struct Progress {
    pub fraction: f32,
    pub phase: String,
}

/// One struct per panel, plus what the shell itself remembers.
pub struct AppState {
    pub menu: MenuBar,
    pub tree: TreePanel,
    pub graph: GraphPanel,
    pub details: DetailsPanel,
    pub status: StatusBar,
    pub tab: Tab,
    /// The workspace's tiles.
    pub tiles: tiles::Arrangement,
    /// The guide or About, when open.
    pub help: Option<panels::guide::Help>,
    /// Names for keys (aliases, key files, the samples' story).
    pub key_names: Arc<key_names::KeyNames>,
    pub loaded: Option<Result<Arc<Workspace>, Arc<WorkspaceError>>>,
    pub selection: Selection,
    pub search: Option<SearchView>,
    pub changes: Option<ChangeNote>,
    pub recent: Vec<String>,
    pub dark: bool,
    pub presentation: bool,
    /// What is open (path or URL) and which package is verified end to end.
    pub current: Option<String>,
    pub target: Option<String>,
    /// Paths under this folder are not remembered (the bundled demo lives in a temp folder).
    pub forget_under: Option<PathBuf>,
    /// The time verification is judged at (fixed in tests).
    pub now: Option<UtcTime>,
    pub replay: Replay,
    /// How long each check is shown while playing.
    pub replay_step: Duration,
    /// The inspection commands awaiting the user's answer.
    pub inspection_dialog: Option<Vec<Vec<String>>>,
    /// The inspection commands the user allowed for what is open.
    pub allowed_inspections: Option<Vec<Vec<String>>>,
    /// What is open was written by chainscope itself in this run (the demo, the lab's copy):
    /// not remembered, and its inspections run without asking.
    pub written_this_run: bool,
    pub change_view: Option<panels::replay::ChangeView>,
    pub layout_editor: panels::layout_editor::LayoutEditor,
    pub attest_editor: panels::attest_editor::AttestEditor,
    /// What the user asked for that would drop the attestation layout editor's unsaved
    /// changes, awaiting an answer.
    pub attest_unsaved_guard: Option<Command>,
    pub tuf_editor: panels::tuf_editor::TufEditor,
    pub lab: panels::lab::AttackLab,
    /// The replay's check (by index) is about this target, listed by this role.
    pub replay_target: Option<(usize, String, Option<String>)>,
    /// What the user asked for that would drop the editor's unsaved changes, awaiting an answer.
    pub unsaved_guard: Option<Command>,
    /// An open that failed while something else was open: shown as a banner over it.
    pub open_failure: Option<OpenFailure>,
    pub palette: panels::palette::Palette,
    /// Private key files signed with, most recent first (kept in the settings).
    pub signing_keys: Vec<PathBuf>,
    /// The signing dialog (layout or TUF role), when open.
    pub sign_dialog: Option<panels::sign_dialog::SignDialog>,
    pub keys: panels::keys::KeysPanel,
    /// The form for verifying an opened Sigstore bundle.
    pub bundle_form: panels::inspector::BundleForm,
    /// How the opened bundle is verified (kept across reloads of it).
    pub bundle_check: Option<crate::sigstore::BundleCheck>,
}

/// What was asked to open and why it could not be.
#[derive(Debug, Clone)]
pub struct OpenFailure {
    pub input: String,
    pub error: Arc<WorkspaceError>,
}

/// What `open` clears for the new document, kept until the new one is in: a failed open
/// puts it back, so a typo never costs the user what they had open.
struct Kept {
    current: Option<String>,
    target: Option<String>,
    selection: Selection,
    search: Option<SearchView>,
    changes: Option<ChangeNote>,
    replay: Replay,
    change_view: Option<panels::replay::ChangeView>,
    allowed_inspections: Option<Vec<Vec<String>>>,
    written_this_run: bool,
    fit_pending: bool,
}

impl AppState {
    pub fn workspace(&self) -> Option<&Workspace> {
        match &self.loaded {
            Some(Ok(workspace)) => Some(workspace),
            _ => None,
        }
    }
}

enum Event {
    Loaded {
        generation: u64,
        result: Box<Result<Workspace, WorkspaceError>>,
    },
    Dialog(DialogPurpose, DialogOutcome),
    FileChanged,
    /// The files of the open folder compared with the stamps its load took, once it is
    /// watched: `true` when something changed before the watch began.
    StampsChecked(bool),
    Screenshot(ScreenshotPurpose, Arc<egui::ColorImage>),
    Lab(Box<Result<panels::lab::LabDone, String>>),
    /// A bundled sample written into the samples folder (its path), for the open of this
    /// generation.
    SampleWritten {
        generation: u64,
        result: Result<String, crate::report::Report>,
    },
    /// The private keys the signing dialog offers.
    SigningKeys(Vec<crate::workspace::SigningKeyFile>),
    KeysDone(Result<KeysDone, String>),
    /// A TUF editor job done: the repository back from its worker, its status, what happened.
    TufEdited(Box<tuf_jobs::TufJobDone>),
    /// The layout editor's file work done.
    LayoutJob(Box<LayoutJobDone>),
    /// The attestation layout editor's file work done.
    AttestJob(Box<panels::attest_editor::AttestJobDone>),
}

#[derive(Debug, Clone, PartialEq)]
enum DialogPurpose {
    Open,
    Export(Picture),
    /// A key for the layout editor: the selected step's functionary, else a layout key.
    LayoutKey,
    /// A file to add as a target in the TUF editor.
    TufTarget,
    /// The private key for the signing dialog.
    SigningKey,
}

#[derive(Debug, Clone)]
enum ScreenshotPurpose {
    /// Crop to the picture's panel and save.
    Export(Picture, PathBuf),
    /// The whole window, then quit (`--screenshot`).
    Window(PathBuf),
}

pub struct ChainscopeApp {
    pub state: AppState,
    dialog: Arc<dyn FileDialog>,
    events_tx: Sender<Event>,
    events_rx: Receiver<Event>,
    generation: u64,
    cancel: Arc<AtomicBool>,
    progress: Arc<Mutex<Progress>>,
    /// What the loads of one input found for its TUF roles, so a reload re-checks only the
    /// roles that changed; replaced (and freed) when another input is opened.
    role_cache: Option<(String, Arc<crate::tuf::cache::RoleCache>)>,
    watcher: Option<watch::FolderWatcher>,
    /// Whether changes are watched on disk (notify), or only reported by hand
    /// ([`ChainscopeApp::files_changed`]), as headless tests do.
    watch_disk: bool,
    /// Events that arrived while [`ChainscopeApp::wait_for_worker`] waited, handled first.
    arrived: std::collections::VecDeque<Event>,
    reload_due: Option<Instant>,
    /// Reloading because files changed: list what changed once the load is in.
    reload_from_watch: bool,
    /// The check made once the folder was watched found files changed while the first load
    /// ran, which the watcher did not hear.
    stamps_changed: bool,
    pending: Vec<Command>,
    /// `--screenshot`: once loaded and drawn, save the window here and quit.
    screenshot_to: Option<PathBuf>,
    frames_since_loaded: u32,
    screenshot_requested: bool,
    /// The format of the export waiting for its dialog.
    export_extension: Option<&'static str>,
    fonts_installed: bool,
    last_replay_step: Instant,
    /// The load in flight opens something new: the replay starts at the beginning.
    fresh_open: bool,
    show_failure_when_loaded: bool,
    /// (process start, frames drawn) while the first-frame benchmark runs.
    first_frame_report: Option<(Instant, u32)>,
    /// While the reload benchmark runs.
    reload_report: Option<ReloadReport>,
    /// The user confirmed quitting (or nothing unsaved stood in the way).
    allow_close: bool,
    /// The load in flight is an attacked copy: once in, the replay goes to the failure.
    lab_jump_when_loaded: bool,
    /// What the open in flight cleared, to put back if it fails.
    kept: Option<Kept>,
    /// Where the samples opened from the menus are written, for as long as the window lives.
    samples_dir: Option<tempfile::TempDir>,
    /// The window title last set.
    title: String,
    /// A sample is being written on a worker, to be opened when it is.
    writing_sample: bool,
    /// The files are being compared with the load's stamps (see [`Event::StampsChecked`]).
    checking_stamps: bool,
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
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let dark = storage
            .and_then(|s| s.get_string(DARK_KEY))
            .is_none_or(|v| v != "false");
        let mut key_names = key_names::KeyNames::with_sample_keys();
        if let Some(saved) = storage.and_then(|s| s.get_string(KEY_NAMES_KEY)) {
            key_names.restore_aliases(&saved);
        }
        let tiles = storage
            .and_then(|s| s.get_string(TILES_KEY))
            .map_or_else(tiles::Arrangement::default, |saved| {
                tiles::Arrangement::restore(&saved)
            });
        ChainscopeApp {
            state: AppState {
                menu: MenuBar::default(),
                tree: TreePanel::default(),
                graph: GraphPanel::default(),
                details: DetailsPanel::default(),
                status: StatusBar {
                    message: "Ready.".into(),
                    hint: None,
                    busy: false,
                    progress: Progress::default(),
                    started: None,
                },
                tab: Tab::default(),
                tiles,
                help: None,
                key_names: Arc::new(key_names),
                loaded: None,
                selection: Selection::Nothing,
                search: None,
                changes: None,
                recent,
                dark,
                presentation: false,
                current: None,
                target: None,
                forget_under: None,
                now: None,
                replay: Replay::default(),
                replay_step: REPLAY_STEP,
                inspection_dialog: None,
                allowed_inspections: None,
                written_this_run: false,
                change_view: None,
                layout_editor: Default::default(),
                attest_editor: Default::default(),
                attest_unsaved_guard: None,
                tuf_editor: Default::default(),
                lab: Default::default(),
                replay_target: None,
                unsaved_guard: None,
                open_failure: None,
                palette: Default::default(),
                signing_keys: storage
                    .and_then(|s| s.get_string(SIGNING_KEYS_KEY))
                    .map(|text| {
                        text.lines()
                            .filter(|l| !l.is_empty())
                            .map(PathBuf::from)
                            .collect()
                    })
                    .unwrap_or_default(),
                sign_dialog: None,
                keys: Default::default(),
                bundle_form: Default::default(),
                bundle_check: None,
            },
            dialog,
            events_tx,
            events_rx,
            generation: 0,
            cancel: Arc::new(AtomicBool::new(false)),
            role_cache: None,
            progress: Arc::new(Mutex::new(Progress::default())),
            watcher: None,
            watch_disk: true,
            arrived: Default::default(),
            reload_due: None,
            reload_from_watch: false,
            stamps_changed: false,
            pending: Vec::new(),
            screenshot_to: None,
            frames_since_loaded: 0,
            screenshot_requested: false,
            export_extension: None,
            fonts_installed: false,
            last_replay_step: Instant::now(),
            fresh_open: false,
            show_failure_when_loaded: false,
            first_frame_report: None,
            reload_report: None,
            allow_close: false,
            lab_jump_when_loaded: false,
            kept: None,
            samples_dir: None,
            title: String::new(),
            writing_sample: false,
            checking_stamps: false,
        }
    }

    /// Queues a command as if a panel had pushed it (command line argument, tests).
    pub fn push(&mut self, command: Command) {
        self.pending.push(command);
    }

    pub fn is_busy(&self) -> bool {
        self.state.status.busy
            || !self.pending.is_empty()
            || self.reload_due.is_some()
            || self.state.replay.playing
            || self.state.lab.busy
            || self.state.tuf_editor.working.is_some()
            || self.state.layout_editor.working.is_some()
            || self.state.attest_editor.working
            || self.writing_sample
            || self.checking_stamps
            || self.state.keys.busy
    }

    fn apply(&mut self, command: Command, ctx: &egui::Context) {
        // Whatever would drop the editor's unsaved changes asks first.
        let drops_edits = matches!(
            command,
            Command::Editor(
                EditorCommand::New(_) | EditorCommand::FromOpened | EditorCommand::FromLinks(_)
            ) | Command::Quit
        );
        if drops_edits && self.state.layout_editor.is_dirty() {
            self.state.unsaved_guard = Some(command);
            return;
        }
        {
            use panels::attest_editor::AttestEditorCommand as A;
            let drops_attest_edits = matches!(
                command,
                Command::AttestEditor(A::New | A::FromOpened) | Command::Quit
            );
            if drops_attest_edits && self.state.attest_editor.is_dirty() {
                self.state.attest_unsaved_guard = Some(command);
                return;
            }
        }
        match command {
            Command::Open(input) => self.open(input, ctx),
            Command::Quit => {
                self.allow_close = true;
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
            Command::Editor(command) => self.editor(command, ctx),
            Command::AttestEditor(command) => self.attest_editor(command, ctx),
            Command::TufEditor(command) => self.tuf_editor(command, ctx),
            Command::Lab(command) => self.lab(command, ctx),
            Command::DismissOpenFailure => self.state.open_failure = None,
            Command::Palette(open) => {
                self.state.palette = panels::palette::Palette {
                    open,
                    ..Default::default()
                };
            }
            Command::BrowseForSigningKey => {
                self.ask_dialog(ctx, DialogPurpose::SigningKey, |dialog| dialog.pick_file());
            }
            Command::OpenSignDialog(purpose) => self.open_sign_dialog(purpose, ctx),
            Command::CloseSignDialog => self.state.sign_dialog = None,
            Command::Keys(command) => self.keys(command, ctx),
            Command::FocusFind => {
                ctx.memory_mut(|m| m.request_focus(panels::menu_bar::find_field_id()));
            }
            Command::Reload => {
                if let Some(input) = self.state.current.clone() {
                    self.start_load(input, ctx);
                }
            }
            Command::Cancel => {
                if self.state.status.busy {
                    self.cancel.store(true, Ordering::Relaxed);
                    // The worker stops at its next phase; its answer is no longer awaited.
                    self.generation += 1;
                    self.state.status.busy = false;
                    self.state.status.say("Loading cancelled.");
                }
            }
            Command::BrowseForFile | Command::BrowseForFolder => {
                let folder = command == Command::BrowseForFolder;
                self.ask_dialog(ctx, DialogPurpose::Open, move |dialog| {
                    if folder {
                        dialog.pick_folder()
                    } else {
                        dialog.pick_file()
                    }
                });
            }
            Command::BrowseForExport(picture, extension) => {
                self.export_extension = Some(extension);
                let name = format!("{}.{extension}", picture.file_stem());
                self.ask_dialog(ctx, DialogPurpose::Export(picture), move |dialog| {
                    dialog.save_file(&name)
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
            Command::TogglePresentation => {
                self.state.presentation = !self.state.presentation;
                let on = self.state.presentation;
                self.state.tiles.set_presentation(on);
                ctx.set_zoom_factor(if on { 1.6 } else { 1.0 });
                ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(on));
                self.state.graph.fit_pending = true;
            }
            Command::Select(selection) => self.state.selection = selection,
            Command::ShowTab(tab) => self.state.tab = tab,
            Command::ShowHelp(help) => self.state.help = help,
            Command::NameKeyAfterFile(keyid, file) => {
                Arc::make_mut(&mut self.state.key_names).learn_key_file(&keyid, &file);
                self.state.open_failure = None;
                self.state
                    .status
                    .say(format!("Keys are named after {file}."));
            }
            Command::NameKey(keyid, name) => {
                Arc::make_mut(&mut self.state.key_names).set_alias(&keyid, &name);
            }
            Command::OpenSample(name) => self.open_sample(&name, ctx),
            Command::CompareLayouts(on) => {
                self.state.graph.compare = on;
                self.state.graph.fit_pending = true;
            }
            Command::SetReplayStep(step) => self.state.replay_step = step,
            Command::ShowPane(tiles::Pane::View(tab)) => self.state.tab = tab,
            Command::ShowPane(pane) => self.state.tiles.bring_forward(pane),
            Command::SetPaneHidden(pane, hidden) => self.state.tiles.set_hidden(pane, hidden),
            Command::ResetArrangement => self.state.tiles.reset(),
            Command::FindTarget(path) => self.find_target(path.trim()),
            Command::ChooseTarget(target) => {
                self.state.target = Some(target);
                if let Some(input) = self.state.current.clone() {
                    self.start_load(input, ctx);
                }
            }
            Command::ToggleBins(delegator) => {
                if !self.state.tree.expanded_bins.remove(&delegator) {
                    self.state.tree.expanded_bins.insert(delegator);
                }
            }
            Command::FitGraph => self.state.graph.fit_pending = true,
            Command::Export(picture, path) => self.export(picture, path, ctx),
            Command::Replay(command) => self.replay(command),
            Command::AskRunInspections => {
                self.state.inspection_dialog = self
                    .state
                    .workspace()
                    .and_then(|w| w.layout.as_ref())
                    .and_then(|l| l.layout.as_ref())
                    .map(crate::workspace::inspection_commands);
            }
            Command::ConfirmInspections => {
                self.state.allowed_inspections = self.state.inspection_dialog.take();
                if let Some(input) = self.state.current.clone() {
                    self.start_load(input, ctx);
                }
            }
            Command::DismissInspections => self.state.inspection_dialog = None,
            Command::VerifyBundle(check) => {
                self.state.bundle_check = Some(check);
                if let Some(input) = self.state.current.clone() {
                    self.start_load(input, ctx);
                }
            }
            Command::ShowChange(path) => {
                self.state.change_view = path.and_then(|path| {
                    let workspace = self.state.workspace()?;
                    let comparison = workspace.changes.iter().find(|c| c.path == path)?;
                    Some(panels::replay::ChangeView::of(comparison))
                });
            }
        }
    }

    fn editor(&mut self, command: EditorCommand, ctx: &egui::Context) {
        use crate::edit::templates::Template;
        let now = self.state.now.unwrap_or_else(UtcTime::now);
        let outcome: Option<(bool, String)> = match command {
            EditorCommand::New(template) => {
                // A year from now, as in-toto's own examples do.
                let expires = UtcTime::from_unix(now.unix() + 365 * 24 * 60 * 60);
                let editor = &mut self.state.layout_editor;
                let document = match template {
                    Some(template) => Template::document(template, expires),
                    None => Ok(crate::edit::layout::LayoutDocument::new(
                        expires,
                        crate::crypto::signed::EnvelopeKind::Legacy,
                    )),
                };
                match document {
                    Ok(document) => {
                        editor.document = Some(document);
                        editor.set_saved(None);
                        editor.selected = None;
                        editor.graph.fit_pending = true;
                        self.state.tab = Tab::LayoutEditor;
                        Some(editor_message(
                            true,
                            "New layout: nothing saved yet.".into(),
                        ))
                    }
                    Err(e) => Some(editor_message(false, crate::report::with_hint(&e))),
                }
            }
            EditorCommand::FromOpened => {
                let opened = self
                    .state
                    .workspace()
                    .and_then(|w| w.layout.as_ref())
                    .map(|l| (l.layout.clone(), l.source.clone()));
                let editor = &mut self.state.layout_editor;
                match opened {
                    Some((None, source)) => Some(editor_message(
                        false,
                        format!(
                            "{source} is an ITE-10 attestation layout; the layout editor edits in-toto 1.0 layouts."
                        ),
                    )),
                    Some((Some(layout), source)) => {
                        let document = crate::edit::layout::LayoutDocument::from_layout(
                            layout,
                            crate::crypto::signed::EnvelopeKind::Legacy,
                        );
                        editor.set_saved(Some(document.to_bytes()));
                        editor.document = Some(document);
                        editor.selected = None;
                        editor.graph.fit_pending = true;
                        self.state.tab = Tab::LayoutEditor;
                        Some(editor_message(
                            true,
                            format!(
                                "Editing a copy of {source}; its signatures are not carried over."
                            ),
                        ))
                    }
                    None => None,
                }
            }
            EditorCommand::Apply(action) => {
                self.state.layout_editor.document.as_mut().map(|document| {
                    match document.apply(action) {
                        Ok(()) => (true, "Changed.".into()),
                        Err(e) => (false, format!("Not changed: {e}")),
                    }
                })
            }
            EditorCommand::Undo => self
                .state
                .layout_editor
                .document
                .as_mut()
                .map(|d| history_said(d.undo(), "Undone.", "Nothing to undo.")),
            EditorCommand::Redo => self
                .state
                .layout_editor
                .document
                .as_mut()
                .map(|d| history_said(d.redo(), "Redone.", "Nothing to redo.")),
            EditorCommand::Select(owner) => {
                self.state.layout_editor.selected = owner;
                self.state.layout_editor.command_text.clear();
                None
            }
            EditorCommand::AddFunctionary { step, key_file } => self.layout_job(
                LayoutJob::PublicKey {
                    step: Some(step),
                    key_file,
                },
                ctx,
            ),
            EditorCommand::AddKey(key_file) => self.layout_job(
                LayoutJob::PublicKey {
                    step: None,
                    key_file,
                },
                ctx,
            ),
            EditorCommand::Sign {
                key_file,
                passphrase,
            } => self.layout_job(
                LayoutJob::SigningKey {
                    key_file,
                    passphrase,
                },
                ctx,
            ),
            EditorCommand::Save(path) => self.save_job(path, false, ctx),
            EditorCommand::ExportBytes(path) => {
                let bytes = self
                    .state
                    .layout_editor
                    .document
                    .as_ref()
                    .map(|document| document.bytes_to_sign());
                match bytes {
                    Some(Ok(bytes)) => self.layout_job(LayoutJob::ExportBytes { path, bytes }, ctx),
                    Some(Err(e)) => Some((false, format!("Cannot encode the layout: {e}"))),
                    None => None,
                }
            }
            EditorCommand::ImportSignature {
                signature_file,
                key_file,
            } => self.layout_job(
                LayoutJob::Signature {
                    signature_file,
                    key_file,
                },
                ctx,
            ),
            EditorCommand::FromLinks(folder) => {
                let expires = UtcTime::from_unix(now.unix() + 365 * 24 * 60 * 60);
                self.layout_job(LayoutJob::Draft { folder, expires }, ctx)
            }
            EditorCommand::SetEnvelope(kind) => {
                self.state.layout_editor.document.as_mut().map(|document| {
                    document.set_envelope(kind);
                    (
                        true,
                        format!(
                            "The layout will be written as {}.",
                            match kind {
                                crate::crypto::signed::EnvelopeKind::Legacy =>
                                    "a signed/signatures envelope",
                                crate::crypto::signed::EnvelopeKind::Dsse => "a DSSE envelope",
                            }
                        ),
                    )
                })
            }
            EditorCommand::BrowseForKey => {
                self.ask_dialog(ctx, DialogPurpose::LayoutKey, |dialog| dialog.pick_file());
                None
            }

            EditorCommand::AskSave(path) => {
                let now = self.state.now.unwrap_or_else(UtcTime::now);
                let concerns = self.state.layout_editor.save_concerns(now);
                if concerns.is_empty() {
                    self.editor(EditorCommand::Save(path), ctx);
                } else {
                    self.state.layout_editor.save_confirm =
                        Some(panels::layout_editor::SaveConfirm { path, concerns });
                }
                None
            }
            EditorCommand::ConfirmSave => {
                if let Some(confirm) = self.state.layout_editor.save_confirm.take() {
                    self.editor(EditorCommand::Save(confirm.path), ctx);
                }
                None
            }
            EditorCommand::CancelSave => {
                self.state.layout_editor.save_confirm = None;
                None
            }
            EditorCommand::SaveAndContinue => {
                let path = PathBuf::from(self.state.layout_editor.save_path.trim());
                self.save_job(path, true, ctx)
            }
            EditorCommand::DiscardAndContinue => {
                if let Some(command) = self.state.unsaved_guard.take() {
                    self.state.layout_editor.set_saved(None);
                    self.state.layout_editor.document = None;
                    self.apply(command, ctx);
                }
                None
            }
            EditorCommand::KeepEditing => {
                self.state.unsaved_guard = None;
                None
            }
        };
        self.editor_said(outcome);
    }

    fn editor_said(&mut self, outcome: Option<(bool, String)>) {
        if let Some(message) = outcome {
            // A failed signature is told in the signing dialog, which stays open.
            match &mut self.state.sign_dialog {
                Some(dialog) if !message.0 => {
                    dialog.signing = false;
                    dialog.error = Some(message.1.clone());
                }
                _ => {}
            }
            self.state.layout_editor.message = Some(message);
        }
    }

    /// Writes the layout as it is now to `path` on a worker; `then_continue`: the unsaved
    /// guard's Save, which goes on with what it held back once saved.
    fn save_job(
        &mut self,
        path: PathBuf,
        then_continue: bool,
        ctx: &egui::Context,
    ) -> Option<(bool, String)> {
        let bytes = self.state.layout_editor.document.as_ref()?.to_bytes();
        self.layout_job(
            LayoutJob::Save {
                path,
                bytes,
                then_continue,
            },
            ctx,
        )
    }

    fn attest_editor(
        &mut self,
        command: panels::attest_editor::AttestEditorCommand,
        ctx: &egui::Context,
    ) {
        use crate::edit::attest_layout::AttestLayoutDocument;
        use panels::attest_editor::{AttestEditorCommand as A, AttestJob};
        let now = self.state.now.unwrap_or_else(UtcTime::now);
        let message: Option<(bool, String)> = match command {
            A::New => {
                // A year from now, as the in-toto layout editor starts one.
                let expires = UtcTime::from_unix(now.unix() + 365 * 24 * 60 * 60);
                let editor = &mut self.state.attest_editor;
                editor.start(AttestLayoutDocument::new(expires), false);
                editor.save_path.clear();
                self.state.tab = Tab::LayoutEditor;
                Some((true, "New ITE-10 layout: nothing saved yet.".into()))
            }
            A::FromOpened => {
                let layout_file = match self.state.workspace().map(|w| &w.source) {
                    Some(crate::workspace::Source::AttestationFolder { layout, .. }) => {
                        Some(layout.clone())
                    }
                    _ => None,
                };
                match layout_file {
                    None => Some((
                        false,
                        "What is open is not a folder of attestations with an ITE-10 layout."
                            .into(),
                    )),
                    Some(path) => {
                        self.state.tab = Tab::LayoutEditor;
                        self.attest_job(AttestJob::Open(path), ctx);
                        None
                    }
                }
            }
            A::Open(path) => {
                self.state.tab = Tab::LayoutEditor;
                self.attest_job(AttestJob::Open(path), ctx);
                None
            }
            A::Apply(action) => self.state.attest_editor.document.as_mut().map(|document| {
                match document.apply(action) {
                    Ok(()) => (true, "Changed.".into()),
                    Err(e) => (false, format!("Not changed: {e}")),
                }
            }),
            A::Undo => self
                .state
                .attest_editor
                .document
                .as_mut()
                .map(|d| history_said(d.undo(), "Undone.", "Nothing to undo.")),
            A::Redo => self
                .state
                .attest_editor
                .document
                .as_mut()
                .map(|d| history_said(d.redo(), "Redone.", "Nothing to redo.")),
            A::Select(step) => {
                self.state.attest_editor.selected = step;
                None
            }
            A::Show(shown) => {
                self.state.attest_editor.shown = shown;
                self.state.tab = Tab::LayoutEditor;
                None
            }
            A::AddFunctionary(path) => {
                self.attest_job(AttestJob::Key(path), ctx);
                None
            }
            A::Sign {
                key_file,
                passphrase,
            } => {
                self.attest_job(
                    AttestJob::SigningKey {
                        key_file,
                        passphrase,
                    },
                    ctx,
                );
                None
            }
            A::Save(path) => {
                self.attest_save(path, ctx);
                None
            }
            A::SaveAndContinue => {
                let path = PathBuf::from(self.state.attest_editor.save_path.trim());
                self.attest_save(path, ctx);
                None
            }
            A::DiscardAndContinue => {
                if let Some(command) = self.state.attest_unsaved_guard.take() {
                    self.state.attest_editor = Default::default();
                    self.apply(command, ctx);
                }
                None
            }
            A::KeepEditing => {
                self.state.attest_unsaved_guard = None;
                None
            }
        };
        if message.is_some() {
            self.state.attest_editor.message = message;
        }
    }

    fn attest_save(&mut self, path: PathBuf, ctx: &egui::Context) {
        if let Some(document) = &self.state.attest_editor.document {
            let job = panels::attest_editor::AttestJob::Save {
                path,
                form: Box::new(document.saved_form()),
                bytes: document.file_bytes(),
            };
            self.attest_job(job, ctx);
        }
    }

    fn attest_job(&mut self, job: panels::attest_editor::AttestJob, ctx: &egui::Context) {
        let editor = &mut self.state.attest_editor;
        if editor.working {
            editor.message = Some((false, "Wait: the last save or key read is not done.".into()));
            return;
        }
        editor.working = true;
        let tx = self.events_tx.clone();
        let repaint = ctx.clone();
        std::thread::spawn(move || {
            let _ = tx.send(Event::AttestJob(Box::new(panels::attest_editor::run(job))));
            repaint.request_repaint();
        });
    }

    fn attest_job_done(&mut self, done: panels::attest_editor::AttestJobDone, ctx: &egui::Context) {
        use crate::edit::attest_layout::AttestAction;
        use panels::attest_editor::AttestJobDone;
        self.state.attest_editor.working = false;
        let message = match done {
            AttestJobDone::Opened(path, Ok(document)) => {
                let editor = &mut self.state.attest_editor;
                editor.start(*document, true);
                editor.save_path = path.display().to_string();
                (true, format!("Editing {}.", path.display()))
            }
            AttestJobDone::Opened(_, Err(message)) => (false, message),
            AttestJobDone::Key(path, Ok(key)) => {
                self.learn_key_file_name(key.keyid(), &path);
                let name = self.state.key_names.label(key.keyid());
                match self.state.attest_editor.document.as_mut() {
                    Some(document) => match document.apply(AttestAction::AddFunctionary(key)) {
                        Ok(()) => (true, format!("Added {name} as a functionary.")),
                        Err(e) => (false, format!("Not changed: {e}")),
                    },
                    None => return,
                }
            }
            AttestJobDone::Key(_, Err(message)) => (false, message),
            AttestJobDone::SigningKey(key_file, Ok(key)) => {
                let Some(document) = self.state.attest_editor.document.as_mut() else {
                    self.state.sign_dialog = None;
                    return;
                };
                match document.sign(&key) {
                    Ok(report) => {
                        self.learn_key_file_name(key.public().keyid(), &key_file);
                        let summary = self.state.key_names.in_text(&report.summary());
                        self.signed_with(&key_file);
                        (true, format!("Layout {summary}: save to write it."))
                    }
                    Err(e) => self.attest_sign_failed(format!("Not signed: {e}")),
                }
            }
            AttestJobDone::SigningKey(_, Err(message)) => self.attest_sign_failed(message),
            AttestJobDone::Saved {
                path,
                form,
                result: Ok(()),
            } => {
                // Edits made while it was written leave the editor dirty, as they are.
                self.state.attest_editor.set_saved(*form);
                let message = (true, format!("Saved {}.", path.display()));
                if !self.state.attest_editor.is_dirty()
                    && let Some(command) = self.state.attest_unsaved_guard.take()
                {
                    self.state.attest_editor.message = Some(message);
                    self.apply(command, ctx);
                    return;
                }
                message
            }
            AttestJobDone::Saved {
                result: Err(message),
                ..
            } => (false, message),
        };
        self.state.attest_editor.message = Some(message);
    }

    /// A signature the attestation editor could not make: told in the signing dialog, which
    /// stays open for another key or passphrase, and in the editor.
    fn attest_sign_failed(&mut self, message: String) -> (bool, String) {
        if let Some(dialog) = &mut self.state.sign_dialog {
            dialog.signing = false;
            dialog.error = Some(message.clone());
        }
        (false, message)
    }

    /// Starts the layout editor's file work on a worker; `Some` message when refused.
    fn layout_job(&mut self, job: LayoutJob, ctx: &egui::Context) -> Option<(bool, String)> {
        let editor = &mut self.state.layout_editor;
        if let Some(doing) = editor.working {
            return Some((false, format!("Wait: {doing}")));
        }
        editor.working = Some(job.doing());
        let tx = self.events_tx.clone();
        let repaint = ctx.clone();
        std::thread::spawn(move || {
            let _ = tx.send(Event::LayoutJob(Box::new(job.run())));
            repaint.request_repaint();
        });
        None
    }

    /// The layout editor's file work back from its worker, applied to the document as it
    /// is now.
    fn layout_job_done(&mut self, done: LayoutJobDone, ctx: &egui::Context) {
        use crate::edit::layout::LayoutAction;
        self.state.layout_editor.working = None;
        let message = match done {
            LayoutJobDone::PublicKey {
                step,
                key_file,
                result: Ok(key),
            } => {
                // The key is called after its file from now on (alice.pub is alice).
                self.learn_key_file_name(key.keyid(), &key_file);
                let name = self.state.key_names.label(key.keyid());
                let action = match &step {
                    Some(step) => LayoutAction::AddFunctionary {
                        step: step.clone(),
                        key: key.clone(),
                    },
                    None => LayoutAction::AddKey(key.clone()),
                };
                self.state.layout_editor.document.as_mut().map(|document| {
                    match (document.apply(action), step) {
                        (Ok(()), Some(step)) => (true, format!("{name} may now sign {step}.")),
                        (Ok(()), None) => (true, format!("Key {name} added.")),
                        (Err(e), _) => (false, format!("Not changed: {e}")),
                    }
                })
            }
            LayoutJobDone::SigningKey {
                key_file,
                result: Ok(key),
            } => self
                .state
                .layout_editor
                .document
                .as_mut()
                .map(|document| document.sign(&key))
                .map(|signed| match signed {
                    Ok(signed) => {
                        self.learn_key_file_name(key.public().keyid(), &key_file);
                        let summary = self.state.key_names.in_text(&signed.summary());
                        self.signed_with(&key_file);
                        (true, format!("Layout {summary}."))
                    }
                    Err(e) => (false, format!("Not signed: {e}")),
                }),
            LayoutJobDone::Signature(Ok((key, signature))) => {
                self.state.layout_editor.document.as_mut().map(|document| {
                    match document.import_signature(&key, &signature) {
                        Ok(report) => (true, format!("Signature imported: {}.", report.summary())),
                        Err(e) => (false, format!("Signature refused: {e}")),
                    }
                })
            }
            LayoutJobDone::Saved {
                path,
                bytes,
                then_continue,
                result: Ok(()),
            } => {
                // Edits made while it was written leave the editor dirty, as they are.
                self.state.layout_editor.set_saved(Some(bytes));
                self.state.layout_editor.message =
                    Some((true, format!("Saved {}.", path.display())));
                if then_continue
                    && !self.state.layout_editor.is_dirty()
                    && let Some(command) = self.state.unsaved_guard.take()
                {
                    self.apply(command, ctx);
                }
                return;
            }
            LayoutJobDone::Exported {
                path,
                len,
                result: Ok(()),
            } => Some((
                true,
                format!("Wrote the {len} bytes to sign to {}.", path.display()),
            )),
            LayoutJobDone::Draft {
                folder,
                result: Ok(draft),
            } => {
                let editor = &mut self.state.layout_editor;
                editor.document = Some(draft.document);
                editor.set_saved(None);
                editor.selected = None;
                editor.graph.fit_pending = true;
                self.state.tab = Tab::LayoutEditor;
                let mut message = format!("Drafted from the links in {}.", folder.display());
                for note in draft.notes {
                    message.push(' ');
                    message.push_str(&note);
                }
                Some((true, message))
            }
            LayoutJobDone::PublicKey { result: Err(e), .. }
            | LayoutJobDone::SigningKey { result: Err(e), .. }
            | LayoutJobDone::Signature(Err(e))
            | LayoutJobDone::Saved { result: Err(e), .. }
            | LayoutJobDone::Exported { result: Err(e), .. }
            | LayoutJobDone::Draft { result: Err(e), .. } => Some((false, e)),
        };
        self.editor_said(message);
    }

    /// Looks for private keys on a worker: the recently used ones, then those beside what is
    /// open and where the layout is saved.
    fn open_sign_dialog(&mut self, purpose: panels::sign_dialog::SignFor, ctx: &egui::Context) {
        let envelope = self
            .state
            .layout_editor
            .document
            .as_ref()
            .map_or(crate::crypto::signed::EnvelopeKind::Legacy, |d| {
                d.signed().kind
            });
        let tuf = matches!(purpose, panels::sign_dialog::SignFor::TufRole { .. });
        let attest = purpose == panels::sign_dialog::SignFor::AttestLayout;
        self.state.sign_dialog = Some(panels::sign_dialog::SignDialog::new(purpose, envelope));
        let recent = self.state.signing_keys.clone();
        // Files or folders, turned into folders on the worker (telling which is I/O); a
        // `keys/` folder is looked in only when it is one.
        let mut places: Vec<PathBuf> = Vec::new();
        let mut key_folders: Vec<PathBuf> = Vec::new();
        if let Some(current) = &self.state.current
            && !current.starts_with("http")
        {
            places.push(PathBuf::from(current));
        }
        let save = if attest {
            self.state.attest_editor.save_path.trim()
        } else {
            self.state.layout_editor.save_path.trim()
        };
        // Where the layout is saved, and the keys/ of the project around that folder (a
        // chain's final-product folder holds no private keys).
        if !save.is_empty() && !tuf {
            let save = PathBuf::from(save);
            if let Some(project) = save.parent().and_then(Path::parent) {
                key_folders.push(project.join("keys"));
            }
            places.push(save);
        }
        let repository = self
            .state
            .tuf_editor
            .repo
            .as_ref()
            .filter(|_| tuf)
            .map(|repo| repo.dir().to_path_buf());
        places.extend(
            recent
                .iter()
                .filter_map(|p| p.parent().map(Path::to_path_buf)),
        );
        let tx = self.events_tx.clone();
        let repaint = ctx.clone();
        std::thread::spawn(move || {
            let mut dirs: Vec<PathBuf> = Vec::new();
            let folders = repository
                .iter()
                .flat_map(|dir| crate::workspace::repository_key_folders(dir))
                .chain(key_folders.into_iter().filter(|dir| dir.is_dir()));
            for place in places {
                let dir = if place.is_dir() {
                    Some(place)
                } else {
                    place
                        .parent()
                        .filter(|p| !p.as_os_str().is_empty())
                        .map(Path::to_path_buf)
                };
                if let Some(dir) = dir.filter(|dir| !dirs.contains(dir)) {
                    dirs.push(dir);
                }
            }
            for dir in folders {
                if !dirs.contains(&dir) {
                    dirs.push(dir);
                }
            }
            let keys = crate::workspace::signing_key_files(&recent, &dirs);
            let _ = tx.send(Event::SigningKeys(keys));
            repaint.request_repaint();
        });
    }

    /// Runs a keys-view job on a worker.
    fn keys(&mut self, command: KeysCommand, ctx: &egui::Context) {
        let export_key = match &command {
            KeysCommand::Export { keyid, .. } => {
                let key = self
                    .state
                    .workspace()
                    .and_then(|w| w.keys.iter().find(|k| &k.keyid == keyid))
                    .and_then(|k| k.key.clone());
                if key.is_none() {
                    self.state.keys.message = Some((
                        false,
                        "That key is no longer listed by what is open.".into(),
                    ));
                    return;
                }
                key
            }
            _ => None,
        };
        self.state.keys.busy = true;
        self.state.keys.message = None;
        let tx = self.events_tx.clone();
        let repaint = ctx.clone();
        std::thread::spawn(move || {
            let file_name = |path: &Path| {
                path.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            };
            let result = match command {
                KeysCommand::Generate { file, passphrase } => crate::keyring::generate_key_files(
                    &file,
                    crate::crypto::private::KeyType::Ed25519,
                    passphrase.as_ref().map(crate::crypto::Passphrase::expose),
                )
                .map(|key| KeysDone {
                    message: format!(
                        "Wrote {} (private{}) and {}.pub; keyid {}.",
                        file.display(),
                        if passphrase.is_some() {
                            ", encrypted"
                        } else {
                            ""
                        },
                        file.display(),
                        key.keyid()
                    ),
                    named: Some((key.keyid().to_owned(), file_name(&file))),
                })
                .map_err(|e| crate::report::with_hint(&e)),
                KeysCommand::Import(path) => crate::crypto::keyfile::read_key_file(&path, None)
                    .map(|file| {
                        let keyid = file.public().keyid().to_owned();
                        KeysDone {
                            message: format!("{} holds key {keyid}.", path.display()),
                            named: Some((keyid, file_name(&path))),
                        }
                    })
                    .map_err(|e| crate::report::with_hint(&e)),
                KeysCommand::Export { path, .. } => match export_key {
                    Some(key) => crate::keyring::write_new_file(
                        &path,
                        crate::keyring::public_key_file(&key).as_bytes(),
                    )
                    .map(|()| KeysDone {
                        message: format!("Wrote the public key to {}.", path.display()),
                        named: None,
                    })
                    .map_err(|e| crate::report::with_hint(&e)),
                    None => Err("no key".into()),
                },
            };
            let _ = tx.send(Event::KeysDone(result));
            repaint.request_repaint();
        });
    }

    fn keys_done(&mut self, result: Result<KeysDone, String>) {
        self.state.keys.busy = false;
        match result {
            Ok(done) => {
                let mut message = done.message;
                if let Some((keyid, file)) = done.named {
                    Arc::make_mut(&mut self.state.key_names).learn_key_file(&keyid, &file);
                    let name = self.state.key_names.label(&keyid);
                    let serves = self
                        .state
                        .workspace()
                        .and_then(|w| w.keys.iter().find(|k| k.keyid == keyid))
                        .map(panels::keys::duties_text);
                    message.push_str(&match serves {
                        Some(serves) => format!(" Named {name}; it serves {serves}."),
                        None => format!(" Named {name}; nothing open uses it."),
                    });
                }
                self.state.keys.message = Some((true, message));
                zeroize::Zeroize::zeroize(&mut self.state.keys.passphrase);
            }
            Err(message) => self.state.keys.message = Some((false, message)),
        }
    }

    /// Names a key after the file it was read from, unless it has a stronger name.
    fn learn_key_file_name(&mut self, keyid: &str, path: &Path) {
        if let Some(file) = path.file_name() {
            Arc::make_mut(&mut self.state.key_names).learn_key_file(keyid, &file.to_string_lossy());
        }
    }

    /// The key signed: the dialog closes and the key goes first among the recent ones.
    fn signed_with(&mut self, key_file: &Path) {
        self.state.sign_dialog = None;
        let keys = &mut self.state.signing_keys;
        keys.retain(|k| k != key_file);
        keys.insert(0, key_file.to_path_buf());
        keys.truncate(MAX_RECENT);
    }

    fn tuf_editor(&mut self, command: TufEditorCommand, ctx: &egui::Context) {
        self.state.tab = Tab::TufEditor;
        let editor = &mut self.state.tuf_editor;
        match command {
            TufEditorCommand::BrowseForTarget => {
                self.ask_dialog(ctx, DialogPurpose::TufTarget, |dialog| dialog.pick_file());
                return;
            }
            TufEditorCommand::CancelPublish => {
                editor.publish_confirm = None;
                return;
            }
            TufEditorCommand::ConfirmPublish => {
                if let Some(confirm) = editor.publish_confirm.take() {
                    self.tuf_editor(
                        TufEditorCommand::Publish {
                            online_keys: confirm.keys_to_sign_with(),
                        },
                        ctx,
                    );
                }
                return;
            }
            _ => {}
        }
        if let Some(doing) = &editor.working {
            let message = format!("Wait: {doing}");
            if let Some(dialog) = &mut self.state.sign_dialog {
                dialog.error = Some(message.clone());
            }
            editor.message = Some((false, message));
            return;
        }
        // Every edit reads or writes files (thousands of bins take seconds to hash and
        // sign): off the UI thread, the repository handed to the worker and back.
        let now = self.state.now.unwrap_or_else(UtcTime::now);
        let key_names = Arc::clone(&self.state.key_names);
        let recent_keys = self.state.signing_keys.clone();
        let signing_with = match &command {
            TufEditorCommand::Sign { key_file, .. } => Some(key_file.clone()),
            _ => None,
        };
        let opening = match &command {
            TufEditorCommand::Open(dir) => Some(dir.clone()),
            _ => None,
        };
        editor.working = Some(tuf_jobs::doing(&command));
        let mut repo = editor.repo.take();
        let tx = self.events_tx.clone();
        let repaint = ctx.clone();
        std::thread::spawn(move || {
            let outcome = tuf_jobs::run(command, &mut repo, now, &key_names, &recent_keys);
            let status = repo
                .as_ref()
                .map(|repo| repo.status(now).unwrap_or_default())
                .unwrap_or_default();
            let root_keys = repo
                .as_ref()
                .and_then(|repo| repo.current_root().ok())
                .map(|root| root.keys.into_values().collect())
                .unwrap_or_default();
            let key_files = opening
                .iter()
                .flat_map(|dir| crate::workspace::repository_key_folders(dir))
                .flat_map(|folder| crate::workspace::key_files_in(&folder))
                .collect();
            let _ = tx.send(Event::TufEdited(Box::new(tuf_jobs::TufJobDone {
                repo,
                status,
                root_keys,
                key_files,
                outcome,
                signing_with,
            })));
            repaint.request_repaint();
        });
    }

    /// A TUF editor job back from its worker.
    fn tuf_edited(&mut self, done: tuf_jobs::TufJobDone) {
        let opened_keys: Vec<crate::crypto::PublicKey> = self
            .state
            .workspace()
            .map(|w| w.keys.iter().filter_map(|k| k.key.clone()).collect())
            .unwrap_or_default();
        if !done.key_files.is_empty() {
            Arc::make_mut(&mut self.state.key_names).learn_key_files(&done.key_files);
        }
        let editor = &mut self.state.tuf_editor;
        editor.working = None;
        editor.repo = done.repo;
        if editor.repo.is_some() {
            editor.status = done.status;
            // Bins share their keys: one entry per keyid.
            let mut known = std::collections::BTreeMap::new();
            let roles_keys = editor.status.iter().flat_map(|s| &s.keys);
            for key in done.root_keys.iter().chain(roles_keys).chain(&opened_keys) {
                if !known.contains_key(key.keyid()) {
                    known.insert(key.keyid().to_owned(), key.clone());
                }
            }
            editor.known_keys = known;
        }
        let outcome = done.outcome;
        if let Some(diff) = outcome.diff {
            editor.diff = Some(diff);
        }
        if let Some(confirm) = outcome.publish_confirm {
            editor.publish_confirm = Some(confirm);
            return;
        }
        // A signature from the signing dialog: done, it closes; refused, it says why.
        match (&outcome.result, done.signing_with) {
            (Ok(_), Some(key_file)) => self.signed_with(&key_file),
            (Err(message), Some(_)) => {
                if let Some(dialog) = &mut self.state.sign_dialog {
                    dialog.signing = false;
                    dialog.error = Some(message.clone());
                }
            }
            _ => {}
        }
        self.state.tuf_editor.message = Some(match outcome.result {
            Ok(message) => (true, message),
            Err(message) => (false, message),
        });
    }

    fn lab(&mut self, command: LabCommand, ctx: &egui::Context) {
        use panels::lab::LabJob;
        let lab = &mut self.state.lab;
        match command {
            LabCommand::Open => {
                lab.open = true;
                self.state.tiles.bring_forward(tiles::Pane::Lab);
                let lab = &mut self.state.lab;
                if lab.scratch.is_some() || lab.busy {
                    return;
                }
                match self.state.workspace().map(|w| &w.source) {
                    Some(
                        crate::workspace::Source::Sample { dir, .. }
                        | crate::workspace::Source::AttestationFolder { dir, .. },
                    ) => {
                        let job = LabJob::Start(dir.clone());
                        self.lab_job(job, ctx);
                    }
                    // The attestation chain distributed through TUF is a repository folder.
                    Some(crate::workspace::Source::Repository { repo }) if !repo.contains("://") => {
                        let job = LabJob::Start(PathBuf::from(repo));
                        self.lab_job(job, ctx);
                    }
                    _ => {
                        self.state.lab.note = Some(
                            "What is open is neither the talk-alice-bob demo nor its attestation sample: the lab needs one of them.".into(),
                        )
                    }
                }
            }
            LabCommand::OpenSample(sample) => {
                lab.open = true;
                self.state.tiles.bring_forward(tiles::Pane::Lab);
                let lab = &mut self.state.lab;
                if !lab.busy {
                    self.lab_job(LabJob::StartSample(sample), ctx);
                }
            }
            LabCommand::Close if lab.applied.is_some() => lab.confirm_close = true,
            LabCommand::KeepOpen => lab.confirm_close = false,
            LabCommand::Close | LabCommand::CloseConfirmed => {
                let before = lab.before.take();
                let showing_copy = lab.shows_lab_folder(self.state.current.as_deref());
                // The copy (and a demo written for the lab) go once nothing shows them.
                let closed = std::mem::take(lab);
                if showing_copy {
                    self.watcher = None;
                    match before {
                        Some(input) => self.open(input, ctx),
                        None => {
                            self.state.current = None;
                            self.state.loaded = None;
                        }
                    }
                }
                drop(closed);
            }
            LabCommand::Select(index) => {
                lab.selected = index.min(lab.attacks.len().saturating_sub(1))
            }
            LabCommand::Apply(index) => {
                let Some(attack) = lab.attacks.get(index).cloned() else {
                    return;
                };
                lab.selected = index;
                let Some(scratch) = lab.scratch.clone() else {
                    // The copy is still being made: the attack follows it.
                    if lab.busy {
                        lab.queued = Some(index);
                    }
                    return;
                };
                if lab.busy {
                    return;
                }
                lab.applied = None;
                let now = self.state.now.unwrap_or_else(UtcTime::now);
                self.lab_job(LabJob::Apply(scratch, Box::new(attack), now), ctx);
            }
            LabCommand::Reset => {
                let Some(scratch) = lab.scratch.clone() else {
                    return;
                };
                if lab.busy {
                    return;
                }
                lab.applied = None;
                self.lab_job(LabJob::Reset(scratch), ctx);
            }
            LabCommand::ShowCatch => self.replay(ReplayCommand::FirstFailure),
            LabCommand::ShowCopy => {
                self.lab_jump_when_loaded = true;
                self.open_lab_copy(ctx);
            }
        }
    }

    /// Copies, attacks and resets run on the worker; the copy is shown when they are done.
    fn lab_job(&mut self, job: panels::lab::LabJob, ctx: &egui::Context) {
        let rewrites_copy = matches!(
            job,
            panels::lab::LabJob::Apply(..) | panels::lab::LabJob::Reset(_)
        );
        if rewrites_copy
            && self
                .state
                .lab
                .shows_lab_folder(self.state.current.as_deref())
        {
            // The copy is about to be rewritten: that is not a change to report, and a load
            // of it still in flight reads files that are going away.
            self.watcher = None;
            self.reload_due = None;
            self.generation += 1;
        }
        let lab = &mut self.state.lab;
        lab.busy = true;
        lab.message = None;
        lab.note = None;
        let tx = self.events_tx.clone();
        let repaint = ctx.clone();
        std::thread::spawn(move || {
            let _ = tx.send(Event::Lab(Box::new(panels::lab::run(job))));
            repaint.request_repaint();
        });
    }

    fn lab_done(&mut self, result: Result<panels::lab::LabDone, String>, ctx: &egui::Context) {
        use panels::lab::LabDone;
        let lab = &mut self.state.lab;
        lab.busy = false;
        match result {
            Ok(LabDone::Started { scratch, demo }) => {
                if lab.attacks.first().map(|a| a.sample) != Some(scratch.sample()) {
                    lab.attacks = crate::attacks::attacks_on(scratch.sample());
                    lab.selected = 0;
                }
                lab.scratch = Some(scratch);
                lab.demo_dir = demo;
                lab.before = self.state.current.clone();
                match lab.queued.take() {
                    Some(index) => self.lab(LabCommand::Apply(index), ctx),
                    None => self.open_lab_copy(ctx),
                }
            }
            Ok(LabDone::Applied(view)) => {
                lab.applied = Some(*view);
                self.lab_jump_when_loaded = true;
                self.open_lab_copy(ctx);
            }
            Ok(LabDone::Reset) => {
                lab.message = Some((true, "The copy is the original again.".to_owned()));
                self.open_lab_copy(ctx);
            }
            Err(message) => {
                lab.queued = None;
                lab.message = Some((false, message));
            }
        }
    }

    fn open_lab_copy(&mut self, ctx: &egui::Context) {
        if let Some(scratch) = &self.state.lab.scratch {
            let path = scratch.path().display().to_string();
            self.open(path, ctx);
        }
    }

    fn replay(&mut self, command: ReplayCommand) {
        let Some(Ok(workspace)) = self.state.loaded.clone() else {
            return;
        };
        let Some(trace) = workspace.trace() else {
            return;
        };
        let replay = &mut self.state.replay;
        match command {
            ReplayCommand::Forward => {
                replay.playing = false;
                replay.forward(trace);
            }
            ReplayCommand::Back => replay.back(),
            ReplayCommand::Play => {
                // Playing from a failure or the end starts over.
                if replay.index + 1 >= trace.checks.len()
                    || trace.checks.get(replay.index).is_some_and(|c| c.failed())
                {
                    replay.index = 0;
                }
                replay.playing = true;
                self.last_replay_step = Instant::now();
            }
            ReplayCommand::Pause => replay.playing = false,
            ReplayCommand::FirstFailure => replay.first_failure(trace),
            ReplayCommand::To(index) => {
                replay.playing = false;
                replay.index = index.min(trace.checks.len().saturating_sub(1));
            }
            ReplayCommand::ToEnd => replay.to_end(trace),
        }
    }

    fn ask_dialog(
        &self,
        ctx: &egui::Context,
        purpose: DialogPurpose,
        ask: impl FnOnce(&dyn FileDialog) -> DialogOutcome + Send + 'static,
    ) {
        let dialog = Arc::clone(&self.dialog);
        let tx = self.events_tx.clone();
        let ctx = ctx.clone();
        std::thread::spawn(move || {
            let _ = tx.send(Event::Dialog(purpose, ask(dialog.as_ref())));
            ctx.request_repaint();
        });
    }

    /// Writes the sample `name` (the same bytes as sample-repos/) and opens it; chainscope
    /// wrote it in this run, so its inspections run without asking.
    /// Writes a bundled sample into the app's samples folder on a worker (tens of files,
    /// keys and signatures) and opens it when it is written.
    fn open_sample(&mut self, name: &str, ctx: &egui::Context) {
        if self.samples_dir.is_none() {
            match tempfile::Builder::new()
                .prefix("chainscope-samples-")
                .tempdir()
            {
                Ok(dir) => self.samples_dir = Some(dir),
                Err(error) => {
                    self.state.status.report(
                        &crate::report::Report::new("Could not make a folder for the samples")
                            .caused_by(&error),
                    );
                    return;
                }
            }
        }
        let Some(dir) = &self.samples_dir else {
            return;
        };
        let dir = dir.path().to_path_buf();
        let name = name.to_owned();
        self.state.status.say(format!("Writing the sample {name}…"));
        self.writing_sample = true;
        let generation = self.generation;
        let tx = self.events_tx.clone();
        let repaint = ctx.clone();
        std::thread::spawn(move || {
            let result = crate::samples::write_named(&dir, &name)
                .map(|_| dir.join(&name).display().to_string())
                .map_err(|error| {
                    crate::report::Report::new(format!("Could not write the sample {name}"))
                        .caused_by(&error)
                });
            let _ = tx.send(Event::SampleWritten { generation, result });
            repaint.request_repaint();
        });
    }

    fn sample_written(
        &mut self,
        generation: u64,
        result: Result<String, crate::report::Report>,
        ctx: &egui::Context,
    ) {
        self.writing_sample = false;
        // Something else was opened (or a load cancelled) meanwhile: that stays.
        if generation != self.generation {
            return;
        }
        match result {
            Ok(path) => self.open(path, ctx),
            Err(report) => self.state.status.report(&report),
        }
    }

    fn open(&mut self, input: String, ctx: &egui::Context) {
        self.state.menu.path_text = input.clone();
        self.state.menu.dialog_note = None;
        let lab_folder = |dir: &Path| Path::new(&input).starts_with(dir);
        // The demo written at start and the lab's copies: chainscope wrote them in this run.
        let written_this_run = self
            .state
            .forget_under
            .as_ref()
            .is_some_and(|dir| lab_folder(dir))
            || self
                .state
                .lab
                .scratch
                .as_ref()
                .is_some_and(|s| lab_folder(s.root()))
            || self
                .state
                .lab
                .demo_dir
                .as_ref()
                .is_some_and(|d| lab_folder(d.path()))
            || self
                .samples_dir
                .as_ref()
                .is_some_and(|d| lab_folder(d.path()));
        let change_view = self.state.change_view.take();
        self.kept = self.state.workspace().is_some().then(|| Kept {
            current: self.state.current.clone(),
            target: self.state.target.clone(),
            selection: self.state.selection.clone(),
            search: self.state.search.clone(),
            changes: self.state.changes.clone(),
            replay: self.state.replay,
            change_view,
            allowed_inspections: self.state.allowed_inspections.clone(),
            written_this_run: self.state.written_this_run,
            fit_pending: self.state.graph.fit_pending,
        });
        self.state.open_failure = None;
        self.state.written_this_run = written_this_run;
        if !written_this_run {
            self.state.recent.retain(|p| p != &input);
            self.state.recent.insert(0, input.clone());
            self.state.recent.truncate(MAX_RECENT);
        }
        self.state.current = Some(input.clone());
        self.state.target = None;
        self.state.selection = Selection::Nothing;
        self.state.search = None;
        self.state.changes = None;
        self.state.replay = Replay::default();
        self.state.change_view = None;
        self.fresh_open = true;
        self.reload_due = None;
        self.state.allowed_inspections = None;
        self.state.inspection_dialog = None;
        self.state.bundle_check = None;
        self.state.graph.fit_pending = true;
        self.watcher = None;
        self.start_load(input, ctx);
    }

    fn start_load(&mut self, input: String, ctx: &egui::Context) {
        self.generation += 1;
        let generation = self.generation;
        self.cancel = Arc::new(AtomicBool::new(false));
        *self.progress.lock().unwrap_or_else(|e| e.into_inner()) = Progress::default();
        self.state.status.busy = true;
        self.state.status.started = Some(Instant::now());
        self.state.status.say(format!("Loading {input} …"));
        let tx = self.events_tx.clone();
        let repaint = ctx.clone();
        let mut options = LoadOptions::new(self.state.now.unwrap_or_else(UtcTime::now));
        options.target = self.state.target.clone();
        options.allowed_inspections = self.state.allowed_inspections.clone();
        options.bundle_check = self.state.bundle_check.clone();
        options.written_this_run = self.state.written_this_run;
        options.cancel = Arc::clone(&self.cancel);
        options.role_cache = Some(match &self.role_cache {
            Some((cached_for, cache)) if *cached_for == input => Arc::clone(cache),
            _ => {
                let cache = Arc::new(crate::tuf::cache::RoleCache::new());
                self.role_cache = Some((input.clone(), Arc::clone(&cache)));
                cache
            }
        });
        // A reload of what the watcher watches: the stamps from the last load and what the
        // watcher heard change since, instead of a scan of every file.
        let touched = self.watcher.as_ref().and_then(|w| w.take_touched());
        if let (Some(touched), Some(Ok(workspace)), false) = (
            touched,
            &self.state.loaded,
            std::mem::take(&mut self.stamps_changed),
        ) {
            options.known_stamps = Some(crate::workspace::KnownStamps {
                before: Arc::clone(&workspace.files),
                touched,
            });
        }
        let progress = Arc::clone(&self.progress);
        let progress_ctx = ctx.clone();
        let started = Instant::now();
        options.progress = Arc::new(move |fraction, phase| {
            *progress.lock().unwrap_or_else(|e| e.into_inner()) = Progress {
                fraction,
                phase: phase.to_owned(),
            };
            // A load that ends soon is not drawn while it runs (the busy sign asks for the
            // frame that shows where it is once it has run that long).
            if started.elapsed() >= panels::QUIET_START {
                progress_ctx.request_repaint();
            }
        });
        std::thread::spawn(move || {
            let result = Box::new(detect(&input).and_then(|source| load(&source, &options)));
            let _ = tx.send(Event::Loaded { generation, result });
            repaint.request_repaint();
        });
    }

    /// Changes on disk are no longer watched; [`ChainscopeApp::files_changed`] reports them.
    /// Headless tests use it to say exactly when files changed instead of waiting on inotify.
    pub fn watch_by_hand(&mut self) {
        self.watch_disk = false;
        self.watcher = None;
    }

    /// What the file watcher sends when something under the open workspace changed.
    pub fn files_changed(&self) {
        let _ = self.events_tx.send(Event::FileChanged);
    }

    /// Blocks until something the app waits for arrives (a worker's answer, a file change) or
    /// its own next timer is due (the watch debounce, the replay's next step), at most
    /// `timeout`; returns at once when the next frame has work queued. What a headless test
    /// does between frames instead of sleeping: the wait ends on the event itself.
    pub fn wait_for_worker(&mut self, timeout: Duration) {
        if !self.pending.is_empty() || !self.arrived.is_empty() {
            return;
        }
        let now = Instant::now();
        let mut until = now + timeout;
        if let Some(due) = self.reload_due {
            until = until.min(due);
        }
        if self.state.replay.playing {
            until = until.min(self.last_replay_step + self.state.replay_step);
        }
        if let Ok(event) = self
            .events_rx
            .recv_timeout(until.saturating_duration_since(now))
        {
            self.arrived.push_back(event);
        }
    }

    /// Watches what the workspace was read from, so edits on disk show up.
    fn watch(&mut self, workspace: &Workspace, ctx: &egui::Context) {
        if !self.watch_disk {
            return;
        }
        let Some((dir, recursive)) = workspace.source.watch_root() else {
            self.watcher = None;
            return;
        };
        if self.watcher.is_some() {
            return;
        }
        let tx = self.events_tx.clone();
        let repaint = ctx.clone();
        let watcher = watch::FolderWatcher::new(&dir, recursive, move || {
            let _ = tx.send(Event::FileChanged);
            repaint.request_repaint();
        });
        match watcher {
            Ok(watcher) => {
                self.watcher = Some(watcher);
                // The load took the files' stamps before anything watched them: what changed
                // since (while the load ran) shows as other stamps now.
                self.checking_stamps = true;
                let loaded = Arc::clone(&workspace.files);
                let tx = self.events_tx.clone();
                let repaint = ctx.clone();
                std::thread::spawn(move || {
                    let changed = !crate::workspace::FileStamps::scan(&dir, recursive)
                        .changes_since(&loaded)
                        .is_empty();
                    let _ = tx.send(Event::StampsChecked(changed));
                    repaint.request_repaint();
                });
            }
            Err(e) => self
                .state
                .status
                .say(format!("Not watching {}: {e}", dir.display())),
        }
    }

    fn find_target(&mut self, path: &str) {
        if path.is_empty() {
            self.state.search = None;
            return;
        }
        let Some(workspace) = self.state.workspace() else {
            self.state
                .status
                .say("Open a TUF repository to search its targets.");
            return;
        };
        let Some(result) = workspace.search(path) else {
            self.state
                .status
                .say("This is not a TUF repository: no targets to search.");
            return;
        };
        let hops = match (&result.found, &workspace.tree) {
            (Some((_, _, chain)), Some(tree)) => tree.hops(chain),
            _ => Vec::new(),
        };
        if let Some((role, _, chain)) = &result.found {
            let role = role.clone();
            // The chain runs from targets down to the role: its delegator is the one before.
            let delegator = match chain.len() {
                0 | 1 => "root".to_owned(),
                n => chain[n - 2].clone(),
            };
            self.reveal_role(&role);
            // Details show the role that vouches, whatever was selected before.
            self.state.selection = Selection::Role { role, delegator };
            if !self.state.lab.open {
                self.state.tiles.bring_forward(tiles::Pane::Details);
            }
        }
        self.state.status.say(match &result.found {
            Some((role, _, _)) => format!("{path}: listed by {role}."),
            None => format!("{path}: nothing vouches for it."),
        });
        self.state.search = Some(SearchView { result, hops });
    }

    /// A bin: open its group in the tree and scroll to it.
    fn reveal_role(&mut self, role: &str) {
        let Some(workspace) = self.state.workspace() else {
            return;
        };
        let bin = workspace.tree.as_ref().and_then(|tree| {
            tree.rows.iter().find_map(|row| match row {
                crate::graph::tree::Row::Bins(b) => {
                    b.bin_of(role).map(|bin| (b.delegator.clone(), bin))
                }
                _ => None,
            })
        });
        if let Some((delegator, bin)) = bin {
            self.state.tree.expanded_bins.insert(delegator.clone());
            self.state.tree.scroll_to_bin = Some((delegator, bin));
        }
    }

    /// When the replay's check is about a target, the role that lists it is lit in the tree
    /// (its bin group opened once, when the replay arrives there).
    fn follow_replay_target(&mut self) {
        let index = self.state.replay.index;
        let path =
            self.state
                .workspace()
                .and_then(|w| match &w.trace()?.checks.get(index)?.subject {
                    crate::trace::Subject::Target { path } => Some(path.clone()),
                    _ => None,
                });
        let Some(path) = path else {
            self.state.replay_target = None;
            return;
        };
        if self
            .state
            .replay_target
            .as_ref()
            .is_some_and(|(at, _, _)| *at == index)
        {
            return;
        }
        let role = self
            .state
            .workspace()
            .and_then(|w| w.search(&path))
            .and_then(|result| result.found.map(|(role, _, _)| role));
        if let Some(role) = &role {
            self.reveal_role(role);
        }
        self.state.replay_target = Some((index, path, role));
    }

    fn export(&mut self, picture: Picture, path: PathBuf, ctx: &egui::Context) {
        let is_png = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("png"));
        if is_png {
            // The picture as drawn: a screenshot of the next frame, cropped to its panel.
            let tx = self.events_tx.clone();
            let repaint = ctx.clone();
            ctx.request_screenshot(move |image| {
                let _ = tx.send(Event::Screenshot(
                    ScreenshotPurpose::Export(picture, path),
                    image,
                ));
                repaint.request_repaint();
            });
            return;
        }
        let Some(workspace) = self.state.workspace() else {
            return;
        };
        let result = export::write_svg(workspace, picture, self.state.graph.compare, &path);
        self.state.status.say(match result {
            Ok(()) => format!("Exported {}.", path.display()),
            Err(e) => format!("Could not export: {e}"),
        });
    }

    /// With `--report-reloads`: prints how long the load that just came in took, its verdict
    /// and the memory now resident, then asks for the next reload, or quits after the last.
    fn report_reload(&mut self) {
        let Some(report) = &mut self.reload_report else {
            return;
        };
        let verdict = self
            .state
            .workspace()
            .and_then(|w| w.verdict())
            .map_or_else(|| "none".to_owned(), |v| format!("{v:?}"));
        println!(
            "{} {:.1} ms, verdict {verdict}, resident {:.1} MiB",
            if report.opened_next {
                "next".to_owned()
            } else if report.done == 0 {
                "load".to_owned()
            } else {
                format!("reload {}", report.done)
            },
            report.since.elapsed().as_secs_f64() * 1000.0,
            crate::memory::resident_mib().unwrap_or(0.0),
        );
        if report.done < report.reloads {
            report.done += 1;
            report.since = Instant::now();
            self.pending.push(Command::Reload);
        } else if let Some(next) = report.then_open.take() {
            report.opened_next = true;
            report.since = Instant::now();
            self.pending.push(Command::Open(next));
        } else {
            self.pending.push(Command::Quit);
        }
    }

    /// Drains worker results and file events. Called every frame before drawing.
    pub fn poll(&mut self, ctx: &egui::Context) {
        while let Some(event) = self
            .arrived
            .pop_front()
            .or_else(|| self.events_rx.try_recv().ok())
        {
            match event {
                Event::Loaded { generation, result } if generation == self.generation => {
                    self.loaded(*result, ctx);
                }
                Event::Loaded { .. } => {}
                Event::Dialog(purpose, DialogOutcome::Picked(path)) => match purpose {
                    DialogPurpose::Open => {
                        self.pending.push(Command::Open(path.display().to_string()))
                    }
                    DialogPurpose::Export(picture) => {
                        self.pending.push(Command::Export(picture, path))
                    }
                    DialogPurpose::LayoutKey => self.pending.push(self.layout_key(path)),
                    DialogPurpose::TufTarget => {
                        self.state.tuf_editor.target_file = path.display().to_string()
                    }
                    DialogPurpose::SigningKey => {
                        if let Some(dialog) = &mut self.state.sign_dialog {
                            dialog.path_text = path.display().to_string();
                            dialog.error = None;
                        }
                    }
                },
                Event::Dialog(_, DialogOutcome::Cancelled) => {}
                Event::Dialog(purpose, DialogOutcome::Unavailable(why)) => {
                    if let DialogPurpose::Export(picture) = purpose {
                        let extension = self.export_extension.take().unwrap_or("svg");
                        let name = format!("{}.{extension}", picture.file_stem());
                        self.state.menu.export_prompt = Some((picture, name));
                    }
                    self.state.menu.dialog_note = Some(why);
                }
                Event::FileChanged | Event::StampsChecked(true) => {
                    if matches!(event, Event::StampsChecked(_)) {
                        self.checking_stamps = false;
                        // Changed before anything watched: the next load looks at every file.
                        self.stamps_changed = true;
                    }
                    if self.state.current.is_some() && !self.state.lab.busy {
                        self.reload_due = Some(Instant::now() + WATCH_DEBOUNCE);
                    }
                }
                Event::StampsChecked(false) => self.checking_stamps = false,
                Event::Screenshot(purpose, image) => self.screenshot_taken(purpose, &image, ctx),
                Event::TufEdited(done) => self.tuf_edited(*done),
                Event::LayoutJob(done) => self.layout_job_done(*done, ctx),
                Event::AttestJob(done) => self.attest_job_done(*done, ctx),
                Event::Lab(result) => self.lab_done(*result, ctx),
                Event::KeysDone(result) => self.keys_done(result),
                Event::SigningKeys(keys) => {
                    if let Some(dialog) = &mut self.state.sign_dialog {
                        dialog.found(keys);
                    }
                }
                Event::SampleWritten { generation, result } => {
                    self.sample_written(generation, result, ctx);
                }
            }
        }
        if let Some(due) = self.reload_due {
            let now = Instant::now();
            if now >= due {
                self.reload_due = None;
                self.reload_from_watch = true;
                self.pending.push(Command::Reload);
                self.state.status.say("Files changed on disk; reloading.");
            } else {
                ctx.request_repaint_after(due - now);
            }
        }
        let mut pending = std::mem::take(&mut self.pending).into_iter();
        while let Some(command) = pending.next() {
            let editor_busy = match &command {
                Command::Editor(_) => self.state.layout_editor.working.is_some(),
                Command::TufEditor(_) => self.state.tuf_editor.working.is_some(),
                _ => false,
            };
            if editor_busy {
                // Edits happen in the order asked: this one and those after it wait for the
                // editor's job to come back.
                let pushed = std::mem::take(&mut self.pending);
                self.pending = std::iter::once(command)
                    .chain(pending)
                    .chain(pushed)
                    .collect();
                break;
            }
            self.apply(command, ctx);
        }
        self.follow_replay_target();
        if self.state.replay.playing {
            let now = Instant::now();
            if now.duration_since(self.last_replay_step) >= self.state.replay_step {
                self.last_replay_step = now;
                if let Some(Ok(workspace)) = self.state.loaded.clone()
                    && let Some(trace) = workspace.trace()
                {
                    self.state.replay.tick(trace);
                }
            }
            ctx.request_repaint_after(self.state.replay_step);
        }
        if self.state.status.busy {
            self.state.status.progress = self
                .progress
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clone();
            // No polling: the worker asks for a frame when its progress moves and when it is
            // done, and the busy sign turns a few times a second. A frame every 50 ms, drawn
            // in software (Xvfb, no GPU), took a core from the load being waited for.
        }
    }

    fn loaded(&mut self, result: Result<Workspace, WorkspaceError>, ctx: &egui::Context) {
        self.state.status.busy = false;
        let from_watch = std::mem::take(&mut self.reload_from_watch);
        // 16,384 bins' stamps: copied only when a change on disk is to be described.
        let before = self
            .state
            .workspace()
            .filter(|_| from_watch)
            .map(|w| (w.verdict(), w.files.clone()));
        let lab_jump = std::mem::take(&mut self.lab_jump_when_loaded);
        let kept = self.kept.take();
        match result {
            Ok(workspace) => {
                self.state.status.say(workspace.summary());
                // Read by the worker: no file is opened on the UI thread.
                Arc::make_mut(&mut self.state.key_names).learn_key_files(&workspace.key_files);
                self.watch(&workspace, ctx);
                if from_watch && let Some((verdict, files)) = before {
                    let files = workspace.files.changes_since(&files);
                    let metadata_at_top = matches!(&workspace.source,
                        Source::Repository { repo } if !repo.contains("://")
                            && !Path::new(repo).join("metadata").is_dir());
                    self.state.changes = Some(ChangeNote {
                        roles: files.roles(metadata_at_top),
                        files,
                        before: verdict,
                        after: workspace.verdict(),
                    });
                }
                if workspace.file.is_some() && workspace.layout.is_none() {
                    self.state.tab = Tab::File;
                } else if workspace.layout.is_some() && self.state.tab == Tab::File {
                    self.state.tab = Tab::StepGraph;
                } else if workspace.layout.is_none() && self.state.tab == Tab::StepGraph {
                    self.state.tab = Tab::Overview;
                }
                if self.state.target.is_none() {
                    self.state.target = workspace.target.clone();
                }
                // The replay keeps its place when the new trace still has the check shown.
                let old_trace = self.state.workspace().and_then(|w| w.trace());
                let fresh = std::mem::take(&mut self.fresh_open);
                self.state.replay = match (old_trace, workspace.trace()) {
                    (Some(old), Some(new)) if !fresh => {
                        self.state.replay.carried_over(old, new).unwrap_or_default()
                    }
                    _ => Replay::default(),
                };
                self.state.replay_target = None;
                // A search stays meaningful across a reload: run it again on the new data.
                let search = self.state.search.as_ref().map(|s| s.result.path.clone());
                self.state.loaded = Some(Ok(Arc::new(workspace)));
                // The previous workspace is gone (unless a panel still holds it).
                crate::memory::give_back_freed();
                self.report_reload();
                if let Some(path) = search {
                    self.find_target(&path);
                }
                if lab_jump {
                    let judgement = self.state.workspace().map(panels::lab::Judgement::of);
                    let tuf_alone = self
                        .state
                        .workspace()
                        .and_then(panels::lab::Judgement::tuf_alone);
                    if let Some(applied) = &mut self.state.lab.applied {
                        applied.copy = judgement;
                        applied.tuf_alone = tuf_alone;
                    }
                    self.pending
                        .push(Command::Replay(ReplayCommand::FirstFailure));
                }
                if std::mem::take(&mut self.show_failure_when_loaded) {
                    self.pending
                        .push(Command::Replay(ReplayCommand::FirstFailure));
                    // Presenting, the picture stays the step graph; the change is a click away.
                    let changed = self
                        .state
                        .workspace()
                        .filter(|_| !self.state.presentation)
                        .and_then(|w| w.changes.first())
                        .map(|c| c.path.clone());
                    self.pending.push(Command::ShowChange(changed));
                }
                self.frames_since_loaded = 0;
            }
            Err(WorkspaceError::Cancelled) => {
                self.state.status.say("Loading cancelled.");
                if let Some(kept) = kept {
                    self.put_back(kept, ctx);
                }
            }
            Err(error) => {
                self.state
                    .status
                    .report(&crate::report::Report::new("Could not open").caused_by(&error));
                // What was open stays open, the failure shown over it.
                if let Some(kept) = kept {
                    let input = self.state.current.clone().unwrap_or_default();
                    self.put_back(kept, ctx);
                    self.state.open_failure = Some(OpenFailure {
                        input,
                        error: Arc::new(error),
                    });
                    return;
                }
                if from_watch {
                    self.state.changes = Some(ChangeNote {
                        files: FileChanges::default(),
                        roles: Vec::new(),
                        before: before.and_then(|(v, _)| v),
                        after: None,
                    });
                }
                self.state.loaded = Some(Err(Arc::new(error)));
                self.frames_since_loaded = 0;
            }
        }
    }

    /// Puts back what a fresh open cleared, when the new document did not come in.
    fn put_back(&mut self, kept: Kept, ctx: &egui::Context) {
        self.fresh_open = false;
        self.show_failure_when_loaded = false;
        self.state.current = kept.current;
        self.state.target = kept.target;
        self.state.selection = kept.selection;
        self.state.search = kept.search;
        self.state.changes = kept.changes;
        self.state.replay = kept.replay;
        self.state.change_view = kept.change_view;
        self.state.allowed_inspections = kept.allowed_inspections;
        self.state.written_this_run = kept.written_this_run;
        self.state.graph.fit_pending = kept.fit_pending;
        if let Some(Ok(workspace)) = self.state.loaded.clone() {
            self.watch(&workspace, ctx);
        }
    }

    fn screenshot_taken(
        &mut self,
        purpose: ScreenshotPurpose,
        image: &egui::ColorImage,
        ctx: &egui::Context,
    ) {
        let pixels_per_point = ctx.pixels_per_point();
        match purpose {
            ScreenshotPurpose::Export(picture, path) => {
                let area = match picture {
                    Picture::StepGraph => self.state.graph.last_rect,
                    Picture::DelegationTree => self.state.tree.last_rect,
                };
                let result = match area {
                    Some(rect) => export::write_png(image, Some(rect), pixels_per_point, &path),
                    None => Err(format!("the {} is not on screen", picture.file_stem())),
                };
                self.state.status.say(match result {
                    Ok(()) => format!("Exported {}.", path.display()),
                    Err(e) => format!("Could not export: {e}"),
                });
            }
            ScreenshotPurpose::Window(path) => {
                match export::write_png(image, None, pixels_per_point, &path) {
                    Ok(()) => println!("screenshot: {}", path.display()),
                    Err(e) => eprintln!("screenshot failed: {e}"),
                }
                // A picture-taking run has nothing to keep: no guard.
                self.allow_close = true;
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
        }
    }

    /// A dropped file: a key file while editing a layout goes into the layout, anything else
    /// is opened.
    fn dropped(&self, path: PathBuf) -> Command {
        let is_key = path.extension().is_some_and(|e| e == "pub" || e == "pem");
        if self.state.tab == Tab::LayoutEditor
            && self.state.layout_editor.document.is_some()
            && is_key
        {
            return self.layout_key(path);
        }
        // A file dropped on the TUF editor becomes a target, in the role the delegations give it.
        if self.state.tab == Tab::TufEditor
            && self.state.tuf_editor.repo.is_some()
            && path.is_file()
        {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            return Command::TufEditor(TufEditorCommand::AddTarget {
                file: path,
                path: name,
                role: None,
            });
        }
        Command::Open(path.display().to_string())
    }

    /// A key for the layout: the functionary of the selected step, else one of its keys.
    fn layout_key(&self, path: PathBuf) -> Command {
        let editor = &self.state.layout_editor;
        let step = editor.selected.clone().filter(|name| {
            editor
                .document
                .as_ref()
                .is_some_and(|d| d.layout().steps().iter().any(|s| &s.name == name))
        });
        Command::Editor(match step {
            Some(step) => EditorCommand::AddFunctionary {
                step,
                key_file: path,
            },
            None => EditorCommand::AddKey(path),
        })
    }

    /// Keyboard shortcuts (from the one command table) and dropped files, as commands.
    fn input_commands(&self, ctx: &egui::Context, commands: &mut Vec<Command>) {
        // Plain keys (arrows, Space) act only when no field or button has the keyboard.
        let keyboard_free =
            !ctx.egui_wants_keyboard_input() && ctx.memory(|m| m.focused().is_none());
        ctx.input(|input| {
            for pressed in UiCommand::pressed(&self.state, input, keyboard_free) {
                // With the palette open only its own shortcut acts: the rest is typing.
                if !self.state.palette.open || pressed == UiCommand::CommandPalette {
                    commands.push(pressed.command(&self.state));
                }
            }
            if let Some(path) = input
                .raw
                .dropped_files
                .first()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
            {
                commands.push(self.dropped(path));
            }
        });
        // Closing the window with unsaved layout edits asks first.
        if ctx.input(|i| i.viewport().close_requested())
            && !self.allow_close
            && (self.state.layout_editor.is_dirty() || self.state.attest_editor.is_dirty())
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            commands.push(Command::Quit);
        }
    }

    /// Draws one frame and applies the commands it produced.
    pub fn frame_ui(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        if !self.fonts_installed {
            install_fonts(&ctx);
            panels::install_visuals(&ctx);
            self.fonts_installed = true;
        }
        self.poll(&ctx);
        let mut commands = Vec::new();
        self.input_commands(&ctx, &mut commands);
        panels::install_key_names(&ctx, Arc::clone(&self.state.key_names));
        panels::frame(&mut self.state, ui, &mut commands);
        for (keyid, name) in panels::take_key_aliases(&ctx) {
            commands.push(Command::NameKey(keyid, name));
        }
        self.pending.extend(commands);
        if !self.pending.is_empty() {
            ctx.request_repaint();
        }
        self.maybe_screenshot(&ctx);
        self.name_the_window(&ctx);
        // The first frame is on screen once the second one starts.
        if let Some((started, frames)) = &mut self.first_frame_report {
            *frames += 1;
            if *frames == 2 {
                println!(
                    "first frame after {:.1} ms; loading still running: {}",
                    started.elapsed().as_secs_f64() * 1000.0,
                    if self.state.status.busy { "yes" } else { "no" }
                );
                self.allow_close = true;
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
            ctx.request_repaint();
        }
    }

    /// The window's title names what is open (a folder or file by its name, a URL whole).
    fn name_the_window(&mut self, ctx: &egui::Context) {
        let title = match &self.state.current {
            Some(input) if input.contains("://") => format!("{input} — chainscope"),
            Some(input) => {
                let path = Path::new(input);
                let name = path
                    .file_name()
                    .map_or_else(|| input.clone(), |n| n.to_string_lossy().into_owned());
                format!("{} — chainscope", crate::shown::Shown(&name))
            }
            None => "chainscope".to_owned(),
        };
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
    }

    /// With `--screenshot`, once loading has finished and a few frames have settled.
    fn maybe_screenshot(&mut self, ctx: &egui::Context) {
        let Some(path) = self.screenshot_to.clone() else {
            return;
        };
        let awaiting_load = self.state.current.is_some() && self.state.loaded.is_none();
        if self.is_busy() || awaiting_load || self.screenshot_requested {
            ctx.request_repaint();
            return;
        }
        self.frames_since_loaded += 1;
        if self.frames_since_loaded < 10 {
            ctx.request_repaint();
            return;
        }
        self.screenshot_requested = true;
        let tx = self.events_tx.clone();
        let repaint = ctx.clone();
        ctx.request_screenshot(move |image| {
            let _ = tx.send(Event::Screenshot(ScreenshotPurpose::Window(path), image));
            repaint.request_repaint();
        });
        ctx.request_repaint();
    }
}

impl eframe::App for ChainscopeApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.frame_ui(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        storage.set_string(RECENT_KEY, self.state.recent.join("\n"));
        storage.set_string(DARK_KEY, self.state.dark.to_string());
        storage.set_string(TILES_KEY, self.state.tiles.save());
        storage.set_string(KEY_NAMES_KEY, self.state.key_names.aliases());
        let signing_keys: Vec<String> = self
            .state
            .signing_keys
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        storage.set_string(SIGNING_KEYS_KEY, signing_keys.join("\n"));
    }
}

/// What an undo or redo said: `done` when there was one to take.
fn history_said(done: bool, said: &str, nothing: &str) -> (bool, String) {
    (true, if done { said } else { nothing }.to_owned())
}

fn editor_message(ok: bool, message: String) -> (bool, String) {
    (ok, message)
}

/// egui's text font has no arrows (→), which delegation chains and diffs are written with;
/// its monospace font has them, so it backs the text font up.
fn install_fonts(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    if let Some(proportional) = fonts.families.get_mut(&egui::FontFamily::Proportional) {
        proportional.push("Hack".to_owned());
    }
    ctx.set_fonts(fonts);
}

/// How the window is opened.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// A path or URL to open.
    pub open: Option<String>,
    /// Not remembered in the recent list (the demo's temporary folder).
    pub forget_under: Option<PathBuf>,
    /// Save a PNG of the window once everything is loaded, then quit.
    pub screenshot: Option<PathBuf>,
    /// Once loaded, move the replay to the first failure and show what changed (for the
    /// README's pictures).
    pub show_failure: bool,
    /// Print the time from `started` to the first painted frame, then quit (the benchmark).
    pub report_first_frame: Option<Instant>,
    /// Print, from `started`, when the first load is in, then reload this many times and
    /// print each reload's time, with the resident memory after each, then quit (the
    /// benchmark).
    pub report_reloads: Option<(Instant, usize)>,
    /// After the reloads, open this and report its load and the resident memory.
    pub report_then_open: Option<String>,
    /// Commands to run once the window is up (the README's pictures of the editors).
    pub then: Vec<Command>,
    pub size: Option<(f32, f32)>,
}

/// The reload benchmark's progress (`--report-reloads`).
struct ReloadReport {
    /// When the load being timed was asked for (the process start for the first).
    since: Instant,
    done: usize,
    reloads: usize,
    /// Opened after the reloads (a small repository after a large one).
    then_open: Option<String>,
    /// It was opened: its load is the last one reported.
    opened_next: bool,
}

/// The window's icon, from `assets/` (rendered by `scripts/icons.sh`).
fn window_icon() -> Arc<egui::IconData> {
    // The PNG is part of the binary; a damaged one would be caught by the test below.
    Arc::new(
        eframe::icon_data::from_png_bytes(include_bytes!("../../assets/chainscope-256.png"))
            .unwrap_or_default(),
    )
}

/// Opens the desktop window.
pub fn run(options: RunOptions) -> Result<(), String> {
    let (width, height) = options.size.unwrap_or((1280.0, 800.0));
    let native = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("chainscope")
            .with_app_id("chainscope")
            .with_icon(window_icon())
            .with_inner_size([width, height])
            .with_drag_and_drop(true),
        // A screenshot or benchmark run must not read or write the user's remembered state.
        persist_window: options.screenshot.is_none()
            && options.report_first_frame.is_none()
            && options.report_reloads.is_none(),
        // Dithering smooths gradients, and the app draws none but popups' shadows; drawn in
        // software (no GPU: virtual machines, remote desktops, Xvfb) it took a third of each
        // frame's CPU time (15 ms a frame at 1280x800, 12 ms without), which a reload shares.
        dithering: false,
        ..Default::default()
    };
    let screenshot = options.screenshot.clone();
    let scratch_run = screenshot.is_some()
        || options.report_first_frame.is_some()
        || options.report_reloads.is_some();
    eframe::run_native(
        "chainscope",
        native,
        Box::new(move |cc| {
            let storage = if scratch_run { None } else { cc.storage };
            let mut app = ChainscopeApp::new(Arc::new(dialog::NativeDialog), storage);
            cc.egui_ctx.set_theme(if app.state.dark {
                egui::Theme::Dark
            } else {
                egui::Theme::Light
            });
            app.state.forget_under = options.forget_under;
            app.screenshot_to = screenshot;
            app.show_failure_when_loaded = options.show_failure;
            app.first_frame_report = options.report_first_frame.map(|started| (started, 0));
            app.reload_report = options
                .report_reloads
                .map(|(started, reloads)| ReloadReport {
                    since: started,
                    done: 0,
                    reloads,
                    then_open: options.report_then_open.clone(),
                    opened_next: false,
                });
            if let Some(input) = options.open {
                app.push(Command::Open(input));
            }
            for command in options.then {
                app.push(command);
            }
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| crate::report::with_hint(&e))
}

/// Expanded bin groups survive reloads; this is their key.
pub type ExpandedBins = BTreeSet<String>;

#[cfg(test)]
mod tests;
