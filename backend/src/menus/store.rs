//! Reading and writing menu rows. Every function takes a connection, so commands use them inside
//! their transaction and queries on a reader connection.

use crate::releases::{Head, store as release_store};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use std::collections::BTreeSet;
use switchboard_core::menus::{Menu, MenuRelease};
use switchboard_error::AppError;

pub struct MenuRow {
    pub id: i64,
    pub key: String,
    pub description: String,
    pub created_at: i64,
}

/// The saved draft of one environment.
#[derive(Debug, Clone)]
pub struct DraftRow {
    pub items: Menu,
    pub version: i64,
    pub updated_by: String,
    pub updated_at: i64,
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> AppError {
    tracing::error!(what, error = %e, "stored menu does not parse");
    AppError::Internal
}

fn menu_from_text(text: &str) -> Result<Menu, AppError> {
    serde_json::from_str(text).map_err(|e| corrupt("menu items", e))
}

fn menu_to_text(menu: &Menu) -> Result<String, AppError> {
    serde_json::to_string(menu).map_err(|e| corrupt("menu items", e))
}

fn menu_from_row(r: &AnyRow) -> Result<MenuRow, AppError> {
    Ok(MenuRow {
        id: r.try_get("id")?,
        key: r.try_get("key")?,
        description: r.try_get("description")?,
        created_at: r.try_get("created_at")?,
    })
}

pub async fn find_menu(conn: &mut AnyConnection, key: &str) -> Result<Option<MenuRow>, AppError> {
    sqlx::query("SELECT id, key, description, created_at FROM menus WHERE key = $1")
        .bind(key)
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(menu_from_row)
        .transpose()
}

pub async fn menu(conn: &mut AnyConnection, key: &str) -> Result<MenuRow, AppError> {
    find_menu(conn, key)
        .await?
        .ok_or_else(|| AppError::not_found("Menu"))
}

pub async fn all_menus(conn: &mut AnyConnection) -> Result<Vec<MenuRow>, AppError> {
    sqlx::query("SELECT id, key, description, created_at FROM menus ORDER BY key")
        .fetch_all(conn)
        .await?
        .iter()
        .map(menu_from_row)
        .collect()
}

pub async fn insert_menu(
    conn: &mut AnyConnection,
    key: &str,
    description: &str,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query("INSERT INTO menus (key, description, created_at) VALUES ($1, $2, $3)")
        .bind(key)
        .bind(description)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// A stored release in the shape the dashboard reads.
pub async fn release(
    conn: &mut AnyConnection,
    menu_id: i64,
    environment_id: i64,
    version: i64,
) -> Result<Option<MenuRelease>, AppError> {
    Ok(
        release_store::release::<MenuRow>(conn, (menu_id, environment_id), version)
            .await?
            .map(|r| MenuRelease {
                summary: r.summary,
                tree: r.content,
            }),
    )
}

/// The tree of the main release (empty before the first publish).
pub async fn main_menu(
    conn: &mut AnyConnection,
    menu_id: i64,
    environment_id: i64,
    head: Option<Head>,
) -> Result<Menu, AppError> {
    release_store::main_content::<MenuRow>(conn, (menu_id, environment_id), head).await
}

pub async fn draft(
    conn: &mut AnyConnection,
    menu_id: i64,
    environment_id: i64,
) -> Result<Option<DraftRow>, AppError> {
    let row = sqlx::query(
        "SELECT items, version, updated_by, updated_at FROM menu_drafts \
         WHERE menu_id = $1 AND environment_id = $2",
    )
    .bind(menu_id)
    .bind(environment_id)
    .fetch_optional(conn)
    .await?;
    row.map(|r| {
        Ok(DraftRow {
            items: menu_from_text(&r.try_get::<String, _>("items")?)?,
            version: r.try_get("version")?,
            updated_by: r.try_get("updated_by")?,
            updated_at: r.try_get("updated_at")?,
        })
    })
    .transpose()
}

/// Stores the draft as version `expected + 1`, refusing (false) when the stored draft is no
/// longer at `expected` (0: no draft saved yet).
pub async fn write_draft(
    conn: &mut AnyConnection,
    (menu_id, environment_id): (i64, i64),
    expected: i64,
    items: &Menu,
    by: &str,
    now: i64,
) -> Result<bool, AppError> {
    let text = menu_to_text(items)?;
    let done = if expected == 0 {
        sqlx::query(
            "INSERT INTO menu_drafts (menu_id, environment_id, items, version, updated_by, \
             updated_at) VALUES ($1, $2, $3, 1, $4, $5) \
             ON CONFLICT (menu_id, environment_id) DO NOTHING",
        )
        .bind(menu_id)
        .bind(environment_id)
        .bind(text)
        .bind(by)
        .bind(now)
        .execute(conn)
        .await?
    } else {
        sqlx::query(
            "UPDATE menu_drafts SET items = $1, version = version + 1, updated_by = $2, \
             updated_at = $3 WHERE menu_id = $4 AND environment_id = $5 AND version = $6",
        )
        .bind(text)
        .bind(by)
        .bind(now)
        .bind(menu_id)
        .bind(environment_id)
        .bind(expected)
        .execute(conn)
        .await?
    };
    Ok(done.rows_affected() == 1)
}

/// Locks the draft if it is still at `expected` (0: never saved, so no row), the version whose
/// tree the user reviewed: a compare-and-set that changes nothing but, on PostgreSQL, waits for
/// and then re-reads a concurrent save. False when the draft moved.
pub async fn claim_draft(
    conn: &mut AnyConnection,
    (menu_id, environment_id): (i64, i64),
    expected: i64,
) -> Result<bool, AppError> {
    if expected == 0 {
        let exists: Option<i64> = sqlx::query_scalar(
            "SELECT version FROM menu_drafts WHERE menu_id = $1 AND environment_id = $2",
        )
        .bind(menu_id)
        .bind(environment_id)
        .fetch_optional(conn)
        .await?;
        // A first save racing this one is caught by the insert's own compare-and-set.
        return Ok(exists.is_none());
    }
    let done = sqlx::query(
        "UPDATE menu_drafts SET version = version \
         WHERE menu_id = $1 AND environment_id = $2 AND version = $3",
    )
    .bind(menu_id)
    .bind(environment_id)
    .bind(expected)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The keys of the flags items may depend on (archived flags excluded).
pub async fn flag_keys(conn: &mut AnyConnection) -> Result<BTreeSet<String>, AppError> {
    sqlx::query("SELECT key FROM flags WHERE archived = 0")
        .fetch_all(conn)
        .await?
        .iter()
        .map(|r| Ok(r.try_get("key")?))
        .collect()
}
