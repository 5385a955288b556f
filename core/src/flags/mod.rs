//! Rollout flags: the model, Unleash-compatible bucketing, and the evaluation engine shared by
//! the server (OFREP delivery) and the browser (the flag page's "Try a context" panel).

pub mod compare;
pub mod constraint;
pub mod context;
pub mod engine;
#[cfg(test)]
pub(crate) mod fixtures;
pub mod hash;
pub mod inputs;
pub mod model;
pub mod reach;
pub mod unleash;
pub mod unleash_export;
pub mod unleash_frontend;
pub mod views;

pub use compare::{RulePart, SettingsChange, compare_settings};
pub use context::EvalContext;
pub use engine::{
    CompiledFlag, CompiledSegment, Decision, ErrorCode, EvalError, Evaluation, Reason, RuleTrace,
    Segments,
};
pub use inputs::*;
pub use model::*;
pub use views::*;
