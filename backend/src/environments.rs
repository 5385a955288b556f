//! Environments: queries and the commands that change them.

use super::actor::Actor;
use super::changes::Topic;
use super::command::{Applied, AuditRecord, Command, Context, conflict, snapshot};
use super::db::{Db, Tx, flag};
use sqlx::Row;
use sqlx::any::AnyRow;
use switchboard_core::domain::{DeleteEnvironment, Environment, NewEnvironment, UpdateEnvironment};
use switchboard_core::permissions::{Action, Resource, Subject, may};
use switchboard_core::validation::FieldErrors;
use switchboard_error::AppError;

const COLUMNS: &str = "id, key, name, protected, position, version, created_at, updated_at";
const ENTITY: &str = "environment";

fn from_row(row: &AnyRow) -> Result<Environment, sqlx::Error> {
    Ok(Environment {
        id: row.try_get("id")?,
        key: row.try_get("key")?,
        name: row.try_get("name")?,
        protected: row.try_get::<i64, _>("protected")? != 0,
        position: row.try_get("position")?,
        version: row.try_get("version")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// The environments the actor holds a role in (all of them for administrators).
pub async fn list(db: &Db, actor: &Actor) -> Result<Vec<Environment>, AppError> {
    actor.ensure(Action::Read, Resource::Environments)?;
    Ok(list_all(db)
        .await?
        .into_iter()
        .filter(|e| actor.subject.role_in(&e.key).is_some())
        .collect())
}

/// The environment `key`, or 404.
pub async fn by_key(db: &Db, key: &str) -> Result<Environment, AppError> {
    list_all(db)
        .await?
        .into_iter()
        .find(|e| e.key == key)
        .ok_or_else(|| AppError::not_found("Environment"))
}

pub async fn list_all(db: &Db) -> Result<Vec<Environment>, AppError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM environments ORDER BY position, id"
    ))
    .fetch_all(db.reader())
    .await?;
    Ok(rows.iter().map(from_row).collect::<Result<_, _>>()?)
}

/// Every environment, read inside a command's transaction.
pub async fn all(tx: &mut Tx) -> Result<Vec<Environment>, AppError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM environments ORDER BY position, id"
    ))
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.iter().map(from_row).collect::<Result<_, _>>()?)
}

pub async fn find(tx: &mut Tx, key: &str) -> Result<Option<Environment>, AppError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM environments WHERE key = $1"
    ))
    .bind(key)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.as_ref().map(from_row).transpose()?)
}

/// Environment ids for keys, refusing unknown keys as field errors under `field_prefix.KEY`.
pub async fn ids_for_keys<'a>(
    tx: &mut Tx,
    keys: impl IntoIterator<Item = &'a String>,
    field_prefix: &str,
) -> Result<Vec<(String, i64)>, AppError> {
    let mut out = Vec::new();
    let mut errors = FieldErrors::new();
    for key in keys {
        match find(tx, key).await? {
            Some(env) => out.push((key.clone(), env.id)),
            None => errors.add(format!("{field_prefix}.{key}"), "Unknown environment"),
        }
    }
    errors.into_result()?;
    Ok(out)
}

fn record(
    env: &Environment,
    action: &'static str,
    before: Option<&Environment>,
    after: Option<&Environment>,
) -> AuditRecord {
    AuditRecord {
        environment: Some(env.key.clone()),
        entity_type: ENTITY,
        entity_id: env.key.clone(),
        entity_label: env.name.clone(),
        action,
        before: before.map(snapshot),
        after: after.map(snapshot),
    }
}

async fn load_for_update(
    tx: &mut Tx,
    key: &str,
    expected_version: i64,
) -> Result<Environment, AppError> {
    let current = find(tx, key)
        .await?
        .ok_or_else(|| AppError::not_found("Environment"))?;
    if current.version != expected_version {
        return Err(conflict(ENTITY, &current));
    }
    Ok(current)
}

impl Command for NewEnvironment {
    type Output = Environment;

    fn authorize(&self, subject: &Subject, _: Option<&Environment>) -> bool {
        may(subject, Action::Write, Resource::Environments)
    }

    /// Every snapshot is per environment: a new one starts serving, a deleted one's SDK keys
    /// stop working, everywhere.
    fn topics(&self) -> &'static [Topic] {
        Topic::ALL
    }

    async fn apply(self, tx: &mut Tx, ctx: &Context<'_>) -> Result<Applied<Environment>, AppError> {
        if find(tx, &self.key).await?.is_some() {
            return Err(AppError::field(
                "key",
                "An environment with this key exists",
            ));
        }
        let position: i64 =
            sqlx::query("SELECT COALESCE(MAX(position), -1) + 1 AS p FROM environments")
                .fetch_one(&mut **tx)
                .await?
                .try_get("p")?;
        let row = sqlx::query(&format!(
            "INSERT INTO environments (key, name, protected, position, version, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 1, $5, $5) RETURNING {COLUMNS}"
        ))
        .bind(&self.key)
        .bind(self.name.trim())
        .bind(flag(self.protected))
        .bind(position)
        .bind(ctx.now)
        .fetch_one(&mut **tx)
        .await?;
        let env = from_row(&row)?;
        let audit = record(&env, "create", None, Some(&env));
        Ok(Applied::one(env, audit))
    }
}

impl Command for UpdateEnvironment {
    type Output = Environment;

    fn authorize(&self, subject: &Subject, _: Option<&Environment>) -> bool {
        may(subject, Action::Write, Resource::Environments)
    }

    /// Every snapshot is per environment: a new one starts serving, a deleted one's SDK keys
    /// stop working, everywhere.
    fn topics(&self) -> &'static [Topic] {
        Topic::ALL
    }

    async fn apply(self, tx: &mut Tx, ctx: &Context<'_>) -> Result<Applied<Environment>, AppError> {
        let before = load_for_update(tx, &self.key, self.version).await?;
        let name = self.name.trim();
        if before.name == name && before.protected == self.protected {
            return Ok(Applied::unchanged(before));
        }
        let row = sqlx::query(&format!(
            "UPDATE environments SET name = $1, protected = $2, version = version + 1, updated_at = $3 \
             WHERE id = $4 AND version = $5 RETURNING {COLUMNS}"
        ))
        .bind(name)
        .bind(flag(self.protected))
        .bind(ctx.now)
        .bind(before.id)
        .bind(self.version)
        .fetch_optional(&mut **tx)
        .await?;
        // Another writer committed between our read and this write.
        let Some(row) = row else {
            return Err(conflict(ENTITY, &find(tx, &self.key).await?));
        };
        let after = from_row(&row)?;
        let audit = record(&after, "update", Some(&before), Some(&after));
        Ok(Applied::one(after, audit))
    }
}

impl Command for DeleteEnvironment {
    type Output = ();

    fn authorize(&self, subject: &Subject, _: Option<&Environment>) -> bool {
        may(subject, Action::Write, Resource::Environments)
    }

    /// Every snapshot is per environment: a new one starts serving, a deleted one's SDK keys
    /// stop working, everywhere.
    fn topics(&self) -> &'static [Topic] {
        Topic::ALL
    }

    async fn apply(self, tx: &mut Tx, _: &Context<'_>) -> Result<Applied<()>, AppError> {
        let before = load_for_update(tx, &self.key, self.version).await?;
        if before.protected {
            return Err(AppError::field(
                "key",
                "Protected environments cannot be deleted; unprotect it first",
            ));
        }
        let remaining: i64 = sqlx::query("SELECT COUNT(*) AS n FROM environments")
            .fetch_one(&mut **tx)
            .await?
            .try_get("n")?;
        if remaining <= 1 {
            return Err(AppError::field(
                "key",
                "The last environment cannot be deleted",
            ));
        }
        let done = sqlx::query("DELETE FROM environments WHERE id = $1 AND version = $2")
            .bind(before.id)
            .bind(self.version)
            .execute(&mut **tx)
            .await?;
        if done.rows_affected() != 1 {
            return Err(conflict(ENTITY, &find(tx, &self.key).await?));
        }
        Ok(Applied::one(
            (),
            record(&before, "delete", Some(&before), None),
        ))
    }
}
