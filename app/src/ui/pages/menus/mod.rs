//! Menu pages: menus per environment, and per menu a tree editor (drag and drop or keyboard),
//! the item form, a live preview computed in the browser by the delivery API's own filter,
//! publishing with a diff, history and rollback. The environment is part of the URL.

mod diff_view;
mod editor;
mod history;
mod icon_picker;
mod item_form;
mod list;
mod preview;
mod publish;
mod tree;

pub use editor::MenuPage;
pub use list::{MenusIndexPage, MenusPage};

use crate::permissions::{Action, EnvScope, Resource};
use crate::ui::auth::use_may;
use leptos::prelude::*;

/// May the signed-in user do `action` on menus in `environment`? (Menu rules do not depend on
/// protection: publishing always takes a publisher.)
fn may_menus(environment: &str, action: Action) -> bool {
    use_may()(
        action,
        Resource::Menus(EnvScope {
            key: environment,
            protected: false,
        }),
    )
}

/// Keeps the environment switcher and the URL of a menu page in step.
fn follow_switcher(environment: Memo<String>, suffix: impl Fn() -> String + 'static) {
    crate::ui::env_pref::follow_switcher("/menus", environment, suffix)
}
