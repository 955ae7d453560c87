//! A layout being edited: every field changed through [`LayoutAction`] values, each applied
//! whole or not at all, with undo and redo, and signed through [`Signed`].

use std::collections::BTreeMap;

use serde_json::Value;

use super::history::History;
use crate::crypto::envelope::Envelope;
use crate::crypto::signed::{EnvelopeKind, ImportError, SignReport, Signed};
use crate::crypto::{PrivateKey, PublicKey, SignError};
use crate::intoto::document::{Document, DocumentError, Payload};
use crate::intoto::layout::{Inspection, Layout, RuleEntry, Step};
use crate::intoto::rule::ArtifactRule;
use crate::model::{self, Expires, FieldError};
use crate::time::UtcTime;
use crate::trace::RuleList;

/// Undo steps kept.
pub const HISTORY_LIMIT: usize = 200;

/// One change to a layout.
#[derive(Debug, Clone, PartialEq)]
pub enum LayoutAction {
    SetExpires(UtcTime),
    SetReadme(String),
    /// Adds (or replaces) a key in the layout's key list.
    AddKey(PublicKey),
    /// Removes a key from the layout and from every step that lists it.
    RemoveKey(String),
    /// A new step with threshold 1 and no rules, at `at` (default: the end).
    AddStep {
        name: String,
        at: Option<usize>,
    },
    RemoveStep(String),
    /// Renames a step and every `MATCH … FROM` that names it.
    RenameStep {
        from: String,
        to: String,
    },
    MoveStep {
        name: String,
        to: usize,
    },
    SetThreshold {
        step: String,
        threshold: u64,
    },
    /// Authorizes `key` for `step`, adding it to the layout's keys if needed.
    AddFunctionary {
        step: String,
        key: PublicKey,
    },
    RemoveFunctionary {
        step: String,
        keyid: String,
    },
    SetExpectedCommand {
        step: String,
        command: Vec<String>,
    },
    AddInspection {
        name: String,
        at: Option<usize>,
    },
    RemoveInspection(String),
    RenameInspection {
        from: String,
        to: String,
    },
    MoveInspection {
        name: String,
        to: usize,
    },
    SetRun {
        inspection: String,
        run: Vec<String>,
    },
    /// Adds a rule to a step's or inspection's list, at `at` (default: the end).
    AddRule {
        owner: String,
        list: RuleList,
        rule: ArtifactRule,
        at: Option<usize>,
    },
    EditRule {
        owner: String,
        list: RuleList,
        index: usize,
        rule: ArtifactRule,
    },
    RemoveRule {
        owner: String,
        list: RuleList,
        index: usize,
    },
    MoveRule {
        owner: String,
        list: RuleList,
        from: usize,
        to: usize,
    },
}

/// Why an action was refused (the document is unchanged).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("there is no step named \"{0}\"")]
    UnknownStep(String),
    #[error("there is no inspection named \"{0}\"")]
    UnknownInspection(String),
    #[error("there is no step or inspection named \"{0}\"")]
    UnknownOwner(String),
    #[error("the layout has no key {0}")]
    UnknownKey(String),
    #[error("\"{0}\" is already the name of a step or inspection; names must be unique")]
    DuplicateName(String),
    #[error("a name cannot be empty")]
    EmptyName,
    #[error("{what} {index} is out of range (there are {len})")]
    OutOfRange {
        what: &'static str,
        index: usize,
        len: usize,
    },
    #[error("a threshold must be at least 1")]
    ZeroThreshold,
    #[error("key {keyid} is already a functionary of step \"{step}\"")]
    AlreadyFunctionary { step: String, keyid: String },
    #[error("key {keyid} is not a functionary of step \"{step}\"")]
    NotFunctionary { step: String, keyid: String },
    #[error("the edited layout would be invalid")]
    Invalid(#[from] FieldError),
}

impl crate::report::Hint for EditError {}

/// The layout document: the typed layout, its envelope and signatures, and its history.
#[derive(Debug, Clone)]
pub struct LayoutDocument {
    layout: Layout,
    signed: Signed,
    history: History<Layout>,
    revision: u64,
}

/// Revisions are unique across documents, so a cached answer keyed by one is never confused
/// with another document's.
static REVISIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

fn next_revision() -> u64 {
    REVISIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

fn new_step(name: &str) -> Step {
    Step {
        type_: Some("step".to_owned()),
        name: name.to_owned(),
        threshold: Some(1),
        expected_materials: Some(Vec::new()),
        expected_products: Some(Vec::new()),
        pubkeys: Some(Vec::new()),
        expected_command: Some(Vec::new()),
        unknown: BTreeMap::new(),
    }
}

fn new_inspection(name: &str) -> Inspection {
    Inspection {
        type_: Some("inspection".to_owned()),
        name: name.to_owned(),
        expected_materials: Some(Vec::new()),
        expected_products: Some(Vec::new()),
        run: Some(Vec::new()),
        unknown: BTreeMap::new(),
    }
}

/// in-toto lists a layout's keys as dicts that carry their own `keyid` (its loader refuses
/// them otherwise); a key imported from a PEM file gets that field.
fn as_layout_key(key: PublicKey) -> PublicKey {
    if key.to_dict().get("keyid").is_some() {
        return key;
    }
    let mut dict = key.to_dict().clone();
    if let Some(object) = dict.as_object_mut() {
        object.insert("keyid".to_owned(), Value::String(key.keyid().to_owned()));
    }
    PublicKey::from_dict(key.keyid(), &dict).unwrap_or(key)
}

/// Moves `items[from]` to `to`.
fn move_item<T>(
    items: &mut Vec<T>,
    from: usize,
    to: usize,
    what: &'static str,
) -> Result<(), EditError> {
    let len = items.len();
    for index in [from, to] {
        if index >= len {
            return Err(EditError::OutOfRange { what, index, len });
        }
    }
    let item = items.remove(from);
    items.insert(to, item);
    Ok(())
}

fn names_taken(layout: &Layout, name: &str) -> bool {
    layout.steps().iter().any(|s| s.name == name)
        || layout.inspections().iter().any(|i| i.name == name)
}

fn rules_mut<'l>(
    layout: &'l mut Layout,
    owner: &str,
    list: RuleList,
) -> Result<&'l mut Vec<RuleEntry>, EditError> {
    let pick = |materials: &'l mut Option<Vec<RuleEntry>>,
                products: &'l mut Option<Vec<RuleEntry>>| match list {
        RuleList::ExpectedMaterials => materials.get_or_insert_with(Vec::new),
        RuleList::ExpectedProducts => products.get_or_insert_with(Vec::new),
    };
    if let Some(step) = layout.steps.iter_mut().flatten().find(|s| s.name == owner) {
        return Ok(pick(
            &mut step.expected_materials,
            &mut step.expected_products,
        ));
    }
    if let Some(inspection) = layout
        .inspect
        .iter_mut()
        .flatten()
        .find(|i| i.name == owner)
    {
        return Ok(pick(
            &mut inspection.expected_materials,
            &mut inspection.expected_products,
        ));
    }
    Err(EditError::UnknownOwner(owner.to_owned()))
}

fn step_mut<'l>(layout: &'l mut Layout, name: &str) -> Result<&'l mut Step, EditError> {
    layout
        .steps
        .iter_mut()
        .flatten()
        .find(|s| s.name == name)
        .ok_or_else(|| EditError::UnknownStep(name.to_owned()))
}

fn inspection_mut<'l>(layout: &'l mut Layout, name: &str) -> Result<&'l mut Inspection, EditError> {
    layout
        .inspect
        .iter_mut()
        .flatten()
        .find(|i| i.name == name)
        .ok_or_else(|| EditError::UnknownInspection(name.to_owned()))
}

fn checked_name(layout: &Layout, name: &str) -> Result<(), EditError> {
    if name.is_empty() {
        return Err(EditError::EmptyName);
    }
    if names_taken(layout, name) {
        return Err(EditError::DuplicateName(name.to_owned()));
    }
    Ok(())
}

/// Applies `action` to `layout` in place; on error `layout` may be half changed, so callers
/// work on a copy.
pub(super) fn apply_to(layout: &mut Layout, action: LayoutAction) -> Result<(), EditError> {
    match action {
        LayoutAction::SetExpires(time) => layout.expires = Some(Expires::new(time)),
        LayoutAction::SetReadme(text) => layout.readme = Some(text),
        LayoutAction::AddKey(key) => {
            let key = as_layout_key(key);
            layout
                .keys
                .get_or_insert_with(BTreeMap::new)
                .insert(key.keyid().to_owned(), key);
        }
        LayoutAction::RemoveKey(keyid) => {
            if layout
                .keys
                .as_mut()
                .and_then(|k| k.remove(&keyid))
                .is_none()
            {
                return Err(EditError::UnknownKey(keyid));
            }
            for step in layout.steps.iter_mut().flatten() {
                if let Some(pubkeys) = &mut step.pubkeys {
                    pubkeys.retain(|k| *k != keyid);
                }
            }
        }
        LayoutAction::AddStep { name, at } => {
            checked_name(layout, &name)?;
            let steps = layout.steps.get_or_insert_with(Vec::new);
            let at = at.unwrap_or(steps.len());
            if at > steps.len() {
                return Err(EditError::OutOfRange {
                    what: "position",
                    index: at,
                    len: steps.len(),
                });
            }
            steps.insert(at, new_step(&name));
        }
        LayoutAction::RemoveStep(name) => {
            let steps = layout.steps.get_or_insert_with(Vec::new);
            let before = steps.len();
            steps.retain(|s| s.name != name);
            if steps.len() == before {
                return Err(EditError::UnknownStep(name));
            }
        }
        LayoutAction::RenameStep { from, to } => {
            checked_name(layout, &to)?;
            step_mut(layout, &from)?.name = to.clone();
            rename_match_sources(layout, &from, &to);
        }
        LayoutAction::MoveStep { name, to } => {
            let steps = layout.steps.get_or_insert_with(Vec::new);
            let from = steps
                .iter()
                .position(|s| s.name == name)
                .ok_or(EditError::UnknownStep(name))?;
            move_item(steps, from, to, "position")?;
        }
        LayoutAction::SetThreshold { step, threshold } => {
            if threshold == 0 {
                return Err(EditError::ZeroThreshold);
            }
            step_mut(layout, &step)?.threshold = Some(threshold);
        }
        LayoutAction::AddFunctionary { step, key } => {
            let key = as_layout_key(key);
            let keyid = key.keyid().to_owned();
            let target = step_mut(layout, &step)?;
            let pubkeys = target.pubkeys.get_or_insert_with(Vec::new);
            if pubkeys.contains(&keyid) {
                return Err(EditError::AlreadyFunctionary { step, keyid });
            }
            pubkeys.push(keyid.clone());
            layout
                .keys
                .get_or_insert_with(BTreeMap::new)
                .entry(keyid)
                .or_insert(key);
        }
        LayoutAction::RemoveFunctionary { step, keyid } => {
            let target = step_mut(layout, &step)?;
            let pubkeys = target.pubkeys.get_or_insert_with(Vec::new);
            let before = pubkeys.len();
            pubkeys.retain(|k| *k != keyid);
            if pubkeys.len() == before {
                return Err(EditError::NotFunctionary { step, keyid });
            }
        }
        LayoutAction::SetExpectedCommand { step, command } => {
            step_mut(layout, &step)?.expected_command = Some(command);
        }
        LayoutAction::AddInspection { name, at } => {
            checked_name(layout, &name)?;
            let inspections = layout.inspect.get_or_insert_with(Vec::new);
            let at = at.unwrap_or(inspections.len());
            if at > inspections.len() {
                return Err(EditError::OutOfRange {
                    what: "position",
                    index: at,
                    len: inspections.len(),
                });
            }
            inspections.insert(at, new_inspection(&name));
        }
        LayoutAction::RemoveInspection(name) => {
            let inspections = layout.inspect.get_or_insert_with(Vec::new);
            let before = inspections.len();
            inspections.retain(|i| i.name != name);
            if inspections.len() == before {
                return Err(EditError::UnknownInspection(name));
            }
        }
        LayoutAction::RenameInspection { from, to } => {
            checked_name(layout, &to)?;
            inspection_mut(layout, &from)?.name = to.clone();
            rename_match_sources(layout, &from, &to);
        }
        LayoutAction::MoveInspection { name, to } => {
            let inspections = layout.inspect.get_or_insert_with(Vec::new);
            let from = inspections
                .iter()
                .position(|i| i.name == name)
                .ok_or(EditError::UnknownInspection(name))?;
            move_item(inspections, from, to, "position")?;
        }
        LayoutAction::SetRun { inspection, run } => {
            inspection_mut(layout, &inspection)?.run = Some(run);
        }
        LayoutAction::AddRule {
            owner,
            list,
            rule,
            at,
        } => {
            let rules = rules_mut(layout, &owner, list)?;
            let at = at.unwrap_or(rules.len());
            if at > rules.len() {
                return Err(EditError::OutOfRange {
                    what: "rule position",
                    index: at,
                    len: rules.len(),
                });
            }
            rules.insert(at, RuleEntry::new(rule));
        }
        LayoutAction::EditRule {
            owner,
            list,
            index,
            rule,
        } => {
            let rules = rules_mut(layout, &owner, list)?;
            let len = rules.len();
            let slot = rules.get_mut(index).ok_or(EditError::OutOfRange {
                what: "rule",
                index,
                len,
            })?;
            *slot = RuleEntry::new(rule);
        }
        LayoutAction::RemoveRule { owner, list, index } => {
            let rules = rules_mut(layout, &owner, list)?;
            if index >= rules.len() {
                return Err(EditError::OutOfRange {
                    what: "rule",
                    index,
                    len: rules.len(),
                });
            }
            rules.remove(index);
        }
        LayoutAction::MoveRule {
            owner,
            list,
            from,
            to,
        } => {
            let rules = rules_mut(layout, &owner, list)?;
            move_item(rules, from, to, "rule")?;
        }
    }
    layout.validate()?;
    Ok(())
}

/// Points every `MATCH … FROM from` at `to`.
fn rename_match_sources(layout: &mut Layout, from: &str, to: &str) {
    let lists = layout
        .steps
        .iter_mut()
        .flatten()
        .flat_map(|s| [&mut s.expected_materials, &mut s.expected_products])
        .chain(
            layout
                .inspect
                .iter_mut()
                .flatten()
                .flat_map(|i| [&mut i.expected_materials, &mut i.expected_products]),
        );
    for list in lists {
        for entry in list.iter_mut().flatten() {
            if let ArtifactRule::Match(m) = &entry.rule
                && m.step == from
            {
                let mut renamed = m.clone();
                renamed.step = to.to_owned();
                *entry = RuleEntry::new(ArtifactRule::Match(renamed));
            }
        }
    }
}

/// Why a file cannot be edited as a layout.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    #[error(transparent)]
    Document(#[from] DocumentError),
    #[error("the file is an in-toto {0}, not a layout")]
    NotALayout(&'static str),
}

impl crate::report::Hint for OpenError {
    fn hint(&self) -> Option<String> {
        match self {
            OpenError::NotALayout(_) => Some("open the layout the links were made for; links and statements are opened for reading with chainscope inspect".into()),
            OpenError::Document(_) => None,
        }
    }
}

impl LayoutDocument {
    /// An empty layout expiring at `expires`, unsigned.
    pub fn new(expires: UtcTime, kind: EnvelopeKind) -> LayoutDocument {
        let layout = Layout {
            type_: "layout".to_owned(),
            expires: Some(Expires::new(expires)),
            readme: Some(String::new()),
            keys: Some(BTreeMap::new()),
            steps: Some(Vec::new()),
            inspect: Some(Vec::new()),
            unknown: BTreeMap::new(),
        };
        LayoutDocument {
            signed: Signed::new(kind, model::to_value(&layout)),
            layout,
            history: History::new(HISTORY_LIMIT),
            revision: next_revision(),
        }
    }

    /// An unsigned document holding `layout`.
    pub fn from_layout(layout: Layout, kind: EnvelopeKind) -> LayoutDocument {
        LayoutDocument {
            signed: Signed::new(kind, model::to_value(&layout)),
            layout,
            history: History::new(HISTORY_LIMIT),
            revision: next_revision(),
        }
    }

    /// Opens a layout file (legacy or DSSE) with its signatures.
    pub fn from_bytes(bytes: &[u8]) -> Result<LayoutDocument, OpenError> {
        let document = Document::from_bytes(bytes)?;
        let Payload::Layout(layout) = &document.payload else {
            return Err(OpenError::NotALayout(document.payload.kind()));
        };
        let (kind, dsse_payload) = match &document.envelope {
            Envelope::Legacy { .. } => (EnvelopeKind::Legacy, None),
            Envelope::Dsse { payload, .. } => (EnvelopeKind::Dsse, Some(payload.clone())),
        };
        let signed = Signed::loaded(
            kind,
            document.raw().clone(),
            dsse_payload,
            document.envelope.signatures().to_vec(),
            document.signed_bytes().to_vec(),
        );
        Ok(LayoutDocument {
            layout: (**layout).clone(),
            signed,
            history: History::new(HISTORY_LIMIT),
            revision: next_revision(),
        })
    }

    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    pub fn signed(&self) -> &Signed {
        &self.signed
    }

    /// Changes on every edit, undo, redo, signature or envelope switch (and differs between
    /// documents): equal revisions mean equal bytes.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Applies one change, or refuses it and changes nothing.
    pub fn apply(&mut self, action: LayoutAction) -> Result<(), EditError> {
        let mut edited = self.layout.clone();
        apply_to(&mut edited, action)?;
        let before = std::mem::replace(&mut self.layout, edited);
        self.history.record(before);
        self.sync();
        Ok(())
    }

    fn sync(&mut self) {
        self.signed.set_payload(model::to_value(&self.layout));
        self.revision = next_revision();
    }

    /// Goes back one change; `false` when there is none.
    pub fn undo(&mut self) -> bool {
        let current = self.layout.clone();
        match self.history.undo(current) {
            Ok(previous) => {
                self.layout = previous;
                self.sync();
                true
            }
            Err(_) => false,
        }
    }

    pub fn redo(&mut self) -> bool {
        let current = self.layout.clone();
        match self.history.redo(current) {
            Ok(next) => {
                self.layout = next;
                self.sync();
                true
            }
            Err(_) => false,
        }
    }

    pub fn can_undo(&self) -> bool {
        self.history.can_undo()
    }

    pub fn can_redo(&self) -> bool {
        self.history.can_redo()
    }

    /// The exact bytes a signature must cover now (for signing offline).
    pub fn bytes_to_sign(&self) -> Result<Vec<u8>, crate::cjson::CanonicalError> {
        self.signed.bytes_to_sign()
    }

    pub fn sign(&mut self, key: &PrivateKey) -> Result<SignReport, SignError> {
        self.revision = next_revision();
        self.signed.sign(key)
    }

    pub fn import_signature(
        &mut self,
        key: &PublicKey,
        signature: &[u8],
    ) -> Result<SignReport, ImportError> {
        self.revision = next_revision();
        self.signed.import_signature(key, signature)
    }

    /// Switches between a legacy envelope and DSSE (signatures are dropped: they covered the
    /// other encoding).
    pub fn set_envelope(&mut self, kind: EnvelopeKind) {
        if kind != self.signed.kind {
            self.signed = Signed::new(kind, model::to_value(&self.layout));
            self.revision = next_revision();
        }
    }

    /// The file as it would be written.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.signed.to_bytes()
    }

    /// The layout as JSON (what the signatures cover, before canonical encoding).
    pub fn payload(&self) -> &Value {
        self.signed.payload()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::intoto::rule::MatchRule;

    fn document() -> LayoutDocument {
        LayoutDocument::new(
            UtcTime::parse_metadata("2031-01-01T00:00:00Z").unwrap(),
            EnvelopeKind::Legacy,
        )
    }

    #[test]
    fn the_revision_moves_with_every_change_and_differs_between_documents() {
        let mut doc = document();
        let other = document();
        assert_ne!(doc.revision(), other.revision());
        let mut seen = vec![doc.revision()];
        let mut changed = |doc: &LayoutDocument| {
            assert!(!seen.contains(&doc.revision()), "a new revision");
            seen.push(doc.revision());
        };
        doc.apply(LayoutAction::SetReadme("r".into())).unwrap();
        changed(&doc);
        assert!(doc.undo());
        changed(&doc);
        assert!(doc.redo());
        changed(&doc);
        doc.sign(&crate::crypto::PrivateKey::ed25519_from_seed(&[7; 32]))
            .unwrap();
        changed(&doc);
        doc.set_envelope(EnvelopeKind::Dsse);
        changed(&doc);
        let copy = doc.clone();
        assert_eq!(
            copy.revision(),
            doc.revision(),
            "a copy holds the same bytes"
        );
        assert_eq!(copy.to_bytes(), doc.to_bytes());
    }

    #[test]
    fn actions_apply_whole_or_not_at_all() {
        let mut doc = document();
        let alice = PrivateKey::ed25519_from_seed(&[1; 32]);
        doc.apply(LayoutAction::AddStep {
            name: "build".into(),
            at: None,
        })
        .unwrap();
        doc.apply(LayoutAction::AddFunctionary {
            step: "build".into(),
            key: alice.public().clone(),
        })
        .unwrap();
        assert!(doc.layout().keys().contains_key(alice.keyid()));
        let before = doc.to_bytes();
        for bad in [
            LayoutAction::AddStep {
                name: "build".into(),
                at: None,
            },
            LayoutAction::SetThreshold {
                step: "build".into(),
                threshold: 0,
            },
            LayoutAction::SetThreshold {
                step: "nope".into(),
                threshold: 2,
            },
            LayoutAction::RemoveRule {
                owner: "build".into(),
                list: RuleList::ExpectedProducts,
                index: 0,
            },
            LayoutAction::AddFunctionary {
                step: "build".into(),
                key: alice.public().clone(),
            },
        ] {
            assert!(doc.apply(bad.clone()).is_err(), "{bad:?}");
            assert_eq!(
                doc.to_bytes(),
                before,
                "{bad:?} left the document unchanged"
            );
        }
    }

    #[test]
    fn undo_and_redo_restore_exact_documents() {
        let mut doc = document();
        let states = vec![doc.to_bytes()];
        let mut states = states;
        for action in [
            LayoutAction::AddStep {
                name: "create".into(),
                at: None,
            },
            LayoutAction::AddStep {
                name: "build".into(),
                at: None,
            },
            LayoutAction::AddRule {
                owner: "build".into(),
                list: RuleList::ExpectedMaterials,
                rule: ArtifactRule::Match(MatchRule {
                    pattern: "*".into(),
                    source_prefix: None,
                    kind: crate::intoto::rule::ArtifactKind::Products,
                    destination_prefix: None,
                    step: "create".into(),
                }),
                at: None,
            },
            LayoutAction::RenameStep {
                from: "create".into(),
                to: "write".into(),
            },
        ] {
            doc.apply(action).unwrap();
            states.push(doc.to_bytes());
        }
        let written: Value = serde_json::from_slice(&doc.to_bytes()).unwrap();
        assert_eq!(
            written["signed"]["steps"][1]["expected_materials"][0][5], "write",
            "the rename follows the MATCH rule"
        );
        for expected in states.iter().rev().skip(1) {
            assert!(doc.undo());
            assert_eq!(&doc.to_bytes(), expected);
        }
        assert!(!doc.undo());
        for expected in states.iter().skip(1) {
            assert!(doc.redo());
            assert_eq!(&doc.to_bytes(), expected);
        }
    }

    #[test]
    fn an_edit_round_trip_keeps_unknown_fields() {
        let owner = PrivateKey::ed25519_from_seed(&[9; 32]);
        let mut doc = document();
        doc.apply(LayoutAction::AddStep {
            name: "build".into(),
            at: None,
        })
        .unwrap();
        let mut value: Value = serde_json::from_slice(&doc.to_bytes()).unwrap();
        value["signed"]["x-vendor"] = serde_json::json!({"z": [1, "two"], "a": null});
        value["signed"]["steps"][0]["cert_constraints"] = serde_json::json!({"common_name": "*"});
        let mut reopened =
            LayoutDocument::from_bytes(&serde_json::to_vec(&value).unwrap()).unwrap();
        reopened.sign(&owner).unwrap();
        reopened
            .apply(LayoutAction::SetReadme("hello".into()))
            .unwrap();
        reopened.undo();
        let written: Value = serde_json::from_slice(&reopened.to_bytes()).unwrap();
        assert_eq!(
            written["signed"], value["signed"],
            "byte-identical content after an undo"
        );
        assert_eq!(
            written["signatures"].as_array().unwrap().len(),
            1,
            "the signature still covers the content"
        );
    }
}
