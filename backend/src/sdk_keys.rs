//! SDK keys for the delivery APIs: issue (secret shown once, digest stored), list, revoke, and an
//! in-memory index so authenticating a delivery request never touches the database.

use super::actor::Actor;
use super::changes::Topic;
use super::command::{Applied, AuditRecord, Command, Context, conflict};
use super::db::{Db, Tx};
use super::secrets;
use serde_json::json;
use sha2::Digest as _;
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, RwLock};
use switchboard_core::domain::{
    Environment, KeyScope, NewSdkKey, RevokeSdkKey, SdkKey, SdkKeyCreated,
};
use switchboard_core::permissions::{Action, Resource, Subject, may};
use switchboard_error::AppError;

pub const PREFIX: &str = "sb_sdk_";
const SHOWN_CHARS: usize = 14;
const ENTITY: &str = "sdk_key";
const KEYS: &[Topic] = &[Topic::SdkKeys];
const SELECT: &str = "SELECT k.id, e.key AS environment, k.name, k.prefix, k.created_by, k.created_at, k.last_used_at, \
     k.revoked_at, k.version, k.read_secrets, k.namespaces, k.menus FROM sdk_keys k \
     JOIN environments e ON e.id = k.environment_id";

/// A scope list as stored: a JSON array, or NULL for everything.
fn list_from_column(text: Option<String>) -> Result<Option<Vec<String>>, sqlx::Error> {
    text.map(|t| serde_json::from_str(&t).map_err(|e| sqlx::Error::Decode(Box::new(e))))
        .transpose()
}

fn list_to_column(list: Option<&Vec<String>>) -> Option<String> {
    list.map(|l| serde_json::Value::from(l.clone()).to_string())
}

fn scope_from_row(row: &AnyRow) -> Result<KeyScope, sqlx::Error> {
    Ok(KeyScope {
        read_secrets: row.try_get::<i64, _>("read_secrets")? != 0,
        namespaces: list_from_column(row.try_get("namespaces")?)?,
        menus: list_from_column(row.try_get("menus")?)?,
    })
}

fn from_row(row: &AnyRow) -> Result<SdkKey, sqlx::Error> {
    Ok(SdkKey {
        id: row.try_get("id")?,
        environment: row.try_get("environment")?,
        name: row.try_get("name")?,
        prefix: row.try_get("prefix")?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
        last_used_at: row.try_get("last_used_at")?,
        revoked_at: row.try_get("revoked_at")?,
        version: row.try_get("version")?,
        scope: scope_from_row(row)?,
    })
}

/// The keys of one environment, for its admins.
pub async fn list(
    db: &Db,
    actor: &Actor,
    environment: &Environment,
) -> Result<Vec<SdkKey>, AppError> {
    actor.ensure(Action::Read, Resource::SdkKeys(environment.scope()))?;
    let rows = sqlx::query(&format!(
        "{SELECT} WHERE e.key = $1 ORDER BY k.revoked_at IS NOT NULL, k.id DESC"
    ))
    .bind(&environment.key)
    .fetch_all(db.reader())
    .await?;
    Ok(rows.iter().map(from_row).collect::<Result<_, _>>()?)
}

async fn find(tx: &mut Tx, id: i64) -> Result<Option<SdkKey>, AppError> {
    let row = sqlx::query(&format!("{SELECT} WHERE k.id = $1"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(row.as_ref().map(from_row).transpose()?)
}

fn record(
    key: &SdkKey,
    action: &'static str,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> AuditRecord {
    AuditRecord {
        environment: Some(key.environment.clone()),
        entity_type: ENTITY,
        entity_id: key.id.to_string(),
        entity_label: key.name.clone(),
        action,
        before,
        after,
    }
}

fn manage(subject: &Subject, env: Option<&Environment>) -> bool {
    env.is_some_and(|e| may(subject, Action::Write, Resource::SdkKeys(e.scope())))
}

impl Command for NewSdkKey {
    type Output = SdkKeyCreated;

    fn environment(&self) -> Option<&str> {
        Some(&self.environment)
    }

    fn authorize(&self, subject: &Subject, env: Option<&Environment>) -> bool {
        manage(subject, env)
    }

    fn topics(&self) -> &'static [Topic] {
        KEYS
    }

    async fn apply(
        self,
        tx: &mut Tx,
        ctx: &Context<'_>,
    ) -> Result<Applied<SdkKeyCreated>, AppError> {
        let env = ctx.env()?;
        let secret = secrets::generate(PREFIX);
        let prefix: String = secret.chars().take(SHOWN_CHARS).collect();
        let id: i64 = sqlx::query(
            "INSERT INTO sdk_keys (environment_id, name, prefix, secret_hash, created_by, created_at, \
             version, read_secrets, namespaces, menus) VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8, $9) \
             RETURNING id",
        )
        .bind(env.id)
        .bind(self.name.trim())
        .bind(&prefix)
        .bind(secrets::digest(&secret))
        .bind(&ctx.actor.name)
        .bind(ctx.now)
        .bind(i64::from(self.scope.read_secrets))
        .bind(list_to_column(self.scope.namespaces.as_ref()))
        .bind(list_to_column(self.scope.menus.as_ref()))
        .fetch_one(&mut **tx)
        .await?
        .try_get("id")?;
        let key = find(tx, id).await?.ok_or(AppError::Internal)?;
        let audit = record(
            &key,
            "create",
            None,
            Some(json!({"name": key.name, "prefix": key.prefix, "scope": key.scope})),
        );
        Ok(Applied::one(SdkKeyCreated { key, secret }, audit))
    }
}

impl Command for RevokeSdkKey {
    type Output = SdkKey;

    fn environment(&self) -> Option<&str> {
        Some(&self.environment)
    }

    fn authorize(&self, subject: &Subject, env: Option<&Environment>) -> bool {
        manage(subject, env)
    }

    fn topics(&self) -> &'static [Topic] {
        KEYS
    }

    async fn apply(self, tx: &mut Tx, ctx: &Context<'_>) -> Result<Applied<SdkKey>, AppError> {
        let before = find(tx, self.id)
            .await?
            .filter(|k| k.environment == self.environment)
            .ok_or_else(|| AppError::not_found("SDK key"))?;
        if before.version != self.version {
            return Err(conflict(ENTITY, &before));
        }
        if before.revoked_at.is_some() {
            return Ok(Applied::unchanged(before));
        }
        let done = sqlx::query("UPDATE sdk_keys SET revoked_at = $1, version = version + 1 WHERE id = $2 AND version = $3")
            .bind(ctx.now)
            .bind(self.id)
            .bind(self.version)
            .execute(&mut **tx)
            .await?;
        if done.rows_affected() != 1 {
            return Err(conflict(ENTITY, &find(tx, self.id).await?));
        }
        let after = find(tx, self.id).await?.ok_or(AppError::Internal)?;
        let audit = record(
            &after,
            "revoke",
            Some(json!({"revoked": false})),
            Some(json!({"revoked": true})),
        );
        Ok(Applied::one(after, audit))
    }
}

/// A live key as the delivery APIs see it.
#[derive(Debug)]
pub struct KeyEntry {
    pub id: i64,
    pub environment: String,
    pub scope: KeyScope,
    /// Opens this key's OFREP change stream and nothing else (see [`events_token`]).
    pub events_token: String,
    /// Last use in milliseconds, recorded in memory and flushed to the database periodically.
    last_used: AtomicI64,
    flushed: AtomicI64,
    /// Turns true when the key is revoked (or its environment deleted): the streams it holds open
    /// end then, as its requests are refused then. Shared by every reload's entry of the key.
    revoked: Arc<tokio::sync::watch::Sender<bool>>,
}

impl KeyEntry {
    /// Resolves to true once the key is revoked.
    pub fn revoked(&self) -> tokio::sync::watch::Receiver<bool> {
        self.revoked.subscribe()
    }
}

/// The token in a key's OFREP change-stream URL. Browsers open the stream with `EventSource`,
/// which cannot send the key in a header, and the key itself must not travel in URLs (logs,
/// proxies, browser history). Derived from the key's stored digest, it is the same on every
/// replica, opens the change stream only (which carries ETags, never flag data), and stops
/// working when the key is revoked.
pub fn events_token(digest: &str) -> String {
    let mac = sha2::Sha256::digest(format!("switchboard ofrep events\n{digest}").as_bytes());
    format!("sbe_{}", &hex::encode(mac)[..40])
}

/// The SHA-256 digest of a key's secret, as bytes: looked up on every delivery request, where
/// the hex text the database stores would cost an allocation and a longer hash each time.
type Digest32 = [u8; 32];

/// Digest of every unrevoked key, to the key; and events token to the key.
#[derive(Default)]
pub struct KeyIndex {
    current: RwLock<Arc<HashMap<Digest32, Arc<KeyEntry>>>>,
    by_events_token: RwLock<Arc<HashMap<String, Arc<KeyEntry>>>>,
}

impl KeyIndex {
    pub async fn reload(&self, db: &Db) -> Result<(), AppError> {
        let rows = sqlx::query(
            "SELECT k.id, k.secret_hash, k.last_used_at, e.key AS environment, k.read_secrets, \
             k.namespaces, k.menus FROM sdk_keys k \
             JOIN environments e ON e.id = k.environment_id WHERE k.revoked_at IS NULL",
        )
        .fetch_all(db.reader())
        .await?;
        let old = self.snapshot();
        let mut map = HashMap::with_capacity(rows.len());
        for row in rows {
            let hash: String = row.try_get("secret_hash")?;
            let mut digest: Digest32 = [0; 32];
            if hex::decode_to_slice(&hash, &mut digest).is_err() {
                // Not written by `create` (it stores a SHA-256 hex digest): no secret matches it.
                tracing::warn!(
                    id = row.try_get::<i64, _>("id")?,
                    "an SDK key's stored digest is unreadable; it is skipped"
                );
                continue;
            }
            let stored: Option<i64> = row.try_get("last_used_at")?;
            // Keep in-memory use times not yet flushed.
            let used = old
                .get(&digest)
                .map(|e| e.last_used.load(Ordering::Relaxed))
                .unwrap_or(0)
                .max(stored.unwrap_or(0));
            let revoked = old
                .get(&digest)
                .map(|e| e.revoked.clone())
                .unwrap_or_else(|| Arc::new(tokio::sync::watch::channel(false).0));
            map.insert(
                digest,
                Arc::new(KeyEntry {
                    id: row.try_get("id")?,
                    environment: row.try_get("environment")?,
                    scope: scope_from_row(&row)?,
                    events_token: events_token(&hash),
                    last_used: AtomicI64::new(used),
                    flushed: AtomicI64::new(stored.unwrap_or(0)),
                    revoked,
                }),
            );
        }
        let gone: Vec<Arc<KeyEntry>> = old
            .iter()
            .filter(|(digest, _)| !map.contains_key(*digest))
            .map(|(_, e)| e.clone())
            .collect();
        let by_token = map
            .values()
            .map(|e| (e.events_token.clone(), e.clone()))
            .collect();
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(map);
        *self
            .by_events_token
            .write()
            .unwrap_or_else(|p| p.into_inner()) = Arc::new(by_token);
        // After the swap, so a stream that ends finds its key refused if it reconnects.
        for entry in gone {
            entry.revoked.send_replace(true);
        }
        Ok(())
    }

    fn snapshot(&self) -> Arc<HashMap<Digest32, Arc<KeyEntry>>> {
        self.current
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// The live key whose events token this is.
    pub fn by_events_token(&self, token: &str) -> Option<Arc<KeyEntry>> {
        self.by_events_token
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(token)
            .cloned()
    }

    /// The key behind a presented secret, if it is live; records the use.
    pub fn authenticate(&self, secret: &str, now: i64) -> Option<Arc<KeyEntry>> {
        if !secret.starts_with(PREFIX) {
            return None;
        }
        let entry = self
            .snapshot()
            .get(&secrets::digest_bytes(secret))
            .cloned()?;
        entry.last_used.store(now, Ordering::Relaxed);
        Some(entry)
    }

    /// Writes use times recorded since the last flush.
    pub async fn flush_usage(&self, db: &Db) -> Result<(), AppError> {
        for entry in self.snapshot().values() {
            let used = entry.last_used.load(Ordering::Relaxed);
            if used > entry.flushed.load(Ordering::Relaxed) {
                sqlx::query("UPDATE sdk_keys SET last_used_at = $1 WHERE id = $2")
                    .bind(used)
                    .bind(entry.id)
                    .execute(db.writer())
                    .await?;
                entry.flushed.store(used, Ordering::Relaxed);
            }
        }
        Ok(())
    }
}
