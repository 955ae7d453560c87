//! File hashes as TUF metadata names them (`"hashes": {"sha256": HEX}`), the algorithms
//! python-tuf computes through `hashlib.new(name)`.

use sha2::Digest as _;

/// Lowercase hex digest of `data` under the hashlib `algorithm` name, or `None` when
/// chainscope does not compute that algorithm (python-tuf then reports
/// "Unsupported algorithm" too, for anything hashlib lacks).
pub fn hex_digest(algorithm: &str, data: &[u8]) -> Option<String> {
    let bytes: Vec<u8> = match algorithm {
        "sha224" => sha2::Sha224::digest(data).to_vec(),
        "sha256" => sha2::Sha256::digest(data).to_vec(),
        "sha384" => sha2::Sha384::digest(data).to_vec(),
        "sha512" => sha2::Sha512::digest(data).to_vec(),
        "sha512_224" => sha2::Sha512_224::digest(data).to_vec(),
        "sha512_256" => sha2::Sha512_256::digest(data).to_vec(),
        _ => return None,
    };
    Some(hex::encode(bytes))
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
