//! What wakes a watch stream (config, menus, OFREP change events): a new value of what it
//! watches, the shared heartbeat; and what ends it: shutdown, or its SDK key's revocation. Each waits in a future that lives as long as the stream, so an event
//! costs a stream no new registration on the heartbeat and shutdown channels that every stream
//! shares (re-registering after every event was two lock round trips per stream per event, on
//! lists 10,000 streams long).

use futures_util::StreamExt;
use futures_util::stream::{self, Stream};
use std::pin::Pin;
use switchboard_backend::delivery::Delivery;
use switchboard_backend::sdk_keys::KeyEntry;
use tokio::sync::watch;

pub enum Wake<T> {
    /// What the stream watches has a new value (the value on subscribing counts as one).
    Changed(T),
    /// Time for a keep-alive comment.
    Beat,
    /// The value's channel is gone: the stream ends.
    Ended,
}

pub type Wakeups<T> = Pin<Box<dyn Stream<Item = Wake<T>> + Send>>;

/// Every change of `rx` and every heartbeat, until the delivery closes or `key` is revoked (at
/// once if either already happened).
pub fn wakeups<T>(delivery: &Delivery, key: &KeyEntry, mut rx: watch::Receiver<T>) -> Wakeups<T>
where
    T: Clone + Send + Sync + 'static,
{
    rx.mark_changed();
    let changes = stream::unfold(rx, |mut rx| async move {
        rx.changed().await.ok()?;
        let now = rx.borrow_and_update().clone();
        Some((Wake::Changed(now), rx))
    })
    .chain(stream::once(async { Wake::Ended }));
    let beats = stream::unfold(delivery.heartbeat(), |mut heartbeat| async move {
        heartbeat.changed().await.ok()?;
        Some((Wake::Beat, heartbeat))
    });
    let mut closing = delivery.closing();
    let closed = async move {
        let _ = closing.wait_for(|closing| *closing).await;
    };
    let revoked = revoked(key.revoked());
    let ended = async move {
        tokio::select! {
            _ = closed => {}
            _ = revoked => {}
        }
    };
    Box::pin(stream::select(changes, beats).take_until(ended))
}

/// Resolves once the key behind `revoked` ([`KeyEntry::revoked`]) is revoked; never if the key
/// index is gone (at shutdown, which ends streams on its own).
pub async fn revoked(mut revoked: watch::Receiver<bool>) {
    if revoked.wait_for(|revoked| *revoked).await.is_err() {
        std::future::pending::<()>().await;
    }
}
