//! Signature envelopes: the legacy `{"signed", "signatures"}` of TUF and in-toto, and DSSE
//! `{"payload", "payloadType", "signatures"}`. Parsing keeps exactly what was signed: the raw
//! JSON value of `signed` (signatures cover its canonical form), or the DSSE payload bytes as
//! they were (signatures cover PAE(payloadType, payload)).

use base64::Engine as _;
use serde_json::Value;

use crate::cjson;

/// The payload type in-toto uses inside DSSE.
pub const INTOTO_PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";

/// Why a JSON value is not an envelope.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
    #[error(
        "not a signed envelope: expected {{\"signed\", \"signatures\"}} or DSSE {{\"payload\", \"payloadType\", \"signatures\"}}"
    )]
    NotAnEnvelope,
    #[error("field `{field}` is missing or is not {expected}")]
    Field {
        field: String,
        expected: &'static str,
    },
    #[error("field `{field}` is not base64")]
    Base64 { field: String },
    /// securesystemslib's `Envelope.from_dict` refuses this ("Multiple signatures found for
    /// keyid"), and so does chainscope.
    #[error("DSSE `signatures` holds two signatures by keyid {keyid}")]
    DuplicateDsseKeyid { keyid: String },
}

/// The bytes of one signature, or why there are none to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SigBytes {
    Bytes(Vec<u8>),
    /// The encoded value does not decode (not hex, not base64).
    Malformed(String),
    /// An OpenPGP signature as in-toto's GPG signer writes it (`signature`, `other_headers`).
    Gpg(super::gpg::GpgSignature),
}

/// One entry of `signatures`.
#[derive(Debug, Clone, PartialEq)]
pub struct Signature {
    pub keyid: String,
    pub sig: SigBytes,
    /// The entry as read, for writing back unchanged.
    pub raw: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Envelope {
    /// `{"signed": …, "signatures": [{"keyid", "sig": hex}]}`.
    Legacy {
        signed: Value,
        signatures: Vec<Signature>,
    },
    /// DSSE v1; `sig` is base64.
    Dsse {
        payload: Vec<u8>,
        payload_type: String,
        signatures: Vec<Signature>,
    },
}

impl Envelope {
    pub fn from_value(value: &Value) -> Result<Envelope, EnvelopeError> {
        Envelope::from_owned(value.clone())
    }

    /// Like [`Envelope::from_value`], moving `signed` out instead of copying it (links can be
    /// megabytes).
    pub fn from_owned(mut value: Value) -> Result<Envelope, EnvelopeError> {
        let object = value.as_object_mut().ok_or(EnvelopeError::NotAnEnvelope)?;
        if object.contains_key("signed") {
            let signatures = signatures(object.get("signatures"), Encoding::Hex)?;
            return Ok(Envelope::Legacy {
                signed: object.remove("signed").unwrap_or_default(),
                signatures,
            });
        }
        if object.contains_key("payload") || object.contains_key("payloadType") {
            let payload = object
                .get("payload")
                .and_then(Value::as_str)
                .ok_or_else(|| field("payload", "a base64 string"))?;
            let payload = decode_base64(payload).ok_or(EnvelopeError::Base64 {
                field: "payload".into(),
            })?;
            let payload_type = object
                .get("payloadType")
                .and_then(Value::as_str)
                .ok_or_else(|| field("payloadType", "a string"))?
                .to_owned();
            let signatures = signatures(object.get("signatures"), Encoding::Base64)?;
            let mut seen = std::collections::BTreeSet::new();
            if let Some(repeated) = signatures.iter().find(|s| !seen.insert(s.keyid.as_str())) {
                return Err(EnvelopeError::DuplicateDsseKeyid {
                    keyid: repeated.keyid.clone(),
                });
            }
            return Ok(Envelope::Dsse {
                payload,
                payload_type,
                signatures,
            });
        }
        Err(EnvelopeError::NotAnEnvelope)
    }

    pub fn signatures(&self) -> &[Signature] {
        match self {
            Envelope::Legacy { signatures, .. } | Envelope::Dsse { signatures, .. } => signatures,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Envelope::Legacy { .. } => "signed/signatures",
            Envelope::Dsse { .. } => "DSSE",
        }
    }

    /// Exactly the bytes the signatures cover.
    pub fn signed_bytes(&self) -> Result<Vec<u8>, cjson::CanonicalError> {
        match self {
            Envelope::Legacy { signed, .. } => {
                cjson::encode(signed).map_err(|e| prefix_path(e, "$.signed"))
            }
            Envelope::Dsse {
                payload,
                payload_type,
                ..
            } => Ok(pae(payload_type, payload)),
        }
    }

    /// The signed document as JSON: `signed` itself, or the parsed DSSE payload.
    pub fn payload_json(&self) -> Result<Value, cjson::ParseError> {
        match self {
            Envelope::Legacy { signed, .. } => Ok(signed.clone()),
            Envelope::Dsse { payload, .. } => cjson::parse(payload),
        }
    }
}

fn prefix_path(error: cjson::CanonicalError, prefix: &str) -> cjson::CanonicalError {
    match error {
        cjson::CanonicalError::Float { path, value } => cjson::CanonicalError::Float {
            path: path.replacen('$', prefix, 1),
            value,
        },
    }
}

/// DSSE v1 pre-authentication encoding: `"DSSEv1" SP len(type) SP type SP len(body) SP body`,
/// lengths in ASCII decimal bytes.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + payload_type.len() + 32);
    out.extend_from_slice(
        format!(
            "DSSEv1 {} {} {} ",
            payload_type.len(),
            payload_type,
            payload.len()
        )
        .as_bytes(),
    );
    out.extend_from_slice(payload);
    out
}

/// Decodes base64 as securesystemslib's `b64dec`: standard alphabet first, then URL-safe.
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    let config = GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::RequireCanonical);
    let standard = GeneralPurpose::new(&base64::alphabet::STANDARD, config);
    let url_safe = GeneralPurpose::new(&base64::alphabet::URL_SAFE, config);
    standard
        .decode(text)
        .or_else(|_| url_safe.decode(text))
        .ok()
}

pub fn encode_base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[derive(Clone, Copy)]
enum Encoding {
    Hex,
    Base64,
}

fn field(name: &str, expected: &'static str) -> EnvelopeError {
    EnvelopeError::Field {
        field: name.to_owned(),
        expected,
    }
}

/// The `signatures` list of a `{"signed", "signatures"}` envelope (hex signatures).
pub fn legacy_signatures(value: Option<&Value>) -> Result<Vec<Signature>, EnvelopeError> {
    signatures(value, Encoding::Hex)
}

fn signatures(value: Option<&Value>, encoding: Encoding) -> Result<Vec<Signature>, EnvelopeError> {
    let list = value
        .and_then(Value::as_array)
        .ok_or_else(|| field("signatures", "a list"))?;
    list.iter()
        .enumerate()
        .map(|(index, entry)| {
            let object = entry
                .as_object()
                .ok_or_else(|| field(&format!("signatures[{index}]"), "an object"))?;
            let keyid = object
                .get("keyid")
                .and_then(Value::as_str)
                .ok_or_else(|| field(&format!("signatures[{index}].keyid"), "a string"))?
                .to_owned();
            let sig = match object.get("sig") {
                Some(Value::String(text)) => match encoding {
                    Encoding::Hex => hex::decode(text)
                        .map(SigBytes::Bytes)
                        .unwrap_or_else(|_| SigBytes::Malformed("sig is not hex".into())),
                    Encoding::Base64 => decode_base64(text)
                        .map(SigBytes::Bytes)
                        .unwrap_or_else(|| SigBytes::Malformed("sig is not base64".into())),
                },
                None if object.contains_key("signature") => {
                    let hex_field = |name: &str| {
                        object
                            .get(name)
                            .and_then(Value::as_str)
                            .and_then(|text| hex::decode(text).ok())
                    };
                    match (hex_field("signature"), hex_field("other_headers")) {
                        (Some(signature), Some(other_headers)) => {
                            SigBytes::Gpg(super::gpg::GpgSignature {
                                other_headers,
                                signature,
                            })
                        }
                        _ => SigBytes::Malformed(
                            "a GPG signature needs hex `signature` and `other_headers`".into(),
                        ),
                    }
                }
                _ => return Err(field(&format!("signatures[{index}].sig"), "a string")),
            };
            Ok(Signature {
                keyid,
                sig,
                raw: entry.clone(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pae_matches_the_dsse_specification_example() {
        // From the DSSE protocol document.
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world".to_vec()
        );
    }

    #[test]
    fn legacy_envelope_keeps_signed_as_read() {
        let value = json!({"signed": {"b": 1, "a": "x", "x-unknown": [1]}, "signatures": [
            {"keyid": "k1", "sig": "abcd"}, {"keyid": "k2", "sig": "zz"},
            {"keyid": "k3", "signature": "abcd", "other_headers": "04"},
            {"keyid": "k4", "signature": "-----BEGIN PGP", "other_headers": "04"}]});
        let envelope = Envelope::from_value(&value).unwrap();
        assert_eq!(
            envelope.signed_bytes().unwrap(),
            br#"{"a":"x","b":1,"x-unknown":[1]}"#
        );
        let sigs = envelope.signatures();
        assert_eq!(sigs[0].sig, SigBytes::Bytes(vec![0xab, 0xcd]));
        assert!(matches!(sigs[1].sig, SigBytes::Malformed(_)));
        assert_eq!(
            sigs[2].sig,
            SigBytes::Gpg(crate::crypto::gpg::GpgSignature {
                other_headers: vec![4],
                signature: vec![0xab, 0xcd]
            })
        );
        assert!(matches!(sigs[3].sig, SigBytes::Malformed(_)));
    }

    #[test]
    fn dsse_signs_the_payload_bytes_as_they_are() {
        let payload = b"{ \"_type\" : \"link\" }";
        let value = json!({"payload": encode_base64(payload), "payloadType": INTOTO_PAYLOAD_TYPE,
            "signatures": [{"keyid": "k", "sig": encode_base64(&[1, 2, 3])}]});
        let envelope = Envelope::from_value(&value).unwrap();
        assert_eq!(
            envelope.signed_bytes().unwrap(),
            pae(INTOTO_PAYLOAD_TYPE, payload)
        );
        assert_eq!(envelope.signatures()[0].sig, SigBytes::Bytes(vec![1, 2, 3]));
        assert_eq!(envelope.payload_json().unwrap(), json!({"_type": "link"}));
    }

    #[test]
    fn base64_accepts_url_safe_and_rejects_garbage() {
        assert_eq!(decode_base64("-_8="), Some(vec![0xfb, 0xff]));
        assert_eq!(decode_base64("+/8="), Some(vec![0xfb, 0xff]));
        assert_eq!(decode_base64("+/8"), None);
        assert_eq!(decode_base64("**"), None);
    }

    #[test]
    fn names_the_missing_field() {
        let err = Envelope::from_value(&json!({"signed": {}, "signatures": [{"sig": "00"}]}))
            .unwrap_err();
        assert_eq!(
            crate::report::chain(&err),
            "field `signatures[0].keyid` is missing or is not a string"
        );
        assert_eq!(
            Envelope::from_value(&json!([])).unwrap_err(),
            EnvelopeError::NotAnEnvelope
        );
    }
}
