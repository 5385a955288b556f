//! Commands that change configuration. Each runs through the command layer (permission,
//! validation, version check, write and audit in one transaction). Publishing, rolling back and
//! finishing a gray release change what apps get; draft edits do not.

use super::masking;
use super::releasable::lock_reviewed_draft;
use super::store::{self, Head, NamespaceRow};
use crate::changes::Topic;
use crate::command::{Applied, AuditRecord, Command, Context, conflict};
use crate::db::Tx;
use crate::environments;
use crate::keyring::{self, Keyring};
use crate::releases::commands::{self as release_commands, ReleaseRequest, release_requests};
use crate::releases::{self, flow, store as release_store};
use serde_json::{Value, json};
use switchboard_core::config::{
    CopyNamespace, DiscardDraft, DraftEntry, Entry, FinishGray, NewNamespace, PublishDraft,
    ReleaseKind, ReleaseSummary, RemoveEntry, RollbackRelease, SetEntry, diff_entries, is_masked,
};
use switchboard_core::domain::Environment;
use switchboard_core::permissions::{Action, Resource, Subject, may};
use switchboard_core::validation::Validate;
use switchboard_core::validation::config::{entry_count, key_clash};
use switchboard_error::AppError;

const CONFIG: &[Topic] = &[Topic::Config];

fn allowed(subject: &Subject, action: Action, env: Option<&Environment>) -> bool {
    release_commands::allowed::<NamespaceRow>(subject, action, env)
}

fn record(
    env: &Environment,
    entity_type: &'static str,
    entity_id: String,
    label: &str,
    action: &'static str,
    before: Option<Value>,
    after: Option<Value>,
) -> AuditRecord {
    AuditRecord {
        environment: Some(env.key.clone()),
        entity_type,
        entity_id,
        entity_label: label.to_string(),
        action,
        before,
        after,
    }
}

/// The value to store for an entry being set: its canonical text, sealed for a secret. A secret
/// sent back with the mask it was shown with keeps the stored value, and one set to the value it
/// already holds keeps its sealed bytes, so neither shows as a change.
fn stored_value(
    keys: &Keyring,
    namespace: &str,
    entry: &Entry,
    current: Option<&Entry>,
) -> Result<String, AppError> {
    let current = current.filter(|c| c.secret);
    let context = keyring::context(namespace, &entry.key);
    if entry.secret && is_masked(&entry.value) {
        let Some(c) = current.filter(|c| keyring::masked(&c.value) == entry.value) else {
            return Err(AppError::field(
                "value",
                "Type the secret's value (the mask stands only for the value it was shown with)",
            ));
        };
        // A new type or new constraints must hold for the kept value too.
        if c.value_type != entry.value_type || c.constraints != entry.constraints {
            let plain = keys.open(&context, &c.value).map_err(|problem| {
                AppError::field("value", format!("Type the value again: {problem}"))
            })?;
            Validate::validate(&Entry {
                value: plain,
                ..entry.clone()
            })?;
        }
        return Ok(c.value.clone());
    }
    // Validation passed, so the value has a canonical spelling.
    let canonical = entry
        .canonical_value()
        .map_err(|m| AppError::field("value", m))?;
    if !entry.secret {
        return Ok(canonical);
    }
    if let Some(c) = current
        && keys.open(&context, &c.value).as_deref() == Ok(canonical.as_str())
    {
        return Ok(c.value.clone());
    }
    keys.seal(&context, &canonical).ok_or_else(|| {
        AppError::field(
            "secret",
            "Secret entries need an encryption key: set SWITCHBOARD_SECRET_KEYS (see the README)",
        )
    })
}

/// The entries of the main release (none before the first publish).
async fn main_entries(
    tx: &mut Tx,
    ns: &NamespaceRow,
    env: &Environment,
    head: Option<&Head>,
) -> Result<Vec<Entry>, AppError> {
    store::main_entries(tx, ns.id, env.id, head).await
}

fn head_json(head: Option<&Head>) -> Value {
    json!({
        "main_version": head.map_or(0, |h| h.main_version),
        "gray_version": head.and_then(|h| h.gray.as_ref().map(|(v, _)| *v)),
    })
}

/// The entry `key` of the draft as stored now (none if absent or removed), for a 409 answer.
async fn current_entry(
    tx: &mut Tx,
    ns: &NamespaceRow,
    env: &Environment,
    key: &str,
) -> Result<Option<DraftEntry>, AppError> {
    Ok(store::draft_rows(tx, ns.id, env.id)
        .await?
        .into_iter()
        .find(|r| r.entry.key == key && !r.deleted)
        .map(|r| r.view()))
}

impl Command for NewNamespace {
    type Output = switchboard_core::config::NamespaceSummary;

    fn environment(&self) -> Option<&str> {
        Some(&self.environment)
    }

    fn authorize(&self, subject: &Subject, env: Option<&Environment>) -> bool {
        allowed(subject, Action::Write, env)
    }

    async fn apply(
        self,
        tx: &mut Tx,
        ctx: &Context<'_>,
    ) -> Result<Applied<Self::Output>, AppError> {
        let env = ctx.env()?;
        if store::find_namespace(tx, &self.key).await?.is_some() {
            return Err(AppError::field("key", "A namespace with this key exists"));
        }
        let done = sqlx::query(
            "INSERT INTO config_namespaces (key, description, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT DO NOTHING",
        )
        .bind(&self.key)
        .bind(self.description.trim())
        .bind(ctx.now)
        .execute(&mut **tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(AppError::field("key", "A namespace with this key exists"));
        }
        let summary = switchboard_core::config::NamespaceSummary {
            key: self.key.clone(),
            description: self.description.trim().to_string(),
            entries: 0,
            main_version: 0,
            gray_version: None,
            pending: 0,
            updated_at: ctx.now,
        };
        let audit = record(
            env,
            "config_namespace",
            self.key.clone(),
            &self.key,
            "create",
            None,
            Some(json!({"key": self.key, "description": summary.description})),
        );
        Ok(Applied::one(summary, audit))
    }
}

impl Command for SetEntry {
    type Output = DraftEntry;

    fn environment(&self) -> Option<&str> {
        Some(&self.environment)
    }

    fn authorize(&self, subject: &Subject, env: Option<&Environment>) -> bool {
        allowed(subject, Action::Write, env)
    }

    async fn apply(self, tx: &mut Tx, ctx: &Context<'_>) -> Result<Applied<DraftEntry>, AppError> {
        let env = ctx.env()?;
        let ns = store::namespace(tx, &self.namespace).await?;
        let draft_seen = store::lock_draft(tx, ns.id, env.id).await?;
        let rows = store::draft_rows(tx, ns.id, env.id).await?;
        let current = rows.iter().find(|r| r.entry.key == self.entry.key);
        let visible = current.map_or(0, |r| r.visible_version());
        if visible != self.version {
            return Err(conflict(
                "entry",
                &current.filter(|r| !r.deleted).map(|r| r.view()),
            ));
        }
        let mut entry = self.entry.clone();
        let stored = current.filter(|r| !r.deleted).map(|r| &r.entry);
        entry.value = stored_value(ctx.keyring, &ns.key, &entry, stored)?;
        entry.description = entry.description.trim().to_string();
        if let Some(row) = current.filter(|r| !r.deleted)
            && row.entry == entry
        {
            return Ok(Applied::unchanged(row.view()));
        }
        if let Some(problem) = rows
            .iter()
            .filter(|r| !r.deleted && r.entry.key != entry.key)
            .find_map(|r| key_clash(&entry.key, &r.entry.key))
        {
            return Err(AppError::field("key", problem));
        }
        if visible == 0 {
            let live = rows.iter().filter(|r| !r.deleted).count();
            entry_count(live + 1).map_err(|problem| AppError::field("key", problem))?;
        }
        let version = current.map_or(1, |r| r.version + 1);
        let written = store::put_draft_row(
            tx,
            (ns.id, env.id),
            &entry,
            false,
            current.map(|r| r.version),
            &ctx.actor.name,
            ctx.now,
        )
        .await?;
        if !written {
            return Err(conflict(
                "entry",
                &current_entry(tx, &ns, env, &entry.key).await?,
            ));
        }
        store::bump_draft(tx, ns.id, env.id, draft_seen).await?;
        let before = current
            .filter(|r| !r.deleted)
            .map(|r| json!(masking::entry(&r.entry)));
        let audit = record(
            env,
            "config_entry",
            format!("{}/{}", ns.key, entry.key),
            &format!("{} {}", ns.key, entry.key),
            if before.is_some() {
                "draft.update"
            } else {
                "draft.add"
            },
            before,
            Some(json!(masking::entry(&entry))),
        );
        let view = DraftEntry {
            entry: masking::entry(&entry),
            version,
            updated_by: ctx.actor.name.clone(),
            updated_at: ctx.now,
        };
        Ok(Applied::one(view, audit))
    }
}

impl Command for RemoveEntry {
    type Output = ();

    fn environment(&self) -> Option<&str> {
        Some(&self.environment)
    }

    fn authorize(&self, subject: &Subject, env: Option<&Environment>) -> bool {
        allowed(subject, Action::Write, env)
    }

    async fn apply(self, tx: &mut Tx, ctx: &Context<'_>) -> Result<Applied<()>, AppError> {
        let env = ctx.env()?;
        let ns = store::namespace(tx, &self.namespace).await?;
        let draft_seen = store::lock_draft(tx, ns.id, env.id).await?;
        let rows = store::draft_rows(tx, ns.id, env.id).await?;
        let Some(row) = rows.iter().find(|r| r.entry.key == self.key && !r.deleted) else {
            // Gone since the version the client names: someone else removed it first.
            if self.version > 0 {
                return Err(conflict("entry", &None::<DraftEntry>));
            }
            return Err(AppError::not_found("Entry"));
        };
        if row.version != self.version {
            return Err(conflict("entry", &row.view()));
        }
        let head = store::head(tx, ns.id, env.id).await?;
        let published = main_entries(tx, &ns, env, head.as_ref()).await?;
        let written = if published.iter().any(|e| e.key == self.key) {
            // Kept as a removal so the draft shows who removed it until the next publish.
            store::put_draft_row(
                tx,
                (ns.id, env.id),
                &row.entry,
                true,
                Some(row.version),
                &ctx.actor.name,
                ctx.now,
            )
            .await?
        } else {
            store::delete_draft_row(tx, (ns.id, env.id), &self.key, row.version).await?
        };
        if !written {
            return Err(conflict(
                "entry",
                &current_entry(tx, &ns, env, &self.key).await?,
            ));
        }
        store::bump_draft(tx, ns.id, env.id, draft_seen).await?;
        let audit = record(
            env,
            "config_entry",
            format!("{}/{}", ns.key, self.key),
            &format!("{} {}", ns.key, self.key),
            "draft.remove",
            Some(json!(masking::entry(&row.entry))),
            None,
        );
        Ok(Applied::one((), audit))
    }
}

impl Command for CopyNamespace {
    type Output = ();

    fn environment(&self) -> Option<&str> {
        Some(&self.environment)
    }

    fn authorize(&self, subject: &Subject, env: Option<&Environment>) -> bool {
        allowed(subject, Action::Write, env)
    }

    async fn apply(self, tx: &mut Tx, ctx: &Context<'_>) -> Result<Applied<()>, AppError> {
        let env = ctx.env()?;
        let from = environments::find(tx, &self.from)
            .await?
            .ok_or_else(|| AppError::field("from", "Unknown environment"))?;
        if !may(
            &ctx.actor.subject,
            Action::Read,
            Resource::Config(from.scope()),
        ) {
            return Err(AppError::Forbidden);
        }
        let ns = store::namespace(tx, &self.namespace).await?;
        let source_head = store::head(tx, ns.id, from.id).await?;
        if source_head.as_ref().is_none_or(|h| h.main_version == 0) {
            return Err(AppError::field(
                "from",
                format!("Nothing is published in {} yet", from.name),
            ));
        }
        let source = main_entries(tx, &ns, &from, source_head.as_ref()).await?;
        let draft_seen = lock_reviewed_draft(tx, &ns, env.id, self.draft_version).await?;
        let rows = store::draft_rows(tx, ns.id, env.id).await?;
        let draft = store::live_entries(&rows);
        if diff_entries(&draft, &source).is_empty() {
            return Ok(Applied::unchanged(()));
        }
        store::reset_draft(tx, ns.id, env.id, &source, &ctx.actor.name, ctx.now).await?;
        store::bump_draft(tx, ns.id, env.id, draft_seen).await?;
        let audit = record(
            env,
            "config_draft",
            ns.key.clone(),
            &ns.key,
            "draft.copy",
            Some(masking::audit_values(&draft)),
            Some(
                json!({"from": from.key, "version": source_head.map_or(0, |h| h.main_version), "entries": masking::audit_values(&source)}),
            ),
        );
        Ok(Applied::one((), audit))
    }
}

impl ReleaseRequest for PublishDraft {
    type Subject = NamespaceRow;
    type Output = ReleaseSummary;
    const ACTION: Action = Action::Publish;

    fn names(&self) -> (&str, &str) {
        (&self.environment, &self.namespace)
    }

    async fn run(
        self,
        tx: &mut Tx,
        ctx: &Context<'_>,
        ns: NamespaceRow,
    ) -> Result<Applied<ReleaseSummary>, AppError> {
        let env = ctx.env()?;
        let partial = match &self.gray {
            Some(target) => Some(flow::Partial {
                kind: ReleaseKind::Gray.as_str(),
                target: serde_json::to_string(target).map_err(|_| AppError::Internal)?,
            }),
            None => None,
        };
        let request = flow::Publish {
            draft_version: self.draft_version,
            main_version: self.main_version,
            message: &self.message,
            partial,
        };
        let done = flow::publish(tx, ctx, &ns, request).await?;
        if let Some(target) = &self.gray {
            let version = done.summary.version;
            // A gray release started meanwhile would have moved the head first; this is the
            // layer's own compare-and-set all the same.
            if !store::start_gray(tx, (ns.id, env.id), version, target).await? {
                let head = store::head(tx, ns.id, env.id).await?;
                return Err(conflict("release", &head_json(head.as_ref())));
            }
        }
        let action = if self.gray.is_some() {
            "gray.start"
        } else {
            "publish"
        };
        let details = json!({"gray": self.gray.as_ref().map(|t| t.to_string())});
        let audit = releases::audit::published(env, &ns, &done, action, &self.message, details);
        Ok(Applied::one(done.summary, audit))
    }
}

release_requests! {
    subject: NamespaceRow,
    field: namespace,
    discard: DiscardDraft,
    rollback: RollbackRelease,
}

impl Command for FinishGray {
    type Output = ();

    fn environment(&self) -> Option<&str> {
        Some(&self.environment)
    }

    fn authorize(&self, subject: &Subject, env: Option<&Environment>) -> bool {
        allowed(subject, Action::Publish, env)
    }

    fn topics(&self) -> &'static [Topic] {
        CONFIG
    }

    async fn apply(self, tx: &mut Tx, ctx: &Context<'_>) -> Result<Applied<()>, AppError> {
        let env = ctx.env()?;
        let ns = store::namespace(tx, &self.namespace).await?;
        let ids = (ns.id, env.id);
        let head = store::head(tx, ns.id, env.id).await?;
        let Some(old) = head.as_ref() else {
            return Err(AppError::not_found("Gray release"));
        };
        let Some((gray_version, target)) = old.gray.clone() else {
            return Err(AppError::not_found("Gray release"));
        };
        if gray_version != self.gray_version {
            return Err(conflict("release", &head_json(head.as_ref())));
        }
        let main_version = if self.promote {
            gray_version
        } else {
            old.main_version
        };
        let ended = store::end_gray(tx, ids, gray_version).await?;
        let moved = !self.promote || {
            let new = releases::Head {
                main_version,
                latest_version: old.latest_version,
            };
            release_store::write_head::<NamespaceRow>(tx, ids, Some(old.base()), new, ctx.now)
                .await?
        };
        if !ended || !moved {
            let current = store::head(tx, ns.id, env.id).await?;
            return Err(conflict("release", &head_json(current.as_ref())));
        }
        let audit = record(
            env,
            "config_release",
            ns.key.clone(),
            &ns.key,
            if self.promote {
                "gray.promote"
            } else {
                "gray.abandon"
            },
            Some(
                json!({"main_version": old.main_version, "gray_version": gray_version, "gray": target.to_string()}),
            ),
            Some(json!({"main_version": main_version})),
        );
        Ok(Applied::one((), audit))
    }
}
