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
