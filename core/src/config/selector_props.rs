//! Label selectors: Display and parse are inverses, matching follows the Kubernetes rules
//! (written out here as a table), percentages pick their share of instances, nothing panics.

use super::*;
use crate::test_props::{any_text, config};
use proptest::prelude::*;

fn key() -> impl Strategy<Value = String> {
    "[a-z0-9][a-z0-9._/-]{0,20}"
}

fn value() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9._/:-]{1,12}"
}

fn values() -> impl Strategy<Value = Vec<String>> {
    prop::collection::btree_set(value(), 1..5).prop_map(|s| s.into_iter().collect())
}

fn requirement() -> impl Strategy<Value = Requirement> {
    prop_oneof![
        (key(), value()).prop_map(|(key, value)| Requirement::Equals { key, value }),
        (key(), value()).prop_map(|(key, value)| Requirement::NotEquals { key, value }),
        (key(), values()).prop_map(|(key, values)| Requirement::In { key, values }),
        (key(), values()).prop_map(|(key, values)| Requirement::NotIn { key, values }),
        key().prop_map(|key| Requirement::Exists { key }),
        key().prop_map(|key| Requirement::NotExists { key }),
    ]
}

fn selector() -> impl Strategy<Value = Selector> {
    prop::collection::vec(requirement(), 1..=REQUIREMENTS_MAX)
        .prop_map(|requirements| Selector { requirements })
}

/// Text made of the selector alphabet, so the parser's error paths are reached often.
fn selector_soup() -> impl Strategy<Value = String> {
    "[a-c=!,() ]{0,12}(in|notin)?[a-c=!,() ]{0,12}"
}

/// Labels drawn from a small pool, so requirements often find (and often miss) their label.
fn labels() -> impl Strategy<Value = BTreeMap<String, String>> {
    prop::collection::btree_map("[ab]", "[xy]", 0..3)
}

fn small_requirement() -> impl Strategy<Value = Requirement> {
    let vals = prop::collection::btree_set("[xyz]", 1..3).prop_map(|s| s.into_iter().collect());
    prop_oneof![
        ("[ab]", "[xyz]").prop_map(|(key, value)| Requirement::Equals { key, value }),
        ("[ab]", "[xyz]").prop_map(|(key, value)| Requirement::NotEquals { key, value }),
        ("[ab]", vals.clone()).prop_map(|(key, values)| Requirement::In { key, values }),
        ("[ab]", vals).prop_map(|(key, values)| Requirement::NotIn { key, values }),
        "[ab]".prop_map(|key| Requirement::Exists { key }),
        "[ab]".prop_map(|key| Requirement::NotExists { key }),
    ]
}

/// Kubernetes' semantics, one row per operator: (label present?, value in the requirement's
/// set?) decides. An absent label satisfies only !=, notin and !key.
fn expected(r: &Requirement, labels: &BTreeMap<String, String>) -> bool {
    let label = labels.get(r.key());
    let (set, kind): (Vec<&String>, &str) = match r {
        Requirement::Equals { value, .. } => (vec![value], "in"),
        Requirement::NotEquals { value, .. } => (vec![value], "notin"),
        Requirement::In { values, .. } => (values.iter().collect(), "in"),
        Requirement::NotIn { values, .. } => (values.iter().collect(), "notin"),
        Requirement::Exists { .. } => (vec![], "exists"),
        Requirement::NotExists { .. } => (vec![], "!exists"),
    };
    match (kind, label) {
        ("in", Some(l)) => set.contains(&l),
        ("in", None) => false,
        ("notin", Some(l)) => !set.contains(&l),
        ("notin", None) => true,
        ("exists", l) => l.is_some(),
        (_, l) => l.is_none(),
    }
}

/// `host in(v1,v2,…)` written without the space Display puts after `in`, `length` characters
/// long: text as a user may type it at the very limit.
fn tight_list(length: usize) -> String {
    let mut text = String::from("host in(");
    let mut i = 0;
    // Long values keep the list under the 100-value limit.
    while text.len() + 43 < length {
        text.push_str(&format!("v{i:039},"));
        i += 1;
    }
    let last = length - text.len() - 1;
    text.push_str(&"z".repeat(last));
    text.push(')');
    text
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn parse_never_panics(text in prop_oneof![any_text(), selector_soup()]) {
        if let Ok(s) = Selector::parse(&text) {
            prop_assert!(s.check().is_ok(), "{:?} parses but fails check", text);
        }
    }

    /// Lists come back sorted without repeats (as generated here), so a selector survives
    /// Display then parse unchanged.
    #[test]
    fn display_then_parse_is_the_identity(s in selector()) {
        prop_assert!(s.check().is_ok());
        let text = s.to_string();
        prop_assume!(text.chars().count() <= SELECTOR_MAX);
        prop_assert_eq!(Selector::parse(&text), Ok(s));
    }

    /// Whatever parses, its Display parses back to the same selector: the text stored for a
    /// gray release can always be read back.
    #[test]
    fn parsed_selectors_round_trip(text in prop_oneof![
        selector().prop_map(|s| s.to_string().replace(" in (", " in(").replace(",", " , ")),
        selector_soup(),
    ]) {
        if let Ok(s) = Selector::parse(&text) {
            prop_assert_eq!(Selector::parse(&s.to_string()), Ok(s));
        }
    }

    #[test]
    fn matching_follows_kubernetes(rs in prop::collection::vec(small_requirement(), 1..4), labels in labels()) {
        for r in &rs {
            prop_assert_eq!(r.matches(&labels), expected(r, &labels), "{} on {:?}", r, labels);
        }
        let all = Selector { requirements: rs.clone() };
        prop_assert_eq!(all.matches(&labels), rs.iter().all(|r| expected(r, &labels)));
        // Through text as well: commas mean AND.
        let parsed = Selector::parse(&all.to_string()).unwrap();
        prop_assert_eq!(parsed.matches(&labels), all.matches(&labels));
    }

}

proptest! {
    #![proptest_config(config(64))]

    /// p% of instance ids, within five standard deviations; raising p only adds instances.
    #[test]
    fn percentages_pick_their_share(p in 0u32..=100, q in 0u32..=100, seed in any::<u64>(), group in "[a-z]{1,8}") {
        const N: usize = 2000;
        let none = BTreeMap::new();
        let ids: Vec<String> = (0..N).map(|i| format!("{seed:x}-{i}")).collect();
        let target = GrayTarget::Percentage { percent: p };
        let picked = ids.iter().filter(|id| target.matches(&group, id, &none)).count();
        let share = p as f64 / 100.0;
        let sigma = (share * (1.0 - share) / N as f64).sqrt();
        prop_assert!((picked as f64 / N as f64 - share).abs() <= 5.0 * sigma + 1e-9,
            "{} of {} at {}%", picked, N, p);
        let wider = GrayTarget::Percentage { percent: p.max(q) };
        for id in &ids {
            if target.matches(&group, id, &none) {
                prop_assert!(wider.matches(&group, id, &none));
            }
        }
    }
}

/// Display put a space after `in` that the 1000 characters allowed did not count, so a
/// selector typed at the limit was stored as text that could not be read back.
#[test]
fn a_selector_at_the_limit_reads_back() {
    let text = tight_list(SELECTOR_MAX);
    assert_eq!(text.chars().count(), SELECTOR_MAX);
    match Selector::parse(&text) {
        Ok(s) => assert_eq!(Selector::parse(&s.to_string()), Ok(s)),
        Err(e) => assert!(
            e.starts_with(&format!("Use at most {SELECTOR_MAX} characters")),
            "{e}"
        ),
    }
    let gray = GrayTarget::Labels {
        selector: Selector::parse(&tight_list(SELECTOR_MAX - 30)).unwrap(),
    };
    let stored = serde_json::to_string(&gray).unwrap();
    assert_eq!(serde_json::from_str::<GrayTarget>(&stored).unwrap(), gray);
}
