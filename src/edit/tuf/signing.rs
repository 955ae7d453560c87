//! Signing staged roles, here or offline (bytes exported, signatures imported).

use super::*;

impl TufRepo {
    /// The keys that may sign `role` now (for root also the keys of the root it replaces).
    pub(super) fn may_sign(&self, role: &str, keyid: &str) -> Result<bool, RepoError> {
        let (_, keyids, _) = self.authority(role)?;
        let previous = match role {
            "root" => self
                .published_root()
                .map(|r| r.roles["root"].keyids.clone())
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        Ok(keyids.iter().chain(previous.iter()).any(|k| k == keyid))
    }

    pub fn sign(&mut self, role: &str, key: &PrivateKey) -> Result<SignReport, RepoError> {
        if !self.may_sign(role, key.keyid())? {
            return Err(RepoError::NotAKeyOf {
                role: role.to_owned(),
                keyid: key.keyid().to_owned(),
            });
        }
        self.ensure_staged(role)?;
        self.changed(role);
        self.staged
            .get_mut(role)
            .expect("staged above")
            .sign(key)
            .map_err(|source| RepoError::Sign {
                role: role.to_owned(),
                source,
            })
    }

    /// Signs, with `key`, every role it may sign that is staged or short of signatures and
    /// lacks its signature (staging each): how the holder of a bins key signs thousands of bins
    /// at once. Returns the roles signed.
    pub fn sign_every_role(
        &mut self,
        key: &PrivateKey,
        now: UtcTime,
    ) -> Result<Vec<String>, RepoError> {
        let keyid = key.keyid();
        let roles: Vec<String> = self
            .status(now)?
            .into_iter()
            .filter(|s| s.role != "snapshot" && s.role != "timestamp" && (s.staged || !s.ready()))
            .filter(|s| {
                s.report.missing.iter().any(|k| k == keyid)
                    || s.previous_root
                        .as_ref()
                        .is_some_and(|p| p.missing.iter().any(|k| k == keyid))
            })
            .map(|s| s.role)
            .collect();
        for role in &roles {
            self.ensure_staged(role)?;
            self.changed(role);
            self.staged
                .get_mut(role)
                .expect("staged above")
                .sign(key)
                .map_err(|source| RepoError::Sign {
                    role: role.clone(),
                    source,
                })?;
        }
        Ok(roles)
    }

    /// Exactly the bytes a signature over `role` must cover (staging it if needed).
    pub fn bytes_to_sign(&mut self, role: &str) -> Result<Vec<u8>, RepoError> {
        self.ensure_staged(role)?;
        self.staged[role]
            .bytes_to_sign()
            .map_err(|source| RepoError::NoCanonicalForm {
                role: role.to_owned(),
                source,
            })
    }

    pub fn import_signature(
        &mut self,
        role: &str,
        key: &PublicKey,
        signature: &[u8],
    ) -> Result<SignReport, RepoError> {
        if !self.may_sign(role, key.keyid())? {
            return Err(RepoError::NotAKeyOf {
                role: role.to_owned(),
                keyid: key.keyid().to_owned(),
            });
        }
        self.ensure_staged(role)?;
        self.changed(role);
        self.staged
            .get_mut(role)
            .expect("staged above")
            .import_signature(key, signature)
            .map_err(|source| RepoError::Import {
                role: role.to_owned(),
                source,
            })
    }

    /// The envelope of a role as it stands (staged or published).
    pub(super) fn envelope(
        &self,
        role: &str,
    ) -> Option<(Vec<crate::crypto::Signature>, Vec<u8>, u64, Expires)> {
        if let Some(signed) = self.staged.get(role) {
            let bytes = signed.bytes_to_sign().ok()?;
            let signatures = if signed.signatures_current() {
                signed.signatures().to_vec()
            } else {
                Vec::new()
            };
            let version = signed.payload()["version"].as_u64()?;
            let expires: Expires =
                serde_json::from_value(signed.payload()["expires"].clone()).ok()?;
            return Some((signatures, bytes, version, expires));
        }
        match role {
            "root" => self.published.root.as_ref().map(|m| {
                (
                    m.signatures.clone(),
                    m.signed_bytes().to_vec(),
                    m.signed.version,
                    m.signed.expires.clone(),
                )
            }),
            "snapshot" => self.published.snapshot.as_ref().map(|m| {
                (
                    m.signatures.clone(),
                    m.signed_bytes().to_vec(),
                    m.signed.version,
                    m.signed.expires.clone(),
                )
            }),
            "timestamp" => self.published.timestamp.as_ref().map(|m| {
                (
                    m.signatures.clone(),
                    m.signed_bytes().to_vec(),
                    m.signed.version,
                    m.signed.expires.clone(),
                )
            }),
            _ => self.published.targets.get(role).map(|m| {
                (
                    m.signatures.clone(),
                    m.signed_bytes().to_vec(),
                    m.signed.version,
                    m.signed.expires.clone(),
                )
            }),
        }
    }
}
