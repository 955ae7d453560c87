//! `chainscope samples`: the demo repositories, written by the deterministic generator.

use std::path::PathBuf;

use clap::Subcommand;

use chainscope::samples::{samples, write_all, write_one};

use super::Failure;

#[derive(Subcommand)]
pub enum SamplesCommand {
    /// Write every sample (or one) into DIR: the same bytes on every machine.
    Write {
        dir: PathBuf,
        /// Only this sample.
        #[arg(long)]
        only: Option<String>,
    },
    /// One line per sample: its name, what it shows, and the expected outcome.
    List,
}

pub fn run(command: SamplesCommand) -> Result<u8, Failure> {
    match command {
        SamplesCommand::Write { dir, only } => {
            let written = match only {
                Some(name) => vec![write_one(&dir, &name).map_err(|e| {
                    Failure::new(format!("cannot write the sample {name}"))
                        .cause(e)
                        .hint("chainscope samples list names them")
                })?],
                None => write_all(&dir).map_err(|e| {
                    Failure::new(format!("cannot write the samples into {}", dir.display()))
                        .cause(e)
                })?,
            };
            for info in &written {
                println!("{}/{}", dir.display(), info.name);
            }
            Ok(0)
        }
        SamplesCommand::List => {
            for info in samples() {
                let outcome = match (info.expected.verdict, info.expected.kind) {
                    ("pass", _) => "passes".to_owned(),
                    (_, Some(kind)) => format!("fails: {kind}"),
                    _ => format!("fails at {}", info.expected.check.unwrap_or("?")),
                };
                println!("{:26} {outcome:32} {}", info.name, info.summary);
            }
            Ok(0)
        }
    }
}
