use super::schema::ErrorBody;
use super::{QueryParams, TokenActor};
use app::AppError;
use app::AppState;
use app::domain::{AuditFilter, AuditPage};
use axum::Json;
use axum::extract::State;
use switchboard_backend::audit_log;

/// Audit events the token may read, newest first; pass `next_before` as `before` for the next page.
/// There is no endpoint to change or delete events.
#[utoipa::path(get, path = "/api/admin/v1/audit", tag = "audit", params(AuditFilter),
    responses((status = 200, body = AuditPage), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    State(s): State<AppState>,
    TokenActor(actor): TokenActor,
    QueryParams(filter): QueryParams<AuditFilter>,
) -> Result<Json<AuditPage>, AppError> {
    Ok(Json(audit_log::list(&s.db, &actor, &filter).await?))
}
