//! Key types and signature schemes, spelled as securesystemslib spells them.

use std::fmt;

/// The hash a scheme applies to the message before signing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HashAlg {
    Sha256,
    Sha384,
    Sha512,
}

impl HashAlg {
    pub fn name(self) -> &'static str {
        match self {
            HashAlg::Sha256 => "sha256",
            HashAlg::Sha384 => "sha384",
            HashAlg::Sha512 => "sha512",
        }
    }
}

/// The NIST curves securesystemslib signs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Curve {
    P256,
    P384,
    P521,
}

impl Curve {
    /// The scheme name, which old securesystemslib versions also used as the keytype.
    pub fn scheme_name(self) -> &'static str {
        match self {
            Curve::P256 => "ecdsa-sha2-nistp256",
            Curve::P384 => "ecdsa-sha2-nistp384",
            Curve::P521 => "ecdsa-sha2-nistp521",
        }
    }
}

/// The ML-DSA (FIPS 204) parameter sets TAP 21 names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MlDsaLevel {
    MlDsa44,
    MlDsa65,
    MlDsa87,
}

/// A supported signature scheme. securesystemslib's `KEY_FOR_TYPE_AND_SCHEME` decides what is
/// supported: RSA with PSS or PKCS#1 v1.5 over SHA-256/384/512, ECDSA on P-256/384/521 (P-521
/// hashes with SHA-512), Ed25519, and (verification only) TAP 21's ML-DSA.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    Ed25519,
    RsassaPss(HashAlg),
    RsaPkcs1v15(HashAlg),
    Ecdsa(Curve),
    /// `ml-dsa-NN/1`: ML-DSA over `"tuf" || 0x01 || SHA-512(message)`, empty context
    /// (securesystemslib's `get_mldsa_payload`). chainscope verifies it, never signs with it.
    MlDsa(MlDsaLevel),
}

/// Whether securesystemslib 1.6 can load a key of this `(keytype, scheme)` at all
/// (`KEY_FOR_TYPE_AND_SCHEME`, which also lists GPG and ML-DSA keys chainscope does not verify).
/// python-tuf refuses a whole metadata file that lists any other key.
pub fn securesystemslib_loads(keytype: &str, scheme: &str) -> bool {
    let ecdsa = [
        "ecdsa-sha2-nistp256",
        "ecdsa-sha2-nistp384",
        "ecdsa-sha2-nistp521",
    ];
    match keytype {
        "ed25519" => scheme == "ed25519",
        "ecdsa" => ecdsa.contains(&scheme),
        legacy if ecdsa.contains(&legacy) => scheme == legacy,
        "rsa" => [
            "rsassa-pss-sha256",
            "rsassa-pss-sha384",
            "rsassa-pss-sha512",
            "rsa-pkcs1v15-sha256",
            "rsa-pkcs1v15-sha384",
            "rsa-pkcs1v15-sha512",
            "pgp+rsa-pkcsv1.5",
        ]
        .contains(&scheme),
        "ml-dsa" => ["ml-dsa-44/1", "ml-dsa-65/1", "ml-dsa-87/1"].contains(&scheme),
        "dsa" => scheme == "pgp+dsa-fips-180-2",
        "eddsa" => scheme == "pgp+eddsa-ed25519",
        _ => false,
    }
}

impl Scheme {
    /// Resolves a `(keytype, scheme)` pair the way securesystemslib does, including the legacy
    /// ECDSA keytype that repeats the scheme name. Anything else is unsupported, with the reason.
    pub fn from_names(keytype: &str, scheme: &str) -> Result<Scheme, String> {
        let parsed = match scheme {
            "ed25519" => Some(Scheme::Ed25519),
            "rsassa-pss-sha256" => Some(Scheme::RsassaPss(HashAlg::Sha256)),
            "rsassa-pss-sha384" => Some(Scheme::RsassaPss(HashAlg::Sha384)),
            "rsassa-pss-sha512" => Some(Scheme::RsassaPss(HashAlg::Sha512)),
            "rsa-pkcs1v15-sha256" => Some(Scheme::RsaPkcs1v15(HashAlg::Sha256)),
            "rsa-pkcs1v15-sha384" => Some(Scheme::RsaPkcs1v15(HashAlg::Sha384)),
            "rsa-pkcs1v15-sha512" => Some(Scheme::RsaPkcs1v15(HashAlg::Sha512)),
            "ecdsa-sha2-nistp256" => Some(Scheme::Ecdsa(Curve::P256)),
            "ecdsa-sha2-nistp384" => Some(Scheme::Ecdsa(Curve::P384)),
            "ecdsa-sha2-nistp521" => Some(Scheme::Ecdsa(Curve::P521)),
            "ml-dsa-44/1" => Some(Scheme::MlDsa(MlDsaLevel::MlDsa44)),
            "ml-dsa-65/1" => Some(Scheme::MlDsa(MlDsaLevel::MlDsa65)),
            "ml-dsa-87/1" => Some(Scheme::MlDsa(MlDsaLevel::MlDsa87)),
            _ => None,
        };
        let Some(parsed) = parsed else {
            return Err(if scheme.starts_with("pgp+") {
                format!(
                    "scheme \"{scheme}\" is a GPG (OpenPGP) signature scheme, which chainscope does not verify"
                )
            } else {
                format!("scheme \"{scheme}\" is not supported")
            });
        };
        let keytype_fits = match parsed {
            Scheme::Ed25519 => keytype == "ed25519",
            Scheme::RsassaPss(_) | Scheme::RsaPkcs1v15(_) => keytype == "rsa",
            Scheme::Ecdsa(curve) => keytype == "ecdsa" || keytype == curve.scheme_name(),
            Scheme::MlDsa(_) => keytype == "ml-dsa",
        };
        if keytype_fits {
            Ok(parsed)
        } else {
            Err(format!(
                "keytype \"{keytype}\" cannot be used with scheme \"{scheme}\""
            ))
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Scheme::Ed25519 => "ed25519",
            Scheme::RsassaPss(HashAlg::Sha256) => "rsassa-pss-sha256",
            Scheme::RsassaPss(HashAlg::Sha384) => "rsassa-pss-sha384",
            Scheme::RsassaPss(HashAlg::Sha512) => "rsassa-pss-sha512",
            Scheme::RsaPkcs1v15(HashAlg::Sha256) => "rsa-pkcs1v15-sha256",
            Scheme::RsaPkcs1v15(HashAlg::Sha384) => "rsa-pkcs1v15-sha384",
            Scheme::RsaPkcs1v15(HashAlg::Sha512) => "rsa-pkcs1v15-sha512",
            Scheme::Ecdsa(curve) => curve.scheme_name(),
            Scheme::MlDsa(MlDsaLevel::MlDsa44) => "ml-dsa-44/1",
            Scheme::MlDsa(MlDsaLevel::MlDsa65) => "ml-dsa-65/1",
            Scheme::MlDsa(MlDsaLevel::MlDsa87) => "ml-dsa-87/1",
        }
    }

    /// The keytype current securesystemslib writes for new keys of this scheme.
    pub fn keytype(self) -> &'static str {
        match self {
            Scheme::Ed25519 => "ed25519",
            Scheme::RsassaPss(_) | Scheme::RsaPkcs1v15(_) => "rsa",
            Scheme::Ecdsa(_) => "ecdsa",
            Scheme::MlDsa(_) => "ml-dsa",
        }
    }

    /// The schemes chainscope verifies but does not sign with.
    pub const VERIFY_ONLY: [Scheme; 3] = [
        Scheme::MlDsa(MlDsaLevel::MlDsa44),
        Scheme::MlDsa(MlDsaLevel::MlDsa65),
        Scheme::MlDsa(MlDsaLevel::MlDsa87),
    ];

    /// Every scheme chainscope signs (and verifies) with, for help texts and exhaustive tests.
    pub const ALL: [Scheme; 10] = [
        Scheme::Ed25519,
        Scheme::RsassaPss(HashAlg::Sha256),
        Scheme::RsassaPss(HashAlg::Sha384),
        Scheme::RsassaPss(HashAlg::Sha512),
        Scheme::RsaPkcs1v15(HashAlg::Sha256),
        Scheme::RsaPkcs1v15(HashAlg::Sha384),
        Scheme::RsaPkcs1v15(HashAlg::Sha512),
        Scheme::Ecdsa(Curve::P256),
        Scheme::Ecdsa(Curve::P384),
        Scheme::Ecdsa(Curve::P521),
    ];
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Scheme {
    type Err = String;

    /// Parses a scheme name alone, taking the keytype current securesystemslib would use.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Scheme::ALL
            .into_iter()
            .find(|scheme| scheme.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Scheme::ALL.iter().map(|s| s.name()).collect();
                format!("unknown scheme \"{s}\" (supported: {})", names.join(", "))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_pairs_like_securesystemslib() {
        assert_eq!(
            Scheme::from_names("ecdsa-sha2-nistp384", "ecdsa-sha2-nistp384"),
            Ok(Scheme::Ecdsa(Curve::P384))
        );
        assert_eq!(
            Scheme::from_names("ecdsa", "ecdsa-sha2-nistp521"),
            Ok(Scheme::Ecdsa(Curve::P521))
        );
        assert!(Scheme::from_names("ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384").is_err());
        assert!(Scheme::from_names("rsa", "ed25519").is_err());
        let gpg = Scheme::from_names("rsa", "pgp+rsa-pkcsv1.5").unwrap_err();
        assert!(gpg.contains("pgp+rsa-pkcsv1.5") && gpg.contains("GPG"));
        // securesystemslib 1.6 can sign sha224 but does not register it for keys.
        assert!(Scheme::from_names("rsa", "rsassa-pss-sha224").is_err());
        for scheme in Scheme::ALL.into_iter().chain(Scheme::VERIFY_ONLY) {
            assert_eq!(
                Scheme::from_names(scheme.keytype(), scheme.name()),
                Ok(scheme)
            );
        }
        for scheme in Scheme::ALL {
            assert_eq!(scheme.name().parse::<Scheme>(), Ok(scheme));
        }
    }
}
