//! Segments: named constraint sets that flag rules reuse. They are shared by every environment,
//! so changing one needs write access to flags wherever a rule uses it.

use super::store::{self, SEGMENT_COLUMNS, segment_from_row};
use crate::AppError;
use crate::backend::changes::Topic;
use crate::backend::command::{Applied, AuditRecord, Command, Context, conflict};
use crate::backend::db::Tx;
use crate::backend::environments;
use crate::domain::Environment;
use crate::flags::{DeleteSegment, NewSegment, Rule, Segment, UpdateSegment};
use crate::permissions::{Action, EnvScope, Resource, Subject, may};
use crate::validation::{FieldErrors, Validate};
use serde_json::json;
use sqlx::Row;

const ENTITY: &str = "segment";
const FLAGS: &[Topic] = &[Topic::Flags];

fn record(
    s: &Segment,
    action: &'static str,
    before: Option<&Segment>,
    after: Option<&Segment>,
) -> AuditRecord {
    let view = |s: &Segment| json!({"name": s.name, "description": s.description, "constraints": s.constraints});
    AuditRecord {
        environment: None,
        entity_type: ENTITY,
        entity_id: s.key.clone(),
        entity_label: s.name.clone(),
        action,
        before: before.map(view),
        after: after.map(view),
    }
}

async fn find(tx: &mut Tx, key: &str) -> Result<Option<Segment>, AppError> {
    let row = sqlx::query(&format!(
        "SELECT {SEGMENT_COLUMNS} FROM segments WHERE key = $1"
    ))
    .bind(key)
    .fetch_optional(&mut **tx)
    .await?;
    row.as_ref().map(segment_from_row).transpose()
}

/// (flag key, environment) pairs whose rules use the segment.
pub async fn usage(tx: &mut Tx, key: &str) -> Result<Vec<(String, Environment)>, AppError> {
    let quoted = format!("%{}%", serde_json::to_string(key).unwrap_or_default());
    let rows = sqlx::query(
        "SELECT f.key AS flag, e.key AS environment, s.rules FROM flag_settings s \
         JOIN flags f ON f.id = s.flag_id JOIN environments e ON e.id = s.environment_id WHERE s.rules LIKE $1",
    )
    .bind(quoted)
    .fetch_all(&mut **tx)
    .await?;
    let mut out = Vec::new();
    for row in rows {
        let rules: Vec<Rule> =
            serde_json::from_str(&row.try_get::<String, _>("rules")?).unwrap_or_default();
        if rules.iter().any(|r| r.segments.iter().any(|s| s == key)) {
            let env: String = row.try_get("environment")?;
            if let Some(env) = environments::find(tx, &env).await? {
                out.push((row.try_get("flag")?, env));
            }
        }
    }
    Ok(out)
}

async fn ensure_write(
    tx: &mut Tx,
    subject: &Subject,
    key: &str,
) -> Result<Vec<(String, Environment)>, AppError> {
    let used = usage(tx, key).await?;
    let scopes: Vec<EnvScope<'_>> = used.iter().map(|(_, e)| e.scope()).collect();
    if may(
        subject,
        Action::Write,
        Resource::Segment { used_in: &scopes },
    ) {
        Ok(used)
    } else {
        Err(AppError::Forbidden)
    }
}

fn may_create(subject: &Subject, _: Option<&Environment>) -> bool {
    may(subject, Action::Write, Resource::Segment { used_in: &[] })
}

impl Command for NewSegment {
    type Output = Segment;

    fn authorize(&self, subject: &Subject, env: Option<&Environment>) -> bool {
        may_create(subject, env)
    }

    fn validate(&self) -> Result<(), FieldErrors> {
        Validate::validate(self)
    }

    fn topics(&self) -> &'static [Topic] {
        FLAGS
    }

    async fn apply(self, tx: &mut Tx, ctx: &Context<'_>) -> Result<Applied<Segment>, AppError> {
        if find(tx, &self.key).await?.is_some() {
            return Err(AppError::field("key", "A segment with this key exists"));
        }
        let row = sqlx::query(&format!(
            "INSERT INTO segments (key, name, description, constraints, version, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 1, $5, $5) RETURNING {SEGMENT_COLUMNS}"
        ))
        .bind(&self.key)
        .bind(self.name.trim())
        .bind(&self.description)
        .bind(serde_json::to_string(&self.constraints).unwrap_or_default())
        .bind(ctx.now)
        .fetch_one(&mut **tx)
        .await?;
        let segment = segment_from_row(&row)?;
        let audit = record(&segment, "create", None, Some(&segment));
        Ok(Applied::one(segment, audit))
    }
}

impl Command for UpdateSegment {
    type Output = Segment;

    fn authorize(&self, subject: &Subject, env: Option<&Environment>) -> bool {
        may_create(subject, env)
    }

    fn validate(&self) -> Result<(), FieldErrors> {
        Validate::validate(self)
    }

    fn topics(&self) -> &'static [Topic] {
        FLAGS
    }

    async fn apply(self, tx: &mut Tx, ctx: &Context<'_>) -> Result<Applied<Segment>, AppError> {
        let before = find(tx, &self.key)
            .await?
            .ok_or_else(|| AppError::not_found("Segment"))?;
        ensure_write(tx, &ctx.actor.subject, &self.key).await?;
        if before.version != self.version {
            return Err(conflict(ENTITY, &before));
        }
        if before.name == self.name.trim()
            && before.description == self.description
            && before.constraints == self.constraints
        {
            return Ok(Applied::unchanged(before));
        }
        let row = sqlx::query(&format!(
            "UPDATE segments SET name = $1, description = $2, constraints = $3, version = version + 1, updated_at = $4 \
             WHERE id = $5 AND version = $6 RETURNING {SEGMENT_COLUMNS}"
        ))
        .bind(self.name.trim())
        .bind(&self.description)
        .bind(serde_json::to_string(&self.constraints).unwrap_or_default())
        .bind(ctx.now)
        .bind(before.id)
        .bind(self.version)
        .fetch_optional(&mut **tx)
        .await?;
        let Some(row) = row else {
            return Err(conflict(ENTITY, &find(tx, &self.key).await?));
        };
        let after = segment_from_row(&row)?;
        let audit = record(&after, "update", Some(&before), Some(&after));
        Ok(Applied::one(after, audit))
    }
}

impl Command for DeleteSegment {
    type Output = ();

    fn authorize(&self, subject: &Subject, env: Option<&Environment>) -> bool {
        may_create(subject, env)
    }

    fn validate(&self) -> Result<(), FieldErrors> {
        Validate::validate(self)
    }

    fn topics(&self) -> &'static [Topic] {
        FLAGS
    }

    async fn apply(self, tx: &mut Tx, _: &Context<'_>) -> Result<Applied<()>, AppError> {
        let before = find(tx, &self.key)
            .await?
            .ok_or_else(|| AppError::not_found("Segment"))?;
        let used = usage(tx, &self.key).await?;
        if !used.is_empty() {
            let list: Vec<String> = used
                .iter()
                .map(|(f, e)| format!("{f} ({})", e.key))
                .collect();
            return Err(AppError::field(
                "key",
                format!(
                    "Still used by {}; remove it from those rules first",
                    list.join(", ")
                ),
            ));
        }
        if before.version != self.version {
            return Err(conflict(ENTITY, &before));
        }
        let done = sqlx::query("DELETE FROM segments WHERE id = $1 AND version = $2")
            .bind(before.id)
            .bind(self.version)
            .execute(&mut **tx)
            .await?;
        if done.rows_affected() != 1 {
            return Err(conflict(ENTITY, &find(tx, &self.key).await?));
        }
        let audit = record(&before, "delete", Some(&before), None);
        Ok(Applied::one((), audit))
    }
}

/// Segments for a reader with some role (they are needed to read any rule that uses them).
pub async fn list(
    db: &crate::backend::Db,
    actor: &crate::backend::Actor,
) -> Result<Vec<Segment>, AppError> {
    actor.ensure(Action::Read, Resource::Segment { used_in: &[] })?;
    store::all_segments(db).await
}
