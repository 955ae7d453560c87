//! ITE-10/11 verification: attestations checked against an attestation layout, check by check.
//!
//! The workflow is ITE-10's `Verify` (layout signatures, expiry; per step and expected
//! predicate: the functionaries' attestations, their threshold, the step's artifact rules over
//! each attestation's resource descriptors) with ITE-11's attribute rules (CEL) after the
//! artifact rules. Where attestation-verifier, the prototype, reads the layout or names files,
//! chainscope reads them the same way; where it departs from the ITEs, chainscope follows the
//! ITE (README: "ITE-10/11: where chainscope follows the ITE rather than the prototype").

use std::collections::BTreeMap;

use serde_json::Value;

use super::cel::{Evaluation, evaluate};
use super::layout::{
    AttestationLayout, AttributeRule, ExpectedPredicate, ParameterError, ReadLayout, read_layout,
    substitute_parameters, with_keyids,
};
use crate::checks;
use crate::crypto::{Envelope, PublicKey};
use crate::intoto::artifact_rules::{Artifacts, Recorded, apply_rules};
use crate::intoto::rule::ArtifactRule;
use crate::time::UtcTime;
use crate::trace::{Failure, Outcome, RuleList, Subject, Trace};

/// Predicate types whose attestations transform artifacts (ITE-10): materials in the predicate,
/// products in the subject.
const LINK_V03: &str = "https://in-toto.io/attestation/link/v0.3";
const SLSA_V1: &str = "https://slsa.dev/provenance/v1";
const SLSA_V02: &str = "https://slsa.dev/provenance/v0.2";

/// What verification needs, already read (nothing here touches the disk).
pub struct AttestRequest<'a> {
    pub layout_name: &'a str,
    pub layout: &'a [u8],
    /// Keys the layout must be signed by (a DSSE-signed layout); none for a plain layout.
    pub layout_keys: &'a [PublicKey],
    /// Attestation files by name (`<step>.<keyid prefix>.json`), as read.
    pub attestations: &'a [(String, Vec<u8>)],
    pub parameters: &'a BTreeMap<String, String>,
    pub now: UtcTime,
    /// Sigstore's trusted root (its name and bytes), for attestations that are Sigstore bundles
    /// signed by a functionary that is a Sigstore identity; without it such a bundle fails.
    pub trusted_root: Option<(&'a str, &'a [u8])>,
}

/// A layout that cannot be read at all: not a verdict.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{file}: {source}")]
pub struct AttestInputError {
    pub file: String,
    #[source]
    pub source: super::layout::LayoutReadError,
}

/// One attestation a functionary of the layout signed.
struct Claim {
    file: String,
    signer: String,
    statement: Value,
    predicate_type: String,
}

impl Claim {
    fn artifacts(&self) -> (Artifacts, Option<Artifacts>) {
        materials_and_products(&self.statement)
    }
}

/// A statement's materials and products (ITE-10's classes; the prototype's
/// `getMaterialsAndProducts`): a link's materials, SLSA provenance's resolved dependencies (v1)
/// or materials named by URI (v0.2), and their subject as products; any other predicate is
/// informational, its subject its materials and no products (`None`).
pub fn materials_and_products(statement: &Value) -> (Artifacts, Option<Artifacts>) {
    let subject = statement.get("subject");
    let predicate = statement.get("predicate");
    let at = |pointer: &str| predicate.and_then(|p| p.pointer(pointer));
    let predicate_type = statement
        .get("predicateType")
        .and_then(Value::as_str)
        .unwrap_or_default();
    match predicate_type {
        LINK_V03 => (
            descriptors(at("/materials"), "name"),
            Some(descriptors(subject, "name")),
        ),
        SLSA_V1 => (
            descriptors(at("/buildDefinition/resolvedDependencies"), "name"),
            Some(descriptors(subject, "name")),
        ),
        SLSA_V02 => (
            descriptors(at("/materials"), "uri"),
            Some(descriptors(subject, "name")),
        ),
        _ => (descriptors(subject, "name"), None),
    }
}

/// Resource descriptors as in-toto artifacts: name → digest (a later name replaces an
/// earlier, as the prototype's map does).
fn descriptors(list: Option<&Value>, name_field: &str) -> Artifacts {
    let mut by_name: BTreeMap<&str, BTreeMap<&str, &str>> = BTreeMap::new();
    for descriptor in list.and_then(Value::as_array).into_iter().flatten() {
        let name = descriptor
            .get(name_field)
            .and_then(Value::as_str)
            .unwrap_or_default();
        let digest = descriptor
            .get("digest")
            .and_then(Value::as_object)
            .map(|digest| {
                digest
                    .iter()
                    .filter_map(|(algorithm, value)| Some((algorithm.as_str(), value.as_str()?)))
                    .collect()
            })
            .unwrap_or_default();
        by_name.insert(name, digest);
    }
    Artifacts::from_sorted(by_name).unwrap_or_default()
}

/// The step an attestation file is for: its name without the last two dot-separated parts
/// (`build.fe1c6281.json` is `build`), as the prototype names them.
pub fn step_of_file(file: &str) -> &str {
    let stem = file.strip_suffix(".json").unwrap_or(file);
    stem.rsplit_once('.').map_or(stem, |(step, _)| step)
}

fn short(keyid: &str) -> &str {
    keyid.get(..8).unwrap_or(keyid)
}

/// Verifies the attestations against the layout.
pub fn verify_attestations(request: &AttestRequest) -> Result<Trace, AttestInputError> {
    let ReadLayout {
        mut layout,
        envelope,
    } = read_layout(request.layout).map_err(|source| AttestInputError {
        file: request.layout_name.to_owned(),
        source,
    })?;
    let mut trace = Trace::new(request.layout_name);
    check_layout_signatures(request, envelope.as_ref(), &mut trace);
    check_expiry(&layout, request.now, &mut trace);
    if !request.parameters.is_empty() {
        match substitute_parameters(&mut layout, request.parameters) {
            Ok(replaced) => {
                trace
                    .pass(
                        checks::ATTEST_PARAMETERS,
                        Subject::Layout,
                        "parameters substituted",
                    )
                    .add_evidence(
                        "substituted",
                        format!("{} parameters, {replaced} rounds", request.parameters.len()),
                    );
            }
            Err(error) => {
                let hint = match &error {
                    ParameterError::BadName(_) => "parameter names are letters, digits, `_`, `-`",
                    ParameterError::SelfReference(_) => {
                        "a value may use other parameters, never itself"
                    }
                };
                trace.fail(
                    checks::ATTEST_PARAMETERS,
                    Subject::Layout,
                    "parameters substituted",
                    Failure::new(error.to_string()).hint(hint),
                );
                return Ok(trace);
            }
        }
    }
    let keys = functionary_keys(&layout, &mut trace);
    let identities = sigstore_identities(&layout);
    let claims = load_claims(
        request.attestations,
        &Signers {
            keys: &keys,
            identities: &identities,
            trusted_root: request.trusted_root,
        },
        &mut trace,
    );
    let accepted_for_match = authorized_claims(&layout, &claims);
    let recorded: BTreeMap<String, (Artifacts, Artifacts)> = accepted_for_match
        .into_iter()
        .map(|(step, list)| {
            let mut materials: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
            let mut products = materials.clone();
            for claim in list {
                let (m, p) = claim.artifacts();
                for (name, hashes) in m.iter() {
                    materials.insert(name.to_owned(), owned_hashes(hashes));
                }
                for (name, hashes) in p.iter().flat_map(|p| p.iter()) {
                    products.insert(name.to_owned(), owned_hashes(hashes));
                }
            }
            (step, (to_artifacts(&materials), to_artifacts(&products)))
        })
        .collect();
    let links: BTreeMap<String, Recorded<'_>> = recorded
        .iter()
        .map(|(step, (materials, products))| {
            (
                step.clone(),
                Recorded {
                    materials,
                    products,
                },
            )
        })
        .collect();
    for step in &layout.steps {
        verify_step(step, &claims, &links, &mut trace);
    }
    if !layout.subjects.is_empty() {
        trace.skip(
            checks::ATTEST_UNSUPPORTED,
            Subject::Layout,
            "the layout's `subjects` expectations",
            "not part of ITE-10, and not verified by the prototype nor by chainscope: this layout is not fully verified",
        );
    }
    for inspection in &layout.inspections {
        trace.skip(
            checks::ATTEST_UNSUPPORTED,
            Subject::Inspection {
                name: inspection.name.clone(),
            },
            "inspection run and its rules",
            "chainscope does not run the inspections of attestation layouts (nor does the prototype): this layout is not fully verified",
        );
    }
    Ok(trace)
}

fn owned_hashes(hashes: crate::intoto::artifact_rules::Hashes<'_>) -> BTreeMap<String, String> {
    hashes
        .iter()
        .map(|(a, d)| (a.to_owned(), d.to_owned()))
        .collect()
}

fn to_artifacts(map: &BTreeMap<String, BTreeMap<String, String>>) -> Artifacts {
    Artifacts::from_sorted(map.iter().map(|(name, hashes)| {
        (
            name.as_str(),
            hashes.iter().map(|(a, d)| (a.as_str(), d.as_str())),
        )
    }))
    .unwrap_or_default()
}

fn check_layout_signatures(
    request: &AttestRequest,
    envelope: Option<&Envelope>,
    trace: &mut Trace,
) {
    let title = "layout signed by the layout keys";
    let (envelope, keys) = match (envelope, request.layout_keys) {
        (None, []) => {
            trace.warn(
                checks::ATTEST_LAYOUT_SIGNATURES,
                Subject::Layout,
                title,
                format!("{} is not signed: it is trusted because it was given, as attestation-verifier trusts its layout file; sign it (DSSE) and pass --layout-key to have its origin checked", request.layout_name),
            );
            return;
        }
        (None, _) => {
            trace.fail(
                checks::ATTEST_LAYOUT_SIGNATURES,
                Subject::Layout,
                title,
                Failure::new(format!(
                    "layout keys were given, but {} is not signed",
                    request.layout_name
                ))
                .hint("a signed layout is a DSSE envelope holding the layout"),
            );
            return;
        }
        (Some(_), []) => {
            trace.fail(
                checks::ATTEST_LAYOUT_SIGNATURES,
                Subject::Layout,
                title,
                Failure::new("the layout is signed, but no layout key was given to check it")
                    .hint("pass the layout owner's public key with --layout-key"),
            );
            return;
        }
        (Some(envelope), keys) => (envelope, keys),
    };
    let message = envelope.signed_bytes().unwrap_or_default();
    let signatures = envelope.signatures();
    let mut missing = Vec::new();
    for key in keys {
        let valid = signatures.iter().any(|signature| {
            (signature.keyid.is_empty() || signature.keyid == key.keyid())
                && key.verify_signature(signature, &message).is_ok()
        });
        if !valid {
            missing.push(short(key.keyid()).to_owned());
        }
    }
    if missing.is_empty() {
        trace
            .pass(checks::ATTEST_LAYOUT_SIGNATURES, Subject::Layout, title)
            .add_evidence(
                "signed by",
                format!("{} of {} layout keys", keys.len(), keys.len()),
            );
    } else {
        trace.fail(
            checks::ATTEST_LAYOUT_SIGNATURES,
            Subject::Layout,
            title,
            Failure::of_kind(
                "SignatureVerificationError",
                format!(
                    "no valid signature on the layout by key {}",
                    missing.join(", ")
                ),
            ),
        );
    }
}

fn check_expiry(layout: &AttestationLayout, now: UtcTime, trace: &mut Trace) {
    let title = "layout not expired";
    match UtcTime::parse_rfc3339(&layout.expires) {
        Err(error) => {
            trace.fail(
                checks::ATTEST_LAYOUT_EXPIRY,
                Subject::Layout,
                title,
                Failure::new(format!("`expires` {:?}: {error}", layout.expires)),
            );
        }
        Ok(expires) if expires <= now => {
            trace.fail(
                checks::ATTEST_LAYOUT_EXPIRY,
                Subject::Layout,
                title,
                Failure::of_kind("LayoutExpiredError", "layout has expired")
                    .expected(format!("expires after {now}"))
                    .found(format!("expires {expires}")),
            );
        }
        Ok(expires) => {
            trace
                .pass(checks::ATTEST_LAYOUT_EXPIRY, Subject::Layout, title)
                .add_evidence("expires", expires.to_string());
        }
    }
}

/// The functionaries' keys by key ID; a key chainscope cannot read is a failed check (the
/// prototype skips key types it does not know, which then sign nothing).
fn functionary_keys(layout: &AttestationLayout, trace: &mut Trace) -> Vec<PublicKey> {
    let mut keys = Vec::new();
    for (name, functionary) in &layout.functionaries {
        if functionary.sigstore_identity().is_some() {
            continue;
        }
        let keyid = functionary_id(name, functionary);
        match PublicKey::from_dict(keyid, &functionary.key_dict()) {
            Ok(key) => keys.push(key),
            Err(error) => {
                trace.fail(
                    checks::ATTEST_FUNCTIONARIES,
                    Subject::Key {
                        keyid: keyid.to_owned(),
                    },
                    "functionary key readable",
                    Failure::new(format!("functionaries.{name}: {error}")),
                );
            }
        }
    }
    keys
}

fn functionary_id<'l>(name: &'l str, functionary: &'l super::layout::Functionary) -> &'l str {
    if functionary.key_id.is_empty() {
        name
    } else {
        &functionary.key_id
    }
}

/// A functionary that signs keyless: the key ID the layout lists it by, and who Fulcio's
/// certificate must name.
struct SigstoreIdentity {
    keyid: String,
    identity: String,
    /// Empty: any issuer.
    issuer: String,
}

fn sigstore_identities(layout: &AttestationLayout) -> Vec<SigstoreIdentity> {
    layout
        .functionaries
        .iter()
        .filter_map(|(name, functionary)| {
            let (identity, issuer) = functionary.sigstore_identity()?;
            Some(SigstoreIdentity {
                keyid: functionary_id(name, functionary).to_owned(),
                identity: identity.to_owned(),
                issuer: issuer.to_owned(),
            })
        })
        .collect()
}

/// Who may sign attestations: the functionaries' keys, their Sigstore identities, and the
/// trusted root those are checked against.
struct Signers<'a> {
    keys: &'a [PublicKey],
    identities: &'a [SigstoreIdentity],
    trusted_root: Option<(&'a str, &'a [u8])>,
}

/// A Sigstore bundle (or PEP 740 attestation) as an attestation: verified with Sigstore against
/// each functionary identity (the certificate's identity and issuer, the log entry or signed
/// timestamp, the signature over the DSSE envelope); its statement and the key IDs of the
/// identities that signed it, or why it is not used.
fn sigstore_claim(
    file: &str,
    bytes: &[u8],
    value: &Value,
    signers: &Signers<'_>,
) -> Result<(Value, Vec<String>), (bool, String)> {
    use crate::sigstore::verify::{Artifact, BundleRequest, Signer, verify_bundle};
    let payload = statement_payload(value).ok_or((
        true,
        "a Sigstore bundle without an in-toto statement (DSSE)".to_owned(),
    ))?;
    let statement: Value = serde_json::from_slice(&payload).map_err(|e| {
        (
            true,
            format!("the bundle's payload is not an in-toto statement: {e}"),
        )
    })?;
    if signers.identities.is_empty() {
        return Err((
            false,
            format!(
                "{file} is a Sigstore bundle and no functionary of the layout is a Sigstore identity (keyType sigstore-oidc): it is not used"
            ),
        ));
    }
    let Some((root_name, root)) = signers.trusted_root else {
        return Err((
            true,
            format!(
                "{file} is a Sigstore bundle: give Sigstore's trusted root (--trusted-root) to check who signed it"
            ),
        ));
    };
    // The signature covers the whole statement; which subject the bundle is checked against
    // does not matter (the layout's artifact rules judge the subjects), so the first.
    let digest = |algorithm: &str| {
        statement
            .pointer(&format!("/subject/0/digest/{algorithm}"))
            .and_then(Value::as_str)
            .and_then(|hex_digits| hex::decode(hex_digits).ok())
    };
    let artifact = match (digest("sha256"), digest("sha512")) {
        (Some(sha256), _) if sha256.len() == 32 => {
            Artifact::Sha256(sha256.try_into().expect("32 bytes"))
        }
        (_, Some(sha512)) if sha512.len() == 64 => {
            Artifact::Sha512(Box::new(sha512.try_into().expect("64 bytes")))
        }
        _ => {
            return Err((
                true,
                "the statement's first subject has no sha256 or sha512 digest to check the bundle against".to_owned(),
            ));
        }
    };
    let mut signed_by = Vec::new();
    let mut refusals = Vec::new();
    for identity in signers.identities {
        let signer = Signer::Identity {
            identity: identity.identity.clone(),
            issuer: (!identity.issuer.is_empty()).then(|| identity.issuer.clone()),
        };
        let verified = verify_bundle(&BundleRequest {
            bundle_name: file,
            bundle: bytes,
            trusted_root_name: root_name,
            trusted_root: root,
            artifact: &artifact,
            signer: &signer,
        });
        match verified {
            Ok(trace) if trace.verdict() == crate::trace::Verdict::Pass => {
                signed_by.push(identity.keyid.clone());
            }
            Ok(trace) => {
                let why = trace
                    .first_failure()
                    .map(|(_, check)| match &check.outcome {
                        crate::trace::Outcome::Fail { failure } => {
                            format!("{}: {}", check.id, failure.headline())
                        }
                        _ => check.id.to_owned(),
                    })
                    .unwrap_or_else(|| format!("{:?}", trace.verdict()));
                refusals.push(format!("not {} ({why})", identity.identity));
            }
            Err(error) => return Err((true, error.to_string())),
        }
    }
    if signed_by.is_empty() {
        return Err((
            false,
            format!(
                "{file} has no valid Sigstore signature by a functionary of the layout: it is not used; {}",
                refusals.join("; ")
            ),
        ));
    }
    Ok((statement, signed_by))
}

/// The statement bytes an attestation file carries, unverified: a DSSE envelope's payload, a
/// Sigstore bundle's (`dsseEnvelope`) or a PEP 740 attestation's (`envelope.statement`).
pub fn statement_payload(value: &Value) -> Option<Vec<u8>> {
    ["/payload", "/dsseEnvelope/payload", "/envelope/statement"]
        .iter()
        .find_map(|pointer| value.pointer(pointer)?.as_str())
        .and_then(crate::crypto::envelope::decode_base64)
}

/// Every attestation file read and its signatures checked against the functionaries' keys (or,
/// for a Sigstore bundle, their Sigstore identities): a file no functionary signed is noted
/// and left out, as the prototype leaves it out.
fn load_claims(
    files: &[(String, Vec<u8>)],
    signers: &Signers<'_>,
    trace: &mut Trace,
) -> BTreeMap<String, Vec<Claim>> {
    let keys = signers.keys;
    let mut claims: BTreeMap<String, Vec<Claim>> = BTreeMap::new();
    for (file, bytes) in files {
        let subject = Subject::File { name: file.clone() };
        let title = "attestation signed by a functionary";
        let value = serde_json::from_slice::<Value>(bytes);
        if let Some(value) = value
            .as_ref()
            .ok()
            .filter(|v| crate::sigstore::is_bundle(v))
        {
            match sigstore_claim(file, bytes, value, signers) {
                Ok((statement, signed_by)) => {
                    let check = trace.pass(checks::ATTEST_ATTESTATION, subject, title);
                    record_claims(
                        &mut claims,
                        check,
                        file,
                        statement,
                        signed_by,
                        "signed with Sigstore by",
                    );
                }
                Err((true, message)) => {
                    trace.fail(
                        checks::ATTEST_ATTESTATION,
                        subject,
                        title,
                        Failure::new(message),
                    );
                }
                Err((false, message)) => {
                    trace.warn(checks::ATTEST_ATTESTATION, subject, title, message);
                }
            }
            continue;
        }
        let envelope = value
            .map_err(|e| e.to_string())
            .and_then(|value| Envelope::from_value(&with_keyids(value)).map_err(|e| e.to_string()));
        let envelope = match envelope {
            Ok(envelope @ Envelope::Dsse { .. }) => envelope,
            Ok(_) => {
                trace.fail(
                    checks::ATTEST_ATTESTATION,
                    subject,
                    title,
                    Failure::new("not a DSSE envelope"),
                );
                continue;
            }
            Err(error) => {
                trace.fail(
                    checks::ATTEST_ATTESTATION,
                    subject,
                    title,
                    Failure::new(format!("not a DSSE envelope: {error}")),
                );
                continue;
            }
        };
        let message = envelope.signed_bytes().unwrap_or_default();
        let signers: Vec<&PublicKey> = keys
            .iter()
            .filter(|key| {
                envelope.signatures().iter().any(|signature| {
                    (signature.keyid.is_empty() || signature.keyid == key.keyid())
                        && key.verify_signature(signature, &message).is_ok()
                })
            })
            .collect();
        if signers.is_empty() {
            trace.warn(
                checks::ATTEST_ATTESTATION,
                subject,
                title,
                format!(
                    "{file} has no valid signature by a functionary of the layout: it is not used"
                ),
            );
            continue;
        }
        let Envelope::Dsse { payload, .. } = &envelope else {
            continue;
        };
        let statement: Value = match serde_json::from_slice(payload) {
            Ok(statement) => statement,
            Err(error) => {
                trace.fail(
                    checks::ATTEST_ATTESTATION,
                    subject,
                    title,
                    Failure::new(format!("the payload is not an in-toto statement: {error}")),
                );
                continue;
            }
        };
        let check = trace.pass(checks::ATTEST_ATTESTATION, subject, title);
        let signed_by = signers.iter().map(|k| k.keyid().to_owned()).collect();
        record_claims(&mut claims, check, file, statement, signed_by, "signed by");
    }
    claims
}

/// An accepted attestation: its predicate type and signers as the check's evidence, and one
/// claim of its step per functionary that signed it.
fn record_claims(
    claims: &mut BTreeMap<String, Vec<Claim>>,
    check: &mut crate::trace::Check,
    file: &str,
    statement: Value,
    signed_by: Vec<String>,
    signed_label: &'static str,
) {
    let predicate_type = statement
        .get("predicateType")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    check.add_evidence("predicate type", predicate_type.clone());
    for keyid in &signed_by {
        check.add_evidence(signed_label, short(keyid).to_owned());
    }
    let step = step_of_file(file).to_owned();
    for signer in signed_by {
        claims.entry(step.clone()).or_default().push(Claim {
            file: file.to_owned(),
            signer,
            statement: statement.clone(),
            predicate_type: predicate_type.clone(),
        });
    }
}

/// For MATCH rules: each step's attestations by functionaries its expected predicates name for
/// their type.
fn authorized_claims<'c>(
    layout: &AttestationLayout,
    claims: &'c BTreeMap<String, Vec<Claim>>,
) -> BTreeMap<String, Vec<&'c Claim>> {
    layout
        .steps
        .iter()
        .map(|step| {
            let list = claims
                .get(&step.name)
                .into_iter()
                .flatten()
                .filter(|claim| {
                    step.expected_predicates.iter().any(|expected| {
                        expected.predicate_type == claim.predicate_type
                            && expected.functionaries.contains(&claim.signer)
                    })
                })
                .collect();
            (step.name.clone(), list)
        })
        .collect()
}

fn verify_step(
    step: &super::layout::Step,
    claims: &BTreeMap<String, Vec<Claim>>,
    links: &BTreeMap<String, Recorded<'_>>,
    trace: &mut Trace,
) {
    let step_subject = Subject::Step {
        name: step.name.clone(),
    };
    let Some(step_claims) = claims.get(&step.name).filter(|c| !c.is_empty()) else {
        trace.fail(
            checks::ATTEST_STEP_ATTESTATIONS,
            step_subject,
            "attestations for the step",
            Failure::new(format!("no claims found for step {}", step.name)).hint(format!(
                "attestations for this step are files named {}.<keyid prefix>.json, signed by one of its functionaries",
                step.name
            )),
        );
        return;
    };
    let material_rules = parse_rules(
        &step.expected_materials,
        &step.name,
        RuleList::ExpectedMaterials,
        trace,
    );
    let product_rules = parse_rules(
        &step.expected_products,
        &step.name,
        RuleList::ExpectedProducts,
        trace,
    );
    let (Some(material_rules), Some(product_rules)) = (material_rules, product_rules) else {
        return;
    };
    for expected in &step.expected_predicates {
        verify_expected_predicate(
            step,
            expected,
            step_claims,
            (&material_rules, &product_rules),
            links,
            trace,
        );
    }
}

fn parse_rules(
    texts: &[String],
    step: &str,
    list: RuleList,
    trace: &mut Trace,
) -> Option<Vec<ArtifactRule>> {
    let mut rules = Vec::new();
    for (index, text) in texts.iter().enumerate() {
        match ArtifactRule::parse_text(text) {
            Ok(rule) => rules.push(rule),
            Err(error) => {
                trace.fail(
                    checks::ATTEST_STEP_RULE,
                    Subject::Rule {
                        owner: step.to_owned(),
                        list,
                        index,
                    },
                    &format!("{} rule '{text}'", list.field_name()),
                    Failure::new(error.to_string()),
                );
                return None;
            }
        }
    }
    Some(rules)
}

fn verify_expected_predicate(
    step: &super::layout::Step,
    expected: &ExpectedPredicate,
    step_claims: &[Claim],
    (material_rules, product_rules): (&[ArtifactRule], &[ArtifactRule]),
    links: &BTreeMap<String, Recorded<'_>>,
    trace: &mut Trace,
) {
    let threshold = expected.threshold();
    // One attestation per functionary and predicate type (the prototype's claims map keeps the
    // last file read for each).
    let mut by_functionary: BTreeMap<&str, &Claim> = BTreeMap::new();
    for claim in step_claims {
        if claim.predicate_type == expected.predicate_type
            && expected.functionaries.contains(&claim.signer)
        {
            by_functionary.insert(&claim.signer, claim);
        }
    }
    let step_subject = Subject::Step {
        name: step.name.clone(),
    };
    let title = format!(
        "{} attestations by its functionaries",
        expected.predicate_type
    );
    if by_functionary.len() < threshold {
        trace.fail(
            checks::ATTEST_STEP_PREDICATE,
            step_subject,
            &title,
            Failure::new(format!("threshold not met for step {}", step.name))
                .expected(format!(
                    "{threshold} of {} functionaries",
                    expected.functionaries.len()
                ))
                .found(format!("{}", by_functionary.len()))
                .hint(format!(
                    "each must be an attestation of type {} signed by one of: {}",
                    expected.predicate_type,
                    expected
                        .functionaries
                        .iter()
                        .map(|k| short(k))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
        );
        return;
    }
    trace
        .pass(checks::ATTEST_STEP_PREDICATE, step_subject.clone(), &title)
        .add_evidence(
            "attestations",
            format!("{} of {threshold} required", by_functionary.len()),
        );
    // Each claim's rules are recorded; a claim whose rules fail counts only against the
    // threshold, so its failures are failures only when too few claims pass.
    let mut accepted = 0;
    let mut failed_ranges = Vec::new();
    for (signer, claim) in &by_functionary {
        let start = trace.checks.len();
        let passed = check_claim(
            step,
            expected,
            claim,
            material_rules,
            product_rules,
            links,
            trace,
        );
        for check in &mut trace.checks[start..] {
            check.evidence.insert(
                0,
                (
                    "attestation".into(),
                    format!("{} by {}", claim.file, short(signer)),
                ),
            );
        }
        if passed {
            accepted += 1;
        } else {
            failed_ranges.push(start..trace.checks.len());
        }
    }
    if accepted >= threshold {
        for range in failed_ranges {
            for check in &mut trace.checks[range] {
                if let Outcome::Fail { failure } = &check.outcome {
                    let message = format!(
                        "{} (this attestation is not counted; {accepted} of {threshold} required passed)",
                        failure.message
                    );
                    check.outcome = Outcome::Warn { message };
                }
            }
        }
    }
}

/// The step's artifact rules, then the predicate's attribute rules, over one attestation;
/// whether all passed.
fn check_claim(
    step: &super::layout::Step,
    expected: &ExpectedPredicate,
    claim: &Claim,
    material_rules: &[ArtifactRule],
    product_rules: &[ArtifactRule],
    links: &BTreeMap<String, Recorded<'_>>,
    trace: &mut Trace,
) -> bool {
    let (materials, products) = claim.artifacts();
    let informational = products.is_none();
    let products = products.unwrap_or_default();
    let own = Recorded {
        materials: &materials,
        products: &products,
    };
    let mut passed = true;
    let lists: &[(RuleList, &[ArtifactRule])] = if informational {
        &[(RuleList::ExpectedMaterials, material_rules)]
    } else {
        &[
            (RuleList::ExpectedMaterials, material_rules),
            (RuleList::ExpectedProducts, product_rules),
        ]
    };
    for &(list, rules) in lists {
        let outcomes = apply_rules(rules, list, own, links);
        passed &= outcomes.iter().all(|o| o.failure.is_none());
        crate::intoto::verify::record_rule_outcomes(
            trace,
            checks::ATTEST_STEP_RULE,
            &step.name,
            list,
            outcomes,
        );
    }
    if informational && !product_rules.is_empty() {
        trace
            .pass(
                checks::ATTEST_STEP_RULE,
                Subject::Step {
                    name: step.name.clone(),
                },
                "expected_products rules",
            )
            .add_evidence(
                "not applicable",
                format!(
                    "{} is an informational predicate: it records no products (ITE-10)",
                    claim.predicate_type
                ),
            );
    }
    for (index, rule) in expected.expected_attributes.iter().enumerate() {
        passed &= check_attribute(step, index, rule, claim, trace);
    }
    passed
}

fn check_attribute(
    step: &super::layout::Step,
    index: usize,
    rule: &AttributeRule,
    claim: &Claim,
    trace: &mut Trace,
) -> bool {
    let subject = Subject::Attribute {
        step: step.name.clone(),
        index,
    };
    let title = format!("attribute rule '{}'", rule.rule);
    let false_message = || {
        if rule.debug.is_empty() {
            format!("verification failed for rule '{}'", rule.rule)
        } else {
            format!("{} (rule '{}')", rule.debug, rule.rule)
        }
    };
    match evaluate(&rule.rule, &claim.statement) {
        Ok(Evaluation::True) => {
            trace.pass(checks::ATTEST_ATTRIBUTE, subject, &title);
            true
        }
        Ok(Evaluation::NoSuchAttribute(key)) if rule.allow_if_no_claim => {
            trace
                .pass(checks::ATTEST_ATTRIBUTE, subject, &title)
                .add_evidence(
                    "no claim",
                    format!(
                        "the attestation has no `{key}`; the rule allows that (allowIfNoClaim)"
                    ),
                );
            true
        }
        Ok(Evaluation::False) if rule.warn => {
            trace.warn(checks::ATTEST_ATTRIBUTE, subject, &title, false_message());
            true
        }
        Ok(Evaluation::False) => {
            trace.fail(
                checks::ATTEST_ATTRIBUTE,
                subject,
                &title,
                Failure::new(false_message()),
            );
            false
        }
        Ok(Evaluation::NoSuchAttribute(key)) => {
            trace.fail(
                checks::ATTEST_ATTRIBUTE,
                subject,
                &title,
                Failure::new(format!("no such key: {key}"))
                    .hint("the attestation does not record this attribute; add `allowIfNoClaim: true` if that is acceptable"),
            );
            false
        }
        Ok(Evaluation::Error(message)) => {
            trace.fail(
                checks::ATTEST_ATTRIBUTE,
                subject,
                &title,
                Failure::new(format!("CEL error: {message}")),
            );
            false
        }
        Err(syntax) => {
            trace.fail(
                checks::ATTEST_ATTRIBUTE,
                subject,
                &title,
                Failure::new(format!("CEL syntax: {syntax}")),
            );
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::PrivateKey;
    use crate::crypto::envelope::{encode_base64, pae};

    const DATA: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/real-world/attestation-verifier"
    );

    fn read(path: &str) -> Vec<u8> {
        std::fs::read(format!("{DATA}/{path}")).unwrap()
    }

    fn folder(path: &str) -> Vec<(String, Vec<u8>)> {
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(format!("{DATA}/{path}"))
            .unwrap()
            .map(|entry| {
                let entry = entry.unwrap();
                (
                    entry.file_name().to_string_lossy().into_owned(),
                    std::fs::read(entry.path()).unwrap(),
                )
            })
            .collect();
        files.sort();
        files
    }

    fn now() -> UtcTime {
        UtcTime::parse_rfc3339("2026-12-01T00:00:00Z").unwrap()
    }

    fn verify(
        layout: &[u8],
        attestations: &[(String, Vec<u8>)],
        parameters: &BTreeMap<String, String>,
    ) -> Trace {
        verify_with_keys(layout, &[], attestations, parameters)
    }

    fn verify_with_keys(
        layout: &[u8],
        layout_keys: &[PublicKey],
        attestations: &[(String, Vec<u8>)],
        parameters: &BTreeMap<String, String>,
    ) -> Trace {
        verify_attestations(&AttestRequest {
            layout_name: "layout.yml",
            layout,
            layout_keys,
            attestations,
            parameters,
            now: now(),
            trusted_root: None,
        })
        .unwrap()
    }

    /// The project's own test key (`test-data-raw/key`), which signed its attestations.
    fn functionary() -> PrivateKey {
        crate::crypto::read_private_key(
            std::path::Path::new(&format!("{DATA}/test-data-raw/key")),
            None,
        )
        .unwrap()
    }

    /// The key ID the layout lists for the project's key (securesystemslib's legacy formula,
    /// with `keyid_hash_algorithms`).
    const FUNCTIONARY: &str = "fe1c6281c5ff13e35286cc67e5a1fb3e6575b840a6c39ca4267d3805eb17288a";

    fn sign(statement: &Value, key: &PrivateKey) -> Vec<u8> {
        sign_as(statement, key, key.keyid())
    }

    fn sign_as(statement: &Value, key: &PrivateKey, keyid: &str) -> Vec<u8> {
        let payload = serde_json::to_vec(statement).unwrap();
        let signature = key
            .sign(&pae("application/vnd.in-toto+json", &payload))
            .unwrap();
        serde_json::to_vec(&serde_json::json!({
            "payload": encode_base64(&payload),
            "payloadType": "application/vnd.in-toto+json",
            "signatures": [{"keyid": keyid, "sig": encode_base64(&signature)}],
        }))
        .unwrap()
    }

    fn assert_passes(trace: &Trace) {
        assert_eq!(
            trace.verdict(),
            crate::trace::Verdict::Pass,
            "{}",
            trace.render_text()
        );
    }

    /// The first failing check: its id and subject.
    fn first_failure(trace: &Trace) -> Option<(&'static str, String)> {
        trace
            .first_failure()
            .map(|(_, check)| (check.id, check.subject.to_string()))
    }

    #[test]
    fn attestation_verifiers_own_layouts_and_attestations_verify() {
        let trace = verify(
            &read("layouts/layout.yml"),
            &folder("test-data"),
            &BTreeMap::new(),
        );
        assert_passes(&trace);
        // Three steps, each with its rules and attributes: nothing skipped.
        assert!(trace.skipped().is_empty());
        assert_eq!(
            trace
                .checks
                .iter()
                .filter(|c| c.id == "attest.step.attribute")
                .count(),
            6
        );

        let parameters: BTreeMap<String, String> =
            serde_json::from_slice(&read("parameters/npm-sigstore.json")).unwrap();
        let trace = verify(
            &read("layouts/layout-npm.yml"),
            &folder("test-data-npm"),
            &parameters,
        );
        assert_passes(&trace);
        // Without its parameters the npm layout's rules name `{package_name}`: they fail.
        let trace = verify(
            &read("layouts/layout-npm.yml"),
            &folder("test-data-npm"),
            &BTreeMap::new(),
        );
        assert_eq!(
            first_failure(&trace),
            Some((
                "attest.step.rule",
                "build expected_materials rule #2".into()
            ))
        );
    }

    #[test]
    fn the_projects_key_signs_its_raw_statements_into_the_published_attestations() {
        // ed25519 is deterministic: signing the published payload again gives the published
        // signature, so the signing helper the failure tests use is the project's own.
        let published: Value =
            serde_json::from_slice(&read("test-data/clone.fe1c6281.json")).unwrap();
        let payload =
            crate::crypto::envelope::decode_base64(published["payload"].as_str().unwrap()).unwrap();
        let signature = functionary()
            .sign(&pae("application/vnd.in-toto+json", &payload))
            .unwrap();
        assert_eq!(published["signatures"][0]["sig"], encode_base64(&signature));
    }

    #[test]
    fn a_changed_subject_digest_fails_at_the_rule_that_matches_it() {
        let mut clone: Value = serde_json::from_slice(&read("test-data-raw/clone.json")).unwrap();
        clone["subject"][0]["digest"]["sha256"] = Value::String("0".repeat(64));
        let mut attestations = folder("test-data");
        attestations[1].1 = sign_as(&clone, &functionary(), FUNCTIONARY);
        assert_eq!(attestations[1].0, "clone.fe1c6281.json");
        let trace = verify(&read("layouts/layout.yml"), &attestations, &BTreeMap::new());
        // `foo` no longer matches clone's product: test's materials rule 2 (DISALLOW *) sees it.
        assert_eq!(
            first_failure(&trace),
            Some(("attest.step.rule", "test expected_materials rule #2".into())),
            "{}",
            trace.render_text()
        );
        assert_eq!(
            first_failure(&trace),
            Some(("attest.step.rule", "test expected_materials rule #2".into()))
        );
        let (_, check) = trace.first_failure().unwrap();
        let Outcome::Fail { failure } = &check.outcome else {
            unreachable!()
        };
        assert_eq!(failure.artifacts, ["foo"]);

        // Changed without being signed again, the attestation counts for nothing.
        let mut tampered: Value =
            serde_json::from_slice(&read("test-data/clone.fe1c6281.json")).unwrap();
        let payload = serde_json::to_vec(&clone).unwrap();
        tampered["payload"] = Value::String(encode_base64(&payload));
        attestations[1].1 = serde_json::to_vec(&tampered).unwrap();
        let trace = verify(&read("layouts/layout.yml"), &attestations, &BTreeMap::new());
        assert_eq!(
            first_failure(&trace),
            Some(("attest.step.attestations", "step clone".into()))
        );
        assert!(
            trace
                .warnings()
                .iter()
                .any(|c| c.id == "attest.attestation")
        );
    }

    #[test]
    fn a_broken_attribute_rule_fails_at_its_check() {
        let layout = String::from_utf8(read("layouts/layout.yml")).unwrap();
        let expect = |layout: String, failing: &str, message: &str| {
            let trace = verify(layout.as_bytes(), &folder("test-data"), &BTreeMap::new());
            assert_eq!(
                first_failure(&trace),
                Some(("attest.step.attribute", failing.to_owned())),
                "{}",
                trace.render_text()
            );
            let (_, check) = trace.first_failure().unwrap();
            let Outcome::Fail { failure } = &check.outcome else {
                unreachable!()
            };
            assert!(failure.message.contains(message), "{}", failure.message);
        };
        expect(
            layout.replace(
                "predicate.result == 'PASSED'",
                "predicate.result == 'FAILED'",
            ),
            "test attribute rule #2",
            "verification failed for rule 'predicate.result == 'FAILED''",
        );
        expect(
            layout.replace("predicate.result == 'PASSED'", "predicate.result =="),
            "test attribute rule #2",
            "CEL syntax",
        );
        // A rule about an attribute the attestation lacks fails (ITE-11), unless it allows it.
        expect(
            layout.replace("size(subject) != 0", "predicate.coverage > 90"),
            "test attribute rule #3",
            "no such key: coverage",
        );
        let allowed = layout.replace(
            "          - rule: \"size(subject) != 0\"",
            "          - rule: \"predicate.coverage > 90\"\n            allowIfNoClaim: true",
        );
        let trace = verify(allowed.as_bytes(), &folder("test-data"), &BTreeMap::new());
        assert_passes(&trace);
        // `warn: true` (clone's rule) only warns when false.
        let warned = layout.replace(
            "'https://example.com/foo.git']",
            "'https://example.com/bar.git']",
        );
        let trace = verify(warned.as_bytes(), &folder("test-data"), &BTreeMap::new());
        assert_eq!(trace.verdict(), crate::trace::Verdict::Pass);
        assert!(
            trace
                .warnings()
                .iter()
                .any(|c| c.id == "attest.step.attribute")
        );
    }

    #[test]
    fn layouts_expire_need_their_functionaries_and_are_signed_when_keys_are_given() {
        let layout = String::from_utf8(read("layouts/layout.yml")).unwrap();
        let expired = layout.replace("2100-10-10T12:23:22Z", "2020-10-10T12:23:22Z");
        let trace = verify(expired.as_bytes(), &folder("test-data"), &BTreeMap::new());
        assert_eq!(
            first_failure(&trace),
            Some(("attest.layout.expiry", "layout".into()))
        );

        // Another functionary for the build step: the project's attestation no longer counts.
        let other = PrivateKey::ed25519_from_seed(&[4; 32]);
        let build = layout.find("  - name: \"build\"").unwrap();
        let reassigned = format!(
            "{}{}",
            &layout[..build],
            layout[build..].replace(FUNCTIONARY, other.keyid())
        );
        let trace = verify(
            reassigned.as_bytes(),
            &folder("test-data"),
            &BTreeMap::new(),
        );
        assert_eq!(
            first_failure(&trace),
            Some(("attest.step.predicate", "step build".into()))
        );

        // Signed in DSSE by the layout owner: checked against the key given.
        let owner = PrivateKey::ed25519_from_seed(&[5; 32]);
        let as_json = serde_yaml_ng::from_str::<Value>(&layout).unwrap();
        let signed = sign(&as_json, &owner);
        let trace = verify_with_keys(
            &signed,
            &[owner.public().clone()],
            &folder("test-data"),
            &BTreeMap::new(),
        );
        assert_passes(&trace);
        assert!(trace.warnings().is_empty());
        let trace = verify_with_keys(
            &signed,
            &[other.public().clone()],
            &folder("test-data"),
            &BTreeMap::new(),
        );
        assert_eq!(
            first_failure(&trace),
            Some(("attest.layout.signatures", "layout".into()))
        );
        let trace = verify(&signed, &folder("test-data"), &BTreeMap::new());
        assert_eq!(
            first_failure(&trace),
            Some(("attest.layout.signatures", "layout".into()))
        );
    }

    #[test]
    fn files_are_named_for_their_step_as_the_prototype_names_them() {
        assert_eq!(step_of_file("build.fe1c6281.json"), "build");
        assert_eq!(step_of_file("release.build.fe1c6281.json"), "release.build");
        assert_eq!(step_of_file("build.json"), "build");
    }
}

#[cfg(test)]
mod sigstore_functionaries {
    use super::*;
    use crate::trace::Verdict;

    const IDENTITY: &str =
        "https://github.com/sigstore/sigstore-js/.github/workflows/release.yml@refs/heads/main";

    fn real(path: &str) -> Vec<u8> {
        std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/data/real-world")
                .join(path),
        )
        .unwrap()
    }

    /// npm's release of sigstore@2.0.0 as an ITE-10 step: its published provenance (a Sigstore
    /// bundle) by a functionary that is the release workflow's Sigstore identity.
    fn layout(identity: &str) -> String {
        format!(
            r#"expires: "2099-01-01T00:00:00Z"
functionaries:
  npm-release:
    keyType: "sigstore-oidc"
    scheme: "Fulcio"
    keyVal:
      identity: "{identity}"
      issuer: "https://token.actions.githubusercontent.com"
steps:
  - name: "build"
    expectedProducts:
      - "CREATE pkg:npm/sigstore@2.0.0"
      - "DISALLOW *"
    expectedPredicates:
      - predicateType: "https://slsa.dev/provenance/v1"
        expectedAttributes:
          - rule: "predicate.runDetails.builder.id == 'https://github.com/actions/runner/github-hosted'"
          - rule: "predicate.buildDefinition.externalParameters.workflow.repository == 'https://github.com/sigstore/sigstore-js'"
        functionaries:
          - "npm-release"
"#
        )
    }

    fn verify(layout: &str, trusted_root: Option<&[u8]>) -> Trace {
        let attestations = vec![(
            "build.sigstore.json".to_owned(),
            real("sigstore-rust/sigstore.js@2.0.0-provenance.sigstore.json"),
        )];
        verify_attestations(&AttestRequest {
            layout_name: "layout.yml",
            layout: layout.as_bytes(),
            layout_keys: &[],
            attestations: &attestations,
            parameters: &BTreeMap::new(),
            now: UtcTime::parse_rfc3339("2026-12-01T00:00:00Z").unwrap(),
            trusted_root: trusted_root.map(|root| ("trusted_root.json", root)),
        })
        .unwrap()
    }

    #[test]
    fn a_published_sigstore_bundle_is_evidence_from_a_sigstore_identity() {
        let root = real("sigstore-root-signing/targets/trusted_root.json");
        let trace = verify(&layout(IDENTITY), Some(&root));
        assert_eq!(trace.verdict(), Verdict::Pass, "{}", trace.render_text());
        let attestation = trace
            .checks
            .iter()
            .find(|c| c.id == checks::ATTEST_ATTESTATION.id)
            .unwrap();
        assert!(
            attestation
                .evidence
                .iter()
                .any(|(label, value)| label == "signed with Sigstore by" && value == "npm-rele"),
            "{attestation:?}"
        );
        assert_eq!(
            trace
                .checks
                .iter()
                .filter(|c| c.id == checks::ATTEST_ATTRIBUTE.id)
                .count(),
            2
        );
    }

    /// Another identity: Sigstore says the certificate names someone else, the bundle is not
    /// used, and the step is left without evidence.
    #[test]
    fn a_bundle_from_another_identity_is_not_evidence() {
        let root = real("sigstore-root-signing/targets/trusted_root.json");
        let trace = verify(
            &layout(
                "https://github.com/sigstore/sigstore-js/.github/workflows/other.yml@refs/heads/main",
            ),
            Some(&root),
        );
        let warned = trace
            .checks
            .iter()
            .find(|c| c.id == checks::ATTEST_ATTESTATION.id)
            .unwrap();
        let crate::trace::Outcome::Warn { message } = &warned.outcome else {
            panic!("{warned:?}");
        };
        assert!(message.contains("sigstore.identity"), "{message}");
        let (_, failed) = trace.first_failure().unwrap();
        assert_eq!(
            (failed.id, failed.subject.to_string().as_str()),
            (checks::ATTEST_STEP_ATTESTATIONS.id, "step build")
        );
    }

    /// Without a trusted root nothing says who signed the bundle: that fails, it is not
    /// skipped; with another instance's root the bundle does not verify.
    #[test]
    fn a_bundle_without_the_right_trusted_root_fails() {
        let trace = verify(&layout(IDENTITY), None);
        let (_, failed) = trace.first_failure().unwrap();
        assert_eq!(failed.id, checks::ATTEST_ATTESTATION.id);
        let crate::trace::Outcome::Fail { failure } = &failed.outcome else {
            panic!("{failed:?}");
        };
        assert!(failure.headline().contains("--trusted-root"), "{failed:?}");

        let github = real("sigstore-rust/trusted_root_github.json");
        let trace = verify(&layout(IDENTITY), Some(&github));
        assert_eq!(trace.verdict(), Verdict::Fail, "{}", trace.render_text());
        let (_, failed) = trace.first_failure().unwrap();
        assert_eq!(failed.id, checks::ATTEST_STEP_ATTESTATIONS.id);
    }
}

#[cfg(test)]
mod sigstore_functionary_lint {
    use crate::attest::layout::read_layout;
    use crate::attest::lint::lint;

    /// A Sigstore identity is a functionary the lint accepts (no key to read); one without
    /// an identity is named.
    #[test]
    fn a_sigstore_identity_is_linted_as_an_identity() {
        let now = crate::time::UtcTime::parse_rfc3339("2026-12-01T00:00:00Z").unwrap();
        let layout = |identity: &str| {
            let text = super::sigstore_functionaries_layout(identity);
            read_layout(text.as_bytes()).unwrap().layout
        };
        assert_eq!(
            lint(&layout("https://example.com/ci@refs/heads/main"), now),
            Vec::new()
        );
        let codes: Vec<&str> = lint(&layout(""), now).into_iter().map(|f| f.code).collect();
        assert_eq!(codes, ["attest-identity-missing"]);
    }
}

#[cfg(test)]
fn sigstore_functionaries_layout(identity: &str) -> String {
    format!(
        "expires: \"2099-01-01T00:00:00Z\"\nfunctionaries:\n  ci:\n    keyType: \"sigstore-oidc\"\n    scheme: \"Fulcio\"\n    keyVal:\n      identity: \"{identity}\"\n      issuer: \"https://token.actions.githubusercontent.com\"\nsteps:\n  - name: \"build\"\n    expectedPredicates:\n      - predicateType: \"https://slsa.dev/provenance/v1\"\n        functionaries:\n          - \"ci\"\n"
    )
}
