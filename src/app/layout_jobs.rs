//! The layout editor's file work, done on a worker: reading key and signature files (an
//! encrypted key takes a moment to unlock), writing the layout, drafting from links. What
//! comes back is applied to the document on the UI thread, so edits made meanwhile stay.

use std::path::PathBuf;

use crate::crypto::{Passphrase, PrivateKey, PublicKey};
use crate::edit::draft::Draft;
use crate::time::UtcTime;

/// File work asked for by an editor command.
pub enum LayoutJob {
    /// A public key, for a step's functionaries (`step`) or the layout's keys.
    PublicKey {
        step: Option<String>,
        key_file: PathBuf,
    },
    SigningKey {
        key_file: PathBuf,
        passphrase: Option<Passphrase>,
    },
    Signature {
        signature_file: PathBuf,
        key_file: PathBuf,
    },
    /// The layout's bytes to `path`; `then_continue`: the unsaved-changes guard's Save,
    /// which goes on with what it held back once saved.
    Save {
        path: PathBuf,
        bytes: Vec<u8>,
        then_continue: bool,
    },
    /// The bytes a signature must cover, for signing elsewhere.
    ExportBytes {
        path: PathBuf,
        bytes: Vec<u8>,
    },
    Draft {
        folder: PathBuf,
        expires: UtcTime,
    },
}

/// File work done.
pub enum LayoutJobDone {
    PublicKey {
        step: Option<String>,
        key_file: PathBuf,
        result: Result<PublicKey, String>,
    },
    SigningKey {
        key_file: PathBuf,
        result: Result<PrivateKey, String>,
    },
    Signature(Result<(PublicKey, Vec<u8>), String>),
    Saved {
        path: PathBuf,
        bytes: Vec<u8>,
        then_continue: bool,
        result: Result<(), String>,
    },
    Exported {
        path: PathBuf,
        len: usize,
        result: Result<(), String>,
    },
    Draft {
        folder: PathBuf,
        result: Result<Draft, String>,
    },
}

impl LayoutJob {
    /// What the editor says while the job runs.
    pub fn doing(&self) -> &'static str {
        match self {
            LayoutJob::PublicKey { .. } => "reading the key…",
            LayoutJob::SigningKey { .. } => "signing…",
            LayoutJob::Signature { .. } => "reading the signature…",
            LayoutJob::Save { .. } => "saving…",
            LayoutJob::ExportBytes { .. } => "writing the bytes to sign…",
            LayoutJob::Draft { .. } => "reading the links…",
        }
    }

    pub fn run(self) -> LayoutJobDone {
        let public = |key_file: &PathBuf| {
            crate::crypto::read_public_key(key_file).map_err(|e| crate::report::with_hint(&e))
        };
        match self {
            LayoutJob::PublicKey { step, key_file } => LayoutJobDone::PublicKey {
                result: public(&key_file),
                step,
                key_file,
            },
            LayoutJob::SigningKey {
                key_file,
                passphrase,
            } => LayoutJobDone::SigningKey {
                result: crate::crypto::keyfile::read_private_key(
                    &key_file,
                    passphrase.as_ref().map(Passphrase::expose),
                )
                .map_err(|e| crate::report::with_hint(&e)),
                key_file,
            },
            LayoutJob::Signature {
                signature_file,
                key_file,
            } => LayoutJobDone::Signature(public(&key_file).and_then(|key| {
                crate::files::read_bounded(&signature_file, 1_000_000)
                    .map(|signature| (key, signature))
                    .map_err(|e| format!("{}: {e}", signature_file.display()))
            })),
            LayoutJob::Save {
                path,
                bytes,
                then_continue,
            } => LayoutJobDone::Saved {
                result: crate::files::write_atomic(&path, &bytes)
                    .map_err(|e| format!("Could not save {}: {e}", path.display())),
                path,
                bytes,
                then_continue,
            },
            LayoutJob::ExportBytes { path, bytes } => LayoutJobDone::Exported {
                result: crate::files::write_atomic(&path, &bytes)
                    .map_err(|e| format!("Could not write {}: {e}", path.display())),
                path,
                len: bytes.len(),
            },
            LayoutJob::Draft { folder, expires } => LayoutJobDone::Draft {
                result: crate::edit::draft::draft_from_folder(&folder, expires),
                folder,
            },
        }
    }
}
