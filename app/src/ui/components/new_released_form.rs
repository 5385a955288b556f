//! The form for a new config namespace or menu: a key and a description, checked by the rules
//! the server runs, created from the environment the user works in.

use super::{ErrorNotice, TextField};
use crate::AppError;
use crate::ui::form::Form;
use crate::ui::style::*;
use crate::validation::Validate;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use std::marker::PhantomData;

/// The server function that creates a subject of one kind, and what its form says.
pub trait CreatesReleased: ServerFn<Error = AppError> + Clone + Send + Sync + 'static
where
    Self::Output: Clone + Send + Sync + 'static,
{
    /// One of them: the form's name, label and button.
    const NOUN: &'static str;
    /// An example key, and what the key is for.
    const KEY_PLACEHOLDER: &'static str;
    const KEY_HINT: &'static str;
    type Input: Validate;

    fn input(key: String, description: String, environment: String) -> Self::Input;
    fn request(input: Self::Input) -> Self;
    /// The key of the subject created.
    fn created_key(output: &Self::Output) -> String;
}

#[component]
pub fn NewReleasedForm<C>(
    environment: String,
    /// Told the new subject's key.
    done: Callback<String>,
    cancel: Callback<()>,
    /// The kind created, named by the caller (`<NewReleasedForm<CreateMenu> … />`).
    #[prop(optional)]
    _kind: PhantomData<C>,
) -> impl IntoView
where
    C: CreatesReleased,
    C::Output: Clone + Send + Sync + 'static,
{
    let key = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let input = move || C::input(key.get(), description.get(), environment.clone());
    let form = Form::new(C::NOUN, {
        let input = input.clone();
        move || input().validate()
    });
    let create = ServerAction::<C>::new();
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| match create.value().get() {
        Some(Ok(created)) => done.run(C::created_key(&created)),
        Some(Err(e)) => form.refuse(e, error),
        None => {}
    });
    view! {
        <form
            class=format!("{CARD} space-y-4 p-4")
            aria-label=format!("New {}", C::NOUN)
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                error.set(None);
                if form.submit() {
                    create.dispatch(C::request(input()));
                }
            }
        >
            <div class="grid grid-cols-1 gap-4 md:grid-cols-2">
                <TextField form name="key" label="Key" value=key placeholder=C::KEY_PLACEHOLDER hint=C::KEY_HINT />
                <TextField form name="description" label="Description" value=description />
            </div>
            <ErrorNotice error=error />
            <div class="flex gap-2">
                <button type="submit" class=BTN_PRIMARY disabled=move || create.pending().get()>{format!("Create {}", C::NOUN)}</button>
                <button type="button" class=BTN_SECONDARY on:click=move |_| cancel.run(())>"Cancel"</button>
            </div>
        </form>
    }
}
