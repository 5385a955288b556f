//! A namespace's release history: the shared history list with config's entry diff, and
//! rollback of a namespace.

use super::diff_view::DiffView;
use crate::AppError;
use crate::api::{Rollback, diff_releases, list_releases};
use crate::config::{ReleaseDiff, ReleaseSummary, RollbackRelease};
use crate::ui::components::{ComparedReleases, HistoryData, ReleaseHistory, rollback_problem};
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

fn entries(n: usize) -> String {
    if n == 1 {
        "1 entry".into()
    } else {
        format!("{n} entries")
    }
}

/// The history data of the namespace in `scope` (environment, namespace), for the page to create.
pub fn history_data(
    scope: Signal<(String, String)>,
    tick: Signal<u32>,
) -> HistoryData<ReleaseDiff> {
    HistoryData::new(scope, tick, list_releases, diff_releases)
}

#[component]
pub fn HistorySection(
    data: HistoryData<ReleaseDiff>,
    environment: String,
    namespace: String,
    main_version: i64,
    /// The draft on screen: a rollback drops exactly its pending changes or is refused.
    draft_version: i64,
    /// Unpublished changes a rollback would drop.
    pending: usize,
    can_publish: bool,
    done: Callback<String>,
) -> impl IntoView {
    let rollback = ServerAction::<Rollback>::new();
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
        rollback.dispatch(Rollback {
            input: RollbackRelease {
                namespace: namespace.clone(),
                environment: environment.clone(),
                to_version,
                message: String::new(),
                main_version,
                discard_draft: true,
                draft_version: Some(draft_version),
            },
        });
    });
    view! {
        <ReleaseHistory
            data
            main_version
            pending=Signal::stored(pending)
            can_publish
            count=entries
            rollback=on_rollback
            error
        />
    }
}
