//! The command layer: every mutation, from the dashboard or the REST API, runs through [`execute`],
//! which in ONE transaction checks permission, validates, lets the command check the version the
//! client started from and write, and appends the audit event. Nothing is written unless all of
//! it succeeds.

use super::actor::Actor;
use super::audit_log;
use super::changes::{self, Topic};
use super::db::{Db, Tx};
use super::environments;
use super::keyring::Keyring;
use serde_json::Value;
use std::future::Future;
use switchboard_core::domain::Environment;
use switchboard_core::permissions::Subject;
use switchboard_core::validation::Validate;
use switchboard_error::AppError;

/// What the audit trail records about one change.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRecord {
    pub environment: Option<String>,
    pub entity_type: &'static str,
    pub entity_id: String,
    pub entity_label: String,
    pub action: &'static str,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// A command's result and the records of what it changed (none when it changed nothing, in
/// which case nothing is audited).
pub struct Applied<T> {
    pub output: T,
    pub audit: Vec<AuditRecord>,
}

impl<T> Applied<T> {
    pub fn one(output: T, record: AuditRecord) -> Applied<T> {
        Applied {
            output,
            audit: vec![record],
        }
    }

    /// Nothing changed.
    pub fn unchanged(output: T) -> Applied<T> {
        Applied {
            output,
            audit: Vec::new(),
        }
    }
}

/// Facts a command may need while applying.
pub struct Context<'a> {
    pub actor: &'a Actor,
    /// The environment named by [`Command::environment`], loaded in this transaction.
    pub environment: Option<Environment>,
    pub now: i64,
    /// Seals secret config values.
    pub keyring: &'a Keyring,
}

impl Context<'_> {
    /// The environment the command layer loaded for a command that names one (it refuses unknown
    /// ones before `apply`, so its absence here is a bug, not bad input).
    pub fn env(&self) -> Result<&Environment, AppError> {
        self.environment.as_ref().ok_or(AppError::Internal)
    }
}

/// Owned (`'static`) so validation can run on the blocking pool ([`off_thread`]).
/// Validation is the input type's own [`Validate`] impl, the same rules the browser's forms run,
/// so a command cannot check its input with other words than the form did.
pub trait Command: Validate + Send + 'static {
    type Output: Send;

    /// The environment whose scope decides permission, if the command belongs to one.
    fn environment(&self) -> Option<&str> {
        None
    }

    /// Asks the permission module; `env` is the loaded [`Command::environment`].
    fn authorize(&self, subject: &Subject, env: Option<&Environment>) -> bool;

    /// What running apps read that this command changes (snapshots of these are refreshed).
    fn topics(&self) -> &'static [Topic] {
        &[]
    }

    /// Checks the expected version, writes, and describes the change for the audit trail.
    fn apply(
        self,
        tx: &mut Tx,
        ctx: &Context<'_>,
    ) -> impl Future<Output = Result<Applied<Self::Output>, AppError>> + Send;
}

/// Runs pure but possibly long work on the blocking pool and waits for it. Validation compiles
/// what users typed (regular expressions, JSON Schemas with up to 64 patterns, whole config
/// drafts at publish); the dashboard's server functions run on its single render thread
/// (server/src/render_thread.rs), which must never wait on one request's input.
pub async fn off_thread<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(work).await.map_err(|e| {
        tracing::error!(error = %e, "work moved off the request thread failed");
        AppError::Internal
    })
}

pub async fn execute<C: Command>(
    db: &Db,
    actor: &Actor,
    command: C,
) -> Result<C::Output, AppError> {
    let mut tx = db.begin().await?;
    let environment = match command.environment() {
        Some(key) => Some(
            environments::find(&mut tx, key)
                .await?
                .ok_or_else(|| AppError::not_found("Environment"))?,
        ),
        None => None,
    };
    if !command.authorize(&actor.subject, environment.as_ref()) {
        return Err(AppError::Forbidden);
    }
    let (command, valid) = off_thread(move || {
        let valid = Validate::validate(&command);
        (command, valid)
    })
    .await?;
    valid?;
    let ctx = Context {
        actor,
        environment,
        now: db.now(),
        keyring: db.keyring(),
    };
    let command_topics = command.topics();
    let applied = command.apply(&mut tx, &ctx).await?;
    for record in &applied.audit {
        audit_log::append(&mut tx, actor, ctx.now, record).await?;
    }
    if !applied.audit.is_empty() {
        changes::record(&mut tx, db.backend(), command_topics, ctx.now).await?;
    }
    tx.commit().await?;
    Ok(applied.output)
}

/// An entity as the audit trail shows it: bookkeeping fields that change on every write are left
/// out so the diff shows what a person changed.
pub fn snapshot(entity: &impl serde::Serialize) -> Value {
    let mut value = serde_json::to_value(entity).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut value {
        for noise in [
            "id",
            "version",
            "created_at",
            "updated_at",
            "last_login_at",
            "last_used_at",
        ] {
            map.remove(noise);
        }
    }
    value
}

/// The 409 answer: what is stored now, so the client can show it and let the user redo the edit.
pub fn conflict(entity: &str, current: &impl serde::Serialize) -> AppError {
    AppError::Conflict {
        entity: entity.to_string(),
        current: serde_json::to_value(current).unwrap_or(Value::Null),
    }
}
