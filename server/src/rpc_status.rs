//! The one place a server function's answer gets its HTTP status. Leptos answers every server
//! function error with 500, whether the body returned it or the request failed before the body ran
//! (arguments that do not parse); the body is always an `AppError` in JSON, so this gives the answer
//! the status that error names, and a 429 its `Retry-After`, as the REST API sends them.

use app::AppError;
use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::header::{CONTENT_LENGTH, RETRY_AFTER};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

const MAX_ERROR_BODY: usize = 64 * 1024;

pub async fn correct(request: Request, next: Next) -> Response {
    let is_rpc = request.uri().path().starts_with(app::api::PREFIX);
    let response = next.run(request).await;
    if !is_rpc || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ERROR_BODY).await else {
        parts.headers.remove(CONTENT_LENGTH);
        return Response::from_parts(parts, Body::empty());
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status =
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if let AppError::RateLimited {
            retry_after_secs, ..
        } = error
        {
            parts
                .headers
                .insert(RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}
