//! What the config pages and the admin API read.

use super::diff::EntryDiff;
use super::model::{Entry, EntryConstraints, ValueType};
use super::selector::GrayTarget;
use crate::domain::Millis;
use serde::{Deserialize, Serialize};

/// A namespace as the list shows it for one environment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NamespaceSummary {
    pub key: String,
    pub description: String,
    /// Entries in the draft.
    pub entries: usize,
    /// The release every instance gets (0 before the first publish).
    pub main_version: i64,
    /// A gray release in progress.
    pub gray_version: Option<i64>,
    /// Draft changes not yet published (0 when the draft matches the main release).
    pub pending: usize,
    pub updated_at: Millis,
}

/// One entry of the draft with who last changed it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DraftEntry {
    pub entry: Entry,
    /// Send it back with a change; 0 for an entry that does not exist (yet).
    pub version: i64,
    pub updated_by: String,
    pub updated_at: Millis,
}

/// An entry removed in the draft and not yet published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RemovedEntry {
    pub key: String,
    pub removed_by: String,
    pub removed_at: Millis,
}

/// A gray release in progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GrayRelease {
    pub version: i64,
    pub target: GrayTarget,
}

/// The draft of a namespace in one environment, against what apps get now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Draft {
    pub namespace: String,
    pub description: String,
    pub environment: String,
    /// In key order.
    pub entries: Vec<DraftEntry>,
    pub removed: Vec<RemovedEntry>,
    /// 0 before the first publish. Send it with a publish or rollback.
    pub main_version: i64,
    /// The entries of the main release, for the pending diff.
    pub main_entries: Vec<Entry>,
    pub gray: Option<GrayRelease>,
    /// Draft against the main release.
    pub pending: EntryDiff,
    /// Moves with every change to the draft; send it with a publish, discard or copy.
    pub draft_version: i64,
}

impl Draft {
    pub fn draft_entries(&self) -> Vec<Entry> {
        self.entries.iter().map(|d| d.entry.clone()).collect()
    }
}

/// How a config release came to be: the kinds every subject has, and gray release, config's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = ConfigReleaseKind))]
#[serde(rename_all = "snake_case")]
pub enum ReleaseKind {
    /// The draft, published to every instance.
    Publish,
    /// An earlier release published again as a new version.
    Rollback,
    /// The draft, published to part of the fleet.
    Gray,
}

impl ReleaseKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReleaseKind::Publish => "publish",
            ReleaseKind::Rollback => "rollback",
            ReleaseKind::Gray => "gray",
        }
    }

    pub fn parse(s: &str) -> Option<ReleaseKind> {
        [
            ReleaseKind::Publish,
            ReleaseKind::Rollback,
            ReleaseKind::Gray,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// A config release without its entries, for the history: what every release has, and the
/// target of a gray release.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = ConfigReleaseSummary))]
pub struct ReleaseSummary {
    pub version: i64,
    pub kind: ReleaseKind,
    pub message: String,
    pub author: String,
    pub created_at: Millis,
    /// For a rollback: the version it published again.
    pub rollback_of: Option<i64>,
    /// For a gray release: who it went to.
    pub gray_target: Option<GrayTarget>,
    /// How many entries it holds.
    pub entries: usize,
}

/// An immutable release.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Release {
    pub summary: ReleaseSummary,
    pub entries: Vec<Entry>,
}

/// Two releases (or a release and nothing) side by side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReleaseDiff {
    pub from: Option<ReleaseSummary>,
    pub to: ReleaseSummary,
    pub diff: EntryDiff,
}

/// A namespace's published state in two environments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnvironmentComparison {
    pub namespace: String,
    pub from: String,
    pub from_version: i64,
    pub to: String,
    pub to_version: i64,
    /// From `from` to `to`: what copying `from` into `to` would change is its reverse.
    pub diff: EntryDiff,
}

/// An app instance that fetched or watches a namespace through this server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InstanceView {
    pub instance_id: String,
    pub labels: std::collections::BTreeMap<String, String>,
    /// The version it was last given.
    pub version: i64,
    pub gray: bool,
    /// Connected to the watch stream now.
    pub watching: bool,
    pub last_seen: Millis,
}

/// The default entry a new row in the editor starts from.
pub fn blank_entry(value_type: ValueType) -> Entry {
    let value = match value_type {
        ValueType::String => "",
        ValueType::Integer | ValueType::Float => "0",
        ValueType::Boolean => "false",
        ValueType::Duration => "0s",
        ValueType::Json => "{}",
    };
    Entry {
        key: String::new(),
        value_type,
        value: value.to_string(),
        description: String::new(),
        constraints: EntryConstraints::default(),
        secret: false,
    }
}
