//! HTTP/1.1 without hyper for watch requests (`GET /api/v1/config/{env}/{ns}/watch`,
//! `GET /api/v1/menus/{env}/{menu}/watch` and OFREP's change stream, `GET /ofrep/v1/events`).
//! The request still goes through the application's router, so the middleware, the handler, its
//! error answers (a [`crate::delivery::error::DeliveryError`], body and headers) and the CORS
//! headers are the ones every other request gets; only the framing is done here, and no error
//! body is written by this module. The answer is `Connection: close` with no chunking (a stream's
//! body ends with the connection), nothing is buffered once the head is written, and each event
//! is one write.

use axum::Router;
use axum::body::{Body, HttpBody};
use axum::extract::ConnectInfo;
use axum::http::response::Parts;
use axum::http::{HeaderName, HeaderValue, Method, Request, Version, header};
use futures_util::StreamExt;
use std::io::Write;
use std::net::SocketAddr;
use std::time::{Duration, SystemTime};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::time::Instant;
use tower::ServiceExt;

/// Heads longer than this (many labels, large cookies) are left to hyper.
const HEAD_MAX: usize = 8 * 1024;
/// hyper's default limit.
const HEADERS_MAX: usize = 100;
/// How long a connection may take to send a whole head before it is left to hyper, which then
/// applies its own limits.
const HEAD_WAIT: Duration = Duration::from_secs(1);
/// Peeking returns at once while any bytes are waiting, so a head that arrives in pieces is
/// looked at again after a pause rather than in a busy loop.
const PEEK_AGAIN: Duration = Duration::from_millis(5);
/// The APIs whose watch streams are answered here: config namespaces and menus, and OFREP's
/// change stream.
const WATCHED: [&str; 3] = ["/api/v1/config/", "/api/v1/menus/", OFREP_EVENTS];
const OFREP_EVENTS: &str = "/ofrep/v1/events";

/// Who answers a new connection.
pub enum Route {
    /// A watch request, whose head was read off the connection.
    Lean(Box<Request<Body>>),
    /// Anything else: not a byte was read, hyper sees the connection as the client sent it.
    Hyper,
    /// The client left.
    Gone,
}

/// Looks at a new connection's first request without consuming it, unless it is a watch request.
/// A connection that sends nothing within `header_timeout` is closed.
pub async fn route(stream: &mut TcpStream, peer: SocketAddr, header_timeout: Duration) -> Route {
    let mut buf = vec![0u8; HEAD_MAX];
    let started = Instant::now();
    let closing = started + header_timeout;
    let deadline = started + HEAD_WAIT;
    loop {
        let n = match tokio::time::timeout_at(closing, stream.peek(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) | Err(_) => return Route::Gone,
            Ok(Ok(n)) => n,
        };
        match parse(&buf[..n], peer) {
            Head::Watch(request, len) => {
                return match tokio::io::AsyncReadExt::read_exact(stream, &mut buf[..len]).await {
                    Ok(_) => Route::Lean(request),
                    Err(_) => Route::Gone,
                };
            }
            Head::Other => return Route::Hyper,
            Head::Partial if n == HEAD_MAX => return Route::Hyper,
            Head::Partial => {
                if Instant::now() + PEEK_AGAIN >= deadline {
                    return Route::Hyper;
                }
                tokio::time::sleep(PEEK_AGAIN).await;
            }
        }
    }
}

enum Head {
    /// A watch request this module answers, and the length of its head.
    Watch(Box<Request<Body>>, usize),
    Other,
    Partial,
}

fn parse(bytes: &[u8], peer: SocketAddr) -> Head {
    let could_be_watch = WATCHED.iter().any(|api| {
        let prefix = [b"GET ".as_slice(), api.as_bytes()].concat();
        let start = bytes.len().min(prefix.len());
        bytes[..start] == prefix[..start]
    });
    if !could_be_watch {
        return Head::Other;
    }
    let mut headers = [httparse::EMPTY_HEADER; HEADERS_MAX];
    let mut parsed = httparse::Request::new(&mut headers);
    let len = match parsed.parse(bytes) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) => return Head::Partial,
        Err(_) => return Head::Other,
    };
    // HTTP/1.0 keep-alive rules, request bodies and upgrades are hyper's business.
    let (Some("GET"), Some(1), Some(path)) = (parsed.method, parsed.version, parsed.path) else {
        return Head::Other;
    };
    if !is_watch(path) {
        return Head::Other;
    }
    let mut request = Request::builder()
        .method(Method::GET)
        .version(Version::HTTP_11)
        .uri(path);
    for h in parsed.headers.iter() {
        let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(h.name.as_bytes()),
            HeaderValue::from_bytes(h.value),
        ) else {
            return Head::Other;
        };
        if [
            header::CONTENT_LENGTH,
            header::TRANSFER_ENCODING,
            header::UPGRADE,
            header::EXPECT,
        ]
        .contains(&name)
        {
            return Head::Other;
        }
        request = request.header(name, value);
    }
    match request.extension(ConnectInfo(peer)).body(Body::empty()) {
        Ok(request) => Head::Watch(Box::new(request), len),
        Err(_) => Head::Other,
    }
}

/// `/api/v1/{config|menus}/{environment}/{key}/watch`, with or without a query.
fn is_watch(target: &str) -> bool {
    let path = target.split_once('?').map_or(target, |(path, _)| path);
    if path == OFREP_EVENTS {
        return true;
    }
    let Some(rest) = WATCHED.iter().find_map(|api| path.strip_prefix(api)) else {
        return false;
    };
    let mut segments = rest.split('/');
    matches!(
        (segments.next(), segments.next(), segments.next(), segments.next()),
        (Some(env), Some(ns), Some("watch"), None) if !env.is_empty() && !ns.is_empty()
    )
}

/// Answers the request through the router and closes the connection when the answer ends: at
/// once for an error, when the client goes or the server shuts down for a watch stream. A write
/// that cannot complete within `idle_timeout` (the client stopped reading) ends it too.
pub async fn answer(
    mut stream: TcpStream,
    router: Router,
    request: Request<Body>,
    idle_timeout: Duration,
) {
    // Boxed so the middleware's futures are freed once the head is known, instead of sizing
    // this future (kept for as long as the stream is open) after them.
    let Ok(response) = Box::pin(router.oneshot(request)).await;
    let (parts, body) = response.into_parts();
    // Every write is a whole message; Nagle would hold an event back behind an unacknowledged one.
    let _ = stream.set_nodelay(true);
    if let Some(length) = body.size_hint().exact() {
        let Ok(bytes) = axum::body::to_bytes(body, length as usize).await else {
            return;
        };
        let mut out = head(&parts, Some(bytes.len()));
        out.extend_from_slice(&bytes);
        if write(&mut stream, &out, idle_timeout).await {
            let _ = tokio::time::timeout(idle_timeout, stream.shutdown()).await;
        }
        return;
    }
    if !write(&mut stream, &head(&parts, None), idle_timeout).await {
        return;
    }
    let mut data = body.into_data_stream();
    let mut scratch = [0u8; 16];
    loop {
        tokio::select! {
            next = data.next() => match next {
                Some(Ok(bytes)) => {
                    if !write(&mut stream, &bytes, idle_timeout).await {
                        return;
                    }
                }
                _ => break,
            },
            // A watching client sends nothing more, so readable means it went away (anything it
            // does send is ignored).
            ready = stream.readable() => {
                if ready.is_err() {
                    return;
                }
                match stream.try_read(&mut scratch) {
                    Ok(0) => return,
                    Err(e) if e.kind() != std::io::ErrorKind::WouldBlock => return,
                    _ => {}
                }
            }
        }
    }
    let _ = tokio::time::timeout(idle_timeout, stream.shutdown()).await;
}

/// Writes all of `bytes`; false when the client went or has not taken them within `limit`.
async fn write(stream: &mut TcpStream, bytes: &[u8], limit: Duration) -> bool {
    matches!(
        tokio::time::timeout(limit, stream.write_all(bytes)).await,
        Ok(Ok(()))
    )
}

/// The status line and headers as hyper writes them, framed by length or by closing.
fn head(parts: &Parts, length: Option<usize>) -> Vec<u8> {
    let mut out = Vec::with_capacity(512);
    let _ = write!(
        out,
        "HTTP/1.1 {} {}\r\n",
        parts.status.as_u16(),
        parts.status.canonical_reason().unwrap_or("")
    );
    for (name, value) in &parts.headers {
        if [
            header::CONNECTION,
            header::CONTENT_LENGTH,
            header::TRANSFER_ENCODING,
        ]
        .contains(name)
        {
            continue;
        }
        out.extend_from_slice(name.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    if let Some(length) = length {
        let _ = write!(out, "content-length: {length}\r\n");
    }
    if !parts.headers.contains_key(header::DATE) {
        let _ = write!(
            out,
            "date: {}\r\n",
            httpdate::fmt_http_date(SystemTime::now())
        );
    }
    out.extend_from_slice(b"connection: close\r\n\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peer() -> SocketAddr {
        "127.0.0.1:9".parse().unwrap()
    }

    #[test]
    fn only_whole_watch_requests_are_taken() {
        let watch = b"GET /api/v1/config/staging/checkout/watch?instance=a HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n\r\n";
        match parse(watch, peer()) {
            Head::Watch(request, len) => {
                assert_eq!(len, watch.len());
                assert_eq!(
                    request.uri(),
                    "/api/v1/config/staging/checkout/watch?instance=a"
                );
                assert_eq!(request.headers()["authorization"], "Bearer k");
            }
            _ => panic!("a watch request"),
        }
        assert!(matches!(parse(&watch[..30], peer()), Head::Partial));
        let events = b"GET /ofrep/v1/events?token=sbe_1 HTTP/1.1\r\nHost: x\r\n\r\n";
        assert!(matches!(parse(events, peer()), Head::Watch(..)));
        for not_events in [
            &b"GET /ofrep/v1/events/x HTTP/1.1\r\n\r\n"[..],
            b"POST /ofrep/v1/events HTTP/1.1\r\n\r\n",
            b"GET /ofrep/v1/evaluate/flags HTTP/1.1\r\n\r\n",
        ] {
            assert!(!matches!(parse(not_events, peer()), Head::Watch(..)));
        }
        let menu = b"GET /api/v1/menus/staging/web-main/watch?roles=a HTTP/1.1\r\nHost: x\r\n\r\n";
        assert!(matches!(parse(menu, peer()), Head::Watch(..)));
        assert!(matches!(parse(&menu[..20], peer()), Head::Partial));
        for other in [
            &b"GET /api/v1/config/staging/checkout HTTP/1.1\r\n\r\n"[..],
            b"GET /api/v1/config/staging/checkout/watch/x HTTP/1.1\r\n\r\n",
            b"GET /api/v1/config/staging/checkout/watch HTTP/1.0\r\n\r\n",
            b"OPTIONS /api/v1/config/staging/checkout/watch HTTP/1.1\r\n\r\n",
            b"GET /api/v1/config/staging/checkout/watch HTTP/1.1\r\nUpgrade: h2c\r\n\r\n",
            b"GET /api/v1/config/staging/checkout/watch HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc",
            b"GET /healthz HTTP/1.1\r\n\r\n",
            b"GET /api/v1/menus/staging/web-main HTTP/1.1\r\n\r\n",
            b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
            b"GE",
        ] {
            assert!(
                !matches!(parse(other, peer()), Head::Watch(..)),
                "{}",
                String::from_utf8_lossy(other)
            );
        }
        // A head that cannot be a watch request is decided before it is complete.
        assert!(matches!(parse(b"GET /pkg/app.js HT", peer()), Head::Other));
    }
}
