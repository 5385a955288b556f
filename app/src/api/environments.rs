use crate::AppError;
use crate::domain::{DeleteEnvironment, Environment, NewEnvironment, UpdateEnvironment};
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};

/// The environments the signed-in user holds a role in (all, for administrators).
#[server(prefix = "/rpc", endpoint = "environments/list", input = GetUrl)]
pub async fn list_environments() -> Result<Vec<Environment>, AppError> {
    use super::server::*;
    let (state, me) = authenticated().await?;
    switchboard_backend::environments::list(&state.db, &me.actor).await
}

#[server(prefix = "/rpc", endpoint = "environments/create", input = Json)]
pub async fn create_environment(input: NewEnvironment) -> Result<Environment, AppError> {
    super::server::run(input).await
}

#[server(prefix = "/rpc", name = SaveEnvironment, endpoint = "environments/update", input = Json)]
pub async fn update_environment(input: UpdateEnvironment) -> Result<Environment, AppError> {
    super::server::run(input).await
}

#[server(prefix = "/rpc", name = RemoveEnvironment, endpoint = "environments/delete", input = Json)]
pub async fn delete_environment(input: DeleteEnvironment) -> Result<(), AppError> {
    super::server::run(input).await
}
