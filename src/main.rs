//! `chainscope`: the desktop app (no arguments, or a path) and the command line.

mod cli;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use cli::intoto::IntotoCommand;
use cli::key::KeyCommand;
use cli::tuf::TufCommand;
use cli::{Failure, Format};

#[derive(Parser)]
#[command(
    name = "chainscope",
    version,
    about = "Inspect, author and verify in-toto layouts and TUF repositories, check by check.",
    args_conflicts_with_subcommands = true
)]
struct Cli {
    /// What to open in the desktop app: a TUF repository folder or URL, an in-toto folder, a
    /// sample, or one metadata file. Without it, the bundled Alice and Bob demo.
    path: Option<String>,
    /// Save a PNG of the window once everything is loaded, then quit (for screenshot tests).
    #[arg(long, value_name = "PNG", hide = true)]
    screenshot: Option<PathBuf>,
    /// Once loaded, replay to the first failure and show what changed (for screenshots).
    #[arg(long, hide = true)]
    show_failure: bool,
    /// Print how long the first frame took to appear, then quit (for the benchmark).
    #[arg(long, hide = true)]
    report_first_frame: bool,
    /// Print when the first load is in, reload this many times printing each reload's time
    /// and the resident memory, then quit (for the benchmark).
    #[arg(long, value_name = "N", hide = true)]
    report_reloads: Option<usize>,
    /// After the reloads, open this and print its load time and the resident memory (the
    /// benchmark: memory given back when a small repository follows a large one).
    #[arg(long, value_name = "WHAT", hide = true, requires = "report_reloads")]
    report_then_open: Option<String>,
    /// Open the layout editor on the create → update → build template (for screenshots).
    #[arg(long, hide = true)]
    edit_layout_template: bool,
    /// Open the ITE-10 layout editor on this layout file, on its step STEP when given as
    /// FILE:STEP (for screenshots).
    #[arg(long, value_name = "FILE[:STEP]", hide = true)]
    edit_attestation_layout: Option<String>,
    /// Open the TUF editor on this repository folder (for screenshots).
    #[arg(long, value_name = "DIR", hide = true)]
    edit_tuf: Option<PathBuf>,
    /// Open the attack lab on a copy of the demo and apply this attack (for screenshots).
    #[arg(long, value_name = "ATTACK", hide = true)]
    lab: Option<String>,
    /// Start in presentation mode (for screenshots).
    #[arg(long, hide = true)]
    present: bool,
    /// The window's size in logical pixels, e.g. 1400x900 (for screenshots).
    #[arg(long, value_name = "WxH", hide = true, value_parser = parse_window_size)]
    window_size: Option<(f32, f32)>,
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
    /// in-toto: verify supply chains, record links, write and sign layouts.
    #[command(subcommand)]
    Intoto(IntotoCommand),
    /// TUF: verify a repository as a client would, role by role; create, edit, sign and publish one.
    #[command(subcommand)]
    Tuf(TufCommand),
    /// The demo repositories: Alice, Bob, an attacker, and the classic TUF attacks.
    #[command(subcommand)]
    Samples(cli::samples::SamplesCommand),
    /// ITE-2: fetch a package through TUF, then its layout (only from the layout role), the
    /// layout's keys and the links, and verify the package with in-toto; one trace.
    ///
    /// Exit status: 0 verified, 1 verification failed, 2 unreadable input or bad arguments,
    /// 3 not fully verified (nothing failed, but inspections were not run: add
    /// --run-inspections).
    VerifyTarget(cli::verify_target::VerifyTargetArgs),
    /// A TUF client speaking the TUF conformance suite's protocol (init, refresh, download).
    ///
    /// Exit status: 0 on success, 1 on any failure. The trace goes to standard error.
    TufClient(cli::tuf_client::TufClientArgs),
    /// in-toto attestations: verify them against an ITE-10/11 layout.
    #[command(subcommand)]
    Attest(cli::attest::AttestCommand),
    /// Sigstore: verify bundles check by check (the sigstore-conformance client protocol) and
    /// fetch an instance's trusted root through TUF.
    #[command(subcommand)]
    Sigstore(cli::sigstore::SigstoreCommand),
}

fn main() -> ExitCode {
    let started = std::time::Instant::now();
    chainscope::memory::configure();
    let cli = Cli::parse();
    let result = match cli.command {
        None => startup_commands(
            cli.edit_layout_template,
            cli.edit_attestation_layout,
            cli.edit_tuf,
            cli.lab,
            cli.present,
        )
        .and_then(|then| {
            open_app(
                cli.path,
                cli.screenshot,
                cli.show_failure,
                cli.report_first_frame.then_some(started),
                cli.report_reloads
                    .map(|reloads| (started, reloads, cli.report_then_open)),
                cli.window_size,
                then,
            )
        }),
        Some(Commands::Inspect { file, format }) => cli::files::run_inspect(&file, format),
        Some(Commands::Cjson { file, signed }) => cli::files::run_cjson(&file, signed),
        Some(Commands::Key(KeyCommand::Generate {
            name,
            out,
            key_type,
            no_passphrase,
            passphrase_env,
        })) => match name.or(out) {
            Some(name) => cli::key::run_key_generate(
                &name,
                key_type,
                no_passphrase,
                passphrase_env.as_deref(),
            ),
            None => Err(Failure::new("give the name of the key file to write")),
        },
        Some(Commands::Key(KeyCommand::Show {
            file,
            passphrase_env,
            scheme,
        })) => cli::key::run_key_show(&file, passphrase_env.as_deref(), scheme),
        Some(Commands::Intoto(IntotoCommand::Verify(args))) => cli::intoto::run_intoto_verify(args),
        Some(Commands::Intoto(IntotoCommand::Run(args))) => cli::intoto::run_intoto_run(args),
        Some(Commands::Intoto(IntotoCommand::Record(command))) => {
            cli::intoto::run_intoto_record(command)
        }
        Some(Commands::Intoto(IntotoCommand::Layout(command))) => cli::layout::run(command),
        Some(Commands::Tuf(TufCommand::Verify(args))) => cli::tuf::run_tuf_verify(args),
        Some(Commands::Tuf(TufCommand::Edit(command))) => cli::tuf_repo::run(command),
        Some(Commands::VerifyTarget(args)) => cli::verify_target::run(args),
        Some(Commands::Samples(command)) => cli::samples::run(command),
        Some(Commands::Sigstore(command)) => cli::sigstore::run(command),
        Some(Commands::Attest(command)) => cli::attest::run(command),
        // The conformance protocol knows one failure code.
        Some(Commands::TufClient(args)) => cli::tuf_client::run(args).map_err(|mut failure| {
            failure.code = 1;
            failure
        }),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(failure) => {
            failure.print();
            ExitCode::from(failure.code)
        }
    }
}

/// Commands the hidden picture-taking options run once the window is up.
#[cfg(feature = "gui")]
fn startup_commands(
    layout_template: bool,
    attestation_layout: Option<String>,
    tuf: Option<PathBuf>,
    lab: Option<String>,
    present: bool,
) -> Result<Vec<chainscope::app::Command>, Failure> {
    use chainscope::app::{Command, EditorCommand, LabCommand, TufEditorCommand};
    let mut commands = Vec::new();
    if present {
        commands.push(Command::TogglePresentation);
    }
    if layout_template {
        commands.push(Command::Editor(EditorCommand::New(Some(
            chainscope::edit::templates::Template::CreateUpdateBuild,
        ))));
        commands.push(Command::Editor(EditorCommand::Select(Some(
            "update".into(),
        ))));
    }
    if let Some(argument) = attestation_layout {
        use chainscope::app::panels::attest_editor::AttestEditorCommand;
        let (file, step) = match argument.rsplit_once(':') {
            Some((file, step)) if !step.contains('/') => (file.to_owned(), Some(step.to_owned())),
            _ => (argument, None),
        };
        commands.push(Command::AttestEditor(AttestEditorCommand::Select(step)));
        commands.push(Command::AttestEditor(AttestEditorCommand::Open(
            file.into(),
        )));
    }
    if let Some(dir) = tuf {
        commands.push(Command::TufEditor(TufEditorCommand::Open(dir)));
    }
    if let Some(id) = lab {
        let attacks = chainscope::attacks::attacks();
        let attack = attacks.iter().find(|a| a.id == id).ok_or_else(|| {
            Failure::new(format!("there is no attack named {id}")).hint(format!(
                "the attacks: {}",
                attacks.iter().map(|a| a.id).collect::<Vec<_>>().join(", ")
            ))
        })?;
        let index = chainscope::attacks::attacks_on(attack.sample)
            .iter()
            .position(|a| a.id == id)
            .expect("the attack is one of its sample's");
        commands.push(Command::Lab(LabCommand::OpenSample(attack.sample)));
        commands.push(Command::Lab(LabCommand::Apply(index)));
    }
    Ok(commands)
}

#[cfg(not(feature = "gui"))]
fn startup_commands(
    _layout_template: bool,
    _attestation_layout: Option<String>,
    _tuf: Option<PathBuf>,
    _lab: Option<String>,
    _present: bool,
) -> Result<Vec<()>, Failure> {
    Ok(Vec::new())
}

#[cfg(feature = "gui")]
fn open_app(
    path: Option<String>,
    screenshot: Option<PathBuf>,
    show_failure: bool,
    report_first_frame: Option<std::time::Instant>,
    report_reloads: Option<(std::time::Instant, usize, Option<String>)>,
    size: Option<(f32, f32)>,
    then: Vec<chainscope::app::Command>,
) -> Result<u8, Failure> {
    // With nothing to open, the bundled demo: generated (it is deterministic, so the same
    // bytes as sample-repos/) into a folder that lives as long as the window.
    let mut demo = None;
    let mut options = chainscope::app::RunOptions {
        screenshot,
        show_failure,
        report_first_frame,
        report_reloads: report_reloads
            .as_ref()
            .map(|(started, reloads, _)| (*started, *reloads)),
        report_then_open: report_reloads.and_then(|(_, _, next)| next),
        size,
        then,
        ..Default::default()
    };
    let path = match path {
        Some(path) => Some(path),
        None if !options.then.is_empty() => None,
        None => {
            let dir = tempfile::Builder::new()
                .prefix("chainscope-demo-")
                .tempdir()
                .map_err(|e| Failure::new("cannot make a folder for the demo").cause(e))?;
            let sample = chainscope::samples::write_demo(dir.path())
                .map_err(|e| Failure::new("cannot write the demo").cause(e))?;
            options.forget_under = Some(dir.path().to_path_buf());
            demo = Some(dir);
            Some(sample.display().to_string())
        }
    };
    options.open = path;
    let result = chainscope::app::run(options);
    drop(demo);
    result.map(|()| 0).map_err(|e| {
        Failure::new("could not open the desktop window")
            .because(e)
            .hint("on a machine without a display, use the subcommands (chainscope --help)")
    })
}

#[cfg(not(feature = "gui"))]
fn open_app(
    _path: Option<String>,
    _screenshot: Option<PathBuf>,
    _show_failure: bool,
    _report_first_frame: Option<std::time::Instant>,
    _report_reloads: Option<(std::time::Instant, usize, Option<String>)>,
    _size: Option<(f32, f32)>,
    _then: Vec<()>,
) -> Result<u8, Failure> {
    Err(
        Failure::new("this chainscope was built without the desktop app (feature `gui`)")
            .hint("use the subcommands (chainscope --help), or build with default features"),
    )
}

/// `1400x900` as a width and a height.
fn parse_window_size(text: &str) -> Result<(f32, f32), String> {
    let (width, height) = text
        .split_once('x')
        .ok_or_else(|| format!("{text:?} is not WIDTHxHEIGHT"))?;
    let number = |n: &str| {
        n.parse::<f32>()
            .ok()
            .filter(|n| (100.0..=10_000.0).contains(n))
            .ok_or_else(|| format!("{n:?} is not a width or height between 100 and 10000"))
    };
    Ok((number(width)?, number(height)?))
}
