#![recursion_limit = "512"]
//! The browser half of Switchboard: takes over the server-rendered page.

use leptos::prelude::document;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    let typed_early = app::ui::typed_early::capture();
    let Some(body) = document().body() else {
        return;
    };
    // Asynchronous because the page's code may be a chunk still on its way (lazy routes); the
    // page stays readable and its links work meanwhile.
    wasm_bindgen_futures::spawn_local(async move {
        leptos::mount::hydrate_from_async(body, app::App)
            .await
            .forget();
        app::ui::typed_early::restore(typed_early);
        // Reached only when hydration did not panic: tests and operators can tell a page that
        // took over from one left inert.
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-hydrated", "");
        }
    });
}
