//! The menu delivery API: an app asks for a menu on behalf of one user (`GET` with the caller in
//! the query, or `POST` with it as JSON) and gets the tree that user may see, labels in their
//! locale, with an ETag per view; or watches it as Server-Sent Events. Everything comes from the
//! in-memory snapshot and the shared filter; a publish or a flag change wakes every watcher.

use crate::delivery::config::{etag_matches, same_environment};
use crate::delivery::error::DeliveryError;
use crate::delivery::sdk_auth::SdkKey;
use crate::delivery::sse;
use crate::delivery::streams::Streams;
use crate::delivery::wakeups::{Wake, Wakeups, wakeups};
use app::AppState;
use app::flags::EvalContext;
use app::menus::Caller;
use app::validation::menus::{permission, role};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use futures_util::stream::{self, Stream};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::convert::Infallible;
use std::sync::Arc;
use switchboard_backend::db::now_ms;
use switchboard_backend::delivery::Delivery;
use switchboard_backend::menus::snapshot::{PublishedMenu, Rendered, render};
use tower_http::cors::{Any, CorsLayer};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Per caller: more roles or permission codes than a menu could sensibly test.
pub const CODES_MAX: usize = 500;
/// Flag context attributes per caller.
pub const ATTRIBUTES_MAX: usize = 50;
pub const LOCALE_MAX: usize = 35;
pub const USER_ID_MAX: usize = 256;

/// Each route declared once, by its handler's `#[utoipa::path]` (see [`super::api`]).
pub fn api() -> OpenApiRouter<AppState> {
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::IF_NONE_MATCH,
            HeaderName::from_static("x-api-key"),
            HeaderName::from_static("last-event-id"),
        ])
        .expose_headers([header::ETAG, HeaderName::from_static("x-menu-version")]);
    OpenApiRouter::new()
        .routes(routes!(fetch, fetch_with_body))
        .routes(routes!(watch))
        .layer(cors)
}

/// The caller as a JSON body (`POST`).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CallerBody {
    /// What flag rollouts stick to (OpenFeature's targeting key).
    #[serde(default, alias = "targetingKey", alias = "user_id")]
    user_id: Option<String>,
    #[serde(default)]
    roles: Vec<String>,
    #[serde(default)]
    permissions: Vec<String>,
    /// `fr-CA`: labels fall back to `fr`, then to the default label.
    #[serde(default)]
    locale: Option<String>,
    /// Attributes flag gates are evaluated with (`{"plan": "pro"}`).
    #[serde(default)]
    context: Map<String, Value>,
}

/// The query form of [`CallerBody`]: `userId`, `roles=a,b`, `permissions=x,y`, `locale`; every
/// other parameter is a flag context attribute (`plan=pro`). Lists may also repeat the parameter.
fn from_query(pairs: Vec<(String, String)>) -> CallerBody {
    let mut body = CallerBody::default();
    let list = |v: &str| {
        v.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    for (name, value) in pairs {
        match name.as_str() {
            "userId" | "user_id" | "targetingKey" => body.user_id = Some(value),
            "roles" | "role" => body.roles.extend(list(&value)),
            "permissions" | "permission" => body.permissions.extend(list(&value)),
            "locale" => body.locale = Some(value),
            _ => {
                body.context.insert(name, Value::String(value));
            }
        }
    }
    body
}

fn invalid(details: String) -> DeliveryError {
    DeliveryError::bad_request("INVALID_CONTEXT", details)
}

/// Checks the caller and splits it into what the filter and the flag engine each read.
fn caller(body: CallerBody) -> Result<(Caller, EvalContext), DeliveryError> {
    let printable = |s: &str| !s.chars().any(char::is_control);
    if let Some(user) = &body.user_id
        && (user.chars().count() > USER_ID_MAX || !printable(user))
    {
        return Err(invalid(format!(
            "userId has at most {USER_ID_MAX} printable characters"
        )));
    }
    if body.roles.len() > CODES_MAX || body.permissions.len() > CODES_MAX {
        return Err(invalid(format!(
            "send at most {CODES_MAX} roles and {CODES_MAX} permissions"
        )));
    }
    for r in &body.roles {
        role(r).map_err(|m| invalid(format!("role {r:?}: {m}")))?;
    }
    for p in &body.permissions {
        permission(p).map_err(|m| invalid(format!("permission {p:?}: {m}")))?;
    }
    if let Some(locale) = &body.locale
        && (locale.len() > LOCALE_MAX
            || !locale
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_')))
    {
        return Err(invalid(format!(
            "locale {locale:?}: use a tag like fr or fr-CA"
        )));
    }
    if body.context.len() > ATTRIBUTES_MAX {
        return Err(invalid(format!(
            "send at most {ATTRIBUTES_MAX} context attributes"
        )));
    }
    let mut context = body.context;
    if let Some(user) = &body.user_id {
        context.insert("targetingKey".into(), Value::String(user.clone()));
    }
    let mut ctx = EvalContext::from_json(&context);
    ctx.now = now_ms();
    ctx.random = rand::random();
    let caller = Caller {
        user_id: body.user_id,
        roles: body.roles.into_iter().collect(),
        permissions: body.permissions.into_iter().collect(),
        locale: body.locale.filter(|l| !l.is_empty()),
    };
    Ok((caller, ctx))
}

/// Checks the SDK key's environment and scope and finds the published menu.
fn published(
    delivery: &Delivery,
    key: &SdkKey,
    environment: &str,
    menu: &str,
) -> Result<Arc<PublishedMenu>, DeliveryError> {
    same_environment(&key.environment, environment)?;
    if !key.scope.allows_menu(menu) {
        return Err(DeliveryError::forbidden(
            "MENU_NOT_ALLOWED",
            format!("this SDK key may not read menu {menu:?}"),
        ));
    }
    delivery.menus.get(environment, menu).ok_or_else(|| {
        DeliveryError::not_found(
            "MENU_NOT_FOUND",
            format!("nothing is published for menu {menu:?} in {environment}"),
        )
    })
}

/// What one caller sees now.
struct View {
    environment: String,
    menu: String,
    caller: Caller,
    ctx: EvalContext,
}

impl View {
    fn render(&self, delivery: &Delivery, published: &PublishedMenu) -> Rendered {
        let flags = delivery.flags.environment(&self.environment);
        render(
            &self.environment,
            &self.menu,
            published,
            &self.caller,
            &self.ctx,
            flags.as_deref(),
        )
    }
}

fn answer(rendered: &Rendered, headers: &HeaderMap) -> Response {
    let etag = rendered.etag();
    let cached = etag_matches(headers, &etag);
    let meta = [
        (
            header::ETAG,
            HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"0\"")),
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        (
            HeaderName::from_static("x-menu-version"),
            HeaderValue::from(rendered.version),
        ),
    ];
    if cached {
        return (StatusCode::NOT_MODIFIED, meta).into_response();
    }
    (
        meta,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        rendered.body.clone(),
    )
        .into_response()
}

fn respond(
    state: &AppState,
    key: &SdkKey,
    (environment, menu): (String, String),
    body: CallerBody,
    headers: &HeaderMap,
) -> Result<Response, DeliveryError> {
    let (caller, ctx) = caller(body)?;
    let published = published(&state.delivery, key, &environment, &menu)?;
    let view = View {
        environment,
        menu,
        caller,
        ctx,
    };
    Ok(answer(&view.render(&state.delivery, &published), headers))
}

#[utoipa::path(get, path = "/api/v1/menus/{environment}/{menu}", tag = "delivery",
    params(("environment" = String, Path), ("menu" = String, Path),
        ("userId" = Option<String>, Query, description = "Targeting key for flag gates"),
        ("roles" = Option<String>, Query, description = "Comma-separated roles"),
        ("permissions" = Option<String>, Query, description = "Comma-separated permission codes"),
        ("locale" = Option<String>, Query, description = "fr or fr-CA"),
        ("attributes" = Option<std::collections::HashMap<String, String>>, Query, style = Form, explode,
            description = "Any other parameter is a flag context attribute, e.g. plan=pro (form style, exploded: each attribute its own parameter, not one named attributes)")),
    responses(
        (status = 200, description = "`{menu, environment, version, items}`: the tree this caller may see, labels in their locale. ETag (per view) and X-Menu-Version headers."),
        (status = 304, description = "Unchanged since the If-None-Match ETag"),
        (status = 400, description = "INVALID_CONTEXT"),
        (status = 401, description = "No valid SDK key"),
        (status = 403, description = "WRONG_ENVIRONMENT: the SDK key belongs to another environment; MENU_NOT_ALLOWED: the key is limited to other menus"),
        (status = 404, description = "MENU_NOT_FOUND: nothing published there")),
    security(("sdk_key" = [])))]
pub async fn fetch(
    State(state): State<AppState>,
    key: SdkKey,
    Path(path): Path<(String, String)>,
    Query(pairs): Query<Vec<(String, String)>>,
    headers: HeaderMap,
) -> Result<Response, DeliveryError> {
    respond(&state, &key, path, from_query(pairs), &headers)
}

/// The same as `GET`, with the caller as a JSON body.
#[utoipa::path(post, path = "/api/v1/menus/{environment}/{menu}", tag = "delivery",
    params(("environment" = String, Path), ("menu" = String, Path)), request_body = CallerBody,
    responses(
        (status = 200, description = "`{menu, environment, version, items}` for this caller"),
        (status = 304, description = "Unchanged since the If-None-Match ETag"),
        (status = 400, description = "INVALID_CONTEXT: the body is not a caller object"),
        (status = 401, description = "No valid SDK key"),
        (status = 403, description = "WRONG_ENVIRONMENT or MENU_NOT_ALLOWED"),
        (status = 404, description = "MENU_NOT_FOUND")),
    security(("sdk_key" = [])))]
pub async fn fetch_with_body(
    State(state): State<AppState>,
    key: SdkKey,
    Path(path): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, DeliveryError> {
    let caller: CallerBody = if body.iter().all(u8::is_ascii_whitespace) {
        CallerBody::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| invalid(format!("the body is not a caller: {e}")))?
    };
    respond(&state, &key, path, caller, &headers)
}

#[utoipa::path(get, path = "/api/v1/menus/{environment}/{menu}/watch", tag = "delivery",
    params(("environment" = String, Path), ("menu" = String, Path),
        ("Last-Event-ID" = Option<String>, Header, description = "The last event id received; sent again only if the view changed")),
    responses(
        (status = 200, description = "text/event-stream: a `menu` event (id = the view's tag, data = the fetch body) now unless Last-Event-ID is current, then one whenever what this caller sees changes"),
        (status = 400, description = "INVALID_CONTEXT"),
        (status = 401, description = "No valid SDK key"),
        (status = 403, description = "WRONG_ENVIRONMENT or MENU_NOT_ALLOWED"),
        (status = 404, description = "MENU_NOT_FOUND"),
        (status = 429, description = "TOO_MANY_STREAMS: the SDK key already holds its share of watch streams and long polls (Retry-After)")),
    security(("sdk_key" = [])))]
pub async fn watch(
    State(state): State<AppState>,
    axum::Extension(open_streams): axum::Extension<Streams>,
    key: SdkKey,
    Path((environment, menu)): Path<(String, String)>,
    Query(pairs): Query<Vec<(String, String)>>,
    headers: HeaderMap,
) -> Result<Response, DeliveryError> {
    let (caller, ctx) = caller(from_query(pairs))?;
    published(&state.delivery, &key, &environment, &menu)?;
    let counted = open_streams.open(key.id)?;
    let Some(rx) = state.delivery.menus.subscribe(&environment, &menu) else {
        return Err(DeliveryError::not_found(
            "MENU_NOT_FOUND",
            "nothing is published here",
        ));
    };
    let last_id = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_string());
    let view = View {
        environment,
        menu,
        caller,
        ctx,
    };
    let wakes = wakeups(&state.delivery, &key, rx);
    Ok(sse::response(
        counted,
        events(state.delivery.clone(), view, wakes, last_id),
    ))
}

/// The caller's view at once (unless Last-Event-ID is current), then again whenever it changes,
/// and a keep-alive comment on every heartbeat, until the client goes or the server shuts down.
fn events(
    delivery: Arc<Delivery>,
    view: View,
    wakes: Wakeups<Arc<PublishedMenu>>,
    last_sent: Option<String>,
) -> impl Stream<Item = Result<Bytes, Infallible>> {
    stream::unfold(
        (delivery, view, wakes, last_sent),
        |(delivery, view, mut wakes, mut last_sent)| async move {
            loop {
                let published = match wakes.next().await? {
                    Wake::Changed(published) => published,
                    Wake::Beat => {
                        return Some((Ok(sse::KEEP_ALIVE), (delivery, view, wakes, last_sent)));
                    }
                    Wake::Ended => return None,
                };
                let rendered = view.render(&delivery, &published);
                if last_sent.as_deref() == Some(rendered.tag.as_str()) {
                    continue;
                }
                last_sent = Some(rendered.tag.clone());
                return Some((Ok(rendered.event()), (delivery, view, wakes, last_sent)));
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(q: &[(&str, &str)]) -> Vec<(String, String)> {
        q.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn query_callers_split_lists_and_keep_other_parameters_as_flag_context() {
        let body = from_query(pairs(&[
            ("userId", "u1"),
            ("roles", "admin, support"),
            ("roles", "ops"),
            ("permissions", "orders:refund"),
            ("locale", "fr-CA"),
            ("plan", "pro"),
        ]));
        let (caller, ctx) = caller(body).unwrap();
        assert_eq!(caller.user_id.as_deref(), Some("u1"));
        assert_eq!(
            caller.roles.iter().collect::<Vec<_>>(),
            ["admin", "ops", "support"]
        );
        assert!(caller.permissions.contains("orders:refund"));
        assert_eq!(caller.locale.as_deref(), Some("fr-CA"));
        assert_eq!(ctx.targeting_key.as_deref(), Some("u1"));
        assert_eq!(ctx.get("plan"), Some("pro"));
    }

    #[test]
    fn bad_callers_are_refused_with_the_value_named() {
        let refused = |q: &[(&str, &str)]| match caller(from_query(pairs(q))) {
            Err(e) => (e.status(), e.code(), e.details().to_string()),
            Ok(_) => panic!("accepted {q:?}"),
        };
        let (status, code, details) = refused(&[("roles", "Admin Staff")]);
        assert_eq!(
            (status, code),
            (StatusCode::BAD_REQUEST, Some("INVALID_CONTEXT"))
        );
        assert!(details.contains("Admin Staff"), "{details}");
        assert!(
            refused(&[("permissions", "orders refund")])
                .2
                .contains("orders refund")
        );
        assert!(refused(&[("locale", "fr CA")]).2.contains("locale"));
        let body: Result<CallerBody, _> = serde_json::from_str(r#"{"roles": "admin"}"#);
        assert!(body.is_err(), "roles must be a list in JSON");
    }
}
