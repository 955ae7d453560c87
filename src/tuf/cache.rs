//! Verification results of delegated targets roles kept between runs over the same repository
//! (the app's reloads), so a reload after one hash bin changed checks that bin again and
//! reuses what it found for the 16,383 others.
//!
//! A result is found again only by everything it was judged on: the role and the file it came
//! from, the SHA-256 of the bytes read now, the keys, keyids and threshold of the delegation
//! (so a rotated key or a changed threshold misses), and what snapshot lists for the role. The
//! bytes are always read and hashed; a file's size or time is never trusted to say it is the
//! same. Only roles that passed are kept, and a kept result is used only while the role is
//! still not expired at the run's time. Results no run used are dropped at the next run.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

use super::state::{RoleStatus, TrustedRole};
use crate::trace::Check;

/// What checking a role's bytes (§5.6.2–5.6.5) recorded and concluded.
#[derive(Debug, Clone)]
pub(super) struct CheckedRole {
    pub checks: Vec<Check>,
    pub status: RoleStatus,
    pub trusted: TrustedRole,
}

/// Shared by the runs over one repository; safe to use from the client's parallel checks.
#[derive(Debug, Default)]
pub struct RoleCache {
    runs: Mutex<Runs>,
}

#[derive(Debug, Default)]
struct Runs {
    /// Used or added by the current run.
    current: HashMap<[u8; 32], Arc<CheckedRole>>,
    /// Left from the previous run, moved to `current` when used.
    previous: HashMap<[u8; 32], Arc<CheckedRole>>,
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
        runs.previous = std::mem::take(&mut runs.current);
        runs.hits = 0;
        runs.misses = 0;
    }

    /// What was kept under `key`; shared, so the lock is held only to look it up.
    pub(super) fn find(&self, key: &[u8; 32]) -> Option<Arc<CheckedRole>> {
        let mut runs = self.lock();
        if let Some(found) = runs.current.get(key).cloned() {
            runs.hits += 1;
            return Some(found);
        }
        match runs.previous.remove(key) {
            Some(found) => {
                runs.hits += 1;
                runs.current.insert(*key, Arc::clone(&found));
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

    /// This run's (results reused, roles checked afresh).
    pub fn hits_and_misses(&self) -> (usize, usize) {
        let runs = self.lock();
        (runs.hits, runs.misses)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Runs> {
        self.runs.lock().unwrap_or_else(|e| e.into_inner())
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
