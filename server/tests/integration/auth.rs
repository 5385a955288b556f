//! Sign-in, sessions and their ends, cookies, throttling.

use crate::common::*;
use reqwest::StatusCode;
use serde_json::json;
use std::time::Duration;
use switchboard_backend::Settings;

async fn sign_in_sets_a_strict_http_only_session_cookie(backend: Backend) {
    let server = TestServer::start(backend).await;
    let res = reqwest::Client::new()
        .post(server.url("/rpc/login"))
        .json(&json!({"credentials": {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let cookie = res
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(cookie.starts_with("sb_session="), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "plain http must not get a Secure cookie: {cookie}"
    );
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["email"], ADMIN_EMAIL);
    assert_eq!(body["subject"]["admin"], true);

    // The stored session is a digest, never the cookie's token.
    let token = cookie
        .trim_start_matches("sb_session=")
        .split(';')
        .next()
        .unwrap();
    let stored: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM sessions")
        .fetch_all(server.db().reader())
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0], token);
    assert_eq!(stored[0], switchboard_backend::secrets::digest(token));
    server.stop().await;
}

async fn wrong_password_and_unknown_email_are_refused_alike(backend: Backend) {
    let server = TestServer::start(backend).await;
    let s = Session::anonymous(&server);
    let (status, body) = s
        .rpc(
            "login",
            json!({"credentials": {"email": ADMIN_EMAIL, "password": "wrong wrong wrong"}}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"], "invalid_credentials");
    let (status2, body2) = s.rpc("login", json!({"credentials": {"email": "nobody@test.example", "password": "wrong wrong wrong"}})).await;
    assert_eq!(status2, StatusCode::UNAUTHORIZED);
    assert_eq!(body, body2, "no hint whether the account exists");
    let (status, body) = s
        .rpc(
            "login",
            json!({"credentials": {"email": "", "password": ""}}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"]["email"], "Enter your email address");
    // Not signed in: protected calls are 401 and pages redirect to sign-in.
    assert_eq!(s.rpc_get("users/list").await.0, StatusCode::UNAUTHORIZED);
    server.stop().await;
}

async fn failed_sign_ins_are_throttled_per_account(backend: Backend) {
    let settings = Settings {
        login_max_failures_per_account: 3,
        ..Settings::default()
    };
    let server = TestServer::start_with(backend, settings).await;
    let s = Session::anonymous(&server);
    for _ in 0..3 {
        let (status, _) = s
            .rpc(
                "login",
                json!({"credentials": {"email": ADMIN_EMAIL, "password": "guess guess guess"}}),
            )
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    // Even the right password is refused while the account is throttled, with a clear message.
    let (status, body) = s
        .rpc(
            "login",
            json!({"credentials": {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}}),
        )
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["error"], "rate_limited");
    let message = body["message"].as_str().unwrap();
    assert!(
        message.starts_with(
            "Too many failed sign-in attempts for this account. Try again in 15 minutes"
        ),
        "{message}"
    );
    // Other accounts are not affected by this account's throttle.
    server
        .create_user("other@test.example", "other long passphrase", false, &[])
        .await;
    server
        .sign_in("other@test.example", "other long passphrase")
        .await;
    // The throttle lasts the window (15 minutes), not longer.
    server.advance_clock(Duration::from_secs(14 * 60));
    let (status, _) = s
        .rpc(
            "login",
            json!({"credentials": {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "still inside the window"
    );
    server.advance_clock(Duration::from_secs(60));
    server.admin().await;
    server.stop().await;
}

async fn failed_sign_ins_are_throttled_per_address(backend: Backend) {
    let settings = Settings {
        login_max_failures_per_ip: 4,
        ..Settings::default()
    };
    let server = TestServer::start_with(backend, settings).await;
    let s = Session::anonymous(&server);
    for i in 0..4 {
        let (status, _) = s.rpc("login", json!({"credentials": {"email": format!("u{i}@test.example"), "password": "guess guess guess"}})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, body) = s
        .rpc(
            "login",
            json!({"credentials": {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}}),
        )
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("your network address"),
        "{body}"
    );
    server.stop().await;
}

async fn sign_out_ends_the_session(backend: Backend) {
    let server = TestServer::start(backend).await;
    let s = server.admin().await;
    assert_eq!(s.rpc_get("users/list").await.0, StatusCode::OK);
    assert_eq!(s.rpc("logout", json!({})).await.0, StatusCode::OK);
    assert_eq!(s.rpc_get("users/list").await.0, StatusCode::UNAUTHORIZED);
    let (_, session) = s.rpc_get("session").await;
    assert!(session.is_null());
    server.stop().await;
}

async fn sessions_end_after_idle_and_absolute_limits(backend: Backend) {
    const HOUR: Duration = Duration::from_secs(3600);
    let settings = Settings {
        session_idle: 8 * HOUR,
        ..Settings::default()
    };
    let server = TestServer::start_with(backend, settings).await;
    let s = server.admin().await;
    assert_eq!(s.rpc_get("users/list").await.0, StatusCode::OK);
    // Activity keeps an idle session going: 14 hours after sign-in, used every 7.
    for _ in 0..2 {
        server.advance_clock(7 * HOUR);
        assert_eq!(
            s.rpc_get("users/list").await.0,
            StatusCode::OK,
            "a session used within the idle limit goes on"
        );
    }
    server.advance_clock(8 * HOUR + Duration::from_secs(1));
    assert_eq!(
        s.rpc_get("users/list").await.0,
        StatusCode::UNAUTHORIZED,
        "idle session must end"
    );
    server.stop().await;

    let settings = Settings {
        session_idle: 8 * HOUR,
        session_absolute: 24 * HOUR,
        ..Settings::default()
    };
    let server = TestServer::start_with(backend, settings).await;
    let s = server.admin().await;
    for _ in 0..3 {
        // Activity keeps an idle timer alive, but not the absolute one.
        server.advance_clock(7 * HOUR);
        assert_eq!(s.rpc_get("users/list").await.0, StatusCode::OK);
    }
    server.advance_clock(4 * HOUR);
    assert_eq!(
        s.rpc_get("users/list").await.0,
        StatusCode::UNAUTHORIZED,
        "absolute limit must end it"
    );
    server.stop().await;
}

async fn disabled_users_are_signed_out_and_cannot_sign_in(backend: Backend) {
    let server = TestServer::start(backend).await;
    let user = server
        .create_user(
            "dora@test.example",
            "dora long passphrase",
            false,
            &[("staging", "editor")],
        )
        .await;
    let dora = server
        .sign_in("dora@test.example", "dora long passphrase")
        .await;
    assert_eq!(dora.rpc_get("environments/list").await.0, StatusCode::OK);
    let admin = server.admin().await;
    let (status, body) = admin
        .rpc(
            "users/set-disabled",
            json!({"input": {"id": user.id, "disabled": true, "version": user.version}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        dora.rpc_get("environments/list").await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, body) = Session::anonymous(&server)
        .rpc("login", json!({"credentials": {"email": "dora@test.example", "password": "dora long passphrase"}}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["error"], "account_disabled");
    server.stop().await;
}

async fn password_reset_ends_sessions_and_changes_the_password(backend: Backend) {
    let server = TestServer::start(backend).await;
    let user = server
        .create_user("rita@test.example", "rita old passphrase", false, &[])
        .await;
    let rita = server
        .sign_in("rita@test.example", "rita old passphrase")
        .await;
    let admin = server.admin().await;
    let (status, _) = admin.rpc("users/reset-password", json!({"input": {"id": user.id, "password": "rita new passphrase", "version": user.version}})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        rita.rpc_get("environments/list").await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, _) = Session::anonymous(&server).rpc("login", json!({"credentials": {"email": "rita@test.example", "password": "rita old passphrase"}})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    server
        .sign_in("rita@test.example", "rita new passphrase")
        .await;
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
        .bind(user.id)
        .fetch_one(server.db().reader())
        .await
        .unwrap();
    assert!(
        hash.starts_with("$argon2id$"),
        "passwords are stored as argon2id hashes: {hash}"
    );
    server.stop().await;
}

async fn pages_redirect_to_sign_in_and_back(backend: Backend) {
    let server = TestServer::start(backend).await;
    let anon = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    // A browser navigation (accepts HTML) gets a real 302.
    let res = anon
        .get(server.url("/users"))
        .header("Accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(res.headers()["location"], "/login?next=/users");
    let admin = server.admin().await;
    let page = admin.page("/users").await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Who can sign in"),
        "the users page renders on the server"
    );
    assert!(
        html.contains(ADMIN_EMAIL),
        "with its data, before any WASM runs"
    );
    server.stop().await;
}

async fn signed_in_visitors_of_the_sign_in_page_go_to_a_safe_next(backend: Backend) {
    let server = TestServer::start(backend).await;
    let no_follow = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let cookie = {
        let res = reqwest::Client::new()
            .post(server.url("/rpc/login"))
            .json(&json!({"credentials": {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}}))
            .send()
            .await
            .unwrap();
        let c = res.headers()["set-cookie"].to_str().unwrap();
        c.split(';').next().unwrap().to_string()
    };
    // (next as sent in the address, where the server's 302 must point), by hand.
    let cases = [
        ("/users", "/users"),
        ("/%09/evil.example", "/"),
        ("%2F%2Fevil.example", "/"),
        ("/%5Cevil.example", "/"),
        ("https://evil.example/", "/"),
    ];
    for (next, expected) in cases {
        let res = no_follow
            .get(server.url(&format!("/login?next={next}")))
            .header("Accept", "text/html")
            .header("Cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FOUND, "{next}");
        assert_eq!(res.headers()["location"], expected, "{next}");
    }
    server.stop().await;
}

on_both_backends!(
    signed_in_visitors_of_the_sign_in_page_go_to_a_safe_next,
    sign_in_sets_a_strict_http_only_session_cookie,
    wrong_password_and_unknown_email_are_refused_alike,
    failed_sign_ins_are_throttled_per_account,
    failed_sign_ins_are_throttled_per_address,
    sign_out_ends_the_session,
    sessions_end_after_idle_and_absolute_limits,
    disabled_users_are_signed_out_and_cannot_sign_in,
    password_reset_ends_sessions_and_changes_the_password,
    pages_redirect_to_sign_in_and_back,
);
