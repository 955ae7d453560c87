//! Watching the open folder for changes on disk: on Linux through inotify directly, asking
//! only for what changes a file (writes, creations, deletions, renames, attributes); elsewhere
//! through notify. notify's inotify backend always asks for `IN_OPEN` as well, so each of the
//! 16,384 bins a reload reads was an event for its thread, taking a core from the reload.
//!
//! The watcher keeps the paths it heard change, so a reload restats those few files instead
//! of all 16,384 (`workspace::KnownStamps`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Calls `on_change` (from its own thread) when something under the folder changes; stops
/// when dropped.
pub struct FolderWatcher {
    touched: Arc<Mutex<Touched>>,
    #[cfg(target_os = "linux")]
    stop: Arc<std::sync::atomic::AtomicBool>,
    #[cfg(not(target_os = "linux"))]
    _watcher: notify::RecommendedWatcher,
}

/// What changed under the folder since it was last asked.
#[derive(Debug, Default)]
struct Touched {
    paths: BTreeSet<PathBuf>,
    /// The watcher cannot say what changed since last asked: its queue overflowed, or the
    /// folder itself went.
    unknown: bool,
    /// The folder holds more folders than are watched: never says.
    incomplete: bool,
}

impl Touched {
    fn lock(touched: &Mutex<Touched>) -> std::sync::MutexGuard<'_, Touched> {
        touched.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl FolderWatcher {
    pub fn new(
        dir: &Path,
        recursive: bool,
        on_change: impl Fn() + Send + 'static,
    ) -> std::io::Result<FolderWatcher> {
        imp::watch(dir, recursive, on_change)
    }

    /// The paths heard changing since the last call (or since watching began), before
    /// `on_change` was called for them; `None` when the watcher cannot say which (the caller
    /// then looks at every file, and the next call says again).
    pub fn take_touched(&self) -> Option<Vec<PathBuf>> {
        let mut touched = Touched::lock(&self.touched);
        let paths = std::mem::take(&mut touched.paths);
        let unknown = std::mem::take(&mut touched.unknown) || touched.incomplete;
        (!unknown).then(|| paths.into_iter().collect())
    }
}

#[cfg(target_os = "linux")]
impl Drop for FolderWatcher {
    /// The thread sees the flag within one poll and closes its inotify descriptor.
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

#[cfg(target_os = "linux")]
mod imp {
    use std::collections::HashMap;
    use std::os::fd::AsRawFd as _;
    use std::path::{Path, PathBuf};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};

    use inotify::{EventMask, Inotify, WatchDescriptor, WatchMask};

    use super::{FolderWatcher, Touched};

    /// How long the thread waits for events before looking whether it should stop.
    const POLL_MS: i32 = 200;
    /// Folders watched at most (each is an inotify watch; the user's limit is shared).
    const MAX_FOLDERS: usize = 10_000;

    fn mask() -> WatchMask {
        WatchMask::CLOSE_WRITE
            | WatchMask::CREATE
            | WatchMask::DELETE
            | WatchMask::MODIFY
            | WatchMask::MOVED_FROM
            | WatchMask::MOVED_TO
            | WatchMask::ATTRIB
            | WatchMask::DELETE_SELF
            | WatchMask::MOVE_SELF
    }

    /// Watches `dir` (a symbolic link to a folder is followed, as the path was opened), and
    /// every folder below it when `recursive` (links below it are not followed), into
    /// `folders`. Past [`MAX_FOLDERS`], what changes can no longer be told.
    fn add_tree(
        inotify: &mut Inotify,
        dir: &Path,
        recursive: bool,
        folders: &mut HashMap<WatchDescriptor, PathBuf>,
        touched: &Mutex<Touched>,
    ) -> std::io::Result<()> {
        let mut pending = vec![dir.to_path_buf()];
        while let Some(folder) = pending.pop() {
            if folders.len() >= MAX_FOLDERS {
                Touched::lock(touched).incomplete = true;
                break;
            }
            let wd = inotify.watches().add(&folder, mask())?;
            if recursive && let Ok(entries) = std::fs::read_dir(&folder) {
                pending.extend(
                    entries
                        .flatten()
                        .filter(|entry| entry.file_type().is_ok_and(|t| t.is_dir()))
                        .map(|entry| entry.path()),
                );
            }
            folders.insert(wd, folder);
        }
        Ok(())
    }

    pub(super) fn watch(
        dir: &Path,
        recursive: bool,
        on_change: impl Fn() + Send + 'static,
    ) -> std::io::Result<FolderWatcher> {
        let mut inotify = Inotify::init()?;
        let mut folders = HashMap::new();
        let touched = Arc::new(Mutex::new(Touched::default()));
        add_tree(&mut inotify, dir, recursive, &mut folders, &touched)?;
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        let heard = Arc::clone(&touched);
        let root = dir.to_path_buf();
        std::thread::Builder::new()
            .name("chainscope-watch".into())
            .spawn(move || {
                let mut buffer = [0u8; 16 * 1024];
                while !stopped.load(Ordering::Relaxed) {
                    let mut ready = libc::pollfd {
                        fd: inotify.as_raw_fd(),
                        events: libc::POLLIN,
                        revents: 0,
                    };
                    // SAFETY: one valid pollfd, for the duration of the call.
                    if unsafe { libc::poll(&mut ready, 1, POLL_MS) } <= 0 {
                        continue;
                    }
                    let Ok(events) = inotify.read_events(&mut buffer) else {
                        continue;
                    };
                    let mut changed = false;
                    let mut new_folders = Vec::new();
                    let mut paths = Vec::new();
                    let mut unknown = false;
                    for event in events {
                        if event.mask.contains(EventMask::IGNORED) {
                            folders.remove(&event.wd);
                            continue;
                        }
                        changed = true;
                        match folders.get(&event.wd) {
                            Some(folder) => {
                                let path = match event.name {
                                    Some(name) => folder.join(name),
                                    None => folder.clone(),
                                };
                                unknown |= path == root
                                    && event
                                        .mask
                                        .intersects(EventMask::DELETE_SELF | EventMask::MOVE_SELF);
                                paths.push(path);
                            }
                            // The queue overflowed (or a folder no longer known).
                            None => unknown = true,
                        }
                        let made_folder = event.mask.contains(EventMask::ISDIR)
                            && (event.mask.contains(EventMask::CREATE)
                                || event.mask.contains(EventMask::MOVED_TO));
                        if recursive
                            && made_folder
                            && let (Some(parent), Some(name)) = (folders.get(&event.wd), event.name)
                        {
                            new_folders.push(parent.join(name));
                        }
                    }
                    // A folder made (or moved in) is watched too, with what it already holds.
                    for folder in new_folders {
                        let _ = add_tree(&mut inotify, &folder, true, &mut folders, &heard);
                    }
                    if changed {
                        let mut touched = Touched::lock(&heard);
                        touched.paths.extend(paths);
                        touched.unknown |= unknown;
                        drop(touched);
                        on_change();
                    }
                }
            })?;
        Ok(FolderWatcher { touched, stop })
    }
}

#[cfg(not(target_os = "linux"))]
mod imp {
    use std::path::Path;
    use std::sync::{Arc, Mutex};

    use notify::Watcher as _;

    use super::{FolderWatcher, Touched};

    pub(super) fn watch(
        dir: &Path,
        recursive: bool,
        on_change: impl Fn() + Send + 'static,
    ) -> std::io::Result<FolderWatcher> {
        let touched = Arc::new(Mutex::new(Touched::default()));
        let heard = Arc::clone(&touched);
        let mut watcher =
            notify::recommended_watcher(move |event: notify::Result<notify::Event>| match event {
                Ok(event) if event.kind.is_access() => {}
                Ok(event) => {
                    let mut touched = Touched::lock(&heard);
                    if event.need_rescan() {
                        touched.unknown = true;
                    } else {
                        touched.paths.extend(event.paths);
                    }
                    drop(touched);
                    on_change();
                }
                Err(_) => Touched::lock(&heard).unknown = true,
            })
            .map_err(std::io::Error::other)?;
        let mode = if recursive {
            notify::RecursiveMode::Recursive
        } else {
            notify::RecursiveMode::NonRecursive
        };
        watcher.watch(dir, mode).map_err(std::io::Error::other)?;
        Ok(FolderWatcher {
            touched,
            _watcher: watcher,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::time::Duration;

    use super::*;

    fn changed(events: &mpsc::Receiver<()>) -> bool {
        let heard = events.recv_timeout(Duration::from_secs(5)).is_ok();
        // The rest of one burst of events.
        while events.recv_timeout(Duration::from_millis(300)).is_ok() {}
        heard
    }

    /// A write, a new file in a new folder, a removal and a rename are heard, in folders below
    /// too; reading a file is not; after the watcher is dropped nothing more is.
    #[test]
    fn changes_are_heard_and_reads_are_not() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("metadata")).unwrap();
        let bin = dir.path().join("metadata/bins-0.json");
        std::fs::write(&bin, b"{}").unwrap();
        let (tx, events) = mpsc::channel();
        let watcher = FolderWatcher::new(dir.path(), true, move || {
            let _ = tx.send(());
        })
        .unwrap();

        std::fs::read(&bin).unwrap();
        assert!(
            events.recv_timeout(Duration::from_millis(600)).is_err(),
            "a read is no change"
        );
        assert_eq!(
            watcher.take_touched(),
            Some(Vec::new()),
            "nothing changed yet"
        );
        std::fs::write(&bin, b"{\"changed\": true}").unwrap();
        assert!(changed(&events), "a write below the folder");
        assert_eq!(
            watcher.take_touched(),
            Some(vec![bin.clone()]),
            "the watcher says which file"
        );
        assert_eq!(watcher.take_touched(), Some(Vec::new()), "and says it once");
        std::fs::create_dir(dir.path().join("targets")).unwrap();
        assert!(changed(&events), "a new folder");
        // Written once the new folder is watched: heard through its own watch.
        std::fs::write(dir.path().join("targets/pkg.tar.gz"), b"package").unwrap();
        assert!(changed(&events), "a file in the new folder");
        std::fs::rename(&bin, dir.path().join("metadata/bins-1.json")).unwrap();
        assert!(changed(&events), "a rename");
        std::fs::remove_file(dir.path().join("targets/pkg.tar.gz")).unwrap();
        assert!(changed(&events), "a removal");

        // A folder opened through a symbolic link is watched where the link leads.
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(dir.path().join("metadata"), &link).unwrap();
        assert!(changed(&events), "the link made");
        let (tx, linked) = mpsc::channel();
        let through_link = FolderWatcher::new(&link, true, move || {
            let _ = tx.send(());
        })
        .unwrap();
        std::fs::write(dir.path().join("metadata/root.json"), b"{}").unwrap();
        assert!(changed(&linked), "a write seen through the link");
        assert!(changed(&events), "and in the folder itself");
        drop(through_link);

        drop(watcher);
        std::thread::sleep(Duration::from_millis(500));
        std::fs::write(dir.path().join("metadata/late.json"), b"{}").unwrap();
        assert!(
            events.recv_timeout(Duration::from_millis(600)).is_err(),
            "nothing is heard once dropped"
        );
    }
}
