//! Secret config entries and SDK-key scopes. A secret is sealed at rest, never leaves the server
//! except to an SDK key allowed to read secrets (not in the dashboard, the admin API, diffs,
//! conflict answers or the audit trail), and survives a key rotation. A key limited to some
//! namespaces or menus is refused the others.

use crate::common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use switchboard_backend::config::rotation::{RotateSecrets, Rotated};
use switchboard_backend::keyring::Keyring;

const NS: &str = "/config/staging/checkout";
const PASSWORD: &str = "hunter2-plaintext-marker";
const POOL: &str = "4242";
const OTHER_KEY: &str = "next:ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=";

async fn namespace(api: &Api) {
    let (status, body) = api
        .post(
            "/config/staging",
            json!({"key": "checkout", "description": ""}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

async fn set(api: &Api, key: &str, body: Value) -> (StatusCode, Value) {
    api.put(&format!("{NS}/draft/entries/{key}"), body).await
}

async fn publish(api: &Api) -> (StatusCode, Value) {
    let (_, draft) = api.get(&format!("{NS}/draft")).await;
    api.post(
        &format!("{NS}/releases"),
        json!({"message": "secrets", "main_version": draft["main_version"],
               "draft_version": draft["draft_version"]}),
    )
    .await
}

async fn sdk_key(api: &Api, scope: Value) -> String {
    let mut body = json!({"name": "app"});
    body.as_object_mut()
        .unwrap()
        .extend(scope.as_object().unwrap().clone());
    let (status, created) = api.post("/environments/staging/sdk-keys", body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created["secret"].as_str().unwrap().to_string()
}

async fn deliver(
    server: &TestServer,
    key: &str,
    namespace: &str,
    etag: Option<&str>,
) -> reqwest::Response {
    let mut req = reqwest::Client::new()
        .get(server.url(&format!("/api/v1/config/staging/{namespace}")))
        .bearer_auth(key);
    if let Some(tag) = etag {
        req = req.header("If-None-Match", tag);
    }
    req.send().await.unwrap()
}

async fn values(server: &TestServer, key: &str) -> (String, Value) {
    let res = deliver(server, key, "checkout", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let etag = res.headers()["etag"].to_str().unwrap().to_string();
    let body: Value = res.json().await.unwrap();
    (etag, body["values"].clone())
}

/// Every sealed and masked thing the database holds, as text.
async fn stored_text(server: &TestServer) -> String {
    let drafts: Vec<String> = sqlx::query_scalar("SELECT value FROM config_draft_entries")
        .fetch_all(server.db().reader())
        .await
        .unwrap();
    let releases: Vec<String> =
        sqlx::query_scalar("SELECT content FROM releases WHERE subject = 'config'")
            .fetch_all(server.db().reader())
            .await
            .unwrap();
    let audit: Vec<String> = sqlx::query_scalar(
        "SELECT COALESCE(before_json, '') || COALESCE(after_json, '') FROM audit_events",
    )
    .fetch_all(server.db().reader())
    .await
    .unwrap();
    [drafts, releases, audit].concat().join("\n")
}

fn assert_hidden(what: &str, text: &str) {
    assert!(!text.contains(PASSWORD), "{what} shows the secret: {text}");
    assert!(
        !text.contains("sb1."),
        "{what} shows the sealed value: {text}"
    );
}

async fn secrets_are_sealed_masked_and_delivered_only_to_keys_that_may_read_them(backend: Backend) {
    let server = TestServer::start(backend).await;
    let api = server.create_token("ops", true, &[]).await;
    namespace(&api).await;
    let (status, saved) = set(
        &api,
        "db_password",
        json!({"value_type": "string", "value": PASSWORD, "secret": true, "version": 0}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert!(
        saved["entry"]["value"]
            .as_str()
            .unwrap()
            .starts_with(app::config::SECRET_MASK)
    );
    assert_eq!(saved["entry"]["secret"], true);
    for (key, body) in [
        (
            "pool",
            json!({"value_type": "integer", "value": POOL, "secret": true, "version": 0}),
        ),
        (
            "host",
            json!({"value_type": "string", "value": "db.internal", "version": 0}),
        ),
    ] {
        let (status, body) = set(&api, key, body).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let (status, body) = publish(&api).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    // At rest: sealed in the draft and the release, masked in the audit trail.
    let stored = stored_text(&server).await;
    assert!(!stored.contains(PASSWORD), "stored in the clear: {stored}");
    assert!(stored.contains("sb1.test1."), "{stored}");

    // Everything people read shows the mask.
    let (_, draft) = api.get(&format!("{NS}/draft")).await;
    let shown = draft["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["entry"]["key"] == "db_password")
        .unwrap()["entry"]["value"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(shown.starts_with(app::config::SECRET_MASK), "{shown}");
    let (_, other_env) = api
        .post(
            "/config/production",
            json!({"key": "unused", "description": ""}),
        )
        .await;
    assert!(other_env.is_object());
    let session = server.admin().await;
    let mut seen = Vec::new();
    for path in [
        format!("{NS}/draft"),
        format!("{NS}/releases"),
        format!("{NS}/releases/1"),
        format!("{NS}/diff?to=1"),
        format!("{NS}/compare/production"),
        "/audit?limit=200".to_string(),
    ] {
        let (status, body) = api.get(&path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        seen.push((path, body.to_string()));
    }
    for page in ["/config/staging/checkout", "/audit"] {
        let res = session.page(page).await;
        assert_eq!(res.status(), StatusCode::OK, "{page}");
        seen.push((page.to_string(), res.text().await.unwrap()));
    }
    // A stale write's 409 carries what is stored now: masked too.
    let (status, conflict) = set(
        &api,
        "db_password",
        json!({"value_type": "string", "value": "other", "secret": true, "version": 0}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{conflict}");
    seen.push(("409".into(), conflict.to_string()));
    for (what, text) in &seen {
        assert_hidden(what, text);
    }
    assert!(
        seen.iter()
            .any(|(what, text)| what.starts_with("/config") && text.contains(&shown)),
        "the dashboard shows the mask"
    );

    // Delivery: secrets only to a key that may read them.
    let plain_key = sdk_key(&api, json!({})).await;
    let secret_key = sdk_key(
        &api,
        json!({"read_secrets": true, "namespaces": ["checkout"]}),
    )
    .await;
    let (plain_tag, plain) = values(&server, &plain_key).await;
    assert_eq!(plain, json!({"host": "db.internal"}));
    let (secret_tag, all) = values(&server, &secret_key).await;
    assert_eq!(
        all,
        json!({"db_password": PASSWORD, "host": "db.internal", "pool": 4242})
    );
    assert_ne!(plain_tag, secret_tag);
    let res = deliver(&server, &secret_key, "checkout", Some(&secret_tag)).await;
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    // The other rendering's ETag is not what this key holds.
    let res = deliver(&server, &secret_key, "checkout", Some(&plain_tag)).await;
    assert_eq!(res.status(), StatusCode::OK);
    // The watch stream follows the same rule.
    let res = reqwest::Client::new()
        .get(server.url("/api/v1/config/staging/checkout/watch"))
        .bearer_auth(&plain_key)
        .send()
        .await
        .unwrap();
    let mut events = Events::new(res);
    let (_, first) = events
        .next(std::time::Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(first["values"], json!({"host": "db.internal"}));

    // Sending the mask back keeps the value; the same value again changes nothing.
    let current = |d: &Value| {
        d["entries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["entry"]["key"] == "db_password")
            .unwrap()
            .clone()
    };
    let before = current(&api.get(&format!("{NS}/draft")).await.1);
    let (status, same) = set(
        &api,
        "db_password",
        json!({"value_type": "string", "value": PASSWORD, "secret": true,
               "version": before["version"]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{same}");
    assert_eq!(same["version"], before["version"], "unchanged: {same}");
    let (status, kept) = set(
        &api,
        "db_password",
        json!({"value_type": "string", "value": shown, "secret": true,
               "description": "the primary's password", "version": before["version"]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{kept}");
    assert_eq!(kept["entry"]["value"], shown, "same sealed value: {kept}");
    // Kept under a new type, the stored value must still be valid: a password is no integer.
    let (status, refused) = set(
        &api,
        "db_password",
        json!({"value_type": "integer", "value": shown, "secret": true, "version": kept["version"]}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["fields"]["value"], "Enter a whole number, like 42");
    assert_hidden("422", &refused.to_string());
    let forged = format!("{} #00000000", app::config::SECRET_MASK);
    let (status, refused) = set(
        &api,
        "db_password",
        json!({"value_type": "string", "value": forged, "secret": true, "version": kept["version"]}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert!(refused["fields"]["value"].is_string(), "{refused}");
    let (status, body) = publish(&api).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(
        values(&server, &secret_key).await.1["db_password"],
        PASSWORD
    );
    server.stop().await;
}

async fn keys_limited_to_namespaces_and_menus_are_refused_the_others(backend: Backend) {
    let server = TestServer::start(backend).await;
    let api = server.create_token("ops", true, &[]).await;
    namespace(&api).await;
    let (status, body) = set(
        &api,
        "host",
        json!({"value_type": "string", "value": "db", "version": 0}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(publish(&api).await.0, StatusCode::CREATED);
    let limited = sdk_key(&api, json!({"namespaces": ["payments"], "menus": ["nav"]})).await;
    let res = deliver(&server, &limited, "checkout", None).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["errorCode"], "NAMESPACE_NOT_ALLOWED");
    let res = reqwest::Client::new()
        .get(server.url("/api/v1/config/staging/checkout/watch"))
        .bearer_auth(&limited)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // Its own namespace is simply not published yet.
    let res = deliver(&server, &limited, "payments", None).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    for (method, path) in [
        (reqwest::Method::GET, "/api/v1/menus/staging/main"),
        (reqwest::Method::POST, "/api/v1/menus/staging/main"),
        (reqwest::Method::GET, "/api/v1/menus/staging/main/watch"),
    ] {
        let res = reqwest::Client::new()
            .request(method.clone(), server.url(path))
            .bearer_auth(&limited)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{method} {path}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["errorCode"], "MENU_NOT_ALLOWED", "{method} {path}");
    }
    // The scope is listed with the key and recorded in the audit trail.
    let (_, keys) = api.get("/environments/staging/sdk-keys").await;
    assert_eq!(keys[0]["namespaces"], json!(["payments"]));
    assert_eq!(keys[0]["read_secrets"], false);
    // A malformed scope is refused with the field named.
    let (status, body) = api
        .post(
            "/environments/staging/sdk-keys",
            json!({"name": "bad", "namespaces": []}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["fields"]["namespaces"].is_string(), "{body}");
    server.stop().await;
}

async fn without_a_key_secret_entries_are_refused_and_nothing_is_stored(backend: Backend) {
    let server = TestServer::start_with_keyring(backend, Keyring::default()).await;
    let api = server.create_token("ops", true, &[]).await;
    namespace(&api).await;
    let audit = server.audit_count().await;
    let (status, body) = set(
        &api,
        "db_password",
        json!({"value_type": "string", "value": PASSWORD, "secret": true, "version": 0}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["fields"]["secret"]
            .as_str()
            .unwrap()
            .contains("SWITCHBOARD_SECRET_KEYS"),
        "{body}"
    );
    assert_eq!(server.audit_count().await, audit);
    assert!(!stored_text(&server).await.contains(PASSWORD));
    server.stop().await;
}

async fn rotation_seals_everything_with_the_new_key_so_the_old_one_can_go(backend: Backend) {
    let first = TestServer::start(backend).await;
    let api = first.create_token("ops", true, &[]).await;
    namespace(&api).await;
    let (status, body) = set(
        &api,
        "db_password",
        json!({"value_type": "string", "value": PASSWORD, "secret": true, "version": 0}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(publish(&api).await.0, StatusCode::CREATED);
    let (status, body) = set(
        &api,
        "api_token",
        json!({"value_type": "string", "value": "draft-only", "secret": true, "version": 0}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // With only the new key, the old secrets cannot be read: publishing says so.
    let only_new = Keyring::parse(OTHER_KEY).unwrap();
    let stranger = TestServer::start_sharing_with_keyring(&first, only_new.clone()).await;
    let stranger_api = stranger.create_token("ops2", true, &[]).await;
    let (status, body) = publish(&stranger_api).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.to_string().contains("cannot be read"), "{body}");
    stranger.stop().await;

    // New key first, old kept: rotate, then the old key can be dropped.
    let both = Keyring::parse(&format!("{OTHER_KEY},{TEST_SECRET_KEYS}")).unwrap();
    let rotating = TestServer::start_sharing_with_keyring(&first, both).await;
    let rotated = rotating
        .state
        .execute(
            &switchboard_backend::Actor::system("test rotation"),
            RotateSecrets,
        )
        .await
        .unwrap();
    assert_eq!(
        rotated,
        Rotated {
            draft_values: 2,
            release_values: 1
        }
    );
    let again = rotating
        .state
        .execute(
            &switchboard_backend::Actor::system("test rotation"),
            RotateSecrets,
        )
        .await
        .unwrap();
    assert_eq!(again, Rotated::default(), "nothing left to rotate");
    rotating.stop().await;
    let stored = stored_text(&first).await;
    assert!(!stored.contains("sb1.test1."), "{stored}");
    assert!(stored.contains("sb1.next."), "{stored}");
    let (_, events) = api.get("/audit?limit=200").await;
    assert!(events.to_string().contains("secrets.rotate"), "{events}");

    let after = TestServer::start_sharing_with_keyring(&first, only_new).await;
    let after_api = after.create_token("ops3", true, &[]).await;
    let key = sdk_key(&after_api, json!({"read_secrets": true})).await;
    assert_eq!(values(&after, &key).await.1["db_password"], PASSWORD);
    let (status, body) = publish(&after_api).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    after.stop().await;
    first.stop().await;
}

on_both_backends!(
    secrets_are_sealed_masked_and_delivered_only_to_keys_that_may_read_them,
    keys_limited_to_namespaces_and_menus_are_refused_the_others,
    without_a_key_secret_entries_are_refused_and_nothing_is_stored,
    rotation_seals_everything_with_the_new_key_so_the_old_one_can_go,
);
