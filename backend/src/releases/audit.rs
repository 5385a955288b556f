//! The audit records of publishing, rolling back and discarding: one shape for every subject.
//! `before` and `after` each hold a version and the whole content under the subject's own field
//! ([`Releasable::audit_content`]), so the audit trail's diff view shows what apps got before and
//! what they get after.

use super::flow::{Discarded, Published, RolledBack};
use super::{Head, Releasable};
use crate::command::AuditRecord;
use serde_json::{Value, json};
use switchboard_core::domain::Environment;

/// `fields` with the subject's content added under its field name.
fn with_content<R: Releasable>(mut fields: Value, content: &R::Content) -> Value {
    let (name, value) = R::audit_content(content);
    if let Some(map) = fields.as_object_mut() {
        map.insert(name.to_string(), value);
    }
    fields
}

fn main_version(head: Option<Head>) -> i64 {
    head.map_or(0, |h| h.main_version)
}

fn record<R: Releasable>(
    env: &Environment,
    subject: &R,
    entity_type: &'static str,
    action: &'static str,
    before: Value,
    after: Value,
) -> AuditRecord {
    AuditRecord {
        environment: Some(env.key.clone()),
        entity_type,
        entity_id: subject.key().to_string(),
        entity_label: subject.key().to_string(),
        action,
        before: Some(before),
        after: Some(after),
    }
}

/// A publish; `action` is "publish" or the subject's own kind ("gray.start"), and `details` what
/// the subject adds to the release's side (a gray target, a summary of the changes).
pub fn published<R: Releasable>(
    env: &Environment,
    subject: &R,
    done: &Published<R::Summary, R::Content>,
    action: &'static str,
    message: &str,
    mut details: Value,
) -> AuditRecord {
    let before = with_content::<R>(json!({"version": main_version(done.head)}), &done.main);
    if let Some(map) = details.as_object_mut() {
        map.insert("version".into(), R::version(&done.summary).into());
        map.insert("message".into(), message.into());
    }
    let after = with_content::<R>(details, &done.draft);
    record(env, subject, R::AUDIT_RELEASE, action, before, after)
}

pub fn rolled_back<R: Releasable>(
    env: &Environment,
    subject: &R,
    done: &RolledBack<R::Summary, R::Content>,
    to_version: i64,
    message: &str,
) -> AuditRecord {
    let before = with_content::<R>(json!({"version": done.head.main_version}), &done.main);
    let after = with_content::<R>(
        json!({"version": R::version(&done.summary), "rollback_of": to_version, "message": message}),
        &done.target,
    );
    record(env, subject, R::AUDIT_RELEASE, "rollback", before, after)
}

/// A discarded draft: `before` is the draft thrown away, `after` the main release it holds again.
pub fn discarded<R: Releasable>(
    env: &Environment,
    subject: &R,
    done: &Discarded<R::Content>,
) -> AuditRecord {
    let before = with_content::<R>(json!({}), &done.draft);
    let after = with_content::<R>(json!({"version": main_version(done.head)}), &done.main);
    record(env, subject, R::AUDIT_DRAFT, "draft.discard", before, after)
}
