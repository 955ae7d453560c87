//! Finding and decoding PEM blocks the way OpenSSL reads key files: text around the block is
//! ignored, so a file with an `EC PARAMETERS` block or a comment before the key still loads.

use zeroize::Zeroizing;

/// One decoded `-----BEGIN <label>-----` block; the DER bytes are wiped on drop because they
/// may hold a private key.
pub struct PemBlock {
    pub label: String,
    /// Header lines such as `Proc-Type: 4,ENCRYPTED` (legacy OpenSSL encryption).
    pub headers: Vec<String>,
    pub der: Zeroizing<Vec<u8>>,
}

/// Why text is not a usable PEM block.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PemError {
    #[error("no PEM block (\"-----BEGIN ...-----\") found")]
    NoBlock,
    #[error("the PEM block \"{label}\" has no matching END line")]
    Unterminated { label: String },
    #[error("the PEM block \"{label}\" is not valid base64")]
    BadBase64 { label: String },
}

/// Every PEM block in `text`, in order.
pub fn blocks(text: &str) -> Result<Vec<PemBlock>, PemError> {
    use base64::Engine as _;
    let mut found = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let line = line.trim();
        let Some(label) = line
            .strip_prefix("-----BEGIN ")
            .and_then(|rest| rest.strip_suffix("-----"))
        else {
            continue;
        };
        let end = format!("-----END {label}-----");
        let mut headers = Vec::new();
        let mut body = Zeroizing::new(String::new());
        let mut closed = false;
        for inner in lines.by_ref() {
            let inner = inner.trim();
            if inner == end {
                closed = true;
                break;
            }
            if inner.contains(':') {
                headers.push(inner.to_owned());
            } else {
                body.push_str(inner);
            }
        }
        if !closed {
            return Err(PemError::Unterminated {
                label: label.to_owned(),
            });
        }
        let der = base64::engine::general_purpose::STANDARD
            .decode(body.as_bytes())
            .map_err(|_| PemError::BadBase64 {
                label: label.to_owned(),
            })?;
        found.push(PemBlock {
            label: label.to_owned(),
            headers,
            der: Zeroizing::new(der),
        });
    }
    Ok(found)
}

/// The first block that is not curve parameters.
pub fn first_block(text: &str) -> Result<PemBlock, PemError> {
    blocks(text)?
        .into_iter()
        .find(|b| b.label != "EC PARAMETERS")
        .ok_or(PemError::NoBlock)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_surrounding_text_and_parameters() {
        let text = "comment\n-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n-----BEGIN PUBLIC KEY-----\r\nAAEC\r\n-----END PUBLIC KEY-----\r\n";
        let block = first_block(text).unwrap();
        assert_eq!(block.label, "PUBLIC KEY");
        assert_eq!(block.der.as_slice(), &[0, 1, 2]);
        assert_eq!(first_block("nothing").err(), Some(PemError::NoBlock));
        assert!(matches!(
            first_block("-----BEGIN X-----\nAA"),
            Err(PemError::Unterminated { .. })
        ));
        assert!(matches!(
            first_block("-----BEGIN X-----\n@@\n-----END X-----"),
            Err(PemError::BadBase64 { .. })
        ));
    }
}
