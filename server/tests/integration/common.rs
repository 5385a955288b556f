//! Test harness: the real server on an ephemeral port, against a fresh SQLite file or a fresh
//! PostgreSQL database (copied from a migrated template, dropped when the server is dropped).

#![allow(dead_code)]

use app::AppState;
use leptos::config::LeptosOptions;
use reqwest::StatusCode;
use serde_json::{Value, json};
use server::config::{BootstrapAdmin, Http};
use std::sync::atomic::{AtomicUsize, Ordering};
use switchboard_backend::clock::Clock;
use switchboard_backend::keyring::Keyring;
use switchboard_backend::{Db, Settings};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub const ADMIN_EMAIL: &str = "admin@test.example";
pub const ADMIN_PASSWORD: &str = "admin test passphrase";
/// The key test servers seal secret config values with (as SWITCHBOARD_SECRET_KEYS).
pub const TEST_SECRET_KEYS: &str = "test1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

pub fn test_keyring() -> Keyring {
    Keyring::parse(TEST_SECRET_KEYS).unwrap()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Where PostgreSQL answers (the machine's local cluster unless overridden).
pub fn postgres_admin_url() -> String {
    std::env::var("SWITCHBOARD_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// Runs an async test body once per backend.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::common::Backend::Sqlite).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name($crate::common::Backend::Postgres).await
                }
            }
        )*
    };
}

/// The `switchboard` binary, as an operator runs it.
pub const BIN: &str = env!("CARGO_BIN_EXE_switchboard");

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The real binary with a clean environment and its own data directory.
pub fn switchboard(data: &std::path::Path) -> std::process::Command {
    let mut c = std::process::Command::new(BIN);
    c.env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("SWITCHBOARD_DATA_DIR", data)
        .env("LEPTOS_OUTPUT_NAME", "switchboard")
        .env("RUST_LOG", "info");
    c
}

/// Polls `check` until it gives a value, and returns it; panics with `what` and `check`'s last
/// word if that takes longer than `deadline`. What a test waits for (a server's state, a change
/// reaching a replica) is asked for directly, so the test goes on as soon as it holds and a
/// slow machine only makes it slower, never wrong; the deadline only bounds a failing test.
pub async fn eventually<T, E, F, Fut>(deadline: std::time::Duration, what: &str, mut check: F) -> T
where
    E: std::fmt::Display,
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, E>>,
{
    let start = std::time::Instant::now();
    loop {
        let last = match check().await {
            Ok(value) => return value,
            Err(last) => last,
        };
        assert!(
            start.elapsed() < deadline,
            "{what}: not within {deadline:?} ({last})"
        );
        // Between two looks, not a guess at how long the wait takes.
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}

/// The sum of `name`'s samples whose labels include `labels` (`method="POST"`, say; "" for all)
/// on `base`'s `/metrics` now. One `client` for every look: each new connection shows in
/// `http_connections_open`.
pub async fn metric(client: &reqwest::Client, base: &str, name: &str, labels: &str) -> f64 {
    let text = client
        .get(format!("{base}/metrics"))
        .send()
        .await
        .expect("scrape /metrics")
        .text()
        .await
        .expect("read /metrics");
    text.lines()
        .filter(|l| {
            l.strip_prefix(name)
                .is_some_and(|rest| rest.starts_with(['{', ' ']))
        })
        .filter(|l| l.contains(labels))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

/// Waits until something listens at `addr` (blocking: for tests that run the real binary from
/// plain threads).
pub fn wait_for(url: &str, deadline: std::time::Duration) {
    let start = std::time::Instant::now();
    while start.elapsed() < deadline {
        if std::net::TcpStream::connect(url).is_ok() {
            return;
        }
        // Between two connection attempts, as in `eventually`.
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("{url} never answered");
}

pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg_name: Option<String>,
}

/// A unique database or file name for this process.
fn unique_name(prefix: &str) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    format!(
        "{prefix}_{}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos()
    )
}

/// The URL of database `name` on the test cluster.
fn postgres_url(name: &str) -> String {
    let base = postgres_admin_url();
    format!("{}/{name}", &base[..base.rfind('/').unwrap()])
}

async fn postgres_admin() -> sqlx::PgConnection {
    use sqlx::Connection;
    sqlx::PgConnection::connect(&postgres_admin_url())
        .await
        .expect("PostgreSQL must run at 127.0.0.1:5432 for the PostgreSQL tests (scripts/ensure-postgres.sh)")
}

/// Applies every migration to the database at `url` and closes it, leaving a template.
async fn migrate_template(url: &str) {
    let db = Db::connect(url, 1).await.expect("connect to the template");
    db.migrate().await.expect("migrate the template");
    db.close().await;
}

/// A PostgreSQL database with every migration applied, made once per test process; each test's
/// database is a copy (`CREATE DATABASE … TEMPLATE`), which is much quicker than migrating.
/// Dropped when the process exits.
static POSTGRES_TEMPLATE: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();

async fn postgres_template() -> &'static str {
    POSTGRES_TEMPLATE
        .get_or_init(|| async {
            let name = unique_name("sb_template");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut postgres_admin().await)
                .await
                .expect("create the template database");
            extern "C" fn drop_template() {
                if let Some(name) = POSTGRES_TEMPLATE.get() {
                    drop_postgres_database_now(name);
                }
            }
            drop_orphan_templates().await;
            // SAFETY: registers a plain function to run at exit; it touches only a static.
            unsafe { libc::atexit(drop_template) };
            migrate_template(&postgres_url(&name)).await;
            name
        })
        .await
}

/// The SQLite counterpart: a migrated file, copied for each test. It lives in Cargo's scratch
/// folder for integration tests, one per process.
static SQLITE_TEMPLATE: tokio::sync::OnceCell<std::path::PathBuf> =
    tokio::sync::OnceCell::const_new();

async fn sqlite_template() -> &'static std::path::Path {
    SQLITE_TEMPLATE
        .get_or_init(|| async {
            let dir =
                std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(unique_name("sb_template"));
            std::fs::create_dir_all(&dir).expect("template folder");
            let file = dir.join("switchboard.db");
            migrate_template(&format!("sqlite://{}?mode=rwc", file.display())).await;
            file
        })
        .await
}

/// Drops a PostgreSQL database on a private runtime (for `Drop` and process exit, where there
/// may be no runtime, or one that must not be blocked).
fn drop_postgres_database_now(name: &str) {
    let Ok(rt) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        return;
    };
    rt.block_on(async {
        use sqlx::Connection;
        if let Ok(mut admin) = sqlx::PgConnection::connect(&postgres_admin_url()).await {
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut admin)
                .await;
        }
    });
}

/// [`drop_postgres_database_now`] from inside a runtime: on its own thread.
fn drop_postgres_database(name: String) {
    let _ = std::thread::spawn(move || drop_postgres_database_now(&name)).join();
}

/// Templates left by test processes that are gone (killed before their exit hook ran).
async fn drop_orphan_templates() {
    let names: Vec<String> =
        sqlx::query_scalar("SELECT datname FROM pg_database WHERE datname LIKE 'sb_template_%'")
            .fetch_all(&mut postgres_admin().await)
            .await
            .unwrap_or_default();
    for name in names {
        let pid = name.split('_').nth(2).and_then(|p| p.parse::<u32>().ok());
        if pid.is_some_and(|pid| !std::path::Path::new(&format!("/proc/{pid}")).exists()) {
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut postgres_admin().await)
                .await;
        }
    }
}

impl TestDb {
    /// A fresh database of its own with every migration applied.
    pub async fn create(backend: Backend) -> TestDb {
        match backend {
            Backend::Sqlite => {
                let template = sqlite_template().await;
                let dir = tempfile::tempdir().expect("temp dir");
                let file = dir.path().join("switchboard.db");
                std::fs::copy(template, &file).expect("copy the template database");
                TestDb {
                    url: format!("sqlite://{}?mode=rwc", file.display()),
                    _dir: Some(dir),
                    pg_name: None,
                }
            }
            Backend::Postgres => {
                let template = postgres_template().await;
                let name = unique_name("sb_test");
                sqlx::query(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
                    .execute(&mut postgres_admin().await)
                    .await
                    .expect("create database");
                TestDb {
                    url: postgres_url(&name),
                    _dir: None,
                    pg_name: Some(name),
                }
            }
        }
    }
}

impl TestDb {
    /// A fresh database of its own with no migration applied (for upgrade tests).
    pub async fn empty(backend: Backend) -> TestDb {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let file = dir.path().join("switchboard.db");
                TestDb {
                    url: format!("sqlite://{}?mode=rwc", file.display()),
                    _dir: Some(dir),
                    pg_name: None,
                }
            }
            Backend::Postgres => {
                let name = unique_name("sb_test");
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut postgres_admin().await)
                    .await
                    .expect("create database");
                TestDb {
                    url: postgres_url(&name),
                    _dir: None,
                    pg_name: Some(name),
                }
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(name) = self.pg_name.take() {
            drop_postgres_database(name);
        }
    }
}

pub struct TestServer {
    pub base: String,
    pub state: AppState,
    pub backend: Backend,
    /// The server's "now": tests move it forward rather than sleeping until something expires.
    pub clock: Clock,
    /// Watch streams and long polls open on this server.
    pub streams: server::delivery::streams::Streams,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
    running: server::serve::Running,
    // Dropped last: the database outlives the server using it (absent when shared).
    _db: Option<TestDb>,
    url: String,
}

impl TestServer {
    pub async fn start(backend: Backend) -> TestServer {
        Self::start_with(backend, Settings::default()).await
    }

    pub async fn start_with(backend: Backend, settings: Settings) -> TestServer {
        Self::start_with_http(backend, settings, Http::default()).await
    }

    /// With its own HTTP limits (timeouts, caps), usually small ones so tests stay fast.
    pub async fn start_with_http(backend: Backend, settings: Settings, http: Http) -> TestServer {
        let test_db = TestDb::create(backend).await;
        let url = test_db.url.clone();
        let clock = Clock::adjustable();
        Self::start_on(
            backend,
            settings,
            http,
            url,
            Some(test_db),
            test_keyring(),
            clock,
        )
        .await
    }

    /// With its own secret keys (none, or a rotated list).
    pub async fn start_with_keyring(backend: Backend, keyring: Keyring) -> TestServer {
        let test_db = TestDb::create(backend).await;
        let url = test_db.url.clone();
        let (settings, http) = (Settings::default(), Http::default());
        let clock = Clock::adjustable();
        Self::start_on(backend, settings, http, url, Some(test_db), keyring, clock).await
    }

    /// Another server on this one's database with other secret keys (a restart after a
    /// rotation, say).
    pub async fn start_sharing_with_keyring(other: &TestServer, keyring: Keyring) -> TestServer {
        let (settings, http) = (Settings::default(), Http::default());
        Self::start_on(
            other.backend,
            settings,
            http,
            other.url.clone(),
            None,
            keyring,
            other.clock.clone(),
        )
        .await
    }

    /// A second server process on the same database (as another replica would run), on the same
    /// clock (replicas share the wall time).
    pub async fn start_sharing(other: &TestServer) -> TestServer {
        Self::start_sharing_with_http(other, Http::default()).await
    }

    /// [`TestServer::start_sharing`] with its own HTTP limits.
    pub async fn start_sharing_with_http(other: &TestServer, http: Http) -> TestServer {
        Self::start_on(
            other.backend,
            Settings::default(),
            http,
            other.url.clone(),
            None,
            other.state.db.keyring().clone(),
            other.clock.clone(),
        )
        .await
    }

    async fn start_on(
        backend: Backend,
        settings: Settings,
        http: Http,
        url: String,
        test_db: Option<TestDb>,
        keyring: Keyring,
        clock: Clock,
    ) -> TestServer {
        let db = Db::connect(&url, 5)
            .await
            .expect("connect")
            .with_keyring(keyring)
            .with_clock(clock.clone());
        db.migrate().await.expect("migrate");
        let admin = BootstrapAdmin {
            email: ADMIN_EMAIL.into(),
            name: "Test Admin".into(),
            password: ADMIN_PASSWORD.into(),
        };
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().unwrap();
        let leptos_options = LeptosOptions::builder()
            .output_name("switchboard")
            .site_addr(addr)
            .build();
        // Built as `switchboard serve` builds it, background work included.
        let running = server::serve::start(db, settings, leptos_options, Some(&admin))
            .await
            .expect("start");
        let state = running.state.clone();
        let streams = server::delivery::streams::Streams::new(http.streams_per_key);
        let router =
            server::app::router_with_streams(state.clone(), 64 * 1024, &http, streams.clone());
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            server::delivery::listener::serve_with(listener, router, &http, async {
                let _ = rx.await;
            })
            .await
            .expect("serve");
        });
        TestServer {
            base: format!("http://{addr}"),
            state,
            backend,
            clock,
            streams,
            shutdown: Some(tx),
            task: Some(task),
            running,
            _db: test_db,
            url,
        }
    }

    /// Moves this server's clock (and that of every server sharing it) forward.
    pub fn advance_clock(&self, by: std::time::Duration) {
        self.clock.advance(by);
    }

    /// The database this server uses (for other processes sharing it).
    pub fn database_url(&self) -> &str {
        &self.url
    }

    pub fn db(&self) -> &Db {
        &self.state.db
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A browser's CORS preflight from another origin for `method` with `headers` on `path`:
    /// asserts it is allowed for any origin and answers the allowed headers, lowercased.
    pub async fn preflight(&self, path: &str, method: &str, headers: &str) -> String {
        let res = reqwest::Client::new()
            .request(reqwest::Method::OPTIONS, self.url(path))
            .header("Origin", "https://shop.example")
            .header("Access-Control-Request-Method", method)
            .header("Access-Control-Request-Headers", headers)
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "{}", res.status());
        assert_eq!(res.headers()["access-control-allow-origin"], "*");
        res.headers()["access-control-allow-headers"]
            .to_str()
            .unwrap()
            .to_lowercase()
    }

    /// The version of a config draft as a whole, as the dashboard reads it.
    pub async fn config_draft_version(&self, namespace: &str, environment: &str) -> i64 {
        switchboard_backend::config::queries::draft(
            self.db(),
            &switchboard_backend::Actor::system("test"),
            environment,
            namespace,
        )
        .await
        .unwrap()
        .draft_version
    }

    /// A browser-like client signed in as `email`.
    pub async fn sign_in(&self, email: &str, password: &str) -> Session {
        let session = Session::anonymous(self);
        let (status, body) = session
            .rpc(
                "login",
                json!({"credentials": {"email": email, "password": password}}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "sign-in as {email} failed: {body}");
        session
    }

    pub async fn admin(&self) -> Session {
        self.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await
    }

    /// Creates a user directly through the command layer (as the operator).
    pub async fn create_user(
        &self,
        email: &str,
        password: &str,
        admin: bool,
        roles: &[(&str, &str)],
    ) -> app::domain::User {
        let roles = roles
            .iter()
            .map(|(e, r)| (e.to_string(), app::domain::Role::parse(r).unwrap()))
            .collect();
        server::bootstrap::create_user(
            self.db(),
            "test setup",
            app::domain::NewUser {
                email: email.into(),
                name: email.split('@').next().unwrap().into(),
                password: password.into(),
                admin,
                roles,
            },
        )
        .await
        .expect("create user")
    }

    /// Issues an admin API token directly through the command layer.
    pub async fn create_token(&self, name: &str, admin: bool, roles: &[(&str, &str)]) -> Api {
        let roles = roles
            .iter()
            .map(|(e, r)| (e.to_string(), app::domain::Role::parse(r).unwrap()))
            .collect();
        let created = self
            .state
            .execute(
                &switchboard_backend::Actor::system("test setup"),
                app::domain::NewApiToken {
                    name: name.into(),
                    admin,
                    roles,
                    expires_in_days: None,
                },
            )
            .await
            .expect("create token");
        Api {
            http: reqwest::Client::new(),
            base: self.base.clone(),
            token: created.secret,
            id: created.token.id,
        }
    }

    pub async fn audit_count(&self) -> i64 {
        switchboard_backend::audit_log::count(self.db())
            .await
            .unwrap()
    }

    /// Stops following other processes' changes (and the other background work), so this
    /// server's snapshots move only through its own commands and explicit catch-ups.
    pub fn stop_following(&mut self) {
        self.running.stop_background();
    }

    pub async fn stop(mut self) {
        // As `switchboard serve` does on SIGTERM: open watch streams end, so shutdown can finish.
        self.state.delivery.close();
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
        self.running.stop_background();
        self.state.db.close().await;
    }
}

/// A cookie-carrying client, like a browser.
pub struct Session {
    pub http: reqwest::Client,
    pub base: String,
}

impl Session {
    pub fn anonymous(server: &TestServer) -> Session {
        Session {
            http: reqwest::Client::builder()
                .cookie_store(true)
                .build()
                .unwrap(),
            base: server.base.clone(),
        }
    }

    /// Calls a server function with a JSON body (POST), as the dashboard does.
    pub async fn rpc(&self, endpoint: &str, body: Value) -> (StatusCode, Value) {
        let res = self
            .http
            .post(format!("{}/rpc/{endpoint}", self.base))
            .header("Accept", "application/json")
            .json(&body)
            .send()
            .await
            .expect("request");
        read(res).await
    }

    /// Calls a server function that reads (GET).
    pub async fn rpc_get(&self, endpoint: &str) -> (StatusCode, Value) {
        let res = self
            .http
            .get(format!("{}/rpc/{endpoint}", self.base))
            .header("Accept", "application/json")
            .send()
            .await
            .expect("request");
        read(res).await
    }

    pub async fn page(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("request")
    }
}

/// A REST API client with an admin token.
pub struct Api {
    pub http: reqwest::Client,
    pub base: String,
    pub token: String,
    pub id: i64,
}

impl Api {
    /// A new SDK key of `environment`: its secret.
    pub async fn sdk_key(&self, environment: &str) -> String {
        let (status, created) = self
            .post(
                &format!("/environments/{environment}/sdk-keys"),
                json!({"name": "app"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        created["secret"].as_str().unwrap().to_string()
    }

    /// The version of `flag`'s settings in `environment` (0 before any are saved).
    pub async fn flag_settings_version(&self, flag: &str, environment: &str) -> i64 {
        let (status, body) = self.get(&format!("/flags/{flag}")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["environments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["environment"] == environment)
            .map(|s| s["version"].as_i64().unwrap())
            .unwrap_or(0)
    }

    /// Switches `flag` on or off in `environment` (the kill switch), at its current version.
    pub async fn switch(&self, flag: &str, environment: &str, enabled: bool) {
        let version = self.flag_settings_version(flag, environment).await;
        let (status, body) = self
            .post(
                &format!("/flags/{flag}/environments/{environment}/switch"),
                json!({"enabled": enabled, "version": version}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    /// A new boolean flag (off everywhere, as every new flag is).
    pub async fn boolean_flag(&self, key: &str) {
        let (status, body) = self
            .post(
                "/flags",
                json!({"key": key, "name": key, "kind": "boolean"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }

    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self
            .http
            .request(method, format!("{}/api/admin/v1{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        read(req.send().await.expect("request")).await
    }

    /// The version of a config draft as a whole (`/config/{env}/{ns}`), to name in a publish,
    /// discard, copy or rollback.
    pub async fn draft_version(&self, namespace_path: &str) -> i64 {
        let (status, draft) = self.get(&format!("{namespace_path}/draft")).await;
        assert!(status.is_success(), "{status}: {draft}");
        draft["draft_version"].as_i64().unwrap()
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.call(reqwest::Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(reqwest::Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(reqwest::Method::PUT, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> (StatusCode, Value) {
        self.call(reqwest::Method::DELETE, path, None).await
    }
}

/// OFREP bulk evaluation for user `u1` with SDK key `key`; `query` is appended to the path.
pub async fn bulk(server: &TestServer, key: &str, query: &str) -> (StatusCode, Value) {
    let res = reqwest::Client::new()
        .post(server.url(&format!("/ofrep/v1/evaluate/flags{query}")))
        .bearer_auth(key)
        .json(&json!({"context": {"targetingKey": "u1"}}))
        .send()
        .await
        .unwrap();
    read(res).await
}

pub async fn read(res: reqwest::Response) -> (StatusCode, Value) {
    let status = res.status();
    let text = res.text().await.unwrap_or_default();
    let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, value)
}

/// Reads Server-Sent Events from a streaming response.
pub struct Events {
    res: reqwest::Response,
    buf: String,
}

impl Events {
    pub fn new(res: reqwest::Response) -> Events {
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["content-type"], "text/event-stream");
        Events {
            res,
            buf: String::new(),
        }
    }

    /// Whether the server ends the stream within `wait` (what it sends before is skipped).
    pub async fn ends_within(&mut self, wait: std::time::Duration) -> bool {
        let deadline = std::time::Instant::now() + wait;
        loop {
            let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) else {
                return false;
            };
            match tokio::time::timeout(left, self.res.chunk()).await {
                Ok(Ok(Some(_))) => continue,
                Ok(Ok(None)) | Ok(Err(_)) => return true,
                Err(_) => return false,
            }
        }
    }

    /// The next event's (id, data), or None if none comes within `wait`.
    pub async fn next(&mut self, wait: std::time::Duration) -> Option<(String, Value)> {
        let deadline = std::time::Instant::now() + wait;
        loop {
            if let Some(end) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..end + 2).collect();
                let (mut id, mut data) = (None, String::new());
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("id:") {
                        id = Some(v.trim().to_string());
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push_str(v.trim_start());
                    }
                }
                match id {
                    Some(id) => return Some((id, serde_json::from_str(&data).unwrap())),
                    None => continue, // a keep-alive comment
                }
            }
            let left = deadline.checked_duration_since(std::time::Instant::now())?;
            match tokio::time::timeout(left, self.res.chunk()).await {
                Ok(Ok(Some(bytes))) => self.buf.push_str(&String::from_utf8_lossy(&bytes)),
                _ => return None,
            }
        }
    }

    /// [`Events::next`] for streams whose ids are versions.
    pub async fn next_numbered(&mut self, wait: std::time::Duration) -> Option<(i64, Value)> {
        let (id, data) = self.next(wait).await?;
        Some((id.parse().expect("a numeric event id"), data))
    }
}
