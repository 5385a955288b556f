//! What the menu pages and the admin API read. Releases are summarized as every released subject's
//! are ([`ReleaseSummary`]: version, kind, message, author; its `entries` counts items); menus have
//! no gray release.

use super::diff::MenuDiff;
use super::model::Menu;
use crate::domain::Millis;
use crate::releases::ReleaseSummary;
use serde::{Deserialize, Serialize};

/// A menu as the list shows it for one environment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MenuSummary {
    pub key: String,
    pub description: String,
    /// Items in the draft, at every level.
    pub items: usize,
    /// The release apps get (0 before the first publish).
    pub main_version: i64,
    /// Items added, removed, changed or moved in the draft since the main release.
    pub pending: usize,
    pub updated_at: Millis,
}

/// The draft of a menu in one environment, against what apps get now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MenuDraft {
    pub menu: String,
    pub description: String,
    pub environment: String,
    /// Sent as `"items": [...]`.
    #[serde(flatten)]
    pub tree: Menu,
    /// Send it back with the next save; 0 while the draft was never saved.
    pub version: i64,
    pub updated_by: Option<String>,
    pub updated_at: Option<Millis>,
    /// 0 before the first publish. Send it with a publish or rollback.
    pub main_version: i64,
    /// What apps get now, for the pending diff.
    pub main: Menu,
    /// Draft against the main release.
    pub pending: MenuDiff,
    /// The environment's flag keys, which items may depend on.
    pub flags: Vec<String>,
}

/// An immutable release.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MenuRelease {
    pub summary: ReleaseSummary,
    /// Sent as `"items": [...]`.
    #[serde(flatten)]
    pub tree: Menu,
}

/// Two releases (or a release and nothing) side by side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MenuReleaseDiff {
    pub from: Option<ReleaseSummary>,
    pub to: ReleaseSummary,
    pub diff: MenuDiff,
}
