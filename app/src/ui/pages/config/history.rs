//! Release history: every release with its author and message, the diff of any release against
//! the one before it or of any two, and rollback (which publishes an earlier release again).

use super::diff_view::DiffView;
use crate::AppError;
use crate::api::{Rollback, diff_releases, list_releases};
use crate::config::{ReleaseKind, ReleaseSummary, RollbackRelease};
use crate::time::format_utc;
use crate::ui::components::{ConfirmButton, ErrorNotice};
use crate::ui::style::*;
use leptos::prelude::*;

fn entries_label(n: usize) -> String {
    if n == 1 {
        "1 entry".into()
    } else {
        format!("{n} entries")
    }
}

#[component]
pub fn HistorySection(
    environment: String,
    namespace: String,
    main_version: i64,
    /// Unpublished changes a rollback would drop.
    pending: usize,
    can_publish: bool,
    /// Bumped after every change, so the list follows.
    tick: Signal<u32>,
    done: Callback<String>,
) -> impl IntoView {
    let (env, ns) = (environment.clone(), namespace.clone());
    let releases = Resource::new(
        move || tick.get(),
        move |_| list_releases(env.clone(), ns.clone()),
    );
    // Which two releases are compared: (from, to); `from` None is "the one before".
    let compared = RwSignal::new(None::<(Option<i64>, i64)>);
    let (env, ns) = (environment.clone(), namespace.clone());
    let diff = Resource::new(
        move || compared.get(),
        move |c| {
            let (env, ns) = (env.clone(), ns.clone());
            async move {
                match c {
                    Some((from, to)) => Some(diff_releases(env, ns, from, to).await),
                    None => None,
                }
            }
        },
    );
    let from_pick = RwSignal::new(String::new());
    let to_pick = RwSignal::new(String::new());
    let rollback = ServerAction::<Rollback>::new();
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| match rollback.value().get() {
        Some(Ok(r)) => done.run(format!(
            "Rolled back: v{} publishes v{} again.",
            r.version,
            r.rollback_of.unwrap_or_default()
        )),
        Some(Err(e)) => error.set(Some(match &e {
            AppError::Validation { fields } => {
                AppError::bad_request(fields.0.values().cloned().collect::<Vec<_>>().join("; "))
            }
            _ => e,
        })),
        None => {}
    });
    let row = move |r: ReleaseSummary| {
        let v = r.version;
        let (env, ns) = (environment.clone(), namespace.clone());
        let kind = match r.kind {
            ReleaseKind::Publish => "publish".to_string(),
            ReleaseKind::Rollback => format!("rollback to v{}", r.rollback_of.unwrap_or_default()),
            ReleaseKind::Gray => format!(
                "gray: {}",
                r.gray_target
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default()
            ),
        };
        let live = v == main_version;
        view! {
            <li class="flex flex-wrap items-start justify-between gap-3 p-3" data-testid="release-row" data-version=v>
                <div class="min-w-0">
                    <span class="font-medium">{format!("v{v}")}</span>
                    " " <span class=BADGE>{kind}</span>
                    {live.then(|| view! { " " <span class=BADGE_OK>"live"</span> })}
                    <p class="text-sm">{r.message.clone()}</p>
                    <p class="text-xs text-slate-500">{format!("{} · {} · {}", r.author, format_utc(r.created_at), entries_label(r.entries))}</p>
                </div>
                <div class="flex flex-wrap items-center gap-2">
                    <button type="button" class=BTN_LINK on:click=move |_| compared.set(Some((None, v)))>"Diff"</button>
                    {(can_publish && !live).then(|| view! {
                        <ConfirmButton
                            label="Roll back to this"
                            question={
                                if pending == 0 {
                                    format!("Publish v{v} again for every instance?")
                                } else {
                                    format!("Publish v{v} again? {pending} unpublished draft change(s) will be dropped.")
                                }
                            }
                            on_confirm=move |_| {
                                error.set(None);
                                rollback.dispatch(Rollback { input: RollbackRelease {
                                    namespace: ns.clone(),
                                    environment: env.clone(),
                                    to_version: v,
                                    message: String::new(),
                                    main_version,
                                    discard_draft: true,
                                } });
                            }
                        />
                    })}
                </div>
            </li>
        }
    };
    view! {
        <section class="space-y-3" aria-labelledby="history-heading">
            <h2 id="history-heading" class="text-base font-semibold">"History"</h2>
            <ErrorNotice error=error />
            <Transition fallback=|| view! { <p class=MUTED>"Loading…"</p> }>
                {move || {
                    let row = row.clone();
                    Suspend::new(async move {
                        match releases.await {
                            Ok(list) if list.is_empty() => view! { <p class=MUTED>"Nothing published yet."</p> }.into_any(),
                            Ok(list) => {
                                let versions: Vec<i64> = list.iter().map(|r| r.version).collect();
                                view! {
                                    <ul class=format!("{CARD} divide-y divide-slate-100 dark:divide-slate-800")>
                                        {list.into_iter().map(row.clone()).collect_view()}
                                    </ul>
                                    <div class="flex flex-wrap items-end gap-2">
                                        <label class="text-sm">"Compare "
                                            <select class=format!("{INPUT_BASE} w-auto") aria-label="From release" on:change=move |ev| from_pick.set(event_target_value(&ev))>
                                                <option value="">"—"</option>
                                                {versions.iter().map(|v| view! { <option value=v.to_string()>{format!("v{v}")}</option> }).collect_view()}
                                            </select>
                                        </label>
                                        <label class="text-sm">" with "
                                            <select class=format!("{INPUT_BASE} w-auto") aria-label="To release" on:change=move |ev| to_pick.set(event_target_value(&ev))>
                                                <option value="">"—"</option>
                                                {versions.iter().map(|v| view! { <option value=v.to_string()>{format!("v{v}")}</option> }).collect_view()}
                                            </select>
                                        </label>
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
                    match diff.await {
                        None => ().into_any(),
                        Some(Ok(d)) => view! {
                            <div class=format!("{CARD} space-y-2 p-3") data-testid="release-diff">
                                <div class="flex items-center justify-between">
                                    <h3 class="text-sm font-semibold">{match &d.from { Some(f) => format!("v{} → v{}", f.version, d.to.version), None => format!("v{} (first release)", d.to.version) }}</h3>
                                    <button type="button" class=BTN_LINK on:click=move |_| compared.set(None)>"Close"</button>
                                </div>
                                <DiffView diff=d.diff.clone() before="Before" after="After" />
                            </div>
                        }.into_any(),
                        Some(Err(e)) => view! { <ErrorNotice error=Signal::stored(Some(e)) /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
