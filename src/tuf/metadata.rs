//! TUF metadata shaped like the specification (v1.0.34, §4) and TAP 15 (succinct hash bin
//! delegations). Every struct keeps the fields it does not know in `unknown`, because signatures
//! cover them: loading and writing back leaves the canonical bytes of `signed` unchanged.
//!
//! Validation follows python-tuf 7's `Metadata.from_dict` (the reference), and every error names
//! the field.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::cjson;
use crate::crypto::envelope::legacy_signatures;
use crate::crypto::{PublicKey, Signature};
use crate::model::{self, Expires, FieldError, HashDict, check_unique, key_map};

/// The four top-level roles (§2.1).
pub const TOP_LEVEL_ROLES: [&str; 4] = ["root", "targets", "snapshot", "timestamp"];
/// The specification version chainscope writes; any `1.x` or `1.x.y` is read.
pub const SPEC_VERSION: &str = "1.0.31";

/// §4.3 "The root role … indicates which keys are authorized for all top-level roles".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Root {
    #[serde(rename = "_type")]
    pub type_: String,
    pub spec_version: String,
    /// §4.2 "VERSION is an integer that is greater than 0."
    pub version: u64,
    pub expires: Expires,
    /// §4.3 "CONSISTENT_SNAPSHOT is a boolean indicating whether the repository supports
    /// consistent snapshots." Absent in some old roots; kept absent when written back.
    #[serde(
        default,
        deserialize_with = "model::non_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub consistent_snapshot: Option<bool>,
    /// §4.3 "KEYID is the identifier of the key … KEY is the key object".
    #[serde(with = "key_map")]
    pub keys: BTreeMap<String, PublicKey>,
    /// §4.3 "ROLE is one of "root", "snapshot", "targets", "timestamp"".
    pub roles: BTreeMap<String, Role>,
    #[serde(flatten)]
    pub unknown: BTreeMap<String, Value>,
}

/// §4.3 `{"keyids": [KEYID, …], "threshold": THRESHOLD}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Role {
    pub keyids: Vec<String>,
    /// §4.3 "THRESHOLD … the number of keys of that role whose signatures are required".
    pub threshold: u64,
    #[serde(flatten)]
    pub unknown: BTreeMap<String, Value>,
}

/// §4.4 "The snapshot.json metadata file lists version numbers of all metadata files other
/// than timestamp.json". Read by hand (see [`MetaFile`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Snapshot {
    #[serde(rename = "_type")]
    pub type_: String,
    pub spec_version: String,
    pub version: u64,
    pub expires: Expires,
    /// `"<ROLE>.json": METAFILES`.
    pub meta: BTreeMap<String, MetaFile>,
    #[serde(flatten)]
    pub unknown: BTreeMap<String, Value>,
}

/// §4.6 "The timestamp role … indicates the latest version of the snapshot metadata".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Timestamp {
    #[serde(rename = "_type")]
    pub type_: String,
    pub spec_version: String,
    pub version: u64,
    pub expires: Expires,
    /// Must hold `"snapshot.json"`.
    pub meta: BTreeMap<String, MetaFile>,
    #[serde(flatten)]
    pub unknown: BTreeMap<String, Value>,
}

/// §4.4 METAFILES `{"version": VERSION, "length": LENGTH?, "hashes": HASHES?}`.
///
/// Read by hand rather than derived: `#[serde(flatten)]` would copy every field of every entry
/// into a buffer first, and a snapshot lists one entry per role (16,384 hash bins and more).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetaFile {
    pub version: u64,
    #[serde(
        default,
        deserialize_with = "model::non_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub length: Option<u64>,
    #[serde(
        default,
        deserialize_with = "model::non_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub hashes: Option<HashDict>,
    #[serde(flatten)]
    pub unknown: BTreeMap<String, Value>,
}

/// §4.5 "The targets.json metadata file lists hashes and sizes of target files" and may
/// delegate to other roles. Read by hand (see [`MetaFile`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Targets {
    #[serde(rename = "_type")]
    pub type_: String,
    pub spec_version: String,
    pub version: u64,
    pub expires: Expires,
    pub targets: BTreeMap<String, TargetFile>,
    #[serde(
        default,
        deserialize_with = "model::non_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub delegations: Option<Delegations>,
    #[serde(flatten)]
    pub unknown: BTreeMap<String, Value>,
}

/// §4.5 TARGETS `{"length": LENGTH, "hashes": HASHES, "custom": CUSTOM?}`.
///
/// Read by hand, as [`MetaFile`], because repositories list a hundred thousand of them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetFile {
    pub length: u64,
    pub hashes: HashDict,
    /// Opaque to TUF; ITE-2 lists a package's in-toto files here.
    #[serde(
        default,
        deserialize_with = "model::keep_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub custom: Option<Value>,
    #[serde(flatten)]
    pub unknown: BTreeMap<String, Value>,
}

/// A field name of a struct read by hand: one of its known names, or any other (kept).
enum Field {
    Known(&'static str),
    Other(String),
}

struct FieldSeed(&'static [&'static str]);

impl<'de> serde::de::DeserializeSeed<'de> for FieldSeed {
    type Value = Field;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Field, D::Error> {
        struct Names(&'static [&'static str]);
        impl serde::de::Visitor<'_> for Names {
            type Value = Field;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<Field, E> {
                Ok(match self.0.iter().find(|known| **known == name) {
                    Some(known) => Field::Known(known),
                    None => Field::Other(name.to_owned()),
                })
            }
        }
        deserializer.deserialize_identifier(Names(self.0))
    }
}

/// Reads the map of a struct with `known` fields and a kept `unknown` remainder, handing each
/// known field's value to `read`.
fn read_fields<'de, A: serde::de::MapAccess<'de>>(
    mut map: A,
    known: &'static [&'static str],
    mut read: impl FnMut(&'static str, &mut A) -> Result<(), A::Error>,
) -> Result<BTreeMap<String, Value>, A::Error> {
    use serde::de::Error as _;
    let mut seen: Vec<&'static str> = Vec::new();
    let mut unknown = BTreeMap::new();
    while let Some(field) = map.next_key_seed(FieldSeed(known))? {
        match field {
            Field::Known(name) => {
                if seen.contains(&name) {
                    return Err(A::Error::duplicate_field(name));
                }
                seen.push(name);
                read(name, &mut map)?;
            }
            Field::Other(name) => {
                let value: Value = map.next_value()?;
                unknown.insert(name, value);
            }
        }
    }
    Ok(unknown)
}

fn not_null<T, E: serde::de::Error>(value: Option<T>) -> Result<T, E> {
    value.ok_or_else(|| E::custom("null is not allowed here; leave the field out instead"))
}

impl<'de> Deserialize<'de> for MetaFile {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<MetaFile, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = MetaFile;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("struct MetaFile")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<MetaFile, A::Error> {
                let (mut version, mut length, mut hashes) = (None, None, None);
                let unknown = read_fields(map, &["version", "length", "hashes"], |name, map| {
                    match name {
                        "version" => version = Some(map.next_value::<u64>()?),
                        "length" => length = Some(not_null(map.next_value::<Option<u64>>()?)?),
                        _ => hashes = Some(not_null(map.next_value::<Option<HashDict>>()?)?),
                    }
                    Ok(())
                })?;
                Ok(MetaFile {
                    version: version.ok_or_else(|| serde::de::Error::missing_field("version"))?,
                    length,
                    hashes,
                    unknown,
                })
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

impl<'de> Deserialize<'de> for TargetFile {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<TargetFile, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = TargetFile;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("struct TargetFile")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<TargetFile, A::Error> {
                let (mut length, mut hashes, mut custom) = (None, None, None);
                let unknown = read_fields(map, &["length", "hashes", "custom"], |name, map| {
                    match name {
                        "length" => length = Some(map.next_value::<u64>()?),
                        "hashes" => hashes = Some(map.next_value::<HashDict>()?),
                        // Kept verbatim, an explicit null included.
                        _ => custom = Some(map.next_value::<Value>()?),
                    }
                    Ok(())
                })?;
                Ok(TargetFile {
                    length: length.ok_or_else(|| serde::de::Error::missing_field("length"))?,
                    hashes: hashes.ok_or_else(|| serde::de::Error::missing_field("hashes"))?,
                    custom,
                    unknown,
                })
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

/// The fields every role has, read by [`read_fields`].
#[derive(Default)]
struct Common {
    type_: Option<String>,
    spec_version: Option<String>,
    version: Option<u64>,
    expires: Option<Expires>,
}

impl Common {
    /// Reads `name` if it is a common field; `false` when it is not one.
    fn read<'de, A: serde::de::MapAccess<'de>>(
        &mut self,
        name: &str,
        map: &mut A,
    ) -> Result<bool, A::Error> {
        match name {
            "_type" => self.type_ = Some(map.next_value()?),
            "spec_version" => self.spec_version = Some(map.next_value()?),
            "version" => self.version = Some(map.next_value()?),
            "expires" => self.expires = Some(map.next_value()?),
            _ => return Ok(false),
        }
        Ok(true)
    }

    fn finish<E: serde::de::Error>(self) -> Result<(String, String, u64, Expires), E> {
        Ok((
            self.type_.ok_or_else(|| E::missing_field("_type"))?,
            self.spec_version
                .ok_or_else(|| E::missing_field("spec_version"))?,
            self.version.ok_or_else(|| E::missing_field("version"))?,
            self.expires.ok_or_else(|| E::missing_field("expires"))?,
        ))
    }
}

impl<'de> Deserialize<'de> for Snapshot {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Snapshot, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Snapshot;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("struct Snapshot")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Snapshot, A::Error> {
                const FIELDS: [&str; 5] = ["_type", "spec_version", "version", "expires", "meta"];
                let mut common = Common::default();
                let mut meta = None;
                let unknown = read_fields(map, &FIELDS, |name, map| {
                    if !common.read(name, map)? {
                        meta = Some(map.next_value()?);
                    }
                    Ok(())
                })?;
                let (type_, spec_version, version, expires) = common.finish()?;
                Ok(Snapshot {
                    type_,
                    spec_version,
                    version,
                    expires,
                    meta: meta.ok_or_else(|| serde::de::Error::missing_field("meta"))?,
                    unknown,
                })
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

impl<'de> Deserialize<'de> for Targets {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Targets, D::Error> {
        let role = deserializer.deserialize_map(TargetsVisitor::<BTreeMap<String, TargetFile>>(
            std::marker::PhantomData,
        ))?;
        Ok(Targets {
            type_: role.type_,
            spec_version: role.spec_version,
            version: role.version,
            expires: role.expires,
            targets: role.targets,
            delegations: role.delegations,
            unknown: role.unknown,
        })
    }
}

/// A targets role's fields as read, its target list read as `L`: a map for [`Targets`],
/// nothing for [`TargetsSummary`] (which tallies the list on the parsed tree instead).
struct TargetsFields<L> {
    type_: String,
    spec_version: String,
    version: u64,
    expires: Expires,
    targets: L,
    delegations: Option<Delegations>,
    unknown: BTreeMap<String, Value>,
}

struct TargetsVisitor<L>(std::marker::PhantomData<L>);

impl<'de, L: Deserialize<'de>> serde::de::Visitor<'de> for TargetsVisitor<L> {
    type Value = TargetsFields<L>;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("struct Targets")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<TargetsFields<L>, A::Error> {
        const FIELDS: [&str; 6] = [
            "_type",
            "spec_version",
            "version",
            "expires",
            "targets",
            "delegations",
        ];
        let mut common = Common::default();
        let (mut targets, mut delegations) = (None, None);
        let unknown = read_fields(map, &FIELDS, |name, map| {
            if common.read(name, map)? {
                return Ok(());
            }
            match name {
                "targets" => targets = Some(map.next_value()?),
                _ => delegations = Some(not_null(map.next_value::<Option<Delegations>>()?)?),
            }
            Ok(())
        })?;
        let (type_, spec_version, version, expires) = common.finish()?;
        Ok(TargetsFields {
            type_,
            spec_version,
            version,
            expires,
            targets: targets.ok_or_else(|| serde::de::Error::missing_field("targets"))?,
            delegations,
            unknown,
        })
    }
}

/// What a verified targets role is indexed by (§4.5 without its TARGETS): the client checks
/// 16,384 bins holding millions of targets and keeps none of them, so it reads them without
/// building them. [`Metadata::<TargetsSummary>::summary_from_bytes`] accepts exactly what
/// [`Metadata::<Targets>::from_bytes`] accepts, with the same error.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetsSummary {
    pub type_: String,
    pub spec_version: String,
    pub version: u64,
    pub expires: Expires,
    pub target_count: usize,
    /// Targets whose `custom` names their in-toto metadata (ITE-2's packages), in path order.
    pub in_toto_targets: Vec<String>,
    pub delegations: Option<Delegations>,
}

impl Targets {
    /// The summary of this role, as [`Metadata::<TargetsSummary>::summary_from_bytes`] reads it.
    pub fn summary(&self) -> TargetsSummary {
        TargetsSummary {
            type_: self.type_.clone(),
            spec_version: self.spec_version.clone(),
            version: self.version,
            expires: self.expires.clone(),
            target_count: self.targets.len(),
            in_toto_targets: self
                .targets
                .iter()
                .filter(|(_, info)| {
                    info.custom
                        .as_ref()
                        .is_some_and(|custom| custom.get("in-toto").is_some())
                })
                .map(|(path, _)| path.clone())
                .collect(),
            delegations: self.delegations.clone(),
        }
    }
}

/// A targets role read with its target list skipped, for the summary.
struct TargetsHead(TargetsFields<serde::de::IgnoredAny>);

impl<'de> Deserialize<'de> for TargetsHead {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<TargetsHead, D::Error> {
        deserializer
            .deserialize_map(TargetsVisitor(std::marker::PhantomData))
            .map(TargetsHead)
    }
}

impl Validate for TargetsHead {
    fn validate(&self) -> Result<(), FieldError> {
        let role = &self.0;
        common(&role.type_, "targets", &role.spec_version, role.version)?;
        validate_delegations(role.delegations.as_ref())
    }
}

/// The target count and in-toto packages of a `targets` map, when every target is one the
/// typed reading ([`TargetFile`] and [`Targets`]' validation) accepts; `None` at the first
/// doubt, and the typed reading then says what is wrong.
fn tally_targets(targets: cjson::NodeRef<'_, '_>) -> Option<(usize, Vec<String>)> {
    let mut in_toto = Vec::new();
    let members = targets.members()?;
    let count = members.len();
    for (path, target) in members {
        let (mut length, mut hashes) = (false, false);
        for (field, value) in target.members()? {
            match field {
                "length" => {
                    let cjson::Node::Number(number) = value.node() else {
                        return None;
                    };
                    number.as_u64()?;
                    length = true;
                }
                "hashes" => {
                    let digests = value.members()?;
                    if digests.len() == 0 {
                        return None;
                    }
                    for (_, digest) in digests {
                        digest.as_str()?;
                    }
                    hashes = true;
                }
                "custom" if value.get("in-toto").is_some() => in_toto.push(path.to_owned()),
                _ => {}
            }
        }
        if !(length && hashes) {
            return None;
        }
    }
    Some((count, in_toto))
}

impl Metadata<TargetsSummary> {
    /// Reads a targets role as [`Metadata::<Targets>::from_bytes`] does (same acceptance, same
    /// errors, same bytes signed) but keeps only its [`TargetsSummary`].
    pub fn summary_from_bytes(bytes: &[u8]) -> Result<Metadata<TargetsSummary>, MetadataError> {
        let tree = cjson::Tree::parse(bytes)?;
        let root = tree.root();
        let tally = root
            .get("signed")
            .and_then(|signed| signed.get("targets"))
            .and_then(tally_targets);
        if let Some((target_count, in_toto_targets)) = tally
            && let Ok(head) = Metadata::<TargetsHead>::from_node(root)
        {
            let role = head.signed.0;
            return Ok(Metadata {
                signed: TargetsSummary {
                    type_: role.type_,
                    spec_version: role.spec_version,
                    version: role.version,
                    expires: role.expires,
                    target_count,
                    in_toto_targets,
                    delegations: role.delegations,
                },
                signatures: head.signatures,
                canonical: head.canonical,
            });
        }
        // Something the quick reading doubts: the typed reading decides, and words the error.
        Metadata::<Targets>::from_node(root).map(Metadata::summarize)
    }

    /// The summary of a role read in full.
    pub fn summarize(full: Metadata<Targets>) -> Metadata<TargetsSummary> {
        Metadata {
            signed: full.signed.summary(),
            signatures: full.signatures,
            canonical: full.canonical,
        }
    }
}

/// §4.5 DELEGATIONS `{"keys": {KEYID: KEY, …}, "roles": [ROLE, …]}`, or with TAP 15
/// `"succinct_roles"` instead of `"roles"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Delegations {
    #[serde(with = "key_map")]
    pub keys: BTreeMap<String, PublicKey>,
    /// In priority order: the order of this list is the order of the target search.
    #[serde(
        default,
        deserialize_with = "model::non_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub roles: Option<Vec<DelegatedRole>>,
    #[serde(
        default,
        deserialize_with = "model::non_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub succinct_roles: Option<SuccinctRoles>,
    #[serde(flatten)]
    pub unknown: BTreeMap<String, Value>,
}

/// §4.5 ROLE `{"name", "keyids", "threshold", "terminating", ("paths" | "path_hash_prefixes")}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DelegatedRole {
    pub name: String,
    pub keyids: Vec<String>,
    pub threshold: u64,
    /// §4.5 "TERMINATING is a boolean indicating whether subsequent delegations should be
    /// considered."
    pub terminating: bool,
    /// §4.5 "PATHPATTERN … '*' matches any sequence of characters except '/'".
    #[serde(
        default,
        deserialize_with = "model::non_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub paths: Option<Vec<String>>,
    /// §4.5 "HEX_DIGEST … prefixes of the SHA-256 digest of the target path".
    #[serde(
        default,
        deserialize_with = "model::non_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub path_hash_prefixes: Option<Vec<String>>,
    #[serde(flatten)]
    pub unknown: BTreeMap<String, Value>,
}

impl DelegatedRole {
    /// Whether this role is trusted for `target_path` (python-tuf's `is_delegated_path`):
    /// with `path_hash_prefixes`, the hex sha256 of the path starts with one of them; with
    /// `paths`, some pattern has as many `/`-separated segments as the path and each segment
    /// matches (so `a/*` covers `a/x` but not `a/x/y`, and `*` never crosses a `/`).
    pub fn is_delegated_path(&self, target_path: &str) -> bool {
        if let Some(prefixes) = &self.path_hash_prefixes {
            let digest = hex::encode(Sha256::digest(target_path.as_bytes()));
            return prefixes
                .iter()
                .any(|prefix| digest.starts_with(prefix.as_str()));
        }
        self.paths
            .iter()
            .flatten()
            .any(|pattern| path_matches(target_path, pattern))
    }
}

/// A delegation path pattern matched segment by segment.
fn path_matches(target_path: &str, pattern: &str) -> bool {
    let targets: Vec<&str> = target_path.split('/').collect();
    let patterns: Vec<&str> = pattern.split('/').collect();
    targets.len() == patterns.len()
        && targets
            .iter()
            .zip(&patterns)
            .all(|(target, pattern)| crate::fnmatch::fnmatch(target, pattern))
}

/// TAP 15: 2^`bit_length` bins named `<name_prefix>-<hex>`, all with the same keys.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SuccinctRoles {
    pub keyids: Vec<String>,
    pub threshold: u64,
    pub bit_length: u32,
    pub name_prefix: String,
    #[serde(flatten)]
    pub unknown: BTreeMap<String, Value>,
}

/// TAP 15: the bin of `target_path` among `2^bit_length` succinct bins: the first 4 bytes of
/// sha256(path), big-endian, shifted right by 32 - bit_length.
pub fn succinct_bin(bit_length: u32, target_path: &str) -> u64 {
    let digest = Sha256::digest(target_path.as_bytes());
    let first = u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]);
    u64::from(first) >> (32 - bit_length)
}

impl SuccinctRoles {
    pub fn number_of_bins(&self) -> u64 {
        1u64 << self.bit_length
    }

    /// Hex digits in a bin name: as many as `2^bit_length - 1` needs.
    pub fn suffix_len(&self) -> usize {
        format!("{:x}", self.number_of_bins() - 1).len()
    }

    pub fn bin_name(&self, bin: u64) -> String {
        format!(
            "{}-{:0width$x}",
            self.name_prefix,
            bin,
            width = self.suffix_len()
        )
    }

    pub fn bin_for_target(&self, target_path: &str) -> u64 {
        succinct_bin(self.bit_length, target_path)
    }

    pub fn role_for_target(&self, target_path: &str) -> String {
        self.bin_name(self.bin_for_target(target_path))
    }

    /// Whether `name` is one of these bins (python-tuf's `is_delegated_role`).
    pub fn is_bin(&self, name: &str) -> bool {
        let Some(suffix) = name
            .strip_prefix(self.name_prefix.as_str())
            .and_then(|rest| rest.strip_prefix('-'))
        else {
            return false;
        };
        suffix.len() == self.suffix_len()
            && suffix
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
            && u64::from_str_radix(suffix, 16).is_ok_and(|bin| bin < self.number_of_bins())
    }

    pub fn bin_names(&self) -> impl Iterator<Item = String> + '_ {
        (0..self.number_of_bins()).map(|bin| self.bin_name(bin))
    }
}

/// The checks python-tuf makes when it reads a document, plus the stricter ones the issue
/// tracker asks for. `signed` names the prefix of every field.
trait Validate {
    fn validate(&self) -> Result<(), FieldError>;
}

fn common(type_: &str, expected: &str, spec_version: &str, version: u64) -> Result<(), FieldError> {
    if type_ != expected {
        return Err(FieldError::new(
            "signed._type",
            format!("expected \"{expected}\", found \"{type_}\""),
        ));
    }
    let parts: Vec<&str> = spec_version.split('.').collect();
    if !(2..=3).contains(&parts.len())
        || !parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(FieldError::new(
            "signed.spec_version",
            format!("\"{spec_version}\" is not a version like 1.0.31"),
        ));
    }
    if parts[0] != "1" {
        return Err(FieldError::new(
            "signed.spec_version",
            format!("unsupported specification version {spec_version} (chainscope reads 1.x)"),
        ));
    }
    if version == 0 {
        return Err(FieldError::new(
            "signed.version",
            "must be at least 1, found 0",
        ));
    }
    Ok(())
}

fn check_role_keys(keyids: &[String], threshold: u64, field: &str) -> Result<(), FieldError> {
    check_unique(
        keyids.iter().map(String::as_str),
        &format!("{field}.keyids"),
        "keyid",
    )?;
    if threshold == 0 {
        // go-tuf GHSA-fphv-w9fq-2525: a zero threshold turned signature checks off.
        return Err(FieldError::new(
            format!("{field}.threshold"),
            "must be at least 1, found 0",
        ));
    }
    Ok(())
}

fn check_meta(meta: &BTreeMap<String, MetaFile>) -> Result<(), FieldError> {
    for (name, file) in meta {
        let field = cjson::path_with_key("signed.meta", name)
            .trim_start_matches('$')
            .to_owned();
        if file.version == 0 {
            return Err(FieldError::new(
                format!("{field}.version"),
                "must be at least 1, found 0",
            ));
        }
        if file.hashes.as_ref().is_some_and(HashDict::is_empty) {
            return Err(FieldError::new(
                format!("{field}.hashes"),
                "must not be empty when present",
            ));
        }
    }
    Ok(())
}

impl Validate for Root {
    fn validate(&self) -> Result<(), FieldError> {
        common(&self.type_, "root", &self.spec_version, self.version)?;
        let mut names: Vec<&str> = self.roles.keys().map(String::as_str).collect();
        names.sort_unstable();
        let mut expected = TOP_LEVEL_ROLES;
        expected.sort_unstable();
        if names != expected {
            return Err(FieldError::new(
                "signed.roles",
                format!(
                    "must list exactly root, snapshot, targets and timestamp; found {}",
                    names.join(", ")
                ),
            ));
        }
        for (name, role) in &self.roles {
            check_role_keys(
                &role.keyids,
                role.threshold,
                &format!("signed.roles.{name}"),
            )?;
        }
        Ok(())
    }
}

impl Validate for Snapshot {
    fn validate(&self) -> Result<(), FieldError> {
        common(&self.type_, "snapshot", &self.spec_version, self.version)?;
        check_meta(&self.meta)
    }
}

impl Validate for Timestamp {
    fn validate(&self) -> Result<(), FieldError> {
        common(&self.type_, "timestamp", &self.spec_version, self.version)?;
        if !self.meta.contains_key("snapshot.json") {
            return Err(FieldError::new("signed.meta", "must list snapshot.json"));
        }
        // §4.6: timestamp's meta lists snapshot.json and nothing else. python-tuf ignores other
        // entries; chainscope refuses them (deliberately stricter), as a timestamp that vouches
        // for more than the snapshot is not one a repository would sign.
        if let Some(other) = self.meta.keys().find(|name| *name != "snapshot.json") {
            return Err(FieldError::new(
                cjson::path_with_key("signed.meta", other)
                    .trim_start_matches('$')
                    .to_owned(),
                "timestamp may list only snapshot.json (TUF §4.6)",
            ));
        }
        check_meta(&self.meta)
    }
}

impl Validate for Targets {
    fn validate(&self) -> Result<(), FieldError> {
        common(&self.type_, "targets", &self.spec_version, self.version)?;
        for (path, target) in &self.targets {
            if target.hashes.is_empty() {
                let field = cjson::path_with_key("signed.targets", path)
                    .trim_start_matches('$')
                    .to_owned();
                return Err(FieldError::new(
                    format!("{field}.hashes"),
                    "must not be empty",
                ));
            }
        }
        validate_delegations(self.delegations.as_ref())
    }
}

/// §4.5 DELEGATIONS as python-tuf's `Delegations.from_dict` checks them.
fn validate_delegations(delegations: Option<&Delegations>) -> Result<(), FieldError> {
    let Some(delegations) = delegations else {
        return Ok(());
    };
    match (&delegations.roles, &delegations.succinct_roles) {
        (Some(_), Some(_)) => {
            return Err(FieldError::new(
                "signed.delegations",
                "has both `roles` and `succinct_roles`; only one may be set",
            ));
        }
        (None, None) => {
            return Err(FieldError::new(
                "signed.delegations",
                "has neither `roles` nor `succinct_roles`; one must be set",
            ));
        }
        (Some(roles), None) => {
            let mut seen = std::collections::BTreeSet::new();
            for (index, role) in roles.iter().enumerate() {
                let field = format!("signed.delegations.roles[{index}]");
                if role.name.is_empty() || TOP_LEVEL_ROLES.contains(&role.name.as_str()) {
                    return Err(FieldError::new(
                        format!("{field}.name"),
                        format!(
                            "a delegated role cannot be named \"{}\" (empty or a top-level role name)",
                            role.name
                        ),
                    ));
                }
                if !seen.insert(role.name.as_str()) {
                    return Err(FieldError::new(
                        format!("{field}.name"),
                        format!("role \"{}\" is delegated twice", role.name),
                    ));
                }
                match (&role.paths, &role.path_hash_prefixes) {
                    (Some(_), Some(_)) => {
                        return Err(FieldError::new(
                            field,
                            "has both `paths` and `path_hash_prefixes`; only one may be set",
                        ));
                    }
                    (None, None) => {
                        return Err(FieldError::new(
                            field,
                            "has neither `paths` nor `path_hash_prefixes`; one must be set",
                        ));
                    }
                    _ => {}
                }
                check_role_keys(&role.keyids, role.threshold, &field)?;
            }
        }
        (None, Some(succinct)) => {
            let field = "signed.delegations.succinct_roles";
            if !(1..=32).contains(&succinct.bit_length) {
                return Err(FieldError::new(
                    format!("{field}.bit_length"),
                    format!("must be between 1 and 32, found {}", succinct.bit_length),
                ));
            }
            check_role_keys(&succinct.keyids, succinct.threshold, field)?;
        }
    }
    Ok(())
}

/// Why bytes are not TUF metadata of the expected kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetadataError {
    #[error(transparent)]
    Json(#[from] cjson::ParseError),
    #[error(transparent)]
    Envelope(#[from] crate::crypto::EnvelopeError),
    #[error("TUF metadata uses the {{\"signed\", \"signatures\"}} envelope, not DSSE")]
    NotLegacyEnvelope,
    #[error(transparent)]
    Field(#[from] FieldError),
    #[error("`signed` has no canonical form")]
    Canonical(#[from] cjson::CanonicalError),
    #[error("field `signatures`: keyid {keyid} signs twice")]
    RepeatedSignature { keyid: String },
}

impl crate::report::Hint for MetadataError {}

/// A metadata file: the typed `signed`, its signatures, and the bytes they cover.
#[derive(Debug, Clone)]
pub struct Metadata<T> {
    pub signed: T,
    pub signatures: Vec<Signature>,
    canonical: Vec<u8>,
}

impl<T> Metadata<T> {
    /// The bytes every signature covers: the canonical form of `signed` as read.
    pub fn signed_bytes(&self) -> &[u8] {
        &self.canonical
    }
}

impl<T> Metadata<T>
where
    T: serde::de::DeserializeOwned + Serialize,
{
    /// `signed` written back from the typed model; equal to what was read unless changed
    /// (unknown fields are kept).
    pub fn signed_value(&self) -> Value {
        model::to_value(&self.signed)
    }
}

#[allow(private_bounds)]
impl<T> Metadata<T>
where
    T: serde::de::DeserializeOwned + Validate,
{
    pub fn from_bytes(bytes: &[u8]) -> Result<Metadata<T>, MetadataError> {
        Metadata::from_node(cjson::Tree::parse(bytes)?.root())
    }

    /// The same reading as [`Metadata::from_bytes`], for a document already in memory.
    pub fn from_value(value: &Value) -> Result<Metadata<T>, MetadataError> {
        Metadata::from_bytes(&serde_json::to_vec(value).unwrap_or_default())
    }

    fn from_node(root: cjson::NodeRef<'_, '_>) -> Result<Metadata<T>, MetadataError> {
        let signed = legacy_envelope(root)?;
        let signatures = legacy_signatures(root.get("signatures").map(|s| s.to_value()).as_ref())?;
        // python-tuf refuses a signature list that repeats a keyid (tough once counted them).
        let mut seen = std::collections::BTreeSet::new();
        for signature in &signatures {
            if !seen.insert(signature.keyid.as_str()) {
                return Err(MetadataError::RepeatedSignature {
                    keyid: signature.keyid.clone(),
                });
            }
        }
        let typed: T = model::from_node_at(signed, "signed")?;
        typed.validate()?;
        let canonical = signed.canonical().map_err(|e| match e {
            cjson::CanonicalError::Float { path, value } => MetadataError::Field(FieldError::new(
                path.replacen('$', "signed", 1),
                format!("floating-point number {value} is not allowed in signed metadata"),
            )),
        })?;
        Ok(Metadata {
            signed: typed,
            signatures,
            canonical,
        })
    }
}

/// `signed` of a `{"signed", "signatures"}` envelope; DSSE and anything else refused.
fn legacy_envelope<'t, 'a>(
    root: cjson::NodeRef<'t, 'a>,
) -> Result<cjson::NodeRef<'t, 'a>, MetadataError> {
    if root.members().is_none() {
        return Err(crate::crypto::EnvelopeError::NotAnEnvelope.into());
    }
    if let Some(signed) = root.get("signed") {
        return Ok(signed);
    }
    if root.get("payload").is_some() || root.get("payloadType").is_some() {
        return Err(MetadataError::NotLegacyEnvelope);
    }
    Err(crate::crypto::EnvelopeError::NotAnEnvelope.into())
}

/// Any of the four kinds, told apart by `signed._type`.
#[derive(Debug, Clone)]
pub enum AnyMetadata {
    Root(Metadata<Root>),
    Timestamp(Metadata<Timestamp>),
    Snapshot(Metadata<Snapshot>),
    Targets(Metadata<Targets>),
}

impl AnyMetadata {
    pub fn from_bytes(bytes: &[u8]) -> Result<AnyMetadata, MetadataError> {
        let tree = cjson::Tree::parse(bytes)?;
        let root = tree.root();
        let type_ = root
            .get("signed")
            .and_then(|s| s.get("_type"))
            .and_then(|t| t.as_str());
        Ok(match type_ {
            Some("root") => AnyMetadata::Root(Metadata::from_node(root)?),
            Some("timestamp") => AnyMetadata::Timestamp(Metadata::from_node(root)?),
            Some("snapshot") => AnyMetadata::Snapshot(Metadata::from_node(root)?),
            Some("targets") => AnyMetadata::Targets(Metadata::from_node(root)?),
            other => {
                // Not an envelope at all is the more useful message.
                legacy_envelope(root)?;
                return Err(FieldError::new(
                    "signed._type",
                    match other {
                        Some(t) => format!(
                            "\"{t}\" is not a TUF role type (root, timestamp, snapshot, targets)"
                        ),
                        None => "missing or not a string".to_owned(),
                    },
                )
                .into());
            }
        })
    }

    /// The same reading as [`AnyMetadata::from_bytes`], for a document already in memory.
    pub fn from_value(value: &Value) -> Result<AnyMetadata, MetadataError> {
        AnyMetadata::from_bytes(&serde_json::to_vec(value).unwrap_or_default())
    }

    /// `signed._type`.
    pub fn type_name(&self) -> &'static str {
        match self {
            AnyMetadata::Root(_) => "root",
            AnyMetadata::Timestamp(_) => "timestamp",
            AnyMetadata::Snapshot(_) => "snapshot",
            AnyMetadata::Targets(_) => "targets",
        }
    }

    /// `signed` written back from the typed model.
    pub fn signed_value(&self) -> Value {
        match self {
            AnyMetadata::Root(m) => m.signed_value(),
            AnyMetadata::Timestamp(m) => m.signed_value(),
            AnyMetadata::Snapshot(m) => m.signed_value(),
            AnyMetadata::Targets(m) => m.signed_value(),
        }
    }

    pub fn signed_bytes(&self) -> &[u8] {
        match self {
            AnyMetadata::Root(m) => m.signed_bytes(),
            AnyMetadata::Timestamp(m) => m.signed_bytes(),
            AnyMetadata::Snapshot(m) => m.signed_bytes(),
            AnyMetadata::Targets(m) => m.signed_bytes(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn root_json() -> Value {
        let key = json!({"keytype": "ed25519", "scheme": "ed25519", "keyval": {"public": "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"}});
        let role = json!({"keyids": ["k"], "threshold": 1});
        json!({"signed": {"_type": "root", "spec_version": "1.0.31", "version": 1, "expires": "2030-01-01T00:00:00Z",
            "consistent_snapshot": true, "keys": {"k": key},
            "roles": {"root": role, "targets": role, "snapshot": role, "timestamp": role}, "x-extra": [1, {"b": null}]},
            "signatures": []})
    }

    /// The client's quick reading of a targets role against the typed one, target by target:
    /// the same acceptance, the same error, the same summary.
    #[test]
    fn summary_reads_targets_as_the_typed_reading_does() {
        let targets_cases = vec![
            json!({}),
            json!({"a": {"length": 1, "hashes": {"sha256": "ab"}}}),
            json!({"a": {"length": 1, "hashes": {"sha256": "ab"}, "custom": {"in-toto": ["x.link"]}},
                   "b": {"length": 2, "hashes": {"sha256": "cd"}, "custom": null},
                   "c": {"length": 2, "hashes": {"sha256": "cd"}, "custom": ["in-toto"]},
                   "d": {"length": 2, "hashes": {"sha256": "cd"}, "extra": 1.5}}),
            json!({"a": {"length": -1, "hashes": {"sha256": "ab"}}}),
            json!({"a": {"length": 1.0, "hashes": {"sha256": "ab"}}}),
            json!({"a": {"length": "1", "hashes": {"sha256": "ab"}}}),
            json!({"a": {"hashes": {"sha256": "ab"}}}),
            json!({"a": {"length": 1}}),
            json!({"a": {"length": 1, "hashes": {}}}),
            json!({"a": {"length": 1, "hashes": []}}),
            json!({"a": {"length": 1, "hashes": {"sha256": 5}}}),
            json!({"a": {"length": 1, "hashes": null}}),
            json!({"a": [1]}),
            json!({"a": null}),
            json!([]),
            json!(null),
        ];
        for targets in targets_cases {
            let document = json!({"signed": {"_type": "targets", "spec_version": "1.0.31",
                "version": 1, "expires": "2030-01-01T00:00:00Z", "targets": targets},
                "signatures": []});
            let bytes = serde_json::to_vec(&document).unwrap();
            let quick = Metadata::<TargetsSummary>::summary_from_bytes(&bytes);
            let full = Metadata::<Targets>::from_bytes(&bytes).map(Metadata::summarize);
            match (&quick, &full) {
                (Ok(quick), Ok(full)) => {
                    assert_eq!(quick.signed, full.signed, "{targets}");
                    assert_eq!(quick.signed_bytes(), full.signed_bytes(), "{targets}");
                }
                (Err(quick), Err(full)) => {
                    assert_eq!(quick.to_string(), full.to_string(), "{targets}")
                }
                _ => panic!("{targets}: quick {quick:?}, full {full:?}"),
            }
        }
        let document = json!({"signed": {"_type": "targets", "spec_version": "1.0.31",
            "version": 1, "expires": "2030-01-01T00:00:00Z", "targets": {
                "b": {"length": 1, "hashes": {"sha256": "ab"}, "custom": {"in-toto": []}},
                "a": {"length": 1, "hashes": {"sha256": "ab"}, "custom": {"in-toto": []}},
                "c": {"length": 1, "hashes": {"sha256": "ab"}}}},
            "signatures": []});
        let summary =
            Metadata::<TargetsSummary>::summary_from_bytes(&serde_json::to_vec(&document).unwrap())
                .unwrap();
        assert_eq!(summary.signed.target_count, 3);
        assert_eq!(summary.signed.in_toto_targets, ["a", "b"]);
    }

    fn error_of(value: &Value) -> String {
        AnyMetadata::from_value(value).unwrap_err().to_string()
    }

    #[test]
    fn round_trip_keeps_unknown_fields() {
        let value = root_json();
        let metadata = AnyMetadata::from_value(&value).unwrap();
        assert_eq!(metadata.signed_value(), value["signed"]);
    }

    #[test]
    fn malformed_roots_name_the_field() {
        let cases: Vec<(&str, Value, &str)> = vec![
            (
                "/signed/version",
                json!(0),
                "field `signed.version`: must be at least 1, found 0",
            ),
            (
                "/signed/version",
                json!(1.5),
                "field `signed.version`: invalid type: floating point `1.5`, expected u64",
            ),
            (
                "/signed/expires",
                json!("2030-01-01"),
                "field `signed.expires`: \"2030-01-01\" is not a date in the form YYYY-MM-DDTHH:MM:SSZ",
            ),
            (
                "/signed/roles/root/threshold",
                json!(0),
                "field `signed.roles.root.threshold`: must be at least 1, found 0",
            ),
            (
                "/signed/roles/root/keyids",
                json!(["k", "k"]),
                "field `signed.roles.root.keyids`: keyid \"k\" appears twice",
            ),
            (
                "/signed/spec_version",
                json!("2.0.0"),
                "field `signed.spec_version`: unsupported specification version 2.0.0",
            ),
            (
                "/signed/_type",
                json!("layout"),
                "field `signed._type`: \"layout\" is not a TUF role type",
            ),
            (
                "/signed/x-extra",
                json!(0.5),
                "field `signed.x-extra`: floating-point number 0.5 is not allowed",
            ),
            (
                "/signed/keys/k/keyval",
                json!("x"),
                "field `signed.keys`: key k: field `keyval` is missing or is not an object",
            ),
        ];
        for (pointer, replacement, message) in cases {
            let mut value = root_json();
            *value.pointer_mut(pointer).unwrap() = replacement;
            let error = error_of(&value);
            assert!(error.starts_with(message), "{pointer}: {error}");
        }
        let mut value = root_json();
        value["signed"]["roles"]
            .as_object_mut()
            .unwrap()
            .remove("timestamp");
        assert!(
            error_of(&value).contains("must list exactly root, snapshot, targets and timestamp")
        );
        let mut value = root_json();
        value["signatures"] = json!([{"keyid": "k", "sig": "00"}, {"keyid": "k", "sig": "01"}]);
        assert_eq!(error_of(&value), "field `signatures`: keyid k signs twice");
    }

    fn targets_with(delegations: Value) -> Value {
        json!({"signed": {"_type": "targets", "spec_version": "1.0", "version": 3, "expires": "2030-01-01T00:00:00Z",
            "targets": {"a.txt": {"length": 1, "hashes": {"sha256": "00"}}}, "delegations": delegations}, "signatures": []})
    }

    #[test]
    fn custom_null_is_kept_verbatim() {
        let mut value = targets_with(json!({"keys": {}, "roles": []}));
        value["signed"]["targets"]["a.txt"]["custom"] = Value::Null;
        let metadata = AnyMetadata::from_value(&value).unwrap();
        assert_eq!(metadata.signed_value(), value["signed"]);
    }

    #[test]
    fn malformed_delegations_name_the_field() {
        let role = |extra: Value| {
            let mut r = json!({"name": "r", "keyids": [], "threshold": 1, "terminating": false});
            r.as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            r
        };
        let succinct =
            json!({"keyids": [], "threshold": 1, "bit_length": 8, "name_prefix": "bins"});
        let cases = vec![
            (
                json!({"keys": {}, "roles": [role(json!({"paths": ["a"], "path_hash_prefixes": ["ab"]}))]}),
                "field `signed.delegations.roles[0]`: has both `paths` and `path_hash_prefixes`",
            ),
            (
                json!({"keys": {}, "roles": [role(json!({}))]}),
                "field `signed.delegations.roles[0]`: has neither",
            ),
            (
                json!({"keys": {}, "roles": [role(json!({"paths": []})), role(json!({"paths": []}))]}),
                "field `signed.delegations.roles[1].name`: role \"r\" is delegated twice",
            ),
            (
                json!({"keys": {}, "roles": [role(json!({"paths": [], "name": "snapshot"}))]}),
                "field `signed.delegations.roles[0].name`: a delegated role cannot be named \"snapshot\"",
            ),
            (
                json!({"keys": {}, "roles": [role(json!({"paths": [], "threshold": 0}))]}),
                "field `signed.delegations.roles[0].threshold`: must be at least 1",
            ),
            (
                json!({"keys": {}, "roles": [], "succinct_roles": succinct}),
                "field `signed.delegations`: has both `roles` and `succinct_roles`",
            ),
            (
                json!({"keys": {}, "succinct_roles": {"keyids": [], "threshold": 1, "bit_length": 33, "name_prefix": "bins"}}),
                "field `signed.delegations.succinct_roles.bit_length`: must be between 1 and 32, found 33",
            ),
            (
                json!({"keys": {}, "succinct_roles": {"keyids": [], "threshold": 1, "bit_length": 0, "name_prefix": "bins"}}),
                "must be between 1 and 32, found 0",
            ),
            (
                json!({"keys": {}, "roles": [role(json!({"paths": [], "terminating": "yes"}))]}),
                "field `signed.delegations.roles[0].terminating`: invalid type",
            ),
        ];
        for (delegations, message) in cases {
            let error = error_of(&targets_with(delegations.clone()));
            assert!(error.contains(message), "{delegations}: {error}");
        }
    }

    #[test]
    fn delegated_paths_match_per_segment() {
        let role = |paths: Option<Vec<&str>>, prefixes: Option<Vec<&str>>| DelegatedRole {
            name: "r".into(),
            keyids: vec![],
            threshold: 1,
            terminating: false,
            paths: paths.map(|p| p.into_iter().map(str::to_owned).collect()),
            path_hash_prefixes: prefixes.map(|p| p.into_iter().map(str::to_owned).collect()),
            unknown: BTreeMap::new(),
        };
        let alpha = role(Some(vec!["alpha/*"]), None);
        assert!(alpha.is_delegated_path("alpha/a"));
        assert!(!alpha.is_delegated_path("alpha/x/y"), "* does not cross /");
        assert!(!alpha.is_delegated_path("alphabet/x"));
        assert!(role(Some(vec!["*/*.tgz"]), None).is_delegated_path("pkg/a.tgz"));
        assert!(!role(Some(vec![]), None).is_delegated_path("a"));
        // sha256("a.txt") = b1df9bcd…; prefixes compare against lowercase hex.
        let digest = hex::encode(Sha256::digest(b"a.txt"));
        assert!(role(None, Some(vec![&digest[..2]])).is_delegated_path("a.txt"));
        assert!(
            !role(None, Some(vec![&digest[..2].to_uppercase()])).is_delegated_path("a.txt")
                || digest[..2].chars().all(|c| c.is_ascii_digit())
        );
    }

    #[test]
    fn succinct_bins_follow_tap_15() {
        let bins = SuccinctRoles {
            keyids: vec![],
            threshold: 1,
            bit_length: 14,
            name_prefix: "bins".into(),
            unknown: BTreeMap::new(),
        };
        assert_eq!(bins.number_of_bins(), 16384);
        assert_eq!(bins.suffix_len(), 4);
        let names: Vec<String> = bins.bin_names().collect();
        assert_eq!(
            (names[0].as_str(), names[16383].as_str()),
            ("bins-0000", "bins-3fff")
        );
        assert!(
            bins.is_bin("bins-3fff")
                && !bins.is_bin("bins-4000")
                && !bins.is_bin("bins-3FFF")
                && !bins.is_bin("bins-fff")
        );
        let first = u32::from_be_bytes(Sha256::digest(b"a.txt")[..4].try_into().unwrap());
        assert_eq!(bins.bin_for_target("a.txt"), u64::from(first >> 18));
        let one_bit = SuccinctRoles {
            bit_length: 1,
            ..bins.clone()
        };
        assert_eq!(
            one_bit.bin_names().collect::<Vec<_>>(),
            ["bins-0", "bins-1"]
        );
        let full = SuccinctRoles {
            bit_length: 32,
            ..bins
        };
        assert_eq!(full.suffix_len(), 8);
        assert_eq!(full.bin_for_target("a.txt"), u64::from(first));
    }
}
