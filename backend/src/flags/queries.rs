//! Reading flags for the dashboard and the admin API, as the reader may see them.

use super::store::{self, default_settings, find_flag_reader, settings_of_reader};
use crate::{Actor, Db, environments};
use std::collections::{BTreeSet, HashMap};
use switchboard_core::domain::Environment;
use switchboard_core::flags::{
    FlagChoice, FlagComparison, FlagDetail, FlagEnvironment, FlagPage, FlagQuery,
    FlagSetComparison, RelatedFlag, compare_settings,
};
use switchboard_core::permissions::{Action, Resource};
use switchboard_error::AppError;

pub async fn list(db: &Db, actor: &Actor, query: &FlagQuery) -> Result<FlagPage, AppError> {
    actor.ensure(Action::Read, Resource::FlagDefinition { live_in: &[] })?;
    let environment = match query.environment.as_deref().filter(|e| !e.is_empty()) {
        Some(key) => {
            let env = environments::list_all(db)
                .await?
                .into_iter()
                .find(|e| e.key == key)
                .ok_or_else(|| AppError::field("environment", "Unknown environment"))?;
            actor.ensure(Action::Read, Resource::Flags(env.scope()))?;
            Some(env.id)
        }
        None => None,
    };
    store::list(db, query, environment).await
}

pub async fn detail(db: &Db, actor: &Actor, key: &str) -> Result<FlagDetail, AppError> {
    actor.ensure(Action::Read, Resource::FlagDefinition { live_in: &[] })?;
    let flag = find_flag_reader(db, key)
        .await?
        .ok_or_else(|| AppError::not_found("Flag"))?;
    let visible: Vec<_> = environments::list_all(db)
        .await?
        .into_iter()
        .filter(|env| {
            switchboard_core::permissions::may(
                &actor.subject,
                Action::Read,
                Resource::Flags(env.scope()),
            )
        })
        .collect();
    let environments_out = visible_settings(db, &flag, &visible).await?;
    let named: BTreeSet<&str> = environments_out
        .iter()
        .flat_map(|s| s.prerequisites.iter().map(|p| p.flag.as_str()))
        .collect();
    let mut prerequisite_flags = Vec::new();
    for other in named {
        if let Some(other) = find_flag_reader(db, other).await?.filter(|f| !f.archived) {
            let environments = visible_settings(db, &other, &visible).await?;
            prerequisite_flags.push(RelatedFlag {
                flag: other,
                environments,
            });
        }
    }
    let required_by = super::prerequisites::requiring(db.reader(), None, &flag.key)
        .await?
        .into_iter()
        .filter(|r| visible.iter().any(|e| e.key == r.environment))
        .collect();
    Ok(FlagDetail {
        flag,
        environments: environments_out,
        segments: store::all_segments(db).await?,
        prerequisite_flags,
        required_by,
    })
}

/// The two environments of a comparison, each of which the reader must be able to read (404
/// for an unknown one, then 403).
async fn readable_pair(
    db: &Db,
    actor: &Actor,
    from: &str,
    to: &str,
) -> Result<[Environment; 2], AppError> {
    let pair = [
        environments::by_key(db, from).await?,
        environments::by_key(db, to).await?,
    ];
    for env in &pair {
        actor.ensure(Action::Read, Resource::Flags(env.scope()))?;
    }
    Ok(pair)
}

/// What copying `key`'s settings from environment `from` over `to`'s would change, for a reader
/// of both (404 for an unknown flag or environment, 403 for one the reader may not see).
pub async fn compare(
    db: &Db,
    actor: &Actor,
    key: &str,
    from: &str,
    to: &str,
) -> Result<FlagComparison, AppError> {
    actor.ensure(Action::Read, Resource::FlagDefinition { live_in: &[] })?;
    let flag = find_flag_reader(db, key)
        .await?
        .ok_or_else(|| AppError::not_found("Flag"))?;
    let pair = readable_pair(db, actor, from, to).await?;
    let [source, target] =
        <[FlagEnvironment; 2]>::try_from(visible_settings(db, &flag, &pair).await?)
            .map_err(|_| AppError::Internal)?;
    Ok(FlagComparison {
        flag: flag.key,
        from: from.to_string(),
        to: to.to_string(),
        changes: compare_settings(&target, &source),
    })
}

/// Every flag (not archived) whose settings copying from `from` over `to` would change, with
/// the changes, in key order; flags the two already serve alike are left out. Needs read access
/// to both (404 for an unknown environment).
pub async fn compare_environments(
    db: &Db,
    actor: &Actor,
    from: &str,
    to: &str,
) -> Result<FlagSetComparison, AppError> {
    if from == to {
        return Err(AppError::field(
            "from",
            "Choose another environment to compare with",
        ));
    }
    readable_pair(db, actor, from, to).await?;
    let flags = sqlx::query(&format!(
        "SELECT {} FROM flags WHERE archived = 0 ORDER BY key",
        store::FLAG_COLUMNS
    ))
    .fetch_all(db.reader())
    .await?;
    let mut stored: HashMap<(i64, String), FlagEnvironment> = HashMap::new();
    let rows = sqlx::query(&format!(
        "{} WHERE e.key = $1 OR e.key = $2",
        store::SETTINGS_SELECT
    ))
    .bind(from)
    .bind(to)
    .fetch_all(db.reader())
    .await?;
    for row in &rows {
        let s = store::settings_from_row(row)?;
        stored.insert((s.flag_id, s.environment.clone()), parsed(&s)?);
    }
    let mut out = Vec::new();
    for row in &flags {
        let flag = store::flag_from_row(row)?;
        let settings = |env: &str| {
            stored
                .get(&(flag.id, env.to_string()))
                .cloned()
                .unwrap_or_else(|| default_settings(&flag, env))
        };
        let changes = compare_settings(&settings(to), &settings(from));
        if !changes.is_empty() {
            out.push(FlagComparison {
                flag: flag.key.clone(),
                from: from.to_string(),
                to: to.to_string(),
                changes,
            });
        }
    }
    Ok(FlagSetComparison {
        from: from.to_string(),
        to: to.to_string(),
        flags: out,
    })
}

/// Stored settings read back; unreadable ones are logged and answer 500, never defaults.
fn parsed(s: &store::StoredSettings) -> Result<FlagEnvironment, AppError> {
    s.parse().map_err(|problem| {
        tracing::error!(flag_id = s.flag_id, environment = %s.environment, %problem, "unreadable flag settings");
        AppError::Internal
    })
}

/// A flag's settings in each of `environments` (the defaults where it has none).
async fn visible_settings(
    db: &Db,
    flag: &switchboard_core::flags::Flag,
    environments: &[Environment],
) -> Result<Vec<FlagEnvironment>, AppError> {
    let stored = settings_of_reader(db, flag.id).await?;
    let mut out = Vec::new();
    for env in environments {
        let settings = match stored.iter().find(|s| s.environment == env.key) {
            Some(s) => parsed(s)?,
            None => default_settings(flag, &env.key),
        };
        out.push(settings);
    }
    Ok(out)
}

/// Every flag that is not archived, for the prerequisite picker.
pub async fn choices(db: &Db, actor: &Actor) -> Result<Vec<FlagChoice>, AppError> {
    actor.ensure(Action::Read, Resource::FlagDefinition { live_in: &[] })?;
    let rows = sqlx::query("SELECT key, name, variants FROM flags WHERE archived = 0 ORDER BY key")
        .fetch_all(db.reader())
        .await?;
    rows.iter()
        .map(|row| {
            use sqlx::Row;
            let variants: Vec<switchboard_core::flags::Variant> =
                serde_json::from_str(&row.try_get::<String, _>("variants")?)
                    .map_err(|_| AppError::Internal)?;
            Ok(FlagChoice {
                key: row.try_get("key")?,
                name: row.try_get("name")?,
                variants: variants.into_iter().map(|v| v.key).collect(),
            })
        })
        .collect()
}
