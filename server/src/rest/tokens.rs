use super::schema::{ErrorBody, Version};
use super::{JsonBody, PathParam, TokenActor};
use app::AppError;
use app::AppState;
use app::domain::{ApiToken, ApiTokenCreated, NewApiToken, RevokeApiToken};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use switchboard_backend::api_tokens;

/// Admin API tokens (administrators only); secrets are never listed. `expired` says whether
/// `expires_at` had passed when the list was read.
#[utoipa::path(get, path = "/api/admin/v1/tokens", tag = "tokens",
    responses((status = 200, body = [ApiToken]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    State(s): State<AppState>,
    TokenActor(actor): TokenActor,
) -> Result<Json<Vec<ApiToken>>, AppError> {
    Ok(Json(api_tokens::list(&s.db, &actor).await?))
}

/// Issues a token; the answer holds its secret, shown this once. `expires_in_days` (1 to 365;
/// absent or null: never) sets `expires_at`. The token belongs to the caller's user (for a token,
/// its owner): disabling that user revokes it. An expired, revoked or disowned token is answered
/// 401, like an unknown one.
#[utoipa::path(post, path = "/api/admin/v1/tokens", tag = "tokens", request_body = NewApiToken,
    responses((status = 201, body = ApiTokenCreated), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(s): State<AppState>,
    TokenActor(actor): TokenActor,
    JsonBody(input): JsonBody<NewApiToken>,
) -> Result<(StatusCode, Json<ApiTokenCreated>), AppError> {
    Ok((StatusCode::CREATED, Json(s.execute(&actor, input).await?)))
}

/// Revokes a token; it is refused from the next request on.
#[utoipa::path(post, path = "/api/admin/v1/tokens/{id}/revoke", tag = "tokens", request_body = Version,
    params(("id" = i64, Path)),
    responses((status = 200, body = ApiToken), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn revoke(
    State(s): State<AppState>,
    TokenActor(actor): TokenActor,
    PathParam(id): PathParam<i64>,
    JsonBody(v): JsonBody<Version>,
) -> Result<Json<ApiToken>, AppError> {
    Ok(Json(
        s.execute(
            &actor,
            RevokeApiToken {
                id,
                version: v.version,
            },
        )
        .await?,
    ))
}
