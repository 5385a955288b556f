//! Sign-in: password check with throttling per account and per client address.

use super::db::{Db, now_ms};
use super::passwords;
use super::request_info;
use super::sessions::{self, SignedIn};
use super::settings::Settings;
use super::users;
use crate::AppError;
use crate::domain::Credentials;
use crate::validation::{Validate, rules};
use http::request::Parts;
use sqlx::Row;

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
}

/// Signs in: returns the new session's token and the signed-in user.
pub async fn sign_in(
    db: &Db,
    settings: &Settings,
    credentials: Credentials,
    parts: &Parts,
) -> Result<(String, SignedIn), AppError> {
    credentials.validate()?;
    let email = rules::normalize_email(&credentials.email);
    let ip = request_info::client_ip(parts, settings);
    let window = settings.login_window.as_millis() as i64;
    let now = now_ms();

    check_limit(
        db,
        Scope::Account,
        &email,
        settings.login_max_failures_per_account,
        now,
        window,
        "this account",
    )
    .await?;
    if let Some(ip) = &ip {
        check_limit(
            db,
            Scope::Ip,
            ip,
            settings.login_max_failures_per_ip,
            now,
            window,
            "your network address",
        )
        .await?;
    }

    let account = users::credentials(db, &email).await?;
    let ok = passwords::verify(
        credentials.password,
        account.as_ref().map(|(_, h, _)| h.clone()),
    )
    .await;
    let Some((user_id, _, disabled)) = account.filter(|_| ok) else {
        record_failure(db, Scope::Account, &email, now, window).await?;
        if let Some(ip) = &ip {
            record_failure(db, Scope::Ip, ip, now, window).await?;
        }
        tracing::info!(%email, ip = ?ip, "failed sign-in");
        return Err(AppError::InvalidCredentials);
    };
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

async fn check_limit(
    db: &Db,
    scope: Scope,
    subject: &str,
    max: u32,
    now: i64,
    window: i64,
    what: &str,
) -> Result<(), AppError> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n, MIN(at) AS oldest FROM login_failures WHERE scope = $1 AND subject = $2 AND at > $3",
    )
    .bind(scope.as_str())
    .bind(subject)
    .bind(now - window)
    .fetch_one(db.reader())
    .await?;
    let failures: i64 = row.try_get("n")?;
    if failures < max as i64 {
        return Ok(());
    }
    let oldest: Option<i64> = row.try_get("oldest")?;
    let retry_ms = oldest.map_or(window, |o| o + window - now).max(1000);
    let minutes = (retry_ms + 59_999) / 60_000;
    Err(AppError::RateLimited {
        message: format!(
            "Too many failed sign-in attempts for {what}. Try again in {minutes} minute{}.",
            if minutes == 1 { "" } else { "s" }
        ),
        retry_after_secs: (retry_ms / 1000) as u64,
    })
}

async fn record_failure(
    db: &Db,
    scope: Scope,
    subject: &str,
    now: i64,
    window: i64,
) -> Result<(), AppError> {
    sqlx::query("INSERT INTO login_failures (scope, subject, at) VALUES ($1, $2, $3)")
        .bind(scope.as_str())
        .bind(subject)
        .bind(now)
        .execute(db.writer())
        .await?;
    sqlx::query("DELETE FROM login_failures WHERE scope = $1 AND subject = $2 AND at <= $3")
        .bind(scope.as_str())
        .bind(subject)
        .bind(now - window)
        .execute(db.writer())
        .await?;
    Ok(())
}
