//! Optimistic concurrency: an edit made from a stale version is refused with 409 and the current
//! state; nothing is overwritten and nothing is audited.

use crate::common::*;
use reqwest::StatusCode;
use serde_json::json;

async fn stale_edits_get_409_with_the_current_state(backend: Backend) {
    let server = TestServer::start(backend).await;
    let alice = server.admin().await;
    let api = server.create_token("bob's script", true, &[]).await;
    let user = server
        .create_user("target@test.example", "target long passphrase", false, &[])
        .await;

    // Both start from version 1; Alice saves first.
    let (status, saved) = alice.rpc("users/update", json!({"input": {"id": user.id, "email": user.email, "name": "Alice's edit", "admin": false, "roles": {"staging": "editor"}, "version": user.version}})).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["version"], user.version + 1);
    let audit = server.audit_count().await;

    let (status, answer) = api.put(&format!("/users/{}", user.id), json!({"email": user.email, "name": "Bob's edit", "admin": false, "roles": {}, "version": user.version})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{answer}");
    assert_eq!(answer["error"], "conflict");
    assert_eq!(answer["current"]["name"], "Alice's edit");
    assert_eq!(answer["current"]["version"], user.version + 1);
    assert_eq!(answer["current"]["roles"]["staging"], "editor");
    assert_eq!(
        server.audit_count().await,
        audit,
        "a refused edit is not audited"
    );

    // The same through the dashboard's server functions, for environments.
    let (_, envs) = alice.rpc_get("environments/list").await;
    let staging = envs
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["key"] == "staging")
        .unwrap()
        .clone();
    let (status, _) = alice.rpc("environments/update", json!({"input": {"key": "staging", "name": "Staging (EU)", "protected": false, "version": staging["version"]}})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, answer) = alice.rpc("environments/update", json!({"input": {"key": "staging", "name": "Stale", "protected": true, "version": staging["version"]}})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(answer["current"]["name"], "Staging (EU)");
    let (status, _) = alice
        .rpc(
            "environments/delete",
            json!({"input": {"key": "staging", "version": staging["version"]}}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "a stale delete is refused too"
    );
    let (_, envs) = alice.rpc_get("environments/list").await;
    let now = envs
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["key"] == "staging")
        .unwrap();
    assert_eq!(now["name"], "Staging (EU)");
    assert_eq!(now["protected"], false);
    server.stop().await;
}

async fn concurrent_writers_serialize_without_losing_updates(backend: Backend) {
    let server = TestServer::start(backend).await;
    let api = server.create_token("racer", true, &[]).await;
    // Ten clients race to rename the same environment from the same version: exactly one wins.
    let mut handles = Vec::new();
    for i in 0..10 {
        let http = api.http.clone();
        let url = server.url("/api/admin/v1/environments/development");
        let token = api.token.clone();
        handles.push(tokio::spawn(async move {
            http.put(url)
                .bearer_auth(token)
                .json(&json!({"name": format!("Dev {i}"), "protected": false, "version": 1}))
                .send()
                .await
                .unwrap()
                .status()
        }));
    }
    let mut ok = 0;
    let mut conflicts = 0;
    for h in handles {
        match h.await.unwrap() {
            StatusCode::OK => ok += 1,
            StatusCode::CONFLICT => conflicts += 1,
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!((ok, conflicts), (1, 9));
    let (_, page) = api.get("/audit?entity_type=environment").await;
    assert_eq!(
        page["events"].as_array().unwrap().len(),
        1,
        "one change, one audit event"
    );
    server.stop().await;
}

on_both_backends!(
    stale_edits_get_409_with_the_current_state,
    concurrent_writers_serialize_without_losing_updates
);
