//! What running apps call, authenticated by SDK keys: OFREP flag evaluation, config and menu
//! delivery (fetch, long poll, watch), and the watch transport under them: the connection
//! listener, the lean HTTP writer for watch streams, wake-ups and the per-key stream caps. Every
//! refusal is a [`error::DeliveryError`].

pub mod config;
pub mod error;
pub mod lean_http;
pub mod listener;
pub mod menus;
pub mod ofrep;
pub mod sdk_auth;
pub mod streams;
pub mod wakeups;
