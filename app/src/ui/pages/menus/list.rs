//! `/menus` (sends you to your environment) and `/menus/:env`: the menus with their live version
//! and pending draft changes, and a form for a new menu.

use super::{follow_switcher, may_menus};
use crate::AppError;
use crate::api::{CreateMenu, list_menus};
use crate::menus::NewMenu;
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
pub fn MenusIndexPage() -> impl IntoView {
    view! { <EnvironmentRedirect base="/menus" /> }
}

#[component]
pub fn MenusPage() -> impl IntoView {
    let params = use_params_map();
    let environment = Memo::new(move |_| params.with(|p| p.get("env").unwrap_or_default()));
    follow_switcher(environment, String::new);
    let words = ListWords {
        title: "Menus",
        intro: "Navigation trees apps fetch already filtered for each user",
        noun: "menu",
        count: "Items",
        base: "/menus",
        row_testid: "menu-row",
    };
    let load = |env: String| async move {
        Ok(list_menus(env)
            .await?
            .into_iter()
            .map(|m| ReleasedRow {
                key: m.key,
                description: m.description,
                count: m.items,
                main_version: m.main_version,
                gray_version: None,
                pending: m.pending,
            })
            .collect())
    };
    let may_create = Signal::derive(move || may_menus(&environment.get(), Action::Write));
    let new_form =
        |environment, done, cancel| view! { <NewMenuForm environment done cancel /> }.into_any();
    view! { <ReleasedList words environment load may_create new_form /> }
}

#[component]
fn NewMenuForm(environment: String, done: Callback<String>, cancel: Callback<()>) -> impl IntoView {
    let key = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let input = move || NewMenu {
        key: key.get(),
        description: description.get(),
        environment: environment.clone(),
    };
    let form = Form::new("menu", {
        let input = input.clone();
        move || input().validate()
    });
    let create = ServerAction::<CreateMenu>::new();
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| match create.value().get() {
        Some(Ok(m)) => done.run(m.key),
        Some(Err(e)) => {
            form.absorb(&e);
            error.set(Some(e));
        }
        None => {}
    });
    view! {
        <form
            class=format!("{CARD} space-y-4 p-4")
            aria-label="New menu"
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                error.set(None);
                if form.submit() {
                    create.dispatch(CreateMenu { input: input() });
                }
            }
        >
            <div class="grid grid-cols-1 gap-4 md:grid-cols-2">
                <TextField form name="key" label="Key" value=key placeholder="web-main" hint="What apps ask for; the same in every environment." />
                <TextField form name="description" label="Description" value=description />
            </div>
            <ErrorNotice error=error />
            <div class="flex gap-2">
                <button type="submit" class=BTN_PRIMARY disabled=move || create.pending().get()>"Create menu"</button>
                <button type="button" class=BTN_SECONDARY on:click=move |_| cancel.run(())>"Cancel"</button>
            </div>
        </form>
    }
}
