//! Resident memory of the app's workspace over reloads, without a window: the repository is
//! loaded on a fresh worker thread each time, as the app does, the previous workspace dropped
//! when the new one is in, and the allocator set up as the app sets it ([`chainscope::memory`]).
//! The loads share a role cache, as the app's reloads of one input do, and before each reload
//! one hash bin is written again with other whitespace (new bytes, the same signed content),
//! as a repository that re-publishes one bin. Prints, per load: its number, the resident set
//! in MiB, the load's wall time in seconds, and how many roles were reused and checked again.
//! With `RELOAD_PHASES` set, each load's phases are printed with their start times.
//!   cargo run --release --example reload_memory -- REPO [RELOADS]

use std::sync::Arc;
use std::time::Instant;

use chainscope::time::UtcTime;
use chainscope::tuf::cache::RoleCache;
use chainscope::workspace::{LoadOptions, detect, load};

fn main() {
    chainscope::memory::configure();
    let mut args = std::env::args().skip(1);
    let repo = args.next().expect("usage: reload_memory REPO [RELOADS]");
    let reloads: usize = args.next().map_or(10, |n| n.parse().expect("a number"));
    let now = UtcTime::parse_rfc3339("2030-01-01T00:00:00Z").unwrap();
    let source = detect(&repo).expect("a repository");
    let bin = one_bin(std::path::Path::new(&repo));
    let cache = Arc::new(RoleCache::new());
    let mut held = None;
    for round in 0..=reloads {
        if round > 0 {
            rewrite_with_other_whitespace(&bin, round);
        }
        let source = source.clone();
        let mut options = LoadOptions::new(now);
        options.role_cache = Some(cache.clone());
        let started = Instant::now();
        if std::env::var_os("RELOAD_PHASES").is_some() {
            options.progress = Arc::new(move |_, phase| {
                eprintln!("  {:.4} {phase}", started.elapsed().as_secs_f64())
            });
        }
        let workspace = std::thread::spawn(move || load(&source, &options))
            .join()
            .expect("the worker")
            .expect("the repository loads");
        let seconds = started.elapsed().as_secs_f64();
        held = Some(workspace);
        chainscope::memory::give_back_freed();
        let (hits, misses) = cache.hits_and_misses();
        println!(
            "{} {:.1} {:.4} {} {}",
            round,
            chainscope::memory::resident_mib().unwrap_or(0.0),
            seconds,
            hits,
            misses
        );
    }
    drop(held);
}

/// The metadata file of the first hash bin.
fn one_bin(repo: &std::path::Path) -> std::path::PathBuf {
    let metadata = repo.join("metadata");
    let mut bins: Vec<_> = std::fs::read_dir(&metadata)
        .expect("a metadata folder")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().contains("bins-"))
        .collect();
    bins.sort();
    bins.into_iter().next().expect("a hash bin")
}

/// The same JSON with other whitespace: other bytes, the same canonical `signed`.
fn rewrite_with_other_whitespace(path: &std::path::Path, round: usize) {
    let value: serde_json::Value =
        serde_json::from_slice(&std::fs::read(path).expect("the bin")).expect("JSON");
    let bytes = if round % 2 == 1 {
        serde_json::to_vec(&value)
    } else {
        serde_json::to_vec_pretty(&value)
    }
    .expect("JSON");
    std::fs::write(path, bytes).expect("the bin written");
}
