//! Prometheus metrics: requests by route and status, latency histograms, database pool, build.

use app::backend::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Instant;

const LATENCY: &str = "http_request_duration_seconds";

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
        metrics::gauge!("switchboard_build_info", "version" => env!("CARGO_PKG_VERSION")).set(1.0);
        handle
    })
}

pub async fn track(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let method = request.method().to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status).increment(1);
    metrics::histogram!(LATENCY, "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

pub async fn render(State(state): State<AppState>) -> impl IntoResponse {
    let (open, idle) = state.db.pool_stats();
    metrics::gauge!("db_pool_connections", "backend" => state.db.backend().name()).set(open as f64);
    metrics::gauge!("db_pool_idle_connections", "backend" => state.db.backend().name())
        .set(idle as f64);
    // Every snapshot moves to the same change-log revision together.
    metrics::gauge!("switchboard_snapshot_revision").set(state.delivery.revision() as f64);
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
}
