//! Publish, roll back and discard, once for every [`Releasable`] subject. Each step checks the
//! version the user reviewed (the draft's, the main release's) and writes as a compare-and-set, so
//! two people releasing at once never overwrite each other: one wins, the other gets 409 with the
//! current state. The subject adds its own conditions ([`Releasable::may_release`]: config's gray
//! release) and callers their audit records.

use super::{Head, Releasable, SummaryRow, store};
use crate::command::{Context, conflict};
use crate::db::Tx;
use serde_json::{Value, json};
use switchboard_core::domain::Environment;
use switchboard_core::releases::ReleaseKind;
use switchboard_error::AppError;

/// The head as a 409 answer shows it.
pub fn head_json(head: Option<Head>) -> Value {
    json!({"main_version": head.map_or(0, |h| h.main_version)})
}

/// Answers 409 unless apps still get the release the user saw live.
pub fn check_main_version(head: Option<Head>, expected: i64) -> Result<(), AppError> {
    if head.map_or(0, |h| h.main_version) != expected {
        return Err(conflict("release", &head_json(head)));
    }
    Ok(())
}

/// Stores the release `summary` describes and points the head at it (a release to part of the
/// fleet leaves the main release in place), as one compare-and-set on the head the caller read.
pub async fn cut<R: Releasable>(
    tx: &mut Tx,
    subject: &R,
    env: &Environment,
    old: Option<Head>,
    summary: &SummaryRow,
    content: &R::Content,
    now: i64,
) -> Result<(), AppError> {
    let ids = (subject.id(), env.id);
    // The version is unique: a release cut meanwhile took it.
    store::insert_release::<R>(tx, ids, summary, content)
        .await
        .map_err(|_| conflict("release", &head_json(old)))?;
    let new = Head {
        main_version: match summary.gray_target {
            Some(_) => old.map_or(0, |h| h.main_version),
            None => summary.version,
        },
        latest_version: summary.version,
    };
    if !store::write_head::<R>(tx, ids, old, new, now).await? {
        let current = store::head::<R>(tx, ids).await?;
        return Err(conflict("release", &head_json(current)));
    }
    Ok(())
}

/// What a publish did, for the caller's audit record.
pub struct Published<S, C> {
    /// The head before.
    pub head: Option<Head>,
    /// What apps got before.
    pub main: C,
    /// What they get now (or, for a gray release, what its target gets).
    pub draft: C,
    pub summary: S,
}

/// What the user asked to publish.
pub struct Publish<'a> {
    pub draft_version: i64,
    pub main_version: i64,
    pub message: &'a str,
    /// A release to part of the fleet (config's gray release); None publishes to everyone.
    pub partial: Option<Partial>,
}

/// A release of a subject's own layer that goes to part of the fleet while the main release
/// stays: its kind and target as stored (config's `gray` and its target).
pub struct Partial {
    pub kind: &'static str,
    pub target: String,
}

/// Publishes the draft the user reviewed as the next release.
pub async fn publish<R: Releasable>(
    tx: &mut Tx,
    ctx: &Context<'_>,
    subject: &R,
    request: Publish<'_>,
) -> Result<Published<R::Summary, R::Content>, AppError> {
    let env = ctx.env()?;
    let ids = (subject.id(), env.id);
    subject.may_release(tx, env).await?;
    let claimed = subject
        .claim_draft(tx, env.id, Some(request.draft_version))
        .await?;
    let head = store::head::<R>(tx, ids).await?;
    check_main_version(head, request.main_version)?;
    let main = store::main_content::<R>(tx, ids, head).await?;
    let draft = subject.draft(tx, env.id, head).await?;
    subject.check_release(tx, ctx, &draft).await?;
    if R::changes(&main, &draft) == 0 {
        return Err(AppError::field(
            "draft",
            match head.filter(|h| h.main_version > 0) {
                Some(h) => format!(
                    "Nothing to publish: the draft matches release v{}",
                    h.main_version
                ),
                None => "Nothing to publish: the draft is empty".to_string(),
            },
        ));
    }
    let (kind, gray_target) = match request.partial {
        Some(p) => (p.kind.to_string(), Some(p.target)),
        None => (ReleaseKind::Publish.as_str().to_string(), None),
    };
    let summary = SummaryRow {
        version: head.map_or(0, |h| h.latest_version) + 1,
        kind,
        message: request.message.trim().to_string(),
        author: ctx.actor.name.clone(),
        created_at: ctx.now,
        rollback_of: None,
        gray_target,
        entries: R::count(&draft),
    };
    cut(tx, subject, env, head, &summary, &draft, ctx.now).await?;
    subject
        .settle_draft(tx, ctx, env.id, claimed, &draft)
        .await?;
    Ok(Published {
        head,
        main,
        draft,
        summary: R::summary(summary)?,
    })
}

/// What a rollback did, for the caller's audit record.
pub struct RolledBack<S, C> {
    /// The head before.
    pub head: Head,
    /// What apps got before.
    pub main: C,
    /// What they get now: the content of the release rolled back to.
    pub target: C,
    pub summary: S,
}

/// What the user asked to roll back to.
pub struct Rollback<'a> {
    pub to_version: i64,
    pub main_version: i64,
    /// The draft version whose pending changes the user confirmed dropping.
    pub draft_version: Option<i64>,
    pub discard_draft: bool,
    pub message: &'a str,
}

/// Publishes an earlier release again as the next release.
pub async fn roll_back<R: Releasable>(
    tx: &mut Tx,
    ctx: &Context<'_>,
    subject: &R,
    request: Rollback<'_>,
) -> Result<RolledBack<R::Summary, R::Content>, AppError> {
    let env = ctx.env()?;
    let ids = (subject.id(), env.id);
    subject.may_release(tx, env).await?;
    let claimed = subject
        .claim_draft(tx, env.id, request.draft_version)
        .await?;
    let head = store::head::<R>(tx, ids).await?;
    check_main_version(head, request.main_version)?;
    let Some(old) = head else {
        return Err(AppError::not_found("Release"));
    };
    let target = store::release::<R>(tx, ids, request.to_version)
        .await?
        .ok_or_else(|| AppError::not_found("Release"))?
        .content;
    let main = store::main_content::<R>(tx, ids, head).await?;
    if R::changes(&main, &target) == 0 {
        return Err(AppError::field(
            "to_version",
            format!(
                "Release v{} delivers what v{} (live now) delivers",
                request.to_version, old.main_version
            ),
        ));
    }
    // What the old release holds may no longer be valid (a flag archived since).
    subject.check_release(tx, ctx, &target).await?;
    let draft = subject.draft(tx, env.id, head).await?;
    let pending = R::changes(&main, &draft);
    if pending > 0 && !request.discard_draft {
        return Err(AppError::field(
            "discard_draft",
            format!(
                "The draft has {pending} unpublished change(s); confirm they are dropped, or publish them first"
            ),
        ));
    }
    if pending > 0 && request.draft_version.is_none() {
        return Err(AppError::field(
            "draft_version",
            "Name the draft version whose changes you confirmed dropping",
        ));
    }
    let summary = SummaryRow {
        version: old.latest_version + 1,
        kind: ReleaseKind::Rollback.as_str().to_string(),
        message: match request.message.trim() {
            "" => format!("Roll back to v{}", request.to_version),
            m => m.to_string(),
        },
        author: ctx.actor.name.clone(),
        created_at: ctx.now,
        rollback_of: Some(request.to_version),
        gray_target: None,
        entries: R::count(&target),
    };
    cut(tx, subject, env, head, &summary, &target, ctx.now).await?;
    subject
        .settle_draft(tx, ctx, env.id, claimed, &target)
        .await?;
    Ok(RolledBack {
        head: old,
        main,
        target,
        summary: R::summary(summary)?,
    })
}

/// What a discard did, for the caller's audit record.
pub struct Discarded<C> {
    pub head: Option<Head>,
    /// The draft thrown away.
    pub draft: C,
    /// What the draft holds again: the main release.
    pub main: C,
}

/// Makes the draft the user reviewed hold the main release again. None when it already did.
pub async fn discard<R: Releasable>(
    tx: &mut Tx,
    ctx: &Context<'_>,
    subject: &R,
    draft_version: i64,
) -> Result<Option<Discarded<R::Content>>, AppError> {
    let env = ctx.env()?;
    let ids = (subject.id(), env.id);
    let claimed = subject.claim_draft(tx, env.id, Some(draft_version)).await?;
    let head = store::head::<R>(tx, ids).await?;
    let draft = subject.draft(tx, env.id, head).await?;
    let main = store::main_content::<R>(tx, ids, head).await?;
    if R::changes(&main, &draft) == 0 {
        return Ok(None);
    }
    subject
        .settle_draft(tx, ctx, env.id, claimed, &main)
        .await?;
    Ok(Some(Discarded { head, draft, main }))
}
