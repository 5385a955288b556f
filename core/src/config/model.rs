//! A configuration entry as stored and edited.
//!
//! Values are stored as text in their canonical spelling (see [`ValueType::canonical`]) so that
//! releases and diffs compare like with like; apps receive [`Entry::typed_value`], real JSON.

use super::duration;
use serde::{Deserialize, Serialize};
use serde_json::{Number, Value};
use std::num::IntErrorKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ValueType {
    String,
    /// A signed 64-bit whole number.
    Integer,
    /// A finite double; NaN and infinities have no JSON spelling.
    Float,
    Boolean,
    /// Written like `1h30m`; delivered to apps as whole milliseconds.
    Duration,
    /// Any JSON document, checked against the entry's schema if it has one.
    Json,
}

impl ValueType {
    pub const ALL: [ValueType; 6] = [
        ValueType::String,
        ValueType::Integer,
        ValueType::Float,
        ValueType::Boolean,
        ValueType::Duration,
        ValueType::Json,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ValueType::String => "string",
            ValueType::Integer => "integer",
            ValueType::Float => "float",
            ValueType::Boolean => "boolean",
            ValueType::Duration => "duration",
            ValueType::Json => "json",
        }
    }

    pub fn parse(s: &str) -> Option<ValueType> {
        ValueType::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// Types that can have a minimum and maximum.
    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            ValueType::Integer | ValueType::Float | ValueType::Duration
        )
    }

    /// The JSON apps receive for `text`, or what is wrong with it for the person who typed it.
    /// Surrounding spaces are ignored except in strings, where they may be meant.
    pub fn typed(self, text: &str) -> Result<Value, String> {
        let t = text.trim();
        match self {
            ValueType::String => Ok(Value::String(text.to_owned())),
            ValueType::Integer => t
                .parse::<i64>()
                .map(Value::from)
                .map_err(|e| match e.kind() {
                    IntErrorKind::PosOverflow | IntErrorKind::NegOverflow => {
                        format!("Use a whole number between {} and {}", i64::MIN, i64::MAX)
                    }
                    _ => "Enter a whole number, like 42".into(),
                }),
            ValueType::Float => {
                let x: f64 = t
                    .parse()
                    .map_err(|_| "Enter a number, like 0.5 or 1e-3".to_string())?;
                // Rust also reads `inf` and `NaN`; JSON cannot carry them.
                if x.is_finite() {
                    Ok(Number::from_f64(x).map_or(Value::Null, Value::Number))
                } else if x.is_nan() || t.to_ascii_lowercase().contains("inf") {
                    Err("Enter a finite number, like 0.5".into())
                } else {
                    Err("This number is too large".into())
                }
            }
            ValueType::Boolean => match t {
                "true" => Ok(Value::Bool(true)),
                "false" => Ok(Value::Bool(false)),
                _ => Err("Enter true or false, in lowercase".into()),
            },
            ValueType::Duration => duration::parse(t).map(Value::from),
            ValueType::Json => serde_json::from_str::<Value>(text)
                .map(sort_keys)
                .map_err(|e| format!("Enter valid JSON: {e}")),
        }
    }

    /// The spelling stored for `text`: `+7` is `7`, `90s` is `1m30s`, `1` as a float is `1.0`,
    /// JSON is compact with object keys sorted.
    pub fn canonical(self, text: &str) -> Result<String, String> {
        self.typed(text).map(|v| self.render(&v))
    }

    /// The canonical text of a value produced by [`ValueType::typed`].
    pub fn render(self, typed: &Value) -> String {
        match (self, typed) {
            (ValueType::String, Value::String(s)) => s.clone(),
            (ValueType::Duration, Value::Number(n)) => {
                n.as_u64().map_or_else(|| n.to_string(), duration::format)
            }
            _ => typed.to_string(),
        }
    }

    /// A minimum or maximum as people read it: `30s` for durations, `100` rather than `100.0`.
    pub fn format_bound(self, bound: f64) -> String {
        let whole = bound.fract() == 0.0 && bound.abs() < 1e15;
        if self == ValueType::Duration && whole && bound >= 0.0 {
            duration::format(bound as u64)
        } else if whole {
            format!("{}", bound as i64)
        } else {
            Number::from_f64(bound).map_or_else(|| bound.to_string(), |n| n.to_string())
        }
    }

    /// Reads a minimum or maximum typed in a form: a number, or for durations `30s` and the like
    /// (held as milliseconds). Integers beyond 2^53 lose precision, as bounds are doubles.
    pub fn parse_bound(self, text: &str) -> Result<f64, String> {
        match self {
            ValueType::Integer | ValueType::Float => match self.typed(text)? {
                Value::Number(n) => n.as_f64().ok_or_else(|| "Enter a number".to_string()),
                _ => Err("Enter a number".into()),
            },
            ValueType::Duration => duration::parse(text).map(|ms| ms as f64),
            _ => Err("Only numbers and durations have limits".into()),
        }
    }
}

/// Optional rules an entry's value must follow. Which ones apply depends on the type; the
/// validation layer refuses the ones that do not.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EntryConstraints {
    /// Inclusive lower bound for integers and floats; for durations, in milliseconds so one
    /// numeric field serves every numeric type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Inclusive upper bound, in the same unit as `min`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Strings only. Searched anywhere in the value, as in JSON Schema; anchor with `^…$` to
    /// match the whole value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// Strings only, in characters (not bytes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    /// When not empty, the value must be one of these, compared on canonical text (so `90s`
    /// allows `1m30s`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed: Vec<String>,
    /// JSON entries only: a JSON Schema (the subset in [`crate::config::schema`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<Value>,
}

impl EntryConstraints {
    pub fn is_empty(&self) -> bool {
        *self == EntryConstraints::default()
    }
}

/// One key of a namespace in one environment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Entry {
    pub key: String,
    pub value_type: ValueType,
    /// As typed in the form; stored in canonical spelling.
    pub value: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub constraints: EntryConstraints,
    /// Sealed at rest, never shown (people see [`SECRET_MASK`] and a fingerprint) and delivered
    /// only to SDK keys allowed to read secrets.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub secret: bool,
}

/// What the dashboard, the API, diffs and the audit trail show instead of a secret's value.
/// Sending a secret entry back with its masked value unchanged keeps the stored value.
pub const SECRET_MASK: &str = "\u{2022}\u{2022}\u{2022}\u{2022}\u{2022}\u{2022}\u{2022}\u{2022}";

/// Is `value` a secret's mask (as shown) rather than a value someone typed?
pub fn is_masked(value: &str) -> bool {
    value.starts_with(SECRET_MASK)
}

impl Entry {
    /// The JSON delivered to apps. Durations are whole milliseconds.
    pub fn typed_value(&self) -> Result<Value, String> {
        self.value_type.typed(&self.value)
    }

    /// The text to store for this entry's value.
    pub fn canonical_value(&self) -> Result<String, String> {
        self.value_type.canonical(&self.value)
    }

    /// Do both deliver the same value? Spelling does not count (`90s` and `1m30s`, JSON
    /// whitespace); the type does.
    pub fn same_value(&self, other: &Entry) -> bool {
        self.value_type == other.value_type
            && (self.value == other.value
                || matches!(
                    (self.canonical_value(), other.canonical_value()),
                    (Ok(a), Ok(b)) if a == b
                ))
    }
}

/// Objects with keys in order, whether or not serde_json preserves insertion order (a feature
/// another crate could switch on for one build and not the other).
fn sort_keys(v: Value) -> Value {
    match v {
        Value::Object(map) => {
            let mut pairs: Vec<(String, Value)> = map.into_iter().collect();
            pairs.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(pairs.into_iter().map(|(k, v)| (k, sort_keys(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sort_keys).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn typed(t: ValueType, text: &str) -> Result<Value, String> {
        t.typed(text)
    }

    #[test]
    fn type_names_round_trip() {
        for t in ValueType::ALL {
            assert_eq!(ValueType::parse(t.as_str()), Some(t));
            assert_eq!(serde_json::to_value(t).unwrap(), json!(t.as_str()));
        }
        assert_eq!(ValueType::parse("number"), None);
    }

    #[test]
    fn strings_are_kept_as_typed() {
        assert_eq!(typed(ValueType::String, " a b "), Ok(json!(" a b ")));
        assert_eq!(typed(ValueType::String, ""), Ok(json!("")));
        assert_eq!(ValueType::String.canonical(" x\n").unwrap(), " x\n");
    }

    #[test]
    fn integers() {
        assert_eq!(typed(ValueType::Integer, "42"), Ok(json!(42)));
        assert_eq!(typed(ValueType::Integer, " -7 "), Ok(json!(-7)));
        assert_eq!(ValueType::Integer.canonical("+007").unwrap(), "7");
        assert_eq!(
            typed(ValueType::Integer, "9223372036854775807"),
            Ok(json!(i64::MAX))
        );
        let overflow = typed(ValueType::Integer, "9223372036854775808").unwrap_err();
        assert!(
            overflow.starts_with("Use a whole number between"),
            "{overflow}"
        );
        assert!(typed(ValueType::Integer, "-9223372036854775809").is_err());
        for bad in ["1.5", "1e3", "", "forty", "0x10", "1_000"] {
            assert_eq!(
                typed(ValueType::Integer, bad).unwrap_err(),
                "Enter a whole number, like 42",
                "{bad:?}"
            );
        }
    }

    #[test]
    fn floats() {
        assert_eq!(typed(ValueType::Float, "0.5"), Ok(json!(0.5)));
        assert_eq!(typed(ValueType::Float, "1e-3"), Ok(json!(0.001)));
        assert_eq!(ValueType::Float.canonical("1").unwrap(), "1.0");
        assert_eq!(ValueType::Float.canonical("1e300").unwrap(), "1e+300");
        for bad in ["NaN", "inf", "-Infinity"] {
            assert_eq!(
                typed(ValueType::Float, bad).unwrap_err(),
                "Enter a finite number, like 0.5",
                "{bad}"
            );
        }
        assert_eq!(
            typed(ValueType::Float, "1e400").unwrap_err(),
            "This number is too large"
        );
        assert!(typed(ValueType::Float, "one").is_err());
    }

    #[test]
    fn booleans_are_lowercase_words_only() {
        assert_eq!(typed(ValueType::Boolean, "true"), Ok(json!(true)));
        assert_eq!(typed(ValueType::Boolean, " false "), Ok(json!(false)));
        for bad in ["True", "TRUE", "1", "yes", ""] {
            assert_eq!(
                typed(ValueType::Boolean, bad).unwrap_err(),
                "Enter true or false, in lowercase"
            );
        }
    }

    #[test]
    fn durations_are_delivered_as_milliseconds() {
        assert_eq!(typed(ValueType::Duration, "1h30m"), Ok(json!(5_400_000)));
        assert_eq!(ValueType::Duration.canonical("90s").unwrap(), "1m30s");
        assert!(typed(ValueType::Duration, "-1s").is_err());
    }

    #[test]
    fn json_is_canonical_compact_and_sorted() {
        assert_eq!(
            ValueType::Json
                .canonical("{ \"b\": 1,\n \"a\": [true, null, {\"z\": 1, \"y\": 2}] }")
                .unwrap(),
            r#"{"a":[true,null,{"y":2,"z":1}],"b":1}"#
        );
        assert_eq!(typed(ValueType::Json, "3"), Ok(json!(3)));
        let err = typed(ValueType::Json, "{\"a\":").unwrap_err();
        assert!(err.starts_with("Enter valid JSON: "), "{err}");
    }

    #[test]
    fn bounds_read_and_print_per_type() {
        assert_eq!(ValueType::Duration.format_bound(30_000.0), "30s");
        assert_eq!(ValueType::Integer.format_bound(100.0), "100");
        assert_eq!(ValueType::Float.format_bound(0.25), "0.25");
        assert_eq!(ValueType::Duration.parse_bound("5m"), Ok(300_000.0));
        assert_eq!(ValueType::Float.parse_bound("2.5"), Ok(2.5));
        assert!(ValueType::String.parse_bound("1").is_err());
    }

    #[test]
    fn entries_compare_values_by_meaning() {
        let entry = |t, v: &str| Entry {
            key: "k".into(),
            value_type: t,
            value: v.into(),
            description: String::new(),
            constraints: EntryConstraints::default(),
            secret: false,
        };
        assert!(entry(ValueType::Duration, "90s").same_value(&entry(ValueType::Duration, "1m30s")));
        assert!(
            entry(ValueType::Json, "{\"a\": 1}").same_value(&entry(ValueType::Json, "{\"a\":1}"))
        );
        assert!(!entry(ValueType::String, "1").same_value(&entry(ValueType::Integer, "1")));
        assert!(!entry(ValueType::Integer, "1").same_value(&entry(ValueType::Integer, "2")));
        assert_eq!(
            entry(ValueType::Duration, "2s").typed_value(),
            Ok(json!(2000))
        );
    }

    #[test]
    fn serde_shape_is_snake_case_and_sparse() {
        let e = Entry {
            key: "timeout".into(),
            value_type: ValueType::Duration,
            value: "30s".into(),
            description: String::new(),
            constraints: EntryConstraints {
                max: Some(60_000.0),
                ..Default::default()
            },
            secret: false,
        };
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(
            v,
            json!({"key": "timeout", "value_type": "duration", "value": "30s",
                   "description": "", "constraints": {"max": 60000.0}})
        );
        let back: Entry =
            serde_json::from_value(json!({"key": "a", "value_type": "json", "value": "{}"}))
                .unwrap();
        assert!(back.constraints.is_empty());
    }
}

#[cfg(test)]
#[path = "model_props.rs"]
mod props;
