//! TUF: metadata models, transports and the client workflow.

pub mod cache;
pub mod client;
pub mod history;
pub mod http;
pub mod metadata;
pub mod review;
pub mod search;
pub mod state;
pub mod transport;
pub mod verify;

pub use metadata::{
    AnyMetadata, DelegatedRole, Delegations, MetaFile, Metadata, MetadataError, Role, Root,
    Snapshot, SuccinctRoles, TargetFile, Targets, Timestamp,
};
