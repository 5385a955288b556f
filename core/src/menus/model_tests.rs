use super::*;
use serde_json::json;

fn sample() -> Menu {
    Menu::new(vec![
        MenuItem::link("home", "Home", "/"),
        MenuItem::group(
            "orders",
            "Orders",
            vec![
                MenuItem::link("orders.all", "All orders", "/orders"),
                MenuItem::group(
                    "orders.more",
                    "More",
                    vec![MenuItem::link("refunds", "Refunds", "/refunds")],
                ),
            ],
        ),
        MenuItem::divider("d1"),
    ])
}

#[test]
fn walk_visits_parents_first_with_paths() {
    let menu = sample();
    let seen: Vec<(&str, Vec<usize>, usize)> = menu
        .iter()
        .map(|l| (l.item.id.as_str(), l.path.clone(), l.depth()))
        .collect();
    assert_eq!(
        seen,
        [
            ("home", vec![0], 1),
            ("orders", vec![1], 1),
            ("orders.all", vec![1, 0], 2),
            ("orders.more", vec![1, 1], 2),
            ("refunds", vec![1, 1, 0], 3),
            ("d1", vec![2], 1),
        ]
    );
    assert_eq!(menu.count(), 6);
    assert_eq!(menu.depth(), 3);
    assert_eq!(Menu::default().depth(), 0);
    assert_eq!(Menu::default().iter().count(), 0);
}

#[test]
fn find_get_and_siblings_agree() {
    let menu = sample();
    assert_eq!(menu.path_of("refunds"), Some(vec![1, 1, 0]));
    assert_eq!(menu.path_of("nope"), None);
    assert_eq!(menu.find("refunds").unwrap().label, "Refunds");
    assert_eq!(menu.get(&[1, 1, 0]).unwrap().id, "refunds");
    assert!(menu.get(&[1, 5]).is_none());
    assert!(menu.get(&[]).is_none());
    assert_eq!(menu.siblings(&[1, 0]).unwrap().len(), 2);
    assert_eq!(menu.siblings(&[2]).unwrap().len(), 3);
    assert_eq!(menu.get(&[1]).unwrap().height(), 3);
    assert_eq!(menu.get(&[1]).unwrap().count(), 4);
}

#[test]
fn field_paths_name_children_by_index() {
    assert_eq!(field_path(&[0]), "items.0");
    assert_eq!(field_path(&[0, 2, 11]), "items.0.children.2.children.11");
    assert_eq!(field_path(&[]), "items");
}

#[test]
fn labels_fall_back_from_locale_to_language_to_default() {
    let mut item = MenuItem::link("orders", "Orders", "/orders");
    item.translations.insert("fr".into(), "Commandes".into());
    item.translations
        .insert("fr-CA".into(), "Commandes (CA)".into());
    item.translations.insert("de".into(), "Bestellungen".into());
    assert_eq!(item.localized_label(Some("fr-CA")), "Commandes (CA)");
    assert_eq!(item.localized_label(Some("FR-ca")), "Commandes (CA)");
    assert_eq!(item.localized_label(Some("fr-BE")), "Commandes");
    assert_eq!(item.localized_label(Some("fr_BE")), "Commandes");
    assert_eq!(item.localized_label(Some("DE")), "Bestellungen");
    assert_eq!(item.localized_label(Some("es")), "Orders");
    assert_eq!(item.localized_label(None), "Orders");
    // A regional translation does not stand in for the bare language.
    item.translations.remove("fr");
    assert_eq!(item.localized_label(Some("fr")), "Orders");
}

#[test]
fn display_names_never_come_out_blank() {
    assert_eq!(MenuItem::divider("d").display_name(), "Divider");
    assert_eq!(MenuItem::link("x", " ", "/").display_name(), "x");
    assert_eq!(MenuItem::link("x", "Home", "/").display_name(), "Home");
}

#[test]
fn serde_shape_is_sparse_and_defaults_optional_fields() {
    let mut link = MenuItem::link("orders", "Orders", "/orders");
    link.visibility.roles = vec!["admin".into()];
    let v = serde_json::to_value(Menu::new(vec![link.clone(), MenuItem::divider("d")])).unwrap();
    assert_eq!(
        v,
        json!({"items": [
            {"id": "orders", "kind": "link", "label": "Orders", "target": "/orders",
             "visibility": {"roles": ["admin"]}},
            {"id": "d", "kind": "divider", "label": ""}
        ]})
    );
    let back: Menu = serde_json::from_value(v).unwrap();
    assert_eq!(back.items[0], link);
    let bare: MenuItem = serde_json::from_value(json!({"id": "d", "kind": "divider"})).unwrap();
    assert_eq!(bare, MenuItem::divider("d"));
    assert!(serde_json::from_value::<MenuItem>(json!({"id": "x", "kind": "button"})).is_err());
    assert_eq!(ItemKind::parse("group"), Some(ItemKind::Group));
    assert!(ItemKind::Group.takes_children() && !ItemKind::Link.takes_children());
}
