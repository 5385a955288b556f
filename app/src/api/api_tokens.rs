use crate::AppError;
use crate::domain::{ApiToken, ApiTokenCreated, NewApiToken, RevokeApiToken};
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};

#[server(prefix = "/rpc", endpoint = "api-tokens/list", input = GetUrl)]
pub async fn list_api_tokens() -> Result<Vec<ApiToken>, AppError> {
    use super::server::*;
    let (state, me) = authenticated().await?;
    switchboard_backend::api_tokens::list(&state.db, &me.actor).await
}

/// Issues a token; the secret is in the answer and nowhere else.
#[server(prefix = "/rpc", endpoint = "api-tokens/create", input = Json)]
pub async fn create_api_token(input: NewApiToken) -> Result<ApiTokenCreated, AppError> {
    super::server::run(input).await
}

#[server(prefix = "/rpc", name = RevokeToken, endpoint = "api-tokens/revoke", input = Json)]
pub async fn revoke_api_token(input: RevokeApiToken) -> Result<ApiToken, AppError> {
    super::server::run(input).await
}
