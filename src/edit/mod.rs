//! Editing signed documents: `Action` values applied to a document with undo and redo, lint,
//! signing that returns the exact bytes to write, and atomic writes. The app and the CLI both
//! edit through here; nothing in this module draws.

pub mod diff;
pub mod draft;
pub mod history;
pub mod layout;
pub mod lint;
pub mod sign;
pub mod templates;
pub mod tuf;

use std::io::Write as _;
use std::path::Path;

pub use history::History;

/// Writes `bytes` to `path` so that a reader sees the old file or the new one, never half of
/// either: a temporary file in the same folder, flushed to disk, renamed over the target, and
/// the folder flushed so the rename itself survives a crash.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    replace(path, bytes, true)
}

/// [`write_atomic`] without waiting for the disk: a reader still sees the old file or the new
/// one, but a crash may lose the new one. For files checked again before every use (downloaded
/// targets, whose hashes are compared before the cached copy is trusted).
pub fn write_replacing(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    replace(path, bytes, false)
}

fn replace(path: &Path, bytes: &[u8], durable: bool) -> std::io::Result<()> {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut temp = tempfile::Builder::new()
        .prefix(".chainscope-")
        .suffix(".tmp")
        .tempfile_in(folder)?;
    temp.write_all(bytes)?;
    if durable {
        temp.as_file().sync_all()?;
    }
    temp.persist(path).map_err(|e| e.error)?;
    #[cfg(unix)]
    if durable && let Ok(dir) = std::fs::File::open(folder) {
        let _ = dir.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn atomic_write_replaces_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("root.layout");
        std::fs::write(&path, b"old").unwrap();
        super::write_atomic(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }
}
