//! Editing an ITE-10/11 attestation layout: every change is an [`AttestAction`] applied to the
//! document (so undo and redo restore exactly what was there), and the document is written back
//! in the format attestation-verifier reads (YAML, camelCase fields, attribute rules as
//! objects).

use crate::attest::layout::{
    AttestationLayout, AttributeRule, ExpectedPredicate, Functionary, KeyVal, LayoutReadError,
    Step, read_layout,
};
use crate::crypto::envelope::{Envelope, SigBytes, Signature, encode_base64, pae};
use crate::crypto::signed::SignReport;
use crate::crypto::{PrivateKey, PublicKey, SignError};
use crate::time::UtcTime;
use crate::trace::RuleList;

use super::history::History;

/// One change to an attestation layout.
#[derive(Debug, Clone, PartialEq)]
pub enum AttestAction {
    /// RFC 3339; refused when it is not a time.
    SetExpires(String),
    /// Adds (or replaces) a functionary's public key, under its key ID.
    AddFunctionary(PublicKey),
    /// Removes a functionary's key and every expected predicate's mention of it.
    RemoveFunctionary(String),
    /// A new step expecting nothing yet, at the end.
    AddStep(String),
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
    /// Replaces a step's material or product rules (each one rule, as text).
    SetArtifactRules {
        step: String,
        list: RuleList,
        rules: Vec<String>,
    },
    AddPredicate {
        step: String,
        predicate_type: String,
    },
    RemovePredicate {
        step: String,
        predicate: usize,
    },
    SetPredicateType {
        step: String,
        predicate: usize,
        predicate_type: String,
    },
    /// How many functionaries' attestations of this type must pass (at least 1).
    SetPredicateThreshold {
        step: String,
        predicate: usize,
        threshold: u32,
    },
    /// Names (or stops naming) a functionary of the layout for this predicate.
    SetPredicateFunctionary {
        step: String,
        predicate: usize,
        keyid: String,
        authorized: bool,
    },
    AddAttribute {
        step: String,
        predicate: usize,
        rule: AttributeRule,
    },
    SetAttribute {
        step: String,
        predicate: usize,
        index: usize,
        rule: AttributeRule,
    },
    RemoveAttribute {
        step: String,
        predicate: usize,
        index: usize,
    },
}

/// Why an action was refused; the document is unchanged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttestEditError {
    #[error("there is no step named {0:?}")]
    NoStep(String),
    #[error("a step named {0:?} exists already")]
    StepExists(String),
    #[error("a step name cannot be empty or contain spaces: {0:?}")]
    BadStepName(String),
    #[error("step {step} has no expected predicate #{}", predicate + 1)]
    NoPredicate { step: String, predicate: usize },
    #[error("step {step}'s predicate #{} has no attribute rule #{}", predicate + 1, index + 1)]
    NoAttribute {
        step: String,
        predicate: usize,
        index: usize,
    },
    #[error("a predicate type cannot be empty")]
    EmptyPredicateType,
    #[error("`expires` {value:?} is not a time: {message}")]
    BadExpires { value: String, message: String },
    #[error("there is no functionary with key ID {0}")]
    UnknownFunctionary(String),
    #[error("a threshold is at least 1")]
    ZeroThreshold,
}

/// The media type of a signed attestation layout's DSSE payload. ITE-10 names none (and
/// attestation-verifier reads no signed layout): this is the one ITE-5 gives in-toto's own
/// JSON documents, as an in-toto v1 layout in DSSE carries.
pub const SIGNED_LAYOUT_PAYLOAD_TYPE: &str = crate::crypto::envelope::INTOTO_PAYLOAD_TYPE;

/// The DSSE payload a layout's signatures cover, and the layout it holds: the signatures
/// hold while the document is that layout.
#[derive(Debug, Clone)]
struct SignedPayload {
    payload_type: String,
    payload: Vec<u8>,
    layout: AttestationLayout,
    /// Each entry as written (`keyid`, base64 `sig`), kept as read for a file that was signed.
    signatures: Vec<Signature>,
}

/// An attestation layout being edited, with its undo history and its signatures.
#[derive(Debug, Clone)]
pub struct AttestLayoutDocument {
    layout: AttestationLayout,
    history: History<AttestationLayout>,
    revision: u64,
    /// Not part of the undo history: an undo back to the signed layout makes them hold again.
    signed: Option<SignedPayload>,
}

/// What a file holding the document would hold: the layout and the signatures that still
/// cover it. Two equal forms write the same file.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedForm {
    pub layout: AttestationLayout,
    pub signatures: Vec<Signature>,
}

impl AttestLayoutDocument {
    /// A layout with no steps and no functionaries, expiring at `expires`.
    pub fn new(expires: UtcTime) -> AttestLayoutDocument {
        AttestLayoutDocument::from_layout(AttestationLayout {
            expires: expires.to_string(),
            functionaries: Default::default(),
            steps: Vec::new(),
            subjects: Vec::new(),
            inspections: Vec::new(),
        })
    }

    fn from_layout(layout: AttestationLayout) -> AttestLayoutDocument {
        AttestLayoutDocument {
            layout,
            history: History::new(200),
            revision: 0,
            signed: None,
        }
    }

    /// Reads a layout file (YAML, JSON or a DSSE envelope around either); a signed file's
    /// payload and signatures are kept, so another signature covers the same bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<AttestLayoutDocument, LayoutReadError> {
        let read = read_layout(bytes)?;
        let mut document = AttestLayoutDocument::from_layout(read.layout.clone());
        if let Some(Envelope::Dsse {
            payload,
            payload_type,
            signatures,
        }) = read.envelope
        {
            document.signed = Some(SignedPayload {
                payload_type,
                payload,
                layout: read.layout,
                signatures,
            });
        }
        Ok(document)
    }

    pub fn layout(&self) -> &AttestationLayout {
        &self.layout
    }

    /// Bumped by every change, undo and redo: what was derived from an older revision is stale.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// The signatures that cover the layout as it is now (none once it was edited since).
    pub fn signatures(&self) -> &[Signature] {
        match &self.signed {
            Some(signed) if signed.layout == self.layout => &signed.signatures,
            _ => &[],
        }
    }

    /// Signatures that were made for an earlier form of the layout (an edit since).
    pub fn outdated_signatures(&self) -> &[Signature] {
        match &self.signed {
            Some(signed) if signed.layout != self.layout => &signed.signatures,
            _ => &[],
        }
    }

    /// Signs the layout as it is now in a DSSE envelope with `key`: over the payload the
    /// present signatures cover, or, after an edit, over a new payload (the layout as JSON),
    /// dropping the signatures of the old one. A key that signed before is signed with again.
    pub fn sign(&mut self, key: &PrivateKey) -> Result<SignReport, SignError> {
        let mut dropped = Vec::new();
        let current = self
            .signed
            .as_ref()
            .is_some_and(|signed| signed.layout == self.layout);
        if !current {
            if let Some(old) = self.signed.take() {
                dropped = old.signatures.iter().map(|s| s.keyid.clone()).collect();
            }
            let payload = serde_json::to_vec_pretty(&self.layout)
                .map_err(|e| SignError::Encode(e.to_string()))?;
            self.signed = Some(SignedPayload {
                payload_type: SIGNED_LAYOUT_PAYLOAD_TYPE.to_owned(),
                payload,
                layout: self.layout.clone(),
                signatures: Vec::new(),
            });
        }
        let signed = self.signed.as_mut().expect("set above");
        let sig = key.sign(&pae(&signed.payload_type, &signed.payload))?;
        let keyid = key.keyid().to_owned();
        let entry = Signature {
            raw: serde_json::json!({"keyid": keyid, "sig": encode_base64(&sig)}),
            keyid: keyid.clone(),
            sig: SigBytes::Bytes(sig),
        };
        let replaced = match signed.signatures.iter_mut().find(|s| s.keyid == keyid) {
            Some(old) => {
                *old = entry;
                true
            }
            None => {
                signed.signatures.push(entry);
                false
            }
        };
        Ok(SignReport {
            keyid,
            replaced,
            dropped,
        })
    }

    /// What a save writes, to compare with what was saved.
    pub fn saved_form(&self) -> SavedForm {
        SavedForm {
            layout: self.layout.clone(),
            signatures: self.signatures().to_vec(),
        }
    }

    /// Whether a save would write what `saved` describes.
    pub fn is_saved_as(&self, saved: &SavedForm) -> bool {
        saved.layout == self.layout && saved.signatures == self.signatures()
    }

    /// The file a save writes: the DSSE envelope (indented JSON) while signatures cover the
    /// layout, else the YAML attestation-verifier reads.
    pub fn file_bytes(&self) -> Vec<u8> {
        match &self.signed {
            Some(signed) if signed.layout == self.layout && !signed.signatures.is_empty() => {
                let signatures: Vec<serde_json::Value> = signed
                    .signatures
                    .iter()
                    .map(|s| {
                        let mut raw = s.raw.clone();
                        // `with_keyids` filled in DSSE's optional keyid to read it: an absent
                        // one stays absent.
                        if s.keyid.is_empty()
                            && let Some(entry) = raw.as_object_mut()
                        {
                            entry.remove("keyid");
                        }
                        raw
                    })
                    .collect();
                crate::crypto::signed::pretty(&serde_json::json!({
                    "payload": encode_base64(&signed.payload),
                    "payloadType": signed.payload_type,
                    "signatures": signatures,
                }))
            }
            _ => self.to_yaml().into_bytes(),
        }
    }

    pub fn apply(&mut self, action: AttestAction) -> Result<(), AttestEditError> {
        let mut next = self.layout.clone();
        apply(&mut next, action)?;
        if next != self.layout {
            self.history
                .record(std::mem::replace(&mut self.layout, next));
            self.revision += 1;
        }
        Ok(())
    }

    pub fn undo(&mut self) -> bool {
        let current = std::mem::replace(&mut self.layout, empty());
        match self.history.undo(current) {
            Ok(previous) => {
                self.layout = previous;
                self.revision += 1;
                true
            }
            Err(current) => {
                self.layout = current;
                false
            }
        }
    }

    pub fn redo(&mut self) -> bool {
        let current = std::mem::replace(&mut self.layout, empty());
        match self.history.redo(current) {
            Ok(next) => {
                self.layout = next;
                self.revision += 1;
                true
            }
            Err(current) => {
                self.layout = current;
                false
            }
        }
    }

    pub fn can_undo(&self) -> bool {
        self.history.can_undo()
    }

    pub fn can_redo(&self) -> bool {
        self.history.can_redo()
    }

    /// The layout as YAML in attestation-verifier's format.
    pub fn to_yaml(&self) -> String {
        crate::attest::layout::to_yaml(&self.layout)
    }
}

fn empty() -> AttestationLayout {
    AttestationLayout {
        expires: String::new(),
        functionaries: Default::default(),
        steps: Vec::new(),
        subjects: Vec::new(),
        inspections: Vec::new(),
    }
}

fn step_mut<'l>(
    layout: &'l mut AttestationLayout,
    name: &str,
) -> Result<&'l mut Step, AttestEditError> {
    layout
        .steps
        .iter_mut()
        .find(|s| s.name == name)
        .ok_or_else(|| AttestEditError::NoStep(name.to_owned()))
}

fn predicate_mut<'l>(
    layout: &'l mut AttestationLayout,
    step: &str,
    predicate: usize,
) -> Result<&'l mut ExpectedPredicate, AttestEditError> {
    step_mut(layout, step)?
        .expected_predicates
        .get_mut(predicate)
        .ok_or_else(|| AttestEditError::NoPredicate {
            step: step.to_owned(),
            predicate,
        })
}

fn valid_step_name(name: &str) -> Result<(), AttestEditError> {
    if name.is_empty() || name.chars().any(char::is_whitespace) {
        Err(AttestEditError::BadStepName(name.to_owned()))
    } else {
        Ok(())
    }
}

/// `MATCH … FROM from` becomes `… FROM to`; any other rule is left as written.
fn renamed_rule(rule: &str, from: &str, to: &str) -> Option<String> {
    let tokens: Vec<&str> = rule.split_whitespace().collect();
    let is_match = tokens
        .first()
        .is_some_and(|t| t.eq_ignore_ascii_case("MATCH"));
    let from_at = tokens.len().checked_sub(2)?;
    (is_match && tokens[from_at].eq_ignore_ascii_case("FROM") && tokens[from_at + 1] == from).then(
        || {
            let mut renamed: Vec<&str> = tokens[..=from_at].to_vec();
            renamed.push(to);
            renamed.join(" ")
        },
    )
}

fn apply(layout: &mut AttestationLayout, action: AttestAction) -> Result<(), AttestEditError> {
    match action {
        AttestAction::SetExpires(value) => {
            UtcTime::parse_rfc3339(&value).map_err(|e| AttestEditError::BadExpires {
                value: value.clone(),
                message: e.to_string(),
            })?;
            layout.expires = value;
        }
        AttestAction::AddFunctionary(key) => {
            let dict = key.to_dict();
            let text = |field: &str| dict[field].as_str().unwrap_or_default().to_owned();
            layout.functionaries.insert(
                key.keyid().to_owned(),
                Functionary {
                    key_id_hash_algorithms: dict["keyid_hash_algorithms"]
                        .as_array()
                        .map(|list| {
                            list.iter()
                                .filter_map(|v| v.as_str().map(str::to_owned))
                                .collect()
                        })
                        .unwrap_or_default(),
                    key_type: text("keytype"),
                    key_val: KeyVal {
                        public: dict["keyval"]["public"]
                            .as_str()
                            .unwrap_or_default()
                            .to_owned(),
                        identity: String::new(),
                        issuer: String::new(),
                    },
                    scheme: text("scheme"),
                    key_id: key.keyid().to_owned(),
                },
            );
        }
        AttestAction::RemoveFunctionary(keyid) => {
            if layout.functionaries.remove(&keyid).is_none() {
                return Err(AttestEditError::UnknownFunctionary(keyid));
            }
            for predicate in layout
                .steps
                .iter_mut()
                .flat_map(|s| &mut s.expected_predicates)
            {
                predicate.functionaries.retain(|k| *k != keyid);
            }
        }
        AttestAction::AddStep(name) => {
            valid_step_name(&name)?;
            if layout.steps.iter().any(|s| s.name == name) {
                return Err(AttestEditError::StepExists(name));
            }
            layout.steps.push(Step {
                name,
                command: None,
                expected_materials: Vec::new(),
                expected_products: Vec::new(),
                expected_predicates: Vec::new(),
            });
        }
        AttestAction::RemoveStep(name) => {
            let before = layout.steps.len();
            layout.steps.retain(|s| s.name != name);
            if layout.steps.len() == before {
                return Err(AttestEditError::NoStep(name));
            }
        }
        AttestAction::RenameStep { from, to } => {
            valid_step_name(&to)?;
            if from == to {
                return Ok(());
            }
            if layout.steps.iter().any(|s| s.name == to) {
                return Err(AttestEditError::StepExists(to));
            }
            step_mut(layout, &from)?.name = to.clone();
            for step in &mut layout.steps {
                for rule in step
                    .expected_materials
                    .iter_mut()
                    .chain(&mut step.expected_products)
                {
                    if let Some(renamed) = renamed_rule(rule, &from, &to) {
                        *rule = renamed;
                    }
                }
            }
        }
        AttestAction::MoveStep { name, to } => {
            let at = layout
                .steps
                .iter()
                .position(|s| s.name == name)
                .ok_or(AttestEditError::NoStep(name))?;
            let step = layout.steps.remove(at);
            let to = to.min(layout.steps.len());
            layout.steps.insert(to, step);
        }
        AttestAction::SetArtifactRules { step, list, rules } => {
            let step = step_mut(layout, &step)?;
            let rules = rules
                .into_iter()
                .map(|r| r.trim().to_owned())
                .filter(|r| !r.is_empty())
                .collect();
            match list {
                RuleList::ExpectedMaterials => step.expected_materials = rules,
                RuleList::ExpectedProducts => step.expected_products = rules,
            }
        }
        AttestAction::AddPredicate {
            step,
            predicate_type,
        } => {
            if predicate_type.trim().is_empty() {
                return Err(AttestEditError::EmptyPredicateType);
            }
            step_mut(layout, &step)?
                .expected_predicates
                .push(ExpectedPredicate {
                    predicate_type: predicate_type.trim().to_owned(),
                    expected_attributes: Vec::new(),
                    functionaries: Vec::new(),
                    threshold: 1,
                });
        }
        AttestAction::RemovePredicate { step, predicate } => {
            let list = &mut step_mut(layout, &step)?.expected_predicates;
            if predicate >= list.len() {
                return Err(AttestEditError::NoPredicate { step, predicate });
            }
            list.remove(predicate);
        }
        AttestAction::SetPredicateType {
            step,
            predicate,
            predicate_type,
        } => {
            if predicate_type.trim().is_empty() {
                return Err(AttestEditError::EmptyPredicateType);
            }
            predicate_mut(layout, &step, predicate)?.predicate_type =
                predicate_type.trim().to_owned();
        }
        AttestAction::SetPredicateThreshold {
            step,
            predicate,
            threshold,
        } => {
            if threshold == 0 {
                return Err(AttestEditError::ZeroThreshold);
            }
            predicate_mut(layout, &step, predicate)?.threshold = threshold;
        }
        AttestAction::SetPredicateFunctionary {
            step,
            predicate,
            keyid,
            authorized,
        } => {
            if authorized && !layout.functionaries.contains_key(&keyid) {
                return Err(AttestEditError::UnknownFunctionary(keyid));
            }
            let names = &mut predicate_mut(layout, &step, predicate)?.functionaries;
            names.retain(|k| *k != keyid);
            if authorized {
                names.push(keyid);
            }
        }
        AttestAction::AddAttribute {
            step,
            predicate,
            rule,
        } => predicate_mut(layout, &step, predicate)?
            .expected_attributes
            .push(rule),
        AttestAction::SetAttribute {
            step,
            predicate,
            index,
            rule,
        } => {
            let slot = predicate_mut(layout, &step, predicate)?
                .expected_attributes
                .get_mut(index)
                .ok_or(AttestEditError::NoAttribute {
                    step,
                    predicate,
                    index,
                })?;
            *slot = rule;
        }
        AttestAction::RemoveAttribute {
            step,
            predicate,
            index,
        } => {
            let list = &mut predicate_mut(layout, &step, predicate)?.expected_attributes;
            if index >= list.len() {
                return Err(AttestEditError::NoAttribute {
                    step,
                    predicate,
                    index,
                });
            }
            list.remove(index);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::samples::demo_key;

    fn sample_document() -> AttestLayoutDocument {
        let dir = tempfile::tempdir().unwrap();
        crate::samples::write_named(dir.path(), crate::samples::attestations::NAME).unwrap();
        let bytes = std::fs::read(
            dir.path()
                .join(crate::samples::attestations::NAME)
                .join("layout.yml"),
        )
        .unwrap();
        AttestLayoutDocument::from_bytes(&bytes).unwrap()
    }

    /// The sample's attestations and the verdict on them under `layout` (file bytes), checked
    /// against `keys`.
    fn verify_sample(layout: &[u8], keys: &[PublicKey]) -> crate::trace::Trace {
        let dir = tempfile::tempdir().unwrap();
        crate::samples::write_named(dir.path(), crate::samples::attestations::NAME).unwrap();
        let folder = dir.path().join(crate::samples::attestations::NAME);
        let attestations = crate::samples::attestations::folder_attestations(&folder);
        crate::attest::verify::verify_attestations(&crate::attest::verify::AttestRequest {
            layout_name: "layout.yml",
            layout,
            layout_keys: keys,
            attestations: &attestations,
            parameters: &Default::default(),
            now: crate::samples::time(crate::samples::GENERATED_AT),
            trusted_root: None,
        })
        .unwrap()
    }

    /// A layout signed in the editor is a DSSE envelope the verifier accepts with the owner's
    /// key and refuses with another; an edit takes the signatures off (an undo puts them
    /// back); a second owner signs the same payload, so the first signature still holds.
    #[test]
    fn a_layout_signed_in_the_editor_verifies_with_its_keys_and_an_edit_unsigns_it() {
        use crate::trace::Verdict;
        let owner = demo_key("owner");
        let second = demo_key("second-owner");
        let mut document = sample_document();
        assert!(document.signatures().is_empty());
        assert!(document.file_bytes().starts_with(b"# An ITE-10/11 layout"));

        let report = document.sign(&owner).unwrap();
        assert_eq!((report.replaced, report.dropped.len()), (false, 0));
        let signed = document.file_bytes();
        let envelope: serde_json::Value = serde_json::from_slice(&signed).unwrap();
        assert_eq!(envelope["payloadType"], SIGNED_LAYOUT_PAYLOAD_TYPE);
        assert_eq!(envelope["signatures"][0]["keyid"], owner.keyid());
        let trace = verify_sample(&signed, &[owner.public().clone()]);
        assert_eq!(trace.verdict(), Verdict::Pass, "{}", trace.render_text());
        assert!(trace.warnings().is_empty(), "{}", trace.render_text());
        let trace = verify_sample(&signed, &[second.public().clone()]);
        assert_eq!(
            trace.first_failure().map(|(_, c)| c.id),
            Some("attest.layout.signatures")
        );

        // Read back: the same payload, so another owner's signature joins the first.
        let mut reread = AttestLayoutDocument::from_bytes(&signed).unwrap();
        assert_eq!(reread.layout(), document.layout());
        assert_eq!(reread.signatures().len(), 1);
        assert!(reread.sign(&second).unwrap().dropped.is_empty());
        let both = reread.file_bytes();
        let trace = verify_sample(&both, &[owner.public().clone(), second.public().clone()]);
        assert_eq!(trace.verdict(), Verdict::Pass, "{}", trace.render_text());
        assert!(reread.sign(&second).unwrap().replaced);
        assert_eq!(reread.signatures().len(), 2);

        // An edit: the signatures no longer cover the layout, and the save is unsigned YAML.
        let saved = document.saved_form();
        document
            .apply(AttestAction::SetExpires("2031-01-01T00:00:00Z".into()))
            .unwrap();
        assert!(document.signatures().is_empty());
        assert_eq!(document.outdated_signatures().len(), 1);
        assert!(!document.is_saved_as(&saved));
        assert!(document.file_bytes().starts_with(b"# An ITE-10/11 layout"));
        assert!(document.undo());
        assert!(document.is_saved_as(&saved));
        assert_eq!(document.file_bytes(), signed);

        // Signing after the edit signs the new layout and says whose signature was dropped.
        assert!(document.redo());
        let report = document.sign(&second).unwrap();
        assert_eq!(report.dropped, vec![owner.keyid().to_owned()]);
        let resigned = document.file_bytes();
        let trace = verify_sample(&resigned, &[second.public().clone()]);
        assert_eq!(trace.verdict(), Verdict::Pass, "{}", trace.render_text());
        assert_eq!(
            AttestLayoutDocument::from_bytes(&resigned)
                .unwrap()
                .layout()
                .expires,
            "2031-01-01T00:00:00Z"
        );
    }

    /// What the editor writes reads back as the same layout, for the sample's layout and for
    /// each of attestation-verifier's own.
    #[test]
    fn a_written_layout_reads_back_the_same() {
        let mut layouts = vec![sample_document().layout().clone()];
        let real = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/real-world/attestation-verifier");
        for entry in walk(&real) {
            let name = entry.to_string_lossy();
            if name.ends_with(".yml") || name.ends_with(".yaml") {
                let read = read_layout(&std::fs::read(&entry).unwrap()).unwrap();
                layouts.push(read.layout);
            }
        }
        assert!(layouts.len() >= 3, "{}", layouts.len());
        for layout in layouts {
            let yaml = crate::attest::layout::to_yaml(&layout);
            let again = read_layout(yaml.as_bytes()).unwrap().layout;
            assert_eq!(again, layout, "{yaml}");
        }
    }

    fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(walk(&path));
            } else {
                out.push(path);
            }
        }
        out
    }

    #[test]
    fn renaming_a_step_renames_the_match_rules_that_name_it_and_undo_restores_it() {
        let mut document = sample_document();
        let before = document.layout().clone();
        document
            .apply(AttestAction::RenameStep {
                from: "build".into(),
                to: "compile".into(),
            })
            .unwrap();
        let test = &document.layout().steps[2];
        assert_eq!(
            test.expected_materials[0],
            "MATCH demo-project.tar.gz WITH products FROM compile"
        );
        assert_eq!(document.layout().steps[1].name, "compile");
        // A rule naming another step is left as written.
        assert_eq!(
            document.layout().steps[1].expected_materials[0],
            before.steps[1].expected_materials[0]
        );
        assert!(document.undo());
        assert_eq!(document.layout(), &before);
        assert!(document.redo());
        assert_eq!(document.layout().steps[1].name, "compile");
    }

    #[test]
    fn refused_actions_leave_the_document_as_it_was() {
        let mut document = sample_document();
        let before = document.layout().clone();
        let revision = document.revision();
        for (action, error) in [
            (
                AttestAction::AddStep("build".into()),
                AttestEditError::StepExists("build".into()),
            ),
            (
                AttestAction::AddStep("two words".into()),
                AttestEditError::BadStepName("two words".into()),
            ),
            (
                AttestAction::SetExpires("next year".into()),
                AttestEditError::BadExpires {
                    value: "next year".into(),
                    message: UtcTime::parse_rfc3339("next year").unwrap_err().to_string(),
                },
            ),
            (
                AttestAction::SetPredicateThreshold {
                    step: "test".into(),
                    predicate: 0,
                    threshold: 0,
                },
                AttestEditError::ZeroThreshold,
            ),
            (
                AttestAction::SetPredicateFunctionary {
                    step: "test".into(),
                    predicate: 0,
                    keyid: "ab".repeat(32),
                    authorized: true,
                },
                AttestEditError::UnknownFunctionary("ab".repeat(32)),
            ),
            (
                AttestAction::RemoveAttribute {
                    step: "test".into(),
                    predicate: 0,
                    index: 9,
                },
                AttestEditError::NoAttribute {
                    step: "test".into(),
                    predicate: 0,
                    index: 9,
                },
            ),
        ] {
            assert_eq!(document.apply(action), Err(error));
        }
        assert_eq!(document.layout(), &before);
        assert_eq!(document.revision(), revision);
        assert!(!document.can_undo());
    }

    /// A layout built from nothing with the actions verifies the sample's attestations as the
    /// sample's own layout does.
    #[test]
    fn a_layout_built_with_actions_verifies_the_sample() {
        let mut document =
            AttestLayoutDocument::new(UtcTime::parse_rfc3339("2099-01-01T00:00:00Z").unwrap());
        let carol_key = demo_key("carol");
        let carol = carol_key.public();
        document
            .apply(AttestAction::AddFunctionary(carol.clone()))
            .unwrap();
        document
            .apply(AttestAction::AddStep("build".into()))
            .unwrap();
        document
            .apply(AttestAction::AddPredicate {
                step: "build".into(),
                predicate_type: "https://slsa.dev/provenance/v1".into(),
            })
            .unwrap();
        document
            .apply(AttestAction::SetPredicateFunctionary {
                step: "build".into(),
                predicate: 0,
                keyid: carol.keyid().to_owned(),
                authorized: true,
            })
            .unwrap();
        document
            .apply(AttestAction::AddAttribute {
                step: "build".into(),
                predicate: 0,
                rule: AttributeRule {
                    rule: "predicate.runDetails.builder.id == 'https://ci.example.com/builders/carol@v1'".into(),
                    allow_if_no_claim: false,
                    warn: false,
                    debug: String::new(),
                },
            })
            .unwrap();
        document
            .apply(AttestAction::SetArtifactRules {
                step: "build".into(),
                list: RuleList::ExpectedProducts,
                rules: vec![
                    "CREATE demo-project.tar.gz".into(),
                    " ".into(),
                    "DISALLOW *".into(),
                ],
            })
            .unwrap();
        assert_eq!(
            document.layout().steps[0].expected_products,
            ["CREATE demo-project.tar.gz", "DISALLOW *"]
        );
        let yaml = document.to_yaml();
        let dir = tempfile::tempdir().unwrap();
        crate::samples::write_named(dir.path(), crate::samples::attestations::NAME).unwrap();
        let folder = dir.path().join(crate::samples::attestations::NAME);
        let build: Vec<(String, Vec<u8>)> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("build.")
            })
            .map(|p| {
                (
                    p.file_name().unwrap().to_string_lossy().into_owned(),
                    std::fs::read(&p).unwrap(),
                )
            })
            .collect();
        let trace =
            crate::attest::verify::verify_attestations(&crate::attest::verify::AttestRequest {
                layout_name: "layout.yml",
                layout: yaml.as_bytes(),
                layout_keys: &[],
                attestations: &build,
                parameters: &Default::default(),
                now: crate::samples::time(crate::samples::GENERATED_AT),
                trusted_root: None,
            })
            .unwrap();
        assert_eq!(
            trace.verdict(),
            crate::trace::Verdict::Pass,
            "{yaml}\n{}",
            trace.render_text()
        );
    }
}
