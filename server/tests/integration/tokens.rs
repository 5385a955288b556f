//! Admin API tokens: shown once, stored hashed, carry roles, refused at once when revoked.

use crate::common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn tokens_are_shown_once_stored_hashed_and_revocable(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let (status, created) = admin
        .rpc(
            "api-tokens/create",
            json!({"input": {"name": "deploy", "roles": {"staging": "publisher"}}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let secret = created["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("sb_admin_"));
    assert!(secret.starts_with(created["token"]["prefix"].as_str().unwrap()));

    let (_, listed) = admin.rpc_get("api-tokens/list").await;
    assert!(
        !listed.to_string().contains(&secret),
        "the secret is never listed"
    );
    let stored: Vec<String> = sqlx::query_scalar("SELECT secret_hash FROM api_tokens")
        .fetch_all(server.db().reader())
        .await
        .unwrap();
    assert!(
        stored.iter().all(|h| h != &secret && h.len() == 64),
        "only digests are stored"
    );

    let token = Api {
        http: reqwest::Client::new(),
        base: server.base.clone(),
        token: secret.clone(),
        id: 0,
    };
    let (status, me) = token.get("/me").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["name"], "deploy");
    assert_eq!(me["subject"]["roles"]["staging"], "publisher");
    // X-API-Key works too.
    let res = reqwest::Client::new()
        .get(server.url("/api/admin/v1/me"))
        .header("X-API-Key", &secret)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);

    let (status, _) = admin.rpc("api-tokens/revoke", json!({"input": {"id": created["token"]["id"], "version": created["token"]["version"]}})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = token.get("/me").await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a revoked token is refused at once"
    );
    assert_eq!(body["error"], "unauthenticated");

    for bad in ["", "Bearer", "sb_admin_nope", "Basic abc"] {
        let res = reqwest::Client::new()
            .get(server.url("/api/admin/v1/me"))
            .header("Authorization", bad)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{bad:?}");
        assert_eq!(res.headers()["www-authenticate"], "Bearer");
    }
    server.stop().await;
}

async fn sessions_do_not_authenticate_the_rest_api(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let res = admin
        .http
        .get(server.url("/api/admin/v1/users"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::UNAUTHORIZED,
        "the REST API takes tokens, not cookies"
    );
    server.stop().await;
}

on_both_backends!(
    tokens_are_shown_once_stored_hashed_and_revocable,
    sessions_do_not_authenticate_the_rest_api
);

/// A client for the admin REST API with `secret`.
fn api(server: &TestServer, secret: &str) -> Api {
    Api {
        http: reqwest::Client::new(),
        base: server.base.clone(),
        token: secret.to_string(),
        id: 0,
    }
}

const DAY_MS: i64 = 86_400_000;

async fn expired_tokens_are_refused_like_unknown_ones(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let (status, body) = admin
        .rpc(
            "api-tokens/create",
            json!({"input": {"name": "nightly", "admin": true, "expires_in_days": 0}}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["fields"]["expires_in_days"],
        "Choose from 1 to 365 days, or no expiry"
    );

    let (status, created) = admin
        .rpc(
            "api-tokens/create",
            json!({"input": {"name": "nightly", "admin": true, "expires_in_days": 30}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let token = &created["token"];
    assert_eq!(
        token["expires_at"].as_i64().unwrap(),
        token["created_at"].as_i64().unwrap() + 30 * DAY_MS,
        "30 days from its creation"
    );
    assert_eq!(token["expired"], false);
    let nightly = api(&server, created["secret"].as_str().unwrap());
    assert_eq!(nightly.get("/me").await.0, StatusCode::OK);

    let id = token["id"].as_i64().unwrap();
    let minute = std::time::Duration::from_secs(60);
    server.advance_clock(30 * 24 * 60 * minute - minute);
    assert_eq!(
        nightly.get("/me").await.0,
        StatusCode::OK,
        "good until its 30 days are over"
    );
    server.advance_clock(2 * minute);
    let (status, body) = nightly.get("/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let (unknown_status, unknown_body) = api(&server, "sb_admin_unknown").get("/me").await;
    assert_eq!(
        (status, &body),
        (unknown_status, &unknown_body),
        "an expired token is answered exactly like an unknown one"
    );
    // 30 days are past the session's absolute limit too.
    let admin = server.admin().await;
    let (_, listed) = admin.rpc_get("api-tokens/list").await;
    let row = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == id)
        .unwrap();
    assert_eq!(row["expired"], true);

    // Without expires_in_days a token never expires (the REST default).
    let ci = server.create_token("ci", true, &[]).await;
    let (status, created) = ci
        .post("/tokens", json!({"name": "forever", "admin": true}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["token"]["expires_at"], Value::Null);
    server.stop().await;
}

async fn disabling_the_creator_revokes_their_tokens(backend: Backend) {
    let server = TestServer::start(backend).await;
    let ann = server
        .create_user("ann@test.example", "ann long passphrase", true, &[])
        .await;
    let ann_session = server
        .sign_in("ann@test.example", "ann long passphrase")
        .await;
    let (status, created) = ann_session
        .rpc(
            "api-tokens/create",
            json!({"input": {"name": "ann deploy", "admin": true}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    assert_eq!(created["token"]["created_by_user_id"], ann.id);
    let deploy = api(&server, created["secret"].as_str().unwrap());
    // A token created with ann's token is ann's too.
    let (status, minted) = deploy
        .post("/tokens", json!({"name": "minted", "admin": true}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{minted}");
    assert_eq!(minted["token"]["created_by_user_id"], ann.id);
    let minted = api(&server, minted["secret"].as_str().unwrap());
    // Someone else's token is not affected.
    let admin = server.admin().await;
    let (_, other) = admin
        .rpc(
            "api-tokens/create",
            json!({"input": {"name": "admin's", "admin": true}}),
        )
        .await;
    let other = api(&server, other["secret"].as_str().unwrap());
    for t in [&deploy, &minted, &other] {
        assert_eq!(t.get("/me").await.0, StatusCode::OK);
    }

    let audit_before = server.audit_count().await;
    let (status, body) = admin
        .rpc(
            "users/set-disabled",
            json!({"input": {"id": ann.id, "disabled": true, "version": ann.version}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(deploy.get("/me").await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(minted.get("/me").await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(other.get("/me").await.0, StatusCode::OK);

    // One audit event for the user and one per revoked token, written with it.
    assert_eq!(server.audit_count().await, audit_before + 3);
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT entity_label, after_json FROM audit_events \
         WHERE entity_type = 'api_token' AND action = 'revoke' ORDER BY id",
    )
    .fetch_all(server.db().reader())
    .await
    .unwrap();
    let labels: Vec<&str> = rows.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(labels, ["ann deploy", "minted"]);
    for (_, after) in &rows {
        let after: Value = serde_json::from_str(after).unwrap();
        assert_eq!(after["reason"], "its owner ann@test.example was disabled");
        assert!(after["revoked_at"].is_i64());
    }

    // Enabling ann again does not bring the tokens back.
    let (_, users) = admin.rpc_get("users/list").await;
    let version = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == ann.id)
        .unwrap()["version"]
        .clone();
    let (status, body) = admin
        .rpc(
            "users/set-disabled",
            json!({"input": {"id": ann.id, "disabled": false, "version": version}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(deploy.get("/me").await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(minted.get("/me").await.0, StatusCode::UNAUTHORIZED);
    server.stop().await;
}

/// Authentication itself refuses a token whose owner is disabled, however that came about (here
/// behind the command layer's back).
async fn a_disabled_owner_is_checked_at_authentication(backend: Backend) {
    let server = TestServer::start(backend).await;
    let bo = server
        .create_user("bo@test.example", "bo long passphrase", true, &[])
        .await;
    let session = server
        .sign_in("bo@test.example", "bo long passphrase")
        .await;
    let (_, created) = session
        .rpc(
            "api-tokens/create",
            json!({"input": {"name": "bo", "admin": true}}),
        )
        .await;
    let token = api(&server, created["secret"].as_str().unwrap());
    assert_eq!(token.get("/me").await.0, StatusCode::OK);
    sqlx::query("UPDATE users SET disabled = 1 WHERE id = $1")
        .bind(bo.id)
        .execute(server.db().writer())
        .await
        .unwrap();
    assert_eq!(token.get("/me").await.0, StatusCode::UNAUTHORIZED);
    server.stop().await;
}

/// A token no user owns (here the system actor's; in old databases one whose creator matched no
/// user) is not revoked when someone is disabled, so the list says so where an admin looks.
async fn tokens_without_an_owner_are_marked_in_the_list(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let (status, _) = admin
        .rpc(
            "api-tokens/create",
            json!({"input": {"name": "owned-by-admin", "roles": {"staging": "viewer"}}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let page = admin.page("/api-keys").await.text().await.unwrap();
    assert!(
        page.contains("owned-by-admin"),
        "the list renders on the server"
    );
    assert!(!page.contains("no owner"), "an owned token is not marked");

    server
        .create_token("orphan-token", false, &[("staging", "viewer")])
        .await;
    let page = admin.page("/api-keys").await.text().await.unwrap();
    let row = page
        .split("<tr")
        .find(|row| row.contains("orphan-token"))
        .expect("the unowned token is listed");
    assert!(row.contains("no owner"), "{row}");
    server.stop().await;
}

on_both_backends!(
    expired_tokens_are_refused_like_unknown_ones,
    disabling_the_creator_revokes_their_tokens,
    a_disabled_owner_is_checked_at_authentication,
    tokens_without_an_owner_are_marked_in_the_list
);
