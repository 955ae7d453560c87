//! in-toto: layouts, links, attestation statements and artifact rules.

pub mod artifact_rules;
pub mod artifacts;
pub mod document;
pub mod layout;
pub mod record;
pub mod rule;
pub mod run;
pub mod verify;

pub use document::{Document, DocumentError, Payload, Statement};
pub use layout::{Inspection, Layout, Link, RuleEntry, Step};
pub use rule::{ArtifactKind, ArtifactRule, MatchRule, RuleParseError};
