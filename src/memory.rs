//! The allocator, and memory it holds but no longer uses handed back to the system.
//!
//! chainscope allocates through mimalloc (its v2). The app loads each repository on a fresh
//! worker thread and checks bins on every core. glibc's malloc kept each load's peak in
//! another per-thread arena unless limited to two arenas, and with two the threads waited on
//! each other's arena locks: a reload of the 16,384-bin repository after one bin changed
//! spent about a quarter of its CPU time in malloc and its locks. With mimalloc the same
//! reload takes 0.13 s instead of 0.20 s and the first load 0.60 s instead of 0.78 s, and
//! the resident memory after ten reloads stays near the first load's
//! (`examples/reload_memory.rs`). mimalloc's v3 held half as much again at the peak of
//! `tuf verify` (100 MiB against 65 MiB), so v2.

use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc v2's `mi_option_purge_delay` (its place in `mi_option_t`; the binding names no
/// constant for it).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// mimalloc v2's `mi_option_allow_thp`.
const MI_OPTION_ALLOW_THP: libmimalloc_sys::mi_option_t = 37;

/// Sets the allocator up; first thing in `main`, before other threads run.
///
/// mimalloc hands freed pages back to the system 10 ms after they are freed, and a load frees
/// and allocates all along: `tuf verify` on 16,384 bins handed back 128 MiB it then touched
/// again, each page zeroed by the kernel anew (a fifth of a second of system time). Held a
/// second instead; the app still hands everything back at once after each load
/// ([`give_back_freed`]).
///
/// No transparent huge pages: mimalloc asks for them on its whole arena, and where the
/// kernel compacts memory to find one on a fault (`defrag` = `madvise`, common) a fault can
/// stall: over twelve alternating runs of `tuf verify` on 16,384 bins the slowest took 0.86 s
/// against 0.74 s without them, the median 0.55 s against 0.50 s (the naive floor's: 0.53 s),
/// with 3 MiB less resident (13 MiB less for the in-toto benchmark). The setting is the
/// process's and children inherit it: the commands chainscope runs get the one it started
/// with instead ([`hand_down_original_settings`]).
pub fn configure() {
    // SAFETY: sets mimalloc's options; called before the threads that allocate.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 1000);
        libmimalloc_sys::mi_option_set(MI_OPTION_ALLOW_THP, 0);
    }
    // mimalloc asked for huge pages on its arena before `main`; this refuses them process-wide.
    #[cfg(target_os = "linux")]
    // SAFETY: prctl(2) with these options takes integers and touches no memory of ours.
    unsafe {
        let before = libc::prctl(libc::PR_GET_THP_DISABLE, 0, 0, 0, 0);
        if before >= 0 && !CONFIGURED.swap(true, Ordering::SeqCst) {
            THP_DISABLED_BEFORE.store(before, Ordering::SeqCst);
        }
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// Whether [`configure`] ran, and what `PR_GET_THP_DISABLE` said before it first did.
static CONFIGURED: AtomicBool = AtomicBool::new(false);
static THP_DISABLED_BEFORE: AtomicI32 = AtomicI32::new(0);

/// Gives a command chainscope runs (an inspection, the step `intoto run` records: a build)
/// the transparent-huge-page setting chainscope was started with, not the one [`configure`]
/// chose for chainscope's own allocations.
pub fn hand_down_original_settings(command: &mut Command) -> &mut Command {
    #[cfg(target_os = "linux")]
    if CONFIGURED.load(Ordering::SeqCst) {
        use std::os::unix::process::CommandExt as _;
        let before = THP_DISABLED_BEFORE.load(Ordering::SeqCst);
        // SAFETY: the closure runs in the child between fork and exec; it only makes one
        // system call, which allocates nothing and takes no lock.
        unsafe {
            command.pre_exec(move || {
                libc::prctl(libc::PR_SET_THP_DISABLE, before, 0, 0, 0);
                Ok(())
            });
        }
    }
    command
}

/// Returns what the allocator holds freed to the system: mimalloc's pages, and glibc's, which
/// the C libraries under the window (the OpenGL driver) still allocate from.
pub fn give_back_freed() {
    // SAFETY: mi_collect only releases memory mimalloc holds unused; callable from any thread.
    unsafe {
        libmimalloc_sys::mi_collect(true);
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim takes the allocator's own locks; it only releases unused pages.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// This process's resident set in MiB (Linux's `VmRSS`); `None` where it cannot be read.
pub fn resident_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kib: f64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kib / 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `THP_enabled` of a child's `/proc/self/status`: 1 or 0.
    #[cfg(target_os = "linux")]
    fn child_thp_enabled(command: &mut Command) -> String {
        let output = command
            .args(["-c", "grep THP_enabled /proc/self/status"])
            .output()
            .unwrap();
        String::from_utf8(output.stdout)
            .unwrap()
            .trim()
            .rsplit(char::is_whitespace)
            .next()
            .unwrap()
            .to_owned()
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn commands_get_the_huge_page_setting_chainscope_started_with() {
        configure();
        let started_with = if THP_DISABLED_BEFORE.load(Ordering::SeqCst) == 0 {
            "1"
        } else {
            "0"
        };
        // Without it a command inherits chainscope's own setting.
        assert_eq!(child_thp_enabled(&mut Command::new("sh")), "0");
        let mut command = Command::new("sh");
        hand_down_original_settings(&mut command);
        assert_eq!(child_thp_enabled(&mut command), started_with);
    }
}
