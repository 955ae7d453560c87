//! File hashes as TUF metadata names them (`"hashes": {"sha256": HEX}`), the algorithms
//! python-tuf computes through `hashlib.new(name)` (and `blake2b-256`, which PEP 458 names and
//! python-tuf maps to BLAKE2b with a 32-byte digest).

use sha2::Digest as _;

/// A hash algorithm chainscope computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
    Sha512_224,
    Sha512_256,
    Sha3_224,
    Sha3_256,
    Sha3_384,
    Sha3_512,
    Blake2b,
    Blake2b256,
    Blake2s,
}

impl Algorithm {
    /// The algorithm `hashlib.new(name)` (or python-tuf's `blake2b-256`) computes: Python's own
    /// names exactly as written, then OpenSSL's names, which it matches without regard to
    /// case. `None` for what chainscope does not compute (python-tuf then says "Unsupported
    /// algorithm" as well, except for OpenSSL's rarer digests: ripemd160, sm3, md5-sha1).
    pub fn from_hashlib_name(name: &str) -> Option<Algorithm> {
        use Algorithm::*;
        let builtin = match name {
            "md5" | "MD5" => Some(Md5),
            "sha1" | "SHA1" => Some(Sha1),
            "sha224" | "SHA224" => Some(Sha224),
            "sha256" | "SHA256" => Some(Sha256),
            "sha384" | "SHA384" => Some(Sha384),
            "sha512" | "SHA512" => Some(Sha512),
            "sha512_224" => Some(Sha512_224),
            "sha512_256" => Some(Sha512_256),
            "sha3_224" => Some(Sha3_224),
            "sha3_256" => Some(Sha3_256),
            "sha3_384" => Some(Sha3_384),
            "sha3_512" => Some(Sha3_512),
            "blake2b" => Some(Blake2b),
            "blake2s" => Some(Blake2s),
            "blake2b-256" => Some(Blake2b256),
            _ => None,
        };
        builtin.or_else(|| match name.to_ascii_lowercase().as_str() {
            "md5" => Some(Md5),
            "sha1" | "sha-1" => Some(Sha1),
            "sha224" | "sha-224" => Some(Sha224),
            "sha256" | "sha-256" => Some(Sha256),
            "sha384" | "sha-384" => Some(Sha384),
            "sha512" | "sha-512" => Some(Sha512),
            "sha512-224" | "sha-512/224" => Some(Sha512_224),
            "sha512-256" | "sha-512/256" => Some(Sha512_256),
            "sha3-224" => Some(Sha3_224),
            "sha3-256" => Some(Sha3_256),
            "sha3-384" => Some(Sha3_384),
            "sha3-512" => Some(Sha3_512),
            "blake2b512" => Some(Blake2b),
            "blake2s256" => Some(Blake2s),
            _ => None,
        })
    }

    /// MD5 and SHA-1 have practical collisions: a target vouched for by them alone is not
    /// vouched for at all.
    pub fn is_broken(self) -> bool {
        matches!(self, Algorithm::Md5 | Algorithm::Sha1)
    }

    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        use Algorithm::*;
        match self {
            Md5 => md5::Md5::digest(data).to_vec(),
            Sha1 => sha1::Sha1::digest(data).to_vec(),
            Sha224 => sha2::Sha224::digest(data).to_vec(),
            Sha256 => sha2::Sha256::digest(data).to_vec(),
            Sha384 => sha2::Sha384::digest(data).to_vec(),
            Sha512 => sha2::Sha512::digest(data).to_vec(),
            Sha512_224 => sha2::Sha512_224::digest(data).to_vec(),
            Sha512_256 => sha2::Sha512_256::digest(data).to_vec(),
            Sha3_224 => sha3::Sha3_224::digest(data).to_vec(),
            Sha3_256 => sha3::Sha3_256::digest(data).to_vec(),
            Sha3_384 => sha3::Sha3_384::digest(data).to_vec(),
            Sha3_512 => sha3::Sha3_512::digest(data).to_vec(),
            Blake2b => blake2::Blake2b512::digest(data).to_vec(),
            Blake2b256 => blake2::Blake2b256::digest(data).to_vec(),
            Blake2s => blake2::Blake2s256::digest(data).to_vec(),
        }
    }
}

/// Lowercase hex digest of `data` under the hashlib `algorithm` name, or `None` when
/// chainscope does not compute that algorithm.
pub fn hex_digest(algorithm: &str, data: &[u8]) -> Option<String> {
    Algorithm::from_hashlib_name(algorithm).map(|a| hex::encode(a.digest(data)))
}

/// `Some(names)` when every algorithm of a target's `hashes` is broken (MD5, SHA-1): such a
/// target is refused (deliberately stricter than python-tuf, which accepts it).
pub fn only_broken_hashes<'h>(algorithms: impl IntoIterator<Item = &'h str>) -> Option<String> {
    let names: Vec<&str> = algorithms.into_iter().collect();
    let broken = !names.is_empty()
        && names
            .iter()
            .all(|name| Algorithm::from_hashlib_name(name).is_some_and(Algorithm::is_broken));
    broken.then(|| names.join(", "))
}

/// python-tuf's `verify_length_and_hashes`: the length first (when given), then every listed
/// hash in turn, each compared exactly as written.
pub fn verify_length_and_hashes<'h>(
    data: &[u8],
    length: Option<u64>,
    hashes: impl IntoIterator<Item = (&'h str, &'h str)>,
) -> Result<(), String> {
    if let Some(length) = length
        && data.len() as u64 != length
    {
        return Err(format!(
            "Observed length {} does not match expected length {length}",
            data.len()
        ));
    }
    for (algorithm, expected) in hashes {
        let Some(observed) = hex_digest(algorithm, data) else {
            return Err(format!("Unsupported algorithm '{algorithm}'"));
        };
        if observed != expected {
            return Err(format!(
                "Observed hash {observed} does not match expected hash {expected}"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_and_checks_as_python_tuf() {
        assert_eq!(
            hex_digest("sha256", b"hello\n").unwrap(),
            "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
        );
        assert_eq!(hex_digest("sha512_256", b"").unwrap().len(), 64);
        assert!(hex_digest("md4", b"").is_none());
        let sha = hex_digest("sha256", b"abc").unwrap();
        assert!(verify_length_and_hashes(b"abc", Some(3), [("sha256", sha.as_str())]).is_ok());
        assert_eq!(
            verify_length_and_hashes(b"abc", Some(4), [("sha256", sha.as_str())]).unwrap_err(),
            "Observed length 3 does not match expected length 4"
        );
        assert!(
            verify_length_and_hashes(b"abc", None, [("sha256", sha.to_uppercase().as_str())])
                .unwrap_err()
                .starts_with("Observed hash ")
        );
        assert_eq!(
            verify_length_and_hashes(b"abc", None, [("whirlpool", "00")]).unwrap_err(),
            "Unsupported algorithm 'whirlpool'"
        );
    }
}
