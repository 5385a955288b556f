use super::schema::{ErrorBody, Version};
use super::{JsonBody, PathParam, TokenActor};
use app::AppError;
use app::AppState;
use app::domain::{NewUser, ResetPassword, Role, SetUserDisabled, UpdateUser, User};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use std::collections::BTreeMap;
use switchboard_backend::users;

#[derive(Deserialize, utoipa::ToSchema)]
pub struct UserChanges {
    pub email: String,
    pub name: String,
    pub admin: bool,
    pub roles: BTreeMap<String, Role>,
    pub version: i64,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct PasswordChange {
    pub password: String,
    pub version: i64,
}

/// All users with their roles (administrators only).
#[utoipa::path(get, path = "/api/admin/v1/users", tag = "users",
    responses((status = 200, body = [User]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    State(s): State<AppState>,
    TokenActor(actor): TokenActor,
) -> Result<Json<Vec<User>>, AppError> {
    Ok(Json(users::list(&s.db, &actor).await?))
}

/// Creates a user with an initial password and roles per environment.
#[utoipa::path(post, path = "/api/admin/v1/users", tag = "users", request_body = NewUser,
    responses((status = 201, body = User), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(s): State<AppState>,
    TokenActor(actor): TokenActor,
    JsonBody(input): JsonBody<NewUser>,
) -> Result<(StatusCode, Json<User>), AppError> {
    Ok((StatusCode::CREATED, Json(s.execute(&actor, input).await?)))
}

/// Changes a user's email, name, administrator flag and roles.
#[utoipa::path(put, path = "/api/admin/v1/users/{id}", tag = "users", request_body = UserChanges,
    params(("id" = i64, Path)),
    responses((status = 200, body = User), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    State(s): State<AppState>,
    TokenActor(actor): TokenActor,
    PathParam(id): PathParam<i64>,
    JsonBody(c): JsonBody<UserChanges>,
) -> Result<Json<User>, AppError> {
    let input = UpdateUser {
        id,
        email: c.email,
        name: c.name,
        admin: c.admin,
        roles: c.roles,
        version: c.version,
    };
    Ok(Json(s.execute(&actor, input).await?))
}

/// Disables a user and ends their sessions.
#[utoipa::path(post, path = "/api/admin/v1/users/{id}/disable", tag = "users", request_body = Version,
    params(("id" = i64, Path)),
    responses((status = 200, body = User), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn disable(
    State(s): State<AppState>,
    TokenActor(actor): TokenActor,
    PathParam(id): PathParam<i64>,
    JsonBody(v): JsonBody<Version>,
) -> Result<Json<User>, AppError> {
    Ok(Json(
        s.execute(
            &actor,
            SetUserDisabled {
                id,
                disabled: true,
                version: v.version,
            },
        )
        .await?,
    ))
}

/// Lets a disabled user sign in again.
#[utoipa::path(post, path = "/api/admin/v1/users/{id}/enable", tag = "users", request_body = Version,
    params(("id" = i64, Path)),
    responses((status = 200, body = User), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn enable(
    State(s): State<AppState>,
    TokenActor(actor): TokenActor,
    PathParam(id): PathParam<i64>,
    JsonBody(v): JsonBody<Version>,
) -> Result<Json<User>, AppError> {
    Ok(Json(
        s.execute(
            &actor,
            SetUserDisabled {
                id,
                disabled: false,
                version: v.version,
            },
        )
        .await?,
    ))
}

/// Sets a new password and ends the user's sessions.
#[utoipa::path(post, path = "/api/admin/v1/users/{id}/password", tag = "users", request_body = PasswordChange,
    params(("id" = i64, Path)),
    responses((status = 200, body = User), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn reset_password(
    State(s): State<AppState>,
    TokenActor(actor): TokenActor,
    PathParam(id): PathParam<i64>,
    JsonBody(c): JsonBody<PasswordChange>,
) -> Result<Json<User>, AppError> {
    Ok(Json(
        s.execute(
            &actor,
            ResetPassword {
                id,
                password: c.password,
                version: c.version,
            },
        )
        .await?,
    ))
}
