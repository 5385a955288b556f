//! OFREP delivery: evaluation from the in-memory snapshot, SDK key auth, error codes, ETags, and
//! changes reaching every server process.

use crate::common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

/// An admin API client and an SDK key of `environment`.
async fn setup(server: &TestServer, environment: &str) -> (Api, String) {
    let admin = server.create_token("flag admin", true, &[]).await;
    let (status, created) = admin
        .post(
            &format!("/environments/{environment}/sdk-keys"),
            json!({"name": "app"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    (admin, created["secret"].as_str().unwrap().to_string())
}

async fn evaluate(server: &TestServer, key: &str, flag: &str, body: Value) -> (StatusCode, Value) {
    let res = reqwest::Client::new()
        .post(server.url(&format!("/ofrep/v1/evaluate/flags/{flag}")))
        .bearer_auth(key)
        .json(&body)
        .send()
        .await
        .unwrap();
    read(res).await
}

async fn bulk(
    server: &TestServer,
    key: &str,
    body: Value,
    etag: Option<&str>,
) -> (StatusCode, Option<String>, Value) {
    let mut req = reqwest::Client::new()
        .post(server.url("/ofrep/v1/evaluate/flags"))
        .header("X-API-Key", key)
        .json(&body);
    if let Some(tag) = etag {
        req = req.header("If-None-Match", tag);
    }
    let res = req.send().await.unwrap();
    let etag = res
        .headers()
        .get("etag")
        .map(|v| v.to_str().unwrap().to_string());
    let (status, body) = read(res).await;
    (status, etag, body)
}

/// A boolean flag on in `environment` for Canadians, and for 25% of everyone else by user.
async fn checkout_flag(admin: &Api, environment: &str) {
    let (status, body) = admin
        .post(
            "/flags",
            json!({"key": "checkout-v2", "name": "Checkout v2", "kind": "boolean"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let settings = json!({
        "enabled": true, "off_variant": "off", "default_variant": "off", "version": 0,
        "rules": [
            {"id": "canada", "constraints": [{"attribute": "country", "operator": "IN", "values": ["CA"]}], "serve": {"type": "variant", "variant": "on"}},
            {"id": "quarter", "rollout": {"percentage": 25}, "serve": {"type": "variant", "variant": "on"}}
        ]
    });
    let (status, body) = admin
        .put(
            &format!("/flags/checkout-v2/environments/{environment}"),
            settings,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

async fn single_flag_evaluation_and_its_errors(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (admin, key) = setup(&server, "staging").await;
    checkout_flag(&admin, "staging").await;

    let (status, body) = evaluate(
        &server,
        &key,
        "checkout-v2",
        json!({"context": {"targetingKey": "u1", "country": "CA"}}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body,
        json!({"key": "checkout-v2", "value": true, "reason": "TARGETING_MATCH", "variant": "on", "metadata": {"ruleId": "canada"}})
    );

    // The 25% rollout: sticky per user, about a quarter of users.
    let mut on = 0;
    for i in 0..400 {
        let (_, body) = evaluate(
            &server,
            &key,
            "checkout-v2",
            json!({"context": {"targetingKey": format!("user-{i}")}}),
        )
        .await;
        if body["value"] == true {
            assert_eq!(body["reason"], "SPLIT");
            on += 1;
        } else {
            assert_eq!(body["reason"], "DEFAULT");
        }
    }
    assert!((60..=140).contains(&on), "{on} of 400");
    let first = evaluate(
        &server,
        &key,
        "checkout-v2",
        json!({"context": {"targetingKey": "user-7"}}),
    )
    .await;
    assert_eq!(
        first,
        evaluate(
            &server,
            &key,
            "checkout-v2",
            json!({"context": {"targetingKey": "user-7"}})
        )
        .await
    );

    // The spec's error codes.
    let (status, body) = evaluate(&server, &key, "nope", json!({"context": {}})).await;
    assert_eq!(
        (status, body["errorCode"].as_str()),
        (StatusCode::NOT_FOUND, Some("FLAG_NOT_FOUND"))
    );
    assert_eq!(body["key"], "nope");
    let (status, body) = evaluate(
        &server,
        &key,
        "checkout-v2",
        json!({"context": {"country": "FR"}}),
    )
    .await;
    assert_eq!(
        (status, body["errorCode"].as_str()),
        (StatusCode::BAD_REQUEST, Some("TARGETING_KEY_MISSING")),
        "{body}"
    );
    let (status, body) =
        evaluate(&server, &key, "checkout-v2", json!({"context": "everyone"})).await;
    assert_eq!(
        (status, body["errorCode"].as_str()),
        (StatusCode::BAD_REQUEST, Some("INVALID_CONTEXT"))
    );
    let (status, body) = evaluate(&server, &key, "checkout-v2", json!({})).await;
    assert_eq!(
        (status, body["errorCode"].as_str()),
        (StatusCode::BAD_REQUEST, Some("INVALID_CONTEXT"))
    );
    let res = reqwest::Client::new()
        .post(server.url("/ofrep/v1/evaluate/flags/checkout-v2"))
        .bearer_auth(&key)
        .body("{oops")
        .send()
        .await
        .unwrap();
    let (status, body) = read(res).await;
    assert_eq!(
        (status, body["errorCode"].as_str()),
        (StatusCode::BAD_REQUEST, Some("PARSE_ERROR"))
    );

    // The kill switch, seen at once.
    let (_, detail) = admin.get("/flags/checkout-v2").await;
    let version = detail["environments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["environment"] == "staging")
        .unwrap()["version"]
        .clone();
    let (status, _) = admin
        .post(
            "/flags/checkout-v2/environments/staging/switch",
            json!({"enabled": false, "version": version}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, body) = evaluate(
        &server,
        &key,
        "checkout-v2",
        json!({"context": {"targetingKey": "u1", "country": "CA"}}),
    )
    .await;
    assert_eq!(
        (body["value"].clone(), body["reason"].clone()),
        (json!(false), json!("DISABLED"))
    );

    // Archived flags are gone for apps.
    let (_, detail) = admin.get("/flags/checkout-v2").await;
    admin
        .post(
            "/flags/checkout-v2/archive",
            json!({"version": detail["flag"]["version"]}),
        )
        .await;
    let (status, _) = evaluate(
        &server,
        &key,
        "checkout-v2",
        json!({"context": {"targetingKey": "u1"}}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    server.stop().await;
}

async fn sdk_keys_scope_and_revocation(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (admin, staging_key) = setup(&server, "staging").await;
    checkout_flag(&admin, "staging").await;
    let (_, prod) = admin
        .post(
            "/environments/production/sdk-keys",
            json!({"name": "prod app"}),
        )
        .await;
    let prod_key = prod["secret"].as_str().unwrap();

    // Each key sees its own environment: off by default in production.
    let ctx = json!({"context": {"targetingKey": "u1", "country": "CA"}});
    assert_eq!(
        evaluate(&server, &staging_key, "checkout-v2", ctx.clone())
            .await
            .1["value"],
        true
    );
    let (_, body) = evaluate(&server, prod_key, "checkout-v2", ctx.clone()).await;
    assert_eq!(
        (body["value"].clone(), body["reason"].clone()),
        (json!(false), json!("DISABLED"))
    );

    for bad in ["", "sb_sdk_unknown", "sb_admin_whatever"] {
        let (status, _) = evaluate(&server, bad, "checkout-v2", ctx.clone()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{bad:?}");
    }
    let res = reqwest::Client::new()
        .post(server.url("/ofrep/v1/evaluate/flags/checkout-v2"))
        .json(&ctx)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    // Revoked: refused from the very next request.
    let (_, keys) = admin.get("/environments/production/sdk-keys").await;
    let key = &keys.as_array().unwrap()[0];
    assert!(
        !key.to_string().contains(prod_key),
        "secrets are never listed"
    );
    let (status, _) = admin
        .post(
            &format!("/environments/production/sdk-keys/{}/revoke", key["id"]),
            json!({"version": key["version"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = evaluate(&server, prod_key, "checkout-v2", ctx.clone()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        evaluate(&server, &staging_key, "checkout-v2", ctx).await.0,
        StatusCode::OK
    );
    server.stop().await;
}

async fn bulk_evaluation_with_etags(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (admin, key) = setup(&server, "staging").await;
    checkout_flag(&admin, "staging").await;
    admin.post("/flags", json!({"key": "banner", "name": "Banner", "kind": "string", "variants": [{"key": "off", "value": "none"}, {"key": "sale", "value": "Winter sale"}]})).await;

    let ctx = json!({"context": {"targetingKey": "u1", "country": "CA"}});
    let (status, etag, body) = bulk(&server, &key, ctx.clone(), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let flags = body["flags"].as_array().unwrap();
    assert_eq!(flags.len(), 2);
    assert_eq!(
        flags[0],
        json!({"key": "banner", "value": "none", "reason": "DISABLED", "variant": "off"})
    );
    assert_eq!(flags[1]["value"], true);
    let etag = etag.expect("bulk answers carry an ETag");

    // Same flags, same context: 304.
    let (status, again, body) = bulk(&server, &key, ctx.clone(), Some(&etag)).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert_eq!(again.as_deref(), Some(etag.as_str()));
    assert_eq!(body, Value::String(String::new()));
    // Another context, or a changed flag: a new answer.
    let (status, other, _) = bulk(
        &server,
        &key,
        json!({"context": {"targetingKey": "u2"}}),
        Some(&etag),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(other.as_deref(), Some(etag.as_str()));
    admin
        .post(
            "/flags/banner/environments/staging/switch",
            json!({"enabled": true, "version": 0}),
        )
        .await;
    let (status, changed, body) = bulk(&server, &key, ctx.clone(), Some(&etag)).await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(changed.as_deref(), Some(etag.as_str()));
    assert_eq!(body["flags"][0]["value"], "none");
    assert_eq!(body["flags"][0]["reason"], "STATIC");

    let res = reqwest::Client::new()
        .post(server.url("/ofrep/v1/evaluate/flags"))
        .header("X-API-Key", &key)
        .body("nope")
        .send()
        .await
        .unwrap();
    let (status, body) = read(res).await;
    assert_eq!(
        (status, body["errorCode"].as_str()),
        (StatusCode::BAD_REQUEST, Some("PARSE_ERROR"))
    );
    server.stop().await;
}

async fn unreadable_flags_answer_errors_not_500s(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (admin, key) = setup(&server, "staging").await;
    checkout_flag(&admin, "staging").await;
    admin.post("/flags", json!({"key": "limit", "name": "Limit", "kind": "number", "variants": [{"key": "low", "value": 10}, {"key": "high", "value": 100}]})).await;
    admin
        .post(
            "/flags",
            json!({"key": "healthy", "name": "Healthy", "kind": "boolean"}),
        )
        .await;
    // Damage stored data behind the application's back.
    sqlx::query("UPDATE flag_settings SET rules = '{not json' WHERE flag_id = (SELECT id FROM flags WHERE key = 'checkout-v2')")
        .execute(server.db().writer())
        .await
        .unwrap();
    sqlx::query("UPDATE flags SET variants = '[{\"key\":\"low\",\"value\":\"ten\"},{\"key\":\"high\",\"value\":100}]' WHERE key = 'limit'")
        .execute(server.db().writer())
        .await
        .unwrap();
    server
        .state
        .delivery
        .refresh(server.db(), &[switchboard_backend::changes::Topic::Flags])
        .await
        .unwrap();

    let (status, _, body) = bulk(
        &server,
        &key,
        json!({"context": {"targetingKey": "u1"}}),
        None,
    )
    .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "one broken flag does not fail the whole answer: {body}"
    );
    let by_key = |k: &str| {
        body["flags"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["key"] == k)
            .unwrap()
            .clone()
    };
    assert_eq!(by_key("checkout-v2")["errorCode"], "PARSE_ERROR");
    assert_eq!(by_key("limit")["errorCode"], "TYPE_MISMATCH");
    assert_eq!(by_key("healthy")["reason"], "DISABLED");
    let (status, body) = evaluate(
        &server,
        &key,
        "limit",
        json!({"context": {"targetingKey": "u1"}}),
    )
    .await;
    assert_eq!(
        (status, body["errorCode"].as_str()),
        (StatusCode::BAD_REQUEST, Some("TYPE_MISMATCH"))
    );
    server.stop().await;
}

/// A change made through one server process reaches another process on the same database: on
/// PostgreSQL by notification, on SQLite through the change log.
async fn changes_reach_every_server_process(backend: Backend) {
    let a = TestServer::start(backend).await;
    let b = TestServer::start_sharing(&a).await;
    eventually(
        Duration::from_secs(10),
        "B follows other processes' changes",
        || {
            let following = b.state.delivery.is_following();
            async move { following.then_some(()).ok_or("not following") }
        },
    )
    .await;
    let before = b.state.delivery.peer_refreshes();
    let (admin, key) = setup(&a, "staging").await;
    checkout_flag(&admin, "staging").await;
    let ctx = json!({"context": {"targetingKey": "u1", "country": "CA"}});
    // The promise is convergence within RESYNC (every second on SQLite); three times that leaves
    // room for a machine running dozens of test servers at once without hiding a missed change.
    eventually(
        switchboard_backend::delivery::RESYNC * 3,
        "server B sees the key and flag made on A",
        || async {
            let (status, body) = evaluate(&b, &key, "checkout-v2", ctx.clone()).await;
            if status == StatusCode::OK && body["value"] == true {
                Ok(())
            } else {
                Err(format!("{status} {body}"))
            }
        },
    )
    .await;
    // A catch-up counts itself just after its snapshots are in place, so a request can see the
    // new flag a moment before the count moves.
    eventually(
        Duration::from_secs(1),
        "B learned of A's changes from A (notification or change log), not by chance",
        || {
            let seen = b.state.delivery.peer_refreshes();
            async move { (seen > before).then_some(()).ok_or(seen) }
        },
    )
    .await;
    b.stop().await;
    a.stop().await;
}

async fn cors_lets_browser_apps_evaluate(backend: Backend) {
    let server = TestServer::start(backend).await;
    let allowed = server
        .preflight(
            "/ofrep/v1/evaluate/flags",
            "POST",
            "authorization, content-type, if-none-match",
        )
        .await;
    assert!(
        allowed.contains("authorization") && allowed.contains("if-none-match"),
        "{allowed}"
    );
    server.stop().await;
}

/// Rules on a regular expression and on IP ranges, saved through the admin API and evaluated
/// over OFREP; a pattern that does not compile and a range that is not one are refused with
/// their field, and change nothing.
async fn regex_and_network_rules(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (admin, key) = setup(&server, "staging").await;
    let (status, body) = admin
        .post(
            "/flags",
            json!({"key": "office", "name": "Office users", "kind": "boolean"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let settings = |constraints: Value| {
        json!({
            "enabled": true, "off_variant": "off", "default_variant": "off", "version": 0,
            "rules": [{"id": "office", "constraints": constraints, "serve": {"type": "variant", "variant": "on"}}]
        })
    };
    let path = "/flags/office/environments/staging";
    for (constraint, field, message) in [
        (
            json!({"attribute": "userId", "operator": "REGEX", "values": ["(staff"]}),
            "rules.0.constraints.0.values",
            "Enter a valid regular expression: found open group without closing ')'",
        ),
        (
            json!({"attribute": "remoteAddress", "operator": "IN_CIDR", "values": ["10.0.0.0/8", "10.0.0.0/40"]}),
            "rules.0.constraints.0.values",
            "\"10.0.0.0/40\" has a prefix length outside 0-32",
        ),
    ] {
        let (status, body) = admin.put(path, settings(json!([constraint]))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["fields"][field], message, "{body}");
    }
    let (status, body) = admin
        .put(
            path,
            settings(json!([
                {"attribute": "userId", "operator": "REGEX", "values": ["^STAFF-[0-9]+$"], "case_insensitive": true},
                {"attribute": "remoteAddress", "operator": "IN_CIDR", "values": ["10.0.0.0/8", "2001:db8::/32"]}
            ])),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // (user, address, served): worked out by hand from the two constraints.
    for (user, address, expected) in [
        ("staff-17", "10.1.2.3", true),
        ("Staff-17", "2001:db8::42", true),
        ("staff-17", "192.168.0.1", false),
        ("staff-17x", "10.1.2.3", false),
        ("contractor-1", "10.1.2.3", false),
        ("staff-17", "not an address", false),
    ] {
        let context =
            json!({"context": {"targetingKey": user, "userId": user, "remoteAddress": address}});
        let (status, body) = evaluate(&server, &key, "office", context).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["value"], expected, "{user} from {address}: {body}");
    }
    server.stop().await;
}

on_both_backends!(
    single_flag_evaluation_and_its_errors,
    regex_and_network_rules,
    sdk_keys_scope_and_revocation,
    bulk_evaluation_with_etags,
    unreadable_flags_answer_errors_not_500s,
    changes_reach_every_server_process,
    cors_lets_browser_apps_evaluate,
);
