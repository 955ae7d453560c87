//! Editing signed documents: `Action` values applied to a document with undo and redo, lint,
//! diffs and drafts. Signing lives in `crypto::signed` and atomic writes in `files`, so the
//! engines that record links use them without reaching into the editor. The app and the CLI
//! both edit through here; nothing in this module draws.

pub mod attest_layout;
pub mod diff;
pub mod draft;
pub mod history;
pub mod layout;
pub mod lint;
pub mod templates;
pub mod tuf;

pub use history::History;
