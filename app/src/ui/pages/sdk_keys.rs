//! SDK keys of the current environment: what apps send to the delivery APIs (OFREP).

use super::api_keys::RevealSecret;
use crate::AppError;
use crate::api::{CreateSdkKey, RevokeKey, list_sdk_keys};
use crate::domain::{KeyScope, NewSdkKey, RevokeSdkKey, SdkKey, SdkKeyListing};
use crate::time::format_utc;
use crate::ui::components::{ConfirmButton, ErrorNotice, Notice, TextField};
use crate::ui::env_pref::{env_from_query, use_current_env};
use crate::ui::form::Form;
use crate::ui::style::*;
use crate::validation::Validate;
use leptos::prelude::*;

/// A comma-separated list as typed; empty means no limit.
fn listed(text: &str) -> Option<Vec<String>> {
    let list: Vec<String> = text
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    (!list.is_empty()).then_some(list)
}

/// What a key may read, in a few words.
fn describe(scope: &KeyScope) -> String {
    let list = |l: &Option<Vec<String>>, all: &str| match l {
        Some(l) => l.join(", "),
        None => all.to_string(),
    };
    format!(
        "Config: {} · Menus: {} · Secrets: {}",
        list(&scope.namespaces, "all namespaces"),
        list(&scope.menus, "all"),
        if scope.read_secrets { "yes" } else { "no" }
    )
}

#[component]
pub fn SdkKeysSection() -> impl IntoView {
    let current = use_current_env();
    let named = env_from_query();
    let reload = RwSignal::new(0u32);
    // The new secret outlives the list below, which is rebuilt when the keys reload.
    let created = RwSignal::new(None::<(String, String)>);
    // Created here, not inside a Suspend, so the browser picks up the server's answer; one server
    // function, called directly, so it runs with the page's context during server rendering.
    let listing = Resource::new(
        move || (named.get(), current.chosen.get(), reload.get()),
        |(named, remembered, _)| list_sdk_keys(named, remembered),
    );
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match listing.await {
                    Ok(SdkKeyListing { environment, keys: Some(list) }) => {
                        view! { <SdkKeys environment list reload created /> }.into_any()
                    }
                    Ok(SdkKeyListing { environment, keys: None }) => view! {
                        <p class=MUTED>{format!("SDK keys of {} are managed by its admins.", environment.name)}</p>
                    }.into_any(),
                    Err(e) => view! { <ErrorNotice error=Signal::stored(Some(e)) /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SdkKeys(
    environment: crate::domain::Environment,
    list: Vec<SdkKey>,
    reload: RwSignal<u32>,
    created: RwSignal<Option<(String, String)>>,
) -> impl IntoView {
    let env_key = environment.key.clone();
    let name = RwSignal::new(String::new());
    let read_secrets = RwSignal::new(false);
    let namespaces = RwSignal::new(String::new());
    let menus = RwSignal::new(String::new());
    let input = {
        let env_key = env_key.clone();
        move || NewSdkKey {
            environment: env_key.clone(),
            name: name.get(),
            scope: KeyScope {
                read_secrets: read_secrets.get(),
                namespaces: listed(&namespaces.get()),
                menus: listed(&menus.get()),
            },
        }
    };
    let form = Form::new("new-sdk-key", {
        let input = input.clone();
        move || input().validate()
    });
    let create = ServerAction::<CreateSdkKey>::new();
    let error = RwSignal::new(None::<AppError>);
    let notice = RwSignal::new(None::<String>);
    Effect::new(move |_| match create.value().get() {
        Some(Ok(c)) => {
            created.set(Some((c.key.name.clone(), c.secret.clone())));
            name.set(String::new());
            read_secrets.set(false);
            namespaces.set(String::new());
            menus.set(String::new());
            form.reset();
            reload.update(|n| *n += 1);
        }
        Some(Err(e)) => form.refuse(e, error),
        None => {}
    });
    let base = "OFREP: POST /ofrep/v1/evaluate/flags/{key} with Authorization: Bearer KEY";
    view! {
        <section class="space-y-4" aria-label="SDK keys">
            <div>
                <h2 class="text-lg font-semibold">{format!("SDK keys of {}", environment.name)}</h2>
                <p class=MUTED>"Apps send one to evaluate flags. " <code>{base}</code> ". Switch environments above for their keys."</p>
            </div>
            <Notice message=notice />
            {move || created.get().map(|(n, s)| view! { <RevealSecret name=n secret=s on_close=Callback::new(move |_| created.set(None)) /> })}
            <form
                class=format!("{CARD} flex flex-wrap items-end gap-3 p-4")
                aria-label="New SDK key"
                novalidate
                on:submit=move |ev| {
                    ev.prevent_default();
                    error.set(None);
                    if form.submit() {
                        create.dispatch(CreateSdkKey { input: input() });
                    }
                }
            >
                <div class="min-w-48 flex-1">
                    <TextField form name="name" label="Key name" value=name placeholder="web app" />
                </div>
                <div class="min-w-48 flex-1">
                    <TextField form name="namespaces" label="Config namespaces (comma-separated; empty: all)" value=namespaces placeholder="checkout, payments" />
                </div>
                <div class="min-w-48 flex-1">
                    <TextField form name="menus" label="Menus (comma-separated; empty: all)" value=menus placeholder="main" />
                </div>
                <label class="flex items-center gap-2 text-sm">
                    <input type="checkbox" prop:checked=move || read_secrets.get() on:change=move |ev| read_secrets.set(event_target_checked(&ev)) />
                    "Can read secret config values"
                </label>
                <button type="submit" class=BTN_PRIMARY disabled=move || create.pending().get()>"Create SDK key"</button>
                <ErrorNotice error=error />
            </form>
            <div class=format!("{CARD} relative overflow-x-auto")>
                {if list.is_empty() {
                    view! { <p class="p-4 text-sm text-slate-500">"No SDK keys yet."</p> }.into_any()
                } else {
                    view! {
                        <table class=TABLE>
                            <thead><tr><th class=TH>"Name"</th><th class=TH>"Created"</th><th class=TH>"Last used"</th><th class=TH><span class="sr-only">"Actions"</span></th></tr></thead>
                            <tbody class="divide-y divide-slate-100 dark:divide-slate-800">
                                {list.into_iter().map(|k| view! { <KeyRow key=k notice reload /> }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }}
            </div>
        </section>
    }
}

#[component]
fn KeyRow(key: SdkKey, notice: RwSignal<Option<String>>, reload: RwSignal<u32>) -> impl IntoView {
    let revoke = ServerAction::<RevokeKey>::new();
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| match revoke.value().get() {
        Some(Ok(k)) => {
            notice.set(Some(format!(
                "Revoked {}. Apps using it are refused now.",
                k.name
            )));
            reload.update(|n| *n += 1);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let (id, version, env, name) = (
        key.id,
        key.version,
        key.environment.clone(),
        key.name.clone(),
    );
    view! {
        <tr data-testid="sdk-key-row">
            <td class=TD>
                <div class="font-medium text-slate-900 dark:text-slate-100">{key.name.clone()}</div>
                <code class="text-xs text-slate-500">{format!("{}…", key.prefix)}</code>
                <div class="text-xs text-slate-500" data-testid="sdk-key-scope">{describe(&key.scope)}</div>
            </td>
            <td class=format!("{TD} text-xs")>{format_utc(key.created_at)}<div class="text-slate-500">"by " {key.created_by.clone()}</div></td>
            <td class=format!("{TD} whitespace-nowrap text-xs")>{key.last_used_at.map(format_utc).unwrap_or_else(|| "never".into())}</td>
            <td class=format!("{TD} text-right")>
                {match key.revoked_at {
                    Some(at) => view! { <span class=BADGE_BAD title=format_utc(at)>"revoked"</span> }.into_any(),
                    None => view! {
                        <ConfirmButton
                            label="Revoke"
                            class=BTN_DANGER
                            question=format!("Revoke {name}? Apps using it are refused at once.")
                            on_confirm=move |_| { revoke.dispatch(RevokeKey { input: RevokeSdkKey { environment: env.clone(), id, version } }); }
                        />
                    }.into_any(),
                }}
                <ErrorNotice error=error />
            </td>
        </tr>
    }
}
