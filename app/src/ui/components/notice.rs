use crate::AppError;
use leptos::prelude::*;

/// A banner for an error that is not about one field.
#[component]
pub fn ErrorNotice(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        error.get().map(|e| {
            let text = match &e {
                // Field errors are shown beside their fields; say so once here.
                AppError::Validation { .. } => "Please correct the highlighted fields.".to_string(),
                other => other.to_string(),
            };
            view! {
                <div role="alert" data-testid="error-notice" class="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-900 dark:bg-red-950/50 dark:text-red-300">
                    {text}
                </div>
            }
        })
    }
}

/// A neutral or success banner.
#[component]
pub fn Notice(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    move || {
        message.get().map(|m| {
            view! {
                <div role="status" data-testid="notice" class="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800 dark:border-emerald-900 dark:bg-emerald-950/50 dark:text-emerald-300">
                    {m}
                </div>
            }
        })
    }
}
