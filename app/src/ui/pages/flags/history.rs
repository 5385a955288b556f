//! A flag's recent changes, from the audit trail.

use crate::AppError;
use crate::api::list_audit;
use crate::domain::{AuditFilter, AuditPage};
use crate::ui::components::ErrorNotice;
use crate::ui::pages::audit::EventList;
use crate::ui::style::*;
use leptos::prelude::*;

/// The history of the flag whose key `key` gives; create it at the top of the page.
pub fn history_resource(
    key: Memo<String>,
    reload: RwSignal<u32>,
) -> Resource<Result<AuditPage, AppError>> {
    Resource::new(
        move || (key.get(), reload.get()),
        |(key, _)| {
            list_audit(AuditFilter {
                entity_type: Some("flag".into()),
                entity_id: Some(key),
                limit: Some(20),
                ..Default::default()
            })
        },
    )
}

#[component]
pub fn FlagHistory(events: Resource<Result<AuditPage, AppError>>) -> impl IntoView {
    view! {
        <Transition fallback=|| view! { <p class=MUTED>"Loading history…"</p> }>
            {move || Suspend::new(async move {
                match events.await {
                    Ok(page) => view! { <EventList events=page.events /> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=Signal::stored(Some(e)) /> }.into_any(),
                }
            })}
        </Transition>
    }
}
