//! Which sections of the dashboard a subject sees. Built capabilities only: a section appears here
//! when its page exists.

use crate::permissions::{Action, EnvScope, Resource, Subject, may};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section {
    pub label: &'static str,
    pub href: &'static str,
}

pub const FLAGS: Section = Section {
    label: "Flags",
    href: "/flags",
};
pub const SEGMENTS: Section = Section {
    label: "Segments",
    href: "/segments",
};
pub const CONFIG: Section = Section {
    label: "Config",
    href: "/config",
};
pub const MENUS: Section = Section {
    label: "Menus",
    href: "/menus",
};
pub const AUDIT: Section = Section {
    label: "Audit",
    href: "/audit",
};
pub const USERS: Section = Section {
    label: "Users",
    href: "/users",
};
pub const ENVIRONMENTS: Section = Section {
    label: "Environments",
    href: "/environments",
};
pub const API_KEYS: Section = Section {
    label: "API keys",
    href: "/api-keys",
};

/// May the subject read `resource` in at least one environment they hold a role in?
fn in_some_environment<'s>(
    subject: &'s Subject,
    resource: impl Fn(EnvScope<'s>) -> Resource<'s>,
) -> bool {
    subject.roles.keys().any(|key| {
        may(
            subject,
            Action::Read,
            resource(EnvScope {
                key,
                protected: false,
            }),
        )
    })
}

pub fn sections(subject: &Subject) -> Vec<Section> {
    let read = |resource: Resource<'_>| may(subject, Action::Read, resource);
    let mut out = Vec::new();
    if read(Resource::FlagDefinition { live_in: &[] }) {
        out.push(FLAGS);
    }
    if read(Resource::Segment { used_in: &[] }) {
        out.push(SEGMENTS);
    }
    if subject.admin || in_some_environment(subject, Resource::Config) {
        out.push(CONFIG);
    }
    if subject.admin || in_some_environment(subject, Resource::Menus) {
        out.push(MENUS);
    }
    if read(Resource::GlobalAudit) || in_some_environment(subject, Resource::EnvAudit) {
        out.push(AUDIT);
    }
    if read(Resource::Users) {
        out.push(USERS);
    }
    if read(Resource::Environments) {
        out.push(ENVIRONMENTS);
    }
    if read(Resource::AdminTokens) || in_some_environment(subject, Resource::SdkKeys) {
        out.push(API_KEYS);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;

    #[test]
    fn viewers_see_no_users_or_keys() {
        let viewer = Subject::with_roles([("staging".to_string(), Role::Viewer)]);
        assert_eq!(
            sections(&viewer),
            vec![FLAGS, SEGMENTS, CONFIG, MENUS, AUDIT, ENVIRONMENTS]
        );
    }

    #[test]
    fn admins_see_everything() {
        assert_eq!(
            sections(&Subject::administrator()),
            vec![
                FLAGS,
                SEGMENTS,
                CONFIG,
                MENUS,
                AUDIT,
                USERS,
                ENVIRONMENTS,
                API_KEYS
            ]
        );
    }

    #[test]
    fn environment_admins_manage_their_sdk_keys() {
        let env_admin = Subject::with_roles([("staging".to_string(), Role::Admin)]);
        assert!(sections(&env_admin).contains(&API_KEYS));
        assert!(!sections(&env_admin).contains(&USERS));
    }

    #[test]
    fn a_user_without_roles_sees_only_environments() {
        assert_eq!(sections(&Subject::default()), vec![ENVIRONMENTS]);
    }
}
