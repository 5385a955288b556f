//! Which rules apply to which input.

use super::{FieldErrors, Validate, rules};
use crate::domain::{
    AuditFilter, Credentials, DeleteEnvironment, NewApiToken, NewEnvironment, NewSdkKey, NewUser,
    ResetPassword, RevokeApiToken, RevokeSdkKey, Role, SetUserDisabled, TOKEN_EXPIRY_DAYS_MAX,
    UpdateEnvironment, UpdateUser,
};
use std::collections::BTreeMap;

fn check_roles(errors: &mut FieldErrors, roles: &BTreeMap<String, Role>) {
    for key in roles.keys() {
        if rules::environment_key(key).is_err() {
            errors.add(format!("roles.{key}"), "Unknown environment");
        }
    }
}

impl Validate for Credentials {
    fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        // Bounded like the addresses and passwords accounts are created with, so an oversized
        // value is refused before it is looked up, stored as a throttling subject or hashed.
        if self.email.trim().is_empty() {
            e.add("email", "Enter your email address");
        } else if self.email.trim().chars().count() > rules::EMAIL_MAX {
            e.add(
                "email",
                format!("Use at most {} characters", rules::EMAIL_MAX),
            );
        }
        if self.password.is_empty() {
            e.add("password", "Enter your password");
        } else if self.password.chars().count() > rules::PASSWORD_MAX {
            e.add(
                "password",
                format!("Use at most {} characters", rules::PASSWORD_MAX),
            );
        }
        e.into_result()
    }
}

impl Validate for NewUser {
    fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        e.check("email", rules::email(&self.email));
        e.check("name", rules::person_name(&self.name));
        e.check("password", rules::password(&self.password));
        check_roles(&mut e, &self.roles);
        e.into_result()
    }
}

impl Validate for UpdateUser {
    fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        e.check("email", rules::email(&self.email));
        e.check("name", rules::person_name(&self.name));
        e.check("version", rules::version(self.version));
        check_roles(&mut e, &self.roles);
        e.into_result()
    }
}

impl Validate for SetUserDisabled {
    fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        e.check("version", rules::version(self.version));
        e.into_result()
    }
}

impl Validate for ResetPassword {
    fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        e.check("password", rules::password(&self.password));
        e.check("version", rules::version(self.version));
        e.into_result()
    }
}

impl Validate for NewEnvironment {
    fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        e.check("key", rules::environment_key(&self.key));
        e.check("name", rules::environment_name(&self.name));
        e.into_result()
    }
}

impl Validate for UpdateEnvironment {
    fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        e.check("name", rules::environment_name(&self.name));
        e.check("version", rules::version(self.version));
        e.into_result()
    }
}

impl Validate for DeleteEnvironment {
    fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        e.check("version", rules::version(self.version));
        e.into_result()
    }
}

impl Validate for NewApiToken {
    fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        e.check("name", rules::token_name(&self.name));
        check_roles(&mut e, &self.roles);
        if !self.admin && self.roles.is_empty() {
            e.add("roles", "Give the token a role in at least one environment");
        }
        if self
            .expires_in_days
            .is_some_and(|d| !(1..=TOKEN_EXPIRY_DAYS_MAX).contains(&d))
        {
            e.add(
                "expires_in_days",
                format!("Choose from 1 to {TOKEN_EXPIRY_DAYS_MAX} days, or no expiry"),
            );
        }
        e.into_result()
    }
}

impl Validate for RevokeApiToken {
    fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        e.check("version", rules::version(self.version));
        e.into_result()
    }
}

impl Validate for NewSdkKey {
    fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        e.check("environment", rules::environment_key(&self.environment));
        e.check("name", rules::token_name(&self.name));
        let scope = &self.scope;
        let namespace = super::config::namespace_key;
        scope_list(&mut e, "namespaces", scope.namespaces.as_deref(), namespace);
        scope_list(
            &mut e,
            "menus",
            scope.menus.as_deref(),
            super::menus::menu_key,
        );
        e.into_result()
    }
}

/// Most namespaces or menus one key can name; a key for more reads everything.
pub const SCOPE_LIST_MAX: usize = 100;

/// A key's list of namespaces or menus: well-formed keys, each once, at least one (a key that
/// may read nothing is a mistake; leave the list out to allow everything).
fn scope_list(
    e: &mut FieldErrors,
    field: &str,
    list: Option<&[String]>,
    check: impl Fn(&str) -> Result<(), String>,
) {
    let Some(list) = list else { return };
    if list.is_empty() {
        e.add(
            field,
            "Name at least one, or leave the list out to allow all",
        );
    } else if list.len() > SCOPE_LIST_MAX {
        e.add(field, format!("Name at most {SCOPE_LIST_MAX}"));
    }
    for (i, key) in list.iter().enumerate().take(SCOPE_LIST_MAX + 1) {
        if let Err(m) = check(key) {
            e.add(format!("{field}.{i}"), m);
        } else if list[..i].contains(key) {
            e.add(format!("{field}.{i}"), "Listed twice");
        }
    }
}

impl Validate for RevokeSdkKey {
    fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        e.check("version", rules::version(self.version));
        e.into_result()
    }
}

impl Validate for AuditFilter {
    fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        if let (Some(from), Some(to)) = (self.from, self.to)
            && from >= to
        {
            e.add("to", "The end must be after the start");
        }
        if let Some(env) = &self.environment {
            e.check("environment", rules::environment_key(env));
        }
        if self
            .actor
            .as_ref()
            .is_some_and(|a| a.chars().count() > rules::EMAIL_MAX)
        {
            e.add("actor", "Search text is too long");
        }
        e.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_user() -> NewUser {
        NewUser {
            email: "ann@example.com".into(),
            name: "Ann".into(),
            password: "a long passphrase".into(),
            admin: false,
            roles: BTreeMap::from([("staging".to_string(), Role::Editor)]),
        }
    }

    #[test]
    fn a_valid_new_user_passes() {
        assert_eq!(new_user().validate(), Ok(()));
    }

    #[test]
    fn every_bad_field_is_reported_by_name() {
        let mut u = new_user();
        u.email = "nope".into();
        u.name = "".into();
        u.password = "short".into();
        u.roles.insert("Bad Key".into(), Role::Viewer);
        let errors = u.validate().unwrap_err();
        for field in ["email", "name", "password", "roles.Bad Key"] {
            assert!(
                errors.get(field).is_some(),
                "missing error for {field}: {errors}"
            );
        }
    }

    #[test]
    fn sdk_key_scopes_name_real_keys_once_and_at_least_one() {
        use crate::domain::{KeyScope, NewSdkKey};
        let key = |namespaces: Option<Vec<&str>>, menus: Option<Vec<&str>>| NewSdkKey {
            environment: "production".into(),
            name: "web".into(),
            scope: KeyScope {
                read_secrets: true,
                namespaces: namespaces.map(|l| l.into_iter().map(String::from).collect()),
                menus: menus.map(|l| l.into_iter().map(String::from).collect()),
            },
        };
        assert!(key(None, None).validate().is_ok());
        assert!(
            key(Some(vec!["checkout"]), Some(vec!["main"]))
                .validate()
                .is_ok()
        );
        let e = key(Some(vec![]), None).validate().unwrap_err();
        assert_eq!(
            e.get("namespaces"),
            Some("Name at least one, or leave the list out to allow all")
        );
        let e = key(Some(vec!["a", "a"]), Some(vec!["Bad Menu"]))
            .validate()
            .unwrap_err();
        assert_eq!(e.get("namespaces.1"), Some("Listed twice"));
        assert!(e.get("menus.0").is_some());
        let many: Vec<String> = (0..101).map(|i| format!("ns{i}")).collect();
        let e = NewSdkKey {
            scope: KeyScope {
                namespaces: Some(many),
                ..Default::default()
            },
            ..key(None, None)
        }
        .validate()
        .unwrap_err();
        assert_eq!(e.get("namespaces"), Some("Name at most 100"));
    }

    #[test]
    fn tokens_need_some_authority() {
        let t = NewApiToken {
            name: "ci".into(),
            admin: false,
            roles: BTreeMap::new(),
            expires_in_days: None,
        };
        assert!(t.validate().unwrap_err().get("roles").is_some());
        let admin = NewApiToken { admin: true, ..t };
        assert_eq!(admin.validate(), Ok(()));
    }

    #[test]
    fn token_expiry_is_one_day_to_a_year() {
        let t = |days| NewApiToken {
            name: "ci".into(),
            admin: true,
            roles: BTreeMap::new(),
            expires_in_days: days,
        };
        for ok in [None, Some(1), Some(90), Some(365)] {
            assert_eq!(t(ok).validate(), Ok(()), "{ok:?}");
        }
        for bad in [Some(0), Some(366), Some(u32::MAX)] {
            assert_eq!(
                t(bad).validate().unwrap_err().get("expires_in_days"),
                Some("Choose from 1 to 365 days, or no expiry"),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn audit_time_range_must_be_ordered() {
        let f = AuditFilter {
            from: Some(10),
            to: Some(5),
            ..Default::default()
        };
        assert!(f.validate().unwrap_err().get("to").is_some());
    }
}
