//! Lint for ITE-10/11 attestation layouts: what would make verification fail whatever the
//! attestations say (an unparsable artifact or CEL rule, a functionary with no key, a threshold
//! no one can meet, a MATCH from a step that is not there), and what protects less than it
//! seems to. The same findings as the in-toto layout lint ([`crate::edit::lint`]).

use super::layout::AttestationLayout;
use crate::crypto::PublicKey;
use crate::edit::lint::{EXPIRY_WARNING_DAYS, LintFinding, Location, Severity, finding};
use crate::intoto::rule::ArtifactRule;
use crate::time::UtcTime;
use crate::trace::RuleList;

/// Every finding about `layout`, as of `now`.
pub fn lint(layout: &AttestationLayout, now: UtcTime) -> Vec<LintFinding> {
    let mut findings = Vec::new();
    match UtcTime::parse_rfc3339(&layout.expires) {
        Err(error) => findings.push(finding(
            Severity::Error,
            "attest-expires-unreadable",
            Location::Expires,
            format!("`expires` {:?} is not a time: {error}", layout.expires),
            "write it as RFC 3339, e.g. 2030-01-01T00:00:00Z".into(),
        )),
        Ok(expires) if expires <= now => findings.push(finding(
            Severity::Error,
            "attest-expired",
            Location::Expires,
            format!("the layout expired at {expires}"),
            "set a later `expires`".into(),
        )),
        Ok(expires) if expires.unix() - now.unix() < EXPIRY_WARNING_DAYS * 24 * 60 * 60 => findings
            .push(finding(
                Severity::Warning,
                "attest-expires-soon",
                Location::Expires,
                format!("the layout expires at {expires}"),
                "set a later `expires` before it does".into(),
            )),
        Ok(_) => {}
    }
    for (name, functionary) in &layout.functionaries {
        let keyid = if functionary.key_id.is_empty() {
            name
        } else {
            &functionary.key_id
        };
        if let Some((identity, _)) = functionary.sigstore_identity() {
            if identity.is_empty() {
                findings.push(finding(
                    Severity::Error,
                    "attest-identity-missing",
                    Location::Key {
                        keyid: keyid.clone(),
                    },
                    format!("functionary {name} is a Sigstore identity without keyVal.identity"),
                    "give the identity Fulcio's certificate must name (and keyVal.issuer, its OIDC issuer)".into(),
                ));
            }
        } else if let Err(error) = PublicKey::from_dict(keyid, &functionary.key_dict()) {
            findings.push(finding(
                Severity::Error,
                "attest-key-unreadable",
                Location::Key {
                    keyid: keyid.clone(),
                },
                format!("functionary {name}: {error}"),
                "give keyType, scheme and keyVal.public as securesystemslib writes them".into(),
            ));
        }
    }
    if layout.steps.is_empty() {
        findings.push(finding(
            Severity::Error,
            "attest-no-steps",
            Location::Expires,
            "the layout has no steps: it asks for nothing".into(),
            "add the steps of the supply chain, each with the predicates it expects".into(),
        ));
    }
    let known: Vec<&str> = layout
        .functionaries
        .iter()
        .map(|(name, f)| {
            if f.key_id.is_empty() {
                name.as_str()
            } else {
                f.key_id.as_str()
            }
        })
        .collect();
    for step in &layout.steps {
        let at_step = || Location::Step {
            name: step.name.clone(),
        };
        if step.expected_predicates.is_empty() {
            findings.push(finding(
                Severity::Warning,
                "attest-step-expects-nothing",
                at_step(),
                format!(
                    "step {} expects no predicate: no attestation is checked for it",
                    step.name
                ),
                "name the predicate type it must produce and who may sign it".into(),
            ));
        }
        for (list, rules) in [
            (RuleList::ExpectedMaterials, &step.expected_materials),
            (RuleList::ExpectedProducts, &step.expected_products),
        ] {
            for (index, text) in rules.iter().enumerate() {
                let at = Location::Rule {
                    owner: step.name.clone(),
                    list,
                    index,
                };
                match ArtifactRule::parse_text(text) {
                    Err(error) => findings.push(finding(
                        Severity::Error,
                        "attest-rule-unparsable",
                        at,
                        format!("step {} {} rule {:?}: {error}", step.name, list.field_name(), text),
                        "rules read as in-toto's: MATCH, ALLOW, DISALLOW, CREATE, DELETE, MODIFY, REQUIRE".into(),
                    )),
                    Ok(ArtifactRule::Match(rule))
                        if !layout.steps.iter().any(|s| s.name == rule.step) =>
                    {
                        findings.push(finding(
                            Severity::Error,
                            "attest-match-unknown-step",
                            at,
                            format!("step {}: MATCH FROM {} names no step of the layout", step.name, rule.step),
                            "name a step of this layout, or remove the rule".into(),
                        ))
                    }
                    Ok(_) => {}
                }
            }
        }
        for (predicate_index, predicate) in step.expected_predicates.iter().enumerate() {
            for keyid in &predicate.functionaries {
                if !known.contains(&keyid.as_str()) {
                    findings.push(finding(
                        Severity::Error,
                        "attest-unknown-functionary",
                        at_step(),
                        format!(
                            "step {} names functionary {} for {}, whose key the layout does not list",
                            step.name, keyid, predicate.predicate_type
                        ),
                        "add its key under `functionaries`, or name a listed one".into(),
                    ));
                }
            }
            if predicate.threshold() > predicate.functionaries.len() {
                findings.push(finding(
                    Severity::Error,
                    "attest-threshold-unreachable",
                    at_step(),
                    format!(
                        "step {} wants {} attestations of {} from {} functionaries",
                        step.name,
                        predicate.threshold(),
                        predicate.predicate_type,
                        predicate.functionaries.len()
                    ),
                    "lower the threshold or name more functionaries".into(),
                ));
            }
            for (index, rule) in predicate.expected_attributes.iter().enumerate() {
                if let Err(error) = super::cel::check_syntax(&rule.rule) {
                    findings.push(finding(
                        Severity::Error,
                        "attest-cel-syntax",
                        Location::Attribute {
                            step: step.name.clone(),
                            predicate: predicate_index,
                            index,
                        },
                        format!("step {} attribute rule {:?}: {}", step.name, rule.rule, error.message),
                        "a rule is a CEL expression over `subject`, `predicateType` and `predicate` that is true when the attestation is acceptable".into(),
                    ));
                }
            }
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> UtcTime {
        UtcTime::parse_rfc3339("2026-12-01T00:00:00Z").unwrap()
    }

    #[test]
    fn the_prototypes_layouts_are_clean_and_broken_ones_say_where() {
        let data = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/real-world/attestation-verifier/layouts"
        );
        for file in ["layout.yml", "layout-npm.yml"] {
            let bytes = std::fs::read(format!("{data}/{file}")).unwrap();
            let layout = super::super::layout::read_layout(&bytes).unwrap().layout;
            assert_eq!(lint(&layout, now()), Vec::new(), "{file}");
        }
        let text = std::fs::read_to_string(format!("{data}/layout.yml")).unwrap();
        let broken = text
            .replace("predicate.result == 'PASSED'", "predicate.result ==")
            .replace(
                "MATCH foo WITH products FROM clone",
                "MATCH foo WITH products FROM checkout",
            )
            .replace("\"CREATE bin/foo\"", "\"CREATE\"")
            .replacen(
                "          - \"fe1c6281c5ff13e35286cc67e5a1fb3e6575b840a6c39ca4267d3805eb17288a\"",
                "          - \"0000\"",
                1,
            );
        let layout = super::super::layout::read_layout(broken.as_bytes())
            .unwrap()
            .layout;
        let codes: Vec<(&str, Location)> = lint(&layout, now())
            .into_iter()
            .map(|f| (f.code, f.location))
            .collect();
        assert!(
            codes.contains(&(
                "attest-cel-syntax",
                Location::Attribute {
                    step: "test".into(),
                    predicate: 0,
                    index: 1
                }
            )),
            "{codes:?}"
        );
        assert!(
            codes.contains(&(
                "attest-match-unknown-step",
                Location::Rule {
                    owner: "test".into(),
                    list: RuleList::ExpectedMaterials,
                    index: 0
                }
            )),
            "{codes:?}"
        );
        assert!(
            codes.contains(&(
                "attest-rule-unparsable",
                Location::Rule {
                    owner: "build".into(),
                    list: RuleList::ExpectedProducts,
                    index: 0
                }
            )),
            "{codes:?}"
        );
        assert!(
            codes.contains(&(
                "attest-unknown-functionary",
                Location::Step {
                    name: "clone".into()
                }
            )),
            "{codes:?}"
        );
        // And an expired one.
        let expired = text.replace("2100-10-10T12:23:22Z", "2020-01-01T00:00:00Z");
        let layout = super::super::layout::read_layout(expired.as_bytes())
            .unwrap()
            .layout;
        assert_eq!(lint(&layout, now())[0].code, "attest-expired");
    }
}
