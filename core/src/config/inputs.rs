//! What clients send to change configuration. Every one runs through the command layer.

use super::model::Entry;
use super::selector::GrayTarget;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewNamespace {
    pub key: String,
    #[serde(default)]
    pub description: String,
    /// The environment the creator is working in (decides who may create it).
    pub environment: String,
}

/// Adds or changes one entry of the draft.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetEntry {
    pub namespace: String,
    pub environment: String,
    pub entry: Entry,
    /// The entry's draft version the client started from; 0 to add a new key.
    pub version: i64,
}

/// Removes one entry from the draft.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RemoveEntry {
    pub namespace: String,
    pub environment: String,
    pub key: String,
    pub version: i64,
}

/// Puts the draft back to the main release.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DiscardDraft {
    pub namespace: String,
    pub environment: String,
    /// The draft version the user saw (`Draft::draft_version`); 409 if the draft moved since.
    pub draft_version: i64,
}

/// Makes the draft of `environment` a copy of what `from` serves now (its main release).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CopyNamespace {
    pub namespace: String,
    pub from: String,
    pub environment: String,
    /// The draft version the user saw (`Draft::draft_version`); 409 if the draft moved since.
    pub draft_version: i64,
}

/// Turns the draft into a release: for everyone, or (with `gray`) for part of the fleet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublishDraft {
    pub namespace: String,
    pub environment: String,
    pub message: String,
    /// The main release the client reviewed the draft against (0 before the first publish).
    pub main_version: i64,
    /// The draft version whose diff the client reviewed (`Draft::draft_version`); 409 if the
    /// draft moved since.
    pub draft_version: i64,
    #[serde(default)]
    pub gray: Option<GrayTarget>,
}

/// Publishes an earlier release again as a new version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RollbackRelease {
    pub namespace: String,
    pub environment: String,
    pub to_version: i64,
    #[serde(default)]
    pub message: String,
    pub main_version: i64,
    /// The draft is reset to the rolled-back entries; with unpublished changes in it, this must
    /// be set to confirm they are dropped.
    #[serde(default)]
    pub discard_draft: bool,
    /// The draft version the user saw; required to drop unpublished changes (409 if the draft
    /// moved since, so nobody's later edit is dropped unseen).
    #[serde(default)]
    pub draft_version: Option<i64>,
}

/// Ends the gray release in progress: `promote` makes it the main release, otherwise it is
/// abandoned and every instance is back on the main release.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FinishGray {
    pub namespace: String,
    pub environment: String,
    pub gray_version: i64,
    pub promote: bool,
}
