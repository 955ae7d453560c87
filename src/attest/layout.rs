//! ITE-10/11 layouts: steps that expect attestations of given predicate types from given
//! functionaries, with artifact rules over their resource descriptors and CEL rules over their
//! attributes. The format is the one in-toto's prototype (attestation-verifier) reads, in YAML
//! or JSON, optionally signed in a DSSE envelope.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// ITE-10 "Setting Predicate Type Expectations for Steps and Inspections", with ITE-11's
/// `expectedAttributes`; field names as attestation-verifier's `verifier/models.go` reads them.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AttestationLayout {
    /// RFC 3339; verification fails once it has passed.
    pub expires: String,
    /// The functionaries' public keys by key ID (securesystemslib key objects).
    #[serde(default)]
    pub functionaries: BTreeMap<String, Functionary>,
    #[serde(default)]
    pub steps: Vec<Step>,
    /// The prototype's `subjects` section (expected predicates per subject). Not in ITE-10, and
    /// not verified by the prototype either; chainscope reports it as not verified.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subjects: Vec<Value>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inspections: Vec<Inspection>,
}

/// A securesystemslib public key, spelled as attestation-verifier spells it.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Functionary {
    #[serde(rename = "keyIDHashAlgorithms", default)]
    pub key_id_hash_algorithms: Vec<String>,
    pub key_type: String,
    pub key_val: KeyVal,
    pub scheme: String,
    #[serde(rename = "keyID", default)]
    pub key_id: String,
}

/// A key's value: a public key, or (`keyType: sigstore-oidc`, securesystemslib's Sigstore key)
/// the identity and OIDC issuer Fulcio's certificate must name, as the prototype's `KeyVal`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct KeyVal {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub public: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub identity: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub issuer: String,
}

/// securesystemslib's key type for a Sigstore identity (signed keyless, through Fulcio).
pub const SIGSTORE_KEY_TYPE: &str = "sigstore-oidc";

impl Functionary {
    /// A Sigstore identity rather than a key: `(identity, issuer)`.
    pub fn sigstore_identity(&self) -> Option<(&str, &str)> {
        (self.key_type == SIGSTORE_KEY_TYPE)
            .then_some((self.key_val.identity.as_str(), self.key_val.issuer.as_str()))
    }

    /// The key as securesystemslib's key dict, for chainscope's key reader.
    pub fn key_dict(&self) -> Value {
        serde_json::json!({
            "keytype": self.key_type,
            "scheme": self.scheme,
            "keyval": {"public": self.key_val.public},
        })
    }
}

/// ITE-10's step: artifact rules shared by its predicates, and the predicates it expects.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    pub name: String,
    /// ITE-10 has a list of strings, the prototype one string; neither is checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<Value>,
    #[serde(default)]
    pub expected_materials: Vec<String>,
    #[serde(default)]
    pub expected_products: Vec<String>,
    #[serde(default)]
    pub expected_predicates: Vec<ExpectedPredicate>,
}

/// ITE-10's `expectedStepPredicate` with ITE-11's `expectedAttributes`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ExpectedPredicate {
    pub predicate_type: String,
    #[serde(default)]
    pub expected_attributes: Vec<AttributeRule>,
    #[serde(default)]
    pub functionaries: Vec<String>,
    /// How many functionaries' attestations must pass; 0 (or absent) means 1, as the prototype
    /// reads it.
    #[serde(default)]
    pub threshold: u32,
}

impl ExpectedPredicate {
    pub fn threshold(&self) -> usize {
        self.threshold.max(1) as usize
    }
}

/// One CEL rule (ITE-11): a bare expression, or the prototype's object with its options.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(from = "AttributeRuleForm")]
pub struct AttributeRule {
    pub rule: String,
    /// The prototype's `allowIfNoClaim`: a rule about an attribute the attestation does not
    /// have passes.
    pub allow_if_no_claim: bool,
    /// The prototype's `warn`: a false rule only warns.
    pub warn: bool,
    /// The prototype's `debug`: the message to show when the rule is false.
    pub debug: String,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum AttributeRuleForm {
    Expression(String),
    #[serde(rename_all = "camelCase")]
    Object {
        rule: String,
        #[serde(default)]
        allow_if_no_claim: bool,
        #[serde(default)]
        warn: bool,
        #[serde(default)]
        debug: String,
    },
}

/// Written as the prototype's object (`Constraint`: `rule`, `allowIfNoClaim`, `warn`), with
/// `debug` when there is one.
impl Serialize for AttributeRule {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("rule", &self.rule)?;
        map.serialize_entry("allowIfNoClaim", &self.allow_if_no_claim)?;
        map.serialize_entry("warn", &self.warn)?;
        if !self.debug.is_empty() {
            map.serialize_entry("debug", &self.debug)?;
        }
        map.end()
    }
}

impl From<AttributeRuleForm> for AttributeRule {
    fn from(form: AttributeRuleForm) -> AttributeRule {
        match form {
            AttributeRuleForm::Expression(rule) => AttributeRule {
                rule,
                allow_if_no_claim: false,
                warn: false,
                debug: String::new(),
            },
            AttributeRuleForm::Object {
                rule,
                allow_if_no_claim,
                warn,
                debug,
            } => AttributeRule {
                rule,
                allow_if_no_claim,
                warn,
                debug,
            },
        }
    }
}

/// ITE-10/11's inspection (a command run at verification, its rules over what it recorded).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Inspection {
    pub name: String,
    #[serde(default)]
    pub command: Option<Value>,
    #[serde(default)]
    pub predicates: Vec<String>,
    #[serde(default)]
    pub expected_materials: Vec<String>,
    #[serde(default)]
    pub expected_products: Vec<String>,
    #[serde(default)]
    pub expected_attributes: Vec<AttributeRule>,
}

/// The layout as YAML in the format attestation-verifier reads ([`read_layout`] reads it back
/// as the same layout).
pub fn to_yaml(layout: &AttestationLayout) -> String {
    let body = serde_yaml_ng::to_string(layout).expect("a layout is plain data");
    format!("# An ITE-10/11 layout (attestation-verifier's format), written by chainscope.\n{body}")
}

/// Why a layout could not be read, naming the field.
#[derive(Debug, Clone, thiserror::Error)]
pub enum LayoutReadError {
    #[error("not YAML or JSON: {0}")]
    Syntax(String),
    #[error("field `{field}`: {message}")]
    Field { field: String, message: String },
    #[error("a DSSE envelope whose payload is not a layout: {0}")]
    Payload(String),
}

/// A layout as read: the layout, and the DSSE envelope it came in when it was signed.
#[derive(Debug, Clone)]
pub struct ReadLayout {
    pub layout: AttestationLayout,
    pub envelope: Option<crate::crypto::Envelope>,
}

/// Reads YAML or JSON (JSON is YAML); a DSSE envelope (`payload`, `payloadType`,
/// `signatures`) is opened and its payload read as the layout.
pub fn read_layout(bytes: &[u8]) -> Result<ReadLayout, LayoutReadError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| LayoutReadError::Syntax("the file is not UTF-8".into()))?;
    let value: Value =
        serde_yaml_ng::from_str(text).map_err(|e| LayoutReadError::Syntax(e.to_string()))?;
    if value.get("payloadType").is_some() && value.get("payload").is_some() {
        let envelope = crate::crypto::Envelope::from_value(&with_keyids(value))
            .map_err(|e| LayoutReadError::Payload(e.to_string()))?;
        let crate::crypto::Envelope::Dsse { payload, .. } = &envelope else {
            return Err(LayoutReadError::Payload("not DSSE".into()));
        };
        let payload = std::str::from_utf8(payload)
            .map_err(|_| LayoutReadError::Payload("the payload is not UTF-8".into()))?;
        let inner: Value = serde_yaml_ng::from_str(payload)
            .map_err(|e| LayoutReadError::Payload(e.to_string()))?;
        return Ok(ReadLayout {
            layout: from_value(inner)?,
            envelope: Some(envelope),
        });
    }
    Ok(ReadLayout {
        layout: from_value(value)?,
        envelope: None,
    })
}

fn from_value(value: Value) -> Result<AttestationLayout, LayoutReadError> {
    serde_path_to_error::deserialize(value).map_err(|e| LayoutReadError::Field {
        field: e.path().to_string(),
        message: e.into_inner().to_string(),
    })
}

/// DSSE's signature `keyid` is optional; chainscope's envelope reader wants the field.
pub fn with_keyids(mut envelope: Value) -> Value {
    if let Some(signatures) = envelope.get_mut("signatures").and_then(Value::as_array_mut) {
        for signature in signatures.iter_mut().filter_map(Value::as_object_mut) {
            signature
                .entry("keyid")
                .or_insert_with(|| Value::String(String::new()));
        }
    }
    envelope
}

/// The prototype's parameter names: `^[a-zA-Z0-9_-]+$`.
fn valid_parameter_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Why parameters cannot be substituted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParameterError {
    #[error("parameter name {0:?} is not letters, digits, `_` and `-`")]
    BadName(String),
    #[error("parameter {0:?}'s value refers to itself")]
    SelfReference(String),
}

/// Substitutes `{name}` in every artifact rule and attribute rule (and its debug message), as
/// the prototype does: repeatedly, so a value may use other parameters; a value that names
/// itself is refused (it would never end).
pub fn substitute_parameters(
    layout: &mut AttestationLayout,
    parameters: &BTreeMap<String, String>,
) -> Result<usize, ParameterError> {
    for (name, value) in parameters {
        if !valid_parameter_name(name) {
            return Err(ParameterError::BadName(name.clone()));
        }
        if value.contains(&format!("{{{name}}}")) {
            return Err(ParameterError::SelfReference(name.clone()));
        }
    }
    let mut replaced = 0;
    let mut replace = |text: &mut String| {
        // A cycle between two parameters would never settle: stop after as many rounds as
        // there are parameters (each round resolves at least one level).
        for _ in 0..=parameters.len() {
            let mut next = text.clone();
            for (name, value) in parameters {
                next = next.replace(&format!("{{{name}}}"), value);
            }
            if next == *text {
                break;
            }
            replaced += 1;
            *text = next;
        }
    };
    for step in &mut layout.steps {
        step.expected_materials.iter_mut().for_each(&mut replace);
        step.expected_products.iter_mut().for_each(&mut replace);
        for predicate in &mut step.expected_predicates {
            for rule in &mut predicate.expected_attributes {
                replace(&mut rule.rule);
                replace(&mut rule.debug);
            }
        }
    }
    Ok(replaced)
}
