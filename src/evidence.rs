//! The "evil change": two versions of one artifact side by side, the one a link recorded and
//! the one verification found. Archives (`.tar`, `.tar.gz`) are compared member by member, and
//! text members (or text files) line by line. Reading is bounded; nothing is unpacked to disk.

use std::io::Read as _;

use sha2::{Digest as _, Sha256};

/// Archives and files larger than this are compared by hash only.
const MAX_BYTES: u64 = 64 * 1024 * 1024;
/// Text longer than this (in lines) is compared by hash only: the view is for reading.
const MAX_LINES: usize = 5_000;

/// One member of an archive, or the file itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub name: String,
    pub sha256: String,
    /// The contents when they are UTF-8 text.
    pub text: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MemberChange {
    Same(String),
    Added(Member),
    Removed(Member),
    Changed { before: Member, after: Member },
}

/// A line of a side-by-side view: the left and right line numbers (1-based) and texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub left: Option<(usize, String)>,
    pub right: Option<(usize, String)>,
}

impl Line {
    pub fn differs(&self) -> bool {
        self.left.as_ref().map(|l| &l.1) != self.right.as_ref().map(|r| &r.1)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    pub path: String,
    /// Where each version came from, in words.
    pub before_source: String,
    pub after_source: String,
    pub before_sha256: String,
    pub after_sha256: String,
    pub members: Vec<MemberChange>,
}

impl Comparison {
    pub fn changed(&self) -> impl Iterator<Item = &MemberChange> {
        self.members
            .iter()
            .filter(|m| !matches!(m, MemberChange::Same(_)))
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn text_of(bytes: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(bytes).ok()?;
    (text.lines().count() <= MAX_LINES && !text.contains('\0')).then(|| text.to_owned())
}

/// Members of a tar archive (plain or gzip'd), or `None` when it is not one.
fn archive_members(bytes: &[u8]) -> Option<Vec<Member>> {
    let plain;
    let tar: &[u8] = if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(bytes)
            .take(MAX_BYTES + 1)
            .read_to_end(&mut out)
            .ok()?;
        if out.len() as u64 > MAX_BYTES {
            return None;
        }
        plain = out;
        &plain
    } else {
        bytes
    };
    if tar.len() < 512 {
        return None;
    }
    let mut members = Vec::new();
    let mut at = 0;
    while at + 512 <= tar.len() {
        let header = &tar[at..at + 512];
        if header.iter().all(|&b| b == 0) {
            break;
        }
        if &header[257..262] != b"ustar" {
            return None;
        }
        let field = |range: std::ops::Range<usize>| {
            let raw = &header[range];
            let end = raw.iter().position(|&b| b == 0).unwrap_or(raw.len());
            String::from_utf8_lossy(&raw[..end]).trim().to_owned()
        };
        let size = u64::from_str_radix(&field(124..136), 8).ok()? as usize;
        let prefix = field(345..500);
        let name = field(0..100);
        let name = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        let data_start = at + 512;
        let data_end = data_start.checked_add(size)?;
        if data_end > tar.len() {
            return None;
        }
        let kind = header[156];
        if kind == b'0' || kind == 0 {
            let data = &tar[data_start..data_end];
            members.push(Member {
                name,
                sha256: sha256_hex(data),
                text: text_of(data),
            });
        }
        at = data_start + size.div_ceil(512) * 512;
    }
    members.sort_by(|a, b| a.name.cmp(&b.name));
    Some(members)
}

/// Compares two versions of the artifact `path`.
pub fn compare(
    path: &str,
    before: &[u8],
    before_source: &str,
    after: &[u8],
    after_source: &str,
) -> Comparison {
    let mut comparison = Comparison {
        path: path.to_owned(),
        before_source: before_source.to_owned(),
        after_source: after_source.to_owned(),
        before_sha256: sha256_hex(before),
        after_sha256: sha256_hex(after),
        members: Vec::new(),
    };
    match (archive_members(before), archive_members(after)) {
        (Some(old), Some(new)) => {
            let mut old = old.into_iter().peekable();
            let mut new = new.into_iter().peekable();
            loop {
                let change = match (old.peek(), new.peek()) {
                    (None, None) => break,
                    (Some(_), None) => MemberChange::Removed(old.next().expect("peeked")),
                    (None, Some(_)) => MemberChange::Added(new.next().expect("peeked")),
                    (Some(a), Some(b)) if a.name < b.name => {
                        MemberChange::Removed(old.next().expect("peeked"))
                    }
                    (Some(a), Some(b)) if a.name > b.name => {
                        MemberChange::Added(new.next().expect("peeked"))
                    }
                    (Some(_), Some(_)) => {
                        let (a, b) = (old.next().expect("peeked"), new.next().expect("peeked"));
                        if a.sha256 == b.sha256 {
                            MemberChange::Same(a.name)
                        } else {
                            MemberChange::Changed {
                                before: a,
                                after: b,
                            }
                        }
                    }
                };
                comparison.members.push(change);
            }
        }
        _ => {
            let member = |bytes: &[u8]| Member {
                name: path.to_owned(),
                sha256: sha256_hex(bytes),
                text: text_of(bytes),
            };
            let (a, b) = (member(before), member(after));
            comparison.members.push(if a.sha256 == b.sha256 {
                MemberChange::Same(a.name)
            } else {
                MemberChange::Changed {
                    before: a,
                    after: b,
                }
            });
        }
    }
    comparison
}

/// Two texts aligned line by line (longest common subsequence), for a side-by-side view.
pub fn side_by_side(before: &str, after: &str) -> Vec<Line> {
    let a: Vec<&str> = before.lines().collect();
    let b: Vec<&str> = after.lines().collect();
    // lengths[i][j]: LCS of a[i..] and b[j..].
    let mut lengths = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lengths[i][j] = if a[i] == b[j] {
                lengths[i + 1][j + 1] + 1
            } else {
                lengths[i + 1][j].max(lengths[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut lines = Vec::new();
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            lines.push(Line {
                left: Some((i + 1, a[i].to_owned())),
                right: Some((j + 1, b[j].to_owned())),
            });
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || lengths[i][j + 1] >= lengths[i + 1][j]) {
            lines.push(Line {
                left: None,
                right: Some((j + 1, b[j].to_owned())),
            });
            j += 1;
        } else {
            lines.push(Line {
                left: Some((i + 1, a[i].to_owned())),
                right: None,
            });
            i += 1;
        }
    }
    // A removed line next to an added one reads as a changed line: pair them up.
    let mut paired: Vec<Line> = Vec::with_capacity(lines.len());
    for line in lines {
        if let Some(last) = paired.last_mut() {
            if last.right.is_none() && last.left.is_some() && line.left.is_none() {
                last.right = line.right;
                continue;
            }
            if last.left.is_none() && last.right.is_some() && line.right.is_none() {
                last.left = line.left;
                continue;
            }
        }
        paired.push(line);
    }
    paired
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::samples::package::{Entry, gzip, tar};

    fn tar_gz(entries: &[Entry<'_>]) -> Vec<u8> {
        gzip(&tar(entries))
    }

    #[test]
    fn archives_are_compared_member_by_member_and_text_line_by_line() {
        let old = tar_gz(&[
            Entry {
                name: "demo/",
                contents: None,
            },
            Entry {
                name: "demo/foo.py",
                contents: Some(b"print('hello')\nprint('bye')\n"),
            },
            Entry {
                name: "demo/same.txt",
                contents: Some(b"same\n"),
            },
        ]);
        let new = tar_gz(&[
            Entry {
                name: "demo/",
                contents: None,
            },
            Entry {
                name: "demo/foo.py",
                contents: Some(b"print('hello')\nimport os; os.system('evil')\n"),
            },
            Entry {
                name: "demo/same.txt",
                contents: Some(b"same\n"),
            },
            Entry {
                name: "demo/extra",
                contents: Some(b"x"),
            },
        ]);
        let comparison = compare("demo.tar.gz", &old, "build's product", &new, "served");
        let changed: Vec<_> = comparison.changed().collect();
        assert_eq!(changed.len(), 2);
        assert!(matches!(changed[0], MemberChange::Added(m) if m.name == "demo/extra"));
        let MemberChange::Changed { before, after } = changed[1] else {
            panic!("{changed:?}")
        };
        assert_eq!(before.name, "demo/foo.py");
        let lines = side_by_side(before.text.as_ref().unwrap(), after.text.as_ref().unwrap());
        assert_eq!(lines.len(), 2);
        assert!(!lines[0].differs());
        assert_eq!(lines[1].left.as_ref().unwrap().1, "print('bye')");
        assert_eq!(
            lines[1].right.as_ref().unwrap().1,
            "import os; os.system('evil')"
        );
    }

    #[test]
    fn plain_files_and_non_archives_compare_as_one_member() {
        let comparison = compare("a.txt", b"one\n", "before", b"two\n", "after");
        assert_eq!(comparison.changed().count(), 1);
        let same = compare("a.bin", b"\x00\x01", "before", b"\x00\x01", "after");
        assert_eq!(same.changed().count(), 0);
    }
}
