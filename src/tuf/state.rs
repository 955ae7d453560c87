//! What the client establishes: each role's status and the metadata it ended up trusting.
//! The client fills these in; the target search and the views read them.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use sha2::Digest as _;

use super::metadata::{Delegations, Metadata, Root, Snapshot, Targets, TargetsSummary, Timestamp};
use super::transport::{Area, FetchError, Transport};
use crate::crypto::ThresholdReport;
use crate::model::Expires;

/// How a role is delegated, for the inspector and the delegation tree.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Delegation {
    /// A top-level role, authorized by root.
    TopLevel,
    Paths {
        paths: Vec<String>,
        terminating: bool,
    },
    HashPrefixes {
        prefixes: Vec<String>,
        terminating: bool,
    },
    /// One of TAP 15's succinct bins (always terminating).
    Bin {
        name_prefix: String,
        bit_length: u32,
    },
}

/// Everything the client learned about one role file, whether or not it verified: what the
/// inspector reports per role. Fields stay `None` for checks that were not reached.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RoleStatus {
    pub name: String,
    /// `root` for the top-level roles, else the delegating targets role.
    pub delegator: String,
    pub delegation: Delegation,
    /// The file the bytes came from.
    pub file: Option<String>,
    /// The bytes were the client's trusted copy, not fetched.
    pub from_trusted_copy: bool,
    pub version: Option<u64>,
    /// The version snapshot (or, for snapshot, timestamp) lists.
    pub expected_version: Option<u64>,
    pub expires: Option<String>,
    pub expired: Option<bool>,
    /// Length and hashes against what snapshot or timestamp lists (when it lists any).
    pub length_and_hashes: Option<Result<(), String>>,
    /// Signatures against the delegator's keys and threshold.
    #[serde(skip)]
    pub signatures: Option<ThresholdReport>,
    pub signature_summary: Option<String>,
    pub threshold: u64,
    /// The keyids the delegator authorizes for this role.
    pub authorized: Vec<String>,
    pub target_count: Option<usize>,
    /// The first failed check, in words; `None` when every check passed.
    pub problem: Option<String>,
}

impl RoleStatus {
    pub(super) fn new(name: &str, delegator: &str, delegation: Delegation) -> RoleStatus {
        RoleStatus {
            name: name.to_owned(),
            delegator: delegator.to_owned(),
            delegation,
            file: None,
            from_trusted_copy: false,
            version: None,
            expected_version: None,
            expires: None,
            expired: None,
            length_and_hashes: None,
            signatures: None,
            signature_summary: None,
            threshold: 0,
            authorized: Vec::new(),
            target_count: None,
            problem: None,
        }
    }

    pub(super) fn record_signatures(&mut self, report: &ThresholdReport) {
        self.signature_summary = Some(report.summary());
        self.signatures = Some(report.clone());
    }
}

/// A verified targets role as it is kept: what the delegation tree, the statuses, the review
/// and the search need to know about it, without its targets. 16,384 bins list millions of
/// targets; holding them all made memory grow with the repository. The targets are read again
/// from where the role came from when someone needs them, and those bytes must hash to the
/// bytes that verified ([`RoleReader`]).
#[derive(Debug, Clone)]
pub struct TrustedRole {
    pub version: u64,
    pub expires: Expires,
    pub target_count: usize,
    pub delegations: Option<Delegations>,
    /// Targets whose `custom` names their in-toto metadata (ITE-2's packages), so the views
    /// can offer them without reading every role again.
    pub in_toto_targets: Vec<String>,
    /// Where the verified bytes came from, how many, and their SHA-256.
    pub origin: RoleOrigin,
    pub length: u64,
    pub digest: [u8; 32],
}

/// Where a verified role's bytes were read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoleOrigin {
    /// Fetched from the repository under this metadata name (`3.bins-0a.json`).
    Fetched(String),
    /// The client's own trusted copy, current and used without fetching.
    TrustedCopy(PathBuf),
}

impl TrustedRole {
    /// `length` and `digest` (SHA-256) are those of the bytes that verified.
    pub(super) fn new(
        metadata: &Metadata<TargetsSummary>,
        length: u64,
        digest: [u8; 32],
        origin: RoleOrigin,
    ) -> TrustedRole {
        TrustedRole {
            version: metadata.signed.version,
            expires: metadata.signed.expires.clone(),
            target_count: metadata.signed.target_count,
            delegations: metadata.signed.delegations.clone(),
            in_toto_targets: metadata.signed.in_toto_targets.clone(),
            origin,
            length,
            digest,
        }
    }
}

/// The SHA-256 a verified role's bytes are kept and read again by.
pub(super) fn sha256(bytes: &[u8]) -> [u8; 32] {
    sha2::Sha256::digest(bytes).into()
}

/// Why a verified role could not be read again.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RereadError {
    #[error("{role} was not verified")]
    NotVerified { role: String },
    #[error("cannot read {role} again")]
    Fetch {
        role: String,
        #[source]
        source: FetchError,
    },
    #[error("{location} changed since {role} was verified")]
    Changed { role: String, location: String },
}

impl crate::report::Hint for RereadError {
    fn hint(&self) -> Option<String> {
        match self {
            RereadError::Changed { .. } => Some(
                "the repository changed after it was verified: reload it, so what is shown is what was judged"
                    .to_owned(),
            ),
            _ => None,
        }
    }
}

/// Reads verified roles' targets again, by the bytes that verified: from the repository (the
/// same transport) or the client's trusted copy, refused unless the bytes hash to what was
/// verified. The few roles read last stay parsed.
#[derive(Clone)]
pub struct RoleReader {
    transport: Arc<dyn Transport>,
    recent: Arc<Mutex<Recent>>,
}

impl std::fmt::Debug for RoleReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RoleReader").finish_non_exhaustive()
    }
}

/// How many parsed roles stay in memory: a search walks a handful, the bin view shows one.
const RECENT_ROLES: usize = 16;

/// The roles read last, the newest first.
#[derive(Default)]
pub(super) struct Recent(Vec<(String, [u8; 32], Arc<Metadata<Targets>>)>);

impl Recent {
    pub(super) fn get(&mut self, role: &str, digest: &[u8; 32]) -> Option<Arc<Metadata<Targets>>> {
        let position = self
            .0
            .iter()
            .position(|(name, d, _)| name == role && d == digest)?;
        let entry = self.0.remove(position);
        let metadata = entry.2.clone();
        self.0.insert(0, entry);
        Some(metadata)
    }

    pub(super) fn put(&mut self, role: &str, digest: [u8; 32], metadata: Arc<Metadata<Targets>>) {
        self.0.retain(|(name, _, _)| name != role);
        self.0.insert(0, (role.to_owned(), digest, metadata));
        self.0.truncate(RECENT_ROLES);
    }
}

impl RoleReader {
    pub fn new(transport: Arc<dyn Transport>) -> RoleReader {
        RoleReader::with_recent(transport, Arc::default())
    }

    pub(super) fn with_recent(
        transport: Arc<dyn Transport>,
        recent: Arc<Mutex<Recent>>,
    ) -> RoleReader {
        RoleReader { transport, recent }
    }

    /// The role `role` as verified: its metadata read again and checked against `entry`.
    pub fn read(
        &self,
        role: &str,
        entry: &TrustedRole,
    ) -> Result<Arc<Metadata<Targets>>, RereadError> {
        read_role(&self.recent, self.transport.as_ref(), role, entry)
    }
}

/// `role` as verified: one of the `recent` roles, else read again through `transport` and kept
/// among them.
pub(super) fn read_role(
    recent: &Mutex<Recent>,
    transport: &dyn Transport,
    role: &str,
    entry: &TrustedRole,
) -> Result<Arc<Metadata<Targets>>, RereadError> {
    let mut recent = recent.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(metadata) = recent.get(role, &entry.digest) {
        return Ok(metadata);
    }
    let metadata = Arc::new(reread(transport, role, entry)?);
    recent.put(role, entry.digest, metadata.clone());
    Ok(metadata)
}

/// Reads `role` again from where `entry` says it came from, through `transport`.
fn reread(
    transport: &dyn Transport,
    role: &str,
    entry: &TrustedRole,
) -> Result<Metadata<Targets>, RereadError> {
    let (bytes, location) = match &entry.origin {
        RoleOrigin::Fetched(name) => (
            transport.fetch(Area::Metadata, name, entry.length),
            transport.location(Area::Metadata, name),
        ),
        RoleOrigin::TrustedCopy(path) => (
            crate::files::read_bounded(path, entry.length).map_err(|e| FetchError::Io {
                location: path.display().to_string(),
                message: e.to_string(),
            }),
            path.display().to_string(),
        ),
    };
    let bytes = bytes.map_err(|source| match source {
        // Longer than the bytes that verified: not those bytes.
        FetchError::TooLarge { .. } => RereadError::Changed {
            role: role.to_owned(),
            location: location.clone(),
        },
        source => RereadError::Fetch {
            role: role.to_owned(),
            source,
        },
    })?;
    if sha256(&bytes) != entry.digest {
        return Err(RereadError::Changed {
            role: role.to_owned(),
            location,
        });
    }
    Metadata::from_bytes(&bytes).map_err(|_| RereadError::Changed {
        role: role.to_owned(),
        location,
    })
}

/// What a client ended up trusting, and every role file it looked at.
#[derive(Debug, Clone)]
pub struct Verified {
    pub root: Metadata<Root>,
    pub timestamp: Option<Metadata<Timestamp>>,
    pub snapshot: Option<Metadata<Snapshot>>,
    /// Verified targets roles by name, without their targets.
    pub roles: BTreeMap<String, TrustedRole>,
    pub statuses: Vec<Arc<RoleStatus>>,
    /// Where the targets of `roles` are read again.
    pub reader: RoleReader,
}

impl Verified {
    /// The verified role `role`, targets and all, read again by its verified bytes.
    pub fn role(&self, role: &str) -> Result<Arc<Metadata<Targets>>, RereadError> {
        self.reader.read(role, verified_entry(&self.roles, role)?)
    }
}

/// What is kept of the verified role `role`.
pub(super) fn verified_entry<'r>(
    roles: &'r BTreeMap<String, TrustedRole>,
    role: &str,
) -> Result<&'r TrustedRole, RereadError> {
    roles.get(role).ok_or_else(|| RereadError::NotVerified {
        role: role.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tuf::transport::FolderTransport;
    use crate::tuf::verify::{VerifyRequest, verify_repository};

    fn copy(from: &std::path::Path, to: &std::path::Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_dir() {
                copy(&entry.path(), &to.join(entry.file_name()));
            } else {
                std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
            }
        }
    }

    fn verified_copy() -> (tempfile::TempDir, Verified) {
        let dir = tempfile::tempdir().unwrap();
        let sample =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-repos/talk-alice-bob");
        copy(&sample, dir.path());
        let request = VerifyRequest {
            repo: dir.path().join("repo").display().to_string(),
            targets_url: None,
            root: Some(dir.path().join("trusted/root.json")),
            trusted_dir: None,
            targets: Vec::new(),
            every_role: true,
            now: crate::time::UtcTime::parse_rfc3339("2026-12-01T00:00:00Z").unwrap(),
            config: Default::default(),
            cache: None,
        };
        let report = verify_repository(&request).unwrap();
        (dir, report.verified.unwrap())
    }

    /// What stays of a verified role is its index; its targets are read again by the bytes
    /// that verified, and a file changed since then is refused, never shown as verified.
    #[test]
    fn roles_are_read_again_only_as_they_verified() {
        let (dir, verified) = verified_copy();
        let entry = &verified.roles["bins-1"];
        assert_eq!(
            entry.target_count,
            verified.role("bins-1").unwrap().signed.targets.len()
        );
        let RoleOrigin::Fetched(name) = &entry.origin else {
            panic!("fetched, not a trusted copy: {:?}", entry.origin)
        };

        // A reader with nothing parsed yet reads the file again and checks it.
        let transport =
            FolderTransport::open(&dir.path().join("repo").display().to_string()).unwrap();
        let fresh = RoleReader::new(Arc::new(transport));
        let again = fresh.read("bins-1", entry).unwrap();
        assert_eq!(again.signed.version, entry.version);

        let file = dir.path().join("repo/metadata").join(name);
        let mut bytes = std::fs::read(&file).unwrap();
        bytes.push(b'\n');
        std::fs::write(&file, bytes).unwrap();
        let transport =
            FolderTransport::open(&dir.path().join("repo").display().to_string()).unwrap();
        let error = RoleReader::new(Arc::new(transport))
            .read("bins-1", entry)
            .unwrap_err();
        assert!(
            matches!(&error, RereadError::Changed { role, .. } if role == "bins-1"),
            "{error:?}"
        );
        assert!(
            crate::report::Hint::hint(&error)
                .unwrap()
                .contains("reload")
        );

        assert!(matches!(
            verified.role("no-such-role"),
            Err(RereadError::NotVerified { .. })
        ));
    }

    /// The parsed roles kept are the few used last, whatever the number of roles.
    #[test]
    fn only_the_roles_used_last_stay_parsed() {
        let (_dir, verified) = verified_copy();
        let metadata = verified.role("bins-1").unwrap();
        let mut recent = Recent::default();
        for n in 0..40u8 {
            recent.put(&format!("bin-{n}"), [n; 32], metadata.clone());
        }
        assert_eq!(recent.0.len(), RECENT_ROLES);
        assert!(recent.get("bin-39", &[39; 32]).is_some());
        assert!(recent.get("bin-0", &[0; 32]).is_none());
        // The same name with other bytes (the role changed and verified again) is not served.
        assert!(recent.get("bin-39", &[0; 32]).is_none());
    }
}
