//! Publishing in the order that keeps the repository valid at every moment, after
//! chainscope's own client has accepted the result.

use super::*;

/// Why a publish cannot go ahead: each one a role or a file clients would refuse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublishProblem {
    /// Too few valid signatures; `staged` is false when the role was not edited but its keys
    /// were, so it must be signed again.
    BelowThreshold {
        role: String,
        version: u64,
        summary: String,
        staged: bool,
    },
    /// A new root must also be signed by a threshold of the root it replaces.
    PreviousRootBelowThreshold {
        version: u64,
        summary: String,
    },
    /// Snapshot or timestamp, signed at publish with the online keys given.
    OnlineKeyMissing {
        role: String,
        summary: String,
    },
    NoMetadata {
        role: String,
    },
    NoRoot,
    NoCheckableHash {
        role: String,
        path: String,
    },
    TargetFileMissing {
        role: String,
        path: String,
        stored: String,
    },
    TargetFileDiffers {
        role: String,
        path: String,
        stored: String,
    },
}

impl PublishProblem {
    pub(super) fn hint(&self) -> Option<&'static str> {
        match self {
            PublishProblem::BelowThreshold { .. }
            | PublishProblem::PreviousRootBelowThreshold { .. } => {
                Some("chainscope tuf status (or the TUF editor) shows who still has to sign")
            }
            PublishProblem::OnlineKeyMissing { .. } => Some("give its key when publishing"),
            PublishProblem::TargetFileMissing { .. } | PublishProblem::TargetFileDiffers { .. } => {
                Some("add the target again from the file clients should get")
            }
            _ => None,
        }
    }
}

impl std::fmt::Display for PublishProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PublishProblem::BelowThreshold {
                role,
                version,
                summary,
                staged,
            } => {
                write!(f, "{role} v{version}: {summary}")?;
                if !staged {
                    f.write_str(" (not staged: its keys changed, so sign it again)")?;
                }
                Ok(())
            }
            PublishProblem::PreviousRootBelowThreshold { version, summary } => {
                write!(
                    f,
                    "root v{version} by the keys of the root it replaces: {summary}"
                )
            }
            PublishProblem::OnlineKeyMissing { role, summary } => write!(f, "{role}: {summary}"),
            PublishProblem::NoMetadata { role } => {
                write!(f, "{role} is delegated but has no metadata")
            }
            PublishProblem::NoRoot => f.write_str("there is no root to publish"),
            PublishProblem::NoCheckableHash { role, path } => {
                write!(
                    f,
                    "{role} lists {path} with no hash chainscope can check first"
                )
            }
            PublishProblem::TargetFileMissing { role, path, stored } => {
                write!(f, "{role} lists {path}, but targets/{stored} is not there")
            }
            PublishProblem::TargetFileDiffers { role, path, stored } => {
                write!(
                    f,
                    "{role} lists {path}, but targets/{stored} has other contents"
                )
            }
        }
    }
}

pub(super) fn list(problems: &[PublishProblem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// What a publish wrote.
#[derive(Debug, Clone)]
pub struct PublishReport {
    pub files: Vec<PathBuf>,
    pub snapshot_version: u64,
    pub timestamp_version: u64,
}

/// Options of a publish.
pub struct PublishOptions {
    pub now: UtcTime,
    /// Keys that sign snapshot and timestamp (each used for the roles it is authorized for).
    pub online_keys: Vec<PrivateKey>,
    pub snapshot_expires: UtcTime,
    pub timestamp_expires: UtcTime,
}

impl TufRepo {
    /// Publishes the staged roles with a new snapshot and timestamp, in an order that keeps the
    /// published repository valid after every single file, and only if every role meets its
    /// threshold and chainscope's client accepts the result.
    pub fn publish(
        &mut self,
        options: &PublishOptions,
        writer: &mut dyn Writer,
    ) -> Result<PublishReport, RepoError> {
        // Every role must be signed well enough, the unchanged ones under their (maybe new) keys.
        let mut problems = Vec::new();
        let states = self.status(options.now)?;
        // Snapshot and timestamp are made anew below.
        for state in states
            .into_iter()
            .filter(|s| s.role != "snapshot" && s.role != "timestamp")
        {
            if !state.report.is_met() {
                problems.push(PublishProblem::BelowThreshold {
                    summary: state.report.summary(),
                    role: state.role,
                    version: state.version,
                    staged: state.staged,
                });
            }
            if let Some(previous) = &state.previous_root
                && !previous.is_met()
            {
                problems.push(PublishProblem::PreviousRootBelowThreshold {
                    version: state.version,
                    summary: previous.summary(),
                });
            }
        }
        let roles = self.roles()?;
        for (role, _) in &roles.order {
            if self.envelope(role).is_none() {
                problems.push(PublishProblem::NoMetadata { role: role.clone() });
            }
        }
        let target_files = self.staged_target_files()?;
        problems.extend(self.check_target_files(&target_files)?);
        if !problems.is_empty() {
            return Err(RepoError::NotReady { problems });
        }
        let root = self.current_root()?;
        let consistent = root.consistent_snapshot.unwrap_or(false);

        // Snapshot and timestamp, signed with the online keys given.
        let mut meta = BTreeMap::new();
        for (role, _) in &roles.order {
            let (_, _, version, _) = self.envelope(role).expect("checked above");
            meta.insert(
                format!("{role}.json"),
                MetaFile {
                    version,
                    length: None,
                    hashes: None,
                    unknown: BTreeMap::new(),
                },
            );
        }
        let snapshot_version = self
            .published
            .snapshot
            .as_ref()
            .map_or(0, |s| s.signed.version)
            + 1;
        let snapshot = Snapshot {
            type_: "snapshot".into(),
            spec_version: SPEC_VERSION.into(),
            version: snapshot_version,
            expires: Expires::new(options.snapshot_expires),
            meta,
            unknown: BTreeMap::new(),
        };
        let snapshot_bytes = self.sign_online(
            "snapshot",
            &root,
            model::to_value(&snapshot),
            &options.online_keys,
        )?;
        let timestamp_version = self
            .published
            .timestamp
            .as_ref()
            .map_or(0, |t| t.signed.version)
            + 1;
        let hashes: HashDict = [(
            "sha256",
            hex_digest("sha256", &snapshot_bytes).unwrap_or_default(),
        )]
        .into();
        let timestamp = Timestamp {
            type_: "timestamp".into(),
            spec_version: SPEC_VERSION.into(),
            version: timestamp_version,
            expires: Expires::new(options.timestamp_expires),
            meta: [(
                "snapshot.json".to_owned(),
                MetaFile {
                    version: snapshot_version,
                    length: Some(snapshot_bytes.len() as u64),
                    hashes: Some(hashes),
                    unknown: BTreeMap::new(),
                },
            )]
            .into(),
            unknown: BTreeMap::new(),
        };
        let timestamp_bytes = self.sign_online(
            "timestamp",
            &root,
            model::to_value(&timestamp),
            &options.online_keys,
        )?;

        // What will be written, in order, with the names clients ask for.
        let metadata = self.metadata_dir();
        let mut plan: Vec<(String, PathBuf, Vec<u8>)> = Vec::new();
        for (role, signed) in &self.staged {
            if role == "root" {
                continue;
            }
            let version = signed.payload()["version"].as_u64().unwrap_or(1);
            let path = files::join_inside(&metadata, &disk_name(role, version, consistent))?;
            plan.push((
                client_name(role, version, consistent),
                path,
                envelope_bytes(signed),
            ));
        }
        if let Some(signed) = self.staged.get("root") {
            let bytes = envelope_bytes(signed);
            let version = root.version;
            plan.push((
                format!("{version}.root.json"),
                metadata.join(format!("{version}.root.json")),
                bytes.clone(),
            ));
            plan.push(("root.json".into(), metadata.join("root.json"), bytes));
        }
        plan.push((
            client_name("snapshot", snapshot_version, consistent),
            files::join_inside(
                &metadata,
                &client_name("snapshot", snapshot_version, consistent),
            )?,
            snapshot_bytes,
        ));
        plan.push((
            "timestamp.json".into(),
            metadata.join("timestamp.json"),
            timestamp_bytes,
        ));

        self.verify_before_publishing(&plan, options.now)?;

        let mut written = Vec::new();
        let targets_dir = self.dir.join("targets");
        for (stored, bytes) in &target_files {
            let path = files::join_inside(&targets_dir, stored)?;
            writer
                .write(&path, bytes)
                .map_err(|source| RepoError::Write {
                    path: path.clone(),
                    source,
                })?;
            written.push(path);
        }
        // Root, snapshot and timestamp each wait for everything before them to be on disk.
        let barrier = |writer: &mut dyn Writer| {
            writer.barrier().map_err(|source| RepoError::Write {
                path: metadata.clone(),
                source,
            })
        };
        let mut previous_kind = "";
        for (name, path, bytes) in &plan {
            let kind = match name.as_str() {
                "root.json" => "root",
                "timestamp.json" => "timestamp",
                _ if name.ends_with(".root.json") => "root",
                _ if name.ends_with(&client_name("snapshot", snapshot_version, consistent)) => {
                    "snapshot"
                }
                _ => "role",
            };
            if kind != previous_kind && kind != "role" {
                barrier(writer)?;
            }
            previous_kind = kind;
            writer
                .write(path, bytes)
                .map_err(|source| RepoError::Write {
                    path: path.clone(),
                    source,
                })?;
            written.push(path.clone());
        }
        barrier(writer)?;
        self.staged.clear();
        self.delegations_changed();
        self.save_staged()?;
        let _ = std::fs::remove_dir_all(self.staged_targets_dir());
        self.published = Published::default();
        self.load_published()?;
        Ok(PublishReport {
            files: written,
            snapshot_version,
            timestamp_version,
        })
    }

    pub(super) fn sign_online(
        &self,
        role: &str,
        root: &Root,
        payload: Value,
        keys: &[PrivateKey],
    ) -> Result<Vec<u8>, RepoError> {
        let entry = &root.roles[role];
        let mut signed = Signed::new(EnvelopeKind::Legacy, payload);
        for key in keys
            .iter()
            .filter(|k| entry.keyids.iter().any(|id| id == k.keyid()))
        {
            signed.sign(key).map_err(|source| RepoError::Sign {
                role: role.to_owned(),
                source,
            })?;
        }
        let bytes = signed
            .bytes_to_sign()
            .map_err(|source| RepoError::NoCanonicalForm {
                role: role.to_owned(),
                source,
            })?;
        let report = check_threshold(
            &RoleKeys {
                keys: &root.keys,
                keyids: &entry.keyids,
            },
            entry.threshold,
            signed.signatures(),
            &bytes,
        );
        if !report.is_met() {
            return Err(RepoError::NotReady {
                problems: vec![PublishProblem::OnlineKeyMissing {
                    role: role.to_owned(),
                    summary: report.summary(),
                }],
            });
        }
        Ok(envelope_bytes(&signed))
    }

    /// chainscope's own client on the repository as it would be, from the root published now.
    pub(super) fn verify_before_publishing(
        &self,
        plan: &[(String, PathBuf, Vec<u8>)],
        now: UtcTime,
    ) -> Result<(), RepoError> {
        let base = FolderTransport {
            metadata: self.metadata_dir(),
            targets: self.dir.join("targets"),
        };
        let overlay = OverlayTransport {
            base: &base,
            metadata: plan
                .iter()
                .map(|(name, _, bytes)| (name.clone(), bytes.clone()))
                .collect(),
        };
        let trusted_root = match &self.published.root {
            Some(_) => std::fs::read(self.metadata_dir().join("1.root.json"))
                .or_else(|_| std::fs::read(self.metadata_dir().join("root.json")))
                .map_err(|e| RepoError::Read {
                    path: "the published root".into(),
                    source: files::ReadError::from(e),
                })?,
            None => plan
                .iter()
                .find(|(name, _, _)| name == "1.root.json")
                .map(|(_, _, bytes)| bytes.clone())
                .ok_or_else(|| RepoError::NotReady {
                    problems: vec![PublishProblem::NoRoot],
                })?,
        };
        let mut trace = Trace::new("publish");
        let outcome = Client::new(
            &overlay,
            ClientConfig::default(),
            now,
            &trusted_root,
            "the published root",
            None,
            &mut trace,
        )
        .and_then(|mut client| {
            client.refresh(&mut trace)?;
            client.load_every_role(&mut trace)
        });
        if outcome.is_err() {
            let why = trace
                .first_failure()
                .map(|(_, c)| match &c.outcome {
                    crate::trace::Outcome::Fail { failure } => {
                        format!("{} ({})", failure.headline(), c.title)
                    }
                    _ => c.title.clone(),
                })
                .unwrap_or_default();
            return Err(RepoError::WouldNotVerify { why });
        }
        Ok(())
    }
}
