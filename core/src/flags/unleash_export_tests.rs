use super::*;
use crate::flags::fixtures::*;
use crate::flags::model::{Split, Weighted};
use crate::flags::unleash::plan;
use crate::flags::{CompiledFlag, CompiledSegment, EvalContext, Reason, Segments};
use std::sync::Arc;

#[test]
fn a_boolean_flag_in_unleash_shape() {
    let f = flag("checkout", FlagKind::Boolean, &[]);
    let s = settings(
        true,
        "off",
        "off",
        vec![rule(
            "canada",
            vec![is_in("country", &["CA"])],
            rollout(25, "userId", None),
            serve("on"),
        )],
    );
    let exported = export(&[(&f, &s)], &[]);
    assert!(exported.left_out.is_empty());
    // Written out from Unleash's client API format.
    assert_eq!(
        exported.state,
        json!({"version": 2, "segments": [], "features": [{
            "name": "checkout", "description": "", "type": "release", "enabled": true,
            "stale": false, "impressionData": false, "variants": [], "dependencies": [],
            "strategies": [{
                "name": "flexibleRollout",
                "parameters": {"rollout": "25", "stickiness": "userId", "groupId": "checkout"},
                "constraints": [{"contextName": "country", "operator": "IN", "values": ["CA"],
                                 "inverted": false, "caseInsensitive": false}],
                "segments": [],
            }],
        }]})
    );
}

#[test]
fn what_unleash_cannot_express_is_left_out_with_the_reason() {
    let boolean = |rules: Vec<Rule>, default: &str| {
        (
            flag("b", FlagKind::Boolean, &[]),
            settings(true, "off", default, rules),
        )
    };
    let colours = [("red", json!("#f00")), ("blue", json!("#00f"))];
    let split = |stickiness: &str| {
        Serve::Split(Split {
            total: 100,
            variants: vec![
                Weighted {
                    variant: "red".into(),
                    weight: 50,
                },
                Weighted {
                    variant: "blue".into(),
                    weight: 50,
                },
            ],
            stickiness: Some(stickiness.into()),
            group_id: None,
        })
    };
    // (flag, settings, reason): by hand from the module's rules.
    let cases = [
        (
            boolean(
                vec![
                    rule("staff", vec![is_in("plan", &["staff"])], None, serve("off")),
                    rule("all", vec![], None, serve("on")),
                ],
                "off",
            ),
            "rule staff serves off before rule all serves on; Unleash enables a feature when \
             any strategy matches, in any order",
        ),
        (
            boolean(
                vec![rule(
                    "staff",
                    vec![is_in("plan", &["staff"])],
                    None,
                    serve("off"),
                )],
                "on",
            ),
            "rule staff serves off while everyone else gets on; Unleash enables a feature when \
             any strategy matches",
        ),
        (
            boolean(vec![rule("half", vec![], None, split("userId"))], "off"),
            "rule half splits callers between on and off, which Unleash's variants cannot decide",
        ),
        (
            (
                flag("c", FlagKind::String, &colours),
                settings(
                    true,
                    "red",
                    "red",
                    vec![rule(
                        "ab",
                        vec![],
                        rollout(50, "userId", None),
                        split("sessionId"),
                    )],
                ),
            ),
            "rule ab rolls out by userId but splits by sessionId; Unleash uses one stickiness \
             for both",
        ),
    ];
    for ((f, s), reason) in cases {
        let exported = export(&[(&f, &s)], &[]);
        assert_eq!(
            exported.left_out,
            vec![LeftOut {
                flag: f.key.clone(),
                reason: reason.into(),
            }]
        );
        assert_eq!(exported.state["features"], json!([]));
    }
    // A prerequisite on another flag's off variant (Unleash reports no variant for an off
    // feature), and a prerequisite on a flag left out.
    let colour = flag("colour", FlagKind::String, &colours);
    let colour_settings = settings(true, "red", "blue", vec![]);
    let mut child = settings(true, "off", "on", vec![]);
    child.prerequisites = vec![Prerequisite {
        flag: "colour".into(),
        variants: vec!["red".into()],
    }];
    let f = flag("child", FlagKind::Boolean, &[]);
    let exported = export(&[(&colour, &colour_settings), (&f, &child)], &[]);
    assert_eq!(
        exported.left_out[0].reason,
        "its prerequisite accepts colour's off variant red, which Unleash never reports"
    );
    let (b, bs) = boolean(vec![rule("half", vec![], None, split("userId"))], "off");
    child.prerequisites[0].flag = "b".into();
    child.prerequisites[0].variants = vec!["on".into()];
    let exported = export(&[(&b, &bs), (&f, &child)], &[]);
    assert_eq!(exported.left_out.len(), 2);
    assert_eq!(
        exported.left_out[1].reason,
        "its prerequisite b is left out"
    );
}

/// Switchboard's answer as an Unleash SDK would report it: (enabled, variant and value when the
/// flag is not boolean).
fn answer(f: &CompiledFlag, kind: FlagKind, ctx: &EvalContext) -> (bool, Option<(String, Value)>) {
    let ev = f.evaluate(ctx);
    assert_ne!(ev.reason, Reason::Error, "{:?}", ev.error);
    match kind {
        FlagKind::Boolean => (ev.value == Some(Value::Bool(true)), None),
        _ => {
            let on = !matches!(ev.reason, Reason::Disabled | Reason::PrerequisiteFailed);
            (on, on.then(|| (ev.variant.unwrap(), ev.value.unwrap())))
        }
    }
}

/// The importer's translation as the Unleash client specification checks it: enabled when a rule
/// (strategy) matched.
fn unleash_answer(
    f: &CompiledFlag,
    kind: FlagKind,
    ctx: &EvalContext,
) -> (bool, Option<(String, Value)>) {
    let ev = f.evaluate(ctx);
    assert_ne!(ev.reason, Reason::Error, "{:?}", ev.error);
    let on = matches!(ev.reason, Reason::TargetingMatch | Reason::Split);
    match kind {
        FlagKind::Boolean => (on && ev.value == Some(Value::Bool(true)), None),
        _ => (on, on.then(|| (ev.variant.unwrap(), ev.value.unwrap()))),
    }
}

fn compiled(
    flags: &[(Flag, FlagEnvironment)],
    segments: &[Segment],
) -> HashMap<String, (CompiledFlag, FlagKind)> {
    let segments: Segments = segments
        .iter()
        .map(|s| (s.key.clone(), Arc::new(CompiledSegment::compile(s))))
        .collect();
    let plain: HashMap<String, Arc<CompiledFlag>> = flags
        .iter()
        .map(|(f, s)| {
            (
                f.key.clone(),
                Arc::new(CompiledFlag::compile(f, s, &segments)),
            )
        })
        .collect();
    flags
        .iter()
        .map(|(f, _)| {
            let mut c = (*plain[&f.key]).clone();
            c.link(|k| plain.get(k).cloned());
            (f.key.clone(), (c, f.kind))
        })
        .collect()
}

#[test]
fn a_round_trip_through_the_importer_keeps_every_answer() {
    let colours = [
        ("red", json!("#f00")),
        ("blue", json!("#00f")),
        ("green", json!("#0f0")),
    ];
    let beta = Segment {
        id: 7,
        key: "beta".into(),
        name: "Beta".into(),
        description: String::new(),
        constraints: vec![is_in("plan", &["beta", "pro"])],
        version: 1,
        created_at: 0,
        updated_at: 0,
    };
    let mut with_segment = rule("beta", vec![], None, serve("wide"));
    with_segment.segments = vec!["beta".into()];
    let mut gated = settings(true, "off", "on", vec![]);
    gated.prerequisites = vec![Prerequisite {
        flag: "checkout".into(),
        variants: vec!["on".into()],
    }];
    let mut unless_legacy = settings(true, "small", "big", vec![]);
    unless_legacy.prerequisites = vec![Prerequisite {
        flag: "legacy".into(),
        variants: vec!["off".into()],
    }];
    let mut by_colour = settings(true, "off", "on", vec![]);
    by_colour.prerequisites = vec![Prerequisite {
        flag: "theme".into(),
        variants: vec!["blue".into(), "green".into()],
    }];
    let split = |group: Option<&str>, stickiness: Option<&str>| {
        Serve::Split(Split {
            total: 1000,
            variants: vec![
                Weighted {
                    variant: "red".into(),
                    weight: 200,
                },
                Weighted {
                    variant: "green".into(),
                    weight: 800,
                },
            ],
            stickiness: stickiness.map(String::from),
            group_id: group.map(String::from),
        })
    };
    let flags = vec![
        (
            flag("checkout", FlagKind::Boolean, &[]),
            settings(
                true,
                "off",
                "off",
                vec![
                    rule("canada", vec![is_in("country", &["CA"])], None, serve("on")),
                    rule("some", vec![], rollout(30, "userId", None), serve("on")),
                    rule("after", vec![], None, serve("off")),
                ],
            ),
        ),
        (
            flag("everyone", FlagKind::Boolean, &[]),
            settings(true, "off", "on", vec![]),
        ),
        (
            flag("legacy", FlagKind::Boolean, &[]),
            settings(
                false,
                "off",
                "on",
                vec![rule("all", vec![], None, serve("on"))],
            ),
        ),
        (
            flag("theme", FlagKind::String, &colours),
            settings(
                true,
                "red",
                "red",
                vec![
                    rule("pro", vec![is_in("plan", &["pro"])], None, serve("blue")),
                    rule(
                        "test",
                        vec![],
                        rollout(80, "userId", Some("exp")),
                        split(Some("exp"), None),
                    ),
                ],
            ),
        ),
        (
            flag("by-session", FlagKind::String, &colours),
            settings(
                true,
                "blue",
                "blue",
                vec![rule("s", vec![], None, split(None, Some("sessionId")))],
            ),
        ),
        (
            flag(
                "layout",
                FlagKind::Json,
                &[("narrow", json!({"columns": 1})), ("wide", json!([2, 3]))],
            ),
            settings(true, "narrow", "narrow", vec![with_segment]),
        ),
        (flag("gated", FlagKind::Boolean, &[]), gated),
        (
            flag(
                "limit",
                FlagKind::Number,
                &[("small", json!(3)), ("big", json!(2.5))],
            ),
            unless_legacy,
        ),
        (flag("by-colour", FlagKind::Boolean, &[]), by_colour),
    ];
    let pairs: Vec<(&Flag, &FlagEnvironment)> = flags.iter().map(|(f, s)| (f, s)).collect();
    let exported = export(&pairs, std::slice::from_ref(&beta));
    assert_eq!(exported.left_out, vec![], "everything here is expressible");
    let imported = plan(&exported.state.to_string(), "production").expect("the importer reads it");
    assert_eq!(imported.skipped, vec![], "the importer takes all of it");
    let back: Vec<(Flag, FlagEnvironment)> = imported
        .flags
        .iter()
        .map(|f| (f.flag.clone(), f.settings.clone()))
        .collect();
    let original = compiled(&flags, std::slice::from_ref(&beta));
    let round_trip = compiled(&back, &imported.segments);
    assert_eq!(round_trip.len(), original.len());
    for i in 0..3000 {
        let mut ctx = EvalContext::new((i % 10 != 0).then(|| format!("user-{i}")));
        if i % 3 == 0 {
            ctx.set("country", "CA");
        }
        match i % 4 {
            0 => ctx.set("plan", "pro"),
            1 => ctx.set("plan", "beta"),
            _ => {}
        }
        if i % 5 == 0 {
            ctx.set("sessionId", &format!("s-{i}"));
        }
        for (key, (f, kind)) in &original {
            let (g, _) = &round_trip[key];
            assert_eq!(
                unleash_answer(g, *kind, &ctx),
                answer(f, *kind, &ctx),
                "{key} for context {i}"
            );
        }
    }
}
