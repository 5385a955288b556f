//! A flag's definition, shared by every environment: name, description, tags, owner, variants.

use super::variants::VariantsEditor;
use crate::AppError;
use crate::api::SaveFlag;
use crate::flags::{Flag, UpdateFlag, Variant};
use crate::ui::components::{ErrorNotice, TextField};
use crate::ui::form::Form;
use crate::ui::style::*;
use leptos::prelude::*;

#[component]
pub fn DefinitionEditor(flag: Flag, can_write: bool, on_saved: Callback<String>) -> impl IntoView {
    let key = flag.key.clone();
    let kind = flag.kind;
    let version = flag.version;
    let name = RwSignal::new(flag.name.clone());
    let description = RwSignal::new(flag.description.clone());
    let tags = RwSignal::new(flag.tags.join(", "));
    let owner = RwSignal::new(flag.owner.clone());
    let variants = RwSignal::new(flag.variants.clone());
    let input = move || UpdateFlag {
        key: key.clone(),
        name: name.get(),
        description: description.get(),
        tags: tags
            .get()
            .split(',')
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect(),
        owner: owner.get(),
        variants: variants.get(),
        version,
    };
    let form = Form::new("flag-definition", {
        let input = input.clone();
        move || input().validate_for(kind)
    });
    let errors = Signal::derive(move || form.all_errors());
    let action = ServerAction::<SaveFlag>::new();
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| match action.value().get() {
        Some(Ok(_)) => on_saved.run("Definition saved.".into()),
        Some(Err(AppError::Conflict { .. })) => {
            on_saved.run("Someone else changed this flag meanwhile; here is their version.".into())
        }
        Some(Err(e)) => form.refuse(e, error),
        None => {}
    });
    let disabled = Signal::stored(!can_write);
    view! {
        <form
            class="space-y-4"
            aria-label="Flag definition"
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                error.set(None);
                if form.submit() {
                    action.dispatch(SaveFlag { input: input() });
                }
            }
        >
            <div class="grid grid-cols-1 gap-4 md:grid-cols-2">
                <TextField form name="name" label="Name" value=name disabled />
                <TextField form name="owner" label="Owner" value=owner disabled />
            </div>
            <TextField form name="description" label="Description" value=description disabled />
            <TextField form name="tags" label="Tags" value=tags hint="Comma-separated." disabled />
            <fieldset class="space-y-2">
                <legend class=LABEL>"Variants"</legend>
                <VariantsEditor kind initial=flag.variants.clone() errors disabled on_change=Callback::new(move |vs: Vec<Variant>| { variants.set(vs); form.touch("variants"); }) />
            </fieldset>
            <ErrorNotice error=error />
            {can_write.then(|| view! { <button type="submit" class=BTN_PRIMARY disabled=move || action.pending().get()>"Save definition"</button> })}
        </form>
    }
}
