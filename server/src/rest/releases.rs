//! The release half of a released subject's admin API, one shape for every subject (config
//! namespaces, menus): discard the draft, list releases, read one, diff two, roll back. Publishing
//! stays with each subject, whose input differs (config's gray target).
//!
//! `release_routes!` writes the handlers of one subject, each with its `#[utoipa::path]`, into a
//! module named by the caller; `rest::api()` routes them like any other handler. It is a macro
//! because utoipa reads each path as a literal; the paths, the subject's path parameter and the
//! names of its types and commands are the only things that differ.

/// Literals arrive as `tt` so utoipa's attribute parser sees plain string literals.
macro_rules! release_routes {
    (
        module: $module:ident,
        tag: $tag:tt,
        subject: $subject:ident,
        subject_param: $subject_param:tt,
        queries: $queries:path,
        summary: $summary:ident,
        release: $release:ident,
        diff: $diff:ident,
        discard: $discard:ident,
        rollback: $rollback:ident,
        discard_path: $discard_path:tt,
        releases_path: $releases_path:tt,
        release_path: $release_path:tt,
        diff_path: $diff_path:tt,
        rollback_path: $rollback_path:tt $(,)?
    ) => {
        pub mod $module {
            use super::*;
            use $crate::rest::config::{DiffQuery, DraftVersionInput, RollbackInput};
            use $crate::rest::schema::ErrorBody;
            use $crate::rest::{JsonBody, PathParam, QueryParams, TokenActor};
            use $queries as queries;
            use app::AppError;
            use app::AppState;
            use axum::Json;
            use axum::extract::State;
            use axum::http::StatusCode;

            /// Puts the draft back to the main release.
            #[utoipa::path(post, path = $discard_path, tag = $tag,
                params(("environment" = String, Path), ($subject_param = String, Path)), request_body = DraftVersionInput,
                responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
                security(("bearer" = [])))]
            pub async fn discard(
                State(s): State<AppState>,
                TokenActor(actor): TokenActor,
                PathParam((environment, $subject)): PathParam<(String, String)>,
                JsonBody(input): JsonBody<DraftVersionInput>,
            ) -> Result<StatusCode, AppError> {
                let command = $discard {
                    $subject,
                    environment,
                    draft_version: input.draft_version,
                };
                s.execute(&actor, command).await?;
                Ok(StatusCode::NO_CONTENT)
            }

            /// Newest first.
            #[utoipa::path(get, path = $releases_path, tag = $tag,
                params(("environment" = String, Path), ($subject_param = String, Path)),
                responses((status = 200, body = [$summary]), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
                security(("bearer" = [])))]
            pub async fn releases(
                State(s): State<AppState>,
                TokenActor(actor): TokenActor,
                PathParam((environment, $subject)): PathParam<(String, String)>,
            ) -> Result<Json<Vec<$summary>>, AppError> {
                Ok(Json(
                    queries::releases(&s.db, &actor, &environment, &$subject).await?,
                ))
            }

            #[utoipa::path(get, path = $release_path, tag = $tag,
                params(("environment" = String, Path), ($subject_param = String, Path), ("version" = i64, Path)),
                responses((status = 200, body = $release), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
                security(("bearer" = [])))]
            pub async fn release(
                State(s): State<AppState>,
                TokenActor(actor): TokenActor,
                PathParam((environment, $subject, version)): PathParam<(String, String, i64)>,
            ) -> Result<Json<$release>, AppError> {
                Ok(Json(
                    queries::release(&s.db, &actor, &environment, &$subject, version).await?,
                ))
            }

            #[utoipa::path(get, path = $diff_path, tag = $tag,
                params(("environment" = String, Path), ($subject_param = String, Path), DiffQuery),
                responses((status = 200, body = $diff), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
                security(("bearer" = [])))]
            pub async fn diff(
                State(s): State<AppState>,
                TokenActor(actor): TokenActor,
                PathParam((environment, $subject)): PathParam<(String, String)>,
                QueryParams(q): QueryParams<DiffQuery>,
            ) -> Result<Json<$diff>, AppError> {
                Ok(Json(
                    queries::diff(&s.db, &actor, &environment, &$subject, q.from, q.to).await?,
                ))
            }

            /// Publishes an earlier release again as a new version.
            #[utoipa::path(post, path = $rollback_path, tag = $tag,
                params(("environment" = String, Path), ($subject_param = String, Path)), request_body = RollbackInput,
                responses((status = 201, body = $summary), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody, description = "No such release"),
                    (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
                security(("bearer" = [])))]
            pub async fn rollback(
                State(s): State<AppState>,
                TokenActor(actor): TokenActor,
                PathParam((environment, $subject)): PathParam<(String, String)>,
                JsonBody(input): JsonBody<RollbackInput>,
            ) -> Result<(StatusCode, Json<$summary>), AppError> {
                let command = $rollback {
                    $subject,
                    environment,
                    to_version: input.to_version,
                    message: input.message,
                    main_version: input.main_version,
                    discard_draft: input.discard_draft,
                    draft_version: input.draft_version,
                };
                Ok((StatusCode::CREATED, Json(s.execute(&actor, command).await?)))
            }
        }
    };
}

pub(crate) use release_routes;
