//! Keys, signatures, envelopes and the threshold routine, matching securesystemslib 1.x.

pub mod digest;
mod ed25519;
pub mod envelope;
pub mod gpg;
pub mod keyfile;
pub mod passphrase;
pub mod pem;
pub mod private;
pub mod public;
pub mod scheme;
pub mod signed;
pub mod threshold;

pub use envelope::{Envelope, EnvelopeError, SigBytes, Signature};
pub use keyfile::{
    KeyFile, KeyFileError, KeyFormatError, read_key_file, read_private_key, read_public_key,
};
pub use passphrase::Passphrase;
pub use private::{KeyType, PrivateKey, SignError};
pub use public::{KeyDictError, KeyIdWarning, PublicKey, VerifyFailure, keyid_of};
pub use scheme::{Curve, HashAlg, MlDsaLevel, Scheme, securesystemslib_loads};
pub use threshold::{
    Authorized, RoleKeys, SignatureCheck, SignatureStatus, ThresholdReport, check_threshold,
};
