//! Input rules for configuration: namespace and entry keys, typed values and their constraints,
//! and gray-release targets.

use super::flags::slug;
use super::{FieldErrors, Validate, field_path};
use crate::config::{
    CopyNamespace, DiscardDraft, Entry, FinishGray, GrayTarget, NewNamespace, PublishDraft,
    RemoveEntry, RollbackRelease, SetEntry,
};
use crate::config::{constraints, is_masked};
use std::collections::HashMap;

pub const NAMESPACE_KEY_MAX: usize = 64;
pub const ENTRY_KEY_MAX: usize = 128;
pub const ENTRY_DESCRIPTION_MAX: usize = 2000;
pub use crate::config::constraints::{ALLOWED_MAX, SCHEMA_MAX_BYTES, VALUE_MAX_BYTES};
/// Per namespace and environment. Past this, a namespace should be split by concern.
pub const ENTRIES_MAX: usize = 1000;

/// `[a-z0-9][a-z0-9._-]{0,63}`, like `checkout` or `search.ranking`.
pub fn namespace_key(value: &str) -> Result<(), String> {
    slug(value, NAMESPACE_KEY_MAX, &['.', '_', '-'], "namespace")
}

/// `[A-Za-z0-9][A-Za-z0-9._-]{0,127}`. Capitals are allowed because apps name settings in
/// their own style (`maxRetries`, `MAX_RETRIES`); [`check_entries`] refuses keys that differ
/// only in case.
pub fn entry_key(value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err("Enter a key".into());
    }
    if value.chars().count() > ENTRY_KEY_MAX {
        return Err(format!("Use at most {ENTRY_KEY_MAX} characters"));
    }
    let mut cs = value.chars();
    let first = cs.next().is_some_and(|c| c.is_ascii_alphanumeric());
    if !first || !cs.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')) {
        return Err(
            "Use letters, digits, dots, dashes and underscores, starting with a letter or digit"
                .into(),
        );
    }
    Ok(())
}

/// Selector text as typed in the gray-release form.
pub fn label_selector(text: &str) -> Result<(), String> {
    crate::config::Selector::parse(text).map(|_| ())
}

/// `{prefix}.selector` or `{prefix}.percent`; the bare names when `prefix` is empty.
pub fn check_gray_target(target: &GrayTarget, e: &mut FieldErrors, prefix: &str) {
    match target {
        GrayTarget::Labels { selector } => {
            e.check(&field_path(prefix, "selector"), selector.check())
        }
        GrayTarget::Percentage { percent } => {
            // 0% reaches nobody: almost certainly a slip, and a release that does nothing.
            if !(1..=100).contains(percent) {
                e.add(
                    field_path(prefix, "percent"),
                    "Use a percentage from 1 to 100",
                );
            }
        }
    }
}

/// One entry; fields are `{prefix}.key`, `{prefix}.value`, `{prefix}.constraints.max` and so on
/// (the bare names when `prefix` is empty).
pub fn check_entry(entry: &Entry, e: &mut FieldErrors, prefix: &str) {
    e.check(&field_path(prefix, "key"), entry_key(&entry.key));
    description(&entry.description, &field_path(prefix, "description"), e);
    let rules = constraints::compile(
        entry.value_type,
        &entry.constraints,
        e,
        &field_path(prefix, "constraints"),
    );
    let value = field_path(prefix, "value");
    match (entry.secret, is_masked(&entry.value)) {
        // Keeps the stored secret, which was checked when it was set.
        (true, true) => {}
        (false, true) => e.add(
            value,
            "Type the value: a secret's value is never shown, so making it a plain entry needs it again",
        ),
        _ => e.check(&value, constraints::check(entry.value_type, &entry.value, &rules)),
    }
}

/// How many entries a namespace may hold in one environment.
pub fn entry_count(count: usize) -> Result<(), String> {
    if count > ENTRIES_MAX {
        Err(format!("Use at most {ENTRIES_MAX} entries in a namespace"))
    } else {
        Ok(())
    }
}

/// Why `key` may not sit beside an entry keyed `other`, if it may not: the same key, or one that
/// differs only in capitals (apps that read keys case-insensitively would see two values).
pub fn key_clash(key: &str, other: &str) -> Option<String> {
    if key == other {
        Some("Another entry has this key".into())
    } else if key.eq_ignore_ascii_case(other) {
        Some(format!(
            "Another entry has this key as {other}; keys must differ by more than capitals"
        ))
    } else {
        None
    }
}

/// A namespace's entries in one environment: each entry, their number, and unique keys.
pub fn check_entries(entries: &[Entry], e: &mut FieldErrors) {
    e.check("entries", entry_count(entries.len()));
    let mut seen: HashMap<String, &str> = HashMap::new();
    for (i, entry) in entries.iter().enumerate() {
        let prefix = format!("entries.{i}");
        check_entry(entry, e, &prefix);
        let folded = entry.key.to_ascii_lowercase();
        match seen
            .get(&folded)
            .and_then(|other| key_clash(&entry.key, other))
        {
            Some(problem) => e.add(format!("{prefix}.key"), problem),
            None => {
                seen.insert(folded, &entry.key);
            }
        }
    }
}

impl Validate for Entry {
    fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        check_entry(self, &mut e, "");
        e.into_result()
    }
}

fn description(value: &str, field: &str, e: &mut FieldErrors) {
    if value.chars().count() > ENTRY_DESCRIPTION_MAX {
        e.add(
            field,
            format!("Use at most {ENTRY_DESCRIPTION_MAX} characters"),
        );
    } else if has_control_chars(value) {
        e.add(field, "Remove control characters");
    }
}

/// Line breaks and tabs are text; other control characters are invisible, and NUL cannot be
/// stored in PostgreSQL at all.
pub(crate) fn has_control_chars(s: &str) -> bool {
    s.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

pub const NAMESPACE_DESCRIPTION_MAX: usize = 500;
pub const RELEASE_MESSAGE_MAX: usize = 500;

/// A release message: what changed and why, for the people reading the history.
pub fn release_message(value: &str) -> Result<(), String> {
    if value.trim().is_empty() {
        return Err("Say what this release changes and why".into());
    }
    optional_message(value)
}

pub(crate) fn optional_message(value: &str) -> Result<(), String> {
    if value.chars().count() > RELEASE_MESSAGE_MAX {
        return Err(format!("Use at most {RELEASE_MESSAGE_MAX} characters"));
    }
    if has_control_chars(value) {
        return Err("Remove control characters".into());
    }
    Ok(())
}

pub(crate) fn release_version(value: i64) -> Result<(), String> {
    if value < 0 {
        Err("A version is a number from 0".into())
    } else {
        Ok(())
    }
}

impl Validate for NewNamespace {
    fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        e.check("key", namespace_key(&self.key));
        if self.description.chars().count() > NAMESPACE_DESCRIPTION_MAX {
            e.add(
                "description",
                format!("Use at most {NAMESPACE_DESCRIPTION_MAX} characters"),
            );
        } else if has_control_chars(&self.description) {
            e.add("description", "Remove control characters");
        }
        e.into_result()
    }
}

impl Validate for SetEntry {
    fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        check_entry(&self.entry, &mut e, "");
        e.check("version", release_version(self.version));
        e.into_result()
    }
}

impl Validate for RemoveEntry {
    fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        e.check("key", entry_key(&self.key));
        e.check("version", release_version(self.version));
        e.into_result()
    }
}

impl Validate for CopyNamespace {
    fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        if self.from == self.environment {
            e.add("from", "Pick another environment to copy from");
        }
        e.into_result()
    }
}

impl Validate for PublishDraft {
    fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        e.check("message", release_message(&self.message));
        e.check("main_version", release_version(self.main_version));
        if let Some(target) = &self.gray {
            check_gray_target(target, &mut e, "gray");
        }
        e.into_result()
    }
}

impl Validate for RollbackRelease {
    fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        e.check("message", optional_message(&self.message));
        if self.to_version < 1 {
            e.add("to_version", "Pick a release to roll back to");
        }
        e.check("main_version", release_version(self.main_version));
        e.into_result()
    }
}

impl Validate for DiscardDraft {
    fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        e.check("draft_version", release_version(self.draft_version));
        e.into_result()
    }
}

impl Validate for FinishGray {
    fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        e.check("gray_version", release_version(self.gray_version));
        e.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{EntryConstraints, ValueType};
    use serde_json::{Value, json};

    fn entry(t: ValueType, value: &str) -> Entry {
        Entry {
            key: "setting".into(),
            value_type: t,
            value: value.into(),
            description: String::new(),
            constraints: EntryConstraints::default(),
            secret: false,
        }
    }

    fn with(t: ValueType, value: &str, c: EntryConstraints) -> Entry {
        Entry {
            constraints: c,
            ..entry(t, value)
        }
    }

    fn errors(e: &Entry) -> FieldErrors {
        let mut errs = FieldErrors::new();
        check_entry(e, &mut errs, "entries.3");
        errs
    }

    fn value_error(e: &Entry) -> Option<String> {
        errors(e).get("entries.3.value").map(str::to_owned)
    }

    #[test]
    fn namespace_keys() {
        for good in [
            "checkout",
            "search.ranking",
            "a",
            "team_x-1",
            &"a".repeat(64),
        ] {
            assert!(namespace_key(good).is_ok(), "{good}");
        }
        for bad in ["", "Checkout", ".hidden", "a b", "ümlaut", &"a".repeat(65)] {
            assert!(namespace_key(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn entry_keys() {
        for good in [
            "maxRetries",
            "MAX_RETRIES",
            "http.timeout",
            "a-b",
            "9",
            &"k".repeat(128),
        ] {
            assert!(entry_key(good).is_ok(), "{good}");
        }
        assert_eq!(entry_key("").unwrap_err(), "Enter a key");
        assert_eq!(
            entry_key(&"k".repeat(129)).unwrap_err(),
            "Use at most 128 characters"
        );
        for bad in ["_x", ".x", "a b", "a/b", "é"] {
            assert!(entry_key(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_clean_entry_passes() {
        let e = with(
            ValueType::Integer,
            "5",
            EntryConstraints {
                min: Some(1.0),
                max: Some(10.0),
                ..Default::default()
            },
        );
        assert!(errors(&e).is_empty());
        assert!(e.validate().is_ok());
    }

    #[test]
    fn values_must_parse_as_their_type() {
        assert_eq!(
            value_error(&entry(ValueType::Integer, "9223372036854775808")).unwrap(),
            "Use a whole number between -9223372036854775808 and 9223372036854775807"
        );
        assert_eq!(
            value_error(&entry(ValueType::Float, "NaN")).unwrap(),
            "Enter a finite number, like 0.5"
        );
        assert_eq!(
            value_error(&entry(ValueType::Boolean, "True")).unwrap(),
            "Enter true or false, in lowercase"
        );
        assert!(value_error(&entry(ValueType::Duration, "-1s")).is_some());
        assert!(value_error(&entry(ValueType::Json, "{")).is_some());
        assert!(value_error(&entry(ValueType::String, "")).is_none());
        assert_eq!(
            value_error(&entry(ValueType::String, "a\u{0}b")).unwrap(),
            "Remove control characters"
        );
        assert!(value_error(&entry(ValueType::String, "line\nline\ttab")).is_none());
    }

    #[test]
    fn oversized_values_are_refused() {
        let big = "x".repeat(VALUE_MAX_BYTES + 1);
        assert_eq!(
            value_error(&entry(ValueType::String, &big)).unwrap(),
            "Use at most 64 KiB"
        );
        assert!(value_error(&entry(ValueType::String, &big[1..])).is_none());
    }

    /// The schema's pattern allowance is reported on the schema field, naming the pattern.
    #[test]
    fn schemas_with_too_many_patterns_are_refused() {
        let schema = |n: usize| {
            let properties: serde_json::Map<String, Value> = (0..n)
                .map(|i| {
                    (
                        format!("p{i:03}"),
                        json!({"type": "string", "pattern": "^[a-z]+$"}),
                    )
                })
                .collect();
            json!({"type": "object", "properties": properties})
        };
        let entry = |n: usize| {
            with(
                ValueType::Json,
                "{}",
                EntryConstraints {
                    schema: Some(schema(n)),
                    ..Default::default()
                },
            )
        };
        assert!(errors(&entry(crate::config::schema::SCHEMA_PATTERNS_MAX)).is_empty());
        assert_eq!(
            errors(&entry(200)).get("entries.3.constraints.schema"),
            Some(
                "/properties/p064/pattern: is one pattern too many: a schema may have at most 64 patterns"
            )
        );
    }

    #[test]
    fn key_and_description_fields() {
        let mut e = entry(ValueType::String, "x");
        e.key = "bad key".into();
        e.description = "d".repeat(ENTRY_DESCRIPTION_MAX + 1);
        let errs = errors(&e);
        assert!(errs.get("entries.3.key").is_some());
        assert_eq!(
            errs.get("entries.3.description"),
            Some("Use at most 2000 characters")
        );
        e.description = "bell\u{7}".into();
        assert_eq!(
            errors(&e).get("entries.3.description"),
            Some("Remove control characters")
        );
    }

    #[test]
    fn number_bounds() {
        let c = |min, max| EntryConstraints {
            min,
            max,
            ..Default::default()
        };
        let int = |v: &str| with(ValueType::Integer, v, c(Some(1.0), Some(100.0)));
        assert_eq!(value_error(&int("101")).unwrap(), "Must be at most 100");
        assert_eq!(value_error(&int("0")).unwrap(), "Must be at least 1");
        assert!(value_error(&int("100")).is_none());
        let float = with(ValueType::Float, "0.75", c(None, Some(0.5)));
        assert_eq!(value_error(&float).unwrap(), "Must be at most 0.5");
        // Exact at the edge of what a double can hold.
        let huge = with(
            ValueType::Integer,
            "9223372036854775807",
            c(None, Some(9.2e18)),
        );
        assert_eq!(value_error(&huge).unwrap(), "Must be at most 9.2e+18");
        let fine = with(
            ValueType::Integer,
            "9223372036854775807",
            c(Some(9.2e18), None),
        );
        assert!(value_error(&fine).is_none());
        let min_int = with(
            ValueType::Integer,
            "-9223372036854775808",
            c(Some(-1e19), Some(0.0)),
        );
        assert!(value_error(&min_int).is_none());
    }

    #[test]
    fn duration_bounds_are_milliseconds_and_read_as_durations() {
        let c = EntryConstraints {
            min: Some(1_000.0),
            max: Some(30_000.0),
            ..Default::default()
        };
        let d = |v: &str| with(ValueType::Duration, v, c.clone());
        assert_eq!(value_error(&d("1m")).unwrap(), "Must be at most 30s");
        assert_eq!(value_error(&d("500ms")).unwrap(), "Must be at least 1s");
        assert!(value_error(&d("30s")).is_none());
    }

    #[test]
    fn inconsistent_bounds() {
        let errs = |t, min, max| {
            errors(&with(
                t,
                "1",
                EntryConstraints {
                    min,
                    max,
                    ..Default::default()
                },
            ))
        };
        let e = errs(ValueType::Integer, Some(10.0), Some(5.0));
        assert_eq!(
            e.get("entries.3.constraints.max"),
            Some("Must not be below the minimum (10)")
        );
        // The value is judged by the minimum only, not blamed for the broken maximum.
        assert_eq!(e.get("entries.3.value"), Some("Must be at least 10"));
        let e = errs(ValueType::String, Some(1.0), None);
        assert_eq!(
            e.get("entries.3.constraints.min"),
            Some("Only numbers and durations can have a minimum")
        );
        let e = errs(ValueType::Integer, Some(1.5), Some(f64::INFINITY));
        assert_eq!(
            e.get("entries.3.constraints.min"),
            Some("Use a whole number")
        );
        assert_eq!(
            e.get("entries.3.constraints.max"),
            Some("Enter a finite number")
        );
        let e = errors(&with(
            ValueType::Duration,
            "1s",
            EntryConstraints {
                min: Some(-1.0),
                ..Default::default()
            },
        ));
        assert_eq!(
            e.get("entries.3.constraints.min"),
            Some("Use a whole number of milliseconds, 0 or more")
        );
    }

    #[test]
    fn string_constraints() {
        let c = EntryConstraints {
            pattern: Some("^[a-z]+$".into()),
            max_length: Some(5),
            ..Default::default()
        };
        let s = |v: &str| with(ValueType::String, v, c.clone());
        assert!(value_error(&s("abc")).is_none());
        assert_eq!(value_error(&s("abc1")).unwrap(), "Must match ^[a-z]+$");
        assert_eq!(
            value_error(&s("abcdef")).unwrap(),
            "Use at most 5 characters"
        );
        assert!(value_error(&s("ééééé")).is_some(), "é is not in [a-z]");
        let unicode = with(
            ValueType::String,
            "ééééé",
            EntryConstraints {
                max_length: Some(5),
                ..Default::default()
            },
        );
        assert!(
            value_error(&unicode).is_none(),
            "counts characters, not bytes"
        );
        // Unanchored, as in JSON Schema.
        let search = with(
            ValueType::String,
            "prod-eu-1",
            EntryConstraints {
                pattern: Some("eu".into()),
                ..Default::default()
            },
        );
        assert!(value_error(&search).is_none());
    }

    #[test]
    fn string_constraints_on_other_types_and_broken_patterns() {
        let e = errors(&with(
            ValueType::Integer,
            "1",
            EntryConstraints {
                pattern: Some("[0-9]".into()),
                max_length: Some(3),
                ..Default::default()
            },
        ));
        assert_eq!(
            e.get("entries.3.constraints.pattern"),
            Some("Only strings can have a pattern")
        );
        assert_eq!(
            e.get("entries.3.constraints.max_length"),
            Some("Only strings have a maximum length")
        );
        let e = errors(&with(
            ValueType::String,
            "x",
            EntryConstraints {
                pattern: Some("(x".into()),
                max_length: Some(0),
                ..Default::default()
            },
        ));
        assert_eq!(
            e.get("entries.3.constraints.pattern"),
            Some("Enter a valid regular expression: found open group without closing ')'")
        );
        assert_eq!(
            e.get("entries.3.constraints.max_length"),
            Some("Use at least 1")
        );
        assert_eq!(e.get("entries.3.value"), None);
        let empty = with(
            ValueType::Integer,
            "1",
            EntryConstraints {
                pattern: Some(String::new()),
                ..Default::default()
            },
        );
        assert!(
            errors(&empty).is_empty(),
            "an emptied pattern field is no pattern"
        );
    }

    #[test]
    fn allowed_values_compare_canonically() {
        let c = |values: &[&str]| EntryConstraints {
            allowed: values.iter().map(|v| v.to_string()).collect(),
            ..Default::default()
        };
        let s = with(ValueType::String, "c", c(&["a", "b"]));
        assert_eq!(value_error(&s).unwrap(), "Must be one of: a, b");
        assert!(value_error(&with(ValueType::String, "a", c(&["a", "b"]))).is_none());
        let d = with(ValueType::Duration, "90s", c(&["1m30s", "5m"]));
        assert!(value_error(&d).is_none(), "90s is 1m30s");
        let d = with(ValueType::Duration, "1s", c(&["90s", "300s"]));
        assert_eq!(value_error(&d).unwrap(), "Must be one of: 1m30s, 5m");
        let j = with(
            ValueType::Json,
            "{\"b\":1, \"a\":2}",
            c(&["{\"a\": 2, \"b\": 1}"]),
        );
        assert!(value_error(&j).is_none());
        let many: Vec<String> = (0..12).map(|i| i.to_string()).collect();
        let m = with(
            ValueType::Integer,
            "99",
            EntryConstraints {
                allowed: many,
                ..Default::default()
            },
        );
        assert_eq!(
            value_error(&m).unwrap(),
            "Must be one of: 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, … (12 in all)"
        );
    }

    #[test]
    fn allowed_values_must_be_valid_and_distinct() {
        let e = errors(&with(
            ValueType::Integer,
            "1",
            EntryConstraints {
                allowed: vec!["1".into(), "one".into(), "+1".into()],
                ..Default::default()
            },
        ));
        assert_eq!(
            e.get("entries.3.constraints.allowed.1"),
            Some("Enter a whole number, like 42")
        );
        assert_eq!(
            e.get("entries.3.constraints.allowed.2"),
            Some("This value is listed twice")
        );
        let too_many = errors(&with(
            ValueType::Integer,
            "1",
            EntryConstraints {
                allowed: (0..=ALLOWED_MAX).map(|i| i.to_string()).collect(),
                ..Default::default()
            },
        ));
        assert_eq!(
            too_many.get("entries.3.constraints.allowed"),
            Some("Use at most 100 allowed values")
        );
    }

    #[test]
    fn json_schema_constraint() {
        let schema = json!({
            "type": "object",
            "properties": {"items": {"type": "array", "items": {
                "type": "object", "properties": {"price": {"type": "number"}}
            }}}
        });
        let c = EntryConstraints {
            schema: Some(schema),
            ..Default::default()
        };
        let ok = with(ValueType::Json, r#"{"items": [{"price": 1}]}"#, c.clone());
        assert!(errors(&ok).is_empty());
        let bad = with(
            ValueType::Json,
            r#"{"items": [{"price": 1}, {"price": 2}, {"price": "3"}]}"#,
            c.clone(),
        );
        assert_eq!(
            value_error(&bad).unwrap(),
            "/items/2/price: must be a number"
        );
        let two = with(
            ValueType::Json,
            r#"{"items": [{"price": "1"}, {"price": "2"}]}"#,
            c,
        );
        assert_eq!(
            value_error(&two).unwrap(),
            "/items/0/price: must be a number (and 1 more)"
        );
    }

    #[test]
    fn broken_or_misplaced_schemas() {
        let e = errors(&with(
            ValueType::Json,
            "{}",
            EntryConstraints {
                schema: Some(json!({"required": 3})),
                ..Default::default()
            },
        ));
        assert_eq!(
            e.get("entries.3.constraints.schema"),
            Some("/required: must be a list of property names")
        );
        assert_eq!(e.get("entries.3.value"), None);
        let e = errors(&with(
            ValueType::String,
            "x",
            EntryConstraints {
                schema: Some(json!({})),
                ..Default::default()
            },
        ));
        assert_eq!(
            e.get("entries.3.constraints.schema"),
            Some("Only JSON entries can have a schema")
        );
    }

    #[test]
    fn a_masked_value_keeps_a_secret_and_is_refused_for_a_plain_entry() {
        let masked = format!("{} #0a1b2c3d", crate::config::SECRET_MASK);
        let secret = Entry {
            secret: true,
            ..entry(ValueType::Integer, &masked)
        };
        assert!(
            secret.validate().is_ok(),
            "the mask stands for the stored value"
        );
        let typed = Entry {
            secret: true,
            ..entry(ValueType::Integer, "forty")
        };
        assert_eq!(
            typed.validate().unwrap_err().get("value"),
            Some("Enter a whole number, like 42"),
            "a typed secret is checked like any value"
        );
        let plain = entry(ValueType::String, &masked);
        assert!(
            plain
                .validate()
                .unwrap_err()
                .get("value")
                .is_some_and(|m| m.starts_with("Type the value"))
        );
    }

    #[test]
    fn entry_lists_refuse_duplicates_and_excess() {
        let named = |k: &str| Entry {
            key: k.into(),
            ..entry(ValueType::Boolean, "true")
        };
        let mut e = FieldErrors::new();
        check_entries(
            &[
                named("a"),
                named("b"),
                named("a"),
                named("B"),
                named("bad key"),
            ],
            &mut e,
        );
        assert_eq!(e.get("entries.0.key"), None);
        assert_eq!(e.get("entries.2.key"), Some("Another entry has this key"));
        assert_eq!(
            e.get("entries.3.key"),
            Some("Another entry has this key as b; keys must differ by more than capitals")
        );
        assert!(e.get("entries.4.key").is_some());
        let mut e = FieldErrors::new();
        let many: Vec<Entry> = (0..=ENTRIES_MAX).map(|i| named(&format!("k{i}"))).collect();
        check_entries(&many, &mut e);
        assert_eq!(
            e.get("entries"),
            Some("Use at most 1000 entries in a namespace")
        );
        assert_eq!(e.0.len(), 1);
    }

    #[test]
    fn gray_targets() {
        let check = |t: GrayTarget| {
            let mut e = FieldErrors::new();
            check_gray_target(&t, &mut e, "target");
            e
        };
        let selector = crate::config::Selector::parse("region=eu").unwrap();
        assert!(check(GrayTarget::Labels { selector }).is_empty());
        let empty = crate::config::Selector {
            requirements: vec![],
        };
        assert!(
            check(GrayTarget::Labels { selector: empty })
                .get("target.selector")
                .is_some()
        );
        assert!(check(GrayTarget::Percentage { percent: 30 }).is_empty());
        for bad in [0, 101] {
            assert_eq!(
                check(GrayTarget::Percentage { percent: bad }).get("target.percent"),
                Some("Use a percentage from 1 to 100")
            );
        }
        assert!(label_selector("region=eu,host in (a,b)").is_ok());
        assert_eq!(
            label_selector("region=").unwrap_err(),
            "Enter a value after region="
        );
    }

    #[test]
    fn keys_clash_when_equal_or_equal_but_for_capitals() {
        let capitals =
            "Another entry has this key as retries; keys must differ by more than capitals";
        for (key, other, expected) in [
            ("retries", "retries", Some("Another entry has this key")),
            ("Retries", "retries", Some(capitals)),
            ("RETRIES", "retries", Some(capitals)),
            ("retries", "retries2", None),
            ("retries", "timeout", None),
        ] {
            assert_eq!(
                key_clash(key, other).as_deref(),
                expected,
                "{key} beside {other}"
            );
        }
        assert_eq!(entry_count(ENTRIES_MAX), Ok(()));
        assert_eq!(
            entry_count(ENTRIES_MAX + 1),
            Err(format!("Use at most {ENTRIES_MAX} entries in a namespace"))
        );
    }

    #[test]
    fn discarding_and_ending_gray_name_a_version_from_zero() {
        let discard = |v| DiscardDraft {
            namespace: "checkout".into(),
            environment: "staging".into(),
            draft_version: v,
        };
        assert!(discard(0).validate().is_ok());
        let e = discard(-1).validate().unwrap_err();
        assert_eq!(e.get("draft_version"), Some("A version is a number from 0"));
        let finish = |v| FinishGray {
            namespace: "checkout".into(),
            environment: "staging".into(),
            gray_version: v,
            promote: true,
        };
        assert!(finish(3).validate().is_ok());
        let e = finish(-5).validate().unwrap_err();
        assert_eq!(e.get("gray_version"), Some("A version is a number from 0"));
    }
}

#[cfg(test)]
#[path = "config_props.rs"]
mod props;
