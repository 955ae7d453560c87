//! Recording a step as `in-toto-run` and `in-toto-record` do: materials before, the command
//! (its output shown and, when asked, kept as byproducts), products after, all in a link signed
//! by the functionary and written as `<step>.<keyid8>.link`.
//!
//! This runs a command, so only the CLI's `intoto run` (the user asking for exactly that)
//! calls it; verification never does.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};

use super::document::{Document, Payload};
use super::record::{RecordError, RecordOptions, record_artifacts};
use crate::crypto::PrivateKey;
use crate::crypto::envelope::Envelope;
use crate::crypto::signed::{EnvelopeKind, Signed};
use crate::files::write_atomic;
use crate::model;

/// in-toto's `LINK_CMD_EXEC_TIMEOUT`.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone)]
pub struct RunOptions {
    pub step: String,
    pub materials: Vec<String>,
    pub products: Vec<String>,
    pub record: RecordOptions,
    /// `--record-streams`: keep the command's stdout and stderr in the link.
    pub record_streams: bool,
    pub timeout: Duration,
    pub envelope: EnvelopeKind,
    /// Where the link is written (in-toto: the current folder).
    pub metadata_dir: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Record(#[from] RecordError),
    #[error("cannot run {command:?}")]
    Spawn {
        command: String,
        source: std::io::Error,
    },
    #[error("{command:?} did not finish within {seconds} seconds (killed)")]
    Timeout { command: String, seconds: u64 },
    #[error("cannot sign the link")]
    Sign(#[from] crate::crypto::SignError),
    #[error("cannot write {}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read the preliminary link {}: {problem}", path.display())]
    Unfinished { path: PathBuf, problem: String },
    #[error(transparent)]
    UnsafeName(#[from] crate::files::UnsafePath),
}

impl crate::report::Hint for RunError {
    fn hint(&self) -> Option<String> {
        match self {
            RunError::Timeout { .. } => Some("allow it longer with --run-timeout SECONDS".into()),
            _ => None,
        }
    }
}

/// What a run produced.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub file: PathBuf,
    pub link: Value,
    /// The command's exit code (`None` without a command).
    pub return_value: Option<i32>,
}

/// `<step>.<keyid8>.link`.
pub fn link_file_name(step: &str, keyid: &str) -> String {
    format!("{step}.{}.link", keyid.get(..8).unwrap_or(keyid))
}

/// `.<step>.<keyid8>.link-unfinished`, where `in-toto-record start` keeps its preliminary link.
pub fn unfinished_file_name(step: &str, keyid: &str) -> String {
    format!(
        ".{step}.{}.link-unfinished",
        keyid.get(..8).unwrap_or(keyid)
    )
}

fn link(
    step: &str,
    command: &[String],
    materials: Value,
    products: Value,
    byproducts: Map<String, Value>,
) -> Value {
    json!({
        "_type": "link",
        "name": step,
        "command": command,
        "materials": materials,
        "products": products,
        "byproducts": byproducts,
        "environment": {},
    })
}

fn artifacts_value(paths: &[String], options: &RecordOptions) -> Result<Value, RecordError> {
    let artifacts = record_artifacts(paths, options)?;
    Ok(Value::Object(
        artifacts
            .iter()
            .map(|(path, hashes)| (path.to_owned(), model::to_value(&hashes.to_hash_dict())))
            .collect(),
    ))
}

/// Runs `command` (echoing its output), as in-toto's `execute_link`.
fn execute(
    command: &[String],
    record_streams: bool,
    timeout: Duration,
) -> Result<Map<String, Value>, RunError> {
    let shown = || command.join(" ");
    let Some((program, args)) = command.split_first() else {
        return Ok(Map::new());
    };
    let mut child = crate::memory::hand_down_original_settings(&mut Command::new(program))
        .args(args)
        .stdin(Stdio::inherit())
        .stdout(if record_streams {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stderr(if record_streams {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .spawn()
        .map_err(|source| RunError::Spawn {
            command: shown(),
            source,
        })?;
    // Each stream is copied to ours as it comes and kept.
    fn tee<R: Read + Send + 'static, W: Write + 'static>(
        source: Option<R>,
        sink: fn() -> W,
    ) -> std::thread::JoinHandle<Vec<u8>> {
        std::thread::spawn(move || {
            let mut kept = Vec::new();
            let Some(mut source) = source else {
                return kept;
            };
            let mut buffer = [0u8; 8192];
            while let Ok(n) = source.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                let mut out = sink();
                let _ = out.write_all(&buffer[..n]);
                let _ = out.flush();
                kept.extend_from_slice(&buffer[..n]);
            }
            kept
        })
    }
    let stdout = tee(child.stdout.take(), std::io::stdout);
    let stderr = tee(child.stderr.take(), std::io::stderr);
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > timeout => {
                // The command stays in our process group (it may read the terminal), so its
                // descendants are found and ended one by one.
                crate::process::kill_tree(&mut child);
                return Err(RunError::Timeout {
                    command: shown(),
                    seconds: timeout.as_secs(),
                });
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(source) => {
                return Err(RunError::Spawn {
                    command: shown(),
                    source,
                });
            }
        }
    };
    let text = |handle: std::thread::JoinHandle<Vec<u8>>| {
        String::from_utf8_lossy(&handle.join().unwrap_or_default()).into_owned()
    };
    let (stdout, stderr) = (text(stdout), text(stderr));
    let mut byproducts = Map::new();
    byproducts.insert("stdout".into(), Value::String(stdout));
    byproducts.insert("stderr".into(), Value::String(stderr));
    // A signal has no exit code; Python reports it as the negative signal number.
    #[cfg(unix)]
    let code = {
        use std::os::unix::process::ExitStatusExt as _;
        status
            .code()
            .unwrap_or_else(|| -status.signal().unwrap_or(1))
    };
    #[cfg(not(unix))]
    let code = status.code().unwrap_or(-1);
    byproducts.insert("return-value".into(), json!(code));
    Ok(byproducts)
}

fn write_link(
    options: &RunOptions,
    key: &PrivateKey,
    name: &str,
    value: Value,
) -> Result<(PathBuf, Value), RunError> {
    let mut signed = Signed::new(options.envelope, value);
    signed.sign(key)?;
    let path = crate::files::join_inside(&options.metadata_dir, name)?;
    write_atomic(&path, &signed.to_bytes()).map_err(|source| RunError::Write {
        path: path.clone(),
        source,
    })?;
    Ok((path, signed.to_value()))
}

/// `in-toto-run`: materials, command, products, one signed link.
pub fn run_step(
    options: &RunOptions,
    command: &[String],
    key: &PrivateKey,
) -> Result<Recorded, RunError> {
    let materials = artifacts_value(&options.materials, &options.record)?;
    let byproducts = execute(command, options.record_streams, options.timeout)?;
    let return_value = byproducts
        .get("return-value")
        .and_then(Value::as_i64)
        .map(|v| v as i32);
    let products = artifacts_value(&options.products, &options.record)?;
    let value = link(&options.step, command, materials, products, byproducts);
    let (file, link) = write_link(
        options,
        key,
        &link_file_name(&options.step, key.keyid()),
        value,
    )?;
    Ok(Recorded {
        file,
        link,
        return_value,
    })
}

/// `in-toto-record start`: the materials, in a signed preliminary link.
pub fn record_start(options: &RunOptions, key: &PrivateKey) -> Result<Recorded, RunError> {
    let materials = artifacts_value(&options.materials, &options.record)?;
    let value = link(&options.step, &[], materials, json!({}), Map::new());
    let (file, link) = write_link(
        options,
        key,
        &unfinished_file_name(&options.step, key.keyid()),
        value,
    )?;
    Ok(Recorded {
        file,
        link,
        return_value: None,
    })
}

/// `in-toto-record stop`: the preliminary link's signature checked, the products added, the
/// final link signed and written, the preliminary one removed.
pub fn record_stop(options: &RunOptions, key: &PrivateKey) -> Result<Recorded, RunError> {
    let unfinished = crate::files::join_inside(
        &options.metadata_dir,
        &unfinished_file_name(&options.step, key.keyid()),
    )?;
    let problem = |problem: String| RunError::Unfinished {
        path: unfinished.clone(),
        problem,
    };
    let bytes = crate::files::read_bounded(&unfinished, super::verify::MAX_LINK_BYTES)
        .map_err(|e| problem(crate::report::chain(&e)))?;
    let document = Document::from_bytes(&bytes).map_err(|e| problem(crate::report::chain(&e)))?;
    let authorized: std::collections::BTreeMap<String, crate::crypto::PublicKey> =
        [(key.keyid().to_owned(), key.public().clone())].into();
    let report = crate::crypto::check_threshold(
        &authorized,
        1,
        document.envelope.signatures(),
        document.signed_bytes(),
    );
    if !report.is_met() {
        return Err(problem(format!(
            "it is not signed by key {}: {}",
            key.keyid(),
            report.summary()
        )));
    }
    let Payload::Link(_) = &document.payload else {
        return Err(problem(format!(
            "it is a {}, not a link",
            document.payload.kind()
        )));
    };
    let mut value = document.raw().clone();
    value["products"] = artifacts_value(&options.products, &options.record)?;
    let envelope = match document.envelope {
        Envelope::Legacy { .. } => EnvelopeKind::Legacy,
        Envelope::Dsse { .. } => EnvelopeKind::Dsse,
    };
    let final_options = RunOptions {
        envelope,
        ..options.clone()
    };
    let (file, link) = write_link(
        &final_options,
        key,
        &link_file_name(&options.step, key.keyid()),
        value,
    )?;
    std::fs::remove_file(&unfinished).map_err(|source| RunError::Write {
        path: unfinished.clone(),
        source,
    })?;
    Ok(Recorded {
        file,
        link,
        return_value: None,
    })
}

/// The default options for recording in `folder`.
pub fn options_for(step: &str, folder: &Path) -> RunOptions {
    RunOptions {
        step: step.to_owned(),
        materials: Vec::new(),
        products: Vec::new(),
        record: RecordOptions::in_toto_run(folder),
        record_streams: false,
        timeout: DEFAULT_TIMEOUT,
        envelope: EnvelopeKind::Legacy,
        metadata_dir: folder.to_owned(),
    }
}
