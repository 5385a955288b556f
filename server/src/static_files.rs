//! The compiled site's files under `/pkg` (wasm, js, css): served by tokio's file I/O on the
//! worker threads, never on the dashboard's single render thread, as the brotli or gzip copy
//! `cargo leptos build --precompress` wrote beside each file when the browser accepts one.
//!
//! A file whose name carries the digest of its own bytes (cargo-leptos's `hash-files`:
//! `name.{md5, unpadded base64url}.ext`) never changes under that name, so browsers may keep it
//! for a year without asking again. The digest is checked against the bytes when the server
//! starts, because cargo-leptos rewrites some files after naming them (the main module and, with
//! `--split`, the chunks' references to the loader): such a file, and anything unhashed, is
//! revalidated on every use instead of being cached stale.

use axum::Router;
use axum::extract::Request;
use axum::http::HeaderValue;
use axum::http::header::CACHE_CONTROL;
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use leptos::config::LeptosOptions;
use md5::{Digest, Md5};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tower_http::services::ServeDir;

pub const FOREVER: &str = "public, max-age=31536000, immutable";
pub const REVALIDATE: &str = "no-cache";

/// Whether `name`'s dotted parts include the digest of `bytes`, as cargo-leptos spells it.
pub fn named_by_content(name: &str, bytes: &[u8]) -> bool {
    let digest = URL_SAFE_NO_PAD.encode(Md5::digest(bytes));
    name.split('.').any(|part| part == digest)
}

/// The paths (relative to `dir`, with `/`) of the files under `dir` named by their content;
/// the precompressed copies are served for the same request path, so they are not listed.
pub fn content_addressed(dir: &Path) -> HashSet<String> {
    fn walk(dir: &Path, prefix: &str, found: &mut HashSet<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let relative = format!("{prefix}{name}");
            if path.is_dir() {
                walk(&path, &format!("{relative}/"), found);
            } else if !(name.ends_with(".br") || name.ends_with(".gz"))
                && std::fs::read(&path).is_ok_and(|bytes| named_by_content(&name, &bytes))
            {
                found.insert(relative);
            }
        }
    }
    let mut found = HashSet::new();
    walk(dir, "", &mut found);
    found
}

/// The site's package folder, `{site_root}/{site_pkg_dir}`.
pub fn pkg_dir(options: &LeptosOptions) -> PathBuf {
    Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref())
}

/// The files of the running site that may be cached for good (none when hashing is off).
pub fn site_hashed_names(options: &LeptosOptions) -> HashSet<String> {
    if !options.hash_files {
        return HashSet::new();
    }
    content_addressed(&pkg_dir(options))
}

/// `/{site_pkg_dir}/...` from `{site_root}/{site_pkg_dir}`.
pub fn router<S: Clone + Send + Sync + 'static>(
    options: &LeptosOptions,
    hashed: HashSet<String>,
) -> Router<S> {
    let files = ServeDir::new(pkg_dir(options))
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
    // Nested under the package prefix: the path here is relative to the package folder.
    let forever = hashed.contains(req.uri().path().trim_start_matches('/'));
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
    use super::{FOREVER, REVALIDATE, content_addressed, named_by_content, router};
    use axum::body::{Body, to_bytes};
    use axum::http::{Request, StatusCode};
    use leptos::config::LeptosOptions;
    use tower::ServiceExt;

    // MD5 digests in unpadded base64url, worked out with Python's hashlib for these contents.
    const MODULE: (&str, &str) = ("the module", "LIO32y2aEbvq57n71n3nuw");
    const REWRITTEN_NAME_DIGEST: &str = "-MV-YaoFya7T3_auDCXFcw"; // of "rewritten after naming"

    /// A site as `cargo leptos build --release --precompress --split` leaves it: each file with
    /// its brotli and gzip copies beside it (marked by their content here, not compressed).
    fn site() -> (tempfile::TempDir, LeptosOptions) {
        let root = tempfile::tempdir().unwrap();
        let pkg = root.path().join("pkg");
        std::fs::create_dir_all(pkg.join("snippets")).unwrap();
        let files = [
            (
                format!("switchboard.{}.wasm", MODULE.1),
                MODULE.0.to_string(),
            ),
            (
                format!("split_chunk.{}.wasm", MODULE.1),
                MODULE.0.to_string(),
            ),
            (
                format!("snippets/lib.{}.js", MODULE.1),
                MODULE.0.to_string(),
            ),
            // Named before cargo-leptos rewrote it: the name no longer tells its content.
            (
                format!("switchboard.{REWRITTEN_NAME_DIGEST}.js"),
                "the main module, rewritten".to_string(),
            ),
            ("snippet.js".to_string(), "plain".to_string()),
        ];
        for (name, content) in files {
            std::fs::write(pkg.join(&name), &content).unwrap();
            std::fs::write(pkg.join(format!("{name}.br")), format!("br {content}")).unwrap();
            std::fs::write(pkg.join(format!("{name}.gz")), format!("gz {content}")).unwrap();
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
        let pkg = std::path::Path::new(options.site_root.as_ref()).join("pkg");
        let app = router::<()>(options, content_addressed(&pkg));
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
        let wasm = format!("/pkg/switchboard.{}.wasm", MODULE.1);
        let got = get(&options, &wasm, Some("gzip, deflate, br")).await;
        assert_eq!(got.0, StatusCode::OK);
        assert_eq!(
            (got.1.as_deref(), got.3.as_str()),
            (Some("br"), "br the module")
        );
        let got = get(&options, &wasm, Some("gzip")).await;
        assert_eq!(
            (got.1.as_deref(), got.3.as_str()),
            (Some("gzip"), "gz the module")
        );
        let got = get(&options, &wasm, None).await;
        assert_eq!((got.1.as_deref(), got.3.as_str()), (None, "the module"));
    }

    #[tokio::test]
    async fn only_files_named_by_their_own_bytes_are_cached_for_good() {
        let (_root, options) = site();
        for path in [
            format!("/pkg/switchboard.{}.wasm", MODULE.1),
            format!("/pkg/split_chunk.{}.wasm", MODULE.1),
            format!("/pkg/snippets/lib.{}.js", MODULE.1),
        ] {
            let got = get(&options, &path, Some("br")).await;
            assert_eq!(
                (got.0, got.2.as_deref()),
                (StatusCode::OK, Some(FOREVER)),
                "{path}"
            );
        }
        let rewritten = format!("/pkg/switchboard.{REWRITTEN_NAME_DIGEST}.js");
        for path in [rewritten.as_str(), "/pkg/snippet.js"] {
            let got = get(&options, path, Some("br")).await;
            assert_eq!(
                (got.0, got.2.as_deref()),
                (StatusCode::OK, Some(REVALIDATE)),
                "{path}"
            );
        }
        let missing = get(&options, "/pkg/switchboard.other.wasm", None).await;
        assert_eq!((missing.0, missing.2), (StatusCode::NOT_FOUND, None));
        let escape = get(&options, "/pkg/../secret", None).await;
        assert_eq!(escape.0, StatusCode::NOT_FOUND);
    }

    #[test]
    fn a_name_is_a_content_name_only_with_the_whole_digest_as_one_part() {
        let (content, digest) = MODULE;
        let yes = [
            format!("a.{digest}.wasm"),
            format!("{digest}.wasm"),
            format!("x.y.{digest}.js"),
        ];
        for name in yes {
            assert!(named_by_content(&name, content.as_bytes()), "{name}");
        }
        let no = [
            format!("a.{}.wasm", &digest[1..]),
            format!("a.{digest}x.wasm"),
            "a.wasm".to_string(),
            format!("a.{digest}.wasm"),
        ];
        for (i, name) in no.iter().enumerate() {
            // The last name is right for MODULE's bytes, not for these.
            let bytes: &[u8] = if i == 3 {
                b"other bytes"
            } else {
                content.as_bytes()
            };
            assert!(!named_by_content(name, bytes), "{name}");
        }
    }
}
