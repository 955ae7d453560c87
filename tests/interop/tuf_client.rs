//! The TUF client workflow side by side with python-tuf's ngclient: every scenario that
//! `tests/reference/tuf_ref.py` builds with the Metadata API is judged by both, with the same
//! verdict and failure kind, except where chainscope is deliberately different (the scenario
//! says why, and the test checks the difference is really there).

use std::collections::BTreeMap;
use std::path::Path;

use chainscope::time::UtcTime;
use chainscope::trace::{Outcome, Trace};
use chainscope::tuf::client::ClientConfig;
use chainscope::tuf::verify::{RepositoryReport, VerifyRequest, verify_repository};
use serde_json::Value;

use crate::{path_str, reference_script, temp_dir};

/// Builds every scenario and has python-tuf judge them; returns the folder and its verdicts.
pub fn scenarios() -> (tempfile::TempDir, BTreeMap<String, Value>) {
    let dir = temp_dir();
    reference_script("tuf_ref.py", &["scenarios", path_str(dir.path())]);
    reference_script("tuf_ref.py", &["judge", path_str(dir.path())]);
    let text = std::fs::read_to_string(dir.path().join("reference.json")).unwrap();
    let verdicts: BTreeMap<String, Value> = serde_json::from_str(&text).unwrap();
    (dir, verdicts)
}

pub fn spec(folder: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(folder.join("scenario.json")).unwrap()).unwrap()
}

pub fn request(folder: &Path) -> VerifyRequest {
    let spec = spec(folder);
    VerifyRequest {
        repo: path_str(&folder.join("repo")).to_owned(),
        root: Some(folder.join(spec["root"].as_str().unwrap())),
        trusted_dir: spec["trusted"]
            .as_bool()
            .unwrap()
            .then(|| folder.join("trusted")),
        targets: spec["targets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap().to_owned())
            .collect(),
        every_role: spec["all"].as_bool().unwrap(),
        now: UtcTime::parse_metadata(spec["now"].as_str().unwrap()).unwrap(),
        config: ClientConfig::default(),
    }
}

pub fn run(folder: &Path) -> RepositoryReport {
    verify_repository(&request(folder)).unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
}

/// `pass`, or the failure kind as python-tuf names it (`TargetNotFound` when no role
/// vouches for the target, which python-tuf reports as `None`).
pub fn verdict(trace: &Trace) -> (String, Option<String>) {
    match trace.first_failure() {
        None => ("pass".to_owned(), None),
        Some((_, check)) => {
            let Outcome::Fail { failure } = &check.outcome else {
                unreachable!()
            };
            let kind = match (&failure.kind, check.id) {
                (None, "tuf.5.7.2") => "TargetNotFound".to_owned(),
                (Some(kind), _) => kind.clone(),
                (None, id) => panic!("a failure without a kind at {id}: {}", failure.message),
            };
            ("fail".to_owned(), Some(kind))
        }
    }
}

#[test]
fn every_scenario_is_judged_as_python_tuf_judges_it() {
    let (dir, reference) = scenarios();
    assert!(reference.len() >= 45, "{} scenarios", reference.len());
    let mut mismatches = Vec::new();
    let mut differences = 0;
    for (name, theirs) in &reference {
        let folder = dir.path().join(name);
        let report = run(&folder);
        let ours = verdict(&report.trace);
        let theirs = (
            theirs["verdict"].as_str().unwrap().to_owned(),
            theirs["kind"].as_str().map(str::to_owned),
        );
        let differs = spec(&folder)["differs"].as_str().map(str::to_owned);
        match differs {
            Some(why) => {
                differences += 1;
                if ours == theirs {
                    mismatches.push(format!(
                        "{name}: said to differ ({why}) but both say {ours:?}"
                    ));
                }
            }
            None if ours != theirs => mismatches.push(format!(
                "{name}: chainscope {ours:?}, python-tuf {theirs:?}\n{}",
                report.trace.render_text()
            )),
            None => {}
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n\n"));
    assert!(differences >= 4, "the deliberate differences are exercised");
}
