//! The one error type of Switchboard, shared by the browser, the server functions, the REST
//! handlers and the storage and command layer. Its own crate so that the web app and the
//! server-only backend both name it; the `server` feature adds what only the server needs (how it
//! answers over HTTP, how a database error becomes one).

#[cfg(feature = "server")]
mod http;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};
use switchboard_core::validation::FieldErrors;

#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum AppError {
    #[error("Please sign in")]
    Unauthenticated,
    #[error("Wrong email or password")]
    InvalidCredentials,
    #[error("{message}")]
    AccountDisabled { message: String },
    #[error("You do not have permission to do that")]
    Forbidden,
    #[error("{entity} not found")]
    NotFound { entity: String },
    #[error("Some fields need attention: {fields}")]
    Validation { fields: FieldErrors },
    /// The client edited a version that is no longer current; `current` is what is stored now.
    #[error("This {entity} was changed by someone else; review the current version and try again")]
    Conflict { entity: String, current: Value },
    #[error("{message}")]
    RateLimited {
        message: String,
        retry_after_secs: u64,
    },
    #[error("{message}")]
    BadRequest { message: String },
    #[error("The request is too large")]
    PayloadTooLarge,
    /// Details are logged on the server, never sent.
    #[error("Something went wrong on the server")]
    Internal,
    /// The browser could not reach the server or understand its answer.
    #[error("Could not reach the server: {message}")]
    Transport { message: String },
}

impl AppError {
    pub fn not_found(entity: impl Into<String>) -> Self {
        AppError::NotFound {
            entity: entity.into(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        AppError::BadRequest {
            message: message.into(),
        }
    }

    pub fn field(field: &str, message: impl Into<String>) -> Self {
        AppError::Validation {
            fields: FieldErrors::single(field, message),
        }
    }

    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthenticated | AppError::InvalidCredentials => 401,
            AppError::AccountDisabled { .. } => 403,
            AppError::Forbidden => 403,
            AppError::NotFound { .. } => 404,
            AppError::Conflict { .. } => 409,
            AppError::PayloadTooLarge => 413,
            AppError::Validation { .. } => 422,
            AppError::RateLimited { .. } => 429,
            AppError::BadRequest { .. } => 400,
            AppError::Internal => 500,
            AppError::Transport { .. } => 502,
        }
    }

    /// Field errors to show beside form inputs, if this is a validation error.
    pub fn field_errors(&self) -> Option<&FieldErrors> {
        match self {
            AppError::Validation { fields } => Some(fields),
            _ => None,
        }
    }
}

impl From<FieldErrors> for AppError {
    fn from(fields: FieldErrors) -> Self {
        AppError::Validation { fields }
    }
}

/// A database failure's details are logged, never sent.
#[cfg(feature = "server")]
impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        tracing::error!(error = %e, "database error");
        AppError::Internal
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    /// The same failure means different things by side: on the server, a body that does not
    /// deserialize is the caller's bad request; in the browser, it is an answer it cannot read.
    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        const ON_SERVER: bool = cfg!(feature = "server");
        match value {
            ServerFnErrorErr::Args(m)
            | ServerFnErrorErr::MissingArg(m)
            | ServerFnErrorErr::UnsupportedRequestMethod(m) => AppError::BadRequest { message: m },
            ServerFnErrorErr::Deserialization(m) if ON_SERVER => {
                AppError::BadRequest { message: m }
            }
            ServerFnErrorErr::Serialization(_) if ON_SERVER => AppError::Internal,
            ServerFnErrorErr::Request(m)
            | ServerFnErrorErr::Deserialization(m)
            | ServerFnErrorErr::Serialization(m) => AppError::Transport { message: m },
            ServerFnErrorErr::Registration(_)
            | ServerFnErrorErr::ServerError(_)
            | ServerFnErrorErr::MiddlewareError(_)
            | ServerFnErrorErr::Response(_) => AppError::Internal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_serialize_with_a_stable_tag() {
        let e = AppError::field("email", "Enter an email address");
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["error"], "validation");
        assert_eq!(json["fields"]["email"], "Enter an email address");
        let back: AppError = serde_json::from_value(json).unwrap();
        assert_eq!(back, e);
        assert_eq!(back.status(), 422);
    }
}
