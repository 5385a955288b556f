//! Reading and writing configuration rows. Every function takes a connection, so commands use
//! them inside their transaction and queries on a reader connection.

use crate::releases::{self, Ids, store as release_store};
use sqlx::{AnyConnection, Row};
use switchboard_core::config::DraftEntry;
use switchboard_core::config::{Entry, EntryConstraints, GrayTarget, RemovedEntry, ValueType};
use switchboard_error::AppError;

pub struct NamespaceRow {
    pub id: i64,
    pub key: String,
    pub description: String,
    pub created_at: i64,
}

/// What apps get in one environment: the release head and, on top, the gray release running
/// there (config's layer). Absent before the first publish.
#[derive(Debug, Clone, PartialEq)]
pub struct Head {
    pub main_version: i64,
    pub gray: Option<(i64, GrayTarget)>,
    /// The highest release version so far; the next release takes the one after.
    pub latest_version: i64,
}

impl Head {
    fn layered(base: releases::Head, gray: Option<(i64, GrayTarget)>) -> Head {
        Head {
            main_version: base.main_version,
            gray,
            latest_version: base.latest_version,
        }
    }

    /// The head every release kind shares, without the gray layer.
    pub fn base(&self) -> releases::Head {
        releases::Head {
            main_version: self.main_version,
            latest_version: self.latest_version,
        }
    }
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> AppError {
    tracing::error!(what, error = %e, "stored configuration does not parse");
    AppError::Internal
}

pub async fn find_namespace(
    conn: &mut AnyConnection,
    key: &str,
) -> Result<Option<NamespaceRow>, AppError> {
    let row = sqlx::query(
        "SELECT id, key, description, created_at FROM config_namespaces WHERE key = $1",
    )
    .bind(key)
    .fetch_optional(conn)
    .await?;
    row.map(|r| {
        Ok(NamespaceRow {
            id: r.try_get("id")?,
            key: r.try_get("key")?,
            description: r.try_get("description")?,
            created_at: r.try_get("created_at")?,
        })
    })
    .transpose()
}

pub async fn namespace(conn: &mut AnyConnection, key: &str) -> Result<NamespaceRow, AppError> {
    find_namespace(conn, key)
        .await?
        .ok_or_else(|| AppError::not_found("Namespace"))
}

pub async fn all_namespaces(conn: &mut AnyConnection) -> Result<Vec<NamespaceRow>, AppError> {
    let rows =
        sqlx::query("SELECT id, key, description, created_at FROM config_namespaces ORDER BY key")
            .fetch_all(conn)
            .await?;
    rows.iter()
        .map(|r| {
            Ok(NamespaceRow {
                id: r.try_get("id")?,
                key: r.try_get("key")?,
                description: r.try_get("description")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
}

fn target_from_text(text: &str) -> Result<GrayTarget, AppError> {
    serde_json::from_str(text).map_err(|e| corrupt("gray target", e))
}

/// The gray release running in an environment: (release version, target).
pub async fn gray(
    conn: &mut AnyConnection,
    (namespace_id, environment_id): Ids,
) -> Result<Option<(i64, GrayTarget)>, AppError> {
    let row = sqlx::query(
        "SELECT version, target FROM config_gray WHERE namespace_id = $1 AND environment_id = $2",
    )
    .bind(namespace_id)
    .bind(environment_id)
    .fetch_optional(conn)
    .await?;
    row.map(|r| {
        Ok((
            r.try_get("version")?,
            target_from_text(&r.try_get::<String, _>("target")?)?,
        ))
    })
    .transpose()
}

/// Starts gray release `version`; false when one runs already (started meanwhile).
pub async fn start_gray(
    conn: &mut AnyConnection,
    (namespace_id, environment_id): Ids,
    version: i64,
    target: &GrayTarget,
) -> Result<bool, AppError> {
    let text = serde_json::to_string(target).map_err(|e| corrupt("gray target", e))?;
    let done = sqlx::query(
        "INSERT INTO config_gray (namespace_id, environment_id, version, target) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (namespace_id, environment_id) DO NOTHING",
    )
    .bind(namespace_id)
    .bind(environment_id)
    .bind(version)
    .bind(text)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Ends gray release `version` as a compare-and-set; false when it is no longer the one running.
pub async fn end_gray(
    conn: &mut AnyConnection,
    (namespace_id, environment_id): Ids,
    version: i64,
) -> Result<bool, AppError> {
    let done = sqlx::query(
        "DELETE FROM config_gray WHERE namespace_id = $1 AND environment_id = $2 AND version = $3",
    )
    .bind(namespace_id)
    .bind(environment_id)
    .bind(version)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn head(
    conn: &mut AnyConnection,
    namespace_id: i64,
    environment_id: i64,
) -> Result<Option<Head>, AppError> {
    let ids = (namespace_id, environment_id);
    let Some(base) = release_store::head::<NamespaceRow>(&mut *conn, ids).await? else {
        return Ok(None);
    };
    Ok(Some(Head::layered(base, gray(conn, ids).await?)))
}

/// Every head: (environment key, namespace key, head), for the delivery snapshot.
pub async fn all_heads(conn: &mut AnyConnection) -> Result<Vec<(String, String, Head)>, AppError> {
    let bases = release_store::all_heads::<NamespaceRow>(&mut *conn).await?;
    let grays = sqlx::query(
        "SELECT e.key AS environment, n.key AS namespace, g.version, g.target FROM config_gray g \
         JOIN environments e ON e.id = g.environment_id \
         JOIN config_namespaces n ON n.id = g.namespace_id",
    )
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| {
        Ok((
            (r.try_get("environment")?, r.try_get("namespace")?),
            (
                r.try_get("version")?,
                target_from_text(&r.try_get::<String, _>("target")?)?,
            ),
        ))
    })
    .collect::<Result<std::collections::HashMap<(String, String), (i64, GrayTarget)>, AppError>>(
    )?;
    Ok(bases
        .into_iter()
        .map(|(environment, namespace, base)| {
            let gray = grays
                .get(&(environment.clone(), namespace.clone()))
                .cloned();
            (environment, namespace, Head::layered(base, gray))
        })
        .collect())
}

/// The entries of the main release (none before the first publish).
pub async fn main_entries(
    conn: &mut AnyConnection,
    namespace_id: i64,
    environment_id: i64,
    head: Option<&Head>,
) -> Result<Vec<Entry>, AppError> {
    release_store::main_content::<NamespaceRow>(
        conn,
        (namespace_id, environment_id),
        head.map(Head::base),
    )
    .await
}

/// One stored draft row; `deleted` rows are removals waiting for the next publish.
#[derive(Debug, Clone)]
pub struct DraftRow {
    pub entry: Entry,
    pub deleted: bool,
    pub version: i64,
    pub updated_by: String,
    pub updated_at: i64,
}

impl DraftRow {
    /// The version a client must send back: a removed key counts as absent.
    pub fn visible_version(&self) -> i64 {
        if self.deleted { 0 } else { self.version }
    }

    /// As people see it (a secret masked).
    pub fn view(&self) -> DraftEntry {
        DraftEntry {
            entry: super::masking::entry(&self.entry),
            version: self.version,
            updated_by: self.updated_by.clone(),
            updated_at: self.updated_at,
        }
    }

    pub fn removal(&self) -> RemovedEntry {
        RemovedEntry {
            key: self.entry.key.clone(),
            removed_by: self.updated_by.clone(),
            removed_at: self.updated_at,
        }
    }
}

/// In key order.
pub async fn draft_rows(
    conn: &mut AnyConnection,
    namespace_id: i64,
    environment_id: i64,
) -> Result<Vec<DraftRow>, AppError> {
    let rows = sqlx::query(
        "SELECT key, value_type, value, description, constraints, secret, deleted, version, \
         updated_by, updated_at FROM config_draft_entries WHERE namespace_id = $1 AND environment_id = $2 \
         ORDER BY key",
    )
    .bind(namespace_id)
    .bind(environment_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            let value_type: String = r.try_get("value_type")?;
            let constraints: String = r.try_get("constraints")?;
            Ok(DraftRow {
                entry: Entry {
                    key: r.try_get("key")?,
                    value_type: ValueType::parse(&value_type)
                        .ok_or_else(|| corrupt("value_type", &value_type))?,
                    value: r.try_get("value")?,
                    description: r.try_get("description")?,
                    constraints: serde_json::from_str::<EntryConstraints>(&constraints)
                        .map_err(|e| corrupt("constraints", e))?,
                    secret: r.try_get::<i64, _>("secret")? != 0,
                },
                deleted: r.try_get::<i64, _>("deleted")? != 0,
                version: r.try_get("version")?,
                updated_by: r.try_get("updated_by")?,
                updated_at: r.try_get("updated_at")?,
            })
        })
        .collect()
}

/// The entries the draft holds now.
pub fn live_entries(rows: &[DraftRow]) -> Vec<Entry> {
    rows.iter()
        .filter(|r| !r.deleted)
        .map(|r| r.entry.clone())
        .collect()
}

/// Writes one draft row as a compare-and-set: `expected` is the stored row's version (`None`: no
/// row may exist yet); the row gets `expected + 1` (or 1). False when the row moved meanwhile.
pub async fn put_draft_row(
    conn: &mut AnyConnection,
    (namespace_id, environment_id): (i64, i64),
    entry: &Entry,
    deleted: bool,
    expected: Option<i64>,
    by: &str,
    now: i64,
) -> Result<bool, AppError> {
    let constraints =
        serde_json::to_string(&entry.constraints).map_err(|e| corrupt("constraints", e))?;
    let done = match expected {
        None => {
            sqlx::query(
                "INSERT INTO config_draft_entries (namespace_id, environment_id, key, value_type, value, \
                 description, constraints, deleted, version, updated_by, updated_at, secret) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $10, $11) ON CONFLICT DO NOTHING",
            )
            .bind(namespace_id)
            .bind(environment_id)
            .bind(&entry.key)
            .bind(entry.value_type.as_str())
            .bind(&entry.value)
            .bind(&entry.description)
            .bind(&constraints)
            .bind(i64::from(deleted))
            .bind(by)
            .bind(now)
            .bind(i64::from(entry.secret))
            .execute(conn)
            .await?
        }
        Some(version) => {
            sqlx::query(
                "UPDATE config_draft_entries SET value_type = $1, value = $2, description = $3, \
                 constraints = $4, deleted = $5, version = version + 1, updated_by = $6, updated_at = $7, \
                 secret = $12 WHERE namespace_id = $8 AND environment_id = $9 AND key = $10 AND version = $11",
            )
            .bind(entry.value_type.as_str())
            .bind(&entry.value)
            .bind(&entry.description)
            .bind(&constraints)
            .bind(i64::from(deleted))
            .bind(by)
            .bind(now)
            .bind(namespace_id)
            .bind(environment_id)
            .bind(&entry.key)
            .bind(version)
            .bind(i64::from(entry.secret))
            .execute(conn)
            .await?
        }
    };
    Ok(done.rows_affected() == 1)
}

/// Deletes one draft row as a compare-and-set on its version; false when it moved meanwhile.
pub async fn delete_draft_row(
    conn: &mut AnyConnection,
    (namespace_id, environment_id): (i64, i64),
    key: &str,
    expected: i64,
) -> Result<bool, AppError> {
    let done = sqlx::query(
        "DELETE FROM config_draft_entries \
         WHERE namespace_id = $1 AND environment_id = $2 AND key = $3 AND version = $4",
    )
    .bind(namespace_id)
    .bind(environment_id)
    .bind(key)
    .bind(expected)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The version of the draft as a whole (0 for a draft never changed).
pub async fn draft_version(
    conn: &mut AnyConnection,
    namespace_id: i64,
    environment_id: i64,
) -> Result<i64, AppError> {
    let version: Option<i64> = sqlx::query_scalar(
        "SELECT version FROM config_drafts WHERE namespace_id = $1 AND environment_id = $2",
    )
    .bind(namespace_id)
    .bind(environment_id)
    .fetch_optional(conn)
    .await?;
    Ok(version.unwrap_or(0))
}

/// Locks the draft (creating its version row at 0 the first time) and returns its version. Every
/// command that changes a draft does this first: on PostgreSQL the row lock (on SQLite the write
/// lock every command holds) makes concurrent changes to one draft run one after the other, each
/// reading what the one before wrote, so rules over the whole draft (how many entries, keys that
/// differ only by capitals) hold under concurrency.
pub async fn lock_draft(
    conn: &mut AnyConnection,
    namespace_id: i64,
    environment_id: i64,
) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO config_drafts (namespace_id, environment_id, version) VALUES ($1, $2, 0) \
         ON CONFLICT (namespace_id, environment_id) DO UPDATE SET version = config_drafts.version \
         RETURNING version",
    )
    .bind(namespace_id)
    .bind(environment_id)
    .fetch_one(conn)
    .await?)
}

/// Moves the draft's version from `seen` to `seen + 1` as a compare-and-set: a change to the
/// draft makes every version a client reviewed before it stale.
pub async fn bump_draft(
    conn: &mut AnyConnection,
    namespace_id: i64,
    environment_id: i64,
    seen: i64,
) -> Result<i64, AppError> {
    let done = sqlx::query(
        "UPDATE config_drafts SET version = version + 1 \
         WHERE namespace_id = $1 AND environment_id = $2 AND version = $3",
    )
    .bind(namespace_id)
    .bind(environment_id)
    .bind(seen)
    .execute(conn)
    .await?;
    if done.rows_affected() != 1 {
        return Err(draft_moved());
    }
    Ok(seen + 1)
}

/// A draft row changed under a command that had read it (the callers hold the draft's row lock,
/// so this is a bug or a writer that bypassed it, never silently ignored).
fn draft_moved() -> AppError {
    crate::command::conflict(
        "draft",
        &serde_json::json!({"reason": "the draft changed during the operation"}),
    )
}

/// Makes the draft hold exactly `entries`, keeping the versions and authors of rows that do not
/// change, so an editor's open form stays valid where nothing moved under it.
pub async fn reset_draft(
    conn: &mut AnyConnection,
    namespace_id: i64,
    environment_id: i64,
    entries: &[Entry],
    by: &str,
    now: i64,
) -> Result<(), AppError> {
    let rows = draft_rows(&mut *conn, namespace_id, environment_id).await?;
    for row in &rows {
        match entries.iter().find(|e| e.key == row.entry.key) {
            Some(e) if !row.deleted && e == &row.entry => {}
            Some(e) => {
                let ids = (namespace_id, environment_id);
                if !put_draft_row(&mut *conn, ids, e, false, Some(row.version), by, now).await? {
                    return Err(draft_moved());
                }
            }
            None => {
                let ids = (namespace_id, environment_id);
                if !delete_draft_row(&mut *conn, ids, &row.entry.key, row.version).await? {
                    return Err(draft_moved());
                }
            }
        }
    }
    for e in entries {
        if !rows.iter().any(|r| r.entry.key == e.key) {
            let ids = (namespace_id, environment_id);
            if !put_draft_row(&mut *conn, ids, e, false, None, by, now).await? {
                return Err(draft_moved());
            }
        }
    }
    Ok(())
}
