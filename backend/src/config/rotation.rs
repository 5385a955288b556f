//! `switchboard rotate-secrets`: seals every secret config value that an older key sealed again
//! with the current key, in one transaction, so the older keys can then be dropped from
//! `SWITCHBOARD_SECRET_KEYS`. What apps receive does not change, so releases keep their versions.

use crate::command::{Applied, AuditRecord, Command, Context};
use crate::db::Tx;
use crate::keyring::{self, Keyring};
use serde_json::json;
use sqlx::Row;
use switchboard_core::config::Entry;
use switchboard_core::domain::Environment;
use switchboard_core::permissions::Subject;
use switchboard_core::validation::{FieldErrors, Validate};
use switchboard_error::AppError;

/// Seal secrets again with the current key.
pub struct RotateSecrets;

/// The operator's command has no input.
impl Validate for RotateSecrets {
    fn validate(&self) -> Result<(), FieldErrors> {
        Ok(())
    }
}

/// How many sealed values were sealed again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Rotated {
    pub draft_values: usize,
    pub release_values: usize,
}

fn reseal(keys: &Keyring, namespace: &str, key: &str, sealed: &str) -> Result<String, AppError> {
    let context = keyring::context(namespace, key);
    let plain = keys.open(&context, sealed).map_err(|problem| {
        AppError::field(
            "keys",
            format!("The secret {namespace}/{key} cannot be read: {problem}"),
        )
    })?;
    keys.seal(&context, &plain)
        .ok_or_else(|| AppError::field("keys", "No current key: set SWITCHBOARD_SECRET_KEYS"))
}

async fn drafts(tx: &mut Tx, keys: &Keyring) -> Result<usize, AppError> {
    let rows = sqlx::query(
        "SELECT d.namespace_id, d.environment_id, d.key, d.value, n.key AS namespace \
         FROM config_draft_entries d JOIN config_namespaces n ON n.id = d.namespace_id \
         WHERE d.secret = 1",
    )
    .fetch_all(&mut **tx)
    .await?;
    let mut count = 0;
    for row in rows {
        let (namespace, key, value): (String, String, String) = (
            row.try_get("namespace")?,
            row.try_get("key")?,
            row.try_get("value")?,
        );
        if !keys.is_stale(&value) {
            continue;
        }
        let fresh = reseal(keys, &namespace, &key, &value)?;
        // Compare-and-set on the sealed value: an edit that raced in keeps its own sealing.
        let done = sqlx::query(
            "UPDATE config_draft_entries SET value = $1 WHERE namespace_id = $2 \
             AND environment_id = $3 AND key = $4 AND value = $5",
        )
        .bind(&fresh)
        .bind(row.try_get::<i64, _>("namespace_id")?)
        .bind(row.try_get::<i64, _>("environment_id")?)
        .bind(&key)
        .bind(&value)
        .execute(&mut **tx)
        .await?;
        count += done.rows_affected() as usize;
    }
    Ok(count)
}

async fn releases(tx: &mut Tx, keys: &Keyring) -> Result<usize, AppError> {
    let rows = sqlx::query(
        "SELECT r.id, r.content AS entries, n.key AS namespace FROM releases r \
         JOIN config_namespaces n ON n.id = r.subject_id \
         WHERE r.subject = 'config' AND r.content LIKE '%\"secret\":true%'",
    )
    .fetch_all(&mut **tx)
    .await?;
    let mut count = 0;
    for row in rows {
        let (id, text, namespace): (i64, String, String) = (
            row.try_get("id")?,
            row.try_get("entries")?,
            row.try_get("namespace")?,
        );
        let mut entries: Vec<Entry> = serde_json::from_str(&text).map_err(|e| {
            tracing::error!(id, error = %e, "stored release entries do not read");
            AppError::Internal
        })?;
        let mut changed = 0;
        for e in entries
            .iter_mut()
            .filter(|e| e.secret && keys.is_stale(&e.value))
        {
            e.value = reseal(keys, &namespace, &e.key, &e.value)?;
            changed += 1;
        }
        if changed == 0 {
            continue;
        }
        let fresh = serde_json::to_string(&entries).map_err(|_| AppError::Internal)?;
        let done = sqlx::query("UPDATE releases SET content = $1 WHERE id = $2 AND content = $3")
            .bind(&fresh)
            .bind(id)
            .bind(&text)
            .execute(&mut **tx)
            .await?;
        if done.rows_affected() == 1 {
            count += changed;
        }
    }
    Ok(count)
}

impl Command for RotateSecrets {
    type Output = Rotated;

    fn authorize(&self, subject: &Subject, _: Option<&Environment>) -> bool {
        subject.admin
    }

    async fn apply(self, tx: &mut Tx, ctx: &Context<'_>) -> Result<Applied<Rotated>, AppError> {
        let Some(current) = ctx.keyring.current_id() else {
            return Err(AppError::field(
                "keys",
                "No key is configured: set SWITCHBOARD_SECRET_KEYS",
            ));
        };
        let rotated = Rotated {
            draft_values: drafts(tx, ctx.keyring).await?,
            release_values: releases(tx, ctx.keyring).await?,
        };
        if rotated == Rotated::default() {
            return Ok(Applied::unchanged(rotated));
        }
        let audit = AuditRecord {
            environment: None,
            entity_type: "config_secrets",
            entity_id: current.to_string(),
            entity_label: format!("secret config values, key {current}"),
            action: "secrets.rotate",
            before: None,
            after: Some(json!({
                "key": current,
                "draft_values": rotated.draft_values,
                "release_values": rotated.release_values,
            })),
        };
        Ok(Applied::one(rotated, audit))
    }
}
