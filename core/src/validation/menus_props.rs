//! Menu input rules: link targets follow the stated grammar (routes and https URLs in, every
//! other scheme out, in any case), an item is judged the same wherever it sits in the tree,
//! and reading an import never panics.

use super::*;
use crate::menus::model::field_path;
use crate::test_props::{any_json, any_text, config};
use proptest::prelude::*;

fn route() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(
            prop_oneof!["[a-z0-9_.~-]{1,8}", ":[a-zA-Z_][a-zA-Z0-9_]{0,6}"],
            0..5,
        ),
        prop::option::of("[a-z0-9=&%]{0,10}"),
        prop::option::of("[a-z0-9-]{0,8}"),
    )
        .prop_map(|(segments, query, fragment)| {
            let mut s = format!("/{}", segments.join("/"));
            if let Some(q) = query {
                s.push('?');
                s.push_str(&q);
            }
            if let Some(f) = fragment {
                s.push('#');
                s.push_str(&f);
            }
            s
        })
}

fn https_url() -> impl Strategy<Value = String> {
    (
        prop_oneof![Just("https"), Just("HTTPS"), Just("Https")],
        prop::collection::vec("[a-z0-9]([a-z0-9-]{0,6}[a-z0-9])?", 1..4),
        prop::option::of(1u32..=65535),
        prop::option::of(route()),
    )
        .prop_map(|(scheme, labels, port, path)| {
            let port = port.map(|p| format!(":{p}")).unwrap_or_default();
            format!(
                "{scheme}://{}{port}{}",
                labels.join("."),
                path.unwrap_or_default()
            )
        })
}

/// A scheme other than https, spelled in any case.
fn other_scheme() -> impl Strategy<Value = String> {
    (
        prop_oneof![
            Just("javascript"),
            Just("data"),
            Just("http"),
            Just("vbscript"),
            Just("file"),
            Just("mailto"),
            Just("ftp"),
        ],
        prop::collection::vec(any::<bool>(), 10),
        "[a-z0-9/.:()%-]{0,20}",
    )
        .prop_map(|(scheme, upper, rest)| {
            let scheme: String = scheme
                .chars()
                .zip(upper)
                .map(|(c, u)| if u { c.to_ascii_uppercase() } else { c })
                .collect();
            format!("{scheme}:{rest}")
        })
}

/// A link, group or divider, possibly broken in a few of its fields.
fn item() -> impl Strategy<Value = MenuItem> {
    (
        prop::sample::select(ItemKind::ALL.to_vec()),
        prop_oneof!["x[a-z0-9]{0,6}", any_text()],
        prop_oneof!["[A-Za-z ]{1,10}", any_text()],
        prop::option::of(prop_oneof![
            route(),
            https_url(),
            other_scheme(),
            any_text()
        ]),
        any::<bool>(),
        prop::option::of(prop_oneof![Just("home".to_string()), any_text()]),
        prop::collection::vec(prop_oneof!["[a-z]{1,5}", any_text()], 0..3),
        prop::collection::btree_map(
            prop_oneof!["[a-z]{2}(-[A-Z]{2})?", any_text()],
            any_text(),
            0..2,
        ),
    )
        .prop_map(
            |(kind, id, label, target, new_tab, icon, roles, translations)| {
                let mut item = MenuItem::new(kind, id, label);
                item.target = target;
                item.new_tab = new_tab;
                item.icon = icon;
                item.visibility.roles = roles;
                item.translations = translations;
                item
            },
        )
}

fn errors(menu: &Menu) -> FieldErrors {
    let mut e = FieldErrors::new();
    check_menu(menu, None, &mut e);
    e
}

/// The errors under `field.` with that prefix replaced by `#.`.
fn under(e: &FieldErrors, field: &str) -> Vec<(String, String)> {
    let prefix = format!("{field}.");
    e.0.iter()
        .filter_map(|(f, m)| {
            f.strip_prefix(&prefix)
                .map(|rest| (format!("#.{rest}"), m.clone()))
        })
        .collect()
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn targets_never_panic(value in prop_oneof![any_text(), "[a-zA-Z:/\\\\?#@.<>%-]{0,20}"]) {
        let _ = target(&value);
    }

    #[test]
    fn app_routes_are_accepted(value in route()) {
        prop_assert_eq!(target(&value), Ok(()), "{}", value);
    }

    #[test]
    fn https_urls_are_accepted(value in https_url()) {
        prop_assert_eq!(target(&value), Ok(()), "{}", value);
    }

    #[test]
    fn other_schemes_are_refused(value in other_scheme()) {
        prop_assert!(target(&value).is_err(), "{}", value);
    }

    /// `//host` and `/\host` leave the app however they continue.
    #[test]
    fn protocol_relative_links_are_refused(rest in "[a-z0-9./-]{0,20}", backslash in any::<bool>()) {
        let value = if backslash { format!("/\\{rest}") } else { format!("//{rest}") };
        prop_assert!(target(&value).is_err(), "{}", value);
    }

    /// Grammar of permission codes: `[a-z0-9_.-]+(:[a-z0-9_.-]+)*`, at most 100 characters.
    #[test]
    fn permissions_follow_their_grammar(value in prop_oneof!["[a-z0-9_.:A-]{0,12}", any_text()]) {
        let grammar = regex_lite::Regex::new("^[a-z0-9_.-]+(:[a-z0-9_.-]+)*$").unwrap();
        let ok = grammar.is_match(&value) && value.chars().count() <= PERMISSION_MAX;
        prop_assert_eq!(permission(&value).is_ok(), ok, "{:?}", value);
    }

    /// `fr` or `fr-CA`, any case.
    #[test]
    fn locales_follow_their_grammar(value in prop_oneof!["[a-zA-Z]{1,3}(-[a-zA-Z]{1,3})?", any_text()]) {
        let grammar = regex_lite::Regex::new("^[a-zA-Z]{2}(-[a-zA-Z]{2})?$").unwrap();
        prop_assert_eq!(locale(&value).is_ok(), grammar.is_match(&value));
    }

    /// An item's problems are its own: at the top level or one level down inside a valid
    /// group, the same messages under its own field.
    #[test]
    fn an_item_is_judged_the_same_anywhere(item in item(), siblings in 0usize..3) {
        prop_assume!(item.id != "wrapper" && !item.id.starts_with("sib"));
        let sibling = |i: usize| MenuItem::link(format!("sib{i}"), "Sibling", "/sibling");
        let mut top: Vec<MenuItem> = (0..siblings).map(sibling).collect();
        top.push(item.clone());
        let flat = errors(&Menu::new(top.clone()));
        let mut nested_children: Vec<MenuItem> = (0..siblings).map(sibling).collect();
        nested_children.push(item);
        let nested = errors(&Menu::new(vec![MenuItem::group("wrapper", "Wrapper", nested_children)]));
        let at_top = field_path(&[siblings]);
        let one_down = field_path(&[0, siblings]);
        prop_assert_eq!(under(&flat, &at_top), under(&nested, &one_down));
        // Nobody else is blamed.
        for field in flat.0.keys() {
            prop_assert!(field.starts_with(&format!("{at_top}.")), "{}", field);
        }
        for field in nested.0.keys() {
            prop_assert!(field.starts_with(&format!("{one_down}.")), "{}", field);
        }
    }

    #[test]
    fn reading_an_import_never_panics(text in prop_oneof![any_text(), any_json(4).prop_map(|v| v.to_string())]) {
        let _ = parse_menu_import(&text);
    }
}
