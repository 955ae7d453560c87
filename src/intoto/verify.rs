//! in-toto v1 verification in the reference order (`in_toto.verifylib.in_toto_verify`), filling
//! a [`Trace`] instead of stopping at the first error:
//!
//! layout signatures → expiry → parameter substitution → link loading → link signatures and step
//! thresholds → sublayouts → command alignment (warning) → identical artifacts when a step's
//! threshold is above 1 → step artifact rules → inspections → inspection artifact rules.
//!
//! Within a stage steps are visited in layout order, so the first failed check is the failure
//! in-toto-verify reports. Later stages still run where they can, so a replay shows everything
//! that can be known. Nothing is executed unless the caller asks ([`InspectionMode::Run`]), and
//! then only in a temporary copy of the artifacts folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::artifact_rules::{Artifacts, Recorded, RuleOutcome, apply_rules};
use super::document::{Document, DocumentError, LinkEvidence, Payload};
use super::layout::{Layout, RuleEntry};
use super::record::record_folder;
use super::rule::ArtifactRule;
use crate::checks;
use crate::crypto::{PublicKey, Signature, ThresholdReport, check_threshold};
use crate::files::{join_inside, read_bounded};
use crate::time::UtcTime;
use crate::trace::{CheckId, Failure, PathList, RuleList, RuleQueue, Subject, Trace};

/// What to do about an incomplete verdict caused by inspections that were not run.
pub const INSPECTIONS_HINT: &str = "the inspections' commands were not run, so what they check (the final product, say) is unverified: pass --run-inspections to run them in a temporary copy (in the app: Run inspections…)";

/// Largest link, layout or sublayout file read ([`crate::files::MAX_DOCUMENT`]).
pub const MAX_LINK_BYTES: u64 = crate::files::MAX_DOCUMENT;
/// Sublayouts nested deeper than this are refused (a loop of sublayouts would never end).
const MAX_SUBLAYOUT_DEPTH: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InspectionMode {
    /// Record each inspection's materials from the artifacts folder and check its material
    /// rules; `run` and the product rules are skipped (and the trace says so).
    RecordOnly,
    /// Run each inspection in a temporary copy of the artifacts folder, as in-toto-run would.
    Run { timeout: Duration },
}

#[derive(Debug, Clone)]
pub struct VerifyOptions {
    pub now: UtcTime,
    /// The layout keys, in the order given: each must have signed the layout.
    pub layout_keys: Vec<PublicKey>,
    pub link_dir: PathBuf,
    pub artifacts_dir: PathBuf,
    pub parameters: BTreeMap<String, String>,
    pub inspections: InspectionMode,
}

/// What a step's (or a sublayout's) link contributes to the rules.
#[derive(Debug, Clone, Default)]
struct LinkSummary {
    materials: Artifacts,
    products: Artifacts,
    command: Vec<String>,
}

impl LinkSummary {
    fn recorded(&self) -> Recorded<'_> {
        Recorded {
            materials: &self.materials,
            products: &self.products,
        }
    }
}

/// What was found where a step's link should be.
enum LinkFile {
    Link(LinkSummary),
    /// A sublayout: a layout stored in place of a link, its own links in a folder beside it.
    Layout(Box<Document>),
    /// A DSSE envelope of in-toto's payload type whose payload is neither a link nor a layout
    /// (an ITE-6 statement, say). in-toto loads the envelope, counts its signature toward the
    /// step's threshold, and only refuses it when it reads the payload (`get_payload`, in
    /// `verify_sublayouts`); chainscope refuses it at the same point, with in-toto's kind.
    NotALink {
        /// in-toto's exception name: `InvalidMetadata`, or `JSONDecodeError` for a payload
        /// that is not JSON.
        kind: &'static str,
        /// What the payload holds, in words.
        holds: String,
    },
}

/// A file in a link slot that in-toto's loader (`Metadata.load`) refuses: verification fails
/// there, before the step's link count.
struct Unloadable {
    /// in-toto's exception name for the same refusal.
    kind: &'static str,
    /// in-toto's message, where it has one worth repeating.
    message: Option<String>,
    /// What is wrong with the file, in chainscope's words (after the file name).
    problem: String,
}

impl Unloadable {
    fn unreadable(error: impl std::fmt::Display) -> Unloadable {
        Unloadable {
            kind: "FormatError",
            message: None,
            problem: format!("could not be read: {error}"),
        }
    }

    fn failure(self, file: &str) -> Failure {
        let described = format!("{file} {}", self.problem);
        match self.message {
            Some(message) => Failure::of_kind(self.kind, message).found(described),
            None => Failure::of_kind(self.kind, described),
        }
        .hint(format!(
            "replace or remove {file}: in-toto's loader refuses it too"
        ))
    }
}

/// One link file: read and parsed, and its signature checked against the key it is named after.
struct Fetched {
    file: Result<LinkFile, Unloadable>,
    signatures: Option<ThresholdReport>,
}

fn fetch_link(path: &Path, keyid: &str, key: Option<&PublicKey>) -> Fetched {
    let read = read_bounded(path, MAX_LINK_BYTES)
        .map_err(Unloadable::unreadable)
        .and_then(|bytes| read_link_file(&bytes));
    let (file, signatures, signed_bytes) = match read {
        Ok(read) => read,
        Err(error) => {
            return Fetched {
                file: Err(error),
                signatures: None,
            };
        }
    };
    let signatures = key.map(|key| {
        let authorized: BTreeMap<String, PublicKey> = [(keyid.to_owned(), key.clone())].into();
        check_threshold(&authorized, 1, &signatures, &signed_bytes)
    });
    Fetched {
        file: Ok(file),
        signatures,
    }
}

/// The file's content, its signatures and the bytes they cover, judged as in-toto's
/// `Metadata.load` judges a link slot: a legacy envelope must hold a link or a layout; a DSSE
/// envelope must carry in-toto's payload type, and its payload is only read later. Plain links
/// take the fast reader; everything else (and every error) goes through the [`Document`] model.
fn read_link_file(bytes: &[u8]) -> Result<(LinkFile, Vec<Signature>, Vec<u8>), Unloadable> {
    if let Some(evidence) = LinkEvidence::read(bytes) {
        let summary = LinkSummary {
            materials: evidence.materials,
            products: evidence.products,
            command: evidence.command,
        };
        return Ok((
            LinkFile::Link(summary),
            evidence.signatures,
            evidence.signed_bytes,
        ));
    }
    let document = match Document::from_bytes(bytes) {
        Ok(document) => document,
        Err(error) => return not_a_link_payload(bytes).ok_or_else(|| loader_refusal(&error)),
    };
    let signatures = document.envelope.signatures().to_vec();
    let signed_bytes = document.signed_bytes().to_vec();
    let file = match document.payload {
        Payload::Link(link) => LinkFile::Link(LinkSummary {
            materials: link.materials.unwrap_or_default().into_iter().collect(),
            products: link.products.unwrap_or_default().into_iter().collect(),
            command: link.command.unwrap_or_default(),
        }),
        Payload::Statement(statement) => match &document.envelope {
            // `Metablock.from_dict` accepts only `link` and `layout` as `signed._type`.
            crate::crypto::Envelope::Legacy { .. } => {
                return Err(Unloadable {
                    kind: "FormatError",
                    message: Some("Invalid Metadata format".to_owned()),
                    problem: format!(
                        "holds an in-toto attestation statement ({}), not a link or a layout",
                        statement.type_
                    ),
                });
            }
            crate::crypto::Envelope::Dsse { .. } => LinkFile::NotALink {
                kind: "InvalidMetadata",
                holds: format!("an in-toto attestation statement ({})", statement.type_),
            },
        },
        Payload::Layout(_) => LinkFile::Layout(Box::new(document)),
    };
    Ok((file, signatures, signed_bytes))
}

/// A DSSE envelope of in-toto's payload type whose payload is not a link or a layout: in-toto
/// loads it (and counts its signature) and refuses the payload later.
fn not_a_link_payload(bytes: &[u8]) -> Option<(LinkFile, Vec<Signature>, Vec<u8>)> {
    let envelope = crate::crypto::Envelope::from_owned(crate::cjson::parse(bytes).ok()?).ok()?;
    let crate::crypto::Envelope::Dsse {
        payload,
        payload_type,
        signatures,
    } = &envelope
    else {
        return None;
    };
    if payload_type != crate::crypto::envelope::INTOTO_PAYLOAD_TYPE {
        return None;
    }
    let (kind, holds) = match serde_json::from_slice::<serde_json::Value>(payload) {
        Err(_) => ("JSONDecodeError", "a payload that is not JSON".to_owned()),
        Ok(value) => match value.get("_type").and_then(serde_json::Value::as_str) {
            // A link or layout with a bad field: the model's own error is clearer.
            Some("link" | "layout") => return None,
            Some(other) => ("InvalidMetadata", format!("a payload of `_type` {other:?}")),
            None => ("InvalidMetadata", "a payload without `_type`".to_owned()),
        },
    };
    let signed_bytes = envelope.signed_bytes().ok()?;
    Some((
        LinkFile::NotALink { kind, holds },
        signatures.clone(),
        signed_bytes,
    ))
}

/// in-toto's exception for a file its loader refuses.
fn loader_refusal(error: &DocumentError) -> Unloadable {
    use crate::crypto::EnvelopeError;
    match error {
        // securesystemslib's `Envelope.from_dict`.
        DocumentError::Envelope(EnvelopeError::DuplicateDsseKeyid { keyid }) => Unloadable {
            kind: "ValueError",
            message: Some(format!("Multiple signatures found for keyid {keyid}")),
            problem: format!("has two DSSE signatures by keyid {keyid}"),
        },
        // `Metadata.from_dict`: neither a legacy envelope nor DSSE of in-toto's type (in-toto's
        // InvalidMetadata has no message).
        DocumentError::Envelope(EnvelopeError::NotAnEnvelope) | DocumentError::PayloadType(_) => {
            Unloadable {
                kind: "InvalidMetadata",
                message: None,
                problem: format!("is not in-toto metadata: {error}"),
            }
        }
        other => Unloadable::unreadable(other),
    }
}

/// A step or inspection after parameter substitution.
struct Plan {
    name: String,
    threshold: u64,
    pubkeys: Vec<String>,
    command: Vec<String>,
    materials: Vec<ArtifactRule>,
    products: Vec<ArtifactRule>,
}

/// Verifies the layout in `layout_file` and returns the trace. `Err` only when the layout file
/// itself cannot be read as an in-toto layout.
pub fn verify_layout_file(layout_file: &Path, options: &VerifyOptions) -> Result<Trace, String> {
    let bytes = read_bounded(layout_file, MAX_LINK_BYTES)
        .map_err(|e| format!("{e} (file {})", layout_file.display()))?;
    let document = Document::from_bytes(&bytes)
        .map_err(|e| format!("{e} (file {})", layout_file.display()))?;
    if !matches!(document.payload, Payload::Layout(_)) {
        return Err(format!(
            "{} holds an in-toto {}, not a layout",
            layout_file.display(),
            document.payload.kind()
        ));
    }
    let mut trace = Trace::new(layout_file.display().to_string());
    let keys: Vec<(String, PublicKey)> = options
        .layout_keys
        .iter()
        .map(|k| (k.keyid().to_owned(), k.clone()))
        .collect();
    let layout_name = layout_file.file_name().map_or_else(
        || layout_file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let level = Level {
        layout_name: &layout_name,
        layout_keys: &keys,
        link_dir: &options.link_dir,
        parameters: &options.parameters,
        depth: 0,
    };
    verify_document(&document, &level, options, &mut trace);
    Ok(trace)
}

/// in-toto-golang's certificate fields a layout carries (`rootcas`, `intermediatecas`, and
/// `cert_constraints` on steps), named; `None` when it has none.
pub fn certificate_fields(layout: &Layout) -> Option<String> {
    let mut fields: Vec<String> = ["rootcas", "intermediatecas"]
        .into_iter()
        .filter(|name| layout.unknown.contains_key(*name))
        .map(str::to_owned)
        .collect();
    let steps: Vec<&str> = layout
        .steps()
        .iter()
        .filter(|step| step.unknown.contains_key("cert_constraints"))
        .map(|step| step.name.as_str())
        .collect();
    if !steps.is_empty() {
        fields.push(format!("cert_constraints of {}", steps.join(", ")));
    }
    (!fields.is_empty()).then(|| fields.join("; "))
}

/// The first few names joined, and how many more there are (a rule may catch thousands).
fn some_names(names: &[String]) -> String {
    let shown: Vec<&str> = names.iter().take(10).map(String::as_str).collect();
    match names.len().saturating_sub(shown.len()) {
        0 => shown.join(", "),
        more => format!(
            "{} … and {} more",
            shown.join(", "),
            crate::shown::thousands(more as u64)
        ),
    }
}

/// Why `key` cannot verify anything, when its scheme is one chainscope does not support.
fn unsupported(key: &PublicKey) -> Option<String> {
    match key.problem()? {
        crate::crypto::VerifyFailure::UnsupportedKey(reason) => Some(reason),
        _ => None,
    }
}

/// `(link file keyid, verifying layout keyid)` for a step's keyids, as in-toto's
/// `load_links_for_layout` and `verify_link_signature_thresholds` pair them: each keyid with
/// its own key, then the GPG subkeys of that key; a keyid that is itself a subkey of a layout
/// key is verified by that key.
fn link_slots(layout: &Layout, pubkeys: &[String]) -> Vec<(String, String)> {
    let subkeys_of = |keyid: &str| -> Vec<String> {
        layout
            .keys()
            .get(keyid)
            .and_then(|key| key.to_dict().get("subkeys"))
            .and_then(serde_json::Value::as_object)
            .map(|subkeys| subkeys.keys().cloned().collect())
            .unwrap_or_default()
    };
    let mut slots = Vec::new();
    for keyid in pubkeys {
        if layout.keys().contains_key(keyid) {
            slots.push((keyid.clone(), keyid.clone()));
            for subkey in subkeys_of(keyid) {
                slots.push((subkey, keyid.clone()));
            }
        } else {
            let main = layout
                .keys()
                .keys()
                .find(|main| subkeys_of(main).contains(keyid))
                .cloned();
            slots.push((keyid.clone(), main.unwrap_or_else(|| keyid.clone())));
        }
    }
    slots
}

/// securesystemslib's `KeyExpirationError` text, when the GPG (sub)key that made a signature
/// by `signer` had expired by `now`.
fn gpg_expiry(key: &PublicKey, signer: &str, now: UtcTime) -> Option<String> {
    let gpg = key.gpg()?;
    let until = gpg.expired(signer, now.unix())?;
    let signing = if gpg.subkeys.contains_key(&signer.to_ascii_lowercase()) {
        &gpg.subkeys[&signer.to_ascii_lowercase()]
    } else {
        gpg
    };
    let created = signing.creation_time.unwrap_or_default() as i64;
    let date = |seconds: i64| {
        let text = UtcTime::from_unix(seconds)
            .to_string()
            .replacen('T', " ", 1);
        text.get(..16).unwrap_or(&text).to_owned()
    };
    Some(format!(
        "GPG key '{}' created on '{} UTC' with validity period '{}' expired on '{} UTC'.",
        signing.keyid,
        date(created),
        python_timedelta(until - created),
        date(until)
    ))
}

/// Python's `str(timedelta(seconds=…))`: `D day(s), H:MM:SS`.
fn python_timedelta(seconds: i64) -> String {
    let (days, rest) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    let clock = format!("{}:{:02}:{:02}", rest / 3600, rest % 3600 / 60, rest % 60);
    match days {
        0 => clock,
        1 => format!("1 day, {clock}"),
        n => format!("{n} days, {clock}"),
    }
}

/// Where in a (sub)layout tree a layout is verified.
struct Level<'a> {
    /// The layout's file name, for messages and hints.
    layout_name: &'a str,
    /// Each must have signed the layout.
    layout_keys: &'a [(String, PublicKey)],
    link_dir: &'a Path,
    /// Substitution parameters: the caller's for the top layout; none for a sublayout, as
    /// in-toto's recursive `in_toto_verify` passes none down.
    parameters: &'a BTreeMap<String, String>,
    depth: usize,
}

fn rule_subject(owner: &str, list: RuleList, index: usize) -> Subject {
    Subject::Rule {
        owner: owner.to_owned(),
        list,
        index,
    }
}

fn link_file_name(step: &str, keyid: &str) -> String {
    format!("{step}.{}.link", keyid.get(..8).unwrap_or(keyid))
}

/// Python's `repr` of a list of strings, as in-toto's messages print commands.
fn py_argv(argv: &[String]) -> String {
    super::artifact_rules::py_list(argv)
}

/// What every phase of one (sub)layout's verification reads.
struct Scope<'a> {
    document: &'a Document,
    layout: &'a Layout,
    level: &'a Level<'a>,
    options: &'a VerifyOptions,
}

/// Per step, `(link file keyid, verifying layout keyid)` (see [`link_slots`]).
type Slots<'p> = BTreeMap<&'p str, Vec<(String, String)>>;
/// Per step, the link files found: `(file keyid, file name, content)`.
type LoadedLinks = BTreeMap<String, Vec<(String, String, LinkFile)>>;
/// Per `(step, file keyid)`, the link's signature check.
type SignatureReports = BTreeMap<(String, String), ThresholdReport>;
/// Per step, what each of its links (or sublayouts) recorded, by file name.
type Summaries = BTreeMap<String, Vec<(String, LinkSummary)>>;

/// Verifies one layout document, one function per phase of in-toto-verify; returns the
/// summary link a superlayout uses, if it passed.
fn verify_document(
    document: &Document,
    level: &Level<'_>,
    options: &VerifyOptions,
    trace: &mut Trace,
) -> Option<LinkSummary> {
    let Payload::Layout(layout) = &document.payload else {
        return None;
    };
    let scope = Scope {
        document,
        layout,
        level,
        options,
    };
    let failures_before = trace.checks.iter().filter(|c| c.failed()).count();
    check_layout_signatures(&scope, trace);
    check_layout_expiry(&scope, trace);
    note_certificate_fields(&scope, trace);
    let (steps, inspections) = substitute_parameters(&scope, trace)?;
    let (slots, loaded, reports) = load_links(&scope, &steps, trace);
    let verified = check_link_signatures(&scope, &steps, &slots, loaded, reports, trace);
    let summaries = verify_sublayouts(&scope, &steps, verified, trace);
    check_commands(&steps, &summaries, trace);
    check_agreement(&steps, &summaries, trace);
    let reduced = check_step_rules(&steps, &summaries, trace);
    // 10 and 11. Inspections, then their rules against steps and earlier inspections.
    run_inspections(&inspections, options, &reduced, trace);

    let failed = trace.checks.iter().filter(|c| c.failed()).count() > failures_before;
    if failed {
        return None;
    }
    let first = steps.first().and_then(|s| reduced.get(&s.name));
    let last = steps.last().and_then(|s| reduced.get(&s.name));
    Some(LinkSummary {
        materials: first.map(|l| l.materials.clone()).unwrap_or_default(),
        products: last.map(|l| l.products.clone()).unwrap_or_default(),
        command: last.map(|l| l.command.clone()).unwrap_or_default(),
    })
}

/// Phase 1: every given layout key must have signed the layout (no threshold).
fn check_layout_signatures(scope: &Scope<'_>, trace: &mut Trace) {
    let (document, layout, options) = (scope.document, scope.layout, scope.options);
    let Level {
        layout_name,
        layout_keys,
        ..
    } = *scope.level;
    if layout_keys.is_empty() {
        trace.fail(
            checks::INTOTO_LAYOUT_SIGNATURES,
            Subject::Layout,
            "layout signed by every layout key",
            Failure::of_kind(
                "SignatureVerificationError",
                "Layout signature verification requires at least one key.",
            )
            .hint("pass the layout owner's public key with --layout-keys"),
        );
    }
    for (keyid, key) in layout_keys {
        let subject = Subject::Key {
            keyid: keyid.clone(),
        };
        let title = "layout signed by this layout key";
        // in-toto checks the first signature by this key or, for a GPG key, by one of its
        // subkeys.
        let signatures: Vec<_> = document
            .envelope
            .signatures()
            .iter()
            .filter(|s| &s.keyid == keyid || key.gpg().is_some_and(|gpg| gpg.covers(&s.keyid)))
            .take(1)
            .cloned()
            .collect();
        if signatures.is_empty() {
            let present: Vec<&str> = document
                .envelope
                .signatures()
                .iter()
                .map(|s| s.keyid.as_str())
                .collect();
            trace.fail(
                checks::INTOTO_LAYOUT_SIGNATURES,
                subject,
                title,
                Failure::of_kind(
                    "SignatureVerificationError",
                    format!("No signature found for key '{keyid}'"),
                )
                .expected(format!("a signature by keyid {keyid}"))
                .found(if present.is_empty() {
                    "no signatures".to_owned()
                } else {
                    format!("signatures by {}", present.join(", "))
                })
                .hint(format!(
                    "sign {layout_name} with key {keyid}, or pass the key that did sign it"
                )),
            );
            continue;
        }
        if let Some(expired) = gpg_expiry(key, &signatures[0].keyid, options.now) {
            // securesystemslib refuses an expired GPG key before it checks the signature.
            trace.fail(
                checks::INTOTO_LAYOUT_SIGNATURES,
                subject,
                title,
                Failure::of_kind("KeyExpirationError", expired).hint(format!(
                    "the GPG key {keyid} expired: the layout owner must extend it (gpg --quick-set-expire) or sign {layout_name} with a current key"
                )),
            );
            continue;
        }
        if layout.expires.is_none()
            && matches!(document.envelope, crate::crypto::Envelope::Legacy { .. })
        {
            // in-toto checks a legacy layout's signature over the layout as it re-reads it, and
            // re-reading fills in the `expires` it lacks: no signature can match that.
            trace.fail(checks::INTOTO_LAYOUT_SIGNATURES, subject, title,
                Failure::of_kind("SignatureVerificationError", format!("Invalid signature for keyid '{keyid}'"))
                    .found("a legacy {signed, signatures} layout without `expires`: in-toto verifies the signature over the layout as it re-reads it, with the `expires` it fills in (a month from now), so no signature made over this layout matches")
                    .hint(format!("add `expires` to {layout_name} and sign it again with key {keyid}, or sign it as DSSE (whose signature covers the payload bytes as they are)")));
            continue;
        }
        let authorized: BTreeMap<String, PublicKey> = [(keyid.clone(), key.clone())].into();
        let report = check_threshold(&authorized, 1, &signatures, document.signed_bytes());
        if report.is_met() {
            trace.pass(checks::INTOTO_LAYOUT_SIGNATURES, subject, title);
        } else {
            let why = report
                .checks
                .first()
                .map(|c| c.status.to_string())
                .unwrap_or_default();
            let mut failure = Failure::of_kind("SignatureVerificationError", format!("Invalid signature for keyid '{keyid}'"))
                .found(why)
                .hint(format!("{layout_name} changed after key {keyid} signed it, or that signature was made with another key"));
            if let Some(reason) = unsupported(key) {
                failure = failure.cannot_verify(reason);
            }
            trace.fail(checks::INTOTO_LAYOUT_SIGNATURES, subject, title, failure);
        }
    }
}

/// Phase 2: the layout is not expired.
fn check_layout_expiry(scope: &Scope<'_>, trace: &mut Trace) {
    let (layout, options, layout_name) = (scope.layout, scope.options, scope.level.layout_name);
    // 2. Expiry: expired once `expires <= now`. Without `expires` in-toto fills in a month
    // from the moment it loads the layout, so it never expires: a warning, never a failure.
    match &layout.expires {
        None => {
            trace.warn(
                checks::INTOTO_LAYOUT_EXPIRY,
                Subject::Layout,
                "layout not expired",
                format!("{layout_name} has no `expires`: in-toto treats it as expiring a month after it is read, so it never expires; the layout owner should set one"),
            );
        }
        Some(expires) if expires.is_expired(options.now) => {
            trace.fail(
                checks::INTOTO_LAYOUT_EXPIRY,
                Subject::Layout,
                "layout not expired",
                Failure::of_kind("LayoutExpiredError", "Layout expired")
                    .expected(format!("expires after {}", options.now))
                    .found(format!("expires {expires}"))
                    .hint(format!(
                        "the layout owner must re-issue {layout_name} with a later `expires`"
                    )),
            );
        }
        Some(expires) => {
            trace
                .pass(
                    checks::INTOTO_LAYOUT_EXPIRY,
                    Subject::Layout,
                    "layout not expired",
                )
                .add_evidence("expires", expires.to_string());
        }
    }
}

/// in-toto-golang's certificate fields, kept and signed over but not evaluated: said so.
fn note_certificate_fields(scope: &Scope<'_>, trace: &mut Trace) {
    let (layout, layout_name) = (scope.layout, scope.level.layout_name);
    // in-toto-golang's certificate fields are covered by the signature (checked above over the
    // layout as written), but chainscope does not evaluate them: functionaries count only by
    // their keys here.
    if let Some(fields) = certificate_fields(layout) {
        trace.warn(
            checks::INTOTO_LAYOUT_CERTIFICATES,
            Subject::Layout,
            "certificate constraints evaluated",
            format!("{layout_name} carries in-toto-golang's certificate fields ({fields}), which chainscope does not evaluate: a link counts only when signed by one of its step's keys, never by a certificate"),
        );
    }
}

/// Phase 3: parameter substitution; the steps and inspections as they are then checked.
fn substitute_parameters(scope: &Scope<'_>, trace: &mut Trace) -> Option<(Vec<Plan>, Vec<Plan>)> {
    let (layout, parameters) = (scope.layout, scope.level.parameters);
    // 3. Parameter substitution.
    let (steps, inspections) = match plan(layout, parameters) {
        Ok(plans) => {
            if !parameters.is_empty() {
                trace
                    .pass(
                        checks::INTOTO_LAYOUT_PARAMETERS,
                        Subject::Layout,
                        "parameters substituted",
                    )
                    .add_evidence(
                        "parameters",
                        parameters.keys().cloned().collect::<Vec<_>>().join(", "),
                    );
            }
            plans
        }
        Err(failure) => {
            trace.fail(
                checks::INTOTO_LAYOUT_PARAMETERS,
                Subject::Layout,
                "parameters substituted",
                *failure,
            );
            return None;
        }
    };
    Some((steps, inspections))
}

/// Phase 4: the link files of each step, read and signature-checked on every core.
fn load_links<'p>(
    scope: &Scope<'_>,
    steps: &'p [Plan],
    trace: &mut Trace,
) -> (Slots<'p>, LoadedLinks, SignatureReports) {
    let (layout, link_dir) = (scope.layout, scope.level.link_dir);
    // 4. Link loading: the files `<step>.<keyid8>.link` of the authorized keyids. Reading,
    // parsing and the signature check are independent per file, so they run on every core
    // first; the checks are then recorded in the reference's order.
    // A slot is a link file's keyid and the layout key that verifies it: the step's keyids,
    // and the GPG subkeys of their keys (in-toto-run names a link after the subkey it signed
    // with), as in-toto's `load_links_for_layout` looks for them.
    let slots: BTreeMap<&str, Vec<(String, String)>> = steps
        .iter()
        .map(|step| (step.name.as_str(), link_slots(layout, &step.pubkeys)))
        .collect();
    let jobs: Vec<(&str, &str, &str, PathBuf)> = steps
        .iter()
        .flat_map(|step| {
            slots[step.name.as_str()]
                .iter()
                .filter_map(move |(file_keyid, verifier)| {
                    let path =
                        join_inside(link_dir, &link_file_name(&step.name, file_keyid)).ok()?;
                    Some((
                        step.name.as_str(),
                        file_keyid.as_str(),
                        verifier.as_str(),
                        path,
                    ))
                })
        })
        .filter(|(_, _, _, path)| path.is_file())
        .collect();
    let mut prefetched: BTreeMap<(String, String), Fetched> = jobs
        .iter()
        .zip(crate::parallel::map(&jobs, |(_, _, verifier, path)| {
            // Signatures are found by the key's own `keyid` field, as in-toto finds them.
            let own = layout.own_keyid(verifier).unwrap_or(verifier);
            fetch_link(path, own, layout.keys().get(*verifier))
        }))
        .map(|((step, keyid, _, _), fetched)| (((*step).to_owned(), (*keyid).to_owned()), fetched))
        .collect();
    let mut signature_reports: BTreeMap<(String, String), ThresholdReport> = BTreeMap::new();
    let mut loaded: BTreeMap<String, Vec<(String, String, LinkFile)>> = BTreeMap::new();
    for step in steps {
        let subject = Subject::Step {
            name: step.name.clone(),
        };
        let mut found = Vec::new();
        let mut expected_files = Vec::new();
        let mut broken = None;
        for (keyid, _) in &slots[step.name.as_str()] {
            let file = link_file_name(&step.name, keyid);
            if let Err(unsafe_path) = join_inside(link_dir, &file) {
                // in-toto would read wherever the name points; the layout names files, and
                // verification reads nothing outside the link folder.
                broken = Some((file, Unloadable::unreadable(unsafe_path)));
                continue;
            }
            expected_files.push(file.clone());
            let Some(fetched) = prefetched.remove(&(step.name.clone(), keyid.clone())) else {
                continue;
            };
            match fetched.file {
                Ok(document) => {
                    if let Some(report) = fetched.signatures {
                        signature_reports.insert((step.name.clone(), keyid.clone()), report);
                    }
                    found.push((keyid.clone(), file, document));
                }
                Err(error) => broken = Some((file, error)),
            }
        }
        if let Some((file, refusal)) = broken {
            trace.fail(
                checks::INTOTO_STEP_LINKS,
                subject.clone(),
                "link files found",
                refusal.failure(&file),
            );
        }
        let title = "link files found";
        if (found.len() as u64) < step.threshold {
            trace.fail(
                checks::INTOTO_STEP_LINKS,
                subject,
                title,
                Failure::of_kind(
                    "LinkNotFoundError",
                    format!(
                        "Step '{}' requires '{}' link metadata file(s), found '{}'.",
                        step.name,
                        step.threshold,
                        found.len()
                    ),
                )
                .expected(format!(
                    "{} of: {}",
                    step.threshold,
                    expected_files.join(", ")
                ))
                .found(if found.is_empty() {
                    "none".to_owned()
                } else {
                    found
                        .iter()
                        .map(|f| f.1.clone())
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .hint(format!(
                    "put {} in {}",
                    expected_files.join(" or "),
                    link_dir.display()
                )),
            );
        } else {
            trace
                .pass(checks::INTOTO_STEP_LINKS, subject, title)
                .add_evidence(
                    "files",
                    found
                        .iter()
                        .map(|f| f.1.clone())
                        .collect::<Vec<_>>()
                        .join(", "),
                );
        }
        loaded.insert(step.name.clone(), found);
    }
    (slots, loaded, signature_reports)
}

/// Phase 5: links validly signed by enough distinct functionaries, per step.
fn check_link_signatures(
    scope: &Scope<'_>,
    steps: &[Plan],
    slots: &Slots<'_>,
    mut loaded: LoadedLinks,
    mut signature_reports: SignatureReports,
    trace: &mut Trace,
) -> LoadedLinks {
    let (layout, options) = (scope.layout, scope.options);
    // 5. Link signatures and step thresholds (distinct keys, stricter than in-toto's keyids).
    let mut verified: BTreeMap<String, Vec<(String, String, LinkFile)>> = BTreeMap::new();
    for step in steps {
        let subject = Subject::Step {
            name: step.name.clone(),
        };
        let mut good = Vec::new();
        let mut counted: Vec<Vec<u8>> = Vec::new();
        let mut rejected = Vec::new();
        let mut cannot_verify = None;
        for (keyid, file, link) in loaded.remove(&step.name).unwrap_or_default() {
            let verifier = slots[step.name.as_str()]
                .iter()
                .find(|(file_keyid, _)| *file_keyid == keyid)
                .map_or(keyid.as_str(), |(_, verifier)| verifier.as_str());
            let Some(key) = layout.keys().get(verifier) else {
                rejected.push(format!(
                    "{file}: keyid {keyid} is listed for the step but not among the layout keys"
                ));
                continue;
            };
            let Some(report) = signature_reports.remove(&(step.name.clone(), keyid.clone())) else {
                continue;
            };
            if !report.is_met() {
                cannot_verify = cannot_verify.or_else(|| unsupported(key));
                let own = layout.own_keyid(verifier).unwrap_or(verifier);
                let why = report.checks.iter().find(|c| c.keyid == own).map_or_else(
                    || format!("no signature by {own}"),
                    |c| c.status.to_string(),
                );
                rejected.push(format!("{file}: {why}"));
                continue;
            }
            // An expired GPG key's links are skipped, as in-toto skips them
            // (`KeyExpirationError`).
            if let Some(expired) = report
                .counted()
                .first()
                .and_then(|signer| gpg_expiry(key, signer, options.now))
            {
                rejected.push(format!("{file}: {expired}"));
                continue;
            }
            let fingerprint = key.fingerprint().unwrap_or_default();
            if !counted.contains(&fingerprint) {
                counted.push(fingerprint);
            }
            good.push((keyid, file, link));
        }
        let title = "links validly signed by enough distinct functionaries";
        if (counted.len() as u64) < step.threshold {
            let mut failure = Failure::of_kind("ThresholdVerificationError", format!(
                "Step '{}' requires at least '{}' links validly signed by different authorized functionaries. Only found '{}'",
                step.name, step.threshold, counted.len()))
                .expected(format!("{} distinct functionaries among keyids {}", step.threshold, step.pubkeys.join(", ")))
                .hint(format!("each link must be signed, after its last change, by one of the step's keys: {}", step.pubkeys.join(", ")));
            if !rejected.is_empty() {
                failure = failure.found(rejected.join("; "));
            }
            if let Some(reason) = cannot_verify {
                failure = failure.cannot_verify(reason);
            }
            trace.fail(checks::INTOTO_STEP_SIGNATURES, subject, title, failure);
        } else {
            let check = trace.pass(checks::INTOTO_STEP_SIGNATURES, subject, title);
            check.add_evidence(
                "signed",
                format!("{} of {} required", counted.len(), step.threshold),
            );
            if !rejected.is_empty() {
                check.add_evidence("ignored", rejected.join("; "));
            }
        }
        verified.insert(step.name.clone(), good);
    }
    verified
}

/// Phase 6: sublayouts verified in turn; every step's links as summaries.
fn verify_sublayouts(
    scope: &Scope<'_>,
    steps: &[Plan],
    mut verified: LoadedLinks,
    trace: &mut Trace,
) -> Summaries {
    let (layout, options) = (scope.layout, scope.options);
    let Level {
        link_dir, depth, ..
    } = *scope.level;
    // 6. Sublayouts: a layout stored where a link would be, its links in `<step>.<keyid8>/`.
    let mut summaries: BTreeMap<String, Vec<(String, LinkSummary)>> = BTreeMap::new();
    for step in steps {
        let mut step_summaries = Vec::new();
        for (keyid, file, document) in verified.remove(&step.name).unwrap_or_default() {
            let document = match document {
                LinkFile::Link(summary) => {
                    step_summaries.push((file, summary));
                    continue;
                }
                LinkFile::NotALink { kind, holds } => {
                    trace.fail(
                        checks::INTOTO_STEP_PAYLOAD,
                        Subject::Step {
                            name: step.name.clone(),
                        },
                        "each link file holds a link or a layout",
                        Failure::of_kind(kind, format!("{file} holds {holds}, not a link or a layout"))
                            .expected("an in-toto link (or a sublayout) in the DSSE payload")
                            .found(holds)
                            .hint(format!(
                                "replace {file} with the step's link: only links and sublayouts satisfy step '{}', and an attestation is not a link even when the step's functionary signed it",
                                step.name
                            )),
                    );
                    continue;
                }
                LinkFile::Layout(document) => document,
            };
            let subject = Subject::Step {
                name: step.name.clone(),
            };
            if depth >= MAX_SUBLAYOUT_DEPTH {
                trace.fail(
                    checks::INTOTO_SUBLAYOUT,
                    subject,
                    "sublayout verified",
                    Failure::of_kind(
                        "FormatError",
                        format!("sublayouts nested deeper than {MAX_SUBLAYOUT_DEPTH} levels"),
                    ),
                );
                continue;
            }
            let sub_dir = link_dir.join(format!(
                "{}.{}",
                step.name,
                keyid.get(..8).unwrap_or(&keyid)
            ));
            let key = layout.keys()[&keyid].clone();
            let first_inner = trace.checks.len();
            let no_parameters = BTreeMap::new();
            let sublevel = Level {
                layout_name: &file,
                layout_keys: &[(layout.own_keyid(&keyid).unwrap_or(&keyid).to_owned(), key)],
                link_dir: &sub_dir,
                parameters: &no_parameters,
                depth: depth + 1,
            };
            let outcome = verify_document(&document, &sublevel, options, trace);
            for check in &mut trace.checks[first_inner..] {
                check.title = format!("[sublayout {file}] {}", check.title);
            }
            match outcome {
                Some(summary) => {
                    trace
                        .pass(checks::INTOTO_SUBLAYOUT, subject, "sublayout verified")
                        .add_evidence("links", sub_dir.display().to_string());
                    step_summaries.push((file, summary));
                }
                None => {
                    trace.fail(
                        checks::INTOTO_SUBLAYOUT,
                        subject,
                        "sublayout verified",
                        Failure::new(format!(
                            "the sublayout {file} did not verify (see the checks above)"
                        )),
                    );
                }
            }
        }
        summaries.insert(step.name.clone(), step_summaries);
    }
    summaries
}

/// Phase 7: command alignment (a difference only warns).
fn check_commands(steps: &[Plan], summaries: &Summaries, trace: &mut Trace) {
    // 7. Command alignment: a difference is only a warning.
    for step in steps {
        for (file, summary) in summaries.get(&step.name).into_iter().flatten() {
            let subject = Subject::Step {
                name: step.name.clone(),
            };
            if summary.command != step.command {
                trace
                    .warn(
                        checks::INTOTO_STEP_COMMAND,
                        subject,
                        "command as expected",
                        format!(
                            "Run command '{}' differs from expected command '{}'",
                            py_argv(&summary.command),
                            py_argv(&step.command)
                        ),
                    )
                    .add_evidence("link", file.clone());
            } else {
                trace
                    .pass(checks::INTOTO_STEP_COMMAND, subject, "command as expected")
                    .add_evidence("link", file.clone());
            }
        }
    }
}

/// Phase 8: with a threshold above 1, every link of a step records the same artifacts.
fn check_agreement(steps: &[Plan], summaries: &Summaries, trace: &mut Trace) {
    // 8. With a threshold above 1, every link of the step must record the same artifacts.
    for step in steps {
        if step.threshold <= 1 {
            continue;
        }
        let links = summaries
            .get(&step.name)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let Some((reference_file, reference)) = links.first() else {
            continue;
        };
        let subject = Subject::Step {
            name: step.name.clone(),
        };
        match links
            .iter()
            .find(|(_, l)| l.materials != reference.materials || l.products != reference.products)
        {
            Some((other_file, _)) => {
                trace.fail(
                    checks::INTOTO_STEP_AGREEMENT,
                    subject,
                    "links of the step record the same artifacts",
                    Failure::of_kind(
                        "ThresholdVerificationError",
                        format!(
                            "Links '{reference_file}' and '{other_file}' have different artifacts!"
                        ),
                    )
                    .hint(format!(
                        "compare the materials and products of {reference_file} and {other_file}"
                    )),
                );
            }
            None => {
                trace.pass(
                    checks::INTOTO_STEP_AGREEMENT,
                    subject,
                    "links of the step record the same artifacts",
                );
            }
        }
    }
}

/// Phase 9: each step's artifact rules, against its first verified link; returns those links.
fn check_step_rules<'s>(
    steps: &[Plan],
    summaries: &'s Summaries,
    trace: &mut Trace,
) -> BTreeMap<String, &'s LinkSummary> {
    // 9. Step artifact rules, against the first verified link of each step.
    let reduced: BTreeMap<String, &LinkSummary> = summaries
        .iter()
        .filter_map(|(name, links)| links.first().map(|(_, l)| (name.clone(), l)))
        .collect();
    let recorded: BTreeMap<String, Recorded<'_>> = reduced
        .iter()
        .map(|(name, l)| (name.clone(), l.recorded()))
        .collect();
    // Each step's rules only read the recorded artifacts, so they are applied on every core
    // and recorded in layout order.
    let outcomes = crate::parallel::map(steps, |step| {
        recorded.get(&step.name).map(|own| {
            [
                (RuleList::ExpectedMaterials, &step.materials),
                (RuleList::ExpectedProducts, &step.products),
            ]
            .map(|(list, rules)| (list, apply_rules(rules, list, *own, &recorded)))
        })
    });
    for (step, lists) in steps.iter().zip(outcomes) {
        match lists {
            Some(lists) => {
                for (list, outcomes) in lists {
                    record_rule_outcomes(
                        trace,
                        checks::INTOTO_STEP_RULE,
                        &step.name,
                        list,
                        outcomes,
                    );
                }
            }
            None => {
                trace.skip(
                    checks::INTOTO_STEP_RULE,
                    Subject::Step {
                        name: step.name.clone(),
                    },
                    "artifact rules",
                    "no verified link for this step",
                );
            }
        }
    }
    reduced
}

fn rule_checks(
    trace: &mut Trace,
    id: CheckId,
    owner: &str,
    list: RuleList,
    rules: &[ArtifactRule],
    own: Recorded<'_>,
    links: &BTreeMap<String, Recorded<'_>>,
) {
    let outcomes = apply_rules(rules, list, own, links);
    record_rule_outcomes(trace, id, owner, list, outcomes);
}

pub(crate) fn record_rule_outcomes(
    trace: &mut Trace,
    id: CheckId,
    owner: &str,
    list: RuleList,
    outcomes: Vec<RuleOutcome<'_>>,
) {
    for outcome in outcomes {
        let subject = rule_subject(owner, list, outcome.index);
        let title = format!("{} rule '{}'", list.field_name(), outcome.rule);
        let check = match &outcome.failure {
            Some(failure) => {
                let hint = match &outcome.rule {
                    ArtifactRule::Disallow(pattern) => format!(
                        "an earlier rule must account for {} before 'DISALLOW {pattern}', or {owner} must not {} it",
                        some_names(failure.artifacts()),
                        if list == RuleList::ExpectedMaterials {
                            "use"
                        } else {
                            "produce"
                        }
                    ),
                    ArtifactRule::Require(name) => {
                        format!("the step must record {name}, and no earlier rule may consume it")
                    }
                    _ => String::new(),
                };
                trace.fail(
                    id,
                    subject,
                    &title,
                    Failure::of_kind("RuleVerificationError", failure.message())
                        .artifacts(failure.artifacts().to_vec())
                        .hint(hint),
                )
            }
            None => trace.pass(id, subject, &title),
        };
        check.set_queue(RuleQueue {
            before: PathList::from_paths(&outcome.queue_before),
            consumed: PathList::from_paths(&outcome.consumed),
        });
    }
}

fn run_inspections(
    inspections: &[Plan],
    options: &VerifyOptions,
    steps: &BTreeMap<String, &LinkSummary>,
    trace: &mut Trace,
) {
    if inspections.is_empty() {
        return;
    }
    // Inspections run one after another in one scratch copy, as in-toto runs them in one folder.
    let scratch = match &options.inspections {
        InspectionMode::RecordOnly => None,
        InspectionMode::Run { timeout } => {
            match scratch_copy(&options.artifacts_dir, std::time::Instant::now() + *timeout) {
                Ok(dir) => Some(dir),
                Err(error) => {
                    trace.fail(
                        checks::INTOTO_INSPECTION_RUN,
                        Subject::Layout,
                        "scratch copy for inspections",
                        Failure::new(format!(
                            "cannot copy {} to a temporary folder: {error}",
                            options.artifacts_dir.display()
                        )),
                    );
                    return;
                }
            }
        }
    };
    // First every inspection runs (or is recorded only), one after another.
    let mut inspection_links: BTreeMap<String, LinkSummary> = BTreeMap::new();
    let mut ran: BTreeMap<String, bool> = BTreeMap::new();
    for inspection in inspections {
        let subject = Subject::Inspection {
            name: inspection.name.clone(),
        };
        let folder = scratch
            .as_ref()
            .map_or(options.artifacts_dir.as_path(), |d| d.path());
        let materials = match record_folder(folder) {
            Ok(materials) => materials,
            Err(error) => {
                trace.fail(
                    checks::INTOTO_INSPECTION_RECORD,
                    subject,
                    "materials recorded",
                    Failure::new(crate::report::chain(&error)),
                );
                continue;
            }
        };
        let products = match (&options.inspections, &scratch) {
            (InspectionMode::Run { timeout }, Some(dir)) => {
                match run_command(&inspection.command, dir.path(), *timeout) {
                    Ok(0) => {
                        trace
                            .pass(
                                checks::INTOTO_INSPECTION_RUN,
                                subject.clone(),
                                "inspection command exits 0",
                            )
                            .add_evidence("command", inspection.command.join(" "));
                    }
                    Ok(code) => {
                        trace.fail(
                            checks::INTOTO_INSPECTION_RUN,
                            subject.clone(),
                            "inspection command exits 0",
                            Failure::of_kind(
                                "BadReturnValueError",
                                format!(
                                    "Got non-zero return value '{code}' from command '{}'.",
                                    py_argv(&inspection.command)
                                ),
                            )
                            .hint(format!(
                                "run `{}` in the artifacts folder to see why it fails",
                                inspection.command.join(" ")
                            )),
                        );
                    }
                    Err(error) => {
                        trace.fail(
                            checks::INTOTO_INSPECTION_RUN,
                            subject.clone(),
                            "inspection command exits 0",
                            Failure::of_kind("BadReturnValueError", error),
                        );
                    }
                }
                match record_folder(dir.path()) {
                    Ok(products) => Some(products),
                    Err(error) => {
                        trace.fail(
                            checks::INTOTO_INSPECTION_RECORD,
                            subject.clone(),
                            "products recorded",
                            Failure::new(crate::report::chain(&error)),
                        );
                        None
                    }
                }
            }
            _ => {
                trace.skip(
                    checks::INTOTO_INSPECTION_RUN,
                    subject.clone(),
                    "inspection command exits 0",
                    format!(
                        "not run without --run-inspections (would run `{}`)",
                        inspection.command.join(" ")
                    ),
                );
                None
            }
        };
        ran.insert(inspection.name.clone(), products.is_some());
        inspection_links.insert(
            inspection.name.clone(),
            LinkSummary {
                materials,
                products: products.unwrap_or_default(),
                command: inspection.command.clone(),
            },
        );
    }

    // Then every inspection's rules, against the steps and every inspection (in-toto runs all
    // inspections before it checks any of their rules, so one may MATCH a later one).
    let combined: BTreeMap<String, Recorded<'_>> = steps
        .iter()
        .map(|(name, l)| (name.clone(), l.recorded()))
        .chain(
            inspection_links
                .iter()
                .map(|(name, l)| (name.clone(), l.recorded())),
        )
        .collect();
    for inspection in inspections {
        let Some(own) = inspection_links
            .get(&inspection.name)
            .map(LinkSummary::recorded)
        else {
            // Its materials could not be recorded (a failed check above).
            continue;
        };
        rule_checks(
            trace,
            checks::INTOTO_INSPECTION_RULE,
            &inspection.name,
            RuleList::ExpectedMaterials,
            &inspection.materials,
            own,
            &combined,
        );
        if ran.get(&inspection.name).copied().unwrap_or(false) {
            rule_checks(
                trace,
                checks::INTOTO_INSPECTION_RULE,
                &inspection.name,
                RuleList::ExpectedProducts,
                &inspection.products,
                own,
                &combined,
            );
        } else if !inspection.products.is_empty() {
            trace.skip(
                checks::INTOTO_INSPECTION_RULE,
                Subject::Inspection {
                    name: inspection.name.clone(),
                },
                "expected_products rules",
                "the inspection did not run, so it has no products",
            );
        }
    }
}

/// Copies `source` into a new temporary folder: folders, regular files, and symlinks as links.
/// Anything else (a FIFO, a socket, a device) is left out, since in-toto records only regular
/// files and opening a FIFO would wait forever; the copy gives up once `deadline` passes.
fn scratch_copy(source: &Path, deadline: std::time::Instant) -> std::io::Result<tempfile::TempDir> {
    let scratch = tempfile::Builder::new()
        .prefix("chainscope-inspect-")
        .tempdir()?;
    let timed_out = || {
        std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            "copying took longer than the inspection timeout",
        )
    };
    let mut pending = vec![(source.to_owned(), scratch.path().to_owned())];
    while let Some((from, to)) = pending.pop() {
        for entry in std::fs::read_dir(&from)? {
            if std::time::Instant::now() >= deadline {
                return Err(timed_out());
            }
            let entry = entry?;
            let target = to.join(entry.file_name());
            let file_type = entry.file_type()?;
            if file_type.is_dir() {
                std::fs::create_dir(&target)?;
                pending.push((entry.path(), target));
            } else if file_type.is_symlink() {
                #[cfg(unix)]
                std::os::unix::fs::symlink(std::fs::read_link(entry.path())?, &target)?;
            } else if file_type.is_file() {
                copy_until(&entry.path(), &target, deadline).map_err(|e| {
                    std::io::Error::new(e.kind(), format!("{}: {e}", entry.path().display()))
                })?;
            }
        }
    }
    Ok(scratch)
}

/// Copies one regular file, a chunk at a time, giving up once `deadline` passes.
fn copy_until(from: &Path, to: &Path, deadline: std::time::Instant) -> std::io::Result<()> {
    use std::io::{Read as _, Write as _};
    let mut reader = std::fs::File::open(from)?;
    let mut writer = std::fs::File::create(to)?;
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        if std::time::Instant::now() >= deadline {
            return Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "copying took longer than the inspection timeout",
            ));
        }
        let read = reader.read(&mut buffer)?;
        if read == 0 {
            return Ok(());
        }
        writer.write_all(&buffer[..read])?;
    }
}

/// Runs `argv` in `folder` with a timeout; its exit code, or why there is none.
fn run_command(argv: &[String], folder: &Path, timeout: Duration) -> Result<i32, String> {
    let Some((program, args)) = argv.split_first() else {
        return Err("the inspection has an empty `run` command".into());
    };
    let mut command = std::process::Command::new(program);
    crate::process::own_group(&mut command);
    crate::memory::hand_down_original_settings(&mut command);
    let mut child = command
        .args(args)
        .current_dir(folder)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", py_argv(argv)))?;
    let started = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().map_err(|e| crate::report::chain(&e))? {
            return Ok(status.code().unwrap_or(-1));
        }
        if started.elapsed() >= timeout {
            // The inspection and everything it started.
            crate::process::kill_group(&mut child);
            return Err(format!(
                "command {} timed out after {} seconds",
                py_argv(argv),
                timeout.as_secs()
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Substitutes parameters (in-toto's `str.format(**parameters)`) into rules, commands and runs.
fn plan(
    layout: &Layout,
    parameters: &BTreeMap<String, String>,
) -> Result<(Vec<Plan>, Vec<Plan>), Box<Failure>> {
    for name in parameters.keys() {
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            return Err(Failure::of_kind(
                "FormatError",
                format!("parameter name '{name}' may only use a-z, A-Z, 0-9, _ and -"),
            )
            .into());
        }
    }
    let substitute_all = |items: &[String]| -> Result<Vec<String>, Box<Failure>> {
        items
            .iter()
            .map(|item| {
                if parameters.is_empty() {
                    Ok(item.clone())
                } else {
                    substitute(item, parameters)
                }
            })
            .collect()
    };
    let rules = |entries: &[RuleEntry]| -> Result<Vec<ArtifactRule>, Box<Failure>> {
        entries
            .iter()
            .map(|entry| {
                let tokens = substitute_all(entry.tokens())?;
                ArtifactRule::parse(&tokens).map_err(|e| {
                    Box::new(Failure::of_kind("FormatError", crate::report::chain(&e)))
                })
            })
            .collect()
    };
    let steps = layout
        .steps()
        .iter()
        .map(|step| {
            Ok(Plan {
                name: step.name.clone(),
                threshold: step.threshold(),
                pubkeys: step.pubkeys().to_vec(),
                command: substitute_all(step.expected_command())?,
                materials: rules(step.expected_materials())?,
                products: rules(step.expected_products())?,
            })
        })
        .collect::<Result<Vec<_>, Box<Failure>>>()?;
    let inspections = layout
        .inspections()
        .iter()
        .map(|inspection| {
            Ok(Plan {
                name: inspection.name.clone(),
                threshold: 1,
                pubkeys: Vec::new(),
                command: substitute_all(inspection.run())?,
                materials: rules(inspection.expected_materials())?,
                products: rules(inspection.expected_products())?,
            })
        })
        .collect::<Result<Vec<_>, Box<Failure>>>()?;
    Ok((steps, inspections))
}

/// Python's `text.format(**parameters)` for the forms layouts use: `{name}`, `{{` and `}}`.
/// Its errors keep Python's exception names (in-toto-verify prints them as they are).
fn substitute(text: &str, parameters: &BTreeMap<String, String>) -> Result<String, Box<Failure>> {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '}' => {
                return Err(Failure::of_kind(
                    "ValueError",
                    format!("Single '}}' encountered in format string: {text:?}"),
                )
                .into());
            }
            '{' => {
                let mut name = String::new();
                loop {
                    match chars.next() {
                        Some('}') => break,
                        Some(c) => name.push(c),
                        None => {
                            return Err(Failure::of_kind(
                                "ValueError",
                                format!("expected '}}' before end of string: {text:?}"),
                            )
                            .into());
                        }
                    }
                }
                if name.is_empty() || name.contains(['.', '[', ':', '!']) {
                    return Err(Failure::of_kind(
                        "ValueError",
                        format!(
                            "unsupported replacement field {{{name}}} in {text:?}; layouts use {{name}}"
                        ),
                    ).into());
                }
                let value = parameters.get(&name).ok_or_else(|| {
                    Box::new(
                        Failure::of_kind("KeyError", format!("'{name}'"))
                            .hint(format!("pass --param {name}=VALUE")),
                    )
                })?;
                out.push_str(value);
            }
            other => out.push(other),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cjson;
    use crate::crypto::PrivateKey;
    use serde_json::{Value, json};

    fn signed(signed: Value, keys: &[(&str, &PrivateKey)]) -> Value {
        let bytes = cjson::encode(&signed).unwrap();
        let signatures: Vec<Value> = keys
            .iter()
            .map(|(id, k)| json!({"keyid": id, "sig": hex::encode(k.sign(&bytes).unwrap())}))
            .collect();
        json!({"signed": signed, "signatures": signatures})
    }

    /// A layout key dict as in-toto requires it: with its own `keyid`.
    fn with_own_keyid(key: &PrivateKey) -> Value {
        let mut dict = key.public().to_dict().clone();
        dict["keyid"] = json!(key.keyid());
        dict
    }

    fn write(dir: &Path, name: &str, value: &Value) {
        std::fs::write(dir.join(name), serde_json::to_vec_pretty(value).unwrap()).unwrap();
    }

    fn options(dir: &Path, owner: &PrivateKey, now: &str) -> VerifyOptions {
        VerifyOptions {
            now: UtcTime::parse_metadata(now).unwrap(),
            layout_keys: vec![owner.public().clone()],
            link_dir: dir.to_owned(),
            artifacts_dir: dir.to_owned(),
            parameters: BTreeMap::new(),
            inspections: InspectionMode::RecordOnly,
        }
    }

    fn first_failure_kind(trace: &Trace) -> Option<String> {
        trace.first_failure().and_then(|(_, c)| match &c.outcome {
            crate::trace::Outcome::Fail { failure } => failure.kind.clone(),
            _ => None,
        })
    }

    #[test]
    fn a_layout_expires_at_its_expires_second() {
        let dir = tempfile::tempdir().unwrap();
        let owner = PrivateKey::ed25519_from_seed(&[1; 32]);
        let layout = json!({"_type": "layout", "expires": "2030-01-01T00:00:00Z", "readme": "", "keys": {}, "steps": [], "inspect": []});
        write(
            dir.path(),
            "root.layout",
            &signed(layout, &[(owner.keyid(), &owner)]),
        );
        let at = |now| {
            verify_layout_file(
                &dir.path().join("root.layout"),
                &options(dir.path(), &owner, now),
            )
            .unwrap()
        };
        assert_eq!(
            at("2029-12-31T23:59:59Z").verdict(),
            crate::trace::Verdict::Pass
        );
        assert_eq!(
            first_failure_kind(&at("2030-01-01T00:00:00Z")).as_deref(),
            Some("LayoutExpiredError")
        );
    }

    /// Deliberately stricter than in-toto, which counts keyids: one key listed under two keyids
    /// is one functionary, so it cannot meet a threshold of 2 on its own.
    #[test]
    fn step_threshold_counts_distinct_keys_not_keyids() {
        let dir = tempfile::tempdir().unwrap();
        let owner = PrivateKey::ed25519_from_seed(&[1; 32]);
        let functionary = PrivateKey::ed25519_from_seed(&[2; 32]);
        let (id_a, id_b) = ("aaaaaaaa".repeat(8), "bbbbbbbb".repeat(8));
        let dict = |id: &str| {
            let mut dict = functionary.public().to_dict().clone();
            dict["keyid"] = json!(id);
            dict
        };
        let layout = json!({"_type": "layout", "expires": "2030-01-01T00:00:00Z", "readme": "",
            "keys": {&id_a: dict(&id_a), &id_b: dict(&id_b)},
            "steps": [{"_type": "step", "name": "build", "threshold": 2, "pubkeys": [&id_a, &id_b],
                "expected_command": [], "expected_materials": [], "expected_products": []}],
            "inspect": []});
        write(
            dir.path(),
            "root.layout",
            &signed(layout, &[(owner.keyid(), &owner)]),
        );
        let link = json!({"_type": "link", "name": "build", "command": [], "materials": {}, "products": {}, "byproducts": {}, "environment": {}});
        write(
            dir.path(),
            "build.aaaaaaaa.link",
            &signed(link.clone(), &[(&id_a, &functionary)]),
        );
        write(
            dir.path(),
            "build.bbbbbbbb.link",
            &signed(link, &[(&id_b, &functionary)]),
        );
        let trace = verify_layout_file(
            &dir.path().join("root.layout"),
            &options(dir.path(), &owner, "2029-01-01T00:00:00Z"),
        )
        .unwrap();
        assert_eq!(
            first_failure_kind(&trace).as_deref(),
            Some("ThresholdVerificationError")
        );
        let (_, check) = trace.first_failure().unwrap();
        assert_eq!(
            check.subject,
            Subject::Step {
                name: "build".into()
            }
        );
    }

    #[test]
    fn a_step_name_never_reads_outside_the_link_folder() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("links");
        std::fs::create_dir(&dir).unwrap();
        let owner = PrivateKey::ed25519_from_seed(&[1; 32]);
        let functionary = PrivateKey::ed25519_from_seed(&[2; 32]);
        let id = functionary.keyid().to_owned();
        let layout = json!({"_type": "layout", "expires": "2030-01-01T00:00:00Z", "readme": "",
            "keys": {&id: with_own_keyid(&functionary)},
            "steps": [{"_type": "step", "name": "../escape", "threshold": 1, "pubkeys": [&id],
                "expected_command": [], "expected_materials": [], "expected_products": []}],
            "inspect": []});
        write(
            &dir,
            "root.layout",
            &signed(layout, &[(owner.keyid(), &owner)]),
        );
        // A valid link where the name points, outside the link folder: never read.
        let link = json!({"_type": "link", "name": "../escape", "command": [], "materials": {}, "products": {}, "byproducts": {}, "environment": {}});
        write(
            root.path(),
            &format!("escape.{}.link", &id[..8]),
            &signed(link, &[(&id, &functionary)]),
        );
        let trace = verify_layout_file(
            &dir.join("root.layout"),
            &options(&dir, &owner, "2029-01-01T00:00:00Z"),
        )
        .unwrap();
        let (_, check) = trace.first_failure().unwrap();
        let crate::trace::Outcome::Fail { failure } = &check.outcome else {
            unreachable!()
        };
        assert!(
            failure.message.contains("cannot be used as a path"),
            "{}",
            failure.message
        );
    }

    #[test]
    fn parameters_follow_python_format() {
        let params: BTreeMap<String, String> = [("NAME".to_owned(), "foo".to_owned())].into();
        assert_eq!(
            substitute("{NAME}-{{x}}.py", &params).unwrap(),
            "foo-{x}.py"
        );
        assert_eq!(
            substitute("{MISSING}", &params).unwrap_err().headline(),
            "KeyError: 'MISSING'"
        );
        assert!(
            substitute("a}b", &params)
                .unwrap_err()
                .headline()
                .starts_with("ValueError: Single '}'")
        );
        assert!(substitute("{NAME", &params).is_err());
        assert!(substitute("{NAME.attr}", &params).is_err());
    }
}
