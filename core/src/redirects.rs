//! Where to send someone after they sign in. One pure function, run by the server (a signed-in
//! visitor of `/login?next=…` gets a 302) and by the browser (after the sign-in form succeeds),
//! so both sides follow exactly the same rule.

use url::{Position, Url};

/// Stands in for this site while parsing: only whether the origin changes matters, not its name.
const THIS_SITE: &str = "http://switchboard.invalid/";

/// Where to go after signing in: a path on this site, never another origin.
///
/// The value is parsed the way a browser parses it (WHATWG URL: tabs and newlines dropped,
/// backslashes read as slashes, `.` segments resolved) relative to this site, and kept only if
/// the origin stays the same. What comes back is the parser's own serialization, so the browser
/// reads it exactly as it was checked. Anything else, and the sign-in page itself, is `/`.
pub fn safe_next(next: Option<&str>) -> String {
    next.and_then(same_origin_path)
        .unwrap_or_else(|| "/".to_string())
}

fn same_origin_path(next: &str) -> Option<String> {
    // Only paths: a value naming its own scheme or host is refused before parsing, even when it
    // would happen to point here.
    if !next.starts_with('/') || next.starts_with("//") {
        return None;
    }
    let base = Url::parse(THIS_SITE).ok()?;
    let parsed = base.join(next).ok()?;
    if parsed.origin() != base.origin() {
        return None;
    }
    let path = &parsed[Position::BeforePath..];
    // A path that serializes as `//host` would be read as another origin when followed.
    if !path.starts_with('/') || path.starts_with("//") {
        return None;
    }
    let route = parsed.path();
    if route == "/login" || route.starts_with("/login/") {
        return None;
    }
    Some(path.to_string())
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    /// Values the query string can carry (already percent-decoded, as the router hands them
    /// over), written out by hand with where they must lead.
    const CASES: &[(&str, &str)] = &[
        ("/users", "/users"),
        (
            "/flags/checkout?env=staging#rules",
            "/flags/checkout?env=staging#rules",
        ),
        ("/config/a%2Fb", "/config/a%2Fb"),
        ("/", "/"),
        // Other origins, spelled every way a browser accepts.
        ("//evil.example", "/"),
        ("///evil.example", "/"),
        ("https://evil.example", "/"),
        ("http:evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("/\t/evil.example", "/"),
        ("/\n/evil.example", "/"),
        ("/\r\n/evil.example", "/"),
        ("\t//evil.example", "/"),
        (" /users", "/"),
        ("/\\evil.example", "/"),
        ("\\/evil.example", "/"),
        ("\\\\evil.example", "/"),
        ("/\\/evil.example", "/"),
        ("/.//evil.example", "/"),
        ("/./\\evil.example", "/"),
        ("/..//evil.example", "/"),
        ("/%2e%2e//evil.example", "/"),
        ("/\t\\evil.example", "/"),
        // The sign-in page itself would loop.
        ("/login", "/"),
        ("/login?next=/users", "/"),
        ("", "/"),
    ];

    #[test]
    fn next_stays_on_this_site() {
        for (next, expected) in CASES {
            assert_eq!(safe_next(Some(next)), *expected, "next = {next:?}");
        }
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn harmless_oddities_are_normalized_not_refused() {
        // Parsed the browser's way: dot segments resolve and a tab inside a segment is dropped.
        assert_eq!(safe_next(Some("/flags/../users")), "/users");
        assert_eq!(safe_next(Some("/us\ters")), "/users");
    }
}
