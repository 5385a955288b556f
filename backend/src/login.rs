//! Sign-in: password check with throttling per account and per client address.
//!
//! Every attempt is reserved before its password is checked: in one transaction the failures of
//! the window are counted for the address and the account, and if both are under their limits a
//! failure row is written for each. Concurrent attempts therefore see each other's reservations,
//! so at most the configured number of passwords is ever checked per account (and per address)
//! per window, however many arrive at once. A correct password gives its reservations back.

use super::db::{Backend, Db, Tx};
use super::passwords::PasswordGate;
use super::request_info;
use super::sessions::{self, SignedIn};
use super::settings::Settings;
use super::users;
use http::request::Parts;
use sha2::{Digest, Sha256};
use sqlx::Row;
use switchboard_core::domain::Credentials;
use switchboard_core::validation::{Validate, rules};
use switchboard_error::AppError;

#[derive(Debug, Clone, Copy)]
enum Scope {
    Account,
    Ip,
}

impl Scope {
    fn as_str(self) -> &'static str {
        match self {
            Scope::Account => "account",
            Scope::Ip => "ip",
        }
    }

    /// How the refusal names what is throttled.
    fn what(self) -> &'static str {
        match self {
            Scope::Account => "this account",
            Scope::Ip => "your network address",
        }
    }
}

/// One throttled subject: an account (its normalized email) or a client address.
struct Limit<'a> {
    scope: Scope,
    subject: &'a str,
    max: u32,
}

/// The failure rows written for an attempt before its password was checked.
struct Reservation {
    ids: Vec<i64>,
}

/// Signs in: returns the new session's token and the signed-in user.
pub async fn sign_in(
    db: &Db,
    settings: &Settings,
    gate: &PasswordGate,
    credentials: Credentials,
    parts: &Parts,
) -> Result<(String, SignedIn), AppError> {
    credentials.validate()?;
    let email = rules::normalize_email(&credentials.email);
    let ip = request_info::client_ip(parts, settings);
    let now = db.now();

    let mut limits = vec![Limit {
        scope: Scope::Account,
        subject: &email,
        max: settings.login_max_failures_per_account,
    }];
    if let Some(ip) = &ip {
        limits.push(Limit {
            scope: Scope::Ip,
            subject: ip,
            max: settings.login_max_failures_per_ip,
        });
    }
    // The server admitted this request to the password gate as it arrived (see
    // `PasswordGate::admit`): a sign-in refused there never reaches this point or the database.
    let reservation = reserve(db, &limits, now, settings.login_window.as_millis() as i64).await?;

    let account = users::credentials(db, &email).await?;
    let ok = gate
        .verify(
            credentials.password,
            account.as_ref().map(|(_, h, _)| h.clone()),
        )
        .await?;
    let Some((user_id, _, disabled)) = account.filter(|_| ok) else {
        // The reservation stays: it is the record of this failure.
        tracing::info!(%email, ip = ?ip, "failed sign-in");
        return Err(AppError::InvalidCredentials);
    };
    reservation.release(db).await?;
    if disabled {
        return Err(AppError::AccountDisabled {
            message: "This account is disabled. Ask an administrator to enable it.".into(),
        });
    }
    sqlx::query("DELETE FROM login_failures WHERE scope = 'account' AND subject = $1")
        .bind(&email)
        .execute(db.writer())
        .await?;
    sqlx::query("UPDATE users SET last_login_at = $1 WHERE id = $2")
        .bind(now)
        .bind(user_id)
        .execute(db.writer())
        .await?;
    tracing::info!(%email, "signed in");
    let token = sessions::create(db, settings, user_id, parts).await?;
    let user = sessions::load(db, user_id)
        .await?
        .ok_or(AppError::Internal)?;
    Ok((token, user))
}

/// Counts each subject's failures in the window and, when all are under their limits, records
/// one more for each, atomically: SQLite runs one write transaction at a time (`BEGIN
/// IMMEDIATE`); on PostgreSQL a transaction-scoped advisory lock per subject orders attempts on
/// the same account or address (taken in a fixed order, so two attempts cannot deadlock).
async fn reserve(
    db: &Db,
    limits: &[Limit<'_>],
    now: i64,
    window: i64,
) -> Result<Reservation, AppError> {
    let mut tx = db.begin().await?;
    if db.backend() == Backend::Postgres {
        let mut keys: Vec<i64> = limits.iter().map(lock_key).collect();
        keys.sort_unstable();
        keys.dedup();
        for key in keys {
            sqlx::query("SELECT CAST(pg_advisory_xact_lock($1) AS TEXT) AS locked")
                .bind(key)
                .fetch_one(&mut *tx)
                .await?;
        }
    }
    for limit in limits {
        refuse_if_over(&mut tx, limit, now, window).await?;
    }
    let mut ids = Vec::with_capacity(limits.len());
    for limit in limits {
        let row = sqlx::query(
            "INSERT INTO login_failures (scope, subject, at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(limit.scope.as_str())
        .bind(limit.subject)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        ids.push(row.try_get("id")?);
        // Keeps each subject's rows to one window's worth.
        sqlx::query("DELETE FROM login_failures WHERE scope = $1 AND subject = $2 AND at <= $3")
            .bind(limit.scope.as_str())
            .bind(limit.subject)
            .bind(now - window)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(Reservation { ids })
}

async fn refuse_if_over(
    tx: &mut Tx,
    limit: &Limit<'_>,
    now: i64,
    window: i64,
) -> Result<(), AppError> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n, MIN(at) AS oldest FROM login_failures WHERE scope = $1 AND subject = $2 AND at > $3",
    )
    .bind(limit.scope.as_str())
    .bind(limit.subject)
    .bind(now - window)
    .fetch_one(&mut **tx)
    .await?;
    let failures: i64 = row.try_get("n")?;
    if failures < i64::from(limit.max) {
        return Ok(());
    }
    let oldest: Option<i64> = row.try_get("oldest")?;
    let retry_ms = oldest.map_or(window, |o| o + window - now).max(1000);
    let minutes = (retry_ms + 59_999) / 60_000;
    Err(AppError::RateLimited {
        message: format!(
            "Too many failed sign-in attempts for {}. Try again in {minutes} minute{}.",
            limit.scope.what(),
            if minutes == 1 { "" } else { "s" }
        ),
        retry_after_secs: (retry_ms / 1000) as u64,
    })
}

/// A stable 64-bit advisory lock key for a subject.
fn lock_key(limit: &Limit<'_>) -> i64 {
    let digest = Sha256::new()
        .chain_update(b"switchboard login ")
        .chain_update(limit.scope.as_str())
        .chain_update(b":")
        .chain_update(limit.subject)
        .finalize();
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(bytes)
}

impl Reservation {
    /// Gives the attempt back (its password was right).
    async fn release(self, db: &Db) -> Result<(), AppError> {
        for id in self.ids {
            sqlx::query("DELETE FROM login_failures WHERE id = $1")
                .bind(id)
                .execute(db.writer())
                .await?;
        }
        Ok(())
    }
}
