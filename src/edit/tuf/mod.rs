//! The TUF repository editor: roles changed in a staging folder (each change bumps the role's
//! version once, so signatures made afterwards cover the version that will be published),
//! signed one key at a time (here, or offline), then published in the order that keeps the
//! repository valid at every moment: targets files, targets and delegated roles, root, snapshot,
//! and `timestamp.json` last. Nothing is published that chainscope's own client would refuse.
//!
//! Layout of a repository folder: `metadata/` and `targets/` as published (what a web server
//! serves), `staged/` for changes not yet published.

// The parts below `use super::*`: these imports serve them too.
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

mod diff;
mod operations;
mod publish;
mod roles;
mod signing;
mod store;
#[cfg(test)]
mod tests;

pub use diff::diff_roles;
pub use operations::{DelegateRequest, DelegationScope};
use publish::list;
pub use publish::{PublishOptions, PublishProblem, PublishReport};
pub use store::{AtomicWriter, Writer};
use store::{client_name, disk_name, envelope_bytes, stored_target_name, typed};

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
    /// The keys that may sign it, in the order the delegator lists them (what the editor's
    /// key pickers offer).
    pub keys: Vec<PublicKey>,
    /// For a staged root: the report against the root it replaces.
    pub previous_root: Option<ThresholdReport>,
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
