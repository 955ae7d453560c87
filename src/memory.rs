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
/// process's, so commands it runs (inspections, gpg) inherit it; it changes only how their
/// memory is paged.
pub fn configure() {
    // SAFETY: sets mimalloc's options; called before the threads that allocate.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 1000);
        libmimalloc_sys::mi_option_set(MI_OPTION_ALLOW_THP, 0);
    }
    // mimalloc asked for huge pages on its arena before `main`; this refuses them process-wide.
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes integer arguments and touches no memory of ours.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
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
