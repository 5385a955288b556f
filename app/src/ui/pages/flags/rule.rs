//! One targeting rule: constraints, segments, an optional sticky rollout, and what it serves.

use super::split::SplitEditor;
use crate::flags::{DEFAULT_STICKINESS, Rollout, Rule, Segment, Serve, Split, Variant, Weighted};
use crate::ui::components::{ConstraintsEditor, FieldErrorText};
use crate::ui::style::*;
use crate::validation::FieldErrors;
use leptos::prelude::*;

#[component]
pub fn RuleEditor(
    initial: Rule,
    #[prop(into)] index: Signal<usize>,
    #[prop(into)] count: Signal<usize>,
    variants: Vec<Variant>,
    segments: Vec<Segment>,
    #[prop(into)] errors: Signal<FieldErrors>,
    #[prop(into)] disabled: Signal<bool>,
    on_change: Callback<Rule>,
    on_remove: Callback<()>,
    on_move: Callback<i32>,
) -> impl IntoView {
    let dom = format!("rule-{}", initial.id);
    let rule = RwSignal::new(initial.clone());
    let edit = move |f: &dyn Fn(&mut Rule)| {
        rule.update(|r| f(r));
        on_change.run(rule.get_untracked());
    };
    let path = move || format!("rules.{}", index.get());
    let variant_keys: Vec<String> = variants.iter().map(|v| v.key.clone()).collect();
    let first_variant = variant_keys
        .iter()
        .find(|k| *k != "off")
        .or(variant_keys.first())
        .cloned()
        .unwrap_or_default();
    let keys = StoredValue::new(variant_keys);
    let splitting = move || rule.with(|r| matches!(r.serve, Serve::Split(_)));
    let rollout_on = move || rule.with(|r| r.rollout.is_some());
    let initial_split = match &initial.serve {
        Serve::Split(s) => s.clone(),
        Serve::Variant { variant } => Split {
            total: 1000,
            variants: vec![Weighted {
                variant: variant.clone(),
                weight: 1000,
            }],
            stickiness: None,
            group_id: None,
        },
    };
    let split_variants = variants.clone();
    view! {
        <section class=format!("{CARD} space-y-3 p-4") data-testid="rule" aria-label=move || format!("Rule {}", index.get() + 1)>
            <div class="flex flex-wrap items-center gap-2">
                <span class="text-sm font-semibold">{move || format!("Rule {}", index.get() + 1)}</span>
                <input
                    class=format!("{INPUT_BASE} w-auto flex-1")
                    aria-label="Rule name"
                    placeholder="name (optional)"
                    disabled=move || disabled.get()
                    prop:value=move || rule.with(|r| r.name.clone())
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        edit(&|r| r.name = v.clone());
                    }
                />
                <button type="button" class=BTN_LINK aria-label="Move rule up" disabled=move || disabled.get() || index.get() == 0 on:click=move |_| on_move.run(-1)>"↑"</button>
                <button type="button" class=BTN_LINK aria-label="Move rule down" disabled={move || disabled.get() || index.get() + 1 >= count.get()} on:click=move |_| on_move.run(1)>"↓"</button>
                <button type="button" class=BTN_LINK disabled=move || disabled.get() on:click=move |_| on_remove.run(())>"Remove rule"</button>
            </div>
            <FieldErrorText errors paths=Signal::derive(move || vec![format!("{}.id", path()), format!("{}.name", path())]) />
            <div class="space-y-1">
                <p class="text-xs font-medium uppercase tracking-wide text-slate-500">"If all of these hold"</p>
                <ConstraintsEditor
                    initial=initial.constraints.clone()
                    on_change=Callback::new(move |cs: Vec<crate::flags::Constraint>| edit(&|r| r.constraints = cs.clone()))
                    errors
                    path=Signal::derive(move || format!("{}.constraints", path()))
                    disabled
                    id=dom.clone()
                />
            </div>
            {(!segments.is_empty()).then(|| {
                view! {
                    <fieldset class="space-y-1">
                        <legend class="text-xs font-medium uppercase tracking-wide text-slate-500">"And the caller is in every chosen segment"</legend>
                        <div class="flex flex-wrap gap-3">
                            {segments.iter().map(|s| {
                                let key = s.key.clone();
                                let key2 = key.clone();
                                view! {
                                    <label class="flex items-center gap-1 text-sm">
                                        <input
                                            type="checkbox"
                                            disabled=move || disabled.get()
                                            prop:checked=move || rule.with(|r| r.segments.contains(&key))
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                edit(&|r| {
                                                    r.segments.retain(|s| s != &key2);
                                                    if on { r.segments.push(key2.clone()); }
                                                });
                                            }
                                        />
                                        {s.name.clone()}
                                    </label>
                                }
                            }).collect_view()}
                        </div>
                        <FieldErrorText errors paths=Signal::derive(move || (0..rule.with(|r| r.segments.len())).map(|j| format!("{}.segments.{j}", path())).collect::<Vec<_>>()) />
                    </fieldset>
                }
            })}
            <div class="space-y-2">
                <label class="flex items-center gap-2 text-sm">
                    <input
                        type="checkbox"
                        aria-label="Percentage rollout"
                        disabled=move || disabled.get()
                        prop:checked=rollout_on
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            edit(&|r| r.rollout = on.then(|| Rollout::percent(100)));
                        }
                    />
                    "Only a sticky percentage of them"
                </label>
                <Show when=rollout_on>
                    <div class="flex flex-wrap items-center gap-3 pl-6">
                        <input
                            type="range"
                            min="0"
                            max="100"
                            aria-label="Rollout percentage"
                            class="w-48 accent-indigo-600"
                            disabled=move || disabled.get()
                            prop:value=move || rule.with(|r| r.rollout.as_ref().map_or(100, |r| r.percentage)).to_string()
                            on:input=move |ev| {
                                let p: u32 = event_target_value(&ev).parse().unwrap_or(0);
                                edit(&|r| if let Some(ro) = r.rollout.as_mut() { ro.percentage = p });
                            }
                        />
                        <input
                            type="number"
                            min="0"
                            max="100"
                            class=format!("{INPUT_BASE} w-20")
                            aria-label="Rollout percent"
                            disabled=move || disabled.get()
                            prop:value=move || rule.with(|r| r.rollout.as_ref().map_or(100, |r| r.percentage)).to_string()
                            on:input=move |ev| {
                                let p: u32 = event_target_value(&ev).parse().unwrap_or(0);
                                edit(&|r| if let Some(ro) = r.rollout.as_mut() { ro.percentage = p });
                            }
                        />
                        <span class="text-sm">"% by"</span>
                        <input
                            class=format!("{INPUT_BASE} w-32")
                            aria-label="Stickiness attribute"
                            list="attribute-names"
                            disabled=move || disabled.get()
                            prop:value=move || rule.with(|r| r.rollout.as_ref().map_or(DEFAULT_STICKINESS.to_string(), |r| r.stickiness.clone()))
                            on:input=move |ev| {
                                let v = event_target_value(&ev);
                                edit(&|r| if let Some(ro) = r.rollout.as_mut() { ro.stickiness = v.clone() });
                            }
                        />
                    </div>
                    <FieldErrorText errors paths=Signal::derive(move || vec![format!("{}.rollout.percentage", path()), format!("{}.rollout.stickiness", path())]) />
                </Show>
            </div>
            <div class="space-y-2">
                <div class="flex flex-wrap items-center gap-3 text-sm">
                    <span class="text-xs font-medium uppercase tracking-wide text-slate-500">"Serve"</span>
                    <label class="flex items-center gap-1">
                        <input type="radio" name=format!("{dom}-serve") disabled=move || disabled.get() prop:checked=move || !splitting()
                            on:change={
                                let first = first_variant.clone();
                                move |_| {
                                    let v = first.clone();
                                    edit(&|r| r.serve = Serve::Variant { variant: v.clone() });
                                }
                            } />
                        "one variant"
                    </label>
                    <label class="flex items-center gap-1">
                        <input type="radio" name=format!("{dom}-serve") disabled=move || disabled.get() prop:checked=splitting
                            on:change={
                                let s = initial_split.clone();
                                move |_| {
                                    let s = s.clone();
                                    edit(&|r| r.serve = Serve::Split(s.clone()));
                                }
                            } />
                        "a weighted split"
                    </label>
                </div>
                {move || {
                    splitting();
                    match rule.with_untracked(|r| r.serve.clone()) {
                        Serve::Split(current) => view! {
                            <SplitEditor
                                initial=current
                                variants=split_variants.clone()
                                on_change=Callback::new(move |s: Split| edit(&|r| r.serve = Serve::Split(s.clone())))
                                errors
                                path=Signal::derive(move || format!("{}.serve", path()))
                                disabled
                            />
                        }.into_any(),
                        Serve::Variant { .. } => view! {
                            <select
                                class=format!("{INPUT_BASE} w-auto")
                                aria-label="Variant to serve"
                                disabled=move || disabled.get()
                                on:change=move |ev| {
                                    let v = event_target_value(&ev);
                                    edit(&|r| r.serve = Serve::Variant { variant: v.clone() });
                                }
                            >
                                {keys.get_value().into_iter().map(|k| {
                                    let k2 = k.clone();
                                    view! { <option value=k.clone() selected=move || rule.with(|r| matches!(&r.serve, Serve::Variant { variant } if *variant == k2))>{k.clone()}</option> }
                                }).collect_view()}
                            </select>
                        }.into_any(),
                    }
                }}
                <FieldErrorText errors paths=Signal::derive(move || vec![format!("{}.serve.variant", path())]) />
            </div>
        </section>
    }
}
