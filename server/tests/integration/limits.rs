//! Connection limits (`server::config::Http`): slow request heads, idle keep-alive connections and
//! stalled bodies are closed; watch streams and long polls are capped per SDK key; `/metrics` can
//! ask for a token and keeps its `method` label bounded. Timeouts are set small so tests are quick.

use crate::common::*;
use crate::watch_listener::setup;
use reqwest::StatusCode;
use serde_json::{Value, json};
use server::config::Http;
use std::time::Duration;
use switchboard_backend::Settings;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn addr(server: &TestServer) -> String {
    server.base.trim_start_matches("http://").to_string()
}

/// Reads until the server closes the connection; None if it is still open after `wait`.
async fn closed_within(stream: &mut TcpStream, wait: Duration) -> Option<Vec<u8>> {
    let mut bytes = Vec::new();
    match tokio::time::timeout(wait, stream.read_to_end(&mut bytes)).await {
        Ok(_) => Some(bytes),
        Err(_) => None,
    }
}

/// Reads one answer to a request that asked for keep-alive (small bodies: length-delimited).
async fn read_answer(stream: &mut TcpStream) -> String {
    let mut bytes = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf))
            .await
            .expect("an answer")
            .unwrap();
        assert!(n > 0, "closed before the answer ended");
        bytes.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&bytes).to_string();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length: usize = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse().unwrap())
                })
                .expect("a length-delimited answer");
            if body.len() >= length {
                return text;
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_heads_are_dropped_while_other_clients_are_served() {
    let http = Http {
        header_timeout: Duration::from_secs(1),
        ..Http::default()
    };
    let server = TestServer::start_with_http(Backend::Sqlite, Settings::default(), http).await;
    const SLOW: usize = 300;
    // Half look like watch requests, which the lean path waits for before handing them to hyper.
    const HEADS: [&[u8]; 2] = [
        b"GET /healthz HTTP/1.1\r\nHost: slow.example\r\nUser-Agent: one byte a second\r\n\r\n",
        b"GET /api/v1/config/staging/checkout/watch HTTP/1.1\r\nHost: slow.example\r\n\r\n",
    ];
    let mut slow = Vec::new();
    // A permit per slow client whose connection is open.
    let connected = std::sync::Arc::new(tokio::sync::Semaphore::new(0));
    for n in 0..SLOW {
        let addr = addr(&server);
        let head = HEADS[n % 2];
        let connected = connected.clone();
        slow.push(tokio::spawn(async move {
            let mut stream = TcpStream::connect(&addr).await.unwrap();
            let mut buf = [0u8; 1024];
            connected.add_permits(1);
            // A byte a second until the server closes the connection (or the head is sent).
            for (sent, byte) in head.iter().enumerate() {
                tokio::select! {
                    read = stream.read(&mut buf) => {
                        let answered = matches!(read, Ok(n) if n > 0 && buf[..n].starts_with(b"HTTP/1.1 200"));
                        assert!(!answered, "a head that never ended was answered");
                        return Some(sent);
                    }
                    // The slowness is the behaviour under test: a client that never finishes.
                    _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                }
                if stream.write_all(&[*byte]).await.is_err() {
                    return Some(sent + 1);
                }
            }
            None
        }));
    }
    // Meanwhile (every slow client connected) other clients get their answers as usual.
    let _all = tokio::time::timeout(Duration::from_secs(10), connected.acquire_many(SLOW as u32))
        .await
        .expect("every slow client connects");
    let http = reqwest::Client::new();
    for _ in 0..20 {
        let res = tokio::time::timeout(
            Duration::from_secs(5),
            http.get(server.url("/healthz")).send(),
        )
        .await
        .expect("a normal client is answered while slow ones are connected")
        .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        // Spread over the two seconds or so the slow clients hold their connections (the lean
        // path's second, then the header timeout): served throughout is what is under test.
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for connection in slow {
        let sent = connection.await.unwrap();
        // The server decides within a second (lean path or hyper), then waits the header
        // timeout (1 s): the connection goes after a few bytes, long before the head is whole.
        let sent = sent.expect("a slow head was never cut off");
        assert!(sent <= 10, "cut off only after {sent} bytes (seconds)");
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_keep_alive_and_stalled_bodies_are_closed() {
    let http = Http {
        header_timeout: Duration::from_secs(1),
        idle_timeout: Duration::from_secs(2),
        ..Http::default()
    };
    let server = TestServer::start_with_http(Backend::Sqlite, Settings::default(), http).await;
    // Keep-alive: one whole request and its answer, then nothing.
    let mut idle = TcpStream::connect(addr(&server)).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: idle.example\r\n\r\n")
        .await
        .unwrap();
    let answer = read_answer(&mut idle).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let rest = closed_within(&mut idle, Duration::from_secs(10))
        .await
        .expect("an idle keep-alive connection is closed");
    assert!(rest.is_empty(), "{}", String::from_utf8_lossy(&rest));

    // A body announced and never sent.
    let mut stalled = TcpStream::connect(addr(&server)).await.unwrap();
    stalled
        .write_all(
            b"POST /rpc/login HTTP/1.1\r\nHost: stalled.example\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"credent",
        )
        .await
        .unwrap();
    closed_within(&mut stalled, Duration::from_secs(10))
        .await
        .expect("a connection whose body stalls is closed");
    server.stop().await;
}

/// Another staging SDK key (setup's is the first).
async fn second_staging_key(server: &TestServer) -> String {
    let admin = server.create_token("keys", true, &[]).await;
    let (status, created) = admin
        .post(
            "/environments/staging/sdk-keys",
            json!({"name": "other app"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created["secret"].as_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_streams_and_long_polls_are_capped_per_key() {
    let http = Http {
        streams_per_key: 2,
        ..Http::default()
    };
    let server = TestServer::start_with_http(Backend::Sqlite, Settings::default(), http).await;
    let (key, _) = setup(&server).await;
    let other_key = second_staging_key(&server).await;
    let client = reqwest::Client::new();
    let watch = server.url("/api/v1/config/staging/checkout/watch");
    let long_poll = server.url("/api/v1/config/staging/checkout?since=1&wait=30s");
    let open = |key: &str| client.get(&watch).bearer_auth(key).send();
    let mut first = Events::new(open(&key).await.unwrap());
    assert!(first.next(Duration::from_secs(5)).await.is_some());
    let mut second = Events::new(open(&key).await.unwrap());
    assert!(second.next(Duration::from_secs(5)).await.is_some());

    // The third stream and a long poll of the same key are refused.
    let refused = open(&key).await.unwrap();
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(refused.headers()["retry-after"], "5");
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["errorCode"], "TOO_MANY_STREAMS", "{body}");
    let refused = client
        .get(&long_poll)
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    // A plain fetch is not a stream.
    let fetched = client
        .get(server.url("/api/v1/config/staging/checkout"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(fetched.status(), StatusCode::OK);

    // Another key has its own share.
    let mut others = Events::new(open(&other_key).await.unwrap());
    assert!(others.next(Duration::from_secs(5)).await.is_some());

    // A stream whose client went gives its place back (once the server sees the socket close).
    drop(first);
    let reopened = eventually(
        Duration::from_secs(5),
        "the closed stream's place comes back",
        || async {
            let res = open(&key).await.unwrap();
            match res.status() {
                StatusCode::OK => Ok(res),
                StatusCode::TOO_MANY_REQUESTS => Err("still refused"),
                other => panic!("neither a stream nor a refusal: {other}"),
            }
        },
    )
    .await;
    drop((reopened, second));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_ask_for_their_token_and_keep_methods_bounded() {
    let http = Http {
        metrics_token: Some("scrape-secret-1".into()),
        ..Http::default()
    };
    let server = TestServer::start_with_http(Backend::Sqlite, Settings::default(), http).await;
    let client = reqwest::Client::new();
    let res = client.get(server.url("/metrics")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = client
        .get(server.url("/metrics"))
        .bearer_auth("scrape-secret")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // Any token is a method: a client could mint a label value (a series) per request.
    for minted in ["BREW", "PROPFIND", "X-UNIQUE-4711"] {
        let method = reqwest::Method::from_bytes(minted.as_bytes()).unwrap();
        client
            .request(method, server.url("/healthz"))
            .send()
            .await
            .unwrap();
    }
    let res = client
        .get(server.url("/metrics"))
        .bearer_auth("scrape-secret-1")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let text = res.text().await.unwrap();
    assert!(text.contains("method=\"other\""), "{text}");
    for minted in ["BREW", "PROPFIND", "X-UNIQUE-4711"] {
        assert!(!text.contains(minted), "{minted} became a label value");
    }
    server.stop().await;
}
