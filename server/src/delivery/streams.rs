//! A cap on the watch streams and waiting long polls each SDK key holds open at once. Each one
//! keeps a socket and a little memory for as long as it lasts, so without a cap one leaked or
//! misused key could take every connection the server has.

use crate::delivery::error::DeliveryError;
use futures_util::{Stream, StreamExt};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// How long a refused client is asked to wait before trying again.
const RETRY_AFTER_SECS: u32 = 5;

/// Open streams per SDK key id (the router's extension).
#[derive(Clone)]
pub struct Streams(Arc<Inner>);

struct Inner {
    per_key: usize,
    open: Mutex<HashMap<i64, usize>>,
}

impl Streams {
    pub fn new(per_key: usize) -> Streams {
        Streams(Arc::new(Inner {
            per_key,
            open: Mutex::new(HashMap::new()),
        }))
    }

    /// Counts one more stream for `key`, or refuses it (429) when it already holds its share.
    pub fn open(&self, key: i64) -> Result<StreamPermit, DeliveryError> {
        let mut open = self.0.open.lock().unwrap_or_else(|p| p.into_inner());
        let count = open.entry(key).or_insert(0);
        if *count >= self.0.per_key {
            return Err(DeliveryError::too_many_requests(
                "TOO_MANY_STREAMS",
                format!(
                    "this SDK key already holds {} watch streams and long polls open",
                    self.0.per_key
                ),
            )
            .retry_after(RETRY_AFTER_SECS));
        }
        *count += 1;
        Ok(StreamPermit {
            streams: self.0.clone(),
            key,
        })
    }

    /// Streams `key` holds open now.
    pub fn count(&self, key: i64) -> usize {
        let open = self.0.open.lock().unwrap_or_else(|p| p.into_inner());
        open.get(&key).copied().unwrap_or(0)
    }

    /// Streams every key holds open now (a long poll is counted before it starts waiting, so a
    /// test can tell it is waiting without guessing how long that takes).
    pub fn total(&self) -> usize {
        let open = self.0.open.lock().unwrap_or_else(|p| p.into_inner());
        open.values().sum()
    }
}

/// One counted stream; dropping it gives the slot back.
pub struct StreamPermit {
    streams: Arc<Inner>,
    key: i64,
}

impl Drop for StreamPermit {
    fn drop(&mut self) {
        let mut open = self.streams.open.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(count) = open.get_mut(&self.key) {
            *count -= 1;
            // Keys come and go: the map holds only keys with something open.
            if *count == 0 {
                open.remove(&self.key);
            }
        }
    }
}

/// `stream`, holding `permit` until it ends or is dropped (when the client goes).
pub fn counted<S: Stream + Send + 'static>(
    permit: StreamPermit,
    stream: S,
) -> impl Stream<Item = S::Item> + Send + 'static {
    stream.map(move |item| {
        let _held = &permit;
        item
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{StatusCode, header};
    use axum::response::IntoResponse;

    #[tokio::test]
    async fn each_key_gets_its_own_share_and_slots_come_back() {
        let streams = Streams::new(2);
        let a1 = streams.open(1).unwrap();
        let _a2 = streams.open(1).unwrap();
        let refused = streams
            .open(1)
            .err()
            .expect("a third stream for key 1")
            .into_response();
        assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(refused.headers()[header::RETRY_AFTER], "5");
        assert_eq!(refused.headers()[header::CONTENT_TYPE], "application/json");
        let body = axum::body::to_bytes(refused.into_body(), usize::MAX)
            .await
            .unwrap();
        assert_eq!(
            body,
            r#"{"errorCode":"TOO_MANY_STREAMS","errorDetails":"this SDK key already holds 2 watch streams and long polls open"}"#
        );
        // Another key is not affected.
        let _b = streams.open(2).unwrap();
        drop(a1);
        assert_eq!(streams.count(1), 1);
        let _a3 = streams.open(1).unwrap();
        assert_eq!(streams.count(1), 2);
        assert_eq!(streams.total(), 3);
    }

    #[test]
    fn nothing_is_kept_for_keys_with_nothing_open() {
        let streams = Streams::new(1);
        drop(streams.open(7).unwrap());
        assert!(streams.0.open.lock().unwrap().is_empty());
    }
}
