//! Commands that change menus. Each runs through the command layer (permission, validation,
//! version check, write and audit in one transaction). Publishing and rolling back change what
//! apps get; draft saves do not.

use super::store::{self, DraftRow, Head, MenuRow};
use crate::AppError;
use crate::backend::changes::Topic;
use crate::backend::command::{Applied, AuditRecord, Command, Context, conflict};
use crate::backend::db::Tx;
use crate::config::{ReleaseKind, ReleaseSummary};
use crate::domain::Environment;
use crate::menus::{
    DiscardMenuDraft, Menu, MenuDiff, MenuSummary, NewMenu, PublishMenu, RollbackMenu,
    SaveMenuDraft, diff_menus,
};
use crate::permissions::{Action, Resource, Subject, may};
use crate::validation::FieldErrors;
use crate::validation::menus::check_menu;
use serde_json::{Value, json};

const MENUS: &[Topic] = &[Topic::Menus];

fn allowed(subject: &Subject, action: Action, env: Option<&Environment>) -> bool {
    env.is_some_and(|e| may(subject, action, Resource::Menus(e.scope())))
}

fn record(
    env: &Environment,
    entity_type: &'static str,
    menu: &str,
    action: &'static str,
    before: Option<Value>,
    after: Option<Value>,
) -> AuditRecord {
    AuditRecord {
        environment: Some(env.key.clone()),
        entity_type,
        entity_id: menu.to_string(),
        entity_label: menu.to_string(),
        action,
        before,
        after,
    }
}

/// What the draft holds: the saved tree, or the main release while nothing was saved.
async fn current_draft(
    tx: &mut Tx,
    menu: &MenuRow,
    env: &Environment,
    head: Option<Head>,
) -> Result<(Menu, Option<DraftRow>), AppError> {
    match store::draft(tx, menu.id, env.id).await? {
        Some(row) => Ok((row.items.clone(), Some(row))),
        None => Ok((store::main_menu(tx, menu.id, env.id, head).await?, None)),
    }
}

/// The tree's rules with flag keys checked against the flags that exist now.
async fn check_with_flags(tx: &mut Tx, items: &Menu) -> Result<(), AppError> {
    let flags = store::flag_keys(tx).await?;
    let mut errors = FieldErrors::new();
    check_menu(items, Some(&flags), &mut errors);
    Ok(errors.into_result()?)
}

fn head_json(head: Option<Head>) -> Value {
    json!({"main_version": head.map_or(0, |h| h.main_version)})
}

fn check_main_version(head: Option<Head>, expected: i64) -> Result<(), AppError> {
    if head.map_or(0, |h| h.main_version) != expected {
        return Err(conflict("release", &head_json(head)));
    }
    Ok(())
}

/// Answers 409 unless the draft is still at the version the user reviewed, and holds it so.
async fn claim_reviewed_draft(
    tx: &mut Tx,
    menu: &MenuRow,
    env: &Environment,
    reviewed: i64,
) -> Result<(), AppError> {
    if !store::claim_draft(tx, (menu.id, env.id), reviewed).await? {
        let row = store::draft(tx, menu.id, env.id).await?;
        return Err(conflict(
            "draft",
            &json!({"version": row.as_ref().map_or(0, |r| r.version),
                    "updated_by": row.as_ref().map(|r| r.updated_by.clone())}),
        ));
    }
    Ok(())
}

/// Makes the draft hold `items` whatever version it is at (publish and rollback settle it).
async fn settle_draft(
    tx: &mut Tx,
    ctx: &Context<'_>,
    menu: &MenuRow,
    env: &Environment,
    items: &Menu,
) -> Result<(), AppError> {
    let row = store::draft(tx, menu.id, env.id).await?;
    if row.as_ref().is_some_and(|r| &r.items == items) {
        return Ok(());
    }
    let expected = row.map_or(0, |r| r.version);
    if !store::write_draft(
        tx,
        (menu.id, env.id),
        expected,
        items,
        &ctx.actor.name,
        ctx.now,
    )
    .await?
    {
        return Err(conflict("draft", &json!({"version": expected})));
    }
    Ok(())
}

/// Stores the release `summary` describes, makes it what apps get and the draft equal to it.
async fn cut_release(
    tx: &mut Tx,
    ctx: &Context<'_>,
    menu: &MenuRow,
    env: &Environment,
    old: Option<Head>,
    summary: &ReleaseSummary,
    items: &Menu,
) -> Result<(), AppError> {
    store::insert_release(tx, (menu.id, env.id), summary, items)
        .await
        .map_err(|_| conflict("release", &head_json(old)))?;
    let new = Head {
        main_version: summary.version,
        latest_version: summary.version,
    };
    if !store::write_head(tx, (menu.id, env.id), old, new, ctx.now).await? {
        let current = store::head(tx, menu.id, env.id).await?;
        return Err(conflict("release", &head_json(current)));
    }
    settle_draft(tx, ctx, menu, env, items).await
}

/// The audit trail keeps whole trees, so its diff view shows exactly what moved.
fn tree(version: i64, items: &Menu) -> Value {
    json!({"version": version, "items": items.items})
}

impl Command for NewMenu {
    type Output = MenuSummary;

    fn environment(&self) -> Option<&str> {
        Some(&self.environment)
    }

    fn authorize(&self, subject: &Subject, env: Option<&Environment>) -> bool {
        allowed(subject, Action::Write, env)
    }

    async fn apply(self, tx: &mut Tx, ctx: &Context<'_>) -> Result<Applied<MenuSummary>, AppError> {
        let env = ctx.env()?;
        if store::find_menu(tx, &self.key).await?.is_some() {
            return Err(AppError::field("key", "A menu with this key exists"));
        }
        let description = self.description.trim();
        store::insert_menu(tx, &self.key, description, ctx.now).await?;
        let summary = MenuSummary {
            key: self.key.clone(),
            description: description.to_string(),
            items: 0,
            main_version: 0,
            pending: 0,
            updated_at: ctx.now,
        };
        let audit = record(
            env,
            "menu",
            &self.key,
            "create",
            None,
            Some(json!({"key": self.key, "description": description})),
        );
        Ok(Applied::one(summary, audit))
    }
}

impl Command for SaveMenuDraft {
    /// The draft's new version.
    type Output = i64;

    fn environment(&self) -> Option<&str> {
        Some(&self.environment)
    }

    fn authorize(&self, subject: &Subject, env: Option<&Environment>) -> bool {
        allowed(subject, Action::Write, env)
    }

    async fn apply(self, tx: &mut Tx, ctx: &Context<'_>) -> Result<Applied<i64>, AppError> {
        let env = ctx.env()?;
        let menu = store::menu(tx, &self.menu).await?;
        let head = store::head(tx, menu.id, env.id).await?;
        let (before, row) = current_draft(tx, &menu, env, head).await?;
        let stored_version = row.as_ref().map_or(0, |r| r.version);
        if stored_version != self.version {
            return Err(conflict(
                "draft",
                &json!({"version": stored_version, "items": before.items,
                        "updated_by": row.as_ref().map(|r| r.updated_by.clone())}),
            ));
        }
        check_with_flags(tx, &self.tree).await?;
        if row.is_some() && before == self.tree {
            return Ok(Applied::unchanged(stored_version));
        }
        if !store::write_draft(
            tx,
            (menu.id, env.id),
            stored_version,
            &self.tree,
            &ctx.actor.name,
            ctx.now,
        )
        .await?
        {
            return Err(conflict("draft", &json!({"version": stored_version})));
        }
        let diff = diff_menus(&before, &self.tree);
        let audit = record(
            env,
            "menu_draft",
            &menu.key,
            "draft.save",
            Some(tree(stored_version, &before)),
            Some(
                json!({"version": stored_version + 1, "items": self.tree.items,
                        "changes": diff.summary()}),
            ),
        );
        Ok(Applied::one(stored_version + 1, audit))
    }
}

impl Command for DiscardMenuDraft {
    type Output = ();

    fn environment(&self) -> Option<&str> {
        Some(&self.environment)
    }

    fn authorize(&self, subject: &Subject, env: Option<&Environment>) -> bool {
        allowed(subject, Action::Write, env)
    }

    async fn apply(self, tx: &mut Tx, ctx: &Context<'_>) -> Result<Applied<()>, AppError> {
        let env = ctx.env()?;
        let menu = store::menu(tx, &self.menu).await?;
        claim_reviewed_draft(tx, &menu, env, self.draft_version).await?;
        let head = store::head(tx, menu.id, env.id).await?;
        let (draft, _) = current_draft(tx, &menu, env, head).await?;
        let main = store::main_menu(tx, menu.id, env.id, head).await?;
        if draft == main {
            return Ok(Applied::unchanged(()));
        }
        settle_draft(tx, ctx, &menu, env, &main).await?;
        let audit = record(
            env,
            "menu_draft",
            &menu.key,
            "draft.discard",
            Some(json!({"items": draft.items})),
            Some(tree(head.map_or(0, |h| h.main_version), &main)),
        );
        Ok(Applied::one((), audit))
    }
}

impl Command for PublishMenu {
    type Output = ReleaseSummary;

    fn environment(&self) -> Option<&str> {
        Some(&self.environment)
    }

    fn authorize(&self, subject: &Subject, env: Option<&Environment>) -> bool {
        allowed(subject, Action::Publish, env)
    }

    fn topics(&self) -> &'static [Topic] {
        MENUS
    }

    async fn apply(
        self,
        tx: &mut Tx,
        ctx: &Context<'_>,
    ) -> Result<Applied<ReleaseSummary>, AppError> {
        let env = ctx.env()?;
        let menu = store::menu(tx, &self.menu).await?;
        claim_reviewed_draft(tx, &menu, env, self.draft_version).await?;
        let head = store::head(tx, menu.id, env.id).await?;
        check_main_version(head, self.main_version)?;
        let main = store::main_menu(tx, menu.id, env.id, head).await?;
        let (draft, _) = current_draft(tx, &menu, env, head).await?;
        // A flag may have been archived since the draft was saved.
        check_with_flags(tx, &draft).await?;
        let diff: MenuDiff = diff_menus(&main, &draft);
        if diff.is_empty() {
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
        let message = self.message.trim().to_string();
        let summary = ReleaseSummary {
            version: head.map_or(0, |h| h.latest_version) + 1,
            kind: ReleaseKind::Publish,
            message: message.clone(),
            author: ctx.actor.name.clone(),
            created_at: ctx.now,
            rollback_of: None,
            gray_target: None,
            entries: draft.count(),
        };
        cut_release(tx, ctx, &menu, env, head, &summary, &draft).await?;
        let audit = record(
            env,
            "menu_release",
            &menu.key,
            "publish",
            Some(tree(head.map_or(0, |h| h.main_version), &main)),
            Some(json!({"version": summary.version, "message": message,
                        "changes": diff.summary(), "items": draft.items})),
        );
        Ok(Applied::one(summary, audit))
    }
}

impl Command for RollbackMenu {
    type Output = ReleaseSummary;

    fn environment(&self) -> Option<&str> {
        Some(&self.environment)
    }

    fn authorize(&self, subject: &Subject, env: Option<&Environment>) -> bool {
        allowed(subject, Action::Publish, env)
    }

    fn topics(&self) -> &'static [Topic] {
        MENUS
    }

    async fn apply(
        self,
        tx: &mut Tx,
        ctx: &Context<'_>,
    ) -> Result<Applied<ReleaseSummary>, AppError> {
        let env = ctx.env()?;
        let menu = store::menu(tx, &self.menu).await?;
        if let Some(reviewed) = self.draft_version {
            claim_reviewed_draft(tx, &menu, env, reviewed).await?;
        }
        let head = store::head(tx, menu.id, env.id).await?;
        check_main_version(head, self.main_version)?;
        let Some(old) = head else {
            return Err(AppError::not_found("Release"));
        };
        let target = store::release(tx, menu.id, env.id, self.to_version)
            .await?
            .ok_or_else(|| AppError::not_found("Release"))?;
        let main = store::main_menu(tx, menu.id, env.id, head).await?;
        if main == target.tree {
            return Err(AppError::field(
                "to_version",
                format!(
                    "Release v{} shows what v{} (live now) shows",
                    self.to_version, old.main_version
                ),
            ));
        }
        // Items of the old release may depend on flags archived since.
        check_with_flags(tx, &target.tree).await?;
        let (draft, _) = current_draft(tx, &menu, env, head).await?;
        let pending = diff_menus(&main, &draft).change_count();
        if pending > 0 && !self.discard_draft {
            return Err(AppError::field(
                "discard_draft",
                format!(
                    "The draft has {pending} unpublished change(s); confirm they are dropped, or publish them first"
                ),
            ));
        }
        if pending > 0 && self.draft_version.is_none() {
            return Err(AppError::field(
                "draft_version",
                "Name the draft version whose changes you confirmed dropping",
            ));
        }
        let message = match self.message.trim() {
            "" => format!("Roll back to v{}", self.to_version),
            m => m.to_string(),
        };
        let summary = ReleaseSummary {
            version: old.latest_version + 1,
            kind: ReleaseKind::Rollback,
            message: message.clone(),
            author: ctx.actor.name.clone(),
            created_at: ctx.now,
            rollback_of: Some(self.to_version),
            gray_target: None,
            entries: target.tree.count(),
        };
        cut_release(tx, ctx, &menu, env, head, &summary, &target.tree).await?;
        let audit = record(
            env,
            "menu_release",
            &menu.key,
            "rollback",
            Some(tree(old.main_version, &main)),
            Some(
                json!({"version": summary.version, "rollback_of": self.to_version,
                        "message": message, "items": target.tree.items}),
            ),
        );
        Ok(Applied::one(summary, audit))
    }
}
