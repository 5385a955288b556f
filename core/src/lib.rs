//! Switchboard's rules, the one copy the browser and the server both run: what things are
//! (`domain`), who may do what (`permissions`), which input is acceptable (`validation`), time
//! arithmetic (`time`), and the three products' logic: `flags` (model, bucketing, the evaluation
//! engine, Unleash import planning), `config` (model, schema, selector, duration, diff) and
//! `menus` (model, filter, gates, edits, diff), and `releases`, what every released subject
//! shares.
//!
//! Nothing here does I/O or knows about Leptos, HTTP or a database: it compiles for wasm32 and
//! native alike and is tested natively. The `openapi` feature derives the admin API's schemas.

pub mod cidr;
pub mod config;
pub mod cookies;
pub mod domain;
pub mod flags;
pub mod menus;
pub mod pattern;
pub mod permissions;
pub mod redirects;
pub mod releases;
pub mod time;
pub mod validation;

#[cfg(test)]
mod test_props;
