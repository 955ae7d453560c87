//! Resident memory of the app's workspace over reloads, without a window: the repository is
//! loaded on a fresh worker thread each time, as the app does, the previous workspace dropped
//! when the new one is in, and the allocator set up as the app sets it ([`chainscope::memory`]).
//! Prints the resident set after the first load and after each reload.
//!   cargo run --release --example reload_memory -- REPO [RELOADS]

use chainscope::time::UtcTime;
use chainscope::workspace::{LoadOptions, detect, load};

fn resident_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<f64>()
                .ok()
        })
        .map_or(0.0, |kib| kib / 1024.0)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let repo = args.next().expect("usage: reload_memory REPO [RELOADS]");
    let reloads: usize = args.next().map_or(10, |n| n.parse().expect("a number"));
    let now = UtcTime::parse_rfc3339("2030-01-01T00:00:00Z").unwrap();
    let source = detect(&repo).expect("a repository");
    chainscope::memory::limit_arenas();
    let mut held = None;
    for round in 0..=reloads {
        let source = source.clone();
        let workspace = std::thread::spawn(move || load(&source, &LoadOptions::new(now)))
            .join()
            .expect("the worker")
            .expect("the repository loads");
        held = Some(workspace);
        chainscope::memory::give_back_freed();
        println!("{} {:.1}", round, resident_mib());
    }
    drop(held);
}
