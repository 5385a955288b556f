//! The release commands, once for every subject: publish, roll back and discard run through the
//! command layer the same way whatever they release. A subject's request types say only what
//! they name and, for publishing, what the subject adds ([`ReleaseRequest`]); rolling back and
//! discarding are declared with [`release_requests!`], which gives them the one implementation
//! below.

use super::{Releasable, audit, flow};
use crate::changes::Topic;
use crate::command::{Applied, Command, Context};
use crate::db::Tx;
use std::future::Future;
use switchboard_core::domain::Environment;
use switchboard_core::permissions::{Action, Subject, may};
use switchboard_core::validation::Validate;
use switchboard_error::AppError;

/// A request about one subject's releases in one environment.
pub trait ReleaseRequest: Validate + Send + 'static {
    type Subject: Releasable;
    type Output: Send;
    /// Publishing and rolling back change what apps get (the publisher's right); discarding
    /// changes only the draft (the editor's).
    const ACTION: Action;

    /// The environment's key and the subject's.
    fn names(&self) -> (&str, &str);

    /// Does what was asked to the subject found, in the command's transaction.
    fn run(
        self,
        tx: &mut Tx,
        ctx: &Context<'_>,
        subject: Self::Subject,
    ) -> impl Future<Output = Result<Applied<Self::Output>, AppError>> + Send;
}

impl<Q: ReleaseRequest> Command for Q {
    type Output = Q::Output;

    fn environment(&self) -> Option<&str> {
        Some(self.names().0)
    }

    fn authorize(&self, subject: &Subject, env: Option<&Environment>) -> bool {
        allowed::<Q::Subject>(subject, Q::ACTION, env)
    }

    fn topics(&self) -> &'static [Topic] {
        // Only a release changes what apps read; a discarded draft was never served.
        match Q::ACTION {
            Action::Publish => Q::Subject::TOPICS,
            _ => &[],
        }
    }

    async fn apply(self, tx: &mut Tx, ctx: &Context<'_>) -> Result<Applied<Q::Output>, AppError> {
        let subject = Q::Subject::find(tx, self.names().1).await?;
        self.run(tx, ctx, subject).await
    }
}

/// May `subject` do `action` to this kind of subject in `env` (every command on config or menus
/// names an environment; without one, nobody may)?
pub fn allowed<R: Releasable>(
    subject: &Subject,
    action: Action,
    env: Option<&Environment>,
) -> bool {
    env.is_some_and(|e| may(subject, action, R::resource(e)))
}

/// Rolls `subject` back as the user asked, with the audit record.
pub async fn roll_back<R: Releasable>(
    tx: &mut Tx,
    ctx: &Context<'_>,
    subject: &R,
    request: flow::Rollback<'_>,
) -> Result<Applied<R::Summary>, AppError> {
    let env = ctx.env()?;
    let (to_version, message) = (request.to_version, request.message);
    let done = flow::roll_back(tx, ctx, subject, request).await?;
    let record = audit::rolled_back(env, subject, &done, to_version, message);
    Ok(Applied::one(done.summary, record))
}

/// Makes the draft the user reviewed hold the main release again, with the audit record (none
/// when it already did).
pub async fn discard<R: Releasable>(
    tx: &mut Tx,
    ctx: &Context<'_>,
    subject: &R,
    draft_version: i64,
) -> Result<Applied<()>, AppError> {
    let env = ctx.env()?;
    let Some(done) = flow::discard(tx, ctx, subject, draft_version).await? else {
        return Ok(Applied::unchanged(()));
    };
    Ok(Applied::one((), audit::discarded(env, subject, &done)))
}

/// Declares a subject's discard and rollback request types (`core`'s inputs, which differ only
/// in the name of the field that names the subject) as [`ReleaseRequest`]s.
macro_rules! release_requests {
    (subject: $subject:ty, field: $field:ident, discard: $discard:ty, rollback: $rollback:ty $(,)?) => {
        impl $crate::releases::commands::ReleaseRequest for $discard {
            type Subject = $subject;
            type Output = ();
            const ACTION: switchboard_core::permissions::Action =
                switchboard_core::permissions::Action::Write;

            fn names(&self) -> (&str, &str) {
                (&self.environment, &self.$field)
            }

            async fn run(
                self,
                tx: &mut $crate::db::Tx,
                ctx: &$crate::command::Context<'_>,
                subject: $subject,
            ) -> Result<$crate::command::Applied<()>, switchboard_error::AppError> {
                $crate::releases::commands::discard(tx, ctx, &subject, self.draft_version).await
            }
        }

        impl $crate::releases::commands::ReleaseRequest for $rollback {
            type Subject = $subject;
            type Output = <$subject as $crate::releases::Releasable>::Summary;
            const ACTION: switchboard_core::permissions::Action =
                switchboard_core::permissions::Action::Publish;

            fn names(&self) -> (&str, &str) {
                (&self.environment, &self.$field)
            }

            async fn run(
                self,
                tx: &mut $crate::db::Tx,
                ctx: &$crate::command::Context<'_>,
                subject: $subject,
            ) -> Result<$crate::command::Applied<Self::Output>, switchboard_error::AppError> {
                let request = $crate::releases::flow::Rollback {
                    to_version: self.to_version,
                    main_version: self.main_version,
                    draft_version: self.draft_version,
                    discard_draft: self.discard_draft,
                    message: &self.message,
                };
                $crate::releases::commands::roll_back(tx, ctx, &subject, request).await
            }
        }
    };
}
pub(crate) use release_requests;
