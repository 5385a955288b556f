//! When a flag gate lets an item through. One rule for the delivery API (server snapshot) and the
//! editor's preview (flags compiled in the browser), so both show the same menu.

use crate::flags::{CompiledFlag, EvalContext, FlagKind, Reason};
use serde_json::Value;

/// A boolean flag must evaluate to `true`; a flag of another kind must be switched on and
/// evaluate without error. A flag that does not exist (deleted, archived) keeps the item hidden.
pub fn gate_open(flag: Option<&CompiledFlag>, ctx: &EvalContext) -> bool {
    let Some(flag) = flag else {
        return false;
    };
    let ev = flag.evaluate(ctx);
    match flag.kind {
        FlagKind::Boolean => ev.value == Some(Value::Bool(true)),
        _ => !matches!(ev.reason, Reason::Disabled | Reason::Error),
    }
}
