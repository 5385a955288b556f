//! Authentication of the delivery APIs: an environment's SDK key, sent as `Authorization: Bearer`
//! or `X-API-Key`, checked against the in-memory key index (no database access per request).

use crate::delivery::error::DeliveryError;
use app::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use std::sync::Arc;
use switchboard_backend::request_info::bearer;
use switchboard_backend::sdk_keys::KeyEntry;

/// The environment whose SDK key authenticated the request.
pub struct SdkEnvironment(pub String);

/// No SDK key, or not a valid one (unknown, revoked, expired): 401, asking for a bearer token.
pub fn missing_key() -> DeliveryError {
    DeliveryError::unauthorized(
        "Send a valid SDK key as Authorization: Bearer KEY or X-API-Key: KEY",
    )
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

fn authenticate(parts: &Parts, state: &AppState) -> Result<Arc<KeyEntry>, DeliveryError> {
    live_key(state, bearer(&parts.headers))
}

/// The live key behind a presented secret (however the request carried it), or 401.
pub fn live_key(state: &AppState, secret: Option<String>) -> Result<Arc<KeyEntry>, DeliveryError> {
    let secret = secret.ok_or_else(missing_key)?;
    state
        .delivery
        .keys
        .authenticate(&secret, state.db.now())
        .ok_or_else(missing_key)
}

impl FromRequestParts<AppState> for SdkEnvironment {
    type Rejection = DeliveryError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let key = authenticate(parts, state)?;
        Ok(SdkEnvironment(key.environment.clone()))
    }
}

impl FromRequestParts<AppState> for SdkKey {
    type Rejection = DeliveryError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(SdkKey(authenticate(parts, state)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{StatusCode, header};
    use axum::response::IntoResponse;

    #[tokio::test]
    async fn a_missing_key_is_a_401_that_asks_for_a_bearer_token() {
        let refused = missing_key().into_response();
        assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(refused.headers()[header::WWW_AUTHENTICATE], "Bearer");
        assert_eq!(refused.headers()[header::CONTENT_TYPE], "application/json");
        let body = axum::body::to_bytes(refused.into_body(), usize::MAX)
            .await
            .unwrap();
        assert_eq!(
            body,
            r#"{"errorDetails":"Send a valid SDK key as Authorization: Bearer KEY or X-API-Key: KEY"}"#
        );
    }
}
