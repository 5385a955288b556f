//! What changes between two sets of entries: the draft against the live release (the publish
//! dialog), or any two releases.

use super::model::Entry;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// An entry present on both sides that differs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EntryChange {
    pub key: String,
    pub before: Entry,
    pub after: Entry,
}

impl EntryChange {
    /// Spelling alone (`90s` to `1m30s`) is no change; apps receive the same value.
    pub fn value_changed(&self) -> bool {
        !self.before.same_value(&self.after)
    }

    pub fn type_changed(&self) -> bool {
        self.before.value_type != self.after.value_type
    }

    pub fn description_changed(&self) -> bool {
        self.before.description != self.after.description
    }

    pub fn constraints_changed(&self) -> bool {
        self.before.constraints != self.after.constraints
    }
}

/// Each list is ordered by key.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EntryDiff {
    pub added: Vec<Entry>,
    pub removed: Vec<Entry>,
    pub changed: Vec<EntryChange>,
    pub unchanged: usize,
}

impl EntryDiff {
    /// Nothing to publish: both sides deliver the same entries.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }

    /// Added, removed and changed entries together.
    pub fn change_count(&self) -> usize {
        self.added.len() + self.removed.len() + self.changed.len()
    }

    /// One line for a dialog: `2 added, 1 changed` or `No changes`.
    pub fn summary(&self) -> String {
        if self.is_empty() {
            return "No changes".into();
        }
        [
            (self.added.len(), "added"),
            (self.removed.len(), "removed"),
            (self.changed.len(), "changed"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect::<Vec<_>>()
        .join(", ")
    }
}

/// Entries matched by exact key. Validation refuses duplicate keys; should a list hold one
/// anyway, its first entry counts and later ones are ignored, so the diff is still defined.
pub fn diff_entries(before: &[Entry], after: &[Entry]) -> EntryDiff {
    fn by_key(entries: &[Entry]) -> BTreeMap<&str, &Entry> {
        let mut map = BTreeMap::new();
        for e in entries {
            map.entry(e.key.as_str()).or_insert(e);
        }
        map
    }
    let old = by_key(before);
    let new = by_key(after);
    let mut diff = EntryDiff::default();
    for (key, was) in &old {
        match new.get(key) {
            None => diff.removed.push((*was).clone()),
            Some(now) if same(was, now) => diff.unchanged += 1,
            Some(now) => diff.changed.push(EntryChange {
                key: (*key).to_owned(),
                before: (*was).clone(),
                after: (*now).clone(),
            }),
        }
    }
    diff.added = new
        .iter()
        .filter(|(key, _)| !old.contains_key(*key))
        .map(|(_, e)| (*e).clone())
        .collect();
    diff
}

fn same(a: &Entry, b: &Entry) -> bool {
    a.same_value(b) && a.description == b.description && a.constraints == b.constraints
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::model::{EntryConstraints, ValueType};

    fn entry(key: &str, t: ValueType, value: &str) -> Entry {
        Entry {
            key: key.into(),
            value_type: t,
            value: value.into(),
            description: String::new(),
            constraints: EntryConstraints::default(),
            secret: false,
        }
    }

    #[test]
    fn added_removed_changed_and_unchanged_in_key_order() {
        let before = vec![
            entry("timeout", ValueType::Duration, "30s"),
            entry("retries", ValueType::Integer, "3"),
            entry("banner", ValueType::String, "hi"),
            entry("legacy", ValueType::Boolean, "true"),
        ];
        let mut described = entry("banner", ValueType::String, "hi");
        described.description = "Shown at the top".into();
        let after = vec![
            entry("zeta", ValueType::Float, "0.5"),
            described,
            entry("retries", ValueType::Integer, "5"),
            entry("timeout", ValueType::Duration, "30000ms"),
            entry("alpha", ValueType::Json, "{}"),
        ];
        let d = diff_entries(&before, &after);
        let keys = |v: &[Entry]| v.iter().map(|e| e.key.clone()).collect::<Vec<_>>();
        assert_eq!(keys(&d.added), ["alpha", "zeta"]);
        assert_eq!(keys(&d.removed), ["legacy"]);
        let changed: Vec<&str> = d.changed.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(changed, ["banner", "retries"]);
        assert_eq!(d.unchanged, 1, "30s and 30000ms are the same duration");
        let banner = &d.changed[0];
        assert!(banner.description_changed() && !banner.value_changed());
        let retries = &d.changed[1];
        assert!(retries.value_changed() && !retries.type_changed());
        assert_eq!(
            (retries.before.value.as_str(), retries.after.value.as_str()),
            ("3", "5")
        );
        assert_eq!(d.change_count(), 5);
        assert_eq!(d.summary(), "2 added, 1 removed, 2 changed");
        assert!(!d.is_empty());
    }

    #[test]
    fn type_and_constraint_changes_count() {
        let before = [entry("n", ValueType::String, "1")];
        let after = [entry("n", ValueType::Integer, "1")];
        let d = diff_entries(&before, &after);
        assert!(d.changed[0].type_changed() && d.changed[0].value_changed());
        let mut limited = entry("n", ValueType::String, "1");
        limited.constraints.max_length = Some(3);
        let d = diff_entries(&before, &[limited]);
        assert!(d.changed[0].constraints_changed());
        assert_eq!(d.summary(), "1 changed");
    }

    #[test]
    fn identical_lists_have_nothing_to_publish() {
        let entries = vec![
            entry("a", ValueType::Json, "{\"x\": [1, 2]}"),
            entry("b", ValueType::Boolean, "false"),
        ];
        let respelled = vec![
            entry("b", ValueType::Boolean, "false"),
            entry("a", ValueType::Json, "{\"x\":[1,2]}"),
        ];
        let d = diff_entries(&entries, &respelled);
        assert!(d.is_empty());
        assert_eq!(d.unchanged, 2);
        assert_eq!(d.summary(), "No changes");
        assert!(diff_entries(&[], &[]).is_empty());
    }

    #[test]
    fn duplicate_keys_keep_the_first() {
        let before = [entry("a", ValueType::Integer, "1")];
        let after = [
            entry("a", ValueType::Integer, "1"),
            entry("a", ValueType::Integer, "2"),
        ];
        assert!(diff_entries(&before, &after).is_empty());
    }
}
