#![recursion_limit = "256"]
//! Switchboard's web app: the Leptos components (`ui`) the server renders and the browser
//! hydrates, and the server functions they call (`api`). Storage and the command layer live in
//! `backend`, compiled only with the `ssr` feature.
//!
//! The rules both sides run (domain, permissions, validation, time, flags, config, menus) are
//! the pure `switchboard-core` crate, re-exported here under their usual paths.

pub use switchboard_core::{
    config, cookies, domain, flags, menus, permissions, redirects, releases, time, validation,
};

pub mod api;
pub mod error;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod backend;

pub use error::AppError;
pub use ui::{App, shell};
