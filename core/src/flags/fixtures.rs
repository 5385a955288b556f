//! Flags and settings for the Unleash translations' tests, written tersely.

use super::model::{
    Constraint, Flag, FlagEnvironment, FlagKind, Operator, Rollout, Rule, Serve, Variant,
};
use serde_json::Value;

pub fn flag(key: &str, kind: FlagKind, variants: &[(&str, Value)]) -> Flag {
    Flag {
        id: 0,
        key: key.into(),
        name: key.into(),
        description: String::new(),
        tags: vec![],
        owner: String::new(),
        kind,
        variants: if kind == FlagKind::Boolean {
            Variant::boolean_pair()
        } else {
            variants
                .iter()
                .map(|(k, v)| Variant {
                    key: k.to_string(),
                    value: v.clone(),
                    description: String::new(),
                })
                .collect()
        },
        archived: false,
        version: 1,
        created_at: 0,
        updated_at: 0,
    }
}

pub fn settings(enabled: bool, off: &str, default: &str, rules: Vec<Rule>) -> FlagEnvironment {
    FlagEnvironment {
        environment: "production".into(),
        enabled,
        off_variant: off.into(),
        default_variant: default.into(),
        prerequisites: vec![],
        rules,
        version: 1,
        updated_at: 0,
    }
}

pub fn rule(
    id: &str,
    constraints: Vec<Constraint>,
    rollout: Option<Rollout>,
    serve: Serve,
) -> Rule {
    Rule {
        id: id.into(),
        name: String::new(),
        constraints,
        segments: vec![],
        rollout,
        serve,
    }
}

pub fn serve(variant: &str) -> Serve {
    Serve::Variant {
        variant: variant.into(),
    }
}

pub fn is_in(attribute: &str, values: &[&str]) -> Constraint {
    Constraint {
        attribute: attribute.into(),
        operator: Operator::In,
        values: values.iter().map(|v| v.to_string()).collect(),
        inverted: false,
        case_insensitive: false,
    }
}

pub fn rollout(percentage: u32, stickiness: &str, group: Option<&str>) -> Option<Rollout> {
    Some(Rollout {
        percentage,
        stickiness: stickiness.into(),
        group_id: group.map(String::from),
    })
}
