//! gitignore-style exclude patterns exactly as in-toto applies them: pathspec 1.1's
//! `GitIgnoreSpec` with "gitwildmatch" patterns (`in_toto.resolver.FileResolver`).
//!
//! Each pattern is translated the way pathspec translates it into a regular expression, and the
//! expression is run by a small backtracking matcher that tries alternatives in the order
//! Python's `re` does, because which alternative matched (a directory marker or not) decides
//! between patterns. A path is excluded when the last pattern that matches it as a file says
//! so, or, if none matches as a file, the last one that matches it as something below a
//! directory.

/// One compiled pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitPattern {
    /// `false` for a `!negated` pattern (it re-includes).
    include: bool,
    matcher: Matcher,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Matcher {
    /// pathspec's `.`: any non-empty path.
    Anything,
    /// pathspec's `/` searched anywhere: paths with a slash (not a directory match).
    AnySlash,
    /// pathspec's `(?P<ps_d>/)` searched anywhere: paths with a slash, as a directory match.
    AnySlashDir,
    /// An anchored expression.
    Anchored(Vec<Token>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    /// `(?:.+/)?` — leading directories, greedy.
    LeadingDirs,
    /// `(?:/.+)?` — inner directories, greedy.
    InnerDirs,
    /// `/`.
    Slash,
    /// `[^/]+`.
    WholeSegment,
    /// `[^/]*`.
    AnyRun,
    /// `[^/]`.
    AnyChar,
    Literal(char),
    Class {
        negated: bool,
        items: Vec<ClassItem>,
    },
    /// `(?:(?P<ps_d>/)|$)` — the end of the path, or a directory below which the path goes on.
    EndOrDir,
    /// `(?P<ps_d>/)` — a directory below which the path goes on.
    Dir,
    /// `/` after which anything may follow.
    SlashThenAnything,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum ClassItem {
    Char(char),
    Range(char, char),
}

/// A pattern pathspec refuses to compile (in-toto then fails).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid exclude pattern {pattern:?}: {problem}")]
pub struct PatternError {
    pub pattern: String,
    pub problem: &'static str,
}

impl GitPattern {
    /// Compiles one pattern line; `Ok(None)` for lines pathspec ignores (blank, comments, `/`,
    /// and patterns with an unclosed `[`, which Git discards).
    pub fn new(line: &str) -> Result<Option<GitPattern>, PatternError> {
        let error = |problem| PatternError {
            pattern: line.to_owned(),
            problem,
        };
        let mut pattern = if line.ends_with("\\ ") {
            line
        } else {
            line.trim_end_matches(python_whitespace)
        };
        if pattern.is_empty() || pattern.starts_with('#') || pattern == "/" {
            return Ok(None);
        }
        let include = match pattern.strip_prefix('!') {
            Some(rest) => {
                pattern = rest;
                false
            }
            None => true,
        };
        let mut segments: Vec<&str> = pattern.split('/').collect();
        let is_dir_pattern = segments.last().is_some_and(|s| s.is_empty());
        // pathspec's __normalize_segments.
        if segments[0].is_empty() {
            segments.remove(0);
        } else if (segments.len() == 1 || (segments.len() == 2 && segments[1].is_empty()))
            && segments[0] != "**"
        {
            segments.insert(0, "**");
        }
        if segments.is_empty() {
            return Err(error("it normalizes to nothing"));
        }
        if segments.last().is_some_and(|s| s.is_empty()) {
            *segments.last_mut().expect("not empty") = "**";
        }
        let mut index = segments.len() - 1;
        while index > 0 {
            if segments[index - 1] == "**" && segments[index] == "**" {
                segments.remove(index);
            }
            index -= 1;
        }
        let matcher = match segments.as_slice() {
            ["**"] if is_dir_pattern => Matcher::AnySlashDir,
            ["**"] => Matcher::Anything,
            ["**", "*"] => Matcher::Anything,
            ["**", "*", "**"] if is_dir_pattern => Matcher::AnySlashDir,
            ["**", "*", "**"] => Matcher::AnySlash,
            _ => match translate(&segments, is_dir_pattern) {
                Ok(tokens) => Matcher::Anchored(tokens),
                Err(Translate::Range) => return Ok(None),
                Err(Translate::Escape) => {
                    return Err(error(
                        "it ends in an escape character with nothing to escape",
                    ));
                }
            },
        };
        Ok(Some(GitPattern { include, matcher }))
    }

    /// Whether the pattern matches `path`, and if so whether as a directory above it.
    fn matches(&self, path: &str) -> Option<bool> {
        let chars: Vec<char> = path.chars().collect();
        match &self.matcher {
            Matcher::Anything => {
                (!chars.is_empty() && chars.iter().any(|c| *c != '\n')).then_some(false)
            }
            Matcher::AnySlash => chars.contains(&'/').then_some(false),
            Matcher::AnySlashDir => chars.contains(&'/').then_some(true),
            Matcher::Anchored(tokens) => Run::new(tokens, &chars).run(0, 0, false),
        }
    }
}

/// Python's `str.rstrip()` whitespace.
fn python_whitespace(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

enum Translate {
    /// An unclosed `[`: Git discards the pattern.
    Range,
    /// A trailing backslash.
    Escape,
}

/// pathspec's __translate_segments.
fn translate(segments: &[&str], is_dir_pattern: bool) -> Result<Vec<Token>, Translate> {
    let mut tokens = Vec::new();
    let mut need_slash = false;
    let end = segments.len() - 1;
    for (i, segment) in segments.iter().enumerate() {
        if *segment == "**" {
            if i == 0 {
                tokens.push(Token::LeadingDirs);
            } else if i < end {
                tokens.push(Token::InnerDirs);
                need_slash = true;
            } else if is_dir_pattern {
                tokens.push(Token::Dir);
            } else {
                tokens.push(Token::SlashThenAnything);
            }
            continue;
        }
        if need_slash {
            tokens.push(Token::Slash);
        }
        if *segment == "*" {
            tokens.push(Token::WholeSegment);
        } else {
            glob(segment, &mut tokens)?;
        }
        if i == end {
            tokens.push(Token::EndOrDir);
        }
        need_slash = true;
    }
    Ok(tokens)
}

/// pathspec's `_translate_segment_glob` with `range_error="raise"`.
fn glob(pattern: &str, tokens: &mut Vec<Token>) -> Result<(), Translate> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    let mut escape = false;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        if escape {
            escape = false;
            tokens.push(Token::Literal(c));
        } else if c == '\\' {
            escape = true;
        } else if c == '*' {
            tokens.push(Token::AnyRun);
        } else if c == '?' {
            tokens.push(Token::AnyChar);
        } else if c == '[' {
            let mut j = i;
            if j < chars.len() && (chars[j] == '!' || chars[j] == '^') {
                j += 1;
            }
            if j < chars.len() && chars[j] == ']' {
                j += 1;
            }
            while j < chars.len() && chars[j] != ']' {
                j += 1;
            }
            if j >= chars.len() {
                return Err(Translate::Range);
            }
            let mut start = i;
            let negated = chars[start] == '!' || chars[start] == '^';
            if negated {
                start += 1;
            }
            // The text between the brackets goes into a regex class as it is (backslashes
            // doubled, so literal): read it with regex class rules.
            tokens.push(Token::Class {
                negated,
                items: class_items(&chars[start..j]),
            });
            i = j + 1;
        } else {
            tokens.push(Token::Literal(c));
        }
    }
    if escape {
        return Err(Translate::Escape);
    }
    Ok(())
}

/// The members of a regular-expression character class body: a leading `]` is literal,
/// `a-z` is a range, a `-` first or last is literal.
fn class_items(body: &[char]) -> Vec<ClassItem> {
    let mut items = Vec::new();
    let mut k = 0;
    while k < body.len() {
        let c = body[k];
        if k + 2 < body.len() && body[k + 1] == '-' {
            items.push(ClassItem::Range(c, body[k + 2]));
            k += 3;
        } else {
            items.push(ClassItem::Char(c));
            k += 1;
        }
    }
    items
}

fn class_matches(negated: bool, items: &[ClassItem], c: char) -> bool {
    let inside = items.iter().any(|item| match item {
        ClassItem::Char(x) => *x == c,
        ClassItem::Range(a, b) => *a <= c && c <= *b,
    });
    inside != negated
}

/// Runs a pattern's tokens over a path: the first success in Python's backtracking order,
/// with whether a directory marker matched. Each `(token, position, directory)` state is
/// worked out once and remembered, so the run takes polynomial time whatever the pattern
/// (twenty stars against a long name would otherwise backtrack for ever) and still finds
/// what the backtracking order finds.
struct Run<'a> {
    tokens: &'a [Token],
    path: &'a [char],
    /// Per state: 0 not yet known, 1 no match, 2 a match, 3 a match as a directory.
    memo: Vec<u8>,
}

impl<'a> Run<'a> {
    fn new(tokens: &'a [Token], path: &'a [char]) -> Run<'a> {
        Run {
            tokens,
            path,
            memo: vec![0; (tokens.len() + 1) * (path.len() + 1) * 2],
        }
    }

    fn run(&mut self, index: usize, at: usize, dir: bool) -> Option<bool> {
        let key = (index * (self.path.len() + 1) + at.min(self.path.len())) * 2 + usize::from(dir);
        match self.memo[key] {
            1 => return None,
            2 => return Some(false),
            3 => return Some(true),
            _ => {}
        }
        let found = self.step(index, at, dir);
        self.memo[key] = match found {
            None => 1,
            Some(false) => 2,
            Some(true) => 3,
        };
        found
    }

    fn step(&mut self, index: usize, at: usize, dir: bool) -> Option<bool> {
        let path = self.path;
        let Some(token) = self.tokens.get(index) else {
            // `re.search` needs no full match: what follows is allowed.
            return Some(dir);
        };
        // `[^/]` matches a newline; only `.` does not.
        let not_slash = |c: &char| *c != '/';
        match token {
            Token::LeadingDirs => {
                // `.+/` greedily: the longest run of non-newlines ending in a slash first.
                let mut candidates: Vec<usize> = (at + 1..path.len())
                    .filter(|&end| path[end] == '/' && path[at..end].iter().all(|c| *c != '\n'))
                    .map(|end| end + 1)
                    .collect();
                candidates.reverse();
                candidates
                    .into_iter()
                    .find_map(|next| self.run(index + 1, next, dir))
                    .or_else(|| self.run(index + 1, at, dir))
            }
            Token::InnerDirs => {
                // `/.+` greedily, then nothing.
                if at < path.len() && path[at] == '/' {
                    let mut end = at + 1;
                    while end < path.len() && path[end] != '\n' {
                        end += 1;
                    }
                    for stop in (at + 2..=end).rev() {
                        if let Some(found) = self.run(index + 1, stop, dir) {
                            return Some(found);
                        }
                    }
                }
                self.run(index + 1, at, dir)
            }
            Token::Slash => (path.get(at) == Some(&'/'))
                .then(|| self.run(index + 1, at + 1, dir))
                .flatten(),
            Token::WholeSegment | Token::AnyRun => {
                let minimum = usize::from(matches!(token, Token::WholeSegment));
                let mut end = at;
                while end < path.len() && not_slash(&path[end]) {
                    end += 1;
                }
                (at + minimum..=end)
                    .rev()
                    .find_map(|stop| self.run(index + 1, stop, dir))
            }
            Token::AnyChar => path
                .get(at)
                .filter(|c| not_slash(c))
                .and_then(|_| self.run(index + 1, at + 1, dir)),
            Token::Literal(c) => (path.get(at) == Some(c))
                .then(|| self.run(index + 1, at + 1, dir))
                .flatten(),
            Token::Class { negated, items } => path
                .get(at)
                .filter(|c| class_matches(*negated, items, **c))
                .and_then(|_| self.run(index + 1, at + 1, dir)),
            Token::EndOrDir => {
                if path.get(at) == Some(&'/')
                    && let Some(found) = self.run(index + 1, at + 1, true)
                {
                    return Some(found);
                }
                (at == path.len() || (at + 1 == path.len() && path[at] == '\n'))
                    .then(|| self.run(index + 1, at, dir))
                    .flatten()
            }
            Token::Dir => (path.get(at) == Some(&'/'))
                .then(|| self.run(index + 1, at + 1, true))
                .flatten(),
            Token::SlashThenAnything => (path.get(at) == Some(&'/'))
                .then(|| self.run(index + 1, at + 1, dir))
                .flatten(),
        }
    }
}

/// A list of patterns, as in-toto's `GitIgnoreSpec.from_lines("gitwildmatch", patterns)`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GitIgnore {
    patterns: Vec<GitPattern>,
}

impl GitIgnore {
    pub fn new<S: AsRef<str>>(lines: &[S]) -> Result<GitIgnore, PatternError> {
        let mut patterns = Vec::new();
        for line in lines {
            if let Some(pattern) = GitPattern::new(line.as_ref())? {
                patterns.push(pattern);
            }
        }
        Ok(GitIgnore { patterns })
    }

    /// Whether `path` (a `/`-separated relative path) is excluded: the last pattern matching it
    /// as a file decides; failing that, the last matching it below a directory.
    pub fn is_excluded(&self, path: &str) -> bool {
        let path = path.strip_prefix('/').unwrap_or(path);
        let mut below_dir = None;
        for pattern in self.patterns.iter().rev() {
            match pattern.matches(path) {
                Some(false) => return pattern.include,
                Some(true) if below_dir.is_none() => below_dir = Some(pattern.include),
                _ => {}
            }
        }
        below_dir.unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn excluded(patterns: &[&str], path: &str) -> bool {
        GitIgnore::new(patterns).unwrap().is_excluded(path)
    }

    /// Twenty stars against a 250-character name: a plain backtracking matcher never ends;
    /// this one answers (no match: the name has no `x`) at once.
    #[test]
    fn a_pathological_pattern_is_matched_in_polynomial_time() {
        let pattern = format!("{}x", "*a".repeat(20));
        let name = "a".repeat(250);
        let (done, result) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = done.send(excluded(&[pattern.as_str()], &name));
        });
        let matched = result
            .recv_timeout(std::time::Duration::from_secs(20))
            .expect("the match ends");
        assert!(!matched);
        assert!(excluded(&["*a*a*a*x"], "baaaax"));
    }

    #[test]
    fn patterns_behave_as_pathspec() {
        assert!(excluded(&["*.link*"], "build.abcd1234.link"));
        assert!(excluded(&["*.link*"], "sub/dir/x.link"));
        assert!(
            excluded(&[".git"], ".git/config"),
            "a bare name matches below"
        );
        assert!(!excluded(&["*.pyc"], "a.pyc.txt"));
        assert!(excluded(&["/build"], "build/out"));
        assert!(
            !excluded(&["/build"], "src/build/out"),
            "a leading slash anchors"
        );
        assert!(excluded(&["build/"], "src/build/out"));
        assert!(
            !excluded(&["build/"], "build"),
            "a dir pattern needs something below"
        );
        assert!(excluded(&["a/*.c"], "a/x.c"));
        assert!(!excluded(&["a/*.c"], "a/b/x.c"));
        assert!(excluded(&["a/**/x.c"], "a/b/c/x.c"));
        assert!(excluded(&["a/**/x.c"], "a/x.c"));
        assert!(excluded(&["**/x"], "x"));
        assert!(!excluded(&["*.txt", "!keep.txt"], "keep.txt"));
        assert!(excluded(&["*.txt", "!keep.txt"], "other.txt"));
        assert!(excluded(&["f[0-9]"], "f7"));
        assert!(!excluded(&["f[!0-9]"], "f7"));
        assert!(
            !excluded(&["f[0-9"], "f[0-9"),
            "an unclosed [ discards the pattern"
        );
        assert!(excluded(&["\\#hash"], "#hash"));
        assert!(!excluded(&["# comment", ""], "# comment"));
        assert!(excluded(&["*"], "anything/at/all"));
        assert!(excluded(&["*/"], "dir/file") && !excluded(&["*/"], "file"));
        assert!(GitIgnore::new(&["trailing\\"]).is_err());
    }
}
