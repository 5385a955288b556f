//! Config pages: namespaces per environment, the shared draft with typed editors, publishing
//! (to everyone or as a gray release), history with diff and rollback, and environment compare.
//! The environment is part of the URL, so every resource depends on route parameters only.

mod compare;
mod diff_view;
mod entries;
mod entry_form;
mod gray;
mod history;
mod list;
mod namespace;
mod publish;
mod value_input;

pub use list::{ConfigIndexPage, NamespacesPage};
pub use namespace::NamespacePage;

use crate::permissions::{Action, Resource};
use crate::ui::auth::use_may;
use leptos::prelude::*;

/// May the signed-in user do `action` on config in `environment`? (Config rules do not depend on
/// protection: publishing always takes a publisher.)
fn may_config(environment: &str, action: Action) -> bool {
    use_may()(
        action,
        Resource::Config(crate::permissions::EnvScope {
            key: environment,
            protected: false,
        }),
    )
}

/// Keeps the environment switcher and the URL of a config page in step.
fn follow_switcher(environment: Memo<String>, suffix: impl Fn() -> String + 'static) {
    crate::ui::env_pref::follow_switcher("/config", environment, suffix)
}
