//! Where to send someone after they sign in. One pure function, run by the server (a signed-in
//! visitor of `/login?next=…` gets a 302) and by the browser (after the sign-in form succeeds),
//! so both sides follow exactly the same rule.
//!
//! The value is read the way a browser reads a path-absolute URL on an `http(s)` page (the WHATWG
//! URL standard's steps for this one case), written out here rather than taken from a URL crate:
//! the general parser and its international-domain tables were a seventh of the code the browser
//! downloads before sign-in, for a rule that never needs a host.

use std::fmt::Write;

/// Where to go after signing in: a path on this site, never another origin.
///
/// Tabs and newlines are dropped, backslashes read as slashes, `.` and `..` segments (also
/// percent-encoded) resolved, and what a browser would percent-encode is encoded, so the browser
/// reads the answer exactly as it was checked. A value that is not a path, one a browser would
/// read as another host, and the sign-in page itself all give `/`.
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
    // The standard trims leading and trailing C0 controls and spaces, then drops every tab and
    // newline wherever it stands.
    let input: String = next
        .trim_end_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let (before_fragment, fragment) = split_once_at(&input, '#');
    let (path, query) = split_once_at(before_fragment, '?');
    // `/` or `\` twice at the start names a host: another origin.
    if path.len() > 1 && is_slash(path.as_bytes()[1]) {
        return None;
    }
    let segments = resolve_segments(&path[1..]);
    // A path that serializes as `//host` would be read as another origin when followed.
    if segments.len() > 1 && segments[0].is_empty() {
        return None;
    }
    let mut out = String::with_capacity(input.len() + 1);
    for segment in &segments {
        out.push('/');
        encode_into(&mut out, segment, in_path_set);
    }
    if out.is_empty() {
        out.push('/');
    }
    if out == "/login" || out.starts_with("/login/") {
        return None;
    }
    if let Some(query) = query {
        out.push('?');
        encode_into(&mut out, query, in_query_set);
    }
    if let Some(fragment) = fragment {
        out.push('#');
        encode_into(&mut out, fragment, in_fragment_set);
    }
    Some(out)
}

/// The text before the first `at`, and after it if it occurs.
fn split_once_at(s: &str, at: char) -> (&str, Option<&str>) {
    match s.split_once(at) {
        Some((head, tail)) => (head, Some(tail)),
        None => (s, None),
    }
}

/// On `http(s)` pages a backslash separates path segments like a slash does.
fn is_slash(b: u8) -> bool {
    b == b'/' || b == b'\\'
}

/// The path's segments after `.` and `..` are resolved (raw text, not yet encoded). A dot
/// segment that ends the path leaves an empty last segment, so `/a/..` is `/` and `/a/.` is `/a/`.
fn resolve_segments(path: &str) -> Vec<&str> {
    let mut segments: Vec<&str> = Vec::new();
    let mut rest = path;
    loop {
        let end = rest.bytes().position(is_slash);
        let segment = &rest[..end.unwrap_or(rest.len())];
        let last = end.is_none();
        if is_double_dot(segment) {
            segments.pop();
            if last {
                segments.push("");
            }
        } else if is_single_dot(segment) {
            if last {
                segments.push("");
            }
        } else {
            segments.push(segment);
        }
        match end {
            Some(i) => rest = &rest[i + 1..],
            None => return segments,
        }
    }
}

fn is_single_dot(s: &str) -> bool {
    s == "." || s.eq_ignore_ascii_case("%2e")
}

fn is_double_dot(s: &str) -> bool {
    matches!(s.len(), 2 | 4 | 6)
        && ["..", ".%2e", "%2e.", "%2e%2e"]
            .iter()
            .any(|form| s.eq_ignore_ascii_case(form))
}

/// The standard's percent-encode sets for these three parts of a special URL; every byte
/// outside printable ASCII is encoded by all three.
fn in_fragment_set(b: u8) -> bool {
    matches!(b, b' ' | b'"' | b'<' | b'>' | b'`')
}

fn in_query_set(b: u8) -> bool {
    matches!(b, b' ' | b'"' | b'#' | b'<' | b'>' | b'\'')
}

fn in_path_set(b: u8) -> bool {
    in_fragment_set(b) || matches!(b, b'#' | b'?' | b'{' | b'}')
}

fn encode_into(out: &mut String, text: &str, in_set: fn(u8) -> bool) {
    for (i, c) in text.char_indices() {
        if c.is_ascii() && !c.is_ascii_control() && !in_set(c as u8) {
            out.push(c);
        } else {
            for b in text[i..i + c.len_utf8()].bytes() {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
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
        ("/%2E.//evil.example", "/"),
        ("/\t\\evil.example", "/"),
        ("/a/..//evil.example", "/"),
        // The sign-in page itself would loop.
        ("/login", "/"),
        ("/login?next=/users", "/"),
        ("/login/", "/"),
        ("/x/../login", "/"),
        ("", "/"),
    ];

    /// Oddities a browser reads in a definite way, with what it reads (the WHATWG URL standard's
    /// path, query and fragment states, worked through by hand).
    const NORMALIZED: &[(&str, &str)] = &[
        ("/flags/../users", "/users"),
        ("/us\ters", "/users"),
        ("/users ", "/users"),
        ("/a/b/..", "/a/"),
        ("/a/.", "/a/"),
        ("/..", "/"),
        ("/a\\b", "/a/b"),
        ("/a b?c d#e f", "/a%20b?c%20d#e%20f"),
        ("/é?é#é", "/%C3%A9?%C3%A9#%C3%A9"),
        ("/{x}?'q'#`f`", "/%7Bx%7D?%27q%27#%60f%60"),
        ("/a?b?c#d#e", "/a?b?c#d#e"),
        ("/a?b\\c", "/a?b\\c"),
        ("/logins", "/logins"),
        ("/log%69n", "/log%69n"),
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
        for (next, expected) in NORMALIZED {
            assert_eq!(safe_next(Some(next)), *expected, "next = {next:?}");
        }
    }

    /// The standard's reference behaviour, as the `url` crate implements it (a test-only
    /// dependency): the same rule this module follows, through a general parser.
    fn by_url_crate(next: &str) -> String {
        use url::{Position, Url};
        let site = Url::parse("http://switchboard.invalid/").unwrap();
        let parsed = (next.starts_with('/') && !next.starts_with("//"))
            .then(|| site.join(next).ok())
            .flatten()
            .filter(|u| u.origin() == site.origin());
        let Some(parsed) = parsed else {
            return "/".into();
        };
        let path = &parsed[Position::BeforePath..];
        let route = parsed.path();
        if path.starts_with("//") || route == "/login" || route.starts_with("/login/") {
            return "/".into();
        }
        path.to_string()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(20_000))]

        /// Every short value over the characters that matter to URL parsing is read exactly as
        /// the reference parser reads it.
        #[test]
        fn agrees_with_the_reference_parser(
            tail in proptest::collection::vec(proptest::sample::select(vec![
                "/", "\\", ".", "%2e", "%2E", "%", "?", "#", "\t", "\n", "\r", " ", "\u{1}",
                "\u{7f}", "\"", "<", ">", "`", "{", "}", "'", "^", "é", "a", "login", ":", "@",
                "evil.example",
            ]), 0..12)
        ) {
            let next = format!("/{}", tail.concat());
            proptest::prop_assert_eq!(safe_next(Some(&next)), by_url_crate(&next), "next = {:?}", next);
        }
    }
}
