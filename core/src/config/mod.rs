//! Remote configuration: namespaces of typed entries per environment, released as immutable
//! snapshots, optionally to only part of the fleet first (a gray release).
//!
//! Pure: no I/O, so the browser runs exactly the checks the server runs. Storage, server
//! functions and pages build on these types.

pub mod constraints;
pub mod diff;
pub mod duration;
pub mod inputs;
pub mod model;
pub mod schema;
pub mod selector;
pub mod views;

pub use diff::{EntryChange, EntryDiff, diff_entries};
pub use inputs::{
    CopyNamespace, DiscardDraft, FinishGray, NewNamespace, PublishDraft, RemoveEntry,
    RollbackRelease, SetEntry,
};
pub use model::{Entry, EntryConstraints, SECRET_MASK, ValueType, is_masked};
pub use schema::{Schema, SchemaProblem};
pub use selector::{GrayTarget, Requirement, Selector};
pub use views::{
    Draft, DraftEntry, EnvironmentComparison, GrayRelease, InstanceView, NamespaceSummary, Release,
    ReleaseDiff, ReleaseKind, ReleaseSummary, RemovedEntry, blank_entry,
};
