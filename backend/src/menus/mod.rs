//! Server side of menus: storage, commands, the queries the dashboard reads, and the in-memory
//! snapshot the delivery API filters per caller and watchers wait on.

pub mod commands;
pub mod queries;
pub mod releasable;
pub mod snapshot;
pub mod store;
