//! Reading and writing releases and heads, for every [`Releasable`] subject. Every function takes
//! a connection, so commands use them inside their transaction and queries on a reader connection.

use super::{Ids, Releasable};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use switchboard_error::AppError;

/// What apps get in one environment. Absent before the first release.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Head {
    pub main_version: i64,
    /// The highest release version so far; the next release takes the one after.
    pub latest_version: i64,
}

/// An immutable release with its content, summarized as its subject reads it.
#[derive(Debug, Clone)]
pub struct Stored<S, C> {
    pub summary: S,
    pub content: C,
}

/// A release's facts as its row holds them; each subject reads them into its own summary
/// ([`Releasable::summary`]).
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryRow {
    pub version: i64,
    pub kind: String,
    pub message: String,
    pub author: String,
    pub created_at: i64,
    pub rollback_of: Option<i64>,
    /// For a release to part of the fleet (config's gray release): its target, as JSON.
    pub gray_target: Option<String>,
    /// Entries or items the content holds.
    pub entries: usize,
}

pub fn corrupt(what: &str, e: impl std::fmt::Display) -> AppError {
    tracing::error!(what, error = %e, "stored release does not parse");
    AppError::Internal
}

fn content_from_text<R: Releasable>(text: &str) -> Result<R::Content, AppError> {
    serde_json::from_str(text).map_err(|e| corrupt(R::SUBJECT, e))
}

fn content_to_text<R: Releasable>(content: &R::Content) -> Result<String, AppError> {
    serde_json::to_string(content).map_err(|e| corrupt(R::SUBJECT, e))
}

pub async fn head<R: Releasable>(
    conn: &mut AnyConnection,
    (subject_id, environment_id): Ids,
) -> Result<Option<Head>, AppError> {
    let row = sqlx::query(
        "SELECT main_version, latest_version FROM release_heads \
         WHERE subject = $1 AND subject_id = $2 AND environment_id = $3",
    )
    .bind(R::SUBJECT)
    .bind(subject_id)
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

/// Writes the head, refusing (false) when it is no longer `expected` (another release got there
/// first). `expected` None creates it.
pub async fn write_head<R: Releasable>(
    conn: &mut AnyConnection,
    (subject_id, environment_id): Ids,
    expected: Option<Head>,
    head: Head,
    now: i64,
) -> Result<bool, AppError> {
    let done =
        match expected {
            None => {
                sqlx::query(
                    "INSERT INTO release_heads (subject, subject_id, environment_id, main_version, \
                 latest_version, updated_at) VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (subject, subject_id, environment_id) DO NOTHING",
                )
                .bind(R::SUBJECT)
                .bind(subject_id)
                .bind(environment_id)
                .bind(head.main_version)
                .bind(head.latest_version)
                .bind(now)
                .execute(conn)
                .await?
            }
            Some(old) => sqlx::query(
                "UPDATE release_heads SET main_version = $1, latest_version = $2, updated_at = $3 \
                 WHERE subject = $4 AND subject_id = $5 AND environment_id = $6 \
                 AND main_version = $7 AND latest_version = $8",
            )
            .bind(head.main_version)
            .bind(head.latest_version)
            .bind(now)
            .bind(R::SUBJECT)
            .bind(subject_id)
            .bind(environment_id)
            .bind(old.main_version)
            .bind(old.latest_version)
            .execute(conn)
            .await?,
        };
    Ok(done.rows_affected() == 1)
}

/// Every head of this kind: (environment key, subject key, head), for the delivery snapshots.
pub async fn all_heads<R: Releasable>(
    conn: &mut AnyConnection,
) -> Result<Vec<(String, String, Head)>, AppError> {
    sqlx::query(&format!(
        "SELECT e.key AS environment, s.key AS subject, h.main_version, h.latest_version \
         FROM release_heads h JOIN environments e ON e.id = h.environment_id \
         JOIN {} s ON s.id = h.subject_id WHERE h.subject = $1",
        R::TABLE
    ))
    .bind(R::SUBJECT)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| {
        Ok((
            r.try_get("environment")?,
            r.try_get("subject")?,
            Head {
                main_version: r.try_get("main_version")?,
                latest_version: r.try_get("latest_version")?,
            },
        ))
    })
    .collect()
}

const SUMMARY: &str =
    "version, kind, message, author, created_at, rollback_of, gray_target, content";

/// A stored release of subject `R`.
pub type StoredOf<R> = Stored<<R as Releasable>::Summary, <R as Releasable>::Content>;

fn stored_from_row<R: Releasable>(r: &AnyRow) -> Result<StoredOf<R>, AppError> {
    let content = content_from_text::<R>(&r.try_get::<String, _>("content")?)?;
    let row = SummaryRow {
        version: r.try_get("version")?,
        kind: r.try_get("kind")?,
        message: r.try_get("message")?,
        author: r.try_get("author")?,
        created_at: r.try_get("created_at")?,
        rollback_of: r.try_get("rollback_of")?,
        gray_target: r.try_get("gray_target")?,
        entries: R::count(&content),
    };
    Ok(Stored {
        summary: R::summary(row)?,
        content,
    })
}

pub async fn release<R: Releasable>(
    conn: &mut AnyConnection,
    (subject_id, environment_id): Ids,
    version: i64,
) -> Result<Option<StoredOf<R>>, AppError> {
    sqlx::query(&format!(
        "SELECT {SUMMARY} FROM releases \
         WHERE subject = $1 AND subject_id = $2 AND environment_id = $3 AND version = $4"
    ))
    .bind(R::SUBJECT)
    .bind(subject_id)
    .bind(environment_id)
    .bind(version)
    .fetch_optional(conn)
    .await?
    .as_ref()
    .map(stored_from_row::<R>)
    .transpose()
}

/// What the main release holds (empty before the first publish).
pub async fn main_content<R: Releasable>(
    conn: &mut AnyConnection,
    ids: Ids,
    head: Option<Head>,
) -> Result<R::Content, AppError> {
    match head.filter(|h| h.main_version > 0) {
        Some(h) => Ok(release::<R>(conn, ids, h.main_version)
            .await?
            .ok_or(AppError::Internal)?
            .content),
        None => Ok(R::Content::default()),
    }
}

/// A release's content by environment and subject key (for the delivery snapshots).
pub async fn content_by_key<R: Releasable>(
    conn: &mut AnyConnection,
    environment: &str,
    subject: &str,
    version: i64,
) -> Result<R::Content, AppError> {
    let row = sqlx::query(&format!(
        "SELECT r.content FROM releases r \
         JOIN environments e ON e.id = r.environment_id \
         JOIN {} s ON s.id = r.subject_id \
         WHERE r.subject = $1 AND e.key = $2 AND s.key = $3 AND r.version = $4",
        R::TABLE
    ))
    .bind(R::SUBJECT)
    .bind(environment)
    .bind(subject)
    .bind(version)
    .fetch_one(conn)
    .await?;
    content_from_text::<R>(&row.try_get::<String, _>("content")?)
}

/// Newest first.
pub async fn history<R: Releasable>(
    conn: &mut AnyConnection,
    (subject_id, environment_id): Ids,
    limit: i64,
) -> Result<Vec<R::Summary>, AppError> {
    sqlx::query(&format!(
        "SELECT {SUMMARY} FROM releases \
         WHERE subject = $1 AND subject_id = $2 AND environment_id = $3 \
         ORDER BY version DESC LIMIT $4"
    ))
    .bind(R::SUBJECT)
    .bind(subject_id)
    .bind(environment_id)
    .bind(limit)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| stored_from_row::<R>(r).map(|s| s.summary))
    .collect()
}

/// Stores a release. Fails (the unique version) when another release took the version first.
pub async fn insert_release<R: Releasable>(
    conn: &mut AnyConnection,
    (subject_id, environment_id): Ids,
    summary: &SummaryRow,
    content: &R::Content,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO releases (subject, subject_id, environment_id, version, kind, content, \
         message, author, created_at, rollback_of, gray_target) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(R::SUBJECT)
    .bind(subject_id)
    .bind(environment_id)
    .bind(summary.version)
    .bind(&summary.kind)
    .bind(content_to_text::<R>(content)?)
    .bind(&summary.message)
    .bind(&summary.author)
    .bind(summary.created_at)
    .bind(summary.rollback_of)
    .bind(&summary.gray_target)
    .execute(conn)
    .await?;
    Ok(())
}
