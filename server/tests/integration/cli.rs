//! The `switchboard` binary as an operator runs it.

use crate::common::{eventually, free_port, metric, switchboard, wait_for};
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

#[test]
fn create_user_from_stdin_then_migrate() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = switchboard(dir.path())
        .args([
            "create-user",
            "--admin",
            "--email",
            "Ops@Example.com",
            "--name",
            "Ops",
            "--role",
            "staging=editor",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"a long operator passphrase\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("created ops@example.com"), "{stdout}");
    assert!(
        dir.path().join("switchboard.db").exists(),
        "SQLite database under the data dir"
    );

    // The same email again is refused with the field named.
    let mut child = switchboard(dir.path())
        .args([
            "create-user",
            "--email",
            "ops@example.com",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"another long passphrase\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("email: A user with this email exists"));

    // A weak password is refused before anything is stored.
    let mut child = switchboard(dir.path())
        .args([
            "create-user",
            "--email",
            "weak@example.com",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"short\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("password: Use at least 12 characters"));

    let out = switchboard(dir.path()).arg("migrate").output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("migrations applied (sqlite)"));
}

#[test]
fn an_unreachable_database_is_one_clear_line_and_a_failure() {
    let dir = tempfile::tempdir().unwrap();
    let out = switchboard(dir.path())
        .env(
            "DATABASE_URL",
            format!(
                "postgres://postgres:secret@127.0.0.1:{}/nothing",
                free_port()
            ),
        )
        .env("RUST_LOG", "off")
        .arg("serve")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].starts_with(
            "error: cannot connect to the postgres database at postgres://postgres:***@127.0.0.1:"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("secret"), "the password is not printed");

    let out = switchboard(dir.path())
        .env("SWITCHBOARD_SESSION_IDLE_MINUTES", "soon")
        .arg("serve")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("SWITCHBOARD_SESSION_IDLE_MINUTES"));
}

#[test]
fn serve_hints_at_the_first_admin_logs_json_and_stops_gracefully() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = switchboard(dir.path())
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("LOG_FORMAT", "json")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for(&format!("127.0.0.1:{port}"), Duration::from_secs(20));
    let rt = tokio::runtime::Runtime::new().unwrap();
    let base = format!("http://127.0.0.1:{port}");
    // Requests in flight when SIGTERM arrives still get their answers.
    let results = rt.block_on(async {
        let client = reqwest::Client::new();
        let mut handles = Vec::new();
        for _ in 0..12 {
            let c = client.clone();
            let url = format!("{base}/rpc/login");
            handles.push(tokio::spawn(async move {
                c.post(url).json(&serde_json::json!({"credentials": {"email": "x@example.com", "password": "some long passphrase"}})).send().await.map(|r| r.status())
            }));
        }
        // SIGTERM once every sign-in reached the server (one still in the listen backlog would
        // be refused, not cut off) and some are still being answered (the password checks take
        // a while), or the test would not test anything.
        let scrape = reqwest::Client::new();
        eventually(Duration::from_secs(10), "sign-ins in flight", || async {
            let post = r#"method="POST""#;
            let started = metric(&scrape, &base, "http_requests_started_total", post).await;
            let ended = metric(&scrape, &base, "http_requests_total", post).await;
            if started >= 12.0 && ended < 12.0 {
                Ok(())
            } else {
                Err(format!("{started} started, {ended} ended"))
            }
        })
        .await;
        let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
        let mut out = Vec::new();
        for h in handles {
            out.push(h.await.unwrap());
        }
        out
    });
    for r in &results {
        let status = r.as_ref().expect("in-flight request was cut off");
        assert!(status.as_u16() == 401 || status.as_u16() == 429, "{status}");
    }
    let status = child.wait().unwrap();
    assert!(status.success(), "exits cleanly after SIGTERM: {status}");
    let mut stderr = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
    assert!(stderr.contains("No users exist yet. Create the first administrator with `switchboard create-user --admin"), "{stderr}");
    let json_lines: Vec<serde_json::Value> = stderr
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    assert!(
        json_lines.iter().any(|l| l["message"]
            .as_str()
            .is_some_and(|m| m.contains("listening"))),
        "{stderr}"
    );
    assert!(
        json_lines
            .iter()
            .any(|l| l["message"] == "shutting down: finishing in-flight requests"),
        "{stderr}"
    );
}

/// SIGTERM with an idle keep-alive connection, a request whose body never comes and a head that
/// never ends, next to requests in flight: those get their answers, and the process exits within
/// the grace period (2 s here) instead of waiting for the stalled ones forever.
#[test]
fn sigterm_exits_within_the_grace_period_whatever_connections_are_open() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    let mut child = switchboard(dir.path())
        .env("LEPTOS_SITE_ADDR", &addr)
        .env("SWITCHBOARD_SHUTDOWN_GRACE_SECS", "2")
        // Long enough that only the grace period can end the stalled connections.
        .env("SWITCHBOARD_HEADER_TIMEOUT_SECS", "120")
        .env("SWITCHBOARD_IDLE_TIMEOUT_SECS", "120")
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for(&addr, Duration::from_secs(20));
    let rt = tokio::runtime::Runtime::new().unwrap();
    let outcome = rt.block_on(async {
        let mut idle = TcpStream::connect(&addr).await.unwrap();
        idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: idle\r\n\r\n")
            .await
            .unwrap();
        let mut buf = [0u8; 1024];
        let n = idle.read(&mut buf).await.unwrap();
        assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
        let mut stalled = TcpStream::connect(&addr).await.unwrap();
        stalled
            .write_all(b"POST /rpc/login HTTP/1.1\r\nHost: stalled\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
            .await
            .unwrap();
        let mut slow = TcpStream::connect(&addr).await.unwrap();
        slow.write_all(b"GET /healthz HTTP/1.1\r\nHo").await.unwrap();
        // Once the lean path's look at each new connection is over and hyper has them all (a
        // connection still being looked at would just be dropped at SIGTERM, untested): the idle,
        // stalled and slow ones, and the one these looks go over.
        let base = format!("http://{addr}");
        let scrape = reqwest::Client::new();
        eventually(Duration::from_secs(10), "hyper holds every connection", || async {
            let open = metric(&scrape, &base, "http_connections_open", r#"handler="http""#).await;
            (open >= 4.0).then_some(()).ok_or(format!("{open} open"))
        })
        .await;
        let client = reqwest::Client::new();
        let mut in_flight = Vec::new();
        for _ in 0..4 {
            let c = client.clone();
            let url = format!("http://{addr}/rpc/login");
            in_flight.push(tokio::spawn(async move {
                c.post(url).json(&serde_json::json!({"credentials": {"email": "x@example.com", "password": "some long passphrase"}})).send().await.map(|r| r.status())
            }));
        }
        // Once they reached the server (the stalled request is a POST too).
        eventually(Duration::from_secs(10), "sign-ins in flight", || async {
            let post = r#"method="POST""#;
            let started = metric(&scrape, &base, "http_requests_started_total", post).await;
            (started >= 5.0).then_some(()).ok_or(format!("{started} started"))
        })
        .await;
        let pid = child.id();
        let _ = Command::new("kill").args(["-TERM", &pid.to_string()]).status();
        let sent = std::time::Instant::now();
        let exited =
            tokio::task::spawn_blocking(move || child.wait().map(|status| (status, sent.elapsed())));
        let mut results = Vec::new();
        for h in in_flight {
            results.push(h.await.unwrap());
        }
        let waited = match tokio::time::timeout(Duration::from_secs(20), exited).await {
            Ok(exit) => Some(exit.unwrap().unwrap()),
            Err(_) => None,
        };
        drop((idle, stalled, slow));
        (results, waited, pid)
    });
    let (results, waited, pid) = outcome;
    let Some((status, took)) = waited else {
        let _ = Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status();
        panic!("still running 20 s after SIGTERM (grace period: 2 s)");
    };
    assert!(status.success(), "exits cleanly after SIGTERM: {status}");
    // The grace period plus what closing and flushing take.
    assert!(
        took < Duration::from_secs(6),
        "exited {took:?} after SIGTERM"
    );
    for r in &results {
        let status = r.as_ref().expect("in-flight request was cut off");
        assert!(status.as_u16() == 401 || status.as_u16() == 429, "{status}");
    }
}

#[test]
fn import_unleash_and_create_an_sdk_key_then_apps_evaluate_the_flags() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("unleash.json");
    std::fs::write(
        &file,
        serde_json::json!({"features": [
            {"name": "cli.banner", "enabled": true, "strategies": [{"name": "default"}]},
            {"name": "cli.host", "enabled": true, "strategies": [{"name": "applicationHostname", "parameters": {"hostNames": "web-1"}}]},
        ]})
        .to_string(),
    )
    .unwrap();
    let out = switchboard(dir.path())
        .args(["import", "unleash"])
        .arg(&file)
        .args(["--environment", "staging"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.starts_with("created 1 flag(s)"), "{stdout}");
    assert!(
        stdout.contains("skipped cli.host: strategy applicationHostname is not supported"),
        "{stdout}"
    );

    // A file that is not an Unleash export changes nothing and says why.
    std::fs::write(&file, "{\"features\": 3}").unwrap();
    let out = switchboard(dir.path())
        .args(["import", "unleash"])
        .arg(&file)
        .args(["--environment", "staging"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: refused: document"));
    // An unknown environment is refused too.
    let out = switchboard(dir.path())
        .args(["create-sdk-key", "--environment", "nowhere", "--name", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));

    let out = switchboard(dir.path())
        .args([
            "create-sdk-key",
            "--environment",
            "staging",
            "--name",
            "shop",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let secret = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(secret.starts_with("sb_sdk_"), "{secret}");

    let port = free_port();
    let mut child = switchboard(dir.path())
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .spawn()
        .unwrap();
    wait_for(&format!("127.0.0.1:{port}"), Duration::from_secs(20));
    let rt = tokio::runtime::Runtime::new().unwrap();
    let body: serde_json::Value = rt.block_on(async {
        reqwest::Client::new()
            .post(format!(
                "http://127.0.0.1:{port}/ofrep/v1/evaluate/flags/cli.banner"
            ))
            .bearer_auth(&secret)
            .json(&serde_json::json!({"context": {"targetingKey": "u1"}}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    });
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(body["value"], serde_json::json!(true), "{body}");
}
