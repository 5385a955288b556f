//! The dashboard: server-rendered, then hydrated in the browser.

mod app;
pub mod auth;
mod components;
#[cfg(feature = "ssr")]
mod csp;
pub mod env_pref;
pub mod form;
mod layout;
mod lazy_pages;
pub mod nav;
mod pages;
pub mod style;
#[cfg(feature = "hydrate")]
pub mod typed_early;

pub use app::{App, shell};

/// Percent-encodes a value for a query string.
pub fn encode_query(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
