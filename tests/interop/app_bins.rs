//! The app with a repository of many hash bins made by python-tuf: the bins' checks are one
//! row of the checks list, which lists every one of them when opened.

use std::sync::Arc;
use std::time::Duration;

use chainscope::app::dialog::NoDialog;
use chainscope::app::{ChainscopeApp, Command, Tab};
use chainscope::time::UtcTime;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;

use crate::path_str;
use crate::tuf_client::bins_repository;

#[test]
fn the_checks_list_shows_the_bins_as_one_row_that_opens_into_their_checks() {
    let repo = bins_repository("succinct", 32, 300);
    let mut app = ChainscopeApp::new(Arc::new(NoDialog), None);
    app.state.now = Some(UtcTime::parse_rfc3339("2026-12-01T00:00:00Z").unwrap());
    app.push(Command::Open(path_str(repo.path()).to_owned()));
    app.push(Command::ShowTab(Tab::Overview));
    // Tall enough that the group's row is on screen without scrolling the list.
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1400.0, 1200.0))
        .build_ui_state(|ui, app: &mut ChainscopeApp| app.frame_ui(ui), app);
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        harness.step();
        if !harness.state().is_busy() && harness.state().state.workspace().is_some() {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the repository loads");
        harness
            .state_mut()
            .wait_for_worker(Duration::from_millis(200));
    }
    harness.run_steps(3);
    let row = "▸ 32 roles delegated by targets (160 checks)";
    eprintln!("DEBUG row rect {:?}", harness.get_by_label(row).rect());
    harness.get_by_label(row).click();
    harness.run_steps(3);
    eprintln!(
        "DEBUG open {:?}",
        harness
            .query_by_label(&row.replacen('▸', "▾", 1))
            .map(|n| n.rect())
    );
    harness.get_by_label("fetch 1.bins-00.json");
    // Numbered as the checks they are: the group holds checks 18 to 177.
    harness.get_by_label("  18");
    harness.get_by_label("snapshot lists no length or hashes for bins-00: nothing to compare");
    harness.get_by_label(&row.replacen('▸', "▾", 1)).click();
    harness.run_steps(3);
    assert!(harness.query_by_label("fetch 1.bins-00.json").is_none());
}
