//! One environment's flags in Unleash's client API format (`GET /api/client/features`), so an
//! Unleash SDK pointed at Switchboard answers as Switchboard's own engine does: a flag that is off
//! (or whose prerequisite fails) is a disabled feature; a boolean flag is enabled exactly when
//! Switchboard serves `on`; a flag of another kind serves the same variant, its value as the
//! payload. The translation is the inverse of the Unleash importer's (`super::unleash`), which the
//! Unleash client specification checks case by case; a round trip through both keeps every answer.
//!
//! Unleash enables a feature when any strategy matches, where Switchboard's first matching rule
//! decides; what that cannot express is left out with the reason, never approximated.

use super::model::{
    Constraint, Flag, FlagEnvironment, FlagKind, Prerequisite, Rule, Segment, Serve, Variant,
};
use serde_json::{Value, json};
use std::borrow::Cow;
use std::collections::HashMap;

/// A flag left out of the export, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftOut {
    pub flag: String,
    pub reason: String,
}

/// The state an Unleash SDK reads, and what could not be part of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Export {
    /// `{"version": 2, "features": [...], "segments": [...]}`.
    pub state: Value,
    pub left_out: Vec<LeftOut>,
}

/// Exports `flags` (each with its settings in the environment) and the segments their rules read.
pub fn export(flags: &[(&Flag, &FlagEnvironment)], segments: &[Segment]) -> Export {
    let segment_ids: HashMap<&str, i64> = segments.iter().map(|s| (s.key.as_str(), s.id)).collect();
    let others: HashMap<&str, (&Flag, &FlagEnvironment)> = flags
        .iter()
        .map(|(f, s)| (f.key.as_str(), (*f, *s)))
        .collect();
    let translated: Vec<(&Flag, Result<Value, String>)> = flags
        .iter()
        .map(|(flag, settings)| (*flag, feature(flag, settings, &segment_ids, &others)))
        .collect();
    // A prerequisite on a flag left out would never hold for an Unleash SDK (it does not know
    // the flag) while Switchboard evaluates it: the flag that has it is left out too. Prerequisites
    // are one level deep, so one pass settles it.
    let missing: Vec<&str> = translated
        .iter()
        .filter(|(_, t)| t.is_err())
        .map(|(f, _)| f.key.as_str())
        .collect();
    let mut features = Vec::new();
    let mut left_out = Vec::new();
    for ((flag, result), (_, settings)) in translated.into_iter().zip(flags) {
        let result = result.and_then(|f| {
            match settings
                .prerequisites
                .iter()
                .find(|p| missing.contains(&p.flag.as_str()))
            {
                Some(p) => Err(format!("its prerequisite {} is left out", p.flag)),
                None => Ok(f),
            }
        });
        match result {
            Ok(f) => features.push(f),
            Err(reason) => left_out.push(LeftOut {
                flag: flag.key.clone(),
                reason,
            }),
        }
    }
    let unleash_segments: Vec<Value> = segments
        .iter()
        .map(|s| {
            json!({
                "id": s.id,
                "name": s.key,
                "constraints": s.constraints.iter().map(constraint).collect::<Vec<_>>(),
            })
        })
        .collect();
    Export {
        state: json!({"version": 2, "features": features, "segments": unleash_segments}),
        left_out,
    }
}

fn feature(
    flag: &Flag,
    settings: &FlagEnvironment,
    segment_ids: &HashMap<&str, i64>,
    others: &HashMap<&str, (&Flag, &FlagEnvironment)>,
) -> Result<Value, String> {
    let mut strategies = Vec::new();
    if flag.kind == FlagKind::Boolean {
        // Rules serving `off` only matter when something after them serves `on`.
        let mut blocking: Option<&str> = None;
        for rule in &settings.rules {
            match &rule.serve {
                Serve::Variant { variant } if variant == "on" => {
                    if let Some(off) = blocking {
                        return Err(order_problem(off, &rule.id));
                    }
                    strategies.push(strategy(flag, rule, None, segment_ids)?);
                }
                Serve::Variant { .. } => {
                    blocking.get_or_insert(&rule.id);
                }
                Serve::Split(_) => {
                    return Err(format!(
                        "rule {} splits callers between on and off, which Unleash's variants \
                         cannot decide",
                        rule.id
                    ));
                }
            }
        }
        if settings.default_variant == "on" {
            if let Some(off) = blocking {
                return Err(format!(
                    "rule {off} serves off while everyone else gets on; Unleash enables a \
                     feature when any strategy matches"
                ));
            }
            strategies.push(json!({"name": "default", "constraints": [], "parameters": {}}));
        }
    } else {
        for rule in &settings.rules {
            strategies.push(strategy(flag, rule, Some(&flag.variants), segment_ids)?);
        }
        // Whoever no rule matched gets the default variant.
        let everyone = Rule {
            id: "default".into(),
            name: String::new(),
            constraints: Vec::new(),
            segments: Vec::new(),
            rollout: None,
            serve: Serve::Variant {
                variant: settings.default_variant.clone(),
            },
        };
        strategies.push(strategy(
            flag,
            &everyone,
            Some(&flag.variants),
            segment_ids,
        )?);
    }
    let dependencies = settings
        .prerequisites
        .iter()
        .filter_map(|p| dependency(p, others).transpose())
        .collect::<Result<Vec<_>, _>>()?;
    Ok(json!({
        "name": flag.key,
        "description": flag.description,
        "type": "release",
        "enabled": settings.enabled,
        "stale": false,
        "impressionData": false,
        "strategies": strategies,
        "variants": [],
        "dependencies": dependencies,
    }))
}

fn order_problem(off: &str, on: &str) -> String {
    format!(
        "rule {off} serves off before rule {on} serves on; Unleash enables a feature when any \
         strategy matches, in any order"
    )
}

/// The Unleash dependency a prerequisite is, `None` when it always holds.
fn dependency(
    p: &Prerequisite,
    others: &HashMap<&str, (&Flag, &FlagEnvironment)>,
) -> Result<Option<Value>, String> {
    let Some((other, settings)) = others.get(p.flag.as_str()) else {
        // Not served here (archived or gone): never met, in Unleash as in Switchboard.
        return Ok(Some(json!({"feature": p.flag})));
    };
    if other.kind == FlagKind::Boolean {
        let on = p.variants.iter().any(|v| v == "on");
        let off = p.variants.iter().any(|v| v == "off");
        return Ok(match (on, off) {
            (true, true) => None,
            (true, false) => Some(json!({"feature": p.flag})),
            (false, true) => Some(json!({"feature": p.flag, "enabled": false})),
            (false, false) => {
                return Err(format!(
                    "its prerequisite on {} names no variant of it",
                    p.flag
                ));
            }
        });
    }
    // While the other flag is off Switchboard serves its off variant, Unleash no variant at all.
    if p.variants.contains(&settings.off_variant) {
        return Err(format!(
            "its prerequisite accepts {}'s off variant {}, which Unleash never reports",
            p.flag, settings.off_variant
        ));
    }
    Ok(Some(json!({"feature": p.flag, "variants": p.variants})))
}

/// A rule as a strategy; `variants` for flags that are not boolean.
fn strategy(
    flag: &Flag,
    rule: &Rule,
    variants: Option<&[Variant]>,
    segment_ids: &HashMap<&str, i64>,
) -> Result<Value, String> {
    let segments = rule
        .segments
        .iter()
        .map(|key| {
            segment_ids.get(key.as_str()).copied().ok_or_else(|| {
                format!("rule {} reads segment {key}, which does not exist", rule.id)
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let (split_stickiness, split_group) = match &rule.serve {
        Serve::Split(s) => (s.stickiness.clone(), s.group_id.clone()),
        Serve::Variant { .. } => (None, None),
    };
    let rollout_group = rule.rollout.as_ref().and_then(|r| r.group_id.clone());
    // One `stickiness` and one `groupId` parameter serve both the rollout and the variants.
    let stickiness = match (&rule.rollout, &split_stickiness) {
        (Some(r), Some(s)) if *s != r.stickiness => {
            return Err(format!(
                "rule {} rolls out by {} but splits by {s}; Unleash uses one stickiness for both",
                rule.id, r.stickiness
            ));
        }
        (Some(r), _) => r.stickiness.clone(),
        (None, Some(s)) => s.clone(),
        (None, None) => super::model::DEFAULT_STICKINESS.to_string(),
    };
    let group = match (&rollout_group, &split_group) {
        (Some(r), Some(s)) if r != s => {
            return Err(format!(
                "rule {} rolls out in group {r} but splits in group {s}; Unleash uses one group \
                 for both",
                rule.id
            ));
        }
        (Some(g), _) | (None, Some(g)) => g.clone(),
        (None, None) => flag.key.clone(),
    };
    let (name, mut parameters) = match &rule.rollout {
        Some(r) => (
            "flexibleRollout",
            json!({"rollout": r.percentage.to_string(), "stickiness": stickiness, "groupId": group}),
        ),
        None => (
            "default",
            json!({"stickiness": stickiness, "groupId": group}),
        ),
    };
    let mut strategy = json!({
        "name": name,
        "constraints": rule.constraints.iter().map(constraint).collect::<Vec<_>>(),
        "segments": segments,
    });
    if let Some(defined) = variants {
        let payload = |key: &str| {
            defined
                .iter()
                .find(|v| v.key == key)
                .map(|v| payload(&v.value))
                .ok_or_else(|| {
                    format!(
                        "rule {} serves {key}, which the flag does not have",
                        rule.id
                    )
                })
        };
        let weighted: Vec<(String, u32)> = match &rule.serve {
            Serve::Variant { variant } => vec![(variant.clone(), 1000)],
            Serve::Split(s) => s
                .variants
                .iter()
                .map(|w| (w.variant.clone(), w.weight))
                .collect(),
        };
        let mut out = Vec::new();
        for (key, weight) in weighted {
            out.push(json!({
                "name": key,
                "weight": weight,
                "weightType": "fix",
                "stickiness": stickiness,
                "payload": payload(&key)?,
            }));
        }
        strategy["variants"] = Value::Array(out);
    } else if name == "default" {
        // A boolean rule without a rollout: everyone it matches.
        parameters = json!({});
    }
    strategy["parameters"] = parameters;
    Ok(strategy)
}

/// A variant's value as Unleash's payload.
fn payload(value: &Value) -> Value {
    let (kind, text) = payload_parts(value);
    json!({"type": kind, "value": text})
}

/// A variant's value as Unleash's payload type and the value as text (Unleash's payloads are
/// strings whatever their type).
pub(crate) fn payload_parts(value: &Value) -> (&'static str, Cow<'_, str>) {
    match value {
        Value::String(s) => ("string", Cow::Borrowed(s.as_str())),
        Value::Number(n) => ("number", Cow::Owned(n.to_string())),
        other => ("json", Cow::Owned(other.to_string())),
    }
}

fn constraint(c: &Constraint) -> Value {
    let mut out = json!({
        "contextName": c.attribute,
        "operator": c.operator.as_str(),
        "inverted": c.inverted,
        "caseInsensitive": c.case_insensitive,
    });
    if c.operator.is_multi() {
        out["values"] = json!(c.values);
    } else {
        out["value"] = json!(c.values.first().cloned().unwrap_or_default());
    }
    out
}

#[cfg(test)]
#[path = "unleash_export_tests.rs"]
mod tests;
