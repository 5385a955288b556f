//! A menu's release history: the shared history list with the menu diff, and rollback of a menu.

use super::diff_view::MenuDiffView;
use crate::AppError;
use crate::api::{RollbackMenuRelease, diff_menu_releases, list_menu_releases};
use crate::menus::{MenuReleaseDiff, RollbackMenu};
use crate::releases::ReleaseSummary;
use crate::ui::components::{ComparedReleases, HistoryData, ReleaseHistory, rollback_problem};
use leptos::prelude::*;

impl ComparedReleases for MenuReleaseDiff {
    type Summary = ReleaseSummary;

    fn from(&self) -> Option<&ReleaseSummary> {
        self.from.as_ref()
    }

    fn to(&self) -> &ReleaseSummary {
        &self.to
    }

    fn changes(&self) -> AnyView {
        view! { <MenuDiffView diff=self.diff.clone() /> }.into_any()
    }
}

fn items(n: usize) -> String {
    if n == 1 {
        "1 item".into()
    } else {
        format!("{n} items")
    }
}

/// The history data of the menu in `scope` (environment, menu), for the page to create.
pub fn history_data(
    scope: Signal<(String, String)>,
    tick: Signal<u32>,
) -> HistoryData<MenuReleaseDiff> {
    HistoryData::new(scope, tick, list_menu_releases, diff_menu_releases)
}

#[component]
pub fn MenuHistory(
    data: HistoryData<MenuReleaseDiff>,
    environment: String,
    menu: String,
    main_version: i64,
    /// The saved draft's version: a rollback drops exactly its pending changes or is refused.
    draft_version: Signal<i64>,
    /// Unpublished changes a rollback would drop.
    pending: Signal<usize>,
    can_publish: bool,
    done: Callback<String>,
) -> impl IntoView {
    let rollback = ServerAction::<RollbackMenuRelease>::new();
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| match rollback.value().get() {
        Some(Ok(r)) => done.run(format!(
            "Rolled back: v{} publishes v{} again.",
            r.version,
            r.rollback_of.unwrap_or_default()
        )),
        Some(Err(e)) => error.set(Some(rollback_problem(e))),
        None => {}
    });
    let on_rollback = Callback::new(move |to_version: i64| {
        rollback.dispatch(RollbackMenuRelease {
            input: RollbackMenu {
                menu: menu.clone(),
                environment: environment.clone(),
                to_version,
                message: String::new(),
                main_version,
                discard_draft: true,
                draft_version: Some(draft_version.get_untracked()),
            },
        });
    });
    view! {
        <ReleaseHistory
            data
            main_version
            pending
            can_publish
            count=items
            rollback=on_rollback
            error
        />
    }
}
