//! Python's `fnmatch.fnmatch` on POSIX (= `fnmatchcase`), which in-toto uses for artifact rule
//! patterns and python-tuf for each `/`-separated segment of a delegation's `paths`:
//! `*` matches any run of characters *including `/`*, `?` any one character, `[seq]` and
//! `[!seq]` character classes with ranges; matching is case-sensitive and covers the whole name.
//!
//! Follows CPython's `fnmatch.translate`: `]` right after `[` or `[!` is a literal, a `[` with
//! no closing `]` is a literal `[`, a range whose ends are reversed (`z-a`) matches nothing, and a
//! `-` at either end of a class is a literal.

/// A compiled pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    tokens: Vec<Token>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    /// One or more `*` in a row.
    Star,
    AnyChar,
    Literal(char),
    Class {
        negated: bool,
        items: Vec<(char, char)>,
    },
}

impl Pattern {
    pub fn new(pattern: &str) -> Pattern {
        let chars: Vec<char> = pattern.chars().collect();
        let mut tokens = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            i += 1;
            match c {
                '*' => {
                    if tokens.last() != Some(&Token::Star) {
                        tokens.push(Token::Star);
                    }
                }
                '?' => tokens.push(Token::AnyChar),
                '[' => {
                    let mut j = i;
                    if chars.get(j) == Some(&'!') {
                        j += 1;
                    }
                    if chars.get(j) == Some(&']') {
                        j += 1;
                    }
                    while j < chars.len() && chars[j] != ']' {
                        j += 1;
                    }
                    if j >= chars.len() {
                        tokens.push(Token::Literal('['));
                        continue;
                    }
                    let mut body = &chars[i..j];
                    i = j + 1;
                    let negated = body.first() == Some(&'!');
                    if negated {
                        body = &body[1..];
                    }
                    tokens.push(Token::Class {
                        negated,
                        items: class_items(body),
                    });
                }
                other => tokens.push(Token::Literal(other)),
            }
        }
        Pattern { tokens }
    }

    /// Whether the whole of `name` matches.
    pub fn matches(&self, name: &str) -> bool {
        // Artifact paths are nearly always ASCII: match on bytes without building a buffer.
        if name.is_ascii() {
            return self.matches_chars(name.len(), |i| char::from(name.as_bytes()[i]));
        }
        let chars: Vec<char> = name.chars().collect();
        self.matches_chars(chars.len(), |i| chars[i])
    }

    fn matches_chars(&self, len: usize, at: impl Fn(usize) -> char) -> bool {
        // Iterative glob matching: on a mismatch, let the most recent `*` swallow one more
        // character. Linear in practice, quadratic at worst, never exponential.
        let (mut t, mut n) = (0, 0);
        let mut backtrack: Option<(usize, usize)> = None;
        while n < len {
            match self.tokens.get(t) {
                Some(Token::Star) => {
                    backtrack = Some((t, n));
                    t += 1;
                    continue;
                }
                Some(token) if token_matches(token, at(n)) => {
                    t += 1;
                    n += 1;
                    continue;
                }
                _ => {}
            }
            match backtrack {
                Some((star, start)) => {
                    t = star + 1;
                    n = start + 1;
                    backtrack = Some((star, start + 1));
                }
                None => return false,
            }
        }
        self.tokens[t..].iter().all(|token| *token == Token::Star)
    }
}

/// `fnmatch.fnmatch(name, pattern)` on POSIX.
pub fn fnmatch(name: &str, pattern: &str) -> bool {
    Pattern::new(pattern).matches(name)
}

/// `fnmatch.filter(names, pattern)`: the names that match, in the order given.
pub fn filter<'a, I>(names: I, pattern: &str) -> Vec<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let compiled = Pattern::new(pattern);
    names
        .into_iter()
        .filter(|name| compiled.matches(name))
        .collect()
}

fn token_matches(token: &Token, c: char) -> bool {
    match token {
        Token::Star => true,
        Token::AnyChar => true,
        Token::Literal(l) => *l == c,
        Token::Class { negated, items } => {
            let inside = items.iter().any(|(lo, hi)| *lo <= c && c <= *hi);
            inside != *negated
        }
    }
}

/// Class contents as inclusive ranges; a reversed range matches nothing and is dropped.
fn class_items(body: &[char]) -> Vec<(char, char)> {
    let mut items = Vec::new();
    let mut k = 0;
    while k < body.len() {
        let lo = body[k];
        if k + 2 < body.len() && body[k + 1] == '-' {
            let hi = body[k + 2];
            if lo <= hi {
                items.push((lo, hi));
            }
            k += 3;
        } else {
            items.push((lo, lo));
            k += 1;
        }
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn star_crosses_slashes_unlike_a_shell() {
        assert!(fnmatch("src/lib/a.py", "*.py"));
        assert!(fnmatch("src/lib/a.py", "src/*"));
        assert!(fnmatch("a\nb", "a*b"));
        assert!(fnmatch("", "*"));
        assert!(!fnmatch("a.pyc", "*.py"));
        assert!(!fnmatch("foo.tar.gz", "foo-*.tar.gz"));
        assert!(fnmatch("foo-1.2.tar.gz", "foo-*.tar.gz"));
        assert!(fnmatch("aXbXc", "a*b*c") && !fnmatch("aXbX", "a*b*c"));
    }

    #[test]
    fn question_mark_and_classes() {
        assert!(fnmatch("a/b", "a?b"));
        assert!(fnmatch("v1.txt", "v[0-9].txt") && !fnmatch("vx.txt", "v[0-9].txt"));
        assert!(fnmatch("vx.txt", "v[!0-9].txt") && !fnmatch("v5.txt", "v[!0-9].txt"));
        assert!(fnmatch("]", "[]]") && fnmatch("a", "[!]]") && !fnmatch("]", "[!]]"));
        assert!(fnmatch("-", "[a-]") && fnmatch("-", "[-a]") && fnmatch("a", "[-a]"));
        assert!(!fnmatch("m", "[z-a]"), "a reversed range matches nothing");
        assert!(fnmatch("x", "[z-ax]"));
        assert!(
            fnmatch("[ab", "[ab") && !fnmatch("a", "[ab"),
            "an unterminated class is literal"
        );
        assert!(fnmatch("^", "[^]") && fnmatch("\\", "[\\]"));
        assert!(!fnmatch("A.PY", "*.py"), "case-sensitive on POSIX");
    }

    #[test]
    fn filter_keeps_order() {
        assert_eq!(filter(["b.py", "a.txt", "c.py"], "*.py"), ["b.py", "c.py"]);
    }
}
