//! Server side of remote configuration: storage, commands, the queries the dashboard reads, the
//! in-memory snapshot the delivery API serves and watchers wait on, and the instances seen.

pub mod commands;
pub mod instances;
pub mod masking;
pub mod queries;
pub mod releasable;
pub mod rotation;
pub mod snapshot;
pub mod store;
