//! Value typing: `canonical` is a fixed point (storing a value twice stores the same text) and
//! keeps its meaning, `typed` reads every spelling of a type's values, and neither panics.

use super::*;
use crate::test_props::{any_json, any_text, config, finite_f64};
use proptest::prelude::*;
use serde_json::json;

fn any_type() -> impl Strategy<Value = ValueType> {
    prop::sample::select(ValueType::ALL.to_vec())
}

/// Text that is often a valid spelling of `ty`, sometimes not.
fn text_for(ty: ValueType) -> BoxedStrategy<String> {
    let specific = match ty {
        ValueType::String => any_text().boxed(),
        ValueType::Integer => (any::<i64>(), 0..4usize)
            .prop_map(|(n, style)| match style {
                0 => n.to_string(),
                1 => format!("  {n} "),
                2 if n >= 0 => format!("+{n}"),
                _ => format!("{}000{}", if n < 0 { "-" } else { "" }, n.unsigned_abs()),
            })
            .boxed(),
        ValueType::Float => (finite_f64(), 0..3usize)
            .prop_map(|(x, style)| match style {
                0 => format!("{x}"),
                1 => format!("{x:e}"),
                _ => format!(" {x:?}  "),
            })
            .boxed(),
        ValueType::Boolean => {
            prop_oneof![Just("true".to_string()), Just(" false ".to_string())].boxed()
        }
        ValueType::Duration => (0u64..=crate::config::duration::DURATION_MAX_MS)
            .prop_map(|ms| format!("{}ms", ms))
            .boxed(),
        ValueType::Json => (any_json(4), any::<bool>())
            .prop_map(|(v, pretty)| {
                if pretty {
                    serde_json::to_string_pretty(&v).unwrap()
                } else {
                    v.to_string()
                }
            })
            .boxed(),
    };
    prop_oneof![4 => specific, 1 => any_text()].boxed()
}

fn typed_text() -> impl Strategy<Value = (ValueType, String)> {
    any_type().prop_flat_map(|ty| (Just(ty), text_for(ty)))
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn typing_never_panics(ty in any_type(), text in any_text()) {
        let _ = ty.typed(&text);
        let _ = ty.canonical(&text);
        let _ = ty.parse_bound(&text);
    }

    #[test]
    fn canonical_is_a_fixed_point_with_the_same_meaning((ty, text) in typed_text()) {
        if let Ok(once) = ty.canonical(&text) {
            let twice = ty.canonical(&once);
            prop_assert_eq!(twice.as_ref(), Ok(&once), "{:?} {:?}", ty, text);
            prop_assert_eq!(ty.typed(&once), ty.typed(&text), "{:?} {:?}", ty, text);
        }
    }

    /// A signed 64-bit whole number, however it is spelled; one past either end is refused.
    #[test]
    fn integers_are_exactly_i64(n in any::<i64>(), beyond in any::<u64>()) {
        prop_assert_eq!(ValueType::Integer.typed(&n.to_string()), Ok(json!(n)));
        prop_assert_eq!(ValueType::Integer.canonical(&format!(" {n} ")), Ok(n.to_string()));
        let above = i64::MAX as i128 + 1 + beyond as i128;
        let below = i64::MIN as i128 - 1 - beyond as i128;
        prop_assert!(ValueType::Integer.typed(&above.to_string()).is_err());
        prop_assert!(ValueType::Integer.typed(&below.to_string()).is_err());
    }

    /// A finite double is delivered as exactly that double.
    #[test]
    fn floats_keep_their_value(x in finite_f64()) {
        let typed = ValueType::Float.typed(&format!("{x:e}")).unwrap();
        prop_assert_eq!(typed.as_f64(), Some(x));
    }

    /// Durations are delivered as whole milliseconds, whichever spelling was typed.
    #[test]
    fn durations_deliver_milliseconds(ms in 0..=crate::config::duration::DURATION_MAX_MS) {
        let spelled = crate::config::duration::format(ms);
        prop_assert_eq!(ValueType::Duration.typed(&spelled), Ok(json!(ms)));
        prop_assert_eq!(ValueType::Duration.typed(&format!("{ms}ms")), Ok(json!(ms)));
        prop_assert_eq!(ValueType::Duration.canonical(&format!("{ms}ms")), Ok(spelled));
    }

    /// JSON: whitespace and key order do not change the canonical text.
    #[test]
    fn json_canonical_ignores_layout(v in any_json(4)) {
        let compact = ValueType::Json.canonical(&v.to_string()).unwrap();
        let pretty = ValueType::Json.canonical(&serde_json::to_string_pretty(&v).unwrap()).unwrap();
        prop_assert_eq!(&compact, &pretty);
        let reversed = reverse_keys(&v);
        prop_assert_eq!(ValueType::Json.canonical(&reversed.to_string()).unwrap(), compact);
    }

    /// Entries compare by meaning: an entry is the same as its own canonical spelling.
    #[test]
    fn same_value_holds_for_the_canonical_spelling((ty, text) in typed_text()) {
        let entry = |value: String| Entry {
            key: "k".into(),
            value_type: ty,
            value,
            description: String::new(),
            constraints: EntryConstraints::default(),
            secret: false,
        };
        if let Ok(canonical) = ty.canonical(&text) {
            prop_assert!(entry(text.clone()).same_value(&entry(canonical)));
        }
    }
}

/// The same document with every object's keys inserted in reverse order.
fn reverse_keys(v: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::Object(map) => Value::Object(
            map.iter()
                .rev()
                .map(|(k, v)| (k.clone(), reverse_keys(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(reverse_keys).collect()),
        other => other.clone(),
    }
}

/// serde_json's default float parser is not exact: this document's canonical text changed each
/// time it was canonicalized again (`…8103e+252`, then `…81e+252`), so saving an unchanged JSON
/// entry showed a change.
#[test]
fn json_doubles_are_read_exactly() {
    let once = ValueType::Json
        .canonical(r#"{"":-2.6497333948598095e+252}"#)
        .unwrap();
    assert_eq!(ValueType::Json.canonical(&once).unwrap(), once);
}
