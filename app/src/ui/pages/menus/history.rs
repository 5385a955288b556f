//! A menu's release history: the shared history with the menu diff and rollback.

use super::diff_view::MenuDiffView;
use crate::api::{RollbackMenuRelease, diff_menu_releases, list_menu_releases};
use crate::menus::{MenuReleaseDiff, RollbackMenu};
use crate::releases::ReleaseSummary;
use crate::ui::components::{ComparedReleases, HistoryData, RollsBack};
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

impl RollsBack for MenuReleaseDiff {
    type Rollback = RollbackMenuRelease;

    fn count(n: usize) -> String {
        if n == 1 {
            "1 item".into()
        } else {
            format!("{n} items")
        }
    }

    fn rollback(
        environment: String,
        menu: String,
        to_version: i64,
        main_version: i64,
        draft_version: i64,
    ) -> RollbackMenuRelease {
        RollbackMenuRelease {
            input: RollbackMenu {
                menu,
                environment,
                to_version,
                message: String::new(),
                main_version,
                discard_draft: true,
                draft_version: Some(draft_version),
            },
        }
    }
}

/// The history data of the menu in `scope` (environment, menu), for the page to create.
pub fn history_data(
    scope: Signal<(String, String)>,
    tick: Signal<u32>,
) -> HistoryData<MenuReleaseDiff> {
    HistoryData::new(scope, tick, list_menu_releases, diff_menu_releases)
}
