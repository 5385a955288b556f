use super::*;
use serde_json::json;

fn link(id: &str) -> MenuItem {
    MenuItem::link(id, id.to_uppercase(), format!("/{id}"))
}

fn group(id: &str, children: Vec<MenuItem>) -> MenuItem {
    MenuItem::group(id, id.to_uppercase(), children)
}

fn roles(mut item: MenuItem, roles: &[&str]) -> MenuItem {
    item.visibility.roles = roles.iter().map(|r| r.to_string()).collect();
    item
}

fn permissions(mut item: MenuItem, codes: &[&str]) -> MenuItem {
    item.visibility.permissions = codes.iter().map(|p| p.to_string()).collect();
    item
}

fn flagged(mut item: MenuItem, flag: &str) -> MenuItem {
    item.visibility.flag = Some(flag.into());
    item
}

fn no_flags(_: &str) -> bool {
    false
}

/// The shown tree as `id` / `id(children...)`, dividers as `-`.
fn shape(items: &[VisibleItem<'_>]) -> String {
    items
        .iter()
        .map(|i| match i.kind {
            ItemKind::Divider => "-".to_string(),
            _ if i.children.is_empty() => i.id.to_string(),
            _ => format!("{}({})", i.id, shape(&i.children)),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn seen(menu: &Menu, caller: &Caller) -> String {
    shape(&filter(menu, caller, &no_flags))
}

#[test]
fn roles_admit_callers_with_any_of_them() {
    let menu = Menu::new(vec![
        link("home"),
        roles(link("staff"), &["admin", "support"]),
        roles(link("admin"), &["admin"]),
    ]);
    assert_eq!(seen(&menu, &Caller::default()), "home");
    assert_eq!(
        seen(&menu, &Caller::default().with_roles(["support"])),
        "home staff"
    );
    assert_eq!(
        seen(&menu, &Caller::default().with_roles(["admin"])),
        "home staff admin"
    );
    assert_eq!(
        seen(&menu, &Caller::default().with_roles(["Admin"])),
        "home",
        "roles are compared exactly"
    );
}

#[test]
fn permissions_require_all_of_them() {
    let menu = Menu::new(vec![
        permissions(link("view"), &["orders:read"]),
        permissions(link("refund"), &["orders:read", "orders:refund"]),
    ]);
    let reader = Caller::default().with_permissions(["orders:read"]);
    assert_eq!(seen(&menu, &reader), "view");
    let refunder = reader.clone().with_permissions(["orders:refund"]);
    assert_eq!(seen(&menu, &refunder), "view refund");
    let only_refund = Caller::default().with_permissions(["orders:refund"]);
    assert_eq!(seen(&menu, &only_refund), "");
}

#[test]
fn roles_permissions_and_flag_must_all_hold() {
    let item = flagged(
        permissions(roles(link("beta"), &["admin"]), &["beta:use"]),
        "new-nav",
    );
    let menu = Menu::new(vec![item]);
    let everything = Caller::default()
        .with_roles(["admin"])
        .with_permissions(["beta:use"]);
    let on = |key: &str| key == "new-nav";
    assert_eq!(shape(&filter(&menu, &everything, &on)), "beta");
    assert_eq!(shape(&filter(&menu, &everything, &no_flags)), "");
    let no_role = Caller::default().with_permissions(["beta:use"]);
    assert_eq!(shape(&filter(&menu, &no_role, &on)), "");
    let no_permission = Caller::default().with_roles(["admin"]);
    assert_eq!(shape(&filter(&menu, &no_permission, &on)), "");
}

#[test]
fn flags_are_asked_by_key_and_only_when_needed() {
    let menu = Menu::new(vec![
        flagged(link("a"), "flag-a"),
        flagged(roles(link("b"), &["admin"]), "flag-b"),
        link("c"),
    ]);
    let asked = std::cell::RefCell::new(Vec::new());
    let flag_on = |key: &str| {
        asked.borrow_mut().push(key.to_string());
        true
    };
    assert_eq!(shape(&filter(&menu, &Caller::default(), &flag_on)), "a c");
    assert_eq!(
        *asked.borrow(),
        ["flag-a"],
        "flag-b is not evaluated for a caller the role already excludes"
    );
}

#[test]
fn a_hidden_item_hides_its_whole_subtree() {
    let menu = Menu::new(vec![roles(
        group(
            "admin",
            vec![link("users"), group("deep", vec![link("audit")])],
        ),
        &["admin"],
    )]);
    assert_eq!(seen(&menu, &Caller::default()), "");
    assert_eq!(
        seen(&menu, &Caller::default().with_roles(["admin"])),
        "admin(users deep(audit))"
    );
}

#[test]
fn groups_left_with_nothing_to_show_are_removed() {
    let menu = Menu::new(vec![
        group("empty", vec![]),
        group("all-hidden", vec![roles(link("x"), &["admin"])]),
        group(
            "only-dividers",
            vec![
                MenuItem::divider("d1"),
                roles(link("y"), &["admin"]),
                MenuItem::divider("d2"),
            ],
        ),
        group(
            "outer",
            vec![group("inner", vec![roles(link("z"), &["admin"])])],
        ),
        group("kept", vec![link("k")]),
    ]);
    assert_eq!(seen(&menu, &Caller::default()), "kept(k)");
}

#[test]
fn dividers_never_lead_trail_or_repeat() {
    let d = MenuItem::divider;
    let admin = |id| roles(link(id), &["admin"]);
    let menu = Menu::new(vec![
        d("lead"),
        link("a"),
        d("d1"),
        admin("hidden"),
        d("d2"),
        d("d3"),
        link("b"),
        d("d4"),
        group("g", vec![d("g1"), link("c"), d("g2"), admin("h2"), d("g3")]),
        d("trail1"),
        admin("h3"),
        d("trail2"),
    ]);
    let shown = filter(&menu, &Caller::default(), &no_flags);
    assert_eq!(shape(&shown), "a - b - g(c)");
    assert_eq!(shown[1].id, "d1", "the first of a run of dividers is kept");
    assert_eq!(
        seen(&menu, &Caller::default().with_roles(["admin"])),
        "a - hidden - b - g(c - h2) - h3"
    );
    let only = Menu::new(vec![d("x"), d("y")]);
    assert!(filter(&only, &Caller::default(), &no_flags).is_empty());
}

#[test]
fn hidden_dividers_stay_hidden() {
    let menu = Menu::new(vec![
        link("a"),
        roles(MenuItem::divider("d"), &["admin"]),
        link("b"),
    ]);
    assert_eq!(seen(&menu, &Caller::default()), "a b");
}

#[test]
fn labels_are_localized_with_fallbacks() {
    let mut orders = link("orders");
    orders.label = "Orders".into();
    orders.translations.insert("fr".into(), "Commandes".into());
    orders
        .translations
        .insert("fr-CA".into(), "Commandes (Canada)".into());
    let menu = Menu::new(vec![orders]);
    let label = |locale: Option<&str>| {
        let caller = Caller {
            locale: locale.map(str::to_string),
            ..Caller::default()
        };
        filter(&menu, &caller, &no_flags)[0].label.to_string()
    };
    assert_eq!(label(Some("fr-CA")), "Commandes (Canada)");
    assert_eq!(label(Some("fr-ca")), "Commandes (Canada)");
    assert_eq!(label(Some("fr-BE")), "Commandes");
    assert_eq!(label(Some("FR")), "Commandes");
    assert_eq!(label(Some("de-DE")), "Orders");
    assert_eq!(label(Some("")), "Orders");
    assert_eq!(label(None), "Orders");
}

#[test]
fn shown_items_carry_presentation_and_borrow_from_the_menu() {
    let mut item = link("docs");
    item.icon = Some("file".into());
    item.badge = Some("New".into());
    item.new_tab = true;
    item.target = Some("https://docs.example.com".into());
    item.visibility.roles = vec!["admin".into()];
    let menu = Menu::new(vec![group("help", vec![item])]);
    let shown = filter(&menu, &Caller::default().with_roles(["admin"]), &no_flags);
    let docs = &shown[0].children[0];
    assert!(matches!(docs.label, Cow::Borrowed(_)));
    assert_eq!(
        serde_json::to_value(&shown).unwrap(),
        json!([{"id": "help", "kind": "group", "label": "HELP", "children": [
            {"id": "docs", "kind": "link", "label": "DOCS", "icon": "file",
             "target": "https://docs.example.com", "new_tab": true, "badge": "New"}
        ]}])
    );
    let owned = shown[0].clone().into_owned();
    assert_eq!(owned, shown[0]);
    let back: Vec<VisibleItem<'static>> =
        serde_json::from_value(serde_json::to_value(&shown).unwrap()).unwrap();
    assert_eq!(back, shown);
}

#[test]
fn links_and_dividers_never_show_children() {
    let mut bad_link = link("l");
    bad_link.children = vec![link("x")];
    let menu = Menu::new(vec![bad_link]);
    let shown = filter(&menu, &Caller::default(), &no_flags);
    assert_eq!(shape(&shown), "l");
}

#[test]
fn callers_read_from_json_with_defaults() {
    let caller: Caller =
        serde_json::from_value(json!({"roles": ["admin"], "locale": "fr-CA"})).unwrap();
    assert!(caller.roles.contains("admin") && caller.permissions.is_empty());
    assert_eq!(caller.locale.as_deref(), Some("fr-CA"));
    assert_eq!(caller.user_id, None);
}
