//! Liveness and readiness for orchestrators.

use app::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use switchboard_backend::delivery::STALE_AFTER;

/// The process is up and serving.
pub async fn healthz() -> &'static str {
    "ok"
}

/// The process can do its work: the database answers, and what the delivery APIs serve was
/// confirmed current within `STALE_AFTER` (a replica that cannot catch up leaves the pool).
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    if !state.db.ping().await {
        return (StatusCode::SERVICE_UNAVAILABLE, "database unreachable");
    }
    match state.delivery.sync_age() {
        Some(age) if age <= STALE_AFTER => (StatusCode::OK, "ready"),
        _ => (
            StatusCode::SERVICE_UNAVAILABLE,
            "delivery snapshots are behind the database",
        ),
    }
}
