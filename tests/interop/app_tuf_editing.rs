//! A repository edited through the app's TUF editor (add a target, two signatures for a
//! threshold of 2, publish), then refreshed and downloaded by python-tuf's ngclient and by
//! chainscope's own client.

use std::collections::BTreeMap;
use std::sync::Arc;

use chainscope::app::dialog::NoDialog;
use chainscope::app::{ChainscopeApp, Command, KeyChoice, TufEditorCommand};
use chainscope::edit::tuf::TufRepo;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;

use crate::gui::{click, idle, settle};
use crate::temp_dir;
use crate::tuf_editor::{ClientDir, far, key, now, public};
use crate::tuf_http::{Mode, serve};

#[test]
fn a_repository_edited_and_published_in_the_app_is_accepted_by_ngclient() {
    let dir = temp_dir();
    let repo_dir = dir.path().join("repo");
    let mut keys = BTreeMap::new();
    keys.insert("root", (public(&["root"]), 1));
    keys.insert("targets", (public(&["t1", "t2"]), 2));
    keys.insert("snapshot", (public(&["online"]), 1));
    keys.insert("timestamp", (public(&["online"]), 1));
    let mut repo = TufRepo::init(&repo_dir, &keys, true, far()).unwrap();
    repo.save_staged().unwrap();
    let key_files = dir.path().join("keys");
    std::fs::create_dir(&key_files).unwrap();
    for name in ["root", "t1", "t2", "online"] {
        std::fs::write(
            key_files.join(name),
            key(name).to_pkcs8_pem().unwrap().as_bytes(),
        )
        .unwrap();
    }
    std::fs::write(dir.path().join("hello.txt"), "hello from the app\n").unwrap();

    let mut app = ChainscopeApp::new(Arc::new(NoDialog), None);
    app.state.now = Some(now());
    app.push(Command::TufEditor(TufEditorCommand::Open(repo_dir.clone())));
    app.push(Command::TufEditor(TufEditorCommand::AddTarget {
        file: dir.path().join("hello.txt"),
        path: "hello.txt".into(),
        role: None,
    }));
    app.push(Command::TufEditor(TufEditorCommand::Sign {
        role: "root".into(),
        key_file: key_files.join("root"),
        passphrase: None,
    }));
    app.push(Command::TufEditor(TufEditorCommand::Sign {
        role: "targets".into(),
        key_file: key_files.join("t1"),
        passphrase: None,
    }));
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_ui_state(|ui, app: &mut ChainscopeApp| app.frame_ui(ui), app);
    idle(&mut harness);
    let targets = |harness: &Harness<'_, ChainscopeApp>| {
        let status = &harness.state().state.tuf_editor.status;
        let role = status.iter().find(|r| r.role == "targets").unwrap();
        (role.report.counted_len(), role.report.missing.len())
    };
    assert_eq!(
        targets(&harness),
        (1, 1),
        "one of two signatures, t2 still to sign"
    );
    harness.get_by_label("1 of 2");

    // Not yet: publishing is refused and says which signature is missing.
    let online = vec![key_files.join("online")];
    harness
        .state_mut()
        .push(Command::TufEditor(TufEditorCommand::Publish {
            online_keys: online.clone(),
        }));
    idle(&mut harness);
    let (ok, message) = harness.state().state.tuf_editor.message.clone().unwrap();
    assert!(!ok && message.contains("targets"), "{message}");
    assert!(!repo_dir.join("metadata/timestamp.json").exists());

    harness
        .state_mut()
        .push(Command::TufEditor(TufEditorCommand::Sign {
            role: "targets".into(),
            key_file: key_files.join("t2"),
            passphrase: None,
        }));
    idle(&mut harness);
    assert_eq!(targets(&harness), (2, 0));
    harness.get_by_label("2 of 2");
    harness
        .state_mut()
        .push(Command::TufEditor(TufEditorCommand::Publish {
            online_keys: online,
        }));
    idle(&mut harness);
    let (ok, message) = harness.state().state.tuf_editor.message.clone().unwrap();
    assert!(ok, "{message}");
    assert!(repo_dir.join("metadata/timestamp.json").exists());

    // Version 2: a delegation to dev with a target of its own, targets signed once here and
    // once offline (exported bytes, a signature made elsewhere, imported after a check).
    std::fs::write(
        key_files.join("dev"),
        key("dev").to_pkcs8_pem().unwrap().as_bytes(),
    )
    .unwrap();
    std::fs::write(key_files.join("dev.pub"), key("dev").public_pem()).unwrap();
    std::fs::write(key_files.join("t2.pub"), key("t2").public_pem()).unwrap();
    std::fs::create_dir(dir.path().join("dev")).unwrap();
    std::fs::write(dir.path().join("dev/tool.txt"), "a dev tool\n").unwrap();
    let to_sign = dir.path().join("targets.bytes");
    let commands = [
        TufEditorCommand::Delegate {
            delegator: "targets".into(),
            name: "dev".into(),
            keys: vec![KeyChoice::File(key_files.join("dev.pub"))],
            threshold: 1,
            paths: vec!["dev/*".into()],
            prefixes: vec![],
            terminating: true,
            bins: None,
        },
        TufEditorCommand::AddTarget {
            file: dir.path().join("dev/tool.txt"),
            path: "dev/tool.txt".into(),
            role: None,
        },
        TufEditorCommand::Diff {
            role: "targets".into(),
        },
        TufEditorCommand::Sign {
            role: "targets".into(),
            key_file: key_files.join("t1"),
            passphrase: None,
        },
        TufEditorCommand::Sign {
            role: "dev".into(),
            key_file: key_files.join("dev"),
            passphrase: None,
        },
        TufEditorCommand::ExportBytes {
            role: "targets".into(),
            path: to_sign.clone(),
        },
    ];
    for command in commands {
        harness.state_mut().push(Command::TufEditor(command));
        idle(&mut harness);
        let (ok, message) = harness.state().state.tuf_editor.message.clone().unwrap();
        assert!(ok, "{message}");
    }
    let (role, diff) = harness.state().state.tuf_editor.diff.clone().unwrap();
    assert_eq!(role, "targets");
    assert!(diff.iter().any(|line| line.contains("dev")), "{diff:?}");
    let signature = dir.path().join("targets.sig");
    std::fs::write(
        &signature,
        hex::encode(key("t2").sign(&std::fs::read(&to_sign).unwrap()).unwrap()),
    )
    .unwrap();
    harness
        .state_mut()
        .push(Command::TufEditor(TufEditorCommand::ImportSignature {
            role: "targets".into(),
            signature_file: signature,
            key_file: key_files.join("t2.pub"),
        }));
    idle(&mut harness);
    let (ok, message) = harness.state().state.tuf_editor.message.clone().unwrap();
    assert!(ok, "{message}");
    assert_eq!(targets(&harness), (2, 0));
    harness
        .state_mut()
        .push(Command::TufEditor(TufEditorCommand::Publish {
            online_keys: vec![key_files.join("online")],
        }));
    idle(&mut harness);
    let (ok, message) = harness.state().state.tuf_editor.message.clone().unwrap();
    assert!(ok, "{message}");

    let server = serve(Mode::Files(repo_dir.clone()));
    let trusted_root = repo_dir.join("metadata/1.root.json");
    let expected = BTreeMap::from([
        ("hello.txt".to_owned(), "hello from the app\n".to_owned()),
        ("dev/tool.txt".to_owned(), "a dev tool\n".to_owned()),
    ]);
    for ours in [false, true] {
        ClientDir::new(dir.path(), ours, &trusted_root).download_all(&server.url(), &expected);
    }
}

/// The demo repository edited as its owner would, at 1024×700, by clicks: *Edit the open
/// repository*, a target added (into the bin its path hashes to), that bin signed from its
/// pending row with the online key the dialog offers first, publish confirmed after the
/// dialog showed the change; ngclient and chainscope's client download the new target.
#[test]
fn the_demo_repository_gets_a_target_by_clicks_and_ngclient_downloads_it() {
    let dir = temp_dir();
    chainscope::samples::write_one(dir.path(), "talk-alice-bob").unwrap();
    let sample = dir.path().join("talk-alice-bob");
    let repo_dir = sample.join("repo");
    // The demo's keys are public (they are in the source); the owner keeps them in keys/.
    std::fs::create_dir(sample.join("keys")).unwrap();
    let online = sample.join("keys/online");
    std::fs::write(
        &online,
        chainscope::samples::demo_key("online")
            .to_pkcs8_pem()
            .unwrap()
            .as_bytes(),
    )
    .unwrap();
    let file = dir.path().join("hello.txt");
    std::fs::write(&file, "hello from the owner\n").unwrap();

    let mut app = ChainscopeApp::new(Arc::new(NoDialog), None);
    app.state.now = Some(now());
    app.push(Command::Open(sample.display().to_string()));
    app.push(Command::ShowTab(chainscope::app::Tab::TufEditor));
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1024.0, 700.0))
        .build_ui_state(|ui, app: &mut ChainscopeApp| app.frame_ui(ui), app);
    settle(&mut harness, "the demo loads", |app| !app.is_busy());
    click(&mut harness, "Edit the open repository");
    assert!(harness.state().state.tuf_editor.repo.is_some());

    let field = harness.get_by_label("Target file:");
    field.focus();
    field.type_text(&file.display().to_string());
    harness.run_steps(2);
    click(&mut harness, "Add target");
    let (ok, message) = harness.state().state.tuf_editor.message.clone().unwrap();
    assert!(ok, "{message}");
    let bin = harness
        .state()
        .state
        .tuf_editor
        .status
        .iter()
        .find(|r| !r.ready())
        .map(|r| r.role.clone())
        .expect("the bin with the new target waits for a signature");
    assert!(bin.starts_with("bins-"), "{bin}");

    // Its pending row: Sign now…, the online key offered first as one still to sign.
    click(&mut harness, "Sign now…");
    assert!(
        harness.state().state.sign_dialog.is_some(),
        "{:?}",
        harness.state().state.tuf_editor.message
    );
    settle(&mut harness, "the signing dialog's keys", |app| {
        app.state
            .sign_dialog
            .as_ref()
            .is_some_and(|d| d.candidates.is_some())
    });
    harness.run_steps(3);
    harness.get_by_label(&format!("Sign {bin}"));
    let chosen = harness
        .state()
        .state
        .sign_dialog
        .as_ref()
        .unwrap()
        .path_text
        .clone();
    assert_eq!(chosen, online.display().to_string());
    harness.get_by_label_contains("· still to sign");
    click(&mut harness, "Sign");
    assert!(harness.state().state.sign_dialog.is_none());
    assert!(
        harness
            .state()
            .state
            .tuf_editor
            .status
            .iter()
            .all(|r| r.ready())
    );

    // Publish asks first, showing what changes and the online key it found beside the
    // repository (in the project's keys/).
    click(&mut harness, "Publish…");
    assert!(
        harness.state().state.tuf_editor.publish_confirm.is_some(),
        "{:?}",
        harness.state().state.tuf_editor.message
    );
    harness.get_by_label("Signed online with: online");
    harness.get_by_label("Publish these changes?");
    harness.get_by_label_contains(&format!("{bin}: "));
    assert!(harness.state().state.tuf_editor.working.is_none());
    harness.get_by_label("Publish").click();
    idle(&mut harness);
    let (ok, message) = harness.state().state.tuf_editor.message.clone().unwrap();
    assert!(ok, "{message}");

    let server = serve(Mode::Files(repo_dir.clone()));
    let trusted_root = sample.join("trusted/root.json");
    let expected = BTreeMap::from([("hello.txt".to_owned(), "hello from the owner\n".to_owned())]);
    for ours in [false, true] {
        ClientDir::new(dir.path(), ours, &trusted_root).download_all(&server.url(), &expected);
    }
}
