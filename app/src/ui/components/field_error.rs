use crate::validation::FieldErrors;
use leptos::prelude::*;

/// The first error among `paths`, shown under a group of inputs.
#[component]
pub fn FieldErrorText(
    #[prop(into)] errors: Signal<FieldErrors>,
    #[prop(into)] paths: Signal<Vec<String>>,
) -> impl IntoView {
    let message = move || {
        paths.with(|ps| errors.with(|e| ps.iter().find_map(|p| e.get(p).map(str::to_string))))
    };
    view! {
        <p class="text-xs text-red-600 dark:text-red-400" role="alert" data-field-errors=move || paths.get().join(" ")>
            {message}
        </p>
    }
}
