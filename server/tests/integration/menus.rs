//! Menus: the draft tree, bad input, releases, diff and rollback through the admin API; delivery
//! filtered per caller (roles, permissions, flags, locale) with ETags; and watching over SSE.

use crate::common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

const MENU: &str = "/menus/staging/web-main";

/// An admin API client, the `web-main` menu in staging, a staging SDK key, and the `new-nav`
/// flag switched on in staging.
async fn setup(server: &TestServer) -> (Api, String) {
    let admin = server.create_token("menu admin", true, &[]).await;
    let (status, body) = admin
        .post(
            "/menus/staging",
            json!({"key": "web-main", "description": "The web app's sidebar"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, created) = admin
        .post("/environments/staging/sdk-keys", json!({"name": "web app"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let (status, body) = admin
        .post(
            "/flags",
            json!({"key": "new-nav", "name": "New navigation", "kind": "boolean"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let on = json!({"enabled": true, "off_variant": "off", "default_variant": "on", "rules": [], "version": 0});
    let (status, body) = admin.put("/flags/new-nav/environments/staging", on).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    (admin, created["secret"].as_str().unwrap().to_string())
}

async fn switch_flag(admin: &Api, enabled: bool) {
    let (_, detail) = admin.get("/flags/new-nav").await;
    let version = detail["environments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["environment"] == "staging")
        .map_or(json!(0), |e| e["version"].clone());
    let (status, body) = admin
        .post(
            "/flags/new-nav/environments/staging/switch",
            json!({"enabled": enabled, "version": version}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// Two levels: a support group (refunds need a permission), a divider, a flagged link and an
/// admin-only link.
fn tree() -> Value {
    json!([
        {"id": "home", "kind": "link", "label": "Home", "icon": "home", "target": "/"},
        {"id": "orders", "kind": "group", "label": "Orders", "visibility": {"roles": ["support", "admin"]},
         "translations": {"fr": "Commandes"},
         "children": [
            {"id": "orders.list", "kind": "link", "label": "All orders", "target": "/orders",
             "translations": {"fr": "Toutes les commandes"}},
            {"id": "orders.refunds", "kind": "link", "label": "Refunds", "target": "/orders/refunds",
             "badge": "3", "visibility": {"permissions": ["orders:refund"]}}
         ]},
        {"id": "sep", "kind": "divider"},
        {"id": "beta", "kind": "link", "label": "New dashboard", "target": "/beta",
         "visibility": {"flag": "new-nav"}},
        {"id": "admin", "kind": "link", "label": "Admin", "target": "https://admin.example.com",
         "new_tab": true, "visibility": {"roles": ["admin"]}}
    ])
}

async fn save(admin: &Api, items: Value, version: i64) -> (StatusCode, Value) {
    admin
        .put(
            &format!("{MENU}/draft"),
            json!({"items": items, "version": version}),
        )
        .await
}

async fn publish(admin: &Api, message: &str, main_version: i64) -> (StatusCode, Value) {
    let (_, draft) = admin.get(&format!("{MENU}/draft")).await;
    admin
        .post(
            &format!("{MENU}/releases"),
            json!({"message": message, "main_version": main_version, "draft_version": draft["version"]}),
        )
        .await
}

struct Fetched {
    status: StatusCode,
    etag: Option<String>,
    body: Value,
}

impl Fetched {
    /// Ids shown, depth first.
    fn ids(&self) -> Vec<String> {
        fn walk(items: &Value, out: &mut Vec<String>) {
            for item in items.as_array().into_iter().flatten() {
                out.push(item["id"].as_str().unwrap().to_string());
                walk(&item["children"], out);
            }
        }
        let mut out = Vec::new();
        walk(&self.body["items"], &mut out);
        out
    }
}

async fn fetch(server: &TestServer, key: &str, query: &str, etag: Option<&str>) -> Fetched {
    let mut req = reqwest::Client::new()
        .get(server.url(&format!("/api/v1/menus/staging/web-main{query}")))
        .bearer_auth(key);
    if let Some(tag) = etag {
        req = req.header("If-None-Match", tag);
    }
    let res = req.send().await.unwrap();
    let etag = res
        .headers()
        .get("etag")
        .map(|v| v.to_str().unwrap().to_string());
    let (status, body) = read(res).await;
    Fetched { status, etag, body }
}

async fn draft_version(admin: &Api) -> i64 {
    let (status, draft) = admin.get(&format!("{MENU}/draft")).await;
    assert_eq!(status, StatusCode::OK, "{draft}");
    draft["version"].as_i64().unwrap()
}

async fn build_publish_and_fetch_per_caller(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (admin, key) = setup(&server).await;

    let f = fetch(&server, &key, "", None).await;
    assert_eq!(
        (f.status, f.body["errorCode"].as_str()),
        (StatusCode::NOT_FOUND, Some("MENU_NOT_FOUND"))
    );
    let (status, body) = publish(&admin, "empty", 0).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["fields"]["draft"].is_string(), "{body}");

    let (status, saved) = save(&admin, tree(), 0).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["version"], 1);

    // Bad trees are refused with the item's field named, and change nothing.
    let audit = server.audit_count().await;
    let mut bad = tree();
    bad[0]["target"] = json!("javascript:alert(1)");
    let (status, body) = save(&admin, bad, 1).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["fields"]["items.0.target"].is_string(), "{body}");
    let mut bad = tree();
    bad[3]["visibility"]["flag"] = json!("no-such-flag");
    let (status, body) = save(&admin, bad, 1).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["fields"]["items.3.visibility.flag"]
            .as_str()
            .unwrap()
            .contains("Unknown flag"),
        "{body}"
    );
    let mut bad = tree();
    bad[4]["id"] = json!("home");
    let (status, body) = save(&admin, bad, 1).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["fields"]["items.4.id"].is_string(), "{body}");
    let mut bad = tree();
    bad[0]["label"] = json!("x".repeat(81));
    let (status, body) = save(&admin, bad, 1).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["fields"]["items.0.label"].is_string(), "{body}");
    let deep = json!([{"id": "a", "kind": "group", "label": "A", "children": [
        {"id": "b", "kind": "group", "label": "B", "children": [
            {"id": "c", "kind": "group", "label": "C", "children": [
                {"id": "d", "kind": "group", "label": "D", "children": [
                    {"id": "e", "kind": "link", "label": "E", "target": "/e"}]}]}]}]}]);
    let (status, body) = save(&admin, deep, 1).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["fields"]["items.0.children.0.children.0.children.0.children.0"].is_string(),
        "{body}"
    );
    let (status, body) = admin
        .post(
            &format!("{MENU}/draft/import?version=1"),
            json!("{\"items\": [oops"),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["fields"]["document"].is_string(), "{body}");
    // A stale version is a conflict that shows what is stored.
    let (status, body) = save(&admin, json!([]), 0).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["current"]["version"], 1, "{body}");
    assert_eq!(
        server.audit_count().await,
        audit,
        "refused saves audit nothing"
    );
    assert_eq!(draft_version(&admin).await, 1);

    let (status, release) = publish(&admin, "First menu", 0).await;
    assert_eq!(status, StatusCode::CREATED, "{release}");
    assert_eq!(
        (release["version"].as_i64(), release["entries"].as_i64()),
        (Some(1), Some(7))
    );

    // Each caller sees their own tree; groups left empty and stray dividers disappear.
    let guest = fetch(&server, &key, "", None).await;
    assert_eq!(guest.status, StatusCode::OK, "{}", guest.body);
    assert_eq!(guest.ids(), ["home", "sep", "beta"]);
    assert_eq!(guest.body["version"], 1);
    let support = fetch(&server, &key, "?userId=u1&roles=support&locale=fr-CA", None).await;
    assert_eq!(
        support.ids(),
        ["home", "orders", "orders.list", "sep", "beta"]
    );
    assert_eq!(support.body["items"][1]["label"], "Commandes");
    assert_eq!(
        support.body["items"][1]["children"][0]["label"],
        "Toutes les commandes"
    );
    assert!(support.body["items"][1].get("visibility").is_none());
    let admin_view = fetch(
        &server,
        &key,
        "?userId=u2&roles=admin&permissions=orders:refund",
        None,
    )
    .await;
    assert_eq!(
        admin_view.ids(),
        [
            "home",
            "orders",
            "orders.list",
            "orders.refunds",
            "sep",
            "beta",
            "admin"
        ]
    );
    assert_eq!(admin_view.body["items"][1]["children"][1]["badge"], "3");
    assert_eq!(admin_view.body["items"][4]["new_tab"], true);

    // The same caller as a JSON body.
    let res = reqwest::Client::new()
        .post(server.url("/api/v1/menus/staging/web-main"))
        .bearer_auth(&key)
        .json(&json!({"userId": "u2", "roles": ["admin"], "permissions": ["orders:refund"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers()["etag"].to_str().unwrap(),
        admin_view.etag.as_deref().unwrap()
    );
    let (status, body) = read(res).await;
    assert_eq!((status, &body), (StatusCode::OK, &admin_view.body));

    // ETags are per view: unchanged answers 304, another caller's tag does not match.
    assert_ne!(support.etag, admin_view.etag);
    let again = fetch(
        &server,
        &key,
        "?userId=u1&roles=support&locale=fr-CA",
        support.etag.as_deref(),
    )
    .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    let other = fetch(&server, &key, "", support.etag.as_deref()).await;
    assert_eq!(other.status, StatusCode::OK);

    // Flag gates follow the flag: switched off, the item is gone and the tag changes.
    switch_flag(&admin, false).await;
    let off = fetch(&server, &key, "", guest.etag.as_deref()).await;
    assert_eq!(off.status, StatusCode::OK);
    assert_eq!(off.ids(), ["home"], "the divider has nothing after it");

    // Bad callers and keys.
    let bad = fetch(&server, &key, "?roles=Not%20A%20Role", None).await;
    assert_eq!(
        (bad.status, bad.body["errorCode"].as_str()),
        (StatusCode::BAD_REQUEST, Some("INVALID_CONTEXT"))
    );
    let res = reqwest::Client::new()
        .post(server.url("/api/v1/menus/staging/web-main"))
        .bearer_auth(&key)
        .body("{\"roles\": \"admin\"}")
        .send()
        .await
        .unwrap();
    let (status, body) = read(res).await;
    assert_eq!(
        (status, body["errorCode"].as_str()),
        (StatusCode::BAD_REQUEST, Some("INVALID_CONTEXT"))
    );
    let res = reqwest::Client::new()
        .get(server.url("/api/v1/menus/production/web-main"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    let (status, body) = read(res).await;
    assert_eq!(
        (status, body["errorCode"].as_str()),
        (StatusCode::FORBIDDEN, Some("WRONG_ENVIRONMENT"))
    );
    let res = reqwest::Client::new()
        .get(server.url("/api/v1/menus/staging/web-main"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    // A second release, its diff, and a rollback that publishes v1 again as v3.
    let mut second = tree();
    second[0]["label"] = json!("Start");
    let orders = second[1].clone();
    second.as_array_mut().unwrap().remove(1);
    second.as_array_mut().unwrap().push(orders);
    second
        .as_array_mut()
        .unwrap()
        .push(json!({"id": "help", "kind": "link", "label": "Help", "target": "https://help.example.com"}));
    let (status, body) = save(&admin, second, 1).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, draft) = admin.get(&format!("{MENU}/draft")).await;
    assert_eq!(draft["pending"]["added"].as_array().unwrap().len(), 1);
    assert_eq!(draft["main_version"], 1);
    let (status, body) = publish(&admin, "Help link, Start", 1).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, diff) = admin.get(&format!("{MENU}/diff?to=2")).await;
    assert_eq!(status, StatusCode::OK, "{diff}");
    assert_eq!(diff["diff"]["added"][0]["id"], "help");
    assert_eq!(diff["diff"]["changed"][0]["id"], "home");
    assert_eq!(diff["diff"]["changed"][0]["fields"], json!(["label"]));
    assert!(
        !diff["diff"]["moved"].as_array().unwrap().is_empty(),
        "{diff}"
    );
    let (status, body) = publish(&admin, "again", 2).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["fields"]["draft"].as_str().unwrap().contains("v2"),
        "{body}"
    );
    let (status, body) = admin
        .post(
            &format!("{MENU}/rollback"),
            json!({"to_version": 1, "main_version": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "a stale main version: {body}");
    let (status, body) = admin
        .post(
            &format!("{MENU}/rollback"),
            json!({"to_version": 9, "main_version": 2}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (status, body) = admin
        .post(
            &format!("{MENU}/rollback"),
            json!({"to_version": 1, "main_version": 2}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(
        (body["version"].as_i64(), body["rollback_of"].as_i64()),
        (Some(3), Some(1))
    );
    let f = fetch(&server, &key, "", None).await;
    assert_eq!(
        (f.body["version"].as_i64(), f.ids()),
        (Some(3), vec!["home".to_string()])
    );
    assert_eq!(f.body["items"][0]["label"], "Home");
    let (_, draft) = admin.get(&format!("{MENU}/draft")).await;
    let (_, v1) = admin.get(&format!("{MENU}/releases/1")).await;
    assert_eq!(
        draft["items"], v1["items"],
        "the draft follows the rollback"
    );
    assert_eq!(v1["items"][3]["visibility"]["flag"], "new-nav");
    let (_, releases) = admin.get(&format!("{MENU}/releases")).await;
    let kinds: Vec<&str> = releases
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["rollback", "publish", "publish"]);

    // Everything that changed something is in the audit trail.
    let (_, audit) = admin.get("/audit?entity_type=menu_release").await;
    let actions: Vec<&str> = audit["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"publish") && actions.contains(&"rollback"),
        "{audit}"
    );
    server.stop().await;
}

async fn watchers_see_their_own_view_change(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (admin, key) = setup(&server).await;
    let (status, body) = save(&admin, tree(), 0).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = publish(&admin, "v1", 0).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    let open = |last_id: Option<String>| {
        let mut req = reqwest::Client::new()
            .get(server.url("/api/v1/menus/staging/web-main/watch?roles=support"))
            .bearer_auth(&key);
        if let Some(id) = last_id {
            req = req.header("Last-Event-ID", id);
        }
        async move { Events::new(req.send().await.unwrap()) }
    };
    let mut events = open(None).await;
    let (first, body) = events
        .next(Duration::from_secs(5))
        .await
        .expect("the current view");
    assert_eq!(body["version"], 1);

    // A release that changes nothing this caller sees sends nothing.
    let mut admins_only = tree();
    admins_only[4]["label"] = json!("Administration");
    save(&admin, admins_only.clone(), 1).await;
    let (status, _) = publish(&admin, "admin label", 1).await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(events.next(Duration::from_millis(400)).await.is_none());

    // One that does is sent at once.
    let mut renamed = admins_only;
    renamed[1]["label"] = json!("Customer orders");
    save(&admin, renamed, 2).await;
    let (status, _) = publish(&admin, "orders label", 2).await;
    assert_eq!(status, StatusCode::CREATED);
    let (second, body) = events.next(Duration::from_secs(5)).await.expect("v3");
    assert_eq!(
        (body["version"].as_i64(), body["items"][1]["label"].as_str()),
        (Some(3), Some("Customer orders"))
    );

    // So is a flag change that hides an item.
    switch_flag(&admin, false).await;
    let (third, body) = events.next(Duration::from_secs(5)).await.expect("flag off");
    assert_ne!(third, second);
    let ids: Vec<&str> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["home", "orders"]);

    // Resuming with the current id waits; with an old one gets the current view at once.
    let mut resumed = open(Some(third.clone())).await;
    assert!(resumed.next(Duration::from_millis(300)).await.is_none());
    let mut behind = open(Some(first)).await;
    let (id, _) = behind
        .next(Duration::from_secs(5))
        .await
        .expect("caught up");
    assert_eq!(id, third);
    server.stop().await;
}

on_both_backends!(
    build_publish_and_fetch_per_caller,
    watchers_see_their_own_view_change,
);
