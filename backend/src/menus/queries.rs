//! Reading menus for the dashboard and the admin API, as the reader may see them.

use super::store::{self, MenuRow};
use crate::releases::queries as release_queries;
use crate::releases::store as release_store;
use crate::{Actor, Db, environments};
use switchboard_core::domain::Environment;
use switchboard_core::menus::{MenuDraft, MenuRelease, MenuReleaseDiff, MenuSummary, diff_menus};
use switchboard_core::permissions::{Action, Resource};
use switchboard_core::releases::ReleaseSummary;
use switchboard_error::AppError;

/// How many releases the history lists.
pub const HISTORY_MAX: i64 = 200;

async fn readable(db: &Db, actor: &Actor, key: &str) -> Result<Environment, AppError> {
    let env = environments::by_key(db, key).await?;
    actor.ensure(Action::Read, Resource::Menus(env.scope()))?;
    Ok(env)
}

pub async fn list(db: &Db, actor: &Actor, environment: &str) -> Result<Vec<MenuSummary>, AppError> {
    let env = readable(db, actor, environment).await?;
    let mut conn = db.reader().acquire().await?;
    let mut out = Vec::new();
    for menu in store::all_menus(&mut conn).await? {
        let head = release_store::head::<MenuRow>(&mut conn, (menu.id, env.id)).await?;
        let main = store::main_menu(&mut conn, menu.id, env.id, head).await?;
        let draft = store::draft(&mut conn, menu.id, env.id).await?;
        let items = draft.as_ref().map_or(&main, |d| &d.items);
        out.push(MenuSummary {
            key: menu.key,
            description: menu.description,
            items: items.count(),
            main_version: head.map_or(0, |h| h.main_version),
            pending: diff_menus(&main, items).change_count(),
            updated_at: draft.as_ref().map_or(menu.created_at, |d| d.updated_at),
        });
    }
    Ok(out)
}

pub async fn draft(
    db: &Db,
    actor: &Actor,
    environment: &str,
    menu: &str,
) -> Result<MenuDraft, AppError> {
    let env = readable(db, actor, environment).await?;
    let mut conn = db.reader().acquire().await?;
    let row = store::menu(&mut conn, menu).await?;
    let head = release_store::head::<MenuRow>(&mut conn, (row.id, env.id)).await?;
    let main = store::main_menu(&mut conn, row.id, env.id, head).await?;
    let draft = store::draft(&mut conn, row.id, env.id).await?;
    let items = draft
        .as_ref()
        .map_or_else(|| main.clone(), |d| d.items.clone());
    Ok(MenuDraft {
        menu: row.key,
        description: row.description,
        environment: env.key,
        pending: diff_menus(&main, &items),
        tree: items,
        version: draft.as_ref().map_or(0, |d| d.version),
        updated_by: draft.as_ref().map(|d| d.updated_by.clone()),
        updated_at: draft.as_ref().map(|d| d.updated_at),
        main_version: head.map_or(0, |h| h.main_version),
        main,
        flags: store::flag_keys(&mut conn).await?.into_iter().collect(),
    })
}

/// Newest first.
pub async fn releases(
    db: &Db,
    actor: &Actor,
    environment: &str,
    menu: &str,
) -> Result<Vec<ReleaseSummary>, AppError> {
    let env = readable(db, actor, environment).await?;
    let mut conn = db.reader().acquire().await?;
    let row = store::menu(&mut conn, menu).await?;
    release_store::history::<MenuRow>(&mut conn, (row.id, env.id), HISTORY_MAX).await
}

pub async fn release(
    db: &Db,
    actor: &Actor,
    environment: &str,
    menu: &str,
    version: i64,
) -> Result<MenuRelease, AppError> {
    let env = readable(db, actor, environment).await?;
    let mut conn = db.reader().acquire().await?;
    let row = store::menu(&mut conn, menu).await?;
    let release = release_queries::release::<MenuRow>(&mut conn, (row.id, env.id), version).await?;
    Ok(MenuRelease {
        summary: release.summary,
        tree: release.content,
    })
}

/// `to` against `from`; without `from`, against the release before `to` (nothing for the first).
pub async fn diff(
    db: &Db,
    actor: &Actor,
    environment: &str,
    menu: &str,
    from: Option<i64>,
    to: i64,
) -> Result<MenuReleaseDiff, AppError> {
    let env = readable(db, actor, environment).await?;
    let mut conn = db.reader().acquire().await?;
    let row = store::menu(&mut conn, menu).await?;
    let (from, to) =
        release_queries::pair::<MenuRow>(&mut conn, (row.id, env.id), from, to).await?;
    let empty = switchboard_core::menus::Menu::default();
    Ok(MenuReleaseDiff {
        diff: diff_menus(from.as_ref().map_or(&empty, |r| &r.content), &to.content),
        from: from.map(|r| r.summary),
        to: to.summary,
    })
}
