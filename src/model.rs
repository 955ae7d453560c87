//! What the TUF and in-toto models share: reading a typed document out of a JSON value with
//! errors that name the field, key maps keyed by keyid, and `expires`.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use crate::crypto::PublicKey;
use crate::time::UtcTime;

/// A document that does not have the shape its specification requires.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("field `{field}`: {problem}")]
pub struct FieldError {
    /// Where, as `signed.roles.root.threshold` or `signed.steps[2].name`.
    pub field: String,
    pub problem: String,
}

impl FieldError {
    /// Both parts may quote what a file holds, so each is clipped to a readable length.
    pub fn new(field: impl Into<String>, problem: impl Into<String>) -> FieldError {
        let clip = |text: String| match crate::shown::clipped(&text, 2 * crate::shown::QUOTED_CHARS)
        {
            std::borrow::Cow::Borrowed(_) => text,
            std::borrow::Cow::Owned(clipped) => clipped,
        };
        FieldError {
            field: clip(field.into()),
            problem: clip(problem.into()),
        }
    }
}

/// Deserializes `value` (found at `prefix`, e.g. `signed`) into `T`, naming the failing field.
pub fn from_value_at<T: DeserializeOwned>(value: &Value, prefix: &str) -> Result<T, FieldError> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        let field = if path == "." {
            prefix.to_owned()
        } else {
            format!("{prefix}.{path}")
        };
        FieldError::new(field, error.into_inner().to_string())
    })
}

/// [`from_value_at`] reading straight from a parsed [`cjson::Tree`] node (no [`Value`] built).
pub fn from_node_at<T: DeserializeOwned>(
    node: crate::cjson::NodeRef<'_, '_>,
    prefix: &str,
) -> Result<T, FieldError> {
    // Tracking the path costs an allocation per key; only a failure needs it, so the document
    // is read plainly first and read again with tracking to name the field that failed.
    if let Ok(value) = T::deserialize(node) {
        return Ok(value);
    }
    serde_path_to_error::deserialize(node).map_err(|error| {
        let path = error.path().to_string();
        let field = if path == "." {
            prefix.to_owned()
        } else {
            format!("{prefix}.{path}")
        };
        FieldError::new(field, error.into_inner().to_string())
    })
}

/// Serializes a typed document back to JSON. Models hold only JSON-representable data, so this
/// cannot fail; a failure would be a bug and shows as `null`.
pub fn to_value<T: Serialize>(document: &T) -> Value {
    serde_json::to_value(document).unwrap_or(Value::Null)
}

/// `{keyid: key dict}` maps, read into [`PublicKey`]s and written back as the dicts they were.
pub mod key_map {
    use super::*;

    pub fn serialize<S: Serializer>(
        keys: &BTreeMap<String, PublicKey>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let dicts: BTreeMap<&String, &Value> =
            keys.iter().map(|(id, key)| (id, key.to_dict())).collect();
        dicts.serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<BTreeMap<String, PublicKey>, D::Error> {
        let dicts = BTreeMap::<String, Value>::deserialize(deserializer)?;
        dicts
            .into_iter()
            .map(|(keyid, dict)| {
                PublicKey::from_dict(&keyid, &dict)
                    .map(|key| (keyid.clone(), key))
                    .map_err(|e| serde::de::Error::custom(format!("key {keyid}: {e}")))
            })
            .collect()
    }
}

/// [`key_map`] for a field that may be absent (kept absent when written back).
pub mod opt_key_map {
    use super::*;

    pub fn serialize<S: Serializer>(
        keys: &Option<BTreeMap<String, PublicKey>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match keys {
            Some(keys) => super::key_map::serialize(keys, serializer),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<BTreeMap<String, PublicKey>>, D::Error> {
        super::key_map::deserialize(deserializer).map(Some)
    }
}

/// `expires` as written (`YYYY-MM-DDTHH:MM:SSZ`), kept verbatim for signing and parsed for
/// comparisons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expires {
    text: String,
    time: UtcTime,
}

impl Expires {
    pub fn new(time: UtcTime) -> Expires {
        Expires {
            text: time.to_string(),
            time,
        }
    }

    pub fn time(&self) -> UtcTime {
        self.time
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Both references treat a document as expired once `expires <= now`.
    pub fn is_expired(&self, now: UtcTime) -> bool {
        self.time <= now
    }
}

impl fmt::Display for Expires {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for Expires {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Expires {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Expires, D::Error> {
        let text = String::deserialize(deserializer)?;
        let time = UtcTime::parse_metadata(&text).map_err(serde::de::Error::custom)?;
        Ok(Expires { text, time })
    }
}

/// Rejects a list with a repeated entry, naming the first repeat.
pub fn check_unique<'a>(
    items: impl IntoIterator<Item = &'a str>,
    field: &str,
    what: &str,
) -> Result<(), FieldError> {
    let mut seen = std::collections::BTreeSet::new();
    for item in items {
        if !seen.insert(item) {
            return Err(FieldError::new(
                field,
                format!("{what} \"{item}\" appears twice"),
            ));
        }
    }
    Ok(())
}

/// For optional fields: absent is `None`, a value is `Some`, and an explicit `null` is refused.
/// in-toto refuses `null` in these fields; python-tuf reads it as absent, which would silently
/// change the signed bytes on a round trip, so chainscope refuses it there too (stricter).
pub fn non_null<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer)?
        .map(Some)
        .ok_or_else(|| {
            serde::de::Error::custom("null is not allowed here; leave the field out instead")
        })
}

/// For opaque optional values kept verbatim (TUF `custom`): an explicit `null` stays `null`.
pub fn keep_null<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(deserializer).map(Some)
}

/// `{"<algorithm>": "<hex digest>"}` of one in-toto artifact or TUF file, held as a short list
/// sorted by algorithm: a link can record tens of thousands of artifacts and a repository list
/// a hundred thousand targets, and a map node for each would dominate the memory. Two dicts are
/// equal when they hold the same pairs, as in Python, whatever order they were written in.
#[derive(Debug, Clone, Default)]
pub struct HashDict {
    entries: Vec<(String, String)>,
    /// Which entry came first where the dict was read (a Python dict's first key): python-tuf
    /// names a consistent-snapshot target file after that hash.
    first: u8,
}

impl PartialEq for HashDict {
    fn eq(&self, other: &HashDict) -> bool {
        self.entries == other.entries
    }
}

impl Eq for HashDict {}

impl std::hash::Hash for HashDict {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.entries.hash(state);
    }
}

impl HashDict {
    pub fn new() -> HashDict {
        HashDict::default()
    }

    /// Sets the digest of `algorithm`, returning the one it replaces.
    pub fn insert(&mut self, algorithm: String, digest: String) -> Option<String> {
        match self.entries.binary_search_by(|(a, _)| a.cmp(&algorithm)) {
            Ok(index) => Some(std::mem::replace(&mut self.entries[index].1, digest)),
            Err(index) => {
                self.entries.insert(index, (algorithm, digest));
                None
            }
        }
    }

    pub fn get(&self, algorithm: &str) -> Option<&str> {
        self.entries
            .binary_search_by(|(a, _)| a.as_str().cmp(algorithm))
            .ok()
            .map(|index| self.entries[index].1.as_str())
    }

    /// `(algorithm, digest)` pairs in algorithm order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &str)> {
        self.entries.iter().map(|(a, d)| (a.as_str(), d.as_str()))
    }

    /// The pair that came first where the dict was read (its first key, as Python iterates a
    /// dict): the file's member order for one parsed from JSON, the first pair given for one
    /// built from pairs.
    pub fn first_as_written(&self) -> Option<(&str, &str)> {
        self.entries
            .get(usize::from(self.first))
            .or(self.entries.first())
            .map(|(a, d)| (a.as_str(), d.as_str()))
    }

    /// Remembers `algorithm` as the first one written.
    fn mark_first(&mut self, algorithm: &str) {
        self.first = self
            .entries
            .iter()
            .position(|(a, _)| a == algorithm)
            .and_then(|index| u8::try_from(index).ok())
            .unwrap_or(0);
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl FromIterator<(String, String)> for HashDict {
    /// A repeated algorithm keeps its last digest, as a Python dict would.
    fn from_iter<I: IntoIterator<Item = (String, String)>>(pairs: I) -> HashDict {
        let mut entries: Vec<(String, String)> = pairs.into_iter().collect();
        let first = entries.first().map(|(a, _)| a.clone());
        if !entries.windows(2).all(|pair| pair[0].0 < pair[1].0) {
            entries.reverse();
            // Stable: of equal algorithms the last given now comes first, and is the one kept.
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            entries.dedup_by(|later, earlier| later.0 == earlier.0);
        }
        let mut dict = HashDict { entries, first: 0 };
        if let Some(first) = first {
            dict.mark_first(&first);
        }
        dict
    }
}

impl<A: Into<String>, D: Into<String>, const N: usize> From<[(A, D); N]> for HashDict {
    fn from(pairs: [(A, D); N]) -> HashDict {
        pairs
            .into_iter()
            .map(|(a, d)| (a.into(), d.into()))
            .collect()
    }
}

impl Serialize for HashDict {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for HashDict {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<HashDict, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = HashDict;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map of hash algorithm to hex digest")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<HashDict, A::Error> {
                let mut dict = HashDict {
                    entries: Vec::with_capacity(map.size_hint().unwrap_or(1).min(8)),
                    first: 0,
                };
                // Members arrive in the file's order (`cjson::de`), so the first is the file's.
                let mut first = None;
                while let Some((algorithm, digest)) = map.next_entry::<String, String>()? {
                    if dict.get(&algorithm).is_some() {
                        return Err(serde::de::Error::custom(format!(
                            "duplicate hash algorithm \"{algorithm}\""
                        )));
                    }
                    if first.is_none() {
                        first = Some(algorithm.clone());
                    }
                    dict.insert(algorithm, digest);
                }
                if let Some(first) = first {
                    dict.mark_first(&first);
                }
                Ok(dict)
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}
