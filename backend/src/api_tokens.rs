//! Admin API tokens: issue (secret shown once, digest stored), list, revoke, and authenticate.
//!
//! A token may expire (`expires_at`) and belongs to the user who created it
//! (`created_by_user_id`): disabling that user revokes their tokens in the same transaction
//! ([`revoke_owned_by`]), and authentication refuses an expired token or one whose owner is
//! disabled, exactly as it refuses an unknown one.

use super::actor::Actor;
use super::command::{Applied, AuditRecord, Command, Context, conflict, snapshot};
use super::db::{Db, Tx, flag};
use super::roles::{self, Holder};
use super::secrets;
use sqlx::Row;
use sqlx::any::AnyRow;
use switchboard_core::domain::{
    ActorKind, ApiToken, ApiTokenCreated, Environment, NewApiToken, RevokeApiToken,
};
use switchboard_core::permissions::{Action, Resource, Subject, may};
use switchboard_error::AppError;

pub const ADMIN_PREFIX: &str = "sb_admin_";
const SHOWN_CHARS: usize = 14;
const COLUMNS: &str = "id, name, prefix, admin, created_by, created_by_user_id, created_at, \
                       expires_at, last_used_at, revoked_at, version";
const ENTITY: &str = "api_token";
const TOUCH_EVERY_MS: i64 = 60_000;
const DAY_MS: i64 = 86_400_000;

fn from_row(row: &AnyRow, now: i64) -> Result<ApiToken, sqlx::Error> {
    let expires_at: Option<i64> = row.try_get("expires_at")?;
    Ok(ApiToken {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        prefix: row.try_get("prefix")?,
        admin: row.try_get::<i64, _>("admin")? != 0,
        roles: Default::default(),
        created_by: row.try_get("created_by")?,
        created_by_user_id: row.try_get("created_by_user_id")?,
        created_at: row.try_get("created_at")?,
        expires_at,
        expired: expires_at.is_some_and(|at| at <= now),
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
    let now = db.now();
    rows.iter()
        .map(|row| {
            let mut t = from_row(row, now)?;
            t.roles = roles.remove(&t.id).unwrap_or_default();
            Ok(t)
        })
        .collect()
}

async fn find(tx: &mut Tx, id: i64, now: i64) -> Result<Option<ApiToken>, AppError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM api_tokens WHERE id = $1 AND kind = 'admin'"
    ))
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    match row {
        Some(row) => {
            let mut t = from_row(&row, now)?;
            t.roles = roles::of(tx, Holder::Token, id).await?;
            Ok(Some(t))
        }
        None => Ok(None),
    }
}

/// The actor behind an admin token, if it is known, not revoked, not expired, and its owner (if
/// a user owns it) exists and is enabled. Every refusal looks the same to the caller.
pub async fn authenticate(db: &Db, secret: &str) -> Result<Option<Actor>, AppError> {
    if !secret.starts_with(ADMIN_PREFIX) {
        return Ok(None);
    }
    let now = db.now();
    // The owner check backs up the revocation SetUserDisabled does: a token must never outlive
    // its owner's access, whatever path disabled them.
    let row = sqlx::query(
        "SELECT t.id, t.name, t.admin, t.last_used_at FROM api_tokens t \
         WHERE t.secret_hash = $1 AND t.kind = 'admin' AND t.revoked_at IS NULL \
         AND (t.expires_at IS NULL OR t.expires_at > $2) \
         AND (t.created_by_user_id IS NULL OR EXISTS \
              (SELECT 1 FROM users u WHERE u.id = t.created_by_user_id AND u.disabled = 0))",
    )
    .bind(secrets::digest(secret))
    .bind(now)
    .fetch_optional(db.reader())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let id: i64 = row.try_get("id")?;
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

/// The user a new token belongs to: the user creating it, or, when a token creates it, that
/// token's owner (so a token cannot mint tokens that outlive its owner's access). None for the
/// system actor, which no user is.
async fn owner_of(tx: &mut Tx, actor: &Actor) -> Result<Option<i64>, AppError> {
    match (actor.kind, actor.id) {
        (ActorKind::User, Some(id)) => Ok(Some(id)),
        (ActorKind::Token, Some(id)) => Ok(sqlx::query(
            "SELECT created_by_user_id FROM api_tokens WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .map(|row| row.try_get::<Option<i64>, _>("created_by_user_id"))
        .transpose()?
        .flatten()),
        _ => Ok(None),
    }
}

/// Revokes every live token `user_id` owns, each a compare-and-set on the version just read,
/// and says so in the audit trail, one record per token. For [`switchboard_core::domain::SetUserDisabled`]:
/// re-enabling the user later does not bring the tokens back.
pub async fn revoke_owned_by(
    tx: &mut Tx,
    user_id: i64,
    user_email: &str,
    now: i64,
) -> Result<Vec<AuditRecord>, AppError> {
    let ids: Vec<i64> = sqlx::query(
        "SELECT id FROM api_tokens WHERE created_by_user_id = $1 AND kind = 'admin' \
         AND revoked_at IS NULL ORDER BY id",
    )
    .bind(user_id)
    .fetch_all(&mut **tx)
    .await?
    .iter()
    .map(|row| row.try_get("id"))
    .collect::<Result<_, _>>()?;
    let mut audit = Vec::with_capacity(ids.len());
    for id in ids {
        let Some(before) = find(tx, id, now).await? else {
            continue;
        };
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1, version = version + 1 \
             WHERE id = $2 AND version = $3 AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(id)
        .bind(before.version)
        .execute(&mut **tx)
        .await?;
        if done.rows_affected() != 1 {
            // Revoked by someone else meanwhile is what we wanted; anything else moved under us.
            match find(tx, id, now).await? {
                Some(t) if t.revoked_at.is_some() => continue,
                current => return Err(conflict(ENTITY, &current)),
            }
        }
        let after = find(tx, id, now).await?.ok_or(AppError::Internal)?;
        let mut entry = record(&after, "revoke", Some(&before), Some(&after));
        if let Some(serde_json::Value::Object(map)) = entry.after.as_mut() {
            map.insert(
                "reason".into(),
                format!("its owner {user_email} was disabled").into(),
            );
        }
        audit.push(entry);
    }
    Ok(audit)
}

impl Command for NewApiToken {
    type Output = ApiTokenCreated;

    fn authorize(&self, subject: &Subject, _: Option<&Environment>) -> bool {
        may(subject, Action::Write, Resource::AdminTokens)
    }

    async fn apply(
        self,
        tx: &mut Tx,
        ctx: &Context<'_>,
    ) -> Result<Applied<ApiTokenCreated>, AppError> {
        let secret = secrets::generate(ADMIN_PREFIX);
        let prefix: String = secret.chars().take(SHOWN_CHARS).collect();
        let owner = owner_of(tx, ctx.actor).await?;
        let expires_at = self.expires_in_days.map(|days| {
            ctx.now
                .saturating_add(i64::from(days).saturating_mul(DAY_MS))
        });
        let id: i64 = sqlx::query(
            "INSERT INTO api_tokens (kind, name, prefix, secret_hash, admin, created_by, \
             created_by_user_id, created_at, expires_at, version) \
             VALUES ('admin', $1, $2, $3, $4, $5, $6, $7, $8, 1) RETURNING id",
        )
        .bind(self.name.trim())
        .bind(&prefix)
        .bind(secrets::digest(&secret))
        .bind(flag(self.admin))
        .bind(&ctx.actor.name)
        .bind(owner)
        .bind(ctx.now)
        .bind(expires_at)
        .fetch_one(&mut **tx)
        .await?
        .try_get("id")?;
        roles::replace(tx, Holder::Token, id, &self.roles).await?;
        let token = find(tx, id, ctx.now).await?.ok_or(AppError::Internal)?;
        let audit = record(&token, "create", None, Some(&token));
        Ok(Applied::one(ApiTokenCreated { token, secret }, audit))
    }
}

impl Command for RevokeApiToken {
    type Output = ApiToken;

    fn authorize(&self, subject: &Subject, _: Option<&Environment>) -> bool {
        may(subject, Action::Write, Resource::AdminTokens)
    }

    async fn apply(self, tx: &mut Tx, ctx: &Context<'_>) -> Result<Applied<ApiToken>, AppError> {
        let before = find(tx, self.id, ctx.now)
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
            return Err(conflict(ENTITY, &find(tx, self.id, ctx.now).await?));
        }
        let after = find(tx, self.id, ctx.now)
            .await?
            .ok_or(AppError::Internal)?;
        let audit = record(&after, "revoke", Some(&before), Some(&after));
        Ok(Applied::one(after, audit))
    }
}
