//! The one error answer of the delivery APIs (OFREP, config and menu delivery, SDK-key auth, the
//! stream cap): a status and a JSON body `{"errorCode", "errorDetails"}`, as OFREP defines it,
//! plus `key` on OFREP's single-flag errors. The missing-SDK-key answer has no code and asks for
//! a bearer token (`WWW-Authenticate: Bearer`); the stream cap's says when to come back
//! (`Retry-After`). Every refusal the delivery code makes is a [`DeliveryError`], over hyper and
//! over the lean watch path alike (that path sends the router's answers, framed by hand). Not
//! covered: what axum's extractors refuse before a handler runs, such as a query string that does
//! not deserialize (`?since=abc`: axum's plain-text 400), and the body size limit's 413.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

/// A refused delivery request (or, in OFREP bulk answers, one flag that could not be evaluated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryError {
    status: StatusCode,
    /// `errorCode`: OFREP's codes and the delivery APIs' own; none on the SDK key answer.
    code: Option<&'static str>,
    /// `errorDetails`: what went wrong, for people.
    details: String,
    /// `key`: the flag a single-flag OFREP answer is about.
    key: Option<String>,
    /// `Retry-After`, in seconds.
    retry_after: Option<u32>,
    /// `WWW-Authenticate: Bearer`: send a (valid) SDK key.
    bearer_challenge: bool,
}

impl DeliveryError {
    pub fn new(status: StatusCode, code: &'static str, details: impl Into<String>) -> Self {
        DeliveryError {
            status,
            code: Some(code),
            details: details.into(),
            key: None,
            retry_after: None,
            bearer_challenge: false,
        }
    }

    /// 400: the request (its body, context, parameters or caller) cannot be used.
    pub fn bad_request(code: &'static str, details: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, details)
    }

    /// 403: the SDK key may not read this.
    pub fn forbidden(code: &'static str, details: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, code, details)
    }

    /// 404: nothing is published (or no flag) by that name.
    pub fn not_found(code: &'static str, details: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, code, details)
    }

    /// 429: the caller holds its share; with [`DeliveryError::retry_after`].
    pub fn too_many_requests(code: &'static str, details: impl Into<String>) -> Self {
        Self::new(StatusCode::TOO_MANY_REQUESTS, code, details)
    }

    /// 401 with `WWW-Authenticate: Bearer` and no error code.
    pub fn unauthorized(details: impl Into<String>) -> Self {
        DeliveryError {
            status: StatusCode::UNAUTHORIZED,
            code: None,
            details: details.into(),
            key: None,
            retry_after: None,
            bearer_challenge: true,
        }
    }

    /// About one flag: the body names it (`key`), as OFREP's single-flag errors do.
    pub fn for_flag(mut self, key: impl Into<String>) -> Self {
        self.key = Some(key.into());
        self
    }

    /// Asks the client to wait this many seconds before trying again.
    pub fn retry_after(mut self, seconds: u32) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn code(&self) -> Option<&'static str> {
        self.code
    }

    pub fn details(&self) -> &str {
        &self.details
    }

    /// The JSON body; also one entry of an OFREP bulk answer when a flag fails on its own.
    pub fn body(&self) -> Value {
        let mut body = Map::new();
        if let Some(code) = self.code {
            body.insert("errorCode".into(), code.into());
        }
        body.insert("errorDetails".into(), self.details.clone().into());
        if let Some(key) = &self.key {
            body.insert("key".into(), key.clone().into());
        }
        Value::Object(body)
    }
}

impl IntoResponse for DeliveryError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body())).into_response();
        let headers = response.headers_mut();
        if self.bearer_challenge {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Status, the headers other than the content type, and the body, as sent.
    async fn sent(error: DeliveryError) -> (StatusCode, Vec<(String, String)>, String) {
        let response = error.into_response();
        let status = response.status();
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "application/json",
            "every delivery error is JSON"
        );
        let headers = response
            .headers()
            .iter()
            .filter(|(name, _)| *name != header::CONTENT_TYPE)
            .map(|(n, v)| (n.to_string(), v.to_str().unwrap().to_string()))
            .collect();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, headers, String::from_utf8(body.to_vec()).unwrap())
    }

    fn no_headers() -> Vec<(String, String)> {
        Vec::new()
    }

    #[tokio::test]
    async fn bad_requests_have_a_code_and_details() {
        assert_eq!(
            sent(DeliveryError::bad_request(
                "INVALID_LABELS",
                "label \"a=1\": twice"
            ))
            .await,
            (
                StatusCode::BAD_REQUEST,
                no_headers(),
                r#"{"errorCode":"INVALID_LABELS","errorDetails":"label \"a=1\": twice"}"#.into()
            )
        );
    }

    #[tokio::test]
    async fn forbidden_and_not_found() {
        assert_eq!(
            sent(DeliveryError::forbidden(
                "WRONG_ENVIRONMENT",
                "this SDK key belongs to the production environment"
            ))
            .await,
            (
                StatusCode::FORBIDDEN,
                no_headers(),
                r#"{"errorCode":"WRONG_ENVIRONMENT","errorDetails":"this SDK key belongs to the production environment"}"#.into()
            )
        );
        assert_eq!(
            sent(DeliveryError::not_found(
                "NAMESPACE_NOT_FOUND",
                "nothing is published here"
            ))
            .await,
            (
                StatusCode::NOT_FOUND,
                no_headers(),
                r#"{"errorCode":"NAMESPACE_NOT_FOUND","errorDetails":"nothing is published here"}"#
                    .into()
            )
        );
    }

    #[tokio::test]
    async fn any_status_can_be_given() {
        assert_eq!(
            sent(DeliveryError::new(
                StatusCode::BAD_REQUEST,
                "GENERAL",
                "rule \"r1\" names segment \"beta\", which does not exist"
            ))
            .await,
            (
                StatusCode::BAD_REQUEST,
                no_headers(),
                r#"{"errorCode":"GENERAL","errorDetails":"rule \"r1\" names segment \"beta\", which does not exist"}"#.into()
            )
        );
    }

    #[tokio::test]
    async fn single_flag_errors_name_the_flag() {
        // OFREP's single-flag error bodies: errorCode, errorDetails and key.
        assert_eq!(
            sent(
                DeliveryError::not_found("FLAG_NOT_FOUND", "flag \"nope\" was not found")
                    .for_flag("nope")
            )
            .await,
            (
                StatusCode::NOT_FOUND,
                no_headers(),
                r#"{"errorCode":"FLAG_NOT_FOUND","errorDetails":"flag \"nope\" was not found","key":"nope"}"#.into()
            )
        );
        assert_eq!(
            sent(
                DeliveryError::bad_request("INVALID_CONTEXT", "context must be an object")
                    .for_flag("checkout-v2")
            )
            .await,
            (
                StatusCode::BAD_REQUEST,
                no_headers(),
                r#"{"errorCode":"INVALID_CONTEXT","errorDetails":"context must be an object","key":"checkout-v2"}"#.into()
            )
        );
    }

    #[test]
    fn a_flags_error_is_an_entry_of_a_bulk_answer() {
        let entry = DeliveryError::bad_request(
            "TARGETING_KEY_MISSING",
            "this flag rolls out by user: send a targetingKey in the context",
        )
        .for_flag("rollout")
        .body();
        assert_eq!(
            entry.to_string(),
            r#"{"errorCode":"TARGETING_KEY_MISSING","errorDetails":"this flag rolls out by user: send a targetingKey in the context","key":"rollout"}"#
        );
        let request_level = DeliveryError::bad_request("PARSE_ERROR", "not JSON").body();
        assert_eq!(
            request_level.to_string(),
            r#"{"errorCode":"PARSE_ERROR","errorDetails":"not JSON"}"#
        );
    }

    #[tokio::test]
    async fn too_many_requests_say_when_to_come_back() {
        assert_eq!(
            sent(
                DeliveryError::too_many_requests(
                    "TOO_MANY_STREAMS",
                    "this SDK key already holds 2 watch streams and long polls open"
                )
                .retry_after(5)
            )
            .await,
            (
                StatusCode::TOO_MANY_REQUESTS,
                vec![("retry-after".into(), "5".into())],
                r#"{"errorCode":"TOO_MANY_STREAMS","errorDetails":"this SDK key already holds 2 watch streams and long polls open"}"#.into()
            )
        );
    }

    #[tokio::test]
    async fn unauthorized_asks_for_a_bearer_token_and_has_no_code() {
        assert_eq!(
            sent(DeliveryError::unauthorized(
                "Send a valid SDK key as Authorization: Bearer KEY or X-API-Key: KEY"
            ))
            .await,
            (
                StatusCode::UNAUTHORIZED,
                vec![("www-authenticate".into(), "Bearer".into())],
                r#"{"errorDetails":"Send a valid SDK key as Authorization: Bearer KEY or X-API-Key: KEY"}"#.into()
            )
        );
    }

    #[test]
    fn what_it_says_can_be_read_back() {
        let error = DeliveryError::bad_request("INVALID_CONTEXT", "userId is too long");
        assert_eq!(error.status(), StatusCode::BAD_REQUEST);
        assert_eq!(error.code(), Some("INVALID_CONTEXT"));
        assert_eq!(error.details(), "userId is too long");
        assert_eq!(DeliveryError::unauthorized("x").code(), None);
    }
}
