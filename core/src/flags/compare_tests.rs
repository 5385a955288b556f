use super::{RulePart, SettingsChange, compare_settings};
use crate::flags::fixtures::{is_in, rollout, rule, serve, settings};
use crate::flags::model::Prerequisite;

fn requires(flag: &str, variants: &[&str]) -> Prerequisite {
    Prerequisite {
        flag: flag.into(),
        variants: variants.iter().map(|v| v.to_string()).collect(),
    }
}

fn ids(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[test]
fn equal_settings_promote_nothing_whatever_the_kill_switch_and_version() {
    let rules = || {
        vec![rule(
            "beta",
            vec![is_in("plan", &["pro"])],
            None,
            serve("on"),
        )]
    };
    let production = settings(false, "off", "off", rules());
    let mut staging = settings(true, "off", "off", rules());
    staging.environment = "staging".into();
    staging.version = 7;
    assert_eq!(compare_settings(&production, &staging), vec![]);
}

#[test]
fn fallbacks_and_prerequisites_are_named_with_both_sides() {
    let mut production = settings(true, "off", "off", vec![]);
    production.prerequisites = vec![requires("checkout", &["on"]), requires("search", &["on"])];
    let mut staging = settings(true, "control", "on", vec![]);
    staging.prerequisites = vec![
        requires("search", &["on", "beta"]),
        requires("payments", &["on"]),
    ];
    assert_eq!(
        compare_settings(&production, &staging),
        vec![
            SettingsChange::OffVariant {
                from: "off".into(),
                to: "control".into()
            },
            SettingsChange::DefaultVariant {
                from: "off".into(),
                to: "on".into()
            },
            SettingsChange::PrerequisiteRemoved {
                flag: "checkout".into(),
                variants: ids(&["on"])
            },
            SettingsChange::PrerequisiteChanged {
                flag: "search".into(),
                from: ids(&["on"]),
                to: ids(&["on", "beta"])
            },
            SettingsChange::PrerequisiteAdded {
                flag: "payments".into(),
                variants: ids(&["on"])
            },
        ]
    );
}

#[test]
fn rules_are_matched_by_id_and_each_changed_part_is_named() {
    let production = settings(
        true,
        "off",
        "off",
        vec![
            rule(
                "internal",
                vec![is_in("email", &["a@x"])],
                None,
                serve("on"),
            ),
            rule(
                "beta",
                vec![is_in("plan", &["pro"])],
                rollout(10, "userId", None),
                serve("on"),
            ),
            rule("legacy", vec![], None, serve("off")),
        ],
    );
    let mut renamed = rule(
        "internal",
        vec![is_in("email", &["a@x"])],
        None,
        serve("on"),
    );
    renamed.name = "Staff".into();
    renamed.segments = vec!["staff".into()];
    let staging = settings(
        true,
        "off",
        "off",
        vec![
            renamed,
            rule(
                "beta",
                vec![is_in("plan", &["pro", "team"])],
                rollout(50, "userId", None),
                serve("off"),
            ),
            rule("eu", vec![is_in("country", &["DE"])], None, serve("on")),
        ],
    );
    assert_eq!(
        compare_settings(&production, &staging),
        vec![
            SettingsChange::RuleChanged {
                rule: "internal".into(),
                parts: vec![RulePart::Name, RulePart::Segments]
            },
            SettingsChange::RuleChanged {
                rule: "beta".into(),
                parts: vec![RulePart::Constraints, RulePart::Rollout, RulePart::Serve]
            },
            SettingsChange::RuleRemoved {
                rule: "legacy".into()
            },
            SettingsChange::RuleAdded { rule: "eu".into() },
        ]
    );
}

#[test]
fn the_same_rules_in_another_order_are_a_change() {
    let a = || rule("a", vec![is_in("plan", &["pro"])], None, serve("on"));
    let b = || rule("b", vec![], None, serve("off"));
    let c = || rule("c", vec![], None, serve("on"));
    let production = settings(true, "off", "off", vec![a(), b(), c()]);
    let staging = settings(true, "off", "off", vec![c(), a()]);
    assert_eq!(
        compare_settings(&production, &staging),
        vec![
            SettingsChange::RuleRemoved { rule: "b".into() },
            SettingsChange::RulesReordered {
                from: ids(&["a", "c"]),
                to: ids(&["c", "a"])
            },
        ]
    );
}

#[test]
fn each_change_reads_as_one_line() {
    let lines: Vec<String> = [
        SettingsChange::OffVariant {
            from: "off".into(),
            to: "control".into(),
        },
        SettingsChange::PrerequisiteChanged {
            flag: "search".into(),
            from: ids(&["on"]),
            to: ids(&["on", "beta"]),
        },
        SettingsChange::PrerequisiteRemoved {
            flag: "checkout".into(),
            variants: ids(&["on"]),
        },
        SettingsChange::RuleChanged {
            rule: "beta".into(),
            parts: vec![RulePart::Rollout, RulePart::Serve],
        },
        SettingsChange::RulesReordered {
            from: ids(&["a", "c"]),
            to: ids(&["c", "a"]),
        },
    ]
    .iter()
    .map(SettingsChange::describe)
    .collect();
    assert_eq!(
        lines,
        [
            "Variant while off: off → control",
            "Requires search to serve on or beta instead of on",
            "No longer requires checkout",
            "Rule beta changes its rollout, what it serves",
            "Rules tried in a new order: c, a",
        ]
    );
}

#[test]
fn changes_travel_as_tagged_json() {
    let change = SettingsChange::RuleChanged {
        rule: "beta".into(),
        parts: vec![RulePart::Rollout],
    };
    assert_eq!(
        serde_json::to_value(&change).unwrap(),
        serde_json::json!({"change": "rule_changed", "rule": "beta", "parts": ["rollout"]})
    );
}
