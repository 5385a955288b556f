//! Promotion: one environment's rules and fallbacks copied over another's, or over every other
//! environment's in one step. Each target keeps its kill switch (a copy never turns a flag on or
//! off) and is written with its own version check, in the command's one transaction.

use super::commands::{
    FLAGS, load_settings, may_write_flags, record, settings_snapshot, write_settings,
};
use super::store::{default_settings, settings_of};
use crate::changes::Topic;
use crate::command::{Applied, AuditRecord, Command, Context};
use crate::db::Tx;
use crate::environments;
use serde_json::Value;
use switchboard_core::domain::Environment;
use switchboard_core::flags::{CopyFlagSettings, CopyFlagSettingsEverywhere, FlagEnvironment};
use switchboard_core::permissions::{Action, Resource, Subject, may};
use switchboard_error::AppError;

/// The environment copied from, which the actor must be able to read.
async fn source_environment(
    tx: &mut Tx,
    ctx: &Context<'_>,
    key: &str,
) -> Result<Environment, AppError> {
    let source = environments::find(tx, key)
        .await?
        .ok_or_else(|| AppError::field("from", "Unknown environment"))?;
    if !may(
        &ctx.actor.subject,
        Action::Read,
        Resource::Flags(source.scope()),
    ) {
        return Err(AppError::Forbidden);
    }
    Ok(source)
}

/// `source`'s settings written over `target`'s (seen by the client at `version`), and the audit
/// record; no record when the two already agree.
async fn copy_into(
    tx: &mut Tx,
    ctx: &Context<'_>,
    flag_key: &str,
    source: &Environment,
    target: &Environment,
    version: i64,
) -> Result<(FlagEnvironment, Option<AuditRecord>), AppError> {
    let (flag, before) = load_settings(tx, flag_key, target, version).await?;
    let from = settings_of(tx, flag.id)
        .await?
        .into_iter()
        .find(|s| s.environment == source.key)
        .map(|s| s.parse())
        .transpose()
        .map_err(|_| AppError::Internal)?
        .unwrap_or_else(|| default_settings(&flag, &source.key));
    let after = FlagEnvironment {
        enabled: before.enabled,
        environment: target.key.clone(),
        ..from
    };
    if settings_snapshot(&after) == settings_snapshot(&before) && before.version > 0 {
        return Ok((before, None));
    }
    // Whether another flag may be required is a question about the target environment.
    super::prerequisites::check(tx, target, &flag.key, &after.prerequisites).await?;
    let saved = write_settings(tx, &flag, target, &after, version, ctx.now).await?;
    let mut audit = record(
        &flag,
        Some(&target.key),
        "copy_settings",
        Some(settings_snapshot(&before)),
        Some(settings_snapshot(&saved)),
    );
    if let Some(Value::Object(map)) = audit.after.as_mut() {
        map.insert("copied_from".into(), Value::String(source.key.clone()));
    }
    Ok((saved, Some(audit)))
}

impl Command for CopyFlagSettings {
    type Output = FlagEnvironment;

    fn environment(&self) -> Option<&str> {
        Some(&self.to)
    }

    fn authorize(&self, subject: &Subject, env: Option<&Environment>) -> bool {
        may_write_flags(subject, env)
    }

    fn topics(&self) -> &'static [Topic] {
        FLAGS
    }

    async fn apply(
        self,
        tx: &mut Tx,
        ctx: &Context<'_>,
    ) -> Result<Applied<FlagEnvironment>, AppError> {
        let target = ctx.env()?;
        let source = source_environment(tx, ctx, &self.from).await?;
        let (saved, audit) = copy_into(tx, ctx, &self.flag, &source, target, self.version).await?;
        Ok(Applied {
            output: saved,
            audit: audit.into_iter().collect(),
        })
    }
}

impl Command for CopyFlagSettingsEverywhere {
    type Output = Vec<FlagEnvironment>;

    /// Which environments it writes is known only in the transaction; each is checked there,
    /// before anything is written.
    fn authorize(&self, subject: &Subject, _: Option<&Environment>) -> bool {
        may(
            subject,
            Action::Read,
            Resource::FlagDefinition { live_in: &[] },
        )
    }

    fn topics(&self) -> &'static [Topic] {
        FLAGS
    }

    async fn apply(
        self,
        tx: &mut Tx,
        ctx: &Context<'_>,
    ) -> Result<Applied<Vec<FlagEnvironment>>, AppError> {
        let source = source_environment(tx, ctx, &self.from).await?;
        let targets: Vec<Environment> = environments::all(tx)
            .await?
            .into_iter()
            .filter(|e| e.key != source.key)
            .collect();
        if targets
            .iter()
            .any(|t| !may_write_flags(&ctx.actor.subject, Some(t)))
        {
            return Err(AppError::Forbidden);
        }
        for listed in self.versions.keys() {
            if !targets.iter().any(|t| &t.key == listed) {
                return Err(AppError::field(
                    &format!("versions.{listed}"),
                    "Unknown environment",
                ));
            }
        }
        let mut applied = Applied {
            output: Vec::new(),
            audit: Vec::new(),
        };
        for target in &targets {
            let Some(&version) = self.versions.get(&target.key) else {
                return Err(AppError::field(
                    "versions",
                    format!(
                        "{} is not listed (added since?): reload and try again",
                        target.name
                    ),
                ));
            };
            let (saved, audit) = copy_into(tx, ctx, &self.flag, &source, target, version).await?;
            applied.output.push(saved);
            applied.audit.extend(audit);
        }
        Ok(applied)
    }
}
