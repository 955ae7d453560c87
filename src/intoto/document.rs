//! Loading an in-toto file: a layout, a link, or an ITE-6 attestation statement, in a legacy
//! `{"signed", "signatures"}` envelope or a DSSE envelope.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::artifacts::Artifacts;
use super::layout::{Layout, Link};
use crate::cjson;
use crate::crypto::{Envelope, EnvelopeError, Signature};
use crate::model::{self, FieldError};

/// ITE-6 statement types chainscope recognises (read-only).
pub const STATEMENT_TYPES: [&str; 2] = [
    "https://in-toto.io/Statement/v1",
    "https://in-toto.io/Statement/v0.1",
];

/// An ITE-6 attestation statement: shown, never verified as a link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Statement {
    #[serde(rename = "_type", alias = "type")]
    pub type_: String,
    pub subject: Vec<Value>,
    #[serde(rename = "predicateType")]
    pub predicate_type: String,
    #[serde(
        default,
        deserialize_with = "model::keep_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub predicate: Option<Value>,
    #[serde(flatten)]
    pub unknown: std::collections::BTreeMap<String, Value>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Payload {
    Layout(Box<Layout>),
    Link(Box<Link>),
    Statement(Box<Statement>),
}

impl Payload {
    pub fn kind(&self) -> &'static str {
        match self {
            Payload::Layout(_) => "layout",
            Payload::Link(_) => "link",
            Payload::Statement(_) => "attestation statement",
        }
    }

    /// The payload written back from the typed model.
    pub fn to_value(&self) -> Value {
        match self {
            Payload::Layout(layout) => model::to_value(layout),
            Payload::Link(link) => model::to_value(link),
            Payload::Statement(statement) => model::to_value(statement),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    #[error(transparent)]
    Json(#[from] cjson::ParseError),
    #[error(transparent)]
    Envelope(#[from] EnvelopeError),
    #[error("the DSSE payload is not JSON chainscope accepts")]
    Payload(#[source] cjson::ParseError),
    #[error(transparent)]
    Field(#[from] FieldError),
    #[error("DSSE payloadType is \"{0}\", expected \"application/vnd.in-toto+json\"")]
    PayloadType(String),
}

impl crate::report::Hint for DocumentError {}

/// A loaded in-toto file.
#[derive(Debug, Clone)]
pub struct Document {
    pub payload: Payload,
    pub envelope: Envelope,
    /// The parsed DSSE payload (a legacy envelope's `signed` is in the envelope itself).
    dsse_json: Option<Value>,
    signed_bytes: Vec<u8>,
}

impl Document {
    pub fn from_bytes(bytes: &[u8]) -> Result<Document, DocumentError> {
        Document::from_owned(cjson::parse(bytes)?)
    }

    pub fn from_value(value: &Value) -> Result<Document, DocumentError> {
        Document::from_owned(value.clone())
    }

    /// The payload JSON as read: `signed`, or the parsed DSSE payload.
    pub fn raw(&self) -> &Value {
        match (&self.envelope, &self.dsse_json) {
            (Envelope::Legacy { signed, .. }, _) => signed,
            (Envelope::Dsse { .. }, Some(json)) => json,
            (Envelope::Dsse { .. }, None) => &Value::Null,
        }
    }

    pub fn from_owned(value: Value) -> Result<Document, DocumentError> {
        let envelope = Envelope::from_owned(value)?;
        let prefix = match &envelope {
            Envelope::Legacy { .. } => "signed",
            Envelope::Dsse { payload_type, .. } => {
                if payload_type != crate::crypto::envelope::INTOTO_PAYLOAD_TYPE {
                    return Err(DocumentError::PayloadType(payload_type.clone()));
                }
                "payload"
            }
        };
        let dsse_json = match &envelope {
            Envelope::Legacy { .. } => None,
            Envelope::Dsse { payload, .. } => {
                Some(cjson::parse(payload).map_err(DocumentError::Payload)?)
            }
        };
        let raw = match (&envelope, &dsse_json) {
            (Envelope::Legacy { signed, .. }, _) => signed,
            (_, Some(json)) => json,
            _ => &Value::Null,
        };
        let with_prefix =
            |e: FieldError| FieldError::new(e.field.replacen("signed", prefix, 1), e.problem);
        // ITE-6 names the field `_type`; the in-toto attestation libraries (protobuf JSON, Go
        // and Python) also read the proto field name `type`, and attestation-verifier's own
        // test data is written that way.
        let type_ = raw.get("_type").and_then(Value::as_str).or_else(|| {
            raw.get("type")
                .and_then(Value::as_str)
                .filter(|t| STATEMENT_TYPES.contains(t))
        });
        let payload = match type_ {
            Some("layout") => {
                let layout: Layout = model::from_value_at(raw, prefix)?;
                layout.validate().map_err(with_prefix)?;
                Payload::Layout(Box::new(layout))
            }
            Some("link") => {
                let link: Link = model::from_value_at(raw, prefix)?;
                link.validate().map_err(with_prefix)?;
                Payload::Link(Box::new(link))
            }
            Some(t) if STATEMENT_TYPES.contains(&t) => {
                Payload::Statement(Box::new(model::from_value_at(raw, prefix)?))
            }
            other => {
                let found = other.map_or("nothing".to_owned(), |t| format!("\"{t}\""));
                return Err(FieldError::new(
                    format!("{prefix}._type"),
                    format!(
                        "expected \"layout\", \"link\" or an in-toto Statement type, found {found}"
                    ),
                )
                .into());
            }
        };
        let signed_bytes = envelope.signed_bytes().map_err(|e| match e {
            cjson::CanonicalError::Float { path, value } => FieldError::new(
                path.replacen('$', prefix, 1),
                format!("floating-point number {value} is not allowed in signed metadata"),
            ),
        })?;
        Ok(Document {
            payload,
            envelope,
            dsse_json,
            signed_bytes,
        })
    }

    /// Exactly the bytes the signatures cover.
    pub fn signed_bytes(&self) -> &[u8] {
        &self.signed_bytes
    }
}

/// What verification needs from a link file: its artifacts and command, its signatures and
/// the bytes they cover. Read straight from the parsed [`cjson::Tree`], without building a JSON
/// value or the full model, because a link can record tens of thousands of artifacts.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkEvidence {
    pub command: Vec<String>,
    pub materials: Artifacts,
    pub products: Artifacts,
    pub signatures: Vec<Signature>,
    pub signed_bytes: Vec<u8>,
}

impl LinkEvidence {
    /// Reads a link whose every field has the plain shape [`Link`] accepts. `None` for anything
    /// else (a layout, a statement, or a link that is unusual or invalid in any way): the caller
    /// then reads the file through [`Document`], so each rule and each error message lives in
    /// the model alone. This reader only ever accepts a subset of what the model accepts, with
    /// the same result (a test compares the two on generated and mutated links).
    pub fn read(bytes: &[u8]) -> Option<LinkEvidence> {
        let tree = cjson::Tree::parse(bytes).ok()?;
        let root = tree.root();
        if root.get("signed").is_some() {
            // The envelope without its (large) `signed`: the envelope reader judges the rest.
            let rest: Map<String, Value> = root
                .members()?
                .map(|(key, item)| {
                    let value = if key == "signed" {
                        Value::Null
                    } else {
                        item.to_value()
                    };
                    (key.to_owned(), value)
                })
                .collect();
            let Envelope::Legacy { signatures, .. } =
                Envelope::from_owned(Value::Object(rest)).ok()?
            else {
                return None;
            };
            let signed = root.get("signed")?;
            let signed_bytes = signed.canonical().ok()?;
            LinkEvidence::from_signed(signed, signatures, signed_bytes)
        } else {
            let envelope = Envelope::from_owned(root.to_value()).ok()?;
            let signed_bytes = envelope.signed_bytes().ok()?;
            let Envelope::Dsse {
                payload,
                payload_type,
                signatures,
            } = envelope
            else {
                return None;
            };
            if payload_type != crate::crypto::envelope::INTOTO_PAYLOAD_TYPE {
                return None;
            }
            let payload = cjson::Tree::parse(&payload).ok()?;
            LinkEvidence::from_signed(payload.root(), signatures, signed_bytes)
        }
    }

    fn from_signed(
        signed: cjson::NodeRef<'_, '_>,
        signatures: Vec<Signature>,
        signed_bytes: Vec<u8>,
    ) -> Option<LinkEvidence> {
        if signed.get("_type")?.as_str()? != "link" {
            return None;
        }
        signed.get("name")?.as_str()?;
        let command = match signed.get("command") {
            None => Vec::new(),
            Some(list) => list
                .items()?
                .map(|item| item.as_str().map(str::to_owned))
                .collect::<Option<Vec<String>>>()?,
        };
        for optional_object in ["byproducts", "environment"] {
            if signed
                .get(optional_object)
                .is_some_and(|value| value.members().is_none())
            {
                return None;
            }
        }
        Some(LinkEvidence {
            command,
            materials: artifacts(signed.get("materials"))?,
            products: artifacts(signed.get("products"))?,
            signatures,
            signed_bytes,
        })
    }
}

/// `{path: {algorithm: hex digest}}`, or `None` when any entry has another shape.
fn artifacts(list: Option<cjson::NodeRef<'_, '_>>) -> Option<Artifacts> {
    let Some(list) = list else {
        return Some(Artifacts::new());
    };
    let entries = list
        .members()?
        .map(|(path, hashes)| {
            let pairs = hashes
                .members()?
                .map(|(algorithm, digest)| {
                    let digest = digest.as_str()?;
                    // Counting (rather than stopping at the first bad byte) vectorizes.
                    let not_hex = digest.bytes().filter(|b| !b.is_ascii_hexdigit()).count();
                    (not_hex == 0).then_some((algorithm, digest))
                })
                .collect::<Option<Vec<(&str, &str)>>>()?;
            Some((path, pairs))
        })
        .collect::<Option<Vec<_>>>()?;
    // A parsed object's members are sorted and unique, as `from_sorted` requires.
    Artifacts::from_sorted_slice(&entries)
}
