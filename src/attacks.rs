//! The attack lab's attacks: each changes a scratch copy of the `talk-alice-bob` sample or of its
//! attestation sample (never the original) the way an attacker with a declared set of keys could, so that verification
//! can be replayed to the check that catches it. The keys are declared per attack and handed
//! out only through [`Bench::key`], which refuses any other; keys the owners used before the
//! attack (to set the scene) are declared too, marked [`Holder::Owner`].
//!
//! An attack is data ([`Attack`]: what the attacker did, had, and which property stopped it,
//! the files it may change, the check expected to catch it) plus a function that carries it
//! out. Nothing here verifies: callers load the scratch copy as any other sample.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::{Value, json};

use crate::checks::{self, CheckId};
use crate::crypto::PrivateKey;
use crate::crypto::digest::hex_digest;
use crate::crypto::signed::pretty;
use crate::edit::layout::{LayoutAction, LayoutDocument};
use crate::edit::tuf::{AtomicWriter, PublishOptions, RepoError, TufRepo};
use crate::fnmatch::fnmatch;
use crate::samples::attestations;
use crate::samples::forge::{self, Forge};
use crate::samples::{
    self, DEMO, EXPIRES, FOO_BY_ALICE, FOO_BY_ATTACKER, FOO_BY_BOB, LAYOUT_PATH, PACKAGE,
    SampleError, Workshop, demo_key, link_path, package_of, pubkey_path, time,
};
use crate::trace::{RuleList, Subject};

mod attestation_attacks;

/// When the attacks publish (fixed, so the scratch copies are the same on every run).
pub const ATTACKED_AT: &str = "2026-02-01T00:00:00Z";

/// Who used a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Holder {
    /// The attacker holds it.
    Attacker,
    /// Its owner used it before the attack, to set the scene the attack needs.
    Owner,
}

/// One key an attack may use: a demo key by name (`../keys/DEMO-<name>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct KeyUse {
    pub key: &'static str,
    pub holder: Holder,
    /// What it signs in this attack.
    pub signs: &'static str,
}

/// Where verification must stop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Catch {
    /// `tuf`, `ite2` or `in-toto`.
    pub part: &'static str,
    /// The failure kind (python-tuf's or in-toto's name where they have one).
    pub kind: Option<&'static str>,
    /// The failing check.
    pub check: CheckId,
    /// What it fails on.
    pub subject: Subject,
}

/// One attack of the lab.
#[derive(Debug, Clone, Serialize)]
pub struct Attack {
    pub id: &'static str,
    /// The sample it attacks: [`DEMO`] or the attestation sample.
    pub sample: &'static str,
    pub title: &'static str,
    /// What the owners did first, when the attack needs a scene (else empty).
    pub setup: &'static str,
    /// What the attacker did.
    pub did: &'static str,
    /// What the attacker had.
    pub had: &'static str,
    /// Which property stopped it.
    pub stopped_by: &'static str,
    /// Every key the attack (and its setup) uses.
    pub keys: &'static [KeyUse],
    /// The files it may change, as patterns relative to the sample folder.
    pub touches: &'static [&'static str],
    pub catches: Catch,
    /// Also carried out on talk-alice-bob set up all-online, where it is not caught.
    pub compare_all_online: bool,
    #[serde(skip)]
    run: fn(&Bench<'_>) -> Result<(), AttackError>,
}

#[derive(Debug, thiserror::Error)]
pub enum AttackError {
    #[error("attack {attack} may not use the {key} key (it declares {declared})")]
    KeyNotAllowed {
        attack: &'static str,
        key: String,
        declared: String,
    },
    #[error(
        "the attack lab works on the {DEMO} sample and on {}; {} is {found}",
        attestations::NAME,
        dir.display()
    )]
    NotTheDemo { dir: PathBuf, found: String },
    #[error("there is no attack named {0}")]
    Unknown(String),
    #[error("cannot copy {}", path.display())]
    Copy {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Sample(#[from] SampleError),
    #[error(transparent)]
    Repo(#[from] RepoError),
    #[error("the sample is not as the attack expects: {0}")]
    Unexpected(String),
}

impl crate::report::Hint for AttackError {}

/// What an attack changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Changes {
    pub added: Vec<String>,
    pub modified: Vec<String>,
    pub removed: Vec<String>,
}

impl Changes {
    pub fn all(&self) -> impl Iterator<Item = &str> {
        self.added
            .iter()
            .chain(&self.modified)
            .chain(&self.removed)
            .map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.all().next().is_none()
    }
}

/// The result of carrying out an attack on a scratch copy.
#[derive(Debug, Clone)]
pub struct Applied {
    pub changes: Changes,
    /// The all-online comparison, attacked the same way ([`Attack::compare_all_online`]).
    pub all_online: Option<PathBuf>,
}

/// A scratch copy of a sample in a temporary folder, which attacks change and
/// [`Scratch::reset`] restores.
#[derive(Debug)]
pub struct Scratch {
    original: PathBuf,
    sample: &'static str,
    root: tempfile::TempDir,
}

impl Scratch {
    /// Copies `original` (the `talk-alice-bob` sample folder or the attestation sample's) into
    /// a new temporary folder.
    pub fn new(original: &Path) -> Result<Scratch, AttackError> {
        let sample = lab_sample(original)?;
        let root = tempfile::Builder::new()
            .prefix("chainscope-lab-")
            .tempdir()
            .map_err(|source| AttackError::Copy {
                path: std::env::temp_dir(),
                source,
            })?;
        let scratch = Scratch {
            original: original.to_owned(),
            sample,
            root,
        };
        scratch.reset()?;
        Ok(scratch)
    }

    /// The copy: a sample folder, opened like the original.
    pub fn path(&self) -> PathBuf {
        self.root.path().join(self.sample)
    }

    /// Which sample the copy is of ([`DEMO`] or the attestation sample): its attacks apply.
    pub fn sample(&self) -> &'static str {
        self.sample
    }

    pub fn original(&self) -> &Path {
        &self.original
    }

    /// Everything the lab writes lives under this folder.
    pub fn root(&self) -> &Path {
        self.root.path()
    }

    /// Makes the copy equal to the original again (and drops the all-online comparison).
    pub fn reset(&self) -> Result<(), AttackError> {
        for entry in std::fs::read_dir(self.root.path())
            .map_err(|source| AttackError::Copy {
                path: self.root.path().to_owned(),
                source,
            })?
            .flatten()
        {
            std::fs::remove_dir_all(entry.path()).map_err(|source| AttackError::Copy {
                path: entry.path(),
                source,
            })?;
        }
        copy_folder(&self.original, &self.path())
    }

    /// Resets the copy, then carries out `attack` on it.
    pub fn attack(&self, attack: &Attack) -> Result<Applied, AttackError> {
        self.reset()?;
        let dir = self.path();
        let before = digests(&dir)?;
        (attack.run)(&Bench {
            dir: &dir,
            attack,
            all_online: false,
        })?;
        let changes = compare(&before, &digests(&dir)?);
        let all_online = if attack.compare_all_online {
            let twin = samples::write_all_online_twin(self.root.path())?;
            (attack.run)(&Bench {
                dir: &twin,
                attack,
                all_online: true,
            })?;
            Some(twin)
        } else {
            None
        };
        Ok(Applied {
            changes,
            all_online,
        })
    }
}

/// Which of the lab's samples `dir` is: the demo (its `sample.json` says so) or the
/// attestation sample (its folder name, with its layout beside it).
fn lab_sample(dir: &Path) -> Result<&'static str, AttackError> {
    let named = forge::read_json(&dir.join("sample.json"))
        .ok()
        .and_then(|v| v["name"].as_str().map(str::to_owned));
    if named.as_deref() == Some(DEMO) {
        return Ok(DEMO);
    }
    if dir.file_name().is_some_and(|n| n == attestations::NAME) && dir.join("layout.yml").is_file()
    {
        return Ok(attestations::NAME);
    }
    if dir
        .file_name()
        .is_some_and(|n| n == attestations::DISTRIBUTED)
        && dir.join("metadata").is_dir()
    {
        return Ok(attestations::DISTRIBUTED);
    }
    Err(AttackError::NotTheDemo {
        dir: dir.to_owned(),
        found: named.map_or_else(
            || "not a chainscope sample".to_owned(),
            |n| format!("the {n} sample"),
        ),
    })
}

/// The attacks of one sample, in the order the lab lists them.
pub fn attacks_on(sample: &str) -> Vec<Attack> {
    attacks()
        .into_iter()
        .filter(|a| a.sample == sample)
        .collect()
}

/// Writes the lab's sample `sample` into `dir` and returns its folder.
pub fn write_lab_sample(dir: &Path, sample: &str) -> Result<PathBuf, AttackError> {
    samples::write_named(dir, sample)?;
    Ok(dir.join(sample))
}

/// Copies the folder `from` (files and folders; nothing else) to `to`.
pub fn copy_folder(from: &Path, to: &Path) -> Result<(), AttackError> {
    let failed = |path: &Path| {
        let path = path.to_owned();
        move |source| AttackError::Copy { path, source }
    };
    std::fs::create_dir_all(to).map_err(failed(to))?;
    for entry in std::fs::read_dir(from).map_err(failed(from))?.flatten() {
        let target = to.join(entry.file_name());
        let kind = entry.file_type().map_err(failed(&entry.path()))?;
        if kind.is_dir() {
            copy_folder(&entry.path(), &target)?;
        } else if kind.is_file() {
            std::fs::copy(entry.path(), &target).map_err(failed(&entry.path()))?;
        }
    }
    Ok(())
}

/// Every file under `dir` (relative, `/`-separated) with its sha256.
pub fn digests(dir: &Path) -> Result<BTreeMap<String, String>, AttackError> {
    let mut out = BTreeMap::new();
    let mut folders = vec![dir.to_owned()];
    while let Some(folder) = folders.pop() {
        let entries = std::fs::read_dir(&folder).map_err(|source| AttackError::Copy {
            path: folder.clone(),
            source,
        })?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else {
                let bytes = forge::read(&path)?;
                let name = path
                    .strip_prefix(dir)
                    .unwrap_or(&path)
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                out.insert(name, hex_digest("sha256", &bytes).unwrap_or_default());
            }
        }
    }
    Ok(out)
}

fn compare(before: &BTreeMap<String, String>, after: &BTreeMap<String, String>) -> Changes {
    let mut changes = Changes::default();
    for (name, digest) in after {
        match before.get(name) {
            None => changes.added.push(name.clone()),
            Some(old) if old != digest => changes.modified.push(name.clone()),
            Some(_) => {}
        }
    }
    changes.removed = before
        .keys()
        .filter(|name| !after.contains_key(*name))
        .cloned()
        .collect();
    changes
}

impl Attack {
    /// Whether `path` (relative to the sample folder) is one the attack says it may change.
    pub fn may_touch(&self, path: &str) -> bool {
        self.touches.iter().any(|pattern| fnmatch(path, pattern))
    }
}

/// What an attack works with: the sample folder being attacked and the keys it declared.
pub struct Bench<'a> {
    dir: &'a Path,
    attack: &'a Attack,
    /// Attacking the all-online comparison rather than the ITE-2 copy.
    all_online: bool,
}

impl Bench<'_> {
    /// A declared key; any other is refused.
    pub fn key(&self, name: &str) -> Result<PrivateKey, AttackError> {
        if self.attack.keys.iter().any(|k| k.key == name) {
            Ok(demo_key(name))
        } else {
            Err(AttackError::KeyNotAllowed {
                attack: self.attack.id,
                key: name.to_owned(),
                declared: if self.attack.keys.is_empty() {
                    "none".to_owned()
                } else {
                    self.attack
                        .keys
                        .iter()
                        .map(|k| k.key)
                        .collect::<Vec<_>>()
                        .join(", ")
                },
            })
        }
    }

    fn repo_dir(&self) -> PathBuf {
        // The distributed attestation sample is the repository itself.
        if self.attack.sample == attestations::DISTRIBUTED {
            self.dir.to_owned()
        } else {
            self.dir.join("repo")
        }
    }

    fn forge(&self) -> Forge {
        Forge::new(&self.repo_dir())
    }

    /// The repository, opened in chainscope's editor as the repository service would.
    fn editor(&self) -> Result<TufRepo, AttackError> {
        self.drop_staged()?;
        Ok(TufRepo::open(&self.repo_dir())?)
    }

    fn drop_staged(&self) -> Result<(), AttackError> {
        let staged = self.repo_dir().join("staged");
        if staged.exists() {
            std::fs::remove_dir_all(&staged).map_err(|source| AttackError::Copy {
                path: staged,
                source,
            })?;
        }
        Ok(())
    }

    /// Adds a file as a target (into `role`, default the one the delegations give it).
    fn add(
        &self,
        repo: &mut TufRepo,
        path: &str,
        bytes: &[u8],
        role: Option<&str>,
        custom: Option<Value>,
    ) -> Result<(), AttackError> {
        let scratch = tempfile::tempdir().map_err(|source| AttackError::Copy {
            path: std::env::temp_dir(),
            source,
        })?;
        let file = scratch.path().join("file");
        samples::write(&file, bytes)?;
        repo.add_target(&file, path, role, custom)?;
        Ok(())
    }

    /// Signs what `signers` may sign and publishes with the online key; the editor refuses
    /// when a changed role lacks the signatures of keys not in hand.
    fn publish(&self, repo: &mut TufRepo, signers: &[&str]) -> Result<(), AttackError> {
        let now = time(ATTACKED_AT);
        for signer in signers {
            repo.sign_every_role(&self.key(signer)?, now)?;
        }
        let options = PublishOptions {
            now,
            online_keys: vec![self.key("online")?],
            snapshot_expires: time(EXPIRES),
            timestamp_expires: time(EXPIRES),
        };
        let published = repo.publish(&options, &mut AtomicWriter::default());
        self.drop_staged()?;
        published?;
        Ok(())
    }

    /// The in-toto files the package names now.
    fn package_list(&self, repo: &TufRepo) -> Result<Vec<String>, AttackError> {
        let role = repo.responsible_role(PACKAGE)?;
        let targets = repo.current_targets(&role)?;
        targets
            .targets
            .get(PACKAGE)
            .and_then(|t| t.custom.as_ref())
            .and_then(|c| c["in-toto"].as_array())
            .map(|items| {
                items
                    .iter()
                    .filter_map(|i| i.as_str().map(str::to_owned))
                    .collect()
            })
            .ok_or_else(|| AttackError::Unexpected(format!("{PACKAGE} names no in-toto files")))
    }

    /// The file name of the link `step` recorded by `functionary`, as the package lists it.
    fn link_of(&self, repo: &TufRepo, step: &str) -> Result<String, AttackError> {
        self.package_list(repo)?
            .into_iter()
            .find(|p| {
                p.rsplit('/')
                    .next()
                    .is_some_and(|n| n.starts_with(&format!("{step}.")))
            })
            .ok_or_else(|| AttackError::Unexpected(format!("the package names no {step} link")))
    }

    /// The bytes of target `path` as clients fetch it now.
    fn target_bytes(&self, repo: &TufRepo, path: &str) -> Result<Vec<u8>, AttackError> {
        Ok(forge::read(&self.target_file(repo, path)?)?)
    }

    /// Where target `path` is stored (consistent snapshots: `dir/<sha256>.<name>`).
    fn target_file(&self, repo: &TufRepo, path: &str) -> Result<PathBuf, AttackError> {
        let role = self.lister(repo, path)?;
        let targets = repo.current_targets(&role)?;
        let info = &targets.targets[path];
        let digest = info
            .hashes
            .get("sha256")
            .ok_or_else(|| AttackError::Unexpected(format!("{path} has no sha256")))?;
        let (folder, name) = path.rsplit_once('/').unwrap_or(("", path));
        let stored = if folder.is_empty() {
            format!("{digest}.{name}")
        } else {
            format!("{folder}/{digest}.{name}")
        };
        Ok(self.repo_dir().join("targets").join(stored))
    }

    /// The role that lists `path`: `targets` itself, else the one the delegations give it.
    fn lister(&self, repo: &TufRepo, path: &str) -> Result<String, AttackError> {
        if repo.current_targets("targets")?.targets.contains_key(path) {
            return Ok("targets".to_owned());
        }
        let role = repo.responsible_role(path)?;
        if repo.current_targets(&role)?.targets.contains_key(path) {
            Ok(role)
        } else {
            Err(AttackError::Unexpected(format!("no role lists {path}")))
        }
    }

    /// The current layout, opened for editing.
    fn layout(&self, repo: &TufRepo) -> Result<LayoutDocument, AttackError> {
        LayoutDocument::from_bytes(&self.target_bytes(repo, LAYOUT_PATH)?)
            .map_err(|e| AttackError::Unexpected(format!("{LAYOUT_PATH}: {e}")))
    }

    /// Alice (the owner) signs `document`; the targets key lists it where the old one was.
    fn list_layout(
        &self,
        repo: &mut TufRepo,
        mut document: LayoutDocument,
    ) -> Result<(), AttackError> {
        document
            .sign(&self.key("alice")?)
            .map_err(|e| AttackError::Unexpected(format!("cannot sign the layout: {e}")))?;
        let custom = json!({"in-toto": [pubkey_path(&demo_key("alice"))]});
        self.add(
            repo,
            LAYOUT_PATH,
            &document.to_bytes(),
            Some("targets"),
            Some(custom),
        )
    }

    /// The package entry's `custom`, as listed now.
    fn package_custom(&self, repo: &TufRepo) -> Result<Value, AttackError> {
        Ok(json!({"in-toto": self.package_list(repo)?}))
    }
}

fn edit(document: &mut LayoutDocument, action: LayoutAction) -> Result<(), AttackError> {
    document
        .apply(action)
        .map_err(|e| AttackError::Unexpected(format!("cannot edit the layout: {e}")))
}

// ---------------------------------------------------------------------------------------------
// The attacks.

const ATTACKER_ONLINE: KeyUse = KeyUse {
    key: "online",
    holder: Holder::Attacker,
    signs: "the bins, snapshot and timestamp (the repository service's key)",
};
const ATTACKER_OWN: KeyUse = KeyUse {
    key: "attacker",
    holder: Holder::Attacker,
    signs: "whatever the attacker makes itself",
};

const OWNER_ONLINE: KeyUse = KeyUse {
    key: "online",
    holder: Holder::Owner,
    signs: "the snapshot and timestamp of that release",
};

/// in-toto finds too few links for the update step.
fn update_has_no_links() -> Catch {
    Catch {
        part: "in-toto",
        kind: Some("LinkNotFoundError"),
        check: checks::INTOTO_STEP_LINKS,
        subject: Subject::Step {
            name: "update".into(),
        },
    }
}

/// The files a release that lists another layout in targets rewrites.
const LAYOUT_RELISTED: &[&str] = &[
    "repo/metadata/*.targets.json",
    "repo/metadata/*.snapshot.json",
    "repo/metadata/timestamp.json",
    "repo/targets/in-toto-metadata/*.root.layout",
];

/// The attacker's own build of its changed code, recorded with `attacker`'s key.
fn attacker_build(attacker: &PrivateKey) -> Result<Workshop, AttackError> {
    let mut shop = Workshop::new()?;
    Workshop::write_foo(shop.path(), FOO_BY_ATTACKER)?;
    shop.step(
        "build",
        attacker,
        &["demo-project"],
        &[PACKAGE],
        Workshop::build,
    )?;
    Ok(shop)
}

/// The files a publish by the repository service rewrites.
const PUBLISHED: &[&str] = &[
    "repo/metadata/*.bins-*.json",
    "repo/metadata/*.snapshot.json",
    "repo/metadata/timestamp.json",
];

/// Every attack, in the order the lab lists them.
pub fn attacks() -> Vec<Attack> {
    vec![
        Attack {
            sample: DEMO,
            id: "tamper-product",
            title: "Tamper with the final product",
            setup: "",
            did: "Uploaded a package with a backdoor in foo.py through the repository service, which signed its target entry with the online key. The package still names Alice's and Bob's genuine links.",
            had: "The repository service's online key; no key of the project.",
            stopped_by: "in-toto: Alice's build link records the hash of the package she built, so the untar inspection's MATCH demo-project.tar.gz WITH PRODUCTS FROM build consumes nothing and DISALLOW * catches the package served. TUF vouched for the bytes; in-toto does not.",
            keys: &[ATTACKER_ONLINE],
            touches: &[
                "repo/metadata/*.bins-*.json",
                "repo/metadata/*.snapshot.json",
                "repo/metadata/timestamp.json",
                "repo/targets/*.demo-project.tar.gz",
            ],
            catches: Catch {
                part: "in-toto",
                kind: Some("RuleVerificationError"),
                check: checks::INTOTO_INSPECTION_RULE,
                subject: Subject::Rule {
                    owner: "untar".into(),
                    list: RuleList::ExpectedMaterials,
                    index: 1,
                },
            },
            compare_all_online: false,
            run: |bench| {
                let mut repo = bench.editor()?;
                let custom = bench.package_custom(&repo)?;
                bench.add(
                    &mut repo,
                    PACKAGE,
                    &package_of(FOO_BY_ATTACKER),
                    None,
                    Some(custom),
                )?;
                bench.publish(&mut repo, &["online"])
            },
        },
        Attack {
            sample: DEMO,
            id: "unauthorized-link",
            title: "A link signed by an unauthorized key",
            setup: "",
            did: "Built its own package from changed code, recorded the build with its own key, named the link as Alice's build link and uploaded both through the repository service.",
            had: "The online key and its own key; not Alice's key.",
            stopped_by: "in-toto: a link counts only when it carries a valid signature by one of the step's functionaries; the build link's signature is not Alice's.",
            keys: &[ATTACKER_ONLINE, ATTACKER_OWN],
            touches: &[
                "repo/metadata/*.bins-*.json",
                "repo/metadata/*.snapshot.json",
                "repo/metadata/timestamp.json",
                "repo/targets/*.demo-project.tar.gz",
                "repo/targets/in-toto-metadata/demo-project/*.build.*.link",
            ],
            catches: Catch {
                part: "in-toto",
                kind: Some("ThresholdVerificationError"),
                check: checks::INTOTO_STEP_SIGNATURES,
                subject: Subject::Step {
                    name: "build".into(),
                },
            },
            compare_all_online: false,
            run: |bench| {
                let attacker = bench.key("attacker")?;
                let mut repo = bench.editor()?;
                let genuine = bench.link_of(&repo, "build")?;
                let shop = attacker_build(&attacker)?;
                let (_, link) = shop
                    .links
                    .first()
                    .ok_or_else(|| AttackError::Unexpected("no build link recorded".into()))?;
                bench.add(&mut repo, &genuine, link, None, None)?;
                let custom = bench.package_custom(&repo)?;
                bench.add(&mut repo, PACKAGE, &shop.package()?, None, Some(custom))?;
                bench.publish(&mut repo, &["online"])
            },
        },
        Attack {
            sample: DEMO,
            id: "forged-layout-signature",
            title: "A forged layout signature",
            setup: "",
            did: "Removed the untar inspection from the layout (so nothing compares the package with the build), signed the result with its own key under Alice's keyid, and listed it in targets.",
            had: "The offline targets key and the online key (an insider of the repository), not Alice's key. It left Alice's public key as the layout's key: with the targets key it could list one of its own, which is why targets is kept offline.",
            stopped_by: "in-toto: the layout must carry a valid signature by the key the targets role lists for it, Alice's.",
            keys: &[
                KeyUse {
                    key: "targets",
                    holder: Holder::Attacker,
                    signs: "targets, which lists the forged layout",
                },
                ATTACKER_ONLINE,
                KeyUse {
                    key: "attacker",
                    holder: Holder::Attacker,
                    signs: "the layout, under Alice's keyid",
                },
            ],
            touches: LAYOUT_RELISTED,
            catches: Catch {
                part: "in-toto",
                kind: Some("SignatureVerificationError"),
                check: checks::INTOTO_LAYOUT_SIGNATURES,
                subject: Subject::Key {
                    keyid: demo_key("alice").keyid().to_owned(),
                },
            },
            compare_all_online: false,
            run: |bench| {
                let attacker = bench.key("attacker")?;
                let mut repo = bench.editor()?;
                let mut document = bench.layout(&repo)?;
                edit(
                    &mut document,
                    LayoutAction::RemoveInspection("untar".into()),
                )?;
                let bytes = document
                    .bytes_to_sign()
                    .map_err(|e| AttackError::Unexpected(crate::report::chain(&e)))?;
                let signature = attacker
                    .sign(&bytes)
                    .map_err(|e| AttackError::Unexpected(crate::report::chain(&e)))?;
                let forged = json!({
                    "signatures": [{
                        "keyid": demo_key("alice").keyid(),
                        "sig": hex::encode(signature),
                    }],
                    "signed": document.payload(),
                });
                let custom = json!({"in-toto": [pubkey_path(&demo_key("alice"))]});
                bench.add(
                    &mut repo,
                    LAYOUT_PATH,
                    &pretty(&forged),
                    Some("targets"),
                    Some(custom),
                )?;
                bench.publish(&mut repo, &["targets"])
            },
        },
        Attack {
            sample: DEMO,
            id: "expired-layout",
            title: "An expired layout",
            setup: "Alice once signed layout v2 to be valid until 2026-03-01; she has since signed it again to last longer.",
            did: "Listed that older signing of the layout again. Alice's signature on it is genuine.",
            had: "The offline targets key and the online key (an insider of the repository), and the old layout file.",
            stopped_by: "in-toto: a layout past its expiry date is refused, however validly it is signed and listed.",
            keys: &[
                KeyUse {
                    key: "alice",
                    holder: Holder::Owner,
                    signs: "layout v2, valid until 2026-03-01 (long before the attack)",
                },
                KeyUse {
                    key: "targets",
                    holder: Holder::Attacker,
                    signs: "targets, which lists the old layout",
                },
                ATTACKER_ONLINE,
            ],
            touches: LAYOUT_RELISTED,
            catches: Catch {
                part: "in-toto",
                kind: Some("LayoutExpiredError"),
                check: checks::INTOTO_LAYOUT_EXPIRY,
                subject: Subject::Layout,
            },
            compare_all_online: false,
            run: |bench| {
                let mut repo = bench.editor()?;
                let mut document = bench.layout(&repo)?;
                edit(
                    &mut document,
                    LayoutAction::SetExpires(time("2026-03-01T00:00:00Z")),
                )?;
                bench.list_layout(&mut repo, document)?;
                bench.publish(&mut repo, &["targets"])
            },
        },
        Attack {
            sample: DEMO,
            id: "removed-link",
            title: "A removed link",
            setup: "",
            did: "Took Bob's update link off the repository and out of the list the package names, as if the code had gone from create straight to build.",
            had: "The online key.",
            stopped_by: "in-toto: every step needs its threshold of links, and update has none.",
            keys: &[ATTACKER_ONLINE],
            touches: PUBLISHED,
            catches: update_has_no_links(),
            compare_all_online: false,
            run: |bench| {
                let mut repo = bench.editor()?;
                let update = bench.link_of(&repo, "update")?;
                let listed: Vec<String> = bench
                    .package_list(&repo)?
                    .into_iter()
                    .filter(|p| *p != update)
                    .collect();
                let package = bench.target_bytes(&repo, PACKAGE)?;
                bench.add(
                    &mut repo,
                    PACKAGE,
                    &package,
                    None,
                    Some(json!({"in-toto": listed})),
                )?;
                repo.remove_target(&update, None)?;
                bench.publish(&mut repo, &["online"])
            },
        },
        Attack {
            sample: DEMO,
            id: "threshold-not-met",
            title: "A step threshold not met",
            setup: "Alice requires two reviews of every change: layout v2 now lists Bob and Carol for update, threshold 2, and the targets role lists it.",
            did: "Shipped Bob's change with his review alone; Carol never recorded one.",
            had: "Bob's key (Bob himself, pushing his change past the second review); his link is on the repository already.",
            stopped_by: "in-toto: update needs links from two of its functionaries; there is one.",
            keys: &[
                KeyUse {
                    key: "alice",
                    holder: Holder::Owner,
                    signs: "the layout requiring two reviewers",
                },
                KeyUse {
                    key: "targets",
                    holder: Holder::Owner,
                    signs: "targets, which lists that layout",
                },
                OWNER_ONLINE,
            ],
            touches: LAYOUT_RELISTED,
            catches: update_has_no_links(),
            compare_all_online: false,
            run: |bench| {
                let mut repo = bench.editor()?;
                let mut document = bench.layout(&repo)?;
                edit(
                    &mut document,
                    LayoutAction::AddFunctionary {
                        step: "update".into(),
                        key: demo_key("carol").public().clone(),
                    },
                )?;
                edit(
                    &mut document,
                    LayoutAction::SetThreshold {
                        step: "update".into(),
                        threshold: 2,
                    },
                )?;
                bench.list_layout(&mut repo, document)?;
                bench.publish(&mut repo, &["targets"])
            },
        },
        Attack {
            sample: DEMO,
            id: "extra-file",
            title: "An extra file created in a step",
            setup: "",
            did: "On Bob's machine, added demo-project/backdoor.py while the update step ran. The recorder listed it among the products and signed the link with Bob's key, as it should; the repository service published the new link.",
            had: "Bob's machine (its recorder signs with Bob's key) and the online key.",
            stopped_by: "in-toto: update's expected products allow only MODIFY demo-project/foo.py; DISALLOW * catches the extra file.",
            keys: &[
                KeyUse {
                    key: "bob",
                    holder: Holder::Attacker,
                    signs: "the update link (the recorder on Bob's machine)",
                },
                ATTACKER_ONLINE,
            ],
            touches: &[
                "repo/metadata/*.bins-*.json",
                "repo/metadata/*.snapshot.json",
                "repo/metadata/timestamp.json",
                "repo/targets/in-toto-metadata/demo-project/*.update.*.link",
            ],
            catches: Catch {
                part: "in-toto",
                kind: Some("RuleVerificationError"),
                check: checks::INTOTO_STEP_RULE,
                subject: Subject::Rule {
                    owner: "update".into(),
                    list: RuleList::ExpectedProducts,
                    index: 1,
                },
            },
            compare_all_online: false,
            run: |bench| {
                let bob = bench.key("bob")?;
                let mut repo = bench.editor()?;
                let update = bench.link_of(&repo, "update")?;
                let mut shop = Workshop::new()?;
                Workshop::write_foo(shop.path(), FOO_BY_ALICE)?;
                shop.step(
                    "update",
                    &bob,
                    &["demo-project"],
                    &["demo-project"],
                    |dir| {
                        Workshop::write_foo(dir, FOO_BY_BOB)?;
                        samples::write(
                            &dir.join("demo-project/backdoor.py"),
                            b"import os\nos.environ[\"DEMO_BACKDOOR\"] = \"planted during update\"\n",
                        )
                    },
                )?;
                let (_, link) = shop
                    .links
                    .first()
                    .ok_or_else(|| AttackError::Unexpected("no update link recorded".into()))?;
                bench.add(&mut repo, &update, link, None, None)?;
                bench.publish(&mut repo, &["online"])
            },
        },
        Attack {
            sample: DEMO,
            id: "revoked-functionary",
            title: "Bob revoked, his link still offered",
            setup: "Bob left the project: Alice signs layout v3, in which Carol updates the code, and the targets role lists it.",
            did: "Kept the package made with Bob's update on the repository, with his link.",
            had: "Bob's key, kept after he left, and his old link; nothing else.",
            stopped_by: "in-toto: layout v3 no longer lists Bob's key for update, so his link is not loaded and the step has none.",
            keys: &[
                KeyUse {
                    key: "alice",
                    holder: Holder::Owner,
                    signs: "layout v3 (Carol replaces Bob)",
                },
                KeyUse {
                    key: "targets",
                    holder: Holder::Owner,
                    signs: "targets, which lists layout v3",
                },
                OWNER_ONLINE,
            ],
            touches: LAYOUT_RELISTED,
            catches: update_has_no_links(),
            compare_all_online: false,
            run: |bench| {
                let mut repo = bench.editor()?;
                let document =
                    LayoutDocument::from_bytes(&samples::layout_with_update(3, "carol")?)
                        .map_err(|e| AttackError::Unexpected(crate::report::chain(&e)))?;
                bench.list_layout(&mut repo, document)?;
                bench.publish(&mut repo, &["targets"])
            },
        },
        Attack {
            sample: DEMO,
            id: "old-layout-replay",
            title: "The old layout replayed (TUF rollback)",
            setup: "",
            did: "A mirror serves version 1 of targets, which lists layout v1 (Alice alone, no review), in place of version 2.",
            had: "Control of a mirror; no key. Version 1 was genuinely signed.",
            stopped_by: "TUF: the snapshot names the version of every targets role; version 1 where it lists version 2 is a rollback.",
            keys: &[],
            touches: &["repo/metadata/*.targets.json"],
            catches: Catch {
                part: "tuf",
                kind: Some("BadVersionNumberError"),
                check: checks::TUF_5_6_4,
                subject: Subject::Role {
                    name: "targets".into(),
                },
            },
            compare_all_online: false,
            run: |bench| {
                let forge = bench.forge();
                let current = forge.role_file("targets")?;
                let first = forge::read(&forge.path("1.targets.json"))?;
                if current == forge.path("1.targets.json") {
                    return Err(AttackError::Unexpected(
                        "targets is still at version 1: there is nothing older".into(),
                    ));
                }
                samples::write(&current, &first)?;
                Ok(())
            },
        },
        Attack {
            sample: DEMO,
            id: "freeze",
            title: "An expired timestamp (freeze)",
            setup: "The repository service signs a timestamp valid for a day, every day; this one expired on 2026-01-02.",
            did: "Kept serving that last timestamp, so that clients would stay on what it names and never see a fix.",
            had: "Control of a mirror; no key.",
            stopped_by: "TUF: metadata past its expiry is refused, so a frozen repository shows within the timestamp's lifetime.",
            keys: &[KeyUse {
                key: "online",
                holder: Holder::Owner,
                signs: "the timestamp valid for one day (the service's routine)",
            }],
            touches: &["repo/metadata/timestamp.json"],
            catches: Catch {
                part: "tuf",
                kind: Some("ExpiredMetadataError"),
                check: checks::TUF_5_4_4,
                subject: Subject::Role {
                    name: "timestamp".into(),
                },
            },
            compare_all_online: false,
            run: |bench| {
                let forge = bench.forge();
                let version = forge.snapshot_version()?;
                let snapshot = forge::read(&forge.path(&format!("{version}.snapshot.json")))?;
                forge.timestamp_naming(
                    &bench.key("online")?,
                    version,
                    &snapshot,
                    Some("2026-01-02T00:00:00Z"),
                )?;
                Ok(())
            },
        },
        Attack {
            sample: DEMO,
            id: "snapshot-rollback",
            title: "A snapshot rollback",
            setup: "The client refreshed from the genuine repository: its trusted state names snapshot version 2.",
            did: "Signed a new timestamp naming snapshot version 1, the one that lists layout v1.",
            had: "The online key.",
            stopped_by: "TUF: the timestamp the client trusts names snapshot version 2; a lower version is a rollback.",
            keys: &[ATTACKER_ONLINE],
            touches: &["trusted/*", "repo/metadata/timestamp.json"],
            catches: Catch {
                part: "tuf",
                kind: Some("BadVersionNumberError"),
                check: checks::TUF_5_4_3_2,
                subject: Subject::Role {
                    name: "timestamp".into(),
                },
            },
            compare_all_online: false,
            run: |bench| {
                forge::trust_current(bench.dir)?;
                let forge = bench.forge();
                let old = forge::read(&forge.path("1.snapshot.json"))?;
                forge.timestamp_naming(&bench.key("online")?, 1, &old, None)?;
                Ok(())
            },
        },
        Attack {
            sample: DEMO,
            id: "mix-and-match",
            title: "A targets hash mismatch (mix and match)",
            setup: "",
            did: "A mirror serves the old genuine package (the one Alice built alone, listed by earlier metadata) under the current package's file name.",
            had: "Control of a mirror; no key.",
            stopped_by: "TUF: the current bin lists the package's length and hash; an old file, however genuine, does not match them.",
            keys: &[],
            touches: &["repo/targets/*.demo-project.tar.gz"],
            catches: Catch {
                part: "tuf",
                kind: Some("LengthOrHashMismatchError"),
                check: checks::TUF_5_7_3,
                subject: Subject::Target {
                    path: PACKAGE.into(),
                },
            },
            compare_all_online: false,
            run: |bench| {
                let repo = bench.editor()?;
                let current = bench.target_file(&repo, PACKAGE)?;
                let old = std::fs::read_dir(bench.repo_dir().join("targets"))
                    .map_err(|source| AttackError::Copy {
                        path: bench.repo_dir().join("targets"),
                        source,
                    })?
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| {
                        *p != current
                            && p.file_name()
                                .is_some_and(|n| n.to_string_lossy().ends_with(PACKAGE))
                    })
                    .min()
                    .ok_or_else(|| {
                        AttackError::Unexpected("the repository holds no older package".into())
                    })?;
                std::fs::copy(&old, &current).map_err(|source| AttackError::Copy {
                    path: old.clone(),
                    source,
                })?;
                Ok(())
            },
        },
        Attack {
            sample: DEMO,
            id: "outside-paths",
            title: "A delegated role signing outside its paths",
            setup: "",
            did: "Signed a new version of a bin listing a changed package although that bin is trusted only for other hash prefixes, and took the package out of the bin that is trusted for it.",
            had: "The online key (it signs every bin).",
            stopped_by: "TUF: the search asks only the bin a target's path hashes to; a listing anywhere else is never consulted, so no role vouches for the package.",
            keys: &[ATTACKER_ONLINE],
            touches: &[
                "repo/metadata/*.bins-*.json",
                "repo/metadata/*.snapshot.json",
                "repo/metadata/timestamp.json",
                "repo/targets/*.demo-project.tar.gz",
            ],
            catches: Catch {
                part: "tuf",
                kind: None,
                check: checks::TUF_5_7_2,
                subject: Subject::Target {
                    path: PACKAGE.into(),
                },
            },
            compare_all_online: false,
            run: |bench| {
                let online = bench.key("online")?;
                let repo = bench.editor()?;
                let trusted = repo.responsible_role(PACKAGE)?;
                let bins: Vec<String> = repo
                    .status(time(ATTACKED_AT))?
                    .into_iter()
                    .map(|state| state.role)
                    .filter(|name| name.starts_with("bins-"))
                    .collect();
                let other = bins
                    .iter()
                    .find(|name| **name != trusted)
                    .cloned()
                    .ok_or_else(|| AttackError::Unexpected("there is only one bin".into()))?;
                let custom = bench.package_custom(&repo)?;
                let package = package_of(FOO_BY_ATTACKER);
                let digest = hex_digest("sha256", &package).unwrap_or_default();
                samples::write(
                    &bench.repo_dir().join(format!("targets/{digest}.{PACKAGE}")),
                    &package,
                )?;
                let entry = json!({
                    "length": package.len(),
                    "hashes": {"sha256": digest},
                    "custom": custom,
                });
                bench
                    .forge()
                    .resign(&online, &[&trusted, &other], |role, signed| {
                        if role == other {
                            signed["targets"][PACKAGE] = entry.clone();
                        } else if let Some(targets) = signed["targets"].as_object_mut() {
                            targets.remove(PACKAGE);
                        }
                    })?;
                Ok(())
            },
        },
        Attack {
            sample: DEMO,
            id: "root-rotation",
            title: "A root rotation without enough old signatures",
            setup: "",
            did: "Published a root version 2 that names its own key for every role, signed with that key alone.",
            had: "Its own key only.",
            stopped_by: "TUF: a new root must be signed by a threshold of the keys of the root the client already trusts, as well as by its own.",
            keys: &[KeyUse {
                key: "attacker",
                holder: Holder::Attacker,
                signs: "root version 2",
            }],
            touches: &["repo/metadata/2.root.json"],
            catches: Catch {
                part: "tuf",
                kind: Some("UnsignedMetadataError"),
                check: checks::TUF_5_3_4,
                subject: Subject::Role {
                    name: "root".into(),
                },
            },
            compare_all_online: false,
            run: |bench| {
                let attacker = bench.key("attacker")?;
                let forge = bench.forge();
                let mut signed = forge::read_json(&forge.path("1.root.json"))?["signed"].take();
                let keyid = attacker.keyid().to_owned();
                signed["keys"] = json!({ keyid.clone(): attacker.public().to_dict() });
                if let Some(roles) = signed["roles"].as_object_mut() {
                    for role in roles.values_mut() {
                        role["keyids"] = json!([keyid]);
                        role["threshold"] = json!(1);
                    }
                }
                signed["version"] = json!(2);
                samples::write(
                    &forge.path("2.root.json"),
                    &forge::sign_metadata(signed, &[&attacker])?,
                )?;
                Ok(())
            },
        },
        Attack {
            sample: DEMO,
            id: "layout-swap",
            title: "A compromised online key replacing the layout",
            setup: "",
            did: "Tried to list its own layout (one build step by its own key, anything allowed) in targets; where the online key cannot sign targets, it listed the layout and its key in a bin instead. Its own package and build link name that layout.",
            had: "The online key and its own key.",
            stopped_by: "ITE-2: only the offline-key targets role may vouch for the layout and its keys. Where the online key also signs targets (the all-online repository), the same swap passes every check.",
            keys: &[ATTACKER_ONLINE, ATTACKER_OWN],
            touches: &[
                "repo/metadata/*.bins-*.json",
                "repo/metadata/*.snapshot.json",
                "repo/metadata/timestamp.json",
                "repo/targets/*.demo-project.tar.gz",
                "repo/targets/in-toto-metadata/demo-project/*",
                "repo/targets/in-toto-pubkeys/*.pub",
            ],
            catches: Catch {
                part: "ite2",
                kind: Some("UntrustedLayoutError"),
                check: checks::ITE2_LAYOUT_ROLE,
                subject: Subject::Target {
                    path: "in-toto-metadata/demo-project/root.layout".into(),
                },
            },
            compare_all_online: true,
            run: |bench| {
                let attacker = bench.key("attacker")?;
                let layout = samples::attacker_layout()?;
                let shop = attacker_build(&attacker)?;
                let package = shop.package()?;
                let swap = |layout_path: &str, role: Option<&str>| {
                    let mut repo = bench.editor()?;
                    let key_path = pubkey_path(&attacker);
                    bench.add(
                        &mut repo,
                        layout_path,
                        &layout,
                        role,
                        Some(json!({"in-toto": [key_path]})),
                    )?;
                    bench.add(
                        &mut repo,
                        &key_path,
                        attacker.public_pem().as_bytes(),
                        role,
                        None,
                    )?;
                    let mut listed = vec![layout_path.to_owned()];
                    for (name, bytes) in &shop.links {
                        bench.add(&mut repo, &link_path(name), bytes, None, None)?;
                        listed.push(link_path(name));
                    }
                    bench.add(
                        &mut repo,
                        PACKAGE,
                        &package,
                        None,
                        Some(json!({"in-toto": listed})),
                    )?;
                    bench.publish(&mut repo, &["online"])
                };
                match swap(LAYOUT_PATH, Some("targets")) {
                    Ok(()) => Ok(()),
                    // The online key cannot sign targets: the editor refuses to publish.
                    Err(AttackError::Repo(_)) if !bench.all_online => {
                        swap("in-toto-metadata/demo-project/root.layout", None)
                    }
                    Err(e) => Err(e),
                }
            },
        },
    ]
    .into_iter()
    .chain(attestation_attacks::attacks())
    .collect()
}

/// The attack named `id`.
pub fn attack(id: &str) -> Result<Attack, AttackError> {
    attacks()
        .into_iter()
        .find(|a| a.id == id)
        .ok_or_else(|| AttackError::Unknown(id.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let original = samples::write_demo(dir.path()).unwrap();
        (dir, original)
    }

    #[test]
    fn an_attack_gets_no_key_it_does_not_declare() {
        let (_dir, original) = demo();
        let scratch = Scratch::new(&original).unwrap();
        let mut tamper = attack("tamper-product").unwrap();
        tamper.keys = &[];
        match scratch.attack(&tamper) {
            Err(AttackError::KeyNotAllowed { attack, key, .. }) => {
                assert_eq!((attack, key.as_str()), ("tamper-product", "online"));
            }
            other => panic!("{other:?}"),
        }
        // The refused attack left nothing half done that a reset would not undo.
        scratch.reset().unwrap();
        assert_eq!(
            digests(&scratch.path()).unwrap(),
            digests(&original).unwrap()
        );
    }

    #[test]
    fn the_lab_only_works_on_the_demo() {
        let dir = tempfile::tempdir().unwrap();
        samples::write_one(dir.path(), "talk-attacker").unwrap();
        let error = Scratch::new(&dir.path().join("talk-attacker")).unwrap_err();
        assert!(
            crate::report::chain(&error).contains("the talk-attacker sample"),
            "{error}"
        );
        let error = Scratch::new(dir.path()).unwrap_err();
        assert!(
            crate::report::chain(&error).contains("not a chainscope sample"),
            "{error}"
        );
    }

    #[test]
    fn every_attack_says_what_it_did_had_and_what_stopped_it() {
        let list = attacks();
        let mut ids: Vec<&str> = list.iter().map(|a| a.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), list.len(), "unique ids");
        assert_eq!(list.len(), 21);
        for attack in &list {
            for text in [attack.title, attack.did, attack.had, attack.stopped_by] {
                assert!(!text.is_empty(), "{}", attack.id);
            }
            assert!(!attack.touches.is_empty(), "{}", attack.id);
        }
    }

    #[test]
    fn the_scratch_copy_lives_in_its_own_temporary_folder() {
        let (_dir, original) = demo();
        let scratch = Scratch::new(&original).unwrap();
        assert!(scratch.path().starts_with(scratch.root()));
        assert!(!scratch.path().starts_with(&original));
        let root = scratch.root().to_owned();
        drop(scratch);
        assert!(!root.exists(), "removed with the lab");
    }
}
