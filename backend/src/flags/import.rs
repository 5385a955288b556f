//! Importing an Unleash export into one environment, through the command layer: flags and
//! segments are created (or their settings in the environment replaced), every change audited.

use super::store::{SEGMENT_COLUMNS, find_flag, segment_from_row, settings_of};
use crate::changes::Topic;
use crate::command::{Applied, AuditRecord, Command, Context, conflict};
use crate::db::{Tx, flag as int_bool};
use serde_json::json;
use std::collections::HashSet;
use switchboard_core::domain::Environment;
use switchboard_core::flags::unleash::{ImportedFlag, plan};
use switchboard_core::flags::{ImportReport, ImportUnleash, SaveFlagSettings, Segment};
use switchboard_core::permissions::{Action, Resource, Subject, may};
use switchboard_core::validation::FieldErrors;
use switchboard_core::validation::flags::{check_settings, check_variants};
use switchboard_error::AppError;

const FLAGS: &[Topic] = &[Topic::Flags];

fn record(
    entity_type: &'static str,
    key: &str,
    label: &str,
    environment: Option<&str>,
    action: &'static str,
    after: serde_json::Value,
) -> AuditRecord {
    AuditRecord {
        environment: environment.map(str::to_string),
        entity_type,
        entity_id: key.to_string(),
        entity_label: label.to_string(),
        action,
        before: None,
        after: Some(after),
    }
}

/// The first field error, as a sentence for the report.
fn first_problem(e: &FieldErrors) -> String {
    e.0.iter()
        .next()
        .map(|(f, m)| format!("{f}: {m}"))
        .unwrap_or_default()
}

/// Creates the segment or replaces its constraints, authorized like any segment change against
/// the environments whose served result that changes.
async fn upsert_segment(
    tx: &mut Tx,
    ctx: &Context<'_>,
    s: &Segment,
) -> Result<Option<AuditRecord>, AppError> {
    let now = ctx.now;
    let existing = sqlx::query(&format!(
        "SELECT {SEGMENT_COLUMNS} FROM segments WHERE key = $1"
    ))
    .bind(&s.key)
    .fetch_optional(&mut **tx)
    .await?
    .as_ref()
    .map(segment_from_row)
    .transpose()?;
    let constraints = serde_json::to_string(&s.constraints).unwrap_or_default();
    if existing
        .as_ref()
        .is_some_and(|e| e.constraints == s.constraints)
    {
        return Ok(None);
    }
    super::segments::ensure_write(tx, &ctx.actor.subject, &s.key, existing.as_ref(), Some(s))
        .await?;
    match existing {
        Some(e) => {
            let done = sqlx::query(
                "UPDATE segments SET constraints = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND version = $4",
            )
            .bind(&constraints)
            .bind(now)
            .bind(e.id)
            .bind(e.version)
            .execute(&mut **tx)
            .await?;
            if done.rows_affected() != 1 {
                return Err(conflict("segment", &e));
            }
            Ok(Some(record(
                "segment",
                &s.key,
                &e.name,
                None,
                "import",
                json!({"constraints": s.constraints}),
            )))
        }
        None => {
            let done = sqlx::query(
                "INSERT INTO segments (key, name, description, constraints, version, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, 1, $5, $5) ON CONFLICT DO NOTHING",
            )
            .bind(&s.key)
            .bind(&s.name)
            .bind(&s.description)
            .bind(&constraints)
            .bind(now)
            .execute(&mut **tx)
            .await?;
            if done.rows_affected() != 1 {
                return Err(conflict("segment", &json!({"key": s.key})));
            }
            Ok(Some(record(
                "segment",
                &s.key,
                &s.name,
                None,
                "import",
                json!({"constraints": s.constraints}),
            )))
        }
    }
}

impl Command for ImportUnleash {
    type Output = ImportReport;

    fn environment(&self) -> Option<&str> {
        Some(&self.environment)
    }

    fn authorize(&self, subject: &Subject, env: Option<&Environment>) -> bool {
        env.is_some_and(|e| may(subject, Action::Write, Resource::Flags(e.scope())))
            && may(
                subject,
                Action::Write,
                Resource::FlagDefinition { live_in: &[] },
            )
            && may(subject, Action::Write, Resource::Segment { used_in: &[] })
    }

    fn topics(&self) -> &'static [Topic] {
        FLAGS
    }

    async fn apply(
        self,
        tx: &mut Tx,
        ctx: &Context<'_>,
    ) -> Result<Applied<ImportReport>, AppError> {
        let env = ctx.env()?;
        let plan = plan(&self.document, &env.key).map_err(|e| AppError::field("document", e.0))?;
        let mut report = ImportReport {
            skipped: plan
                .skipped
                .iter()
                .map(|s| (s.feature.clone(), s.reason.clone()))
                .collect(),
            notes: plan.notes.clone(),
            ..Default::default()
        };
        let mut audit = Vec::new();
        for s in &plan.segments {
            if let Some(r) = upsert_segment(tx, ctx, s).await? {
                report.segments.push(s.key.clone());
                audit.push(r);
            }
        }
        let segments: HashSet<String> = super::store::segment_keys(tx).await?;
        // Flags that others require first: a prerequisite is checked against stored flags.
        let mut flags: Vec<&ImportedFlag> = plan.flags.iter().collect();
        flags.sort_by_key(|f| !f.settings.prerequisites.is_empty());
        for imported in flags {
            match import_flag(tx, ctx, env, imported, &segments).await? {
                Ok((created, record)) => {
                    if created {
                        report.created.push(imported.flag.key.clone())
                    } else {
                        report.updated.push(imported.flag.key.clone())
                    }
                    audit.push(record);
                }
                Err(reason) => report.skipped.push((imported.source.clone(), reason)),
            }
        }
        Ok(Applied {
            output: report,
            audit,
        })
    }
}

/// Creates the flag or replaces its settings in `env`; `Ok(Err(reason))` leaves it out.
async fn import_flag(
    tx: &mut Tx,
    ctx: &Context<'_>,
    env: &Environment,
    imported: &ImportedFlag,
    segments: &HashSet<String>,
) -> Result<Result<(bool, AuditRecord), String>, AppError> {
    let f = &imported.flag;
    let s = &imported.settings;
    let mut errors = FieldErrors::new();
    check_variants(f.kind, &f.variants, &mut errors);
    let save = SaveFlagSettings {
        flag: f.key.clone(),
        environment: env.key.clone(),
        enabled: s.enabled,
        off_variant: s.off_variant.clone(),
        default_variant: s.default_variant.clone(),
        prerequisites: Some(s.prerequisites.clone()),
        rules: s.rules.clone(),
        version: 0,
    };
    check_settings(&save, &f.variants, segments, &mut errors);
    if !errors.is_empty() {
        return Ok(Err(first_problem(&errors)));
    }
    match super::prerequisites::check(tx, env, &f.key, &s.prerequisites).await {
        Err(AppError::Validation { fields }) => return Ok(Err(first_problem(&fields))),
        other => other?,
    }
    let rules = serde_json::to_string(&s.rules).unwrap_or_default();
    let prerequisites = serde_json::to_string(&s.prerequisites).unwrap_or_default();
    let (flag_id, created) = match find_flag(tx, &f.key).await? {
        Some(existing) => {
            if existing.kind != f.kind || existing.variants != f.variants {
                return Ok(Err(format!(
                    "flag {} exists with other variants; its settings were left as they are",
                    f.key
                )));
            }
            (existing.id, false)
        }
        None => {
            super::commands::ensure_creation_allowed(
                tx,
                &ctx.actor.subject,
                &f.key,
                f.kind,
                &f.variants,
            )
            .await?;
            let id: i64 = sqlx::query_scalar::<_, i64>(
                "INSERT INTO flags (key, name, description, tags, owner, kind, variants, archived, version, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, '', $5, $6, 0, 1, $7, $7) ON CONFLICT DO NOTHING RETURNING id",
            )
            .bind(&f.key)
            .bind(&f.name)
            .bind(&f.description)
            .bind(serde_json::to_string(&f.tags).unwrap_or_default())
            .bind(f.kind.as_str())
            .bind(serde_json::to_string(&f.variants).unwrap_or_default())
            .bind(ctx.now)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or_else(|| conflict("flag", &json!({"key": f.key})))?;
            (id, true)
        }
    };
    let existing = settings_of(tx, flag_id)
        .await?
        .into_iter()
        .find(|x| x.environment == env.key);
    if let Some(existing) = existing {
        let done = sqlx::query(
            "UPDATE flag_settings SET enabled = $1, off_variant = $2, default_variant = $3, rules = $4, prerequisites = $5, \
             version = version + 1, updated_at = $6 WHERE flag_id = $7 AND environment_id = $8 AND version = $9",
        )
        .bind(int_bool(s.enabled))
        .bind(&s.off_variant)
        .bind(&s.default_variant)
        .bind(&rules)
        .bind(&prerequisites)
        .bind(ctx.now)
        .bind(flag_id)
        .bind(env.id)
        .bind(existing.version)
        .execute(&mut **tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(conflict(
                "flag settings",
                &json!({"flag": f.key, "environment": env.key}),
            ));
        }
    } else {
        let done = sqlx::query(
            "INSERT INTO flag_settings (flag_id, environment_id, enabled, off_variant, default_variant, rules, prerequisites, version, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8) ON CONFLICT DO NOTHING",
        )
        .bind(flag_id)
        .bind(env.id)
        .bind(int_bool(s.enabled))
        .bind(&s.off_variant)
        .bind(&s.default_variant)
        .bind(&rules)
        .bind(&prerequisites)
        .bind(ctx.now)
        .execute(&mut **tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(conflict(
                "flag settings",
                &json!({"flag": f.key, "environment": env.key}),
            ));
        }
    }
    let mut after = json!({"source": imported.source, "enabled": s.enabled, "rules": s.rules, "variants": f.variants});
    if !s.prerequisites.is_empty() {
        after["prerequisites"] = json!(s.prerequisites);
    }
    Ok(Ok((
        created,
        record("flag", &f.key, &f.name, Some(&env.key), "import", after),
    )))
}
