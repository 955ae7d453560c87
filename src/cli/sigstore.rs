//! `chainscope sigstore`: Sigstore bundles verified check by check, speaking the
//! sigstore-conformance suite's client protocol (`docs/cli_protocol.md`), and the trusted root
//! fetched through chainscope's own TUF client.

use std::path::{Path, PathBuf};

use chainscope::sigstore::trust::{Instance, fetch_trusted_root};
use chainscope::sigstore::{Artifact, BundleRequest, Signer, verify_bundle};
use chainscope::trace::Trace;

use super::{Failure, Format, read_input};

#[derive(clap::Subcommand)]
pub enum SigstoreCommand {
    /// Verify a Sigstore bundle against an artifact (or its `sha256:` digest) and a signer.
    ///
    /// Arguments as the sigstore-conformance protocol gives them. Without --trusted-root the
    /// instance's trusted root is fetched through TUF (see `trusted-root`).
    /// Exit status: 0 verified, 1 verification failed, 2 unreadable input or bad arguments.
    VerifyBundle(VerifyBundleArgs),
    /// Fetch an instance's `trusted_root.json` through TUF, from the root pinned in chainscope
    /// (or --root), and print it (or write it to --out).
    ///
    /// Exit status: 0 fetched and verified, 1 the TUF verification failed, 2 bad arguments.
    TrustedRoot(TrustedRootArgs),
}

#[derive(clap::Args)]
pub struct VerifyBundleArgs {
    /// Use Sigstore's staging instance instead of production.
    #[arg(long)]
    staging: bool,
    /// The Sigstore bundle.
    #[arg(long)]
    bundle: PathBuf,
    /// The identity the Fulcio certificate must be issued to (its SAN, exactly).
    #[arg(long, conflicts_with = "key")]
    certificate_identity: Option<String>,
    /// The OIDC issuer the Fulcio certificate must name. Without it, any issuer (or none, as
    /// in GitHub's release attestations) is accepted.
    #[arg(long, requires = "certificate_identity")]
    certificate_oidc_issuer: Option<String>,
    /// A managed key (PEM `PUBLIC KEY`) instead of a certificate identity.
    #[arg(long, required_unless_present = "certificate_identity")]
    key: Option<PathBuf>,
    /// The trusted root to verify with (Fulcio CAs, Rekor logs, CT logs, TSAs).
    #[arg(long)]
    trusted_root: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// The artifact, or `sha256:` and its hex digest. For a bundle holding an in-toto
    /// statement: a subject of the statement.
    file_or_digest: String,
}

#[derive(clap::Args)]
pub struct TrustedRootArgs {
    /// Sigstore's staging instance instead of production.
    #[arg(long)]
    staging: bool,
    /// The TUF repository to fetch from (a folder, a file:// or an http(s):// URL). Default: the
    /// instance's own.
    #[arg(long)]
    repository: Option<String>,
    /// The TUF root to start from. Default: the instance's root pinned in chainscope.
    #[arg(long)]
    root: Option<PathBuf>,
    /// Write the trusted root here instead of to standard output.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Judge expiry as of this time (RFC 3339) instead of now.
    #[arg(long)]
    now: Option<String>,
}

pub fn run(command: SigstoreCommand) -> Result<u8, Failure> {
    match command {
        SigstoreCommand::VerifyBundle(args) => run_verify_bundle(args),
        SigstoreCommand::TrustedRoot(args) => run_trusted_root(args),
    }
}

fn run_verify_bundle(args: VerifyBundleArgs) -> Result<u8, Failure> {
    let bundle = read_input(&args.bundle, "bundle")?;
    let artifact = match Artifact::digest_argument(&args.file_or_digest) {
        Some(digest) => Artifact::Sha256(digest),
        None => Artifact::Bytes(read_input(Path::new(&args.file_or_digest), "artifact")?),
    };
    let signer = match (
        &args.key,
        args.certificate_identity,
        args.certificate_oidc_issuer,
    ) {
        (Some(key), _, _) => Signer::Key {
            name: key.display().to_string(),
            pem: String::from_utf8(read_input(key, "key")?).map_err(|_| {
                Failure::new(format!("the key {} is not text (PEM)", key.display()))
            })?,
        },
        (None, Some(identity), issuer) => Signer::Identity { identity, issuer },
        _ => {
            return Err(Failure::new(
                "give --certificate-identity (and --certificate-oidc-issuer), or --key",
            ));
        }
    };
    let instance = Instance::of(args.staging);
    let (trusted_root_name, trusted_root) = match &args.trusted_root {
        Some(path) => (
            path.display().to_string(),
            read_input(path, "trusted root")?,
        ),
        None => {
            let (bytes, code) = fetch(instance, None, None, None)?;
            match bytes {
                Some(bytes) => (instance.trusted_root_name(), bytes),
                None => return Ok(code),
            }
        }
    };
    let request = BundleRequest {
        bundle_name: &args.bundle.display().to_string(),
        bundle: &bundle,
        trusted_root_name: &trusted_root_name,
        trusted_root: &trusted_root,
        artifact: &artifact,
        signer: &signer,
    };
    let trace = verify_bundle(&request).map_err(Failure::of)?;
    Ok(super::print_trace(&trace, args.format))
}

fn run_trusted_root(args: TrustedRootArgs) -> Result<u8, Failure> {
    let instance = Instance::of(args.staging);
    let root = args
        .root
        .as_deref()
        .map(|p| read_input(p, "TUF root"))
        .transpose()?;
    let now = super::now_from(args.now.as_deref())?;
    let (bytes, code) = fetch(instance, args.repository.as_deref(), root, Some(now))?;
    if let Some(bytes) = bytes {
        match &args.out {
            Some(path) => chainscope::files::write_atomic(path, &bytes)
                .map_err(|e| Failure::new(format!("cannot write {}", path.display())).cause(e))?,
            None => {
                use std::io::Write as _;
                std::io::stdout()
                    .write_all(&bytes)
                    .map_err(|e| Failure::new("cannot write to standard output").cause(e))?;
            }
        }
    }
    Ok(code)
}

/// The instance's trusted root through TUF: from `repository` (default: the instance's own),
/// starting from
/// `root` (default: the pinned one). The TUF trace goes to standard error when it fails (and
/// always for `trusted-root`, when `now` is given); `None` with exit code 1 then.
fn fetch(
    instance: Instance,
    repository: Option<&str>,
    root: Option<Vec<u8>>,
    now: Option<chainscope::time::UtcTime>,
) -> Result<(Option<Vec<u8>>, u8), Failure> {
    let always_show = now.is_some();
    let (repository, transport): (String, Box<dyn chainscope::tuf::transport::Transport>) =
        match repository {
            Some(repository) => (
                repository.to_owned(),
                chainscope::tuf::verify::open_transport(repository, None).map_err(|e| {
                    Failure::new(format!("cannot open the TUF repository {repository}")).cause(e)
                })?,
            ),
            // Sigstore's CDN serves metadata at the top and targets under targets/.
            None => (
                instance.repository.to_owned(),
                Box::new(chainscope::tuf::http::HttpTransport::new(
                    &format!("{}/", instance.repository),
                    &format!("{}/targets/", instance.repository),
                    chainscope::tuf::http::Timeouts::default(),
                )),
            ),
        };
    let (root, origin) = match &root {
        Some(bytes) => (bytes.as_slice(), "the given TUF root"),
        None => (instance.pinned_root, "the TUF root pinned in chainscope"),
    };
    let now = match now {
        Some(now) => now,
        None => super::now_from(None)?,
    };
    let mut trace = Trace::new(&repository);
    let fetched = fetch_trusted_root(transport.as_ref(), root, origin, now, &mut trace);
    if always_show || fetched.is_none() {
        err!("{}", trace.render_text());
    }
    Ok(match fetched {
        Some(bytes) => (Some(bytes), 0),
        None => (None, 1),
    })
}
