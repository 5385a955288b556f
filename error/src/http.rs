//! How an [`AppError`] answers over HTTP: its status and a JSON body
//! `{"error": kind, "message": text, ...details}`.

use crate::AppError;
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut body = serde_json::to_value(&self)
            .unwrap_or_else(|_| serde_json::json!({"error": "internal"}));
        if let Some(map) = body.as_object_mut() {
            map.insert("message".into(), self.to_string().into());
        }
        let mut response = (status, Json(body)).into_response();
        match &self {
            AppError::Unauthenticated | AppError::InvalidCredentials => {
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            AppError::RateLimited {
                retry_after_secs, ..
            } => {
                if let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                    response.headers_mut().insert(header::RETRY_AFTER, v);
                }
            }
            _ => {}
        }
        response
    }
}
