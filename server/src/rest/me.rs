use super::TokenActor;
use super::schema::ErrorBody;
use app::permissions::Subject;
use axum::Json;
use serde::Serialize;

#[derive(Serialize, utoipa::ToSchema)]
pub struct Me {
    /// The token's name.
    pub name: String,
    pub subject: Subject,
}

/// Who the token is and what it may do.
#[utoipa::path(get, path = "/api/admin/v1/me", tag = "tokens",
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn show(TokenActor(actor): TokenActor) -> Json<Me> {
    Json(Me {
        name: actor.name,
        subject: actor.subject,
    })
}
