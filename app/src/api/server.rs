//! Plumbing for server function bodies: reach the server state and authenticate. (An error's HTTP
//! status is set in one place for every server function: `server/src/rpc_status.rs`.)

use crate::AppError;
use crate::AppState;
use http::request::Parts;
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;
use switchboard_backend::sessions::{self, SignedIn};

pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from server function context");
        AppError::Internal
    })
}

pub fn parts() -> Result<Parts, AppError> {
    use_context::<Parts>().ok_or(AppError::Internal)
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
    use switchboard_backend::environments;
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
pub async fn run<C: switchboard_backend::command::Command>(
    command: C,
) -> Result<C::Output, AppError> {
    let (state, me) = authenticated().await?;
    state.execute(&me.actor, command).await
}
