use super::*;

/// home · orders(all, refunds, returns(rma)) · divider · settings()
fn sample() -> Menu {
    Menu::new(vec![
        MenuItem::link("home", "Home", "/"),
        MenuItem::group(
            "orders",
            "Orders",
            vec![
                MenuItem::link("all", "All orders", "/orders"),
                MenuItem::link("refunds", "Refunds", "/refunds"),
                MenuItem::group(
                    "returns",
                    "Returns",
                    vec![MenuItem::link("rma", "RMA", "/rma")],
                ),
            ],
        ),
        MenuItem::divider("d"),
        MenuItem::group("settings", "Settings", vec![]),
    ])
}

/// The tree as `id` / `id(children...)`.
fn shape(items: &[MenuItem]) -> String {
    items
        .iter()
        .map(|i| {
            if i.kind == ItemKind::Group {
                format!("{}({})", i.id, shape(&i.children))
            } else {
                i.id.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn tree(menu: &Menu) -> String {
    shape(&menu.items)
}

/// g1(g2(g3(g4()))): four levels, the deepest an empty group.
fn chain() -> Menu {
    Menu::new(vec![MenuItem::group(
        "g1",
        "G1",
        vec![MenuItem::group(
            "g2",
            "G2",
            vec![MenuItem::group(
                "g3",
                "G3",
                vec![MenuItem::group("g4", "G4", vec![])],
            )],
        )],
    )])
}

const SAMPLE: &str = "home orders(all refunds returns(rma)) d settings()";

#[test]
fn add_places_items_and_clamps_the_index() {
    let mut menu = sample();
    add(&mut menu, None, 1, MenuItem::link("new", "New", "/new")).unwrap();
    add(
        &mut menu,
        Some("settings"),
        99,
        MenuItem::link("a", "A", "/a"),
    )
    .unwrap();
    add(
        &mut menu,
        Some("settings"),
        0,
        MenuItem::link("b", "B", "/b"),
    )
    .unwrap();
    add(&mut menu, None, 99, MenuItem::divider("end")).unwrap();
    assert_eq!(
        tree(&menu),
        "home new orders(all refunds returns(rma)) d settings(b a) end"
    );
}

#[test]
fn add_refuses_bad_shapes_and_leaves_the_menu_alone() {
    let mut menu = sample();
    let item = || MenuItem::link("x", "X", "/x");
    assert_eq!(
        add(&mut menu, Some("home"), 0, item()),
        Err("Home is a link; only groups hold other items".into())
    );
    assert_eq!(
        add(&mut menu, Some("d"), 0, item()),
        Err("Divider is a divider; only groups hold other items".into())
    );
    assert_eq!(
        add(&mut menu, Some("nope"), 0, item()),
        Err("No item has the id nope".into())
    );
    assert_eq!(
        add(&mut menu, None, 0, MenuItem::link("rma", "Again", "/")),
        Err("Another item already has the id rma".into())
    );
    let twice = MenuItem::group(
        "fresh",
        "Fresh",
        vec![MenuItem::divider("same"), MenuItem::divider("same")],
    );
    assert_eq!(
        add(&mut menu, None, 0, twice),
        Err("Another item already has the id same".into())
    );
    let mut link_with_children = item();
    link_with_children.children = vec![MenuItem::divider("y")];
    assert_eq!(
        add(&mut menu, None, 0, link_with_children),
        Err("X is a link; only groups hold other items".into())
    );
    assert_eq!(tree(&menu), SAMPLE);
}

#[test]
fn add_refuses_a_fifth_level() {
    let mut menu = chain();
    add(&mut menu, Some("g3"), 1, MenuItem::link("ok", "OK", "/")).unwrap();
    assert_eq!(
        add(
            &mut menu,
            Some("g4"),
            0,
            MenuItem::link("deep", "Deep", "/")
        ),
        Err("That would make the menu 5 levels deep; the limit is 4".into())
    );
    let two_levels = MenuItem::group("h1", "H1", vec![MenuItem::divider("h2")]);
    assert_eq!(
        add(&mut menu, Some("g3"), 0, two_levels),
        Err("That would make the menu 5 levels deep; the limit is 4".into())
    );
    assert_eq!(tree(&menu), "g1(g2(g3(g4() ok)))");
}

#[test]
fn add_refuses_past_the_item_limit() {
    let items = (0..MAX_ITEMS)
        .map(|i| MenuItem::divider(format!("d{i}")))
        .collect();
    let mut menu = Menu::new(items);
    assert_eq!(
        add(&mut menu, None, 0, MenuItem::divider("one-more")),
        Err(format!("A menu holds at most {MAX_ITEMS} items"))
    );
}

#[test]
fn remove_takes_the_subtree() {
    let mut menu = sample();
    let orders = remove(&mut menu, "orders").unwrap();
    assert_eq!(orders.count(), 5);
    assert_eq!(tree(&menu), "home d settings()");
    assert!(remove(&mut menu, "rma").is_none(), "it went with its group");
    assert!(remove(&mut menu, "nope").is_none());
}

#[test]
fn update_keeps_children_and_guards_ids_and_kinds() {
    let mut menu = sample();
    let mut edited = MenuItem::group("purchases", "Purchases", vec![]);
    edited.icon = Some("cart".into());
    update(&mut menu, "orders", edited).unwrap();
    let purchases = menu.find("purchases").unwrap();
    assert_eq!(purchases.icon.as_deref(), Some("cart"));
    assert_eq!(purchases.children.len(), 3, "children are kept");
    assert_eq!(
        update(
            &mut menu,
            "purchases",
            MenuItem::link("purchases", "P", "/p")
        ),
        Err("Move or remove the 3 items inside Purchases before making it a link".into())
    );
    assert_eq!(
        update(&mut menu, "home", MenuItem::link("rma", "Home", "/")),
        Err("Another item already has the id rma".into())
    );
    assert_eq!(
        update(&mut menu, "nope", MenuItem::divider("nope")),
        Err("No item has the id nope".into())
    );
    update(&mut menu, "settings", MenuItem::divider("settings")).unwrap();
    assert_eq!(menu.find("settings").unwrap().kind, ItemKind::Divider);
    rename(&mut menu, "home", "Start").unwrap();
    assert_eq!(menu.find("home").unwrap().label, "Start");
    assert!(rename(&mut menu, "nope", "x").is_err());
}

#[test]
fn move_item_reorders_and_reparents() {
    let mut menu = sample();
    // Within one list, the index is the final position.
    move_item(&mut menu, "all", Some("orders"), 2).unwrap();
    assert_eq!(
        tree(&menu),
        "home orders(refunds returns(rma) all) d settings()"
    );
    // Leaving the top level shifts the destination, which sits after the item.
    move_item(&mut menu, "home", Some("settings"), 0).unwrap();
    assert_eq!(
        tree(&menu),
        "orders(refunds returns(rma) all) d settings(home)"
    );
    move_item(&mut menu, "rma", None, 0).unwrap();
    assert_eq!(
        tree(&menu),
        "rma orders(refunds returns() all) d settings(home)"
    );
    // Indices past the end append.
    move_item(&mut menu, "rma", Some("returns"), 50).unwrap();
    move_item(&mut menu, "d", None, 50).unwrap();
    assert_eq!(
        tree(&menu),
        "orders(refunds returns(rma) all) settings(home) d"
    );
    // A move to where it is already changes nothing.
    let before = menu.clone();
    move_item(&mut menu, "refunds", Some("orders"), 0).unwrap();
    assert_eq!(menu, before);
}

#[test]
fn move_item_refuses_cycles() {
    let mut menu = sample();
    assert_eq!(
        move_item(&mut menu, "orders", Some("orders"), 0),
        Err("Moving Orders into itself would create a cycle".into())
    );
    assert_eq!(
        move_item(&mut menu, "orders", Some("returns"), 0),
        Err("Moving Orders into Returns would create a cycle: Returns is inside Orders".into())
    );
    assert_eq!(tree(&menu), SAMPLE);
}

#[test]
fn move_item_refuses_non_groups_depth_and_unknown_ids() {
    let mut menu = sample();
    assert_eq!(
        move_item(&mut menu, "all", Some("refunds"), 0),
        Err("Refunds is a link; only groups hold other items".into())
    );
    assert_eq!(
        move_item(&mut menu, "nope", None, 0),
        Err("No item has the id nope".into())
    );
    assert_eq!(
        move_item(&mut menu, "all", Some("nope"), 0),
        Err("No item has the id nope".into())
    );
    assert_eq!(tree(&menu), SAMPLE);

    let mut menu = chain();
    add(&mut menu, None, 1, MenuItem::group("h1", "H1", vec![])).unwrap();
    add(&mut menu, Some("h1"), 0, MenuItem::divider("h2")).unwrap();
    // h1(h2) is two levels; under g3 (level 3) it would reach level 5.
    assert_eq!(
        move_item(&mut menu, "h1", Some("g3"), 0),
        Err("That would make the menu 5 levels deep; the limit is 4".into())
    );
    move_item(&mut menu, "h1", Some("g2"), 0).unwrap();
    assert_eq!(tree(&menu), "g1(g2(h1(h2) g3(g4())))");
}

#[test]
fn move_up_and_down_within_siblings() {
    let mut menu = sample();
    assert_eq!(
        move_up(&mut menu, "refunds"),
        Ok("Refunds moved up, position 1 of 3 in Orders".into())
    );
    assert_eq!(
        move_up(&mut menu, "refunds"),
        Err("Refunds is already first in Orders".into())
    );
    assert_eq!(
        move_down(&mut menu, "orders"),
        Ok("Orders moved down, position 3 of 4 at the top level".into())
    );
    assert_eq!(
        move_down(&mut menu, "settings"),
        Err("Settings is already last at the top level".into())
    );
    assert_eq!(
        tree(&menu),
        "home d orders(refunds all returns(rma)) settings()"
    );
    assert!(move_up(&mut menu, "nope").is_err());
}

#[test]
fn indent_moves_into_the_group_above() {
    let mut menu = sample();
    // refunds' neighbour above is a link.
    assert_eq!(
        indent(&mut menu, "refunds"),
        Err("All orders is a link; only groups hold other items".into())
    );
    assert_eq!(
        indent(&mut menu, "home"),
        Err("Home has no item above it to move into".into())
    );
    move_down(&mut menu, "refunds").unwrap();
    assert_eq!(
        tree(&menu),
        "home orders(all returns(rma) refunds) d settings()"
    );
    assert_eq!(
        indent(&mut menu, "refunds"),
        Ok("Refunds moved into Returns, position 2 of 2".into())
    );
    move_item(&mut menu, "d", None, 99).unwrap();
    move_item(&mut menu, "settings", Some("orders"), 0).unwrap();
    move_item(&mut menu, "d", None, 1).unwrap();
    assert_eq!(
        tree(&menu),
        "home d orders(settings() all returns(rma refunds))"
    );
    assert_eq!(
        indent(&mut menu, "all"),
        Ok("All orders moved into Settings, position 1 of 1".into())
    );
}

#[test]
fn indent_refuses_a_fifth_level() {
    let mut menu = chain();
    add(
        &mut menu,
        Some("g3"),
        1,
        MenuItem::group("g4b", "G4b", vec![]),
    )
    .unwrap();
    assert_eq!(
        indent(&mut menu, "g4b"),
        Err("That would make the menu 5 levels deep; the limit is 4".into())
    );
    assert_eq!(tree(&menu), "g1(g2(g3(g4() g4b())))");
}

#[test]
fn outdent_moves_to_just_after_the_parent() {
    let mut menu = sample();
    assert_eq!(
        outdent(&mut menu, "rma"),
        Ok("RMA moved out of Returns, position 4 of 4 in Orders".into())
    );
    assert_eq!(
        outdent(&mut menu, "refunds"),
        Ok("Refunds moved out of Orders, position 3 of 5 at the top level".into())
    );
    assert_eq!(
        tree(&menu),
        "home orders(all returns() rma) refunds d settings()"
    );
    assert_eq!(
        outdent(&mut menu, "home"),
        Err("Home is already at the top level".into())
    );
}

#[test]
fn positions_read_for_screen_readers() {
    let menu = sample();
    assert_eq!(
        describe_position(&menu, "returns").as_deref(),
        Some("position 3 of 3 in Orders")
    );
    assert_eq!(
        describe_position(&menu, "d").as_deref(),
        Some("position 3 of 4 at the top level")
    );
    assert_eq!(describe_position(&menu, "nope"), None);
}
