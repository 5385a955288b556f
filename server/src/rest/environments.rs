use super::schema::{ErrorBody, Version};
use super::{JsonBody, PathParam, QueryParams, TokenActor};
use app::AppError;
use app::AppState;
use app::domain::{DeleteEnvironment, Environment, NewEnvironment, UpdateEnvironment};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use switchboard_backend::environments;

#[derive(Deserialize, utoipa::ToSchema)]
pub struct EnvironmentChanges {
    pub name: String,
    pub protected: bool,
    pub version: i64,
}

/// Environments the token holds a role in (all, for administrator tokens).
#[utoipa::path(get, path = "/api/admin/v1/environments", tag = "environments",
    responses((status = 200, body = [Environment]), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    State(s): State<AppState>,
    TokenActor(actor): TokenActor,
) -> Result<Json<Vec<Environment>>, AppError> {
    Ok(Json(environments::list(&s.db, &actor).await?))
}

#[utoipa::path(post, path = "/api/admin/v1/environments", tag = "environments", request_body = NewEnvironment,
    responses((status = 201, body = Environment), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(s): State<AppState>,
    TokenActor(actor): TokenActor,
    JsonBody(input): JsonBody<NewEnvironment>,
) -> Result<(StatusCode, Json<Environment>), AppError> {
    Ok((StatusCode::CREATED, Json(s.execute(&actor, input).await?)))
}

/// Renames an environment or changes whether it is protected.
#[utoipa::path(put, path = "/api/admin/v1/environments/{key}", tag = "environments", request_body = EnvironmentChanges,
    params(("key" = String, Path)),
    responses((status = 200, body = Environment), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    State(s): State<AppState>,
    TokenActor(actor): TokenActor,
    PathParam(key): PathParam<String>,
    JsonBody(c): JsonBody<EnvironmentChanges>,
) -> Result<Json<Environment>, AppError> {
    let input = UpdateEnvironment {
        key,
        name: c.name,
        protected: c.protected,
        version: c.version,
    };
    Ok(Json(s.execute(&actor, input).await?))
}

/// Deletes an unprotected environment and the roles in it.
#[utoipa::path(delete, path = "/api/admin/v1/environments/{key}", tag = "environments",
    params(("key" = String, Path), Version),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete(
    State(s): State<AppState>,
    TokenActor(actor): TokenActor,
    PathParam(key): PathParam<String>,
    QueryParams(v): QueryParams<Version>,
) -> Result<StatusCode, AppError> {
    s.execute(
        &actor,
        DeleteEnvironment {
            key,
            version: v.version,
        },
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
