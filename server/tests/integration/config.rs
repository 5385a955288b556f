//! Config: the draft, releases, rollback and gray releases through the admin API; delivery with
//! ETags, long polls and Server-Sent Events with resume; and fan-out across server processes.

use crate::common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const NS: &str = "/config/staging/checkout";

/// An admin API client, the `checkout` namespace in staging, and a staging SDK key.
async fn setup(server: &TestServer) -> (Api, String) {
    let admin = server.create_token("config admin", true, &[]).await;
    let (status, body) = admin
        .post(
            "/config/staging",
            json!({"key": "checkout", "description": "Checkout settings"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, created) = admin
        .post(
            "/environments/staging/sdk-keys",
            json!({"name": "checkout app"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    (admin, created["secret"].as_str().unwrap().to_string())
}

async fn set(admin: &Api, key: &str, entry: Value) -> (StatusCode, Value) {
    admin.put(&format!("{NS}/draft/entries/{key}"), entry).await
}

async fn publish(admin: &Api, message: &str, main_version: i64) -> (StatusCode, Value) {
    let draft_version = admin.draft_version(NS).await;
    admin
        .post(
            &format!("{NS}/releases"),
            json!({"message": message, "main_version": main_version, "draft_version": draft_version}),
        )
        .await
}

struct Fetched {
    status: StatusCode,
    etag: Option<String>,
    release: Option<String>,
    body: Value,
}

async fn fetch(server: &TestServer, key: &str, query: &str, headers: &[(&str, &str)]) -> Fetched {
    let mut req = reqwest::Client::new()
        .get(server.url(&format!("/api/v1/config/staging/checkout{query}")))
        .bearer_auth(key);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = req.send().await.unwrap();
    let header = |n: &str| {
        res.headers()
            .get(n)
            .map(|v| v.to_str().unwrap().to_string())
    };
    let (etag, release) = (header("etag"), header("x-config-release"));
    let (status, body) = read(res).await;
    Fetched {
        status,
        etag,
        release,
        body,
    }
}

async fn publish_fetch_diff_and_roll_back(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (admin, key) = setup(&server).await;

    // Nothing published yet.
    let f = fetch(&server, &key, "", &[]).await;
    assert_eq!(
        (f.status, f.body["errorCode"].as_str()),
        (StatusCode::NOT_FOUND, Some("NAMESPACE_NOT_FOUND"))
    );

    let bounded = json!({"value_type": "integer", "value": "3", "constraints": {"min": 1, "max": 10}, "version": 0});
    let (status, entry) = set(&admin, "retries", bounded.clone()).await;
    assert_eq!(status, StatusCode::OK, "{entry}");
    assert_eq!(entry["version"], 1);
    let (status, body) = set(
        &admin,
        "timeout",
        json!({"value_type": "duration", "value": "1m30s", "version": 0}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // Bad input is refused field by field and changes nothing.
    let audit = server.audit_count().await;
    let (status, body) = set(&admin, "retries", json!({"value_type": "integer", "value": "11", "constraints": {"min": 1, "max": 10}, "version": 1})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["fields"]["value"].as_str().unwrap().contains("10"),
        "{body}"
    );
    let (status, body) = set(
        &admin,
        "bad key!",
        json!({"value_type": "string", "value": "x", "version": 0}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["fields"]["key"].is_string(), "{body}");
    let (status, body) = set(
        &admin,
        "RETRIES",
        json!({"value_type": "integer", "value": "2", "version": 0}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["fields"]["key"].as_str().unwrap().contains("capitals"),
        "{body}"
    );
    // A stale version is a conflict showing what is stored.
    let (status, body) = set(
        &admin,
        "retries",
        json!({"value_type": "integer", "value": "4", "version": 0}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["current"]["entry"]["value"], "3", "{body}");
    let (status, body) = publish(&admin, "   ", 0).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["fields"]["message"].is_string());
    assert_eq!(
        server.audit_count().await,
        audit,
        "refused changes are not audited"
    );

    let (status, v1) = publish(&admin, "First settings", 0).await;
    assert_eq!(status, StatusCode::CREATED, "{v1}");
    assert_eq!(
        (v1["version"].as_i64(), v1["kind"].as_str()),
        (Some(1), Some("publish"))
    );
    // Publishing again with nothing changed says so and creates nothing.
    let (status, body) = publish(&admin, "Again", 1).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["fields"]["draft"]
            .as_str()
            .unwrap()
            .contains("Nothing to publish"),
        "{body}"
    );

    // Apps get typed values, with an ETag that answers 304 while nothing changes.
    let f = fetch(&server, &key, "", &[]).await;
    assert_eq!(f.status, StatusCode::OK);
    assert_eq!(
        f.body,
        json!({"namespace": "checkout", "environment": "staging", "version": 1, "values": {"retries": 3, "timeout": 90000}})
    );
    assert_eq!(f.release.as_deref(), Some("main"));
    let etag = f.etag.unwrap();
    let f = fetch(&server, &key, "", &[("If-None-Match", &etag)]).await;
    assert_eq!(f.status, StatusCode::NOT_MODIFIED);
    // Keys are per environment; no key is 401.
    let (_, prod) = admin
        .post("/environments/production/sdk-keys", json!({"name": "prod"}))
        .await;
    let f = fetch(&server, prod["secret"].as_str().unwrap(), "", &[]).await;
    assert_eq!(
        (f.status, f.body["errorCode"].as_str()),
        (StatusCode::FORBIDDEN, Some("WRONG_ENVIRONMENT"))
    );
    let f = fetch(&server, "sb_sdk_nope", "", &[]).await;
    assert_eq!(f.status, StatusCode::UNAUTHORIZED);

    // Change one value, remove another, publish v2.
    let (status, _) = set(&admin, "retries", json!({"value_type": "integer", "value": "5", "constraints": {"min": 1, "max": 10}, "version": 1})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = admin
        .delete(&format!("{NS}/draft/entries/timeout?version=1"))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let (_, draft) = admin.get(&format!("{NS}/draft")).await;
    assert_eq!(draft["removed"][0]["key"], "timeout", "{draft}");
    assert_eq!(draft["pending"]["changed"].as_array().unwrap().len(), 1);
    // A publish that started from an old main version is refused.
    let (status, _) = publish(&admin, "Stale", 0).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, v2) = publish(&admin, "More retries, default timeout", 1).await;
    assert_eq!(status, StatusCode::CREATED, "{v2}");
    let f = fetch(&server, &key, "", &[("If-None-Match", &etag)]).await;
    assert_eq!(f.status, StatusCode::OK);
    assert_eq!(f.body["values"], json!({"retries": 5}));

    // History and diff.
    let (_, history) = admin.get(&format!("{NS}/releases")).await;
    let versions: Vec<i64> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, [2, 1]);
    let (_, diff) = admin.get(&format!("{NS}/diff?from=1&to=2")).await;
    assert_eq!(diff["diff"]["removed"][0]["key"], "timeout", "{diff}");
    assert_eq!(diff["diff"]["changed"][0]["after"]["value"], "5", "{diff}");

    // Rollback publishes v1's entries again as v3; a release that does not exist is 404.
    let (status, body) = admin
        .post(
            &format!("{NS}/rollback"),
            json!({"to_version": 99, "main_version": 2}),
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found")),
        "{body}"
    );
    let (status, v3) = admin
        .post(
            &format!("{NS}/rollback"),
            json!({"to_version": 1, "main_version": 2}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{v3}");
    assert_eq!(
        (
            v3["version"].as_i64(),
            v3["kind"].as_str(),
            v3["rollback_of"].as_i64()
        ),
        (Some(3), Some("rollback"), Some(1))
    );
    let f = fetch(&server, &key, "", &[]).await;
    assert_eq!(f.body["values"], json!({"retries": 3, "timeout": 90000}));
    let (_, draft) = admin.get(&format!("{NS}/draft")).await;
    assert_eq!(draft["main_version"], 3);
    assert!(
        draft["pending"]["changed"].as_array().unwrap().is_empty(),
        "the draft follows the rollback: {draft}"
    );

    // Unpublished changes are not dropped by a rollback unless the caller says so.
    set(&admin, "retries", json!({"value_type": "integer", "value": "7", "constraints": {"min": 1, "max": 10}, "version": 3})).await;
    let (status, body) = admin
        .post(
            &format!("{NS}/rollback"),
            json!({"to_version": 2, "main_version": 3}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["fields"]["discard_draft"].is_string(), "{body}");
    let (status, _) = admin
        .post(
            &format!("{NS}/rollback"),
            json!({"to_version": 2, "main_version": 3, "discard_draft": true, "draft_version": admin.draft_version(NS).await}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);

    // Every change is in the audit trail.
    let (_, events) = admin.get("/audit?environment=staging").await;
    let actions: Vec<&str> = events["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for wanted in [
        "publish",
        "rollback",
        "draft.add",
        "draft.update",
        "draft.remove",
    ] {
        assert!(
            actions.contains(&wanted),
            "{wanted} missing from {actions:?}"
        );
    }
    server.stop().await;
}

async fn gray_releases_go_to_matching_instances_only(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (admin, key) = setup(&server).await;
    set(
        &admin,
        "theme",
        json!({"value_type": "string", "value": "light", "version": 0}),
    )
    .await;
    publish(&admin, "Light theme", 0).await;
    set(
        &admin,
        "theme",
        json!({"value_type": "string", "value": "dark", "version": 1}),
    )
    .await;
    let (status, body) = admin
        .post(&format!("{NS}/releases"), json!({"message": "Dark for EU", "main_version": 1, "draft_version": admin.draft_version(NS).await, "gray": {"kind": "labels", "selector": "region in (eu)"}}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let eu = fetch(&server, &key, "?instance=i-1&labels=region=eu,host=a", &[]).await;
    assert_eq!(
        (eu.body["values"]["theme"].as_str(), eu.release.as_deref()),
        (Some("dark"), Some("gray"))
    );
    let us = fetch(
        &server,
        &key,
        "",
        &[("X-Instance-Id", "i-2"), ("X-Instance-Labels", "region=us")],
    )
    .await;
    assert_eq!(
        (us.body["values"]["theme"].as_str(), us.release.as_deref()),
        (Some("light"), Some("main"))
    );
    let bad = fetch(&server, &key, "?labels=region", &[]).await;
    assert_eq!(
        (bad.status, bad.body["errorCode"].as_str()),
        (StatusCode::BAD_REQUEST, Some("INVALID_LABELS"))
    );

    // Nothing else goes out while the gray release runs.
    set(
        &admin,
        "theme",
        json!({"value_type": "string", "value": "blue", "version": 2}),
    )
    .await;
    let (status, body) = publish(&admin, "Blue", 1).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["fields"]["gray"]
            .as_str()
            .unwrap()
            .contains("in progress")
    );

    // The instances seen, and what each holds.
    let (_, instances) = admin.get(&format!("{NS}/instances")).await;
    let held: Vec<(String, i64, bool)> = instances
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["instance_id"].as_str().unwrap().to_string(),
                i["version"].as_i64().unwrap(),
                i["gray"].as_bool().unwrap(),
            )
        })
        .collect();
    assert!(
        held.contains(&("i-1".into(), 2, true)) && held.contains(&("i-2".into(), 1, false)),
        "{held:?}"
    );

    // Promote: everyone gets v2.
    let (status, body) = admin
        .post(&format!("{NS}/gray/promote"), json!({"gray_version": 2}))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let us = fetch(&server, &key, "?instance=i-2&labels=region=us", &[]).await;
    assert_eq!(
        (us.body["version"].as_i64(), us.release.as_deref()),
        (Some(2), Some("main"))
    );
    let (status, _) = admin
        .post(&format!("{NS}/gray/promote"), json!({"gray_version": 2}))
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "no gray release runs any more"
    );

    // A sticky percentage: about half of 200 instances, the same ones on every fetch; abandon
    // puts everyone back.
    let (status, body) = admin
        .post(&format!("{NS}/releases"), json!({"message": "Blue for half", "main_version": 2, "draft_version": admin.draft_version(NS).await, "gray": {"kind": "percentage", "percent": 50}}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let mut gray = Vec::new();
    for i in 0..200 {
        let f = fetch(&server, &key, &format!("?instance=host-{i}"), &[]).await;
        if f.release.as_deref() == Some("gray") {
            assert_eq!(f.body["values"]["theme"], "blue");
            gray.push(i);
        }
    }
    assert!(
        (70..=130).contains(&gray.len()),
        "{} of 200 in the gray release",
        gray.len()
    );
    for i in gray.iter().take(10) {
        let f = fetch(&server, &key, &format!("?instance=host-{i}"), &[]).await;
        assert_eq!(f.release.as_deref(), Some("gray"), "host-{i} stays in");
    }
    let (status, _) = admin
        .post(&format!("{NS}/gray/abandon"), json!({"gray_version": 3}))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let f = fetch(&server, &key, &format!("?instance=host-{}", gray[0]), &[]).await;
    assert_eq!(
        (f.body["version"].as_i64(), f.release.as_deref()),
        (Some(2), Some("main"))
    );
    server.stop().await;
}

/// The namespace's watch stream, as the `watcher` instance.
async fn open_events(server: &TestServer, key: &str, last_id: Option<&str>) -> Events {
    let mut req = reqwest::Client::new()
        .get(server.url("/api/v1/config/staging/checkout/watch?instance=watcher"))
        .bearer_auth(key);
    if let Some(id) = last_id {
        req = req.header("Last-Event-ID", id);
    }
    Events::new(req.send().await.unwrap())
}

async fn watchers_get_every_version_and_resume(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (admin, key) = setup(&server).await;
    set(
        &admin,
        "limit",
        json!({"value_type": "integer", "value": "1", "version": 0}),
    )
    .await;
    publish(&admin, "v1", 0).await;

    let mut events = open_events(&server, &key, None).await;
    let (id, body) = events
        .next_numbered(Duration::from_secs(5))
        .await
        .expect("the current version at once");
    assert_eq!((id, body["values"]["limit"].as_i64()), (1, Some(1)));
    for v in 2..=3 {
        set(
            &admin,
            "limit",
            json!({"value_type": "integer", "value": v.to_string(), "version": v - 1}),
        )
        .await;
        publish(&admin, &format!("v{v}"), v - 1).await;
        let (id, body) = events
            .next_numbered(Duration::from_secs(5))
            .await
            .expect("each new version");
        assert_eq!((id, body["values"]["limit"].as_i64()), (v, Some(v)));
    }
    drop(events);

    // Missed versions while away: a reconnect with an old Last-Event-ID gets the latest at once.
    for v in 4..=5 {
        set(
            &admin,
            "limit",
            json!({"value_type": "integer", "value": v.to_string(), "version": v - 1}),
        )
        .await;
        publish(&admin, &format!("v{v}"), v - 1).await;
    }
    let mut events = open_events(&server, &key, Some("3")).await;
    let (id, body) = events
        .next_numbered(Duration::from_secs(5))
        .await
        .expect("never silence");
    assert_eq!((id, body["values"]["limit"].as_i64()), (5, Some(5)));

    // Up to date: nothing until the next version.
    let mut current = open_events(&server, &key, Some("5")).await;
    assert!(
        current
            .next_numbered(Duration::from_millis(300))
            .await
            .is_none()
    );
    set(
        &admin,
        "limit",
        json!({"value_type": "integer", "value": "6", "version": 5}),
    )
    .await;
    publish(&admin, "v6", 5).await;
    assert_eq!(
        current
            .next_numbered(Duration::from_secs(5))
            .await
            .map(|e| e.0),
        Some(6)
    );
    assert_eq!(
        events
            .next_numbered(Duration::from_secs(5))
            .await
            .map(|e| e.0),
        Some(6)
    );
    let (_, instances) = admin.get(&format!("{NS}/instances")).await;
    assert_eq!(instances[0]["watching"], true, "{instances}");
    server.stop().await;
}

async fn long_polls_answer_on_change_or_after_the_wait(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (admin, key) = setup(&server).await;
    set(
        &admin,
        "limit",
        json!({"value_type": "integer", "value": "1", "version": 0}),
    )
    .await;
    publish(&admin, "v1", 0).await;

    // Behind: answered at once.
    let f = fetch(&server, &key, "?wait=30s&since=0", &[]).await;
    assert_eq!(
        (f.status, f.body["version"].as_i64()),
        (StatusCode::OK, Some(1))
    );
    let v1_etag = f.etag.unwrap();
    // An ETag that is not what is served (a version number, say) is behind: answered at once.
    let f = fetch(&server, &key, "?wait=30s", &[("If-None-Match", "\"1\"")]).await;
    assert_eq!(f.status, StatusCode::OK);
    // Current, nothing happens: 304 after the wait.
    let started = Instant::now();
    let f = fetch(&server, &key, "?wait=300ms&since=1", &[]).await;
    assert_eq!(f.status, StatusCode::NOT_MODIFIED);
    assert!(started.elapsed() >= Duration::from_millis(290));
    // Current, then a publish: answered with the new version.
    let publisher = async {
        // Once the long poll waits: a publish before it would be answered at once, untested.
        eventually(Duration::from_secs(10), "the long poll waits", || {
            let open = server.streams.total();
            async move { (open > 0).then_some(()).ok_or("no long poll open") }
        })
        .await;
        set(
            &admin,
            "limit",
            json!({"value_type": "integer", "value": "2", "version": 1}),
        )
        .await;
        publish(&admin, "v2", 1).await
    };
    let holding_v1 = [("If-None-Match", v1_etag.as_str())];
    let (f, (status, _)) = tokio::join!(fetch(&server, &key, "?wait=20s", &holding_v1), publisher);
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(
        (f.status, f.body["version"].as_i64()),
        (StatusCode::OK, Some(2))
    );
    let f = fetch(&server, &key, "?wait=forever&since=2", &[]).await;
    assert_eq!(
        (f.status, f.body["errorCode"].as_str()),
        (StatusCode::BAD_REQUEST, Some("INVALID_PARAMETER"))
    );
    server.stop().await;
}

async fn copy_and_compare_between_environments(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (admin, _) = setup(&server).await;
    set(
        &admin,
        "limit",
        json!({"value_type": "integer", "value": "9", "version": 0}),
    )
    .await;
    publish(&admin, "staging", 0).await;
    let (status, body) = admin
        .post(
            "/config/production/checkout/draft/copy-from/staging",
            json!({"draft_version": 0}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let (_, draft) = admin.get("/config/production/checkout/draft").await;
    assert_eq!(draft["entries"][0]["entry"]["value"], "9", "{draft}");
    assert_eq!(draft["main_version"], 0, "a copy is a draft, not a release");
    let (_, cmp) = admin
        .get("/config/staging/checkout/compare/production")
        .await;
    assert_eq!(cmp["diff"]["removed"][0]["key"], "limit", "{cmp}");
    let (status, body) = admin
        .post(
            "/config/production/checkout/draft/copy-from/nowhere",
            json!({"draft_version": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    server.stop().await;
}

/// Revoking a key ends the watch streams it holds open at once: the next release (a secret, say)
/// must not reach an app whose key was taken away.
async fn revoking_a_key_ends_its_watch_streams(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (admin, key) = setup(&server).await;
    set(
        &admin,
        "limit",
        json!({"value_type": "integer", "value": "1", "version": 0}),
    )
    .await;
    publish(&admin, "v1", 0).await;
    let mut events = open_events(&server, &key, None).await;
    events
        .next_numbered(Duration::from_secs(5))
        .await
        .expect("the current version at once");
    // And a long poll waiting for the next version.
    let poll = tokio::spawn(
        reqwest::Client::new()
            .get(server.url("/api/v1/config/staging/checkout?wait=60s&since=1"))
            .bearer_auth(&key)
            .send(),
    );
    eventually(Duration::from_secs(10), "the long poll waits", || {
        let open = server.streams.total();
        async move { (open >= 2).then_some(()).ok_or(open) }
    })
    .await;
    let (_, keys) = admin.get("/environments/staging/sdk-keys").await;
    let listed = keys.as_array().unwrap()[0].clone();
    let (status, body) = admin
        .post(
            &format!("/environments/staging/sdk-keys/{}/revoke", listed["id"]),
            json!({"version": listed["version"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(events.ends_within(Duration::from_secs(10)).await);
    let answer = tokio::time::timeout(Duration::from_secs(10), poll)
        .await
        .expect("the long poll is answered at once")
        .unwrap()
        .unwrap();
    assert_eq!(answer.status(), StatusCode::UNAUTHORIZED);
    server.stop().await;
}

on_both_backends!(
    revoking_a_key_ends_its_watch_streams,
    publish_fetch_diff_and_roll_back,
    gray_releases_go_to_matching_instances_only,
    watchers_get_every_version_and_resume,
    long_polls_answer_on_change_or_after_the_wait,
    copy_and_compare_between_environments,
);

/// A `switchboard serve` process on the given database; killed when dropped.
struct Process {
    child: std::process::Child,
    base: String,
    _dir: tempfile::TempDir,
}

impl Process {
    fn start(database_url: &str) -> Process {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let child = switchboard(dir.path())
            .env("DATABASE_URL", database_url)
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("RUST_LOG", "warn")
            .arg("serve")
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        wait_for(&format!("127.0.0.1:{port}"), Duration::from_secs(30));
        Process {
            child,
            base: format!("http://127.0.0.1:{port}"),
            _dir: dir,
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Two server processes on one PostgreSQL database: a release published through one reaches a
/// watcher connected to the other (by LISTEN/NOTIFY; the processes share nothing else).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_release_published_on_one_process_reaches_watchers_of_another() {
    let setup_server = TestServer::start(Backend::Postgres).await;
    let (admin, key) = setup(&setup_server).await;
    set(
        &admin,
        "limit",
        json!({"value_type": "integer", "value": "1", "version": 0}),
    )
    .await;
    publish(&admin, "v1", 0).await;
    let token = admin.token.clone();
    let url = setup_server.database_url().to_string();

    let a = Process::start(&url);
    let b = Process::start(&url);
    let on_a = Api {
        http: reqwest::Client::new(),
        base: a.base.clone(),
        token,
        id: 0,
    };
    let watch = reqwest::Client::new()
        .get(format!("{}/api/v1/config/staging/checkout/watch", b.base))
        .bearer_auth(&key)
        .header("Last-Event-ID", "1")
        .send()
        .await
        .unwrap();
    assert_eq!(watch.status(), StatusCode::OK);
    let mut events = Events::new(watch);
    // B serves before its LISTEN connection is up; a publish before that would reach B only by
    // the periodic revision check, seconds later, and not test the notification.
    let scrape = reqwest::Client::new();
    eventually(Duration::from_secs(10), "B listens for changes", || async {
        let following = metric(&scrape, &b.base, "switchboard_following_changes", "").await;
        (following > 0.0).then_some(()).ok_or("not yet")
    })
    .await;
    for v in 2..=4 {
        let (status, body) = on_a
            .put(
                &format!("{NS}/draft/entries/limit"),
                json!({"value_type": "integer", "value": v.to_string(), "version": v - 1}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let started = Instant::now();
        let (status, body) = on_a
            .post(
                &format!("{NS}/releases"),
                json!({"message": format!("v{v}"), "main_version": v - 1, "draft_version": on_a.draft_version(NS).await}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let (id, body) = events
            .next_numbered(Duration::from_secs(5))
            .await
            .unwrap_or_else(|| panic!("v{v} published on A never reached B's watcher"));
        assert_eq!((id, body["values"]["limit"].as_i64()), (v, Some(v)));
        eprintln!(
            "v{v}: A's publish to B's watcher in {:?}",
            started.elapsed()
        );
    }
    drop(events);
    drop(a);
    drop(b);
    setup_server.stop().await;
}
