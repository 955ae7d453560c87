//! `chainscope tuf verify`: a repository judged by the client workflow, then reported role by
//! role with its root history and a security review. The CLI and the app call this one place.

use std::path::PathBuf;

use super::client::{Client, ClientConfig, Found, RoleStatus, Verified};
use super::history::{RootVersion, root_history};
use super::review::{Finding, review};
use super::transport::{Area, FetchError, FolderTransport, Transport};
use crate::checks;
use crate::files;
use crate::shown::Shown;
use crate::time::UtcTime;
use crate::trace::{Subject, Trace};

/// What to verify.
#[derive(Debug, Clone)]
pub struct VerifyRequest {
    /// A repository folder (holding `metadata/` and `targets/`), a metadata folder, a
    /// `file://` URL of either, or an `http(s)://` URL.
    pub repo: String,
    /// Where targets are fetched from, when not beside the metadata.
    pub targets_url: Option<String>,
    /// The root the client trusts. Without it: `trusted_dir/root.json`, else the repository's
    /// own first root (and the trace says so).
    pub root: Option<PathBuf>,
    /// The client's previously trusted metadata, unversioned names.
    pub trusted_dir: Option<PathBuf>,
    /// Targets to resolve and fetch.
    pub targets: Vec<String>,
    /// Load and verify every delegated role as well.
    pub every_role: bool,
    pub now: UtcTime,
    pub config: ClientConfig,
    /// Results of earlier runs over this repository to reuse (the app's reloads).
    pub cache: Option<std::sync::Arc<super::cache::RoleCache>>,
}

/// Everything `tuf verify` reports.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RepositoryReport {
    pub trace: Trace,
    /// Which root was trusted, in words.
    pub trusted_root: String,
    pub roles: Vec<std::sync::Arc<RoleStatus>>,
    pub targets: Vec<TargetReport>,
    pub root_history: Vec<RootVersion>,
    pub findings: Vec<Finding>,
    /// The metadata the client verified (for the delegation tree and target search).
    #[serde(skip)]
    pub verified: Option<Verified>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct TargetReport {
    pub path: String,
    /// The role that vouches for it and the chain down to it, when found.
    pub role: Option<String>,
    pub chain: Vec<String>,
    pub length: Option<u64>,
    pub verified: bool,
}

/// Input that cannot be judged at all (exit 2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("cannot open the repository {repo}")]
    Repository { repo: String, source: FetchError },
    #[error("cannot read the trusted root {}", path.display())]
    Root {
        path: PathBuf,
        source: files::ReadError,
    },
    #[error(
        "no trusted root: {repo} has neither 1.root.json nor root.json, and no --root was given"
    )]
    NoRoot { repo: String },
    /// With a trusted folder the root comes from it (never from the repository itself).
    #[error("the trusted folder {} has no root.json", dir.display())]
    TrustedDirWithoutRoot { dir: PathBuf },
}

impl crate::report::Hint for VerifyError {
    fn hint(&self) -> Option<String> {
        Some(match self {
            VerifyError::TrustedDirWithoutRoot { .. } => {
                "with --trusted-dir the trusted root is that folder's root.json, never the repository's own: put the client's root.json there, or name the root to trust with --root"
            }
            VerifyError::Root { .. } => "name a readable root to trust with --root",
            VerifyError::NoRoot { .. } => {
                "name the root to trust with --root (the repository offers none to fall back on)"
            }
            _ => {
                "give a folder holding metadata/ (as python-tuf publishes it), a metadata folder, or a file:// URL"
            }
        }.to_owned())
    }
}

pub fn verify_repository(request: &VerifyRequest) -> Result<RepositoryReport, VerifyError> {
    let transport =
        open_transport(&request.repo, request.targets_url.as_deref()).map_err(|source| {
            VerifyError::Repository {
                repo: request.repo.clone(),
                source,
            }
        })?;
    verify_with(std::sync::Arc::from(transport), request)
}

/// The transport for `repo`: HTTP(S) for a web URL, else a folder (or `file://` URL).
pub fn open_transport(
    repo: &str,
    targets_url: Option<&str>,
) -> Result<Box<dyn Transport>, FetchError> {
    if repo.starts_with("http://") || repo.starts_with("https://") {
        return Ok(Box::new(super::http::HttpTransport::open(
            repo,
            targets_url,
            super::http::Timeouts::default(),
        )));
    }
    let mut folder = FolderTransport::open(repo)?;
    if let Some(targets) = targets_url {
        folder.targets = targets.strip_prefix("file://").unwrap_or(targets).into();
    }
    Ok(Box::new(folder))
}

/// [`verify_repository`] over any transport.
pub fn verify_with(
    shared: std::sync::Arc<dyn Transport>,
    request: &VerifyRequest,
) -> Result<RepositoryReport, VerifyError> {
    let transport = shared.as_ref();
    let mut trace = Trace::new(request.repo.clone());
    let (root_bytes, origin) = trusted_root(transport, request, &mut trace)?;
    let mut report = RepositoryReport {
        trace: Trace::new(request.repo.clone()),
        trusted_root: origin.clone(),
        roles: Vec::new(),
        targets: Vec::new(),
        root_history: Vec::new(),
        findings: Vec::new(),
        verified: None,
    };
    let client = Client::new(
        transport,
        request.config.clone(),
        request.now,
        &root_bytes,
        &origin,
        request.trusted_dir.clone(),
        &mut trace,
    );
    if let Ok(mut client) = client {
        if let Some(cache) = &request.cache {
            client.use_cache(cache.clone());
        }
        if client.refresh(&mut trace).is_ok() {
            for path in &request.targets {
                report.targets.push(resolve(&mut client, path, &mut trace));
            }
            if request.every_role {
                let _ = client.load_every_role(&mut trace);
            }
        }
        report.findings = review(&client, request.now);
        let mut verified = client.into_verified(shared.clone());
        report.roles = std::mem::take(&mut verified.statuses);
        report.verified = Some(verified);
    }
    report.root_history = root_history(transport, request.config.root_max_length);
    report.trace = trace;
    Ok(report)
}

fn resolve(client: &mut Client<'_>, path: &str, trace: &mut Trace) -> TargetReport {
    let mut target = TargetReport {
        path: path.to_owned(),
        role: None,
        chain: Vec::new(),
        length: None,
        verified: false,
    };
    let Ok(found) = client.find_target(path, trace) else {
        return target;
    };
    let Found {
        ref role,
        ref chain,
        ref info,
        ..
    } = found;
    target.role = Some(role.clone());
    target.chain = chain.clone();
    target.length = Some(info.length);
    target.verified = client.fetch_target(&found, trace).is_ok();
    target
}

/// The root the client starts from, and where it came from.
fn trusted_root(
    transport: &dyn Transport,
    request: &VerifyRequest,
    trace: &mut Trace,
) -> Result<(Vec<u8>, String), VerifyError> {
    let cap = request.config.root_max_length;
    let given = request.root.clone().or_else(|| {
        request
            .trusted_dir
            .as_ref()
            .map(|dir| dir.join("root.json"))
    });
    if let Some(path) = given {
        let bytes = files::read_bounded(&path, cap).map_err(|source| {
            match (&request.root, &request.trusted_dir) {
                (None, Some(dir)) if !path.exists() => {
                    VerifyError::TrustedDirWithoutRoot { dir: dir.clone() }
                }
                _ => VerifyError::Root {
                    path: path.clone(),
                    source,
                },
            }
        })?;
        return Ok((bytes, path.display().to_string()));
    }
    for name in ["1.root.json", "root.json"] {
        match transport.fetch(Area::Metadata, name, cap) {
            Ok(bytes) => {
                let location = transport.location(Area::Metadata, name);
                trace.warn(
                    checks::TUF_5_2,
                    Subject::Role {
                        name: "root".to_owned(),
                    },
                    "choose the trusted root",
                    format!(
                        "no --root given: trusting the repository's own {location}, so this shows the repository is consistent, not that it is the one you meant; pin a root with --root"
                    ),
                );
                return Ok((bytes, location));
            }
            Err(FetchError::NotFound { .. }) => continue,
            Err(source) => {
                return Err(VerifyError::Repository {
                    repo: request.repo.clone(),
                    source,
                });
            }
        }
    }
    Err(VerifyError::NoRoot {
        repo: request.repo.clone(),
    })
}

impl RepositoryReport {
    /// The report as text: the trace (passing checks on delegated roles only counted unless
    /// `all_checks`), the roles (bins as one line per group), the root history, the findings,
    /// and the failure with its hint last.
    pub fn render_text(&self, all_checks: bool) -> String {
        use std::fmt::Write as _;
        let top_level = |name: &str| super::metadata::TOP_LEVEL_ROLES.contains(&name);
        let mut out = self.trace.render_text_with(|check| {
            all_checks || !matches!(&check.subject, Subject::Role { name } if !top_level(name))
        });
        let _ = writeln!(out, "\ntrusted root: {}", Shown(&self.trusted_root));
        if !self.roles.is_empty() {
            let _ = writeln!(out, "\nroles:");
            for line in role_lines(&self.roles) {
                let _ = writeln!(out, "  {}", Shown(&line));
            }
        }
        if !self.targets.is_empty() {
            let _ = writeln!(out, "\ntargets:");
            for target in &self.targets {
                let state = match (&target.role, target.verified) {
                    (Some(_), true) => "verified",
                    (Some(_), false) => "FAILED",
                    (None, _) => "not found",
                };
                let _ = writeln!(
                    out,
                    "  {}: {state}{}",
                    Shown(&target.path),
                    if target.chain.is_empty() {
                        String::new()
                    } else {
                        format!(" (vouched for by {})", Shown(&target.chain.join(" → ")))
                    }
                );
            }
        }
        if !self.root_history.is_empty() {
            let _ = writeln!(out, "\nroot history:");
            for root in &self.root_history {
                let mut line = format!("  {}.root.json", root.number);
                if let Some(problem) = &root.problem {
                    let _ = write!(line, ": {}", Shown(problem));
                }
                if let Some(by) = &root.signed_by_previous {
                    let _ = write!(line, "; by the previous root: {}", Shown(by));
                }
                if let Some(by) = &root.signed_by_itself {
                    let _ = write!(line, "; by itself: {}", Shown(by));
                }
                let _ = writeln!(out, "{line}");
                for change in &root.changes {
                    let _ = writeln!(out, "      {}", Shown(change));
                }
            }
        }
        if !self.findings.is_empty() {
            let _ = writeln!(out, "\nreview:");
            for finding in &self.findings {
                let severity = match finding.severity {
                    super::review::Severity::Critical => "CRITICAL",
                    super::review::Severity::High => "high",
                    super::review::Severity::Medium => "medium",
                    super::review::Severity::Low => "low",
                    super::review::Severity::Info => "info",
                };
                let _ = writeln!(
                    out,
                    "  [{severity}] {} ({})",
                    Shown(&finding.message),
                    finding.code
                );
                let _ = writeln!(out, "      {}", Shown(&finding.hint));
            }
        }
        if let Some((_, check)) = self.trace.first_failure()
            && let crate::trace::Outcome::Fail { failure } = &check.outcome
        {
            let _ = writeln!(out, "\n{}", Shown(&failure.headline()));
            let _ = writeln!(out, "  at {} ({})", check.subject, check.id);
            if let Some(hint) = &failure.hint {
                let _ = writeln!(out, "hint: {}", Shown(hint));
            }
        }
        out
    }
}

/// One line per role; a delegator's succinct bins as one line with what they have in common.
fn role_lines(roles: &[std::sync::Arc<RoleStatus>]) -> Vec<String> {
    use super::client::Delegation;
    let mut lines = Vec::new();
    let mut groups: Vec<(String, Vec<&RoleStatus>)> = Vec::new();
    for status in roles {
        if let Delegation::Bin { name_prefix, .. } = &status.delegation {
            let key = format!("{}-* bins of {}", name_prefix, status.delegator);
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, members)) => members.push(status),
                None => {
                    lines.push(key.clone());
                    groups.push((key, vec![status]));
                }
            }
        } else {
            lines.push(role_line(status));
        }
    }
    for (key, members) in groups {
        let failed: Vec<&str> = members
            .iter()
            .filter(|m| m.problem.is_some())
            .map(|m| m.name.as_str())
            .collect();
        let targets: usize = members.iter().filter_map(|m| m.target_count).sum();
        let mut expires: Vec<&str> = members
            .iter()
            .filter_map(|m| m.expires.as_deref())
            .collect();
        expires.sort_unstable();
        let summary = format!(
            "{key}: {} role{}, {targets} target{}, {}{}",
            members.len(),
            if members.len() == 1 { "" } else { "s" },
            if targets == 1 { "" } else { "s" },
            if failed.is_empty() {
                "all verified".to_owned()
            } else {
                format!("{} FAILED (first: {})", failed.len(), failed[0])
            },
            match (expires.first(), expires.last()) {
                (Some(first), Some(last)) if first == last => format!(", expire {first}"),
                (Some(first), Some(last)) => format!(", expire {first} … {last}"),
                _ => String::new(),
            }
        );
        if let Some(line) = lines.iter_mut().find(|l| **l == key) {
            *line = summary;
        }
    }
    lines
}

fn role_line(status: &RoleStatus) -> String {
    use super::client::Delegation;
    let mut parts = vec![status.name.clone()];
    if let Some(version) = status.version {
        parts.push(format!("v{version}"));
    }
    if let Some(summary) = &status.signature_summary {
        parts.push(format!("signed {summary}"));
    }
    if let Some(expires) = &status.expires {
        parts.push(format!(
            "expires {expires}{}",
            if status.expired == Some(true) {
                " (EXPIRED)"
            } else {
                ""
            }
        ));
    }
    match &status.length_and_hashes {
        Some(Ok(())) => parts.push("length/hashes match".to_owned()),
        Some(Err(_)) => parts.push("length/hashes DIFFER".to_owned()),
        None => {}
    }
    match &status.delegation {
        Delegation::TopLevel | Delegation::Bin { .. } => {}
        Delegation::Paths { paths, terminating } => parts.push(format!(
            "paths {}{} (from {})",
            paths.join(", "),
            if *terminating { ", terminating" } else { "" },
            status.delegator
        )),
        Delegation::HashPrefixes {
            prefixes,
            terminating,
        } => parts.push(format!(
            "hash prefixes {}{} (from {})",
            prefixes.join(", "),
            if *terminating { ", terminating" } else { "" },
            status.delegator
        )),
    }
    if let Some(count) = status.target_count {
        parts.push(format!(
            "{count} target{}",
            if count == 1 { "" } else { "s" }
        ));
    }
    if status.from_trusted_copy {
        parts.push("(trusted copy)".to_owned());
    }
    if let Some(problem) = &status.problem {
        parts.push(format!("FAILED: {problem}"));
    }
    parts.join(", ")
}
