//! Every server function and every admin REST endpoint, called as every kind of subject: where the
//! permission module says no, the server answers 403 and changes nothing; where it says yes, the
//! call succeeds. The table must cover every registered server function and every path in the
//! OpenAPI document, so a new endpoint cannot skip this test.

use crate::common::*;
use app::backend::{Actor, execute};
use app::domain::{ApiToken, Environment, NewApiToken, NewEnvironment, Role, User};
use app::permissions::{Action, EnvScope, Resource, Subject, may};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Fresh things to act on, per call.
struct Targets {
    user: User,
    env: Environment,
    token: ApiToken,
    n: usize,
}

enum Call {
    Rpc {
        endpoint: &'static str,
        get: bool,
        body: Value,
    },
    Rest {
        method: Method,
        path: String,
        body: Option<Value>,
    },
}

struct Case {
    name: &'static str,
    call: fn(&Targets) -> Call,
    allowed: fn(&Subject) -> bool,
}

fn users(s: &Subject) -> bool {
    may(s, Action::Write, Resource::Users) && may(s, Action::Read, Resource::Users)
}
fn read_users(s: &Subject) -> bool {
    may(s, Action::Read, Resource::Users)
}
fn read_envs(s: &Subject) -> bool {
    may(s, Action::Read, Resource::Environments)
}
fn write_envs(s: &Subject) -> bool {
    may(s, Action::Write, Resource::Environments)
}
fn read_tokens(s: &Subject) -> bool {
    may(s, Action::Read, Resource::AdminTokens)
}
fn write_tokens(s: &Subject) -> bool {
    may(s, Action::Write, Resource::AdminTokens)
}
fn read_audit(s: &Subject) -> bool {
    may(s, Action::Read, Resource::GlobalAudit)
        || s.roles.keys().any(|key| {
            may(
                s,
                Action::Read,
                Resource::EnvAudit(EnvScope {
                    key,
                    protected: false,
                }),
            )
        })
}
fn anyone(_: &Subject) -> bool {
    true
}

fn rpc(endpoint: &'static str, body: Value) -> Call {
    Call::Rpc {
        endpoint,
        get: false,
        body,
    }
}
fn rpc_get(endpoint: &'static str) -> Call {
    Call::Rpc {
        endpoint,
        get: true,
        body: Value::Null,
    }
}
fn rest(method: Method, path: String, body: Option<Value>) -> Call {
    Call::Rest { method, path, body }
}

fn cases() -> Vec<Case> {
    vec![
        // Server functions.
        Case {
            name: "rpc users/list",
            call: |_| rpc_get("users/list"),
            allowed: read_users,
        },
        Case {
            name: "rpc users/create",
            call: |t| {
                rpc(
                    "users/create",
                    json!({"input": {"email": format!("new{}@test.example", t.n), "name": "New", "password": "a long passphrase", "admin": false, "roles": {}}}),
                )
            },
            allowed: users,
        },
        Case {
            name: "rpc users/update",
            call: |t| {
                rpc(
                    "users/update",
                    json!({"input": {"id": t.user.id, "email": t.user.email, "name": "Renamed", "admin": false, "roles": {"staging": "viewer"}, "version": t.user.version}}),
                )
            },
            allowed: users,
        },
        Case {
            name: "rpc users/set-disabled",
            call: |t| {
                rpc(
                    "users/set-disabled",
                    json!({"input": {"id": t.user.id, "disabled": true, "version": t.user.version}}),
                )
            },
            allowed: users,
        },
        Case {
            name: "rpc users/reset-password",
            call: |t| {
                rpc(
                    "users/reset-password",
                    json!({"input": {"id": t.user.id, "password": "another long passphrase", "version": t.user.version}}),
                )
            },
            allowed: users,
        },
        Case {
            name: "rpc environments/list",
            call: |_| rpc_get("environments/list"),
            allowed: read_envs,
        },
        Case {
            name: "rpc environments/create",
            call: |t| {
                rpc(
                    "environments/create",
                    json!({"input": {"key": format!("new-{}", t.n), "name": "New", "protected": false}}),
                )
            },
            allowed: write_envs,
        },
        Case {
            name: "rpc environments/update",
            call: |t| {
                rpc(
                    "environments/update",
                    json!({"input": {"key": t.env.key, "name": "Renamed", "protected": true, "version": t.env.version}}),
                )
            },
            allowed: write_envs,
        },
        Case {
            name: "rpc environments/delete",
            call: |t| {
                rpc(
                    "environments/delete",
                    json!({"input": {"key": t.env.key, "version": t.env.version}}),
                )
            },
            allowed: write_envs,
        },
        Case {
            name: "rpc api-tokens/list",
            call: |_| rpc_get("api-tokens/list"),
            allowed: read_tokens,
        },
        Case {
            name: "rpc api-tokens/create",
            call: |t| {
                rpc(
                    "api-tokens/create",
                    json!({"input": {"name": format!("ci {}", t.n), "admin": false, "roles": {"staging": "viewer"}}}),
                )
            },
            allowed: write_tokens,
        },
        Case {
            name: "rpc api-tokens/revoke",
            call: |t| {
                rpc(
                    "api-tokens/revoke",
                    json!({"input": {"id": t.token.id, "version": t.token.version}}),
                )
            },
            allowed: write_tokens,
        },
        Case {
            name: "rpc audit/list",
            call: |_| rpc("audit/list", json!({"filter": {}})),
            allowed: read_audit,
        },
        // REST API.
        Case {
            name: "GET /me",
            call: |_| rest(Method::GET, "/me".into(), None),
            allowed: anyone,
        },
        Case {
            name: "GET /users",
            call: |_| rest(Method::GET, "/users".into(), None),
            allowed: read_users,
        },
        Case {
            name: "POST /users",
            call: |t| {
                rest(
                    Method::POST,
                    "/users".into(),
                    Some(
                        json!({"email": format!("rest{}@test.example", t.n), "name": "New", "password": "a long passphrase"}),
                    ),
                )
            },
            allowed: users,
        },
        Case {
            name: "PUT /users/{id}",
            call: |t| {
                rest(
                    Method::PUT,
                    format!("/users/{}", t.user.id),
                    Some(
                        json!({"email": t.user.email, "name": "Renamed", "admin": false, "roles": {}, "version": t.user.version}),
                    ),
                )
            },
            allowed: users,
        },
        Case {
            name: "POST /users/{id}/disable",
            call: |t| {
                rest(
                    Method::POST,
                    format!("/users/{}/disable", t.user.id),
                    Some(json!({"version": t.user.version})),
                )
            },
            allowed: users,
        },
        Case {
            name: "POST /users/{id}/enable",
            call: |t| {
                rest(
                    Method::POST,
                    format!("/users/{}/enable", t.user.id),
                    Some(json!({"version": t.user.version})),
                )
            },
            allowed: users,
        },
        Case {
            name: "POST /users/{id}/password",
            call: |t| {
                rest(
                    Method::POST,
                    format!("/users/{}/password", t.user.id),
                    Some(json!({"password": "another long passphrase", "version": t.user.version})),
                )
            },
            allowed: users,
        },
        Case {
            name: "GET /environments",
            call: |_| rest(Method::GET, "/environments".into(), None),
            allowed: read_envs,
        },
        Case {
            name: "POST /environments",
            call: |t| {
                rest(
                    Method::POST,
                    "/environments".into(),
                    Some(json!({"key": format!("rest-{}", t.n), "name": "New"})),
                )
            },
            allowed: write_envs,
        },
        Case {
            name: "PUT /environments/{key}",
            call: |t| {
                rest(
                    Method::PUT,
                    format!("/environments/{}", t.env.key),
                    Some(json!({"name": "Renamed", "protected": false, "version": t.env.version})),
                )
            },
            allowed: write_envs,
        },
        Case {
            name: "DELETE /environments/{key}",
            call: |t| {
                rest(
                    Method::DELETE,
                    format!("/environments/{}?version={}", t.env.key, t.env.version),
                    None,
                )
            },
            allowed: write_envs,
        },
        Case {
            name: "GET /tokens",
            call: |_| rest(Method::GET, "/tokens".into(), None),
            allowed: read_tokens,
        },
        Case {
            name: "POST /tokens",
            call: |t| {
                rest(
                    Method::POST,
                    "/tokens".into(),
                    Some(json!({"name": format!("rest {}", t.n), "roles": {"staging": "viewer"}})),
                )
            },
            allowed: write_tokens,
        },
        Case {
            name: "POST /tokens/{id}/revoke",
            call: |t| {
                rest(
                    Method::POST,
                    format!("/tokens/{}/revoke", t.token.id),
                    Some(json!({"version": t.token.version})),
                )
            },
            allowed: write_tokens,
        },
        Case {
            name: "GET /audit",
            call: |_| rest(Method::GET, "/audit".into(), None),
            allowed: read_audit,
        },
    ]
}

/// Server functions anyone may call: they are how one signs in and out.
const PUBLIC_RPC: &[&str] = &["/rpc/login", "/rpc/logout", "/rpc/session"];

/// (label, global administrator, roles per environment)
type SubjectSpec = (&'static str, bool, Vec<(&'static str, &'static str)>);

fn subjects() -> Vec<SubjectSpec> {
    vec![
        ("administrator", true, vec![]),
        ("no role", false, vec![]),
        ("viewer", false, vec![("staging", "viewer")]),
        (
            "editor",
            false,
            vec![("staging", "editor"), ("production", "viewer")],
        ),
        (
            "publisher",
            false,
            vec![("staging", "publisher"), ("production", "publisher")],
        ),
        (
            "environment admin",
            false,
            vec![("staging", "admin"), ("production", "admin")],
        ),
    ]
}

/// Everything a mutation could touch, read as the operator.
async fn fingerprint(server: &TestServer) -> Value {
    let system = Actor::system("test");
    let db = server.db();
    // Usage timestamps (a token's last use) are bookkeeping, not changes.
    let mut tokens =
        serde_json::to_value(app::backend::api_tokens::list(db, &system).await.unwrap()).unwrap();
    for t in tokens.as_array_mut().unwrap() {
        t["last_used_at"] = Value::Null;
    }
    json!({
        "audit": server.audit_count().await,
        "users": app::backend::users::list(db, &system).await.unwrap(),
        "environments": app::backend::environments::list_all(db).await.unwrap(),
        "tokens": tokens,
    })
}

async fn targets(server: &TestServer) -> Targets {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let system = Actor::system("test setup");
    let user = server
        .create_user(
            &format!("target{n}@test.example"),
            "target long passphrase",
            false,
            &[("staging", "viewer")],
        )
        .await;
    let env = execute(
        server.db(),
        &system,
        NewEnvironment {
            key: format!("sandbox-{n}"),
            name: format!("Sandbox {n}"),
            protected: false,
        },
    )
    .await
    .unwrap();
    let token = execute(
        server.db(),
        &system,
        NewApiToken {
            name: format!("target {n}"),
            admin: false,
            roles: BTreeMap::from([("staging".to_string(), Role::Viewer)]),
        },
    )
    .await
    .unwrap()
    .token;
    Targets {
        user,
        env,
        token,
        n,
    }
}

/// A token cannot be issued without authority, but keeps existing when the only environment it
/// had a role in is deleted: then it holds no role at all.
async fn token_whose_only_environment_was_deleted(server: &TestServer, name: &str) -> Api {
    let system = Actor::system("test setup");
    let env = execute(
        server.db(),
        &system,
        NewEnvironment {
            key: "vanishing".into(),
            name: "Vanishing".into(),
            protected: false,
        },
    )
    .await
    .unwrap();
    let api = server
        .create_token(name, false, &[("vanishing", "viewer")])
        .await;
    execute(
        server.db(),
        &system,
        app::domain::DeleteEnvironment {
            key: env.key,
            version: env.version,
        },
    )
    .await
    .unwrap();
    let (_, me) = api.get("/me").await;
    assert_eq!(me["subject"]["roles"], json!({}));
    api
}

async fn every_endpoint_answers_403_where_the_permission_module_says_no(backend: Backend) {
    let server = TestServer::start(backend).await;
    let mut checked = 0;
    for (label, admin, roles) in subjects() {
        let subject = Subject {
            admin,
            roles: roles
                .iter()
                .map(|(e, r)| (e.to_string(), Role::parse(r).unwrap()))
                .collect(),
        };
        let email = format!("{}@subjects.example", label.replace(' ', "-"));
        server
            .create_user(&email, "subject long passphrase", admin, &roles)
            .await;
        let session = server.sign_in(&email, "subject long passphrase").await;
        let api = if admin || !roles.is_empty() {
            server.create_token(label, admin, &roles).await
        } else {
            token_whose_only_environment_was_deleted(&server, label).await
        };
        for case in cases() {
            let t = targets(&server).await;
            let before = fingerprint(&server).await;
            let (status, body) = match (case.call)(&t) {
                Call::Rpc {
                    endpoint,
                    get: true,
                    ..
                } => session.rpc_get(endpoint).await,
                Call::Rpc { endpoint, body, .. } => session.rpc(endpoint, body).await,
                Call::Rest { method, path, body } => api.call(method, &path, body).await,
            };
            if (case.allowed)(&subject) {
                assert!(
                    status.is_success(),
                    "{label}: {} should be allowed, got {status}: {body}",
                    case.name
                );
            } else {
                assert_eq!(
                    status,
                    StatusCode::FORBIDDEN,
                    "{label}: {} must be refused: {body}",
                    case.name
                );
                assert_eq!(body["error"], "forbidden", "{label}: {}", case.name);
                assert_eq!(
                    fingerprint(&server).await,
                    before,
                    "{label}: refused {} changed something",
                    case.name
                );
            }
            checked += 1;
        }
    }
    assert_eq!(checked, subjects().len() * cases().len());
    server.stop().await;
}

#[test]
fn the_table_covers_every_server_function() {
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_string())
        .collect();
    let mut covered: BTreeSet<String> = PUBLIC_RPC.iter().map(|p| p.to_string()).collect();
    let dummy = Targets {
        user: serde_json::from_value(json!({"id": 1, "email": "a@b.c", "name": "a", "admin": false, "disabled": false, "roles": {}, "version": 1, "created_at": 0, "updated_at": 0, "last_login_at": null})).unwrap(),
        env: serde_json::from_value(json!({"id": 1, "key": "k", "name": "K", "protected": false, "position": 0, "version": 1, "created_at": 0, "updated_at": 0})).unwrap(),
        token: serde_json::from_value(json!({"id": 1, "name": "t", "prefix": "p", "admin": false, "roles": {}, "created_by": "x", "created_at": 0, "last_used_at": null, "revoked_at": null, "version": 1})).unwrap(),
        n: 0,
    };
    let mut rest_covered = BTreeSet::new();
    for case in cases() {
        match (case.call)(&dummy) {
            Call::Rpc { endpoint, .. } => {
                covered.insert(format!("/rpc/{endpoint}"));
            }
            Call::Rest { method, .. } => {
                rest_covered.insert((
                    method.as_str().to_lowercase(),
                    case.name.split_once(' ').unwrap().1.to_string(),
                ));
            }
        }
    }
    assert_eq!(
        covered, registered,
        "every server function must be in the permission table (or PUBLIC_RPC)"
    );

    let doc = serde_json::to_value(server::openapi::document()).unwrap();
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            documented.insert((
                method.clone(),
                path.trim_start_matches("/api/admin/v1").to_string(),
            ));
        }
    }
    assert_eq!(
        rest_covered, documented,
        "every documented REST endpoint must be in the permission table"
    );
}

on_both_backends!(every_endpoint_answers_403_where_the_permission_module_says_no);
