//! Secret values as everything outside delivery sees them: the dashboard, the admin API, diffs,
//! conflict answers and the audit trail get [`keyring::masked`] (the mask and a fingerprint of
//! the sealed bytes) instead of the sealed value, so nothing about a secret leaves the server
//! except through an SDK key allowed to read it.

use crate::keyring;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use switchboard_core::config::{DraftEntry, Entry, EntryChange, EntryDiff};

pub fn entry(e: &Entry) -> Entry {
    if !e.secret {
        return e.clone();
    }
    Entry {
        value: keyring::masked(&e.value),
        ..e.clone()
    }
}

pub fn entries(list: &[Entry]) -> Vec<Entry> {
    list.iter().map(entry).collect()
}

pub fn draft_entry(d: DraftEntry) -> DraftEntry {
    DraftEntry {
        entry: entry(&d.entry),
        ..d
    }
}

pub fn diff(d: EntryDiff) -> EntryDiff {
    EntryDiff {
        added: entries(&d.added),
        removed: entries(&d.removed),
        changed: d
            .changed
            .into_iter()
            .map(|c| EntryChange {
                before: entry(&c.before),
                after: entry(&c.after),
                key: c.key,
            })
            .collect(),
        unchanged: d.unchanged,
    }
}

/// The value the audit trail records for an entry.
pub fn audit_value(e: &Entry) -> String {
    if e.secret {
        keyring::masked(&e.value)
    } else {
        e.value.clone()
    }
}

/// Entries as the audit trail shows them: key to value (secrets masked), readable in its diff
/// view.
pub fn audit_values(entries: &[Entry]) -> Value {
    let map: BTreeMap<&str, String> = entries
        .iter()
        .map(|e| (e.key.as_str(), audit_value(e)))
        .collect();
    json!(map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_core::config::{SECRET_MASK, ValueType, diff_entries};

    fn e(key: &str, value: &str, secret: bool) -> Entry {
        Entry {
            key: key.into(),
            value_type: ValueType::String,
            value: value.into(),
            description: String::new(),
            constraints: Default::default(),
            secret,
        }
    }

    #[test]
    fn only_secret_values_are_masked_and_a_changed_secret_still_shows_as_changed() {
        let before = [e("plain", "a", false), e("token", "sb1.k.AAAA", true)];
        let after = [e("plain", "a", false), e("token", "sb1.k.BBBB", true)];
        let d = diff(diff_entries(&before, &after));
        assert_eq!(d.changed.len(), 1);
        let c = &d.changed[0];
        assert!(c.before.value.starts_with(SECRET_MASK));
        assert!(c.after.value.starts_with(SECRET_MASK));
        assert!(c.value_changed());
        assert!(!c.after.value.contains("BBBB"));
        assert_eq!(entry(&before[0]).value, "a");
    }
}
