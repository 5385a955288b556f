use crate::ui::auth::use_current_user;
use crate::ui::nav;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

/// Sends the user to the first section they may use, or explains that they have none yet.
#[component]
pub fn HomePage() -> impl IntoView {
    let user = use_current_user();
    let has_access = user.subject.admin || !user.subject.roles.is_empty();
    match nav::sections(&user.subject).first() {
        Some(section) if has_access => Either::Left(view! { <Redirect path=section.href /> }),
        _ => Either::Right(view! {
            <Title text="Welcome" />
            <div class="mx-auto max-w-lg py-12 text-center">
                <h1 class="text-xl font-semibold">"Welcome, " {user.name.clone()}</h1>
                <p class="mt-2 text-sm text-slate-600 dark:text-slate-400">
                    "You do not have a role in any environment yet. Ask an administrator to give you one."
                </p>
            </div>
        }),
    }
}
