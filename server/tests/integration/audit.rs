//! The audit trail: every mutation recorded with actor, time, environment, entity, action and a
//! before/after; filterable and paginated; append-only.

use crate::common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn events(page: &Value) -> Vec<Value> {
    page["events"].as_array().unwrap().clone()
}

async fn every_mutation_is_audited_with_a_diff(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let api = server.create_token("auditor", true, &[]).await;

    let (_, user) = admin.rpc("users/create", json!({"input": {"email": "ann@test.example", "name": "Ann", "password": "ann long passphrase", "roles": {"staging": "viewer"}}})).await;
    let (_, user) = admin.rpc("users/update", json!({"input": {"id": user["id"], "email": "ann@test.example", "name": "Ann B", "admin": false, "roles": {"staging": "publisher"}, "version": user["version"]}})).await;
    let (_, user) = admin
        .rpc(
            "users/set-disabled",
            json!({"input": {"id": user["id"], "disabled": true, "version": user["version"]}}),
        )
        .await;
    let (_, user) = admin
        .rpc(
            "users/set-disabled",
            json!({"input": {"id": user["id"], "disabled": false, "version": user["version"]}}),
        )
        .await;
    admin.rpc("users/reset-password", json!({"input": {"id": user["id"], "password": "ann new passphrase", "version": user["version"]}})).await;
    let (_, env) = admin
        .rpc(
            "environments/create",
            json!({"input": {"key": "qa", "name": "QA", "protected": false}}),
        )
        .await;
    let (_, env) = admin.rpc("environments/update", json!({"input": {"key": "qa", "name": "QA", "protected": true, "version": env["version"]}})).await;
    let (_, env) = api
        .put(
            "/environments/qa",
            json!({"name": "QA", "protected": false, "version": env["version"]}),
        )
        .await;
    api.delete(&format!("/environments/qa?version={}", env["version"]))
        .await;
    let (_, created) = admin
        .rpc(
            "api-tokens/create",
            json!({"input": {"name": "ci", "roles": {"staging": "editor"}}}),
        )
        .await;
    admin.rpc("api-tokens/revoke", json!({"input": {"id": created["token"]["id"], "version": created["token"]["version"]}})).await;

    let (status, page) = api.get("/audit?limit=50").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let evs = events(&page);
    let summary: Vec<(String, String)> = evs
        .iter()
        .rev()
        .map(|e| {
            (
                e["entity_type"].as_str().unwrap().to_string(),
                e["action"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = [
        ("user", "create"),      // the bootstrap administrator
        ("api_token", "create"), // the test's own token
        ("user", "create"),
        ("user", "update"),
        ("user", "disable"),
        ("user", "enable"),
        ("user", "reset_password"),
        ("environment", "create"),
        ("environment", "update"),
        ("environment", "update"),
        ("environment", "delete"),
        ("api_token", "create"),
        ("api_token", "revoke"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(summary, expected);

    let update = evs
        .iter()
        .find(|e| e["entity_type"] == "user" && e["action"] == "update")
        .unwrap();
    assert_eq!(update["actor"]["kind"], "user");
    assert_eq!(update["actor"]["name"], ADMIN_EMAIL);
    assert_eq!(update["entity_label"], "ann@test.example");
    assert_eq!(update["before"]["name"], "Ann");
    assert_eq!(update["after"]["name"], "Ann B");
    assert_eq!(update["before"]["roles"]["staging"], "viewer");
    assert_eq!(update["after"]["roles"]["staging"], "publisher");
    assert!(update["at"].as_i64().unwrap() > 1_700_000_000_000);

    let by_token = evs
        .iter()
        .find(|e| e["entity_type"] == "environment" && e["actor"]["kind"] == "token")
        .unwrap();
    assert_eq!(by_token["actor"]["name"], "auditor");
    assert_eq!(by_token["environment"], "qa");
    let reset = evs
        .iter()
        .find(|e| e["action"] == "reset_password")
        .unwrap();
    assert!(
        !reset.to_string().contains("argon2"),
        "no password hash in the trail: {reset}"
    );
    let token_create = evs
        .iter()
        .rev()
        .find(|e| e["entity_type"] == "api_token" && e["entity_label"] == "ci")
        .unwrap();
    assert!(
        !token_create
            .to_string()
            .contains(created["secret"].as_str().unwrap()),
        "no token secret in the trail"
    );
    server.stop().await;
}

async fn audit_filters_and_pages(backend: Backend) {
    let server = TestServer::start(backend).await;
    let api = server.create_token("filterer", true, &[]).await;
    for i in 0..7 {
        api.post(
            "/environments",
            json!({"key": format!("env-{i}"), "name": format!("Env {i}")}),
        )
        .await;
    }
    let editor = server
        .create_token("staging editor", false, &[("staging", "editor")])
        .await;

    let (_, page) = api.get("/audit?entity_type=environment&limit=3").await;
    assert_eq!(events(&page).len(), 3);
    let mut seen: Vec<String> = events(&page)
        .iter()
        .map(|e| e["entity_id"].as_str().unwrap().to_string())
        .collect();
    let mut cursor = page["next_before"].as_i64();
    while let Some(before) = cursor {
        let (_, page) = api
            .get(&format!(
                "/audit?entity_type=environment&limit=3&before={before}"
            ))
            .await;
        seen.extend(
            events(&page)
                .iter()
                .map(|e| e["entity_id"].as_str().unwrap().to_string()),
        );
        cursor = page["next_before"].as_i64();
    }
    assert_eq!(
        seen,
        (0..7).rev().map(|i| format!("env-{i}")).collect::<Vec<_>>(),
        "newest first, no gaps or repeats"
    );

    let (_, page) = api.get("/audit?actor=FILTER").await;
    assert_eq!(events(&page).len(), 7, "actor matches case-insensitively");
    let (_, page) = api.get("/audit?environment=env-3").await;
    assert_eq!(events(&page).len(), 1);
    assert_eq!(events(&page)[0]["entity_id"], "env-3");
    let (_, all) = api.get("/audit?entity_type=environment").await;
    let third = events(&all)[3]["at"].as_i64().unwrap();
    let (_, page) = api
        .get(&format!("/audit?entity_type=environment&to={}", third + 1))
        .await;
    assert!(
        events(&page)
            .iter()
            .all(|e| e["at"].as_i64().unwrap() <= third)
    );
    let (_, page) = api
        .get(&format!(
            "/audit?entity_type=environment&from={}",
            i64::MAX / 2
        ))
        .await;
    assert!(events(&page).is_empty());

    // A staging editor sees staging's events only: not other environments', not global ones.
    let (status, page) = editor.get("/audit").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        events(&page).iter().all(|e| e["environment"] == "staging"),
        "{page}"
    );
    let (status, _) = editor.get("/audit?environment=env-1").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    server.stop().await;
}

async fn the_trail_cannot_be_edited_or_deleted(backend: Backend) {
    let server = TestServer::start(backend).await;
    let api = server.create_token("vandal", true, &[]).await;
    let count = server.audit_count().await;
    for method in [Method::PUT, Method::PATCH, Method::DELETE, Method::POST] {
        let (status, _) = api.call(method.clone(), "/audit", Some(json!({}))).await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} /audit");
    }
    // Even code holding a database connection cannot change it.
    assert!(
        sqlx::query("UPDATE audit_events SET action = 'forged'")
            .execute(server.db().writer())
            .await
            .is_err()
    );
    assert!(
        sqlx::query("DELETE FROM audit_events")
            .execute(server.db().writer())
            .await
            .is_err()
    );
    assert_eq!(server.audit_count().await, count);
    server.stop().await;
}

/// The events of one entity type, oldest first, as (action, before, after).
async fn trail(api: &Api, entity_type: &str) -> Vec<(String, Value, Value)> {
    let (status, page) = api
        .get(&format!("/audit?entity_type={entity_type}&limit=50"))
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    events(&page)
        .iter()
        .rev()
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_string(),
                e["before"].clone(),
                e["after"].clone(),
            )
        })
        .collect()
}

/// Publishing, discarding and rolling back are recorded in one shape for config and menus:
/// `before` and `after` each hold the version apps got and the whole content (config's entries
/// by key, a menu's items), plus the release's message and what the subject adds to it.
async fn releases_are_audited_in_one_shape(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.create_token("releaser", true, &[]).await;
    let post = |path: String, body: Value| {
        let admin = &admin;
        async move {
            let (status, answer) = admin.post(&path, body).await;
            assert!(status.is_success(), "{path}: {status} {answer}");
            answer
        }
    };

    // Config: publish v1, discard an edit, publish v2, roll back to v1.
    let ns = "/config/staging/checkout";
    post("/config/staging".into(), json!({"key": "checkout"})).await;
    // Sets the one entry, at whatever version the draft holds it.
    let set = |value: &'static str| {
        let admin = &admin;
        async move {
            let (_, draft) = admin.get(&format!("{ns}/draft")).await;
            let version = draft["entries"][0]["version"].as_i64().unwrap_or(0);
            let entry = json!({"value_type": "integer", "value": value, "version": version});
            let (status, answer) = admin
                .put(&format!("{ns}/draft/entries/retries"), entry)
                .await;
            assert_eq!(status, StatusCode::OK, "{answer}");
        }
    };
    set("3").await;
    let draft = admin.draft_version(ns).await;
    post(
        format!("{ns}/releases"),
        json!({"message": "first", "main_version": 0, "draft_version": draft}),
    )
    .await;
    set("4").await;
    let draft = admin.draft_version(ns).await;
    post(
        format!("{ns}/draft/discard"),
        json!({"draft_version": draft}),
    )
    .await;
    set("5").await;
    let draft = admin.draft_version(ns).await;
    post(
        format!("{ns}/releases"),
        json!({"message": "second", "main_version": 1, "draft_version": draft}),
    )
    .await;
    post(
        format!("{ns}/rollback"),
        json!({"to_version": 1, "main_version": 2, "message": "back"}),
    )
    .await;

    let three = json!({"retries": "3"});
    let five = json!({"retries": "5"});
    assert_eq!(
        trail(&admin, "config_release").await,
        [
            (
                "publish".to_string(),
                json!({"version": 0, "entries": {}}),
                json!({"version": 1, "message": "first", "gray": null, "entries": three})
            ),
            (
                "publish".to_string(),
                json!({"version": 1, "entries": three}),
                json!({"version": 2, "message": "second", "gray": null, "entries": five})
            ),
            (
                "rollback".to_string(),
                json!({"version": 2, "entries": five}),
                json!({"version": 3, "rollback_of": 1, "message": "back", "entries": three})
            ),
        ]
    );
    let discards: Vec<_> = trail(&admin, "config_draft")
        .await
        .into_iter()
        .filter(|(action, ..)| action == "draft.discard")
        .collect();
    assert_eq!(
        discards,
        [(
            "draft.discard".to_string(),
            json!({"entries": {"retries": "4"}}),
            json!({"version": 1, "entries": three})
        )]
    );

    // Menus: the same steps, the same shape with the items in place of the entries.
    let menu = "/menus/staging/web-main";
    post("/menus/staging".into(), json!({"key": "web-main"})).await;
    let save = |label: &'static str, version: i64| {
        let admin = &admin;
        async move {
            let items = json!([{"id": "home", "kind": "link", "label": label, "target": "/"}]);
            let (status, answer) = admin
                .put(
                    &format!("{menu}/draft"),
                    json!({"items": items, "version": version}),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{answer}");
            answer["version"].as_i64().unwrap()
        }
    };
    let draft = save("Home", 0).await;
    post(
        format!("{menu}/releases"),
        json!({"message": "first", "main_version": 0, "draft_version": draft}),
    )
    .await;
    let draft = save("Start", draft).await;
    post(
        format!("{menu}/draft/discard"),
        json!({"draft_version": draft}),
    )
    .await;
    let (_, current) = admin.get(&format!("{menu}/draft")).await;
    let draft = save("Welcome", current["version"].as_i64().unwrap()).await;
    post(
        format!("{menu}/releases"),
        json!({"message": "second", "main_version": 1, "draft_version": draft}),
    )
    .await;
    post(
        format!("{menu}/rollback"),
        json!({"to_version": 1, "main_version": 2, "message": "back"}),
    )
    .await;

    let items = |version: i64| {
        let admin = &admin;
        async move {
            let (status, release) = admin.get(&format!("{menu}/releases/{version}")).await;
            assert_eq!(status, StatusCode::OK, "{release}");
            release["items"].clone()
        }
    };
    let (home, welcome) = (items(1).await, items(2).await);
    assert_eq!(home[0]["label"], "Home", "{home}");
    let releases = trail(&admin, "menu_release").await;
    let changes: Vec<bool> = releases
        .iter()
        .map(|(_, _, after)| after["changes"].is_string())
        .collect();
    assert_eq!(
        changes,
        [true, true, false],
        "a publish says what it changes"
    );
    let without_changes = |mut after: Value| {
        after.as_object_mut().unwrap().remove("changes");
        after
    };
    let releases: Vec<_> = releases
        .into_iter()
        .map(|(action, before, after)| (action, before, without_changes(after)))
        .collect();
    assert_eq!(
        releases,
        [
            (
                "publish".to_string(),
                json!({"version": 0, "items": []}),
                json!({"version": 1, "message": "first", "items": home})
            ),
            (
                "publish".to_string(),
                json!({"version": 1, "items": home}),
                json!({"version": 2, "message": "second", "items": welcome})
            ),
            (
                "rollback".to_string(),
                json!({"version": 2, "items": welcome}),
                json!({"version": 3, "rollback_of": 1, "message": "back", "items": home})
            ),
        ]
    );
    let discards: Vec<_> = trail(&admin, "menu_draft")
        .await
        .into_iter()
        .filter(|(action, ..)| action == "draft.discard")
        .collect();
    assert_eq!(discards.len(), 1, "{discards:?}");
    assert_eq!(discards[0].1["items"][0]["label"], "Start", "{discards:?}");
    assert_eq!(discards[0].2, json!({"version": 1, "items": home}));
    server.stop().await;
}

on_both_backends!(
    every_mutation_is_audited_with_a_diff,
    releases_are_audited_in_one_shape,
    audit_filters_and_pages,
    the_trail_cannot_be_edited_or_deleted
);
