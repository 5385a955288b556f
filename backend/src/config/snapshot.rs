//! What the config delivery API serves, in memory: per (environment, namespace) the main release
//! and any gray release, each pre-rendered as the JSON apps receive. Every slot is a watch
//! channel, so a new version wakes every watcher of that namespace at once, with no polling.

use super::store::{self, Head, NamespaceRow};
use crate::db::Db;
use crate::keyring::{self, Keyring};
use crate::releases::store as release_store;
use crate::watch_slots::WatchSlots;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::sync::Arc;
use switchboard_core::config::{Entry, GrayTarget};
use switchboard_error::AppError;
use tokio::sync::{Mutex, watch};

/// One rendering of a release: the body, the same as a Server-Sent Event, and its ETag.
#[derive(Debug, PartialEq)]
pub struct Rendered {
    /// `{"namespace", "environment", "version", "values"}`.
    pub body: bytes::Bytes,
    /// `id: VERSION`, `event: config`, `data: BODY`.
    pub event: bytes::Bytes,
    /// A hash of the body: a version number issued again (a namespace deleted and created anew,
    /// a restored backup) never matches what a client cached of the old one.
    pub etag: String,
}

impl Rendered {
    fn new(environment: &str, namespace: &str, version: i64, values: Map<String, Value>) -> Self {
        let body = json!({
            "namespace": namespace,
            "environment": environment,
            "version": version,
            "values": Value::Object(values),
        });
        // Compact JSON holds no line breaks, so the body is one `data:` line.
        let body = body.to_string();
        let event = format!("id: {version}\nevent: config\ndata: {body}\n\n");
        let etag = format!(
            "\"{}\"",
            hex::encode(&Sha256::digest(body.as_bytes())[..12])
        );
        Rendered {
            body: body.into(),
            event: event.into(),
            etag,
        }
    }
}

/// One release as apps receive it, rendered once: every fetch and every watcher shares the bytes.
/// Secret entries are left out for SDK keys that may not read secrets.
#[derive(Debug, PartialEq)]
pub struct Served {
    pub version: i64,
    plain: Rendered,
    /// With the secret values; absent when the release holds no secret.
    with_secrets: Option<Rendered>,
}

impl Served {
    fn render(
        keys: &Keyring,
        environment: &str,
        namespace: &str,
        version: i64,
        entries: &[Entry],
    ) -> Served {
        let mut plain = Map::new();
        let mut secrets = Vec::new();
        for e in entries {
            let value = if e.secret {
                keys.open(&keyring::context(namespace, &e.key), &e.value)
                    .map_err(|problem| problem.to_string())
                    .and_then(|text| {
                        Entry {
                            value: text,
                            ..e.clone()
                        }
                        .typed_value()
                    })
            } else {
                e.typed_value()
            };
            match value {
                Ok(v) if e.secret => secrets.push((e.key.clone(), v)),
                Ok(v) => {
                    plain.insert(e.key.clone(), v);
                }
                // Checked on the way in; a value that no longer reads (a secret whose key was
                // removed) is left out, not guessed.
                Err(problem) => {
                    tracing::error!(environment, namespace, key = %e.key, %problem, "stored config value does not read")
                }
            }
        }
        let with_secrets = (!secrets.is_empty()).then(|| {
            let mut all = plain.clone();
            all.extend(secrets);
            Rendered::new(environment, namespace, version, sort(all))
        });
        Served {
            version,
            plain: Rendered::new(environment, namespace, version, plain),
            with_secrets,
        }
    }

    /// What an SDK key receives: the secret values only if it may read secrets.
    pub fn for_key(&self, read_secrets: bool) -> &Rendered {
        match (&self.with_secrets, read_secrets) {
            (Some(all), true) => all,
            _ => &self.plain,
        }
    }
}

/// In key order, as the plain rendering (whatever map order serde_json was built with).
fn sort(values: Map<String, Value>) -> Map<String, Value> {
    let mut pairs: Vec<(String, Value)> = values.into_iter().collect();
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
    pairs.into_iter().collect()
}

/// What one namespace serves in one environment.
#[derive(Debug, Default)]
pub struct NamespaceState {
    pub main: Option<Arc<Served>>,
    pub gray: Option<(Arc<Served>, GrayTarget)>,
}

impl NamespaceState {
    /// The release for this instance: the gray one when it targets the instance. The percentage
    /// is seeded by the namespace, so the same instances are the first in for every gray release.
    pub fn pick(
        &self,
        namespace: &str,
        instance_id: &str,
        labels: &BTreeMap<String, String>,
    ) -> Option<(Arc<Served>, bool)> {
        if let Some((served, target)) = &self.gray
            && target.matches(namespace, instance_id, labels)
        {
            return Some((served.clone(), true));
        }
        self.main.clone().map(|m| (m, false))
    }

    fn versions(&self) -> (i64, Option<(i64, &GrayTarget)>) {
        (
            self.main.as_ref().map_or(0, |m| m.version),
            self.gray.as_ref().map(|(s, t)| (s.version, t)),
        )
    }
}

#[derive(Default)]
pub struct ConfigSnapshots {
    slots: WatchSlots<NamespaceState>,
    /// One reload at a time, so an older read never replaces a newer one.
    reloading: Mutex<()>,
}

impl ConfigSnapshots {
    /// The current state, if anything was ever published there.
    pub fn get(&self, environment: &str, namespace: &str) -> Option<Arc<NamespaceState>> {
        self.slots.get(environment, namespace)
    }

    /// A receiver that sees every later state of the namespace.
    pub fn subscribe(
        &self,
        environment: &str,
        namespace: &str,
    ) -> Option<watch::Receiver<Arc<NamespaceState>>> {
        self.slots.subscribe(environment, namespace)
    }

    /// Reads every head and fetches only the releases that changed since the last reload.
    pub async fn reload(&self, db: &Db) -> Result<(), AppError> {
        let _one_at_a_time = self.reloading.lock().await;
        let mut conn = db.reader().acquire().await?;
        for (environment, namespace, head) in store::all_heads(&mut conn).await? {
            let current = self.slots.get(&environment, &namespace);
            if current.as_ref().is_some_and(|c| same_versions(c, &head)) {
                continue;
            }
            let state = build(
                &mut conn,
                db.keyring(),
                &environment,
                &namespace,
                &head,
                current.as_deref(),
            )
            .await?;
            self.slots.set(&environment, &namespace, Arc::new(state));
        }
        Ok(())
    }
}

fn same_versions(state: &NamespaceState, head: &Head) -> bool {
    let (main, gray) = state.versions();
    main == head.main_version
        && gray.map(|(v, t)| (v, t.clone())) == head.gray.as_ref().map(|(v, t)| (*v, t.clone()))
}

async fn build(
    conn: &mut sqlx::AnyConnection,
    keys: &Keyring,
    environment: &str,
    namespace: &str,
    head: &Head,
    current: Option<&NamespaceState>,
) -> Result<NamespaceState, AppError> {
    let main = match head.main_version {
        0 => None,
        v => Some(served(conn, keys, environment, namespace, v, current).await?),
    };
    let gray = match &head.gray {
        Some((v, target)) => Some((
            served(conn, keys, environment, namespace, *v, current).await?,
            target.clone(),
        )),
        None => None,
    };
    Ok(NamespaceState { main, gray })
}

/// A release is immutable: reuse it when it is already rendered.
async fn served(
    conn: &mut sqlx::AnyConnection,
    keys: &Keyring,
    environment: &str,
    namespace: &str,
    version: i64,
    current: Option<&NamespaceState>,
) -> Result<Arc<Served>, AppError> {
    let known = current.and_then(|c| {
        c.main
            .iter()
            .chain(c.gray.iter().map(|(s, _)| s))
            .find(|s| s.version == version)
            .cloned()
    });
    if let Some(s) = known {
        return Ok(s);
    }
    let entries =
        release_store::content_by_key::<NamespaceRow>(conn, environment, namespace, version)
            .await?;
    Ok(Arc::new(Served::render(
        keys,
        environment,
        namespace,
        version,
        &entries,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_core::config::ValueType;

    fn entry(key: &str, t: ValueType, v: &str) -> Entry {
        Entry {
            key: key.into(),
            value_type: t,
            value: v.into(),
            description: String::new(),
            constraints: Default::default(),
            secret: false,
        }
    }

    #[test]
    fn served_body_holds_typed_values_and_the_version() {
        let s = Served::render(
            &Keyring::default(),
            "production",
            "checkout",
            7,
            &[
                entry("timeout", ValueType::Duration, "1m30s"),
                entry("retries", ValueType::Integer, "3"),
                entry("beta", ValueType::Boolean, "true"),
            ],
        );
        let r = s.for_key(true);
        let body: Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(
            r.event,
            format!(
                "id: 7\nevent: config\ndata: {}\n\n",
                String::from_utf8_lossy(&r.body)
            )
        );
        assert_eq!(
            body,
            json!({"namespace": "checkout", "environment": "production", "version": 7,
                   "values": {"timeout": 90000, "retries": 3, "beta": true}})
        );
        // No secrets: every key gets the same bytes.
        assert!(std::ptr::eq(s.for_key(true), s.for_key(false)));
    }

    #[test]
    fn etags_follow_the_content_not_the_version_number() {
        let keys = Keyring::default();
        let a = Served::render(&keys, "p", "ns", 3, &[entry("n", ValueType::Integer, "1")]);
        let again = Served::render(&keys, "p", "ns", 3, &[entry("n", ValueType::Integer, "1")]);
        let reissued = Served::render(&keys, "p", "ns", 3, &[entry("n", ValueType::Integer, "2")]);
        assert_eq!(a.for_key(false).etag, again.for_key(false).etag);
        assert_ne!(a.for_key(false).etag, reissued.for_key(false).etag);
        assert_eq!(a.for_key(false).etag.len(), 26, "a quoted 96-bit hash");
    }

    #[test]
    fn secrets_reach_only_keys_that_may_read_them() {
        let keys = Keyring::parse("k:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=").unwrap();
        let sealed = keys.seal("ns/password", "hunter2").unwrap();
        let password = Entry {
            secret: true,
            ..entry("password", ValueType::String, &sealed)
        };
        let s = Served::render(
            &keys,
            "p",
            "ns",
            1,
            &[entry("host", ValueType::String, "db"), password.clone()],
        );
        let values =
            |r: &Rendered| serde_json::from_slice::<Value>(&r.body).unwrap()["values"].clone();
        assert_eq!(values(s.for_key(false)), json!({"host": "db"}));
        assert_eq!(
            values(s.for_key(true)),
            json!({"host": "db", "password": "hunter2"})
        );
        assert_ne!(s.for_key(false).etag, s.for_key(true).etag);
        // A secret that does not open (its key removed) is left out for everyone.
        let s = Served::render(&Keyring::default(), "p", "ns", 1, &[password]);
        assert_eq!(values(s.for_key(true)), json!({}));
    }

    #[test]
    fn a_matching_gray_release_wins_and_others_keep_main() {
        let keys = Keyring::default();
        let main = Arc::new(Served::render(&keys, "p", "ns", 1, &[]));
        let gray = Arc::new(Served::render(&keys, "p", "ns", 2, &[]));
        let state = NamespaceState {
            main: Some(main),
            gray: Some((
                gray,
                GrayTarget::Labels {
                    selector: "region=eu".parse().unwrap(),
                },
            )),
        };
        let eu: BTreeMap<String, String> = [("region".to_string(), "eu".to_string())].into();
        let us: BTreeMap<String, String> = [("region".to_string(), "us".to_string())].into();
        assert_eq!(
            state.pick("ns", "a", &eu).map(|(s, g)| (s.version, g)),
            Some((2, true))
        );
        assert_eq!(
            state.pick("ns", "b", &us).map(|(s, g)| (s.version, g)),
            Some((1, false))
        );
        assert_eq!(
            state
                .pick("ns", "c", &BTreeMap::new())
                .map(|(s, g)| (s.version, g)),
            Some((1, false))
        );
    }
}
