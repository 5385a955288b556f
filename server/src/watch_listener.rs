//! Accepting connections. Every connection goes to hyper through `axum::serve`, except those that
//! open with a watch request (config or menus): hyper keeps an 8 KiB read buffer and an 8 KiB
//! header buffer for as long as a connection lives and chunk-encodes streamed bodies, which at
//! 10,000 open watch streams is about 160 MB and a three-part write per event per stream. Those
//! connections are answered by [`crate::lean_http`] instead, through the same router.

use crate::lean_http::{self, Route};
use axum::Router;
use axum::serve::{Listener, ListenerExt};
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

/// Connections decided for hyper but not yet taken by its accept loop.
const HANDOFF_QUEUE: usize = 256;

/// Serves `router` on `listener` until `shutdown` resolves, then waits for open connections as
/// `axum::serve`'s graceful shutdown does (watch streams end when the delivery closes).
pub async fn serve<F>(listener: TcpListener, router: Router, shutdown: F) -> io::Result<()>
where
    F: Future<Output = ()> + Send + 'static,
{
    let local = listener.local_addr()?;
    let (handoff, connections) = mpsc::channel(HANDOFF_QUEUE);
    // Every lean connection holds a sender; `recv` answers None once all of them are gone.
    let (lean_open, mut lean_closed) = mpsc::channel::<()>(1);
    let acceptor = tokio::spawn(accept(listener, router.clone(), handoff, lean_open));
    let hyper_side = Handoff { connections, local }
        // The tap adds nothing; through it axum provides `ConnectInfo<SocketAddr>` for any listener.
        .tap_io(|_| {});
    axum::serve(
        hyper_side,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await?;
    // axum dropped the receiving side, which stops the acceptor.
    let _ = acceptor.await;
    let _ = lean_closed.recv().await;
    Ok(())
}

/// Accepts until hyper's side stops taking connections; each new one is looked at on its own task
/// so a slow client cannot hold up the others.
async fn accept(
    mut listener: TcpListener,
    router: Router,
    handoff: mpsc::Sender<(TcpStream, SocketAddr)>,
    lean_open: mpsc::Sender<()>,
) {
    loop {
        let (stream, peer) = tokio::select! {
            // axum's accept retries (and logs) failures such as running out of file descriptors.
            accepted = Listener::accept(&mut listener) => accepted,
            _ = handoff.closed() => return,
        };
        let (router, handoff, lean_open) = (router.clone(), handoff.clone(), lean_open.clone());
        tokio::spawn(async move {
            let mut stream = stream;
            // Boxed, like the router call inside `answer`: only the stream stays allocated.
            match Box::pin(lean_http::route(&mut stream, peer)).await {
                Route::Lean(request) => {
                    drop(handoff);
                    lean_http::answer(stream, router, *request).await;
                    drop(lean_open);
                }
                Route::Hyper => {
                    drop(lean_open);
                    let _ = handoff.send((stream, peer)).await;
                }
                Route::Gone => {}
            }
        });
    }
}

/// hyper's side of the listener: the connections [`accept`] passed on.
struct Handoff {
    connections: mpsc::Receiver<(TcpStream, SocketAddr)>,
    local: SocketAddr,
}

impl Listener for Handoff {
    type Io = TcpStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (TcpStream, SocketAddr) {
        match self.connections.recv().await {
            Some(connection) => connection,
            // Only after the acceptor ended, which it does once this side is dropped.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        Ok(self.local)
    }
}
