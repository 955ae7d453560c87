//! A Sigstore instance's trusted root (`trusted_root.json`: its Fulcio CAs, Rekor logs, CT logs
//! and timestamp authorities), fetched through chainscope's own TUF client as Sigstore clients
//! fetch it: from the instance's TUF repository (sigstore/root-signing, published by
//! tuf-on-ci), starting from a root pinned in the client.

use crate::time::UtcTime;
use crate::trace::Trace;
use crate::tuf::client::{Client, ClientConfig};
use crate::tuf::transport::Transport;

/// The name of the trusted root among the repository's targets.
pub const TRUSTED_ROOT_TARGET: &str = "trusted_root.json";

/// A Sigstore instance whose TUF repository chainscope knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Instance {
    pub name: &'static str,
    /// Where its TUF repository is served (metadata at the top, targets under `targets/`).
    pub repository: &'static str,
    /// The TUF root chainscope starts from: root-signing's newest root when this release was
    /// made. A client walks from it to the current root (TUF §5.3), so an old pin only costs
    /// the newer roots' downloads; it must never be replaced by a root the repository serves.
    pub pinned_root: &'static [u8],
}

/// Sigstore's public-good instance: root v15 of sigstore/root-signing at
/// 60cf2ce8b2e45d600dc17c4421e8c751e75772be.
pub const PRODUCTION: Instance = Instance {
    name: "Sigstore public good",
    repository: "https://tuf-repo-cdn.sigstore.dev",
    pinned_root: include_bytes!("roots/production.root.json"),
};

/// Sigstore's staging instance: root v14 of sigstore/root-signing-staging at
/// ed88d5dc6c56bfdbf1a78219364e6d3e4ecfe0c9.
pub const STAGING: Instance = Instance {
    name: "Sigstore staging",
    repository: "https://tuf-repo-cdn.sigstage.dev",
    pinned_root: include_bytes!("roots/staging.root.json"),
};

impl Instance {
    pub fn of(staging: bool) -> Instance {
        if staging { STAGING } else { PRODUCTION }
    }

    /// How a trace names the trusted root that came from this instance.
    pub fn trusted_root_name(&self) -> String {
        format!("{TRUSTED_ROOT_TARGET} of {} (through TUF)", self.name)
    }
}

/// Runs the TUF client workflow from `root` (refresh, then the target `trusted_root.json`
/// found through the delegations, its length and hashes checked) and returns the trusted
/// root's bytes; `None` when a check failed, which `trace` then says. Nothing is written
/// anywhere: each call starts again from `root`.
pub fn fetch_trusted_root(
    transport: &dyn Transport,
    root: &[u8],
    origin: &str,
    now: UtcTime,
    trace: &mut Trace,
) -> Option<Vec<u8>> {
    let mut client = Client::new(
        transport,
        ClientConfig::default(),
        now,
        root,
        origin,
        None,
        trace,
    )
    .ok()?;
    client.refresh(trace).ok()?;
    let found = client.find_target(TRUSTED_ROOT_TARGET, trace).ok()?;
    client.fetch_target(&found, trace).ok()
}

/// The root chainscope pins for a Sigstore instance, when `metadata_dir` (a TUF repository's
/// metadata folder) serves exactly that root: the file, and the instance. Opening Sigstore's
/// repository then starts from the pinned root, as a Sigstore client does, instead of the
/// repository's own first root (which neither python-tuf nor chainscope can read: root-signing's
/// roots 1-3 write `expires` with a UTC offset).
pub fn pinned_root_in(metadata_dir: &std::path::Path) -> Option<(std::path::PathBuf, Instance)> {
    [PRODUCTION, STAGING].into_iter().find_map(|instance| {
        let root =
            crate::tuf::Metadata::<crate::tuf::Root>::from_bytes(instance.pinned_root).ok()?;
        let path = metadata_dir.join(format!("{}.root.json", root.signed.version));
        let bytes = crate::files::read_bounded(&path, 1 << 20).ok()?;
        (bytes == instance.pinned_root).then_some((path, instance))
    })
}
