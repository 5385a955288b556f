//! One input per value type: a switch for booleans, number fields with the entry's bounds, a
//! duration field, a JSON editor, and a picker when the entry allows only some values.

use crate::config::{EntryConstraints, ValueType};
use crate::ui::style::*;
use leptos::prelude::*;

#[component]
pub fn ValueInput(
    #[prop(into)] value_type: Signal<ValueType>,
    #[prop(into)] constraints: Signal<EntryConstraints>,
    value: RwSignal<String>,
    /// The accessible name ("Value of retries").
    label: String,
    id: String,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional, into)] disabled: Signal<bool>,
    #[prop(optional)] on_input: Option<Callback<()>>,
) -> impl IntoView {
    let invalid = move || {
        if error.get().is_some() {
            "true"
        } else {
            "false"
        }
    };
    let error_id = format!("{id}-error");
    let touched = move || {
        if let Some(cb) = on_input {
            cb.run(())
        }
    };
    let field = {
        let (label, id, error_id) = (label.clone(), id.clone(), error_id.clone());
        move || {
            let (label, id, error_id) = (label.clone(), id.clone(), error_id.clone());
            let allowed = constraints.with(|c| c.allowed.clone());
            match value_type.get() {
                ValueType::Boolean => view! {
                    <label class="inline-flex items-center gap-2 text-sm">
                        <input
                            type="checkbox"
                            role="switch"
                            id=id
                            aria-label=label
                            class="h-4 w-4 rounded border-slate-300 text-indigo-600 focus:ring-indigo-500"
                            disabled=move || disabled.get()
                            prop:checked=move || value.get() == "true"
                            on:change=move |ev| {
                                value.set(event_target_checked(&ev).to_string());
                                touched();
                            }
                        />
                        <span>{move || if value.get() == "true" { "true" } else { "false" }}</span>
                    </label>
                }
                .into_any(),
                _ if !allowed.is_empty() => view! {
                    <select
                        id=id
                        aria-label=label
                        class=INPUT
                        disabled=move || disabled.get()
                        aria-invalid=invalid
                        aria-describedby=error_id
                        prop:value=move || value.get()
                        on:change=move |ev| {
                            value.set(event_target_value(&ev));
                            touched();
                        }
                    >
                        {(!allowed.contains(&value.get_untracked())).then(|| view! { <option value=value.get_untracked()>{value.get_untracked()}</option> })}
                        {allowed.into_iter().map(|a| view! { <option value=a.clone()>{a.clone()}</option> }).collect_view()}
                    </select>
                }
                .into_any(),
                ValueType::Json => view! {
                    <textarea
                        id=id
                        aria-label=label
                        rows="4"
                        spellcheck="false"
                        class=format!("{INPUT} font-mono text-xs")
                        disabled=move || disabled.get()
                        aria-invalid=invalid
                        aria-describedby=error_id
                        prop:value=move || value.get()
                        on:input=move |ev| {
                            value.set(event_target_value(&ev));
                            touched();
                        }
                    ></textarea>
                }
                .into_any(),
                t => {
                    let numeric = matches!(t, ValueType::Integer | ValueType::Float);
                    let (min, max) = constraints.with(|c| (c.min, c.max));
                    view! {
                        <input
                            id=id
                            aria-label=label
                            type=if numeric { "number" } else { "text" }
                            inputmode=if numeric { "decimal" } else { "text" }
                            step=if t == ValueType::Integer { "1" } else { "any" }
                            min=numeric.then_some(min).flatten().map(|v| v.to_string())
                            max=numeric.then_some(max).flatten().map(|v| v.to_string())
                            placeholder=if t == ValueType::Duration { "30s, 5m, 1h30m" } else { "" }
                            class=INPUT
                            disabled=move || disabled.get()
                            aria-invalid=invalid
                            aria-describedby=error_id
                            prop:value=move || value.get()
                            on:input=move |ev| {
                                value.set(event_target_value(&ev));
                                touched();
                            }
                        />
                    }
                    .into_any()
                }
            }
        }
    };
    view! {
        <div class="space-y-1">
            {field}
            <p id=error_id class="text-xs text-red-600 dark:text-red-400" role="alert" data-field-error="value">
                {move || error.get()}
            </p>
        </div>
    }
}
