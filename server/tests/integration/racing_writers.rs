//! Writers racing on one thing with the same version, all at once: exactly one wins, every other
//! gets 409 with what is stored now, and the audit trail holds one event per win. On PostgreSQL
//! (READ COMMITTED) a version compared on a plain read and then written unconditionally lets
//! several win and all but one of their edits vanish; every write here is a compare-and-set in its
//! own statement.

use crate::common::*;
use futures_util::future::join_all;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const WRITERS: usize = 10;
const NS: &str = "/config/staging/checkout";
const MENU: &str = "/menus/staging/main";

/// Sends `WRITERS` requests at once (writer `i` sends `request(i)`); answers (successes,
/// conflicts) after checking every answer is one or the other, conflicts with the stored state.
async fn race(
    api: &Api,
    what: &str,
    request: impl Fn(usize) -> (Method, String, Value),
) -> (Vec<Value>, Vec<Value>) {
    let answers = join_all((0..WRITERS).map(|i| {
        let (method, path, body) = request(i);
        async move {
            api.call(method, &path, Some(body).filter(|b| !b.is_null()))
                .await
        }
    }))
    .await;
    let mut won = Vec::new();
    let mut lost = Vec::new();
    for (status, body) in answers {
        match status {
            s if s.is_success() => won.push(body),
            StatusCode::CONFLICT => {
                assert_eq!(body["error"], "conflict", "{what}: {body}");
                assert!(body.get("current").is_some(), "{what}: {body}");
                lost.push(body)
            }
            other => panic!("{what}: unexpected {other}: {body}"),
        }
    }
    assert_eq!(won.len(), 1, "{what}: exactly one writer wins: {won:?}");
    assert_eq!(lost.len(), WRITERS - 1, "{what}");
    (won, lost)
}

async fn setup(server: &TestServer) -> Api {
    let admin = server.create_token("racer", true, &[]).await;
    let (status, body) = admin
        .post(
            "/config/staging",
            json!({"key": "checkout", "description": ""}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    admin
}

async fn config_draft_writers_race(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = setup(&server).await;

    // A new key, everyone from version 0.
    let audit = server.audit_count().await;
    let (won, _) = race(&admin, "create a key", |i| {
        (
            Method::PUT,
            format!("{NS}/draft/entries/limit"),
            json!({"value_type": "integer", "value": i.to_string(), "version": 0}),
        )
    })
    .await;
    let kept = won[0]["entry"]["value"].clone();
    let (_, draft) = admin.get(&format!("{NS}/draft")).await;
    assert_eq!(draft["entries"][0]["entry"]["value"], kept, "{draft}");
    assert_eq!(server.audit_count().await, audit + 1);

    // The same key, everyone from its current version.
    let version = draft["entries"][0]["version"].as_i64().unwrap();
    let audit = server.audit_count().await;
    let (won, lost) = race(&admin, "update a key", |i| {
        (
            Method::PUT,
            format!("{NS}/draft/entries/limit"),
            json!({"value_type": "integer", "value": (100 + i).to_string(), "version": version}),
        )
    })
    .await;
    let (_, draft) = admin.get(&format!("{NS}/draft")).await;
    let stored = &draft["entries"][0];
    assert_eq!(
        stored["entry"]["value"], won[0]["entry"]["value"],
        "{draft}"
    );
    assert_eq!(stored["version"], version + 1);
    for l in &lost {
        assert_eq!(
            l["current"]["entry"]["value"], stored["entry"]["value"],
            "{l}"
        );
    }
    assert_eq!(server.audit_count().await, audit + 1);

    // Keys that differ only by capitals, all new at once: the whole-draft rule holds too.
    let audit = server.audit_count().await;
    let api = &admin;
    let answers = join_all((0..WRITERS).map(|i| {
        let key = if i % 2 == 0 { "Region" } else { "region" };
        let value = format!("r{i}");
        async move {
            api.put(
                &format!("{NS}/draft/entries/{key}"),
                json!({"value_type": "string", "value": value, "version": 0}),
            )
            .await
        }
    }))
    .await;
    let won = answers.iter().filter(|(s, _)| s.is_success()).count();
    assert_eq!(won, 1, "{answers:?}");
    assert!(
        answers.iter().all(|(s, _)| s.is_success()
            || *s == StatusCode::CONFLICT
            || *s == StatusCode::UNPROCESSABLE_ENTITY),
        "{answers:?}"
    );
    assert_eq!(server.audit_count().await, audit + 1);

    // Removing, everyone from the same version.
    let (_, draft) = admin.get(&format!("{NS}/draft")).await;
    let limit = draft["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["entry"]["key"] == "limit")
        .unwrap()
        .clone();
    let path = format!("{NS}/draft/entries/limit?version={}", limit["version"]);
    race(&admin, "remove a key", |_| {
        (Method::DELETE, path.clone(), Value::Null)
    })
    .await;
    server.stop().await;
}

async fn a_publish_names_the_draft_it_reviewed(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = setup(&server).await;
    let (status, body) = admin
        .put(
            &format!("{NS}/draft/entries/limit"),
            json!({"value_type": "integer", "value": "1", "version": 0}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // The publisher reviews the diff at this draft version...
    let reviewed = admin.draft_version(NS).await;
    // ...and an editor changes the draft before the publish arrives.
    let (status, body) = admin
        .put(
            &format!("{NS}/draft/entries/limit"),
            json!({"value_type": "integer", "value": "666", "version": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let releases = server.audit_count().await;
    let (status, body) = admin
        .post(
            &format!("{NS}/releases"),
            json!({"message": "reviewed 1", "main_version": 0, "draft_version": reviewed}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["current"]["draft_version"], reviewed + 1, "{body}");
    let (status, body) = admin
        .post(
            &format!("{NS}/draft/discard"),
            json!({"draft_version": reviewed}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let (status, body) = admin
        .post(
            "/config/production/checkout/draft/copy-from/staging",
            json!({"draft_version": 5}),
        )
        .await;
    assert!(
        status == StatusCode::CONFLICT || status == StatusCode::UNPROCESSABLE_ENTITY,
        "{status}: {body}"
    );
    assert_eq!(server.audit_count().await, releases, "nothing was done");
    let (_, list) = admin.get(&format!("{NS}/releases")).await;
    assert_eq!(list, json!([]));

    // Ten publishers of the same reviewed draft: one release.
    let reviewed = admin.draft_version(NS).await;
    let (won, _) = race(&admin, "publish", |i| {
        (Method::POST, format!("{NS}/releases"), json!({"message": format!("publisher {i}"), "main_version": 0, "draft_version": reviewed}))
    })
    .await;
    assert_eq!(won[0]["version"], 1);
    let (_, list) = admin.get(&format!("{NS}/releases")).await;
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    server.stop().await;
}

async fn menu_writers_race(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.create_token("racer", true, &[]).await;
    let (status, body) = admin
        .post("/menus/staging", json!({"key": "main", "description": ""}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let items =
        |label: String| json!([{"id": "home", "kind": "link", "label": label, "target": "/"}]);
    race(&admin, "first save", |i| {
        (
            Method::PUT,
            format!("{MENU}/draft"),
            json!({"items": items(format!("Home {i}")), "version": 0}),
        )
    })
    .await;
    let (won, _) = race(&admin, "save", |i| {
        (
            Method::PUT,
            format!("{MENU}/draft"),
            json!({"items": items(format!("Start {i}")), "version": 1}),
        )
    })
    .await;
    let draft_version = won[0]["version"].as_i64().unwrap();
    assert_eq!(draft_version, 2);
    // A publish or discard naming an older draft than the one stored is refused.
    for (path, body) in [
        (
            format!("{MENU}/releases"),
            json!({"message": "stale", "main_version": 0, "draft_version": 1}),
        ),
        (format!("{MENU}/draft/discard"), json!({"draft_version": 1})),
    ] {
        let (status, answer) = admin.post(&path, body).await;
        assert_eq!(status, StatusCode::CONFLICT, "{path}: {answer}");
        assert_eq!(answer["current"]["version"], 2, "{answer}");
    }
    race(&admin, "publish", |i| {
        (
            Method::POST,
            format!("{MENU}/releases"),
            json!({"message": format!("p{i}"), "main_version": 0, "draft_version": draft_version}),
        )
    })
    .await;
    server.stop().await;
}

async fn flag_and_segment_writers_race(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.create_token("racer", true, &[]).await;
    let (status, body) = admin
        .post(
            "/flags",
            json!({"key": "f", "name": "F", "kind": "boolean"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    race(&admin, "first settings", |i| {
        (Method::PUT, "/flags/f/environments/staging".to_string(), json!({"enabled": i % 2 == 0, "off_variant": "off", "default_variant": "on", "rules": [], "version": 0}))
    })
    .await;
    race(&admin, "definition", |i| {
        (Method::PUT, "/flags/f".to_string(), json!({"name": format!("F {i}"), "variants": [{"key": "on", "value": true}, {"key": "off", "value": false}], "version": 1}))
    })
    .await;
    let (status, body) = admin
        .post(
            "/segments",
            json!({"key": "s", "name": "S", "constraints": [{"attribute": "plan", "operator": "IN", "values": ["a"]}]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    race(&admin, "segment", |i| {
        (Method::PUT, "/segments/s".to_string(), json!({"name": format!("S {i}"), "constraints": [{"attribute": "plan", "operator": "IN", "values": [format!("p{i}")]}], "version": 1}))
    })
    .await;
    server.stop().await;
}

on_both_backends!(
    config_draft_writers_race,
    a_publish_names_the_draft_it_reviewed,
    menu_writers_race,
    flag_and_segment_writers_race,
);
