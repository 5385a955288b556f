//! Deletes rows nothing will read again: ended sessions, sign-in failures older than the
//! throttling window, and old entries of the change log. Runs on a timer in every server process;
//! each run deletes at most a few batches per table, so it stays cheap however much piled up
//! (the rest goes on the next run) and concurrent runs on several replicas are harmless.

use super::db::Db;
use super::settings::Settings;
use std::time::Duration;
use switchboard_error::AppError;

/// Rows deleted per statement.
const BATCH: i64 = 1000;
/// Statements per table per run.
const ROUNDS: usize = 10;
/// Change log entries are read within seconds (servers poll it every second or are notified);
/// a day leaves room for a replica that was stopped for a while.
pub const CHANGE_RETENTION: Duration = Duration::from_secs(24 * 3600);

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Purged {
    pub sessions: u64,
    pub login_failures: u64,
    pub changes: u64,
}

/// One run at time `now` (milliseconds).
pub async fn purge(db: &Db, settings: &Settings, now: i64) -> Result<Purged, AppError> {
    let idle_since = now - settings.session_idle.as_millis() as i64;
    let failures_before = now - settings.login_window.as_millis() as i64;
    let changes_before = now - CHANGE_RETENTION.as_millis() as i64;
    Ok(Purged {
        sessions: in_batches(
            db,
            "DELETE FROM sessions WHERE token_hash IN (SELECT token_hash FROM sessions \
             WHERE expires_at <= $1 OR last_seen_at < $2 LIMIT $3)",
            &[now, idle_since],
        )
        .await?,
        login_failures: in_batches(
            db,
            "DELETE FROM login_failures WHERE id IN (SELECT id FROM login_failures \
             WHERE at <= $1 LIMIT $2)",
            &[failures_before],
        )
        .await?,
        // The newest entry stays whatever its age: servers follow the log by its highest id.
        changes: in_batches(
            db,
            "DELETE FROM changes WHERE id IN (SELECT id FROM changes WHERE at < $1 \
             AND id < (SELECT MAX(id) FROM changes) LIMIT $2)",
            &[changes_before],
        )
        .await?,
    })
}

/// Runs `sql` (its last parameter is the batch size) until a batch comes back short or the
/// rounds are used up.
async fn in_batches(db: &Db, sql: &str, params: &[i64]) -> Result<u64, AppError> {
    let mut total = 0;
    for _ in 0..ROUNDS {
        let mut query = sqlx::query(sql);
        for p in params {
            query = query.bind(*p);
        }
        let n = query
            .bind(BATCH)
            .execute(db.writer())
            .await?
            .rows_affected();
        total += n;
        if n < BATCH as u64 {
            break;
        }
    }
    Ok(total)
}

/// Purges every `settings.purge_every` for as long as the process runs.
pub async fn run(db: Db, settings: std::sync::Arc<Settings>) {
    let mut tick = tokio::time::interval(settings.purge_every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match purge(&db, &settings, db.now()).await {
            Ok(p) if p != Purged::default() => tracing::debug!(?p, "purged old rows"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "purging old rows failed"),
        }
    }
}
