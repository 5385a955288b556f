//! The evaluation engine against what rollouts, splits and rules promise: a p% rollout admits
//! p% of users, the same user always gets the same answer, raising p only adds users, a split
//! serves each variant its weight's share, the kill switch and rule order decide first, and no
//! stored settings, however wrong, make evaluation panic.

use super::*;
use crate::flags::model::*;
use crate::test_props::{any_json, any_text, config};
use proptest::prelude::*;
use serde_json::json;

fn flag(key: &str, kind: FlagKind, variants: Vec<Variant>) -> Flag {
    Flag {
        id: 1,
        key: key.into(),
        name: key.into(),
        description: String::new(),
        tags: vec![],
        owner: String::new(),
        kind,
        variants,
        archived: false,
        version: 1,
        created_at: 0,
        updated_at: 0,
    }
}

fn settings(enabled: bool, rules: Vec<Rule>) -> FlagEnvironment {
    FlagEnvironment {
        environment: "production".into(),
        enabled,
        off_variant: "off".into(),
        default_variant: "off".into(),
        prerequisites: Vec::new(),
        rules,
        version: 1,
        updated_at: 0,
    }
}

fn serve(variant: &str) -> Serve {
    Serve::Variant {
        variant: variant.into(),
    }
}

fn rollout_rule(percentage: u32, group: Option<&str>) -> Rule {
    Rule {
        id: "r".into(),
        name: String::new(),
        constraints: vec![],
        segments: vec![],
        rollout: Some(Rollout {
            percentage,
            stickiness: DEFAULT_STICKINESS.into(),
            group_id: group.map(str::to_string),
        }),
        serve: serve("on"),
    }
}

/// A boolean flag on for `percentage`% of users.
fn rollout(key: &str, percentage: u32, group: Option<&str>) -> CompiledFlag {
    let f = flag(key, FlagKind::Boolean, Variant::boolean_pair());
    let compiled = CompiledFlag::compile(
        &f,
        &settings(true, vec![rollout_rule(percentage, group)]),
        &Segments::new(),
    );
    assert!(compiled.problem().is_none());
    compiled
}

fn user(id: &str) -> EvalContext {
    EvalContext::new(Some(id.to_string()))
}

fn is_on(flag: &CompiledFlag, ctx: &EvalContext) -> bool {
    flag.evaluate(ctx).variant.as_deref() == Some("on")
}

/// Users that differ from run to run of the property.
fn users(seed: u64, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("user-{seed:x}-{i}")).collect()
}

/// Within five standard deviations of a binomial share: wrong by chance about once in
/// 1.7 million.
fn near(count: usize, n: usize, share: f64) -> bool {
    let sigma = (share * (1.0 - share) / n as f64).sqrt();
    (count as f64 / n as f64 - share).abs() <= 5.0 * sigma + 1e-9
}

fn constraint(attribute: &str, values: &[&str]) -> Constraint {
    Constraint {
        attribute: attribute.into(),
        operator: Operator::In,
        values: values.iter().map(|v| v.to_string()).collect(),
        inverted: false,
        case_insensitive: false,
    }
}

// --- arbitrary stored settings, for "never panics" ---

fn any_constraint() -> impl Strategy<Value = Constraint> {
    (
        prop_oneof![
            Just("userId".to_string()),
            Just("country".to_string()),
            any_text()
        ],
        prop::sample::select(
            Operator::ALL
                .iter()
                .copied()
                .chain([Operator::Unknown])
                .collect::<Vec<_>>(),
        ),
        prop::collection::vec(any_text(), 0..3),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(attribute, operator, values, inverted, case_insensitive)| Constraint {
                attribute,
                operator,
                values,
                inverted,
                case_insensitive,
            },
        )
}

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("on".to_string()),
        Just("off".to_string()),
        "[a-c]",
        any_text()
    ]
}

fn any_rule() -> impl Strategy<Value = Rule> {
    let stickiness = prop_oneof![
        Just("userId".to_string()),
        Just("default".to_string()),
        Just("random".to_string()),
        any_text()
    ];
    let serve = prop_oneof![
        name().prop_map(|variant| Serve::Variant { variant }),
        (
            any::<u32>(),
            prop::collection::vec((name(), any::<u32>()), 0..4),
            prop::option::of(stickiness.clone()),
            prop::option::of(any_text()),
        )
            .prop_map(|(total, ws, stickiness, group_id)| Serve::Split(Split {
                total,
                variants: ws
                    .into_iter()
                    .map(|(variant, weight)| Weighted { variant, weight })
                    .collect(),
                stickiness,
                group_id,
            })),
    ];
    (
        any_text(),
        prop::collection::vec(any_constraint(), 0..3),
        prop::collection::vec(prop_oneof![Just("seg".to_string()), any_text()], 0..2),
        prop::option::of((any::<u32>(), stickiness, prop::option::of(any_text()))),
        serve,
    )
        .prop_map(|(id, constraints, segments, rollout, serve)| Rule {
            id,
            name: String::new(),
            constraints,
            segments,
            rollout: rollout.map(|(percentage, stickiness, group_id)| Rollout {
                percentage,
                stickiness,
                group_id,
            }),
            serve,
        })
}

fn any_context() -> impl Strategy<Value = EvalContext> {
    (
        prop::option::of(any_text()),
        prop::collection::vec(
            (
                prop_oneof![
                    Just("userId".to_string()),
                    Just("country".to_string()),
                    any_text()
                ],
                any_text(),
            ),
            0..4,
        ),
        any::<u32>(),
        any::<i64>(),
    )
        .prop_map(|(key, attributes, random, now)| {
            let mut ctx = EvalContext::new(key);
            for (k, v) in attributes {
                ctx.set(&k, &v);
            }
            ctx.random = random;
            ctx.now = now;
            ctx
        })
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn any_settings_evaluate_without_panicking(
        kind in prop::sample::select(FlagKind::ALL.to_vec()),
        variants in prop::collection::vec((name(), any_json(2)), 0..4),
        enabled in any::<bool>(),
        off in name(),
        default in name(),
        rules in prop::collection::vec(any_rule(), 0..4),
        segment in prop::collection::vec(any_constraint(), 0..3),
        contexts in prop::collection::vec(any_context(), 1..4),
    ) {
        let f = flag("f", kind, variants.into_iter().map(|(key, value)| Variant { key, value, description: String::new() }).collect());
        let env = FlagEnvironment { off_variant: off, default_variant: default, ..settings(enabled, rules) };
        let seg = Segment { id: 1, key: "seg".into(), name: "seg".into(), description: String::new(), constraints: segment, version: 1, created_at: 0, updated_at: 0 };
        let segments: Segments = [("seg".to_string(), Arc::new(CompiledSegment::compile(&seg)))].into();
        let compiled = CompiledFlag::compile(&f, &env, &segments);
        for ctx in &contexts {
            let (evaluation, trace) = compiled.explain(ctx);
            prop_assert_eq!(&evaluation, &compiled.evaluate(ctx));
            match evaluation.reason {
                Reason::Error => prop_assert!(evaluation.value.is_none() && evaluation.error.is_some()),
                _ => {
                    // Whatever is served is one of the flag's variants, with its value.
                    let key = evaluation.variant.clone().unwrap();
                    let variant = f.variants.iter().find(|v| v.key == key);
                    prop_assert!(variant.is_some(), "served unknown variant {}", key);
                    prop_assert_eq!(evaluation.value.as_ref(), Some(&variant.unwrap().value));
                    prop_assert_eq!(trace.len(), if enabled { env.rules.len() } else { 0 });
                }
            }
        }
    }

    /// The kill switch decides before anything else.
    #[test]
    fn off_serves_the_off_variant(rules in prop::collection::vec(any_rule(), 0..4), ctx in any_context()) {
        let f = flag("f", FlagKind::Boolean, Variant::boolean_pair());
        let compiled = CompiledFlag::compile(&f, &settings(false, rules), &Segments::new());
        let e = compiled.evaluate(&ctx);
        if compiled.problem().is_none() {
            prop_assert_eq!(e.reason, Reason::Disabled);
            prop_assert_eq!(e.value, Some(json!(false)));
        }
    }

    /// Rules are tried in order; the first whose conditions hold decides.
    #[test]
    fn the_first_matching_rule_decides(rule_countries in prop::collection::vec("[a-e]", 1..6), country in "[a-e]") {
        let variants: Vec<Variant> = (0..rule_countries.len())
            .map(|i| Variant { key: format!("v{i}"), value: json!(format!("v{i}")), description: String::new() })
            .chain([Variant { key: "off".into(), value: json!("off"), description: String::new() }])
            .collect();
        let rules = rule_countries
            .iter()
            .enumerate()
            .map(|(i, c)| Rule {
                id: format!("r{i}"),
                name: String::new(),
                constraints: vec![constraint("country", &[c])],
                segments: vec![],
                rollout: None,
                serve: serve(&format!("v{i}")),
            })
            .collect();
        let compiled = CompiledFlag::compile(&flag("f", FlagKind::String, variants), &settings(true, rules), &Segments::new());
        let e = compiled.evaluate(&EvalContext::default().with("country", &country));
        match rule_countries.iter().position(|c| *c == country) {
            Some(i) => {
                prop_assert_eq!(e.variant, Some(format!("v{i}")));
                prop_assert_eq!(e.rule_id, Some(format!("r{i}")));
                prop_assert_eq!(e.reason, Reason::TargetingMatch);
            }
            None => {
                prop_assert_eq!(e.variant.as_deref(), Some("off"));
                prop_assert_eq!(e.reason, Reason::Default);
            }
        }
    }
}

proptest! {
    #![proptest_config(config(24))]

    /// p% of users, within five standard deviations, and the same ones every time.
    #[test]
    fn a_rollout_admits_its_percentage(p in 0u32..=100, seed in any::<u64>(), key in "[a-z]{1,10}") {
        const N: usize = 4000;
        let f = rollout(&key, p, None);
        let ids = users(seed, N);
        let admitted: Vec<bool> = ids.iter().map(|id| is_on(&f, &user(id))).collect();
        let count = admitted.iter().filter(|a| **a).count();
        prop_assert!(near(count, N, p as f64 / 100.0), "{} of {} at {}%", count, N, p);
        // Sticky: the same user, asked again with another random draw, gets the same answer.
        for (id, was) in ids.iter().zip(&admitted).take(500) {
            let mut again = user(id);
            again.random = seed as u32;
            prop_assert_eq!(is_on(&f, &again), *was);
        }
    }

    /// Raising the percentage keeps everyone who was in; flags sharing a group id admit the
    /// same users.
    #[test]
    fn rollouts_grow_and_groups_share_buckets(p in 0u32..=100, q in 0u32..=100, seed in any::<u64>()) {
        let (low, high) = (p.min(q), p.max(q));
        let narrow = rollout("a", low, None);
        let wide = rollout("a", high, None);
        let same_group = rollout("b", low, Some("a"));
        for id in users(seed, 1000) {
            let ctx = user(&id);
            if is_on(&narrow, &ctx) {
                prop_assert!(is_on(&wide, &ctx), "{} left when {}% became {}%", id, low, high);
            }
            prop_assert_eq!(is_on(&same_group, &ctx), is_on(&narrow, &ctx));
        }
    }

    /// A split serves each variant its weight's share of users.
    #[test]
    fn a_split_serves_each_weight_its_share(weights in prop::collection::vec(0u32..500, 1..5), seed in any::<u64>()) {
        const N: usize = 4000;
        let total: u32 = weights.iter().sum();
        prop_assume!(total > 0);
        let variants: Vec<Variant> = (0..weights.len())
            .map(|i| Variant { key: format!("v{i}"), value: json!(i), description: String::new() })
            .chain([Variant { key: "off".into(), value: json!(-1), description: String::new() }])
            .collect();
        let split = Serve::Split(Split {
            total,
            variants: weights.iter().enumerate().map(|(i, w)| Weighted { variant: format!("v{i}"), weight: *w }).collect(),
            stickiness: None,
            group_id: None,
        });
        let rule = Rule { id: "r".into(), name: String::new(), constraints: vec![], segments: vec![], rollout: None, serve: split };
        let compiled = CompiledFlag::compile(&flag("f", FlagKind::Number, variants), &settings(true, vec![rule]), &Segments::new());
        prop_assert!(compiled.problem().is_none());
        let mut counts = vec![0usize; weights.len()];
        for id in users(seed, N) {
            let e = compiled.evaluate(&user(&id));
            prop_assert_eq!(e.reason, Reason::Split);
            counts[e.value.unwrap().as_u64().unwrap() as usize] += 1;
        }
        for (i, w) in weights.iter().enumerate() {
            let share = *w as f64 / total as f64;
            prop_assert!(near(counts[i], N, share), "variant {} got {} of {}, weight {}/{}", i, counts[i], N, w, total);
        }
    }
}

/// A rollout by user id passes over callers without one, even at 100%, and says why.
#[test]
fn rollouts_need_a_user() {
    let f = rollout("a", 100, None);
    let e = f.evaluate(&EvalContext::default().with("country", "CA"));
    assert_eq!(e.variant.as_deref(), Some("off"));
    assert!(e.missing_targeting_key);
}
