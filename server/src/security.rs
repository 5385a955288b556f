//! Response headers every answer carries (pages set their own nonce-based Content-Security-Policy
//! while rendering; everything else gets a policy that allows nothing), and the cross-site
//! request guard of the dashboard's server functions.

use app::AppError;
use app::AppState;
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use switchboard_backend::{Settings, request_info};

const NOTHING_ALLOWED: &str = "default-src 'none'; frame-ancestors 'none'";

pub async fn headers(request: Request, next: Next) -> Response {
    // Built assets are content-addressed by build; everything else may carry user data.
    let cacheable =
        request.uri().path().starts_with("/pkg/") || request.uri().path() == "/favicon.ico";
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(NOTHING_ALLOWED));
    if !cacheable {
        h.entry(header::CACHE_CONTROL)
            .or_insert(HeaderValue::from_static("no-store"));
    }
    response
}

/// Every sign-in takes a place in the password gate here, as it arrives and before it queues on
/// the render thread that also draws signed-in users' pages: when all places are taken it is
/// refused at once (429, Retry-After), so a burst costs neither database writes nor page delays.
pub async fn sign_in_admission(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if request.method() != Method::POST || request.uri().path() != SIGN_IN_PATH {
        return next.run(request).await;
    }
    match state.passwords.admit() {
        Ok(_place) => next.run(request).await,
        Err(busy) => busy.into_response(),
    }
}

const SIGN_IN_PATH: &str = "/rpc/login";

/// Server functions that change state take only what the dashboard itself sends: a JSON body
/// (a cross-site HTML form can post `text/plain`, `multipart/form-data` or
/// `application/x-www-form-urlencoded` without a CORS preflight, but never JSON), from a page of
/// this site (`Sec-Fetch-Site`, else `Origin`). This backs up the SameSite=Strict session cookie
/// for browsers that do not honor it. Reads (GET) change nothing and pass.
pub async fn same_site_json(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let guarded = request.uri().path().starts_with(app::api::PREFIX)
        && !matches!(
            *request.method(),
            Method::GET | Method::HEAD | Method::OPTIONS
        );
    if !guarded {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    if let Some(refusal) = cross_site(&parts, &state.settings) {
        return refuse(StatusCode::FORBIDDEN, refusal);
    }
    if !is_json(&parts.headers) {
        return refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Send the arguments as JSON (Content-Type: application/json)".into(),
        );
    }
    next.run(Request::from_parts(parts, body)).await
}

fn refuse(status: StatusCode, message: String) -> Response {
    let mut response = AppError::bad_request(message).into_response();
    *response.status_mut() = status;
    response
}

/// Why the request is not from a page of this site, if it is not. Browsers send
/// `Sec-Fetch-Site` (all current ones) or at least `Origin` with every POST; a request with
/// neither is not from a browser, so it carries no ambient cookie an attacker could abuse.
pub fn cross_site(parts: &Parts, settings: &Settings) -> Option<String> {
    let value = |name| {
        parts
            .headers
            .get(name)
            .map(|v| v.to_str().unwrap_or("(not text)").trim().to_string())
    };
    if let Some(site) = value("sec-fetch-site") {
        // `none`: the user themselves started it (typed or bookmarked), not another site.
        return (!matches!(site.as_str(), "same-origin" | "none")).then(|| {
            format!("Refused: this request came from another site (Sec-Fetch-Site: {site})")
        });
    }
    let origin = value(header::ORIGIN.as_str())?;
    let host = request_info::from_trusted_proxy(parts, settings)
        .then(|| value("x-forwarded-host"))
        .flatten()
        .or_else(|| value(header::HOST.as_str()))
        .or_else(|| parts.uri.authority().map(|a| a.to_string()));
    let origin_host = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"));
    match (origin_host, host) {
        (Some(o), Some(h)) if o.eq_ignore_ascii_case(&h) => None,
        _ => Some(format!(
            "Refused: this request came from another site (Origin: {origin})"
        )),
    }
}

/// Is the body declared as JSON (`application/json`, parameters such as a charset allowed)?
pub fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(headers: &[(&str, &str)]) -> Parts {
        let mut b = http::Request::builder()
            .method("POST")
            .uri("/rpc/users/create");
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(()).unwrap().into_parts().0
    }

    /// (headers, refused?), by hand from the Fetch Metadata and Origin rules.
    #[test]
    fn only_pages_of_this_site_may_post() {
        let settings = Settings::default();
        let cases: &[(&[(&str, &str)], bool)] = &[
            (&[("host", "sb.example")], false),
            (
                &[("host", "sb.example"), ("sec-fetch-site", "same-origin")],
                false,
            ),
            (&[("host", "sb.example"), ("sec-fetch-site", "none")], false),
            (
                &[("host", "sb.example"), ("sec-fetch-site", "same-site")],
                true,
            ),
            (
                &[("host", "sb.example"), ("sec-fetch-site", "cross-site")],
                true,
            ),
            // Sec-Fetch-Site decides when present, whatever Origin says.
            (
                &[
                    ("host", "sb.example"),
                    ("sec-fetch-site", "cross-site"),
                    ("origin", "https://sb.example"),
                ],
                true,
            ),
            (
                &[("host", "sb.example"), ("origin", "https://sb.example")],
                false,
            ),
            (
                &[
                    ("host", "sb.example:8443"),
                    ("origin", "https://SB.example:8443"),
                ],
                false,
            ),
            (
                &[("host", "sb.example"), ("origin", "https://evil.example")],
                true,
            ),
            (
                &[
                    ("host", "sb.example"),
                    ("origin", "https://sb.example.evil.example"),
                ],
                true,
            ),
            (
                &[("host", "sb.example"), ("origin", "https://sb.example:444")],
                true,
            ),
            (&[("host", "sb.example"), ("origin", "null")], true),
            // X-Forwarded-Host counts only from a trusted proxy.
            (
                &[
                    ("host", "10.0.0.5:3000"),
                    ("x-forwarded-host", "sb.example"),
                    ("origin", "https://sb.example"),
                ],
                true,
            ),
        ];
        for (headers, refused) in cases {
            assert_eq!(
                cross_site(&parts(headers), &settings).is_some(),
                *refused,
                "{headers:?}"
            );
        }
    }

    #[test]
    fn only_json_bodies() {
        let ct = |v: &str| parts(&[("content-type", v)]).headers;
        assert!(is_json(&ct("application/json")));
        assert!(is_json(&ct("Application/JSON; charset=utf-8")));
        for bad in [
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "application/jsonp",
            "text/plain; application/json",
        ] {
            assert!(!is_json(&ct(bad)), "{bad}");
        }
        assert!(!is_json(&parts(&[]).headers));
    }
}
