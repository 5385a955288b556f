//! Sign-in under attack: concurrent guesses, forged forwarding headers, oversized input, and the
//! purge of what sign-ins and sessions leave behind. Expected counts come from the settings each
//! test starts the server with, never from the code under test.

use crate::common::*;
use futures_util::future::join_all;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;
use switchboard_backend::Settings;
use switchboard_backend::proxies::TrustedProxies;

/// Sends `bodies` to `/rpc/login` all at once; answers in order: (status, Retry-After, body).
async fn logins(
    server: &TestServer,
    requests: Vec<(Value, Option<&str>)>,
) -> Vec<(StatusCode, Option<String>, Value)> {
    let client = reqwest::Client::new();
    let sends = requests.into_iter().map(|(body, forwarded)| {
        let mut req = client.post(server.url("/rpc/login")).json(&body);
        if let Some(xff) = forwarded {
            req = req.header("X-Forwarded-For", xff);
        }
        async move {
            let res = req.send().await.expect("request");
            let retry = res
                .headers()
                .get("retry-after")
                .map(|v| v.to_str().unwrap().to_string());
            let (status, body) = read(res).await;
            (status, retry, body)
        }
    });
    join_all(sends).await
}

fn credentials(email: &str, password: &str) -> Value {
    json!({"credentials": {"email": email, "password": password}})
}

fn count(answers: &[(StatusCode, Option<String>, Value)], status: StatusCode) -> usize {
    answers.iter().filter(|(s, _, _)| *s == status).count()
}

async fn failure_rows(server: &TestServer, scope: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE scope = $1")
        .bind(scope)
        .fetch_one(server.db().reader())
        .await
        .unwrap()
}

async fn concurrent_guesses_for_one_account_check_at_most_the_limit(backend: Backend) {
    let settings = Settings {
        login_max_failures_per_account: 3,
        login_max_failures_per_ip: 1000,
        ..Settings::default()
    };
    let server = TestServer::start_with(backend, settings).await;
    let answers = logins(
        &server,
        (0..40)
            .map(|_| (credentials(ADMIN_EMAIL, "guess guess guess"), None))
            .collect(),
    )
    .await;
    assert_eq!(count(&answers, StatusCode::UNAUTHORIZED), 3, "{answers:?}");
    assert_eq!(
        count(&answers, StatusCode::TOO_MANY_REQUESTS),
        37,
        "{answers:?}"
    );
    assert_eq!(server.state.passwords.checks(), 3, "passwords checked");
    for (status, retry, body) in &answers {
        if *status == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(body["error"], "rate_limited");
            let secs: u64 = retry.as_deref().expect("Retry-After").parse().unwrap();
            assert!(secs > 0 && secs <= 15 * 60, "{secs}");
        }
    }
    // The right password now waits for the window like everyone else.
    let (status, _) = Session::anonymous(&server)
        .rpc("login", credentials(ADMIN_EMAIL, ADMIN_PASSWORD))
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(server.state.passwords.checks(), 3);
    server.stop().await;
}

async fn concurrent_guesses_from_one_address_check_at_most_its_limit(backend: Backend) {
    let settings = Settings {
        login_max_failures_per_ip: 4,
        ..Settings::default()
    };
    let server = TestServer::start_with(backend, settings).await;
    let answers = logins(
        &server,
        (0..30)
            .map(|i| {
                (
                    credentials(&format!("u{i}@test.example"), "guess guess guess"),
                    None,
                )
            })
            .collect(),
    )
    .await;
    assert_eq!(count(&answers, StatusCode::UNAUTHORIZED), 4, "{answers:?}");
    assert_eq!(
        count(&answers, StatusCode::TOO_MANY_REQUESTS),
        26,
        "{answers:?}"
    );
    assert_eq!(server.state.passwords.checks(), 4);
    server.stop().await;
}

async fn a_full_password_gate_refuses_without_counting_a_failure(backend: Backend) {
    // One check at a time and no queue: a burst for many accounts is mostly refused at once.
    let settings = Settings {
        password_checks: 1,
        password_check_queue: 0,
        login_max_failures_per_ip: 1000,
        ..Settings::default()
    };
    let server = TestServer::start_with(backend, settings).await;
    let answers = logins(
        &server,
        (0..20)
            .map(|i| {
                (
                    credentials(&format!("n{i}@test.example"), "guess guess guess"),
                    None,
                )
            })
            .collect(),
    )
    .await;
    let wrong = count(&answers, StatusCode::UNAUTHORIZED);
    let busy = count(&answers, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(wrong + busy, 20, "{answers:?}");
    assert_eq!(server.state.passwords.checks(), wrong as u64);
    // Only checked passwords are failures; a refused attempt gave its reservation back.
    assert_eq!(failure_rows(&server, "account").await, wrong as i64);
    assert_eq!(failure_rows(&server, "ip").await, wrong as i64);
    for (status, retry, body) in &answers {
        if *status == StatusCode::TOO_MANY_REQUESTS {
            assert!(
                body["message"]
                    .as_str()
                    .unwrap()
                    .contains("Try again in a few seconds"),
                "{body}"
            );
            assert_eq!(retry.as_deref(), Some("2"));
        }
    }
    server.stop().await;
}

async fn oversized_sign_in_fields_are_refused_before_anything_is_stored(backend: Backend) {
    let server = TestServer::start(backend).await;
    let long_email = format!("{}@test.example", "a".repeat(300));
    let s = Session::anonymous(&server);
    let (status, body) = s
        .rpc("login", credentials(&long_email, "guess guess guess"))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["fields"]["email"], "Use at most 254 characters");
    let (status, body) = s
        .rpc("login", credentials(ADMIN_EMAIL, &"p".repeat(1000)))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["fields"]["password"], "Use at most 256 characters");
    assert_eq!(failure_rows(&server, "account").await, 0);
    assert_eq!(server.state.passwords.checks(), 0);
    server.stop().await;
}

async fn stored_session_ip(server: &TestServer) -> String {
    sqlx::query_scalar("SELECT ip FROM sessions ORDER BY created_at DESC LIMIT 1")
        .fetch_one(server.db().reader())
        .await
        .unwrap()
}

async fn the_client_address_is_what_the_nearest_trusted_proxy_saw(backend: Backend) {
    // One proxy in front: it appends the address it received the request from.
    let settings = Settings {
        trusted_proxies: TrustedProxies::Hops(1),
        login_max_failures_per_ip: 2,
        ..Settings::default()
    };
    let server = TestServer::start_with(backend, settings).await;
    let ok = logins(
        &server,
        vec![(
            credentials(ADMIN_EMAIL, ADMIN_PASSWORD),
            Some("203.0.113.66, 198.51.100.7"),
        )],
    )
    .await;
    assert_eq!(ok[0].0, StatusCode::OK);
    assert_eq!(stored_session_ip(&server).await, "198.51.100.7");
    // A guesser rotating a forged leftmost entry is still one address to the throttle.
    for forged in ["1.1.1.1", "2.2.2.2", "3.3.3.3"] {
        let xff = format!("{forged}, 198.51.100.7");
        let answer = logins(
            &server,
            vec![(
                credentials("x@test.example", "guess guess guess"),
                Some(&xff),
            )],
        )
        .await;
        let expected = if forged == "3.3.3.3" {
            StatusCode::TOO_MANY_REQUESTS
        } else {
            StatusCode::UNAUTHORIZED
        };
        assert_eq!(answer[0].0, expected, "{forged}: {:?}", answer[0].2);
    }
    // Another real address is not affected.
    let answer = logins(
        &server,
        vec![(
            credentials("y@test.example", "guess guess guess"),
            Some("3.3.3.3, 198.51.100.8"),
        )],
    )
    .await;
    assert_eq!(answer[0].0, StatusCode::UNAUTHORIZED);
    server.stop().await;

    // Trusted ranges: the nearest address outside them, walking right to left. The test client
    // connects from 127.0.0.1, which is one of the proxies here.
    let settings = Settings {
        trusted_proxies: TrustedProxies::parse("127.0.0.0/8, 10.0.0.0/8").unwrap(),
        ..Settings::default()
    };
    let server = TestServer::start_with(backend, settings).await;
    let ok = logins(
        &server,
        vec![(
            credentials(ADMIN_EMAIL, ADMIN_PASSWORD),
            Some("9.9.9.9, 198.51.100.7, 10.1.1.1"),
        )],
    )
    .await;
    assert_eq!(ok[0].0, StatusCode::OK);
    assert_eq!(stored_session_ip(&server).await, "198.51.100.7");
    server.stop().await;

    // No proxy trusted: the header is ignored.
    let server = TestServer::start(backend).await;
    let ok = logins(
        &server,
        vec![(
            credentials(ADMIN_EMAIL, ADMIN_PASSWORD),
            Some("198.51.100.7"),
        )],
    )
    .await;
    assert_eq!(ok[0].0, StatusCode::OK);
    assert_eq!(stored_session_ip(&server).await, "127.0.0.1");
    server.stop().await;
}

async fn purge_deletes_only_what_is_over(backend: Backend) {
    let settings = Settings {
        session_idle: Duration::from_secs(3600),
        login_window: Duration::from_secs(15 * 60),
        ..Settings::default()
    };
    let server = TestServer::start_with(backend, settings.clone()).await;
    let db = server.db();
    let now: i64 = 1_900_000_000_000;
    let (min, hour, day) = (60_000, 3_600_000, 24 * 3_600_000);
    let admin: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(ADMIN_EMAIL)
        .fetch_one(db.reader())
        .await
        .unwrap();
    // (token, last seen, expires, stays?)
    let sessions = [
        ("live", now - min, now + day, true),
        ("expired", now - min, now - 1, false),
        ("idle", now - hour - min, now + day, false),
    ];
    for (token, seen, expires, _) in sessions {
        sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(token).bind(admin).bind(seen).bind(seen).bind(expires)
            .execute(db.writer()).await.unwrap();
    }
    // Failures: inside the window stay.
    for (subject, at) in [("fresh@x", now - 14 * min), ("old@x", now - 16 * min)] {
        sqlx::query("INSERT INTO login_failures (scope, subject, at) VALUES ('account', $1, $2)")
            .bind(subject)
            .bind(at)
            .execute(db.writer())
            .await
            .unwrap();
    }
    // Changes: older than a day go, except the newest entry, which servers follow by id.
    sqlx::query("DELETE FROM changes")
        .execute(db.writer())
        .await
        .unwrap();
    for at in [now - 3 * day, now - 2 * day, now - hour, now - 2 * day] {
        sqlx::query("INSERT INTO changes (topic, at) VALUES ('flags', $1)")
            .bind(at)
            .execute(db.writer())
            .await
            .unwrap();
    }
    let purged = switchboard_backend::housekeeping::purge(db, &settings, now)
        .await
        .unwrap();
    assert_eq!(
        purged,
        switchboard_backend::housekeeping::Purged {
            sessions: 2,
            login_failures: 1,
            changes: 2
        }
    );
    let left: Vec<String> =
        sqlx::query_scalar("SELECT token_hash FROM sessions ORDER BY token_hash")
            .fetch_all(db.reader())
            .await
            .unwrap();
    assert_eq!(left, vec!["live".to_string()]);
    let left: Vec<String> = sqlx::query_scalar("SELECT subject FROM login_failures")
        .fetch_all(db.reader())
        .await
        .unwrap();
    assert_eq!(left, vec!["fresh@x".to_string()]);
    let left: Vec<i64> = sqlx::query_scalar("SELECT at FROM changes ORDER BY id")
        .fetch_all(db.reader())
        .await
        .unwrap();
    assert_eq!(
        left,
        vec![now - hour, now - 2 * day],
        "the recent one and the newest"
    );
    // Nothing more to do: a second run deletes nothing.
    let again = switchboard_backend::housekeeping::purge(db, &settings, now)
        .await
        .unwrap();
    assert_eq!(again, switchboard_backend::housekeeping::Purged::default());
    server.stop().await;
}

on_both_backends!(
    concurrent_guesses_for_one_account_check_at_most_the_limit,
    concurrent_guesses_from_one_address_check_at_most_its_limit,
    a_full_password_gate_refuses_without_counting_a_failure,
    oversized_sign_in_fields_are_refused_before_anything_is_stored,
    the_client_address_is_what_the_nearest_trusted_proxy_saw,
    purge_deletes_only_what_is_over,
);
