use crate::AppError;
use crate::flags::{DeleteSegment, NewSegment, Segment, UpdateSegment};
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};

#[server(prefix = "/rpc", endpoint = "segments/list", input = GetUrl)]
pub async fn list_segments() -> Result<Vec<Segment>, AppError> {
    use super::server::*;
    let (state, me) = authenticated().await?;
    switchboard_backend::flags::segments::list(&state.db, &me.actor).await
}

#[server(prefix = "/rpc", endpoint = "segments/create", input = Json)]
pub async fn create_segment(input: NewSegment) -> Result<Segment, AppError> {
    super::server::run(input).await
}

#[server(prefix = "/rpc", name = SaveSegment, endpoint = "segments/update", input = Json)]
pub async fn update_segment(input: UpdateSegment) -> Result<Segment, AppError> {
    super::server::run(input).await
}

#[server(prefix = "/rpc", name = RemoveSegment, endpoint = "segments/delete", input = Json)]
pub async fn delete_segment(input: DeleteSegment) -> Result<(), AppError> {
    super::server::run(input).await
}
