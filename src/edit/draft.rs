//! A layout drafted from the links of a real run: steps in the order their artifacts flow,
//! functionaries from who signed, MATCH rules where one step used what another produced (equal
//! hashes), CREATE, MODIFY and DELETE from what each step changed, every list ending in
//! `DISALLOW *`. A starting point to review, not a policy to sign unread.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::layout::{LayoutAction, LayoutDocument};
use crate::crypto::PublicKey;
use crate::crypto::signed::EnvelopeKind;
use crate::intoto::layout::{HashDict, Link};
use crate::intoto::rule::{ArtifactKind, ArtifactRule, MatchRule};
use crate::time::UtcTime;
use crate::trace::RuleList;

/// One recorded link and who signed it.
#[derive(Debug, Clone)]
pub struct SignedLink {
    pub link: Link,
    /// Keyids of the signatures on it.
    pub signers: Vec<String>,
}

/// The draft and what the user should know about it.
#[derive(Debug)]
pub struct Draft {
    pub document: LayoutDocument,
    pub notes: Vec<String>,
}

fn artifacts(list: Option<&BTreeMap<String, HashDict>>) -> BTreeMap<&str, &HashDict> {
    list.into_iter()
        .flatten()
        .map(|(path, hashes)| (path.as_str(), hashes))
        .collect()
}

/// What a step made: products it created or changed (a file it only passed through is not
/// its product in the sense of provenance).
fn made(link: &Link) -> BTreeMap<&str, &HashDict> {
    let materials = artifacts(link.materials.as_ref());
    artifacts(link.products.as_ref())
        .into_iter()
        .filter(|(path, hashes)| materials.get(path) != Some(hashes))
        .collect()
}

/// Steps ordered so that each comes after the steps whose products it used; ties by name.
fn order(steps: &BTreeMap<String, &Link>) -> (Vec<String>, bool) {
    let mut after: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (name, link) in steps {
        let materials = artifacts(link.materials.as_ref());
        let mut sources = BTreeSet::new();
        for (other, other_link) in steps {
            if other == name {
                continue;
            }
            let products = made(other_link);
            if materials
                .iter()
                .any(|(path, hashes)| products.get(path) == Some(hashes))
            {
                sources.insert(other.as_str());
            }
        }
        after.insert(name.as_str(), sources);
    }
    let mut ordered: Vec<String> = Vec::new();
    let mut placed: BTreeSet<&str> = BTreeSet::new();
    while placed.len() < after.len() {
        let ready = after
            .iter()
            .find(|(name, sources)| {
                !placed.contains(*name) && sources.iter().all(|s| placed.contains(s))
            })
            .map(|(name, _)| *name);
        match ready {
            Some(name) => {
                placed.insert(name);
                ordered.push(name.to_owned());
            }
            None => {
                // A cycle: the rest in name order.
                for name in after.keys() {
                    if placed.insert(name) {
                        ordered.push((*name).to_owned());
                    }
                }
                return (ordered, true);
            }
        }
    }
    (ordered, false)
}

fn rule(owner: &str, list: RuleList, rule: ArtifactRule) -> LayoutAction {
    LayoutAction::AddRule {
        owner: owner.to_owned(),
        list,
        rule,
        at: None,
    }
}

/// Drafts a layout from `links`, with `keys` for the functionaries it knows.
pub fn draft(links: &[SignedLink], keys: &[PublicKey], expires: UtcTime) -> Draft {
    let mut notes = Vec::new();
    // Built directly: a step can record thousands of artifacts, and the document's undo
    // history would copy the layout for each rule.
    let mut layout = LayoutDocument::new(expires, EnvelopeKind::Legacy)
        .layout()
        .clone();
    // One link per step decides the rules (they must agree anyway); every signer is a
    // functionary.
    let mut by_step: BTreeMap<String, &Link> = BTreeMap::new();
    let mut signers: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for signed in links {
        if signed.signers.is_empty() {
            notes.push(format!(
                "the link of {} is not signed (an inspection's record?): left out",
                signed.link.name
            ));
            continue;
        }
        by_step
            .entry(signed.link.name.clone())
            .or_insert(&signed.link);
        signers
            .entry(signed.link.name.clone())
            .or_default()
            .extend(signed.signers.iter().cloned());
    }
    let (ordered, cyclic) = order(&by_step);
    if cyclic {
        notes.push(
            "the steps use each other's products in a circle; they are listed by name".to_owned(),
        );
    }
    let known: BTreeMap<&str, &PublicKey> = keys.iter().map(|k| (k.keyid(), k)).collect();
    let mut actions = Vec::new();
    for name in &ordered {
        actions.push(LayoutAction::AddStep {
            name: name.clone(),
            at: None,
        });
        actions.push(LayoutAction::SetExpectedCommand {
            step: name.clone(),
            command: by_step[name].command().to_vec(),
        });
        for keyid in &signers[name] {
            match known.get(keyid.as_str()) {
                Some(key) => actions.push(LayoutAction::AddFunctionary {
                    step: name.clone(),
                    key: (*key).clone(),
                }),
                None => notes.push(format!(
                    "step {name} was signed by {keyid}, whose public key was not given: add it before signing the layout"
                )),
            }
        }
    }
    for (position, name) in ordered.iter().enumerate() {
        let link = by_step[name];
        let materials = artifacts(link.materials.as_ref());
        let products = artifacts(link.products.as_ref());
        // Materials: from the nearest earlier step that produced them (equal hashes), else
        // allowed as inputs from outside the chain, or deleted.
        let mut from: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        let mut outside: Vec<&str> = Vec::new();
        for (path, hashes) in &materials {
            let producer = ordered[..position]
                .iter()
                .rev()
                .find(|earlier| made(by_step[*earlier]).get(path) == Some(hashes));
            match producer {
                Some(step) => from.entry(step.as_str()).or_default().push(path),
                None => outside.push(path),
            }
        }
        for (step, paths) in &from {
            let all = made(by_step[*step]).len() == paths.len();
            let patterns: Vec<&str> = if all { vec!["*"] } else { paths.clone() };
            for pattern in patterns {
                actions.push(rule(
                    name,
                    RuleList::ExpectedMaterials,
                    ArtifactRule::Match(MatchRule {
                        pattern: pattern.to_owned(),
                        source_prefix: None,
                        kind: ArtifactKind::Products,
                        destination_prefix: None,
                        step: (*step).to_owned(),
                    }),
                ));
            }
        }
        for path in outside {
            let kept = products.contains_key(path);
            actions.push(rule(
                name,
                RuleList::ExpectedMaterials,
                if kept {
                    ArtifactRule::Allow(path.to_owned())
                } else {
                    ArtifactRule::Delete(path.to_owned())
                },
            ));
        }
        actions.push(rule(
            name,
            RuleList::ExpectedMaterials,
            ArtifactRule::Disallow("*".into()),
        ));
        for (path, hashes) in &products {
            let product_rule = match materials.get(path) {
                None => ArtifactRule::Create((*path).to_owned()),
                Some(before) if before != hashes => ArtifactRule::Modify((*path).to_owned()),
                Some(_) => ArtifactRule::Allow((*path).to_owned()),
            };
            actions.push(rule(name, RuleList::ExpectedProducts, product_rule));
        }
        actions.push(rule(
            name,
            RuleList::ExpectedProducts,
            ArtifactRule::Disallow("*".into()),
        ));
    }
    for action in actions {
        // The actions are built to fit; one that did not would only be reported.
        let shown = format!("{action:?}");
        if let Err(error) = super::layout::apply_to(&mut layout, action) {
            notes.push(format!("left out {shown}: {error}"));
        }
    }
    Draft {
        document: LayoutDocument::from_layout(layout, EnvelopeKind::Legacy),
        notes,
    }
}

/// Every `*.link` file of `folder`, with who signed it: what [`draft`] is given.
pub fn read_links(folder: &Path) -> Result<Vec<SignedLink>, String> {
    use crate::intoto::{Document, Payload};
    let entries =
        std::fs::read_dir(folder).map_err(|e| format!("cannot read {}: {e}", folder.display()))?;
    let mut paths: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "link"))
        .collect();
    paths.sort();
    let mut links = Vec::new();
    for path in paths {
        let bytes = crate::files::read_bounded(&path, crate::intoto::verify::MAX_LINK_BYTES)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let document = Document::from_bytes(&bytes)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if let Payload::Link(link) = document.payload.clone() {
            links.push(SignedLink {
                link: *link,
                signers: document
                    .envelope
                    .signatures()
                    .iter()
                    .map(|s| s.keyid.clone())
                    .collect(),
            });
        }
    }
    if links.is_empty() {
        return Err(format!("no .link files in {}", folder.display()));
    }
    Ok(links)
}

/// A draft from the links in `folder`, with the `.pub` keys beside them as the signers' keys.
pub fn draft_from_folder(folder: &Path, expires: UtcTime) -> Result<Draft, String> {
    let links = read_links(folder)?;
    let mut keys = Vec::new();
    if let Ok(entries) = std::fs::read_dir(folder) {
        let mut pubs: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "pub"))
            .collect();
        pubs.sort();
        for path in pubs {
            if let Ok(file) = crate::crypto::keyfile::read_key_file(&path, None) {
                keys.push(file.public().clone());
            }
        }
    }
    Ok(draft(&links, &keys, expires))
}
