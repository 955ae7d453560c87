//! A layout authored and signed entirely through the app's editor commands (the same ones its
//! buttons push), then judged by in-toto's own verification.

use std::sync::Arc;

use chainscope::app::dialog::NoDialog;
use chainscope::app::{ChainscopeApp, Command, EditorCommand, Tab};
use chainscope::crypto::PrivateKey;
use chainscope::edit::layout::LayoutAction;
use chainscope::intoto::ArtifactRule;
use chainscope::intoto::run::{options_for, record_start, record_stop};
use chainscope::intoto::verify::{InspectionMode, VerifyOptions, verify_layout_file};
use chainscope::time::UtcTime;
use chainscope::trace::{RuleList, Verdict};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;

use crate::gui::{click, enter, idle, settle, type_into};
use crate::{path_str, reference, temp_dir};

#[test]
fn a_layout_authored_in_the_app_passes_in_toto_verify() {
    let dir = temp_dir();
    let (keys, chain) = (dir.path().join("keys"), dir.path().join("chain"));
    std::fs::create_dir_all(&keys).unwrap();
    std::fs::create_dir_all(&chain).unwrap();
    let owner = PrivateKey::ed25519_from_seed(&[21; 32]);
    let alice = PrivateKey::ed25519_from_seed(&[22; 32]);
    std::fs::write(keys.join("owner"), owner.to_pkcs8_pem().unwrap().as_bytes()).unwrap();
    std::fs::write(keys.join("owner.pub"), owner.public_pem()).unwrap();
    std::fs::write(keys.join("alice.pub"), alice.public_pem()).unwrap();

    let mut app = ChainscopeApp::new(Arc::new(NoDialog), None);
    // The layout expires a year after this; in-toto-verify judges that by the real clock.
    app.state.now = Some(UtcTime::now());
    let rule =
        |text: &str| ArtifactRule::parse(&text.split_whitespace().collect::<Vec<_>>()).unwrap();
    let edits = [
        LayoutAction::AddStep {
            name: "build".into(),
            at: None,
        },
        LayoutAction::AddRule {
            owner: "build".into(),
            list: RuleList::ExpectedProducts,
            rule: rule("CREATE out.txt"),
            at: None,
        },
        LayoutAction::AddRule {
            owner: "build".into(),
            list: RuleList::ExpectedProducts,
            rule: rule("DISALLOW *"),
            at: None,
        },
    ];
    app.push(Command::Editor(EditorCommand::New(None)));
    for action in edits {
        app.push(Command::Editor(EditorCommand::Apply(action)));
    }
    app.push(Command::Editor(EditorCommand::AddFunctionary {
        step: "build".into(),
        key_file: keys.join("alice.pub"),
    }));
    app.push(Command::Editor(EditorCommand::Sign {
        key_file: keys.join("owner"),
        passphrase: None,
    }));
    app.push(Command::Editor(EditorCommand::Save(
        chain.join("root.layout"),
    )));
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_ui_state(|ui, app: &mut ChainscopeApp| app.frame_ui(ui), app);
    idle(&mut harness);
    let message = harness.state().state.layout_editor.message.clone();
    assert_eq!(
        message,
        Some((
            true,
            format!("Saved {}.", chain.join("root.layout").display())
        ))
    );

    // Alice does the step, recorded by chainscope's own recorder.
    let mut options = options_for("build", &chain);
    record_start(&options, &alice).unwrap();
    std::fs::write(chain.join("out.txt"), "built\n").unwrap();
    options.products = vec!["out.txt".into()];
    record_stop(&options, &alice).unwrap();

    let scratch = temp_dir();
    let manifest = scratch.path().join("manifest.json");
    std::fs::write(
        &manifest,
        serde_json::to_vec(&serde_json::json!([{"name": "authored in the app",
            "folder": chain, "layout_keys": [keys.join("owner.pub")], "params": {}}]))
        .unwrap(),
    )
    .unwrap();
    let answer: serde_json::Value =
        serde_json::from_str(&reference(&["verify-chains", path_str(&manifest)])).unwrap();
    assert_eq!(
        answer[0]["kind"],
        serde_json::Value::Null,
        "in-toto refused it: {answer}"
    );

    // And chainscope agrees, opening the folder as the app does.
    std::fs::copy(keys.join("owner.pub"), chain.join("owner.pub")).unwrap();
    let source = chainscope::workspace::detect(path_str(&chain)).unwrap();
    let opened = chainscope::workspace::load(
        &source,
        &chainscope::workspace::LoadOptions::new(UtcTime::now()),
    )
    .unwrap();
    assert_eq!(
        opened.verdict(),
        Some(Verdict::Pass),
        "{}",
        opened.summary()
    );
}

/// The owner's whole flow at 1024×700, by clicks and typing only: the create → update → build
/// template, a step added with two rules, functionaries from the project's keys, signed with
/// the owner's key picked by name in the signing dialog, saved into the final-product folder.
/// The functionaries then carry out the chain with in-toto's own `in-toto-run`, and
/// `in-toto-verify` accepts the layout (its inspection runs `tar` on the package); chainscope
/// judges it the same.
#[test]
fn the_template_extended_and_signed_by_clicks_passes_in_toto_verify() {
    let dir = temp_dir();
    let (keys, work, final_product) = (
        dir.path().join("keys"),
        dir.path().join("work"),
        dir.path().join("final"),
    );
    for folder in [&keys, &work, &final_product] {
        std::fs::create_dir_all(folder).unwrap();
    }
    let mut key_ids = std::collections::BTreeMap::new();
    for (name, seed) in [("owner", 31), ("alice", 32), ("bob", 33)] {
        let key = PrivateKey::ed25519_from_seed(&[seed; 32]);
        std::fs::write(keys.join(name), key.to_pkcs8_pem().unwrap().as_bytes()).unwrap();
        std::fs::write(keys.join(format!("{name}.pub")), key.public_pem()).unwrap();
        key_ids.insert(name, key.public().keyid().to_owned());
    }

    let mut app = ChainscopeApp::new(Arc::new(NoDialog), None);
    // in-toto-verify judges expiry by the real clock.
    app.state.now = Some(UtcTime::now());
    app.push(Command::ShowTab(Tab::LayoutEditor));
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1024.0, 700.0))
        .build_ui_state(|ui, app: &mut ChainscopeApp| app.frame_ui(ui), app);
    harness.run_steps(4);
    click(&mut harness, "New from template: create → update → build");
    type_into(&mut harness, "New step:", "test");
    enter(&mut harness);
    // The new step's materials: the package, and nothing else.
    click(&mut harness, "ALLOW");
    type_into(&mut harness, "Pattern:", "project.tar.gz");
    enter(&mut harness);
    click(&mut harness, "DISALLOW");
    type_into(&mut harness, "Pattern:", "*");
    click(&mut harness, "Add rule");
    for (step, who) in [
        ("create", "alice"),
        ("update", "bob"),
        ("build", "alice"),
        ("test", "alice"),
    ] {
        click(&mut harness, step);
        let key = keys.join(format!("{who}.pub"));
        type_into(&mut harness, "Key file:", &key.display().to_string());
        enter(&mut harness);
    }
    let layout = harness
        .state()
        .state
        .layout_editor
        .document
        .as_ref()
        .unwrap()
        .layout()
        .clone();
    let names: Vec<&str> = layout.steps().iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["create", "update", "build", "test"]);
    let test = &layout.steps()[3];
    assert_eq!(
        test.expected_materials()
            .iter()
            .map(|entry| entry.rule.to_string())
            .collect::<Vec<_>>(),
        ["ALLOW project.tar.gz", "DISALLOW *"]
    );
    assert!(layout.steps().iter().all(|s| s.pubkeys().len() == 1));

    // Signed with the owner's key, picked by its name among the project's keys.
    let out = final_product.join("root.layout");
    type_into(&mut harness, "Save as:", &out.display().to_string());
    click(&mut harness, "Sign…");
    settle(&mut harness, "the signing dialog's keys", |app| {
        app.state
            .sign_dialog
            .as_ref()
            .is_some_and(|d| d.candidates.is_some())
    });
    click(
        &mut harness,
        &format!(
            "owner ({})",
            chainscope::crypto::threshold::short(&key_ids["owner"])
        ),
    );
    click(&mut harness, "Sign");
    assert!(
        harness.state().state.sign_dialog.is_none(),
        "{:?}",
        harness.state().state.sign_dialog.as_ref().map(|d| &d.error)
    );
    harness.get_by_label("1 signature");
    click(&mut harness, "Save the layout");
    assert_eq!(
        harness.state().state.layout_editor.message,
        Some((true, format!("Saved {}.", out.display())))
    );

    // The functionaries carry out the chain with in-toto-run; the package, the links and
    // the layout meet in the final-product folder.
    let in_toto = |tool: &str| crate::reference_python().with_file_name(tool);
    let run = |step: &str, who: &str, materials: &[&str], products: &[&str], command: &str| {
        let mut args = vec![
            "-n".to_owned(),
            step.to_owned(),
            "--signing-key".to_owned(),
            keys.join(who).display().to_string(),
        ];
        for (flag, paths) in [("-m", materials), ("-p", products)] {
            if !paths.is_empty() {
                args.push(flag.to_owned());
                args.extend(paths.iter().map(|p| (*p).to_owned()));
            }
        }
        args.extend(["--", "sh", "-c", command].map(str::to_owned));
        let output = std::process::Command::new(in_toto("in-toto-run"))
            .args(&args)
            .current_dir(&work)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "in-toto-run {step}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    run(
        "create",
        "alice",
        &[],
        &["project"],
        "mkdir project && echo 'VERSION = 1' > project/foo.py",
    );
    run(
        "update",
        "bob",
        &["project"],
        &["project"],
        "echo 'VERSION = 2' > project/foo.py",
    );
    run(
        "build",
        "alice",
        &["project"],
        &["project.tar.gz"],
        "tar czf project.tar.gz project",
    );
    run(
        "test",
        "alice",
        &["project.tar.gz"],
        &[],
        "tar tzf project.tar.gz",
    );
    for entry in std::fs::read_dir(&work).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        if name.ends_with(".link") || name == "project.tar.gz" {
            std::fs::copy(&path, final_product.join(name)).unwrap();
        }
    }

    let output = std::process::Command::new(in_toto("in-toto-verify"))
        .args(["-l", "root.layout", "--verification-keys"])
        .arg(keys.join("owner.pub"))
        .current_dir(&final_product)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "in-toto-verify refused the layout: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );

    // chainscope agrees, running the inspection as in-toto-verify does (in a fresh copy: the
    // reference's run left the unpacked project behind).
    let copy = dir.path().join("final-again");
    std::fs::create_dir(&copy).unwrap();
    for entry in std::fs::read_dir(&work).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        if name.ends_with(".link") || name == "project.tar.gz" {
            std::fs::copy(&path, copy.join(name)).unwrap();
        }
    }
    std::fs::copy(&out, copy.join("root.layout")).unwrap();
    let owner = chainscope::crypto::keyfile::read_key_file(&keys.join("owner.pub"), None)
        .unwrap()
        .public()
        .clone();
    let trace = verify_layout_file(
        &copy.join("root.layout"),
        &VerifyOptions {
            now: UtcTime::now(),
            layout_keys: vec![owner],
            link_dir: copy.clone(),
            artifacts_dir: copy.clone(),
            parameters: Default::default(),
            inspections: InspectionMode::Run {
                timeout: std::time::Duration::from_secs(10),
            },
        },
    )
    .unwrap();
    assert_eq!(trace.verdict(), Verdict::Pass, "{trace:?}");
}
