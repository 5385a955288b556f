//! What someone types into a form before the page is interactive survives hydration.
//!
//! The server's HTML is usable at once, so a quick user (or a password manager) can fill the
//! sign-in form while the WASM is still loading. Hydration then sets every bound input to its
//! signal's value, which would silently blank what was typed and submit an empty field. So the
//! hydrate entry captures the fields whose value differs from the HTML's before hydrating, and
//! gives them back afterwards through an `input` event, as if typed then.

use wasm_bindgen::JsCast;
use web_sys::{Event, EventInit, HtmlInputElement, HtmlTextAreaElement};

/// A field and what was typed into it.
pub enum Typed {
    Input(HtmlInputElement, String),
    TextArea(HtmlTextAreaElement, String),
}

/// The text fields whose value the user changed from the server's HTML.
pub fn capture() -> Vec<Typed> {
    let Some(fields) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector_all("input, textarea").ok())
    else {
        return Vec::new();
    };
    (0..fields.length())
        .filter_map(|i| fields.item(i))
        .filter_map(|node| {
            if let Some(input) = node.dyn_ref::<HtmlInputElement>() {
                let text = !matches!(
                    input.type_().as_str(),
                    "checkbox" | "radio" | "hidden" | "file" | "submit" | "button" | "reset"
                );
                let value = input.value();
                (text && value != input.default_value()).then(|| Typed::Input(input.clone(), value))
            } else {
                let area = node.dyn_ref::<HtmlTextAreaElement>()?;
                let value = area.value();
                (area.default_value().ok() != Some(value.clone()))
                    .then(|| Typed::TextArea(area.clone(), value))
            }
        })
        .collect()
}

/// Puts the captured text back into the (same, hydrated) fields and tells their handlers.
pub fn restore(typed: Vec<Typed>) {
    let init = EventInit::new();
    init.set_bubbles(true);
    for field in typed {
        let target: web_sys::EventTarget = match field {
            Typed::Input(input, value) => {
                input.set_value(&value);
                input.into()
            }
            Typed::TextArea(area, value) => {
                area.set_value(&value);
                area.into()
            }
        };
        if let Ok(event) = Event::new_with_event_init_dict("input", &init) {
            let _ = target.dispatch_event(&event);
        }
    }
}
