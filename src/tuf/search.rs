//! §5.6.7's target search as a state machine, so the client (which loads roles as it goes) and
//! the app (searching metadata already verified) walk the delegations by the same one rule:
//! python-tuf's pre-order depth-first search in priority order, skipping visited roles,
//! stopping at a terminating delegation and after `max_delegations` roles.

use std::collections::{BTreeMap, BTreeSet};

use super::metadata::{TargetFile, Targets};
use super::state::Verified;

#[derive(Debug, Clone)]
pub struct Search {
    path: String,
    max_delegations: usize,
    /// (role, delegator) still to visit, the next one last.
    stack: Vec<(String, String)>,
    visited: BTreeSet<String>,
    order: Vec<String>,
    parent_of: BTreeMap<String, String>,
    /// Terminating delegations that ended the search below them: (delegator, role).
    cut_by: Vec<(String, String)>,
}

impl Search {
    pub fn new(path: &str, max_delegations: usize) -> Search {
        Search {
            path: path.to_owned(),
            max_delegations,
            stack: vec![("targets".to_owned(), "root".to_owned())],
            visited: BTreeSet::new(),
            order: Vec::new(),
            parent_of: BTreeMap::new(),
            cut_by: Vec::new(),
        }
    }

    /// The next (role, delegator) to load and look at; `None` when the search is over.
    pub fn next_role(&mut self) -> Option<(String, String)> {
        while self.visited.len() <= self.max_delegations {
            let (role, delegator) = self.stack.pop()?;
            if !self.visited.contains(&role) {
                return Some((role, delegator));
            }
        }
        None
    }

    /// Looks at the role [`Search::next_role`] returned: the chain from `targets` down to it
    /// when it lists the path, else queues the delegations that cover the path.
    pub fn visit(
        &mut self,
        role: &str,
        delegator: &str,
        metadata: &Targets,
    ) -> Option<Vec<String>> {
        self.order.push(role.to_owned());
        self.parent_of
            .entry(role.to_owned())
            .or_insert(delegator.to_owned());
        if metadata.targets.contains_key(&self.path) {
            let mut chain = vec![role.to_owned()];
            while let Some(parent) = self.parent_of.get(chain.last().map_or("", String::as_str)) {
                if parent == "root" || chain.contains(parent) {
                    break;
                }
                chain.push(parent.clone());
            }
            chain.reverse();
            return Some(chain);
        }
        self.visited.insert(role.to_owned());
        let mut to_visit = Vec::new();
        if let Some(delegations) = &metadata.delegations {
            if let Some(roles) = &delegations.roles {
                for child in roles.iter().filter(|r| r.is_delegated_path(&self.path)) {
                    to_visit.push((child.name.clone(), role.to_owned()));
                    if child.terminating {
                        self.stack.clear();
                        self.cut_by.push((role.to_owned(), child.name.clone()));
                        break;
                    }
                }
            } else if let Some(succinct) = &delegations.succinct_roles {
                // TAP 15: bins are terminating.
                let bin = succinct.role_for_target(&self.path);
                self.stack.clear();
                self.cut_by.push((role.to_owned(), bin.clone()));
                to_visit.push((bin, role.to_owned()));
            }
        }
        to_visit.reverse();
        self.stack.extend(to_visit);
        None
    }

    /// Roles looked at, in order.
    pub fn order(&self) -> &[String] {
        &self.order
    }

    /// The search ended at the cap with roles left to visit.
    pub fn capped(&self) -> bool {
        !self.stack.is_empty()
    }

    pub fn cut_by(&self) -> &[(String, String)] {
        &self.cut_by
    }

    /// Why nothing vouches for the path, once the search is over.
    pub fn why_not_found(&self) -> String {
        if self.capped() {
            format!(
                "the search stopped after {} roles (the cap) with {} left to visit",
                self.order.len(),
                self.stack.len()
            )
        } else if self.order.len() == 1 {
            "targets lists it not, and no delegation of targets covers it".to_owned()
        } else {
            "no role on a delegation path that covers it lists it".to_owned()
        }
    }
}

/// The outcome of a search over metadata already verified.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchResult {
    pub path: String,
    /// The role that lists the path, its entry, and the chain from `targets` down to it.
    pub found: Option<(String, TargetFile, Vec<String>)>,
    pub order: Vec<String>,
    pub cut_by: Vec<(String, String)>,
    /// A role the search had to look at but the client never verified: (role, delegator).
    pub unverified: Option<(String, String)>,
    /// Why nothing vouches for the path, when nothing does.
    pub why_not: Option<String>,
    /// A verified role the search had to read again but could not (it changed on disk).
    pub unreadable: Option<String>,
}

/// Searches `verified` (every role loaded, as `tuf verify` without `--target` does).
pub fn search_verified(verified: &Verified, path: &str, max_delegations: usize) -> SearchResult {
    let mut search = Search::new(path, max_delegations);
    let mut result = SearchResult {
        path: path.to_owned(),
        found: None,
        order: Vec::new(),
        cut_by: Vec::new(),
        unverified: None,
        why_not: None,
        unreadable: None,
    };
    while let Some((role, delegator)) = search.next_role() {
        if !verified.roles.contains_key(&role) {
            result.why_not = Some(format!(
                "{role} (delegated by {delegator}) did not verify, so the search cannot go on"
            ));
            result.unverified = Some((role, delegator));
            break;
        }
        let metadata = match verified.role(&role) {
            Ok(metadata) => metadata,
            Err(error) => {
                result.why_not = Some(crate::report::chain(&error));
                result.unreadable = Some(role);
                break;
            }
        };
        if let Some(chain) = search.visit(&role, &delegator, &metadata.signed) {
            result.found = Some((role, metadata.signed.targets[path].clone(), chain));
            break;
        }
    }
    if result.found.is_none() && result.why_not.is_none() {
        result.why_not = Some(search.why_not_found());
    }
    result.order = search.order().to_vec();
    result.cut_by = search.cut_by().to_vec();
    result
}
