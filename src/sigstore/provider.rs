//! The cryptography under `sigstore-verify`, from the RustCrypto crates chainscope already
//! verifies TUF and in-toto signatures with, instead of the C library (aws-lc) the crate
//! defaults to: one set of implementations in the tree, nothing to build with cmake.
//!
//! Semantics follow the aws-lc provider it replaces (`sigstore-crypto/src/aws_lc.rs`): ECDSA
//! signatures are ASN.1 DER, RSA-PSS uses a salt as long as the digest, ML-DSA is the pure
//! form with an empty context. Verification only: chainscope never signs with Sigstore.

use sha2::Digest as _;
use sigstore_verify::crypto::provider::{CryptoProvider, HashContext};
use sigstore_verify::crypto::{Error, Result, SigningScheme};
use sigstore_verify::types::HashAlgorithm;

#[derive(Debug)]
pub struct RustCryptoProvider;

pub static PROVIDER: RustCryptoProvider = RustCryptoProvider;

/// Makes [`PROVIDER`] the process's Sigstore crypto provider. Idempotent; must run before the
/// first Sigstore verification (which panics without a provider).
pub fn install() {
    // Err only when one is installed already, and only this module installs one.
    let _ = sigstore_verify::crypto::provider::install_default_provider(&PROVIDER);
}

struct Hasher<D>(D);

impl<D: sha2::Digest + Send> HashContext for Hasher<D> {
    fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }

    fn finalize(self: Box<Self>) -> Vec<u8> {
        self.0.finalize().to_vec()
    }
}

fn digest(algorithm: HashAlgorithm, data: &[u8]) -> Result<Vec<u8>> {
    Ok(match algorithm {
        HashAlgorithm::Sha2256 => sha2::Sha256::digest(data).to_vec(),
        HashAlgorithm::Sha2384 => sha2::Sha384::digest(data).to_vec(),
        HashAlgorithm::Sha2512 => sha2::Sha512::digest(data).to_vec(),
        other => return Err(unsupported_hash(other)),
    })
}

fn unsupported_hash(algorithm: HashAlgorithm) -> Error {
    Error::UnsupportedAlgorithm(format!("cannot compute {algorithm} digests"))
}

fn invalid(scheme: SigningScheme) -> Error {
    Error::Verification(format!("{} signature invalid", scheme.name()))
}

fn bad_key(scheme: SigningScheme, why: impl std::fmt::Display) -> Error {
    Error::InvalidKey(format!("{} public key: {why}", scheme.name()))
}

fn verify_ml_dsa<P: ml_dsa::MlDsaParams>(
    scheme: SigningScheme,
    key: &[u8],
    message: &[u8],
    signature: &[u8],
) -> Result<()> {
    let encoded = ml_dsa::EncodedVerifyingKey::<P>::try_from(key)
        .map_err(|_| bad_key(scheme, format!("not {} bytes", key.len())))?;
    let key = ml_dsa::VerifyingKey::<P>::decode(&encoded);
    let signature = ml_dsa::Signature::<P>::try_from(signature).map_err(|_| invalid(scheme))?;
    if key.verify_with_context(message, &[], &signature) {
        Ok(())
    } else {
        Err(invalid(scheme))
    }
}

impl CryptoProvider for RustCryptoProvider {
    fn hash(&self, algorithm: HashAlgorithm) -> Result<Box<dyn HashContext>> {
        Ok(match algorithm {
            HashAlgorithm::Sha2256 => Box::new(Hasher(sha2::Sha256::new())),
            HashAlgorithm::Sha2384 => Box::new(Hasher(sha2::Sha384::new())),
            HashAlgorithm::Sha2512 => Box::new(Hasher(sha2::Sha512::new())),
            other => return Err(unsupported_hash(other)),
        })
    }

    fn verify_raw(
        &self,
        scheme: SigningScheme,
        key: &[u8],
        data: &[u8],
        signature: &[u8],
    ) -> Result<()> {
        match scheme {
            SigningScheme::Ed25519 => {
                let key: [u8; 32] = key
                    .try_into()
                    .map_err(|_| bad_key(scheme, "an Ed25519 key is 32 bytes"))?;
                let key = ed25519_dalek::VerifyingKey::from_bytes(&key)
                    .map_err(|_| bad_key(scheme, "not a curve point"))?;
                let signature =
                    ed25519_dalek::Signature::from_slice(signature).map_err(|_| invalid(scheme))?;
                // RFC 8032 as BoringSSL/aws-lc check it (canonical S, cofactorless), which is
                // also how chainscope checks every other Ed25519 signature.
                use ed25519_dalek::Verifier as _;
                key.verify(data, &signature).map_err(|_| invalid(scheme))
            }
            SigningScheme::MlDsa44 => {
                verify_ml_dsa::<ml_dsa::MlDsa44>(scheme, key, data, signature)
            }
            SigningScheme::MlDsa65 => {
                verify_ml_dsa::<ml_dsa::MlDsa65>(scheme, key, data, signature)
            }
            SigningScheme::MlDsa87 => {
                verify_ml_dsa::<ml_dsa::MlDsa87>(scheme, key, data, signature)
            }
            // ECDSA and RSA sign a digest of the message: hash it as the scheme says.
            _ => match scheme.hash_algorithm() {
                Some(algorithm) => {
                    self.verify_prehashed(scheme, key, &digest(algorithm, data)?, signature)
                }
                None => Err(Error::UnsupportedAlgorithm(scheme.name().to_owned())),
            },
        }
    }

    fn verify_prehashed(
        &self,
        scheme: SigningScheme,
        key: &[u8],
        digest: &[u8],
        signature: &[u8],
    ) -> Result<()> {
        use rsa::pkcs1::DecodeRsaPublicKey as _;
        use rsa::signature::hazmat::PrehashVerifier as _;
        if scheme.hash_algorithm().map(|a| a.digest_size()) != Some(digest.len()) {
            return Err(Error::Verification(format!(
                "a {}-byte digest for {}",
                digest.len(),
                scheme.name()
            )));
        }
        let rsa_key = || rsa::PublicKey::from_pkcs1_der(key).map_err(|e| bad_key(scheme, e));
        let verified = match scheme {
            SigningScheme::EcdsaP256Sha256 | SigningScheme::EcdsaP256Sha384 => {
                let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(key)
                    .map_err(|e| bad_key(scheme, e))?;
                let signature =
                    p256::ecdsa::Signature::from_der(signature).map_err(|_| invalid(scheme))?;
                key.verify_prehash(digest, &signature)
            }
            SigningScheme::EcdsaP384Sha256 | SigningScheme::EcdsaP384Sha384 => {
                let key = p384::ecdsa::VerifyingKey::from_sec1_bytes(key)
                    .map_err(|e| bad_key(scheme, e))?;
                let signature =
                    p384::ecdsa::Signature::from_der(signature).map_err(|_| invalid(scheme))?;
                key.verify_prehash(digest, &signature)
            }
            SigningScheme::RsaPkcs1Sha256 => {
                rsa_pkcs1::<sha2::Sha256>(rsa_key()?, digest, signature)
            }
            SigningScheme::RsaPkcs1Sha384 => {
                rsa_pkcs1::<sha2::Sha384>(rsa_key()?, digest, signature)
            }
            SigningScheme::RsaPkcs1Sha512 => {
                rsa_pkcs1::<sha2::Sha512>(rsa_key()?, digest, signature)
            }
            SigningScheme::RsaPssSha256 => rsa_pss::<sha2::Sha256>(rsa_key()?, digest, signature),
            SigningScheme::RsaPssSha384 => rsa_pss::<sha2::Sha384>(rsa_key()?, digest, signature),
            SigningScheme::RsaPssSha512 => rsa_pss::<sha2::Sha512>(rsa_key()?, digest, signature),
            _ => {
                return Err(Error::UnsupportedAlgorithm(format!(
                    "{} has no prehashed form",
                    scheme.name()
                )));
            }
        };
        verified.map_err(|_| invalid(scheme))
    }
}

fn rsa_pkcs1<D>(
    key: rsa::PublicKey,
    digest: &[u8],
    signature: &[u8],
) -> std::result::Result<(), rsa::signature::Error>
where
    D: sha2::Digest + rsa::pkcs8::AssociatedOid,
{
    use rsa::signature::hazmat::PrehashVerifier as _;
    let signature = rsa::pkcs1v15::Signature::try_from(signature)?;
    rsa::pkcs1v15::VerifyingKey::<D>::new(key).verify_prehash(digest, &signature)
}

fn rsa_pss<D>(
    key: rsa::PublicKey,
    digest: &[u8],
    signature: &[u8],
) -> std::result::Result<(), rsa::signature::Error>
where
    D: sha2::Digest + sha2::digest::FixedOutputReset,
{
    use rsa::signature::hazmat::PrehashVerifier as _;
    let signature = rsa::pss::Signature::try_from(signature)?;
    // The salt is as long as the digest (RSA_PSS_2048_8192_SHA*), as aws-lc and ring verify.
    rsa::pss::VerifyingKey::<D>::new(key).verify_prehash(digest, &signature)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::PrivateKey;
    use crate::crypto::scheme::{HashAlg, Scheme};

    const MESSAGE: &[u8] = b"the artifact";

    /// The raw key a certificate's `subjectPublicKey` holds, as the provider is given it.
    fn raw_key(key: &PrivateKey) -> Vec<u8> {
        let block = crate::crypto::pem::first_block(&key.public_pem()).unwrap();
        let info = spki::SubjectPublicKeyInfoRef::try_from(block.der.as_slice()).unwrap();
        info.subject_public_key.raw_bytes().to_vec()
    }

    /// Verifies `signature` raw and (where the scheme has one) prehashed, and that a changed
    /// message or signature is refused both ways.
    fn round_trip(scheme: SigningScheme, key: &[u8], signature: &[u8]) {
        PROVIDER
            .verify_raw(scheme, key, MESSAGE, signature)
            .unwrap();
        assert!(
            PROVIDER
                .verify_raw(scheme, key, b"another artifact", signature)
                .is_err()
        );
        let mut flipped = signature.to_vec();
        let last = flipped.len() - 2;
        flipped[last] ^= 1;
        assert!(PROVIDER.verify_raw(scheme, key, MESSAGE, &flipped).is_err());
        if let Some(algorithm) = scheme.hash_algorithm() {
            let ours = digest(algorithm, MESSAGE).unwrap();
            PROVIDER
                .verify_prehashed(scheme, key, &ours, signature)
                .unwrap();
            let other = digest(algorithm, b"another artifact").unwrap();
            assert!(
                PROVIDER
                    .verify_prehashed(scheme, key, &other, signature)
                    .is_err()
            );
            assert!(
                PROVIDER
                    .verify_prehashed(scheme, key, &ours[1..], signature)
                    .is_err()
            );
        }
    }

    #[test]
    fn each_scheme_verifies_what_its_key_signed_and_nothing_else() {
        let ed25519 = PrivateKey::ed25519_from_seed(&[3; 32]);
        round_trip(
            SigningScheme::Ed25519,
            &raw_key(&ed25519),
            &ed25519.sign(MESSAGE).unwrap(),
        );

        let p256 = p256::ecdsa::SigningKey::from_slice(&[5; 32]).unwrap();
        let p256_key = p256.verifying_key().to_sec1_point(false);
        {
            use p256::ecdsa::signature::Signer as _;
            let signature: p256::ecdsa::Signature = p256.sign(MESSAGE);
            round_trip(
                SigningScheme::EcdsaP256Sha256,
                p256_key.as_bytes(),
                signature.to_der().as_bytes(),
            );
        }
        let p384 = p384::ecdsa::SigningKey::from_slice(&[6; 48]).unwrap();
        {
            use p384::ecdsa::signature::Signer as _;
            let signature: p384::ecdsa::Signature = p384.sign(MESSAGE);
            round_trip(
                SigningScheme::EcdsaP384Sha384,
                p384.verifying_key().to_sec1_point(false).as_bytes(),
                signature.to_der().as_bytes(),
            );
        }

        let rsa = PrivateKey::generate(crate::crypto::KeyType::Rsa).unwrap();
        let rsa_key = raw_key(&rsa);
        let rsa = rsa.with_scheme(Scheme::RsassaPss(HashAlg::Sha256)).unwrap();
        round_trip(
            SigningScheme::RsaPssSha256,
            &rsa_key,
            &rsa.sign(MESSAGE).unwrap(),
        );
        let rsa = rsa
            .with_scheme(Scheme::RsaPkcs1v15(HashAlg::Sha384))
            .unwrap();
        let pkcs1 = rsa.sign(MESSAGE).unwrap();
        round_trip(SigningScheme::RsaPkcs1Sha384, &rsa_key, &pkcs1);
        // The same signature under another scheme's hash or padding is not valid.
        assert!(
            PROVIDER
                .verify_raw(SigningScheme::RsaPkcs1Sha256, &rsa_key, MESSAGE, &pkcs1)
                .is_err()
        );
        assert!(
            PROVIDER
                .verify_raw(SigningScheme::RsaPssSha384, &rsa_key, MESSAGE, &pkcs1)
                .is_err()
        );

        let ml_dsa = ml_dsa::SigningKey::<ml_dsa::MlDsa65>::from_seed(&[9; 32].into());
        {
            use ml_dsa::signature::{Keypair as _, Signer as _};
            let signature = ml_dsa.sign(MESSAGE);
            round_trip(
                SigningScheme::MlDsa65,
                ml_dsa.verifying_key().encode().as_slice(),
                signature.encode().as_slice(),
            );
        }
    }

    #[test]
    fn a_key_of_the_wrong_shape_is_an_error_not_a_pass() {
        let ed25519 = PrivateKey::ed25519_from_seed(&[3; 32]);
        let signature = ed25519.sign(MESSAGE).unwrap();
        for scheme in [
            SigningScheme::Ed25519,
            SigningScheme::EcdsaP256Sha256,
            SigningScheme::RsaPkcs1Sha256,
            SigningScheme::MlDsa44,
        ] {
            assert!(
                PROVIDER
                    .verify_raw(scheme, &[4; 7], MESSAGE, &signature)
                    .is_err(),
                "{scheme:?}"
            );
        }
    }
}
