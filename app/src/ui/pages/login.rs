use crate::AppError;
use crate::api::Login;
use crate::domain::Credentials;
use crate::redirects::safe_next;
use crate::ui::auth::use_auth;
use crate::ui::components::{ErrorNotice, TextField};
use crate::ui::form::Form;
use crate::ui::style::{BTN_PRIMARY, CARD};
use crate::validation::Validate;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_navigate, use_query_map};

#[component]
pub fn LoginPage() -> impl IntoView {
    let auth = use_auth();
    let query = use_query_map();
    view! {
        <Title text="Sign in" />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match auth.session.await {
                    // Already signed in: straight on (a 302 when the server renders this).
                    Ok(Some(_)) => {
                        let next = safe_next(query.with_untracked(|q| q.get("next")).as_deref());
                        view! { <Redirect path=next /> }.into_any()
                    }
                    _ => view! { <LoginForm /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn LoginForm() -> impl IntoView {
    let auth = use_auth();
    let query = use_query_map();
    let navigate = use_navigate();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let credentials = move || Credentials {
        email: email.get(),
        password: password.get(),
    };
    let form = Form::new("login", move || credentials().validate());
    let action = ServerAction::<Login>::new();
    let error = RwSignal::new(None::<AppError>);
    // The button works only once the page is interactive, so a too-early click cannot submit
    // the password as a plain form.
    let interactive = RwSignal::new(false);
    Effect::new(move |_| interactive.set(true));
    Effect::new(move |_| match action.value().get() {
        Some(Ok(_)) => {
            auth.reload();
            let next = safe_next(query.with_untracked(|q| q.get("next")).as_deref());
            navigate(&next, Default::default());
        }
        Some(Err(e)) => form.refuse(e, error),
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        if form.submit() {
            action.dispatch(Login {
                credentials: credentials(),
            });
        }
    };
    view! {
        <div class="grid min-h-screen place-items-center p-4">
            <div class=format!("{CARD} w-full max-w-sm p-6")>
                <div class="mb-6 flex items-center gap-2">
                    <span aria-hidden="true" class="grid h-8 w-8 place-items-center rounded-md bg-indigo-600 font-bold text-white">"S"</span>
                    <h1 class="text-lg font-semibold">"Sign in to Switchboard"</h1>
                </div>
                <form method="post" class="space-y-4" on:submit=on_submit novalidate>
                    <TextField form name="email" label="Email" value=email kind="email" autocomplete="username" />
                    <TextField form name="password" label="Password" value=password kind="password" autocomplete="current-password" />
                    <ErrorNotice error=error />
                    <button
                        type="submit"
                        class=format!("{BTN_PRIMARY} w-full")
                        disabled=move || !interactive.get() || action.pending().get()
                    >
                        {move || if action.pending().get() { "Signing in…" } else { "Sign in" }}
                    </button>
                </form>
            </div>
        </div>
    }
}
