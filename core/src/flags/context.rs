//! What the caller tells us about who is asking: a targeting key and attributes.

use serde_json::Value;
use std::collections::HashMap;

/// An evaluation context with every attribute reduced to text (numbers and booleans in their
/// JSON spelling), which is what constraints compare.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EvalContext {
    pub targeting_key: Option<String>,
    attributes: HashMap<String, String>,
    /// A number the caller drew at random, for `random` stickiness (the engine itself does no
    /// I/O and draws nothing).
    pub random: u32,
    /// The caller's clock (milliseconds since the epoch), for date constraints on `currentTime`
    /// when the context does not carry one.
    pub now: i64,
}

impl EvalContext {
    pub fn new(targeting_key: Option<String>) -> EvalContext {
        EvalContext {
            targeting_key,
            ..Default::default()
        }
    }

    /// From an OpenFeature context object: `targetingKey` plus any attributes. Nested objects
    /// are flattened one level (`properties.plan` becomes `plan`, as Unleash contexts put them).
    pub fn from_json(context: &serde_json::Map<String, Value>) -> EvalContext {
        EvalContext::from_map(context.clone())
    }

    /// [`Self::from_json`], taking the object: its names and text values are moved, not copied
    /// (OFREP's single-flag evaluation builds one context per request and keeps nothing else).
    pub fn from_map(context: serde_json::Map<String, Value>) -> EvalContext {
        let mut ctx = EvalContext {
            attributes: HashMap::with_capacity(context.len()),
            ..EvalContext::default()
        };
        for (name, value) in context {
            match value {
                Value::String(s) if name == "targetingKey" => ctx.targeting_key = Some(s),
                Value::Object(inner) if name == "properties" => {
                    for (k, v) in inner {
                        ctx.set_value(k, v);
                    }
                }
                value => ctx.set_value(name, value),
            }
        }
        ctx
    }

    pub fn with(mut self, name: &str, value: &str) -> EvalContext {
        self.set(name, value);
        self
    }

    pub fn set(&mut self, name: &str, value: &str) {
        self.attributes.insert(name.to_string(), value.to_string());
    }

    fn set_value(&mut self, name: String, value: Value) {
        match value {
            Value::Null => {}
            Value::String(s) => {
                self.attributes.insert(name, s);
            }
            other => {
                self.attributes.insert(name, other.to_string());
            }
        }
    }

    /// An attribute's value. `targetingKey` is the targeting key; `userId` falls back to it
    /// (OpenFeature's targeting key is the user).
    pub fn get(&self, name: &str) -> Option<&str> {
        match name {
            "targetingKey" => self.targeting_key.as_deref(),
            "userId" => self
                .attributes
                .get(name)
                .map(String::as_str)
                .or(self.targeting_key.as_deref()),
            _ => self.attributes.get(name).map(String::as_str),
        }
    }

    pub fn attributes(&self) -> impl Iterator<Item = (&String, &String)> {
        self.attributes.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn from_openfeature_json() {
        let v = json!({"targetingKey": "u1", "plan": "pro", "seats": 5, "beta": true, "gone": null, "properties": {"country": "CA"}});
        let ctx = EvalContext::from_json(v.as_object().unwrap());
        assert_eq!(ctx.targeting_key.as_deref(), Some("u1"));
        assert_eq!(ctx.get("plan"), Some("pro"));
        assert_eq!(ctx.get("seats"), Some("5"));
        assert_eq!(ctx.get("beta"), Some("true"));
        assert_eq!(ctx.get("gone"), None);
        assert_eq!(ctx.get("country"), Some("CA"));
        assert_eq!(
            ctx.get("userId"),
            Some("u1"),
            "userId falls back to the targeting key"
        );
        assert_eq!(ctx.clone().with("userId", "u2").get("userId"), Some("u2"));
    }
}
