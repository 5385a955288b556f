//! `/menus` (sends you to your environment) and `/menus/:env`: the menus with their live version
//! and pending draft changes, and a form for a new menu.

use super::{follow_switcher, may_menus};
use crate::AppError;
use crate::api::{CreateMenu, list_menus};
use crate::menus::NewMenu;
use crate::permissions::Action;
use crate::ui::components::{EnvironmentRedirect, ErrorNotice, Notice, TextField};
use crate::ui::form::Form;
use crate::ui::pages::config::release_label;
use crate::ui::style::*;
use crate::validation::Validate;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

#[component]
pub fn MenusIndexPage() -> impl IntoView {
    view! { <EnvironmentRedirect base="/menus" /> }
}

#[component]
pub fn MenusPage() -> impl IntoView {
    let params = use_params_map();
    let environment = Memo::new(move |_| params.with(|p| p.get("env").unwrap_or_default()));
    follow_switcher(environment, String::new);
    let reload = RwSignal::new(0u32);
    let menus = Resource::new(
        move || (environment.get(), reload.get()),
        |(env, _)| list_menus(env),
    );
    let notice = RwSignal::new(None::<String>);
    let creating = RwSignal::new(false);
    view! {
        <Title text="Menus" />
        <div class="space-y-6">
            <div class="flex flex-wrap items-center justify-between gap-3">
                <div>
                    <h1 class=H1>"Menus"</h1>
                    <p class=MUTED>
                        "Navigation trees apps fetch already filtered for each user, in "
                        <strong>{move || environment.get()}</strong>
                        ". Edits collect in a shared draft until someone publishes them."
                    </p>
                </div>
                {move || may_menus(&environment.get(), Action::Write).then(|| view! {
                    <button type="button" class=BTN_PRIMARY on:click=move |_| creating.set(true)>"New menu"</button>
                })}
            </div>
            <Notice message=notice />
            {move || creating.get().then(|| view! {
                <NewMenuForm
                    environment=environment.get_untracked()
                    done=Callback::new(move |key: String| {
                        creating.set(false);
                        notice.set(Some(format!("Created {key}.")));
                        reload.update(|n| *n += 1);
                    })
                    cancel=Callback::new(move |_| creating.set(false))
                />
            })}
            <Transition fallback=|| view! { <p class=MUTED>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let env = environment.get_untracked();
                    match menus.await {
                        Ok(list) if list.is_empty() => view! {
                            <p class=format!("{CARD} p-6 text-center text-sm text-slate-500")>"No menus yet."</p>
                        }.into_any(),
                        Ok(list) => view! {
                            <div class=format!("{CARD} overflow-x-auto")>
                                <table class=TABLE>
                                    <thead><tr>
                                        <th class=TH>"Menu"</th>
                                        <th class=TH>"Items"</th>
                                        <th class=TH>"Live"</th>
                                        <th class=TH>"Draft"</th>
                                    </tr></thead>
                                    <tbody class="divide-y divide-slate-100 dark:divide-slate-800">
                                        {list.into_iter().map(|m| {
                                            let (href, label) = (format!("/menus/{env}/{}", m.key), m.key.clone());
                                            view! {
                                            <tr data-testid="menu-row" data-key=m.key.clone()>
                                                <td class=TD>
                                                    <A href=href attr:class=BTN_LINK>{label}</A>
                                                    {(!m.description.is_empty()).then(|| view! { <p class="text-xs text-slate-500">{m.description.clone()}</p> })}
                                                </td>
                                                <td class=TD>{m.items}</td>
                                                <td class=TD>
                                                    <span class={if m.main_version == 0 { BADGE } else { BADGE_OK }}>{release_label(m.main_version)}</span>
                                                </td>
                                                <td class=TD>
                                                    {if m.pending > 0 {
                                                        view! { <span class=BADGE_WARN data-testid="pending">{format!("{} pending", m.pending)}</span> }.into_any()
                                                    } else {
                                                        view! { <span class=MUTED>"published"</span> }.into_any()
                                                    }}
                                                </td>
                                            </tr>
                                        }}).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any(),
                        Err(e) => view! { <ErrorNotice error=Signal::stored(Some(e)) /> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn NewMenuForm(environment: String, done: Callback<String>, cancel: Callback<()>) -> impl IntoView {
    let key = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let input = move || NewMenu {
        key: key.get(),
        description: description.get(),
        environment: environment.clone(),
    };
    let form = Form::new("menu", {
        let input = input.clone();
        move || input().validate()
    });
    let create = ServerAction::<CreateMenu>::new();
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| match create.value().get() {
        Some(Ok(m)) => done.run(m.key),
        Some(Err(e)) => {
            form.absorb(&e);
            error.set(Some(e));
        }
        None => {}
    });
    view! {
        <form
            class=format!("{CARD} space-y-4 p-4")
            aria-label="New menu"
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                error.set(None);
                if form.submit() {
                    create.dispatch(CreateMenu { input: input() });
                }
            }
        >
            <div class="grid grid-cols-1 gap-4 md:grid-cols-2">
                <TextField form name="key" label="Key" value=key placeholder="web-main" hint="What apps ask for; the same in every environment." />
                <TextField form name="description" label="Description" value=description />
            </div>
            <ErrorNotice error=error />
            <div class="flex gap-2">
                <button type="submit" class=BTN_PRIMARY disabled=move || create.pending().get()>"Create menu"</button>
                <button type="button" class=BTN_SECONDARY on:click=move |_| cancel.run(())>"Cancel"</button>
            </div>
        </form>
    }
}
