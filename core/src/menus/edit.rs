//! Edits the dashboard's tree editor makes, by drag and drop or from the keyboard.
//!
//! Every operation checks first and changes second, so a refused edit leaves the menu exactly as
//! it was, and refuses with a sentence the editor can show (or a screen reader can say) as is.
//! Together they keep the tree's shape valid: ids unique, only groups holding items, at most
//! [`MAX_DEPTH`] levels and [`MAX_ITEMS`] items. The rest (labels, targets, conditions) is
//! [`crate::validation::menus`]'s job.

use super::model::{ItemKind, MAX_DEPTH, MAX_ITEMS, Menu, MenuItem};
use std::collections::HashSet;

/// Inserts `item` (with its children) under the group `parent`, or at the top level, at
/// `index` among its new siblings; an index past the end appends.
pub fn add(
    menu: &mut Menu,
    parent: Option<&str>,
    index: usize,
    item: MenuItem,
) -> Result<(), String> {
    let parent_path = destination(menu, parent)?;
    if !item.kind.takes_children() && !item.children.is_empty() {
        return Err(only_groups(&item));
    }
    fits_depth(parent_path.len() + item.height())?;
    let added = item.count();
    if menu.count() + added > MAX_ITEMS {
        return Err(format!("A menu holds at most {MAX_ITEMS} items"));
    }
    let mut ids: HashSet<&str> = menu.iter().map(|l| l.item.id.as_str()).collect();
    let mut check = vec![&item];
    while let Some(it) = check.pop() {
        if !ids.insert(&it.id) {
            return Err(format!("Another item already has the id {}", it.id));
        }
        check.extend(&it.children);
    }
    let siblings = children_mut(menu, &parent_path);
    let at = index.min(siblings.len());
    siblings.insert(at, item);
    Ok(())
}

/// Takes out the item with `id` and everything under it.
pub fn remove(menu: &mut Menu, id: &str) -> Option<MenuItem> {
    let path = menu.path_of(id)?;
    let siblings = menu.siblings_mut(&path)?;
    Some(siblings.remove(*path.last()?))
}

/// Replaces the item `id` with `edited`, keeping the children it has: the form edits one item,
/// moves and deletions go through [`move_item`] and [`remove`]. The id may change if the new one
/// is free; the kind may become a link or divider only once the item holds nothing.
pub fn update(menu: &mut Menu, id: &str, mut edited: MenuItem) -> Result<(), String> {
    let path = menu.path_of(id).ok_or_else(|| no_item(id))?;
    if edited.id != id && menu.path_of(&edited.id).is_some() {
        return Err(format!("Another item already has the id {}", edited.id));
    }
    let Some(current) = menu.get_mut(&path) else {
        return Err(no_item(id));
    };
    if !edited.kind.takes_children() && !current.children.is_empty() {
        let n = current.children.len();
        return Err(format!(
            "Move or remove the {n} {} inside {} before making it a {}",
            if n == 1 { "item" } else { "items" },
            current.display_name(),
            edited.kind.as_str()
        ));
    }
    edited.children = std::mem::take(&mut current.children);
    *current = edited;
    Ok(())
}

/// Sets the default label; translations stay as they are.
pub fn rename(menu: &mut Menu, id: &str, label: &str) -> Result<(), String> {
    let path = menu.path_of(id).ok_or_else(|| no_item(id))?;
    if let Some(item) = menu.get_mut(&path) {
        item.label = label.to_owned();
    }
    Ok(())
}

/// Moves the item `id` (with its children) under the group `new_parent`, or to the top level,
/// to position `index` among its new siblings as they are once it has left its old place (so
/// within one list, `index` is where it ends up). An index past the end appends.
pub fn move_item(
    menu: &mut Menu,
    id: &str,
    new_parent: Option<&str>,
    index: usize,
) -> Result<(), String> {
    let from = menu.path_of(id).ok_or_else(|| no_item(id))?;
    let item = menu.get(&from).ok_or_else(|| no_item(id))?;
    if new_parent == Some(id) {
        return Err(format!(
            "Moving {} into itself would create a cycle",
            item.display_name()
        ));
    }
    let mut to = destination(menu, new_parent)?;
    if to.starts_with(&from) {
        let target = menu.get(&to).map_or("", MenuItem::display_name);
        return Err(format!(
            "Moving {} into {target} would create a cycle: {target} is inside {}",
            item.display_name(),
            item.display_name()
        ));
    }
    fits_depth(to.len() + item.height())?;

    // Taking the item out shifts its later siblings up by one, and with them any destination
    // beneath one of those siblings.
    let level = from.len() - 1;
    if to.len() > level && to[..level] == from[..level] && to[level] > from[level] {
        to[level] -= 1;
    }
    let moved = remove_at(menu, &from);
    let siblings = children_mut(menu, &to);
    let at = index.min(siblings.len());
    siblings.insert(at, moved);
    Ok(())
}

/// One place up among its siblings. Answers where it is now, for screen readers.
pub fn move_up(menu: &mut Menu, id: &str) -> Result<String, String> {
    let path = menu.path_of(id).ok_or_else(|| no_item(id))?;
    let i = *path.last().unwrap_or(&0);
    if i == 0 {
        return Err(format!(
            "{} is already first {}",
            name_at(menu, &path),
            place(menu, &path)
        ));
    }
    swap(menu, &path, i - 1);
    Ok(moved(menu, id, "moved up"))
}

/// One place down among its siblings.
pub fn move_down(menu: &mut Menu, id: &str) -> Result<String, String> {
    let path = menu.path_of(id).ok_or_else(|| no_item(id))?;
    let i = *path.last().unwrap_or(&0);
    let len = menu.siblings(&path).map_or(0, Vec::len);
    if i + 1 >= len {
        return Err(format!(
            "{} is already last {}",
            name_at(menu, &path),
            place(menu, &path)
        ));
    }
    swap(menu, &path, i + 1);
    Ok(moved(menu, id, "moved down"))
}

/// Into the group just above it, as that group's last item.
pub fn indent(menu: &mut Menu, id: &str) -> Result<String, String> {
    let path = menu.path_of(id).ok_or_else(|| no_item(id))?;
    let i = *path.last().unwrap_or(&0);
    let name = name_at(menu, &path);
    if i == 0 {
        return Err(format!("{name} has no item above it to move into"));
    }
    let mut above = path.clone();
    if let Some(last) = above.last_mut() {
        *last = i - 1;
    }
    let group = menu.get(&above).ok_or_else(|| no_item(id))?;
    if !group.kind.takes_children() {
        return Err(only_groups(group));
    }
    let group_name = group.display_name().to_owned();
    let height = menu.get(&path).map_or(1, MenuItem::height);
    fits_depth(path.len() + height)?;
    let item = remove_at(menu, &path);
    let children = children_mut(menu, &above);
    children.push(item);
    let n = children.len();
    Ok(format!(
        "{name} moved into {group_name}, position {n} of {n}"
    ))
}

/// Out of its group, to just after it.
pub fn outdent(menu: &mut Menu, id: &str) -> Result<String, String> {
    let path = menu.path_of(id).ok_or_else(|| no_item(id))?;
    let name = name_at(menu, &path);
    let Some((_, parent)) = path.split_last().filter(|(_, p)| !p.is_empty()) else {
        return Err(format!("{name} is already at the top level"));
    };
    let parent = parent.to_vec();
    let parent_name = name_at(menu, &parent);
    let item = remove_at(menu, &path);
    let after = *parent.last().unwrap_or(&0) + 1;
    if let Some(siblings) = menu.siblings_mut(&parent) {
        siblings.insert(after, item);
    }
    Ok(moved(menu, id, &format!("moved out of {parent_name}")))
}

/// Where an item is, as a screen reader should say it: `position 2 of 3 in Orders`, or
/// `position 1 of 5 at the top level`.
pub fn describe_position(menu: &Menu, id: &str) -> Option<String> {
    let path = menu.path_of(id)?;
    let len = menu.siblings(&path)?.len();
    Some(format!(
        "position {} of {len} {}",
        path.last()? + 1,
        place(menu, &path)
    ))
}

fn moved(menu: &Menu, id: &str, how: &str) -> String {
    let name = menu.find(id).map_or(id, MenuItem::display_name);
    let at = describe_position(menu, id).unwrap_or_default();
    format!("{name} {how}, {at}")
}

fn place(menu: &Menu, path: &[usize]) -> String {
    match path.split_last() {
        Some((_, parent)) if !parent.is_empty() => format!("in {}", name_at(menu, parent)),
        _ => "at the top level".into(),
    }
}

fn name_at(menu: &Menu, path: &[usize]) -> String {
    menu.get(path)
        .map_or_else(String::new, |i| i.display_name().to_owned())
}

fn no_item(id: &str) -> String {
    format!("No item has the id {id}")
}

fn only_groups(item: &MenuItem) -> String {
    let article = match item.kind {
        ItemKind::Group => "a group",
        ItemKind::Link => "a link",
        ItemKind::Divider => "a divider",
    };
    format!(
        "{} is {article}; only groups hold other items",
        item.display_name()
    )
}

fn fits_depth(levels: usize) -> Result<(), String> {
    if levels > MAX_DEPTH {
        return Err(format!(
            "That would make the menu {levels} levels deep; the limit is {MAX_DEPTH}"
        ));
    }
    Ok(())
}

/// The children list of the group at `parent`, or the top level for `[]`: where an item moved
/// or added there goes. Refuses anything but a group.
fn destination(menu: &Menu, parent: Option<&str>) -> Result<Vec<usize>, String> {
    let Some(id) = parent else {
        return Ok(Vec::new());
    };
    let path = menu.path_of(id).ok_or_else(|| no_item(id))?;
    match menu.get(&path) {
        Some(p) if p.kind.takes_children() => Ok(path),
        Some(p) => Err(only_groups(p)),
        None => Err(no_item(id)),
    }
}

/// Callers have checked `parent` with [`destination`].
fn children_mut<'m>(menu: &'m mut Menu, parent: &[usize]) -> &'m mut Vec<MenuItem> {
    if parent.is_empty() {
        return &mut menu.items;
    }
    &mut menu
        .get_mut(parent)
        .expect("the destination was located before the edit")
        .children
}

/// Callers have located `path` in this same menu.
fn remove_at(menu: &mut Menu, path: &[usize]) -> MenuItem {
    let siblings = menu
        .siblings_mut(path)
        .expect("the item was located before the edit");
    siblings.remove(path[path.len() - 1])
}

fn swap(menu: &mut Menu, path: &[usize], with: usize) {
    if let Some(siblings) = menu.siblings_mut(path) {
        siblings.swap(path[path.len() - 1], with);
    }
}

#[cfg(test)]
#[path = "edit_tests.rs"]
mod tests;
