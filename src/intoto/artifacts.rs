//! The artifacts of one list of a link (`materials` or `products`): path → hash dict, held in
//! one text buffer and two index arrays. A link can record tens of thousands of artifacts; with
//! a few allocations per link instead of four per artifact, loading, comparing and dropping
//! them stays cheap.

use std::fmt;
use std::ops::Range;

use serde::{Deserialize, Deserializer};

use super::layout::HashDict;

/// A piece of [`Artifacts::text`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    start: u32,
    len: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry {
    path: Span,
    /// `hashes[start..start + len]`, sorted by algorithm.
    hashes_start: u32,
    hashes_len: u32,
}

/// Path → hash dict, sorted by path (byte order, as Python sorts `str`).
#[derive(Clone, Default)]
pub struct Artifacts {
    text: String,
    entries: Vec<Entry>,
    /// `(algorithm, digest)` of every entry.
    hashes: Vec<(Span, Span)>,
}

/// The hash dict of one artifact inside [`Artifacts`].
#[derive(Clone, Copy)]
pub struct Hashes<'a> {
    text: &'a str,
    pairs: &'a [(Span, Span)],
}

impl Artifacts {
    pub const fn new() -> Artifacts {
        Artifacts {
            text: String::new(),
            entries: Vec::new(),
            hashes: Vec::new(),
        }
    }

    /// Builds the list from entries already sorted by path with no path repeated (as a parsed
    /// JSON object's members are); `None` when they are not.
    pub fn from_sorted<'p>(
        entries: impl IntoIterator<Item = (&'p str, impl IntoIterator<Item = (&'p str, &'p str)>)>,
    ) -> Option<Artifacts> {
        Artifacts::new().fill_sorted(entries)
    }

    /// [`Artifacts::from_sorted`] with its buffers sized once, from entries already in memory.
    pub fn from_sorted_slice(entries: &[(&str, Vec<(&str, &str)>)]) -> Option<Artifacts> {
        let pairs: usize = entries.iter().map(|(_, hashes)| hashes.len()).sum();
        let text: usize = entries
            .iter()
            .map(|(path, hashes)| {
                path.len() + hashes.iter().map(|(a, d)| a.len() + d.len()).sum::<usize>()
            })
            .sum();
        let artifacts = Artifacts {
            text: String::with_capacity(text),
            entries: Vec::with_capacity(entries.len()),
            hashes: Vec::with_capacity(pairs),
        };
        artifacts.fill_sorted(
            entries
                .iter()
                .map(|(path, hashes)| (*path, hashes.iter().copied())),
        )
    }

    /// Fills an empty list (its buffers sized or not) from sorted entries.
    fn fill_sorted<'p>(
        mut self,
        entries: impl IntoIterator<Item = (&'p str, impl IntoIterator<Item = (&'p str, &'p str)>)>,
    ) -> Option<Artifacts> {
        let mut previous: Option<&str> = None;
        for (path, hashes) in entries {
            if previous.is_some_and(|p| p >= path) {
                return None;
            }
            previous = Some(path);
            self.push(path, hashes);
        }
        Some(self)
    }

    fn span(&mut self, text: &str) -> Span {
        let span = Span {
            start: self.text.len() as u32,
            len: text.len() as u32,
        };
        self.text.push_str(text);
        span
    }

    /// Appends an entry; the caller keeps paths sorted and algorithms sorted within an entry.
    fn push<'p>(&mut self, path: &str, hashes: impl IntoIterator<Item = (&'p str, &'p str)>) {
        let path = self.span(path);
        let hashes_start = self.hashes.len() as u32;
        for (algorithm, digest) in hashes {
            let pair = (self.span(algorithm), self.span(digest));
            self.hashes.push(pair);
        }
        let hashes_len = self.hashes.len() as u32 - hashes_start;
        self.entries.push(Entry {
            path,
            hashes_start,
            hashes_len,
        });
    }

    fn text_of(&self, span: Span) -> &str {
        &self.text[span.start as usize..(span.start + span.len) as usize]
    }

    fn hashes_of(&self, entry: &Entry) -> Hashes<'_> {
        let range: Range<usize> =
            entry.hashes_start as usize..(entry.hashes_start + entry.hashes_len) as usize;
        Hashes {
            text: &self.text,
            pairs: &self.hashes[range],
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Paths in sorted order.
    pub fn keys(&self) -> impl ExactSizeIterator<Item = &str> {
        self.entries.iter().map(|e| self.text_of(e.path))
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, Hashes<'_>)> {
        self.entries
            .iter()
            .map(|e| (self.text_of(e.path), self.hashes_of(e)))
    }

    /// The position of `path` among the sorted paths, or where it would go.
    fn search(&self, path: &str) -> Result<usize, usize> {
        self.entries
            .binary_search_by(|e| self.text_of(e.path).cmp(path))
    }

    pub fn get(&self, path: &str) -> Option<Hashes<'_>> {
        self.search(path)
            .ok()
            .map(|index| self.hashes_of(&self.entries[index]))
    }

    pub fn contains_key(&self, path: &str) -> bool {
        self.search(path).is_ok()
    }

    /// The entry at `index` of the sorted list.
    pub fn entry(&self, index: usize) -> Option<(&str, Hashes<'_>)> {
        self.entries
            .get(index)
            .map(|e| (self.text_of(e.path), self.hashes_of(e)))
    }

    /// The stored path equal to `path`, with its hashes.
    pub fn get_entry(&self, path: &str) -> Option<(&str, Hashes<'_>)> {
        self.search(path).ok().and_then(|index| self.entry(index))
    }
}

impl<'a> Hashes<'a> {
    /// `(algorithm, digest)` pairs in algorithm order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&'a str, &'a str)> + use<'a> {
        let text = self.text;
        self.pairs.iter().map(move |(a, d)| {
            (
                &text[a.start as usize..(a.start + a.len) as usize],
                &text[d.start as usize..(d.start + d.len) as usize],
            )
        })
    }

    pub fn get(&self, algorithm: &str) -> Option<&'a str> {
        self.iter().find(|(a, _)| *a == algorithm).map(|(_, d)| d)
    }

    pub fn to_hash_dict(&self) -> HashDict {
        self.iter()
            .map(|(a, d)| (a.to_owned(), d.to_owned()))
            .collect()
    }
}

/// Equal when both hold the same algorithms with the same digests (Python's dict equality).
impl PartialEq for Hashes<'_> {
    fn eq(&self, other: &Hashes<'_>) -> bool {
        self.pairs.len() == other.pairs.len() && self.iter().eq(other.iter())
    }
}

impl Eq for Hashes<'_> {}

impl PartialEq for Artifacts {
    fn eq(&self, other: &Artifacts) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Eq for Artifacts {}

impl fmt::Debug for Hashes<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl fmt::Debug for Artifacts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl FromIterator<(String, HashDict)> for Artifacts {
    /// A repeated path keeps its last hash dict, as a Python dict would.
    fn from_iter<I: IntoIterator<Item = (String, HashDict)>>(pairs: I) -> Artifacts {
        let mut pairs: Vec<(String, HashDict)> = pairs.into_iter().collect();
        if !pairs.windows(2).all(|w| w[0].0 < w[1].0) {
            pairs.reverse();
            pairs.sort_by(|a, b| a.0.cmp(&b.0));
            pairs.dedup_by(|later, earlier| later.0 == earlier.0);
        }
        let mut artifacts = Artifacts::new();
        for (path, hashes) in &pairs {
            artifacts.push(path, hashes.iter());
        }
        artifacts
    }
}

impl<'a> IntoIterator for &'a Artifacts {
    type Item = (&'a str, Hashes<'a>);
    type IntoIter = Box<dyn Iterator<Item = (&'a str, Hashes<'a>)> + 'a>;
    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

impl<'de> Deserialize<'de> for Artifacts {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Artifacts, D::Error> {
        let map = std::collections::BTreeMap::<String, HashDict>::deserialize(deserializer)?;
        Ok(map.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dict(pairs: &[(&str, &str)]) -> HashDict {
        pairs
            .iter()
            .map(|(a, d)| ((*a).to_owned(), (*d).to_owned()))
            .collect()
    }

    #[test]
    fn behaves_like_a_sorted_map_of_hash_dicts() {
        let artifacts: Artifacts = [
            ("b.txt".to_owned(), dict(&[("sha256", "bb")])),
            (
                "a.txt".to_owned(),
                dict(&[("sha512", "a2"), ("sha256", "a1")]),
            ),
            ("b.txt".to_owned(), dict(&[("sha256", "b2")])),
        ]
        .into_iter()
        .collect();
        assert_eq!(artifacts.keys().collect::<Vec<_>>(), ["a.txt", "b.txt"]);
        assert_eq!(artifacts.get("b.txt").unwrap().get("sha256"), Some("b2"));
        let a = artifacts.get("a.txt").unwrap();
        assert_eq!(
            a.iter().collect::<Vec<_>>(),
            [("sha256", "a1"), ("sha512", "a2")]
        );
        assert_eq!(
            a.to_hash_dict(),
            dict(&[("sha256", "a1"), ("sha512", "a2")])
        );
        assert!(!artifacts.contains_key("c.txt"));
        assert_eq!(artifacts.get_entry("b.txt").unwrap().0, "b.txt");
        assert_eq!(artifacts.entry(0).unwrap().0, "a.txt");
        assert!(artifacts.entry(2).is_none());
    }

    #[test]
    fn hash_dicts_compare_as_python_dicts() {
        let one: Artifacts = [("f".to_owned(), dict(&[("sha256", "aa"), ("md5", "bb")]))]
            .into_iter()
            .collect();
        let same: Artifacts = [("f".to_owned(), dict(&[("md5", "bb"), ("sha256", "aa")]))]
            .into_iter()
            .collect();
        let fewer: Artifacts = [("f".to_owned(), dict(&[("sha256", "aa")]))]
            .into_iter()
            .collect();
        assert_eq!(one.get("f"), same.get("f"));
        assert_ne!(one.get("f"), fewer.get("f"));
        assert_eq!(one, same);
        assert_ne!(one, fewer);
    }

    #[test]
    fn from_sorted_refuses_unsorted_or_repeated_paths() {
        let hashes = || [("sha256", "00")];
        assert!(Artifacts::from_sorted([("a", hashes()), ("b", hashes())]).is_some());
        assert!(Artifacts::from_sorted([("b", hashes()), ("a", hashes())]).is_none());
        assert!(Artifacts::from_sorted([("a", hashes()), ("a", hashes())]).is_none());
    }
}
