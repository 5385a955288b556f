//! The authenticated caller of a command or query.

use switchboard_core::domain::{ActorKind, ActorRef};
use switchboard_core::permissions::{Action, Resource, Subject, may};
use switchboard_error::AppError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub kind: ActorKind,
    pub id: Option<i64>,
    /// Email for users, name for tokens, a description for the system.
    pub name: String,
    pub subject: Subject,
}

impl Actor {
    /// The operator at the command line (or first-start bootstrap): may do anything.
    pub fn system(what: &str) -> Actor {
        Actor {
            kind: ActorKind::System,
            id: None,
            name: what.to_string(),
            subject: Subject::administrator(),
        }
    }

    pub fn reference(&self) -> ActorRef {
        ActorRef {
            kind: self.kind,
            id: self.id,
            name: self.name.clone(),
        }
    }

    /// Answers 403 unless the permission module says yes.
    pub fn ensure(&self, action: Action, resource: Resource<'_>) -> Result<(), AppError> {
        if may(&self.subject, action, resource) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}
