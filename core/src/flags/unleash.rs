//! Importing Unleash's feature format (the client API's `state`: features and segments, or the
//! delta API's events) into Switchboard flags for one environment.
//!
//! The translation keeps Unleash's evaluation results: rollouts keep their group ids and
//! stickiness, variant splits keep their weights and seeds. What Switchboard cannot represent is
//! not approximated: the feature is left out and reported with the reason.

use super::constraint::CompiledConstraint;
use super::inputs::SaveFlagSettings;
use super::model::*;
use crate::cidr::Cidr;
use crate::validation::FieldErrors;
use crate::validation::flags::{
    DESCRIPTION_MAX, FLAG_NAME_MAX, PrerequisiteTarget, SPLIT_TOTAL_MAX, check_prerequisites,
    check_settings, check_variants,
};

#[path = "unleash_dependencies.rs"]
mod dependencies;
use serde::Deserialize;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Operators that Unleash defines and Switchboard does not evaluate. (Operators Unleash does not
/// define make a constraint that never holds, in Unleash as here.)

#[derive(Debug, Clone, PartialEq)]
pub struct ImportedFlag {
    /// The Unleash feature name (flag keys are lowercase slugs, so they may differ).
    pub source: String,
    pub flag: Flag,
    pub settings: FlagEnvironment,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    pub feature: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportPlan {
    pub flags: Vec<ImportedFlag>,
    pub segments: Vec<Segment>,
    /// Features left out, and why.
    pub skipped: Vec<Skipped>,
    /// Simplifications that change no result (e.g. a strategy that can never match).
    pub notes: Vec<String>,
}

impl ImportPlan {
    pub fn key_of(&self, source: &str) -> Option<&str> {
        self.flags
            .iter()
            .find(|f| f.source == source)
            .map(|f| f.flag.key.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ImportError(pub String);

// --- Unleash's shapes (lenient: Unleash versions differ in what they send) ---

#[derive(Deserialize)]
struct State {
    #[serde(default)]
    features: Vec<Feature>,
    #[serde(default)]
    segments: Vec<USegment>,
    #[serde(default)]
    events: Vec<Event>,
}

#[derive(Deserialize, Clone)]
#[serde(tag = "type", rename_all = "kebab-case")]
enum Event {
    Hydration {
        #[serde(default)]
        features: Vec<Feature>,
        #[serde(default)]
        segments: Vec<USegment>,
    },
    FeatureUpdated {
        feature: Feature,
    },
    FeatureRemoved {
        #[serde(rename = "featureName")]
        feature_name: String,
    },
    SegmentUpdated {
        segment: USegment,
    },
    SegmentRemoved {
        #[serde(rename = "segmentId")]
        segment_id: i64,
    },
}

#[derive(Deserialize, Clone)]
#[serde(rename_all = "camelCase")]
struct Feature {
    name: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    enabled: bool,
    #[serde(default)]
    strategies: Option<Vec<Strategy>>,
    #[serde(default)]
    variants: Option<Vec<UVariant>>,
    #[serde(default)]
    dependencies: Option<Vec<Value>>,
}

#[derive(Deserialize, Clone)]
struct Strategy {
    name: String,
    #[serde(default)]
    parameters: Option<HashMap<String, Value>>,
    #[serde(default)]
    constraints: Option<Vec<UConstraint>>,
    #[serde(default)]
    segments: Option<Vec<i64>>,
    #[serde(default)]
    variants: Option<Vec<UVariant>>,
    #[serde(default)]
    disabled: Option<bool>,
}

#[derive(Deserialize, Clone)]
#[serde(rename_all = "camelCase")]
struct UConstraint {
    context_name: String,
    operator: String,
    #[serde(default)]
    values: Option<Vec<Value>>,
    #[serde(default)]
    value: Option<Value>,
    #[serde(default)]
    inverted: Option<bool>,
    #[serde(default)]
    case_insensitive: Option<bool>,
}

#[derive(Deserialize, Clone)]
#[serde(rename_all = "camelCase")]
struct UVariant {
    name: String,
    #[serde(default)]
    weight: Option<Value>,
    #[serde(default)]
    stickiness: Option<String>,
    #[serde(default)]
    payload: Option<Payload>,
    #[serde(default)]
    overrides: Option<Vec<Override>>,
}

#[derive(Deserialize, Clone)]
struct Payload {
    #[serde(rename = "type")]
    kind: String,
    value: Value,
}

#[derive(Deserialize, Clone)]
#[serde(rename_all = "camelCase")]
struct Override {
    context_name: String,
    #[serde(default)]
    values: Vec<Value>,
}

#[derive(Deserialize, Clone)]
struct USegment {
    id: i64,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    constraints: Vec<UConstraint>,
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A flag key from an Unleash name: lowercase, other characters become `-`.
pub fn key_for(name: &str) -> String {
    let mut key: String = name
        .chars()
        .map(|c| {
            let c = c.to_ascii_lowercase();
            if c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .take(128)
        .collect();
    if !key.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        key = format!("f{}", &key[..key.len().min(127)]);
    }
    key
}

/// A name the flag form would accept: no control characters, trimmed, at most 200 characters;
/// the key when nothing is left.
fn flag_name(feature: &str) -> String {
    let cleaned: String = feature.chars().filter(|c| !c.is_control()).collect();
    let name: String = cleaned.trim().chars().take(FLAG_NAME_MAX).collect();
    match name.trim() {
        "" => key_for(feature),
        kept => kept.to_string(),
    }
}

/// A description the flag form would accept: line breaks and tabs kept, other control
/// characters dropped, at most 2000 characters.
fn flag_description(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .take(DESCRIPTION_MAX)
        .collect()
}

pub fn segment_key(id: i64) -> String {
    format!("unleash-segment-{id}")
}

/// Reads an Unleash state (or delta events) and plans the import into `environment`.
pub fn plan(json: &str, environment: &str) -> Result<ImportPlan, ImportError> {
    let state: State = serde_json::from_str(json)
        .map_err(|e| ImportError(format!("not an Unleash feature state: {e}")))?;
    let (features, segments) = resolve(state);
    let mut out = ImportPlan::default();
    let mut known_segments = HashSet::new();
    for s in &segments {
        match segment_constraints(&s.constraints) {
            Ok(Some(constraints)) => {
                known_segments.insert(s.id);
                out.segments.push(Segment {
                    id: 0,
                    key: segment_key(s.id),
                    name: s
                        .name
                        .clone()
                        .unwrap_or_else(|| format!("Unleash segment {}", s.id)),
                    description: "Imported from Unleash".into(),
                    constraints,
                    version: 0,
                    created_at: 0,
                    updated_at: 0,
                });
            }
            // A segment that can never hold is left out; strategies using it never match.
            Ok(None) => out
                .notes
                .push(format!("segment {} can never match and was left out", s.id)),
            Err(reason) => out
                .notes
                .push(format!("segment {} left out: {reason}", s.id)),
        }
    }
    let mut used_keys = HashSet::new();
    let segment_keys: HashSet<String> = out.segments.iter().map(|s| s.key.clone()).collect();
    let mut translated: Vec<(Feature, Result<ImportedFlag, String>)> = Vec::new();
    for feature in features {
        let result = translate(&feature, environment, &known_segments, &mut out.notes)
            .and_then(|imported| importable(imported, &segment_keys))
            .and_then(|mut imported| {
                if !used_keys.insert(imported.flag.key.clone()) {
                    return Err(format!(
                        "its key {:?} is taken by another imported feature",
                        imported.flag.key
                    ));
                }
                imported.source = feature.name.clone();
                Ok(imported)
            });
        translated.push((feature, result));
    }
    let prerequisites = dependents(&translated, &mut out.notes);
    for ((feature, result), dependency) in translated.into_iter().zip(prerequisites) {
        let result = match (result, dependency) {
            (Ok(mut imported), Some(Ok((prerequisites, enabled)))) => {
                imported.settings.prerequisites = prerequisites;
                imported.settings.enabled = enabled;
                Ok(imported)
            }
            (_, Some(Err(reason))) | (Err(reason), _) => Err(reason),
            (Ok(imported), None) => Ok(imported),
        };
        match result {
            Ok(imported) => out.flags.push(imported),
            Err(reason) => out.skipped.push(Skipped {
                feature: feature.name.clone(),
                reason,
            }),
        }
    }
    check_plan_prerequisites(&mut out);
    Ok(out)
}

type Dependents = Option<Result<(Vec<Prerequisite>, bool), String>>;

/// Per translated feature with dependencies: its prerequisites and kill switch, or why it cannot
/// be imported (a parent left out, or a dependency that cannot be expressed exactly).
fn dependents(
    translated: &[(Feature, Result<ImportedFlag, String>)],
    notes: &mut Vec<String>,
) -> Vec<Dependents> {
    let parents: HashMap<&str, dependencies::Parent<'_>> = translated
        .iter()
        .map(|(f, result)| {
            (
                f.name.as_str(),
                dependencies::Parent {
                    depends: f.dependencies.as_ref().is_some_and(|d| !d.is_empty()),
                    imported: result.as_ref().ok(),
                },
            )
        })
        .collect();
    translated
        .iter()
        .map(|(feature, result)| {
            let deps = feature.dependencies.as_ref().filter(|d| !d.is_empty())?;
            let mut imported = result.as_ref().ok()?.clone();
            Some(
                dependencies::apply(deps, &parents, &mut imported, notes)
                    .map(|()| (imported.settings.prerequisites, imported.settings.enabled)),
            )
        })
        .collect()
}

/// The prerequisites as the settings form would check them, against the planned flags: a flag
/// whose prerequisites it would refuse is left out with the reason.
fn check_plan_prerequisites(plan: &mut ImportPlan) {
    let targets: HashMap<String, PrerequisiteTarget> = plan
        .flags
        .iter()
        .map(|f| {
            (
                f.flag.key.clone(),
                PrerequisiteTarget {
                    variants: f.flag.variants.iter().map(|v| v.key.clone()).collect(),
                    has_prerequisites: !f.settings.prerequisites.is_empty(),
                },
            )
        })
        .collect();
    let mut required_by: HashMap<&str, Vec<String>> = HashMap::new();
    for f in &plan.flags {
        for p in &f.settings.prerequisites {
            required_by
                .entry(p.flag.as_str())
                .or_default()
                .push(f.flag.key.clone());
        }
    }
    let mut refused = Vec::new();
    for f in &plan.flags {
        let mut e = FieldErrors::new();
        let by = required_by.get(f.flag.key.as_str()).map(Vec::as_slice);
        check_prerequisites(
            &f.flag.key,
            &f.settings.prerequisites,
            &targets,
            by.unwrap_or_default(),
            &mut e,
        );
        if let Some((field, message)) = e.0.into_iter().next() {
            refused.push((f.source.clone(), format!("{field}: {message}")));
        }
    }
    for (source, reason) in refused {
        plan.flags.retain(|f| f.source != source);
        plan.skipped.push(Skipped {
            feature: source,
            reason,
        });
    }
}

/// The flag as planned if the flag and settings forms would accept it, else the first problem
/// they would report: a plan holds only what the import can create.
fn importable(imported: ImportedFlag, segments: &HashSet<String>) -> Result<ImportedFlag, String> {
    let mut e = FieldErrors::new();
    check_variants(imported.flag.kind, &imported.flag.variants, &mut e);
    let settings = SaveFlagSettings {
        flag: imported.flag.key.clone(),
        environment: imported.settings.environment.clone(),
        enabled: imported.settings.enabled,
        off_variant: imported.settings.off_variant.clone(),
        default_variant: imported.settings.default_variant.clone(),
        prerequisites: None,
        rules: imported.settings.rules.clone(),
        version: 0,
    };
    check_settings(&settings, &imported.flag.variants, segments, &mut e);
    match e.0.into_iter().next() {
        Some((field, message)) => Err(format!("{field}: {message}")),
        None => Ok(imported),
    }
}

/// The features and segments a state stands for, with delta events applied in order.
fn resolve(state: State) -> (Vec<Feature>, Vec<USegment>) {
    let mut features: BTreeMap<String, Feature> = state
        .features
        .into_iter()
        .map(|f| (f.name.clone(), f))
        .collect();
    let mut order: Vec<String> = features.keys().cloned().collect();
    let mut segments: BTreeMap<i64, USegment> =
        state.segments.into_iter().map(|s| (s.id, s)).collect();
    let mut put = |f: Feature, features: &mut BTreeMap<String, Feature>| {
        if !features.contains_key(&f.name) {
            order.push(f.name.clone());
        }
        features.insert(f.name.clone(), f);
    };
    for event in state.events {
        match event {
            Event::Hydration {
                features: fs,
                segments: ss,
            } => {
                features.clear();
                segments = ss.into_iter().map(|s| (s.id, s)).collect();
                for f in fs {
                    put(f, &mut features);
                }
            }
            Event::FeatureUpdated { feature } => put(feature, &mut features),
            Event::FeatureRemoved { feature_name } => {
                features.remove(&feature_name);
            }
            Event::SegmentUpdated { segment } => {
                segments.insert(segment.id, segment);
            }
            Event::SegmentRemoved { segment_id } => {
                segments.remove(&segment_id);
            }
        }
    }
    let mut seen = HashSet::new();
    let ordered = order
        .into_iter()
        .filter(|n| seen.insert(n.clone()))
        .filter_map(|n| features.remove(&n))
        .collect();
    (ordered, segments.into_values().collect())
}

/// The entries of an IN_CIDR list that are networks: the others match nothing, so leaving them
/// out changes no answer.
fn readable_networks(values: Vec<String>) -> Vec<String> {
    values
        .into_iter()
        .filter(|v| Cidr::parse(v).is_some())
        .collect()
}

/// A segment's constraints, None if they can never all hold.
fn segment_constraints(constraints: &[UConstraint]) -> Result<Option<Vec<Constraint>>, String> {
    let mut out = Vec::new();
    for c in constraints {
        match constraint(c)? {
            Translated::Test(c) => out.push(c),
            Translated::Always => {}
            Translated::Never => return Ok(None),
        }
    }
    Ok(Some(out))
}

/// What an Unleash constraint becomes.
enum Translated {
    Test(Constraint),
    /// Holds for everyone (nobody is in an empty list, so NOT_IN of nothing always holds): it is
    /// left out of the rule.
    Always,
    /// Holds for nobody (an operator Unleash does not define, a value that cannot be read, an
    /// empty list): the strategy can never match.
    Never,
}

fn constraint(c: &UConstraint) -> Result<Translated, String> {
    let Some(operator) = Operator::parse(&c.operator) else {
        return Ok(Translated::Never);
    };
    let inverted = c.inverted.unwrap_or(false);
    let values = if operator.is_multi() {
        c.values
            .clone()
            .unwrap_or_default()
            .iter()
            .map(text)
            .collect()
    } else {
        match (&c.value, &c.values) {
            (Some(v), _) => vec![text(v)],
            (None, Some(vs)) if !vs.is_empty() => vec![text(&vs[0])],
            _ => vec![String::new()],
        }
    };
    let values = match operator {
        Operator::InCidr => readable_networks(values),
        _ => values,
    };
    if values.is_empty() && operator != Operator::InCidr {
        let holds = (operator == Operator::NotIn) != inverted;
        return Ok(if holds {
            Translated::Always
        } else {
            Translated::Never
        });
    }
    let translated = Constraint {
        attribute: c.context_name.clone(),
        operator,
        values,
        inverted,
        case_insensitive: c.case_insensitive.unwrap_or(false),
    };
    if CompiledConstraint::compile(&translated).value_unreadable() {
        // A test that cannot run holds for nobody; whether its inversion holds for everyone,
        // Unleash's SDKs do not agree.
        if inverted {
            return Err(format!(
                "an inverted {} constraint whose value cannot be read is not supported",
                c.operator
            ));
        }
        return Ok(Translated::Never);
    }
    Ok(Translated::Test(translated))
}

fn param<'a>(s: &'a Strategy, name: &str) -> Option<&'a Value> {
    s.parameters.as_ref().and_then(|p| p.get(name))
}

fn percentage(v: Option<&Value>) -> Result<u32, String> {
    let raw = v.map(text).unwrap_or_else(|| "100".into());
    raw.trim()
        .parse::<f64>()
        .ok()
        .filter(|p| (0.0..=100.0).contains(p))
        .map(|p| p.round() as u32)
        .ok_or_else(|| format!("rollout {raw:?} is not a percentage"))
}

fn weight(v: &UVariant) -> u32 {
    v.weight
        .as_ref()
        .and_then(|w| text(w).trim().parse::<f64>().ok())
        .map(|w| w.max(0.0) as u32)
        .unwrap_or(0)
}

/// What a variant's payload becomes for a flag of `kind`.
fn variant_value(v: &UVariant, kind: FlagKind) -> Value {
    match (&v.payload, kind) {
        (Some(p), FlagKind::Json) => serde_json::from_str(&text(&p.value)).unwrap_or(Value::Null),
        (Some(p), FlagKind::Number) => text(&p.value)
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        (Some(p), _) => Value::String(text(&p.value)),
        (None, _) => Value::String(v.name.clone()),
    }
}

fn kind_for(variants: &[&UVariant]) -> FlagKind {
    if variants.is_empty() {
        return FlagKind::Boolean;
    }
    let all = |kind: &str, test: &dyn Fn(&str) -> bool| {
        variants.iter().all(|v| {
            v.payload
                .as_ref()
                .is_some_and(|p| p.kind == kind && test(&text(&p.value)))
        })
    };
    if all("json", &|s| {
        serde_json::from_str::<Value>(s).is_ok_and(|j| j.is_object() || j.is_array())
    }) {
        FlagKind::Json
    } else if all("number", &|s| {
        s.trim().parse::<f64>().is_ok_and(f64::is_finite)
    }) {
        FlagKind::Number
    } else {
        FlagKind::String
    }
}

fn split(variants: &[UVariant], stickiness: String, group: String) -> Result<Serve, String> {
    // Summed wide: Unleash sends weights as it stores them, and two near u32::MAX overflowed.
    let sum: u64 = variants.iter().map(|v| weight(v) as u64).sum();
    if sum > SPLIT_TOTAL_MAX as u64 {
        return Err(format!(
            "its variant weights add up to {sum}, more than the {SPLIT_TOTAL_MAX} parts a split \
             can have"
        ));
    }
    // An empty stickiness or group is Unleash's default, not an attribute named "".
    let stickiness = if stickiness.trim().is_empty() {
        "default".to_string()
    } else {
        stickiness
    };
    Ok(Serve::Split(Split {
        total: (sum as u32).max(1),
        variants: variants
            .iter()
            .map(|v| Weighted {
                variant: v.name.clone(),
                weight: weight(v),
            })
            .collect(),
        stickiness: Some(stickiness),
        group_id: Some(group).filter(|g| !g.is_empty()),
    }))
}

fn translate(
    feature: &Feature,
    environment: &str,
    segments: &HashSet<i64>,
    notes: &mut Vec<String>,
) -> Result<ImportedFlag, String> {
    let feature_variants = feature.variants.clone().unwrap_or_default();
    let strategies: Vec<Strategy> = feature
        .strategies
        .clone()
        .unwrap_or_default()
        .into_iter()
        .filter(|s| s.disabled != Some(true))
        .collect();
    let mut all_variants: Vec<&UVariant> = feature_variants.iter().collect();
    for s in &strategies {
        all_variants.extend(s.variants.iter().flatten());
    }
    let kind = kind_for(&all_variants);
    let mut variants: Vec<Variant> = Vec::new();
    let (off, on) = if kind == FlagKind::Boolean {
        variants = Variant::boolean_pair();
        ("off".to_string(), "on".to_string())
    } else {
        let mut names = HashSet::new();
        for v in &all_variants {
            if names.insert(v.name.clone()) {
                variants.push(Variant {
                    key: v.name.clone(),
                    value: variant_value(v, kind),
                    description: String::new(),
                });
            }
        }
        let mut disabled = "disabled".to_string();
        while names.contains(&disabled) {
            disabled.push('_');
        }
        let nothing = match kind {
            FlagKind::Json => Value::Object(Default::default()),
            FlagKind::Number => Value::from(0),
            _ => Value::String(String::new()),
        };
        variants.push(Variant {
            key: disabled.clone(),
            value: nothing,
            description: "Unleash's \"disabled\" variant".into(),
        });
        (disabled.clone(), disabled)
    };

    // Without strategies, an enabled Unleash feature is on for everyone.
    let strategies = if feature.strategies.as_ref().is_none_or(|s| s.is_empty()) {
        vec![Strategy {
            name: "default".into(),
            parameters: None,
            constraints: None,
            segments: None,
            variants: None,
            disabled: None,
        }]
    } else {
        strategies
    };
    let mut rules = Vec::new();
    for (i, s) in strategies.iter().enumerate() {
        let Some(base) = strategy_rule(s, i, &feature.name, segments)? else {
            notes.push(format!(
                "{}: strategy {} ({}) can never match and was left out",
                feature.name,
                i + 1,
                s.name
            ));
            continue;
        };
        let strategy_variants = s.variants.clone().unwrap_or_default();
        if !strategy_variants.is_empty() {
            let stickiness = param(s, "stickiness")
                .map(text)
                .unwrap_or_else(|| "default".into());
            let group = param(s, "groupId")
                .map(text)
                .filter(|g| !g.is_empty())
                .unwrap_or_else(|| feature.name.clone());
            rules.push(Rule {
                serve: split(&strategy_variants, stickiness, group)?,
                ..base
            });
        } else if !feature_variants.is_empty() {
            // Feature variants: overrides first, then the sticky split grouped by feature name.
            for (vi, v) in feature_variants.iter().enumerate() {
                for (j, o) in v.overrides.iter().flatten().enumerate() {
                    let mut constraints = base.constraints.clone();
                    constraints.push(Constraint {
                        attribute: o.context_name.clone(),
                        operator: Operator::In,
                        values: o.values.iter().map(text).collect(),
                        inverted: false,
                        case_insensitive: false,
                    });
                    // Numbered, not named after the variant: names differing only in case (or
                    // long ones) made duplicate ids or ids past the 64-character limit.
                    rules.push(Rule {
                        id: format!("{}-override-{}-{}", base.id, vi + 1, j + 1),
                        constraints,
                        serve: Serve::Variant {
                            variant: v.name.clone(),
                        },
                        ..base.clone()
                    });
                }
            }
            let stickiness = feature_variants[0]
                .stickiness
                .clone()
                .unwrap_or_else(|| "default".into());
            rules.push(Rule {
                serve: split(&feature_variants, stickiness, feature.name.clone())?,
                ..base
            });
        } else {
            rules.push(Rule {
                serve: Serve::Variant {
                    variant: on.clone(),
                },
                ..base
            });
        }
    }
    Ok(ImportedFlag {
        source: feature.name.clone(),
        flag: Flag {
            id: 0,
            key: key_for(&feature.name),
            name: flag_name(&feature.name),
            description: flag_description(feature.description.as_deref().unwrap_or_default()),
            tags: vec!["unleash".into()],
            owner: String::new(),
            kind,
            variants,
            archived: false,
            version: 0,
            created_at: 0,
            updated_at: 0,
        },
        settings: FlagEnvironment {
            environment: environment.to_string(),
            enabled: feature.enabled,
            off_variant: off.clone(),
            default_variant: off,
            prerequisites: Vec::new(),
            rules,
            version: 0,
            updated_at: 0,
        },
    })
}

/// The rule a strategy becomes (serving nothing yet), `Ok(None)` if it can never match.
fn strategy_rule(
    s: &Strategy,
    index: usize,
    feature: &str,
    segments: &HashSet<i64>,
) -> Result<Option<Rule>, String> {
    let mut constraints = Vec::new();
    for c in s.constraints.iter().flatten() {
        match constraint(c)? {
            Translated::Test(c) => constraints.push(c),
            Translated::Always => {}
            Translated::Never => return Ok(None),
        }
    }
    let mut segment_keys = Vec::new();
    for id in s.segments.iter().flatten() {
        if !segments.contains(id) {
            return Ok(None);
        }
        segment_keys.push(segment_key(*id));
    }
    // Unleash buckets a rollout by `groupId:value`, the group defaulting to the feature's name.
    // Left unset, the engine would use the flag key, which differs from the name whenever the
    // name is not already a lowercase slug, and every user would land in another bucket.
    let group = Some(
        param(s, "groupId")
            .map(text)
            .filter(|g| !g.is_empty())
            .unwrap_or_else(|| feature.to_string()),
    );
    let rollout = |percentage: u32, stickiness: &str| {
        Some(Rollout {
            percentage,
            stickiness: stickiness.into(),
            group_id: group.clone(),
        })
    };
    let rollout = match s.name.as_str() {
        "default" => None,
        "userWithId" => {
            let ids: Vec<String> = param(s, "userIds")
                .map(text)
                .unwrap_or_default()
                .split(',')
                .map(|u| u.trim().to_string())
                .filter(|u| !u.is_empty())
                .collect();
            constraints.push(Constraint {
                attribute: "userId".into(),
                operator: Operator::In,
                values: ids,
                inverted: false,
                case_insensitive: false,
            });
            None
        }
        "remoteAddress" => {
            let ips: Vec<String> = param(s, "IPs")
                .map(text)
                .unwrap_or_default()
                .split(',')
                .map(|u| u.trim().to_string())
                .filter(|u| !u.is_empty())
                .collect();
            // Unleash matches an entry equal to the address, or a range holding it.
            let (operator, ips) = if ips.iter().any(|ip| ip.contains('/')) {
                let networks = readable_networks(ips);
                if networks.is_empty() {
                    return Ok(None);
                }
                (Operator::InCidr, networks)
            } else {
                (Operator::In, ips)
            };
            constraints.push(Constraint {
                attribute: "remoteAddress".into(),
                operator,
                values: ips,
                inverted: false,
                case_insensitive: false,
            });
            None
        }
        "flexibleRollout" => {
            let stickiness = param(s, "stickiness")
                .map(text)
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| "default".into());
            rollout(percentage(param(s, "rollout"))?, &stickiness)
        }
        "gradualRolloutUserId" => rollout(percentage(param(s, "percentage"))?, "userId"),
        "gradualRolloutSessionId" => rollout(percentage(param(s, "percentage"))?, "sessionId"),
        "gradualRolloutRandom" => rollout(percentage(param(s, "percentage"))?, "random"),
        other => return Err(format!("strategy {other} is not supported")),
    };
    Ok(Some(Rule {
        id: format!("s{}", index + 1),
        name: s.name.clone(),
        constraints,
        segments: segment_keys,
        rollout,
        serve: Serve::Variant {
            variant: String::new(),
        },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_slugs() {
        assert_eq!(
            key_for("Feature.flexibleRollout.10"),
            "feature.flexiblerollout.10"
        );
        assert_eq!(
            key_for("Feature.UTF-8.Hellø_Wørld"),
            "feature.utf-8.hell-_w-rld"
        );
        assert_eq!(key_for("_hidden"), "f_hidden");
    }

    #[test]
    fn malformed_input_is_a_clear_error() {
        assert!(
            plan("{not json", "dev")
                .unwrap_err()
                .0
                .starts_with("not an Unleash feature state")
        );
        assert!(plan(r#"{"features": 5}"#, "dev").is_err());
        assert_eq!(plan("{}", "dev").unwrap(), ImportPlan::default());
    }

    /// (operator, values, inverted, what the strategy becomes), from set membership: nobody is
    /// in an empty list, and a value that cannot be read matches nobody.
    #[test]
    fn constraints_with_constant_answers_translate_exactly() {
        let cases = [
            ("IN", "[]", false, "never"),
            ("IN", "[]", true, "always"),
            ("NOT_IN", "[]", false, "always"),
            ("NOT_IN", "[]", true, "never"),
            ("STR_CONTAINS", "[]", false, "never"),
            ("IN_CIDR", r#"["127.invalid"]"#, false, "never"),
            (
                "IN_CIDR",
                r#"["127.invalid", "10.0.0.0/8"]"#,
                false,
                "test 10.0.0.0/8",
            ),
            ("SEMVER_EQ", r#"["v2.0.0"]"#, false, "never"),
            ("SEMVER_EQ", r#"["v2.0.0"]"#, true, "unsupported"),
            ("REGEX", r#"["(x"]"#, true, "unsupported"),
            ("REGEX", r#"["^x"]"#, true, "test ^x"),
        ];
        for (operator, values, inverted, expected) in cases {
            let json = format!(
                r#"{{"contextName": "a", "operator": "{operator}", "values": {values}, "inverted": {inverted}}}"#
            );
            let c: UConstraint = serde_json::from_str(&json).unwrap();
            let got = match constraint(&c) {
                Ok(Translated::Test(c)) => format!("test {}", c.values.join(",")),
                Ok(Translated::Always) => "always".into(),
                Ok(Translated::Never) => "never".into(),
                Err(_) => "unsupported".into(),
            };
            assert_eq!(got, expected, "{json}");
        }
    }

    #[test]
    fn unsupported_features_are_reported_by_name() {
        let json = r#"{"features": [
            {"name": "a", "enabled": true, "strategies": [{"name": "applicationHostname", "parameters": {"hostNames": "x"}}]},
            {"name": "b", "enabled": true, "strategies": [{"name": "default", "constraints": [{"contextName": "userId", "operator": "REGEX", "value": "(x", "inverted": true}]}]},
            {"name": "c", "enabled": true, "strategies": [{"name": "default", "constraints": [{"contextName": "userId", "operator": "NO_SUCH_OP", "value": "x"}]}]}
        ]}"#;
        let p = plan(json, "dev").unwrap();
        assert_eq!(
            p.skipped,
            vec![
                Skipped {
                    feature: "a".into(),
                    reason: "strategy applicationHostname is not supported".into()
                },
                Skipped {
                    feature: "b".into(),
                    reason:
                        "an inverted REGEX constraint whose value cannot be read is not supported"
                            .into()
                },
            ]
        );
        // An operator Unleash does not define never holds: the strategy is dropped, losslessly.
        assert_eq!(p.flags.len(), 1);
        assert!(p.flags[0].settings.rules.is_empty());
        assert_eq!(p.notes.len(), 1);
    }
}

#[cfg(test)]
#[path = "unleash_props.rs"]
mod props;
