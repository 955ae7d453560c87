//! Which key serves what in what is open: the TUF roles it may sign (a succinct-bins group
//! counted once), the layout steps it is a functionary of, and the layout's own keys; and
//! whether it is an online or an offline key by the roles it signs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::crypto::public::PublicKey;
use crate::graph::tree::{DelegationTree, Row};
use crate::intoto::Layout;
use crate::tuf::state::Verified;

/// One thing a key is trusted for.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Duty {
    /// TUF 1.0.34 §2.1: a top-level role (root, timestamp, snapshot, targets) or a delegated
    /// targets role, with the threshold of keys it needs.
    Role {
        role: String,
        delegator: String,
        threshold: u64,
    },
    /// TAP 15 succinct hash bins: `count` roles named `prefix-…`, one key set for all.
    Bins {
        delegator: String,
        prefix: String,
        count: u64,
        threshold: u64,
    },
    /// in-toto 1.0 §4.3: a functionary of a step (its links count towards the threshold).
    Functionary { step: String, threshold: u64 },
    /// Listed in the layout's `keys` without a step (yet).
    LayoutKey,
}

/// How a key is kept, as its duties require.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Custody {
    /// It signs timestamp or snapshot, which the repository re-signs unattended
    /// (TUF 1.0.34 §6.1: these keys are kept online).
    Online,
    /// It signs only roles a person signs: keep it offline.
    Offline,
    /// It signs in-toto links in a supply chain step (kept where the step runs).
    Functionary,
}

#[derive(Debug, Clone, PartialEq)]
pub struct KeyUse {
    pub keyid: String,
    /// The key itself, when the metadata that trusts it lists it.
    pub key: Option<PublicKey>,
    pub duties: Vec<Duty>,
}

impl KeyUse {
    pub fn custody(&self) -> Custody {
        let signs = |name: &str| {
            self.duties
                .iter()
                .any(|d| matches!(d, Duty::Role { role, .. } if role == name))
        };
        if signs("timestamp") || signs("snapshot") {
            Custody::Online
        } else if self
            .duties
            .iter()
            .all(|d| matches!(d, Duty::Functionary { .. } | Duty::LayoutKey))
        {
            Custody::Functionary
        } else {
            Custody::Offline
        }
    }
}

/// Every key of what is open and what it serves, by keyid.
pub fn key_uses(
    tree: Option<&DelegationTree>,
    verified: Option<&Verified>,
    layout: Option<&Layout>,
) -> Vec<KeyUse> {
    let mut uses: BTreeMap<String, KeyUse> = BTreeMap::new();
    let add =
        |uses: &mut BTreeMap<String, KeyUse>, keyid: &str, key: Option<&PublicKey>, duty: Duty| {
            let entry = uses.entry(keyid.to_owned()).or_insert_with(|| KeyUse {
                keyid: keyid.to_owned(),
                key: None,
                duties: Vec::new(),
            });
            if entry.key.is_none() {
                entry.key = key.cloned();
            }
            if !entry.duties.contains(&duty) {
                entry.duties.push(duty);
            }
        };
    // The key objects: root's, and each delegator's delegations.
    let key_of = |delegator: &str, keyid: &str| -> Option<PublicKey> {
        let verified = verified?;
        if delegator == "root" {
            return verified.root.signed.keys.get(keyid).cloned();
        }
        verified
            .roles
            .get(delegator)?
            .delegations
            .as_ref()?
            .keys
            .get(keyid)
            .cloned()
    };
    for row in tree.map_or(&[][..], |t| &t.rows[..]) {
        match row {
            Row::Role(role) => {
                for keyid in &role.keyids {
                    add(
                        &mut uses,
                        keyid,
                        key_of(&role.delegator, keyid).as_ref(),
                        Duty::Role {
                            role: role.role.clone(),
                            delegator: role.delegator.clone(),
                            threshold: role.threshold,
                        },
                    );
                }
            }
            Row::Bins(bins) => {
                for keyid in &bins.keyids {
                    add(
                        &mut uses,
                        keyid,
                        key_of(&bins.delegator, keyid).as_ref(),
                        Duty::Bins {
                            delegator: bins.delegator.clone(),
                            prefix: bins.name_prefix.clone(),
                            count: 1u64 << bins.bit_length.min(63),
                            threshold: bins.threshold,
                        },
                    );
                }
            }
        }
    }
    if let Some(layout) = layout {
        for step in layout.steps() {
            for keyid in step.pubkeys() {
                add(
                    &mut uses,
                    keyid,
                    layout.keys().get(keyid),
                    Duty::Functionary {
                        step: step.name.clone(),
                        threshold: step.threshold(),
                    },
                );
            }
        }
        for (keyid, key) in layout.keys() {
            if !uses.contains_key(keyid) {
                add(&mut uses, keyid, Some(key), Duty::LayoutKey);
            }
        }
    }
    uses.into_values().collect()
}

/// A public key as a file others can read: securesystemslib's JSON key (what in-toto and
/// python-tuf write and read), with its keyid.
pub fn public_key_file(key: &PublicKey) -> String {
    let mut dict = key.to_dict().clone();
    if let Some(object) = dict.as_object_mut() {
        object.insert(
            "keyid".to_owned(),
            serde_json::Value::String(key.keyid().to_owned()),
        );
    }
    serde_json::to_string_pretty(&dict).unwrap_or_default() + "\n"
}

/// Why a key file could not be made.
#[derive(Debug, thiserror::Error)]
pub enum KeyringError {
    #[error("cannot create {path}: {source}")]
    Create {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot make the key: {0}")]
    Key(#[from] crate::crypto::private::SignError),
}

/// Writes a file that must not exist yet, readable by its owner only: a key file is never
/// overwritten.
pub fn write_new_file(path: &Path, contents: &[u8]) -> Result<(), KeyringError> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(|source| KeyringError::Create {
        path: path.to_owned(),
        source,
    })?;
    file.write_all(contents)
        .and_then(|()| file.sync_all())
        .map_err(|source| KeyringError::Write {
            path: path.to_owned(),
            source,
        })
}

/// A new key pair as in-toto's and chainscope's tools write it: the private key in `name`
/// (PKCS#8 PEM, encrypted when a passphrase is given) and the public key in `name.pub`.
pub fn generate_key_files(
    name: &Path,
    kind: crate::crypto::private::KeyType,
    passphrase: Option<&str>,
) -> Result<crate::crypto::private::PrivateKey, KeyringError> {
    let key = crate::crypto::private::PrivateKey::generate(kind)?;
    let private_pem = match passphrase {
        Some(passphrase) => key.to_encrypted_pkcs8_pem(passphrase),
        None => key.to_pkcs8_pem(),
    }?;
    write_new_file(name, private_pem.as_bytes())?;
    write_new_file(
        &PathBuf::from(format!("{}.pub", name.display())),
        key.public_pem().as_bytes(),
    )?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::samples::demo_key;

    /// The demo: the online key signs timestamp, snapshot and the four bins (online); the
    /// targets key only targets (offline); alice and bob are functionaries of their steps.
    /// Each public key written out reads back as the same key.
    #[test]
    fn the_demo_keys_serve_their_roles_and_steps() {
        let dir = tempfile::tempdir().unwrap();
        let path = crate::samples::write_one(dir.path(), "talk-alice-bob").unwrap();
        let _ = path;
        let source =
            crate::workspace::detect(&dir.path().join("talk-alice-bob").display().to_string())
                .unwrap();
        let now = crate::time::UtcTime::parse_rfc3339("2026-12-01T00:00:00Z").unwrap();
        let workspace =
            crate::workspace::load(&source, &crate::workspace::LoadOptions::new(now)).unwrap();
        let uses = key_uses(
            workspace.tree.as_ref(),
            workspace.tuf.as_ref().and_then(|t| t.verified.as_ref()),
            workspace.layout.as_ref().and_then(|l| l.layout.as_ref()),
        );
        let of = |name: &str| {
            let keyid = demo_key(name).public().keyid().to_owned();
            uses.iter()
                .find(|u| u.keyid == keyid)
                .unwrap_or_else(|| panic!("{name} is not listed: {uses:#?}"))
                .clone()
        };
        let online = of("online");
        assert_eq!(online.custody(), Custody::Online);
        assert!(
            online
                .duties
                .iter()
                .any(|d| matches!(d, Duty::Role { role, .. } if role == "timestamp"))
        );
        assert!(
            online
                .duties
                .iter()
                .any(|d| matches!(d, Duty::Bins { count: 4, .. })),
            "{online:#?}"
        );
        let targets = of("targets");
        assert_eq!(targets.custody(), Custody::Offline);
        assert_eq!(
            targets.duties,
            [Duty::Role {
                role: "targets".into(),
                delegator: "root".into(),
                threshold: 1
            }]
        );
        for functionary in ["alice", "bob"] {
            let key = of(functionary);
            assert_eq!(key.custody(), Custody::Functionary, "{key:#?}");
            let file = dir.path().join(format!("{functionary}.pub"));
            std::fs::write(&file, public_key_file(key.key.as_ref().unwrap())).unwrap();
            let read = crate::crypto::keyfile::read_key_file(&file, None).unwrap();
            assert_eq!(read.public().keyid(), key.keyid);
        }
        // Every key is listed once.
        let mut keyids: Vec<&str> = uses.iter().map(|u| u.keyid.as_str()).collect();
        keyids.dedup();
        assert_eq!(keyids.len(), uses.len());
    }
}
