//! What changes between two versions of a menu, for the publish dialog and the history.
//!
//! Items are matched by id wherever they sit. An item counts as moved when its parent changes or
//! when its order among the siblings it kept changes; inserting or removing a neighbour shifts
//! index paths but moves nothing.

use super::model::{ItemKind, Menu, MenuItem};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};

/// An item added or removed, as the dialog lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemSummary {
    pub id: String,
    pub kind: ItemKind,
    pub label: String,
    /// The group it is (or was) in; `None` at the top level.
    pub parent: Option<String>,
    /// Index path in the menu it belongs to (before for removals, after for additions).
    pub path: Vec<usize>,
}

/// An item on both sides whose own fields differ. Children are left out of `before` and
/// `after`: each child is compared on its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemChange {
    pub id: String,
    pub before: MenuItem,
    pub after: MenuItem,
    /// Which fields, as validation names them: `label`, `target`, `visibility.roles`…
    pub fields: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemMove {
    pub id: String,
    /// The label after the move.
    pub label: String,
    pub from_parent: Option<String>,
    pub to_parent: Option<String>,
    pub from_path: Vec<usize>,
    pub to_path: Vec<usize>,
}

/// Removals in the old menu's reading order; everything else in the new one's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MenuDiff {
    pub added: Vec<ItemSummary>,
    pub removed: Vec<ItemSummary>,
    pub changed: Vec<ItemChange>,
    pub moved: Vec<ItemMove>,
    /// Items on both sides, neither changed nor moved.
    pub unchanged: usize,
}

impl MenuDiff {
    /// Nothing to publish: both menus show the same items in the same places.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.changed.is_empty()
            && self.moved.is_empty()
    }

    /// Items added, removed, changed or moved; one that changed and moved counts twice.
    pub fn change_count(&self) -> usize {
        self.added.len() + self.removed.len() + self.changed.len() + self.moved.len()
    }

    /// One line for a dialog: `2 added, 1 moved` or `No changes`.
    pub fn summary(&self) -> String {
        if self.is_empty() {
            return "No changes".into();
        }
        [
            (self.added.len(), "added"),
            (self.removed.len(), "removed"),
            (self.changed.len(), "changed"),
            (self.moved.len(), "moved"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect::<Vec<_>>()
        .join(", ")
    }
}

/// The fields of one item (children aside) that differ, in form order.
pub fn changed_fields(before: &MenuItem, after: &MenuItem) -> Vec<String> {
    let (b, a) = (before, after);
    [
        ("kind", b.kind != a.kind),
        ("label", b.label != a.label),
        ("translations", b.translations != a.translations),
        ("icon", b.icon != a.icon),
        ("target", b.target != a.target),
        ("new_tab", b.new_tab != a.new_tab),
        ("badge", b.badge != a.badge),
        ("visibility.roles", b.visibility.roles != a.visibility.roles),
        (
            "visibility.permissions",
            b.visibility.permissions != a.visibility.permissions,
        ),
        ("visibility.flag", b.visibility.flag != a.visibility.flag),
    ]
    .into_iter()
    .filter(|(_, differs)| *differs)
    .map(|(name, _)| name.to_owned())
    .collect()
}

struct Place<'a> {
    item: &'a MenuItem,
    parent: Option<&'a str>,
    path: Vec<usize>,
}

/// Every item by id, with its parent and path. Validation refuses duplicate ids; should a menu
/// hold one anyway, the first in reading order counts, so the diff is still defined.
fn places(menu: &Menu) -> (Vec<&str>, HashMap<&str, Place<'_>>) {
    let mut order = Vec::new();
    let mut map: HashMap<&str, Place<'_>> = HashMap::new();
    let mut parents: Vec<&str> = Vec::new();
    for l in menu.iter() {
        parents.truncate(l.depth() - 1);
        let id = l.item.id.as_str();
        if !map.contains_key(id) {
            order.push(id);
            map.insert(
                id,
                Place {
                    item: l.item,
                    parent: parents.last().copied(),
                    path: l.path,
                },
            );
        }
        parents.push(id);
    }
    (order, map)
}

fn summary(p: &Place<'_>) -> ItemSummary {
    ItemSummary {
        id: p.item.id.clone(),
        kind: p.item.kind,
        label: p.item.label.clone(),
        parent: p.parent.map(str::to_owned),
        path: p.path.clone(),
    }
}

fn without_children(item: &MenuItem) -> MenuItem {
    MenuItem {
        children: Vec::new(),
        ..item.clone()
    }
}

pub fn diff_menus(before: &Menu, after: &Menu) -> MenuDiff {
    let (old_order, old) = places(before);
    let (new_order, new) = places(after);
    let mut diff = MenuDiff {
        removed: old_order
            .iter()
            .filter(|id| !new.contains_key(*id))
            .map(|id| summary(&old[id]))
            .collect(),
        ..MenuDiff::default()
    };

    // Items that kept their parent, per parent, in their new order, with their old index.
    let mut stayed: BTreeMap<Option<&str>, Vec<(usize, &str)>> = BTreeMap::new();
    let mut moved: HashSet<&str> = HashSet::new();
    for &id in &new_order {
        let now = &new[id];
        let Some(was) = old.get(id) else {
            diff.added.push(summary(now));
            continue;
        };
        let fields = changed_fields(was.item, now.item);
        if !fields.is_empty() {
            diff.changed.push(ItemChange {
                id: id.to_owned(),
                before: without_children(was.item),
                after: without_children(now.item),
                fields,
            });
        }
        if was.parent != now.parent {
            moved.insert(id);
        } else {
            let old_index = was.path.last().copied().unwrap_or(0);
            stayed.entry(now.parent).or_default().push((old_index, id));
        }
    }
    // Within a list, the longest run already in the old order stayed put; the rest moved.
    for siblings in stayed.values() {
        let keep = longest_increasing(siblings);
        for (i, (_, id)) in siblings.iter().enumerate() {
            if !keep.contains(&i) {
                moved.insert(*id);
            }
        }
    }
    for id in &new_order {
        if !moved.contains(id) {
            continue;
        }
        let (was, now) = (&old[id], &new[id]);
        diff.moved.push(ItemMove {
            id: (*id).to_owned(),
            label: now.item.label.clone(),
            from_parent: was.parent.map(str::to_owned),
            to_parent: now.parent.map(str::to_owned),
            from_path: was.path.clone(),
            to_path: now.path.clone(),
        });
    }
    let changed: HashSet<&str> = diff.changed.iter().map(|c| c.id.as_str()).collect();
    diff.unchanged = new_order
        .iter()
        .filter(|id| old.contains_key(*id) && !moved.contains(*id) && !changed.contains(*id))
        .count();
    diff
}

/// Positions (in `seq`) of one longest strictly increasing run of the first elements, found in
/// O(n log n) so a 5,000-item reorder stays instant.
fn longest_increasing(seq: &[(usize, &str)]) -> HashSet<usize> {
    // tails[k]: position of the smallest value ending an increasing run of length k + 1.
    let mut tails: Vec<usize> = Vec::new();
    let mut previous: Vec<Option<usize>> = vec![None; seq.len()];
    for (i, (value, _)) in seq.iter().enumerate() {
        let k = tails.partition_point(|&t| seq[t].0 < *value);
        previous[i] = k.checked_sub(1).map(|k| tails[k]);
        if k == tails.len() {
            tails.push(i);
        } else {
            tails[k] = i;
        }
    }
    let mut keep = HashSet::new();
    let mut at = tails.last().copied();
    while let Some(i) = at {
        keep.insert(i);
        at = previous[i];
    }
    keep
}

#[cfg(test)]
#[path = "diff_tests.rs"]
mod tests;
