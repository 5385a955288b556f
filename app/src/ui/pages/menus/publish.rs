//! The publish dialog: the saved draft against what apps get now, and a required message.

use super::diff_view::MenuDiffView;
use crate::AppError;
use crate::api::PublishMenuDraft;
use crate::menus::{MenuDiff, PublishMenu};
use crate::ui::components::ErrorNotice;
use crate::ui::style::*;
use crate::validation::Validate;
use leptos::prelude::*;

#[component]
pub fn PublishDialog(
    environment: String,
    menu: String,
    main_version: i64,
    /// The saved draft version whose diff this dialog shows.
    draft_version: i64,
    diff: MenuDiff,
    done: Callback<String>,
    cancel: Callback<()>,
) -> impl IntoView {
    let message = RwSignal::new(String::new());
    let submitted = RwSignal::new(false);
    let input = Memo::new(move |_| PublishMenu {
        menu: menu.clone(),
        environment: environment.clone(),
        message: message.get(),
        main_version,
        draft_version,
    });
    let message_error = Signal::derive(move || {
        submitted
            .get()
            .then(|| {
                input
                    .with(|i| i.validate().err())
                    .and_then(|e| e.get("message").map(str::to_string))
            })
            .flatten()
    });
    let publish = ServerAction::<PublishMenuDraft>::new();
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| match publish.value().get() {
        Some(Ok(r)) => done.run(format!("Published v{}. Apps get it now.", r.version)),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let summary = diff.summary();
    view! {
        <form
            class=format!("{CARD} space-y-4 border-indigo-300 p-4 dark:border-indigo-800")
            aria-label="Publish"
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                submitted.set(true);
                error.set(None);
                let input = input.get_untracked();
                if input.validate().is_ok() {
                    publish.dispatch(PublishMenuDraft { input });
                }
            }
        >
            <h2 class="text-base font-semibold">{format!("Publish: {summary}")}</h2>
            <p class=MUTED>{if main_version == 0 { "The first release of this menu here.".to_string() } else { format!("Against v{main_version}, which apps get now.") }}</p>
            <MenuDiffView diff />
            <div class="space-y-1">
                <label class=LABEL for="menu-publish-message">"Message"</label>
                <textarea
                    id="menu-publish-message"
                    rows="2"
                    class=INPUT
                    placeholder="What changes and why"
                    aria-invalid=move || if message_error.get().is_some() { "true" } else { "false" }
                    prop:value=move || message.get()
                    on:input=move |ev| message.set(event_target_value(&ev))
                ></textarea>
                <p class="text-xs text-red-600 dark:text-red-400" role="alert" data-field-error="message">{move || message_error.get()}</p>
            </div>
            <ErrorNotice error=error />
            <div class="flex gap-2">
                <button type="submit" class=BTN_PRIMARY disabled=move || publish.pending().get()>"Publish"</button>
                <button type="button" class=BTN_SECONDARY on:click=move |_| cancel.run(())>"Cancel"</button>
            </div>
        </form>
    }
}
