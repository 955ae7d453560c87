//! The repository folder: reading the published and staged roles, writing drafts, and
//! the files and names a client fetches.

use super::*;

/// Writes published files; publish hands every file to it in order, with a barrier wherever
/// what follows must not reach clients before what came before.
pub trait Writer {
    /// Writes one file so that a reader sees the old one or the new one, never a mix.
    fn write(&mut self, path: &Path, bytes: &[u8]) -> std::io::Result<()>;
    /// Returns once everything written so far is on the disk.
    fn barrier(&mut self) -> std::io::Result<()>;
}

/// Files replaced atomically; at each barrier the files written since the last one, and their
/// folders, are flushed to disk together (thousands of bins would otherwise wait for the disk
/// one by one).
#[derive(Default)]
pub struct AtomicWriter {
    pending: Vec<PathBuf>,
}

impl Writer for AtomicWriter {
    fn write(&mut self, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        crate::files::write_replacing(path, bytes)?;
        self.pending.push(path.to_owned());
        Ok(())
    }

    fn barrier(&mut self) -> std::io::Result<()> {
        let mut paths = std::mem::take(&mut self.pending);
        let folders: BTreeSet<PathBuf> = paths
            .iter()
            .filter_map(|p| p.parent().map(Path::to_owned))
            .collect();
        paths.extend(folders);
        // Flushes overlap, so the file system commits them in groups.
        let chunk = paths.len().div_ceil(8).max(1);
        std::thread::scope(|scope| {
            let workers: Vec<_> = paths
                .chunks(chunk)
                .map(|chunk| {
                    scope.spawn(move || -> std::io::Result<()> {
                        for path in chunk {
                            std::fs::File::open(path)?.sync_all()?;
                        }
                        Ok(())
                    })
                })
                .collect();
            workers.into_iter().try_for_each(|w| {
                w.join()
                    .unwrap_or_else(|_| Err(std::io::Error::other("a flush thread panicked")))
            })
        })
    }
}

pub(super) fn read_metadata<T>(path: &Path) -> Result<Option<Metadata<T>>, RepoError>
where
    T: serde::de::DeserializeOwned + serde::Serialize,
    Metadata<T>: FromBytes,
{
    let bytes = files::read_bounded_or_missing(path, 50_000_000).map_err(|e| RepoError::Read {
        path: path.display().to_string(),
        source: e,
    })?;
    let Some(bytes) = bytes else {
        return Ok(None);
    };
    Metadata::<T>::parse(&bytes)
        .map(Some)
        .map_err(|source| RepoError::Metadata {
            path: path.display().to_string(),
            source,
        })
}

/// `Metadata::from_bytes` for the kinds the editor reads.
pub(super) trait FromBytes: Sized {
    fn parse(bytes: &[u8]) -> Result<Self, MetadataError>;
}

impl FromBytes for Metadata<Root> {
    fn parse(bytes: &[u8]) -> Result<Self, MetadataError> {
        Metadata::from_bytes(bytes)
    }
}

impl FromBytes for Metadata<Targets> {
    fn parse(bytes: &[u8]) -> Result<Self, MetadataError> {
        Metadata::from_bytes(bytes)
    }
}

impl FromBytes for Metadata<Snapshot> {
    fn parse(bytes: &[u8]) -> Result<Self, MetadataError> {
        Metadata::from_bytes(bytes)
    }
}

impl FromBytes for Metadata<Timestamp> {
    fn parse(bytes: &[u8]) -> Result<Self, MetadataError> {
        Metadata::from_bytes(bytes)
    }
}

pub(super) fn typed<T: serde::de::DeserializeOwned>(
    role: &str,
    payload: &Value,
) -> Result<T, RepoError> {
    model::from_value_at(payload, "signed").map_err(|source| RepoError::StagedUnreadable {
        role: role.to_owned(),
        source,
    })
}

/// A role's file name: `<version>.<role>.json` with consistent snapshots (what a client asks
/// for, role names percent-encoded), else `<role>.json`.
pub(super) fn client_name(role: &str, version: u64, consistent: bool) -> String {
    if consistent {
        format!("{version}.{}.json", quote(role))
    } else {
        format!("{}.json", quote(role))
    }
}

pub(super) fn envelope_bytes(signed: &Signed) -> Vec<u8> {
    signed.to_bytes()
}

/// Where a target's file lives under `targets/`: with consistent snapshots prefixed by its
/// hash (`dir/<sha256>.name`, the name clients ask for), else at its path.
pub(super) fn stored_target_name(target_path: &str, digest: &str, consistent: bool) -> String {
    if !consistent {
        return target_path.to_owned();
    }
    match target_path.rsplit_once('/') {
        Some((dir, base)) => format!("{dir}/{digest}.{base}"),
        None => format!("{digest}.{target_path}"),
    }
}

/// The path a role's file has on disk (the decoded form of what a client asks for, so a role
/// `a/b` sits in a folder `a`, as a web server maps `a%2Fb`).
pub(super) fn disk_name(role: &str, version: u64, consistent: bool) -> String {
    if consistent {
        format!("{version}.{role}.json")
    } else {
        format!("{role}.json")
    }
}

impl TufRepo {
    /// The repository's folder (the one holding `metadata/`).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Opens the repository in `dir` (which may not exist yet: then it is empty).
    pub fn open(dir: &Path) -> Result<TufRepo, RepoError> {
        let mut repo = TufRepo {
            dir: dir.to_owned(),
            published: Published::default(),
            staged: BTreeMap::new(),
            dirty: BTreeSet::new(),
            index: std::cell::RefCell::new(None),
        };
        repo.load_published()?;
        repo.load_staged()?;
        Ok(repo)
    }

    pub(super) fn metadata_dir(&self) -> PathBuf {
        self.dir.join("metadata")
    }

    pub(super) fn staged_dir(&self) -> PathBuf {
        self.dir.join("staged")
    }

    pub(super) fn staged_targets_dir(&self) -> PathBuf {
        self.staged_dir().join("targets")
    }

    /// Target files added since the last publish, as (path under `targets/`, bytes).
    pub(super) fn staged_target_files(&self) -> Result<Vec<(String, Vec<u8>)>, RepoError> {
        let root = self.staged_targets_dir();
        let mut out = Vec::new();
        let mut folders = vec![root.clone()];
        while let Some(folder) = folders.pop() {
            let Ok(entries) = std::fs::read_dir(&folder) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                let kind = entry.file_type().map_err(|e| RepoError::Read {
                    path: path.display().to_string(),
                    source: files::ReadError::from(e),
                })?;
                let temporary = entry
                    .file_name()
                    .to_str()
                    .is_some_and(|name| name.starts_with(files::TEMP_PREFIX));
                if kind.is_dir() {
                    folders.push(path);
                } else if kind.is_file() && !temporary {
                    let relative = path
                        .strip_prefix(&root)
                        .expect("walked from root")
                        .components()
                        .map(|c| c.as_os_str().to_string_lossy().into_owned())
                        .collect::<Vec<_>>()
                        .join("/");
                    let bytes = std::fs::read(&path).map_err(|e| RepoError::Read {
                        path: path.display().to_string(),
                        source: files::ReadError::from(e),
                    })?;
                    out.push((relative, bytes));
                }
            }
        }
        out.sort();
        Ok(out)
    }

    /// Every target a staged role lists anew or differently must have its file, with the
    /// length and hash listed, where clients will fetch it.
    pub(super) fn check_target_files(
        &self,
        staged_files: &[(String, Vec<u8>)],
    ) -> Result<Vec<PublishProblem>, RepoError> {
        let consistent = self.consistent();
        let staged: BTreeMap<&str, &[u8]> = staged_files
            .iter()
            .map(|(p, b)| (p.as_str(), b.as_slice()))
            .collect();
        let mut problems = Vec::new();
        for role in self
            .staged
            .keys()
            .filter(|r| !TOP_LEVEL_ROLES.contains(&r.as_str()) || *r == "targets")
        {
            let targets = self.current_targets(role)?;
            let published = self.published.targets.get(role.as_str());
            for (path, info) in &targets.targets {
                if published.and_then(|p| p.signed.targets.get(path)) == Some(info) {
                    continue;
                }
                // Clients fetch it by its first hash as written (python-tuf's naming).
                let Some((algorithm, digest)) = info
                    .hashes
                    .first_as_written()
                    .filter(|(algorithm, _)| hex_digest(algorithm, b"").is_some())
                else {
                    problems.push(PublishProblem::NoCheckableHash {
                        role: role.clone(),
                        path: path.clone(),
                    });
                    continue;
                };
                let stored = stored_target_name(path, digest, consistent);
                let bytes = match staged.get(stored.as_str()) {
                    Some(bytes) => Some(bytes.to_vec()),
                    None => files::read_bounded_or_missing(
                        &files::join_inside(&self.dir.join("targets"), &stored)?,
                        info.length.saturating_add(1),
                    )
                    .ok()
                    .flatten(),
                };
                match bytes {
                    None => problems.push(PublishProblem::TargetFileMissing {
                        role: role.clone(),
                        path: path.clone(),
                        stored,
                    }),
                    Some(bytes) => {
                        if bytes.len() as u64 != info.length
                            || hex_digest(algorithm, &bytes).as_deref() != Some(digest)
                        {
                            problems.push(PublishProblem::TargetFileDiffers {
                                role: role.clone(),
                                path: path.clone(),
                                stored,
                            });
                        }
                    }
                }
            }
        }
        Ok(problems)
    }

    pub(super) fn load_published(&mut self) -> Result<(), RepoError> {
        let metadata = self.metadata_dir();
        let mut version = 1;
        while let Some(root) =
            read_metadata::<Root>(&metadata.join(format!("{version}.root.json")))?
        {
            self.published.root = Some(root);
            version += 1;
        }
        if self.published.root.is_none() {
            self.published.root = read_metadata(&metadata.join("root.json"))?;
        }
        let Some(timestamp) = read_metadata::<Timestamp>(&metadata.join("timestamp.json"))? else {
            return Ok(());
        };
        let consistent = self.consistent();
        let snapshot_version = timestamp.signed.meta["snapshot.json"].version;
        let snapshot: Metadata<Snapshot> = read_metadata(&files::join_inside(
            &metadata,
            &client_name("snapshot", snapshot_version, consistent),
        )?)?
        .ok_or_else(|| RepoError::MissingSnapshot {
            dir: metadata.clone(),
            version: snapshot_version,
        })?;
        for (file, meta) in &snapshot.signed.meta {
            let role = file.strip_suffix(".json").unwrap_or(file);
            let path = files::join_inside(&metadata, &disk_name(role, meta.version, consistent))?;
            if let Some(targets) = read_metadata::<Targets>(&path)? {
                self.published.targets.insert(role.to_owned(), targets);
            }
        }
        self.published.snapshot = Some(snapshot);
        self.published.timestamp = Some(timestamp);
        Ok(())
    }

    pub(super) fn load_staged(&mut self) -> Result<(), RepoError> {
        let Ok(entries) = std::fs::read_dir(self.staged_dir()) else {
            return Ok(());
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(stem) = name.strip_suffix(".json") else {
                continue;
            };
            let role = files::percent_decode(stem).unwrap_or_else(|| stem.to_owned());
            let path = entry.path();
            let bytes = files::read_bounded(&path, 50_000_000).map_err(|e| RepoError::Read {
                path: path.display().to_string(),
                source: e,
            })?;
            let any = crate::tuf::metadata::AnyMetadata::from_bytes(&bytes).map_err(|source| {
                RepoError::Metadata {
                    path: path.display().to_string(),
                    source,
                }
            })?;
            let (value, signatures, covered) = match &any {
                crate::tuf::metadata::AnyMetadata::Root(m) => (
                    m.signed_value(),
                    m.signatures.clone(),
                    m.signed_bytes().to_vec(),
                ),
                crate::tuf::metadata::AnyMetadata::Targets(m) => (
                    m.signed_value(),
                    m.signatures.clone(),
                    m.signed_bytes().to_vec(),
                ),
                _ => continue,
            };
            self.staged.insert(
                role,
                Signed::loaded(EnvelopeKind::Legacy, value, None, signatures, covered),
            );
        }
        Ok(())
    }

    /// Writes the staging folder: one file per staged role, none for the others.
    pub fn save_staged(&mut self) -> Result<(), RepoError> {
        let dir = self.staged_dir();
        std::fs::create_dir_all(&dir).map_err(|source| RepoError::Write {
            path: dir.clone(),
            source,
        })?;
        let wanted: BTreeSet<String> = self
            .staged
            .keys()
            .map(|role| format!("{}.json", quote(role)))
            .collect();
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.ends_with(".json") && !wanted.contains(&name) {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        }
        // Drafts: replaced atomically, without waiting for the disk each time (a repository
        // with thousands of bins stages thousands of files).
        for role in &self.dirty {
            let Some(signed) = self.staged.get(role) else {
                continue;
            };
            let path = dir.join(format!("{}.json", quote(role)));
            crate::files::write_replacing(&path, &envelope_bytes(signed))
                .map_err(|source| RepoError::Write { path, source })?;
        }
        self.dirty.clear();
        Ok(())
    }

    /// Whether the repository uses consistent snapshots (the newest root says; on by default).
    pub fn consistent(&self) -> bool {
        self.current_root()
            .ok()
            .and_then(|r| r.consistent_snapshot)
            .unwrap_or(true)
    }

    pub(super) fn published_root(&self) -> Option<&Root> {
        self.published.root.as_ref().map(|m| &m.signed)
    }

    /// The root as it will be published: staged, else published.
    pub fn current_root(&self) -> Result<Root, RepoError> {
        match self.staged.get("root") {
            Some(signed) => typed("root", signed.payload()),
            None => self.published_root().cloned().ok_or(RepoError::NoRootYet),
        }
    }

    /// A targets role as it will be published.
    pub fn current_targets(&self, role: &str) -> Result<Targets, RepoError> {
        match self.staged.get(role) {
            Some(signed) => typed(role, signed.payload()),
            None => self
                .published
                .targets
                .get(role)
                .map(|m| m.signed.clone())
                .ok_or_else(|| RepoError::UnknownRole(role.to_owned())),
        }
    }

    pub(super) fn published_version(&self, role: &str) -> Option<u64> {
        match role {
            "root" => self.published_root().map(|r| r.version),
            _ => self.published.targets.get(role).map(|m| m.signed.version),
        }
    }

    pub fn is_staged(&self, role: &str) -> bool {
        self.staged.contains_key(role)
    }

    pub(super) fn put_staged(&mut self, role: &str, payload: Value) {
        self.changed(role);
        match self.staged.get_mut(role) {
            Some(signed) => signed.set_payload(payload),
            None => {
                self.staged
                    .insert(role.to_owned(), Signed::new(EnvelopeKind::Legacy, payload));
            }
        }
    }

    /// The published versions of `role` on disk (consistent snapshots keep them all).
    pub fn published_file(&self, role: &str, version: u64) -> Result<Vec<u8>, RepoError> {
        let consistent = self.consistent();
        let name = if role == "root" {
            format!("{version}.root.json")
        } else {
            disk_name(role, version, consistent)
        };
        let path = files::join_inside(&self.metadata_dir(), &name)?;
        files::read_bounded(&path, 50_000_000).map_err(|e| RepoError::Read {
            path: path.display().to_string(),
            source: e,
        })
    }

    /// The staged envelope of `role`, as it would be written.
    pub fn staged_file(&self, role: &str) -> Option<Vec<u8>> {
        self.staged.get(role).map(envelope_bytes)
    }

    pub fn latest_version(&self, role: &str) -> Option<u64> {
        self.published_version(role)
    }
}
