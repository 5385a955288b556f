//! The publish dialog: the draft against what apps get now, a message, and optionally a gray
//! release to instances matching a label selector or a sticky percentage of them.

use super::diff_view::DiffView;
use crate::AppError;
use crate::api::Publish;
use crate::config::{Draft, GrayTarget, PublishDraft, Selector};
use crate::ui::components::PublishForm;
use crate::ui::style::*;
use crate::validation::{FieldErrors, Validate};
use leptos::prelude::*;

#[component]
pub fn PublishDialog(draft: Draft, done: Callback<String>, cancel: Callback<()>) -> impl IntoView {
    let message = RwSignal::new(String::new());
    let gray = RwSignal::new(false);
    let by_labels = RwSignal::new(true);
    let selector = RwSignal::new(String::new());
    let percent = RwSignal::new("10".to_string());
    let submitted = RwSignal::new(false);
    let (env, ns, main_version, draft_version) = (
        draft.environment.clone(),
        draft.namespace.clone(),
        draft.main_version,
        draft.draft_version,
    );
    let input = Memo::new(move |_| {
        let mut errors = FieldErrors::new();
        let target = if !gray.get() {
            None
        } else if by_labels.get() {
            match Selector::parse(&selector.get()) {
                Ok(selector) => Some(GrayTarget::Labels { selector }),
                Err(m) => {
                    errors.add("gray.selector", m);
                    None
                }
            }
        } else {
            match percent.get().trim().parse::<u32>() {
                Ok(percent) => Some(GrayTarget::Percentage { percent }),
                Err(_) => {
                    errors.add("gray.percent", "Enter a whole number from 1 to 100");
                    None
                }
            }
        };
        let input = PublishDraft {
            namespace: ns.clone(),
            environment: env.clone(),
            message: message.get(),
            main_version,
            draft_version,
            gray: target,
        };
        if let Err(e) = input.validate() {
            for (f, m) in e.0 {
                errors.0.entry(f).or_insert(m);
            }
        }
        (input, errors)
    });
    let error_of = move |field: &'static str| {
        Signal::derive(move || {
            submitted
                .get()
                .then(|| input.with(|(_, e)| e.get(field).map(str::to_string)))
                .flatten()
        })
    };
    let publish = ServerAction::<Publish>::new();
    let error = RwSignal::new(None::<AppError>);
    let server_fields = RwSignal::new(FieldErrors::new());
    Effect::new(move |_| match publish.value().get() {
        Some(Ok(r)) => done.run(match &r.gray_target {
            Some(t) => format!("Published v{} as a gray release to {t}.", r.version),
            None => format!("Published v{}. Watching apps have it now.", r.version),
        }),
        Some(Err(e)) => {
            server_fields.set(e.field_errors().cloned().unwrap_or_default());
            error.set(Some(e));
        }
        None => {}
    });
    let pending = draft.pending.clone();
    let nothing = pending.is_empty();
    let summary = pending.summary();
    let gray_running = draft.gray.clone();
    let submit = Callback::new(move |_| {
        submitted.set(true);
        error.set(None);
        let (input, errors) = input.get_untracked();
        if errors.is_empty() {
            publish.dispatch(Publish { input });
        }
    });
    view! {
        <PublishForm
            noun="namespace"
            main_version
            summary
            diff=view! { <DiffView diff=pending before="Live now" after="After publishing" /> }.into_any()
            message
            message_error=error_of("message")
            busy=publish.pending()
            nothing
            error=Signal::derive(move || error.get().filter(|e| e.field_errors().is_none()))
            submit
            cancel
        >
            {gray_running.map(|g| view! {
                <p class="text-sm text-amber-700 dark:text-amber-300">{format!("Gray release v{} ({}) is in progress: promote or abandon it before publishing again.", g.version, g.target)}</p>
            })}
            <fieldset class="space-y-2">
                <label class="inline-flex items-center gap-2 text-sm">
                    <input type="checkbox" prop:checked=move || gray.get() on:change=move |ev| gray.set(event_target_checked(&ev)) />
                    "Gray release: only part of the fleet gets it first"
                </label>
                <Show when=move || gray.get()>
                    <div class="flex flex-wrap items-start gap-4 pl-6">
                        <label class="inline-flex items-center gap-2 text-sm">
                            <input type="radio" name="gray-kind" prop:checked=move || by_labels.get() on:change=move |_| by_labels.set(true) />
                            "Instances with labels"
                        </label>
                        <label class="inline-flex items-center gap-2 text-sm">
                            <input type="radio" name="gray-kind" prop:checked=move || !by_labels.get() on:change=move |_| by_labels.set(false) />
                            "A percentage of instances"
                        </label>
                        {move || if by_labels.get() {
                            view! {
                                <div class="w-full space-y-1">
                                    <label class=LABEL for="gray-selector">"Label selector"</label>
                                    <input id="gray-selector" class=INPUT placeholder="region=eu, host in (a,b)" prop:value=move || selector.get() on:input=move |ev| selector.set(event_target_value(&ev)) />
                                    <p class="text-xs text-red-600 dark:text-red-400" role="alert" data-field-error="gray.selector">{move || error_of("gray.selector").get()}</p>
                                </div>
                            }.into_any()
                        } else {
                            view! {
                                <div class="w-full space-y-1">
                                    <label class=LABEL for="gray-percent">"Percent of instances (sticky by instance id)"</label>
                                    <input id="gray-percent" type="number" min="1" max="100" class=format!("{INPUT_BASE} w-28") prop:value=move || percent.get() on:input=move |ev| percent.set(event_target_value(&ev)) />
                                    <p class="text-xs text-red-600 dark:text-red-400" role="alert" data-field-error="gray.percent">{move || error_of("gray.percent").get()}</p>
                                </div>
                            }.into_any()
                        }}
                    </div>
                </Show>
            </fieldset>
            {move || server_fields.with(|f| f.0.iter().map(|(k, m)| view! { <p class="text-sm text-red-700 dark:text-red-300" role="alert" data-testid="publish-problem">{format!("{k}: {m}")}</p> }).collect_view())}
        </PublishForm>
    }
}
