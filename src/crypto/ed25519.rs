//! Ed25519 signature checks with the semantics of ed25519-dalek's `verify` (RFC 8032's
//! cofactorless equation, `s` below the group order, `R` compared as bytes; what OpenSSL, and so
//! securesystemslib, accepts), faster for a key that checks many signatures.
//!
//! PEP 458 signs 16,384 bins with one key. A check computes `[s]B − [k]A` and compares its
//! encoding with `R`; ed25519-dalek has a table of the base point's multiples for `[s]B` but
//! multiplies `A` from scratch each time. Once a key has checked [`TABLE_AFTER`] signatures it
//! gets a table of its own multiples too, and both products become fixed-base multiplications:
//! about a quarter less work per signature. Every signature is still checked by itself (batch
//! verification, cofactored, accepts signatures OpenSSL rejects), and the point computed is
//! the same group element, so its encoding and the verdict are the library's for every input,
//! small-order and mixed-order keys included (tested against it below).

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, OnceLock};

use curve25519_dalek::edwards::{EdwardsBasepointTable, EdwardsPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::BasepointTable as _;
use ed25519_dalek::Verifier as _;
use sha2::{Digest, Sha512};

/// Signatures a key checks the plain way before it gets a table: building one (256 affine
/// points, an inversion each) costs about as much as 25 checks, and saves a quarter of one.
const TABLE_AFTER: u32 = 64;

/// An Ed25519 public key. Clones share its count of checks and its table.
#[derive(Clone)]
pub(crate) struct Ed25519Key {
    pub(crate) key: ed25519_dalek::VerifyingKey,
    multiples: Arc<Multiples>,
}

#[derive(Default)]
struct Multiples {
    checked: AtomicU32,
    /// `[16^(2i) · j](−A)` for `i < 32`, `j ≤ 8`: the table ed25519-dalek keeps for the base
    /// point, made for the negated key (30 KiB).
    table: OnceLock<Box<EdwardsBasepointTable>>,
}

impl From<ed25519_dalek::VerifyingKey> for Ed25519Key {
    fn from(key: ed25519_dalek::VerifyingKey) -> Ed25519Key {
        Ed25519Key {
            key,
            multiples: Arc::default(),
        }
    }
}

impl Ed25519Key {
    /// Whether `signature` is this key's valid signature over `message`.
    pub(crate) fn verify(&self, message: &[u8], signature: &[u8; 64]) -> bool {
        match self.table() {
            Some(table) => verify_with_table(&self.key, table, message, signature),
            None => verify_plain(&self.key, message, signature),
        }
    }

    fn table(&self) -> Option<&EdwardsBasepointTable> {
        if let Some(table) = self.multiples.table.get() {
            return Some(table);
        }
        let checked = self.multiples.checked.fetch_add(1, Ordering::Relaxed);
        (checked >= TABLE_AFTER).then(|| {
            &**self
                .multiples
                .table
                .get_or_init(|| Box::new(EdwardsBasepointTable::create(&-self.key.to_edwards())))
        })
    }
}

fn verify_plain(key: &ed25519_dalek::VerifyingKey, message: &[u8], signature: &[u8; 64]) -> bool {
    key.verify(message, &ed25519_dalek::Signature::from_bytes(signature))
        .is_ok()
}

/// ed25519-dalek's `raw_verify` step by step, with `[k](−A)` from `minus_key_table`.
fn verify_with_table(
    key: &ed25519_dalek::VerifyingKey,
    minus_key_table: &EdwardsBasepointTable,
    message: &[u8],
    signature: &[u8; 64],
) -> bool {
    let (r, s_bytes) = signature.split_at(32);
    let mut s = [0u8; 32];
    s.copy_from_slice(s_bytes);
    let Some(s) = Option::<Scalar>::from(Scalar::from_canonical_bytes(s)) else {
        return false;
    };
    let mut hash = Sha512::new();
    hash.update(r);
    hash.update(key.as_bytes());
    hash.update(message);
    let k = Scalar::from_hash(hash);
    let expected_r = EdwardsPoint::mul_base(&s) + minus_key_table.mul_base(&k);
    expected_r.compress().as_bytes() == r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::XorShift;
    use curve25519_dalek::constants::{ED25519_BASEPOINT_POINT, EIGHT_TORSION};
    use ed25519_dalek::Signer as _;

    /// Both ways of checking agree on `signature`; returns the verdict.
    fn agree(key: &ed25519_dalek::VerifyingKey, message: &[u8], signature: &[u8; 64]) -> bool {
        let table = EdwardsBasepointTable::create(&-key.to_edwards());
        let plain = verify_plain(key, message, signature);
        assert_eq!(
            verify_with_table(key, &table, message, signature),
            plain,
            "key {} signature {}",
            hex::encode(key.as_bytes()),
            hex::encode(signature)
        );
        plain
    }

    #[test]
    fn the_table_gives_the_libraries_verdict_on_valid_and_altered_signatures() {
        let mut rng = XorShift(0x5eed_2551_9000_0001);
        let (mut valid, mut invalid) = (0, 0);
        for round in 0..40 {
            let signer = ed25519_dalek::SigningKey::from_bytes(&rng.bytes());
            let key = signer.verifying_key();
            let message: Vec<u8> = (0..round * 7).map(|_| rng.next() as u8).collect();
            let signature = signer.sign(&message).to_bytes();
            for (position, flip) in [(0, 1u8), (31, 0x80), (32, 1), (63, 0x10)] {
                let mut altered = signature;
                altered[position] ^= flip;
                assert!(!agree(&key, &message, &altered));
                invalid += 1;
            }
            assert!(!agree(&key, b"another message", &signature));
            // `s + ℓ` satisfies the equation too, and both refuse it as non-canonical.
            let s = Scalar::from_canonical_bytes(signature[32..].try_into().unwrap()).unwrap();
            let mut unreduced = signature;
            unreduced[32..].copy_from_slice(&add_group_order(s.to_bytes()));
            assert_eq!(
                Scalar::from_bytes_mod_order(unreduced[32..].try_into().unwrap()),
                s
            );
            assert!(!agree(&key, &message, &unreduced));
            assert!(agree(&key, &message, &signature));
            valid += 1;
            invalid += 2;
        }
        assert_eq!((valid, invalid), (40, 240));
    }

    #[test]
    fn the_table_gives_the_libraries_verdict_for_keys_with_a_small_order_part() {
        // Signatures made for `a·B` but checked against `a·B + T` (T of small order) hold
        // exactly when `k·T` vanishes, which depends on the message: both ways must agree on
        // each, and some of each kind must occur.
        let mut rng = XorShift(0x70_4510_0000_0002);
        let (mut held, mut failed) = (0, 0);
        for torsion in EIGHT_TORSION.iter() {
            for _ in 0..12 {
                let secret = Scalar::from_bytes_mod_order(rng.bytes());
                let nonce = Scalar::from_bytes_mod_order(rng.bytes());
                let public = (secret * ED25519_BASEPOINT_POINT + torsion).compress();
                let Ok(key) = ed25519_dalek::VerifyingKey::from_bytes(public.as_bytes()) else {
                    continue;
                };
                let message: [u8; 16] = rng.bytes();
                let r = (nonce * ED25519_BASEPOINT_POINT).compress();
                let mut hash = Sha512::new();
                hash.update(r.as_bytes());
                hash.update(public.as_bytes());
                hash.update(message);
                let s = nonce + Scalar::from_hash(hash) * secret;
                let mut signature = [0u8; 64];
                signature[..32].copy_from_slice(r.as_bytes());
                signature[32..].copy_from_slice(s.as_bytes());
                if agree(&key, &message, &signature) {
                    held += 1;
                } else {
                    failed += 1;
                }
            }
        }
        assert!(held > 12 && failed > 12, "held {held}, failed {failed}");
        // The small-order points themselves as keys: nothing but agreement to ask.
        for torsion in EIGHT_TORSION.iter() {
            if let Ok(key) = ed25519_dalek::VerifyingKey::from_bytes(torsion.compress().as_bytes())
            {
                let mut signature = [0u8; 64];
                signature[..32].copy_from_slice(torsion.compress().as_bytes());
                agree(&key, b"m", &signature);
            }
        }
    }

    #[test]
    fn a_key_gets_its_table_after_many_checks_and_clones_share_it() {
        let signer = ed25519_dalek::SigningKey::from_bytes(&[9; 32]);
        let key = Ed25519Key::from(signer.verifying_key());
        let copy = key.clone();
        let signature = signer.sign(b"bin").to_bytes();
        for _ in 0..TABLE_AFTER {
            assert!(copy.verify(b"bin", &signature));
            assert!(key.multiples.table.get().is_none());
        }
        assert!(key.verify(b"bin", &signature));
        assert!(copy.multiples.table.get().is_some());
        assert!(!key.verify(b"bin!", &signature));
    }

    /// ℓ = 2^252 + 27742317777372353535851937790883648493, little-endian (RFC 8032 §5.1).
    const GROUP_ORDER: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];

    /// `s + ℓ` as 32 little-endian bytes (it fits: `s < ℓ < 2^253`).
    fn add_group_order(s: [u8; 32]) -> [u8; 32] {
        let order = GROUP_ORDER;
        let mut sum = [0u8; 32];
        let mut carry = 0u16;
        for i in 0..32 {
            let total = u16::from(s[i]) + u16::from(order[i]) + carry;
            sum[i] = total as u8;
            carry = total >> 8;
        }
        sum
    }
}
