#![recursion_limit = "512"]
//! The browser half of Switchboard: takes over the server-rendered page.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    let typed_early = app::ui::typed_early::capture();
    leptos::mount::hydrate_body(app::App);
    app::ui::typed_early::restore(typed_early);
    // Reached only when hydration did not panic: tests and operators can tell a page that took
    // over from one left inert.
    if let Some(root) = leptos::prelude::document().document_element() {
        let _ = root.set_attribute("data-hydrated", "");
    }
}
