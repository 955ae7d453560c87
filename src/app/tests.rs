//! The app driven headless through egui_kittest: what a user clicks and types, what the
//! window then shows. No GPU, no dialog, no display.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use egui::Key;
use egui_kittest::Harness;
use egui_kittest::kittest::NodeT as _;
use egui_kittest::kittest::Queryable as _;
use serde_json::json;

use super::*;
use crate::app::panels::attest_editor::AttestEditorCommand;
use crate::cjson;
use crate::crypto::PrivateKey;

fn sample(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample-repos")
        .join(name)
        .display()
        .to_string()
}

fn app() -> ChainscopeApp {
    let mut app = ChainscopeApp::new(Arc::new(dialog::NoDialog), None);
    app.state.now = Some(UtcTime::parse_rfc3339("2026-12-01T00:00:00Z").unwrap());
    app
}

/// `name` written into a temporary folder the app knows it wrote in this run, as `main` does
/// with the demo it opens at start: its inspections run without asking.
fn written_this_run(app: &mut ChainscopeApp, name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    crate::samples::write_one(dir.path(), name).unwrap();
    app.state.forget_under = Some(dir.path().to_owned());
    let folder = dir.path().join(name);
    (dir, folder)
}

fn harness(app: ChainscopeApp) -> Harness<'static, ChainscopeApp> {
    harness_at(app, 1400.0, 900.0)
}

/// The app in a window of this size.
fn harness_at(app: ChainscopeApp, width: f32, height: f32) -> Harness<'static, ChainscopeApp> {
    Harness::builder()
        .with_size(egui::vec2(width, height))
        .build_ui_state(|ui, app: &mut ChainscopeApp| app.frame_ui(ui), app)
}

/// Steps frames until `done` holds, waiting between frames on the app's own events (a worker's
/// answer, a file change, its debounce or replay timer), never on a clock of the test's; fails
/// naming `what` after a minute without it.
fn settle_until(
    harness: &mut Harness<'_, ChainscopeApp>,
    what: &str,
    done: impl Fn(&ChainscopeApp) -> bool,
) {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        harness.step();
        if done(harness.state()) {
            harness.run_steps(3);
            return;
        }
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        assert!(!left.is_zero(), "{what}: not within a minute");
        harness.state_mut().wait_for_worker(left);
    }
}

/// A window at 1400×900 with the sample open and verified.
fn opened(name: &str) -> Harness<'static, ChainscopeApp> {
    let mut app = app();
    app.push(Command::Open(sample(name)));
    let mut harness = harness(app);
    settle(&mut harness);
    harness
}

/// Steps frames until the worker has answered and nothing is queued.
fn settle(harness: &mut Harness<'_, ChainscopeApp>) {
    settle_until(harness, "the app settles", |app| !app.is_busy());
}

/// Steps frames until the dialog worker has said no dialog service exists.
fn await_dialog_note(harness: &mut Harness<'_, ChainscopeApp>) {
    settle_until(harness, "the note that no dialog exists", |app| {
        app.state.menu.dialog_note.is_some()
    });
}

/// The attestation sample written into a temporary folder (kept while the folder is used).
fn attestation_sample() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let name = crate::samples::attestations::NAME;
    crate::samples::write_named(dir.path(), name).unwrap();
    let folder = dir.path().join(name);
    (dir, folder)
}

/// Steps frames until a change on disk was noticed and its reload is in.
fn await_reload(harness: &mut Harness<'_, ChainscopeApp>) {
    settle_until(harness, "the reload after the change", |app| {
        app.state.changes.is_some() && !app.is_busy()
    });
}

/// A root signed by one of its two root keys (threshold 1), written as a TUF repository would.
fn write_root(dir: &Path) -> PathBuf {
    let (signer, other) = (
        PrivateKey::ed25519_from_seed(&[1; 32]),
        PrivateKey::ed25519_from_seed(&[2; 32]),
    );
    let keys: serde_json::Map<String, serde_json::Value> = [&signer, &other]
        .iter()
        .map(|k| (k.keyid().to_owned(), k.public().to_dict().clone()))
        .collect();
    let role = json!({"keyids": [signer.keyid(), other.keyid()], "threshold": 1});
    let signed = json!({
        "_type": "root", "spec_version": "1.0.31", "version": 1, "expires": "2099-12-31T00:00:00Z",
        "consistent_snapshot": true, "keys": keys,
        "roles": {"root": role, "targets": role, "snapshot": role, "timestamp": role},
    });
    let sig = signer.sign(&cjson::encode(&signed).unwrap()).unwrap();
    let envelope = json!({"signed": signed, "signatures": [{"keyid": signer.keyid(), "sig": hex::encode(sig)}]});
    let path = dir.join("root.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&envelope).unwrap()).unwrap();
    path
}

#[test]
fn a_sample_opens_with_its_tree_and_graph_and_a_step_shows_its_details() {
    let mut harness = opened("talk-alice-bob");
    // Opened from disk: its inspection waits for consent, so nothing says PASS.
    harness.get_by_label("NOT FULLY VERIFIED");
    assert!(
        harness
            .get_all_by_label_contains("not fully verified: 1 inspection not run")
            .next()
            .is_some()
    );
    harness.get_by_label("Run inspections…");
    assert!(harness.query_by_label("PASS").is_none());
    harness.get_by_label("Delegation tree");
    for role in ["root", "timestamp", "snapshot", "targets"] {
        harness.get_by_label(role);
    }
    harness.get_by_label("[+] bins-* · 4 succinct bins");
    for step in [
        "step create",
        "step update",
        "step build",
        "inspection untar",
    ] {
        harness.get_by_label(step);
    }

    click(&mut harness, "step update");
    harness.get_by_label("Step update");
    harness.get_by_label("Threshold: 1 of 1 functionaries");
    harness.get_by_label("Links found: 1");
    harness.get_by_label_contains("(a functionary of this step)");

    // A role shows which of its keys signed.
    click(&mut harness, "targets");
    harness.get_by_label("Role targets");
    harness.get_by_label("valid signature");
}

/// The role the core's own target search finds listing `path` in what is open.
fn vouching_role(harness: &Harness<'_, ChainscopeApp>, path: &str) -> String {
    let workspace = harness.state().state.workspace().unwrap();
    workspace.search(path).unwrap().found.unwrap().0
}

#[test]
fn a_target_search_lights_the_chain_that_vouches_for_it() {
    let mut harness = opened("talk-alice-bob");
    let expected = vouching_role(&harness, "demo-project.tar.gz");

    let field = harness.get_by_label("Find target:");
    field.focus();
    field.type_text("demo-project.tar.gz");
    harness.run_steps(2);
    enter(&mut harness);
    harness.get_by_label(&format!("demo-project.tar.gz is listed by {expected}"));
    harness.get_by_label(&format!("Chain: targets → {expected}"));
    harness.get_by_label("hop 1");
    // The bin group opened by itself and shows the bin as the second hop.
    harness.get_by_label("hop 2");
    harness.get_by_label_contains("(delegated by root): 1 of 1 key:");
    assert!(harness.get_all_by_label(&expected).next().is_some());
    // Details show the role that vouches for it.
    assert_eq!(
        harness.state().state.selection,
        Selection::Role {
            role: expected.clone(),
            delegator: "targets".into()
        }
    );

    let field = harness.get_by_label("Find target:");
    field.focus();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, Key::A);
    field.type_text("not/there.txt");
    harness.run_steps(2);
    enter(&mut harness);
    harness.get_by_label("Nothing vouches for not/there.txt");
    harness.get_by_label("no role on a delegation path that covers it lists it");
}

#[test]
fn an_unreadable_file_gives_the_error_panel_and_the_app_keeps_working() {
    let dir = tempfile::tempdir().unwrap();
    let root = write_root(dir.path()).display().to_string();
    let mut app = app();
    app.push(Command::Open(root.clone()));
    let mut harness = harness(app);
    settle(&mut harness);
    harness.get_by_label("TUF root metadata");
    harness.get_by_label("Signatures: threshold met");
    harness.get_by_label("1 of 1 required signature");

    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        br#"{"signed": {"_type": "root", "keys": "oops", "roles": {}}, "signatures": []}"#,
    )
    .unwrap();
    harness
        .state_mut()
        .push(Command::Open(bad.display().to_string()));
    settle(&mut harness);
    harness.get_by_label("Could not load this file");
    harness.get_by_label(&bad.display().to_string());
    harness.get_by_label(
        "Caused by: field `signed.keys`: invalid type: string \"oops\", expected a map",
    );
    // A failed open is a banner over what was open, which stays.
    harness.get_by_label("What was open stays open.");
    harness.get_by_label("TUF root metadata");
    assert_eq!(
        harness.state().state.current.as_deref(),
        Some(root.as_str())
    );
    click(&mut harness, "Dismiss");
    assert!(harness.query_by_label("Could not load this file").is_none());
    harness.get_by_label("TUF root metadata");

    let missing = dir.path().join("no-such-folder");
    harness
        .state_mut()
        .push(Command::Open(missing.display().to_string()));
    settle(&mut harness);
    harness.get_by_label("Nothing at this path");
    harness.get_by_label(&format!("nothing exists at {}", missing.display()));
    harness.get_by_label("Check the path for a typo, or open something else.");

    // Still working: the good file opens again from the recent list.
    assert_eq!(
        harness.state().state.recent,
        [
            missing.display().to_string(),
            bad.display().to_string(),
            root.clone()
        ]
    );
    harness.state_mut().push(Command::Open(root));
    settle(&mut harness);
    harness.get_by_label("Signatures: threshold met");
}

#[test]
fn a_file_changed_on_disk_is_reloaded_and_the_change_listed() {
    let mut app = app();
    let (_dir, folder) = written_this_run(&mut app, "talk-alice-bob");
    app.push(Command::Open(folder.display().to_string()));
    let mut harness = harness(app);
    settle(&mut harness);
    harness.get_by_label("PASS");

    // The repository's timestamp replaced by one nobody signed.
    let timestamp = folder.join("repo/metadata/timestamp.json");
    let mut value: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&timestamp).unwrap()).unwrap();
    value["signatures"] = json!([]);
    std::fs::write(&timestamp, serde_json::to_vec(&value).unwrap()).unwrap();
    await_reload(&mut harness);
    harness.get_by_label("Changed on disk, reloaded.");
    harness.get_by_label("Verdict: PASS → FAIL");
    harness.get_by_label("modified: repo/metadata/timestamp.json");
    harness.get_by_label("Role changed: timestamp");
    let workspace = harness.state().state.workspace().unwrap();
    assert_eq!(workspace.verdict(), Some(Verdict::Fail));
    let (_, check) = workspace.trace().unwrap().first_failure().unwrap();
    assert!(check.title.contains("timestamp"), "{}", check.title);
}

#[test]
fn without_a_dialog_service_the_path_field_is_offered() {
    let mut harness = harness(app());
    settle(&mut harness);
    harness.get_by_label("Open…").click();
    await_dialog_note(&mut harness);
    harness.run_steps(2);
    harness.get_by_label_contains("type a path in the field instead");
}

#[test]
fn the_step_graph_exports_as_svg_through_the_path_field() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = opened("talk-alice-only");
    harness
        .state_mut()
        .push(Command::BrowseForExport(Picture::StepGraph, "svg"));
    settle_until(&mut harness, "the export prompt", |app| {
        app.state.menu.export_prompt.is_some()
    });
    let out = dir.path().join("graph.svg");
    let field = harness.get_by_label("Export the step graph to:");
    field.focus();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, Key::A);
    field.type_text(&out.display().to_string());
    harness.run_steps(2);
    click(&mut harness, "Save");
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains(r#"data-name="create""#) && text.contains(r#"data-name="build""#));
    assert!(
        !text.contains(r#"data-name="update""#),
        "alice-only has no update step"
    );
}

fn inspection_ran(workspace: &Workspace) -> bool {
    let trace = workspace.trace().unwrap();
    !trace
        .checks
        .iter()
        .any(|c| matches!(c.outcome, crate::trace::Outcome::Skipped { .. }))
}

#[test]
fn replaying_talk_attacker_reaches_the_rule_that_catches_the_package_without_running_anything() {
    let mut harness = opened("talk-attacker");
    click(&mut harness, "Jump to first failure");
    let workspace = harness.state().state.workspace().unwrap();
    let (failing, check) = workspace.trace().unwrap().first_failure().unwrap();
    assert_eq!(harness.state().state.replay.index, failing);
    assert_eq!(check.id, "intoto.inspection.rule");
    harness.get_by_label(&format!("#{} intoto.inspection.rule", failing + 1));
    harness.get_by_label_contains("hint: ");
    // The queue view names the package the DISALLOW caught.
    harness.get_by_label("Queue of untar expected_materials");
    harness.get_by_label("Offending: demo-project.tar.gz");
    // The untar inspection was recorded, never run; no dialog was shown.
    assert!(!inspection_ran(workspace));
    assert!(harness.state().state.allowed_inspections.is_none());
    assert!(
        harness
            .query_by_label("Run the layout's inspections?")
            .is_none()
    );

    // The evil change, side by side: the package the build link recorded and the one served.
    harness
        .get_by_label("Show what changed in demo-project.tar.gz")
        .click();
    harness.run_steps(3);
    harness.get_by_label("changed: demo-project/foo.py");
    harness.get_by_label_contains("DEMO_BACKDOOR");
    harness.get_by_label_contains("Reviewed by Bob.");

    // Back one check and forward again.
    click(&mut harness, "< Back");
    assert_eq!(harness.state().state.replay.index, failing - 1);
    click(&mut harness, "Forward >");
    assert_eq!(harness.state().state.replay.index, failing);
}

#[test]
fn playing_talk_alice_bob_runs_to_a_pass() {
    let mut app = app();
    app.state.replay_step = Duration::ZERO;
    let (_dir, folder) = written_this_run(&mut app, "talk-alice-bob");
    app.push(Command::Open(folder.display().to_string()));
    let mut harness = harness(app);
    settle(&mut harness);
    // Not `click`: that would wait for the whole replay.
    harness.get_by_label("Play").click();
    harness.run_steps(3);
    assert!(harness.state().state.replay.playing);
    settle(&mut harness);
    let total = harness
        .state()
        .state
        .workspace()
        .unwrap()
        .trace()
        .unwrap()
        .checks
        .len();
    assert_eq!(harness.state().state.replay.index, total - 1);
    harness.get_by_label(&format!("check {total} of {total}"));
    harness.get_by_label("PASS");
    let trace = harness
        .state()
        .state
        .workspace()
        .unwrap()
        .trace()
        .unwrap()
        .clone();
    assert!(trace.first_failure().is_none());
}

#[test]
fn a_tuf_attack_sample_lights_the_failing_role_in_the_tree() {
    let mut harness = opened("expired-timestamp");
    click(&mut harness, "Jump to first failure");
    let state = &harness.state().state;
    let focus = super::panels::replay_focus(state, state.workspace().unwrap());
    assert_eq!(focus.role.as_deref(), Some("timestamp"));
    assert!(focus.failed);
    harness.get_by_label("◀ fails here");
}

#[test]
fn the_inspection_dialog_appears_only_when_asked_and_lists_the_commands() {
    let mut harness = opened("talk-alice-bob");
    assert!(
        harness
            .query_by_label("Run the layout's inspections?")
            .is_none()
    );
    assert!(!inspection_ran(harness.state().state.workspace().unwrap()));

    click(&mut harness, "Run inspections…");
    harness.get_by_label("Run the layout's inspections?");
    let commands = crate::workspace::inspection_commands(
        harness
            .state()
            .state
            .workspace()
            .unwrap()
            .layout
            .as_ref()
            .unwrap()
            .layout
            .as_ref()
            .unwrap(),
    );
    for command in &commands {
        harness.get_by_label(&command.join(" "));
    }
    click(&mut harness, "Don't run");
    assert!(
        harness
            .query_by_label("Run the layout's inspections?")
            .is_none()
    );
    assert!(harness.state().state.allowed_inspections.is_none());

    click(&mut harness, "Run inspections…");
    harness.get_by_label("Run these commands").click();
    settle(&mut harness);
    let workspace = harness.state().state.workspace().unwrap();
    assert!(inspection_ran(workspace));
    assert_eq!(workspace.verdict(), Some(Verdict::Pass));
    assert!(
        workspace
            .notes
            .iter()
            .any(|n| n.starts_with("Inspections were run, as you allowed"))
    );
}

#[test]
fn the_replay_and_the_selection_survive_a_reload_caused_by_a_file_change() {
    let mut app = app();
    // The fake watcher: the test says when files changed (the real one is tested above).
    app.watch_by_hand();
    let (_dir, folder) = written_this_run(&mut app, "talk-alice-bob");
    app.push(Command::Open(folder.display().to_string()));
    let mut harness = harness(app);
    settle(&mut harness);
    harness
        .state_mut()
        .push(Command::Replay(ReplayCommand::To(10)));
    click(&mut harness, "step update");
    let shown = harness
        .state()
        .state
        .workspace()
        .unwrap()
        .trace()
        .unwrap()
        .checks[10]
        .clone();

    std::fs::write(folder.join("notes.txt"), "a trainer's notes\n").unwrap();
    harness.state().files_changed();
    await_reload(&mut harness);
    harness.get_by_label("added: notes.txt");
    harness.get_by_label("Verdict: PASS → PASS");
    let state = &harness.state().state;
    assert_eq!(state.replay.index, 10);
    let now_shown = &state.workspace().unwrap().trace().unwrap().checks[10];
    assert_eq!(
        (now_shown.id, &now_shown.subject),
        (shown.id, &shown.subject)
    );
    assert_eq!(state.selection, Selection::Step("update".into()));
    harness.get_by_label("Step update");
}

/// A key pair written as `NAME` (private, PKCS#8 PEM) and `NAME.pub`.
fn write_key(dir: &Path, name: &str, seed: u8) -> (PathBuf, PathBuf, PrivateKey) {
    let key = PrivateKey::ed25519_from_seed(&[seed; 32]);
    let private = dir.join(name);
    let public = dir.join(format!("{name}.pub"));
    std::fs::write(&private, key.to_pkcs8_pem().unwrap().as_bytes()).unwrap();
    std::fs::write(&public, key.public_pem()).unwrap();
    (private, public, key)
}

/// Opens the layout editor's signing dialog and waits until its keys are looked for.
fn open_sign_dialog(harness: &mut Harness<'_, ChainscopeApp>) {
    click(harness, "Sign…");
    settle_until(harness, "the signing dialog's keys", |app| {
        app.state
            .sign_dialog
            .as_ref()
            .is_some_and(|d| d.candidates.is_some())
    });
    harness.run_steps(3);
}

/// Clicks a widget that may sit below the fold of a scroll area.
fn click(harness: &mut Harness<'_, ChainscopeApp>, label: &str) {
    harness.get_by_label(label).scroll_to_me();
    // Scrolling is animated: let it settle before aiming.
    harness.run_steps(20);
    harness.get_by_label(label).click();
    harness.run_steps(3);
    // What the click started on a worker (a key read, a signature, a save) is back.
    settle(harness);
}

/// Presses Enter in the focused field and waits for what it started.
fn enter(harness: &mut Harness<'_, ChainscopeApp>) {
    harness.key_press(Key::Enter);
    harness.run_steps(3);
    settle(harness);
}

fn type_into(harness: &mut Harness<'_, ChainscopeApp>, label: &str, text: &str) {
    harness.get_by_label(label).scroll_to_me();
    harness.run_steps(20);
    let field = harness.get_by_label(label);
    field.focus();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, Key::A);
    let field = harness.get_by_label(label);
    field.type_text(text);
    harness.run_steps(2);
}

#[test]
fn a_layout_is_built_linted_undone_signed_and_saved_in_the_editor() {
    let dir = tempfile::tempdir().unwrap();
    let (owner_key, _, owner) = write_key(dir.path(), "owner", 7);
    let (_, alice_pub, _) = write_key(dir.path(), "alice", 8);
    let mut app = app();
    app.push(Command::Editor(EditorCommand::New(Some(
        crate::edit::templates::Template::CreateBuild,
    ))));
    let mut harness = harness(app);
    settle(&mut harness);
    harness.get_by_label("step \"build\" needs 1 link but has 0 functionaries");

    // Alice may sign build: that finding goes.
    click(&mut harness, "build");
    harness.get_by_label("Step build");
    type_into(&mut harness, "Key file:", &alice_pub.display().to_string());
    click(&mut harness, "Add functionary");
    assert!(
        harness
            .query_by_label("step \"build\" needs 1 link but has 0 functionaries")
            .is_none()
    );

    // Threshold 2 with one functionary: the lint says so at once.
    click(&mut harness, "Raise threshold");
    harness.get_by_label("Threshold: 2");
    harness.get_by_label("step \"build\" needs 2 links but has 1 functionary");

    // A new step with a MATCH rule against create's products.
    type_into(&mut harness, "New step:", "test");
    click(&mut harness, "Add step");
    harness.get_by_label("Step test");
    click(&mut harness, "MATCH");
    type_into(&mut harness, "Pattern:", "project/*");
    click(&mut harness, "from create");
    harness.get_by_label("MATCH project/* WITH PRODUCTS FROM create");
    click(&mut harness, "Add rule");
    let rules = |harness: &Harness<'_, ChainscopeApp>| {
        let layout = harness
            .state()
            .state
            .layout_editor
            .document
            .as_ref()
            .unwrap()
            .layout()
            .clone();
        layout
            .steps()
            .iter()
            .find(|s| s.name == "test")
            .unwrap()
            .expected_materials()
            .len()
    };
    assert_eq!(rules(&harness), 1);
    // The graph shows the new step and its edge.
    harness.get_by_label("step test");

    // Undo and redo the rule.
    click(&mut harness, "Undo");
    assert_eq!(rules(&harness), 0);
    click(&mut harness, "Redo");
    assert_eq!(rules(&harness), 1);

    // Sign with the owner's key (typed into the signing dialog) and save.
    open_sign_dialog(&mut harness);
    type_into(
        &mut harness,
        "Signing key:",
        &owner_key.display().to_string(),
    );
    click(&mut harness, "Sign");
    assert!(harness.state().state.sign_dialog.is_none());
    harness.get_by_label("1 signature");
    let out = dir.path().join("root.layout");
    type_into(&mut harness, "Save as:", &out.display().to_string());
    click(&mut harness, "Save the layout");
    // Threshold 2 with one functionary is a lint error: the save asks first.
    harness.run_steps(4);
    harness.get_by_label("Save this layout as it is?");
    harness.get_by_label_contains("Lint finds");
    assert!(!out.exists());
    click(&mut harness, "Save anyway");
    let message = harness.state().state.layout_editor.message.clone();
    assert_eq!(message, Some((true, format!("Saved {}.", out.display()))));
    harness.get_by_label("saved");
    let saved = std::fs::read(&out).unwrap();
    let report = crate::inspect::inspect_file(&out).unwrap();
    // The owner's .pub lies beside it: the inspector checks the signature against it.
    assert_eq!(report.signatures_ok(), Some(true));
    let document = crate::intoto::Document::from_bytes(&saved).unwrap();
    assert_eq!(document.envelope.signatures()[0].keyid, owner.keyid());

    let names: Vec<String> = harness
        .state()
        .state
        .layout_editor
        .document
        .as_ref()
        .unwrap()
        .layout()
        .steps()
        .iter()
        .map(|s| s.name.clone())
        .collect();
    assert_eq!(names, ["create", "build", "test"], "after saving");
    // The unsaved-changes guard: an edit, then a new layout asks first.
    click(&mut harness, "Raise threshold");
    harness.get_by_label("unsaved changes");
    // Undone, the bytes are the saved ones again; redone, unsaved again.
    harness
        .state_mut()
        .push(Command::Editor(EditorCommand::Undo));
    settle(&mut harness);
    harness.get_by_label("saved");
    assert!(!harness.state().state.layout_editor.is_dirty());
    harness
        .state_mut()
        .push(Command::Editor(EditorCommand::Redo));
    settle(&mut harness);
    harness.get_by_label("unsaved changes");
    harness
        .state_mut()
        .push(Command::Editor(EditorCommand::New(None)));
    settle(&mut harness);
    harness.get_by_label("Save the changes to the layout?");
    click(&mut harness, "Cancel");
    assert!(
        harness
            .query_by_label("Save the changes to the layout?")
            .is_none()
    );
    let names: Vec<String> = harness
        .state()
        .state
        .layout_editor
        .document
        .as_ref()
        .unwrap()
        .layout()
        .steps()
        .iter()
        .map(|s| s.name.clone())
        .collect();
    assert_eq!(names, ["create", "build", "test"]);
    harness
        .state_mut()
        .push(Command::Editor(EditorCommand::New(None)));
    settle(&mut harness);
    click(&mut harness, "Discard changes");
    assert_eq!(
        harness
            .state()
            .state
            .layout_editor
            .document
            .as_ref()
            .unwrap()
            .layout()
            .steps()
            .len(),
        0
    );
}

#[test]
fn drafting_from_links_offline_signing_and_the_diff_since_saving() {
    let dir = tempfile::tempdir().unwrap();
    let (_, owner_pub, owner) = write_key(dir.path(), "owner", 31);
    let links = dir.path().join("links");
    std::fs::create_dir(&links).unwrap();
    let (_, _, alice) = write_key(&links, "alice", 32);
    std::fs::remove_file(links.join("alice")).unwrap();
    let mut options = crate::intoto::run::options_for("build", &links);
    crate::intoto::run::record_start(&options, &alice).unwrap();
    std::fs::write(links.join("out.txt"), "built\n").unwrap();
    options.products = vec!["out.txt".into()];
    crate::intoto::run::record_stop(&options, &alice).unwrap();

    let mut app = app();
    app.push(Command::Editor(EditorCommand::FromLinks(links.clone())));
    let mut harness = harness(app);
    settle(&mut harness);
    let layout = harness
        .state()
        .state
        .layout_editor
        .document
        .as_ref()
        .unwrap()
        .layout()
        .clone();
    assert_eq!(layout.steps()[0].name, "build");
    assert_eq!(layout.steps()[0].pubkeys(), [alice.keyid().to_owned()]);
    harness.get_by_label("step build");

    // Offline: the bytes out, a signature made elsewhere, checked and imported.
    let bytes_file = dir.path().join("layout.bytes");
    harness
        .state_mut()
        .push(Command::Editor(EditorCommand::ExportBytes(
            bytes_file.clone(),
        )));
    settle(&mut harness);
    let bytes = std::fs::read(&bytes_file).unwrap();
    let signature = dir.path().join("layout.sig");
    std::fs::write(&signature, hex::encode(owner.sign(&bytes).unwrap())).unwrap();
    // A signature checked against the wrong key is refused.
    harness
        .state_mut()
        .push(Command::Editor(EditorCommand::ImportSignature {
            signature_file: signature.clone(),
            key_file: links.join("alice.pub"),
        }));
    settle(&mut harness);
    let (ok, message) = harness.state().state.layout_editor.message.clone().unwrap();
    assert!(!ok && message.starts_with("Signature refused"), "{message}");
    harness
        .state_mut()
        .push(Command::Editor(EditorCommand::ImportSignature {
            signature_file: signature,
            key_file: owner_pub,
        }));
    settle(&mut harness);
    let (ok, message) = harness.state().state.layout_editor.message.clone().unwrap();
    assert!(ok, "{message}");
    harness.get_by_label("1 signature");

    // Saved, then changed: the diff says what.
    let out = dir.path().join("root.layout");
    harness
        .state_mut()
        .push(Command::Editor(EditorCommand::Save(out.clone())));
    settle(&mut harness);
    assert!(
        harness
            .state()
            .state
            .layout_editor
            .changes_since_saved()
            .is_empty()
    );
    harness
        .state_mut()
        .push(Command::Editor(EditorCommand::Apply(
            crate::edit::layout::LayoutAction::SetReadme("reviewed".into()),
        )));
    settle(&mut harness);
    assert_eq!(
        harness
            .state()
            .state
            .layout_editor
            .changes_since_saved()
            .len(),
        1
    );
    assert!(harness.state().state.layout_editor.changes_since_saved()[0].starts_with("readme"));
    harness.get_by_label("1 signature (outdated)");
}

/// A file dropped on the window, as the windowing integration hands it over.
#[derive(Debug)]
struct Dropped(PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| crate::report::chain(&e))
    }
}

#[test]
fn a_key_file_dropped_on_the_layout_editor_becomes_the_selected_steps_functionary() {
    let dir = tempfile::tempdir().unwrap();
    let (_, alice_pub, alice) = write_key(dir.path(), "alice", 41);
    let mut app = app();
    app.push(Command::Editor(EditorCommand::New(Some(
        crate::edit::templates::Template::CreateBuild,
    ))));
    app.push(Command::Editor(EditorCommand::Select(Some("build".into()))));
    let mut harness = harness(app);
    settle(&mut harness);
    harness
        .input_mut()
        .dropped_files
        .push(Arc::new(Dropped(alice_pub.clone())));
    settle(&mut harness);
    let layout = harness
        .state()
        .state
        .layout_editor
        .document
        .as_ref()
        .unwrap()
        .layout()
        .clone();
    let build = layout.steps().iter().find(|s| s.name == "build").unwrap();
    assert_eq!(build.pubkeys(), [alice.keyid().to_owned()]);
    // With nothing selected, a dropped key joins the layout's keys.
    harness
        .state_mut()
        .push(Command::Editor(EditorCommand::Select(None)));
    let (_, bob_pub, bob) = write_key(dir.path(), "bob", 42);
    harness.run_steps(2);
    harness
        .input_mut()
        .dropped_files
        .push(Arc::new(Dropped(bob_pub)));
    settle(&mut harness);
    let layout = harness
        .state()
        .state
        .layout_editor
        .document
        .as_ref()
        .unwrap()
        .layout()
        .clone();
    assert!(layout.keys().contains_key(bob.keyid()));
    // The Browse… button asks the dialog service; without one, the path field is offered.
    harness
        .state_mut()
        .push(Command::Editor(EditorCommand::Select(Some("build".into()))));
    settle(&mut harness);
    harness.get_by_label("Browse…").click();
    await_dialog_note(&mut harness);
    assert!(harness.state().state.menu.dialog_note.is_some());

    // The envelope: DSSE on request.
    click(&mut harness, "DSSE");
    let bytes = harness
        .state()
        .state
        .layout_editor
        .document
        .as_ref()
        .unwrap()
        .to_bytes();
    assert!(String::from_utf8_lossy(&bytes).contains("payloadType"));
}

#[test]
fn the_tuf_editor_takes_a_dropped_file_as_a_target_and_offers_the_dialog() {
    let dir = tempfile::tempdir().unwrap();
    let key = PrivateKey::ed25519_from_seed(&[51; 32]);
    let mut keys = std::collections::BTreeMap::new();
    for role in ["root", "targets", "snapshot", "timestamp"] {
        keys.insert(role, (vec![key.public().clone()], 1));
    }
    let expires = UtcTime::parse_rfc3339("2099-12-31T00:00:00Z").unwrap();
    let mut repo =
        crate::edit::tuf::TufRepo::init(&dir.path().join("repo"), &keys, true, expires).unwrap();
    repo.save_staged().unwrap();
    let file = dir.path().join("notes.txt");
    std::fs::write(&file, "notes\n").unwrap();
    let mut app = app();
    app.push(Command::TufEditor(TufEditorCommand::Open(
        dir.path().join("repo"),
    )));
    let mut harness = harness(app);
    settle(&mut harness);
    harness
        .input_mut()
        .dropped_files
        .push(Arc::new(Dropped(file)));
    settle(&mut harness);
    let (ok, message) = harness.state().state.tuf_editor.message.clone().unwrap();
    assert!(
        ok && message.starts_with("notes.txt added to targets"),
        "{message}"
    );
    harness.get_by_label("Browse…").click();
    await_dialog_note(&mut harness);
    assert!(harness.state().state.menu.dialog_note.is_some());
}

/// The TUF editor's keys at 1024×700 are chosen, never typed: a key the repository already
/// lists added to targets from the picker, targets' old key removed from its row, a
/// delegation to a ticked key; publishing finds the online key in the project's keys/.
#[test]
fn the_tuf_editors_keys_are_picked_and_publish_finds_the_online_key() {
    use egui::accesskit::Role;
    let dir = tempfile::tempdir().unwrap();
    let (root, targets, online) = (
        PrivateKey::ed25519_from_seed(&[61; 32]),
        PrivateKey::ed25519_from_seed(&[62; 32]),
        PrivateKey::ed25519_from_seed(&[63; 32]),
    );
    let mut keys = std::collections::BTreeMap::new();
    keys.insert("root", (vec![root.public().clone()], 1));
    keys.insert("targets", (vec![targets.public().clone()], 1));
    keys.insert("snapshot", (vec![online.public().clone()], 1));
    keys.insert("timestamp", (vec![online.public().clone()], 1));
    let expires = UtcTime::parse_rfc3339("2099-12-31T00:00:00Z").unwrap();
    let mut repo =
        crate::edit::tuf::TufRepo::init(&dir.path().join("repo"), &keys, true, expires).unwrap();
    repo.save_staged().unwrap();
    std::fs::create_dir(dir.path().join("keys")).unwrap();
    std::fs::write(
        dir.path().join("keys/online"),
        online.to_pkcs8_pem().unwrap().as_bytes(),
    )
    .unwrap();
    let mut app = app();
    app.push(Command::TufEditor(TufEditorCommand::Open(
        dir.path().join("repo"),
    )));
    let mut harness = harness_at(app, 1024.0, 700.0);
    settle(&mut harness);
    let keys_of = |harness: &Harness<'_, ChainscopeApp>, role: &str| -> Vec<String> {
        let status = &harness.state().state.tuf_editor.status;
        let state = status.iter().find(|s| s.role == role).unwrap();
        state.keys.iter().map(|k| k.keyid().to_owned()).collect()
    };
    let short = |key: &PrivateKey| crate::crypto::threshold::short(key.keyid());

    // targets (never published: all staged) chosen by clicking its row; the online key
    // added from the picker.
    harness
        .get_by_role_and_label(Role::Button, "targets (staged)")
        .click();
    harness.run_steps(3);
    assert_eq!(harness.state().state.tuf_editor.role, "targets");
    harness.get_by_label_contains("Keys of targets:");
    click(&mut harness, "Add key:");
    harness
        .get_by_role_and_label(Role::Button, &short(&online))
        .click();
    harness.run_steps(3);
    click(&mut harness, "Add key");
    let (ok, message) = harness.state().state.tuf_editor.message.clone().unwrap();
    assert!(ok, "{message}");
    assert_eq!(
        keys_of(&harness, "targets"),
        [targets.keyid().to_owned(), online.keyid().to_owned()]
    );
    // The old key removed from its row.
    harness.get_all_by_label("remove").next().unwrap().click();
    harness.run_steps(3);
    settle(&mut harness);
    let (ok, message) = harness.state().state.tuf_editor.message.clone().unwrap();
    assert!(ok, "{message}");
    assert_eq!(keys_of(&harness, "targets"), [online.keyid().to_owned()]);

    // A delegation to the ticked root key.
    type_into(&mut harness, "To (name or bin prefix):", "dev");
    type_into(&mut harness, "Paths:", "dev/*");
    harness
        .get_by_role_and_label(Role::CheckBox, &short(&root))
        .click();
    harness.run_steps(3);
    click(&mut harness, "Delegate");
    let (ok, message) = harness.state().state.tuf_editor.message.clone().unwrap();
    assert!(ok, "{message}");
    assert_eq!(keys_of(&harness, "dev"), [root.keyid().to_owned()]);

    // Publish… shows the changes and the online key found in ../keys, and says which roles
    // still wait for signatures; Cancel publishes nothing.
    click(&mut harness, "Publish…");
    harness.get_by_label("Publish these changes?");
    harness.get_by_label("Signed online with: online");
    harness.get_by_label(&format!(
        "dev has 0 of 1 signatures: {} still to sign.",
        short(&root)
    ));
    assert!(
        harness
            .get_by_role_and_label(Role::Button, "Publish")
            .accesskit_node()
            .is_disabled()
    );
    let confirm = harness
        .state()
        .state
        .tuf_editor
        .publish_confirm
        .clone()
        .unwrap();
    assert_eq!(confirm.online_keys, [dir.path().join("keys/online")]);
    assert!(confirm.unmatched.is_empty());
    click(&mut harness, "Cancel");
    assert!(harness.state().state.tuf_editor.publish_confirm.is_none());
    assert!(!dir.path().join("repo/metadata/timestamp.json").exists());
    // Every role signed; without the key file it says so and waits for one.
    let root_file = dir.path().join("root.key");
    std::fs::write(&root_file, root.to_pkcs8_pem().unwrap().as_bytes()).unwrap();
    for (role, key_file) in [
        ("root", &root_file),
        ("targets", &dir.path().join("keys/online")),
        ("dev", &root_file),
    ] {
        harness
            .state_mut()
            .push(Command::TufEditor(TufEditorCommand::Sign {
                role: role.into(),
                key_file: key_file.clone(),
                passphrase: None,
            }));
        settle(&mut harness);
        let (ok, message) = harness.state().state.tuf_editor.message.clone().unwrap();
        assert!(ok, "{message}");
    }
    std::fs::remove_file(dir.path().join("keys/online")).unwrap();
    click(&mut harness, "Publish…");
    harness.get_by_label_contains("No private key found for snapshot and timestamp");
    assert!(
        harness
            .get_by_role_and_label(Role::Button, "Publish")
            .accesskit_node()
            .is_disabled()
    );
    type_into(
        &mut harness,
        "Its key file:",
        &dir.path().join("elsewhere/online").display().to_string(),
    );
    assert!(
        !harness
            .get_by_role_and_label(Role::Button, "Publish")
            .accesskit_node()
            .is_disabled()
    );
}

#[test]
fn the_attack_lab_applies_an_attack_jumps_to_the_check_that_catches_it_and_resets() {
    let dir = tempfile::tempdir().unwrap();
    let demo = crate::samples::write_demo(dir.path()).unwrap();
    let before = crate::attacks::digests(&demo).unwrap();
    let mut app = app();
    app.state.forget_under = Some(dir.path().to_owned());
    app.push(Command::Open(demo.display().to_string()));
    let mut harness = harness(app);
    settle(&mut harness);
    click(&mut harness, "Lab");
    harness.get_by_label("Attack lab").click();
    settle(&mut harness);
    {
        let state = &harness.state().state;
        assert!(
            state.lab.shows_copy(state.current.as_deref()),
            "the copy is shown"
        );
        assert_eq!(state.workspace().unwrap().verdict(), Some(Verdict::Pass));
        assert!(!state.recent.iter().any(|r| r.contains("chainscope-lab-")));
    }
    harness.get_by_label_contains("Scratch copy of");

    harness
        .get_by_label("Tamper with the final product  · in-toto")
        .click();
    harness.run_steps(2);
    harness.get_by_label_contains("DEMO-online (attacker)");
    harness.get_by_label("Apply attack").click();
    settle(&mut harness);
    {
        let state = &harness.state().state;
        let trace = state.workspace().unwrap().trace().unwrap();
        let (index, check) = trace
            .first_failure()
            .unwrap_or_else(|| panic!("no failure; lab: {:?}", state.lab.message));
        assert_eq!(check.id, "intoto.inspection.rule");
        assert_eq!(
            check.subject.to_string(),
            "untar expected_materials rule #2"
        );
        assert_eq!(
            state.replay.index, index,
            "the replay is at the catching check"
        );
    }
    harness.get_by_label_contains("Caught at check");
    harness.get_by_label_contains("Files changed in the copy: ");
    assert_eq!(
        crate::attacks::digests(&demo).unwrap(),
        before,
        "the original is untouched"
    );

    // Reset: the copy passes again.
    harness.get_by_label("Reset copy").click();
    settle(&mut harness);
    harness.get_by_label("The copy is the original again.");
    assert_eq!(
        harness.state().state.workspace().unwrap().verdict(),
        Some(Verdict::Pass)
    );

    // The layout swap, side by side with the all-online repository.
    // The last of the list (scrolled to by a user; selected here as the list's click does).
    let swap = harness
        .state()
        .state
        .lab
        .attacks
        .iter()
        .position(|a| a.id == "layout-swap")
        .unwrap();
    harness
        .state_mut()
        .push(Command::Lab(LabCommand::Select(swap)));
    settle(&mut harness);
    harness.get_by_label("A compromised online key replacing the layout");
    harness.get_by_label("Apply attack").click();
    settle(&mut harness);
    harness.get_by_label("Side by side");
    harness.get_by_label("ITE-2 repository (this copy)");
    harness.get_by_label("All-online repository");
    harness.get_by_label("Every check passes: the attack succeeds here.");
    harness.get_by_label_contains("Caught at check");
    // The all-online copy opens beside it, and the ITE-2 copy comes back at its failure.
    harness.get_by_label("Show the all-online copy").click();
    settle(&mut harness);
    assert_eq!(
        harness.state().state.workspace().unwrap().verdict(),
        Some(Verdict::Pass)
    );
    harness.get_by_label("Side by side");
    harness.get_by_label("Show the ITE-2 copy").click();
    settle(&mut harness);
    {
        let state = &harness.state().state;
        let workspace = state.workspace().unwrap();
        let (index, check) = workspace.trace().unwrap().first_failure().unwrap();
        assert_eq!(check.id, "ite2.layout-role");
        assert_eq!(state.replay.index, index);
        // The bin that lists the attacker's layout is lit in the tree, its group opened.
        let layout = "in-toto-metadata/demo-project/root.layout";
        let bin = workspace.search(layout).unwrap().found.unwrap().0;
        assert!(bin.starts_with("bins-"), "{bin}");
        assert_eq!(
            state.replay_target,
            Some((index, layout.to_owned(), Some(bin.clone())))
        );
        assert!(state.tree.expanded_bins.contains("targets"));
        let focus = crate::app::panels::replay_focus(state, workspace);
        assert_eq!(focus.role.as_deref(), Some(bin.as_str()));
        assert!(focus.failed);
    }

    // Closing the lab with an attack applied asks first: keeping it changes nothing.
    click(&mut harness, "Close the lab");
    harness.get_by_label("Close the attack lab?");
    click(&mut harness, "Keep the lab open");
    assert!(harness.query_by_label("Close the attack lab?").is_none());
    assert!(harness.state().state.lab.open && harness.state().state.lab.scratch.is_some());
    // Closing it reopens what was open before.
    harness.get_by_label("Close the lab").click();
    // The dialog fades in over a few frames.
    harness.run_steps(6);
    harness.get_by_label("Close and delete the copy").click();
    settle(&mut harness);
    let state = &harness.state().state;
    assert_eq!(
        state.current.as_deref(),
        Some(demo.display().to_string().as_str())
    );
    assert!(!state.lab.open && state.lab.scratch.is_none());
    assert_eq!(state.workspace().unwrap().verdict(), Some(Verdict::Pass));
}

#[test]
fn the_attack_lab_on_something_else_offers_the_demo() {
    let mut harness = opened("talk-attacker");
    harness.state_mut().push(Command::Lab(LabCommand::Open));
    settle(&mut harness);
    harness.get_by_label_contains("the attack lab works on the talk-alice-bob sample and on");
    harness.get_by_label("Open the demo in the lab").click();
    settle(&mut harness);
    let state = &harness.state().state;
    assert!(state.lab.shows_copy(state.current.as_deref()));
    assert_eq!(state.workspace().unwrap().verdict(), Some(Verdict::Pass));
}

#[test]
fn every_attack_applied_from_the_lab_stops_the_replay_where_it_says() {
    let mut app = app();
    app.push(Command::Lab(LabCommand::OpenSample(crate::samples::DEMO)));
    let mut harness = harness(app);
    settle(&mut harness);
    every_attack_stops_the_replay_where_it_says(&mut harness, crate::samples::DEMO);
}

/// The lab opened on the attestation sample that is open lists that sample's attacks, and
/// each, applied, stops the replay of the ITE-10 verification at its check.
#[test]
fn the_lab_on_the_attestation_sample_stops_each_of_its_attacks_where_it_says() {
    let name = crate::samples::attestations::NAME;
    let mut harness = opened(name);
    harness.state_mut().push(Command::Lab(LabCommand::Open));
    settle(&mut harness);
    let state = &harness.state().state;
    assert!(state.lab.shows_copy(state.current.as_deref()));
    assert_eq!(state.workspace().unwrap().verdict(), Some(Verdict::Pass));
    // Each of the sample's attacks is listed, named by the part that catches it.
    assert_eq!(harness.query_all_by_label_contains("· ITE-10").count(), 5);
    every_attack_stops_the_replay_where_it_says(&mut harness, name);
}

/// The lab opened on the attestation chain distributed through TUF: its attack (a changed
/// package, online key) stops the replay at ITE-2's package check.
#[test]
fn the_lab_on_the_distributed_attestations_stops_the_changed_package_at_ite2() {
    let name = crate::samples::attestations::DISTRIBUTED;
    let mut harness = opened(name);
    harness.state_mut().push(Command::Lab(LabCommand::Open));
    settle(&mut harness);
    let state = &harness.state().state;
    assert!(state.lab.shows_copy(state.current.as_deref()));
    every_attack_stops_the_replay_where_it_says(&mut harness, name);
}

fn every_attack_stops_the_replay_where_it_says(
    harness: &mut Harness<'_, ChainscopeApp>,
    sample: &str,
) {
    let attacks = harness.state().state.lab.attacks.clone();
    assert_eq!(
        attacks.iter().map(|a| a.id).collect::<Vec<_>>(),
        crate::attacks::attacks_on(sample)
            .iter()
            .map(|a| a.id)
            .collect::<Vec<_>>()
    );
    for (index, attack) in attacks.iter().enumerate() {
        harness
            .state_mut()
            .push(Command::Lab(LabCommand::Select(index)));
        settle(harness);
        harness.get_by_label("Apply attack").click();
        settle(harness);
        let state = &harness.state().state;
        assert!(
            state.lab.shows_copy(state.current.as_deref()),
            "{}",
            attack.id
        );
        let trace = state.workspace().unwrap().trace().unwrap();
        let (failing, check) = trace
            .first_failure()
            .unwrap_or_else(|| panic!("{}: not caught ({:?})", attack.id, state.lab.message));
        assert_eq!(
            (check.id, &check.subject),
            (attack.catches.check.id, &attack.catches.subject),
            "{}",
            attack.id
        );
        assert_eq!(state.replay.index, failing, "{}", attack.id);
        let applied = state.lab.applied.as_ref().unwrap();
        assert_eq!(applied.attack.id, attack.id);
        assert_eq!(
            applied
                .copy
                .as_ref()
                .and_then(|j| j.failure.as_ref())
                .map(|f| f.1),
            Some(attack.catches.check.id)
        );
        // Beside an ITE-2 copy, what TUF alone did with it: caught at the same check when
        // TUF catches the attack, else the attacked package passes.
        let tuf_alone = applied
            .tuf_alone
            .as_ref()
            .map(|j| (j.verdict, j.failure.as_ref().map(|f| f.1)));
        if sample == crate::samples::attestations::NAME {
            assert_eq!(tuf_alone, None, "{}", attack.id);
        } else if attack.catches.check.id.starts_with("tuf.") {
            let caught = Some(attack.catches.check.id);
            assert_eq!(
                tuf_alone,
                Some((Some(Verdict::Fail), caught)),
                "{}",
                attack.id
            );
        } else {
            assert_eq!(
                tuf_alone,
                Some((Some(Verdict::Pass), None)),
                "{}",
                attack.id
            );
            if applied.all_online.is_none() {
                harness.get_by_label("TUF alone (its TUF checks)");
            }
        }
    }
}

/// A URL that answers slowly: the window shows the load at once (what, for how long, Cancel)
/// instead of the empty start page, and Cancel gives the window back. A FIFO opened by
/// mistake is named as one.
#[test]
fn a_slow_url_shows_its_load_at_once_and_a_fifo_is_named() {
    // A server that accepts connections and never answers.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    let mut app = app();
    app.push(Command::Open(format!("http://127.0.0.1:{port}/")));
    let mut harness = harness(app);
    harness.run_steps(3);
    assert!(harness.state().is_busy());
    harness.get_by_label_contains("so far");
    // In the central view and in the status bar.
    assert_eq!(
        harness
            .get_all_by_label(&format!("Loading http://127.0.0.1:{port}/ …"))
            .count(),
        2
    );
    assert!(
        harness
            .query_by_label_contains("in-toto says what must happen")
            .is_none()
    );
    let cancel: Vec<_> = harness.get_all_by_label("Cancel").collect();
    cancel[0].click();
    harness.run_steps(3);
    assert!(!harness.state().is_busy());
    harness.get_by_label_contains("in-toto says what must happen");

    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    harness
        .state_mut()
        .push(Command::Open(fifo.display().to_string()));
    settle(&mut harness);
    assert!(
        harness
            .get_all_by_label_contains("a FIFO (named pipe)")
            .next()
            .is_some()
    );
}

/// The workspace's tiles at the smallest window the app is made for: the step graph gets the
/// space, every view is one click away (the row of tabs overflows into a menu), a click on a
/// tab shows that view, a tile hidden from the View menu is gone until the arrangement is
/// reset, and the arrangement comes back as it was saved.
#[test]
fn the_tiles_fit_1024_by_700_and_are_remembered() {
    use crate::app::tiles::{Arrangement, Pane};
    let mut app = app();
    app.push(Command::Open(sample("talk-alice-bob")));
    let mut harness = harness_at(app, 1024.0, 700.0);
    settle(&mut harness);
    let graph = harness.state().state.graph.last_rect.unwrap();
    assert!(
        graph.width() >= 450.0 && graph.height() >= 300.0,
        "{graph:?}"
    );
    let tree = harness.state().state.tree.last_rect.unwrap();
    assert!(tree.width() >= 180.0, "{tree:?}");

    // The views' tabs do not all fit: the menu at the end of the row lists every one.
    click(&mut harness, "▾");
    let items: Vec<_> = harness.get_all_by_label("Edit TUF repository").collect();
    assert_eq!(items.len(), 2, "the tab and the menu's entry");
    items.last().unwrap().click();
    harness.run_steps(3);
    assert_eq!(harness.state().state.tab, Tab::TufEditor);
    click(&mut harness, "Checks and findings");
    assert_eq!(harness.state().state.tab, Tab::Overview);

    harness
        .state_mut()
        .push(Command::SetPaneHidden(Pane::Tree, true));
    settle(&mut harness);
    assert!(harness.query_by_label("Delegation tree").is_none());
    let saved = harness.state().state.tiles.save();
    assert!(Arrangement::restore(&saved).is_hidden(Pane::Tree));
    assert!(!Arrangement::restore("{\"not\": \"an arrangement\"}").is_hidden(Pane::Tree));
    harness.state_mut().push(Command::ResetArrangement);
    settle(&mut harness);
    harness.get_by_label("Delegation tree");
}

/// A presenter's keys step the replay (a clicker sends Page Up and Page Down), and
/// presentation mode gives the view the screen: the tree and details fold into the strip over
/// it, which unfolds them; leaving it brings the working arrangement back as it was.
#[test]
fn a_presenter_steps_the_replay_with_keys_and_presentation_mode_gives_the_view_the_screen() {
    let mut harness = opened("talk-alice-bob");
    let index = |harness: &Harness<'_, ChainscopeApp>| harness.state().state.replay.index;
    assert_eq!(index(&harness), 0);
    for (key, expected) in [
        (Key::ArrowRight, 1),
        (Key::PageDown, 2),
        (Key::PageUp, 1),
        (Key::ArrowLeft, 0),
    ] {
        harness.key_press(key);
        harness.run_steps(2);
        assert_eq!(index(&harness), expected, "{key:?}");
    }
    let last = harness
        .state()
        .state
        .workspace()
        .unwrap()
        .trace()
        .unwrap()
        .checks
        .len()
        - 1;
    harness.key_press(Key::End);
    harness.run_steps(2);
    assert_eq!(index(&harness), last);
    harness.key_press(Key::Home);
    harness.run_steps(2);
    assert_eq!(index(&harness), 0);
    harness.key_press(Key::Space);
    harness.run_steps(1);
    assert!(harness.state().state.replay.playing);
    harness.key_press(Key::Space);
    harness.run_steps(1);
    assert!(!harness.state().state.replay.playing);

    let working_graph = harness.state().state.graph.last_rect.unwrap();
    harness.key_press(Key::F11);
    harness.run_steps(4);
    assert!(harness.state().state.presentation);
    assert!(
        harness
            .query_by_label_contains("Leave presentation")
            .is_some()
    );
    // Folded: only the strip's toggle names the tree.
    assert_eq!(harness.get_all_by_label("Delegation tree").count(), 1);
    let presenting_graph = harness.state().state.graph.last_rect.unwrap();
    assert!(
        presenting_graph.width() > working_graph.width(),
        "{presenting_graph:?} {working_graph:?}"
    );
    click(&mut harness, "Delegation tree");
    assert_eq!(harness.get_all_by_label("Delegation tree").count(), 2);
    harness.key_press(Key::F11);
    harness.run_steps(4);
    assert!(!harness.state().state.presentation);
    assert_eq!(harness.get_all_by_label("Delegation tree").count(), 1);
    assert!(
        harness
            .query_by_label_contains("Leave presentation")
            .is_none()
    );
}

/// The layout comparison is asked for, never shown unasked: off when a layout opens, on from
/// its checkbox, drawn and exported in its own colours (never the failure red).
#[test]
fn the_layout_comparison_is_a_toggle_off_by_default_in_its_own_colours() {
    let mut harness = opened("talk-alice-bob");
    assert!(!harness.state().state.graph.compare);
    let svg = |harness: &Harness<'_, ChainscopeApp>, compared: bool| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("graph.svg");
        let workspace = harness.state().state.workspace().unwrap();
        export::write_svg(workspace, Picture::StepGraph, compared, &path).unwrap();
        std::fs::read_to_string(path).unwrap()
    };
    let plain = svg(&harness, false);
    assert!(!plain.contains("#a078e1") && !plain.contains("#28aab4"));
    harness
        .get_by_label("Compare with the earlier layout")
        .click();
    harness.run_steps(2);
    assert!(harness.state().state.graph.compare);
    let compared = svg(&harness, true);
    assert!(compared.contains("#a078e1"), "removed rules, dashed violet");
    assert!(compared.contains("#28aab4"), "the added step");
    assert!(!compared.contains("#c92a2a"));
    harness
        .get_by_label("Compare with the earlier layout")
        .click();
    harness.run_steps(2);
    assert!(!harness.state().state.graph.compare);
}

/// With nothing open the start says what chainscope is and lists the samples: one click
/// writes and opens one (its inspections run, chainscope wrote it), the window's title names
/// it, the Samples menu lists the same, and Help opens the guide and About.
#[test]
fn the_start_opens_a_sample_in_one_click_and_help_explains_the_ideas() {
    let mut harness = harness(app());
    settle(&mut harness);
    harness.get_by_label_contains("in-toto says what must happen");
    assert_eq!(harness.state().title, "chainscope");
    harness.get_by_label("talk-attacker").click();
    settle(&mut harness);
    {
        let app = harness.state();
        assert!(
            app.state
                .current
                .as_deref()
                .unwrap()
                .ends_with("talk-attacker")
        );
        assert!(app.state.written_this_run);
        assert_eq!(
            app.state.workspace().unwrap().verdict(),
            Some(Verdict::Fail)
        );
        assert_eq!(app.title, "talk-attacker — chainscope");
    }
    click(&mut harness, "Samples");
    harness.get_by_label("revoked-bob");
    click(&mut harness, "Samples");

    click(&mut harness, "Help");
    // The entry carries its shortcut from the command table.
    harness.get_by_label_contains("Guide").click();
    harness.run_steps(3);
    for topic in [
        "Layout",
        "Link",
        "Functionary",
        "TUF roles",
        "Delegation",
        "ITE-2",
    ] {
        harness.get_by_label(topic);
    }
    harness
        .state_mut()
        .push(Command::ShowHelp(Some(panels::guide::Help::About)));
    settle(&mut harness);
    harness.get_by_label_contains("chainscope 0.");
    harness.state_mut().push(Command::ShowHelp(None));
    settle(&mut harness);
    assert!(harness.query_by_label_contains("chainscope 0.").is_none());

    // Undo and Redo are in the Edit menu, off while there is nothing to undo.
    click(&mut harness, "Edit");
    assert!(
        harness
            .get_by_label_contains("Undo")
            .accesskit_node()
            .is_disabled()
    );
    assert!(
        harness
            .get_by_label_contains("Redo")
            .accesskit_node()
            .is_disabled()
    );
}

/// Keys are named: the samples' people by their story, the keyid on hover; a key is renamed
/// from its right-click menu, everywhere at once, and the name is kept in the settings.
#[test]
fn keys_are_shown_by_name_and_can_be_renamed() {
    let mut harness = opened("talk-alice-bob");
    click(&mut harness, "step build");
    // Alice is build's functionary.
    harness.get_by_label("alice").click_secondary();
    harness.run_steps(2);
    harness.get_by_label("Name this key:");
    harness
        .get_all_by_role(egui::accesskit::Role::TextInput)
        .last()
        .unwrap()
        .focus();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, Key::A);
    harness
        .get_all_by_role(egui::accesskit::Role::TextInput)
        .last()
        .unwrap()
        .type_text("Alice (release key)");
    harness.run_steps(1);
    click(&mut harness, "Save the name");
    harness.get_by_label("Alice (release key)");
    assert!(harness.query_by_label("alice").is_none());
    let alice = crate::samples::demo_key("alice");
    let names = &harness.state().state.key_names;
    assert_eq!(names.name(alice.keyid()), Some("Alice (release key)"));
    assert!(names.aliases().contains("Alice (release key)"));
}

/// A key file opened by mistake keeps what was open: the banner says it is a PEM public
/// key, not metadata, and offers to name the key after the file, which every view then does.
#[test]
fn a_key_file_opened_by_mistake_is_named_and_can_name_its_key() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("alice-release.pub");
    let alice = crate::samples::demo_key("alice");
    std::fs::write(&key, alice.public_pem()).unwrap();
    let mut harness = opened("talk-alice-bob");
    harness
        .state_mut()
        .push(Command::Open(key.display().to_string()));
    settle(&mut harness);
    harness.get_by_label("Not metadata");
    // In the banner and in the status line.
    assert!(
        harness
            .get_all_by_label_contains("a PEM public key, not metadata")
            .next()
            .is_some()
    );
    assert!(
        harness.state().state.workspace().is_some(),
        "what was open stays open"
    );
    click(&mut harness, "Name its key after this file");
    assert!(harness.state().state.open_failure.is_none());
    assert_eq!(
        harness.state().state.key_names.name(alice.keyid()),
        Some("alice-release")
    );
}

/// The window's icon decodes to the size it was rendered at.
#[test]
fn the_window_icon_is_the_rendered_asset() {
    let icon = super::window_icon();
    assert_eq!((icon.width, icon.height), (256, 256));
    assert_eq!(icon.rgba.len(), 256 * 256 * 4);
}

/// Every primary control is inside the window at the smallest and a large window size, and
/// answers a click: a control off screen does not exist for a user.
#[test]
fn every_primary_control_is_on_screen_and_answers_at_1024_and_1920() {
    for (width, height) in [(1024.0, 700.0), (1920.0, 1080.0)] {
        let mut app = app();
        // From disk: its inspection waits for consent, so "Run inspections…" is offered.
        app.push(Command::Open(sample("talk-alice-bob")));
        let mut harness = Harness::builder()
            .with_size(egui::vec2(width, height))
            .build_ui_state(|ui, app: &mut ChainscopeApp| app.frame_ui(ui), app);
        settle(&mut harness);
        let window = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(width, height));
        for control in [
            "Load",
            "Open…",
            "Reload",
            "Find",
            "Fit",
            "|<",
            "< Back",
            "Play",
            "Forward >",
            ">|",
            "Run inspections…",
        ] {
            let rect = harness.get_by_label(control).rect();
            assert!(
                window.contains_rect(rect),
                "{control} at {rect:?} in {width}x{height}"
            );
        }
        click(&mut harness, "Forward >");
        assert_eq!(harness.state().state.replay.index, 1, "{width}");
        click(&mut harness, "Find");
        click(&mut harness, "Run inspections…");
        assert!(harness.state().state.inspection_dialog.is_some(), "{width}");

        harness
            .state_mut()
            .push(Command::Lab(LabCommand::OpenSample(crate::samples::DEMO)));
        settle(&mut harness);
        let apply = harness.get_by_label("Apply attack").rect();
        assert!(window.contains_rect(apply), "Apply attack at {apply:?}");
    }
}

/// An expanded bin group goes to a bin by name, number or target path (the bin the path
/// hashes to, the one the target search finds) and can list only its failing bins.
#[test]
fn the_bins_go_to_a_bin_by_target_path_and_filter_the_failing() {
    let mut harness = opened("talk-alice-bob");
    let vouching = vouching_role(&harness, "demo-project.tar.gz");
    click(&mut harness, "[+] bins-* · 4 succinct bins");
    harness.get_by_label("Go to:").focus();
    harness
        .get_by_label("Go to:")
        .type_text("demo-project.tar.gz");
    harness.run_steps(1);
    click(&mut harness, "Go");
    assert_eq!(
        harness.state().state.selection,
        Selection::Role {
            role: vouching.clone(),
            delegator: "targets".into()
        }
    );
    assert!(harness.get_all_by_label("bins-0").next().is_some());
    click(&mut harness, "only failing");
    // Every bin of the demo passes: none is listed (the selected one stays named in Details).
    for bin in ["bins-0", "bins-1", "bins-2", "bins-3"] {
        if bin != vouching {
            assert!(harness.query_by_label(bin).is_none(), "{bin}");
        }
    }
}

/// While what is open is verified again, its tiles stay under a dimmed layer with the
/// progress and Cancel over them, once the reload has run longer than a reload that ends soon
/// (which just shows its result); nothing is dimmed otherwise.
#[test]
fn a_reload_dims_the_old_result_under_its_progress() {
    let mut harness = opened("talk-alice-bob");
    assert!(
        harness
            .query_by_label("Reading and verifying again…")
            .is_none()
    );
    // Drawn as during a reload: the old result is still the one open.
    harness.state_mut().state.status.busy = true;
    harness.state_mut().state.status.started = Some(std::time::Instant::now());
    harness.run_steps(2);
    assert!(
        harness
            .query_by_label("Reading and verifying again…")
            .is_none(),
        "a reload that just began is not dimmed yet"
    );
    harness.state_mut().state.status.started =
        std::time::Instant::now().checked_sub(Duration::from_secs(1));
    // A new area is measured in its first frame and shown in the next.
    harness.run_steps(2);
    harness.get_by_label("Reading and verifying again…");
    harness.get_by_label("step build");
    assert!(
        harness.get_all_by_label("Cancel").count() >= 2,
        "the overlay's and the status bar's"
    );
    harness.state_mut().state.status.busy = false;
    harness.run_steps(1);
    assert!(
        harness
            .query_by_label("Reading and verifying again…")
            .is_none()
    );
}

/// Ctrl+P lists every command of the table with its shortcut; typing narrows it, Up/Down and
/// Enter run one, Esc closes; a command that cannot run now is listed but does nothing.
#[test]
fn the_command_palette_runs_what_is_typed_with_the_shortcuts_the_menus_show() {
    use crate::app::ui_command::UiCommand;
    let mut harness = opened("talk-alice-bob");
    harness.key_press_modifiers(egui::Modifiers::COMMAND, Key::P);
    harness.run_steps(4);
    assert!(harness.state().state.palette.open);
    // Its shortcut is listed beside it, as the menus show it.
    harness.get_by_label_contains("Open file…");
    assert!(harness.query_by_label_contains("Ctrl+O").is_some());
    harness
        .get_by_label("Command palette")
        .type_text("presentation");
    harness.run_steps(3);
    let entries = crate::app::panels::palette::matching(&harness.state().state, "presentation");
    assert_eq!(
        entries.first(),
        Some(&crate::app::panels::palette::Entry::Command(
            UiCommand::Presentation
        ))
    );
    enter(&mut harness);
    assert!(harness.state().state.presentation);
    assert!(!harness.state().state.palette.open);

    // Down then Enter runs the second match; typing replays nothing while the palette is open.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, Key::P);
    harness.run_steps(4);
    harness.get_by_label("Command palette").type_text("replay");
    harness.run_steps(2);
    let entries = crate::app::panels::palette::matching(&harness.state().state, "replay");
    let forward = entries
        .iter()
        .position(|e| *e == crate::app::panels::palette::Entry::Command(UiCommand::ReplayForward))
        .expect("Replay: next check is listed");
    assert!(forward > 0, "{entries:?}");
    harness.key_press(Key::ArrowRight);
    harness.run_steps(2);
    assert_eq!(
        harness.state().state.replay.index,
        0,
        "the arrow moved the cursor"
    );
    for _ in 0..=forward {
        harness.key_press(Key::ArrowDown);
        harness.run_steps(1);
    }
    harness.key_press(Key::ArrowUp);
    harness.run_steps(1);
    enter(&mut harness);
    assert_eq!(
        harness.state().state.replay.index,
        1,
        "Replay: next check ran"
    );

    // Nothing to undo: listed, greyed, and Enter leaves the palette open doing nothing.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, Key::P);
    harness.run_steps(4);
    harness.get_by_label("Command palette").type_text("undo");
    harness.run_steps(2);
    enter(&mut harness);
    assert!(harness.state().state.palette.open);
    harness.key_press(Key::Escape);
    harness.run_steps(3);
    assert!(!harness.state().state.palette.open);

    // A sample by name.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, Key::P);
    harness.run_steps(4);
    harness
        .get_by_label("Command palette")
        .type_text("sample talk-attacker");
    harness.run_steps(2);
    enter(&mut harness);
    settle(&mut harness);
    assert!(
        harness
            .state()
            .state
            .current
            .as_deref()
            .is_some_and(|c| c.contains("talk-attacker")),
        "{:?}",
        harness.state().state.current
    );
}

/// The menus show each command's shortcut from the table, and the shortcut does what the
/// menu entry does.
#[test]
fn menu_entries_and_shortcuts_come_from_one_table() {
    let mut harness = opened("talk-alice-bob");
    click(&mut harness, "View");
    // The button's label carries its shortcut text from the table.
    assert!(
        harness
            .query_by_label_contains("Presentation mode")
            .is_some()
            && harness.query_by_label_contains("F11").is_some()
    );
    harness.get_by_label_contains("Presentation mode").click();
    harness.run_steps(4);
    assert!(harness.state().state.presentation);
    harness.key_press(Key::F11);
    harness.run_steps(4);
    assert!(!harness.state().state.presentation);
    // F1 opens the guide, as Help > Guide does.
    harness.key_press(Key::F1);
    harness.run_steps(4);
    assert_eq!(
        harness.state().state.help,
        Some(crate::app::panels::guide::Help::Guide)
    );
}

/// At 1024×700: Enter submits the field it is in; saving an unsigned layout, or one lint
/// finds errors in, says so first and writes nothing until told; a new layout over unsaved
/// changes offers Save (which saves, then goes on), Discard and Cancel.
#[test]
fn the_layout_editor_says_so_first_and_enter_submits_at_1024() {
    let dir = tempfile::tempdir().unwrap();
    let (owner_key, _, owner) = write_key(dir.path(), "owner", 7);
    let (_, alice_pub, _) = write_key(dir.path(), "alice", 8);
    let mut app = app();
    app.push(Command::Editor(EditorCommand::New(Some(
        crate::edit::templates::Template::CreateBuild,
    ))));
    let mut harness = harness_at(app, 1024.0, 700.0);
    settle(&mut harness);
    let steps = |harness: &Harness<'_, ChainscopeApp>| -> Vec<String> {
        harness
            .state()
            .state
            .layout_editor
            .document
            .as_ref()
            .unwrap()
            .layout()
            .steps()
            .iter()
            .map(|s| s.name.clone())
            .collect()
    };

    // Enter in "New step:" adds it.
    type_into(&mut harness, "New step:", "test");
    enter(&mut harness);
    assert_eq!(steps(&harness), ["create", "build", "test"]);
    // Enter in the pattern adds the rule the builder shows.
    click(&mut harness, "DISALLOW");
    type_into(&mut harness, "Pattern:", "*");
    enter(&mut harness);
    let layout = harness
        .state()
        .state
        .layout_editor
        .document
        .as_ref()
        .unwrap()
        .layout()
        .clone();
    let test = layout.steps().iter().find(|s| s.name == "test").unwrap();
    assert_eq!(test.expected_materials().len(), 1);
    // Enter in the key field adds the functionary, and a second rule fits below.
    for step in ["create", "build", "test"] {
        click(&mut harness, step);
        assert_eq!(
            harness.state().state.layout_editor.selected.as_deref(),
            Some(step)
        );
        type_into(&mut harness, "Key file:", &alice_pub.display().to_string());
        enter(&mut harness);
    }
    click(&mut harness, "ALLOW");
    type_into(&mut harness, "Pattern:", "project/*");
    click(&mut harness, "Add rule");
    let layout = harness
        .state()
        .state
        .layout_editor
        .document
        .as_ref()
        .unwrap()
        .layout()
        .clone();
    let test = layout.steps().iter().find(|s| s.name == "test").unwrap();
    assert_eq!(test.expected_materials().len(), 2, "a second rule");

    // Unsigned: the save asks first; Cancel writes nothing.
    let out = dir.path().join("root.layout");
    type_into(&mut harness, "Save as:", &out.display().to_string());
    enter(&mut harness);
    harness.get_by_label("Save this layout as it is?");
    harness.get_by_label_contains("It is not signed");
    click(&mut harness, "Cancel");
    assert!(harness.state().state.layout_editor.save_confirm.is_none());
    assert!(!out.exists());

    // Signed with a key picked by name from those beside where the layout is saved (alice
    // is named after the .pub added as a functionary; Enter in the passphrase field signs),
    // nothing to ask: saved at once.
    open_sign_dialog(&mut harness);
    let offered: Vec<PathBuf> = harness
        .state()
        .state
        .sign_dialog
        .as_ref()
        .unwrap()
        .candidates
        .iter()
        .flatten()
        .map(|k| k.path.clone())
        .collect();
    assert_eq!(offered, [dir.path().join("alice"), owner_key.clone()]);
    // An encrypted key with a wrong passphrase: the dialog stays open and says why.
    let carol = dir.path().join("carol.key");
    std::fs::write(
        &carol,
        PrivateKey::ed25519_from_seed(&[9; 32])
            .to_encrypted_pkcs8_pem("right")
            .unwrap()
            .as_bytes(),
    )
    .unwrap();
    type_into(&mut harness, "Signing key:", &carol.display().to_string());
    type_into(&mut harness, "Passphrase:", "wrong");
    enter(&mut harness);
    let dialog = harness
        .state()
        .state
        .sign_dialog
        .as_ref()
        .expect("still open");
    assert!(
        dialog.error.is_some(),
        "{:?}",
        harness.state().state.layout_editor.message
    );
    harness.get_by_label("0 signatures");

    click(
        &mut harness,
        &format!("owner ({})", crate::crypto::threshold::short(owner.keyid())),
    );
    assert_eq!(
        harness
            .state()
            .state
            .sign_dialog
            .as_ref()
            .unwrap()
            .path_text,
        owner_key.display().to_string()
    );
    type_into(&mut harness, "Passphrase:", "");
    enter(&mut harness);
    assert!(harness.state().state.sign_dialog.is_none());
    harness.get_by_label("1 signature");
    // From now on the key is called owner, and it is the first key offered next time.
    harness.get_by_label("owner");
    assert_eq!(
        harness.state().state.signing_keys,
        std::slice::from_ref(&owner_key)
    );
    assert_eq!(
        harness
            .state()
            .state
            .layout_editor
            .save_concerns(crate::time::UtcTime::now()),
        Vec::<String>::new(),
        "{:?}",
        harness.state().state.layout_editor.message
    );
    click(&mut harness, "Save the layout");
    harness.run_steps(3);
    assert!(harness.state().state.layout_editor.save_confirm.is_none());
    assert!(out.exists());
    crate::intoto::Document::from_bytes(&std::fs::read(&out).unwrap()).unwrap();

    // An edit, then a new layout: the guard's Save saves (unsigned now, it says so) and
    // goes on to the new layout.
    click(&mut harness, "Raise threshold");
    harness.get_by_label("unsaved changes");
    harness
        .state_mut()
        .push(Command::Editor(EditorCommand::New(None)));
    settle(&mut harness);
    harness.get_by_label("Save the changes to the layout?");
    harness.get_by_label_contains("no longer verify");
    click(&mut harness, "Save");
    assert!(harness.state().state.unsaved_guard.is_none());
    assert_eq!(
        steps(&harness),
        Vec::<String>::new(),
        "the new layout is open"
    );
    let saved = crate::intoto::Document::from_bytes(&std::fs::read(&out).unwrap()).unwrap();
    let json = String::from_utf8(std::fs::read(&out).unwrap()).unwrap();
    assert!(
        json.contains("\"threshold\": 2") || json.contains("\"threshold\":2"),
        "{json}"
    );
    drop(saved);
}

/// The keys view of the demo: the online key online (it signs timestamp, snapshot and the
/// bins), the targets key offline, alice a functionary; a key generated (named after its
/// file, unused), a public key exported that reads back as the same key.
#[test]
fn the_keys_view_lists_what_each_key_serves_and_generates_and_exports_keys() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = opened("talk-alice-bob");
    harness
        .state_mut()
        .push(Command::ShowPane(crate::app::tiles::Pane::View(Tab::Keys)));
    settle(&mut harness);
    harness.get_by_label_contains("Keys of what is open");
    assert!(harness.get_all_by_label("online").count() >= 1);
    assert!(harness.get_all_by_label("offline").count() >= 1);
    assert!(harness.get_all_by_label("functionary").count() >= 2);
    harness.get_by_label_contains("bins-* (4 bins");

    type_into(&mut harness, "Name:", "carol");
    type_into(
        &mut harness,
        "In folder:",
        &dir.path().display().to_string(),
    );
    click(&mut harness, "Generate");
    settle(&mut harness);
    let (ok, message) = harness.state().state.keys.message.clone().unwrap();
    assert!(ok, "{message}");
    assert!(
        message.contains("Named carol; nothing open uses it."),
        "{message}"
    );
    assert!(dir.path().join("carol").exists() && dir.path().join("carol.pub").exists());
    // Never overwritten.
    click(&mut harness, "Generate");
    settle(&mut harness);
    let (ok, message) = harness.state().state.keys.message.clone().unwrap();
    assert!(!ok, "{message}");

    let online = crate::samples::demo_key("online")
        .public()
        .keyid()
        .to_owned();
    let out = dir.path().join("online.pub");
    harness
        .state_mut()
        .push(Command::Keys(crate::app::KeysCommand::Export {
            keyid: online.clone(),
            path: out.clone(),
        }));
    settle(&mut harness);
    let (ok, message) = harness.state().state.keys.message.clone().unwrap();
    assert!(ok, "{message}");
    let read = crate::crypto::keyfile::read_key_file(&out, None).unwrap();
    assert_eq!(read.public().keyid(), online);
}

#[test]
fn an_attestation_folder_opens_with_its_step_graph_expected_predicates_and_checks() {
    let mut harness = opened("talk-alice-bob-attestations");
    harness.get_by_label("PASS");
    for step in ["step create", "step build", "step test"] {
        harness.get_by_label(step);
    }
    click(&mut harness, "step build");
    harness.get_by_label("Step build");
    harness.get_by_label("Expects SLSA provenance v1");
    harness.get_by_label_contains("predicate.runDetails.builder.id ==");
    harness.get_by_label("Attestations found: 1");
    harness.get_by_label_contains("(a functionary of this step)");
    // The verification's checks (the checks view and the replay step through them), CEL
    // rules among them.
    let trace = harness.state().state.workspace().unwrap().trace().unwrap();
    assert_eq!(
        trace
            .checks
            .iter()
            .filter(|c| c.id == "attest.step.attribute")
            .count(),
        5
    );

    // An attack: the failing check is the builder rule.
    let harness = opened("talk-alice-bob-attestations-wrong-builder");
    harness.get_by_label("FAIL");
    let workspace = harness.state().state.workspace().unwrap();
    let (_, check) = workspace.trace().unwrap().first_failure().unwrap();
    assert_eq!(check.id, "attest.step.attribute");
    assert_eq!(check.subject.to_string(), "build attribute rule #1");
}

#[test]
fn an_opened_sigstore_bundle_is_verified_from_the_form_and_replayed() {
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join(
        "tests/data/real-world/sigstore-conformance/bundle-verify/intoto-with-custom-trust-root",
    );
    let mut app = app();
    app.push(Command::Open(
        case.join("bundle.sigstore.json").display().to_string(),
    ));
    let mut harness = harness_at(app, 1024.0, 700.0);
    settle(&mut harness);
    // Read, not verified: no verdict until someone says who must have signed.
    harness.get_by_label("Verify with Sigstore");
    assert_eq!(harness.state().state.workspace().unwrap().verdict(), None);
    let identity = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
    type_into(&mut harness, "Certificate identity", identity);
    type_into(
        &mut harness,
        "OIDC issuer",
        "https://token.actions.githubusercontent.com",
    );
    type_into(
        &mut harness,
        "Artifact",
        &case.join("artifact").display().to_string(),
    );
    type_into(
        &mut harness,
        "Trusted root",
        &case.join("trusted_root.json").display().to_string(),
    );
    click(&mut harness, "Verify bundle");
    settle(&mut harness);
    let workspace = harness.state().state.workspace().unwrap();
    assert_eq!(workspace.verdict(), Some(crate::trace::Verdict::Pass));
    let ids: Vec<&str> = workspace
        .trace()
        .unwrap()
        .checks
        .iter()
        .map(|c| c.id)
        .collect();
    assert!(
        ids.contains(&"sigstore.certificate") && ids.contains(&"sigstore.tlog"),
        "{ids:?}"
    );
    harness.get_by_label_contains("Verified against https://github.com/sigstore-conformance");

    // Someone else: the identity check fails, and the verdict says so.
    type_into(&mut harness, "Certificate identity", "x");
    click(&mut harness, "Verify bundle");
    settle(&mut harness);
    let workspace = harness.state().state.workspace().unwrap();
    assert_eq!(workspace.verdict(), Some(crate::trace::Verdict::Fail));
    let (_, failed) = workspace.trace().unwrap().first_failure().unwrap();
    assert_eq!(failed.id, "sigstore.identity");
}

/// The ITE-10 layout of an opened attestation folder, edited in the app: CEL is checked as it
/// is typed, the rule is added (an action: undo and redo), the layout saved over the folder's,
/// and the folder verified again, failing at the new rule; a new layout asks first about
/// unsaved changes.
#[test]
fn an_attestation_layout_is_edited_with_cel_checked_as_typed_saved_and_verified_again() {
    let (_dir, folder) = attestation_sample();
    let mut app = app();
    app.push(Command::Open(folder.display().to_string()));
    let mut harness = harness(app);
    settle(&mut harness);
    assert_eq!(
        harness.state().state.workspace().unwrap().verdict(),
        Some(Verdict::Pass)
    );
    harness
        .state_mut()
        .push(Command::ShowTab(Tab::LayoutEditor));
    settle(&mut harness);
    click(&mut harness, "Edit the opened layout");
    harness.get_by_label("ITE-10 attestation layout");
    harness.get_by_label("No findings.");
    assert!(!harness.state().state.attest_editor.is_dirty());
    harness
        .state_mut()
        .push(Command::AttestEditor(AttestEditorCommand::Select(Some(
            "test".into(),
        ))));
    settle(&mut harness);
    harness.get_by_label("Step test");

    type_into(&mut harness, "New CEL rule:", "predicate.result ==");
    let error = harness
        .query_all_by_label_contains("CEL: ")
        .map(|n| n.accesskit_node().label().unwrap_or_default())
        .collect::<Vec<_>>();
    assert!(
        error.len() == 1 && !error[0].contains("parses"),
        "{error:?}"
    );
    type_into(
        &mut harness,
        "New CEL rule:",
        "predicate.result == 'FAILED'",
    );
    harness.get_by_label("CEL: parses");
    click(&mut harness, "Add rule");
    let rules = |harness: &Harness<'_, ChainscopeApp>| {
        harness
            .state()
            .state
            .attest_editor
            .document
            .as_ref()
            .unwrap()
            .layout()
            .steps[2]
            .expected_predicates[0]
            .expected_attributes
            .iter()
            .map(|r| r.rule.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(rules(&harness).len(), 3);
    assert_eq!(rules(&harness)[2], "predicate.result == 'FAILED'");
    click(&mut harness, "Undo");
    assert_eq!(rules(&harness).len(), 2);
    click(&mut harness, "Redo");
    assert_eq!(rules(&harness).len(), 3);
    harness.get_by_label("unsaved changes");

    // Saved over the folder's layout: the folder is verified again and fails at the new rule.
    assert_eq!(
        harness.state().state.attest_editor.save_path,
        folder.join("layout.yml").display().to_string()
    );
    click(&mut harness, "Save");
    harness.get_by_label("saved");
    await_reload(&mut harness);
    let workspace = harness.state().state.workspace().unwrap();
    let (_, check) = workspace.trace().unwrap().first_failure().unwrap();
    assert_eq!(
        (check.id, check.subject.to_string().as_str()),
        ("attest.step.attribute", "test attribute rule #3")
    );

    // Unsaved changes are not dropped without asking.
    type_into(&mut harness, "New step:", "publish");
    click(&mut harness, "Add step");
    harness
        .state_mut()
        .push(Command::AttestEditor(AttestEditorCommand::New));
    settle(&mut harness);
    harness.get_by_label("Save the changes to the attestation layout?");
    click(&mut harness, "Discard changes");
    let layout = harness
        .state()
        .state
        .attest_editor
        .document
        .as_ref()
        .unwrap()
        .layout();
    assert!(layout.steps.is_empty());
}

/// The attestation layout is signed in the editor with a key typed into the signing dialog
/// and saved over the folder's layout as a DSSE envelope; with the owner's .pub in the folder
/// the re-verified folder checks that signature and passes; an edit takes the signature off,
/// and the editor says so.
#[test]
fn an_attestation_layout_is_signed_in_the_editor_and_its_folder_checks_the_signature() {
    let (_dir, folder) = attestation_sample();
    let keys = tempfile::tempdir().unwrap();
    let (owner_key, owner_pub, owner) = write_key(keys.path(), "owner", 41);
    std::fs::copy(&owner_pub, folder.join("owner.pub")).unwrap();
    let mut app = app();
    app.push(Command::Open(folder.display().to_string()));
    let mut harness = harness(app);
    settle(&mut harness);
    harness
        .state_mut()
        .push(Command::ShowTab(Tab::LayoutEditor));
    settle(&mut harness);
    click(&mut harness, "Edit the opened layout");
    harness.get_by_label_contains("Not signed: saving writes the YAML");

    open_sign_dialog(&mut harness);
    harness.get_by_label("Sign the attestation layout");
    // A public key is refused in the dialog, which stays open.
    type_into(
        &mut harness,
        "Signing key:",
        &owner_pub.display().to_string(),
    );
    click(&mut harness, "Sign");
    let dialog = harness.state().state.sign_dialog.as_ref().unwrap();
    assert!(dialog.error.is_some() && !dialog.signing);
    type_into(
        &mut harness,
        "Signing key:",
        &owner_key.display().to_string(),
    );
    click(&mut harness, "Sign");
    assert!(harness.state().state.sign_dialog.is_none());
    harness.get_by_label_contains("Signed (DSSE) by owner");
    harness.get_by_label("unsaved changes");
    click(&mut harness, "Save");
    harness.get_by_label("saved");
    await_reload(&mut harness);

    let saved = std::fs::read(folder.join("layout.yml")).unwrap();
    let envelope: serde_json::Value = serde_json::from_slice(&saved).unwrap();
    assert_eq!(envelope["signatures"][0]["keyid"], owner.keyid());
    let workspace = harness.state().state.workspace().unwrap();
    assert_eq!(workspace.verdict(), Some(Verdict::Pass));
    let trace = workspace.trace().unwrap();
    let signature = trace
        .checks
        .iter()
        .find(|c| c.id == "attest.layout.signatures")
        .unwrap();
    assert_eq!(signature.outcome, crate::trace::Outcome::Pass);
    assert!(
        workspace.notes.iter().any(|n| n.contains("owner.pub")),
        "{:?}",
        workspace.notes
    );

    // Without the owner's .pub, the signed layout's origin cannot be checked: it fails there.
    std::fs::remove_file(folder.join("owner.pub")).unwrap();
    harness
        .state_mut()
        .push(Command::Open(folder.display().to_string()));
    settle(&mut harness);
    let workspace = harness.state().state.workspace().unwrap();
    let (_, check) = workspace.trace().unwrap().first_failure().unwrap();
    assert_eq!(check.id, "attest.layout.signatures");

    // An edit: the signature no longer covers the layout.
    type_into(&mut harness, "New step:", "publish");
    click(&mut harness, "Add step");
    harness.get_by_label_contains("1 signature made before the last edits no longer covers");
}

/// An attestation opened on its own is drawn as provenance: what went in, who built it and how
/// (with the certificate's identity for a Sigstore bundle), what came out; side by side at
/// 1024×700, within the window.
#[test]
fn an_opened_provenance_is_drawn_inputs_builder_and_subjects() {
    let bundle = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/real-world/sigstore-rust/sigstore.js@2.0.0-provenance.sigstore.json");
    let mut app = app();
    app.push(Command::Open(bundle.display().to_string()));
    let mut harness = harness_at(app, 1024.0, 700.0);
    settle(&mut harness);
    harness.get_by_label("Provenance");
    let window = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1024.0, 700.0));
    let inputs = harness.get_by_label("Resolved dependencies (1)").rect();
    let built = harness.get_by_label("Built by").rect();
    let subjects = harness.get_by_label("Subjects (1)").rect();
    for rect in [inputs, built, subjects] {
        assert!(window.contains_rect(rect), "{rect:?}");
    }
    assert!(inputs.right() < built.left() && built.right() < subjects.left());
    harness.get_by_label("git+https://github.com/sigstore/sigstore-js@refs/heads/main");
    harness.get_by_label("pkg:npm/sigstore@2.0.0");
    harness.get_by_label("Signed, says Fulcio's certificate");
    assert!(
        harness
            .query_all_by_label("https://github.com/actions/runner/github-hosted")
            .next()
            .is_some()
    );

    // The sample's build: Carol's CI from foo.py to the package.
    let harness = opened("talk-alice-bob-attestations/build.a2a66b31.json");
    harness.get_by_label("Resolved dependencies (1)");
    harness.get_by_label("Subjects (1)");
    assert!(
        harness
            .query_all_by_label("demo-project/foo.py")
            .next()
            .is_some()
    );
    assert!(
        harness
            .query_all_by_label("demo-project.tar.gz")
            .next()
            .is_some()
    );
    assert!(
        harness
            .query_by_label("Signed, says Fulcio's certificate")
            .is_none()
    );
}

/// A TUF repository that distributes the attestation chain (ITE-2 with an ITE-10 layout) opens
/// like any repository: the package is verified end to end, and the step graph is the
/// attestation layout's over the attestations TUF delivered.
#[test]
fn a_repository_distributing_attestations_opens_verified_with_its_step_graph() {
    let dir = tempfile::tempdir().unwrap();
    let repo = crate::samples::attestations::write_distributed(dir.path(), |_, _, _| {}).unwrap();
    let mut app = app();
    app.push(Command::Open(repo.display().to_string()));
    let mut harness = harness(app);
    settle(&mut harness);
    let workspace = harness.state().state.workspace().unwrap();
    assert_eq!(workspace.target.as_deref(), Some(crate::samples::PACKAGE));
    let report = workspace.ite2.as_ref().unwrap();
    assert_eq!(
        report.trace.verdict(),
        Verdict::Pass,
        "{}",
        report.trace.render_text()
    );
    assert!(report.trace.checks.iter().any(|c| c.id == "ite2.attested"));
    let layout = workspace.layout.as_ref().unwrap();
    assert!(layout.layout.is_none(), "an ITE-10 layout");
    let steps: Vec<&str> = layout.graph.nodes.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(steps, ["create", "build", "test"]);
    assert_eq!(layout.links.len(), 3);
    harness.get_by_label("PASS");
    harness.get_by_label("step build");

    // The same repository, bundled as a sample: one click from the Samples menu.
    let harness = opened(crate::samples::attestations::DISTRIBUTED);
    let report = harness
        .state()
        .state
        .workspace()
        .unwrap()
        .ite2
        .as_ref()
        .unwrap();
    assert_eq!(
        report.trace.verdict(),
        Verdict::Pass,
        "{}",
        report.trace.render_text()
    );
    harness.get_by_label("step test");
}

/// A hostile attestation layout in the editor: functionary IDs and step names of multi-byte and
/// control characters are drawn escaped, never cut inside a character (the window keeps
/// running).
#[test]
fn a_hostile_attestation_layout_opens_in_the_editor_without_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let layout = "expires: \"2099-01-01T00:00:00Z\"\nfunctionaries:\n  \"ééééééééééé\\u001b[31m\":\n    keyType: \"ed25519\"\n    scheme: \"ed25519\"\n    keyVal:\n      public: \"zz\"\nsteps:\n  - name: \"bu\\u001b[2Jild\"\n    expectedPredicates:\n      - predicateType: \"https://slsa.dev/provenance/v1\"\n        functionaries: [\"ééééééééééé\\u001b[31m\"]\n";
    std::fs::write(dir.path().join("layout.yml"), layout).unwrap();
    let mut app = app();
    app.push(Command::Open(dir.path().display().to_string()));
    let mut harness = harness_at(app, 1024.0, 700.0);
    settle(&mut harness);
    harness
        .state_mut()
        .push(Command::ShowTab(Tab::LayoutEditor));
    harness
        .state_mut()
        .push(Command::AttestEditor(AttestEditorCommand::FromOpened));
    settle(&mut harness);
    harness.run_steps(3);
    let editor = &harness.state().state.attest_editor;
    assert_eq!(editor.document.as_ref().unwrap().layout().steps.len(), 1);
    let raw: Vec<String> = harness
        .query_all_by_label_contains("\u{1b}")
        .map(|n| {
            format!(
                "{:?} {:?}",
                n.accesskit_node().role(),
                n.accesskit_node().label()
            )
        })
        .collect();
    assert!(
        raw.is_empty(),
        "no raw escape character reaches a label: {raw:?}"
    );
    harness.get_by_label_contains("Lint (");
}

/// A file changed while the first load ran, before anything watched the folder, is not
/// missed: once the app watches, it compares the files with the stamps the load took, and
/// reloads saying what changed.
#[test]
fn a_change_made_while_the_first_load_ran_is_found_once_the_folder_is_watched() {
    let (_dir, folder) = attestation_sample();
    let mut app = app();
    // The load as the worker runs it: its stamps are taken here.
    let input = folder.display().to_string();
    let mut options = LoadOptions::new(app.state.now.unwrap());
    options.role_cache = None;
    let workspace = crate::workspace::detect(&input)
        .and_then(|source| crate::workspace::load(&source, &options))
        .unwrap();
    // Changed while nothing watches yet (other length, so the stamps differ).
    let layout = folder.join("layout.yml");
    let mut bytes = std::fs::read(&layout).unwrap();
    bytes.extend_from_slice(b"# edited while the load ran\n");
    std::fs::write(&layout, bytes).unwrap();
    app.state.current = Some(input);
    app.state.status.busy = true;
    let generation = app.generation;
    app.events_tx
        .send(Event::Loaded {
            generation,
            result: Box::new(Ok(workspace)),
        })
        .unwrap();
    let mut harness = harness(app);
    await_reload(&mut harness);
    let changes = harness.state().state.changes.clone().unwrap();
    assert_eq!(changes.files.modified, ["layout.yml"]);
    assert!(changes.files.added.is_empty() && changes.files.removed.is_empty());
}

/// Once the folder is watched, a reload after a change takes its stamps from what the watcher
/// heard (no scan of every file), and they are what a scan finds: the change note names the
/// file, and a second change is described against the stamps the first reload took.
#[test]
fn a_reload_after_a_watched_change_stamps_only_what_the_watcher_heard() {
    let (_dir, folder) = attestation_sample();
    let mut app = app();
    app.push(Command::Open(folder.display().to_string()));
    let mut harness = harness(app);
    settle_until(&mut harness, "the folder loads and is watched", |app| {
        app.watcher.is_some() && !app.is_busy()
    });
    for (round, file) in ["layout.yml", "README.md"].iter().enumerate() {
        harness.state_mut().state.changes = None;
        let path = folder.join(file);
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend_from_slice(format!("\n# edit {round}\n").as_bytes());
        std::fs::write(&path, bytes).unwrap();
        await_reload(&mut harness);
        let app = harness.state();
        let changes = app.state.changes.clone().unwrap();
        assert_eq!(changes.files.modified, [*file], "round {round}");
        assert!(changes.files.added.is_empty() && changes.files.removed.is_empty());
        let workspace = app.state.workspace().unwrap();
        assert_eq!(
            *workspace.files,
            crate::workspace::FileStamps::scan(&folder, false),
            "round {round}: the stamps are a scan's"
        );
    }
}
