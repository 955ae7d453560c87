//! ITE-2: in-toto metadata distributed through TUF, verified end to end. The only module that
//! uses both engines.
//!
//! A package target's `custom.in-toto` lists the in-toto files that vouch for it (the layout
//! and the links). Everything is fetched through the TUF client, so every byte is vouched for
//! by a role. The layout, and the public keys that must have signed it, are trusted only when
//! the role that vouches for them is the layout role (an offline-key role; which one cannot be
//! read from the metadata, so it is an input, `targets` by default): a thief of the online key
//! can list packages, links, and even a layout of its own, but cannot make a layout count.
//! The layout's keys are the layout target's own `custom.in-toto` list when it has one, else
//! every `in-toto-pubkeys/` target of the layout role. Then in-toto verifies the package, in
//! temporary folders (nothing is written anywhere else).

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::checks;
use crate::crypto::PublicKey;
use crate::crypto::keyfile::parse_key_bytes;
use crate::files;
use crate::intoto::verify::{INSPECTIONS_HINT, InspectionMode, VerifyOptions, verify_layout_file};
use crate::shown::Shown;
use crate::time::UtcTime;
use crate::trace::{Failure, Subject, Trace};
use crate::tuf::client::{Client, ClientConfig, Found, Halt};
use crate::tuf::transport::Transport;
use crate::tuf::verify::{VerifyError, open_transport};

/// Where an online-key role may not lead: the paths under which the layout role keeps keys.
pub const PUBKEYS_PREFIX: &str = "in-toto-pubkeys/";

/// What to verify.
#[derive(Debug, Clone)]
pub struct Ite2Request {
    /// A repository folder, a metadata folder, a `file://` or an `http(s)://` URL.
    pub repo: String,
    pub targets_url: Option<String>,
    /// The root the client trusts (a pinned root: ITE-2 is pointless without one).
    pub root: PathBuf,
    /// The client's previously trusted metadata (rollbacks are judged against it).
    pub trusted_dir: Option<PathBuf>,
    /// The role trusted for layouts and their keys.
    pub layout_role: String,
    /// The package to verify.
    pub target: String,
    pub inspections: InspectionMode,
    pub now: UtcTime,
    pub config: ClientConfig,
}

/// Everything `verify-target` reports.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Ite2Report {
    /// TUF checks, then ITE-2's, then in-toto's, numbered as one.
    pub trace: Trace,
    /// The package: the role that vouches for it and the chain down to it.
    pub package: Option<Vouched>,
    pub layout: Option<Vouched>,
    pub layout_keys: Vec<Vouched>,
    pub links: Vec<Vouched>,
    /// Where in-toto's checks start in `trace`.
    pub intoto_from: Option<usize>,
    /// The layout, link and package files as fetched and verified through TUF, by target path
    /// (for the step graph, the link details and the changed-artifact view).
    #[serde(skip)]
    pub downloaded: Vec<(String, Vec<u8>)>,
}

impl Ite2Report {
    /// The combined trace, what vouched for what, and the failure with its hint last.
    pub fn render_text(&self) -> String {
        use std::fmt::Write as _;
        let mut out = self.trace.render_text();
        let line = |out: &mut String, what: &str, v: &Vouched| {
            let _ = writeln!(
                out,
                "  {what} {}: vouched for by {}",
                Shown(&v.path),
                Shown(&v.chain.join(" → "))
            );
        };
        if self.package.is_some() {
            let _ = writeln!(
                out,
                "
through TUF:"
            );
        }
        if let Some(package) = &self.package {
            line(&mut out, "package", package);
        }
        if let Some(layout) = &self.layout {
            line(&mut out, "layout", layout);
        }
        for key in &self.layout_keys {
            line(&mut out, "layout key", key);
        }
        for link in &self.links {
            line(&mut out, "link", link);
        }
        match self.trace.first_failure() {
            Some(_) if self.trace.cannot_verify().is_some() => {
                let _ = writeln!(
                    out,
                    "\nCANNOT VERIFY: {}",
                    Shown(self.trace.cannot_verify().unwrap_or_default())
                );
            }
            Some((index, check)) => {
                if let crate::trace::Outcome::Fail { failure } = &check.outcome {
                    let part = match self.intoto_from {
                        Some(from) if index >= from => "in-toto",
                        _ if check.id.starts_with("ite2") => "ITE-2",
                        _ => "TUF",
                    };
                    let _ = writeln!(
                        out,
                        "
FAILED in the {part} part, check {}: {}",
                        index + 1,
                        Shown(&failure.headline())
                    );
                    let _ = writeln!(out, "  at {} ({})", check.subject, check.id);
                    if let Some(hint) = &failure.hint {
                        let _ = writeln!(out, "hint: {}", Shown(hint));
                    }
                }
            }
            None => {
                let package = Shown(
                    self.package
                        .as_ref()
                        .map_or("the target", |p| p.path.as_str()),
                );
                match self.trace.incomplete_summary() {
                    Some(summary) => {
                        let _ = writeln!(
                            out,
                            "
NOT FULLY VERIFIED: {package} is vouched for by TUF and nothing that ran failed, but {summary}
hint: {INSPECTIONS_HINT}"
                        );
                    }
                    None => {
                        let _ = writeln!(
                            out,
                            "
PASSED: {package} is vouched for by TUF and its supply chain verifies"
                        );
                    }
                }
            }
        }
        out
    }
}

/// A target and the role that vouched for it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Vouched {
    pub path: String,
    pub role: String,
    pub chain: Vec<String>,
}

impl From<&Found> for Vouched {
    fn from(found: &Found) -> Vouched {
        Vouched {
            path: found.path.clone(),
            role: found.role.clone(),
            chain: found.chain.clone(),
        }
    }
}

pub fn verify_target(request: &Ite2Request) -> Result<Ite2Report, VerifyError> {
    let transport =
        open_transport(&request.repo, request.targets_url.as_deref()).map_err(|source| {
            VerifyError::Repository {
                repo: request.repo.clone(),
                source,
            }
        })?;
    verify_target_with(transport.as_ref(), request)
}

/// The `custom.in-toto` list of a target, if it has one (strings only).
fn in_toto_list(found: &Found) -> Option<Result<Vec<String>, String>> {
    let list = found.info.custom.as_ref()?.get("in-toto")?;
    let Value::Array(items) = list else {
        return Some(Err(format!(
            "custom.in-toto of {} is not a list",
            found.path
        )));
    };
    Some(
        items
            .iter()
            .map(|item| {
                item.as_str().map(str::to_owned).ok_or_else(|| {
                    format!("custom.in-toto of {} holds {item}, not a path", found.path)
                })
            })
            .collect(),
    )
}

fn target_subject(path: &str) -> Subject {
    Subject::Target {
        path: path.to_owned(),
    }
}

/// [`verify_target`] over any transport.
pub fn verify_target_with(
    transport: &dyn Transport,
    request: &Ite2Request,
) -> Result<Ite2Report, VerifyError> {
    let root_bytes =
        files::read_bounded(&request.root, request.config.root_max_length).map_err(|source| {
            VerifyError::Root {
                path: request.root.clone(),
                source,
            }
        })?;
    let mut report = Ite2Report {
        trace: Trace::new(format!("{} from {}", request.target, request.repo)),
        package: None,
        layout: None,
        layout_keys: Vec::new(),
        links: Vec::new(),
        intoto_from: None,
        downloaded: Vec::new(),
    };
    let trace = &mut report.trace;
    let origin = request.root.display().to_string();
    let Ok(mut client) = Client::new(
        transport,
        request.config.clone(),
        request.now,
        &root_bytes,
        &origin,
        request.trusted_dir.clone(),
        trace,
    ) else {
        return Ok(report);
    };
    if client.refresh(trace).is_err() {
        return Ok(report);
    }
    let _ = run(&mut client, request, &mut report);
    Ok(report)
}

/// A target found and fetched through TUF.
fn fetch(client: &mut Client<'_>, path: &str, trace: &mut Trace) -> Result<(Found, Vec<u8>), Halt> {
    let found = client.find_target(path, trace)?;
    let bytes = client.fetch_target(&found, trace)?;
    Ok((found, bytes))
}

/// ITE-2's rule for the layout and its keys: the role that vouches must be the layout role.
fn check_layout_role(
    found: &Found,
    what: &str,
    layout_role: &str,
    trace: &mut Trace,
) -> Result<(), Halt> {
    let subject = target_subject(&found.path);
    let title = format!(
        "{what} {} comes from the layout role {layout_role}",
        found.path
    );
    if found.role == layout_role {
        trace
            .pass(checks::ITE2_LAYOUT_ROLE, subject, &title)
            .add_evidence("delegation chain", found.chain.join(" → "));
        return Ok(());
    }
    trace
        .fail(
            checks::ITE2_LAYOUT_ROLE,
            subject,
            &title,
            Failure::of_kind(
                "UntrustedLayoutError",
                format!(
                    "{what} {} is vouched for by {}, not by the layout role {layout_role}",
                    found.path, found.role
                ),
            )
            .expected(format!("{} listed by {layout_role}", found.path))
            .found(format!("listed by {} (via {})", found.role, found.chain.join(" → ")))
            .hint(format!(
                "only {layout_role} (an offline-key role) may vouch for layouts and their keys; a role signed by an online key listing one is what a stolen online key looks like"
            )),
        )
        .add_evidence("delegation chain", found.chain.join(" → "));
    Err(Halt)
}

/// Where a link goes in the link folder: its file name, inside the folder a sublayout's links
/// use (`<step>.<keyid8>/`) when it came from one.
fn link_place(path: &str) -> String {
    let mut parts = path.rsplit('/');
    let name = parts.next().unwrap_or(path);
    match parts.next() {
        Some(folder)
            if folder.rsplit_once('.').is_some_and(|(_, id)| {
                id.len() == 8 && id.bytes().all(|b| b.is_ascii_hexdigit())
            }) =>
        {
            format!("{folder}/{name}")
        }
        _ => name.to_owned(),
    }
}

fn write_into(
    folder: &Path,
    relative: &str,
    bytes: &[u8],
    trace: &mut Trace,
) -> Result<PathBuf, Halt> {
    let written = files::join_inside(folder, relative)
        .map_err(|e| crate::report::chain(&e))
        .and_then(|path| {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| crate::report::chain(&e))?;
            }
            std::fs::write(&path, bytes).map_err(|e| crate::report::chain(&e))?;
            Ok(path)
        });
    written.map_err(|problem| {
        trace.fail(
            checks::ITE2_FILES,
            target_subject(relative),
            &format!("place {relative} for in-toto"),
            Failure::new(format!(
                "cannot place {relative} in a temporary folder: {problem}"
            )),
        );
        Halt
    })
}

/// The layout's keys, from the layout role only: the layout target's own `custom.in-toto`
/// list when it has one, else every `in-toto-pubkeys/` target of the layout role.
fn layout_keys(
    client: &mut Client<'_>,
    request: &Ite2Request,
    report: &mut Ite2Report,
    layout: &Found,
) -> Result<Vec<PublicKey>, Halt> {
    let trace = &mut report.trace;
    let key_paths: Vec<String> = match in_toto_list(layout) {
        Some(Ok(list)) => list,
        Some(Err(problem)) => {
            trace.fail(
                checks::ITE2_KEYS,
                target_subject(&layout.path),
                "the layout's keys are named",
                Failure::of_kind("Ite2MetadataError", problem),
            );
            return Err(Halt);
        }
        None if !client.roles().contains_key(&request.layout_role) => Vec::new(),
        None => match client.role_targets(&request.layout_role) {
            Ok(role) => role
                .signed
                .targets
                .keys()
                .filter(|p| p.starts_with(PUBKEYS_PREFIX))
                .cloned()
                .collect(),
            Err(error) => {
                trace.fail(
                    checks::ITE2_KEYS,
                    target_subject(&layout.path),
                    "the layout's keys are named",
                    Failure::of_kind("Ite2MetadataError", crate::report::chain(&error)),
                );
                return Err(Halt);
            }
        },
    };
    let from = if in_toto_list(layout).is_some() {
        format!("custom.in-toto of {}", layout.path)
    } else {
        format!("the {PUBKEYS_PREFIX} targets of {}", request.layout_role)
    };
    if key_paths.is_empty() {
        trace.fail(
            checks::ITE2_KEYS,
            target_subject(&layout.path),
            "the layout's keys are named",
            Failure::of_kind(
                "Ite2MetadataError",
                format!("no layout key: {from} names none"),
            )
            .hint(format!(
                "list the layout owner's public key as {PUBKEYS_PREFIX}<keyid>.pub in {}",
                request.layout_role
            )),
        );
        return Err(Halt);
    }
    trace
        .pass(
            checks::ITE2_KEYS,
            target_subject(&layout.path),
            "the layout's keys are named",
        )
        .add_evidence("from", from)
        .add_evidence("keys", key_paths.join(", "));
    let mut keys: Vec<PublicKey> = Vec::new();
    for path in &key_paths {
        let (found, bytes) = fetch(client, path, trace)?;
        check_layout_role(&found, "layout key", &request.layout_role, trace)?;
        match parse_key_bytes(&bytes, None) {
            Ok(file) => {
                keys.push(file.public().clone());
                report.layout_keys.push(Vouched::from(&found));
            }
            Err(problem) => {
                trace.fail(
                    checks::ITE2_KEYS,
                    target_subject(path),
                    &format!("{path} is a public key"),
                    Failure::of_kind(
                        "Ite2MetadataError",
                        format!("{path} is not a key file: {problem}"),
                    ),
                );
                return Err(Halt);
            }
        }
    }

    Ok(keys)
}

/// An ITE-10 attestation layout (attestation-verifier's YAML), rather than an in-toto layout.
fn is_attestation_layout(path: &str) -> bool {
    path.ends_with(".yml") || path.ends_with(".yaml")
}

/// The in-toto statement an attestation file carries: a DSSE envelope's payload, a Sigstore
/// bundle's, or a PEP 740 attestation's.
fn statement_in(bytes: &[u8]) -> Option<Value> {
    let value: Value = serde_json::from_slice(bytes).ok()?;
    serde_json::from_slice(&crate::attest::verify::statement_payload(&value)?).ok()
}

/// ITE-2 with an ITE-10 layout: the attestations the package names, fetched through TUF, are
/// verified against the layout (vouched for by the layout role; when it is signed, its keys
/// come from the layout role as an in-toto layout's do), and the package served must be a
/// subject of an attestation the layout accepted: ITE-10 runs no inspection that would look
/// at it.
fn run_attestations(
    client: &mut Client<'_>,
    request: &Ite2Request,
    report: &mut Ite2Report,
    (package, package_bytes): (&Found, Vec<u8>),
    (layout, layout_bytes): (&Found, Vec<u8>),
    evidence: &[String],
) -> Result<(), Halt> {
    let signed = match crate::attest::layout::read_layout(&layout_bytes) {
        Ok(read) => read.envelope.is_some(),
        Err(problem) => {
            report.trace.fail(
                checks::ITE2_LAYOUT,
                target_subject(&layout.path),
                "the layout is an ITE-10 attestation layout",
                Failure::of_kind("FormatError", problem.to_string()),
            );
            return Err(Halt);
        }
    };
    let keys = if signed {
        layout_keys(client, request, report, layout)?
    } else {
        report
            .trace
            .pass(
                checks::ITE2_KEYS,
                target_subject(&layout.path),
                "the layout's keys are named",
            )
            .add_evidence(
                "none",
                format!(
                    "an unsigned ITE-10 layout: {} vouching for it is what makes it trusted",
                    request.layout_role
                ),
            );
        Vec::new()
    };
    let trace = &mut report.trace;
    let mut attestations = Vec::new();
    for path in evidence {
        let (found, bytes) = fetch(client, path, trace)?;
        report.links.push(Vouched::from(&found));
        report.downloaded.push((path.clone(), bytes.clone()));
        let name = path.rsplit('/').next().unwrap_or(path).to_owned();
        attestations.push((name, bytes));
    }
    trace
        .pass(
            checks::ITE2_FILES,
            Subject::Layout,
            "the package, layout and attestations were fetched through TUF",
        )
        .add_evidence("attestations", attestations.len().to_string());
    let verified =
        crate::attest::verify::verify_attestations(&crate::attest::verify::AttestRequest {
            layout_name: &layout.path,
            layout: &layout_bytes,
            layout_keys: &keys,
            attestations: &attestations,
            parameters: &Default::default(),
            now: request.now,
            trusted_root: None,
        });
    let attested = match verified {
        Ok(attested) => attested,
        Err(problem) => {
            trace.fail(
                checks::ITE2_LAYOUT,
                target_subject(&layout.path),
                "the layout is an ITE-10 attestation layout",
                Failure::of_kind("FormatError", problem.to_string()),
            );
            return Err(Halt);
        }
    };
    // The attestations the layout accepted (a signature by a functionary).
    let accepted: Vec<&str> = attested
        .checks
        .iter()
        .filter(|c| {
            c.id == checks::ATTEST_ATTESTATION.id
                && matches!(c.outcome, crate::trace::Outcome::Pass)
        })
        .filter_map(|c| match &c.subject {
            Subject::File { name } => Some(name.as_str()),
            _ => None,
        })
        .collect();
    let package_name = package.path.rsplit('/').next().unwrap_or(&package.path);
    let digest = crate::crypto::digest::hex_digest("sha256", &package_bytes).unwrap_or_default();
    let attesting: Vec<&str> = attestations
        .iter()
        .filter(|(name, _)| accepted.contains(&name.as_str()))
        .filter(|(_, bytes)| {
            statement_in(bytes).is_some_and(|statement| {
                statement["subject"].as_array().is_some_and(|subjects| {
                    subjects.iter().any(|s| {
                        s["name"].as_str() == Some(package_name)
                            && s["digest"]["sha256"].as_str() == Some(digest.as_str())
                    })
                })
            })
        })
        .map(|(name, _)| name.as_str())
        .collect();
    report.intoto_from = Some(trace.checks.len());
    trace.checks.extend(attested.checks);
    report
        .downloaded
        .push((package.path.clone(), package_bytes));
    let subject = target_subject(&package.path);
    let title = "the package served is what the attestations vouch for";
    if attesting.is_empty() {
        trace.fail(
            checks::ITE2_ATTESTED,
            subject,
            title,
            Failure::of_kind(
                "Ite2MetadataError",
                format!(
                    "no attestation the layout accepted has {package_name} with sha256 {digest} as a subject"
                ),
            )
            .expected(format!("a subject {package_name} sha256:{digest}"))
            .hint("the package was changed after it was attested, or its attestations are not among those the layout accepts"),
        );
        return Err(Halt);
    }
    trace
        .pass(checks::ITE2_ATTESTED, subject, title)
        .add_evidence("sha256", digest)
        .add_evidence("attested by", attesting.join(", "));
    Ok(())
}

fn run(
    client: &mut Client<'_>,
    request: &Ite2Request,
    report: &mut Ite2Report,
) -> Result<(), Halt> {
    let trace = &mut report.trace;
    let (package, package_bytes) = fetch(client, &request.target, trace)?;
    report.package = Some(Vouched::from(&package));

    // The in-toto files the package names.
    let subject = target_subject(&package.path);
    let listed = match in_toto_list(&package) {
        Some(Ok(list)) if !list.is_empty() => list,
        Some(Err(problem)) => {
            trace.fail(
                checks::ITE2_CUSTOM,
                subject,
                "the package names its in-toto metadata",
                Failure::of_kind("Ite2MetadataError", problem),
            );
            return Err(Halt);
        }
        _ => {
            trace.fail(
                checks::ITE2_CUSTOM,
                subject,
                "the package names its in-toto metadata",
                Failure::of_kind(
                    "Ite2MetadataError",
                    format!("{} has no custom.in-toto list: nothing says how it was made", package.path),
                )
                .hint(format!(
                    "{} must list its layout and links in custom.in-toto when it is added to the repository",
                    package.role
                )),
            );
            return Err(Halt);
        }
    };
    trace
        .pass(
            checks::ITE2_CUSTOM,
            subject.clone(),
            "the package names its in-toto metadata",
        )
        .add_evidence("custom.in-toto", listed.join(", "));
    let (layouts, others): (Vec<&String>, Vec<&String>) = listed
        .iter()
        .partition(|p| p.ends_with(".layout") || is_attestation_layout(p));
    // An in-toto layout's evidence is links; an ITE-10 layout's, attestations.
    let attestations = layouts.len() == 1 && is_attestation_layout(layouts[0]);
    let evidence_suffix = if attestations { ".json" } else { ".link" };
    let (links, strays): (Vec<&String>, Vec<&String>) = others
        .into_iter()
        .partition(|p| p.ends_with(evidence_suffix));
    if let Some(stray) = strays.first() {
        trace.fail(
            checks::ITE2_CUSTOM,
            subject,
            "every file the package names is a layout or a link",
            Failure::of_kind(
                "Ite2MetadataError",
                if attestations {
                    format!(
                        "custom.in-toto of {} names an ITE-10 layout and {stray}, which is not an attestation (.json)",
                        package.path
                    )
                } else {
                    format!(
                        "custom.in-toto of {} names {stray}, which is neither a .layout nor a .link",
                        package.path
                    )
                },
            )
            .hint("the layout's keys come from the layout role, never from the package's list"),
        );
        return Err(Halt);
    }
    let layout_path = match layouts.as_slice() {
        [one] => (*one).clone(),
        _ => {
            trace.fail(
                checks::ITE2_LAYOUT,
                subject,
                "the package names one layout",
                Failure::of_kind(
                    "Ite2MetadataError",
                    format!(
                        "custom.in-toto of {} names {} layouts",
                        package.path,
                        layouts.len()
                    ),
                )
                .expected("exactly one .layout")
                .found(
                    layouts
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            );
            return Err(Halt);
        }
    };

    // The layout, and its keys, from the layout role only.
    let (layout, layout_bytes) = fetch(client, &layout_path, trace)?;
    report.layout = Some(Vouched::from(&layout));
    report
        .downloaded
        .push((layout.path.clone(), layout_bytes.clone()));
    check_layout_role(&layout, "layout", &request.layout_role, trace)?;
    if attestations {
        let evidence: Vec<String> = links.into_iter().cloned().collect();
        return run_attestations(
            client,
            request,
            report,
            (&package, package_bytes),
            (&layout, layout_bytes),
            &evidence,
        );
    }
    let keys = layout_keys(client, request, report, &layout)?;
    let trace = &mut report.trace;

    // The links, and everything placed where in-toto reads it.
    let scratch = tempfile::Builder::new()
        .prefix("chainscope-ite2-")
        .tempdir()
        .map_err(|e| {
            trace.fail(
                checks::ITE2_FILES,
                Subject::Layout,
                "make a temporary folder",
                Failure::new(format!("cannot make a temporary folder: {e}")),
            );
            Halt
        })?;
    let link_dir = scratch.path().join("links");
    let artifacts_dir = scratch.path().join("artifacts");
    for path in &links {
        let (found, bytes) = fetch(client, path, trace)?;
        report.links.push(Vouched::from(&found));
        write_into(&link_dir, &link_place(path), &bytes, trace)?;
        report.downloaded.push(((*path).clone(), bytes));
    }
    std::fs::create_dir_all(&link_dir).ok();
    let package_name = package
        .path
        .rsplit('/')
        .next()
        .unwrap_or(&package.path)
        .to_owned();
    write_into(&artifacts_dir, &package_name, &package_bytes, trace)?;
    report
        .downloaded
        .push((package.path.clone(), package_bytes));
    let layout_name = layout
        .path
        .rsplit('/')
        .next()
        .unwrap_or(&layout.path)
        .to_owned();
    let layout_file = write_into(scratch.path(), &layout_name, &layout_bytes, trace)?;
    trace
        .pass(
            checks::ITE2_FILES,
            Subject::Layout,
            "the package, layout and links are in place for in-toto",
        )
        .add_evidence("package", package_name)
        .add_evidence("links", links.len().to_string());

    let options = VerifyOptions {
        now: request.now,
        layout_keys: keys,
        link_dir,
        artifacts_dir,
        parameters: Default::default(),
        inspections: request.inspections.clone(),
    };
    match verify_layout_file(&layout_file, &options) {
        Ok(intoto) => {
            report.intoto_from = Some(trace.checks.len());
            trace.checks.extend(intoto.checks);
        }
        Err(problem) => {
            trace.fail(
                checks::ITE2_LAYOUT,
                target_subject(&layout.path),
                "the layout is an in-toto layout",
                Failure::of_kind("FormatError", problem),
            );
            return Err(Halt);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The report of `verify_target` for the package of the attestation sample distributed
    /// through TUF ([`crate::samples::attestations::write_distributed`]), after `change`.
    fn attested_repository(
        change: impl FnOnce(&mut crate::edit::tuf::TufRepo, &Path, &[String]),
    ) -> Ite2Report {
        use crate::samples::{GENERATED_AT, PACKAGE, time};
        let dir = tempfile::tempdir().unwrap();
        let repo_dir = crate::samples::attestations::write_distributed(dir.path(), change).unwrap();
        verify_target(&Ite2Request {
            repo: repo_dir.display().to_string(),
            targets_url: None,
            root: repo_dir.join("metadata/1.root.json"),
            trusted_dir: None,
            layout_role: "targets".into(),
            target: PACKAGE.into(),
            inspections: InspectionMode::RecordOnly,
            now: time(GENERATED_AT),
            config: Default::default(),
        })
        .unwrap()
    }

    #[test]
    fn a_tuf_repository_distributes_attestations_verified_end_to_end() {
        let report = attested_repository(|_, _, _| {});
        let trace = &report.trace;
        assert_eq!(
            trace.verdict(),
            crate::trace::Verdict::Pass,
            "{}",
            trace.render_text()
        );
        let ids: Vec<&str> = trace.checks.iter().map(|c| c.id).collect();
        for id in [
            "tuf.5.7.3",
            "ite2.layout-role",
            "attest.step.attribute",
            "ite2.attested",
        ] {
            assert!(ids.contains(&id), "{id}: {ids:?}");
        }
        assert_eq!(report.links.len(), 3);
        assert!(report.links.iter().all(|l| l.role.starts_with("bins")));
    }

    /// The online key serves a changed package (it cannot re-sign the attestations): every
    /// attestation still verifies, and the package is caught as not what they vouch for.
    #[test]
    fn a_package_changed_after_it_was_attested_is_caught() {
        let report = attested_repository(|repo, dir, listed| {
            let changed = dir.join("changed.tar.gz");
            std::fs::write(
                &changed,
                crate::samples::package_of(crate::samples::FOO_BY_ATTACKER),
            )
            .unwrap();
            repo.add_target(
                &changed,
                crate::samples::PACKAGE,
                None,
                Some(serde_json::json!({"in-toto": listed})),
            )
            .unwrap();
        });
        let (_, failed) = report.trace.first_failure().unwrap();
        assert_eq!(
            failed.id,
            checks::ITE2_ATTESTED.id,
            "{}",
            report.trace.render_text()
        );
    }

    /// An attacker with the online key lists a layout of its own in the bins: only `targets`
    /// may vouch for it.
    #[test]
    fn an_attestation_layout_from_an_online_role_is_refused() {
        let report = attested_repository(|repo, dir, _| {
            let layout = dir.join("attacker.yml");
            std::fs::write(&layout, "expires: \"2099-01-01T00:00:00Z\"\nsteps: []\n").unwrap();
            repo.add_target(&layout, "attestations/evil/layout.yml", None, None)
                .unwrap();
            repo.add_target(
                &dir.join(crate::samples::PACKAGE),
                crate::samples::PACKAGE,
                None,
                Some(serde_json::json!({"in-toto": ["attestations/evil/layout.yml"]})),
            )
            .unwrap();
        });
        let (_, failed) = report.trace.first_failure().unwrap();
        assert_eq!(
            failed.id,
            checks::ITE2_LAYOUT_ROLE.id,
            "{}",
            report.trace.render_text()
        );
    }

    #[test]
    fn links_keep_their_sublayout_folder_and_nothing_else() {
        assert_eq!(
            link_place("in-toto-metadata/demo/build.abcd1234.link"),
            "build.abcd1234.link"
        );
        assert_eq!(
            link_place("in-toto-metadata/sub.0123abcd/step.deadbeef.link"),
            "sub.0123abcd/step.deadbeef.link"
        );
        assert_eq!(link_place("build.abcd1234.link"), "build.abcd1234.link");
    }
}
