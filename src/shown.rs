//! The one escaping type for text that came from a file or a server (role names, target
//! paths, artifact names, error messages that quote what was read): everything a terminal or
//! a label would act on instead of showing is written as a visible escape, so a hostile file
//! cannot erase lines, move the cursor, paint a fake verdict or reorder text.
//!
//! Escaped: NUL and every other C0 control (including ESC, CR, LF and TAB), DEL, every C1
//! control (U+0080–U+009F), the bidirectional controls (U+061C, U+200E, U+200F, U+202A–U+202E,
//! U+2066–U+2069) and the line and paragraph separators (U+2028, U+2029). Each becomes `\u{…}`,
//! and a backslash itself `\\`, so the escaped text cannot be mistaken for the original.
//!
//! Like the trace, this depends on nothing else in chainscope.

use std::borrow::Cow;
use std::fmt;

/// Text from a file or a server, displayed with [`fmt::Display`] as it may safely appear in a
/// terminal or a label.
#[derive(Debug, Clone, Copy)]
pub struct Shown<'a>(pub &'a str);

/// Whether `c` must not reach a terminal or a label as itself.
pub fn is_unsafe(c: char) -> bool {
    matches!(
        c,
        '\u{0}'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{61c}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.0;
        let mut start = 0;
        for (index, c) in text.char_indices() {
            if c == '\\' || is_unsafe(c) {
                f.write_str(&text[start..index])?;
                if c == '\\' {
                    f.write_str("\\\\")?;
                } else {
                    write!(f, "\\u{{{:x}}}", c as u32)?;
                }
                start = index + c.len_utf8();
            }
        }
        f.write_str(&text[start..])
    }
}

/// `text` escaped as [`Shown`] does, borrowed when nothing needed escaping.
pub fn shown(text: &str) -> Cow<'_, str> {
    if text.chars().any(|c| c == '\\' || is_unsafe(c)) {
        Cow::Owned(Shown(text).to_string())
    } else {
        Cow::Borrowed(text)
    }
}

/// Escapes every unsafe character of a whole rendered text except the line breaks the
/// renderer itself put between lines: for a report assembled from many values, the last
/// guard before a terminal. Backslashes are kept as they are (the values were escaped already
/// where they were formatted, or hold none).
pub fn shown_lines(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c != '\n' && is_unsafe(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if c != '\n' && is_unsafe(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// How much of one value a message quotes.
pub const QUOTED_CHARS: usize = 200;

/// How long one message line may be when printed (it may quote a value whole).
pub const MESSAGE_CHARS: usize = 1000;

/// `text` cut to `max` characters, saying how many more there were: messages stay readable
/// whatever a file holds (the whole value stays in the JSON output where it is data).
pub fn clipped(text: &str, max: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max) {
        None => Cow::Borrowed(text),
        Some((cut, _)) => {
            let more = text[cut..].chars().count();
            Cow::Owned(format!(
                "{}… ({} more characters)",
                &text[..cut],
                thousands(more as u64)
            ))
        }
    }
}

/// `199990` as `199,990`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// `n` and a noun that takes an `s` after any count but one: `1 key`, `2 keys`, `0 keys`.
pub fn counted(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_key_is_not_one_keys() {
        assert_eq!(counted(1, "key"), "1 key");
        assert_eq!(counted(0, "key"), "0 keys");
        assert_eq!(counted(3, "key"), "3 keys");
    }

    #[test]
    fn every_control_class_is_escaped_visibly() {
        for (raw, escaped) in [
            ("\u{1b}[2K\rverdict: PASS", "\\u{1b}[2K\\u{d}verdict: PASS"),
            ("a\nb\tc\0d", "a\\u{a}b\\u{9}c\\u{0}d"),
            ("\u{7f}\u{85}\u{9b}", "\\u{7f}\\u{85}\\u{9b}"),
            ("evil\u{202e}gpj.exe", "evil\\u{202e}gpj.exe"),
            (
                "\u{2066}x\u{2069}\u{200f}\u{61c}",
                "\\u{2066}x\\u{2069}\\u{200f}\\u{61c}",
            ),
            ("line\u{2028}sep", "line\\u{2028}sep"),
            ("back\\slash", "back\\\\slash"),
            ("plain ünïcode ✓", "plain ünïcode ✓"),
        ] {
            assert_eq!(Shown(raw).to_string(), escaped);
            assert_eq!(shown(raw), escaped);
        }
        assert!(matches!(shown("clean/path.tgz"), Cow::Borrowed(_)));
        assert_eq!(shown_lines("one\u{1b}[31m\ntwo\\"), "one\\u{1b}[31m\ntwo\\");
    }

    #[test]
    fn long_values_are_clipped_saying_how_much() {
        assert_eq!(clipped("short", 10), "short");
        let long = "é".repeat(1_000_000);
        let quoted = clipped(&long, QUOTED_CHARS);
        assert!(
            quoted.ends_with("… (999,800 more characters)"),
            "{}",
            &quoted[quoted.len() - 40..]
        );
        assert_eq!(thousands(199_990), "199,990");
        assert_eq!(thousands(7), "7");
    }
}
