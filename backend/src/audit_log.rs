//! Appending to and reading the audit trail. There is deliberately no update or delete here (and
//! database triggers refuse both).

use super::actor::Actor;
use super::command::AuditRecord;
use super::db::{Db, Tx};
use super::sql::Sql;
use sqlx::Row;
use sqlx::any::AnyRow;
use switchboard_core::domain::{
    ActorKind, ActorRef, AuditEvent, AuditFilter, AuditPage, SHARED_ENTITIES,
};
use switchboard_core::permissions::{Action, EnvScope, Resource};
use switchboard_core::validation::Validate;
use switchboard_error::AppError;

pub async fn append(
    tx: &mut Tx,
    actor: &Actor,
    at: i64,
    record: &AuditRecord,
) -> Result<(), AppError> {
    let json = |v: &Option<serde_json::Value>| v.as_ref().map(|v| v.to_string());
    sqlx::query(
        "INSERT INTO audit_events (at, actor_kind, actor_id, actor_name, environment, entity_type, \
         entity_id, entity_label, action, before_json, after_json) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(at)
    .bind(actor.kind.as_str())
    .bind(actor.id)
    .bind(&actor.name)
    .bind(record.environment.as_deref())
    .bind(record.entity_type)
    .bind(&record.entity_id)
    .bind(&record.entity_label)
    .bind(record.action)
    .bind(json(&record.before))
    .bind(json(&record.after))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Events the actor may read, newest first, filtered and paginated by id cursor.
pub async fn list(db: &Db, actor: &Actor, filter: &AuditFilter) -> Result<AuditPage, AppError> {
    filter.validate()?;
    let subject = &actor.subject;
    let mut sql = Sql::new(
        "SELECT id, at, actor_kind, actor_id, actor_name, environment, entity_type, entity_id, \
         entity_label, action, before_json, after_json FROM audit_events WHERE 1 = 1",
    );
    match &filter.environment {
        Some(env) => {
            // The protected flag does not matter for reading audit events.
            let scope = EnvScope {
                key: env,
                protected: false,
            };
            actor.ensure(Action::Read, Resource::EnvAudit(scope))?;
            sql.push(" AND environment = ").bind_text(env.as_str());
        }
        None if subject.admin => {}
        None => {
            // The environments this subject holds a role in, and the shared flag and segment
            // definitions; never users, environments or admin tokens.
            let visible: Vec<&String> = subject.roles.keys().collect();
            if visible.is_empty() {
                return Err(AppError::Forbidden);
            }
            sql.push(" AND (environment IN (");
            for (i, env) in visible.into_iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                sql.bind_text(env.as_str());
            }
            sql.push(") OR (environment IS NULL AND entity_type IN (");
            for (i, t) in SHARED_ENTITIES.iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                sql.bind_text(*t);
            }
            sql.push(")))");
        }
    }
    if let Some(t) = filter.entity_type.as_deref().filter(|t| !t.is_empty()) {
        sql.push(" AND entity_type = ").bind_text(t);
    }
    if let Some(id) = filter.entity_id.as_deref().filter(|t| !t.is_empty()) {
        sql.push(" AND entity_id = ").bind_text(id);
    }
    if let Some(a) = filter
        .actor
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
    {
        sql.push(" AND LOWER(actor_name) LIKE ")
            .bind_text(format!("%{}%", escape_like(&a.to_lowercase())))
            .push(" ESCAPE '\\'");
    }
    if let Some(from) = filter.from {
        sql.push(" AND at >= ").bind_int(from);
    }
    if let Some(to) = filter.to {
        sql.push(" AND at < ").bind_int(to);
    }
    if let Some(before) = filter.before {
        sql.push(" AND id < ").bind_int(before);
    }
    let limit = filter.effective_limit() as i64;
    // One extra row tells whether another page exists.
    sql.push(" ORDER BY id DESC LIMIT ").bind_int(limit + 1);
    let rows = sql.query().fetch_all(db.reader()).await?;
    let mut events = rows
        .iter()
        .map(event_from_row)
        .collect::<Result<Vec<_>, _>>()?;
    let next_before = if events.len() as i64 > limit {
        events.truncate(limit as usize);
        events.last().map(|e| e.id)
    } else {
        None
    };
    Ok(AuditPage {
        events,
        next_before,
    })
}

/// How many events the trail holds.
pub async fn count(db: &Db) -> Result<i64, AppError> {
    Ok(sqlx::query("SELECT COUNT(*) AS n FROM audit_events")
        .fetch_one(db.reader())
        .await?
        .try_get("n")?)
}

fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

fn event_from_row(row: &AnyRow) -> Result<AuditEvent, AppError> {
    let json = |col: &str| -> Result<Option<serde_json::Value>, AppError> {
        let text: Option<String> = row.try_get(col)?;
        Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
    };
    let kind: String = row.try_get("actor_kind")?;
    Ok(AuditEvent {
        id: row.try_get("id")?,
        at: row.try_get("at")?,
        actor: ActorRef {
            kind: ActorKind::parse(&kind).unwrap_or(ActorKind::System),
            id: row.try_get("actor_id")?,
            name: row.try_get("actor_name")?,
        },
        environment: row.try_get("environment")?,
        entity_type: row.try_get("entity_type")?,
        entity_id: row.try_get("entity_id")?,
        entity_label: row.try_get("entity_label")?,
        action: row.try_get("action")?,
        before: json("before_json")?,
        after: json("after_json")?,
    })
}
