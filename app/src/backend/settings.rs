//! Tunables the server reads from its environment at start (see the README's table).

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
    /// Believe `X-Forwarded-For` / `X-Forwarded-Proto` (only behind a proxy you run).
    pub trust_proxy_headers: bool,
    /// Failed sign-ins allowed per account within `login_window`.
    pub login_max_failures_per_account: u32,
    /// Failed sign-ins allowed per client address within `login_window`.
    pub login_max_failures_per_ip: u32,
    pub login_window: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            session_idle: Duration::from_secs(8 * 3600),
            session_absolute: Duration::from_secs(7 * 24 * 3600),
            cookie_secure: CookieSecure::Auto,
            trust_proxy_headers: false,
            login_max_failures_per_account: 5,
            login_max_failures_per_ip: 20,
            login_window: Duration::from_secs(15 * 60),
        }
    }
}
