//! Admin API tokens: shown once, stored hashed, carry roles, refused at once when revoked.

use crate::common::*;
use reqwest::StatusCode;
use serde_json::json;

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
