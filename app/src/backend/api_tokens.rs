//! Admin API tokens: issue (secret shown once, digest stored), list, revoke, and authenticate.

use super::actor::Actor;
use super::command::{Applied, AuditRecord, Command, Context, conflict, snapshot};
use super::db::{Db, Tx, flag, now_ms};
use super::roles::{self, Holder};
use super::secrets;
use crate::AppError;
use crate::domain::{
    ActorKind, ApiToken, ApiTokenCreated, Environment, NewApiToken, RevokeApiToken,
};
use crate::permissions::{Action, Resource, Subject, may};
use crate::validation::{FieldErrors, Validate};
use sqlx::Row;
use sqlx::any::AnyRow;

pub const ADMIN_PREFIX: &str = "sb_admin_";
const SHOWN_CHARS: usize = 14;
const COLUMNS: &str =
    "id, name, prefix, admin, created_by, created_at, last_used_at, revoked_at, version";
const ENTITY: &str = "api_token";
const TOUCH_EVERY_MS: i64 = 60_000;

fn from_row(row: &AnyRow) -> Result<ApiToken, sqlx::Error> {
    Ok(ApiToken {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        prefix: row.try_get("prefix")?,
        admin: row.try_get::<i64, _>("admin")? != 0,
        roles: Default::default(),
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
        last_used_at: row.try_get("last_used_at")?,
        revoked_at: row.try_get("revoked_at")?,
        version: row.try_get("version")?,
    })
}

pub async fn list(db: &Db, actor: &Actor) -> Result<Vec<ApiToken>, AppError> {
    actor.ensure(Action::Read, Resource::AdminTokens)?;
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM api_tokens WHERE kind = 'admin' ORDER BY revoked_at IS NOT NULL, id DESC"
    ))
    .fetch_all(db.reader())
    .await?;
    let mut roles = roles::all(db, Holder::Token).await?;
    rows.iter()
        .map(|row| {
            let mut t = from_row(row)?;
            t.roles = roles.remove(&t.id).unwrap_or_default();
            Ok(t)
        })
        .collect()
}

async fn find(tx: &mut Tx, id: i64) -> Result<Option<ApiToken>, AppError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM api_tokens WHERE id = $1 AND kind = 'admin'"
    ))
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    match row {
        Some(row) => {
            let mut t = from_row(&row)?;
            t.roles = roles::of(tx, Holder::Token, id).await?;
            Ok(Some(t))
        }
        None => Ok(None),
    }
}

/// The actor behind an admin token, if it is known and not revoked.
pub async fn authenticate(db: &Db, secret: &str) -> Result<Option<Actor>, AppError> {
    if !secret.starts_with(ADMIN_PREFIX) {
        return Ok(None);
    }
    let row = sqlx::query(
        "SELECT id, name, admin, last_used_at FROM api_tokens \
         WHERE secret_hash = $1 AND kind = 'admin' AND revoked_at IS NULL",
    )
    .bind(secrets::digest(secret))
    .fetch_optional(db.reader())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let id: i64 = row.try_get("id")?;
    let now = now_ms();
    let last_used: Option<i64> = row.try_get("last_used_at")?;
    if last_used.is_none_or(|t| now - t > TOUCH_EVERY_MS) {
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(now)
            .bind(id)
            .execute(db.writer())
            .await?;
    }
    Ok(Some(Actor {
        kind: ActorKind::Token,
        id: Some(id),
        name: row.try_get("name")?,
        subject: Subject {
            admin: row.try_get::<i64, _>("admin")? != 0,
            roles: roles::of_reader(db, Holder::Token, id).await?,
        },
    }))
}

fn record(
    t: &ApiToken,
    action: &'static str,
    before: Option<&ApiToken>,
    after: Option<&ApiToken>,
) -> AuditRecord {
    AuditRecord {
        environment: None,
        entity_type: ENTITY,
        entity_id: t.id.to_string(),
        entity_label: t.name.clone(),
        action,
        before: before.map(snapshot),
        after: after.map(snapshot),
    }
}

impl Command for NewApiToken {
    type Output = ApiTokenCreated;

    fn authorize(&self, subject: &Subject, _: Option<&Environment>) -> bool {
        may(subject, Action::Write, Resource::AdminTokens)
    }

    fn validate(&self) -> Result<(), FieldErrors> {
        Validate::validate(self)
    }

    async fn apply(
        self,
        tx: &mut Tx,
        ctx: &Context<'_>,
    ) -> Result<Applied<ApiTokenCreated>, AppError> {
        let secret = secrets::generate(ADMIN_PREFIX);
        let prefix: String = secret.chars().take(SHOWN_CHARS).collect();
        let id: i64 = sqlx::query(
            "INSERT INTO api_tokens (kind, name, prefix, secret_hash, admin, created_by, created_at, version) \
             VALUES ('admin', $1, $2, $3, $4, $5, $6, 1) RETURNING id",
        )
        .bind(self.name.trim())
        .bind(&prefix)
        .bind(secrets::digest(&secret))
        .bind(flag(self.admin))
        .bind(&ctx.actor.name)
        .bind(ctx.now)
        .fetch_one(&mut **tx)
        .await?
        .try_get("id")?;
        roles::replace(tx, Holder::Token, id, &self.roles).await?;
        let token = find(tx, id).await?.ok_or(AppError::Internal)?;
        let audit = record(&token, "create", None, Some(&token));
        Ok(Applied::one(ApiTokenCreated { token, secret }, audit))
    }
}

impl Command for RevokeApiToken {
    type Output = ApiToken;

    fn authorize(&self, subject: &Subject, _: Option<&Environment>) -> bool {
        may(subject, Action::Write, Resource::AdminTokens)
    }

    fn validate(&self) -> Result<(), FieldErrors> {
        Validate::validate(self)
    }

    async fn apply(self, tx: &mut Tx, ctx: &Context<'_>) -> Result<Applied<ApiToken>, AppError> {
        let before = find(tx, self.id)
            .await?
            .ok_or_else(|| AppError::not_found("API token"))?;
        if before.version != self.version {
            return Err(conflict(ENTITY, &before));
        }
        if before.revoked_at.is_some() {
            return Ok(Applied::unchanged(before));
        }
        let done = sqlx::query("UPDATE api_tokens SET revoked_at = $1, version = version + 1 WHERE id = $2 AND version = $3")
            .bind(ctx.now)
            .bind(self.id)
            .bind(self.version)
            .execute(&mut **tx)
            .await?;
        if done.rows_affected() != 1 {
            return Err(conflict(ENTITY, &find(tx, self.id).await?));
        }
        let after = find(tx, self.id).await?.ok_or(AppError::Internal)?;
        let audit = record(&after, "revoke", Some(&before), Some(&after));
        Ok(Applied::one(after, audit))
    }
}
