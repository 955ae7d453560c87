//! `chainscope`: the desktop app (no arguments, or a path) and the command line.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use zeroize::Zeroizing;

use chainscope::cjson;
use chainscope::crypto::{
    KeyFile, KeyFileError, KeyFormatError, PrivateKey, Scheme, read_key_file,
};
use chainscope::inspect::{self, inspect_file};

#[derive(Parser)]
#[command(
    name = "chainscope",
    version,
    about = "Inspect, author and verify in-toto layouts and TUF repositories, check by check.",
    args_conflicts_with_subcommands = true
)]
struct Cli {
    /// A file to open in the desktop app.
    path: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Commands>,
}

#[derive(Subcommand)]
enum Commands {
    /// Show what a metadata file is, the keys it lists and whose signatures on it are valid.
    ///
    /// Exit status: 0 when the signatures meet their threshold (or no keys authorize the file),
    /// 1 when they do not, 2 when the file cannot be read.
    Inspect {
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print the canonical JSON (securesystemslib encoding) of a JSON file.
    Cjson {
        file: PathBuf,
        /// Print exactly the bytes the file's signatures cover (canonical `signed`, or the DSSE PAE).
        #[arg(long)]
        signed: bool,
    },
    /// Generate and show keys.
    #[command(subcommand)]
    Key(KeyCommand),
    /// in-toto: verify a supply chain against its layout.
    #[command(subcommand)]
    Intoto(IntotoCommand),
    /// TUF: verify a repository as a client would, role by role.
    #[command(subcommand)]
    Tuf(TufCommand),
}

#[derive(Subcommand)]
enum TufCommand {
    /// Run the TUF client workflow on a repository and report every role, its root history and
    /// a security review.
    ///
    /// Without --target every delegated role is loaded and verified; with --target only the
    /// roles on each target's delegation path are (add --every-role for all of them).
    /// Exit status: 0 verified, 1 verification failed, 2 unreadable input or bad arguments.
    Verify(TufVerifyArgs),
}

#[derive(clap::Args)]
struct TufVerifyArgs {
    /// A repository folder holding metadata/ and targets/, a metadata folder, or a file:// URL.
    repo: String,
    /// The root to trust (default: ROOT in --trusted-dir, else the repository's own 1.root.json).
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

#[derive(Subcommand)]
enum IntotoCommand {
    /// Verify a layout and its links as in-toto-verify does, printing every check.
    ///
    /// Exit status: 0 verified, 1 verification failed, 2 unreadable input or bad arguments.
    Verify(IntotoVerifyArgs),
}

#[derive(clap::Args)]
struct IntotoVerifyArgs {
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

#[derive(Subcommand)]
enum KeyCommand {
    /// Generate an Ed25519 key: PKCS#8 PEM private key at OUT, public key at OUT.pub.
    Generate {
        #[arg(long)]
        out: PathBuf,
        /// Read the passphrase that encrypts the private key from this environment variable.
        #[arg(long, conflicts_with = "unencrypted")]
        passphrase_env: Option<String>,
        /// Write the private key in the clear (only for throwaway or demo keys).
        #[arg(long)]
        unencrypted: bool,
    },
    /// Show a key file's key id (both formulas), type, scheme and public key dict.
    Show {
        file: PathBuf,
        /// For an encrypted private key: the environment variable holding the passphrase.
        #[arg(long)]
        passphrase_env: Option<String>,
        /// Show the key under this scheme instead of the default for its type.
        #[arg(long)]
        scheme: Option<Scheme>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

/// A failure as the CLI prints it: `error:` line, `Caused by:` lines, one `hint:` at the end.
struct Failure {
    message: String,
    causes: Vec<String>,
    hint: Option<String>,
    code: u8,
}

impl Failure {
    fn new(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            causes: Vec::new(),
            hint: None,
            code: 2,
        }
    }

    fn cause(mut self, cause: impl ToString) -> Failure {
        self.causes.push(cause.to_string());
        self
    }

    fn hint(mut self, hint: impl Into<String>) -> Failure {
        self.hint = Some(hint.into());
        self
    }

    fn print(&self) {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "error: {}", self.message);
        for cause in &self.causes {
            let _ = writeln!(err, "  Caused by: {cause}");
        }
        if let Some(hint) = &self.hint {
            let _ = writeln!(err, "hint: {hint}");
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        None => open_app(cli.path),
        Some(Commands::Inspect { file, format }) => run_inspect(&file, format),
        Some(Commands::Cjson { file, signed }) => run_cjson(&file, signed),
        Some(Commands::Key(KeyCommand::Generate {
            out,
            passphrase_env,
            unencrypted,
        })) => run_key_generate(&out, passphrase_env.as_deref(), unencrypted),
        Some(Commands::Key(KeyCommand::Show {
            file,
            passphrase_env,
            scheme,
        })) => run_key_show(&file, passphrase_env.as_deref(), scheme),
        Some(Commands::Intoto(IntotoCommand::Verify(args))) => run_intoto_verify(args),
        Some(Commands::Tuf(TufCommand::Verify(args))) => run_tuf_verify(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(failure) => {
            failure.print();
            ExitCode::from(failure.code)
        }
    }
}

#[cfg(feature = "gui")]
fn open_app(path: Option<PathBuf>) -> Result<u8, Failure> {
    chainscope::app::run(path).map(|()| 0).map_err(|e| {
        Failure::new("could not open the desktop window")
            .cause(e)
            .hint("on a machine without a display, use the subcommands (chainscope --help)")
    })
}

#[cfg(not(feature = "gui"))]
fn open_app(_path: Option<PathBuf>) -> Result<u8, Failure> {
    Err(
        Failure::new("this chainscope was built without the desktop app (feature `gui`)")
            .hint("use the subcommands (chainscope --help), or build with default features"),
    )
}

fn run_inspect(file: &Path, format: Format) -> Result<u8, Failure> {
    let report = inspect_file(file).map_err(|e| {
        Failure::new(format!("cannot inspect {}", e.path.display())).cause(e.source)
    })?;
    match format {
        Format::Text => print!("{}", report.render_text()),
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&report.to_json()).unwrap_or_default()
        ),
    }
    Ok(if report.signatures_ok() == Some(false) {
        1
    } else {
        0
    })
}

fn run_cjson(file: &Path, signed: bool) -> Result<u8, Failure> {
    let read_failure =
        |cause: String| Failure::new(format!("cannot read {}", file.display())).cause(cause);
    let bytes = inspect::read_bounded(file, inspect::MAX_METADATA_BYTES)
        .map_err(|e| read_failure(e.to_string()))?;
    let value = cjson::parse(&bytes).map_err(|e| read_failure(e.to_string()))?;
    let output = if signed {
        let envelope = chainscope::crypto::Envelope::from_value(&value)
            .map_err(|e| read_failure(e.to_string()))?;
        envelope
            .signed_bytes()
            .map_err(|e| read_failure(e.to_string()))?
    } else {
        cjson::encode(&value).map_err(|e| read_failure(e.to_string()))?
    };
    std::io::stdout()
        .write_all(&output)
        .map_err(|e| Failure::new("cannot write to standard output").cause(e))?;
    Ok(0)
}

fn passphrase_from_env(var: &str) -> Result<Zeroizing<String>, Failure> {
    std::env::var(var).map(Zeroizing::new).map_err(|_| {
        Failure::new(format!("environment variable {var} is not set"))
            .hint("export the passphrase in that variable, or pick another with --passphrase-env")
    })
}

fn write_new_file(path: &Path, contents: &[u8]) -> Result<(), Failure> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(|e| {
        Failure::new(format!("cannot create {}", path.display()))
            .cause(e)
            .hint("chainscope never overwrites a key file; choose another --out")
    })?;
    file.write_all(contents)
        .and_then(|()| file.sync_all())
        .map_err(|e| Failure::new(format!("cannot write {}", path.display())).cause(e))
}

fn run_key_generate(
    out: &Path,
    passphrase_env: Option<&str>,
    unencrypted: bool,
) -> Result<u8, Failure> {
    let key = PrivateKey::generate_ed25519()
        .map_err(|e| Failure::new("cannot generate a key").cause(e))?;
    let private_pem = match (passphrase_env, unencrypted) {
        (Some(var), _) => key.to_encrypted_pkcs8_pem(&passphrase_from_env(var)?),
        (None, true) => key.to_pkcs8_pem(),
        (None, false) => {
            return Err(
                Failure::new("refusing to write an unencrypted private key unasked").hint(
                    "give --passphrase-env VAR to encrypt it, or --unencrypted for a throwaway key",
                ),
            );
        }
    }
    .map_err(|e| Failure::new("cannot encode the key").cause(e))?;
    let public_path = PathBuf::from(format!("{}.pub", out.display()));
    let public_pem = key.public_pem();
    write_new_file(out, private_pem.as_bytes())?;
    write_new_file(&public_path, public_pem.as_bytes())?;
    println!("{}", key.keyid());
    Ok(0)
}

fn run_key_show(
    file: &Path,
    passphrase_env: Option<&str>,
    scheme: Option<Scheme>,
) -> Result<u8, Failure> {
    let passphrase = passphrase_env.map(passphrase_from_env).transpose()?;
    let key_failure = |e: KeyFileError| {
        let hint = match e.format() {
            Some(KeyFormatError::NeedsPassphrase) => {
                Some("pass --passphrase-env VAR with the passphrase in VAR")
            }
            _ => None,
        };
        let failure = Failure::new(format!("cannot load key {}", file.display())).cause(e);
        match hint {
            Some(hint) => failure.hint(hint),
            None => failure,
        }
    };
    let loaded =
        read_key_file(file, passphrase.as_ref().map(|p| p.as_str())).map_err(key_failure)?;
    let public = match (loaded, scheme) {
        (KeyFile::Private(key), Some(scheme)) => (*key)
            .with_scheme(scheme)
            .map_err(|e| Failure::new("cannot use that scheme").cause(e))?
            .public()
            .clone(),
        (KeyFile::Private(key), None) => key.public().clone(),
        (KeyFile::Public(key), None) => key,
        (KeyFile::Public(key), Some(scheme)) => {
            let mut dict = key.to_dict().clone();
            dict["scheme"] = scheme.name().into();
            dict["keytype"] = scheme.keytype().into();
            let probe = chainscope::crypto::PublicKey::from_dict("", &dict)
                .map_err(|e| Failure::new("cannot use that scheme").cause(e))?;
            let keyid = probe
                .computed_keyid()
                .map_err(|e| Failure::new("cannot compute the key id").cause(e))?;
            probe
                .with_keyid(&keyid)
                .map_err(|e| Failure::new("cannot use that scheme").cause(e))?
        }
    };
    let computed = public
        .computed_keyid()
        .map_err(|e| Failure::new("cannot compute the key id").cause(e))?;
    let legacy = public
        .computed_legacy_keyid()
        .map_err(|e| Failure::new("cannot compute the key id").cause(e))?;
    println!("keyid: {computed}");
    println!("legacy keyid: {legacy}");
    println!("keytype: {}", public.keytype());
    println!("scheme: {}", public.scheme_name());
    if let Some(problem) = public.problem() {
        println!("problem: {problem}");
    }
    println!(
        "{}",
        serde_json::to_string_pretty(public.to_dict()).unwrap_or_default()
    );
    Ok(0)
}

/// `--now`, or the clock: the one place the CLI reads it.
fn now_from(arg: Option<&str>) -> Result<chainscope::time::UtcTime, Failure> {
    use chainscope::time::UtcTime;
    match arg {
        Some(text) => UtcTime::parse_rfc3339(text).map_err(|e| Failure::new("bad --now").cause(e)),
        None => Ok(UtcTime::now()),
    }
}

fn run_tuf_verify(args: TufVerifyArgs) -> Result<u8, Failure> {
    use chainscope::trace::Outcome;
    use chainscope::tuf::client::ClientConfig;
    use chainscope::tuf::verify::{VerifyRequest, verify_repository};

    let request = VerifyRequest {
        repo: args.repo.clone(),
        root: args.root,
        trusted_dir: args.trusted_dir,
        every_role: args.targets.is_empty() || args.every_role,
        targets: args.targets,
        now: now_from(args.now.as_deref())?,
        config: ClientConfig::default(),
    };
    let report = verify_repository(&request).map_err(|e| {
        Failure::new(format!("cannot verify {}", args.repo))
            .cause(e)
            .hint("give a folder holding metadata/ (as python-tuf publishes it), a metadata folder, or a file:// URL")
    })?;
    match args.format {
        Format::Text => print!("{}", report.render_text(args.all_checks)),
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
            println!(
                "{}",
                serde_json::to_string_pretty(&output).unwrap_or_default()
            );
        }
    }
    Ok(if report.trace.first_failure().is_none() {
        0
    } else {
        1
    })
}

fn run_intoto_verify(args: IntotoVerifyArgs) -> Result<u8, Failure> {
    use chainscope::intoto::verify::{InspectionMode, VerifyOptions, verify_layout_file};
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
        .map_err(|e| Failure::new("cannot verify").cause(e))?;
    let first_failure = trace
        .first_failure()
        .and_then(|(_, check)| match &check.outcome {
            Outcome::Fail { failure } => Some((check, failure)),
            _ => None,
        });
    match args.format {
        Format::Text => {
            print!("{}", trace.render_text());
            if let Some((check, failure)) = first_failure {
                println!("{}", failure.headline());
                println!("  at {}", check.subject);
                if !failure.artifacts.is_empty() {
                    println!("  artifacts: {}", failure.artifacts.join(", "));
                }
                if let Some(hint) = &failure.hint {
                    println!("hint: {hint}");
                }
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
                "trace": trace,
            });
            println!(
                "{}",
                serde_json::to_string_pretty(&output).unwrap_or_default()
            );
        }
    }
    Ok(if trace.verdict() == Verdict::Pass {
        0
    } else {
        1
    })
}
