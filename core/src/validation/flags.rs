//! Input rules for flags, their per-environment settings and segments.

use super::{FieldErrors, Validate, rules};
use crate::cidr::Cidr;
use crate::flags::{
    Constraint, CopyFlagSettings, CopyFlagSettingsEverywhere, DeleteSegment, FlagKind,
    ImportUnleash, NewFlag, NewSegment, Operator, Prerequisite, Rollout, Rule, SaveFlagSettings,
    Serve, SetFlagArchived, SetFlagEnabled, UpdateFlag, UpdateSegment, Variant,
};
use std::collections::{HashMap, HashSet};

pub const FLAG_KEY_MAX: usize = 128;
pub const FLAG_NAME_MAX: usize = 200;
pub const DESCRIPTION_MAX: usize = 2000;
pub const TAGS_MAX: usize = 20;
pub const TAG_MAX: usize = 40;
pub const VARIANTS_MAX: usize = 100;
pub const VARIANT_KEY_MAX: usize = 64;
pub const VARIANT_VALUE_MAX_BYTES: usize = 32 * 1024;
pub const RULES_MAX: usize = 100;
pub const PREREQUISITES_MAX: usize = 10;
pub const CONSTRAINTS_MAX: usize = 50;
pub const VALUES_MAX: usize = 1000;
pub const ATTRIBUTE_MAX: usize = 100;
pub const SPLIT_TOTAL_MAX: u32 = 1_000_000;
pub const IMPORT_MAX_BYTES: usize = 5 * 1024 * 1024;

pub(crate) fn slug(value: &str, max: usize, extra: &[char], what: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err(format!("Enter a {what}"));
    }
    if value.chars().count() > max {
        return Err(format!("Use at most {max} characters"));
    }
    let mut cs = value.chars();
    let first = cs
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if !first || !cs.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || extra.contains(&c)) {
        let extras: String = extra.iter().map(|c| format!(" {c}")).collect();
        return Err(format!(
            "Use lowercase letters, digits and{extras}, starting with a letter or digit"
        ));
    }
    Ok(())
}

/// `[a-z0-9][a-z0-9._-]{0,127}`
pub fn flag_key(value: &str) -> Result<(), String> {
    slug(value, FLAG_KEY_MAX, &['.', '_', '-'], "key")
}

pub fn segment_key(value: &str) -> Result<(), String> {
    slug(value, FLAG_KEY_MAX, &['.', '_', '-'], "key")
}

pub fn tag(value: &str) -> Result<(), String> {
    slug(value, TAG_MAX, &['.', '_', '-', ':'], "tag")
}

pub fn variant_key(value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err("Enter a variant key".into());
    }
    if value.chars().count() > VARIANT_KEY_MAX {
        return Err(format!("Use at most {VARIANT_KEY_MAX} characters"));
    }
    if !value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Err("Use letters, digits, dots, dashes and underscores".into());
    }
    Ok(())
}

fn text(value: &str, max: usize, field: &str, e: &mut FieldErrors) {
    if value.chars().count() > max {
        e.add(field, format!("Use at most {max} characters"));
    } else if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        e.add(field, "Remove control characters");
    }
}

fn check_meta(name: &str, description: &str, tags: &[String], owner: &str, e: &mut FieldErrors) {
    e.check("name", rules::display_name(name, FLAG_NAME_MAX));
    text(description, DESCRIPTION_MAX, "description", e);
    text(owner, rules::NAME_MAX, "owner", e);
    if tags.len() > TAGS_MAX {
        e.add("tags", format!("Use at most {TAGS_MAX} tags"));
    }
    let mut seen = HashSet::new();
    for (i, t) in tags.iter().enumerate() {
        e.check(&format!("tags.{i}"), tag(t));
        if !seen.insert(t) {
            e.add(format!("tags.{i}"), "This tag is listed twice");
        }
    }
}

/// The variants of a flag of `kind`: unique keys, values of the flag's type, sizes bounded.
pub fn check_variants(kind: FlagKind, variants: &[Variant], e: &mut FieldErrors) {
    if kind == FlagKind::Boolean {
        let keys: Vec<(&str, &serde_json::Value)> = variants
            .iter()
            .map(|v| (v.key.as_str(), &v.value))
            .collect();
        if keys
            != [
                ("on", &serde_json::Value::Bool(true)),
                ("off", &serde_json::Value::Bool(false)),
            ]
        {
            e.add(
                "variants",
                "A boolean flag has exactly the variants on (true) and off (false)",
            );
        }
        return;
    }
    if variants.is_empty() {
        e.add("variants", "Add at least one variant");
    }
    if variants.len() > VARIANTS_MAX {
        e.add("variants", format!("Use at most {VARIANTS_MAX} variants"));
    }
    let mut seen = HashSet::new();
    for (i, v) in variants.iter().enumerate() {
        e.check(&format!("variants.{i}.key"), variant_key(&v.key));
        if !seen.insert(v.key.as_str()) {
            e.add(format!("variants.{i}.key"), "Another variant has this key");
        }
        if !kind.accepts(&v.value) {
            let want = match kind {
                FlagKind::String => "text",
                FlagKind::Number => "a number",
                FlagKind::Json => "a JSON object or array",
                FlagKind::Boolean => "true or false",
            };
            e.add(
                format!("variants.{i}.value"),
                format!("The value must be {want}"),
            );
        } else if v.value.to_string().len() > VARIANT_VALUE_MAX_BYTES {
            e.add(
                format!("variants.{i}.value"),
                format!("Use at most {} KiB", VARIANT_VALUE_MAX_BYTES / 1024),
            );
        }
        text(
            &v.description,
            DESCRIPTION_MAX,
            &format!("variants.{i}.description"),
            e,
        );
    }
}

/// One constraint's operator and values.
pub fn check_constraint(c: &Constraint, field: &str, e: &mut FieldErrors) {
    if c.attribute.trim().is_empty() {
        e.add(format!("{field}.attribute"), "Enter an attribute");
    } else if c.attribute.chars().count() > ATTRIBUTE_MAX {
        e.add(
            format!("{field}.attribute"),
            format!("Use at most {ATTRIBUTE_MAX} characters"),
        );
    }
    let values = format!("{field}.values");
    match c.operator {
        Operator::Unknown => e.add(format!("{field}.operator"), "Unknown operator"),
        op if op.is_multi() => {
            if c.values.is_empty() {
                e.add(values, "Add at least one value");
            } else if c.values.len() > VALUES_MAX {
                e.add(values, format!("Use at most {VALUES_MAX} values"));
            } else if op.is_string() && c.values.iter().any(String::is_empty) {
                e.add(values, "Remove the empty value");
            } else if op == Operator::InCidr
                && let Some(why) = c.values.iter().find_map(|v| v.parse::<Cidr>().err())
            {
                e.add(values, why);
            }
        }
        op => match c.values.as_slice() {
            [v] => {
                let problem = match op {
                    Operator::NumEq
                    | Operator::NumLt
                    | Operator::NumLte
                    | Operator::NumGt
                    | Operator::NumGte => (!v.trim().parse::<f64>().is_ok_and(f64::is_finite))
                        .then_some("Enter a number"),
                    Operator::DateBefore | Operator::DateAfter => {
                        match crate::time::parse_rfc3339(v) {
                            Some(_) => None,
                            None if crate::time::year_out_of_range(v) => {
                                Some("Years have four digits, from 0000 to 9999")
                            }
                            None => Some("Enter a date and time like 2026-01-31T12:00:00Z"),
                        }
                    }
                    Operator::Regex => {
                        if let Err(why) = crate::pattern::compile_with_case(v, c.case_insensitive) {
                            e.add(values.clone(), why);
                        }
                        None
                    }
                    _ => semver::Version::parse(v.trim())
                        .is_err()
                        .then_some("Enter a semantic version like 1.4.2 or 2.0.0-beta.1"),
                };
                if let Some(p) = problem {
                    e.add(values, p);
                }
            }
            _ => e.add(values, "Enter exactly one value"),
        },
    }
}

pub fn check_constraints(constraints: &[Constraint], field: &str, e: &mut FieldErrors) {
    if constraints.len() > CONSTRAINTS_MAX {
        e.add(field, format!("Use at most {CONSTRAINTS_MAX} constraints"));
    }
    for (i, c) in constraints.iter().enumerate() {
        check_constraint(c, &format!("{field}.{i}"), e);
    }
}

fn check_rollout(r: &Rollout, field: &str, e: &mut FieldErrors) {
    if r.percentage > 100 {
        e.add(
            format!("{field}.percentage"),
            "Use a percentage from 0 to 100",
        );
    }
    if r.stickiness.trim().is_empty() || r.stickiness.chars().count() > ATTRIBUTE_MAX {
        e.add(
            format!("{field}.stickiness"),
            "Enter the attribute to stick by",
        );
    }
    if r.group_id
        .as_ref()
        .is_some_and(|g| g.chars().count() > FLAG_KEY_MAX)
    {
        e.add(
            format!("{field}.group_id"),
            format!("Use at most {FLAG_KEY_MAX} characters"),
        );
    }
}

/// A flag's settings in one environment, against its variants and the segments that exist.
pub fn check_settings(
    settings: &SaveFlagSettings,
    variants: &[Variant],
    segments: &HashSet<String>,
    e: &mut FieldErrors,
) {
    let known: HashSet<&str> = variants.iter().map(|v| v.key.as_str()).collect();
    let variant = |key: &str, field: String, e: &mut FieldErrors| {
        if !known.contains(key) {
            e.add(field, "Choose one of the flag's variants");
        }
    };
    variant(&settings.off_variant, "off_variant".into(), e);
    variant(&settings.default_variant, "default_variant".into(), e);
    if settings.rules.len() > RULES_MAX {
        e.add("rules", format!("Use at most {RULES_MAX} rules"));
    }
    let mut ids = HashSet::new();
    for (i, rule) in settings.rules.iter().enumerate() {
        check_rule(rule, i, &known, segments, &mut ids, e);
    }
}

/// What checking a prerequisite needs to know about the flag it names, in the same environment.
#[derive(Debug, Clone, PartialEq)]
pub struct PrerequisiteTarget {
    pub variants: Vec<String>,
    pub has_prerequisites: bool,
}

/// A flag's prerequisites in one environment. `targets` holds the flags they name that exist
/// and are not archived; `required_by` the flags whose prerequisites there name this one. One
/// level deep, as in Unleash: a flag another requires cannot have prerequisites, and a flag with
/// prerequisites cannot be one, which also rules out every cycle.
pub fn check_prerequisites(
    flag: &str,
    prerequisites: &[Prerequisite],
    targets: &HashMap<String, PrerequisiteTarget>,
    required_by: &[String],
    e: &mut FieldErrors,
) {
    if prerequisites.len() > PREREQUISITES_MAX {
        e.add(
            "prerequisites",
            format!("Use at most {PREREQUISITES_MAX} prerequisites"),
        );
    }
    if !prerequisites.is_empty()
        && let Some(first) = required_by.first()
    {
        e.add(
            "prerequisites",
            format!(
                "{first} requires this flag here, and a prerequisite cannot have prerequisites \
                 of its own"
            ),
        );
    }
    let mut named = HashSet::new();
    for (i, p) in prerequisites.iter().enumerate() {
        let field = format!("prerequisites.{i}");
        if p.flag == flag {
            e.add(format!("{field}.flag"), "A flag cannot require itself");
            continue;
        }
        if !named.insert(p.flag.as_str()) {
            e.add(
                format!("{field}.flag"),
                "Another prerequisite names this flag",
            );
            continue;
        }
        let Some(target) = targets.get(&p.flag) else {
            e.add(
                format!("{field}.flag"),
                format!("No flag {} (or it is archived)", p.flag),
            );
            continue;
        };
        if target.has_prerequisites {
            e.add(
                format!("{field}.flag"),
                format!(
                    "{} has prerequisites of its own here; prerequisites are one level deep",
                    p.flag
                ),
            );
        }
        if p.variants.is_empty() {
            e.add(
                format!("{field}.variants"),
                format!("Choose at least one variant of {}", p.flag),
            );
        }
        let mut seen = HashSet::new();
        for (j, v) in p.variants.iter().enumerate() {
            if !target.variants.contains(v) {
                e.add(
                    format!("{field}.variants.{j}"),
                    format!("{} has no variant {v}", p.flag),
                );
            } else if !seen.insert(v) {
                e.add(format!("{field}.variants.{j}"), "Listed twice");
            }
        }
    }
}

fn check_rule(
    rule: &Rule,
    i: usize,
    variants: &HashSet<&str>,
    segments: &HashSet<String>,
    ids: &mut HashSet<String>,
    e: &mut FieldErrors,
) {
    let f = format!("rules.{i}");
    if rule.id.is_empty()
        || rule.id.chars().count() > 64
        || !rule
            .id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        e.add(
            format!("{f}.id"),
            "Rule ids use up to 64 letters, digits, dots, dashes and underscores",
        );
    } else if !ids.insert(rule.id.clone()) {
        e.add(format!("{f}.id"), "Another rule has this id");
    }
    text(&rule.name, FLAG_NAME_MAX, &format!("{f}.name"), e);
    check_constraints(&rule.constraints, &format!("{f}.constraints"), e);
    for (j, s) in rule.segments.iter().enumerate() {
        if !segments.contains(s) {
            e.add(format!("{f}.segments.{j}"), format!("Unknown segment {s}"));
        }
    }
    if let Some(r) = &rule.rollout {
        check_rollout(r, &format!("{f}.rollout"), e);
    }
    match &rule.serve {
        Serve::Variant { variant } => {
            if !variants.contains(variant.as_str()) {
                e.add(
                    format!("{f}.serve.variant"),
                    "Choose one of the flag's variants",
                );
            }
        }
        Serve::Split(split) => {
            let sf = format!("{f}.serve");
            if split.variants.is_empty() {
                e.add(
                    format!("{sf}.variants"),
                    "Add at least one variant to the split",
                );
            }
            let mut seen = HashSet::new();
            for (j, w) in split.variants.iter().enumerate() {
                if !variants.contains(w.variant.as_str()) {
                    e.add(
                        format!("{sf}.variants.{j}.variant"),
                        "Choose one of the flag's variants",
                    );
                } else if !seen.insert(w.variant.as_str()) {
                    e.add(
                        format!("{sf}.variants.{j}.variant"),
                        "This variant is in the split twice",
                    );
                }
            }
            if split.total == 0 || split.total > SPLIT_TOTAL_MAX {
                e.add(
                    format!("{sf}.total"),
                    "The split's whole must be between 1 and 1,000,000 parts",
                );
            } else {
                let sum: u64 = split.variants.iter().map(|w| w.weight as u64).sum();
                if sum != split.total as u64 {
                    e.add(
                        format!("{sf}.weights"),
                        format!(
                            "The weights add up to {}; they must total 100%",
                            percent(sum, split.total)
                        ),
                    );
                }
            }
            if split
                .stickiness
                .as_ref()
                .is_some_and(|s| s.trim().is_empty() || s.chars().count() > ATTRIBUTE_MAX)
            {
                e.add(
                    format!("{sf}.stickiness"),
                    "Enter the attribute to stick by",
                );
            }
        }
    }
}

/// `sum` parts of `total` as a percentage for people, e.g. `99.9%`.
pub fn percent(sum: u64, total: u32) -> String {
    // In u128: a sum of many u32 weights times 1000 can pass u64.
    let total = total.max(1) as u128;
    let tenths = (sum as u128 * 1000 + total / 2) / total;
    if tenths.is_multiple_of(10) {
        format!("{}%", tenths / 10)
    } else {
        format!("{}.{}%", tenths / 10, tenths % 10)
    }
}

impl Validate for NewFlag {
    fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        e.check("key", flag_key(&self.key));
        check_meta(
            &self.name,
            &self.description,
            &self.tags,
            &self.owner,
            &mut e,
        );
        if self.kind != FlagKind::Boolean {
            check_variants(self.kind, &self.variants, &mut e);
        }
        e.into_result()
    }
}

impl UpdateFlag {
    /// The kind is stored; the server checks the variants against it.
    pub fn validate_for(&self, kind: FlagKind) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        check_meta(
            &self.name,
            &self.description,
            &self.tags,
            &self.owner,
            &mut e,
        );
        check_variants(kind, &self.variants, &mut e);
        e.check("version", rules::version(self.version));
        e.into_result()
    }
}

impl Validate for UpdateFlag {
    fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        check_meta(
            &self.name,
            &self.description,
            &self.tags,
            &self.owner,
            &mut e,
        );
        e.check("version", rules::version(self.version));
        e.into_result()
    }
}

impl Validate for SetFlagArchived {
    fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        e.check("version", rules::version(self.version));
        e.into_result()
    }
}

/// Structure only; the server also checks variants and segments against what is stored.
impl Validate for SaveFlagSettings {
    fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        if self.version < 0 {
            e.add("version", "Reload: the version you edited is missing");
        }
        if self.rules.len() > RULES_MAX {
            e.add("rules", format!("Use at most {RULES_MAX} rules"));
        }
        if self
            .prerequisites
            .as_ref()
            .is_some_and(|p| p.len() > PREREQUISITES_MAX)
        {
            e.add(
                "prerequisites",
                format!("Use at most {PREREQUISITES_MAX} prerequisites"),
            );
        }
        for (i, rule) in self.rules.iter().enumerate() {
            check_constraints(&rule.constraints, &format!("rules.{i}.constraints"), &mut e);
            if let Some(r) = &rule.rollout {
                check_rollout(r, &format!("rules.{i}.rollout"), &mut e);
            }
        }
        e.into_result()
    }
}

impl Validate for SetFlagEnabled {
    fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        if self.version < 0 {
            e.add("version", "Reload: the version you edited is missing");
        }
        e.into_result()
    }
}

impl Validate for CopyFlagSettings {
    fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        if self.from == self.to {
            e.add("to", "Choose a different environment to copy to");
        }
        e.check("from", rules::environment_key(&self.from));
        e.check("to", rules::environment_key(&self.to));
        e.into_result()
    }
}

impl Validate for CopyFlagSettingsEverywhere {
    fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        e.check("from", rules::environment_key(&self.from));
        if self.versions.is_empty() {
            e.add("versions", "There is no other environment to copy to");
        }
        for (environment, version) in &self.versions {
            let field = format!("versions.{environment}");
            if environment == &self.from {
                e.add(&field, "An environment cannot be copied onto itself");
            }
            e.check(&field, rules::environment_key(environment));
            if *version < 0 {
                e.add(&field, "Reload: the version you edited is missing");
            }
        }
        e.into_result()
    }
}

fn check_segment(
    key: &str,
    name: &str,
    description: &str,
    constraints: &[Constraint],
    e: &mut FieldErrors,
) {
    e.check("key", segment_key(key));
    e.check("name", rules::display_name(name, FLAG_NAME_MAX));
    text(description, DESCRIPTION_MAX, "description", e);
    if constraints.is_empty() {
        e.add("constraints", "Add at least one constraint");
    }
    check_constraints(constraints, "constraints", e);
}

impl Validate for NewSegment {
    fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        check_segment(
            &self.key,
            &self.name,
            &self.description,
            &self.constraints,
            &mut e,
        );
        e.into_result()
    }
}

impl Validate for UpdateSegment {
    fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        check_segment(
            &self.key,
            &self.name,
            &self.description,
            &self.constraints,
            &mut e,
        );
        e.check("version", rules::version(self.version));
        e.into_result()
    }
}

impl Validate for DeleteSegment {
    fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        e.check("version", rules::version(self.version));
        e.into_result()
    }
}

impl Validate for ImportUnleash {
    fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        e.check("environment", rules::environment_key(&self.environment));
        if self.document.trim().is_empty() {
            e.add("document", "Choose an Unleash export (JSON)");
        } else if self.document.len() > IMPORT_MAX_BYTES {
            e.add(
                "document",
                format!(
                    "Use a file of at most {} MiB",
                    IMPORT_MAX_BYTES / (1024 * 1024)
                ),
            );
        }
        e.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flags::{Split, Weighted};
    use serde_json::json;

    fn variants() -> Vec<Variant> {
        ["off", "blue", "green"]
            .iter()
            .map(|k| Variant {
                key: k.to_string(),
                value: json!(k),
                description: String::new(),
            })
            .collect()
    }

    fn settings(rules: Vec<Rule>) -> SaveFlagSettings {
        SaveFlagSettings {
            flag: "f".into(),
            environment: "staging".into(),
            enabled: true,
            off_variant: "off".into(),
            default_variant: "off".into(),
            prerequisites: None,
            rules,
            version: 1,
        }
    }

    fn rule(constraints: Vec<Constraint>, serve: Serve) -> Rule {
        Rule {
            id: "r1".into(),
            name: String::new(),
            constraints,
            segments: vec![],
            rollout: None,
            serve,
        }
    }

    fn errors_of(s: &SaveFlagSettings, segments: &[&str]) -> FieldErrors {
        let mut e = FieldErrors::new();
        check_settings(
            s,
            &variants(),
            &segments.iter().map(|s| s.to_string()).collect(),
            &mut e,
        );
        e
    }

    #[test]
    fn flag_keys() {
        for good in ["checkout", "checkout.v2", "a", "new_ui-2", &"k".repeat(128)] {
            assert!(flag_key(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "Checkout",
            ".hidden",
            "-x",
            "a b",
            "ümlaut",
            &"k".repeat(129),
        ] {
            assert!(flag_key(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn variants_must_fit_the_kind_and_be_unique() {
        let mut e = FieldErrors::new();
        check_variants(
            FlagKind::Number,
            &[
                Variant {
                    key: "a".into(),
                    value: json!(1),
                    description: String::new(),
                },
                Variant {
                    key: "a".into(),
                    value: json!("one"),
                    description: String::new(),
                },
            ],
            &mut e,
        );
        assert_eq!(
            e.get("variants.1.key"),
            Some("Another variant has this key")
        );
        assert_eq!(
            e.get("variants.1.value"),
            Some("The value must be a number")
        );
        let mut e = FieldErrors::new();
        check_variants(FlagKind::Boolean, &Variant::boolean_pair(), &mut e);
        assert!(e.is_empty());
        let mut e = FieldErrors::new();
        check_variants(
            FlagKind::Json,
            &[Variant {
                key: "cfg".into(),
                value: json!("not json object"),
                description: String::new(),
            }],
            &mut e,
        );
        assert!(e.get("variants.0.value").is_some());
    }

    #[test]
    fn constraints_need_valid_values_for_their_operator() {
        let c = |op: Operator, values: &[&str]| Constraint {
            attribute: "a".into(),
            operator: op,
            values: values.iter().map(|v| v.to_string()).collect(),
            inverted: false,
            case_insensitive: false,
        };
        let cases = [
            (c(Operator::In, &[]), "Add at least one value"),
            (c(Operator::NumGt, &["ten"]), "Enter a number"),
            (c(Operator::NumGt, &["1", "2"]), "Enter exactly one value"),
            (
                c(Operator::DateAfter, &["yesterday"]),
                "Enter a date and time like 2026-01-31T12:00:00Z",
            ),
            (
                c(Operator::DateBefore, &["99999999999999-01-01T00:00:00Z"]),
                "Years have four digits, from 0000 to 9999",
            ),
            (
                c(Operator::SemverLt, &["v2"]),
                "Enter a semantic version like 1.4.2 or 2.0.0-beta.1",
            ),
            (
                c(Operator::Regex, &["(cat"]),
                "Enter a valid regular expression: found open group without closing ')'",
            ),
            (c(Operator::Regex, &["^a", "^b"]), "Enter exactly one value"),
            (c(Operator::InCidr, &[]), "Add at least one value"),
            (
                c(Operator::InCidr, &["10.0.0.0/8", "10.0.0.0/33"]),
                "\"10.0.0.0/33\" has a prefix length outside 0-32",
            ),
        ];
        for (constraint, message) in cases {
            let e = errors_of(
                &settings(vec![rule(
                    vec![constraint],
                    Serve::Variant {
                        variant: "blue".into(),
                    },
                )]),
                &[],
            );
            assert_eq!(e.get("rules.0.constraints.0.values"), Some(message));
        }
        let e = errors_of(
            &settings(vec![rule(
                vec![c(Operator::Unknown, &["x"])],
                Serve::Variant {
                    variant: "blue".into(),
                },
            )]),
            &[],
        );
        assert_eq!(
            e.get("rules.0.constraints.0.operator"),
            Some("Unknown operator")
        );
        let e = errors_of(
            &settings(vec![rule(
                vec![c(Operator::SemverGte, &["2.0.0-rc.1"])],
                Serve::Variant {
                    variant: "blue".into(),
                },
            )]),
            &[],
        );
        assert!(e.is_empty(), "{e}");
    }

    #[test]
    fn splits_must_total_100_percent() {
        let split = |weights: &[(&str, u32)]| {
            Serve::Split(Split {
                total: 1000,
                variants: weights
                    .iter()
                    .map(|(v, w)| Weighted {
                        variant: v.to_string(),
                        weight: *w,
                    })
                    .collect(),
                stickiness: None,
                group_id: None,
            })
        };
        let e = errors_of(
            &settings(vec![rule(vec![], split(&[("blue", 500), ("green", 499)]))]),
            &[],
        );
        assert_eq!(
            e.get("rules.0.serve.weights"),
            Some("The weights add up to 99.9%; they must total 100%")
        );
        let e = errors_of(
            &settings(vec![rule(vec![], split(&[("blue", 500), ("blue", 500)]))]),
            &[],
        );
        assert_eq!(
            e.get("rules.0.serve.variants.1.variant"),
            Some("This variant is in the split twice")
        );
        let e = errors_of(
            &settings(vec![rule(vec![], split(&[("blue", 700), ("green", 300)]))]),
            &[],
        );
        assert!(e.is_empty(), "{e}");
    }

    #[test]
    fn rollouts_segments_and_variants_must_exist() {
        let mut r = rule(
            vec![],
            Serve::Variant {
                variant: "purple".into(),
            },
        );
        r.rollout = Some(Rollout {
            percentage: 101,
            stickiness: "userId".into(),
            group_id: None,
        });
        r.segments = vec!["beta".into(), "ghost".into()];
        let mut s = settings(vec![r.clone(), r]);
        s.default_variant = "nope".into();
        let e = errors_of(&s, &["beta"]);
        assert_eq!(
            e.get("rules.0.serve.variant"),
            Some("Choose one of the flag's variants")
        );
        assert_eq!(
            e.get("rules.0.rollout.percentage"),
            Some("Use a percentage from 0 to 100")
        );
        assert_eq!(e.get("rules.0.segments.1"), Some("Unknown segment ghost"));
        assert!(e.get("rules.0.segments.0").is_none());
        assert_eq!(e.get("rules.1.id"), Some("Another rule has this id"));
        assert_eq!(
            e.get("default_variant"),
            Some("Choose one of the flag's variants")
        );
    }

    #[test]
    fn prerequisites_are_one_level_deep_and_name_real_variants() {
        let targets: HashMap<String, PrerequisiteTarget> = [
            ("login", vec!["on", "off"], false),
            ("middle", vec!["on", "off"], true),
        ]
        .into_iter()
        .map(|(k, v, has)| {
            (
                k.to_string(),
                PrerequisiteTarget {
                    variants: v.into_iter().map(String::from).collect(),
                    has_prerequisites: has,
                },
            )
        })
        .collect();
        let p = |flag: &str, variants: &[&str]| Prerequisite {
            flag: flag.into(),
            variants: variants.iter().map(|v| v.to_string()).collect(),
        };
        let check = |prerequisites: Vec<Prerequisite>, required_by: &[&str]| {
            let mut e = FieldErrors::new();
            let required_by: Vec<String> = required_by.iter().map(|s| s.to_string()).collect();
            check_prerequisites("checkout", &prerequisites, &targets, &required_by, &mut e);
            e
        };
        assert!(check(vec![p("login", &["on"])], &[]).0.is_empty());
        assert!(check(vec![], &["banner"]).0.is_empty());
        let e = check(
            vec![
                p("checkout", &["on"]),
                p("ghost", &["on"]),
                p("middle", &["on"]),
                p("login", &[]),
                p("login", &["on"]),
            ],
            &[],
        );
        assert_eq!(
            e.get("prerequisites.0.flag"),
            Some("A flag cannot require itself")
        );
        assert_eq!(
            e.get("prerequisites.1.flag"),
            Some("No flag ghost (or it is archived)")
        );
        assert_eq!(
            e.get("prerequisites.2.flag"),
            Some("middle has prerequisites of its own here; prerequisites are one level deep")
        );
        assert_eq!(
            e.get("prerequisites.3.variants"),
            Some("Choose at least one variant of login")
        );
        assert_eq!(
            e.get("prerequisites.4.flag"),
            Some("Another prerequisite names this flag")
        );
        // A cycle: `banner` requires `checkout`, so `checkout` cannot require anything, `banner`
        // included.
        let e = check(vec![p("login", &["on"])], &["banner"]);
        assert_eq!(
            e.get("prerequisites"),
            Some(
                "banner requires this flag here, and a prerequisite cannot have prerequisites \
                 of its own"
            )
        );
        let e = check(vec![p("login", &["yes", "on", "on"])], &[]);
        assert_eq!(
            e.get("prerequisites.0.variants.0"),
            Some("login has no variant yes")
        );
        assert_eq!(e.get("prerequisites.0.variants.2"), Some("Listed twice"));
        let many = (0..11).map(|_| p("login", &["on"])).collect();
        assert_eq!(
            check(many, &[]).get("prerequisites"),
            Some("Use at most 10 prerequisites")
        );
    }

    #[test]
    fn percentages_read_well() {
        assert_eq!(percent(1000, 1000), "100%");
        assert_eq!(percent(999, 1000), "99.9%");
        assert_eq!(percent(1, 3), "33.3%");
    }
}

#[cfg(test)]
#[path = "flags_props.rs"]
mod props;
