//! Promoting a flag's settings from staging to production: the diff read first, then the copy.
//! Expected diffs are written out by hand from the two environments' settings.

use crate::common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

const PREVIEW: &str = "/flags/checkout/environments/production/copy-from/staging";

async fn save(admin: &Api, environment: &str, default_variant: &str, rules: Value) {
    let version = admin.flag_settings_version("checkout", environment).await;
    let (status, body) = admin
        .put(
            &format!("/flags/checkout/environments/{environment}"),
            json!({"enabled": true, "off_variant": "off", "default_variant": default_variant,
                   "rules": rules, "version": version}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// Staging's one rule: `on` for the pro plan.
fn beta_rule() -> Value {
    json!([{"id": "beta", "constraints": [{"attribute": "plan", "operator": "IN", "values": ["pro"]}],
            "serve": {"type": "variant", "variant": "on"}}])
}

async fn the_diff_is_read_before_promoting(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.create_token("flag admin", true, &[]).await;
    admin.boolean_flag("checkout").await;
    save(&admin, "staging", "off", beta_rule()).await;
    save(
        &admin,
        "production",
        "on",
        json!([{"id": "legacy", "serve": {"type": "variant", "variant": "off"}}]),
    )
    .await;
    let version = admin.flag_settings_version("checkout", "production").await;

    let (status, body) = admin.get(PREVIEW).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body,
        json!({"flag": "checkout", "from": "staging", "to": "production", "changes": [
            {"change": "default_variant", "from": "on", "to": "off"},
            {"change": "rule_removed", "rule": "legacy"},
            {"change": "rule_added", "rule": "beta"},
        ]})
    );
    // Reading the diff changes nothing.
    assert_eq!(
        admin.flag_settings_version("checkout", "production").await,
        version
    );

    for (path, what) in [
        (
            "/flags/checkout/environments/production/copy-from/nowhere",
            "environment",
        ),
        (
            "/flags/checkout/environments/nowhere/copy-from/staging",
            "environment",
        ),
        (
            "/flags/ghost/environments/production/copy-from/staging",
            "flag",
        ),
    ] {
        let (status, body) = admin.get(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "unknown {what}: {body}");
    }

    let (status, body) = admin.post(PREVIEW, json!({"version": version})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = admin.get(PREVIEW).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["changes"], json!([]), "promoted: nothing left to copy");
    server.stop().await;
}

/// The flag's settings versions in development and production.
async fn versions(admin: &Api) -> (i64, i64) {
    (
        admin.flag_settings_version("checkout", "development").await,
        admin.flag_settings_version("checkout", "production").await,
    )
}

async fn copying_everywhere_is_all_or_nothing(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.create_token("flag admin", true, &[]).await;
    admin.boolean_flag("checkout").await;
    save(&admin, "staging", "off", beta_rule()).await;
    admin.switch("checkout", "production", true).await;
    let everywhere = "/flags/checkout/copy-everywhere-from/staging";

    // Production moved since it was read (version 1): development, written first, is rolled
    // back with it.
    let (status, body) = admin
        .post(
            everywhere,
            json!({"versions": {"development": 0, "production": 0}}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(versions(&admin).await, (0, 1));

    // An environment left out (as one added since the page was read) refuses the copy.
    let (status, body) = admin
        .post(everywhere, json!({"versions": {"production": 1}}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["fields"]["versions"],
        "Development is not listed (added since?): reload and try again"
    );
    assert_eq!(versions(&admin).await, (0, 1));

    // Editors everywhere may not write flags in protected production: refused before anything.
    let editor = server
        .create_token(
            "editor",
            false,
            &[
                ("development", "editor"),
                ("staging", "editor"),
                ("production", "editor"),
            ],
        )
        .await;
    let (status, body) = editor
        .post(
            everywhere,
            json!({"versions": {"development": 0, "production": 1}}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(versions(&admin).await, (0, 1));

    let (status, body) = admin
        .post(
            everywhere,
            json!({"versions": {"development": 0, "production": 1}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let written: Vec<(String, bool, i64)> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["environment"].as_str().unwrap().to_string(),
                s["enabled"].as_bool().unwrap(),
                s["version"].as_i64().unwrap(),
            )
        })
        .collect();
    // Each keeps its kill switch: development stays off, production on.
    assert_eq!(
        written,
        [
            ("development".into(), false, 1),
            ("production".into(), true, 2)
        ]
    );
    for environment in ["development", "production"] {
        let (status, body) = admin
            .get(&format!(
                "/flags/checkout/environments/{environment}/copy-from/staging"
            ))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["changes"], json!([]), "{environment}: {body}");
    }
    server.stop().await;
}

async fn environments_are_compared_flag_by_flag(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.create_token("flag admin", true, &[]).await;
    for flag in ["checkout", "search", "legacy"] {
        admin.boolean_flag(flag).await;
    }
    save(&admin, "staging", "off", beta_rule()).await;
    // legacy differs too, but archived flags are served nowhere and left out.
    let (status, body) = admin
        .put(
            "/flags/legacy/environments/staging",
            json!({"enabled": true, "off_variant": "off", "default_variant": "on", "rules": [], "version": 0}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = admin
        .post("/flags/legacy/archive", json!({"version": 1}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // search is configured nowhere: alike everywhere, left out.
    let (status, body) = admin
        .get("/environments/production/flags/copy-from/staging")
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body,
        json!({"from": "staging", "to": "production", "flags": [
            {"flag": "checkout", "from": "staging", "to": "production",
             "changes": [{"change": "rule_added", "rule": "beta"}]},
        ]})
    );
    let (status, body) = admin
        .get("/environments/staging/flags/copy-from/production")
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["flags"],
        json!([{"flag": "checkout", "from": "production", "to": "staging",
                "changes": [{"change": "rule_removed", "rule": "beta"}]}])
    );
    let (status, body) = admin
        .get("/environments/production/flags/copy-from/nowhere")
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (status, body) = admin
        .get("/environments/staging/flags/copy-from/staging")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    server.stop().await;
}

on_both_backends!(
    the_diff_is_read_before_promoting,
    copying_everywhere_is_all_or_nothing,
    environments_are_compared_flag_by_flag,
);
