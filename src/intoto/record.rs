//! Recording artifacts as `in-toto-run` does for `.`: every file below a folder, by relative
//! `/`-separated path, hashed with sha256; symlinks to files are hashed as their targets,
//! symlinked folders are not entered, broken links are skipped, and the reference's default
//! exclude patterns apply to every path component (gitignore patterns without a slash).

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::artifact_rules::Artifacts;
use crate::fnmatch::Pattern;

/// in-toto's `ARTIFACT_EXCLUDE_PATTERNS`.
pub const DEFAULT_EXCLUDES: [&str; 4] = ["*.link*", ".git", "*.pyc", "*~"];

/// A file or folder that could not be read while recording.
#[derive(Debug, thiserror::Error)]
#[error("cannot record {path}: {source}")]
pub struct RecordError {
    pub path: PathBuf,
    pub source: std::io::Error,
}

fn excluded(name: &str, patterns: &[Pattern]) -> bool {
    patterns.iter().any(|p| p.matches(name))
}

/// Hashes every file below `root`.
pub fn record_folder(root: &Path) -> Result<Artifacts, RecordError> {
    let patterns: Vec<Pattern> = DEFAULT_EXCLUDES.iter().map(|p| Pattern::new(p)).collect();
    let mut artifacts = std::collections::BTreeMap::new();
    let mut pending = vec![(root.to_owned(), String::new())];
    while let Some((dir, relative)) = pending.pop() {
        let error = |source| RecordError {
            path: dir.clone(),
            source,
        };
        let mut entries: Vec<_> = std::fs::read_dir(&dir)
            .map_err(error)?
            .collect::<Result<_, _>>()
            .map_err(|source| RecordError {
                path: dir.clone(),
                source,
            })?;
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
                continue;
            };
            if excluded(&name, &patterns) {
                continue;
            }
            let path = entry.path();
            let child = if relative.is_empty() {
                name
            } else {
                format!("{relative}/{name}")
            };
            let file_type = entry.file_type().map_err(|source| RecordError {
                path: path.clone(),
                source,
            })?;
            if file_type.is_dir() {
                pending.push((path, child));
            } else if path.is_file() {
                // A regular file, or a symlink to one (os.walk lists both among the files).
                let digest = hash_file(&path).map_err(|source| RecordError {
                    path: path.clone(),
                    source,
                })?;
                artifacts.insert(child, [("sha256", digest)].into());
            }
        }
    }
    Ok(artifacts.into_iter().collect())
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
        }
        let recorded = record_folder(root).unwrap();
        let paths: Vec<&str> = recorded.keys().collect();
        let expected: &[&str] = if cfg!(unix) {
            &["a.txt", "alias", "src/b.py"]
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
}
