use super::schema::{ErrorBody, Version};
use super::{JsonBody, PathParam, QueryParams, TokenActor};
use app::AppError;
use app::AppState;
use app::flags::{Constraint, DeleteSegment, NewSegment, Segment, UpdateSegment};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

#[derive(Deserialize, utoipa::ToSchema)]
pub struct SegmentChanges {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub constraints: Vec<Constraint>,
    pub version: i64,
}

#[utoipa::path(get, path = "/api/admin/v1/segments", tag = "flags",
    responses((status = 200, body = [Segment]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    State(s): State<AppState>,
    TokenActor(actor): TokenActor,
) -> Result<Json<Vec<Segment>>, AppError> {
    Ok(Json(
        switchboard_backend::flags::segments::list(&s.db, &actor).await?,
    ))
}

#[utoipa::path(post, path = "/api/admin/v1/segments", tag = "flags", request_body = NewSegment,
    responses((status = 201, body = Segment), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(s): State<AppState>,
    TokenActor(actor): TokenActor,
    JsonBody(input): JsonBody<NewSegment>,
) -> Result<(StatusCode, Json<Segment>), AppError> {
    Ok((StatusCode::CREATED, Json(s.execute(&actor, input).await?)))
}

#[utoipa::path(put, path = "/api/admin/v1/segments/{key}", tag = "flags", request_body = SegmentChanges, params(("key" = String, Path)),
    responses((status = 200, body = Segment), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    State(s): State<AppState>,
    TokenActor(actor): TokenActor,
    PathParam(key): PathParam<String>,
    JsonBody(c): JsonBody<SegmentChanges>,
) -> Result<Json<Segment>, AppError> {
    let input = UpdateSegment {
        key,
        name: c.name,
        description: c.description,
        constraints: c.constraints,
        version: c.version,
    };
    Ok(Json(s.execute(&actor, input).await?))
}

/// Deletes a segment no rule uses.
#[utoipa::path(delete, path = "/api/admin/v1/segments/{key}", tag = "flags", params(("key" = String, Path), Version),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete(
    State(s): State<AppState>,
    TokenActor(actor): TokenActor,
    PathParam(key): PathParam<String>,
    QueryParams(v): QueryParams<Version>,
) -> Result<StatusCode, AppError> {
    s.execute(
        &actor,
        DeleteSegment {
            key,
            version: v.version,
        },
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
