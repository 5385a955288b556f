//! Single-field rules against their stated grammars (checked here with a regular expression or
//! a count written from the doc comment), and the input structs built from them: each field is
//! judged by its own rule, whatever the other fields hold.

use super::*;
use crate::domain::{NewApiToken, NewEnvironment, NewUser, Role, UpdateUser};
use crate::test_props::{any_text, config};
use crate::validation::Validate;
use proptest::prelude::*;
use std::collections::BTreeMap;

fn re(pattern: &str) -> regex_lite::Regex {
    regex_lite::Regex::new(pattern).unwrap()
}

/// Mostly the characters the rules care about.
fn key_soup() -> impl Strategy<Value = String> {
    prop_oneof!["[a-zA-Z0-9_ .@-]{0,40}", any_text(), "[a-z0-9-]{30,34}"]
}

fn email_like() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9._+-]{1,20}@[a-zA-Z0-9-]{1,20}(\\.[a-zA-Z]{2,6}){0,2}",
        "[a-z]{1,3}@[a-z]{1,3}@[a-z]{1,3}",
        " ?[a-z]{0,5}@?[a-z.]{0,5} ?",
        any_text(),
    ]
}

fn role() -> impl Strategy<Value = Role> {
    prop::sample::select(vec![
        Role::Viewer,
        Role::Editor,
        Role::Publisher,
        Role::Admin,
    ])
}

fn roles() -> impl Strategy<Value = BTreeMap<String, Role>> {
    prop::collection::btree_map(key_soup(), role(), 0..3)
}

proptest! {
    #![proptest_config(config(256))]

    /// `[a-z0-9][a-z0-9-]*`, at most 32 characters.
    #[test]
    fn environment_keys_follow_their_grammar(key in key_soup()) {
        let grammar = re("^[a-z0-9][a-z0-9-]{0,31}$");
        prop_assert_eq!(environment_key(&key).is_ok(), grammar.is_match(&key), "{:?}", key);
    }

    /// One `@` between two non-empty parts without spaces; the domain neither starts nor ends
    /// with a dot; at most 254 characters once trimmed.
    #[test]
    fn emails(value in email_like()) {
        let v = value.trim();
        let parts: Vec<&str> = v.split('@').collect();
        let part_ok = |p: &str| !p.is_empty() && !p.chars().any(|c| c.is_whitespace() || c.is_control());
        let shaped = parts.len() == 2
            && part_ok(parts[0])
            && part_ok(parts[1])
            && !parts[1].starts_with('.')
            && !parts[1].ends_with('.');
        prop_assert_eq!(email(&value).is_ok(), shaped && v.chars().count() <= EMAIL_MAX, "{:?}", value);
    }

    /// An address accepted is still accepted once normalized (it is stored normalized and
    /// edited again from there).
    #[test]
    fn normalized_emails_stay_valid(value in prop_oneof![
        email_like(),
        "İ{1,3}[a-z]{1,3}@[a-zİ]{1,5}\\.com",
        // Near the length limit: `İ` lowercases to two characters.
        "[a-z]{1,5}@İ{120,250}\\.com",
    ]) {
        if email(&value).is_ok() {
            let stored = normalize_email(&value);
            prop_assert!(email(&stored).is_ok(), "{:?} stored as {:?}", value, stored);
            prop_assert_eq!(normalize_email(&stored), stored.clone());
        }
    }

    /// 12 to 256 characters, not only spaces, at least 4 different characters.
    #[test]
    fn passwords(value in prop_oneof!["[ab ]{0,20}", "[a-f ]{10,14}", any_text(), ".{250,260}"]) {
        let n = value.chars().count();
        let distinct: std::collections::BTreeSet<char> = value.chars().collect();
        let ok = (PASSWORD_MIN..=PASSWORD_MAX).contains(&n) && !value.trim().is_empty() && distinct.len() >= 4;
        prop_assert_eq!(password(&value).is_ok(), ok, "{:?}", value);
    }

    /// Trimmed: not empty, at most `max` characters, no control characters.
    #[test]
    fn display_names(value in prop_oneof![any_text(), " {0,3}[a-z\t]{0,5} {0,3}"], max in 1usize..120) {
        let v = value.trim();
        let ok = !v.is_empty() && v.chars().count() <= max && !v.chars().any(char::is_control);
        prop_assert_eq!(display_name(&value, max).is_ok(), ok);
    }

    #[test]
    fn versions(v in any::<i64>()) {
        prop_assert_eq!(version(v).is_ok(), v >= 1);
    }

    /// A new user's errors are exactly the fields whose own rule fails.
    #[test]
    fn new_user_fields_are_judged_alone(e in email_like(), n in any_text(), p in any_text(), admin in any::<bool>(), roles in roles()) {
        let user = NewUser { email: e.clone(), name: n.clone(), password: p.clone(), admin, roles: roles.clone() };
        let errors = user.validate().err().unwrap_or_default();
        prop_assert_eq!(errors.get("email").is_some(), email(&e).is_err());
        prop_assert_eq!(errors.get("name").is_some(), person_name(&n).is_err());
        prop_assert_eq!(errors.get("password").is_some(), password(&p).is_err());
        for key in roles.keys() {
            prop_assert_eq!(errors.get(&format!("roles.{key}")).is_some(), environment_key(key).is_err());
        }
        // Nothing else is reported.
        let known = errors.0.keys().all(|f| ["email", "name", "password"].contains(&f.as_str()) || f.starts_with("roles."));
        prop_assert!(known, "{}", errors);
    }

    #[test]
    fn update_user_fields_are_judged_alone(e in email_like(), n in any_text(), v in any::<i64>(), roles in roles()) {
        let update = UpdateUser { id: 1, email: e.clone(), name: n.clone(), admin: false, roles, version: v };
        let errors = update.validate().err().unwrap_or_default();
        prop_assert_eq!(errors.get("email").is_some(), email(&e).is_err());
        prop_assert_eq!(errors.get("name").is_some(), person_name(&n).is_err());
        prop_assert_eq!(errors.get("version").is_some(), v < 1);
    }

    #[test]
    fn new_environments(key in key_soup(), name in any_text()) {
        let errors = NewEnvironment { key: key.clone(), name: name.clone(), protected: false }.validate().err().unwrap_or_default();
        prop_assert_eq!(errors.get("key").is_some(), environment_key(&key).is_err());
        prop_assert_eq!(errors.get("name").is_some(), environment_name(&name).is_err());
    }

    /// A token needs a name and some authority: administrator, or a role somewhere.
    #[test]
    fn new_tokens(name in any_text(), admin in any::<bool>(), roles in roles()) {
        let errors = NewApiToken { name: name.clone(), admin, roles: roles.clone(), expires_in_days: None }
            .validate()
            .err()
            .unwrap_or_default();
        prop_assert_eq!(errors.get("name").is_some(), token_name(&name).is_err());
        prop_assert_eq!(errors.get("roles").is_some(), !admin && roles.is_empty());
    }
}

/// `İ` lowercases to two characters, so an address of 254 characters could be stored as 255 or
/// more and then fail validation when saved again unchanged.
#[test]
fn addresses_are_measured_as_stored() {
    let address = format!("a@{}.com", "İ".repeat(200));
    assert!(address.chars().count() <= EMAIL_MAX);
    assert_eq!(
        email(&address).unwrap_err(),
        format!("Use at most {EMAIL_MAX} characters")
    );
}
