//! `chainscope tuf init|add-target|…|publish`: the repository editor of the core, one command
//! per change. Changes are staged in `REPO/staged/` until `publish`; each command says what it
//! staged and what the role still needs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chainscope::crypto::threshold::short;
use chainscope::crypto::{PrivateKey, PublicKey};
use chainscope::edit::tuf::{
    AtomicWriter, DelegateRequest, DelegationScope, PublishOptions, RepoError, RoleState, TufRepo,
    diff_roles,
};
use chainscope::files::write_atomic;
use chainscope::time::UtcTime;

use super::key::{load_private_key, load_public_key};
use super::{Failure, Format, now_from};

const DAY: i64 = 86_400;

/// The repository folder every editing command works on.
#[derive(clap::Args)]
pub struct RepoArg {
    /// The repository folder: metadata/ and targets/ as published, staged/ for changes.
    #[arg(long, default_value = ".")]
    repo: PathBuf,
}

#[derive(clap::Args)]
pub struct InitArgs {
    #[command(flatten)]
    repo: RepoArg,
    /// A public key for every top-level role not given its own below.
    #[arg(long = "key", value_name = "PUB")]
    keys: Vec<PathBuf>,
    #[arg(long = "root-key", value_name = "PUB")]
    root_keys: Vec<PathBuf>,
    #[arg(long, default_value_t = 1)]
    root_threshold: u64,
    #[arg(long = "targets-key", value_name = "PUB")]
    targets_keys: Vec<PathBuf>,
    #[arg(long, default_value_t = 1)]
    targets_threshold: u64,
    #[arg(long = "snapshot-key", value_name = "PUB")]
    snapshot_keys: Vec<PathBuf>,
    #[arg(long, default_value_t = 1)]
    snapshot_threshold: u64,
    #[arg(long = "timestamp-key", value_name = "PUB")]
    timestamp_keys: Vec<PathBuf>,
    #[arg(long, default_value_t = 1)]
    timestamp_threshold: u64,
    /// Publish role files without version prefixes (clients then fetch `targets.json`, and a
    /// target file is replaced in place). No order of writes then keeps the old version valid
    /// while a publish is under way: clients may fail until it ends.
    #[arg(long)]
    no_consistent_snapshot: bool,
    /// When root expires: RFC 3339, or a number of days like `365d`.
    #[arg(long, default_value = "365d")]
    expires: String,
    /// When targets expires.
    #[arg(long, default_value = "90d")]
    targets_expires: String,
    #[arg(long)]
    now: Option<String>,
}

#[derive(clap::Args)]
pub struct DelegateArgs {
    #[command(flatten)]
    repo: RepoArg,
    /// The new role.
    name: String,
    /// The role that delegates.
    #[arg(long, default_value = "targets")]
    from: String,
    /// The public keys trusted to sign the new role.
    #[arg(long = "key", value_name = "PUB", required = true)]
    keys: Vec<PathBuf>,
    #[arg(long, default_value_t = 1)]
    threshold: u64,
    /// A path pattern the role is trusted for (repeatable; `*` does not cross `/`).
    #[arg(
        long = "path",
        value_name = "PATTERN",
        conflicts_with = "hash_prefixes"
    )]
    paths: Vec<String>,
    /// A hex prefix of sha256(target path) the role is trusted for (repeatable).
    #[arg(long = "hash-prefix", value_name = "HEX")]
    hash_prefixes: Vec<String>,
    /// Stop the search at this role: roles delegated after it are not asked for its paths.
    #[arg(long)]
    terminating: bool,
    #[arg(long, default_value = "90d")]
    expires: String,
    #[arg(long)]
    now: Option<String>,
}

#[derive(clap::Args)]
pub struct DelegateBinsArgs {
    #[command(flatten)]
    repo: RepoArg,
    /// The role that delegates all its targets to the bins.
    #[arg(long, default_value = "targets")]
    from: String,
    /// 2^N bins.
    #[arg(long)]
    bit_length: u32,
    /// Bin names start with this.
    #[arg(long, default_value = "bin")]
    name_prefix: String,
    /// List the bins as roles with `path_hash_prefixes` (the classic hashed bins) instead of
    /// one TAP 15 `succinct_roles` entry.
    #[arg(long)]
    hash_prefixes: bool,
    #[arg(long = "key", value_name = "PUB", required = true)]
    keys: Vec<PathBuf>,
    #[arg(long, default_value_t = 1)]
    threshold: u64,
    #[arg(long, default_value = "90d")]
    expires: String,
    #[arg(long)]
    now: Option<String>,
}

#[derive(clap::Args)]
pub struct SignArgs {
    #[command(flatten)]
    repo: RepoArg,
    /// The role to sign (or --every-role).
    #[arg(required_unless_present = "every_role")]
    role: Option<String>,
    /// With --key: sign every role the key may sign that is staged or short of signatures.
    #[arg(long, requires = "key", conflicts_with = "role")]
    every_role: bool,
    #[arg(long)]
    now: Option<String>,
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
}

#[derive(clap::Args)]
pub struct PublishArgs {
    #[command(flatten)]
    repo: RepoArg,
    /// A private key for snapshot or timestamp (repeatable; each signs the roles it may).
    #[arg(long = "online-key", value_name = "KEY", required = true)]
    online_keys: Vec<PathBuf>,
    #[arg(long)]
    passphrase_env: Option<String>,
    /// Days until the new snapshot expires.
    #[arg(long, default_value_t = 7)]
    snapshot_expires_in_days: i64,
    /// Days until the new timestamp expires.
    #[arg(long, default_value_t = 1)]
    timestamp_expires_in_days: i64,
    /// Publish as of this time (RFC 3339) instead of now.
    #[arg(long)]
    now: Option<String>,
}

#[derive(clap::Args)]
pub struct DiffArgs {
    #[command(flatten)]
    repo: RepoArg,
    /// A role of the repository, or two metadata files to compare.
    #[arg(num_args = 1..=2, required = true)]
    what: Vec<String>,
    /// The older version (default: the published one).
    #[arg(long)]
    from: Option<u64>,
    /// The newer version (default: the staged one).
    #[arg(long)]
    to: Option<u64>,
}

#[derive(clap::Subcommand)]
pub enum EditCommand {
    /// Start a repository: root with the given keys and thresholds and an empty targets role,
    /// staged for signing. Snapshot and timestamp are made by the first publish.
    Init(InitArgs),
    /// Add (or replace) a target: hash the file, stage its copy and list it in a role (by
    /// default the one its path is delegated to, the right bin included).
    AddTarget {
        #[command(flatten)]
        repo: RepoArg,
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The target path clients ask for (default: the file name); only with one file.
        #[arg(long)]
        path: Option<String>,
        /// Put each file at PREFIX/<file name> (for many files at once).
        #[arg(long, conflicts_with = "path")]
        prefix: Option<String>,
        #[arg(long)]
        role: Option<String>,
        /// JSON for the target's `custom` field.
        #[arg(long)]
        custom: Option<String>,
    },
    /// Stop listing a target.
    RemoveTarget {
        #[command(flatten)]
        repo: RepoArg,
        path: String,
        #[arg(long)]
        role: Option<String>,
    },
    /// Delegate paths or hash prefixes to a new role.
    Delegate(DelegateArgs),
    /// Delegate everything a role is trusted for to 2^N hash bins, every bin created.
    DelegateBins(DelegateBinsArgs),
    /// Trust one more key for a role (root for top-level roles, the delegator for the others).
    AddKey {
        #[command(flatten)]
        repo: RepoArg,
        role: String,
        key: PathBuf,
    },
    /// Stop trusting a key for a role: a key file or a keyid (a unique prefix is enough).
    RemoveKey {
        #[command(flatten)]
        repo: RepoArg,
        role: String,
        key: String,
    },
    /// How many of a role's keys must sign.
    SetThreshold {
        #[command(flatten)]
        repo: RepoArg,
        role: String,
        threshold: u64,
    },
    /// When a role expires: RFC 3339, or a number of days like `30d`.
    SetExpiry {
        #[command(flatten)]
        repo: RepoArg,
        role: String,
        expires: String,
        #[arg(long)]
        now: Option<String>,
    },
    /// Sign a role with one key, export the bytes for an offline signer, or import a signature.
    Sign(SignArgs),
    /// Per role: version, "k of n signatures", who still has to sign, when it expires.
    ///
    /// Exit status: 0 when everything staged can be published, 1 when signatures are missing.
    Status {
        #[command(flatten)]
        repo: RepoArg,
        #[arg(long)]
        now: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// What changed between two versions of a role, and who signed each.
    Diff(DiffArgs),
    /// Publish the staged roles with a new snapshot and timestamp: targets files and roles
    /// first, then root, then snapshot, and timestamp.json last, each file atomically.
    Publish(PublishArgs),
}

fn open(repo: &RepoArg) -> Result<TufRepo, Failure> {
    TufRepo::open(&repo.repo).map_err(|e| {
        Failure::new(format!(
            "cannot open the repository in {}",
            repo.repo.display()
        ))
        .cause(e)
    })
}

fn save(repo: &mut TufRepo, dir: &RepoArg) -> Result<(), Failure> {
    repo.save_staged().map_err(|e| {
        Failure::new(format!(
            "cannot save the staged changes in {}",
            dir.repo.display()
        ))
        .cause(e)
    })
}

fn refused(what: &str) -> impl Fn(RepoError) -> Failure + '_ {
    move |e| Failure::new(what.to_owned()).cause(e)
}

/// `365d` (days from `now`) or an RFC 3339 time.
fn expiry(text: &str, now: UtcTime) -> Result<UtcTime, Failure> {
    if let Some(days) = text.strip_suffix('d')
        && let Ok(days) = days.parse::<i64>()
    {
        return Ok(UtcTime::from_unix(now.unix() + days * DAY));
    }
    UtcTime::parse_rfc3339(text).map_err(|e| {
        Failure::new(format!("bad expiry {text:?}"))
            .cause(e)
            .hint("give a number of days like 90d, or a time like 2027-01-01T00:00:00Z")
    })
}

fn public_keys(paths: &[PathBuf]) -> Result<Vec<PublicKey>, Failure> {
    paths.iter().map(|p| load_public_key(p)).collect()
}

/// Where `state` stands after a change, and what to do next.
fn step_line(state: &RoleState) -> String {
    let role = &state.role;
    if state.ready() {
        format!("{role} v{}: {}", state.version, state.report.summary())
    } else {
        format!(
            "{role} v{}: {}; sign it: chainscope tuf sign {role} --key KEY",
            state.version,
            state.report.summary()
        )
    }
}

/// One line per role named, from one look at the signing state.
fn print_next_steps<S: AsRef<str>>(repo: &TufRepo, roles: &[S]) {
    let Ok(states) = repo.status(UtcTime::now()) else {
        return;
    };
    for role in roles {
        if let Some(state) = states.iter().find(|s| s.role == role.as_ref()) {
            outln!("{}", step_line(state));
        }
    }
}

pub fn run(command: EditCommand) -> Result<u8, Failure> {
    match command {
        EditCommand::Init(args) => init(args),
        EditCommand::AddTarget {
            repo: dir,
            files,
            path,
            prefix,
            role,
            custom,
        } => {
            let mut repo = open(&dir)?;
            if path.is_some() && files.len() > 1 {
                return Err(Failure::new("--path names one target")
                    .hint("give one file with --path, or many with --prefix DIR"));
            }
            let custom: Option<serde_json::Value> = custom
                .map(|text| {
                    serde_json::from_str(&text)
                        .map_err(|e| Failure::new("--custom is not JSON").cause(e))
                })
                .transpose()?;
            let mut roles = BTreeMap::new();
            for file in &files {
                let target_path = match (&path, &prefix) {
                    (Some(path), _) => path.clone(),
                    (None, prefix) => {
                        let name = file
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .ok_or_else(|| {
                                Failure::new(format!("{} names no file", file.display()))
                            })?;
                        match prefix {
                            Some(prefix) => format!("{}/{name}", prefix.trim_end_matches('/')),
                            None => name,
                        }
                    }
                };
                let role = repo
                    .add_target(file, &target_path, role.as_deref(), custom.clone())
                    .map_err(refused(&format!("cannot add {target_path}")))?;
                if files.len() == 1 {
                    outln!("{target_path} staged in {role}");
                }
                *roles.entry(role).or_insert(0u64) += 1;
            }
            save(&mut repo, &dir)?;
            if files.len() > 1 {
                outln!("{} targets staged in {} roles", files.len(), roles.len());
            }
            print_next_steps(&repo, &roles.keys().take(10).collect::<Vec<_>>());
            Ok(0)
        }
        EditCommand::RemoveTarget {
            repo: dir,
            path,
            role,
        } => {
            let mut repo = open(&dir)?;
            let role = repo
                .remove_target(&path, role.as_deref())
                .map_err(refused(&format!("cannot remove {path}")))?;
            save(&mut repo, &dir)?;
            outln!("{path} removed from {role}");
            print_next_steps(&repo, &[&role]);
            Ok(0)
        }
        EditCommand::Delegate(args) => {
            let now = now_from(args.now.as_deref())?;
            let mut repo = open(&args.repo)?;
            let scope = match (args.paths.is_empty(), args.hash_prefixes.is_empty()) {
                (false, _) => DelegationScope::Paths(args.paths),
                (true, false) => DelegationScope::HashPrefixes(args.hash_prefixes),
                (true, true) => {
                    return Err(Failure::new("nothing delegated")
                        .hint("give --path PATTERN or --hash-prefix HEX (repeatable)"));
                }
            };
            let request = DelegateRequest {
                delegator: args.from.clone(),
                name: args.name.clone(),
                keys: public_keys(&args.keys)?,
                threshold: args.threshold,
                scope,
                terminating: args.terminating,
                expires: expiry(&args.expires, now)?,
            };
            let bins = repo
                .apply_delegation(&request)
                .map_err(refused(&format!("cannot delegate to {}", args.name)))?;
            save(&mut repo, &args.repo)?;
            outln!("{} (staged, empty)", request.done(bins));
            print_next_steps(&repo, &[&args.from, &args.name]);
            Ok(0)
        }
        EditCommand::DelegateBins(args) => {
            let now = now_from(args.now.as_deref())?;
            let mut repo = open(&args.repo)?;
            let bit_length = args.bit_length;
            let request = DelegateRequest {
                delegator: args.from.clone(),
                name: args.name_prefix.clone(),
                keys: public_keys(&args.keys)?,
                threshold: args.threshold,
                scope: if args.hash_prefixes {
                    DelegationScope::HashedBins { bit_length }
                } else {
                    DelegationScope::SuccinctBins { bit_length }
                },
                terminating: false,
                expires: expiry(&args.expires, now)?,
            };
            let bins = repo
                .apply_delegation(&request)
                .map_err(refused("cannot delegate to bins"))?;
            save(&mut repo, &args.repo)?;
            outln!("{} (staged, empty)", request.done(bins));
            print_next_steps(&repo, &[&args.from]);
            Ok(0)
        }
        EditCommand::AddKey {
            repo: dir,
            role,
            key,
        } => {
            let mut repo = open(&dir)?;
            let key = load_public_key(&key)?;
            repo.add_key(&role, &key)
                .map_err(refused(&format!("cannot add the key to {role}")))?;
            save(&mut repo, &dir)?;
            outln!("{role} now trusts key {}", short(key.keyid()));
            print_delegator_step(&repo, &role);
            Ok(0)
        }
        EditCommand::RemoveKey {
            repo: dir,
            role,
            key,
        } => {
            let mut repo = open(&dir)?;
            let keyid = keyid_of(&repo, &role, &key)?;
            repo.remove_key(&role, &keyid)
                .map_err(refused(&format!("cannot remove the key from {role}")))?;
            save(&mut repo, &dir)?;
            outln!("{role} no longer trusts key {}", short(&keyid));
            print_delegator_step(&repo, &role);
            Ok(0)
        }
        EditCommand::SetThreshold {
            repo: dir,
            role,
            threshold,
        } => {
            let mut repo = open(&dir)?;
            repo.set_threshold(&role, threshold)
                .map_err(refused(&format!("cannot change the threshold of {role}")))?;
            save(&mut repo, &dir)?;
            outln!(
                "{role} needs {threshold} signature{}",
                if threshold == 1 { "" } else { "s" }
            );
            print_delegator_step(&repo, &role);
            Ok(0)
        }
        EditCommand::SetExpiry {
            repo: dir,
            role,
            expires,
            now,
        } => {
            let now = now_from(now.as_deref())?;
            let mut repo = open(&dir)?;
            let expires = expiry(&expires, now)?;
            repo.set_expiry(&role, expires)
                .map_err(refused(&format!("cannot change when {role} expires")))?;
            save(&mut repo, &dir)?;
            outln!("{role} expires {expires}");
            print_next_steps(&repo, &[&role]);
            Ok(0)
        }
        EditCommand::Sign(args) => sign(args),
        EditCommand::Status {
            repo: dir,
            now,
            format,
        } => {
            let now = now_from(now.as_deref())?;
            let repo = open(&dir)?;
            let states = repo
                .status(now)
                .map_err(refused("cannot read the signing state"))?;
            let staged_ready = states.iter().filter(|s| s.staged).all(RoleState::ready);
            match format {
                Format::Text => out!("{}", render_status(&states, staged_ready)),
                Format::Json => outln!(
                    "{}",
                    serde_json::to_string_pretty(&status_json(&states, staged_ready))
                        .unwrap_or_default()
                ),
            }
            Ok(if staged_ready { 0 } else { 1 })
        }
        EditCommand::Diff(args) => diff(args),
        EditCommand::Publish(args) => publish(args),
    }
}

fn init(args: InitArgs) -> Result<u8, Failure> {
    let now = now_from(args.now.as_deref())?;
    let default_keys = public_keys(&args.keys)?;
    let mut keys: BTreeMap<&str, (Vec<PublicKey>, u64)> = BTreeMap::new();
    for (role, paths, threshold) in [
        ("root", &args.root_keys, args.root_threshold),
        ("targets", &args.targets_keys, args.targets_threshold),
        ("snapshot", &args.snapshot_keys, args.snapshot_threshold),
        ("timestamp", &args.timestamp_keys, args.timestamp_threshold),
    ] {
        let role_keys = if paths.is_empty() {
            default_keys.clone()
        } else {
            public_keys(paths)?
        };
        if role_keys.is_empty() {
            return Err(
                Failure::new(format!("no key for the {role} role")).hint(format!(
                    "give --{role}-key PUB, or --key PUB for every role"
                )),
            );
        }
        keys.insert(role, (role_keys, threshold));
    }
    let mut repo = TufRepo::init(
        &args.repo.repo,
        &keys,
        !args.no_consistent_snapshot,
        expiry(&args.expires, now)?,
    )
    .map_err(refused(&format!(
        "cannot start a repository in {}",
        args.repo.repo.display()
    )))?;
    repo.set_expiry("targets", expiry(&args.targets_expires, now)?)
        .map_err(refused("cannot set when targets expires"))?;
    save(&mut repo, &args.repo)?;
    outln!(
        "repository started in {} (root v1 and targets v1 staged)",
        args.repo.repo.display()
    );
    print_next_steps(&repo, &["root", "targets"]);
    outln!("then: chainscope tuf publish --online-key SNAPSHOT_KEY --online-key TIMESTAMP_KEY");
    Ok(0)
}

/// After a change of keys or threshold: every role that now needs signing (the one holding
/// the delegation, and the role itself when its old signatures no longer count).
fn print_delegator_step(repo: &TufRepo, role: &str) {
    let Ok(states) = repo.status(UtcTime::now()) else {
        return;
    };
    let needing: Vec<&RoleState> = states
        .iter()
        .filter(|s| s.role != "snapshot" && s.role != "timestamp" || s.role == role)
        .filter(|s| s.staged || !s.ready())
        .collect();
    for state in needing.iter().take(10) {
        outln!("{}", step_line(state));
    }
    if needing.len() > 10 {
        outln!(
            "… and {} more roles: chainscope tuf status",
            needing.len() - 10
        );
    }
}

/// A key file's keyid, or a keyid (or unique prefix of one) trusted for `role`.
fn keyid_of(repo: &TufRepo, role: &str, text: &str) -> Result<String, Failure> {
    if Path::new(text).is_file() {
        return Ok(load_public_key(Path::new(text))?.keyid().to_owned());
    }
    let states = repo
        .status(UtcTime::now())
        .map_err(refused("cannot read the roles"))?;
    let state = states
        .iter()
        .find(|s| s.role == role)
        .ok_or_else(|| Failure::new(format!("there is no role named {role:?}")))?;
    let keyids: Vec<&str> = state
        .report
        .missing
        .iter()
        .map(String::as_str)
        .chain(state.report.counted())
        .filter(|id| id.starts_with(text))
        .collect();
    match keyids.as_slice() {
        [one] => Ok((*one).to_owned()),
        [] => Err(Failure::new(format!("no key of {role} starts with {text}"))),
        _ => Err(
            Failure::new(format!("several keys of {role} start with {text}"))
                .hint("give more of the keyid"),
        ),
    }
}

fn sign(args: SignArgs) -> Result<u8, Failure> {
    let mut repo = open(&args.repo)?;
    if args.every_role {
        let key = load_private_key(
            args.key.as_ref().expect("clap requires --key"),
            args.passphrase_env.as_deref(),
        )?;
        let signed = repo
            .sign_every_role(&key, now_from(args.now.as_deref())?)
            .map_err(refused("not signed"))?;
        save(&mut repo, &args.repo)?;
        match signed.as_slice() {
            [] => outln!("no role needs a signature from {}", short(key.keyid())),
            [one] => outln!("signed {one} with {}", short(key.keyid())),
            many => outln!(
                "signed {} roles with {} ({}{})",
                many.len(),
                short(key.keyid()),
                many.iter().take(5).cloned().collect::<Vec<_>>().join(", "),
                if many.len() > 5 { ", …" } else { "" }
            ),
        }
        return Ok(0);
    }
    let role = args.role.as_deref().expect("clap requires a role");
    if let Some(out) = &args.export_bytes {
        let bytes = repo
            .bytes_to_sign(role)
            .map_err(refused(&format!("cannot export {role}")))?;
        write_atomic(out, &bytes)
            .map_err(|e| Failure::new(format!("cannot write {}", out.display())).cause(e))?;
        save(&mut repo, &args.repo)?;
        outln!(
            "{} bytes to sign for {role} written to {}",
            bytes.len(),
            out.display()
        );
        outln!(
            "sign them offline, then: chainscope tuf sign {role} --import-signature SIG --pubkey PUB"
        );
        return Ok(0);
    }
    let report = match (&args.key, &args.import_signature, &args.pubkey) {
        (Some(key), None, _) => {
            let key: PrivateKey = load_private_key(key, args.passphrase_env.as_deref())?;
            repo.sign(role, &key).map_err(refused("not signed"))?
        }
        (None, Some(signature), Some(pubkey)) => {
            let public = load_public_key(pubkey)?;
            let bytes =
                chainscope::files::read_bounded(signature, chainscope::files::MAX_SIGNATURE_FILE)
                    .map_err(|e| {
                    Failure::new(format!("cannot read {}", signature.display())).cause(e)
                })?;
            repo.import_signature(role, &public, &bytes)
                .map_err(refused("signature not added"))?
        }
        _ => {
            return Err(Failure::new("nothing to sign with").hint(
                "give --key KEY, or --export-bytes FILE, or --import-signature SIG --pubkey PUB",
            ));
        }
    };
    save(&mut repo, &args.repo)?;
    outln!("{}", report.summary());
    print_next_steps(&repo, &[&role]);
    Ok(0)
}

fn diff(args: DiffArgs) -> Result<u8, Failure> {
    let read = |path: &str| {
        chainscope::files::read_bounded(
            std::path::Path::new(path),
            chainscope::files::MAX_EDITED_METADATA,
        )
        .map_err(|e| Failure::new(format!("cannot read {path}")).cause(e))
    };
    let (old, new, names) = match args.what.as_slice() {
        [old, new] => (read(old)?, read(new)?, (old.clone(), new.clone())),
        [role] => {
            let repo = open(&args.repo)?;
            let published = repo.latest_version(role);
            let from = args.from.or(published).ok_or_else(|| {
                Failure::new(format!("{role} has no published version")).hint("give --from VERSION")
            })?;
            let old = repo
                .published_file(role, from)
                .map_err(refused(&format!("cannot read {role} v{from}")))?;
            let (new, to_name) = match args.to {
                Some(to) => (
                    repo.published_file(role, to)
                        .map_err(refused(&format!("cannot read {role} v{to}")))?,
                    format!("v{to}"),
                ),
                None => (
                    repo.staged_file(role).ok_or_else(|| {
                        Failure::new(format!("{role} has no staged changes"))
                            .hint("give --to VERSION")
                    })?,
                    "staged".to_owned(),
                ),
            };
            (
                old,
                new,
                (format!("{role} v{from}"), format!("{role} {to_name}")),
            )
        }
        _ => return Err(Failure::new("give a role, or two metadata files")),
    };
    let lines = diff_roles(&old, &new).map_err(refused("cannot compare"))?;
    outln!("{} → {}", names.0, names.1);
    for line in lines {
        outln!("  {line}");
    }
    Ok(0)
}

fn publish(args: PublishArgs) -> Result<u8, Failure> {
    let now = now_from(args.now.as_deref())?;
    let mut repo = open(&args.repo)?;
    let online_keys = args
        .online_keys
        .iter()
        .map(|p| load_private_key(p, args.passphrase_env.as_deref()))
        .collect::<Result<Vec<_>, _>>()?;
    let options = PublishOptions {
        now,
        online_keys,
        snapshot_expires: UtcTime::from_unix(now.unix() + args.snapshot_expires_in_days * DAY),
        timestamp_expires: UtcTime::from_unix(now.unix() + args.timestamp_expires_in_days * DAY),
    };
    let report = repo
        .publish(&options, &mut AtomicWriter::default())
        .map_err(|e| match e {
            RepoError::NotReady { .. } | RepoError::WouldNotVerify { .. } => Failure::of(e),
            _ => Failure::new("not published").cause(e),
        })?;
    outln!(
        "published {} files: snapshot v{}, timestamp v{}",
        report.files.len(),
        report.snapshot_version,
        report.timestamp_version
    );
    Ok(0)
}

fn render_status(states: &[RoleState], ready: bool) -> String {
    let mut out = String::new();
    let width = states
        .iter()
        .map(|s| s.role.len())
        .max()
        .unwrap_or(4)
        .max(4);
    for state in states {
        let mark = if state.ready() { "ok " } else { "!! " };
        let staged = if state.staged { "staged" } else { "      " };
        let expiring = match state.expires_in_days {
            d if d < 0 => format!("EXPIRED {}", state.expires),
            d if d < 7 => format!("expires {} (in {d} days: soon)", state.expires),
            d => format!("expires {} (in {d} days)", state.expires),
        };
        out.push_str(&format!(
            "{mark}{:width$}  v{:<4} {staged}  {}  {expiring}\n",
            state.role,
            state.version,
            state.report.summary()
        ));
        if let Some(previous) = &state.previous_root {
            out.push_str(&format!(
                "   {:width$}  by the keys of the root it replaces: {}\n",
                "",
                previous.summary()
            ));
        }
    }
    out.push_str(if ready {
        "ready to publish\n"
    } else {
        "not ready to publish: signatures are missing\n"
    });
    out
}

fn status_json(states: &[RoleState], ready: bool) -> serde_json::Value {
    let report = |r: &chainscope::crypto::ThresholdReport| {
        serde_json::json!({
            "threshold": r.threshold,
            "signed_by": r.counted(),
            "missing": r.missing,
            "met": r.is_met(),
        })
    };
    serde_json::json!({
        "ready": ready,
        "roles": states.iter().map(|s| serde_json::json!({
            "role": s.role,
            "version": s.version,
            "staged": s.staged,
            "expires": s.expires,
            "expires_in_days": s.expires_in_days,
            "signatures": report(&s.report),
            "previous_root": s.previous_root.as_ref().map(report),
        })).collect::<Vec<_>>(),
    })
}
