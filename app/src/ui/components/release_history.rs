//! Release history, shared by config namespaces and menus: every release with its author and
//! message, the diff of any release against the one before it or of any two, and rollback (which
//! publishes an earlier release again as a new version).

use super::{ConfirmButton, ErrorNotice};
use crate::AppError;
use crate::config;
use crate::releases::{ReleaseKind, ReleaseSummary};
use crate::time::format_utc;
use crate::ui::style::*;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos::server_fn::serde::{Serialize, de::DeserializeOwned};
use std::future::Future;

/// A release as a history row shows it: what every release has, and how it came to be in words.
pub trait ShownRelease: Serialize + DeserializeOwned + Clone + Send + Sync + 'static {
    fn version(&self) -> i64;
    /// "publish", "rollback to v2", "gray: 10% of instances".
    fn kind_label(&self) -> String;
    fn message(&self) -> &str;
    fn author(&self) -> &str;
    fn created_at(&self) -> i64;
    /// Entries or items it holds.
    fn entries(&self) -> usize;
    /// The release a rollback published again.
    fn rollback_of(&self) -> Option<i64>;
}

fn rollback_label(of: Option<i64>) -> String {
    format!("rollback to v{}", of.unwrap_or_default())
}

impl ShownRelease for ReleaseSummary {
    fn version(&self) -> i64 {
        self.version
    }
    fn kind_label(&self) -> String {
        match self.kind {
            ReleaseKind::Publish => "publish".to_string(),
            ReleaseKind::Rollback => rollback_label(self.rollback_of),
        }
    }
    fn message(&self) -> &str {
        &self.message
    }
    fn author(&self) -> &str {
        &self.author
    }
    fn created_at(&self) -> i64 {
        self.created_at
    }
    fn entries(&self) -> usize {
        self.entries
    }
    fn rollback_of(&self) -> Option<i64> {
        self.rollback_of
    }
}

impl ShownRelease for config::ReleaseSummary {
    fn version(&self) -> i64 {
        self.version
    }
    fn kind_label(&self) -> String {
        match self.kind {
            config::ReleaseKind::Publish => "publish".to_string(),
            config::ReleaseKind::Rollback => rollback_label(self.rollback_of),
            config::ReleaseKind::Gray => format!(
                "gray: {}",
                self.gray_target
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default()
            ),
        }
    }
    fn message(&self) -> &str {
        &self.message
    }
    fn author(&self) -> &str {
        &self.author
    }
    fn created_at(&self) -> i64 {
        self.created_at
    }
    fn entries(&self) -> usize {
        self.entries
    }
    fn rollback_of(&self) -> Option<i64> {
        self.rollback_of
    }
}

/// Two releases compared: the diff types of config and menus.
pub trait ComparedReleases {
    type Summary: ShownRelease;
    /// None when `to` is the first release.
    fn from(&self) -> Option<&Self::Summary>;
    fn to(&self) -> &Self::Summary;
    /// The changes, as the capability shows them.
    fn changes(&self) -> AnyView;
}

/// A subject whose history can roll back: the server function that does it, and the words for
/// what a release holds.
pub trait RollsBack: ComparedReleases {
    type Rollback: ServerFn<Output = Self::Summary, Error = AppError>
        + Clone
        + Send
        + Sync
        + 'static;

    /// What a release holds, for its summary line: `3 entries`, `1 item`.
    fn count(n: usize) -> String;

    /// Publishes `to_version` of the subject `key` again in `environment`, over the live
    /// `main_version`, dropping the draft the user saw (`draft_version`).
    fn rollback(
        environment: String,
        key: String,
        to_version: i64,
        main_version: i64,
        draft_version: i64,
    ) -> Self::Rollback;
}

/// A rollback refused with field errors reads best as one sentence beside the history.
fn rollback_problem(e: AppError) -> AppError {
    match &e {
        AppError::Validation { fields } => {
            AppError::bad_request(fields.0.values().cloned().collect::<Vec<_>>().join("; "))
        }
        _ => e,
    }
}

/// What a release history shows: the releases and the pair being compared. The page creates it
/// before anything suspends, like every resource: content inside a `Suspend` is built again by
/// each server-side pass over it, so a resource created there is numbered differently on the
/// server and in the browser, which then reads another resource's data and cannot hydrate.
pub struct HistoryData<T: ComparedReleases + Send + Sync + 'static> {
    releases: Resource<Result<Vec<T::Summary>, AppError>>,
    compared: RwSignal<Option<(Option<i64>, i64)>>,
    diffed: Resource<Option<Result<T, AppError>>>,
}

impl<T: ComparedReleases + Send + Sync + 'static> Clone for HistoryData<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: ComparedReleases + Send + Sync + 'static> Copy for HistoryData<T> {}

impl<T> HistoryData<T>
where
    T: ComparedReleases + Serialize + DeserializeOwned + Clone + Send + Sync + 'static,
{
    /// `scope` is (environment, key) from the route; `list` fetches its releases, newest first,
    /// again whenever `tick` changes; `diff` fetches `to` against `from` (None: against the
    /// release before `to`).
    pub fn new<L, LF, D, DF>(
        scope: Signal<(String, String)>,
        tick: Signal<u32>,
        list: L,
        diff: D,
    ) -> Self
    where
        L: Fn(String, String) -> LF + Send + Sync + 'static,
        LF: Future<Output = Result<Vec<T::Summary>, AppError>> + Send + 'static,
        D: Fn(String, String, Option<i64>, i64) -> DF + Clone + Send + Sync + 'static,
        DF: Future<Output = Result<T, AppError>> + Send + 'static,
    {
        let releases = Resource::new(
            move || (scope.get(), tick.get()),
            move |((environment, key), _)| list(environment, key),
        );
        let compared = RwSignal::new(None::<(Option<i64>, i64)>);
        // Another namespace or menu on the same page: the old pair means nothing there.
        Effect::watch(
            move || scope.get(),
            move |_, _, _| compared.set(None),
            false,
        );
        let diffed = Resource::new(
            move || (scope.get(), compared.get()),
            move |((environment, key), pair)| {
                let diff = diff.clone();
                async move {
                    match pair {
                        Some((from, to)) => Some(diff(environment, key, from, to).await),
                        None => None,
                    }
                }
            },
        );
        HistoryData {
            releases,
            compared,
            diffed,
        }
    }
}

/// The history of one config namespace or menu in one environment, with rollback.
#[component]
pub fn ReleaseHistory<T>(
    /// Created by the page (see [`HistoryData`]).
    data: HistoryData<T>,
    environment: String,
    /// The namespace's or menu's key.
    key: String,
    main_version: i64,
    /// The draft the user sees: a rollback drops exactly its pending changes or is refused.
    #[prop(into)]
    draft_version: Signal<i64>,
    /// Unpublished draft changes a rollback would drop.
    #[prop(into)]
    pending: Signal<usize>,
    can_publish: bool,
    /// Told what happened after a rollback.
    done: Callback<String>,
) -> impl IntoView
where
    T: RollsBack + Serialize + DeserializeOwned + Clone + Send + Sync + 'static,
{
    let HistoryData {
        releases,
        compared,
        diffed,
    } = data;
    let rollback_action = ServerAction::<T::Rollback>::new();
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| match rollback_action.value().get() {
        Some(Ok(r)) => done.run(format!(
            "Rolled back: v{} publishes v{} again.",
            r.version(),
            r.rollback_of().unwrap_or_default()
        )),
        Some(Err(e)) => error.set(Some(rollback_problem(e))),
        None => {}
    });
    let rollback = Callback::new(move |to_version: i64| {
        rollback_action.dispatch(T::rollback(
            environment.clone(),
            key.clone(),
            to_version,
            main_version,
            draft_version.get_untracked(),
        ));
    });
    let count = T::count;
    let from_pick = RwSignal::new(String::new());
    let to_pick = RwSignal::new(String::new());
    let row = move |r: T::Summary| {
        let v = r.version();
        let live = v == main_version;
        view! {
            <li class="flex flex-wrap items-start justify-between gap-3 p-3" data-testid="release-row" data-version=v>
                <div class="min-w-0">
                    <span class="font-medium">{format!("v{v}")}</span>
                    " " <span class=BADGE>{r.kind_label()}</span>
                    {live.then(|| view! { " " <span class=BADGE_OK>"live"</span> })}
                    <p class="text-sm">{r.message().to_string()}</p>
                    <p class="text-xs text-slate-500">{format!("{} · {} · {}", r.author(), format_utc(r.created_at()), count(r.entries()))}</p>
                </div>
                <div class="flex flex-wrap items-center gap-2">
                    <button type="button" class=BTN_LINK on:click=move |_| compared.set(Some((None, v)))>"Diff"</button>
                    {(can_publish && !live).then(|| view! {
                        <ConfirmButton
                            label="Roll back to this"
                            question=Signal::derive(move || match pending.get() {
                                0 => format!("Publish v{v} again for everyone?"),
                                n => format!("Publish v{v} again? {n} unpublished draft change(s) will be dropped."),
                            })
                            on_confirm=move |_| {
                                error.set(None);
                                rollback.run(v);
                            }
                        />
                    })}
                </div>
            </li>
        }
    };
    let picker = move |label: &'static str, pick: RwSignal<String>, versions: &[i64]| {
        let options = versions
            .iter()
            .map(|v| view! { <option value=v.to_string()>{format!("v{v}")}</option> })
            .collect_view();
        view! {
            <select class=format!("{INPUT_BASE} w-auto") aria-label=label on:change=move |ev| pick.set(event_target_value(&ev))>
                <option value="">"—"</option>
                {options}
            </select>
        }
    };
    view! {
        <section class="space-y-3" aria-labelledby="history-heading">
            <h2 id="history-heading" class="text-base font-semibold">"History"</h2>
            <ErrorNotice error=error />
            <Transition fallback=|| view! { <p class=MUTED>"Loading…"</p> }>
                {move || {
                    Suspend::new(async move {
                        match releases.await {
                            Ok(list) if list.is_empty() => view! { <p class=MUTED>"Nothing published yet."</p> }.into_any(),
                            Ok(list) => {
                                let versions: Vec<i64> = list.iter().map(ShownRelease::version).collect();
                                view! {
                                    <ul class=format!("{CARD} divide-y divide-slate-100 dark:divide-slate-800")>
                                        {list.into_iter().map(row).collect_view()}
                                    </ul>
                                    <div class="flex flex-wrap items-end gap-2">
                                        <label class="text-sm">"Compare " {picker("From release", from_pick, &versions)}</label>
                                        <label class="text-sm">" with " {picker("To release", to_pick, &versions)}</label>
                                        <button type="button" class=BTN_SECONDARY
                                            disabled=move || from_pick.get().is_empty() || to_pick.get().is_empty()
                                            on:click=move |_| {
                                                if let (Ok(f), Ok(t)) = (from_pick.get().parse(), to_pick.get().parse()) {
                                                    compared.set(Some((Some(f), t)));
                                                }
                                            }
                                        >"Compare"</button>
                                    </div>
                                }.into_any()
                            }
                            Err(e) => view! { <ErrorNotice error=Signal::stored(Some(e)) /> }.into_any(),
                        }
                    })
                }}
            </Transition>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match diffed.await {
                        None => ().into_any(),
                        Some(Ok(d)) => view! {
                            <div class=format!("{CARD} space-y-2 p-3") data-testid="release-diff">
                                <div class="flex items-center justify-between">
                                    <h3 class="text-sm font-semibold">{match d.from() { Some(f) => format!("v{} → v{}", f.version(), d.to().version()), None => format!("v{} (first release)", d.to().version()) }}</h3>
                                    <button type="button" class=BTN_LINK on:click=move |_| compared.set(None)>"Close"</button>
                                </div>
                                {d.changes()}
                            </div>
                        }.into_any(),
                        Some(Err(e)) => view! { <ErrorNotice error=Signal::stored(Some(e)) /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
