//! Unleash's frontend API (`/api/frontend`): flags evaluated on the server for one caller, in the
//! shape Unleash's frontend SDKs read. Unlike the client API export (`super::unleash_export`),
//! nothing has to be translated: Switchboard's own engine decides, and the answer only reports
//! it. A toggle is listed when it is enabled, as Unleash lists them (a missing toggle reads as
//! disabled): a boolean flag when it serves `on`; a flag of another kind when it is on and its
//! prerequisites hold, with the served variant and its value as the payload.

use super::context::EvalContext;
use super::engine::{CompiledFlag, Decision};
use super::model::FlagKind;
use super::unleash_export::payload_parts;
use serde_json::{Map, Value};

/// The Unleash context fields a frontend SDK sends as query parameters, as a context object:
/// `properties[name]=value` goes under `properties`, every other parameter is a field. A
/// parameter given twice keeps its last value (SDKs send each once).
pub fn query_context(pairs: &[(String, String)]) -> Map<String, Value> {
    let mut context = Map::new();
    let mut properties = Map::new();
    for (name, value) in pairs {
        match name
            .strip_prefix("properties[")
            .and_then(|n| n.strip_suffix(']'))
        {
            Some(property) => {
                properties.insert(property.to_string(), Value::String(value.clone()));
            }
            None => {
                context.insert(name.clone(), Value::String(value.clone()));
            }
        }
    }
    if !properties.is_empty() {
        context.insert("properties".into(), Value::Object(properties));
    }
    context
}

/// An Unleash context as Switchboard's: `userId` is the targeting key (the user the default
/// stickiness buckets), `properties` are attributes like the standard fields.
pub fn eval_context(context: Map<String, Value>) -> EvalContext {
    let user = match context.get("userId") {
        Some(Value::String(user)) => Some(user.clone()),
        _ => None,
    };
    let mut ctx = EvalContext::from_map(context);
    if user.is_some() {
        ctx.targeting_key = user;
    }
    ctx
}

/// Appends `value` as JSON. Writing into a `Vec` cannot fail, and neither can serializing a
/// string, so there is no error to pass on.
fn json(out: &mut Vec<u8>, value: &str) {
    let _ = serde_json::to_writer(&mut *out, value);
}

/// Appends the flag's toggle for a caller it decided `ev` for, and says whether it did: nothing
/// when Unleash would not list it (disabled, or not answerable: an unreadable flag answers ERROR,
/// which Unleash has no word for). Written as bytes rather than built as a `serde_json::Value`:
/// the answer evaluates every flag of the environment per request, and a tree per toggle cost
/// more than the evaluation. Members are sorted, as serde_json writes a map.
pub fn write_toggle(out: &mut Vec<u8>, flag: &CompiledFlag, ev: &Decision) -> bool {
    if !ev.is_on(flag.kind) {
        return false;
    }
    let served = match (flag.kind, ev.variant, ev.value) {
        (FlagKind::Boolean, _, _) => None,
        (_, Some(variant), Some(value)) => Some((variant, value)),
        _ => return false,
    };
    out.extend_from_slice(b"{\"enabled\":true,\"impressionData\":false,\"name\":");
    json(out, &flag.key);
    out.extend_from_slice(b",\"variant\":");
    match served {
        // A feature without variants: Unleash's own "disabled" variant of an enabled feature.
        None => out.extend_from_slice(
            b"{\"enabled\":false,\"feature_enabled\":true,\"name\":\"disabled\"}",
        ),
        Some((variant, value)) => {
            out.extend_from_slice(b"{\"enabled\":true,\"feature_enabled\":true,\"name\":");
            json(out, variant);
            let (kind, text) = payload_parts(value);
            out.extend_from_slice(b",\"payload\":{\"type\":");
            json(out, kind);
            out.extend_from_slice(b",\"value\":");
            json(out, &text);
            out.extend_from_slice(b"}}");
        }
    }
    out.push(b'}');
    true
}

/// The frontend API's answer, `{"toggles": [...]}`: the toggles of `flags` that are enabled for
/// `ctx`, in order, as JSON bytes.
pub fn toggles<'a>(
    flags: impl IntoIterator<Item = &'a CompiledFlag>,
    ctx: &EvalContext,
) -> Vec<u8> {
    let flags = flags.into_iter();
    let mut out = Vec::with_capacity(flags.size_hint().0 * 96 + 16);
    out.extend_from_slice(b"{\"toggles\":[");
    let mut listed = false;
    for flag in flags {
        let mark = out.len();
        if listed {
            out.push(b',');
        }
        if write_toggle(&mut out, flag, &flag.decide(ctx)) {
            listed = true;
        } else {
            out.truncate(mark);
        }
    }
    out.extend_from_slice(b"]}");
    out
}

#[cfg(test)]
#[path = "unleash_frontend_tests.rs"]
mod tests;
