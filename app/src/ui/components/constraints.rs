//! Rows of constraints (attribute, operator, values, not, ignore case), edited in place. Used by
//! flag rules and by segments.

use super::FieldErrorText;
use crate::flags::{Constraint, Operator};
use crate::ui::style::{BTN_LINK, INPUT_BASE};
use crate::validation::FieldErrors;
use leptos::prelude::*;

/// Attribute names offered while typing (any name may be used).
pub const ATTRIBUTE_SUGGESTIONS: &[&str] = &[
    "userId",
    "targetingKey",
    "sessionId",
    "email",
    "country",
    "plan",
    "version",
    "currentTime",
    "remoteAddress",
    "environment",
    "appName",
];

/// The `<datalist>` the attribute inputs point at; render once per page.
#[component]
pub fn AttributeSuggestions() -> impl IntoView {
    view! {
        <datalist id="attribute-names">
            {ATTRIBUTE_SUGGESTIONS.iter().map(|a| view! { <option value=*a></option> }).collect_view()}
        </datalist>
    }
}

#[derive(Clone, Debug, PartialEq)]
struct Row {
    id: usize,
    constraint: Constraint,
    /// The values as typed: comma-separated for list operators.
    text: String,
}

fn parse_values(operator: Operator, text: &str) -> Vec<String> {
    if operator.is_multi() {
        text.split(',')
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .collect()
    } else if operator == Operator::Regex {
        // Spaces in a pattern are part of what it matches.
        vec![text.to_string()]
    } else {
        vec![text.trim().to_string()]
    }
}

fn placeholder(operator: Operator) -> &'static str {
    match operator {
        Operator::NumEq
        | Operator::NumLt
        | Operator::NumLte
        | Operator::NumGt
        | Operator::NumGte => "42",
        Operator::DateBefore | Operator::DateAfter => "2026-12-31T23:59:00Z",
        Operator::SemverEq
        | Operator::SemverLt
        | Operator::SemverLte
        | Operator::SemverGt
        | Operator::SemverGte => "2.4.0",
        Operator::Regex => "^user-[0-9]+$",
        Operator::InCidr => "10.0.0.0/8, 2001:db8::/32",
        _ => "CA, US (comma-separated)",
    }
}

#[component]
pub fn ConstraintsEditor(
    initial: Vec<Constraint>,
    on_change: Callback<Vec<Constraint>>,
    #[prop(into)] errors: Signal<FieldErrors>,
    /// Error path of the list, e.g. `rules.0.constraints`.
    #[prop(into)]
    path: Signal<String>,
    #[prop(into)] disabled: Signal<bool>,
    /// Element id prefix, unique on the page.
    id: String,
) -> impl IntoView {
    let next = StoredValue::new(initial.len());
    let rows = RwSignal::new(
        initial
            .into_iter()
            .enumerate()
            .map(|(i, c)| Row {
                id: i,
                text: c.values.join(", "),
                constraint: c,
            })
            .collect::<Vec<_>>(),
    );
    let emit = move || {
        on_change.run(rows.with_untracked(|r| r.iter().map(|r| r.constraint.clone()).collect()))
    };
    let edit = move |row_id: usize, f: &dyn Fn(&mut Row)| {
        rows.update(|rs| {
            if let Some(r) = rs.iter_mut().find(|r| r.id == row_id) {
                f(r);
            }
        });
        emit();
    };
    let add = move |_| {
        let id = next.get_value();
        next.set_value(id + 1);
        rows.update(|rs| {
            rs.push(Row {
                id,
                constraint: Constraint {
                    attribute: String::new(),
                    operator: Operator::In,
                    values: vec![],
                    inverted: false,
                    case_insensitive: false,
                },
                text: String::new(),
            })
        });
        emit();
    };
    let position =
        move |row_id: usize| rows.with(|rs| rs.iter().position(|r| r.id == row_id).unwrap_or(0));
    view! {
        <div class="space-y-2">
            <For each=move || rows.get() key=|r| r.id let:row>
                {
                    let row_id = row.id;
                    let dom = format!("{id}-c{row_id}");
                    let operator = move || rows.with(|rs| rs.iter().find(|r| r.id == row_id).map(|r| r.constraint.operator).unwrap_or(Operator::In));
                    let field = move |leaf: &str| format!("{}.{}.{leaf}", path.get(), position(row_id));
                    view! {
                        <div class="space-y-1" data-testid="constraint-row">
                            <div class="flex flex-wrap items-center gap-2">
                                <input
                                    class=format!("{INPUT_BASE} w-40")
                                    aria-label="Attribute"
                                    id=format!("{dom}-attribute")
                                    list="attribute-names"
                                    placeholder="attribute"
                                    disabled=move || disabled.get()
                                    prop:value=move || rows.with(|rs| rs.iter().find(|r| r.id == row_id).map(|r| r.constraint.attribute.clone()).unwrap_or_default())
                                    on:input=move |ev| {
                                        let v = event_target_value(&ev);
                                        edit(row_id, &|r| r.constraint.attribute = v.clone());
                                    }
                                />
                                <select
                                    class=format!("{INPUT_BASE} w-auto")
                                    aria-label="Operator"
                                    disabled=move || disabled.get()
                                    on:change=move |ev| {
                                        let op = Operator::parse(&event_target_value(&ev)).unwrap_or(Operator::In);
                                        edit(row_id, &|r| {
                                            r.constraint.operator = op;
                                            r.constraint.values = parse_values(op, &r.text);
                                        });
                                    }
                                >
                                    {Operator::ALL
                                        .into_iter()
                                        .map(|op| view! { <option value=op.as_str() selected=move || operator() == op>{op.label()}</option> })
                                        .collect_view()}
                                </select>
                                <input
                                    class=format!("{INPUT_BASE} min-w-40 flex-1")
                                    aria-label="Values"
                                    placeholder=move || placeholder(operator())
                                    disabled=move || disabled.get()
                                    prop:value=move || rows.with(|rs| rs.iter().find(|r| r.id == row_id).map(|r| r.text.clone()).unwrap_or_default())
                                    on:input=move |ev| {
                                        let text = event_target_value(&ev);
                                        edit(row_id, &|r| {
                                            r.text = text.clone();
                                            r.constraint.values = parse_values(r.constraint.operator, &text);
                                        });
                                    }
                                />
                                <label class="flex items-center gap-1 text-xs">
                                    <input
                                        type="checkbox"
                                        disabled=move || disabled.get()
                                        prop:checked=move || rows.with(|rs| rs.iter().any(|r| r.id == row_id && r.constraint.inverted))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            edit(row_id, &|r| r.constraint.inverted = on);
                                        }
                                    />
                                    "not"
                                </label>
                                <Show when=move || operator().takes_case()>
                                    <label class="flex items-center gap-1 text-xs">
                                        <input
                                            type="checkbox"
                                            disabled=move || disabled.get()
                                            prop:checked=move || rows.with(|rs| rs.iter().any(|r| r.id == row_id && r.constraint.case_insensitive))
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                edit(row_id, &|r| r.constraint.case_insensitive = on);
                                            }
                                        />
                                        "ignore case"
                                    </label>
                                </Show>
                                <button
                                    type="button"
                                    class=BTN_LINK
                                    aria-label="Remove constraint"
                                    disabled=move || disabled.get()
                                    on:click=move |_| {
                                        rows.update(|rs| rs.retain(|r| r.id != row_id));
                                        emit();
                                    }
                                >
                                    "Remove"
                                </button>
                            </div>
                            <FieldErrorText errors paths=Signal::derive(move || vec![field("attribute"), field("operator"), field("values")]) />
                        </div>
                    }
                }
            </For>
            <button type="button" class=BTN_LINK disabled=move || disabled.get() on:click=add>"+ Add constraint"</button>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_split_for_list_operators_only() {
        assert_eq!(parse_values(Operator::In, "CA, US,, "), vec!["CA", "US"]);
        assert_eq!(parse_values(Operator::NumGt, " 4.5 "), vec!["4.5"]);
        assert_eq!(parse_values(Operator::NumGt, ""), vec![""]);
    }
}
