//! Config watch requests are answered without hyper (`server::delivery::lean_http`): the same answers as
//! the router gives (status, JSON body, security and CORS headers), framed with `Connection:
//! close`; heads that arrive in pieces; streams that start while the server shuts down.

use crate::common::*;
use axum::body::Body;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tower::ServiceExt;

/// A staging namespace `checkout` with v1 published; SDK keys for staging and production.
pub async fn setup(server: &TestServer) -> (String, String) {
    let admin = server.create_token("config admin", true, &[]).await;
    let (status, body) = admin
        .post("/config/staging", json!({"key": "checkout"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = admin
        .put(
            "/config/staging/checkout/draft/entries/limit",
            json!({"value_type": "integer", "value": "1", "version": 0}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = admin
        .post(
            "/config/staging/checkout/releases",
            json!({"message": "v1", "main_version": 0, "draft_version": admin.draft_version("/config/staging/checkout").await}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let mut keys = Vec::new();
    for env in ["staging", "production"] {
        let (status, created) = admin
            .post(
                &format!("/environments/{env}/sdk-keys"),
                json!({"name": "app"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        keys.push(created["secret"].as_str().unwrap().to_string());
    }
    (keys.remove(0), keys.remove(0))
}

/// An answer as it came over the wire.
struct Answer {
    status: u16,
    /// Lowercase names, in the order sent.
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

fn request_text(path: &str, headers: &[(&str, &str)]) -> String {
    let mut text = format!("GET {path} HTTP/1.1\r\nHost: test\r\n");
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text + "\r\n"
}

fn split_head(bytes: &[u8]) -> Option<(Answer, usize)> {
    let end = bytes.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8(bytes[..end].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .map(|l| {
            let (n, v) = l.split_once(':').unwrap();
            (n.trim().to_ascii_lowercase(), v.trim().to_string())
        })
        .collect();
    Some((
        Answer {
            status,
            headers,
            body: Vec::new(),
        },
        end + 4,
    ))
}

/// Sends a request over its own connection and reads the answer until the server closes it.
async fn over_the_wire(server: &TestServer, text: &str) -> Answer {
    let mut stream = TcpStream::connect(server.base.trim_start_matches("http://"))
        .await
        .unwrap();
    stream.write_all(text.as_bytes()).await.unwrap();
    let mut bytes = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut bytes))
        .await
        .expect("the connection closes after an error answer")
        .unwrap();
    let (mut answer, start) = split_head(&bytes).expect("a response head");
    answer.body = bytes[start..].to_vec();
    answer
}

/// The same request answered by the router in process, as hyper would be given it.
async fn from_the_router(server: &TestServer, path: &str, headers: &[(&str, &str)]) -> Answer {
    let router = server::app::router(server.state.clone(), 64 * 1024);
    let mut request = axum::http::Request::get(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = router
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_str().unwrap().to_string()))
        .collect();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap()
        .to_vec();
    Answer {
        status,
        headers,
        body,
    }
}

/// Headers that carry framing, not the answer.
fn answer_headers(answer: &Answer) -> Vec<(String, String)> {
    let mut headers: Vec<_> = answer
        .headers
        .iter()
        .filter(|(n, _)| {
            !["date", "content-length", "connection", "transfer-encoding"].contains(&n.as_str())
        })
        .cloned()
        .collect();
    headers.sort();
    headers
}

/// Path, request headers, expected status and error code.
type Case<'a> = (String, Vec<(&'a str, &'a str)>, u16, Option<&'a str>);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_match_the_routers_answers() {
    let server = TestServer::start(Backend::Sqlite).await;
    let (staging, production) = setup(&server).await;
    let watch = "/api/v1/config/staging/checkout/watch";
    let long_id = "x".repeat(129);
    let staging_auth = format!("Bearer {staging}");
    let production_auth = format!("Bearer {production}");
    let origin = ("Origin", "https://app.example");
    let cases: Vec<Case> = vec![
        (watch.into(), vec![], 401, None),
        (
            watch.into(),
            vec![("Authorization", "Bearer nope")],
            401,
            None,
        ),
        (watch.into(), vec![origin, ("X-API-Key", "nope")], 401, None),
        (
            watch.into(),
            vec![("Authorization", &production_auth)],
            403,
            Some("WRONG_ENVIRONMENT"),
        ),
        (
            "/api/v1/config/staging/nothing/watch".into(),
            vec![origin, ("Authorization", &staging_auth)],
            404,
            Some("NAMESPACE_NOT_FOUND"),
        ),
        (
            watch.into(),
            vec![
                ("Authorization", &staging_auth),
                ("X-Instance-Id", &long_id),
            ],
            400,
            Some("INVALID_INSTANCE"),
        ),
        (
            format!("{watch}?labels=region"),
            vec![("X-API-Key", &staging)],
            400,
            Some("INVALID_LABELS"),
        ),
    ];
    for (path, headers, status, code) in cases {
        let lean = over_the_wire(&server, &request_text(&path, &headers)).await;
        let expected = from_the_router(&server, &path, &headers).await;
        let context = format!("{path} {headers:?}");
        assert_eq!(lean.status, status, "{context}");
        assert_eq!(lean.status, expected.status, "{context}");
        assert_eq!(lean.body, expected.body, "{context}");
        assert_eq!(
            answer_headers(&lean),
            answer_headers(&expected),
            "{context}"
        );
        // Answered by the lean path: hyper would keep the connection open.
        assert_eq!(lean.header("connection"), Some("close"), "{context}");
        assert_eq!(
            lean.header("content-length"),
            Some(lean.body.len().to_string().as_str()),
            "{context}"
        );
        let body: Value = serde_json::from_slice(&lean.body).unwrap();
        assert_eq!(body["errorCode"].as_str(), code, "{context}: {body}");
        assert_eq!(
            lean.header("access-control-allow-origin"),
            Some("*"),
            "{context}"
        );
        assert_eq!(lean.header("x-content-type-options"), Some("nosniff"));
    }
    server.stop().await;
}

/// Reads a watch stream's head and its first event.
async fn first_event(stream: &mut TcpStream) -> (Answer, String) {
    let mut bytes = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf))
            .await
            .expect("the first event comes at once")
            .unwrap();
        assert!(n > 0, "closed early: {}", String::from_utf8_lossy(&bytes));
        bytes.extend_from_slice(&buf[..n]);
        if let Some((answer, start)) = split_head(&bytes) {
            let body = String::from_utf8_lossy(&bytes[start..]).to_string();
            if body.contains("\n\n") {
                return (answer, body);
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streams_carry_cors_headers_and_heads_may_come_in_pieces() {
    let server = TestServer::start(Backend::Sqlite).await;
    let (staging, _) = setup(&server).await;
    let auth = format!("Bearer {staging}");
    let headers = [
        ("Authorization", auth.as_str()),
        ("Origin", "https://app.example"),
    ];
    let path = "/api/v1/config/staging/checkout/watch?instance=i-1";
    let text = request_text(path, &headers);
    let mut stream = TcpStream::connect(server.base.trim_start_matches("http://"))
        .await
        .unwrap();
    // The request line, then the rest after a pause. The pause is what is under test: without
    // it both writes may reach the server as one read, and the head would not come in pieces.
    stream.write_all(&text.as_bytes()[..30]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    stream.write_all(&text.as_bytes()[30..]).await.unwrap();
    let (answer, body) = first_event(&mut stream).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("content-type"), Some("text/event-stream"));
    assert_eq!(answer.header("cache-control"), Some("no-cache"));
    assert_eq!(answer.header("x-accel-buffering"), Some("no"));
    assert_eq!(answer.header("access-control-allow-origin"), Some("*"));
    assert_eq!(answer.header("connection"), Some("close"));
    assert_eq!(answer.header("transfer-encoding"), None);
    assert!(body.starts_with("id: 1\nevent: config\n"), "{body}");
    // The stream itself is what the router hands hyper; its head differs only in framing.
    let routed = {
        let router = server::app::router(server.state.clone(), 64 * 1024);
        let mut request = axum::http::Request::get(path);
        for (name, value) in headers {
            request = request.header(name, value);
        }
        router
            .oneshot(request.body(Body::empty()).unwrap())
            .await
            .unwrap()
    };
    let routed = Answer {
        status: routed.status().as_u16(),
        headers: routed
            .headers()
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_str().unwrap().to_string()))
            .collect(),
        body: Vec::new(),
    };
    assert_eq!(answer_headers(&answer), answer_headers(&routed));
    drop(stream);

    // Other requests on the same listener still get hyper (and keep-alive).
    let res = reqwest::get(server.url("/healthz")).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_ne!(
        res.headers().get("connection").map(|v| v.as_bytes()),
        Some(&b"close"[..])
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_opened_while_shutting_down_ends() {
    let server = TestServer::start(Backend::Sqlite).await;
    let (staging, _) = setup(&server).await;
    server.state.delivery.close();
    let auth = format!("Bearer {staging}");
    let text = request_text(
        "/api/v1/config/staging/checkout/watch",
        &[("Authorization", &auth)],
    );
    let answer = over_the_wire(&server, &text).await;
    assert_eq!(answer.status, 200);
    server.stop().await;
}
