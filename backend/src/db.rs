//! One database handle over SQLite (embedded default) or PostgreSQL, chosen by URL at start.
//!
//! Both backends run the same SQL: `$n` placeholders, `RETURNING`, integer booleans and integer
//! millisecond timestamps. SQLite writes go through a single-connection pool so concurrent
//! commands queue in-process instead of failing with SQLITE_BUSY.

use super::clock::Clock;
use super::keyring::Keyring;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{Any, AnyPool, Executor, Transaction};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

pub type Tx = Transaction<'static, Any>;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("unsupported database URL {0:?}: use sqlite://PATH or postgres://...")]
    UnsupportedUrl(String),
    #[error("cannot connect to the {backend} database at {url}: {source}")]
    Connect {
        backend: &'static str,
        url: String,
        source: sqlx::Error,
    },
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

#[derive(Clone, Debug)]
pub struct Db {
    backend: Backend,
    /// Shared: every request clones the state that holds this.
    url: Arc<str>,
    read: AnyPool,
    write: AnyPool,
    /// Seals and opens secret config values; empty until [`Db::with_keyring`].
    keyring: Arc<Keyring>,
    /// "Now" for whatever expires or is stamped (see [`Clock`]); carried here, like the keyring,
    /// because the command layer, sessions, sign-in and tokens are all handed a `Db`, including
    /// by the command line, which has no `AppState`.
    clock: Clock,
}

impl Db {
    /// Connects (creating a SQLite file if needed) without migrating.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Db, DbError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(DbError::UnsupportedUrl(redact(url)));
        };
        let connect_err = |source| DbError::Connect {
            backend: backend.name(),
            url: redact(url),
            source,
        };
        let options = AnyConnectOptions::from_str(url).map_err(connect_err)?;
        let pool = |max: u32| {
            let mut o = AnyPoolOptions::new()
                .max_connections(max)
                .acquire_timeout(Duration::from_secs(10));
            if backend == Backend::Sqlite {
                o = o.after_connect(|conn, _| {
                    Box::pin(async move {
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                             PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON;",
                        )
                        .await?;
                        Ok(())
                    })
                });
            }
            o
        };
        let read = pool(max_connections.max(1))
            .connect_with(options.clone())
            .await
            .map_err(connect_err)?;
        let write = match backend {
            Backend::Sqlite => pool(1).connect_with(options).await.map_err(connect_err)?,
            Backend::Postgres => read.clone(),
        };
        Ok(Db {
            backend,
            url: url.into(),
            read,
            write,
            keyring: Arc::default(),
            clock: Clock::system(),
        })
    }

    /// The same database with the keys that seal secret config values.
    pub fn with_keyring(mut self, keyring: Keyring) -> Db {
        self.keyring = Arc::new(keyring);
        self
    }

    pub fn keyring(&self) -> &Keyring {
        &self.keyring
    }

    /// The same database read with another clock (tests: one they can move forward).
    pub fn with_clock(mut self, clock: Clock) -> Db {
        self.clock = clock;
        self
    }

    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Milliseconds since the epoch by this handle's clock.
    pub fn now(&self) -> i64 {
        self.clock.now_ms()
    }

    pub async fn migrate(&self) -> Result<(), DbError> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&self.write).await?;
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The connection URL (for a dedicated notification listener).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// For queries that change nothing.
    pub fn reader(&self) -> &AnyPool {
        &self.read
    }

    /// For single-statement writes outside a command (session bookkeeping).
    pub fn writer(&self) -> &AnyPool {
        &self.write
    }

    /// A write transaction. On SQLite it takes the write lock up front (`BEGIN IMMEDIATE`), so a
    /// transaction that reads before it writes cannot fail halfway with a lock upgrade error.
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.write.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.write.begin().await,
        }
    }

    /// Is the database answering?
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.read).await.is_ok()
    }

    /// (connections open, of which idle) over both pools, for metrics.
    pub fn pool_stats(&self) -> (u32, u32) {
        let (mut size, mut idle) = (self.read.size(), self.read.num_idle() as u32);
        if self.backend == Backend::Sqlite {
            size += self.write.size();
            idle += self.write.num_idle() as u32;
        }
        (size, idle)
    }

    pub async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }
}

/// Hides a password in a database URL before it is printed.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let creds = &url[scheme_end + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// The system time. Whatever must follow a test's clock (expiry, throttling, timestamps written
/// by commands) reads [`Db::now`] instead.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

/// Booleans are stored as 0/1 integers on both backends.
pub fn flag(b: bool) -> i64 {
    i64::from(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_hides_only_the_password() {
        assert_eq!(
            redact("postgres://sb:s3cret@db:5432/sb"),
            "postgres://sb:***@db:5432/sb"
        );
        assert_eq!(redact("postgres://db/sb"), "postgres://db/sb");
        assert_eq!(redact("sqlite://data/x.db"), "sqlite://data/x.db");
    }
}
