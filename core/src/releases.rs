//! What every released subject shares (config namespaces, menus): how a release came to be and
//! how the history lists it. A subject with a layer of its own (config's gray release) has its own
//! kinds and summary on top of these; one without (menus) cannot carry kinds it cannot have.

use crate::domain::Millis;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReleaseKind {
    /// The draft, published.
    Publish,
    /// An earlier release published again as a new version.
    Rollback,
}

impl ReleaseKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReleaseKind::Publish => "publish",
            ReleaseKind::Rollback => "rollback",
        }
    }

    pub fn parse(s: &str) -> Option<ReleaseKind> {
        [ReleaseKind::Publish, ReleaseKind::Rollback]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// A release without its content, for the history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReleaseSummary {
    pub version: i64,
    pub kind: ReleaseKind,
    pub message: String,
    pub author: String,
    pub created_at: Millis,
    /// For a rollback: the version it published again.
    pub rollback_of: Option<i64>,
    /// How many entries or items it holds.
    pub entries: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_read_back_what_they_write_and_nothing_else() {
        for kind in [ReleaseKind::Publish, ReleaseKind::Rollback] {
            assert_eq!(ReleaseKind::parse(kind.as_str()), Some(kind));
        }
        // Gray release is config's layer: a subject without it cannot read one.
        assert_eq!(ReleaseKind::parse("gray"), None);
        assert_eq!(ReleaseKind::parse("Publish"), None);
        assert_eq!(
            serde_json::from_str::<ReleaseKind>("\"gray\"").ok(),
            None,
            "a menu release cannot claim to be gray"
        );
    }
}
