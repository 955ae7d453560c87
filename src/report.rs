//! How a failure reads, the same in the CLI and the app: one line saying what could not be
//! done, then each cause in turn (`Caused by:`, walked down the `source()` chain), then at most
//! one hint saying what to do about it.
//!
//! Errors keep their causes as `#[source]` fields instead of pasting them into their own
//! message, so each line says one thing; [`chain`] joins them back into one line where only
//! one line fits (a status bar, a trace message, a JSON field). Hints come from the [`Hint`]
//! trait on the core's errors, found anywhere in the chain by [`hint_of`].

use std::error::Error;
use std::fmt;

/// What to do about an error, when chainscope knows better than the message alone says.
pub trait Hint {
    fn hint(&self) -> Option<String> {
        None
    }
}

/// A failure ready to be shown: what failed, why (outermost cause first), what to do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub message: String,
    pub causes: Vec<String>,
    pub hint: Option<String>,
}

impl Report {
    pub fn new(message: impl Into<String>) -> Report {
        Report {
            message: message.into(),
            ..Report::default()
        }
    }

    /// `error` with its causes and the first hint its chain offers.
    pub fn of(error: &(dyn Error + 'static)) -> Report {
        let mut report = Report::new(error.to_string());
        report.add_causes(error.source());
        report.hint = hint_of(error);
        report
    }

    /// Adds `cause` and its own causes below what is there, and its hint unless there is one.
    pub fn caused_by(mut self, cause: &(dyn Error + 'static)) -> Report {
        self.push_cause(cause.to_string());
        self.add_causes(cause.source());
        if self.hint.is_none() {
            self.hint = hint_of(cause);
        }
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Report {
        self.hint = Some(hint.into());
        self
    }

    fn add_causes(&mut self, mut next: Option<&(dyn Error + 'static)>) {
        while let Some(cause) = next {
            self.push_cause(cause.to_string());
            next = cause.source();
        }
    }

    /// A cause the line above already quotes in full (errors from other crates often paste
    /// their source into their message) is not said twice.
    pub fn push_cause(&mut self, cause: String) {
        let above = self.causes.last().unwrap_or(&self.message);
        if cause.is_empty() || above.ends_with(&cause) {
            return;
        }
        self.causes.push(cause);
    }

    /// Every line as the CLI prints it: `error: …`, `  Caused by: …`, `hint: …`.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = vec![format!("error: {}", self.message)];
        lines.extend(self.causes.iter().map(|c| format!("  Caused by: {c}")));
        lines.extend(self.hint.iter().map(|h| format!("hint: {h}")));
        lines
    }
}

/// One line, causes joined with ": " (the hint left out): what a status bar or a trace shows.
impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        for cause in &self.causes {
            write!(f, ": {cause}")?;
        }
        Ok(())
    }
}

/// `error` and its causes on one line: what `to_string()` said before causes became sources.
pub fn chain(error: &(dyn Error + 'static)) -> String {
    let mut report = Report::new(error.to_string());
    report.add_causes(error.source());
    report.to_string()
}

/// `error` on one line, and its hint on the next: what an editor shows under its buttons.
pub fn with_hint(error: &(dyn Error + 'static)) -> String {
    let report = Report::of(error);
    match &report.hint {
        Some(hint) => format!("{report}\nHint: {hint}"),
        None => report.to_string(),
    }
}

/// The first hint anywhere in `error`'s chain, outermost first: the error closest to what the
/// user did knows best what they should do next.
pub fn hint_of(error: &(dyn Error + 'static)) -> Option<String> {
    let mut next = Some(error);
    while let Some(error) = next {
        if let Some(hint) = hint_here(error) {
            return Some(hint);
        }
        next = error.source();
    }
    None
}

/// Every core error that can offer a hint, in one list.
fn hint_here(error: &(dyn Error + 'static)) -> Option<String> {
    macro_rules! try_types {
        ($($t:ty),* $(,)?) => {
            $(if let Some(e) = error.downcast_ref::<$t>() { return e.hint(); })*
        };
    }
    try_types!(
        crate::edit::tuf::RepoError,
        crate::edit::layout::EditError,
        crate::edit::layout::OpenError,
        crate::tuf::verify::VerifyError,
        crate::tuf::transport::FetchError,
        crate::tuf::state::RereadError,
        crate::tuf::metadata::MetadataError,
        crate::crypto::keyfile::KeyFileError,
        crate::crypto::keyfile::KeyFormatError,
        crate::crypto::SignError,
        crate::crypto::signed::ImportError,
        crate::files::ReadError,
        crate::files::UnsafePath,
        crate::inspect::InspectError,
        crate::inspect::LoadError,
        crate::intoto::document::DocumentError,
        crate::intoto::record::RecordError,
        crate::intoto::run::RunError,
        crate::workspace::WorkspaceError,
        crate::samples::SampleError,
        crate::attacks::AttackError,
        crate::cjson::ParseError,
        crate::time::TimeError,
    );
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("cannot open the thing")]
    struct Outer {
        #[source]
        source: Middle,
    }

    #[derive(Debug, thiserror::Error)]
    #[error("the middle gave way: {source}")]
    struct Middle {
        source: std::io::Error,
    }

    fn outer() -> Outer {
        Outer {
            source: Middle {
                source: std::io::Error::other("disk on fire"),
            },
        }
    }

    #[test]
    fn the_whole_chain_is_walked_and_nothing_is_said_twice() {
        let report = Report::of(&outer());
        assert_eq!(report.message, "cannot open the thing");
        // Middle pastes its source into its message: the io error is not repeated below it.
        assert_eq!(report.causes, ["the middle gave way: disk on fire"]);
        assert_eq!(
            report.lines(),
            [
                "error: cannot open the thing",
                "  Caused by: the middle gave way: disk on fire"
            ]
        );
        assert_eq!(
            chain(&outer()),
            "cannot open the thing: the middle gave way: disk on fire"
        );
    }

    #[test]
    fn a_hint_is_found_anywhere_in_the_chain() {
        #[derive(Debug, thiserror::Error)]
        #[error("cannot publish")]
        struct Wrapper {
            source: crate::edit::tuf::RepoError,
        }
        let error = Wrapper {
            source: crate::edit::tuf::RepoError::NoRootYet,
        };
        let report = Report::of(&error);
        assert_eq!(report.causes, ["the repository has no root yet"]);
        assert_eq!(
            report.hint.as_deref(),
            Some("initialize it first: chainscope tuf init")
        );
        // An explicit hint from whoever knows more stays.
        let report = Report::new("x").with_hint("mine").caused_by(&error);
        assert_eq!(report.hint.as_deref(), Some("mine"));
    }
}
