use crate::AppError;
use crate::config::{
    CopyNamespace, DiscardDraft, Draft, DraftEntry, EnvironmentComparison, FinishGray,
    InstanceView, NamespaceSummary, NewNamespace, PublishDraft, Release, ReleaseDiff,
    ReleaseSummary, RemoveEntry, RollbackRelease, SetEntry,
};
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};

/// Namespaces in one environment, with their pending-draft counts.
#[server(prefix = "/rpc", endpoint = "config/list", input = GetUrl)]
pub async fn list_namespaces(environment: String) -> Result<Vec<NamespaceSummary>, AppError> {
    use super::server::*;
    let (state, me) = authenticated().await?;
    switchboard_backend::config::queries::list(&state.db, &me.actor, &environment).await
}

#[server(prefix = "/rpc", endpoint = "config/draft", input = GetUrl)]
pub async fn get_draft(environment: String, namespace: String) -> Result<Draft, AppError> {
    use super::server::*;
    let (state, me) = authenticated().await?;
    switchboard_backend::config::queries::draft(&state.db, &me.actor, &environment, &namespace)
        .await
}

/// Newest first.
#[server(prefix = "/rpc", endpoint = "config/releases", input = GetUrl)]
pub async fn list_releases(
    environment: String,
    namespace: String,
) -> Result<Vec<ReleaseSummary>, AppError> {
    use super::server::*;
    let (state, me) = authenticated().await?;
    switchboard_backend::config::queries::releases(&state.db, &me.actor, &environment, &namespace)
        .await
}

#[server(prefix = "/rpc", endpoint = "config/release", input = GetUrl)]
pub async fn get_release(
    environment: String,
    namespace: String,
    version: i64,
) -> Result<Release, AppError> {
    use super::server::*;
    let (state, me) = authenticated().await?;
    switchboard_backend::config::queries::release(
        &state.db,
        &me.actor,
        &environment,
        &namespace,
        version,
    )
    .await
}

/// `to` against `from` (or against the release before it).
#[server(prefix = "/rpc", endpoint = "config/diff", input = GetUrl)]
pub async fn diff_releases(
    environment: String,
    namespace: String,
    from: Option<i64>,
    to: i64,
) -> Result<ReleaseDiff, AppError> {
    use super::server::*;
    let (state, me) = authenticated().await?;
    switchboard_backend::config::queries::diff(
        &state.db,
        &me.actor,
        &environment,
        &namespace,
        from,
        to,
    )
    .await
}

#[server(prefix = "/rpc", endpoint = "config/compare", input = GetUrl)]
pub async fn compare_environments(
    namespace: String,
    from: String,
    to: String,
) -> Result<EnvironmentComparison, AppError> {
    use super::server::*;
    let (state, me) = authenticated().await?;
    switchboard_backend::config::queries::compare(&state.db, &me.actor, &namespace, &from, &to)
        .await
}

#[server(prefix = "/rpc", endpoint = "config/instances", input = GetUrl)]
pub async fn list_instances(
    environment: String,
    namespace: String,
) -> Result<Vec<InstanceView>, AppError> {
    use super::server::*;
    let (state, me) = authenticated().await?;
    switchboard_backend::config::queries::instances(
        &state.db,
        &me.actor,
        &state.delivery,
        &environment,
        &namespace,
    )
    .await
}

#[server(prefix = "/rpc", endpoint = "config/create", input = Json)]
pub async fn create_namespace(input: NewNamespace) -> Result<NamespaceSummary, AppError> {
    super::server::run(input).await
}

#[server(prefix = "/rpc", name = SaveEntry, endpoint = "config/set-entry", input = Json)]
pub async fn set_entry(input: SetEntry) -> Result<DraftEntry, AppError> {
    super::server::run(input).await
}

#[server(prefix = "/rpc", name = DeleteEntry, endpoint = "config/remove-entry", input = Json)]
pub async fn remove_entry(input: RemoveEntry) -> Result<(), AppError> {
    super::server::run(input).await
}

#[server(prefix = "/rpc", name = ResetDraft, endpoint = "config/discard", input = Json)]
pub async fn discard_draft(input: DiscardDraft) -> Result<(), AppError> {
    super::server::run(input).await
}

#[server(prefix = "/rpc", name = CopyDraft, endpoint = "config/copy", input = Json)]
pub async fn copy_namespace(input: CopyNamespace) -> Result<(), AppError> {
    super::server::run(input).await
}

#[server(prefix = "/rpc", name = Publish, endpoint = "config/publish", input = Json)]
pub async fn publish_draft(input: PublishDraft) -> Result<ReleaseSummary, AppError> {
    super::server::run(input).await
}

#[server(prefix = "/rpc", name = Rollback, endpoint = "config/rollback", input = Json)]
pub async fn rollback_release(input: RollbackRelease) -> Result<ReleaseSummary, AppError> {
    super::server::run(input).await
}

/// Promotes or abandons the gray release in progress.
#[server(prefix = "/rpc", name = EndGray, endpoint = "config/finish-gray", input = Json)]
pub async fn finish_gray(input: FinishGray) -> Result<(), AppError> {
    super::server::run(input).await
}
