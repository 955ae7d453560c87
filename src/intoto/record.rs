//! Recording artifacts as in-toto 3's `record_artifacts_as_dict` and `FileResolver` do: each
//! given path (relative to a base folder) is normalized as Python's `os.path.normpath` does,
//! checked against gitignore-style exclude patterns, and hashed with sha256; folders are walked
//! as `os.walk` walks them (symlinked folders followed when asked, as `in-toto-run`,
//! `in-toto-record` and the inspections of `in-toto-verify` ask), excluded folders pruned,
//! broken links and special files skipped, `--lstrip-paths` prefixes removed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::artifact_rules::Artifacts;
use crate::gitignore::{GitIgnore, PatternError};
use crate::model::HashDict;

/// in-toto's `ARTIFACT_EXCLUDE_PATTERNS`, used when no exclude patterns are given.
pub const DEFAULT_EXCLUDES: [&str; 4] = ["*.link*", ".git", "*.pyc", "*~"];

/// How to record, as `in-toto-run`'s options say it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordOptions {
    /// `--exclude`: replaces the defaults when given (an empty list means the defaults, as in
    /// in-toto).
    pub excludes: Vec<String>,
    /// `--base-path`: paths are recorded relative to this folder.
    pub base_path: PathBuf,
    pub follow_symlink_dirs: bool,
    /// `--lstrip-paths`: a prefix removed from every recorded path that has it.
    pub lstrip_paths: Vec<String>,
}

impl RecordOptions {
    /// What `in-toto-run` records with by default, relative to `base_path`.
    pub fn in_toto_run(base_path: &Path) -> RecordOptions {
        RecordOptions {
            excludes: Vec::new(),
            base_path: base_path.to_owned(),
            follow_symlink_dirs: true,
            lstrip_paths: Vec::new(),
        }
    }
}

/// Why artifacts could not be recorded.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("cannot record {}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Pattern(#[from] PatternError),
    /// in-toto's `PrefixError`.
    #[error("{0}")]
    Prefix(String),
    #[error(
        "{path:?} uses the `{scheme}:` resolver, which chainscope does not record (only files and folders)"
    )]
    UnsupportedScheme { path: String, scheme: String },
}

impl crate::report::Hint for RecordError {}

/// Python's `posixpath.normpath`.
pub fn normpath(path: &str) -> String {
    if path.is_empty() {
        return ".".to_owned();
    }
    let initial_slashes = if path.starts_with("//") && !path.starts_with("///") {
        2
    } else if path.starts_with('/') {
        1
    } else {
        0
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        if part.is_empty() || part == "." {
            continue;
        }
        if part != ".." || (initial_slashes == 0 && parts.is_empty()) || parts.last() == Some(&"..")
        {
            parts.push(part);
        } else if !parts.is_empty() {
            parts.pop();
        }
    }
    let joined = format!("{}{}", "/".repeat(initial_slashes), parts.join("/"));
    if joined.is_empty() {
        ".".to_owned()
    } else {
        joined
    }
}

/// Python's `os.path.join(base, name)` for a relative `name`.
fn join(base: &str, name: &str) -> String {
    if base.is_empty() || base.ends_with('/') {
        format!("{base}{name}")
    } else {
        format!("{base}/{name}")
    }
}

struct Recorder<'o> {
    options: &'o RecordOptions,
    excludes: GitIgnore,
    hashes: BTreeMap<String, HashDict>,
}

impl Recorder<'_> {
    fn on_disk(&self, path: &str) -> PathBuf {
        self.options.base_path.join(path)
    }

    /// in-toto's `_mangle`: backslashes to slashes, the first matching lstrip prefix removed,
    /// and a duplicate after stripping refused.
    fn record(&mut self, path: &str, scheme_prefix: &str) -> Result<(), RecordError> {
        let mut name = path.replace('\\', "/");
        if let Some(prefix) = self
            .options
            .lstrip_paths
            .iter()
            .find(|p| name.starts_with(p.as_str()))
        {
            name = name[prefix.len()..].to_owned();
        }
        let name = format!("{scheme_prefix}{name}");
        if !self.options.lstrip_paths.is_empty() && self.hashes.contains_key(&name) {
            return Err(RecordError::Prefix(format!(
                "Prefix selection has resulted in non unique dictionary key '{name}'"
            )));
        }
        let disk = self.on_disk(path);
        let digest = hash_file(&disk).map_err(|source| RecordError::Io { path: disk, source })?;
        self.hashes.insert(name, [("sha256", digest)].into());
        Ok(())
    }

    /// `os.walk(top, followlinks=…)`, pruning excluded folders, top-down.
    fn walk(&mut self, top: &str, scheme_prefix: &str) -> Result<(), RecordError> {
        // Folders on the way down, by their real path: following a link back up would loop
        // (Python would go on until the path is too long; chainscope stops).
        let mut stack: Vec<(String, Vec<PathBuf>)> = vec![(top.to_owned(), Vec::new())];
        while let Some((base, ancestors)) = stack.pop() {
            let disk = self.on_disk(&base);
            let Ok(reader) = std::fs::read_dir(&disk) else {
                // os.walk ignores folders it cannot list.
                continue;
            };
            let real = std::fs::canonicalize(&disk).unwrap_or(disk.clone());
            if ancestors.contains(&real) {
                continue;
            }
            let mut ancestors = ancestors;
            ancestors.push(real);
            let mut entries: Vec<(String, bool, bool)> = Vec::new();
            for entry in reader.flatten() {
                let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
                    continue;
                };
                let is_symlink = entry.file_type().is_ok_and(|t| t.is_symlink());
                // DirEntry.is_dir() follows links, as os.walk's scandir does.
                let is_dir = std::fs::metadata(entry.path()).is_ok_and(|m| m.is_dir());
                entries.push((name, is_dir, is_symlink));
            }
            entries.sort();
            let mut subdirs = Vec::new();
            for (name, is_dir, is_symlink) in entries {
                let path = normpath(&join(&base, &name));
                if is_dir {
                    if self.excludes.is_excluded(&path) {
                        continue;
                    }
                    if !is_symlink || self.options.follow_symlink_dirs {
                        subdirs.push(join(&base, &name));
                    }
                    continue;
                }
                if self.excludes.is_excluded(&path) {
                    continue;
                }
                // isfile follows links: broken links, sockets and pipes are skipped.
                if !std::fs::metadata(self.on_disk(&path)).is_ok_and(|m| m.is_file()) {
                    continue;
                }
                self.record(&path, scheme_prefix)?;
            }
            // Depth first in name order, as os.walk's top-down recursion goes.
            for subdir in subdirs.into_iter().rev() {
                stack.push((subdir, ancestors.clone()));
            }
        }
        Ok(())
    }
}

/// Records `paths` (files or folders, relative to `options.base_path`) as in-toto does.
pub fn record_artifacts<S: AsRef<str>>(
    paths: &[S],
    options: &RecordOptions,
) -> Result<Artifacts, RecordError> {
    let defaults: Vec<String> = DEFAULT_EXCLUDES.iter().map(|p| (*p).to_owned()).collect();
    let patterns = if options.excludes.is_empty() {
        &defaults
    } else {
        &options.excludes
    };
    for (i, a) in options.lstrip_paths.iter().enumerate() {
        for b in &options.lstrip_paths[i + 1..] {
            if a.starts_with(b.as_str()) || b.starts_with(a.as_str()) {
                return Err(RecordError::Prefix(format!(
                    "'{a}' and '{b}' triggered a left substring error"
                )));
            }
        }
    }
    let mut recorder = Recorder {
        options,
        excludes: GitIgnore::new(patterns)?,
        hashes: BTreeMap::new(),
    };
    for path in paths {
        let path = path.as_ref();
        let (scheme, _) = path.split_once(':').unwrap_or(("", ""));
        if matches!(scheme, "dir" | "ostree") {
            return Err(RecordError::UnsupportedScheme {
                path: path.to_owned(),
                scheme: scheme.to_owned(),
            });
        }
        let (path, prefix) = match path.strip_prefix("file:") {
            Some(rest) => (rest, "file:"),
            None => (path, ""),
        };
        let path = normpath(path);
        if recorder.excludes.is_excluded(&path) {
            continue;
        }
        let Ok(metadata) = std::fs::metadata(recorder.on_disk(&path)) else {
            continue; // in-toto: "does not exist, skipping"
        };
        if metadata.is_file() {
            recorder.record(&path, prefix)?;
        }
        if metadata.is_dir() {
            recorder.walk(&path, prefix)?;
        }
    }
    Ok(recorder.hashes.into_iter().collect())
}

/// Everything below `root`, as an inspection of `in-toto-verify` records its folder (`.` with
/// the default excludes, symlinked folders followed).
pub fn record_folder(root: &Path) -> Result<Artifacts, RecordError> {
    record_artifacts(&["."], &RecordOptions::in_toto_run(root))
}

fn hash_file(path: &Path) -> std::io::Result<String> {
    use std::io::Read as _;
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    Ok(hex::encode(hasher.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normpath_is_pythons() {
        for (input, expected) in [
            ("", "."),
            (".", "."),
            ("./a", "a"),
            ("a//b/./c/", "a/b/c"),
            ("a/../b", "b"),
            ("../a", "../a"),
            ("a/../../b", "../b"),
            ("/../a", "/a"),
            ("//a", "//a"),
            ("///a", "/a"),
        ] {
            assert_eq!(normpath(input), expected, "{input:?}");
        }
    }

    #[test]
    fn records_like_in_toto_run() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("src/.git")).unwrap();
        std::fs::create_dir_all(root.join("x.link.d")).unwrap();
        for (path, body) in [
            ("a.txt", "hello\n"),
            ("src/b.py", ""),
            ("src/b.pyc", ""),
            ("src/.git/HEAD", ""),
            ("x.link.d/f", ""),
            ("step.abcd1234.link", ""),
            ("notes~", ""),
        ] {
            std::fs::write(root.join(path), body).unwrap();
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(root.join("a.txt"), root.join("alias")).unwrap();
            std::os::unix::fs::symlink(root.join("src"), root.join("src-link")).unwrap();
            std::os::unix::fs::symlink(root.join("nowhere"), root.join("broken")).unwrap();
            std::os::unix::fs::symlink(root, root.join("src/loop")).unwrap();
        }
        let recorded = record_folder(root).unwrap();
        let paths: Vec<&str> = recorded.keys().collect();
        let expected: &[&str] = if cfg!(unix) {
            // The symlinked folder is followed, as in-toto-run follows it; a link back up
            // is not (Python would record copies until the path grew too long).
            &["a.txt", "alias", "src-link/b.py", "src/b.py"]
        } else {
            &["a.txt", "src/b.py"]
        };
        assert_eq!(paths, expected);
        assert_eq!(
            recorded
                .get("a.txt")
                .and_then(|h| h.get("sha256"))
                .unwrap_or_default(),
            "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
        );
    }

    #[test]
    fn lstrip_and_excludes() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("out/sub")).unwrap();
        std::fs::write(dir.path().join("out/a.bin"), "a").unwrap();
        std::fs::write(dir.path().join("out/sub/b.log"), "b").unwrap();
        let options = RecordOptions {
            excludes: vec!["*.log".into()],
            lstrip_paths: vec!["out/".into()],
            ..RecordOptions::in_toto_run(dir.path())
        };
        let recorded = record_artifacts(&["out"], &options).unwrap();
        assert_eq!(recorded.keys().collect::<Vec<_>>(), ["a.bin"]);
        let clash = RecordOptions {
            lstrip_paths: vec!["out/".into(), "out/sub/".into()],
            ..options
        };
        assert!(matches!(
            record_artifacts(&["out"], &clash),
            Err(RecordError::Prefix(_))
        ));
    }
}
