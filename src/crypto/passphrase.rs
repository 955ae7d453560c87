//! A passphrase on its way from a dialog to a key file: wiped from memory when dropped and
//! never shown by `Debug` (commands are logged and compared in tests).

use zeroize::Zeroizing;

#[derive(Clone, PartialEq, Eq)]
pub struct Passphrase(Zeroizing<String>);

impl Passphrase {
    /// `None` for an empty text: an unencrypted key is read without one.
    pub fn from_typed(text: &str) -> Option<Passphrase> {
        (!text.is_empty()).then(|| Passphrase(Zeroizing::new(text.to_owned())))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passphrase(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_passphrase_is_never_shown_and_empty_means_none() {
        let secret = Passphrase::from_typed("hunter2").unwrap();
        assert_eq!(secret.expose(), "hunter2");
        let shown = format!("{:?}", Some(secret));
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(Passphrase::from_typed("").is_none());
    }
}
