use super::*;
use crate::flags::model::*;
use serde_json::json;

fn flag(kind: FlagKind, variants: Vec<Variant>) -> Flag {
    Flag {
        id: 1,
        key: "checkout-v2".into(),
        name: "Checkout v2".into(),
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

fn env(enabled: bool, rules: Vec<Rule>) -> FlagEnvironment {
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

/// A rule; `percentage` 100 means no rollout at all.
fn rule(id: &str, constraints: Vec<Constraint>, percentage: u32, serve: Serve) -> Rule {
    Rule {
        id: id.into(),
        name: String::new(),
        constraints,
        segments: vec![],
        rollout: (percentage < 100).then(|| Rollout::percent(percentage)),
        serve,
    }
}

fn on() -> Serve {
    Serve::Variant {
        variant: "on".into(),
    }
}

fn country_in(values: &[&str]) -> Constraint {
    Constraint {
        attribute: "country".into(),
        operator: Operator::In,
        values: values.iter().map(|v| v.to_string()).collect(),
        inverted: false,
        case_insensitive: false,
    }
}

fn compile(f: &Flag, e: &FlagEnvironment) -> CompiledFlag {
    CompiledFlag::compile(f, e, &Segments::new())
}

fn user(id: &str) -> EvalContext {
    EvalContext::new(Some(id.to_string()))
}

#[test]
fn the_kill_switch_serves_the_off_variant() {
    let f = flag(FlagKind::Boolean, Variant::boolean_pair());
    let e = env(false, vec![rule("r1", vec![], 100, on())]);
    let ev = compile(&f, &e).evaluate(&user("u1"));
    assert_eq!(ev.value, Some(json!(false)));
    assert_eq!(ev.reason, Reason::Disabled);
    assert_eq!(ev.rule_id, None);
}

#[test]
fn no_rules_is_static_and_no_match_is_default() {
    let f = flag(FlagKind::Boolean, Variant::boolean_pair());
    let mut e = env(true, vec![]);
    e.default_variant = "on".into();
    assert_eq!(compile(&f, &e).evaluate(&user("u")).reason, Reason::Static);
    let e = env(true, vec![rule("ca", vec![country_in(&["CA"])], 100, on())]);
    let ev = compile(&f, &e).evaluate(&user("u").with("country", "US"));
    assert_eq!((ev.reason, ev.value), (Reason::Default, Some(json!(false))));
}

#[test]
fn the_first_matching_rule_decides() {
    let f = flag(
        FlagKind::String,
        vec![
            Variant {
                key: "off".into(),
                value: json!("none"),
                description: String::new(),
            },
            Variant {
                key: "a".into(),
                value: json!("A"),
                description: String::new(),
            },
            Variant {
                key: "b".into(),
                value: json!("B"),
                description: String::new(),
            },
        ],
    );
    let e = env(
        true,
        vec![
            rule(
                "canada",
                vec![country_in(&["CA"])],
                100,
                Serve::Variant {
                    variant: "a".into(),
                },
            ),
            rule(
                "everyone",
                vec![],
                100,
                Serve::Variant {
                    variant: "b".into(),
                },
            ),
        ],
    );
    let c = compile(&f, &e);
    let ev = c.evaluate(&user("u").with("country", "CA"));
    assert_eq!(
        (ev.variant.as_deref(), ev.reason, ev.rule_id.as_deref()),
        (Some("a"), Reason::TargetingMatch, Some("canada"))
    );
    let ev = c.evaluate(&user("u").with("country", "FR"));
    assert_eq!(
        (ev.variant.as_deref(), ev.rule_id.as_deref()),
        (Some("b"), Some("everyone"))
    );
}

#[test]
fn rollouts_are_sticky_by_user_and_need_the_attribute() {
    let f = flag(FlagKind::Boolean, Variant::boolean_pair());
    let e = env(true, vec![rule("quarter", vec![], 25, on())]);
    let c = compile(&f, &e);
    let inside = (0..2000)
        .filter(|i| c.evaluate(&user(&format!("user-{i}"))).variant.as_deref() == Some("on"))
        .count();
    assert!((400..=600).contains(&inside), "{inside}");
    for i in 0..50 {
        let u = user(&format!("user-{i}"));
        assert_eq!(c.evaluate(&u), c.evaluate(&u), "same answer every time");
    }
    let matched = c.evaluate(
        &(0..)
            .map(|i| user(&format!("user-{i}")))
            .find(|u| c.evaluate(u).variant.as_deref() == Some("on"))
            .unwrap(),
    );
    assert_eq!(
        matched.reason,
        Reason::Split,
        "a rollout is a pseudorandom assignment"
    );
    let (ev, trace) = c.explain(&EvalContext::default());
    assert_eq!(ev.reason, Reason::Default);
    assert!(
        ev.missing_targeting_key,
        "the caller is told the rollout needed a targeting key"
    );
    assert!(!c.evaluate(&user("someone")).missing_targeting_key);
    assert_eq!(
        trace,
        vec![RuleTrace::NoStickinessValue {
            rule_id: "quarter".into(),
            attribute: "userId".into()
        }]
    );
    // 0% serves nobody; no rollout serves everyone, with or without a user id; a 100% rollout
    // serves everyone who has one (as Unleash does).
    assert_eq!(
        compile(&f, &env(true, vec![rule("none", vec![], 0, on())]))
            .evaluate(&user("x"))
            .reason,
        Reason::Default
    );
    assert_eq!(
        compile(&f, &env(true, vec![rule("all", vec![], 100, on())]))
            .evaluate(&EvalContext::default())
            .reason,
        Reason::TargetingMatch
    );
    let mut full = rule("full", vec![], 100, on());
    full.rollout = Some(Rollout::percent(100));
    let c = compile(&f, &env(true, vec![full]));
    assert_eq!(c.evaluate(&user("x")).reason, Reason::TargetingMatch);
    assert_eq!(c.evaluate(&EvalContext::default()).reason, Reason::Default);
}

#[test]
fn weighted_splits_follow_their_weights_and_stick() {
    let f = flag(
        FlagKind::String,
        vec![
            Variant {
                key: "off".into(),
                value: json!("control"),
                description: String::new(),
            },
            Variant {
                key: "blue".into(),
                value: json!("blue"),
                description: String::new(),
            },
            Variant {
                key: "green".into(),
                value: json!("green"),
                description: String::new(),
            },
        ],
    );
    let split = Serve::Split(Split {
        total: 1000,
        variants: vec![
            Weighted {
                variant: "blue".into(),
                weight: 700,
            },
            Weighted {
                variant: "green".into(),
                weight: 300,
            },
        ],
        stickiness: None,
        group_id: None,
    });
    let c = compile(&f, &env(true, vec![rule("ab", vec![], 100, split)]));
    let blue = (0..10_000)
        .filter(|i| c.evaluate(&user(&format!("u{i}"))).variant.as_deref() == Some("blue"))
        .count();
    assert!((6_800..=7_200).contains(&blue), "{blue}");
    let ev = c.evaluate(&user("u1"));
    assert_eq!(ev.reason, Reason::Split);
    assert_eq!(ev, c.evaluate(&user("u1")));
}

#[test]
fn segments_must_hold_too() {
    let f = flag(FlagKind::Boolean, Variant::boolean_pair());
    let segment = Segment {
        id: 1,
        key: "beta-testers".into(),
        name: "Beta testers".into(),
        description: String::new(),
        constraints: vec![Constraint {
            attribute: "plan".into(),
            operator: Operator::In,
            values: vec!["beta".into()],
            inverted: false,
            case_insensitive: false,
        }],
        version: 1,
        created_at: 0,
        updated_at: 0,
    };
    let segments: Segments = [(
        "beta-testers".to_string(),
        std::sync::Arc::new(CompiledSegment::compile(&segment)),
    )]
    .into();
    let mut r = rule("beta", vec![country_in(&["CA"])], 100, on());
    r.segments = vec!["beta-testers".into()];
    let c = CompiledFlag::compile(&f, &env(true, vec![r]), &segments);
    assert_eq!(
        c.evaluate(&user("u").with("country", "CA").with("plan", "beta"))
            .reason,
        Reason::TargetingMatch
    );
    let (ev, trace) = c.explain(&user("u").with("country", "CA").with("plan", "free"));
    assert_eq!(ev.reason, Reason::Default);
    assert_eq!(
        trace,
        vec![RuleTrace::SegmentFailed {
            rule_id: "beta".into(),
            segment: "beta-testers".into(),
            attribute: "plan".into(),
            actual: Some("free".into())
        }]
    );
}

#[test]
fn unreadable_settings_answer_error_not_a_crash() {
    let f = flag(FlagKind::Boolean, Variant::boolean_pair());
    let mut e = env(
        true,
        vec![rule(
            "r",
            vec![],
            100,
            Serve::Variant {
                variant: "missing".into(),
            },
        )],
    );
    let ev = compile(&f, &e).evaluate(&user("u"));
    assert_eq!(ev.reason, Reason::Error);
    assert_eq!(ev.value, None);
    let error = ev.error.unwrap();
    assert_eq!(error.code, ErrorCode::General);
    assert!(error.message.contains("missing"));
    e.rules[0].serve = on();
    e.rules[0].segments = vec!["deleted".into()];
    assert_eq!(compile(&f, &e).evaluate(&user("u")).reason, Reason::Error);
    let wrong = flag(FlagKind::Number, Variant::boolean_pair());
    assert_eq!(
        compile(&wrong, &env(true, vec![]))
            .evaluate(&user("u"))
            .reason,
        Reason::Error
    );
}

#[test]
fn explain_reports_every_rule() {
    let f = flag(FlagKind::Boolean, Variant::boolean_pair());
    let e = env(
        true,
        vec![
            rule("us", vec![country_in(&["US"])], 100, on()),
            rule("ca", vec![country_in(&["CA"])], 100, on()),
            rule("all", vec![], 100, on()),
        ],
    );
    let (ev, trace) = compile(&f, &e).explain(&user("u").with("country", "CA"));
    assert_eq!(ev.rule_id.as_deref(), Some("ca"));
    assert_eq!(
        trace,
        vec![
            RuleTrace::ConstraintFailed {
                rule_id: "us".into(),
                index: 0,
                attribute: "country".into(),
                actual: Some("CA".into())
            },
            RuleTrace::Matched {
                rule_id: "ca".into(),
                bucket: None
            },
            RuleTrace::NotReached {
                rule_id: "all".into()
            },
        ]
    );
}

mod prerequisites {
    use super::*;

    /// Prerequisites as (flag, variants) pairs.
    type Requires<'a> = &'a [(&'a str, &'a [&'a str])];

    fn parent(key: &str, enabled: bool, rules: Vec<Rule>) -> Arc<CompiledFlag> {
        let mut f = flag(FlagKind::Boolean, Variant::boolean_pair());
        f.key = key.into();
        Arc::new(compile(&f, &env(enabled, rules)))
    }

    fn child(requires: Requires) -> (Flag, FlagEnvironment) {
        let f = flag(FlagKind::Boolean, Variant::boolean_pair());
        let mut e = env(true, vec![rule("r1", vec![], 100, on())]);
        e.prerequisites = requires
            .iter()
            .map(|(flag, variants)| Prerequisite {
                flag: flag.to_string(),
                variants: variants.iter().map(|v| v.to_string()).collect(),
            })
            .collect();
        (f, e)
    }

    fn linked(requires: Requires, parents: &[Arc<CompiledFlag>]) -> CompiledFlag {
        let (f, e) = child(requires);
        let mut c = compile(&f, &e);
        c.link(|key| parents.iter().find(|p| p.key == key).cloned());
        c
    }

    /// (what the child requires, then for user "u1": variant and reason), written out by hand:
    /// `login` is on for everyone, `beta` is on only for country=NL, `legacy` is switched off.
    #[test]
    fn a_prerequisite_decides_before_the_rules() {
        let parents = [
            parent("login", true, vec![rule("all", vec![], 100, on())]),
            parent(
                "beta",
                true,
                vec![rule("nl", vec![country_in(&["NL"])], 100, on())],
            ),
            parent("legacy", false, vec![]),
        ];
        let table: [(Requires, &str, Reason); 7] = [
            (&[("login", &["on"])], "on", Reason::TargetingMatch),
            (&[("login", &["off"])], "off", Reason::PrerequisiteFailed),
            (&[("beta", &["on"])], "off", Reason::PrerequisiteFailed),
            (&[("legacy", &["off"])], "on", Reason::TargetingMatch),
            (
                &[("login", &["on"]), ("legacy", &["off"])],
                "on",
                Reason::TargetingMatch,
            ),
            (
                &[("login", &["on"]), ("legacy", &["on"])],
                "off",
                Reason::PrerequisiteFailed,
            ),
            (
                &[("gone", &["on", "off"])],
                "off",
                Reason::PrerequisiteFailed,
            ),
        ];
        for (requires, variant, reason) in table {
            let ev = linked(requires, &parents).evaluate(&user("u1"));
            assert_eq!(
                (ev.variant.as_deref(), ev.reason),
                (Some(variant), reason),
                "{requires:?}"
            );
        }
        // The same child, for a caller in NL: `beta` is on for them.
        let mut nl = user("u1");
        nl.set("country", "NL");
        let ev = linked(&[("beta", &["on"])], &parents).evaluate(&nl);
        assert_eq!(ev.variant.as_deref(), Some("on"));
    }

    #[test]
    fn unlinked_prerequisites_are_not_met() {
        let (f, e) = child(&[("login", &["on"])]);
        let ev = compile(&f, &e).evaluate(&user("u1"));
        assert_eq!(ev.reason, Reason::PrerequisiteFailed);
        // OpenFeature's providers know no such reason: apps are told the flag is disabled.
        assert_eq!(ev.reason.as_str(), "DISABLED");
    }

    #[test]
    fn the_kill_switch_comes_before_prerequisites() {
        let (f, mut e) = child(&[("gone", &["on"])]);
        e.enabled = false;
        let ev = compile(&f, &e).evaluate(&user("u1"));
        assert_eq!(ev.reason, Reason::Disabled);
    }

    #[test]
    fn a_prerequisite_with_prerequisites_of_its_own_is_never_met() {
        let login = parent("login", true, vec![rule("all", vec![], 100, on())]);
        // `middle` is on for everyone but itself requires `login`.
        let mut middle = linked(&[("login", &["on"])], std::slice::from_ref(&login));
        middle.key = "middle".into();
        assert_eq!(middle.evaluate(&user("u1")).variant.as_deref(), Some("on"));
        let middle = Arc::new(middle);
        let ev = linked(&[("middle", &["on"])], &[login, middle]).evaluate(&user("u1"));
        assert_eq!(ev.reason, Reason::PrerequisiteFailed);
    }

    #[test]
    fn the_trace_names_the_failed_prerequisite_and_what_it_served() {
        let parents = [parent("legacy", false, vec![])];
        let (ev, trace) = linked(&[("legacy", &["on"])], &parents).explain(&user("u1"));
        assert_eq!(ev.reason, Reason::PrerequisiteFailed);
        assert_eq!(
            trace,
            vec![RuleTrace::PrerequisiteFailed {
                flag: "legacy".into(),
                served: Some("off".into()),
            }]
        );
    }
}
