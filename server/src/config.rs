//! Configuration from environment variables (documented in the README's table). Bad values stop
//! the server with a message naming the variable.

use std::path::PathBuf;
use std::time::Duration;
use switchboard_backend::Settings;
use switchboard_backend::keyring::Keyring;
use switchboard_backend::proxies::TrustedProxies;
use switchboard_backend::settings::{self, CookieSecure};

#[derive(Debug, Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    pub database_url: String,
    pub db_max_connections: u32,
    pub settings: Settings,
    pub max_body_bytes: usize,
    /// Connection limits and the other settings of the HTTP layer.
    pub http: Http,
    pub json_logs: bool,
    pub bootstrap_admin: Option<BootstrapAdmin>,
    /// Seals secret config values (none configured: secret entries are refused).
    pub keyring: Keyring,
}

/// The HTTP layer's limits (README, Configuration). The defaults suit one server process; tests
/// shrink the timeouts.
#[derive(Debug, Clone)]
pub struct Http {
    /// A request head must arrive within this once the server waits for one; hyper starts the
    /// clock when a connection opens and again after each answer, so it also ends idle keep-alive.
    pub header_timeout: Duration,
    /// A connection on which no byte moves either way for this long is closed (a stalled body, a
    /// client that stopped reading). Above the longest long poll and the watch heartbeat.
    pub idle_timeout: Duration,
    /// Open connections at most; further ones wait in the listen backlog.
    pub max_connections: usize,
    /// Watch streams plus waiting long polls per SDK key; more get 429.
    pub streams_per_key: usize,
    /// After SIGTERM, how long in-flight requests may take before the remaining connections are
    /// closed.
    pub shutdown_grace: Duration,
    /// A dashboard page or server function that has not answered in this long gets an error page.
    pub render_timeout: Duration,
    /// When set, `/metrics` answers only requests with `Authorization: Bearer <token>`.
    pub metrics_token: Option<String>,
}

impl Default for Http {
    fn default() -> Self {
        Http {
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(120),
            max_connections: 20_000,
            streams_per_key: 2_000,
            shutdown_grace: Duration::from_secs(10),
            render_timeout: Duration::from_secs(20),
            metrics_token: None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct BootstrapAdmin {
    pub email: String,
    pub name: String,
    pub password: String,
}

#[derive(Debug, thiserror::Error)]
#[error("{var}: {problem}")]
pub struct ConfigError {
    pub var: &'static str,
    pub problem: String,
}

/// Reads variables through `get`, so tests can supply their own.
pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
    let data_dir = PathBuf::from(get("SWITCHBOARD_DATA_DIR").unwrap_or_else(|| "./data".into()));
    let database_url = match get("DATABASE_URL").filter(|s| !s.trim().is_empty()) {
        Some(url) => url,
        None => format!(
            "sqlite://{}?mode=rwc",
            data_dir.join("switchboard.db").display()
        ),
    };
    let number = |var: &'static str, default: u64, min: u64| -> Result<u64, ConfigError> {
        match get(var) {
            None => Ok(default),
            Some(v) => match v.trim().parse::<u64>() {
                Ok(n) if n >= min => Ok(n),
                _ => Err(ConfigError {
                    var,
                    problem: format!("expected a whole number of at least {min}, got {v:?}"),
                }),
            },
        }
    };
    let cookie_secure = match get("SWITCHBOARD_COOKIE_SECURE").as_deref().map(str::trim) {
        None | Some("") | Some("auto") => CookieSecure::Auto,
        Some("true" | "1" | "always") => CookieSecure::Always,
        Some("false" | "0" | "never") => CookieSecure::Never,
        Some(v) => {
            return Err(ConfigError {
                var: "SWITCHBOARD_COOKIE_SECURE",
                problem: format!("expected auto, true or false, got {v:?}"),
            });
        }
    };
    let trusted_proxies = TrustedProxies::parse(
        &get("SWITCHBOARD_TRUST_PROXY").unwrap_or_default(),
    )
    .map_err(|problem| ConfigError {
        var: "SWITCHBOARD_TRUST_PROXY",
        problem,
    })?;
    let cores = settings::cores() as u64;
    let settings = Settings {
        session_idle: Duration::from_secs(60 * number("SWITCHBOARD_SESSION_IDLE_MINUTES", 480, 1)?),
        session_absolute: Duration::from_secs(
            3600 * number("SWITCHBOARD_SESSION_MAX_HOURS", 168, 1)?,
        ),
        cookie_secure,
        trusted_proxies,
        login_max_failures_per_account: number("SWITCHBOARD_LOGIN_MAX_FAILURES", 5, 1)? as u32,
        login_max_failures_per_ip: number("SWITCHBOARD_LOGIN_MAX_FAILURES_PER_IP", 20, 1)? as u32,
        login_window: Duration::from_secs(60 * number("SWITCHBOARD_LOGIN_WINDOW_MINUTES", 15, 1)?),
        password_checks: number("SWITCHBOARD_PASSWORD_CHECKS", cores, 1)? as usize,
        password_check_queue: number("SWITCHBOARD_PASSWORD_CHECK_QUEUE", 2 * cores, 0)? as usize,
        purge_every: Duration::from_secs(number("SWITCHBOARD_PURGE_SECONDS", 300, 1)?),
    };
    let bootstrap_admin = match (
        get("SWITCHBOARD_ADMIN_EMAIL"),
        get("SWITCHBOARD_ADMIN_PASSWORD"),
    ) {
        (Some(email), Some(password)) if !email.trim().is_empty() => Some(BootstrapAdmin {
            name: get("SWITCHBOARD_ADMIN_NAME").unwrap_or_else(|| "Administrator".into()),
            email,
            password,
        }),
        (Some(_), None) => {
            return Err(ConfigError {
                var: "SWITCHBOARD_ADMIN_PASSWORD",
                problem: "must be set together with SWITCHBOARD_ADMIN_EMAIL".into(),
            });
        }
        _ => None,
    };
    Ok(Config {
        data_dir,
        database_url,
        db_max_connections: number("SWITCHBOARD_DB_MAX_CONNECTIONS", 10, 1)? as u32,
        settings,
        max_body_bytes: number("SWITCHBOARD_MAX_BODY_BYTES", 1024 * 1024, 1024)? as usize,
        http: Http {
            header_timeout: Duration::from_secs(number("SWITCHBOARD_HEADER_TIMEOUT_SECS", 10, 1)?),
            idle_timeout: Duration::from_secs(number("SWITCHBOARD_IDLE_TIMEOUT_SECS", 120, 1)?),
            max_connections: number("SWITCHBOARD_MAX_CONNECTIONS", 20_000, 1)? as usize,
            streams_per_key: number("SWITCHBOARD_STREAMS_PER_KEY", 2_000, 1)? as usize,
            shutdown_grace: Duration::from_secs(number("SWITCHBOARD_SHUTDOWN_GRACE_SECS", 10, 1)?),
            render_timeout: Duration::from_secs(number("SWITCHBOARD_RENDER_TIMEOUT_SECS", 20, 1)?),
            metrics_token: get("SWITCHBOARD_METRICS_TOKEN")
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty()),
        },
        json_logs: get("LOG_FORMAT").is_some_and(|f| f.eq_ignore_ascii_case("json")),
        bootstrap_admin,
        keyring: keyring(&get)?,
    })
}

/// `SWITCHBOARD_SECRET_KEYS`, or the file `SWITCHBOARD_SECRET_KEYS_FILE` names (one of them).
fn keyring(get: &impl Fn(&str) -> Option<String>) -> Result<Keyring, ConfigError> {
    let inline = get("SWITCHBOARD_SECRET_KEYS").filter(|v| !v.trim().is_empty());
    let file = get("SWITCHBOARD_SECRET_KEYS_FILE").filter(|v| !v.trim().is_empty());
    let (var, text) = match (inline, file) {
        (Some(_), Some(_)) => {
            return Err(ConfigError {
                var: "SWITCHBOARD_SECRET_KEYS_FILE",
                problem: "set SWITCHBOARD_SECRET_KEYS or SWITCHBOARD_SECRET_KEYS_FILE, not both"
                    .into(),
            });
        }
        (Some(text), None) => ("SWITCHBOARD_SECRET_KEYS", text),
        (None, Some(path)) => (
            "SWITCHBOARD_SECRET_KEYS_FILE",
            std::fs::read_to_string(path.trim()).map_err(|e| ConfigError {
                var: "SWITCHBOARD_SECRET_KEYS_FILE",
                problem: format!("cannot read {path:?}: {e}"),
            })?,
        ),
        (None, None) => return Ok(Keyring::default()),
    };
    Keyring::parse(&text).map_err(|problem| ConfigError { var, problem })
}

pub fn from_env() -> Result<Config, ConfigError> {
    from_lookup(|k| std::env::var(k).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn with(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_to_sqlite_under_the_data_dir() {
        let c = with(&[]).unwrap();
        assert_eq!(c.database_url, "sqlite://./data/switchboard.db?mode=rwc");
        let c = with(&[("SWITCHBOARD_DATA_DIR", "/var/lib/sb")]).unwrap();
        assert_eq!(
            c.database_url,
            "sqlite:///var/lib/sb/switchboard.db?mode=rwc"
        );
        assert_eq!(c.settings.login_max_failures_per_account, 5);
        assert!(c.bootstrap_admin.is_none());
        assert!(!c.keyring.can_seal());
    }

    #[test]
    fn secret_keys_come_from_the_variable_or_a_file() {
        let key = "k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
        let c = with(&[("SWITCHBOARD_SECRET_KEYS", key)]).unwrap();
        assert_eq!(c.keyring.current_id(), Some("k1"));
        let dir = std::env::temp_dir().join(format!("sb-keys-{}", std::process::id()));
        std::fs::write(&dir, format!("# current first\n{key}\n")).unwrap();
        let c = with(&[("SWITCHBOARD_SECRET_KEYS_FILE", dir.to_str().unwrap())]).unwrap();
        assert_eq!(c.keyring.current_id(), Some("k1"));
        std::fs::remove_file(&dir).unwrap();
        let e = with(&[("SWITCHBOARD_SECRET_KEYS", "k1:short")]).unwrap_err();
        assert_eq!(e.var, "SWITCHBOARD_SECRET_KEYS");
        let e = with(&[("SWITCHBOARD_SECRET_KEYS_FILE", "/nonexistent/keys")]).unwrap_err();
        assert!(e.problem.contains("cannot read"), "{}", e.problem);
    }

    #[test]
    fn bad_values_name_the_variable() {
        let e = with(&[("SWITCHBOARD_SESSION_IDLE_MINUTES", "soon")]).unwrap_err();
        assert_eq!(e.var, "SWITCHBOARD_SESSION_IDLE_MINUTES");
        let e = with(&[("SWITCHBOARD_COOKIE_SECURE", "maybe")]).unwrap_err();
        assert_eq!(e.var, "SWITCHBOARD_COOKIE_SECURE");
        let e = with(&[("SWITCHBOARD_TRUST_PROXY", "10.0.0.0/40")]).unwrap_err();
        assert_eq!(e.var, "SWITCHBOARD_TRUST_PROXY");
        let e = with(&[("SWITCHBOARD_PASSWORD_CHECKS", "0")]).unwrap_err();
        assert_eq!(e.var, "SWITCHBOARD_PASSWORD_CHECKS");
        let e = with(&[("SWITCHBOARD_ADMIN_EMAIL", "a@b.c")]).unwrap_err();
        assert_eq!(e.var, "SWITCHBOARD_ADMIN_PASSWORD");
    }

    #[test]
    fn trusted_proxies_by_count_or_ranges() {
        assert_eq!(
            with(&[]).unwrap().settings.trusted_proxies,
            TrustedProxies::None
        );
        let c = with(&[("SWITCHBOARD_TRUST_PROXY", "true")]).unwrap();
        assert_eq!(c.settings.trusted_proxies, TrustedProxies::Hops(1));
        let c = with(&[("SWITCHBOARD_TRUST_PROXY", "2")]).unwrap();
        assert_eq!(c.settings.trusted_proxies, TrustedProxies::Hops(2));
        let c = with(&[("SWITCHBOARD_TRUST_PROXY", "10.0.0.0/8, ::1")]).unwrap();
        assert!(matches!(c.settings.trusted_proxies, TrustedProxies::Ranges(r) if r.len() == 2));
    }

    #[test]
    fn bootstrap_admin_from_env() {
        let c = with(&[
            ("SWITCHBOARD_ADMIN_EMAIL", "ops@example.com"),
            ("SWITCHBOARD_ADMIN_PASSWORD", "a long passphrase"),
        ])
        .unwrap();
        let admin = c.bootstrap_admin.unwrap();
        assert_eq!(admin.email, "ops@example.com");
        assert_eq!(admin.name, "Administrator");
    }
}
