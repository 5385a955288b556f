//! Unleash's client API for Unleash SDKs: the key's environment's flags in Unleash's shapes, with
//! ETag / 304, flags Unleash cannot express named in a header, and the register and metrics calls
//! accepted. Unleash's frontend API: the toggles enabled for one caller, evaluated here. (That an Unleash SDK answers as OFREP does is checked in core, through the importer
//! the Unleash client specification checks.)

use crate::common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn features(
    server: &TestServer,
    authorization: Option<&str>,
    etag: Option<&str>,
) -> reqwest::Response {
    let mut req = reqwest::Client::new().get(server.url("/api/client/features"));
    if let Some(a) = authorization {
        req = req.header("Authorization", a);
    }
    if let Some(tag) = etag {
        req = req.header("If-None-Match", tag);
    }
    req.send().await.unwrap()
}

async fn settings(admin: &Api, flag: &str, body: Value) {
    let (status, saved) = admin
        .put(&format!("/flags/{flag}/environments/staging"), body)
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
}

async fn unleash_sdks_read_the_environments_flags(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.create_token("flag admin", true, &[]).await;
    admin.boolean_flag("checkout").await;
    settings(&admin, "checkout", json!({
        "enabled": true, "off_variant": "off", "default_variant": "off", "version": 0,
        "rules": [{"id": "canada", "constraints": [{"attribute": "country", "operator": "IN", "values": ["CA"]}],
                   "rollout": {"percentage": 25}, "serve": {"type": "variant", "variant": "on"}}]
    })).await;
    // First match wins in Switchboard; any strategy in Unleash: not expressible.
    admin.boolean_flag("ordered").await;
    settings(&admin, "ordered", json!({
        "enabled": true, "off_variant": "off", "default_variant": "off", "version": 0,
        "rules": [{"id": "staff", "constraints": [{"attribute": "plan", "operator": "IN", "values": ["staff"]}], "serve": {"type": "variant", "variant": "off"}},
                  {"id": "all", "serve": {"type": "variant", "variant": "on"}}]
    })).await;
    let key = admin.sdk_key("staging").await;

    // Unleash SDKs send the key as the whole Authorization header.
    let res = features(&server, Some(&key), None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let etag = res.headers()["etag"].to_str().unwrap().to_string();
    let left_out: Vec<String> = res
        .headers()
        .get_all("x-switchboard-left-out")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    assert_eq!(
        left_out,
        [
            "ordered: rule staff serves off before rule all serves on; Unleash enables a feature \
          when any strategy matches, in any order"
        ]
    );
    let state: Value = res.json().await.unwrap();
    assert_eq!(state["version"], 2);
    // Written out from Unleash's client API format.
    assert_eq!(
        state["features"],
        json!([{
            "name": "checkout", "description": "", "type": "release", "enabled": true,
            "stale": false, "impressionData": false, "variants": [], "dependencies": [],
            "strategies": [{
                "name": "flexibleRollout",
                "parameters": {"rollout": "25", "stickiness": "userId", "groupId": "checkout"},
                "constraints": [{"contextName": "country", "operator": "IN", "values": ["CA"],
                                 "inverted": false, "caseInsensitive": false}],
                "segments": [],
            }],
        }])
    );
    // Unchanged: 304. Bearer works too.
    let res = features(&server, Some(&format!("Bearer {key}")), Some(&etag)).await;
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    // A change moves the ETag.
    admin.switch("checkout", "staging", false).await;
    let res = features(&server, Some(&key), Some(&etag)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let state: Value = res.json().await.unwrap();
    assert_eq!(state["features"][0]["enabled"], false);

    // No key, or not a live one.
    for auth in [None, Some("sb_sdk_nope"), Some("Basic abc")] {
        let res = features(&server, auth, None).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{auth:?}");
    }
    // What SDKs report is accepted if it is a JSON object.
    let client = reqwest::Client::new();
    for path in ["/api/client/register", "/api/client/metrics"] {
        let post = |body: &'static str, auth: &str| {
            client
                .post(server.url(path))
                .header("Authorization", auth.to_string())
                .header("Content-Type", "application/json")
                .body(body)
                .send()
        };
        let res = post(
            r#"{"appName": "shop", "instanceId": "a", "strategies": ["default"]}"#,
            &key,
        )
        .await
        .unwrap();
        assert_eq!(res.status(), StatusCode::ACCEPTED, "{path}");
        let res = post("[1, 2]", &key).await.unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{path}");
        let res = post("{}", "sb_sdk_nope").await.unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    server.stop().await;
}

on_both_backends!(unleash_sdks_read_the_environments_flags);

async fn frontend(
    server: &TestServer,
    query: &str,
    authorization: &str,
    etag: Option<&str>,
) -> reqwest::Response {
    let mut req = reqwest::Client::new()
        .get(server.url(&format!("/api/frontend{query}")))
        .header("Authorization", authorization);
    if let Some(tag) = etag {
        req = req.header("If-None-Match", tag);
    }
    req.send().await.unwrap()
}

/// The toggles' names and variants, for comparing with what is written out by hand.
fn toggles(answer: &Value) -> Vec<(String, Value)> {
    answer["toggles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            assert_eq!(t["enabled"], true, "only enabled toggles are listed: {t}");
            (
                t["name"].as_str().unwrap().to_string(),
                t["variant"].clone(),
            )
        })
        .collect()
}

async fn unleash_frontend_sdks_get_their_callers_toggles(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.create_token("flag admin", true, &[]).await;
    admin.boolean_flag("beta").await;
    settings(&admin, "beta", json!({
        "enabled": true, "off_variant": "off", "default_variant": "off", "version": 0,
        "rules": [{"id": "canada", "constraints": [{"attribute": "country", "operator": "IN", "values": ["CA"]}],
                   "serve": {"type": "variant", "variant": "on"}}]
    })).await;
    let (status, body) = admin
        .post(
            "/flags",
            json!({"key": "theme", "name": "theme", "kind": "string",
            "variants": [{"key": "red", "value": "#f00"}, {"key": "blue", "value": "#00f"}]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    settings(&admin, "theme", json!({
        "enabled": true, "off_variant": "red", "default_variant": "red", "version": 0,
        "rules": [{"id": "pro", "constraints": [{"attribute": "plan", "operator": "IN", "values": ["pro"]}],
                   "serve": {"type": "variant", "variant": "blue"}}]
    })).await;
    // Read from the caller's address when the context has none.
    admin.boolean_flag("office").await;
    settings(&admin, "office", json!({
        "enabled": true, "off_variant": "off", "default_variant": "off", "version": 0,
        "rules": [{"id": "lan", "constraints": [{"attribute": "remoteAddress", "operator": "IN_CIDR", "values": ["127.0.0.0/8"]}],
                   "serve": {"type": "variant", "variant": "on"}}]
    })).await;
    let key = admin.sdk_key("staging").await;
    let enabled = json!({"name": "disabled", "enabled": false, "feature_enabled": true});
    let red = json!({"name": "red", "enabled": true, "feature_enabled": true,
                     "payload": {"type": "string", "value": "#f00"}});
    let blue = json!({"name": "blue", "enabled": true, "feature_enabled": true,
                      "payload": {"type": "string", "value": "#00f"}});

    // As unleash-proxy-client sends a context: fields, and properties in brackets.
    let canadian = "?appName=shop&environment=default&userId=u1&properties%5Bcountry%5D=CA";
    let res = frontend(&server, canadian, &key, None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let etag = res.headers()["etag"].to_str().unwrap().to_string();
    let answer: Value = res.json().await.unwrap();
    assert_eq!(answer["toggles"][0]["impressionData"], false);
    assert_eq!(
        toggles(&answer),
        [
            ("beta".to_string(), enabled.clone()),
            ("office".to_string(), enabled.clone()),
            ("theme".to_string(), red.clone())
        ]
    );
    let res = frontend(
        &server,
        "?userId=u1&properties[plan]=pro&remoteAddress=10.1.1.1",
        &key,
        None,
    )
    .await;
    assert_eq!(
        toggles(&res.json().await.unwrap()),
        [("theme".to_string(), blue.clone())]
    );
    // The same caller again: 304; another caller: its own answer.
    let res = frontend(&server, canadian, &key, Some(&etag)).await;
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    let res = frontend(
        &server,
        "?userId=u2&properties[country]=CA",
        &key,
        Some(&etag),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);

    // POST: the context in the body (the SDKs' usePOSTrequests).
    let post = |body: &'static str, auth: String| {
        reqwest::Client::new()
            .post(server.url("/api/frontend"))
            .header("Authorization", auth)
            .header("Content-Type", "application/json")
            .body(body)
            .send()
    };
    let res = post(
        r#"{"context": {"userId": "u1", "remoteAddress": "10.1.1.1", "properties": {"country": "CA", "plan": "pro"}}}"#,
        key.clone(),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        toggles(&res.json().await.unwrap()),
        [
            ("beta".to_string(), enabled.clone()),
            ("theme".to_string(), blue.clone())
        ]
    );
    for (body, code) in [
        ("nope", "PARSE_ERROR"),
        ("[null, null]", "PARSE_ERROR"),
        (r#"{"context": 5}"#, "INVALID_CONTEXT"),
    ] {
        let res = post(body, key.clone()).await.unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{body}");
        let refused: Value = res.json().await.unwrap();
        assert_eq!(refused["errorCode"], code, "{body}");
    }
    // Another environment's key sees that environment's flags: nothing is on in production.
    let production = admin.sdk_key("production").await;
    let res = frontend(&server, canadian, &production, None).await;
    assert_eq!(toggles(&res.json().await.unwrap()), []);
    // No key, or not a live one: 401, whatever the body.
    for auth in ["", "sb_sdk_nope", "Basic abc"] {
        let res = frontend(&server, canadian, auth, None).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{auth:?}");
        let res = post("nope", auth.to_string()).await.unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{auth:?}");
    }
    // Browser apps on other origins: the preflight allows the headers the SDKs send.
    let allowed = server
        .preflight(
            "/api/frontend",
            "GET",
            "authorization,unleash-sdk,unleash-appname,unleash-connection-id,if-none-match",
        )
        .await;
    assert!(allowed.contains("unleash-connection-id"), "{allowed}");
    // What the SDKs report is accepted if it is a JSON object.
    for path in [
        "/api/frontend/client/register",
        "/api/frontend/client/metrics",
    ] {
        let send = |body: &'static str, auth: &str| {
            reqwest::Client::new()
                .post(server.url(path))
                .header("Authorization", auth.to_string())
                .header("Content-Type", "application/json")
                .body(body)
                .send()
        };
        let res = send(r#"{"appName": "shop", "bucket": {}}"#, &key)
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::ACCEPTED, "{path}");
        let res = send("[]", &key).await.unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{path}");
        let res = send("{}", "sb_sdk_nope").await.unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    server.stop().await;
}

on_both_backends!(unleash_frontend_sdks_get_their_callers_toggles);
