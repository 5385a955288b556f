use crate::ui::style::{BTN_DANGER, BTN_SECONDARY};
use leptos::prelude::*;

/// A button that asks "are you sure?" in place before it acts.
#[component]
pub fn ConfirmButton(
    label: &'static str,
    /// A label that changes (used instead of `label` when given).
    #[prop(optional, into)]
    dynamic_label: Option<Signal<String>>,
    /// The question shown once the button is pressed.
    #[prop(into)]
    question: Signal<String>,
    #[prop(default = "Yes")] confirm_label: &'static str,
    #[prop(optional, into)] disabled: Signal<bool>,
    #[prop(default = BTN_SECONDARY)] class: &'static str,
    #[prop(into)] on_confirm: Callback<()>,
) -> impl IntoView {
    let asking = RwSignal::new(false);
    view! {
        <Show
            when=move || asking.get()
            fallback=move || view! {
                <button type="button" class=class disabled=move || disabled.get() on:click=move |_| asking.set(true)>
                    {move || dynamic_label.map(|l| l.get()).unwrap_or_else(|| label.to_string())}
                </button>
            }
        >
            <span class="inline-flex flex-wrap items-center gap-2" role="group">
                <span class="text-sm text-slate-700 dark:text-slate-300">{move || question.get()}</span>
                <button type="button" class=BTN_DANGER on:click=move |_| {
                    asking.set(false);
                    on_confirm.run(());
                }>{confirm_label}</button>
                <button type="button" class=BTN_SECONDARY on:click=move |_| asking.set(false)>"Cancel"</button>
            </span>
        </Show>
    }
}
