//! `chainscope samples`: the demo repositories, written by the deterministic generator.

use std::path::PathBuf;

use clap::Subcommand;

use chainscope::attacks::{Scratch, attack, attacks, copy_folder, write_lab_sample};
use chainscope::samples::{attestations, samples, write_all, write_named};

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
    /// One line per attack of the app's attack lab: its id, what the attacker had, and the
    /// check that catches it.
    Attacks,
    /// Write talk-alice-bob into DIR with ATTACK carried out on it (for the layout swap, the
    /// all-online repository attacked the same way beside it), to verify with any tool.
    Attack { attack: String, dir: PathBuf },
}

pub fn run(command: SamplesCommand) -> Result<u8, Failure> {
    match command {
        SamplesCommand::Write { dir, only } => {
            let written: Vec<String> = match only {
                // Any sample `samples list` names, attestation samples included.
                Some(name) => {
                    write_named(&dir, &name).map_err(|e| {
                        Failure::new(format!("cannot write the sample {name}"))
                            .cause(e)
                            .hint("chainscope samples list names them")
                    })?;
                    vec![name]
                }
                None => write_all(&dir)
                    .map_err(|e| {
                        Failure::new(format!("cannot write the samples into {}", dir.display()))
                            .cause(e)
                    })?
                    .into_iter()
                    .map(|info| info.name.to_owned())
                    .chain(attestations::samples().iter().map(|s| s.name.to_owned()))
                    .chain([attestations::DISTRIBUTED.to_owned()])
                    .collect(),
            };
            for name in &written {
                outln!("{}/{}", dir.display(), name);
            }
            Ok(0)
        }
        SamplesCommand::Attacks => {
            for attack in attacks() {
                outln!(
                    "{:24} {:44} caught by {} {} ({})",
                    attack.id,
                    attack.title,
                    attack.catches.part,
                    attack.catches.check,
                    attack.catches.subject
                );
            }
            Ok(0)
        }
        SamplesCommand::Attack { attack: id, dir } => {
            let attack = attack(&id)
                .map_err(|e| Failure::of(e).hint("chainscope samples attacks names them"))?;
            let failed = |e: &(dyn std::error::Error + 'static)| {
                Failure::new(format!(
                    "cannot carry out {} into {}",
                    attack.id,
                    dir.display()
                ))
                .cause_ref(e)
            };
            let work = tempfile::tempdir().map_err(|e| failed(&e))?;
            let demo = write_lab_sample(work.path(), attack.sample).map_err(|e| failed(&e))?;
            let scratch = Scratch::new(&demo).map_err(|e| failed(&e))?;
            let applied = scratch.attack(&attack).map_err(|e| failed(&e))?;
            let mut written = vec![scratch.path()];
            written.extend(applied.all_online.clone());
            for folder in &written {
                let name = folder.file_name().unwrap_or_default();
                let target = dir.join(name);
                if target.exists() {
                    std::fs::remove_dir_all(&target).map_err(|e| failed(&e))?;
                }
                copy_folder(folder, &target).map_err(|e| failed(&e))?;
                outln!("{}", target.display());
            }
            for path in applied.changes.all() {
                outln!("  changed: {path}");
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
                outln!("{:26} {outcome:32} {}", info.name, info.summary);
            }
            for sample in chainscope::samples::attestations::samples() {
                let outcome = match sample.fails_at {
                    None => "passes".to_owned(),
                    Some((check, _)) => format!("fails at {check}"),
                };
                outln!("{:26} {outcome:32} {}", sample.name, sample.summary);
            }
            {
                use chainscope::samples::attestations::{DISTRIBUTED, DISTRIBUTED_SUMMARY};
                outln!("{DISTRIBUTED:26} {:32} {DISTRIBUTED_SUMMARY}", "passes");
            }
            Ok(0)
        }
    }
}
