//! Native file dialogs behind a trait, so tests never open one and a machine without a dialog
//! service (no xdg-desktop-portal) falls back to the path field.

use std::path::PathBuf;

/// What a dialog request came back with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DialogOutcome {
    Picked(PathBuf),
    Cancelled,
    /// No dialog service could be reached; the user has to type a path.
    Unavailable(String),
}

/// Each call blocks until the user answers; the app calls them off the UI thread.
pub trait FileDialog: Send + Sync {
    fn pick_file(&self) -> DialogOutcome;
    fn pick_folder(&self) -> DialogOutcome;
    /// Where to save a file, suggesting `name`.
    fn save_file(&self, name: &str) -> DialogOutcome;
}

/// The desktop's dialog through rfd (xdg-desktop-portal on Linux).
pub struct NativeDialog;

impl NativeDialog {
    /// rfd reports a missing portal the same way as a cancel; without a session bus there is
    /// certainly no portal, so say so instead of silently doing nothing.
    fn unavailable() -> Option<DialogOutcome> {
        (cfg!(target_os = "linux") && std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none())
            .then(|| {
                DialogOutcome::Unavailable(
                    "no desktop session bus, so no file dialog service; type a path in the field instead".into(),
                )
            })
    }

    fn outcome(path: Option<PathBuf>) -> DialogOutcome {
        match path {
            Some(path) => DialogOutcome::Picked(path),
            None => DialogOutcome::Cancelled,
        }
    }
}

impl FileDialog for NativeDialog {
    fn pick_file(&self) -> DialogOutcome {
        if let Some(outcome) = NativeDialog::unavailable() {
            return outcome;
        }
        NativeDialog::outcome(
            rfd::FileDialog::new()
                .set_title("Open metadata file")
                .add_filter("metadata", &["json", "layout", "link", "pub"])
                .add_filter("all files", &["*"])
                .pick_file(),
        )
    }

    fn pick_folder(&self) -> DialogOutcome {
        if let Some(outcome) = NativeDialog::unavailable() {
            return outcome;
        }
        NativeDialog::outcome(
            rfd::FileDialog::new()
                .set_title("Open a TUF repository, an in-toto folder or a sample")
                .pick_folder(),
        )
    }

    fn save_file(&self, name: &str) -> DialogOutcome {
        if let Some(outcome) = NativeDialog::unavailable() {
            return outcome;
        }
        NativeDialog::outcome(
            rfd::FileDialog::new()
                .set_title("Export")
                .set_file_name(name)
                .save_file(),
        )
    }
}

/// A dialog that is never available: for tests and headless runs.
pub struct NoDialog;

impl NoDialog {
    fn outcome() -> DialogOutcome {
        DialogOutcome::Unavailable(
            "file dialogs are disabled here; type a path in the field instead".into(),
        )
    }
}

impl FileDialog for NoDialog {
    fn pick_file(&self) -> DialogOutcome {
        NoDialog::outcome()
    }

    fn pick_folder(&self) -> DialogOutcome {
        NoDialog::outcome()
    }

    fn save_file(&self, _name: &str) -> DialogOutcome {
        NoDialog::outcome()
    }
}
