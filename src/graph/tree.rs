//! The TUF delegation tree as rows: root, the top-level roles, then every delegation in
//! priority order, each row tied to the client's status for that role. Succinct bins are one
//! group row whose bins the viewer lists lazily (16,384 rows are cheap as indices, not as
//! widgets).

use std::collections::{BTreeMap, BTreeSet};

use crate::tuf::client::{RoleStatus, Verified};
use crate::tuf::verify::RepositoryReport;

/// How a row's role is delegated, in words the tree shows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum Reach {
    TopLevel,
    Paths(Vec<String>),
    HashPrefixes(Vec<String>),
    /// Delegated without paths or prefixes: it may sign for nothing.
    Nothing,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RoleRow {
    pub role: String,
    pub delegator: String,
    pub depth: usize,
    pub reach: Reach,
    pub terminating: bool,
    /// The keyids the delegator authorizes, and how many must sign.
    pub keyids: Vec<String>,
    pub threshold: u64,
    /// Index into [`DelegationTree::statuses`], when the client got as far as this role.
    pub status: Option<usize>,
    /// The role also appears higher up; its own delegations are listed there.
    pub repeated: bool,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BinGroup {
    pub delegator: String,
    pub depth: usize,
    pub name_prefix: String,
    pub bit_length: u32,
    pub keyids: Vec<String>,
    pub threshold: u64,
    /// Bins the client loaded, by bin number, as indices into the statuses.
    pub loaded: BTreeMap<u64, usize>,
}

impl BinGroup {
    pub fn count(&self) -> u64 {
        1u64 << self.bit_length
    }

    pub fn bin_name(&self, bin: u64) -> String {
        let width = format!("{:x}", self.count() - 1).len();
        format!("{}-{:0width$x}", self.name_prefix, bin)
    }

    /// The bin a target path belongs in (TAP 15).
    pub fn bin_for_target(&self, target_path: &str) -> u64 {
        crate::tuf::metadata::succinct_bin(self.bit_length, target_path)
    }

    /// The bin `text` names: a bin's name, its number in hex, or a target path (the bin it
    /// hashes to).
    pub fn bin_named(&self, text: &str) -> Option<u64> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        if let Some(bin) = self.bin_of(text) {
            return Some(bin);
        }
        let digits = format!("{:x}", self.count() - 1).len();
        if text.len() <= digits
            && let Ok(bin) = u64::from_str_radix(text, 16)
            && bin < self.count()
        {
            return Some(bin);
        }
        Some(self.bin_for_target(text))
    }

    /// The bin number of `role`, when it is one of this group's bins.
    pub fn bin_of(&self, role: &str) -> Option<u64> {
        let suffix = role.strip_prefix(&self.name_prefix)?.strip_prefix('-')?;
        let bin = u64::from_str_radix(suffix, 16).ok()?;
        (bin < self.count() && self.bin_name(bin) == role).then_some(bin)
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub enum Row {
    Role(RoleRow),
    Bins(BinGroup),
}

impl Row {
    pub fn depth(&self) -> usize {
        match self {
            Row::Role(r) => r.depth,
            Row::Bins(b) => b.depth,
        }
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct DelegationTree {
    /// Pre-order: a row's delegations follow it, one level deeper.
    pub rows: Vec<Row>,
    pub statuses: Vec<std::sync::Arc<RoleStatus>>,
}

impl DelegationTree {
    pub fn from_report(report: &RepositoryReport) -> DelegationTree {
        DelegationTree::build(report.verified.as_ref(), &report.roles)
    }

    pub fn build(
        verified: Option<&Verified>,
        statuses: &[std::sync::Arc<RoleStatus>],
    ) -> DelegationTree {
        let index: BTreeMap<(&str, &str), usize> = statuses
            .iter()
            .enumerate()
            .map(|(i, s)| ((s.delegator.as_str(), s.name.as_str()), i))
            .collect();
        let status_of = |delegator: &str, role: &str| index.get(&(delegator, role)).copied();
        let mut rows = Vec::new();
        let Some(verified) = verified else {
            return DelegationTree {
                rows,
                statuses: statuses.to_vec(),
            };
        };
        let root = &verified.root.signed;
        let top = |name: &str, depth: usize| {
            let role = root.roles.get(name);
            Row::Role(RoleRow {
                role: name.to_owned(),
                delegator: "root".to_owned(),
                depth,
                reach: Reach::TopLevel,
                terminating: false,
                keyids: role.map(|r| r.keyids.clone()).unwrap_or_default(),
                threshold: role.map_or(0, |r| r.threshold),
                status: status_of("root", name),
                repeated: false,
            })
        };
        rows.push(top("root", 0));
        rows.push(top("timestamp", 1));
        rows.push(top("snapshot", 1));
        rows.push(top("targets", 1));
        let mut expanded = BTreeSet::from(["targets".to_owned()]);
        delegations_of("targets", 2, verified, &status_of, &mut expanded, &mut rows);
        DelegationTree {
            rows,
            statuses: statuses.to_vec(),
        }
    }

    pub fn status(&self, row: &RoleRow) -> Option<&RoleStatus> {
        row.status.map(|i| &*self.statuses[i])
    }

    /// The row of `role` (the first, for a role delegated twice), or of the bin group holding it.
    pub fn row_of(&self, role: &str) -> Option<usize> {
        self.rows.iter().position(|row| match row {
            Row::Role(r) => r.role == role,
            Row::Bins(b) => role
                .strip_prefix(&b.name_prefix)
                .and_then(|rest| rest.strip_prefix('-'))
                .is_some_and(|suffix| u64::from_str_radix(suffix, 16).is_ok_and(|n| n < b.count())),
        })
    }
}

fn delegations_of(
    delegator: &str,
    depth: usize,
    verified: &Verified,
    status_of: &dyn Fn(&str, &str) -> Option<usize>,
    expanded: &mut BTreeSet<String>,
    rows: &mut Vec<Row>,
) {
    let Some(delegations) = verified
        .roles
        .get(delegator)
        .and_then(|m| m.delegations.as_ref())
    else {
        return;
    };
    if let Some(succinct) = &delegations.succinct_roles {
        let loaded = (0..succinct.number_of_bins())
            .filter_map(|bin| status_of(delegator, &succinct.bin_name(bin)).map(|s| (bin, s)))
            .collect();
        rows.push(Row::Bins(BinGroup {
            delegator: delegator.to_owned(),
            depth,
            name_prefix: succinct.name_prefix.clone(),
            bit_length: succinct.bit_length,
            keyids: succinct.keyids.clone(),
            threshold: succinct.threshold,
            loaded,
        }));
    }
    for role in delegations.roles.iter().flatten() {
        let reach = match (&role.paths, &role.path_hash_prefixes) {
            (Some(paths), _) => Reach::Paths(paths.clone()),
            (None, Some(prefixes)) => Reach::HashPrefixes(prefixes.clone()),
            (None, None) => Reach::Nothing,
        };
        let repeated = !expanded.insert(role.name.clone());
        rows.push(Row::Role(RoleRow {
            role: role.name.clone(),
            delegator: delegator.to_owned(),
            depth,
            reach,
            terminating: role.terminating,
            keyids: role.keyids.clone(),
            threshold: role.threshold,
            status: status_of(delegator, &role.name),
            repeated,
        }));
        if !repeated {
            delegations_of(&role.name, depth + 1, verified, status_of, expanded, rows);
        }
    }
}

/// How close a role is to its expiry, for colouring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum ExpiryState {
    Expired,
    /// Within [`EXPIRY_WARNING_DAYS`].
    Soon,
    Fine,
    /// The date could not be read.
    Unknown,
}

pub const EXPIRY_WARNING_DAYS: i64 = 30;

pub fn expiry_state(expires: &str, now: crate::time::UtcTime) -> ExpiryState {
    match crate::time::UtcTime::parse_metadata(expires) {
        Err(_) => ExpiryState::Unknown,
        Ok(at) if at <= now => ExpiryState::Expired,
        Ok(at) if at.unix() - now.unix() <= EXPIRY_WARNING_DAYS * 24 * 60 * 60 => ExpiryState::Soon,
        Ok(_) => ExpiryState::Fine,
    }
}

/// What an attacker must hold to forge one hop of a delegation chain.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Hop {
    pub role: String,
    pub delegator: String,
    pub keyids: Vec<String>,
    pub threshold: u64,
}

impl DelegationTree {
    /// The keys and threshold `delegator` gives `role` (a bin's are its group's).
    pub fn authority(&self, role: &str, delegator: &str) -> Option<(Vec<String>, u64)> {
        self.rows.iter().find_map(|row| match row {
            Row::Role(r) if r.role == role && r.delegator == delegator => {
                Some((r.keyids.clone(), r.threshold))
            }
            Row::Bins(b) if b.delegator == delegator && b.bin_of(role).is_some() => {
                Some((b.keyids.clone(), b.threshold))
            }
            _ => None,
        })
    }

    /// Each hop of `chain` (from `targets` down), with what forging it takes.
    pub fn hops(&self, chain: &[String]) -> Vec<Hop> {
        let mut delegator = "root".to_owned();
        let mut hops = Vec::new();
        for role in chain {
            let (keyids, threshold) = self.authority(role, &delegator).unwrap_or_default();
            hops.push(Hop {
                role: role.clone(),
                delegator: delegator.clone(),
                keyids,
                threshold,
            });
            delegator = role.clone();
        }
        hops
    }
}
