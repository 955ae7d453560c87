//! `chainscope intoto layout`: a layout written, edited, checked, signed and compared from the
//! command line, each edit one `LayoutAction` of the core (the same the app applies).

use std::path::{Path, PathBuf};

use clap::{Subcommand, ValueEnum};

use chainscope::crypto::signed::EnvelopeKind;
use chainscope::edit::diff::diff;
use chainscope::edit::draft::{SignedLink, draft};
use chainscope::edit::layout::{LayoutAction, LayoutDocument};
use chainscope::edit::lint::{Severity, lint};
use chainscope::files::write_atomic;
use chainscope::intoto::rule::ArtifactRule;

use chainscope::time::UtcTime;
use chainscope::trace::RuleList;

use super::key::{load_private_key, load_public_key};
use super::{Failure, Format, now_from};

#[derive(Subcommand)]
pub enum LayoutCommand {
    /// Write a new, empty, unsigned layout.
    New {
        file: PathBuf,
        /// When it expires (RFC 3339); default: a year from now.
        #[arg(long)]
        expires: Option<String>,
        #[arg(long)]
        readme: Option<String>,
        /// Use a DSSE envelope instead of the legacy {signed, signatures} one.
        #[arg(long)]
        dsse: bool,
        /// Replace an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Print the layout: steps, functionaries, rules, inspections, signatures.
    Show { file: PathBuf },
    /// Check the layout for what in-toto accepts but a reviewer should not.
    ///
    /// Exit status: 0 without errors (warnings allowed), 1 with errors.
    Lint {
        file: PathBuf,
        /// Judge expiry as of this time (RFC 3339) instead of now.
        #[arg(long)]
        now: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Sign with a key file, export the bytes to sign offline, or import an offline signature.
    Sign {
        file: PathBuf,
        /// The private key to sign with.
        #[arg(long, conflicts_with_all = ["export_bytes", "import_signature"])]
        key: Option<PathBuf>,
        #[arg(long)]
        passphrase_env: Option<String>,
        /// Write exactly the bytes a signature must cover to this file (for an offline signer).
        #[arg(long, conflicts_with = "import_signature")]
        export_bytes: Option<PathBuf>,
        /// A signature made elsewhere (hex, base64 or raw), checked before it is added.
        #[arg(long, requires = "pubkey")]
        import_signature: Option<PathBuf>,
        /// The public key the imported signature was made with.
        #[arg(long)]
        pubkey: Option<PathBuf>,
    },
    /// Explain in words what changed between two versions of a layout.
    Diff { old: PathBuf, new: PathBuf },
    /// Propose a layout from the links of a real run.
    Draft {
        /// The folder holding the `.link` files.
        #[arg(long)]
        links: PathBuf,
        /// Public keys of the functionaries who signed the links.
        #[arg(long = "key", num_args = 1..)]
        keys: Vec<PathBuf>,
        #[arg(long)]
        expires: Option<String>,
        /// Where to write the draft.
        #[arg(long)]
        out: PathBuf,
    },
    /// Set the expiry or the readme.
    Set {
        file: PathBuf,
        #[arg(long)]
        expires: Option<String>,
        #[arg(long)]
        readme: Option<String>,
    },
    /// Add or remove layout keys.
    #[command(subcommand)]
    Key(KeyEdit),
    /// Add, remove, rename, move and configure steps.
    #[command(subcommand)]
    Step(StepEdit),
    /// Add, remove, rename, move and configure inspections.
    #[command(subcommand)]
    Inspection(InspectionEdit),
    /// Add, edit, remove and move artifact rules.
    #[command(subcommand)]
    Rule(RuleEdit),
}

#[derive(Subcommand)]
pub enum KeyEdit {
    Add { file: PathBuf, pubkey: PathBuf },
    Remove { file: PathBuf, keyid: String },
}

#[derive(Subcommand)]
pub enum StepEdit {
    Add {
        file: PathBuf,
        name: String,
        /// Position (0-based); default: last.
        #[arg(long)]
        at: Option<usize>,
        /// Functionary public keys.
        #[arg(long = "functionary", num_args = 1..)]
        functionaries: Vec<PathBuf>,
        #[arg(long)]
        threshold: Option<u64>,
        /// Rules for the materials, each as one string (`"MATCH * WITH PRODUCTS FROM a"`).
        #[arg(long = "material", num_args = 1..)]
        materials: Vec<String>,
        #[arg(long = "product", num_args = 1..)]
        products: Vec<String>,
        /// The expected command, after `--`.
        #[arg(last = true)]
        command: Vec<String>,
    },
    Remove {
        file: PathBuf,
        name: String,
    },
    Rename {
        file: PathBuf,
        from: String,
        to: String,
    },
    Move {
        file: PathBuf,
        name: String,
        to: usize,
    },
    Threshold {
        file: PathBuf,
        name: String,
        threshold: u64,
    },
    /// Authorize a functionary (their public key is added to the layout's keys).
    AddFunctionary {
        file: PathBuf,
        name: String,
        pubkey: PathBuf,
    },
    RemoveFunctionary {
        file: PathBuf,
        name: String,
        keyid: String,
    },
    /// Set the expected command (after `--`).
    Command {
        file: PathBuf,
        name: String,
        #[arg(last = true)]
        command: Vec<String>,
    },
}

#[derive(Subcommand)]
pub enum InspectionEdit {
    Add {
        file: PathBuf,
        name: String,
        #[arg(long)]
        at: Option<usize>,
        #[arg(long = "material", num_args = 1..)]
        materials: Vec<String>,
        #[arg(long = "product", num_args = 1..)]
        products: Vec<String>,
        /// The command the verifier runs, after `--`.
        #[arg(last = true)]
        run: Vec<String>,
    },
    Remove {
        file: PathBuf,
        name: String,
    },
    Rename {
        file: PathBuf,
        from: String,
        to: String,
    },
    Move {
        file: PathBuf,
        name: String,
        to: usize,
    },
    /// Set the command (after `--`).
    Run {
        file: PathBuf,
        name: String,
        #[arg(last = true)]
        run: Vec<String>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ListArg {
    Materials,
    Products,
}

impl ListArg {
    fn list(self) -> RuleList {
        match self {
            ListArg::Materials => RuleList::ExpectedMaterials,
            ListArg::Products => RuleList::ExpectedProducts,
        }
    }
}

#[derive(Subcommand)]
pub enum RuleEdit {
    /// Add a rule to a step's or inspection's list: the rule's words after the list.
    Add {
        file: PathBuf,
        owner: String,
        list: ListArg,
        #[arg(long)]
        at: Option<usize>,
        #[arg(required = true, num_args = 1.., allow_hyphen_values = true)]
        rule: Vec<String>,
    },
    Edit {
        file: PathBuf,
        owner: String,
        list: ListArg,
        /// 1-based, as `show` numbers rules.
        number: usize,
        #[arg(required = true, num_args = 1.., allow_hyphen_values = true)]
        rule: Vec<String>,
    },
    Remove {
        file: PathBuf,
        owner: String,
        list: ListArg,
        number: usize,
    },
    Move {
        file: PathBuf,
        owner: String,
        list: ListArg,
        from: usize,
        to: usize,
    },
}

fn parse_rule(words: &[String]) -> Result<ArtifactRule, Failure> {
    // One string in the rule's text form (a pattern with spaces in double quotes), or the
    // words as separate arguments.
    let parsed = if words.len() == 1 {
        ArtifactRule::parse_text(&words[0])
    } else {
        ArtifactRule::parse(words)
    };
    parsed.map_err(|e| {
        Failure::new(format!("bad rule {:?}", words.join(" ")))
            .cause(e)
            .hint("rules look like MATCH <pattern> WITH PRODUCTS FROM <step>, CREATE <pattern>, DISALLOW *")
    })
}

fn parse_time(text: &str) -> Result<UtcTime, Failure> {
    UtcTime::parse_rfc3339(text).map_err(|e| Failure::new("bad --expires").cause(e))
}

fn open(file: &Path) -> Result<LayoutDocument, Failure> {
    let bytes = chainscope::files::read_bounded(file, chainscope::intoto::verify::MAX_LINK_BYTES)
        .map_err(|e| Failure::new(format!("cannot read {}", file.display())).cause(e))?;
    LayoutDocument::from_bytes(&bytes)
        .map_err(|e| Failure::new(format!("cannot open {} as a layout", file.display())).cause(e))
}

fn save(file: &Path, document: &LayoutDocument) -> Result<(), Failure> {
    write_atomic(file, &document.to_bytes())
        .map_err(|e| Failure::new(format!("cannot write {}", file.display())).cause(e))
}

/// Opens, applies the actions in order (all or none), writes back.
fn edit(file: &Path, actions: Vec<LayoutAction>) -> Result<u8, Failure> {
    let mut document = open(file)?;
    let had_signatures = !document.signed().signatures().is_empty();
    for action in actions {
        document
            .apply(action)
            .map_err(|e| Failure::new(format!("cannot edit {}", file.display())).cause(e))?;
    }
    save(file, &document)?;
    if had_signatures && !document.signed().signatures_current() {
        errln!(
            "note: the layout changed, so its signatures were dropped; sign it again (chainscope intoto layout sign)"
        );
    }
    Ok(0)
}

fn rule_actions(
    owner: &str,
    list: RuleList,
    rules: &[String],
) -> Result<Vec<LayoutAction>, Failure> {
    rules
        .iter()
        .map(|text| {
            Ok(LayoutAction::AddRule {
                owner: owner.to_owned(),
                list,
                rule: parse_rule(std::slice::from_ref(text))?,
                at: None,
            })
        })
        .collect()
}

pub fn run(command: LayoutCommand) -> Result<u8, Failure> {
    match command {
        LayoutCommand::New {
            file,
            expires,
            readme,
            dsse,
            force,
        } => {
            if file.exists() && !force {
                return Err(Failure::new(format!("{} exists", file.display()))
                    .hint("pass --force to replace it"));
            }
            let expires = match expires {
                Some(text) => parse_time(&text)?,
                None => UtcTime::from_unix(now_from(None)?.unix() + 365 * 86_400),
            };
            let kind = if dsse {
                EnvelopeKind::Dsse
            } else {
                EnvelopeKind::Legacy
            };
            let mut document = LayoutDocument::new(expires, kind);
            if let Some(readme) = readme {
                document
                    .apply(LayoutAction::SetReadme(readme))
                    .map_err(|e| Failure::new("cannot set the readme").cause(e))?;
            }
            save(&file, &document)?;
            Ok(0)
        }
        LayoutCommand::Show { file } => {
            out!("{}", show(&open(&file)?));
            Ok(0)
        }
        LayoutCommand::Lint { file, now, format } => {
            let document = open(&file)?;
            let findings = lint(document.layout(), now_from(now.as_deref())?);
            Ok(print_findings(&findings, format))
        }
        LayoutCommand::Sign {
            file,
            key,
            passphrase_env,
            export_bytes,
            import_signature,
            pubkey,
        } => {
            let mut document = open(&file)?;
            if let Some(out) = export_bytes {
                let bytes = document
                    .bytes_to_sign()
                    .map_err(|e| Failure::new("the layout has no canonical form").cause(e))?;
                write_atomic(&out, &bytes).map_err(|e| {
                    Failure::new(format!("cannot write {}", out.display())).cause(e)
                })?;
                errln!(
                    "wrote the {} bytes to sign to {}; sign them and add the signature with --import-signature",
                    bytes.len(),
                    out.display()
                );
                return Ok(0);
            }
            let report = match (key, import_signature, pubkey) {
                (Some(key), None, _) => {
                    let key = load_private_key(&key, passphrase_env.as_deref())?;
                    document
                        .sign(&key)
                        .map_err(|e| Failure::new("cannot sign").cause(e))?
                }
                (None, Some(signature), Some(pubkey)) => {
                    let public = load_public_key(&pubkey)?;
                    let bytes = chainscope::files::read_bounded(
                        &signature,
                        chainscope::files::MAX_SIGNATURE_FILE,
                    )
                    .map_err(|e| {
                        Failure::new(format!("cannot read {}", signature.display())).cause(e)
                    })?;
                    document
                        .import_signature(&public, &bytes)
                        .map_err(|e| Failure::new("signature not added").cause(e))?
                }
                _ => {
                    return Err(Failure::new("nothing to sign with").hint(
                        "give --key KEY, or --export-bytes FILE, or --import-signature SIG --pubkey PUB",
                    ));
                }
            };
            save(&file, &document)?;
            errln!("{}", report.summary());
            Ok(0)
        }
        LayoutCommand::Diff { old, new } => {
            let lines = diff(open(&old)?.layout(), open(&new)?.layout());
            if lines.is_empty() {
                outln!("the layouts say the same");
            }
            for line in lines {
                outln!("{line}");
            }
            Ok(0)
        }
        LayoutCommand::Draft {
            links,
            keys,
            expires,
            out,
        } => {
            let keys = keys
                .iter()
                .map(|k| load_public_key(k))
                .collect::<Result<Vec<_>, _>>()?;
            let expires = match expires {
                Some(text) => parse_time(&text)?,
                None => UtcTime::from_unix(now_from(None)?.unix() + 365 * 86_400),
            };
            let drafted = draft(&read_links(&links)?, &keys, expires);
            save(&out, &drafted.document)?;
            for note in &drafted.notes {
                errln!("note: {note}");
            }
            errln!(
                "wrote {}; review it (chainscope intoto layout lint) before signing",
                out.display()
            );
            Ok(0)
        }
        LayoutCommand::Set {
            file,
            expires,
            readme,
        } => {
            let mut actions = Vec::new();
            if let Some(text) = expires {
                actions.push(LayoutAction::SetExpires(parse_time(&text)?));
            }
            if let Some(text) = readme {
                actions.push(LayoutAction::SetReadme(text));
            }
            edit(&file, actions)
        }
        LayoutCommand::Key(KeyEdit::Add { file, pubkey }) => {
            edit(&file, vec![LayoutAction::AddKey(load_public_key(&pubkey)?)])
        }
        LayoutCommand::Key(KeyEdit::Remove { file, keyid }) => {
            edit(&file, vec![LayoutAction::RemoveKey(keyid)])
        }
        LayoutCommand::Step(step) => run_step_edit(step),
        LayoutCommand::Inspection(inspection) => run_inspection_edit(inspection),
        LayoutCommand::Rule(rule) => run_rule_edit(rule),
    }
}

fn run_step_edit(command: StepEdit) -> Result<u8, Failure> {
    match command {
        StepEdit::Add {
            file,
            name,
            at,
            functionaries,
            threshold,
            materials,
            products,
            command,
        } => {
            let mut actions = vec![LayoutAction::AddStep {
                name: name.clone(),
                at,
            }];
            for path in &functionaries {
                actions.push(LayoutAction::AddFunctionary {
                    step: name.clone(),
                    key: load_public_key(path)?,
                });
            }
            if let Some(threshold) = threshold {
                actions.push(LayoutAction::SetThreshold {
                    step: name.clone(),
                    threshold,
                });
            }
            if !command.is_empty() {
                actions.push(LayoutAction::SetExpectedCommand {
                    step: name.clone(),
                    command,
                });
            }
            actions.extend(rule_actions(
                &name,
                RuleList::ExpectedMaterials,
                &materials,
            )?);
            actions.extend(rule_actions(&name, RuleList::ExpectedProducts, &products)?);
            edit(&file, actions)
        }
        StepEdit::Remove { file, name } => edit(&file, vec![LayoutAction::RemoveStep(name)]),
        StepEdit::Rename { file, from, to } => {
            edit(&file, vec![LayoutAction::RenameStep { from, to }])
        }
        StepEdit::Move { file, name, to } => edit(&file, vec![LayoutAction::MoveStep { name, to }]),
        StepEdit::Threshold {
            file,
            name,
            threshold,
        } => edit(
            &file,
            vec![LayoutAction::SetThreshold {
                step: name,
                threshold,
            }],
        ),
        StepEdit::AddFunctionary { file, name, pubkey } => edit(
            &file,
            vec![LayoutAction::AddFunctionary {
                step: name,
                key: load_public_key(&pubkey)?,
            }],
        ),
        StepEdit::RemoveFunctionary { file, name, keyid } => edit(
            &file,
            vec![LayoutAction::RemoveFunctionary { step: name, keyid }],
        ),
        StepEdit::Command {
            file,
            name,
            command,
        } => edit(
            &file,
            vec![LayoutAction::SetExpectedCommand {
                step: name,
                command,
            }],
        ),
    }
}

fn run_inspection_edit(command: InspectionEdit) -> Result<u8, Failure> {
    match command {
        InspectionEdit::Add {
            file,
            name,
            at,
            materials,
            products,
            run,
        } => {
            let mut actions = vec![LayoutAction::AddInspection {
                name: name.clone(),
                at,
            }];
            if !run.is_empty() {
                actions.push(LayoutAction::SetRun {
                    inspection: name.clone(),
                    run,
                });
            }
            actions.extend(rule_actions(
                &name,
                RuleList::ExpectedMaterials,
                &materials,
            )?);
            actions.extend(rule_actions(&name, RuleList::ExpectedProducts, &products)?);
            edit(&file, actions)
        }
        InspectionEdit::Remove { file, name } => {
            edit(&file, vec![LayoutAction::RemoveInspection(name)])
        }
        InspectionEdit::Rename { file, from, to } => {
            edit(&file, vec![LayoutAction::RenameInspection { from, to }])
        }
        InspectionEdit::Move { file, name, to } => {
            edit(&file, vec![LayoutAction::MoveInspection { name, to }])
        }
        InspectionEdit::Run { file, name, run } => edit(
            &file,
            vec![LayoutAction::SetRun {
                inspection: name,
                run,
            }],
        ),
    }
}

fn run_rule_edit(command: RuleEdit) -> Result<u8, Failure> {
    let index = |number: usize| {
        number
            .checked_sub(1)
            .ok_or_else(|| Failure::new("rules are numbered from 1"))
    };
    match command {
        RuleEdit::Add {
            file,
            owner,
            list,
            at,
            rule,
        } => edit(
            &file,
            vec![LayoutAction::AddRule {
                owner,
                list: list.list(),
                rule: parse_rule(&rule)?,
                at: at.map(|n| n.saturating_sub(1)),
            }],
        ),
        RuleEdit::Edit {
            file,
            owner,
            list,
            number,
            rule,
        } => edit(
            &file,
            vec![LayoutAction::EditRule {
                owner,
                list: list.list(),
                index: index(number)?,
                rule: parse_rule(&rule)?,
            }],
        ),
        RuleEdit::Remove {
            file,
            owner,
            list,
            number,
        } => edit(
            &file,
            vec![LayoutAction::RemoveRule {
                owner,
                list: list.list(),
                index: index(number)?,
            }],
        ),
        RuleEdit::Move {
            file,
            owner,
            list,
            from,
            to,
        } => edit(
            &file,
            vec![LayoutAction::MoveRule {
                owner,
                list: list.list(),
                from: index(from)?,
                to: index(to)?,
            }],
        ),
    }
}

/// Every `*.link` file of `folder`, with who signed it.
fn read_links(folder: &Path) -> Result<Vec<SignedLink>, Failure> {
    chainscope::edit::draft::read_links(folder).map_err(Failure::new)
}

/// The layout for a reader.
fn show(document: &LayoutDocument) -> String {
    use std::fmt::Write as _;
    let layout = document.layout();
    let short = chainscope::crypto::threshold::short;
    let mut out = String::new();
    let _ = writeln!(out, "layout, expires {}", layout.expires_text());
    if !layout.readme().is_empty() {
        let _ = writeln!(out, "readme: {}", layout.readme());
    }
    let _ = writeln!(out, "keys:");
    for (keyid, key) in layout.keys() {
        let _ = writeln!(out, "  {} ({})", short(keyid), key.scheme_name());
    }
    for (index, step) in layout.steps().iter().enumerate() {
        let functionaries: Vec<String> = step.pubkeys().iter().map(|k| short(k)).collect();
        let _ = writeln!(
            out,
            "step {} {}: {} of [{}]{}",
            index + 1,
            step.name,
            step.threshold(),
            functionaries.join(", "),
            if step.expected_command().is_empty() {
                String::new()
            } else {
                format!(", command {:?}", step.expected_command().join(" "))
            }
        );
        for (label, rules) in [
            ("materials", step.expected_materials()),
            ("products", step.expected_products()),
        ] {
            for (number, rule) in rules.iter().enumerate() {
                let _ = writeln!(out, "  {label} {}: {}", number + 1, rule.rule);
            }
        }
    }
    for (index, inspection) in layout.inspections().iter().enumerate() {
        let _ = writeln!(
            out,
            "inspection {} {}: run {:?}",
            index + 1,
            inspection.name,
            inspection.run().join(" ")
        );
        for (label, rules) in [
            ("materials", inspection.expected_materials()),
            ("products", inspection.expected_products()),
        ] {
            for (number, rule) in rules.iter().enumerate() {
                let _ = writeln!(out, "  {label} {}: {}", number + 1, rule.rule);
            }
        }
    }
    let signed = document.signed();
    let signers: Vec<String> = signed
        .signatures()
        .iter()
        .map(|s| short(&s.keyid))
        .collect();
    let _ = writeln!(
        out,
        "signatures ({}): {}{}",
        match signed.kind {
            EnvelopeKind::Legacy => "signed/signatures",
            EnvelopeKind::Dsse => "DSSE",
        },
        if signers.is_empty() {
            "none".to_owned()
        } else {
            signers.join(", ")
        },
        if signed.signatures_current() {
            ""
        } else {
            " (stale: the content changed)"
        }
    );
    out
}

/// Prints lint findings (text, or JSON) and returns the exit status: 1 when any is an error.
pub fn print_findings(findings: &[chainscope::edit::lint::LintFinding], format: Format) -> u8 {
    match format {
        Format::Text => {
            for f in findings {
                let severity = match f.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                };
                outln!("{severity}: {} [{}]", f.message, f.code);
                outln!("  hint: {}", f.hint);
            }
            if findings.is_empty() {
                outln!("no findings");
            }
        }
        Format::Json => outln!(
            "{}",
            serde_json::to_string_pretty(findings).unwrap_or_default()
        ),
    }
    u8::from(findings.iter().any(|f| f.severity == Severity::Error))
}
