//! What a staged role changes against its published version, in words.

use super::*;

/// Two versions of a role explained: what changed and who signed each.
pub fn diff_roles(old: &[u8], new: &[u8]) -> Result<Vec<String>, RepoError> {
    use crate::tuf::metadata::AnyMetadata;
    let parse = |bytes: &[u8]| {
        AnyMetadata::from_bytes(bytes).map_err(|source| RepoError::Metadata {
            path: "role".into(),
            source,
        })
    };
    let (old, new) = (parse(old)?, parse(new)?);
    let mut lines = Vec::new();
    let signers = |any: &AnyMetadata| -> Vec<String> {
        let signatures = match any {
            AnyMetadata::Root(m) => &m.signatures,
            AnyMetadata::Targets(m) => &m.signatures,
            AnyMetadata::Snapshot(m) => &m.signatures,
            AnyMetadata::Timestamp(m) => &m.signatures,
        };
        signatures.iter().map(|s| short(&s.keyid)).collect()
    };
    match (&old, &new) {
        (AnyMetadata::Root(a), AnyMetadata::Root(b)) => {
            lines.push(format!(
                "version {} → {}",
                a.signed.version, b.signed.version
            ));
            if a.signed.expires != b.signed.expires {
                lines.push(format!(
                    "expires {} → {}",
                    a.signed.expires, b.signed.expires
                ));
            }
            for role in TOP_LEVEL_ROLES {
                let (x, y) = (&a.signed.roles[role], &b.signed.roles[role]);
                for id in y.keyids.iter().filter(|k| !x.keyids.contains(k)) {
                    lines.push(format!("{role}: key {} added", short(id)));
                }
                for id in x.keyids.iter().filter(|k| !y.keyids.contains(k)) {
                    lines.push(format!("{role}: key {} removed", short(id)));
                }
                if x.threshold != y.threshold {
                    lines.push(format!(
                        "{role}: threshold {} → {}",
                        x.threshold, y.threshold
                    ));
                }
            }
        }
        (AnyMetadata::Targets(a), AnyMetadata::Targets(b)) => {
            lines.push(format!(
                "version {} → {}",
                a.signed.version, b.signed.version
            ));
            if a.signed.expires != b.signed.expires {
                lines.push(format!(
                    "expires {} → {}",
                    a.signed.expires, b.signed.expires
                ));
            }
            for (path, info) in &b.signed.targets {
                match a.signed.targets.get(path) {
                    None => lines.push(format!("target {path} added ({} bytes)", info.length)),
                    Some(before) if before != info => lines.push(format!("target {path} changed")),
                    _ => {}
                }
            }
            for path in a
                .signed
                .targets
                .keys()
                .filter(|p| !b.signed.targets.contains_key(*p))
            {
                lines.push(format!("target {path} removed"));
            }
            let delegated = |t: &Targets| -> BTreeMap<String, String> {
                let mut out = BTreeMap::new();
                if let Some(d) = &t.delegations {
                    for r in d.roles.iter().flatten() {
                        out.insert(
                            r.name.clone(),
                            format!(
                                "{} of [{}]",
                                r.threshold,
                                r.keyids
                                    .iter()
                                    .map(|k| short(k))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        );
                    }
                    if let Some(s) = &d.succinct_roles {
                        out.insert(
                            format!("{}-* bins", s.name_prefix),
                            format!(
                                "{} bins, {} of [{}]",
                                s.number_of_bins(),
                                s.threshold,
                                s.keyids
                                    .iter()
                                    .map(|k| short(k))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        );
                    }
                }
                out
            };
            let (x, y) = (delegated(&a.signed), delegated(&b.signed));
            for (name, how) in &y {
                match x.get(name) {
                    None => lines.push(format!("delegation to {name} added: {how}")),
                    Some(before) if before != how => {
                        lines.push(format!("delegation to {name}: {before} → {how}"))
                    }
                    _ => {}
                }
            }
            for name in x.keys().filter(|n| !y.contains_key(*n)) {
                lines.push(format!("delegation to {name} removed"));
            }
        }
        _ => lines.push(format!(
            "a {} and a {}: different kinds of role",
            old.type_name(),
            new.type_name()
        )),
    }
    lines.push(format!("signed before by: {}", signers(&old).join(", ")));
    lines.push(format!("signed now by: {}", signers(&new).join(", ")));
    Ok(lines)
}

impl TufRepo {
    /// What publishing would change, role by role: each staged role against its published
    /// version, in words (a role never published is new).
    pub fn staged_changes(&self) -> Result<Vec<(String, Vec<String>)>, RepoError> {
        self.staged
            .keys()
            .map(|role| {
                let staged = self.staged_file(role).unwrap_or_default();
                let lines = match self.latest_version(role) {
                    Some(version) => diff_roles(&self.published_file(role, version)?, &staged)?,
                    None => vec!["a new role, never published".to_owned()],
                };
                Ok((role.clone(), lines))
            })
            .collect()
    }
}
