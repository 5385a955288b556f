//! SDK keys: how apps authenticate to the delivery APIs (OFREP flags, and later config and menus).
//! One key belongs to one environment.

use super::Millis;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SdkKey {
    pub id: i64,
    pub environment: String,
    pub name: String,
    /// The first characters of the secret, to recognise it.
    pub prefix: String,
    pub created_by: String,
    pub created_at: Millis,
    pub last_used_at: Option<Millis>,
    pub revoked_at: Option<Millis>,
    pub version: i64,
    #[serde(flatten)]
    pub scope: KeyScope,
}

/// What a key may read beyond its environment's flags. Keys are scoped when issued and never
/// widened afterwards: a wider key is a new key, so whoever holds the old one gains nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KeyScope {
    /// Receives the values of secret config entries (others get those entries left out).
    #[serde(default)]
    pub read_secrets: bool,
    /// The config namespaces it may read; absent: all of them.
    #[serde(default)]
    pub namespaces: Option<Vec<String>>,
    /// The menus it may read; absent: all of them.
    #[serde(default)]
    pub menus: Option<Vec<String>>,
}

impl KeyScope {
    pub fn allows_namespace(&self, namespace: &str) -> bool {
        self.namespaces
            .as_ref()
            .is_none_or(|list| list.iter().any(|n| n == namespace))
    }

    pub fn allows_menu(&self, menu: &str) -> bool {
        self.menus
            .as_ref()
            .is_none_or(|list| list.iter().any(|m| m == menu))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewSdkKey {
    pub environment: String,
    pub name: String,
    #[serde(flatten)]
    pub scope: KeyScope,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SdkKeyCreated {
    pub key: SdkKey,
    /// The secret, shown this once.
    pub secret: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevokeSdkKey {
    pub environment: String,
    pub id: i64,
    pub version: i64,
}

/// The dashboard's SDK key list: an environment and, for its admins, its keys (None for
/// everyone else, who may see the environment but not its keys).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SdkKeyListing {
    pub environment: super::Environment,
    pub keys: Option<Vec<SdkKey>>,
}
