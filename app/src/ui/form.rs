//! Form state around the shared validation rules: the browser runs the same `Validate` impl the
//! server runs, field by field as the user types, and merges the server's field errors (such as
//! "a user with this email exists") when they come back.

use crate::AppError;
use crate::validation::FieldErrors;
use leptos::prelude::*;
use std::collections::BTreeSet;

#[derive(Clone, Copy)]
pub struct Form {
    /// Prefix of the element ids of this form's fields (unique on the page).
    pub id: &'static str,
    client: Memo<FieldErrors>,
    server: RwSignal<FieldErrors>,
    touched: RwSignal<BTreeSet<String>>,
    submitted: RwSignal<bool>,
}

impl Form {
    /// `validate` builds the input from the form's signals and runs its shared rules.
    pub fn new(
        id: &'static str,
        validate: impl Fn() -> Result<(), FieldErrors> + Send + Sync + 'static,
    ) -> Form {
        Form {
            id,
            client: Memo::new(move |_| validate().err().unwrap_or_default()),
            server: RwSignal::new(FieldErrors::new()),
            touched: RwSignal::new(BTreeSet::new()),
            submitted: RwSignal::new(false),
        }
    }

    /// The user edited `field`: show its client errors from now on, and drop a stale server error.
    pub fn touch(&self, field: &str) {
        if !self.touched.with_untracked(|t| t.contains(field)) {
            self.touched.update(|t| {
                t.insert(field.to_string());
            });
        }
        if self.server.with_untracked(|s| s.get(field).is_some()) {
            self.server.update(|s| {
                s.0.remove(field);
            });
        }
    }

    /// The message to show beside `field`, if any.
    pub fn error(&self, field: impl Into<String>) -> Signal<Option<String>> {
        let field = field.into();
        let this = *self;
        Signal::derive(move || {
            let shown = this.submitted.get() || this.touched.with(|t| t.contains(&field));
            let client = shown
                .then(|| this.client.with(|e| e.get(&field).map(str::to_string)))
                .flatten();
            client.or_else(|| this.server.with(|e| e.get(&field).map(str::to_string)))
        })
    }

    /// Every error to show now (touched or submitted client errors, then server errors), for
    /// editors that place errors by path themselves.
    pub fn all_errors(&self) -> FieldErrors {
        let submitted = self.submitted.get();
        let touched = self.touched.get();
        let mut out = FieldErrors::new();
        self.client.with(|c| {
            for (field, message) in &c.0 {
                let shown = submitted
                    || touched
                        .iter()
                        .any(|t| field == t || field.starts_with(&format!("{t}.")));
                if shown {
                    out.add(field.clone(), message.clone());
                }
            }
        });
        self.server.with(|s| {
            for (field, message) in &s.0 {
                out.add(field.clone(), message.clone());
            }
        });
        out
    }

    /// Are there client-side errors right now (to disable a submit button once shown)?
    pub fn has_errors(&self) -> Signal<bool> {
        let this = *self;
        Signal::derive(move || this.submitted.get() && !this.client.with(FieldErrors::is_empty))
    }

    /// Marks every field as shown; true when the input passes the shared rules.
    pub fn submit(&self) -> bool {
        self.submitted.set(true);
        self.client.with_untracked(FieldErrors::is_empty)
    }

    /// Takes field errors from a server answer.
    pub fn absorb(&self, error: &AppError) {
        if let Some(fields) = error.field_errors() {
            self.server.set(fields.clone());
        }
    }

    /// Shows a server's refusal: its field errors beside their fields, the whole error in
    /// `notice` (the form's error banner).
    pub fn refuse(&self, error: AppError, notice: RwSignal<Option<AppError>>) {
        self.absorb(&error);
        notice.set(Some(error));
    }

    pub fn reset(&self) {
        self.server.set(FieldErrors::new());
        self.touched.set(BTreeSet::new());
        self.submitted.set(false);
    }
}
