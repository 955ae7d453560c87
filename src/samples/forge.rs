//! The attacker's hand tools: metadata edited and signed by hand, with exactly the keys given,
//! for the attacks the repository editor would refuse to publish (a role listing a target
//! outside its delegation, a timestamp naming an old snapshot). Used by the samples and by the
//! attack lab (`crate::attacks`).

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::{SampleError, write};
use crate::crypto::PrivateKey;
use crate::crypto::digest::hex_digest;
use crate::crypto::signed::{EnvelopeKind, Signed};

/// Signs `signed` with `keys` in a legacy envelope, as python-tuf writes it.
pub(crate) fn sign_metadata(signed: Value, keys: &[&PrivateKey]) -> Result<Vec<u8>, SampleError> {
    let mut envelope = Signed::new(EnvelopeKind::Legacy, signed);
    for key in keys {
        envelope
            .sign(key)
            .map_err(|e| SampleError::Other(format!("cannot sign: {e}")))?;
    }
    Ok(envelope.to_bytes())
}

pub(crate) fn read(path: &Path) -> Result<Vec<u8>, SampleError> {
    std::fs::read(path).map_err(|source| SampleError::Write {
        path: path.to_owned(),
        source,
    })
}

pub(crate) fn read_json(path: &Path) -> Result<Value, SampleError> {
    serde_json::from_slice(&read(path)?)
        .map_err(|e| SampleError::Other(format!("{}: {e}", path.display())))
}

/// A published repository's metadata folder (consistent snapshots), edited by hand.
pub(crate) struct Forge {
    metadata: PathBuf,
}

impl Forge {
    /// `repo` holds `metadata/` and `targets/`.
    pub(crate) fn new(repo: &Path) -> Forge {
        Forge {
            metadata: repo.join("metadata"),
        }
    }

    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.metadata.join(name)
    }

    pub(crate) fn timestamp(&self) -> Result<Value, SampleError> {
        read_json(&self.path("timestamp.json"))
    }

    /// The snapshot version the timestamp names now.
    pub(crate) fn snapshot_version(&self) -> Result<u64, SampleError> {
        Ok(
            self.timestamp()?["signed"]["meta"]["snapshot.json"]["version"]
                .as_u64()
                .unwrap_or(1),
        )
    }

    pub(crate) fn snapshot(&self) -> Result<Value, SampleError> {
        read_json(&self.path(&format!("{}.snapshot.json", self.snapshot_version()?)))
    }

    /// The version of `role` the snapshot names now.
    pub(crate) fn role_version(&self, role: &str) -> Result<u64, SampleError> {
        Ok(
            self.snapshot()?["signed"]["meta"][format!("{role}.json")]["version"]
                .as_u64()
                .unwrap_or(1),
        )
    }

    /// The file of `role` clients fetch now.
    pub(crate) fn role_file(&self, role: &str) -> Result<PathBuf, SampleError> {
        Ok(self.path(&format!("{}.{role}.json", self.role_version(role)?)))
    }

    /// New versions of `roles` (each edited by `edit`), a snapshot listing them and a
    /// timestamp, all signed with `key` alone.
    pub(crate) fn resign(
        &self,
        key: &PrivateKey,
        roles: &[&str],
        mut edit: impl FnMut(&str, &mut Value),
    ) -> Result<(), SampleError> {
        let snapshot_version = self.snapshot_version()?;
        let mut snapshot = self.snapshot()?;
        let mut snapshot_signed = snapshot["signed"].take();
        for role in roles {
            let role_version = snapshot_signed["meta"][format!("{role}.json")]["version"]
                .as_u64()
                .unwrap_or(1);
            let mut metadata = read_json(&self.path(&format!("{role_version}.{role}.json")))?;
            let mut signed = metadata["signed"].take();
            edit(role, &mut signed);
            signed["version"] = json!(role_version + 1);
            write(
                &self.path(&format!("{}.{role}.json", role_version + 1)),
                &sign_metadata(signed, &[key])?,
            )?;
            snapshot_signed["meta"][format!("{role}.json")] = json!({"version": role_version + 1});
        }
        snapshot_signed["version"] = json!(snapshot_version + 1);
        let snapshot_bytes = sign_metadata(snapshot_signed, &[key])?;
        write(
            &self.path(&format!("{}.snapshot.json", snapshot_version + 1)),
            &snapshot_bytes,
        )?;
        self.timestamp_naming(key, snapshot_version + 1, &snapshot_bytes, None)
    }

    /// A timestamp one version up naming snapshot `version` (with its length and hash), signed
    /// with `key`; `expires` replaces the expiry when given.
    pub(crate) fn timestamp_naming(
        &self,
        key: &PrivateKey,
        version: u64,
        snapshot_bytes: &[u8],
        expires: Option<&str>,
    ) -> Result<(), SampleError> {
        let mut signed = self.timestamp()?["signed"].clone();
        signed["version"] = json!(signed["version"].as_u64().unwrap_or(1) + 1);
        signed["meta"]["snapshot.json"] = json!({
            "version": version,
            "length": snapshot_bytes.len(),
            "hashes": {"sha256": hex_digest("sha256", snapshot_bytes).unwrap_or_default()},
        });
        if let Some(expires) = expires {
            signed["expires"] = json!(expires);
        }
        write(
            &self.path("timestamp.json"),
            &sign_metadata(signed, &[key])?,
        )
    }
}

/// Writes the client state after a refresh of the repository in `sample_dir/repo` as it
/// stands now into `sample_dir/trusted`: the newest root, timestamp, snapshot and every
/// targets role, unversioned.
pub(crate) fn trust_current(sample_dir: &Path) -> Result<(), SampleError> {
    let forge = Forge::new(&sample_dir.join("repo"));
    let trusted = sample_dir.join("trusted");
    let timestamp = read(&forge.path("timestamp.json"))?;
    write(&trusted.join("timestamp.json"), &timestamp)?;
    write(&trusted.join("root.json"), &read(&forge.path("root.json"))?)?;
    let signed: Value = serde_json::from_slice(&timestamp)
        .map_err(|e| SampleError::Other(crate::report::chain(&e)))?;
    let snapshot_version = signed["signed"]["meta"]["snapshot.json"]["version"]
        .as_u64()
        .unwrap_or(1);
    let snapshot = read(&forge.path(&format!("{snapshot_version}.snapshot.json")))?;
    write(&trusted.join("snapshot.json"), &snapshot)?;
    let snapshot: Value = serde_json::from_slice(&snapshot)
        .map_err(|e| SampleError::Other(crate::report::chain(&e)))?;
    if let Some(meta) = snapshot["signed"]["meta"].as_object() {
        for (file, entry) in meta {
            let role = file.trim_end_matches(".json");
            let version = entry["version"].as_u64().unwrap_or(1);
            write(
                &trusted.join(file),
                &read(&forge.path(&format!("{version}.{role}.json")))?,
            )?;
        }
    }
    Ok(())
}
