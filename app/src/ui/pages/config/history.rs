//! A namespace's release history: the shared history with config's entry diff and rollback.

use super::diff_view::DiffView;
use crate::api::{Rollback, diff_releases, list_releases};
use crate::config::{ReleaseDiff, ReleaseSummary, RollbackRelease};
use crate::ui::components::{ComparedReleases, HistoryData, RollsBack};
use leptos::prelude::*;

impl ComparedReleases for ReleaseDiff {
    type Summary = ReleaseSummary;

    fn from(&self) -> Option<&ReleaseSummary> {
        self.from.as_ref()
    }

    fn to(&self) -> &ReleaseSummary {
        &self.to
    }

    fn changes(&self) -> AnyView {
        view! { <DiffView diff=self.diff.clone() before="Before" after="After" /> }.into_any()
    }
}

impl RollsBack for ReleaseDiff {
    type Rollback = Rollback;

    fn count(n: usize) -> String {
        if n == 1 {
            "1 entry".into()
        } else {
            format!("{n} entries")
        }
    }

    fn rollback(
        environment: String,
        namespace: String,
        to_version: i64,
        main_version: i64,
        draft_version: i64,
    ) -> Rollback {
        Rollback {
            input: RollbackRelease {
                namespace,
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

/// The history data of the namespace in `scope` (environment, namespace), for the page to create.
pub fn history_data(
    scope: Signal<(String, String)>,
    tick: Signal<u32>,
) -> HistoryData<ReleaseDiff> {
    HistoryData::new(scope, tick, list_releases, diff_releases)
}
