//! Operations: health, readiness, metrics, security headers, the OpenAPI document, error pages.

use crate::common::*;
use reqwest::StatusCode;
use serde_json::json;

async fn health_readiness_and_metrics(backend: Backend) {
    let server = TestServer::start(backend).await;
    let http = reqwest::Client::new();
    let res = http.get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = http.get(server.url("/readyz")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    // Some traffic, then the numbers.
    server.admin().await.rpc_get("users/list").await;
    let metrics = http
        .get(server.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains(
            "http_requests_total{method=\"GET\",route=\"/rpc/users/list\",status=\"200\"}"
        ),
        "{metrics}"
    );
    assert!(
        metrics
            .contains("http_request_duration_seconds_bucket{method=\"POST\",route=\"/rpc/login\""),
        "{metrics}"
    );
    assert!(
        metrics.contains(&format!(
            "db_pool_connections{{backend=\"{}\"}}",
            server.db().backend().name()
        )),
        "{metrics}"
    );
    assert!(
        metrics.contains("switchboard_build_info{version=\""),
        "{metrics}"
    );
    // Readiness follows the database.
    server.db().close().await;
    let res = http.get(server.url("/readyz")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        http.get(server.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    server.stop().await;
}

async fn security_headers_everywhere(backend: Backend) {
    let server = TestServer::start(backend).await;
    let http = reqwest::Client::new();
    for path in [
        "/login",
        "/healthz",
        "/api/openapi.json",
        "/no-such-page",
        "/rpc/session",
    ] {
        let res = http.get(server.url(path)).send().await.unwrap();
        let h = res.headers();
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "same-origin", "{path}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert_eq!(h["cache-control"], "no-store", "{path}");
    }
    let res = http.get(server.url("/login")).send().await.unwrap();
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    let html = res.text().await.unwrap();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap();
    assert!(
        csp.contains("script-src 'self' 'nonce-") && csp.contains("'wasm-unsafe-eval'"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert!(
        html.contains(&format!("<script type=\"module\" nonce=\"{nonce}\">")),
        "the hydration script carries the nonce"
    );
    // A fresh nonce per response.
    let again = http.get(server.url("/login")).send().await.unwrap();
    assert_ne!(
        again.headers()["content-security-policy"].to_str().unwrap(),
        csp
    );
    server.stop().await;
}

async fn friendly_404_and_server_rendered_pages(backend: Backend) {
    let server = TestServer::start(backend).await;
    let res = reqwest::get(server.url("/no-such-page")).await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("There is nothing at this address")
    );
    let login = reqwest::get(server.url("/login"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(login.contains("Sign in to Switchboard"));
    assert!(login.contains("<title>Sign in · Switchboard</title>"));
    server.stop().await;
}

#[tokio::test]
async fn openapi_document_is_3_1_and_describes_the_admin_api() {
    let server = TestServer::start(Backend::Sqlite).await;
    let doc: serde_json::Value = reqwest::get(server.url("/api/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    assert_eq!(doc["info"]["title"], "Switchboard admin API");
    for path in [
        "/api/admin/v1/users",
        "/api/admin/v1/users/{id}",
        "/api/admin/v1/environments/{key}",
        "/api/admin/v1/tokens",
        "/api/admin/v1/audit",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} missing");
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    assert!(doc["components"]["schemas"]["User"].is_object());
    assert!(doc["components"]["schemas"]["NewUser"]["properties"]["email"].is_object());
    server.stop().await;
}

/// Leptos's reactive graph could deadlock when a page's tasks ran on several worker threads at
/// once (every worker blocked for good; `/flags` hung the server within a few requests). Pages
/// now render on one thread: many concurrent page loads must all answer, and the server with them.
async fn concurrent_page_loads_all_answer(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = std::sync::Arc::new(server.admin().await);
    // Every page the router has (a page added later is covered without touching this test), with
    // its parameters naming things that exist, so each one renders its data.
    let (flag, namespace, menu) = ("pages-flag", "pages-ns", "pages-menu");
    for (endpoint, input) in [
        (
            "flags/create",
            json!({"key": flag, "name": "Pages", "kind": "boolean"}),
        ),
        (
            "config/create",
            json!({"key": namespace, "description": "", "environment": "staging"}),
        ),
        (
            "menus/create",
            json!({"key": menu, "description": "", "environment": "staging"}),
        ),
    ] {
        let (status, body) = admin.rpc(endpoint, json!({ "input": input })).await;
        assert_eq!(status, StatusCode::OK, "{endpoint}: {body}");
    }
    let mut paths: Vec<String> =
        server::render_thread::run(|| leptos_axum::generate_route_list(app::App))
            .iter()
            .map(|route| {
                [
                    ("env", "staging"),
                    ("key", flag),
                    ("namespace", namespace),
                    ("menu", menu),
                ]
                .iter()
                .fold(route.path().to_string(), |path, (name, value)| {
                    path.replace(&format!(":{name}"), value)
                        .replace(&format!("{{{name}}}"), value)
                })
            })
            .collect();
    paths.sort();
    paths.dedup();
    assert!(
        paths.len() >= 16 && paths.iter().all(|p| !p.contains([':', '{'])),
        "the router's pages, parameters filled in: {paths:?}"
    );
    let paths: &'static [String] = Vec::leak(paths);
    let mut loads = Vec::new();
    for round in 0..6 {
        for path in paths {
            let admin = admin.clone();
            loads.push(tokio::spawn(async move {
                let res =
                    tokio::time::timeout(std::time::Duration::from_secs(30), admin.page(path))
                        .await
                        .unwrap_or_else(|_| panic!("{path} (round {round}) never answered"));
                (path, res.status())
            }));
        }
    }
    for load in loads {
        let (path, status) = load.await.unwrap();
        assert!(
            status.is_success() || status.is_redirection(),
            "{path}: {status}"
        );
    }
    let res = reqwest::get(server.url("/healthz")).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

/// Every server builds its route list by rendering the app once. That ran on the caller's thread,
/// so in a process with several servers (these tests) it overlapped other servers' page renders
/// on the render thread: two threads in Leptos's reactive graph (one global arena) at once, which
/// is how it deadlocks. Pages keep answering while other servers start.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_answer_while_other_servers_start() {
    let server = TestServer::start(Backend::Sqlite).await;
    let admin = std::sync::Arc::new(server.admin().await);
    let mut loads = Vec::new();
    for client in 0..4 {
        let admin = admin.clone();
        loads.push(tokio::spawn(async move {
            for round in 0..8 {
                for path in ["/flags", "/audit", "/api-keys", "/users"] {
                    let wait = std::time::Duration::from_secs(30);
                    let res = tokio::time::timeout(wait, admin.page(path))
                        .await
                        .unwrap_or_else(|_| {
                            panic!("{path} (client {client}, round {round}) never answered")
                        });
                    assert!(res.status().is_success(), "{path}: {}", res.status());
                }
            }
        }));
    }
    for _ in 0..8 {
        let other = TestServer::start(Backend::Sqlite).await;
        other.stop().await;
    }
    for load in loads {
        load.await.unwrap();
    }
    server.stop().await;
}

/// A page whose data cannot be read (here another session holds the sessions table, as a stalled
/// database would) answers with an error page once the render deadline passes, instead of never;
/// the render thread meanwhile serves other pages, and the page renders again once the database
/// does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_that_cannot_render_fails_fast() {
    use sqlx::Connection;
    let http = server::config::Http {
        render_timeout: std::time::Duration::from_secs(2),
        ..Default::default()
    };
    let server = TestServer::start_with_http(
        Backend::Postgres,
        switchboard_backend::Settings::default(),
        http,
    )
    .await;
    let admin = server.admin().await;
    let mut blocker = sqlx::PgConnection::connect(server.database_url())
        .await
        .unwrap();
    sqlx::query("BEGIN").execute(&mut blocker).await.unwrap();
    sqlx::query("LOCK TABLE sessions IN ACCESS EXCLUSIVE MODE")
        .execute(&mut blocker)
        .await
        .unwrap();
    let wait = std::time::Duration::from_secs(15);
    let res = tokio::time::timeout(wait, admin.page("/flags"))
        .await
        .expect("/flags never answered while the database was stalled");
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(res.headers()["retry-after"], "5");
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("This page took too long")
    );
    // A page that needs no session renders meanwhile: the render thread is not held.
    let res = tokio::time::timeout(wait, reqwest::get(server.url("/login")))
        .await
        .expect("/login never answered")
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    sqlx::query("ROLLBACK").execute(&mut blocker).await.unwrap();
    let res = tokio::time::timeout(wait, admin.page("/flags"))
        .await
        .expect("/flags never answered after the database recovered");
    assert_eq!(res.status(), StatusCode::OK);
    server.stop().await;
}

on_both_backends!(
    concurrent_page_loads_all_answer,
    health_readiness_and_metrics,
    security_headers_everywhere,
    friendly_404_and_server_rendered_pages
);
