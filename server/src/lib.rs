#![recursion_limit = "256"]
//! Switchboard's server: configuration, startup, the HTTP application and its APIs.

pub mod app;
pub mod bootstrap;
pub mod config;
pub mod config_delivery;
pub mod healthcheck;
pub mod lean_http;
pub mod logging;
pub mod menu_delivery;
pub mod metrics;
pub mod ofrep;
pub mod openapi;
pub mod operator;
pub mod ops;
pub mod render_thread;
pub mod rest;
pub mod rpc_status;
pub mod sdk_auth;
pub mod security;
pub mod serve;
pub mod site_config;
pub mod static_files;
pub mod streams;
pub mod wakeups;
pub mod watch_listener;
