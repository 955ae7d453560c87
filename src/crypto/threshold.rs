//! The one threshold routine. Every signature check in chainscope (TUF roles, delegations,
//! layouts, steps) calls [`check_threshold`], so a rule about counting signers lives here once.
//!
//! Deliberately stricter than the reference tools: a threshold counts distinct keys, not
//! keyids. python-tuf 7.0.1 and in-toto count one key listed under two keyids as two signers;
//! here the second listing is reported as [`SignatureStatus::SameKeyAs`] and not counted.

use std::collections::BTreeMap;
use std::fmt;

use super::envelope::Signature;
use super::public::{PublicKey, VerifyFailure};

/// What became of one entry of `signatures`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureStatus {
    /// Valid, by an authorized key, and counted toward the threshold.
    Counted,
    /// Valid, but by key material already counted under another keyid.
    SameKeyAs { keyid: String },
    /// By an authorized key, but it does not verify (or the key cannot verify anything).
    Invalid(VerifyFailure),
    /// The keyid is not one of the authorized keys.
    UnknownKey,
    /// The keyid already signed earlier in the list; only the first entry is considered.
    RepeatedKeyid { first_index: usize },
}

impl fmt::Display for SignatureStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignatureStatus::Counted => f.write_str("valid"),
            SignatureStatus::SameKeyAs { keyid } => write!(
                f,
                "valid, but the same key as {} already counted (not counted twice)",
                short(keyid)
            ),
            SignatureStatus::Invalid(reason) => write!(f, "invalid: {reason}"),
            SignatureStatus::UnknownKey => f.write_str("by a key that is not authorized here"),
            SignatureStatus::RepeatedKeyid { first_index } => write!(
                f,
                "repeats the keyid of signature #{} (ignored)",
                first_index + 1
            ),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureCheck {
    /// Position in the envelope's `signatures` list.
    pub index: usize,
    pub keyid: String,
    pub status: SignatureStatus,
}

/// The outcome of checking a signature list against authorized keys and a threshold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThresholdReport {
    pub threshold: u64,
    pub checks: Vec<SignatureCheck>,
    /// Authorized keyids without a valid signature, sorted: who still has to sign.
    pub missing: Vec<String>,
    /// Authorized keyids whose key material is also listed under an earlier keyid, sorted.
    pub duplicate_keys: Vec<(String, String)>,
}

impl ThresholdReport {
    /// Keyids whose signatures count, in signature order.
    pub fn counted(&self) -> Vec<&str> {
        self.with_status(|s| matches!(s, SignatureStatus::Counted))
    }

    pub fn counted_len(&self) -> u64 {
        self.counted().len() as u64
    }

    /// Threshold 0 is never met: it would disable verification (go-tuf GHSA-fphv-w9fq-2525).
    pub fn is_met(&self) -> bool {
        self.threshold >= 1 && self.counted_len() >= self.threshold
    }

    pub fn invalid(&self) -> Vec<&str> {
        self.with_status(|s| {
            matches!(
                s,
                SignatureStatus::Invalid(
                    VerifyFailure::BadSignature | VerifyFailure::MalformedSignature(_)
                )
            )
        })
    }

    pub fn unsupported(&self) -> Vec<&str> {
        self.with_status(|s| {
            matches!(
                s,
                SignatureStatus::Invalid(
                    VerifyFailure::UnsupportedKey(_) | VerifyFailure::UnusableKey(_)
                )
            )
        })
    }

    pub fn unknown(&self) -> Vec<&str> {
        self.with_status(|s| matches!(s, SignatureStatus::UnknownKey))
    }

    pub fn repeated(&self) -> Vec<&str> {
        self.with_status(|s| matches!(s, SignatureStatus::RepeatedKeyid { .. }))
    }

    pub fn same_key(&self) -> Vec<&str> {
        self.with_status(|s| matches!(s, SignatureStatus::SameKeyAs { .. }))
    }

    fn with_status(&self, wanted: impl Fn(&SignatureStatus) -> bool) -> Vec<&str> {
        self.checks
            .iter()
            .filter(|c| wanted(&c.status))
            .map(|c| c.keyid.as_str())
            .collect()
    }

    /// One line: "1 of 2 required signatures (missing: 4e7a…, 9b1c…)".
    pub fn summary(&self) -> String {
        let mut line = format!(
            "{} of {} required signature{}",
            self.counted_len(),
            self.threshold,
            if self.threshold == 1 { "" } else { "s" }
        );
        if self.threshold == 0 {
            line.push_str(" (a threshold of 0 is invalid and never met)");
        } else if !self.is_met() && !self.missing.is_empty() {
            let names: Vec<String> = self.missing.iter().map(|k| short(k)).collect();
            line.push_str(&format!(" (not yet signed by: {})", names.join(", ")));
        }
        line
    }
}

/// Shortens a keyid for display the way in-toto names link files: its first 8 hex digits.
pub fn short(keyid: &str) -> String {
    match keyid.get(..8) {
        Some(prefix) if keyid.len() > 8 => format!("{prefix}…"),
        _ => keyid.to_owned(),
    }
}

/// The keys a signature check accepts, by keyid.
pub trait Authorized {
    fn key(&self, keyid: &str) -> Option<&PublicKey>;
    /// Every authorized keyid with its key, sorted by keyid.
    fn all(&self) -> Vec<(&str, &PublicKey)>;
}

impl Authorized for BTreeMap<String, PublicKey> {
    /// The key listed under `keyid`, else a GPG key one of whose subkeys `keyid` names (a
    /// subkey signs for its primary key, as securesystemslib verifies it).
    fn key(&self, keyid: &str) -> Option<&PublicKey> {
        self.get(keyid).or_else(|| {
            self.values()
                .find(|key| key.gpg().is_some_and(|gpg| gpg.covers(keyid)))
        })
    }

    fn all(&self) -> Vec<(&str, &PublicKey)> {
        self.iter().map(|(id, key)| (id.as_str(), key)).collect()
    }
}

/// A role's keyids looked up in the key list of whoever delegates the role (TUF's root or
/// targets `keys`), without copying the keys; keyids without a key are not authorized.
#[derive(Debug, Clone, Copy)]
pub struct RoleKeys<'k> {
    pub keys: &'k BTreeMap<String, PublicKey>,
    pub keyids: &'k [String],
}

impl Authorized for RoleKeys<'_> {
    fn key(&self, keyid: &str) -> Option<&PublicKey> {
        if self.keyids.iter().any(|id| id == keyid) {
            self.keys.get(keyid)
        } else {
            None
        }
    }

    fn all(&self) -> Vec<(&str, &PublicKey)> {
        let mut all: Vec<(&str, &PublicKey)> = self
            .keyids
            .iter()
            .filter_map(|id| self.keys.get(id).map(|key| (id.as_str(), key)))
            .collect();
        all.sort_by(|a, b| a.0.cmp(b.0));
        all.dedup_by(|a, b| a.0 == b.0);
        all
    }
}

/// Checks `signatures` over `message` against `authorized` keys (keyid → key).
pub fn check_threshold(
    authorized: &impl Authorized,
    threshold: u64,
    signatures: &[Signature],
    message: &[u8],
) -> ThresholdReport {
    let mut checks = Vec::with_capacity(signatures.len());
    let mut first_index_of: BTreeMap<&str, usize> = BTreeMap::new();
    // Fingerprint of each counted key → the keyid it was counted under.
    let mut counted_material: Vec<(Vec<u8>, String)> = Vec::new();

    for (index, signature) in signatures.iter().enumerate() {
        let keyid = signature.keyid.as_str();
        let status = if let Some(&first_index) = first_index_of.get(keyid) {
            SignatureStatus::RepeatedKeyid { first_index }
        } else {
            first_index_of.insert(keyid, index);
            match authorized.key(keyid) {
                None => SignatureStatus::UnknownKey,
                Some(key) => match key.verify_signature(signature, message) {
                    Err(failure) => SignatureStatus::Invalid(failure),
                    Ok(()) => {
                        let fingerprint = key.fingerprint().unwrap_or_default();
                        match counted_material.iter().find(|(f, _)| *f == fingerprint) {
                            Some((_, earlier)) => SignatureStatus::SameKeyAs {
                                keyid: earlier.clone(),
                            },
                            None => {
                                counted_material.push((fingerprint, keyid.to_owned()));
                                SignatureStatus::Counted
                            }
                        }
                    }
                },
            }
        };
        checks.push(SignatureCheck {
            index,
            keyid: keyid.to_owned(),
            status,
        });
    }

    let signed_by: Vec<&str> = checks
        .iter()
        .filter(|c| {
            matches!(
                c.status,
                SignatureStatus::Counted | SignatureStatus::SameKeyAs { .. }
            )
        })
        .map(|c| c.keyid.as_str())
        .collect();
    let all = authorized.all();
    let missing = all
        .iter()
        .filter(|(k, _)| !signed_by.contains(k))
        .map(|(k, _)| (*k).to_owned())
        .collect();

    let mut duplicate_keys = Vec::new();
    let mut seen: Vec<(Vec<u8>, &str)> = Vec::new();
    for (keyid, key) in all {
        let Some(fingerprint) = key.fingerprint() else {
            continue;
        };
        match seen.iter().find(|(f, _)| *f == fingerprint) {
            Some((_, earlier)) => duplicate_keys.push(((*earlier).to_owned(), keyid.to_owned())),
            None => seen.push((fingerprint, keyid)),
        }
    }

    ThresholdReport {
        threshold,
        checks,
        missing,
        duplicate_keys,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::{PrivateKey, SigBytes};
    use serde_json::json;

    const MESSAGE: &[u8] = b"canonical bytes";

    fn signature(key: &PrivateKey, keyid: &str) -> Signature {
        let sig = key.sign(MESSAGE).unwrap();
        Signature {
            keyid: keyid.into(),
            sig: SigBytes::Bytes(sig.clone()),
            raw: json!({"keyid": keyid, "sig": hex::encode(sig)}),
        }
    }

    fn keys(pairs: &[(&str, &PrivateKey)]) -> BTreeMap<String, PublicKey> {
        pairs
            .iter()
            .map(|(id, k)| ((*id).to_owned(), k.public().with_keyid(id).unwrap()))
            .collect()
    }

    #[test]
    fn counts_distinct_valid_signers() {
        let (a, b, c) = (
            PrivateKey::ed25519_from_seed(&[1; 32]),
            PrivateKey::ed25519_from_seed(&[2; 32]),
            PrivateKey::ed25519_from_seed(&[3; 32]),
        );
        let authorized = keys(&[("a", &a), ("b", &b), ("c", &c)]);
        let report = check_threshold(
            &authorized,
            2,
            &[signature(&a, "a"), signature(&b, "b")],
            MESSAGE,
        );
        assert!(report.is_met());
        assert_eq!(report.counted(), ["a", "b"]);
        assert_eq!(report.missing, ["c"]);
        assert_eq!(report.summary(), "2 of 2 required signatures");
    }

    #[test]
    fn repeated_keyid_counts_once() {
        let a = PrivateKey::ed25519_from_seed(&[1; 32]);
        let authorized = keys(&[("a", &a)]);
        let report = check_threshold(
            &authorized,
            2,
            &[signature(&a, "a"), signature(&a, "a")],
            MESSAGE,
        );
        assert!(!report.is_met());
        assert_eq!(report.counted(), ["a"]);
        assert_eq!(report.repeated(), ["a"]);
        assert_eq!(
            report.checks[1].status,
            SignatureStatus::RepeatedKeyid { first_index: 0 }
        );
    }

    /// Deliberately stricter than python-tuf 7.0.1 and in-toto, which would count 2 here.
    #[test]
    fn one_key_under_two_keyids_counts_once() {
        let a = PrivateKey::ed25519_from_seed(&[1; 32]);
        let authorized = keys(&[("a1", &a), ("a2", &a)]);
        let report = check_threshold(
            &authorized,
            2,
            &[signature(&a, "a1"), signature(&a, "a2")],
            MESSAGE,
        );
        assert!(!report.is_met());
        assert_eq!(report.counted(), ["a1"]);
        assert_eq!(report.same_key(), ["a2"]);
        assert_eq!(report.duplicate_keys, [("a1".to_owned(), "a2".to_owned())]);
        assert!(
            report.missing.is_empty(),
            "both ids did sign: {:?}",
            report.missing
        );
    }

    #[test]
    fn unknown_key_is_reported_and_not_counted() {
        let (a, stranger) = (
            PrivateKey::ed25519_from_seed(&[1; 32]),
            PrivateKey::ed25519_from_seed(&[9; 32]),
        );
        let authorized = keys(&[("a", &a)]);
        let report = check_threshold(&authorized, 1, &[signature(&stranger, "s")], MESSAGE);
        assert!(!report.is_met());
        assert_eq!(report.unknown(), ["s"]);
        assert_eq!(report.missing, ["a"]);
        assert_eq!(
            report.summary(),
            "0 of 1 required signature (not yet signed by: a)"
        );
    }

    #[test]
    fn bad_signature_is_invalid() {
        let (a, b) = (
            PrivateKey::ed25519_from_seed(&[1; 32]),
            PrivateKey::ed25519_from_seed(&[2; 32]),
        );
        let authorized = keys(&[("a", &a)]);
        // b's signature presented under a's keyid.
        let report = check_threshold(&authorized, 1, &[signature(&b, "a")], MESSAGE);
        assert!(!report.is_met());
        assert_eq!(report.invalid(), ["a"]);
        assert_eq!(
            report.checks[0].status,
            SignatureStatus::Invalid(VerifyFailure::BadSignature)
        );
    }

    #[test]
    fn unsupported_scheme_fails_with_its_name() {
        let gpg = PublicKey::from_dict(
            "g",
            &json!({"keytype": "sphincs", "scheme": "sphincs-shake-256f", "keyval": {"public": "x"}}),
        )
        .unwrap();
        let authorized: BTreeMap<String, PublicKey> = [("g".to_owned(), gpg)].into();
        let sig = Signature {
            keyid: "g".into(),
            sig: SigBytes::Bytes(vec![1; 64]),
            raw: json!({}),
        };
        let report = check_threshold(&authorized, 1, &[sig], MESSAGE);
        assert!(!report.is_met());
        assert_eq!(report.unsupported(), ["g"]);
        match &report.checks[0].status {
            SignatureStatus::Invalid(VerifyFailure::UnsupportedKey(reason)) => {
                assert!(reason.contains("sphincs-shake-256f"))
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn threshold_zero_is_never_met() {
        let a = PrivateKey::ed25519_from_seed(&[1; 32]);
        let report = check_threshold(&keys(&[("a", &a)]), 0, &[signature(&a, "a")], MESSAGE);
        assert!(!report.is_met());
        assert!(report.summary().contains("never met"));
    }
}
