//! The Unleash import planner: never panics on any document, and what it plans is importable:
//! every planned flag passes the validation the import command runs (a feature that cannot be
//! represented is skipped with a reason, never planned half-valid), keys are valid and unique,
//! and rollout percentages and split weights survive.

use super::{ImportPlan, ImportedFlag, key_for, plan};
use crate::flags::model::{Operator, Serve};
use crate::test_props::{any_json, any_text, config};
use crate::validation::FieldErrors;
use crate::validation::flags::{check_settings, check_variants, flag_key};
use proptest::prelude::*;
use serde_json::{Value, json};
use std::collections::HashSet;

fn number_ish() -> impl Strategy<Value = Value> {
    prop_oneof![
        (0u32..=100).prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (0u32..=100).prop_map(|n| Value::String(n.to_string())),
        any::<f64>().prop_map(|x| Value::String(x.to_string())),
        any_text().prop_map(Value::String),
        Just(Value::Null),
    ]
}

fn variant_name() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z][a-zA-Z0-9_-]{0,63}",
        Just("A".to_string()),
        Just("a".to_string()),
        any_text(),
    ]
}

fn u_constraint() -> impl Strategy<Value = Value> {
    (
        prop_oneof![Just("userId"), Just("appName"), Just("")],
        prop_oneof![
            prop::sample::select(Operator::ALL.iter().map(|o| o.as_str()).collect::<Vec<_>>()),
            Just("REGEX"),
            Just("NO_SUCH_OP"),
        ],
        prop::collection::vec(
            prop_oneof![any_text().prop_map(Value::String), number_ish()],
            0..3,
        ),
        any::<bool>(),
    )
        .prop_map(|(context, op, values, inverted)| {
            json!({"contextName": context, "operator": op, "values": values,
                   "value": values.first(), "inverted": inverted})
        })
}

fn u_variant() -> impl Strategy<Value = Value> {
    (
        variant_name(),
        number_ish(),
        prop::option::of(prop_oneof![
            (Just("string"), any_text().prop_map(Value::String)),
            (Just("number"), number_ish()),
            (
                Just("json"),
                any_json(2).prop_map(|v| Value::String(v.to_string()))
            ),
        ]),
        prop::option::of(prop::collection::vec(
            ("[a-zA-Z]{1,8}", prop::collection::vec(any_text(), 0..3)),
            0..3,
        )),
        prop::option::of(prop_oneof![
            Just("default".to_string()),
            Just("".to_string()),
            any_text()
        ]),
    )
        .prop_map(|(name, weight, payload, overrides, stickiness)| {
            let mut v = json!({"name": name, "weight": weight});
            if let Some((kind, value)) = payload {
                v["payload"] = json!({"type": kind, "value": value});
            }
            if let Some(o) = overrides {
                v["overrides"] = Value::Array(
                    o.into_iter()
                        .map(|(c, values)| json!({"contextName": c, "values": values}))
                        .collect(),
                );
            }
            if let Some(s) = stickiness {
                v["stickiness"] = Value::String(s);
            }
            v
        })
}

fn strategy() -> impl Strategy<Value = Value> {
    (
        prop::sample::select(vec![
            "default",
            "flexibleRollout",
            "userWithId",
            "remoteAddress",
            "gradualRolloutUserId",
            "gradualRolloutSessionId",
            "gradualRolloutRandom",
            "applicationHostname",
        ]),
        number_ish(),
        prop::option::of(prop_oneof![
            Just("default".to_string()),
            Just("".to_string()),
            any_text()
        ]),
        prop::option::of(any_text()),
        prop::collection::vec(u_constraint(), 0..3),
        prop::collection::vec(0i64..4, 0..2),
        prop::collection::vec(u_variant(), 0..3),
        prop::option::of(any::<bool>()),
    )
        .prop_map(
            |(name, rollout, stickiness, group, constraints, segments, variants, disabled)| {
                json!({"name": name,
                       "parameters": {"rollout": rollout, "percentage": rollout,
                                      "stickiness": stickiness, "groupId": group,
                                      "userIds": "a, b,c", "IPs": "10.0.0.1"},
                       "constraints": constraints, "segments": segments,
                       "variants": variants, "disabled": disabled})
            },
        )
}

fn feature() -> impl Strategy<Value = Value> {
    (
        prop_oneof!["[A-Za-z][A-Za-z0-9._ -]{0,20}", any_text()],
        any::<bool>(),
        prop::option::of(prop::collection::vec(strategy(), 0..3)),
        prop::option::of(prop::collection::vec(u_variant(), 0..4)),
    )
        .prop_map(|(name, enabled, strategies, variants)| {
            json!({"name": name, "enabled": enabled, "strategies": strategies, "variants": variants})
        })
}

fn document() -> impl Strategy<Value = Value> {
    (
        prop::collection::vec(feature(), 0..4),
        prop::collection::vec((0i64..4, prop::collection::vec(u_constraint(), 0..3)), 0..3),
    )
        .prop_map(|(features, segments)| {
            let segments: Vec<Value> = segments
                .into_iter()
                .map(|(id, constraints)| json!({"id": id, "constraints": constraints}))
                .collect();
            json!({"features": features, "segments": segments})
        })
}

/// The checks the import command runs on each planned flag, against the planned segments.
fn import_problems(plan: &ImportPlan, flag: &ImportedFlag) -> FieldErrors {
    let segments: HashSet<String> = plan.segments.iter().map(|s| s.key.clone()).collect();
    let mut e = FieldErrors::new();
    check_variants(flag.flag.kind, &flag.flag.variants, &mut e);
    let save = crate::flags::SaveFlagSettings {
        flag: flag.flag.key.clone(),
        environment: "dev".into(),
        enabled: flag.settings.enabled,
        off_variant: flag.settings.off_variant.clone(),
        default_variant: flag.settings.default_variant.clone(),
        prerequisites: None,
        rules: flag.settings.rules.clone(),
        version: 0,
    };
    check_settings(&save, &flag.flag.variants, &segments, &mut e);
    e
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn any_text_is_planned_or_refused_without_panicking(text in prop_oneof![any_text(), any_json(4).prop_map(|v| v.to_string())]) {
        let _ = plan(&text, "dev");
    }

    #[test]
    fn flag_keys_are_always_valid(name in any_text()) {
        let key = key_for(&name);
        prop_assert!(flag_key(&key).is_ok(), "{:?} became {:?}", name, key);
        // Already a valid key: kept as it is.
        if flag_key(&name).is_ok() {
            prop_assert_eq!(key, name);
        }
    }

    #[test]
    fn planned_flags_pass_the_import_validation(doc in document()) {
        let plan = plan(&doc.to_string(), "dev").unwrap();
        let mut keys = HashSet::new();
        for f in &plan.flags {
            prop_assert!(keys.insert(f.flag.key.clone()), "key {} planned twice", f.flag.key);
            let problems = import_problems(&plan, f);
            prop_assert!(problems.is_empty(), "{} planned with problems: {}", f.source, problems);
        }
        let segments: HashSet<&String> = plan.segments.iter().map(|s| &s.key).collect();
        prop_assert_eq!(segments.len(), plan.segments.len());
        // Every feature is accounted for: planned or skipped with a reason.
        for f in doc["features"].as_array().unwrap() {
            let name = f["name"].as_str().unwrap();
            prop_assert!(
                plan.flags.iter().any(|p| p.source == name) || plan.skipped.iter().any(|s| s.feature == name),
                "{} neither planned nor skipped", name
            );
        }
    }

    /// A flexible rollout keeps its percentage (rounded to a whole percent).
    #[test]
    fn rollout_percentages_survive(p in 0u32..=100, as_text in any::<bool>()) {
        let rollout = if as_text { json!(p.to_string()) } else { json!(p) };
        let doc = json!({"features": [{"name": "f", "enabled": true, "strategies": [
            {"name": "flexibleRollout", "parameters": {"rollout": rollout, "stickiness": "userId", "groupId": "g"}}
        ]}]});
        let plan = plan(&doc.to_string(), "dev").unwrap();
        let rule = &plan.flags[0].settings.rules[0];
        prop_assert_eq!(rule.rollout.as_ref().map(|r| r.percentage), Some(p));
        prop_assert_eq!(rule.rollout.as_ref().and_then(|r| r.group_id.as_deref()), Some("g"));
    }

    /// Strategy variants keep their weights; the split's whole is their sum.
    #[test]
    fn split_weights_survive(weights in prop::collection::vec(1u32..=1000, 1..5)) {
        let variants: Vec<Value> = weights
            .iter()
            .enumerate()
            .map(|(i, w)| json!({"name": format!("v{i}"), "weight": w}))
            .collect();
        let doc = json!({"features": [{"name": "f", "enabled": true, "strategies": [
            {"name": "default", "variants": variants}
        ]}]});
        let plan = plan(&doc.to_string(), "dev").unwrap();
        let Serve::Split(split) = &plan.flags[0].settings.rules[0].serve else {
            panic!("not a split");
        };
        let got: Vec<u32> = split.variants.iter().map(|w| w.weight).collect();
        prop_assert_eq!(&got, &weights);
        prop_assert_eq!(split.total as u64, weights.iter().map(|w| *w as u64).sum::<u64>());
    }
}

/// Weights past u32 (or two near it) overflowed the split's sum: a panic on import.
#[test]
fn huge_weights_do_not_overflow() {
    let doc = json!({"features": [{"name": "f", "enabled": true, "strategies": [
        {"name": "default", "variants": [
            {"name": "a", "weight": 4_000_000_000u64}, {"name": "b", "weight": 4_000_000_000u64}
        ]}
    ]}]});
    let plan = plan(&doc.to_string(), "dev").unwrap();
    assert!(plan.flags.is_empty());
    assert_eq!(plan.skipped.len(), 1, "{plan:?}");
}

/// Override rules were named after the variant's key slug, so variants `A` and `a` (distinct
/// keys) gave two rules one id, and a long variant name gave an id past 64 characters: the
/// import then skipped the feature with a rule-id error the user could do nothing about.
#[test]
fn override_rule_ids_are_unique_and_short() {
    let long = "V".repeat(64);
    let doc = json!({"features": [{"name": "f", "enabled": true, "strategies": [{"name": "default"}],
    "variants": [
        {"name": "A", "weight": 500, "overrides": [{"contextName": "userId", "values": ["1"]}]},
        {"name": "a", "weight": 250, "overrides": [{"contextName": "userId", "values": ["2"]}]},
        {"name": long, "weight": 250, "overrides": [{"contextName": "userId", "values": ["3"]}]}
    ]}]});
    let plan = plan(&doc.to_string(), "dev").unwrap();
    assert_eq!(plan.flags.len(), 1, "{:?}", plan.skipped);
    let f = &plan.flags[0];
    assert!(
        import_problems(&plan, f).is_empty(),
        "{}",
        import_problems(&plan, f)
    );
    assert_eq!(f.settings.rules.len(), 4);
}

/// Weights that sum to nothing cannot be a split; the feature is skipped and says why rather
/// than being planned with settings the import then refuses.
#[test]
fn zero_weights_are_skipped_with_the_reason() {
    let doc = json!({"features": [{"name": "f", "enabled": true, "strategies": [
        {"name": "default", "variants": [{"name": "a", "weight": 0}, {"name": "b", "weight": 0}]}
    ]}]});
    let plan = plan(&doc.to_string(), "dev").unwrap();
    assert!(plan.flags.is_empty());
    assert_eq!(
        plan.skipped[0].reason,
        "rules.0.serve.weights: The weights add up to 0%; they must total 100%"
    );
}

proptest! {
    #![proptest_config(config(32))]

    /// A flexible rollout admits the users Unleash admits: those whose
    /// `murmur3("groupId:userId") % 100 + 1` is at most the percentage, the group defaulting
    /// to the feature's name (which may not be a valid flag key).
    #[test]
    fn rollouts_admit_the_users_unleash_admits(
        name in "[A-Za-z][A-Za-z0-9._ -]{0,12}",
        group in prop::option::of(prop_oneof![Just(String::new()), "[A-Za-z]{1,8}"]),
        p in 0u32..=100,
        seed in any::<u64>(),
    ) {
        let mut parameters = json!({"rollout": p, "stickiness": "userId"});
        if let Some(g) = &group {
            parameters["groupId"] = json!(g);
        }
        let doc = json!({"features": [{"name": name, "enabled": true, "strategies": [
            {"name": "flexibleRollout", "parameters": parameters}
        ]}]});
        let plan = plan(&doc.to_string(), "dev").unwrap();
        let f = &plan.flags[0];
        let compiled = crate::flags::CompiledFlag::compile(&f.flag, &f.settings, &Default::default());
        let unleash_group = group.filter(|g| !g.is_empty()).unwrap_or(name);
        for i in 0..200 {
            let user = format!("{seed:x}-{i}");
            let bucket = crate::flags::hash::murmur3_32(format!("{unleash_group}:{user}").as_bytes(), 0) % 100 + 1;
            let on = compiled.evaluate(&crate::flags::EvalContext::new(Some(user.clone()))).variant;
            prop_assert_eq!(on.as_deref() == Some("on"), bucket <= p, "user {} bucket {}", user, bucket);
        }
    }
}

/// Without a groupId, rollouts were grouped by the flag key (`checkout.new`) where Unleash groups
/// by the feature's name (`Checkout.New`): users landed in other buckets after the import.
#[test]
fn rollouts_default_to_the_feature_name_as_group() {
    let doc = json!({"features": [{"name": "Checkout.New", "enabled": true, "strategies": [
        {"name": "flexibleRollout", "parameters": {"rollout": 50, "stickiness": "userId"}}
    ]}]});
    let plan = plan(&doc.to_string(), "dev").unwrap();
    let rollout = plan.flags[0].settings.rules[0].rollout.clone().unwrap();
    assert_eq!(rollout.group_id.as_deref(), Some("Checkout.New"));
}
