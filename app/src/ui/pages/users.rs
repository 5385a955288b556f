//! Users (administrators only): create, edit roles per environment, disable, reset password.

use crate::AppError;
use crate::api::{CreateUser, ResetUserPassword, SaveUser, SetUserStatus, list_users};
use crate::domain::{Environment, NewUser, ResetPassword, Role, SetUserDisabled, UpdateUser, User};
use crate::time::format_utc;
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
pub fn UsersPage() -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let users = Resource::new(move || reload.get(), |_| list_users());
    let environments = use_current_env().environments;
    let creating = RwSignal::new(false);
    let editing = RwSignal::new(None::<User>);
    let notice = RwSignal::new(None::<String>);
    let refresh = move || reload.update(|n| *n += 1);

    view! {
        <Title text="Users" />
        <div class="space-y-6">
            <div class="flex flex-wrap items-center justify-between gap-3">
                <div>
                    <h1 class=H1>"Users"</h1>
                    <p class=MUTED>"Who can sign in, and what they may do in each environment."</p>
                </div>
                <button type="button" class=BTN_PRIMARY on:click=move |_| { editing.set(None); creating.set(true); }>
                    "New user"
                </button>
            </div>
            <Notice message=notice />
            <Suspense fallback=|| view! { <p class=MUTED>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let envs = environments.await.unwrap_or_default();
                    let envs_for_new = envs.clone();
                    view! {
                        <Show when=move || creating.get()>
                            <NewUserForm
                                environments=envs_for_new.clone()
                                on_done=Callback::new(move |created: Option<User>| {
                                    creating.set(false);
                                    if let Some(u) = created {
                                        notice.set(Some(format!("Created {}.", u.email)));
                                        refresh();
                                    }
                                })
                            />
                        </Show>
                        {move || editing.get().map(|user| view! {
                            <EditUserPanel
                                user
                                environments=envs.clone()
                                on_change=Callback::new(move |(message, user): (String, Option<User>)| {
                                    notice.set(Some(message));
                                    editing.set(user);
                                    refresh();
                                })
                            />
                        })}
                    }
                })}
            </Suspense>
            <div class=format!("{CARD} relative overflow-x-auto")>
                <Transition fallback=|| view! { <p class="p-4 text-sm text-slate-500">"Loading users…"</p> }>
                    {move || Suspend::new(async move {
                        match users.await {
                            Ok(list) => view! { <UserTable users=list editing creating /> }.into_any(),
                            Err(e) => view! { <div class="p-4"><ErrorNotice error=Signal::stored(Some(e)) /></div> }.into_any(),
                        }
                    })}
                </Transition>
            </div>
        </div>
    }
}

#[component]
fn UserTable(
    users: Vec<User>,
    editing: RwSignal<Option<User>>,
    creating: RwSignal<bool>,
) -> impl IntoView {
    view! {
        <table class=TABLE>
            <thead>
                <tr>
                    <th class=TH>"Name"</th>
                    <th class=TH>"Roles"</th>
                    <th class=TH>"Status"</th>
                    <th class=TH>"Last sign-in"</th>
                    <th class=TH><span class="sr-only">"Actions"</span></th>
                </tr>
            </thead>
            <tbody class="divide-y divide-slate-100 dark:divide-slate-800">
                {users
                    .into_iter()
                    .map(|u| {
                        let row_user = u.clone();
                        view! {
                            <tr data-testid="user-row" data-email=u.email.clone()>
                                <td class=TD>
                                    <div class="font-medium text-slate-900 dark:text-slate-100">{u.name.clone()}</div>
                                    <div class="text-xs text-slate-500">{u.email.clone()}</div>
                                </td>
                                <td class=TD>
                                    <div class="flex flex-wrap gap-1">
                                        {u.admin.then(|| view! { <span class=BADGE_WARN>"administrator"</span> })}
                                        {u.roles
                                            .iter()
                                            .map(|(env, role)| view! { <span class=BADGE>{format!("{env}: {role}")}</span> })
                                            .collect_view()}
                                        {(!u.admin && u.roles.is_empty()).then(|| view! { <span class=MUTED>"no access"</span> })}
                                    </div>
                                </td>
                                <td class=TD>
                                    {if u.disabled {
                                        view! { <span class=BADGE_BAD>"disabled"</span> }.into_any()
                                    } else {
                                        view! { <span class=BADGE_OK>"active"</span> }.into_any()
                                    }}
                                </td>
                                <td class=format!("{TD} whitespace-nowrap text-xs")>
                                    {u.last_login_at.map(format_utc).unwrap_or_else(|| "never".into())}
                                </td>
                                <td class=format!("{TD} text-right")>
                                    <button type="button" class=BTN_LINK on:click=move |_| {
                                        creating.set(false);
                                        editing.set(Some(row_user.clone()));
                                    }>
                                        "Edit"
                                    </button>
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn NewUserForm(environments: Vec<Environment>, on_done: Callback<Option<User>>) -> impl IntoView {
    let email = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let admin = RwSignal::new(false);
    let roles = RwSignal::new(BTreeMap::<String, Role>::new());
    let input = move || NewUser {
        email: email.get(),
        name: name.get(),
        password: password.get(),
        admin: admin.get(),
        roles: roles.get(),
    };
    let form = Form::new("new-user", move || input().validate());
    let action = ServerAction::<CreateUser>::new();
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| match action.value().get() {
        Some(Ok(user)) => on_done.run(Some(user)),
        Some(Err(e)) => form.refuse(e, error),
        None => {}
    });
    view! {
        <form
            class=format!("{CARD} space-y-4 p-4")
            aria-label="New user"
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                error.set(None);
                if form.submit() {
                    action.dispatch(CreateUser { input: input() });
                }
            }
        >
            <h2 class="text-base font-semibold">"New user"</h2>
            <div class="grid grid-cols-1 gap-4 md:grid-cols-3">
                <TextField form name="email" label="Email" value=email kind="email" />
                <TextField form name="name" label="Name" value=name />
                <TextField form name="password" label="Initial password" value=password kind="password" autocomplete="new-password" hint="At least 12 characters. Share it privately." />
            </div>
            <CheckboxField label="Administrator" value=admin hint="Manages users, environments and API tokens; admin in every environment." />
            <RolePicker environments roles id="new-user" />
            <ErrorNotice error=error />
            <div class="flex gap-2">
                <button type="submit" class=BTN_PRIMARY disabled=move || action.pending().get() || form.has_errors().get()>
                    "Create user"
                </button>
                <button type="button" class=BTN_SECONDARY on:click=move |_| on_done.run(None)>"Cancel"</button>
            </div>
        </form>
    }
}

#[component]
fn EditUserPanel(
    user: User,
    environments: Vec<Environment>,
    /// (message, the user as now stored — or None to close the panel)
    on_change: Callback<(String, Option<User>)>,
) -> impl IntoView {
    let id = user.id;
    let version = user.version;
    let email = RwSignal::new(user.email.clone());
    let name = RwSignal::new(user.name.clone());
    let admin = RwSignal::new(user.admin);
    let roles = RwSignal::new(user.roles.clone());
    let input = move || UpdateUser {
        id,
        email: email.get(),
        name: name.get(),
        admin: admin.get(),
        roles: roles.get(),
        version,
    };
    let form = Form::new("edit-user", move || input().validate());
    let save = ServerAction::<SaveUser>::new();
    let toggle = ServerAction::<SetUserStatus>::new();
    let error = RwSignal::new(None::<AppError>);
    let handle = move |result: Option<Result<User, AppError>>, message: &'static str| match result {
        Some(Ok(u)) => on_change.run((format!("{message} {}.", u.email), Some(u))),
        Some(Err(AppError::Conflict { current, .. })) => {
            let fresh = serde_json::from_value::<User>(current).ok();
            on_change.run((
                "Someone else changed this user meanwhile; the form now shows their version."
                    .into(),
                fresh,
            ));
        }
        Some(Err(e)) => form.refuse(e, error),
        None => {}
    };
    Effect::new(move |_| handle(save.value().get(), "Saved"));
    Effect::new(move |_| handle(toggle.value().get(), "Updated"));
    let disabled = user.disabled;
    let label = user.email.clone();
    view! {
        <section class=format!("{CARD} space-y-4 p-4") aria-label="Edit user">
            <div class="flex items-center justify-between">
                <h2 class="text-base font-semibold">"Edit " {label.clone()}</h2>
                <button type="button" class=BTN_LINK on:click=move |_| on_change.run(("Closed.".into(), None))>"Close"</button>
            </div>
            <form
                class="space-y-4"
                novalidate
                on:submit=move |ev| {
                    ev.prevent_default();
                    error.set(None);
                    if form.submit() {
                        save.dispatch(SaveUser { input: input() });
                    }
                }
            >
                <div class="grid grid-cols-1 gap-4 md:grid-cols-2">
                    <TextField form name="email" label="Email" value=email kind="email" />
                    <TextField form name="name" label="Name" value=name />
                </div>
                <CheckboxField label="Administrator" value=admin />
                <p class="text-xs text-red-600 dark:text-red-400" role="alert">{move || form.error("admin").get()}</p>
                <RolePicker environments roles id="edit-user" />
                <ErrorNotice error=error />
                <button type="submit" class=BTN_PRIMARY disabled=move || save.pending().get()>"Save changes"</button>
            </form>
            <div class="flex flex-wrap items-start gap-6 border-t border-slate-200 pt-4 dark:border-slate-800">
                <ConfirmButton
                    label=if disabled { "Enable user" } else { "Disable user" }
                    question=if disabled { format!("Let {label} sign in again?") } else { format!("Sign {label} out everywhere, block sign-in and revoke their admin API tokens? Enabling them later does not restore the tokens.") }
                    class=if disabled { BTN_SECONDARY } else { BTN_DANGER }
                    on_confirm=move |_| {
                        toggle.dispatch(SetUserStatus { input: SetUserDisabled { id, disabled: !disabled, version } });
                    }
                />
                <ResetPasswordForm id version on_done=Callback::new(move |u: User| on_change.run((format!("Password reset for {}; their sessions were ended.", u.email), Some(u)))) />
            </div>
        </section>
    }
}

#[component]
fn ResetPasswordForm(id: i64, version: i64, on_done: Callback<User>) -> impl IntoView {
    let password = RwSignal::new(String::new());
    let input = move || ResetPassword {
        id,
        password: password.get(),
        version,
    };
    let form = Form::new("reset-password", move || input().validate());
    let action = ServerAction::<ResetUserPassword>::new();
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| match action.value().get() {
        Some(Ok(u)) => on_done.run(u),
        Some(Err(e)) => form.refuse(e, error),
        None => {}
    });
    view! {
        <form
            class="flex flex-wrap items-end gap-2"
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                error.set(None);
                if form.submit() {
                    action.dispatch(ResetUserPassword { input: input() });
                }
            }
        >
            <div class="w-64">
                <TextField form name="password" label="New password" value=password kind="password" autocomplete="new-password" />
            </div>
            <button type="submit" class=BTN_SECONDARY disabled=move || action.pending().get()>"Reset password"</button>
            <ErrorNotice error=error />
        </form>
    }
}
