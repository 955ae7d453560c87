//! Reading files with a size cap, the one way every loader reads metadata from disk.

use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read the file: {0}")]
    Io(String),
    #[error("the file is larger than {limit} bytes")]
    TooLarge { limit: u64 },
}

/// Reads a file whole, refusing anything over `limit` bytes (endless-data protection).
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    read_bounded_or_missing(path, limit)?.ok_or_else(|| {
        ReadError::Io(std::io::Error::from(std::io::ErrorKind::NotFound).to_string())
    })
}

/// [`read_bounded`], with a missing file as `None` rather than an error.
pub fn read_bounded_or_missing(path: &Path, limit: u64) -> Result<Option<Vec<u8>>, ReadError> {
    use std::io::Read as _;
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(ReadError::Io(e.to_string())),
    };
    // The size is only a hint for the buffer (the file may change); `take` is the bound.
    let hint = file.metadata().map_or(0, |m| m.len()).min(limit);
    let mut bytes = Vec::with_capacity(hint as usize + 1);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| ReadError::Io(e.to_string()))?;
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
    let mut temp = tempfile::Builder::new()
        .prefix(".chainscope-")
        .suffix(".tmp")
        .tempfile_in(folder)?;
    temp.write_all(bytes)?;
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
            error.to_string(),
            "\"../../etc/shadow\" cannot be used as a path: it contains a `..` segment, which chainscope refuses"
        );
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
