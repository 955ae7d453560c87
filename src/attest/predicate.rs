//! Predicates decoded into labelled fields. Each reader follows its specification's field
//! names (quoted per kind); a field the predicate leaves out is simply not listed, and a field
//! of an unexpected JSON type is shown as the JSON it is rather than dropped.

use serde_json::Value;

use crate::intoto::Statement;

/// The predicate types chainscope decodes, by their `predicateType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PredicateKind {
    /// `https://in-toto.io/attestation/link/v0.3`: a step's link as an attestation (`name`,
    /// `command`, `materials`, `byproducts`, `environment`).
    Link,
    /// `https://slsa.dev/provenance/v0.2` (`builder`, `buildType`, `invocation`, `metadata`,
    /// `materials`).
    SlsaProvenanceV02,
    /// `https://slsa.dev/provenance/v1` (`buildDefinition`, `runDetails`).
    SlsaProvenanceV1,
    /// `https://in-toto.io/attestation/test-result/v0.1` (`result`, `configuration`, `url`,
    /// `passedTests`, `warnedTests`, `failedTests`).
    TestResult,
    /// `https://spdx.dev/Document` (optionally versioned, `…/v2.3`): an SPDX SBOM.
    Spdx,
    /// `https://cyclonedx.org/bom` (optionally versioned, `…/v1.5`): a CycloneDX SBOM.
    CycloneDx,
    /// `https://slsa.dev/verification_summary/v1` (or `v0.2`): a verification summary.
    Vsa,
    /// `https://github.com/npm/attestation/tree/main/specs/publish/v0.1`: the npm registry's
    /// word that it published a package (`name`, `version`, `registry`).
    NpmPublish,
    /// `https://docs.pypi.org/attestations/publish/v1`: PyPI's publish attestation (PEP 740),
    /// whose subject is the distribution and whose predicate is empty.
    PypiPublish,
    /// Any other type: its top-level fields are listed.
    Other,
}

impl PredicateKind {
    pub fn of(predicate_type: &str) -> PredicateKind {
        let versioned = |base: &str| {
            predicate_type == base
                || predicate_type
                    .strip_prefix(base)
                    .is_some_and(|rest| rest.starts_with("/v"))
        };
        match predicate_type {
            "https://in-toto.io/attestation/link/v0.3" => PredicateKind::Link,
            "https://slsa.dev/provenance/v0.2" => PredicateKind::SlsaProvenanceV02,
            "https://slsa.dev/provenance/v1" => PredicateKind::SlsaProvenanceV1,
            "https://in-toto.io/attestation/test-result/v0.1" => PredicateKind::TestResult,
            "https://slsa.dev/verification_summary/v1"
            | "https://slsa.dev/verification_summary/v0.2" => PredicateKind::Vsa,
            "https://github.com/npm/attestation/tree/main/specs/publish/v0.1" => {
                PredicateKind::NpmPublish
            }
            "https://docs.pypi.org/attestations/publish/v1" => PredicateKind::PypiPublish,
            _ if versioned("https://spdx.dev/Document") => PredicateKind::Spdx,
            _ if versioned("https://cyclonedx.org/bom") => PredicateKind::CycloneDx,
            _ => PredicateKind::Other,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            PredicateKind::Link => "in-toto link",
            PredicateKind::SlsaProvenanceV02 => "SLSA provenance v0.2",
            PredicateKind::SlsaProvenanceV1 => "SLSA provenance v1",
            PredicateKind::TestResult => "test result",
            PredicateKind::Spdx => "SPDX SBOM",
            PredicateKind::CycloneDx => "CycloneDX SBOM",
            PredicateKind::Vsa => "SLSA verification summary",
            PredicateKind::NpmPublish => "npm publish attestation",
            PredicateKind::PypiPublish => "PyPI publish attestation",
            PredicateKind::Other => "predicate",
        }
    }
}

/// A resource by name (or URI) and digests: a subject, a material, a dependency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    /// `name`, else `uri`, else empty.
    pub name: String,
    /// (algorithm, hex), as the descriptor lists them.
    pub digests: Vec<(String, String)>,
}

/// One labelled value of a predicate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub label: &'static str,
    pub value: String,
}

/// What a statement says, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub kind: PredicateKind,
    pub predicate_type: String,
    pub subjects: Vec<Subject>,
    pub fields: Vec<Field>,
    /// The materials, resolved dependencies or configuration the predicate names.
    pub inputs: Vec<Subject>,
}

/// Decodes `statement`'s subjects and predicate.
pub fn decode(statement: &Statement) -> Decoded {
    let kind = PredicateKind::of(&statement.predicate_type);
    let null = Value::Null;
    let predicate = statement.predicate.as_ref().unwrap_or(&null);
    let mut fields = Fields(Vec::new());
    let mut inputs = Vec::new();
    match kind {
        PredicateKind::Link => {
            fields.text("step", predicate.get("name"));
            fields.words("command", predicate.get("command"));
            inputs = descriptors(predicate.get("materials"));
            fields.keys("byproducts", predicate.get("byproducts"));
            fields.keys("environment", predicate.get("environment"));
        }
        PredicateKind::SlsaProvenanceV02 => {
            fields.text("builder", at(predicate, &["builder", "id"]));
            fields.text("build type", predicate.get("buildType"));
            let source = at(predicate, &["invocation", "configSource"]);
            fields.text("source", source.and_then(|s| s.get("uri")));
            fields.digests("source digest", source.and_then(|s| s.get("digest")));
            fields.text("entry point", source.and_then(|s| s.get("entryPoint")));
            // npm's build type (`https://github.com/npm/cli/gha/v2`) records the workflow's
            // GitHub environment.
            let environment = at(predicate, &["invocation", "environment"]);
            for (label, key) in [
                ("repository", "GITHUB_REPOSITORY"),
                ("ref", "GITHUB_REF"),
                ("workflow", "GITHUB_WORKFLOW_REF"),
                ("trigger", "GITHUB_EVENT_NAME"),
            ] {
                fields.text(label, environment.and_then(|e| e.get(key)));
            }
            fields.text(
                "invocation",
                at(predicate, &["metadata", "buildInvocationID"]),
            );
            fields.text("started", at(predicate, &["metadata", "buildStartedOn"]));
            fields.text("finished", at(predicate, &["metadata", "buildFinishedOn"]));
            inputs = descriptors(predicate.get("materials"));
        }
        PredicateKind::SlsaProvenanceV1 => {
            let definition = predicate.get("buildDefinition");
            let run = predicate.get("runDetails");
            fields.text("builder", run.and_then(|r| at(r, &["builder", "id"])));
            fields.text("build type", definition.and_then(|d| d.get("buildType")));
            // GitHub Actions' build type (and npm's, PyPI's on top of it) says where the
            // workflow came from under externalParameters.workflow.
            let external = definition.and_then(|d| d.get("externalParameters"));
            let workflow = external.and_then(|e| e.get("workflow"));
            fields.text("repository", workflow.and_then(|w| w.get("repository")));
            fields.text("ref", workflow.and_then(|w| w.get("ref")));
            fields.text("workflow", workflow.and_then(|w| w.get("path")));
            let github = definition.and_then(|d| at(d, &["internalParameters", "github"]));
            fields.text("trigger", github.and_then(|g| g.get("event_name")));
            fields.text("runner", github.and_then(|g| g.get("runner_environment")));
            if workflow.is_none() {
                fields.keys("external parameters", external);
            }
            fields.text(
                "invocation",
                run.and_then(|r| at(r, &["metadata", "invocationId"])),
            );
            fields.text(
                "started",
                run.and_then(|r| at(r, &["metadata", "startedOn"])),
            );
            fields.text(
                "finished",
                run.and_then(|r| at(r, &["metadata", "finishedOn"])),
            );
            inputs = descriptors(definition.and_then(|d| d.get("resolvedDependencies")));
        }
        PredicateKind::TestResult => {
            fields.text("result", predicate.get("result"));
            fields.text("url", predicate.get("url"));
            for (label, key) in [
                ("passed", "passedTests"),
                ("warned", "warnedTests"),
                ("failed", "failedTests"),
            ] {
                fields.names(label, predicate.get(key));
            }
            inputs = descriptors(predicate.get("configuration"));
        }
        PredicateKind::Spdx => {
            fields.text("SPDX version", predicate.get("spdxVersion"));
            fields.text("document", predicate.get("name"));
            fields.text("namespace", predicate.get("documentNamespace"));
            fields.text("created", at(predicate, &["creationInfo", "created"]));
            fields.count("packages", predicate.get("packages"));
        }
        PredicateKind::CycloneDx => {
            fields.text("format", predicate.get("bomFormat"));
            fields.text("spec version", predicate.get("specVersion"));
            fields.text(
                "component",
                at(predicate, &["metadata", "component", "name"]),
            );
            fields.count("components", predicate.get("components"));
        }
        PredicateKind::Vsa => {
            fields.text("verifier", at(predicate, &["verifier", "id"]));
            fields.text("verified at", predicate.get("timeVerified"));
            fields.text("resource", predicate.get("resourceUri"));
            fields.text("policy", at(predicate, &["policy", "uri"]));
            fields.text("result", predicate.get("verificationResult"));
            fields.words("levels", predicate.get("verifiedLevels"));
            inputs = descriptors(predicate.get("inputAttestations"));
        }
        PredicateKind::NpmPublish => {
            fields.text("package", predicate.get("name"));
            fields.text("version", predicate.get("version"));
            fields.text("registry", predicate.get("registry"));
        }
        // Its subject is the distribution; the publisher is the certificate's identity.
        PredicateKind::PypiPublish => fields.keys("fields", Some(predicate)),
        PredicateKind::Other => fields.keys("fields", Some(predicate)),
    }
    Decoded {
        kind,
        predicate_type: statement.predicate_type.clone(),
        subjects: statement.subject.iter().map(descriptor).collect(),
        fields: fields.0,
        inputs,
    }
}

/// `value` under the keys of `path`, one level each.
fn at<'v>(value: &'v Value, path: &[&str]) -> Option<&'v Value> {
    path.iter().try_fold(value, |value, key| value.get(key))
}

/// ITE-6 ResourceDescriptors (`name`, `uri`, `digest`), or v0.2's materials (`uri`,
/// `digest`).
fn descriptors(list: Option<&Value>) -> Vec<Subject> {
    list.and_then(Value::as_array)
        .map(|items| items.iter().map(descriptor).collect())
        .unwrap_or_default()
}

fn descriptor(item: &Value) -> Subject {
    let name = ["name", "uri"]
        .iter()
        .find_map(|key| item.get(key).and_then(Value::as_str))
        .unwrap_or_default()
        .to_owned();
    let digests = item
        .get("digest")
        .and_then(Value::as_object)
        .map(|digests| {
            digests
                .iter()
                .map(|(algorithm, hex)| (algorithm.clone(), shown(hex)))
                .collect()
        })
        .unwrap_or_default();
    Subject { name, digests }
}

/// A JSON value as text: a string as it is, anything else as compact JSON.
fn shown(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

struct Fields(Vec<Field>);

impl Fields {
    fn push(&mut self, label: &'static str, value: String) {
        self.0.push(Field { label, value });
    }

    fn text(&mut self, label: &'static str, value: Option<&Value>) {
        match value {
            None | Some(Value::Null) => {}
            Some(value) => self.push(label, shown(value)),
        }
    }

    /// An array of words (a command, levels) joined by spaces.
    fn words(&mut self, label: &'static str, value: Option<&Value>) {
        match value {
            Some(Value::Array(words)) => {
                self.push(label, words.iter().map(shown).collect::<Vec<_>>().join(" "))
            }
            other => self.text(label, other),
        }
    }

    /// A list of names: how many, and the first few.
    fn names(&mut self, label: &'static str, value: Option<&Value>) {
        const SHOWN: usize = 5;
        match value {
            Some(Value::Array(names)) => {
                let first: Vec<String> = names.iter().take(SHOWN).map(shown).collect();
                let more = names.len().saturating_sub(SHOWN);
                let mut text = format!("{}", names.len());
                if !first.is_empty() {
                    text.push_str(&format!(": {}", first.join(", ")));
                }
                if more > 0 {
                    text.push_str(&format!(" and {more} more"));
                }
                self.push(label, text);
            }
            other => self.text(label, other),
        }
    }

    fn count(&mut self, label: &'static str, value: Option<&Value>) {
        match value {
            Some(Value::Array(items)) => self.push(label, items.len().to_string()),
            other => self.text(label, other),
        }
    }

    /// An object's keys (what an environment or parameters hold, not their values).
    fn keys(&mut self, label: &'static str, value: Option<&Value>) {
        match value {
            Some(Value::Object(map)) if map.is_empty() => {}
            Some(Value::Object(map)) => {
                self.push(label, map.keys().cloned().collect::<Vec<_>>().join(", "))
            }
            other => self.text(label, other),
        }
    }

    fn digests(&mut self, label: &'static str, value: Option<&Value>) {
        if let Some(Value::Object(digests)) = value {
            let text: Vec<String> = digests
                .iter()
                .map(|(algorithm, hex)| format!("{algorithm}:{}", shown(hex)))
                .collect();
            self.push(label, text.join(" "));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn statement(predicate_type: &str, predicate: Value) -> Statement {
        serde_json::from_value(json!({
            "_type": "https://in-toto.io/Statement/v1",
            "subject": [{"name": "pkg.tgz", "digest": {"sha512": "ab12"}}],
            "predicateType": predicate_type,
            "predicate": predicate,
        }))
        .unwrap()
    }

    fn field<'d>(decoded: &'d Decoded, label: &str) -> Option<&'d str> {
        decoded
            .fields
            .iter()
            .find(|f| f.label == label)
            .map(|f| f.value.as_str())
    }

    #[test]
    fn predicate_types_are_told_apart_with_their_versions() {
        for (uri, kind) in [
            (
                "https://slsa.dev/provenance/v1",
                PredicateKind::SlsaProvenanceV1,
            ),
            (
                "https://slsa.dev/provenance/v0.2",
                PredicateKind::SlsaProvenanceV02,
            ),
            ("https://spdx.dev/Document", PredicateKind::Spdx),
            ("https://spdx.dev/Document/v2.3", PredicateKind::Spdx),
            ("https://cyclonedx.org/bom/v1.5", PredicateKind::CycloneDx),
            ("https://spdx.dev/Documentary", PredicateKind::Other),
            ("https://slsa.dev/provenance/v1.1", PredicateKind::Other),
        ] {
            assert_eq!(PredicateKind::of(uri), kind, "{uri}");
        }
    }

    /// npm's provenance (GitHub Actions' build type): where it was built, from which
    /// repository, ref and workflow, on which trigger and runner.
    #[test]
    fn github_actions_provenance_says_where_and_how_it_was_built() {
        let decoded = decode(&statement(
            "https://slsa.dev/provenance/v1",
            json!({
                "buildDefinition": {
                    "buildType": "https://slsa-framework.github.io/github-actions-buildtypes/workflow/v1",
                    "externalParameters": {"workflow": {
                        "ref": "refs/heads/main",
                        "repository": "https://github.com/sigstore/sigstore-js",
                        "path": ".github/workflows/release.yml"}},
                    "internalParameters": {"github": {
                        "event_name": "push", "runner_environment": "github-hosted"}},
                    "resolvedDependencies": [{
                        "uri": "git+https://github.com/sigstore/sigstore-js@refs/heads/main",
                        "digest": {"gitCommit": "3a57a741"}}]
                },
                "runDetails": {
                    "builder": {"id": "https://github.com/actions/runner/github-hosted"},
                    "metadata": {"invocationId": "https://github.com/sigstore/sigstore-js/actions/runs/1/attempts/1"}
                }
            }),
        ));
        assert_eq!(decoded.kind, PredicateKind::SlsaProvenanceV1);
        assert_eq!(
            field(&decoded, "builder"),
            Some("https://github.com/actions/runner/github-hosted")
        );
        assert_eq!(
            field(&decoded, "repository"),
            Some("https://github.com/sigstore/sigstore-js")
        );
        assert_eq!(field(&decoded, "ref"), Some("refs/heads/main"));
        assert_eq!(
            field(&decoded, "workflow"),
            Some(".github/workflows/release.yml")
        );
        assert_eq!(field(&decoded, "trigger"), Some("push"));
        assert_eq!(field(&decoded, "runner"), Some("github-hosted"));
        assert_eq!(
            decoded.inputs,
            [Subject {
                name: "git+https://github.com/sigstore/sigstore-js@refs/heads/main".into(),
                digests: vec![("gitCommit".into(), "3a57a741".into())],
            }]
        );
        assert_eq!(
            decoded.subjects,
            [Subject {
                name: "pkg.tgz".into(),
                digests: vec![("sha512".into(), "ab12".into())],
            }]
        );
    }

    #[test]
    fn odd_values_are_shown_as_json_and_missing_ones_left_out() {
        let decoded = decode(&statement(
            "https://in-toto.io/attestation/test-result/v0.1",
            json!({"result": 3, "failedTests": ["a", "b", "c", "d", "e", "f", "g"]}),
        ));
        assert_eq!(field(&decoded, "result"), Some("3"));
        assert_eq!(
            field(&decoded, "failed"),
            Some("7: a, b, c, d, e and 2 more")
        );
        assert_eq!(field(&decoded, "url"), None);
        let decoded = decode(&statement(
            "https://example.com/custom/v1",
            json!({"b": 1, "a": 2}),
        ));
        assert_eq!(decoded.kind, PredicateKind::Other);
        assert_eq!(field(&decoded, "fields"), Some("a, b"));
    }
}
