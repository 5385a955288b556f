//! What changed, for the snapshots running apps read from. Each command that changes such data
//! appends its topics to the `changes` log in its own transaction; on PostgreSQL it also
//! notifies other server processes (delivered at commit). A server refreshes its own snapshots
//! right after its commands, and other servers' changes from the notification (PostgreSQL) or by
//! watching the log (SQLite, where a CLI import may write while the server runs).

use super::db::{Backend, Tx};
use switchboard_error::AppError;

pub const CHANNEL: &str = "switchboard_changes";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Topic {
    /// Flags, their settings and segments: what OFREP evaluates.
    Flags,
    /// SDK keys: who may call the delivery APIs.
    SdkKeys,
    /// Config releases and gray releases: what the config delivery API serves.
    Config,
    /// Menu releases: what the menu delivery API serves.
    Menus,
}

impl Topic {
    pub const ALL: &'static [Topic] = &[Topic::Flags, Topic::SdkKeys, Topic::Config, Topic::Menus];

    pub fn as_str(self) -> &'static str {
        match self {
            Topic::Flags => "flags",
            Topic::SdkKeys => "sdk_keys",
            Topic::Config => "config",
            Topic::Menus => "menus",
        }
    }

    pub fn parse(s: &str) -> Option<Topic> {
        match s {
            "flags" => Some(Topic::Flags),
            "sdk_keys" => Some(Topic::SdkKeys),
            "config" => Some(Topic::Config),
            "menus" => Some(Topic::Menus),
            _ => None,
        }
    }
}

pub async fn record(
    tx: &mut Tx,
    backend: Backend,
    topics: &[Topic],
    now: i64,
) -> Result<(), AppError> {
    for topic in topics {
        sqlx::query("INSERT INTO changes (topic, at) VALUES ($1, $2)")
            .bind(topic.as_str())
            .bind(now)
            .execute(&mut **tx)
            .await?;
        if backend == Backend::Postgres {
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(CHANNEL)
                .bind(topic.as_str())
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}
