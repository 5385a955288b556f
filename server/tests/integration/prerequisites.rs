//! Flag prerequisites end to end: what OFREP serves follows the other flag in the same
//! environment, the one-level rule refuses self-references and cycles, a required flag cannot be
//! archived, and Unleash's dependent features import with Unleash's answers.

use crate::common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn evaluate(server: &TestServer, key: &str, flag: &str, context: Value) -> Value {
    let res = reqwest::Client::new()
        .post(server.url(&format!("/ofrep/v1/evaluate/flags/{flag}")))
        .bearer_auth(key)
        .json(&json!({ "context": context }))
        .send()
        .await
        .unwrap();
    let (status, body) = read(res).await;
    assert_eq!(status, StatusCode::OK, "{flag}: {body}");
    body
}

/// Saves `flag`'s settings in `environment`: on, serving `on` to everyone, with `prerequisites`
/// (`None`: the field left out).
async fn save(
    admin: &Api,
    flag: &str,
    environment: &str,
    prerequisites: Option<Value>,
) -> (StatusCode, Value) {
    let mut body = json!({
        "enabled": true, "off_variant": "off", "default_variant": "on",
        "version": admin.flag_settings_version(flag, environment).await, "rules": []
    });
    if let Some(p) = prerequisites {
        body["prerequisites"] = p;
    }
    admin
        .put(&format!("/flags/{flag}/environments/{environment}"), body)
        .await
}

async fn served_follow_the_prerequisite(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.create_token("flag admin", true, &[]).await;
    let key = admin.sdk_key("staging").await;
    admin.boolean_flag("login-v2").await;
    admin.boolean_flag("checkout").await;
    // login-v2: on in staging, serving `on` to everyone; then switched off.
    let (status, body) = save(&admin, "login-v2", "staging", None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = save(
        &admin,
        "checkout",
        "staging",
        Some(json!([{"flag": "login-v2", "variants": ["on"]}])),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["prerequisites"],
        json!([{"flag": "login-v2", "variants": ["on"]}])
    );
    let user = json!({"targetingKey": "u1"});
    let answer = evaluate(&server, &key, "checkout", user.clone()).await;
    assert_eq!(
        (&answer["value"], &answer["reason"]),
        (&json!(true), &json!("STATIC")),
        "{answer}"
    );
    admin.switch("login-v2", "staging", false).await;
    let answer = evaluate(&server, &key, "checkout", user.clone()).await;
    assert_eq!(
        (&answer["value"], &answer["variant"], &answer["reason"]),
        // OpenFeature has no reason for a failed prerequisite: apps see the flag disabled.
        (&json!(false), &json!("off"), &json!("DISABLED")),
        "{answer}"
    );
    // Saving the rest without the field keeps the prerequisites.
    let (status, body) = save(&admin, "checkout", "staging", None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["prerequisites"][0]["flag"], "login-v2", "{body}");
    // The other flag's page lists what requires it.
    let (_, detail) = admin.get("/flags/login-v2").await;
    assert_eq!(
        detail["required_by"],
        json!([{"environment": "staging", "flag": "checkout", "variants": ["on"]}])
    );
    let (_, detail) = admin.get("/flags/checkout").await;
    assert_eq!(detail["prerequisite_flags"][0]["flag"]["key"], "login-v2");
    admin.switch("login-v2", "staging", true).await;
    let answer = evaluate(&server, &key, "checkout", user).await;
    assert_eq!(answer["value"], json!(true), "{answer}");
    server.stop().await;
}

async fn prerequisites_are_one_level_deep(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.create_token("flag admin", true, &[]).await;
    for flag in ["login-v2", "checkout", "banner"] {
        admin.boolean_flag(flag).await;
    }
    let (status, body) = save(
        &admin,
        "checkout",
        "staging",
        Some(json!([{"flag": "login-v2", "variants": ["on"]}])),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // (flag, prerequisites, field, message): written from the rules in the specification.
    let cases = [
        (
            "login-v2",
            json!([{"flag": "checkout", "variants": ["on"]}]),
            "prerequisites",
            "checkout requires this flag here, and a prerequisite cannot have prerequisites of its own",
        ),
        (
            "banner",
            json!([{"flag": "checkout", "variants": ["on"]}]),
            "prerequisites.0.flag",
            "checkout has prerequisites of its own here; prerequisites are one level deep",
        ),
        (
            "banner",
            json!([{"flag": "banner", "variants": ["on"]}]),
            "prerequisites.0.flag",
            "A flag cannot require itself",
        ),
        (
            "banner",
            json!([{"flag": "ghost", "variants": ["on"]}]),
            "prerequisites.0.flag",
            "No flag ghost (or it is archived)",
        ),
        (
            "banner",
            json!([{"flag": "login-v2", "variants": ["yes"]}]),
            "prerequisites.0.variants.0",
            "login-v2 has no variant yes",
        ),
    ];
    for (flag, prerequisites, field, message) in cases {
        let (status, body) = save(&admin, flag, "staging", Some(prerequisites)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{flag}: {body}");
        assert_eq!(body["fields"][field], message, "{body}");
    }
    // In production nothing requires login-v2, so there it may have prerequisites.
    let (status, body) = save(
        &admin,
        "login-v2",
        "production",
        Some(json!([{"flag": "banner", "variants": ["off"]}])),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Copying checkout's staging settings to production would make a chain there.
    let v = admin.flag_settings_version("checkout", "production").await;
    let (status, body) = admin
        .post(
            "/flags/checkout/environments/production/copy-from/staging",
            json!({"version": v}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["fields"]["prerequisites.0.flag"],
        "login-v2 has prerequisites of its own here; prerequisites are one level deep"
    );
    // A required flag cannot be archived.
    let (_, flag) = admin.get("/flags/login-v2").await;
    let (status, body) = admin
        .post(
            "/flags/login-v2/archive",
            json!({"version": flag["flag"]["version"]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["fields"]["archived"],
        "checkout requires this flag in staging; remove that prerequisite first"
    );
    server.stop().await;
}

async fn unleash_dependent_features_import(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.create_token("flag admin", true, &[]).await;
    let key = admin.sdk_key("staging").await;
    let spec: Value = serde_json::from_str(
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../core/tests/conformance/unleash-client-spec/specifications/17-dependent-features.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let (status, report) = admin
        .post(
            "/environments/staging/import/unleash",
            spec["state"].clone(),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["skipped"], json!([]), "{report}");
    // Every case of the specification file, through the server's import and OFREP.
    let mut checked = 0;
    for test in spec["tests"].as_array().unwrap() {
        let toggle = test["toggleName"].as_str().unwrap();
        let flag = report["created"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap())
            .find(|k| *k == toggle.to_lowercase())
            .unwrap_or_else(|| panic!("{toggle} was imported: {report}"));
        let mut context = test["context"].clone();
        context["targetingKey"] = json!("u1");
        let answer = evaluate(&server, &key, flag, context).await;
        let enabled = matches!(
            answer["reason"].as_str(),
            Some("TARGETING_MATCH") | Some("SPLIT")
        );
        assert_eq!(
            enabled,
            test["expectedResult"].as_bool().unwrap(),
            "{}: {answer}",
            test["description"]
        );
        checked += 1;
    }
    assert_eq!(checked, 20);
    server.stop().await;
}

on_both_backends!(
    served_follow_the_prerequisite,
    prerequisites_are_one_level_deep,
    unleash_dependent_features_import,
);
