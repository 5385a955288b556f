//! Unleash's frontend API, so an Unleash frontend SDK (`unleash-proxy-client` and the React,
//! Vue, iOS and Android SDKs built on the same API) pointed at `/api/frontend` with an SDK key
//! works unchanged: the caller's context in the query (GET) or body (POST), every flag of the
//! key's environment evaluated here by Switchboard's engine from the same snapshot as OFREP, the
//! enabled toggles in Unleash's shape (see `switchboard_core::flags::unleash_frontend`), with
//! ETag / 304, and the metrics and register calls the SDKs make accepted. Browser apps on other
//! origins call it, so it answers CORS preflights, allowing the headers the SDKs send.

use crate::delivery::config::etag_matches;
use crate::delivery::error::DeliveryError;
use crate::delivery::ofrep::{caller_etag, evaluation_context, json_response};
use crate::delivery::unleash::{accepted, key_of};
use app::AppState;
use app::flags::unleash_frontend::{eval_context, query_context, toggles};
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};
use switchboard_backend::request_info::client_ip;
use switchboard_backend::sdk_keys::KeyEntry;
use tower_http::cors::{AllowHeaders, Any, CorsLayer};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Each route declared once, by its handler's `#[utoipa::path]` (see [`super::api`]).
pub fn api() -> OpenApiRouter<AppState> {
    // The SDKs add headers of their own (unleash-sdk, unleash-appname, unleash-connection-id).
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::POST])
        .allow_headers(AllowHeaders::mirror_request())
        .expose_headers([header::ETAG])
        .max_age(std::time::Duration::from_secs(3600));
    OpenApiRouter::new()
        .routes(routes!(evaluate, evaluate_posted))
        .routes(routes!(register))
        .routes(routes!(metrics))
        .layer(cors)
}

/// The toggles for one caller. Unleash fills in the caller's address when the context has none
/// (remote-address strategies read it); so does Switchboard, from the connection or the trusted
/// proxies' forwarding header.
fn answer(
    state: &AppState,
    parts: &Parts,
    key: &KeyEntry,
    mut context: Map<String, Value>,
) -> Result<Response, DeliveryError> {
    if !context.contains_key("remoteAddress")
        && let Some(ip) = client_ip(parts, &state.settings)
    {
        context.insert("remoteAddress".into(), Value::String(ip));
    }
    let snapshot = state
        .delivery
        .flags
        .environment(&key.environment)
        .unwrap_or_default();
    let etag = caller_etag(&snapshot.etag, &context);
    let revalidate = [
        (
            header::ETAG,
            HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"0\"")),
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
    ];
    if etag_matches(&parts.headers, &etag) {
        return Ok((StatusCode::NOT_MODIFIED, revalidate).into_response());
    }
    let ctx = evaluation_context(eval_context(context));
    let body = toggles(snapshot.in_order(), &ctx);
    Ok((revalidate, json_response(body)).into_response())
}

#[utoipa::path(get, path = "/api/frontend", tag = "delivery",
    params(("userId" = Option<String>, Query, description = "The user (the default stickiness)"),
        ("sessionId" = Option<String>, Query), ("remoteAddress" = Option<String>, Query, description = "Defaults to the caller's address"),
        ("properties" = Option<String>, Query, description = "Any other context field, as properties[name]=value")),
    responses(
        (status = 200, description = "`{\"toggles\": [...]}`: the flags enabled for this caller, in Unleash's frontend API shape; ETag header", content_type = "application/json"),
        (status = 304, description = "Unchanged since the If-None-Match ETag"),
        (status = 400, description = "PARSE_ERROR: a query string that cannot be read"),
        (status = 401, description = "No valid SDK key")),
    security(("sdk_key" = [])))]
pub async fn evaluate(
    State(state): State<AppState>,
    parts: Parts,
    query: Result<Query<Vec<(String, String)>>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, DeliveryError> {
    // The key first: an anonymous caller learns nothing, not even whether its query would do.
    let key = key_of(&state, &parts.headers)?;
    let Query(pairs) =
        query.map_err(|e| DeliveryError::bad_request("PARSE_ERROR", e.body_text()))?;
    answer(&state, &parts, &key, query_context(&pairs))
}

#[utoipa::path(post, path = "/api/frontend", tag = "delivery",
    request_body(content = Object, content_type = "application/json", description = "`{\"context\": {\"userId\": ..., \"properties\": {...}}}`"),
    responses(
        (status = 200, description = "`{\"toggles\": [...]}`, as for GET; ETag header", content_type = "application/json"),
        (status = 304, description = "Unchanged since the If-None-Match ETag"),
        (status = 400, description = "PARSE_ERROR: not a JSON object; INVALID_CONTEXT: a context that is not an object"),
        (status = 401, description = "No valid SDK key")),
    security(("sdk_key" = [])))]
pub async fn evaluate_posted(
    State(state): State<AppState>,
    parts: Parts,
    body: Bytes,
) -> Result<Response, DeliveryError> {
    // The key first: an anonymous caller learns nothing, not even whether its body would do.
    let key = key_of(&state, &parts.headers)?;
    let value: Value = serde_json::from_slice(&body).map_err(|e| {
        DeliveryError::bad_request("PARSE_ERROR", format!("the body is not JSON: {e}"))
    })?;
    let Value::Object(mut body) = value else {
        return Err(DeliveryError::bad_request(
            "PARSE_ERROR",
            "the body must be a JSON object",
        ));
    };
    let context = match body.remove("context") {
        Some(Value::Object(c)) => c,
        None => Map::new(),
        Some(_) => {
            return Err(DeliveryError::bad_request(
                "INVALID_CONTEXT",
                "context must be an object",
            ));
        }
    };
    answer(&state, &parts, &key, context)
}

#[utoipa::path(post, path = "/api/frontend/client/register", tag = "delivery",
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

#[utoipa::path(post, path = "/api/frontend/client/metrics", tag = "delivery",
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
