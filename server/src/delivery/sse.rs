//! The HTTP answer of every watch stream (config, menus, OFREP change events): Server-Sent Events,
//! never cached and never buffered on the way, holding its slot of the key's stream cap for as
//! long as it lasts.

use crate::delivery::streams::{self, StreamPermit};
use axum::body::{Body, Bytes};
use axum::http::{HeaderName, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use futures_util::Stream;
use std::convert::Infallible;

/// What a stream sends on every heartbeat, so proxies do not close an idle one.
pub const KEEP_ALIVE: Bytes = Bytes::from_static(b": keep-alive\n\n");

pub fn response<S>(permit: StreamPermit, events: S) -> Response
where
    S: Stream<Item = Result<Bytes, Infallible>> + Send + 'static,
{
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/event-stream"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            // Proxies that buffer responses would hold events back.
            (
                HeaderName::from_static("x-accel-buffering"),
                HeaderValue::from_static("no"),
            ),
        ],
        Body::from_stream(streams::counted(permit, events)),
    )
        .into_response()
}
