//! What the client establishes: each role's status and the metadata it ended up trusting.
//! The client fills these in; the target search and the views read them.

use std::collections::BTreeMap;

use super::metadata::{Metadata, Root, Snapshot, Targets, Timestamp};
use crate::crypto::ThresholdReport;

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

/// What a client ended up trusting, and every role file it looked at.
#[derive(Debug, Clone)]
pub struct Verified {
    pub root: Metadata<Root>,
    pub timestamp: Option<Metadata<Timestamp>>,
    pub snapshot: Option<Metadata<Snapshot>>,
    /// Verified targets roles by name.
    pub roles: BTreeMap<String, Metadata<Targets>>,
    pub statuses: Vec<RoleStatus>,
}
