//! `chainscope verify-target`: ITE-2 end to end, a package fetched through TUF and its supply
//! chain verified by in-toto, as one trace.

use std::path::PathBuf;

use chainscope::intoto::verify::InspectionMode;
use chainscope::ite2::{Ite2Request, verify_target};
use chainscope::trace::{Outcome, Subject};
use chainscope::tuf::client::ClientConfig;

use super::{Failure, Format, now_from};

#[derive(clap::Args)]
pub struct VerifyTargetArgs {
    /// The package: a target path of the repository.
    target: String,
    /// A repository folder holding metadata/ and targets/, a metadata folder, a file:// URL or
    /// an http(s):// URL.
    #[arg(long)]
    repo: String,
    /// Where targets are fetched from (default: targets/ beside the metadata).
    #[arg(long)]
    targets_url: Option<String>,
    /// The root to trust (pinned: it is what makes the rest mean anything).
    #[arg(long)]
    root: PathBuf,
    /// A client's previously trusted metadata: rollback and freeze are judged against it.
    #[arg(long)]
    trusted_dir: Option<PathBuf>,
    /// The role trusted for layouts and their keys (an offline-key role).
    #[arg(long, default_value = "targets")]
    layout_role: String,
    /// Run the layout's inspection commands (in a temporary folder).
    #[arg(long)]
    run_inspections: bool,
    /// Seconds an inspection may run.
    #[arg(long, default_value_t = 10)]
    inspection_timeout: u64,
    /// Verify as of this time (RFC 3339) instead of now.
    #[arg(long)]
    now: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub fn run(args: VerifyTargetArgs) -> Result<u8, Failure> {
    let request = Ite2Request {
        repo: args.repo.clone(),
        targets_url: args.targets_url,
        root: args.root,
        trusted_dir: args.trusted_dir,
        layout_role: args.layout_role,
        target: args.target,
        inspections: if args.run_inspections {
            InspectionMode::Run {
                timeout: std::time::Duration::from_secs(args.inspection_timeout),
            }
        } else {
            InspectionMode::RecordOnly
        },
        now: now_from(args.now.as_deref())?,
        config: ClientConfig::default(),
    };
    let report = verify_target(&request).map_err(|e| {
        let failure = Failure::of(e);
        if failure.has_hint() {
            failure
        } else {
            failure.hint(
                "give a folder holding metadata/ and targets/, or a URL, and the root to trust",
            )
        }
    })?;
    match args.format {
        Format::Text => out!("{}", report.render_text()),
        Format::Json => {
            let failure = report.trace.first_failure().and_then(|(index, check)| match &check.outcome {
                Outcome::Fail { failure } => Some(serde_json::json!({
                    "kind": failure.kind,
                    "message": failure.message,
                    "hint": failure.hint,
                    "check": check.id,
                    "index": index,
                    "part": match report.intoto_from {
                        Some(from) if index >= from => "in-toto",
                        _ if check.id.starts_with("ite2") => "ite2",
                        _ => "tuf",
                    },
                    "subject": check.subject,
                    "at": check.subject.to_string(),
                    "step": match &check.subject {
                        Subject::Step { name } | Subject::Inspection { name } => Some(name.clone()),
                        Subject::Rule { owner, .. } => Some(owner.clone()),
                        _ => None,
                    },
                })),
                _ => None,
            });
            let output = serde_json::json!({
                "verdict": report.trace.verdict(),
                "failure": failure,
                "skipped": report.trace.skipped_checks(),
                "package": report.package,
                "layout": report.layout,
                "layout_keys": report.layout_keys,
                "links": report.links,
                "trace": report.trace,
            });
            outln!(
                "{}",
                serde_json::to_string_pretty(&output).unwrap_or_default()
            );
        }
    }
    Ok(report.trace.verdict().exit_code())
}
