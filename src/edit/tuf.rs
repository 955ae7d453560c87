//! The TUF repository editor: roles changed in a staging folder (each change bumps the role's
//! version once, so signatures made afterwards cover the version that will be published),
//! signed one key at a time (here, or offline), then published in the order that keeps the
//! repository valid at every moment: targets files, targets and delegated roles, root, snapshot,
//! and `timestamp.json` last. Nothing is published that chainscope's own client would refuse.
//!
//! Layout of a repository folder: `metadata/` and `targets/` as published (what a web server
//! serves), `staged/` for changes not yet published.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::crypto::digest::hex_digest;
use crate::crypto::signed::{EnvelopeKind, ImportError, SignReport, Signed};
use crate::crypto::threshold::short;
use crate::crypto::{PrivateKey, PublicKey, RoleKeys, ThresholdReport, check_threshold};
use crate::files::{self, quote};
use crate::model::{self, Expires, HashDict};
use crate::time::UtcTime;
use crate::trace::Trace;
use crate::tuf::client::{Client, ClientConfig};
use crate::tuf::metadata::{
    DelegatedRole, Delegations, MetaFile, Metadata, MetadataError, Role, Root, SPEC_VERSION,
    Snapshot, SuccinctRoles, TOP_LEVEL_ROLES, TargetFile, Targets, Timestamp,
};
use crate::tuf::transport::{FolderTransport, OverlayTransport};

const DAY: i64 = 86_400;

/// Public keys by keyid, as root and delegations list them.
type Keys = BTreeMap<String, PublicKey>;

/// Why an edit or a publish was refused, or what could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    #[error("cannot read {path}")]
    Read {
        path: String,
        #[source]
        source: files::ReadError,
    },
    #[error("cannot read {path} as TUF metadata")]
    Metadata {
        path: String,
        #[source]
        source: MetadataError,
    },
    #[error("timestamp.json names snapshot version {version}, which is not in {}", dir.display())]
    MissingSnapshot { dir: PathBuf, version: u64 },
    #[error("there is no role named \"{0}\"")]
    UnknownRole(String),
    #[error("the repository has no root yet")]
    NoRootYet,
    #[error("{} already holds a repository", dir.display())]
    AlreadyARepository { dir: PathBuf },
    #[error("the {role} role needs at least one key")]
    NoKeysFor { role: String },
    #[error("the staged {role} is not {role} metadata chainscope can edit")]
    StagedUnreadable {
        role: String,
        #[source]
        source: crate::model::FieldError,
    },
    #[error("the edited {role} would not be valid metadata")]
    WouldBeInvalid {
        role: String,
        #[source]
        source: MetadataError,
    },
    #[error("{role} has no canonical form to sign")]
    NoCanonicalForm {
        role: String,
        #[source]
        source: crate::cjson::CanonicalError,
    },
    #[error("{role} is not trusted for {path}: clients would never find it there")]
    NotTrustedForPath { role: String, path: String },
    #[error("no role lists {path}")]
    NoRoleListsTarget { path: String },
    #[error("{role} does not list {path}")]
    NotListed { role: String, path: String },
    #[error("there is already a role named \"{name}\"")]
    RoleExists { name: String },
    #[error("{role} delegates to succinct bins, so it cannot list other roles too")]
    DelegatesToBins { role: String },
    #[error("{role} already lists delegated roles, so succinct bins cannot be its delegation")]
    ListsRoles { role: String },
    #[error("{role} delegates to no succinct bins")]
    NoBins { role: String },
    #[error("hashed bins take a bit length from 1 to 16, not {bits}")]
    BitLength { bits: u32 },
    #[error("key {} already signs for {role}", short(keyid))]
    KeyAlreadySigns { role: String, keyid: String },
    #[error("key {} does not sign for {role}", short(keyid))]
    KeyDoesNotSign { role: String, keyid: String },
    #[error("only {keys_left} keys would be left to sign {role}, whose threshold is {threshold}")]
    ThresholdOutOfReach {
        role: String,
        keys_left: usize,
        threshold: u64,
    },
    #[error(
        "a threshold for {role} must be between 1 and its number of keys ({keys}), not {threshold}"
    )]
    BadThreshold {
        role: String,
        threshold: u64,
        keys: usize,
    },
    #[error("{role} is made anew at each publish")]
    MadeAtPublish { role: String },
    #[error("{role} is signed at publish")]
    SignedAtPublish { role: String },
    #[error("cannot write {}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("not published: {}", list(problems))]
    NotReady { problems: Vec<PublishProblem> },
    #[error("not published: the repository would not verify: {why}")]
    WouldNotVerify { why: String },
    #[error(transparent)]
    Unsafe(#[from] files::UnsafePath),
    #[error("key {} may not sign {role}", short(keyid))]
    NotAKeyOf { role: String, keyid: String },
    #[error("cannot sign {role}")]
    Sign {
        role: String,
        #[source]
        source: crate::crypto::SignError,
    },
    #[error("signature not added to {role}")]
    Import {
        role: String,
        #[source]
        source: ImportError,
    },
}

impl crate::report::Hint for RepoError {
    fn hint(&self) -> Option<String> {
        let hint = match self {
            RepoError::NoRootYet => "initialize it first: chainscope tuf init",
            RepoError::AlreadyARepository { .. } => {
                "open that repository to edit it, or initialize an empty folder"
            }
            RepoError::NotTrustedForPath { .. } => {
                "add the target to a role whose delegation covers its path, or name no role and chainscope picks the one clients will look in"
            }
            RepoError::ThresholdOutOfReach { .. } => "lower the threshold first",
            RepoError::MadeAtPublish { .. } => "give its lifetime when publishing",
            RepoError::SignedAtPublish { .. } => "give its key when publishing",
            RepoError::NotAKeyOf { role, .. } => {
                return Some(format!(
                    "the keys that may sign {role} are listed by the role that delegates it: add the key there first"
                ));
            }
            RepoError::NotReady { problems } => {
                return problems
                    .iter()
                    .find_map(PublishProblem::hint)
                    .map(str::to_owned);
            }
            RepoError::BadThreshold { .. } | RepoError::KeyDoesNotSign { .. } => {
                "chainscope tuf status lists each role's keys and threshold"
            }
            _ => return None,
        };
        Some(hint.to_owned())
    }
}

/// Why a publish cannot go ahead: each one a role or a file clients would refuse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublishProblem {
    /// Too few valid signatures; `staged` is false when the role was not edited but its keys
    /// were, so it must be signed again.
    BelowThreshold {
        role: String,
        version: u64,
        summary: String,
        staged: bool,
    },
    /// A new root must also be signed by a threshold of the root it replaces.
    PreviousRootBelowThreshold {
        version: u64,
        summary: String,
    },
    /// Snapshot or timestamp, signed at publish with the online keys given.
    OnlineKeyMissing {
        role: String,
        summary: String,
    },
    NoMetadata {
        role: String,
    },
    NoRoot,
    NoCheckableHash {
        role: String,
        path: String,
    },
    TargetFileMissing {
        role: String,
        path: String,
        stored: String,
    },
    TargetFileDiffers {
        role: String,
        path: String,
        stored: String,
    },
}

impl PublishProblem {
    fn hint(&self) -> Option<&'static str> {
        match self {
            PublishProblem::BelowThreshold { .. }
            | PublishProblem::PreviousRootBelowThreshold { .. } => {
                Some("chainscope tuf status (or the TUF editor) shows who still has to sign")
            }
            PublishProblem::OnlineKeyMissing { .. } => Some("give its key when publishing"),
            PublishProblem::TargetFileMissing { .. } | PublishProblem::TargetFileDiffers { .. } => {
                Some("add the target again from the file clients should get")
            }
            _ => None,
        }
    }
}

impl std::fmt::Display for PublishProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PublishProblem::BelowThreshold {
                role,
                version,
                summary,
                staged,
            } => {
                write!(f, "{role} v{version}: {summary}")?;
                if !staged {
                    f.write_str(" (not staged: its keys changed, so sign it again)")?;
                }
                Ok(())
            }
            PublishProblem::PreviousRootBelowThreshold { version, summary } => {
                write!(
                    f,
                    "root v{version} by the keys of the root it replaces: {summary}"
                )
            }
            PublishProblem::OnlineKeyMissing { role, summary } => write!(f, "{role}: {summary}"),
            PublishProblem::NoMetadata { role } => {
                write!(f, "{role} is delegated but has no metadata")
            }
            PublishProblem::NoRoot => f.write_str("there is no root to publish"),
            PublishProblem::NoCheckableHash { role, path } => {
                write!(
                    f,
                    "{role} lists {path} with no hash chainscope can check first"
                )
            }
            PublishProblem::TargetFileMissing { role, path, stored } => {
                write!(f, "{role} lists {path}, but targets/{stored} is not there")
            }
            PublishProblem::TargetFileDiffers { role, path, stored } => {
                write!(
                    f,
                    "{role} lists {path}, but targets/{stored} has other contents"
                )
            }
        }
    }
}

fn list(problems: &[PublishProblem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

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

/// How a role is delegated, as `add-key` and friends need to find it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Delegator {
    Root,
    /// Listed by `delegator` in its `roles`, at `index`.
    Listed {
        delegator: String,
        index: usize,
    },
    /// One of `delegator`'s succinct bins.
    Bin {
        delegator: String,
    },
}

/// What is published now.
#[derive(Debug, Default)]
struct Published {
    root: Option<Metadata<Root>>,
    snapshot: Option<Metadata<Snapshot>>,
    timestamp: Option<Metadata<Timestamp>>,
    targets: BTreeMap<String, Metadata<Targets>>,
}

/// A role's signing state, for `status`.
#[derive(Debug, Clone)]
pub struct RoleState {
    pub role: String,
    pub version: u64,
    pub staged: bool,
    pub expires: String,
    pub expires_in_days: i64,
    pub report: ThresholdReport,
    /// For a staged root: the report against the root it replaces.
    pub previous_root: Option<ThresholdReport>,
}

impl RoleState {
    pub fn ready(&self) -> bool {
        self.report.is_met()
            && self
                .previous_root
                .as_ref()
                .is_none_or(ThresholdReport::is_met)
    }
}

/// What a publish wrote.
#[derive(Debug, Clone)]
pub struct PublishReport {
    pub files: Vec<PathBuf>,
    pub snapshot_version: u64,
    pub timestamp_version: u64,
}

/// Options of a publish.
pub struct PublishOptions {
    pub now: UtcTime,
    /// Keys that sign snapshot and timestamp (each used for the roles it is authorized for).
    pub online_keys: Vec<PrivateKey>,
    pub snapshot_expires: UtcTime,
    pub timestamp_expires: UtcTime,
}

/// What a delegation hands over (TUF 1.0.34 §2.1.2 "paths" or "path_hash_prefixes"; TAP 15
/// succinct hash bins; or hash bins listed one by one, as PEP 458 had them before TAP 15).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DelegationScope {
    Paths(Vec<String>),
    HashPrefixes(Vec<String>),
    SuccinctBins { bit_length: u32 },
    HashedBins { bit_length: u32 },
}

/// One delegation, as the CLI and the app ask for it.
#[derive(Debug, Clone, PartialEq)]
pub struct DelegateRequest {
    pub delegator: String,
    /// The new role's name, or the bins' name prefix.
    pub name: String,
    pub keys: Vec<PublicKey>,
    pub threshold: u64,
    pub scope: DelegationScope,
    /// Ignored for bins (TAP 15 bins never terminate a search on their own).
    pub terminating: bool,
    /// The new roles' expiry.
    pub expires: UtcTime,
}

impl DelegateRequest {
    /// What the delegation did, in words, given how many bins it made.
    pub fn done(&self, bins: u64) -> String {
        let DelegateRequest {
            delegator, name, ..
        } = self;
        match &self.scope {
            DelegationScope::Paths(paths) => {
                format!("{delegator} delegates {} to {name}", paths.join(", "))
            }
            DelegationScope::HashPrefixes(prefixes) => format!(
                "{delegator} delegates hash prefixes {} to {name}",
                prefixes.join(", ")
            ),
            DelegationScope::SuccinctBins { .. } | DelegationScope::HashedBins { .. } => {
                format!("{delegator} delegates to {bins} bins named {name}-…")
            }
        }
    }
}

pub struct TufRepo {
    dir: PathBuf,
    published: Published,
    staged: BTreeMap<String, Signed>,
    /// Staged roles changed since they were last saved.
    dirty: BTreeSet<String>,
    /// Every targets role and how it is delegated, worked out once per state of the
    /// repository (a repository may have tens of thousands of bins).
    index: std::cell::RefCell<Option<std::sync::Arc<RoleIndex>>>,
}

/// The targets roles in pre-order from `targets`, with their delegators.
#[derive(Debug, Default)]
struct RoleIndex {
    order: Vec<(String, Delegator)>,
    by_name: std::collections::HashMap<String, Delegator>,
}

fn read_metadata<T>(path: &Path) -> Result<Option<Metadata<T>>, RepoError>
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
trait FromBytes: Sized {
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

fn typed<T: serde::de::DeserializeOwned>(role: &str, payload: &Value) -> Result<T, RepoError> {
    model::from_value_at(payload, "signed").map_err(|source| RepoError::StagedUnreadable {
        role: role.to_owned(),
        source,
    })
}

/// A role's file name: `<version>.<role>.json` with consistent snapshots (what a client asks
/// for, role names percent-encoded), else `<role>.json`.
fn client_name(role: &str, version: u64, consistent: bool) -> String {
    if consistent {
        format!("{version}.{}.json", quote(role))
    } else {
        format!("{}.json", quote(role))
    }
}

fn envelope_bytes(signed: &Signed) -> Vec<u8> {
    signed.to_bytes()
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

    fn metadata_dir(&self) -> PathBuf {
        self.dir.join("metadata")
    }

    fn staged_dir(&self) -> PathBuf {
        self.dir.join("staged")
    }

    fn staged_targets_dir(&self) -> PathBuf {
        self.staged_dir().join("targets")
    }

    /// Target files added since the last publish, as (path under `targets/`, bytes).
    fn staged_target_files(&self) -> Result<Vec<(String, Vec<u8>)>, RepoError> {
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
    fn check_target_files(
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

    fn load_published(&mut self) -> Result<(), RepoError> {
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

    fn load_staged(&mut self) -> Result<(), RepoError> {
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

    fn published_root(&self) -> Option<&Root> {
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

    fn published_version(&self, role: &str) -> Option<u64> {
        match role {
            "root" => self.published_root().map(|r| r.version),
            _ => self.published.targets.get(role).map(|m| m.signed.version),
        }
    }

    pub fn is_staged(&self, role: &str) -> bool {
        self.staged.contains_key(role)
    }

    /// Every targets role reachable from `targets` in the repository as it will be published,
    /// in pre-order, and how each is delegated.
    fn roles(&self) -> Result<std::sync::Arc<RoleIndex>, RepoError> {
        if let Some(index) = self.index.borrow().as_ref() {
            return Ok(index.clone());
        }
        let order = self.walk_roles();
        let by_name = order.iter().cloned().collect();
        let index = std::sync::Arc::new(RoleIndex { order, by_name });
        *self.index.borrow_mut() = Some(index.clone());
        Ok(index)
    }

    fn changed(&mut self, role: &str) {
        self.dirty.insert(role.to_owned());
    }

    /// The delegations changed: the role index is worked out again when next needed.
    fn delegations_changed(&mut self) {
        *self.index.borrow_mut() = None;
    }

    fn walk_roles(&self) -> Vec<(String, Delegator)> {
        let mut out = vec![("targets".to_owned(), Delegator::Root)];
        let mut seen: BTreeSet<String> = ["targets".to_owned()].into();
        let mut index = 0;
        while index < out.len() {
            let role = out[index].0.clone();
            index += 1;
            let Ok(targets) = self.current_targets(&role) else {
                continue;
            };
            let Some(delegations) = &targets.delegations else {
                continue;
            };
            let children: Vec<(String, Delegator)> =
                match (&delegations.roles, &delegations.succinct_roles) {
                    (Some(roles), _) => roles
                        .iter()
                        .enumerate()
                        .map(|(i, r)| {
                            (
                                r.name.clone(),
                                Delegator::Listed {
                                    delegator: role.clone(),
                                    index: i,
                                },
                            )
                        })
                        .collect(),
                    (None, Some(succinct)) => succinct
                        .bin_names()
                        .map(|name| {
                            (
                                name,
                                Delegator::Bin {
                                    delegator: role.clone(),
                                },
                            )
                        })
                        .collect(),
                    _ => Vec::new(),
                };
            for child in children {
                if seen.insert(child.0.clone()) {
                    out.push(child);
                }
            }
        }
        out
    }

    fn delegator_of(&self, role: &str) -> Result<Delegator, RepoError> {
        if TOP_LEVEL_ROLES.contains(&role) {
            return Ok(Delegator::Root);
        }
        self.roles()?
            .by_name
            .get(role)
            .cloned()
            .ok_or_else(|| RepoError::UnknownRole(role.to_owned()))
    }

    /// Keys, keyids and threshold that authorize `role` now.
    fn authority(&self, role: &str) -> Result<(Keys, Vec<String>, u64), RepoError> {
        self.authority_in(role, &self.current_root()?, &mut HashMap::new())
    }

    /// [`TufRepo::authority`] with root and the delegators already parsed (`parents` fills
    /// up as it goes): one parse of a delegator for all its bins.
    fn authority_in(
        &self,
        role: &str,
        root: &Root,
        parents: &mut HashMap<String, Targets>,
    ) -> Result<(Keys, Vec<String>, u64), RepoError> {
        let delegator = self.delegator_of(role)?;
        let parent_name = match &delegator {
            Delegator::Root => {
                let entry = root
                    .roles
                    .get(role)
                    .ok_or_else(|| RepoError::UnknownRole(role.to_owned()))?;
                return Ok((root.keys.clone(), entry.keyids.clone(), entry.threshold));
            }
            Delegator::Listed { delegator, .. } | Delegator::Bin { delegator } => delegator,
        };
        if !parents.contains_key(parent_name) {
            parents.insert(parent_name.clone(), self.current_targets(parent_name)?);
        }
        let delegations = parents[parent_name]
            .delegations
            .as_ref()
            .ok_or_else(|| RepoError::UnknownRole(role.to_owned()))?;
        match delegator {
            Delegator::Listed { index, .. } => {
                let entry = delegations
                    .roles
                    .as_ref()
                    .and_then(|roles| roles.get(index))
                    .ok_or_else(|| RepoError::UnknownRole(role.to_owned()))?;
                Ok((
                    delegations.keys.clone(),
                    entry.keyids.clone(),
                    entry.threshold,
                ))
            }
            _ => {
                let succinct = delegations
                    .succinct_roles
                    .as_ref()
                    .ok_or_else(|| RepoError::UnknownRole(role.to_owned()))?;
                Ok((
                    delegations.keys.clone(),
                    succinct.keyids.clone(),
                    succinct.threshold,
                ))
            }
        }
    }

    /// Stages root (bumping its version the first time) and applies `edit`.
    fn stage_root(
        &mut self,
        edit: impl FnOnce(&mut Root) -> Result<(), RepoError>,
    ) -> Result<(), RepoError> {
        let mut root = match self.staged.get("root") {
            Some(signed) => typed("root", signed.payload())?,
            None => {
                let mut root = self.current_root()?;
                root.version += 1;
                root
            }
        };
        edit(&mut root)?;
        let envelope = json!({"signed": model::to_value(&root), "signatures": []});
        Metadata::<Root>::from_value(&envelope).map_err(|source| RepoError::WouldBeInvalid {
            role: "root".into(),
            source,
        })?;
        self.put_staged("root", model::to_value(&root));
        Ok(())
    }

    /// Stages a targets role (bumping its version the first time) and applies `edit`.
    fn stage_targets(
        &mut self,
        role: &str,
        edit: impl FnOnce(&mut Targets) -> Result<(), RepoError>,
    ) -> Result<(), RepoError> {
        let mut targets = match self.staged.get(role) {
            Some(signed) => typed(role, signed.payload())?,
            None => {
                let mut targets = self.current_targets(role)?;
                targets.version += 1;
                targets
            }
        };
        let delegations_before = targets.delegations.clone();
        edit(&mut targets)?;
        if targets.delegations != delegations_before {
            self.delegations_changed();
        }
        let envelope = json!({"signed": model::to_value(&targets), "signatures": []});
        Metadata::<Targets>::from_value(&envelope).map_err(|source| RepoError::WouldBeInvalid {
            role: role.to_owned(),
            source,
        })?;
        self.put_staged(role, model::to_value(&targets));
        Ok(())
    }

    fn put_staged(&mut self, role: &str, payload: Value) {
        self.changed(role);
        match self.staged.get_mut(role) {
            Some(signed) => signed.set_payload(payload),
            None => {
                self.staged
                    .insert(role.to_owned(), Signed::new(EnvelopeKind::Legacy, payload));
            }
        }
    }

    fn new_targets(expires: UtcTime) -> Targets {
        Targets {
            type_: "targets".into(),
            spec_version: SPEC_VERSION.into(),
            version: 1,
            expires: Expires::new(expires),
            targets: BTreeMap::new(),
            delegations: None,
            unknown: BTreeMap::new(),
        }
    }

    /// A new repository: root (with these keys and thresholds) and an empty targets role,
    /// staged for signing. Snapshot and timestamp come at the first publish.
    pub fn init(
        dir: &Path,
        keys: &BTreeMap<&str, (Vec<PublicKey>, u64)>,
        consistent_snapshot: bool,
        expires: UtcTime,
    ) -> Result<TufRepo, RepoError> {
        let mut repo = TufRepo::open(dir)?;
        if repo.published.root.is_some() || repo.staged.contains_key("root") {
            return Err(RepoError::AlreadyARepository {
                dir: dir.to_path_buf(),
            });
        }
        let mut root_keys = BTreeMap::new();
        let mut roles = BTreeMap::new();
        for role in TOP_LEVEL_ROLES {
            let (role_keys, threshold) =
                keys.get(role)
                    .cloned()
                    .ok_or_else(|| RepoError::NoKeysFor {
                        role: role.to_string(),
                    })?;
            if role_keys.is_empty() {
                return Err(RepoError::NoKeysFor {
                    role: role.to_string(),
                });
            }
            roles.insert(
                role.to_owned(),
                Role {
                    keyids: role_keys.iter().map(|k| k.keyid().to_owned()).collect(),
                    threshold,
                    unknown: BTreeMap::new(),
                },
            );
            for key in role_keys {
                root_keys.insert(key.keyid().to_owned(), key);
            }
        }
        let root = Root {
            type_: "root".into(),
            spec_version: SPEC_VERSION.into(),
            version: 1,
            expires: Expires::new(expires),
            consistent_snapshot: Some(consistent_snapshot),
            keys: root_keys,
            roles,
            unknown: BTreeMap::new(),
        };
        let envelope = json!({"signed": model::to_value(&root), "signatures": []});
        Metadata::<Root>::from_value(&envelope).map_err(|source| RepoError::WouldBeInvalid {
            role: "root".into(),
            source,
        })?;
        repo.put_staged("root", model::to_value(&root));
        repo.put_staged("targets", model::to_value(&TufRepo::new_targets(expires)));
        Ok(repo)
    }

    /// The role a new target goes to: the deepest one reached by following, from `targets`,
    /// the first delegation that covers the path at each level (a succinct bin, a hash prefix,
    /// a path pattern).
    pub fn responsible_role(&self, path: &str) -> Result<String, RepoError> {
        let mut role = "targets".to_owned();
        let mut visited = BTreeSet::new();
        while visited.insert(role.clone()) {
            let targets = self.current_targets(&role)?;
            let Some(delegations) = &targets.delegations else {
                break;
            };
            let next = match (&delegations.roles, &delegations.succinct_roles) {
                (Some(roles), _) => roles
                    .iter()
                    .find(|r| r.is_delegated_path(path))
                    .map(|r| r.name.clone()),
                (None, Some(succinct)) => Some(succinct.role_for_target(path)),
                _ => None,
            };
            match next {
                Some(next) => role = next,
                None => break,
            }
        }
        Ok(role)
    }

    /// Adds (or replaces) a target: hashes the file, copies it where clients fetch it, and lists
    /// it in `role` (default: [`TufRepo::responsible_role`]).
    pub fn add_target(
        &mut self,
        file: &Path,
        target_path: &str,
        role: Option<&str>,
        custom: Option<Value>,
    ) -> Result<String, RepoError> {
        files::check_relative(target_path)?;
        let role = match role {
            Some(role) => role.to_owned(),
            None => self.responsible_role(target_path)?,
        };
        let delegator = self.delegator_of(&role)?;
        if let Delegator::Listed { delegator, index } = &delegator {
            let parent = self.current_targets(delegator)?;
            let entry = &parent.delegations.and_then(|d| d.roles).unwrap_or_default()[*index];
            if !entry.is_delegated_path(target_path) {
                return Err(RepoError::NotTrustedForPath {
                    role: role.to_string(),
                    path: target_path.to_owned(),
                });
            }
        }
        // Staged, not published: without consistent snapshots the published copy is the one
        // clients check against the published metadata until the publish. The file is hashed
        // as it is copied, so a target of any size is never held in memory.
        let staged = self.staged_targets_dir();
        std::fs::create_dir_all(&staged).map_err(|source| RepoError::Write {
            path: staged.clone(),
            source,
        })?;
        let (copy, sha256, length) =
            files::copy_hashing(file, &staged).map_err(|e| RepoError::Read {
                path: file.display().to_string(),
                source: e,
            })?;
        let info = TargetFile {
            length,
            hashes: [("sha256", sha256.as_str())].into(),
            custom,
            unknown: BTreeMap::new(),
        };
        let stored = stored_target_name(target_path, &sha256, self.consistent());
        let destination = files::join_inside(&staged, &stored)?;
        if let Some(parent) = destination.parent() {
            std::fs::create_dir_all(parent).map_err(|source| RepoError::Write {
                path: parent.to_owned(),
                source,
            })?;
        }
        files::give_mode(copy.as_file(), &destination).map_err(|source| RepoError::Write {
            path: destination.clone(),
            source,
        })?;
        copy.persist(&destination).map_err(|e| RepoError::Write {
            path: destination.clone(),
            source: e.error,
        })?;
        let path = target_path.to_owned();
        self.stage_targets(&role, |targets| {
            targets.targets.insert(path, info);
            Ok(())
        })?;
        Ok(role)
    }

    pub fn remove_target(
        &mut self,
        target_path: &str,
        role: Option<&str>,
    ) -> Result<String, RepoError> {
        let role = match role {
            Some(role) => role.to_owned(),
            None => {
                let lists = |name: &str| {
                    self.current_targets(name)
                        .is_ok_and(|t| t.targets.contains_key(target_path))
                };
                // Where add-target puts it, else wherever it was listed by hand.
                let expected = self.responsible_role(target_path)?;
                if lists(&expected) {
                    expected
                } else {
                    self.roles()?
                        .order
                        .iter()
                        .map(|(name, _)| name.clone())
                        .find(|name| lists(name))
                        .ok_or_else(|| RepoError::NoRoleListsTarget {
                            path: target_path.to_owned(),
                        })?
                }
            }
        };
        let (path, name) = (target_path.to_owned(), role.clone());
        self.stage_targets(&role, |targets| {
            targets
                .targets
                .remove(&path)
                .map(|_| ())
                .ok_or_else(|| RepoError::NotListed {
                    role: name.clone(),
                    path: path.clone(),
                })
        })?;
        Ok(role)
    }

    fn check_new_role_name(&self, name: &str) -> Result<(), RepoError> {
        files::check_relative(name)?;
        if TOP_LEVEL_ROLES.contains(&name) || self.roles()?.by_name.contains_key(name) {
            return Err(RepoError::RoleExists {
                name: name.to_owned(),
            });
        }
        Ok(())
    }

    /// Applies a delegation as the request describes it: the one entry point the CLI and the
    /// app use. Returns how many bins were delegated (0 for a single role).
    pub fn apply_delegation(&mut self, request: &DelegateRequest) -> Result<u64, RepoError> {
        let DelegateRequest {
            delegator,
            name,
            keys,
            threshold,
            scope,
            terminating,
            expires,
        } = request;
        match scope {
            DelegationScope::Paths(paths) => self
                .delegate(
                    delegator,
                    name,
                    keys,
                    *threshold,
                    Some(paths.clone()),
                    None,
                    *terminating,
                    *expires,
                )
                .map(|()| 0),
            DelegationScope::HashPrefixes(prefixes) => self
                .delegate(
                    delegator,
                    name,
                    keys,
                    *threshold,
                    None,
                    Some(prefixes.clone()),
                    *terminating,
                    *expires,
                )
                .map(|()| 0),
            DelegationScope::SuccinctBins { bit_length } => {
                self.delegate_bins(delegator, *bit_length, name, keys, *threshold, *expires)
            }
            DelegationScope::HashedBins { bit_length } => {
                self.delegate_hashed_bins(delegator, *bit_length, name, keys, *threshold, *expires)
            }
        }
    }

    /// Delegates `paths` (or hash prefixes) from `delegator` to a new role `name`, trusted with
    /// `keys` and `threshold`; the new role starts empty.
    #[allow(clippy::too_many_arguments)]
    pub fn delegate(
        &mut self,
        delegator: &str,
        name: &str,
        keys: &[PublicKey],
        threshold: u64,
        paths: Option<Vec<String>>,
        prefixes: Option<Vec<String>>,
        terminating: bool,
        expires: UtcTime,
    ) -> Result<(), RepoError> {
        self.check_new_role_name(name)?;
        let role = DelegatedRole {
            name: name.to_owned(),
            keyids: keys.iter().map(|k| k.keyid().to_owned()).collect(),
            threshold,
            terminating,
            paths,
            path_hash_prefixes: prefixes,
            unknown: BTreeMap::new(),
        };
        let keys = keys.to_vec();
        self.stage_targets(delegator, |targets| {
            let delegations = targets.delegations.get_or_insert_with(empty_delegations);
            if delegations.succinct_roles.is_some() {
                return Err(RepoError::DelegatesToBins {
                    role: delegator.to_owned(),
                });
            }
            for key in keys {
                delegations.keys.insert(key.keyid().to_owned(), key);
            }
            delegations.roles.get_or_insert_with(Vec::new).push(role);
            Ok(())
        })?;
        self.put_staged(name, model::to_value(&TufRepo::new_targets(expires)));
        Ok(())
    }

    /// Delegates everything `delegator` is trusted for to 2^`bit_length` succinct bins
    /// (TAP 15), every bin created empty.
    pub fn delegate_bins(
        &mut self,
        delegator: &str,
        bit_length: u32,
        name_prefix: &str,
        keys: &[PublicKey],
        threshold: u64,
        expires: UtcTime,
    ) -> Result<u64, RepoError> {
        let succinct = SuccinctRoles {
            keyids: keys.iter().map(|k| k.keyid().to_owned()).collect(),
            threshold,
            bit_length,
            name_prefix: name_prefix.to_owned(),
            unknown: BTreeMap::new(),
        };
        let names: Vec<String> = succinct.bin_names().collect();
        for name in &names {
            self.check_new_role_name(name)?;
        }
        let keys = keys.to_vec();
        self.stage_targets(delegator, |targets| {
            let delegations = targets.delegations.get_or_insert_with(empty_delegations);
            if delegations.roles.as_ref().is_some_and(|r| !r.is_empty()) {
                return Err(RepoError::ListsRoles {
                    role: delegator.to_owned(),
                });
            }
            delegations.roles = None;
            for key in keys {
                delegations.keys.insert(key.keyid().to_owned(), key);
            }
            delegations.succinct_roles = Some(succinct);
            Ok(())
        })?;
        let empty = model::to_value(&TufRepo::new_targets(expires));
        for name in &names {
            self.put_staged(name, empty.clone());
        }
        Ok(names.len() as u64)
    }

    /// Delegates `delegator`'s targets to 2^`bit_length` listed roles by the sha256 of their
    /// paths (the classic "hashed bins" of the TUF examples): bin *i* is trusted for its share of
    /// the hex prefixes of `ceil(bit_length / 4)` digits and named `{name_prefix}-{first}-{last}`
    /// (or `{name_prefix}-{prefix}` when it has one prefix). Every bin is created empty.
    #[allow(clippy::too_many_arguments)]
    pub fn delegate_hashed_bins(
        &mut self,
        delegator: &str,
        bit_length: u32,
        name_prefix: &str,
        keys: &[PublicKey],
        threshold: u64,
        expires: UtcTime,
    ) -> Result<u64, RepoError> {
        if !(1..=16).contains(&bit_length) {
            return Err(RepoError::BitLength { bits: bit_length });
        }
        let digits = bit_length.div_ceil(4) as usize;
        let prefixes_per_bin = 1u64 << (4 * digits as u32 - bit_length);
        let bins = 1u64 << bit_length;
        let roles: Vec<DelegatedRole> = (0..bins)
            .map(|bin| {
                let prefixes: Vec<String> = (bin * prefixes_per_bin..(bin + 1) * prefixes_per_bin)
                    .map(|p| format!("{p:0digits$x}"))
                    .collect();
                let name = match prefixes.as_slice() {
                    [only] => format!("{name_prefix}-{only}"),
                    [first, .., last] => format!("{name_prefix}-{first}-{last}"),
                    [] => unreachable!("every bin has at least one prefix"),
                };
                DelegatedRole {
                    name,
                    keyids: keys.iter().map(|k| k.keyid().to_owned()).collect(),
                    threshold,
                    terminating: true,
                    paths: None,
                    path_hash_prefixes: Some(prefixes),
                    unknown: BTreeMap::new(),
                }
            })
            .collect();
        for role in &roles {
            self.check_new_role_name(&role.name)?;
        }
        let names: Vec<String> = roles.iter().map(|r| r.name.clone()).collect();
        let keys = keys.to_vec();
        self.stage_targets(delegator, |targets| {
            let delegations = targets.delegations.get_or_insert_with(empty_delegations);
            if delegations.succinct_roles.is_some() {
                return Err(RepoError::DelegatesToBins {
                    role: delegator.to_owned(),
                });
            }
            for key in keys {
                delegations.keys.insert(key.keyid().to_owned(), key);
            }
            delegations.roles.get_or_insert_with(Vec::new).extend(roles);
            Ok(())
        })?;
        let empty = model::to_value(&TufRepo::new_targets(expires));
        for name in &names {
            self.put_staged(name, empty.clone());
        }
        Ok(bins)
    }

    /// Changes the keys or threshold of `role` where it is delegated (root for the top-level
    /// roles, the delegator for the others).
    fn edit_authority(
        &mut self,
        role: &str,
        edit: impl FnOnce(
            &mut Vec<String>,
            &mut u64,
            &mut BTreeMap<String, PublicKey>,
        ) -> Result<(), RepoError>,
    ) -> Result<(), RepoError> {
        match self.delegator_of(role)? {
            Delegator::Root => {
                let role = role.to_owned();
                self.stage_root(|root| {
                    let entry = root
                        .roles
                        .get_mut(&role)
                        .ok_or_else(|| RepoError::UnknownRole(role.clone()))?;
                    let (mut keyids, mut threshold) = (entry.keyids.clone(), entry.threshold);
                    edit(&mut keyids, &mut threshold, &mut root.keys)?;
                    let entry = root.roles.get_mut(&role).expect("checked above");
                    entry.keyids = keyids;
                    entry.threshold = threshold;
                    prune_keys(
                        &mut root.keys,
                        root.roles.values().flat_map(|r| r.keyids.iter()),
                    );
                    Ok(())
                })
            }
            Delegator::Listed { delegator, index } => self.stage_targets(&delegator, |targets| {
                let delegations = targets.delegations.get_or_insert_with(empty_delegations);
                let roles = delegations.roles.get_or_insert_with(Vec::new);
                let entry = &mut roles[index];
                edit(
                    &mut entry.keyids,
                    &mut entry.threshold,
                    &mut delegations.keys,
                )?;
                let used: Vec<String> = roles.iter().flat_map(|r| r.keyids.clone()).collect();
                prune_keys(&mut delegations.keys, used.iter());
                Ok(())
            }),
            Delegator::Bin { delegator } => self.stage_targets(&delegator, |targets| {
                let delegations = targets.delegations.get_or_insert_with(empty_delegations);
                let succinct =
                    delegations
                        .succinct_roles
                        .as_mut()
                        .ok_or_else(|| RepoError::NoBins {
                            role: role.to_owned(),
                        })?;
                edit(
                    &mut succinct.keyids,
                    &mut succinct.threshold,
                    &mut delegations.keys,
                )?;
                let used = succinct.keyids.clone();
                prune_keys(&mut delegations.keys, used.iter());
                Ok(())
            }),
        }
    }

    pub fn add_key(&mut self, role: &str, key: &PublicKey) -> Result<(), RepoError> {
        let key = key.clone();
        self.edit_authority(role, |keyids, _, keys| {
            if keyids.contains(&key.keyid().to_owned()) {
                return Err(RepoError::KeyAlreadySigns {
                    role: role.to_owned(),
                    keyid: key.keyid().to_owned(),
                });
            }
            keyids.push(key.keyid().to_owned());
            keys.insert(key.keyid().to_owned(), key);
            Ok(())
        })
    }

    pub fn remove_key(&mut self, role: &str, keyid: &str) -> Result<(), RepoError> {
        let keyid = keyid.to_owned();
        self.edit_authority(role, |keyids, threshold, _| {
            let before = keyids.len();
            keyids.retain(|k| *k != keyid);
            if keyids.len() == before {
                return Err(RepoError::KeyDoesNotSign {
                    role: role.to_owned(),
                    keyid: keyid.to_owned(),
                });
            }
            if (keyids.len() as u64) < *threshold {
                return Err(RepoError::ThresholdOutOfReach {
                    role: role.to_owned(),
                    keys_left: keyids.len(),
                    threshold: *threshold,
                });
            }
            Ok(())
        })
    }

    pub fn set_threshold(&mut self, role: &str, threshold: u64) -> Result<(), RepoError> {
        self.edit_authority(role, |keyids, current, _| {
            if threshold == 0 || threshold > keyids.len() as u64 {
                return Err(RepoError::BadThreshold {
                    role: role.to_owned(),
                    threshold,
                    keys: keyids.len(),
                });
            }
            *current = threshold;
            Ok(())
        })
    }

    pub fn set_expiry(&mut self, role: &str, expires: UtcTime) -> Result<(), RepoError> {
        match role {
            "root" => self.stage_root(|root| {
                root.expires = Expires::new(expires);
                Ok(())
            }),
            "snapshot" | "timestamp" => Err(RepoError::MadeAtPublish {
                role: role.to_owned(),
            }),
            _ => self.stage_targets(role, |targets| {
                targets.expires = Expires::new(expires);
                Ok(())
            }),
        }
    }

    /// Makes sure `role` is staged (bumping its version), for signing.
    fn ensure_staged(&mut self, role: &str) -> Result<(), RepoError> {
        if self.staged.contains_key(role) {
            return Ok(());
        }
        match role {
            "root" => self.stage_root(|_| Ok(())),
            "snapshot" | "timestamp" => Err(RepoError::SignedAtPublish {
                role: role.to_owned(),
            }),
            _ => self.stage_targets(role, |_| Ok(())),
        }
    }

    /// The keys that may sign `role` now (for root also the keys of the root it replaces).
    fn may_sign(&self, role: &str, keyid: &str) -> Result<bool, RepoError> {
        let (_, keyids, _) = self.authority(role)?;
        let previous = match role {
            "root" => self
                .published_root()
                .map(|r| r.roles["root"].keyids.clone())
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        Ok(keyids.iter().chain(previous.iter()).any(|k| k == keyid))
    }

    pub fn sign(&mut self, role: &str, key: &PrivateKey) -> Result<SignReport, RepoError> {
        if !self.may_sign(role, key.keyid())? {
            return Err(RepoError::NotAKeyOf {
                role: role.to_owned(),
                keyid: key.keyid().to_owned(),
            });
        }
        self.ensure_staged(role)?;
        self.changed(role);
        self.staged
            .get_mut(role)
            .expect("staged above")
            .sign(key)
            .map_err(|source| RepoError::Sign {
                role: role.to_owned(),
                source,
            })
    }

    /// Signs, with `key`, every role it may sign that is staged or short of signatures and
    /// lacks its signature (staging each): how the holder of a bins key signs thousands of bins
    /// at once. Returns the roles signed.
    pub fn sign_every_role(
        &mut self,
        key: &PrivateKey,
        now: UtcTime,
    ) -> Result<Vec<String>, RepoError> {
        let keyid = key.keyid();
        let roles: Vec<String> = self
            .status(now)?
            .into_iter()
            .filter(|s| s.role != "snapshot" && s.role != "timestamp" && (s.staged || !s.ready()))
            .filter(|s| {
                s.report.missing.iter().any(|k| k == keyid)
                    || s.previous_root
                        .as_ref()
                        .is_some_and(|p| p.missing.iter().any(|k| k == keyid))
            })
            .map(|s| s.role)
            .collect();
        for role in &roles {
            self.ensure_staged(role)?;
            self.changed(role);
            self.staged
                .get_mut(role)
                .expect("staged above")
                .sign(key)
                .map_err(|source| RepoError::Sign {
                    role: role.clone(),
                    source,
                })?;
        }
        Ok(roles)
    }

    /// Exactly the bytes a signature over `role` must cover (staging it if needed).
    pub fn bytes_to_sign(&mut self, role: &str) -> Result<Vec<u8>, RepoError> {
        self.ensure_staged(role)?;
        self.staged[role]
            .bytes_to_sign()
            .map_err(|source| RepoError::NoCanonicalForm {
                role: role.to_owned(),
                source,
            })
    }

    pub fn import_signature(
        &mut self,
        role: &str,
        key: &PublicKey,
        signature: &[u8],
    ) -> Result<SignReport, RepoError> {
        if !self.may_sign(role, key.keyid())? {
            return Err(RepoError::NotAKeyOf {
                role: role.to_owned(),
                keyid: key.keyid().to_owned(),
            });
        }
        self.ensure_staged(role)?;
        self.changed(role);
        self.staged
            .get_mut(role)
            .expect("staged above")
            .import_signature(key, signature)
            .map_err(|source| RepoError::Import {
                role: role.to_owned(),
                source,
            })
    }

    /// The envelope of a role as it stands (staged or published).
    fn envelope(
        &self,
        role: &str,
    ) -> Option<(Vec<crate::crypto::Signature>, Vec<u8>, u64, Expires)> {
        if let Some(signed) = self.staged.get(role) {
            let bytes = signed.bytes_to_sign().ok()?;
            let signatures = if signed.signatures_current() {
                signed.signatures().to_vec()
            } else {
                Vec::new()
            };
            let version = signed.payload()["version"].as_u64()?;
            let expires: Expires =
                serde_json::from_value(signed.payload()["expires"].clone()).ok()?;
            return Some((signatures, bytes, version, expires));
        }
        match role {
            "root" => self.published.root.as_ref().map(|m| {
                (
                    m.signatures.clone(),
                    m.signed_bytes().to_vec(),
                    m.signed.version,
                    m.signed.expires.clone(),
                )
            }),
            "snapshot" => self.published.snapshot.as_ref().map(|m| {
                (
                    m.signatures.clone(),
                    m.signed_bytes().to_vec(),
                    m.signed.version,
                    m.signed.expires.clone(),
                )
            }),
            "timestamp" => self.published.timestamp.as_ref().map(|m| {
                (
                    m.signatures.clone(),
                    m.signed_bytes().to_vec(),
                    m.signed.version,
                    m.signed.expires.clone(),
                )
            }),
            _ => self.published.targets.get(role).map(|m| {
                (
                    m.signatures.clone(),
                    m.signed_bytes().to_vec(),
                    m.signed.version,
                    m.signed.expires.clone(),
                )
            }),
        }
    }

    /// Per role: "k of n", who still has to sign, what expires.
    pub fn status(&self, now: UtcTime) -> Result<Vec<RoleState>, RepoError> {
        let mut names = vec![
            "root".to_owned(),
            "timestamp".to_owned(),
            "snapshot".to_owned(),
        ];
        names.extend(self.roles()?.order.iter().map(|(n, _)| n.clone()));
        let mut states = Vec::new();
        let root = self.current_root()?;
        let mut parents = HashMap::new();
        for role in names {
            let Some((signatures, bytes, version, expires)) = self.envelope(&role) else {
                continue;
            };
            let (keys, keyids, threshold) = self.authority_in(&role, &root, &mut parents)?;
            let report = check_threshold(
                &RoleKeys {
                    keys: &keys,
                    keyids: &keyids,
                },
                threshold,
                &signatures,
                &bytes,
            );
            let previous_root = match (
                role.as_str(),
                self.staged.contains_key("root"),
                self.published_root(),
            ) {
                ("root", true, Some(previous)) => {
                    let entry = &previous.roles["root"];
                    Some(check_threshold(
                        &RoleKeys {
                            keys: &previous.keys,
                            keyids: &entry.keyids,
                        },
                        entry.threshold,
                        &signatures,
                        &bytes,
                    ))
                }
                _ => None,
            };
            states.push(RoleState {
                staged: self.staged.contains_key(&role),
                role,
                version,
                expires_in_days: (expires.time().unix() - now.unix()) / DAY,
                expires: expires.to_string(),
                report,
                previous_root,
            });
        }
        Ok(states)
    }

    /// Publishes the staged roles with a new snapshot and timestamp, in an order that keeps the
    /// published repository valid after every single file, and only if every role meets its
    /// threshold and chainscope's client accepts the result.
    pub fn publish(
        &mut self,
        options: &PublishOptions,
        writer: &mut dyn Writer,
    ) -> Result<PublishReport, RepoError> {
        // Every role must be signed well enough, the unchanged ones under their (maybe new) keys.
        let mut problems = Vec::new();
        let states = self.status(options.now)?;
        // Snapshot and timestamp are made anew below.
        for state in states
            .into_iter()
            .filter(|s| s.role != "snapshot" && s.role != "timestamp")
        {
            if !state.report.is_met() {
                problems.push(PublishProblem::BelowThreshold {
                    summary: state.report.summary(),
                    role: state.role,
                    version: state.version,
                    staged: state.staged,
                });
            }
            if let Some(previous) = &state.previous_root
                && !previous.is_met()
            {
                problems.push(PublishProblem::PreviousRootBelowThreshold {
                    version: state.version,
                    summary: previous.summary(),
                });
            }
        }
        let roles = self.roles()?;
        for (role, _) in &roles.order {
            if self.envelope(role).is_none() {
                problems.push(PublishProblem::NoMetadata { role: role.clone() });
            }
        }
        let target_files = self.staged_target_files()?;
        problems.extend(self.check_target_files(&target_files)?);
        if !problems.is_empty() {
            return Err(RepoError::NotReady { problems });
        }
        let root = self.current_root()?;
        let consistent = root.consistent_snapshot.unwrap_or(false);

        // Snapshot and timestamp, signed with the online keys given.
        let mut meta = BTreeMap::new();
        for (role, _) in &roles.order {
            let (_, _, version, _) = self.envelope(role).expect("checked above");
            meta.insert(
                format!("{role}.json"),
                MetaFile {
                    version,
                    length: None,
                    hashes: None,
                    unknown: BTreeMap::new(),
                },
            );
        }
        let snapshot_version = self
            .published
            .snapshot
            .as_ref()
            .map_or(0, |s| s.signed.version)
            + 1;
        let snapshot = Snapshot {
            type_: "snapshot".into(),
            spec_version: SPEC_VERSION.into(),
            version: snapshot_version,
            expires: Expires::new(options.snapshot_expires),
            meta,
            unknown: BTreeMap::new(),
        };
        let snapshot_bytes = self.sign_online(
            "snapshot",
            &root,
            model::to_value(&snapshot),
            &options.online_keys,
        )?;
        let timestamp_version = self
            .published
            .timestamp
            .as_ref()
            .map_or(0, |t| t.signed.version)
            + 1;
        let hashes: HashDict = [(
            "sha256",
            hex_digest("sha256", &snapshot_bytes).unwrap_or_default(),
        )]
        .into();
        let timestamp = Timestamp {
            type_: "timestamp".into(),
            spec_version: SPEC_VERSION.into(),
            version: timestamp_version,
            expires: Expires::new(options.timestamp_expires),
            meta: [(
                "snapshot.json".to_owned(),
                MetaFile {
                    version: snapshot_version,
                    length: Some(snapshot_bytes.len() as u64),
                    hashes: Some(hashes),
                    unknown: BTreeMap::new(),
                },
            )]
            .into(),
            unknown: BTreeMap::new(),
        };
        let timestamp_bytes = self.sign_online(
            "timestamp",
            &root,
            model::to_value(&timestamp),
            &options.online_keys,
        )?;

        // What will be written, in order, with the names clients ask for.
        let metadata = self.metadata_dir();
        let mut plan: Vec<(String, PathBuf, Vec<u8>)> = Vec::new();
        for (role, signed) in &self.staged {
            if role == "root" {
                continue;
            }
            let version = signed.payload()["version"].as_u64().unwrap_or(1);
            let path = files::join_inside(&metadata, &disk_name(role, version, consistent))?;
            plan.push((
                client_name(role, version, consistent),
                path,
                envelope_bytes(signed),
            ));
        }
        if let Some(signed) = self.staged.get("root") {
            let bytes = envelope_bytes(signed);
            let version = root.version;
            plan.push((
                format!("{version}.root.json"),
                metadata.join(format!("{version}.root.json")),
                bytes.clone(),
            ));
            plan.push(("root.json".into(), metadata.join("root.json"), bytes));
        }
        plan.push((
            client_name("snapshot", snapshot_version, consistent),
            files::join_inside(
                &metadata,
                &client_name("snapshot", snapshot_version, consistent),
            )?,
            snapshot_bytes,
        ));
        plan.push((
            "timestamp.json".into(),
            metadata.join("timestamp.json"),
            timestamp_bytes,
        ));

        self.verify_before_publishing(&plan, options.now)?;

        let mut written = Vec::new();
        let targets_dir = self.dir.join("targets");
        for (stored, bytes) in &target_files {
            let path = files::join_inside(&targets_dir, stored)?;
            writer
                .write(&path, bytes)
                .map_err(|source| RepoError::Write {
                    path: path.clone(),
                    source,
                })?;
            written.push(path);
        }
        // Root, snapshot and timestamp each wait for everything before them to be on disk.
        let barrier = |writer: &mut dyn Writer| {
            writer.barrier().map_err(|source| RepoError::Write {
                path: metadata.clone(),
                source,
            })
        };
        let mut previous_kind = "";
        for (name, path, bytes) in &plan {
            let kind = match name.as_str() {
                "root.json" => "root",
                "timestamp.json" => "timestamp",
                _ if name.ends_with(".root.json") => "root",
                _ if name.ends_with(&client_name("snapshot", snapshot_version, consistent)) => {
                    "snapshot"
                }
                _ => "role",
            };
            if kind != previous_kind && kind != "role" {
                barrier(writer)?;
            }
            previous_kind = kind;
            writer
                .write(path, bytes)
                .map_err(|source| RepoError::Write {
                    path: path.clone(),
                    source,
                })?;
            written.push(path.clone());
        }
        barrier(writer)?;
        self.staged.clear();
        self.delegations_changed();
        self.save_staged()?;
        let _ = std::fs::remove_dir_all(self.staged_targets_dir());
        self.published = Published::default();
        self.load_published()?;
        Ok(PublishReport {
            files: written,
            snapshot_version,
            timestamp_version,
        })
    }

    fn sign_online(
        &self,
        role: &str,
        root: &Root,
        payload: Value,
        keys: &[PrivateKey],
    ) -> Result<Vec<u8>, RepoError> {
        let entry = &root.roles[role];
        let mut signed = Signed::new(EnvelopeKind::Legacy, payload);
        for key in keys
            .iter()
            .filter(|k| entry.keyids.iter().any(|id| id == k.keyid()))
        {
            signed.sign(key).map_err(|source| RepoError::Sign {
                role: role.to_owned(),
                source,
            })?;
        }
        let bytes = signed
            .bytes_to_sign()
            .map_err(|source| RepoError::NoCanonicalForm {
                role: role.to_owned(),
                source,
            })?;
        let report = check_threshold(
            &RoleKeys {
                keys: &root.keys,
                keyids: &entry.keyids,
            },
            entry.threshold,
            signed.signatures(),
            &bytes,
        );
        if !report.is_met() {
            return Err(RepoError::NotReady {
                problems: vec![PublishProblem::OnlineKeyMissing {
                    role: role.to_owned(),
                    summary: report.summary(),
                }],
            });
        }
        Ok(envelope_bytes(&signed))
    }

    /// chainscope's own client on the repository as it would be, from the root published now.
    fn verify_before_publishing(
        &self,
        plan: &[(String, PathBuf, Vec<u8>)],
        now: UtcTime,
    ) -> Result<(), RepoError> {
        let base = FolderTransport {
            metadata: self.metadata_dir(),
            targets: self.dir.join("targets"),
        };
        let overlay = OverlayTransport {
            base: &base,
            metadata: plan
                .iter()
                .map(|(name, _, bytes)| (name.clone(), bytes.clone()))
                .collect(),
        };
        let trusted_root = match &self.published.root {
            Some(_) => std::fs::read(self.metadata_dir().join("1.root.json"))
                .or_else(|_| std::fs::read(self.metadata_dir().join("root.json")))
                .map_err(|e| RepoError::Read {
                    path: "the published root".into(),
                    source: files::ReadError::from(e),
                })?,
            None => plan
                .iter()
                .find(|(name, _, _)| name == "1.root.json")
                .map(|(_, _, bytes)| bytes.clone())
                .ok_or_else(|| RepoError::NotReady {
                    problems: vec![PublishProblem::NoRoot],
                })?,
        };
        let mut trace = Trace::new("publish");
        let outcome = Client::new(
            &overlay,
            ClientConfig::default(),
            now,
            &trusted_root,
            "the published root",
            None,
            &mut trace,
        )
        .and_then(|mut client| {
            client.refresh(&mut trace)?;
            client.load_every_role(&mut trace)
        });
        if outcome.is_err() {
            let why = trace
                .first_failure()
                .map(|(_, c)| match &c.outcome {
                    crate::trace::Outcome::Fail { failure } => {
                        format!("{} ({})", failure.headline(), c.title)
                    }
                    _ => c.title.clone(),
                })
                .unwrap_or_default();
            return Err(RepoError::WouldNotVerify { why });
        }
        Ok(())
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

    /// What publishing would change, role by role: each staged role against its published
    /// version, in words (a role never published is new).
    pub fn staged_changes(&self) -> Result<Vec<(String, Vec<String>)>, RepoError> {
        self.staged
            .keys()
            .map(|role| {
                let staged = self.staged_file(role).unwrap_or_default();
                let lines = match self.latest_version(role) {
                    Some(version) => diff_roles(&self.published_file(role, version)?, &staged)?,
                    None => vec!["a new role, never published".to_owned()],
                };
                Ok((role.clone(), lines))
            })
            .collect()
    }
}

/// Where a target's file lives under `targets/`: with consistent snapshots prefixed by its
/// hash (`dir/<sha256>.name`, the name clients ask for), else at its path.
fn stored_target_name(target_path: &str, digest: &str, consistent: bool) -> String {
    if !consistent {
        return target_path.to_owned();
    }
    match target_path.rsplit_once('/') {
        Some((dir, base)) => format!("{dir}/{digest}.{base}"),
        None => format!("{digest}.{target_path}"),
    }
}

fn empty_delegations() -> Delegations {
    Delegations {
        keys: BTreeMap::new(),
        roles: Some(Vec::new()),
        succinct_roles: None,
        unknown: BTreeMap::new(),
    }
}

/// Removes keys no role uses any more.
fn prune_keys<'a>(keys: &mut BTreeMap<String, PublicKey>, used: impl Iterator<Item = &'a String>) {
    let used: BTreeSet<&String> = used.collect();
    keys.retain(|id, _| used.contains(id));
}

/// The path a role's file has on disk (the decoded form of what a client asks for, so a role
/// `a/b` sits in a folder `a`, as a web server maps `a%2Fb`).
fn disk_name(role: &str, version: u64, consistent: bool) -> String {
    if consistent {
        format!("{version}.{role}.json")
    } else {
        format!("{role}.json")
    }
}

/// Two versions of a role explained: what changed and who signed each.
pub fn diff_roles(old: &[u8], new: &[u8]) -> Result<Vec<String>, RepoError> {
    use crate::tuf::metadata::AnyMetadata;
    let parse = |bytes: &[u8]| {
        AnyMetadata::from_bytes(bytes).map_err(|source| RepoError::Metadata {
            path: "role".into(),
            source,
        })
    };
    let (old, new) = (parse(old)?, parse(new)?);
    let mut lines = Vec::new();
    let signers = |any: &AnyMetadata| -> Vec<String> {
        let signatures = match any {
            AnyMetadata::Root(m) => &m.signatures,
            AnyMetadata::Targets(m) => &m.signatures,
            AnyMetadata::Snapshot(m) => &m.signatures,
            AnyMetadata::Timestamp(m) => &m.signatures,
        };
        signatures.iter().map(|s| short(&s.keyid)).collect()
    };
    match (&old, &new) {
        (AnyMetadata::Root(a), AnyMetadata::Root(b)) => {
            lines.push(format!(
                "version {} → {}",
                a.signed.version, b.signed.version
            ));
            if a.signed.expires != b.signed.expires {
                lines.push(format!(
                    "expires {} → {}",
                    a.signed.expires, b.signed.expires
                ));
            }
            for role in TOP_LEVEL_ROLES {
                let (x, y) = (&a.signed.roles[role], &b.signed.roles[role]);
                for id in y.keyids.iter().filter(|k| !x.keyids.contains(k)) {
                    lines.push(format!("{role}: key {} added", short(id)));
                }
                for id in x.keyids.iter().filter(|k| !y.keyids.contains(k)) {
                    lines.push(format!("{role}: key {} removed", short(id)));
                }
                if x.threshold != y.threshold {
                    lines.push(format!(
                        "{role}: threshold {} → {}",
                        x.threshold, y.threshold
                    ));
                }
            }
        }
        (AnyMetadata::Targets(a), AnyMetadata::Targets(b)) => {
            lines.push(format!(
                "version {} → {}",
                a.signed.version, b.signed.version
            ));
            if a.signed.expires != b.signed.expires {
                lines.push(format!(
                    "expires {} → {}",
                    a.signed.expires, b.signed.expires
                ));
            }
            for (path, info) in &b.signed.targets {
                match a.signed.targets.get(path) {
                    None => lines.push(format!("target {path} added ({} bytes)", info.length)),
                    Some(before) if before != info => lines.push(format!("target {path} changed")),
                    _ => {}
                }
            }
            for path in a
                .signed
                .targets
                .keys()
                .filter(|p| !b.signed.targets.contains_key(*p))
            {
                lines.push(format!("target {path} removed"));
            }
            let delegated = |t: &Targets| -> BTreeMap<String, String> {
                let mut out = BTreeMap::new();
                if let Some(d) = &t.delegations {
                    for r in d.roles.iter().flatten() {
                        out.insert(
                            r.name.clone(),
                            format!(
                                "{} of [{}]",
                                r.threshold,
                                r.keyids
                                    .iter()
                                    .map(|k| short(k))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        );
                    }
                    if let Some(s) = &d.succinct_roles {
                        out.insert(
                            format!("{}-* bins", s.name_prefix),
                            format!(
                                "{} bins, {} of [{}]",
                                s.number_of_bins(),
                                s.threshold,
                                s.keyids
                                    .iter()
                                    .map(|k| short(k))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        );
                    }
                }
                out
            };
            let (x, y) = (delegated(&a.signed), delegated(&b.signed));
            for (name, how) in &y {
                match x.get(name) {
                    None => lines.push(format!("delegation to {name} added: {how}")),
                    Some(before) if before != how => {
                        lines.push(format!("delegation to {name}: {before} → {how}"))
                    }
                    _ => {}
                }
            }
            for name in x.keys().filter(|n| !y.contains_key(*n)) {
                lines.push(format!("delegation to {name} removed"));
            }
        }
        _ => lines.push(format!(
            "a {} and a {}: different kinds of role",
            old.type_name(),
            new.type_name()
        )),
    }
    lines.push(format!("signed before by: {}", signers(&old).join(", ")));
    lines.push(format!("signed now by: {}", signers(&new).join(", ")));
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(seed: u8) -> PrivateKey {
        PrivateKey::ed25519_from_seed(&[seed; 32])
    }

    fn when(text: &str) -> UtcTime {
        UtcTime::parse_rfc3339(text).unwrap()
    }

    fn new_repo(dir: &Path) -> TufRepo {
        let mut keys = BTreeMap::new();
        for (seed, role) in TOP_LEVEL_ROLES.iter().enumerate() {
            keys.insert(*role, (vec![key(seed as u8).public().clone()], 1));
        }
        TufRepo::init(dir, &keys, true, when("2031-01-01T00:00:00Z")).unwrap()
    }

    #[test]
    fn hashed_bins_share_the_prefixes_evenly_and_name_their_range() {
        let dir = tempfile::tempdir().unwrap();
        let mut repo = new_repo(dir.path());
        let expires = when("2031-01-01T00:00:00Z");
        assert_eq!(
            repo.delegate_hashed_bins("targets", 3, "h", &[key(9).public().clone()], 1, expires)
                .unwrap(),
            8
        );
        let targets = repo.current_targets("targets").unwrap();
        let roles = targets.delegations.unwrap().roles.unwrap();
        assert_eq!(roles[0].name, "h-0-1");
        assert_eq!(roles[7].name, "h-e-f");
        assert_eq!(
            roles[7].path_hash_prefixes,
            Some(vec!["e".to_owned(), "f".to_owned()])
        );
        assert!(!repo.is_staged("h-3-4") && repo.is_staged("h-2-3"));
        // Five bits: two hex digits, eight prefixes a bin, every one of the 256 used once.
        let mut repo = new_repo(tempfile::tempdir().unwrap().path());
        repo.delegate_hashed_bins("targets", 5, "b", &[key(9).public().clone()], 1, expires)
            .unwrap();
        let roles = repo
            .current_targets("targets")
            .unwrap()
            .delegations
            .unwrap()
            .roles
            .unwrap();
        assert_eq!(roles.len(), 32);
        assert_eq!(roles[1].name, "b-08-0f");
        let all: BTreeSet<String> = roles
            .iter()
            .flat_map(|r| r.path_hash_prefixes.clone().unwrap())
            .collect();
        assert_eq!(all.len(), 256);
        // Every path lands in exactly one bin, and add-target finds it.
        let file = dir.path().join("f");
        std::fs::write(&file, "x").unwrap();
        for path in ["a", "b/c.txt", "zzz"] {
            let owners: Vec<&str> = roles
                .iter()
                .filter(|r| r.is_delegated_path(path))
                .map(|r| r.name.as_str())
                .collect();
            assert_eq!(owners.len(), 1, "{path}");
            assert_eq!(repo.add_target(&file, path, None, None).unwrap(), owners[0]);
        }
    }

    #[test]
    fn key_changes_guard_the_threshold_and_mark_who_must_sign_again() {
        let dir = tempfile::tempdir().unwrap();
        let mut repo = new_repo(dir.path());
        let expires = when("2031-01-01T00:00:00Z");
        repo.delegate(
            "targets",
            "dev",
            &[key(10).public().clone()],
            1,
            Some(vec!["dev/*".into()]),
            None,
            false,
            expires,
        )
        .unwrap();
        let refused = repo.remove_key("dev", key(10).keyid()).unwrap_err();
        assert!(
            matches!(
                &refused,
                RepoError::ThresholdOutOfReach { role, keys_left: 0, threshold: 1 } if role == "dev"
            ),
            "{refused}"
        );
        assert_eq!(
            crate::report::Report::of(&refused).hint.as_deref(),
            Some("lower the threshold first")
        );
        assert!(
            repo.set_threshold("dev", 2).is_err(),
            "two signatures from one key"
        );
        repo.add_key("dev", key(11).public()).unwrap();
        assert!(repo.add_key("dev", key(11).public()).is_err());
        repo.set_threshold("dev", 2).unwrap();
        repo.sign("dev", &key(10)).unwrap();
        let state = repo
            .status(when("2030-01-01T00:00:00Z"))
            .unwrap()
            .into_iter()
            .find(|s| s.role == "dev")
            .unwrap();
        assert_eq!(state.report.missing, vec![key(11).keyid().to_owned()]);
        assert!(!state.ready());
        assert!(matches!(
            repo.sign("dev", &key(12)),
            Err(RepoError::NotAKeyOf { .. })
        ));
        // Unknown roles and names that climb out are refused.
        assert!(matches!(
            repo.add_key("nobody", key(11).public()),
            Err(RepoError::UnknownRole(_))
        ));
        assert!(
            repo.delegate(
                "targets",
                "../x",
                &[key(10).public().clone()],
                1,
                Some(vec!["*".into()]),
                None,
                false,
                expires
            )
            .is_err()
        );
        assert!(
            repo.delegate(
                "targets",
                "dev",
                &[key(10).public().clone()],
                1,
                Some(vec!["*".into()]),
                None,
                false,
                expires
            )
            .is_err()
        );
    }

    #[test]
    fn a_target_whose_file_went_missing_is_not_published() {
        let dir = tempfile::tempdir().unwrap();
        let mut repo = new_repo(dir.path());
        let file = dir.path().join("f");
        std::fs::write(&file, "contents").unwrap();
        repo.add_target(&file, "f.txt", None, None).unwrap();
        for (seed, role) in [(0, "root"), (1, "targets")] {
            repo.sign(role, &key(seed)).unwrap();
        }
        std::fs::remove_dir_all(dir.path().join("staged/targets")).unwrap();
        let options = PublishOptions {
            now: when("2030-01-01T00:00:00Z"),
            online_keys: vec![key(2), key(3)],
            snapshot_expires: when("2030-01-08T00:00:00Z"),
            timestamp_expires: when("2030-01-02T00:00:00Z"),
        };
        let refused = repo
            .publish(&options, &mut AtomicWriter::default())
            .unwrap_err();
        assert!(
            refused
                .to_string()
                .contains("targets lists f.txt, but targets/"),
            "{refused}"
        );
        assert!(!dir.path().join("metadata/timestamp.json").exists());
        // Snapshot and timestamp keys are needed, and named when missing.
        repo.add_target(&file, "f.txt", None, None).unwrap();
        repo.sign("targets", &key(1)).unwrap();
        let options = PublishOptions {
            online_keys: vec![key(2)],
            ..options
        };
        let refused = repo
            .publish(&options, &mut AtomicWriter::default())
            .unwrap_err();
        assert!(
            refused.to_string().contains("timestamp: 0 of 1"),
            "{refused}"
        );
    }
}
