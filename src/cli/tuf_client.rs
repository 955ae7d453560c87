//! `chainscope tuf-client`: the client protocol of the TUF conformance suite
//! (theupdateframework/tuf-conformance): `init`, `refresh` and `download`, with the trusted
//! metadata kept in a folder as python-tuf's ngclient keeps it.

use std::path::{Path, PathBuf};

use chainscope::checks;
use chainscope::files::quote;
use chainscope::trace::Trace;
use chainscope::tuf::client::{Client, ClientConfig, Found};
use chainscope::tuf::http::{HttpTransport, Timeouts};
use chainscope::tuf::transport::{FolderTransport, Transport};

use super::Failure;

#[derive(clap::Args)]
pub struct TufClientArgs {
    /// The client's trusted metadata (root.json, timestamp.json, … as received).
    #[arg(long)]
    metadata_dir: PathBuf,
    /// Where the repository's metadata is served.
    #[arg(long)]
    metadata_url: Option<String>,
    /// A target to download (repeatable; processed in order, stopping at the first failure).
    #[arg(long = "target-name")]
    target_names: Vec<String>,
    /// Where targets are served.
    #[arg(long)]
    target_base_url: Option<String>,
    /// Where downloaded targets go.
    #[arg(long)]
    target_dir: Option<PathBuf>,
    /// Seconds a single download may take, connecting included.
    #[arg(long, default_value_t = 60)]
    timeout: u64,
    /// Judge expiry as of this time (RFC 3339) instead of now (not part of the protocol; for
    /// tests with fixed times).
    #[arg(long)]
    now: Option<String>,
    #[command(subcommand)]
    command: TufClientCommand,
}

#[derive(clap::Subcommand)]
pub enum TufClientCommand {
    /// Trust TRUSTED_ROOT: copy it into the metadata folder (no request is made).
    Init { trusted_root: PathBuf },
    /// Update the top-level metadata.
    Refresh,
    /// Update, then download each --target-name into --target-dir.
    Download,
}

fn transport(metadata_url: &str, targets_url: &str, timeout: u64) -> Box<dyn Transport> {
    match (
        metadata_url.strip_prefix("file://"),
        targets_url.strip_prefix("file://"),
    ) {
        (Some(metadata), targets) => Box::new(FolderTransport {
            metadata: metadata.into(),
            targets: targets.unwrap_or(targets_url).into(),
        }),
        _ => Box::new(HttpTransport::new(
            metadata_url,
            targets_url,
            Timeouts {
                connect: std::time::Duration::from_secs(timeout.min(10)),
                total: std::time::Duration::from_secs(timeout),
            },
        )),
    }
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    write_with(path, bytes, chainscope::files::write_atomic)
}

fn write_with(
    path: &Path,
    bytes: &[u8],
    writer: fn(&Path, &[u8]) -> std::io::Result<()>,
) -> Result<(), Failure> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| Failure::new(format!("cannot create {}", parent.display())).cause(e))?;
    }
    writer(path, bytes)
        .map_err(|e| Failure::new(format!("cannot write {}", path.display())).cause(e))
}

/// Writes what became trusted, as ngclient does: each root also as
/// `root_history/<version>.root.json`, everything under its unversioned name. Root, timestamp
/// and snapshot are what rollback protection rests on, so they wait for the disk; targets roles
/// are checked against snapshot before a cached copy is used, so a lost one is fetched again.
fn persist(dir: &Path, client: &Client<'_>) -> Result<(), Failure> {
    for (name, bytes) in client.accepted() {
        let durable = ["root.json", "timestamp.json", "snapshot.json"].contains(&name.as_str());
        if !durable {
            write_with(&dir.join(name), bytes, chainscope::files::write_replacing)?;
            continue;
        }
        if name == "root.json"
            && let Ok(root) = chainscope::tuf::Metadata::<chainscope::tuf::Root>::from_bytes(bytes)
        {
            write(
                &dir.join("root_history")
                    .join(format!("{}.root.json", root.signed.version)),
                bytes,
            )?;
        }
        write(&dir.join(name), bytes)?;
    }
    Ok(())
}

pub fn run(args: TufClientArgs) -> Result<u8, Failure> {
    let dir = &args.metadata_dir;
    if let TufClientCommand::Init { trusted_root } = &args.command {
        let bytes =
            chainscope::files::read_bounded(trusted_root, ClientConfig::default().root_max_length)
                .map_err(|e| {
                    Failure::new(format!("cannot read {}", trusted_root.display())).cause(e)
                })?;
        std::fs::create_dir_all(dir)
            .map_err(|e| Failure::new(format!("cannot create {}", dir.display())).cause(e))?;
        write(&dir.join("root.json"), &bytes)?;
        return Ok(0);
    }
    let metadata_url = args
        .metadata_url
        .as_deref()
        .ok_or_else(|| Failure::new("--metadata-url is required"))?;
    let targets_url = args.target_base_url.clone().unwrap_or_default();
    let transport = transport(metadata_url, &targets_url, args.timeout);
    let root = chainscope::files::read_bounded(
        &dir.join("root.json"),
        ClientConfig::default().root_max_length,
    )
    .map_err(|e| {
        Failure::new(format!("cannot read {}", dir.join("root.json").display()))
            .cause(e)
            .hint("run `chainscope tuf-client --metadata-dir DIR init TRUSTED_ROOT` first")
    })?;
    let mut trace = Trace::new(metadata_url);
    let outcome = (|| -> Result<bool, Failure> {
        let Ok(mut client) = Client::new(
            transport.as_ref(),
            ClientConfig::default(),
            super::now_from(args.now.as_deref())?,
            &root,
            "the trusted root.json",
            Some(dir.clone()),
            &mut trace,
        ) else {
            return Ok(false);
        };
        client.keep_role_bytes();
        // ngclient keeps its starting root in the history too.
        if let Ok(start) = chainscope::tuf::Metadata::<chainscope::tuf::Root>::from_bytes(&root) {
            write(
                &dir.join("root_history")
                    .join(format!("{}.root.json", start.signed.version)),
                &root,
            )?;
        }
        let mut ok = client.refresh(&mut trace).is_ok();
        if ok && matches!(args.command, TufClientCommand::Download) {
            let target_dir = args
                .target_dir
                .as_ref()
                .ok_or_else(|| Failure::new("--target-dir is required to download"))?;
            for name in &args.target_names {
                if !download(&mut client, name, target_dir, &mut trace)? {
                    ok = false;
                    break;
                }
            }
        }
        persist(dir, &client)?;
        Ok(ok)
    })();
    err!("{}", trace.render_text());
    Ok(if outcome? { 0 } else { 1 })
}

/// One target: found through the delegations, taken from the cache when it still matches,
/// else fetched, checked and written under its quoted name.
fn download(
    client: &mut Client<'_>,
    name: &str,
    target_dir: &Path,
    trace: &mut Trace,
) -> Result<bool, Failure> {
    let Ok(found) = client.find_target(name, trace) else {
        return Ok(false);
    };
    let path = target_dir.join(quote(name));
    if cached(&path, &found) {
        trace.pass(
            checks::TUF_5_7_3,
            chainscope::trace::Subject::Target {
                path: name.to_owned(),
            },
            &format!("{name} is already downloaded and matches: not fetched again"),
        );
        return Ok(true);
    }
    let Ok(bytes) = client.fetch_target(&found, trace) else {
        return Ok(false);
    };
    // Checked again before the cached copy is ever used, so not worth waiting for the disk.
    write_with(&path, &bytes, chainscope::files::write_replacing)?;
    Ok(true)
}

fn cached(path: &Path, found: &Found) -> bool {
    let Ok(Some(bytes)) = chainscope::files::read_bounded_or_missing(path, found.info.length)
    else {
        return false;
    };
    chainscope::crypto::digest::verify_length_and_hashes(
        &bytes,
        Some(found.info.length),
        found.info.hashes.iter(),
    )
    .is_ok()
}
