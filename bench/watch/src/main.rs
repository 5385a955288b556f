//! Config watch fan-out benchmark. Signs in to a running Switchboard server as an administrator,
//! creates a namespace in an environment, opens N Server-Sent Events watchers on it (raw HTTP/1.1
//! over one TCP connection each, as N app instances would), then publishes R new versions one at
//! a time and reports, per round and overall, how long after the publish request was sent each
//! watcher had the new version: p50, p99 and max, plus the server's RSS.
//!
//! Usage: watch-bench BASE_URL SDK_KEY WATCHERS ROUNDS [SERVER_PID]
//! Environment: BENCH_EMAIL and BENCH_PASSWORD (the administrator), BENCH_ENV (default staging).

use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{Barrier, mpsc, watch};

type Fail = Box<dyn std::error::Error + Send + Sync>;

struct Admin {
    http: reqwest::Client,
    base: String,
}

impl Admin {
    async fn rpc(&self, endpoint: &str, body: Value) -> Result<Value, Fail> {
        let res = self
            .http
            .post(format!("{}/rpc/{endpoint}", self.base))
            .header("Accept", "application/json")
            .json(&body)
            .send()
            .await?;
        let status = res.status();
        let text = res.text().await?;
        if !status.is_success() {
            return Err(format!("{endpoint}: {status} {text}").into());
        }
        Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
    }
}

/// One watcher: connects, waits for the response head, then reports (version, arrival) for every
/// `id:` line in the stream.
async fn watcher(
    addr: String,
    path: String,
    key: String,
    instance: usize,
    since: i64,
    ready: Arc<Barrier>,
    arrivals: mpsc::UnboundedSender<(i64, Instant)>,
) -> Result<(), Fail> {
    let mut stream = TcpStream::connect(&addr).await?;
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {key}\r\nAccept: text/event-stream\r\n\
         Last-Event-ID: {since}\r\nX-Instance-Id: bench-{instance}\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await?;
    let mut buf = vec![0u8; 4096];
    // Bytes not yet consumed: the response head, then partial lines of the stream.
    let mut pending: Vec<u8> = Vec::new();
    let mut head_seen = false;
    loop {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Err("stream closed".into());
        }
        let at = Instant::now();
        pending.extend_from_slice(&buf[..n]);
        if !head_seen {
            let Some(end) = find(&pending, b"\r\n\r\n") else {
                continue;
            };
            if !pending.starts_with(b"HTTP/1.1 200") {
                return Err(format!(
                    "watch refused: {}",
                    String::from_utf8_lossy(&pending[..end])
                )
                .into());
            }
            head_seen = true;
            pending.drain(..end + 4);
            ready.wait().await;
        }
        // Only whole lines; a read may end mid-line. Chunk-size lines of the chunked encoding are
        // lines too and never start with `id:`.
        let mut start = 0;
        while let Some(nl) = pending[start..].iter().position(|&b| b == b'\n') {
            let line = &pending[start..start + nl];
            if let Some(v) = line
                .strip_prefix(b"id: ")
                .and_then(|v| std::str::from_utf8(v).ok())
                .and_then(|v| v.trim().parse().ok())
            {
                let _ = arrivals.send((v, at));
            }
            start += nl + 1;
        }
        pending.drain(..start);
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn rss(pid: Option<&str>) -> String {
    let Some(pid) = pid else {
        return "n/a".into();
    };
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or("n/a".into(), |kb| format!("{:.1} MB", kb / 1024.0))
}

// One thread: the client should take as little of the 2 cores from the server as it can.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Fail> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 5 {
        eprintln!("usage: watch-bench BASE_URL SDK_KEY WATCHERS ROUNDS [SERVER_PID]");
        std::process::exit(2);
    }
    let base = args[1].trim_end_matches('/').to_string();
    let key = args[2].clone();
    let watchers: usize = args[3].parse()?;
    let rounds: i64 = args[4].parse()?;
    let pid = args.get(5).map(String::as_str);
    let env = std::env::var("BENCH_ENV").unwrap_or_else(|_| "staging".into());
    let addr = base.trim_start_matches("http://").to_string();

    let admin = Admin {
        http: reqwest::Client::builder().cookie_store(true).build()?,
        base: base.clone(),
    };
    admin
        .rpc(
            "login",
            json!({"credentials": {"email": std::env::var("BENCH_EMAIL")?, "password": std::env::var("BENCH_PASSWORD")?}}),
        )
        .await?;
    let ns = format!("bench{}", std::process::id());
    admin
        .rpc(
            "config/create",
            json!({"input": {"key": ns, "environment": env}}),
        )
        .await?;
    let set = |value: i64, version: i64| json!({"input": {"namespace": ns, "environment": env, "entry": {"key": "value", "value_type": "integer", "value": value.to_string()}, "version": version}});
    // Each set and each publish moves the draft version by one: the draft a publish of
    // `main_version` reviews is at 2 * main_version + 1.
    let publish = |main_version: i64| json!({"input": {"namespace": ns, "environment": env, "message": format!("bench v{}", main_version + 1), "main_version": main_version, "draft_version": 2 * main_version + 1}});
    admin.rpc("config/set-entry", set(0, 0)).await?;
    admin.rpc("config/publish", publish(0)).await?;

    // Open every watcher, in batches so the accept queue keeps up.
    let path = format!("/api/v1/config/{env}/{ns}/watch");
    let ready = Arc::new(Barrier::new(watchers + 1));
    let (tx, mut rx) = mpsc::unbounded_channel();
    let (stop_tx, stop_rx) = watch::channel(false);
    let opened = Instant::now();
    for i in 0..watchers {
        let (addr, path, key, ready, tx) = (
            addr.clone(),
            path.clone(),
            key.clone(),
            ready.clone(),
            tx.clone(),
        );
        let mut stop = stop_rx.clone();
        tokio::spawn(async move {
            tokio::select! {
                r = watcher(addr, path, key, i, 1, ready, tx) => if let Err(e) = r { eprintln!("watcher {i}: {e}") },
                _ = stop.changed() => {}
            }
        });
        if i % 500 == 499 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    ready.wait().await;
    println!(
        "{watchers} watchers connected in {:.1} s; server RSS {}",
        opened.elapsed().as_secs_f64(),
        rss(pid)
    );

    let mut all = Vec::new();
    for round in 1..=rounds {
        let version = round + 1;
        admin.rpc("config/set-entry", set(round, round)).await?;
        let started = Instant::now();
        admin.rpc("config/publish", publish(round)).await?;
        let mut got = Vec::with_capacity(watchers);
        let deadline = started + Duration::from_secs(30);
        while got.len() < watchers {
            match tokio::time::timeout_at(deadline.into(), rx.recv()).await {
                Ok(Some((v, at))) if v == version => {
                    got.push(at.saturating_duration_since(started))
                }
                Ok(Some(_)) => {}
                _ => break,
            }
        }
        got.sort();
        if got.len() < watchers {
            println!(
                "round {round}: only {} of {watchers} watchers got v{version} within 30 s",
                got.len()
            );
        }
        println!(
            "round {round}: v{version} reached {} watchers: p50 {}, p99 {}, max {}",
            got.len(),
            ms(percentile(&got, 0.50)),
            ms(percentile(&got, 0.99)),
            ms(*got.last().unwrap_or(&Duration::ZERO)),
        );
        all.extend(got);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    all.sort();
    println!(
        "all rounds ({} deliveries): p50 {}, p99 {}, max {}; server RSS {}",
        all.len(),
        ms(percentile(&all, 0.50)),
        ms(percentile(&all, 0.99)),
        ms(*all.last().unwrap_or(&Duration::ZERO)),
        rss(pid)
    );
    let _ = stop_tx.send(true);
    Ok(())
}
