//! Segments: named constraint sets that flag rules reuse.

use crate::AppError;
use crate::api::{CreateSegment, RemoveSegment, SaveSegment, list_segments};
use crate::flags::{Constraint, DeleteSegment, NewSegment, Segment, UpdateSegment};
use crate::permissions::{self, Action};
use crate::ui::auth::use_may;
use crate::ui::components::{
    AttributeSuggestions, ConfirmButton, ConstraintsEditor, ErrorNotice, FieldErrorText, Notice,
    TextField,
};
use crate::ui::form::Form;
use crate::ui::style::*;
use crate::validation::Validate;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SegmentsPage() -> impl IntoView {
    let may = use_may();
    let can_create = may(
        Action::Write,
        permissions::Resource::Segment { used_in: &[] },
    );
    let reload = RwSignal::new(0u32);
    let segments = Resource::new(move || reload.get(), |_| list_segments());
    let notice = RwSignal::new(None::<String>);
    let editing = RwSignal::new(None::<Option<Segment>>);
    let done = Callback::new(move |message: String| {
        notice.set(Some(message));
        editing.set(None);
        reload.update(|n| *n += 1);
    });
    view! {
        <Title text="Segments" />
        <AttributeSuggestions />
        <div class="space-y-6">
            <div class="flex flex-wrap items-center justify-between gap-3">
                <div>
                    <h1 class=H1>"Segments"</h1>
                    <p class=MUTED>"Named sets of constraints (say, beta testers) that flag rules reuse in every environment."</p>
                </div>
                {can_create.then(|| view! { <button type="button" class=BTN_PRIMARY on:click=move |_| editing.set(Some(None))>"New segment"</button> })}
            </div>
            <Notice message=notice />
            {move || editing.get().map(|segment| view! { <SegmentForm segment done cancel=Callback::new(move |_| editing.set(None)) /> })}
            <Transition fallback=|| view! { <p class=MUTED>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match segments.await {
                        Ok(list) if list.is_empty() => view! { <p class=format!("{CARD} p-6 text-center text-sm text-slate-500")>"No segments yet."</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="space-y-3">
                                {list.into_iter().map(|s| {
                                    let edit = s.clone();
                                    view! {
                                        <li class=format!("{CARD} flex flex-wrap items-start justify-between gap-3 p-4") data-testid="segment-row">
                                            <div class="space-y-1">
                                                <div class="font-medium">{s.name.clone()} " " <code class="text-xs text-slate-500">{s.key.clone()}</code></div>
                                                {(!s.description.is_empty()).then(|| view! { <p class=MUTED>{s.description.clone()}</p> })}
                                                <ul class="text-xs text-slate-600 dark:text-slate-400">
                                                    {s.constraints.iter().map(|c| view! {
                                                        <li>
                                                            <code>{c.attribute.clone()}</code> " "
                                                            {c.inverted.then_some("not ")}{c.operator.label()} " "
                                                            <code>{c.values.join(", ")}</code>
                                                        </li>
                                                    }).collect_view()}
                                                </ul>
                                            </div>
                                            <button type="button" class=BTN_SECONDARY on:click=move |_| editing.set(Some(Some(edit.clone())))>"Open"</button>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => view! { <ErrorNotice error=Signal::stored(Some(e)) /> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn SegmentForm(
    segment: Option<Segment>,
    done: Callback<String>,
    cancel: Callback<()>,
) -> impl IntoView {
    let existing = segment.clone();
    let key = RwSignal::new(segment.as_ref().map(|s| s.key.clone()).unwrap_or_default());
    let name = RwSignal::new(segment.as_ref().map(|s| s.name.clone()).unwrap_or_default());
    let description = RwSignal::new(
        segment
            .as_ref()
            .map(|s| s.description.clone())
            .unwrap_or_default(),
    );
    let constraints = RwSignal::new(
        segment
            .as_ref()
            .map(|s| s.constraints.clone())
            .unwrap_or_default(),
    );
    let version = segment.as_ref().map(|s| s.version);
    let form = Form::new("segment", move || match version {
        Some(version) => UpdateSegment {
            key: key.get(),
            name: name.get(),
            description: description.get(),
            constraints: constraints.get(),
            version,
        }
        .validate(),
        None => NewSegment {
            key: key.get(),
            name: name.get(),
            description: description.get(),
            constraints: constraints.get(),
        }
        .validate(),
    });
    let errors = Signal::derive(move || form.all_errors());
    let create = ServerAction::<CreateSegment>::new();
    let save = ServerAction::<SaveSegment>::new();
    let remove = ServerAction::<RemoveSegment>::new();
    let error = RwSignal::new(None::<AppError>);
    let fail = move |e: AppError| form.refuse(e, error);
    Effect::new(move |_| match create.value().get() {
        Some(Ok(s)) => done.run(format!("Created {}.", s.name)),
        Some(Err(e)) => fail(e),
        None => {}
    });
    Effect::new(move |_| match save.value().get() {
        Some(Ok(s)) => done.run(format!("Saved {}. Flags using it changed at once.", s.name)),
        Some(Err(e)) => fail(e),
        None => {}
    });
    Effect::new(move |_| match remove.value().get() {
        Some(Ok(())) => done.run("Segment deleted.".into()),
        Some(Err(e)) => fail(e),
        None => {}
    });
    let may = use_may();
    let can_write = may(
        Action::Write,
        permissions::Resource::Segment { used_in: &[] },
    );
    view! {
        <form
            class=format!("{CARD} space-y-4 p-4")
            aria-label="Segment"
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                error.set(None);
                if !form.submit() {
                    return;
                }
                match version {
                    Some(version) => { save.dispatch(SaveSegment { input: UpdateSegment { key: key.get(), name: name.get(), description: description.get(), constraints: constraints.get(), version } }); }
                    None => { create.dispatch(CreateSegment { input: NewSegment { key: key.get(), name: name.get(), description: description.get(), constraints: constraints.get() } }); }
                }
            }
        >
            <h2 class="text-base font-semibold">{if existing.is_some() { "Segment" } else { "New segment" }}</h2>
            <div class="grid grid-cols-1 gap-4 md:grid-cols-2">
                <TextField form name="key" label="Key" value=key disabled=existing.is_some() placeholder="beta-testers" />
                <TextField form name="name" label="Name" value=name placeholder="Beta testers" />
            </div>
            <TextField form name="description" label="Description" value=description />
            <fieldset class="space-y-1">
                <legend class=LABEL>"Callers in the segment match all of these"</legend>
                <ConstraintsEditor
                    initial=constraints.get_untracked()
                    on_change=Callback::new(move |cs: Vec<Constraint>| { constraints.set(cs); form.touch("constraints"); })
                    errors
                    path="constraints".to_string()
                    disabled=!can_write
                    id="segment".to_string()
                />
                <FieldErrorText errors paths=vec!["constraints".to_string()] />
            </fieldset>
            <ErrorNotice error=error />
            <div class="flex flex-wrap items-center gap-2">
                {can_write.then(|| view! { <button type="submit" class=BTN_PRIMARY disabled=move || create.pending().get() || save.pending().get()>"Save segment"</button> })}
                <button type="button" class=BTN_SECONDARY on:click=move |_| cancel.run(())>"Close"</button>
                <span class="flex-1"></span>
                {existing.filter(|_| can_write).map(|s| view! {
                    <ConfirmButton
                        label="Delete"
                        class=BTN_DANGER
                        question=format!("Delete {}?", s.name)
                        on_confirm=move |_| { remove.dispatch(RemoveSegment { input: DeleteSegment { key: s.key.clone(), version: s.version } }); }
                    />
                })}
            </div>
        </form>
    }
}
