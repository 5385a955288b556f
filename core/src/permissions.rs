//! The one place that decides who may do what.
//!
//! The browser calls [`may`] to hide or disable what the signed-in user cannot do; the server calls
//! the same function before every read and every mutation. Keep it pure and total: no I/O, no
//! panics, a plain `bool` for every combination.

use crate::domain::Role;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Who is asking: a signed-in user or an admin API token, reduced to what matters for permission.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Subject {
    /// Global administrator: admin in every environment, and manages users, environments and
    /// admin tokens.
    pub admin: bool,
    /// Role per environment key.
    pub roles: BTreeMap<String, Role>,
}

impl Subject {
    pub fn administrator() -> Subject {
        Subject {
            admin: true,
            roles: BTreeMap::new(),
        }
    }

    pub fn with_roles(roles: impl IntoIterator<Item = (String, Role)>) -> Subject {
        Subject {
            admin: false,
            roles: roles.into_iter().collect(),
        }
    }

    /// The effective role in an environment (global admins are admin everywhere).
    pub fn role_in(&self, environment: &str) -> Option<Role> {
        if self.admin {
            Some(Role::Admin)
        } else {
            self.roles.get(environment).copied()
        }
    }

    fn at_least(&self, env: &EnvScope<'_>, role: Role) -> bool {
        self.role_in(env.key).is_some_and(|held| held >= role)
    }
}

/// An environment as far as permission cares: its key and whether it is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnvScope<'a> {
    pub key: &'a str,
    pub protected: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Action {
    Read,
    /// Create, change or delete.
    Write,
    /// Make a change live for apps (publish a release, promote a gray release).
    Publish,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource<'a> {
    Users,
    Environments,
    AdminTokens,
    /// Audit events that belong to no environment (users, environments, admin tokens).
    GlobalAudit,
    /// Audit events of one environment.
    EnvAudit(EnvScope<'a>),
    Flags(EnvScope<'a>),
    Config(EnvScope<'a>),
    Menus(EnvScope<'a>),
    SdkKeys(EnvScope<'a>),
    /// A flag's definition (name, variants, archived), shared by every environment; `live_in`
    /// lists the environments where it is switched on, which a change would affect at once.
    FlagDefinition {
        live_in: &'a [EnvScope<'a>],
    },
    /// A segment, shared by every environment; `used_in` lists the environments whose flag
    /// rules use it.
    Segment {
        used_in: &'a [EnvScope<'a>],
    },
}

/// May `subject` perform `action` on `resource`?
pub fn may(subject: &Subject, action: Action, resource: Resource<'_>) -> bool {
    use Action::*;
    match resource {
        Resource::Users | Resource::AdminTokens => subject.admin,
        // Everyone signed in needs the list for the environment switcher.
        Resource::Environments => action == Read || subject.admin,
        // The audit trail is append-only: nobody edits or deletes it, not even an admin.
        Resource::GlobalAudit => action == Read && subject.admin,
        Resource::EnvAudit(env) => action == Read && subject.at_least(&env, Role::Viewer),
        Resource::Flags(env) => match action {
            Read => subject.at_least(&env, Role::Viewer),
            // Flag changes go live at once, so a protected environment asks for a publisher.
            Write if env.protected => subject.at_least(&env, Role::Publisher),
            Write => subject.at_least(&env, Role::Editor),
            Publish => subject.at_least(&env, Role::Publisher),
        },
        Resource::Config(env) | Resource::Menus(env) => match action {
            Read => subject.at_least(&env, Role::Viewer),
            Write => subject.at_least(&env, Role::Editor),
            Publish => subject.at_least(&env, Role::Publisher),
        },
        Resource::SdkKeys(env) => subject.at_least(&env, Role::Admin),
        Resource::FlagDefinition { live_in: affected }
        | Resource::Segment { used_in: affected } => match action {
            Read => subject.admin || !subject.roles.is_empty(),
            // An editor somewhere, who may also change flags everywhere the change would show.
            Write | Publish => {
                (subject.admin || subject.roles.values().any(|r| *r >= Role::Editor))
                    && affected
                        .iter()
                        .all(|env| may(subject, Write, Resource::Flags(*env)))
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STAGING: EnvScope<'static> = EnvScope {
        key: "staging",
        protected: false,
    };
    const PROD: EnvScope<'static> = EnvScope {
        key: "production",
        protected: true,
    };

    fn subject(roles: &[(&str, Role)]) -> Subject {
        Subject::with_roles(roles.iter().map(|(k, r)| (k.to_string(), *r)))
    }

    #[test]
    fn roles_are_per_environment() {
        let s = subject(&[("staging", Role::Publisher), ("production", Role::Viewer)]);
        assert!(may(&s, Action::Publish, Resource::Config(STAGING)));
        assert!(!may(&s, Action::Publish, Resource::Config(PROD)));
        assert!(may(&s, Action::Read, Resource::Config(PROD)));
        assert!(!may(&s, Action::Write, Resource::Config(PROD)));
    }

    #[test]
    fn no_role_means_no_access() {
        let s = subject(&[("staging", Role::Admin)]);
        for action in [Action::Read, Action::Write, Action::Publish] {
            assert!(!may(&s, action, Resource::Flags(PROD)));
            assert!(!may(&s, action, Resource::EnvAudit(PROD)));
        }
    }

    #[test]
    fn protected_environments_need_a_publisher_for_flag_changes() {
        let editor = subject(&[("staging", Role::Editor), ("production", Role::Editor)]);
        assert!(may(&editor, Action::Write, Resource::Flags(STAGING)));
        assert!(!may(&editor, Action::Write, Resource::Flags(PROD)));
        let publisher = subject(&[("production", Role::Publisher)]);
        assert!(may(&publisher, Action::Write, Resource::Flags(PROD)));
    }

    #[test]
    fn only_global_admins_manage_users_environments_and_admin_tokens() {
        let env_admin = subject(&[("staging", Role::Admin), ("production", Role::Admin)]);
        let admin = Subject::administrator();
        for action in [Action::Read, Action::Write] {
            assert!(!may(&env_admin, action, Resource::Users));
            assert!(!may(&env_admin, action, Resource::AdminTokens));
            assert!(may(&admin, action, Resource::Users));
            assert!(may(&admin, action, Resource::AdminTokens));
        }
        assert!(may(&env_admin, Action::Read, Resource::Environments));
        assert!(!may(&env_admin, Action::Write, Resource::Environments));
        assert!(may(&admin, Action::Write, Resource::Environments));
    }

    #[test]
    fn sdk_keys_belong_to_environment_admins() {
        let s = subject(&[("staging", Role::Admin), ("production", Role::Publisher)]);
        assert!(may(&s, Action::Write, Resource::SdkKeys(STAGING)));
        assert!(!may(&s, Action::Read, Resource::SdkKeys(PROD)));
    }

    #[test]
    fn nobody_may_change_the_audit_trail() {
        let admin = Subject::administrator();
        assert!(may(&admin, Action::Read, Resource::GlobalAudit));
        assert!(may(&admin, Action::Read, Resource::EnvAudit(PROD)));
        for action in [Action::Write, Action::Publish] {
            assert!(!may(&admin, action, Resource::GlobalAudit));
            assert!(!may(&admin, action, Resource::EnvAudit(PROD)));
        }
        let viewer = subject(&[("production", Role::Viewer)]);
        assert!(may(&viewer, Action::Read, Resource::EnvAudit(PROD)));
        assert!(!may(&viewer, Action::Read, Resource::GlobalAudit));
    }

    #[test]
    fn shared_definitions_need_write_access_wherever_they_are_live() {
        let editor = subject(&[("staging", Role::Editor), ("production", Role::Viewer)]);
        let nowhere: [EnvScope; 0] = [];
        assert!(may(
            &editor,
            Action::Write,
            Resource::FlagDefinition { live_in: &nowhere }
        ));
        assert!(may(
            &editor,
            Action::Write,
            Resource::FlagDefinition {
                live_in: &[STAGING]
            }
        ));
        assert!(!may(
            &editor,
            Action::Write,
            Resource::FlagDefinition {
                live_in: &[STAGING, PROD]
            }
        ));
        assert!(!may(
            &editor,
            Action::Write,
            Resource::Segment { used_in: &[PROD] }
        ));
        assert!(may(
            &editor,
            Action::Read,
            Resource::Segment { used_in: &[PROD] }
        ));
        let viewer = subject(&[("staging", Role::Viewer)]);
        assert!(
            !may(
                &viewer,
                Action::Write,
                Resource::Segment { used_in: &nowhere }
            ),
            "viewers create nothing"
        );
        assert!(!may(
            &Subject::default(),
            Action::Read,
            Resource::FlagDefinition { live_in: &nowhere }
        ));
        let publisher = subject(&[("staging", Role::Editor), ("production", Role::Publisher)]);
        assert!(may(
            &publisher,
            Action::Write,
            Resource::FlagDefinition {
                live_in: &[STAGING, PROD]
            }
        ));
    }

    #[test]
    fn global_admin_is_admin_everywhere() {
        let admin = Subject::administrator();
        assert_eq!(admin.role_in("anything"), Some(Role::Admin));
        assert!(may(&admin, Action::Publish, Resource::Menus(PROD)));
        assert!(may(&admin, Action::Write, Resource::SdkKeys(PROD)));
    }
}
