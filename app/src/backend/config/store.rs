//! Reading and writing configuration rows. Every function takes a connection, so commands use
//! them inside their transaction and queries on a reader connection.

use crate::AppError;
use crate::config::{DraftEntry, Release};
use crate::config::{
    Entry, EntryConstraints, GrayTarget, ReleaseKind, ReleaseSummary, RemovedEntry, ValueType,
};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

pub struct NamespaceRow {
    pub id: i64,
    pub key: String,
    pub description: String,
    pub created_at: i64,
}

/// What apps get in one environment. Absent before the first publish.
#[derive(Debug, Clone, PartialEq)]
pub struct Head {
    pub main_version: i64,
    pub gray: Option<(i64, GrayTarget)>,
    /// The highest release version so far; the next release takes the one after.
    pub latest_version: i64,
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

fn head_from_row(r: &AnyRow) -> Result<Head, AppError> {
    let gray_version: Option<i64> = r.try_get("gray_version")?;
    let gray_target: Option<String> = r.try_get("gray_target")?;
    let gray = match (gray_version, gray_target) {
        (Some(v), Some(t)) => Some((
            v,
            serde_json::from_str(&t).map_err(|e| corrupt("gray_target", e))?,
        )),
        _ => None,
    };
    Ok(Head {
        main_version: r.try_get("main_version")?,
        gray,
        latest_version: r.try_get("latest_version")?,
    })
}

pub async fn head(
    conn: &mut AnyConnection,
    namespace_id: i64,
    environment_id: i64,
) -> Result<Option<Head>, AppError> {
    let row = sqlx::query(
        "SELECT main_version, gray_version, gray_target, latest_version FROM config_heads \
         WHERE namespace_id = $1 AND environment_id = $2",
    )
    .bind(namespace_id)
    .bind(environment_id)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(head_from_row).transpose()
}

/// Every head: (environment key, namespace key, head), for the delivery snapshot.
pub async fn all_heads(conn: &mut AnyConnection) -> Result<Vec<(String, String, Head)>, AppError> {
    let rows = sqlx::query(
        "SELECT e.key AS environment, n.key AS namespace, h.main_version, h.gray_version, \
         h.gray_target, h.latest_version FROM config_heads h \
         JOIN environments e ON e.id = h.environment_id \
         JOIN config_namespaces n ON n.id = h.namespace_id",
    )
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("environment")?,
                r.try_get("namespace")?,
                head_from_row(r)?,
            ))
        })
        .collect()
}

/// Writes the head, refusing (false) when it is no longer `expected` (another publish, rollback
/// or gray change got there first). `expected` None creates it.
pub async fn write_head(
    conn: &mut AnyConnection,
    namespace_id: i64,
    environment_id: i64,
    expected: Option<&Head>,
    head: &Head,
    now: i64,
) -> Result<bool, AppError> {
    let (gray_version, gray_target) = match &head.gray {
        Some((v, t)) => (
            Some(*v),
            Some(serde_json::to_string(t).map_err(|e| corrupt("gray_target", e))?),
        ),
        None => (None, None),
    };
    let done =
        match expected {
            None => {
                sqlx::query(
                    "INSERT INTO config_heads (namespace_id, environment_id, main_version, \
                 gray_version, gray_target, latest_version, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 ON CONFLICT (namespace_id, environment_id) DO NOTHING",
                )
                .bind(namespace_id)
                .bind(environment_id)
                .bind(head.main_version)
                .bind(gray_version)
                .bind(gray_target)
                .bind(head.latest_version)
                .bind(now)
                .execute(conn)
                .await?
            }
            Some(old) => sqlx::query(
                "UPDATE config_heads SET main_version = $1, gray_version = $2, gray_target = $3, \
                 latest_version = $4, updated_at = $5 \
                 WHERE namespace_id = $6 AND environment_id = $7 AND main_version = $8 \
                 AND COALESCE(gray_version, 0) = $9 AND latest_version = $10",
            )
            .bind(head.main_version)
            .bind(gray_version)
            .bind(gray_target)
            .bind(head.latest_version)
            .bind(now)
            .bind(namespace_id)
            .bind(environment_id)
            .bind(old.main_version)
            .bind(old.gray.as_ref().map_or(0, |(v, _)| *v))
            .bind(old.latest_version)
            .execute(conn)
            .await?,
        };
    Ok(done.rows_affected() == 1)
}

const RELEASE_SUMMARY: &str =
    "version, kind, message, author, created_at, rollback_of, gray_target";

fn summary_from_row(r: &AnyRow, entries: usize) -> Result<ReleaseSummary, AppError> {
    let kind: String = r.try_get("kind")?;
    let target: Option<String> = r.try_get("gray_target")?;
    Ok(ReleaseSummary {
        version: r.try_get("version")?,
        kind: ReleaseKind::parse(&kind).ok_or_else(|| corrupt("kind", &kind))?,
        message: r.try_get("message")?,
        author: r.try_get("author")?,
        created_at: r.try_get("created_at")?,
        rollback_of: r.try_get("rollback_of")?,
        gray_target: target
            .map(|t| serde_json::from_str(&t).map_err(|e| corrupt("gray_target", e)))
            .transpose()?,
        entries,
    })
}

fn entries_from_text(text: &str) -> Result<Vec<Entry>, AppError> {
    serde_json::from_str(text).map_err(|e| corrupt("release entries", e))
}

pub async fn release(
    conn: &mut AnyConnection,
    namespace_id: i64,
    environment_id: i64,
    version: i64,
) -> Result<Option<Release>, AppError> {
    let row = sqlx::query(&format!(
        "SELECT {RELEASE_SUMMARY}, entries FROM config_releases \
         WHERE namespace_id = $1 AND environment_id = $2 AND version = $3"
    ))
    .bind(namespace_id)
    .bind(environment_id)
    .bind(version)
    .fetch_optional(conn)
    .await?;
    row.map(|r| {
        let entries = entries_from_text(&r.try_get::<String, _>("entries")?)?;
        Ok(Release {
            summary: summary_from_row(&r, entries.len())?,
            entries,
        })
    })
    .transpose()
}

/// The entries of the main release (none before the first publish).
pub async fn main_entries(
    conn: &mut AnyConnection,
    namespace_id: i64,
    environment_id: i64,
    head: Option<&Head>,
) -> Result<Vec<Entry>, AppError> {
    match head.filter(|h| h.main_version > 0) {
        Some(h) => Ok(release(conn, namespace_id, environment_id, h.main_version)
            .await?
            .ok_or(AppError::Internal)?
            .entries),
        None => Ok(Vec::new()),
    }
}

/// The entries of a release by environment and namespace key (for the delivery snapshot).
pub async fn release_entries(
    conn: &mut AnyConnection,
    environment: &str,
    namespace: &str,
    version: i64,
) -> Result<Vec<Entry>, AppError> {
    let row = sqlx::query(
        "SELECT r.entries FROM config_releases r \
         JOIN environments e ON e.id = r.environment_id \
         JOIN config_namespaces n ON n.id = r.namespace_id \
         WHERE e.key = $1 AND n.key = $2 AND r.version = $3",
    )
    .bind(environment)
    .bind(namespace)
    .bind(version)
    .fetch_one(conn)
    .await?;
    entries_from_text(&row.try_get::<String, _>("entries")?)
}

/// Newest first.
pub async fn releases(
    conn: &mut AnyConnection,
    namespace_id: i64,
    environment_id: i64,
    limit: i64,
) -> Result<Vec<ReleaseSummary>, AppError> {
    let rows = sqlx::query(&format!(
        "SELECT {RELEASE_SUMMARY}, entries FROM config_releases \
         WHERE namespace_id = $1 AND environment_id = $2 ORDER BY version DESC LIMIT $3"
    ))
    .bind(namespace_id)
    .bind(environment_id)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            let entries = entries_from_text(&r.try_get::<String, _>("entries")?)?;
            summary_from_row(r, entries.len())
        })
        .collect()
}

pub struct NewRelease<'a> {
    pub namespace_id: i64,
    pub environment_id: i64,
    pub version: i64,
    pub kind: ReleaseKind,
    pub entries: &'a [Entry],
    pub message: &'a str,
    pub author: &'a str,
    pub rollback_of: Option<i64>,
    pub gray_target: Option<&'a GrayTarget>,
}

pub async fn insert_release(
    conn: &mut AnyConnection,
    r: &NewRelease<'_>,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO config_releases (namespace_id, environment_id, version, kind, entries, \
         message, author, created_at, rollback_of, gray_target) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(r.namespace_id)
    .bind(r.environment_id)
    .bind(r.version)
    .bind(r.kind.as_str())
    .bind(serde_json::to_string(r.entries).map_err(|e| corrupt("entries", e))?)
    .bind(r.message)
    .bind(r.author)
    .bind(now)
    .bind(r.rollback_of)
    .bind(
        r.gray_target
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| corrupt("gray_target", e))?,
    )
    .execute(conn)
    .await?;
    Ok(())
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
    crate::backend::command::conflict(
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
