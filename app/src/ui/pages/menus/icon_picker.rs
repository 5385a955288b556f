//! The bundled icons: a glyph as the tree and preview show it, and the picker of the item form.

use crate::menus::icons::{ICONS, VIEW_BOX, icon};
use crate::ui::style::*;
use leptos::prelude::*;

/// One icon, drawn from the bundled set; a blank square of the same size for none or an unknown
/// name, so labels line up.
#[component]
pub fn IconGlyph(name: Option<String>) -> impl IntoView {
    match name.as_deref().and_then(icon) {
        Some(i) => view! {
            <svg class="h-4 w-4 shrink-0" viewBox=VIEW_BOX fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">
                <path d=i.path />
            </svg>
        }
        .into_any(),
        None => view! { <span class="h-4 w-4 shrink-0" aria-hidden="true"></span> }.into_any(),
    }
}

#[component]
pub fn IconPicker(
    #[prop(into)] value: Signal<Option<String>>,
    on_pick: Callback<Option<String>>,
) -> impl IntoView {
    let filter = RwSignal::new(String::new());
    let shown = move || {
        let f = filter.get().to_lowercase();
        ICONS
            .iter()
            .filter(|i| f.is_empty() || i.name.contains(&f) || i.title.to_lowercase().contains(&f))
            .collect::<Vec<_>>()
    };
    view! {
        <fieldset class="space-y-2">
            <legend class=LABEL>"Icon"</legend>
            <div class="flex items-center gap-2">
                <input class=format!("{INPUT_BASE} w-40") placeholder="Find an icon" aria-label="Find an icon"
                    prop:value=move || filter.get() on:input=move |ev| filter.set(event_target_value(&ev)) />
                <button type="button" class=BTN_LINK aria-pressed=move || if value.get().is_none() { "true" } else { "false" }
                    on:click=move |_| on_pick.run(None)>"No icon"</button>
                <span class="text-xs text-slate-500">{move || value.get().unwrap_or_default()}</span>
            </div>
            <div class="grid max-h-36 grid-cols-8 gap-1 overflow-y-auto" role="group" aria-label="Icons">
                {move || shown().into_iter().map(|i| {
                    let name = i.name.to_string();
                    let chosen = {
                        let name = name.clone();
                        Signal::derive(move || value.get().as_deref() == Some(name.as_str()))
                    };
                    view! {
                        <button type="button" title=i.title aria-label=i.title
                            aria-pressed=move || if chosen.get() { "true" } else { "false" }
                            data-icon=i.name
                            class=move || if chosen.get() {
                                "flex h-8 w-8 items-center justify-center rounded bg-indigo-600 text-white"
                            } else {
                                "flex h-8 w-8 items-center justify-center rounded text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"
                            }
                            on:click=move |_| on_pick.run(Some(name.clone()))
                        >
                            <svg class="h-5 w-5" viewBox=VIEW_BOX fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">
                                <path d=i.path />
                            </svg>
                        </button>
                    }
                }).collect_view()}
            </div>
        </fieldset>
    }
}
