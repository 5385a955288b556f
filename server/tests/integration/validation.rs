//! Invalid input sent straight to the server (no browser in between) is refused with field errors
//! or a clear 400, and nothing is stored.

use crate::common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use switchboard_backend::Actor;

/// What input could have changed; usage timestamps (a token's last use) are bookkeeping.
async fn stored(server: &TestServer) -> Value {
    let system = Actor::system("test");
    let mut tokens = serde_json::to_value(
        switchboard_backend::api_tokens::list(server.db(), &system)
            .await
            .unwrap(),
    )
    .unwrap();
    for t in tokens.as_array_mut().unwrap() {
        t["last_used_at"] = Value::Null;
    }
    json!({
        "audit": server.audit_count().await,
        "users": switchboard_backend::users::list(server.db(), &system).await.unwrap(),
        "environments": switchboard_backend::environments::list_all(server.db()).await.unwrap(),
        "tokens": tokens,
    })
}

async fn invalid_payloads_get_field_errors_and_store_nothing(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let api = server.create_token("validation", true, &[]).await;
    let target = server
        .create_user("valid@test.example", "valid long passphrase", false, &[])
        .await;
    let before = stored(&server).await;

    // (server function, body, field that must carry an error)
    let rpc_cases = [
        (
            "users/create",
            json!({"input": {"email": "nope", "name": "N", "password": "a long passphrase"}}),
            "email",
        ),
        (
            "users/create",
            json!({"input": {"email": "n@test.example", "name": " ", "password": "a long passphrase"}}),
            "name",
        ),
        (
            "users/create",
            json!({"input": {"email": "n@test.example", "name": "N", "password": "short"}}),
            "password",
        ),
        (
            "users/create",
            json!({"input": {"email": "n@test.example", "name": "N", "password": "a long passphrase", "roles": {"no-such-env": "viewer"}}}),
            "roles.no-such-env",
        ),
        (
            "users/create",
            json!({"input": {"email": "n@test.example", "name": "N", "password": "a long passphrase", "roles": {"Bad Key": "viewer"}}}),
            "roles.Bad Key",
        ),
        (
            "users/create",
            json!({"input": {"email": ADMIN_EMAIL, "name": "Dup", "password": "a long passphrase"}}),
            "email",
        ),
        (
            "users/update",
            json!({"input": {"id": target.id, "email": "x", "name": "N", "admin": false, "roles": {}, "version": target.version}}),
            "email",
        ),
        (
            "users/update",
            json!({"input": {"id": target.id, "email": ADMIN_EMAIL, "name": "N", "admin": false, "roles": {}, "version": target.version}}),
            "email",
        ),
        (
            "users/reset-password",
            json!({"input": {"id": target.id, "password": "aaaaaaaaaaaaaaaa", "version": target.version}}),
            "password",
        ),
        (
            "environments/create",
            json!({"input": {"key": "Not Valid", "name": "X"}}),
            "key",
        ),
        (
            "environments/create",
            json!({"input": {"key": "staging", "name": "Again"}}),
            "key",
        ),
        (
            "environments/create",
            json!({"input": {"key": "qa", "name": ""}}),
            "name",
        ),
        (
            "environments/update",
            json!({"input": {"key": "staging", "name": "x".repeat(65), "protected": false, "version": 1}}),
            "name",
        ),
        (
            "environments/delete",
            json!({"input": {"key": "production", "version": 1}}),
            "key",
        ),
        (
            "api-tokens/create",
            json!({"input": {"name": "", "admin": true}}),
            "name",
        ),
        (
            "api-tokens/create",
            json!({"input": {"name": "no authority", "admin": false, "roles": {}}}),
            "roles",
        ),
        ("audit/list", json!({"filter": {"from": 10, "to": 5}}), "to"),
    ];
    for (endpoint, body, field) in rpc_cases {
        let (status, answer) = admin.rpc(endpoint, body.clone()).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{endpoint} {body}: {answer}"
        );
        assert_eq!(answer["error"], "validation");
        assert!(
            answer["fields"][field].is_string(),
            "{endpoint}: expected an error on {field}: {answer}"
        );
    }

    // Malformed or mistyped bodies: a clear 400, not a 500.
    for (endpoint, body) in [
        ("users/create", json!({"input": {"email": 5}})),
        ("users/create", json!({"wrong": {}})),
        ("environments/create", json!("just a string")),
    ] {
        let (status, answer) = admin.rpc(endpoint, body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{endpoint}: {answer}");
        assert_eq!(answer["error"], "bad_request");
    }

    // The REST API runs the same rules.
    let (status, answer) = api
        .post(
            "/users",
            json!({"email": "bad", "name": "", "password": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["email", "name", "password"] {
        assert!(answer["fields"][field].is_string(), "{answer}");
    }
    let (status, answer) = api
        .put(
            "/environments/staging",
            json!({"name": "", "protected": false, "version": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    let res = api
        .http
        .post(server.url("/api/admin/v1/environments"))
        .bearer_auth(&api.token)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    let (status, answer) = read(res).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(answer["error"], "bad_request");
    let (status, _) = api
        .post("/users/not-a-number/disable", json!({"version": 1}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = api.get("/audit?from=yesterday").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    assert_eq!(
        stored(&server).await,
        before,
        "refused input must store nothing"
    );
    server.stop().await;
}

async fn oversized_bodies_are_refused(backend: Backend) {
    let server = TestServer::start(backend).await;
    let api = server.create_token("big", true, &[]).await;
    let huge = "x".repeat(200 * 1024);
    let (status, answer) = api
        .post("/environments", json!({"key": "big", "name": huge}))
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{answer}");
    let admin = server.admin().await;
    let res = admin
        .http
        .post(server.url("/rpc/environments/create"))
        .json(&json!({"input": {"key": "big", "name": huge}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        switchboard_backend::environments::list_all(server.db())
            .await
            .unwrap()
            .iter()
            .all(|e| e.key != "big")
    );
    server.stop().await;
}

async fn administrators_cannot_lock_everyone_out(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let (_, users) = admin.rpc_get("users/list").await;
    let me = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == ADMIN_EMAIL)
        .unwrap()
        .clone();
    let (status, answer) = admin
        .rpc(
            "users/set-disabled",
            json!({"input": {"id": me["id"], "disabled": true, "version": me["version"]}}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        answer["fields"]["disabled"],
        "You cannot disable your own account"
    );
    let (status, answer) = admin.rpc("users/update", json!({"input": {"id": me["id"], "email": ADMIN_EMAIL, "name": "Me", "admin": false, "roles": {}, "version": me["version"]}})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        answer["fields"]["admin"],
        "You cannot remove your own administrator rights"
    );
    // Through a token: the last enabled administrator cannot be disabled either.
    let api = server.create_token("ops", true, &[]).await;
    let (status, answer) = api
        .post(
            &format!("/users/{}/disable", me["id"]),
            json!({"version": me["version"]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        answer["fields"]["disabled"],
        "Switchboard needs at least one enabled administrator"
    );
    server.stop().await;
}

/// Numbers past what the arithmetic holds: a flag-list page whose offset overflows (400) and a
/// date constraint with a huge year (a field error, 422, like any other invalid value). Both
/// panicked in debug builds (and wrapped in release); nothing is stored.
async fn overflowing_pages_and_years_are_refused(backend: Backend) {
    let server = TestServer::start(backend).await;
    let api = server.create_token("overflow", true, &[]).await;
    let (status, body) = api.get("/flags?page=4294967295&per_page=200").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"], "bad_request", "{body}");
    let message = body["message"].as_str().unwrap_or_default();
    assert!(message.contains("Page 4294967295 does not exist"), "{body}");
    // The last page that exists is an empty page, not an error.
    let (status, body) = api.get("/flags?page=21474837&per_page=200").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["flags"], json!([]));

    let (status, body) = api
        .post(
            "/flags",
            json!({"key": "dated", "name": "Dated", "kind": "boolean"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let before = stored(&server).await;
    for year in ["99999999999999", "292278994", "+2026"] {
        let settings = json!({
            "enabled": true, "off_variant": "off", "default_variant": "off", "version": 0,
            "rules": [{"id": "later", "constraints": [{"attribute": "currentTime", "operator": "DATE_AFTER", "values": [format!("{year}-01-01T00:00:00Z")]}], "serve": {"type": "variant", "variant": "on"}}]
        });
        let (status, body) = api.put("/flags/dated/environments/staging", settings).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{year}: {body}");
        assert!(
            body.to_string()
                .contains("Years have four digits, from 0000 to 9999"),
            "{year}: {body}"
        );
    }
    assert_eq!(stored(&server).await, before);
    server.stop().await;
}

on_both_backends!(
    overflowing_pages_and_years_are_refused,
    invalid_payloads_get_field_errors_and_store_nothing,
    oversized_bodies_are_refused,
    administrators_cannot_lock_everyone_out,
);
