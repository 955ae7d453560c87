//! Key files: PKCS#8 PEM private keys (plain or passphrase-encrypted), PKCS#1 and SEC1 private
//! keys as OpenSSL writes them, SubjectPublicKeyInfo PEM public keys, and securesystemslib's
//! JSON key dicts.

use std::path::{Path, PathBuf};

use pkcs8::DecodePrivateKey as _;
use serde_json::{Value, json};
use zeroize::Zeroizing;

use super::pem::{self, PemBlock, PemError};
use super::private::{PrivateKey, Secret};
use super::public::{self, KeyDictError, KeyKind, PublicKey};
use super::scheme::Curve;
use crate::cjson;

/// A key file's content: a public key, or a private key (which carries its public key).
#[derive(Debug)]
pub enum KeyFile {
    Public(PublicKey),
    Private(Box<PrivateKey>),
}

impl KeyFile {
    pub fn public(&self) -> &PublicKey {
        match self {
            KeyFile::Public(key) => key,
            KeyFile::Private(key) => key.public(),
        }
    }
}

/// Why a key file's content could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyFormatError {
    #[error("the private key is encrypted and no passphrase was given")]
    NeedsPassphrase,
    #[error("wrong passphrase for the encrypted private key (or the file is damaged)")]
    WrongPassphrase,
    #[error("the PEM text cannot be read")]
    Pem(#[from] PemError),
    #[error("PEM block \"{label}\" is not a key chainscope reads")]
    UnsupportedPemLabel { label: String },
    #[error(
        "legacy OpenSSL-encrypted PEM (\"Proc-Type: 4,ENCRYPTED\") is not supported; convert it to PKCS#8 (openssl pkcs8 -topk8)"
    )]
    LegacyEncryptedPem,
    #[error(
        "securesystemslib's old encrypted key format is not supported; export the key as PKCS#8 PEM"
    )]
    LegacyEncryptedJson,
    #[error("{0}")]
    Unsupported(String),
    #[error("malformed key: {0}")]
    Malformed(String),
    #[error("the file is not JSON chainscope accepts")]
    Json(#[from] cjson::ParseError),
    #[error("the JSON is not a key dict chainscope can use")]
    KeyDict(#[from] KeyDictError),
    #[error("neither PEM nor a JSON key dict")]
    UnknownFormat,
}

impl crate::report::Hint for KeyFormatError {
    fn hint(&self) -> Option<String> {
        match self {
            KeyFormatError::NeedsPassphrase => Some(
                "give its passphrase (on the command line: --passphrase-env VAR, with the passphrase in VAR)".into(),
            ),
            KeyFormatError::WrongPassphrase => Some("check the passphrase, and that this is the key file meant".into()),
            KeyFormatError::UnknownFormat => Some(
                "chainscope reads PEM (PKCS#8 or SubjectPublicKeyInfo) and securesystemslib's JSON key dicts".into(),
            ),
            _ => None,
        }
    }
}

/// A key file that could not be read, naming the file.
#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    #[error("cannot read the key file {}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot use the key file {}", path.display())]
    Format {
        path: PathBuf,
        source: KeyFormatError,
    },
    #[error("{} holds a public key; signing needs the private key", path.display())]
    NotPrivate { path: PathBuf },
}

impl crate::report::Hint for KeyFileError {
    fn hint(&self) -> Option<String> {
        match self {
            KeyFileError::Format { source, .. } => crate::report::Hint::hint(source),
            KeyFileError::NotPrivate { .. } => {
                Some("give the private key file (the one without .pub)".to_owned())
            }
            KeyFileError::Io { .. } => None,
        }
    }
}

impl KeyFileError {
    pub fn format(&self) -> Option<&KeyFormatError> {
        match self {
            KeyFileError::Format { source, .. } => Some(source),
            KeyFileError::Io { .. } | KeyFileError::NotPrivate { .. } => None,
        }
    }
}

/// Largest key file read; real ones are a few kilobytes.
const MAX_KEY_FILE: u64 = 1 << 20;

/// Reads a key file; `passphrase` is used only when the file is encrypted.
pub fn read_key_file(path: &Path, passphrase: Option<&str>) -> Result<KeyFile, KeyFileError> {
    use std::io::Read as _;
    let io = |source| KeyFileError::Io {
        path: path.to_owned(),
        source,
    };
    let file = match crate::files::open_regular(path) {
        Ok(Some(file)) => file,
        Ok(None) => return Err(io(std::io::Error::from(std::io::ErrorKind::NotFound))),
        Err(error) => return Err(io(std::io::Error::other(crate::report::chain(&error)))),
    };
    let mut bytes = Zeroizing::new(Vec::new());
    file.take(MAX_KEY_FILE)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    parse_key_bytes(&bytes, passphrase).map_err(|source| KeyFileError::Format {
        path: path.to_owned(),
        source,
    })
}

/// The private key in a key file, to sign with: the one reader the CLI, the layout editor,
/// the TUF editor and the signing dialog use. A public key is refused by name.
pub fn read_private_key(
    path: &Path,
    passphrase: Option<&str>,
) -> Result<crate::crypto::private::PrivateKey, KeyFileError> {
    match read_key_file(path, passphrase)? {
        KeyFile::Private(key) => Ok(*key),
        KeyFile::Public(_) => Err(KeyFileError::NotPrivate {
            path: path.to_owned(),
        }),
    }
}

/// The public key in a key file (a private key file gives its public half): the one reader
/// the CLI and both editors use for functionaries, role keys and signers.
pub fn read_public_key(path: &Path) -> Result<crate::crypto::PublicKey, KeyFileError> {
    read_key_file(path, None).map(|file| file.public().clone())
}

/// Whether the bytes hold an encrypted private key (so a caller knows to ask for a passphrase).
pub fn is_encrypted(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")
        || text.contains("Proc-Type: 4,ENCRYPTED")
        || text.contains("@@@@")
}

/// Parses key file content.
pub fn parse_key_bytes(bytes: &[u8], passphrase: Option<&str>) -> Result<KeyFile, KeyFormatError> {
    // `gpg --export` output, binary (an old-format public key packet) or ASCII-armored.
    if bytes
        .first()
        .is_some_and(|b| *b == 0x99 || *b == 0x98 || *b == 0xC6)
        || bytes.starts_with(b"-----BEGIN PGP PUBLIC KEY BLOCK")
    {
        let gpg = super::gpg::read_export(bytes)
            .map_err(|e| KeyFormatError::Malformed(format!("exported GPG key: {e}")))?;
        let key = PublicKey::from_dict(&gpg.keyid, gpg.to_dict())?;
        return Ok(KeyFile::Public(key));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        // A PEM or JSON key file damaged in one byte says where, rather than "unknown format".
        if bytes.starts_with(b"-----BEGIN") || bytes.trim_ascii_start().starts_with(b"{") {
            KeyFormatError::Malformed(format!(
                "the key file is not UTF-8 text: byte {} is 0x{:02x}",
                e.valid_up_to(),
                bytes[e.valid_up_to()]
            ))
        } else {
            KeyFormatError::UnknownFormat
        }
    })?;
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        return parse_json_key(bytes);
    }
    if text.contains("-----BEGIN ") {
        return parse_pem_key(&pem::first_block(text)?, passphrase);
    }
    if text.contains("@@@@") {
        return Err(KeyFormatError::LegacyEncryptedJson);
    }
    Err(KeyFormatError::UnknownFormat)
}

fn parse_pem_key(block: &PemBlock, passphrase: Option<&str>) -> Result<KeyFile, KeyFormatError> {
    if block.headers.iter().any(|h| h.contains("ENCRYPTED")) {
        return Err(KeyFormatError::LegacyEncryptedPem);
    }
    let secret = match block.label.as_str() {
        "PUBLIC KEY" | "RSA PUBLIC KEY" => {
            let material =
                public::material_from_public_pem(block).map_err(KeyFormatError::Unsupported)?;
            let scheme = material.default_scheme();
            return Ok(KeyFile::Public(PublicKey::from_material(scheme, material)));
        }
        "PRIVATE KEY" => secret_from_pkcs8(&block.der)?,
        "ENCRYPTED PRIVATE KEY" => {
            let passphrase = passphrase.ok_or(KeyFormatError::NeedsPassphrase)?;
            let info = pkcs8::EncryptedPrivateKeyInfoRef::try_from(block.der.as_slice())
                .map_err(|e| KeyFormatError::Malformed(crate::report::chain(&e)))?;
            check_kdf_cost(&info.encryption_algorithm)?;
            let der = info
                .decrypt(passphrase.as_bytes())
                .map_err(|_| KeyFormatError::WrongPassphrase)?;
            // A wrong passphrase can pass the padding check by chance and yield garbage.
            secret_from_pkcs8(der.as_bytes()).map_err(|_| KeyFormatError::WrongPassphrase)?
        }
        "RSA PRIVATE KEY" => {
            use rsa::pkcs1::DecodeRsaPrivateKey as _;
            Secret::Rsa(Box::new(
                rsa::PrivateKey::from_pkcs1_der(&block.der)
                    .map_err(|e| KeyFormatError::Malformed(crate::report::chain(&e)))?,
            ))
        }
        "EC PRIVATE KEY" => secret_from_sec1(&block.der)?,
        other => {
            return Err(KeyFormatError::UnsupportedPemLabel {
                label: other.to_owned(),
            });
        }
    };
    Ok(KeyFile::Private(Box::new(PrivateKey::from_secret(secret))))
}

/// The most work a key file may ask of its key derivation: scrypt's N at most 2^20 with its
/// memory (128·r·N·p bytes) at most 1 GiB, PBKDF2 at most 10,000,000 iterations. Real key
/// files ask far less (OpenSSL: N = 2^14; pyca: 2^14 or a few hundred thousand iterations); a
/// hostile one asking more would exhaust memory or never finish, so it is refused.
pub const MAX_SCRYPT_LOG_N: u32 = 20;
pub const MAX_SCRYPT_MEMORY: u64 = 1 << 30;
pub const MAX_PBKDF2_ITERATIONS: u32 = 10_000_000;

fn check_kdf_cost(scheme: &pkcs8::pkcs5::EncryptionScheme) -> Result<(), KeyFormatError> {
    use pkcs8::pkcs5::{EncryptionScheme, pbes2::Kdf};
    let EncryptionScheme::Pbes2(parameters) = scheme else {
        return Ok(());
    };
    match &parameters.kdf {
        Kdf::Pbkdf2(params) if params.iteration_count > MAX_PBKDF2_ITERATIONS => {
            Err(KeyFormatError::Unsupported(format!(
                "the key file asks for {} PBKDF2 iterations, more than the {MAX_PBKDF2_ITERATIONS} chainscope allows (deriving the key would take hours)",
                params.iteration_count
            )))
        }
        Kdf::Scrypt(params) => {
            let n = params.cost_parameter;
            let memory = 128u128
                * u128::from(params.block_size)
                * u128::from(n)
                * u128::from(params.parallelization);
            if n > 1 << MAX_SCRYPT_LOG_N || memory > u128::from(MAX_SCRYPT_MEMORY) {
                Err(KeyFormatError::Unsupported(format!(
                    "the key file asks scrypt for N = {n}, r = {}, p = {} ({} MiB), more than chainscope allows (N at most 2^{MAX_SCRYPT_LOG_N}, at most {} MiB)",
                    params.block_size,
                    params.parallelization,
                    memory >> 20,
                    MAX_SCRYPT_MEMORY >> 20
                )))
            } else {
                Ok(())
            }
        }
        _ => Ok(()),
    }
}

fn secret_from_pkcs8(der: &[u8]) -> Result<Secret, KeyFormatError> {
    let info = pkcs8::PrivateKeyInfoRef::try_from(der)
        .map_err(|e| KeyFormatError::Malformed(crate::report::chain(&e)))?;
    let (algorithm, parameter) = info
        .algorithm
        .oids()
        .map_err(|e| KeyFormatError::Malformed(crate::report::chain(&e)))?;
    let kind = public::key_kind(algorithm, parameter).map_err(KeyFormatError::Unsupported)?;
    let bad = |e: pkcs8::Error| KeyFormatError::Malformed(crate::report::chain(&e));
    Ok(match kind {
        KeyKind::Ed25519 => {
            Secret::Ed25519(ed25519_dalek::SigningKey::from_pkcs8_der(der).map_err(bad)?)
        }
        KeyKind::Rsa => Secret::Rsa(Box::new(rsa::PrivateKey::from_pkcs8_der(der).map_err(bad)?)),
        KeyKind::Ec(Curve::P256) => {
            Secret::P256(p256::ecdsa::SigningKey::from_pkcs8_der(der).map_err(bad)?)
        }
        KeyKind::Ec(Curve::P384) => {
            Secret::P384(p384::ecdsa::SigningKey::from_pkcs8_der(der).map_err(bad)?)
        }
        KeyKind::Ec(Curve::P521) => {
            Secret::P521(p521::ecdsa::SigningKey::from_pkcs8_der(der).map_err(bad)?)
        }
        KeyKind::MlDsa(_) => {
            return Err(KeyFormatError::Unsupported(
                "ML-DSA private keys: chainscope verifies ML-DSA signatures but does not sign with ML-DSA".into(),
            ));
        }
    })
}

fn secret_from_sec1(der: &[u8]) -> Result<Secret, KeyFormatError> {
    // SEC1 names its curve inside; each curve's parser rejects the others.
    if let Ok(key) = p256::SecretKey::from_sec1_der(der) {
        return Ok(Secret::P256(key.into()));
    }
    if let Ok(key) = p384::SecretKey::from_sec1_der(der) {
        return Ok(Secret::P384(key.into()));
    }
    if let Ok(key) = p521::SecretKey::from_sec1_der(der) {
        return Ok(Secret::P521(p521::ecdsa::SigningKey::from(key)));
    }
    Err(KeyFormatError::Malformed(
        "EC private key on an unsupported curve or damaged".into(),
    ))
}

/// securesystemslib's JSON key files: `{"keytype", "scheme", "keyid"?, "keyval": {"public",
/// "private"?}}`. Ed25519 private values are hex seeds; RSA and ECDSA ones are PEM.
fn parse_json_key(bytes: &[u8]) -> Result<KeyFile, KeyFormatError> {
    let dict = cjson::parse(bytes)?;
    let object = dict.as_object().ok_or(KeyDictError::NotAnObject)?;
    let mut public_dict = dict.clone();
    let private = public_dict
        .get_mut("keyval")
        .and_then(Value::as_object_mut)
        .and_then(|keyval| keyval.remove("private"))
        .and_then(|v| v.as_str().map(|s| Zeroizing::new(s.to_owned())))
        .filter(|s| !s.is_empty());
    if let Some(map) = public_dict.as_object_mut() {
        map.remove("keyid");
    }
    let declared = object.get("keyid").and_then(Value::as_str);
    let computed = public::keyid_of(&json!({
        "keytype": public_dict.get("keytype"),
        "scheme": public_dict.get("scheme"),
        "keyval": {"public": public_dict.get("keyval").and_then(|k| k.get("public"))},
    }))?;
    let public = PublicKey::from_dict(declared.unwrap_or(&computed), &public_dict)?;
    let Some(private) = private else {
        return Ok(KeyFile::Public(public));
    };
    let secret = if public.keytype() == "ed25519" {
        let seed = Zeroizing::new(
            hex::decode(private.trim())
                .map_err(|_| KeyFormatError::Malformed("keyval.private is not hex".into()))?,
        );
        let seed: [u8; 32] = seed
            .get(..32)
            .and_then(|s| s.try_into().ok())
            .ok_or_else(|| {
                KeyFormatError::Malformed("keyval.private is not a 32-byte seed".into())
            })?;
        Secret::Ed25519(ed25519_dalek::SigningKey::from_bytes(&seed))
    } else {
        match parse_pem_key(&pem::first_block(&private)?, None)? {
            KeyFile::Private(key) => {
                let scheme = public.scheme();
                let key = match scheme {
                    Some(scheme) => key
                        .with_scheme(scheme)
                        .map_err(|e| KeyFormatError::Malformed(crate::report::chain(&e)))?,
                    None => *key,
                };
                return Ok(KeyFile::Private(Box::new(key)));
            }
            KeyFile::Public(_) => {
                return Err(KeyFormatError::Malformed(
                    "keyval.private holds a public key".into(),
                ));
            }
        }
    };
    Ok(KeyFile::Private(Box::new(PrivateKey::from_secret(secret))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encrypted_pkcs8_round_trips_and_rejects_wrong_passphrase() {
        let key = PrivateKey::ed25519_from_seed(&[3; 32]);
        let pem = key.to_encrypted_pkcs8_pem("correct horse").unwrap();
        assert!(is_encrypted(pem.as_bytes()));
        assert_eq!(
            parse_key_bytes(pem.as_bytes(), None).unwrap_err(),
            KeyFormatError::NeedsPassphrase
        );
        assert_eq!(
            parse_key_bytes(pem.as_bytes(), Some("wrong")).unwrap_err(),
            KeyFormatError::WrongPassphrase
        );
        let loaded = parse_key_bytes(pem.as_bytes(), Some("correct horse")).unwrap();
        assert_eq!(loaded.public().keyid(), key.keyid());
    }

    /// A key file asking scrypt for N = 2^40 (it would abort the process) or PBKDF2 for four
    /// billion iterations (it would never end) is refused before any derivation starts; what
    /// real key files ask passes.
    #[test]
    fn hostile_key_derivation_costs_are_refused_before_deriving() {
        use pkcs8::pkcs5::EncryptionScheme;
        use pkcs8::pkcs5::pbes2::{Kdf, Parameters, ScryptParams};
        let base =
            Parameters::generate_pbkdf2_sha256_aes256cbc(600_000, &[7; 16], [9; 16]).unwrap();
        assert_eq!(
            check_kdf_cost(&EncryptionScheme::Pbes2(base.clone())),
            Ok(())
        );
        let Kdf::Pbkdf2(pbkdf2) = &base.kdf else {
            unreachable!()
        };
        let mut endless = base.clone();
        if let Kdf::Pbkdf2(params) = &mut endless.kdf {
            params.iteration_count = 4_000_000_000;
        }
        let refused = check_kdf_cost(&EncryptionScheme::Pbes2(endless)).unwrap_err();
        assert!(
            refused.to_string().contains("4000000000 PBKDF2 iterations"),
            "{refused}"
        );
        for (log_n, r, ok) in [
            (14, 8, true),
            (20, 8, true),
            (40, 8, false),
            (20, 16, false),
        ] {
            let scrypt = ScryptParams {
                salt: pbkdf2.salt,
                cost_parameter: 1 << log_n,
                block_size: r,
                parallelization: 1,
                key_length: None,
            };
            let scheme = EncryptionScheme::Pbes2(Parameters {
                kdf: Kdf::Scrypt(scrypt),
                encryption: base.encryption,
            });
            assert_eq!(
                check_kdf_cost(&scheme).is_ok(),
                ok,
                "N = 2^{log_n}, r = {r}"
            );
        }
    }

    #[test]
    fn reads_securesystemslib_json_ed25519_key() {
        let key = PrivateKey::ed25519_from_seed(&[5; 32]);
        let file = json!({
            "keytype": "ed25519",
            "scheme": "ed25519",
            "keyid_hash_algorithms": ["sha256", "sha512"],
            "keyval": {"public": key.public().public_value(), "private": hex::encode([5u8; 32])},
        });
        let loaded = parse_key_bytes(file.to_string().as_bytes(), None).unwrap();
        let KeyFile::Private(private) = loaded else {
            panic!("expected a private key")
        };
        let sig = private.sign(b"m").unwrap();
        assert_eq!(key.public().verify(b"m", &sig), Ok(()));
        assert!(private.public().keyid_warning().is_none());
    }

    #[test]
    fn names_what_it_cannot_read() {
        assert_eq!(
            parse_key_bytes(b"abc@@@@def", None).unwrap_err(),
            KeyFormatError::LegacyEncryptedJson
        );
        assert_eq!(
            parse_key_bytes(b"hello", None).unwrap_err(),
            KeyFormatError::UnknownFormat
        );
        assert!(matches!(
            parse_key_bytes(
                b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
                None
            ),
            Err(KeyFormatError::UnsupportedPemLabel { .. })
        ));
        let err = read_key_file(Path::new("/nonexistent/key.pem"), None).unwrap_err();
        assert!(crate::report::chain(&err).contains("/nonexistent/key.pem"));
    }
}
