//! Which role delegates which, with what keys and threshold, and where each stands.

use super::*;

impl RoleState {
    pub fn ready(&self) -> bool {
        self.report.is_met()
            && self
                .previous_root
                .as_ref()
                .is_none_or(ThresholdReport::is_met)
    }
}

impl TufRepo {
    /// Every targets role reachable from `targets` in the repository as it will be published,
    /// in pre-order, and how each is delegated.
    pub(super) fn roles(&self) -> Result<std::sync::Arc<RoleIndex>, RepoError> {
        if let Some(index) = self.index.borrow().as_ref() {
            return Ok(index.clone());
        }
        let order = self.walk_roles();
        let by_name = order.iter().cloned().collect();
        let index = std::sync::Arc::new(RoleIndex { order, by_name });
        *self.index.borrow_mut() = Some(index.clone());
        Ok(index)
    }

    pub(super) fn changed(&mut self, role: &str) {
        self.dirty.insert(role.to_owned());
    }

    /// The delegations changed: the role index is worked out again when next needed.
    pub(super) fn delegations_changed(&mut self) {
        *self.index.borrow_mut() = None;
    }

    pub(super) fn walk_roles(&self) -> Vec<(String, Delegator)> {
        let mut out = vec![("targets".to_owned(), Delegator::Root)];
        let mut seen: BTreeSet<String> = ["targets".to_owned()].into();
        let mut index = 0;
        while index < out.len() {
            let role = out[index].0.clone();
            index += 1;
            let Ok(targets) = self.current_targets(&role) else {
                continue;
            };
            let Some(delegations) = &targets.delegations else {
                continue;
            };
            let children: Vec<(String, Delegator)> =
                match (&delegations.roles, &delegations.succinct_roles) {
                    (Some(roles), _) => roles
                        .iter()
                        .enumerate()
                        .map(|(i, r)| {
                            (
                                r.name.clone(),
                                Delegator::Listed {
                                    delegator: role.clone(),
                                    index: i,
                                },
                            )
                        })
                        .collect(),
                    (None, Some(succinct)) => succinct
                        .bin_names()
                        .map(|name| {
                            (
                                name,
                                Delegator::Bin {
                                    delegator: role.clone(),
                                },
                            )
                        })
                        .collect(),
                    _ => Vec::new(),
                };
            for child in children {
                if seen.insert(child.0.clone()) {
                    out.push(child);
                }
            }
        }
        out
    }

    pub(super) fn delegator_of(&self, role: &str) -> Result<Delegator, RepoError> {
        if TOP_LEVEL_ROLES.contains(&role) {
            return Ok(Delegator::Root);
        }
        self.roles()?
            .by_name
            .get(role)
            .cloned()
            .ok_or_else(|| RepoError::UnknownRole(role.to_owned()))
    }

    /// Keys, keyids and threshold that authorize `role` now.
    pub(super) fn authority(&self, role: &str) -> Result<(Keys, Vec<String>, u64), RepoError> {
        self.authority_in(role, &self.current_root()?, &mut HashMap::new())
    }

    /// [`TufRepo::authority`] with root and the delegators already parsed (`parents` fills
    /// up as it goes): one parse of a delegator for all its bins.
    pub(super) fn authority_in(
        &self,
        role: &str,
        root: &Root,
        parents: &mut HashMap<String, Targets>,
    ) -> Result<(Keys, Vec<String>, u64), RepoError> {
        let delegator = self.delegator_of(role)?;
        let parent_name = match &delegator {
            Delegator::Root => {
                let entry = root
                    .roles
                    .get(role)
                    .ok_or_else(|| RepoError::UnknownRole(role.to_owned()))?;
                return Ok((root.keys.clone(), entry.keyids.clone(), entry.threshold));
            }
            Delegator::Listed { delegator, .. } | Delegator::Bin { delegator } => delegator,
        };
        if !parents.contains_key(parent_name) {
            parents.insert(parent_name.clone(), self.current_targets(parent_name)?);
        }
        let delegations = parents[parent_name]
            .delegations
            .as_ref()
            .ok_or_else(|| RepoError::UnknownRole(role.to_owned()))?;
        match delegator {
            Delegator::Listed { index, .. } => {
                let entry = delegations
                    .roles
                    .as_ref()
                    .and_then(|roles| roles.get(index))
                    .ok_or_else(|| RepoError::UnknownRole(role.to_owned()))?;
                Ok((
                    delegations.keys.clone(),
                    entry.keyids.clone(),
                    entry.threshold,
                ))
            }
            _ => {
                let succinct = delegations
                    .succinct_roles
                    .as_ref()
                    .ok_or_else(|| RepoError::UnknownRole(role.to_owned()))?;
                Ok((
                    delegations.keys.clone(),
                    succinct.keyids.clone(),
                    succinct.threshold,
                ))
            }
        }
    }

    /// The role a new target goes to: the deepest one reached by following, from `targets`,
    /// the first delegation that covers the path at each level (a succinct bin, a hash prefix,
    /// a path pattern).
    pub fn responsible_role(&self, path: &str) -> Result<String, RepoError> {
        let mut role = "targets".to_owned();
        let mut visited = BTreeSet::new();
        while visited.insert(role.clone()) {
            let targets = self.current_targets(&role)?;
            let Some(delegations) = &targets.delegations else {
                break;
            };
            let next = match (&delegations.roles, &delegations.succinct_roles) {
                (Some(roles), _) => roles
                    .iter()
                    .find(|r| r.is_delegated_path(path))
                    .map(|r| r.name.clone()),
                (None, Some(succinct)) => Some(succinct.role_for_target(path)),
                _ => None,
            };
            match next {
                Some(next) => role = next,
                None => break,
            }
        }
        Ok(role)
    }

    /// Per role: "k of n", who still has to sign, what expires.
    pub fn status(&self, now: UtcTime) -> Result<Vec<RoleState>, RepoError> {
        let mut names = vec![
            "root".to_owned(),
            "timestamp".to_owned(),
            "snapshot".to_owned(),
        ];
        names.extend(self.roles()?.order.iter().map(|(n, _)| n.clone()));
        let mut states = Vec::new();
        let root = self.current_root()?;
        let mut parents = HashMap::new();
        for role in names {
            let Some((signatures, bytes, version, expires)) = self.envelope(&role) else {
                continue;
            };
            let (keys, keyids, threshold) = self.authority_in(&role, &root, &mut parents)?;
            let report = check_threshold(
                &RoleKeys {
                    keys: &keys,
                    keyids: &keyids,
                },
                threshold,
                &signatures,
                &bytes,
            );
            let previous_root = match (
                role.as_str(),
                self.staged.contains_key("root"),
                self.published_root(),
            ) {
                ("root", true, Some(previous)) => {
                    let entry = &previous.roles["root"];
                    Some(check_threshold(
                        &RoleKeys {
                            keys: &previous.keys,
                            keyids: &entry.keyids,
                        },
                        entry.threshold,
                        &signatures,
                        &bytes,
                    ))
                }
                _ => None,
            };
            states.push(RoleState {
                keys: keyids
                    .iter()
                    .filter_map(|id| keys.get(id))
                    .cloned()
                    .collect(),
                staged: self.staged.contains_key(&role),
                role,
                version,
                expires_in_days: (expires.time().unix() - now.unix()) / DAY,
                expires: expires.to_string(),
                report,
                previous_root,
            });
        }
        Ok(states)
    }
}
