//! Metadata written by python-tuf and in-toto, inspected by chainscope: the same signatures
//! judged valid, the same missing signature found, a tampered file caught.

use std::path::Path;

use chainscope::crypto::{SignatureStatus, VerifyFailure};
use chainscope::inspect::{DocumentKind, FileReport, SignatureSection, inspect_file};
use serde_json::Value;

use crate::{path_str, reference, temp_dir};

fn checked(report: &FileReport) -> &chainscope::crypto::ThresholdReport {
    match &report.signatures {
        SignatureSection::Checked { report, .. } => report,
        SignatureSection::Unchecked { why, .. } => {
            panic!("{}: not checked: {why}", report.path.display())
        }
    }
}

fn inspect(dir: &Path, name: &str) -> FileReport {
    inspect_file(&dir.join(name)).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn python_tuf_repository_signatures_are_judged_like_python_tuf() {
    let dir = temp_dir();
    reference(&["tuf-repo", path_str(dir.path())]);

    let root = inspect(dir.path(), "root.json");
    assert_eq!(root.kind, DocumentKind::TufRoot);
    assert_eq!(checked(&root).counted_len(), 2);
    assert!(checked(&root).is_met());
    assert_eq!(root.keys.len(), 5);
    assert!(
        root.notes.is_empty(),
        "python-tuf keyids match the formula: {:?}",
        root.notes
    );

    for (name, kind) in [
        ("targets.json", DocumentKind::TufTargets),
        ("role1.json", DocumentKind::TufTargets),
        ("snapshot.json", DocumentKind::TufSnapshot),
        ("timestamp.json", DocumentKind::TufTimestamp),
    ] {
        let report = inspect(dir.path(), name);
        assert_eq!(report.kind, kind, "{name}");
        assert!(
            checked(&report).is_met(),
            "{name}: {}",
            report.render_text()
        );
    }
    let role1 = inspect(dir.path(), "role1.json");
    let SignatureSection::Checked { against, .. } = &role1.signatures else {
        unreachable!()
    };
    assert!(
        against.contains("targets.json delegates role role1"),
        "{against}"
    );

    // One of two root keys signed: below threshold, and the missing signer is named.
    let half = inspect(dir.path(), "half-signed-root.json");
    let report = checked(&half);
    assert!(!report.is_met());
    assert_eq!(report.counted_len(), 1);
    assert_eq!(report.missing.len(), 1);

    // Change what `signed` says without re-signing: the signature no longer verifies.
    let path = dir.path().join("targets.json");
    let mut targets: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    targets["signed"]["targets"]["file.txt"]["length"] = 7.into();
    std::fs::write(&path, serde_json::to_vec_pretty(&targets).unwrap()).unwrap();
    let tampered = inspect(dir.path(), "targets.json");
    let report = checked(&tampered);
    assert!(!report.is_met());
    assert_eq!(
        report.checks[0].status,
        SignatureStatus::Invalid(VerifyFailure::BadSignature)
    );

    // Reformatting without changing content keeps the signature valid: only canonical bytes count.
    let path = dir.path().join("snapshot.json");
    let snapshot: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    std::fs::write(&path, serde_json::to_vec(&snapshot).unwrap()).unwrap();
    assert!(checked(&inspect(dir.path(), "snapshot.json")).is_met());
}

#[test]
fn in_toto_layout_and_links_are_judged_like_in_toto() {
    let dir = temp_dir();
    let ids: Value = serde_json::from_str(&reference(&["intoto", path_str(dir.path())])).unwrap();
    let alice = ids["alice"].as_str().unwrap();
    let owner = ids["owner"].as_str().unwrap();

    let layout = inspect(dir.path(), "root.layout");
    assert_eq!(layout.kind, DocumentKind::Layout);
    assert_eq!(checked(&layout).counted(), [owner]);
    assert_eq!(layout.keys.len(), 3);
    let listed = layout
        .keys
        .iter()
        .find(|l| l.key.keyid() == alice)
        .expect("alice is listed");
    assert_eq!(listed.used_by, ["step write-code"]);

    let link_name = format!("write-code.{}.link", &alice[..8]);
    for folder in [dir.path().to_owned(), dir.path().join("dsse")] {
        let link = inspect(&folder, &link_name);
        assert_eq!(link.kind, DocumentKind::Link);
        assert_eq!(checked(&link).counted(), [alice], "{}", folder.display());
    }
    assert_eq!(
        inspect(&dir.path().join("dsse"), &link_name).envelope,
        "DSSE"
    );

    // A link signed by someone who is not a functionary of the step.
    let path = dir.path().join(&link_name);
    let mut link: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    link["signatures"][0]["keyid"] = owner.into();
    std::fs::write(&path, serde_json::to_vec(&link).unwrap()).unwrap();
    let report = inspect(dir.path(), &link_name);
    assert_eq!(checked(&report).unknown(), [owner]);
    assert!(!checked(&report).is_met());
}
