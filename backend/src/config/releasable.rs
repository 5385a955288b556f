//! A config namespace as a [`Releasable`] subject: its draft is one row per entry plus a version
//! for the draft as a whole (`config_drafts`), and a release must hold values that pass every
//! entry's type, schema and constraints with secrets opened.

use super::masking;
use super::store::{self, NamespaceRow};
use crate::changes::Topic;
use crate::command::{Context, conflict, off_thread};
use crate::db::Tx;
use crate::keyring::{self, Keyring};
use crate::releases::store::corrupt;
use crate::releases::{Head, Releasable, SummaryRow};
use serde_json::{Value, json};
use switchboard_core::config::{Entry, ReleaseKind, ReleaseSummary, diff_entries};
use switchboard_core::domain::Environment;
use switchboard_core::permissions::Resource;
use switchboard_core::validation::FieldErrors;
use switchboard_core::validation::config::check_entries;
use switchboard_error::AppError;

impl Releasable for NamespaceRow {
    const SUBJECT: &'static str = "config";
    const TABLE: &'static str = "config_namespaces";
    const AUDIT_DRAFT: &'static str = "config_draft";
    const AUDIT_RELEASE: &'static str = "config_release";
    const TOPICS: &'static [Topic] = &[Topic::Config];
    type Content = Vec<Entry>;
    type Summary = ReleaseSummary;

    fn summary(row: SummaryRow) -> Result<ReleaseSummary, AppError> {
        Ok(ReleaseSummary {
            version: row.version,
            kind: ReleaseKind::parse(&row.kind).ok_or_else(|| corrupt("kind", &row.kind))?,
            message: row.message,
            author: row.author,
            created_at: row.created_at,
            rollback_of: row.rollback_of,
            gray_target: row
                .gray_target
                .map(|t| serde_json::from_str(&t).map_err(|e| corrupt("gray_target", e)))
                .transpose()?,
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
        Resource::Config(env.scope())
    }

    async fn find(tx: &mut Tx, key: &str) -> Result<NamespaceRow, AppError> {
        store::namespace(tx, key).await
    }

    /// A running gray release must be promoted or abandoned before apps get another release.
    async fn may_release(&self, tx: &mut Tx, env: &Environment) -> Result<(), AppError> {
        match store::gray(tx, (self.id, env.id)).await? {
            Some((v, _)) => Err(AppError::field(
                "gray",
                format!("Gray release v{v} is in progress: promote or abandon it first"),
            )),
            None => Ok(()),
        }
    }

    fn audit_content(content: &Vec<Entry>) -> (&'static str, Value) {
        ("entries", masking::audit_values(content))
    }

    fn count(content: &Vec<Entry>) -> usize {
        content.len()
    }

    fn changes(from: &Vec<Entry>, to: &Vec<Entry>) -> usize {
        diff_entries(from, to).change_count()
    }

    async fn claim_draft(
        &self,
        tx: &mut Tx,
        environment_id: i64,
        reviewed: Option<i64>,
    ) -> Result<i64, AppError> {
        match reviewed {
            Some(reviewed) => lock_reviewed_draft(tx, self, environment_id, reviewed).await,
            None => store::lock_draft(tx, self.id, environment_id).await,
        }
    }

    async fn draft(
        &self,
        tx: &mut Tx,
        environment_id: i64,
        _head: Option<Head>,
    ) -> Result<Vec<Entry>, AppError> {
        Ok(store::live_entries(
            &store::draft_rows(tx, self.id, environment_id).await?,
        ))
    }

    async fn settle_draft(
        &self,
        tx: &mut Tx,
        ctx: &Context<'_>,
        environment_id: i64,
        claimed: i64,
        content: &Vec<Entry>,
    ) -> Result<(), AppError> {
        // Removals are settled; rows that did not change keep their versions.
        store::reset_draft(
            tx,
            self.id,
            environment_id,
            content,
            &ctx.actor.name,
            ctx.now,
        )
        .await?;
        store::bump_draft(tx, self.id, environment_id, claimed).await?;
        Ok(())
    }

    async fn check_release(
        &self,
        _tx: &mut Tx,
        ctx: &Context<'_>,
        content: &Vec<Entry>,
    ) -> Result<(), AppError> {
        // Stored rows were checked one by one; the release is checked whole (secrets opened),
        // compiling every entry's patterns and schema, so off the request's thread.
        let opened = opened(ctx.keyring, &self.key, content)?;
        let errors = off_thread(move || {
            let mut errors = FieldErrors::new();
            check_entries(&opened, &mut errors);
            errors
        })
        .await?;
        Ok(errors.into_result()?)
    }
}

/// Locks the draft and answers 409 unless it is still at the version the client reviewed.
pub async fn lock_reviewed_draft(
    tx: &mut Tx,
    ns: &NamespaceRow,
    environment_id: i64,
    reviewed: i64,
) -> Result<i64, AppError> {
    let current = store::lock_draft(tx, ns.id, environment_id).await?;
    if current != reviewed {
        return Err(conflict("draft", &json!({"draft_version": current})));
    }
    Ok(current)
}

/// Entries with their secrets opened, to check the values a release would deliver.
fn opened(keys: &Keyring, namespace: &str, entries: &[Entry]) -> Result<Vec<Entry>, AppError> {
    let mut errors = FieldErrors::new();
    let list = entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            if !e.secret {
                return e.clone();
            }
            match keys.open(&keyring::context(namespace, &e.key), &e.value) {
                Ok(value) => Entry { value, ..e.clone() },
                Err(problem) => {
                    errors.add(
                        format!("entries.{i}.value"),
                        format!("The secret {} cannot be read: {problem}", e.key),
                    );
                    e.clone()
                }
            }
        })
        .collect();
    errors.into_result()?;
    Ok(list)
}
