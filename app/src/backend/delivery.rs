//! What the delivery APIs read, in memory: compiled flags per environment and the SDK key index.
//! Refreshed right after this server's own commands, and when other processes change things.

use super::changes::{CHANNEL, Topic};
use super::config::instances::Instances;
use super::config::snapshot::ConfigSnapshots;
use super::db::{Backend, Db};
use super::flags::snapshot::FlagSnapshots;
use super::menus::snapshot::MenuSnapshots;
use super::sdk_keys::KeyIndex;
use crate::AppError;
use sqlx::Row;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

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
}

/// How often watch streams send a keep-alive comment, so proxies do not close idle ones.
pub const HEARTBEAT: Duration = Duration::from_secs(15);

impl Delivery {
    pub async fn load(db: &Db) -> Result<Delivery, AppError> {
        let delivery = Delivery::default();
        delivery.refresh(db, Topic::ALL).await?;
        Ok(delivery)
    }

    pub async fn refresh(&self, db: &Db, topics: &[Topic]) -> Result<(), AppError> {
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
    /// long as the server runs: PostgreSQL notifications (no polling), or the change log. Also
    /// beats the watch streams' keep-alive.
    pub async fn follow(&self, db: &Db) {
        let changes = async {
            match db.backend() {
                Backend::Postgres => self.follow_notifications(db).await,
                Backend::Sqlite => self.follow_log(db).await,
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
        tokio::join!(changes, beat);
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
            self.refresh_logged(db, Topic::ALL).await;
            self.following.store(true, Ordering::Release);
            // Until the connection drops; then reconnect and catch up.
            while let Ok(Some(n)) = listener.try_recv().await {
                if let Some(topic) = Topic::parse(n.payload()) {
                    self.refresh_logged(db, &[topic]).await;
                    self.peer_refreshes.fetch_add(1, Ordering::Relaxed);
                }
            }
            self.following.store(false, Ordering::Release);
        }
    }

    async fn follow_log(&self, db: &Db) {
        let mut seen = last_change(db).await.unwrap_or(0);
        self.following.store(true, Ordering::Release);
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        loop {
            tick.tick().await;
            let Ok(latest) = last_change(db).await else {
                continue;
            };
            if latest > seen {
                let rows = sqlx::query("SELECT DISTINCT topic FROM changes WHERE id > $1")
                    .bind(seen)
                    .fetch_all(db.reader())
                    .await;
                let topics: Vec<Topic> = rows
                    .into_iter()
                    .flatten()
                    .filter_map(|r| r.try_get::<String, _>("topic").ok())
                    .filter_map(|t| Topic::parse(&t))
                    .collect();
                self.refresh_logged(db, &topics).await;
                self.peer_refreshes.fetch_add(1, Ordering::Relaxed);
                seen = latest;
            }
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

    async fn refresh_logged(&self, db: &Db, topics: &[Topic]) {
        if let Err(e) = self.refresh(db, topics).await {
            tracing::error!(error = %e, "refreshing delivery snapshots failed");
        }
    }
}

async fn last_change(db: &Db) -> Result<i64, AppError> {
    Ok(
        sqlx::query("SELECT COALESCE(MAX(id), 0) AS id FROM changes")
            .fetch_one(db.reader())
            .await?
            .try_get("id")?,
    )
}
