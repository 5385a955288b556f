//! What every request handler and server function can reach: the backend's database, settings,
//! delivery snapshots and password gate, and Leptos's site options.

use crate::AppError;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;
use switchboard_backend::actor::Actor;
use switchboard_backend::command::{self, Command};
use switchboard_backend::db::Db;
use switchboard_backend::delivery::Delivery;
use switchboard_backend::passwords::PasswordGate;
use switchboard_backend::settings::Settings;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    /// Shared, not copied: every request clones the state (axum's `State`), and these options
    /// hold many strings.
    pub leptos_options: Arc<LeptosOptions>,
    pub delivery: Arc<Delivery>,
    /// Bounds the password checks of sign-ins (see [`PasswordGate`]).
    pub passwords: Arc<PasswordGate>,
}

impl AppState {
    /// Runs a command through the command layer, then refreshes what it changed for the delivery
    /// APIs on this server before answering (so a revoked key is refused from the next request).
    pub async fn execute<C: Command>(
        &self,
        actor: &Actor,
        command: C,
    ) -> Result<C::Output, AppError> {
        let topics = command.topics();
        let output = command::execute(&self.db, actor, command).await?;
        if !topics.is_empty() {
            // The change is committed; a failed refresh is retried by the change follower.
            if let Err(e) = self.delivery.refresh(&self.db, topics).await {
                tracing::error!(error = %e, "refreshing delivery snapshots after a command failed");
            }
        }
        Ok(output)
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        LeptosOptions::clone(&state.leptos_options)
    }
}
