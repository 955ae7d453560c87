//! The TUF editor's jobs, run on a worker with the repository handed over and back: each
//! is one call of the core editor ([`TufRepo`]), the same calls `chainscope tuf repo` makes,
//! saved as a draft at once.

use std::path::{Path, PathBuf};

use super::key_names::KeyNames;
use super::panels::tuf_editor::PublishConfirm;
use super::{KeyChoice, TufEditorCommand};
use crate::edit::tuf::{DelegateRequest, DelegationScope, PublishOptions, RoleState, TufRepo};
use crate::time::UtcTime;

/// What a job did besides its message.
pub struct TufOutcome {
    pub result: Result<String, String>,
    /// A role diff asked for: (role, lines).
    pub diff: Option<(String, Vec<String>)>,
    /// The staged-vs-published changes a publish asks the user about first.
    pub publish_confirm: Option<PublishConfirm>,
}

impl From<Result<String, String>> for TufOutcome {
    fn from(result: Result<String, String>) -> TufOutcome {
        TufOutcome {
            result,
            diff: None,
            publish_confirm: None,
        }
    }
}

/// A job back from its worker.
pub struct TufJobDone {
    pub repo: Option<TufRepo>,
    pub status: Vec<RoleState>,
    pub outcome: TufOutcome,
    /// The keys root lists (for every top-level role, also those not staged or published
    /// yet): with the roles' own keys, what the key pickers offer.
    pub root_keys: Vec<crate::crypto::PublicKey>,
    /// Key files beside a repository just opened: its keys are called after them.
    pub key_files: Vec<crate::workspace::KeyFileName>,
    /// The key file a signature was asked with (the signing dialog closes on success).
    pub signing_with: Option<PathBuf>,
}

/// What the editor says while the job runs.
pub fn doing(command: &TufEditorCommand) -> String {
    use crate::shown::Shown;
    match command {
        TufEditorCommand::Open(dir) => format!("opening {}…", Shown(&dir.display().to_string())),
        TufEditorCommand::AddTarget { path, .. } => format!("adding {}…", Shown(path)),
        TufEditorCommand::Sign { role, .. } => format!("signing {}…", Shown(role)),
        TufEditorCommand::Publish { .. } => {
            "publishing: signing snapshot and timestamp, writing the files…".into()
        }
        TufEditorCommand::AskPublish => {
            "comparing staged with published, looking for the online keys…".into()
        }
        TufEditorCommand::Delegate { name, .. } => format!("delegating to {}…", Shown(name)),
        TufEditorCommand::Diff { role } => format!("comparing {}…", Shown(role)),
        _ => "saving the change…".into(),
    }
}

/// The public key a choice names (a file is read).
fn public(choice: &KeyChoice) -> Result<crate::crypto::PublicKey, String> {
    match choice {
        KeyChoice::Known(key) => Ok(key.clone()),
        KeyChoice::File(path) => {
            crate::crypto::read_public_key(path).map_err(|e| crate::report::with_hint(&e))
        }
    }
}

/// The private keys for the online roles (snapshot and timestamp) among the recently used
/// keys and those kept beside the repository: (files found, roles none was found for).
fn online_keys(repo: &TufRepo, recent: &[PathBuf]) -> (Vec<PathBuf>, Vec<String>) {
    let root = repo.current_root().ok();
    let folders = crate::workspace::repository_key_folders(repo.dir());
    let files = crate::workspace::signing_key_files(recent, &folders);
    let mut found: Vec<PathBuf> = Vec::new();
    let mut unmatched = Vec::new();
    for role in ["snapshot", "timestamp"] {
        // Root names the online keys (snapshot and timestamp exist only once published).
        let keyids: Vec<&str> = root
            .as_ref()
            .and_then(|root| root.roles.get(role))
            .map(|entry| entry.keyids.iter().map(String::as_str).collect())
            .unwrap_or_default();
        match files
            .iter()
            .find(|file| file.keyid.as_deref().is_some_and(|id| keyids.contains(&id)))
        {
            Some(file) if !found.contains(&file.path) => found.push(file.path.clone()),
            Some(_) => {}
            None => unmatched.push(role.to_owned()),
        }
    }
    (found, unmatched)
}

fn private(
    path: &Path,
    passphrase: Option<&crate::crypto::Passphrase>,
) -> Result<crate::crypto::PrivateKey, String> {
    crate::crypto::keyfile::read_private_key(
        path,
        passphrase.map(crate::crypto::Passphrase::expose),
    )
    .map_err(|e| crate::report::with_hint(&e))
}

/// Runs one command on the repository (opening replaces it only when the new one opens).
pub fn run(
    command: TufEditorCommand,
    repo: &mut Option<TufRepo>,
    now: UtcTime,
    key_names: &KeyNames,
    recent_keys: &[PathBuf],
) -> TufOutcome {
    let hinted = |e: crate::edit::tuf::RepoError| crate::report::with_hint(&e);
    if let TufEditorCommand::Open(dir) = &command {
        return match TufRepo::open(dir) {
            Ok(opened) => {
                *repo = Some(opened);
                Ok(format!("Editing {}.", dir.display()))
            }
            Err(e) => Err(hinted(e)),
        }
        .into();
    }
    let Some(repo) = repo.as_mut() else {
        return Err("open a repository first".to_owned()).into();
    };
    let result: Result<String, String> = match command {
        TufEditorCommand::AddTarget { file, path, role } => repo
            .add_target(&file, &path, role.as_deref(), None)
            .and_then(|role| repo.save_staged().map(|()| role))
            .map(|role| format!("{path} added to {role} (staged: sign {role}, then publish)."))
            .map_err(hinted),
        TufEditorCommand::Sign {
            role,
            key_file,
            passphrase,
        } => private(&key_file, passphrase.as_ref()).and_then(|key| {
            repo.sign(&role, &key)
                .and_then(|report| repo.save_staged().map(|()| report))
                .map(|report| format!("{role} {}.", key_names.in_text(&report.summary())))
                .map_err(hinted)
        }),
        TufEditorCommand::AddKey { role, key } => public(&key).and_then(|key| {
            repo.add_key(&role, &key)
                .and_then(|()| repo.save_staged())
                .map(|()| {
                    format!(
                        "{} may now sign {role} (staged).",
                        key_names.label(key.keyid())
                    )
                })
                .map_err(hinted)
        }),
        TufEditorCommand::RemoveKey { role, keyid } => repo
            .remove_key(&role, &keyid)
            .and_then(|()| repo.save_staged())
            .map(|()| {
                format!(
                    "{} may no longer sign {role} (staged).",
                    key_names.label(&keyid)
                )
            })
            .map_err(hinted),
        TufEditorCommand::SetThreshold { role, threshold } => repo
            .set_threshold(&role, threshold)
            .and_then(|()| repo.save_staged())
            .map(|()| format!("{role} now needs {threshold} signatures (staged)."))
            .map_err(hinted),
        TufEditorCommand::SetExpiry { role, expires } => {
            match UtcTime::parse_metadata(expires.trim()) {
                Ok(at) => repo
                    .set_expiry(&role, at)
                    .and_then(|()| repo.save_staged())
                    .map(|()| format!("{role} expires {} (staged).", expires.trim()))
                    .map_err(hinted),
                Err(e) => Err(crate::report::with_hint(&e)),
            }
        }
        TufEditorCommand::Delegate {
            delegator,
            name,
            keys,
            threshold,
            paths,
            prefixes,
            terminating,
            bins,
        } => {
            let keys: Result<Vec<_>, String> = keys.iter().map(public).collect();
            let scope = match bins {
                Some(bit_length) => DelegationScope::SuccinctBins { bit_length },
                None if !prefixes.is_empty() => DelegationScope::HashPrefixes(prefixes),
                None => DelegationScope::Paths(paths),
            };
            keys.and_then(|keys| {
                let request = DelegateRequest {
                    delegator,
                    name,
                    keys,
                    threshold,
                    scope,
                    terminating,
                    expires: UtcTime::from_unix(now.unix() + 365 * 24 * 60 * 60),
                };
                repo.apply_delegation(&request)
                    .and_then(|bins| repo.save_staged().map(|()| bins))
                    .map(|bins| format!("{} (staged).", request.done(bins)))
                    .map_err(hinted)
            })
        }
        TufEditorCommand::ExportBytes { role, path } => {
            repo.bytes_to_sign(&role).map_err(hinted).and_then(|bytes| {
                crate::files::write_atomic(&path, &bytes)
                    .map(|()| {
                        format!(
                            "Wrote the {} bytes of {role} to sign to {}.",
                            bytes.len(),
                            path.display()
                        )
                    })
                    .map_err(|e| format!("{}: {e}", path.display()))
            })
        }
        TufEditorCommand::ImportSignature {
            role,
            signature_file,
            key_file,
        } => {
            let key = public(&KeyChoice::File(key_file));
            let signature = crate::files::read_bounded(&signature_file, 1_000_000)
                .map_err(|e| format!("{}: {e}", signature_file.display()));
            key.and_then(|key| signature.map(|signature| (key, signature)))
                .and_then(|(key, signature)| {
                    repo.import_signature(&role, &key, &signature)
                        .and_then(|report| repo.save_staged().map(|()| report))
                        .map(|report| format!("{role}: signature imported, {}.", report.summary()))
                        .map_err(|e| format!("Signature refused: {e}"))
                })
        }
        TufEditorCommand::Diff { role } => {
            let staged = repo.staged_file(&role);
            let published = repo
                .latest_version(&role)
                .and_then(|v| repo.published_file(&role, v).ok());
            return match (published, staged) {
                (Some(old), Some(new)) => match crate::edit::tuf::diff_roles(&old, &new) {
                    Ok(lines) => TufOutcome {
                        result: Ok(format!("What the staged {role} changes.")),
                        diff: Some((role, lines)),
                        publish_confirm: None,
                    },
                    Err(e) => Err(hinted(e)).into(),
                },
                (None, Some(_)) => Err(format!(
                    "{role} was never published: everything in it is new"
                ))
                .into(),
                (_, None) => Err(format!("{role} has no staged changes")).into(),
            };
        }
        TufEditorCommand::AskPublish => {
            return match repo.staged_changes() {
                Ok(changes) => {
                    let (online_keys, unmatched) = online_keys(repo, recent_keys);
                    TufOutcome {
                        result: Ok(String::new()),
                        diff: None,
                        publish_confirm: Some(PublishConfirm {
                            changes,
                            online_keys,
                            unmatched,
                            other_key: String::new(),
                        }),
                    }
                }
                Err(e) => Err(hinted(e)).into(),
            };
        }
        TufEditorCommand::Publish { online_keys } => {
            let keys: Result<Vec<_>, String> =
                online_keys.iter().map(|path| private(path, None)).collect();
            keys.and_then(|online_keys| {
                let day = 24 * 60 * 60;
                let options = PublishOptions {
                    now,
                    online_keys,
                    snapshot_expires: UtcTime::from_unix(now.unix() + 7 * day),
                    timestamp_expires: UtcTime::from_unix(now.unix() + day),
                };
                repo.publish(&options, &mut crate::edit::tuf::AtomicWriter::default())
                    .map(|report| {
                        format!(
                            "Published {} files: snapshot v{}, timestamp v{}.",
                            report.files.len(),
                            report.snapshot_version,
                            report.timestamp_version
                        )
                    })
                    .map_err(|e| format!("Not published: {e}"))
            })
        }
        // Opened above; the others are answered on the UI thread and never come here.
        TufEditorCommand::Open(_)
        | TufEditorCommand::BrowseForTarget
        | TufEditorCommand::CancelPublish
        | TufEditorCommand::ConfirmPublish => Err("not an edit of the repository".into()),
    };
    result.into()
}
