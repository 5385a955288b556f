//! The dashboard (server-side rendering and server functions) runs on one dedicated thread.
//!
//! Leptos 0.8's reactive graph can deadlock when its code runs on several threads at once: a
//! Suspense boundary's effect and a resource take their locks in opposite orders
//! (leptos-rs/leptos#4673, #4578; seen here as `/flags` hanging every worker for good), and
//! without sandboxed arenas every reactive value of the process lives in one global arena behind
//! one lock. So everything that touches Leptos runs on this thread, and only here: page renders,
//! server functions, and the route list built (by rendering the app once) for each router. That
//! last one ran on the caller's thread before, which in a process with several servers (the
//! integration tests) overlapped other servers' renders. Pages render with `SsrMode::Async`
//! (complete before the first byte), so the response is collected here too and nothing reactive
//! is polled from another thread.
//!
//! Nothing on this thread blocks: database access is async and password hashing goes to the
//! blocking pool. A request that has not answered within its deadline (a stalled database, say)
//! gets an error page and its task is cancelled, so it cannot hold the thread or the client.
//!
//! The delivery and admin REST APIs keep the multi-threaded runtime: they do not touch Leptos.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use std::sync::OnceLock;
use std::time::Duration;
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

/// Runs `work` on the render thread and waits for its result (for Leptos work done outside a
/// request, such as building the route list). Blocks the calling thread meanwhile.
pub fn run<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    handle().spawn(async move {
        let _ = tx.send(work());
    });
    match rx.recv() {
        Ok(result) => result,
        // The task was dropped without running, which only a panic inside `work` does.
        Err(_) => panic!("the render thread could not run the task (it panicked)"),
    }
}

/// How long a dashboard request may take (`SWITCHBOARD_RENDER_TIMEOUT_SECS`).
#[derive(Clone, Copy, Debug)]
pub struct Deadline(pub Duration);

/// Middleware for the dashboard's routes: runs the rest of the stack on the render thread and
/// hands back the complete response, or an error page once the deadline has passed.
pub async fn on_render_thread(
    State(Deadline(limit)): State<Deadline>,
    request: Request,
    next: Next,
) -> Response {
    let is_rpc = request.uri().path().starts_with(app::api::PREFIX);
    let path = request.uri().path().to_string();
    let mut task = AbortOnDrop(handle().spawn(async move {
        let (parts, body) = next.run(request).await.into_parts();
        to_bytes(body, usize::MAX)
            .await
            .map(|bytes| Response::from_parts(parts, Body::from(bytes)))
    }));
    let finished = match tokio::time::timeout(limit, &mut task.0).await {
        Ok(finished) => finished,
        Err(_) => {
            // Cancelled at its next await (by the guard): what it waits on is dropped.
            tracing::error!(%path, limit_ms = limit.as_millis() as u64, "a dashboard request did not answer in time");
            return too_slow(is_rpc);
        }
    };
    match finished {
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

/// Cancels the render task when its request is given up: on the deadline, and when the client's
/// connection goes (the middleware's future is dropped), so no task outlives its request holding
/// a database connection (which would also hold up the pool's close at shutdown).
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// 503 with Retry-After: a page for the browser, the server's error in JSON for server functions.
fn too_slow(is_rpc: bool) -> Response {
    let mut response = if is_rpc {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(app::AppError::Internal),
        )
            .into_response()
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Html(
                "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
                 <title>Try again · Switchboard</title></head><body><main>\
                 <h1>This page took too long</h1><p>The server could not finish this page in \
                 time. Try again in a few seconds.</p><p><a href=\"/\">Home</a></p></main>\
                 </body></html>",
            ),
        )
            .into_response()
    };
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    response
}
