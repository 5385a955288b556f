//! Server-side sessions: a random token in an HttpOnly, SameSite=Strict cookie; only its digest
//! is stored. Sessions end on sign-out, after the idle or absolute limit, and when the user is
//! disabled or their password is reset.

use super::actor::Actor;
use super::db::Db;
use super::request_info;
use super::roles::{self, Holder};
use super::secrets;
use super::settings::Settings;
use http::request::Parts;
use sqlx::Row;
use switchboard_core::domain::{ActorKind, SessionInfo};
use switchboard_core::permissions::Subject;
use switchboard_error::AppError;

/// The session cookie on plain http (development, or `SWITCHBOARD_COOKIE_SECURE=false`).
pub const COOKIE: &str = "sb_session";
/// The session cookie on https: the `__Host-` prefix makes the browser accept it only when it is
/// Secure, for this exact host and path `/`, so a sibling subdomain cannot plant or shadow it.
pub const SECURE_COOKIE: &str = "__Host-sb_session";
/// Writing `last_seen_at` on every request would make every page view a write.
const TOUCH_EVERY_MS: i64 = 60_000;

/// The signed-in user behind a request.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub actor: Actor,
    pub display_name: String,
}

impl SignedIn {
    pub fn info(&self) -> SessionInfo {
        SessionInfo {
            user_id: self.actor.id.unwrap_or_default(),
            email: self.actor.name.clone(),
            name: self.display_name.clone(),
            subject: self.actor.subject.clone(),
        }
    }
}

pub async fn create(
    db: &Db,
    settings: &Settings,
    user_id: i64,
    parts: &Parts,
) -> Result<String, AppError> {
    let token = secrets::generate("");
    let now = db.now();
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, ip, user_agent) \
         VALUES ($1, $2, $3, $3, $4, $5, $6)",
    )
    .bind(secrets::digest(&token))
    .bind(user_id)
    .bind(now)
    .bind(now + settings.session_absolute.as_millis() as i64)
    .bind(request_info::client_ip(parts, settings))
    .bind(request_info::user_agent(parts))
    .execute(db.writer())
    .await?;
    Ok(token)
}

/// The session named by the request's cookie, if it is still good.
pub async fn resolve(
    db: &Db,
    settings: &Settings,
    parts: &Parts,
) -> Result<Option<SignedIn>, AppError> {
    let Some(token) = token(parts, settings) else {
        return Ok(None);
    };
    let hash = secrets::digest(&token);
    let row = sqlx::query(
        "SELECT s.user_id, s.last_seen_at, s.expires_at, u.disabled \
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1",
    )
    .bind(&hash)
    .fetch_optional(db.reader())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let now = db.now();
    let last_seen: i64 = row.try_get("last_seen_at")?;
    let expires: i64 = row.try_get("expires_at")?;
    let disabled = row.try_get::<i64, _>("disabled")? != 0;
    let idle_expired = now - last_seen > settings.session_idle.as_millis() as i64;
    if disabled || now >= expires || idle_expired {
        delete(db, &hash).await?;
        return Ok(None);
    }
    if now - last_seen > TOUCH_EVERY_MS {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(now)
            .bind(&hash)
            .execute(db.writer())
            .await?;
    }
    load(db, row.try_get("user_id")?).await
}

/// The user as a signed-in actor, with their current roles.
pub async fn load(db: &Db, user_id: i64) -> Result<Option<SignedIn>, AppError> {
    let row = sqlx::query("SELECT email, name, admin FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(db.reader())
        .await?;
    let Some(row) = row else { return Ok(None) };
    let subject = Subject {
        admin: row.try_get::<i64, _>("admin")? != 0,
        roles: roles::of_reader(db, Holder::User, user_id).await?,
    };
    Ok(Some(SignedIn {
        actor: Actor {
            kind: ActorKind::User,
            id: Some(user_id),
            name: row.try_get("email")?,
            subject,
        },
        display_name: row.try_get("name")?,
    }))
}

/// Like [`resolve`], but a missing or expired session is a 401.
pub async fn require(db: &Db, settings: &Settings, parts: &Parts) -> Result<SignedIn, AppError> {
    resolve(db, settings, parts)
        .await?
        .ok_or(AppError::Unauthenticated)
}

async fn delete(db: &Db, hash: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(hash)
        .execute(db.writer())
        .await?;
    Ok(())
}

/// The session token the request carries: the `__Host-` cookie, or the plain one only when the
/// request is not known to be https (there it could have been planted by a sibling subdomain).
fn token(parts: &Parts, settings: &Settings) -> Option<String> {
    request_info::cookie(&parts.headers, SECURE_COOKIE).or_else(|| {
        (!request_info::secure_cookies(parts, settings))
            .then(|| request_info::cookie(&parts.headers, COOKIE))
            .flatten()
    })
}

/// Ends the session named by the request's cookie, if any.
pub async fn end(db: &Db, settings: &Settings, parts: &Parts) -> Result<(), AppError> {
    if let Some(token) = token(parts, settings) {
        delete(db, &secrets::digest(&token)).await?;
    }
    Ok(())
}

/// The name the session cookie gets on a request that is (or is not) https.
pub fn cookie_name(secure: bool) -> &'static str {
    if secure { SECURE_COOKIE } else { COOKIE }
}

pub fn set_cookie(token: &str, settings: &Settings, secure: bool) -> String {
    format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}",
        cookie_name(secure),
        settings.session_absolute.as_secs(),
        if secure { "; Secure" } else { "" }
    )
}

/// Expires the session cookie under both names (one may be left from before https).
pub fn clear_cookies(secure: bool) -> [String; 2] {
    let clear = |name: &str, secure: bool| {
        format!(
            "{name}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{}",
            if secure { "; Secure" } else { "" }
        )
    };
    [clear(COOKIE, secure), clear(SECURE_COOKIE, true)]
}
