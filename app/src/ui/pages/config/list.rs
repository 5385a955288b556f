//! `/config` (sends you to your environment) and `/config/:env`: the namespaces with their live
//! version, gray release and pending draft changes, and a form for a new namespace.

use super::{follow_switcher, may_config};
use crate::AppError;
use crate::api::{CreateNamespace, list_namespaces};
use crate::config::NewNamespace;
use crate::permissions::Action;
use crate::ui::components::{
    EnvironmentRedirect, ErrorNotice, ListWords, ReleasedList, ReleasedRow, TextField,
};
use crate::ui::form::Form;
use crate::ui::style::*;
use crate::validation::Validate;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ConfigIndexPage() -> impl IntoView {
    view! { <EnvironmentRedirect base="/config" /> }
}

#[component]
pub fn NamespacesPage() -> impl IntoView {
    let params = use_params_map();
    let environment = Memo::new(move |_| params.with(|p| p.get("env").unwrap_or_default()));
    follow_switcher(environment, String::new);
    let words = ListWords {
        title: "Config",
        intro: "Namespaces of typed settings apps read at runtime",
        noun: "namespace",
        count: "Entries",
        base: "/config",
        row_testid: "namespace-row",
    };
    let load = |env: String| async move {
        Ok(list_namespaces(env)
            .await?
            .into_iter()
            .map(|n| ReleasedRow {
                key: n.key,
                description: n.description,
                count: n.entries,
                main_version: n.main_version,
                gray_version: n.gray_version,
                pending: n.pending,
            })
            .collect())
    };
    let may_create = Signal::derive(move || may_config(&environment.get(), Action::Write));
    let new_form = |environment, done, cancel| {
        view! { <NewNamespaceForm environment done cancel /> }.into_any()
    };
    view! { <ReleasedList words environment load may_create new_form /> }
}

#[component]
fn NewNamespaceForm(
    environment: String,
    done: Callback<String>,
    cancel: Callback<()>,
) -> impl IntoView {
    let key = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let input = {
        let environment = environment.clone();
        move || NewNamespace {
            key: key.get(),
            description: description.get(),
            environment: environment.clone(),
        }
    };
    let form = Form::new("namespace", {
        let input = input.clone();
        move || input().validate()
    });
    let create = ServerAction::<CreateNamespace>::new();
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| match create.value().get() {
        Some(Ok(n)) => done.run(n.key),
        Some(Err(e)) => {
            form.absorb(&e);
            error.set(Some(e));
        }
        None => {}
    });
    view! {
        <form
            class=format!("{CARD} space-y-4 p-4")
            aria-label="New namespace"
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                error.set(None);
                if form.submit() {
                    create.dispatch(CreateNamespace { input: input() });
                }
            }
        >
            <div class="grid grid-cols-1 gap-4 md:grid-cols-2">
                <TextField form name="key" label="Key" value=key placeholder="checkout" hint="Lowercase letters, digits, dots, dashes; the same in every environment." />
                <TextField form name="description" label="Description" value=description />
            </div>
            <ErrorNotice error=error />
            <div class="flex gap-2">
                <button type="submit" class=BTN_PRIMARY disabled=move || create.pending().get()>"Create namespace"</button>
                <button type="button" class=BTN_SECONDARY on:click=move |_| cancel.run(())>"Cancel"</button>
            </div>
        </form>
    }
}
