//! Compare this namespace with another environment, and copy that environment's release into
//! this draft (staging to production, say), to review and publish here.

use super::diff_view::DiffView;
use crate::AppError;
use crate::api::{CopyDraft, compare_environments};
use crate::config::{CopyNamespace, EnvironmentComparison};
use crate::ui::components::{ConfirmButton, ErrorNotice};
use crate::ui::env_pref::use_current_env;
use crate::ui::style::*;
use leptos::prelude::*;

/// The environment picked to compare with, and the comparison of the namespace in `scope`
/// (environment, namespace) against it. The page creates it before anything suspends (see
/// [`crate::ui::components::HistoryData`] for why).
#[derive(Clone, Copy)]
pub struct ComparisonData {
    other: RwSignal<String>,
    result: Resource<Option<Result<EnvironmentComparison, AppError>>>,
}

impl ComparisonData {
    pub fn new(scope: Signal<(String, String)>) -> Self {
        let other = RwSignal::new(String::new());
        // Another namespace on the same page starts with nothing picked, as its picker does.
        Effect::watch(
            move || scope.get(),
            move |_, _, _| other.set(String::new()),
            false,
        );
        let result = Resource::new(
            move || (scope.get(), other.get()),
            |((environment, namespace), other)| async move {
                if other.is_empty() {
                    None
                } else {
                    Some(compare_environments(namespace, other, environment).await)
                }
            },
        );
        ComparisonData { other, result }
    }
}

#[component]
pub fn CompareSection(
    environment: String,
    namespace: String,
    /// The draft version on screen: a copy replaces exactly that draft or is refused.
    draft_version: i64,
    can_write: bool,
    comparison: ComparisonData,
    done: Callback<String>,
) -> impl IntoView {
    let current = use_current_env();
    let ComparisonData {
        other,
        result: comparison,
    } = comparison;
    let copy = ServerAction::<CopyDraft>::new();
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| match copy.value().get() {
        Some(Ok(())) => done.run("Copied into the draft. Review it and publish.".into()),
        Some(Err(e)) => error.set(Some(match &e {
            AppError::Validation { fields } => {
                AppError::bad_request(fields.0.values().cloned().collect::<Vec<_>>().join("; "))
            }
            _ => e,
        })),
        None => {}
    });
    let this_env = environment.clone();
    view! {
        <section class="space-y-3" aria-labelledby="compare-heading">
            <h2 id="compare-heading" class="text-base font-semibold">"Compare with another environment"</h2>
            <Suspense fallback=|| ()>
                {move || {
                    let this_env = this_env.clone();
                    Suspend::new(async move {
                        let envs = current.environments.await.unwrap_or_default();
                        view! {
                            <select class=format!("{INPUT_BASE} w-auto") aria-label="Environment to compare with" on:change=move |ev| other.set(event_target_value(&ev))>
                                <option value="">"Pick an environment"</option>
                                {envs.into_iter().filter(|e| e.key != this_env).map(|e| view! { <option value=e.key.clone()>{e.name.clone()}</option> }).collect_view()}
                            </select>
                        }
                    })
                }}
            </Suspense>
            <ErrorNotice error=error />
            <Transition fallback=|| ()>
                {move || {
                    let (environment, namespace) = (environment.clone(), namespace.clone());
                    Suspend::new(async move {
                        match comparison.await {
                            None => ().into_any(),
                            Some(Ok(c)) => {
                                let from = c.from.clone();
                                view! {
                                    <div class=format!("{CARD} space-y-2 p-3")>
                                        <p class=MUTED>{format!("{} v{} against {} v{}", c.from, c.from_version, c.to, c.to_version)}</p>
                                        <DiffView diff=c.diff.clone() before="There" after="Here" />
                                        {can_write.then(|| view! {
                                            <ConfirmButton
                                                label="Copy into this draft"
                                                question=format!("Replace this draft with what {from} serves?")
                                                on_confirm=move |_| {
                                                    error.set(None);
                                                    copy.dispatch(CopyDraft { input: CopyNamespace { namespace: namespace.clone(), from: from.clone(), environment: environment.clone(), draft_version } });
                                                }
                                            />
                                        })}
                                    </div>
                                }.into_any()
                            }
                            Some(Err(e)) => view! { <ErrorNotice error=Signal::stored(Some(e)) /> }.into_any(),
                        }
                    })
                }}
            </Transition>
        </section>
    }
}
