//! Environments: development, staging, production and whatever else an organisation runs.

use super::Millis;
use crate::permissions::EnvScope;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Environment {
    pub id: i64,
    /// Stable identifier used in URLs and APIs; cannot change after creation.
    pub key: String,
    pub name: String,
    /// Changes here ask for confirmation in the dashboard and a publisher for flag changes.
    pub protected: bool,
    pub position: i64,
    pub version: i64,
    pub created_at: Millis,
    pub updated_at: Millis,
}

impl Environment {
    pub fn scope(&self) -> EnvScope<'_> {
        EnvScope {
            key: &self.key,
            protected: self.protected,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewEnvironment {
    pub key: String,
    pub name: String,
    #[serde(default)]
    pub protected: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UpdateEnvironment {
    /// Which environment (its key; keys do not change).
    pub key: String,
    pub name: String,
    pub protected: bool,
    /// The version the client started from; a stale one is refused with 409.
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DeleteEnvironment {
    pub key: String,
    pub version: i64,
}
