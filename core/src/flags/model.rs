//! Rollout flags as stored and edited: a flag's definition (kind, variants) and, per environment,
//! its kill switch, fallback variants and ordered targeting rules.

use crate::domain::Millis;
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum FlagKind {
    Boolean,
    String,
    Number,
    Json,
}

impl FlagKind {
    pub const ALL: [FlagKind; 4] = [
        FlagKind::Boolean,
        FlagKind::String,
        FlagKind::Number,
        FlagKind::Json,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FlagKind::Boolean => "boolean",
            FlagKind::String => "string",
            FlagKind::Number => "number",
            FlagKind::Json => "json",
        }
    }

    pub fn parse(s: &str) -> Option<FlagKind> {
        FlagKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Does `value` have this kind's type?
    pub fn accepts(self, value: &Value) -> bool {
        match self {
            FlagKind::Boolean => value.is_boolean(),
            FlagKind::String => value.is_string(),
            FlagKind::Number => value.is_number(),
            FlagKind::Json => value.is_object() || value.is_array(),
        }
    }
}

/// A value a flag can serve, under a stable key (`on`/`off` for boolean flags).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Variant {
    pub key: String,
    pub value: Value,
    #[serde(default)]
    pub description: String,
}

impl Variant {
    pub fn boolean_pair() -> Vec<Variant> {
        vec![
            Variant {
                key: "on".into(),
                value: Value::Bool(true),
                description: String::new(),
            },
            Variant {
                key: "off".into(),
                value: Value::Bool(false),
                description: String::new(),
            },
        ]
    }
}

/// What a flag is, the same in every environment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Flag {
    pub id: i64,
    pub key: String,
    pub name: String,
    pub description: String,
    pub tags: Vec<String>,
    pub owner: String,
    pub kind: FlagKind,
    pub variants: Vec<Variant>,
    pub archived: bool,
    pub version: i64,
    pub created_at: Millis,
    pub updated_at: Millis,
}

/// How a flag behaves in one environment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlagEnvironment {
    pub environment: String,
    /// The kill switch: off serves `off_variant` to everyone.
    pub enabled: bool,
    /// Served while the flag is off.
    pub off_variant: String,
    /// Served while the flag is on and no rule matches.
    pub default_variant: String,
    /// Other flags that must serve the caller given variants here first; while one does not, the
    /// flag serves `off_variant` (reason PREREQUISITE_FAILED) whatever its rules say.
    #[serde(default)]
    pub prerequisites: Vec<Prerequisite>,
    /// Tried in order; the first that matches decides.
    pub rules: Vec<Rule>,
    pub version: i64,
    pub updated_at: Millis,
}

/// Another flag of the same environment that must serve the caller one of `variants` (Unleash's
/// dependent features, LaunchDarkly's prerequisites). One level deep, as in Unleash: a flag that
/// has prerequisites cannot be one, so there are no chains and no cycles; should one exist anyway
/// (two concurrent saves), it is never met.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Prerequisite {
    /// The other flag's key.
    pub flag: String,
    /// Met when the other flag serves one of these (for a boolean flag `on`, or `off` for "only
    /// while the other is off").
    pub variants: Vec<String>,
}

/// Conditions (all constraints and all segments must hold, and the caller must fall inside the
/// rollout) and what to serve when they do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rule {
    /// Stable within the flag; reported as the matching rule.
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub constraints: Vec<Constraint>,
    /// Segment keys; each segment's constraints must all hold too.
    #[serde(default)]
    pub segments: Vec<String>,
    /// A sticky percentage of the callers that match. Without one, every caller that matches is
    /// served; with one, callers without the stickiness attribute never are (even at 100%, as in
    /// Unleash).
    #[serde(default)]
    pub rollout: Option<Rollout>,
    pub serve: Serve,
}

pub const DEFAULT_STICKINESS: &str = "userId";

/// A sticky percentage of callers, bucketed by an attribute's value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rollout {
    /// 0 to 100.
    pub percentage: u32,
    /// The context attribute whose value decides the bucket: `userId` (default), `sessionId`,
    /// any attribute, `default` (userId, then sessionId, then random) or `random`.
    #[serde(default = "default_stickiness")]
    pub stickiness: String,
    /// Callers keep their bucket across flags that share a group; defaults to the flag key.
    #[serde(default)]
    pub group_id: Option<String>,
}

fn default_stickiness() -> String {
    DEFAULT_STICKINESS.to_string()
}

impl Rollout {
    pub fn percent(percentage: u32) -> Rollout {
        Rollout {
            percentage,
            stickiness: default_stickiness(),
            group_id: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Serve {
    Variant { variant: String },
    Split(Split),
}

/// A sticky weighted choice between variants. Weights are parts of `total` (1000 unless given,
/// so 1 part = 0.1%) and must add up to it: 100%.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Split {
    #[serde(default = "default_total")]
    pub total: u32,
    pub variants: Vec<Weighted>,
    /// Bucketing attribute for the split; the rule's rollout stickiness (or `userId`) when absent.
    /// Callers without it are assigned at random.
    #[serde(default)]
    pub stickiness: Option<String>,
    /// Bucketing group for the split; the rule's rollout group when absent.
    #[serde(default)]
    pub group_id: Option<String>,
}

pub const DEFAULT_SPLIT_TOTAL: u32 = 1000;

fn default_total() -> u32 {
    DEFAULT_SPLIT_TOTAL
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Weighted {
    pub variant: String,
    pub weight: u32,
}

/// A test on one context attribute, with Unleash's operators.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Constraint {
    pub attribute: String,
    pub operator: Operator,
    /// Several values for IN, NOT_IN and STR_*; exactly one for the others.
    #[serde(default)]
    pub values: Vec<String>,
    #[serde(default)]
    pub inverted: bool,
    /// For the STR_* operators.
    #[serde(default)]
    pub case_insensitive: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Operator {
    In,
    NotIn,
    StrContains,
    StrStartsWith,
    StrEndsWith,
    NumEq,
    NumLt,
    NumLte,
    NumGt,
    NumGte,
    DateBefore,
    DateAfter,
    SemverEq,
    SemverLt,
    SemverLte,
    SemverGt,
    SemverGte,
    /// The attribute matches a regular expression (searched, not anchored: `^…$` for the whole).
    Regex,
    /// The attribute is an IP address inside one of the networks (`10.0.0.0/8`, `2001:db8::/32`,
    /// or single addresses).
    InCidr,
    /// Anything else a client sent: refused by validation with a field error, never evaluated.
    #[serde(other)]
    Unknown,
}

impl Operator {
    pub const ALL: [Operator; 19] = [
        Operator::In,
        Operator::NotIn,
        Operator::StrContains,
        Operator::StrStartsWith,
        Operator::StrEndsWith,
        Operator::NumEq,
        Operator::NumLt,
        Operator::NumLte,
        Operator::NumGt,
        Operator::NumGte,
        Operator::DateBefore,
        Operator::DateAfter,
        Operator::SemverEq,
        Operator::SemverLt,
        Operator::SemverLte,
        Operator::SemverGt,
        Operator::SemverGte,
        Operator::Regex,
        Operator::InCidr,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Operator::In => "IN",
            Operator::NotIn => "NOT_IN",
            Operator::StrContains => "STR_CONTAINS",
            Operator::StrStartsWith => "STR_STARTS_WITH",
            Operator::StrEndsWith => "STR_ENDS_WITH",
            Operator::NumEq => "NUM_EQ",
            Operator::NumLt => "NUM_LT",
            Operator::NumLte => "NUM_LTE",
            Operator::NumGt => "NUM_GT",
            Operator::NumGte => "NUM_GTE",
            Operator::DateBefore => "DATE_BEFORE",
            Operator::DateAfter => "DATE_AFTER",
            Operator::SemverEq => "SEMVER_EQ",
            Operator::SemverLt => "SEMVER_LT",
            Operator::SemverLte => "SEMVER_LTE",
            Operator::SemverGt => "SEMVER_GT",
            Operator::SemverGte => "SEMVER_GTE",
            Operator::Regex => "REGEX",
            Operator::InCidr => "IN_CIDR",
            Operator::Unknown => "UNKNOWN",
        }
    }

    pub fn parse(s: &str) -> Option<Operator> {
        Operator::ALL.into_iter().find(|o| o.as_str() == s)
    }

    /// How people read it in the rule editor.
    pub fn label(self) -> &'static str {
        match self {
            Operator::In => "is one of",
            Operator::NotIn => "is not one of",
            Operator::StrContains => "contains",
            Operator::StrStartsWith => "starts with",
            Operator::StrEndsWith => "ends with",
            Operator::NumEq => "=",
            Operator::NumLt => "<",
            Operator::NumLte => "≤",
            Operator::NumGt => ">",
            Operator::NumGte => "≥",
            Operator::DateBefore => "is before",
            Operator::DateAfter => "is after",
            Operator::SemverEq => "version =",
            Operator::SemverLt => "version <",
            Operator::SemverLte => "version ≤",
            Operator::SemverGt => "version >",
            Operator::SemverGte => "version ≥",
            Operator::Regex => "matches regex",
            Operator::InCidr => "is in network",
            Operator::Unknown => "unknown operator",
        }
    }

    /// Takes a list of values (the others take exactly one).
    pub fn is_multi(self) -> bool {
        matches!(
            self,
            Operator::In
                | Operator::NotIn
                | Operator::StrContains
                | Operator::StrStartsWith
                | Operator::StrEndsWith
                | Operator::InCidr
        )
    }

    pub fn is_string(self) -> bool {
        matches!(
            self,
            Operator::StrContains | Operator::StrStartsWith | Operator::StrEndsWith
        )
    }

    /// Compares text, so letter case may be ignored.
    pub fn takes_case(self) -> bool {
        self.is_string() || self == Operator::Regex
    }
}

/// A named, reusable set of constraints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Segment {
    pub id: i64,
    pub key: String,
    pub name: String,
    pub description: String,
    pub constraints: Vec<Constraint>,
    pub version: i64,
    pub created_at: Millis,
    pub updated_at: Millis,
}
