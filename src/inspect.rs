//! A first look at one metadata file: what it is, which keys it lists, and whose signatures
//! on it are valid. Signatures are checked against the keys that authorize the file when they
//! can be found: in the file itself (a TUF root signs itself), in `root.json` beside a TUF
//! role, in the delegating role's file beside a delegated role, in a layout beside a link, or in
//! public key files beside a layout.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::cjson;
use crate::crypto::{
    Envelope, EnvelopeError, KeyDictError, KeyFile, PublicKey, ThresholdReport, check_threshold,
    keyfile,
};

/// Largest file inspected (python-tuf's cap for targets metadata).
pub const MAX_METADATA_BYTES: u64 = 5_000_000;
/// How many sibling files are looked at when searching for the keys that authorize a file.
const MAX_SIBLINGS: usize = 4096;

/// What kind of document the envelope holds, from its `_type`.
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
    Unknown {
        type_field: Option<String>,
    },
}

impl DocumentKind {
    fn from_type(type_field: Option<&str>) -> DocumentKind {
        match type_field {
            Some("root" | "Root") => DocumentKind::TufRoot,
            Some("targets" | "Targets") => DocumentKind::TufTargets,
            Some("snapshot" | "Snapshot") => DocumentKind::TufSnapshot,
            Some("timestamp" | "Timestamp") => DocumentKind::TufTimestamp,
            Some("layout") => DocumentKind::Layout,
            Some("link") => DocumentKind::Link,
            Some(t) if t.starts_with("https://in-toto.io/Statement/") => {
                DocumentKind::Attestation {
                    statement_type: t.to_owned(),
                }
            }
            other => DocumentKind::Unknown {
                type_field: other.map(str::to_owned),
            },
        }
    }

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
            DocumentKind::Unknown {
                type_field: Some(t),
            } => format!("unknown document type \"{t}\""),
            DocumentKind::Unknown { type_field: None } => "document without a `_type`".into(),
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
}

/// Why a file could not be read at all.
#[derive(Debug, Clone, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read the file: {0}")]
    Io(String),
    #[error("the file is larger than {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("{0}")]
    Json(#[from] cjson::ParseError),
    #[error("{0}")]
    Envelope(#[from] EnvelopeError),
    #[error("the DSSE payload is not JSON chainscope accepts: {0}")]
    Payload(cjson::ParseError),
    #[error("field `{field}` is missing or is not {expected}")]
    Field {
        field: String,
        expected: &'static str,
    },
    #[error("key at `{field}`: {source}")]
    Key { field: String, source: KeyDictError },
    #[error("`signed` has no canonical form, so no signature over it can be checked: {0}")]
    Canonical(#[from] cjson::CanonicalError),
}

/// A file that could not be inspected, naming it.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{source} (file {path})")]
pub struct InspectError {
    pub path: PathBuf,
    pub source: LoadError,
}

/// Reads a file whole, refusing anything over `limit` bytes (endless-data protection).
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, LoadError> {
    use std::io::Read as _;
    let file = std::fs::File::open(path).map_err(|e| LoadError::Io(e.to_string()))?;
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| LoadError::Io(e.to_string()))?;
    if bytes.len() as u64 > limit {
        return Err(LoadError::TooLarge { limit });
    }
    Ok(bytes)
}

/// A parsed envelope and its signed document.
struct Loaded {
    envelope: Envelope,
    document: Value,
}

fn load(path: &Path) -> Result<Loaded, LoadError> {
    let bytes = read_bounded(path, MAX_METADATA_BYTES)?;
    let value = cjson::parse(&bytes)?;
    let envelope = Envelope::from_value(&value)?;
    let document = envelope.payload_json().map_err(LoadError::Payload)?;
    Ok(Loaded { envelope, document })
}

/// Inspects one metadata file.
pub fn inspect_file(path: &Path) -> Result<FileReport, InspectError> {
    inspect(path).map_err(|source| InspectError {
        path: path.to_owned(),
        source,
    })
}

fn inspect(path: &Path) -> Result<FileReport, LoadError> {
    let Loaded { envelope, document } = load(path)?;
    let kind = DocumentKind::from_type(document.get("_type").and_then(Value::as_str));
    let signed_bytes = envelope.signed_bytes()?;
    let mut report = FileReport {
        path: path.to_owned(),
        envelope: envelope.kind(),
        kind: kind.clone(),
        fields: Vec::new(),
        keys: Vec::new(),
        signatures: SignatureSection::Unchecked {
            why: String::new(),
            keyids: envelope
                .signatures()
                .iter()
                .map(|s| s.keyid.clone())
                .collect(),
        },
        notes: Vec::new(),
    };
    let authority: Result<Authority, String> = match &kind {
        DocumentKind::TufRoot => {
            tuf_fields(&document, &mut report.fields);
            report.keys = root_keys(&document)?;
            role_authority(&document, "root").map(|mut a| {
                a.against = "the root role's keys in this file (a root signs itself)".into();
                a
            })
        }
        DocumentKind::TufSnapshot | DocumentKind::TufTimestamp => {
            tuf_fields(&document, &mut report.fields);
            let role = if kind == DocumentKind::TufSnapshot { "snapshot" } else { "timestamp" };
            root_beside(path, &mut report.notes).and_then(|(root_path, root)| {
                role_authority(&root, role).map(|mut a| {
                    a.against = format!("the {role} role's keys in {}", display_name(&root_path));
                    a
                })
            })
        }
        DocumentKind::TufTargets => {
            tuf_fields(&document, &mut report.fields);
            report.keys = delegation_keys(&document)?;
            targets_authority(path, &mut report.notes)
        }
        DocumentKind::Layout => {
            layout_fields(&document, &mut report.fields);
            report.keys = layout_keys(&document)?;
            layout_authority(path, &mut report.notes)
        }
        DocumentKind::Link => {
            link_fields(&document, &mut report.fields);
            link_authority(path, &document, &mut report.notes)
        }
        DocumentKind::Attestation { .. } => Err(
            "attestation statements are shown read-only; their signatures are checked when a layout verifies them".into(),
        ),
        DocumentKind::Unknown { .. } => Err("not a TUF or in-toto document, so no keys authorize it".into()),
    };
    for listed in &report.keys {
        if let Some(warning) = listed.key.keyid_warning() {
            report.notes.push(format!("warning: {warning}"));
        }
    }
    report.signatures = match authority {
        Ok(authority) => {
            for key in authority.keys.values() {
                if let Some(warning) = key.keyid_warning() {
                    let line = format!("warning: {warning}");
                    if !report.notes.contains(&line) {
                        report.notes.push(line);
                    }
                }
            }
            SignatureSection::Checked {
                against: authority.against,
                report: check_threshold(
                    &authority.keys,
                    authority.threshold,
                    envelope.signatures(),
                    &signed_bytes,
                ),
            }
        }
        Err(why) => SignatureSection::Unchecked {
            why,
            keyids: envelope
                .signatures()
                .iter()
                .map(|s| s.keyid.clone())
                .collect(),
        },
    };
    Ok(report)
}

/// The keys and threshold that must sign a file.
struct Authority {
    against: String,
    keys: BTreeMap<String, PublicKey>,
    threshold: u64,
}

fn field_error(field: &str, expected: &'static str) -> LoadError {
    LoadError::Field {
        field: field.to_owned(),
        expected,
    }
}

/// Parses a `{keyid: keydict}` object found at `field`.
fn key_map(value: Option<&Value>, field: &str) -> Result<BTreeMap<String, PublicKey>, LoadError> {
    let Some(value) = value else {
        return Ok(BTreeMap::new());
    };
    let object = value
        .as_object()
        .ok_or_else(|| field_error(field, "an object"))?;
    object
        .iter()
        .map(|(keyid, dict)| {
            PublicKey::from_dict(keyid, dict)
                .map(|key| (keyid.clone(), key))
                .map_err(|source| LoadError::Key {
                    field: cjson::path_with_key(field, keyid),
                    source,
                })
        })
        .collect()
}

fn keyid_list(value: Option<&Value>, field: &str) -> Result<Vec<String>, LoadError> {
    let list = value
        .and_then(Value::as_array)
        .ok_or_else(|| field_error(field, "a list of keyids"))?;
    list.iter()
        .map(|v| {
            v.as_str()
                .map(str::to_owned)
                .ok_or_else(|| field_error(field, "a list of keyids"))
        })
        .collect()
}

fn threshold_of(value: Option<&Value>, field: &str) -> Result<u64, LoadError> {
    value
        .and_then(Value::as_u64)
        .ok_or_else(|| field_error(field, "a non-negative integer"))
}

fn root_keys(root: &Value) -> Result<Vec<ListedKey>, LoadError> {
    let keys = key_map(root.get("keys"), "signed.keys")?;
    let roles = root
        .get("roles")
        .and_then(Value::as_object)
        .ok_or_else(|| field_error("signed.roles", "an object"))?;
    let grants = roles
        .iter()
        .map(|(role, entry)| {
            let keyids = keyid_list(entry.get("keyids"), &format!("signed.roles.{role}.keyids"))?;
            Ok((role.clone(), keyids))
        })
        .collect::<Result<Vec<_>, LoadError>>()?;
    Ok(listed_keys(keys, &grants))
}

/// Each key with the grants (roles, delegations, steps) that list its keyid, in grant order.
fn listed_keys(
    keys: BTreeMap<String, PublicKey>,
    grants: &[(String, Vec<String>)],
) -> Vec<ListedKey> {
    keys.into_values()
        .map(|key| {
            let used_by = grants
                .iter()
                .filter(|(_, keyids)| keyids.iter().any(|k| k == key.keyid()))
                .map(|(name, _)| name.clone())
                .collect();
            ListedKey { key, used_by }
        })
        .collect()
}

/// `(name, keyids)` of every entry in a list of named grants (delegated roles, steps).
fn named_grants(
    list: Option<&Value>,
    list_field: &str,
    keyids_field: &str,
    label: impl Fn(&str) -> String,
) -> Result<Vec<(String, Vec<String>)>, LoadError> {
    let Some(items) = list.and_then(Value::as_array) else {
        return Ok(Vec::new());
    };
    items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let name = item.get("name").and_then(Value::as_str).unwrap_or("?");
            let keyids = keyid_list(
                item.get(keyids_field),
                &format!("{list_field}[{index}].{keyids_field}"),
            )?;
            Ok((label(name), keyids))
        })
        .collect()
}

fn role_authority(root: &Value, role: &str) -> Result<Authority, String> {
    let describe = |e: LoadError| e.to_string();
    let keys = key_map(root.get("keys"), "signed.keys").map_err(describe)?;
    let entry = root
        .get("roles")
        .and_then(|r| r.get(role))
        .ok_or_else(|| format!("the root metadata has no `{role}` role"))?;
    let keyids = keyid_list(entry.get("keyids"), &format!("signed.roles.{role}.keyids"))
        .map_err(describe)?;
    let threshold = threshold_of(
        entry.get("threshold"),
        &format!("signed.roles.{role}.threshold"),
    )
    .map_err(describe)?;
    authority_from(&keys, &keyids, threshold, &format!("root role {role}"))
}

fn authority_from(
    keys: &BTreeMap<String, PublicKey>,
    keyids: &[String],
    threshold: u64,
    owner: &str,
) -> Result<Authority, String> {
    let mut authorized = BTreeMap::new();
    for keyid in keyids {
        let key = keys
            .get(keyid)
            .ok_or_else(|| format!("{owner} lists keyid {keyid}, which is not among its keys"))?;
        authorized.insert(keyid.clone(), key.clone());
    }
    Ok(Authority {
        against: String::new(),
        keys: authorized,
        threshold,
    })
}

fn delegation_keys(targets: &Value) -> Result<Vec<ListedKey>, LoadError> {
    let Some(delegations) = targets.get("delegations") else {
        return Ok(Vec::new());
    };
    let keys = key_map(delegations.get("keys"), "signed.delegations.keys")?;
    let mut grants = named_grants(
        delegations.get("roles"),
        "signed.delegations.roles",
        "keyids",
        str::to_owned,
    )?;
    if let Some(succinct) = delegations.get("succinct_roles") {
        let prefix = succinct
            .get("name_prefix")
            .and_then(Value::as_str)
            .unwrap_or("?");
        let keyids = keyid_list(
            succinct.get("keyids"),
            "signed.delegations.succinct_roles.keyids",
        )?;
        grants.push((format!("{prefix}-* (succinct bins)"), keyids));
    }
    Ok(listed_keys(keys, &grants))
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
fn root_beside(path: &Path, notes: &mut Vec<String>) -> Result<(PathBuf, Value), String> {
    let files = siblings(path);
    let plain = files.iter().find(|p| display_name(p) == "root.json");
    let versioned = files
        .iter()
        .filter_map(|p| {
            let name = display_name(p);
            let version: u64 = name.strip_suffix(".root.json")?.parse().ok()?;
            Some((version, p))
        })
        .max_by_key(|(version, _)| *version)
        .map(|(_, p)| p);
    let root_path = plain.or(versioned).ok_or_else(|| {
        "no root.json beside this file, so the keys that must sign it are unknown".to_owned()
    })?;
    match load(root_path) {
        Ok(loaded) if loaded.document.get("_type").and_then(Value::as_str) == Some("root") => {
            Ok((root_path.clone(), loaded.document))
        }
        Ok(_) => Err(format!("{} is not root metadata", display_name(root_path))),
        Err(e) => {
            notes.push(format!(
                "{} could not be read: {e}",
                display_name(root_path)
            ));
            Err(format!(
                "{} beside it could not be read",
                display_name(root_path)
            ))
        }
    }
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
        let (root_path, root) = root_beside(path, notes)?;
        return role_authority(&root, "targets").map(|mut a| {
            a.against = format!("the targets role's keys in {}", display_name(&root_path));
            a
        });
    }
    // A delegated role: find the file whose delegations name it.
    for sibling in siblings(path) {
        if !display_name(&sibling).ends_with(".json") {
            continue;
        }
        let Ok(loaded) = load(&sibling) else { continue };
        let Some(delegations) = loaded.document.get("delegations") else {
            continue;
        };
        let keys = match key_map(delegations.get("keys"), "signed.delegations.keys") {
            Ok(keys) => keys,
            Err(e) => {
                notes.push(format!("{} could not be read: {e}", display_name(&sibling)));
                continue;
            }
        };
        let owner = display_name(&sibling);
        let grant = delegations
            .get("roles")
            .and_then(Value::as_array)
            .and_then(|roles| {
                roles
                    .iter()
                    .find(|r| r.get("name").and_then(Value::as_str) == Some(role.as_str()))
            })
            .or_else(|| {
                let succinct = delegations.get("succinct_roles")?;
                let prefix = succinct.get("name_prefix")?.as_str()?;
                let suffix = role.strip_prefix(prefix)?.strip_prefix('-')?;
                suffix
                    .chars()
                    .all(|c| c.is_ascii_hexdigit())
                    .then_some(succinct)
            });
        if let Some(grant) = grant {
            let describe = |e: LoadError| e.to_string();
            let keyids = keyid_list(grant.get("keyids"), "keyids").map_err(describe)?;
            let threshold = threshold_of(grant.get("threshold"), "threshold").map_err(describe)?;
            return authority_from(
                &keys,
                &keyids,
                threshold,
                &format!("the delegation in {owner}"),
            )
            .map(|mut a| {
                a.against = format!("the keys {owner} delegates role {role} to");
                a
            });
        }
    }
    Err(format!(
        "no metadata beside this file delegates role \"{role}\", so the keys that must sign it are unknown"
    ))
}

fn layout_keys(layout: &Value) -> Result<Vec<ListedKey>, LoadError> {
    let keys = key_map(layout.get("keys"), "signed.keys")?;
    let grants = named_grants(layout.get("steps"), "signed.steps", "pubkeys", |name| {
        format!("step {name}")
    })?;
    Ok(listed_keys(keys, &grants))
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
    })
}

fn link_authority(path: &Path, link: &Value, notes: &mut Vec<String>) -> Result<Authority, String> {
    let step_name = link
        .get("name")
        .and_then(Value::as_str)
        .ok_or("the link has no `name`, so its step is unknown")?;
    for sibling in siblings(path) {
        if !display_name(&sibling).ends_with(".layout") {
            continue;
        }
        let layout = match load(&sibling) {
            Ok(loaded) => loaded.document,
            Err(e) => {
                notes.push(format!("{} could not be read: {e}", display_name(&sibling)));
                continue;
            }
        };
        let Some(step) = layout
            .get("steps")
            .and_then(Value::as_array)
            .and_then(|steps| {
                steps
                    .iter()
                    .find(|s| s.get("name").and_then(Value::as_str) == Some(step_name))
            })
        else {
            continue;
        };
        let describe = |e: LoadError| e.to_string();
        let keys = key_map(layout.get("keys"), "signed.keys").map_err(describe)?;
        let keyids = keyid_list(step.get("pubkeys"), "pubkeys").map_err(describe)?;
        let owner = display_name(&sibling);
        return authority_from(&keys, &keyids, 1, &format!("step {step_name} in {owner}")).map(
            |mut a| {
                a.against = format!(
                    "the functionaries of step \"{step_name}\" in {owner} (one signature per link)"
                );
                a
            },
        );
    }
    Err(format!(
        "no layout (*.layout) beside this link has a step named \"{step_name}\""
    ))
}

fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn push_field(fields: &mut Vec<(String, String)>, document: &Value, name: &str) {
    if let Some(value) = document.get(name) {
        fields.push((name.to_owned(), text_of(value)));
    }
}

fn count_field(fields: &mut Vec<(String, String)>, document: &Value, name: &str, label: &str) {
    let count = match document.get(name) {
        Some(Value::Object(map)) => map.len(),
        Some(Value::Array(list)) => list.len(),
        _ => return,
    };
    fields.push((label.to_owned(), count.to_string()));
}

fn tuf_fields(document: &Value, fields: &mut Vec<(String, String)>) {
    for name in ["spec_version", "version", "expires", "consistent_snapshot"] {
        push_field(fields, document, name);
    }
    count_field(fields, document, "targets", "targets listed");
    count_field(fields, document, "meta", "metadata files listed");
    if let Some(delegations) = document.get("delegations") {
        count_field(fields, delegations, "roles", "delegated roles");
        if let Some(succinct) = delegations.get("succinct_roles") {
            let bits = succinct
                .get("bit_length")
                .and_then(Value::as_u64)
                .unwrap_or(0);
            let bins = if bits < 64 { 1u64 << bits } else { 0 };
            fields.push(("succinct bins".into(), bins.to_string()));
        }
    }
}

fn names_of(document: &Value, list: &str) -> Option<String> {
    let items = document.get(list)?.as_array()?;
    Some(
        items
            .iter()
            .map(|i| i.get("name").and_then(Value::as_str).unwrap_or("?"))
            .collect::<Vec<_>>()
            .join(", "),
    )
}

fn layout_fields(document: &Value, fields: &mut Vec<(String, String)>) {
    push_field(fields, document, "expires");
    push_field(fields, document, "readme");
    if let Some(steps) = names_of(document, "steps") {
        fields.push(("steps".into(), steps));
    }
    if let Some(inspections) = names_of(document, "inspect") {
        fields.push(("inspections".into(), inspections));
    }
}

fn link_fields(document: &Value, fields: &mut Vec<(String, String)>) {
    push_field(fields, document, "name");
    if let Some(command) = document.get("command").and_then(Value::as_array) {
        let words: Vec<String> = command.iter().map(text_of).collect();
        fields.push(("command".into(), words.join(" ")));
    }
    count_field(fields, document, "materials", "materials");
    count_field(fields, document, "products", "products");
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
        let _ = writeln!(out, "{}", self.path.display());
        let _ = writeln!(
            out,
            "  {} in a {} envelope",
            self.kind.describe(),
            self.envelope
        );
        for (name, value) in &self.fields {
            let _ = writeln!(out, "  {name}: {value}");
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
                    "  {} {}/{} ({used})",
                    key.keyid(),
                    key.keytype(),
                    key.scheme_name()
                );
                if let Some(problem) = key.problem() {
                    let _ = write!(out, " — {problem}");
                }
                out.push('\n');
            }
        }
        match &self.signatures {
            SignatureSection::Checked { against, report } => {
                let verdict = if report.is_met() { "ok" } else { "FAILED" };
                let _ = writeln!(out, "signatures: {verdict}, {}", report.summary());
                let _ = writeln!(out, "  checked against {against}");
                for check in &report.checks {
                    let _ = writeln!(
                        out,
                        "  #{} {}: {}",
                        check.index + 1,
                        short(&check.keyid),
                        check.status
                    );
                }
                for (first, second) in &report.duplicate_keys {
                    let _ = writeln!(
                        out,
                        "  note: keyids {} and {} are the same key; it counts once",
                        short(first),
                        short(second)
                    );
                }
            }
            SignatureSection::Unchecked { why, keyids } => {
                let _ = writeln!(out, "signatures: not checked ({why})");
                for (index, keyid) in keyids.iter().enumerate() {
                    let _ = writeln!(out, "  #{} {}", index + 1, short(keyid));
                }
            }
        }
        for note in &self.notes {
            let _ = writeln!(out, "{note}");
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
