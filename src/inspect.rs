//! A first look at one metadata file: what it is, which keys it lists, and whose signatures
//! on it are valid. The file is read with the TUF or in-toto models, so anything they refuse
//! is an error naming the field. Signatures are checked against the keys that authorize the
//! file when they can be found: in the file itself (a TUF root signs itself), in `root.json`
//! beside a TUF role, in the delegating role's file beside a delegated role, in a layout beside
//! a link, or in public key files beside a layout.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use base64::Engine as _;

use crate::cjson;
use crate::crypto::{
    Envelope, KeyFile, PublicKey, Signature, ThresholdReport, check_threshold, keyfile,
};
use crate::intoto::{Document, DocumentError, Payload};
use crate::shown::Shown;
use crate::tuf::{AnyMetadata, Metadata, MetadataError, Root, Targets};

/// Largest file inspected: the one cap every reader of layouts, links and metadata uses.
pub const MAX_METADATA_BYTES: u64 = crate::files::MAX_DOCUMENT;
/// How many sibling files are looked at when searching for the keys that authorize a file.
const MAX_SIBLINGS: usize = 4096;

/// What kind of document the envelope holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocumentKind {
    TufRoot,
    TufTargets,
    TufSnapshot,
    TufTimestamp,
    Layout,
    Link,
    /// An ITE-6 attestation statement: read-only in chainscope.
    Attestation {
        statement_type: String,
    },
    /// A Sigstore bundle signing an artifact's digest (`messageSignature`), not a statement.
    SigstoreMessage,
}

impl DocumentKind {
    pub fn describe(&self) -> String {
        match self {
            DocumentKind::TufRoot => "TUF root metadata".into(),
            DocumentKind::TufTargets => "TUF targets metadata".into(),
            DocumentKind::TufSnapshot => "TUF snapshot metadata".into(),
            DocumentKind::TufTimestamp => "TUF timestamp metadata".into(),
            DocumentKind::Layout => "in-toto layout".into(),
            DocumentKind::Link => "in-toto link".into(),
            DocumentKind::Attestation { statement_type } => {
                format!("in-toto attestation statement ({statement_type})")
            }
            DocumentKind::SigstoreMessage => "Sigstore-signed artifact digest".into(),
        }
    }
}

/// A key the document lists, and what it is listed for.
#[derive(Debug, Clone)]
pub struct ListedKey {
    pub key: PublicKey,
    /// Roles, steps or delegations the key is authorized for, in document order.
    pub used_by: Vec<String>,
}

/// Whose keys the signatures were checked against, or why they were not.
#[derive(Debug, Clone)]
pub enum SignatureSection {
    Checked {
        /// Where the authorized keys came from, in words.
        against: String,
        report: ThresholdReport,
    },
    Unchecked {
        why: String,
        keyids: Vec<String>,
    },
}

#[derive(Debug, Clone)]
pub struct FileReport {
    pub path: PathBuf,
    /// `signed/signatures` or `DSSE`.
    pub envelope: &'static str,
    pub kind: DocumentKind,
    /// Notable fields in document order: `("version", "3")`, `("expires", …)`.
    pub fields: Vec<(String, String)>,
    pub keys: Vec<ListedKey>,
    pub signatures: SignatureSection,
    /// Things worth knowing that do not fail anything (key id mismatches, unreadable siblings).
    pub notes: Vec<String>,
    /// An attestation: what its statement says, for the provenance picture (inputs, who made
    /// it and how, subjects). The same words as `fields`.
    pub statement: Option<crate::attest::Decoded>,
}

/// Why a file could not be read at all.
#[derive(Debug, Clone, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Read(#[from] crate::files::ReadError),
    #[error(transparent)]
    Json(#[from] cjson::ParseError),
    #[error(transparent)]
    Tuf(#[from] MetadataError),
    #[error(transparent)]
    InToto(#[from] DocumentError),
    #[error(
        "field `{field}`: {found} is neither a TUF role type (root, targets, snapshot, timestamp) nor an in-toto type (layout, link, Statement)"
    )]
    UnknownType { field: String, found: String },
    #[error("no document on any line of the JSON Lines file")]
    NoDocuments,
    #[error(transparent)]
    Pep740(#[from] crate::sigstore::pep740::Pep740Error),
}

impl crate::report::Hint for LoadError {}

/// A file that could not be inspected, naming it.
#[derive(Debug, Clone, thiserror::Error)]
#[error("cannot inspect {}", path.display())]
pub struct InspectError {
    pub path: PathBuf,
    pub source: LoadError,
}

impl crate::report::Hint for InspectError {}

pub use crate::files::read_bounded;

/// A metadata file read with the model it declares.
enum Loaded {
    Tuf(Box<AnyMetadata>),
    /// An in-toto document, and the Sigstore bundle it came in, if it did.
    InToto(Document, Option<Box<Bundle>>),
    /// A Sigstore bundle over an artifact's digest: the digest it names, as `algorithm:hex`.
    MessageBundle(Box<Bundle>, Option<String>),
}

/// What `bundle_envelope` found in a Sigstore bundle.
enum BundleContent {
    /// The DSSE envelope (an attestation).
    Envelope(Value),
    /// A `messageSignature`: the artifact digest it names, when it names one.
    Message(Option<String>),
}

/// What a Sigstore bundle says around its DSSE envelope (read, not verified).
struct Bundle {
    media_type: String,
    /// How the signer is named: a certificate (chain), or a public key's hint.
    signer: String,
    /// Transparency log entries: (log index, integrated time).
    log_entries: Vec<(String, Option<String>)>,
    signed_timestamps: usize,
    /// What the signing certificate says, or why it could not be read.
    certificate: Option<Result<crate::attest::certificate::Claims, String>>,
}

/// The media type every Sigstore bundle version starts with (v0.1 to v0.3).
const BUNDLE_MEDIA_TYPE: &str = "application/vnd.dev.sigstore.bundle";

/// A Sigstore bundle's DSSE envelope (its signatures' optional `keyid` filled in, as DSSE
/// allows and Sigstore leaves out) and what the bundle says around it; `None` when `value`
/// is not a bundle.
fn bundle_envelope(value: &Value) -> Option<(BundleContent, Box<Bundle>)> {
    let media_type = value.get("mediaType")?.as_str()?;
    if !media_type.starts_with(BUNDLE_MEDIA_TYPE) {
        return None;
    }
    let content = match value.get("dsseEnvelope") {
        Some(envelope) => {
            BundleContent::Envelope(crate::attest::layout::with_keyids(envelope.clone()))
        }
        None => BundleContent::Message(message_digest(value)),
    };
    let material = value.get("verificationMaterial");
    let signer = match material {
        Some(m) if m.get("certificate").is_some() => "an X.509 certificate".to_owned(),
        Some(m) if m.get("x509CertificateChain").is_some() => {
            let count = m
                .pointer("/x509CertificateChain/certificates")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            format!("an X.509 certificate chain of {count}")
        }
        Some(m) if m.get("publicKey").is_some() => format!(
            "a public key (hint \"{}\")",
            m.pointer("/publicKey/hint")
                .and_then(Value::as_str)
                .unwrap_or_default()
        ),
        _ => "nothing the bundle names".to_owned(),
    };
    let log_entries = material
        .and_then(|m| m.get("tlogEntries"))
        .and_then(Value::as_array)
        .map(|entries| {
            entries
                .iter()
                .map(|entry| {
                    let index = entry
                        .get("logIndex")
                        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                        .unwrap_or_default();
                    let time = entry
                        .get("integratedTime")
                        .and_then(|t| {
                            t.as_str()
                                .and_then(|t| t.parse::<i64>().ok())
                                .or(t.as_i64())
                        })
                        .map(|seconds| crate::time::UtcTime::from_unix(seconds).to_string());
                    (index, time)
                })
                .collect()
        })
        .unwrap_or_default();
    // The leaf: `certificate` (v0.3) or the first of `x509CertificateChain` (v0.1, v0.2).
    let certificate = material
        .and_then(|m| {
            m.pointer("/certificate/rawBytes")
                .or_else(|| m.pointer("/x509CertificateChain/certificates/0/rawBytes"))
        })
        .map(|raw| {
            let text = raw.as_str().ok_or("rawBytes is not a string")?;
            let der = base64::engine::general_purpose::STANDARD
                .decode(text)
                .map_err(|_| "rawBytes is not base64".to_owned())?;
            crate::attest::certificate::claims(&der).map_err(|e| e.to_string())
        });
    let signed_timestamps = material
        .and_then(|m| m.pointer("/timestampVerificationData/rfc3161Timestamps"))
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    Some((
        content,
        Box::new(Bundle {
            media_type: media_type.to_owned(),
            signer,
            log_entries,
            signed_timestamps,
            certificate,
        }),
    ))
}

/// What a Sigstore bundle says around its content, as report fields: its media type, signer,
/// the Fulcio certificate in words, its log entries and signed timestamps (read, not verified).
fn push_bundle_fields(fields: &mut Vec<(String, String)>, bundle: Bundle) {
    fields.push(("bundle".to_owned(), bundle.media_type));
    fields.push(("signed with".to_owned(), bundle.signer));
    match bundle.certificate {
        Some(Ok(claims)) => {
            // Labelled as the certificate's: Fulcio vouches for these, the predicate's own
            // fields are only what the signer wrote.
            for identity in claims.identity {
                fields.push(("certificate identity".to_owned(), identity));
            }
            for (label, value) in claims.fulcio {
                fields.push((format!("certificate {label}"), value));
            }
            fields.push(("certificate issuer".to_owned(), claims.issuer));
            fields.push((
                "certificate valid".to_owned(),
                format!("{} to {}", claims.not_before, claims.not_after),
            ));
        }
        Some(Err(why)) => fields.push(("certificate".to_owned(), why)),
        None => {}
    }
    for (index, time) in bundle.log_entries {
        let when = time
            .map(|t| format!(", integrated {t}"))
            .unwrap_or_default();
        fields.push(("log entry".to_owned(), format!("index {index}{when}")));
    }
    if bundle.signed_timestamps > 0 {
        fields.push((
            "signed timestamps".to_owned(),
            bundle.signed_timestamps.to_string(),
        ));
    }
}

/// A `messageSignature`'s digest as `algorithm:hex` (the bundle writes it base64).
fn message_digest(bundle: &Value) -> Option<String> {
    let digest = bundle.pointer("/messageSignature/messageDigest")?;
    let algorithm = digest.get("algorithm")?.as_str()?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(digest.get("digest")?.as_str()?)
        .ok()?;
    let name = match algorithm {
        "SHA2_256" => "sha256",
        "SHA2_384" => "sha384",
        "SHA2_512" => "sha512",
        other => other,
    };
    Some(format!("{name}:{}", hex::encode(bytes)))
}

fn load(path: &Path) -> Result<Loaded, LoadError> {
    load_value(cjson::parse(&read_bounded(path, MAX_METADATA_BYTES)?)?)
}

fn load_value(value: Value) -> Result<Loaded, LoadError> {
    let tuf_type = value
        .get("signed")
        .and_then(|s| s.get("_type"))
        .and_then(Value::as_str);
    if matches!(
        tuf_type,
        Some("root" | "targets" | "snapshot" | "timestamp")
    ) {
        return Ok(Loaded::Tuf(Box::new(AnyMetadata::from_value(&value)?)));
    }
    // A PEP 740 attestation is read as the Sigstore bundle it stands for.
    let pep740 = crate::sigstore::pep740::is_attestation(&value);
    let value = if pep740 {
        crate::sigstore::pep740::to_bundle(&value)?
    } else {
        value
    };
    let (value, bundle) = match bundle_envelope(&value) {
        Some((BundleContent::Message(digest), bundle)) => {
            return Ok(Loaded::MessageBundle(bundle, digest));
        }
        Some((BundleContent::Envelope(envelope), mut bundle)) => {
            if pep740 {
                bundle.media_type = format!("PEP 740 attestation, read as {}", bundle.media_type);
            }
            (envelope, Some(bundle))
        }
        None => (value, None),
    };
    match Document::from_value(&value) {
        Ok(document) => Ok(Loaded::InToto(document, bundle)),
        Err(DocumentError::Field(error)) if error.field.ends_with("._type") => {
            let declared = Envelope::from_value(&value)
                .ok()
                .and_then(|envelope| envelope.payload_json().ok())
                .and_then(|payload| payload.get("_type").cloned());
            let found = match declared {
                Some(Value::String(t)) => format!("\"{t}\""),
                Some(other) => other.to_string(),
                None => "a missing `_type`".to_owned(),
            };
            Err(LoadError::UnknownType {
                field: error.field,
                found,
            })
        }
        Err(error) => Err(error.into()),
    }
}

fn load_root(path: &Path) -> Result<Metadata<Root>, String> {
    let loaded =
        load(path).map_err(|e| format!("{} could not be read: {e}", display_name(path)))?;
    if let Loaded::Tuf(metadata) = loaded
        && let AnyMetadata::Root(root) = *metadata
    {
        return Ok(root);
    }
    Err(format!("{} is not root metadata", display_name(path)))
}

/// Inspects one metadata file.
pub fn inspect_file(path: &Path) -> Result<FileReport, InspectError> {
    inspect(path).map_err(|source| InspectError {
        path: path.to_owned(),
        source,
    })
}

/// Whether `path` names a JSON Lines file (`.jsonl`, as `.intoto.jsonl` attestation files are):
/// one document per line.
pub fn is_json_lines(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "jsonl")
}

/// Inspects each line of a JSON Lines file (an `.intoto.jsonl` of DSSE envelopes or Sigstore
/// bundles) as its own document; blank lines are skipped, and a line that cannot be read makes
/// the whole file unreadable, naming the line.
pub fn inspect_lines(path: &Path) -> Result<Vec<FileReport>, InspectError> {
    let failed = |source| InspectError {
        path: path.to_owned(),
        source,
    };
    let bytes = read_bounded(path, MAX_METADATA_BYTES).map_err(|e| failed(e.into()))?;
    let mut reports = Vec::new();
    for (index, line) in bytes.split(|b| *b == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let at = PathBuf::from(format!("{} line {}", path.display(), index + 1));
        let report = cjson::parse(line)
            .map_err(LoadError::from)
            .and_then(|value| inspect_loaded(&at, load_value(value)?))
            .map_err(|source| InspectError {
                path: at.clone(),
                source,
            })?;
        reports.push(report);
    }
    if reports.is_empty() {
        return Err(failed(LoadError::NoDocuments));
    }
    Ok(reports)
}

fn inspect(path: &Path) -> Result<FileReport, LoadError> {
    inspect_loaded(path, load(path)?)
}

fn inspect_loaded(path: &Path, loaded: Loaded) -> Result<FileReport, LoadError> {
    let mut notes = Vec::new();
    let mut statement = None;
    let (kind, fields, keys, authority, signatures, signed_bytes, envelope) = match loaded {
        Loaded::Tuf(metadata) => {
            let (kind, fields, keys, authority, signatures) = match &*metadata {
                AnyMetadata::Root(root) => (
                    DocumentKind::TufRoot,
                    tuf_fields(
                        &root.signed.spec_version,
                        root.signed.version,
                        &root.signed.expires,
                        &[(
                            "consistent_snapshot",
                            root.signed.consistent_snapshot.map(|c| c.to_string()),
                        )],
                    ),
                    listed_keys(&root.signed.keys, &root_grants(&root.signed)),
                    role_authority(
                        &root.signed,
                        "root",
                        "the root role's keys in this file (a root signs itself)".into(),
                    ),
                    &root.signatures,
                ),
                AnyMetadata::Timestamp(m) => (
                    DocumentKind::TufTimestamp,
                    meta_fields(
                        &m.signed.spec_version,
                        m.signed.version,
                        &m.signed.expires,
                        m.signed.meta.len(),
                    ),
                    Vec::new(),
                    top_level_authority(path, "timestamp", &mut notes),
                    &m.signatures,
                ),
                AnyMetadata::Snapshot(m) => (
                    DocumentKind::TufSnapshot,
                    meta_fields(
                        &m.signed.spec_version,
                        m.signed.version,
                        &m.signed.expires,
                        m.signed.meta.len(),
                    ),
                    Vec::new(),
                    top_level_authority(path, "snapshot", &mut notes),
                    &m.signatures,
                ),
                AnyMetadata::Targets(m) => (
                    DocumentKind::TufTargets,
                    targets_fields(&m.signed),
                    m.signed
                        .delegations
                        .as_ref()
                        .map(|d| listed_keys(&d.keys, &delegation_grants(d)))
                        .unwrap_or_default(),
                    targets_authority(path, &mut notes),
                    &m.signatures,
                ),
            };
            let signatures = signatures.clone();
            (
                kind,
                fields,
                keys,
                authority,
                signatures,
                metadata.signed_bytes().to_vec(),
                "signed/signatures",
            )
        }
        Loaded::InToto(document, bundle) => {
            let (kind, mut fields, keys, authority) = match &document.payload {
                Payload::Layout(layout) => {
                    let grants: Vec<(String, Vec<String>)> = layout.steps().iter().map(|s| (format!("step {}", s.name), s.pubkeys().to_vec())).collect();
                    let names = |items: Vec<&str>| items.join(", ");
                    (
                        DocumentKind::Layout,
                        vec![
                            ("expires".to_owned(), layout.expires_text()),
                            ("readme".to_owned(), layout.readme().to_owned()),
                            ("steps".to_owned(), names(layout.steps().iter().map(|s| s.name.as_str()).collect())),
                            ("inspections".to_owned(), names(layout.inspections().iter().map(|i| i.name.as_str()).collect())),
                        ],
                        listed_keys(layout.keys(), &grants),
                        layout_authority(path, &mut notes),
                    )
                }
                Payload::Link(link) => (
                    DocumentKind::Link,
                    vec![
                        ("name".to_owned(), link.name.clone()),
                        ("command".to_owned(), link.command().join(" ")),
                        ("materials".to_owned(), link.materials().count().to_string()),
                        ("products".to_owned(), link.products().count().to_string()),
                    ],
                    Vec::new(),
                    link_authority(path, &link.name, &mut notes),
                ),
                Payload::Statement(read) => (
                    DocumentKind::Attestation { statement_type: read.type_.clone() },
                    {
                        let decoded = crate::attest::decode(read);
                        let fields = statement_fields(&decoded);
                        statement = Some(decoded);
                        fields
                    },
                    Vec::new(),
                    Err("attestation statements are shown read-only; their signatures are checked when a layout verifies them".to_owned()),
                ),
            };
            let envelope = match document.envelope {
                Envelope::Legacy { .. } => "signed/signatures",
                Envelope::Dsse { .. } if bundle.is_some() => "Sigstore bundle's DSSE",
                Envelope::Dsse { .. } => "DSSE",
            };
            if let Some(bundle) = bundle {
                push_bundle_fields(&mut fields, *bundle);
            }
            (
                kind,
                fields,
                keys,
                authority,
                document.envelope.signatures().to_vec(),
                document.signed_bytes().to_vec(),
                envelope,
            )
        }
        Loaded::MessageBundle(bundle, digest) => {
            let mut fields = vec![(
                "signs the digest".to_owned(),
                digest.unwrap_or_else(|| "none given (the artifact itself is signed)".to_owned()),
            )];
            push_bundle_fields(&mut fields, *bundle);
            (
                DocumentKind::SigstoreMessage,
                fields,
                Vec::new(),
                Err("a Sigstore bundle is verified with Sigstore: give who must have signed it, the artifact and the trusted root (Verify with Sigstore, or `chainscope sigstore verify-bundle`)".to_owned()),
                Vec::new(),
                Vec::new(),
                "Sigstore bundle's messageSignature",
            )
        }
    };
    for listed in &keys {
        note_keyid_warning(&listed.key, &mut notes);
    }
    let signatures = section(authority, &signatures, &signed_bytes, &mut notes);
    Ok(FileReport {
        path: path.to_owned(),
        envelope,
        kind,
        fields,
        keys,
        signatures,
        notes,
        statement,
    })
}

fn note_keyid_warning(key: &PublicKey, notes: &mut Vec<String>) {
    if let Some(warning) = key.keyid_warning() {
        let line = format!("warning: {warning}");
        if !notes.contains(&line) {
            notes.push(line);
        }
    }
}

fn section(
    authority: Result<Authority, String>,
    signatures: &[Signature],
    signed_bytes: &[u8],
    notes: &mut Vec<String>,
) -> SignatureSection {
    match authority {
        Ok(authority) => {
            for key in authority.keys.values() {
                note_keyid_warning(key, notes);
            }
            for keyid in &authority.missing {
                notes.push(format!(
                    "warning: {} lists keyid {keyid}, which is not among its keys: no signature by it can count",
                    authority.against
                ));
            }
            SignatureSection::Checked {
                against: authority.against,
                report: check_threshold(
                    &authority.keys,
                    authority.threshold,
                    signatures,
                    signed_bytes,
                ),
            }
        }
        Err(why) => SignatureSection::Unchecked {
            why,
            keyids: signatures.iter().map(|s| s.keyid.clone()).collect(),
        },
    }
}

/// The keys and threshold that must sign a file.
struct Authority {
    against: String,
    keys: BTreeMap<String, PublicKey>,
    threshold: u64,
    /// Keyids the role lists that its keys do not hold: no signature by them can count.
    missing: Vec<String>,
}

fn authority_from(
    keys: &BTreeMap<String, PublicKey>,
    keyids: &[String],
    threshold: u64,
    against: String,
) -> Result<Authority, String> {
    // A keyid without its key is skipped, as python-tuf skips it ("No key for keyid"): the
    // threshold is then judged with the keys there are.
    let mut authorized = BTreeMap::new();
    let mut missing = Vec::new();
    for keyid in keyids {
        match keys.get(keyid) {
            Some(key) => {
                authorized.insert(keyid.clone(), key.clone());
            }
            None => missing.push(keyid.clone()),
        }
    }
    Ok(Authority {
        against,
        keys: authorized,
        threshold,
        missing,
    })
}

fn role_authority(root: &Root, role: &str, against: String) -> Result<Authority, String> {
    let entry = root
        .roles
        .get(role)
        .ok_or_else(|| format!("the root metadata has no `{role}` role"))?;
    authority_from(&root.keys, &entry.keyids, entry.threshold, against)
}

/// Each key with the grants (roles, delegations, steps) that list its keyid, in grant order.
fn listed_keys(
    keys: &BTreeMap<String, PublicKey>,
    grants: &[(String, Vec<String>)],
) -> Vec<ListedKey> {
    keys.values()
        .map(|key| {
            let used_by = grants
                .iter()
                .filter(|(_, keyids)| keyids.iter().any(|k| k == key.keyid()))
                .map(|(name, _)| name.clone())
                .collect();
            ListedKey {
                key: key.clone(),
                used_by,
            }
        })
        .collect()
}

fn root_grants(root: &Root) -> Vec<(String, Vec<String>)> {
    root.roles
        .iter()
        .map(|(name, role)| (name.clone(), role.keyids.clone()))
        .collect()
}

fn delegation_grants(delegations: &crate::tuf::Delegations) -> Vec<(String, Vec<String>)> {
    let mut grants: Vec<(String, Vec<String>)> = delegations
        .roles
        .iter()
        .flatten()
        .map(|role| (role.name.clone(), role.keyids.clone()))
        .collect();
    if let Some(succinct) = &delegations.succinct_roles {
        grants.push((
            format!(
                "{}-* ({} succinct bins)",
                succinct.name_prefix,
                succinct.number_of_bins()
            ),
            succinct.keyids.clone(),
        ));
    }
    grants
}

fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Sibling files of `path`, sorted by name, at most [`MAX_SIBLINGS`].
fn siblings(path: &Path) -> Vec<PathBuf> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p != path)
        .take(MAX_SIBLINGS)
        .collect();
    files.sort();
    files
}

/// `root.json` beside `path`, or else the highest-numbered `N.root.json`.
fn root_beside(path: &Path) -> Result<(PathBuf, Metadata<Root>), String> {
    let files = siblings(path);
    let plain = files.iter().find(|p| display_name(p) == "root.json");
    let versioned = files
        .iter()
        .filter_map(|p| {
            let version: u64 = display_name(p).strip_suffix(".root.json")?.parse().ok()?;
            Some((version, p))
        })
        .max_by_key(|(version, _)| *version)
        .map(|(_, p)| p);
    let root_path = plain.or(versioned).ok_or_else(|| {
        "no root.json beside this file, so the keys that must sign it are unknown".to_owned()
    })?;
    Ok((root_path.clone(), load_root(root_path)?))
}

fn top_level_authority(
    path: &Path,
    role: &str,
    notes: &mut Vec<String>,
) -> Result<Authority, String> {
    let (root_path, root) = root_beside(path).inspect_err(|why| notes.push(why.clone()))?;
    role_authority(
        &root.signed,
        role,
        format!("the {role} role's keys in {}", display_name(&root_path)),
    )
}

/// The role name a TUF metadata file name stands for: `3.foo.json` and `foo.json` are `foo`.
fn role_name_of(path: &Path) -> Option<String> {
    let name = display_name(path);
    let stem = name.strip_suffix(".json")?;
    let stem = match stem.split_once('.') {
        Some((version, rest)) if version.parse::<u64>().is_ok() => rest,
        _ => stem,
    };
    Some(stem.to_owned())
}

fn targets_authority(path: &Path, notes: &mut Vec<String>) -> Result<Authority, String> {
    let role = role_name_of(path).unwrap_or_else(|| "targets".into());
    if role == "targets" {
        return top_level_authority(path, "targets", notes);
    }
    // A delegated role: find the file whose delegations name it.
    for sibling in siblings(path) {
        if !display_name(&sibling).ends_with(".json") {
            continue;
        }
        let Ok(Loaded::Tuf(metadata)) = load(&sibling) else {
            continue;
        };
        let AnyMetadata::Targets(delegator) = *metadata else {
            continue;
        };
        let Targets {
            delegations: Some(delegations),
            ..
        } = &delegator.signed
        else {
            continue;
        };
        let owner = display_name(&sibling);
        let against = format!("the keys {owner} delegates role {role} to");
        if let Some(grant) = delegations.roles.iter().flatten().find(|r| r.name == role) {
            return authority_from(&delegations.keys, &grant.keyids, grant.threshold, against);
        }
        if let Some(succinct) = delegations
            .succinct_roles
            .as_ref()
            .filter(|s| s.is_bin(&role))
        {
            return authority_from(
                &delegations.keys,
                &succinct.keyids,
                succinct.threshold,
                against,
            );
        }
    }
    Err(format!(
        "no metadata beside this file delegates role \"{role}\", so the keys that must sign it are unknown"
    ))
}

/// Layout signers are not named in the layout: in-toto-verify is given their public keys. Here
/// the public key files beside the layout stand in for them.
fn layout_authority(path: &Path, notes: &mut Vec<String>) -> Result<Authority, String> {
    let mut keys = BTreeMap::new();
    for sibling in siblings(path) {
        if display_name(&sibling).ends_with(".pub") {
            match keyfile::read_key_file(&sibling, None) {
                Ok(KeyFile::Public(key)) => {
                    keys.insert(key.keyid().to_owned(), key);
                }
                Ok(KeyFile::Private(_)) => {
                    notes.push(format!(
                        "{} holds a private key; not used",
                        display_name(&sibling)
                    ));
                }
                Err(e) => notes.push(format!("skipped {e}")),
            }
        }
    }
    if keys.is_empty() {
        return Err(
            "no public key files (*.pub) beside the layout; in-toto-verify takes the layout keys with --verification-keys".into(),
        );
    }
    Ok(Authority {
        against: format!(
            "the {} public key file{} beside the layout (any one of them)",
            keys.len(),
            if keys.len() == 1 { "" } else { "s" }
        ),
        keys,
        threshold: 1,
        missing: Vec::new(),
    })
}

fn link_authority(
    path: &Path,
    step_name: &str,
    notes: &mut Vec<String>,
) -> Result<Authority, String> {
    for sibling in siblings(path) {
        if !display_name(&sibling).ends_with(".layout") {
            continue;
        }
        let layout = match load(&sibling) {
            Ok(Loaded::InToto(document, _)) => match document.payload {
                Payload::Layout(layout) => layout,
                _ => continue,
            },
            Ok(Loaded::Tuf(_) | Loaded::MessageBundle(..)) => continue,
            Err(e) => {
                notes.push(format!("{} could not be read: {e}", display_name(&sibling)));
                continue;
            }
        };
        let Some(step) = layout.steps().iter().find(|s| s.name == step_name) else {
            continue;
        };
        let owner = display_name(&sibling);
        let against = format!(
            "the functionaries of step \"{step_name}\" in {owner} (one signature per link)"
        );
        return authority_from(layout.keys(), step.pubkeys(), 1, against);
    }
    Err(format!(
        "no layout (*.layout) beside this link has a step named \"{step_name}\""
    ))
}

fn tuf_fields(
    spec_version: &str,
    version: u64,
    expires: &crate::model::Expires,
    extra: &[(&str, Option<String>)],
) -> Vec<(String, String)> {
    let mut fields = vec![
        ("spec_version".to_owned(), spec_version.to_owned()),
        ("version".to_owned(), version.to_string()),
        ("expires".to_owned(), expires.to_string()),
    ];
    fields.extend(
        extra
            .iter()
            .filter_map(|(name, value)| Some(((*name).to_owned(), value.clone()?))),
    );
    fields
}

/// Timestamp and snapshot: the common fields and how many metadata files they list.
fn meta_fields(
    spec_version: &str,
    version: u64,
    expires: &crate::model::Expires,
    listed: usize,
) -> Vec<(String, String)> {
    tuf_fields(
        spec_version,
        version,
        expires,
        &[("metadata files listed", Some(listed.to_string()))],
    )
}

fn targets_fields(targets: &Targets) -> Vec<(String, String)> {
    let delegations = targets.delegations.as_ref();
    tuf_fields(
        &targets.spec_version,
        targets.version,
        &targets.expires,
        &[
            ("targets listed", Some(targets.targets.len().to_string())),
            (
                "delegated roles",
                delegations
                    .and_then(|d| d.roles.as_ref())
                    .map(|r| r.len().to_string()),
            ),
            (
                "succinct bins",
                delegations
                    .and_then(|d| d.succinct_roles.as_ref())
                    .map(|s| s.number_of_bins().to_string()),
            ),
        ],
    )
}

impl FileReport {
    /// Whether every check that could run passed: signatures checked and threshold met.
    pub fn signatures_ok(&self) -> Option<bool> {
        match &self.signatures {
            SignatureSection::Checked { report, .. } => Some(report.is_met()),
            SignatureSection::Unchecked { .. } => None,
        }
    }

    /// The report as plain text, as `chainscope inspect` prints it.
    pub fn render_text(&self) -> String {
        use crate::crypto::threshold::short;
        use std::fmt::Write as _;
        let mut out = String::new();
        let _ = writeln!(out, "{}", Shown(&self.path.display().to_string()));
        let _ = writeln!(
            out,
            "  {} in a {} envelope",
            self.kind.describe(),
            self.envelope
        );
        for (name, value) in &self.fields {
            let _ = writeln!(out, "  {}: {}", Shown(name), Shown(value));
        }
        if !self.keys.is_empty() {
            let _ = writeln!(out, "keys listed:");
            for listed in &self.keys {
                let key = &listed.key;
                let used = if listed.used_by.is_empty() {
                    "unused".to_owned()
                } else {
                    listed.used_by.join(", ")
                };
                let _ = write!(
                    out,
                    "  {} {}/{} ({})",
                    Shown(key.keyid()),
                    Shown(key.keytype()),
                    Shown(key.scheme_name()),
                    Shown(&used)
                );
                if let Some(problem) = key.problem() {
                    let _ = write!(out, " — {}", Shown(&crate::report::chain(&problem)));
                }
                out.push('\n');
            }
        }
        match &self.signatures {
            SignatureSection::Checked { against, report } => {
                let verdict = if report.is_met() { "ok" } else { "FAILED" };
                let _ = writeln!(out, "signatures: {verdict}, {}", report.summary());
                let _ = writeln!(out, "  checked against {}", Shown(against));
                for check in &report.checks {
                    let _ = writeln!(
                        out,
                        "  #{} {}: {}",
                        check.index + 1,
                        Shown(&short(&check.keyid)),
                        Shown(&check.status.to_string())
                    );
                }
                for (first, second) in &report.duplicate_keys {
                    let _ = writeln!(
                        out,
                        "  note: keyids {} and {} are the same key; it counts once",
                        Shown(&short(first)),
                        Shown(&short(second))
                    );
                }
            }
            SignatureSection::Unchecked { why, keyids } => {
                let _ = writeln!(out, "signatures: not checked ({})", Shown(why));
                for (index, keyid) in keyids.iter().enumerate() {
                    let named = if keyid.is_empty() {
                        "(no keyid)".to_owned()
                    } else {
                        Shown(&short(keyid)).to_string()
                    };
                    let _ = writeln!(out, "  #{} {named}", index + 1);
                }
            }
        }
        for note in &self.notes {
            let _ = writeln!(out, "{}", Shown(note));
        }
        out
    }

    /// The report as JSON, for scripts (`--format json`).
    pub fn to_json(&self) -> Value {
        use serde_json::json;
        let keys: Vec<Value> = self
            .keys
            .iter()
            .map(|l| {
                json!({
                    "keyid": l.key.keyid(),
                    "keytype": l.key.keytype(),
                    "scheme": l.key.scheme_name(),
                    "used_by": l.used_by,
                    "problem": l.key.problem().map(|p| p.to_string()),
                    "keyid_warning": l.key.keyid_warning().map(|w| w.to_string()),
                })
            })
            .collect();
        let signatures = match &self.signatures {
            SignatureSection::Checked { against, report } => json!({
                "checked": true,
                "against": against,
                "threshold": report.threshold,
                "counted": report.counted(),
                "met": report.is_met(),
                "missing": report.missing,
                "entries": report.checks.iter().map(|c| json!({
                    "keyid": c.keyid, "status": c.status.to_string(),
                })).collect::<Vec<_>>(),
            }),
            SignatureSection::Unchecked { why, keyids } => json!({
                "checked": false, "why": why, "keyids": keyids,
            }),
        };
        json!({
            "path": self.path.display().to_string(),
            "envelope": self.envelope,
            "kind": self.kind.describe(),
            "fields": self.fields.iter().map(|(k, v)| json!([k, v])).collect::<Vec<_>>(),
            "keys": keys,
            "signatures": signatures,
            "notes": self.notes,
        })
    }
}

/// Subjects and inputs listed one per line, at most this many of each.
const LISTED_RESOURCES: usize = 10;

/// What an attestation statement says, decoded ([`crate::attest`]): its predicate type,
/// subjects by digest, the predicate's fields in words and the inputs it names.
fn statement_fields(decoded: &crate::attest::Decoded) -> Vec<(String, String)> {
    let mut fields = vec![
        ("predicateType".to_owned(), decoded.predicate_type.clone()),
        ("predicate".to_owned(), decoded.kind.title().to_owned()),
        ("subjects".to_owned(), decoded.subjects.len().to_string()),
    ];
    let resource = |subject: &crate::attest::Subject| {
        let digests: Vec<String> = subject
            .digests
            .iter()
            .map(|(algorithm, hex)| format!("{algorithm}:{hex}"))
            .collect();
        format!("{} {}", subject.name, digests.join(" "))
            .trim()
            .to_owned()
    };
    let list =
        |fields: &mut Vec<(String, String)>, label: &str, items: &[crate::attest::Subject]| {
            for item in items.iter().take(LISTED_RESOURCES) {
                fields.push((label.to_owned(), resource(item)));
            }
            if items.len() > LISTED_RESOURCES {
                fields.push((
                    label.to_owned(),
                    format!("… and {} more", items.len() - LISTED_RESOURCES),
                ));
            }
        };
    list(&mut fields, "subject", &decoded.subjects);
    for field in &decoded.fields {
        fields.push((field.label.to_owned(), field.value.clone()));
    }
    list(&mut fields, "input", &decoded.inputs);
    fields
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::SignatureStatus;
    use crate::crypto::VerifyFailure;
    use crate::crypto::envelope::{INTOTO_PAYLOAD_TYPE, encode_base64};
    use serde_json::json;

    const GPG_KEYID: &str = "8465a1e2e0fb2b40adb2478e18fb3f537e0c8a17";

    fn write(dir: &Path, name: &str, value: &Value) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, serde_json::to_vec_pretty(value).unwrap()).unwrap();
        path
    }

    /// in-toto's GPG signer writes `signature` and `other_headers`, and GPG keys carry
    /// `{n, e}` objects: both load; a key whose modulus is no RSA key is reported as unusable,
    /// saying why, and the file is not called corrupt.
    #[test]
    fn gpg_signed_link_with_an_unusable_key_says_why() {
        let dir = tempfile::tempdir().unwrap();
        let gpg_key = json!({"keyid": GPG_KEYID, "type": "rsa", "method": "pgp+rsa-pkcsv1.5", "hashes": ["pgp+SHA2"],
            "keyval": {"private": "", "public": {"e": "010001", "n": "c2a1"}}});
        let layout = json!({"signed": {"_type": "layout", "expires": "2030-01-01T00:00:00Z", "readme": "",
            "keys": {GPG_KEYID: gpg_key},
            "steps": [{"_type": "step", "name": "clone", "threshold": 1, "pubkeys": [GPG_KEYID],
                "expected_command": [], "expected_materials": [], "expected_products": []}],
            "inspect": []}, "signatures": []});
        write(dir.path(), "root.layout", &layout);
        let link = json!({"signed": {"_type": "link", "name": "clone", "command": ["git", "clone"], "materials": {},
            "products": {"a.py": {"sha256": "00ff"}}, "byproducts": {}, "environment": {}},
            "signatures": [{"keyid": GPG_KEYID, "other_headers": "04000108001d1621", "signature": "c0ffee"}]});
        let path = write(dir.path(), "clone.8465a1e2.link", &link);
        let report = inspect_file(&path).unwrap();
        assert_eq!(report.kind, DocumentKind::Link);
        let SignatureSection::Checked { report, .. } = &report.signatures else {
            panic!("not checked")
        };
        assert!(!report.is_met());
        match &report.checks[0].status {
            SignatureStatus::Invalid(VerifyFailure::UnusableKey(reason)) => {
                assert!(reason.contains("RSA key"), "{reason}")
            }
            other => panic!("{other:?}"),
        }
        let layout_report = inspect_file(&dir.path().join("root.layout")).unwrap();
        assert!(layout_report.keys[0].key.problem().is_some_and(|p| {
            p.to_string()
                .starts_with("public key cannot be used: RSA key")
        }));
    }

    #[test]
    fn attestation_statements_are_reported_as_attestations() {
        let dir = tempfile::tempdir().unwrap();
        for (name, statement_type) in [
            ("v1.json", "https://in-toto.io/Statement/v1"),
            ("v01.json", "https://in-toto.io/Statement/v0.1"),
        ] {
            let statement = json!({"_type": statement_type, "subject": [{"name": "pkg.tgz", "digest": {"sha256": "ab"}}],
                "predicateType": "https://slsa.dev/provenance/v1", "predicate": {"buildDefinition": {}}});
            let envelope = json!({"payload": encode_base64(statement.to_string().as_bytes()), "payloadType": INTOTO_PAYLOAD_TYPE,
                "signatures": [{"keyid": "abcd", "sig": encode_base64(b"sig")}]});
            let report = inspect_file(&write(dir.path(), name, &envelope)).unwrap();
            assert_eq!(
                report.kind,
                DocumentKind::Attestation {
                    statement_type: statement_type.into()
                }
            );
            assert_eq!(report.envelope, "DSSE");
            assert!(matches!(
                report.signatures,
                SignatureSection::Unchecked { .. }
            ));
            assert_eq!(
                report.fields[0],
                (
                    "predicateType".to_owned(),
                    "https://slsa.dev/provenance/v1".to_owned()
                )
            );
        }
        let unknown = json!({"payload": encode_base64(br#"{"_type": "https://in-toto.io/Statement/v9"}"#), "payloadType": INTOTO_PAYLOAD_TYPE, "signatures": []});
        let error = inspect_file(&write(dir.path(), "v9.json", &unknown)).unwrap_err();
        assert!(
            crate::report::chain(&error)
                .contains("\"https://in-toto.io/Statement/v9\" is neither a TUF role type"),
            "{error}"
        );
    }

    /// `label` is among the report's fields with exactly `value`.
    fn has(fields: &[(String, String)], label: &str, value: &str) {
        assert!(
            fields.iter().any(|(l, v)| l == label && v == value),
            "{label} = {value} not in {fields:#?}"
        );
    }

    /// attestation-verifier's own attestations (tests/data/real-world): each decoded into what
    /// it says, npm's real provenance of sigstore@1.2.0 included.
    #[test]
    fn published_attestations_are_decoded_into_what_they_say() {
        let data = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/real-world/attestation-verifier");
        let fields = |file: &str| -> Vec<(String, String)> {
            let report = inspect_file(&data.join(file)).unwrap();
            assert_eq!(report.envelope, "DSSE", "{file}");
            report.fields
        };
        let build = fields("test-data/build.fe1c6281.json");
        has(&build, "predicate", "SLSA provenance v1");
        has(
            &build,
            "builder",
            "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/builder_go_slsa3.yml@refs/tags/v1.7.0",
        );
        has(
            &build,
            "build type",
            "https://slsa-framework.github.io/github-actions-buildtypes/workflow/v1",
        );
        has(
            &build,
            "subject",
            "bin/foo sha256:58eaf5a78d580f5dbd49d31a5b733094169b31bfdf49055b74bcac2877d8f58c",
        );
        has(
            &build,
            "input",
            "foo sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        );
        let test = fields("test-data/test.fe1c6281.json");
        has(&test, "predicate", "test result");
        has(&test, "result", "PASSED");
        has(&test, "passed", "1: test1");
        has(&test, "failed", "0");
        let clone = fields("test-data/clone.fe1c6281.json");
        has(&clone, "predicate", "in-toto link");
        let npm = fields("test-data-npm/build.fe1c6281.json");
        has(&npm, "predicate", "SLSA provenance v0.2");
        has(&npm, "builder", "https://github.com/actions/runner");
        has(&npm, "build type", "https://github.com/npm/cli/gha/v2");
        has(
            &npm,
            "source",
            "git+https://github.com/sigstore/sigstore-js@refs/heads/main",
        );
        has(&npm, "repository", "sigstore/sigstore-js");
        has(&npm, "trigger", "push");
        has(
            &npm,
            "workflow",
            "sigstore/sigstore-js/.github/workflows/release.yml@refs/heads/main",
        );
        has(
            &npm,
            "subject",
            "pkg:npm/sigstore@1.2.0 sha512:16bf7e5b59e40522190a425047b8c39ffcc8d145cdb15a69fbb9834240a764e2311bda7ac8d5c1c7dc67b47b1f532607139e570e4915577fab61bae4cc079eb0",
        );
        // The registry's publish attestation, and PyPI's (a PEP 740 file).
        let publish = fields("test-data-npm/publish.fe1c6281.json");
        has(&publish, "predicate", "npm publish attestation");
        has(&publish, "package", "sigstore");
        has(&publish, "version", "1.2.0");
        has(&publish, "registry", "https://registry.npmjs.org");
        let pypi = inspect_file(
            &data.join("../pypi-attestations/pypi_attestations-0.0.19.tar.gz.publish.attestation"),
        )
        .unwrap();
        has(&pypi.fields, "predicate", "PyPI publish attestation");
    }

    /// A bundle over an artifact's digest (`messageSignature`, what `cosign sign-blob` writes)
    /// is read for the digest it signs and its certificate; its signature waits for Sigstore.
    #[test]
    fn a_sigstore_message_signature_bundle_is_read_for_its_digest() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(
            "tests/data/real-world/sigstore-conformance/bundle-verify/rekor2-happy-path/bundle.sigstore.json",
        );
        let report = inspect_file(&path).unwrap();
        assert_eq!(report.kind, DocumentKind::SigstoreMessage);
        has(
            &report.fields,
            "signs the digest",
            "sha256:a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf",
        );
        has(&report.fields, "log entry", "index 735");
        has(&report.fields, "signed timestamps", "1");
        has(
            &report.fields,
            "certificate OIDC issuer",
            "https://token.actions.githubusercontent.com",
        );
        // Read, never judged here.
        assert_eq!(report.signatures_ok(), None);
    }

    /// A real GitHub artifact attestation in a Sigstore bundle (sigstore-conformance's
    /// happy-path-intoto-in-dsse-v3): the statement inside decoded, the bundle's signer and log
    /// entry named.
    #[test]
    fn a_sigstore_bundle_is_read_for_its_attestation() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(
            "tests/data/real-world/sigstore-conformance/bundle-verify/happy-path-intoto-in-dsse-v3/bundle.sigstore.json",
        );
        let report = inspect_file(&path).unwrap();
        assert_eq!(report.envelope, "Sigstore bundle's DSSE");
        has(&report.fields, "predicate", "SLSA provenance v1");
        has(
            &report.fields,
            "repository",
            "https://github.com/loosebazooka/aa-test",
        );
        has(
            &report.fields,
            "workflow",
            ".github/workflows/provenance.yaml",
        );
        has(&report.fields, "trigger", "workflow_dispatch");
        has(
            &report.fields,
            "bundle",
            "application/vnd.dev.sigstore.bundle.v0.3+json",
        );
        has(&report.fields, "signed with", "an X.509 certificate");
        has(
            &report.fields,
            "log entry",
            "index 155690850, integrated 2024-12-16T18:42:56Z",
        );
        // The Fulcio certificate's claims, in words.
        has(
            &report.fields,
            "certificate identity",
            "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main",
        );
        has(
            &report.fields,
            "certificate OIDC issuer",
            "https://token.actions.githubusercontent.com",
        );
        has(
            &report.fields,
            "certificate source repository",
            "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon",
        );
        has(&report.fields, "certificate source ref", "refs/heads/main");
        has(
            &report.fields,
            "certificate build trigger",
            "workflow_dispatch",
        );
        has(&report.fields, "certificate runner", "github-hosted");
        has(
            &report.fields,
            "certificate issuer",
            "CN=sigstore-intermediate,O=sigstore.dev",
        );
        has(
            &report.fields,
            "certificate valid",
            "2024-12-16T18:42:56Z to 2024-12-16T18:52:56Z",
        );
        assert_eq!(
            report
                .fields
                .iter()
                .filter(|(l, _)| l == "certificate OIDC issuer")
                .count(),
            1,
            "the V1 and V2 issuer extensions say it once"
        );
        let text = report.render_text();
        assert!(text.contains("  #1 (no keyid)"), "{text}");
    }

    /// An `.intoto.jsonl` file: each line its own document (a DSSE envelope and a Sigstore
    /// bundle here), blank lines skipped; a bad line names its number; an empty file says so.
    #[test]
    fn json_lines_files_are_read_line_by_line() {
        let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/real-world");
        let compact = |path: &str| -> String {
            let value: Value =
                serde_json::from_slice(&std::fs::read(data.join(path)).unwrap()).unwrap();
            value.to_string()
        };
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("attestations.intoto.jsonl");
        std::fs::write(
            &file,
            format!(
                "{}\n\n{}\n",
                compact("attestation-verifier/test-data/test.fe1c6281.json"),
                compact("sigstore-conformance/bundle-verify/happy-path-intoto-in-dsse-v3/bundle.sigstore.json")
            ),
        )
        .unwrap();
        assert!(is_json_lines(&file));
        let reports = inspect_lines(&file).unwrap();
        assert_eq!(reports.len(), 2);
        assert_eq!(
            reports[1].path,
            PathBuf::from(format!("{} line 3", file.display()))
        );
        assert_eq!(reports[0].envelope, "DSSE");
        assert_eq!(reports[1].envelope, "Sigstore bundle's DSSE");

        std::fs::write(&file, "{}\n{\"broken\n").unwrap();
        let error = inspect_lines(&file).unwrap_err();
        assert_eq!(
            error.path,
            PathBuf::from(format!("{} line 1", file.display()))
        );
        std::fs::write(&file, "\n  \n").unwrap();
        let error = inspect_lines(&file).unwrap_err();
        assert!(matches!(error.source, LoadError::NoDocuments), "{error:?}");
    }
}
