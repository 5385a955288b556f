//! What clients send to change menus. Every one runs through the command layer.

use super::model::Menu;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewMenu {
    /// `web-main`, `mobile-tabs`: what apps ask for.
    pub key: String,
    #[serde(default)]
    pub description: String,
    /// The environment the creator is working in (decides who may create it).
    pub environment: String,
}

/// Replaces the draft tree. The editor changes the tree in the browser and saves it whole, so a
/// save is one audited change however many items it touched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SaveMenuDraft {
    pub menu: String,
    pub environment: String,
    /// Sent as `"items": [...]`, like an exported menu file.
    #[serde(flatten)]
    pub tree: Menu,
    /// The draft version the editor started from (0 for a draft never saved).
    pub version: i64,
}

/// Puts the draft back to the main release.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DiscardMenuDraft {
    pub menu: String,
    pub environment: String,
    /// The draft version the user saw; 409 if the draft moved since.
    pub draft_version: i64,
}

/// Turns the draft into the release apps get.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublishMenu {
    pub menu: String,
    pub environment: String,
    pub message: String,
    /// The main release the draft was reviewed against (0 before the first publish).
    pub main_version: i64,
    /// The draft version whose tree was reviewed; 409 if the draft moved since.
    pub draft_version: i64,
}

/// Publishes an earlier release again as a new version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RollbackMenu {
    pub menu: String,
    pub environment: String,
    pub to_version: i64,
    #[serde(default)]
    pub message: String,
    pub main_version: i64,
    /// Confirms that unpublished draft changes are dropped.
    #[serde(default)]
    pub discard_draft: bool,
    /// The draft version seen; required to drop unpublished draft changes (409 if it moved).
    #[serde(default)]
    pub draft_version: Option<i64>,
}
