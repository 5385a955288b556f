//! The compiled site's files under `/pkg` (wasm, js, css): served by tokio's file I/O on the
//! worker threads, never on the dashboard's single render thread, as the brotli or gzip copy
//! `cargo leptos build --precompress` wrote beside each file when the browser accepts one.
//!
//! Files whose name carries their content hash (cargo-leptos's `hash-files`, listed in the hash
//! file next to the binary) never change under that name, so browsers may keep them for a year
//! without asking again; anything else is revalidated on every use.

use axum::Router;
use axum::extract::Request;
use axum::http::HeaderValue;
use axum::http::header::CACHE_CONTROL;
use axum::middleware::Next;
use axum::response::Response;
use leptos::config::LeptosOptions;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tower_http::services::ServeDir;

pub const FOREVER: &str = "public, max-age=31536000, immutable";
pub const REVALIDATE: &str = "no-cache";

/// The hashed file names a cargo-leptos hash file (`js: HASH`, `wasm: HASH`, `css: HASH` lines)
/// describes for the site's output name; malformed lines name nothing.
pub fn hashed_names(output_name: &str, hash_file: &str) -> HashSet<String> {
    hash_file
        .lines()
        .filter_map(|line| line.split_once(':'))
        .filter_map(|(kind, hash)| {
            let (kind, hash) = (kind.trim(), hash.trim());
            let ext = match kind {
                "js" | "wasm" | "css" => kind,
                _ => return None,
            };
            // cargo-leptos writes unpadded base64url digests.
            let digest = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
            (!hash.is_empty() && hash.chars().all(digest))
                .then(|| format!("{output_name}.{hash}.{ext}"))
        })
        .collect()
}

/// Where Leptos looks for the hash file: beside the running binary.
pub fn hash_file_path(options: &LeptosOptions) -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    Some(exe.parent()?.join(options.hash_file.as_ref()))
}

/// The hashed names of the running site, or none when hashing is off or the file is missing.
pub fn site_hashed_names(options: &LeptosOptions) -> HashSet<String> {
    if !options.hash_files {
        return HashSet::new();
    }
    match hash_file_path(options).map(|p| std::fs::read_to_string(&p).map(|t| (p, t))) {
        Some(Ok((_, text))) => hashed_names(&options.output_name, &text),
        Some(Err(e)) => {
            tracing::warn!(error = %e, "hash-files is on but the hash file cannot be read; site files will be revalidated on every use");
            HashSet::new()
        }
        None => HashSet::new(),
    }
}

/// `/{site_pkg_dir}/...` from `{site_root}/{site_pkg_dir}`.
pub fn router<S: Clone + Send + Sync + 'static>(
    options: &LeptosOptions,
    hashed: HashSet<String>,
) -> Router<S> {
    let dir = Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    let files = ServeDir::new(dir)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(false);
    let hashed = Arc::new(hashed);
    Router::new().nest_service(
        &format!("/{}", options.site_pkg_dir.trim_matches('/')),
        Router::new()
            .fallback_service(files)
            .layer(axum::middleware::from_fn(
                move |req: Request, next: Next| {
                    let hashed = hashed.clone();
                    async move { cache_for(&hashed, req, next).await }
                },
            )),
    )
}

async fn cache_for(hashed: &HashSet<String>, req: Request, next: Next) -> Response {
    let forever = req
        .uri()
        .path()
        .rsplit('/')
        .next()
        .is_some_and(|name| hashed.contains(name));
    let mut response = next.run(req).await;
    if response.status().is_success() || response.status().as_u16() == 304 {
        response.headers_mut().insert(
            CACHE_CONTROL,
            HeaderValue::from_static(if forever { FOREVER } else { REVALIDATE }),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::{FOREVER, REVALIDATE, hashed_names, router};
    use axum::body::{Body, to_bytes};
    use axum::http::{Request, StatusCode};
    use leptos::config::LeptosOptions;
    use tower::ServiceExt;

    /// A site as `cargo leptos build --release --precompress` leaves it: each file with its
    /// brotli and gzip copies beside it (here marked by their content, not really compressed).
    fn site() -> (tempfile::TempDir, LeptosOptions) {
        let root = tempfile::tempdir().unwrap();
        let pkg = root.path().join("pkg");
        std::fs::create_dir(&pkg).unwrap();
        for name in ["switchboard.Ab-c_12.wasm", "snippet.js"] {
            std::fs::write(pkg.join(name), format!("plain {name}")).unwrap();
            std::fs::write(pkg.join(format!("{name}.br")), format!("br {name}")).unwrap();
            std::fs::write(pkg.join(format!("{name}.gz")), format!("gz {name}")).unwrap();
        }
        let options = LeptosOptions::builder()
            .output_name("switchboard")
            .site_root(root.path().to_str().unwrap())
            .site_pkg_dir("pkg")
            .build();
        (root, options)
    }

    async fn get(
        options: &LeptosOptions,
        path: &str,
        accept: Option<&str>,
    ) -> (StatusCode, Option<String>, Option<String>, String) {
        let app = router::<()>(options, hashed_names("switchboard", "wasm: Ab-c_12\n"));
        let mut req = Request::get(path);
        if let Some(accept) = accept {
            req = req.header("accept-encoding", accept);
        }
        let res = app.oneshot(req.body(Body::empty()).unwrap()).await.unwrap();
        let header = |name: &str| {
            res.headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_string())
        };
        let (encoding, cache) = (header("content-encoding"), header("cache-control"));
        let status = res.status();
        let body = to_bytes(res.into_body(), 1 << 20).await.unwrap();
        (
            status,
            encoding,
            cache,
            String::from_utf8_lossy(&body).into(),
        )
    }

    #[tokio::test]
    async fn site_files_go_out_precompressed_when_the_browser_accepts_it() {
        let (_root, options) = site();
        let wasm = "/pkg/switchboard.Ab-c_12.wasm";
        let got = get(&options, wasm, Some("gzip, deflate, br")).await;
        assert_eq!(got.0, StatusCode::OK);
        assert_eq!(
            (got.1.as_deref(), got.3.as_str()),
            (Some("br"), "br switchboard.Ab-c_12.wasm")
        );
        let got = get(&options, wasm, Some("gzip")).await;
        assert_eq!(
            (got.1.as_deref(), got.3.as_str()),
            (Some("gzip"), "gz switchboard.Ab-c_12.wasm")
        );
        let got = get(&options, wasm, None).await;
        assert_eq!(
            (got.1.as_deref(), got.3.as_str()),
            (None, "plain switchboard.Ab-c_12.wasm")
        );
    }

    #[tokio::test]
    async fn only_files_named_by_their_hash_are_cached_for_good() {
        let (_root, options) = site();
        let hashed = get(&options, "/pkg/switchboard.Ab-c_12.wasm", None).await;
        assert_eq!(hashed.2.as_deref(), Some(FOREVER));
        let plain = get(&options, "/pkg/snippet.js", Some("br")).await;
        assert_eq!(
            (plain.0, plain.2.as_deref()),
            (StatusCode::OK, Some(REVALIDATE))
        );
        let missing = get(&options, "/pkg/switchboard.other.wasm", None).await;
        assert_eq!((missing.0, missing.2), (StatusCode::NOT_FOUND, None));
        let escape = get(&options, "/pkg/../secret", None).await;
        assert_eq!(escape.0, StatusCode::NOT_FOUND);
    }

    #[test]
    fn a_hash_file_names_the_hashed_js_wasm_and_css() {
        let names = hashed_names("switchboard", "js: 3f9a1c\nwasm: b0-7e_22\ncss: 41aa0d\n\n");
        let mut names: Vec<_> = names.into_iter().collect();
        names.sort();
        assert_eq!(
            names,
            [
                "switchboard.3f9a1c.js",
                "switchboard.41aa0d.css",
                "switchboard.b0-7e_22.wasm"
            ]
        );
    }

    #[test]
    fn malformed_or_foreign_lines_name_nothing() {
        for text in [
            "",
            "js",
            "js:",
            "js: ../../etc",
            "html: abc",
            "wasm: a b",
            "css:\u{e9}",
        ] {
            assert!(hashed_names("switchboard", text).is_empty(), "{text:?}");
        }
    }
}
