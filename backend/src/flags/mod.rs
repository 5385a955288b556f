//! Server side of rollout flags: storage, commands, segments, the in-memory snapshot OFREP reads,
//! and the Unleash import.

pub mod commands;
pub mod copy;
pub mod events;
pub mod import;
pub mod prerequisites;
pub mod queries;
pub mod segments;
pub mod snapshot;
pub mod store;
