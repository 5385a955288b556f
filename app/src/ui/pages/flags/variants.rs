//! Editing a flag's variants: a key and a value of the flag's type (text, number or JSON).

use crate::flags::{FlagKind, Variant};
use crate::ui::components::FieldErrorText;
use crate::ui::style::{BTN_LINK, INPUT_BASE};
use crate::validation::FieldErrors;
use leptos::prelude::*;
use serde_json::Value;

#[derive(Clone, Debug, PartialEq)]
struct Row {
    id: usize,
    variant: Variant,
    /// The value as typed.
    text: String,
}

fn parse(kind: FlagKind, text: &str) -> Value {
    match kind {
        FlagKind::String => Value::String(text.to_string()),
        FlagKind::Number => text
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        _ => serde_json::from_str(text).unwrap_or(Value::Null),
    }
}

fn show(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        Value::Object(_) | Value::Array(_) => serde_json::to_string_pretty(v).unwrap_or_default(),
        other => other.to_string(),
    }
}

#[component]
pub fn VariantsEditor(
    kind: FlagKind,
    initial: Vec<Variant>,
    on_change: Callback<Vec<Variant>>,
    #[prop(into)] errors: Signal<FieldErrors>,
    #[prop(into)] disabled: Signal<bool>,
) -> impl IntoView {
    if kind == FlagKind::Boolean {
        return view! {
            <p class="text-sm text-slate-600 dark:text-slate-400">"Boolean flags serve "<code>"on"</code>" (true) or "<code>"off"</code>" (false)."</p>
        }
        .into_any();
    }
    let next = StoredValue::new(initial.len());
    let rows = RwSignal::new(
        initial
            .into_iter()
            .enumerate()
            .map(|(i, v)| Row {
                id: i,
                text: show(&v.value),
                variant: v,
            })
            .collect::<Vec<_>>(),
    );
    let emit = move || {
        on_change.run(rows.with_untracked(|r| r.iter().map(|r| r.variant.clone()).collect()))
    };
    let edit = move |row_id: usize, f: &dyn Fn(&mut Row)| {
        rows.update(|rs| {
            if let Some(r) = rs.iter_mut().find(|r| r.id == row_id) {
                f(r);
            }
        });
        emit();
    };
    let position =
        move |row_id: usize| rows.with(|rs| rs.iter().position(|r| r.id == row_id).unwrap_or(0));
    let get = move |row_id: usize, f: fn(&Row) -> String| {
        move || {
            rows.with(|rs| {
                rs.iter()
                    .find(|r| r.id == row_id)
                    .map(f)
                    .unwrap_or_default()
            })
        }
    };
    view! {
        <div class="space-y-2">
            <For each=move || rows.get() key=|r| r.id let:row>
                {
                    let row_id = row.id;
                    let field = move |leaf: &str| format!("variants.{}.{leaf}", position(row_id));
                    let value_input = if kind == FlagKind::Json {
                        view! {
                            <textarea
                                class=format!("{INPUT_BASE} h-20 flex-1 font-mono text-xs")
                                aria-label="Value"
                                placeholder="{\"limit\": 10}"
                                disabled=move || disabled.get()
                                prop:value=get(row_id, |r| r.text.clone())
                                on:input=move |ev| {
                                    let t = event_target_value(&ev);
                                    edit(row_id, &|r| {
                                        r.text = t.clone();
                                        r.variant.value = parse(kind, &t);
                                    });
                                }
                            ></textarea>
                        }
                        .into_any()
                    } else {
                        view! {
                            <input
                                class=format!("{INPUT_BASE} flex-1")
                                aria-label="Value"
                                type=if kind == FlagKind::Number { "number" } else { "text" }
                                step="any"
                                disabled=move || disabled.get()
                                prop:value=get(row_id, |r| r.text.clone())
                                on:input=move |ev| {
                                    let t = event_target_value(&ev);
                                    edit(row_id, &|r| {
                                        r.text = t.clone();
                                        r.variant.value = parse(kind, &t);
                                    });
                                }
                            />
                        }
                        .into_any()
                    };
                    view! {
                        <div class="space-y-1" data-testid="variant-row">
                            <div class="flex flex-wrap items-start gap-2">
                                <input
                                    class=format!("{INPUT_BASE} w-36")
                                    aria-label="Variant key"
                                    placeholder="key"
                                    disabled=move || disabled.get()
                                    prop:value=get(row_id, |r| r.variant.key.clone())
                                    on:input=move |ev| {
                                        let v = event_target_value(&ev);
                                        edit(row_id, &|r| r.variant.key = v.clone());
                                    }
                                />
                                {value_input}
                                <button
                                    type="button"
                                    class=BTN_LINK
                                    disabled=move || disabled.get()
                                    on:click=move |_| {
                                        rows.update(|rs| rs.retain(|r| r.id != row_id));
                                        emit();
                                    }
                                >
                                    "Remove"
                                </button>
                            </div>
                            <FieldErrorText errors paths=Signal::derive(move || vec![field("key"), field("value")]) />
                        </div>
                    }
                }
            </For>
            <FieldErrorText errors paths=vec!["variants".to_string()] />
            <button
                type="button"
                class=BTN_LINK
                disabled=move || disabled.get()
                on:click=move |_| {
                    let id = next.get_value();
                    next.set_value(id + 1);
                    let value = parse(kind, "");
                    rows.update(|rs| rs.push(Row { id, variant: Variant { key: String::new(), value, description: String::new() }, text: String::new() }));
                    emit();
                }
            >
                "+ Add variant"
            </button>
        </div>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_are_read_by_kind() {
        assert_eq!(parse(FlagKind::String, " a "), json!(" a "));
        assert_eq!(parse(FlagKind::Number, "2.5"), json!(2.5));
        assert_eq!(parse(FlagKind::Number, "two"), Value::Null);
        assert_eq!(parse(FlagKind::Json, r#"{"a": 1}"#), json!({"a": 1}));
        assert_eq!(parse(FlagKind::Json, "{oops"), Value::Null);
    }
}
