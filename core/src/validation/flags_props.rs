//! Flag input rules: keys follow their stated grammars, a rule is judged the same wherever it
//! sits among others (its errors move with its index and nothing else changes), settings built
//! to be valid are, and nothing panics.

use super::*;
use crate::flags::{Split, Weighted};
use crate::test_props::{any_json, any_text, config, finite_f64};
use proptest::prelude::*;
use serde_json::json;

fn re(pattern: &str) -> regex_lite::Regex {
    regex_lite::Regex::new(pattern).unwrap()
}

fn key_soup() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9_.:@ -]{0,20}",
        any_text(),
        "[a-z0-9._-]{125,130}",
        "[a-z0-9._:-]{38,42}"
    ]
}

const VARIANTS: [&str; 3] = ["a", "b", "c"];
const SEGMENTS: [&str; 2] = ["s1", "s2"];

fn variants() -> Vec<Variant> {
    VARIANTS
        .iter()
        .map(|k| Variant {
            key: k.to_string(),
            value: json!(k),
            description: String::new(),
        })
        .collect()
}

fn segments() -> HashSet<String> {
    SEGMENTS.iter().map(|s| s.to_string()).collect()
}

fn valid_constraint() -> impl Strategy<Value = Constraint> {
    let op_and_values = prop_oneof![
        (
            prop::sample::select(vec![Operator::In, Operator::NotIn, Operator::StrContains]),
            prop::collection::vec("[a-z]{1,4}", 1..4)
        ),
        (
            prop::sample::select(vec![Operator::NumEq, Operator::NumGt]),
            finite_f64().prop_map(|x| vec![x.to_string()])
        ),
        (
            prop::sample::select(vec![Operator::SemverLt, Operator::SemverEq]),
            (0u32..9, 0u32..9, 0u32..9).prop_map(|(a, b, c)| vec![format!("{a}.{b}.{c}")])
        ),
        (
            prop::sample::select(vec![Operator::DateAfter, Operator::DateBefore]),
            Just(vec!["2030-01-01T00:00:00Z".to_string()])
        ),
    ];
    ("[a-zA-Z]{1,10}", op_and_values, any::<bool>()).prop_map(
        |(attribute, (operator, values), inverted)| Constraint {
            attribute,
            operator,
            values,
            inverted,
            case_insensitive: false,
        },
    )
}

fn valid_serve() -> impl Strategy<Value = Serve> {
    prop_oneof![
        prop::sample::select(VARIANTS.to_vec()).prop_map(|v| Serve::Variant { variant: v.into() }),
        (
            prop::sample::subsequence(VARIANTS.to_vec(), 1..=3),
            prop::collection::vec(0u32..1000, 3)
        )
            .prop_filter("a non-empty whole", |(_, w)| w.iter().sum::<u32>() > 0)
            .prop_map(|(vs, ws)| {
                let variants: Vec<Weighted> = vs
                    .iter()
                    .zip(&ws)
                    .map(|(v, w)| Weighted {
                        variant: v.to_string(),
                        weight: *w,
                    })
                    .collect();
                Serve::Split(Split {
                    total: variants.iter().map(|w| w.weight).sum::<u32>().max(1),
                    variants,
                    stickiness: None,
                    group_id: None,
                })
            })
            .prop_filter("weights total the whole", |s| match s {
                Serve::Split(s) => s.variants.iter().map(|w| w.weight).sum::<u32>() == s.total,
                _ => true,
            }),
    ]
}

/// A valid rule, id aside.
fn valid_rule() -> impl Strategy<Value = Rule> {
    (
        prop::collection::vec(valid_constraint(), 0..3),
        prop::sample::subsequence(SEGMENTS.to_vec(), 0..=2),
        prop::option::of((
            0u32..=100,
            prop::sample::select(vec!["userId", "sessionId", "default", "random"]),
        )),
        valid_serve(),
    )
        .prop_map(|(constraints, segments, rollout, serve)| Rule {
            id: String::new(),
            name: "rule".into(),
            constraints,
            segments: segments.into_iter().map(str::to_string).collect(),
            rollout: rollout.map(|(percentage, stickiness)| Rollout {
                percentage,
                stickiness: stickiness.into(),
                group_id: None,
            }),
            serve,
        })
}

/// Any rule: a valid one with some of its parts broken.
fn any_rule() -> impl Strategy<Value = Rule> {
    (
        valid_rule(),
        prop_oneof!["r[a-z0-9]{0,8}", any_text(), "r{65}"],
        prop::option::of(any::<u32>()),
        prop::option::of(any_text()),
        prop::option::of(prop::collection::vec(
            (
                any_text(),
                prop::sample::select(Operator::ALL.to_vec()),
                prop::collection::vec(any_text(), 0..2),
            )
                .prop_map(|(attribute, operator, values)| Constraint {
                    attribute,
                    operator,
                    values,
                    inverted: false,
                    case_insensitive: false,
                }),
            0..3,
        )),
        any::<bool>(),
    )
        .prop_map(
            |(mut rule, id, percentage, variant, constraints, ghost_segment)| {
                rule.id = id;
                if let (Some(p), Some(r)) = (percentage, rule.rollout.as_mut()) {
                    r.percentage = p;
                }
                if let Some(v) = variant {
                    rule.serve = Serve::Variant { variant: v };
                }
                if let Some(c) = constraints {
                    rule.constraints = c;
                }
                if ghost_segment {
                    rule.segments.push("ghost".into());
                }
                rule
            },
        )
}

fn save(rules: Vec<Rule>) -> SaveFlagSettings {
    SaveFlagSettings {
        flag: "f".into(),
        environment: "staging".into(),
        enabled: true,
        off_variant: "a".into(),
        default_variant: "a".into(),
        prerequisites: None,
        rules,
        version: 1,
    }
}

fn errors(settings: &SaveFlagSettings) -> FieldErrors {
    let mut e = FieldErrors::new();
    check_settings(settings, &variants(), &segments(), &mut e);
    e
}

/// The errors under `rules.{index}.`, with that prefix replaced by `rules.#.`.
fn rule_errors(e: &FieldErrors, index: usize) -> Vec<(String, String)> {
    let prefix = format!("rules.{index}.");
    e.0.iter()
        .filter_map(|(f, m)| {
            f.strip_prefix(&prefix)
                .map(|rest| (format!("rules.#.{rest}"), m.clone()))
        })
        .collect()
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn keys_follow_their_grammars(value in key_soup()) {
        prop_assert_eq!(flag_key(&value).is_ok(), re("^[a-z0-9][a-z0-9._-]{0,127}$").is_match(&value));
        prop_assert_eq!(segment_key(&value).is_ok(), re("^[a-z0-9][a-z0-9._-]{0,127}$").is_match(&value));
        prop_assert_eq!(tag(&value).is_ok(), re("^[a-z0-9][a-z0-9._:-]{0,39}$").is_match(&value));
        prop_assert_eq!(variant_key(&value).is_ok(), re("^[A-Za-z0-9._-]{1,64}$").is_match(&value));
    }

    /// `sum` parts of `total` to a tenth of a percent, rounded half up; any numbers at all.
    #[test]
    fn percentages_read_well(sum in prop_oneof![0u64..2_000_000, any::<u64>()], total in prop_oneof![1u32..=1_000_000, any::<u32>()]) {
        let text = percent(sum, total);
        let total = total.max(1) as u128;
        let tenths = (sum as u128 * 1000 * 2 + total) / (total * 2);
        let expected = if tenths.is_multiple_of(10) {
            format!("{}%", tenths / 10)
        } else {
            format!("{}.{}%", tenths / 10, tenths % 10)
        };
        prop_assert_eq!(text, expected);
    }

    #[test]
    fn valid_settings_pass(rules in prop::collection::vec(valid_rule(), 0..5)) {
        let rules: Vec<Rule> = rules.into_iter().enumerate().map(|(i, r)| Rule { id: format!("l{i}"), ..r }).collect();
        let e = errors(&save(rules));
        prop_assert!(e.is_empty(), "{}", e);
    }

    /// A rule's problems do not depend on the rules around it: placed anywhere among valid
    /// rules, it gets the same messages under its own index, and the others get none.
    #[test]
    fn a_rule_is_judged_the_same_anywhere(
        others in prop::collection::vec(valid_rule(), 0..4),
        rule in any_rule(),
        at in any::<prop::sample::Index>(),
    ) {
        let others: Vec<Rule> = others.into_iter().enumerate().map(|(i, r)| Rule { id: format!("l{i}"), ..r }).collect();
        prop_assume!(!others.iter().any(|o| o.id == rule.id));
        let alone = errors(&save(vec![rule.clone()]));
        let index = at.index(others.len() + 1);
        let mut rules = others;
        rules.insert(index, rule);
        let among = errors(&save(rules));
        prop_assert_eq!(rule_errors(&among, index), rule_errors(&alone, 0));
        let elsewhere: Vec<&String> = among.0.keys().filter(|f| !f.starts_with(&format!("rules.{index}."))).collect();
        prop_assert!(elsewhere.is_empty(), "{:?}", elsewhere);
    }

    /// The structural check the server runs first never contradicts the full one: what it
    /// refuses, the full check refuses at the same field.
    #[test]
    fn structure_is_part_of_the_full_check(rules in prop::collection::vec(any_rule(), 0..3)) {
        let settings = save(rules);
        let full = errors(&settings);
        if let Err(structural) = settings.validate() {
            for field in structural.0.keys() {
                prop_assert!(full.get(field).is_some(), "{} only in the structural check", field);
            }
        }
    }

    #[test]
    fn variants_are_reported_by_index(kind in prop::sample::select(FlagKind::ALL.to_vec()), vs in prop::collection::vec((key_soup(), any_json(2), any_text()), 0..4)) {
        let variants: Vec<Variant> = vs.into_iter().map(|(key, value, description)| Variant { key, value, description }).collect();
        let mut e = FieldErrors::new();
        check_variants(kind, &variants, &mut e);
        for field in e.0.keys() {
            let ok = field == "variants"
                || (0..variants.len()).any(|i| {
                    ["key", "value", "description"].iter().any(|p| *field == format!("variants.{i}.{p}"))
                });
            prop_assert!(ok, "unexpected field {}", field);
        }
        if kind != FlagKind::Boolean {
            for (i, v) in variants.iter().enumerate() {
                prop_assert_eq!(e.get(&format!("variants.{i}.value")).is_some(),
                    !kind.accepts(&v.value) || v.value.to_string().len() > VARIANT_VALUE_MAX_BYTES);
            }
        }
    }
}

/// `sum * 1000` overflowed u64 for sums past about 1.8e16 (a panic in debug builds).
#[test]
fn huge_sums_do_not_overflow() {
    assert_eq!(percent(u64::MAX, 1), format!("{}%", u64::MAX as u128 * 100));
    assert_eq!(percent(18_446_744_073_709_165, 773_232), "2385667441816.8%");
}
