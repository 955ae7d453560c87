//! Sigstore: bundles verified check by check with the Sigstore project's own Rust verifier,
//! on RustCrypto.

pub mod pep740;
pub mod provider;
pub mod trust;
pub mod verify;

pub use verify::{Artifact, BundleRequest, Signer, SigstoreInputError, verify_bundle};
