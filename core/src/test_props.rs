//! Shared pieces for the property tests (`*_props.rs` next to each module).

use proptest::prelude::*;
use proptest::test_runner::Config;
use serde_json::{Map, Number, Value};

/// `cases` random cases per property, without writing regression files into the source tree: a
/// failure worth keeping becomes a plain unit test beside the property.
pub fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

/// Any text: arbitrary Unicode, mostly short, sometimes long.
pub fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => ".{0,40}",
        1 => ".{0,400}",
        1 => "[ -~]{0,60}",
    ]
}

/// Any finite double (JSON has no NaN or infinities).
pub fn finite_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>().prop_filter("finite", |x| x.is_finite()),
        (-1e6f64..1e6),
        (-1000i64..1000).prop_map(|n| n as f64),
    ]
}

/// Any JSON scalar.
pub fn json_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        finite_f64().prop_map(|x| Number::from_f64(x).map_or(Value::Null, Value::Number)),
        ".{0,12}".prop_map(Value::String),
    ]
}

/// Any JSON document nested at most `depth` levels.
pub fn any_json(depth: u32) -> impl Strategy<Value = Value> {
    json_leaf().prop_recursive(depth, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(("[a-z]{0,6}|.{0,6}", inner), 0..6)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}
