//! The signed-in frame: sidebar, environment switcher, user menu; pages render in its outlet.

use super::auth::{CurrentUser, use_auth};
use super::env_pref::{self, CurrentEnv};
use super::nav;
use super::style::{BTN_SECONDARY, INPUT_BASE};
use crate::api::Logout;
use crate::domain::{Environment, SessionInfo};
use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos_router::components::{A, Outlet, Redirect};
use leptos_router::hooks::{use_location, use_navigate};

/// Shows the frame for a signed-in user, or sends the visitor to sign in (with a way back).
#[component]
pub fn SignedInLayout() -> impl IntoView {
    let auth = use_auth();
    let location = use_location();
    view! {
        <Suspense fallback=|| view! { <p class="p-8 text-sm text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match auth.session.await {
                    Ok(Some(session)) => EitherOf3::A(view! { <Frame session /> }),
                    Ok(None) => {
                        let here = location.pathname.get_untracked();
                        let target = if here == "/" {
                            "/login".to_string()
                        } else {
                            format!("/login?next={}", encode_component(&here))
                        };
                        EitherOf3::B(view! { <Redirect path=target /> })
                    }
                    Err(e) => EitherOf3::C(view! {
                        <div class="mx-auto max-w-lg p-8">
                            <h1 class="text-lg font-semibold">"Switchboard is unavailable"</h1>
                            <p class="mt-2 text-sm text-slate-600 dark:text-slate-400">{e.to_string()}</p>
                        </div>
                    }),
                }
            })}
        </Suspense>
    }
}

/// Percent-encodes a path for a query parameter.
fn encode_component(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[component]
fn Frame(session: SessionInfo) -> impl IntoView {
    provide_context(CurrentUser(session.clone()));
    CurrentEnv::provide();
    let sections = nav::sections(&session.subject);
    view! {
        <div class="flex min-h-screen flex-col md:flex-row">
            <aside class="border-b border-slate-200 bg-white md:w-56 md:shrink-0 md:border-b-0 md:border-r dark:border-slate-800 dark:bg-slate-900">
                <div class="flex items-center gap-2 px-4 py-3 md:py-5">
                    <span aria-hidden="true" class="grid h-7 w-7 place-items-center rounded-md bg-indigo-600 text-sm font-bold text-white">"S"</span>
                    <span class="font-semibold tracking-tight">"Switchboard"</span>
                </div>
                <nav aria-label="Main" class="px-2 pb-2">
                    <ul class="flex gap-1 overflow-x-auto md:flex-col">
                        {sections
                            .into_iter()
                            .map(|s| view! {
                                <li>
                                    <A href=s.href attr:class="block whitespace-nowrap rounded-md px-3 py-2 text-sm font-medium text-slate-600 hover:bg-slate-100 hover:text-slate-900 aria-[current=page]:bg-indigo-50 aria-[current=page]:text-indigo-700 dark:text-slate-300 dark:hover:bg-slate-800 dark:hover:text-white dark:aria-[current=page]:bg-indigo-950 dark:aria-[current=page]:text-indigo-300">
                                        {s.label}
                                    </A>
                                </li>
                            })
                            .collect_view()}
                    </ul>
                </nav>
            </aside>
            <div class="flex min-w-0 flex-1 flex-col">
                <header class="flex flex-wrap items-center justify-between gap-3 border-b border-slate-200 bg-white px-4 py-3 dark:border-slate-800 dark:bg-slate-900">
                    <EnvSwitcher />
                    <UserMenu session />
                </header>
                <main class="min-w-0 flex-1 p-4 md:p-8">
                    <Outlet />
                </main>
            </div>
        </div>
    }
}

#[component]
fn EnvSwitcher() -> impl IntoView {
    let current = expect_context::<CurrentEnv>();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let envs: Vec<Environment> = current.environments.await.unwrap_or_default();
                if envs.is_empty() {
                    return None;
                }
                let selected = move || current.key().unwrap_or_default();
                Some(view! {
                    <label class="flex items-center gap-2 text-sm">
                        <span class="text-slate-500 dark:text-slate-400">"Environment"</span>
                        <select
                            class=format!("{INPUT_BASE} w-auto")
                            data-testid="env-switcher"
                            prop:value=selected
                            on:change=move |ev| {
                                let key = event_target_value(&ev);
                                env_pref::remember(&key);
                                current.chosen.set(Some(key));
                            }
                        >
                            {envs
                                .into_iter()
                                .map(|e| {
                                    let key = e.key.clone();
                                    view! {
                                        <option value=e.key.clone() selected=move || selected() == key>
                                            {e.name}
                                            {e.protected.then_some(" (protected)")}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                    </label>
                })
            })}
        </Suspense>
    }
}

#[component]
fn UserMenu(session: SessionInfo) -> impl IntoView {
    let auth = use_auth();
    let logout = ServerAction::<Logout>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = logout.value().get() {
            auth.reload();
            navigate("/login", Default::default());
        }
    });
    view! {
        <div class="flex items-center gap-3">
            <div class="text-right text-sm leading-tight">
                <div class="font-medium" data-testid="current-user">{session.name.clone()}</div>
                <div class="text-xs text-slate-500 dark:text-slate-400">
                    {session.email.clone()}
                    {session.subject.admin.then_some(" · administrator")}
                </div>
            </div>
            <button
                type="button"
                class=BTN_SECONDARY
                disabled=move || logout.pending().get()
                on:click=move |_| {
                    logout.dispatch(Logout {});
                }
            >
                "Sign out"
            </button>
        </div>
    }
}
