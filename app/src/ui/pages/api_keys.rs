//! API keys: SDK keys for apps (per environment) and admin tokens for the REST API (CI jobs,
//! scripts). Secrets are shown once.

use crate::AppError;
use crate::api::{CreateApiToken, RevokeToken, list_api_tokens};
use crate::domain::{
    ApiToken, ApiTokenCreated, Environment, NewApiToken, RevokeApiToken, Role,
    TOKEN_EXPIRY_CHOICES, TOKEN_EXPIRY_DEFAULT_DAYS,
};
use crate::permissions::{self, Action};
use crate::time::format_utc;
use crate::ui::auth::use_may;
use crate::ui::components::{
    CheckboxField, ConfirmButton, ErrorNotice, Notice, RolePicker, TextField,
};
use crate::ui::env_pref::use_current_env;
use crate::ui::form::Form;
use crate::ui::style::*;
use crate::validation::Validate;
use leptos::prelude::*;
use leptos_meta::Title;
use std::collections::BTreeMap;

#[component]
pub fn ApiKeysPage() -> impl IntoView {
    let may = use_may();
    let tokens = may(Action::Read, permissions::Resource::AdminTokens);
    view! {
        <Title text="API keys" />
        <div class="space-y-10">
            <h1 class=H1>"API keys"</h1>
            <super::sdk_keys::SdkKeysSection />
            {tokens.then(|| view! { <AdminTokens /> })}
        </div>
    }
}

#[component]
fn AdminTokens() -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let tokens = Resource::new(move || reload.get(), |_| list_api_tokens());
    let environments = use_current_env().environments;
    let created = RwSignal::new(None::<ApiTokenCreated>);
    let notice = RwSignal::new(None::<String>);
    let refresh = move || reload.update(|n| *n += 1);
    view! {
        <section class="space-y-6" aria-label="Admin API tokens">
            <div>
                <h2 class="text-lg font-semibold">"Admin API tokens"</h2>
                <p class=MUTED>
                    "Admin API tokens let CI jobs and scripts call "<code>"/api/admin/v1"</code>" with the roles you give them. "
                    "Send one as "<code>"Authorization: Bearer TOKEN"</code>". The secret is shown once; Switchboard keeps only its hash. "
                    "A token stops working when it expires, and when the person who created it is disabled."
                </p>
            </div>
            <Notice message=notice />
            {move || created.get().map(|c| view! { <RevealSecret name=c.token.name secret=c.secret on_close=Callback::new(move |_| created.set(None)) /> })}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let envs = environments.await.unwrap_or_default();
                    view! {
                        <NewTokenForm environments=envs on_created=Callback::new(move |c: ApiTokenCreated| {
                            created.set(Some(c));
                            refresh();
                        }) />
                    }
                })}
            </Suspense>
            <div class=format!("{CARD} relative overflow-x-auto")>
                <Transition fallback=|| view! { <p class="p-4 text-sm text-slate-500">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match tokens.await {
                            Ok(list) if list.is_empty() => view! { <p class="p-4 text-sm text-slate-500">"No tokens yet."</p> }.into_any(),
                            Ok(list) => view! {
                                <TokenTable tokens=list on_revoked=Callback::new(move |t: ApiToken| {
                                    notice.set(Some(format!("Revoked {}. It no longer works.", t.name)));
                                    refresh();
                                }) />
                            }.into_any(),
                            Err(e) => view! { <div class="p-4"><ErrorNotice error=Signal::stored(Some(e)) /></div> }.into_any(),
                        }
                    })}
                </Transition>
            </div>
        </section>
    }
}

/// A new secret, shown this once.
#[component]
pub fn RevealSecret(name: String, secret: String, on_close: Callback<()>) -> impl IntoView {
    view! {
        <div role="status" class="space-y-2 rounded-md border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950/40 dark:text-amber-200">
            <p class="font-medium">"Copy the secret of " {name} " now. It will not be shown again."</p>
            <code data-testid="new-secret" class="block select-all break-all rounded bg-white px-2 py-1 font-mono text-xs text-slate-900 dark:bg-slate-900 dark:text-slate-100">
                {secret}
            </code>
            <button type="button" class=BTN_SECONDARY on:click=move |_| on_close.run(())>"I have copied it"</button>
        </div>
    }
}

#[component]
fn NewTokenForm(
    environments: Vec<Environment>,
    on_created: Callback<ApiTokenCreated>,
) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let admin = RwSignal::new(false);
    let roles = RwSignal::new(BTreeMap::<String, Role>::new());
    // Days, or None for a token that never expires.
    let expires = RwSignal::new(Some(TOKEN_EXPIRY_DEFAULT_DAYS));
    let input = move || NewApiToken {
        name: name.get(),
        admin: admin.get(),
        roles: roles.get(),
        expires_in_days: expires.get(),
    };
    let form = Form::new("new-token", move || input().validate());
    let action = ServerAction::<CreateApiToken>::new();
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| match action.value().get() {
        Some(Ok(created)) => {
            name.set(String::new());
            admin.set(false);
            roles.set(BTreeMap::new());
            expires.set(Some(TOKEN_EXPIRY_DEFAULT_DAYS));
            form.reset();
            on_created.run(created);
        }
        Some(Err(e)) => form.refuse(e, error),
        None => {}
    });
    view! {
        <form
            class=format!("{CARD} space-y-4 p-4")
            aria-label="New admin token"
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                error.set(None);
                if form.submit() {
                    action.dispatch(CreateApiToken { input: input() });
                }
            }
        >
            <h2 class="text-base font-semibold">"New admin token"</h2>
            <div class="max-w-md">
                <TextField form name="name" label="Name" value=name placeholder="deploy pipeline" />
            </div>
            <div class="max-w-xs space-y-1">
                <label class=LABEL for="new-token-expires">"Expires"</label>
                <select
                    id="new-token-expires"
                    name="expires_in_days"
                    class=INPUT
                    prop:value=move || expires.get().map(|d| d.to_string()).unwrap_or_default()
                    on:change=move |ev| expires.set(event_target_value(&ev).parse().ok())
                >
                    {TOKEN_EXPIRY_CHOICES
                        .into_iter()
                        .map(|days| view! {
                            <option value=days.to_string() selected=move || expires.get() == Some(days)>
                                {format!("in {days} days")}
                            </option>
                        })
                        .collect_view()}
                    <option value="" selected=move || expires.get().is_none()>"Never"</option>
                </select>
                <p class="text-xs text-red-600 dark:text-red-400" role="alert">{move || form.error("expires_in_days").get()}</p>
            </div>
            <CheckboxField label="Administrator" value=admin hint="Can manage users, environments and tokens." />
            <RolePicker environments roles id="new-token" />
            <p class="text-xs text-red-600 dark:text-red-400" role="alert">{move || form.error("roles").get()}</p>
            <ErrorNotice error=error />
            <button type="submit" class=BTN_PRIMARY disabled=move || action.pending().get()>"Create token"</button>
        </form>
    }
}

#[component]
fn TokenTable(tokens: Vec<ApiToken>, on_revoked: Callback<ApiToken>) -> impl IntoView {
    view! {
        <table class=TABLE>
            <thead>
                <tr>
                    <th class=TH>"Name"</th>
                    <th class=TH>"Roles"</th>
                    <th class=TH>"Created"</th>
                    <th class=TH>"Expires"</th>
                    <th class=TH>"Last used"</th>
                    <th class=TH><span class="sr-only">"Actions"</span></th>
                </tr>
            </thead>
            <tbody class="divide-y divide-slate-100 dark:divide-slate-800">
                {tokens.into_iter().map(|t| view! { <TokenRow token=t on_revoked /> }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn TokenRow(token: ApiToken, on_revoked: Callback<ApiToken>) -> impl IntoView {
    let revoke = ServerAction::<RevokeToken>::new();
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| match revoke.value().get() {
        Some(Ok(t)) => on_revoked.run(t),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let (id, version, name) = (token.id, token.version, token.name.clone());
    view! {
        <tr data-testid="token-row">
            <td class=TD>
                <div class="font-medium text-slate-900 dark:text-slate-100">{token.name.clone()}</div>
                <code class="text-xs text-slate-500">{format!("{}…", token.prefix)}</code>
            </td>
            <td class=TD>
                <div class="flex flex-wrap gap-1">
                    {token.admin.then(|| view! { <span class=BADGE_WARN>"administrator"</span> })}
                    {token.roles.iter().map(|(env, role)| view! { <span class=BADGE>{format!("{env}: {role}")}</span> }).collect_view()}
                </div>
            </td>
            <td class=format!("{TD} text-xs")>
                {format_utc(token.created_at)}
                <div class="text-slate-500">"by " {token.created_by.clone()}</div>
                // Made before owners were recorded, by no user we can match: disabling a user cannot stop it.
                {token.created_by_user_id.is_none().then(|| view! {
                    <span class=BADGE_WARN title="Disabling a user does not stop this token; revoke it when it is no longer needed">"no owner"</span>
                })}
            </td>
            <td class=format!("{TD} text-xs whitespace-nowrap")>
                {match token.expires_at {
                    None => view! { <span>"never"</span> }.into_any(),
                    Some(at) if token.expired => view! { <span class=BADGE_BAD title=format_utc(at)>"expired"</span> }.into_any(),
                    Some(at) => view! { <span>{format_utc(at)}</span> }.into_any(),
                }}
            </td>
            <td class=format!("{TD} text-xs whitespace-nowrap")>{token.last_used_at.map(format_utc).unwrap_or_else(|| "never".into())}</td>
            <td class=format!("{TD} text-right")>
                {match token.revoked_at {
                    Some(at) => view! { <span class=BADGE_BAD title=format_utc(at)>"revoked"</span> }.into_any(),
                    None => view! {
                        <ConfirmButton
                            label="Revoke"
                            class=BTN_DANGER
                            question=format!("Revoke {name}? Calls using it fail at once.")
                            on_confirm=move |_| {
                                revoke.dispatch(RevokeToken { input: RevokeApiToken { id, version } });
                            }
                        />
                    }
                    .into_any(),
                }}
                <ErrorNotice error=error />
            </td>
        </tr>
    }
}
