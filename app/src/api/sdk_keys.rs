use crate::AppError;
use crate::domain::{NewSdkKey, RevokeSdkKey, SdkKey, SdkKeyCreated};
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};

/// An environment's SDK keys (its admins only).
#[server(prefix = "/rpc", endpoint = "sdk-keys/list", input = GetUrl)]
pub async fn list_sdk_keys(environment: String) -> Result<Vec<SdkKey>, AppError> {
    use super::server::*;
    respond(async {
        let (state, me) = authenticated().await?;
        let env = crate::backend::environments::list_all(&state.db)
            .await?
            .into_iter()
            .find(|e| e.key == environment)
            .ok_or_else(|| AppError::not_found("Environment"))?;
        crate::backend::sdk_keys::list(&state.db, &me.actor, &env).await
    })
    .await
}

/// Issues a key; the secret is in the answer and nowhere else.
#[server(prefix = "/rpc", endpoint = "sdk-keys/create", input = Json)]
pub async fn create_sdk_key(input: NewSdkKey) -> Result<SdkKeyCreated, AppError> {
    super::server::run(input).await
}

#[server(prefix = "/rpc", name = RevokeKey, endpoint = "sdk-keys/revoke", input = Json)]
pub async fn revoke_sdk_key(input: RevokeSdkKey) -> Result<SdkKey, AppError> {
    super::server::run(input).await
}
