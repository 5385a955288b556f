//! What the flag list and the flag page read.

use super::model::{Flag, FlagEnvironment, FlagKind, Segment};
use crate::domain::Millis;
use serde::{Deserialize, Serialize};

/// Search, filter, sort and page through flags.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
// utoipa documents the fields of an IntoParams struct as (required) path parameters unless told.
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct FlagQuery {
    /// Matches key, name or tag, case-insensitively.
    pub search: Option<String>,
    /// Whose on/off state to show (and filter by).
    pub environment: Option<String>,
    /// `on` or `off` in `environment`.
    pub state: Option<String>,
    /// Archived flags instead of active ones.
    #[serde(default)]
    pub archived: bool,
    /// `key` (default), `name`, `updated` (newest first).
    pub sort: Option<String>,
    /// From 1.
    // Every u32 parses; utoipa would document a u32 as int32, which leaves out half of them.
    #[cfg_attr(feature = "openapi", param(value_type = Option<i64>, minimum = 0, maximum = 4294967295u32))]
    pub page: Option<u32>,
    /// Flags per page: 50 unless given, and a larger number than 200 counts as 200.
    #[cfg_attr(feature = "openapi", param(value_type = Option<i64>, minimum = 0, maximum = 4294967295u32))]
    pub per_page: Option<u32>,
}

impl FlagQuery {
    pub const DEFAULT_PER_PAGE: u32 = 50;
    pub const MAX_PER_PAGE: u32 = 200;

    pub fn page(&self) -> u32 {
        self.page.unwrap_or(1).max(1)
    }

    pub fn per_page(&self) -> u32 {
        self.per_page
            .unwrap_or(Self::DEFAULT_PER_PAGE)
            .clamp(1, Self::MAX_PER_PAGE)
    }

    /// How many flags come before this page, or why the page cannot exist: `(page - 1) *
    /// per_page` overflowed for pages near `u32::MAX` (a panic in debug builds, a wrapped offset
    /// in release).
    pub fn offset(&self) -> Result<u32, String> {
        let (page, per_page) = (self.page(), self.per_page());
        (page - 1).checked_mul(per_page).ok_or_else(|| {
            format!(
                "Page {page} does not exist: with {per_page} flags per page, pages go up to {}",
                u32::MAX / per_page + 1
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(page: u32, per_page: u32) -> FlagQuery {
        FlagQuery {
            page: Some(page),
            per_page: Some(per_page),
            ..FlagQuery::default()
        }
    }

    #[test]
    fn offsets_are_checked() {
        assert_eq!(query(1, 50).offset(), Ok(0));
        assert_eq!(query(3, 50).offset(), Ok(100));
        // The last page whose offset fits in 32 bits (4,294,967,295 at most):
        // (21,474,837 - 1) x 200 = 4,294,967,200.
        assert_eq!(query(21_474_837, 200).offset(), Ok(4_294_967_200));
        let e = query(u32::MAX, 200).offset().unwrap_err();
        assert!(e.contains("pages go up to 21474837"), "{e}");
        assert!(query(21_474_838, 200).offset().is_err());
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlagSummary {
    pub key: String,
    pub name: String,
    pub kind: FlagKind,
    pub tags: Vec<String>,
    pub archived: bool,
    pub updated_at: Millis,
    /// On or off in the queried environment (off when never configured there).
    pub enabled: bool,
    /// Number of rules in the queried environment.
    pub rules: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlagPage {
    pub flags: Vec<FlagSummary>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

/// The dashboard's flag list: a page of flags with their state in `environment`, the
/// environment asked for if the reader may see it, else the first one they may see.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlagListing {
    pub environment: Option<crate::domain::Environment>,
    pub page: FlagPage,
}

/// A flag with its settings in every environment the reader may see.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlagDetail {
    pub flag: Flag,
    /// Settings per environment; an environment never configured shows defaults at version 0.
    pub environments: Vec<FlagEnvironment>,
    /// Every segment, for the rule editor's picker and the browser-side evaluation.
    pub segments: Vec<Segment>,
    /// The flags this one's prerequisites name (in any environment shown), with their settings
    /// there, so the browser evaluates prerequisites as the server does.
    #[serde(default)]
    pub prerequisite_flags: Vec<RelatedFlag>,
    /// The flags whose prerequisites name this one, per environment shown.
    #[serde(default)]
    pub required_by: Vec<Requirement>,
}

/// Another flag with its settings in the environments the reader may see.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RelatedFlag {
    pub flag: Flag,
    pub environments: Vec<FlagEnvironment>,
}

/// `flag` requires the flag shown to serve one of `variants` in `environment`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Requirement {
    pub environment: String,
    pub flag: String,
    pub variants: Vec<String>,
}

/// A flag a prerequisite can name: what the picker offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlagChoice {
    pub key: String,
    pub name: String,
    pub variants: Vec<String>,
}

/// What promoting a flag's settings from one environment to another would change
/// ([`super::compare_settings`]); empty `changes` means the two already serve alike.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlagComparison {
    pub flag: String,
    pub from: String,
    pub to: String,
    pub changes: Vec<super::SettingsChange>,
}

/// Every flag whose settings differ between two environments ([`FlagComparison`] each), for
/// promoting one environment's flags to another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlagSetComparison {
    pub from: String,
    pub to: String,
    /// In key order; flags the two environments serve alike are left out.
    pub flags: Vec<FlagComparison>,
}
