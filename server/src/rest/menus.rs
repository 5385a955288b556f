//! Menus in the admin API: menus, the shared draft tree, import, releases, diff and rollback,
//! through the same queries and commands as the dashboard.

use super::schema::{ErrorBody, Version};
use super::{JsonBody, PathParam, QueryParams, TokenActor};
use app::AppError;
use app::AppState;
use app::menus::{
    DiscardMenuDraft, Menu, MenuDraft, MenuRelease, MenuReleaseDiff, MenuSummary, NewMenu,
    PublishMenu, RollbackMenu, SaveMenuDraft,
};
use app::releases::ReleaseSummary;
use app::validation::menus::parse_menu_import;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use switchboard_backend::menus::queries;

#[derive(Deserialize, utoipa::ToSchema)]
pub struct MenuInput {
    pub key: String,
    #[serde(default)]
    pub description: String,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct DraftInput {
    /// The top-level items, each with its children.
    #[serde(flatten)]
    pub tree: Menu,
    /// The draft version the client started from (0 for a draft never saved).
    pub version: i64,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct DraftSaved {
    /// Send it with the next save.
    pub version: i64,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct MenuPublishInput {
    pub message: String,
    /// The main release the draft was reviewed against (0 before the first publish).
    pub main_version: i64,
    /// The draft version whose tree was reviewed (the draft's `version`); 409 if it moved.
    pub draft_version: i64,
}

type EnvMenu = PathParam<(String, String)>;

#[utoipa::path(get, path = "/api/admin/v1/menus/{environment}", tag = "menus",
    params(("environment" = String, Path)),
    responses((status = 200, body = [MenuSummary]), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    State(s): State<AppState>,
    TokenActor(actor): TokenActor,
    PathParam(environment): PathParam<String>,
) -> Result<Json<Vec<MenuSummary>>, AppError> {
    Ok(Json(queries::list(&s.db, &actor, &environment).await?))
}

#[utoipa::path(post, path = "/api/admin/v1/menus/{environment}", tag = "menus",
    params(("environment" = String, Path)), request_body = MenuInput,
    responses((status = 201, body = MenuSummary), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(s): State<AppState>,
    TokenActor(actor): TokenActor,
    PathParam(environment): PathParam<String>,
    JsonBody(input): JsonBody<MenuInput>,
) -> Result<(StatusCode, Json<MenuSummary>), AppError> {
    let command = NewMenu {
        key: input.key,
        description: input.description,
        environment,
    };
    Ok((StatusCode::CREATED, Json(s.execute(&actor, command).await?)))
}

#[utoipa::path(get, path = "/api/admin/v1/menus/{environment}/{menu}/draft", tag = "menus",
    params(("environment" = String, Path), ("menu" = String, Path)),
    responses((status = 200, body = MenuDraft), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn draft(
    State(s): State<AppState>,
    TokenActor(actor): TokenActor,
    PathParam((environment, menu)): EnvMenu,
) -> Result<Json<MenuDraft>, AppError> {
    Ok(Json(
        queries::draft(&s.db, &actor, &environment, &menu).await?,
    ))
}

async fn save(
    s: &AppState,
    actor: &switchboard_backend::Actor,
    (environment, menu): (String, String),
    items: Menu,
    version: i64,
) -> Result<Json<DraftSaved>, AppError> {
    let command = SaveMenuDraft {
        menu,
        environment,
        tree: items,
        version,
    };
    let version = s.execute(actor, command).await?;
    Ok(Json(DraftSaved { version }))
}

/// Replaces the draft tree (409 with the stored draft when it changed since `version`).
#[utoipa::path(put, path = "/api/admin/v1/menus/{environment}/{menu}/draft", tag = "menus",
    params(("environment" = String, Path), ("menu" = String, Path)), request_body = DraftInput,
    responses((status = 200, body = DraftSaved), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody, description = "Field errors named by index path: `items.0.children.2.target`")),
    security(("bearer" = [])))]
pub async fn save_draft(
    State(s): State<AppState>,
    TokenActor(actor): TokenActor,
    PathParam(path): EnvMenu,
    JsonBody(input): JsonBody<DraftInput>,
) -> Result<Json<DraftSaved>, AppError> {
    save(&s, &actor, path, input.tree, input.version).await
}

/// Replaces the draft with an exported menu file: `{"items": [...]}` or the bare list of items.
/// A file that does not read as a menu is refused under the field `document`, saying where.
#[utoipa::path(post, path = "/api/admin/v1/menus/{environment}/{menu}/draft/import", tag = "menus",
    params(("environment" = String, Path), ("menu" = String, Path), Version),
    request_body(content = String, content_type = "application/json", description = "The menu file"),
    responses((status = 200, body = DraftSaved), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn import(
    State(s): State<AppState>,
    TokenActor(actor): TokenActor,
    PathParam(path): EnvMenu,
    QueryParams(v): QueryParams<Version>,
    // Not `String`: its refusal of a body that is not UTF-8 is plain text, not the API's JSON.
    body: Bytes,
) -> Result<Json<DraftSaved>, AppError> {
    let document = std::str::from_utf8(&body)
        .map_err(|_| AppError::bad_request("the body is not UTF-8 text"))?;
    let items = parse_menu_import(document)?;
    save(&s, &actor, path, items, v.version).await
}

/// Publishes the draft as a new release.
#[utoipa::path(post, path = "/api/admin/v1/menus/{environment}/{menu}/releases", tag = "menus",
    params(("environment" = String, Path), ("menu" = String, Path)), request_body = MenuPublishInput,
    responses((status = 201, body = ReleaseSummary), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody, description = "Invalid items, or nothing to publish (field `draft`)")),
    security(("bearer" = [])))]
pub async fn publish(
    State(s): State<AppState>,
    TokenActor(actor): TokenActor,
    PathParam((environment, menu)): EnvMenu,
    JsonBody(input): JsonBody<MenuPublishInput>,
) -> Result<(StatusCode, Json<ReleaseSummary>), AppError> {
    let command = PublishMenu {
        menu,
        environment,
        message: input.message,
        main_version: input.main_version,
        draft_version: input.draft_version,
    };
    Ok((StatusCode::CREATED, Json(s.execute(&actor, command).await?)))
}

super::releases::release_routes! {
    module: history,
    tag: "menus",
    subject: menu,
    subject_param: "menu",
    queries: switchboard_backend::menus::queries,
    summary: ReleaseSummary,
    release: MenuRelease,
    diff: MenuReleaseDiff,
    discard: DiscardMenuDraft,
    rollback: RollbackMenu,
    discard_path: "/api/admin/v1/menus/{environment}/{menu}/draft/discard",
    releases_path: "/api/admin/v1/menus/{environment}/{menu}/releases",
    release_path: "/api/admin/v1/menus/{environment}/{menu}/releases/{version}",
    diff_path: "/api/admin/v1/menus/{environment}/{menu}/diff",
    rollback_path: "/api/admin/v1/menus/{environment}/{menu}/rollback",
}
