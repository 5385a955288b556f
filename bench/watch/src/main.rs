//! Watch fan-out benchmark. Signs in to a running Switchboard server as an administrator, opens N
//! Server-Sent Events streams (raw HTTP/1.1 over one TCP connection each, as N app instances
//! would), then makes R changes one at a time and reports, per round and overall, how long after
//! the change request was sent each stream had the change's event: p50, p99 and max, plus the
//! server's RSS.
//!
//! Two kinds of stream (BENCH_MODE):
//! - `config` (default): watchers of a new config namespace; a change is a publish.
//! - `ofrep`: OFREP change streams (the URL a bulk evaluation names); a change is switching a
//!   flag in the dashboard, announced as `refetchEvaluation`.
//!
//! Usage: watch-bench BASE_URL SDK_KEY WATCHERS ROUNDS [SERVER_PID]
//! Environment: BENCH_EMAIL and BENCH_PASSWORD (the administrator), BENCH_ENV (default staging),
//! BENCH_MODE (default config).

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

/// One watcher: connects, waits for the response head, then reports (event id, arrival) for
/// every `id:` line in the stream.
async fn watcher(
    addr: String,
    path: String,
    key: String,
    instance: usize,
    since: String,
    ready: Arc<Barrier>,
    arrivals: mpsc::UnboundedSender<(String, Instant)>,
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
            {
                let _ = arrivals.send((v.trim().to_string(), at));
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
    let mode = std::env::var("BENCH_MODE").unwrap_or_else(|_| "config".into());
    let mut changes: Box<dyn Changes> = match mode.as_str() {
        "ofrep" => Box::new(OfrepChanges::new(&admin, &base, &key, &env).await?),
        _ => Box::new(ConfigChanges::new(&admin, &env).await?),
    };
    let (path, since) = (changes.path(), changes.since());
    run(
        &admin,
        changes.as_mut(),
        Target {
            addr,
            path,
            key,
            since,
            watchers,
            rounds,
            pid,
        },
    )
    .await
}

/// What the watchers open and where they resume from.
struct Target<'a> {
    addr: String,
    path: String,
    key: String,
    since: String,
    watchers: usize,
    rounds: i64,
    pid: Option<&'a str>,
}

/// A round's change under way: when its request was sent, and how its event is recognised.
type Round<'a> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<(Instant, Expect), Fail>> + 'a>>;

/// The change a round makes, and the event id that announces it.
trait Changes {
    fn path(&self) -> String;
    /// The id of the newest event before the first round (watchers resume from it).
    fn since(&self) -> String;
    /// Makes round `round`'s change; `started` is taken just before its request is sent. Answers
    /// a test for the event id that announces it.
    fn change<'a>(&'a mut self, admin: &'a Admin, round: i64) -> Round<'a>;
    /// The id that announced the last round's change.
    fn announced(&mut self, _id: &str) {}
}

/// How a round recognises its event.
enum Expect {
    /// The event with this id.
    Id(String),
    /// Any event whose id is not this one (OFREP ids are ETags, unknown in advance).
    Not(String),
}

impl Expect {
    fn matches(&self, id: &str) -> bool {
        match self {
            Expect::Id(want) => id == want,
            Expect::Not(old) => id != old,
        }
    }
}

struct ConfigChanges {
    env: String,
    ns: String,
}

impl ConfigChanges {
    async fn new(admin: &Admin, env: &str) -> Result<ConfigChanges, Fail> {
        let ns = format!("bench{}", std::process::id());
        let c = ConfigChanges {
            env: env.to_string(),
            ns,
        };
        admin
            .rpc(
                "config/create",
                json!({"input": {"key": c.ns, "environment": c.env}}),
            )
            .await?;
        admin.rpc("config/set-entry", c.set(0, 0)).await?;
        admin.rpc("config/publish", c.publish(0)).await?;
        Ok(c)
    }

    fn set(&self, value: i64, version: i64) -> Value {
        json!({"input": {"namespace": self.ns, "environment": self.env, "entry": {"key": "value", "value_type": "integer", "value": value.to_string()}, "version": version}})
    }

    /// Each set and each publish moves the draft version by one: the draft a publish of
    /// `main_version` reviews is at 2 * main_version + 1.
    fn publish(&self, main_version: i64) -> Value {
        json!({"input": {"namespace": self.ns, "environment": self.env, "message": format!("bench v{}", main_version + 1), "main_version": main_version, "draft_version": 2 * main_version + 1}})
    }
}

impl Changes for ConfigChanges {
    fn path(&self) -> String {
        format!("/api/v1/config/{}/{}/watch", self.env, self.ns)
    }

    fn since(&self) -> String {
        "1".into()
    }

    fn change<'a>(&'a mut self, admin: &'a Admin, round: i64) -> Round<'a> {
        Box::pin(async move {
            admin
                .rpc("config/set-entry", self.set(round, round))
                .await?;
            let started = Instant::now();
            admin.rpc("config/publish", self.publish(round)).await?;
            Ok((started, Expect::Id((round + 1).to_string())))
        })
    }
}

struct OfrepChanges {
    env: String,
    flag: String,
    path: String,
    etag: String,
    settings_version: i64,
}

impl OfrepChanges {
    async fn new(admin: &Admin, base: &str, key: &str, env: &str) -> Result<OfrepChanges, Fail> {
        let flag = format!("bench-{}", std::process::id());
        admin
            .rpc(
                "flags/create",
                json!({"input": {"key": flag, "name": flag, "kind": "boolean"}}),
            )
            .await?;
        let answer: Value = admin
            .http
            .post(format!("{base}/ofrep/v1/evaluate/flags"))
            .bearer_auth(key)
            .json(&json!({"context": {"targetingKey": "bench"}}))
            .send()
            .await?
            .json()
            .await?;
        let path = answer["eventStreams"][0]["endpoint"]["requestUri"]
            .as_str()
            .ok_or("the bulk answer names no event stream")?
            .to_string();
        // The current ETag: the first event of a stream opened without Last-Event-ID.
        let probe = reqwest::Client::new()
            .get(format!("{base}{path}"))
            .send()
            .await?;
        let mut probe = probe;
        let mut text = String::new();
        while !text.contains("\n\n") {
            let chunk = probe.chunk().await?.ok_or("the stream ended")?;
            text.push_str(&String::from_utf8_lossy(&chunk));
        }
        let etag = text
            .lines()
            .find_map(|l| l.strip_prefix("id: "))
            .ok_or("no id in the first event")?
            .trim()
            .to_string();
        Ok(OfrepChanges {
            env: env.to_string(),
            flag,
            path,
            etag,
            settings_version: 0,
        })
    }
}

impl Changes for OfrepChanges {
    fn path(&self) -> String {
        self.path.clone()
    }

    fn since(&self) -> String {
        self.etag.clone()
    }

    fn change<'a>(&'a mut self, admin: &'a Admin, round: i64) -> Round<'a> {
        Box::pin(async move {
            let before = self.etag.clone();
            let started = Instant::now();
            let saved = admin
                .rpc(
                    "flags/set-enabled",
                    json!({"input": {"flag": self.flag, "environment": self.env, "enabled": round % 2 == 1, "version": self.settings_version}}),
                )
                .await?;
            self.settings_version = saved["version"].as_i64().ok_or("no settings version")?;
            Ok((started, Expect::Not(before)))
        })
    }

    fn announced(&mut self, id: &str) {
        self.etag = id.to_string();
    }
}

async fn run(admin: &Admin, changes: &mut dyn Changes, t: Target<'_>) -> Result<(), Fail> {
    let Target {
        addr,
        path,
        key,
        since,
        watchers,
        rounds,
        pid,
    } = t;
    // Open every watcher, in batches so the accept queue keeps up.
    let ready = Arc::new(Barrier::new(watchers + 1));
    let (tx, mut rx) = mpsc::unbounded_channel();
    let (stop_tx, stop_rx) = watch::channel(false);
    let opened = Instant::now();
    for i in 0..watchers {
        let (addr, path, key, since, ready, tx) = (
            addr.clone(),
            path.clone(),
            key.clone(),
            since.clone(),
            ready.clone(),
            tx.clone(),
        );
        let mut stop = stop_rx.clone();
        tokio::spawn(async move {
            tokio::select! {
                r = watcher(addr, path, key, i, since, ready, tx) => if let Err(e) = r { eprintln!("watcher {i}: {e}") },
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
        let (started, expect) = changes.change(admin, round).await?;
        let mut got = Vec::with_capacity(watchers);
        let mut announced = None;
        let deadline = started + Duration::from_secs(30);
        while got.len() < watchers {
            match tokio::time::timeout_at(deadline.into(), rx.recv()).await {
                Ok(Some((v, at))) if expect.matches(&v) => {
                    announced.get_or_insert(v);
                    got.push(at.saturating_duration_since(started))
                }
                Ok(Some(_)) => {}
                _ => break,
            }
        }
        got.sort();
        let version = announced.unwrap_or_default();
        changes.announced(&version);
        if got.len() < watchers {
            println!(
                "round {round}: only {} of {watchers} watchers got {version} within 30 s",
                got.len()
            );
        }
        println!(
            "round {round}: {version} reached {} watchers: p50 {}, p99 {}, max {}",
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
