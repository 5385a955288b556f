//! Which environments a change to something shared (a flag's definition, a segment) alters for
//! apps. Shared things are authorized against exactly these environments, so the answer comes
//! from the evaluation semantics rather than from a proxy such as "where the flag is on":
//!
//! - every environment serves every flag that is not archived: with its own settings or, when it
//!   has none, the defaults ([`default_settings`]: off, serving the first variant);
//! - a flag that is off serves its off variant to everyone;
//! - a flag that is on serves its default variant and the variants its rules name, and its rules
//!   read the constraints of the segments they name;
//! - a flag that is on and has prerequisites also serves its off variant (to callers for whom a
//!   prerequisite fails). What the other flags serve in the same environment is theirs: a change
//!   to them is authorized against the environments where *their* result changes, and a
//!   prerequisite reads only which variant they serve there, never another environment's.

use super::model::{Flag, FlagEnvironment, FlagKind, Prerequisite, Rule, Segment, Serve};
use serde_json::Value;

/// What an environment's apps get for a flag when it has no settings there.
pub fn default_settings(flag: &Flag, environment: &str) -> FlagEnvironment {
    let off = if flag.kind == FlagKind::Boolean {
        "off".to_string()
    } else {
        flag.variants
            .first()
            .map(|v| v.key.clone())
            .unwrap_or_default()
    };
    FlagEnvironment {
        environment: environment.to_string(),
        enabled: false,
        off_variant: off.clone(),
        default_variant: off,
        prerequisites: Vec::new(),
        rules: Vec::new(),
        version: 0,
        updated_at: 0,
    }
}

/// A flag's settings in one environment as stored: absent (the defaults apply), readable, or
/// unreadable (apps get an error whatever the definition says).
#[derive(Debug, Clone, Copy)]
pub enum Stored<'a> {
    Absent,
    Settings(&'a FlagEnvironment),
    Unreadable,
}

/// What one environment's apps get for a flag, reduced to what a shared change can alter.
#[derive(Debug, PartialEq)]
enum Served<'a> {
    /// FLAG_NOT_FOUND.
    Nothing,
    /// An evaluation error whatever the definition holds.
    Error,
    Off {
        kind: FlagKind,
        variant: Option<(&'a str, &'a Value)>,
    },
    On {
        kind: FlagKind,
        default: &'a str,
        prerequisites: &'a [Prerequisite],
        rules: &'a [Rule],
        /// The value of every variant the default and the rules can serve.
        values: Vec<(&'a str, Option<&'a Value>)>,
    },
}

fn variant<'a>(flag: &'a Flag, key: &str) -> Option<(&'a str, &'a Value)> {
    flag.variants
        .iter()
        .find(|v| v.key == key)
        .map(|v| (v.key.as_str(), &v.value))
}

fn served<'a>(flag: Option<&'a Flag>, settings: &'a FlagEnvironment) -> Served<'a> {
    let Some(flag) = flag.filter(|f| !f.archived) else {
        return Served::Nothing;
    };
    if !settings.enabled {
        return Served::Off {
            kind: flag.kind,
            variant: variant(flag, &settings.off_variant),
        };
    }
    let mut keys: Vec<&'a str> = vec![&settings.default_variant];
    if !settings.prerequisites.is_empty() {
        keys.push(&settings.off_variant);
    }
    for rule in &settings.rules {
        match &rule.serve {
            Serve::Variant { variant } => keys.push(variant),
            Serve::Split(split) => keys.extend(split.variants.iter().map(|w| w.variant.as_str())),
        }
    }
    keys.sort_unstable();
    keys.dedup();
    Served::On {
        kind: flag.kind,
        default: &settings.default_variant,
        prerequisites: &settings.prerequisites,
        rules: &settings.rules,
        values: keys
            .into_iter()
            .map(|k| (k, variant(flag, k).map(|(_, v)| v)))
            .collect(),
    }
}

/// Does changing a flag's definition from `before` to `after` (`None`: the flag does not exist)
/// change what an environment with `stored` settings serves?
pub fn definition_changes(
    before: Option<&Flag>,
    after: Option<&Flag>,
    environment: &str,
    stored: Stored<'_>,
) -> bool {
    let settings = |flag: Option<&Flag>| match (flag, stored) {
        (_, Stored::Settings(s)) => Some(s.clone()),
        (Some(f), Stored::Absent) => Some(default_settings(f, environment)),
        (None, Stored::Absent) | (_, Stored::Unreadable) => None,
    };
    let (sb, sa) = (settings(before), settings(after));
    served_or_error(before, sb.as_ref()) != served_or_error(after, sa.as_ref())
}

fn served_or_error<'a>(
    flag: Option<&'a Flag>,
    settings: Option<&'a FlagEnvironment>,
) -> Served<'a> {
    match settings {
        Some(s) => served(flag, s),
        None if flag.is_some_and(|f| !f.archived) => Served::Error,
        None => Served::Nothing,
    }
}

/// The environments (of `environments`, each with the flag's stored settings there) whose served
/// result changes when the flag's definition goes from `before` to `after`.
pub fn definition_reach<'e>(
    before: Option<&Flag>,
    after: Option<&Flag>,
    environments: &[(&'e str, Stored<'_>)],
) -> Vec<&'e str> {
    environments
        .iter()
        .filter(|(env, stored)| definition_changes(before, after, env, *stored))
        .map(|(env, _)| *env)
        .collect()
}

/// One environment's settings of a flag, as far as a segment change cares.
pub struct SegmentUse<'a> {
    pub environment: &'a str,
    pub flag_archived: bool,
    pub settings: &'a FlagEnvironment,
}

/// The environments whose served result changes when a segment goes from `before` to `after`
/// (`None`: it does not exist): those where a flag that is on and not archived has a rule naming
/// it, and only if what the rules read (the constraints) changes.
pub fn segment_reach<'e>(
    before: Option<&Segment>,
    after: Option<&Segment>,
    key: &str,
    uses: &[SegmentUse<'e>],
) -> Vec<&'e str> {
    if before.map(|s| &s.constraints) == after.map(|s| &s.constraints) {
        return Vec::new();
    }
    let mut out: Vec<&'e str> = uses
        .iter()
        .filter(|u| {
            !u.flag_archived
                && u.settings.enabled
                && u.settings
                    .rules
                    .iter()
                    .any(|r| r.segments.iter().any(|s| s == key))
        })
        .map(|u| u.environment)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
#[path = "reach_tests.rs"]
mod tests;
