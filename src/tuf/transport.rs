//! Where a TUF client gets its bytes: a [`Transport`] serves the repository's metadata and
//! targets by relative name, never more than a given number of bytes. This transport
//! is a local folder (or a `file://` URL); the client workflow does not know which it has.

use std::path::{Path, PathBuf};

use crate::files::{self, ReadError};

/// The two halves of a repository (python-tuf's `metadata_base_url` and `target_base_url`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    Metadata,
    Targets,
}

/// Why a fetch returned no bytes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// The repository does not have the file (HTTP 403/404): the end of the root rotations.
    #[error("{location} does not exist")]
    NotFound { location: String },
    /// More bytes than allowed: an endless-data attack, or a file larger than its metadata
    /// says (python-tuf's `DownloadLengthMismatchError`).
    #[error("{location} is larger than the {limit} bytes allowed")]
    TooLarge { location: String, limit: u64 },
    /// The name cannot be fetched safely (it would leave the repository).
    #[error(transparent)]
    Unsafe(#[from] files::UnsafePath),
    #[error("cannot read {location}: {message}")]
    Io { location: String, message: String },
}

impl crate::report::Hint for FetchError {}

/// A repository's bytes, by name relative to the metadata or targets base, written as it goes
/// into a URL (role names percent-encoded, target paths as they are).
pub trait Transport: Send + Sync {
    /// At most `max_length` bytes of `name`, or why not.
    fn fetch(&self, area: Area, name: &str, max_length: u64) -> Result<Vec<u8>, FetchError>;

    /// Where `name` lives, for messages (a path or a URL).
    fn location(&self, area: Area, name: &str) -> String;
}

/// A repository on disk: `metadata/` and `targets/` as python-tuf and the Repository Service for
/// TUF publish them, or a metadata folder alone.
#[derive(Debug, Clone)]
pub struct FolderTransport {
    pub metadata: PathBuf,
    pub targets: PathBuf,
}

impl FolderTransport {
    /// `repo` holding `metadata/` (and `targets/`), or a folder of metadata itself (targets
    /// then looked up in a `targets/` beside it). Accepts a `file://` URL.
    pub fn open(repo: &str) -> Result<FolderTransport, FetchError> {
        let path = match repo.strip_prefix("file://") {
            Some(rest) => {
                PathBuf::from(files::percent_decode(rest).ok_or_else(|| FetchError::Io {
                    location: repo.to_owned(),
                    message: "the URL is not valid percent-encoded UTF-8".to_owned(),
                })?)
            }
            None => PathBuf::from(repo),
        };
        if !path.is_dir() {
            let message = match (std::fs::symlink_metadata(&path), std::fs::metadata(&path)) {
                (Err(e), _) if e.kind() == std::io::ErrorKind::NotFound => {
                    "no such file or folder".to_owned()
                }
                (Err(e), _) => format!("cannot be read: {e}"),
                (Ok(link), Err(_)) if link.is_symlink() => "a symbolic link to nothing".to_owned(),
                (Ok(_), _) => "not a folder".to_owned(),
            };
            return Err(FetchError::Io {
                location: path.display().to_string(),
                message,
            });
        }
        let nested = path.join("metadata");
        Ok(if nested.is_dir() {
            FolderTransport {
                metadata: nested,
                targets: path.join("targets"),
            }
        } else {
            let targets = match path.parent() {
                Some(parent) => parent.join("targets"),
                None => path.join("targets"),
            };
            FolderTransport {
                metadata: path,
                targets,
            }
        })
    }

    fn base(&self, area: Area) -> &Path {
        match area {
            Area::Metadata => &self.metadata,
            Area::Targets => &self.targets,
        }
    }
}

impl FolderTransport {
    /// The file a web server serving this folder would answer `name` with: percent-escapes
    /// decoded (a role `a/b` is `a%2Fb.json` in the URL and `a/b.json` on disk), and refused
    /// when it would leave the folder.
    fn path_of(&self, area: Area, name: &str) -> Result<PathBuf, FetchError> {
        let decoded = files::percent_decode(name).ok_or_else(|| FetchError::Io {
            location: name.to_owned(),
            message: "the name is not valid percent-encoded UTF-8".to_owned(),
        })?;
        Ok(files::join_inside(self.base(area), &decoded)?)
    }
}

impl Transport for FolderTransport {
    fn fetch(&self, area: Area, name: &str, max_length: u64) -> Result<Vec<u8>, FetchError> {
        let path = self.path_of(area, name)?;
        let location = || path.display().to_string();
        match files::read_bounded_or_missing(&path, max_length) {
            Ok(Some(bytes)) => Ok(bytes),
            Ok(None) => Err(FetchError::NotFound {
                location: location(),
            }),
            Err(ReadError::TooLarge { limit }) => Err(FetchError::TooLarge {
                location: location(),
                limit,
            }),
            Err(ReadError::Io(message)) => Err(FetchError::Io {
                location: location(),
                message,
            }),
            Err(error @ ReadError::NotAFile { .. }) => Err(FetchError::Io {
                location: location(),
                message: crate::report::chain(&error),
            }),
        }
    }

    fn location(&self, area: Area, name: &str) -> String {
        match self.path_of(area, name) {
            Ok(path) => path.display().to_string(),
            Err(_) => self.base(area).join(name).display().to_string(),
        }
    }
}

/// Files not written yet, in front of a transport: how a repository about to be published
/// is verified before anything reaches the disk.
pub struct OverlayTransport<'a> {
    pub base: &'a dyn Transport,
    /// Metadata by the name a client asks for (`3.targets.json`, `timestamp.json`).
    pub metadata: std::collections::BTreeMap<String, Vec<u8>>,
}

impl Transport for OverlayTransport<'_> {
    fn fetch(&self, area: Area, name: &str, max_length: u64) -> Result<Vec<u8>, FetchError> {
        if area == Area::Metadata
            && let Some(bytes) = self.metadata.get(name)
        {
            if bytes.len() as u64 > max_length {
                return Err(FetchError::TooLarge {
                    location: name.to_owned(),
                    limit: max_length,
                });
            }
            return Ok(bytes.clone());
        }
        self.base.fetch(area, name, max_length)
    }

    fn location(&self, area: Area, name: &str) -> String {
        match (area, self.metadata.contains_key(name)) {
            (Area::Metadata, true) => format!("{name} (about to be published)"),
            _ => self.base.location(area, name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_serves_within_its_caps_and_its_folders() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("metadata")).unwrap();
        std::fs::create_dir_all(dir.path().join("targets/a")).unwrap();
        std::fs::write(dir.path().join("metadata/root.json"), b"0123456789").unwrap();
        std::fs::write(dir.path().join("targets/a/f.txt"), b"hi").unwrap();
        std::fs::write(dir.path().join("secret"), b"no").unwrap();
        let url = format!("file://{}", dir.path().display()).replace(' ', "%20");
        let transport = FolderTransport::open(&url).unwrap();
        assert_eq!(
            transport.fetch(Area::Metadata, "root.json", 10).unwrap(),
            b"0123456789"
        );
        assert!(matches!(
            transport.fetch(Area::Metadata, "root.json", 9),
            Err(FetchError::TooLarge { limit: 9, .. })
        ));
        assert!(matches!(
            transport.fetch(Area::Metadata, "2.root.json", 9),
            Err(FetchError::NotFound { .. })
        ));
        assert_eq!(transport.fetch(Area::Targets, "a/f.txt", 2).unwrap(), b"hi");
        assert!(matches!(
            transport.fetch(Area::Targets, "../secret", 100),
            Err(FetchError::Unsafe(_))
        ));
        // Escapes are decoded as a web server would, then checked.
        assert_eq!(
            transport.fetch(Area::Targets, "a%2Ff.txt", 2).unwrap(),
            b"hi"
        );
        assert!(matches!(
            transport.fetch(Area::Metadata, "..%2F..%2Fsecret", 100),
            Err(FetchError::Unsafe(_))
        ));
        // A metadata folder given directly.
        let direct = FolderTransport::open(dir.path().join("metadata").to_str().unwrap()).unwrap();
        assert_eq!(direct.targets, dir.path().join("targets"));
    }
}
