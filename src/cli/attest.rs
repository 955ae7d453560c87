//! `chainscope attest`: in-toto attestations verified against an ITE-10/11 layout.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chainscope::attest::verify::{AttestRequest, verify_attestations};

use super::{Failure, Format, now_from, read_input};

#[derive(clap::Subcommand)]
pub enum AttestCommand {
    /// Verify a folder of attestations against an ITE-10/11 layout (attestation-verifier's
    /// format: YAML or JSON, optionally signed in a DSSE envelope).
    ///
    /// Attestations are the `*.json` files of the folder: DSSE envelopes named
    /// `<step>.<keyid prefix>.json`.
    /// Exit status: 0 verified, 1 verification failed, 2 unreadable input or bad arguments,
    /// 3 not fully verified (inspections are not run).
    Verify(AttestVerifyArgs),
    /// Lint an ITE-10/11 layout: unparsable artifact or CEL rules, functionaries without keys,
    /// unreachable thresholds, MATCH rules from missing steps, expiry.
    ///
    /// Exit status: 0 no errors (warnings allowed), 1 errors, 2 unreadable layout.
    Lint {
        /// The layout (YAML or JSON, or a DSSE envelope holding one).
        #[arg(long)]
        layout: PathBuf,
        /// Judge expiry as of this time (RFC 3339) instead of now.
        #[arg(long)]
        now: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Sign an ITE-10/11 layout: the layout in a DSSE envelope (payload type
    /// `application/vnd.in-toto+json`), written over the file or to --out. A signed layout
    /// keeps its payload, so another owner's signature is added beside the first.
    Sign {
        /// The layout (YAML or JSON, or a DSSE envelope holding one).
        #[arg(long)]
        layout: PathBuf,
        /// The private key to sign with.
        #[arg(long)]
        key: PathBuf,
        /// The environment variable holding an encrypted key's passphrase.
        #[arg(long)]
        passphrase_env: Option<String>,
        /// Where to write the signed layout (default: over --layout).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(clap::Args)]
pub struct AttestVerifyArgs {
    /// The layout (YAML or JSON; a DSSE envelope holding one when signed).
    #[arg(long)]
    layout: PathBuf,
    /// The folder of attestations.
    #[arg(long)]
    attestations: PathBuf,
    /// A JSON object of parameters substituted into the layout's rules (`{name}`).
    #[arg(long)]
    param_file: Option<PathBuf>,
    /// A public key the (signed) layout must carry a valid signature of (repeatable).
    #[arg(long = "layout-key", value_name = "KEY")]
    layout_keys: Vec<PathBuf>,
    /// Verify as of this time (RFC 3339) instead of now.
    #[arg(long)]
    now: Option<String>,
    /// Sigstore's trusted root (`trusted_root.json`), for attestations that are Sigstore
    /// bundles signed by functionaries of `keyType: sigstore-oidc`; without it, the folder's own
    /// `trusted_root.json` when it has one.
    #[arg(long)]
    trusted_root: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub fn run(command: AttestCommand) -> Result<u8, Failure> {
    match command {
        AttestCommand::Verify(args) => run_verify(args),
        AttestCommand::Lint {
            layout,
            now,
            format,
        } => {
            let bytes = read_input(&layout, "layout")?;
            let read = chainscope::attest::layout::read_layout(&bytes).map_err(|e| {
                Failure::new(format!("cannot read the layout {}", layout.display()))
                    .because(e.to_string())
            })?;
            let findings = chainscope::attest::lint::lint(&read.layout, now_from(now.as_deref())?);
            Ok(super::layout::print_findings(&findings, format))
        }
        AttestCommand::Sign {
            layout,
            key,
            passphrase_env,
            out,
        } => {
            let bytes = read_input(&layout, "layout")?;
            let mut document = chainscope::edit::attest_layout::AttestLayoutDocument::from_bytes(
                &bytes,
            )
            .map_err(|e| {
                Failure::new(format!("cannot read the layout {}", layout.display()))
                    .because(e.to_string())
            })?;
            let key = super::key::load_private_key(&key, passphrase_env.as_deref())?;
            let report = document
                .sign(&key)
                .map_err(|e| Failure::new("cannot sign").cause(e))?;
            let out = out.unwrap_or(layout);
            chainscope::files::write_atomic(&out, &document.file_bytes())
                .map_err(|e| Failure::new(format!("cannot write {}", out.display())).cause(e))?;
            errln!("{}; wrote {}", report.summary(), out.display());
            Ok(0)
        }
    }
}

fn run_verify(args: AttestVerifyArgs) -> Result<u8, Failure> {
    let layout = read_input(&args.layout, "layout")?;
    let mut layout_keys = Vec::new();
    for path in &args.layout_keys {
        layout_keys.push(chainscope::crypto::read_public_key(path).map_err(|e| {
            Failure::new(format!("cannot read the layout key {}", path.display())).cause(e)
        })?);
    }
    let parameters: BTreeMap<String, String> = match &args.param_file {
        None => BTreeMap::new(),
        Some(path) => {
            serde_json::from_slice(&read_input(path, "parameter file")?).map_err(|e| {
                Failure::new(format!(
                    "{} is not a JSON object of strings",
                    path.display()
                ))
                .cause(e)
            })?
        }
    };
    let entries = std::fs::read_dir(&args.attestations).map_err(|e| {
        Failure::new(format!(
            "cannot read the folder {}",
            args.attestations.display()
        ))
        .cause(e)
    })?;
    let mut attestations = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| {
            Failure::new(format!(
                "cannot read the folder {}",
                args.attestations.display()
            ))
            .cause(e)
        })?;
        // Attestations are `*.json` (attestation-verifier's naming); the layout may sit beside
        // them.
        let path = entry.path();
        if !entry.file_type().is_ok_and(|t| t.is_file())
            || path.extension().is_none_or(|e| e != "json")
            || same_file(&path, &args.layout)
            || entry.file_name() == chainscope::workspace::ATTESTATION_TRUSTED_ROOT
            || args
                .trusted_root
                .as_ref()
                .is_some_and(|t| same_file(&path, t))
        {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        attestations.push((name, read_input(&path, "attestation")?));
    }
    attestations.sort_by(|a, b| a.0.cmp(&b.0));
    let beside = args
        .attestations
        .join(chainscope::workspace::ATTESTATION_TRUSTED_ROOT);
    let trusted_root_file = args
        .trusted_root
        .clone()
        .or_else(|| beside.is_file().then_some(beside));
    let trusted_root = match &trusted_root_file {
        Some(path) => Some((
            path.display().to_string(),
            read_input(path, "Sigstore trusted root")?,
        )),
        None => None,
    };
    let request = AttestRequest {
        trusted_root: trusted_root
            .as_ref()
            .map(|(name, bytes)| (name.as_str(), bytes.as_slice())),
        layout_name: &args.layout.display().to_string(),
        layout: &layout,
        layout_keys: &layout_keys,
        attestations: &attestations,
        parameters: &parameters,
        now: now_from(args.now.as_deref())?,
    };
    let trace = verify_attestations(&request).map_err(|e| {
        Failure::new(format!("cannot read the layout {}", e.file)).because(e.source.to_string())
    })?;
    Ok(super::print_trace(&trace, args.format))
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
