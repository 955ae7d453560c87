//! Private keys: generate (Ed25519), sign as securesystemslib's `CryptoSigner` does, and write
//! as PKCS#8 PEM. Secret material is wiped on drop and never shown by `Debug`.

use std::fmt;

use pkcs8::EncodePrivateKey as _;
use sha2::{Sha256, Sha384, Sha512};
use zeroize::Zeroizing;

use super::public::{Material, PublicKey};
use super::scheme::{Curve, HashAlg, Scheme};

/// Why signing failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    #[error("scheme {scheme} cannot be used with {key} key")]
    SchemeMismatch { scheme: Scheme, key: &'static str },
    #[error("signing failed: {0}")]
    Backend(String),
    #[error("could not encode the private key: {0}")]
    Encode(String),
    #[error("the operating system's random number generator failed")]
    Randomness,
}

impl crate::report::Hint for SignError {}

pub(crate) enum Secret {
    Ed25519(ed25519_dalek::SigningKey),
    Rsa(Box<rsa::PrivateKey>),
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
    P521(p521::ecdsa::SigningKey),
}

/// A signing key and the public key it is listed as.
pub struct PrivateKey {
    secret: Secret,
    public: PublicKey,
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateKey")
            .field("keyid", &self.public.keyid())
            .field("scheme", &self.public.scheme_name())
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// The kinds of key `chainscope key generate` makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyType {
    Ed25519,
    /// RSA with a 3072-bit modulus, signing RSASSA-PSS with SHA-256 (securesystemslib's default).
    Rsa,
    /// ECDSA on P-256.
    Ecdsa,
}

impl PrivateKey {
    /// A new key of `kind` from the operating system's random number generator.
    pub fn generate(kind: KeyType) -> Result<PrivateKey, SignError> {
        match kind {
            KeyType::Ed25519 => PrivateKey::generate_ed25519(),
            KeyType::Rsa => {
                use rsa::Generate as _;
                let key = rsa::PrivateKey::try_generate().map_err(|_| SignError::Randomness)?;
                Ok(PrivateKey::from_secret(Secret::Rsa(Box::new(key))))
            }
            KeyType::Ecdsa => loop {
                // A random 32-byte string is a valid P-256 scalar with overwhelming odds.
                let mut bytes = Zeroizing::new([0u8; 32]);
                getrandom::fill(bytes.as_mut_slice()).map_err(|_| SignError::Randomness)?;
                if let Ok(key) = p256::ecdsa::SigningKey::from_slice(bytes.as_slice()) {
                    break Ok(PrivateKey::from_secret(Secret::P256(key)));
                }
            },
        }
    }

    /// A new Ed25519 key from the operating system's random number generator.
    pub fn generate_ed25519() -> Result<PrivateKey, SignError> {
        let mut seed = Zeroizing::new([0u8; 32]);
        getrandom::fill(seed.as_mut_slice()).map_err(|_| SignError::Randomness)?;
        Ok(PrivateKey::ed25519_from_seed(&seed))
    }

    /// A deterministic Ed25519 key, for demo keys generated from fixed seeds.
    pub fn ed25519_from_seed(seed: &[u8; 32]) -> PrivateKey {
        PrivateKey::from_secret(Secret::Ed25519(ed25519_dalek::SigningKey::from_bytes(seed)))
    }

    /// Wraps a secret with the public key and default scheme securesystemslib's
    /// `SSlibKey.from_crypto` would give it.
    pub(crate) fn from_secret(secret: Secret) -> PrivateKey {
        let material = public_material(&secret);
        let scheme = material.default_scheme();
        PrivateKey {
            secret,
            public: PublicKey::from_material(scheme, material),
        }
    }

    /// The same key under another scheme (an RSA key can sign PSS or PKCS#1 v1.5 with any of
    /// the three hashes); the public dict and key id change with it.
    pub fn with_scheme(self, scheme: Scheme) -> Result<PrivateKey, SignError> {
        let fits = matches!(
            (&self.secret, scheme),
            (Secret::Ed25519(_), Scheme::Ed25519)
                | (
                    Secret::Rsa(_),
                    Scheme::RsassaPss(_) | Scheme::RsaPkcs1v15(_)
                )
                | (Secret::P256(_), Scheme::Ecdsa(Curve::P256))
                | (Secret::P384(_), Scheme::Ecdsa(Curve::P384))
                | (Secret::P521(_), Scheme::Ecdsa(Curve::P521))
        );
        if !fits {
            return Err(SignError::SchemeMismatch {
                scheme,
                key: self.describe(),
            });
        }
        let material = public_material(&self.secret);
        Ok(PrivateKey {
            secret: self.secret,
            public: PublicKey::from_material(scheme, material),
        })
    }

    fn describe(&self) -> &'static str {
        public_material(&self.secret).describe()
    }

    pub fn public(&self) -> &PublicKey {
        &self.public
    }

    pub fn keyid(&self) -> &str {
        self.public.keyid()
    }

    /// Signs `message` as securesystemslib's `CryptoSigner.sign`: PSS with a salt as long as
    /// the digest, deterministic (RFC 6979) DER-encoded ECDSA, pure Ed25519.
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
        let scheme = self.public.scheme().ok_or_else(|| {
            SignError::Backend("the public key of this private key has no scheme".into())
        })?;
        let backend = |e: rsa::Error| SignError::Backend(crate::report::chain(&e));
        match (&self.secret, scheme) {
            (Secret::Ed25519(key), Scheme::Ed25519) => {
                use ed25519_dalek::Signer as _;
                Ok(key.sign(message).to_bytes().to_vec())
            }
            (Secret::Rsa(key), Scheme::RsassaPss(hash)) => match hash {
                HashAlg::Sha256 => key.pss_sign::<Sha256>(message),
                HashAlg::Sha384 => key.pss_sign::<Sha384>(message),
                HashAlg::Sha512 => key.pss_sign::<Sha512>(message),
            }
            .map_err(backend),
            (Secret::Rsa(key), Scheme::RsaPkcs1v15(hash)) => match hash {
                HashAlg::Sha256 => key.pkcs1v15_sign::<Sha256>(message),
                HashAlg::Sha384 => key.pkcs1v15_sign::<Sha384>(message),
                HashAlg::Sha512 => key.pkcs1v15_sign::<Sha512>(message),
            }
            .map_err(backend),
            (Secret::P256(key), Scheme::Ecdsa(Curve::P256)) => {
                use p256::ecdsa::signature::Signer as _;
                let sig: p256::ecdsa::Signature = key.sign(message);
                Ok(sig.to_der().as_bytes().to_vec())
            }
            (Secret::P384(key), Scheme::Ecdsa(Curve::P384)) => {
                use p384::ecdsa::signature::Signer as _;
                let sig: p384::ecdsa::Signature = key.sign(message);
                Ok(sig.to_der().as_bytes().to_vec())
            }
            (Secret::P521(key), Scheme::Ecdsa(Curve::P521)) => {
                use p521::ecdsa::signature::Signer as _;
                let sig: p521::ecdsa::Signature = key.sign(message);
                Ok(sig.to_der().as_bytes().to_vec())
            }
            (_, scheme) => Err(SignError::SchemeMismatch {
                scheme,
                key: self.describe(),
            }),
        }
    }

    /// The key as unencrypted PKCS#8 PEM. Only for keys the user asked to keep in the clear
    /// (demo keys are named `DEMO-…` so nobody mistakes them for real ones).
    pub fn to_pkcs8_pem(&self) -> Result<Zeroizing<String>, SignError> {
        let der = self.pkcs8_der()?;
        der.to_pem("PRIVATE KEY", pkcs8::LineEnding::LF)
            .map_err(|e| SignError::Encode(crate::report::chain(&e)))
    }

    /// The key as PKCS#8 encrypted under `passphrase` (PBES2: PBKDF2-HMAC-SHA256, AES-256-CBC),
    /// a format OpenSSL and pyca/cryptography read.
    pub fn to_encrypted_pkcs8_pem(&self, passphrase: &str) -> Result<Zeroizing<String>, SignError> {
        let der = self.pkcs8_der()?;
        let info = pkcs8::PrivateKeyInfoRef::try_from(der.as_bytes())
            .map_err(|e| SignError::Encode(crate::report::chain(&e)))?;
        let mut salt = [0u8; 16];
        let mut iv = [0u8; 16];
        getrandom::fill(&mut salt).map_err(|_| SignError::Randomness)?;
        getrandom::fill(&mut iv).map_err(|_| SignError::Randomness)?;
        let params =
            pkcs8::pkcs5::pbes2::Parameters::generate_pbkdf2_sha256_aes256cbc(600_000, &salt, iv)
                .map_err(|e| SignError::Encode(crate::report::chain(&e)))?;
        let encrypted = info
            .encrypt_with_params(params, passphrase.as_bytes())
            .map_err(|e| SignError::Encode(crate::report::chain(&e)))?;
        encrypted
            .to_pem("ENCRYPTED PRIVATE KEY", pkcs8::LineEnding::LF)
            .map_err(|e| SignError::Encode(crate::report::chain(&e)))
    }

    /// The public key as SubjectPublicKeyInfo PEM, to hand to `in-toto-verify` or to import.
    pub fn public_pem(&self) -> String {
        public_material(&self.secret).spki_pem()
    }

    fn pkcs8_der(&self) -> Result<pkcs8::SecretDocument, SignError> {
        let result = match &self.secret {
            // PKCS#8 v1 without the optional public key: OpenSSL and pyca/cryptography refuse
            // the v2 form ed25519-dalek writes by default.
            Secret::Ed25519(k) => ed25519_dalek::ed25519::pkcs8::KeypairBytes {
                secret_key: k.to_bytes(),
                public_key: None,
            }
            .to_pkcs8_der(),
            Secret::Rsa(k) => k.to_pkcs8_der(),
            Secret::P256(k) => k.to_pkcs8_der(),
            Secret::P384(k) => k.to_pkcs8_der(),
            Secret::P521(k) => k.to_pkcs8_der(),
        };
        result.map_err(|e| SignError::Encode(crate::report::chain(&e)))
    }
}

fn public_material(secret: &Secret) -> Material {
    match secret {
        Secret::Ed25519(k) => Material::Ed25519(k.verifying_key().into()),
        Secret::Rsa(k) => Material::Rsa(Box::new(k.to_public_key())),
        Secret::P256(k) => Material::P256(*k.verifying_key()),
        Secret::P384(k) => Material::P384(*k.verifying_key()),
        Secret::P521(k) => Material::P521(*k.verifying_key()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_wiped_on_drop<T: zeroize::ZeroizeOnDrop>() {}

    #[test]
    fn every_secret_type_is_wiped_on_drop() {
        assert_wiped_on_drop::<ed25519_dalek::SigningKey>();
        assert_wiped_on_drop::<rsa::PrivateKey>();
        assert_wiped_on_drop::<p256::ecdsa::SigningKey>();
        assert_wiped_on_drop::<p384::ecdsa::SigningKey>();
        assert_wiped_on_drop::<p521::ecdsa::SigningKey>();
        assert_wiped_on_drop::<Zeroizing<Vec<u8>>>();
    }

    #[test]
    fn debug_never_shows_secret_material() {
        let key = PrivateKey::ed25519_from_seed(&[7; 32]);
        let pem = key.to_pkcs8_pem().unwrap();
        let shown = format!("{key:?}");
        assert!(shown.contains("<redacted>") && shown.contains(key.keyid()));
        let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        assert!(!shown.contains(&body[..20]));
        assert!(!shown.contains(&hex::encode([7u8; 32])));
    }

    #[test]
    fn generated_keys_of_every_type_sign_and_verify() {
        for (kind, scheme) in [
            (KeyType::Ed25519, "ed25519"),
            (KeyType::Rsa, "rsassa-pss-sha256"),
            (KeyType::Ecdsa, "ecdsa-sha2-nistp256"),
        ] {
            let key = PrivateKey::generate(kind).unwrap();
            assert_eq!(key.public().scheme_name(), scheme);
            let sig = key.sign(b"payload").unwrap();
            assert_eq!(key.public().verify(b"payload", &sig), Ok(()), "{scheme}");
        }
    }

    #[test]
    fn ed25519_signs_and_verifies() {
        let key = PrivateKey::generate_ed25519().unwrap();
        let sig = key.sign(b"payload").unwrap();
        assert_eq!(key.public().verify(b"payload", &sig), Ok(()));
        assert!(key.public().verify(b"other", &sig).is_err());
        assert!(key.with_scheme(Scheme::Ecdsa(Curve::P256)).is_err());
    }
}
