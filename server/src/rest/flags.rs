use super::schema::{ErrorBody, Version};
use super::{JsonBody, PathParam, QueryParams, TokenActor};
use app::AppError;
use app::AppState;
use app::flags::{
    CopyFlagSettings, CopyFlagSettingsEverywhere, Flag, FlagComparison, FlagDetail,
    FlagEnvironment, FlagPage, FlagQuery, FlagSetComparison, ImportReport, ImportUnleash, NewFlag,
    Prerequisite, Rule, SaveFlagSettings, SetFlagArchived, SetFlagEnabled, UpdateFlag, Variant,
};
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use switchboard_backend::flags::queries;

#[derive(Deserialize, utoipa::ToSchema)]
pub struct FlagChanges {
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub owner: String,
    pub variants: Vec<Variant>,
    pub version: i64,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct SettingsChanges {
    pub enabled: bool,
    pub off_variant: String,
    pub default_variant: String,
    /// Other flags that must serve given variants first; absent keeps the stored ones.
    #[serde(default)]
    pub prerequisites: Option<Vec<Prerequisite>>,
    pub rules: Vec<Rule>,
    /// 0 if the environment was never configured.
    pub version: i64,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct Switch {
    pub enabled: bool,
    pub version: i64,
}

/// Flags, searched, filtered by state in an environment, sorted and paged.
#[utoipa::path(get, path = "/api/admin/v1/flags", tag = "flags", params(FlagQuery),
    responses((status = 200, body = FlagPage), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    State(s): State<AppState>,
    TokenActor(actor): TokenActor,
    QueryParams(q): QueryParams<FlagQuery>,
) -> Result<Json<FlagPage>, AppError> {
    Ok(Json(queries::list(&s.db, &actor, &q).await?))
}

#[utoipa::path(post, path = "/api/admin/v1/flags", tag = "flags", request_body = NewFlag,
    responses((status = 201, body = Flag), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(s): State<AppState>,
    TokenActor(actor): TokenActor,
    JsonBody(input): JsonBody<NewFlag>,
) -> Result<(StatusCode, Json<Flag>), AppError> {
    Ok((StatusCode::CREATED, Json(s.execute(&actor, input).await?)))
}

/// A flag with its settings in every environment the token may read.
#[utoipa::path(get, path = "/api/admin/v1/flags/{key}", tag = "flags", params(("key" = String, Path)),
    responses((status = 200, body = FlagDetail), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn show(
    State(s): State<AppState>,
    TokenActor(actor): TokenActor,
    PathParam(key): PathParam<String>,
) -> Result<Json<FlagDetail>, AppError> {
    Ok(Json(queries::detail(&s.db, &actor, &key).await?))
}

/// Changes a flag's name, description, tags, owner and variants.
#[utoipa::path(put, path = "/api/admin/v1/flags/{key}", tag = "flags", request_body = FlagChanges, params(("key" = String, Path)),
    responses((status = 200, body = Flag), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    State(s): State<AppState>,
    TokenActor(actor): TokenActor,
    PathParam(key): PathParam<String>,
    JsonBody(c): JsonBody<FlagChanges>,
) -> Result<Json<Flag>, AppError> {
    let input = UpdateFlag {
        key,
        name: c.name,
        description: c.description,
        tags: c.tags,
        owner: c.owner,
        variants: c.variants,
        version: c.version,
    };
    Ok(Json(s.execute(&actor, input).await?))
}

/// Archives a flag: it is no longer served (OFREP answers FLAG_NOT_FOUND).
#[utoipa::path(post, path = "/api/admin/v1/flags/{key}/archive", tag = "flags", request_body = Version, params(("key" = String, Path)),
    responses((status = 200, body = Flag), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn archive(
    State(s): State<AppState>,
    TokenActor(actor): TokenActor,
    PathParam(key): PathParam<String>,
    JsonBody(v): JsonBody<Version>,
) -> Result<Json<Flag>, AppError> {
    Ok(Json(
        s.execute(
            &actor,
            SetFlagArchived {
                key,
                archived: true,
                version: v.version,
            },
        )
        .await?,
    ))
}

#[utoipa::path(post, path = "/api/admin/v1/flags/{key}/restore", tag = "flags", request_body = Version, params(("key" = String, Path)),
    responses((status = 200, body = Flag), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn restore(
    State(s): State<AppState>,
    TokenActor(actor): TokenActor,
    PathParam(key): PathParam<String>,
    JsonBody(v): JsonBody<Version>,
) -> Result<Json<Flag>, AppError> {
    Ok(Json(
        s.execute(
            &actor,
            SetFlagArchived {
                key,
                archived: false,
                version: v.version,
            },
        )
        .await?,
    ))
}

/// Replaces a flag's settings in one environment: kill switch, fallback variants, prerequisites
/// (when given), rules.
#[utoipa::path(put, path = "/api/admin/v1/flags/{key}/environments/{environment}", tag = "flags", request_body = SettingsChanges,
    params(("key" = String, Path), ("environment" = String, Path)),
    responses((status = 200, body = FlagEnvironment), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn save_settings(
    State(s): State<AppState>,
    TokenActor(actor): TokenActor,
    PathParam((flag, environment)): PathParam<(String, String)>,
    JsonBody(c): JsonBody<SettingsChanges>,
) -> Result<Json<FlagEnvironment>, AppError> {
    let input = SaveFlagSettings {
        flag,
        environment,
        enabled: c.enabled,
        off_variant: c.off_variant,
        default_variant: c.default_variant,
        prerequisites: c.prerequisites,
        rules: c.rules,
        version: c.version,
    };
    Ok(Json(s.execute(&actor, input).await?))
}

/// The kill switch: turns a flag on or off in one environment.
#[utoipa::path(post, path = "/api/admin/v1/flags/{key}/environments/{environment}/switch", tag = "flags", request_body = Switch,
    params(("key" = String, Path), ("environment" = String, Path)),
    responses((status = 200, body = FlagEnvironment), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn switch(
    State(s): State<AppState>,
    TokenActor(actor): TokenActor,
    PathParam((flag, environment)): PathParam<(String, String)>,
    JsonBody(c): JsonBody<Switch>,
) -> Result<Json<FlagEnvironment>, AppError> {
    Ok(Json(
        s.execute(
            &actor,
            SetFlagEnabled {
                flag,
                environment,
                enabled: c.enabled,
                version: c.version,
            },
        )
        .await?,
    ))
}

/// Copies another environment's rules and fallbacks over this one's (the kill switch stays).
#[utoipa::path(post, path = "/api/admin/v1/flags/{key}/environments/{environment}/copy-from/{from}", tag = "flags", request_body = Version,
    params(("key" = String, Path), ("environment" = String, Path), ("from" = String, Path)),
    responses((status = 200, body = FlagEnvironment), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn copy_from(
    State(s): State<AppState>,
    TokenActor(actor): TokenActor,
    PathParam((flag, to, from)): PathParam<(String, String, String)>,
    JsonBody(v): JsonBody<Version>,
) -> Result<Json<FlagEnvironment>, AppError> {
    Ok(Json(
        s.execute(
            &actor,
            CopyFlagSettings {
                flag,
                from,
                to,
                version: v.version,
            },
        )
        .await?,
    ))
}

/// What copying would change: the readable diff of the two environments' settings, checked
/// before promoting (empty `changes`: they already serve alike). Needs read access to both.
#[utoipa::path(get, path = "/api/admin/v1/flags/{key}/environments/{environment}/copy-from/{from}", tag = "flags",
    params(("key" = String, Path), ("environment" = String, Path), ("from" = String, Path)),
    responses((status = 200, body = FlagComparison), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn copy_preview(
    State(s): State<AppState>,
    TokenActor(actor): TokenActor,
    PathParam((flag, to, from)): PathParam<(String, String, String)>,
) -> Result<Json<FlagComparison>, AppError> {
    Ok(Json(
        queries::compare(&s.db, &actor, &flag, &from, &to).await?,
    ))
}

/// Every flag whose settings copying from `from` would change in this environment, with the
/// changes (flags already alike are left out). Needs read access to both environments.
#[utoipa::path(get, path = "/api/admin/v1/environments/{environment}/flags/copy-from/{from}", tag = "flags",
    params(("environment" = String, Path), ("from" = String, Path)),
    responses((status = 200, body = FlagSetComparison), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn compare_environments(
    State(s): State<AppState>,
    TokenActor(actor): TokenActor,
    PathParam((to, from)): PathParam<(String, String)>,
) -> Result<Json<FlagSetComparison>, AppError> {
    Ok(Json(
        queries::compare_environments(&s.db, &actor, &from, &to).await?,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct EveryVersion {
    /// Every other environment's settings version, as read (0: never configured there).
    pub versions: std::collections::BTreeMap<String, i64>,
}

/// Copies one environment's rules and fallbacks over every other environment's, all or nothing
/// (each keeps its kill switch). Needs write access to flags everywhere.
#[utoipa::path(post, path = "/api/admin/v1/flags/{key}/copy-everywhere-from/{from}", tag = "flags", request_body = EveryVersion,
    params(("key" = String, Path), ("from" = String, Path)),
    responses((status = 200, body = Vec<FlagEnvironment>), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn copy_everywhere(
    State(s): State<AppState>,
    TokenActor(actor): TokenActor,
    PathParam((flag, from)): PathParam<(String, String)>,
    JsonBody(v): JsonBody<EveryVersion>,
) -> Result<Json<Vec<FlagEnvironment>>, AppError> {
    Ok(Json(
        s.execute(
            &actor,
            CopyFlagSettingsEverywhere {
                flag,
                from,
                versions: v.versions,
            },
        )
        .await?,
    ))
}

/// Imports an Unleash export (the client API's feature state, or delta events) into one
/// environment. The body is the Unleash JSON document itself.
#[utoipa::path(post, path = "/api/admin/v1/environments/{environment}/import/unleash", tag = "flags",
    params(("environment" = String, Path)), request_body(content = String, content_type = "application/json"),
    responses((status = 200, body = ImportReport), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn import_unleash(
    State(s): State<AppState>,
    TokenActor(actor): TokenActor,
    PathParam(environment): PathParam<String>,
    body: Bytes,
) -> Result<Json<ImportReport>, AppError> {
    let document = String::from_utf8(body.to_vec())
        .map_err(|_| AppError::bad_request("the body is not UTF-8 text"))?;
    Ok(Json(
        s.execute(
            &actor,
            ImportUnleash {
                environment,
                document,
            },
        )
        .await?,
    ))
}
