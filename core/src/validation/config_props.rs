//! Config input rules: an entry is judged the same alone or inside a namespace (its problems
//! move under its index), integer bounds compare exactly, allowed values compare by meaning,
//! and nothing panics.

use super::*;
use crate::config::{EntryConstraints, ValueType};
use crate::test_props::{any_json, any_text, config, finite_f64};
use proptest::prelude::*;

fn any_type() -> impl Strategy<Value = ValueType> {
    prop::sample::select(ValueType::ALL.to_vec())
}

fn bound() -> impl Strategy<Value = f64> {
    prop_oneof![
        finite_f64(),
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(9.3e18),
        Just(-9.3e18),
        (-100i64..100).prop_map(|n| n as f64),
    ]
}

fn constraints() -> impl Strategy<Value = EntryConstraints> {
    (
        prop::option::of(bound()),
        prop::option::of(bound()),
        prop::option::of(prop_oneof![
            Just("^[a-z]+$".to_string()),
            Just("(ab".to_string()),
            Just(String::new()),
            any_text()
        ]),
        prop::option::of(0u32..20),
        prop::collection::vec(
            prop_oneof!["[0-9]{1,3}(ms|s)?".prop_map(String::from), any_text()],
            0..3,
        ),
        prop::option::of(any_json(3)),
    )
        .prop_map(
            |(min, max, pattern, max_length, allowed, schema)| EntryConstraints {
                min,
                max,
                pattern,
                max_length,
                allowed,
                schema,
            },
        )
}

fn entry() -> impl Strategy<Value = Entry> {
    (
        prop_oneof!["[A-Za-z0-9][A-Za-z0-9._-]{0,10}", any_text()],
        any_type(),
        prop_oneof![
            any_text(),
            "-?[0-9]{1,20}",
            "[0-9]{1,4}(ms|s|m)",
            any_json(2).prop_map(|v| v.to_string())
        ],
        prop_oneof![Just(String::new()), any_text()],
        prop_oneof![Just(EntryConstraints::default()), constraints()],
    )
        .prop_map(|(key, value_type, value, description, constraints)| Entry {
            key,
            value_type,
            value,
            description,
            constraints,
            secret: false,
        })
}

fn errors_at(entry: &Entry, prefix: &str) -> FieldErrors {
    let mut e = FieldErrors::new();
    check_entry(entry, &mut e, prefix);
    e
}

proptest! {
    #![proptest_config(config(256))]

    /// The same problems, by the same names, whatever the prefix.
    #[test]
    fn an_entry_is_judged_the_same_under_any_prefix(entry in entry(), i in 0usize..1000) {
        let bare = errors_at(&entry, "");
        let prefix = format!("entries.{i}");
        let prefixed: Vec<(String, String)> = errors_at(&entry, &prefix)
            .0
            .into_iter()
            .map(|(f, m)| (f.strip_prefix(&format!("{prefix}.")).unwrap().to_string(), m))
            .collect();
        prop_assert_eq!(prefixed, bare.0.into_iter().collect::<Vec<_>>());
    }

    /// Inside a namespace, each entry's problems are the ones it has alone; the namespace adds
    /// only key clashes, and only for keys that clash.
    #[test]
    fn entries_are_judged_alone_in_a_namespace(entries in prop::collection::vec(entry(), 0..5)) {
        let mut all = FieldErrors::new();
        check_entries(&entries, &mut all);
        for (i, entry) in entries.iter().enumerate() {
            let prefix = format!("entries.{i}");
            let alone = errors_at(entry, &prefix);
            let clashes = entries[..i].iter().any(|e| e.key.eq_ignore_ascii_case(&entry.key));
            for (field, message) in &alone.0 {
                prop_assert_eq!(all.get(field), Some(message.as_str()));
            }
            let key = format!("{prefix}.key");
            prop_assert_eq!(all.get(&key).is_some(), alone.get(&key).is_some() || clashes);
            let extra = all.0.keys().filter(|f| f.starts_with(&format!("{prefix}.")) && *f != &key && alone.get(f).is_none()).count();
            prop_assert_eq!(extra, 0);
        }
    }

    /// An integer against whole-number bounds: compared exactly, as whole numbers (an i64 and a
    /// double both fit in an i128).
    #[test]
    fn integer_bounds_are_exact(n in prop_oneof![any::<i64>(), Just(i64::MAX), Just(i64::MIN)], min in prop::option::of(-2e19f64..2e19), max in prop::option::of(-2e19f64..2e19)) {
        let (min, max) = (min.map(f64::trunc), max.map(f64::trunc));
        let entry = Entry {
            key: "k".into(),
            value_type: ValueType::Integer,
            value: n.to_string(),
            description: String::new(),
            constraints: EntryConstraints { min, max, ..Default::default() },
            secret: false,
        };
        let e = errors_at(&entry, "");
        prop_assume!(e.get("constraints.max").is_none());
        let inside = min.is_none_or(|m| n as i128 >= m as i128) && max.is_none_or(|m| n as i128 <= m as i128);
        prop_assert_eq!(e.get("value").is_none(), inside, "{} in [{:?}, {:?}]: {}", n, min, max, e);
    }

    /// Allowed durations match however either side is spelled (`90s` allows `1m30s`).
    #[test]
    fn allowed_values_compare_by_meaning(ms in 0u64..10_000_000, other in 0u64..10_000_000) {
        let entry = |value: String, allowed: Vec<String>| Entry {
            key: "k".into(),
            value_type: ValueType::Duration,
            value,
            description: String::new(),
            constraints: EntryConstraints { allowed, ..Default::default() },
            secret: false,
        };
        let spelled = crate::config::duration::format(ms);
        let e = errors_at(&entry(format!("{ms}ms"), vec![spelled.clone()]), "");
        prop_assert!(e.is_empty(), "{}", e);
        let e = errors_at(&entry(format!("{other}ms"), vec![spelled]), "");
        prop_assert_eq!(e.get("value").is_none(), other == ms);
    }
}
