use super::compare::ComparePanel;
use super::import::ImportPanel;
use crate::api::list_flags;
use crate::flags::{FlagKind, FlagQuery};
use crate::permissions::{self, Action};
use crate::time::format_utc;
use crate::ui::auth::use_may;
use crate::ui::components::ErrorNotice;
use crate::ui::env_pref::{self, env_from_query, use_current_env};
use crate::ui::style::*;
use leptos::lazy;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::params::ParamsMap;

pub fn kind_label(kind: FlagKind) -> &'static str {
    match kind {
        FlagKind::Boolean => "boolean",
        FlagKind::String => "string",
        FlagKind::Number => "number",
        FlagKind::Json => "JSON",
    }
}

fn query_from(q: &ParamsMap) -> FlagQuery {
    let get = |k: &str| q.get(k).filter(|v| !v.is_empty());
    FlagQuery {
        search: get("search"),
        environment: get(env_pref::QUERY),
        state: get("state"),
        archived: get("archived").is_some_and(|v| v == "true"),
        sort: get("sort"),
        page: get("page").and_then(|p| p.parse().ok()),
        per_page: None,
    }
}

/// `/flags?...` for a query (without `env`, the remembered environment's states are shown).
fn href(q: &FlagQuery) -> String {
    let mut parts = Vec::new();
    let mut push = |k: &str, v: &str| parts.push(format!("{k}={}", crate::ui::encode_query(v)));
    if let Some(env) = &q.environment {
        push(env_pref::QUERY, env);
    }
    if let Some(s) = &q.search {
        push("search", s);
    }
    if let Some(s) = &q.state {
        push("state", s);
    }
    if q.archived {
        push("archived", "true");
    }
    if let Some(s) = &q.sort {
        push("sort", s);
    }
    if q.page() > 1 {
        push("page", &q.page().to_string());
    }
    if parts.is_empty() {
        "/flags".into()
    } else {
        format!("/flags?{}", parts.join("&"))
    }
}

/// The import form, shown only on request: a WASM module of its own (`cargo leptos build
/// --split`), fetched when first opened, so the list most visits start with loads without it.
#[lazy]
fn import_panel() -> AnyView {
    view! { <ImportPanel /> }.into_any()
}

/// Two environments compared flag by flag, shown only on request: a WASM module of its own too.
#[lazy]
fn compare_panel() -> AnyView {
    view! { <ComparePanel /> }.into_any()
}

#[component]
pub fn FlagsPage() -> impl IntoView {
    let may = use_may();
    // A new flag is served (off) in every environment, including ones this page does not list;
    // the server checks them all and answers 403 where the user may not write flags.
    let can_create = may(
        Action::Write,
        permissions::Resource::FlagDefinition { live_in: &[] },
    );
    let importing = RwSignal::new(false);
    let comparing = RwSignal::new(false);
    view! {
        <Title text="Flags" />
        <div class="space-y-6">
            <div class="flex flex-wrap items-center justify-between gap-3">
                <div>
                    <h1 class=H1>"Flags"</h1>
                    <p class=MUTED>"Feature flags per environment: targeting rules, sticky rollouts, variants and a kill switch."</p>
                </div>
                <div class="flex gap-2">
                    <button type="button" class=BTN_SECONDARY on:click=move |_| comparing.update(|v| *v = !*v)>"Compare environments"</button>
                {can_create.then(|| view! {
                    <div class="flex gap-2">
                        <button type="button" class=BTN_SECONDARY on:click=move |_| importing.update(|v| *v = !*v)>"Import from Unleash"</button>
                        <a href="/flags/new" class=BTN_PRIMARY>"New flag"</a>
                    </div>
                })}
                </div>
            </div>
            <Show when=move || comparing.get()>
                <Suspense fallback=|| view! { <p class=MUTED>"Loading…"</p> }>
                    {Suspend::new(compare_panel())}
                </Suspense>
            </Show>
            <Show when=move || importing.get()>
                <Suspense fallback=|| view! { <p class=MUTED>"Loading…"</p> }>
                    {Suspend::new(import_panel())}
                </Suspense>
            </Show>
            <FlagTable />
        </div>
    }
}

#[component]
fn FlagTable() -> impl IntoView {
    let params = use_query_map();
    let navigate = use_navigate();
    let current = use_current_env();
    // The query carries `?env=`; without it the page shows the remembered environment.
    env_from_query();
    let query = Memo::new(move |_| params.with(query_from));
    // Created here, not inside a Suspend, so the browser picks up the server's answer; one server
    // function, called directly, so it runs with the page's context during server rendering.
    let page = Resource::new(
        move || (query.get(), current.chosen.get()),
        |(q, remembered)| list_flags(q, remembered),
    );
    let go = move |q: FlagQuery| {
        navigate(
            &href(&q),
            leptos_router::NavigateOptions {
                replace: true,
                ..Default::default()
            },
        )
    };
    let set = {
        let go = go.clone();
        move |f: &dyn Fn(&mut FlagQuery)| {
            let mut q = query.get_untracked();
            f(&mut q);
            go(q);
        }
    };
    // Nothing outside the Transition below reads `page`: on the multi-threaded server, a render
    // effect subscribed to a resource outside its Suspense can deadlock Leptos's reactive graph
    // (two workers taking the effect's and the resource's locks in opposite orders).
    view! {
        <div class=format!("{CARD} flex flex-wrap items-end gap-3 p-4")>
            <label class="min-w-48 flex-1 space-y-1">
                <span class=LABEL>"Search"</span>
                <input
                    class=INPUT
                    type="search"
                    placeholder="key, name or tag"
                    aria-label="Search flags"
                    prop:value=move || query.with(|q| q.search.clone().unwrap_or_default())
                    on:input={
                        let set = set.clone();
                        move |ev| {
                            let v = event_target_value(&ev);
                            set(&|q| {
                                q.search = Some(v.clone()).filter(|s| !s.trim().is_empty());
                                q.page = None;
                            });
                        }
                    }
                />
            </label>
            <label class="space-y-1">
                <span class=LABEL>"State"</span>
                <select class=format!("{INPUT_BASE} w-auto") aria-label="State" on:change={
                    let set = set.clone();
                    move |ev| {
                        let v = event_target_value(&ev);
                        set(&|q| {
                            q.state = Some(v.clone()).filter(|s| !s.is_empty());
                            q.page = None;
                        });
                    }
                }>
                    {[("", "Any"), ("on", "On"), ("off", "Off")]
                        .into_iter()
                        .map(|(v, l)| view! { <option value=v selected=move || query.with(|q| q.state.as_deref().unwrap_or("") == v)>{l}</option> })
                        .collect_view()}
                </select>
            </label>
            <label class="space-y-1">
                <span class=LABEL>"Sort by"</span>
                <select class=format!("{INPUT_BASE} w-auto") aria-label="Sort" on:change={
                    let set = set.clone();
                    move |ev| {
                        let v = event_target_value(&ev);
                        set(&|q| q.sort = Some(v.clone()).filter(|s| s != "key"));
                    }
                }>
                    {[("key", "Key"), ("name", "Name"), ("updated", "Recently changed")]
                        .into_iter()
                        .map(|(v, l)| view! { <option value=v selected=move || query.with(|q| q.sort.as_deref().unwrap_or("key") == v)>{l}</option> })
                        .collect_view()}
                </select>
            </label>
            <label class="flex items-center gap-2 pb-2 text-sm">
                <input
                    type="checkbox"
                    prop:checked=move || query.with(|q| q.archived)
                    on:change={
                        let set = set.clone();
                        move |ev| {
                            let on = event_target_checked(&ev);
                            set(&|q| {
                                q.archived = on;
                                q.page = None;
                            });
                        }
                    }
                />
                "Archived"
            </label>
        </div>
        <Transition fallback=|| view! { <p class=MUTED>"Loading flags…"</p> }>
            {move || Suspend::new(async move {
                match page.await.map(|l| (l.environment.map(|e| e.name), l.page)) {
                    Err(e) => view! { <ErrorNotice error=Signal::stored(Some(e)) /> }.into_any(),
                    Ok((env_name, p)) if p.flags.is_empty() => view! {
                        <p class=format!("{CARD} p-6 text-center text-sm text-slate-500")>
                            {format!("No flags match (state in {}).", env_name.unwrap_or_default())}
                        </p>
                    }.into_any(),
                    Ok((env_name, p)) => {
                        let pages = ((p.total as u32).div_ceil(p.per_page)).max(1);
                        let (current_page, total) = (p.page, p.total);
                        let link = move |page: u32| href(&FlagQuery { page: Some(page), ..query.get_untracked() });
                        view! {
                            <div class=format!("{CARD} relative overflow-x-auto")>
                                <table class=TABLE>
                                    <thead>
                                        <tr>
                                            <th class=TH>"Flag"</th>
                                            <th class=TH>"Kind"</th>
                                            <th class=TH>"State"</th>
                                            <th class=TH>"Rules"</th>
                                            <th class=TH>"Changed"</th>
                                        </tr>
                                    </thead>
                                    <tbody class="divide-y divide-slate-100 dark:divide-slate-800">
                                        {p.flags.into_iter().map(|f| view! {
                                            <tr data-testid="flag-row" data-key=f.key.clone()>
                                                <td class=TD>
                                                    <a class="font-medium text-indigo-700 hover:underline dark:text-indigo-300" href=format!("/flags/{}", f.key)>{f.name.clone()}</a>
                                                    <div class="font-mono text-xs text-slate-500">{f.key.clone()}</div>
                                                    <div class="mt-1 flex flex-wrap gap-1">{f.tags.iter().map(|t| view! { <span class=BADGE>{t.clone()}</span> }).collect_view()}</div>
                                                </td>
                                                <td class=TD>{kind_label(f.kind)}</td>
                                                <td class=TD>
                                                    {if f.enabled {
                                                        view! { <span class=BADGE_OK>"on"</span> }.into_any()
                                                    } else {
                                                        view! { <span class=BADGE>"off"</span> }.into_any()
                                                    }}
                                                </td>
                                                <td class=TD>{f.rules}</td>
                                                <td class=format!("{TD} whitespace-nowrap text-xs")>{format_utc(f.updated_at)}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            <nav class="flex items-center justify-between text-sm" aria-label="Pages">
                                <span class=MUTED>{format!("{total} flag{} · state in {} · page {current_page} of {pages}", if total == 1 { "" } else { "s" }, env_name.unwrap_or_default())}</span>
                                <span class="flex gap-2">
                                    {(current_page > 1).then(|| view! { <a class=BTN_SECONDARY href=link(current_page - 1)>"← Previous"</a> })}
                                    {(current_page < pages).then(|| view! { <a class=BTN_SECONDARY href=link(current_page + 1)>"Next →"</a> })}
                                </span>
                            </nav>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}
