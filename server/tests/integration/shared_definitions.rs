//! Flag definitions and segments are shared by every environment. A change to one is authorized
//! against every environment whose served result it changes, so a role in staging cannot reach
//! production through them (the escalation this file reproduces ended with production apps
//! getting another value, or FLAG_NOT_FOUND).

use crate::common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn evaluate(server: &TestServer, key: &str, flag: &str) -> (StatusCode, Value) {
    let res = reqwest::Client::new()
        .post(server.url(&format!("/ofrep/v1/evaluate/flags/{flag}")))
        .bearer_auth(key)
        .json(&json!({"context": {"targetingKey": "user-1", "plan": "pro"}}))
        .send()
        .await
        .unwrap();
    read(res).await
}

async fn ok(call: (StatusCode, Value)) -> Value {
    assert!(call.0.is_success(), "{}: {}", call.0, call.1);
    call.1
}

async fn a_staging_editor_cannot_change_what_production_serves(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.create_token("admin", true, &[]).await;
    let (_, key) = admin
        .post("/environments/production/sdk-keys", json!({"name": "app"}))
        .await;
    let prod_key = key["secret"].as_str().unwrap().to_string();

    // A string flag switched off in production (serving `safe`), on in staging and development
    // (serving `draft`).
    ok(admin
        .post(
            "/flags",
            json!({"key": "banner", "name": "Banner", "kind": "string",
                   "variants": [{"key": "draft", "value": "draft text"}, {"key": "safe", "value": "safe text"}]}),
        )
        .await)
    .await;
    for (env, enabled, variant) in [
        ("development", true, "draft"),
        ("staging", true, "draft"),
        ("production", false, "safe"),
    ] {
        ok(admin
            .put(
                &format!("/flags/banner/environments/{env}"),
                json!({"enabled": enabled, "off_variant": variant, "default_variant": variant, "rules": [], "version": 0}),
            )
            .await)
        .await;
    }
    // A segment read by a rule of a flag that is on in production only.
    ok(admin
        .post(
            "/segments",
            json!({"key": "unleash-segment-7", "name": "Pro plans", "constraints": [{"attribute": "plan", "operator": "IN", "values": ["pro"]}]}),
        )
        .await)
    .await;
    ok(admin
        .post(
            "/flags",
            json!({"key": "pro-tools", "name": "Pro tools", "kind": "boolean"}),
        )
        .await)
    .await;
    ok(admin
        .put(
            "/flags/pro-tools/environments/production",
            json!({"enabled": true, "off_variant": "off", "default_variant": "off", "version": 0,
                   "rules": [{"id": "pro", "segments": ["unleash-segment-7"], "serve": {"type": "variant", "variant": "on"}}]}),
        )
        .await)
    .await;
    let (_, banner) = evaluate(&server, &prod_key, "banner").await;
    assert_eq!(banner["value"], "safe text");
    let (_, tools) = evaluate(&server, &prod_key, "pro-tools").await;
    assert_eq!(tools["value"], true);

    let editor = server
        .create_token(
            "staging editor",
            false,
            &[("staging", "editor"), ("development", "editor")],
        )
        .await;
    let (_, flag) = editor.get("/flags/banner").await;
    let version = flag["flag"]["version"]
        .as_i64()
        .or(flag["version"].as_i64())
        .unwrap();

    // The off variant production serves.
    let (status, body) = editor
        .put(
            "/flags/banner",
            json!({"name": "Banner", "version": version,
                   "variants": [{"key": "draft", "value": "draft text"}, {"key": "safe", "value": "EVIL"}]}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    // Archiving takes the flag away from every environment.
    let (status, body) = editor
        .post("/flags/banner/archive", json!({"version": version}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    // The segment production's rule reads, edited directly and through an import.
    let (_, segments) = editor.get("/segments").await;
    let segment = segments
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == "unleash-segment-7")
        .unwrap()
        .clone();
    let (status, body) = editor
        .put(
            "/segments/unleash-segment-7",
            json!({"name": "Pro plans", "version": segment["version"],
                   "constraints": [{"attribute": "plan", "operator": "IN", "values": ["free"]}]}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = editor
        .post(
            "/environments/staging/import/unleash",
            json!({"features": [], "segments": [{"id": 7, "name": "Pro plans",
                   "constraints": [{"contextName": "plan", "operator": "IN", "values": ["free"]}]}]}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    // A new flag would be served (off) in production at once.
    let (status, body) = editor
        .post(
            "/flags",
            json!({"key": "sneaky", "name": "Sneaky", "kind": "boolean"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");

    let (_, banner) = evaluate(&server, &prod_key, "banner").await;
    assert_eq!(banner["value"], "safe text");
    let (_, tools) = evaluate(&server, &prod_key, "pro-tools").await;
    assert_eq!(tools["value"], true);
    let (status, _) = evaluate(&server, &prod_key, "sneaky").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // What only the editor's environments serve stays the editor's to change.
    ok(editor
        .put(
            "/flags/banner",
            json!({"name": "Banner (renamed)", "version": version,
                   "variants": [{"key": "draft", "value": "new draft"}, {"key": "safe", "value": "safe text"}]}),
        )
        .await)
    .await;
    let (_, banner) = evaluate(&server, &prod_key, "banner").await;
    assert_eq!(banner["value"], "safe text");
    server.stop().await;
}

on_both_backends!(a_staging_editor_cannot_change_what_production_serves);
