//! The menu one caller sees. The delivery API runs this for every request and the dashboard's
//! preview for every keystroke, so it borrows from the menu instead of copying it: the result
//! allocates one vector per level shown and nothing per item.

use super::model::{ItemKind, Menu, MenuItem, Visibility, language, translate};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeSet;

/// Who the menu is for, as the app describes them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Caller {
    /// What flags are evaluated for; menus themselves do not look at it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(default)]
    pub roles: BTreeSet<String>,
    #[serde(default)]
    pub permissions: BTreeSet<String>,
    /// One tag like `fr-CA`; labels fall back to its language, then to the default label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
}

impl Caller {
    pub fn new(user_id: Option<String>) -> Caller {
        Caller {
            user_id,
            ..Caller::default()
        }
    }

    pub fn with_roles<S: Into<String>>(mut self, roles: impl IntoIterator<Item = S>) -> Caller {
        self.roles.extend(roles.into_iter().map(Into::into));
        self
    }

    pub fn with_permissions<S: Into<String>>(
        mut self,
        permissions: impl IntoIterator<Item = S>,
    ) -> Caller {
        self.permissions
            .extend(permissions.into_iter().map(Into::into));
        self
    }

    pub fn with_locale(mut self, locale: impl Into<String>) -> Caller {
        self.locale = Some(locale.into());
        self
    }

    /// Any of the roles (none listed: everyone), all of the permissions, and the flag on.
    /// The flag is asked last: it is the one condition that may cost more than a set lookup.
    pub fn may_see(&self, v: &Visibility, flag_on: &dyn Fn(&str) -> bool) -> bool {
        (v.roles.is_empty() || v.roles.iter().any(|r| self.roles.contains(r.as_str())))
            && v.permissions
                .iter()
                .all(|p| self.permissions.contains(p.as_str()))
            && v.flag.as_deref().is_none_or(flag_on)
    }
}

/// An item as shown: its label already in the caller's language, its conditions gone.
///
/// Text is borrowed from the menu it was filtered from; [`VisibleItem::into_owned`] detaches it
/// (to keep it in a signal, say). Read back from JSON, it owns its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisibleItem<'a> {
    pub id: Cow<'a, str>,
    pub kind: ItemKind,
    #[serde(default)]
    pub label: Cow<'a, str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub new_tab: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub badge: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(no_recursion))]
    pub children: Vec<VisibleItem<'a>>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn owned(text: Cow<'_, str>) -> Cow<'static, str> {
    Cow::Owned(text.into_owned())
}

impl VisibleItem<'_> {
    pub fn into_owned(self) -> VisibleItem<'static> {
        VisibleItem {
            id: owned(self.id),
            kind: self.kind,
            label: owned(self.label),
            icon: self.icon.map(owned),
            target: self.target.map(owned),
            new_tab: self.new_tab,
            badge: self.badge.map(owned),
            children: self
                .children
                .into_iter()
                .map(VisibleItem::into_owned)
                .collect(),
        }
    }
}

/// What `caller` sees of `menu`. `flag_on` answers whether a flag key evaluates on for this
/// caller (unknown keys should answer false, so a deleted flag hides rather than reveals).
///
/// An item is shown when its conditions hold for the caller; a hidden item hides everything
/// under it. A group left with nothing to show is dropped, and dividers never lead, trail or
/// follow one another within a level, so removing items never leaves stray separators.
pub fn filter<'a>(
    menu: &'a Menu,
    caller: &Caller,
    flag_on: &dyn Fn(&str) -> bool,
) -> Vec<VisibleItem<'a>> {
    let locale = caller.locale.as_deref().filter(|l| !l.is_empty());
    let pass = Pass {
        caller,
        flag_on,
        locale: locale.map(|l| (l, language(l))),
    };
    pass.level(&menu.items)
}

struct Pass<'c> {
    caller: &'c Caller,
    flag_on: &'c dyn Fn(&str) -> bool,
    /// The caller's locale and its language part, split once for the whole menu.
    locale: Option<(&'c str, &'c str)>,
}

impl Pass<'_> {
    fn level<'a>(&self, items: &'a [MenuItem]) -> Vec<VisibleItem<'a>> {
        let mut out: Vec<VisibleItem<'a>> = Vec::new();
        for item in items {
            if !self.caller.may_see(&item.visibility, self.flag_on) {
                continue;
            }
            let children = match item.kind {
                ItemKind::Divider => {
                    // Only between two shown items: never first, never twice in a row. A
                    // trailing one is removed below once the level is complete.
                    if out.last().is_none_or(|last| last.kind == ItemKind::Divider) {
                        continue;
                    }
                    Vec::new()
                }
                ItemKind::Group => {
                    let children = self.level(&item.children);
                    // Dividers are already trimmed, so an empty list is the only empty group.
                    if children.is_empty() {
                        continue;
                    }
                    children
                }
                ItemKind::Link => Vec::new(),
            };
            if out.capacity() == 0 {
                // Sized for the level on first use, so levels nobody sees allocate nothing.
                out.reserve_exact(items.len());
            }
            out.push(self.show(item, children));
        }
        if out
            .last()
            .is_some_and(|last| last.kind == ItemKind::Divider)
        {
            out.pop();
        }
        out
    }

    fn show<'a>(&self, item: &'a MenuItem, children: Vec<VisibleItem<'a>>) -> VisibleItem<'a> {
        let label = match self.locale {
            Some((locale, language)) if !item.translations.is_empty() => {
                translate(&item.translations, locale, language).unwrap_or(&item.label)
            }
            _ => &item.label,
        };
        VisibleItem {
            id: Cow::Borrowed(&item.id),
            kind: item.kind,
            label: Cow::Borrowed(label),
            icon: item.icon.as_deref().map(Cow::Borrowed),
            target: item.target.as_deref().map(Cow::Borrowed),
            new_tab: item.new_tab,
            badge: item.badge.as_deref().map(Cow::Borrowed),
            children,
        }
    }
}

#[cfg(test)]
#[path = "filter_tests.rs"]
mod tests;
