//! in-toto v1.0 layouts and links (specification §4.3 and §4.4), validated as in-toto 3's
//! `Layout.read`/`Link.read`, with unknown fields kept. Fields in-toto treats as optional stay
//! absent when written back, so a load/write round trip leaves the signed bytes unchanged.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::rule::ArtifactRule;
use crate::crypto::PublicKey;
pub use crate::model::HashDict;
use crate::model::{self, Expires, FieldError, opt_key_map};

/// An artifact rule as written in the layout: typed, with its tokens kept as they were spelled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleEntry {
    pub rule: ArtifactRule,
    tokens: Vec<String>,
}

impl RuleEntry {
    pub fn new(rule: ArtifactRule) -> RuleEntry {
        RuleEntry {
            tokens: rule.to_tokens(),
            rule,
        }
    }

    pub fn tokens(&self) -> &[String] {
        &self.tokens
    }
}

impl Serialize for RuleEntry {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.tokens.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for RuleEntry {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<RuleEntry, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let rule = ArtifactRule::from_json(&value).map_err(serde::de::Error::custom)?;
        let tokens = value
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        Ok(RuleEntry { rule, tokens })
    }
}

/// §4.3 "The layout … specifies the steps of the supply chain, who is authorized to perform them,
/// and the inspections to be performed by the client".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Layout {
    #[serde(rename = "_type")]
    pub type_: String,
    /// When the layout stops being valid. in-toto accepts a layout without it (in-toto's own
    /// DSSE demo has one) and then fills in a month from the moment it reads the file, so such
    /// a layout never expires; chainscope reads it the same way and warns.
    #[serde(
        default,
        deserialize_with = "model::non_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub expires: Option<Expires>,
    #[serde(
        default,
        deserialize_with = "model::non_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub readme: Option<String>,
    /// The functionaries' public keys, by keyid.
    #[serde(default, with = "opt_key_map", skip_serializing_if = "Option::is_none")]
    pub keys: Option<BTreeMap<String, PublicKey>>,
    #[serde(
        default,
        deserialize_with = "model::non_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub steps: Option<Vec<Step>>,
    #[serde(
        default,
        deserialize_with = "model::non_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub inspect: Option<Vec<Inspection>>,
    #[serde(flatten)]
    pub unknown: BTreeMap<String, Value>,
}

/// What a layout without `expires` shows where its expiry would be.
pub const NO_EXPIRES: &str = "never (no `expires`: in-toto reads it as a month after loading)";

impl Layout {
    /// `expires` as written, or [`NO_EXPIRES`].
    pub fn expires_text(&self) -> String {
        self.expires
            .as_ref()
            .map_or_else(|| NO_EXPIRES.to_owned(), ToString::to_string)
    }
}

/// §4.3 Step: a part of the supply chain performed by `threshold` of its functionaries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    #[serde(
        rename = "_type",
        default,
        deserialize_with = "model::non_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub type_: Option<String>,
    pub name: String,
    /// in-toto's default is 1. chainscope requires at least 1 (in-toto accepts 0, which would
    /// ask for no links at all).
    #[serde(
        default,
        deserialize_with = "model::non_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub threshold: Option<u64>,
    #[serde(
        default,
        deserialize_with = "model::non_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub expected_materials: Option<Vec<RuleEntry>>,
    #[serde(
        default,
        deserialize_with = "model::non_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub expected_products: Option<Vec<RuleEntry>>,
    /// Keyids of the functionaries authorized to perform the step.
    #[serde(
        default,
        deserialize_with = "model::non_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub pubkeys: Option<Vec<String>>,
    #[serde(
        default,
        deserialize_with = "model::non_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub expected_command: Option<Vec<String>>,
    #[serde(flatten)]
    pub unknown: BTreeMap<String, Value>,
}

/// §4.3 Inspection: a command the client runs at verification time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inspection {
    #[serde(
        rename = "_type",
        default,
        deserialize_with = "model::non_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub type_: Option<String>,
    pub name: String,
    #[serde(
        default,
        deserialize_with = "model::non_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub expected_materials: Option<Vec<RuleEntry>>,
    #[serde(
        default,
        deserialize_with = "model::non_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub expected_products: Option<Vec<RuleEntry>>,
    #[serde(
        default,
        deserialize_with = "model::non_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub run: Option<Vec<String>>,
    #[serde(flatten)]
    pub unknown: BTreeMap<String, Value>,
}

/// §4.4 "link metadata … records the materials used and products generated by a step".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Link {
    #[serde(rename = "_type")]
    pub type_: String,
    pub name: String,
    #[serde(
        default,
        deserialize_with = "model::non_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub command: Option<Vec<String>>,
    #[serde(
        default,
        deserialize_with = "model::non_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub materials: Option<BTreeMap<String, HashDict>>,
    #[serde(
        default,
        deserialize_with = "model::non_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub products: Option<BTreeMap<String, HashDict>>,
    #[serde(
        default,
        deserialize_with = "model::non_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub byproducts: Option<serde_json::Map<String, Value>>,
    #[serde(
        default,
        deserialize_with = "model::non_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub environment: Option<serde_json::Map<String, Value>>,
    #[serde(flatten)]
    pub unknown: BTreeMap<String, Value>,
}

static NO_RULES: Vec<RuleEntry> = Vec::new();

impl Step {
    pub fn threshold(&self) -> u64 {
        self.threshold.unwrap_or(1)
    }

    pub fn expected_materials(&self) -> &[RuleEntry] {
        self.expected_materials.as_ref().unwrap_or(&NO_RULES)
    }

    pub fn expected_products(&self) -> &[RuleEntry] {
        self.expected_products.as_ref().unwrap_or(&NO_RULES)
    }

    pub fn pubkeys(&self) -> &[String] {
        self.pubkeys.as_deref().unwrap_or_default()
    }

    pub fn expected_command(&self) -> &[String] {
        self.expected_command.as_deref().unwrap_or_default()
    }
}

impl Inspection {
    pub fn expected_materials(&self) -> &[RuleEntry] {
        self.expected_materials.as_ref().unwrap_or(&NO_RULES)
    }

    pub fn expected_products(&self) -> &[RuleEntry] {
        self.expected_products.as_ref().unwrap_or(&NO_RULES)
    }

    pub fn run(&self) -> &[String] {
        self.run.as_deref().unwrap_or_default()
    }
}

impl Layout {
    pub fn steps(&self) -> &[Step] {
        self.steps.as_deref().unwrap_or_default()
    }

    pub fn inspections(&self) -> &[Inspection] {
        self.inspect.as_deref().unwrap_or_default()
    }

    /// The functionaries' keys (none when the layout lists none).
    pub fn keys(&self) -> &BTreeMap<String, PublicKey> {
        static NO_KEYS: BTreeMap<String, PublicKey> = BTreeMap::new();
        self.keys.as_ref().unwrap_or(&NO_KEYS)
    }

    pub fn readme(&self) -> &str {
        self.readme.as_deref().unwrap_or_default()
    }

    /// The `keyid` field of the key listed under `dict_keyid`: what in-toto matches link and
    /// sublayout signatures by, and counts functionaries by (it need not equal `dict_keyid`).
    pub fn own_keyid(&self, dict_keyid: &str) -> Option<&str> {
        self.keys()
            .get(dict_keyid)?
            .to_dict()
            .get("keyid")
            .and_then(Value::as_str)
    }

    /// in-toto's `Layout.validate`, with a threshold of at least 1 required (stricter).
    pub fn validate(&self) -> Result<(), FieldError> {
        if self.type_ != "layout" {
            return Err(FieldError::new(
                "signed._type",
                format!("expected \"layout\", found \"{}\"", self.type_),
            ));
        }
        // in-toto's `_check_public_key` reads each key's own `keyid`, and verification finds
        // signatures by it.
        for (id, key) in self.keys() {
            if self.own_keyid(id).is_none() {
                let field = crate::cjson::path_with_key("signed.keys", id)
                    .trim_start_matches('$')
                    .to_owned();
                return Err(FieldError::new(
                    format!("{field}.keyid"),
                    format!(
                        "is missing: in-toto requires each layout key to carry its own keyid (here {})",
                        key.keyid()
                    ),
                ));
            }
        }
        let mut names = std::collections::BTreeSet::new();
        for (index, step) in self.steps().iter().enumerate() {
            let field = format!("signed.steps[{index}]");
            if step.type_.as_deref().is_some_and(|t| t != "step") {
                return Err(FieldError::new(
                    format!("{field}._type"),
                    "must be \"step\"",
                ));
            }
            if !names.insert(step.name.as_str()) {
                return Err(FieldError::new(
                    format!("{field}.name"),
                    format!(
                        "there is already a step named \"{}\"; step and inspection names must be unique",
                        step.name
                    ),
                ));
            }
            if step.threshold() == 0 {
                return Err(FieldError::new(
                    format!("{field}.threshold"),
                    "must be at least 1, found 0",
                ));
            }
            for keyid in step.pubkeys() {
                if keyid.is_empty() || !keyid.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(FieldError::new(
                        format!("{field}.pubkeys"),
                        format!("\"{keyid}\" is not a hex keyid"),
                    ));
                }
            }
        }
        for (index, inspection) in self.inspections().iter().enumerate() {
            let field = format!("signed.inspect[{index}]");
            if inspection
                .type_
                .as_deref()
                .is_some_and(|t| t != "inspection")
            {
                return Err(FieldError::new(
                    format!("{field}._type"),
                    "must be \"inspection\"",
                ));
            }
            if !names.insert(inspection.name.as_str()) {
                return Err(FieldError::new(
                    format!("{field}.name"),
                    format!(
                        "there is already a step or inspection named \"{}\"; names must be unique",
                        inspection.name
                    ),
                ));
            }
        }
        Ok(())
    }
}

impl Link {
    pub fn validate(&self) -> Result<(), FieldError> {
        if self.type_ != "link" {
            return Err(FieldError::new(
                "signed._type",
                format!("expected \"link\", found \"{}\"", self.type_),
            ));
        }
        for (list, artifacts) in [("materials", &self.materials), ("products", &self.products)] {
            for (path, hashes) in artifacts.iter().flatten() {
                for (algorithm, digest) in hashes.iter() {
                    if !digest.bytes().all(|b| b.is_ascii_hexdigit()) {
                        let field = crate::cjson::path_with_key(&format!("signed.{list}"), path);
                        return Err(FieldError::new(
                            field,
                            format!("{algorithm} digest \"{digest}\" is not hex"),
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    pub fn materials(&self) -> impl Iterator<Item = (&String, &HashDict)> {
        self.materials.iter().flatten()
    }

    pub fn products(&self) -> impl Iterator<Item = (&String, &HashDict)> {
        self.products.iter().flatten()
    }

    pub fn command(&self) -> &[String] {
        self.command.as_deref().unwrap_or_default()
    }
}
