//! `/config` (sends you to your environment) and `/config/:env`: the namespaces with their live
//! version, gray release and pending draft changes, and a form for a new namespace.

use super::{follow_switcher, may_config};
use crate::api::{CreateNamespace, list_namespaces};
use crate::config::{NamespaceSummary, NewNamespace};
use crate::permissions::Action;
use crate::ui::components::{
    CreatesReleased, EnvironmentRedirect, ListWords, NewReleasedForm, ReleasedList, ReleasedRow,
};
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
        view! { <NewReleasedForm<CreateNamespace> environment done cancel /> }.into_any()
    };
    view! { <ReleasedList words environment load may_create new_form /> }
}

impl CreatesReleased for CreateNamespace {
    const NOUN: &'static str = "namespace";
    const KEY_PLACEHOLDER: &'static str = "checkout";
    const KEY_HINT: &'static str =
        "Lowercase letters, digits, dots, dashes; the same in every environment.";
    type Input = NewNamespace;

    fn input(key: String, description: String, environment: String) -> NewNamespace {
        NewNamespace {
            key,
            description,
            environment,
        }
    }

    fn request(input: NewNamespace) -> Self {
        CreateNamespace { input }
    }

    fn created_key(created: &NamespaceSummary) -> String {
        created.key.clone()
    }
}
