#![recursion_limit = "256"]
//! Switchboard's web app: the Leptos components (`ui`) the server renders and the browser
//! hydrates, and the server functions they call (`api`). With the `ssr` feature the server
//! functions call the storage and command layer, the `switchboard-backend` crate, through the
//! [`AppState`] the server provides.
//!
//! The rules both sides run (domain, permissions, validation, time, flags, config, menus) are
//! the pure `switchboard-core` crate, re-exported here under their usual paths.

pub use switchboard_core::{
    config, cookies, domain, flags, menus, permissions, redirects, releases, time, validation,
};

pub mod api;
#[cfg(feature = "ssr")]
mod state;
pub mod ui;

#[cfg(feature = "ssr")]
pub use state::AppState;
pub use switchboard_error::AppError;
pub use ui::{App, shell};
