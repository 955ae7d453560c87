//! Signing a document in a legacy `{"signed", "signatures"}` envelope or in DSSE: the exact
//! bytes to sign (for a key here or offline), signatures appended, and existing signatures kept
//! only while they still cover the content.

use serde_json::{Value, json};

use crate::cjson;
use crate::crypto::envelope::{INTOTO_PAYLOAD_TYPE, decode_base64, encode_base64, pae};
use crate::crypto::{PrivateKey, PublicKey, SigBytes, SignError, Signature, VerifyFailure};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvelopeKind {
    /// `{"signed": …, "signatures": [{"keyid", "sig": hex}]}`, signed over canonical JSON.
    Legacy,
    /// DSSE with in-toto's payload type, signed over PAE(type, payload).
    Dsse,
}

/// What signing did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignReport {
    pub keyid: String,
    /// The key had signed before; its old signature was replaced.
    pub replaced: bool,
    /// Signatures dropped because the content changed since they were made.
    pub dropped: Vec<String>,
}

impl SignReport {
    /// One line for the user.
    pub fn summary(&self) -> String {
        let mut line = format!(
            "signed by {}{}",
            crate::crypto::threshold::short(&self.keyid),
            if self.replaced {
                " (its earlier signature replaced)"
            } else {
                ""
            }
        );
        if !self.dropped.is_empty() {
            let names: Vec<String> = self
                .dropped
                .iter()
                .map(|k| crate::crypto::threshold::short(k))
                .collect();
            line.push_str(&format!(
                "; the content changed since {} signed, so {} dropped: they would no longer verify",
                names.join(", "),
                if names.len() == 1 {
                    "that signature was"
                } else {
                    "those signatures were"
                }
            ));
        }
        line
    }
}

/// Why an offline signature was not added.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("the signature does not verify with key {keyid} over the current content")]
    Invalid {
        keyid: String,
        #[source]
        reason: VerifyFailure,
    },
    #[error("the signature is neither hex nor base64")]
    Encoding,
    #[error("the document has no canonical form")]
    Canonical(#[from] cjson::CanonicalError),
}

impl crate::report::Hint for ImportError {
    fn hint(&self) -> Option<String> {
        match self {
            ImportError::Invalid { .. } => Some(
                "sign the bytes exported now (the content changed since, or another key signed)"
                    .into(),
            ),
            _ => None,
        }
    }
}

/// A document being signed.
#[derive(Debug, Clone)]
pub struct Signed {
    pub kind: EnvelopeKind,
    payload: Value,
    /// DSSE only: the payload bytes as signed (kept as loaded while the payload is unchanged,
    /// so earlier signatures stay valid).
    dsse_payload: Vec<u8>,
    signatures: Vec<Signature>,
    /// The bytes the present signatures cover.
    covered: Option<Vec<u8>>,
}

/// The DSSE payload chainscope writes: compact JSON with sorted keys (every reader, Python's
/// strict `json` included, reads it back to the same value).
fn dsse_bytes(payload: &Value) -> Vec<u8> {
    serde_json::to_vec(payload).unwrap_or_default()
}

impl Signed {
    /// An unsigned document.
    pub fn new(kind: EnvelopeKind, payload: Value) -> Signed {
        Signed {
            kind,
            dsse_payload: dsse_bytes(&payload),
            payload,
            signatures: Vec::new(),
            covered: None,
        }
    }

    /// A document as loaded: `payload` is `signed` (or the parsed DSSE payload), `dsse_payload`
    /// the DSSE payload bytes as read, `covered` the bytes its signatures cover.
    pub fn loaded(
        kind: EnvelopeKind,
        payload: Value,
        dsse_payload: Option<Vec<u8>>,
        signatures: Vec<Signature>,
        covered: Vec<u8>,
    ) -> Signed {
        Signed {
            kind,
            dsse_payload: dsse_payload.unwrap_or_else(|| dsse_bytes(&payload)),
            payload,
            signatures,
            covered: Some(covered),
        }
    }

    pub fn payload(&self) -> &Value {
        &self.payload
    }

    pub fn signatures(&self) -> &[Signature] {
        &self.signatures
    }

    /// Replaces the payload (after an edit). Signatures stay until the next signing or
    /// writing decides whether they still cover it.
    pub fn set_payload(&mut self, payload: Value) {
        if payload != self.payload {
            self.dsse_payload = dsse_bytes(&payload);
            self.payload = payload;
        }
    }

    /// Exactly the bytes a signature must cover: canonical JSON of `signed`, or DSSE's PAE.
    pub fn bytes_to_sign(&self) -> Result<Vec<u8>, cjson::CanonicalError> {
        match self.kind {
            EnvelopeKind::Legacy => cjson::encode(&self.payload),
            EnvelopeKind::Dsse => Ok(pae(INTOTO_PAYLOAD_TYPE, &self.dsse_payload)),
        }
    }

    /// Whether the present signatures were made over the present content.
    pub fn signatures_current(&self) -> bool {
        match (&self.covered, self.bytes_to_sign()) {
            (Some(covered), Ok(now)) => *covered == now,
            (None, _) => self.signatures.is_empty(),
            _ => false,
        }
    }

    /// Drops signatures that no longer cover the content; returns their keyids.
    fn reconcile(&mut self, now: &[u8]) -> Vec<String> {
        let dropped = if self.covered.as_deref() == Some(now) {
            Vec::new()
        } else {
            self.signatures.drain(..).map(|s| s.keyid).collect()
        };
        self.covered = Some(now.to_vec());
        dropped
    }

    fn push(&mut self, keyid: &str, sig: Vec<u8>, dropped: Vec<String>) -> SignReport {
        let encoded = match self.kind {
            EnvelopeKind::Legacy => hex::encode(&sig),
            EnvelopeKind::Dsse => encode_base64(&sig),
        };
        let entry = Signature {
            keyid: keyid.to_owned(),
            sig: SigBytes::Bytes(sig),
            raw: json!({"keyid": keyid, "sig": encoded}),
        };
        let replaced = match self.signatures.iter().position(|s| s.keyid == keyid) {
            Some(index) => {
                self.signatures[index] = entry;
                true
            }
            None => {
                self.signatures.push(entry);
                false
            }
        };
        SignReport {
            keyid: keyid.to_owned(),
            replaced,
            dropped,
        }
    }

    /// Signs the present content with `key`.
    pub fn sign(&mut self, key: &PrivateKey) -> Result<SignReport, SignError> {
        let now = self
            .bytes_to_sign()
            .map_err(|e| SignError::Encode(crate::report::chain(&e)))?;
        let sig = key.sign(&now)?;
        let dropped = self.reconcile(&now);
        Ok(self.push(key.keyid(), sig, dropped))
    }

    /// Adds a signature made elsewhere over [`Signed::bytes_to_sign`], after checking it with
    /// `key`. `signature` is hex or base64 text, or raw bytes.
    pub fn import_signature(
        &mut self,
        key: &PublicKey,
        signature: &[u8],
    ) -> Result<SignReport, ImportError> {
        let now = self.bytes_to_sign()?;
        let candidates = decode_signature(signature);
        if candidates.is_empty() {
            return Err(ImportError::Encoding);
        }
        let mut last = None;
        for sig in candidates {
            match key.verify(&now, &sig) {
                Ok(()) => {
                    let dropped = self.reconcile(&now);
                    return Ok(self.push(key.keyid(), sig, dropped));
                }
                Err(reason) => last = Some(reason),
            }
        }
        Err(ImportError::Invalid {
            keyid: key.keyid().to_owned(),
            reason: last.unwrap_or(VerifyFailure::BadSignature),
        })
    }

    /// The envelope as JSON. Signatures that no longer cover the content are left out.
    pub fn to_value(&self) -> Value {
        let signatures: Vec<Value> = if self.signatures_current() {
            self.signatures.iter().map(|s| s.raw.clone()).collect()
        } else {
            Vec::new()
        };
        match self.kind {
            EnvelopeKind::Legacy => json!({"signed": self.payload, "signatures": signatures}),
            EnvelopeKind::Dsse => json!({
                "payload": encode_base64(&self.dsse_payload),
                "payloadType": INTOTO_PAYLOAD_TYPE,
                "signatures": signatures,
            }),
        }
    }

    /// The file to write: indented JSON with sorted keys, as in-toto writes its metadata.
    pub fn to_bytes(&self) -> Vec<u8> {
        pretty(&self.to_value())
    }
}

/// JSON indented by one space with sorted keys (in-toto's `indent=1, sort_keys=True`).
pub fn pretty(value: &Value) -> Vec<u8> {
    use serde::Serialize as _;
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b" ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    // A Value always serializes.
    let _ = value.serialize(&mut serializer);
    out.push(b'\n');
    out
}

/// The byte strings `text` could be: raw bytes, hex, base64 (a signature file may hold any).
fn decode_signature(text: &[u8]) -> Vec<Vec<u8>> {
    let mut candidates = Vec::new();
    if let Ok(s) = std::str::from_utf8(text) {
        let s = s.trim();
        if let Ok(bytes) = hex::decode(s) {
            candidates.push(bytes);
        }
        if let Some(bytes) = decode_base64(s) {
            candidates.push(bytes);
        }
    }
    candidates.push(text.to_vec());
    candidates
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_survive_only_while_the_content_is_the_same() {
        for kind in [EnvelopeKind::Legacy, EnvelopeKind::Dsse] {
            let alice = PrivateKey::ed25519_from_seed(&[1; 32]);
            let bob = PrivateKey::ed25519_from_seed(&[2; 32]);
            let mut doc = Signed::new(kind, json!({"_type": "layout", "n": 1}));
            assert!(doc.sign(&alice).unwrap().dropped.is_empty());
            let report = doc.sign(&bob).unwrap();
            assert!(report.dropped.is_empty() && !report.replaced);
            assert_eq!(doc.signatures().len(), 2);
            let again = doc.sign(&bob).unwrap();
            assert!(again.replaced, "{kind:?}");
            assert_eq!(doc.signatures().len(), 2);

            doc.set_payload(json!({"_type": "layout", "n": 2}));
            assert!(!doc.signatures_current());
            let written: Value = serde_json::from_slice(&doc.to_bytes()).unwrap();
            assert_eq!(
                written["signatures"],
                json!([]),
                "stale signatures are not written"
            );
            let report = doc.sign(&alice).unwrap();
            assert_eq!(report.dropped.len(), 2, "{kind:?}");
            assert!(report.summary().contains("dropped"));
            assert_eq!(doc.signatures().len(), 1);
            let bytes = doc.bytes_to_sign().unwrap();
            let sig = &doc.signatures()[0].sig;
            let SigBytes::Bytes(sig) = sig else {
                unreachable!()
            };
            assert_eq!(alice.public().verify(&bytes, sig), Ok(()));
        }
    }

    #[test]
    fn an_offline_signature_is_checked_before_it_is_added() {
        let alice = PrivateKey::ed25519_from_seed(&[1; 32]);
        let mallory = PrivateKey::ed25519_from_seed(&[3; 32]);
        let mut doc = Signed::new(EnvelopeKind::Legacy, json!({"a": 1}));
        let bytes = doc.bytes_to_sign().unwrap();
        let good = hex::encode(alice.sign(&bytes).unwrap());
        let bad = encode_base64(&mallory.sign(&bytes).unwrap());
        assert!(matches!(
            doc.import_signature(alice.public(), bad.as_bytes()),
            Err(ImportError::Invalid { .. })
        ));
        assert!(doc.signatures().is_empty());
        doc.import_signature(alice.public(), good.as_bytes())
            .unwrap();
        assert_eq!(doc.signatures()[0].keyid, alice.keyid());
    }
}
