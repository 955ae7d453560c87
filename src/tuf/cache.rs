//! Verification results of delegated targets roles kept between runs over the same repository
//! (the app's reloads), so a reload after one hash bin changed checks that bin again and
//! reuses what it found for the 16,383 others.
//!
//! A result is found again only by everything it was judged on: the role, the file it came
//! from and where that file was read, the SHA-256 of the bytes read now, the keys, keyids and threshold of the delegation
//! (so a rotated key or a changed threshold misses), and what snapshot lists for the role. The
//! bytes are always read and hashed; a file's size or time is never trusted to say it is the
//! same. Only roles that passed are kept, and a kept result is used only while the role is
//! still not expired at the run's time and delegated as before. Results no run used are
//! dropped at the next run.
//!
//! A result is kept in the form the walk records it (a group member, its status and index
//! entry shared, not copied), so reusing 16,384 of them costs little more than reading and
//! hashing the files.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

use super::client::PassedRole;
use super::metadata::{Metadata, Snapshot};
use super::state::{RoleStatus, TrustedRole};
use crate::trace::Check;

/// What checking a fetched role (§5.6.1–5.6.5) recorded and concluded.
#[derive(Debug)]
pub(super) struct CheckedRole {
    pub recorded: Recorded,
    pub status: Arc<RoleStatus>,
    pub trusted: TrustedRole,
}

/// How a checked role's checks are recorded.
#[derive(Debug)]
pub(super) enum Recorded {
    /// A member of a group of siblings that passed alike.
    Member(Arc<PassedRole>),
    /// Its own checks.
    Checks(Vec<Check>),
}

/// Shared by the runs over one repository; safe to use from the client's parallel checks.
#[derive(Debug, Default)]
pub struct RoleCache {
    runs: Mutex<Runs>,
    /// The last snapshot parsed, by the SHA-256 of its bytes. Parsing a snapshot that lists
    /// 16,384 bins is the largest step of a reload that no other core can share; the checks
    /// on it (signatures, versions, expiry) still run on every run.
    snapshot: Mutex<Option<ParsedSnapshot>>,
    snapshots_reused: std::sync::atomic::AtomicUsize,
}

/// A snapshot as parsed, and the SHA-256 of the bytes it was parsed from.
#[derive(Debug)]
struct ParsedSnapshot {
    digest: [u8; 32],
    parsed: Metadata<Snapshot>,
}

#[derive(Debug, Default)]
struct Runs {
    /// Used or added by the current run.
    current: HashMap<[u8; 32], Arc<CheckedRole>, DigestHasher>,
    /// Left from the previous run, moved to `current` when used.
    previous: HashMap<[u8; 32], Arc<CheckedRole>, DigestHasher>,
    hits: usize,
    misses: usize,
}

impl RoleCache {
    pub fn new() -> RoleCache {
        RoleCache::default()
    }

    /// A new run begins: what the last run did not use is dropped.
    pub(super) fn begin_run(&self) {
        let mut runs = self.lock();
        let capacity = runs.current.len();
        runs.previous = std::mem::replace(
            &mut runs.current,
            HashMap::with_capacity_and_hasher(capacity, DigestHasher),
        );
        runs.hits = 0;
        runs.misses = 0;
    }

    /// What was kept under `key`, when `usable` says it still applies; shared, so the lock
    /// is held only to look it up.
    pub(super) fn find(
        &self,
        key: &[u8; 32],
        usable: impl FnOnce(&CheckedRole) -> bool,
    ) -> Option<Arc<CheckedRole>> {
        let mut runs = self.lock();
        let found = match runs.current.get(key) {
            Some(found) => Some(Arc::clone(found)),
            None => runs.previous.remove(key).inspect(|found| {
                runs.current.insert(*key, Arc::clone(found));
            }),
        };
        match found.filter(|found| usable(found)) {
            Some(found) => {
                runs.hits += 1;
                Some(found)
            }
            None => {
                runs.misses += 1;
                None
            }
        }
    }

    pub(super) fn keep(&self, key: [u8; 32], checked: CheckedRole) {
        self.lock().current.insert(key, Arc::new(checked));
    }

    /// The snapshot parsed from these bytes before, when they are the last ones parsed.
    pub(super) fn parsed_snapshot(&self, bytes: &[u8]) -> Option<Metadata<Snapshot>> {
        let digest = super::state::sha256(bytes);
        let kept = self.snapshot.lock().unwrap_or_else(|e| e.into_inner());
        let reused = kept
            .as_ref()
            .filter(|kept| kept.digest == digest)
            .map(|kept| kept.parsed.clone());
        if reused.is_some() {
            self.snapshots_reused
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        reused
    }

    /// How many runs took their snapshot's parse from an earlier run.
    pub fn snapshots_reused(&self) -> usize {
        self.snapshots_reused
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    pub(super) fn keep_snapshot(&self, bytes: &[u8], parsed: &Metadata<Snapshot>) {
        let digest = super::state::sha256(bytes);
        *self.snapshot.lock().unwrap_or_else(|e| e.into_inner()) = Some(ParsedSnapshot {
            digest,
            parsed: parsed.clone(),
        });
    }

    /// This run's (results reused, roles checked afresh).
    pub fn hits_and_misses(&self) -> (usize, usize) {
        let runs = self.lock();
        (runs.hits, runs.misses)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Runs> {
        self.runs.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Keys are SHA-256 digests already: their first eight bytes are as good a hash as any.
#[derive(Debug, Clone, Copy, Default)]
struct DigestHasher;

impl std::hash::BuildHasher for DigestHasher {
    type Hasher = FirstBytes;
    fn build_hasher(&self) -> FirstBytes {
        FirstBytes(0)
    }
}

#[derive(Debug)]
struct FirstBytes(u64);

impl std::hash::Hasher for FirstBytes {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // A `[u8; 32]` hashes as its length, then its bytes: the digest's bytes are what counts.
        for (index, byte) in bytes.iter().take(8).enumerate() {
            self.0 ^= u64::from(*byte) << (8 * index);
        }
    }
}

/// The key of a result: a SHA-256 over every input the checks depend on, each part
/// length-prefixed so no two inputs run together.
pub(super) struct KeyBuilder(Sha256);

impl KeyBuilder {
    pub fn new() -> KeyBuilder {
        KeyBuilder(Sha256::new())
    }

    pub fn part(mut self, bytes: &[u8]) -> KeyBuilder {
        self.0.update((bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }

    pub fn finish(self) -> [u8; 32] {
        self.0.finalize().into()
    }
}
