//! Unleash's frontend API (`/api/frontend`): flags evaluated on the server for one caller, in the
//! shape Unleash's frontend SDKs read. Unlike the client API export (`super::unleash_export`),
//! nothing has to be translated: Switchboard's own engine decides, and the answer only reports
//! it. A toggle is listed when it is enabled, as Unleash lists them (a missing toggle reads as
//! disabled): a boolean flag when it serves `on`; a flag of another kind when it is on and its
//! prerequisites hold, with the served variant and its value as the payload.

use super::context::EvalContext;
use super::engine::{CompiledFlag, Decision};
use super::model::FlagKind;
use super::unleash_export::payload;
use serde_json::{Map, Value, json};

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

/// The flag's toggle for a caller it decided `ev` for, or `None` when Unleash would not list it:
/// disabled, or not answerable (an unreadable flag answers ERROR; Unleash has no such answer).
pub fn toggle(flag: &CompiledFlag, ev: &Decision) -> Option<Value> {
    if !ev.is_on(flag.kind) {
        return None;
    }
    let variant = if flag.kind == FlagKind::Boolean {
        // A feature without variants: Unleash's own "disabled" variant of an enabled feature.
        json!({"name": "disabled", "enabled": false, "feature_enabled": true})
    } else {
        json!({
            "name": ev.variant?,
            "enabled": true,
            "feature_enabled": true,
            "payload": payload(ev.value?),
        })
    };
    Some(json!({
        "name": flag.key,
        "enabled": true,
        "variant": variant,
        "impressionData": false,
    }))
}

/// The frontend API's answer: the toggles of `flags` that are enabled for `ctx`, in order.
pub fn toggles<'a>(flags: impl IntoIterator<Item = &'a CompiledFlag>, ctx: &EvalContext) -> Value {
    let toggles: Vec<Value> = flags
        .into_iter()
        .filter_map(|flag| toggle(flag, &flag.decide(ctx)))
        .collect();
    json!({ "toggles": toggles })
}

#[cfg(test)]
#[path = "unleash_frontend_tests.rs"]
mod tests;
