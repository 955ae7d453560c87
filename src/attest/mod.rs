//! in-toto attestations (ITE-6): what a Statement says, decoded per predicate type, so a user
//! reads the provenance in words instead of piping it through jq and base64.
//!
//! A Statement (`https://in-toto.io/Statement/v1`, or `v0.1`) names its subjects by digest and
//! carries one predicate, whose meaning its `predicateType` gives. This module reads the common
//! ones ([`PredicateKind`]) into labelled fields; anything it does not know is still shown as
//! its type and its top-level fields. Reading never judges: signatures and policies are checked
//! elsewhere.

pub mod cel;
pub mod certificate;
pub mod layout;
pub mod lint;
mod predicate;
pub mod verify;

pub use predicate::{Decoded, Field, PredicateKind, Subject, decode};
