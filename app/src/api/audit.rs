use crate::AppError;
use crate::domain::{AuditFilter, AuditPage};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Audit events the signed-in user may read, newest first.
// POST with a JSON body: a URL-encoded filter whose fields are all empty would vanish entirely.
#[server(prefix = "/rpc", endpoint = "audit/list", input = Json)]
pub async fn list_audit(filter: AuditFilter) -> Result<AuditPage, AppError> {
    use super::server::*;
    let (state, me) = authenticated().await?;
    switchboard_backend::audit_log::list(&state.db, &me.actor, &filter).await
}
