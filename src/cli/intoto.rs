//! `chainscope intoto`: verify supply chains, record links, author layouts.

use std::path::PathBuf;

use clap::Subcommand;

use chainscope::crypto::read_key_file;

use super::{Failure, Format, now_from};

#[derive(Subcommand)]
pub enum IntotoCommand {
    /// Verify a layout and its links as in-toto-verify does, printing every check.
    ///
    /// Exit status: 0 verified, 1 verification failed, 2 unreadable input or bad arguments,
    /// 3 not fully verified (nothing failed, but inspections were not run: add
    /// --run-inspections).
    Verify(IntotoVerifyArgs),
    /// Record a step as in-toto-run does: materials, the command, products, one signed link
    /// `<step>.<keyid8>.link`.
    ///
    /// Exit status: the command's own exit code (the link is written either way); 2 when the
    /// step cannot be recorded.
    Run(RunArgs),
    /// Record a step in two parts, as in-toto-record does: `start` records the materials,
    /// `stop` the products.
    #[command(subcommand)]
    Record(RecordCommand),
    /// Write, edit, check, sign and compare layouts.
    #[command(subcommand)]
    Layout(super::layout::LayoutCommand),
}

/// What every recording command shares.
#[derive(clap::Args, Clone)]
pub struct RecordingArgs {
    /// The step name (the link is named after it).
    #[arg(long, short = 'n', alias = "step-name")]
    step: String,
    /// The functionary's private key.
    #[arg(long, alias = "signing-key")]
    key: PathBuf,
    /// Environment variable holding the key's passphrase (else asked at the terminal).
    #[arg(long)]
    passphrase_env: Option<String>,
    /// gitignore-style patterns of paths not to record (replace the defaults
    /// `*.link*`, `.git`, `*.pyc`, `*~`).
    #[arg(long, num_args = 1..)]
    exclude: Vec<String>,
    /// Record paths relative to this folder.
    #[arg(long, default_value = ".")]
    base_path: PathBuf,
    /// Prefixes removed from recorded paths.
    #[arg(long, num_args = 1..)]
    lstrip_paths: Vec<String>,
    /// Where to write the link.
    #[arg(long, short = 'd', alias = "metadata-directory", default_value = ".")]
    metadata_dir: PathBuf,
    /// Write a DSSE envelope instead of the legacy {signed, signatures} one.
    #[arg(long)]
    use_dsse: bool,
}

#[derive(clap::Args)]
pub struct RunArgs {
    #[command(flatten)]
    recording: RecordingArgs,
    /// Files or folders to record before the command.
    #[arg(long, short = 'm', num_args = 1..)]
    materials: Vec<String>,
    /// Files or folders to record after the command.
    #[arg(long, short = 'p', num_args = 1..)]
    products: Vec<String>,
    /// Keep the command's standard output and error in the link.
    #[arg(long, short = 's')]
    record_streams: bool,
    /// Record without running anything.
    #[arg(long, short = 'x', conflicts_with = "command")]
    no_command: bool,
    /// Seconds the command may run.
    #[arg(long, default_value_t = 10)]
    run_timeout: u64,
    /// The command, after `--`.
    #[arg(last = true)]
    command: Vec<String>,
}

#[derive(Subcommand)]
pub enum RecordCommand {
    /// Record the materials in a preliminary link `.<step>.<keyid8>.link-unfinished`.
    Start {
        #[command(flatten)]
        recording: RecordingArgs,
        #[arg(long, short = 'm', num_args = 1..)]
        materials: Vec<String>,
    },
    /// Record the products and finish the link.
    Stop {
        #[command(flatten)]
        recording: RecordingArgs,
        #[arg(long, short = 'p', num_args = 1..)]
        products: Vec<String>,
    },
}

fn recording_options(
    args: &RecordingArgs,
    materials: Vec<String>,
    products: Vec<String>,
) -> chainscope::intoto::run::RunOptions {
    use chainscope::crypto::signed::EnvelopeKind;
    use chainscope::intoto::record::RecordOptions;
    chainscope::intoto::run::RunOptions {
        step: args.step.clone(),
        materials,
        products,
        record: RecordOptions {
            excludes: args.exclude.clone(),
            base_path: args.base_path.clone(),
            follow_symlink_dirs: true,
            lstrip_paths: args.lstrip_paths.clone(),
        },
        record_streams: false,
        timeout: chainscope::intoto::run::DEFAULT_TIMEOUT,
        envelope: if args.use_dsse {
            EnvelopeKind::Dsse
        } else {
            EnvelopeKind::Legacy
        },
        metadata_dir: args.metadata_dir.clone(),
    }
}

pub fn run_intoto_run(args: RunArgs) -> Result<u8, Failure> {
    if args.command.is_empty() && !args.no_command {
        return Err(Failure::new("no command to run").hint(
            "give the command after --, or --no-command to record without running anything",
        ));
    }
    let key = super::key::load_private_key(
        &args.recording.key,
        args.recording.passphrase_env.as_deref(),
    )?;
    let mut options = recording_options(&args.recording, args.materials, args.products);
    options.record_streams = args.record_streams;
    options.timeout = std::time::Duration::from_secs(args.run_timeout);
    let recorded =
        chainscope::intoto::run::run_step(&options, &args.command, &key).map_err(|e| {
            Failure::new(format!("cannot record step {}", args.recording.step)).cause(e)
        })?;
    errln!("wrote {}", recorded.file.display());
    Ok(match recorded.return_value {
        Some(code) => code.clamp(0, 255) as u8,
        None => 0,
    })
}

pub fn run_intoto_record(command: RecordCommand) -> Result<u8, Failure> {
    let (recording, start, paths) = match command {
        RecordCommand::Start {
            recording,
            materials,
        } => (recording, true, materials),
        RecordCommand::Stop {
            recording,
            products,
        } => (recording, false, products),
    };
    let key = super::key::load_private_key(&recording.key, recording.passphrase_env.as_deref())?;
    let (materials, products) = if start {
        (paths, Vec::new())
    } else {
        (Vec::new(), paths)
    };
    let options = recording_options(&recording, materials, products);
    let result = if start {
        chainscope::intoto::run::record_start(&options, &key)
    } else {
        chainscope::intoto::run::record_stop(&options, &key)
    };
    let recorded = result
        .map_err(|e| Failure::new(format!("cannot record step {}", recording.step)).cause(e))?;
    errln!("wrote {}", recorded.file.display());
    Ok(0)
}

#[derive(clap::Args)]
pub struct IntotoVerifyArgs {
    /// The signed layout.
    #[arg(long, short = 'l')]
    layout: PathBuf,
    /// Public keys that must each have signed the layout.
    #[arg(long, alias = "verification-keys", num_args = 1.., required = true)]
    layout_keys: Vec<PathBuf>,
    /// Where the link files are.
    #[arg(long, default_value = ".")]
    link_dir: PathBuf,
    /// The folder inspections record (and, with --run-inspections, run in a copy of).
    #[arg(long, default_value = ".")]
    artifacts_dir: PathBuf,
    /// Run the layout's inspection commands (in a temporary copy of the artifacts folder).
    #[arg(long)]
    run_inspections: bool,
    /// Seconds an inspection may run.
    #[arg(long, default_value_t = 10)]
    inspection_timeout: u64,
    /// A layout parameter, NAME=VALUE (repeatable).
    #[arg(long = "param", value_name = "NAME=VALUE")]
    params: Vec<String>,
    /// Verify as of this time (RFC 3339) instead of now.
    #[arg(long)]
    now: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub fn run_intoto_verify(args: IntotoVerifyArgs) -> Result<u8, Failure> {
    use chainscope::intoto::verify::{
        INSPECTIONS_HINT, InspectionMode, VerifyOptions, verify_layout_file,
    };
    use chainscope::shown::Shown;
    use chainscope::trace::{Outcome, Subject, Verdict};

    let now = now_from(args.now.as_deref())?;
    let mut layout_keys = Vec::new();
    for path in &args.layout_keys {
        let key = read_key_file(path, None).map_err(|e| {
            Failure::new(format!("cannot load layout key {}", path.display())).cause(e)
        })?;
        layout_keys.push(key.public().clone());
    }
    let mut parameters = std::collections::BTreeMap::new();
    for param in &args.params {
        let (name, value) = param.split_once('=').ok_or_else(|| {
            Failure::new(format!("bad --param {param:?}")).hint("write parameters as NAME=VALUE")
        })?;
        parameters.insert(name.to_owned(), value.to_owned());
    }
    let options = VerifyOptions {
        now,
        layout_keys,
        link_dir: args.link_dir,
        artifacts_dir: args.artifacts_dir,
        parameters,
        inspections: if args.run_inspections {
            InspectionMode::Run {
                timeout: std::time::Duration::from_secs(args.inspection_timeout),
            }
        } else {
            InspectionMode::RecordOnly
        },
    };
    let trace = verify_layout_file(&args.layout, &options)
        .map_err(|e| Failure::new("cannot verify").because(e))?;
    let first_failure = trace
        .first_failure()
        .and_then(|(_, check)| match &check.outcome {
            Outcome::Fail { failure } => Some((check, failure)),
            _ => None,
        });
    match args.format {
        Format::Text => {
            out!("{}", trace.render_text());
            if let Some(reason) = trace.cannot_verify() {
                outln!("cannot verify: {}", Shown(reason));
            } else if let Some((check, failure)) = first_failure {
                outln!("{}", Shown(&failure.headline()));
                outln!("  at {}", check.subject);
                if !failure.artifacts.is_empty() {
                    let shown: Vec<String> = failure
                        .artifacts
                        .iter()
                        .take(10)
                        .map(|a| chainscope::shown::clipped(a, 200).into_owned())
                        .collect();
                    let more = failure.artifacts.len().saturating_sub(shown.len());
                    outln!(
                        "  artifacts: {}{}",
                        Shown(&shown.join(", ")),
                        if more > 0 {
                            format!(
                                " … and {} more (all of them in --format json)",
                                chainscope::shown::thousands(more as u64)
                            )
                        } else {
                            String::new()
                        }
                    );
                }
                if let Some(hint) = &failure.hint {
                    outln!("hint: {}", Shown(hint));
                }
            }
            if trace.verdict() == Verdict::Incomplete {
                outln!("hint: {INSPECTIONS_HINT}");
            }
        }
        Format::Json => {
            let failure = first_failure.map(|(check, failure)| {
                let (step, rule) = match &check.subject {
                    Subject::Step { name } | Subject::Inspection { name } => {
                        (Some(name.clone()), None)
                    }
                    Subject::Rule { owner, list, index } => (
                        Some(owner.clone()),
                        Some(serde_json::json!({"list": list.field_name(), "index": index})),
                    ),
                    _ => (None, None),
                };
                serde_json::json!({
                    "kind": failure.kind,
                    "message": failure.message,
                    "step": step,
                    "rule": rule,
                    "artifacts": failure.artifacts,
                    "check": check.id,
                })
            });
            let output = serde_json::json!({
                "verdict": trace.verdict(),
                "failure": failure,
                "skipped": trace.skipped_checks(),
                "trace": trace,
            });
            outln!(
                "{}",
                serde_json::to_string_pretty(&output).unwrap_or_default()
            );
        }
    }
    Ok(trace.verdict().exit_code())
}
