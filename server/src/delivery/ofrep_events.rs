//! OFREP change events (ADR-0008): the bulk evaluation names a Server-Sent Events stream, and the
//! stream tells the provider to re-fetch (`refetchEvaluation`, with the configuration's ETag and
//! time) whenever what its SDK key is served changes. Browsers open it with `EventSource`, which
//! sends no headers, so the stream is authorized by a token in its URL: derived from the SDK
//! key's stored digest, it opens this stream and nothing else, and dies with the key.
//!
//! The stream goes through the watch transport config and menus use: the lean HTTP writer, one
//! pre-rendered event per change shared by every stream, the shared heartbeat, the per-key cap.

use crate::delivery::error::DeliveryError;
use crate::delivery::sse;
use crate::delivery::streams::Streams;
use crate::delivery::wakeups::{Wake, wakeups};
use app::AppState;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use futures_util::stream::{self, StreamExt};
use serde::Deserialize;
use serde_json::{Value, json};
use std::convert::Infallible;
use std::sync::Arc;
use switchboard_backend::flags::events::FlagsChanged;
use switchboard_backend::sdk_keys::KeyEntry;

/// The path of the change stream.
pub const PATH: &str = "/ofrep/v1/events";

/// How long a hidden browser tab may keep the stream before closing it (the provider reconnects
/// and re-fetches when the tab is shown again). OFREP's default.
const INACTIVITY_DELAY_SEC: u64 = 120;

/// The `eventStreams` entry of a bulk evaluation for `key`: a path on this server (the provider
/// puts its own OFREP origin in front), since the origin apps reach us by is theirs to know.
pub fn event_streams(key: &KeyEntry) -> Value {
    json!([{
        "type": "sse",
        "endpoint": {"requestUri": format!("{PATH}?token={}", key.events_token)},
        "inactivityDelaySec": INACTIVITY_DELAY_SEC,
    }])
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Params {
    /// The token from the bulk evaluation's `eventStreams`.
    token: Option<String>,
}

fn refused() -> DeliveryError {
    DeliveryError::unauthorized(
        "Open the event stream with the URL a bulk evaluation names in eventStreams",
    )
}

/// The SDK key whose events token `token` is, if that key is live.
fn key_of(state: &AppState, token: Option<&str>) -> Result<Arc<KeyEntry>, DeliveryError> {
    token
        .and_then(|t| state.delivery.keys.by_events_token(t))
        .ok_or_else(refused)
}

#[utoipa::path(get, path = "/ofrep/v1/events", tag = "delivery", params(Params),
    responses((status = 200, description = "Server-Sent Events: refetchEvaluation on every change of the key's flags, keep-alive comments between", content_type = "text/event-stream"),
        (status = 401, description = "No valid events token"), (status = 429, description = "TOO_MANY_STREAMS")))]
pub async fn events(
    State(state): State<AppState>,
    axum::Extension(open_streams): axum::Extension<Streams>,
    Query(params): Query<Params>,
    headers: HeaderMap,
) -> Result<Response, DeliveryError> {
    let key = key_of(&state, params.token.as_deref())?;
    let counted = open_streams.open(key.id)?;
    let Some(rx) = state.delivery.flags.events.subscribe(&key.environment) else {
        return Err(refused());
    };
    // A reconnecting EventSource sends the id of the last event it got: the ETag it knows.
    let known = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_string());
    let wakes = wakeups(&state.delivery, &key, rx);
    let events = stream::unfold((known, wakes), |(mut known, mut wakes)| async move {
        loop {
            let now: Arc<FlagsChanged> = match wakes.next().await? {
                Wake::Changed(now) => now,
                Wake::Beat => return Some((Ok::<_, Infallible>(sse::KEEP_ALIVE), (known, wakes))),
                Wake::Ended => return None,
            };
            if known.as_deref() == Some(now.etag.as_str()) {
                continue;
            }
            known = Some(now.etag.clone());
            return Some((Ok(now.event.clone()), (known, wakes)));
        }
    });
    Ok(sse::response(counted, events))
}
