//! Reading files with a size cap, the one way every loader reads metadata from disk.

use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read the file: {0}")]
    Io(String),
    #[error("the file is larger than {limit} bytes")]
    TooLarge { limit: u64 },
    /// A FIFO, socket, device or folder where a file is expected: refused at once rather than
    /// waited on.
    #[error("it is {what}, not a regular file")]
    NotAFile { what: &'static str },
}

impl From<std::io::Error> for ReadError {
    fn from(error: std::io::Error) -> ReadError {
        ReadError::Io(crate::report::chain(&error))
    }
}

impl crate::report::Hint for ReadError {
    fn hint(&self) -> Option<String> {
        match self {
            ReadError::NotAFile { .. } => Some(
                "name a regular file: chainscope never reads from a pipe or a device, which could wait for ever".into(),
            ),
            ReadError::TooLarge { .. } => Some(
                "metadata this large is not what a repository publishes; check that the right file was named".into(),
            ),
            ReadError::Io(_) => None,
        }
    }
}

/// Opens `path` for reading only if it is a regular file (symlinks followed), without ever
/// waiting: a FIFO is opened non-blocking and refused, as are sockets, devices and folders.
/// `Ok(None)` when nothing is there.
pub fn open_regular(path: &Path) -> Result<Option<std::fs::File>, ReadError> {
    Ok(open_regular_sized(path)?.map(|(file, _)| file))
}

/// [`open_regular`], with the file's size when it was opened (from the one `fstat` that tells
/// it is a regular file).
fn open_regular_sized(path: &Path) -> Result<Option<(std::fs::File, u64)>, ReadError> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        // Opening a FIFO for reading waits for a writer unless it is non-blocking.
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = match options.open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return match std::fs::symlink_metadata(path) {
                // The name is there, but what it points to is not.
                Ok(meta) if meta.file_type().is_symlink() => Err(ReadError::NotAFile {
                    what: "a symbolic link to nothing (dangling)",
                }),
                _ => Ok(None),
            };
        }
        Err(e) => return Err(ReadError::Io(crate::report::chain(&e))),
    };
    let metadata = file
        .metadata()
        .map_err(|e| ReadError::Io(crate::report::chain(&e)))?;
    let file_type = metadata.file_type();
    if file_type.is_file() {
        return Ok(Some((file, metadata.len())));
    }
    let what = if file_type.is_dir() {
        "a folder"
    } else {
        special_kind(&file_type)
    };
    Err(ReadError::NotAFile { what })
}

#[cfg(unix)]
fn special_kind(file_type: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt as _;
    if file_type.is_fifo() {
        "a FIFO (named pipe)"
    } else if file_type.is_socket() {
        "a socket"
    } else if file_type.is_char_device() {
        "a character device"
    } else if file_type.is_block_device() {
        "a block device"
    } else {
        "not a regular file"
    }
}

#[cfg(not(unix))]
fn special_kind(_: &std::fs::FileType) -> &'static str {
    "not a regular file"
}

/// The largest detached signature read (`--import-signature`): real ones are a few hundred
/// bytes, a post-quantum one a few kilobytes.
pub const MAX_SIGNATURE_FILE: u64 = 1 << 20;

/// The largest metadata file read for editing or comparing (`tuf diff`): far above the
/// client's caps, so a repository with hundreds of thousands of targets still opens.
pub const MAX_EDITED_METADATA: u64 = 256 << 20;

/// The largest layout, link or metadata file read whole from disk, by every reader (verify,
/// inspect, sign, the editors): one cap, so a file one command reads, the others read too.
pub const MAX_DOCUMENT: u64 = 50_000_000;

/// How chainscope's temporary files start (`.chainscope-…tmp`), beside what they replace.
pub const TEMP_PREFIX: &str = ".chainscope-";

/// Reads a file whole, refusing anything over `limit` bytes (endless-data protection).
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    read_bounded_or_missing(path, limit)?.ok_or_else(|| {
        ReadError::Io(std::io::Error::from(std::io::ErrorKind::NotFound).to_string())
    })
}

/// A temporary file in `folder` for [`write_atomic`] and its kin, named after this process
/// (`.chainscope-<pid>-….tmp`). The first time a process writes into a folder it removes the
/// temporary files left there by chainscope processes that are no longer running (killed in
/// the middle of a save or a publish).
pub fn temp_file_in(folder: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    sweep_stale_temporaries(folder);
    tempfile::Builder::new()
        .prefix(&format!("{TEMP_PREFIX}{}-", std::process::id()))
        .suffix(".tmp")
        .tempfile_in(folder)
}

fn sweep_stale_temporaries(folder: &Path) {
    static SWEPT: std::sync::Mutex<std::collections::BTreeSet<std::path::PathBuf>> =
        std::sync::Mutex::new(std::collections::BTreeSet::new());
    let first = SWEPT
        .lock()
        .map(|mut swept| swept.insert(folder.to_owned()))
        .unwrap_or(false);
    if !first {
        return;
    }
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .filter(|n| n.ends_with(".tmp"))
            .and_then(|n| n.strip_prefix(TEMP_PREFIX))
            .and_then(|rest| rest.split_once('-'))
            .and_then(|(pid, _)| pid.parse::<i32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() as i32 && !process_alive(pid) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

fn process_alive(pid: i32) -> bool {
    #[cfg(unix)]
    {
        // SAFETY: kill(2) with signal 0 only checks that the process exists.
        let result = unsafe { libc::kill(pid, 0) };
        result == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

/// Gives a file about to replace `path` the mode `path` has, or for a new file the mode the
/// umask gives (0644 under the usual 022): a web server running as another user can serve a
/// published repository. (Private keys are written elsewhere, 0600.)
pub fn give_mode(file: &std::fs::File, path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = match std::fs::metadata(path) {
            Ok(existing) => existing.permissions().mode() & 0o7777,
            Err(_) => 0o666 & !umask(),
        };
        file.set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = (file, path);
    Ok(())
}

/// The process's umask, read from /proc where it can be (setting it to read it would race
/// with other threads creating files).
#[cfg(unix)]
fn umask() -> u32 {
    if let Ok(status) = std::fs::read_to_string("/proc/self/status")
        && let Some(value) = status
            .lines()
            .find_map(|line| line.strip_prefix("Umask:"))
            .and_then(|v| u32::from_str_radix(v.trim(), 8).ok())
    {
        return value;
    }
    // SAFETY: umask(2) cannot fail; it is set back at once.
    unsafe {
        let mask = libc::umask(0o022);
        libc::umask(mask);
        #[allow(clippy::useless_conversion, reason = "mode_t is u16 on some systems")]
        u32::from(mask)
    }
}

/// Copies the regular file `from` into a new temporary file in `folder` a chunk at a time,
/// hashing it on the way: `(the temporary file, its SHA-256 in hex, its length)`. Nothing is
/// held whole in memory, whatever the size; a FIFO or device is refused at once.
pub fn copy_hashing(
    from: &Path,
    folder: &Path,
) -> Result<(tempfile::NamedTempFile, String, u64), ReadError> {
    use sha2::Digest as _;
    use std::io::{Read as _, Write as _};
    let io = |e: std::io::Error| ReadError::Io(crate::report::chain(&e));
    let mut reader = open_regular(from)?.ok_or_else(|| {
        ReadError::Io(std::io::Error::from(std::io::ErrorKind::NotFound).to_string())
    })?;
    let mut temp = temp_file_in(folder).map_err(io)?;
    let mut hasher = sha2::Sha256::new();
    let mut length = 0u64;
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let read = reader.read(&mut buffer).map_err(io)?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
        temp.write_all(&buffer[..read]).map_err(io)?;
        length += read as u64;
    }
    Ok((temp, hex::encode(hasher.finalize()), length))
}

/// Files up to this size (metadata, keys, links) are read by [`read_bounded_or_missing`]'s
/// short path.
const SMALL_FILE: usize = 1 << 20;

/// [`read_bounded`], with a missing file as `None` rather than an error.
///
/// Repositories hold thousands of small files, so reading one costs four system calls: open,
/// `fstat`, one `read` asking for a byte more than the size `fstat` gave, close. A regular
/// file's read comes back short only at its end, so a short read that reached that size ends
/// it without a second `read` to see the end; a file that grew fills the buffer and is read
/// on, one that shrank is read until a `read` returns nothing. The bound is `limit` either way.
pub fn read_bounded_or_missing(path: &Path, limit: u64) -> Result<Option<Vec<u8>>, ReadError> {
    use std::io::Read as _;
    let Some((mut file, size)) = open_regular_sized(path)? else {
        return Ok(None);
    };
    let io = |e: std::io::Error| ReadError::Io(crate::report::chain(&e));
    let expected = size.min(limit) as usize;
    if expected > SMALL_FILE {
        // A package: zeroing a buffer of its size first would cost more than the calls saved.
        let mut bytes = Vec::with_capacity(expected + 1);
        file.take(limit + 1).read_to_end(&mut bytes).map_err(io)?;
        if bytes.len() as u64 > limit {
            return Err(ReadError::TooLarge { limit });
        }
        return Ok(Some(bytes));
    }
    let cap = usize::try_from(limit.saturating_add(1)).unwrap_or(usize::MAX);
    let mut bytes = vec![0u8; expected + 1];
    let mut filled = 0;
    loop {
        let asked = bytes.len() - filled;
        let got = match file.read(&mut bytes[filled..]) {
            Ok(got) => got,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io(e)),
        };
        filled += got;
        if got == 0 || (got < asked && filled >= expected) {
            break;
        }
        if filled == bytes.len() {
            if bytes.len() >= cap {
                break;
            }
            let grown = bytes.len().saturating_mul(2).clamp(64, cap);
            bytes.resize(grown, 0);
        }
    }
    bytes.truncate(filled);
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { limit });
    }
    Ok(Some(bytes))
}

/// A name from metadata (a target path, a role or step name) that cannot be used as a path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{name:?} cannot be used as a path: {problem}")]
pub struct UnsafePath {
    pub name: String,
    pub problem: &'static str,
}

impl crate::report::Hint for UnsafePath {}

/// The one path-safety check: `name`, a `/`-separated relative path taken from metadata, is
/// refused when it could leave the folder it is meant for or mean something else on another
/// system (absolute, `..`, `.`, empty segments, backslashes, NUL).
pub fn check_relative(name: &str) -> Result<(), UnsafePath> {
    let refuse = |problem| {
        Err(UnsafePath {
            name: name.to_owned(),
            problem,
        })
    };
    if name.is_empty() {
        return refuse("it is empty");
    }
    if name.starts_with('/') {
        return refuse("it is absolute");
    }
    if name.contains('\\') {
        return refuse("it contains a backslash");
    }
    if name.contains('\0') {
        return refuse("it contains a NUL byte");
    }
    for segment in name.split('/') {
        match segment {
            // Even where it would stay inside (`a/../b`): one spelling per file, no guessing
            // how a server or a file system resolves it.
            ".." => return refuse("it contains a `..` segment, which chainscope refuses"),
            "." => return refuse("it has a `.` segment"),
            "" => return refuse("it has an empty segment (`//` or a trailing `/`)"),
            // `C:` would be a drive on Windows.
            s if cfg!(windows) && s.contains(':') => return refuse("it names a drive"),
            _ => {}
        }
    }
    Ok(())
}

/// `name` (see [`check_relative`]) joined under `base`.
pub fn join_inside(base: &Path, name: &str) -> Result<std::path::PathBuf, UnsafePath> {
    check_relative(name)?;
    let mut path = base.to_path_buf();
    for segment in name.split('/') {
        path.push(segment);
    }
    Ok(path)
}

/// Python's `urllib.parse.quote(name, safe="")`: every byte but ASCII letters, digits and
/// `_.-~` as `%XX`. TUF clients name role files this way (`..%2Fevil.json`), so a role name
/// is always one path segment.
pub fn quote(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || b"_.-~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `%XX` sequences decoded; `None` when they do not make UTF-8.
pub fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Writes `bytes` to `path` so that a reader sees the old file or the new one, never half of
/// either: a temporary file in the same folder, flushed to disk, renamed over the target, and
/// the folder flushed so the rename itself survives a crash.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    replace(path, bytes, true)
}

/// [`write_atomic`] without waiting for the disk: a reader still sees the old file or the new
/// one, but a crash may lose the new one. For files checked again before every use (downloaded
/// targets, whose hashes are compared before the cached copy is trusted).
pub fn write_replacing(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    replace(path, bytes, false)
}

fn replace(path: &Path, bytes: &[u8], durable: bool) -> std::io::Result<()> {
    use std::io::Write as _;
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut temp = temp_file_in(folder)?;
    temp.write_all(bytes)?;
    give_mode(temp.as_file(), path)?;
    if durable {
        temp.as_file().sync_all()?;
    }
    temp.persist(path).map_err(|e| e.error)?;
    #[cfg(unix)]
    if durable && let Ok(dir) = std::fs::File::open(folder) {
        let _ = dir.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_inside_refuses_every_escape() {
        let base = Path::new("/repo/targets");
        assert_eq!(
            join_inside(base, "a/b.tgz").unwrap(),
            Path::new("/repo/targets/a/b.tgz")
        );
        assert_eq!(
            join_inside(base, "..data").unwrap(),
            Path::new("/repo/targets/..data")
        );
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a/..",
            "./a",
            "a//b",
            "a/",
            "a\\..\\b",
            "a\0b",
        ] {
            assert!(join_inside(base, bad).is_err(), "{bad:?}");
        }
        let error = join_inside(base, "../../etc/shadow").unwrap_err();
        assert_eq!(
            crate::report::chain(&error),
            "\"../../etc/shadow\" cannot be used as a path: it contains a `..` segment, which chainscope refuses"
        );
    }

    /// The bounded read returns every byte up to the limit and refuses one more, whatever
    /// size `fstat` gives: exact sizes, an empty file, and a file whose size reads as 0 but
    /// which holds more (procfs), read to its end.
    #[test]
    fn bounded_reads_take_every_byte_up_to_the_limit_and_refuse_more() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        for len in [0usize, 1, 63, 64, 65, 1000, 4096, SMALL_FILE + 3] {
            let content: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            std::fs::write(&path, &content).unwrap();
            let limit = len as u64;
            assert_eq!(read_bounded(&path, limit).unwrap(), content, "{len}");
            assert_eq!(read_bounded(&path, limit + 10).unwrap(), content, "{len}");
            if len > 0 {
                assert!(
                    matches!(
                        read_bounded(&path, limit - 1),
                        Err(ReadError::TooLarge { .. })
                    ),
                    "{len}"
                );
            }
        }
        assert_eq!(
            read_bounded_or_missing(&dir.path().join("missing"), 10).unwrap(),
            None
        );
        #[cfg(target_os = "linux")]
        {
            let status = Path::new("/proc/self/status");
            assert_eq!(std::fs::metadata(status).unwrap().len(), 0);
            let read = read_bounded(status, 1_000_000).unwrap();
            assert!(
                String::from_utf8_lossy(&read).contains("nonvoluntary_ctxt_switches"),
                "read to its end"
            );
        }
    }

    #[test]
    fn quote_matches_python() {
        // urllib.parse.quote(s, safe="") for each.
        assert_eq!(quote("targets"), "targets");
        assert_eq!(quote("../evil"), "..%2Fevil");
        assert_eq!(quote("a b/c~d_e.f-g"), "a%20b%2Fc~d_e.f-g");
        assert_eq!(quote("ü%"), "%C3%BC%25");
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("root.layout");
        std::fs::write(&path, b"old").unwrap();
        write_atomic(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }
}
