//! Authentication of the delivery APIs: an environment's SDK key, sent as `Authorization: Bearer`
//! or `X-API-Key`, checked against the in-memory key index (no database access per request).

use app::backend::AppState;
use app::backend::db::now_ms;
use app::backend::request_info::bearer;
use app::backend::sdk_keys::KeyEntry;
use axum::Json;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use std::sync::Arc;

/// The environment whose SDK key authenticated the request.
pub struct SdkEnvironment(pub String);

pub struct MissingKey;

impl IntoResponse for MissingKey {
    fn into_response(self) -> Response {
        (
            StatusCode::UNAUTHORIZED,
            [(axum::http::header::WWW_AUTHENTICATE, "Bearer")],
            Json(json!({"errorDetails": "Send a valid SDK key as Authorization: Bearer KEY or X-API-Key: KEY"})),
        )
            .into_response()
    }
}

/// The SDK key itself, for the handlers that count what each key holds open or read only what
/// the key's scope allows.
pub struct SdkKey(pub Arc<KeyEntry>);

impl std::ops::Deref for SdkKey {
    type Target = KeyEntry;

    fn deref(&self) -> &KeyEntry {
        &self.0
    }
}

fn authenticate(parts: &Parts, state: &AppState) -> Result<Arc<KeyEntry>, MissingKey> {
    let secret = bearer(&parts.headers).ok_or(MissingKey)?;
    state
        .delivery
        .keys
        .authenticate(&secret, now_ms())
        .ok_or(MissingKey)
}

impl FromRequestParts<AppState> for SdkEnvironment {
    type Rejection = MissingKey;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let key = authenticate(parts, state)?;
        Ok(SdkEnvironment(key.environment.clone()))
    }
}

impl FromRequestParts<AppState> for SdkKey {
    type Rejection = MissingKey;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(SdkKey(authenticate(parts, state)?))
    }
}
