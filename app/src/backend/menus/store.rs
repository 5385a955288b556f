//! Reading and writing menu rows. Every function takes a connection, so commands use them inside
//! their transaction and queries on a reader connection.

use crate::AppError;
use crate::config::{ReleaseKind, ReleaseSummary};
use crate::menus::{Menu, MenuRelease};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use std::collections::BTreeSet;

pub struct MenuRow {
    pub id: i64,
    pub key: String,
    pub description: String,
    pub created_at: i64,
}

/// What apps get in one environment. Absent before the first publish.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Head {
    pub main_version: i64,
    /// The highest release version so far; the next release takes the one after.
    pub latest_version: i64,
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

pub async fn head(
    conn: &mut AnyConnection,
    menu_id: i64,
    environment_id: i64,
) -> Result<Option<Head>, AppError> {
    let row = sqlx::query(
        "SELECT main_version, latest_version FROM menu_heads \
         WHERE menu_id = $1 AND environment_id = $2",
    )
    .bind(menu_id)
    .bind(environment_id)
    .fetch_optional(conn)
    .await?;
    row.map(|r| {
        Ok(Head {
            main_version: r.try_get("main_version")?,
            latest_version: r.try_get("latest_version")?,
        })
    })
    .transpose()
}

/// Every published menu: (environment key, menu key, main version), for the delivery snapshot.
pub async fn all_heads(conn: &mut AnyConnection) -> Result<Vec<(String, String, i64)>, AppError> {
    sqlx::query(
        "SELECT e.key AS environment, m.key AS menu, h.main_version FROM menu_heads h \
         JOIN environments e ON e.id = h.environment_id \
         JOIN menus m ON m.id = h.menu_id WHERE h.main_version > 0",
    )
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| {
        Ok((
            r.try_get("environment")?,
            r.try_get("menu")?,
            r.try_get("main_version")?,
        ))
    })
    .collect()
}

/// Writes the head, refusing (false) when it is no longer `expected` (another publish or
/// rollback got there first). `expected` None creates it.
pub async fn write_head(
    conn: &mut AnyConnection,
    (menu_id, environment_id): (i64, i64),
    expected: Option<Head>,
    head: Head,
    now: i64,
) -> Result<bool, AppError> {
    let done =
        match expected {
            None => sqlx::query(
                "INSERT INTO menu_heads (menu_id, environment_id, main_version, latest_version, \
                 updated_at) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (menu_id, environment_id) DO NOTHING",
            )
            .bind(menu_id)
            .bind(environment_id)
            .bind(head.main_version)
            .bind(head.latest_version)
            .bind(now)
            .execute(conn)
            .await?,
            Some(old) => {
                sqlx::query(
                    "UPDATE menu_heads SET main_version = $1, latest_version = $2, updated_at = $3 \
                 WHERE menu_id = $4 AND environment_id = $5 AND main_version = $6 \
                 AND latest_version = $7",
                )
                .bind(head.main_version)
                .bind(head.latest_version)
                .bind(now)
                .bind(menu_id)
                .bind(environment_id)
                .bind(old.main_version)
                .bind(old.latest_version)
                .execute(conn)
                .await?
            }
        };
    Ok(done.rows_affected() == 1)
}

const RELEASE_SUMMARY: &str = "version, kind, message, author, created_at, rollback_of, items";

fn release_from_row(r: &AnyRow) -> Result<MenuRelease, AppError> {
    let kind: String = r.try_get("kind")?;
    let items = menu_from_text(&r.try_get::<String, _>("items")?)?;
    Ok(MenuRelease {
        summary: ReleaseSummary {
            version: r.try_get("version")?,
            kind: ReleaseKind::parse(&kind).ok_or_else(|| corrupt("kind", &kind))?,
            message: r.try_get("message")?,
            author: r.try_get("author")?,
            created_at: r.try_get("created_at")?,
            rollback_of: r.try_get("rollback_of")?,
            gray_target: None,
            entries: items.count(),
        },
        tree: items,
    })
}

pub async fn release(
    conn: &mut AnyConnection,
    menu_id: i64,
    environment_id: i64,
    version: i64,
) -> Result<Option<MenuRelease>, AppError> {
    sqlx::query(&format!(
        "SELECT {RELEASE_SUMMARY} FROM menu_releases \
         WHERE menu_id = $1 AND environment_id = $2 AND version = $3"
    ))
    .bind(menu_id)
    .bind(environment_id)
    .bind(version)
    .fetch_optional(conn)
    .await?
    .as_ref()
    .map(release_from_row)
    .transpose()
}

/// The tree of the main release (empty before the first publish).
pub async fn main_menu(
    conn: &mut AnyConnection,
    menu_id: i64,
    environment_id: i64,
    head: Option<Head>,
) -> Result<Menu, AppError> {
    match head.filter(|h| h.main_version > 0) {
        Some(h) => Ok(release(conn, menu_id, environment_id, h.main_version)
            .await?
            .ok_or(AppError::Internal)?
            .tree),
        None => Ok(Menu::default()),
    }
}

/// A release's tree by environment and menu key (for the delivery snapshot).
pub async fn release_items(
    conn: &mut AnyConnection,
    environment: &str,
    menu: &str,
    version: i64,
) -> Result<Menu, AppError> {
    let row = sqlx::query(
        "SELECT r.items FROM menu_releases r \
         JOIN environments e ON e.id = r.environment_id \
         JOIN menus m ON m.id = r.menu_id \
         WHERE e.key = $1 AND m.key = $2 AND r.version = $3",
    )
    .bind(environment)
    .bind(menu)
    .bind(version)
    .fetch_one(conn)
    .await?;
    menu_from_text(&row.try_get::<String, _>("items")?)
}

/// Newest first.
pub async fn releases(
    conn: &mut AnyConnection,
    menu_id: i64,
    environment_id: i64,
    limit: i64,
) -> Result<Vec<ReleaseSummary>, AppError> {
    sqlx::query(&format!(
        "SELECT {RELEASE_SUMMARY} FROM menu_releases \
         WHERE menu_id = $1 AND environment_id = $2 ORDER BY version DESC LIMIT $3"
    ))
    .bind(menu_id)
    .bind(environment_id)
    .bind(limit)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| release_from_row(r).map(|r| r.summary))
    .collect()
}

pub async fn insert_release(
    conn: &mut AnyConnection,
    (menu_id, environment_id): (i64, i64),
    summary: &ReleaseSummary,
    items: &Menu,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO menu_releases (menu_id, environment_id, version, kind, items, message, \
         author, created_at, rollback_of) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(menu_id)
    .bind(environment_id)
    .bind(summary.version)
    .bind(summary.kind.as_str())
    .bind(menu_to_text(items)?)
    .bind(&summary.message)
    .bind(&summary.author)
    .bind(summary.created_at)
    .bind(summary.rollback_of)
    .execute(conn)
    .await?;
    Ok(())
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
