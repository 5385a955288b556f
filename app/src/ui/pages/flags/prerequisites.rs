//! A flag's prerequisites in one environment (other flags that must serve the caller given
//! variants before its rules are tried) and, the other way round, the flags that require it.

use crate::api::{FlagChoices, get_flag};
use crate::flags::{Prerequisite, RelatedFlag, Requirement};
use crate::ui::components::FieldErrorText;
use crate::ui::style::*;
use crate::validation::FieldErrors;
use crate::validation::flags::{PREREQUISITES_MAX, PrerequisiteTarget};
use leptos::prelude::*;
use std::collections::HashMap;

/// What the shared prerequisite check needs about the flags named, from what the page holds: a
/// flag still loading is taken as named (the server checks it on save either way).
pub fn targets(
    prerequisites: &[Prerequisite],
    related: &[RelatedFlag],
    environment: &str,
) -> HashMap<String, PrerequisiteTarget> {
    prerequisites
        .iter()
        .map(|p| {
            let target = match related.iter().find(|r| r.flag.key == p.flag) {
                Some(r) => PrerequisiteTarget {
                    variants: r.flag.variants.iter().map(|v| v.key.clone()).collect(),
                    has_prerequisites: r
                        .environments
                        .iter()
                        .find(|s| s.environment == environment)
                        .is_some_and(|s| !s.prerequisites.is_empty()),
                },
                None => PrerequisiteTarget {
                    variants: p.variants.clone(),
                    has_prerequisites: false,
                },
            };
            (p.flag.clone(), target)
        })
        .collect()
}

/// Loads another flag (definition and settings) so its variants can be chosen and "Try a
/// context" can evaluate it.
fn load_related(key: String, related: RwSignal<Vec<RelatedFlag>>) {
    if related.with_untracked(|r| r.iter().any(|f| f.flag.key == key)) {
        return;
    }
    leptos::task::spawn_local(async move {
        if let Ok(d) = get_flag(key).await {
            related.update(|r| {
                if !r.iter().any(|f| f.flag.key == d.flag.key) {
                    r.push(RelatedFlag {
                        flag: d.flag,
                        environments: d.environments,
                    });
                }
            });
        }
    });
}

#[component]
pub fn PrerequisitesEditor(
    flag_key: String,
    prerequisites: RwSignal<Vec<Prerequisite>>,
    related: RwSignal<Vec<RelatedFlag>>,
    /// The flags that require this one in this environment.
    required_by: Vec<Requirement>,
    errors: Signal<FieldErrors>,
    disabled: Signal<bool>,
) -> impl IntoView {
    let choices = ServerAction::<FlagChoices>::new();
    let picking = RwSignal::new(false);
    let required = !required_by.is_empty();
    let variants_of = move |key: &str| {
        related.with(|r| {
            r.iter()
                .find(|f| f.flag.key == key)
                .map(|f| f.flag.variants.iter().map(|v| v.key.clone()).collect())
        })
    };
    let own_key = StoredValue::new(flag_key.clone());
    let add = Callback::new({
        let flag_key = flag_key.clone();
        move |key: String| {
            if key.is_empty() || key == flag_key {
                return;
            }
            let offered = choices.value().with_untracked(|c| {
                c.as_ref()
                    .and_then(|c| c.as_ref().ok())
                    .and_then(|c| c.iter().find(|f| f.key == key).map(|f| f.variants.clone()))
                    .unwrap_or_default()
            });
            // `on` for a boolean flag, else its first variant: the usual meaning of "requires".
            let first = offered
                .iter()
                .find(|v| *v == "on")
                .or(offered.first())
                .cloned();
            prerequisites.update(|ps| {
                ps.push(Prerequisite {
                    flag: key.clone(),
                    variants: first.into_iter().collect(),
                })
            });
            picking.set(false);
            load_related(key, related);
        }
    });
    view! {
        <section class=format!("{CARD} space-y-3 p-4") aria-label="Prerequisites" data-testid="prerequisites">
            <h3 class="text-sm font-semibold">"Prerequisites"</h3>
            {required.then(|| view! {
                <p class="text-xs text-slate-500 dark:text-slate-400" data-testid="required-by">
                    "Required here by "
                    {required_by.iter().enumerate().map(|(i, r)| view! {
                        {(i > 0).then_some(", ")}
                        <a class=BTN_LINK href=format!("/flags/{}", r.flag)>{r.flag.clone()}</a>
                        " (serving " {r.variants.join(" or ")} ")"
                    }).collect_view()}
                    ", so it cannot have prerequisites of its own."
                </p>
            })}
            {move || prerequisites.with(|p| p.is_empty()).then(|| view! {
                <p class="text-xs text-slate-500 dark:text-slate-400">"None: when on, the rules decide alone."</p>
            })}
            <ul class="space-y-2">
                {move || prerequisites.get().into_iter().enumerate().map(|(i, p)| {
                    let field = format!("prerequisites.{i}");
                    let known: Vec<String> = variants_of(&p.flag).unwrap_or_else(|| p.variants.clone());
                    let flag = p.flag.clone();
                    view! {
                        <li class="flex flex-wrap items-center gap-2 text-sm" data-prerequisite=p.flag.clone()>
                            <span>"Only while "</span>
                            <a class="font-medium text-indigo-700 hover:underline dark:text-indigo-300" href=format!("/flags/{}", p.flag)>{p.flag.clone()}</a>
                            <span>" serves "</span>
                            {known.into_iter().map(|v| {
                                let checked = p.variants.contains(&v);
                                let label = format!("{} serves {v}", p.flag);
                                let v2 = v.clone();
                                view! {
                                    <label class="inline-flex items-center gap-1">
                                        <input type="checkbox" aria-label=label checked=checked disabled=move || disabled.get()
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                let v = v2.clone();
                                                prerequisites.update(|ps| if let Some(p) = ps.get_mut(i) {
                                                    p.variants.retain(|x| *x != v);
                                                    if on { p.variants.push(v); }
                                                });
                                            } />
                                        <code class="text-xs">{v}</code>
                                    </label>
                                }
                            }).collect_view()}
                            <button type="button" class=BTN_LINK aria-label=format!("Remove prerequisite {flag}") disabled=move || disabled.get()
                                on:click=move |_| prerequisites.update(|ps| { if i < ps.len() { ps.remove(i); } })>"×"</button>
                            <FieldErrorText errors paths=vec![format!("{field}.flag"), format!("{field}.variants")] />
                        </li>
                    }
                }).collect_view()}
            </ul>
            <FieldErrorText errors paths=vec!["prerequisites".to_string()] />
            {(!required).then(|| view! {
                <Show when=move || !disabled.get() && prerequisites.with(|p| p.len() < PREREQUISITES_MAX)>
                    {
                        move || if picking.get() {
                            let flag_key = own_key.get_value();
                            view! {
                                <select class=format!("{INPUT_BASE} w-auto") aria-label="Prerequisite flag"
                                    on:change=move |ev| add.run(event_target_value(&ev))>
                                    <option value="">{move || if choices.pending().get() { "Loading flags…" } else { "Choose a flag" }}</option>
                                    {move || choices.value().get().and_then(Result::ok).unwrap_or_default().into_iter()
                                        .filter(|c| c.key != flag_key && !prerequisites.with(|p| p.iter().any(|p| p.flag == c.key)))
                                        .map(|c| view! { <option value=c.key.clone()>{format!("{} ({})", c.name, c.key)}</option> })
                                        .collect_view()}
                                </select>
                            }.into_any()
                        } else {
                            view! {
                                <button type="button" class=BTN_LINK on:click=move |_| {
                                    if choices.value().get_untracked().is_none() {
                                        choices.dispatch(FlagChoices {});
                                    }
                                    picking.set(true);
                                }>"+ Add prerequisite"</button>
                            }.into_any()
                        }
                    }
                </Show>
            })}
        </section>
    }
}
