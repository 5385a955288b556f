//! What someone types into a form, or clicks, before the page is interactive survives hydration.
//!
//! The server's HTML is usable at once, so a quick user (or a password manager) can fill the
//! sign-in form while the WASM is still loading. Hydration then sets every bound input to its
//! signal's value, which would silently blank what was typed and submit an empty field. So the
//! hydrate entry captures the fields whose value differs from the HTML's before hydrating, and
//! gives them back afterwards through an `input` event, as if typed then. Hydration may wait for
//! the page's code chunk, so typing goes on being recorded until the fields are given back.
//!
//! Likewise a click on a button that only script can serve (`type="button"`: opening a form, a
//! dialog) would do nothing before hydration and be lost; such clicks are recorded and replayed,
//! in order, once the page has taken over. Links and submit buttons work without script, so they
//! are left to the browser.

use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{Event, EventInit, HtmlInputElement, HtmlTextAreaElement};

/// A field and what was typed into it.
pub enum Typed {
    Input(HtmlInputElement, String),
    TextArea(HtmlTextAreaElement, String),
}

impl Typed {
    /// The field, when `node` is a text field (not a checkbox, button or the like).
    fn of(node: &web_sys::Node) -> Option<Typed> {
        if let Some(input) = node.dyn_ref::<HtmlInputElement>() {
            let text = !matches!(
                input.type_().as_str(),
                "checkbox" | "radio" | "hidden" | "file" | "submit" | "button" | "reset"
            );
            text.then(|| Typed::Input(input.clone(), input.value()))
        } else {
            let area = node.dyn_ref::<HtmlTextAreaElement>()?;
            Some(Typed::TextArea(area.clone(), area.value()))
        }
    }

    fn field(&self) -> &web_sys::Element {
        match self {
            Typed::Input(input, _) => input,
            Typed::TextArea(area, _) => area,
        }
    }
}

/// A document listener: the event it listens for, and the handler to remove afterwards.
type Listener = (&'static str, Closure<dyn FnMut(Event)>);

/// What was typed and clicked before hydration, and the listeners that go on recording it.
pub struct TypedEarly {
    typed: Rc<RefCell<Vec<Typed>>>,
    clicked: Rc<RefCell<Vec<web_sys::HtmlElement>>>,
    listeners: Vec<Listener>,
}

/// Calls `f` with every `kind` event on the document, seen first (capture phase).
fn listen(kind: &'static str, f: impl FnMut(Event) + 'static) -> Option<Listener> {
    let listener = Closure::<dyn FnMut(Event)>::new(f);
    let document = web_sys::window().and_then(|w| w.document())?;
    document
        .add_event_listener_with_callback_and_bool(kind, listener.as_ref().unchecked_ref(), true)
        .ok()?;
    Some((kind, listener))
}

/// The button a click landed on, when only script can serve it.
fn script_button(event: &Event) -> Option<web_sys::HtmlElement> {
    let element = event.target()?.dyn_into::<web_sys::Element>().ok()?;
    let button = element.closest("button").ok()??;
    let typed = button.dyn_ref::<web_sys::HtmlButtonElement>()?.type_();
    (typed == "button").then(|| button.unchecked_into())
}

/// Records the text fields whose value the user changed from the server's HTML and the clicks on
/// script-only buttons, now and until [`restore`].
pub fn capture() -> TypedEarly {
    let typed = Rc::new(RefCell::new(changed_fields()));
    let clicked = Rc::new(RefCell::new(Vec::new()));
    let recorded = typed.clone();
    let on_input = listen("input", move |event: Event| {
        let Some(node) = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Node>().ok())
        else {
            return;
        };
        if let Some(field) = Typed::of(&node) {
            let mut typed = recorded.borrow_mut();
            typed.retain(|t| t.field() != field.field());
            typed.push(field);
        }
    });
    let recorded = clicked.clone();
    let on_click = listen("click", move |event: Event| {
        if let Some(button) = script_button(&event) {
            recorded.borrow_mut().push(button);
        }
    });
    TypedEarly {
        typed,
        clicked,
        listeners: on_input.into_iter().chain(on_click).collect(),
    }
}

/// The text fields whose value differs from the server's HTML.
fn changed_fields() -> Vec<Typed> {
    let Some(fields) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector_all("input, textarea").ok())
    else {
        return Vec::new();
    };
    (0..fields.length())
        .filter_map(|i| fields.item(i))
        .filter_map(|node| Typed::of(&node))
        .filter(|typed| match typed {
            Typed::Input(input, value) => *value != input.default_value(),
            Typed::TextArea(area, value) => area.default_value().ok().as_ref() != Some(value),
        })
        .collect()
}

/// Stops recording, puts the captured text back into the (same, hydrated) fields and tells their
/// handlers, then replays the recorded clicks.
pub fn restore(early: TypedEarly) {
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        for (kind, listener) in &early.listeners {
            let _ = document.remove_event_listener_with_callback_and_bool(
                kind,
                listener.as_ref().unchecked_ref(),
                true,
            );
        }
    }
    let typed = std::mem::take(&mut *early.typed.borrow_mut());
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
    for button in std::mem::take(&mut *early.clicked.borrow_mut()) {
        if button.is_connected() {
            button.click();
        }
    }
}
