//! The JSON Schema subset: a schema accepts values built to satisfy it, refuses a value that
//! breaks one rule (at the place it breaks it), never reports more than it says it will, and
//! neither compiling nor validating panics on any JSON.

use super::*;
use crate::test_props::{any_json, config};
use proptest::prelude::*;
use serde_json::json;

/// (pattern, values that match it, a value that does not)
const PATTERNS: [(&str, &str, &str); 4] = [
    ("^[a-z]+$", "[a-z]{1,8}", "Abc"),
    ("^[A-Z]{3}-[0-9]+$", "[A-Z]{3}-[0-9]{1,4}", "AB-1"),
    ("[0-9]", "[a-z]{0,3}[0-9][a-z]{0,3}", "no digits"),
    ("^(red|green|blue)$", "red|green|blue", "purple"),
];

/// What a generated schema asks for.
#[derive(Debug, Clone)]
enum Shape {
    Str {
        min: u64,
        max: u64,
    },
    Pattern(usize),
    Int {
        min: i64,
        max: i64,
    },
    Num {
        min: f64,
        max: f64,
    },
    Bool,
    Null,
    Enum(Vec<Value>),
    Array(Box<Shape>),
    /// Closed objects: (name, shape, required).
    Object(Vec<(String, Shape, bool)>),
}

fn shape() -> impl Strategy<Value = Shape> {
    let leaf = prop_oneof![
        (0u64..5, 0u64..10).prop_map(|(min, extra)| Shape::Str {
            min,
            max: min + extra
        }),
        (0..PATTERNS.len()).prop_map(Shape::Pattern),
        (-1_000_000_000_000i64..1_000_000_000_000, 0i64..1000).prop_map(|(min, extra)| {
            Shape::Int {
                min,
                max: min + extra,
            }
        }),
        (-1e6f64..1e6, 0f64..1e3).prop_map(|(min, extra)| Shape::Num {
            min,
            max: min + extra
        }),
        Just(Shape::Bool),
        Just(Shape::Null),
        prop::collection::vec(
            prop_oneof![
                (-100i64..100).prop_map(Value::from),
                "[a-z]{0,5}".prop_map(Value::String),
                Just(json!({"a": [1, 2]})),
            ],
            1..4
        )
        .prop_map(Shape::Enum),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(|s| Shape::Array(Box::new(s))),
            prop::collection::btree_map("[a-z]{1,6}", (inner, any::<bool>()), 0..4)
                .prop_map(|m| Shape::Object(m.into_iter().map(|(k, (s, r))| (k, s, r)).collect())),
        ]
    })
}

fn schema_of(shape: &Shape) -> Value {
    match shape {
        Shape::Str { min, max } => json!({"type": "string", "minLength": min, "maxLength": max}),
        Shape::Pattern(i) => json!({"type": "string", "pattern": PATTERNS[*i].0}),
        Shape::Int { min, max } => json!({"type": "integer", "minimum": min, "maximum": max}),
        Shape::Num { min, max } => json!({"type": "number", "minimum": min, "maximum": max}),
        Shape::Bool => json!({"type": "boolean"}),
        Shape::Null => json!({"type": "null"}),
        Shape::Enum(values) => json!({"enum": values}),
        Shape::Array(inner) => json!({"type": "array", "items": schema_of(inner)}),
        Shape::Object(props) => {
            let properties: Map<String, Value> = props
                .iter()
                .map(|(k, s, _)| (k.clone(), schema_of(s)))
                .collect();
            let required: Vec<&String> = props
                .iter()
                .filter(|(_, _, r)| *r)
                .map(|(k, _, _)| k)
                .collect();
            json!({"type": "object", "properties": properties, "required": required,
                   "additionalProperties": false})
        }
    }
}

/// Values the schema must accept.
fn conforming(shape: &Shape) -> BoxedStrategy<Value> {
    match shape.clone() {
        Shape::Str { min, max } => {
            prop::collection::vec(any::<char>(), min as usize..=max as usize)
                .prop_map(|cs| Value::String(cs.into_iter().collect()))
                .boxed()
        }
        Shape::Pattern(i) => PATTERNS[i].1.prop_map(Value::String).boxed(),
        Shape::Int { min, max } => (min..=max, any::<bool>())
            // 2020-12: a number with a zero fraction is an integer.
            .prop_map(|(n, as_float)| if as_float { json!(n as f64) } else { json!(n) })
            .boxed(),
        Shape::Num { min, max } => (min..=max).prop_map(|x| json!(x)).boxed(),
        Shape::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
        Shape::Null => Just(Value::Null).boxed(),
        Shape::Enum(values) => prop::sample::select(values)
            // Enum equality is JSON's: 1 and 1.0 are the same number.
            .prop_map(|v| match v.as_i64() {
                Some(n) if n % 2 == 0 => json!(n as f64),
                _ => v,
            })
            .boxed(),
        Shape::Array(inner) => prop::collection::vec(conforming(&inner), 0..4)
            .prop_map(Value::Array)
            .boxed(),
        Shape::Object(props) => {
            let fields: Vec<BoxedStrategy<Option<(String, Value)>>> = props
                .iter()
                .map(|(k, s, required)| {
                    let k = k.clone();
                    let value = conforming(s).prop_map(move |v| (k.clone(), v));
                    if *required {
                        value.prop_map(Some).boxed()
                    } else {
                        prop::option::of(value).boxed()
                    }
                })
                .collect();
            fields
                .prop_map(|fs| Value::Object(fs.into_iter().flatten().collect()))
                .boxed()
        }
    }
}

/// A value that breaks exactly one rule of the schema, and the JSON Pointer of the place.
fn violating(shape: &Shape) -> BoxedStrategy<(Value, String)> {
    let at_root = |v: Value| (v, String::new());
    let wrong_type = Just(at_root(json!({"wrong": "type"})));
    match shape.clone() {
        Shape::Str { min, max } => {
            let longer = Just(at_root(Value::String("x".repeat(max as usize + 1))));
            if min > 0 {
                let shorter = Just(at_root(Value::String("x".repeat(min as usize - 1))));
                prop_oneof![longer, shorter, wrong_type].boxed()
            } else {
                prop_oneof![longer, wrong_type].boxed()
            }
        }
        Shape::Pattern(i) => {
            prop_oneof![Just(at_root(json!(PATTERNS[i].2))), Just(at_root(json!(7)))].boxed()
        }
        Shape::Int { min, max } => prop_oneof![
            Just(at_root(json!(min - 1))),
            Just(at_root(json!(max + 1))),
            Just(at_root(json!(min as f64 + 0.5))),
            wrong_type,
        ]
        .boxed(),
        Shape::Num { min, max } => prop_oneof![
            Just(at_root(json!(min - 1.0))),
            Just(at_root(json!(max + 1.0))),
            Just(at_root(json!("1"))),
        ]
        .boxed(),
        Shape::Bool => Just(at_root(json!("true"))).boxed(),
        Shape::Null => Just(at_root(json!(0))).boxed(),
        Shape::Enum(_) => Just(at_root(json!("not-in-the-list-at-all"))).boxed(),
        Shape::Array(inner) => {
            let element = (
                prop::collection::vec(conforming(&inner), 0..3),
                violating(&inner),
                prop::collection::vec(conforming(&inner), 0..3),
            )
                .prop_map(|(before, (bad, path), after)| {
                    let at = format!("/{}{path}", before.len());
                    let mut items = before;
                    items.push(bad);
                    items.extend(after);
                    (Value::Array(items), at)
                });
            prop_oneof![element, wrong_type].boxed()
        }
        Shape::Object(props) => {
            let all = conforming(&Shape::Object(
                props
                    .iter()
                    .map(|(k, s, _)| (k.clone(), s.clone(), true))
                    .collect(),
            ));
            let extra = all.clone().prop_map(|mut v| {
                v.as_object_mut()
                    .unwrap()
                    .insert("not-declared".into(), json!(1));
                (v, "/not-declared".to_string())
            });
            // Not an object (the shared wrong type is one).
            let not_an_object = Just(at_root(json!(["wrong type"])));
            let mut choices = vec![extra.boxed(), not_an_object.boxed()];
            for (k, s, required) in &props {
                let key = k.clone();
                choices.push(
                    (all.clone(), violating(s))
                        .prop_map(move |(mut v, (bad, path))| {
                            v.as_object_mut().unwrap().insert(key.clone(), bad);
                            (v, format!("/{key}{path}"))
                        })
                        .boxed(),
                );
                if *required {
                    let key = k.clone();
                    choices.push(
                        all.clone()
                            .prop_map(move |mut v| {
                                v.as_object_mut().unwrap().remove(&key);
                                (v, String::new())
                            })
                            .boxed(),
                    );
                }
            }
            prop::strategy::Union::new(choices).boxed()
        }
    }
}

fn shape_and_value() -> impl Strategy<Value = (Shape, Value)> {
    shape().prop_flat_map(|s| {
        let v = conforming(&s);
        (Just(s), v)
    })
}

fn shape_and_violation() -> impl Strategy<Value = (Shape, (Value, String))> {
    shape().prop_flat_map(|s| {
        let v = violating(&s);
        (Just(s), v)
    })
}

/// Objects made of the supported keywords with arbitrary values: closer to a real schema than
/// arbitrary JSON, so the keyword checks are reached.
fn keyword_soup() -> impl Strategy<Value = Value> {
    let keyword = prop::sample::select(vec![
        "type",
        "properties",
        "required",
        "items",
        "additionalProperties",
        "enum",
        "minimum",
        "maximum",
        "minLength",
        "maxLength",
        "pattern",
        "title",
        "oneOf",
    ]);
    let leaf = prop::collection::vec((keyword.clone(), any_json(2)), 0..5)
        .prop_map(|kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect()));
    leaf.prop_recursive(4, 32, 4, move |inner| {
        prop::collection::vec((keyword.clone(), inner), 0..4)
            .prop_map(|kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect()))
    })
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn compiling_and_validating_never_panic(schema in prop_oneof![any_json(5), keyword_soup()], instance in any_json(5)) {
        if let Ok(compiled) = Schema::compile(&schema) {
            let problems = compiled.validate(&instance);
            prop_assert!(problems.len() <= PROBLEMS_MAX);
        }
    }

    #[test]
    fn generated_schemas_compile((shape, value) in shape_and_value()) {
        let schema = Schema::compile(&schema_of(&shape));
        prop_assert!(schema.is_ok(), "{:?}", schema.err());
        let problems = schema.unwrap().validate(&value);
        prop_assert!(problems.is_empty(), "{} refused: {:?}", value, problems);
    }

    #[test]
    fn one_broken_rule_is_refused_where_it_is_broken((shape, (value, path)) in shape_and_violation()) {
        let schema = Schema::compile(&schema_of(&shape)).unwrap();
        let problems = schema.validate(&value);
        prop_assert!(!problems.is_empty(), "{} accepted by {}", value, schema_of(&shape));
        for p in &problems {
            prop_assert_eq!(&p.path, &path, "{:?}", problems);
        }
    }

    /// "At most PROBLEMS_MAX", however the problems arise.
    #[test]
    fn problems_are_capped_for_every_keyword(n in 0usize..400) {
        let names: Vec<String> = (0..n).map(|i| format!("p{i}")).collect();
        let required = Schema::compile(&json!({"required": names})).unwrap();
        prop_assert_eq!(required.validate(&json!({})).len(), n.min(PROBLEMS_MAX));
        let closed = Schema::compile(&json!({"additionalProperties": false})).unwrap();
        let extra: Map<String, Value> = names.iter().map(|k| (k.clone(), json!(1))).collect();
        prop_assert_eq!(closed.validate(&Value::Object(extra)).len(), n.min(PROBLEMS_MAX));
    }
}

/// `required` and closed objects pushed one problem per property past the cap: a schema
/// requiring 300 properties reported 300 problems for `{}`.
#[test]
fn many_missing_properties_stop_at_the_cap() {
    let names: Vec<String> = (0..300).map(|i| format!("p{i}")).collect();
    let schema = Schema::compile(&json!({"required": names})).unwrap();
    assert_eq!(schema.validate(&json!({})).len(), PROBLEMS_MAX);
}
