//! A weighted split: variants and their shares, which must total 100%.

use crate::flags::{DEFAULT_SPLIT_TOTAL, Split, Variant, Weighted};
use crate::ui::components::FieldErrorText;
use crate::ui::style::{BTN_LINK, INPUT_BASE};
use crate::validation::FieldErrors;
use crate::validation::flags::percent;
use leptos::prelude::*;

/// Shares are edited in tenths of a percent; an imported split with another whole is re-based.
fn rebased(split: &Split) -> Split {
    if split.total == DEFAULT_SPLIT_TOTAL {
        return split.clone();
    }
    let total = split.total.max(1) as u64;
    Split {
        total: DEFAULT_SPLIT_TOTAL,
        variants: split
            .variants
            .iter()
            .map(|w| Weighted {
                variant: w.variant.clone(),
                weight: ((w.weight as u64 * DEFAULT_SPLIT_TOTAL as u64 + total / 2) / total) as u32,
            })
            .collect(),
        ..split.clone()
    }
}

fn share(split: &Split, i: usize) -> String {
    let w = split.variants.get(i).map_or(0, |w| w.weight) as u64;
    percent(w, split.total).trim_end_matches('%').to_string()
}

#[component]
pub fn SplitEditor(
    initial: Split,
    variants: Vec<Variant>,
    on_change: Callback<Split>,
    #[prop(into)] errors: Signal<FieldErrors>,
    /// e.g. `rules.0.serve`
    #[prop(into)]
    path: Signal<String>,
    #[prop(into)] disabled: Signal<bool>,
) -> impl IntoView {
    let split = RwSignal::new(initial);
    let edit = move |f: &dyn Fn(&mut Split)| {
        split.update(|s| {
            *s = rebased(s);
            f(s);
        });
        on_change.run(split.get_untracked());
    };
    let keys: Vec<String> = variants.iter().map(|v| v.key.clone()).collect();
    let keys = StoredValue::new(keys);
    let sum =
        move || split.with(|s| percent(s.variants.iter().map(|w| w.weight as u64).sum(), s.total));
    view! {
        <div class="space-y-2" data-testid="split-editor">
            <For each={move || (0..split.with(|s| s.variants.len())).collect::<Vec<_>>()} key=|i| *i let:i>
                <div class="flex flex-wrap items-center gap-2">
                    <select
                        class=format!("{INPUT_BASE} w-auto")
                        aria-label="Split variant"
                        disabled=move || disabled.get()
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            edit(&|s| if let Some(w) = s.variants.get_mut(i) { w.variant = v.clone() });
                        }
                    >
                        {move || keys.get_value().into_iter().map(|k| {
                            let selected = split.with(|s| s.variants.get(i).is_some_and(|w| w.variant == k));
                            view! { <option value=k.clone() selected=selected>{k.clone()}</option> }
                        }).collect_view()}
                    </select>
                    <input
                        class=format!("{INPUT_BASE} w-24")
                        type="number"
                        min="0"
                        max="100"
                        step="0.1"
                        aria-label="Share in percent"
                        disabled=move || disabled.get()
                        prop:value=move || split.with(|s| share(s, i))
                        on:input=move |ev| {
                            let p: f64 = event_target_value(&ev).parse().unwrap_or(0.0);
                            edit(&|s| if let Some(w) = s.variants.get_mut(i) { w.weight = (p.clamp(0.0, 100.0) * 10.0).round() as u32 });
                        }
                    />
                    <span class="text-sm">"%"</span>
                    <button type="button" class=BTN_LINK disabled=move || disabled.get() on:click=move |_| edit(&|s| { if i < s.variants.len() { s.variants.remove(i); } })>"Remove"</button>
                </div>
            </For>
            <div class="flex items-center gap-3 text-xs">
                <span data-testid="split-total">"Total: " {sum}</span>
                <button
                    type="button"
                    class=BTN_LINK
                    disabled=move || disabled.get()
                    on:click=move |_| {
                        let first = keys.with_value(|k| k.first().cloned().unwrap_or_default());
                        edit(&|s| s.variants.push(Weighted { variant: first.clone(), weight: 0 }));
                    }
                >
                    "+ Add variant to split"
                </button>
            </div>
            <FieldErrorText errors paths=Signal::derive(move || {
                let p = path.get();
                let mut ps = vec![format!("{p}.weights"), format!("{p}.total"), format!("{p}.variants")];
                ps.extend((0..split.with(|s| s.variants.len())).map(|i| format!("{p}.variants.{i}.variant")));
                ps
            }) />
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imported_wholes_are_rebased_to_tenths_of_a_percent() {
        let s = Split {
            total: 99,
            variants: vec![
                Weighted {
                    variant: "a".into(),
                    weight: 33,
                },
                Weighted {
                    variant: "b".into(),
                    weight: 66,
                },
            ],
            stickiness: None,
            group_id: None,
        };
        let r = rebased(&s);
        assert_eq!(r.total, 1000);
        assert_eq!(
            r.variants.iter().map(|w| w.weight).collect::<Vec<_>>(),
            vec![333, 667]
        );
        assert_eq!(share(&r, 0), "33.3");
    }
}
