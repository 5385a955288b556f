//! The draft's entries: each value edited in place with its type's input and checked by the
//! shared rules as you type; details (type, description, constraints) in the full form.

use super::entry_form::EntryForm;
use super::value_input::ValueInput;
use crate::AppError;
use crate::api::{DeleteEntry, SaveEntry};
use crate::config::{Draft, DraftEntry, Entry, RemoveEntry, SetEntry, ValueType};
use crate::time::format_utc;
use crate::ui::components::{ConfirmButton, ErrorNotice};
use crate::ui::style::*;
use crate::validation::FieldErrors;
use crate::validation::config::check_entry;
use leptos::prelude::*;

#[component]
pub fn EntriesSection(draft: Draft, can_write: bool, on_saved: Callback<String>) -> impl IntoView {
    let adding = RwSignal::new(false);
    let (env, ns) = (draft.environment.clone(), draft.namespace.clone());
    let published = draft.main_entries.clone();
    let rows = draft
        .entries
        .iter()
        .cloned()
        .map(|d| {
            let before = published.iter().find(|e| e.key == d.entry.key).cloned();
            view! { <EntryRow item=d before environment=env.clone() namespace=ns.clone() can_write on_saved /> }
        })
        .collect_view();
    let saved_new = Callback::new(move |m: String| {
        adding.set(false);
        on_saved.run(m);
    });
    view! {
        <section class="space-y-3" aria-labelledby="entries-heading">
            <div class="flex items-center justify-between gap-3">
                <h2 id="entries-heading" class="text-base font-semibold">"Draft"</h2>
                {can_write.then(|| view! {
                    <button type="button" class=BTN_SECONDARY on:click=move |_| adding.set(true)>"Add entry"</button>
                })}
            </div>
            {move || adding.get().then(|| view! {
                <EntryForm
                    environment=env.clone()
                    namespace=ns.clone()
                    entry=crate::config::blank_entry(ValueType::String)
                    version=0
                    done=saved_new
                    cancel=Callback::new(move |_| adding.set(false))
                />
            })}
            {if draft.entries.is_empty() {
                view! { <p class=format!("{CARD} p-6 text-center text-sm text-slate-500")>"The draft is empty. Add an entry to start."</p> }.into_any()
            } else {
                view! { <ul class=format!("{CARD} divide-y divide-slate-100 dark:divide-slate-800")>{rows}</ul> }.into_any()
            }}
            {(!draft.removed.is_empty()).then(|| view! {
                <div class=format!("{CARD} p-3 text-sm")>
                    <p class="font-medium">"Removed in the draft"</p>
                    <ul class="mt-1 space-y-1">
                        {draft.removed.iter().map(|r| view! {
                            <li data-testid="removed-entry"><code class="line-through">{r.key.clone()}</code>
                                <span class=MUTED>{format!(" by {} at {}", r.removed_by, format_utc(r.removed_at))}</span></li>
                        }).collect_view()}
                    </ul>
                </div>
            })}
        </section>
    }
}

#[component]
fn EntryRow(
    item: DraftEntry,
    /// The entry in the main release, if it is there.
    before: Option<Entry>,
    environment: String,
    namespace: String,
    can_write: bool,
    on_saved: Callback<String>,
) -> impl IntoView {
    let original = item.entry.clone();
    let value = RwSignal::new(original.value.clone());
    let editing = RwSignal::new(false);
    let edited = {
        let original = original.clone();
        Memo::new(move |_| Entry {
            value: value.get(),
            ..original.clone()
        })
    };
    let errors = Memo::new(move |_| {
        let mut e = FieldErrors::new();
        check_entry(&edited.get(), &mut e, "");
        e
    });
    let server_error = RwSignal::new(None::<AppError>);
    let dirty = {
        let original = original.value.clone();
        Memo::new(move |_| value.get() != original)
    };
    let value_error = Signal::derive(move || {
        dirty
            .get()
            .then(|| errors.with(|e| e.get("value").map(str::to_string)))
            .flatten()
            .or_else(|| {
                server_error.with(|e| {
                    e.as_ref()
                        .and_then(|e| e.field_errors())
                        .and_then(|f| f.get("value").map(str::to_string))
                })
            })
    });
    let save = ServerAction::<SaveEntry>::new();
    let remove = ServerAction::<DeleteEntry>::new();
    Effect::new(move |_| match save.value().get() {
        Some(Ok(s)) => on_saved.run(format!("Saved {} in the draft.", s.entry.key)),
        Some(Err(e)) => server_error.set(Some(e)),
        None => {}
    });
    Effect::new(move |_| match remove.value().get() {
        Some(Ok(())) => on_saved.run("Removed from the draft.".into()),
        Some(Err(e)) => server_error.set(Some(e)),
        None => {}
    });
    let status = match &before {
        None => Some(("new", BADGE_OK)),
        Some(b) if b != &original => Some(("changed", BADGE_WARN)),
        Some(_) => None,
    };
    let key = original.key.clone();
    let version = item.version;
    let (env, ns) = (environment.clone(), namespace.clone());
    let save_now = {
        let (env, ns) = (env.clone(), ns.clone());
        move || {
            server_error.set(None);
            if errors.with_untracked(FieldErrors::is_empty) {
                save.dispatch(SaveEntry {
                    input: SetEntry {
                        namespace: ns.clone(),
                        environment: env.clone(),
                        entry: edited.get_untracked(),
                        version,
                    },
                });
            }
        }
    };
    let reset = {
        let v = original.value.clone();
        move |_| {
            value.set(v.clone());
            server_error.set(None);
        }
    };
    let form_entry = original.clone();
    view! {
        <li class="space-y-2 p-3" data-testid="entry-row" data-key=key.clone()>
            <div class="grid grid-cols-1 items-start gap-3 md:grid-cols-[minmax(10rem,1fr)_minmax(14rem,2fr)_auto]">
                <div class="min-w-0">
                    <code class="font-medium break-all">{key.clone()}</code>
                    " " <span class=BADGE>{original.value_type.as_str()}</span>
                    {status.map(|(label, class)| view! { " " <span class=class data-testid="entry-status">{label}</span> })}
                    {(!original.description.is_empty()).then(|| view! { <p class="text-xs text-slate-500">{original.description.clone()}</p> })}
                    <p class="text-xs text-slate-400">{format!("{} · {}", item.updated_by, format_utc(item.updated_at))}</p>
                </div>
                <form
                    novalidate
                    on:submit={
                        let save_now = save_now.clone();
                        move |ev| {
                            ev.prevent_default();
                            save_now();
                        }
                    }
                >
                    <ValueInput
                        value_type=Signal::stored(original.value_type)
                        constraints=Signal::stored(original.constraints.clone())
                        value
                        label=format!("Value of {key}")
                        id=format!("value-{key}")
                        error=value_error
                        // A secret is never shown, so it cannot be edited in place: Details replaces it.
                        disabled=!can_write || original.secret
                    />
                    {original.secret.then(|| view! {
                        <p class="text-xs text-slate-500" data-testid="secret-value">{format!("Secret {}", original.value)}</p>
                    })}
                    {before.as_ref().filter(|b| b.value != original.value).map(|b| view! {
                        <p class="text-xs text-slate-500">"Live: " <code>{b.value.clone()}</code></p>
                    })}
                </form>
                {can_write.then(|| {
                    let save_now = save_now.clone();
                    let (env, ns, key) = (env.clone(), ns.clone(), key.clone());
                    view! {
                        <div class="flex flex-wrap items-center gap-2">
                            <Show when=move || dirty.get()>
                                <button
                                    type="button"
                                    class=BTN_PRIMARY
                                    disabled=move || save.pending().get() || !errors.with(FieldErrors::is_empty)
                                    on:click={
                                        let save_now = save_now.clone();
                                        move |_| save_now()
                                    }
                                >"Save"</button>
                                <button type="button" class=BTN_SECONDARY on:click=reset.clone()>"Reset"</button>
                            </Show>
                            <button type="button" class=BTN_LINK on:click=move |_| editing.update(|e| *e = !*e)>"Details"</button>
                            <ConfirmButton
                                label="Remove"
                                class=BTN_LINK
                                question=format!("Remove {key} from the draft?")
                                on_confirm={
                                    let (env, ns, key) = (env.clone(), ns.clone(), key.clone());
                                    move |_| { remove.dispatch(DeleteEntry { input: RemoveEntry { namespace: ns.clone(), environment: env.clone(), key: key.clone(), version } }); }
                                }
                            />
                        </div>
                    }
                })}
            </div>
            <ErrorNotice error=Signal::derive(move || server_error.get().filter(|e| e.field_errors().is_none_or(|f| f.get("value").is_none()))) />
            {move || editing.get().then(|| view! {
                <EntryForm
                    environment=environment.clone()
                    namespace=namespace.clone()
                    entry=form_entry.clone()
                    version
                    done=Callback::new(move |m| { editing.set(false); on_saved.run(m); })
                    cancel=Callback::new(move |_| editing.set(false))
                />
            })}
        </li>
    }
}
