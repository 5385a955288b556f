use crate::ui::style::BTN_PRIMARY;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Not found" />
        <div class="grid min-h-screen place-items-center p-6">
            <div class="max-w-md text-center">
                <p class="text-sm font-semibold text-indigo-600 dark:text-indigo-400">"404"</p>
                <h1 class="mt-2 text-2xl font-semibold">"There is nothing at this address"</h1>
                <p class="mt-2 text-sm text-slate-600 dark:text-slate-400">
                    "The page may have moved, or the link may be mistyped."
                </p>
                <a href="/" class=format!("{BTN_PRIMARY} mt-6")>"Back to Switchboard"</a>
            </div>
        </div>
    }
}
