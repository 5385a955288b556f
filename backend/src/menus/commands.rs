//! Commands that change menus. Each runs through the command layer (permission, validation,
//! version check, write and audit in one transaction). Publishing and rolling back change what
//! apps get; draft saves do not.

use super::releasable::{check_with_flags, current_draft};
use super::store::{self, MenuRow};
use crate::command::{Applied, AuditRecord, Command, Context, conflict};
use crate::db::Tx;
use crate::releases::commands::{self as release_commands, ReleaseRequest, release_requests};
use crate::releases::{audit, flow, store as release_store};
use serde_json::{Value, json};
use switchboard_core::domain::Environment;
use switchboard_core::menus::{
    DiscardMenuDraft, Menu, MenuSummary, NewMenu, PublishMenu, RollbackMenu, SaveMenuDraft,
    diff_menus,
};
use switchboard_core::permissions::{Action, Subject};
use switchboard_core::releases::ReleaseSummary;
use switchboard_error::AppError;

fn allowed(subject: &Subject, action: Action, env: Option<&Environment>) -> bool {
    release_commands::allowed::<MenuRow>(subject, action, env)
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
        let head = release_store::head::<MenuRow>(tx, (menu.id, env.id)).await?;
        let (before, row) = current_draft(tx, &menu, env.id, head).await?;
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

impl ReleaseRequest for PublishMenu {
    type Subject = MenuRow;
    type Output = ReleaseSummary;
    const ACTION: Action = Action::Publish;

    fn names(&self) -> (&str, &str) {
        (&self.environment, &self.menu)
    }

    async fn run(
        self,
        tx: &mut Tx,
        ctx: &Context<'_>,
        menu: MenuRow,
    ) -> Result<Applied<ReleaseSummary>, AppError> {
        let env = ctx.env()?;
        let request = flow::Publish {
            draft_version: self.draft_version,
            main_version: self.main_version,
            message: &self.message,
            partial: None,
        };
        let done = flow::publish(tx, ctx, &menu, request).await?;
        let details = json!({"changes": diff_menus(&done.main, &done.draft).summary()});
        let audit = audit::published(env, &menu, &done, "publish", &self.message, details);
        Ok(Applied::one(done.summary, audit))
    }
}

release_requests! {
    subject: MenuRow,
    field: menu,
    discard: DiscardMenuDraft,
    rollback: RollbackMenu,
}
