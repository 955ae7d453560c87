//! Signatures cross-checked both ways with securesystemslib, for every supported key type and
//! scheme; key files written by pyca/cryptography read by chainscope and the other way round.

use std::collections::BTreeMap;
use std::path::Path;

use chainscope::crypto::keyfile::{KeyFormatError, parse_key_bytes};
use chainscope::crypto::{
    Envelope, KeyFile, PrivateKey, PublicKey, Scheme, check_threshold, envelope, read_key_file,
};
use serde_json::{Value, json};

use crate::{path_str, reference, temp_dir};

const PASSPHRASE: &str = "hunter2 correct horse";

fn private_key(dir: &Path, name: &str, scheme: Scheme) -> PrivateKey {
    match read_key_file(&dir.join(format!("{name}.pem")), None).unwrap() {
        KeyFile::Private(key) => (*key).with_scheme(scheme).unwrap(),
        KeyFile::Public(_) => panic!("{name}.pem holds a public key"),
    }
}

#[test]
fn signatures_verify_both_ways_for_every_scheme() {
    let dir = temp_dir();
    reference(&["make-keys", path_str(dir.path())]);
    let manifest: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("manifest.json")).unwrap())
            .unwrap();
    let schemes: Vec<&str> = manifest
        .iter()
        .map(|e| e["scheme"].as_str().unwrap())
        .collect();
    let all: Vec<&str> = Scheme::ALL.iter().map(|s| s.name()).collect();
    assert_eq!(
        schemes, all,
        "the reference makes a key for every scheme chainscope supports"
    );

    let mut for_python = Vec::new();
    for entry in &manifest {
        let name = entry["name"].as_str().unwrap();
        let keyid = entry["keyid"].as_str().unwrap();
        let scheme: Scheme = entry["scheme"].as_str().unwrap().parse().unwrap();
        let message = hex::decode(entry["message"].as_str().unwrap()).unwrap();

        // Python signed, chainscope verifies.
        let public = PublicKey::from_dict(keyid, &entry["key"]).unwrap();
        assert!(
            public.keyid_warning().is_none(),
            "{name}: securesystemslib's keyid is recognised"
        );
        let sig = hex::decode(entry["sig"].as_str().unwrap()).unwrap();
        assert_eq!(
            public.verify(&message, &sig),
            Ok(()),
            "{name}: reference signature"
        );
        assert!(
            public.verify(b"another message", &sig).is_err(),
            "{name}: wrong message must fail"
        );
        let dsse = Envelope::from_value(&entry["dsse"]).unwrap();
        let authorized: BTreeMap<String, PublicKey> = [(keyid.to_owned(), public.clone())].into();
        let report = check_threshold(
            &authorized,
            1,
            dsse.signatures(),
            &dsse.signed_bytes().unwrap(),
        );
        assert!(
            report.is_met(),
            "{name}: reference DSSE envelope: {report:?}"
        );

        // The same key read from the PKCS#8 file gets the same dict and keyid as in Python.
        let private = private_key(dir.path(), name, scheme);
        assert_eq!(
            private.public().to_dict(),
            &entry["key"],
            "{name}: public key dict"
        );
        assert_eq!(private.keyid(), keyid, "{name}: keyid");

        // Encrypted PKCS#8 written by pyca/cryptography.
        let encrypted = std::fs::read(dir.path().join(format!("{name}.enc.pem"))).unwrap();
        let loaded = parse_key_bytes(&encrypted, Some(PASSPHRASE)).unwrap();
        assert_eq!(
            loaded.public().keyid(),
            entry["default_keyid"].as_str().unwrap(),
            "{name}: encrypted key"
        );
        assert_eq!(
            parse_key_bytes(&encrypted, Some("wrong")).unwrap_err(),
            KeyFormatError::WrongPassphrase
        );
        assert_eq!(
            parse_key_bytes(&encrypted, None).unwrap_err(),
            KeyFormatError::NeedsPassphrase
        );
        let error =
            read_key_file(&dir.path().join(format!("{name}.enc.pem")), Some("wrong")).unwrap_err();
        let error = chainscope::report::chain(&error);
        assert!(
            error.contains("wrong passphrase") && error.contains(&format!("{name}.enc.pem")),
            "{error}"
        );

        // SubjectPublicKeyInfo public key file.
        let public_file = read_key_file(&dir.path().join(format!("{name}.pub")), None).unwrap();
        assert_eq!(
            public_file.public().keyid(),
            entry["default_keyid"].as_str().unwrap(),
            "{name}: .pub"
        );

        // chainscope signs, Python verifies: a raw signature and a DSSE envelope.
        let our_sig = private.sign(&message).unwrap();
        for_python.push(json!({"keyid": keyid, "key": entry["key"], "message": hex::encode(&message), "sig": hex::encode(&our_sig)}));
        let pae = envelope::pae(envelope::INTOTO_PAYLOAD_TYPE, &message);
        let dsse = json!({
            "payload": envelope::encode_base64(&message),
            "payloadType": envelope::INTOTO_PAYLOAD_TYPE,
            "signatures": [{"keyid": keyid, "sig": envelope::encode_base64(&private.sign(&pae).unwrap())}],
        });
        for_python.push(json!({"keyid": keyid, "key": entry["key"], "dsse": dsse}));
    }
    // A control the reference must reject, so a verifier that accepts everything cannot pass.
    let mut forged = for_python[0].clone();
    forged["message"] = json!(hex::encode(b"not what was signed"));
    for_python.push(forged);

    let dir_path = dir.path().join("from-chainscope.json");
    std::fs::write(&dir_path, serde_json::to_vec(&for_python).unwrap()).unwrap();
    let verdicts: Vec<bool> =
        serde_json::from_str(&reference(&["verify", path_str(&dir_path)])).unwrap();
    let (control, ours) = verdicts.split_last().unwrap();
    assert!(
        !control,
        "the reference accepted a signature over another message"
    );
    assert_eq!(ours.len(), manifest.len() * 2);
    for (entry, ok) in for_python.iter().zip(ours) {
        assert!(
            ok,
            "securesystemslib rejected chainscope's signature: {entry}"
        );
    }
}

#[test]
fn encrypted_keys_written_by_chainscope_load_in_pyca_cryptography() {
    let dir = temp_dir();
    reference(&["make-keys", path_str(dir.path())]);
    let generated = PrivateKey::generate_ed25519().unwrap();
    let keys = [
        ("ed25519-new", generated),
        (
            "p384",
            private_key(
                dir.path(),
                "ecdsa-p384",
                "ecdsa-sha2-nistp384".parse().unwrap(),
            ),
        ),
        (
            "rsa",
            private_key(
                dir.path(),
                "rsa-pss-sha256",
                "rsassa-pss-sha256".parse().unwrap(),
            ),
        ),
    ];
    for (name, key) in keys {
        let path = dir.path().join(format!("{name}.chainscope.pem"));
        std::fs::write(
            &path,
            key.to_encrypted_pkcs8_pem(PASSPHRASE).unwrap().as_bytes(),
        )
        .unwrap();
        let answer: Value =
            serde_json::from_str(&reference(&["load-private", path_str(&path), PASSPHRASE]))
                .unwrap();
        assert_eq!(answer["keyid"], json!(key.keyid()), "{name}");
        assert_eq!(&answer["key"], key.public().to_dict(), "{name}");
        let plain = dir.path().join(format!("{name}.plain.pem"));
        std::fs::write(&plain, key.to_pkcs8_pem().unwrap().as_bytes()).unwrap();
        let answer: Value =
            serde_json::from_str(&reference(&["load-private", path_str(&plain), ""])).unwrap();
        assert_eq!(answer["keyid"], json!(key.keyid()), "{name} unencrypted");
    }
}

/// One Ed25519 check: a key's bytes, a message and a signature.
struct EdgeCase {
    name: String,
    public: [u8; 32],
    message: Vec<u8>,
    signature: [u8; 64],
}

impl EdgeCase {
    fn new(name: impl Into<String>, public: [u8; 32], message: &[u8], signature: [u8; 64]) -> Self {
        EdgeCase {
            name: name.into(),
            public,
            message: message.to_vec(),
            signature,
        }
    }
}

/// An Ed25519 signature built by hand: `R = [nonce]B`, `s = nonce + k·secret`, checked against
/// `public` (which need not be `[secret]B`).
fn ed25519_signature(
    public: &[u8; 32],
    secret: curve25519_dalek::Scalar,
    nonce: curve25519_dalek::Scalar,
    message: &[u8],
) -> [u8; 64] {
    use sha2::Digest as _;
    let r = curve25519_dalek::EdwardsPoint::mul_base(&nonce).compress();
    let mut hash = sha2::Sha512::new();
    hash.update(r.as_bytes());
    hash.update(public);
    hash.update(message);
    let s = nonce + curve25519_dalek::Scalar::from_hash(hash) * secret;
    let mut signature = [0u8; 64];
    signature[..32].copy_from_slice(r.as_bytes());
    signature[32..].copy_from_slice(s.as_bytes());
    signature
}

/// Ed25519 signatures at the edges of the verification equation, judged by securesystemslib
/// (OpenSSL) and by chainscope's key both ways it checks: plainly, and once the key has checked
/// enough signatures to get a table of its multiples (`src/crypto/ed25519.rs`). Valid and
/// altered signatures, `s + ℓ`, keys with a small-order part (the cofactorless equation holds
/// for some messages only) and a small-order key.
#[test]
fn ed25519_edge_cases_are_judged_as_openssl_judges_them_with_and_without_the_key_table() {
    use curve25519_dalek::{EdwardsPoint, Scalar, constants::EIGHT_TORSION};
    let scalar = |seed: u8| Scalar::from_bytes_mod_order([seed; 32]);
    let mut cases: Vec<EdgeCase> = Vec::new();

    let secret = scalar(3);
    let public = EdwardsPoint::mul_base(&secret).compress().to_bytes();
    let valid = ed25519_signature(&public, secret, scalar(4), b"bin");
    cases.push(EdgeCase::new("valid", public, b"bin", valid));
    for (name, at, flip) in [("R altered", 5, 0x01), ("s altered", 40, 0x02)] {
        let mut altered = valid;
        altered[at] ^= flip;
        cases.push(EdgeCase::new(name, public, b"bin", altered));
    }
    // s + ℓ: the same point, a non-canonical scalar (ℓ little-endian, RFC 8032 §5.1).
    let order: [u8; 32] = *b"\xed\xd3\xf5\x5c\x1a\x63\x12\x58\xd6\x9c\xf7\xa2\xde\xf9\xde\x14\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x10";
    let mut unreduced = valid;
    let mut carry = 0u16;
    for i in 0..32 {
        let sum = u16::from(valid[32 + i]) + u16::from(order[i]) + carry;
        unreduced[32 + i] = sum as u8;
        carry = sum >> 8;
    }
    cases.push(EdgeCase::new("s + order", public, b"bin", unreduced));
    // [secret]B plus a point of order 8: the equation holds exactly when k ≡ 0 (mod 8).
    for (t, torsion) in EIGHT_TORSION.iter().enumerate().skip(1) {
        let mixed = (EdwardsPoint::mul_base(&secret) + torsion)
            .compress()
            .to_bytes();
        for m in 0..6u8 {
            let message = vec![t as u8, m];
            let signature = ed25519_signature(&mixed, secret, scalar(m + 9), &message);
            cases.push(EdgeCase::new(
                format!("torsion {t} message {m}"),
                mixed,
                &message,
                signature,
            ));
        }
    }
    // The identity as the key, R the identity and s = 0: `[0]B − [k]O = O` for any message.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let mut trivial = [0u8; 64];
    trivial[..32].copy_from_slice(&identity);
    cases.push(EdgeCase::new("small-order key", identity, b"any", trivial));

    let entries: Vec<Value> = cases
        .iter()
        .map(|case| {
            let key = json!({"keytype": "ed25519", "scheme": "ed25519", "keyval": {"public": hex::encode(case.public)}});
            json!({
                "keyid": chainscope::crypto::keyid_of(&key).unwrap(),
                "key": key,
                "message": hex::encode(&case.message),
                "sig": hex::encode(case.signature),
            })
        })
        .collect();
    let dir = temp_dir();
    let file = dir.path().join("edge-cases.json");
    std::fs::write(&file, serde_json::to_vec(&entries).unwrap()).unwrap();
    let verdicts: Vec<bool> =
        serde_json::from_str(&reference(&["verify", path_str(&file)])).unwrap();
    assert_eq!(verdicts.len(), cases.len());
    let accepted = verdicts.iter().filter(|v| **v).count();
    assert!(
        accepted >= 4 && cases.len() - accepted >= 10,
        "both verdicts occur: {accepted} of {} accepted",
        cases.len()
    );
    for (case, (entry, expected)) in cases.iter().zip(entries.iter().zip(verdicts)) {
        let key = PublicKey::from_dict(entry["keyid"].as_str().unwrap(), &entry["key"]).unwrap();
        // The first checks are plain, the ones after the 64th use the key's table.
        for check in 0..70 {
            assert_eq!(
                key.verify(&case.message, &case.signature).is_ok(),
                expected,
                "{}, check {check}: securesystemslib says {expected}",
                case.name
            );
        }
    }
}
