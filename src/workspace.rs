//! What the app opens: a sample, a TUF repository (folder or URL), an in-toto folder, or one
//! file. [`detect`] decides which from what is on disk; [`load`] verifies it the way the CLI
//! would and gathers what the views draw: the delegation tree, the step graph, the links.
//! Pure apart from reading: time is passed in, nothing is written, no command is run.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::SystemTime;

use crate::crypto::PublicKey;
use crate::crypto::keyfile::parse_key_bytes;
use crate::evidence::{Comparison, compare};
use crate::files::{self, read_bounded};
use crate::graph::StepGraph;
use crate::graph::tree::DelegationTree;
use crate::inspect::{FileReport, InspectError, inspect_file};
use crate::intoto::verify::{InspectionMode, MAX_LINK_BYTES, VerifyOptions, verify_layout_file};
use crate::intoto::{Document, Layout, Link, Payload};
use crate::ite2::{Ite2Report, Ite2Request, verify_target};
use crate::time::UtcTime;
use crate::trace::{Trace, Verdict};
use crate::tuf::client::ClientConfig;
use crate::tuf::metadata::{Metadata, Targets};
use crate::tuf::search::{SearchResult, search_verified};
use crate::tuf::verify::{RepositoryReport, VerifyError, VerifyRequest, verify_repository};

/// What a path or URL turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A folder written by `chainscope samples write`: its `sample.json` names the repository,
    /// the root to trust, the client state and the package.
    Sample { dir: PathBuf, spec: SampleSpec },
    /// A TUF repository: a folder holding `metadata/` (or the metadata itself), or a URL.
    Repository { repo: String },
    /// A folder with an in-toto layout, its links and public keys.
    IntotoFolder { dir: PathBuf, layout: PathBuf },
    /// A folder with an ITE-10/11 attestation layout (YAML) and the attestations for its steps
    /// (`<step>.<keyid prefix>.json`), and `parameters.json` when the layout has parameters.
    AttestationFolder { dir: PathBuf, layout: PathBuf },
    /// One metadata file.
    File(PathBuf),
}

/// The fields of `sample.json` the app uses.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct SampleSpec {
    pub name: String,
    pub summary: String,
    pub target: String,
    pub layout_role: String,
    pub root: String,
    pub trusted_dir: String,
}

impl Source {
    /// The folder whose key files name the keys of what is open.
    pub fn key_folder(&self) -> Option<PathBuf> {
        match self {
            Source::Sample { dir, .. }
            | Source::IntotoFolder { dir, .. }
            | Source::AttestationFolder { dir, .. } => Some(dir.clone()),
            Source::File(path) => path.parent().map(Path::to_path_buf),
            Source::Repository { repo } if !repo.contains("://") => Some(PathBuf::from(repo)),
            Source::Repository { .. } => None,
        }
    }

    /// The TUF repository folder (the one holding `metadata/`) of what is open, for editing.
    pub fn repository_folder(&self) -> Option<PathBuf> {
        match self {
            Source::Sample { dir, .. } => Some(dir.join("repo")),
            Source::Repository { repo } if !is_url(repo) => Some(PathBuf::from(repo)),
            _ => None,
        }
    }

    /// Folders whose changes matter, and whether to watch them recursively.
    pub fn watch_root(&self) -> Option<(PathBuf, bool)> {
        match self {
            Source::Sample { dir, .. } | Source::IntotoFolder { dir, .. } => {
                Some((dir.clone(), true))
            }
            Source::AttestationFolder { dir, .. } => Some((dir.clone(), false)),
            Source::Repository { repo } if !is_url(repo) => Some((PathBuf::from(repo), true)),
            Source::Repository { .. } => None,
            Source::File(path) => Some((
                path.parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .unwrap_or(Path::new("."))
                    .to_path_buf(),
                false,
            )),
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Source::Sample { dir, spec } => {
                format!("sample {} ({})", spec.name, dir.display())
            }
            Source::Repository { repo } => format!("TUF repository {repo}"),
            Source::IntotoFolder { dir, .. } => format!("in-toto folder {}", dir.display()),
            Source::AttestationFolder { dir, .. } => {
                format!("attestation folder {}", dir.display())
            }
            Source::File(path) => format!("file {}", path.display()),
        }
    }
}

/// Unreadable input: what was opened and why it cannot be used.
#[derive(Debug, Clone, thiserror::Error)]
pub enum WorkspaceError {
    /// A path that names nothing: a typo, most likely; never "fix the file".
    #[error("nothing exists at {}", path.display())]
    Missing { path: PathBuf },
    #[error("{}: {problem}", path.display())]
    Unrecognized { path: PathBuf, problem: String },
    #[error("{}: {problem}", path.display())]
    Sample { path: PathBuf, problem: String },
    #[error(transparent)]
    Repository(#[from] VerifyError),
    #[error(transparent)]
    File(#[from] InspectError),
    /// A file that is not metadata at all, named for what it is (a key, a package, a text).
    #[error("{}: {what}, not metadata", path.display())]
    NotMetadata {
        path: PathBuf,
        what: &'static str,
        hint: &'static str,
        /// For a public key chainscope can read, its keyid (to name the key after the file).
        keyid: Option<String>,
    },
    #[error("cancelled")]
    Cancelled,
}

impl crate::report::Hint for WorkspaceError {
    fn hint(&self) -> Option<String> {
        match self {
            WorkspaceError::NotMetadata { hint, .. } => Some((*hint).to_owned()),
            _ => None,
        }
    }
}

/// A key file and the keyid of the key it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyFileName {
    pub keyid: String,
    /// The file's name (`alice.pub`).
    pub file: String,
}

/// Key files read from a folder at most: a folder of thousands of files is not a key ring.
const MAX_KEY_FILES: usize = 64;
const MAX_KEY_FILE_BYTES: u64 = 64 * 1024;

/// The key files directly in `dir` (`.pub`, `.pem`, `.key`) and the keys they hold; encrypted
/// private keys are skipped (no passphrase is asked for a name).
pub fn key_files_in(dir: &Path) -> Vec<KeyFileName> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| {
            path.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| matches!(e, "pub" | "pem" | "key"))
        })
        .filter(|path| {
            std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() <= MAX_KEY_FILE_BYTES)
        })
        .take(MAX_KEY_FILES)
        .filter_map(|path| {
            let key = crate::crypto::keyfile::read_key_file(&path, None).ok()?;
            Some(KeyFileName {
                keyid: key.public().keyid().to_owned(),
                file: path.file_name()?.to_string_lossy().into_owned(),
            })
        })
        .collect()
}

/// A private key file a user may sign with, as the signing dialog lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningKeyFile {
    pub path: PathBuf,
    /// Known when the file is not encrypted.
    pub keyid: Option<String>,
    /// Encrypted: the passphrase is needed to sign, and to learn its keyid.
    pub encrypted: bool,
}

/// Where the owner of the TUF repository in `dir` keeps private keys: the repository folder,
/// the folder it lies in and that folder's `keys/` (those that exist).
pub fn repository_key_folders(dir: &Path) -> Vec<PathBuf> {
    let mut folders = vec![dir.to_path_buf()];
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        folders.push(parent.to_path_buf());
        folders.push(parent.join("keys"));
    }
    folders.retain(|folder| folder.is_dir());
    folders
}

/// The private key files among `paths` (recently used ones) and directly in `dirs`, each
/// once, in that order: files named like in-toto's keys (`alice`, no extension) or ending in
/// `.key` or `.pem`, small, that hold a private key (encrypted ones included, unread).
pub fn signing_key_files(paths: &[PathBuf], dirs: &[PathBuf]) -> Vec<SigningKeyFile> {
    use std::io::Read as _;
    let in_dirs = dirs.iter().flat_map(|dir| {
        let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| {
                path.extension()
                    .and_then(|e| e.to_str())
                    .is_none_or(|e| matches!(e, "key" | "pem"))
            })
            .take(MAX_KEY_FILES * 4)
            .collect();
        found.sort();
        found
    });
    let mut seen = std::collections::BTreeSet::new();
    let mut keys = Vec::new();
    for path in paths.iter().cloned().chain(in_dirs) {
        if keys.len() >= MAX_KEY_FILES || !seen.insert(path.clone()) {
            continue;
        }
        let Ok(Some(file)) = crate::files::open_regular(&path) else {
            continue;
        };
        let mut bytes = zeroize::Zeroizing::new(Vec::new());
        if file
            .take(MAX_KEY_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .is_err()
            || bytes.len() as u64 > MAX_KEY_FILE_BYTES
        {
            continue;
        }
        if crate::crypto::keyfile::is_encrypted(&bytes) {
            keys.push(SigningKeyFile {
                path,
                keyid: None,
                encrypted: true,
            });
        } else if let Ok(crate::crypto::keyfile::KeyFile::Private(key)) =
            crate::crypto::keyfile::parse_key_bytes(&bytes, None)
        {
            keys.push(SigningKeyFile {
                path,
                keyid: Some(key.public().keyid().to_owned()),
                encrypted: false,
            });
        }
    }
    keys
}

/// What a file that did not read as metadata is, from its first bytes: `(what, hint, a
/// public key)`. `None` for JSON (its own error says what is wrong with it).
pub fn sniff(path: &Path) -> Option<(&'static str, &'static str, bool)> {
    use std::io::Read as _;
    let mut head = Vec::new();
    crate::files::open_regular(path)
        .ok()??
        .take(4096)
        .read_to_end(&mut head)
        .ok()?;
    let text = String::from_utf8_lossy(&head);
    let trimmed = text.trim_start();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let found = if trimmed.starts_with('{') || trimmed.starts_with('[') {
        return None;
    } else if trimmed.starts_with("-----BEGIN PUBLIC KEY-----")
        || trimmed.starts_with("-----BEGIN RSA PUBLIC KEY-----")
    {
        (
            "a PEM public key",
            "a key is not opened but used: add it to a step in the layout editor, or use it to name the key it holds",
            true,
        )
    } else if trimmed.starts_with("-----BEGIN") && trimmed.contains("PRIVATE KEY-----") {
        (
            "a PEM private key",
            "the layout and TUF editors sign with it; keep it out of folders you share",
            false,
        )
    } else if trimmed.starts_with("-----BEGIN PGP") {
        (
            "an OpenPGP armored file",
            "in-toto layouts can name GPG keys by keyid; open the layout that names it",
            false,
        )
    } else if trimmed.starts_with("ssh-") {
        (
            "an SSH public key",
            "in-toto and TUF keys are PEM or securesystemslib JSON",
            false,
        )
    } else if head.starts_with(&[0x1f, 0x8b]) || head.get(257..262) == Some(b"ustar") {
        (
            "an archive (a package?)",
            "a package is verified through the repository that lists it: open the repository and choose the package",
            false,
        )
    } else if head.starts_with(b"PK\x03\x04") {
        (
            "a zip archive",
            "a package is verified through the repository that lists it: open the repository and choose the package",
            false,
        )
    } else if head.contains(&0)
        // The first 4 KiB may end inside a character: that alone is not binary.
        || std::str::from_utf8(&head[..head.len().saturating_sub(3)]).is_err()
    {
        (
            "a binary file",
            "open a layout, a link, a TUF role or their folder",
            false,
        )
    } else if name.starts_with("readme") || name.ends_with(".md") || name.ends_with(".txt") {
        (
            "a text document",
            "open the folder it describes, or a layout, link or TUF role file",
            false,
        )
    } else {
        (
            "a text file that is not JSON",
            "in-toto and TUF metadata are JSON documents (or DSSE envelopes of them)",
            false,
        )
    };
    Some(found)
}

impl WorkspaceError {
    /// The file the error is about, when there is one.
    pub fn path(&self) -> Option<PathBuf> {
        match self {
            WorkspaceError::Missing { path }
            | WorkspaceError::Unrecognized { path, .. }
            | WorkspaceError::Sample { path, .. } => Some(path.clone()),
            WorkspaceError::File(e) => Some(e.path.clone()),
            WorkspaceError::NotMetadata { path, .. } => Some(path.clone()),
            WorkspaceError::Repository(VerifyError::Root { path, .. }) => Some(path.clone()),
            WorkspaceError::Repository(_) | WorkspaceError::Cancelled => None,
        }
    }
}

fn is_url(text: &str) -> bool {
    text.starts_with("http://") || text.starts_with("https://") || text.starts_with("file://")
}

/// Decides what `input` is without verifying anything.
pub fn detect(input: &str) -> Result<Source, WorkspaceError> {
    if is_url(input) {
        return Ok(Source::Repository {
            repo: input.to_owned(),
        });
    }
    let path = PathBuf::from(input);
    let unrecognized = |problem: &str| WorkspaceError::Unrecognized {
        path: path.clone(),
        problem: problem.to_owned(),
    };
    let meta = std::fs::metadata(&path).map_err(|e| {
        match (e.kind(), std::fs::symlink_metadata(&path)) {
            (std::io::ErrorKind::NotFound, Ok(_)) => unrecognized("a symbolic link to nothing"),
            (std::io::ErrorKind::NotFound, Err(_)) => {
                WorkspaceError::Missing { path: path.clone() }
            }
            _ => unrecognized(&crate::report::chain(&e)),
        }
    })?;
    if !meta.is_file() && !meta.is_dir() {
        // A FIFO, socket or device: say what it is (reading it could wait for ever).
        return Err(match crate::files::open_regular(&path) {
            Err(error) => unrecognized(&crate::report::chain(&error)),
            Ok(_) => unrecognized("it is neither a file nor a folder"),
        });
    }
    if meta.is_file() {
        if path.file_name().is_some_and(|n| n == "sample.json") {
            let dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
            return sample(&dir);
        }
        return Ok(Source::File(path));
    }
    if path.join("sample.json").is_file() {
        return sample(&path);
    }
    let has_tuf = |dir: &Path| {
        ["1.root.json", "root.json", "timestamp.json"]
            .iter()
            .any(|name| dir.join(name).is_file())
    };
    if has_tuf(&path.join("metadata")) || has_tuf(&path) {
        return Ok(Source::Repository {
            repo: path.display().to_string(),
        });
    }
    let mut layouts: Vec<PathBuf> = std::fs::read_dir(&path)
        .map_err(|e| unrecognized(&crate::report::chain(&e)))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "layout") && p.is_file())
        .collect();
    layouts.sort();
    // in-toto's own examples call the layout root.layout; prefer it when there are several.
    if let Some(layout) = layouts
        .iter()
        .find(|p| p.file_name().is_some_and(|n| n == "root.layout"))
        .or(layouts.first())
    {
        return Ok(Source::IntotoFolder {
            dir: path.clone(),
            layout: layout.clone(),
        });
    }
    if let Some(layout) = attestation_layout_in(&path) {
        return Ok(Source::AttestationFolder {
            dir: path.clone(),
            layout,
        });
    }
    Err(unrecognized(
        "neither a TUF repository (no metadata/ with root.json or timestamp.json), nor an in-toto folder (no *.layout), nor an attestation folder (no ITE-10 layout *.yml), nor a chainscope sample (no sample.json)",
    ))
}

/// The ITE-10 layout of an attestation folder: a `*.yml` or `*.yaml` file that reads as one
/// (`layout.yml` first, as the samples name it).
fn attestation_layout_in(dir: &Path) -> Option<PathBuf> {
    let mut candidates: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yml" || e == "yaml") && p.is_file())
        .collect();
    candidates.sort_by_key(|p| (p.file_name().is_none_or(|n| n != "layout.yml"), p.clone()));
    candidates.into_iter().find(|path| {
        read_bounded(path, MAX_LINK_BYTES)
            .ok()
            .and_then(|bytes| crate::attest::layout::read_layout(&bytes).ok())
            .is_some_and(|read| {
                read.layout
                    .steps
                    .iter()
                    .any(|s| !s.expected_predicates.is_empty())
            })
    })
}

/// The parameters file an attestation folder may hold (a JSON object of strings).
pub const ATTESTATION_PARAMETERS: &str = "parameters.json";
/// Sigstore's trusted root beside an attestation folder's attestations, for those that are
/// Sigstore bundles (not an attestation itself).
pub const ATTESTATION_TRUSTED_ROOT: &str = "trusted_root.json";

fn sample(dir: &Path) -> Result<Source, WorkspaceError> {
    let path = dir.join("sample.json");
    let problem = |problem: String| WorkspaceError::Sample {
        path: path.clone(),
        problem,
    };
    let bytes = read_bounded(&path, 1_000_000).map_err(|e| problem(crate::report::chain(&e)))?;
    let spec = parse_sample_spec(&bytes).map_err(problem)?;
    Ok(Source::Sample {
        dir: dir.to_path_buf(),
        spec,
    })
}

/// A sample's `sample.json`, or what is wrong with it, naming the field.
pub fn parse_sample_spec(bytes: &[u8]) -> Result<SampleSpec, String> {
    let mut reader = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut reader)
        .map_err(|e| format!("field `{}`: {}", e.path(), e.inner()))
}

/// Told each phase of a load as it starts: (fraction done, what now).
pub type Progress = Arc<dyn Fn(f32, &str) + Send + Sync>;

/// How a load is asked for.
#[derive(Clone)]
pub struct LoadOptions {
    pub now: UtcTime,
    /// The package to verify (ITE-2); without it, the sample's, else the first that has
    /// in-toto metadata.
    pub target: Option<String>,
    /// The inspection commands the user allowed to run, exactly; a layout whose inspections
    /// differ in any way has them recorded only, not run.
    pub allowed_inspections: Option<Vec<Vec<String>>>,
    /// The folder was written by chainscope's own code in this run (the demo it opens at
    /// start, the attack lab's copies), so its inspections run without asking. Never for a
    /// folder opened from disk: the demo's private keys are public, so a signature by a demo
    /// key is no reason to trust.
    pub written_this_run: bool,
    /// Set by the caller to stop between phases.
    pub cancel: Arc<AtomicBool>,
    pub progress: Progress,
    /// Kept by the caller across reloads of the same source: unchanged TUF roles are not
    /// checked again ([`crate::tuf::cache::RoleCache`]).
    pub role_cache: Option<Arc<crate::tuf::cache::RoleCache>>,
    /// For an opened Sigstore bundle: verify it so (its trace then decides the verdict).
    pub bundle_check: Option<crate::sigstore::BundleCheck>,
    /// A reload of a watched source: its files' stamps come from the last load's and the
    /// paths the watcher heard change, not from a scan of every file.
    pub known_stamps: Option<KnownStamps>,
}

/// The stamps of the last load of the same source, and the paths a watcher heard change
/// since that load began (its stamps were taken then).
#[derive(Debug, Clone)]
pub struct KnownStamps {
    pub before: Arc<FileStamps>,
    pub touched: Vec<PathBuf>,
}

impl LoadOptions {
    pub fn new(now: UtcTime) -> LoadOptions {
        LoadOptions {
            now,
            target: None,
            allowed_inspections: None,
            written_this_run: false,
            cancel: Arc::new(AtomicBool::new(false)),
            progress: Arc::new(|_, _| {}),
            role_cache: None,
            bundle_check: None,
            known_stamps: None,
        }
    }

    /// Run `layout`'s inspections only when the user allowed exactly these commands.
    fn inspections_for(&self, layout: &Layout, notes: &mut Vec<String>) -> InspectionMode {
        let commands = inspection_commands(layout);
        if self.written_this_run && !commands.is_empty() {
            notes.push("Inspections were run without asking: chainscope wrote this folder itself in this run.".to_owned());
            return InspectionMode::Run {
                timeout: INSPECTION_TIMEOUT,
            };
        }
        match &self.allowed_inspections {
            Some(allowed) if *allowed == commands && !commands.is_empty() => {
                notes.push(format!(
                    "Inspections were run, as you allowed: {}.",
                    commands
                        .iter()
                        .map(|c| c.join(" "))
                        .collect::<Vec<_>>()
                        .join("; ")
                ));
                InspectionMode::Run {
                    timeout: INSPECTION_TIMEOUT,
                }
            }
            Some(_) => {
                notes.push("The layout's inspections differ from the commands you allowed, so they were recorded, not run; allow them again to run them.".to_owned());
                InspectionMode::RecordOnly
            }
            None => InspectionMode::RecordOnly,
        }
    }

    fn phase(&self, fraction: f32, what: &str) -> Result<(), WorkspaceError> {
        if self.cancel.load(Ordering::Relaxed) {
            return Err(WorkspaceError::Cancelled);
        }
        (self.progress)(fraction, what);
        Ok(())
    }
}

/// How long one inspection may run when the user lets it.
const INSPECTION_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// The `run` commands of a layout's inspections, in order: what the user is asked to allow.
pub fn inspection_commands(layout: &Layout) -> Vec<Vec<String>> {
    layout
        .inspections()
        .iter()
        .map(|i| i.run().to_vec())
        .collect()
}

/// A link as the step's detail view shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkView {
    /// Where it came from (a file, or a target path fetched through TUF).
    pub source: String,
    pub step: String,
    pub signers: Vec<String>,
    pub command: Vec<String>,
    pub materials: Vec<String>,
    pub products: Vec<String>,
    /// The sha256 the link records for each product that has one.
    pub product_sha256: BTreeMap<String, String>,
    /// One of its signers is a functionary of the step it is for (by keyid; whether the
    /// signature is valid is the verification's to say).
    pub by_functionary: bool,
}

/// The layout, its graph, and the links found for its steps.
#[derive(Debug, Clone)]
pub struct LayoutView {
    pub source: String,
    /// The in-toto 1.0 layout; `None` for an ITE-10 attestation layout, whose steps and
    /// expected predicates the graph carries.
    pub layout: Option<Layout>,
    /// The layout as JSON, for the raw view.
    pub raw: String,
    pub graph: StepGraph,
    /// The graph again with what changed since an earlier version of the layout, when one
    /// is at hand (the one the repository listed before).
    pub comparison: Option<LayoutComparison>,
    pub links: Vec<LinkView>,
}

/// The step graph against an earlier layout: added, removed and changed steps and rules.
#[derive(Debug, Clone)]
pub struct LayoutComparison {
    /// What it is compared with, in words.
    pub with: String,
    pub graph: StepGraph,
}

impl LayoutView {
    pub fn links_of(&self, step: &str) -> impl Iterator<Item = &LinkView> {
        self.links.iter().filter(move |l| l.step == step)
    }
}

/// Everything opened, verified and ready to draw.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub source: Source,
    pub tuf: Option<RepositoryReport>,
    pub tree: Option<DelegationTree>,
    /// Packages: targets other than layouts that carry in-toto metadata (`custom.in-toto`),
    /// sorted.
    pub packages: Vec<String>,
    /// The package verified end to end.
    pub target: Option<String>,
    pub ite2: Option<Ite2Report>,
    /// in-toto verification of an in-toto folder.
    pub intoto: Option<Trace>,
    pub layout: Option<LayoutView>,
    pub file: Option<FileReport>,
    /// The other documents of a JSON Lines file (`.intoto.jsonl`), after `file`, the first.
    pub more_files: Vec<FileReport>,
    /// Things the user should know about how it was judged.
    pub notes: Vec<String>,
    pub files: Arc<FileStamps>,
    /// For artifacts a failing rule names: the version a link recorded beside the one found,
    /// when both are at hand.
    pub changes: Vec<Comparison>,
    pub max_delegations: usize,
    /// Key files beside what is open, by the keyid they hold (to name keys in the views).
    pub key_files: Vec<KeyFileName>,
    /// Every key of what is open and what it serves (the Keys view).
    pub keys: Vec<crate::keyring::KeyUse>,
    /// The time everything was judged at.
    pub now: UtcTime,
    /// The verdict and summary, worked out on first use: the app draws them on every frame,
    /// and a trace of 80,000 checks is too long to scan 60 times a second. A loaded workspace
    /// does not change (the app holds it in an `Arc`); `load` never asks for them.
    memo: Memo,
}

#[derive(Debug, Clone, Default)]
struct Memo {
    verdict: std::sync::OnceLock<Option<Verdict>>,
    summary: std::sync::OnceLock<String>,
}

impl Workspace {
    /// The trace that decides the verdict: end to end when there is one, else the TUF or
    /// in-toto trace.
    pub fn trace(&self) -> Option<&Trace> {
        self.ite2
            .as_ref()
            .map(|r| &r.trace)
            .or(self.intoto.as_ref())
            .or(self.tuf.as_ref().map(|r| &r.trace))
    }

    pub fn verdict(&self) -> Option<Verdict> {
        *self.memo.verdict.get_or_init(|| self.judge())
    }

    fn judge(&self) -> Option<Verdict> {
        // A bundle verified with Sigstore is judged by that verification.
        if let (Some(_), Some(trace)) = (&self.file, &self.intoto) {
            return Some(trace.verdict());
        }
        if let Some(file) = &self.file {
            // Every document of the file counts: one refused fails it, one unchecked leaves it
            // without a verdict.
            let all: Option<Vec<bool>> = std::iter::once(file)
                .chain(&self.more_files)
                .map(FileReport::signatures_ok)
                .collect();
            let failed = std::iter::once(file)
                .chain(&self.more_files)
                .any(|f| f.signatures_ok() == Some(false));
            return if failed {
                Some(Verdict::Fail)
            } else {
                all.map(|_| Verdict::Pass)
            };
        }
        self.trace().map(Trace::verdict)
    }

    /// One line: what was verified and how it ended.
    pub fn summary(&self) -> String {
        self.memo.summary.get_or_init(|| self.summarize()).clone()
    }

    fn summarize(&self) -> String {
        let what = match (&self.target, &self.source) {
            (Some(target), _) => format!("{target} (TUF + ITE-2 + in-toto)"),
            (None, Source::File(path)) => path.display().to_string(),
            (None, source) => source.describe(),
        };
        match (self.verdict(), self.trace().and_then(Trace::first_failure)) {
            (Some(Verdict::Pass), _) => format!("{what}: PASS"),
            (Some(Verdict::Fail), Some((_, check))) => {
                format!("{what}: FAIL at {} ({})", check.id, check.title)
            }
            (Some(Verdict::Fail), None) => format!("{what}: FAIL"),
            (Some(Verdict::CannotVerify), _) => format!(
                "{what}: cannot verify: {}",
                self.trace()
                    .and_then(Trace::cannot_verify)
                    .unwrap_or_default()
            ),
            (Some(Verdict::Incomplete), _) => format!(
                "{what}: {}",
                self.trace()
                    .and_then(Trace::incomplete_summary)
                    .unwrap_or_default()
            ),
            (None, _) => format!("{what}: signatures not checked"),
        }
    }

    /// Resolves `path` through the verified delegations, as the client would.
    pub fn search(&self, path: &str) -> Option<SearchResult> {
        let verified = self.tuf.as_ref()?.verified.as_ref()?;
        Some(search_verified(verified, path, self.max_delegations))
    }
}

/// Opens and verifies `source`.
pub fn load(source: &Source, options: &LoadOptions) -> Result<Workspace, WorkspaceError> {
    let config = ClientConfig::default();
    let mut workspace = Workspace {
        source: source.clone(),
        tuf: None,
        tree: None,
        packages: Vec::new(),
        target: None,
        ite2: None,
        intoto: None,
        layout: None,
        file: None,
        more_files: Vec::new(),
        notes: Vec::new(),
        files: Arc::default(),
        changes: Vec::new(),
        max_delegations: config.max_delegations,
        key_files: Vec::new(),
        keys: Vec::new(),
        now: options.now,
        memo: Memo::default(),
    };
    options.phase(0.0, "reading the files")?;
    // The watcher's stamps: brought up to date from what it heard, before the files are read
    // (a change made while the load runs is heard and reloaded), or (on a repository of 16,384
    // bins as many metadata calls) taken beside the verification, on the core its serial
    // parts leave idle.
    let known = options
        .known_stamps
        .as_ref()
        .zip(source.watch_root())
        .map(|(known, (dir, recursive))| known.before.updated(&dir, recursive, &known.touched));
    workspace.files = std::thread::scope(|scope| -> Result<Arc<FileStamps>, WorkspaceError> {
        let scan = source
            .watch_root()
            .filter(|_| known.is_none())
            .map(|(dir, recursive)| scope.spawn(move || FileStamps::scan(&dir, recursive)));
        match source {
            Source::Sample { dir, spec } => {
                let root = dir.join(&spec.root);
                let trusted = dir.join(&spec.trusted_dir);
                let repo = dir.join("repo").display().to_string();
                load_repository(
                    &mut workspace,
                    &repo,
                    Some(root),
                    Some(trusted),
                    &spec.layout_role,
                    Some(&spec.target),
                    options,
                    &config,
                )?;
            }
            Source::Repository { repo } => {
                load_repository(
                    &mut workspace,
                    repo,
                    None,
                    None,
                    "targets",
                    None,
                    options,
                    &config,
                )?;
            }
            Source::IntotoFolder { dir, layout } => {
                load_intoto_folder(&mut workspace, dir, layout, options)?
            }
            Source::AttestationFolder { dir, layout } => {
                load_attestation_folder(&mut workspace, dir, layout, options)?
            }
            Source::File(path) if crate::inspect::is_json_lines(path) => {
                let mut reports = crate::inspect::inspect_lines(path)
                    .map_err(WorkspaceError::File)?
                    .into_iter();
                workspace.file = reports.next();
                workspace.more_files = reports.collect();
            }
            Source::File(path) => {
                let report = inspect_file(path).map_err(|error| match sniff(path) {
                    Some((what, hint, public_key)) => WorkspaceError::NotMetadata {
                        path: path.clone(),
                        what,
                        hint,
                        keyid: public_key
                            .then(|| crate::crypto::keyfile::read_key_file(path, None).ok())
                            .flatten()
                            .map(|key| key.public().keyid().to_owned()),
                    },
                    None => WorkspaceError::File(error),
                })?;
                if let Ok(bytes) = read_bounded(path, MAX_LINK_BYTES)
                    && let Ok(document) = Document::from_bytes(&bytes)
                    && let Payload::Layout(layout) = document.payload
                {
                    let dir = path.parent().unwrap_or(Path::new("."));
                    workspace.layout = Some(layout_view(
                        path.display().to_string(),
                        *layout,
                        folder_links(dir),
                        None,
                    ));
                }
                workspace.file = Some(report);
                if let Some(check) = &options.bundle_check {
                    workspace.intoto = Some(verify_opened_bundle(path, check, options)?);
                }
            }
        }
        Ok(match known {
            Some(stamps) => stamps,
            None => Arc::new(scan.and_then(|scan| scan.join().ok()).unwrap_or_default()),
        })
    })?;
    if let Some(dir) = source.key_folder() {
        workspace.key_files = key_files_in(&dir);
    }
    workspace.keys = crate::keyring::key_uses(
        workspace.tree.as_ref(),
        workspace.tuf.as_ref().and_then(|t| t.verified.as_ref()),
        workspace.layout.as_ref().and_then(|l| l.layout.as_ref()),
    );
    options.phase(1.0, "done")?;
    Ok(workspace)
}

#[allow(clippy::too_many_arguments)]
fn load_repository(
    workspace: &mut Workspace,
    repo: &str,
    root: Option<PathBuf>,
    trusted_dir: Option<PathBuf>,
    layout_role: &str,
    sample_target: Option<&str>,
    options: &LoadOptions,
    config: &ClientConfig,
) -> Result<(), WorkspaceError> {
    options.phase(0.1, "verifying every TUF role")?;
    // Sigstore's repository starts from the root chainscope pins for it.
    let sigstore = match &root {
        None if !is_url(repo) => crate::tuf::transport::FolderTransport::open(repo)
            .ok()
            .and_then(|folder| crate::sigstore::trust::pinned_root_in(&folder.metadata)),
        _ => None,
    };
    let root = root.or_else(|| sigstore.as_ref().map(|(path, _)| path.clone()));
    if let Some((path, instance)) = &sigstore {
        workspace.notes.push(format!(
            "{}'s TUF repository: verified from the root chainscope pins for it ({}), as a Sigstore client starts.",
            instance.name,
            path.display()
        ));
    }
    let request = VerifyRequest {
        repo: repo.to_owned(),
        targets_url: None,
        root: root.clone(),
        trusted_dir: trusted_dir.clone(),
        targets: Vec::new(),
        every_role: true,
        now: options.now,
        config: config.clone(),
        cache: options.role_cache.clone(),
    };
    let report = verify_repository(&request)?;
    options.phase(0.6, "building the delegation tree")?;
    workspace.tree = Some(DelegationTree::from_report(&report));
    if let Some(verified) = &report.verified {
        // A layout's own list names its keys; it is not a package.
        let mut packages: Vec<String> = verified
            .roles
            .values()
            .flat_map(|role| &role.in_toto_targets)
            .filter(|path| !path.ends_with(".layout"))
            .cloned()
            .collect();
        packages.sort();
        packages.dedup();
        workspace.packages = packages;
    }
    if root.is_none() {
        workspace.notes.push(format!(
            "No pinned root: trusting {}'s own first root, which shows the repository is consistent, not that it is the one you meant.",
            repo
        ));
    }
    let target = options
        .target
        .clone()
        .or(sample_target.map(str::to_owned))
        .or_else(|| workspace.packages.first().cloned());
    let verified_ok = report.trace.verdict() == Verdict::Pass;
    workspace.tuf = Some(report);
    let Some(target) = target else {
        return Ok(());
    };
    // ITE-2 needs a root file; a folder's own first root will do (and the note says so).
    let root = match root {
        Some(root) => root,
        None if !is_url(repo) => {
            let base = Path::new(repo);
            let metadata = if base.join("metadata").is_dir() {
                base.join("metadata")
            } else {
                base.to_path_buf()
            };
            match ["1.root.json", "root.json"]
                .iter()
                .map(|n| metadata.join(n))
                .find(|p| p.is_file())
            {
                Some(root) => root,
                None => return Ok(()),
            }
        }
        None => {
            workspace.notes.push(
                "End-to-end verification over HTTP needs a pinned root; open a sample or a folder for it.".to_owned(),
            );
            return Ok(());
        }
    };
    options.phase(0.7, &format!("verifying {target} end to end"))?;
    let request = Ite2Request {
        repo: repo.to_owned(),
        targets_url: None,
        root,
        trusted_dir,
        layout_role: layout_role.to_owned(),
        target: target.clone(),
        inspections: InspectionMode::RecordOnly,
        now: options.now,
        config: config.clone(),
    };
    let mut report = verify_target(&request)?;
    // The layout is only known once TUF delivered it: run again with its inspections when the
    // user allowed exactly these commands (or chainscope wrote the folder in this run).
    if (options.allowed_inspections.is_some() || options.written_this_run)
        && let Some((_, bytes)) = report
            .downloaded
            .iter()
            .find(|(p, _)| p.ends_with(".layout"))
        && let Ok(document) = Document::from_bytes(bytes)
        && let Payload::Layout(layout) = &document.payload
    {
        let mode = options.inspections_for(layout, &mut workspace.notes);
        if matches!(mode, InspectionMode::Run { .. }) {
            options.phase(0.8, "running the inspections")?;
            report = verify_target(&Ite2Request {
                inspections: mode,
                ..request.clone()
            })?;
        }
    }
    options.phase(0.9, "drawing the step graph")?;
    let mut links = Vec::new();
    let mut layout = None;
    for (path, bytes) in &report.downloaded {
        let Ok(document) = Document::from_bytes(bytes) else {
            continue;
        };
        match &document.payload {
            Payload::Layout(parsed) => layout = Some((path.clone(), (**parsed).clone())),
            Payload::Link(link) => links.push(link_view(path.clone(), link, &document)),
            Payload::Statement(_) => {}
        }
    }
    if let Some((path, parsed)) = layout {
        let previous = if verified_ok && !is_url(repo) {
            previous_layout(workspace, repo, layout_role, &path)
        } else {
            None
        };
        workspace.layout = Some(layout_view(path, parsed, links, previous));
    } else if let Some((path, bytes)) = report
        .downloaded
        .iter()
        .find(|(p, _)| p.ends_with(".yml") || p.ends_with(".yaml"))
    {
        // ITE-2 with an ITE-10 layout: its step graph over the attestations TUF delivered.
        let attestations: Vec<(String, String, &[u8])> = report
            .downloaded
            .iter()
            .filter(|(p, _)| {
                p.ends_with(".json") && report.package.as_ref().is_none_or(|k| k.path != *p)
            })
            .map(|(p, b)| {
                let name = p.rsplit('/').next().unwrap_or(p).to_owned();
                (p.clone(), name, b.as_slice())
            })
            .collect();
        if let Ok(view) =
            attestation_layout_view(path.clone(), bytes, &attestations, &BTreeMap::new())
        {
            workspace.layout = Some(view);
        }
    }
    if !is_url(repo) {
        workspace.changes = changed_artifacts(workspace, repo, &report);
    }
    workspace.target = Some(target);
    workspace.ite2 = Some(report);
    Ok(())
}

/// The artifacts the first failing rule names, each beside the version a link recorded as its
/// product, found in the repository's targets folder by that hash (consistent snapshots keep
/// every version under `<sha256>.<name>`).
fn changed_artifacts(workspace: &Workspace, repo: &str, report: &Ite2Report) -> Vec<Comparison> {
    let Some((_, check)) = report.trace.first_failure() else {
        return Vec::new();
    };
    let crate::trace::Outcome::Fail { failure } = &check.outcome else {
        return Vec::new();
    };
    let (Some(layout), Some(package)) = (&workspace.layout, &report.package) else {
        return Vec::new();
    };
    let base = Path::new(repo);
    let targets_dir = if base.join("metadata").is_dir() {
        base.join("targets")
    } else {
        base.join("../targets")
    };
    let mut comparisons = Vec::new();
    for artifact in failure.artifacts.iter().take(3) {
        // The package is placed under its file name; that is the artifact the rules see.
        let package_name = package.path.rsplit('/').next().unwrap_or(&package.path);
        if artifact != package_name {
            continue;
        }
        let Some((_, found)) = report.downloaded.iter().find(|(p, _)| *p == package.path) else {
            continue;
        };
        let Some((step, recorded)) = layout.links.iter().find_map(|l| {
            l.product_sha256
                .get(artifact)
                .map(|h| (l.step.clone(), h.clone()))
        }) else {
            continue;
        };
        let dir = match package.path.rsplit_once('/') {
            Some((dir, _)) => targets_dir.join(dir),
            None => targets_dir.clone(),
        };
        let genuine = dir.join(format!("{recorded}.{package_name}"));
        let Ok(bytes) = read_bounded(&genuine, MAX_LINK_BYTES) else {
            continue;
        };
        if crate::evidence::sha256_hex(&bytes) != recorded {
            continue;
        }
        comparisons.push(compare(
            artifact,
            &bytes,
            &format!(
                "the {artifact} the {step} link recorded ({})",
                genuine.display()
            ),
            found,
            &format!("the {artifact} TUF served ({})", package.path),
        ));
    }
    comparisons
}

/// The layout the layout role listed under the same path in its previous version, when the
/// repository folder still holds it (consistent snapshots keep old files). It is only drawn
/// for comparison, never trusted: the note says it is not re-verified.
fn previous_layout(
    workspace: &Workspace,
    repo: &str,
    layout_role: &str,
    layout_path: &str,
) -> Option<(String, Layout)> {
    let tuf = workspace.tuf.as_ref()?;
    let current = tuf.verified.as_ref()?.role(layout_role).ok()?;
    let current_entry = current.signed.targets.get(layout_path)?;
    let base = Path::new(repo);
    let (metadata_dir, targets_dir) = if base.join("metadata").is_dir() {
        (base.join("metadata"), base.join("targets"))
    } else {
        (base.to_path_buf(), base.join("../targets"))
    };
    for version in (1..current.signed.version).rev() {
        let file = metadata_dir.join(format!("{version}.{layout_role}.json"));
        let bytes = read_bounded(&file, 5_000_000).ok()?;
        let old = Metadata::<Targets>::from_bytes(&bytes).ok()?;
        let Some(entry) = old.signed.targets.get(layout_path) else {
            continue;
        };
        if entry.hashes == current_entry.hashes {
            continue;
        }
        let sha256 = entry.hashes.get("sha256")?;
        let (dir, name) = match layout_path.rsplit_once('/') {
            Some((dir, name)) => (format!("{dir}/"), name),
            None => (String::new(), layout_path),
        };
        let layout_file = targets_dir.join(format!("{dir}{sha256}.{name}"));
        let bytes = read_bounded(&layout_file, MAX_LINK_BYTES).ok()?;
        let Payload::Layout(layout) = Document::from_bytes(&bytes).ok()?.payload else {
            return None;
        };
        return Some((
            format!(
                "the layout {layout_role} v{version} listed (historical copy, not re-verified)"
            ),
            *layout,
        ));
    }
    None
}

fn layout_view(
    source: String,
    layout: Layout,
    links: Vec<LinkView>,
    previous: Option<(String, Layout)>,
) -> LayoutView {
    let graph = StepGraph::of(&layout);
    let comparison = previous.map(|(with, old)| LayoutComparison {
        with,
        graph: StepGraph::compared(&layout, &old),
    });
    let raw = serde_json::to_string_pretty(&layout).unwrap_or_default();
    let mut links = links;
    for link in &mut links {
        let functionaries = layout
            .steps()
            .iter()
            .find(|s| s.name == link.step)
            .map(|s| s.pubkeys())
            .unwrap_or_default();
        link.by_functionary = link.signers.iter().any(|k| functionaries.contains(k));
    }
    LayoutView {
        source,
        layout: Some(layout),
        raw,
        graph,
        comparison,
        links,
    }
}

/// The opened bundle verified with Sigstore as `check` asks; unreadable input (the artifact,
/// the trusted root, a bundle that is not one) names the file.
fn verify_opened_bundle(
    path: &Path,
    check: &crate::sigstore::BundleCheck,
    options: &LoadOptions,
) -> Result<Trace, WorkspaceError> {
    use crate::sigstore::{Artifact, BundleRequest, Signer, TrustedRootSource, verify_bundle};
    options.phase(0.4, "verifying the bundle with Sigstore")?;
    let problem = |path: &Path, problem: String| WorkspaceError::Unrecognized {
        path: path.to_owned(),
        problem,
    };
    let bundle =
        read_bounded(path, MAX_LINK_BYTES).map_err(|e| problem(path, crate::report::chain(&e)))?;
    let artifact = match Artifact::digest_argument(&check.artifact) {
        Some(digest) => Artifact::Sha256(digest),
        None => {
            let artifact = Path::new(&check.artifact);
            Artifact::Bytes(
                read_bounded(artifact, 1 << 30)
                    .map_err(|e| problem(artifact, crate::report::chain(&e)))?,
            )
        }
    };
    let (root_name, trusted_root) = match &check.trusted_root {
        TrustedRootSource::File(file) => (
            file.display().to_string(),
            read_bounded(file, MAX_LINK_BYTES)
                .map_err(|e| problem(file, crate::report::chain(&e)))?,
        ),
        TrustedRootSource::Instance { staging } => {
            let instance = crate::sigstore::trust::Instance::of(*staging);
            let transport = crate::tuf::http::HttpTransport::new(
                &format!("{}/", instance.repository),
                &format!("{}/targets/", instance.repository),
                crate::tuf::http::Timeouts::default(),
            );
            let mut tuf = Trace::new(instance.repository);
            let fetched = crate::sigstore::trust::fetch_trusted_root(
                &transport,
                instance.pinned_root,
                "the TUF root pinned in chainscope",
                options.now,
                &mut tuf,
            );
            match fetched {
                Some(bytes) => (instance.trusted_root_name(), bytes),
                // The TUF checks that failed are the answer.
                None => return Ok(tuf),
            }
        }
    };
    let signer = Signer::Identity {
        identity: check.identity.clone(),
        issuer: (!check.issuer.is_empty()).then(|| check.issuer.clone()),
    };
    verify_bundle(&BundleRequest {
        bundle_name: &path.display().to_string(),
        bundle: &bundle,
        trusted_root_name: &root_name,
        trusted_root: &trusted_root,
        artifact: &artifact,
        signer: &signer,
    })
    .map_err(|e| problem(path, crate::report::chain(&e)))
}

/// The `.pub` files in `dir` whose keys made one of `signatures` (a signed layout's), and a
/// note naming them, or saying that none did (verification then fails at the layout's
/// signature).
fn layout_keys_in_folder(
    dir: &Path,
    signatures: &[crate::crypto::Signature],
    notes: &mut Vec<String>,
) -> Vec<PublicKey> {
    let signers: Vec<&str> = signatures.iter().map(|s| s.keyid.as_str()).collect();
    let mut keys: Vec<(PathBuf, PublicKey)> = Vec::new();
    let mut pubs: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "pub"))
                .collect()
        })
        .unwrap_or_default();
    pubs.sort();
    for path in pubs {
        let Ok(bytes) = files::read_bounded(&path, 1_000_000) else {
            continue;
        };
        if let Ok(file) = parse_key_bytes(&bytes, None)
            && signers.contains(&file.public().keyid())
        {
            keys.push((path, file.public().clone()));
        }
    }
    if keys.is_empty() {
        notes.push(format!(
            "No public key in {} signed the layout, so verification fails at the layout signature; add the layout owner's .pub file.",
            dir.display()
        ));
    } else {
        notes.push(format!(
            "Layout keys: {} (the .pub files in the folder that signed the layout).",
            keys.iter()
                .map(|(p, _)| p
                    .file_name()
                    .map_or_else(String::new, |n| n.to_string_lossy().into_owned()))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    keys.into_iter().map(|(_, key)| key).collect()
}

fn load_attestation_folder(
    workspace: &mut Workspace,
    dir: &Path,
    layout_file: &Path,
    options: &LoadOptions,
) -> Result<(), WorkspaceError> {
    options.phase(0.2, "reading the layout and attestations")?;
    let problem = |path: &Path, problem: String| WorkspaceError::Unrecognized {
        path: path.to_owned(),
        problem,
    };
    let layout_bytes = read_bounded(layout_file, MAX_LINK_BYTES)
        .map_err(|e| problem(layout_file, crate::report::chain(&e)))?;
    let parameters_file = dir.join(ATTESTATION_PARAMETERS);
    let parameters: BTreeMap<String, String> = if parameters_file.is_file() {
        let bytes = read_bounded(&parameters_file, MAX_LINK_BYTES)
            .map_err(|e| problem(&parameters_file, crate::report::chain(&e)))?;
        serde_json::from_slice(&bytes).map_err(|e| {
            problem(
                &parameters_file,
                format!("not a JSON object of strings: {e}"),
            )
        })?
    } else {
        BTreeMap::new()
    };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| problem(dir, crate::report::chain(&e)))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().is_some_and(|e| e == "json")
                && p.is_file()
                && p.as_path() != layout_file
                && p.file_name()
                    .is_some_and(|n| n != ATTESTATION_PARAMETERS && n != ATTESTATION_TRUSTED_ROOT)
        })
        .collect();
    paths.sort();
    let mut attestations = Vec::new();
    for path in &paths {
        let bytes = read_bounded(path, MAX_LINK_BYTES)
            .map_err(|e| problem(path, crate::report::chain(&e)))?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        attestations.push((name, bytes));
    }
    let trusted_root_file = dir.join(ATTESTATION_TRUSTED_ROOT);
    let trusted_root = if trusted_root_file.is_file() {
        Some(
            read_bounded(&trusted_root_file, MAX_LINK_BYTES)
                .map_err(|e| problem(&trusted_root_file, crate::report::chain(&e)))?,
        )
    } else {
        None
    };
    let trusted_root_name = trusted_root_file.display().to_string();
    // A signed layout is checked against the folder's .pub files that signed it, as an in-toto
    // layout folder's is; an unreadable layout is the verifier's to report.
    let layout_keys = match crate::attest::layout::read_layout(&layout_bytes) {
        Ok(crate::attest::layout::ReadLayout {
            envelope: Some(envelope),
            ..
        }) => layout_keys_in_folder(dir, envelope.signatures(), &mut workspace.notes),
        _ => Vec::new(),
    };
    options.phase(0.5, "verifying the attestations")?;
    let request = crate::attest::verify::AttestRequest {
        trusted_root: trusted_root
            .as_deref()
            .map(|bytes| (trusted_root_name.as_str(), bytes)),
        layout_name: &layout_file.display().to_string(),
        layout: &layout_bytes,
        layout_keys: &layout_keys,
        attestations: &attestations,
        parameters: &parameters,
        now: options.now,
    };
    let trace = crate::attest::verify::verify_attestations(&request)
        .map_err(|e| problem(layout_file, e.source.to_string()))?;
    let sourced: Vec<(String, String, &[u8])> = attestations
        .iter()
        .map(|(name, bytes)| {
            (
                dir.join(name).display().to_string(),
                name.clone(),
                bytes.as_slice(),
            )
        })
        .collect();
    workspace.layout = Some(
        attestation_layout_view(
            layout_file.display().to_string(),
            &layout_bytes,
            &sourced,
            &parameters,
        )
        .map_err(|e| problem(layout_file, e))?,
    );
    workspace.intoto = Some(trace);
    Ok(())
}

/// An ITE-10 layout's view: its step graph (the rules as checked, parameters substituted) and
/// its attestations, each `(source, file name, bytes)`.
fn attestation_layout_view(
    source: String,
    layout_bytes: &[u8],
    attestations: &[(String, String, &[u8])],
    parameters: &BTreeMap<String, String>,
) -> Result<LayoutView, String> {
    let mut layout = crate::attest::layout::read_layout(layout_bytes)
        .map_err(|e| e.to_string())?
        .layout;
    // The graph shows the rules as they were checked.
    let _ = crate::attest::layout::substitute_parameters(&mut layout, parameters);
    let graph = crate::graph::attestation_graph(&layout);
    let links = attestations
        .iter()
        .filter_map(|(source, name, bytes)| attestation_view(source, name, bytes))
        .map(|mut view| {
            view.by_functionary = graph
                .nodes
                .iter()
                .find(|n| n.name == view.step)
                .is_some_and(|node| view.signers.iter().any(|k| node.functionaries.contains(k)));
            view
        })
        .collect();
    Ok(LayoutView {
        source,
        layout: None,
        raw: String::from_utf8_lossy(layout_bytes).into_owned(),
        graph,
        comparison: None,
        links,
    })
}

/// An attestation as the step detail lists it: its signers, a link's command, and the names of
/// what it consumed and produced.
fn attestation_view(source: &str, name: &str, bytes: &[u8]) -> Option<LinkView> {
    let value: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    let envelope =
        crate::crypto::Envelope::from_value(&crate::attest::layout::with_keyids(value)).ok()?;
    let crate::crypto::Envelope::Dsse { payload, .. } = &envelope else {
        return None;
    };
    let statement: serde_json::Value = serde_json::from_slice(payload).ok()?;
    let (materials, products) = crate::attest::verify::materials_and_products(&statement);
    let products = products.unwrap_or_default();
    Some(LinkView {
        source: source.to_owned(),
        step: crate::attest::verify::step_of_file(name).to_owned(),
        signers: envelope
            .signatures()
            .iter()
            .map(|s| s.keyid.clone())
            .collect(),
        command: statement
            .pointer("/predicate/command")
            .and_then(serde_json::Value::as_array)
            .map(|words| {
                words
                    .iter()
                    .filter_map(|w| w.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default(),
        materials: materials.keys().map(str::to_owned).collect(),
        products: products.keys().map(str::to_owned).collect(),
        product_sha256: products
            .iter()
            .filter_map(|(name, hashes)| Some((name.to_owned(), hashes.get("sha256")?.to_owned())))
            .collect(),
        by_functionary: false,
    })
}

fn link_view(source: String, link: &Link, document: &Document) -> LinkView {
    LinkView {
        source,
        step: link.name.clone(),
        signers: document
            .envelope
            .signatures()
            .iter()
            .map(|s| s.keyid.clone())
            .collect(),
        command: link.command().to_vec(),
        materials: link.materials().map(|(p, _)| p.clone()).collect(),
        products: link.products().map(|(p, _)| p.clone()).collect(),
        product_sha256: link
            .products()
            .filter_map(|(p, hashes)| Some((p.clone(), hashes.get("sha256")?.to_owned())))
            .collect(),
        by_functionary: false,
    }
}

/// Every `*.link` directly in `dir`.
fn folder_links(dir: &Path) -> Vec<LinkView> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "link"))
        .collect();
    paths.sort();
    paths
        .iter()
        .filter_map(|path| {
            let bytes = read_bounded(path, MAX_LINK_BYTES).ok()?;
            let document = Document::from_bytes(&bytes).ok()?;
            let Payload::Link(link) = &document.payload else {
                return None;
            };
            Some(link_view(path.display().to_string(), link, &document))
        })
        .collect()
}

fn load_intoto_folder(
    workspace: &mut Workspace,
    dir: &Path,
    layout_file: &Path,
    options: &LoadOptions,
) -> Result<(), WorkspaceError> {
    options.phase(0.2, "reading the layout and keys")?;
    let bytes = read_bounded(layout_file, MAX_LINK_BYTES).map_err(|e| InspectError {
        path: layout_file.to_path_buf(),
        source: crate::inspect::LoadError::Read(e),
    })?;
    let document = Document::from_bytes(&bytes).map_err(|e| WorkspaceError::Unrecognized {
        path: layout_file.to_path_buf(),
        problem: crate::report::chain(&e),
    })?;
    let Payload::Layout(layout) = &document.payload else {
        return Err(WorkspaceError::Unrecognized {
            path: layout_file.to_path_buf(),
            problem: format!("holds an in-toto {}, not a layout", document.payload.kind()),
        });
    };
    // The layout keys: the public keys in the folder that signed the layout. in-toto-verify is
    // told them explicitly; the note names the ones used.
    let keys = layout_keys_in_folder(dir, document.envelope.signatures(), &mut workspace.notes);
    options.phase(
        0.5,
        "verifying with in-toto (inspections recorded, not run)",
    )?;
    let inspections = options.inspections_for(layout, &mut workspace.notes);
    let verify = VerifyOptions {
        now: options.now,
        layout_keys: keys,
        link_dir: dir.to_path_buf(),
        artifacts_dir: dir.to_path_buf(),
        parameters: Default::default(),
        inspections,
    };
    let trace = verify_layout_file(layout_file, &verify).map_err(|problem| {
        WorkspaceError::Unrecognized {
            path: layout_file.to_path_buf(),
            problem,
        }
    })?;
    workspace.layout = Some(layout_view(
        layout_file.display().to_string(),
        (**layout).clone(),
        folder_links(dir),
        None,
    ));
    workspace.intoto = Some(trace);
    Ok(())
}

/// Size and modification time of every file under a folder, to say what changed on disk.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileStamps {
    pub files: BTreeMap<String, (u64, Option<SystemTime>)>,
}

/// Files added, removed or modified between two scans.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileChanges {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub modified: Vec<String>,
}

impl FileChanges {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.modified.is_empty()
    }

    /// The TUF roles whose metadata files are among the changes (`3.bins-0a.json` is
    /// `bins-0a`), sorted: files directly in a `metadata` folder, or at the top when the folder
    /// watched is the metadata folder itself.
    pub fn roles(&self, metadata_at_top: bool) -> Vec<String> {
        let mut roles = std::collections::BTreeSet::new();
        for path in self.added.iter().chain(&self.removed).chain(&self.modified) {
            let (in_metadata, name) = match path.rsplit_once('/') {
                Some((folder, name)) => {
                    (folder == "metadata" || folder.ends_with("/metadata"), name)
                }
                None => (metadata_at_top, path.as_str()),
            };
            let Some(stem) = name.strip_suffix(".json").filter(|_| in_metadata) else {
                continue;
            };
            let role = match stem.split_once('.') {
                Some((version, role))
                    if !version.is_empty() && version.bytes().all(|b| b.is_ascii_digit()) =>
                {
                    role
                }
                _ => stem,
            };
            let role = crate::files::percent_decode(role).unwrap_or_else(|| role.to_owned());
            if !role.is_empty() {
                roles.insert(role);
            }
        }
        roles.into_iter().collect()
    }
}

/// How a file below the scanned folder is named in its stamps: `metadata/1.root.json`.
fn stamp_name(relative: &Path) -> String {
    relative.to_string_lossy().replace('\\', "/")
}

/// A repository of many bins has tens of thousands of files; beyond this the scan stops.
const MAX_SCANNED_FILES: usize = 200_000;

impl FileStamps {
    pub fn scan(dir: &Path, recursive: bool) -> FileStamps {
        let mut files = BTreeMap::new();
        let mut pending = vec![dir.to_path_buf()];
        while let Some(folder) = pending.pop() {
            let Ok(entries) = std::fs::read_dir(&folder) else {
                continue;
            };
            let entries: Vec<std::fs::DirEntry> = entries
                .flatten()
                .take(MAX_SCANNED_FILES - files.len())
                .collect();
            // 16,384 hash bins are as many metadata calls: spread over the cores.
            let metadata: Vec<_> = if entries.len() >= 1024 {
                crate::parallel::map(&entries, std::fs::DirEntry::metadata)
            } else {
                entries.iter().map(std::fs::DirEntry::metadata).collect()
            };
            for (entry, meta) in entries.iter().zip(metadata) {
                if files.len() >= MAX_SCANNED_FILES {
                    return FileStamps { files };
                }
                let Ok(meta) = meta else { continue };
                let path = entry.path();
                if meta.is_dir() {
                    if recursive {
                        pending.push(path);
                    }
                } else if let Ok(relative) = path.strip_prefix(dir) {
                    files.insert(stamp_name(relative), (meta.len(), meta.modified().ok()));
                }
            }
        }
        FileStamps { files }
    }

    /// These stamps of the folder `dir` (scanned with `recursive`) brought up to date for the
    /// `touched` paths alone: each is stamped again, taken out when gone, and a folder's files
    /// are scanned (or taken out) with it. What a full scan would find, when `touched` names
    /// every path that changed since these were taken; shared as they are when none did.
    pub fn updated(
        self: &Arc<FileStamps>,
        dir: &Path,
        recursive: bool,
        touched: &[PathBuf],
    ) -> Arc<FileStamps> {
        if touched.is_empty() {
            return Arc::clone(self);
        }
        let mut files = self.files.clone();
        for path in touched {
            let Ok(relative) = path.strip_prefix(dir) else {
                continue;
            };
            let name = stamp_name(relative);
            if name.is_empty() {
                continue;
            }
            let below = format!("{name}/");
            files.remove(&name);
            let inside: Vec<String> = files
                .range(below.clone()..)
                .map(|(file, _)| file)
                .take_while(|file| file.starts_with(&below))
                .cloned()
                .collect();
            for file in inside {
                files.remove(&file);
            }
            match std::fs::symlink_metadata(path) {
                Ok(meta) if meta.is_dir() => {
                    if recursive {
                        for (file, stamp) in FileStamps::scan(path, true).files {
                            files.insert(format!("{below}{file}"), stamp);
                        }
                    }
                }
                Ok(meta) => {
                    files.insert(name, (meta.len(), meta.modified().ok()));
                }
                Err(_) => {}
            }
        }
        Arc::new(FileStamps { files })
    }

    pub fn changes_since(&self, before: &FileStamps) -> FileChanges {
        let mut changes = FileChanges::default();
        for (name, stamp) in &self.files {
            match before.files.get(name) {
                None => changes.added.push(name.clone()),
                Some(old) if old != stamp => changes.modified.push(name.clone()),
                Some(_) => {}
            }
        }
        changes.removed = before
            .files
            .keys()
            .filter(|n| !self.files.contains_key(*n))
            .cloned()
            .collect();
        changes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Stamps brought up to date from the paths that changed are what a scan finds: a file
    /// rewritten with another size, one added, one removed, a folder of files made and one
    /// removed; with nothing touched they are the same stamps, shared.
    #[test]
    fn stamps_updated_from_the_touched_paths_are_what_a_scan_finds() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("metadata")).unwrap();
        std::fs::create_dir_all(root.join("targets/old")).unwrap();
        std::fs::write(root.join("metadata/1.root.json"), "{}").unwrap();
        std::fs::write(root.join("metadata/bins-0.json"), "{}").unwrap();
        std::fs::write(root.join("metadata/bins-1.json"), "{}").unwrap();
        std::fs::write(root.join("targets/old/a.tar.gz"), "a").unwrap();
        std::fs::write(root.join("targets/old/b.tar.gz"), "b").unwrap();
        let before = Arc::new(FileStamps::scan(root, true));
        assert!(Arc::ptr_eq(&before.updated(root, true, &[]), &before));

        std::fs::write(root.join("metadata/bins-0.json"), "{\"changed\": true}").unwrap();
        std::fs::write(root.join("metadata/2.root.json"), "{}").unwrap();
        std::fs::remove_file(root.join("metadata/bins-1.json")).unwrap();
        std::fs::create_dir_all(root.join("targets/new/deeper")).unwrap();
        std::fs::write(root.join("targets/new/deeper/c.tar.gz"), "c").unwrap();
        std::fs::remove_dir_all(root.join("targets/old")).unwrap();
        let touched: Vec<PathBuf> = [
            "metadata/bins-0.json",
            "metadata/2.root.json",
            "metadata/bins-1.json",
            "targets/new",
            "targets/old",
        ]
        .iter()
        .map(|path| root.join(path))
        .collect();
        let updated = before.updated(root, true, &touched);
        assert_eq!(*updated, FileStamps::scan(root, true));
        let changes = updated.changes_since(&before);
        assert_eq!(changes.modified, ["metadata/bins-0.json"]);
        assert_eq!(
            changes.added,
            ["metadata/2.root.json", "targets/new/deeper/c.tar.gz"]
        );
        assert_eq!(
            changes.removed,
            [
                "metadata/bins-1.json",
                "targets/old/a.tar.gz",
                "targets/old/b.tar.gz"
            ]
        );
    }

    /// An `.intoto.jsonl` opened as a file: every line's document kept, none judged PASS while
    /// its signatures are unchecked.
    #[test]
    fn a_json_lines_file_opens_with_every_document() {
        let data = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/real-world/attestation-verifier/test-data");
        let lines: Vec<String> = ["clone", "test", "build"]
            .iter()
            .map(|step| {
                let bytes = std::fs::read(data.join(format!("{step}.fe1c6281.json"))).unwrap();
                serde_json::from_slice::<serde_json::Value>(&bytes)
                    .unwrap()
                    .to_string()
            })
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("chain.intoto.jsonl");
        std::fs::write(&file, lines.join("\n")).unwrap();
        let source = detect(&file.display().to_string()).unwrap();
        let now = UtcTime::parse_rfc3339("2026-12-01T00:00:00Z").unwrap();
        let workspace = load(&source, &LoadOptions::new(now)).unwrap();
        assert!(workspace.file.is_some());
        assert_eq!(workspace.more_files.len(), 2);
        assert_eq!(workspace.verdict(), None);
    }

    /// The signing dialog's list: private keys (plain and encrypted, recent ones first, each
    /// once), never public keys or other files.
    #[test]
    fn signing_key_files_are_the_private_keys() {
        use crate::crypto::private::PrivateKey;
        let dir = tempfile::tempdir().unwrap();
        let owner = PrivateKey::ed25519_from_seed(&[1; 32]);
        let alice = PrivateKey::ed25519_from_seed(&[2; 32]);
        std::fs::write(
            dir.path().join("owner"),
            owner.to_pkcs8_pem().unwrap().as_bytes(),
        )
        .unwrap();
        std::fs::write(dir.path().join("owner.pub"), owner.public_pem()).unwrap();
        std::fs::write(
            dir.path().join("alice.key"),
            alice.to_encrypted_pkcs8_pem("pw").unwrap().as_bytes(),
        )
        .unwrap();
        std::fs::write(dir.path().join("README"), "not a key").unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        let recent = elsewhere.path().join("release");
        std::fs::write(&recent, alice.to_pkcs8_pem().unwrap().as_bytes()).unwrap();
        let found = signing_key_files(
            &[recent.clone(), dir.path().join("owner")],
            &[dir.path().to_path_buf()],
        );
        assert_eq!(
            found,
            [
                SigningKeyFile {
                    path: recent,
                    keyid: Some(alice.public().keyid().to_owned()),
                    encrypted: false,
                },
                SigningKeyFile {
                    path: dir.path().join("owner"),
                    keyid: Some(owner.public().keyid().to_owned()),
                    encrypted: false,
                },
                SigningKeyFile {
                    path: dir.path().join("alice.key"),
                    keyid: None,
                    encrypted: true,
                },
            ]
        );
    }

    /// The watcher's change note names the roles whose metadata changed, not other files.
    #[test]
    fn changed_files_name_the_roles_they_hold() {
        let changes = FileChanges {
            added: vec!["repo/metadata/4.bins-0a.json".into(), "notes.txt".into()],
            removed: vec!["repo/metadata/3.bins-0a.json".into()],
            modified: vec![
                "repo/metadata/timestamp.json".into(),
                "trusted/root.json".into(),
                "repo/metadata/2.a%2Fb.json".into(),
                "repo/targets/metadata.json".into(),
            ],
        };
        assert_eq!(changes.roles(false), ["a/b", "bins-0a", "timestamp"]);
        let top = FileChanges {
            modified: vec!["5.snapshot.json".into(), "sub/x.json".into()],
            ..FileChanges::default()
        };
        assert_eq!(top.roles(true), ["snapshot"]);
        assert!(top.roles(false).is_empty());
    }
}
