//! The root history of a repository: every `N.root.json` from version 1, what each changed
//! (keys and thresholds per role) and whether it is signed as a rotation must be.

use std::collections::BTreeSet;

use super::metadata::{Metadata, Root, TOP_LEVEL_ROLES};
use super::transport::{Area, FetchError, Transport};
use crate::crypto::threshold::short;
use crate::crypto::{RoleKeys, check_threshold};

/// Root versions read at most, so a repository cannot keep the reader busy forever.
pub const MAX_ROOT_VERSIONS: u64 = 1024;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RootRole {
    pub role: String,
    pub threshold: u64,
    pub keyids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RootVersion {
    /// The N of `N.root.json`.
    pub number: u64,
    pub file: String,
    /// Why the file could not be read as a root, if it could not.
    pub problem: Option<String>,
    pub version: Option<u64>,
    pub expires: Option<String>,
    pub roles: Vec<RootRole>,
    /// What changed since the version before, one line per change.
    pub changes: Vec<String>,
    /// "k of n" against the previous root's root role (none for version 1).
    pub signed_by_previous: Option<String>,
    pub previous_threshold_met: Option<bool>,
    /// "k of n" against its own root role.
    pub signed_by_itself: Option<String>,
    pub own_threshold_met: Option<bool>,
}

/// Reads `1.root.json`, `2.root.json`, … until one is missing.
pub fn root_history(transport: &dyn Transport, cap: u64) -> Vec<RootVersion> {
    let mut history = Vec::new();
    let mut previous: Option<Metadata<Root>> = None;
    for number in 1..=MAX_ROOT_VERSIONS {
        let name = format!("{number}.root.json");
        let file = transport.location(Area::Metadata, &name);
        let mut entry = RootVersion {
            number,
            file,
            problem: None,
            version: None,
            expires: None,
            roles: Vec::new(),
            changes: Vec::new(),
            signed_by_previous: None,
            previous_threshold_met: None,
            signed_by_itself: None,
            own_threshold_met: None,
        };
        let bytes = match transport.fetch(Area::Metadata, &name, cap) {
            Ok(bytes) => bytes,
            Err(FetchError::NotFound { .. }) => break,
            Err(error) => {
                entry.problem = Some(crate::report::chain(&error));
                history.push(entry);
                break;
            }
        };
        let root = match Metadata::<Root>::from_bytes(&bytes) {
            Ok(root) => root,
            Err(error) => {
                entry.problem = Some(crate::report::chain(&error));
                history.push(entry);
                previous = None;
                continue;
            }
        };
        entry.version = Some(root.signed.version);
        if root.signed.version != number {
            entry.problem = Some(format!(
                "{name} says version {}, not {number}",
                root.signed.version
            ));
        }
        entry.expires = Some(root.signed.expires.to_string());
        entry.roles = TOP_LEVEL_ROLES
            .iter()
            .filter_map(|role| {
                root.signed.roles.get(*role).map(|r| RootRole {
                    role: (*role).to_owned(),
                    threshold: r.threshold,
                    keyids: r.keyids.clone(),
                })
            })
            .collect();
        let own = signed_by(&root.signed, &root);
        entry.signed_by_itself = Some(own.0);
        entry.own_threshold_met = Some(own.1);
        if let Some(before) = &previous {
            let by_previous = signed_by(&before.signed, &root);
            entry.signed_by_previous = Some(by_previous.0);
            entry.previous_threshold_met = Some(by_previous.1);
            entry.changes = changes(&before.signed, &root.signed);
        }
        history.push(entry);
        previous = Some(root);
    }
    history
}

/// How well `root` is signed by the root role of `authority`.
fn signed_by(authority: &Root, root: &Metadata<Root>) -> (String, bool) {
    let role = &authority.roles["root"];
    let keys = RoleKeys {
        keys: &authority.keys,
        keyids: &role.keyids,
    };
    let report = check_threshold(&keys, role.threshold, &root.signatures, root.signed_bytes());
    (report.summary(), report.is_met())
}

fn changes(before: &Root, after: &Root) -> Vec<String> {
    let mut lines = Vec::new();
    for role in TOP_LEVEL_ROLES {
        let (Some(old), Some(new)) = (before.roles.get(role), after.roles.get(role)) else {
            continue;
        };
        let old_ids: BTreeSet<&String> = old.keyids.iter().collect();
        let new_ids: BTreeSet<&String> = new.keyids.iter().collect();
        for added in new_ids.difference(&old_ids) {
            lines.push(format!("{role}: key {} added", short(added)));
        }
        for removed in old_ids.difference(&new_ids) {
            lines.push(format!("{role}: key {} removed", short(removed)));
        }
        if old.threshold != new.threshold {
            lines.push(format!(
                "{role}: threshold {} → {}",
                old.threshold, new.threshold
            ));
        }
    }
    if before.consistent_snapshot != after.consistent_snapshot {
        lines.push(format!(
            "consistent_snapshot {:?} → {:?}",
            before.consistent_snapshot, after.consistent_snapshot
        ));
    }
    lines
}
