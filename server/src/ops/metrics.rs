//! Prometheus metrics: requests by route and status, latency histograms, database pool, build.
//!
//! Every label has a bounded set of values (routes as the router matched them, known methods,
//! status codes), and recorded latencies are folded into the histogram's buckets on a timer, so
//! the recorder's memory stays flat however long the server runs and whether or not anyone scrapes.

use app::AppState;
use axum::Extension;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use sha2::{Digest, Sha256};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};
use switchboard_backend::request_info::bearer;

const LATENCY: &str = "http_request_duration_seconds";

/// The recorder keeps every latency sample in a queue until it is folded into the buckets, which
/// only a scrape or an upkeep does (about 19 bytes per request otherwise, without bound).
const UPKEEP_EVERY: Duration = Duration::from_secs(1);

/// The process-wide recorder (metrics are global; several servers in one test process share it).
pub fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(
                Matcher::Full(LATENCY.to_string()),
                &[
                    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                ],
            )
            .expect("static bucket list is not empty")
            .build_recorder();
        let handle = recorder.handle();
        // Fails only if another recorder was installed first, in which case that one records.
        let _ = metrics::set_global_recorder(recorder);
        spawn_upkeep(handle.clone());
        metrics::gauge!("switchboard_build_info", "version" => env!("CARGO_PKG_VERSION")).set(1.0);
        handle
    })
}

/// A plain thread rather than a task: [`handle`] may first be called outside any runtime, and a
/// test process's runtimes come and go while the recorder stays.
fn spawn_upkeep(handle: PrometheusHandle) {
    let started = std::thread::Builder::new()
        .name("switchboard-metrics".into())
        .spawn(move || {
            loop {
                std::thread::sleep(UPKEEP_EVERY);
                handle.run_upkeep();
            }
        });
    if let Err(e) = started {
        tracing::error!(error = %e, "cannot start the metrics upkeep thread");
    }
}

/// The method as a label: the standard ones by name, anything else (any token is a valid method,
/// so a client could mint a new series per request) as `other`.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        Method::CONNECT => "CONNECT",
        Method::TRACE => "TRACE",
        _ => "other",
    }
}

pub async fn track(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let method = method_label(request.method());
    // With `http_requests_total`, what is in flight (or never ended) right now.
    metrics::counter!("http_requests_started_total", "method" => method, "route" => route.clone())
        .increment(1);
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("http_requests_total", "method" => method, "route" => route.clone(), "status" => status).increment(1);
    metrics::histogram!(LATENCY, "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

/// The token `/metrics` asks for (`SWITCHBOARD_METRICS_TOKEN`), as the router's extension.
#[derive(Clone, Default)]
pub struct ScrapeToken(pub Option<Arc<str>>);

impl ScrapeToken {
    /// Compares digests, so the time taken does not depend on how much of the token matched.
    fn admits(&self, presented: Option<&str>) -> bool {
        match (&self.0, presented) {
            (None, _) => true,
            (Some(expected), Some(presented)) => {
                Sha256::digest(expected.as_bytes()) == Sha256::digest(presented.as_bytes())
            }
            (Some(_), None) => false,
        }
    }
}

pub async fn render(
    State(state): State<AppState>,
    Extension(token): Extension<ScrapeToken>,
    headers: axum::http::HeaderMap,
) -> Response {
    if !token.admits(bearer(&headers).as_deref()) {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            "Send the metrics token as Authorization: Bearer TOKEN\n",
        )
            .into_response();
    }
    let (open, idle) = state.db.pool_stats();
    metrics::gauge!("db_pool_connections", "backend" => state.db.backend().name()).set(open as f64);
    metrics::gauge!("db_pool_idle_connections", "backend" => state.db.backend().name())
        .set(idle as f64);
    // Every snapshot moves to the same change-log revision together.
    metrics::gauge!("switchboard_snapshot_revision").set(state.delivery.revision() as f64);
    // 0 on PostgreSQL while the LISTEN connection is down: changes made on other replicas then
    // arrive only with the periodic revision check, seconds later.
    metrics::gauge!("switchboard_following_changes")
        .set(f64::from(u8::from(state.delivery.is_following())));
    metrics::gauge!("switchboard_snapshot_age_seconds").set(
        state
            .delivery
            .sync_age()
            .map_or(f64::INFINITY, |a| a.as_secs_f64()),
    );
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4",
        )],
        handle().render(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::sync::atomic::{AtomicIsize, Ordering};

    /// Counts the bytes this test binary holds, to see whether recorded samples are ever freed.
    struct Counting;

    static LIVE: AtomicIsize = AtomicIsize::new(0);

    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
            unsafe { System.alloc(layout) }
        }
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
            unsafe { System.dealloc(ptr, layout) }
        }
    }

    #[global_allocator]
    static ALLOCATOR: Counting = Counting;

    #[test]
    fn unknown_methods_share_one_label() {
        assert_eq!(method_label(&Method::GET), "GET");
        assert_eq!(method_label(&Method::PATCH), "PATCH");
        for minted in ["BREW", "X-12345", "get"] {
            let method = Method::from_bytes(minted.as_bytes()).unwrap();
            assert_eq!(method_label(&method), "other", "{minted}");
        }
    }

    #[test]
    fn scrape_token_is_required_only_when_set() {
        assert!(ScrapeToken(None).admits(None));
        let token = ScrapeToken(Some("s3cret-token".into()));
        assert!(token.admits(Some("s3cret-token")));
        assert!(!token.admits(None));
        assert!(!token.admits(Some("s3cret")));
        assert!(!token.admits(Some("s3cret-token-and-more")));
    }

    /// With nobody scraping, a million requests' latencies must not stay in memory: 500,000
    /// samples are about 4 MB while queued, and nothing but the upkeep frees them.
    #[test]
    fn latency_samples_do_not_accumulate_without_a_scrape() {
        handle();
        let latency = metrics::histogram!(LATENCY, "method" => "GET", "route" => "/memory-test");
        latency.record(0.001);
        std::thread::sleep(UPKEEP_EVERY * 3);
        let before = LIVE.load(Ordering::Relaxed);
        for i in 0..500_000u32 {
            latency.record(f64::from(i % 1000) / 1e6);
        }
        // Two upkeeps, and the recorder's deferred frees with them.
        std::thread::sleep(UPKEEP_EVERY * 3);
        latency.record(0.001);
        std::thread::sleep(UPKEEP_EVERY * 2);
        let grown = LIVE.load(Ordering::Relaxed) - before;
        assert!(
            grown < 1024 * 1024,
            "{grown} bytes still held after 500,000 samples"
        );
    }
}
