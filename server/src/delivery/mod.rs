//! What running apps call, authenticated by SDK keys: OFREP flag evaluation, Unleash's client
//! and frontend APIs for Unleash SDKs, config and menu delivery (fetch, long poll, watch), and the
//! watch transport under them: the connection listener, the lean HTTP writer for watch streams,
//! wake-ups and the per-key stream caps. Every refusal is a [`error::DeliveryError`].

pub mod config;
pub mod error;
pub mod lean_http;
pub mod listener;
pub mod menus;
pub mod ofrep;
pub mod ofrep_answer;
pub mod ofrep_events;
pub mod sdk_auth;
pub mod sse;
pub mod streams;
pub mod unleash;
pub mod unleash_frontend;
pub mod wakeups;

use app::AppState;
use utoipa_axum::router::OpenApiRouter;

/// The delivery APIs. As in the admin API (`rest::api`), each route is declared once, by its
/// handler's `#[utoipa::path]` attribute: `routes!` routes it and documents it, so what apps can
/// call and what the OpenAPI document says cannot disagree. Each API keeps its own CORS layer.
pub fn api() -> OpenApiRouter<AppState> {
    ofrep::api()
        .merge(config::api())
        .merge(menus::api())
        .merge(unleash::api())
        .merge(unleash_frontend::api())
}
