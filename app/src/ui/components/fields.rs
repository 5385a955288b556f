use crate::ui::form::Form;
use crate::ui::style::{INPUT, LABEL};
use leptos::prelude::*;

/// A labelled input whose error comes from the shared validation rules (and the server).
#[component]
pub fn TextField(
    form: Form,
    /// The field's name in the input struct; errors are keyed by it.
    name: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] placeholder: Option<&'static str>,
    #[prop(optional, into)] disabled: Signal<bool>,
) -> impl IntoView {
    let error = form.error(name);
    let id = format!("{}-{name}", form.id);
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described_by = {
        let (error_id, hint_id) = (error_id.clone(), hint_id.clone());
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if error.get().is_some() {
                ids.push(error_id.clone());
            }
            ids.join(" ")
        }
    };
    view! {
        <div class="space-y-1">
            <label class=LABEL for=id.clone()>{label}</label>
            <input
                id=id.clone()
                name=name
                type=kind
                class=INPUT
                autocomplete=autocomplete
                placeholder=placeholder
                disabled=move || disabled.get()
                aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                aria-describedby=described_by
                prop:value=move || value.get()
                on:input=move |ev| {
                    value.set(event_target_value(&ev));
                    form.touch(name);
                }
                on:blur=move |_| form.touch(name)
            />
            {hint.map(|h| view! { <p id=hint_id class="text-xs text-slate-500 dark:text-slate-400">{h}</p> })}
            <p id=error_id class="text-xs text-red-600 dark:text-red-400" role="alert" data-field-error=name>
                {move || error.get()}
            </p>
        </div>
    }
}

#[component]
pub fn CheckboxField(
    label: &'static str,
    value: RwSignal<bool>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] name: Option<&'static str>,
    #[prop(optional, into)] disabled: Signal<bool>,
) -> impl IntoView {
    view! {
        <label class="flex items-start gap-2 text-sm text-slate-700 dark:text-slate-300">
            <input
                type="checkbox"
                name=name
                class="mt-0.5 h-4 w-4 rounded border-slate-300 text-indigo-600 focus:ring-2 focus:ring-indigo-500 dark:border-slate-600"
                prop:checked=move || value.get()
                disabled=move || disabled.get()
                on:change=move |ev| value.set(event_target_checked(&ev))
            />
            <span>
                <span class="font-medium">{label}</span>
                {hint.map(|h| view! { <span class="block text-xs text-slate-500 dark:text-slate-400">{h}</span> })}
            </span>
        </label>
    }
}
