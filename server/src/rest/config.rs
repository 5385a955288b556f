//! Remote configuration in the admin API: namespaces, the shared draft, releases, rollback, gray
//! releases and environment comparison, through the same queries and commands as the dashboard.

use super::schema::{ErrorBody, Version};
use super::{JsonBody, PathParam, QueryParams, TokenActor};
use app::AppError;
use app::AppState;
use app::config::{
    CopyNamespace, DiscardDraft, Draft, DraftEntry, Entry, EntryConstraints, EnvironmentComparison,
    FinishGray, GrayTarget, InstanceView, NamespaceSummary, NewNamespace, PublishDraft, Release,
    ReleaseDiff, ReleaseSummary, RemoveEntry, RollbackRelease, SetEntry, ValueType,
};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use switchboard_backend::config::queries;

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NamespaceInput {
    pub key: String,
    #[serde(default)]
    pub description: String,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct EntryInput {
    pub value_type: ValueType,
    pub value: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub constraints: EntryConstraints,
    /// Sealed at rest and never shown again; delivered only to SDK keys that may read secrets.
    /// To change anything else of a secret entry, send back the masked value it was shown with.
    #[serde(default)]
    pub secret: bool,
    /// The entry's draft version the client started from; 0 to add a new key.
    pub version: i64,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct PublishInput {
    pub message: String,
    /// The main release the draft was reviewed against (0 before the first publish).
    pub main_version: i64,
    /// The draft version whose diff was reviewed (the draft's `draft_version`); 409 if the
    /// draft moved since.
    pub draft_version: i64,
    /// Publish to part of the fleet only.
    #[serde(default)]
    pub gray: Option<GrayTarget>,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct RollbackInput {
    pub to_version: i64,
    #[serde(default)]
    pub message: String,
    pub main_version: i64,
    #[serde(default)]
    pub discard_draft: bool,
    /// The draft version seen; required to drop unpublished draft changes (409 if it moved).
    #[serde(default)]
    pub draft_version: Option<i64>,
}

/// Names the draft version the caller saw (the draft's `draft_version`).
#[derive(Deserialize, utoipa::ToSchema)]
pub struct DraftVersionInput {
    pub draft_version: i64,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct GrayInput {
    pub gray_version: i64,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DiffQuery {
    /// Defaults to the release before `to`.
    pub from: Option<i64>,
    pub to: i64,
}

type EnvNs = PathParam<(String, String)>;

#[utoipa::path(get, path = "/api/admin/v1/config/{environment}", tag = "config",
    params(("environment" = String, Path)),
    responses((status = 200, body = [NamespaceSummary]), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    State(s): State<AppState>,
    TokenActor(actor): TokenActor,
    PathParam(environment): PathParam<String>,
) -> Result<Json<Vec<NamespaceSummary>>, AppError> {
    Ok(Json(queries::list(&s.db, &actor, &environment).await?))
}

#[utoipa::path(post, path = "/api/admin/v1/config/{environment}", tag = "config",
    params(("environment" = String, Path)), request_body = NamespaceInput,
    responses((status = 201, body = NamespaceSummary), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(s): State<AppState>,
    TokenActor(actor): TokenActor,
    PathParam(environment): PathParam<String>,
    JsonBody(input): JsonBody<NamespaceInput>,
) -> Result<(StatusCode, Json<NamespaceSummary>), AppError> {
    let command = NewNamespace {
        key: input.key,
        description: input.description,
        environment,
    };
    Ok((StatusCode::CREATED, Json(s.execute(&actor, command).await?)))
}

#[utoipa::path(get, path = "/api/admin/v1/config/{environment}/{namespace}/draft", tag = "config",
    params(("environment" = String, Path), ("namespace" = String, Path)),
    responses((status = 200, body = Draft), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn draft(
    State(s): State<AppState>,
    TokenActor(actor): TokenActor,
    PathParam((environment, namespace)): EnvNs,
) -> Result<Json<Draft>, AppError> {
    Ok(Json(
        queries::draft(&s.db, &actor, &environment, &namespace).await?,
    ))
}

#[utoipa::path(put, path = "/api/admin/v1/config/{environment}/{namespace}/draft/entries/{key}", tag = "config",
    params(("environment" = String, Path), ("namespace" = String, Path), ("key" = String, Path)), request_body = EntryInput,
    responses((status = 200, body = DraftEntry), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn set_entry(
    State(s): State<AppState>,
    TokenActor(actor): TokenActor,
    PathParam((environment, namespace, key)): PathParam<(String, String, String)>,
    JsonBody(input): JsonBody<EntryInput>,
) -> Result<Json<DraftEntry>, AppError> {
    let command = SetEntry {
        namespace,
        environment,
        entry: Entry {
            key,
            value_type: input.value_type,
            value: input.value,
            description: input.description,
            constraints: input.constraints,
            secret: input.secret,
        },
        version: input.version,
    };
    Ok(Json(s.execute(&actor, command).await?))
}

#[utoipa::path(delete, path = "/api/admin/v1/config/{environment}/{namespace}/draft/entries/{key}", tag = "config",
    params(("environment" = String, Path), ("namespace" = String, Path), ("key" = String, Path), Version),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn remove_entry(
    State(s): State<AppState>,
    TokenActor(actor): TokenActor,
    PathParam((environment, namespace, key)): PathParam<(String, String, String)>,
    QueryParams(v): QueryParams<Version>,
) -> Result<StatusCode, AppError> {
    let command = RemoveEntry {
        namespace,
        environment,
        key,
        version: v.version,
    };
    s.execute(&actor, command).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Makes the draft a copy of what another environment serves (its main release).
#[utoipa::path(post, path = "/api/admin/v1/config/{environment}/{namespace}/draft/copy-from/{from}", tag = "config",
    params(("environment" = String, Path), ("namespace" = String, Path), ("from" = String, Path)), request_body = DraftVersionInput,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn copy_from(
    State(s): State<AppState>,
    TokenActor(actor): TokenActor,
    PathParam((environment, namespace, from)): PathParam<(String, String, String)>,
    JsonBody(input): JsonBody<DraftVersionInput>,
) -> Result<StatusCode, AppError> {
    let command = CopyNamespace {
        namespace,
        from,
        environment,
        draft_version: input.draft_version,
    };
    s.execute(&actor, command).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Publishes the draft as a new release, to everyone or (with `gray`) to part of the fleet.
#[utoipa::path(post, path = "/api/admin/v1/config/{environment}/{namespace}/releases", tag = "config",
    params(("environment" = String, Path), ("namespace" = String, Path)), request_body = PublishInput,
    responses((status = 201, body = ReleaseSummary), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody, description = "Invalid entries, or nothing to publish (field `draft`)")),
    security(("bearer" = [])))]
pub async fn publish(
    State(s): State<AppState>,
    TokenActor(actor): TokenActor,
    PathParam((environment, namespace)): EnvNs,
    JsonBody(input): JsonBody<PublishInput>,
) -> Result<(StatusCode, Json<ReleaseSummary>), AppError> {
    let command = PublishDraft {
        namespace,
        environment,
        message: input.message,
        main_version: input.main_version,
        draft_version: input.draft_version,
        gray: input.gray,
    };
    Ok((StatusCode::CREATED, Json(s.execute(&actor, command).await?)))
}

async fn finish_gray(
    s: AppState,
    actor: switchboard_backend::Actor,
    (environment, namespace): (String, String),
    gray_version: i64,
    promote: bool,
) -> Result<StatusCode, AppError> {
    let command = FinishGray {
        namespace,
        environment,
        gray_version,
        promote,
    };
    s.execute(&actor, command).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Makes the gray release in progress the main release for every instance.
#[utoipa::path(post, path = "/api/admin/v1/config/{environment}/{namespace}/gray/promote", tag = "config",
    params(("environment" = String, Path), ("namespace" = String, Path)), request_body = GrayInput,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn promote(
    State(s): State<AppState>,
    TokenActor(actor): TokenActor,
    PathParam(path): EnvNs,
    JsonBody(input): JsonBody<GrayInput>,
) -> Result<StatusCode, AppError> {
    finish_gray(s, actor, path, input.gray_version, true).await
}

/// Ends the gray release in progress; every instance is back on the main release.
#[utoipa::path(post, path = "/api/admin/v1/config/{environment}/{namespace}/gray/abandon", tag = "config",
    params(("environment" = String, Path), ("namespace" = String, Path)), request_body = GrayInput,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn abandon(
    State(s): State<AppState>,
    TokenActor(actor): TokenActor,
    PathParam(path): EnvNs,
    JsonBody(input): JsonBody<GrayInput>,
) -> Result<StatusCode, AppError> {
    finish_gray(s, actor, path, input.gray_version, false).await
}

/// What `environment` serves against what `other` serves.
#[utoipa::path(get, path = "/api/admin/v1/config/{environment}/{namespace}/compare/{other}", tag = "config",
    params(("environment" = String, Path), ("namespace" = String, Path), ("other" = String, Path)),
    responses((status = 200, body = EnvironmentComparison), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn compare(
    State(s): State<AppState>,
    TokenActor(actor): TokenActor,
    PathParam((environment, namespace, other)): PathParam<(String, String, String)>,
) -> Result<Json<EnvironmentComparison>, AppError> {
    Ok(Json(
        queries::compare(&s.db, &actor, &namespace, &environment, &other).await?,
    ))
}

/// The app instances this server has served the namespace to, and the version each holds.
#[utoipa::path(get, path = "/api/admin/v1/config/{environment}/{namespace}/instances", tag = "config",
    params(("environment" = String, Path), ("namespace" = String, Path)),
    responses((status = 200, body = [InstanceView]), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn instances(
    State(s): State<AppState>,
    TokenActor(actor): TokenActor,
    PathParam((environment, namespace)): EnvNs,
) -> Result<Json<Vec<InstanceView>>, AppError> {
    Ok(Json(
        queries::instances(&s.db, &actor, &s.delivery, &environment, &namespace).await?,
    ))
}

super::releases::release_routes! {
    module: history,
    tag: "config",
    subject: namespace,
    subject_param: "namespace",
    queries: switchboard_backend::config::queries,
    summary: ReleaseSummary,
    release: Release,
    diff: ReleaseDiff,
    discard: DiscardDraft,
    rollback: RollbackRelease,
    discard_path: "/api/admin/v1/config/{environment}/{namespace}/draft/discard",
    releases_path: "/api/admin/v1/config/{environment}/{namespace}/releases",
    release_path: "/api/admin/v1/config/{environment}/{namespace}/releases/{version}",
    diff_path: "/api/admin/v1/config/{environment}/{namespace}/diff",
    rollback_path: "/api/admin/v1/config/{environment}/{namespace}/rollback",
}
