//! TUF: metadata models (and, in later issues, the client workflow and the repository editor).

pub mod metadata;

pub use metadata::{
    AnyMetadata, DelegatedRole, Delegations, MetaFile, Metadata, MetadataError, Role, Root,
    Snapshot, SuccinctRoles, TargetFile, Targets, Timestamp,
};
