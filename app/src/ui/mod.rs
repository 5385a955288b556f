//! The dashboard: server-rendered, then hydrated in the browser.

mod app;
pub mod auth;
mod components;
#[cfg(feature = "ssr")]
mod csp;
pub mod env_pref;
pub mod form;
mod layout;
pub mod nav;
mod pages;
pub mod style;

pub use app::{App, shell};
