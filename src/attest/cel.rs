//! ITE-11 attribute rules: CEL expressions over one attestation, through the maintained Rust
//! CEL implementation (`cel`, cel-rust). The variables are the ones attestation-verifier
//! declares: `subject` (the statement's resource descriptors), `predicateType` and
//! `predicate` (the predicate as a JSON object, as google.protobuf.Struct holds it).

use serde_json::Value;

/// What a rule said about an attestation.
#[derive(Debug, Clone, PartialEq)]
pub enum Evaluation {
    True,
    False,
    /// The rule reads an attribute the attestation does not have.
    NoSuchAttribute(String),
    /// Not a boolean, or an error while evaluating.
    Error(String),
}

/// A rule that does not parse, with the parser's message (line, column and a caret).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct CelSyntaxError {
    pub message: String,
}

/// Parses `rule`: what the layout editor lints as the user types.
pub fn check_syntax(rule: &str) -> Result<(), CelSyntaxError> {
    cel::Program::compile(rule)
        .map(|_| ())
        .map_err(|e| CelSyntaxError {
            message: e.to_string(),
        })
}

/// The fields a protobuf ResourceDescriptor always has (unset ones read as empty), so a rule
/// reads `subject[0].uri` as cel-go does instead of failing on a key JSON left out.
fn descriptor_with_defaults(descriptor: &Value) -> Value {
    let mut object = descriptor.as_object().cloned().unwrap_or_default();
    for (field, empty) in [
        ("name", Value::String(String::new())),
        ("uri", Value::String(String::new())),
        ("digest", Value::Object(Default::default())),
        ("downloadLocation", Value::String(String::new())),
        ("mediaType", Value::String(String::new())),
        ("annotations", Value::Object(Default::default())),
    ] {
        object.entry(field).or_insert(empty);
    }
    Value::Object(object)
}

/// Evaluates `rule` against a statement (`subject`, `predicateType`, `predicate`).
pub fn evaluate(rule: &str, statement: &Value) -> Result<Evaluation, CelSyntaxError> {
    let program = cel::Program::compile(rule).map_err(|e| CelSyntaxError {
        message: e.to_string(),
    })?;
    let subject: Vec<Value> = statement
        .get("subject")
        .and_then(Value::as_array)
        .map(|list| list.iter().map(descriptor_with_defaults).collect())
        .unwrap_or_default();
    let predicate = statement
        .get("predicate")
        .cloned()
        .unwrap_or(Value::Object(Default::default()));
    let predicate_type = statement
        .get("predicateType")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let mut context = cel::Context::default();
    let bind = |e: cel::SerializationError| Evaluation::Error(e.to_string());
    let values = (|| {
        Ok::<_, Evaluation>((
            cel::to_value(&subject).map_err(bind)?,
            cel::to_value(&predicate).map_err(bind)?,
        ))
    })();
    let (subject, predicate) = match values {
        Ok(values) => values,
        Err(evaluation) => return Ok(evaluation),
    };
    context.add_variable_from_value("subject", subject);
    context.add_variable_from_value("predicate", predicate);
    context.add_variable_from_value("predicateType", predicate_type.to_owned());
    Ok(match program.execute(&context) {
        Ok(cel::Value::Bool(true)) => Evaluation::True,
        Ok(cel::Value::Bool(false)) => Evaluation::False,
        Ok(other) => Evaluation::Error(format!("the rule gave {other:?}, not a boolean")),
        Err(cel::ExecutionError::NoSuchKey(key)) => Evaluation::NoSuchAttribute(key.to_string()),
        Err(error) => Evaluation::Error(error.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rules_read_the_statement_as_attestation_verifier_declares_it() {
        let statement = json!({
            "subject": [{"name": "foo", "digest": {"sha256": "ab"}}],
            "predicateType": "https://in-toto.io/attestation/test-result/v0.1",
            "predicate": {"result": "PASSED", "failedTests": [], "byproducts": {"return-value": 0}},
        });
        let cases = [
            ("predicate.result == 'PASSED'", Evaluation::True),
            ("size(predicate.failedTests) == 0", Evaluation::True),
            (
                "size(subject) != 0 && subject[0].uri == ''",
                Evaluation::True,
            ),
            (
                "predicate.byproducts['return-value'] == 0",
                Evaluation::True,
            ),
            (
                "predicateType.endsWith('test-result/v0.1')",
                Evaluation::True,
            ),
            ("predicate.result == 'FAILED'", Evaluation::False),
            (
                "predicate.runDetails.builder.id == 'x'",
                Evaluation::NoSuchAttribute("runDetails".into()),
            ),
        ];
        for (rule, expected) in cases {
            assert_eq!(evaluate(rule, &statement).unwrap(), expected, "{rule}");
        }
        assert!(matches!(
            evaluate("predicate.result", &statement).unwrap(),
            Evaluation::Error(_)
        ));
        let error = check_syntax("predicate.result ==").unwrap_err();
        assert!(error.message.contains("1:"), "{error}");
        assert!(check_syntax("predicate.result == 'PASSED'").is_ok());
    }
}
