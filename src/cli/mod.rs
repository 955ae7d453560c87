//! The command line: one module per family of subcommands. Every command prints through the
//! same [`Failure`] (an `error:` line, `Caused by:` lines, one `hint:`), and exit codes are 0
//! (done, verified), 1 (verification failed) and 2 (unreadable input or bad arguments).
//!
//! Text reaches the terminal only through [`write_to`] (the `outln!`, `out!`, `errln!` and
//! `err!` macros), the last guard against terminal injection: text from files was escaped
//! where it was formatted ([`chainscope::shown::Shown`]), and whatever control character is
//! left is escaped here. A closed pipe (`… | head -1`) ends the process quietly.

/// `println!` through [`write_to`].
macro_rules! outln {
    () => { $crate::cli::write_to($crate::cli::Stream::Out, "\n") };
    ($($arg:tt)*) => { $crate::cli::write_to($crate::cli::Stream::Out, &format!("{}\n", format_args!($($arg)*))) };
}

/// `print!` through [`write_to`].
macro_rules! out {
    ($($arg:tt)*) => { $crate::cli::write_to($crate::cli::Stream::Out, &format!($($arg)*)) };
}

/// `eprintln!` through [`write_to`].
macro_rules! errln {
    ($($arg:tt)*) => { $crate::cli::write_to($crate::cli::Stream::Err, &format!("{}\n", format_args!($($arg)*))) };
}

/// `eprint!` through [`write_to`].
macro_rules! err {
    ($($arg:tt)*) => { $crate::cli::write_to($crate::cli::Stream::Err, &format!($($arg)*)) };
}

pub mod attest;
pub mod files;
pub mod intoto;
pub mod key;
pub mod layout;
pub mod samples;
pub mod sigstore;
pub mod tuf;
pub mod tuf_client;
pub mod tuf_repo;
pub mod verify_target;

use std::io::Write as _;

use chainscope::report::Report;
use clap::ValueEnum;
use zeroize::Zeroizing;

pub enum Stream {
    Out,
    Err,
}

/// Writes `text` with every control character but the line breaks escaped. A write to a closed
/// pipe exits at once with 141 (128 + SIGPIPE, as a shell reports it), never a panic.
pub fn write_to(stream: Stream, text: &str) {
    let text = chainscope::shown::shown_lines(text);
    let result = match stream {
        Stream::Out => std::io::stdout().lock().write_all(text.as_bytes()),
        Stream::Err => std::io::stderr().lock().write_all(text.as_bytes()),
    };
    if let Err(error) = result
        && error.kind() == std::io::ErrorKind::BrokenPipe
    {
        std::process::exit(141);
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// A failure as the CLI prints it ([`Report`]: `error:` line, `Caused by:` lines, one
/// `hint:`), and the exit code it ends with.
pub struct Failure {
    report: Report,
    pub code: u8,
}

impl Failure {
    pub fn new(message: impl Into<String>) -> Failure {
        Failure {
            report: Report::new(message),
            code: 2,
        }
    }

    /// `error` itself as the failure: its message, its causes, its hint.
    pub fn of<E: std::error::Error + 'static>(error: E) -> Failure {
        Failure {
            report: Report::of(&error),
            code: 2,
        }
    }

    /// `cause` and every cause below it; its hint too, unless one was given already.
    pub fn cause<E: std::error::Error + 'static>(self, cause: E) -> Failure {
        self.cause_ref(&cause)
    }

    pub fn cause_ref(mut self, cause: &(dyn std::error::Error + 'static)) -> Failure {
        self.report = self.report.caused_by(cause);
        self
    }

    /// A cause that is only text.
    pub fn because(mut self, cause: impl Into<String>) -> Failure {
        self.report.push_cause(cause.into());
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Failure {
        self.report.hint = Some(hint.into());
        self
    }

    pub fn has_hint(&self) -> bool {
        self.report.hint.is_some()
    }

    /// Each line is escaped and clipped: an error may quote whatever a file holds.
    pub fn print(&self) {
        use chainscope::shown::{MESSAGE_CHARS, Shown, clipped};
        for line in self.report.lines() {
            errln!("{}", Shown(&clipped(&line, MESSAGE_CHARS)));
        }
    }
}

pub fn passphrase_from_env(var: &str) -> Result<Zeroizing<String>, Failure> {
    std::env::var(var).map(Zeroizing::new).map_err(|_| {
        Failure::new(format!("environment variable {var} is not set"))
            .hint("export the passphrase in that variable, or pick another with --passphrase-env")
    })
}

/// `--now`, or the clock: the one place the CLI reads it.
pub fn now_from(arg: Option<&str>) -> Result<chainscope::time::UtcTime, Failure> {
    use chainscope::time::UtcTime;
    match arg {
        Some(text) => UtcTime::parse_rfc3339(text).map_err(|e| Failure::new("bad --now").cause(e)),
        None => Ok(UtcTime::now()),
    }
}

/// The most a CLI input file (bundle, layout, attestation, key, trusted root) may hold.
const MAX_INPUT: u64 = 64 << 20;

/// Reads an input file, naming it and what it is for when it cannot be read.
pub fn read_input(path: &std::path::Path, what: &str) -> Result<Vec<u8>, Failure> {
    chainscope::files::read_bounded(path, MAX_INPUT)
        .map_err(|e| Failure::new(format!("cannot read the {what} {}", path.display())).cause(e))
}

/// Prints a verification's trace (text, or `{verdict, trace}` as JSON) and returns its exit
/// status.
pub fn print_trace(trace: &chainscope::trace::Trace, format: Format) -> u8 {
    match format {
        Format::Text => out!("{}", trace.render_text()),
        Format::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "verdict": trace.verdict(),
                "trace": trace,
            }))
            .unwrap_or_default()
        ),
    }
    trace.verdict().exit_code()
}
