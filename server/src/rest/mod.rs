//! The admin REST API under `/api/admin/v1`: every dashboard action, for CI jobs and scripts,
//! authenticated with admin API tokens. Handlers are thin: they call the same backend queries and
//! commands as the dashboard's server functions.

pub(crate) mod audit;
pub(crate) mod config;
pub(crate) mod environments;
mod extract;
pub(crate) mod flags;
pub(crate) mod me;
pub(crate) mod menus;
pub(crate) mod sdk_keys;
pub(crate) mod segments;
pub(crate) mod tokens;
pub(crate) mod users;

pub use extract::{JsonBody, PathParam, QueryParams, TokenActor};

use app::AppError;
use app::backend::AppState;
use axum::Router;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};

pub const BASE: &str = "/api/admin/v1";

/// The body-size layer refuses a body whose declared length is over the limit before any handler
/// runs, in plain text; clients of this API read every error as JSON, so that refusal is given in
/// the API's format too. Wraps the body-size layer.
pub async fn json_body_limit(request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with(BASE);
    let response = next.run(request).await;
    if api
        && response.status() == StatusCode::PAYLOAD_TOO_LARGE
        && !crate::security::is_json(response.headers())
    {
        return AppError::PayloadTooLarge.into_response();
    }
    response
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/me", get(me::show))
        .route("/users", get(users::list).post(users::create))
        .route("/users/{id}", put(users::update))
        .route("/users/{id}/disable", post(users::disable))
        .route("/users/{id}/enable", post(users::enable))
        .route("/users/{id}/password", post(users::reset_password))
        .route(
            "/environments",
            get(environments::list).post(environments::create),
        )
        .route(
            "/environments/{key}",
            put(environments::update).delete(environments::delete),
        )
        .route("/tokens", get(tokens::list).post(tokens::create))
        .route("/tokens/{id}/revoke", post(tokens::revoke))
        .route("/audit", get(audit::list))
        .route("/flags", get(flags::list).post(flags::create))
        .route("/flags/{key}", get(flags::show).put(flags::update))
        .route("/flags/{key}/archive", post(flags::archive))
        .route("/flags/{key}/restore", post(flags::restore))
        .route(
            "/flags/{key}/environments/{environment}",
            put(flags::save_settings),
        )
        .route(
            "/flags/{key}/environments/{environment}/switch",
            post(flags::switch),
        )
        .route(
            "/flags/{key}/environments/{environment}/copy-from/{from}",
            post(flags::copy_from),
        )
        .route("/segments", get(segments::list).post(segments::create))
        .route(
            "/segments/{key}",
            put(segments::update).delete(segments::delete),
        )
        .route(
            "/environments/{environment}/sdk-keys",
            get(sdk_keys::list).post(sdk_keys::create),
        )
        .route(
            "/environments/{environment}/sdk-keys/{id}/revoke",
            post(sdk_keys::revoke),
        )
        .route(
            "/environments/{environment}/import/unleash",
            post(flags::import_unleash),
        )
        .route(
            "/config/{environment}",
            get(config::list).post(config::create),
        )
        .route(
            "/config/{environment}/{namespace}/draft",
            get(config::draft),
        )
        .route(
            "/config/{environment}/{namespace}/draft/entries/{key}",
            put(config::set_entry).delete(config::remove_entry),
        )
        .route(
            "/config/{environment}/{namespace}/draft/discard",
            post(config::discard),
        )
        .route(
            "/config/{environment}/{namespace}/draft/copy-from/{from}",
            post(config::copy_from),
        )
        .route(
            "/config/{environment}/{namespace}/releases",
            get(config::releases).post(config::publish),
        )
        .route(
            "/config/{environment}/{namespace}/releases/{version}",
            get(config::release),
        )
        .route("/config/{environment}/{namespace}/diff", get(config::diff))
        .route(
            "/config/{environment}/{namespace}/rollback",
            post(config::rollback),
        )
        .route(
            "/config/{environment}/{namespace}/gray/promote",
            post(config::promote),
        )
        .route(
            "/config/{environment}/{namespace}/gray/abandon",
            post(config::abandon),
        )
        .route(
            "/config/{environment}/{namespace}/compare/{other}",
            get(config::compare),
        )
        .route(
            "/config/{environment}/{namespace}/instances",
            get(config::instances),
        )
        .route("/menus/{environment}", get(menus::list).post(menus::create))
        .route(
            "/menus/{environment}/{menu}/draft",
            get(menus::draft).put(menus::save_draft),
        )
        .route(
            "/menus/{environment}/{menu}/draft/import",
            post(menus::import),
        )
        .route(
            "/menus/{environment}/{menu}/draft/discard",
            post(menus::discard),
        )
        .route(
            "/menus/{environment}/{menu}/releases",
            get(menus::releases).post(menus::publish),
        )
        .route(
            "/menus/{environment}/{menu}/releases/{version}",
            get(menus::release),
        )
        .route("/menus/{environment}/{menu}/diff", get(menus::diff))
        .route(
            "/menus/{environment}/{menu}/rollback",
            post(menus::rollback),
        )
}

/// Documentation-only shapes shared by the handlers' OpenAPI annotations.
pub mod schema {
    use serde::{Deserialize, Serialize};
    use std::collections::BTreeMap;

    /// Every error answer.
    #[derive(Serialize, Deserialize, utoipa::ToSchema)]
    pub struct ErrorBody {
        /// `unauthenticated`, `forbidden`, `not_found`, `validation`, `conflict`, `bad_request`, ...
        pub error: String,
        pub message: String,
        /// Field errors (422).
        pub fields: Option<BTreeMap<String, String>>,
        /// What is stored now (409).
        pub current: Option<serde_json::Value>,
    }

    /// For actions that only need the version the client started from.
    #[derive(Debug, Serialize, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
    #[into_params(parameter_in = Query)]
    pub struct Version {
        pub version: i64,
    }
}
