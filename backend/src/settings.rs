//! Tunables the server reads from its environment at start (see the README's table).

use super::proxies::TrustedProxies;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CookieSecure {
    /// Secure when the request arrived over https (directly or, with trusted proxy headers, via
    /// `X-Forwarded-Proto`).
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone)]
pub struct Settings {
    /// A session unused for this long is over.
    pub session_idle: Duration,
    /// A session is over this long after sign-in, however busy.
    pub session_absolute: Duration,
    pub cookie_secure: CookieSecure,
    /// The proxies whose `X-Forwarded-For` / `X-Forwarded-Proto` are believed (only ones you run).
    pub trusted_proxies: TrustedProxies,
    /// Failed sign-ins allowed per account within `login_window`.
    pub login_max_failures_per_account: u32,
    /// Failed sign-ins allowed per client address within `login_window`.
    pub login_max_failures_per_ip: u32,
    pub login_window: Duration,
    /// Password checks that run at once (each holds a core and about 19 MiB).
    pub password_checks: usize,
    /// Sign-ins that may wait for a check before more are refused with 429.
    pub password_check_queue: usize,
    /// How often expired sessions, old sign-in failures and old change rows are deleted.
    pub purge_every: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            session_idle: Duration::from_secs(8 * 3600),
            session_absolute: Duration::from_secs(7 * 24 * 3600),
            cookie_secure: CookieSecure::Auto,
            trusted_proxies: TrustedProxies::None,
            login_max_failures_per_account: 5,
            login_max_failures_per_ip: 20,
            login_window: Duration::from_secs(15 * 60),
            password_checks: cores(),
            password_check_queue: 2 * cores(),
            purge_every: Duration::from_secs(5 * 60),
        }
    }
}

/// The machine's cores (the default number of concurrent password checks).
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
