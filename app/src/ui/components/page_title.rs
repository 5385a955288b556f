//! A page title that names what the page shows (`checkout · Config`).

use leptos::prelude::*;

/// The title text for a page about `name` in `section`. Server rendering writes the document head
/// after the body, by which time a page rendered again (a suspended section resolving) has
/// disposed the first render's signals, so reading `name` then would panic and answer 500. The
/// name as the page was created stands in when the signal is gone; in the browser the title
/// follows the signal.
pub fn title(name: Memo<String>, section: &'static str) -> impl Fn() -> String + Send + Sync {
    let initial = name.get_untracked();
    move || {
        let name = name.try_get().unwrap_or_else(|| initial.clone());
        format!("{name} · {section}")
    }
}
