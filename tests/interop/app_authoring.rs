//! A layout authored and signed entirely through the app's editor commands (the same ones its
//! buttons push), then judged by in-toto's own verification.

use std::sync::Arc;

use chainscope::app::dialog::NoDialog;
use chainscope::app::{ChainscopeApp, Command, EditorCommand};
use chainscope::crypto::PrivateKey;
use chainscope::edit::layout::LayoutAction;
use chainscope::intoto::ArtifactRule;
use chainscope::intoto::run::{options_for, record_start, record_stop};
use chainscope::time::UtcTime;
use chainscope::trace::{RuleList, Verdict};
use egui_kittest::Harness;

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
    app.state.now = Some(UtcTime::parse_rfc3339("2026-12-01T00:00:00Z").unwrap());
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
    harness.run_steps(4);
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
        &chainscope::workspace::LoadOptions::new(
            UtcTime::parse_rfc3339("2026-12-01T00:00:00Z").unwrap(),
        ),
    )
    .unwrap();
    assert_eq!(
        opened.verdict(),
        Some(Verdict::Pass),
        "{}",
        opened.summary()
    );
}
