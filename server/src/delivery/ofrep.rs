//! OpenFeature Remote Evaluation Protocol (OFREP) v0.3: single-flag and bulk evaluation from the
//! in-memory snapshot of the SDK key's environment, with the protocol's error codes and statuses,
//! ETag / If-None-Match on bulk evaluation, and the change stream bulk answers name
//! ([`super::ofrep_events`]).

use crate::delivery::error::DeliveryError;
use crate::delivery::ofrep_answer;
use crate::delivery::ofrep_events::{self, event_streams};
use crate::delivery::sdk_auth::{SdkEnvironment, SdkKey};
use app::AppState;
use app::flags::EvalContext;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use switchboard_backend::db::now_ms;
use tower_http::cors::{Any, CorsLayer};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Each route declared once, by its handler's `#[utoipa::path]` (see [`super::api`]).
pub fn api() -> OpenApiRouter<AppState> {
    // Browser apps on other origins evaluate flags too (OpenFeature's web provider).
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::POST, Method::GET])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::IF_NONE_MATCH,
            HeaderName::from_static("x-api-key"),
            // A reconnecting EventSource sends it, which makes its request need a preflight.
            HeaderName::from_static("last-event-id"),
        ])
        .expose_headers([header::ETAG])
        .max_age(std::time::Duration::from_secs(3600));
    OpenApiRouter::new()
        .routes(routes!(evaluate_flag))
        .routes(routes!(evaluate_flags))
        .routes(routes!(ofrep_events::events))
        .layer(cors)
}

/// The context object of a request body, checked, or why it cannot be had (400, without the
/// key of a flag: the single-flag answer adds it).
fn context_object(body: &[u8]) -> Result<Map<String, Value>, DeliveryError> {
    let invalid = |details: &str| DeliveryError::bad_request("INVALID_CONTEXT", details);
    let mut value: Value = serde_json::from_slice(body).map_err(|e| {
        DeliveryError::bad_request("PARSE_ERROR", format!("the body is not JSON: {e}"))
    })?;
    let context = match value.get_mut("context").map(Value::take) {
        Some(Value::Object(c)) => c,
        Some(_) => return Err(invalid("context must be an object")),
        None => return Err(invalid("the body needs a context object")),
    };
    if let Some(k) = context.get("targetingKey")
        && !k.is_string()
    {
        return Err(invalid("targetingKey must be a string"));
    }
    Ok(context)
}

/// Ready to evaluate: the caller's clock and a random draw (for `random` stickiness) added.
pub(crate) fn evaluation_context(mut ctx: EvalContext) -> EvalContext {
    ctx.now = now_ms();
    ctx.random = rand::random();
    ctx
}

/// A JSON body written as bytes (by [`ofrep_answer`], or Unleash's frontend answer).
pub(crate) fn json_response(body: Vec<u8>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

fn not_found(key: &str) -> DeliveryError {
    DeliveryError::not_found("FLAG_NOT_FOUND", format!("flag {key:?} was not found")).for_flag(key)
}

#[utoipa::path(post, path = "/ofrep/v1/evaluate/flags/{key}", tag = "delivery",
    params(("key" = String, Path)),
    responses((status = 200, description = "The evaluated flag"), (status = 400, description = "PARSE_ERROR, INVALID_CONTEXT, TARGETING_KEY_MISSING, TYPE_MISMATCH or GENERAL"),
        (status = 401, description = "No valid SDK key"), (status = 404, description = "FLAG_NOT_FOUND")),
    security(("sdk_key" = [])))]
pub async fn evaluate_flag(
    State(state): State<AppState>,
    SdkEnvironment(env): SdkEnvironment,
    Path(key): Path<String>,
    body: Bytes,
) -> Result<Response, DeliveryError> {
    let object = context_object(&body).map_err(|e| e.for_flag(&key))?;
    let ctx = evaluation_context(EvalContext::from_map(object));
    let Some(flag) = state
        .delivery
        .flags
        .environment(&env)
        .and_then(|s| s.flags.get(&key).cloned())
    else {
        return Err(not_found(&key));
    };
    Ok(json_response(ofrep_answer::single(&flag, &ctx)?))
}

/// Keys sorted at every level, so equal contexts give equal ETags.
fn canonical(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.clone(), canonical(v)))
                    .collect::<Map<_, _>>(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(canonical).collect()),
        other => other.clone(),
    }
}

/// The ETag of an answer for one caller: the flags and the caller's context together decide it
/// (OFREP's bulk evaluation, Unleash's frontend API).
pub(crate) fn caller_etag(flags_etag: &str, context: &Map<String, Value>) -> String {
    let mut hasher = Sha256::new();
    hasher.update(flags_etag.as_bytes());
    hasher.update(
        canonical(&Value::Object(context.clone()))
            .to_string()
            .as_bytes(),
    );
    format!("\"{}\"", hex::encode(&hasher.finalize()[..12]))
}

/// What a change event told the provider it should find (ADR-0008): sent on the re-fetch an
/// event triggers.
#[derive(Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct Freshness {
    /// The `etag` of the change event.
    flag_config_etag: Option<String>,
    /// The `lastModified` of the change event: seconds since the epoch, or an RFC 3339 time.
    flag_config_last_modified: Option<String>,
}

impl Freshness {
    /// Does what the provider was told name a newer configuration than `etag`/`modified` (this
    /// replica has not caught up with a change another one announced)?
    fn ahead_of(&self, etag: &str, modified: Option<i64>) -> bool {
        let other_tag = self
            .flag_config_etag
            .as_deref()
            .is_some_and(|t| t.trim().trim_matches('"') != etag.trim_matches('"'));
        let later =
            self.flag_config_last_modified
                .as_deref()
                .and_then(|t| {
                    t.trim().parse::<i64>().ok().or_else(|| {
                        app::time::parse_rfc3339(t.trim()).map(|ms| ms.div_euclid(1000))
                    })
                })
                .zip(modified)
                .is_some_and(|(told, ours)| told > ours);
        other_tag || later
    }
}

/// A replica that confirmed it holds the newest change this recently gains nothing by asking the
/// database again; this also bounds what made-up `flagConfigEtag`s can cost it.
const RECENTLY_SYNCED: std::time::Duration = std::time::Duration::from_millis(100);

#[utoipa::path(post, path = "/ofrep/v1/evaluate/flags", tag = "delivery", params(Freshness),
    responses((status = 200, description = "Every flag of the SDK key's environment, evaluated; ETag header"),
        (status = 304, description = "Unchanged since the If-None-Match ETag"), (status = 400, description = "PARSE_ERROR or INVALID_CONTEXT"),
        (status = 401, description = "No valid SDK key")),
    security(("sdk_key" = [])))]
pub async fn evaluate_flags(
    State(state): State<AppState>,
    key: SdkKey,
    Query(freshness): Query<Freshness>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, DeliveryError> {
    let object = context_object(&body)?;
    let env = &key.environment;
    let mut snapshot = state.delivery.flags.environment(env).unwrap_or_default();
    let modified = state
        .delivery
        .flags
        .events
        .current(env)
        .map(|c| c.last_modified);
    if freshness.ahead_of(&snapshot.etag, modified)
        && state
            .delivery
            .sync_age()
            .is_none_or(|age| age > RECENTLY_SYNCED)
    {
        // Another replica announced a change this one has not loaded yet: load it first, so
        // the re-fetch the event caused does not answer with what the app already has.
        if let Err(e) = state.delivery.catch_up(&state.db).await {
            tracing::warn!(error = %e, "catching up for a change event's re-fetch failed");
        }
        snapshot = state.delivery.flags.environment(env).unwrap_or_default();
    }
    let etag = caller_etag(&snapshot.etag, &object);
    let ctx = evaluation_context(EvalContext::from_map(object));
    let etag_header = HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"0\""));
    let revalidate = [
        (header::ETAG, etag_header),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
    ];
    let unchanged = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    if unchanged {
        return Ok((StatusCode::NOT_MODIFIED, revalidate).into_response());
    }
    // A flag that fails on its own is an entry of the answer, not a failed answer.
    let body = ofrep_answer::bulk(snapshot.in_order(), &ctx, &event_streams(&key));
    Ok((revalidate, json_response(body)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn canonical_sorts_keys_everywhere() {
        let a = json!({"b": 1, "a": {"y": [{"d": 1, "c": 2}], "x": 0}});
        let b: Value =
            serde_json::from_str(r#"{"a": {"x": 0, "y": [{"c": 2, "d": 1}]}, "b": 1}"#).unwrap();
        assert_eq!(canonical(&a).to_string(), canonical(&b).to_string());
    }

    #[test]
    fn contexts_are_checked() {
        let code = |body: &[u8]| context_object(body).unwrap_err().code();
        assert_eq!(code(b"{nope"), Some("PARSE_ERROR"));
        assert_eq!(code(b"{}"), Some("INVALID_CONTEXT"));
        assert_eq!(code(br#"{"context": 5}"#), Some("INVALID_CONTEXT"));
        assert_eq!(
            code(br#"{"context": {"targetingKey": 7}}"#),
            Some("INVALID_CONTEXT")
        );
        assert_eq!(
            context_object(b"{}").unwrap_err().status(),
            StatusCode::BAD_REQUEST
        );
        let ctx = EvalContext::from_map(
            context_object(br#"{"context": {"targetingKey": "u1", "plan": "pro"}}"#).unwrap(),
        );
        assert_eq!(ctx.targeting_key.as_deref(), Some("u1"));
        assert_eq!(ctx.get("plan"), Some("pro"));
    }
}
