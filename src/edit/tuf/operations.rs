//! The edits: creating a repository, targets, delegations (paths, prefixes, bins), keys,
//! thresholds and expiry, each staged with its version bumped once.

use super::*;

/// What a delegation hands over (TUF 1.0.34 §2.1.2 "paths" or "path_hash_prefixes"; TAP 15
/// succinct hash bins; or hash bins listed one by one, as PEP 458 had them before TAP 15).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DelegationScope {
    Paths(Vec<String>),
    HashPrefixes(Vec<String>),
    SuccinctBins { bit_length: u32 },
    HashedBins { bit_length: u32 },
}

/// One delegation, as the CLI and the app ask for it.
#[derive(Debug, Clone, PartialEq)]
pub struct DelegateRequest {
    pub delegator: String,
    /// The new role's name, or the bins' name prefix.
    pub name: String,
    pub keys: Vec<PublicKey>,
    pub threshold: u64,
    pub scope: DelegationScope,
    /// Ignored for bins (TAP 15 bins never terminate a search on their own).
    pub terminating: bool,
    /// The new roles' expiry.
    pub expires: UtcTime,
}

impl DelegateRequest {
    /// What the delegation did, in words, given how many bins it made.
    pub fn done(&self, bins: u64) -> String {
        let DelegateRequest {
            delegator, name, ..
        } = self;
        match &self.scope {
            DelegationScope::Paths(paths) => {
                format!("{delegator} delegates {} to {name}", paths.join(", "))
            }
            DelegationScope::HashPrefixes(prefixes) => format!(
                "{delegator} delegates hash prefixes {} to {name}",
                prefixes.join(", ")
            ),
            DelegationScope::SuccinctBins { .. } | DelegationScope::HashedBins { .. } => {
                format!("{delegator} delegates to {bins} bins named {name}-…")
            }
        }
    }
}

pub(super) fn empty_delegations() -> Delegations {
    Delegations {
        keys: BTreeMap::new(),
        roles: Some(Vec::new()),
        succinct_roles: None,
        unknown: BTreeMap::new(),
    }
}

/// Removes keys no role uses any more.
pub(super) fn prune_keys<'a>(
    keys: &mut BTreeMap<String, PublicKey>,
    used: impl Iterator<Item = &'a String>,
) {
    let used: BTreeSet<&String> = used.collect();
    keys.retain(|id, _| used.contains(id));
}

impl TufRepo {
    /// Stages root (bumping its version the first time) and applies `edit`.
    pub(super) fn stage_root(
        &mut self,
        edit: impl FnOnce(&mut Root) -> Result<(), RepoError>,
    ) -> Result<(), RepoError> {
        let mut root = match self.staged.get("root") {
            Some(signed) => typed("root", signed.payload())?,
            None => {
                let mut root = self.current_root()?;
                root.version += 1;
                root
            }
        };
        edit(&mut root)?;
        let envelope = json!({"signed": model::to_value(&root), "signatures": []});
        Metadata::<Root>::from_value(&envelope).map_err(|source| RepoError::WouldBeInvalid {
            role: "root".into(),
            source,
        })?;
        self.put_staged("root", model::to_value(&root));
        Ok(())
    }

    /// Stages a targets role (bumping its version the first time) and applies `edit`.
    pub(super) fn stage_targets(
        &mut self,
        role: &str,
        edit: impl FnOnce(&mut Targets) -> Result<(), RepoError>,
    ) -> Result<(), RepoError> {
        let mut targets = match self.staged.get(role) {
            Some(signed) => typed(role, signed.payload())?,
            None => {
                let mut targets = self.current_targets(role)?;
                targets.version += 1;
                targets
            }
        };
        let delegations_before = targets.delegations.clone();
        edit(&mut targets)?;
        if targets.delegations != delegations_before {
            self.delegations_changed();
        }
        let envelope = json!({"signed": model::to_value(&targets), "signatures": []});
        Metadata::<Targets>::from_value(&envelope).map_err(|source| RepoError::WouldBeInvalid {
            role: role.to_owned(),
            source,
        })?;
        self.put_staged(role, model::to_value(&targets));
        Ok(())
    }

    pub(super) fn new_targets(expires: UtcTime) -> Targets {
        Targets {
            type_: "targets".into(),
            spec_version: SPEC_VERSION.into(),
            version: 1,
            expires: Expires::new(expires),
            targets: BTreeMap::new(),
            delegations: None,
            unknown: BTreeMap::new(),
        }
    }

    /// A new repository: root (with these keys and thresholds) and an empty targets role,
    /// staged for signing. Snapshot and timestamp come at the first publish.
    pub fn init(
        dir: &Path,
        keys: &BTreeMap<&str, (Vec<PublicKey>, u64)>,
        consistent_snapshot: bool,
        expires: UtcTime,
    ) -> Result<TufRepo, RepoError> {
        let mut repo = TufRepo::open(dir)?;
        if repo.published.root.is_some() || repo.staged.contains_key("root") {
            return Err(RepoError::AlreadyARepository {
                dir: dir.to_path_buf(),
            });
        }
        let mut root_keys = BTreeMap::new();
        let mut roles = BTreeMap::new();
        for role in TOP_LEVEL_ROLES {
            let (role_keys, threshold) =
                keys.get(role)
                    .cloned()
                    .ok_or_else(|| RepoError::NoKeysFor {
                        role: role.to_string(),
                    })?;
            if role_keys.is_empty() {
                return Err(RepoError::NoKeysFor {
                    role: role.to_string(),
                });
            }
            roles.insert(
                role.to_owned(),
                Role {
                    keyids: role_keys.iter().map(|k| k.keyid().to_owned()).collect(),
                    threshold,
                    unknown: BTreeMap::new(),
                },
            );
            for key in role_keys {
                root_keys.insert(key.keyid().to_owned(), key);
            }
        }
        let root = Root {
            type_: "root".into(),
            spec_version: SPEC_VERSION.into(),
            version: 1,
            expires: Expires::new(expires),
            consistent_snapshot: Some(consistent_snapshot),
            keys: root_keys,
            roles,
            unknown: BTreeMap::new(),
        };
        let envelope = json!({"signed": model::to_value(&root), "signatures": []});
        Metadata::<Root>::from_value(&envelope).map_err(|source| RepoError::WouldBeInvalid {
            role: "root".into(),
            source,
        })?;
        repo.put_staged("root", model::to_value(&root));
        repo.put_staged("targets", model::to_value(&TufRepo::new_targets(expires)));
        Ok(repo)
    }

    /// Adds (or replaces) a target: hashes the file, copies it where clients fetch it, and lists
    /// it in `role` (default: [`TufRepo::responsible_role`]).
    pub fn add_target(
        &mut self,
        file: &Path,
        target_path: &str,
        role: Option<&str>,
        custom: Option<Value>,
    ) -> Result<String, RepoError> {
        files::check_relative(target_path)?;
        let role = match role {
            Some(role) => role.to_owned(),
            None => self.responsible_role(target_path)?,
        };
        let delegator = self.delegator_of(&role)?;
        if let Delegator::Listed { delegator, index } = &delegator {
            let parent = self.current_targets(delegator)?;
            let entry = &parent.delegations.and_then(|d| d.roles).unwrap_or_default()[*index];
            if !entry.is_delegated_path(target_path) {
                return Err(RepoError::NotTrustedForPath {
                    role: role.to_string(),
                    path: target_path.to_owned(),
                });
            }
        }
        // Staged, not published: without consistent snapshots the published copy is the one
        // clients check against the published metadata until the publish. The file is hashed
        // as it is copied, so a target of any size is never held in memory.
        let staged = self.staged_targets_dir();
        std::fs::create_dir_all(&staged).map_err(|source| RepoError::Write {
            path: staged.clone(),
            source,
        })?;
        let (copy, sha256, length) =
            files::copy_hashing(file, &staged).map_err(|e| RepoError::Read {
                path: file.display().to_string(),
                source: e,
            })?;
        let info = TargetFile {
            length,
            hashes: [("sha256", sha256.as_str())].into(),
            custom,
            unknown: BTreeMap::new(),
        };
        let stored = stored_target_name(target_path, &sha256, self.consistent());
        let destination = files::join_inside(&staged, &stored)?;
        if let Some(parent) = destination.parent() {
            std::fs::create_dir_all(parent).map_err(|source| RepoError::Write {
                path: parent.to_owned(),
                source,
            })?;
        }
        files::give_mode(copy.as_file(), &destination).map_err(|source| RepoError::Write {
            path: destination.clone(),
            source,
        })?;
        copy.persist(&destination).map_err(|e| RepoError::Write {
            path: destination.clone(),
            source: e.error,
        })?;
        let path = target_path.to_owned();
        self.stage_targets(&role, |targets| {
            targets.targets.insert(path, info);
            Ok(())
        })?;
        Ok(role)
    }

    pub fn remove_target(
        &mut self,
        target_path: &str,
        role: Option<&str>,
    ) -> Result<String, RepoError> {
        let role = match role {
            Some(role) => role.to_owned(),
            None => {
                let lists = |name: &str| {
                    self.current_targets(name)
                        .is_ok_and(|t| t.targets.contains_key(target_path))
                };
                // Where add-target puts it, else wherever it was listed by hand.
                let expected = self.responsible_role(target_path)?;
                if lists(&expected) {
                    expected
                } else {
                    self.roles()?
                        .order
                        .iter()
                        .map(|(name, _)| name.clone())
                        .find(|name| lists(name))
                        .ok_or_else(|| RepoError::NoRoleListsTarget {
                            path: target_path.to_owned(),
                        })?
                }
            }
        };
        let (path, name) = (target_path.to_owned(), role.clone());
        self.stage_targets(&role, |targets| {
            targets
                .targets
                .remove(&path)
                .map(|_| ())
                .ok_or_else(|| RepoError::NotListed {
                    role: name.clone(),
                    path: path.clone(),
                })
        })?;
        Ok(role)
    }

    pub(super) fn check_new_role_name(&self, name: &str) -> Result<(), RepoError> {
        files::check_relative(name)?;
        if TOP_LEVEL_ROLES.contains(&name) || self.roles()?.by_name.contains_key(name) {
            return Err(RepoError::RoleExists {
                name: name.to_owned(),
            });
        }
        Ok(())
    }

    /// Applies a delegation as the request describes it: the one entry point the CLI and the
    /// app use. Returns how many bins were delegated (0 for a single role).
    pub fn apply_delegation(&mut self, request: &DelegateRequest) -> Result<u64, RepoError> {
        let DelegateRequest {
            delegator,
            name,
            keys,
            threshold,
            scope,
            terminating,
            expires,
        } = request;
        match scope {
            DelegationScope::Paths(paths) => self
                .delegate(
                    delegator,
                    name,
                    keys,
                    *threshold,
                    Some(paths.clone()),
                    None,
                    *terminating,
                    *expires,
                )
                .map(|()| 0),
            DelegationScope::HashPrefixes(prefixes) => self
                .delegate(
                    delegator,
                    name,
                    keys,
                    *threshold,
                    None,
                    Some(prefixes.clone()),
                    *terminating,
                    *expires,
                )
                .map(|()| 0),
            DelegationScope::SuccinctBins { bit_length } => {
                self.delegate_bins(delegator, *bit_length, name, keys, *threshold, *expires)
            }
            DelegationScope::HashedBins { bit_length } => {
                self.delegate_hashed_bins(delegator, *bit_length, name, keys, *threshold, *expires)
            }
        }
    }

    /// Delegates `paths` (or hash prefixes) from `delegator` to a new role `name`, trusted with
    /// `keys` and `threshold`; the new role starts empty.
    #[allow(clippy::too_many_arguments)]
    pub fn delegate(
        &mut self,
        delegator: &str,
        name: &str,
        keys: &[PublicKey],
        threshold: u64,
        paths: Option<Vec<String>>,
        prefixes: Option<Vec<String>>,
        terminating: bool,
        expires: UtcTime,
    ) -> Result<(), RepoError> {
        self.check_new_role_name(name)?;
        let role = DelegatedRole {
            name: name.to_owned(),
            keyids: keys.iter().map(|k| k.keyid().to_owned()).collect(),
            threshold,
            terminating,
            paths,
            path_hash_prefixes: prefixes,
            unknown: BTreeMap::new(),
        };
        let keys = keys.to_vec();
        self.stage_targets(delegator, |targets| {
            let delegations = targets.delegations.get_or_insert_with(empty_delegations);
            if delegations.succinct_roles.is_some() {
                return Err(RepoError::DelegatesToBins {
                    role: delegator.to_owned(),
                });
            }
            for key in keys {
                delegations.keys.insert(key.keyid().to_owned(), key);
            }
            delegations.roles.get_or_insert_with(Vec::new).push(role);
            Ok(())
        })?;
        self.put_staged(name, model::to_value(&TufRepo::new_targets(expires)));
        Ok(())
    }

    /// Delegates everything `delegator` is trusted for to 2^`bit_length` succinct bins
    /// (TAP 15), every bin created empty.
    pub fn delegate_bins(
        &mut self,
        delegator: &str,
        bit_length: u32,
        name_prefix: &str,
        keys: &[PublicKey],
        threshold: u64,
        expires: UtcTime,
    ) -> Result<u64, RepoError> {
        let succinct = SuccinctRoles {
            keyids: keys.iter().map(|k| k.keyid().to_owned()).collect(),
            threshold,
            bit_length,
            name_prefix: name_prefix.to_owned(),
            unknown: BTreeMap::new(),
        };
        let names: Vec<String> = succinct.bin_names().collect();
        for name in &names {
            self.check_new_role_name(name)?;
        }
        let keys = keys.to_vec();
        self.stage_targets(delegator, |targets| {
            let delegations = targets.delegations.get_or_insert_with(empty_delegations);
            if delegations.roles.as_ref().is_some_and(|r| !r.is_empty()) {
                return Err(RepoError::ListsRoles {
                    role: delegator.to_owned(),
                });
            }
            delegations.roles = None;
            for key in keys {
                delegations.keys.insert(key.keyid().to_owned(), key);
            }
            delegations.succinct_roles = Some(succinct);
            Ok(())
        })?;
        let empty = model::to_value(&TufRepo::new_targets(expires));
        for name in &names {
            self.put_staged(name, empty.clone());
        }
        Ok(names.len() as u64)
    }

    /// Delegates `delegator`'s targets to 2^`bit_length` listed roles by the sha256 of their
    /// paths (the classic "hashed bins" of the TUF examples): bin *i* is trusted for its share of
    /// the hex prefixes of `ceil(bit_length / 4)` digits and named `{name_prefix}-{first}-{last}`
    /// (or `{name_prefix}-{prefix}` when it has one prefix). Every bin is created empty.
    #[allow(clippy::too_many_arguments)]
    pub fn delegate_hashed_bins(
        &mut self,
        delegator: &str,
        bit_length: u32,
        name_prefix: &str,
        keys: &[PublicKey],
        threshold: u64,
        expires: UtcTime,
    ) -> Result<u64, RepoError> {
        if !(1..=16).contains(&bit_length) {
            return Err(RepoError::BitLength { bits: bit_length });
        }
        let digits = bit_length.div_ceil(4) as usize;
        let prefixes_per_bin = 1u64 << (4 * digits as u32 - bit_length);
        let bins = 1u64 << bit_length;
        let roles: Vec<DelegatedRole> = (0..bins)
            .map(|bin| {
                let prefixes: Vec<String> = (bin * prefixes_per_bin..(bin + 1) * prefixes_per_bin)
                    .map(|p| format!("{p:0digits$x}"))
                    .collect();
                let name = match prefixes.as_slice() {
                    [only] => format!("{name_prefix}-{only}"),
                    [first, .., last] => format!("{name_prefix}-{first}-{last}"),
                    [] => unreachable!("every bin has at least one prefix"),
                };
                DelegatedRole {
                    name,
                    keyids: keys.iter().map(|k| k.keyid().to_owned()).collect(),
                    threshold,
                    terminating: true,
                    paths: None,
                    path_hash_prefixes: Some(prefixes),
                    unknown: BTreeMap::new(),
                }
            })
            .collect();
        for role in &roles {
            self.check_new_role_name(&role.name)?;
        }
        let names: Vec<String> = roles.iter().map(|r| r.name.clone()).collect();
        let keys = keys.to_vec();
        self.stage_targets(delegator, |targets| {
            let delegations = targets.delegations.get_or_insert_with(empty_delegations);
            if delegations.succinct_roles.is_some() {
                return Err(RepoError::DelegatesToBins {
                    role: delegator.to_owned(),
                });
            }
            for key in keys {
                delegations.keys.insert(key.keyid().to_owned(), key);
            }
            delegations.roles.get_or_insert_with(Vec::new).extend(roles);
            Ok(())
        })?;
        let empty = model::to_value(&TufRepo::new_targets(expires));
        for name in &names {
            self.put_staged(name, empty.clone());
        }
        Ok(bins)
    }

    /// Changes the keys or threshold of `role` where it is delegated (root for the top-level
    /// roles, the delegator for the others).
    pub(super) fn edit_authority(
        &mut self,
        role: &str,
        edit: impl FnOnce(
            &mut Vec<String>,
            &mut u64,
            &mut BTreeMap<String, PublicKey>,
        ) -> Result<(), RepoError>,
    ) -> Result<(), RepoError> {
        match self.delegator_of(role)? {
            Delegator::Root => {
                let role = role.to_owned();
                self.stage_root(|root| {
                    let entry = root
                        .roles
                        .get_mut(&role)
                        .ok_or_else(|| RepoError::UnknownRole(role.clone()))?;
                    let (mut keyids, mut threshold) = (entry.keyids.clone(), entry.threshold);
                    edit(&mut keyids, &mut threshold, &mut root.keys)?;
                    let entry = root.roles.get_mut(&role).expect("checked above");
                    entry.keyids = keyids;
                    entry.threshold = threshold;
                    prune_keys(
                        &mut root.keys,
                        root.roles.values().flat_map(|r| r.keyids.iter()),
                    );
                    Ok(())
                })
            }
            Delegator::Listed { delegator, index } => self.stage_targets(&delegator, |targets| {
                let delegations = targets.delegations.get_or_insert_with(empty_delegations);
                let roles = delegations.roles.get_or_insert_with(Vec::new);
                let entry = &mut roles[index];
                edit(
                    &mut entry.keyids,
                    &mut entry.threshold,
                    &mut delegations.keys,
                )?;
                let used: Vec<String> = roles.iter().flat_map(|r| r.keyids.clone()).collect();
                prune_keys(&mut delegations.keys, used.iter());
                Ok(())
            }),
            Delegator::Bin { delegator } => self.stage_targets(&delegator, |targets| {
                let delegations = targets.delegations.get_or_insert_with(empty_delegations);
                let succinct =
                    delegations
                        .succinct_roles
                        .as_mut()
                        .ok_or_else(|| RepoError::NoBins {
                            role: role.to_owned(),
                        })?;
                edit(
                    &mut succinct.keyids,
                    &mut succinct.threshold,
                    &mut delegations.keys,
                )?;
                let used = succinct.keyids.clone();
                prune_keys(&mut delegations.keys, used.iter());
                Ok(())
            }),
        }
    }

    pub fn add_key(&mut self, role: &str, key: &PublicKey) -> Result<(), RepoError> {
        let key = key.clone();
        self.edit_authority(role, |keyids, _, keys| {
            if keyids.contains(&key.keyid().to_owned()) {
                return Err(RepoError::KeyAlreadySigns {
                    role: role.to_owned(),
                    keyid: key.keyid().to_owned(),
                });
            }
            keyids.push(key.keyid().to_owned());
            keys.insert(key.keyid().to_owned(), key);
            Ok(())
        })
    }

    pub fn remove_key(&mut self, role: &str, keyid: &str) -> Result<(), RepoError> {
        let keyid = keyid.to_owned();
        self.edit_authority(role, |keyids, threshold, _| {
            let before = keyids.len();
            keyids.retain(|k| *k != keyid);
            if keyids.len() == before {
                return Err(RepoError::KeyDoesNotSign {
                    role: role.to_owned(),
                    keyid: keyid.to_owned(),
                });
            }
            if (keyids.len() as u64) < *threshold {
                return Err(RepoError::ThresholdOutOfReach {
                    role: role.to_owned(),
                    keys_left: keyids.len(),
                    threshold: *threshold,
                });
            }
            Ok(())
        })
    }

    pub fn set_threshold(&mut self, role: &str, threshold: u64) -> Result<(), RepoError> {
        self.edit_authority(role, |keyids, current, _| {
            if threshold == 0 || threshold > keyids.len() as u64 {
                return Err(RepoError::BadThreshold {
                    role: role.to_owned(),
                    threshold,
                    keys: keyids.len(),
                });
            }
            *current = threshold;
            Ok(())
        })
    }

    pub fn set_expiry(&mut self, role: &str, expires: UtcTime) -> Result<(), RepoError> {
        match role {
            "root" => self.stage_root(|root| {
                root.expires = Expires::new(expires);
                Ok(())
            }),
            "snapshot" | "timestamp" => Err(RepoError::MadeAtPublish {
                role: role.to_owned(),
            }),
            _ => self.stage_targets(role, |targets| {
                targets.expires = Expires::new(expires);
                Ok(())
            }),
        }
    }

    /// Makes sure `role` is staged (bumping its version), for signing.
    pub(super) fn ensure_staged(&mut self, role: &str) -> Result<(), RepoError> {
        if self.staged.contains_key(role) {
            return Ok(());
        }
        match role {
            "root" => self.stage_root(|_| Ok(())),
            "snapshot" | "timestamp" => Err(RepoError::SignedAtPublish {
                role: role.to_owned(),
            }),
            _ => self.stage_targets(role, |_| Ok(())),
        }
    }
}
