//! Importing an Unleash export into the current environment, from a file or pasted JSON.

use crate::AppError;
use crate::api::ImportFromUnleash;
use crate::flags::{ImportReport, ImportUnleash};
use crate::ui::components::ErrorNotice;
use crate::ui::env_pref::use_current_env;
use crate::ui::style::*;
use leptos::prelude::*;

#[component]
pub fn ImportPanel() -> impl IntoView {
    let current = use_current_env();
    let document = RwSignal::new(String::new());
    let action = ServerAction::<ImportFromUnleash>::new();
    let error = RwSignal::new(None::<AppError>);
    let report = RwSignal::new(None::<ImportReport>);
    Effect::new(move |_| match action.value().get() {
        Some(Ok(r)) => {
            error.set(None);
            report.set(Some(r));
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let on_file = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            let input: web_sys::HtmlInputElement = event_target(&ev);
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                leptos::task::spawn_local(async move {
                    if let Ok(text) = wasm_bindgen_futures::JsFuture::from(file.text()).await {
                        document.set(text.as_string().unwrap_or_default());
                    }
                });
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    view! {
        <form
            class=format!("{CARD} space-y-3 p-4")
            aria-label="Import from Unleash"
            on:submit=move |ev| {
                ev.prevent_default();
                report.set(None);
                if let Some(environment) = current.key() {
                    action.dispatch(ImportFromUnleash { input: ImportUnleash { environment, document: document.get_untracked() } });
                }
            }
        >
            <h2 class="text-base font-semibold">"Import from Unleash"</h2>
            <p class=MUTED>
                "Choose an Unleash export (the client API's features JSON) or paste it. Flags and segments are created, and their settings in "
                <strong>{move || current.key().unwrap_or_default()}</strong>
                " replaced. What Switchboard cannot represent is left out and listed."
            </p>
            <input type="file" accept="application/json,.json" aria-label="Unleash export file" on:change=on_file class="text-sm" />
            <textarea
                class=format!("{INPUT_BASE} h-32 font-mono text-xs")
                aria-label="Unleash export JSON"
                placeholder="{\"features\": [...]}"
                prop:value=move || document.get()
                on:input=move |ev| document.set(event_target_value(&ev))
            ></textarea>
            <ErrorNotice error=error />
            <button type="submit" class=BTN_PRIMARY disabled=move || action.pending().get() || document.with(|d| d.trim().is_empty())>
                "Import"
            </button>
            {move || report.get().map(|r| view! {
                <div role="status" data-testid="import-report" class="space-y-1 rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900 dark:border-emerald-900 dark:bg-emerald-950/40 dark:text-emerald-200">
                    <p>{format!("Created {} flag(s), updated {}, {} segment(s) imported.", r.created.len(), r.updated.len(), r.segments.len())}</p>
                    {(!r.skipped.is_empty()).then(|| view! {
                        <p class="font-medium">"Left out:"</p>
                        <ul class="list-inside list-disc">
                            {r.skipped.iter().map(|(f, why)| view! { <li><code>{f.clone()}</code>": "{why.clone()}</li> }).collect_view()}
                        </ul>
                    })}
                </div>
            })}
        </form>
    }
}
