//! Rules shared by the release histories of config namespaces and menus.

use crate::AppError;
use std::future::Future;

/// The release a diff compares release `to` against: `from` when the reader names one (404 when
/// it does not exist), else the release before `to` (none for the first release).
pub async fn diff_base<R, Load, Loading>(
    from: Option<i64>,
    to: i64,
    load: Load,
) -> Result<Option<R>, AppError>
where
    Load: FnOnce(i64) -> Loading,
    Loading: Future<Output = Result<Option<R>, AppError>>,
{
    match from.unwrap_or(to - 1) {
        v if v < 1 => Ok(None),
        v => match load(v).await? {
            None if from.is_some() => Err(AppError::not_found("Release")),
            found => Ok(found),
        },
    }
}
