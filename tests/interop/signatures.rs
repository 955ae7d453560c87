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
