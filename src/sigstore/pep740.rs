//! PEP 740 attestations (PyPI's `.publish.attestation`, `.slsa.attestation`): a Sigstore
//! signature over an in-toto statement in PyPI's own JSON shape. Read as the Sigstore bundle
//! they stand for, exactly as pypi-attestations' `Attestation.to_bundle` builds it: a v0.3
//! bundle with the leaf certificate, the first transparency entry, and a DSSE envelope whose
//! payload is the statement.

use serde_json::{Value, json};

/// The payload type PEP 740 envelopes always have (an in-toto statement).
const IN_TOTO_PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";

/// What pypi-attestations' `to_bundle` builds (`Bundle._from_parts`: the v0.3 media type).
const BUNDLE_V03: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";

/// A PEP 740 attestation missing what a bundle needs: the field, and what it should hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("PEP 740 attestation: `{field}` should be {expected}")]
pub struct Pep740Error {
    pub field: &'static str,
    pub expected: &'static str,
}

/// Whether `value` is shaped as a PEP 740 attestation (`version`, `verification_material`,
/// `envelope`), whatever else it holds.
pub fn is_attestation(value: &Value) -> bool {
    value.get("version").is_some()
        && value.get("verification_material").is_some()
        && value.get("envelope").is_some()
}

fn text<'v>(
    value: &'v Value,
    pointer: &str,
    field: &'static str,
    expected: &'static str,
) -> Result<&'v str, Pep740Error> {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .ok_or(Pep740Error { field, expected })
}

/// The Sigstore bundle a PEP 740 attestation stands for.
pub fn to_bundle(attestation: &Value) -> Result<Value, Pep740Error> {
    if attestation.get("version").and_then(Value::as_u64) != Some(1) {
        return Err(Pep740Error {
            field: "version",
            expected: "1 (the only version PEP 740 defines)",
        });
    }
    let certificate = text(
        attestation,
        "/verification_material/certificate",
        "verification_material.certificate",
        "the signing certificate, base64 DER",
    )?;
    let entry = attestation
        .pointer("/verification_material/transparency_entries/0")
        .filter(|entry| entry.is_object())
        .ok_or(Pep740Error {
            field: "verification_material.transparency_entries",
            expected: "a list holding the transparency log entry",
        })?;
    let statement = text(
        attestation,
        "/envelope/statement",
        "envelope.statement",
        "the in-toto statement, base64",
    )?;
    let signature = text(
        attestation,
        "/envelope/signature",
        "envelope.signature",
        "the signature, base64",
    )?;
    Ok(json!({
        "mediaType": BUNDLE_V03,
        "verificationMaterial": {
            "certificate": {"rawBytes": certificate},
            "tlogEntries": [entry],
        },
        "dsseEnvelope": {
            "payload": statement,
            "payloadType": IN_TOTO_PAYLOAD_TYPE,
            "signatures": [{"sig": signature}],
        },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_field_is_named() {
        let mut attestation = json!({
            "version": 1,
            "verification_material": {"certificate": "AA==", "transparency_entries": [{}]},
            "envelope": {"statement": "e30=", "signature": "AA=="},
        });
        assert!(is_attestation(&attestation));
        let bundle = to_bundle(&attestation).unwrap();
        assert_eq!(bundle["dsseEnvelope"]["payload"], "e30=");
        assert_eq!(
            bundle["verificationMaterial"]["certificate"]["rawBytes"],
            "AA=="
        );
        attestation["envelope"]
            .as_object_mut()
            .unwrap()
            .remove("signature");
        assert_eq!(
            to_bundle(&attestation).unwrap_err().field,
            "envelope.signature"
        );
        attestation["version"] = json!(2);
        assert_eq!(to_bundle(&attestation).unwrap_err().field, "version");
        assert!(!is_attestation(&json!({"mediaType": BUNDLE_V03})));
    }
}
