use crate::AppError;
use crate::domain::{NewSdkKey, RevokeSdkKey, SdkKey, SdkKeyCreated, SdkKeyListing};
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};

/// The SDK keys of the environment named, or without a name of the one the user last chose
/// (`remembered`) if they may still see it, else of the first one they may see. Anyone who may see the environment
/// gets it; only its admins get its keys (`keys` is null for everyone else). 404 for an unknown
/// environment, 403 for one the user may not see.
#[server(prefix = "/rpc", endpoint = "sdk-keys/list", input = GetUrl)]
pub async fn list_sdk_keys(
    environment: Option<String>,
    remembered: Option<String>,
) -> Result<SdkKeyListing, AppError> {
    use super::server::*;
    use crate::permissions::{Action, Resource, may};
    let (state, me) = authenticated().await?;
    let environment = shown_environment(&state, &me, environment.as_deref(), remembered.as_deref())
        .await?
        .ok_or_else(|| AppError::not_found("Environment"))?;
    if me.actor.subject.role_in(&environment.key).is_none() {
        return Err(AppError::Forbidden);
    }
    let keys = if may(
        &me.actor.subject,
        Action::Read,
        Resource::SdkKeys(environment.scope()),
    ) {
        Some(switchboard_backend::sdk_keys::list(&state.db, &me.actor, &environment).await?)
    } else {
        None
    };
    Ok(SdkKeyListing { environment, keys })
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
