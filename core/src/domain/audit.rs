//! The audit trail: one event per mutation, with who, when, where, what and a before/after.

use super::Millis;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Entity types that appear in the audit trail, with how the dashboard names them.
pub const AUDITED_ENTITIES: &[(&str, &str)] = &[
    ("flag", "Flags"),
    ("segment", "Segments"),
    ("sdk_key", "SDK keys"),
    ("user", "Users"),
    ("environment", "Environments"),
    ("api_token", "API tokens"),
];

/// Entity types outside any environment that everyone who works with flags may read about.
pub const SHARED_ENTITIES: &[&str] = &["flag", "segment"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ActorKind {
    User,
    Token,
    /// The operator's command line (`switchboard create-user`) or first-start bootstrap.
    System,
}

impl ActorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ActorKind::User => "user",
            ActorKind::Token => "token",
            ActorKind::System => "system",
        }
    }

    pub fn parse(s: &str) -> Option<ActorKind> {
        [ActorKind::User, ActorKind::Token, ActorKind::System]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActorRef {
    pub kind: ActorKind,
    pub id: Option<i64>,
    /// Email for users, token name for tokens; kept as it was when the event happened.
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEvent {
    pub id: i64,
    pub at: Millis,
    pub actor: ActorRef,
    /// Environment key, when the change belongs to one.
    pub environment: Option<String>,
    /// `user`, `environment`, `api_token`, later `flag`, `config`, `menu`, ...
    pub entity_type: String,
    pub entity_id: String,
    pub entity_label: String,
    /// `create`, `update`, `delete`, `disable`, `enable`, `reset_password`, `revoke`, ...
    pub action: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

impl AuditEvent {
    pub fn changes(&self) -> Vec<FieldChange> {
        diff(self.before.as_ref(), self.after.as_ref())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
// utoipa documents the fields of an IntoParams struct as (required) path parameters unless told.
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct AuditFilter {
    pub entity_type: Option<String>,
    /// One entity's history (with `entity_type`), e.g. a flag's key.
    pub entity_id: Option<String>,
    /// Matches the actor's name or email, case-insensitively, anywhere in it.
    pub actor: Option<String>,
    pub environment: Option<String>,
    /// Inclusive lower bound, milliseconds since the epoch.
    pub from: Option<Millis>,
    /// Exclusive upper bound, milliseconds since the epoch.
    pub to: Option<Millis>,
    /// Cursor: only events with a smaller id (the `next_before` of the previous page).
    pub before: Option<i64>,
    /// Events per page: 50 unless given, and a larger number than 200 counts as 200.
    // Every u32 parses; utoipa would document a u32 as int32, which leaves out half of them.
    #[cfg_attr(feature = "openapi", param(value_type = Option<i64>, minimum = 0, maximum = 4294967295u32))]
    pub limit: Option<u32>,
}

impl AuditFilter {
    pub const DEFAULT_LIMIT: u32 = 50;
    pub const MAX_LIMIT: u32 = 200;

    pub fn effective_limit(&self) -> u32 {
        self.limit
            .unwrap_or(Self::DEFAULT_LIMIT)
            .clamp(1, Self::MAX_LIMIT)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditPage {
    pub events: Vec<AuditEvent>,
    /// Pass as `before` to get the next (older) page; absent on the last page.
    pub next_before: Option<i64>,
}

/// One changed leaf between a before and an after document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    /// Dotted path, e.g. `roles.staging`.
    pub path: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// Field-level differences between two JSON documents. Objects are walked key by key; arrays and
/// scalars are compared whole, because a reordered list is one change to a reader.
pub fn diff(before: Option<&Value>, after: Option<&Value>) -> Vec<FieldChange> {
    let mut out = Vec::new();
    walk(String::new(), before, after, &mut out);
    out
}

fn walk(path: String, before: Option<&Value>, after: Option<&Value>, out: &mut Vec<FieldChange>) {
    match (before, after) {
        (Some(Value::Object(b)), Some(Value::Object(a))) => {
            let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let child = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                walk(child, b.get(key), a.get(key), out);
            }
        }
        (Some(Value::Object(b)), None) => {
            for (key, v) in b {
                walk(join(&path, key), Some(v), None, out);
            }
        }
        (None, Some(Value::Object(a))) => {
            for (key, v) in a {
                walk(join(&path, key), None, Some(v), out);
            }
        }
        (b, a) if b != a => out.push(FieldChange {
            path,
            before: b.cloned(),
            after: a.cloned(),
        }),
        _ => {}
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn diff_reports_changed_added_and_removed_leaves() {
        let before =
            json!({"name": "Ann", "roles": {"staging": "viewer", "dev": "editor"}, "admin": false});
        let after = json!({"name": "Ann B", "roles": {"staging": "publisher", "prod": "viewer"}, "admin": false});
        let changes = diff(Some(&before), Some(&after));
        let paths: Vec<&str> = changes.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(paths, ["name", "roles.dev", "roles.prod", "roles.staging"]);
        assert_eq!(changes[1].after, None);
        assert_eq!(changes[2].before, None);
        assert_eq!(changes[3].after, Some(json!("publisher")));
    }

    #[test]
    fn diff_of_creation_lists_every_field() {
        let after = json!({"key": "qa", "protected": true});
        let changes = diff(None, Some(&after));
        assert_eq!(changes.len(), 2);
        assert!(changes.iter().all(|c| c.before.is_none()));
    }

    #[test]
    fn identical_documents_have_no_changes() {
        let v = json!({"a": [1, 2], "b": {"c": null}});
        assert!(diff(Some(&v), Some(&v)).is_empty());
    }

    #[test]
    fn arrays_are_compared_whole() {
        let changes = diff(
            Some(&json!({"tags": ["a", "b"]})),
            Some(&json!({"tags": ["b", "a"]})),
        );
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].path, "tags");
    }

    #[test]
    fn audit_limit_is_clamped() {
        let mut f = AuditFilter::default();
        assert_eq!(f.effective_limit(), 50);
        f.limit = Some(0);
        assert_eq!(f.effective_limit(), 1);
        f.limit = Some(10_000);
        assert_eq!(f.effective_limit(), 200);
    }
}
