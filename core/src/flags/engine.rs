//! The evaluation engine. A flag's stored settings for one environment compile into an immutable
//! [`CompiledFlag`]; evaluating it for a context is pure and allocation-light. The server runs it
//! on its in-memory snapshot; the browser runs the same code on the flag being edited.

use super::constraint::CompiledConstraint;
use super::context::EvalContext;
use super::hash::{self, VARIANT_SEED};
use super::model::{Flag, FlagEnvironment, FlagKind, Rule, Serve};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;

/// Why a flag evaluated as it did (OpenFeature's reason codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Reason {
    /// On, with no rules: everyone gets the default variant.
    Static,
    /// A rule's conditions matched.
    TargetingMatch,
    /// A rule matched and the variant came from a sticky percentage (rollout or weighted split).
    Split,
    /// On, but no rule matched.
    Default,
    /// Off: the kill switch serves the off variant.
    Disabled,
    /// On, but a prerequisite flag did not serve what this flag requires: the off variant. Apps
    /// are told DISABLED (OpenFeature defines no reason of its own for it, and official providers
    /// refuse reasons they do not know); the trace says which prerequisite failed.
    PrerequisiteFailed,
    /// The flag's stored settings cannot be evaluated.
    Error,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Static => "STATIC",
            Reason::TargetingMatch => "TARGETING_MATCH",
            Reason::Split => "SPLIT",
            Reason::Default => "DEFAULT",
            Reason::Disabled => "DISABLED",
            Reason::PrerequisiteFailed => "DISABLED",
            Reason::Error => "ERROR",
        }
    }
}

/// Why a flag could not be evaluated (OpenFeature's error codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    /// The stored settings cannot be read.
    ParseError,
    /// A variant's value is not of the flag's type.
    TypeMismatch,
    /// Anything else (a rule names a variant or segment that does not exist).
    General,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::ParseError => "PARSE_ERROR",
            ErrorCode::TypeMismatch => "TYPE_MISMATCH",
            ErrorCode::General => "GENERAL",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvalError {
    pub code: ErrorCode,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// `None` only with reason ERROR: the caller's default applies.
    pub value: Option<Value>,
    pub variant: Option<String>,
    pub reason: Reason,
    /// The rule that decided, if one did.
    pub rule_id: Option<String>,
    /// With reason ERROR: what is wrong.
    pub error: Option<EvalError>,
    /// A rollout was passed over because the caller sent no targeting key (user id).
    #[serde(default)]
    pub missing_targeting_key: bool,
}

/// What [`CompiledFlag::decide`] answers: an [`Evaluation`] that borrows from the flag instead of
/// copying its variant, value and rule id, for callers that write many answers at once (OFREP's
/// bulk evaluation writes them straight into the response).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Decision<'a> {
    /// `None` only with reason ERROR: the caller's default applies.
    pub value: Option<&'a Value>,
    pub variant: Option<&'a str>,
    pub reason: Reason,
    /// The rule that decided, if one did.
    pub rule_id: Option<&'a str>,
    /// With reason ERROR: what is wrong.
    pub error: Option<&'a EvalError>,
    /// A rollout was passed over because the caller sent no targeting key (user id).
    pub missing_targeting_key: bool,
}

impl Decision<'_> {
    /// Is the flag on for this caller, as a menu gate and Unleash read it: a boolean flag serves
    /// `true`; a flag of another kind is switched on, meets its prerequisites and answers.
    pub fn is_on(&self, kind: FlagKind) -> bool {
        match kind {
            FlagKind::Boolean => self.value == Some(&Value::Bool(true)),
            _ => !matches!(
                self.reason,
                Reason::Disabled | Reason::PrerequisiteFailed | Reason::Error
            ),
        }
    }

    pub fn to_evaluation(&self) -> Evaluation {
        Evaluation {
            value: self.value.cloned(),
            variant: self.variant.map(str::to_string),
            reason: self.reason,
            rule_id: self.rule_id.map(str::to_string),
            error: self.error.cloned(),
            missing_targeting_key: self.missing_targeting_key,
        }
    }
}

/// Why a rule did not decide, cheaply: a [`RuleTrace`] is built from it only when one is asked
/// for, so evaluating without a trace allocates nothing.
#[derive(Debug, Clone, Copy)]
enum Miss {
    Constraint(usize),
    /// (segment, constraint within it)
    Segment(usize, usize),
    NoStickinessValue,
    OutsideRollout(u32),
}

/// Why one rule did or did not decide (the "Try a context" panel shows this per rule).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum RuleTrace {
    Matched {
        rule_id: String,
        bucket: Option<u32>,
    },
    ConstraintFailed {
        rule_id: String,
        index: usize,
        attribute: String,
        actual: Option<String>,
    },
    SegmentFailed {
        rule_id: String,
        segment: String,
        attribute: String,
        actual: Option<String>,
    },
    OutsideRollout {
        rule_id: String,
        bucket: u32,
        percentage: u32,
    },
    NoStickinessValue {
        rule_id: String,
        attribute: String,
    },
    /// An earlier rule already decided.
    NotReached {
        rule_id: String,
    },
    /// A prerequisite was not met, so no rule was tried: `served` is what the other flag served
    /// (`None`: it does not exist here, is archived, cannot be evaluated or has prerequisites of
    /// its own).
    PrerequisiteFailed {
        flag: String,
        served: Option<String>,
    },
}

fn general(message: String) -> EvalError {
    EvalError {
        code: ErrorCode::General,
        message,
    }
}

/// A segment ready for evaluation.
#[derive(Debug, Clone)]
pub struct CompiledSegment {
    pub key: String,
    pub constraints: Vec<CompiledConstraint>,
}

impl CompiledSegment {
    pub fn compile(segment: &super::model::Segment) -> CompiledSegment {
        CompiledSegment {
            key: segment.key.clone(),
            constraints: segment
                .constraints
                .iter()
                .map(CompiledConstraint::compile)
                .collect(),
        }
    }
}

pub type Segments = HashMap<String, Arc<CompiledSegment>>;

#[derive(Debug, Clone)]
enum Stickiness {
    Attribute(String),
    /// userId, then sessionId (then, for splits, remoteAddress), else random.
    Default,
    Random,
}

impl Stickiness {
    fn parse(s: &str) -> Stickiness {
        match s {
            "default" => Stickiness::Default,
            "random" => Stickiness::Random,
            other => Stickiness::Attribute(other.to_string()),
        }
    }

    fn describe(&self) -> String {
        match self {
            Stickiness::Attribute(a) => a.clone(),
            Stickiness::Default => "default".into(),
            Stickiness::Random => "random".into(),
        }
    }
}

/// The value to bucket by: `Ok(Some(v))`, `Ok(None)` for "draw at random", `Err(())` when the
/// attribute is missing and there is no fallback.
fn sticky_value<'a>(
    stickiness: &Stickiness,
    ctx: &'a EvalContext,
    for_split: bool,
) -> Result<Option<&'a str>, ()> {
    let present = |name: &str| ctx.get(name).filter(|v| !v.is_empty());
    match stickiness {
        Stickiness::Random => Ok(None),
        Stickiness::Default => {
            let mut candidates = ["userId", "sessionId", "remoteAddress"].into_iter();
            let limit = if for_split { 3 } else { 2 };
            Ok(candidates.by_ref().take(limit).find_map(present))
        }
        // A split still serves someone without the attribute, at random; a rollout does not.
        Stickiness::Attribute(name) => match present(name) {
            Some(v) => Ok(Some(v)),
            None if for_split => Ok(None),
            None => Err(()),
        },
    }
}

#[derive(Debug, Clone)]
enum CompiledServe {
    Variant(usize),
    Split {
        total: u32,
        /// (cumulative upper bound, variant index)
        bounds: Vec<(u32, usize)>,
        stickiness: Stickiness,
        group: String,
    },
}

#[derive(Debug, Clone)]
struct CompiledRule {
    id: String,
    constraints: Vec<CompiledConstraint>,
    segments: Vec<Arc<CompiledSegment>>,
    rollout: Option<CompiledRollout>,
    serve: CompiledServe,
}

#[derive(Debug, Clone)]
struct CompiledRollout {
    percentage: u32,
    stickiness: Stickiness,
    group: String,
}

#[derive(Debug, Clone)]
pub struct CompiledFlag {
    pub key: String,
    pub kind: FlagKind,
    variants: Vec<(String, Value)>,
    enabled: bool,
    off: usize,
    default: usize,
    rules: Vec<CompiledRule>,
    prerequisites: Vec<CompiledPrerequisite>,
    /// Why this flag cannot be evaluated, if it cannot.
    broken: Option<EvalError>,
}

/// A prerequisite and, once [`CompiledFlag::link`] found it, the other flag as compiled for the
/// same environment.
#[derive(Debug, Clone)]
struct CompiledPrerequisite {
    flag: String,
    variants: Vec<String>,
    other: Option<Arc<CompiledFlag>>,
}

impl CompiledFlag {
    /// Compiles a flag's settings in one environment. Settings that cannot be evaluated (a
    /// variant or segment that does not exist) yield a flag that always answers ERROR rather than
    /// failing the whole snapshot.
    pub fn compile(flag: &Flag, env: &FlagEnvironment, segments: &Segments) -> CompiledFlag {
        let mut out = CompiledFlag {
            key: flag.key.clone(),
            kind: flag.kind,
            variants: flag
                .variants
                .iter()
                .map(|v| (v.key.clone(), v.value.clone()))
                .collect(),
            enabled: env.enabled,
            off: 0,
            default: 0,
            rules: Vec::new(),
            prerequisites: env
                .prerequisites
                .iter()
                .map(|p| CompiledPrerequisite {
                    flag: p.flag.clone(),
                    variants: p.variants.clone(),
                    other: None,
                })
                .collect(),
            broken: None,
        };
        if let Err(problem) = out.fill(flag, env, segments) {
            out.broken = Some(problem);
        }
        out
    }

    /// The flags this one's prerequisites name.
    pub fn prerequisite_flags(&self) -> impl Iterator<Item = &str> {
        self.prerequisites.iter().map(|p| p.flag.as_str())
    }

    pub fn has_prerequisites(&self) -> bool {
        !self.prerequisites.is_empty()
    }

    /// Connects each prerequisite to the other flag as compiled for the same environment
    /// (`find` answers `None` for a flag that does not exist there or is archived). Until linked,
    /// a prerequisite is not met. The other flag is kept only if it has no prerequisites itself:
    /// prerequisites are one level deep, so evaluation never recurses and never loops.
    pub fn link(&mut self, find: impl Fn(&str) -> Option<Arc<CompiledFlag>>) {
        for p in &mut self.prerequisites {
            p.other = find(&p.flag).filter(|other| !other.has_prerequisites());
        }
    }

    /// Why this flag answers ERROR, if it does.
    pub fn problem(&self) -> Option<&EvalError> {
        self.broken.as_ref()
    }

    /// A flag whose stored data could not even be read.
    pub fn unreadable(key: &str, kind: FlagKind, message: String) -> CompiledFlag {
        CompiledFlag {
            key: key.to_string(),
            kind,
            variants: Vec::new(),
            enabled: false,
            off: 0,
            default: 0,
            rules: Vec::new(),
            prerequisites: Vec::new(),
            broken: Some(EvalError {
                code: ErrorCode::ParseError,
                message,
            }),
        }
    }

    fn index(&self, variant: &str) -> Result<usize, EvalError> {
        self.variants
            .iter()
            .position(|(k, _)| k == variant)
            .ok_or_else(|| general(format!("unknown variant {variant:?}")))
    }

    fn fill(
        &mut self,
        flag: &Flag,
        env: &FlagEnvironment,
        segments: &Segments,
    ) -> Result<(), EvalError> {
        if let Some((key, value)) = self.variants.iter().find(|(_, v)| !flag.kind.accepts(v)) {
            return Err(EvalError {
                code: ErrorCode::TypeMismatch,
                message: format!(
                    "variant {key:?} holds {value}, not a {}",
                    flag.kind.as_str()
                ),
            });
        }
        self.off = self.index(&env.off_variant)?;
        self.default = self.index(&env.default_variant)?;
        for rule in &env.rules {
            let compiled = self.compile_rule(&flag.key, rule, segments)?;
            self.rules.push(compiled);
        }
        Ok(())
    }

    fn compile_rule(
        &self,
        flag_key: &str,
        rule: &Rule,
        segments: &Segments,
    ) -> Result<CompiledRule, EvalError> {
        let group_of = |g: Option<&String>| {
            g.filter(|g| !g.is_empty())
                .cloned()
                .unwrap_or_else(|| flag_key.to_string())
        };
        let rollout = rule.rollout.as_ref().map(|r| CompiledRollout {
            percentage: r.percentage.min(100),
            stickiness: Stickiness::parse(&r.stickiness),
            group: group_of(r.group_id.as_ref()),
        });
        let serve = match &rule.serve {
            Serve::Variant { variant } => CompiledServe::Variant(self.index(variant)?),
            Serve::Split(split) => {
                let mut upper = 0u32;
                let mut bounds = Vec::with_capacity(split.variants.len());
                for w in &split.variants {
                    upper = upper.saturating_add(w.weight);
                    bounds.push((upper, self.index(&w.variant)?));
                }
                if upper == 0 {
                    return Err(general(format!(
                        "rule {:?} splits nothing: its weights are all zero",
                        rule.id
                    )));
                }
                let inherited = rule.rollout.as_ref();
                CompiledServe::Split {
                    total: upper,
                    bounds,
                    stickiness: Stickiness::parse(
                        split
                            .stickiness
                            .as_deref()
                            .or(inherited.map(|r| r.stickiness.as_str()))
                            .unwrap_or(super::model::DEFAULT_STICKINESS),
                    ),
                    group: group_of(
                        split
                            .group_id
                            .as_ref()
                            .or(inherited.and_then(|r| r.group_id.as_ref())),
                    ),
                }
            }
        };
        let segments = rule
            .segments
            .iter()
            .map(|key| {
                segments
                    .get(key)
                    .cloned()
                    .ok_or_else(|| general(format!("unknown segment {key:?}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(CompiledRule {
            id: rule.id.clone(),
            constraints: rule
                .constraints
                .iter()
                .map(CompiledConstraint::compile)
                .collect(),
            segments,
            rollout,
            serve,
        })
    }

    pub fn evaluate(&self, ctx: &EvalContext) -> Evaluation {
        self.decide(ctx).to_evaluation()
    }

    /// Evaluates without copying anything out of the flag.
    pub fn decide(&self, ctx: &EvalContext) -> Decision<'_> {
        self.run(ctx, None)
    }

    /// Evaluates and says, rule by rule, why each did or did not decide.
    pub fn explain(&self, ctx: &EvalContext) -> (Evaluation, Vec<RuleTrace>) {
        let mut trace = Vec::with_capacity(self.rules.len());
        let evaluation = self.run(ctx, Some(&mut trace)).to_evaluation();
        (evaluation, trace)
    }

    /// The variant at `index` (no rule yet: [`Self::try_rule`] names the one that decided).
    fn answer(&self, index: usize, reason: Reason) -> Decision<'_> {
        let (key, value) = &self.variants[index];
        Decision {
            value: Some(value),
            variant: Some(key),
            reason,
            rule_id: None,
            error: None,
            missing_targeting_key: false,
        }
    }

    fn run(&self, ctx: &EvalContext, mut trace: Option<&mut Vec<RuleTrace>>) -> Decision<'_> {
        if let Some(problem) = &self.broken {
            return Decision {
                value: None,
                variant: None,
                reason: Reason::Error,
                rule_id: None,
                error: Some(problem),
                missing_targeting_key: false,
            };
        }
        if !self.enabled {
            return self.answer(self.off, Reason::Disabled);
        }
        if let Some(failed) = self.unmet_prerequisite(ctx) {
            if let Some(t) = trace.as_deref_mut() {
                t.push(failed);
            }
            return self.answer(self.off, Reason::PrerequisiteFailed);
        }
        if self.rules.is_empty() {
            return self.answer(self.default, Reason::Static);
        }
        let mut decided: Option<Decision<'_>> = None;
        let mut missing_key = false;
        for rule in &self.rules {
            if decided.is_some() {
                match trace.as_deref_mut() {
                    Some(t) => t.push(RuleTrace::NotReached {
                        rule_id: rule.id.clone(),
                    }),
                    None => break,
                }
                continue;
            }
            match self.try_rule(rule, ctx) {
                Ok((decision, bucket)) => {
                    if let Some(t) = trace.as_deref_mut() {
                        t.push(RuleTrace::Matched {
                            rule_id: rule.id.clone(),
                            bucket,
                        });
                    }
                    decided = Some(decision);
                }
                Err(miss) => {
                    if let Miss::NoStickinessValue = miss {
                        missing_key |= ctx.targeting_key.is_none()
                            && rule.rollout.as_ref().is_some_and(|r| {
                                matches!(&r.stickiness, Stickiness::Attribute(a)
                                    if a == "userId" || a == "targetingKey")
                            });
                    }
                    if let Some(t) = trace.as_deref_mut() {
                        t.push(traced(rule, miss, ctx));
                    }
                }
            }
        }
        let mut decision = decided.unwrap_or_else(|| self.answer(self.default, Reason::Default));
        decision.missing_targeting_key = missing_key;
        decision
    }

    /// The first prerequisite the caller does not meet, as a trace entry.
    fn unmet_prerequisite(&self, ctx: &EvalContext) -> Option<RuleTrace> {
        self.prerequisites.iter().find_map(|p| {
            let served = p
                .other
                .as_ref()
                .map(|other| other.decide(ctx))
                .filter(|d| d.reason != Reason::Error)
                .and_then(|d| d.variant);
            match served {
                Some(v) if p.variants.iter().any(|want| want == v) => None,
                _ => Some(RuleTrace::PrerequisiteFailed {
                    flag: p.flag.clone(),
                    served: served.map(str::to_string),
                }),
            }
        })
    }

    /// The rule's answer (and the caller's rollout bucket, if a rollout applied), or why not.
    fn try_rule<'a>(
        &'a self,
        rule: &'a CompiledRule,
        ctx: &EvalContext,
    ) -> Result<(Decision<'a>, Option<u32>), Miss> {
        if let Some(index) = rule.constraints.iter().position(|c| !c.matches(ctx)) {
            return Err(Miss::Constraint(index));
        }
        for (s, segment) in rule.segments.iter().enumerate() {
            if let Some(c) = segment.constraints.iter().position(|c| !c.matches(ctx)) {
                return Err(Miss::Segment(s, c));
            }
        }
        let mut bucket = None;
        if let Some(rollout) = &rule.rollout {
            let b = match sticky_value(&rollout.stickiness, ctx, false) {
                Ok(Some(value)) => hash::rollout_bucket(&rollout.group, value),
                Ok(None) => ctx.random % 100 + 1,
                Err(()) => return Err(Miss::NoStickinessValue),
            };
            if rollout.percentage == 0 || b > rollout.percentage {
                return Err(Miss::OutsideRollout(b));
            }
            bucket = Some(b);
        }
        let sampled = rule.rollout.as_ref().is_some_and(|r| r.percentage < 100);
        let reason = if sampled {
            Reason::Split
        } else {
            Reason::TargetingMatch
        };
        let (index, reason) = match &rule.serve {
            CompiledServe::Variant(index) => (*index, reason),
            CompiledServe::Split {
                total,
                bounds,
                stickiness,
                group,
            } => {
                let b = match sticky_value(stickiness, ctx, true) {
                    Ok(Some(value)) => hash::bucket(group, value, *total, VARIANT_SEED),
                    _ => ctx.random % total + 1,
                };
                let index = bounds
                    .iter()
                    .find(|(upper, _)| b <= *upper)
                    .map_or(bounds[bounds.len() - 1].1, |(_, i)| *i);
                (index, Reason::Split)
            }
        };
        let mut decision = self.answer(index, reason);
        decision.rule_id = Some(&rule.id);
        Ok((decision, bucket))
    }
}

/// The trace entry for a rule that did not decide.
fn traced(rule: &CompiledRule, miss: Miss, ctx: &EvalContext) -> RuleTrace {
    let rule_id = rule.id.clone();
    match miss {
        Miss::Constraint(index) => {
            let c = &rule.constraints[index];
            RuleTrace::ConstraintFailed {
                rule_id,
                index,
                attribute: c.attribute().to_string(),
                actual: ctx.get(c.attribute()).map(str::to_string),
            }
        }
        Miss::Segment(s, index) => {
            let segment = &rule.segments[s];
            let c = &segment.constraints[index];
            RuleTrace::SegmentFailed {
                rule_id,
                segment: segment.key.clone(),
                attribute: c.attribute().to_string(),
                actual: ctx.get(c.attribute()).map(str::to_string),
            }
        }
        Miss::NoStickinessValue => RuleTrace::NoStickinessValue {
            rule_id,
            attribute: rule
                .rollout
                .as_ref()
                .map(|r| r.stickiness.describe())
                .unwrap_or_default(),
        },
        Miss::OutsideRollout(bucket) => RuleTrace::OutsideRollout {
            rule_id,
            bucket,
            percentage: rule.rollout.as_ref().map_or(0, |r| r.percentage),
        },
    }
}

#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "engine_props.rs"]
mod props;
