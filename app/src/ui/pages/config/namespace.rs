//! `/config/:env/:namespace`: the draft, publishing, the gray release and instances, history,
//! and comparison with other environments.

use super::compare::{CompareSection, ComparisonData};
use super::entries::EntriesSection;
use super::gray::{GraySection, InstancesData};
use super::history::history_data;
use super::publish::PublishDialog;
use super::{follow_switcher, may_config};
use crate::AppError;
use crate::api::{ResetDraft, get_draft};
use crate::config::{DiscardDraft, Draft, ReleaseDiff};
use crate::permissions::Action;
use crate::ui::components::release_label;
use crate::ui::components::{
    ConfirmButton, ErrorNotice, HistoryData, Notice, ReleaseHistory, title,
};
use crate::ui::style::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

#[component]
pub fn NamespacePage() -> impl IntoView {
    let params = use_params_map();
    let environment = Memo::new(move |_| params.with(|p| p.get("env").unwrap_or_default()));
    let namespace = Memo::new(move |_| params.with(|p| p.get("namespace").unwrap_or_default()));
    follow_switcher(environment, move || {
        format!("/{}", namespace.get_untracked())
    });
    let tick = RwSignal::new(0u32);
    let draft = Resource::new(
        move || (environment.get(), namespace.get(), tick.get()),
        |(env, ns, _)| get_draft(env, ns),
    );
    // Every resource of the page is created here, before anything suspends (see HistoryData).
    let scope = Signal::derive(move || (environment.get(), namespace.get()));
    let sections = Sections {
        instances: InstancesData::new(scope, tick.into()),
        history: history_data(scope, tick.into()),
        comparison: ComparisonData::new(scope),
    };
    let notice = RwSignal::new(None::<String>);
    let changed = Callback::new(move |message: String| {
        notice.set(Some(message));
        tick.update(|n| *n += 1);
    });
    view! {
        <Title text=title(namespace, "Config") />
        <div class="space-y-6">
            <A href=move || format!("/config/{}", environment.get()) attr:class=BTN_LINK>"← Namespaces"</A>
            <Notice message=notice />
            <Transition fallback=|| view! { <p class=MUTED>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match draft.await {
                        Ok(d) => view! { <DraftView draft=d sections changed /> }.into_any(),
                        Err(e) => view! { <ErrorNotice error=Signal::stored(Some(e)) /> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

/// The data of the sections under the draft.
#[derive(Clone, Copy)]
struct Sections {
    instances: InstancesData,
    history: HistoryData<ReleaseDiff>,
    comparison: ComparisonData,
}

#[component]
fn DraftView(draft: Draft, sections: Sections, changed: Callback<String>) -> impl IntoView {
    let can_write = may_config(&draft.environment, Action::Write);
    let can_publish = may_config(&draft.environment, Action::Publish);
    let publishing = RwSignal::new(false);
    let pending = draft.pending.change_count();
    let discard = ServerAction::<ResetDraft>::new();
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| match discard.value().get() {
        Some(Ok(())) => changed.run("Draft discarded: it matches the live release again.".into()),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let published = Callback::new(move |m: String| {
        publishing.set(false);
        changed.run(m);
    });
    let (env, ns) = (draft.environment.clone(), draft.namespace.clone());
    let draft_version = draft.draft_version;
    let dialog_draft = draft.clone();
    view! {
        <div class="flex flex-wrap items-start justify-between gap-3">
            <div>
                <h1 class=H1>{draft.namespace.clone()}</h1>
                <p class=MUTED>{draft.description.clone()}</p>
                <p class="mt-1 flex flex-wrap gap-2 text-sm">
                    <span class=BADGE>{draft.environment.clone()}</span>
                    <span class={if draft.main_version == 0 { BADGE } else { BADGE_OK }} data-testid="live-version">{format!("live: {}", release_label(draft.main_version))}</span>
                    {draft.gray.as_ref().map(|g| view! { <span class=BADGE_WARN>{format!("gray v{}: {}", g.version, g.target)}</span> })}
                    {(pending > 0).then(|| view! { <span class=BADGE_WARN data-testid="pending">{format!("{pending} pending")}</span> })}
                </p>
            </div>
            <div class="flex flex-wrap gap-2">
                {(can_write && pending > 0).then(|| {
                    let (env, ns) = (env.clone(), ns.clone());
                    view! {
                        <ConfirmButton
                            label="Discard draft"
                            question="Put the draft back to the live release?"
                            on_confirm=move |_| { discard.dispatch(ResetDraft { input: DiscardDraft { namespace: ns.clone(), environment: env.clone(), draft_version } }); }
                        />
                    }
                })}
                {can_publish.then(|| view! {
                    <button type="button" class=BTN_PRIMARY disabled=pending == 0 on:click=move |_| publishing.set(true)>"Publish…"</button>
                })}
            </div>
        </div>
        <ErrorNotice error=error />
        {move || publishing.get().then(|| view! {
            <PublishDialog draft=dialog_draft.clone() done=published cancel=Callback::new(move |_| publishing.set(false)) />
        })}
        <EntriesSection draft=draft.clone() can_write on_saved=changed />
        <GraySection
            environment=env.clone()
            namespace=ns.clone()
            gray=draft.gray.clone()
            main_version=draft.main_version
            can_publish
            instances=sections.instances
            done=changed
        />
        <ReleaseHistory
            data=sections.history
            environment=env.clone()
            key=ns.clone()
            main_version=draft.main_version
            draft_version=draft.draft_version
            pending
            can_publish
            done=changed
        />
        <CompareSection
            environment=env
            namespace=ns
            draft_version=draft.draft_version
            can_write
            comparison=sections.comparison
            done=changed
        />
    }
}
