//! What the menu delivery API serves, in memory: per (environment, menu) the main release's
//! tree. Each caller gets it filtered by the shared [`switchboard_core::menus::filter`], with flag gates
//! evaluated from the flags snapshot; a publish, or a flag change, wakes every watcher.

use super::store::MenuRow;
use crate::db::Db;
use crate::flags::snapshot::EnvFlags;
use crate::releases::store as release_store;
use crate::watch_slots::WatchSlots;
use std::sync::Arc;
use switchboard_core::flags::EvalContext;
use switchboard_core::flags::hash::murmur3_32;
use switchboard_core::menus::{Caller, Menu, VisibleItem, filter, gate_open};
use switchboard_error::AppError;
use tokio::sync::{Mutex, watch};

/// A published release, as the snapshot holds it.
#[derive(Debug, PartialEq)]
pub struct PublishedMenu {
    pub version: i64,
    pub menu: Menu,
}

#[derive(Default)]
pub struct MenuSnapshots {
    slots: WatchSlots<PublishedMenu>,
    /// One reload at a time, so an older read never replaces a newer one.
    reloading: Mutex<()>,
}

impl MenuSnapshots {
    pub fn get(&self, environment: &str, menu: &str) -> Option<Arc<PublishedMenu>> {
        self.slots.get(environment, menu)
    }

    /// A receiver that wakes on every publish of the menu and every flag change in its
    /// environment.
    pub fn subscribe(
        &self,
        environment: &str,
        menu: &str,
    ) -> Option<watch::Receiver<Arc<PublishedMenu>>> {
        self.slots.subscribe(environment, menu)
    }

    /// Reads every head and fetches only the releases that changed since the last reload.
    pub async fn reload(&self, db: &Db) -> Result<(), AppError> {
        let _one_at_a_time = self.reloading.lock().await;
        let mut conn = db.reader().acquire().await?;
        for (environment, menu, head) in release_store::all_heads::<MenuRow>(&mut conn).await? {
            let version = head.main_version;
            if version == 0
                || self
                    .slots
                    .get(&environment, &menu)
                    .is_some_and(|p| p.version == version)
            {
                continue;
            }
            let items =
                release_store::content_by_key::<MenuRow>(&mut conn, &environment, &menu, version)
                    .await?;
            let published = PublishedMenu {
                version,
                menu: items,
            };
            self.slots.set(&environment, &menu, Arc::new(published));
        }
        Ok(())
    }

    /// Flags changed: what callers see may have changed with them.
    pub fn flags_changed(&self) {
        for environment in self.slots.environments() {
            self.slots.touch(&environment);
        }
    }
}

/// One caller's menu, ready to send.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub version: i64,
    /// `{"menu", "environment", "version", "items"}`.
    pub body: bytes::Bytes,
    /// A hash of the items this caller sees: it changes when what they see changes (not with
    /// releases that change nothing for them), and is the same on every replica. Quoted, it is
    /// the ETag; bare, the SSE event id.
    pub tag: String,
}

impl Rendered {
    pub fn etag(&self) -> String {
        format!("\"{}\"", self.tag)
    }

    /// The body as one Server-Sent Event (compact JSON holds no line breaks).
    pub fn event(&self) -> bytes::Bytes {
        let mut event = Vec::with_capacity(self.body.len() + self.tag.len() + 32);
        event.extend_from_slice(b"id: ");
        event.extend_from_slice(self.tag.as_bytes());
        event.extend_from_slice(b"\nevent: menu\ndata: ");
        event.extend_from_slice(&self.body);
        event.extend_from_slice(b"\n\n");
        event.into()
    }
}

/// Filters `published` for `caller` and renders the answer.
pub fn render(
    environment: &str,
    key: &str,
    published: &PublishedMenu,
    caller: &Caller,
    ctx: &EvalContext,
    flags: Option<&EnvFlags>,
) -> Rendered {
    let flag_on = |flag: &str| gate_open(flags.and_then(|f| f.flags.get(flag)).map(|f| &**f), ctx);
    let visible: Vec<VisibleItem<'_>> = filter(&published.menu, caller, &flag_on);
    // Serializing strings, numbers and lists into memory cannot fail.
    let items = serde_json::to_vec(&visible).unwrap_or_else(|_| b"[]".to_vec());
    let hash =
        (u64::from(murmur3_32(&items, 0)) << 32) | u64::from(murmur3_32(&items, 0x5bd1_e995));
    let mut body = Vec::with_capacity(items.len() + key.len() + environment.len() + 64);
    body.extend_from_slice(b"{\"menu\":");
    let _ = serde_json::to_writer(&mut body, key);
    body.extend_from_slice(b",\"environment\":");
    let _ = serde_json::to_writer(&mut body, environment);
    body.extend_from_slice(format!(",\"version\":{},\"items\":", published.version).as_bytes());
    body.extend_from_slice(&items);
    body.push(b'}');
    Rendered {
        version: published.version,
        tag: format!("{hash:016x}"),
        body: body.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;
    use switchboard_core::menus::MenuItem;

    fn published() -> PublishedMenu {
        let mut admin = MenuItem::link("admin", "Admin", "/admin");
        admin.visibility.roles = vec!["admin".into()];
        let mut beta = MenuItem::link("beta", "Beta", "/beta");
        beta.visibility.flag = Some("beta".into());
        let mut home = MenuItem::link("home", "Home", "/");
        home.translations.insert("fr".into(), "Accueil".into());
        PublishedMenu {
            version: 4,
            menu: Menu::new(vec![home, admin, beta]),
        }
    }

    fn ids(r: &Rendered) -> Vec<String> {
        let v: Value = serde_json::from_slice(&r.body).unwrap();
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_string())
            .collect()
    }

    #[test]
    fn callers_see_their_items_with_a_tag_per_view() {
        let p = published();
        let ctx = EvalContext::default();
        let admin = Caller::new(None).with_roles(["admin"]).with_locale("fr-CA");
        let guest = Caller::new(None);
        let a = render("prod", "web", &p, &admin, &ctx, None);
        let g = render("prod", "web", &p, &guest, &ctx, None);
        assert_eq!(ids(&a), ["home", "admin"]);
        assert_eq!(ids(&g), ["home"], "unknown flags hide their items");
        let body: Value = serde_json::from_slice(&a.body).unwrap();
        assert_eq!(body["items"][0]["label"], "Accueil");
        assert_eq!(body["version"], 4);
        assert_eq!(body["menu"], "web");
        assert_ne!(a.tag, g.tag);
        let next = PublishedMenu {
            version: 5,
            menu: p.menu.clone(),
        };
        let same_view = render("prod", "web", &next, &admin, &ctx, None);
        assert_eq!(
            same_view.tag, a.tag,
            "a release that changes nothing for them"
        );
        assert_eq!(same_view.version, 5);
        assert_eq!(a, render("prod", "web", &p, &admin, &ctx, None));
        assert_eq!(a.etag(), format!("\"{}\"", a.tag));
        let event = String::from_utf8(a.event().to_vec()).unwrap();
        assert!(event.starts_with(&format!("id: {}\nevent: menu\ndata: {{", a.tag)));
        assert!(event.ends_with("}\n\n"));
    }
}
