//! Per (environment, key) values that watchers wait on: one tokio watch channel each, so a new
//! value wakes every watcher of that key at once, with no polling. Config namespaces and menus
//! keep their delivery snapshots here.

use std::collections::HashMap;
use std::sync::{Arc, RwLock, RwLockReadGuard};
use tokio::sync::watch;

type Slot<V> = watch::Sender<Arc<V>>;

/// Environment key to key to slot: nested so lookups borrow the request's strings.
pub struct WatchSlots<V> {
    slots: RwLock<HashMap<String, HashMap<String, Slot<V>>>>,
}

impl<V> Default for WatchSlots<V> {
    fn default() -> Self {
        WatchSlots {
            slots: RwLock::new(HashMap::new()),
        }
    }
}

impl<V> WatchSlots<V> {
    fn read(&self) -> RwLockReadGuard<'_, HashMap<String, HashMap<String, Slot<V>>>> {
        self.slots.read().unwrap_or_else(|p| p.into_inner())
    }

    /// The current value, if one was ever set.
    pub fn get(&self, environment: &str, key: &str) -> Option<Arc<V>> {
        self.read()
            .get(environment)
            .and_then(|m| m.get(key))
            .map(|s| s.borrow().clone())
    }

    /// A receiver that sees every later value.
    pub fn subscribe(&self, environment: &str, key: &str) -> Option<watch::Receiver<Arc<V>>> {
        self.read()
            .get(environment)
            .and_then(|m| m.get(key))
            .map(|s| s.subscribe())
    }

    /// Sets the value and wakes its watchers.
    pub fn set(&self, environment: &str, key: &str, value: Arc<V>) {
        if let Some(slot) = self.read().get(environment).and_then(|m| m.get(key)) {
            slot.send_replace(value);
            return;
        }
        let mut slots = self.slots.write().unwrap_or_else(|p| p.into_inner());
        let slot = slots
            .entry(environment.to_string())
            .or_default()
            .entry(key.to_string());
        match slot {
            std::collections::hash_map::Entry::Occupied(s) => {
                s.get().send_replace(value);
            }
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(watch::Sender::new(value));
            }
        }
    }

    /// Wakes every watcher of `environment` without changing values: something they depend on
    /// (flags, for menus) changed.
    pub fn touch(&self, environment: &str) {
        if let Some(m) = self.read().get(environment) {
            for slot in m.values() {
                slot.send_modify(|_| {});
            }
        }
    }

    /// The environments that hold values.
    pub fn environments(&self) -> Vec<String> {
        self.read().keys().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn watchers_see_set_and_touch() {
        let slots: WatchSlots<i64> = WatchSlots::default();
        assert!(slots.get("p", "a").is_none());
        slots.set("p", "a", Arc::new(1));
        let mut rx = slots.subscribe("p", "a").unwrap();
        slots.set("p", "a", Arc::new(2));
        rx.changed().await.unwrap();
        assert_eq!(**rx.borrow_and_update(), 2);
        slots.touch("p");
        rx.changed().await.unwrap();
        assert_eq!(**rx.borrow_and_update(), 2);
        assert_eq!(slots.get("p", "a").as_deref(), Some(&2));
        assert!(slots.get("q", "a").is_none());
        assert_eq!(slots.environments(), vec!["p".to_string()]);
    }
}
