//! Running the server in production: liveness and readiness, Prometheus metrics, logs, and the
//! command-line health check containers use.

pub mod health;
pub mod healthcheck;
pub mod logging;
pub mod metrics;
