//! The TUF client workflow (specification v1.0.34 §5 "Detailed client workflow") as
//! python-tuf 7's `ngclient` runs it, with every check a numbered entry of a [`Trace`].
//!
//! The order of checks, and which failure stops what, follow `ngclient/updater.py` and
//! `_internal/trusted_metadata_set.py`; failure kinds are python-tuf's exception names, so a
//! trace can be compared with what the reference raised. Where chainscope decides differently
//! the code says so: thresholds count distinct keys (python-tuf 7.0.1 counts keyids).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use super::cache::{CheckedRole, KeyBuilder, Recorded, RoleCache};
use super::metadata::{
    AnyMetadata, MetaFile, Metadata, Root, Snapshot, TargetFile, Targets, TargetsSummary, Timestamp,
};
pub use super::state::{
    Delegation, RereadError, RoleOrigin, RoleReader, RoleStatus, TrustedRole, Verified,
};
use super::state::{Recent, read_role, sha256, verified_entry};
use super::transport::{Area, FetchError, Transport};
use crate::checks;
use crate::crypto::digest::{only_broken_hashes, verify_length_and_hashes};
use crate::crypto::threshold::short;
use crate::crypto::{
    PublicKey, RoleKeys, Signature, ThresholdReport, check_threshold, securesystemslib_loads,
};
use crate::files::{self, quote};
use crate::model::HashDict;
use crate::time::UtcTime;
use crate::trace::{Check, CheckGroup, CheckId, Failure, Outcome, Subject, Trace};

/// python-tuf's exception names, used as [`Failure::kind`].
pub mod kind {
    pub const UNSIGNED: &str = "UnsignedMetadataError";
    pub const BAD_VERSION: &str = "BadVersionNumberError";
    pub const EXPIRED: &str = "ExpiredMetadataError";
    pub const LENGTH_OR_HASH: &str = "LengthOrHashMismatchError";
    pub const REPOSITORY: &str = "RepositoryError";
    pub const DESERIALIZATION: &str = "DeserializationError";
    pub const DOWNLOAD: &str = "DownloadError";
    pub const DOWNLOAD_LENGTH: &str = "DownloadLengthMismatchError";
    pub const DOWNLOAD_HTTP: &str = "DownloadHTTPError";
}

/// The largest trusted copy read from the client's own folder. python-tuf reads its copies
/// uncapped; a cap far above the remote caps keeps real repositories (a snapshot listing
/// millions of roles) readable while a runaway file cannot exhaust memory.
pub const TRUSTED_COPY_MAX_LENGTH: u64 = 512 * 1024 * 1024;

/// python-tuf's `UpdaterConfig` defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientConfig {
    pub max_root_rotations: u64,
    /// Roles visited per target search (python-tuf's loop lets one more than this run).
    pub max_delegations: usize,
    pub root_max_length: u64,
    pub timestamp_max_length: u64,
    pub snapshot_max_length: u64,
    pub targets_max_length: u64,
    /// With consistent snapshots, targets are fetched as `<dir>/<hash>.<basename>`.
    pub prefix_targets_with_hash: bool,
}

impl Default for ClientConfig {
    fn default() -> ClientConfig {
        ClientConfig {
            max_root_rotations: 256,
            max_delegations: 32,
            root_max_length: 512_000,
            timestamp_max_length: 16_384,
            snapshot_max_length: 2_000_000,
            targets_max_length: 5_000_000,
            prefix_targets_with_hash: true,
        }
    }
}

/// A check failed and is recorded in the trace; the step that needed it cannot go on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Halt;

/// The keys and threshold a delegator sets for one role.
#[derive(Debug, Clone, Copy)]
struct Authority<'d> {
    delegator: &'d str,
    keys: &'d BTreeMap<String, PublicKey>,
    keyids: &'d [String],
    threshold: u64,
}

/// Where a target was found.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub path: String,
    pub info: TargetFile,
    /// The role that lists it.
    pub role: String,
    /// Roles from `targets` down to `role`.
    pub chain: Vec<String>,
}

/// Where the bytes under check came from: a failure in the client's own trusted copy only
/// means the copy is not used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    Fetched,
    TrustedCopy,
}

/// What `update_timestamp` did with a timestamp that passed its checks.
enum TimestampUpdate {
    Accepted,
    /// Same version as the trusted one: the trusted one is kept (python-tuf goes on).
    KeptTrusted,
}

/// From how many siblings on roles are checked in parallel, and how many at a time: enough
/// that the pauses to record them in order cost little. A checked role waiting to be recorded
/// holds its checks and its index entry, never its targets.
const PARALLEL_FROM: usize = 8;
const PARALLEL_STRETCH: usize = 4096;

/// A delegating role whose children the walk of [`Client::load_every_role`] is going through:
/// the children in priority order, the next one, and the next ones already checked.
struct Frame {
    delegator: String,
    children: Vec<String>,
    next: usize,
    ready: std::collections::VecDeque<Option<Folded>>,
}

/// A checked role as it waits to be recorded: a member of a group, or its own checks, or
/// what an earlier run found for the same bytes on the same terms.
enum Folded {
    Passed(Arc<PassedRole>, Prepared),
    Alone(Prepared),
    Reused(Arc<CheckedRole>),
}

/// A targets role checked off the main thread: its checks, the outcome and the facts.
struct Prepared {
    checks: Vec<Check>,
    loaded: Result<Loaded, Halt>,
    status: Arc<RoleStatus>,
}

/// A role's file fetched before its checks, to look it up in the [`RoleCache`]: what the
/// fetch gave and, when it gave bytes, the key they are kept under.
struct FetchedAhead {
    fetched: Result<Vec<u8>, FetchError>,
    /// The fetched bytes' SHA-256 and the cache key made with it: the role, once trusted,
    /// is kept with the same digest, so its bytes are hashed once.
    digest_and_key: Option<([u8; 32], [u8; 32])>,
}

struct Loaded {
    /// What is kept of it once trusted.
    trusted: TrustedRole,
    /// Fetched bytes that became trusted (none for a current trusted copy).
    fetched: Option<Vec<u8>>,
}

/// The client: trusted state plus where to fetch from.
pub struct Client<'a> {
    transport: &'a dyn Transport,
    config: ClientConfig,
    now: UtcTime,
    /// The client's previously trusted metadata (python-tuf's `metadata_dir`).
    trusted_dir: Option<PathBuf>,
    /// The version of the root the client started from.
    initial_root_version: u64,
    root: Metadata<Root>,
    timestamp: Option<Metadata<Timestamp>>,
    snapshot: Option<Metadata<Snapshot>>,
    /// Verified targets roles by name (the last verification wins, as in python-tuf), without
    /// their targets: those are read again by their verified bytes when needed.
    roles: BTreeMap<String, TrustedRole>,
    /// The roles parsed last, so a search does not read again what was just verified.
    recent: Arc<Mutex<Recent>>,
    /// `(delegator, role)` pairs verified.
    verified: PairSet,
    statuses: Vec<Arc<RoleStatus>>,
    /// File names and bytes that became trusted this run, in order: what a client persists.
    accepted: Vec<(String, Vec<u8>)>,
    /// Whether delegated roles' bytes go into `accepted` too (a persisting client wants them;
    /// an inspection of 16,384 bins does not need to hold them).
    keep_role_bytes: bool,
    /// Results of earlier runs over the same repository, to reuse for unchanged roles.
    cache: Option<Arc<RoleCache>>,
}

/// What a fetched role's checks depend on besides the run's time: the role, the file it was
/// fetched as and where that is, the bytes, the delegation's keys and threshold, and what
/// snapshot lists for it.
fn cache_key(
    role: &str,
    authority: &Authority<'_>,
    meta: &MetaFile,
    bytes_digest: &[u8; 32],
    name: &str,
    location: &str,
) -> [u8; 32] {
    let mut key = KeyBuilder::new()
        .part(role.as_bytes())
        .part(name.as_bytes())
        .part(location.as_bytes())
        .part(bytes_digest)
        .part(authority.delegator.as_bytes())
        .part(&authority.threshold.to_le_bytes())
        .part(&meta.version.to_le_bytes())
        .part(&meta.length.map_or([0xff; 9], |length| {
            let mut listed = [0; 9];
            listed[1..].copy_from_slice(&length.to_le_bytes());
            listed
        }));
    if let Some(hashes) = &meta.hashes {
        let first = hashes
            .first_as_written()
            .map_or("", |(algorithm, _)| algorithm);
        key = key.part(b"hashes").part(first.as_bytes());
        for (algorithm, digest) in hashes.iter() {
            key = key.part(algorithm.as_bytes()).part(digest.as_bytes());
        }
    }
    for keyid in authority.keyids {
        key = key.part(keyid.as_bytes());
        key = match authority.keys.get(keyid) {
            Some(public) => match public.fingerprint() {
                Some(material) => key
                    .part(public.keytype().as_bytes())
                    .part(public.scheme_name().as_bytes())
                    .part(&material),
                // A key chainscope cannot use: judged by its whole entry.
                None => key.part(&crate::cjson::encode(public.to_dict()).unwrap_or_default()),
            },
            None => key.part(b"no key"),
        };
    }
    key.finish()
}

/// The titles of a delegated role's passing §5.6 checks: one wording for the checks as
/// recorded and as a [`CheckGroup`] writes them again.
mod titles {
    pub(super) fn fetch(name: &str) -> String {
        format!("fetch {name}")
    }

    pub(super) fn matches_snapshot(role: &str, listed: bool) -> String {
        if listed {
            format!("{role} matches the length and hashes in snapshot")
        } else {
            format!("snapshot lists no length or hashes for {role}: nothing to compare")
        }
    }

    pub(super) fn signed(role: &str, delegator: &str) -> String {
        format!("{role} signed by a threshold of the keys {delegator} authorizes")
    }

    pub(super) fn version(role: &str, version: u64) -> String {
        format!("{role} version {version} is the one snapshot lists")
    }

    pub(super) fn not_expired(role: &str) -> String {
        format!("{role} is not expired")
    }
}

/// A delegated role that passed §5.6.1–5.6.5 from a fetched file: what writes its five checks
/// again, as a member of a [`CheckGroup`]. 16,384 bins are kept as these, not as 81,920 checks.
#[derive(Debug)]
pub(super) struct PassedRole {
    name: String,
    file_name: String,
    location: String,
    length: u64,
    /// Whether snapshot lists its length or hashes.
    listed: bool,
    /// The signature check's evidence: which signatures counted.
    signatures: Vec<(std::borrow::Cow<'static, str>, String)>,
    version: u64,
    expires: String,
}

impl PassedRole {
    /// The role as a group member when all it recorded is the five passing checks of a
    /// fetched file; otherwise the role back, to be recorded check by check.
    fn fold(mut prepared: Prepared, delegator: &str) -> Folded {
        let plain = prepared.checks.len() == 5
            && prepared.checks.iter().all(|check| {
                matches!(check.outcome, Outcome::Pass)
                    && check.queue.is_none()
                    && check.group.is_none()
            });
        let (true, Ok(loaded), Some(location), Some(version)) = (
            plain,
            &prepared.loaded,
            &prepared.status.file,
            prepared.status.version,
        ) else {
            return Folded::Alone(prepared);
        };
        let RoleOrigin::Fetched(file_name) = &loaded.trusted.origin else {
            return Folded::Alone(prepared);
        };
        let member = Arc::new(PassedRole {
            name: prepared.status.name.clone(),
            file_name: file_name.clone(),
            location: location.clone(),
            length: loaded.trusted.length,
            listed: prepared.status.length_and_hashes.is_some(),
            signatures: std::mem::take(&mut prepared.checks[2].evidence),
            version,
            expires: loaded.trusted.expires.to_string(),
        });
        if cfg!(debug_assertions) {
            let mut recorded = std::mem::take(&mut prepared.checks);
            recorded[2].evidence = member.signatures.clone();
            assert_eq!(
                member.write(delegator),
                recorded,
                "a folded role's checks are written again exactly as recorded"
            );
        }
        prepared.checks = Vec::new();
        Folded::Passed(member, prepared)
    }

    /// The five checks, as [`Client::load_role`] recorded them.
    fn write(&self, delegator: &str) -> Vec<Check> {
        let mut trace = Trace::new("");
        let subject = role_subject(&self.name);
        trace
            .pass(
                checks::TUF_5_6_1,
                subject.clone(),
                &titles::fetch(&self.file_name),
            )
            .add_evidence("file", self.location.clone())
            .add_evidence("bytes", self.length.to_string());
        trace.pass(
            checks::TUF_5_6_2,
            subject.clone(),
            &titles::matches_snapshot(&self.name, self.listed),
        );
        trace
            .pass(
                checks::TUF_5_6_3,
                subject.clone(),
                &titles::signed(&self.name, delegator),
            )
            .evidence
            .clone_from(&self.signatures);
        trace.pass(
            checks::TUF_5_6_4,
            subject.clone(),
            &titles::version(&self.name, self.version),
        );
        trace
            .pass(checks::TUF_5_6_5, subject, &titles::not_expired(&self.name))
            .add_evidence("expires", self.expires.clone());
        trace.checks
    }
}

/// `(delegator, role)` pairs, looked up and added without building an owned pair: the walk
/// asks once per role, 16,384 times for hash bins.
#[derive(Debug, Default)]
struct PairSet(std::collections::HashMap<String, std::collections::HashSet<String>>);

impl PairSet {
    fn contains(&self, delegator: &str, role: &str) -> bool {
        self.0
            .get(delegator)
            .is_some_and(|roles| roles.contains(role))
    }

    /// Adds the pair; `false` when it was there.
    fn insert(&mut self, delegator: &str, role: &str) -> bool {
        let roles = match self.0.get_mut(delegator) {
            Some(roles) => roles,
            None => self.0.entry(delegator.to_owned()).or_default(),
        };
        !roles.contains(role) && roles.insert(role.to_owned())
    }
}

/// Consecutive siblings that passed alike, waiting to be recorded as one group.
#[derive(Default)]
struct PassedRun {
    delegator: String,
    members: Vec<Arc<PassedRole>>,
}

impl PassedRun {
    fn push(&mut self, delegator: &str, member: Arc<PassedRole>, trace: &mut Trace) {
        if self.delegator != delegator {
            self.record(trace);
            delegator.clone_into(&mut self.delegator);
        }
        self.members.push(member);
    }

    /// Records the run: a group, or a lone role's own checks.
    fn record(&mut self, trace: &mut Trace) {
        let members: Vec<Arc<PassedRole>> = std::mem::take(&mut self.members);
        let delegator: Arc<str> = Arc::from(self.delegator.as_str());
        match members.len() {
            0 => {}
            1 => trace.checks.extend(members[0].write(&delegator)),
            count => {
                let span = format!("{} … {}", members[0].name, members[count - 1].name);
                let title = format!(
                    "each fetched, matching snapshot, signed by a threshold of the keys {delegator} authorizes, at the version snapshot lists and not expired"
                );
                let group = CheckGroup::new(count, count * 5, {
                    let delegator = delegator.clone();
                    move |index| members[index].write(&delegator)
                });
                trace
                    .pass_group(
                        checks::TUF_5_6,
                        Subject::Roles {
                            delegator: delegator.to_string(),
                            count,
                        },
                        &title,
                        group,
                    )
                    .add_evidence("roles", span);
            }
        }
    }
}

fn fail(trace: &mut Trace, id: CheckId, subject: &Subject, title: &str, failure: Failure) -> Halt {
    trace.fail(id, subject.clone(), title, failure);
    Halt
}

fn role_subject(name: &str) -> Subject {
    Subject::Role {
        name: name.to_owned(),
    }
}

/// A fetch failure as python-tuf's fetcher names it.
fn fetch_failure(error: &FetchError) -> Failure {
    let kind = match error {
        FetchError::NotFound { .. } => kind::DOWNLOAD_HTTP,
        FetchError::TooLarge { .. } => kind::DOWNLOAD_LENGTH,
        FetchError::Unsafe(_) | FetchError::Io { .. } => kind::DOWNLOAD,
    };
    let hint = match error {
        FetchError::TooLarge { limit, .. } => Some(format!(
            "a file over {limit} bytes is refused before it is parsed (endless-data protection)"
        )),
        FetchError::Unsafe(_) => {
            Some("a name from metadata may not leave the repository's folder".to_owned())
        }
        _ => None,
    };
    let failure = Failure::of_kind(kind, crate::report::chain(error));
    match hint {
        Some(hint) => failure.hint(hint),
        None => failure,
    }
}

/// The first key python-tuf could not even load (it then refuses the whole file).
fn unloadable_key(keys: &BTreeMap<String, PublicKey>) -> Option<String> {
    keys.values()
        .find(|key| !securesystemslib_loads(key.keytype(), key.scheme_name()))
        .map(|key| {
            format!(
                "key {}: Unsupported public key {}/{}",
                key.keyid(),
                key.keytype(),
                key.scheme_name()
            )
        })
}

/// Parses `bytes` as metadata of `expected` type, the way python-tuf's `_load_from_metadata`
/// does: any TUF document parses, then its type must be the expected one.
#[allow(clippy::result_large_err)] // a failure is recorded at once, never passed around
fn parse(bytes: &[u8], expected: &str) -> Result<AnyMetadata, Failure> {
    let any = AnyMetadata::from_bytes(bytes)
        .map_err(|e| Failure::of_kind(kind::DESERIALIZATION, crate::report::chain(&e)))?;
    if any.type_name() != expected {
        return Err(Failure::of_kind(
            kind::REPOSITORY,
            format!("Expected '{expected}', got '{}'", any.type_name()),
        ));
    }
    let keys = match &any {
        AnyMetadata::Root(root) => Some(&root.signed.keys),
        AnyMetadata::Targets(targets) => targets.signed.delegations.as_ref().map(|d| &d.keys),
        _ => None,
    };
    if let Some(problem) = keys.and_then(unloadable_key) {
        return Err(Failure::of_kind(kind::DESERIALIZATION, problem).hint(
            "python-tuf refuses metadata that lists a key type securesystemslib cannot load",
        ));
    }
    Ok(any)
}

/// [`parse`] for a delegated targets role, keeping what the client indexes it by: the same
/// acceptance and the same failure, without building its targets.
#[allow(clippy::result_large_err)] // a failure is recorded at once, never passed around
fn parse_targets_summary(bytes: &[u8]) -> Result<Metadata<TargetsSummary>, Failure> {
    let Ok(metadata) = Metadata::<TargetsSummary>::summary_from_bytes(bytes) else {
        // `parse` words it: a document of another type says so before its fields do.
        return match parse(bytes, "targets")? {
            AnyMetadata::Targets(full) => Ok(Metadata::summarize(full)),
            _ => unreachable!("parse checks the type"),
        };
    };
    let keys = metadata.signed.delegations.as_ref().map(|d| &d.keys);
    if let Some(problem) = keys.and_then(unloadable_key) {
        return Err(Failure::of_kind(kind::DESERIALIZATION, problem).hint(
            "python-tuf refuses metadata that lists a key type securesystemslib cannot load",
        ));
    }
    Ok(metadata)
}

/// The authorized keys of a role: its keyids that the delegator lists a key for.
fn authorized_keys<'k>(authority: &Authority<'k>) -> RoleKeys<'k> {
    RoleKeys {
        keys: authority.keys,
        keyids: authority.keyids,
    }
}

/// §5.x signature check of `role` against `authority`. python-tuf's message; the evidence says
/// which signatures counted and why the others did not.
fn check_signatures(
    trace: &mut Trace,
    id: CheckId,
    role: &str,
    authority: &Authority<'_>,
    signatures: &[Signature],
    signed_bytes: &[u8],
    title: &str,
) -> Result<ThresholdReport, (Halt, ThresholdReport)> {
    let authorized = authorized_keys(authority);
    let report = check_threshold(&authorized, authority.threshold, signatures, signed_bytes);
    let subject = role_subject(role);
    let mut evidence = vec![("signatures".into(), report.summary())];
    for check in &report.checks {
        evidence.push((
            format!("signature by {}", short(&check.keyid)).into(),
            check.status.to_string(),
        ));
    }
    if report.is_met() {
        let check = trace.pass(id, subject, title);
        check.evidence.extend(evidence);
        return Ok(report);
    }
    let missing: Vec<String> = report.missing.iter().map(|k| short(k)).collect();
    let mut hint = format!(
        "{role} needs {} valid signature{} from the keys {} authorizes for it{}",
        authority.threshold,
        if authority.threshold == 1 { "" } else { "s" },
        authority.delegator,
        if missing.is_empty() {
            String::new()
        } else {
            format!(" (not yet signed by {})", missing.join(", "))
        }
    );
    if !report.same_key().is_empty() {
        hint.push_str(
            "; one key listed under two keyids counts once (chainscope is deliberately stricter than python-tuf here)",
        );
    }
    let failure = Failure::of_kind(
        kind::UNSIGNED,
        format!(
            "{role} was signed by {}/{} keys",
            report.counted_len(),
            authority.threshold
        ),
    )
    .expected(format!("{} signatures", authority.threshold))
    .found(report.summary())
    .hint(hint);
    let check = trace.fail(id, subject, title, failure);
    check.evidence.extend(evidence);
    Err((Halt, report))
}

/// The name a role's file is fetched under.
fn metadata_file_name(role: &str, version: Option<u64>) -> String {
    match version {
        Some(version) => format!("{version}.{}.json", quote(role)),
        None => format!("{}.json", quote(role)),
    }
}

/// What a trusted copy's scratch checks amounted to, as one entry of the main trace.
fn summarize_trusted_copy(
    trace: &mut Trace,
    id: CheckId,
    role: &str,
    scratch: &Trace,
    used_for: &str,
) {
    let subject = role_subject(role);
    match scratch.first_failure() {
        None => {
            trace.pass(id, subject, &format!("trusted copy of {role}: {used_for}"));
        }
        Some((_, check)) => {
            let why = match &check.outcome {
                crate::trace::Outcome::Fail { failure } => failure.headline(),
                _ => String::new(),
            };
            trace.warn(
                id,
                subject,
                &format!("trusted copy of {role}: not used as is"),
                format!("{why} ({})", check.title),
            );
        }
    }
}

impl<'a> Client<'a> {
    /// §5.1 and §5.2: fixes the time and loads the trusted root, which must be signed by a
    /// threshold of its own root keys. Its expiry does not matter yet (§5.3.10 checks the final
    /// root). `origin` says where the root came from, for the trace.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        transport: &'a dyn Transport,
        config: ClientConfig,
        now: UtcTime,
        trusted_root: &[u8],
        origin: &str,
        trusted_dir: Option<PathBuf>,
        trace: &mut Trace,
    ) -> Result<Client<'a>, Halt> {
        let subject = role_subject("root");
        let root = match parse(trusted_root, "root") {
            Ok(AnyMetadata::Root(root)) => root,
            Ok(_) => unreachable!("parse checks the type"),
            Err(failure) => {
                return Err(fail(
                    trace,
                    checks::TUF_5_2,
                    &subject,
                    &format!("load the trusted root ({origin})"),
                    failure.hint(format!("{origin} must be a TUF root metadata file")),
                ));
            }
        };
        let authority = Authority {
            delegator: "root",
            keys: &root.signed.keys,
            keyids: &root.signed.roles["root"].keyids,
            threshold: root.signed.roles["root"].threshold,
        };
        let title = format!(
            "trusted root v{} ({origin}) signed by a threshold of its own root keys",
            root.signed.version
        );
        check_signatures(
            trace,
            checks::TUF_5_2,
            "root",
            &authority,
            &root.signatures,
            root.signed_bytes(),
            &title,
        )
        .map_err(|(halt, _)| halt)?;
        // §5.1: one fixed time for the whole update, given by the caller.
        if let Some(check) = trace.checks.last_mut() {
            check.add_evidence("update start time (§5.1)", now.to_string());
        }
        Ok(Client {
            transport,
            config,
            now,
            trusted_dir,
            initial_root_version: root.signed.version,
            root,
            timestamp: None,
            snapshot: None,
            roles: BTreeMap::new(),
            recent: Arc::default(),
            verified: PairSet::default(),
            statuses: Vec::new(),
            accepted: Vec::new(),
            keep_role_bytes: false,
            cache: None,
        })
    }

    pub fn root(&self) -> &Metadata<Root> {
        &self.root
    }

    pub fn timestamp(&self) -> Option<&Metadata<Timestamp>> {
        self.timestamp.as_ref()
    }

    pub fn snapshot(&self) -> Option<&Metadata<Snapshot>> {
        self.snapshot.as_ref()
    }

    /// Verified targets roles by name, without their targets.
    pub fn roles(&self) -> &BTreeMap<String, TrustedRole> {
        &self.roles
    }

    /// The verified role `role` with its targets, read again by its verified bytes unless it
    /// is among the few parsed last.
    pub fn role_targets(&self, role: &str) -> Result<Arc<Metadata<Targets>>, RereadError> {
        let entry = verified_entry(&self.roles, role)?;
        read_role(&self.recent, self.transport, role, entry)
    }

    /// Every role file the client looked at, in order.
    pub fn statuses(&self) -> &[Arc<RoleStatus>] {
        &self.statuses
    }

    /// The trusted metadata and statuses, without copying them; `transport` (the one this
    /// client fetched through) is where the roles' targets are read again.
    pub fn into_verified(self, transport: Arc<dyn Transport>) -> Verified {
        Verified {
            root: self.root,
            timestamp: self.timestamp,
            snapshot: self.snapshot,
            roles: self.roles,
            statuses: self.statuses,
            reader: RoleReader::with_recent(transport, self.recent),
        }
    }

    /// File names (unversioned, role names quoted) and the exact bytes that became trusted:
    /// root, timestamp and snapshot always, targets roles after [`Client::keep_role_bytes`].
    pub fn accepted(&self) -> &[(String, Vec<u8>)] {
        &self.accepted
    }

    /// Keeps the bytes of every targets role that becomes trusted, for a client that persists.
    pub fn keep_role_bytes(&mut self) {
        self.keep_role_bytes = true;
    }

    fn consistent_snapshot(&self) -> bool {
        self.root.signed.consistent_snapshot.unwrap_or(false)
    }

    /// The client's trusted copy of `file_name`, or `None` when it has none. A copy that exists
    /// but cannot be read (too large even for [`TRUSTED_COPY_MAX_LENGTH`], unreadable, not a
    /// file) fails verification: treating it as absent would silently drop the rollback
    /// protection it gives. Deliberately stricter than python-tuf, which reads its copies
    /// uncapped and treats one it cannot open as absent.
    fn trusted_copy(&self, file_name: &str, trace: &mut Trace) -> Result<Option<Vec<u8>>, Halt> {
        let Some(dir) = self.trusted_dir.as_ref() else {
            return Ok(None);
        };
        let subject = Subject::File {
            name: file_name.to_owned(),
        };
        let path = files::join_inside(dir, file_name).map_err(|unsafe_path| {
            fail(
                trace,
                checks::TUF_TRUSTED,
                &subject,
                "read the trusted copy",
                Failure::of_kind(kind::REPOSITORY, unsafe_path.to_string()),
            )
        })?;
        files::read_bounded_or_missing(&path, TRUSTED_COPY_MAX_LENGTH).map_err(|error| {
            fail(
                trace,
                checks::TUF_TRUSTED,
                &subject,
                "read the trusted copy",
                Failure::of_kind(
                    kind::REPOSITORY,
                    format!("cannot read the trusted copy {}: {error}", path.display()),
                )
                .hint("the client's trusted state must be readable: fix or remove the file (removing it gives up the rollback protection it holds)"),
            )
        })
    }

    /// Refreshes the top-level metadata: root rotations, timestamp, snapshot, targets.
    pub fn refresh(&mut self, trace: &mut Trace) -> Result<(), Halt> {
        self.update_root(trace)?;
        self.load_timestamp(trace)?;
        self.load_snapshot(trace)?;
        let targets = self.root.signed.roles["targets"].clone();
        let keys = self.root.signed.keys.clone();
        let authority = Authority {
            delegator: "root",
            keys: &keys,
            keyids: &targets.keyids,
            threshold: targets.threshold,
        };
        let folded = self.prepare("targets", &authority, Delegation::TopLevel, "root");
        self.commit_alone(folded, "root", trace)
    }

    /// §5.3: root rotations, each `N+1.root.json` signed by a threshold of the trusted root's
    /// keys and of its own, with version exactly N+1, until the repository has no next version.
    fn update_root(&mut self, trace: &mut Trace) -> Result<(), Halt> {
        let subject = role_subject("root");
        let first = self.root.signed.version + 1;
        let mut found_end = false;
        for next in first..first.saturating_add(self.config.max_root_rotations) {
            let name = format!("{next}.root.json");
            let bytes =
                match self
                    .transport
                    .fetch(Area::Metadata, &name, self.config.root_max_length)
                {
                    Ok(bytes) => bytes,
                    Err(FetchError::NotFound { .. }) => {
                        trace.pass(
                            checks::TUF_5_3_3,
                            subject.clone(),
                            &format!(
                                "no {name}: root v{} is the newest",
                                self.root.signed.version
                            ),
                        );
                        found_end = true;
                        break;
                    }
                    Err(error) => {
                        return Err(fail(
                            trace,
                            checks::TUF_5_3_3,
                            &subject,
                            &format!("fetch {name}"),
                            fetch_failure(&error),
                        ));
                    }
                };
            let new_root = match parse(&bytes, "root") {
                Ok(AnyMetadata::Root(root)) => root,
                Ok(_) => unreachable!("parse checks the type"),
                Err(failure) => {
                    return Err(fail(
                        trace,
                        checks::TUF_5_3_3,
                        &subject,
                        &format!("parse {name}"),
                        failure,
                    ));
                }
            };
            let trusted = &self.root.signed;
            let old = Authority {
                delegator: "the trusted root",
                keys: &trusted.keys,
                keyids: &trusted.roles["root"].keyids,
                threshold: trusted.roles["root"].threshold,
            };
            let title = format!(
                "{name} signed by a threshold of root v{}'s root keys",
                trusted.version
            );
            check_signatures(
                trace,
                checks::TUF_5_3_4,
                "root",
                &old,
                &new_root.signatures,
                new_root.signed_bytes(),
                &title,
            )
            .map_err(|(halt, _)| halt)?;
            if new_root.signed.version != trusted.version + 1 {
                return Err(fail(
                    trace,
                    checks::TUF_5_3_5,
                    &subject,
                    &format!("{name} has version {}", trusted.version + 1),
                    Failure::of_kind(
                        kind::BAD_VERSION,
                        format!(
                            "Expected root version {} instead got version {}",
                            trusted.version + 1,
                            new_root.signed.version
                        ),
                    )
                    .hint(format!(
                        "{name} must say version {}: root versions may not be skipped or repeated",
                        trusted.version + 1
                    )),
                ));
            }
            trace.pass(
                checks::TUF_5_3_5,
                subject.clone(),
                &format!("{name} has version {}", new_root.signed.version),
            );
            let own = Authority {
                delegator: "the new root",
                keys: &new_root.signed.keys,
                keyids: &new_root.signed.roles["root"].keyids,
                threshold: new_root.signed.roles["root"].threshold,
            };
            let title = format!("{name} signed by a threshold of its own root keys");
            check_signatures(
                trace,
                checks::TUF_5_3_4,
                "root",
                &own,
                &new_root.signatures,
                new_root.signed_bytes(),
                &title,
            )
            .map_err(|(halt, _)| halt)?;
            trace.pass(
                checks::TUF_5_3_7,
                subject.clone(),
                &format!("root v{} is now trusted", new_root.signed.version),
            );
            self.root = new_root;
            self.accepted.push(("root.json".to_owned(), bytes));
        }
        if !found_end {
            trace.warn(
                checks::TUF_5_3_3,
                subject.clone(),
                "root rotations",
                format!(
                    "stopped after {} rotations (the cap); newer roots were not fetched",
                    self.config.max_root_rotations
                ),
            );
        }
        // §5.3.11 (fast-forward attack recovery), as python-tuf does it: the trusted timestamp
        // and snapshot are next judged under the new root, so a copy signed only by keys it
        // revoked is dropped, and one that still verifies keeps its rollback protection.
        if self.trusted_dir.is_some() && self.root.signed.version > self.initial_root_version {
            trace.pass(
                checks::TUF_5_3_11,
                subject.clone(),
                &format!(
                    "the trusted timestamp and snapshot count only if they verify under root v{}",
                    self.root.signed.version
                ),
            );
        }
        let mut status = RoleStatus::new("root", "root", Delegation::TopLevel);
        status.version = Some(self.root.signed.version);
        status.expires = Some(self.root.signed.expires.to_string());
        status.expired = Some(self.root.signed.expires.is_expired(self.now));
        let root_role = &self.root.signed.roles["root"];
        status.threshold = root_role.threshold;
        status.authorized = root_role.keyids.clone();
        let report = check_threshold(
            &authorized_keys(&Authority {
                delegator: "root",
                keys: &self.root.signed.keys,
                keyids: &root_role.keyids,
                threshold: root_role.threshold,
            }),
            root_role.threshold,
            &self.root.signatures,
            self.root.signed_bytes(),
        );
        status.record_signatures(&report);
        status.file = Some(format!("{}.root.json", self.root.signed.version));
        self.statuses.push(Arc::new(status));
        Ok(())
    }

    /// §5.4 with a trusted copy first, as python-tuf's `_load_timestamp`.
    fn load_timestamp(&mut self, trace: &mut Trace) -> Result<(), Halt> {
        if let Some(bytes) = self.trusted_copy("timestamp.json", trace)? {
            let mut scratch = Trace::new("trusted timestamp.json");
            let mut ignored = self.top_level_status("timestamp");
            let _ = self.update_timestamp(&bytes, Origin::TrustedCopy, &mut scratch, &mut ignored);
            let used_for = match &self.timestamp {
                Some(ts) => format!("v{} kept for rollback checks", ts.signed.version),
                None => "not usable".to_owned(),
            };
            summarize_trusted_copy(trace, checks::TUF_TRUSTED, "timestamp", &scratch, &used_for);
        }
        let subject = role_subject("timestamp");
        let bytes = self
            .transport
            .fetch(
                Area::Metadata,
                "timestamp.json",
                self.config.timestamp_max_length,
            )
            .map_err(|error| {
                fail(
                    trace,
                    checks::TUF_5_4_1,
                    &subject,
                    "fetch timestamp.json",
                    fetch_failure(&error),
                )
            })?;
        trace
            .pass(checks::TUF_5_4_1, subject.clone(), "fetch timestamp.json")
            .add_evidence(
                "file",
                self.transport.location(Area::Metadata, "timestamp.json"),
            )
            .add_evidence("bytes", bytes.len().to_string());
        let mut status = self.top_level_status("timestamp");
        status.file = Some(self.transport.location(Area::Metadata, "timestamp.json"));
        let result = self.update_timestamp(&bytes, Origin::Fetched, trace, &mut status);
        if result.is_err() {
            status.problem = last_problem(trace);
        }
        self.statuses.push(Arc::new(status));
        match result? {
            TimestampUpdate::Accepted => self.accepted.push(("timestamp.json".to_owned(), bytes)),
            TimestampUpdate::KeptTrusted => {}
        }
        Ok(())
    }

    /// A status for a top-level role, with what root authorizes for it.
    fn top_level_status(&self, role: &str) -> RoleStatus {
        let mut status = RoleStatus::new(role, "root", Delegation::TopLevel);
        let entry = &self.root.signed.roles[role];
        status.threshold = entry.threshold;
        status.authorized = entry.keyids.clone();
        status
    }

    /// python-tuf's `update_timestamp`: §5.3.10, then §5.4.2–5.4.4.
    fn update_timestamp(
        &mut self,
        bytes: &[u8],
        origin: Origin,
        trace: &mut Trace,
        status: &mut RoleStatus,
    ) -> Result<TimestampUpdate, Halt> {
        let root_subject = role_subject("root");
        let subject = role_subject("timestamp");
        if self.root.signed.expires.is_expired(self.now) {
            return Err(fail(
                trace,
                checks::TUF_5_3_10,
                &root_subject,
                "the final root is not expired",
                Failure::of_kind(kind::EXPIRED, "Final root.json is expired")
                    .expected(format!("expires after {}", self.now))
                    .found(format!("expires {}", self.root.signed.expires))
                    .hint(format!(
                        "root v{} expired at {}: the root keys must sign a new root (a freeze attack looks the same)",
                        self.root.signed.version, self.root.signed.expires
                    )),
            ));
        }
        if origin == Origin::Fetched {
            trace
                .pass(
                    checks::TUF_5_3_10,
                    root_subject,
                    "the final root is not expired",
                )
                .add_evidence("expires", self.root.signed.expires.to_string());
        }
        let new = match parse(bytes, "timestamp") {
            Ok(AnyMetadata::Timestamp(ts)) => ts,
            Ok(_) => unreachable!("parse checks the type"),
            Err(failure) => {
                return Err(fail(
                    trace,
                    checks::TUF_5_4_1,
                    &subject,
                    "parse timestamp.json",
                    failure,
                ));
            }
        };
        status.version = Some(new.signed.version);
        status.expires = Some(new.signed.expires.to_string());
        status.expired = Some(new.signed.expires.is_expired(self.now));
        let entry = &self.root.signed.roles["timestamp"];
        let authority = Authority {
            delegator: "root",
            keys: &self.root.signed.keys,
            keyids: &entry.keyids,
            threshold: entry.threshold,
        };
        let signed = check_signatures(
            trace,
            checks::TUF_5_4_2,
            "timestamp",
            &authority,
            &new.signatures,
            new.signed_bytes(),
            "timestamp signed by a threshold of the root's timestamp keys",
        );
        match signed {
            Ok(report) => status.record_signatures(&report),
            Err((halt, report)) => {
                status.record_signatures(&report);
                return Err(halt);
            }
        }
        let new_snapshot = snapshot_meta(&new.signed);
        if let Some(trusted) = &self.timestamp {
            let (old, new_version) = (trusted.signed.version, new.signed.version);
            if new_version < old {
                return Err(fail(
                    trace,
                    checks::TUF_5_4_3_1,
                    &subject,
                    "timestamp version does not go back",
                    Failure::of_kind(
                        kind::BAD_VERSION,
                        format!("New timestamp version {new_version} must be >= {old}"),
                    )
                    .expected(format!("version {old} or newer"))
                    .found(format!("version {new_version}"))
                    .hint("the repository serves an older timestamp than this client trusted: a rollback attack, or a repository restored from backup"),
                ));
            }
            if new_version == old {
                trace.pass(
                    checks::TUF_5_4_3_1,
                    subject.clone(),
                    &format!(
                        "timestamp v{new_version} is the trusted version: the trusted one is kept"
                    ),
                );
                return Ok(TimestampUpdate::KeptTrusted);
            }
            let old_snapshot = snapshot_meta(&trusted.signed).version;
            if new_snapshot.version < old_snapshot {
                return Err(fail(
                    trace,
                    checks::TUF_5_4_3_2,
                    &subject,
                    "the snapshot version in timestamp does not go back",
                    Failure::of_kind(
                        kind::BAD_VERSION,
                        format!(
                            "New snapshot version must be >= {old_snapshot}, got version {}",
                            new_snapshot.version
                        ),
                    )
                    .hint("the new timestamp points at an older snapshot than the trusted one did"),
                ));
            }
            trace.pass(
                checks::TUF_5_4_3,
                subject.clone(),
                &format!("timestamp v{new_version} (snapshot v{}) does not roll back from v{old} (snapshot v{old_snapshot})", new_snapshot.version),
            );
        }
        let version = new.signed.version;
        let expires = new.signed.expires.clone();
        self.timestamp = Some(new);
        if expires.is_expired(self.now) {
            return Err(fail(
                trace,
                checks::TUF_5_4_4,
                &subject,
                "timestamp is not expired",
                Failure::of_kind(kind::EXPIRED, "timestamp.json is expired")
                    .expected(format!("expires after {}", self.now))
                    .found(format!("expires {expires}"))
                    .hint(format!(
                        "timestamp v{version} expired at {expires}: the timestamp key must sign a fresh one (or someone is replaying an old one: a freeze attack)"
                    )),
            ));
        }
        trace
            .pass(checks::TUF_5_4_4, subject, "timestamp is not expired")
            .add_evidence("expires", expires.to_string());
        Ok(TimestampUpdate::Accepted)
    }

    /// §5.5 with a trusted copy first, as python-tuf's `_load_snapshot`: a trusted copy that is
    /// valid as the final snapshot is used without fetching.
    fn load_snapshot(&mut self, trace: &mut Trace) -> Result<(), Halt> {
        if let Some(bytes) = self.trusted_copy("snapshot.json", trace)? {
            let mut scratch = Trace::new("trusted snapshot.json");
            let mut status = self.top_level_status("snapshot");
            status.from_trusted_copy = true;
            let result =
                self.update_snapshot(&bytes, Origin::TrustedCopy, &mut scratch, &mut status);
            let used_for = match (&result, &self.snapshot) {
                (Ok(()), _) => "current, used without fetching".to_owned(),
                (Err(_), Some(s)) => format!("v{} kept for rollback checks", s.signed.version),
                (Err(_), None) => "not usable".to_owned(),
            };
            summarize_trusted_copy(trace, checks::TUF_TRUSTED, "snapshot", &scratch, &used_for);
            if result.is_ok() {
                self.statuses.push(Arc::new(status));
                return Ok(());
            }
        }
        let subject = role_subject("snapshot");
        let Some(timestamp) = &self.timestamp else {
            unreachable!("the snapshot is loaded after the timestamp");
        };
        let meta = snapshot_meta(&timestamp.signed).clone();
        let name = metadata_file_name(
            "snapshot",
            self.consistent_snapshot().then_some(meta.version),
        );
        let cap = fetch_cap(meta.length, self.config.snapshot_max_length);
        let bytes = self
            .transport
            .fetch(Area::Metadata, &name, cap)
            .map_err(|error| {
                fail(
                    trace,
                    checks::TUF_5_5_1,
                    &subject,
                    &format!("fetch {name}"),
                    fetch_failure(&error),
                )
            })?;
        trace
            .pass(checks::TUF_5_5_1, subject.clone(), &format!("fetch {name}"))
            .add_evidence("file", self.transport.location(Area::Metadata, &name))
            .add_evidence("bytes", bytes.len().to_string());
        let mut status = self.top_level_status("snapshot");
        status.file = Some(self.transport.location(Area::Metadata, &name));
        let result = self.update_snapshot(&bytes, Origin::Fetched, trace, &mut status);
        if result.is_err() {
            status.problem = last_problem(trace);
        }
        self.statuses.push(Arc::new(status));
        result?;
        self.accepted.push(("snapshot.json".to_owned(), bytes));
        Ok(())
    }

    /// python-tuf's `update_snapshot`.
    fn update_snapshot(
        &mut self,
        bytes: &[u8],
        origin: Origin,
        trace: &mut Trace,
        status: &mut RoleStatus,
    ) -> Result<(), Halt> {
        let subject = role_subject("snapshot");
        let Some(timestamp) = &self.timestamp else {
            unreachable!("the snapshot is loaded after the timestamp");
        };
        if timestamp.signed.expires.is_expired(self.now) {
            // The trusted timestamp was kept (same version) but has expired since.
            return Err(fail(
                trace,
                checks::TUF_5_4_4,
                &role_subject("timestamp"),
                "timestamp is not expired",
                Failure::of_kind(kind::EXPIRED, "timestamp.json is expired").hint(format!(
                    "timestamp v{} expired at {}",
                    timestamp.signed.version, timestamp.signed.expires
                )),
            ));
        }
        let meta = snapshot_meta(&timestamp.signed).clone();
        status.expected_version = Some(meta.version);
        if origin == Origin::Fetched && lists_length_or_hashes(&meta) {
            status.length_and_hashes = Some(verify_meta(bytes, &meta));
        }
        if origin == Origin::Fetched && !lists_length_or_hashes(&meta) {
            trace.pass(
                checks::TUF_5_5_2,
                subject.clone(),
                "timestamp lists no length or hashes for snapshot: nothing to compare",
            );
        } else if origin == Origin::Fetched {
            if let Err(problem) = verify_meta(bytes, &meta) {
                return Err(fail(
                    trace,
                    checks::TUF_5_5_2,
                    &subject,
                    "snapshot matches the length and hashes in timestamp",
                    Failure::of_kind(kind::LENGTH_OR_HASH, problem).hint(
                        "the snapshot served is not the one timestamp vouches for (a mix-and-match attack, or a half-finished publish)",
                    ),
                ));
            }
            trace.pass(
                checks::TUF_5_5_2,
                subject.clone(),
                "snapshot matches the length and hashes in timestamp",
            );
        }
        let parsed = match self.reusable_cache() {
            Some(cache) => match cache.parsed_snapshot(bytes) {
                Some(snapshot) => Ok(AnyMetadata::Snapshot(snapshot)),
                None => parse(bytes, "snapshot").inspect(|parsed| {
                    if let AnyMetadata::Snapshot(snapshot) = parsed {
                        cache.keep_snapshot(bytes, snapshot);
                    }
                }),
            },
            None => parse(bytes, "snapshot"),
        };
        let new = match parsed {
            Ok(AnyMetadata::Snapshot(snapshot)) => snapshot,
            Ok(_) => unreachable!("parse checks the type"),
            Err(failure) => {
                return Err(fail(
                    trace,
                    checks::TUF_5_5_1,
                    &subject,
                    "parse snapshot",
                    failure,
                ));
            }
        };
        status.version = Some(new.signed.version);
        status.expires = Some(new.signed.expires.to_string());
        status.expired = Some(new.signed.expires.is_expired(self.now));
        let entry = &self.root.signed.roles["snapshot"];
        let authority = Authority {
            delegator: "root",
            keys: &self.root.signed.keys,
            keyids: &entry.keyids,
            threshold: entry.threshold,
        };
        let signed = check_signatures(
            trace,
            checks::TUF_5_5_3,
            "snapshot",
            &authority,
            &new.signatures,
            new.signed_bytes(),
            "snapshot signed by a threshold of the root's snapshot keys",
        );
        match signed {
            Ok(report) => status.record_signatures(&report),
            Err((halt, report)) => {
                status.record_signatures(&report);
                return Err(halt);
            }
        }
        if let Some(trusted) = &self.snapshot {
            for (file, info) in &trusted.signed.meta {
                let Some(new_info) = new.signed.meta.get(file) else {
                    return Err(fail(
                        trace,
                        checks::TUF_5_5_5,
                        &subject,
                        "no role is removed from snapshot",
                        Failure::of_kind(
                            kind::REPOSITORY,
                            format!("New snapshot is missing info for '{file}'"),
                        )
                        .hint(format!(
                            "the trusted snapshot v{} listed {file}; a role may not disappear",
                            trusted.signed.version
                        )),
                    ));
                };
                if new_info.version < info.version {
                    return Err(fail(
                        trace,
                        checks::TUF_5_5_5,
                        &subject,
                        "no role's version goes back in snapshot",
                        Failure::of_kind(
                            kind::BAD_VERSION,
                            format!(
                                "{file} goes back from version {} to {}",
                                info.version, new_info.version
                            ),
                        )
                        .hint(format!("snapshot rolls {file} back: a rollback attack")),
                    ));
                }
            }
            trace.pass(
                checks::TUF_5_5_5,
                subject.clone(),
                &format!(
                    "no role removed or rolled back since the trusted snapshot v{}",
                    trusted.signed.version
                ),
            );
        }
        let (version, expires) = (new.signed.version, new.signed.expires.clone());
        self.snapshot = Some(new);
        if expires.is_expired(self.now) {
            return Err(fail(
                trace,
                checks::TUF_5_5_6,
                &subject,
                "snapshot is not expired",
                Failure::of_kind(kind::EXPIRED, "snapshot.json is expired")
                    .expected(format!("expires after {}", self.now))
                    .found(format!("expires {expires}"))
                    .hint(format!("snapshot v{version} expired at {expires}")),
            ));
        }
        trace
            .pass(
                checks::TUF_5_5_6,
                subject.clone(),
                "snapshot is not expired",
            )
            .add_evidence("expires", expires.to_string());
        if version != meta.version {
            return Err(fail(
                trace,
                checks::TUF_5_5_4,
                &subject,
                "snapshot version is the one timestamp lists",
                Failure::of_kind(
                    kind::BAD_VERSION,
                    format!("Expected snapshot version {}, got {version}", meta.version),
                )
                .hint("timestamp and snapshot disagree: a mix-and-match attack, or a half-finished publish"),
            ));
        }
        trace.pass(
            checks::TUF_5_5_4,
            subject,
            &format!("snapshot version {version} is the one timestamp lists"),
        );
        Ok(())
    }

    /// The keys `delegator` sets for `role`, or `None` when it does not delegate `role`.
    fn authority(&self, delegator: &str, role: &str) -> Option<(Authority<'_>, Delegation)> {
        self.authority_at(delegator, role, None)
    }

    /// [`Client::authority`] when the position of `role` in the delegator's list is known, so
    /// 16,384 listed roles are not searched 16,384 times.
    fn authority_at(
        &self,
        delegator: &str,
        role: &str,
        position: Option<usize>,
    ) -> Option<(Authority<'_>, Delegation)> {
        if delegator == "root" {
            let entry = self.root.signed.roles.get(role)?;
            return Some((
                Authority {
                    delegator: "root",
                    keys: &self.root.signed.keys,
                    keyids: &entry.keyids,
                    threshold: entry.threshold,
                },
                Delegation::TopLevel,
            ));
        }
        let (name, parent) = self.roles.get_key_value(delegator)?;
        let delegations = parent.delegations.as_ref()?;
        if let Some(roles) = &delegations.roles {
            let entry = match position {
                Some(index) => roles.get(index).filter(|r| r.name == role)?,
                None => roles.iter().find(|r| r.name == role)?,
            };
            return Some((
                Authority {
                    delegator: name,
                    keys: &delegations.keys,
                    keyids: &entry.keyids,
                    threshold: entry.threshold,
                },
                delegation_of(entry),
            ));
        }
        let succinct = delegations.succinct_roles.as_ref()?;
        succinct.is_bin(role).then(|| {
            (
                Authority {
                    delegator: name,
                    keys: &delegations.keys,
                    keyids: &succinct.keyids,
                    threshold: succinct.threshold,
                },
                Delegation::Bin {
                    name_prefix: succinct.name_prefix.clone(),
                    bit_length: succinct.bit_length,
                },
            )
        })
    }

    /// §5.6 for one targets role delegated by `delegator`, ready to be recorded: what an
    /// earlier run found for the same bytes on the same terms, or the role checked now (and
    /// kept for later runs when it passed). Pure, so roles can be checked in parallel.
    fn prepare(
        &self,
        role: &str,
        authority: &Authority<'_>,
        delegation: Delegation,
        delegator: &str,
    ) -> Folded {
        let cache = self.reusable_cache();
        let mut ahead = None;
        if let Some(cache) = cache {
            match self.fetch_ahead(cache, role, authority, &delegation) {
                Ok(found) => return Folded::Reused(found),
                Err(fetched) => ahead = fetched,
            }
        }
        let key = ahead
            .as_ref()
            .and_then(|ahead| ahead.digest_and_key)
            .map(|(_, key)| key);
        let prepared = self.prepare_role(role, authority, delegation, ahead);
        let folded = PassedRole::fold(prepared, delegator);
        if let (Some(cache), Some(key)) = (cache, key) {
            let (recorded, prepared) = match &folded {
                Folded::Passed(member, prepared) => {
                    (Recorded::Member(Arc::clone(member)), prepared)
                }
                Folded::Alone(prepared) => (Recorded::Checks(prepared.checks.clone()), prepared),
                Folded::Reused(_) => unreachable!("a role checked now"),
            };
            if let Ok(loaded) = &prepared.loaded {
                cache.keep(
                    key,
                    CheckedRole {
                        recorded,
                        status: Arc::clone(&prepared.status),
                        trusted: loaded.trusted.clone(),
                    },
                );
            }
        }
        folded
    }

    /// The cache, when this client's runs can use it: a client with trusted copies or one
    /// keeping every role's bytes to persist them checks every role itself.
    fn reusable_cache(&self) -> Option<&RoleCache> {
        self.cache
            .as_deref()
            .filter(|_| self.trusted_dir.is_none() && !self.keep_role_bytes)
    }

    /// Fetches `role`'s file as §5.6.1 would and looks it up in `cache`: what an earlier run
    /// found, or what the fetch gave (`None` when snapshot does not list the role: the
    /// checks say so).
    fn fetch_ahead(
        &self,
        cache: &RoleCache,
        role: &str,
        authority: &Authority<'_>,
        delegation: &Delegation,
    ) -> Result<Arc<CheckedRole>, Option<FetchedAhead>> {
        let Some(snapshot) = &self.snapshot else {
            return Err(None);
        };
        let Some(meta) = snapshot.signed.meta.get(&format!("{role}.json")) else {
            return Err(None);
        };
        let name = metadata_file_name(role, self.consistent_snapshot().then_some(meta.version));
        let cap = fetch_cap(meta.length, self.config.targets_max_length);
        let fetched = self.transport.fetch(Area::Metadata, &name, cap);
        let Ok(bytes) = &fetched else {
            return Err(Some(FetchedAhead {
                fetched,
                digest_and_key: None,
            }));
        };
        let location = self.transport.location(Area::Metadata, &name);
        let digest = sha256(bytes);
        let key = cache_key(role, authority, meta, &digest, &name, &location);
        let usable = |found: &CheckedRole| {
            !found.trusted.expires.is_expired(self.now) && found.status.delegation == *delegation
        };
        cache.find(&key, usable).ok_or(Some(FetchedAhead {
            fetched,
            digest_and_key: Some((digest, key)),
        }))
    }

    /// §5.6 for one targets role, trusted copy first (python-tuf's `_load_targets`), with
    /// its file fetched `ahead` already or not. Pure: the checks come back to be recorded in
    /// order.
    fn prepare_role(
        &self,
        role: &str,
        authority: &Authority<'_>,
        delegation: Delegation,
        ahead: Option<FetchedAhead>,
    ) -> Prepared {
        let mut trace = Trace::new(role);
        let mut status = RoleStatus::new(role, authority.delegator, delegation);
        status.threshold = authority.threshold;
        status.authorized = authority.keyids.to_vec();
        let loaded = self.load_role(role, authority, ahead, &mut trace, &mut status);
        if loaded.is_err() {
            status.problem = last_problem(&trace);
        }
        Prepared {
            checks: trace.checks,
            loaded,
            status: Arc::new(status),
        }
    }

    fn load_role(
        &self,
        role: &str,
        authority: &Authority<'_>,
        ahead: Option<FetchedAhead>,
        trace: &mut Trace,
        status: &mut RoleStatus,
    ) -> Result<Loaded, Halt> {
        let subject = role_subject(role);
        let Some(snapshot) = &self.snapshot else {
            unreachable!("targets roles are loaded after the snapshot");
        };
        let Some(meta) = snapshot.signed.meta.get(&format!("{role}.json")) else {
            return Err(fail(
                trace,
                checks::TUF_5_6_1,
                &subject,
                &format!("{role} is listed in snapshot"),
                Failure::of_kind(
                    kind::REPOSITORY,
                    format!("Role {role} was delegated but is not part of snapshot"),
                )
                .hint(format!(
                    "{} delegates {role}, so snapshot must list {role}.json",
                    authority.delegator
                )),
            ));
        };
        status.expected_version = Some(meta.version);
        let trusted_name = metadata_file_name(role, None);
        if let Some(bytes) = self.trusted_copy(&trusted_name, trace)? {
            let mut scratch = Trace::new("");
            let mut scratch_status = status.clone();
            let checked = self.check_role_bytes(
                role,
                authority,
                meta,
                &bytes,
                &mut scratch,
                &mut scratch_status,
            );
            let used_for = if checked.is_ok() {
                "current, used without fetching"
            } else {
                "not usable"
            };
            summarize_trusted_copy(trace, checks::TUF_TRUSTED, role, &scratch, used_for);
            if let Ok(metadata) = checked {
                *status = scratch_status;
                status.from_trusted_copy = true;
                let path = self
                    .trusted_dir
                    .as_ref()
                    .map(|dir| dir.join(&trusted_name))
                    .unwrap_or_default();
                let trusted = TrustedRole::new(
                    &metadata,
                    bytes.len() as u64,
                    sha256(&bytes),
                    RoleOrigin::TrustedCopy(path),
                );
                return Ok(Loaded {
                    trusted,
                    fetched: None,
                });
            }
        }
        let name = metadata_file_name(role, self.consistent_snapshot().then_some(meta.version));
        let cap = fetch_cap(meta.length, self.config.targets_max_length);
        let location = self.transport.location(Area::Metadata, &name);
        status.file = Some(location.clone());
        let (fetched, digest) = match ahead {
            Some(ahead) => (
                ahead.fetched,
                ahead.digest_and_key.map(|(digest, _)| digest),
            ),
            None => (self.transport.fetch(Area::Metadata, &name, cap), None),
        };
        let bytes = fetched.map_err(|error| {
            fail(
                trace,
                checks::TUF_5_6_1,
                &subject,
                &format!("fetch {name}"),
                fetch_failure(&error),
            )
        })?;
        trace
            .pass(checks::TUF_5_6_1, subject.clone(), &titles::fetch(&name))
            .add_evidence("file", location)
            .add_evidence("bytes", bytes.len().to_string());
        let metadata = self.check_role_bytes(role, authority, meta, &bytes, trace, status)?;
        let digest = digest.unwrap_or_else(|| sha256(&bytes));
        let trusted = TrustedRole::new(
            &metadata,
            bytes.len() as u64,
            digest,
            RoleOrigin::Fetched(name),
        );
        Ok(Loaded {
            trusted,
            fetched: self.keep_role_bytes.then_some(bytes),
        })
    }

    /// Reuse the results of earlier runs over this repository kept in `cache`, and keep this
    /// run's there: a reload re-checks only the roles whose bytes or terms changed.
    pub fn use_cache(&mut self, cache: Arc<RoleCache>) {
        cache.begin_run();
        self.cache = Some(cache);
    }

    /// python-tuf's `update_delegated_targets` on bytes: §5.6.2–5.6.5.
    fn check_role_bytes(
        &self,
        role: &str,
        authority: &Authority<'_>,
        meta: &MetaFile,
        bytes: &[u8],
        trace: &mut Trace,
        status: &mut RoleStatus,
    ) -> Result<Metadata<TargetsSummary>, Halt> {
        let subject = role_subject(role);
        let hashes = verify_meta(bytes, meta);
        status.length_and_hashes = lists_length_or_hashes(meta).then(|| hashes.clone());
        if !lists_length_or_hashes(meta) {
            trace.pass(
                checks::TUF_5_6_2,
                subject.clone(),
                &titles::matches_snapshot(role, false),
            );
        } else if let Err(problem) = hashes {
            return Err(fail(
                trace,
                checks::TUF_5_6_2,
                &subject,
                &format!("{role} matches the length and hashes in snapshot"),
                Failure::of_kind(kind::LENGTH_OR_HASH, problem).hint(format!(
                    "the {role}.json served is not the one snapshot vouches for (mix and match)"
                )),
            ));
        } else {
            trace.pass(
                checks::TUF_5_6_2,
                subject.clone(),
                &titles::matches_snapshot(role, true),
            );
        }
        let metadata = match parse_targets_summary(bytes) {
            Ok(metadata) => metadata,
            Err(failure) => {
                return Err(fail(
                    trace,
                    checks::TUF_5_6_1,
                    &subject,
                    &format!("parse {role}"),
                    failure,
                ));
            }
        };
        status.version = Some(metadata.signed.version);
        status.expires = Some(metadata.signed.expires.to_string());
        status.expired = Some(metadata.signed.expires.is_expired(self.now));
        status.target_count = Some(metadata.signed.target_count);
        let title = titles::signed(role, authority.delegator);
        match check_signatures(
            trace,
            checks::TUF_5_6_3,
            role,
            authority,
            &metadata.signatures,
            metadata.signed_bytes(),
            &title,
        ) {
            Ok(report) => status.record_signatures(&report),
            Err((halt, report)) => {
                status.record_signatures(&report);
                return Err(halt);
            }
        }
        let version = metadata.signed.version;
        if version != meta.version {
            return Err(fail(
                trace,
                checks::TUF_5_6_4,
                &subject,
                &format!("{role} version is the one snapshot lists"),
                Failure::of_kind(
                    kind::BAD_VERSION,
                    format!("Expected {role} v{}, got v{version}.", meta.version),
                )
                .expected(format!("version {}", meta.version))
                .found(format!("version {version}"))
                .hint(format!(
                    "snapshot lists {role}.json at version {}: an older or newer file is a rollback or a mix and match",
                    meta.version
                )),
            ));
        }
        trace.pass(
            checks::TUF_5_6_4,
            subject.clone(),
            &titles::version(role, version),
        );
        let expires = &metadata.signed.expires;
        if expires.is_expired(self.now) {
            return Err(fail(
                trace,
                checks::TUF_5_6_5,
                &subject,
                &format!("{role} is not expired"),
                Failure::of_kind(kind::EXPIRED, format!("New {role} is expired"))
                    .expected(format!("expires after {}", self.now))
                    .found(format!("expires {expires}"))
                    .hint(format!(
                        "{role} v{version} expired at {expires}: its keys must sign a new version"
                    )),
            ));
        }
        trace
            .pass(checks::TUF_5_6_5, subject, &titles::not_expired(role))
            .add_evidence("expires", expires.to_string());
        Ok(metadata)
    }

    /// Records a prepared role in order and makes it trusted.
    fn commit(
        &mut self,
        prepared: Prepared,
        delegator: &str,
        trace: &mut Trace,
    ) -> Result<(), Halt> {
        trace.checks.extend(prepared.checks);
        let role = prepared.status.name.clone();
        self.statuses.push(prepared.status);
        let loaded = prepared.loaded?;
        if let Some(bytes) = loaded.fetched {
            self.accepted.push((metadata_file_name(&role, None), bytes));
        }
        self.verified.insert(delegator, &role);
        self.roles.insert(role, loaded.trusted);
        Ok(())
    }

    /// Records a checked role in order (a group member joins `passed`) and makes it trusted.
    fn commit_folded(
        &mut self,
        folded: Folded,
        delegator: &str,
        passed: &mut PassedRun,
        trace: &mut Trace,
    ) -> Result<(), Halt> {
        match folded {
            Folded::Passed(member, prepared) => {
                passed.push(delegator, member, trace);
                self.commit(prepared, delegator, trace)
            }
            Folded::Alone(prepared) => {
                passed.record(trace);
                self.commit(prepared, delegator, trace)
            }
            Folded::Reused(found) => {
                match &found.recorded {
                    Recorded::Member(member) => passed.push(delegator, Arc::clone(member), trace),
                    Recorded::Checks(checks) => {
                        passed.record(trace);
                        trace.checks.extend_from_slice(checks);
                    }
                }
                self.statuses.push(Arc::clone(&found.status));
                let role = &found.status.name;
                self.verified.insert(delegator, role);
                self.roles.insert(role.clone(), found.trusted.clone());
                Ok(())
            }
        }
    }

    /// Loads `role` as delegated by `delegator` unless that pair is verified already.
    fn ensure_role(&mut self, role: &str, delegator: &str, trace: &mut Trace) -> Result<(), Halt> {
        if self.verified.contains(delegator, role) {
            return Ok(());
        }
        let Some((authority, delegation)) = self.authority(delegator, role) else {
            return Err(fail(
                trace,
                checks::TUF_5_6_7,
                &role_subject(role),
                "delegation exists",
                Failure::of_kind(
                    kind::REPOSITORY,
                    format!("{delegator} does not delegate {role}"),
                ),
            ));
        };
        let folded = self.prepare(role, &authority, delegation, delegator);
        self.commit_alone(folded, delegator, trace)
    }

    /// Records one checked role on its own, never as part of a group.
    fn commit_alone(
        &mut self,
        folded: Folded,
        delegator: &str,
        trace: &mut Trace,
    ) -> Result<(), Halt> {
        let mut passed = PassedRun::default();
        let committed = self.commit_folded(folded, delegator, &mut passed, trace);
        passed.record(trace);
        committed
    }

    /// The children of a verified role, in priority order, with their delegation.
    fn children(&self, role: &str) -> Result<Vec<String>, String> {
        let Some(entry) = self.roles.get(role) else {
            return Ok(Vec::new());
        };
        let Some(delegations) = &entry.delegations else {
            return Ok(Vec::new());
        };
        if let Some(roles) = &delegations.roles {
            return Ok(roles.iter().map(|r| r.name.clone()).collect());
        }
        let Some(succinct) = &delegations.succinct_roles else {
            return Ok(Vec::new());
        };
        // Never expand more bins than snapshot can list: bit_length 32 would be 4 billion.
        let listed = self
            .snapshot
            .as_ref()
            .map_or(0, |s| s.signed.meta.len() as u64);
        if succinct.number_of_bins() > listed {
            return Err(format!(
                "{role} delegates {} succinct bins but snapshot lists only {listed} roles",
                succinct.number_of_bins()
            ));
        }
        Ok(succinct.bin_names().collect())
    }

    /// Loads and verifies every delegated role reachable from `targets`, depth first in
    /// priority order, each `(delegator, role)` pair once. A role that fails is recorded and
    /// its delegations are not followed; the walk goes on with the others. Many siblings (hash
    /// bins) are checked in parallel, a stretch at a time, and recorded in order; what stays of
    /// each is its [`TrustedRole`], so memory does not grow with the number of targets.
    pub fn load_every_role(&mut self, trace: &mut Trace) -> Result<(), Halt> {
        let mut failed = false;
        let mut seen = PairSet::default();
        let mut stack: Vec<Frame> = Vec::new();
        let mut passed = PassedRun::default();
        stack.extend(self.frame("targets", trace, &mut failed));
        while let Some(frame) = stack.last_mut() {
            let position = frame.next;
            let Some(role) = frame.children.get(position).cloned() else {
                stack.pop();
                continue;
            };
            frame.next += 1;
            let delegator = frame.delegator.clone();
            let left = frame.children.len() - position;
            if frame.ready.is_empty() && left >= PARALLEL_FROM {
                let end = position + left.min(PARALLEL_STRETCH);
                let positioned: Vec<(usize, &String)> = (position..end)
                    .map(|index| (index, &frame.children[index]))
                    .collect();
                frame.ready = crate::parallel::map(&positioned, |(index, child)| {
                    self.authority_at(&delegator, child, Some(*index)).map(
                        |(authority, delegation)| {
                            self.prepare(child, &authority, delegation, &delegator)
                        },
                    )
                })
                .into();
            }
            let prepared = frame.ready.pop_front().flatten();
            if !seen.insert(&delegator, &role) {
                continue;
            }
            let result = match prepared {
                Some(folded) => self.commit_folded(folded, &delegator, &mut passed, trace),
                None => {
                    passed.record(trace);
                    self.ensure_role(&role, &delegator, trace)
                }
            };
            match result {
                // A role that delegates nothing (a hash bin) has no frame to walk.
                Ok(())
                    if self
                        .roles
                        .get(&role)
                        .is_some_and(|entry| entry.delegations.is_some()) =>
                {
                    // Its delegations' checks come after its own.
                    passed.record(trace);
                    stack.extend(self.frame(&role, trace, &mut failed));
                }
                Ok(()) => {}
                Err(Halt) => failed = true,
            }
        }
        passed.record(trace);
        if failed { Err(Halt) } else { Ok(()) }
    }

    /// The walk's frame for the children of `role`; `None` (recorded) when its delegations
    /// cannot be expanded.
    fn frame(&self, role: &str, trace: &mut Trace, failed: &mut bool) -> Option<Frame> {
        match self.children(role) {
            Ok(children) => Some(Frame {
                delegator: role.to_owned(),
                children,
                next: 0,
                ready: std::collections::VecDeque::new(),
            }),
            Err(problem) => {
                trace.fail(
                    checks::TUF_5_6_7,
                    Subject::Role {
                        name: role.to_owned(),
                    },
                    "delegations",
                    Failure::of_kind(kind::REPOSITORY, problem),
                );
                *failed = true;
                None
            }
        }
    }

    /// §5.6.7: python-tuf's pre-order depth-first search for `path`, in priority order,
    /// skipping visited roles, stopping at a terminating delegation and after
    /// `max_delegations` roles.
    pub fn find_target(&mut self, path: &str, trace: &mut Trace) -> Result<Found, Halt> {
        let subject = Subject::Target {
            path: path.to_owned(),
        };
        let mut search = super::search::Search::new(path, self.config.max_delegations);
        while let Some((role, delegator)) = search.next_role() {
            self.ensure_role(&role, &delegator, trace)?;
            let metadata = self.role_targets(&role).map_err(|error| {
                fail(
                    trace,
                    checks::TUF_5_6_7,
                    &subject,
                    &format!("read {role} again to search it"),
                    Failure::of_kind(kind::REPOSITORY, crate::report::chain(&error)),
                )
            })?;
            if let Some(chain) = search.visit(&role, &delegator, &metadata.signed) {
                let info = metadata.signed.targets[path].clone();
                trace
                    .pass(
                        checks::TUF_5_6_7,
                        subject,
                        &format!("{path} is listed by {role}"),
                    )
                    .add_evidence("delegation chain", chain.join(" → "))
                    .add_evidence("roles searched", search.order().join(", "));
                return Ok(Found {
                    path: path.to_owned(),
                    info,
                    role,
                    chain,
                });
            }
        }
        let why = search.why_not_found();
        let order = search.order();
        let check = trace.fail(
            checks::TUF_5_7_2,
            subject,
            &format!("a role vouches for {path}"),
            Failure::new(format!("no role vouches for {path}: {why}")).hint(format!(
                "the roles searched were {}; a delegated role only counts for the paths its delegator gives it",
                order.join(", ")
            )),
        );
        check.add_evidence("roles searched", order.join(", "));
        Err(Halt)
    }

    /// §5.7: fetches the target (at most its length), checks length and hashes. The bytes stay
    /// in memory; nothing is written.
    pub fn fetch_target(&self, found: &Found, trace: &mut Trace) -> Result<Vec<u8>, Halt> {
        let subject = Subject::Target {
            path: found.path.clone(),
        };
        if let Some(names) =
            only_broken_hashes(found.info.hashes.iter().map(|(algorithm, _)| algorithm))
        {
            // Deliberately stricter than python-tuf, which accepts these.
            return Err(fail(
                trace,
                checks::TUF_5_7_3,
                &subject,
                &format!("{} lists a collision-resistant hash", found.role),
                Failure::new(format!(
                    "{} lists {} with only broken hashes ({names}), which chainscope refuses: anyone can make another file with the same MD5 or SHA-1",
                    found.role, found.path
                ))
                .hint(format!(
                    "the repository must list {} with sha256 (or another SHA-2, SHA-3 or BLAKE2 hash)",
                    found.path
                )),
            ));
        }
        let name = self.target_file_name(found);
        let location = self.transport.location(Area::Targets, &name);
        let bytes = self
            .transport
            .fetch(Area::Targets, &name, found.info.length)
            .map_err(|error| {
                fail(
                    trace,
                    checks::TUF_5_7_3,
                    &subject,
                    &format!("fetch {name}"),
                    fetch_failure(&error),
                )
            })?;
        trace
            .pass(checks::TUF_5_7_3, subject.clone(), &format!("fetch {name}"))
            .add_evidence("file", location)
            .add_evidence("bytes", bytes.len().to_string());
        let hashes = found.info.hashes.iter();
        if let Err(problem) = verify_length_and_hashes(&bytes, Some(found.info.length), hashes) {
            return Err(fail(
                trace,
                checks::TUF_5_7_3,
                &subject,
                &format!("{} matches the length and hashes {} lists", found.path, found.role),
                Failure::of_kind(kind::LENGTH_OR_HASH, problem).hint(format!(
                    "the file served is not the one {} vouches for: tampered, or published without re-signing",
                    found.role
                )),
            ));
        }
        trace.pass(
            checks::TUF_5_7_3,
            subject,
            &format!(
                "{} matches the length and hashes {} lists",
                found.path, found.role
            ),
        );
        Ok(bytes)
    }

    /// The name a target is fetched under: `<dir>/<hash>.<basename>` with consistent
    /// snapshots, the hash being the first one in the target's `hashes` as written (python-tuf
    /// takes its dict's first value).
    pub fn target_file_name(&self, found: &Found) -> String {
        let path = &found.path;
        if !(self.consistent_snapshot() && self.config.prefix_targets_with_hash) {
            return path.clone();
        }
        let Some((_, hash)) = found.info.hashes.first_as_written() else {
            return path.clone();
        };
        match path.rsplit_once('/') {
            Some((dir, base)) => format!("{dir}/{hash}.{base}"),
            None => format!("{hash}.{path}"),
        }
    }
}

/// The headline of the last check when it failed: what a role's status reports.
fn last_problem(trace: &Trace) -> Option<String> {
    trace.checks.last().and_then(|check| match &check.outcome {
        crate::trace::Outcome::Fail { failure } => Some(failure.headline()),
        _ => None,
    })
}

/// How much of a metadata file to fetch: its listed length, else the configured cap. A listed
/// length of 0 counts as none (python-tuf's `metafile.length or max_length`), so such a file
/// is fetched and then fails its length check (LengthOrHashMismatchError), as in python-tuf.
fn fetch_cap(length: Option<u64>, max_length: u64) -> u64 {
    match length {
        Some(0) | None => max_length,
        Some(length) => length,
    }
}

fn snapshot_meta(timestamp: &Timestamp) -> &MetaFile {
    // The model refuses a timestamp without it.
    &timestamp.meta["snapshot.json"]
}

fn lists_length_or_hashes(meta: &MetaFile) -> bool {
    meta.length.is_some() || meta.hashes.is_some()
}

fn verify_meta(bytes: &[u8], meta: &MetaFile) -> Result<(), String> {
    let hashes = meta.hashes.iter().flat_map(HashDict::iter);
    verify_length_and_hashes(bytes, meta.length, hashes)
}

fn delegation_of(role: &super::metadata::DelegatedRole) -> Delegation {
    match (&role.paths, &role.path_hash_prefixes) {
        (_, Some(prefixes)) => Delegation::HashPrefixes {
            prefixes: prefixes.clone(),
            terminating: role.terminating,
        },
        (paths, None) => Delegation::Paths {
            paths: paths.clone().unwrap_or_default(),
            terminating: role.terminating,
        },
    }
}
