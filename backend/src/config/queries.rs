//! Reading configuration for the dashboard and the admin API, as the reader may see it.

use super::masking;
use super::store::{self, NamespaceRow};
use crate::releases::queries as release_queries;
use crate::{Actor, Db, environments};
use switchboard_core::config::{
    Draft, EnvironmentComparison, GrayRelease, NamespaceSummary, Release, ReleaseDiff,
    ReleaseSummary, diff_entries,
};
use switchboard_core::domain::Environment;
use switchboard_core::permissions::{Action, Resource};
use switchboard_error::AppError;

/// How many releases the history lists.
pub const HISTORY_MAX: i64 = 200;

async fn readable(db: &Db, actor: &Actor, key: &str) -> Result<Environment, AppError> {
    let env = environments::by_key(db, key).await?;
    actor.ensure(Action::Read, Resource::Config(env.scope()))?;
    Ok(env)
}

pub async fn list(
    db: &Db,
    actor: &Actor,
    environment: &str,
) -> Result<Vec<NamespaceSummary>, AppError> {
    let env = readable(db, actor, environment).await?;
    let mut conn = db.reader().acquire().await?;
    let mut out = Vec::new();
    for ns in store::all_namespaces(&mut conn).await? {
        let head = store::head(&mut conn, ns.id, env.id).await?;
        let rows = store::draft_rows(&mut conn, ns.id, env.id).await?;
        let draft = store::live_entries(&rows);
        let main = store::main_entries(&mut conn, ns.id, env.id, head.as_ref()).await?;
        out.push(NamespaceSummary {
            key: ns.key,
            description: ns.description,
            entries: draft.len(),
            main_version: head.as_ref().map_or(0, |h| h.main_version),
            gray_version: head.as_ref().and_then(|h| h.gray.as_ref().map(|(v, _)| *v)),
            pending: diff_entries(&main, &draft).change_count(),
            updated_at: rows
                .iter()
                .map(|r| r.updated_at)
                .max()
                .unwrap_or(ns.created_at),
        });
    }
    Ok(out)
}

pub async fn draft(
    db: &Db,
    actor: &Actor,
    environment: &str,
    namespace: &str,
) -> Result<Draft, AppError> {
    let env = readable(db, actor, environment).await?;
    let mut conn = db.reader().acquire().await?;
    let ns = store::namespace(&mut conn, namespace).await?;
    // Read before the rows: a change landing in between makes this version stale (a publish
    // naming it gets 409), never the other way round (rows older than the version they claim).
    let draft_version = store::draft_version(&mut conn, ns.id, env.id).await?;
    let head = store::head(&mut conn, ns.id, env.id).await?;
    let rows = store::draft_rows(&mut conn, ns.id, env.id).await?;
    let main_entries = store::main_entries(&mut conn, ns.id, env.id, head.as_ref()).await?;
    let entries = store::live_entries(&rows);
    Ok(Draft {
        draft_version,
        namespace: ns.key,
        description: ns.description,
        environment: env.key,
        pending: masking::diff(diff_entries(&main_entries, &entries)),
        entries: rows
            .iter()
            .filter(|r| !r.deleted)
            .map(|r| r.view())
            .collect(),
        removed: rows
            .iter()
            .filter(|r| r.deleted)
            .map(|r| r.removal())
            .collect(),
        main_version: head.as_ref().map_or(0, |h| h.main_version),
        main_entries: masking::entries(&main_entries),
        gray: head
            .as_ref()
            .and_then(|h| h.gray.clone())
            .map(|(version, target)| GrayRelease { version, target }),
    })
}

/// Newest first.
pub async fn releases(
    db: &Db,
    actor: &Actor,
    environment: &str,
    namespace: &str,
) -> Result<Vec<ReleaseSummary>, AppError> {
    let env = readable(db, actor, environment).await?;
    let mut conn = db.reader().acquire().await?;
    let ns = store::namespace(&mut conn, namespace).await?;
    crate::releases::store::history::<NamespaceRow>(&mut conn, (ns.id, env.id), HISTORY_MAX).await
}

pub async fn release(
    db: &Db,
    actor: &Actor,
    environment: &str,
    namespace: &str,
    version: i64,
) -> Result<Release, AppError> {
    let env = readable(db, actor, environment).await?;
    let mut conn = db.reader().acquire().await?;
    let ns = store::namespace(&mut conn, namespace).await?;
    let release =
        release_queries::release::<NamespaceRow>(&mut conn, (ns.id, env.id), version).await?;
    Ok(Release {
        summary: release.summary,
        entries: masking::entries(&release.content),
    })
}

/// `to` against `from`; without `from`, against the release before `to` (nothing for the first).
pub async fn diff(
    db: &Db,
    actor: &Actor,
    environment: &str,
    namespace: &str,
    from: Option<i64>,
    to: i64,
) -> Result<ReleaseDiff, AppError> {
    let env = readable(db, actor, environment).await?;
    let mut conn = db.reader().acquire().await?;
    let ns = store::namespace(&mut conn, namespace).await?;
    let (from, to) =
        release_queries::pair::<NamespaceRow>(&mut conn, (ns.id, env.id), from, to).await?;
    let empty = Vec::new();
    Ok(ReleaseDiff {
        diff: masking::diff(diff_entries(
            from.as_ref().map_or(&empty, |r| &r.content),
            &to.content,
        )),
        from: from.map(|r| r.summary),
        to: to.summary,
    })
}

/// What `from` serves against what `to` serves (the main releases).
pub async fn compare(
    db: &Db,
    actor: &Actor,
    namespace: &str,
    from: &str,
    to: &str,
) -> Result<EnvironmentComparison, AppError> {
    let from_env = readable(db, actor, from).await?;
    let to_env = readable(db, actor, to).await?;
    let mut conn = db.reader().acquire().await?;
    let ns = store::namespace(&mut conn, namespace).await?;
    let from_head = store::head(&mut conn, ns.id, from_env.id).await?;
    let to_head = store::head(&mut conn, ns.id, to_env.id).await?;
    let from_entries =
        store::main_entries(&mut conn, ns.id, from_env.id, from_head.as_ref()).await?;
    let to_entries = store::main_entries(&mut conn, ns.id, to_env.id, to_head.as_ref()).await?;
    Ok(EnvironmentComparison {
        namespace: ns.key,
        from: from_env.key,
        from_version: from_head.map_or(0, |h| h.main_version),
        to: to_env.key,
        to_version: to_head.map_or(0, |h| h.main_version),
        diff: masking::diff(diff_entries(&from_entries, &to_entries)),
    })
}

/// The instances this server has served the namespace to, newest first.
pub async fn instances(
    db: &Db,
    actor: &Actor,
    delivery: &crate::delivery::Delivery,
    environment: &str,
    namespace: &str,
) -> Result<Vec<switchboard_core::config::InstanceView>, AppError> {
    let env = readable(db, actor, environment).await?;
    let mut conn = db.reader().acquire().await?;
    let ns = store::namespace(&mut conn, namespace).await?;
    Ok(delivery
        .instances
        .list(&env.key, &ns.key, crate::db::now_ms()))
}
