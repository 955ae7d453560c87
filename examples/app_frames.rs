//! The app's CPU time per frame with a large repository open, its bins expanded and scrolled,
//! and the time to its first frame while loading goes on in the background. Runs the real app
//! code headless (egui_kittest), with layout and tessellation: everything but the GPU upload.
//!   cargo run --release --example app_frames -- REPO NOW [FRAMES]
//! Prints one line: `first_frame_ms loading_in_background frame_mean_ms frame_p95_ms frame_max_ms bins`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chainscope::app::dialog::NoDialog;
use chainscope::app::{ChainscopeApp, Command};
use chainscope::graph::tree::Row;
use chainscope::time::UtcTime;
use egui_kittest::Harness;

/// CPU time of this thread: the frame's own work, not the loader's or anyone else's.
fn thread_cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // utime and stime are fields 14 and 15 (1-based), 11 and 12 after the name and state.
    let total = ticks(11) + ticks(12);
    Duration::from_millis(total * 10)
}

fn main() {
    chainscope::memory::configure();
    let mut args = std::env::args().skip(1);
    let repo = args.next().expect("REPO");
    let now = UtcTime::parse_rfc3339(&args.next().expect("NOW")).expect("NOW as RFC 3339");
    let frames: usize = args.next().map_or(300, |n| n.parse().expect("FRAMES"));

    let start = Instant::now();
    let mut app = ChainscopeApp::new(Arc::new(NoDialog), None);
    app.state.now = Some(now);
    app.push(Command::Open(repo));
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_ui_state(|ui, app: &mut ChainscopeApp| app.frame_ui(ui), app);
    harness.step();
    harness.step();
    let first_frame = start.elapsed();
    let in_background = harness.state().is_busy();

    while harness.state().is_busy() {
        harness.step();
        std::thread::sleep(Duration::from_millis(5));
    }
    let (delegator, bins) = {
        let workspace = harness
            .state()
            .state
            .workspace()
            .expect("the repository loads");
        let tree = workspace.tree.as_ref().expect("a delegation tree");
        tree.rows
            .iter()
            .find_map(|row| match row {
                Row::Bins(b) => Some((b.delegator.clone(), b.count())),
                _ => None,
            })
            .expect("a succinct bins group")
    };
    harness
        .state_mut()
        .push(Command::ToggleBins(delegator.clone()));
    harness.step();
    harness.step();

    let mut times = Vec::with_capacity(frames);
    let mut cpu_total = Duration::ZERO;
    for frame in 0..frames {
        // Scroll through the bins: a different stretch of the list every frame.
        let bin = (frame as u64 * 997) % bins;
        harness.state_mut().state.tree.scroll_to_bin = Some((delegator.clone(), bin));
        let cpu = thread_cpu();
        let wall = Instant::now();
        harness.step();
        let output = harness.output().clone();
        let primitives = harness
            .ctx
            .tessellate(output.shapes, output.pixels_per_point);
        std::hint::black_box(primitives);
        times.push(wall.elapsed());
        cpu_total += thread_cpu().saturating_sub(cpu);
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let mean = times.iter().sum::<Duration>() / frames as u32;
    let p95 = times[(frames * 95 / 100).min(frames - 1)];
    let max = *times.last().unwrap();
    println!(
        "{:.1} {} {:.2} {:.2} {:.2} {} {:.2}",
        ms(first_frame),
        if in_background { "yes" } else { "no" },
        ms(mean),
        ms(p95),
        ms(max),
        bins,
        ms(cpu_total) / frames as f64
    );
}
