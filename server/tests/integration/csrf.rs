//! Cross-site request forgery, in depth: state-changing server functions take only JSON from a
//! page of this site, and on https the session cookie is `__Host-` prefixed and Secure.

use crate::common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use switchboard_backend::Settings;
use switchboard_backend::proxies::TrustedProxies;
use switchboard_backend::settings::CookieSecure;

fn new_user(email: &str) -> Value {
    json!({"input": {"email": email, "name": "Mallory", "password": "mallory long passphrase", "admin": true, "roles": {}}})
}

async fn user_exists(server: &TestServer, email: &str) -> bool {
    sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(server.db().reader())
        .await
        .unwrap()
        == 1
}

async fn only_json_bodies_change_state(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    // What a cross-site HTML form can send without a preflight, carrying a JSON-looking body.
    for content_type in [
        "text/plain",
        "text/plain;charset=UTF-8",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
    ] {
        let email = "mallory@test.example";
        let res = admin
            .http
            .post(server.url("/rpc/users/create"))
            .header("Content-Type", content_type)
            .body(new_user(email).to_string())
            .send()
            .await
            .unwrap();
        let (status, body) = read(res).await;
        assert_eq!(
            status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type}: {body}"
        );
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .contains("application/json"),
            "{body}"
        );
        assert!(
            !user_exists(&server, email).await,
            "{content_type} created a user"
        );
    }
    // Sign-in too (a forged sign-in would put the victim in the attacker's account).
    let res = reqwest::Client::new()
        .post(server.url("/rpc/login"))
        .header("Content-Type", "text/plain")
        .body(
            json!({"credentials": {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}}).to_string(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(res.headers().get("set-cookie").is_none());
    // The dashboard's own calls are JSON and pass.
    let (status, body) = admin.rpc("users/create", new_user("ok@test.example")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    server.stop().await;
}

async fn only_pages_of_this_site_change_state(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let own_origin = server.base.clone();
    // (headers a browser would send, allowed?)
    let cases: Vec<(Vec<(&str, &str)>, bool)> = vec![
        (
            vec![
                ("Sec-Fetch-Site", "cross-site"),
                ("Origin", "https://evil.example"),
            ],
            false,
        ),
        (
            vec![
                ("Sec-Fetch-Site", "same-site"),
                ("Origin", "https://dev.test.example"),
            ],
            false,
        ),
        (vec![("Origin", "https://evil.example")], false),
        (vec![("Origin", "null")], false),
        // A page of this site.
        (
            vec![
                ("Sec-Fetch-Site", "same-origin"),
                ("Origin", own_origin.as_str()),
            ],
            true,
        ),
        (vec![("Origin", own_origin.as_str())], true),
    ];
    for (i, (headers, allowed)) in cases.iter().enumerate() {
        let email = format!("x{i}@test.example");
        let mut req = admin
            .http
            .post(server.url("/rpc/users/create"))
            .json(&new_user(&email));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let (status, body) = read(req.send().await.unwrap()).await;
        if *allowed {
            assert_eq!(status, StatusCode::OK, "{headers:?}: {body}");
        } else {
            assert_eq!(status, StatusCode::FORBIDDEN, "{headers:?}: {body}");
            assert!(
                body["message"].as_str().unwrap().contains("another site"),
                "{body}"
            );
        }
        assert_eq!(user_exists(&server, &email).await, *allowed, "{headers:?}");
    }
    // Reads are not state-changing and pass from anywhere (CORS keeps their answers private).
    let res = admin
        .http
        .get(server.url("/rpc/users/list"))
        .header("Sec-Fetch-Site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    server.stop().await;
}

fn session_cookie(res: &reqwest::Response) -> String {
    res.headers()
        .get("set-cookie")
        .unwrap_or_else(|| panic!("no session cookie: {}", res.status()))
        .to_str()
        .unwrap()
        .to_string()
}

async fn login(server: &TestServer, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut req = reqwest::Client::new()
        .post(server.url("/rpc/login"))
        .json(&json!({"credentials": {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}}));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.send().await.unwrap()
}

async fn https_sessions_use_a_host_prefixed_secure_cookie(backend: Backend) {
    // No proxy trusted: the browser's Origin tells that its page is https.
    let server = TestServer::start(backend).await;
    let https_origin = server.base.replace("http://", "https://");
    let res = login(&server, &[("Origin", &https_origin)]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let cookie = session_cookie(&res);
    assert!(cookie.starts_with("__Host-sb_session="), "{cookie}");
    for part in ["; Path=/", "; Secure", "; HttpOnly", "; SameSite=Strict"] {
        assert!(cookie.contains(part), "{part} missing: {cookie}");
    }
    assert!(!cookie.contains("Domain"), "{cookie}");
    let token = cookie["__Host-sb_session=".len()..]
        .split(';')
        .next()
        .unwrap()
        .to_string();
    // The prefixed cookie signs the browser in.
    let res = reqwest::Client::new()
        .get(server.url("/rpc/session"))
        .header("Cookie", format!("__Host-sb_session={token}"))
        .send()
        .await
        .unwrap();
    let (_, me) = read(res).await;
    assert_eq!(me["email"], ADMIN_EMAIL);
    // Plain http keeps the plain name (no Secure: the browser would drop it).
    let cookie = session_cookie(&login(&server, &[("Origin", server.base.as_str())]).await);
    assert!(cookie.starts_with("sb_session="), "{cookie}");
    assert!(!cookie.contains("Secure"), "{cookie}");
    server.stop().await;

    // Behind a trusted proxy that terminates TLS, an unprefixed cookie (one a sibling subdomain
    // could have planted) does not count.
    let settings = Settings {
        trusted_proxies: TrustedProxies::Hops(1),
        ..Settings::default()
    };
    let server = TestServer::start_with(backend, settings).await;
    let cookie = session_cookie(&login(&server, &[("X-Forwarded-Proto", "https")]).await);
    assert!(
        cookie.starts_with("__Host-sb_session=") && cookie.contains("; Secure"),
        "{cookie}"
    );
    let token = cookie["__Host-sb_session=".len()..]
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let me = |name: &'static str, token: String| {
        let url = server.url("/rpc/session");
        async move {
            let res = reqwest::Client::new()
                .get(url)
                .header("X-Forwarded-Proto", "https")
                .header("Cookie", format!("{name}={token}"))
                .send()
                .await
                .unwrap();
            read(res).await.1
        }
    };
    assert_eq!(
        me("__Host-sb_session", token.clone()).await["email"],
        ADMIN_EMAIL
    );
    assert!(
        me("sb_session", token).await.is_null(),
        "unprefixed cookie on https"
    );
    server.stop().await;

    // `true` forces it even on plain http; `false` never.
    let settings = Settings {
        cookie_secure: CookieSecure::Always,
        ..Settings::default()
    };
    let server = TestServer::start_with(backend, settings).await;
    let cookie = session_cookie(&login(&server, &[]).await);
    assert!(
        cookie.starts_with("__Host-sb_session=") && cookie.contains("; Secure"),
        "{cookie}"
    );
    server.stop().await;
    let settings = Settings {
        cookie_secure: CookieSecure::Never,
        ..Settings::default()
    };
    let server = TestServer::start_with(backend, settings).await;
    let https_origin = server.base.replace("http://", "https://");
    let cookie = session_cookie(&login(&server, &[("Origin", &https_origin)]).await);
    assert!(
        cookie.starts_with("sb_session=") && !cookie.contains("Secure"),
        "{cookie}"
    );
    server.stop().await;
}

async fn sign_out_clears_both_cookie_names(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let res = admin
        .http
        .post(server.url("/rpc/logout"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let cleared: Vec<String> = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    assert!(
        cleared
            .iter()
            .any(|c| c.starts_with("sb_session=;") && c.contains("Max-Age=0")),
        "{cleared:?}"
    );
    assert!(
        cleared
            .iter()
            .any(|c| c.starts_with("__Host-sb_session=;") && c.contains("Max-Age=0")),
        "{cleared:?}"
    );
    server.stop().await;
}

on_both_backends!(
    only_json_bodies_change_state,
    only_pages_of_this_site_change_state,
    https_sessions_use_a_host_prefixed_secure_cookie,
    sign_out_clears_both_cookie_names,
);
