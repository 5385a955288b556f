//! Users: queries and the commands that change them.

use super::actor::Actor;
use super::command::{Applied, AuditRecord, Command, Context, conflict, snapshot};
use super::db::{Db, Tx, flag};
use super::passwords;
use super::roles::{self, Holder};
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;
use switchboard_core::domain::{
    Environment, NewUser, ResetPassword, SetUserDisabled, UpdateUser, User,
};
use switchboard_core::permissions::{Action, Resource, Subject, may};
use switchboard_core::validation::rules;
use switchboard_error::AppError;

const COLUMNS: &str =
    "id, email, name, admin, disabled, version, created_at, updated_at, last_login_at";
const ENTITY: &str = "user";

fn from_row(row: &AnyRow) -> Result<User, sqlx::Error> {
    Ok(User {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        name: row.try_get("name")?,
        admin: row.try_get::<i64, _>("admin")? != 0,
        disabled: row.try_get::<i64, _>("disabled")? != 0,
        roles: Default::default(),
        version: row.try_get("version")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        last_login_at: row.try_get("last_login_at")?,
    })
}

pub async fn list(db: &Db, actor: &Actor) -> Result<Vec<User>, AppError> {
    actor.ensure(Action::Read, Resource::Users)?;
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM users ORDER BY LOWER(name), id"
    ))
    .fetch_all(db.reader())
    .await?;
    let mut roles = roles::all(db, Holder::User).await?;
    rows.iter()
        .map(|row| {
            let mut user = from_row(row)?;
            user.roles = roles.remove(&user.id).unwrap_or_default();
            Ok(user)
        })
        .collect()
}

pub async fn count(db: &Db) -> Result<i64, AppError> {
    Ok(sqlx::query("SELECT COUNT(*) AS n FROM users")
        .fetch_one(db.reader())
        .await?
        .try_get("n")?)
}

pub async fn find(tx: &mut Tx, id: i64) -> Result<Option<User>, AppError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM users WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    match row {
        Some(row) => {
            let mut user = from_row(&row)?;
            user.roles = roles::of(tx, Holder::User, id).await?;
            Ok(Some(user))
        }
        None => Ok(None),
    }
}

/// For sign-in: (user id, password hash, disabled) by normalised email.
pub async fn credentials(db: &Db, email: &str) -> Result<Option<(i64, String, bool)>, AppError> {
    let row = sqlx::query("SELECT id, password_hash, disabled FROM users WHERE email = $1")
        .bind(email)
        .fetch_optional(db.reader())
        .await?;
    Ok(match row {
        Some(r) => Some((
            r.try_get("id")?,
            r.try_get("password_hash")?,
            r.try_get::<i64, _>("disabled")? != 0,
        )),
        None => None,
    })
}

async fn email_taken(tx: &mut Tx, email: &str, except: Option<i64>) -> Result<bool, AppError> {
    let row = sqlx::query("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(match row {
        Some(r) => Some(r.try_get::<i64, _>("id")?) != except,
        None => false,
    })
}

/// Enabled global administrators other than `except`.
async fn other_enabled_admins(tx: &mut Tx, except: i64) -> Result<i64, AppError> {
    Ok(
        sqlx::query(
            "SELECT COUNT(*) AS n FROM users WHERE admin = 1 AND disabled = 0 AND id <> $1",
        )
        .bind(except)
        .fetch_one(&mut **tx)
        .await?
        .try_get("n")?,
    )
}

async fn load_for_update(tx: &mut Tx, id: i64, expected_version: i64) -> Result<User, AppError> {
    let current = find(tx, id)
        .await?
        .ok_or_else(|| AppError::not_found("User"))?;
    if current.version != expected_version {
        return Err(conflict(ENTITY, &current));
    }
    Ok(current)
}

/// Bumps the version and stamps the change; the caller has set the new values.
async fn touch(tx: &mut Tx, id: i64, version: i64, now: i64) -> Result<(), AppError> {
    let done = sqlx::query(
        "UPDATE users SET version = version + 1, updated_at = $1 WHERE id = $2 AND version = $3",
    )
    .bind(now)
    .bind(id)
    .bind(version)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() != 1 {
        let current = find(tx, id).await?;
        return Err(conflict(ENTITY, &current));
    }
    Ok(())
}

pub async fn end_sessions(tx: &mut Tx, user_id: i64) -> Result<(), AppError> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

fn record(
    user: &User,
    action: &'static str,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> AuditRecord {
    AuditRecord {
        environment: None,
        entity_type: ENTITY,
        entity_id: user.id.to_string(),
        entity_label: user.email.clone(),
        action,
        before,
        after,
    }
}

fn manage_users(subject: &Subject) -> bool {
    may(subject, Action::Write, Resource::Users)
}

impl Command for NewUser {
    type Output = User;

    fn authorize(&self, subject: &Subject, _: Option<&Environment>) -> bool {
        manage_users(subject)
    }

    async fn apply(self, tx: &mut Tx, ctx: &Context<'_>) -> Result<Applied<User>, AppError> {
        let email = rules::normalize_email(&self.email);
        if email_taken(tx, &email, None).await? {
            return Err(AppError::field("email", "A user with this email exists"));
        }
        let hash = passwords::hash(self.password).await?;
        let id: i64 = sqlx::query(
            "INSERT INTO users (email, name, password_hash, admin, disabled, version, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 0, 1, $5, $5) RETURNING id",
        )
        .bind(&email)
        .bind(self.name.trim())
        .bind(hash)
        .bind(flag(self.admin))
        .bind(ctx.now)
        .fetch_one(&mut **tx)
        .await?
        .try_get("id")?;
        roles::replace(tx, Holder::User, id, &self.roles).await?;
        let user = find(tx, id).await?.ok_or(AppError::Internal)?;
        let audit = record(&user, "create", None, Some(snapshot(&user)));
        Ok(Applied::one(user, audit))
    }
}

impl Command for UpdateUser {
    type Output = User;

    fn authorize(&self, subject: &Subject, _: Option<&Environment>) -> bool {
        manage_users(subject)
    }

    async fn apply(self, tx: &mut Tx, ctx: &Context<'_>) -> Result<Applied<User>, AppError> {
        let before = load_for_update(tx, self.id, self.version).await?;
        let email = rules::normalize_email(&self.email);
        let name = self.name.trim().to_string();
        if before.email == email
            && before.name == name
            && before.admin == self.admin
            && before.roles == self.roles
        {
            return Ok(Applied::unchanged(before));
        }
        if email != before.email && email_taken(tx, &email, Some(self.id)).await? {
            return Err(AppError::field("email", "A user with this email exists"));
        }
        if before.admin && !self.admin {
            if ctx.actor.id == Some(self.id)
                && ctx.actor.kind == switchboard_core::domain::ActorKind::User
            {
                return Err(AppError::field(
                    "admin",
                    "You cannot remove your own administrator rights",
                ));
            }
            if !before.disabled && other_enabled_admins(tx, self.id).await? == 0 {
                return Err(AppError::field(
                    "admin",
                    "Switchboard needs at least one enabled administrator",
                ));
            }
        }
        touch(tx, self.id, self.version, ctx.now).await?;
        sqlx::query("UPDATE users SET email = $1, name = $2, admin = $3 WHERE id = $4")
            .bind(&email)
            .bind(&name)
            .bind(flag(self.admin))
            .bind(self.id)
            .execute(&mut **tx)
            .await?;
        roles::replace(tx, Holder::User, self.id, &self.roles).await?;
        let after = find(tx, self.id).await?.ok_or(AppError::Internal)?;
        let audit = record(
            &after,
            "update",
            Some(snapshot(&before)),
            Some(snapshot(&after)),
        );
        Ok(Applied::one(after, audit))
    }
}

impl Command for SetUserDisabled {
    type Output = User;

    fn authorize(&self, subject: &Subject, _: Option<&Environment>) -> bool {
        manage_users(subject)
    }

    async fn apply(self, tx: &mut Tx, ctx: &Context<'_>) -> Result<Applied<User>, AppError> {
        let before = load_for_update(tx, self.id, self.version).await?;
        if before.disabled == self.disabled {
            return Ok(Applied::unchanged(before));
        }
        if self.disabled {
            if ctx.actor.id == Some(self.id)
                && ctx.actor.kind == switchboard_core::domain::ActorKind::User
            {
                return Err(AppError::field(
                    "disabled",
                    "You cannot disable your own account",
                ));
            }
            if before.admin && other_enabled_admins(tx, self.id).await? == 0 {
                return Err(AppError::field(
                    "disabled",
                    "Switchboard needs at least one enabled administrator",
                ));
            }
        }
        touch(tx, self.id, self.version, ctx.now).await?;
        sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2")
            .bind(flag(self.disabled))
            .bind(self.id)
            .execute(&mut **tx)
            .await?;
        // A disabled user is signed out everywhere, at once, and the admin API tokens they own
        // are revoked (each audited): re-enabling them does not bring those back.
        let revoked = if self.disabled {
            end_sessions(tx, self.id).await?;
            super::api_tokens::revoke_owned_by(tx, self.id, &before.email, ctx.now).await?
        } else {
            Vec::new()
        };
        let after = find(tx, self.id).await?.ok_or(AppError::Internal)?;
        let action = if self.disabled { "disable" } else { "enable" };
        let mut audit = vec![record(
            &after,
            action,
            Some(snapshot(&before)),
            Some(snapshot(&after)),
        )];
        audit.extend(revoked);
        Ok(Applied {
            output: after,
            audit,
        })
    }
}

impl Command for ResetPassword {
    type Output = User;

    fn authorize(&self, subject: &Subject, _: Option<&Environment>) -> bool {
        manage_users(subject)
    }

    async fn apply(self, tx: &mut Tx, ctx: &Context<'_>) -> Result<Applied<User>, AppError> {
        load_for_update(tx, self.id, self.version).await?;
        let hash = passwords::hash(self.password).await?;
        touch(tx, self.id, self.version, ctx.now).await?;
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(self.id)
            .execute(&mut **tx)
            .await?;
        // Whoever knew the old password is out.
        end_sessions(tx, self.id).await?;
        let after = find(tx, self.id).await?.ok_or(AppError::Internal)?;
        // The hash is never recorded; the event says that it changed.
        let audit = record(
            &after,
            "reset_password",
            Some(json!({"password": "(previous)"})),
            Some(json!({"password": "(changed)"})),
        );
        Ok(Applied::one(after, audit))
    }
}
