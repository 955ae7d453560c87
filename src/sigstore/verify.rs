//! A Sigstore bundle verified by the Sigstore project's own Rust verifier (`sigstore-verify`),
//! each step it performs written down as a check of the trace.
//!
//! `sigstore-verify` checks in a fixed order and stops at its first failure, which it reports
//! as a typed error. On success every step passed and the result says what was established
//! (identity, issuer, signed times, log integration). On failure the error names the step that
//! failed; the steps before it passed only where the error can come from that one step alone,
//! and everything else is recorded as not reached: never a PASS that was not established.

use std::fmt;

use sigstore_verify::types::{Bundle, DerPublicKey, Sha256Hash};
use sigstore_verify::{
    CertificateError, Error, PublicKeyVerificationPolicy, TimestampError, TransparencyLogError,
    VerificationPolicy, VerificationResult, Verifier,
};

use crate::checks::{self, CheckId};
use crate::trace::{Failure, Subject, Trace};

/// Who must have signed.
#[derive(Debug, Clone)]
pub enum Signer {
    /// Keyless: the Fulcio certificate's identity (SAN, exactly) and OIDC issuer (without
    /// one, any issuer or none: GitHub's release attestations name none).
    Identity {
        identity: String,
        issuer: Option<String>,
    },
    /// A managed key, as PEM (`PUBLIC KEY`), and where it came from.
    Key { name: String, pem: String },
}

/// What the bundle must be about.
#[derive(Debug, Clone)]
pub enum Artifact {
    /// The artifact's bytes (for an in-toto bundle: a subject of the statement).
    Bytes(Vec<u8>),
    /// Only its SHA-256 digest (the conformance protocol's `sha256:` argument).
    Sha256([u8; 32]),
    /// Only its SHA-512 digest (an in-toto bundle whose subjects name only that, as npm's).
    Sha512(Box<[u8; 64]>),
}

impl Artifact {
    /// The conformance protocol's reading of `FILE_OR_DIGEST`: `sha256:` and 64 hex digits, and
    /// not a path on disk, is a digest; anything else is a file.
    pub fn digest_argument(argument: &str) -> Option<[u8; 32]> {
        let hex_digits = argument.strip_prefix("sha256:")?;
        if std::path::Path::new(argument).exists() {
            return None;
        }
        hex::decode(hex_digits).ok()?.try_into().ok()
    }
}

/// One verification: the bundle and trusted root as read (bytes, so nothing here touches
/// the disk), with the names the trace gives them.
pub struct BundleRequest<'a> {
    pub bundle_name: &'a str,
    pub bundle: &'a [u8],
    pub trusted_root_name: &'a str,
    pub trusted_root: &'a [u8],
    pub artifact: &'a Artifact,
    pub signer: &'a Signer,
}

/// Input that is not what it claims to be at all: not JSON, not text. Everything else,
/// including a bundle or trusted root the Sigstore models reject, is a failed check.
#[derive(Debug, thiserror::Error)]
pub enum SigstoreInputError {
    #[error("{file} is not JSON")]
    NotJson {
        file: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("{file} is not a PEM public key: {why}")]
    BadKey { file: String, why: String },
    #[error("{file} cannot be read as a Sigstore bundle")]
    Pep740 {
        file: String,
        #[source]
        source: super::pep740::Pep740Error,
    },
}

/// The steps of `sigstore-verify`'s verification, in its order for keyless bundles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    TrustedRoot,
    Bundle,
    Time,
    Certificate,
    Sct,
    Identity,
    Tlog,
    Signature,
    Artifact,
    Consistency,
}

impl Step {
    fn check(self) -> CheckId {
        match self {
            Step::TrustedRoot => checks::SIGSTORE_TRUSTED_ROOT,
            Step::Bundle => checks::SIGSTORE_BUNDLE,
            Step::Time => checks::SIGSTORE_TIME,
            Step::Certificate => checks::SIGSTORE_CERTIFICATE,
            Step::Sct => checks::SIGSTORE_SCT,
            Step::Identity => checks::SIGSTORE_IDENTITY,
            Step::Tlog => checks::SIGSTORE_TLOG,
            Step::Signature => checks::SIGSTORE_SIGNATURE,
            Step::Artifact => checks::SIGSTORE_ARTIFACT,
            Step::Consistency => checks::SIGSTORE_TLOG_CONSISTENCY,
        }
    }

    fn title(self) -> &'static str {
        match self {
            Step::TrustedRoot => "Trusted root is usable",
            Step::Bundle => "Bundle is well formed",
            Step::Time => "Signed times verify",
            Step::Certificate => "Certificate chains to Fulcio",
            Step::Sct => "Certificate is in a CT log",
            Step::Identity => "Signer is the one expected",
            Step::Tlog => "Transparency log proves the entry",
            Step::Signature => "Signature verifies",
            Step::Artifact => "Artifact is the one signed",
            Step::Consistency => "Log entry is this bundle's",
        }
    }
}

/// The steps a flow runs, in its order: a managed key has no certificate, and its log entries
/// are checked before its timestamps.
fn steps(signer: &Signer) -> &'static [Step] {
    match signer {
        Signer::Identity { .. } => &[
            Step::TrustedRoot,
            Step::Bundle,
            Step::Time,
            Step::Certificate,
            Step::Sct,
            Step::Identity,
            Step::Tlog,
            Step::Signature,
            Step::Artifact,
            Step::Consistency,
        ],
        Signer::Key { .. } => &[
            Step::TrustedRoot,
            Step::Bundle,
            Step::Tlog,
            Step::Time,
            Step::Signature,
            Step::Artifact,
            Step::Consistency,
        ],
    }
}

/// The step an error comes from, and whether it can come from that step only (then every step
/// before it ran and passed).
fn failed_step(error: &Error) -> (Step, bool) {
    match error {
        Error::InvalidTrustRoot(_) | Error::TrustRoot(_) | Error::TrustedCertificate(_) => {
            (Step::TrustedRoot, true)
        }
        // Raised by a key or signature operation somewhere after the bundle was read.
        Error::Crypto(_) => (Step::Signature, false),
        Error::Types(_)
        | Error::Bundle(_)
        | Error::InvalidBundle(_)
        | Error::UnsupportedBundle(_)
        | Error::Certificate(CertificateError::Malformed(_)) => (Step::Bundle, true),
        Error::Timestamp(_) => (Step::Time, true),
        Error::Certificate(CertificateError::Sct(_)) => (Step::Sct, true),
        Error::Certificate(_) => (Step::Certificate, true),
        Error::IdentityMismatch { .. } | Error::IssuerMismatch { .. } => (Step::Identity, true),
        Error::TransparencyLog(
            TransparencyLogError::InclusionProof(_) | TransparencyLogError::Checkpoint(_),
        ) => (Step::Tlog, true),
        // A Rekor v1 inclusion promise is checked twice: as the source of a signed time
        // (before the certificate) and with the entry's proof; which one failed is not said.
        Error::TransparencyLog(
            TransparencyLogError::InclusionPromise(_)
            | TransparencyLogError::UnknownLog { .. }
            | TransparencyLogError::IntegratedTime(_),
        ) => (Step::Tlog, false),
        Error::TransparencyLog(TransparencyLogError::EntryMismatch(_)) => (Step::Consistency, true),
        Error::TransparencyLog(_) => (Step::Consistency, false),
        Error::SignatureInvalid(_) => (Step::Signature, true),
        // A message digest is compared before the signature is checked, a statement's
        // subjects after: either way the signing key was established.
        Error::ArtifactMismatch(_) | Error::UnsupportedArtifact(_) | Error::ArtifactRead(_) => {
            (Step::Artifact, false)
        }
        // `Error` is non-exhaustive: a kind this version does not know fails the bundle.
        _ => (Step::Bundle, false),
    }
}

/// The error's own kind name, as `sigstore-verify` spells it, for the trace's failure kind.
fn error_kind(error: &Error) -> String {
    let debug = format!("{error:?}");
    let outer = debug.split(['(', ' ', '{']).next().unwrap_or_default();
    match error {
        Error::Certificate(inner) => format!("{outer}::{}", variant_name(inner)),
        Error::TransparencyLog(inner) => format!("{outer}::{}", variant_name(inner)),
        Error::Timestamp(inner) => format!("{outer}::{}", variant_name(inner)),
        _ => outer.to_owned(),
    }
}

fn variant_name(inner: &impl fmt::Debug) -> String {
    let debug = format!("{inner:?}");
    debug
        .split(['(', ' ', '{'])
        .next()
        .unwrap_or_default()
        .to_owned()
}

fn hint(error: &Error) -> Option<&'static str> {
    Some(match error {
        Error::IdentityMismatch { .. } => {
            "the certificate was issued to someone else: compare --certificate-identity with the certificate's SAN"
        }
        Error::IssuerMismatch { .. } => {
            "compare --certificate-oidc-issuer with the certificate's OIDC issuer claim"
        }
        Error::ArtifactMismatch(_) => {
            "the bundle signs something else: a different file, or a changed one"
        }
        Error::Certificate(
            CertificateError::ChainInvalid(_) | CertificateError::NoValidAuthority { .. },
        ) => {
            "the bundle may come from another Sigstore instance: give that instance's trusted root"
        }
        Error::Timestamp(TimestampError::NoVerifiedTimestamp(_)) => {
            "a keyless signature needs a signed time: a Rekor v1 inclusion promise or an RFC 3161 timestamp"
        }
        _ => return None,
    })
}

/// Verifies the bundle against the artifact and signer; every step a check of the trace.
pub fn verify_bundle(request: &BundleRequest) -> Result<Trace, SigstoreInputError> {
    super::provider::install();
    let mut trace = Trace::new(request.bundle_name);
    let bundle_file = Subject::File {
        name: request.bundle_name.to_owned(),
    };
    let root_file = Subject::File {
        name: request.trusted_root_name.to_owned(),
    };
    let not_json = |file: &str, source| SigstoreInputError::NotJson {
        file: file.to_owned(),
        source,
    };
    // Read as JSON first: a file that is not JSON is unreadable input, not a failed check.
    serde_json::from_slice::<serde_json::Value>(request.trusted_root)
        .map_err(|e| not_json(request.trusted_root_name, e))?;
    let bundle_value = serde_json::from_slice::<serde_json::Value>(request.bundle)
        .map_err(|e| not_json(request.bundle_name, e))?;
    // A PEP 740 attestation is verified as the bundle it stands for.
    let pep740 = super::pep740::is_attestation(&bundle_value);
    let converted;
    let bundle: &[u8] = if pep740 {
        let as_bundle = super::pep740::to_bundle(&bundle_value).map_err(|source| {
            SigstoreInputError::Pep740 {
                file: request.bundle_name.to_owned(),
                source,
            }
        })?;
        converted = serde_json::to_vec(&as_bundle).unwrap_or_default();
        &converted
    } else {
        request.bundle
    };

    let key = match request.signer {
        Signer::Key { name, pem } => {
            Some(
                DerPublicKey::from_pem(pem).map_err(|e| SigstoreInputError::BadKey {
                    file: name.clone(),
                    why: e.to_string(),
                })?,
            )
        }
        Signer::Identity { .. } => None,
    };
    let plan = steps(request.signer);
    let (outcome, absent) = prepare_and_verify(request, bundle, key.as_ref());
    let stopped = match outcome {
        Ok(result) => {
            for &step in plan {
                let subject = subject_of(step, &bundle_file, &root_file);
                match absent.not_applicable(step) {
                    Some(why) => {
                        trace.warn(step.check(), subject, step.title(), why);
                    }
                    None => record_pass(&mut trace, step, subject, &result, request, pep740),
                }
            }
            return Ok(trace);
        }
        Err(stopped) => stopped,
    };
    let (error, (failed, sure)) = match stopped {
        Stopped::TrustedRoot(error) => (error, (Step::TrustedRoot, true)),
        Stopped::Bundle(error) => (error, (Step::Bundle, true)),
        Stopped::Verify(error) => {
            let step = failed_step(&error);
            (error, step)
        }
    };
    let failed_at = plan.iter().position(|&s| s == failed).unwrap_or(1);
    for (index, &step) in plan.iter().enumerate() {
        let subject = subject_of(step, &bundle_file, &root_file);
        if index == failed_at {
            let mut failure = Failure::of_kind(&error_kind(&error), error.to_string());
            if let Some(hint) = hint(&error) {
                failure = failure.hint(hint);
            }
            trace.fail(step.check(), subject, step.title(), failure);
        } else if let Some(why) = absent.not_applicable(step).filter(|_| index < failed_at) {
            trace.warn(step.check(), subject, step.title(), why);
        } else if index < failed_at && (sure || step <= Step::Bundle) {
            trace.pass(step.check(), subject, step.title());
        } else {
            let why = if index < failed_at {
                "not established: sigstore-verify does not say whether it ran before the failure"
            } else {
                "not reached: sigstore-verify stops at its first failure"
            };
            trace.skip(step.check(), subject, step.title(), why);
        }
    }
    Ok(trace)
}

/// What an instance's trusted root does not have, so the check that needs it cannot apply:
/// GitHub's private instance has no CT log and no transparency log (its signed time comes from
/// its timestamp authority alone). Judged from the trusted root, never from the bundle.
#[derive(Debug, Clone, Copy, Default)]
struct Absent {
    ct_log: bool,
    transparency_log: bool,
}

impl Absent {
    fn not_applicable(self, step: Step) -> Option<&'static str> {
        match step {
            Step::Sct if self.ct_log => Some(
                "not applicable: the trusted root lists no CT log, so no certificate of this instance carries an SCT to check",
            ),
            Step::Tlog if self.transparency_log => Some(
                "not applicable: the trusted root lists no transparency log; the signed time comes from its timestamp authorities",
            ),
            _ => None,
        }
    }
}

fn subject_of(step: Step, bundle: &Subject, root: &Subject) -> Subject {
    if step == Step::TrustedRoot {
        root.clone()
    } else {
        bundle.clone()
    }
}

/// What the verifier established for a step it passed; a step the result says was not done is
/// recorded as skipped, never as passed.
fn record_pass(
    trace: &mut Trace,
    step: Step,
    subject: Subject,
    result: &VerificationResult,
    request: &BundleRequest,
    pep740: bool,
) {
    let done = match step {
        Step::Certificate => result.certificate_verified(),
        Step::Sct => result.sct_verified(),
        Step::Identity => result.identity_policy_checked(),
        Step::Tlog => result.tlog_verified(),
        Step::Time => {
            !result.verified_timestamps().is_empty() || matches!(request.signer, Signer::Key { .. })
        }
        _ => true,
    };
    if !done {
        trace.skip(
            step.check(),
            subject,
            step.title(),
            "sigstore-verify reports this step as not performed",
        );
        return;
    }
    let check = trace.pass(step.check(), subject, step.title());
    match step {
        Step::Bundle if pep740 => {
            check.add_evidence(
                "form",
                "a PEP 740 attestation, read as the v0.3 bundle pypi-attestations makes of it"
                    .to_owned(),
            );
        }
        Step::Time => {
            let times: Vec<String> = result
                .verified_timestamps()
                .iter()
                .map(ToString::to_string)
                .collect();
            let shown = if times.is_empty() {
                "none in the bundle (a managed key needs none)".to_owned()
            } else {
                times.join(", ")
            };
            check.add_evidence("signed times", shown);
        }
        Step::Certificate => {
            if let Some(info) = result.certificate() {
                check.add_evidence(
                    "valid",
                    format!("{} to {}", info.not_before, info.not_after),
                );
            }
        }
        Step::Identity => {
            if let Some(identity) = result.identity() {
                check.add_evidence("identity", identity.as_str().to_owned());
            }
            if let Some(issuer) = result.issuer() {
                check.add_evidence("issuer", issuer.to_owned());
            }
        }
        Step::Tlog => {
            if let Some(time) = result.integrated_time() {
                check.add_evidence("integrated", time.to_string());
            }
        }
        Step::Artifact => {
            let shown = match request.artifact {
                Artifact::Bytes(bytes) => format!("{} bytes", bytes.len()),
                Artifact::Sha256(digest) => format!("sha256:{}", hex::encode(digest)),
                Artifact::Sha512(digest) => format!("sha512:{}", hex::encode(digest.as_slice())),
            };
            check.add_evidence("artifact", shown);
        }
        Step::Signature => {
            let signer = match request.signer {
                Signer::Identity { .. } => "the Fulcio certificate's key",
                Signer::Key { .. } => "the given key",
            };
            check.add_evidence("signed with", signer.to_owned());
        }
        _ => {}
    }
}

/// Where verification stopped: reading the trusted root, reading the bundle, or in
/// `Verifier::verify` (whose error says which step).
enum Stopped {
    TrustedRoot(Error),
    Bundle(Error),
    Verify(Error),
}

fn prepare_and_verify(
    request: &BundleRequest,
    bundle: &[u8],
    key: Option<&DerPublicKey>,
) -> (Result<VerificationResult, Stopped>, Absent) {
    let mut absent = Absent::default();
    let outcome = (|| {
        let root = std::str::from_utf8(request.trusted_root)
            .map_err(|_| Error::InvalidTrustRoot("not UTF-8".into()))
            .and_then(|text| Ok(sigstore_verify::trust_root::TrustedRoot::from_json(text)?))
            .map_err(Stopped::TrustedRoot)?;
        absent = Absent {
            ct_log: root.ctlogs.is_empty(),
            transparency_log: root.tlogs.is_empty(),
        };
        let verifier = Verifier::new(&root).map_err(Stopped::TrustedRoot)?;
        let bundle = std::str::from_utf8(bundle)
            .map_err(|_| Error::InvalidBundle("not UTF-8".into()))
            .and_then(|text| Ok(Bundle::from_json(text)?))
            .map_err(Stopped::Bundle)?;
        let artifact = match request.artifact {
            Artifact::Bytes(bytes) => sigstore_verify::types::Artifact::from_blob(bytes),
            Artifact::Sha256(digest) => {
                sigstore_verify::types::Artifact::from_digest(Sha256Hash::new(*digest))
            }
            Artifact::Sha512(digest) => sigstore_verify::types::Artifact::from_digest(
                sigstore_verify::types::ArtifactDigest::new(
                    sigstore_verify::types::HashAlgorithm::Sha2512,
                    digest.to_vec(),
                )
                .map_err(|e| Stopped::Verify(Error::from(e)))?,
            ),
        };
        match (request.signer, key) {
            (_, Some(key)) => {
                let mut policy = PublicKeyVerificationPolicy::new(key.clone());
                if absent.transparency_log {
                    policy = policy.skip_tlog_unsafe();
                }
                verifier.verify(artifact, &bundle, &policy)
            }
            (Signer::Identity { identity, issuer }, None) => {
                let mut policy = VerificationPolicy::any_identity().require_identity(identity);
                if let Some(issuer) = issuer {
                    policy = policy.require_issuer(issuer);
                }
                if absent.ct_log {
                    policy = policy.skip_sct();
                }
                if absent.transparency_log {
                    policy = policy.skip_tlog_unsafe();
                }
                verifier.verify(artifact, &bundle, &policy)
            }
            (Signer::Key { .. }, None) => {
                Err(Error::InvalidBundle("the managed key was not read".into()))
            }
        }
        .map_err(Stopped::Verify)
    })();
    (outcome, absent)
}
