//! The expected environments are written out by hand from the evaluation semantics in the
//! module's documentation, one row per change.

use super::*;
use crate::flags::model::{Constraint, Operator, Split, Variant, Weighted};
use serde_json::json;

fn variant(key: &str, value: &str) -> Variant {
    Variant {
        key: key.into(),
        value: json!(value),
        description: String::new(),
    }
}

fn flag(variants: Vec<Variant>) -> Flag {
    Flag {
        id: 1,
        key: "checkout".into(),
        name: "Checkout".into(),
        description: String::new(),
        tags: Vec::new(),
        owner: String::new(),
        kind: FlagKind::String,
        variants,
        archived: false,
        version: 1,
        created_at: 0,
        updated_at: 0,
    }
}

fn rule(serve: Serve, segments: &[&str]) -> Rule {
    Rule {
        id: "r1".into(),
        name: String::new(),
        constraints: Vec::new(),
        segments: segments.iter().map(|s| s.to_string()).collect(),
        rollout: None,
        serve,
    }
}

fn settings(
    env: &str,
    enabled: bool,
    off: &str,
    default: &str,
    rules: Vec<Rule>,
) -> FlagEnvironment {
    FlagEnvironment {
        environment: env.into(),
        enabled,
        off_variant: off.into(),
        default_variant: default.into(),
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

/// The fixture every row below reads:
/// - dev: on, default `a`, a rule serving `b`;
/// - staging: off, off variant `a`;
/// - production: no settings (so the defaults: off, serving the first variant, `a`);
/// - qa: off, off variant `b`;
/// - canary: on, default `a`, a rule splitting between `a` and `c`;
/// - broken: settings that cannot be read.
fn reach_of(before: Option<&Flag>, after: Option<&Flag>) -> Vec<&'static str> {
    let dev = settings("dev", true, "a", "a", vec![rule(serve("b"), &[])]);
    let staging = settings("staging", false, "a", "a", vec![]);
    let qa = settings("qa", false, "b", "b", vec![]);
    let canary = settings(
        "canary",
        true,
        "a",
        "a",
        vec![rule(
            Serve::Split(Split {
                total: 1000,
                variants: vec![
                    Weighted {
                        variant: "a".into(),
                        weight: 500,
                    },
                    Weighted {
                        variant: "c".into(),
                        weight: 500,
                    },
                ],
                stickiness: None,
                group_id: None,
            }),
            &[],
        )],
    );
    let envs = [
        ("dev", Stored::Settings(&dev)),
        ("staging", Stored::Settings(&staging)),
        ("production", Stored::Absent),
        ("qa", Stored::Settings(&qa)),
        ("canary", Stored::Settings(&canary)),
        ("broken", Stored::Unreadable),
    ];
    definition_reach(before, after, &envs)
}

fn base() -> Flag {
    flag(vec![
        variant("a", "x"),
        variant("b", "y"),
        variant("c", "z"),
    ])
}

#[test]
fn renaming_or_describing_a_flag_changes_nothing_served() {
    let mut after = base();
    after.name = "New name".into();
    after.description = "why".into();
    after.tags = vec!["team-a".into()];
    after.owner = "ann".into();
    after.variants[0].description = "the control".into();
    assert_eq!(reach_of(Some(&base()), Some(&after)), Vec::<&str>::new());
}

#[test]
fn a_variant_value_reaches_every_environment_that_can_serve_it() {
    let mut after = base();
    after.variants[0].value = json!("x2");
    // `a`: dev's default, staging's off variant, production's default off variant, canary's
    // default and split. Not qa (serves `b`), not broken (an error either way).
    assert_eq!(
        reach_of(Some(&base()), Some(&after)),
        ["dev", "staging", "production", "canary"]
    );

    let mut after = base();
    after.variants[1].value = json!("y2");
    assert_eq!(reach_of(Some(&base()), Some(&after)), ["dev", "qa"]);

    let mut after = base();
    after.variants[2].value = json!("z2");
    assert_eq!(reach_of(Some(&base()), Some(&after)), ["canary"]);
}

#[test]
fn reordering_variants_reaches_environments_without_settings() {
    let mut after = base();
    after.variants.swap(0, 1);
    // Without settings the first variant is the off variant.
    assert_eq!(reach_of(Some(&base()), Some(&after)), ["production"]);
}

#[test]
fn an_unused_new_variant_changes_nothing() {
    let mut after = base();
    after.variants.push(variant("d", "w"));
    assert_eq!(reach_of(Some(&base()), Some(&after)), Vec::<&str>::new());
}

#[test]
fn archiving_restoring_and_creating_reach_every_environment() {
    let all = ["dev", "staging", "production", "qa", "canary", "broken"];
    let mut archived = base();
    archived.archived = true;
    assert_eq!(reach_of(Some(&base()), Some(&archived)), all);
    assert_eq!(reach_of(Some(&archived), Some(&base())), all);
    // A new flag is served (off, first variant) wherever it has no settings.
    assert_eq!(reach_of(None, Some(&base())), all);
    // Editing an archived flag's variants changes nothing anyone is served.
    let mut archived_edit = archived.clone();
    archived_edit.variants[0].value = json!("x2");
    assert_eq!(
        reach_of(Some(&archived), Some(&archived_edit)),
        Vec::<&str>::new()
    );
}

#[test]
fn boolean_flags_without_settings_serve_off() {
    let before = Flag {
        kind: FlagKind::Boolean,
        variants: Variant::boolean_pair(),
        ..base()
    };
    let envs = [("production", Stored::Absent)];
    let mut after = before.clone();
    after.variants.reverse();
    // The off variant of a boolean flag is `off` by key, whatever the order.
    assert!(definition_reach(Some(&before), Some(&after), &envs).is_empty());
}

fn segment(constraints: Vec<Constraint>) -> Segment {
    Segment {
        id: 1,
        key: "beta".into(),
        name: "Beta".into(),
        description: String::new(),
        constraints,
        version: 1,
        created_at: 0,
        updated_at: 0,
    }
}

fn country(value: &str) -> Constraint {
    Constraint {
        attribute: "country".into(),
        operator: Operator::In,
        values: vec![value.into()],
        inverted: false,
        case_insensitive: false,
    }
}

#[test]
fn a_segment_reaches_environments_where_an_active_flag_rule_reads_it() {
    let prod = settings(
        "production",
        true,
        "a",
        "a",
        vec![rule(serve("b"), &["beta"])],
    );
    let staging_off = settings(
        "staging",
        false,
        "a",
        "a",
        vec![rule(serve("b"), &["beta"])],
    );
    let dev_archived = settings("dev", true, "a", "a", vec![rule(serve("b"), &["beta"])]);
    let qa_other = settings("qa", true, "a", "a", vec![rule(serve("b"), &["gamma"])]);
    let uses = [
        SegmentUse {
            environment: "production",
            flag_archived: false,
            settings: &prod,
        },
        SegmentUse {
            environment: "staging",
            flag_archived: false,
            settings: &staging_off,
        },
        SegmentUse {
            environment: "dev",
            flag_archived: true,
            settings: &dev_archived,
        },
        SegmentUse {
            environment: "qa",
            flag_archived: false,
            settings: &qa_other,
        },
    ];
    let before = segment(vec![country("CA")]);
    let after = segment(vec![country("US")]);
    assert_eq!(
        segment_reach(Some(&before), Some(&after), "beta", &uses),
        ["production"]
    );
    let mut renamed = before.clone();
    renamed.name = "Beta testers".into();
    renamed.description = "who".into();
    assert!(segment_reach(Some(&before), Some(&renamed), "beta", &uses).is_empty());
    assert_eq!(
        segment_reach(Some(&before), None, "beta", &uses),
        ["production"]
    );
    assert!(segment_reach(None, Some(&after), "beta", &[]).is_empty());
}

#[test]
fn an_on_flag_with_prerequisites_serves_its_off_variant_too() {
    // production: on, default `b`, no rules, off variant `c`, and a prerequisite. Callers for whom
    // the prerequisite fails get `c`, so `c`'s value is served there although the flag is on.
    let mut production = settings("production", true, "c", "b", vec![]);
    production.prerequisites = vec![crate::flags::model::Prerequisite {
        flag: "login-v2".into(),
        variants: vec!["on".into()],
    }];
    let without = settings("staging", true, "c", "b", vec![]);
    let envs = [
        ("production", Stored::Settings(&production)),
        ("staging", Stored::Settings(&without)),
    ];
    let mut after = base();
    after.variants[2].value = json!("z2");
    assert_eq!(
        definition_reach(Some(&base()), Some(&after), &envs),
        ["production"]
    );
}
