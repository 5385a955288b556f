use super::schema::{ErrorBody, Version};
use super::{JsonBody, PathParam, TokenActor};
use app::AppError;
use app::AppState;
use app::domain::{KeyScope, NewSdkKey, RevokeSdkKey, SdkKey, SdkKeyCreated};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use switchboard_backend::{environments, sdk_keys};

/// A new key: its name and what it may read (by default: every namespace and menu, no secrets).
#[derive(Deserialize, utoipa::ToSchema)]
pub struct KeyName {
    pub name: String,
    #[serde(flatten)]
    pub scope: KeyScope,
}

/// An environment's SDK keys (its admins only); secrets are never listed.
#[utoipa::path(get, path = "/api/admin/v1/environments/{environment}/sdk-keys", tag = "delivery", params(("environment" = String, Path)),
    responses((status = 200, body = [SdkKey]), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    State(s): State<AppState>,
    TokenActor(actor): TokenActor,
    PathParam(environment): PathParam<String>,
) -> Result<Json<Vec<SdkKey>>, AppError> {
    let env = environments::list_all(&s.db)
        .await?
        .into_iter()
        .find(|e| e.key == environment)
        .ok_or_else(|| AppError::not_found("Environment"))?;
    Ok(Json(sdk_keys::list(&s.db, &actor, &env).await?))
}

/// Issues an SDK key for the delivery APIs; the answer holds its secret, shown this once.
#[utoipa::path(post, path = "/api/admin/v1/environments/{environment}/sdk-keys", tag = "delivery", request_body = KeyName, params(("environment" = String, Path)),
    responses((status = 201, body = SdkKeyCreated), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(s): State<AppState>,
    TokenActor(actor): TokenActor,
    PathParam(environment): PathParam<String>,
    JsonBody(k): JsonBody<KeyName>,
) -> Result<(StatusCode, Json<SdkKeyCreated>), AppError> {
    Ok((
        StatusCode::CREATED,
        Json(
            s.execute(
                &actor,
                NewSdkKey {
                    environment,
                    name: k.name,
                    scope: k.scope,
                },
            )
            .await?,
        ),
    ))
}

/// Revokes an SDK key; it is refused from the next request on.
#[utoipa::path(post, path = "/api/admin/v1/environments/{environment}/sdk-keys/{id}/revoke", tag = "delivery", request_body = Version,
    params(("environment" = String, Path), ("id" = i64, Path)),
    responses((status = 200, body = SdkKey), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn revoke(
    State(s): State<AppState>,
    TokenActor(actor): TokenActor,
    PathParam((environment, id)): PathParam<(String, i64)>,
    JsonBody(v): JsonBody<Version>,
) -> Result<Json<SdkKey>, AppError> {
    Ok(Json(
        s.execute(
            &actor,
            RevokeSdkKey {
                environment,
                id,
                version: v.version,
            },
        )
        .await?,
    ))
}
