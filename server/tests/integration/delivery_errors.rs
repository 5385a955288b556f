//! The delivery APIs' error answers as they go over the wire: status, the exact body bytes, the
//! content type, and the headers that belong to some of them (`WWW-Authenticate` on 401,
//! `Retry-After` on 429). Every expected body is written out by hand, so any change of the wire
//! format (a field renamed, added or dropped, `key` lost on single-flag OFREP errors) fails here.

use crate::common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use server::config::Http;
use std::time::Duration;
use switchboard_backend::Settings;

/// An answer, read whole.
#[derive(Debug, PartialEq)]
struct Answer {
    status: u16,
    content_type: Option<String>,
    www_authenticate: Option<String>,
    retry_after: Option<String>,
    body: String,
}

impl Answer {
    async fn of(res: reqwest::Response) -> Answer {
        let header = |name: &str| {
            res.headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_string())
        };
        let (content_type, www_authenticate, retry_after) = (
            header("content-type"),
            header("www-authenticate"),
            header("retry-after"),
        );
        Answer {
            status: res.status().as_u16(),
            content_type,
            www_authenticate,
            retry_after,
            body: res.text().await.unwrap(),
        }
    }
}

/// A JSON answer with neither `WWW-Authenticate` nor `Retry-After`.
fn json_answer(status: u16, body: &str) -> Answer {
    Answer {
        status,
        content_type: Some("application/json".into()),
        www_authenticate: None,
        retry_after: None,
        body: body.into(),
    }
}

/// The SDK key answer: the same on every delivery API.
fn unauthorized() -> Answer {
    Answer {
        www_authenticate: Some("Bearer".into()),
        ..json_answer(
            401,
            r#"{"errorDetails":"Send a valid SDK key as Authorization: Bearer KEY or X-API-Key: KEY"}"#,
        )
    }
}

/// The stream cap's answer for a key allowed one stream.
fn too_many_streams() -> Answer {
    Answer {
        retry_after: Some("5".into()),
        ..json_answer(
            429,
            r#"{"errorCode":"TOO_MANY_STREAMS","errorDetails":"this SDK key already holds 1 watch streams and long polls open"}"#,
        )
    }
}

struct Client<'a> {
    server: &'a TestServer,
    http: reqwest::Client,
}

impl Client<'_> {
    async fn send(
        &self,
        method: Method,
        path: &str,
        key: Option<&str>,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> Answer {
        let mut req = self.http.request(method, self.server.url(path));
        if let Some(key) = key {
            req = req.bearer_auth(key);
        }
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        if let Some(body) = body {
            req = req
                .header("content-type", "application/json")
                .body(body.to_string());
        }
        Answer::of(req.send().await.unwrap()).await
    }

    async fn get(&self, path: &str, key: Option<&str>) -> Answer {
        self.send(Method::GET, path, key, &[], None).await
    }

    async fn post(&self, path: &str, key: Option<&str>, body: &str) -> Answer {
        self.send(Method::POST, path, key, &[], Some(body)).await
    }
}

/// Keys (staging, production, and a staging key limited to namespace `payments` and menu
/// `nav`); namespace `checkout` and menu `web-main` published in staging; flag `rollout` on in
/// staging for 50% of users by targeting key, and flag `limit` whose stored variants no longer
/// fit its kind.
async fn setup(server: &TestServer) -> (String, String, String) {
    let admin = server.create_token("errors admin", true, &[]).await;
    let ok = |(status, body): (StatusCode, Value)| {
        assert!(status.is_success(), "{status} {body}");
        body
    };
    ok(admin
        .post("/config/staging", json!({"key": "checkout"}))
        .await);
    ok(admin
        .put(
            "/config/staging/checkout/draft/entries/limit",
            json!({"value_type": "integer", "value": "1", "version": 0}),
        )
        .await);
    let draft_version = admin.draft_version("/config/staging/checkout").await;
    ok(admin
        .post(
            "/config/staging/checkout/releases",
            json!({"message": "v1", "main_version": 0, "draft_version": draft_version}),
        )
        .await);
    ok(admin
        .post("/menus/staging", json!({"key": "web-main"}))
        .await);
    let items = json!([{"id": "home", "kind": "link", "label": "Home", "target": "/"}]);
    ok(admin
        .put(
            "/menus/staging/web-main/draft",
            json!({"items": items, "version": 0}),
        )
        .await);
    let draft = ok(admin.get("/menus/staging/web-main/draft").await);
    ok(admin
        .post(
            "/menus/staging/web-main/releases",
            json!({"message": "v1", "main_version": 0, "draft_version": draft["version"]}),
        )
        .await);
    ok(admin
        .post(
            "/flags",
            json!({"key": "rollout", "name": "Rollout", "kind": "boolean"}),
        )
        .await);
    ok(admin
        .put(
            "/flags/rollout/environments/staging",
            json!({
                "enabled": true, "off_variant": "off", "default_variant": "off", "version": 0,
                "rules": [{"id": "half", "rollout": {"percentage": 50}, "serve": {"type": "variant", "variant": "on"}}]
            }),
        )
        .await);
    ok(admin.post("/flags", json!({"key": "limit", "name": "Limit", "kind": "number", "variants": [{"key": "low", "value": 10}, {"key": "high", "value": 100}]})).await);
    sqlx::query("UPDATE flags SET variants = '[{\"key\":\"low\",\"value\":\"ten\"},{\"key\":\"high\",\"value\":100}]' WHERE key = 'limit'")
        .execute(server.db().writer())
        .await
        .unwrap();
    server
        .state
        .delivery
        .refresh(server.db(), &[switchboard_backend::changes::Topic::Flags])
        .await
        .unwrap();
    let mut keys = Vec::new();
    for (env, scope) in [
        ("staging", json!({})),
        ("production", json!({})),
        (
            "staging",
            json!({"namespaces": ["payments"], "menus": ["nav"]}),
        ),
    ] {
        let mut body = json!({"name": "app"});
        body.as_object_mut()
            .unwrap()
            .extend(scope.as_object().unwrap().clone());
        let created = ok(admin
            .post(&format!("/environments/{env}/sdk-keys"), body)
            .await);
        keys.push(created["secret"].as_str().unwrap().to_string());
    }
    (keys.remove(0), keys.remove(0), keys.remove(0))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_delivery_error_keeps_its_wire_format() {
    let http = Http {
        streams_per_key: 1,
        ..Http::default()
    };
    let server = TestServer::start_with_http(Backend::Sqlite, Settings::default(), http).await;
    let (staging, production, limited) = setup(&server).await;
    let c = Client {
        server: &server,
        http: reqwest::Client::new(),
    };
    let (key, other_env, scoped) = (Some(&*staging), Some(&*production), Some(&*limited));

    // No SDK key, or not a valid one: the same 401 on every delivery API, over hyper and over
    // the lean watch path alike.
    let ctx = r#"{"context": {"targetingKey": "u1"}}"#;
    assert_eq!(
        c.post("/ofrep/v1/evaluate/flags/rollout", None, ctx).await,
        unauthorized()
    );
    assert_eq!(
        c.post("/ofrep/v1/evaluate/flags", Some("sb_sdk_nope"), ctx)
            .await,
        unauthorized()
    );
    for path in [
        "/api/v1/config/staging/checkout",
        "/api/v1/config/staging/checkout/watch",
        "/api/v1/menus/staging/web-main",
        "/api/v1/menus/staging/web-main/watch",
    ] {
        assert_eq!(c.get(path, None).await, unauthorized(), "{path}");
        assert_eq!(
            c.get(path, Some("sb_sdk_nope")).await,
            unauthorized(),
            "{path}"
        );
    }
    let x_api_key = [("X-API-Key", "nope")];
    assert_eq!(
        c.send(
            Method::POST,
            "/api/v1/menus/staging/web-main",
            None,
            &x_api_key,
            Some("{}")
        )
        .await,
        unauthorized()
    );

    // OFREP, single flag: the request-level errors carry the flag's key.
    assert_eq!(
        c.post("/ofrep/v1/evaluate/flags/nope", key, ctx).await,
        json_answer(
            404,
            r#"{"errorCode":"FLAG_NOT_FOUND","errorDetails":"flag \"nope\" was not found","key":"nope"}"#
        )
    );
    assert_eq!(
        c.post("/ofrep/v1/evaluate/flags/rollout", key, "{oops")
            .await,
        json_answer(
            400,
            r#"{"errorCode":"PARSE_ERROR","errorDetails":"the body is not JSON: key must be a string at line 1 column 2","key":"rollout"}"#
        )
    );
    assert_eq!(
        c.post("/ofrep/v1/evaluate/flags/rollout", key, "{}").await,
        json_answer(
            400,
            r#"{"errorCode":"INVALID_CONTEXT","errorDetails":"the body needs a context object","key":"rollout"}"#
        )
    );
    assert_eq!(
        c.post(
            "/ofrep/v1/evaluate/flags/rollout",
            key,
            r#"{"context": "everyone"}"#
        )
        .await,
        json_answer(
            400,
            r#"{"errorCode":"INVALID_CONTEXT","errorDetails":"context must be an object","key":"rollout"}"#
        )
    );
    assert_eq!(
        c.post(
            "/ofrep/v1/evaluate/flags/rollout",
            key,
            r#"{"context": {"targetingKey": 7}}"#
        )
        .await,
        json_answer(
            400,
            r#"{"errorCode":"INVALID_CONTEXT","errorDetails":"targetingKey must be a string","key":"rollout"}"#
        )
    );
    // A flag that cannot be evaluated for this context.
    assert_eq!(
        c.post(
            "/ofrep/v1/evaluate/flags/rollout",
            key,
            r#"{"context": {"plan": "pro"}}"#
        )
        .await,
        json_answer(
            400,
            r#"{"errorCode":"TARGETING_KEY_MISSING","errorDetails":"this flag rolls out by user: send a targetingKey in the context","key":"rollout"}"#
        )
    );
    assert_eq!(
        c.post("/ofrep/v1/evaluate/flags/limit", key, ctx).await,
        json_answer(
            400,
            r#"{"errorCode":"TYPE_MISMATCH","errorDetails":"variant \"low\" holds \"ten\", not a number","key":"limit"}"#
        )
    );

    // OFREP, bulk: request-level errors have no key; a flag's error is one entry of a 200.
    assert_eq!(
        c.post("/ofrep/v1/evaluate/flags", key, "nope").await,
        json_answer(
            400,
            r#"{"errorCode":"PARSE_ERROR","errorDetails":"the body is not JSON: expected ident at line 1 column 2"}"#
        )
    );
    assert_eq!(
        c.post("/ofrep/v1/evaluate/flags", key, r#"{"context": []}"#)
            .await,
        json_answer(
            400,
            r#"{"errorCode":"INVALID_CONTEXT","errorDetails":"context must be an object"}"#
        )
    );
    // The change stream's token, derived as the module documents: SHA-256 of a label and the
    // key's stored digest (itself SHA-256 of the secret), 40 hex digits.
    let token = {
        use sha2::{Digest, Sha256};
        let digest = hex::encode(Sha256::digest(staging.as_bytes()));
        let mac = Sha256::digest(format!("switchboard ofrep events\n{digest}").as_bytes());
        format!("sbe_{}", &hex::encode(mac)[..40])
    };
    assert_eq!(
        c.post("/ofrep/v1/evaluate/flags", key, r#"{"context": {}}"#)
            .await,
        json_answer(
            200,
            &[
                r#"{"eventStreams":[{"endpoint":{"requestUri":"/ofrep/v1/events?token="#,
                &token,
                r#""},"inactivityDelaySec":120,"type":"sse"}],"#,
                r#""flags":["#,
                r#"{"errorCode":"TYPE_MISMATCH","errorDetails":"variant \"low\" holds \"ten\", not a number","key":"limit"},"#,
                r#"{"errorCode":"TARGETING_KEY_MISSING","errorDetails":"this flag rolls out by user: send a targetingKey in the context","key":"rollout"}"#,
                r#"]}"#
            ]
            .concat()
        )
    );

    // Config delivery.
    let long_id = "x".repeat(129);
    let long_instance = [("X-Instance-Id", long_id.as_str())];
    for path in [
        "/api/v1/config/staging/checkout",
        "/api/v1/config/staging/checkout/watch",
    ] {
        assert_eq!(
            c.send(Method::GET, path, key, &long_instance, None).await,
            json_answer(
                400,
                r#"{"errorCode":"INVALID_INSTANCE","errorDetails":"an instance id has at most 128 printable characters"}"#
            ),
            "{path}"
        );
        assert_eq!(
            c.get(&format!("{path}?labels=region"), key).await,
            json_answer(
                400,
                r#"{"errorCode":"INVALID_LABELS","errorDetails":"labels are key=value pairs separated by commas: \"region\""}"#
            ),
            "{path}"
        );
        assert_eq!(
            c.get(path, other_env).await,
            json_answer(
                403,
                r#"{"errorCode":"WRONG_ENVIRONMENT","errorDetails":"this SDK key belongs to the production environment"}"#
            ),
            "{path}"
        );
        assert_eq!(
            c.get(path, scoped).await,
            json_answer(
                403,
                r#"{"errorCode":"NAMESPACE_NOT_ALLOWED","errorDetails":"this SDK key may not read namespace \"checkout\""}"#
            ),
            "{path}"
        );
    }
    assert_eq!(
        c.get("/api/v1/config/staging/checkout?wait=-5s", key).await,
        json_answer(
            400,
            r#"{"errorCode":"INVALID_PARAMETER","errorDetails":"wait: A duration cannot be negative"}"#
        )
    );
    for path in [
        "/api/v1/config/staging/nothing",
        "/api/v1/config/staging/nothing/watch",
    ] {
        assert_eq!(
            c.get(path, key).await,
            json_answer(
                404,
                r#"{"errorCode":"NAMESPACE_NOT_FOUND","errorDetails":"nothing is published for namespace \"nothing\" in staging"}"#
            ),
            "{path}"
        );
    }

    // Menu delivery.
    for path in [
        "/api/v1/menus/staging/web-main",
        "/api/v1/menus/staging/web-main/watch",
    ] {
        assert_eq!(
            c.get(&format!("{path}?locale=fr%20CA"), key).await,
            json_answer(
                400,
                r#"{"errorCode":"INVALID_CONTEXT","errorDetails":"locale \"fr CA\": use a tag like fr or fr-CA"}"#
            ),
            "{path}"
        );
        assert_eq!(
            c.get(path, other_env).await,
            json_answer(
                403,
                r#"{"errorCode":"WRONG_ENVIRONMENT","errorDetails":"this SDK key belongs to the production environment"}"#
            ),
            "{path}"
        );
        assert_eq!(
            c.get(path, scoped).await,
            json_answer(
                403,
                r#"{"errorCode":"MENU_NOT_ALLOWED","errorDetails":"this SDK key may not read menu \"web-main\""}"#
            ),
            "{path}"
        );
    }
    assert_eq!(
        c.post("/api/v1/menus/staging/web-main", key, "5").await,
        json_answer(
            400,
            r#"{"errorCode":"INVALID_CONTEXT","errorDetails":"the body is not a caller: invalid type: integer `5`, expected struct CallerBody at line 1 column 1"}"#
        )
    );
    for path in [
        "/api/v1/menus/staging/nothing",
        "/api/v1/menus/staging/nothing/watch",
    ] {
        assert_eq!(
            c.get(path, key).await,
            json_answer(
                404,
                r#"{"errorCode":"MENU_NOT_FOUND","errorDetails":"nothing is published for menu \"nothing\" in staging"}"#
            ),
            "{path}"
        );
    }

    // The stream cap: the key's one stream is open, so another watch (config or menu) or a
    // long poll is refused with Retry-After.
    let open = c
        .http
        .get(server.url("/api/v1/config/staging/checkout/watch"))
        .bearer_auth(&staging)
        .send()
        .await
        .unwrap();
    let mut events = Events::new(open);
    assert!(events.next(Duration::from_secs(5)).await.is_some());
    for path in [
        "/api/v1/config/staging/checkout/watch",
        "/api/v1/config/staging/checkout?since=1&wait=30s",
        "/api/v1/menus/staging/web-main/watch",
    ] {
        assert_eq!(c.get(path, key).await, too_many_streams(), "{path}");
    }
    drop(events);
    server.stop().await;
}
