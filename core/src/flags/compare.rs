//! What promoting a flag's settings from one environment to another would change: the readable
//! diff an operator checks before copying staging's rules over production's. The kill switch is
//! not part of it; promotion never turns a flag on or off.

use super::model::{FlagEnvironment, Prerequisite, Rule};
use serde::{Deserialize, Serialize};

/// A part of a rule that differs between the two environments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RulePart {
    Name,
    Constraints,
    Segments,
    Rollout,
    Serve,
}

impl RulePart {
    fn label(self) -> &'static str {
        match self {
            RulePart::Name => "name",
            RulePart::Constraints => "constraints",
            RulePart::Segments => "segments",
            RulePart::Rollout => "rollout",
            RulePart::Serve => "what it serves",
        }
    }
}

/// One difference: `from` is what the target has now, `to` what it would have.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum SettingsChange {
    OffVariant {
        from: String,
        to: String,
    },
    DefaultVariant {
        from: String,
        to: String,
    },
    PrerequisiteAdded {
        flag: String,
        variants: Vec<String>,
    },
    PrerequisiteRemoved {
        flag: String,
        variants: Vec<String>,
    },
    PrerequisiteChanged {
        flag: String,
        from: Vec<String>,
        to: Vec<String>,
    },
    RuleAdded {
        rule: String,
    },
    RuleRemoved {
        rule: String,
    },
    RuleChanged {
        rule: String,
        parts: Vec<RulePart>,
    },
    /// The rules both sides have, in a different order (the first rule that matches decides).
    RulesReordered {
        from: Vec<String>,
        to: Vec<String>,
    },
}

impl SettingsChange {
    /// One line for the dashboard.
    pub fn describe(&self) -> String {
        match self {
            SettingsChange::OffVariant { from, to } => {
                format!("Variant while off: {from} → {to}")
            }
            SettingsChange::DefaultVariant { from, to } => {
                format!("Default variant: {from} → {to}")
            }
            SettingsChange::PrerequisiteAdded { flag, variants } => {
                format!("Requires {flag} to serve {}", variants.join(" or "))
            }
            SettingsChange::PrerequisiteRemoved { flag, .. } => {
                format!("No longer requires {flag}")
            }
            SettingsChange::PrerequisiteChanged { flag, from, to } => format!(
                "Requires {flag} to serve {} instead of {}",
                to.join(" or "),
                from.join(" or ")
            ),
            SettingsChange::RuleAdded { rule } => format!("Rule {rule} added"),
            SettingsChange::RuleRemoved { rule } => format!("Rule {rule} removed"),
            SettingsChange::RuleChanged { rule, parts } => format!(
                "Rule {rule} changes its {}",
                parts
                    .iter()
                    .map(|p| p.label())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            SettingsChange::RulesReordered { to, .. } => {
                format!("Rules tried in a new order: {}", to.join(", "))
            }
        }
    }
}

/// What replacing `target`'s settings with `source`'s changes, in reading order: fallbacks,
/// prerequisites, then rules (removed, changed, added, reordered). Empty when promoting would
/// change nothing apps are served. Rules are matched by id, prerequisites by flag.
pub fn compare_settings(target: &FlagEnvironment, source: &FlagEnvironment) -> Vec<SettingsChange> {
    let mut changes = Vec::new();
    if target.off_variant != source.off_variant {
        changes.push(SettingsChange::OffVariant {
            from: target.off_variant.clone(),
            to: source.off_variant.clone(),
        });
    }
    if target.default_variant != source.default_variant {
        changes.push(SettingsChange::DefaultVariant {
            from: target.default_variant.clone(),
            to: source.default_variant.clone(),
        });
    }
    prerequisite_changes(&target.prerequisites, &source.prerequisites, &mut changes);
    rule_changes(&target.rules, &source.rules, &mut changes);
    changes
}

fn prerequisite_changes(
    target: &[Prerequisite],
    source: &[Prerequisite],
    changes: &mut Vec<SettingsChange>,
) {
    let find = |list: &[Prerequisite], flag: &str| list.iter().find(|p| p.flag == flag).cloned();
    for now in target {
        match find(source, &now.flag) {
            None => changes.push(SettingsChange::PrerequisiteRemoved {
                flag: now.flag.clone(),
                variants: now.variants.clone(),
            }),
            Some(then) if then.variants != now.variants => {
                changes.push(SettingsChange::PrerequisiteChanged {
                    flag: now.flag.clone(),
                    from: now.variants.clone(),
                    to: then.variants,
                })
            }
            Some(_) => {}
        }
    }
    for then in source {
        if find(target, &then.flag).is_none() {
            changes.push(SettingsChange::PrerequisiteAdded {
                flag: then.flag.clone(),
                variants: then.variants.clone(),
            });
        }
    }
}

fn rule_changes(target: &[Rule], source: &[Rule], changes: &mut Vec<SettingsChange>) {
    let find = |list: &[Rule], id: &str| list.iter().position(|r| r.id == id);
    for now in target {
        match find(source, &now.id) {
            None => changes.push(SettingsChange::RuleRemoved {
                rule: now.id.clone(),
            }),
            Some(i) => {
                let parts = changed_parts(now, &source[i]);
                if !parts.is_empty() {
                    changes.push(SettingsChange::RuleChanged {
                        rule: now.id.clone(),
                        parts,
                    });
                }
            }
        }
    }
    for then in source {
        if find(target, &then.id).is_none() {
            changes.push(SettingsChange::RuleAdded {
                rule: then.id.clone(),
            });
        }
    }
    let shared = |from: &[Rule], other: &[Rule]| -> Vec<String> {
        from.iter()
            .filter(|r| find(other, &r.id).is_some())
            .map(|r| r.id.clone())
            .collect()
    };
    let (before, after) = (shared(target, source), shared(source, target));
    if before != after {
        changes.push(SettingsChange::RulesReordered {
            from: before,
            to: after,
        });
    }
}

fn changed_parts(now: &Rule, then: &Rule) -> Vec<RulePart> {
    [
        (now.name != then.name, RulePart::Name),
        (now.constraints != then.constraints, RulePart::Constraints),
        (now.segments != then.segments, RulePart::Segments),
        (now.rollout != then.rollout, RulePart::Rollout),
        (now.serve != then.serve, RulePart::Serve),
    ]
    .into_iter()
    .filter_map(|(changed, part)| changed.then_some(part))
    .collect()
}

#[cfg(test)]
#[path = "compare_tests.rs"]
mod tests;
