//! Replicas sharing one database converge after faults within a stated bound: the revision check
//! every `RESYNC` (5 s on PostgreSQL, 1 s on SQLite) catches up whatever a lost notification or a
//! dead listener missed. The tests allow twice the bound.

use crate::common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;
use switchboard_backend::delivery::RESYNC;

const BOUND: Duration = Duration::from_secs(2 * RESYNC.as_secs() + 2);

/// Polls `server` until `done` holds for its bulk answer with `key`, or fails after [`BOUND`].
async fn within_bound(
    server: &TestServer,
    key: &str,
    what: &str,
    done: impl Fn(StatusCode, &Value) -> bool,
) {
    eventually(BOUND, what, || async {
        let (status, body) = bulk(server, key, "").await;
        if done(status, &body) {
            Ok(())
        } else {
            Err(format!("{status} {body}"))
        }
    })
    .await
}

fn serves(flag: &'static str) -> impl Fn(StatusCode, &Value) -> bool {
    move |status, body| {
        status == StatusCode::OK
            && body["flags"]
                .as_array()
                .is_some_and(|f| f.iter().any(|e| e["key"] == flag))
    }
}

/// Deleting an environment on one replica stops its SDK keys on every replica, and a new
/// environment's keys work everywhere.
async fn deleting_an_environment_revokes_its_keys_everywhere(backend: Backend) {
    let a = TestServer::start(backend).await;
    let b = TestServer::start_sharing(&a).await;
    let admin = a.create_token("admin", true, &[]).await;
    let (status, env) = admin
        .post("/environments", json!({"key": "temp", "name": "Temp"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{env}");
    let (status, created) = admin
        .post("/environments/temp/sdk-keys", json!({"name": "app"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let key = created["secret"].as_str().unwrap().to_string();
    within_bound(&b, &key, "the new environment's key on B", |s, _| {
        s == StatusCode::OK
    })
    .await;
    let (status, body) = admin
        .delete(&format!("/environments/temp?version={}", env["version"]))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    for (name, server) in [("A", &a), ("B", &b)] {
        within_bound(
            server,
            &key,
            &format!("the deleted environment's key on {name}"),
            |s, _| s == StatusCode::UNAUTHORIZED,
        )
        .await;
    }
    b.stop().await;
    a.stop().await;
}

/// The PostgreSQL listeners of both replicas are killed; what changes while they reconnect still
/// reaches the other replica within the bound, and it reports itself ready and current.
async fn replicas_converge_after_their_listeners_die(backend: Backend) {
    let a = TestServer::start(backend).await;
    let b = TestServer::start_sharing(&a).await;
    let admin = a.create_token("admin", true, &[]).await;
    let (_, created) = admin
        .post("/environments/staging/sdk-keys", json!({"name": "app"}))
        .await;
    let key = created["secret"].as_str().unwrap().to_string();
    within_bound(&b, &key, "the key on B", |s, _| s == StatusCode::OK).await;

    if backend == Backend::Postgres {
        let killed: Vec<i32> = sqlx::query_scalar(
            "SELECT pg_terminate_backend(pid)::int FROM pg_stat_activity \
             WHERE datname = current_database() AND query ILIKE 'LISTEN%' AND pid <> pg_backend_pid()",
        )
        .fetch_all(a.db().reader())
        .await
        .unwrap();
        assert!(!killed.is_empty(), "the replicas' listeners were found");
    }
    // Changed during the gap.
    let (status, body) = admin
        .post(
            "/flags",
            json!({"key": "during-gap", "name": "During the gap", "kind": "boolean"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    within_bound(
        &b,
        &key,
        "a flag created during the gap, on B",
        serves("during-gap"),
    )
    .await;

    let ready = reqwest::get(b.url("/readyz")).await.unwrap();
    assert_eq!(ready.status(), StatusCode::OK);
    let metrics = reqwest::get(b.url("/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let revision = metrics
        .lines()
        .find(|l| l.starts_with("switchboard_snapshot_revision "))
        .unwrap_or_else(|| panic!("no revision gauge in {metrics}"));
    assert_ne!(revision, "switchboard_snapshot_revision 0", "{revision}");
    assert!(
        metrics.contains("switchboard_snapshot_age_seconds "),
        "{metrics}"
    );
    b.stop().await;
    a.stop().await;
}

on_both_backends!(
    deleting_an_environment_revokes_its_keys_everywhere,
    replicas_converge_after_their_listeners_die,
);
