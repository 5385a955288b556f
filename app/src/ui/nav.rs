//! Which sections of the dashboard a subject sees. Built capabilities only: a section appears here
//! when its page exists.

use crate::permissions::{Action, EnvScope, Resource, Subject, may};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section {
    pub label: &'static str,
    pub href: &'static str,
}

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

fn reads_any_environment_audit(subject: &Subject) -> bool {
    subject.roles.keys().any(|key| {
        may(
            subject,
            Action::Read,
            Resource::EnvAudit(EnvScope {
                key,
                protected: false,
            }),
        )
    })
}

pub fn sections(subject: &Subject) -> Vec<Section> {
    let mut out = Vec::new();
    if may(subject, Action::Read, Resource::GlobalAudit) || reads_any_environment_audit(subject) {
        out.push(AUDIT);
    }
    if may(subject, Action::Read, Resource::Users) {
        out.push(USERS);
    }
    if may(subject, Action::Read, Resource::Environments) {
        out.push(ENVIRONMENTS);
    }
    if may(subject, Action::Read, Resource::AdminTokens) {
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
        assert_eq!(sections(&viewer), vec![AUDIT, ENVIRONMENTS]);
    }

    #[test]
    fn admins_see_everything() {
        assert_eq!(
            sections(&Subject::administrator()),
            vec![AUDIT, USERS, ENVIRONMENTS, API_KEYS]
        );
    }

    #[test]
    fn a_user_without_roles_sees_only_environments() {
        assert_eq!(sections(&Subject::default()), vec![ENVIRONMENTS]);
    }
}
