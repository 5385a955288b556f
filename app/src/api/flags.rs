use crate::AppError;
use crate::flags::{
    CopyFlagSettings, CopyFlagSettingsEverywhere, Flag, FlagChoice, FlagDetail, FlagEnvironment,
    FlagListing, FlagQuery, FlagSetComparison, ImportReport, ImportUnleash, NewFlag,
    SaveFlagSettings, SetFlagArchived, SetFlagEnabled, UpdateFlag,
};
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};

/// A page of flags (search, filter by state, sort) with their state in the environment the query
/// names; without one, in the environment the user last chose (`remembered`) if they may still
/// see it, else in the first one they may see.
#[server(prefix = "/rpc", endpoint = "flags/list", input = Json)]
pub async fn list_flags(
    query: FlagQuery,
    remembered: Option<String>,
) -> Result<FlagListing, AppError> {
    use super::server::*;
    let (state, me) = authenticated().await?;
    let environment = shown_environment(
        &state,
        &me,
        query.environment.as_deref(),
        remembered.as_deref(),
    )
    .await?;
    let query = FlagQuery {
        // An unknown name stays, for the query's own error.
        environment: environment
            .as_ref()
            .map(|e| e.key.clone())
            .or(query.environment.clone()),
        ..query
    };
    let page = switchboard_backend::flags::queries::list(&state.db, &me.actor, &query).await?;
    Ok(FlagListing { environment, page })
}

/// A flag, its settings in every environment the user may see, and the segments rules can use.
#[server(prefix = "/rpc", endpoint = "flags/get", input = GetUrl)]
pub async fn get_flag(key: String) -> Result<FlagDetail, AppError> {
    use super::server::*;
    let (state, me) = authenticated().await?;
    switchboard_backend::flags::queries::detail(&state.db, &me.actor, &key).await
}

/// Every flag that is not archived (key, name, variants), for the prerequisite picker.
#[server(prefix = "/rpc", endpoint = "flags/choices", input = GetUrl)]
pub async fn flag_choices() -> Result<Vec<FlagChoice>, AppError> {
    use super::server::*;
    let (state, me) = authenticated().await?;
    switchboard_backend::flags::queries::choices(&state.db, &me.actor).await
}

#[server(prefix = "/rpc", endpoint = "flags/create", input = Json)]
pub async fn create_flag(input: NewFlag) -> Result<Flag, AppError> {
    super::server::run(input).await
}

#[server(prefix = "/rpc", name = SaveFlag, endpoint = "flags/update", input = Json)]
pub async fn update_flag(input: UpdateFlag) -> Result<Flag, AppError> {
    super::server::run(input).await
}

#[server(prefix = "/rpc", name = ArchiveFlag, endpoint = "flags/set-archived", input = Json)]
pub async fn set_flag_archived(input: SetFlagArchived) -> Result<Flag, AppError> {
    super::server::run(input).await
}

#[server(prefix = "/rpc", name = SaveSettings, endpoint = "flags/save-settings", input = Json)]
pub async fn save_flag_settings(input: SaveFlagSettings) -> Result<FlagEnvironment, AppError> {
    super::server::run(input).await
}

/// The kill switch.
#[server(prefix = "/rpc", name = ToggleFlag, endpoint = "flags/set-enabled", input = Json)]
pub async fn set_flag_enabled(input: SetFlagEnabled) -> Result<FlagEnvironment, AppError> {
    super::server::run(input).await
}

#[server(prefix = "/rpc", name = CopySettings, endpoint = "flags/copy-settings", input = Json)]
pub async fn copy_flag_settings(input: CopyFlagSettings) -> Result<FlagEnvironment, AppError> {
    super::server::run(input).await
}

#[server(prefix = "/rpc", name = CopySettingsEverywhere, endpoint = "flags/copy-settings-everywhere", input = Json)]
pub async fn copy_flag_settings_everywhere(
    input: CopyFlagSettingsEverywhere,
) -> Result<Vec<FlagEnvironment>, AppError> {
    super::server::run(input).await
}

/// Every flag whose settings a copy from `from` would change in `to`, with the changes.
#[server(prefix = "/rpc", endpoint = "flags/compare-environments", input = GetUrl)]
pub async fn compare_flag_environments(
    from: String,
    to: String,
) -> Result<FlagSetComparison, AppError> {
    use super::server::*;
    let (state, me) = authenticated().await?;
    switchboard_backend::flags::queries::compare_environments(&state.db, &me.actor, &from, &to)
        .await
}

/// Imports an Unleash export into one environment.
#[server(prefix = "/rpc", name = ImportFromUnleash, endpoint = "flags/import-unleash", input = Json)]
pub async fn import_unleash(input: ImportUnleash) -> Result<ImportReport, AppError> {
    super::server::run(input).await
}
