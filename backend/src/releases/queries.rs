//! Reading releases for the history, a single release and a diff, for every subject.

use super::store::{self, StoredOf};
use super::{Ids, Releasable};
use sqlx::AnyConnection;
use switchboard_error::AppError;

/// One release; 404 when it does not exist.
pub async fn release<R: Releasable>(
    conn: &mut AnyConnection,
    ids: Ids,
    version: i64,
) -> Result<StoredOf<R>, AppError> {
    store::release::<R>(conn, ids, version)
        .await?
        .ok_or_else(|| AppError::not_found("Release"))
}

/// Release `to` and the release a diff compares it against: `from` when the reader names one
/// (404 when it does not exist), else the release before `to` (none for the first release).
pub async fn pair<R: Releasable>(
    conn: &mut AnyConnection,
    ids: Ids,
    from: Option<i64>,
    to: i64,
) -> Result<(Option<StoredOf<R>>, StoredOf<R>), AppError> {
    let to = release::<R>(&mut *conn, ids, to).await?;
    let base = match from.unwrap_or(R::version(&to.summary) - 1) {
        v if v < 1 => None,
        v => match store::release::<R>(conn, ids, v).await? {
            None if from.is_some() => return Err(AppError::not_found("Release")),
            found => found,
        },
    };
    Ok((base, to))
}
