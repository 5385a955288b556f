//! The signed-in user, as every component sees it.

use crate::AppError;
use crate::api::current_session;
use crate::domain::SessionInfo;
use crate::permissions::{self, Action, Subject, may};
use leptos::prelude::*;

pub type SessionResult = Result<Option<SessionInfo>, AppError>;

/// The session, loaded before the page is sent (so the server can redirect to sign-in), and
/// reloaded after sign-in and sign-out.
#[derive(Clone, Copy)]
pub struct Auth {
    pub session: Resource<SessionResult>,
    version: RwSignal<u32>,
}

impl Auth {
    pub fn provide() -> Auth {
        let version = RwSignal::new(0u32);
        let session = Resource::new_blocking(move || version.get(), |_| current_session());
        let auth = Auth { session, version };
        provide_context(auth);
        auth
    }

    pub fn reload(&self) {
        self.version.update(|v| *v += 1);
    }
}

pub fn use_auth() -> Auth {
    expect_context()
}

/// Inside the signed-in layout: who is signed in.
#[derive(Clone, Debug, PartialEq)]
pub struct CurrentUser(pub SessionInfo);

pub fn use_current_user() -> SessionInfo {
    expect_context::<CurrentUser>().0
}

/// The permission module bound to the signed-in user, for hiding what they may not do.
pub fn use_may()
-> impl Fn(Action, permissions::Resource<'_>) -> bool + Clone + Send + Sync + 'static {
    let subject: Subject = use_current_user().subject;
    move |action, resource| may(&subject, action, resource)
}
