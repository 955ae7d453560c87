//! Driving the app in the interop tests as a user would: clicks and typing on what is
//! shown (scrolled to first, as below the fold at 1024×700), and waiting for its workers.

use chainscope::app::ChainscopeApp;
use egui::Key;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;

/// Steps frames until `done` holds (a load, the signing dialog's keys), a minute at most.
pub fn settle(
    harness: &mut Harness<'_, ChainscopeApp>,
    what: &str,
    done: impl Fn(&ChainscopeApp) -> bool,
) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
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

/// Clicks the widget labelled `label`, scrolled into view first.
pub fn click(harness: &mut Harness<'_, ChainscopeApp>, label: &str) {
    harness.get_by_label(label).scroll_to_me();
    // Scrolling is animated: let it settle before aiming.
    harness.run_steps(20);
    harness.get_by_label(label).click();
    harness.run_steps(3);
    // What the click started on a worker (a key read, a signature, a save) is back.
    idle(harness);
}

/// Presses Enter in the focused field and waits for what it started.
pub fn enter(harness: &mut Harness<'_, ChainscopeApp>) {
    harness.key_press(Key::Enter);
    harness.run_steps(3);
    idle(harness);
}

/// Steps frames until no worker is busy.
pub fn idle(harness: &mut Harness<'_, ChainscopeApp>) {
    settle(harness, "the app settles", |app| !app.is_busy());
}

/// Replaces the text of the field labelled `label` with `text`.
pub fn type_into(harness: &mut Harness<'_, ChainscopeApp>, label: &str, text: &str) {
    harness.get_by_label(label).scroll_to_me();
    harness.run_steps(20);
    harness.get_by_label(label).focus();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, Key::A);
    harness.get_by_label(label).type_text(text);
    harness.run_steps(2);
}
