//! Admin API tokens: how CI jobs and scripts call the admin REST API.

use super::{Millis, Role};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A token as listed; the secret itself is shown once, at creation, and only its hash is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    /// The first characters of the secret, to recognise it.
    pub prefix: String,
    pub admin: bool,
    pub roles: BTreeMap<String, Role>,
    /// Who created it, as the audit trail names them (a user's email).
    pub created_by: String,
    /// The user it belongs to: disabling them revokes it. A token created with a token belongs
    /// to that token's owner; None for tokens no user created (the system actor's).
    #[serde(default)]
    pub created_by_user_id: Option<i64>,
    pub created_at: Millis,
    /// When it stops working; None: never.
    #[serde(default)]
    pub expires_at: Option<Millis>,
    /// Past `expires_at` when the list was read (worked out by the server, so the page renders
    /// the same on the server and in the browser).
    #[serde(default)]
    pub expired: bool,
    pub last_used_at: Option<Millis>,
    pub revoked_at: Option<Millis>,
    pub version: i64,
}

/// Expiry choices the dashboard offers, in days; the API takes any number in
/// [`TOKEN_EXPIRY_DAYS_MAX`]'s range.
pub const TOKEN_EXPIRY_CHOICES: [u32; 5] = [7, 30, 90, 180, 365];
/// The dashboard's default: long enough for a CI job, short enough that a leaked one dies.
pub const TOKEN_EXPIRY_DEFAULT_DAYS: u32 = 90;
pub const TOKEN_EXPIRY_DAYS_MAX: u32 = 365;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewApiToken {
    pub name: String,
    #[serde(default)]
    pub admin: bool,
    #[serde(default)]
    pub roles: BTreeMap<String, Role>,
    /// Days until the token stops working, 1 to 365; absent or null: it never expires.
    #[serde(default)]
    pub expires_in_days: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiTokenCreated {
    pub token: ApiToken,
    /// The secret, shown this once.
    pub secret: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevokeApiToken {
    pub id: i64,
    pub version: i64,
}
