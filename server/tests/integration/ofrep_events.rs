//! OFREP change events (ADR-0008): the bulk answer names the stream, the stream announces every
//! change of what the key's environment serves (and nothing else), resumes with Last-Event-ID,
//! refuses made-up tokens, and the re-fetch an event causes is answered fresh by a replica that
//! had not caught up yet.

use crate::common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(10);

async fn open(
    server: &TestServer,
    request_uri: &str,
    last_event_id: Option<&str>,
) -> reqwest::Response {
    let mut req = reqwest::Client::new().get(server.url(request_uri));
    if let Some(id) = last_event_id {
        req = req.header("Last-Event-ID", id);
    }
    req.send().await.unwrap()
}

/// Creates a boolean flag, switched off in staging but serving `on` once switched on.
async fn create(admin: &Api, key: &str) {
    admin.boolean_flag(key).await;
    let settings = json!({"enabled": false, "off_variant": "off", "default_variant": "on", "rules": [], "version": 0});
    let (status, body) = admin
        .put(&format!("/flags/{key}/environments/staging"), settings)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// The stream's path from a bulk answer, checked against the shape the protocol defines.
fn stream_uri(answer: &Value) -> String {
    let streams = answer["eventStreams"].as_array().expect("eventStreams");
    assert_eq!(streams.len(), 1, "{answer}");
    assert_eq!(streams[0]["type"], "sse");
    assert_eq!(streams[0]["inactivityDelaySec"], 120);
    assert!(streams[0].get("url").is_none(), "url or endpoint, not both");
    let uri = streams[0]["endpoint"]["requestUri"].as_str().unwrap();
    assert!(uri.starts_with("/ofrep/v1/events?token=sbe_"), "{uri}");
    uri.to_string()
}

fn refetch(data: &Value) -> (String, i64) {
    assert_eq!(data["type"], "refetchEvaluation", "{data}");
    (
        data["etag"].as_str().unwrap().to_string(),
        data["lastModified"].as_i64().unwrap(),
    )
}

async fn streams_announce_what_the_key_is_served(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.create_token("flag admin", true, &[]).await;
    create(&admin, "banner").await;
    let key = admin.sdk_key("staging").await;
    let (status, answer) = bulk(&server, &key, "").await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let uri = stream_uri(&answer);

    // What the protocol removed is not served.
    for method in [reqwest::Method::GET, reqwest::Method::POST] {
        let res = reqwest::Client::new()
            .request(method, server.url("/ofrep/v1/configuration"))
            .bearer_auth(&key)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    }

    // Made-up and missing tokens open nothing.
    for bad in ["/ofrep/v1/events?token=sbe_0000", "/ofrep/v1/events"] {
        let res = open(&server, bad, None).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{bad}");
    }

    // Without Last-Event-ID the current configuration comes first.
    let mut events = Events::new(open(&server, &uri, None).await);
    let (id, data) = events.next(WAIT).await.expect("the current configuration");
    let (etag, first_modified) = refetch(&data);
    assert_eq!(id, etag, "the event id is the ETag, for Last-Event-ID");

    // A change in another environment is not this key's business; the staging change after it
    // is the next event.
    admin.switch("banner", "production", true).await;
    admin.switch("banner", "staging", true).await;
    let (id, data) = events.next(WAIT).await.expect("the staging change");
    let (changed, modified) = refetch(&data);
    assert_ne!(changed, etag);
    assert_eq!(id, changed);
    assert!(modified >= first_modified);
    // The re-fetch the event asks for answers the new value.
    let (status, answer) = bulk(&server, &key, &format!("?flagConfigEtag={changed}")).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["flags"][0]["value"], true, "{answer}");

    // Resuming with the newest id sends nothing until the next change.
    let mut resumed = Events::new(open(&server, &uri, Some(&changed)).await);
    admin.switch("banner", "staging", false).await;
    let (id, _) = resumed.next(WAIT).await.expect("the next change");
    assert_ne!(id, changed, "resumed at {changed}, so only what came after");
    // Resuming from an older id sends the current configuration at once.
    let mut behind = Events::new(open(&server, &uri, Some(&etag)).await);
    let (caught_up, _) = behind.next(WAIT).await.expect("the current configuration");
    assert_eq!(caught_up, id);

    // Once the key is revoked, its token opens nothing and its open streams end.
    let (_, keys) = admin.get("/environments/staging/sdk-keys").await;
    let listed = keys.as_array().unwrap()[0].clone();
    let (status, body) = admin
        .post(
            &format!("/environments/staging/sdk-keys/{}/revoke", listed["id"]),
            json!({"version": listed["version"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let res = open(&server, &uri, None).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    for stream in [&mut events, &mut resumed, &mut behind] {
        assert!(
            stream.ends_within(WAIT).await,
            "an open stream of a revoked key ends"
        );
    }
    server.stop().await;
}

/// The re-fetch an event causes may reach a replica that has not caught up with the change yet:
/// told the newer ETag, it catches up before answering.
async fn a_replica_behind_catches_up_for_the_refetch(backend: Backend) {
    let a = TestServer::start(backend).await;
    let mut b = TestServer::start_sharing(&a).await;
    let admin = a.create_token("flag admin", true, &[]).await;
    create(&admin, "banner").await;
    let key = admin.sdk_key("staging").await;
    eventually(WAIT, "B knows the key and the flag", || async {
        let (status, answer) = bulk(&b, &key, "").await;
        (status == StatusCode::OK && answer["flags"][0]["value"] == false)
            .then_some(())
            .ok_or(format!("{status} {answer}"))
    })
    .await;
    // B stops following other processes' changes, so only the re-fetch can bring A's.
    b.stop_following();
    let (_, answer) = bulk(&a, &key, "").await;
    let mut events = Events::new(open(&a, &stream_uri(&answer), None).await);
    events.next(WAIT).await.expect("the current configuration");
    admin.switch("banner", "staging", true).await;
    let (etag, _) = refetch(&events.next(WAIT).await.expect("the change").1);
    // Past the window in which a replica trusts its last confirmation.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (_, stale) = bulk(&b, &key, "").await;
    assert_eq!(
        stale["flags"][0]["value"], false,
        "B has not caught up by itself"
    );
    let (_, fresh) = bulk(&b, &key, &format!("?flagConfigEtag={etag}")).await;
    assert_eq!(fresh["flags"][0]["value"], true, "{fresh}");
    b.stop().await;
    a.stop().await;
}

on_both_backends!(
    streams_announce_what_the_key_is_served,
    a_replica_behind_catches_up_for_the_refetch,
);
