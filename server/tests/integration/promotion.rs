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

async fn the_diff_is_read_before_promoting(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.create_token("flag admin", true, &[]).await;
    admin.boolean_flag("checkout").await;
    save(
        &admin,
        "staging",
        "off",
        json!([{"id": "beta", "constraints": [{"attribute": "plan", "operator": "IN", "values": ["pro"]}],
                "serve": {"type": "variant", "variant": "on"}}]),
    )
    .await;
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

on_both_backends!(the_diff_is_read_before_promoting);
