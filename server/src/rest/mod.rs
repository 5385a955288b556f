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
mod releases;
pub(crate) mod sdk_keys;
pub(crate) mod segments;
pub(crate) mod tokens;
pub(crate) mod users;

pub use extract::{JsonBody, PathParam, QueryParams, TokenActor};

use app::AppError;
use app::AppState;
use axum::Router;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

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

/// The admin API. Each route is declared once, by its handler's `#[utoipa::path]` attribute (with
/// the full path, under [`BASE`]): `routes!` routes the handler at that path and method and
/// documents it, so the router and the OpenAPI document cannot disagree. One `routes!` per path,
/// with every handler of that path: a `routes!` routes each of its handlers at every path any of
/// them names, so handlers of two paths in one would serve undocumented methods (the integration
/// test `the_router_serves_exactly_the_documented_admin_operations` catches that). In the
/// document's order.
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(me::show))
        .routes(routes!(users::list, users::create))
        .routes(routes!(users::update))
        .routes(routes!(users::disable))
        .routes(routes!(users::enable))
        .routes(routes!(users::reset_password))
        .routes(routes!(environments::list, environments::create))
        .routes(routes!(environments::update, environments::delete))
        .routes(routes!(tokens::list, tokens::create))
        .routes(routes!(tokens::revoke))
        .routes(routes!(audit::list))
        .routes(routes!(flags::list, flags::create))
        .routes(routes!(flags::show, flags::update))
        .routes(routes!(flags::archive))
        .routes(routes!(flags::restore))
        .routes(routes!(flags::save_settings))
        .routes(routes!(flags::switch))
        .routes(routes!(flags::copy_from, flags::copy_preview))
        .routes(routes!(flags::copy_everywhere))
        .routes(routes!(flags::compare_environments))
        .routes(routes!(flags::import_unleash))
        .routes(routes!(segments::list, segments::create))
        .routes(routes!(segments::update, segments::delete))
        .routes(routes!(sdk_keys::list, sdk_keys::create))
        .routes(routes!(sdk_keys::revoke))
        .routes(routes!(config::list, config::create))
        .routes(routes!(config::draft))
        .routes(routes!(config::set_entry, config::remove_entry))
        .routes(routes!(config::history::discard))
        .routes(routes!(config::copy_from))
        .routes(routes!(config::publish, config::history::releases))
        .routes(routes!(config::history::release))
        .routes(routes!(config::history::diff))
        .routes(routes!(config::history::rollback))
        .routes(routes!(config::promote))
        .routes(routes!(config::abandon))
        .routes(routes!(config::compare))
        .routes(routes!(config::instances))
        .routes(routes!(menus::list, menus::create))
        .routes(routes!(menus::draft, menus::save_draft))
        .routes(routes!(menus::import))
        .routes(routes!(menus::history::discard))
        .routes(routes!(menus::publish, menus::history::releases))
        .routes(routes!(menus::history::release))
        .routes(routes!(menus::history::diff))
        .routes(routes!(menus::history::rollback))
}

/// The admin API's routes (full paths: merged at the root, not nested under [`BASE`]).
pub fn router() -> Router<AppState> {
    let (router, _documented) = api().split_for_parts();
    router
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

#[cfg(test)]
mod tests {
    /// `json_body_limit` and the document's shared refusals find the admin API by its prefix.
    #[test]
    fn every_admin_route_is_under_base() {
        let (_, doc) = super::api().split_for_parts();
        assert!(!doc.paths.paths.is_empty());
        for path in doc.paths.paths.keys() {
            assert!(path.starts_with(&format!("{}/", super::BASE)), "{path}");
        }
    }
}
