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
    pub fn new(field: impl Into<String>, problem: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            problem: problem.into(),
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
