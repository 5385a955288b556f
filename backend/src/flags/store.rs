//! Reading flags, their settings and segments from the database.

use crate::db::{Db, Tx};
use crate::sql::Sql;
use sqlx::Row;
use sqlx::any::AnyRow;
use switchboard_core::flags::{
    Flag, FlagEnvironment, FlagKind, FlagPage, FlagQuery, FlagSummary, Prerequisite, Rule, Segment,
};
use switchboard_error::AppError;

pub const FLAG_COLUMNS: &str = "id, key, name, description, tags, owner, kind, variants, archived, version, created_at, updated_at";

fn json<T: serde::de::DeserializeOwned>(row: &AnyRow, column: &str) -> Result<T, AppError> {
    let text: String = row.try_get(column)?;
    serde_json::from_str(&text).map_err(|e| {
        tracing::error!(column, error = %e, "stored JSON does not parse");
        AppError::Internal
    })
}

pub fn flag_from_row(row: &AnyRow) -> Result<Flag, AppError> {
    let kind: String = row.try_get("kind")?;
    Ok(Flag {
        id: row.try_get("id")?,
        key: row.try_get("key")?,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        tags: json(row, "tags")?,
        owner: row.try_get("owner")?,
        kind: FlagKind::parse(&kind).ok_or(AppError::Internal)?,
        variants: json(row, "variants")?,
        archived: row.try_get::<i64, _>("archived")? != 0,
        version: row.try_get("version")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// Settings as stored; `rules` stays text so a snapshot can report a row it cannot read.
pub struct StoredSettings {
    pub flag_id: i64,
    pub environment: String,
    pub enabled: bool,
    pub off_variant: String,
    pub default_variant: String,
    pub rules: String,
    pub prerequisites: String,
    pub version: i64,
    pub updated_at: i64,
}

impl StoredSettings {
    pub fn parse(&self) -> Result<FlagEnvironment, String> {
        let rules: Vec<Rule> = serde_json::from_str(&self.rules)
            .map_err(|e| format!("stored rules do not parse: {e}"))?;
        let prerequisites: Vec<Prerequisite> = serde_json::from_str(&self.prerequisites)
            .map_err(|e| format!("stored prerequisites do not parse: {e}"))?;
        Ok(FlagEnvironment {
            environment: self.environment.clone(),
            enabled: self.enabled,
            off_variant: self.off_variant.clone(),
            default_variant: self.default_variant.clone(),
            prerequisites,
            rules,
            version: self.version,
            updated_at: self.updated_at,
        })
    }
}

pub const SETTINGS_SELECT: &str = "SELECT s.flag_id, e.key AS environment, s.enabled, s.off_variant, s.default_variant, s.rules, \
     s.prerequisites, s.version, s.updated_at FROM flag_settings s JOIN environments e ON e.id = s.environment_id";

pub fn settings_from_row(row: &AnyRow) -> Result<StoredSettings, AppError> {
    Ok(StoredSettings {
        flag_id: row.try_get("flag_id")?,
        environment: row.try_get("environment")?,
        enabled: row.try_get::<i64, _>("enabled")? != 0,
        off_variant: row.try_get("off_variant")?,
        default_variant: row.try_get("default_variant")?,
        rules: row.try_get("rules")?,
        prerequisites: row.try_get("prerequisites")?,
        version: row.try_get("version")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// What a flag serves in an environment it was never configured in: off, no rules.
pub use switchboard_core::flags::reach::default_settings;

pub async fn find_flag(tx: &mut Tx, key: &str) -> Result<Option<Flag>, AppError> {
    let row = sqlx::query(&format!("SELECT {FLAG_COLUMNS} FROM flags WHERE key = $1"))
        .bind(key)
        .fetch_optional(&mut **tx)
        .await?;
    row.as_ref().map(flag_from_row).transpose()
}

pub async fn find_flag_reader(db: &Db, key: &str) -> Result<Option<Flag>, AppError> {
    let row = sqlx::query(&format!("SELECT {FLAG_COLUMNS} FROM flags WHERE key = $1"))
        .bind(key)
        .fetch_optional(db.reader())
        .await?;
    row.as_ref().map(flag_from_row).transpose()
}

/// Every environment's stored settings of one flag.
pub async fn settings_of(tx: &mut Tx, flag_id: i64) -> Result<Vec<StoredSettings>, AppError> {
    let rows = sqlx::query(&format!("{SETTINGS_SELECT} WHERE s.flag_id = $1"))
        .bind(flag_id)
        .fetch_all(&mut **tx)
        .await?;
    rows.iter().map(settings_from_row).collect()
}

pub async fn settings_of_reader(db: &Db, flag_id: i64) -> Result<Vec<StoredSettings>, AppError> {
    let rows = sqlx::query(&format!("{SETTINGS_SELECT} WHERE s.flag_id = $1"))
        .bind(flag_id)
        .fetch_all(db.reader())
        .await?;
    rows.iter().map(settings_from_row).collect()
}

pub const SEGMENT_COLUMNS: &str =
    "id, key, name, description, constraints, version, created_at, updated_at";

pub fn segment_from_row(row: &AnyRow) -> Result<Segment, AppError> {
    Ok(Segment {
        id: row.try_get("id")?,
        key: row.try_get("key")?,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        constraints: json(row, "constraints")?,
        version: row.try_get("version")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

pub async fn all_segments(db: &Db) -> Result<Vec<Segment>, AppError> {
    let rows = sqlx::query(&format!(
        "SELECT {SEGMENT_COLUMNS} FROM segments ORDER BY key"
    ))
    .fetch_all(db.reader())
    .await?;
    rows.iter().map(segment_from_row).collect()
}

pub async fn segment_keys(tx: &mut Tx) -> Result<std::collections::HashSet<String>, AppError> {
    let rows = sqlx::query("SELECT key FROM segments")
        .fetch_all(&mut **tx)
        .await?;
    rows.iter()
        .map(|r| Ok(r.try_get::<String, _>("key")?))
        .collect()
}

fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// One page of flags matching the query, with their state in the queried environment.
pub async fn list(
    db: &Db,
    query: &FlagQuery,
    environment_id: Option<i64>,
) -> Result<FlagPage, AppError> {
    let mut filter = Sql::new(
        " FROM flags f LEFT JOIN flag_settings s ON s.flag_id = f.id AND s.environment_id = ",
    );
    filter.bind_int(environment_id.unwrap_or(-1));
    filter
        .push(" WHERE f.archived = ")
        .bind_int(i64::from(query.archived));
    if let Some(q) = query
        .search
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
    {
        let pattern = format!("%{}%", escape_like(&q.to_lowercase()));
        filter
            .push(" AND (LOWER(f.key) LIKE ")
            .bind_text(pattern.clone())
            .push(" ESCAPE '\\'");
        filter
            .push(" OR LOWER(f.name) LIKE ")
            .bind_text(pattern.clone())
            .push(" ESCAPE '\\'");
        // Tags are a JSON array of strings: match a whole tag.
        filter
            .push(" OR LOWER(f.tags) LIKE ")
            .bind_text(format!("%\"{}\"%", escape_like(&q.to_lowercase())))
            .push(" ESCAPE '\\')");
    }
    match query.state.as_deref() {
        Some("on") => {
            filter.push(" AND s.enabled = 1");
        }
        Some("off") => {
            filter.push(" AND (s.enabled IS NULL OR s.enabled = 0)");
        }
        _ => {}
    }
    let total: i64 = {
        let mut count = Sql::new("SELECT COUNT(*) AS n");
        count.append(&filter);
        count.query().fetch_one(db.reader()).await?.try_get("n")?
    };
    let order = match query.sort.as_deref() {
        Some("name") => " ORDER BY LOWER(f.name), f.key",
        Some("updated") => " ORDER BY f.updated_at DESC, f.key",
        _ => " ORDER BY f.key",
    };
    let (page, per_page) = (query.page(), query.per_page());
    let offset = query.offset().map_err(AppError::bad_request)?;
    let mut select = Sql::new(&format!(
        "SELECT {}, s.enabled AS env_enabled, s.rules AS env_rules",
        FLAG_COLUMNS
            .split(", ")
            .map(|c| format!("f.{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    select.append(&filter);
    select.push(order);
    select.push(" LIMIT ").bind_int(per_page as i64);
    select.push(" OFFSET ").bind_int(i64::from(offset));
    let rows = select.query().fetch_all(db.reader()).await?;
    let flags = rows
        .iter()
        .map(|row| {
            let flag = flag_from_row(row)?;
            let enabled: Option<i64> = row.try_get("env_enabled")?;
            let rules: Option<String> = row.try_get("env_rules")?;
            let rules = rules
                .and_then(|r| serde_json::from_str::<Vec<serde_json::Value>>(&r).ok())
                .map_or(0, |r| r.len());
            Ok(FlagSummary {
                key: flag.key,
                name: flag.name,
                kind: flag.kind,
                tags: flag.tags,
                archived: flag.archived,
                updated_at: flag.updated_at,
                enabled: enabled.is_some_and(|e| e != 0),
                rules,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(FlagPage {
        flags,
        total,
        page,
        per_page,
    })
}
