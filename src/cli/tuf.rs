//! `chainscope tuf`: verify repositories (editing is in `tuf_repo`).

use std::path::PathBuf;

use clap::Subcommand;

use super::{Failure, Format, now_from};

#[derive(Subcommand)]
pub enum TufCommand {
    /// Run the TUF client workflow on a repository and report every role, its root history and
    /// a security review.
    ///
    /// Without --target every delegated role is loaded and verified; with --target only the
    /// roles on each target's delegation path are (add --every-role for all of them).
    /// Exit status: 0 verified, 1 verification failed, 2 unreadable input or bad arguments.
    Verify(TufVerifyArgs),
    #[command(flatten)]
    Edit(super::tuf_repo::EditCommand),
}

#[derive(clap::Args)]
pub struct TufVerifyArgs {
    /// A repository folder holding metadata/ and targets/, a metadata folder, a file:// URL, or
    /// an http(s):// URL (metadata under URL/metadata/ unless URL serves timestamp.json).
    repo: String,
    /// Where targets are fetched from (default: targets/ beside the metadata).
    #[arg(long)]
    targets_url: Option<String>,
    /// The root to trust. Default: root.json in --trusted-dir (which must then hold one; the
    /// repository's own root is never used in its place); without --trusted-dir, the
    /// repository's own 1.root.json, with a warning that nothing was pinned.
    #[arg(long)]
    root: Option<PathBuf>,
    /// A client's previously trusted metadata (root.json, timestamp.json, …): rollback and
    /// freeze are judged against it. Nothing is written there.
    #[arg(long)]
    trusted_dir: Option<PathBuf>,
    /// A target to resolve through the delegations and check (repeatable).
    #[arg(long = "target", value_name = "PATH")]
    targets: Vec<String>,
    /// With --target, also load and verify every delegated role.
    #[arg(long)]
    every_role: bool,
    /// List every passing check, also those on delegated roles.
    #[arg(long)]
    all_checks: bool,
    /// Verify as of this time (RFC 3339) instead of now.
    #[arg(long)]
    now: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub fn run_tuf_verify(args: TufVerifyArgs) -> Result<u8, Failure> {
    use chainscope::trace::Outcome;
    use chainscope::tuf::client::ClientConfig;
    use chainscope::tuf::verify::{VerifyRequest, verify_repository};

    let request = VerifyRequest {
        repo: args.repo.clone(),
        targets_url: args.targets_url,
        root: args.root,
        trusted_dir: args.trusted_dir,
        every_role: args.targets.is_empty() || args.every_role,
        targets: args.targets,
        now: now_from(args.now.as_deref())?,
        config: ClientConfig::default(),
        cache: None,
    };
    let report = verify_repository(&request).map_err(Failure::of)?;
    match args.format {
        Format::Text => out!("{}", report.render_text(args.all_checks)),
        Format::Json => {
            let failure =
                report
                    .trace
                    .first_failure()
                    .and_then(|(_, check)| match &check.outcome {
                        Outcome::Fail { failure } => Some(serde_json::json!({
                            "kind": failure.kind,
                            "message": failure.message,
                            "hint": failure.hint,
                            "role": match &check.subject {
                                chainscope::trace::Subject::Role { name } => Some(name.clone()),
                                _ => None,
                            },
                            "target": match &check.subject {
                                chainscope::trace::Subject::Target { path } => Some(path.clone()),
                                _ => None,
                            },
                            "check": check.id,
                        })),
                        _ => None,
                    });
            let output = serde_json::json!({
                "verdict": report.trace.verdict(),
                "failure": failure,
                "trusted_root": report.trusted_root,
                "roles": report.roles,
                "targets": report.targets,
                "root_history": report.root_history,
                "findings": report.findings,
                "trace": report.trace,
            });
            outln!(
                "{}",
                serde_json::to_string_pretty(&output).unwrap_or_default()
            );
        }
    }
    let code = report.trace.verdict().exit_code();
    // The process ends here: freeing 16,384 roles' records one by one only delays the exit.
    std::mem::forget(report);
    Ok(code)
}
