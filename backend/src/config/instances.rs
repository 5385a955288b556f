//! The app instances this server has served config to: who holds which version, for the
//! gray-release controls. Kept in memory per server process; an instance is forgotten a day after
//! it was last seen.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use switchboard_core::config::InstanceView;

/// Past this many instances per server, new ones are served but not listed.
pub const INSTANCES_MAX: usize = 100_000;
const FORGET_AFTER_MS: i64 = 24 * 60 * 60 * 1000;
/// Forgotten instances are swept out at most this often, when a new instance arrives (a sweep
/// walks every entry under the lock; once per new instance, as before, made filling the
/// registry quadratic).
const SWEEP_EVERY_MS: i64 = 60 * 1000;

/// What an instance holds. A watch stream keeps this and updates it on every event without
/// taking the registry lock (a publish reaches thousands of streams at once).
#[derive(Debug, Default)]
pub struct Held {
    version: AtomicI64,
    gray: AtomicBool,
    last_seen: AtomicI64,
}

impl Held {
    /// (version, gray)
    pub fn current(&self) -> (i64, bool) {
        (
            self.version.load(Ordering::Relaxed),
            self.gray.load(Ordering::Relaxed),
        )
    }

    pub fn update(&self, version: i64, gray: bool, now: i64) {
        self.version.store(version, Ordering::Relaxed);
        self.gray.store(gray, Ordering::Relaxed);
        self.last_seen.store(now, Ordering::Relaxed);
    }
}

#[derive(Debug)]
struct Seen {
    labels: BTreeMap<String, String>,
    held: Arc<Held>,
    watching: u32,
}

impl Seen {
    fn last_seen(&self) -> i64 {
        self.held.last_seen.load(Ordering::Relaxed)
    }
}

/// Instance id to what it was last given, per environment and namespace.
#[derive(Default)]
struct Registry {
    seen: HashMap<String, HashMap<String, HashMap<String, Seen>>>,
    total: usize,
    swept_at: i64,
}

fn remembered(seen: &Seen, now: i64) -> bool {
    seen.watching > 0 || now - seen.last_seen() < FORGET_AFTER_MS
}

impl Registry {
    /// Forgets idle instances everywhere (not only in the namespace being recorded), so a full
    /// registry makes room: before, the cap was checked first and returned early, so once full
    /// nothing was ever forgotten and no new instance was listed again.
    fn sweep(&mut self, now: i64) {
        for namespaces in self.seen.values_mut() {
            for instances in namespaces.values_mut() {
                instances.retain(|_, s| remembered(s, now));
            }
            namespaces.retain(|_, instances| !instances.is_empty());
        }
        self.seen.retain(|_, namespaces| !namespaces.is_empty());
        self.total = self
            .seen
            .values()
            .flat_map(|namespaces| namespaces.values())
            .map(HashMap::len)
            .sum();
        self.swept_at = now;
    }

    fn namespace(&self, environment: &str, namespace: &str) -> Option<&HashMap<String, Seen>> {
        self.seen.get(environment)?.get(namespace)
    }
}

#[derive(Default)]
pub struct Instances {
    registry: Mutex<Registry>,
}

/// What an instance said about itself and what it was given.
pub struct Delivered<'a> {
    pub environment: &'a str,
    pub namespace: &'a str,
    pub instance_id: &'a str,
    pub labels: &'a BTreeMap<String, String>,
    pub version: i64,
    pub gray: bool,
}

impl Instances {
    fn with<R>(&self, f: impl FnOnce(&mut Registry) -> R) -> R {
        f(&mut self.registry.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Records a delivery; `watch` +1 when a watch starts, -1 when it ends, 0 otherwise. Returns
    /// what the instance holds, for a watch stream to update as it sends (None for anonymous
    /// callers, and past [`INSTANCES_MAX`]).
    pub fn record(&self, d: &Delivered<'_>, watch: i32, now: i64) -> Option<Arc<Held>> {
        if d.instance_id.is_empty() {
            return None;
        }
        self.with(|r| {
            let known = r
                .seen
                .get_mut(d.environment)
                .and_then(|envs| envs.get_mut(d.namespace))
                .and_then(|ns| ns.get_mut(d.instance_id));
            let seen = match known {
                Some(seen) => seen,
                None => {
                    if now - r.swept_at >= SWEEP_EVERY_MS {
                        r.sweep(now);
                    }
                    if r.total >= INSTANCES_MAX {
                        return None;
                    }
                    r.total += 1;
                    r.seen
                        .entry(d.environment.to_string())
                        .or_default()
                        .entry(d.namespace.to_string())
                        .or_default()
                        .entry(d.instance_id.to_string())
                        .or_insert_with(|| Seen {
                            labels: BTreeMap::new(),
                            held: Arc::default(),
                            watching: 0,
                        })
                }
            };
            if seen.labels != *d.labels {
                seen.labels = d.labels.clone();
            }
            seen.held.update(d.version, d.gray, now);
            seen.watching = seen.watching.saturating_add_signed(watch);
            Some(seen.held.clone())
        })
    }

    /// Newest first.
    pub fn list(&self, environment: &str, namespace: &str, now: i64) -> Vec<InstanceView> {
        let mut out: Vec<InstanceView> = self.with(|r| {
            r.namespace(environment, namespace)
                .map(|ns| {
                    ns.iter()
                        .filter(|(_, s)| remembered(s, now))
                        .map(|(id, s)| InstanceView {
                            instance_id: id.clone(),
                            labels: s.labels.clone(),
                            version: s.held.version.load(Ordering::Relaxed),
                            gray: s.held.gray.load(Ordering::Relaxed),
                            watching: s.watching > 0,
                            last_seen: s.last_seen(),
                        })
                        .collect()
                })
                .unwrap_or_default()
        });
        out.sort_by(|a, b| {
            b.last_seen
                .cmp(&a.last_seen)
                .then_with(|| a.instance_id.cmp(&b.instance_id))
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delivered<'a>(id: &'a str, labels: &'a BTreeMap<String, String>, v: i64) -> Delivered<'a> {
        Delivered {
            environment: "production",
            namespace: "checkout",
            instance_id: id,
            labels,
            version: v,
            gray: false,
        }
    }

    #[test]
    fn tracks_versions_watches_and_forgets_idle_instances() {
        let i = Instances::default();
        let labels = BTreeMap::new();
        i.record(&delivered("a", &labels, 1), 1, 1_000);
        i.record(&delivered("b", &labels, 1), 0, 2_000);
        i.record(&delivered("a", &labels, 2), 0, 3_000);
        i.record(&delivered("", &labels, 2), 0, 3_000);
        let list = i.list("production", "checkout", 4_000);
        assert_eq!(list.len(), 2, "anonymous fetches are not listed");
        assert_eq!(
            (
                list[0].instance_id.as_str(),
                list[0].version,
                list[0].watching
            ),
            ("a", 2, true)
        );
        assert_eq!(
            (list[1].instance_id.as_str(), list[1].watching),
            ("b", false)
        );
        // A day later the idle one is gone; the watching one stays.
        let later = 2_000 + FORGET_AFTER_MS + 1;
        let list = i.list("production", "checkout", later);
        assert_eq!(
            list.iter()
                .map(|v| v.instance_id.as_str())
                .collect::<Vec<_>>(),
            ["a"]
        );
        i.record(&delivered("a", &labels, 2), -1, later);
        assert!(!i.list("production", "checkout", later)[0].watching);
        // A watch stream updates what it holds without the registry lock.
        let held = i.record(&delivered("a", &labels, 2), 1, later).unwrap();
        held.update(5, true, later + 1);
        let a = &i.list("production", "checkout", later + 1)[0];
        assert_eq!((a.version, a.gray, a.last_seen), (5, true, later + 1));
    }

    /// A full registry whose instances have all gone quiet must take new ones once they are
    /// forgotten; idle instances of other namespaces count as well.
    #[test]
    fn a_full_registry_forgets_idle_instances_to_list_new_ones() {
        let i = Instances::default();
        let labels = BTreeMap::new();
        let ids: Vec<String> = (0..INSTANCES_MAX).map(|n| format!("old-{n}")).collect();
        for id in &ids {
            let mut d = delivered(id, &labels, 1);
            d.namespace = "payments";
            assert!(i.record(&d, 0, 1_000).is_some());
        }
        let watcher = delivered("watcher", &labels, 1);
        // Full: a new instance is served but not listed.
        assert!(i.record(&watcher, 1, 2_000).is_none());
        assert!(i.list("production", "checkout", 2_000).is_empty());
        // A day later the idle ones are forgotten and the new instance is listed.
        let later = 1_000 + FORGET_AFTER_MS + 1;
        assert!(i.record(&watcher, 1, later).is_some());
        let listed = i.list("production", "checkout", later);
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].instance_id, "watcher");
        assert!(i.list("production", "payments", later).is_empty());
    }
}
