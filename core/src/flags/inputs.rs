//! What clients send to change flags, segments and SDK keys.

use super::model::{Constraint, FlagKind, Prerequisite, Rule, Variant};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewFlag {
    pub key: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub owner: String,
    pub kind: FlagKind,
    /// Ignored for boolean flags, which always have `on` (true) and `off` (false).
    #[serde(default)]
    pub variants: Vec<Variant>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateFlag {
    pub key: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub owner: String,
    pub variants: Vec<Variant>,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetFlagArchived {
    pub key: String,
    pub archived: bool,
    pub version: i64,
}

/// A flag's whole settings in one environment, as the flag page saves them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SaveFlagSettings {
    pub flag: String,
    pub environment: String,
    pub enabled: bool,
    pub off_variant: String,
    pub default_variant: String,
    /// Absent: the stored prerequisites stay as they are (a client that does not know them cannot
    /// erase them by saving the rest).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prerequisites: Option<Vec<Prerequisite>>,
    pub rules: Vec<Rule>,
    /// The settings' version the client started from (0 if the environment had none yet).
    pub version: i64,
}

/// The kill switch alone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetFlagEnabled {
    pub flag: String,
    pub environment: String,
    pub enabled: bool,
    pub version: i64,
}

/// Copies one environment's rules and fallbacks over another's (the kill switch stays as it is
/// in the target, so a copy never turns a flag on by itself).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CopyFlagSettings {
    pub flag: String,
    pub from: String,
    pub to: String,
    /// The target's settings version the client started from.
    pub version: i64,
}

/// Copies one environment's rules and fallbacks over every other environment's in one step (a
/// new flag set up in one environment, then promoted everywhere). All or nothing: each target
/// keeps its kill switch and is written only if its version is still the one listed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CopyFlagSettingsEverywhere {
    pub flag: String,
    pub from: String,
    /// Every other environment's settings version the client started from (0: never
    /// configured). An environment left out (one added since) refuses the whole copy.
    pub versions: BTreeMap<String, i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewSegment {
    pub key: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub constraints: Vec<Constraint>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateSegment {
    pub key: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub constraints: Vec<Constraint>,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeleteSegment {
    pub key: String,
    pub version: i64,
}

/// Imports an Unleash feature state (the client API's JSON, or delta events) into one environment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportUnleash {
    pub environment: String,
    /// The JSON document, as text.
    pub document: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportReport {
    pub created: Vec<String>,
    pub updated: Vec<String>,
    pub segments: Vec<String>,
    /// Features left out, with the reason.
    pub skipped: Vec<(String, String)>,
    pub notes: Vec<String>,
}
