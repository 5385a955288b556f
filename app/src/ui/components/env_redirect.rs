use crate::ui::env_pref::use_current_env;
use crate::ui::style::MUTED;
use leptos::prelude::*;
use leptos_router::components::Redirect;

/// `{base}` on its own: sends the user to `{base}/{their environment}`.
#[component]
pub fn EnvironmentRedirect(base: &'static str) -> impl IntoView {
    let current = use_current_env();
    view! {
        <Suspense fallback=|| view! { <p class=MUTED>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let _ = current.environments.await;
                match current.key() {
                    Some(key) => view! { <Redirect path=format!("{base}/{key}") /> }.into_any(),
                    None => view! { <p class=MUTED>"You have no role in any environment yet."</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}
