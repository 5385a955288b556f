//! Unleash's dependent features as Switchboard prerequisites, keeping Unleash's answers: a
//! dependency names a parent feature that must be enabled (optionally with one of some variants)
//! or must not be; a parent that does not exist, or depends on others itself (Unleash evaluates
//! one level), is never satisfied.

use super::super::model::{FlagKind, Prerequisite, Serve};
use super::ImportedFlag;
use serde::Deserialize;
use serde_json::Value;
use std::collections::HashMap;

/// The variant name Unleash reports when a feature serves no variant (enabled or not).
const UNLEASH_DISABLED: &str = "disabled";

#[derive(Deserialize)]
struct Dependency {
    feature: String,
    #[serde(default)]
    enabled: Option<bool>,
    #[serde(default)]
    variants: Option<Vec<String>>,
}

/// What a dependency needs to know about its parent feature.
pub(super) struct Parent<'a> {
    /// Has dependencies of its own.
    pub depends: bool,
    /// As imported; `None` if the import left it out.
    pub imported: Option<&'a ImportedFlag>,
}

/// A dependency, translated.
enum Condition {
    Met(Prerequisite),
    /// Unleash never satisfies it, for this reason.
    Never(String),
}

/// Sets `child`'s prerequisites from its Unleash dependencies. A dependency Unleash can never
/// satisfy switches the child off (Unleash never enables it either) and says so in `notes`;
/// `Err` when a dependency cannot be expressed exactly.
pub(super) fn apply(
    dependencies: &[Value],
    parents: &HashMap<&str, Parent<'_>>,
    child: &mut ImportedFlag,
    notes: &mut Vec<String>,
) -> Result<(), String> {
    let mut prerequisites = Vec::new();
    let mut never = Vec::new();
    for (i, raw) in dependencies.iter().enumerate() {
        let dependency: Dependency = serde_json::from_value(raw.clone())
            .map_err(|e| format!("dependency {} cannot be read: {e}", i + 1))?;
        match condition(&dependency, parents.get(dependency.feature.as_str()))? {
            Condition::Met(p) => prerequisites.push(p),
            Condition::Never(why) => never.push(why),
        }
    }
    child.settings.prerequisites = prerequisites;
    if !never.is_empty() && child.settings.enabled {
        child.settings.enabled = false;
        notes.push(format!(
            "{}: imported switched off, as Unleash never enables it: {}",
            child.source,
            never.join("; ")
        ));
    }
    Ok(())
}

fn condition(dependency: &Dependency, parent: Option<&Parent<'_>>) -> Result<Condition, String> {
    let name = &dependency.feature;
    let Some(parent) = parent else {
        return Ok(Condition::Never(format!(
            "its parent {name} does not exist"
        )));
    };
    if parent.depends {
        return Ok(Condition::Never(format!(
            "its parent {name} depends on other features itself"
        )));
    }
    let Some(imported) = parent.imported else {
        return Err(format!("its parent {name} was not imported"));
    };
    let met = |variants: Vec<String>| {
        Ok(Condition::Met(Prerequisite {
            flag: imported.flag.key.clone(),
            variants,
        }))
    };
    if imported.flag.kind == FlagKind::Boolean {
        // Enabled serves `on`, anything else `off`; an enabled boolean feature's Unleash variant
        // is always "disabled".
        return match (dependency.enabled != Some(false), &dependency.variants) {
            (false, _) => met(vec!["off".into()]),
            (true, Some(v)) if !v.is_empty() && !v.iter().any(|v| v == UNLEASH_DISABLED) => Ok(
                Condition::Never(format!("its parent {name} has none of the variants {v:?}")),
            ),
            (true, _) => met(vec!["on".into()]),
        };
    }
    // Other kinds serve their Unleash variants while enabled and `disabled` (the off variant)
    // otherwise, unless a strategy without variants serves `disabled` while enabled: then which
    // of the two happened cannot be told from the variant.
    let disabled = &imported.settings.off_variant;
    let ambiguous = imported
        .settings
        .rules
        .iter()
        .any(|r| matches!(&r.serve, Serve::Variant { variant } if variant == disabled));
    if ambiguous {
        return Err(format!(
            "whether its parent {name} is enabled cannot be told from its variant (a strategy \
             without variants serves Unleash's \"disabled\" variant)"
        ));
    }
    let real = imported
        .flag
        .variants
        .iter()
        .map(|v| v.key.clone())
        .filter(|k| k != disabled);
    match (dependency.enabled != Some(false), &dependency.variants) {
        (false, _) => met(vec![disabled.clone()]),
        (true, Some(wanted)) if !wanted.is_empty() => {
            let keep: Vec<String> = real.filter(|k| wanted.contains(k)).collect();
            if keep.is_empty() {
                Ok(Condition::Never(format!(
                    "its parent {name} has none of the variants {wanted:?}"
                )))
            } else {
                met(keep)
            }
        }
        (true, _) => met(real.collect()),
    }
}

#[cfg(test)]
mod tests {
    use crate::flags::unleash::plan;
    use serde_json::json;

    fn feature(
        name: &str,
        strategies: serde_json::Value,
        dependencies: serde_json::Value,
    ) -> serde_json::Value {
        json!({"name": name, "enabled": true, "strategies": strategies, "dependencies": dependencies})
    }

    #[test]
    fn a_parent_whose_enabled_state_hides_behind_disabled_is_not_approximated() {
        // The parent serves variant `a` from one strategy and nothing (Unleash's "disabled", while
        // enabled) from another: "is it enabled?" cannot be read from what it serves.
        let state = json!({"features": [
            feature("parent", json!([
                {"name": "flexibleRollout", "parameters": {"rollout": "100"}, "constraints": [{"contextName": "plan", "operator": "IN", "values": ["pro"]}],
                 "variants": [{"name": "a", "weight": 1000, "payload": {"type": "string", "value": "A"}}]},
                {"name": "default"}
            ]), json!([])),
            feature("child", json!([{"name": "default"}]), json!([{"feature": "parent"}])),
        ]});
        let p = plan(&state.to_string(), "staging").unwrap();
        assert_eq!(p.skipped.len(), 1, "{:?}", p.skipped);
        assert_eq!(p.skipped[0].feature, "child");
        assert!(
            p.skipped[0]
                .reason
                .contains("cannot be told from its variant")
        );
    }

    #[test]
    fn a_dependency_unleash_never_satisfies_imports_switched_off_with_a_note() {
        let state = json!({"features": [
            feature("child", json!([{"name": "default"}]), json!([{"feature": "gone"}])),
        ]});
        let p = plan(&state.to_string(), "staging").unwrap();
        assert!(p.skipped.is_empty());
        assert!(!p.flags[0].settings.enabled);
        assert!(p.flags[0].settings.prerequisites.is_empty());
        assert_eq!(
            p.notes,
            [
                "child: imported switched off, as Unleash never enables it: its parent gone does not exist"
            ]
        );
    }

    #[test]
    fn enabled_false_becomes_the_parents_off_variant() {
        let state = json!({"features": [
            feature("parent", json!([{"name": "default"}]), json!([])),
            feature("child", json!([{"name": "default"}]), json!([{"feature": "parent", "enabled": false}])),
        ]});
        let p = plan(&state.to_string(), "staging").unwrap();
        let child = p.flags.iter().find(|f| f.source == "child").unwrap();
        assert_eq!(
            child.settings.prerequisites,
            [crate::flags::Prerequisite {
                flag: "parent".into(),
                variants: vec!["off".into()]
            }]
        );
    }
}
