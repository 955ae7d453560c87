//! OpenPGP (GnuPG) keys and signatures as in-toto 3.x verifies them, through securesystemslib's
//! `_gpg` module: the key dicts gpg-exported keys become (`{"keyid", "type", "method",
//! "keyval": {"public": {…}}, "creation_time", "validity_period", "subkeys"}`), the signature
//! dicts `in-toto-run --gpg` writes (`{"keyid", "other_headers", "signature"}`), and keys as
//! `gpg --export` writes them (binary or ASCII-armored), read as securesystemslib's
//! `get_pubkey_bundle` reads them.
//!
//! A signature is checked as `verify_signature` checks it: the subkey whose id the signature
//! names (else the key itself), then RSA PKCS#1 v1.5, DSA or EdDSA over
//! `SHA-256(content ‖ other_headers ‖ 0x04 0xff ‖ len(other_headers) as u32)` (RFC 4880
//! §5.2.4). Whether the key has expired is a separate question with the time passed in
//! ([`GpgKey::expired`]), since verification never reads the clock.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use sha2::Digest as _;

/// The public-key algorithms securesystemslib accepts (RFC 4880 §9.1: 1, 17, 22).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GpgAlgorithm {
    Rsa,
    Dsa,
    Eddsa,
}

impl GpgAlgorithm {
    /// securesystemslib's `type` and `method`.
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            GpgAlgorithm::Rsa => ("rsa", "pgp+rsa-pkcsv1.5"),
            GpgAlgorithm::Dsa => ("dsa", "pgp+dsa-fips-180-2"),
            GpgAlgorithm::Eddsa => ("eddsa", "pgp+eddsa-ed25519"),
        }
    }

    fn from_type(keytype: &str) -> Option<GpgAlgorithm> {
        match keytype {
            "rsa" => Some(GpgAlgorithm::Rsa),
            "dsa" => Some(GpgAlgorithm::Dsa),
            "eddsa" => Some(GpgAlgorithm::Eddsa),
            _ => None,
        }
    }

    fn from_packet(algorithm: u8) -> Option<GpgAlgorithm> {
        match algorithm {
            1 => Some(GpgAlgorithm::Rsa),
            17 => Some(GpgAlgorithm::Dsa),
            22 => Some(GpgAlgorithm::Eddsa),
            _ => None,
        }
    }

    /// Whether `scheme` is this algorithm's securesystemslib method name.
    pub fn is_scheme(scheme: &str) -> bool {
        [GpgAlgorithm::Rsa, GpgAlgorithm::Dsa, GpgAlgorithm::Eddsa]
            .iter()
            .any(|a| a.names().1 == scheme)
    }
}

/// The key material, ready to verify with.
#[derive(Clone)]
enum Params {
    /// The public key and the hex length of `n` (signatures are zero-padded to it, as
    /// securesystemslib pads them).
    Rsa(Box<rsa::PublicKey>, usize),
    Dsa(Box<dsa::VerifyingKey>),
    Eddsa(ed25519_dalek::VerifyingKey),
}

/// An OpenPGP key as securesystemslib holds it: a primary key and its verified subkeys.
#[derive(Clone)]
pub struct GpgKey {
    /// The v4 fingerprint, 40 lowercase hex digits.
    pub keyid: String,
    pub algorithm: GpgAlgorithm,
    params: Params,
    /// Seconds since the epoch, from the key packet.
    pub creation_time: Option<u64>,
    /// Seconds after creation the key is valid for (from its self-signature), if it expires.
    pub validity_period: Option<u64>,
    pub subkeys: BTreeMap<String, GpgKey>,
    /// The dict this key was read from or becomes.
    dict: Value,
}

impl std::fmt::Debug for GpgKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GpgKey")
            .field("keyid", &self.keyid)
            .field("algorithm", &self.algorithm)
            .field("subkeys", &self.subkeys.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// Why a GPG key dict or export cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GpgKeyError {
    #[error("field `{field}` is missing or is not {expected}")]
    Field {
        field: String,
        expected: &'static str,
    },
    #[error("{0}")]
    Unusable(String),
    #[error("OpenPGP data: {0}")]
    Packet(String),
}

fn field(field: impl Into<String>, expected: &'static str) -> GpgKeyError {
    GpgKeyError::Field {
        field: field.into(),
        expected,
    }
}

/// An OpenPGP signature as in-toto stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GpgSignature {
    pub other_headers: Vec<u8>,
    pub signature: Vec<u8>,
}

/// Why a GPG signature did not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GpgVerifyFailure {
    #[error("signature does not verify")]
    BadSignature,
    #[error("signature is malformed: {0}")]
    Malformed(String),
}

impl GpgKey {
    /// Reads a key dict as securesystemslib's gpg functions take it: `type`/`method` (or
    /// `keytype`/`scheme`), `keyval.public` as an object of hex numbers, optional
    /// `creation_time`, `validity_period` and `subkeys` (each a key dict itself).
    pub fn from_dict(keyid: &str, dict: &Value) -> Result<GpgKey, GpgKeyError> {
        let object = dict.as_object().ok_or_else(|| field("key", "an object"))?;
        let keytype = object
            .get("type")
            .or_else(|| object.get("keytype"))
            .and_then(Value::as_str)
            .ok_or_else(|| field("type", "a string"))?;
        let algorithm = GpgAlgorithm::from_type(keytype).ok_or_else(|| {
            GpgKeyError::Unusable(format!(
                "GPG key type \"{keytype}\" is not rsa, dsa or eddsa"
            ))
        })?;
        let public = object
            .get("keyval")
            .and_then(|v| v.get("public"))
            .and_then(Value::as_object)
            .ok_or_else(|| field("keyval.public", "an object"))?;
        let number = |name: &'static str| -> Result<Vec<u8>, GpgKeyError> {
            let text = public
                .get(name)
                .and_then(Value::as_str)
                .ok_or_else(|| field(format!("keyval.public.{name}"), "a hex string"))?;
            hex::decode(text).map_err(|_| field(format!("keyval.public.{name}"), "a hex string"))
        };
        let params = match algorithm {
            GpgAlgorithm::Rsa => {
                let n_hex = public.get("n").and_then(Value::as_str).unwrap_or_default();
                rsa_params(&number("n")?, &number("e")?, n_hex.len())?
            }
            GpgAlgorithm::Dsa => {
                dsa_params(&number("p")?, &number("q")?, &number("g")?, &number("y")?)?
            }
            GpgAlgorithm::Eddsa => eddsa_params(&number("q")?)?,
        };
        let seconds = |name: &'static str| -> Result<Option<u64>, GpgKeyError> {
            match object.get(name) {
                None | Some(Value::Null) => Ok(None),
                Some(value) => value
                    .as_u64()
                    .map(Some)
                    .ok_or_else(|| field(name, "a whole number of seconds")),
            }
        };
        let mut subkeys = BTreeMap::new();
        if let Some(listed) = object.get("subkeys") {
            let listed = listed
                .as_object()
                .ok_or_else(|| field("subkeys", "an object"))?;
            for (id, subkey) in listed {
                let subkey = GpgKey::from_dict(id, subkey).map_err(|e| match e {
                    GpgKeyError::Field { field, expected } => GpgKeyError::Field {
                        field: format!("subkeys.{id}.{field}"),
                        expected,
                    },
                    other => other,
                })?;
                subkeys.insert(id.to_ascii_lowercase(), subkey);
            }
        }
        Ok(GpgKey {
            keyid: keyid.to_ascii_lowercase(),
            algorithm,
            params,
            creation_time: seconds("creation_time")?,
            validity_period: seconds("validity_period")?,
            subkeys,
            dict: dict.clone(),
        })
    }

    /// The key dict, as read or as `export_pubkey` writes it.
    pub fn to_dict(&self) -> &Value {
        &self.dict
    }

    /// Whether the signature's keyid names this key or one of its subkeys.
    pub fn covers(&self, keyid: &str) -> bool {
        let keyid = keyid.to_ascii_lowercase();
        self.keyid == keyid || self.subkeys.contains_key(&keyid)
    }

    /// The key a signature by `keyid` is checked with: that subkey, else the key itself.
    fn signer(&self, keyid: &str) -> &GpgKey {
        self.subkeys
            .get(&keyid.to_ascii_lowercase())
            .unwrap_or(self)
    }

    /// securesystemslib's expiry check for a signature by `keyid`: the (sub)key expired when
    /// `creation_time + validity_period < now`. `Some(when)` if it has.
    pub fn expired(&self, keyid: &str, now: i64) -> Option<i64> {
        let key = self.signer(keyid);
        let (Some(created), Some(valid)) = (key.creation_time, key.validity_period) else {
            return None;
        };
        let until = i64::try_from(created.saturating_add(valid)).unwrap_or(i64::MAX);
        (created > 0 && valid > 0 && until < now).then_some(until)
    }

    /// Checks a signature by `keyid` (this key or a subkey) over `content`.
    pub fn verify(
        &self,
        keyid: &str,
        signature: &GpgSignature,
        content: &[u8],
    ) -> Result<(), GpgVerifyFailure> {
        let key = self.signer(keyid);
        let digest = openpgp_digest(content, &signature.other_headers);
        key.verify_digest(&digest, &signature.signature)
    }

    fn verify_digest(&self, digest: &[u8], signature: &[u8]) -> Result<(), GpgVerifyFailure> {
        match &self.params {
            Params::Rsa(key, n_hex_len) => {
                // securesystemslib zero-pads the signature's hex to the modulus's hex length.
                let padded;
                let signature = if signature.len() * 2 < *n_hex_len {
                    let mut bytes = vec![0u8; n_hex_len / 2 - signature.len()];
                    bytes.extend_from_slice(signature);
                    padded = bytes;
                    &padded
                } else {
                    signature
                };
                key.pkcs1v15_verify_prehash::<sha2::Sha256>(digest, signature)
                    .map_err(|_| GpgVerifyFailure::BadSignature)
            }
            Params::Dsa(key) => {
                use dsa::signature::hazmat::PrehashVerifier as _;
                let signature = dsa::Signature::try_from(signature)
                    .map_err(|e| GpgVerifyFailure::Malformed(format!("a DSA signature: {e}")))?;
                key.verify_prehash(digest, &signature)
                    .map_err(|_| GpgVerifyFailure::BadSignature)
            }
            Params::Eddsa(key) => {
                use ed25519_dalek::Verifier as _;
                let signature = ed25519_dalek::Signature::from_slice(signature).map_err(|_| {
                    GpgVerifyFailure::Malformed("an EdDSA signature is 64 bytes".into())
                })?;
                key.verify(digest, &signature)
                    .map_err(|_| GpgVerifyFailure::BadSignature)
            }
        }
    }

    /// The key material, for counting one key once whatever id it is listed under.
    pub fn fingerprint(&self) -> Vec<u8> {
        [b"gpg:".as_slice(), self.keyid.as_bytes()].concat()
    }
}

/// RFC 4880 §5.2.4 as `securesystemslib._gpg.util.hash_object` computes it (always SHA-256,
/// whatever the signature says, as securesystemslib verifies).
fn openpgp_digest(content: &[u8], headers: &[u8]) -> Vec<u8> {
    let mut hasher = sha2::Sha256::new();
    hasher.update(content);
    hasher.update(headers);
    hasher.update([0x04, 0xff]);
    hasher.update(
        u32::try_from(headers.len())
            .unwrap_or(u32::MAX)
            .to_be_bytes(),
    );
    hasher.finalize().to_vec()
}

fn uint(bytes: &[u8]) -> rsa::BoxedUint {
    rsa::BoxedUint::from_be_slice_vartime(bytes)
}

fn rsa_params(n: &[u8], e: &[u8], n_hex_len: usize) -> Result<Params, GpgKeyError> {
    let key = rsa::PublicKey::new(uint(n), uint(e))
        .map_err(|e| GpgKeyError::Unusable(format!("RSA key: {e}")))?;
    Ok(Params::Rsa(Box::new(key), n_hex_len.max(n.len() * 2)))
}

fn dsa_params(p: &[u8], q: &[u8], g: &[u8], y: &[u8]) -> Result<Params, GpgKeyError> {
    let p = uint(p);
    // g and y are numbers modulo p: the dsa crate's Montgomery arithmetic needs them as wide as
    // p, and panics on a narrower one (the fuzzer found a y with fewer bytes than p; a real g
    // with a leading zero byte would do the same). One that does not fit is not below p.
    use crypto_bigint::Resize as _;
    let at_width_of_p = |bytes: &[u8], what: &str| {
        uint(bytes).try_resize(p.bits_precision()).ok_or_else(|| {
            GpgKeyError::Unusable(format!("DSA key: {what} does not fit in p's width"))
        })
    };
    let g = at_width_of_p(g, "g")?;
    let y = at_width_of_p(y, "y")?;
    let components = dsa::Components::from_components(p, uint(q), g).map_err(|_| {
        GpgKeyError::Unusable(
            "DSA key: p, q and g are not a 1024/160, 2048/224, 2048/256 or 3072/256 group".into(),
        )
    })?;
    let key = dsa::VerifyingKey::from_components(components, y)
        .map_err(|_| GpgKeyError::Unusable("DSA key: y is not valid for its group".into()))?;
    Ok(Params::Dsa(Box::new(key)))
}

fn eddsa_params(q: &[u8]) -> Result<Params, GpgKeyError> {
    let bytes: [u8; 32] = q
        .try_into()
        .map_err(|_| GpgKeyError::Unusable("EdDSA key: q is not 32 bytes".into()))?;
    ed25519_dalek::VerifyingKey::from_bytes(&bytes)
        .map(Params::Eddsa)
        .map_err(|_| GpgKeyError::Unusable("EdDSA key: q is not an Ed25519 point".into()))
}

// ---------------------------------------------------------------------------------------------
// `gpg --export` output, read as securesystemslib's `get_pubkey_bundle` reads it.

const PACKET_SIGNATURE: u8 = 0x02;
const PACKET_PRIMARY_KEY: u8 = 0x06;
const PACKET_USER_ID: u8 = 0x0D;
const PACKET_USER_ATTR: u8 = 0x11;
const PACKET_SUB_KEY: u8 = 0x0E;
const SUBPACKET_CREATION: u8 = 0x02;
const SUBPACKET_KEY_EXPIRATION: u8 = 0x09;
const SUBPACKET_ISSUER: u8 = 0x10;
const SUBPACKET_PRIMARY_USER_ID: u8 = 0x19;
const SUBPACKET_ISSUER_FINGERPRINT: u8 = 0x21;
const SIGNATURE_CERTIFICATIONS: [u8; 4] = [0x10, 0x11, 0x12, 0x13];
const SIGNATURE_SUBKEY_BINDING: u8 = 0x18;

fn packet_error(message: impl Into<String>) -> GpgKeyError {
    GpgKeyError::Packet(message.into())
}

/// `(type, header length, body length)` of the packet at the start of `data`.
fn packet_header(data: &[u8]) -> Result<(u8, usize, usize), GpgKeyError> {
    let byte = |i: usize| {
        data.get(i)
            .copied()
            .ok_or_else(|| packet_error("a packet header is cut short"))
    };
    let first = byte(0)?;
    if first & 0x40 != 0 {
        let tag = first & 0x3f;
        let l1 = byte(1)?;
        let (header, body) = match l1 {
            0..=191 => (2, usize::from(l1)),
            192..=223 => (
                3,
                ((usize::from(l1) - 192) << 8) + usize::from(byte(2)?) + 192,
            ),
            255 => (
                6,
                u32::from_be_bytes([byte(2)?, byte(3)?, byte(4)?, byte(5)?]) as usize,
            ),
            _ => {
                return Err(packet_error(
                    "new length format packets of partial body lengths are not supported",
                ));
            }
        };
        Ok((tag, header, body))
    } else {
        let tag = (first & 0x3c) >> 2;
        let (header, body) = match first & 0x03 {
            0 => (2, usize::from(byte(1)?)),
            1 => (3, usize::from(u16::from_be_bytes([byte(1)?, byte(2)?]))),
            2 => (
                5,
                u32::from_be_bytes([byte(1)?, byte(2)?, byte(3)?, byte(4)?]) as usize,
            ),
            _ => {
                return Err(packet_error(
                    "old length format packets of indeterminate length are not supported",
                ));
            }
        };
        Ok((tag, header, body))
    }
}

/// RFC 4880 MPI: a 2-byte bit count and that many bits (rounded up to bytes).
fn mpi<'d>(data: &'d [u8], at: &mut usize) -> Result<&'d [u8], GpgKeyError> {
    let bits = data
        .get(*at..*at + 2)
        .map(|b| u16::from_be_bytes([b[0], b[1]]))
        .ok_or_else(|| packet_error("an MPI is cut short"))?;
    let length = (usize::from(bits).saturating_sub(1)) / 8 + 1;
    *at += 2;
    let value = data
        .get(*at..*at + length)
        .ok_or_else(|| packet_error("an MPI is cut short"))?;
    *at += length;
    Ok(value)
}

const ED25519_OID: [u8; 9] = [0x2B, 0x06, 0x01, 0x04, 0x01, 0xDA, 0x47, 0x0F, 0x01];

/// `parse_pubkey_payload`: a v4 public key (or subkey) packet body as a key dict.
fn pubkey_payload(body: &[u8]) -> Result<Value, GpgKeyError> {
    if body.first() != Some(&4) {
        return Err(packet_error(format!(
            "public key packet version {:?} is not supported (only 4)",
            body.first()
        )));
    }
    let created = body
        .get(1..5)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        .ok_or_else(|| packet_error("a public key packet is cut short"))?;
    let algorithm = body
        .get(5)
        .copied()
        .and_then(GpgAlgorithm::from_packet)
        .ok_or_else(|| {
            packet_error("the key's algorithm is not RSA, DSA or EdDSA (RFC 4880 9.1)")
        })?;
    let mut at = 6;
    let public = match algorithm {
        GpgAlgorithm::Rsa => {
            let n = hex::encode(mpi(body, &mut at)?);
            let e = hex::encode(mpi(body, &mut at)?);
            json!({"e": e, "n": n})
        }
        GpgAlgorithm::Dsa => {
            let p = hex::encode(mpi(body, &mut at)?);
            let q = hex::encode(mpi(body, &mut at)?);
            let g = hex::encode(mpi(body, &mut at)?);
            let y = hex::encode(mpi(body, &mut at)?);
            json!({"g": g, "p": p, "q": q, "y": y})
        }
        GpgAlgorithm::Eddsa => {
            let oid_len = usize::from(*body.get(at).ok_or_else(|| packet_error("cut short"))?);
            let oid = body
                .get(at + 1..at + 1 + oid_len)
                .ok_or_else(|| packet_error("an EdDSA curve OID is cut short"))?;
            if oid != ED25519_OID {
                return Err(packet_error("the EdDSA curve is not Ed25519"));
            }
            at += 1 + oid_len;
            let point = mpi(body, &mut at)?;
            if point.len() != 33 || point[0] != 0x40 {
                return Err(packet_error(
                    "an Ed25519 public key is 0x40 followed by 32 bytes",
                ));
            }
            json!({"q": hex::encode(&point[1..])})
        }
    };
    let mut hasher = sha1::Sha1::new();
    hasher.update([0x99]);
    hasher.update(u16::try_from(body.len()).unwrap_or(u16::MAX).to_be_bytes());
    hasher.update(body);
    let keyid = hex::encode(hasher.finalize());
    let (keytype, method) = algorithm.names();
    Ok(json!({
        "method": method,
        "type": keytype,
        "hashes": ["pgp+SHA2"],
        "creation_time": created,
        "keyid": keyid,
        "keyval": {"private": "", "public": public},
    }))
}

/// A signature packet as `parse_signature_packet` reads it, with its info.
struct SignaturePacket {
    keyid: String,
    signature: GpgSignature,
    hash_algorithm: u8,
    creation_time: u32,
    subpackets: BTreeMap<u8, Vec<u8>>,
}

fn subpackets(data: &[u8]) -> Result<Vec<(u8, Vec<u8>)>, GpgKeyError> {
    let mut out = Vec::new();
    let mut at = 0;
    let short = || packet_error("a signature subpacket is cut short");
    while at < data.len() {
        let first = data[at];
        let (length_len, length) = match first {
            0..=191 => (1, usize::from(first)),
            192..=254 => (
                2,
                ((usize::from(first) - 192) << 8)
                    + usize::from(*data.get(at + 1).ok_or_else(short)?)
                    + 192,
            ),
            255 => {
                let b = data.get(at + 1..at + 5).ok_or_else(short)?;
                (5, u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
            }
        };
        let kind = *data.get(at + length_len).ok_or_else(short)?;
        let payload = data
            .get(at + length_len + 1..at + length_len + length)
            .ok_or_else(short)?;
        out.push((kind, payload.to_vec()));
        at += length_len + length;
    }
    Ok(out)
}

fn signature_packet(
    packet: &[u8],
    kinds: &[u8],
    algorithm: GpgAlgorithm,
) -> Result<SignaturePacket, GpgKeyError> {
    let (tag, header, body_len) = packet_header(packet)?;
    if tag != PACKET_SIGNATURE {
        return Err(packet_error("expected a signature packet"));
    }
    let data = packet
        .get(header..header + body_len)
        .ok_or_else(|| packet_error("a signature packet is cut short"))?;
    let short = || packet_error("a signature packet is cut short");
    if data.first() != Some(&4) {
        return Err(packet_error("only version 4 signatures are supported"));
    }
    let kind = *data.get(1).ok_or_else(short)?;
    if !kinds.contains(&kind) {
        return Err(packet_error(format!(
            "signature type {kind} is not one expected here"
        )));
    }
    if GpgAlgorithm::from_packet(*data.get(2).ok_or_else(short)?) != Some(algorithm) {
        return Err(packet_error("the signature's algorithm is not the key's"));
    }
    let hash_algorithm = *data.get(3).ok_or_else(short)?;
    if ![0x02, 0x08, 0x0A].contains(&hash_algorithm) {
        return Err(packet_error(
            "the signature's hash is not SHA-1, SHA-256 or SHA-512",
        ));
    }
    let hashed_len = data
        .get(4..6)
        .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
        .ok_or_else(short)?;
    let hashed = data.get(6..6 + hashed_len).ok_or_else(short)?;
    let other_headers_end = 6 + hashed_len;
    let unhashed_len = data
        .get(other_headers_end..other_headers_end + 2)
        .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
        .ok_or_else(short)?;
    let unhashed = data
        .get(other_headers_end + 2..other_headers_end + 2 + unhashed_len)
        .ok_or_else(short)?;
    let mut keyid = String::new();
    let mut short_keyid = String::new();
    let mut creation_time = None;
    let mut found = BTreeMap::new();
    for (kind, payload) in subpackets(unhashed)?.into_iter().chain(subpackets(hashed)?) {
        match kind {
            SUBPACKET_ISSUER_FINGERPRINT => {
                keyid = hex::encode(payload.get(1..).unwrap_or_default())
            }
            SUBPACKET_ISSUER => short_keyid = hex::encode(&payload),
            SUBPACKET_CREATION => {
                creation_time = payload
                    .get(..4)
                    .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
            }
            _ => {}
        }
        found.insert(kind, payload);
    }
    if keyid.is_empty() && short_keyid.is_empty() {
        return Err(packet_error("a signature names no issuer"));
    }
    if !keyid.is_empty() && !keyid.ends_with(&short_keyid) {
        return Err(packet_error(
            "a signature's issuer and issuer fingerprint disagree",
        ));
    }
    let creation_time = creation_time
        .filter(|t| *t != 0)
        .ok_or_else(|| packet_error("a signature has no creation time"))?;
    let mut at = other_headers_end + 2 + unhashed_len + 2;
    let signature = match algorithm {
        GpgAlgorithm::Rsa => mpi(data, &mut at)?.to_vec(),
        GpgAlgorithm::Dsa => {
            let r = mpi(data, &mut at)?;
            let s = mpi(data, &mut at)?;
            dsa::Signature::from_components(uint(r), uint(s))
                .and_then(|sig| {
                    use spki::der::Encode as _;
                    sig.to_der().ok()
                })
                .ok_or_else(|| packet_error("a DSA signature is not valid"))?
        }
        GpgAlgorithm::Eddsa => {
            let r = mpi(data, &mut at)?;
            let s = mpi(data, &mut at)?;
            let pad = |v: &[u8]| {
                let mut out = vec![0u8; 32usize.saturating_sub(v.len())];
                out.extend_from_slice(v);
                out
            };
            [pad(r), pad(s)].concat()
        }
    };
    Ok(SignaturePacket {
        keyid: if keyid.is_empty() { short_keyid } else { keyid },
        signature: GpgSignature {
            other_headers: data[..other_headers_end].to_vec(),
            signature,
        },
        hash_algorithm,
        creation_time,
        subpackets: found,
    })
}

/// Verifies a self-signature (whose hash may be SHA-1, SHA-256 or SHA-512) over `content`.
fn self_signature_valid(key: &GpgKey, packet: &SignaturePacket, content: &[u8]) -> bool {
    let headers = &packet.signature.other_headers;
    let trailer = |h: &mut dyn FnMut(&[u8])| {
        h(content);
        h(headers);
        h(&[0x04, 0xff]);
        h(&u32::try_from(headers.len())
            .unwrap_or(u32::MAX)
            .to_be_bytes());
    };
    let digest: Vec<u8> = match packet.hash_algorithm {
        0x02 => {
            let mut hasher = sha1::Sha1::new();
            trailer(&mut |b| hasher.update(b));
            hasher.finalize().to_vec()
        }
        0x0A => {
            let mut hasher = sha2::Sha512::new();
            trailer(&mut |b| hasher.update(b));
            hasher.finalize().to_vec()
        }
        _ => {
            let mut hasher = sha2::Sha256::new();
            trailer(&mut |b| hasher.update(b));
            hasher.finalize().to_vec()
        }
    };
    match (&key.params, packet.hash_algorithm) {
        (Params::Rsa(rsa_key, _), 0x02) => rsa_key
            .pkcs1v15_verify_prehash::<sha1::Sha1>(&digest, &packet.signature.signature)
            .is_ok(),
        (Params::Rsa(rsa_key, _), 0x0A) => rsa_key
            .pkcs1v15_verify_prehash::<sha2::Sha512>(&digest, &packet.signature.signature)
            .is_ok(),
        _ => key
            .verify_digest(&digest, &packet.signature.signature)
            .is_ok(),
    }
}

/// Reads `gpg --export` output (binary, or ASCII-armored) as securesystemslib's
/// `get_pubkey_bundle` does: the primary key, its validity period from its newest valid
/// self-certification (the primary user ID's first), and every subkey with exactly one valid
/// binding signature (its validity period from that).
pub fn read_export(data: &[u8]) -> Result<GpgKey, GpgKeyError> {
    let binary = if data.starts_with(b"-----BEGIN PGP") {
        dearmor(data)?
    } else {
        data.to_vec()
    };
    if binary.is_empty() {
        return Err(packet_error("no key data"));
    }
    let mut primary: Option<(Value, Vec<u8>)> = None;
    let mut user_ids: Vec<(Vec<u8>, Vec<Vec<u8>>)> = Vec::new();
    let mut subkeys: Vec<(Vec<u8>, usize, Vec<Vec<u8>>)> = Vec::new();
    let mut last_owner: Option<u8> = None;
    let mut at = 0;
    while at < binary.len() {
        let (tag, header, body_len) =
            packet_header(&binary[at..]).map_err(|e| packet_error(format!("at byte {at}: {e}")))?;
        let packet = binary
            .get(at..at + header + body_len)
            .ok_or_else(|| packet_error(format!("at byte {at}: a packet is cut short")))?;
        if tag != PACKET_PRIMARY_KEY && primary.is_none() {
            return Err(packet_error("the first packet must be a primary key"));
        }
        match tag {
            PACKET_PRIMARY_KEY if primary.is_some() => {
                return Err(packet_error("more than one primary key"));
            }
            PACKET_PRIMARY_KEY => {
                primary = Some((pubkey_payload(&packet[header..])?, packet.to_vec()));
            }
            PACKET_USER_ID => {
                user_ids.push((packet.to_vec(), Vec::new()));
                last_owner = Some(PACKET_USER_ID);
            }
            PACKET_USER_ATTR => last_owner = Some(PACKET_USER_ATTR),
            PACKET_SUB_KEY => {
                subkeys.push((packet.to_vec(), body_len, Vec::new()));
                last_owner = Some(PACKET_SUB_KEY);
            }
            PACKET_SIGNATURE => match last_owner {
                Some(PACKET_SUB_KEY) => {
                    if let Some(last) = subkeys.last_mut() {
                        last.2.push(packet.to_vec());
                    }
                }
                Some(PACKET_USER_ID) => {
                    if let Some(last) = user_ids.last_mut() {
                        last.1.push(packet.to_vec());
                    }
                }
                // Signatures on user attributes and on the key itself do not matter here.
                _ => {}
            },
            _ => {}
        }
        at += header + body_len;
    }
    let Some((mut primary_dict, primary_packet)) = primary else {
        return Err(packet_error("no primary key"));
    };
    let keyid = primary_dict["keyid"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let primary_key = GpgKey::from_dict(&keyid, &primary_dict)?;

    // `_assign_certified_key_info`.
    let mut validity_period = None;
    let mut is_primary_user = false;
    let mut newest = None;
    for (user_id, signatures) in &user_ids {
        let mut content = primary_packet.clone();
        content.extend_from_slice(&[0xb4, 0, 0, 0]);
        content.extend_from_slice(&user_id[1..]);
        for raw in signatures {
            let Ok(signature) =
                signature_packet(raw, &SIGNATURE_CERTIFICATIONS, primary_key.algorithm)
            else {
                continue;
            };
            if !keyid.ends_with(&signature.keyid)
                || !self_signature_valid(&primary_key, &signature, &content)
            {
                continue;
            }
            let Some(period) = signature.subpackets.get(&SUBPACKET_KEY_EXPIRATION) else {
                continue;
            };
            let primary_flag = signature
                .subpackets
                .get(&SUBPACKET_PRIMARY_USER_ID)
                .map(|v| v.first().copied().unwrap_or(0) != 0);
            if is_primary_user && primary_flag != Some(true) {
                continue;
            }
            if newest.is_none_or(|t| t < signature.creation_time) {
                validity_period = period
                    .get(..4)
                    .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
                is_primary_user = primary_flag == Some(true);
                newest = Some(signature.creation_time);
            }
        }
    }
    if let Some(period) = validity_period {
        primary_dict["validity_period"] = json!(period);
    }

    // `_get_verified_subkeys`.
    let mut verified = serde_json::Map::new();
    for (packet, body_len, signatures) in &subkeys {
        let Ok(mut subkey) = pubkey_payload(&packet[packet.len() - body_len..]) else {
            continue;
        };
        let mut content = primary_packet.clone();
        content.push(0x99);
        content.extend_from_slice(&packet[1..]);
        let bindings: Vec<SignaturePacket> = signatures
            .iter()
            .filter_map(|raw| {
                signature_packet(raw, &[SIGNATURE_SUBKEY_BINDING], primary_key.algorithm).ok()
            })
            .collect();
        let [binding] = bindings.as_slice() else {
            continue;
        };
        if !self_signature_valid(&primary_key, binding, &content) {
            continue;
        }
        if let Some(b) = binding
            .subpackets
            .get(&SUBPACKET_KEY_EXPIRATION)
            .and_then(|period| period.get(..4))
        {
            subkey["validity_period"] = json!(u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
        }
        let id = subkey["keyid"].as_str().unwrap_or_default().to_owned();
        verified.insert(id, subkey);
    }
    if !verified.is_empty() {
        primary_dict["subkeys"] = Value::Object(verified);
    }
    GpgKey::from_dict(&keyid, &primary_dict)
}

/// ASCII armor (RFC 4880 §6.2): the base64 between the header block and the checksum line.
fn dearmor(data: &[u8]) -> Result<Vec<u8>, GpgKeyError> {
    let text = std::str::from_utf8(data).map_err(|_| packet_error("armor is not UTF-8"))?;
    let mut lines = text.lines().map(str::trim_end);
    lines
        .by_ref()
        .find(|l| l.starts_with("-----BEGIN PGP PUBLIC KEY BLOCK"))
        .ok_or_else(|| packet_error("no PGP PUBLIC KEY BLOCK"))?;
    // Armor headers end at the first empty line.
    let mut in_headers = true;
    let mut body = String::new();
    for line in lines {
        if line.starts_with("-----END PGP") {
            return crate::crypto::envelope::decode_base64(&body)
                .ok_or_else(|| packet_error("the armor's base64 does not decode"));
        }
        if in_headers {
            if line.is_empty() {
                in_headers = false;
            } else if !line.contains(": ") {
                in_headers = false;
                body.push_str(line);
            }
            continue;
        }
        if line.starts_with('=') {
            continue;
        }
        body.push_str(line);
    }
    Err(packet_error("the armor has no END line"))
}
