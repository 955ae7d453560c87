//! The lab's attacks on the attestation sample (`talk-alice-bob-attestations`): the chain as
//! in-toto attestations under an ITE-10 layout, attacked with the keys each attack declares.
//! Each rewrites only the attestation files; the layout is the owners' and stays as it is.

use serde_json::Value;

use super::{Attack, AttackError, Bench, Catch, Holder, KeyUse};
use crate::checks;
use crate::crypto::envelope::{decode_base64, encode_base64};
use crate::samples::attestations::{self, Attack as Change, DISTRIBUTED, Evidence, NAME};
use crate::trace::Subject;

/// The chain's attestation for `step`, as the owners would have made it with `change`.
fn evidence(change: Option<Change>, step: &str) -> Result<Evidence, AttackError> {
    attestations::chain(change)
        .into_iter()
        .find(|e| e.step == step)
        .ok_or_else(|| AttackError::Unexpected(format!("the chain has no {step} attestation")))
}

impl Bench<'_> {
    /// Signs `evidence` with the declared key `key` and writes it over the step's attestation.
    fn attest(&self, evidence: &Evidence, key: &str) -> Result<(), AttackError> {
        let key = self.key(key)?;
        attestations::write_evidence(self.dir, evidence, &key)?;
        Ok(())
    }

    /// The step's one attestation file in the copy.
    fn attestation_of(&self, step: &str) -> Result<std::path::PathBuf, AttackError> {
        let prefix = format!("{step}.");
        std::fs::read_dir(self.dir)
            .map_err(|source| AttackError::Copy {
                path: self.dir.to_owned(),
                source,
            })?
            .flatten()
            .map(|entry| entry.path())
            .find(|path| {
                path.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(&prefix) && n.ends_with(".json"))
            })
            .ok_or_else(|| AttackError::Unexpected(format!("no {step} attestation in the copy")))
    }
}

/// The attestation attacks, in the order the lab lists them.
pub(super) fn attacks() -> Vec<Attack> {
    vec![
        Attack {
            sample: DISTRIBUTED,
            id: "attest-changed-package",
            title: "Serve a changed package beside genuine attestations",
            setup: "",
            did: "Uploaded a package with a backdoor in foo.py through the repository service, which signed its target entry with the online key; the entry still names the genuine layout and attestations.",
            had: "The repository service's online key; no key of the project or of Carol's CI.",
            stopped_by: "ITE-2 with ITE-10: TUF vouches for the bytes (ngclient serves them), every attestation still verifies, but none of them has the package served as a subject: the attestations vouch for another digest.",
            keys: &[KeyUse {
                key: "online",
                holder: Holder::Attacker,
                signs: "the bins, snapshot and timestamp (the repository service's key)",
            }],
            touches: &[
                "metadata/*.bins-*.json",
                "metadata/*.snapshot.json",
                "metadata/timestamp.json",
                "targets/*.demo-project.tar.gz",
            ],
            catches: Catch {
                part: "ite2",
                kind: Some("Ite2MetadataError"),
                check: checks::ITE2_ATTESTED,
                subject: Subject::Target {
                    path: crate::samples::PACKAGE.into(),
                },
            },
            compare_all_online: false,
            run: |bench| {
                let mut repo = bench.editor()?;
                let custom = bench.package_custom(&repo)?;
                bench.add(
                    &mut repo,
                    crate::samples::PACKAGE,
                    &crate::samples::package_of(crate::samples::FOO_BY_ATTACKER),
                    None,
                    Some(custom),
                )?;
                bench.publish(&mut repo, &["online"])
            },
        },
        Attack {
            sample: NAME,
            id: "attest-wrong-builder",
            title: "Provenance from the wrong builder",
            setup: "",
            did: "Pointed Carol's CI at a runner of their own, which built the package from their source; Carol's CI signed the SLSA provenance it was handed, naming the attacker's builder.",
            had: "Use of Carol's CI signing key through the runner it was pointed at; no other key.",
            stopped_by: "ITE-11: the build step's attribute rule wants predicate.runDetails.builder.id to be Carol's CI. A valid signature by the right functionary is not enough; the layout also says what the provenance must claim.",
            keys: &[KeyUse {
                key: "carol",
                holder: Holder::Attacker,
                signs: "the build's SLSA provenance",
            }],
            touches: &["build.*.json"],
            catches: Catch {
                part: "attest",
                kind: None,
                check: checks::ATTEST_ATTRIBUTE,
                subject: Subject::Attribute {
                    step: "build".into(),
                    index: 0,
                },
            },
            compare_all_online: false,
            run: |bench| bench.attest(&evidence(Some(Change::WrongBuilder), "build")?, "carol"),
        },
        Attack {
            sample: NAME,
            id: "attest-tampered-subject",
            title: "Tamper with a signed provenance's subject digest",
            setup: "",
            did: "Changed the package digest in the subject of Carol's signed SLSA provenance to the digest of a package with a backdoor, leaving the DSSE signature as it was.",
            had: "Write access to where the attestations are stored; no key.",
            stopped_by: "DSSE: the signature covers the payload (its type and bytes), so the changed provenance has no valid signature by a functionary and is not used; the build step is then left without evidence.",
            keys: &[],
            touches: &["build.*.json"],
            catches: Catch {
                part: "attest",
                kind: None,
                check: checks::ATTEST_STEP_ATTESTATIONS,
                subject: Subject::Step {
                    name: "build".into(),
                },
            },
            compare_all_online: false,
            run: |bench| {
                let path = bench.attestation_of("build")?;
                let mut envelope = crate::samples::forge::read_json(&path)?;
                let payload = envelope["payload"]
                    .as_str()
                    .and_then(decode_base64)
                    .ok_or_else(|| AttackError::Unexpected("the build's payload".into()))?;
                let mut statement: Value = serde_json::from_slice(&payload)
                    .map_err(|e| AttackError::Unexpected(format!("the build's statement: {e}")))?;
                statement["subject"][0]["digest"]["sha256"] =
                    Value::String(attestations::attackers_package_digest());
                let payload = serde_json::to_vec(&statement).expect("a statement serializes");
                envelope["payload"] = Value::String(encode_base64(&payload));
                let bytes = serde_json::to_vec_pretty(&envelope).expect("an envelope serializes");
                crate::samples::write(&path, &bytes)?;
                Ok(())
            },
        },
        Attack {
            sample: NAME,
            id: "attest-tested-other-package",
            title: "Test another package than the one built",
            setup: "",
            did: "Swapped the package between build and test: Bob's test runner tested the attacker's package and signed a passing test result about it.",
            had: "Write access to the package handed from build to test; Bob's runner signed what it was given.",
            stopped_by: "ITE-10 artifact rules over resource descriptors: the test step's MATCH demo-project.tar.gz WITH products FROM build finds another digest in the test result's subject, consumes nothing, and DISALLOW * catches the package.",
            keys: &[KeyUse {
                key: "bob",
                holder: Holder::Owner,
                signs: "a passing test result about the package his runner was given",
            }],
            touches: &["test.*.json"],
            catches: Catch {
                part: "attest",
                kind: None,
                check: checks::ATTEST_STEP_RULE,
                subject: Subject::Rule {
                    owner: "test".into(),
                    list: crate::trace::RuleList::ExpectedMaterials,
                    index: 1,
                },
            },
            compare_all_online: false,
            run: |bench| {
                bench.attest(
                    &evidence(Some(Change::TamperedSubjectDigest), "test")?,
                    "bob",
                )
            },
        },
        Attack {
            sample: NAME,
            id: "attest-missing-test",
            title: "Ship without a test result",
            setup: "",
            did: "Deleted Bob's test result, so the release goes out on the create and build evidence alone.",
            had: "Write access to where the attestations are stored; no key.",
            stopped_by: "ITE-10: every step of the layout needs attestations by its functionaries, up to the threshold; a step without any fails, whatever the other steps show.",
            keys: &[],
            touches: &["test.*.json"],
            catches: Catch {
                part: "attest",
                kind: None,
                check: checks::ATTEST_STEP_ATTESTATIONS,
                subject: Subject::Step {
                    name: "test".into(),
                },
            },
            compare_all_online: false,
            run: |bench| {
                let path = bench.attestation_of("test")?;
                std::fs::remove_file(&path).map_err(|source| AttackError::Copy { path, source })
            },
        },
        Attack {
            sample: NAME,
            id: "attest-failed-tests",
            title: "Release although the tests failed",
            setup: "",
            did: "Pushed a change whose tests fail and released anyway; Bob's runner signed the honest result, FAILED.",
            had: "Push access to the project; no key.",
            stopped_by: "ITE-11: the test step's attribute rule predicate.result == 'PASSED' is checked against the signed test result; a signed result is evidence, not approval.",
            keys: &[KeyUse {
                key: "bob",
                holder: Holder::Owner,
                signs: "the honest test result: FAILED",
            }],
            touches: &["test.*.json"],
            catches: Catch {
                part: "attest",
                kind: None,
                check: checks::ATTEST_ATTRIBUTE,
                subject: Subject::Attribute {
                    step: "test".into(),
                    index: 0,
                },
            },
            compare_all_online: false,
            run: |bench| bench.attest(&evidence(Some(Change::FailedTests), "test")?, "bob"),
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::super::{Scratch, attacks_on, digests, write_lab_sample};
    use super::*;
    use crate::attest::verify::{AttestRequest, verify_attestations};

    /// Each attack, carried out on a copy of the attestation sample, changes only the files it
    /// declares and fails first at the check it names, as `attest verify` judges the copy.
    #[test]
    fn each_attestation_attack_is_caught_where_it_says() {
        let dir = tempfile::tempdir().unwrap();
        let original = write_lab_sample(dir.path(), NAME).unwrap();
        let scratch = Scratch::new(&original).unwrap();
        assert_eq!(scratch.sample(), NAME);
        let list = attacks_on(NAME);
        assert_eq!(list.len(), 5);
        assert!(list.iter().all(|a| a.id.starts_with("attest-")));
        for attack in list {
            let applied = scratch.attack(&attack).unwrap();
            assert!(!applied.changes.is_empty(), "{}", attack.id);
            for path in applied.changes.all() {
                assert!(attack.may_touch(path), "{} changed {path}", attack.id);
            }
            let copy = scratch.path();
            let files = crate::samples::attestations::folder_attestations(&copy);
            let layout = std::fs::read(copy.join("layout.yml")).unwrap();
            let trace = verify_attestations(&AttestRequest {
                layout_name: "layout.yml",
                layout: &layout,
                layout_keys: &[],
                attestations: &files,
                parameters: &Default::default(),
                now: crate::samples::time(crate::samples::GENERATED_AT),
                trusted_root: None,
            })
            .unwrap();
            let (_, failed) = trace.first_failure().unwrap_or_else(|| {
                panic!("{} was not caught:\n{}", attack.id, trace.render_text())
            });
            assert_eq!(
                (failed.id, &failed.subject),
                (attack.catches.check.id, &attack.catches.subject),
                "{}:\n{}",
                attack.id,
                trace.render_text()
            );
        }
        scratch.reset().unwrap();
        assert_eq!(
            digests(&scratch.path()).unwrap(),
            digests(&original).unwrap()
        );
    }

    /// The changed package on the distributed sample: only the declared files change, and
    /// ITE-2's package check catches it after every attestation verified.
    #[test]
    fn a_changed_package_beside_genuine_attestations_is_caught_by_ite2() {
        let dir = tempfile::tempdir().unwrap();
        let original = write_lab_sample(dir.path(), DISTRIBUTED).unwrap();
        let scratch = Scratch::new(&original).unwrap();
        assert_eq!(scratch.sample(), DISTRIBUTED);
        let list = attacks_on(DISTRIBUTED);
        assert_eq!(list.len(), 1);
        let attack = &list[0];
        let applied = scratch.attack(attack).unwrap();
        assert!(!applied.changes.is_empty());
        for path in applied.changes.all() {
            assert!(attack.may_touch(path), "{path}");
        }
        let copy = scratch.path();
        let report = crate::ite2::verify_target(&crate::ite2::Ite2Request {
            repo: copy.display().to_string(),
            targets_url: None,
            root: copy.join("metadata/1.root.json"),
            trusted_dir: None,
            layout_role: "targets".into(),
            target: crate::samples::PACKAGE.into(),
            inspections: crate::intoto::verify::InspectionMode::RecordOnly,
            now: crate::samples::time(super::super::ATTACKED_AT),
            config: Default::default(),
        })
        .unwrap();
        let (_, failed) = report.trace.first_failure().unwrap();
        assert_eq!(
            (failed.id, &failed.subject),
            (attack.catches.check.id, &attack.catches.subject),
            "{}",
            report.trace.render_text()
        );
    }
}
