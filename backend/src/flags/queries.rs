//! Reading flags for the dashboard and the admin API, as the reader may see them.

use super::store::{self, default_settings, find_flag_reader, settings_of_reader};
use crate::{Actor, Db, environments};
use switchboard_core::flags::{FlagDetail, FlagPage, FlagQuery};
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
    let stored = settings_of_reader(db, flag.id).await?;
    let mut environments_out = Vec::new();
    for env in environments::list_all(db).await? {
        if !switchboard_core::permissions::may(
            &actor.subject,
            Action::Read,
            Resource::Flags(env.scope()),
        ) {
            continue;
        }
        let settings = match stored.iter().find(|s| s.environment == env.key) {
            Some(s) => s.parse().map_err(|problem| {
                tracing::error!(flag = %flag.key, environment = %env.key, %problem, "unreadable flag settings");
                AppError::Internal
            })?,
            None => default_settings(&flag, &env.key),
        };
        environments_out.push(settings);
    }
    Ok(FlagDetail {
        flag,
        environments: environments_out,
        segments: store::all_segments(db).await?,
    })
}
