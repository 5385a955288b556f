//! Input rules for menus: the tree's shape, each item's fields, and where links may go.
//!
//! Fields are named by index path, `items.0.children.2.target`, so the tree editor can put each
//! message next to the item it concerns.

use super::config::{has_control_chars, optional_message, release_message, release_version};
use super::flags::{flag_key, slug};
use super::{FieldErrors, Validate};
use crate::menus::icons::icon;
use crate::menus::inputs::{DiscardMenuDraft, NewMenu, PublishMenu, RollbackMenu, SaveMenuDraft};
use crate::menus::model::{
    BADGE_MAX, ID_MAX, ItemKind, LABEL_MAX, Located, MAX_DEPTH, MAX_ITEMS, Menu, MenuItem,
    PERMISSION_MAX, PERMISSIONS_MAX, ROLE_MAX, ROLES_MAX, TARGET_MAX, TRANSLATIONS_MAX,
};
use std::collections::{BTreeSet, HashMap};

/// An exported menu is a few hundred KiB at the item limit; this leaves room for translations.
pub const IMPORT_MAX_BYTES: usize = 5 * 1024 * 1024;

const TARGET_HINT: &str = "Links need an app route like /orders/:id or an https:// URL";

/// `[a-z0-9][a-z0-9._-]{0,63}`, like `orders.refunds`.
pub fn item_id(value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err("Enter an id".into());
    }
    slug(value, ID_MAX, &['.', '_', '-'], "id")
}

/// An app's role name, with the same rules as ids: `admin`, `support-tier-2`.
pub fn role(value: &str) -> Result<(), String> {
    slug(value, ROLE_MAX, &['.', '_', '-'], "role")
}

/// `[a-z0-9_.-]+(:[a-z0-9_.-]+)*`, like `orders:refund` or `billing.invoices:read`.
pub fn permission(value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err("Enter a permission".into());
    }
    if value.chars().count() > PERMISSION_MAX {
        return Err(format!("Use at most {PERMISSION_MAX} characters"));
    }
    let part_ok = |p: &str| {
        !p.is_empty()
            && p.chars().all(|c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '.' | '-')
            })
    };
    if !value.split(':').all(part_ok) {
        return Err(
            "Use a code like orders:refund: lowercase letters, digits, . _ and -, with : between parts"
                .into(),
        );
    }
    Ok(())
}

/// `fr` or `fr-CA`: a two-letter language, optionally a dash and a two-letter region. Any case;
/// locales are compared without regard to it.
pub fn locale(value: &str) -> Result<(), String> {
    let letters = |s: &str| s.len() == 2 && s.chars().all(|c| c.is_ascii_alphabetic());
    let ok = match value.split_once('-') {
        None => letters(value),
        Some((language, region)) => letters(language) && letters(region),
    };
    if ok {
        Ok(())
    } else {
        Err("Use a language code like fr, or fr-CA with a region".into())
    }
}

/// Where a link goes: an app route (`/orders/:id`, with an optional query or fragment) or an
/// absolute `https://` URL. Everything else is refused, with a reason, because a menu is
/// rendered by apps as a link their users trust: `javascript:` and `data:` would run or show
/// whatever an editor typed, `http:` leaks the session, and `//host` looks like a route but
/// leaves the app.
pub fn target(value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err(TARGET_HINT.into());
    }
    if value.chars().count() > TARGET_MAX {
        return Err(format!("Use at most {TARGET_MAX} characters"));
    }
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("Remove spaces and control characters; encode a space as %20".into());
    }
    // Browsers read `\` as `/` in URLs, so `/\evil.example` is `//evil.example`.
    if value.contains('\\') {
        return Err("Use / rather than \\ in links".into());
    }
    if value.starts_with("//") {
        return Err(
            "A link starting with // leaves the app; write the full https:// URL instead".into(),
        );
    }
    if !value.starts_with('/') {
        let scheme = value
            .split_once(':')
            .map(|(s, _)| s)
            .filter(|s| !s.contains(['/', '?', '#']));
        match scheme.map(str::to_ascii_lowercase).as_deref() {
            Some("https") => {}
            Some("javascript") => {
                return Err("javascript: links are not allowed: they run code".into());
            }
            Some("data") => return Err("data: links are not allowed".into()),
            Some("http") => return Err("Use https:// rather than http://".into()),
            Some(other) => {
                return Err(format!(
                    "{other}: links are not allowed; use an app route like /orders or an https:// URL"
                ));
            }
            None => return Err("Start app routes with /, like /orders".into()),
        }
    }
    // Not valid in a URL unencoded, and the first thing to break an app's own HTML templates.
    if let Some(c) = value.chars().find(|c| "<>\"`{}|^".contains(*c)) {
        return Err(format!("Encode {c} as %{:02X} or remove it", c as u32));
    }
    if value.starts_with('/') {
        route(value)
    } else {
        https_url(value)
    }
}

fn route(value: &str) -> Result<(), String> {
    let path = value.split(['?', '#']).next().unwrap_or(value);
    for segment in path.split('/').skip(1) {
        if let Some(name) = segment.strip_prefix(':') {
            let mut cs = name.chars();
            let first = cs
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
            if !first || !cs.all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(format!(
                    "Name the route parameter after the colon with letters, digits and _, like :id (not :{name})"
                ));
            }
        }
    }
    Ok(())
}

fn https_url(value: &str) -> Result<(), String> {
    let Some(rest) = value
        .get(..8)
        .filter(|s| s.eq_ignore_ascii_case("https://"))
        .map(|_| &value[8..])
    else {
        return Err("Write the URL in full, like https://example.com/help".into());
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.contains('@') {
        return Err("Remove the user name from the URL (the part before @)".into());
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    };
    let label_ok = |l: &str| {
        !l.is_empty()
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    if host.is_empty() || !host.split('.').all(label_ok) {
        return Err("Enter the site's host name, like https://example.com/help".into());
    }
    if let Some(port) = port
        && !matches!(port.parse::<u16>(), Ok(p) if p > 0)
    {
        return Err("Use a port from 1 to 65535".into());
    }
    Ok(())
}

/// Labels are one line of text shown in a menu: no control characters at all.
fn label(value: &str, required: bool) -> Result<(), String> {
    if value.trim().is_empty() {
        return if required {
            Err("Enter a label".into())
        } else {
            Ok(())
        };
    }
    short_text(value, LABEL_MAX)
}

fn short_text(value: &str, max: usize) -> Result<(), String> {
    if value.chars().count() > max {
        return Err(format!("Use at most {max} characters"));
    }
    if value.chars().any(char::is_control) {
        return Err("Remove control characters and line breaks".into());
    }
    Ok(())
}

/// The whole tree: its size and depth, unique ids, and every item. `known_flags`, when given,
/// is the flag keys of the app; items may only depend on those.
pub fn check_menu(menu: &Menu, known_flags: Option<&BTreeSet<String>>, e: &mut FieldErrors) {
    let count = menu.count();
    if count > MAX_ITEMS {
        e.add(
            "items",
            format!("Use at most {MAX_ITEMS} items in a menu (this one has {count})"),
        );
    }
    let mut ids: HashMap<&str, &MenuItem> = HashMap::new();
    for located in menu.iter() {
        let field = located.field();
        check_item(&located, &field, known_flags, e);
        if let Some(first) = ids.insert(&located.item.id, located.item) {
            e.add(
                format!("{field}.id"),
                format!(
                    "Another item ({}) has this id; ids must be unique in the whole menu",
                    first.display_name()
                ),
            );
            // The first item keeps the id; a third copy is compared with it too.
            ids.insert(&first.id, first);
        }
    }
}

fn check_item(
    located: &Located<'_>,
    field: &str,
    known_flags: Option<&BTreeSet<String>>,
    e: &mut FieldErrors,
) {
    let item = located.item;
    // Reported once, on the item that crosses the limit; its own children are then implied.
    if located.depth() == MAX_DEPTH + 1 {
        e.add(
            field,
            format!("Menus go at most {MAX_DEPTH} levels deep; move this item up a level"),
        );
    }
    report(e, field, "id", item_id(&item.id));
    report(
        e,
        field,
        "label",
        label(&item.label, item.kind != ItemKind::Divider),
    );
    check_kind_fields(item, field, e);
    check_translations(item, field, e);
    if let Some(name) = &item.icon {
        report(e, field, "icon", icon_name(name));
    }
    if let Some(badge) = &item.badge {
        let outcome = if badge.trim().is_empty() {
            Err("Enter the badge text, or remove the badge".into())
        } else {
            short_text(badge, BADGE_MAX)
        };
        report(e, field, "badge", outcome);
    }
    check_visibility(item, field, known_flags, e);
}

/// Records a problem under `{field}.{name}`, spelling the field out only when there is one: a
/// menu at the item limit has tens of thousands of fields, and the editor validates as you type.
fn report(e: &mut FieldErrors, field: &str, name: &str, outcome: Result<(), String>) {
    if let Err(message) = outcome {
        e.add(format!("{field}.{name}"), message);
    }
}

/// What depends on the kind: only links have a target and open in a new tab, only groups hold
/// items.
fn check_kind_fields(item: &MenuItem, field: &str, e: &mut FieldErrors) {
    let outcome = match (item.kind, item.target.as_deref()) {
        (ItemKind::Link, None) => Err(TARGET_HINT.into()),
        (ItemKind::Link, Some(t)) => target(t),
        (_, Some(_)) => Err("Only links have a target".into()),
        (_, None) => Ok(()),
    };
    report(e, field, "target", outcome);
    if item.new_tab && item.kind != ItemKind::Link {
        report(
            e,
            field,
            "new_tab",
            Err("Only links open in a new tab".into()),
        );
    }
    if !item.children.is_empty() {
        let outcome = match item.kind {
            ItemKind::Group => Ok(()),
            ItemKind::Link => Err(
                "Links cannot hold other items; make this a group, or move the items out".into(),
            ),
            ItemKind::Divider => Err("Dividers cannot hold other items".into()),
        };
        report(e, field, "children", outcome);
    }
}

fn check_translations(item: &MenuItem, field: &str, e: &mut FieldErrors) {
    if item.translations.is_empty() {
        return;
    }
    if item.translations.len() > TRANSLATIONS_MAX {
        report(
            e,
            field,
            "translations",
            Err(format!("Use at most {TRANSLATIONS_MAX} translations")),
        );
        return;
    }
    let mut seen: Vec<&str> = Vec::with_capacity(item.translations.len());
    for (key, text) in &item.translations {
        let outcome = locale(key).and_then(|()| {
            // Keys are distinct, but may differ only in case, which lookups ignore.
            if let Some(other) = seen.iter().find(|s| s.eq_ignore_ascii_case(key)) {
                return Err(format!(
                    "{other} is already translated; list each language once"
                ));
            }
            seen.push(key);
            if text.trim().is_empty() {
                return Err("Enter the translated label, or remove this language".into());
            }
            short_text(text, LABEL_MAX)
        });
        if let Err(message) = outcome {
            e.add(format!("{field}.translations.{key}"), message);
        }
    }
}

fn icon_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("Choose an icon, or leave it off".into());
    }
    match icon(name) {
        Some(_) => Ok(()),
        None => Err(format!(
            "Unknown icon: {name}; choose one from the icon set"
        )),
    }
}

fn check_visibility(
    item: &MenuItem,
    field: &str,
    known_flags: Option<&BTreeSet<String>>,
    e: &mut FieldErrors,
) {
    let v = &item.visibility;
    check_list(&v.roles, ROLES_MAX, "roles", role, field, e);
    check_list(
        &v.permissions,
        PERMISSIONS_MAX,
        "permissions",
        permission,
        field,
        e,
    );
    if let Some(flag) = &v.flag {
        let outcome = flag_key(flag).and_then(|()| match known_flags {
            Some(known) if !known.contains(flag) => Err(format!("Unknown flag: {flag}")),
            _ => Ok(()),
        });
        report(e, field, "visibility.flag", outcome);
    }
}

/// `visibility.{what}` of the item at `field`: at most `max` values, each following `rule`, none
/// twice.
fn check_list(
    values: &[String],
    max: usize,
    what: &str,
    rule: fn(&str) -> Result<(), String>,
    field: &str,
    e: &mut FieldErrors,
) {
    // Past the limit the list is reported as a whole: checking each of thousands of values
    // against the others would cost more than it tells.
    if values.len() > max {
        e.add(
            format!("{field}.visibility.{what}"),
            format!("Use at most {max} {what}"),
        );
        return;
    }
    for (i, value) in values.iter().enumerate() {
        let outcome = rule(value).and_then(|()| {
            if values[..i].contains(value) {
                Err("This is listed twice".to_string())
            } else {
                Ok(())
            }
        });
        if let Err(message) = outcome {
            e.add(format!("{field}.visibility.{what}.{i}"), message);
        }
    }
}

impl Validate for Menu {
    fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        check_menu(self, None, &mut e);
        e.into_result()
    }
}

/// A menu from an exported JSON file: `{"items": [...]}`, or the bare list of items. Problems
/// reading the file are one message on `document` saying where; problems with the menu are
/// field errors as for any save. Flags are not checked here: the server checks them against the
/// app's flags with [`check_menu`].
pub fn parse_menu_import(json: &str) -> Result<Menu, FieldErrors> {
    if json.trim().is_empty() {
        return Err(FieldErrors::single("document", "Choose a menu file (JSON)"));
    }
    if json.len() > IMPORT_MAX_BYTES {
        return Err(FieldErrors::single(
            "document",
            format!(
                "Use a file of at most {} MiB",
                IMPORT_MAX_BYTES / (1024 * 1024)
            ),
        ));
    }
    let parsed = if json.trim_start().starts_with('[') {
        serde_json::from_str::<Vec<MenuItem>>(json).map(Menu::new)
    } else {
        serde_json::from_str::<Menu>(json)
    };
    let menu = parsed.map_err(|err| FieldErrors::single("document", json_problem(&err)))?;
    menu.validate()?;
    Ok(menu)
}

/// `Line 3, column 14: missing field `kind``: serde's message with the place first, in words.
fn json_problem(err: &serde_json::Error) -> String {
    let message = err.to_string();
    let suffix = format!(" at line {} column {}", err.line(), err.column());
    let what = message.strip_suffix(&suffix).unwrap_or(&message);
    if err.line() == 0 {
        return format!("This file is not a menu: {what}");
    }
    format!(
        "This file is not a valid menu: line {}, column {}: {what}",
        err.line(),
        err.column()
    )
}

pub const MENU_KEY_MAX: usize = 64;
pub const MENU_DESCRIPTION_MAX: usize = 500;

/// `[a-z0-9][a-z0-9._-]{0,63}`, like `web-main` or `partner.portal`.
pub fn menu_key(value: &str) -> Result<(), String> {
    slug(value, MENU_KEY_MAX, &['.', '_', '-'], "menu")
}

impl Validate for NewMenu {
    fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        e.check("key", menu_key(&self.key));
        if self.description.chars().count() > MENU_DESCRIPTION_MAX {
            e.add(
                "description",
                format!("Use at most {MENU_DESCRIPTION_MAX} characters"),
            );
        } else if has_control_chars(&self.description) {
            e.add("description", "Remove control characters");
        }
        e.into_result()
    }
}

/// The tree's own rules; the server adds the check of flag keys against the app's flags.
impl Validate for SaveMenuDraft {
    fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        check_menu(&self.tree, None, &mut e);
        e.check("version", release_version(self.version));
        e.into_result()
    }
}

impl Validate for PublishMenu {
    fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        e.check("message", release_message(&self.message));
        e.check("main_version", release_version(self.main_version));
        e.into_result()
    }
}

impl Validate for DiscardMenuDraft {
    fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        e.check("draft_version", release_version(self.draft_version));
        e.into_result()
    }
}

impl Validate for RollbackMenu {
    fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        e.check("message", optional_message(&self.message));
        if self.to_version < 1 {
            e.add("to_version", "Pick a release to roll back to");
        }
        e.check("main_version", release_version(self.main_version));
        e.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn discarding_a_menu_draft_names_a_version_from_zero() {
        let discard = |v| DiscardMenuDraft {
            menu: "main".into(),
            environment: "staging".into(),
            draft_version: v,
        };
        assert!(discard(7).validate().is_ok());
        let e = discard(-1).validate().unwrap_err();
        assert_eq!(e.get("draft_version"), Some("A version is a number from 0"));
    }

    fn link(id: &str, target: &str) -> MenuItem {
        MenuItem::link(id, "Label", target)
    }

    fn errors(menu: &Menu) -> FieldErrors {
        let mut e = FieldErrors::new();
        check_menu(menu, None, &mut e);
        e
    }

    fn one(item: MenuItem) -> FieldErrors {
        errors(&Menu::new(vec![item]))
    }

    /// Everything a menu may use, all valid.
    fn full() -> Menu {
        let mut refunds = MenuItem::link(
            "orders.refunds",
            "Refunds",
            "/orders/:order_id/refunds?open=1#top",
        );
        refunds.icon = Some("dollar".into());
        refunds.badge = Some("99+".into());
        refunds.visibility.roles = vec!["admin".into(), "support-tier_2".into()];
        refunds.visibility.permissions =
            vec!["orders:refund".into(), "billing.v2:invoices:read".into()];
        refunds.visibility.flag = Some("refunds.v2".into());
        refunds
            .translations
            .insert("fr".into(), "Remboursements".into());
        refunds
            .translations
            .insert("fr-CA".into(), "Remboursements (CA)".into());
        let mut docs = MenuItem::link("docs", "Docs", "https://docs.example.com:8443/menus?x=1");
        docs.new_tab = true;
        Menu::new(vec![
            MenuItem::link("home", "Home", "/"),
            MenuItem::group(
                "orders",
                "Orders",
                vec![refunds, MenuItem::divider("orders.sep")],
            ),
            MenuItem::divider("sep"),
            docs,
        ])
    }

    #[test]
    fn a_complete_menu_passes() {
        let menu = full();
        assert_eq!(menu.validate(), Ok(()));
        let known: BTreeSet<String> = ["refunds.v2".to_string()].into();
        let mut e = FieldErrors::new();
        check_menu(&menu, Some(&known), &mut e);
        assert!(e.is_empty(), "{e}");
        assert_eq!(Menu::default().validate(), Ok(()));
    }

    #[test]
    fn app_routes_and_https_urls_are_the_only_targets() {
        for good in [
            "/",
            "/orders",
            "/orders/:id",
            "/orders/:order_id/items?status=open&x=%20#top",
            "https://example.com",
            "HTTPS://Example.com/Help",
            "https://docs.example.com:8443/a?b=c#d",
            "https://localhost",
        ] {
            assert_eq!(target(good), Ok(()), "{good}");
        }
        let refused = [
            (
                "javascript:alert(1)",
                "javascript: links are not allowed: they run code",
            ),
            (
                "JavaScript:alert(document.cookie)",
                "javascript: links are not allowed: they run code",
            ),
            (
                "data:text/html,<script>alert(1)</script>",
                "data: links are not allowed",
            ),
            ("http://example.com", "Use https:// rather than http://"),
            (
                "//evil.example/path",
                "A link starting with // leaves the app; write the full https:// URL instead",
            ),
            ("/\\evil.example", "Use / rather than \\ in links"),
            (
                "mailto:help@example.com",
                "mailto: links are not allowed; use an app route like /orders or an https:// URL",
            ),
            ("orders/1", "Start app routes with /, like /orders"),
            (
                "https:example.com",
                "Write the URL in full, like https://example.com/help",
            ),
            (
                "https://",
                "Enter the site's host name, like https://example.com/help",
            ),
            (
                "https://-bad-.example",
                "Enter the site's host name, like https://example.com/help",
            ),
            (
                "https://bank.example@evil.example",
                "Remove the user name from the URL (the part before @)",
            ),
            ("https://example.com:0", "Use a port from 1 to 65535"),
            ("https://example.com:99999", "Use a port from 1 to 65535"),
            (
                "/orders/:",
                "Name the route parameter after the colon with letters, digits and _, like :id (not :)",
            ),
            (
                "/orders/:1st",
                "Name the route parameter after the colon with letters, digits and _, like :id (not :1st)",
            ),
            ("/search?q=<script>", "Encode < as %3C or remove it"),
            (
                "https://example.com/\"onmouseover=",
                "Encode \" as %22 or remove it",
            ),
            (
                "/my orders",
                "Remove spaces and control characters; encode a space as %20",
            ),
            (
                " javascript:alert(1)",
                "Remove spaces and control characters; encode a space as %20",
            ),
            (
                "java\tscript:alert(1)",
                "Remove spaces and control characters; encode a space as %20",
            ),
            ("", TARGET_HINT),
        ];
        for (bad, message) in refused {
            assert_eq!(target(bad), Err(message.to_string()), "{bad:?}");
        }
        let long = format!("/{}", "a".repeat(TARGET_MAX));
        assert_eq!(target(&long), Err("Use at most 2048 characters".into()));
    }

    #[test]
    fn targets_are_reported_by_index_path() {
        let menu = Menu::new(vec![
            MenuItem::link("home", "Home", "/"),
            MenuItem::group(
                "g",
                "G",
                vec![
                    link("a", "/a"),
                    link("b", "/b"),
                    link("evil", "javascript:alert(1)"),
                ],
            ),
        ]);
        let e = errors(&menu);
        assert_eq!(
            e.get("items.1.children.2.target"),
            Some("javascript: links are not allowed: they run code")
        );
        assert_eq!(e.0.len(), 1, "{e}");
    }

    #[test]
    fn only_links_have_targets_and_they_need_one() {
        let mut no_target = link("x", "/");
        no_target.target = None;
        assert_eq!(one(no_target).get("items.0.target"), Some(TARGET_HINT));
        let mut group = MenuItem::group("g", "G", vec![link("x", "/")]);
        group.target = Some("/g".into());
        group.new_tab = true;
        let e = one(group);
        assert_eq!(e.get("items.0.target"), Some("Only links have a target"));
        assert_eq!(
            e.get("items.0.new_tab"),
            Some("Only links open in a new tab")
        );
        let mut divider = MenuItem::divider("d");
        divider.target = Some("/".into());
        assert_eq!(
            one(divider).get("items.0.target"),
            Some("Only links have a target")
        );
    }

    #[test]
    fn only_groups_hold_items() {
        let mut l = link("l", "/");
        l.children = vec![link("x", "/x")];
        assert_eq!(
            one(l).get("items.0.children"),
            Some("Links cannot hold other items; make this a group, or move the items out")
        );
        let mut d = MenuItem::divider("d");
        d.children = vec![link("y", "/y")];
        assert_eq!(
            one(d).get("items.0.children"),
            Some("Dividers cannot hold other items")
        );
    }

    #[test]
    fn labels_are_required_short_and_single_line() {
        assert_eq!(
            one(MenuItem::link("x", " ", "/")).get("items.0.label"),
            Some("Enter a label")
        );
        assert_eq!(
            one(MenuItem::group("g", "", vec![link("x", "/")])).get("items.0.label"),
            Some("Enter a label")
        );
        assert!(
            one(MenuItem::divider("d")).is_empty(),
            "dividers need no label"
        );
        assert!(one(MenuItem::link("x", "é".repeat(LABEL_MAX), "/")).is_empty());
        assert_eq!(
            one(MenuItem::link("x", "é".repeat(LABEL_MAX + 1), "/")).get("items.0.label"),
            Some("Use at most 80 characters")
        );
        assert_eq!(
            one(MenuItem::link("x", "Two\nlines", "/")).get("items.0.label"),
            Some("Remove control characters and line breaks")
        );
    }

    #[test]
    fn ids_follow_the_slug_rules_and_are_unique_in_the_whole_tree() {
        assert!(item_id("orders.refunds_2-b").is_ok());
        assert!(item_id(&"a".repeat(ID_MAX)).is_ok());
        assert_eq!(item_id(""), Err("Enter an id".into()));
        for bad in ["Orders", "-x", ".x", "a b", "a/b", &"a".repeat(ID_MAX + 1)] {
            assert!(item_id(bad).is_err(), "{bad:?}");
        }
        let menu = Menu::new(vec![
            MenuItem::link("home", "Home", "/"),
            MenuItem::group(
                "g",
                "G",
                vec![
                    MenuItem::link("home", "Again", "/a"),
                    MenuItem::divider("home"),
                ],
            ),
        ]);
        let e = errors(&menu);
        let message = "Another item (Home) has this id; ids must be unique in the whole menu";
        assert_eq!(e.get("items.1.children.0.id"), Some(message));
        assert_eq!(e.get("items.1.children.1.id"), Some(message));
        assert_eq!(e.get("items.0.id"), None, "the first keeps it");
        assert_eq!(
            one(MenuItem::link("Bad Id", "L", "/")).get("items.0.id"),
            Some("Use lowercase letters, digits and . _ -, starting with a letter or digit")
        );
    }

    #[test]
    fn menus_are_at_most_four_levels_deep() {
        let chain = |levels: usize| {
            let mut item = MenuItem::link(format!("l{levels}"), "Leaf", "/");
            for level in (1..levels).rev() {
                item = MenuItem::group(format!("g{level}"), "G", vec![item]);
            }
            Menu::new(vec![item])
        };
        assert!(errors(&chain(MAX_DEPTH)).is_empty());
        let e = errors(&chain(MAX_DEPTH + 2));
        assert_eq!(
            e.get("items.0.children.0.children.0.children.0.children.0"),
            Some("Menus go at most 4 levels deep; move this item up a level")
        );
        assert_eq!(
            e.0.len(),
            1,
            "reported once, where the limit is crossed: {e}"
        );
    }

    #[test]
    fn menus_hold_at_most_5000_items() {
        let items: Vec<MenuItem> = (0..=MAX_ITEMS)
            .map(|i| MenuItem::divider(format!("d{i}")))
            .collect();
        let e = errors(&Menu::new(items));
        assert_eq!(
            e.get("items"),
            Some("Use at most 5000 items in a menu (this one has 5001)")
        );
    }

    #[test]
    fn translations_need_locale_keys_and_short_labels() {
        assert!(locale("fr").is_ok() && locale("fr-CA").is_ok() && locale("PT-br").is_ok());
        for bad in [
            "",
            "f",
            "fra",
            "fr_CA",
            "fr-",
            "fr-CAN",
            "f1",
            "fr-C1",
            "zh-Hant-TW",
        ] {
            assert_eq!(
                locale(bad),
                Err("Use a language code like fr, or fr-CA with a region".into()),
                "{bad:?}"
            );
        }
        let mut item = link("x", "/");
        item.translations
            .insert("french".into(), "Commandes".into());
        item.translations.insert("de".into(), " ".into());
        item.translations
            .insert("es".into(), "x".repeat(LABEL_MAX + 1));
        item.translations.insert("fr-CA".into(), "Commandes".into());
        item.translations.insert("fr-ca".into(), "Commandes".into());
        let e = one(item);
        assert_eq!(
            e.get("items.0.translations.french"),
            Some("Use a language code like fr, or fr-CA with a region")
        );
        assert_eq!(
            e.get("items.0.translations.de"),
            Some("Enter the translated label, or remove this language")
        );
        assert_eq!(
            e.get("items.0.translations.es"),
            Some("Use at most 80 characters")
        );
        assert_eq!(
            e.get("items.0.translations.fr-ca"),
            Some("fr-CA is already translated; list each language once")
        );
        assert_eq!(e.get("items.0.translations.fr-CA"), None);

        let mut many = link("y", "/");
        for a in 'a'..='c' {
            for b in 'a'..='z' {
                many.translations.insert(format!("{a}{b}"), "L".into());
            }
        }
        assert_eq!(
            one(many).get("items.0.translations"),
            Some("Use at most 50 translations")
        );
    }

    #[test]
    fn icons_come_from_the_bundled_set() {
        let mut item = link("x", "/");
        item.icon = Some("rocket".into());
        assert_eq!(
            one(item.clone()).get("items.0.icon"),
            Some("Unknown icon: rocket; choose one from the icon set")
        );
        item.icon = Some(String::new());
        assert_eq!(
            one(item.clone()).get("items.0.icon"),
            Some("Choose an icon, or leave it off")
        );
        item.icon = Some("credit-card".into());
        assert!(one(item).is_empty());
    }

    #[test]
    fn badges_are_short() {
        let mut item = link("x", "/");
        item.badge = Some("x".repeat(BADGE_MAX + 1));
        assert_eq!(
            one(item.clone()).get("items.0.badge"),
            Some("Use at most 16 characters")
        );
        item.badge = Some(" ".into());
        assert_eq!(
            one(item.clone()).get("items.0.badge"),
            Some("Enter the badge text, or remove the badge")
        );
        item.badge = Some("New".into());
        assert!(one(item).is_empty());
    }

    #[test]
    fn roles_and_permissions_have_formats_limits_and_no_repeats() {
        assert!(role("admin").is_ok() && role("support-tier_2").is_ok());
        assert!(role("Admin").is_err() && role("").is_err());
        for good in [
            "orders:refund",
            "orders",
            "billing.v2:invoices:read",
            "a_b-c",
        ] {
            assert_eq!(permission(good), Ok(()), "{good}");
        }
        for bad in [
            "Orders:refund",
            "orders:",
            ":refund",
            "orders::refund",
            "orders refund",
            "orders/refund",
        ] {
            assert_eq!(
                permission(bad),
                Err("Use a code like orders:refund: lowercase letters, digits, . _ and -, with : between parts".into()),
                "{bad:?}"
            );
        }
        assert_eq!(permission(""), Err("Enter a permission".into()));
        assert_eq!(
            permission(&"p".repeat(PERMISSION_MAX + 1)),
            Err("Use at most 100 characters".into())
        );

        let mut item = link("x", "/");
        item.visibility.roles = vec!["admin".into(), "Support".into(), "admin".into()];
        item.visibility.permissions = vec!["orders:read".into(), "orders read".into()];
        let e = one(item);
        assert_eq!(
            e.get("items.0.visibility.roles.1"),
            Some("Use lowercase letters, digits and . _ -, starting with a letter or digit")
        );
        assert_eq!(
            e.get("items.0.visibility.roles.2"),
            Some("This is listed twice")
        );
        assert!(e.get("items.0.visibility.permissions.1").is_some());
        assert_eq!(e.get("items.0.visibility.permissions.0"), None);

        let mut crowded = link("y", "/");
        crowded.visibility.roles = (0..=ROLES_MAX).map(|i| format!("r{i}")).collect();
        crowded.visibility.permissions = (0..=PERMISSIONS_MAX).map(|i| format!("p:{i}")).collect();
        let e = one(crowded);
        assert_eq!(
            e.get("items.0.visibility.roles"),
            Some("Use at most 50 roles")
        );
        assert_eq!(
            e.get("items.0.visibility.permissions"),
            Some("Use at most 50 permissions")
        );
    }

    #[test]
    fn flags_must_be_well_formed_and_known_when_the_app_s_flags_are_given() {
        let mut item = link("x", "/");
        item.visibility.flag = Some("New Nav".into());
        assert_eq!(
            one(item.clone()).get("items.0.visibility.flag"),
            Some("Use lowercase letters, digits and . _ -, starting with a letter or digit")
        );
        item.visibility.flag = Some("new-nav".into());
        let menu = Menu::new(vec![item]);
        assert!(
            errors(&menu).is_empty(),
            "unknown flags are only checked against a list"
        );
        let known: BTreeSet<String> = ["checkout".to_string()].into();
        let mut e = FieldErrors::new();
        check_menu(&menu, Some(&known), &mut e);
        assert_eq!(
            e.get("items.0.visibility.flag"),
            Some("Unknown flag: new-nav")
        );
        let known: BTreeSet<String> = ["new-nav".to_string()].into();
        let mut e = FieldErrors::new();
        check_menu(&menu, Some(&known), &mut e);
        assert!(e.is_empty());
    }

    #[test]
    fn imports_read_json_and_validate_it() {
        let menu = full();
        let text = serde_json::to_string_pretty(&menu).unwrap();
        assert_eq!(parse_menu_import(&text), Ok(menu.clone()));
        let bare = serde_json::to_string(&menu.items).unwrap();
        assert_eq!(parse_menu_import(&bare), Ok(menu));

        let e = parse_menu_import("{\"items\": [\n  {\"id\": \"a\", \"kind\": \"link\",}\n]}")
            .unwrap_err();
        assert_eq!(e.0.len(), 1);
        assert_eq!(
            e.get("document"),
            Some("This file is not a valid menu: line 2, column 30: trailing comma")
        );
        let e = parse_menu_import("[{\"id\": \"a\"}]").unwrap_err();
        assert_eq!(
            e.get("document"),
            Some("This file is not a valid menu: line 1, column 12: missing field `kind`")
        );
        let e = parse_menu_import("[{\"id\": \"a\", \"kind\": \"button\"}]").unwrap_err();
        assert!(
            e.get("document")
                .unwrap()
                .contains("unknown variant `button`"),
            "{e}"
        );
        assert_eq!(
            parse_menu_import("  ").unwrap_err().get("document"),
            Some("Choose a menu file (JSON)")
        );

        let evil =
            json!([{"id": "x", "kind": "link", "label": "X", "target": "javascript:alert(1)"}]);
        let e = parse_menu_import(&evil.to_string()).unwrap_err();
        assert_eq!(
            e.get("items.0.target"),
            Some("javascript: links are not allowed: they run code")
        );
    }
}

#[cfg(test)]
#[path = "menus_props.rs"]
mod props;
