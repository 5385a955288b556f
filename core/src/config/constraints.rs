//! The value-constraint engine: an entry's constraints (bounds, length, pattern, allowed values,
//! JSON Schema) checked and compiled once into [`Rules`], and values checked against them. Forms
//! run it as the user types; the server runs it on every write and again at publish.

use super::{EntryConstraints, Schema, SchemaProblem, ValueType, duration};
use crate::pattern;
use crate::validation::config::has_control_chars;
use crate::validation::{FieldErrors, field_path};
use regex_lite::Regex;
use serde_json::Value;

/// Apps fetch a whole namespace at start-up and on every change; this keeps one value from
/// dominating that download.
pub const VALUE_MAX_BYTES: usize = 64 * 1024;
pub const ALLOWED_MAX: usize = 100;
/// A schema is checked on every keystroke in the browser; keep it to a readable size.
pub const SCHEMA_MAX_BYTES: usize = 64 * 1024;

/// The constraints that are valid and apply, ready to check the value against. A constraint
/// with a problem is reported and left out, so the value is not also blamed for it.
#[derive(Default)]
pub struct Rules {
    min: Option<f64>,
    max: Option<f64>,
    max_length: Option<u32>,
    pattern: Option<(String, Regex)>,
    /// Canonical spellings.
    allowed: Vec<String>,
    schema: Option<Schema>,
}

/// Checks `c` for a `ty` entry, recording each problem under `{prefix}.{constraint}`, and
/// compiles what is valid (patterns and schemas once, not per value).
pub fn compile(ty: ValueType, c: &EntryConstraints, e: &mut FieldErrors, prefix: &str) -> Rules {
    let mut rules = Rules {
        min: c
            .min
            .and_then(|b| e.keep(&field_path(prefix, "min"), bound(ty, b, "a minimum"))),
        max: c
            .max
            .and_then(|b| e.keep(&field_path(prefix, "max"), bound(ty, b, "a maximum"))),
        ..Rules::default()
    };
    if let (Some(min), Some(max)) = (rules.min, rules.max)
        && min > max
    {
        e.add(
            field_path(prefix, "max"),
            format!("Must not be below the minimum ({})", ty.format_bound(min)),
        );
        rules.max = None;
    }
    if let Some(n) = c.max_length {
        let field = field_path(prefix, "max_length");
        if ty != ValueType::String {
            e.add(field, "Only strings have a maximum length");
        } else if n == 0 {
            e.add(field, "Use at least 1");
        } else {
            rules.max_length = Some(n);
        }
    }
    // An emptied pattern field means no pattern.
    if let Some(p) = c.pattern.as_deref().filter(|p| !p.is_empty()) {
        let field = field_path(prefix, "pattern");
        if ty != ValueType::String {
            e.add(field, "Only strings can have a pattern");
        } else {
            rules.pattern = e
                .keep(&field, pattern::compile(p))
                .map(|re| (p.to_owned(), re));
        }
    }
    if !c.allowed.is_empty() {
        rules.allowed = allowed(ty, &c.allowed, e, &field_path(prefix, "allowed"));
    }
    if let Some(schema) = &c.schema {
        let field = field_path(prefix, "schema");
        if ty != ValueType::Json {
            e.add(field, "Only JSON entries can have a schema");
        } else if schema.to_string().len() > SCHEMA_MAX_BYTES {
            e.add(
                field,
                format!("Use at most {} KiB", SCHEMA_MAX_BYTES / 1024),
            );
        } else {
            rules.schema = e.keep(&field, Schema::compile(schema).map_err(|p| first(&p)));
        }
    }
    rules
}

/// A minimum or maximum, in the unit `ty` uses (milliseconds for durations).
fn bound(ty: ValueType, b: f64, what: &str) -> Result<f64, String> {
    if !ty.is_numeric() {
        return Err(format!("Only numbers and durations can have {what}"));
    }
    if !b.is_finite() {
        return Err("Enter a finite number".into());
    }
    match ty {
        ValueType::Integer if b.fract() != 0.0 => Err("Use a whole number".into()),
        ValueType::Duration if b < 0.0 || b.fract() != 0.0 => {
            Err("Use a whole number of milliseconds, 0 or more".into())
        }
        ValueType::Duration if b > duration::DURATION_MAX_MS as f64 => Err(format!(
            "Use at most {}",
            duration::format(duration::DURATION_MAX_MS)
        )),
        _ => Ok(b),
    }
}

/// The allowed values in canonical spelling, or none at all if any is wrong: checking against
/// part of the list would blame the value for the list's mistake.
fn allowed(ty: ValueType, values: &[String], e: &mut FieldErrors, field: &str) -> Vec<String> {
    if values.len() > ALLOWED_MAX {
        e.add(field, format!("Use at most {ALLOWED_MAX} allowed values"));
        return Vec::new();
    }
    let mut canonical: Vec<String> = Vec::with_capacity(values.len());
    let mut ok = true;
    for (i, v) in values.iter().enumerate() {
        let outcome = if v.len() > VALUE_MAX_BYTES {
            Err(format!("Use at most {} KiB", VALUE_MAX_BYTES / 1024))
        } else {
            ty.canonical(v)
        };
        match outcome {
            Ok(c) if canonical.contains(&c) => {
                e.add(format!("{field}.{i}"), "This value is listed twice");
                ok = false;
            }
            Ok(c) => canonical.push(c),
            Err(message) => {
                e.add(format!("{field}.{i}"), message);
                ok = false;
            }
        }
    }
    if ok { canonical } else { Vec::new() }
}

/// Checks a value as typed against its type and the compiled constraints: the first problem.
pub fn check(ty: ValueType, text: &str, rules: &Rules) -> Result<(), String> {
    if text.len() > VALUE_MAX_BYTES {
        return Err(format!("Use at most {} KiB", VALUE_MAX_BYTES / 1024));
    }
    if ty == ValueType::String && has_control_chars(text) {
        return Err("Remove control characters".into());
    }
    let typed = ty.typed(text)?;
    if !rules.allowed.is_empty() && !rules.allowed.contains(&ty.render(&typed)) {
        return Err(format!("Must be one of: {}", listing(&rules.allowed)));
    }
    if let Some(min) = rules.min
        && below(&typed, min)
    {
        return Err(format!("Must be at least {}", ty.format_bound(min)));
    }
    if let Some(max) = rules.max
        && above(&typed, max)
    {
        return Err(format!("Must be at most {}", ty.format_bound(max)));
    }
    if let Value::String(s) = &typed {
        if let Some(max) = rules.max_length
            && s.chars().count() > max as usize
        {
            return Err(format!("Use at most {max} characters"));
        }
        if let Some((p, re)) = &rules.pattern
            && !re.is_match(s)
        {
            return Err(format!("Must match {p}"));
        }
    }
    if let Some(schema) = &rules.schema {
        let problems = schema.validate(&typed);
        if !problems.is_empty() {
            return Err(first(&problems));
        }
    }
    Ok(())
}

/// Integers compare exactly (a double cannot hold every i64); floats and durations as doubles,
/// which hold every duration exactly.
fn below(v: &Value, min: f64) -> bool {
    match v.as_i64() {
        // At or past 2^63 every i64 is below; the cast would saturate and say otherwise.
        Some(_) if min >= i64::MAX as f64 => true,
        Some(n) => n < min.ceil() as i64,
        None => v.as_f64().is_some_and(|x| x < min),
    }
}

fn above(v: &Value, max: f64) -> bool {
    match v.as_i64() {
        Some(_) if max < i64::MIN as f64 => true,
        Some(n) => n > max.floor() as i64,
        None => v.as_f64().is_some_and(|x| x > max),
    }
}

fn listing(values: &[String]) -> String {
    const SHOWN: usize = 10;
    let mut shown: Vec<&str> = values.iter().take(SHOWN).map(String::as_str).collect();
    let more = format!("… ({} in all)", values.len());
    if values.len() > SHOWN {
        shown.push(&more);
    }
    shown.join(", ")
}

/// One field holds one message: the first problem, and how many more there are.
fn first(problems: &[SchemaProblem]) -> String {
    match problems {
        [] => String::new(),
        [one] => one.to_string(),
        [one, rest @ ..] => format!("{one} (and {} more)", rest.len()),
    }
}
