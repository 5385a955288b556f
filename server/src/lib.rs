#![recursion_limit = "256"]
//! Switchboard's server: configuration, startup, the HTTP application and its APIs, grouped by
//! job: `delivery` (what apps call), `rest` (the admin API), `ops` (health, metrics, logs), and
//! the dashboard's plumbing (render thread, security, static files).

pub mod app;
pub mod bootstrap;
pub mod config;
pub mod delivery;
pub mod openapi;
pub mod operator;
pub mod ops;
pub mod render_thread;
pub mod rest;
pub mod rpc_status;
pub mod security;
pub mod serve;
pub mod site_config;
pub mod static_files;
