//! Parts of a page that render in the browser only.

use leptos::prelude::*;

/// Renders its children in the browser, after hydration; the server sends `fallback` instead.
///
/// For sections whose resource resolves the current environment inside its fetcher (the flag
/// list, the SDK keys): rendered on the server, they failed to hydrate (tachys "entered
/// unreachable code"), which left the whole page dead. Until that is understood, they load in the
/// browser; the rest of their page still renders on the server.
#[component]
pub fn ClientOnly(#[prop(into)] fallback: ViewFn, children: ChildrenFn) -> impl IntoView {
    // Effects run only in the browser.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    view! { <Show when=move || hydrated.get() fallback>{children()}</Show> }
}
