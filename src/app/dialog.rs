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

pub trait FileDialog: Send + Sync {
    /// Blocks until the user picks a file; called off the UI thread.
    fn pick_file(&self) -> DialogOutcome;
}

/// The desktop's dialog through rfd (xdg-desktop-portal on Linux).
pub struct NativeDialog;

impl FileDialog for NativeDialog {
    fn pick_file(&self) -> DialogOutcome {
        // rfd reports a missing portal the same way as a cancel; without a session bus there
        // is certainly no portal, so say so instead of silently doing nothing.
        if cfg!(target_os = "linux") && std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
            return DialogOutcome::Unavailable(
                "no desktop session bus, so no file dialog service; type a path in the field instead".into(),
            );
        }
        match rfd::FileDialog::new()
            .set_title("Open metadata file")
            .add_filter("metadata", &["json", "layout", "link", "pub"])
            .add_filter("all files", &["*"])
            .pick_file()
        {
            Some(path) => DialogOutcome::Picked(path),
            None => DialogOutcome::Cancelled,
        }
    }
}

/// A dialog that is never available: for tests and headless runs.
pub struct NoDialog;

impl FileDialog for NoDialog {
    fn pick_file(&self) -> DialogOutcome {
        DialogOutcome::Unavailable(
            "file dialogs are disabled here; type a path in the field instead".into(),
        )
    }
}
