//! Environments: development, staging, production and whatever else an organisation runs.

use super::Millis;
use crate::permissions::EnvScope;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

/// The environment a page shows: the one keyed `key` among those the user may see (from the
/// address or the remembered choice), else the first of them; none when they may see none.
pub fn chosen_or_first<'a>(
    visible: &'a [Environment],
    key: Option<&str>,
) -> Option<&'a Environment> {
    key.and_then(|k| visible.iter().find(|e| e.key == k))
        .or_else(|| visible.first())
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewEnvironment {
    pub key: String,
    pub name: String,
    #[serde(default)]
    pub protected: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateEnvironment {
    /// Which environment (its key; keys do not change).
    pub key: String,
    pub name: String,
    pub protected: bool,
    /// The version the client started from; a stale one is refused with 409.
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeleteEnvironment {
    pub key: String,
    pub version: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(key: &str) -> Environment {
        Environment {
            id: 0,
            key: key.into(),
            name: key.into(),
            protected: false,
            position: 0,
            version: 1,
            created_at: 0,
            updated_at: 0,
        }
    }

    #[test]
    fn a_page_shows_the_chosen_environment_if_visible_else_the_first() {
        let visible = [env("development"), env("staging")];
        let pick = |key| chosen_or_first(&visible, key).map(|e| e.key.as_str());
        assert_eq!(pick(Some("staging")), Some("staging"));
        assert_eq!(pick(Some("development")), Some("development"));
        // Not visible to this user (or deleted since it was remembered): the first one.
        assert_eq!(pick(Some("production")), Some("development"));
        assert_eq!(pick(Some("")), Some("development"));
        assert_eq!(pick(None), Some("development"));
        assert_eq!(chosen_or_first(&[], Some("staging")), None);
    }
}
