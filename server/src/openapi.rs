//! The OpenAPI 3.1 document of the admin REST API, generated from the handlers' annotations.

use crate::rest;
use axum::Json;
use utoipa::openapi::path::ParameterIn;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "sdk_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An environment's SDK key (also accepted as X-API-Key), for the delivery APIs."))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An admin API token from the dashboard's API keys page (also accepted as X-API-Key)."))
                    .build(),
            ),
        );
    }
}

/// The refusals every admin operation can give from the extractors and the command layer they all
/// share, declared once here rather than on each handler (where they were missing): no or an
/// unknown token (401); a path, query or body that does not parse (400); nothing at the path
/// (404); a body over the size limit (413); a body or query that fails validation (422).
struct SharedRefusals;

impl Modify for SharedRefusals {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            if !path.starts_with(rest::BASE) {
                continue;
            }
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
            ];
            for op in operations.into_iter().flatten() {
                let params = op.parameters.as_deref().unwrap_or_default();
                let in_path = params.iter().any(|p| p.parameter_in == ParameterIn::Path);
                let in_query = params.iter().any(|p| p.parameter_in == ParameterIn::Query);
                let body = op.request_body.is_some();
                let mut refusals =
                    vec![(401, "No admin API token, or one that is unknown or revoked")];
                if body || !params.is_empty() {
                    refusals.push((
                        400,
                        "A path parameter, query parameter or body that does not parse",
                    ));
                }
                if in_path {
                    refusals.push((404, "Nothing at this path"));
                }
                if body {
                    refusals.push((413, "The body is over the size limit"));
                }
                if body || in_query {
                    refusals.push((422, "Field errors"));
                }
                for (status, description) in refusals {
                    op.responses
                        .responses
                        .entry(status.to_string())
                        .or_insert_with(|| error_response(description));
                }
            }
        }
    }
}

fn error_response(description: &str) -> RefOr<utoipa::openapi::Response> {
    let body = ContentBuilder::new()
        .schema(Some(Ref::from_schema_name("ErrorBody")))
        .build();
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content("application/json", body)
            .build(),
    )
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Switchboard admin API",
        description = "Everything the dashboard does, for automation. Authenticate with an admin API token.",
    ),
    // The paths come from the routers (`rest::api`, `delivery::api`), which route and document
    // each handler from its attribute; `document` adds them.
    modifiers(&BearerAuth),
    tags(
        (name = "users", description = "People who sign in to the dashboard"),
        (name = "environments", description = "Development, staging, production and others"),
        (name = "tokens", description = "Admin API tokens"),
        (name = "audit", description = "The append-only audit trail"),
        (name = "flags", description = "Rollout flags, their settings per environment, segments, Unleash import"),
        (name = "config", description = "Config namespaces: the shared draft, releases, rollback, gray releases"),
        (name = "menus", description = "Navigation menus: the shared draft tree, import, releases, rollback"),
        (name = "delivery", description = "SDK keys, and the APIs apps call with them: OFREP flag evaluation, config fetch and watch, menus filtered per caller"),
    )
)]
pub struct ApiDoc;

/// [`ApiDoc`] (info, tags, security schemes) with the paths and schemas of the admin API, then
/// of the delivery APIs, from their routers.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.merge(rest::api().into_openapi());
    doc.merge(crate::delivery::api().into_openapi());
    SharedRefusals.modify(&mut doc);
    doc.info.version = env!("CARGO_PKG_VERSION").to_string();
    doc
}

pub async fn serve() -> Json<utoipa::openapi::OpenApi> {
    Json(document())
}
