//! Two environments compared flag by flag: every flag whose settings a copy from one to the other
//! would change, with the changes, each flag linking to its page (where the copy is made).

use crate::api::compare_flag_environments;
use crate::ui::components::ErrorNotice;
use crate::ui::env_pref::use_current_env;
use crate::ui::style::*;
use leptos::prelude::*;

#[component]
pub fn ComparePanel() -> impl IntoView {
    let current = use_current_env();
    // Into the environment being worked in, from another one the user picks.
    let to = RwSignal::new(current.key().unwrap_or_default());
    let from = RwSignal::new(String::new());
    let comparison = Resource::new(
        move || (from.get(), to.get()),
        |(from, to)| async move {
            if from.is_empty() || to.is_empty() || from == to {
                return Ok(None);
            }
            compare_flag_environments(from, to).await.map(Some)
        },
    );
    let picker = move |label: &'static str, value: RwSignal<String>| {
        view! {
            <label class="space-y-1">
                <span class=LABEL>{label}</span>
                <select class=format!("{INPUT_BASE} w-auto") aria-label=label on:change=move |ev| value.set(event_target_value(&ev))>
                    <option value="" selected=move || value.with(String::is_empty)>"Choose…"</option>
                    {move || current.environments.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|e| {
                        let key = e.key.clone();
                        view! { <option value=e.key.clone() selected=move || value.with(|v| *v == key)>{e.name.clone()}</option> }
                    }).collect_view()}
                </select>
            </label>
        }
    };
    view! {
        <section class=format!("{CARD} space-y-3 p-4") aria-label="Compare environments">
            <h2 class="text-base font-semibold">"Compare environments"</h2>
            <div class="flex flex-wrap items-end gap-3">
                {picker("Copy from", from)}
                {picker("Copy to", to)}
            </div>
            <Transition fallback=|| view! { <p class=MUTED>"Comparing…"</p> }>
                {move || Suspend::new(async move {
                    match comparison.await {
                        Err(e) => view! { <ErrorNotice error=Signal::stored(Some(e)) /> }.into_any(),
                        Ok(None) => view! { <p class=MUTED>"Choose two different environments."</p> }.into_any(),
                        Ok(Some(c)) if c.flags.is_empty() => view! {
                            <p class=MUTED>{format!("Every flag is served alike in {} and {}.", c.from, c.to)}</p>
                        }.into_any(),
                        Ok(Some(c)) => view! {
                            <p class=MUTED>{format!("Copying from {} would change these flags in {}:", c.from, c.to)}</p>
                            <ul class="divide-y divide-slate-100 text-sm dark:divide-slate-800">
                                {c.flags.into_iter().map(|f| view! {
                                    <li class="py-2" data-testid="compared-flag" data-key=f.flag.clone()>
                                        <a class="font-mono font-medium text-indigo-700 hover:underline dark:text-indigo-300" href=format!("/flags/{}", f.flag)>{f.flag.clone()}</a>
                                        <ul class="list-disc pl-5">{f.changes.iter().map(|c| view! { <li>{c.describe()}</li> }).collect_view()}</ul>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
