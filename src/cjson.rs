//! Canonical JSON, and the one strict JSON reader every metadata file goes through.
//!
//! Both in-toto and TUF sign "the canonical JSON of `signed`" as securesystemslib's
//! `encode_canonical` writes it: object keys sorted by code point, no whitespace, only `"` and
//! `\` escaped inside strings (every other character, control characters included, is written as
//! its raw UTF-8 bytes), integers, `true`, `false` and `null`; a float is an error.
//!
//! The reader is stricter than Python's `json` on purpose: a duplicate object key is rejected
//! (Python silently keeps the last one, so two tools could see two different documents), and an
//! integer that does not fit in 64 bits is rejected instead of being turned into a float.

use std::borrow::Cow;
use std::fmt::Write as _;

pub use serde_json::{Map, Number, Value};

/// Deepest nesting the reader accepts; metadata is a handful of levels deep, so this only stops
/// hostile input from exhausting the stack.
pub const MAX_DEPTH: usize = 256;

/// Why a byte string is not a JSON document chainscope accepts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("invalid JSON at line {line}, column {column}: {reason}")]
    Syntax {
        line: usize,
        column: usize,
        reason: String,
    },
    #[error(
        "duplicate key \"{key}\" in the object at {path} (rejected: readers disagree on which copy wins)"
    )]
    DuplicateKey { path: String, key: String },
    #[error(
        "integer {digits} at {path} does not fit in 64 bits (rejected rather than rounded to a float)"
    )]
    IntegerTooLarge { path: String, digits: String },
    #[error("JSON nested deeper than {limit} levels at {path}")]
    TooDeep { path: String, limit: usize },
}

impl crate::report::Hint for ParseError {}

/// Why a value has no canonical form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CanonicalError {
    #[error("floating-point number {value} at {path} has no canonical JSON form")]
    Float { path: String, value: String },
}

/// Parses one JSON document strictly (see the module docs for what is rejected).
pub fn parse(bytes: &[u8]) -> Result<Value, ParseError> {
    Ok(Tree::parse(bytes)?.root().to_value())
}

/// A parsed document held in a few flat arrays: strings borrow the input unless they contain
/// escapes, and each object's members are sorted by key (code point order, the canonical one).
/// [`parse`] turns it into a [`Value`]; readers of very large files (links with tens of thousands
/// of artifacts) read it directly, which avoids a map allocation per object.
#[derive(Debug, Clone)]
pub struct Tree<'a> {
    nodes: Vec<Node<'a>>,
    /// Array elements, contiguous per array.
    items: Vec<u32>,
    /// Object members, contiguous and sorted by key per object.
    members: Vec<(Cow<'a, str>, u32)>,
    root: u32,
}

/// One JSON value in a [`Tree`].
#[derive(Debug, Clone, PartialEq)]
pub enum Node<'a> {
    Null,
    Bool(bool),
    Number(Number),
    String(Cow<'a, str>),
    /// `items[start..start + len]`; `source_len` bytes of the input, brackets included.
    Array {
        start: u32,
        len: u32,
        source_len: u32,
    },
    /// `members[start..start + len]`; `source_len` bytes of the input, braces included.
    Object {
        start: u32,
        len: u32,
        source_len: u32,
    },
}

/// A value inside a [`Tree`].
#[derive(Debug, Clone, Copy)]
pub struct NodeRef<'t, 'a> {
    tree: &'t Tree<'a>,
    id: u32,
}

impl<'a> Tree<'a> {
    /// Parses one JSON document strictly (see the module docs for what is rejected).
    pub fn parse(bytes: &'a [u8]) -> Result<Tree<'a>, ParseError> {
        // Metadata runs at about one value per 24 bytes and one member per 40 (python-tuf's
        // indented output): sized once, the arrays are not copied as they grow.
        let mut parser = Parser {
            bytes,
            pos: 0,
            path: Vec::new(),
            tree: Tree {
                nodes: Vec::with_capacity(bytes.len() / 24),
                items: Vec::new(),
                members: Vec::with_capacity(bytes.len() / 40),
                root: 0,
            },
            pending_items: Vec::new(),
            pending_members: Vec::new(),
        };
        if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
            return Err(parser.syntax("unexpected UTF-8 byte order mark"));
        }
        parser.skip_whitespace();
        let root = parser.value(0)?;
        parser.skip_whitespace();
        if parser.pos != bytes.len() {
            return Err(parser.syntax("unexpected data after the end of the document"));
        }
        parser.tree.root = root;
        Ok(parser.tree)
    }

    pub fn root(&self) -> NodeRef<'_, 'a> {
        NodeRef {
            tree: self,
            id: self.root,
        }
    }
}

impl<'t, 'a> NodeRef<'t, 'a> {
    pub fn node(&self) -> &'t Node<'a> {
        &self.tree.nodes[self.id as usize]
    }

    pub fn as_str(&self) -> Option<&'t str> {
        match self.node() {
            Node::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.node(), Node::Null)
    }

    /// The members of an object in key order; `None` for any other value.
    pub fn members(
        &self,
    ) -> Option<impl ExactSizeIterator<Item = (&'t str, NodeRef<'t, 'a>)> + use<'t, 'a>> {
        let tree = self.tree;
        match *self.node() {
            Node::Object { start, len, .. } => Some(
                tree.members[start as usize..(start + len) as usize]
                    .iter()
                    .map(move |(key, id)| (key.as_ref(), NodeRef { tree, id: *id })),
            ),
            _ => None,
        }
    }

    /// The elements of an array; `None` for any other value.
    pub fn items(&self) -> Option<impl ExactSizeIterator<Item = NodeRef<'t, 'a>> + use<'t, 'a>> {
        let tree = self.tree;
        match *self.node() {
            Node::Array { start, len, .. } => Some(
                tree.items[start as usize..(start + len) as usize]
                    .iter()
                    .map(move |id| NodeRef { tree, id: *id }),
            ),
            _ => None,
        }
    }

    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<NodeRef<'t, 'a>> {
        let Node::Object { start, len, .. } = *self.node() else {
            return None;
        };
        let members = &self.tree.members[start as usize..(start + len) as usize];
        members
            .binary_search_by(|(k, _)| k.as_ref().cmp(key))
            .ok()
            .map(|index| NodeRef {
                tree: self.tree,
                id: members[index].1,
            })
    }

    pub fn to_value(&self) -> Value {
        match self.node() {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(*b),
            Node::Number(n) => Value::Number(n.clone()),
            Node::String(s) => Value::String(s.as_ref().to_owned()),
            Node::Array { .. } => Value::Array(
                self.items()
                    .into_iter()
                    .flatten()
                    .map(|item| item.to_value())
                    .collect(),
            ),
            // Members arrive sorted, so the map is built in bulk rather than key by key.
            Node::Object { .. } => Value::Object(
                self.members()
                    .into_iter()
                    .flatten()
                    .map(|(key, item)| (key.to_owned(), item.to_value()))
                    .collect(),
            ),
        }
    }

    /// This value's canonical form, exactly as [`encode`] writes its [`Value`].
    pub fn canonical(&self) -> Result<Vec<u8>, CanonicalError> {
        // Never longer than its source: canonical JSON drops whitespace and writes every
        // escape but `\"` and `\\` as the (shorter) character itself. Sized once, a link's
        // 400 KB is not copied through every doubling into fresh memory.
        let source_len = match *self.node() {
            Node::Object { source_len, .. } | Node::Array { source_len, .. } => Some(source_len),
            _ => None,
        };
        let mut out = Vec::with_capacity(source_len.unwrap_or(64) as usize);
        let mut path = Vec::new();
        self.encode_into(&mut out, &mut path)?;
        debug_assert!(source_len.is_none_or(|len| out.len() <= len as usize));
        Ok(out)
    }

    fn encode_into(
        &self,
        out: &mut Vec<u8>,
        path: &mut Vec<PathSegment<'t>>,
    ) -> Result<(), CanonicalError> {
        match self.node() {
            Node::Number(n) => encode_number(n, out, path)?,
            Node::String(s) => encode_string(s, out),
            Node::Array { .. } => {
                out.push(b'[');
                for (index, item) in self.items().into_iter().flatten().enumerate() {
                    if index > 0 {
                        out.push(b',');
                    }
                    path.push(PathSegment::Index(index));
                    item.encode_into(out, path)?;
                    path.pop();
                }
                out.push(b']');
            }
            Node::Object { .. } => {
                out.push(b'{');
                for (index, (key, item)) in self.members().into_iter().flatten().enumerate() {
                    if index > 0 {
                        out.push(b',');
                    }
                    encode_string(key, out);
                    out.push(b':');
                    path.push(PathSegment::Key(key));
                    item.encode_into(out, path)?;
                    path.pop();
                }
                out.push(b'}');
            }
            Node::Null => out.extend_from_slice(b"null"),
            Node::Bool(true) => out.extend_from_slice(b"true"),
            Node::Bool(false) => out.extend_from_slice(b"false"),
        }
        Ok(())
    }
}

/// Encodes `value` exactly as securesystemslib's `encode_canonical(value).encode("utf-8")`.
pub fn encode(value: &Value) -> Result<Vec<u8>, CanonicalError> {
    let mut out = Vec::with_capacity(256);
    let mut path = Vec::new();
    encode_into(value, &mut out, &mut path)?;
    Ok(out)
}

fn encode_into<'a>(
    value: &'a Value,
    out: &mut Vec<u8>,
    path: &mut Vec<PathSegment<'a>>,
) -> Result<(), CanonicalError> {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => encode_number(n, out, path)?,
        Value::String(s) => encode_string(s, out),
        Value::Array(items) => {
            out.push(b'[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(b',');
                }
                path.push(PathSegment::Index(index));
                encode_into(item, out, path)?;
                path.pop();
            }
            out.push(b']');
        }
        Value::Object(map) => {
            // Python sorts str keys by code point. serde_json's map (without `preserve_order`) is
            // a BTreeMap<String, _>, already in byte order, which for UTF-8 is code point order.
            out.push(b'{');
            for (index, (key, item)) in map.iter().enumerate() {
                if index > 0 {
                    out.push(b',');
                }
                encode_string(key, out);
                out.push(b':');
                path.push(PathSegment::Key(key));
                encode_into(item, out, path)?;
                path.pop();
            }
            out.push(b'}');
        }
    }
    Ok(())
}

fn encode_number(
    n: &Number,
    out: &mut Vec<u8>,
    path: &[PathSegment<'_>],
) -> Result<(), CanonicalError> {
    if let Some(u) = n.as_u64() {
        push_decimal(u, false, out);
    } else if let Some(i) = n.as_i64() {
        push_decimal(i.unsigned_abs(), i < 0, out);
    } else {
        return Err(CanonicalError::Float {
            path: render_path(path),
            value: n.to_string(),
        });
    }
    Ok(())
}

/// Writes an integer in decimal without going through a `String`.
fn push_decimal(mut magnitude: u64, negative: bool, out: &mut Vec<u8>) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (magnitude % 10) as u8;
        magnitude /= 10;
        if magnitude == 0 {
            break;
        }
    }
    if negative {
        out.push(b'-');
    }
    out.extend_from_slice(&digits[at..]);
}

fn encode_string(s: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    let mut rest = s.as_bytes();
    // Copy runs between the two characters that need escaping.
    while let Some(at) = rest.iter().position(|&b| b == b'"' || b == b'\\') {
        out.extend_from_slice(&rest[..at]);
        out.push(b'\\');
        out.push(rest[at]);
        rest = &rest[at + 1..];
    }
    out.extend_from_slice(rest);
    out.push(b'"');
}

#[derive(Debug, Clone, Copy)]
enum PathSegment<'a> {
    Key(&'a str),
    Index(usize),
}

/// Renders a location as `$.signed.roles["odd key"][2]`, the form every error message uses.
fn render_path(path: &[PathSegment<'_>]) -> String {
    let mut out = String::from("$");
    for segment in path {
        match segment {
            PathSegment::Index(i) => {
                let _ = write!(out, "[{i}]");
            }
            PathSegment::Key(k) if is_plain_identifier(k) => {
                let _ = write!(out, ".{k}");
            }
            PathSegment::Key(k) => {
                let _ = write!(out, "[{}]", serde_json::Value::String((*k).to_owned()));
            }
        }
    }
    out
}

fn is_plain_identifier(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !key.starts_with(|c: char| c.is_ascii_digit())
}

/// Appends one object key to a rendered path, so callers outside this module (models reporting
/// a bad field) name locations the same way the reader does.
pub fn path_with_key(base: &str, key: &str) -> String {
    let mut out = base.to_owned();
    if is_plain_identifier(key) {
        let _ = write!(out, ".{key}");
    } else {
        let _ = write!(out, "[{}]", serde_json::Value::String(key.to_owned()));
    }
    out
}

struct Parser<'a> {
    bytes: &'a [u8],
    pos: usize,
    path: Vec<ParseSegment<'a>>,
    tree: Tree<'a>,
    /// Elements and members of the arrays and objects still open, moved into the tree (so each
    /// container's entries are contiguous) when the container closes.
    pending_items: Vec<u32>,
    pending_members: Vec<(Cow<'a, str>, u32)>,
}

enum ParseSegment<'a> {
    Key(Cow<'a, str>),
    Index(usize),
}

impl<'a> Parser<'a> {
    fn current_path(&self) -> String {
        let borrowed: Vec<PathSegment<'_>> = self
            .path
            .iter()
            .map(|s| match s {
                ParseSegment::Key(k) => PathSegment::Key(k),
                ParseSegment::Index(i) => PathSegment::Index(*i),
            })
            .collect();
        render_path(&borrowed)
    }

    fn push(&mut self, node: Node<'a>) -> u32 {
        self.tree.nodes.push(node);
        (self.tree.nodes.len() - 1) as u32
    }

    fn syntax(&self, reason: &str) -> ParseError {
        if self.pos >= self.bytes.len() && !reason.starts_with("unexpected end") {
            return self.syntax_at(self.pos, &format!("unexpected end of input, {reason}"));
        }
        self.syntax_at(self.pos, reason)
    }

    fn syntax_at(&self, pos: usize, reason: &str) -> ParseError {
        let consumed = &self.bytes[..pos.min(self.bytes.len())];
        let line = consumed.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = consumed
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        let column = String::from_utf8_lossy(&consumed[line_start..])
            .chars()
            .count()
            + 1;
        ParseError::Syntax {
            line,
            column,
            reason: reason.to_owned(),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn expect_literal(&mut self, literal: &[u8], node: Node<'a>) -> Result<u32, ParseError> {
        if self.bytes[self.pos..].starts_with(literal) {
            self.pos += literal.len();
            Ok(self.push(node))
        } else {
            Err(self.syntax("expected a JSON value"))
        }
    }

    fn value(&mut self, depth: usize) -> Result<u32, ParseError> {
        if depth > MAX_DEPTH {
            return Err(ParseError::TooDeep {
                path: self.current_path(),
                limit: MAX_DEPTH,
            });
        }
        match self.peek() {
            None => Err(self.syntax("unexpected end of input, expected a JSON value")),
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => {
                let text = self.string()?;
                Ok(self.push(Node::String(text)))
            }
            Some(b't') => self.expect_literal(b"true", Node::Bool(true)),
            Some(b'f') => self.expect_literal(b"false", Node::Bool(false)),
            Some(b'n') => self.expect_literal(b"null", Node::Null),
            Some(b'-' | b'0'..=b'9') => {
                let number = self.number()?;
                Ok(self.push(Node::Number(number)))
            }
            Some(_) => Err(self.syntax("expected a JSON value")),
        }
    }

    fn object(&mut self, depth: usize) -> Result<u32, ParseError> {
        let begin = self.pos;
        self.pos += 1;
        let mark = self.pending_members.len();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return self.close_object(mark, begin);
        }
        loop {
            self.skip_whitespace();
            if self.peek() != Some(b'"') {
                return Err(self.syntax("expected a string key"));
            }
            let key = self.string()?;
            self.skip_whitespace();
            if self.peek() != Some(b':') {
                return Err(self.syntax("expected ':' after an object key"));
            }
            self.pos += 1;
            self.skip_whitespace();
            // The key waits on the path stack while its value is parsed, so an error deep inside
            // can name it without every key being copied.
            self.path.push(ParseSegment::Key(key));
            let item = self.value(depth + 1)?;
            let Some(ParseSegment::Key(key)) = self.path.pop() else {
                unreachable!("the path stack is balanced: a key was pushed just above");
            };
            self.pending_members.push((key, item));
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return self.close_object(mark, begin);
                }
                _ => return Err(self.syntax("expected ',' or '}' in an object")),
            }
        }
    }

    /// Sorts the members of the object that just closed (writers usually sort already, which
    /// costs one comparison per key to confirm) and refuses a repeated key.
    fn close_object(&mut self, mark: usize, begin: usize) -> Result<u32, ParseError> {
        let members = &mut self.pending_members[mark..];
        if !members.windows(2).all(|pair| pair[0].0 < pair[1].0) {
            members.sort_by(|a, b| a.0.cmp(&b.0));
            if let Some(pair) = members.windows(2).find(|pair| pair[0].0 == pair[1].0) {
                let key = pair[0].0.to_string();
                return Err(ParseError::DuplicateKey {
                    path: self.current_path(),
                    key,
                });
            }
        }
        let start = self.tree.members.len() as u32;
        let len = (self.pending_members.len() - mark) as u32;
        self.tree.members.extend(self.pending_members.drain(mark..));
        let source_len = u32::try_from(self.pos - begin).unwrap_or(u32::MAX);
        Ok(self.push(Node::Object {
            start,
            len,
            source_len,
        }))
    }

    fn array(&mut self, depth: usize) -> Result<u32, ParseError> {
        let begin = self.pos;
        self.pos += 1;
        let mark = self.pending_items.len();
        self.skip_whitespace();
        if self.peek() != Some(b']') {
            loop {
                self.skip_whitespace();
                self.path
                    .push(ParseSegment::Index(self.pending_items.len() - mark));
                let item = self.value(depth + 1)?;
                self.path.pop();
                self.pending_items.push(item);
                self.skip_whitespace();
                match self.peek() {
                    Some(b',') => self.pos += 1,
                    Some(b']') => break,
                    _ => return Err(self.syntax("expected ',' or ']' in an array")),
                }
            }
        }
        self.pos += 1;
        let start = self.tree.items.len() as u32;
        let len = (self.pending_items.len() - mark) as u32;
        self.tree.items.extend(self.pending_items.drain(mark..));
        let source_len = u32::try_from(self.pos - begin).unwrap_or(u32::MAX);
        Ok(self.push(Node::Array {
            start,
            len,
            source_len,
        }))
    }

    fn hex4(&mut self) -> Result<u16, ParseError> {
        let digits = self
            .bytes
            .get(self.pos..self.pos + 4)
            .ok_or_else(|| self.syntax("truncated \\u escape"))?;
        let text = std::str::from_utf8(digits).map_err(|_| self.syntax("bad \\u escape"))?;
        let unit = u16::from_str_radix(text, 16).map_err(|_| self.syntax("bad \\u escape"))?;
        if !digits.iter().all(u8::is_ascii_hexdigit) {
            return Err(self.syntax("bad \\u escape"));
        }
        self.pos += 4;
        Ok(unit)
    }

    fn string(&mut self) -> Result<Cow<'a, str>, ParseError> {
        let start = self.pos;
        self.pos += 1;
        // Most strings hold no escapes: borrow them from the input.
        let plain = self.bytes[self.pos..]
            .iter()
            .position(|&b| b == b'"' || b == b'\\' || b < 0x20);
        if let Some(len) = plain
            && self.bytes[self.pos + len] == b'"'
        {
            let text = std::str::from_utf8(&self.bytes[self.pos..self.pos + len])
                .map_err(|_| self.syntax_at(start, "string is not valid UTF-8"))?;
            self.pos += len + 1;
            return Ok(Cow::Borrowed(text));
        }
        let mut out: Vec<u8> = Vec::new();
        loop {
            let Some(byte) = self.peek() else {
                return Err(self.syntax_at(start, "unterminated string"));
            };
            match byte {
                b'"' => {
                    self.pos += 1;
                    break;
                }
                b'\\' => {
                    self.pos += 1;
                    let escape = self
                        .peek()
                        .ok_or_else(|| self.syntax_at(start, "unterminated string"))?;
                    self.pos += 1;
                    match escape {
                        b'"' => out.push(b'"'),
                        b'\\' => out.push(b'\\'),
                        b'/' => out.push(b'/'),
                        b'b' => out.push(0x08),
                        b'f' => out.push(0x0C),
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'u' => {
                            let escape_start = self.pos - 2;
                            let unit = self.hex4()?;
                            let scalar = match unit {
                                0xD800..=0xDBFF => {
                                    if self.bytes.get(self.pos..self.pos + 2) != Some(b"\\u") {
                                        return Err(self.syntax_at(
                                            escape_start,
                                            "lone UTF-16 surrogate in \\u escape (not valid Unicode text)",
                                        ));
                                    }
                                    self.pos += 2;
                                    let low = self.hex4()?;
                                    if !(0xDC00..=0xDFFF).contains(&low) {
                                        return Err(self.syntax_at(
                                            escape_start,
                                            "lone UTF-16 surrogate in \\u escape (not valid Unicode text)",
                                        ));
                                    }
                                    0x10000
                                        + ((u32::from(unit) - 0xD800) << 10)
                                        + (u32::from(low) - 0xDC00)
                                }
                                0xDC00..=0xDFFF => {
                                    return Err(self.syntax_at(
                                        escape_start,
                                        "lone UTF-16 surrogate in \\u escape (not valid Unicode text)",
                                    ));
                                }
                                other => u32::from(other),
                            };
                            let ch = char::from_u32(scalar)
                                .ok_or_else(|| self.syntax_at(escape_start, "bad \\u escape"))?;
                            let mut buf = [0u8; 4];
                            out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                        }
                        _ => return Err(self.syntax_at(self.pos - 2, "unknown escape in string")),
                    }
                }
                0x00..=0x1F => {
                    return Err(self.syntax("raw control character in string (must be escaped)"));
                }
                _ => {
                    // Copy a run of ordinary bytes; UTF-8 validity is checked once at the end.
                    let run_start = self.pos;
                    while let Some(b) = self.peek() {
                        if b == b'"' || b == b'\\' || b < 0x20 {
                            break;
                        }
                        self.pos += 1;
                    }
                    out.extend_from_slice(&self.bytes[run_start..self.pos]);
                }
            }
        }
        String::from_utf8(out)
            .map(Cow::Owned)
            .map_err(|_| self.syntax_at(start, "string is not valid UTF-8"))
    }

    fn number(&mut self) -> Result<Number, ParseError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                while matches!(self.peek(), Some(b'0'..=b'9')) {
                    self.pos += 1;
                }
            }
            _ => return Err(self.syntax("expected a digit")),
        }
        let mut is_float = false;
        if self.peek() == Some(b'.') {
            is_float = true;
            self.pos += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.syntax("expected a digit after '.'"));
            }
            while matches!(self.peek(), Some(b'0'..=b'9')) {
                self.pos += 1;
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            is_float = true;
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.syntax("expected a digit in the exponent"));
            }
            while matches!(self.peek(), Some(b'0'..=b'9')) {
                self.pos += 1;
            }
        }
        // The slice holds only ASCII digits, signs, '.', 'e': always valid UTF-8.
        let text = std::str::from_utf8(&self.bytes[start..self.pos]).unwrap_or_default();
        if is_float {
            let parsed: f64 = text
                .parse()
                .map_err(|_| self.syntax_at(start, "malformed number"))?;
            return Number::from_f64(parsed)
                .ok_or_else(|| self.syntax_at(start, "number out of the range of a float"));
        }
        if let Ok(i) = text.parse::<i64>() {
            return Ok(i.into());
        }
        if let Ok(u) = text.parse::<u64>() {
            return Ok(u.into());
        }
        Err(ParseError::IntegerTooLarge {
            path: self.current_path(),
            digits: text.to_owned(),
        })
    }
}

/// Reading typed documents straight from a [`Tree`], without building a [`Value`] first: the
/// same visits serde_json's `Value` makes (so the same error messages), fewer allocations.
pub mod de {
    use std::fmt;

    use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};

    use super::{Node, NodeRef};

    /// A value of the wrong shape, worded by serde (`invalid type: …, expected …`).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Error(String);

    impl fmt::Display for Error {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(&self.0)
        }
    }

    impl std::error::Error for Error {}

    impl de::Error for Error {
        fn custom<T: fmt::Display>(message: T) -> Error {
            Error(message.to_string())
        }
    }

    impl<'de> de::Deserializer<'de> for NodeRef<'_, '_> {
        type Error = Error;

        fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            match self.node() {
                Node::Null => visitor.visit_unit(),
                Node::Bool(b) => visitor.visit_bool(*b),
                Node::Number(n) => {
                    if let Some(u) = n.as_u64() {
                        visitor.visit_u64(u)
                    } else if let Some(i) = n.as_i64() {
                        visitor.visit_i64(i)
                    } else {
                        visitor.visit_f64(n.as_f64().unwrap_or(f64::NAN))
                    }
                }
                Node::String(s) => visitor.visit_str(s),
                Node::Array { .. } => {
                    let mut items = Items {
                        items: self.items().into_iter().flatten(),
                    };
                    let value = visitor.visit_seq(&mut items)?;
                    match items.items.next() {
                        None => Ok(value),
                        Some(_) => Err(de::Error::custom("trailing array elements")),
                    }
                }
                Node::Object { .. } => {
                    // The tree holds members sorted by key; a reader gets them in the file's
                    // order, as Python's `json` gives them (a TUF target file is named after
                    // its first hash as written). Nodes are numbered as they close, so
                    // siblings' numbers follow the file.
                    let mut members: Vec<(&str, NodeRef<'_, '_>)> =
                        self.members().into_iter().flatten().collect();
                    if !members.windows(2).all(|pair| pair[0].1.id < pair[1].1.id) {
                        members.sort_by_key(|member| member.1.id);
                    }
                    visitor.visit_map(Members {
                        members: members.into_iter(),
                        value: None,
                    })
                }
            }
        }

        fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            match self.node() {
                Node::Null => visitor.visit_none(),
                _ => visitor.visit_some(self),
            }
        }

        fn deserialize_newtype_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            visitor: V,
        ) -> Result<V::Value, Error> {
            visitor.visit_newtype_struct(self)
        }

        fn deserialize_enum<V: Visitor<'de>>(
            self,
            _name: &'static str,
            _variants: &'static [&'static str],
            visitor: V,
        ) -> Result<V::Value, Error> {
            match self.node() {
                Node::String(s) => visitor.visit_enum(s.as_ref().into_deserializer()),
                _ => Err(de::Error::custom("expected a string naming a variant")),
            }
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
            bytes byte_buf unit unit_struct seq tuple tuple_struct map struct
            identifier
        }

        /// The tree is parsed and well formed already: nothing to walk.
        fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            visitor.visit_unit()
        }
    }

    struct Items<I> {
        items: I,
    }

    impl<'de, 't, 'a: 't, I: Iterator<Item = NodeRef<'t, 'a>>> SeqAccess<'de> for &mut Items<I> {
        type Error = Error;

        fn next_element_seed<T: DeserializeSeed<'de>>(
            &mut self,
            seed: T,
        ) -> Result<Option<T::Value>, Error> {
            self.items
                .next()
                .map(|item| seed.deserialize(item))
                .transpose()
        }

        fn size_hint(&self) -> Option<usize> {
            self.items.size_hint().1
        }
    }

    struct Members<'t, 'a, I> {
        members: I,
        value: Option<NodeRef<'t, 'a>>,
    }

    impl<'de, 't, 'a: 't, I: Iterator<Item = (&'t str, NodeRef<'t, 'a>)>> MapAccess<'de>
        for Members<'t, 'a, I>
    {
        type Error = Error;

        fn next_key_seed<K: DeserializeSeed<'de>>(
            &mut self,
            seed: K,
        ) -> Result<Option<K::Value>, Error> {
            let Some((key, value)) = self.members.next() else {
                return Ok(None);
            };
            self.value = Some(value);
            seed.deserialize(key.into_deserializer()).map(Some)
        }

        fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
            match self.value.take() {
                Some(value) => seed.deserialize(value),
                None => Err(de::Error::custom(
                    "a map value was asked for before its key",
                )),
            }
        }

        fn size_hint(&self) -> Option<usize> {
            self.members.size_hint().1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(text: &str) -> String {
        String::from_utf8(encode(&parse(text.as_bytes()).unwrap()).unwrap()).unwrap()
    }

    #[test]
    fn sorts_keys_by_code_point_and_drops_whitespace() {
        assert_eq!(
            canon(r#"{ "b": 1, "a": [true, false, null], "é": "x", "Z": {} }"#),
            r#"{"Z":{},"a":[true,false,null],"b":1,"é":"x"}"#
        );
    }

    /// The encoder relies on serde_json's map iterating in key order. A dependency enabling
    /// serde_json's `preserve_order` feature would silently break canonical JSON: fail here.
    #[test]
    fn maps_iterate_in_key_order() {
        let mut map = Map::new();
        for key in ["b", "é", "a", "Z", "aa"] {
            map.insert(key.to_owned(), Value::Null);
        }
        let keys: Vec<&str> = map.keys().map(String::as_str).collect();
        assert_eq!(keys, ["Z", "a", "aa", "b", "é"]);
    }

    #[test]
    fn escapes_only_quote_and_backslash() {
        let encoded = canon(r#"["\u001b\t\r\n", "a\"b\\c", "\uffff", "\/"]"#);
        assert_eq!(
            encoded,
            "[\"\u{1b}\t\r\n\",\"a\\\"b\\\\c\",\"\u{ffff}\",\"/\"]"
        );
    }

    /// [`NodeRef::canonical`] sizes its buffer by the source it came from: the canonical form
    /// must never be longer (debug builds assert it too), and must be [`encode`]'s.
    #[test]
    fn a_trees_canonical_form_is_the_values_and_never_longer_than_its_source() {
        let documents = [
            r#"{"b":[1,-0,18446744073709551615],"a":"\u00e9\ud83d\ude00\n\/\"\\"}"#,
            r#"[{"z":{}},[],"\u001b\t",-9223372036854775808,true,null]"#,
            "{ \"k\" : [ \"v\" , { \"x\" : 0 } ] }",
            r#"{"":{"":[""]}}"#,
        ];
        for document in documents {
            let tree = Tree::parse(document.as_bytes()).unwrap();
            let mut nodes = vec![tree.root()];
            while let Some(node) = nodes.pop() {
                let canonical = node.canonical().unwrap();
                assert_eq!(canonical, encode(&node.to_value()).unwrap(), "{document}");
                assert!(canonical.len() <= document.len(), "{document}");
                nodes.extend(node.items().into_iter().flatten());
                nodes.extend(node.members().into_iter().flatten().map(|(_, item)| item));
            }
        }
    }

    #[test]
    fn keeps_64_bit_integers_exact_and_normalises_negative_zero() {
        assert_eq!(
            canon("[18446744073709551615, -9223372036854775808, -0]"),
            "[18446744073709551615,-9223372036854775808,0]"
        );
    }

    #[test]
    fn rejects_integers_beyond_64_bits_naming_the_path() {
        let err = parse(br#"{"signed": {"version": 18446744073709551616}}"#).unwrap_err();
        assert_eq!(
            err,
            ParseError::IntegerTooLarge {
                path: "$.signed.version".into(),
                digits: "18446744073709551616".into()
            }
        );
    }

    #[test]
    fn rejects_floats_when_encoding_naming_the_path() {
        let value = parse(br#"{"signed": {"x-odd key": [1, 2.5]}}"#).unwrap();
        let err = encode(&value).unwrap_err();
        assert_eq!(
            crate::report::chain(&err),
            "floating-point number 2.5 at $.signed[\"x-odd key\"][1] has no canonical JSON form"
        );
        assert!(encode(&parse(b"1e3").unwrap()).is_err());
    }

    #[test]
    fn rejects_duplicate_keys() {
        let err = parse(br#"{"signed": {"a": 1, "a": 2}}"#).unwrap_err();
        assert_eq!(
            err,
            ParseError::DuplicateKey {
                path: "$.signed".into(),
                key: "a".into()
            }
        );
    }

    #[test]
    fn rejects_malformed_input_with_position() {
        for bad in [
            &b"{\"a\":}"[..],
            b"[1,]",
            b"01",
            b"\"\\ud800\"",
            b"\"\\udc00x\"",
            b"\"a\nb\"",
            b"NaN",
            b"{} x",
            b"\xEF\xBB\xBF{}",
            b"\"\xff\"",
            b"",
            b"tru",
        ] {
            assert!(
                matches!(parse(bad), Err(ParseError::Syntax { .. })),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
        match parse(b"{\n  \"a\": x}") {
            Err(ParseError::Syntax { line, column, .. }) => assert_eq!((line, column), (2, 8)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn decodes_surrogate_pairs() {
        assert_eq!(canon(r#""\ud83d\ude00""#), "\"😀\"");
    }

    #[test]
    fn refuses_hostile_nesting() {
        let deep = "[".repeat(MAX_DEPTH + 2) + &"]".repeat(MAX_DEPTH + 2);
        assert!(matches!(
            parse(deep.as_bytes()),
            Err(ParseError::TooDeep { .. })
        ));
        let fine = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(parse(fine.as_bytes()).is_ok());
    }
}
