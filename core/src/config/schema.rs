//! A JSON Schema (draft 2020-12) subset for JSON entries: `type`, `properties`, `required`,
//! `items`, `additionalProperties`, `enum`, `minimum`, `maximum`, `minLength`, `maxLength` and
//! `pattern`.
//!
//! Annotations (`$schema`, `title`, `description`, …) are ignored. Any other keyword is refused
//! when the schema is saved: a `oneOf` or `format` that silently did nothing would let through
//! exactly the values its author meant to stop.

use crate::pattern;
use regex_lite::Regex;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fmt;

/// Deepest nesting of schemas inside schemas. Validation recurses along the schema, so this also
/// bounds the stack a hostile schema can use.
pub const SCHEMA_DEPTH_MAX: usize = 32;

/// Validation stops collecting after this many problems.
pub const PROBLEMS_MAX: usize = 100;

/// Patterns in one schema. Each may compile to up to a MiB (see [`pattern`]), so this bounds what
/// one schema can cost to compile, which happens on every save and publish and, in the browser,
/// on every keystroke.
pub const SCHEMA_PATTERNS_MAX: usize = 64;

/// Pattern text in one schema, all patterns together, in bytes: 16 patterns of the longest kind.
pub const SCHEMA_PATTERN_TEXT_MAX: usize = 16 * 1024;

const ANNOTATIONS: [&str; 10] = [
    "$schema",
    "$id",
    "$comment",
    "title",
    "description",
    "default",
    "examples",
    "deprecated",
    "readOnly",
    "writeOnly",
];

const SUPPORTED: &str = "type, properties, required, items, additionalProperties, enum, minimum, \
                         maximum, minLength, maxLength and pattern";

/// Something wrong at `path`, a JSON Pointer (`/items/2/price`; empty for the whole document).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SchemaProblem {
    pub path: String,
    pub message: String,
}

impl fmt::Display for SchemaProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "/"
        } else {
            &self.path
        };
        write!(f, "{path}: {}", self.message)
    }
}

/// A checked schema, ready to validate values.
#[derive(Debug, Clone)]
pub struct Schema(Node);

#[derive(Debug, Clone)]
enum Node {
    /// `true` or `{}`.
    Any,
    /// `false`.
    Nothing,
    Rules(Box<Rules>),
}

#[derive(Debug, Clone, Default)]
struct Rules {
    /// Empty: any type.
    types: Vec<JsonType>,
    properties: Vec<(String, Schema)>,
    required: Vec<String>,
    additional: Option<Schema>,
    items: Option<Schema>,
    allowed: Option<Vec<Value>>,
    minimum: Option<f64>,
    maximum: Option<f64>,
    min_length: Option<u64>,
    max_length: Option<u64>,
    pattern: Option<(String, Regex)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum JsonType {
    Null,
    Boolean,
    Object,
    Array,
    Number,
    Integer,
    String,
}

impl JsonType {
    fn parse(s: &str) -> Option<JsonType> {
        Some(match s {
            "null" => JsonType::Null,
            "boolean" => JsonType::Boolean,
            "object" => JsonType::Object,
            "array" => JsonType::Array,
            "number" => JsonType::Number,
            "integer" => JsonType::Integer,
            "string" => JsonType::String,
            _ => return None,
        })
    }

    /// As in "must be …".
    fn noun(self) -> &'static str {
        match self {
            JsonType::Null => "null",
            JsonType::Boolean => "true or false",
            JsonType::Object => "an object",
            JsonType::Array => "an array",
            JsonType::Number => "a number",
            JsonType::Integer => "a whole number",
            JsonType::String => "a string",
        }
    }

    fn accepts(self, v: &Value) -> bool {
        match (self, v) {
            (JsonType::Null, Value::Null)
            | (JsonType::Boolean, Value::Bool(_))
            | (JsonType::Object, Value::Object(_))
            | (JsonType::Array, Value::Array(_))
            | (JsonType::Number, Value::Number(_))
            | (JsonType::String, Value::String(_)) => true,
            // 2020-12: `1.0` is an integer.
            (JsonType::Integer, Value::Number(n)) => {
                n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|x| x.fract() == 0.0)
            }
            _ => false,
        }
    }
}

/// `path` extended by one JSON Pointer token, escaped as RFC 6901 says.
fn child(path: &str, token: &str) -> String {
    format!("{path}/{}", token.replace('~', "~0").replace('/', "~1"))
}

fn problem(path: &str, message: impl Into<String>) -> SchemaProblem {
    SchemaProblem {
        path: path.to_owned(),
        message: message.into(),
    }
}

impl Schema {
    /// Checks `schema` and prepares it; the problems' paths point into the schema.
    pub fn compile(schema: &Value) -> Result<Schema, Vec<SchemaProblem>> {
        let mut problems = Vec::new();
        let mut budget = PatternBudget::default();
        let compiled = compile_node(schema, "", 0, &mut budget, &mut problems);
        if problems.is_empty() {
            Ok(compiled)
        } else {
            Err(problems)
        }
    }

    /// What is wrong with `instance`, at most [`PROBLEMS_MAX`]; empty when it is valid.
    pub fn validate(&self, instance: &Value) -> Vec<SchemaProblem> {
        let mut out = Vec::new();
        self.check(instance, "", &mut out);
        // One value can break several rules at once; the cap holds for the total.
        out.truncate(PROBLEMS_MAX);
        out
    }

    fn check(&self, v: &Value, path: &str, out: &mut Vec<SchemaProblem>) {
        if out.len() >= PROBLEMS_MAX {
            return;
        }
        let rules = match &self.0 {
            Node::Any => return,
            Node::Nothing => return out.push(problem(path, "is not allowed here")),
            Node::Rules(rules) => rules,
        };
        if !rules.types.is_empty() && !rules.types.iter().any(|t| t.accepts(v)) {
            let nouns: Vec<&str> = rules.types.iter().map(|t| t.noun()).collect();
            // The other keywords would only repeat that the value has the wrong shape.
            return out.push(problem(path, format!("must be {}", or_list(&nouns))));
        }
        if let Some(allowed) = &rules.allowed
            && !allowed.iter().any(|a| json_eq(a, v))
        {
            out.push(problem(
                path,
                format!("must be one of: {}", listing(allowed)),
            ));
        }
        match v {
            Value::Number(n) => {
                let x = n.as_f64().unwrap_or(f64::NAN);
                if let Some(min) = rules.minimum
                    && x < min
                {
                    out.push(problem(path, format!("must be at least {}", number(min))));
                }
                if let Some(max) = rules.maximum
                    && x > max
                {
                    out.push(problem(path, format!("must be at most {}", number(max))));
                }
            }
            Value::String(s) => {
                let len = s.chars().count() as u64;
                if let Some(min) = rules.min_length
                    && len < min
                {
                    out.push(problem(
                        path,
                        format!("must be at least {min} characters long"),
                    ));
                }
                if let Some(max) = rules.max_length
                    && len > max
                {
                    out.push(problem(
                        path,
                        format!("must be at most {max} characters long"),
                    ));
                }
                if let Some((text, re)) = &rules.pattern
                    && !re.is_match(s)
                {
                    out.push(problem(path, format!("must match {text}")));
                }
            }
            Value::Object(map) => rules.check_object(map, path, out),
            Value::Array(items) => {
                if let Some(schema) = &rules.items {
                    for (i, item) in items.iter().enumerate() {
                        schema.check(item, &child(path, &i.to_string()), out);
                    }
                }
            }
            Value::Null | Value::Bool(_) => {}
        }
    }
}

impl Rules {
    fn check_object(&self, map: &Map<String, Value>, path: &str, out: &mut Vec<SchemaProblem>) {
        for name in &self.required {
            if out.len() >= PROBLEMS_MAX {
                return;
            }
            if !map.contains_key(name) {
                out.push(problem(path, format!("must have the property \"{name}\"")));
            }
        }
        for (name, value) in map {
            if out.len() >= PROBLEMS_MAX {
                return;
            }
            let at = child(path, name);
            match self.properties.iter().find(|(p, _)| p == name) {
                Some((_, schema)) => schema.check(value, &at, out),
                None => match &self.additional {
                    Some(Schema(Node::Nothing)) => {
                        out.push(problem(&at, "is not an allowed property"));
                    }
                    Some(schema) => schema.check(value, &at, out),
                    None => {}
                },
            }
        }
    }
}

/// What the patterns compiled so far have used of the schema's allowance.
#[derive(Default)]
struct PatternBudget {
    count: usize,
    text: usize,
    /// Reported once, at the pattern that crossed a limit; later patterns are not compiled.
    spent: bool,
}

impl PatternBudget {
    /// The compiled pattern at `at`, or `None` after recording why not.
    fn compile(&mut self, p: &str, at: &str, out: &mut Vec<SchemaProblem>) -> Option<Regex> {
        if self.spent {
            return None;
        }
        self.count += 1;
        self.text += p.len();
        let over = if self.count > SCHEMA_PATTERNS_MAX {
            Some(format!(
                "is one pattern too many: a schema may have at most {SCHEMA_PATTERNS_MAX} patterns"
            ))
        } else if self.text > SCHEMA_PATTERN_TEXT_MAX {
            Some(format!(
                "takes the schema's patterns past {} KiB of text in all; shorten or remove some",
                SCHEMA_PATTERN_TEXT_MAX / 1024
            ))
        } else {
            None
        };
        if let Some(message) = over {
            self.spent = true;
            out.push(problem(at, message));
            return None;
        }
        match pattern::compile(p) {
            Ok(re) => Some(re),
            Err(message) => {
                out.push(problem(at, lowercase_first(&message)));
                None
            }
        }
    }
}

/// Keys in sorted order, whatever order the map keeps: the pattern that crosses the budget must
/// be the same one in the browser and on the server.
fn sorted(map: &Map<String, Value>) -> Vec<(&String, &Value)> {
    let mut pairs: Vec<(&String, &Value)> = map.iter().collect();
    pairs.sort_by(|a, b| a.0.cmp(b.0));
    pairs
}

fn compile_node(
    v: &Value,
    path: &str,
    depth: usize,
    budget: &mut PatternBudget,
    out: &mut Vec<SchemaProblem>,
) -> Schema {
    if depth > SCHEMA_DEPTH_MAX {
        out.push(problem(
            path,
            format!("nests schemas deeper than {SCHEMA_DEPTH_MAX} levels"),
        ));
        return Schema(Node::Any);
    }
    let map = match v {
        Value::Bool(true) => return Schema(Node::Any),
        Value::Bool(false) => return Schema(Node::Nothing),
        Value::Object(map) => map,
        _ => {
            out.push(problem(path, "must be a schema: an object, true or false"));
            return Schema(Node::Any);
        }
    };
    let mut rules = Rules::default();
    for (keyword, value) in sorted(map) {
        let at = child(path, keyword);
        let sub =
            |v: &Value, at: &str, budget: &mut PatternBudget, out: &mut Vec<SchemaProblem>| {
                compile_node(v, at, depth + 1, budget, out)
            };
        match keyword.as_str() {
            "type" => rules.types = compile_types(value, &at, out),
            "properties" => match value {
                Value::Object(props) => {
                    rules.properties = sorted(props)
                        .into_iter()
                        .map(|(name, s)| (name.clone(), sub(s, &child(&at, name), budget, out)))
                        .collect();
                }
                _ => out.push(problem(&at, "must be an object of schemas")),
            },
            "required" => rules.required = compile_required(value, &at, out),
            "items" => match value {
                Value::Array(_) => out.push(problem(
                    &at,
                    "must be a single schema; lists of schemas are not supported",
                )),
                _ => rules.items = Some(sub(value, &at, budget, out)),
            },
            "additionalProperties" => rules.additional = Some(sub(value, &at, budget, out)),
            "enum" => match value {
                Value::Array(values) if !values.is_empty() => rules.allowed = Some(values.clone()),
                _ => out.push(problem(&at, "must be a list of at least one value")),
            },
            "minimum" | "maximum" => match value.as_f64() {
                Some(x) if keyword == "minimum" => rules.minimum = Some(x),
                Some(x) => rules.maximum = Some(x),
                None => out.push(problem(&at, "must be a number")),
            },
            "minLength" | "maxLength" => match whole(value) {
                Some(n) if keyword == "minLength" => rules.min_length = Some(n),
                Some(n) => rules.max_length = Some(n),
                None => out.push(problem(&at, "must be a whole number, 0 or more")),
            },
            "pattern" => match value {
                Value::String(p) => {
                    rules.pattern = budget.compile(p, &at, out).map(|re| (p.clone(), re));
                }
                _ => out.push(problem(&at, "must be a string")),
            },
            k if ANNOTATIONS.contains(&k) => {}
            _ => out.push(problem(&at, format!("is not supported; use {SUPPORTED}"))),
        }
    }
    if let (Some(min), Some(max)) = (rules.minimum, rules.maximum)
        && min > max
    {
        out.push(problem(
            &child(path, "maximum"),
            "must not be below minimum",
        ));
    }
    if let (Some(min), Some(max)) = (rules.min_length, rules.max_length)
        && min > max
    {
        out.push(problem(
            &child(path, "maxLength"),
            "must not be below minLength",
        ));
    }
    let empty = rules.types.is_empty()
        && rules.properties.is_empty()
        && rules.required.is_empty()
        && rules.additional.is_none()
        && rules.items.is_none()
        && rules.allowed.is_none()
        && rules.minimum.is_none()
        && rules.maximum.is_none()
        && rules.min_length.is_none()
        && rules.max_length.is_none()
        && rules.pattern.is_none();
    Schema(if empty {
        Node::Any
    } else {
        Node::Rules(Box::new(rules))
    })
}

fn compile_types(v: &Value, path: &str, out: &mut Vec<SchemaProblem>) -> Vec<JsonType> {
    const NAMES: &str = "string, number, integer, boolean, object, array or null";
    let names: Vec<&Value> = match v {
        Value::String(_) => vec![v],
        Value::Array(items) if !items.is_empty() => items.iter().collect(),
        _ => {
            out.push(problem(
                path,
                format!("must be a type name ({NAMES}) or a list of them"),
            ));
            return Vec::new();
        }
    };
    let mut types = Vec::new();
    for name in names {
        match name.as_str().and_then(JsonType::parse) {
            Some(t) if !types.contains(&t) => types.push(t),
            Some(_) => out.push(problem(path, format!("lists {name} twice"))),
            None => out.push(problem(
                path,
                format!("has an unknown type {name}; use {NAMES}"),
            )),
        }
    }
    types
}

fn compile_required(v: &Value, path: &str, out: &mut Vec<SchemaProblem>) -> Vec<String> {
    let Value::Array(items) = v else {
        out.push(problem(path, "must be a list of property names"));
        return Vec::new();
    };
    let mut names: Vec<String> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match item {
            Value::String(s) if names.contains(s) => {
                out.push(problem(&child(path, &i.to_string()), "is listed twice"));
            }
            Value::String(s) => names.push(s.clone()),
            _ => out.push(problem(&child(path, &i.to_string()), "must be a string")),
        }
    }
    names
}

/// A non-negative whole number; `5.0` counts, as in 2020-12.
fn whole(v: &Value) -> Option<u64> {
    v.as_u64().or_else(|| {
        v.as_f64()
            .filter(|x| *x >= 0.0 && x.fract() == 0.0 && *x < 1.8e19)
            .map(|x| x as u64)
    })
}

/// JSON equality as JSON Schema defines it: `1` equals `1.0`.
fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            match (x.as_i64(), y.as_i64(), x.as_u64(), y.as_u64()) {
                (Some(p), Some(q), _, _) => p == q,
                (_, _, Some(p), Some(q)) => p == q,
                _ => x.as_f64() == y.as_f64(),
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_eq(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, p)| y.get(k).is_some_and(|q| json_eq(p, q)))
        }
        _ => a == b,
    }
}

fn number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        serde_json::Number::from_f64(x).map_or_else(|| x.to_string(), |n| n.to_string())
    }
}

/// `a`, `a or b`, `a, b or c`.
fn or_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// The first ten values as compact JSON.
fn listing(values: &[Value]) -> String {
    const SHOWN: usize = 10;
    let mut text: Vec<String> = values.iter().take(SHOWN).map(Value::to_string).collect();
    if values.len() > SHOWN {
        text.push(format!("… ({} in all)", values.len()));
    }
    text.join(", ")
}

fn lowercase_first(s: &str) -> String {
    let mut cs = s.chars();
    cs.next()
        .map(|c| c.to_lowercase().chain(cs).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn problems(schema: Value, instance: Value) -> Vec<String> {
        Schema::compile(&schema)
            .expect("schema compiles")
            .validate(&instance)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    fn schema_problems(schema: Value) -> Vec<String> {
        Schema::compile(&schema)
            .err()
            .unwrap_or_default()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn type_keyword() {
        assert!(problems(json!({"type": "string"}), json!("x")).is_empty());
        assert_eq!(
            problems(json!({"type": "string"}), json!(1)),
            ["/: must be a string"]
        );
        assert_eq!(
            problems(json!({"type": ["string", "number", "null"]}), json!(true)),
            ["/: must be a string, a number or null"]
        );
        assert!(problems(json!({"type": ["string", "null"]}), json!(null)).is_empty());
        assert!(problems(json!({"type": "integer"}), json!(3)).is_empty());
        assert!(problems(json!({"type": "integer"}), json!(3.0)).is_empty());
        assert_eq!(
            problems(json!({"type": "integer"}), json!(3.5)),
            ["/: must be a whole number"]
        );
        assert!(problems(json!({"type": "number"}), json!(3)).is_empty());
        assert!(problems(json!({"type": "object"}), json!([])).len() == 1);
        assert!(problems(json!({"type": "boolean"}), json!(false)).is_empty());
    }

    #[test]
    fn nested_properties_items_and_required() {
        let schema = json!({
            "type": "object",
            "required": ["items"],
            "properties": {
                "items": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["sku", "price"],
                        "properties": {
                            "sku": {"type": "string", "pattern": "^[A-Z]{3}-[0-9]+$"},
                            "price": {"type": "number", "minimum": 0}
                        }
                    }
                }
            }
        });
        let ok = json!({"items": [{"sku": "ABC-1", "price": 9.5}]});
        assert!(problems(schema.clone(), ok).is_empty());
        let bad = json!({"items": [
            {"sku": "ABC-1", "price": 1},
            {"sku": "ABC-2", "price": 2},
            {"sku": "abc", "price": "3"},
            {"sku": "ABC-4"}
        ]});
        assert_eq!(
            problems(schema.clone(), bad),
            [
                "/items/2/price: must be a number",
                "/items/2/sku: must match ^[A-Z]{3}-[0-9]+$",
                "/items/3: must have the property \"price\"",
            ]
        );
        assert_eq!(
            problems(schema, json!({})),
            ["/: must have the property \"items\""]
        );
    }

    #[test]
    fn enum_minimum_maximum_and_lengths() {
        let e = json!({"enum": ["red", 1, {"a": [1]}]});
        assert!(problems(e.clone(), json!("red")).is_empty());
        assert!(problems(e.clone(), json!(1.0)).is_empty(), "1 equals 1.0");
        assert!(problems(e.clone(), json!({"a": [1.0]})).is_empty());
        assert_eq!(
            problems(e, json!("blue")),
            [r#"/: must be one of: "red", 1, {"a":[1]}"#]
        );
        let range = json!({"minimum": 1, "maximum": 10.5});
        assert!(problems(range.clone(), json!(10.5)).is_empty());
        assert!(problems(range.clone(), json!("strings are not numbers")).is_empty());
        assert_eq!(problems(range.clone(), json!(0)), ["/: must be at least 1"]);
        assert_eq!(problems(range, json!(11)), ["/: must be at most 10.5"]);
        let len = json!({"minLength": 2, "maxLength": 3});
        assert!(
            problems(len.clone(), json!("été")).is_empty(),
            "counts characters"
        );
        assert_eq!(
            problems(len.clone(), json!("a")),
            ["/: must be at least 2 characters long"]
        );
        assert_eq!(
            problems(len, json!("abcd")),
            ["/: must be at most 3 characters long"]
        );
    }

    #[test]
    fn pattern_searches_anywhere() {
        assert!(problems(json!({"pattern": "[0-9]"}), json!("abc1")).is_empty());
        assert_eq!(
            problems(json!({"pattern": "^[0-9]+$"}), json!("abc1")),
            ["/: must match ^[0-9]+$"]
        );
    }

    #[test]
    fn additional_properties() {
        let closed = json!({"properties": {"a": {}}, "additionalProperties": false});
        assert!(problems(closed.clone(), json!({"a": 1})).is_empty());
        assert_eq!(
            problems(closed, json!({"a": 1, "b/c": 2})),
            ["/b~1c: is not an allowed property"]
        );
        let typed = json!({"additionalProperties": {"type": "integer"}});
        assert_eq!(
            problems(typed, json!({"x": 1, "y": "2"})),
            ["/y: must be a whole number"]
        );
    }

    #[test]
    fn boolean_schemas() {
        assert!(problems(json!(true), json!({"anything": 1})).is_empty());
        assert_eq!(problems(json!(false), json!(1)), ["/: is not allowed here"]);
        assert_eq!(
            problems(json!({"items": false}), json!([1])),
            ["/0: is not allowed here"]
        );
    }

    #[test]
    fn annotations_are_ignored_and_other_keywords_refused() {
        assert!(
            schema_problems(json!({
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "title": "Checkout",
                "description": "Limits",
                "default": {},
                "type": "object"
            }))
            .is_empty()
        );
        let refused =
            schema_problems(json!({"oneOf": [], "properties": {"x": {"format": "email"}}}));
        assert_eq!(refused.len(), 2);
        assert!(
            refused[0].starts_with("/oneOf: is not supported; use type,"),
            "{refused:?}"
        );
        assert!(refused[1].starts_with("/properties/x/format: is not supported"));
    }

    #[test]
    fn wrong_typed_keywords_are_refused() {
        assert_eq!(
            schema_problems(json!({"required": 3})),
            ["/required: must be a list of property names"]
        );
        assert_eq!(
            schema_problems(json!({"required": ["a", 1, "a"]})),
            [
                "/required/1: must be a string",
                "/required/2: is listed twice"
            ]
        );
        assert_eq!(
            schema_problems(json!({"pattern": "(ab"})),
            ["/pattern: enter a valid regular expression: found open group without closing ')'"]
        );
        assert_eq!(
            schema_problems(json!({"pattern": 1})),
            ["/pattern: must be a string"]
        );
        assert_eq!(
            schema_problems(json!({"type": "float"})),
            [
                "/type: has an unknown type \"float\"; use string, number, integer, boolean, object, array or null"
            ]
        );
        assert_eq!(schema_problems(json!({"type": []})).len(), 1);
        assert_eq!(
            schema_problems(json!({"type": ["string", "string"]})),
            ["/type: lists \"string\" twice"]
        );
        assert_eq!(
            schema_problems(json!({"minimum": "1"})),
            ["/minimum: must be a number"]
        );
        assert_eq!(
            schema_problems(json!({"maxLength": -1})),
            ["/maxLength: must be a whole number, 0 or more"]
        );
        assert!(schema_problems(json!({"maxLength": 5.0})).is_empty());
        assert_eq!(
            schema_problems(json!({"minimum": 5, "maximum": 1})),
            ["/maximum: must not be below minimum"]
        );
        assert_eq!(
            schema_problems(json!({"minLength": 5, "maxLength": 1})),
            ["/maxLength: must not be below minLength"]
        );
        assert_eq!(schema_problems(json!({"enum": []})).len(), 1);
        assert_eq!(
            schema_problems(json!({"items": [{}]})),
            ["/items: must be a single schema; lists of schemas are not supported"]
        );
        assert_eq!(
            schema_problems(json!({"properties": {"a": 3}})),
            ["/properties/a: must be a schema: an object, true or false"]
        );
        assert_eq!(
            schema_problems(json!("string")),
            ["/: must be a schema: an object, true or false"]
        );
    }

    #[test]
    fn hostile_depth_is_refused_without_recursing_further() {
        let nest = |levels: usize| {
            let mut s = json!({"type": "array"});
            for _ in 0..levels {
                s = json!({"type": "array", "items": s});
            }
            s
        };
        assert!(Schema::compile(&nest(SCHEMA_DEPTH_MAX)).is_ok());
        let deep = schema_problems(nest(SCHEMA_DEPTH_MAX + 1));
        assert_eq!(deep.len(), 1);
        assert!(
            deep[0].ends_with("nests schemas deeper than 32 levels"),
            "{deep:?}"
        );
        // Much deeper: still one problem, found without walking past the limit.
        let mut s = json!({});
        for _ in 0..1000 {
            s = json!({"items": s});
        }
        assert_eq!(Schema::compile(&s).unwrap_err().len(), 1);
    }

    /// `{"properties": {"p000": {"pattern": ...}, ...}}` with one pattern per text.
    fn with_patterns(patterns: &[String]) -> Value {
        let properties: Map<String, Value> = patterns
            .iter()
            .enumerate()
            .map(|(i, p)| (format!("p{i:03}"), json!({"pattern": p})))
            .collect();
        json!({"properties": properties})
    }

    #[test]
    fn a_schema_has_at_most_64_patterns() {
        let at_limit: Vec<String> = (0..64).map(|i| format!("^v{i}$")).collect();
        assert!(Schema::compile(&with_patterns(&at_limit)).is_ok());
        let mut over = at_limit.clone();
        over.extend(["^one-too-many$".to_string(), "^and-another$".to_string()]);
        assert_eq!(
            schema_problems(with_patterns(&over)),
            [
                "/properties/p064/pattern: is one pattern too many: a schema may have at most 64 patterns"
            ],
            "reported once, at the pattern that crosses the limit"
        );
    }

    #[test]
    fn a_schema_has_at_most_16_kib_of_pattern_text() {
        // 16 patterns of 1000 characters and one of 384: 16,384 bytes, exactly the limit.
        let mut at_limit: Vec<String> = (0..16).map(|_| "x".repeat(1000)).collect();
        at_limit.push("y".repeat(384));
        assert!(Schema::compile(&with_patterns(&at_limit)).is_ok());
        let mut over = at_limit.clone();
        over[16].push('y');
        assert_eq!(
            schema_problems(with_patterns(&over)),
            [
                "/properties/p016/pattern: takes the schema's patterns past 16 KiB of text in all; shorten or remove some"
            ]
        );
        // Multi-byte text counts its bytes: 8,192 two-byte characters are 16 KiB.
        let mut wide = vec!["é".repeat(1000); 8];
        wide.push("é".repeat(192));
        assert!(Schema::compile(&with_patterns(&wide)).is_ok());
        wide[8].push('é');
        assert_eq!(schema_problems(with_patterns(&wide)).len(), 1);
    }

    /// Patterns are counted in sorted key order, so the one blamed does not depend on how the
    /// document was written.
    #[test]
    fn the_pattern_blamed_does_not_depend_on_key_order() {
        let mut properties = Map::new();
        for i in (0..65).rev() {
            properties.insert(format!("p{i:03}"), json!({"pattern": "x"}));
        }
        assert_eq!(
            schema_problems(json!({"properties": properties})),
            [
                "/properties/p064/pattern: is one pattern too many: a schema may have at most 64 patterns"
            ]
        );
    }

    #[test]
    fn problems_are_capped() {
        let many = Value::Array(vec![json!("x"); 1000]);
        let found = Schema::compile(&json!({"items": {"type": "integer"}}))
            .unwrap()
            .validate(&many);
        assert_eq!(found.len(), PROBLEMS_MAX);
    }
}

#[cfg(test)]
#[path = "schema_props.rs"]
mod props;
