//! Plumbing for server function bodies: reach the server state, authenticate, and put the error's
//! HTTP status on the response.

use crate::AppError;
use crate::backend::AppState;
use crate::backend::sessions::{self, SignedIn};
use http::StatusCode;
use http::request::Parts;
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;
use std::future::Future;

pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from server function context");
        AppError::Internal
    })
}

pub fn parts() -> Result<Parts, AppError> {
    use_context::<Parts>().ok_or(AppError::Internal)
}

/// Runs a server function body and turns an error into the matching HTTP status (and a 429's
/// `Retry-After`, as the REST API sends it).
pub async fn respond<T>(body: impl Future<Output = Result<T, AppError>>) -> Result<T, AppError> {
    let result = body.await;
    if let Err(e) = &result
        && let Some(response) = use_context::<ResponseOptions>()
    {
        response.set_status(
            StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        );
        if let AppError::RateLimited {
            retry_after_secs, ..
        } = e
        {
            set_header(http::header::RETRY_AFTER, &retry_after_secs.to_string());
        }
    }
    result
}

pub fn set_header(name: http::HeaderName, value: &str) {
    if let (Some(response), Ok(value)) = (
        use_context::<ResponseOptions>(),
        http::HeaderValue::from_str(value),
    ) {
        response.append_header(name, value);
    }
}

/// The state and the signed-in user, or 401.
pub async fn authenticated() -> Result<(AppState, SignedIn), AppError> {
    let state = state()?;
    let me = sessions::require(&state.db, &state.settings, &parts()?).await?;
    Ok((state, me))
}

/// The environment a dashboard page shows: the one `named` in its address (None if there is no
/// such environment: the caller's query refuses an unknown or forbidden name with its own error),
/// else the user's `remembered` choice if they may still see it, else the first one they may see.
/// The page passes both, so the answer depends on nothing but the request's own arguments.
pub async fn shown_environment(
    state: &AppState,
    me: &SignedIn,
    named: Option<&str>,
    remembered: Option<&str>,
) -> Result<Option<crate::domain::Environment>, AppError> {
    use crate::backend::environments;
    match named.filter(|key| !key.is_empty()) {
        Some(key) => Ok(environments::list_all(&state.db)
            .await?
            .into_iter()
            .find(|e| e.key == key)),
        None => {
            let visible = environments::list(&state.db, &me.actor).await?;
            Ok(crate::domain::chosen_or_first(&visible, remembered).cloned())
        }
    }
}

/// Runs a command for the signed-in user through the command layer.
pub async fn run<C: crate::backend::command::Command>(command: C) -> Result<C::Output, AppError> {
    respond(async {
        let (state, me) = authenticated().await?;
        state.execute(&me.actor, command).await
    })
    .await
}
