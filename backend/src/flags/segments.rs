//! Segments: named constraint sets that flag rules reuse. They are shared by every environment,
//! so changing one needs write access to flags wherever a rule uses it.

use super::store::{self, SEGMENT_COLUMNS, SETTINGS_SELECT, segment_from_row, settings_from_row};
use crate::changes::Topic;
use crate::command::{Applied, AuditRecord, Command, Context, conflict};
use crate::db::Tx;
use crate::environments;
use serde_json::json;
use sqlx::Row;
use switchboard_core::domain::Environment;
use switchboard_core::flags::reach::{SegmentUse, segment_reach};
use switchboard_core::flags::{DeleteSegment, FlagEnvironment, NewSegment, Segment, UpdateSegment};
use switchboard_core::permissions::{Action, EnvScope, Resource, Subject, may};
use switchboard_error::AppError;

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

/// One flag's settings in one environment whose rules name a segment.
pub struct Usage {
    pub flag: String,
    pub flag_archived: bool,
    pub environment: Environment,
    pub settings: FlagEnvironment,
}

/// Every flag setting whose rules name the segment, wherever and however the flag is switched.
pub async fn usage(tx: &mut Tx, key: &str) -> Result<Vec<Usage>, AppError> {
    let quoted = format!("%{}%", serde_json::to_string(key).unwrap_or_default());
    let rows = sqlx::query(&format!(
        "SELECT f.key AS flag, f.archived AS flag_archived, x.* FROM ({SETTINGS_SELECT}) x \
         JOIN flags f ON f.id = x.flag_id WHERE x.rules LIKE $1"
    ))
    .bind(quoted)
    .fetch_all(&mut **tx)
    .await?;
    let mut out = Vec::new();
    for row in rows {
        let Ok(settings) = settings_from_row(&row)?.parse() else {
            continue;
        };
        if settings
            .rules
            .iter()
            .any(|r| r.segments.iter().any(|s| s == key))
            && let Some(environment) = environments::find(tx, &settings.environment).await?
        {
            out.push(Usage {
                flag: row.try_get("flag")?,
                flag_archived: row.try_get::<i64, _>("flag_archived")? != 0,
                environment,
                settings,
            });
        }
    }
    Ok(out)
}

/// Answers 403 unless the subject may change flags in every environment whose served result
/// changes when the segment goes from `before` to `after` (`None`: no such segment).
pub(super) async fn ensure_write(
    tx: &mut Tx,
    subject: &Subject,
    key: &str,
    before: Option<&Segment>,
    after: Option<&Segment>,
) -> Result<(), AppError> {
    let used = usage(tx, key).await?;
    let uses: Vec<SegmentUse<'_>> = used
        .iter()
        .map(|u| SegmentUse {
            environment: &u.environment.key,
            flag_archived: u.flag_archived,
            settings: &u.settings,
        })
        .collect();
    let reach = segment_reach(before, after, key, &uses);
    let mut scopes: Vec<EnvScope<'_>> = Vec::new();
    for u in &used {
        if reach.contains(&u.environment.key.as_str())
            && !scopes.iter().any(|s| s.key == u.environment.key)
        {
            scopes.push(u.environment.scope());
        }
    }
    if may(
        subject,
        Action::Write,
        Resource::Segment { used_in: &scopes },
    ) {
        Ok(())
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

    fn topics(&self) -> &'static [Topic] {
        FLAGS
    }

    async fn apply(self, tx: &mut Tx, ctx: &Context<'_>) -> Result<Applied<Segment>, AppError> {
        if find(tx, &self.key).await?.is_some() {
            return Err(AppError::field("key", "A segment with this key exists"));
        }
        let row = sqlx::query(&format!(
            "INSERT INTO segments (key, name, description, constraints, version, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 1, $5, $5) ON CONFLICT DO NOTHING RETURNING {SEGMENT_COLUMNS}"
        ))
        .bind(&self.key)
        .bind(self.name.trim())
        .bind(&self.description)
        .bind(serde_json::to_string(&self.constraints).unwrap_or_default())
        .bind(ctx.now)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| AppError::field("key", "A segment with this key exists"))?;
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

    fn topics(&self) -> &'static [Topic] {
        FLAGS
    }

    async fn apply(self, tx: &mut Tx, ctx: &Context<'_>) -> Result<Applied<Segment>, AppError> {
        let before = find(tx, &self.key)
            .await?
            .ok_or_else(|| AppError::not_found("Segment"))?;
        if before.version != self.version {
            return Err(conflict(ENTITY, &before));
        }
        if before.name == self.name.trim()
            && before.description == self.description
            && before.constraints == self.constraints
        {
            return Ok(Applied::unchanged(before));
        }
        let probe = Segment {
            constraints: self.constraints.clone(),
            ..before.clone()
        };
        ensure_write(
            tx,
            &ctx.actor.subject,
            &self.key,
            Some(&before),
            Some(&probe),
        )
        .await?;
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
                .map(|u| format!("{} ({})", u.flag, u.environment.key))
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
pub async fn list(db: &crate::Db, actor: &crate::Actor) -> Result<Vec<Segment>, AppError> {
    actor.ensure(Action::Read, Resource::Segment { used_in: &[] })?;
    store::all_segments(db).await
}
