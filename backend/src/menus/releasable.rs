//! A menu as a [`Releasable`] subject: its draft is the whole tree in one row, saved as a unit and
//! guarded by its version, and a release's items may depend only on flags that exist.

use super::store::{self, MenuRow};
use crate::changes::Topic;
use crate::command::{Context, conflict};
use crate::db::Tx;
use crate::releases::store::corrupt;
use crate::releases::{Head, Releasable, SummaryRow};
use serde_json::{Value, json};
use switchboard_core::domain::Environment;
use switchboard_core::menus::{Menu, diff_menus};
use switchboard_core::permissions::Resource;
use switchboard_core::releases::{ReleaseKind, ReleaseSummary};
use switchboard_core::validation::FieldErrors;
use switchboard_core::validation::menus::check_menu;
use switchboard_error::AppError;

impl Releasable for MenuRow {
    const SUBJECT: &'static str = "menu";
    const TABLE: &'static str = "menus";
    const AUDIT_DRAFT: &'static str = "menu_draft";
    const AUDIT_RELEASE: &'static str = "menu_release";
    const TOPICS: &'static [Topic] = &[Topic::Menus];
    type Content = Menu;
    type Summary = ReleaseSummary;

    fn summary(row: SummaryRow) -> Result<ReleaseSummary, AppError> {
        if let Some(target) = &row.gray_target {
            return Err(corrupt("a menu release's gray target", target));
        }
        Ok(ReleaseSummary {
            version: row.version,
            kind: ReleaseKind::parse(&row.kind).ok_or_else(|| corrupt("kind", &row.kind))?,
            message: row.message,
            author: row.author,
            created_at: row.created_at,
            rollback_of: row.rollback_of,
            entries: row.entries,
        })
    }

    fn version(summary: &ReleaseSummary) -> i64 {
        summary.version
    }

    fn id(&self) -> i64 {
        self.id
    }

    fn key(&self) -> &str {
        &self.key
    }

    fn resource(env: &Environment) -> Resource<'_> {
        Resource::Menus(env.scope())
    }

    async fn find(tx: &mut Tx, key: &str) -> Result<MenuRow, AppError> {
        store::menu(tx, key).await
    }

    fn audit_content(content: &Menu) -> (&'static str, Value) {
        ("items", json!(content.items))
    }

    fn count(content: &Menu) -> usize {
        content.count()
    }

    fn changes(from: &Menu, to: &Menu) -> usize {
        diff_menus(from, to).change_count()
    }

    async fn claim_draft(
        &self,
        tx: &mut Tx,
        environment_id: i64,
        reviewed: Option<i64>,
    ) -> Result<i64, AppError> {
        let Some(reviewed) = reviewed else {
            // Settling compares and sets the row itself (see `settle_draft`).
            let row = store::draft(tx, self.id, environment_id).await?;
            return Ok(row.map_or(0, |r| r.version));
        };
        if !store::claim_draft(tx, (self.id, environment_id), reviewed).await? {
            let row = store::draft(tx, self.id, environment_id).await?;
            return Err(conflict(
                "draft",
                &json!({"version": row.as_ref().map_or(0, |r| r.version),
                        "updated_by": row.as_ref().map(|r| r.updated_by.clone())}),
            ));
        }
        Ok(reviewed)
    }

    async fn draft(
        &self,
        tx: &mut Tx,
        environment_id: i64,
        head: Option<Head>,
    ) -> Result<Menu, AppError> {
        Ok(current_draft(tx, self, environment_id, head).await?.0)
    }

    async fn settle_draft(
        &self,
        tx: &mut Tx,
        ctx: &Context<'_>,
        environment_id: i64,
        claimed: i64,
        content: &Menu,
    ) -> Result<(), AppError> {
        let row = store::draft(tx, self.id, environment_id).await?;
        if row.as_ref().is_some_and(|r| &r.items == content) {
            return Ok(());
        }
        let ids = (self.id, environment_id);
        if !store::write_draft(tx, ids, claimed, content, &ctx.actor.name, ctx.now).await? {
            return Err(conflict("draft", &json!({"version": claimed})));
        }
        Ok(())
    }

    async fn check_release(
        &self,
        tx: &mut Tx,
        _ctx: &Context<'_>,
        content: &Menu,
    ) -> Result<(), AppError> {
        check_with_flags(tx, content).await
    }
}

/// What the draft holds: the saved tree, or the main release while nothing was saved.
pub async fn current_draft(
    tx: &mut Tx,
    menu: &MenuRow,
    environment_id: i64,
    head: Option<Head>,
) -> Result<(Menu, Option<store::DraftRow>), AppError> {
    match store::draft(tx, menu.id, environment_id).await? {
        Some(row) => Ok((row.items.clone(), Some(row))),
        None => Ok((
            store::main_menu(tx, menu.id, environment_id, head).await?,
            None,
        )),
    }
}

/// The tree's rules with flag keys checked against the flags that exist now.
pub async fn check_with_flags(tx: &mut Tx, items: &Menu) -> Result<(), AppError> {
    let flags = store::flag_keys(tx).await?;
    let mut errors = FieldErrors::new();
    check_menu(items, Some(&flags), &mut errors);
    Ok(errors.into_result()?)
}
