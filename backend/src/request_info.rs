//! What a request says about its sender: cookies, address, scheme, bearer credentials.

use super::settings::{CookieSecure, Settings};
use axum::extract::ConnectInfo;
use http::HeaderMap;
use http::request::Parts;
use std::net::{IpAddr, SocketAddr};

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| switchboard_core::cookies::value(v, name))
        .map(str::to_string)
}

/// The TCP peer's address.
fn peer(parts: &Parts) -> Option<IpAddr> {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_canonical())
}

/// Did the request come straight from a trusted proxy, so its forwarding headers count?
pub fn from_trusted_proxy(parts: &Parts, settings: &Settings) -> bool {
    settings.trusted_proxies.trusts_peer(peer(parts))
}

/// The client's address: the peer, or behind trusted proxies the address the outermost trusted
/// proxy saw (see [`super::proxies::TrustedProxies::client`]); never the client's own `X-Forwarded-For` claim.
pub fn client_ip(parts: &Parts, settings: &Settings) -> Option<String> {
    let forwarded: Vec<&str> = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .collect();
    settings
        .trusted_proxies
        .client(peer(parts), &forwarded)
        .map(|ip| ip.to_string())
}

pub fn user_agent(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get(http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.chars().take(300).collect())
}

/// Did the request reach us over https? Known from the request line, from a trusted proxy's
/// `X-Forwarded-Proto`, or from the `Origin` a browser sends with every sign-in (its page's own
/// scheme; a false claim can only make the cookie stricter).
pub fn is_https(parts: &Parts, settings: &Settings) -> bool {
    let header_is_https = |name: &str| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|p| p.trim().to_ascii_lowercase().starts_with("https"))
    };
    parts.uri.scheme_str() == Some("https")
        || (from_trusted_proxy(parts, settings) && header_is_https("x-forwarded-proto"))
        || parts
            .headers
            .get(http::header::ORIGIN)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|o| o.to_ascii_lowercase().starts_with("https://"))
}

/// Whether the session cookie is marked `Secure` (and so named with the `__Host-` prefix).
pub fn secure_cookies(parts: &Parts, settings: &Settings) -> bool {
    match settings.cookie_secure {
        CookieSecure::Always => true,
        CookieSecure::Never => false,
        CookieSecure::Auto => is_https(parts, settings),
    }
}

/// The credential of an API call: `Authorization: Bearer X` or `X-API-Key: X`.
pub fn bearer(headers: &HeaderMap) -> Option<String> {
    if let Some(auth) = headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        let (scheme, value) = auth.trim().split_once(' ')?;
        return scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| value.trim().to_string())
            .filter(|v| !v.is_empty());
    }
    headers
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn finds_a_cookie_among_several() {
        let mut h = HeaderMap::new();
        h.insert(
            http::header::COOKIE,
            HeaderValue::from_static("a=1; sb_session=xyz; b=2"),
        );
        assert_eq!(cookie(&h, "sb_session").as_deref(), Some("xyz"));
        assert_eq!(cookie(&h, "missing"), None);
    }

    #[test]
    fn bearer_and_api_key_headers() {
        let mut h = HeaderMap::new();
        h.insert(
            http::header::AUTHORIZATION,
            HeaderValue::from_static("Bearer abc"),
        );
        assert_eq!(bearer(&h).as_deref(), Some("abc"));
        let mut h = HeaderMap::new();
        h.insert("x-api-key", HeaderValue::from_static(" k1 "));
        assert_eq!(bearer(&h).as_deref(), Some("k1"));
        let mut h = HeaderMap::new();
        h.insert(
            http::header::AUTHORIZATION,
            HeaderValue::from_static("Basic abc"),
        );
        assert_eq!(bearer(&h), None);
    }
}
