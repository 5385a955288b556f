//! OFREP answers written as JSON straight into the response buffer. A bulk answer holds one entry
//! per flag of the environment; building a `serde_json::Value` tree for each (with its keys
//! allocated) and then serializing the tree cost more than evaluating the flags, so the entries
//! are written from the engine's borrowed [`app::flags::Decision`] instead.

use crate::delivery::error::DeliveryError;
use app::flags::{CompiledFlag, EvalContext, Reason};
use serde::Serialize;

/// Appends `value` as JSON. Writing into a `Vec` cannot fail, and neither can serializing the
/// strings and JSON values written here (their map keys are strings), so there is no error to pass on.
fn json(out: &mut Vec<u8>, value: &(impl Serialize + ?Sized)) {
    let _ = serde_json::to_writer(&mut *out, value);
}

/// One flag's answer appended to `out` as a JSON object, or the failure (400, with the flag's
/// key; in a bulk answer, its body is the flag's entry) with nothing appended.
pub fn write(
    out: &mut Vec<u8>,
    flag: &CompiledFlag,
    ctx: &EvalContext,
) -> Result<(), DeliveryError> {
    let decision = flag.decide(ctx);
    if let Some(e) = decision.error {
        return Err(
            DeliveryError::bad_request(e.code.as_str(), e.message.clone()).for_flag(&flag.key),
        );
    }
    if decision.missing_targeting_key {
        return Err(DeliveryError::bad_request(
            "TARGETING_KEY_MISSING",
            "this flag rolls out by user: send a targetingKey in the context",
        )
        .for_flag(&flag.key));
    }
    // Members in the order serde_json wrote them before (sorted), so the bytes on the wire stay
    // the same.
    out.extend_from_slice(b"{\"key\":");
    json(out, &flag.key);
    if let (Some(rule), Reason::TargetingMatch | Reason::Split) =
        (decision.rule_id, decision.reason)
    {
        out.extend_from_slice(b",\"metadata\":{\"ruleId\":");
        json(out, rule);
        out.push(b'}');
    }
    out.extend_from_slice(b",\"reason\":");
    json(out, decision.reason.as_str());
    out.extend_from_slice(b",\"value\":");
    json(out, &decision.value);
    out.extend_from_slice(b",\"variant\":");
    json(out, &decision.variant);
    out.push(b'}');
    Ok(())
}

/// One flag's answer on its own: the JSON body, or the failure.
pub fn single(flag: &CompiledFlag, ctx: &EvalContext) -> Result<Vec<u8>, DeliveryError> {
    let mut out = Vec::with_capacity(128);
    write(&mut out, flag, ctx)?;
    Ok(out)
}

/// The bulk answer: `eventStreams`, then every flag's entry (a failure's body in its place).
pub fn bulk<'a>(
    flags: impl Iterator<Item = &'a CompiledFlag>,
    ctx: &EvalContext,
    event_streams: &serde_json::Value,
) -> Vec<u8> {
    let count = flags.size_hint().1.unwrap_or(0);
    let mut out = Vec::with_capacity(count * 96 + 256);
    out.extend_from_slice(b"{\"eventStreams\":");
    json(&mut out, event_streams);
    out.extend_from_slice(b",\"flags\":[");
    for (i, flag) in flags.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        if let Err(failure) = write(&mut out, flag, ctx) {
            json(&mut out, &failure.body());
        }
    }
    out.extend_from_slice(b"]}");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::flags::{Flag, FlagEnvironment, FlagKind, Rule, Segments, Serve, Variant};
    use serde_json::{Value, json};

    fn flag(key: &str, enabled: bool, default: &str, rules: Vec<Rule>) -> CompiledFlag {
        let f = Flag {
            id: 1,
            key: key.into(),
            name: key.into(),
            description: String::new(),
            tags: vec![],
            owner: String::new(),
            kind: FlagKind::Json,
            variants: vec![
                Variant {
                    key: "red".into(),
                    value: json!({"color": "#f00"}),
                    description: String::new(),
                },
                Variant {
                    key: "quote\"d".into(),
                    value: json!({"nested": ["a", 1, null]}),
                    description: String::new(),
                },
            ],
            archived: false,
            version: 1,
            created_at: 0,
            updated_at: 0,
        };
        let settings = FlagEnvironment {
            environment: "staging".into(),
            enabled,
            off_variant: "red".into(),
            default_variant: default.into(),
            prerequisites: vec![],
            rules,
            version: 1,
            updated_at: 0,
        };
        CompiledFlag::compile(&f, &settings, &Segments::new())
    }

    fn everyone(id: &str, variant: &str) -> Rule {
        Rule {
            id: id.into(),
            name: String::new(),
            constraints: vec![],
            segments: vec![],
            rollout: None,
            serve: Serve::Variant {
                variant: variant.into(),
            },
        }
    }

    fn parsed(bytes: &[u8]) -> Value {
        serde_json::from_slice(bytes).expect("the answer is JSON")
    }

    #[test]
    fn answers_are_the_protocols_objects() {
        let ctx = EvalContext::new(Some("u1".into()));
        // (flag, expected answer): written out from OFREP's evaluation success schema.
        let table = [
            (
                flag("a\"b", true, "red", vec![everyone("r\"1", "quote\"d")]),
                json!({"key": "a\"b", "value": {"nested": ["a", 1, null]}, "reason": "TARGETING_MATCH",
                       "variant": "quote\"d", "metadata": {"ruleId": "r\"1"}}),
            ),
            (
                flag("plain", true, "red", vec![]),
                json!({"key": "plain", "value": {"color": "#f00"}, "reason": "STATIC", "variant": "red"}),
            ),
            (
                flag("off", false, "quote\"d", vec![everyone("r1", "quote\"d")]),
                json!({"key": "off", "value": {"color": "#f00"}, "reason": "DISABLED", "variant": "red"}),
            ),
        ];
        for (f, expected) in &table {
            assert_eq!(parsed(&single(f, &ctx).unwrap()), *expected, "{}", f.key);
        }
        let broken = flag("broken", true, "purple", vec![]);
        let failure = single(&broken, &ctx).unwrap_err();
        assert_eq!(failure.code(), Some("GENERAL"));

        let streams = json!([{"type": "sse"}]);
        let all = bulk(
            table.iter().map(|(f, _)| f).chain([&broken]),
            &ctx,
            &streams,
        );
        let mut flags: Vec<Value> = table.iter().map(|(_, e)| e.clone()).collect();
        flags.push(
            json!({"key": "broken", "errorCode": "GENERAL", "errorDetails": failure.details()}),
        );
        assert_eq!(
            parsed(&all),
            json!({"flags": flags, "eventStreams": streams})
        );
        assert_eq!(
            parsed(&bulk(std::iter::empty(), &ctx, &streams)),
            json!({"flags": [], "eventStreams": streams})
        );
    }
}
