//! What checking a flag's prerequisites needs from storage: the flags they name and the flags
//! that name it, in one environment. The rules themselves are the shared ones in
//! `switchboard_core::validation::flags::check_prerequisites`.

use crate::db::Tx;
use sqlx::Row;
use std::collections::HashMap;
use switchboard_core::domain::Environment;
use switchboard_core::flags::{Prerequisite, Requirement, Variant};
use switchboard_core::validation::FieldErrors;
use switchboard_core::validation::flags::{PrerequisiteTarget, check_prerequisites};
use switchboard_error::AppError;

fn parse(text: &str) -> Vec<Prerequisite> {
    // Unreadable stored prerequisites name nothing; the snapshot reports such a row on its own.
    serde_json::from_str(text).unwrap_or_default()
}

/// Answers 422 with field errors unless `prerequisites` may be `flag`'s in `env`.
pub async fn check(
    tx: &mut Tx,
    env: &Environment,
    flag: &str,
    prerequisites: &[Prerequisite],
) -> Result<(), AppError> {
    if prerequisites.is_empty() {
        return Ok(());
    }
    let mut targets = HashMap::new();
    for p in prerequisites {
        let row = sqlx::query(
            "SELECT f.variants, COALESCE(s.prerequisites, '[]') AS prerequisites FROM flags f \
             LEFT JOIN flag_settings s ON s.flag_id = f.id AND s.environment_id = $1 \
             WHERE f.key = $2 AND f.archived = 0",
        )
        .bind(env.id)
        .bind(&p.flag)
        .fetch_optional(&mut **tx)
        .await?;
        if let Some(row) = row {
            let variants: Vec<Variant> =
                serde_json::from_str(&row.try_get::<String, _>("variants")?).unwrap_or_default();
            targets.insert(
                p.flag.clone(),
                PrerequisiteTarget {
                    variants: variants.into_iter().map(|v| v.key).collect(),
                    has_prerequisites: !parse(&row.try_get::<String, _>("prerequisites")?)
                        .is_empty(),
                },
            );
        }
    }
    let required_by: Vec<String> = requiring(&mut **tx, Some(env.id), flag)
        .await?
        .into_iter()
        .map(|r| r.flag)
        .collect();
    let mut errors = FieldErrors::new();
    check_prerequisites(flag, prerequisites, &targets, &required_by, &mut errors);
    errors.into_result()?;
    Ok(())
}

/// The flags (not archived) whose prerequisites name `flag`, in one environment or in all.
pub async fn requiring<'c, E>(
    executor: E,
    environment_id: Option<i64>,
    flag: &str,
) -> Result<Vec<Requirement>, AppError>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let rows = sqlx::query(
        "SELECT e.key AS environment, f.key AS flag, s.prerequisites FROM flag_settings s \
         JOIN flags f ON f.id = s.flag_id JOIN environments e ON e.id = s.environment_id \
         WHERE f.archived = 0 AND s.prerequisites <> '[]' AND f.key <> $1 \
         AND ($2 = 0 OR s.environment_id = $2) ORDER BY e.key, f.key",
    )
    .bind(flag)
    .bind(environment_id.unwrap_or(0))
    .fetch_all(executor)
    .await?;
    let mut out = Vec::new();
    for row in rows {
        let named = parse(&row.try_get::<String, _>("prerequisites")?);
        if let Some(p) = named.into_iter().find(|p| p.flag == flag) {
            out.push(Requirement {
                environment: row.try_get("environment")?,
                flag: row.try_get("flag")?,
                variants: p.variants,
            });
        }
    }
    Ok(out)
}
