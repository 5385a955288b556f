//! Integration tests: the real server on an ephemeral port, on SQLite and on PostgreSQL. One test
//! binary (each extra one would link the whole server again).

#[macro_use]
mod common;

mod audit;
mod auth;
mod bootstrap;
mod cli;
mod concurrency;
mod config;
mod csrf;
mod delivery_errors;
mod limits;
mod login_abuse;
mod menus;
mod ofrep;
mod ofrep_events;
mod openapi;
mod ops;
mod permissions;
mod prerequisites;
mod promotion;
mod racing_writers;
mod replicas;
mod secrets;
mod shared_definitions;
mod tokens;
mod unleash_client;
mod upgrades;
mod validation;
mod watch_listener;
