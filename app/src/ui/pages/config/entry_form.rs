//! The full entry form: key, type, value, description and constraints, checked as you type by
//! the same rules the server applies. Adds a new entry or changes an existing one in the draft.

use super::value_input::ValueInput;
use crate::AppError;
use crate::api::SaveEntry;
use crate::config::{Entry, EntryConstraints, SetEntry, ValueType};
use crate::ui::components::ErrorNotice;
use crate::ui::form::Form;
use crate::ui::style::*;
use crate::validation::FieldErrors;
use crate::validation::config::check_entry;
use leptos::prelude::*;

/// The form's text fields, turned into an entry (with the errors of fields that do not parse).
#[derive(Clone, Copy)]
struct Fields {
    key: RwSignal<String>,
    value_type: RwSignal<ValueType>,
    value: RwSignal<String>,
    description: RwSignal<String>,
    min: RwSignal<String>,
    max: RwSignal<String>,
    pattern: RwSignal<String>,
    max_length: RwSignal<String>,
    allowed: RwSignal<String>,
    schema: RwSignal<String>,
    secret: RwSignal<bool>,
    /// A secret's mask as the server showed it: sent back when the value is left empty, which
    /// keeps the stored value (it is never shown, so it cannot be edited in place).
    kept: StoredValue<Option<String>>,
}

impl Fields {
    fn new(entry: &Entry) -> Fields {
        let c = &entry.constraints;
        let t = entry.value_type;
        Fields {
            key: RwSignal::new(entry.key.clone()),
            value_type: RwSignal::new(t),
            value: RwSignal::new(if entry.secret {
                String::new()
            } else {
                entry.value.clone()
            }),
            description: RwSignal::new(entry.description.clone()),
            min: RwSignal::new(c.min.map(|b| t.format_bound(b)).unwrap_or_default()),
            max: RwSignal::new(c.max.map(|b| t.format_bound(b)).unwrap_or_default()),
            pattern: RwSignal::new(c.pattern.clone().unwrap_or_default()),
            max_length: RwSignal::new(c.max_length.map(|n| n.to_string()).unwrap_or_default()),
            allowed: RwSignal::new(c.allowed.join(", ")),
            schema: RwSignal::new(
                c.schema
                    .as_ref()
                    .map(|s| serde_json::to_string_pretty(s).unwrap_or_default())
                    .unwrap_or_default(),
            ),
            secret: RwSignal::new(entry.secret),
            kept: StoredValue::new(entry.secret.then(|| entry.value.clone())),
        }
    }

    fn entry(&self) -> (Entry, FieldErrors) {
        let mut errors = FieldErrors::new();
        let t = self.value_type.get();
        let mut bound = |text: String, field: &str| {
            let text = text.trim().to_string();
            if text.is_empty() {
                return None;
            }
            match t.parse_bound(&text) {
                Ok(b) => Some(b),
                Err(m) => {
                    errors.add(field, m);
                    None
                }
            }
        };
        let min = bound(self.min.get(), "constraints.min");
        let max = bound(self.max.get(), "constraints.max");
        let max_length = match self.max_length.get().trim() {
            "" => None,
            n => match n.parse::<u32>() {
                Ok(n) => Some(n),
                Err(_) => {
                    errors.add("constraints.max_length", "Enter a whole number");
                    None
                }
            },
        };
        let schema = match self.schema.get().trim() {
            "" => None,
            text => match serde_json::from_str(text) {
                Ok(v) => Some(v),
                Err(e) => {
                    errors.add("constraints.schema", format!("Not JSON: {e}"));
                    None
                }
            },
        };
        let secret = self.secret.get();
        let typed = self.value.get();
        let value = match self.kept.get_value() {
            Some(mask) if secret && typed.is_empty() => mask,
            _ => typed,
        };
        let entry = Entry {
            secret,
            key: self.key.get().trim().to_string(),
            value_type: t,
            value,
            description: self.description.get(),
            constraints: EntryConstraints {
                min,
                max,
                pattern: Some(self.pattern.get()).filter(|p| !p.is_empty()),
                max_length,
                allowed: self
                    .allowed
                    .get()
                    .split(',')
                    .map(str::trim)
                    .filter(|a| !a.is_empty())
                    .map(str::to_string)
                    .collect(),
                schema,
            },
        };
        let mut shared = FieldErrors::new();
        check_entry(&entry, &mut shared, "");
        for (field, message) in errors.0 {
            shared.0.insert(field, message);
        }
        (entry, shared)
    }
}

#[component]
pub fn EntryForm(
    environment: String,
    namespace: String,
    /// The entry to change, or a blank one to add.
    entry: Entry,
    /// 0 to add a new key.
    version: i64,
    done: Callback<String>,
    cancel: Callback<()>,
) -> impl IntoView {
    let is_new = version == 0;
    let f = Fields::new(&entry);
    // The shared rules, plus the errors of fields that do not parse into an entry at all.
    let checked = Memo::new(move |_| f.entry());
    let form = Form::new("entry", move || {
        checked.with(|(_, e)| e.clone()).into_result()
    });
    let shown = move |field: &'static str| form.error(field);
    let touch = move |field: &'static str| form.touch(field);
    let save = ServerAction::<SaveEntry>::new();
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| match save.value().get() {
        Some(Ok(saved)) => done.run(format!("Saved {} in the draft.", saved.entry.key)),
        Some(Err(e)) => form.refuse(e, error),
        None => {}
    });
    let id = if is_new {
        "new-entry".to_string()
    } else {
        format!("entry-{}", entry.key)
    };
    let text = move |name: &'static str,
                     label: &'static str,
                     value: RwSignal<String>,
                     placeholder: &'static str,
                     id: String| {
        let error = shown(name);
        let input_id = format!("{id}-{}", name.replace('.', "-"));
        view! {
            <div class="space-y-1">
                <label class=LABEL for=input_id.clone()>{label}</label>
                <input
                    id=input_id
                    class=INPUT
                    placeholder=placeholder
                    aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                    prop:value=move || value.get()
                    on:input=move |ev| {
                        value.set(event_target_value(&ev));
                        touch(name);
                    }
                />
                <p class="text-xs text-red-600 dark:text-red-400" role="alert" data-field-error=name>{move || error.get()}</p>
            </div>
        }
    };
    let numeric = move || f.value_type.get().is_numeric();
    let stringy = move || f.value_type.get() == ValueType::String;
    let json = move || f.value_type.get() == ValueType::Json;
    let (env, ns) = (environment.clone(), namespace.clone());
    view! {
        <form
            class=format!("{CARD} space-y-4 p-4")
            aria-label=if is_new { "New entry".to_string() } else { format!("Entry {}", entry.key) }
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                error.set(None);
                if form.submit() {
                    let entry = checked.with_untracked(|(e, _)| e.clone());
                    save.dispatch(SaveEntry { input: SetEntry { namespace: ns.clone(), environment: env.clone(), entry, version } });
                }
            }
        >
            <h3 class="text-base font-semibold">{if is_new { "New entry".to_string() } else { format!("Edit {}", entry.key) }}</h3>
            <div class="grid grid-cols-1 gap-4 md:grid-cols-3">
                {if is_new {
                    text("key", "Key", f.key, "maxRetries", id.clone()).into_any()
                } else {
                    view! { <div><span class=LABEL>"Key"</span><code class="mt-2 block text-sm">{entry.key.clone()}</code></div> }.into_any()
                }}
                <div class="space-y-1">
                    <label class=LABEL for=format!("{id}-type")>"Type"</label>
                    <select
                        id=format!("{id}-type")
                        class=INPUT
                        prop:value=move || f.value_type.get().as_str()
                        on:change=move |ev| {
                            if let Some(t) = ValueType::parse(&event_target_value(&ev)) {
                                if f.value_type.get_untracked() != t && is_new {
                                    f.value.set(crate::config::blank_entry(t).value);
                                }
                                f.value_type.set(t);
                                touch("value");
                            }
                        }
                    >
                        {ValueType::ALL.iter().map(|t| view! { <option value=t.as_str()>{t.as_str()}</option> }).collect_view()}
                    </select>
                </div>
                <div class="space-y-1">
                    <span class=LABEL>"Value"</span>
                    {let (id, label) = (id.clone(), if is_new { "Value".to_string() } else { format!("Value of {}", entry.key) });
                    move || if f.secret.get() {
                        let error = shown("value");
                        view! {
                            <input
                                id=format!("{id}-value")
                                type="password"
                                autocomplete="off"
                                class=INPUT
                                aria-label=label.clone()
                                placeholder=if f.kept.with_value(Option::is_some) { "Leave empty to keep the current value" } else { "The secret value" }
                                aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                                prop:value=move || f.value.get()
                                on:input=move |ev| { f.value.set(event_target_value(&ev)); touch("value"); }
                            />
                            <p class="text-xs text-red-600 dark:text-red-400" role="alert" data-field-error="value">{move || error.get()}</p>
                        }.into_any()
                    } else {
                        view! {
                            <ValueInput
                                value_type=f.value_type
                                constraints=Signal::derive(move || checked.with(|(e, _)| e.constraints.clone()))
                                value=f.value
                                label=label.clone()
                                id=format!("{id}-value")
                                error=shown("value")
                                on_input=Callback::new(move |_| touch("value"))
                            />
                        }.into_any()
                    }}
                </div>
            </div>
            <div class="space-y-1 text-sm">
                <label class="flex items-center gap-2">
                    <input
                        type="checkbox"
                        id=format!("{id}-secret")
                        aria-describedby=format!("{id}-secret-help")
                        prop:checked=move || f.secret.get()
                        on:change=move |ev| {
                            f.secret.set(event_target_checked(&ev));
                            touch("value");
                        }
                    />
                    "Secret"
                </label>
                // Outside the label: its words would otherwise become the checkbox's name.
                <p id=format!("{id}-secret-help") class="text-xs text-slate-500">"Encrypted at rest, never shown again, and delivered only to the apps allowed to read secrets."</p>
                <p class="text-xs text-red-600 dark:text-red-400" role="alert" data-field-error="secret">{move || shown("secret").get()}</p>
            </div>
            {text("description", "Description", f.description, "What it controls, and who reads it", id.clone())}
            <fieldset class="space-y-3">
                <legend class="text-xs font-medium uppercase tracking-wide text-slate-500">"Constraints (optional)"</legend>
                <div class="grid grid-cols-1 gap-4 md:grid-cols-3">
                    {let id = id.clone(); move || numeric().then(|| view! {
                        {text("constraints.min", "Minimum", f.min, "", id.clone())}
                        {text("constraints.max", "Maximum", f.max, "", id.clone())}
                    })}
                    {let id = id.clone(); move || stringy().then(|| view! {
                        {text("constraints.pattern", "Pattern (regex)", f.pattern, "^[a-z]+$", id.clone())}
                        {text("constraints.max_length", "Maximum length", f.max_length, "", id.clone())}
                    })}
                    {let id = id.clone(); move || (!json()).then(|| text("constraints.allowed", "Allowed values (comma-separated)", f.allowed, "", id.clone()))}
                </div>
                {let id = id.clone(); move || json().then(|| {
                    let error = shown("constraints.schema");
                    view! {
                        <div class="space-y-1">
                            <label class=LABEL for=format!("{id}-schema")>"JSON Schema"</label>
                            <textarea
                                id=format!("{id}-schema")
                                rows="5"
                                spellcheck="false"
                                class=format!("{INPUT} font-mono text-xs")
                                placeholder=r#"{"type": "object", "required": ["url"]}"#
                                prop:value=move || f.schema.get()
                                on:input=move |ev| { f.schema.set(event_target_value(&ev)); touch("constraints.schema"); }
                            ></textarea>
                            <p class="text-xs text-red-600 dark:text-red-400" role="alert" data-field-error="constraints.schema">{move || error.get()}</p>
                        </div>
                    }
                })}
            </fieldset>
            <ErrorNotice error=error />
            <div class="flex gap-2">
                <button type="submit" class=BTN_PRIMARY disabled=move || save.pending().get()>"Save to draft"</button>
                <button type="button" class=BTN_SECONDARY on:click=move |_| cancel.run(())>"Cancel"</button>
            </div>
        </form>
    }
}
