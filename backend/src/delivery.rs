//! What the delivery APIs read, in memory: compiled flags per environment and the SDK key index.
//! Refreshed right after this server's own commands, and when other processes change things.

use super::changes::{CHANNEL, Topic};
use super::config::instances::Instances;
use super::config::snapshot::ConfigSnapshots;
use super::db::{Backend, Db};
use super::flags::snapshot::FlagSnapshots;
use super::menus::snapshot::MenuSnapshots;
use super::sdk_keys::KeyIndex;
use sqlx::Row;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::time::Duration;
use switchboard_error::AppError;

#[derive(Default)]
pub struct Delivery {
    pub flags: FlagSnapshots,
    pub keys: KeyIndex,
    pub config: ConfigSnapshots,
    pub menus: MenuSnapshots,
    pub instances: Instances,
    /// Set once changes by other processes are being followed.
    following: AtomicBool,
    /// Refreshes caused by other processes' changes (for tests and metrics).
    peer_refreshes: AtomicU64,
    /// Set when the server shuts down, so open watch streams end and shutdown can finish.
    closing: tokio::sync::watch::Sender<bool>,
    /// Ticks every [`HEARTBEAT`]: one timer for every open watch stream's keep-alive, rather than
    /// one per stream.
    heartbeat: tokio::sync::watch::Sender<u64>,
    /// The newest change-log entry whose effects every snapshot holds.
    revision: AtomicI64,
    /// When the snapshots were last confirmed to hold the newest change (ms since the epoch).
    synced_at: AtomicI64,
    /// One reload at a time: a slow reload finishing after a newer one would put older data back.
    reloading: tokio::sync::Mutex<()>,
}

/// How often every replica compares the change log with what its snapshots hold and catches up
/// (after a lost notification, a dropped or silently dead listener, a failed reload). With the
/// time a reload takes, this bounds how long any replica serves something older than the database.
pub const RESYNC: Duration = Duration::from_secs(5);

/// A replica whose snapshots were not confirmed current for this long reports itself not ready.
pub const STALE_AFTER: Duration = Duration::from_secs(30);

/// How often watch streams send a keep-alive comment, so proxies do not close idle ones.
pub const HEARTBEAT: Duration = Duration::from_secs(15);

impl Delivery {
    pub async fn load(db: &Db) -> Result<Delivery, AppError> {
        let delivery = Delivery::default();
        delivery.reload_all(db).await?;
        Ok(delivery)
    }

    /// Reloads the snapshots of `topics` from the database.
    pub async fn refresh(&self, db: &Db, topics: &[Topic]) -> Result<(), AppError> {
        let _one_at_a_time = self.reloading.lock().await;
        for topic in topics {
            match topic {
                Topic::Flags => {
                    self.flags.reload(db).await?;
                    // Menu items gated by flags may show or hide now.
                    self.menus.flags_changed();
                }
                Topic::SdkKeys => self.keys.reload(db).await?,
                Topic::Config => self.config.reload(db).await?,
                Topic::Menus => self.menus.reload(db).await?,
            }
        }
        Ok(())
    }

    /// Follows changes made by other server processes (and, on SQLite, the command line) for as
    /// long as the server runs: PostgreSQL notifications for speed, and on both backends a cheap
    /// revision check (every [`RESYNC`]; every second on SQLite, which has no notifications) that
    /// catches up whatever was missed. Also beats the watch streams' keep-alive.
    pub async fn follow(&self, db: &Db) {
        let notifications = async {
            if db.backend() == Backend::Postgres {
                self.follow_notifications(db).await
            }
        };
        let period = match db.backend() {
            Backend::Postgres => RESYNC,
            Backend::Sqlite => Duration::from_secs(1),
        };
        let resync = async {
            self.following
                .store(db.backend() == Backend::Sqlite, Ordering::Release);
            let mut failures = 0u32;
            loop {
                let wait = if failures == 0 {
                    period
                } else {
                    // Retry sooner after a failure, backing off up to the usual period.
                    (Duration::from_millis(250) * 2u32.pow(failures.min(5))).min(period)
                };
                tokio::time::sleep(wait).await;
                match self.catch_up(db).await {
                    Ok(()) => failures = 0,
                    Err(e) => {
                        failures += 1;
                        tracing::warn!(error = %e, failures, "catching up with the change log failed; retrying");
                    }
                }
            }
        };
        let beat = async {
            let mut tick = tokio::time::interval(HEARTBEAT);
            tick.tick().await;
            loop {
                tick.tick().await;
                self.heartbeat.send_modify(|n| *n += 1);
            }
        };
        tokio::join!(notifications, resync, beat);
    }

    /// Brings every snapshot up to the newest change-log entry: reloads the topics changed since
    /// the revision held (everything when that part of the log was purged), and only then moves
    /// the revision, so a failed reload is retried.
    pub async fn catch_up(&self, db: &Db) -> Result<(), AppError> {
        let held = self.revision.load(Ordering::Acquire);
        // Read before reloading: whatever the log holds up to here is in what the reload reads.
        let (latest, oldest) = log_bounds(db).await?;
        if latest > held {
            let topics = if held == 0 || oldest > held + 1 {
                Topic::ALL.to_vec()
            } else {
                changed_since(db, held).await?
            };
            self.refresh(db, &topics).await?;
            self.revision.fetch_max(latest, Ordering::AcqRel);
            self.peer_refreshes.fetch_add(1, Ordering::Relaxed);
        }
        self.synced_at.store(super::db::now_ms(), Ordering::Release);
        Ok(())
    }

    /// Reloads every snapshot and takes the log's newest entry as held (at start, and after the
    /// PostgreSQL listener reconnects).
    pub async fn reload_all(&self, db: &Db) -> Result<(), AppError> {
        let (latest, _) = log_bounds(db).await?;
        self.refresh(db, Topic::ALL).await?;
        self.revision.fetch_max(latest, Ordering::AcqRel);
        self.synced_at.store(super::db::now_ms(), Ordering::Release);
        Ok(())
    }

    /// The newest change-log entry the snapshots hold.
    pub fn revision(&self) -> i64 {
        self.revision.load(Ordering::Acquire)
    }

    /// How long ago the snapshots were last confirmed current (`None`: never).
    pub fn sync_age(&self) -> Option<Duration> {
        match self.synced_at.load(Ordering::Acquire) {
            0 => None,
            at => Some(Duration::from_millis(
                (super::db::now_ms() - at).max(0) as u64
            )),
        }
    }

    /// Changes every [`HEARTBEAT`] while the server runs.
    pub fn heartbeat(&self) -> tokio::sync::watch::Receiver<u64> {
        self.heartbeat.subscribe()
    }

    async fn follow_notifications(&self, db: &Db) {
        loop {
            let mut listener = match sqlx::postgres::PgListener::connect(db.url()).await {
                Ok(l) => l,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot listen for changes; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            };
            if let Err(e) = listener.listen(CHANNEL).await {
                tracing::warn!(error = %e, "cannot listen for changes; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
            // Anything may have changed while we were not listening.
            if let Err(e) = self.reload_all(db).await {
                tracing::warn!(error = %e, "reloading after reconnecting failed; the revision check retries");
            }
            self.following.store(true, Ordering::Release);
            // Until the connection drops; then reconnect and catch up. A dead connection that
            // never says so is covered by the revision check.
            while let Ok(Some(_)) = listener.try_recv().await {
                if let Err(e) = self.catch_up(db).await {
                    tracing::warn!(error = %e, "catching up after a notification failed; the revision check retries");
                }
            }
            self.following.store(false, Ordering::Release);
        }
    }

    /// Ends every open watch stream and long poll.
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// Turns true when the server shuts down.
    pub fn closing(&self) -> tokio::sync::watch::Receiver<bool> {
        self.closing.subscribe()
    }

    /// Resolves once [`Delivery::close`] was called.
    pub async fn closed(&self) {
        let mut rx = self.closing.subscribe();
        let _ = rx.wait_for(|closing| *closing).await;
    }

    pub fn is_following(&self) -> bool {
        self.following.load(Ordering::Acquire)
    }

    /// How many times other processes' changes refreshed this one's snapshots.
    pub fn peer_refreshes(&self) -> u64 {
        self.peer_refreshes.load(Ordering::Relaxed)
    }
}

/// The newest and the oldest change-log entry (0 for an empty log).
async fn log_bounds(db: &Db) -> Result<(i64, i64), AppError> {
    let row = sqlx::query(
        "SELECT COALESCE(MAX(id), 0) AS latest, COALESCE(MIN(id), 0) AS oldest FROM changes",
    )
    .fetch_one(db.reader())
    .await?;
    Ok((row.try_get("latest")?, row.try_get("oldest")?))
}

/// The topics of the change-log entries after `id`.
async fn changed_since(db: &Db, id: i64) -> Result<Vec<Topic>, AppError> {
    let rows = sqlx::query("SELECT DISTINCT topic FROM changes WHERE id > $1")
        .bind(id)
        .fetch_all(db.reader())
        .await?;
    Ok(rows
        .iter()
        .filter_map(|r| r.try_get::<String, _>("topic").ok())
        .filter_map(|t| Topic::parse(&t))
        .collect())
}
