//! Accepting connections. Every connection goes to hyper, except those that open with a watch
//! request (config or menus): hyper keeps an 8 KiB read buffer and an 8 KiB header buffer for as
//! long as a connection lives and chunk-encodes streamed bodies, which at 10,000 open watch streams
//! is about 160 MB and a three-part write per event per stream. Those connections are answered by
//! [`crate::delivery::lean_http`] instead, through the same router.
//!
//! Both kinds are bounded the same way ([`Http`]): at most `max_connections` open at once (further
//! ones wait in the listen backlog), a request head within `header_timeout` (hyper's timer, which
//! also ends idle keep-alive connections), no connection without a byte moving for
//! `idle_timeout`, and after shutdown begins, `shutdown_grace` for what is in flight before the
//! rest is closed.

use crate::config::Http;
use crate::delivery::lean_http::{self, Route};
use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::time::{Instant, Sleep};
use tower::ServiceExt;

/// Serves `router` on `listener` with the default limits until `shutdown` resolves.
pub async fn serve<F>(listener: TcpListener, router: Router, shutdown: F) -> io::Result<()>
where
    F: Future<Output = ()> + Send + 'static,
{
    serve_with(listener, router, &Http::default(), shutdown).await
}

/// Serves `router` on `listener` until `shutdown` resolves, then stops accepting, lets in-flight
/// requests finish (idle keep-alive connections close at once; watch streams end when the delivery
/// closes) for at most `http.shutdown_grace`, and closes whatever is left.
pub async fn serve_with<F>(
    mut listener: TcpListener,
    router: Router,
    http: &Http,
    shutdown: F,
) -> io::Result<()>
where
    F: Future<Output = ()> + Send + 'static,
{
    let max = u32::try_from(http.max_connections)
        .unwrap_or(u32::MAX)
        .min(Semaphore::MAX_PERMITS as u32);
    let slots = Arc::new(Semaphore::new(max as usize));
    // `stopping`: finish what is in flight and take nothing new; `closing`: drop everything.
    let (stopping, _) = watch::channel(false);
    let (closing, _) = watch::channel(false);
    let limits = Limits {
        header_timeout: http.header_timeout,
        idle_timeout: http.idle_timeout,
    };
    tokio::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            _ = &mut shutdown => break,
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
        };
        let (stream, peer) = tokio::select! {
            _ = &mut shutdown => break,
            // axum's accept retries (and logs) failures such as running out of file descriptors.
            accepted = axum::serve::Listener::accept(&mut listener) => accepted,
        };
        let connection = Connection {
            router: router.clone(),
            limits,
            stopping: stopping.subscribe(),
            _slot: slot,
        };
        let mut closed = closing.subscribe();
        tokio::spawn(async move {
            tokio::select! {
                _ = connection.run(stream, peer) => {}
                _ = closed.wait_for(|c| *c) => {}
            }
        });
    }
    drop(listener);
    let _ = stopping.send(true);
    // Every connection holds a slot: all of them back means every connection has ended.
    let everything = max;
    if tokio::time::timeout(http.shutdown_grace, slots.acquire_many(everything))
        .await
        .is_err()
    {
        tracing::warn!(
            open = max as usize - slots.available_permits(),
            "the shutdown grace period is over: closing the remaining connections"
        );
        let _ = closing.send(true);
        let _ = slots.acquire_many(everything).await;
    }
    Ok(())
}

#[derive(Clone, Copy)]
struct Limits {
    header_timeout: Duration,
    idle_timeout: Duration,
}

struct Connection {
    router: Router,
    limits: Limits,
    stopping: watch::Receiver<bool>,
    /// Given back when the connection ends, however it ends.
    _slot: OwnedSemaphorePermit,
}

impl Connection {
    async fn run(mut self, mut stream: TcpStream, peer: SocketAddr) {
        let limits = self.limits;
        // Boxed, like the router call inside `answer`: only the stream stays allocated.
        let route = Box::pin(lean_http::route(&mut stream, peer, limits.header_timeout));
        let route = tokio::select! {
            route = route => route,
            // Not yet a request: nothing in flight to finish.
            _ = self.stopping.wait_for(|s| *s) => return,
        };
        match route {
            Route::Lean(request) => {
                let _open = OpenConnection::count("watch");
                lean_http::answer(stream, self.router, *request, limits.idle_timeout).await;
            }
            Route::Hyper => {
                let _open = OpenConnection::count("http");
                self.hyper(stream, peer).await
            }
            Route::Gone => {}
        }
    }

    async fn hyper(mut self, stream: TcpStream, peer: SocketAddr) {
        let limits = self.limits;
        let router = self.router.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            router.clone().oneshot(request.map(Body::new))
        });
        let io = TokioIo::new(Idle::new(stream, limits.idle_timeout));
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_timeout)
            .serve_connection(io, service)
            .with_upgrades();
        tokio::pin!(connection);
        tokio::select! {
            _ = connection.as_mut() => return,
            _ = self.stopping.wait_for(|s| *s) => {}
        }
        // Ends at once when idle, after the answer in flight otherwise.
        connection.as_mut().graceful_shutdown();
        let _ = connection.await;
    }
}

/// One connection in the `http_connections_open` gauge, by who answers it, for as long as it is
/// held: how close the server is to `max_connections`, and how many are watch streams.
struct OpenConnection(metrics::Gauge);

impl OpenConnection {
    fn count(handler: &'static str) -> OpenConnection {
        let gauge = metrics::gauge!("http_connections_open", "handler" => handler);
        gauge.increment(1.0);
        OpenConnection(gauge)
    }
}

impl Drop for OpenConnection {
    fn drop(&mut self) {
        self.0.decrement(1.0);
    }
}

/// A connection on which no byte may stand still for longer than `limit`: a read or write that
/// has waited that long fails with `TimedOut`. Only waits the connection is polled for count, so
/// a handler working on an answer is not cut off by this (hyper polls reads again only once it
/// wants the next request or the body).
struct Idle<T> {
    inner: T,
    limit: Duration,
    deadline: Pin<Box<Sleep>>,
}

impl<T> Idle<T> {
    fn new(inner: T, limit: Duration) -> Idle<T> {
        Idle {
            inner,
            limit,
            deadline: Box::pin(tokio::time::sleep(limit)),
        }
    }

    fn moved(&mut self) {
        self.deadline.as_mut().reset(Instant::now() + self.limit);
    }

    /// Called when the inner I/O is not ready: an error once the connection has stood still
    /// too long.
    fn standing_still(&mut self, cx: &mut Context<'_>) -> Poll<io::Error> {
        ready!(self.deadline.as_mut().poll(cx));
        Poll::Ready(io::Error::new(
            io::ErrorKind::TimedOut,
            "no byte moved on the connection within the idle timeout",
        ))
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Idle<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(result) => {
                this.moved();
                Poll::Ready(result)
            }
            Poll::Pending => this.standing_still(cx).map(Err),
        }
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Idle<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_write(cx, buf) {
            Poll::Ready(result) => {
                this.moved();
                Poll::Ready(result)
            }
            Poll::Pending => this.standing_still(cx).map(Err),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_write_vectored(cx, bufs) {
            Poll::Ready(result) => {
                this.moved();
                Poll::Ready(result)
            }
            Poll::Pending => this.standing_still(cx).map(Err),
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_flush(cx) {
            Poll::Ready(result) => Poll::Ready(result),
            Poll::Pending => this.standing_still(cx).map(Err),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_shutdown(cx) {
            Poll::Ready(result) => Poll::Ready(result),
            Poll::Pending => this.standing_still(cx).map(Err),
        }
    }
}
