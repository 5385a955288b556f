//! The list page every released subject shares (config namespaces, menus): each one with its live
//! release, a gray release where the subject has them, and the draft's pending changes, plus the
//! form for a new one.

use super::{ErrorNotice, Notice};
use crate::AppError;
use crate::ui::style::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use serde::{Deserialize, Serialize};
use std::future::Future;

/// One subject as its list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReleasedRow {
    pub key: String,
    pub description: String,
    /// Entries or items in the draft.
    pub count: usize,
    /// The release apps get (0 before the first publish).
    pub main_version: i64,
    /// A gray release in progress (config only).
    pub gray_version: Option<i64>,
    /// Draft changes not yet published.
    pub pending: usize,
}

/// "v3", or "nothing published" before the first release.
pub fn release_label(version: i64) -> String {
    if version == 0 {
        "nothing published".into()
    } else {
        format!("v{version}")
    }
}

/// Words that differ between the subjects' lists.
pub struct ListWords {
    /// The page's title and heading ("Config").
    pub title: &'static str,
    /// What the subjects are, before the environment's name.
    pub intro: &'static str,
    /// One of them ("namespace"); the list's column, the button and the empty text derive from it.
    pub noun: &'static str,
    /// The count's column ("Entries").
    pub count: &'static str,
    /// Where a subject's page lives: `{base}/{env}/{key}`.
    pub base: &'static str,
    /// `data-testid` of a row.
    pub row_testid: &'static str,
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The page: `environment` from the address, `load` the subjects there, `may_create` whether the
/// viewer may create one, and `new_form(environment, done, cancel)` the creation form.
#[component]
pub fn ReleasedList<Load, Loading, NewForm>(
    words: ListWords,
    environment: Memo<String>,
    load: Load,
    may_create: Signal<bool>,
    new_form: NewForm,
) -> impl IntoView
where
    Load: Fn(String) -> Loading + Send + Sync + 'static,
    Loading: Future<Output = Result<Vec<ReleasedRow>, AppError>> + Send + 'static,
    NewForm: Fn(String, Callback<String>, Callback<()>) -> AnyView + Send + Sync + 'static,
{
    let reload = RwSignal::new(0u32);
    let rows = Resource::new(
        move || (environment.get(), reload.get()),
        move |(env, _)| load(env),
    );
    let notice = RwSignal::new(None::<String>);
    let creating = RwSignal::new(false);
    let ListWords {
        title,
        intro,
        noun,
        count,
        base,
        row_testid,
    } = words;
    let done = Callback::new(move |key: String| {
        creating.set(false);
        notice.set(Some(format!("Created {key}.")));
        reload.update(|n| *n += 1);
    });
    let cancel = Callback::new(move |_| creating.set(false));
    view! {
        <Title text=title />
        <div class="space-y-6">
            <div class="flex flex-wrap items-center justify-between gap-3">
                <div>
                    <h1 class=H1>{title}</h1>
                    <p class=MUTED>
                        {intro} ", in "
                        <strong>{move || environment.get()}</strong>
                        ". Edits collect in a shared draft until someone publishes them."
                    </p>
                </div>
                {move || may_create.get().then(|| view! {
                    <button type="button" class=BTN_PRIMARY on:click=move |_| creating.set(true)>{format!("New {noun}")}</button>
                })}
            </div>
            <Notice message=notice />
            {move || creating.get().then(|| new_form(environment.get_untracked(), done, cancel))}
            <Transition fallback=|| view! { <p class=MUTED>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let env = environment.get_untracked();
                    match rows.await {
                        Ok(list) if list.is_empty() => view! {
                            <p class=format!("{CARD} p-6 text-center text-sm text-slate-500")>{format!("No {noun}s yet.")}</p>
                        }.into_any(),
                        Ok(list) => view! {
                            <div class=format!("{CARD} overflow-x-auto")>
                                <table class=TABLE>
                                    <thead><tr>
                                        <th class=TH>{capitalized(noun)}</th>
                                        <th class=TH>{count}</th>
                                        <th class=TH>"Live"</th>
                                        <th class=TH>"Draft"</th>
                                    </tr></thead>
                                    <tbody class="divide-y divide-slate-100 dark:divide-slate-800">
                                        {list.into_iter().map(|r| {
                                            let (href, label) = (format!("{base}/{env}/{}", r.key), r.key.clone());
                                            view! {
                                            <tr data-testid=row_testid data-key=r.key.clone()>
                                                <td class=TD>
                                                    <A href=href attr:class=BTN_LINK>{label}</A>
                                                    {(!r.description.is_empty()).then(|| view! { <p class="text-xs text-slate-500">{r.description.clone()}</p> })}
                                                </td>
                                                <td class=TD>{r.count}</td>
                                                <td class=TD>
                                                    <span class={if r.main_version == 0 { BADGE } else { BADGE_OK }}>{release_label(r.main_version)}</span>
                                                    {r.gray_version.map(|v| view! { " " <span class=BADGE_WARN>{format!("gray v{v}")}</span> })}
                                                </td>
                                                <td class=TD>
                                                    {if r.pending > 0 {
                                                        view! { <span class=BADGE_WARN data-testid="pending">{format!("{} pending", r.pending)}</span> }.into_any()
                                                    } else {
                                                        view! { <span class=MUTED>"published"</span> }.into_any()
                                                    }}
                                                </td>
                                            </tr>
                                        }}).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any(),
                        Err(e) => view! { <ErrorNotice error=Signal::stored(Some(e)) /> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}
