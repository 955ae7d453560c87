//! Sigstore: bundles verified check by check with the Sigstore project's own Rust verifier,
//! on RustCrypto.

pub mod pep740;
pub mod provider;
pub mod trust;
pub mod verify;

pub use verify::{Artifact, BundleRequest, Signer, SigstoreInputError, verify_bundle};

/// Whether `value` is a Sigstore bundle (any version) or a PEP 740 attestation: what
/// [`verify_bundle`] verifies.
pub fn is_bundle(value: &serde_json::Value) -> bool {
    value
        .get("mediaType")
        .and_then(serde_json::Value::as_str)
        .is_some_and(|m| m.starts_with("application/vnd.dev.sigstore.bundle"))
        || pep740::is_attestation(value)
}

/// Where a verification's trusted root comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrustedRootSource {
    /// A `trusted_root.json` file.
    File(std::path::PathBuf),
    /// Fetched through TUF from the instance's repository, from the pinned root.
    Instance { staging: bool },
}

/// What a user asks of a bundle they opened: who must have signed it, what it must be about,
/// and which trusted root to judge it by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleCheck {
    pub identity: String,
    /// Empty: any issuer.
    pub issuer: String,
    /// A file, or `sha256:` and its digest.
    pub artifact: String,
    pub trusted_root: TrustedRootSource,
}
