//! A flag's page: its settings per environment with the rule editor and "Try a context", its
//! definition, and its history.

use super::definition::DefinitionEditor;
use super::history::{FlagHistory, history_resource};
use super::list::kind_label;
use super::settings::SettingsEditor;
use super::try_context::TryState;
use crate::AppError;
use crate::api::{ArchiveFlag, get_flag};
use crate::flags::{FlagDetail, SetFlagArchived};
use crate::permissions::{self, Action, EnvScope};
use crate::ui::auth::use_may;
use crate::ui::components::{AttributeSuggestions, ConfirmButton, ErrorNotice, Notice};
use crate::ui::env_pref::{self, use_current_env};
use crate::ui::style::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn FlagPage() -> impl IntoView {
    let params = use_params_map();
    let key = Memo::new(move |_| params.with(|p| p.get("key").unwrap_or_default()));
    let reload = RwSignal::new(0u32);
    let detail = Resource::new(move || (key.get(), reload.get()), |(key, _)| get_flag(key));
    // The history also refreshes after changes that keep the page as it is (the kill switch).
    let history_tick = RwSignal::new(0u32);
    let history = history_resource(key, history_tick);
    Effect::new(move |_| {
        reload.track();
        history_tick.update(|n| *n += 1);
    });
    let notice = RwSignal::new(None::<String>);
    let try_state = TryState::new();
    let current = use_current_env();
    view! {
        <AttributeSuggestions />
        <Transition fallback=|| view! { <p class=MUTED>"Loading…"</p> }>
            {move || {
                current.chosen.track();
                Suspend::new(async move {
                    let envs = current.environments.await.unwrap_or_default();
                    match detail.await {
                        Ok(d) => view! { <FlagView detail=d envs notice reload try_state history history_tick /> }.into_any(),
                        Err(e) => view! { <ErrorNotice error=Signal::stored(Some(e)) /> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

#[component]
fn FlagView(
    detail: FlagDetail,
    envs: Vec<crate::domain::Environment>,
    notice: RwSignal<Option<String>>,
    reload: RwSignal<u32>,
    try_state: TryState,
    history: Resource<Result<crate::domain::AuditPage, AppError>>,
    history_tick: RwSignal<u32>,
) -> impl IntoView {
    // On/off per environment, updated in place by the kill switch.
    let switches = RwSignal::new(
        detail
            .environments
            .iter()
            .map(|s| (s.environment.clone(), s.enabled))
            .collect::<std::collections::BTreeMap<_, _>>(),
    );
    let on_switched = Callback::new(move |(env, on): (String, bool)| {
        switches.update(|l| {
            l.insert(env, on);
        });
        history_tick.update(|n| *n += 1);
    });
    let may = use_may();
    let current = use_current_env();
    let flag = detail.flag.clone();
    // Archiving and restoring change what every environment serves; a definition edit reaches
    // only the environments that can serve the variants it changes, which the server works out.
    let every: Vec<EnvScope<'_>> = envs.iter().map(|e| e.scope()).collect();
    let can_define = may(
        Action::Write,
        permissions::Resource::FlagDefinition { live_in: &[] },
    );
    let can_archive = may(
        Action::Write,
        permissions::Resource::FlagDefinition { live_in: &every },
    );
    let visible: Vec<_> = envs
        .iter()
        .filter(|e| detail.environments.iter().any(|s| s.environment == e.key))
        .cloned()
        .collect();
    let selected = current
        .key()
        .filter(|k| visible.iter().any(|e| &e.key == k))
        .or_else(|| visible.first().map(|e| e.key.clone()))
        .unwrap_or_default();
    let on_saved = Callback::new(move |message: String| {
        notice.set(Some(message));
        reload.update(|n| *n += 1);
    });
    let archive = ServerAction::<ArchiveFlag>::new();
    let archive_error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| match archive.value().get() {
        Some(Ok(f)) => on_saved.run(if f.archived {
            "Archived: apps no longer get this flag.".into()
        } else {
            "Restored.".into()
        }),
        Some(Err(e)) => archive_error.set(Some(e)),
        None => {}
    });
    let env = visible.iter().find(|e| e.key == selected).cloned();
    let settings = detail
        .environments
        .iter()
        .find(|s| s.environment == selected)
        .cloned();
    let others: Vec<_> = visible
        .iter()
        .filter(|e| e.key != selected)
        .cloned()
        .collect();
    let others_settings: Vec<_> = detail
        .environments
        .iter()
        .filter(|s| s.environment != selected)
        .cloned()
        .collect();
    let related = RwSignal::new(detail.prerequisite_flags.clone());
    let required_by: Vec<_> = detail
        .required_by
        .iter()
        .filter(|r| r.environment == selected)
        .cloned()
        .collect();
    let (key, version, archived, name) = (
        flag.key.clone(),
        flag.version,
        flag.archived,
        flag.name.clone(),
    );
    view! {
        <Title text=flag.name.clone() />
        <div class="space-y-6">
            <div class="flex flex-wrap items-start justify-between gap-3">
                <div class="space-y-1">
                    <a href="/flags" class=BTN_LINK>"← Flags"</a>
                    <h1 class=H1>{flag.name.clone()}</h1>
                    <div class="flex flex-wrap items-center gap-2 text-sm">
                        <code class="text-slate-600 dark:text-slate-400" data-testid="flag-key">{flag.key.clone()}</code>
                        <span class=BADGE>{kind_label(flag.kind)}</span>
                        {flag.tags.iter().map(|t| view! { <span class=BADGE>{t.clone()}</span> }).collect_view()}
                        {archived.then(|| view! { <span class=BADGE_WARN>"archived"</span> })}
                        {(!flag.owner.is_empty()).then(|| view! { <span class=MUTED>"owner: " {flag.owner.clone()}</span> })}
                    </div>
                    {(!flag.description.is_empty()).then(|| view! { <p class=MUTED>{flag.description.clone()}</p> })}
                </div>
                {can_archive.then(|| view! {
                    <ConfirmButton
                        label=if archived { "Restore" } else { "Archive" }
                        class=if archived { BTN_SECONDARY } else { BTN_DANGER }
                        question=if archived { format!("Serve {name} to apps again?") } else { format!("Archive {name}? Apps asking for it get FLAG_NOT_FOUND.") }
                        on_confirm=move |_| { archive.dispatch(ArchiveFlag { input: SetFlagArchived { key: key.clone(), archived: !archived, version } }); }
                    />
                })}
            </div>
            <Notice message=notice />
            <ErrorNotice error=archive_error />
            <nav class="flex flex-wrap gap-1 border-b border-slate-200 dark:border-slate-800" aria-label="Environments">
                {visible.iter().map(|e| {
                    let k = e.key.clone();
                    let env_key = e.key.clone();
                    let on = Signal::derive(move || switches.with(|l| l.get(&env_key).copied().unwrap_or(false)));
                    let is_selected = e.key == selected;
                    view! {
                        <button
                            type="button"
                            role="tab"
                            aria-selected=is_selected.to_string()
                            data-env=e.key.clone()
                            class=if is_selected { "-mb-px border-b-2 border-indigo-600 px-3 py-2 text-sm font-medium text-indigo-700 dark:text-indigo-300" } else { "px-3 py-2 text-sm text-slate-600 hover:text-slate-900 dark:text-slate-400 dark:hover:text-white" }
                            on:click=move |_| {
                                env_pref::remember(&k);
                                current.chosen.set(Some(k.clone()));
                            }
                        >
                            {e.name.clone()}
                            " "
                            <span class=move || if on.get() { BADGE_OK } else { BADGE }>{move || if on.get() { "on" } else { "off" }}</span>
                        </button>
                    }
                }).collect_view()}
            </nav>
            {match (env, settings) {
                (Some(environment), Some(settings)) if !archived => view! {
                    <SettingsEditor flag=flag.clone() settings environment others others_settings segments=detail.segments.clone() related required_by=required_by.clone() try_state on_saved on_switched />
                }.into_any(),
                _ if archived => view! { <p class=MUTED>"Archived flags are not served. Restore it to change its settings."</p> }.into_any(),
                _ => view! { <p class=MUTED>"You have no role in any environment of this flag."</p> }.into_any(),
            }}
            <details class=format!("{CARD} p-4")>
                <summary class="cursor-pointer text-sm font-semibold">"Definition (all environments)"</summary>
                <div class="mt-4"><DefinitionEditor flag=flag.clone() can_write=can_define on_saved /></div>
            </details>
            <section class="space-y-2" aria-label="History">
                <h2 class="text-base font-semibold">"History"</h2>
                <FlagHistory events=history />
            </section>
        </div>
    }
}
