use super::*;

fn link(id: &str) -> MenuItem {
    MenuItem::link(id, id.to_uppercase(), format!("/{id}"))
}

fn group(id: &str, children: Vec<MenuItem>) -> MenuItem {
    MenuItem::group(id, id.to_uppercase(), children)
}

fn ids<T>(items: &[T], id: impl Fn(&T) -> &str) -> Vec<String> {
    items.iter().map(|i| id(i).to_owned()).collect()
}

#[test]
fn identical_menus_have_nothing_to_publish() {
    let menu = Menu::new(vec![link("a"), group("g", vec![link("b")])]);
    let d = diff_menus(&menu, &menu.clone());
    assert!(d.is_empty());
    assert_eq!(d.unchanged, 3);
    assert_eq!(d.summary(), "No changes");
    assert!(diff_menus(&Menu::default(), &Menu::default()).is_empty());
}

#[test]
fn additions_and_removals_are_matched_by_id_at_any_level() {
    let before = Menu::new(vec![
        link("home"),
        group("orders", vec![link("all"), link("legacy")]),
    ]);
    let after = Menu::new(vec![
        link("home"),
        group("orders", vec![link("all"), link("refunds")]),
        group("help", vec![link("docs")]),
    ]);
    let d = diff_menus(&before, &after);
    assert_eq!(ids(&d.added, |s| &s.id), ["refunds", "help", "docs"]);
    let docs = &d.added[2];
    assert_eq!(
        (docs.parent.as_deref(), docs.path.as_slice()),
        (Some("help"), &[2, 0][..])
    );
    assert_eq!(ids(&d.removed, |s| &s.id), ["legacy"]);
    assert_eq!(d.removed[0].parent.as_deref(), Some("orders"));
    assert_eq!(d.removed[0].label, "LEGACY");
    assert!(
        d.moved.is_empty(),
        "neighbours coming and going move nothing"
    );
    assert_eq!(d.unchanged, 3);
    assert_eq!(d.summary(), "3 added, 1 removed");
}

#[test]
fn changes_name_their_fields_and_leave_children_out() {
    let before = Menu::new(vec![group("orders", vec![link("all")])]);
    let mut after = before.clone();
    let orders = &mut after.items[0];
    orders.label = "Purchases".into();
    orders.icon = Some("cart".into());
    orders.visibility.roles = vec!["admin".into()];
    orders.translations.insert("fr".into(), "Achats".into());
    let all = &mut orders.children[0];
    all.target = Some("/orders/all".into());
    all.new_tab = true;
    all.visibility.flag = Some("new-orders".into());
    let d = diff_menus(&before, &after);
    assert_eq!(ids(&d.changed, |c| &c.id), ["orders", "all"]);
    assert_eq!(
        d.changed[0].fields,
        ["label", "translations", "icon", "visibility.roles"]
    );
    assert!(d.changed[0].before.children.is_empty() && d.changed[0].after.children.is_empty());
    assert_eq!(d.changed[0].before.label, "ORDERS");
    assert_eq!(d.changed[0].after.label, "Purchases");
    assert_eq!(
        d.changed[1].fields,
        ["target", "new_tab", "visibility.flag"]
    );
    assert_eq!(d.summary(), "2 changed");
    assert_eq!(d.unchanged, 0);
}

#[test]
fn kind_badge_and_permissions_count_as_changes() {
    let before = Menu::new(vec![link("x")]);
    let mut after = before.clone();
    after.items[0].kind = ItemKind::Group;
    after.items[0].badge = Some("3".into());
    after.items[0].visibility.permissions = vec!["x:read".into()];
    let d = diff_menus(&before, &after);
    assert_eq!(
        d.changed[0].fields,
        ["kind", "badge", "visibility.permissions"]
    );
}

#[test]
fn reparenting_is_a_move() {
    let before = Menu::new(vec![
        group("orders", vec![link("all"), link("refunds")]),
        group("billing", vec![]),
    ]);
    let after = Menu::new(vec![
        group("orders", vec![link("all")]),
        group("billing", vec![link("refunds")]),
    ]);
    let d = diff_menus(&before, &after);
    assert_eq!(
        d.moved,
        [ItemMove {
            id: "refunds".into(),
            label: "REFUNDS".into(),
            from_parent: Some("orders".into()),
            to_parent: Some("billing".into()),
            from_path: vec![0, 1],
            to_path: vec![1, 0],
        }]
    );
    assert!(d.changed.is_empty() && d.added.is_empty() && d.removed.is_empty());
    assert_eq!(d.summary(), "1 moved");

    let to_top = Menu::new(vec![group("orders", vec![link("all")]), link("refunds")]);
    let d = diff_menus(&before, &to_top);
    assert_eq!(ids(&d.moved, |m| &m.id), ["refunds"]);
    assert_eq!(d.moved[0].to_parent, None);
    assert_eq!(ids(&d.removed, |s| &s.id), ["billing"]);
}

#[test]
fn reordering_reports_only_the_items_that_moved() {
    let before = Menu::new(["a", "b", "c", "d", "e"].map(link).to_vec());
    // e moved to the front; the others kept their order.
    let after = Menu::new(["e", "a", "b", "c", "d"].map(link).to_vec());
    let d = diff_menus(&before, &after);
    assert_eq!(ids(&d.moved, |m| &m.id), ["e"]);
    assert_eq!(
        (d.moved[0].from_path.clone(), d.moved[0].to_path.clone()),
        (vec![4], vec![0])
    );
    assert_eq!(d.unchanged, 4);

    // Two swapped neighbours: one of them moved.
    let swapped = Menu::new(["a", "c", "b", "d", "e"].map(link).to_vec());
    assert_eq!(diff_menus(&before, &swapped).moved.len(), 1);

    // Reversed: all but one moved.
    let reversed = Menu::new(["e", "d", "c", "b", "a"].map(link).to_vec());
    assert_eq!(diff_menus(&before, &reversed).moved.len(), 4);
}

#[test]
fn an_item_can_change_and_move_at_once() {
    let before = Menu::new(vec![link("a"), link("b")]);
    let mut renamed_b = link("b");
    renamed_b.label = "Bee".into();
    let after = Menu::new(vec![renamed_b, link("a")]);
    let d = diff_menus(&before, &after);
    assert_eq!(d.changed.len(), 1);
    assert_eq!(d.moved.len(), 1);
    assert_eq!(d.change_count(), 2);
    assert_eq!(d.summary(), "1 changed, 1 moved");
}

#[test]
fn duplicate_ids_keep_the_first() {
    let before = Menu::new(vec![link("a")]);
    let after = Menu::new(vec![link("a"), MenuItem::divider("a")]);
    assert!(diff_menus(&before, &after).is_empty());
}
