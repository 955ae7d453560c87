//! The talk's Alice and Bob chain as in-toto attestations under an ITE-10/11 layout: Alice's
//! `create` recorded as a link (v0.3), Carol's CI `build` as SLSA provenance v1, Bob's `test`
//! as a test result, each signed (DSSE) with its demo key; and the same chain with one thing
//! wrong, one folder per attack, each failing at the check that names it.

use std::path::Path;

use serde_json::{Value, json};

use super::{FOO_BY_ALICE, FOO_BY_ATTACKER, PACKAGE, SampleError, demo_key, package_of, write};
use crate::checks;
use crate::crypto::PrivateKey;
use crate::crypto::digest::hex_digest;
use crate::crypto::envelope::{encode_base64, pae};

/// The honest chain.
pub const NAME: &str = "talk-alice-bob-attestations";

/// Carol's CI, the builder the layout trusts.
const BUILDER: &str = "https://ci.example.com/builders/carol@v1";
const BUILD_TYPE: &str = "https://chainscope.example/buildtypes/tar-gz@v1";
const SOURCE: &str = "demo-project/foo.py";
const IN_TOTO: &str = "application/vnd.in-toto+json";
/// The attacker's runner, which the wrong-builder attack's provenance names.
const WRONG_BUILDER: &str = "https://attacker.example/builders/evil@v1";

/// What an attestation sample shows and where its verification must fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttestationSample {
    pub name: &'static str,
    pub summary: &'static str,
    pub attack: Option<Attack>,
    /// The failing check and its subject, as the trace names them (`None`: it verifies).
    pub fails_at: Option<(&'static str, &'static str)>,
}

/// One thing wrong with the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attack {
    /// The build ran on another builder than the one the layout trusts (Carol's key signed it:
    /// her CI was pointed at the attacker's runner).
    WrongBuilder,
    /// Bob's test result is about a package with another digest than the one built.
    TamperedSubjectDigest,
    /// No test result at all.
    MissingTestResult,
    /// The tests failed: the test result says so, and the layout's rule wants PASSED.
    FailedTests,
}

/// Every attestation sample.
pub fn samples() -> Vec<AttestationSample> {
    vec![
        AttestationSample {
            name: NAME,
            summary: "The talk's chain as attestations (a link, SLSA provenance, a test result) under an ITE-10 layout with CEL rules; it verifies.",
            attack: None,
            fails_at: None,
        },
        AttestationSample {
            name: "talk-alice-bob-attestations-wrong-builder",
            summary: "The build's provenance names another builder than Carol's CI: the layout's attribute rule on the builder fails.",
            attack: Some(Attack::WrongBuilder),
            fails_at: Some((checks::ATTEST_ATTRIBUTE.id, "build attribute rule #1")),
        },
        AttestationSample {
            name: "talk-alice-bob-attestations-tampered-subject",
            summary: "Bob's test result is about a package with another digest: it does not match the build's product.",
            attack: Some(Attack::TamperedSubjectDigest),
            fails_at: Some((
                checks::ATTEST_STEP_RULE.id,
                "test expected_materials rule #2",
            )),
        },
        AttestationSample {
            name: "talk-alice-bob-attestations-missing-test",
            summary: "No test result: the test step has no attestation.",
            attack: Some(Attack::MissingTestResult),
            fails_at: Some((checks::ATTEST_STEP_ATTESTATIONS.id, "step test")),
        },
        AttestationSample {
            name: "talk-alice-bob-attestations-failed-tests",
            summary: "The tests failed and the test result says so: the rule that wants PASSED fails.",
            attack: Some(Attack::FailedTests),
            fails_at: Some((checks::ATTEST_ATTRIBUTE.id, "test attribute rule #1")),
        },
    ]
}

fn sha256(bytes: &[u8]) -> String {
    hex_digest("sha256", bytes).expect("sha256")
}

/// An in-toto statement (v1) signed in DSSE by `key`, as attestation-verifier reads it.
fn signed(statement: &Value, key: &PrivateKey) -> Result<Vec<u8>, SampleError> {
    let payload = serde_json::to_vec(statement).expect("a statement serializes");
    let signature = key
        .sign(&pae(IN_TOTO, &payload))
        .map_err(|e| SampleError::Other(format!("signing a sample attestation failed: {e}")))?;
    let envelope = json!({
        "payload": encode_base64(&payload),
        "payloadType": IN_TOTO,
        "signatures": [{"keyid": key.keyid(), "sig": encode_base64(&signature)}],
    });
    Ok(serde_json::to_vec_pretty(&envelope).expect("an envelope serializes"))
}

fn file_name(step: &str, key: &PrivateKey) -> String {
    format!("{step}.{}.json", &key.keyid()[..8])
}

fn layout(alice: &str, bob: &str, carol: &str) -> String {
    let key = |name: &str, key: &PrivateKey| {
        let dict = key.public().to_dict();
        format!(
            "  {id}:\n    keyType: \"{keytype}\"\n    scheme: \"{scheme}\"\n    keyVal:\n      public: \"{public}\"\n    keyID: \"{id}\"\n    # {name}\n",
            id = key.keyid(),
            keytype = dict["keytype"].as_str().unwrap_or_default(),
            scheme = dict["scheme"].as_str().unwrap_or_default(),
            public = dict["keyval"]["public"].as_str().unwrap_or_default(),
        )
    };
    let (alice_key, bob_key, carol_key) = (demo_key("alice"), demo_key("bob"), demo_key("carol"));
    format!(
        r#"# The talk's supply chain as attestations (ITE-10), with attribute rules in CEL (ITE-11).
# Written by `chainscope samples write`; never edited by hand.
expires: "{expires}"
functionaries:
{alice_entry}{bob_entry}{carol_entry}steps:
  - name: "create"
    expectedMaterials:
      - "DISALLOW *"
    expectedProducts:
      - "CREATE {SOURCE}"
      - "DISALLOW *"
    expectedPredicates:
      - predicateType: "https://in-toto.io/attestation/link/v0.3"
        expectedAttributes:
          - rule: "predicate.name == 'create'"
        functionaries:
          - "{alice}"
  - name: "build"
    expectedMaterials:
      - "MATCH {SOURCE} WITH products FROM create"
      - "DISALLOW *"
    expectedProducts:
      - "CREATE {PACKAGE}"
      - "DISALLOW *"
    expectedPredicates:
      - predicateType: "https://slsa.dev/provenance/v1"
        expectedAttributes:
          - rule: "predicate.runDetails.builder.id == '{BUILDER}'"
            debug: "the package was built by another builder than Carol's CI"
          - rule: "predicate.buildDefinition.buildType == '{BUILD_TYPE}'"
        functionaries:
          - "{carol}"
  - name: "test"
    expectedMaterials:
      - "MATCH {PACKAGE} WITH products FROM build"
      - "DISALLOW *"
    expectedPredicates:
      - predicateType: "https://in-toto.io/attestation/test-result/v0.1"
        expectedAttributes:
          - rule: "predicate.result == 'PASSED'"
            debug: "the tests did not pass"
          - rule: "size(predicate.failedTests) == 0"
        functionaries:
          - "{bob}"
"#,
        expires = super::EXPIRES,
        alice_entry = key("Alice", &alice_key),
        bob_entry = key("Bob", &bob_key),
        carol_entry = key("Carol's CI", &carol_key),
    )
}

/// One attestation of the chain: the step it is for, the demo key that signs it, the statement.
#[derive(Debug, Clone)]
pub struct Evidence {
    pub step: &'static str,
    pub signer: &'static str,
    pub statement: Value,
}

/// The chain's attestations, with `attack`'s change made (the missing test result left out).
pub fn chain(attack: Option<Attack>) -> Vec<Evidence> {
    let source_digest = sha256(FOO_BY_ALICE.as_bytes());
    let package_digest = sha256(&package_of(FOO_BY_ALICE));
    let create = json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": SOURCE, "digest": {"sha256": source_digest}}],
        "predicateType": "https://in-toto.io/attestation/link/v0.3",
        "predicate": {
            "name": "create",
            "command": ["vi", SOURCE],
            "materials": [],
            "byproducts": {"return-value": 0},
            "environment": {},
        },
    });
    let builder = if attack == Some(Attack::WrongBuilder) {
        WRONG_BUILDER
    } else {
        BUILDER
    };
    let build = json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": PACKAGE, "digest": {"sha256": package_digest}}],
        "predicateType": "https://slsa.dev/provenance/v1",
        "predicate": {
            "buildDefinition": {
                "buildType": BUILD_TYPE,
                "externalParameters": {"source": "git+https://git.example.com/demo-project@refs/heads/main"},
                "resolvedDependencies": [{"name": SOURCE, "digest": {"sha256": source_digest}}],
            },
            "runDetails": {
                "builder": {"id": builder},
                "metadata": {"invocationId": "build-42", "startedOn": super::GENERATED_AT},
            },
        },
    });
    let tested = if attack == Some(Attack::TamperedSubjectDigest) {
        attackers_package_digest()
    } else {
        package_digest
    };
    let failed = attack == Some(Attack::FailedTests);
    let test = json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": PACKAGE, "digest": {"sha256": tested}}],
        "predicateType": "https://in-toto.io/attestation/test-result/v0.1",
        "predicate": {
            "result": if failed { "FAILED" } else { "PASSED" },
            "configuration": [{"name": "pytest.ini", "digest": {"sha256": sha256(b"[pytest]\n")}}],
            "passedTests": if failed { json!([]) } else { json!(["test_greet"]) },
            "warnedTests": [],
            "failedTests": if failed { json!(["test_greet"]) } else { json!([]) },
        },
    });
    let mut chain = vec![
        Evidence {
            step: "create",
            signer: "alice",
            statement: create,
        },
        Evidence {
            step: "build",
            signer: "carol",
            statement: build,
        },
    ];
    if attack != Some(Attack::MissingTestResult) {
        chain.push(Evidence {
            step: "test",
            signer: "bob",
            statement: test,
        });
    }
    chain
}

/// The sha256 of the package with the attacker's `foo.py`.
pub fn attackers_package_digest() -> String {
    sha256(&package_of(FOO_BY_ATTACKER))
}

/// Signs `evidence` with `key` (DSSE) and writes it into `folder`, named as
/// attestation-verifier names it (`<step>.<keyid prefix>.json`); returns the file's name.
pub fn write_evidence(
    folder: &Path,
    evidence: &Evidence,
    key: &PrivateKey,
) -> Result<String, SampleError> {
    let name = file_name(evidence.step, key);
    write(&folder.join(&name), &signed(&evidence.statement, key)?)?;
    Ok(name)
}

/// Writes the sample `sample` into `dir/<name>`.
pub fn write_sample(dir: &Path, sample: &AttestationSample) -> Result<(), SampleError> {
    let folder = dir.join(sample.name);
    super::clear(&folder)?;
    let (alice, bob, carol) = (demo_key("alice"), demo_key("bob"), demo_key("carol"));
    write(
        &folder.join("layout.yml"),
        layout(alice.keyid(), bob.keyid(), carol.keyid()).as_bytes(),
    )?;
    for evidence in chain(sample.attack) {
        write_evidence(&folder, &evidence, &demo_key(evidence.signer))?;
    }
    let verify = format!(
        "chainscope attest verify --layout layout.yml --attestations . --now {}",
        super::GENERATED_AT
    );
    let outcome = match sample.fails_at {
        None => "Verification passes.".to_owned(),
        Some((check, subject)) => format!("Verification fails at `{check}` ({subject})."),
    };
    let readme = format!(
        "# {name}\n\n{summary}\n\nAlice creates `{SOURCE}` (an in-toto link, v0.3), Carol's CI builds `{PACKAGE}` (SLSA\nprovenance v1, builder `{BUILDER}`), Bob tests it (a test result, v0.1). `layout.yml` is an\nITE-10 layout in attestation-verifier's format with ITE-11 attribute rules (CEL); the\nattestations are DSSE envelopes named `<step>.<keyid prefix>.json`, signed with the demo keys.\n\n{outcome}\n\n```sh\n{verify}\n```\n\nGenerated by `chainscope samples write`; never edited by hand.\n",
        name = sample.name,
        summary = sample.summary,
    );
    write(&folder.join("README.md"), readme.as_bytes())
}

/// The honest chain distributed through TUF ([`write_distributed`]), as a sample folder: the
/// repository itself, which the app opens and verifies end to end.
pub const DISTRIBUTED: &str = "talk-alice-bob-attestations-tuf";
pub const DISTRIBUTED_SUMMARY: &str = "The attestation chain distributed through TUF (ITE-2 with an ITE-10 layout): layout.yml from the offline targets role, attestations and package from the online bins; it verifies end to end.";

/// Writes [`DISTRIBUTED`] into `dir/<name>`: the repository (its `metadata/` and `targets/`)
/// and a README.
pub fn write_distributed_sample(dir: &Path) -> Result<(), SampleError> {
    let folder = dir.join(DISTRIBUTED);
    super::clear(&folder)?;
    let scratch = tempfile::tempdir().map_err(|source| SampleError::Write {
        path: std::env::temp_dir(),
        source,
    })?;
    let repo = write_distributed(scratch.path(), |_, _, _| {})?;
    for part in ["metadata", "targets"] {
        copy_tree(&repo.join(part), &folder.join(part))?;
    }
    let readme = format!(
        "# {DISTRIBUTED}\n\n{DISTRIBUTED_SUMMARY}\n\nThe package `{PACKAGE}` names, in its target's `custom.in-toto`, the ITE-10 layout\n`{DISTRIBUTED_PREFIX}layout.yml` (listed by `targets`, whose key stays offline) and the three\nattestations of `{NAME}` (listed by the online bins). Verification fetches all of them through\nTUF, trusts the layout only because `targets` lists it, verifies the attestations against it,\nand checks that the package served is a subject of an accepted attestation (`ite2.attested`).\n\n```sh\nchainscope verify-target {PACKAGE} --repo . --root metadata/1.root.json --now {now}\n```\n\nGenerated by `chainscope samples write`; never edited by hand.\n",
        now = super::GENERATED_AT,
    );
    write(&folder.join("README.md"), readme.as_bytes())
}

fn copy_tree(from: &Path, to: &Path) -> Result<(), SampleError> {
    let entries = std::fs::read_dir(from).map_err(|source| SampleError::Write {
        path: from.to_owned(),
        source,
    })?;
    for entry in entries.flatten() {
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            copy_tree(&path, &target)?;
        } else {
            write(&target, &super::forge::read(&path)?)?;
        }
    }
    Ok(())
}

/// Where [`write_distributed`] lists the layout and the attestations.
pub const DISTRIBUTED_PREFIX: &str = "attestations/demo-project/";

/// The honest chain distributed as ITE-2 distributes in-toto metadata, written into
/// `dir/repo` (returned): `layout.yml` in the offline `targets` role, the attestations and
/// the package in the online bins, the package naming them in `custom.in-toto`. `change` may
/// alter the repository before it is signed and published (as an attacker with the online
/// key would); it gets the folder to write files in and the package's `custom.in-toto` list.
pub fn write_distributed(
    dir: &Path,
    change: impl FnOnce(&mut crate::edit::tuf::TufRepo, &Path, &[String]),
) -> Result<std::path::PathBuf, SampleError> {
    use super::{EXPIRES, GENERATED_AT, time};
    use crate::edit::tuf::{AtomicWriter, PublishOptions, TufRepo};
    let work = dir.join("work");
    let sample = samples()
        .into_iter()
        .find(|s| s.name == NAME)
        .expect("the honest sample");
    write_sample(&work, &sample)?;
    let chain = work.join(NAME);
    let online = demo_key("online");
    let mut keys = std::collections::BTreeMap::new();
    keys.insert("root", (vec![demo_key("root").public().clone()], 1));
    keys.insert("targets", (vec![demo_key("targets").public().clone()], 1));
    keys.insert("snapshot", (vec![online.public().clone()], 1));
    keys.insert("timestamp", (vec![online.public().clone()], 1));
    let repo_dir = dir.join("repo");
    let mut repo = TufRepo::init(&repo_dir, &keys, true, time(EXPIRES))?;
    repo.delegate_bins(
        "targets",
        2,
        "bins",
        &[online.public().clone()],
        1,
        time(EXPIRES),
    )?;
    let layout = format!("{DISTRIBUTED_PREFIX}layout.yml");
    repo.add_target(&chain.join("layout.yml"), &layout, Some("targets"), None)?;
    let mut listed = vec![layout];
    let mut evidence: Vec<_> = std::fs::read_dir(&chain)
        .map_err(|source| SampleError::Write {
            path: chain.clone(),
            source,
        })?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    evidence.sort();
    for file in evidence {
        let name = file.file_name().unwrap_or_default().to_string_lossy();
        let path = format!("{DISTRIBUTED_PREFIX}{name}");
        repo.add_target(&file, &path, None, None)?;
        listed.push(path);
    }
    let package = work.join(PACKAGE);
    write(&package, &package_of(FOO_BY_ALICE))?;
    repo.add_target(&package, PACKAGE, None, Some(json!({"in-toto": listed})))?;
    change(&mut repo, &work, &listed);
    for signer in ["root", "targets", "online"] {
        repo.sign_every_role(&demo_key(signer), time(GENERATED_AT))?;
    }
    let options = PublishOptions {
        now: time(GENERATED_AT),
        online_keys: vec![online],
        snapshot_expires: time(EXPIRES),
        timestamp_expires: time(EXPIRES),
    };
    repo.publish(&options, &mut AtomicWriter::default())?;
    Ok(repo_dir)
}

/// The `*.json` files of an attestation sample's folder, by name and sorted: what `attest
/// verify` takes as its attestations (tests read folders this way).
#[cfg(test)]
pub(crate) fn folder_attestations(folder: &Path) -> Vec<(String, Vec<u8>)> {
    let mut attestations: Vec<(String, Vec<u8>)> = std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect();
    attestations.sort();
    attestations
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attest::verify::{AttestRequest, verify_attestations};
    use crate::trace::Verdict;

    /// Each sample verified as `chainscope attest verify` and the app verify it: the honest
    /// one passes with nothing skipped or warned; each attack fails first at its named check.
    #[test]
    fn each_attestation_sample_ends_as_its_readme_says() {
        let dir = tempfile::tempdir().unwrap();
        for sample in samples() {
            write_sample(dir.path(), &sample).unwrap();
            let folder = dir.path().join(sample.name);
            let attestations = folder_attestations(&folder);
            let layout = std::fs::read(folder.join("layout.yml")).unwrap();
            let trace = verify_attestations(&AttestRequest {
                layout_name: "layout.yml",
                layout: &layout,
                layout_keys: &[],
                attestations: &attestations,
                parameters: &Default::default(),
                now: super::super::time(super::super::GENERATED_AT),
                trusted_root: None,
            })
            .unwrap();
            match sample.fails_at {
                None => {
                    assert_eq!(trace.verdict(), Verdict::Pass, "{}", trace.render_text());
                    // Only the unsigned layout is worth a warning.
                    assert_eq!(trace.warnings().len(), 1, "{}", trace.render_text());
                    assert!(trace.skipped().is_empty());
                }
                Some((check, subject)) => {
                    let (_, failed) = trace.first_failure().unwrap_or_else(|| {
                        panic!("{} did not fail:\n{}", sample.name, trace.render_text())
                    });
                    assert_eq!(
                        (failed.id, failed.subject.to_string().as_str()),
                        (check, subject),
                        "{}",
                        sample.name
                    );
                }
            }
        }
    }
}
