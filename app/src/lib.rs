#![recursion_limit = "256"]
//! Switchboard's shared crate: everything the browser and the server both run.
//!
//! Pure modules (`domain`, `permissions`, `validation`, `time`) do no I/O and compile for wasm32 and
//! native alike. `api` holds the server functions; `ui` the Leptos components. Storage and the
//! command layer live in `backend`, compiled only with the `ssr` feature.

pub mod api;
pub mod config;
pub mod cookies;
pub mod domain;
pub mod error;
pub mod flags;
pub mod menus;
pub mod permissions;
pub mod redirects;
pub mod time;
pub mod ui;
pub mod validation;

#[cfg(feature = "ssr")]
pub mod backend;

#[cfg(test)]
mod test_props;

pub use error::AppError;
pub use ui::{App, shell};
