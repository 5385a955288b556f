//! Environments: everyone sees those they work in; administrators add, rename, protect, delete.

use crate::AppError;
use crate::api::{CreateEnvironment, RemoveEnvironment, SaveEnvironment};
use crate::domain::{DeleteEnvironment, Environment, NewEnvironment, UpdateEnvironment};
use crate::permissions::{self, Action};
use crate::ui::auth::use_may;
use crate::ui::components::{CheckboxField, ConfirmButton, ErrorNotice, Notice, TextField};
use crate::ui::env_pref::use_current_env;
use crate::ui::form::Form;
use crate::ui::style::*;
use crate::validation::Validate;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn EnvironmentsPage() -> impl IntoView {
    let may = use_may();
    let manage = may(Action::Write, permissions::Resource::Environments);
    let current = use_current_env();
    let environments = current.environments;
    let notice = RwSignal::new(None::<String>);
    let on_change = Callback::new(move |message: String| {
        notice.set(Some(message));
        current.reload();
    });
    view! {
        <Title text="Environments" />
        <div class="space-y-6">
            <div>
                <h1 class=H1>"Environments"</h1>
                <p class=MUTED>
                    "Each environment has its own flags, config and menus. Changes to protected environments ask for confirmation and a publisher."
                </p>
            </div>
            <Notice message=notice />
            {manage.then(|| view! { <NewEnvironmentForm on_change /> })}
            <Transition fallback=|| view! { <p class=MUTED>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match environments.await {
                        Ok(list) => view! {
                            <ul class="space-y-3">
                                {list
                                    .into_iter()
                                    .map(|env| view! { <EnvironmentRow env manage on_change /> })
                                    .collect_view()}
                            </ul>
                        }
                        .into_any(),
                        Err(e) => view! { <ErrorNotice error=Signal::stored(Some(e)) /> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn NewEnvironmentForm(on_change: Callback<String>) -> impl IntoView {
    let key = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let protected = RwSignal::new(false);
    let input = move || NewEnvironment {
        key: key.get(),
        name: name.get(),
        protected: protected.get(),
    };
    let form = Form::new("new-env", move || input().validate());
    let action = ServerAction::<CreateEnvironment>::new();
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| match action.value().get() {
        Some(Ok(env)) => {
            key.set(String::new());
            name.set(String::new());
            protected.set(false);
            form.reset();
            on_change.run(format!("Created {}.", env.name));
        }
        Some(Err(e)) => form.refuse(e, error),
        None => {}
    });
    view! {
        <form
            class=format!("{CARD} space-y-4 p-4")
            aria-label="New environment"
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                error.set(None);
                if form.submit() {
                    action.dispatch(CreateEnvironment { input: input() });
                }
            }
        >
            <h2 class="text-base font-semibold">"New environment"</h2>
            <div class="grid grid-cols-1 gap-4 md:grid-cols-2">
                <TextField form name="key" label="Key" value=key placeholder="qa" hint="Used in URLs and APIs; cannot change later." />
                <TextField form name="name" label="Name" value=name placeholder="QA" />
            </div>
            <CheckboxField label="Protected" value=protected hint="Flag changes need a publisher and ask for confirmation." />
            <ErrorNotice error=error />
            <button type="submit" class=BTN_PRIMARY disabled=move || action.pending().get()>"Create environment"</button>
        </form>
    }
}

#[component]
fn EnvironmentRow(env: Environment, manage: bool, on_change: Callback<String>) -> impl IntoView {
    let editing = RwSignal::new(false);
    let summary = env.clone();
    let key = env.key.clone();
    view! {
        <li class=format!("{CARD} p-4") data-testid="environment-row" data-key=key>
            <Show
                when=move || editing.get()
                fallback=move || {
                    let env = summary.clone();
                    view! {
                        <div class="flex flex-wrap items-center justify-between gap-3">
                            <div>
                                <div class="flex items-center gap-2">
                                    <span class="font-medium">{env.name.clone()}</span>
                                    <code class="text-xs text-slate-500">{env.key.clone()}</code>
                                    {env.protected.then(|| view! { <span class=BADGE_WARN>"protected"</span> })}
                                </div>
                            </div>
                            {manage.then(|| view! {
                                <button type="button" class=BTN_SECONDARY on:click=move |_| editing.set(true)>"Edit"</button>
                            })}
                        </div>
                    }
                }
            >
                {view! { <EditEnvironment env=env.clone() editing on_change /> }.into_any()}
            </Show>
        </li>
    }
}

#[component]
fn EditEnvironment(
    env: Environment,
    editing: RwSignal<bool>,
    on_change: Callback<String>,
) -> impl IntoView {
    let key = env.key.clone();
    let version = env.version;
    let name = RwSignal::new(env.name.clone());
    let protected = RwSignal::new(env.protected);
    let input = {
        let key = key.clone();
        move || UpdateEnvironment {
            key: key.clone(),
            name: name.get(),
            protected: protected.get(),
            version,
        }
    };
    let form = Form::new("edit-env", {
        let input = input.clone();
        move || input().validate()
    });
    let save = ServerAction::<SaveEnvironment>::new();
    let delete = ServerAction::<RemoveEnvironment>::new();
    let error = RwSignal::new(None::<AppError>);
    let fail = move |e: AppError| {
        if let AppError::Conflict { .. } = e {
            editing.set(false);
            on_change.run(
                "Someone else changed this environment meanwhile; showing their version.".into(),
            );
        } else {
            form.refuse(e, error);
        }
    };
    Effect::new(move |_| match save.value().get() {
        Some(Ok(env)) => {
            editing.set(false);
            on_change.run(format!("Saved {}.", env.name));
        }
        Some(Err(e)) => fail(e),
        None => {}
    });
    Effect::new(move |_| match delete.value().get() {
        Some(Ok(())) => on_change.run("Environment deleted.".into()),
        Some(Err(e)) => fail(e),
        None => {}
    });
    let delete_key = key.clone();
    view! {
        <form
            class="space-y-4"
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                error.set(None);
                if form.submit() {
                    save.dispatch(SaveEnvironment { input: input() });
                }
            }
        >
            <div class="flex items-center gap-2">
                <code class="text-xs text-slate-500">{key.clone()}</code>
            </div>
            <TextField form name="name" label="Name" value=name />
            <CheckboxField label="Protected" value=protected />
            <ErrorNotice error=error />
            <div class="flex flex-wrap items-center gap-2">
                <button type="submit" class=BTN_PRIMARY disabled=move || save.pending().get()>"Save"</button>
                <button type="button" class=BTN_SECONDARY on:click=move |_| editing.set(false)>"Cancel"</button>
                <span class="flex-1"></span>
                <ConfirmButton
                    label="Delete"
                    class=BTN_DANGER
                    disabled=env.protected
                    question=format!("Delete {} and every role in it?", env.name)
                    on_confirm=move |_| {
                        delete.dispatch(RemoveEnvironment { input: DeleteEnvironment { key: delete_key.clone(), version } });
                    }
                />
            </div>
        </form>
    }
}
