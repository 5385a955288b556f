//! Commands that change flags. Each runs through the command layer: permission, validation,
//! version check, write and audit in one transaction; each changes what OFREP serves.

use super::store::{self, default_settings, find_flag, settings_of};
use crate::changes::Topic;
use crate::command::{Applied, AuditRecord, Command, Context, conflict};
use crate::db::{Tx, flag as int_bool};
use crate::environments;
use serde_json::{Value, json};
use switchboard_core::domain::Environment;
use switchboard_core::flags::reach::{Stored, definition_reach};
use switchboard_core::flags::{
    Flag, FlagEnvironment, FlagKind, NewFlag, SaveFlagSettings, SetFlagArchived, SetFlagEnabled,
    UpdateFlag, Variant,
};
use switchboard_core::permissions::{Action, EnvScope, Resource, Subject, may};
use switchboard_core::validation::FieldErrors;
use switchboard_core::validation::flags::check_settings;
use switchboard_error::AppError;

const ENTITY: &str = "flag";
pub(super) const FLAGS: &[Topic] = &[Topic::Flags];

fn definition_snapshot(f: &Flag) -> Value {
    json!({"name": f.name, "description": f.description, "tags": f.tags, "owner": f.owner, "kind": f.kind, "variants": f.variants, "archived": f.archived})
}

pub(super) fn settings_snapshot(s: &FlagEnvironment) -> Value {
    let mut snapshot = json!({"enabled": s.enabled, "off_variant": s.off_variant, "default_variant": s.default_variant, "rules": s.rules});
    // Only when there are any: settings saved before prerequisites existed read as they did.
    if !s.prerequisites.is_empty() {
        snapshot["prerequisites"] = json!(s.prerequisites);
    }
    snapshot
}

pub(super) fn record(
    flag: &Flag,
    environment: Option<&str>,
    action: &'static str,
    before: Option<Value>,
    after: Option<Value>,
) -> AuditRecord {
    AuditRecord {
        environment: environment.map(str::to_string),
        entity_type: ENTITY,
        entity_id: flag.key.clone(),
        entity_label: flag.name.clone(),
        action,
        before,
        after,
    }
}

async fn load_flag(tx: &mut Tx, key: &str) -> Result<Flag, AppError> {
    find_flag(tx, key)
        .await?
        .ok_or_else(|| AppError::not_found("Flag"))
}

/// Answers 403 unless the subject may change flags in every environment whose served result
/// changes when the flag's definition goes from `before` to `after` (`None`: no such flag).
async fn ensure_definition_write(
    tx: &mut Tx,
    subject: &Subject,
    before: Option<&Flag>,
    after: Option<&Flag>,
) -> Result<(), AppError> {
    let envs = environments::all(tx).await?;
    let stored = match before {
        Some(f) => settings_of(tx, f.id).await?,
        None => Vec::new(),
    };
    let parsed: Vec<(String, Result<FlagEnvironment, String>)> = stored
        .iter()
        .map(|s| (s.environment.clone(), s.parse()))
        .collect();
    let pairs: Vec<(&str, Stored<'_>)> = envs
        .iter()
        .map(|e| {
            let s = match parsed.iter().find(|(k, _)| *k == e.key) {
                None => Stored::Absent,
                Some((_, Ok(s))) => Stored::Settings(s),
                Some((_, Err(_))) => Stored::Unreadable,
            };
            (e.key.as_str(), s)
        })
        .collect();
    let reach = definition_reach(before, after, &pairs);
    let scopes: Vec<EnvScope<'_>> = envs
        .iter()
        .filter(|e| reach.contains(&e.key.as_str()))
        .map(Environment::scope)
        .collect();
    if may(
        subject,
        Action::Write,
        Resource::FlagDefinition { live_in: &scopes },
    ) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Answers 403 unless the subject may create the flag: a new flag is served (off) in every
/// environment at once, so its reach is worked out like any definition change.
pub(super) async fn ensure_creation_allowed(
    tx: &mut Tx,
    subject: &Subject,
    key: &str,
    kind: FlagKind,
    variants: &[Variant],
) -> Result<(), AppError> {
    let probe = Flag {
        id: 0,
        key: key.to_string(),
        name: String::new(),
        description: String::new(),
        tags: Vec::new(),
        owner: String::new(),
        kind,
        variants: variants.to_vec(),
        archived: false,
        version: 0,
        created_at: 0,
        updated_at: 0,
    };
    ensure_definition_write(tx, subject, None, Some(&probe)).await
}

async fn bump_flag(tx: &mut Tx, flag: &Flag, expected: i64, now: i64) -> Result<(), AppError> {
    let done = sqlx::query(
        "UPDATE flags SET version = version + 1, updated_at = $1 WHERE id = $2 AND version = $3",
    )
    .bind(now)
    .bind(flag.id)
    .bind(expected)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(conflict(ENTITY, &find_flag(tx, &flag.key).await?));
    }
    Ok(())
}

impl Command for NewFlag {
    type Output = Flag;

    fn authorize(&self, subject: &Subject, _: Option<&Environment>) -> bool {
        may(
            subject,
            Action::Write,
            Resource::FlagDefinition { live_in: &[] },
        )
    }

    fn topics(&self) -> &'static [Topic] {
        FLAGS
    }

    async fn apply(self, tx: &mut Tx, ctx: &Context<'_>) -> Result<Applied<Flag>, AppError> {
        if find_flag(tx, &self.key).await?.is_some() {
            return Err(AppError::field("key", "A flag with this key exists"));
        }
        let variants: Vec<Variant> = if self.kind == FlagKind::Boolean {
            Variant::boolean_pair()
        } else {
            self.variants
        };
        ensure_creation_allowed(tx, &ctx.actor.subject, &self.key, self.kind, &variants).await?;
        let row = sqlx::query(&format!(
            "INSERT INTO flags (key, name, description, tags, owner, kind, variants, archived, version, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 1, $8, $8) ON CONFLICT DO NOTHING RETURNING {}",
            store::FLAG_COLUMNS
        ))
        .bind(&self.key)
        .bind(self.name.trim())
        .bind(&self.description)
        .bind(serde_json::to_string(&self.tags).unwrap_or_default())
        .bind(self.owner.trim())
        .bind(self.kind.as_str())
        .bind(serde_json::to_string(&variants).unwrap_or_default())
        .bind(ctx.now)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| AppError::field("key", "A flag with this key exists"))?;
        let flag = store::flag_from_row(&row)?;
        let audit = record(
            &flag,
            None,
            "create",
            None,
            Some(definition_snapshot(&flag)),
        );
        Ok(Applied::one(flag, audit))
    }
}

impl Command for UpdateFlag {
    type Output = Flag;

    fn authorize(&self, subject: &Subject, _: Option<&Environment>) -> bool {
        may(
            subject,
            Action::Write,
            Resource::FlagDefinition { live_in: &[] },
        )
    }

    fn topics(&self) -> &'static [Topic] {
        FLAGS
    }

    async fn apply(self, tx: &mut Tx, ctx: &Context<'_>) -> Result<Applied<Flag>, AppError> {
        let before = load_flag(tx, &self.key).await?;
        if before.version != self.version {
            return Err(conflict(ENTITY, &before));
        }
        self.validate_for(before.kind)?;
        // A variant still served somewhere cannot go.
        let kept: std::collections::HashSet<&str> =
            self.variants.iter().map(|v| v.key.as_str()).collect();
        let mut errors = FieldErrors::new();
        for stored in settings_of(tx, before.id).await? {
            let Ok(settings) = stored.parse() else {
                continue;
            };
            let mut used = vec![
                settings.off_variant.as_str(),
                settings.default_variant.as_str(),
            ];
            for rule in &settings.rules {
                match &rule.serve {
                    switchboard_core::flags::Serve::Variant { variant } => used.push(variant),
                    switchboard_core::flags::Serve::Split(s) => {
                        used.extend(s.variants.iter().map(|w| w.variant.as_str()))
                    }
                }
            }
            if let Some(missing) = used.into_iter().find(|v| !kept.contains(v)) {
                errors.add(
                    "variants",
                    format!(
                        "Variant {missing} is still served in {}",
                        settings.environment
                    ),
                );
            }
        }
        errors.into_result()?;
        let after_probe = Flag {
            name: self.name.trim().to_string(),
            description: self.description.clone(),
            tags: self.tags.clone(),
            owner: self.owner.trim().to_string(),
            variants: self.variants.clone(),
            ..before.clone()
        };
        if definition_snapshot(&after_probe) == definition_snapshot(&before) {
            return Ok(Applied::unchanged(before));
        }
        ensure_definition_write(tx, &ctx.actor.subject, Some(&before), Some(&after_probe)).await?;
        bump_flag(tx, &before, self.version, ctx.now).await?;
        sqlx::query("UPDATE flags SET name = $1, description = $2, tags = $3, owner = $4, variants = $5 WHERE id = $6")
            .bind(&after_probe.name)
            .bind(&after_probe.description)
            .bind(serde_json::to_string(&after_probe.tags).unwrap_or_default())
            .bind(&after_probe.owner)
            .bind(serde_json::to_string(&after_probe.variants).unwrap_or_default())
            .bind(before.id)
            .execute(&mut **tx)
            .await?;
        let after = load_flag(tx, &self.key).await?;
        let audit = record(
            &after,
            None,
            "update",
            Some(definition_snapshot(&before)),
            Some(definition_snapshot(&after)),
        );
        Ok(Applied::one(after, audit))
    }
}

impl Command for SetFlagArchived {
    type Output = Flag;

    fn authorize(&self, subject: &Subject, _: Option<&Environment>) -> bool {
        may(
            subject,
            Action::Write,
            Resource::FlagDefinition { live_in: &[] },
        )
    }

    fn topics(&self) -> &'static [Topic] {
        FLAGS
    }

    async fn apply(self, tx: &mut Tx, ctx: &Context<'_>) -> Result<Applied<Flag>, AppError> {
        let before = load_flag(tx, &self.key).await?;
        if before.version != self.version {
            return Err(conflict(ENTITY, &before));
        }
        if before.archived == self.archived {
            return Ok(Applied::unchanged(before));
        }
        let after_probe = Flag {
            archived: self.archived,
            ..before.clone()
        };
        ensure_definition_write(tx, &ctx.actor.subject, Some(&before), Some(&after_probe)).await?;
        if self.archived {
            let requiring = super::prerequisites::requiring(&mut **tx, None, &before.key).await?;
            if let Some(r) = requiring.first() {
                return Err(AppError::field(
                    "archived",
                    format!(
                        "{} requires this flag in {}{}; remove that prerequisite first",
                        r.flag,
                        r.environment,
                        match requiring.len() {
                            1 => String::new(),
                            n => format!(" (and {} more)", n - 1),
                        }
                    ),
                ));
            }
        }
        bump_flag(tx, &before, self.version, ctx.now).await?;
        sqlx::query("UPDATE flags SET archived = $1 WHERE id = $2")
            .bind(int_bool(self.archived))
            .bind(before.id)
            .execute(&mut **tx)
            .await?;
        let after = load_flag(tx, &self.key).await?;
        let action = if self.archived { "archive" } else { "restore" };
        let audit = record(
            &after,
            None,
            action,
            Some(json!({"archived": before.archived})),
            Some(json!({"archived": after.archived})),
        );
        Ok(Applied::one(after, audit))
    }
}

/// The flag (not archived) and its stored settings in `environment`, checked against the version
/// the client started from (0: never configured).
pub(super) async fn load_settings(
    tx: &mut Tx,
    key: &str,
    environment: &Environment,
    expected: i64,
) -> Result<(Flag, FlagEnvironment), AppError> {
    let flag = load_flag(tx, key).await?;
    if flag.archived {
        return Err(AppError::bad_request(
            "The flag is archived; restore it to change its settings",
        ));
    }
    let stored = settings_of(tx, flag.id)
        .await?
        .into_iter()
        .find(|s| s.environment == environment.key);
    let current = match &stored {
        Some(s) => s.parse().map_err(|_| AppError::Internal)?,
        None => default_settings(&flag, &environment.key),
    };
    if current.version != expected {
        return Err(conflict("flag settings", &current));
    }
    Ok((flag, current))
}

pub(super) async fn write_settings(
    tx: &mut Tx,
    flag: &Flag,
    env: &Environment,
    s: &FlagEnvironment,
    expected: i64,
    now: i64,
) -> Result<FlagEnvironment, AppError> {
    let rules = serde_json::to_string(&s.rules).unwrap_or_else(|_| "[]".into());
    let prerequisites = serde_json::to_string(&s.prerequisites).unwrap_or_else(|_| "[]".into());
    let done = if expected == 0 {
        sqlx::query(
            "INSERT INTO flag_settings (flag_id, environment_id, enabled, off_variant, default_variant, rules, prerequisites, version, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8) ON CONFLICT DO NOTHING",
        )
        .bind(flag.id)
        .bind(env.id)
        .bind(int_bool(s.enabled))
        .bind(&s.off_variant)
        .bind(&s.default_variant)
        .bind(&rules)
        .bind(&prerequisites)
        .bind(now)
        .execute(&mut **tx)
        .await?
    } else {
        sqlx::query(
            "UPDATE flag_settings SET enabled = $1, off_variant = $2, default_variant = $3, rules = $4, prerequisites = $5, \
             version = version + 1, updated_at = $6 WHERE flag_id = $7 AND environment_id = $8 AND version = $9",
        )
        .bind(int_bool(s.enabled))
        .bind(&s.off_variant)
        .bind(&s.default_variant)
        .bind(&rules)
        .bind(&prerequisites)
        .bind(now)
        .bind(flag.id)
        .bind(env.id)
        .bind(expected)
        .execute(&mut **tx)
        .await?
    };
    let stored = settings_of(tx, flag.id)
        .await?
        .into_iter()
        .find(|x| x.environment == env.key);
    if done.rows_affected() != 1 {
        // Someone else wrote between our read and this write.
        let current = stored
            .map(|x| x.parse())
            .transpose()
            .map_err(|_| AppError::Internal)?;
        return Err(conflict("flag settings", &current));
    }
    stored
        .ok_or(AppError::Internal)?
        .parse()
        .map_err(|_| AppError::Internal)
}

pub(super) fn may_write_flags(subject: &Subject, env: Option<&Environment>) -> bool {
    env.is_some_and(|e| may(subject, Action::Write, Resource::Flags(e.scope())))
}

impl Command for SaveFlagSettings {
    type Output = FlagEnvironment;

    fn environment(&self) -> Option<&str> {
        Some(&self.environment)
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
        let env = ctx.env()?;
        let (flag, before) = load_settings(tx, &self.flag, env, self.version).await?;
        let mut errors = FieldErrors::new();
        check_settings(
            &self,
            &flag.variants,
            &store::segment_keys(tx).await?,
            &mut errors,
        );
        errors.into_result()?;
        if let Some(prerequisites) = &self.prerequisites {
            super::prerequisites::check(tx, env, &flag.key, prerequisites).await?;
        }
        let after = FlagEnvironment {
            environment: env.key.clone(),
            enabled: self.enabled,
            off_variant: self.off_variant.clone(),
            default_variant: self.default_variant.clone(),
            prerequisites: self
                .prerequisites
                .clone()
                .unwrap_or_else(|| before.prerequisites.clone()),
            rules: self.rules.clone(),
            version: before.version,
            updated_at: before.updated_at,
        };
        if settings_snapshot(&after) == settings_snapshot(&before) && before.version > 0 {
            return Ok(Applied::unchanged(before));
        }
        let saved = write_settings(tx, &flag, env, &after, self.version, ctx.now).await?;
        let only_switch = before.enabled != after.enabled
            && settings_snapshot(&FlagEnvironment {
                enabled: after.enabled,
                ..before.clone()
            }) == settings_snapshot(&after);
        let action = match (only_switch, after.enabled) {
            (true, true) => "enable",
            (true, false) => "disable",
            _ => "update_settings",
        };
        let audit = record(
            &flag,
            Some(&env.key),
            action,
            Some(settings_snapshot(&before)),
            Some(settings_snapshot(&saved)),
        );
        Ok(Applied::one(saved, audit))
    }
}

impl Command for SetFlagEnabled {
    type Output = FlagEnvironment;

    fn environment(&self) -> Option<&str> {
        Some(&self.environment)
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
        let env = ctx.env()?;
        let (flag, before) = load_settings(tx, &self.flag, env, self.version).await?;
        if before.enabled == self.enabled && before.version > 0 {
            return Ok(Applied::unchanged(before));
        }
        let after = FlagEnvironment {
            enabled: self.enabled,
            ..before.clone()
        };
        let saved = write_settings(tx, &flag, env, &after, self.version, ctx.now).await?;
        let action = if self.enabled { "enable" } else { "disable" };
        let audit = record(
            &flag,
            Some(&env.key),
            action,
            Some(json!({"enabled": before.enabled})),
            Some(json!({"enabled": saved.enabled})),
        );
        Ok(Applied::one(saved, audit))
    }
}
