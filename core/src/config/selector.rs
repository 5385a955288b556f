//! Who receives a gray release: instances whose labels match a selector, or a sticky percentage
//! of instance ids.
//!
//! Selectors are written as in Kubernetes: `region=eu,host in (a,b),tier!=canary,zone notin (x)`,
//! plus `key` (the label is set) and `!key` (it is not). Commas mean AND. As in Kubernetes, `!=`
//! and `notin` also match instances that lack the label.

use crate::flags::hash::rollout_bucket;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

pub const SELECTOR_MAX: usize = 1000;
pub const REQUIREMENTS_MAX: usize = 20;
pub const SELECTOR_VALUES_MAX: usize = 100;
/// Longer than Kubernetes' 63 so fully qualified host names fit.
pub const LABEL_KEY_MAX: usize = 128;
pub const LABEL_VALUE_MAX: usize = 128;

/// One condition on an instance's labels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Requirement {
    Equals { key: String, value: String },
    NotEquals { key: String, value: String },
    In { key: String, values: Vec<String> },
    NotIn { key: String, values: Vec<String> },
    Exists { key: String },
    NotExists { key: String },
}

impl Requirement {
    pub fn key(&self) -> &str {
        match self {
            Requirement::Equals { key, .. }
            | Requirement::NotEquals { key, .. }
            | Requirement::In { key, .. }
            | Requirement::NotIn { key, .. }
            | Requirement::Exists { key }
            | Requirement::NotExists { key } => key,
        }
    }

    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        let label = labels.get(self.key());
        match self {
            Requirement::Equals { value, .. } => label == Some(value),
            Requirement::NotEquals { value, .. } => label != Some(value),
            Requirement::In { values, .. } => label.is_some_and(|l| values.contains(l)),
            Requirement::NotIn { values, .. } => !label.is_some_and(|l| values.contains(l)),
            Requirement::Exists { .. } => label.is_some(),
            Requirement::NotExists { .. } => label.is_none(),
        }
    }

    /// The same rules the parser applies, for requirements that arrive already structured.
    pub fn check(&self) -> Result<(), String> {
        label_key(self.key())?;
        match self {
            Requirement::Equals { value, .. } | Requirement::NotEquals { value, .. } => {
                label_value(value)
            }
            Requirement::In { key, values } | Requirement::NotIn { key, values } => {
                if values.is_empty() {
                    return Err(format!("List at least one value for {key}"));
                }
                if values.len() > SELECTOR_VALUES_MAX {
                    return Err(format!(
                        "Use at most {SELECTOR_VALUES_MAX} values for {key}"
                    ));
                }
                values.iter().try_for_each(|v| label_value(v))
            }
            Requirement::Exists { .. } | Requirement::NotExists { .. } => Ok(()),
        }
    }
}

impl fmt::Display for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Requirement::Equals { key, value } => write!(f, "{key}={value}"),
            Requirement::NotEquals { key, value } => write!(f, "{key}!={value}"),
            Requirement::In { key, values } => write!(f, "{key} in ({})", values.join(",")),
            Requirement::NotIn { key, values } => write!(f, "{key} notin ({})", values.join(",")),
            Requirement::Exists { key } => write!(f, "{key}"),
            Requirement::NotExists { key } => write!(f, "!{key}"),
        }
    }
}

/// All requirements must hold. Travels as its text (`region=eu,host in (a,b)`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Selector {
    pub requirements: Vec<Requirement>,
}

impl Selector {
    /// Reads selector text. `in`/`notin` lists come back sorted without repeats, so the text
    /// [`Display`](fmt::Display) gives back parses to the same selector.
    pub fn parse(text: &str) -> Result<Selector, String> {
        if text.chars().count() > SELECTOR_MAX {
            return Err(format!("Use at most {SELECTOR_MAX} characters"));
        }
        let mut p = Parser { rest: text };
        let mut requirements = Vec::new();
        loop {
            p.skip_ws();
            if p.rest.is_empty() {
                return Err(if requirements.is_empty() {
                    "Enter at least one requirement, like region=eu".into()
                } else {
                    "Remove the comma at the end".into()
                });
            }
            requirements.push(p.requirement()?);
            p.skip_ws();
            if p.rest.is_empty() {
                break;
            }
            if !p.eat(',') {
                return Err(format!(
                    "Separate requirements with commas, before \"{}\"",
                    p.excerpt()
                ));
            }
        }
        let selector = Selector { requirements };
        selector.check_count()?;
        // The selector is stored as its Display text, which puts a space after `in` and `notin`
        // that the typed text may lack; that text must fit too, or it could not be read back.
        let written = selector.to_string().chars().count();
        if written > SELECTOR_MAX {
            return Err(format!(
                "Use at most {SELECTOR_MAX} characters (written out with a space before each \
                 list, this selector has {written})"
            ));
        }
        Ok(selector)
    }

    /// Everything [`Selector::parse`] insists on, for selectors that arrive structured.
    pub fn check(&self) -> Result<(), String> {
        if self.requirements.is_empty() {
            return Err("Enter at least one requirement, like region=eu".into());
        }
        self.check_count()?;
        self.requirements.iter().try_for_each(Requirement::check)
    }

    fn check_count(&self) -> Result<(), String> {
        if self.requirements.len() > REQUIREMENTS_MAX {
            return Err(format!("Use at most {REQUIREMENTS_MAX} requirements"));
        }
        Ok(())
    }

    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.requirements.iter().all(|r| r.matches(labels))
    }
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, r) in self.requirements.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{r}")?;
        }
        Ok(())
    }
}

impl TryFrom<String> for Selector {
    type Error = String;

    fn try_from(text: String) -> Result<Selector, String> {
        Selector::parse(&text)
    }
}

impl From<Selector> for String {
    fn from(selector: Selector) -> String {
        selector.to_string()
    }
}

impl FromStr for Selector {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Selector::parse(s)
    }
}

/// The part of the fleet a gray release goes to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum GrayTarget {
    Labels {
        #[cfg_attr(feature = "openapi", schema(value_type = String, example = "region=eu,host in (a,b)"))]
        selector: Selector,
    },
    /// 0 to 100. The same instances stay in as long as the group is the same, and raising the
    /// percentage only adds instances.
    Percentage { percent: u32 },
}

impl GrayTarget {
    /// Does the instance receive the gray release? `group` (the namespace, or the release) seeds
    /// the percentage so each rollout picks its own instances rather than always the same few.
    pub fn matches(
        &self,
        group: &str,
        instance_id: &str,
        labels: &BTreeMap<String, String>,
    ) -> bool {
        match self {
            GrayTarget::Labels { selector } => selector.matches(labels),
            GrayTarget::Percentage { percent } => {
                // Instances without an id would all share one bucket; keep them on the release
                // everyone gets until the rollout is complete.
                *percent >= 100
                    || (!instance_id.is_empty() && rollout_bucket(group, instance_id) <= *percent)
            }
        }
    }
}

impl fmt::Display for GrayTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GrayTarget::Labels { selector } => write!(f, "{selector}"),
            GrayTarget::Percentage { percent } => write!(f, "{percent}% of instances"),
        }
    }
}

fn label_key(key: &str) -> Result<(), String> {
    let mut cs = key.chars();
    let first = cs.next().is_some_and(|c| c.is_ascii_alphanumeric());
    if !first || !cs.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/')) {
        return Err(format!(
            "Label names use letters, digits, dots, dashes, underscores and slashes, starting \
             with a letter or digit: \"{key}\""
        ));
    }
    if key.chars().count() > LABEL_KEY_MAX {
        return Err(format!(
            "Use label names of at most {LABEL_KEY_MAX} characters"
        ));
    }
    Ok(())
}

fn label_value(value: &str) -> Result<(), String> {
    if value.is_empty()
        || !value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/' | ':'))
    {
        return Err(format!(
            "Label values use letters, digits, dots, dashes, underscores, slashes and colons: \
             \"{value}\""
        ));
    }
    if value.chars().count() > LABEL_VALUE_MAX {
        return Err(format!(
            "Use label values of at most {LABEL_VALUE_MAX} characters"
        ));
    }
    Ok(())
}

struct Parser<'a> {
    rest: &'a str,
}

fn is_delimiter(c: char) -> bool {
    c.is_whitespace() || matches!(c, ',' | '(' | ')' | '=' | '!')
}

impl<'a> Parser<'a> {
    fn skip_ws(&mut self) {
        self.rest = self.rest.trim_start();
    }

    fn eat(&mut self, c: char) -> bool {
        match self.rest.strip_prefix(c) {
            Some(rest) => {
                self.rest = rest;
                true
            }
            None => false,
        }
    }

    /// A run of characters up to the next delimiter (possibly empty).
    fn word(&mut self) -> &'a str {
        let end = self.rest.find(is_delimiter).unwrap_or(self.rest.len());
        let (word, rest) = self.rest.split_at(end);
        self.rest = rest;
        word
    }

    /// The next few characters, to point at in a message.
    fn excerpt(&self) -> String {
        let mut s: String = self.rest.chars().take(20).collect();
        if self.rest.chars().count() > 20 {
            s.push('…');
        }
        s
    }

    fn key(&mut self) -> Result<&'a str, String> {
        let key = self.word();
        if key.is_empty() {
            return Err(if self.rest.is_empty() {
                "Enter a label name at the end".into()
            } else {
                format!("Expected a label name before \"{}\"", self.excerpt())
            });
        }
        label_key(key)?;
        Ok(key)
    }

    fn requirement(&mut self) -> Result<Requirement, String> {
        if self.eat('!') {
            self.skip_ws();
            let key = self.key()?.to_owned();
            return Ok(Requirement::NotExists { key });
        }
        let key = self.key()?.to_owned();
        self.skip_ws();
        if self.rest.is_empty() || self.rest.starts_with(',') {
            return Ok(Requirement::Exists { key });
        }
        if self.eat('=') {
            self.eat('=');
            let value = self.value(&key, "=")?;
            return Ok(Requirement::Equals { key, value });
        }
        if self.eat('!') {
            if !self.eat('=') {
                return Err(format!("Write != after {key} for \"not equal\""));
            }
            let value = self.value(&key, "!=")?;
            return Ok(Requirement::NotEquals { key, value });
        }
        let op = self.word();
        let values = match op {
            "in" | "notin" => self.list(&key, op)?,
            "" => {
                return Err(format!(
                    "Expected =, !=, in or notin after {key}, before \"{}\"",
                    self.excerpt()
                ));
            }
            other => {
                return Err(format!(
                    "Expected =, !=, in or notin after {key}, not \"{other}\""
                ));
            }
        };
        Ok(if op == "in" {
            Requirement::In { key, values }
        } else {
            Requirement::NotIn { key, values }
        })
    }

    fn value(&mut self, key: &str, op: &str) -> Result<String, String> {
        self.skip_ws();
        let value = self.word();
        if value.is_empty() {
            return Err(format!("Enter a value after {key}{op}"));
        }
        label_value(value)?;
        Ok(value.to_owned())
    }

    fn list(&mut self, key: &str, op: &str) -> Result<Vec<String>, String> {
        self.skip_ws();
        if !self.eat('(') {
            return Err(format!(
                "Put the values in parentheses, like {key} {op} (a,b)"
            ));
        }
        let mut values = Vec::new();
        loop {
            self.skip_ws();
            let value = self.word();
            if value.is_empty() {
                return Err(format!("Enter a value in the list after {key} {op}"));
            }
            label_value(value)?;
            values.push(value.to_owned());
            self.skip_ws();
            if self.eat(')') {
                break;
            }
            if !self.eat(',') {
                return Err(format!("Close the list after {key} {op} with )"));
            }
        }
        values.sort();
        values.dedup();
        if values.len() > SELECTOR_VALUES_MAX {
            return Err(format!(
                "Use at most {SELECTOR_VALUES_MAX} values for {key}"
            ));
        }
        Ok(values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn sel(text: &str) -> Selector {
        Selector::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn parses_every_operator() {
        let s = sel("region=eu,host in (b, a),tier!=canary,zone notin (x),gpu,!legacy");
        assert_eq!(
            s.requirements,
            vec![
                Requirement::Equals {
                    key: "region".into(),
                    value: "eu".into()
                },
                Requirement::In {
                    key: "host".into(),
                    values: vec!["a".into(), "b".into()]
                },
                Requirement::NotEquals {
                    key: "tier".into(),
                    value: "canary".into()
                },
                Requirement::NotIn {
                    key: "zone".into(),
                    values: vec!["x".into()]
                },
                Requirement::Exists { key: "gpu".into() },
                Requirement::NotExists {
                    key: "legacy".into()
                },
            ]
        );
        assert_eq!(
            s.to_string(),
            "region=eu,host in (a,b),tier!=canary,zone notin (x),gpu,!legacy"
        );
    }

    #[test]
    fn display_round_trips_and_normalises_spelling() {
        for text in [
            "region=eu",
            "  region == eu ,  host in(a,b,a) ",
            "app.kubernetes.io/name=web,version notin (1.2.3,1.2.4)",
            "! legacy",
            "addr=10.0.0.1:8080",
        ] {
            let s = sel(text);
            assert_eq!(sel(&s.to_string()), s, "{text}");
        }
        assert_eq!(
            sel("  region == eu ,  host in(a,b,a) ").to_string(),
            "region=eu,host in (a,b)"
        );
        assert_eq!("tier!=x".parse::<Selector>().unwrap(), sel("tier != x"));
    }

    #[test]
    fn malformed_selectors_say_what_is_wrong() {
        let err = |t: &str| Selector::parse(t).unwrap_err();
        assert_eq!(err(""), "Enter at least one requirement, like region=eu");
        assert_eq!(err("region=eu,"), "Remove the comma at the end");
        assert_eq!(err("region="), "Enter a value after region=");
        assert_eq!(
            err("region eu"),
            "Expected =, !=, in or notin after region, not \"eu\""
        );
        assert_eq!(err("region !eu"), "Write != after region for \"not equal\"");
        assert_eq!(
            err("host in a,b"),
            "Put the values in parentheses, like host in (a,b)"
        );
        assert_eq!(err("host in (a,b"), "Close the list after host in with )");
        assert_eq!(err("host in ()"), "Enter a value in the list after host in");
        assert_eq!(err("=eu"), "Expected a label name before \"=eu\"");
        assert_eq!(
            err("region=eu tier=x"),
            "Separate requirements with commas, before \"tier=x\""
        );
        assert!(err("région=eu").starts_with("Label names use letters"));
        assert!(err("region=e@u").starts_with("Label values use letters"));
        assert!(err("-x=1").starts_with("Label names use letters"));
        assert!(err("a=b,".repeat(21).trim_end_matches(',')).contains("at most 20"));
        assert!(err(&"x".repeat(SELECTOR_MAX + 1)).contains("at most 1000"));
    }

    #[test]
    fn matching_follows_kubernetes() {
        let eu_a = labels(&[("region", "eu"), ("host", "a"), ("tier", "web")]);
        let us = labels(&[("region", "us")]);
        let s = sel("region=eu,host in (a,b),tier!=canary,zone notin (x)");
        assert!(s.matches(&eu_a));
        assert!(!s.matches(&us));
        assert!(!s.matches(&labels(&[("region", "eu"), ("host", "c")])));
        assert!(!s.matches(&labels(&[
            ("region", "eu"),
            ("host", "a"),
            ("tier", "canary")
        ])));
        assert!(!s.matches(&labels(&[("region", "eu"), ("host", "a"), ("zone", "x")])));
        // Absent labels satisfy != and notin, and fail = and in.
        assert!(sel("tier!=canary").matches(&us));
        assert!(sel("zone notin (x)").matches(&us));
        assert!(!sel("zone in (x)").matches(&us));
        assert!(sel("region").matches(&us));
        assert!(!sel("!region").matches(&us));
        assert!(sel("!gpu").matches(&us));
    }

    #[test]
    fn structured_selectors_are_checked_like_parsed_ones() {
        assert!(
            Selector {
                requirements: vec![]
            }
            .check()
            .is_err()
        );
        let bad_value = Selector {
            requirements: vec![Requirement::Equals {
                key: "region".into(),
                value: "".into(),
            }],
        };
        assert!(bad_value.check().is_err());
        let empty_list = Selector {
            requirements: vec![Requirement::In {
                key: "host".into(),
                values: vec![],
            }],
        };
        assert_eq!(
            empty_list.check().unwrap_err(),
            "List at least one value for host"
        );
        assert!(sel("region=eu,host in (a,b)").check().is_ok());
    }

    #[test]
    fn gray_target_serde_and_display() {
        let t = GrayTarget::Percentage { percent: 30 };
        assert_eq!(
            serde_json::to_value(&t).unwrap(),
            serde_json::json!({"kind": "percentage", "percent": 30})
        );
        assert_eq!(t.to_string(), "30% of instances");
        let l = GrayTarget::Labels {
            selector: sel("region=eu"),
        };
        let json = serde_json::to_value(&l).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "labels", "selector": "region=eu"})
        );
        assert_eq!(serde_json::from_value::<GrayTarget>(json).unwrap(), l);
        assert_eq!(l.to_string(), "region=eu");
        let bad = serde_json::json!({"kind": "labels", "selector": "region in ("});
        assert!(serde_json::from_value::<GrayTarget>(bad).is_err());
    }

    #[test]
    fn label_targets_ignore_the_instance_id() {
        let t = GrayTarget::Labels {
            selector: sel("region=eu"),
        };
        assert!(t.matches("checkout", "i-1", &labels(&[("region", "eu")])));
        assert!(!t.matches("checkout", "i-1", &labels(&[("region", "us")])));
    }

    #[test]
    fn percentage_is_sticky_and_evenly_spread() {
        let none = BTreeMap::new();
        let t = GrayTarget::Percentage { percent: 30 };
        let ids: Vec<String> = (0..10_000).map(|i| format!("instance-{i}")).collect();
        let picked: Vec<&String> = ids
            .iter()
            .filter(|id| t.matches("checkout", id, &none))
            .collect();
        assert!((2800..=3200).contains(&picked.len()), "{}", picked.len());
        // Same instances every time.
        let again: Vec<&String> = ids
            .iter()
            .filter(|id| t.matches("checkout", id, &none))
            .collect();
        assert_eq!(picked, again);
        // Raising the percentage keeps everyone who was in.
        let wider = GrayTarget::Percentage { percent: 60 };
        assert!(picked.iter().all(|id| wider.matches("checkout", id, &none)));
        // Another group picks different instances.
        let other: Vec<&String> = ids
            .iter()
            .filter(|id| t.matches("search", id, &none))
            .collect();
        assert_ne!(picked, other);
        // The ends of the range.
        let zero = GrayTarget::Percentage { percent: 0 };
        let all = GrayTarget::Percentage { percent: 100 };
        assert!(ids.iter().all(|id| !zero.matches("checkout", id, &none)));
        assert!(ids.iter().all(|id| all.matches("checkout", id, &none)));
        assert!(!t.matches("checkout", "", &none));
        assert!(all.matches("checkout", "", &none));
    }
}

#[cfg(test)]
#[path = "selector_props.rs"]
mod props;
