//! Unleash's client API, so an Unleash server-side SDK pointed at Switchboard with an SDK key
//! works unchanged: the feature state of the key's environment (translated from Switchboard's
//! flags once per change, see `switchboard_core::flags::unleash_export`), with ETag / 304, and the
//! register and metrics calls the SDKs make, accepted and otherwise ignored. Flags Unleash's format
//! cannot express are left out, each named with the reason in an `X-Switchboard-Left-Out` header.

use crate::delivery::config::etag_matches;
use crate::delivery::error::DeliveryError;
use crate::delivery::sdk_auth::live_key;
use app::AppState;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use switchboard_backend::request_info::bearer;
use switchboard_backend::sdk_keys::KeyEntry;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Each route declared once, by its handler's `#[utoipa::path]` (see [`super::api`]).
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(features))
        .routes(routes!(register))
        .routes(routes!(metrics))
}

const LEFT_OUT: HeaderName = HeaderName::from_static("x-switchboard-left-out");

/// Unleash SDKs send the key as the whole `Authorization` header, without a scheme; `Bearer KEY`
/// and `X-API-Key` work too.
pub(super) fn key_of(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Arc<KeyEntry>, DeliveryError> {
    let raw = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.contains(' '))
        .map(str::to_string);
    live_key(state, raw.or_else(|| bearer(headers)))
}

#[utoipa::path(get, path = "/api/client/features", tag = "delivery",
    responses(
        (status = 200, description = "Unleash's client API state (`version`, `features`, `segments`) for the SDK key's environment; ETag header; one X-Switchboard-Left-Out header per flag Unleash's format cannot express (`key: reason`)", content_type = "application/json"),
        (status = 304, description = "Unchanged since the If-None-Match ETag"),
        (status = 401, description = "No valid SDK key")),
    security(("sdk_key" = [])))]
pub async fn features(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, DeliveryError> {
    let key = key_of(&state, &headers)?;
    let snapshot = state
        .delivery
        .flags
        .environment(&key.environment)
        .unwrap_or_default();
    let etag = HeaderValue::from_str(&snapshot.etag).unwrap_or(HeaderValue::from_static("\"0\""));
    let mut response = if etag_matches(&headers, &snapshot.etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut ok = Response::new(Body::from(snapshot.unleash.body.clone()));
        ok.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        for left in &snapshot.unleash.left_out {
            if let Ok(v) = HeaderValue::from_str(&format!("{}: {}", left.flag, left.reason)) {
                ok.headers_mut().append(LEFT_OUT, v);
            }
        }
        ok
    };
    response.headers_mut().insert(header::ETAG, etag);
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(response)
}

/// SDKs report themselves and their counts as JSON objects; anything else is refused.
pub(super) fn accepted(
    state: &AppState,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<Response, DeliveryError> {
    key_of(state, headers)?;
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(_)) => Ok(StatusCode::ACCEPTED.into_response()),
        _ => Err(DeliveryError::bad_request(
            "PARSE_ERROR",
            "the body must be a JSON object",
        )),
    }
}

#[utoipa::path(post, path = "/api/client/register", tag = "delivery",
    request_body(content = Object, content_type = "application/json"),
    responses((status = 202, description = "Accepted (Switchboard keeps no SDK registry)"),
        (status = 400, description = "PARSE_ERROR: not a JSON object"), (status = 401, description = "No valid SDK key")),
    security(("sdk_key" = [])))]
pub async fn register(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, DeliveryError> {
    accepted(&state, &headers, &body)
}

#[utoipa::path(post, path = "/api/client/metrics", tag = "delivery",
    request_body(content = Object, content_type = "application/json"),
    responses((status = 202, description = "Accepted (usage is counted by Switchboard's own metrics, not from SDK reports)"),
        (status = 400, description = "PARSE_ERROR: not a JSON object"), (status = 401, description = "No valid SDK key")),
    security(("sdk_key" = [])))]
pub async fn metrics(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, DeliveryError> {
    accepted(&state, &headers, &body)
}
