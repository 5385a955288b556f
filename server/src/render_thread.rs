//! The dashboard (server-side rendering and server functions) runs on one dedicated thread.
//!
//! Leptos 0.8's reactive graph can deadlock when a page's tasks run on several worker threads at
//! once: a Suspense boundary's effect and a resource take their locks in opposite orders
//! (leptos-rs/leptos#4673, #4578; seen here as `/flags` hanging every worker for good). On one
//! thread no two of those tasks ever run at the same time, which is the configuration Leptos's
//! authors test. Pages render with `SsrMode::Async` (complete before the first byte), so the
//! response is collected there too and nothing reactive is polled from another thread.
//!
//! The delivery and admin REST APIs keep the multi-threaded runtime: they do not touch Leptos.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::OnceLock;
use tokio::runtime::{Builder, Handle};

fn handle() -> &'static Handle {
    static HANDLE: OnceLock<Handle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let runtime = Builder::new_current_thread()
            .enable_all()
            .thread_name("switchboard-render")
            .build()
            .expect("a current-thread runtime can always be built");
        let handle = runtime.handle().clone();
        std::thread::Builder::new()
            .name("switchboard-render".into())
            // Drives the runtime (tasks, timers, I/O) for as long as the process lives.
            .spawn(move || runtime.block_on(std::future::pending::<()>()))
            .expect("cannot start the render thread");
        handle
    })
}

/// Middleware for the dashboard's routes: runs the rest of the stack on the render thread and
/// hands back the complete response.
pub async fn on_render_thread(request: Request, next: Next) -> Response {
    let task = handle().spawn(async move {
        let (parts, body) = next.run(request).await.into_parts();
        to_bytes(body, usize::MAX)
            .await
            .map(|bytes| Response::from_parts(parts, Body::from(bytes)))
    });
    match task.await {
        Ok(Ok(response)) => response,
        Ok(Err(e)) => {
            tracing::error!(error = %e, "rendering a page failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "the render task failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
