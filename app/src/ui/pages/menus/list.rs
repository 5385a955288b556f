//! `/menus` (sends you to your environment) and `/menus/:env`: the menus with their live version
//! and pending draft changes, and a form for a new menu.

use super::{follow_switcher, may_menus};
use crate::api::{CreateMenu, list_menus};
use crate::menus::{MenuSummary, NewMenu};
use crate::permissions::Action;
use crate::ui::components::{
    CreatesReleased, EnvironmentRedirect, ListWords, NewReleasedForm, ReleasedList, ReleasedRow,
};
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
    let new_form = |environment, done, cancel| {
        view! { <NewReleasedForm<CreateMenu> environment done cancel /> }.into_any()
    };
    view! { <ReleasedList words environment load may_create new_form /> }
}

impl CreatesReleased for CreateMenu {
    const NOUN: &'static str = "menu";
    const KEY_PLACEHOLDER: &'static str = "web-main";
    const KEY_HINT: &'static str = "What apps ask for; the same in every environment.";
    type Input = NewMenu;

    fn input(key: String, description: String, environment: String) -> NewMenu {
        NewMenu {
            key,
            description,
            environment,
        }
    }

    fn request(input: NewMenu) -> Self {
        CreateMenu { input }
    }

    fn created_key(created: &MenuSummary) -> String {
        created.key.clone()
    }
}
