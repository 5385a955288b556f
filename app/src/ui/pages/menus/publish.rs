//! The publish dialog: the saved draft against what apps get now, and a required message.

use super::diff_view::MenuDiffView;
use crate::AppError;
use crate::api::PublishMenuDraft;
use crate::menus::{MenuDiff, PublishMenu};
use crate::ui::components::PublishForm;
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
    let submit = Callback::new(move |_| {
        submitted.set(true);
        error.set(None);
        let input = input.get_untracked();
        if input.validate().is_ok() {
            publish.dispatch(PublishMenuDraft { input });
        }
    });
    view! {
        <PublishForm
            noun="menu"
            main_version
            summary
            diff=view! { <MenuDiffView diff /> }.into_any()
            message
            message_error
            busy=publish.pending()
            error
            submit
            cancel
        />
    }
}
