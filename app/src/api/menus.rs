use crate::AppError;
use crate::menus::{
    DiscardMenuDraft, MenuDraft, MenuRelease, MenuReleaseDiff, MenuSummary, NewMenu, PublishMenu,
    RollbackMenu, SaveMenuDraft,
};
use crate::releases::ReleaseSummary;
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};

/// Menus in one environment, with their pending-draft counts.
#[server(prefix = "/rpc", endpoint = "menus/list", input = GetUrl)]
pub async fn list_menus(environment: String) -> Result<Vec<MenuSummary>, AppError> {
    use super::server::*;
    let (state, me) = authenticated().await?;
    switchboard_backend::menus::queries::list(&state.db, &me.actor, &environment).await
}

#[server(prefix = "/rpc", endpoint = "menus/draft", input = GetUrl)]
pub async fn get_menu_draft(environment: String, menu: String) -> Result<MenuDraft, AppError> {
    use super::server::*;
    let (state, me) = authenticated().await?;
    switchboard_backend::menus::queries::draft(&state.db, &me.actor, &environment, &menu).await
}

/// Newest first.
#[server(prefix = "/rpc", endpoint = "menus/releases", input = GetUrl)]
pub async fn list_menu_releases(
    environment: String,
    menu: String,
) -> Result<Vec<ReleaseSummary>, AppError> {
    use super::server::*;
    let (state, me) = authenticated().await?;
    switchboard_backend::menus::queries::releases(&state.db, &me.actor, &environment, &menu).await
}

#[server(prefix = "/rpc", endpoint = "menus/release", input = GetUrl)]
pub async fn get_menu_release(
    environment: String,
    menu: String,
    version: i64,
) -> Result<MenuRelease, AppError> {
    use super::server::*;
    let (state, me) = authenticated().await?;
    switchboard_backend::menus::queries::release(&state.db, &me.actor, &environment, &menu, version)
        .await
}

/// `to` against `from` (or against the release before it).
#[server(prefix = "/rpc", endpoint = "menus/diff", input = GetUrl)]
pub async fn diff_menu_releases(
    environment: String,
    menu: String,
    from: Option<i64>,
    to: i64,
) -> Result<MenuReleaseDiff, AppError> {
    use super::server::*;
    let (state, me) = authenticated().await?;
    switchboard_backend::menus::queries::diff(&state.db, &me.actor, &environment, &menu, from, to)
        .await
}

#[server(prefix = "/rpc", endpoint = "menus/create", input = Json)]
pub async fn create_menu(input: NewMenu) -> Result<MenuSummary, AppError> {
    super::server::run(input).await
}

/// Saves the whole draft tree; answers the draft's new version.
#[server(prefix = "/rpc", name = StoreMenuDraft, endpoint = "menus/save", input = Json)]
pub async fn save_menu_draft(input: SaveMenuDraft) -> Result<i64, AppError> {
    super::server::run(input).await
}

#[server(prefix = "/rpc", name = ResetMenuDraft, endpoint = "menus/discard", input = Json)]
pub async fn discard_menu_draft(input: DiscardMenuDraft) -> Result<(), AppError> {
    super::server::run(input).await
}

#[server(prefix = "/rpc", name = PublishMenuDraft, endpoint = "menus/publish", input = Json)]
pub async fn publish_menu(input: PublishMenu) -> Result<ReleaseSummary, AppError> {
    super::server::run(input).await
}

#[server(prefix = "/rpc", name = RollbackMenuRelease, endpoint = "menus/rollback", input = Json)]
pub async fn rollback_menu(input: RollbackMenu) -> Result<ReleaseSummary, AppError> {
    super::server::run(input).await
}
