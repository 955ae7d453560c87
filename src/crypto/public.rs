//! Public keys as metadata carries them: `{"keytype", "scheme", "keyval": {"public"}}`.

use std::fmt;

use serde_json::{Value, json};
use sha2::{Digest, Sha256, Sha384, Sha512};
use spki::{DecodePublicKey, EncodePublicKey};

use super::pem::{self, PemBlock};
use super::scheme::{Curve, HashAlg, MlDsaLevel, Scheme};
use crate::cjson;

/// Why a key dict could not be read at all (as opposed to a key that loads but cannot verify).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyDictError {
    #[error("the key is not a JSON object")]
    NotAnObject,
    #[error("field `{field}` is missing or is not {expected}")]
    Field {
        field: &'static str,
        expected: &'static str,
    },
    #[error(transparent)]
    Canonical(#[from] cjson::CanonicalError),
}

/// A declared key id that matches neither way of computing it. Reference tools trust declared
/// ids and real repositories carry such keys, so this is reported, never fatal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyIdWarning {
    pub declared: String,
    pub computed: String,
    pub computed_legacy: String,
}

impl fmt::Display for KeyIdWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "key id {} is not the sha256 of the key (expected {} or, by the legacy formula, {})",
            self.declared, self.computed, self.computed_legacy
        )
    }
}

/// What a signature check can conclude besides "valid".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyFailure {
    #[error("signature does not verify")]
    BadSignature,
    #[error("signature is malformed: {0}")]
    MalformedSignature(String),
    #[error("unsupported key: {0}")]
    UnsupportedKey(String),
    #[error("public key cannot be used: {0}")]
    UnusableKey(String),
}

#[derive(Clone)]
pub(crate) enum Material {
    Ed25519(super::ed25519::Ed25519Key),
    Rsa(Box<rsa::PublicKey>),
    P256(p256::ecdsa::VerifyingKey),
    P384(p384::ecdsa::VerifyingKey),
    P521(p521::ecdsa::VerifyingKey),
    MlDsa44(Box<ml_dsa::VerifyingKey<ml_dsa::MlDsa44>>),
    MlDsa65(Box<ml_dsa::VerifyingKey<ml_dsa::MlDsa65>>),
    MlDsa87(Box<ml_dsa::VerifyingKey<ml_dsa::MlDsa87>>),
}

#[derive(Clone)]
enum Usability {
    Usable(Scheme, Box<Material>),
    /// An OpenPGP key, verified as securesystemslib's gpg module verifies it.
    Gpg(Box<super::gpg::GpgKey>),
    /// The scheme is one chainscope does not verify (GPG, ML-DSA, …); names it.
    Unsupported(String),
    /// The scheme is supported but `keyval.public` does not decode to a matching key.
    Unusable(String),
}

/// A public key with the id it is listed under.
#[derive(Clone)]
pub struct PublicKey {
    keyid: String,
    keytype: String,
    scheme_name: String,
    /// The dict exactly as read, so writing it back and hashing it never lose a field.
    dict: Value,
    usability: Usability,
    keyid_warning: Option<KeyIdWarning>,
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublicKey")
            .field("keyid", &self.keyid)
            .field("keytype", &self.keytype)
            .field("scheme", &self.scheme_name)
            .finish_non_exhaustive()
    }
}

/// Two listings are equal when they have the same id and the same dict, as written.
impl PartialEq for PublicKey {
    fn eq(&self, other: &PublicKey) -> bool {
        self.keyid == other.keyid && self.dict == other.dict
    }
}

impl PublicKey {
    /// Reads a key dict listed under `keyid`. Structural problems (a missing `keytype`) are
    /// errors; an unsupported scheme or an undecodable `keyval.public` still loads, as in
    /// securesystemslib, and every signature by that key then fails with the reason.
    pub fn from_dict(keyid: &str, dict: &Value) -> Result<PublicKey, KeyDictError> {
        let object = dict.as_object().ok_or(KeyDictError::NotAnObject)?;
        let text = |field: &'static str| -> Result<&str, KeyDictError> {
            object
                .get(field)
                .and_then(Value::as_str)
                .ok_or(KeyDictError::Field {
                    field,
                    expected: "a string",
                })
        };
        // Old in-toto GPG keys say `type`/`method` instead of `keytype`/`scheme`.
        let legacy_gpg = !object.contains_key("keytype") && object.contains_key("method");
        let (keytype, scheme_name) = if legacy_gpg {
            (text("type")?.to_owned(), text("method")?.to_owned())
        } else {
            (text("keytype")?.to_owned(), text("scheme")?.to_owned())
        };
        let keyval =
            object
                .get("keyval")
                .and_then(Value::as_object)
                .ok_or(KeyDictError::Field {
                    field: "keyval",
                    expected: "an object",
                })?;

        let usability = if super::gpg::GpgAlgorithm::is_scheme(&scheme_name) {
            match super::gpg::GpgKey::from_dict(keyid, dict) {
                Ok(gpg) => Usability::Gpg(Box::new(gpg)),
                Err(error) => Usability::Unusable(crate::report::chain(&error)),
            }
        } else {
            match Scheme::from_names(&keytype, &scheme_name) {
                // An unsupported key (GPG keys carry `{n, e}` objects) only has to name itself.
                Err(reason) => Usability::Unsupported(reason),
                Ok(scheme) => {
                    let public = keyval.get("public").and_then(Value::as_str).ok_or(
                        KeyDictError::Field {
                            field: "keyval.public",
                            expected: "a string",
                        },
                    )?;
                    match decode_material(scheme, public) {
                        Ok(material) => Usability::Usable(scheme, Box::new(material)),
                        Err(reason) => Usability::Unusable(reason),
                    }
                }
            }
        };

        let mut key = PublicKey {
            keyid: keyid.to_owned(),
            keytype,
            scheme_name,
            dict: dict.clone(),
            usability,
            keyid_warning: None,
        };
        let (computed, computed_legacy) = (key.computed_keyid()?, key.computed_legacy_keyid()?);
        let as_written = keyid_of(&key.dict_without_keyid())?;
        // A GPG key's id is its OpenPGP fingerprint, not a hash of its dict.
        let gpg = matches!(key.usability, Usability::Gpg(_));
        if !gpg && keyid != computed && keyid != computed_legacy && keyid != as_written {
            key.keyid_warning = Some(KeyIdWarning {
                declared: keyid.to_owned(),
                computed,
                computed_legacy,
            });
        }
        Ok(key)
    }

    /// Builds the dict securesystemslib's `SSlibKey.from_crypto` would write for `material`
    /// and lists it under the default (new-formula) key id.
    pub(crate) fn from_material(scheme: Scheme, material: Material) -> PublicKey {
        let public = material.public_value();
        let dict = json!({
            "keytype": scheme.keytype(),
            "scheme": scheme.name(),
            "keyval": {"public": public},
        });
        // A dict of three strings always has a canonical form.
        let keyid = keyid_of(&dict).unwrap_or_default();
        PublicKey {
            keyid,
            keytype: scheme.keytype().to_owned(),
            scheme_name: scheme.name().to_owned(),
            dict,
            usability: Usability::Usable(scheme, Box::new(material)),
            keyid_warning: None,
        }
    }

    pub fn keyid(&self) -> &str {
        &self.keyid
    }

    pub fn keytype(&self) -> &str {
        &self.keytype
    }

    pub fn scheme_name(&self) -> &str {
        &self.scheme_name
    }

    /// The scheme when chainscope can verify with this key.
    pub fn scheme(&self) -> Option<Scheme> {
        match &self.usability {
            Usability::Usable(scheme, _) => Some(*scheme),
            _ => None,
        }
    }

    /// The OpenPGP key, for a GPG key.
    pub fn gpg(&self) -> Option<&super::gpg::GpgKey> {
        match &self.usability {
            Usability::Gpg(gpg) => Some(gpg),
            _ => None,
        }
    }

    /// Why this key cannot verify anything, if it cannot.
    pub fn problem(&self) -> Option<VerifyFailure> {
        match &self.usability {
            Usability::Usable(..) | Usability::Gpg(_) => None,
            Usability::Unsupported(reason) => Some(VerifyFailure::UnsupportedKey(reason.clone())),
            Usability::Unusable(reason) => Some(VerifyFailure::UnusableKey(reason.clone())),
        }
    }

    pub fn keyid_warning(&self) -> Option<&KeyIdWarning> {
        self.keyid_warning.as_ref()
    }

    /// The key dict as read, every field kept.
    pub fn to_dict(&self) -> &Value {
        &self.dict
    }

    /// The same key listed under another id (for example the id a file declares).
    pub fn with_keyid(&self, keyid: &str) -> Result<PublicKey, KeyDictError> {
        PublicKey::from_dict(keyid, &self.dict)
    }

    /// `keyval.public` as written.
    pub fn public_value(&self) -> &str {
        self.dict["keyval"]["public"].as_str().unwrap_or_default()
    }

    /// securesystemslib's `compute_default_keyid`: sha256 of `{keytype, scheme, keyval}`.
    pub fn computed_keyid(&self) -> Result<String, KeyDictError> {
        keyid_of(&json!({
            "keytype": self.keytype,
            "scheme": self.scheme_name,
            "keyval": self.public_keyval(),
        }))
    }

    /// The id older securesystemslib computed, with `keyid_hash_algorithms` in the dict.
    pub fn computed_legacy_keyid(&self) -> Result<String, KeyDictError> {
        keyid_of(&json!({
            "keytype": self.keytype,
            "scheme": self.scheme_name,
            "keyid_hash_algorithms": ["sha256", "sha512"],
            "keyval": self.public_keyval(),
        }))
    }

    /// `keyval` as listed, without a private part should a key file have carried one.
    fn public_keyval(&self) -> Value {
        let mut keyval = self.dict.get("keyval").cloned().unwrap_or_default();
        if let Some(map) = keyval.as_object_mut() {
            map.remove("private");
        }
        keyval
    }

    fn dict_without_keyid(&self) -> Value {
        let mut dict = self.dict.clone();
        if let Some(object) = dict.as_object_mut() {
            object.remove("keyid");
        }
        dict
    }

    /// Identifies the key material itself, whatever id or scheme it is listed under: two
    /// entries with the same fingerprint are one signer and count once toward a threshold.
    pub fn fingerprint(&self) -> Option<Vec<u8>> {
        match &self.usability {
            Usability::Usable(_, material) => Some(material.fingerprint()),
            Usability::Gpg(gpg) => Some(gpg.fingerprint()),
            _ => None,
        }
    }

    /// Checks one entry of a `signatures` list over `message`: raw signature bytes with
    /// [`PublicKey::verify`], a GPG signature with the GPG key (or the subkey it names).
    pub fn verify_signature(
        &self,
        signature: &super::envelope::Signature,
        message: &[u8],
    ) -> Result<(), VerifyFailure> {
        use super::envelope::SigBytes;
        if let Some(problem) = self.problem() {
            return Err(problem);
        }
        match (&signature.sig, &self.usability) {
            (SigBytes::Malformed(reason), _) => {
                Err(VerifyFailure::MalformedSignature(reason.clone()))
            }
            (SigBytes::Gpg(gpg_signature), Usability::Gpg(gpg)) => gpg
                .verify(&signature.keyid, gpg_signature, message)
                .map_err(|failure| match failure {
                    super::gpg::GpgVerifyFailure::BadSignature => VerifyFailure::BadSignature,
                    super::gpg::GpgVerifyFailure::Malformed(why) => {
                        VerifyFailure::MalformedSignature(why)
                    }
                }),
            (SigBytes::Gpg(_), _) => Err(VerifyFailure::MalformedSignature(
                "a GPG signature, but the key is not a GPG key".into(),
            )),
            (SigBytes::Bytes(bytes), _) => self.verify(message, bytes),
        }
    }

    /// Checks `signature` over `message` as securesystemslib's `SSlibKey.verify_signature`.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), VerifyFailure> {
        let (scheme, material) = match &self.usability {
            Usability::Usable(scheme, material) => (*scheme, material),
            Usability::Gpg(_) => {
                return Err(VerifyFailure::MalformedSignature(
                    "a GPG key verifies GPG signatures ({other_headers, signature}), not raw bytes"
                        .into(),
                ));
            }
            Usability::Unsupported(reason) => {
                return Err(VerifyFailure::UnsupportedKey(reason.clone()));
            }
            Usability::Unusable(reason) => return Err(VerifyFailure::UnusableKey(reason.clone())),
        };
        let malformed = |e: &dyn fmt::Display| VerifyFailure::MalformedSignature(e.to_string());
        match (scheme, &**material) {
            (Scheme::Ed25519, Material::Ed25519(key)) => {
                let sig: &[u8; 64] = signature
                    .try_into()
                    .map_err(|_| malformed(&"an Ed25519 signature is 64 bytes"))?;
                if key.verify(message, sig) {
                    Ok(())
                } else {
                    Err(VerifyFailure::BadSignature)
                }
            }
            (Scheme::RsassaPss(hash), Material::Rsa(key)) => {
                verify_rsa_pss(key, hash, message, signature)
            }
            (Scheme::RsaPkcs1v15(hash), Material::Rsa(key)) => {
                let result = match hash {
                    HashAlg::Sha256 => key.pkcs1v15_verify::<Sha256>(message, signature),
                    HashAlg::Sha384 => key.pkcs1v15_verify::<Sha384>(message, signature),
                    HashAlg::Sha512 => key.pkcs1v15_verify::<Sha512>(message, signature),
                };
                result.map_err(|_| VerifyFailure::BadSignature)
            }
            (Scheme::Ecdsa(Curve::P256), Material::P256(key)) => {
                use p256::ecdsa::signature::Verifier as _;
                let sig = p256::ecdsa::Signature::from_der(signature).map_err(|e| malformed(&e))?;
                key.verify(message, &sig)
                    .map_err(|_| VerifyFailure::BadSignature)
            }
            (Scheme::Ecdsa(Curve::P384), Material::P384(key)) => {
                use p384::ecdsa::signature::Verifier as _;
                let sig = p384::ecdsa::Signature::from_der(signature).map_err(|e| malformed(&e))?;
                key.verify(message, &sig)
                    .map_err(|_| VerifyFailure::BadSignature)
            }
            (Scheme::Ecdsa(Curve::P521), Material::P521(key)) => {
                use p521::ecdsa::signature::Verifier as _;
                let sig = p521::ecdsa::Signature::from_der(signature).map_err(|e| malformed(&e))?;
                key.verify(message, &sig)
                    .map_err(|_| VerifyFailure::BadSignature)
            }
            (
                Scheme::MlDsa(_),
                material @ (Material::MlDsa44(_) | Material::MlDsa65(_) | Material::MlDsa87(_)),
            ) => verify_ml_dsa(material, message, signature),
            // decode_material only pairs a scheme with its own kind of material.
            _ => Err(VerifyFailure::UnusableKey(
                "key material does not match its scheme".into(),
            )),
        }
    }
}

fn verify_rsa_pss(
    key: &rsa::PublicKey,
    hash: HashAlg,
    message: &[u8],
    signature: &[u8],
) -> Result<(), VerifyFailure> {
    use rsa::signature::Verifier as _;
    let sig = rsa::pss::Signature::try_from(signature)
        .map_err(|e| VerifyFailure::MalformedSignature(crate::report::chain(&e)))?;
    // securesystemslib verifies PSS with `salt_length=PSS.AUTO`: any salt length is accepted.
    let result = match hash {
        HashAlg::Sha256 => rsa::pss::VerifyingKey::<Sha256>::new_with_auto_salt_len(key.clone())
            .verify(message, &sig),
        HashAlg::Sha384 => rsa::pss::VerifyingKey::<Sha384>::new_with_auto_salt_len(key.clone())
            .verify(message, &sig),
        HashAlg::Sha512 => rsa::pss::VerifyingKey::<Sha512>::new_with_auto_salt_len(key.clone())
            .verify(message, &sig),
    };
    result.map_err(|_| VerifyFailure::BadSignature)
}

/// TAP 21 / securesystemslib: ML-DSA (empty context) over `"tuf" || 0x01 || SHA-512(message)`.
fn verify_ml_dsa(
    material: &Material,
    message: &[u8],
    signature: &[u8],
) -> Result<(), VerifyFailure> {
    let payload = [b"tuf".as_slice(), &[1], Sha512::digest(message).as_slice()].concat();
    let malformed = || {
        VerifyFailure::MalformedSignature(format!(
            "an {} signature is not {} bytes long",
            material.describe(),
            signature.len()
        ))
    };
    let valid = match material {
        Material::MlDsa44(key) => {
            let sig = ml_dsa::Signature::<ml_dsa::MlDsa44>::try_from(signature)
                .map_err(|_| malformed())?;
            key.verify_with_context(&payload, &[], &sig)
        }
        Material::MlDsa65(key) => {
            let sig = ml_dsa::Signature::<ml_dsa::MlDsa65>::try_from(signature)
                .map_err(|_| malformed())?;
            key.verify_with_context(&payload, &[], &sig)
        }
        Material::MlDsa87(key) => {
            let sig = ml_dsa::Signature::<ml_dsa::MlDsa87>::try_from(signature)
                .map_err(|_| malformed())?;
            key.verify_with_context(&payload, &[], &sig)
        }
        _ => false,
    };
    if valid {
        Ok(())
    } else {
        Err(VerifyFailure::BadSignature)
    }
}

/// sha256 hex of the canonical JSON of a key dict.
pub fn keyid_of(dict: &Value) -> Result<String, KeyDictError> {
    Ok(hex::encode(Sha256::digest(cjson::encode(dict)?)))
}

impl Material {
    /// `keyval.public` as securesystemslib writes it: raw hex for Ed25519, SubjectPublicKeyInfo
    /// PEM (64-column lines, trailing newline) for RSA and ECDSA.
    pub(crate) fn public_value(&self) -> String {
        match self {
            Material::Ed25519(key) => hex::encode(key.key.as_bytes()),
            _ => self.spki_pem(),
        }
    }

    /// The key as SubjectPublicKeyInfo PEM, the form `in-toto-verify` and OpenSSL read.
    pub(crate) fn spki_pem(&self) -> String {
        let der = match self {
            Material::Ed25519(key) => key.key.to_public_key_der(),
            Material::Rsa(key) => key.to_public_key_der(),
            Material::P256(key) => key.to_public_key_der(),
            Material::P384(key) => key.to_public_key_der(),
            Material::P521(key) => key.to_public_key_der(),
            Material::MlDsa44(key) => key.to_public_key_der(),
            Material::MlDsa65(key) => key.to_public_key_der(),
            Material::MlDsa87(key) => key.to_public_key_der(),
        };
        der.ok()
            .and_then(|doc| {
                doc.to_pem("PUBLIC KEY", spki::der::pem::LineEnding::LF)
                    .ok()
            })
            .unwrap_or_default()
    }

    fn fingerprint(&self) -> Vec<u8> {
        let (tag, bytes): (&[u8], Vec<u8>) = match self {
            Material::Ed25519(key) => (b"ed25519", key.key.as_bytes().to_vec()),
            Material::Rsa(key) => (
                b"rsa",
                key.to_public_key_der()
                    .map(|d| d.as_bytes().to_vec())
                    .unwrap_or_default(),
            ),
            Material::P256(key) => (b"p256", key.to_sec1_bytes().to_vec()),
            Material::P384(key) => (b"p384", key.to_sec1_bytes().to_vec()),
            Material::P521(key) => (b"p521", key.to_sec1_bytes().to_vec()),
            Material::MlDsa44(_) | Material::MlDsa65(_) | Material::MlDsa87(_) => {
                (b"ml-dsa", self.spki_pem().into_bytes())
            }
        };
        [tag, b":", &bytes].concat()
    }
}

fn decode_material(scheme: Scheme, public: &str) -> Result<Material, String> {
    match scheme {
        Scheme::Ed25519 => {
            let bytes =
                hex::decode(public.trim()).map_err(|_| "keyval.public is not hex".to_owned())?;
            let bytes: [u8; 32] = bytes
                .try_into()
                .map_err(|_| "an Ed25519 public key is 32 bytes (64 hex digits)".to_owned())?;
            ed25519_dalek::VerifyingKey::from_bytes(&bytes)
                .map(|key| Material::Ed25519(key.into()))
                .map_err(|_| "keyval.public is not a valid Ed25519 point".to_owned())
        }
        Scheme::RsassaPss(_) | Scheme::RsaPkcs1v15(_) | Scheme::Ecdsa(_) | Scheme::MlDsa(_) => {
            let block = pem::first_block(public).map_err(|e| format!("keyval.public: {e}"))?;
            let material = material_from_public_pem(&block)?;
            let fits = matches!(
                (scheme, &material),
                (
                    Scheme::RsassaPss(_) | Scheme::RsaPkcs1v15(_),
                    Material::Rsa(_)
                ) | (Scheme::Ecdsa(Curve::P256), Material::P256(_))
                    | (Scheme::Ecdsa(Curve::P384), Material::P384(_))
                    | (Scheme::Ecdsa(Curve::P521), Material::P521(_))
                    | (Scheme::MlDsa(MlDsaLevel::MlDsa44), Material::MlDsa44(_))
                    | (Scheme::MlDsa(MlDsaLevel::MlDsa65), Material::MlDsa65(_))
                    | (Scheme::MlDsa(MlDsaLevel::MlDsa87), Material::MlDsa87(_))
            );
            if fits {
                Ok(material)
            } else {
                Err(format!(
                    "keyval.public holds {} key, which scheme {} cannot use",
                    material.describe(),
                    scheme
                ))
            }
        }
    }
}

impl Material {
    pub(crate) fn describe(&self) -> &'static str {
        match self {
            Material::Ed25519(_) => "an Ed25519",
            Material::Rsa(_) => "an RSA",
            Material::P256(_) => "a P-256 ECDSA",
            Material::P384(_) => "a P-384 ECDSA",
            Material::P521(_) => "a P-521 ECDSA",
            Material::MlDsa44(_) => "an ML-DSA-44",
            Material::MlDsa65(_) => "an ML-DSA-65",
            Material::MlDsa87(_) => "an ML-DSA-87",
        }
    }

    /// The scheme securesystemslib's `from_crypto` picks for this kind of key.
    pub(crate) fn default_scheme(&self) -> Scheme {
        match self {
            Material::Ed25519(_) => Scheme::Ed25519,
            Material::Rsa(_) => Scheme::RsassaPss(HashAlg::Sha256),
            Material::P256(_) => Scheme::Ecdsa(Curve::P256),
            Material::P384(_) => Scheme::Ecdsa(Curve::P384),
            Material::P521(_) => Scheme::Ecdsa(Curve::P521),
            Material::MlDsa44(_) => Scheme::MlDsa(MlDsaLevel::MlDsa44),
            Material::MlDsa65(_) => Scheme::MlDsa(MlDsaLevel::MlDsa65),
            Material::MlDsa87(_) => Scheme::MlDsa(MlDsaLevel::MlDsa87),
        }
    }
}

const OID_RSA: spki::ObjectIdentifier = spki::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const OID_EC: spki::ObjectIdentifier = spki::ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const OID_ED25519: spki::ObjectIdentifier = spki::ObjectIdentifier::new_unwrap("1.3.101.112");
const OID_P256: spki::ObjectIdentifier = spki::ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const OID_P384: spki::ObjectIdentifier = spki::ObjectIdentifier::new_unwrap("1.3.132.0.34");
const OID_P521: spki::ObjectIdentifier = spki::ObjectIdentifier::new_unwrap("1.3.132.0.35");
const OID_ML_DSA_44: spki::ObjectIdentifier =
    spki::ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.3.17");
const OID_ML_DSA_65: spki::ObjectIdentifier =
    spki::ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.3.18");
const OID_ML_DSA_87: spki::ObjectIdentifier =
    spki::ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.3.19");

/// The kind of key an `AlgorithmIdentifier` names, shared by public (SPKI) and private (PKCS#8)
/// key parsing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyKind {
    Ed25519,
    Rsa,
    Ec(Curve),
    MlDsa(MlDsaLevel),
}

pub(crate) fn key_kind(
    algorithm: spki::ObjectIdentifier,
    parameter: Option<spki::ObjectIdentifier>,
) -> Result<KeyKind, String> {
    match (algorithm, parameter) {
        (OID_ED25519, _) => Ok(KeyKind::Ed25519),
        (OID_RSA, _) => Ok(KeyKind::Rsa),
        (OID_ML_DSA_44, _) => Ok(KeyKind::MlDsa(MlDsaLevel::MlDsa44)),
        (OID_ML_DSA_65, _) => Ok(KeyKind::MlDsa(MlDsaLevel::MlDsa65)),
        (OID_ML_DSA_87, _) => Ok(KeyKind::MlDsa(MlDsaLevel::MlDsa87)),
        (OID_EC, Some(OID_P256)) => Ok(KeyKind::Ec(Curve::P256)),
        (OID_EC, Some(OID_P384)) => Ok(KeyKind::Ec(Curve::P384)),
        (OID_EC, Some(OID_P521)) => Ok(KeyKind::Ec(Curve::P521)),
        (OID_EC, Some(curve)) => Err(format!("elliptic curve {curve} is not supported")),
        (OID_EC, None) => Err("EC key without a named curve".into()),
        (other, _) => Err(format!("key algorithm {other} is not supported")),
    }
}

pub(crate) fn material_from_public_pem(block: &PemBlock) -> Result<Material, String> {
    match block.label.as_str() {
        "PUBLIC KEY" => material_from_spki_der(&block.der),
        "RSA PUBLIC KEY" => {
            use rsa::pkcs1::DecodeRsaPublicKey as _;
            rsa::PublicKey::from_pkcs1_der(&block.der)
                .map(|k| Material::Rsa(Box::new(k)))
                .map_err(|e| format!("bad PKCS#1 RSA public key: {e}"))
        }
        other => Err(format!(
            "expected a \"PUBLIC KEY\" PEM block, found \"{other}\""
        )),
    }
}

pub(crate) fn material_from_spki_der(der: &[u8]) -> Result<Material, String> {
    let info = spki::SubjectPublicKeyInfoRef::try_from(der)
        .map_err(|e| format!("bad SubjectPublicKeyInfo: {e}"))?;
    let (algorithm, parameter) = info
        .algorithm
        .oids()
        .map_err(|e| format!("bad key algorithm: {e}"))?;
    let bad = |e: spki::Error| format!("bad public key: {e}");
    Ok(match key_kind(algorithm, parameter)? {
        KeyKind::Ed25519 => Material::Ed25519(
            ed25519_dalek::VerifyingKey::from_public_key_der(der)
                .map_err(bad)?
                .into(),
        ),
        KeyKind::Rsa => Material::Rsa(Box::new(
            rsa::PublicKey::from_public_key_der(der).map_err(bad)?,
        )),
        KeyKind::Ec(Curve::P256) => {
            Material::P256(p256::ecdsa::VerifyingKey::from_public_key_der(der).map_err(bad)?)
        }
        KeyKind::Ec(Curve::P384) => {
            Material::P384(p384::ecdsa::VerifyingKey::from_public_key_der(der).map_err(bad)?)
        }
        KeyKind::Ec(Curve::P521) => {
            Material::P521(p521::ecdsa::VerifyingKey::from_public_key_der(der).map_err(bad)?)
        }
        KeyKind::MlDsa(MlDsaLevel::MlDsa44) => Material::MlDsa44(Box::new(
            ml_dsa::VerifyingKey::from_public_key_der(der).map_err(bad)?,
        )),
        KeyKind::MlDsa(MlDsaLevel::MlDsa65) => Material::MlDsa65(Box::new(
            ml_dsa::VerifyingKey::from_public_key_der(der).map_err(bad)?,
        )),
        KeyKind::MlDsa(MlDsaLevel::MlDsa87) => Material::MlDsa87(Box::new(
            ml_dsa::VerifyingKey::from_public_key_der(der).map_err(bad)?,
        )),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ED_PUBLIC: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

    fn ed_dict() -> Value {
        json!({"keytype": "ed25519", "scheme": "ed25519", "keyval": {"public": ED_PUBLIC}})
    }

    #[test]
    fn both_keyid_formulas_are_accepted_and_others_warn() {
        let probe = PublicKey::from_dict("x", &ed_dict()).unwrap();
        let new = probe.computed_keyid().unwrap();
        let legacy = probe.computed_legacy_keyid().unwrap();
        assert_ne!(new, legacy);
        assert!(
            PublicKey::from_dict(&new, &ed_dict())
                .unwrap()
                .keyid_warning()
                .is_none()
        );
        assert!(
            PublicKey::from_dict(&legacy, &ed_dict())
                .unwrap()
                .keyid_warning()
                .is_none()
        );
        let warned = PublicKey::from_dict("abcd", &ed_dict()).unwrap();
        let warning = warned.keyid_warning().unwrap();
        assert_eq!(
            (warning.computed.as_str(), warning.computed_legacy.as_str()),
            (new.as_str(), legacy.as_str())
        );
        // The key still verifies: a mismatching id is a warning only.
        assert!(warned.problem().is_none());
    }

    #[test]
    fn rfc8032_test_vector_verifies() {
        let key = PublicKey::from_dict("k", &ed_dict()).unwrap();
        let sig = hex::decode("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b").unwrap();
        assert_eq!(key.verify(b"", &sig), Ok(()));
        assert_eq!(key.verify(b"x", &sig), Err(VerifyFailure::BadSignature));
        assert!(matches!(
            key.verify(b"", &sig[..10]),
            Err(VerifyFailure::MalformedSignature(_))
        ));
    }

    #[test]
    fn unsupported_and_unusable_keys_load_and_say_why() {
        let sphincs = json!({"keytype": "sphincs", "scheme": "sphincs-shake-256f", "keyval": {"public": "..."}});
        let key = PublicKey::from_dict("s", &sphincs).unwrap();
        match key.verify(b"m", b"s") {
            Err(VerifyFailure::UnsupportedKey(reason)) => {
                assert!(reason.contains("sphincs-shake-256f"))
            }
            other => panic!("{other:?}"),
        }
        // A GPG key whose public part is not the `{n, e}` object GPG keys carry.
        let gpg =
            json!({"keytype": "rsa", "scheme": "pgp+rsa-pkcsv1.5", "keyval": {"public": "..."}});
        match PublicKey::from_dict("g", &gpg).unwrap().problem() {
            Some(VerifyFailure::UnusableKey(reason)) => {
                assert!(reason.contains("keyval.public"), "{reason}")
            }
            other => panic!("{other:?}"),
        }
        let broken = json!({"keytype": "ed25519", "scheme": "ed25519", "keyval": {"public": "zz"}});
        assert!(matches!(
            PublicKey::from_dict("b", &broken)
                .unwrap()
                .verify(b"m", b"s"),
            Err(VerifyFailure::UnusableKey(_))
        ));
        // in-toto's GPG key dicts (`type`/`method`) load; a modulus this small is unusable.
        let old_gpg = json!({"type": "rsa", "method": "pgp+rsa-pkcsv1.5", "hashes": ["pgp+SHA2"],
            "keyval": {"public": {"n": "abcd", "e": "010001"}, "private": ""}});
        match PublicKey::from_dict("o", &old_gpg).unwrap().problem() {
            Some(VerifyFailure::UnusableKey(reason)) => assert!(reason.contains("RSA"), "{reason}"),
            other => panic!("{other:?}"),
        }
        let missing = json!({"keytype": "ed25519", "keyval": {"public": ED_PUBLIC}});
        assert_eq!(
            PublicKey::from_dict("m", &missing).unwrap_err(),
            KeyDictError::Field {
                field: "scheme",
                expected: "a string"
            }
        );
    }
}
