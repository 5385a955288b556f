//! Creating a flag.

use super::list::kind_label;
use super::variants::VariantsEditor;
use crate::AppError;
use crate::api::CreateFlag;
use crate::flags::{FlagKind, NewFlag, Variant};
use crate::ui::components::{ErrorNotice, TextField};
use crate::ui::form::Form;
use crate::ui::style::*;
use crate::validation::Validate;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;
use serde_json::json;

/// Variants a new non-boolean flag starts with.
fn starter_variants(kind: FlagKind) -> Vec<Variant> {
    let v = |key: &str, value: serde_json::Value| Variant {
        key: key.into(),
        value,
        description: String::new(),
    };
    match kind {
        FlagKind::Boolean => Variant::boolean_pair(),
        FlagKind::String => vec![
            v("control", json!("control")),
            v("treatment", json!("treatment")),
        ],
        FlagKind::Number => vec![v("low", json!(10)), v("high", json!(100))],
        FlagKind::Json => vec![
            v("default", json!({})),
            v("custom", json!({"enabled": true})),
        ],
    }
}

#[component]
pub fn NewFlagPage() -> impl IntoView {
    let navigate = use_navigate();
    let key = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let tags = RwSignal::new(String::new());
    let owner = RwSignal::new(String::new());
    let kind = RwSignal::new(FlagKind::Boolean);
    let variants = RwSignal::new(Vec::<Variant>::new());
    let input = move || NewFlag {
        key: key.get(),
        name: name.get(),
        description: description.get(),
        tags: tags
            .get()
            .split(',')
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect(),
        owner: owner.get(),
        kind: kind.get(),
        variants: variants.get(),
    };
    let form = Form::new("new-flag", move || input().validate());
    let errors = Signal::derive(move || form.all_errors());
    let action = ServerAction::<CreateFlag>::new();
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| match action.value().get() {
        Some(Ok(flag)) => navigate(&format!("/flags/{}", flag.key), Default::default()),
        Some(Err(e)) => form.refuse(e, error),
        None => {}
    });
    view! {
        <Title text="New flag" />
        <form
            class=format!("{CARD} mx-auto max-w-3xl space-y-4 p-6")
            aria-label="New flag"
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                error.set(None);
                if form.submit() {
                    action.dispatch(CreateFlag { input: input() });
                }
            }
        >
            <h1 class=H1>"New flag"</h1>
            <div class="grid grid-cols-1 gap-4 md:grid-cols-2">
                <TextField form name="key" label="Key" value=key placeholder="checkout-v2" hint="Apps ask for the flag by this key; it cannot change later." />
                <TextField form name="name" label="Name" value=name placeholder="New checkout" />
            </div>
            <TextField form name="description" label="Description" value=description />
            <div class="grid grid-cols-1 gap-4 md:grid-cols-2">
                <TextField form name="tags" label="Tags" value=tags placeholder="checkout, q4" hint="Comma-separated." />
                <TextField form name="owner" label="Owner" value=owner placeholder="payments team" />
            </div>
            <label class="block space-y-1">
                <span class=LABEL>"Kind"</span>
                <select
                    class=format!("{INPUT_BASE} w-auto")
                    name="kind"
                    on:change=move |ev| {
                        let k = FlagKind::parse(&event_target_value(&ev)).unwrap_or(FlagKind::Boolean);
                        kind.set(k);
                        variants.set(if k == FlagKind::Boolean { vec![] } else { starter_variants(k) });
                    }
                >
                    {FlagKind::ALL.into_iter().map(|k| view! { <option value=k.as_str() selected=move || kind.get() == k>{kind_label(k)}</option> }).collect_view()}
                </select>
            </label>
            <fieldset class="space-y-2">
                <legend class=LABEL>"Variants"</legend>
                {move || {
                    let k = kind.get();
                    let initial = variants.get_untracked();
                    view! { <VariantsEditor kind=k initial errors disabled=false on_change=Callback::new(move |vs| { variants.set(vs); form.touch("variants"); }) /> }
                }}
            </fieldset>
            <ErrorNotice error=error />
            <div class="flex gap-2">
                <button type="submit" class=BTN_PRIMARY disabled=move || action.pending().get()>"Create flag"</button>
                <a href="/flags" class=BTN_SECONDARY>"Cancel"</a>
            </div>
        </form>
    }
}
