//! Menu filtering's speed: a 2,000-item menu over 4 levels, with a mix of role, permission and
//! flag conditions and translations, filtered for one caller (what the delivery API does per
//! request and the editor's preview per keystroke). Also the same menu's validation, run on
//! every save.
//!
//! Run: `cargo bench -p switchboard-core --bench menus`. Target: filtering well under 200 µs.

use criterion::{Criterion, criterion_group, criterion_main};
use std::collections::BTreeSet;
use std::hint::black_box;
use switchboard_core::menus::{Caller, ItemKind, Menu, MenuItem, Visibility, filter};
use switchboard_core::validation::Validate;

/// Conditions as an app might set them: most items open to everyone, a quarter for some role,
/// some needing one or two permissions, one in ten behind a flag. Groups are gated more rarely
/// than links, as in real menus.
fn visibility(n: usize, group: bool) -> Visibility {
    let spread = if group { 3 } else { 1 };
    let mut v = Visibility::default();
    match n % (8 * spread) {
        0 => v.roles = vec!["admin".into()],
        1 => v.roles = vec!["support".into(), "admin".into()],
        2 => v.roles = vec!["billing".into()],
        _ => {}
    }
    match n % (10 * spread) {
        3 => v.permissions = vec!["orders:read".into()],
        4 => v.permissions = vec!["orders:read".into(), "orders:refund".into()],
        5 => v.permissions = vec!["billing.invoices:read".into()],
        _ => {}
    }
    if n % (10 * spread) == 7 {
        v.flag = Some(format!("flag-{:02}", n % 20));
    }
    v
}

fn item(n: usize, kind: ItemKind, children: Vec<MenuItem>) -> MenuItem {
    let id = format!("item-{n:04}");
    let mut item = match kind {
        ItemKind::Group => MenuItem::group(id, format!("Section {n}"), children),
        ItemKind::Link => MenuItem::link(id, format!("Page {n}"), format!("/section/{n}/:id")),
        ItemKind::Divider => MenuItem::divider(id),
    };
    if kind != ItemKind::Divider {
        item.translations
            .insert("fr".into(), format!("Page {n} (fr)"));
        item.translations.insert("de".into(), format!("Seite {n}"));
        item.translations.insert("es".into(), format!("Página {n}"));
        if n.is_multiple_of(3) {
            item.translations
                .insert("fr-CA".into(), format!("Page {n} (fr-CA)"));
        }
        item.icon = Some(["home", "orders", "users", "chart"][n % 4].into());
    }
    if n.is_multiple_of(9) {
        item.badge = Some((n % 100).to_string());
    }
    item.visibility = visibility(n, kind == ItemKind::Group);
    item
}

/// 10 groups › 4 groups each › 5 groups each › 9 leaves (8 in every fourth) (links, every seventh a
/// divider): 10 + 40 + 200 + 1,750 = 2,000 items.
fn menu() -> Menu {
    let mut n: usize = 0;
    let mut next = || {
        n += 1;
        n
    };
    let mut top = Vec::new();
    let mut sections = 0;
    for _ in 0..10 {
        let id1 = next();
        let mut level2 = Vec::new();
        for _ in 0..4 {
            let id2 = next();
            let mut level3 = Vec::new();
            for _ in 0..5 {
                let id3 = next();
                // Three sections in four get 9 leaves: 150 × 9 + 50 × 8 = 1,750.
                let leaves = if sections % 4 == 3 { 8 } else { 9 };
                sections += 1;
                let level4 = (0..leaves)
                    .map(|_| {
                        let id = next();
                        let kind = if id.is_multiple_of(7) {
                            ItemKind::Divider
                        } else {
                            ItemKind::Link
                        };
                        item(id, kind, vec![])
                    })
                    .collect();
                level3.push(item(id3, ItemKind::Group, level4));
            }
            level2.push(item(id2, ItemKind::Group, level3));
        }
        top.push(item(id1, ItemKind::Group, level2));
    }
    Menu::new(top)
}

fn count(items: &[switchboard_core::menus::VisibleItem<'_>]) -> usize {
    items.iter().map(|i| 1 + count(&i.children)).sum()
}

fn menus(c: &mut Criterion) {
    let menu = menu();
    assert_eq!(menu.count(), 2000);
    assert_eq!(menu.depth(), 4);
    assert_eq!(menu.validate(), Ok(()));

    let caller = Caller::new(Some("user-42".into()))
        .with_roles(["support"])
        .with_permissions([
            "orders:read",
            "customers:read",
            "billing.invoices:read",
            "reports:read",
            "settings:read",
        ])
        .with_locale("fr-CA");
    // Half the flags on, looked up the way the API does: a set of the keys that evaluated on.
    let on: BTreeSet<String> = (0..20).step_by(2).map(|i| format!("flag-{i:02}")).collect();
    let flag_on = |key: &str| on.contains(key);

    let shown = count(&filter(&menu, &caller, &flag_on));
    eprintln!("menus bench: {shown} of 2000 items shown to the caller");

    c.bench_function("filter: 2,000 items, 4 levels, one caller", |b| {
        b.iter(|| filter(black_box(&menu), black_box(&caller), &flag_on))
    });
    c.bench_function("validate: 2,000 items", |b| {
        b.iter(|| black_box(&menu).validate())
    });
}

criterion_group!(benches, menus);
criterion_main!(benches);
