//! The audit trail: every change, filterable by entity, actor, environment and time. Filters live
//! in the address so a filtered view can be shared and renders on the server.

use crate::api::list_audit;
use crate::domain::{AUDITED_ENTITIES, AuditEvent, AuditFilter};
use crate::time::{format_utc, parse_utc};
use crate::ui::components::ErrorNotice;
use crate::ui::env_pref::use_current_env;
use crate::ui::style::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::params::ParamsMap;
use serde_json::Value;

/// The filter as typed in the form and kept in the address.
#[derive(Debug, Clone, Default, PartialEq)]
struct FilterText {
    entity_type: String,
    actor: String,
    environment: String,
    from: String,
    to: String,
    before: Option<i64>,
}

impl FilterText {
    fn from_query(q: &ParamsMap) -> FilterText {
        let get = |k: &str| q.get(k).unwrap_or_default();
        FilterText {
            entity_type: get("entity_type"),
            actor: get("actor"),
            environment: get("environment"),
            from: get("from"),
            to: get("to"),
            before: q.get("before").and_then(|b| b.parse().ok()),
        }
    }

    fn to_query(&self) -> String {
        let mut parts = Vec::new();
        for (k, v) in [
            ("entity_type", &self.entity_type),
            ("actor", &self.actor),
            ("environment", &self.environment),
            ("from", &self.from),
            ("to", &self.to),
        ] {
            if !v.trim().is_empty() {
                parts.push(format!("{k}={}", encode(v.trim())));
            }
        }
        if let Some(b) = self.before {
            parts.push(format!("before={b}"));
        }
        if parts.is_empty() {
            "/audit".into()
        } else {
            format!("/audit?{}", parts.join("&"))
        }
    }

    /// The query for the server, or which field cannot be read.
    fn to_filter(&self) -> Result<AuditFilter, (&'static str, &'static str)> {
        let time =
            |s: &str, field: &'static str| -> Result<Option<i64>, (&'static str, &'static str)> {
                if s.trim().is_empty() {
                    Ok(None)
                } else {
                    parse_utc(s)
                        .map(Some)
                        .ok_or((field, "Enter a date and time"))
                }
            };
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        Ok(AuditFilter {
            entity_type: opt(&self.entity_type),
            entity_id: None,
            actor: opt(&self.actor),
            environment: opt(&self.environment),
            from: time(&self.from, "from")?,
            to: time(&self.to, "to")?,
            before: self.before,
            limit: None,
        })
    }
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b':' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    let text = Memo::new(move |_| query.with(FilterText::from_query));
    let page = Resource::new(
        move || text.get().to_filter(),
        |filter| async move {
            match filter {
                Ok(f) => list_audit(f).await,
                Err((field, message)) => Err(crate::AppError::field(field, message)),
            }
        },
    );
    view! {
        <Title text="Audit" />
        <div class="space-y-6">
            <div>
                <h1 class=H1>"Audit"</h1>
                <p class=MUTED>"Every change, who made it and when. The trail cannot be edited or deleted."</p>
            </div>
            <FilterForm current=text />
            <Transition fallback=|| view! { <p class=MUTED>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(p) => {
                            let older = p.next_before.map(|b| FilterText { before: Some(b), ..text.get_untracked() }.to_query());
                            let newest = text.get_untracked().before.map(|_| FilterText { before: None, ..text.get_untracked() }.to_query());
                            view! {
                                <EventList events=p.events />
                                <nav class="flex justify-between" aria-label="Pages">
                                    {newest.map(|href| view! { <a class=BTN_SECONDARY href=href>"← Newest"</a> })}
                                    <span></span>
                                    {older.map(|href| view! { <a class=BTN_SECONDARY href=href data-testid="audit-older">"Older →"</a> })}
                                </nav>
                            }
                            .into_any()
                        }
                        Err(e) => view! { <ErrorNotice error=Signal::stored(Some(e)) /> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn FilterForm(current: Memo<FilterText>) -> impl IntoView {
    let navigate = use_navigate();
    let envs = use_current_env().environments;
    let initial = current.get_untracked();
    let entity_type = RwSignal::new(initial.entity_type);
    let actor = RwSignal::new(initial.actor);
    let environment = RwSignal::new(initial.environment);
    let from = RwSignal::new(initial.from);
    let to = RwSignal::new(initial.to);
    let draft = move || FilterText {
        entity_type: entity_type.get(),
        actor: actor.get(),
        environment: environment.get(),
        from: from.get(),
        to: to.get(),
        before: None,
    };
    // The same rules the server applies, as the user types.
    let problem = Memo::new(move |_| match draft().to_filter() {
        Err((field, message)) => Some((field, message.to_string())),
        Ok(f) => crate::validation::Validate::validate(&f)
            .err()
            .and_then(|e| e.0.into_iter().next())
            .map(|(field, message)| (if field == "to" { "to" } else { "from" }, message)),
    });
    let error_for = move |field: &'static str| {
        move || problem.get().filter(|(f, _)| *f == field).map(|(_, m)| m)
    };
    let select = format!("{INPUT_BASE} w-auto");
    view! {
        <form
            class=format!("{CARD} grid grid-cols-1 gap-3 p-4 sm:grid-cols-2 lg:grid-cols-6")
            aria-label="Filter"
            on:submit=move |ev| {
                ev.prevent_default();
                if problem.get_untracked().is_none() {
                    navigate(&draft().to_query(), Default::default());
                }
            }
        >
            <label class="space-y-1">
                <span class=LABEL>"Entity"</span>
                <select class=select.clone() name="entity_type" prop:value=move || entity_type.get() on:change=move |ev| entity_type.set(event_target_value(&ev))>
                    <option value="" selected=move || entity_type.get().is_empty()>"All"</option>
                    {AUDITED_ENTITIES
                        .iter()
                        .map(|(key, label)| view! { <option value=*key selected=move || entity_type.get() == *key>{*label}</option> })
                        .collect_view()}
                </select>
            </label>
            <label class="space-y-1">
                <span class=LABEL>"Actor"</span>
                <input class=INPUT name="actor" placeholder="email or token" prop:value=move || actor.get() on:input=move |ev| actor.set(event_target_value(&ev)) />
            </label>
            <label class="space-y-1">
                <span class=LABEL>"Environment"</span>
                <select class=select name="environment" prop:value=move || environment.get() on:change=move |ev| environment.set(event_target_value(&ev))>
                    <option value="" selected=move || environment.get().is_empty()>"All"</option>
                    // Inside Suspense so the server renders the same options the browser hydrates.
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            envs.await.unwrap_or_default().into_iter().map(|e| {
                                let key = e.key.clone();
                                view! { <option value=e.key.clone() selected=move || environment.get() == key>{e.name}</option> }
                            }).collect_view()
                        })}
                    </Suspense>
                </select>
            </label>
            <label class="space-y-1">
                <span class=LABEL>"From (UTC)"</span>
                <input class=INPUT type="datetime-local" name="from" prop:value=move || from.get() on:input=move |ev| from.set(event_target_value(&ev))
                    aria-invalid=move || error_for("from")().is_some().to_string() />
                <span class="text-xs text-red-600 dark:text-red-400" role="alert">{error_for("from")}</span>
            </label>
            <label class="space-y-1">
                <span class=LABEL>"To (UTC)"</span>
                <input class=INPUT type="datetime-local" name="to" prop:value=move || to.get() on:input=move |ev| to.set(event_target_value(&ev))
                    aria-invalid=move || error_for("to")().is_some().to_string() />
                <span class="text-xs text-red-600 dark:text-red-400" role="alert">{error_for("to")}</span>
            </label>
            <div class="flex items-end gap-2">
                <button type="submit" class=BTN_PRIMARY disabled=move || problem.get().is_some()>"Apply"</button>
                <a href="/audit" class=BTN_SECONDARY>"Clear"</a>
            </div>
        </form>
    }
}

#[component]
pub fn EventList(events: Vec<AuditEvent>) -> impl IntoView {
    if events.is_empty() {
        return view! { <p class=format!("{CARD} p-6 text-center text-sm text-slate-500")>"No events match."</p> }.into_any();
    }
    view! {
        <ol class=format!("{CARD} divide-y divide-slate-100 dark:divide-slate-800")>
            {events.into_iter().map(|e| view! { <EventItem event=e /> }).collect_view()}
        </ol>
    }
    .into_any()
}

fn show(v: &Option<Value>) -> String {
    match v {
        None => "—".into(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

#[component]
fn EventItem(event: AuditEvent) -> impl IntoView {
    let changes = event.changes();
    let count = changes.len();
    view! {
        <li class="p-4" data-testid="audit-event" data-entity=event.entity_type.clone() data-action=event.action.clone()>
            <div class="flex flex-wrap items-baseline justify-between gap-2">
                <div class="text-sm">
                    <span class="font-medium">{event.actor.name.clone()}</span>
                    " " <span class=BADGE>{event.action.clone()}</span> " "
                    <span class="text-slate-600 dark:text-slate-400">{event.entity_type.replace('_', " ")}</span> " "
                    <span class="font-medium">{event.entity_label.clone()}</span>
                    {event.environment.clone().map(|e| view! { " in " <code class="text-xs">{e}</code> })}
                </div>
                <time class="text-xs text-slate-500">{format_utc(event.at)}</time>
            </div>
            {(count > 0).then(|| view! {
                <details class="mt-2">
                    <summary class="cursor-pointer text-xs text-indigo-600 dark:text-indigo-400">
                        {format!("{count} field{} changed", if count == 1 { "" } else { "s" })}
                    </summary>
                    <div class="mt-2 overflow-x-auto">
                        <table class=TABLE>
                            <thead><tr><th class=TH>"Field"</th><th class=TH>"Before"</th><th class=TH>"After"</th></tr></thead>
                            <tbody>
                                {changes.into_iter().map(|c| view! {
                                    <tr>
                                        <td class=format!("{TD} font-mono text-xs")>{c.path.clone()}</td>
                                        <td class=format!("{TD} text-xs text-red-700 dark:text-red-400 break-all")>{show(&c.before)}</td>
                                        <td class=format!("{TD} text-xs text-emerald-700 dark:text-emerald-400 break-all")>{show(&c.after)}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                </details>
            })}
        </li>
    }
}
