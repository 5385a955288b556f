use crate::AppError;
use crate::domain::{NewUser, ResetPassword, SetUserDisabled, UpdateUser, User};
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};

#[server(prefix = "/rpc", endpoint = "users/list", input = GetUrl)]
pub async fn list_users() -> Result<Vec<User>, AppError> {
    use super::server::*;
    let (state, me) = authenticated().await?;
    switchboard_backend::users::list(&state.db, &me.actor).await
}

#[server(prefix = "/rpc", endpoint = "users/create", input = Json)]
pub async fn create_user(input: NewUser) -> Result<User, AppError> {
    super::server::run(input).await
}

#[server(prefix = "/rpc", name = SaveUser, endpoint = "users/update", input = Json)]
pub async fn update_user(input: UpdateUser) -> Result<User, AppError> {
    super::server::run(input).await
}

#[server(prefix = "/rpc", name = SetUserStatus, endpoint = "users/set-disabled", input = Json)]
pub async fn set_user_disabled(input: SetUserDisabled) -> Result<User, AppError> {
    super::server::run(input).await
}

#[server(prefix = "/rpc", name = ResetUserPassword, endpoint = "users/reset-password", input = Json)]
pub async fn reset_password(input: ResetPassword) -> Result<User, AppError> {
    super::server::run(input).await
}
