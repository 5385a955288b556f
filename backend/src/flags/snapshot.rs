//! The flags every environment serves, compiled and held in memory. OFREP evaluates from here
//! without touching the database; a change replaces the whole snapshot atomically.

use super::store::{SETTINGS_SELECT, default_settings, flag_from_row, settings_from_row};
use crate::db::Db;
use crate::environments;
use bytes::Bytes;
use sha2::{Digest, Sha256};
use sqlx::Row;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use switchboard_core::flags::unleash_export::{self, LeftOut};
use switchboard_core::flags::{
    CompiledFlag, CompiledSegment, Flag, FlagEnvironment, FlagKind, Segments,
};
use switchboard_error::AppError;

/// One environment's flags, ready to evaluate.
#[derive(Debug, Default)]
pub struct EnvFlags {
    /// Changes whenever anything this environment serves changes; the same on every replica.
    pub etag: String,
    pub flags: HashMap<String, Arc<CompiledFlag>>,
    /// Flag keys in order, for bulk evaluation.
    pub keys: Vec<String>,
    /// The same flags in Unleash's client API format, for Unleash SDKs.
    pub unleash: Arc<UnleashState>,
}

impl EnvFlags {
    /// Every flag in key order, for answers that list them all.
    pub fn in_order(&self) -> impl Iterator<Item = &CompiledFlag> {
        self.keys
            .iter()
            .filter_map(|k| self.flags.get(k))
            .map(|f| f.as_ref())
    }
}

/// An environment's flags as Unleash's `GET /api/client/features` answers them.
#[derive(Debug, Default)]
pub struct UnleashState {
    /// The JSON body, rendered once per change.
    pub body: Bytes,
    /// Flags Unleash's format cannot express, and why.
    pub left_out: Vec<LeftOut>,
}

/// Connects every flag that has prerequisites to the flags they name, in the same environment.
/// Those have none of their own (else `link` drops them), so their compiled form is final.
fn link_prerequisites(flags: &mut HashMap<String, Arc<CompiledFlag>>) {
    let dependents: Vec<String> = flags
        .iter()
        .filter(|(_, f)| f.has_prerequisites())
        .map(|(k, _)| k.clone())
        .collect();
    for key in dependents {
        let mut linked = (*flags[&key]).clone();
        linked.link(|other| flags.get(other).cloned());
        flags.insert(key, Arc::new(linked));
    }
}

/// The environment's flags for Unleash SDKs: those that can be evaluated, translated; a flag that
/// answers ERROR here (unreadable, or naming what does not exist) is left out, since an Unleash
/// SDK would answer something else for it.
fn unleash_state(
    compiled: &HashMap<String, Arc<CompiledFlag>>,
    readable: &[(Flag, FlagEnvironment)],
    segments: &[switchboard_core::flags::Segment],
) -> UnleashState {
    let mut left_out: Vec<LeftOut> = compiled
        .iter()
        .filter_map(|(key, c)| {
            let problem = c.problem()?;
            Some(LeftOut {
                flag: key.clone(),
                reason: format!("it cannot be evaluated: {}", problem.message),
            })
        })
        .collect();
    let pairs: Vec<(&Flag, &FlagEnvironment)> = readable
        .iter()
        .filter(|(f, _)| compiled.get(&f.key).is_some_and(|c| c.problem().is_none()))
        .map(|(f, s)| (f, s))
        .collect();
    let export = unleash_export::export(&pairs, segments);
    left_out.extend(export.left_out);
    left_out.sort_by(|a, b| a.flag.cmp(&b.flag));
    UnleashState {
        body: Bytes::from(export.state.to_string()),
        left_out,
    }
}

#[derive(Default)]
pub struct FlagSnapshots {
    current: RwLock<Arc<HashMap<String, Arc<EnvFlags>>>>,
    /// Each environment's OFREP change stream.
    pub events: super::events::FlagEvents,
}

impl FlagSnapshots {
    pub fn environment(&self, key: &str) -> Option<Arc<EnvFlags>> {
        self.current
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(key)
            .cloned()
    }

    /// Loads and compiles everything, then swaps it in.
    pub async fn reload(&self, db: &Db) -> Result<(), AppError> {
        let envs = environments::list_all(db).await?;
        let segment_rows = super::store::all_segments(db).await?;
        let segments: Segments = segment_rows
            .iter()
            .map(|s| (s.key.clone(), Arc::new(CompiledSegment::compile(s))))
            .collect();
        let flag_rows = sqlx::query(&format!(
            "SELECT {} FROM flags WHERE archived = 0 ORDER BY key",
            super::store::FLAG_COLUMNS
        ))
        .fetch_all(db.reader())
        .await?;
        let settings_rows = sqlx::query(SETTINGS_SELECT).fetch_all(db.reader()).await?;
        let mut settings: HashMap<(i64, String), super::store::StoredSettings> = HashMap::new();
        for row in &settings_rows {
            let s = settings_from_row(row)?;
            settings.insert((s.flag_id, s.environment.clone()), s);
        }
        let mut base = Sha256::new();
        for s in &segment_rows {
            base.update(format!("s:{}:{};", s.key, s.version));
        }
        // The newest change anything served reads: archived flags count (archiving is a change).
        let shared_modified = segment_rows
            .iter()
            .map(|s| s.updated_at)
            .chain(
                sqlx::query_scalar::<_, Option<i64>>("SELECT MAX(updated_at) FROM flags")
                    .fetch_one(db.reader())
                    .await?,
            )
            .max()
            .unwrap_or(0);
        let mut announced = Vec::with_capacity(envs.len());
        let mut out = HashMap::new();
        for env in &envs {
            let mut hasher = base.clone();
            hasher.update(format!("e:{};", env.key));
            let mut flags = HashMap::with_capacity(flag_rows.len());
            let mut keys = Vec::with_capacity(flag_rows.len());
            let mut exportable: Vec<(Flag, FlagEnvironment)> = Vec::new();
            for row in &flag_rows {
                let key: String = row.try_get("key")?;
                let version: i64 = row.try_get("version")?;
                let compiled = match flag_from_row(row) {
                    Ok(flag) => match settings.get(&(flag.id, env.key.clone())) {
                        Some(stored) => {
                            hasher.update(format!("f:{key}:{version}:{};", stored.version));
                            match stored.parse() {
                                Ok(s) => {
                                    let compiled = CompiledFlag::compile(&flag, &s, &segments);
                                    exportable.push((flag, s));
                                    compiled
                                }
                                Err(problem) => CompiledFlag::unreadable(&key, flag.kind, problem),
                            }
                        }
                        None => {
                            hasher.update(format!("f:{key}:{version}:0;"));
                            let s = default_settings(&flag, &env.key);
                            let compiled = CompiledFlag::compile(&flag, &s, &segments);
                            exportable.push((flag, s));
                            compiled
                        }
                    },
                    Err(_) => {
                        hasher.update(format!("f:{key}:{version}:?;"));
                        let kind = FlagKind::parse(&row.try_get::<String, _>("kind")?)
                            .unwrap_or(FlagKind::Boolean);
                        CompiledFlag::unreadable(
                            &key,
                            kind,
                            "the stored flag cannot be read".into(),
                        )
                    }
                };
                keys.push(key.clone());
                flags.insert(key, Arc::new(compiled));
            }
            link_prerequisites(&mut flags);
            let unleash = Arc::new(unleash_state(&flags, &exportable, &segment_rows));
            let etag = format!("\"{}\"", hex::encode(&hasher.finalize()[..12]));
            let env_modified = settings
                .values()
                .filter(|s| s.environment == env.key)
                .map(|s| s.updated_at)
                .max()
                .unwrap_or(0)
                .max(shared_modified);
            announced.push((env.key.clone(), etag.clone(), env_modified / 1000));
            out.insert(
                env.key.clone(),
                Arc::new(EnvFlags {
                    etag,
                    flags,
                    keys,
                    unleash,
                }),
            );
        }
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(out);
        // After the swap: a stream told of a change must find it when it re-fetches.
        self.events.publish(&announced);
        Ok(())
    }
}
