//! The publish dialog every released subject shares: what would change against the release apps
//! get now, a required message, and what the subject adds (config's gray release). The subject
//! builds and sends its own command; this is the frame, so both dialogs read and behave alike.

use super::ErrorNotice;
use crate::AppError;
use crate::ui::style::*;
use leptos::prelude::*;

#[component]
pub fn PublishForm(
    /// "namespace", "menu": for the first-release sentence.
    noun: &'static str,
    /// The release apps get now (0 before the first publish).
    main_version: i64,
    /// One line of what changes ("2 added, 1 changed").
    summary: String,
    /// The changes, as the subject shows them.
    diff: AnyView,
    /// What the user writes about the release.
    message: RwSignal<String>,
    /// The message's field error, once the user tried to publish.
    message_error: Signal<Option<String>>,
    /// Publishing is under way.
    #[prop(into)]
    busy: Signal<bool>,
    /// Nothing to publish: the button stays off.
    #[prop(optional)]
    nothing: bool,
    /// The refusal to show (field errors the subject shows itself are left out by it).
    #[prop(into)]
    error: Signal<Option<AppError>>,
    /// Checks and sends the subject's command.
    submit: Callback<()>,
    cancel: Callback<()>,
    /// Below the message: the subject's own options and notices.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let id = format!("{noun}-publish-message");
    view! {
        <form
            class=format!("{CARD} space-y-4 border-indigo-300 p-4 dark:border-indigo-800")
            aria-label="Publish"
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                submit.run(());
            }
        >
            <h2 class="text-base font-semibold">{format!("Publish: {summary}")}</h2>
            <p class=MUTED>{if main_version == 0 { format!("The first release of this {noun} here.") } else { format!("Against v{main_version}, which apps get now.") }}</p>
            {diff}
            <div class="space-y-1">
                <label class=LABEL for=id.clone()>"Message"</label>
                <textarea
                    id=id
                    rows="2"
                    class=INPUT
                    placeholder="What changes and why"
                    aria-invalid=move || if message_error.get().is_some() { "true" } else { "false" }
                    prop:value=move || message.get()
                    on:input=move |ev| message.set(event_target_value(&ev))
                ></textarea>
                <p class="text-xs text-red-600 dark:text-red-400" role="alert" data-field-error="message">{move || message_error.get()}</p>
            </div>
            {children.map(|c| c())}
            <ErrorNotice error=error />
            <div class="flex gap-2">
                <button type="submit" class=BTN_PRIMARY disabled=move || busy.get() || nothing>"Publish"</button>
                <button type="button" class=BTN_SECONDARY on:click=move |_| cancel.run(())>"Cancel"</button>
            </div>
        </form>
    }
}
