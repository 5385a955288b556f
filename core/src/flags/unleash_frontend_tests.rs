use super::*;
use crate::flags::Segments;
use crate::flags::fixtures::*;
use crate::flags::model::{Flag, FlagEnvironment, Rule};
use serde_json::json;

fn compile(f: &Flag, s: &FlagEnvironment) -> CompiledFlag {
    CompiledFlag::compile(f, s, &Segments::new())
}

fn caller(context: Value) -> EvalContext {
    let Value::Object(map) = context else {
        panic!("a context is an object")
    };
    eval_context(map)
}

/// The toggle as a JSON value (parsed from the bytes written), or None when none is written.
fn toggle(flag: &CompiledFlag, ev: &Decision) -> Option<Value> {
    let mut out = Vec::new();
    let written = write_toggle(&mut out, flag, ev);
    assert_eq!(written, !out.is_empty());
    written.then(|| serde_json::from_slice(&out).expect("a toggle is JSON"))
}

fn answer(flags: &[&CompiledFlag], ctx: &EvalContext) -> Value {
    serde_json::from_slice(&toggles(flags.iter().copied(), ctx)).expect("the answer is JSON")
}

fn pairs(q: &[(&str, &str)]) -> Vec<(String, String)> {
    q.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn query_parameters_are_fields_and_bracketed_properties() {
    // As unleash-proxy-client's urlWithContextAsQuery sends them.
    let q = pairs(&[
        ("appName", "shop"),
        ("environment", "default"),
        ("userId", "u1"),
        ("properties[plan]", "pro"),
        ("properties[country]", "CA"),
        ("sessionId", "s1"),
    ]);
    assert_eq!(
        Value::Object(query_context(&q)),
        json!({"appName": "shop", "environment": "default", "userId": "u1", "sessionId": "s1",
               "properties": {"plan": "pro", "country": "CA"}})
    );
    assert_eq!(Value::Object(query_context(&[])), json!({}));
    // Not a property: the brackets must close.
    assert_eq!(
        Value::Object(query_context(&pairs(&[("properties[plan", "x")]))),
        json!({"properties[plan": "x"})
    );
}

#[test]
fn user_id_is_the_targeting_key_and_properties_are_attributes() {
    let ctx = caller(json!({"userId": "u1", "sessionId": "s1", "properties": {"plan": "pro"}}));
    assert_eq!(ctx.targeting_key.as_deref(), Some("u1"));
    assert_eq!(ctx.get("userId"), Some("u1"));
    assert_eq!(ctx.get("sessionId"), Some("s1"));
    assert_eq!(ctx.get("plan"), Some("pro"));
    assert_eq!(caller(json!({"sessionId": "s1"})).targeting_key, None);
}

fn canada() -> Rule {
    rule("canada", vec![is_in("country", &["CA"])], None, serve("on"))
}

#[test]
fn a_boolean_flag_is_listed_when_it_serves_on() {
    let f = compile(
        &flag("b", FlagKind::Boolean, &[]),
        &settings(true, "off", "off", vec![canada()]),
    );
    let ca = caller(json!({"userId": "u1", "properties": {"country": "CA"}}));
    let fr = caller(json!({"userId": "u1", "properties": {"country": "FR"}}));
    // Unleash's frontend API shape for an enabled feature without variants.
    assert_eq!(
        toggle(&f, &f.decide(&ca)),
        Some(
            json!({"name": "b", "enabled": true, "impressionData": false,
                    "variant": {"name": "disabled", "enabled": false, "feature_enabled": true}})
        )
    );
    assert_eq!(toggle(&f, &f.decide(&fr)), None);
    // Switched off: off for everyone, Canada included.
    let off = compile(
        &flag("b", FlagKind::Boolean, &[]),
        &settings(false, "off", "on", vec![canada()]),
    );
    assert_eq!(toggle(&off, &off.decide(&ca)), None);
}

#[test]
fn other_kinds_carry_the_served_variant_and_its_value() {
    let variants = [("red", json!("#f00")), ("blue", json!("#00f"))];
    let pro = rule("pro", vec![is_in("plan", &["pro"])], None, serve("blue"));
    let f = compile(
        &flag("theme", FlagKind::String, &variants),
        &settings(true, "red", "red", vec![pro]),
    );
    let toggle_for = |plan: &str| {
        toggle(
            &f,
            &f.decide(&caller(json!({"userId": "u1", "plan": plan}))),
        )
    };
    assert_eq!(
        toggle_for("pro"),
        Some(
            json!({"name": "theme", "enabled": true, "impressionData": false,
                    "variant": {"name": "blue", "enabled": true, "feature_enabled": true,
                                "payload": {"type": "string", "value": "#00f"}}})
        )
    );
    assert_eq!(
        toggle_for("free").map(|t| t["variant"].clone()),
        Some(
            json!({"name": "red", "enabled": true, "feature_enabled": true,
                    "payload": {"type": "string", "value": "#f00"}})
        )
    );
    let number = compile(
        &flag("limit", FlagKind::Number, &[("big", json!(2.5))]),
        &settings(true, "big", "big", vec![]),
    );
    assert_eq!(
        toggle(&number, &number.decide(&caller(json!({}))))
            .map(|t| t["variant"]["payload"].clone()),
        Some(json!({"type": "number", "value": "2.5"}))
    );
    let layout = compile(
        &flag(
            "layout",
            FlagKind::Json,
            &[("narrow", json!({"columns": 1}))],
        ),
        &settings(true, "narrow", "narrow", vec![]),
    );
    assert_eq!(
        toggle(&layout, &layout.decide(&caller(json!({}))))
            .map(|t| t["variant"]["payload"].clone()),
        Some(json!({"type": "json", "value": "{\"columns\":1}"}))
    );
}

#[test]
fn off_broken_and_unmet_flags_are_not_listed() {
    let variants = [("red", json!("#f00"))];
    let off = compile(
        &flag("theme", FlagKind::String, &variants),
        &settings(false, "red", "red", vec![]),
    );
    // Switchboard serves the off variant; Unleash reports a disabled feature by leaving it out.
    assert_eq!(off.decide(&caller(json!({}))).value, Some(&json!("#f00")));
    assert_eq!(toggle(&off, &off.decide(&caller(json!({})))), None);
    // A default variant the flag does not have: ERROR in Switchboard, nothing in Unleash.
    let broken = compile(
        &flag("theme", FlagKind::String, &variants),
        &settings(true, "red", "purple", vec![]),
    );
    assert_eq!(toggle(&broken, &broken.decide(&caller(json!({})))), None);
    // A rollout by user, and no user: the rollout does not hold, as in Unleash.
    let rollout_only = compile(
        &flag("b", FlagKind::Boolean, &[]),
        &settings(
            true,
            "off",
            "off",
            vec![rule(
                "all",
                vec![],
                rollout(100, "userId", None),
                serve("on"),
            )],
        ),
    );
    assert!(
        toggle(
            &rollout_only,
            &rollout_only.decide(&caller(json!({"userId": "u1"})))
        )
        .is_some()
    );
    assert_eq!(
        toggle(
            &rollout_only,
            &rollout_only.decide(&caller(json!({"sessionId": "s1"})))
        ),
        None
    );
}

#[test]
fn the_answer_lists_the_enabled_toggles_in_order() {
    let on = compile(
        &flag("a-on", FlagKind::Boolean, &[]),
        &settings(true, "off", "on", vec![]),
    );
    let off = compile(
        &flag("b-off", FlagKind::Boolean, &[]),
        &settings(true, "off", "off", vec![]),
    );
    let ca = compile(
        &flag("c-canada", FlagKind::Boolean, &[]),
        &settings(true, "off", "off", vec![canada()]),
    );
    let names = |context: Value| -> Vec<Value> {
        answer(&[&on, &off, &ca], &caller(context))["toggles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].clone())
            .collect()
    };
    assert_eq!(
        names(json!({"properties": {"country": "CA"}})),
        vec![json!("a-on"), json!("c-canada")]
    );
    assert_eq!(names(json!({})), vec![json!("a-on")]);
}

#[test]
fn the_answer_is_written_exactly_as_unleash_sdks_read_it() {
    // A key, a variant and a value that need escaping, beside a boolean flag; the bytes are the
    // ones a JSON serializer writes for the same toggles, members sorted.
    let quoted = compile(
        &flag("say \"hi\"", FlagKind::String, &[("a\\b", json!("x\"y\n"))]),
        &settings(true, "a\\b", "a\\b", vec![]),
    );
    let plain = compile(
        &flag("plain", FlagKind::Boolean, &[]),
        &settings(true, "off", "on", vec![]),
    );
    let bytes = toggles([&quoted, &plain], &caller(json!({})));
    assert_eq!(
        String::from_utf8(bytes).unwrap(),
        concat!(
            r#"{"toggles":[{"enabled":true,"impressionData":false,"name":"say \"hi\"","#,
            r#""variant":{"enabled":true,"feature_enabled":true,"name":"a\\b","#,
            r#""payload":{"type":"string","value":"x\"y\n"}}},"#,
            r#"{"enabled":true,"impressionData":false,"name":"plain","#,
            r#""variant":{"enabled":false,"feature_enabled":true,"name":"disabled"}}]}"#
        )
    );
    let off = compile(
        &flag("off", FlagKind::Boolean, &[]),
        &settings(false, "off", "on", vec![]),
    );
    // Nothing enabled: an empty list, with no separator left behind by the skipped flags.
    assert_eq!(
        toggles([&off, &off], &caller(json!({}))),
        b"{\"toggles\":[]}"
    );
    assert_eq!(
        answer(&[&off, &plain, &off], &caller(json!({})))["toggles"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
}
