//! A menu as stored and edited: a tree of groups, links and dividers, each shown only to the
//! callers its [`Visibility`] admits.
//!
//! Items are addressed two ways: by id (stable across edits, what diffs and the editor use) and by
//! index path (`[0, 2]` is the third child of the first top-level item), which is how validation
//! names fields (`items.0.children.2.target`).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Levels of nesting, counting the top level as 1. Four is what a sidebar or a dropdown can show
/// legibly; deeper trees are a sign the menu wants splitting.
pub const MAX_DEPTH: usize = 4;
/// Per menu, counting every item at every level. Apps download the whole tree at start-up.
pub const MAX_ITEMS: usize = 5000;
/// In characters, for labels and their translations.
pub const LABEL_MAX: usize = 80;
/// Badges are counters or short words ("New", "99+"); more does not fit a pill.
pub const BADGE_MAX: usize = 16;
/// `[a-z0-9][a-z0-9._-]{0,63}`, like `orders.refunds`.
pub const ID_MAX: usize = 64;
/// Room for long query strings while keeping one URL from dominating the download.
pub const TARGET_MAX: usize = 2048;
pub const TRANSLATIONS_MAX: usize = 50;
/// Role names follow the id rules: `[a-z0-9][a-z0-9._-]{0,63}`.
pub const ROLE_MAX: usize = 64;
/// Permission codes: `[a-z0-9_.-]+(:[a-z0-9_.-]+)*`, like `orders:refund`.
pub const PERMISSION_MAX: usize = 100;
pub const ROLES_MAX: usize = 50;
pub const PERMISSIONS_MAX: usize = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// A heading that holds other items; shown only while one of them is.
    Group,
    /// Goes somewhere: an app route or an https:// URL.
    Link,
    /// A separator between items of one level.
    Divider,
}

impl ItemKind {
    pub const ALL: [ItemKind; 3] = [ItemKind::Group, ItemKind::Link, ItemKind::Divider];

    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Group => "group",
            ItemKind::Link => "link",
            ItemKind::Divider => "divider",
        }
    }

    pub fn parse(s: &str) -> Option<ItemKind> {
        ItemKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Only groups hold other items: a link's children would have nowhere to be shown, and a
    /// divider is not a place.
    pub fn takes_children(self) -> bool {
        self == ItemKind::Group
    }
}

/// Who sees an item. All three conditions must hold; an empty condition admits everyone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Visibility {
    /// The app's own roles (`admin`, `support`); the caller needs any one of them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    /// Codes like `orders:refund`; the caller needs every one of them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub permissions: Vec<String>,
    /// A flag key; the item is shown only while the flag evaluates on for the caller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flag: Option<String>,
}

impl Visibility {
    /// No condition at all: the item is shown to every caller.
    pub fn is_everyone(&self) -> bool {
        self.roles.is_empty() && self.permissions.is_empty() && self.flag.is_none()
    }
}

/// One node of the tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MenuItem {
    /// Unique in the whole menu, not just among siblings, so diffs and moves can follow an item
    /// wherever it goes.
    pub id: String,
    pub kind: ItemKind,
    /// Shown when no translation fits the caller's locale. Dividers may leave it empty.
    #[serde(default)]
    pub label: String,
    /// Locale (`fr`, `fr-CA`) to label.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub translations: BTreeMap<String, String>,
    /// A name from the bundled set ([`crate::menus::icons::ICONS`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    /// Links only: an app route (`/orders/:id`) or an `https://` URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Links only.
    #[serde(default, skip_serializing_if = "is_false")]
    pub new_tab: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub badge: Option<String>,
    #[serde(default, skip_serializing_if = "Visibility::is_everyone")]
    pub visibility: Visibility,
    /// Groups only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(no_recursion))]
    pub children: Vec<MenuItem>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl MenuItem {
    /// A bare item of `kind`; the shorthands below fill in what each kind needs.
    pub fn new(kind: ItemKind, id: impl Into<String>, label: impl Into<String>) -> MenuItem {
        MenuItem {
            id: id.into(),
            kind,
            label: label.into(),
            translations: BTreeMap::new(),
            icon: None,
            target: None,
            new_tab: false,
            badge: None,
            visibility: Visibility::default(),
            children: Vec::new(),
        }
    }

    pub fn group(
        id: impl Into<String>,
        label: impl Into<String>,
        children: Vec<MenuItem>,
    ) -> MenuItem {
        MenuItem {
            children,
            ..MenuItem::new(ItemKind::Group, id, label)
        }
    }

    pub fn link(
        id: impl Into<String>,
        label: impl Into<String>,
        target: impl Into<String>,
    ) -> MenuItem {
        MenuItem {
            target: Some(target.into()),
            ..MenuItem::new(ItemKind::Link, id, label)
        }
    }

    pub fn divider(id: impl Into<String>) -> MenuItem {
        MenuItem::new(ItemKind::Divider, id, "")
    }

    /// The label for `locale`: an exact translation, else one for its language (`fr` for
    /// `fr-CA`), else [`MenuItem::label`]. Locales compare without regard to case, since
    /// browsers and apps spell them either way.
    pub fn localized_label(&self, locale: Option<&str>) -> &str {
        match locale {
            Some(locale) if !self.translations.is_empty() => {
                translate(&self.translations, locale, language(locale)).unwrap_or(&self.label)
            }
            _ => &self.label,
        }
    }

    /// Levels in this item's subtree, itself included: 1 for an item without children.
    pub fn height(&self) -> usize {
        1 + self
            .children
            .iter()
            .map(MenuItem::height)
            .max()
            .unwrap_or(0)
    }

    /// This item and everything under it.
    pub fn count(&self) -> usize {
        1 + self.children.iter().map(MenuItem::count).sum::<usize>()
    }

    /// What screen readers and messages call the item: its label, or its kind when it has none.
    pub fn display_name(&self) -> &str {
        match self.label.trim() {
            "" if self.kind == ItemKind::Divider => "Divider",
            "" => &self.id,
            label => label,
        }
    }
}

/// The language part of a locale: `fr` for `fr-CA` (or `fr_CA`, as some platforms write it).
pub fn language(locale: &str) -> &str {
    locale.split(['-', '_']).next().unwrap_or(locale)
}

/// One pass over the translations: an exact match wins at once, a language match is kept in case
/// none comes. Allocation-free, as [`crate::menus::filter`] runs it for every item shown.
pub(crate) fn translate<'a>(
    translations: &'a BTreeMap<String, String>,
    locale: &str,
    language: &str,
) -> Option<&'a str> {
    let mut fallback = None;
    for (key, label) in translations {
        if key.eq_ignore_ascii_case(locale) {
            return Some(label);
        }
        if fallback.is_none() && language != locale && key.eq_ignore_ascii_case(language) {
            fallback = Some(label.as_str());
        }
    }
    fallback
}

/// The tree's top level.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Menu {
    #[serde(default)]
    pub items: Vec<MenuItem>,
}

/// An item met while walking a menu, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<'a> {
    pub item: &'a MenuItem,
    /// Indices from the top level down; `[0, 2]` is the first item's third child.
    pub path: Vec<usize>,
}

impl Located<'_> {
    /// 1 for top-level items.
    pub fn depth(&self) -> usize {
        self.path.len()
    }

    /// The field name validation reports problems under: `items.0.children.2`.
    pub fn field(&self) -> String {
        field_path(&self.path)
    }
}

/// `items.0.children.2` for `[0, 2]`.
pub fn field_path(path: &[usize]) -> String {
    let mut field = String::from("items");
    for (level, i) in path.iter().enumerate() {
        if level > 0 {
            field.push_str(".children");
        }
        field.push('.');
        field.push_str(&i.to_string());
    }
    field
}

/// Depth-first, parents before their children, siblings in order: the order a reader meets
/// items in an expanded menu.
pub struct Walk<'a> {
    /// Each open level and the index of the next item to visit in it.
    stack: Vec<(&'a [MenuItem], usize)>,
}

impl<'a> Iterator for Walk<'a> {
    type Item = Located<'a>;

    fn next(&mut self) -> Option<Located<'a>> {
        loop {
            let (items, next) = self.stack.last_mut()?;
            let items: &'a [MenuItem] = items;
            if let Some(item) = items.get(*next) {
                *next += 1;
                let path = self.stack.iter().map(|(_, next)| next - 1).collect();
                if !item.children.is_empty() {
                    self.stack.push((&item.children, 0));
                }
                return Some(Located { item, path });
            }
            self.stack.pop();
        }
    }
}

impl Menu {
    pub fn new(items: Vec<MenuItem>) -> Menu {
        Menu { items }
    }

    /// Every item with its path, in reading order.
    pub fn iter(&self) -> Walk<'_> {
        Walk {
            stack: vec![(&self.items, 0)],
        }
    }

    /// Items at every level.
    pub fn count(&self) -> usize {
        self.items.iter().map(MenuItem::count).sum()
    }

    /// Levels in use: 0 for an empty menu, 1 when nothing is nested.
    pub fn depth(&self) -> usize {
        self.items.iter().map(MenuItem::height).max().unwrap_or(0)
    }

    /// The first item with `id`, at any level.
    pub fn find(&self, id: &str) -> Option<&MenuItem> {
        self.iter().find(|l| l.item.id == id).map(|l| l.item)
    }

    /// Where the first item with `id` is.
    pub fn path_of(&self, id: &str) -> Option<Vec<usize>> {
        fn search(items: &[MenuItem], id: &str, path: &mut Vec<usize>) -> bool {
            for (i, item) in items.iter().enumerate() {
                path.push(i);
                if item.id == id || search(&item.children, id, path) {
                    return true;
                }
                path.pop();
            }
            false
        }
        let mut path = Vec::new();
        search(&self.items, id, &mut path).then_some(path)
    }

    pub fn get(&self, path: &[usize]) -> Option<&MenuItem> {
        let (first, rest) = path.split_first()?;
        rest.iter()
            .try_fold(self.items.get(*first)?, |item, i| item.children.get(*i))
    }

    pub fn get_mut(&mut self, path: &[usize]) -> Option<&mut MenuItem> {
        let (first, rest) = path.split_first()?;
        rest.iter()
            .try_fold(self.items.get_mut(*first)?, |item, i| {
                item.children.get_mut(*i)
            })
    }

    /// The list an item at `path` sits in: the top level, or its parent's children.
    pub fn siblings(&self, path: &[usize]) -> Option<&Vec<MenuItem>> {
        match path.split_last() {
            Some((_, [])) => Some(&self.items),
            Some((_, parent)) => self.get(parent).map(|p| &p.children),
            None => None,
        }
    }

    pub fn siblings_mut(&mut self, path: &[usize]) -> Option<&mut Vec<MenuItem>> {
        match path.split_last() {
            Some((_, [])) => Some(&mut self.items),
            Some((_, parent)) => self.get_mut(parent).map(|p| &mut p.children),
            None => None,
        }
    }
}

#[cfg(test)]
#[path = "model_tests.rs"]
mod tests;
