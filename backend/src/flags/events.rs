//! What an environment's OFREP change stream announces (OFREP's `refetchEvaluation`, ADR-0008):
//! the ETag and time of the flag configuration apps there are served. One watch channel per
//! environment; the event is rendered once per change and shared by every stream.

use bytes::Bytes;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::watch;

/// One environment's configuration as a change event.
#[derive(Debug, PartialEq)]
pub struct FlagsChanged {
    /// The environment's configuration ETag, without quotes (what `flagConfigEtag` carries).
    pub etag: String,
    /// When it last changed, in seconds since the epoch.
    pub last_modified: i64,
    /// The Server-Sent Event, ready to write: the ETag is its id, so a client that reconnects
    /// with `Last-Event-ID` is told only what it missed.
    pub event: Bytes,
}

impl FlagsChanged {
    pub fn new(etag: &str, last_modified: i64) -> FlagsChanged {
        let etag = etag.trim_matches('"').to_string();
        let data = serde_json::json!({
            "type": "refetchEvaluation",
            "etag": etag,
            "lastModified": last_modified,
        });
        let event = format!("id: {etag}\nevent: message\ndata: {data}\n\n");
        FlagsChanged {
            etag,
            last_modified,
            event: Bytes::from(event),
        }
    }
}

/// The change channels, per environment.
#[derive(Default)]
pub struct FlagEvents {
    channels: Mutex<HashMap<String, watch::Sender<Arc<FlagsChanged>>>>,
}

impl FlagEvents {
    /// Announces each environment's configuration where it differs from what was announced (the
    /// first announcement of an environment opens its channel); environments no longer in
    /// `current` close theirs, which ends their streams.
    pub fn publish(&self, current: &[(String, String, i64)]) {
        let mut channels = self.channels.lock().unwrap_or_else(|p| p.into_inner());
        channels.retain(|env, _| current.iter().any(|(e, _, _)| e == env));
        for (env, etag, last_modified) in current {
            match channels.get(env) {
                Some(tx) if tx.borrow().etag == etag.trim_matches('"') => {}
                Some(tx) => {
                    // Never earlier than what was announced: a deletion can lower the newest
                    // stored time, and a provider must not read that as going back.
                    let last = (*last_modified).max(tx.borrow().last_modified);
                    tx.send_replace(Arc::new(FlagsChanged::new(etag, last)));
                }
                None => {
                    let (tx, _) = watch::channel(Arc::new(FlagsChanged::new(etag, *last_modified)));
                    channels.insert(env.clone(), tx);
                }
            }
        }
    }

    /// The environment's channel, holding its current configuration; `None` for an unknown one.
    pub fn subscribe(&self, environment: &str) -> Option<watch::Receiver<Arc<FlagsChanged>>> {
        let channels = self.channels.lock().unwrap_or_else(|p| p.into_inner());
        channels.get(environment).map(|tx| tx.subscribe())
    }

    /// The environment's current configuration.
    pub fn current(&self, environment: &str) -> Option<Arc<FlagsChanged>> {
        let channels = self.channels.lock().unwrap_or_else(|p| p.into_inner());
        channels.get(environment).map(|tx| tx.borrow().clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(envs: &[(&str, &str, i64)]) -> Vec<(String, String, i64)> {
        envs.iter()
            .map(|(e, t, m)| (e.to_string(), t.to_string(), *m))
            .collect()
    }

    #[test]
    fn the_event_is_ofreps_refetch_with_the_etag_as_its_id() {
        let e = FlagsChanged::new("\"abc\"", 1_771_622_898);
        assert_eq!(
            e.event,
            "id: abc\nevent: message\ndata: {\"etag\":\"abc\",\"lastModified\":1771622898,\"type\":\"refetchEvaluation\"}\n\n"
        );
    }

    #[test]
    fn only_a_changed_environment_is_announced() {
        let events = FlagEvents::default();
        events.publish(&state(&[
            ("staging", "\"a\"", 10),
            ("production", "\"p\"", 10),
        ]));
        let mut staging = events.subscribe("staging").unwrap();
        let mut production = events.subscribe("production").unwrap();
        staging.mark_unchanged();
        production.mark_unchanged();
        events.publish(&state(&[
            ("staging", "\"b\"", 20),
            ("production", "\"p\"", 10),
        ]));
        assert!(staging.has_changed().unwrap());
        assert!(!production.has_changed().unwrap());
        assert_eq!(staging.borrow_and_update().etag, "b");
        // An earlier time (a flag archived away) does not move lastModified back.
        events.publish(&state(&[
            ("staging", "\"c\"", 5),
            ("production", "\"p\"", 10),
        ]));
        assert_eq!(staging.borrow_and_update().last_modified, 20);
        // A deleted environment closes its channel.
        events.publish(&state(&[("staging", "\"c\"", 5)]));
        assert!(production.has_changed().is_err());
        assert!(events.subscribe("production").is_none());
    }
}
