//! A security review of a verified repository, beyond what any reference client checks:
//! findings with a severity, about key hygiene and how much an online key could do.
//!
//! Online roles are the ones a service re-signs unattended: timestamp, snapshot and TAP 15
//! bins (the Repository Service for TUF layout). Root and the top-level targets role are meant
//! to be signed offline.

use std::collections::{BTreeMap, BTreeSet};

use super::client::Client;
use super::metadata::TOP_LEVEL_ROLES;
use crate::crypto::PublicKey;
use crate::crypto::threshold::short;
use crate::time::UtcTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The repository's security is gone already (a private key published).
    Critical,
    High,
    Medium,
    Low,
    Info,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    pub severity: Severity,
    /// Stable name of the kind of finding.
    pub code: &'static str,
    pub role: Option<String>,
    pub message: String,
    pub hint: String,
}

const DAY: i64 = 24 * 60 * 60;
/// Longer than this, a replayed online role keeps a freeze attack going too long.
const TIMESTAMP_MAX_DAYS: i64 = 7;
const SNAPSHOT_MAX_DAYS: i64 = 30;
/// An offline role expiring within this needs its key holders soon.
const OFFLINE_WARNING_DAYS: i64 = 30;

fn finding(
    severity: Severity,
    code: &'static str,
    role: Option<&str>,
    message: String,
    hint: &str,
) -> Finding {
    Finding {
        severity,
        code,
        role: role.map(str::to_owned),
        message,
        hint: hint.to_owned(),
    }
}

/// Who a key material signs for: role names, by key fingerprint.
#[derive(Default)]
struct KeyUse {
    roles: BTreeMap<Vec<u8>, (String, BTreeSet<String>)>,
}

impl KeyUse {
    fn add(&mut self, key: &PublicKey, role: &str) {
        let Some(fingerprint) = key.fingerprint() else {
            return;
        };
        self.roles
            .entry(fingerprint)
            .or_insert_with(|| (key.keyid().to_owned(), BTreeSet::new()))
            .1
            .insert(role.to_owned());
    }
}

pub fn review(client: &Client<'_>, now: UtcTime) -> Vec<Finding> {
    let mut findings = Vec::new();
    let root = &client.root().signed;
    let online_top = ["timestamp", "snapshot"];
    let mut uses = KeyUse::default();
    for role in TOP_LEVEL_ROLES {
        for keyid in &root.roles[role].keyids {
            if let Some(key) = root.keys.get(keyid) {
                uses.add(key, role);
            }
        }
    }
    let mut bins_roles = Vec::new();
    for (name, targets) in client.roles() {
        let Some(delegations) = &targets.delegations else {
            continue;
        };
        if let Some(succinct) = &delegations.succinct_roles {
            let label = format!("{}-* bins", succinct.name_prefix);
            for keyid in &succinct.keyids {
                if let Some(key) = delegations.keys.get(keyid) {
                    uses.add(key, &label);
                }
            }
            bins_roles.push((name.clone(), succinct.clone(), delegations.keys.clone()));
        }
        for role in delegations.roles.iter().flatten() {
            for keyid in &role.keyids {
                if let Some(key) = delegations.keys.get(keyid) {
                    uses.add(key, &role.name);
                }
            }
        }
    }

    // A key dict carrying its private half (`keyval.private`), as some real repositories
    // published by mistake: whoever reads the metadata can sign for that key's roles.
    let mut published: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut note_private = |keyid: &str, key: &PublicKey, role: &str| {
        let private = key
            .to_dict()
            .pointer("/keyval/private")
            .and_then(serde_json::Value::as_str)
            .is_some_and(|text| !text.is_empty());
        if private {
            published
                .entry(keyid.to_owned())
                .or_default()
                .insert(role.to_owned());
        }
    };
    for (keyid, key) in &root.keys {
        let roles: Vec<&str> = TOP_LEVEL_ROLES
            .into_iter()
            .filter(|role| root.roles[*role].keyids.contains(keyid))
            .collect();
        if roles.is_empty() {
            note_private(keyid, key, "no role (listed in root)");
        }
        for role in roles {
            note_private(keyid, key, role);
        }
    }
    for (name, targets) in client.roles() {
        let Some(delegations) = &targets.delegations else {
            continue;
        };
        for (keyid, key) in &delegations.keys {
            note_private(keyid, key, &format!("a delegation of {name}"));
        }
    }
    for (keyid, roles) in &published {
        let roles: Vec<&String> = roles.iter().collect();
        findings.push(finding(
            Severity::Critical,
            "private-key-published",
            roles.first().map(|r| r.as_str()),
            format!(
                "key {} is published with its private half (`keyval.private`): anyone who reads the metadata can sign for {}",
                short(keyid),
                join(&roles)
            ),
            "treat the key as compromised: rotate it out of every role (a new root signed by the remaining root keys), and never put private keys in metadata",
        ));
    }

    if root.roles["root"].threshold == 1 {
        findings.push(finding(
            Severity::High,
            "root-threshold-1",
            Some("root"),
            "the root role has threshold 1: one stolen root key replaces every key of the repository".to_owned(),
            "give root several keys held by different people and a threshold of at least 2",
        ));
    }

    let is_online = |role: &str| online_top.contains(&role) || role.ends_with(" bins");
    for (keyid, roles) in uses.roles.values() {
        let offline: Vec<&String> = roles
            .iter()
            .filter(|r| r.as_str() == "root" || r.as_str() == "targets")
            .collect();
        let online: Vec<&String> = roles.iter().filter(|r| is_online(r)).collect();
        if !offline.is_empty() && !online.is_empty() {
            findings.push(finding(
                Severity::High,
                "offline-key-online",
                offline.first().map(|r| r.as_str()),
                format!(
                    "key {} signs for {} (offline) and {} (online): whoever runs the online service holds an offline key",
                    short(keyid),
                    join(&offline),
                    join(&online)
                ),
                "use separate keys for offline and online roles",
            ));
        }
    }

    for status in client.statuses() {
        let Some(expires) = status
            .expires
            .as_deref()
            .and_then(|e| UtcTime::parse_metadata(e).ok())
        else {
            continue;
        };
        let left_days = (expires.unix() - now.unix()) / DAY;
        if expires <= now {
            continue; // a verification failure already
        }
        let limit = match status.name.as_str() {
            "timestamp" => Some(TIMESTAMP_MAX_DAYS),
            "snapshot" => Some(SNAPSHOT_MAX_DAYS),
            _ => None,
        };
        if let Some(limit) = limit
            && left_days > limit
        {
            findings.push(finding(
                Severity::Medium,
                "online-role-long-expiry",
                Some(&status.name),
                format!(
                    "{} expires in {left_days} days: a replayed {} keeps clients on old metadata (a freeze attack) that long",
                    status.name, status.name
                ),
                "online roles are re-signed automatically; let them expire within days",
            ));
        }
        let offline = status.name == "root" || status.name == "targets";
        if offline && left_days < OFFLINE_WARNING_DAYS {
            findings.push(finding(
                Severity::Medium,
                "expires-soon",
                Some(&status.name),
                format!(
                    "{} expires in {left_days} days ({})",
                    status.name,
                    status.expires.as_deref().unwrap_or_default()
                ),
                "its offline key holders must sign a new version before then",
            ));
        }
    }

    // Targets vouched for only by keys that also sign online roles.
    let online_keys: BTreeSet<Vec<u8>> = online_top
        .iter()
        .flat_map(|role| root.roles[*role].keyids.iter())
        .filter_map(|id| root.keys.get(id).and_then(PublicKey::fingerprint))
        .collect();
    let all_online = |keys: &BTreeMap<String, PublicKey>, keyids: &[String]| {
        let fingerprints: Vec<Vec<u8>> = keyids
            .iter()
            .filter_map(|id| keys.get(id).and_then(PublicKey::fingerprint))
            .collect();
        !fingerprints.is_empty() && fingerprints.iter().all(|f| online_keys.contains(f))
    };
    for (delegator, succinct, keys) in &bins_roles {
        let count: usize = client
            .roles()
            .iter()
            .filter(|(name, _)| succinct.is_bin(name))
            .map(|(_, t)| t.target_count)
            .sum();
        if count > 0 && all_online(keys, &succinct.keyids) {
            findings.push(finding(
                Severity::Info,
                "targets-behind-online-keys",
                Some(delegator),
                format!(
                    "{count} targets in {delegator}'s {}-* bins are vouched for only by the online key that signs timestamp and snapshot",
                    succinct.name_prefix
                ),
                "fine for packages (ITE-2 puts them there); policy such as in-toto layouts belongs behind offline keys",
            ));
        }
    }
    for (name, targets) in client.roles() {
        let Some(delegations) = &targets.delegations else {
            continue;
        };
        for role in delegations.roles.iter().flatten() {
            let count = client.roles().get(&role.name).map_or(0, |t| t.target_count);
            if count > 0 && all_online(&delegations.keys, &role.keyids) {
                findings.push(finding(
                    Severity::Medium,
                    "targets-behind-online-keys",
                    Some(&role.name),
                    format!(
                        "{} (delegated by {name}) lists {count} target{} and is signed only by keys that also sign timestamp or snapshot",
                        role.name,
                        if count == 1 { "" } else { "s" }
                    ),
                    "a compromise of the online service can change these targets; sign the role with an offline key",
                ));
            }
            let usable = role
                .keyids
                .iter()
                .filter(|id| delegations.keys.contains_key(*id))
                .count() as u64;
            if usable < role.threshold {
                findings.push(finding(
                    Severity::High,
                    "threshold-unreachable",
                    Some(&role.name),
                    format!(
                        "{} needs {} signatures but {name} lists keys for only {usable} of its keyids",
                        role.name, role.threshold
                    ),
                    "add the missing keys to the delegation or lower the threshold",
                ));
            }
        }
        let used: BTreeSet<&String> = delegations
            .roles
            .iter()
            .flatten()
            .flat_map(|r| r.keyids.iter())
            .chain(
                delegations
                    .succinct_roles
                    .iter()
                    .flat_map(|s| s.keyids.iter()),
            )
            .collect();
        for keyid in delegations.keys.keys().filter(|id| !used.contains(id)) {
            findings.push(finding(
                Severity::Low,
                "unused-key",
                Some(name),
                format!(
                    "{name} lists key {} that no delegated role uses",
                    short(keyid)
                ),
                "remove keys nobody signs with, so a reviewer need not wonder who holds them",
            ));
        }
        for key in delegations.keys.values() {
            keyid_finding(&mut findings, key, name);
        }
    }
    let used: BTreeSet<&String> = root.roles.values().flat_map(|r| r.keyids.iter()).collect();
    for keyid in root.keys.keys().filter(|id| !used.contains(id)) {
        findings.push(finding(
            Severity::Low,
            "unused-key",
            Some("root"),
            format!(
                "root lists key {} that no top-level role uses",
                short(keyid)
            ),
            "remove keys nobody signs with",
        ));
    }
    for key in root.keys.values() {
        keyid_finding(&mut findings, key, "root");
    }
    for role in TOP_LEVEL_ROLES {
        let entry = &root.roles[role];
        let usable = entry
            .keyids
            .iter()
            .filter(|id| root.keys.contains_key(*id))
            .count() as u64;
        if usable < entry.threshold {
            findings.push(finding(
                Severity::High,
                "threshold-unreachable",
                Some(role),
                format!(
                    "{role} needs {} signatures but root lists keys for only {usable} of its keyids",
                    entry.threshold
                ),
                "add the missing keys to root or lower the threshold",
            ));
        }
    }
    findings.sort_by(|a, b| {
        (a.severity, &a.role, a.code, &a.message).cmp(&(b.severity, &b.role, b.code, &b.message))
    });
    findings
}

fn keyid_finding(findings: &mut Vec<Finding>, key: &PublicKey, listed_in: &str) {
    if let Some(warning) = key.keyid_warning() {
        findings.push(finding(
            Severity::Low,
            "keyid-mismatch",
            Some(listed_in),
            format!("{listed_in} lists a key under {}: {warning}", short(key.keyid())),
            "clients trust the keyid as given, so this is not a failure; list the key under its computed keyid",
        ));
    }
}

fn join(roles: &[&String]) -> String {
    roles
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}
