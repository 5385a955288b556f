//! Every server function and every admin REST endpoint, called as every kind of subject: where the
//! hand-written table below says no, the server answers 403 and changes nothing; where it says
//! yes, the call succeeds. The table is written from the documented roles, not computed by the
//! permission module, so it checks the rules themselves as well as that the server consults them. The table must cover every registered server function and every path of the
//! admin API in the OpenAPI document, so a new endpoint cannot skip this test.

use crate::common::*;
use app::domain::{
    ApiToken, Environment, NewApiToken, NewEnvironment, NewSdkKey, Role, SdkKey, User,
};
use app::flags::{
    Constraint, Flag, FlagKind, NewFlag, NewSegment, Operator, SaveFlagSettings, Segment,
    SetFlagEnabled, Variant,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use switchboard_backend::Actor;

/// What a call acts on. Only what a case needs is created for it (the rest keeps placeholder
/// values); everything is created fresh for each call, so an allowed call never spoils the next.
#[derive(Clone, Copy, PartialEq)]
enum Need {
    User,
    Env,
    Token,
    Flag,
    LiveFlag,
    Segment,
    SdkKey,
    /// A staging namespace with releases v1 and v2 and a pending draft change.
    Namespace,
    /// The same, with gray release v3 running.
    GrayNamespace,
    /// A staging menu with releases v1 and v2 and a pending draft change.
    Menu,
    /// A string flag (variants `a` then `b`) on in staging serving `a`, off in production
    /// serving `b`, without settings elsewhere (so serving `a`, the first variant).
    OffInProduction,
    /// A segment (as `segment`, keyed as the Unleash import keys segment `unleash_segment_id`)
    /// that a rule of a flag on in production only reads.
    ProductionSegment,
}

struct Targets {
    user: User,
    env: Environment,
    token: ApiToken,
    /// Configured nowhere.
    flag: Flag,
    /// Switched on in staging and production.
    live_flag: Flag,
    /// The live flag's settings version in every environment but staging (1 in production, 0
    /// in the others, including those earlier cases created).
    live_versions_elsewhere: Value,
    segment: Segment,
    off_flag: Flag,
    unleash_segment_id: i64,
    sdk_key: SdkKey,
    namespace: String,
    /// The draft version of the namespace's `limit` entry.
    entry_version: i64,
    /// The version of the namespace's staging draft as a whole.
    draft_version: i64,
    menu: String,
    /// The menu's draft version.
    menu_version: i64,
    n: usize,
}

enum Call {
    Rpc {
        endpoint: String,
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
    needs: &'static [Need],
    call: fn(&Targets) -> Call,
    /// Who may: a hand-written row of the table above.
    allowed: &'static [&'static str],
}

// The expected answers, written out by hand from the roles documented in the README (viewer <
// editor < publisher < admin per environment; flag changes in a protected environment need a
// publisher; SDK keys need an environment admin; users, environments and admin tokens need the
// global administrator). The subjects are the six of [`subjects`]; the test server also has the
// environment `qa`, where only the administrator holds a role. Read a row as "these may".
const EVERYONE: &[&str] = &[
    "administrator",
    "no role",
    "viewer",
    "editor",
    "publisher",
    "environment admin",
];
/// Anyone with a role somewhere (every subject but "no role").
const ANY_ROLE: &[&str] = &[
    "administrator",
    "viewer",
    "editor",
    "publisher",
    "environment admin",
];
/// Editor or more in staging.
const STAGING_EDITORS: &[&str] = &["administrator", "editor", "publisher", "environment admin"];
/// Publisher or more in staging.
const STAGING_PUBLISHERS: &[&str] = &["administrator", "publisher", "environment admin"];
/// Write access to flags in production, which is protected: publisher or more.
const PRODUCTION_FLAG_WRITERS: &[&str] = &["administrator", "publisher", "environment admin"];
/// Editor or more in production (config and menus ask no more in a protected environment).
const PRODUCTION_EDITORS: &[&str] = &["administrator", "publisher", "environment admin"];
/// Viewer or more in both staging and production.
const BOTH_READERS: &[&str] = &["administrator", "editor", "publisher", "environment admin"];
const ENVIRONMENT_ADMINS: &[&str] = &["administrator", "environment admin"];
const ADMINISTRATOR: &[&str] = &["administrator"];

const USERS: &[&str] = ADMINISTRATOR;
const READ_USERS: &[&str] = ADMINISTRATOR;
const READ_ENVS: &[&str] = EVERYONE;
const WRITE_ENVS: &[&str] = ADMINISTRATOR;
const READ_TOKENS: &[&str] = ADMINISTRATOR;
const WRITE_TOKENS: &[&str] = ADMINISTRATOR;
const READ_AUDIT: &[&str] = ANY_ROLE;
const ANYONE: &[&str] = EVERYONE;
const READ_FLAGS: &[&str] = ANY_ROLE;
/// Definition changes that alter nothing any environment serves (a name, an unused segment).
const DEFINE_FLAGS: &[&str] = STAGING_EDITORS;
/// Creating, archiving or importing a new flag changes what every environment serves (a new
/// flag is served off everywhere), `qa` included: only the administrator writes flags in all.
const EVERY_ENVIRONMENT: &[&str] = ADMINISTRATOR;
/// A change that alters only what production serves.
const PRODUCTION_SERVED: &[&str] = PRODUCTION_FLAG_WRITERS;
const STAGING_FLAGS: &[&str] = STAGING_EDITORS;
const PRODUCTION_FLAGS: &[&str] = PRODUCTION_FLAG_WRITERS;
/// Write in production and read in staging.
const COPY_TO_PRODUCTION: &[&str] = PRODUCTION_FLAG_WRITERS;
/// What a copy would change: read in both.
const PREVIEW_COPY: &[&str] = BOTH_READERS;
/// Read in staging and write flags in every other environment, `qa` included.
const COPY_EVERYWHERE: &[&str] = EVERY_ENVIRONMENT;
const READ_SEGMENTS: &[&str] = ANY_ROLE;
const WRITE_SEGMENTS: &[&str] = STAGING_EDITORS;
const READ_KEYS: &[&str] = ENVIRONMENT_ADMINS;
const WRITE_KEYS: &[&str] = ENVIRONMENT_ADMINS;
const READ_CONFIG: &[&str] = ANY_ROLE;
const READ_CONFIG_BOTH: &[&str] = BOTH_READERS;
const WRITE_CONFIG: &[&str] = STAGING_EDITORS;
const COPY_CONFIG_TO_PRODUCTION: &[&str] = PRODUCTION_EDITORS;
const PUBLISH_CONFIG: &[&str] = STAGING_PUBLISHERS;
const READ_MENUS: &[&str] = ANY_ROLE;
const WRITE_MENUS: &[&str] = STAGING_EDITORS;
const PUBLISH_MENUS: &[&str] = STAGING_PUBLISHERS;

/// A menu tree in the admin API's JSON.
fn menu_items(n: usize) -> Value {
    json!([
        {"id": "home", "kind": "link", "label": "Home", "target": "/"},
        {"id": format!("extra-{n}"), "kind": "link", "label": "Extra", "target": "/extra"}
    ])
}

fn rpc(endpoint: &str, body: Value) -> Call {
    Call::Rpc {
        endpoint: endpoint.to_string(),
        get: false,
        body,
    }
}
fn rpc_get(endpoint: &str) -> Call {
    Call::Rpc {
        endpoint: endpoint.to_string(),
        get: true,
        body: Value::Null,
    }
}
fn rest(method: Method, path: String, body: Option<Value>) -> Call {
    Call::Rest { method, path, body }
}

fn unleash_doc(n: usize) -> Value {
    json!({"features": [{"name": format!("imported.{n}"), "enabled": true, "strategies": [{"name": "default"}]}]})
}

fn constraint() -> Value {
    json!([{"attribute": "plan", "operator": "IN", "values": ["pro"]}])
}

use Need::*;

fn cases() -> Vec<Case> {
    vec![
        // Server functions.
        Case {
            name: "rpc users/list",
            needs: &[],
            call: |_| rpc_get("users/list"),
            allowed: READ_USERS,
        },
        Case {
            name: "rpc users/create",
            needs: &[],
            call: |t| {
                rpc(
                    "users/create",
                    json!({"input": {"email": format!("new{}@test.example", t.n), "name": "New", "password": "a long passphrase", "admin": false, "roles": {}}}),
                )
            },
            allowed: USERS,
        },
        Case {
            name: "rpc users/update",
            needs: &[User],
            call: |t| {
                rpc(
                    "users/update",
                    json!({"input": {"id": t.user.id, "email": t.user.email, "name": "Renamed", "admin": false, "roles": {"staging": "viewer"}, "version": t.user.version}}),
                )
            },
            allowed: USERS,
        },
        Case {
            name: "rpc users/set-disabled",
            needs: &[User],
            call: |t| {
                rpc(
                    "users/set-disabled",
                    json!({"input": {"id": t.user.id, "disabled": true, "version": t.user.version}}),
                )
            },
            allowed: USERS,
        },
        Case {
            name: "rpc users/reset-password",
            needs: &[User],
            call: |t| {
                rpc(
                    "users/reset-password",
                    json!({"input": {"id": t.user.id, "password": "another long passphrase", "version": t.user.version}}),
                )
            },
            allowed: USERS,
        },
        Case {
            name: "rpc environments/list",
            needs: &[],
            call: |_| rpc_get("environments/list"),
            allowed: READ_ENVS,
        },
        Case {
            name: "rpc environments/create",
            needs: &[],
            call: |t| {
                rpc(
                    "environments/create",
                    json!({"input": {"key": format!("new-{}", t.n), "name": "New", "protected": false}}),
                )
            },
            allowed: WRITE_ENVS,
        },
        Case {
            name: "rpc environments/update",
            needs: &[Env],
            call: |t| {
                rpc(
                    "environments/update",
                    json!({"input": {"key": t.env.key, "name": "Renamed", "protected": true, "version": t.env.version}}),
                )
            },
            allowed: WRITE_ENVS,
        },
        Case {
            name: "rpc environments/delete",
            needs: &[Env],
            call: |t| {
                rpc(
                    "environments/delete",
                    json!({"input": {"key": t.env.key, "version": t.env.version}}),
                )
            },
            allowed: WRITE_ENVS,
        },
        Case {
            name: "rpc api-tokens/list",
            needs: &[],
            call: |_| rpc_get("api-tokens/list"),
            allowed: READ_TOKENS,
        },
        Case {
            name: "rpc api-tokens/create",
            needs: &[],
            call: |t| {
                rpc(
                    "api-tokens/create",
                    json!({"input": {"name": format!("ci {}", t.n), "admin": false, "roles": {"staging": "viewer"}}}),
                )
            },
            allowed: WRITE_TOKENS,
        },
        Case {
            name: "rpc api-tokens/revoke",
            needs: &[Token],
            call: |t| {
                rpc(
                    "api-tokens/revoke",
                    json!({"input": {"id": t.token.id, "version": t.token.version}}),
                )
            },
            allowed: WRITE_TOKENS,
        },
        Case {
            name: "rpc audit/list",
            needs: &[],
            call: |_| rpc("audit/list", json!({"filter": {}})),
            allowed: READ_AUDIT,
        },
        Case {
            name: "rpc flags/list",
            needs: &[],
            call: |_| rpc("flags/list", json!({"query": {}})),
            allowed: READ_FLAGS,
        },
        Case {
            name: "rpc flags/get",
            needs: &[Flag],
            call: |t| rpc_get(&format!("flags/get?key={}", t.flag.key)),
            allowed: READ_FLAGS,
        },
        Case {
            name: "rpc flags/choices",
            needs: &[],
            call: |_| rpc_get("flags/choices"),
            allowed: READ_FLAGS,
        },
        Case {
            name: "rpc flags/create",
            needs: &[],
            call: |t| {
                rpc(
                    "flags/create",
                    json!({"input": {"key": format!("new-flag-{}", t.n), "name": "New", "kind": "boolean"}}),
                )
            },
            allowed: EVERY_ENVIRONMENT,
        },
        Case {
            name: "rpc flags/update",
            needs: &[Flag],
            call: |t| {
                rpc(
                    "flags/update",
                    json!({"input": {"key": t.flag.key, "name": "Renamed", "variants": t.flag.variants, "version": t.flag.version}}),
                )
            },
            allowed: DEFINE_FLAGS,
        },
        Case {
            name: "rpc flags/update (rename, live in production)",
            needs: &[LiveFlag],
            call: |t| {
                rpc(
                    "flags/update",
                    json!({"input": {"key": t.live_flag.key, "name": "Renamed", "variants": t.live_flag.variants, "version": t.live_flag.version}}),
                )
            },
            allowed: DEFINE_FLAGS,
        },
        Case {
            name: "rpc flags/set-archived",
            needs: &[Flag],
            call: |t| {
                rpc(
                    "flags/set-archived",
                    json!({"input": {"key": t.flag.key, "archived": true, "version": t.flag.version}}),
                )
            },
            allowed: EVERY_ENVIRONMENT,
        },
        Case {
            name: "rpc flags/save-settings",
            needs: &[Flag],
            call: |t| {
                rpc(
                    "flags/save-settings",
                    json!({"input": {"flag": t.flag.key, "environment": "staging", "enabled": true, "off_variant": "off", "default_variant": "on", "rules": [], "version": 0}}),
                )
            },
            allowed: STAGING_FLAGS,
        },
        Case {
            name: "rpc flags/set-enabled",
            needs: &[Flag],
            call: |t| {
                rpc(
                    "flags/set-enabled",
                    json!({"input": {"flag": t.flag.key, "environment": "production", "enabled": true, "version": 0}}),
                )
            },
            allowed: PRODUCTION_FLAGS,
        },
        Case {
            name: "rpc flags/copy-settings",
            needs: &[LiveFlag],
            call: |t| {
                rpc(
                    "flags/copy-settings",
                    json!({"input": {"flag": t.live_flag.key, "from": "staging", "to": "production", "version": 1}}),
                )
            },
            allowed: COPY_TO_PRODUCTION,
        },
        Case {
            name: "rpc flags/compare-environments",
            needs: &[LiveFlag],
            call: |_| rpc_get("flags/compare-environments?from=staging&to=production"),
            allowed: PREVIEW_COPY,
        },
        Case {
            name: "rpc flags/copy-settings-everywhere",
            needs: &[LiveFlag],
            call: |t| {
                rpc(
                    "flags/copy-settings-everywhere",
                    json!({"input": {"flag": t.live_flag.key, "from": "staging",
                        "versions": t.live_versions_elsewhere}}),
                )
            },
            allowed: COPY_EVERYWHERE,
        },
        Case {
            name: "rpc flags/import-unleash",
            needs: &[],
            call: |t| {
                rpc(
                    "flags/import-unleash",
                    json!({"input": {"environment": "staging", "document": unleash_doc(t.n).to_string()}}),
                )
            },
            allowed: EVERY_ENVIRONMENT,
        },
        Case {
            name: "rpc flags/update (off variant's value, off in production)",
            needs: &[OffInProduction],
            call: |t| {
                rpc(
                    "flags/update",
                    json!({"input": {"key": t.off_flag.key, "name": t.off_flag.name, "variants": [{"key": "a", "value": "x"}, {"key": "b", "value": "changed"}], "version": t.off_flag.version}}),
                )
            },
            allowed: PRODUCTION_SERVED,
        },
        Case {
            name: "rpc segments/update (constraints, read in production)",
            needs: &[ProductionSegment],
            call: |t| {
                rpc(
                    "segments/update",
                    json!({"input": {"key": t.segment.key, "name": t.segment.name, "constraints": [{"attribute": "plan", "operator": "IN", "values": ["free"]}], "version": t.segment.version}}),
                )
            },
            allowed: PRODUCTION_SERVED,
        },
        Case {
            name: "rpc segments/list",
            needs: &[],
            call: |_| rpc_get("segments/list"),
            allowed: READ_SEGMENTS,
        },
        Case {
            name: "rpc segments/create",
            needs: &[],
            call: |t| {
                rpc(
                    "segments/create",
                    json!({"input": {"key": format!("seg-new-{}", t.n), "name": "New", "constraints": constraint()}}),
                )
            },
            allowed: WRITE_SEGMENTS,
        },
        Case {
            name: "rpc segments/update",
            needs: &[Segment],
            call: |t| {
                rpc(
                    "segments/update",
                    json!({"input": {"key": t.segment.key, "name": "Renamed", "constraints": t.segment.constraints, "version": t.segment.version}}),
                )
            },
            allowed: WRITE_SEGMENTS,
        },
        Case {
            name: "rpc segments/delete",
            needs: &[Segment],
            call: |t| {
                rpc(
                    "segments/delete",
                    json!({"input": {"key": t.segment.key, "version": t.segment.version}}),
                )
            },
            allowed: WRITE_SEGMENTS,
        },
        Case {
            // Everyone who may see staging gets the environment; its keys only its admins
            // (READ_KEYS, checked on the answer below).
            name: "rpc sdk-keys/list",
            needs: &[],
            call: |_| rpc_get("sdk-keys/list?environment=staging"),
            allowed: ANY_ROLE,
        },
        Case {
            name: "rpc sdk-keys/create",
            needs: &[],
            call: |_| {
                rpc(
                    "sdk-keys/create",
                    json!({"input": {"environment": "staging", "name": "web"}}),
                )
            },
            allowed: WRITE_KEYS,
        },
        Case {
            name: "rpc sdk-keys/revoke",
            needs: &[SdkKey],
            call: |t| {
                rpc(
                    "sdk-keys/revoke",
                    json!({"input": {"environment": "staging", "id": t.sdk_key.id, "version": t.sdk_key.version}}),
                )
            },
            allowed: WRITE_KEYS,
        },
        // The admin REST API.
        Case {
            name: "GET /me",
            needs: &[],
            call: |_| rest(Method::GET, "/me".into(), None),
            allowed: ANYONE,
        },
        Case {
            name: "GET /users",
            needs: &[],
            call: |_| rest(Method::GET, "/users".into(), None),
            allowed: READ_USERS,
        },
        Case {
            name: "POST /users",
            needs: &[],
            call: |t| {
                rest(
                    Method::POST,
                    "/users".into(),
                    Some(
                        json!({"email": format!("rest{}@test.example", t.n), "name": "New", "password": "a long passphrase"}),
                    ),
                )
            },
            allowed: USERS,
        },
        Case {
            name: "PUT /users/{id}",
            needs: &[User],
            call: |t| {
                rest(
                    Method::PUT,
                    format!("/users/{}", t.user.id),
                    Some(
                        json!({"email": t.user.email, "name": "Renamed", "admin": false, "roles": {}, "version": t.user.version}),
                    ),
                )
            },
            allowed: USERS,
        },
        Case {
            name: "POST /users/{id}/disable",
            needs: &[User],
            call: |t| {
                rest(
                    Method::POST,
                    format!("/users/{}/disable", t.user.id),
                    Some(json!({"version": t.user.version})),
                )
            },
            allowed: USERS,
        },
        Case {
            name: "POST /users/{id}/enable",
            needs: &[User],
            call: |t| {
                rest(
                    Method::POST,
                    format!("/users/{}/enable", t.user.id),
                    Some(json!({"version": t.user.version})),
                )
            },
            allowed: USERS,
        },
        Case {
            name: "POST /users/{id}/password",
            needs: &[User],
            call: |t| {
                rest(
                    Method::POST,
                    format!("/users/{}/password", t.user.id),
                    Some(json!({"password": "another long passphrase", "version": t.user.version})),
                )
            },
            allowed: USERS,
        },
        Case {
            name: "GET /environments",
            needs: &[],
            call: |_| rest(Method::GET, "/environments".into(), None),
            allowed: READ_ENVS,
        },
        Case {
            name: "POST /environments",
            needs: &[],
            call: |t| {
                rest(
                    Method::POST,
                    "/environments".into(),
                    Some(json!({"key": format!("rest-{}", t.n), "name": "New"})),
                )
            },
            allowed: WRITE_ENVS,
        },
        Case {
            name: "PUT /environments/{key}",
            needs: &[Env],
            call: |t| {
                rest(
                    Method::PUT,
                    format!("/environments/{}", t.env.key),
                    Some(json!({"name": "Renamed", "protected": false, "version": t.env.version})),
                )
            },
            allowed: WRITE_ENVS,
        },
        Case {
            name: "DELETE /environments/{key}",
            needs: &[Env],
            call: |t| {
                rest(
                    Method::DELETE,
                    format!("/environments/{}?version={}", t.env.key, t.env.version),
                    None,
                )
            },
            allowed: WRITE_ENVS,
        },
        Case {
            name: "GET /tokens",
            needs: &[],
            call: |_| rest(Method::GET, "/tokens".into(), None),
            allowed: READ_TOKENS,
        },
        Case {
            name: "POST /tokens",
            needs: &[],
            call: |t| {
                rest(
                    Method::POST,
                    "/tokens".into(),
                    Some(json!({"name": format!("rest {}", t.n), "roles": {"staging": "viewer"}})),
                )
            },
            allowed: WRITE_TOKENS,
        },
        Case {
            name: "POST /tokens/{id}/revoke",
            needs: &[Token],
            call: |t| {
                rest(
                    Method::POST,
                    format!("/tokens/{}/revoke", t.token.id),
                    Some(json!({"version": t.token.version})),
                )
            },
            allowed: WRITE_TOKENS,
        },
        Case {
            name: "GET /audit",
            needs: &[],
            call: |_| rest(Method::GET, "/audit".into(), None),
            allowed: READ_AUDIT,
        },
        Case {
            name: "GET /flags",
            needs: &[],
            call: |_| rest(Method::GET, "/flags".into(), None),
            allowed: READ_FLAGS,
        },
        Case {
            name: "POST /flags",
            needs: &[],
            call: |t| {
                rest(
                    Method::POST,
                    "/flags".into(),
                    Some(
                        json!({"key": format!("rest-flag-{}", t.n), "name": "New", "kind": "boolean"}),
                    ),
                )
            },
            allowed: EVERY_ENVIRONMENT,
        },
        Case {
            name: "GET /flags/{key}",
            needs: &[Flag],
            call: |t| rest(Method::GET, format!("/flags/{}", t.flag.key), None),
            allowed: READ_FLAGS,
        },
        Case {
            name: "PUT /flags/{key}",
            needs: &[LiveFlag],
            call: |t| {
                rest(
                    Method::PUT,
                    format!("/flags/{}", t.live_flag.key),
                    Some(
                        json!({"name": "Renamed", "variants": t.live_flag.variants, "version": t.live_flag.version}),
                    ),
                )
            },
            allowed: DEFINE_FLAGS,
        },
        Case {
            name: "POST /flags/{key}/archive",
            needs: &[Flag],
            call: |t| {
                rest(
                    Method::POST,
                    format!("/flags/{}/archive", t.flag.key),
                    Some(json!({"version": t.flag.version})),
                )
            },
            allowed: EVERY_ENVIRONMENT,
        },
        Case {
            name: "POST /flags/{key}/restore",
            needs: &[Flag],
            call: |t| {
                rest(
                    Method::POST,
                    format!("/flags/{}/restore", t.flag.key),
                    Some(json!({"version": t.flag.version})),
                )
            },
            allowed: DEFINE_FLAGS,
        },
        Case {
            name: "PUT /flags/{key}/environments/{environment}",
            needs: &[Flag],
            call: |t| {
                rest(
                    Method::PUT,
                    format!("/flags/{}/environments/staging", t.flag.key),
                    Some(
                        json!({"enabled": true, "off_variant": "off", "default_variant": "on", "rules": [], "version": 0}),
                    ),
                )
            },
            allowed: STAGING_FLAGS,
        },
        Case {
            name: "POST /flags/{key}/environments/{environment}/switch",
            needs: &[Flag],
            call: |t| {
                rest(
                    Method::POST,
                    format!("/flags/{}/environments/production/switch", t.flag.key),
                    Some(json!({"enabled": true, "version": 0})),
                )
            },
            allowed: PRODUCTION_FLAGS,
        },
        Case {
            name: "POST /flags/{key}/environments/{environment}/copy-from/{from}",
            needs: &[LiveFlag],
            call: |t| {
                rest(
                    Method::POST,
                    format!(
                        "/flags/{}/environments/production/copy-from/staging",
                        t.live_flag.key
                    ),
                    Some(json!({"version": 1})),
                )
            },
            allowed: COPY_TO_PRODUCTION,
        },
        Case {
            name: "GET /flags/{key}/environments/{environment}/copy-from/{from}",
            needs: &[LiveFlag],
            call: |t| {
                rest(
                    Method::GET,
                    format!(
                        "/flags/{}/environments/production/copy-from/staging",
                        t.live_flag.key
                    ),
                    None,
                )
            },
            allowed: PREVIEW_COPY,
        },
        Case {
            name: "GET /environments/{environment}/flags/copy-from/{from}",
            needs: &[LiveFlag],
            call: |_| {
                rest(
                    Method::GET,
                    "/environments/production/flags/copy-from/staging".into(),
                    None,
                )
            },
            allowed: PREVIEW_COPY,
        },
        Case {
            name: "POST /flags/{key}/copy-everywhere-from/{from}",
            needs: &[LiveFlag],
            call: |t| {
                rest(
                    Method::POST,
                    format!("/flags/{}/copy-everywhere-from/staging", t.live_flag.key),
                    Some(json!({"versions": t.live_versions_elsewhere})),
                )
            },
            allowed: COPY_EVERYWHERE,
        },
        Case {
            name: "PUT /flags/{key} (off variant's value, off in production)",
            needs: &[OffInProduction],
            call: |t| {
                rest(
                    Method::PUT,
                    format!("/flags/{}", t.off_flag.key),
                    Some(
                        json!({"name": t.off_flag.name, "variants": [{"key": "a", "value": "x"}, {"key": "b", "value": "changed"}], "version": t.off_flag.version}),
                    ),
                )
            },
            allowed: PRODUCTION_SERVED,
        },
        Case {
            name: "PUT /segments/{key} (constraints, read in production)",
            needs: &[ProductionSegment],
            call: |t| {
                rest(
                    Method::PUT,
                    format!("/segments/{}", t.segment.key),
                    Some(
                        json!({"name": t.segment.name, "constraints": [{"attribute": "plan", "operator": "IN", "values": ["free"]}], "version": t.segment.version}),
                    ),
                )
            },
            allowed: PRODUCTION_SERVED,
        },
        Case {
            name: "POST /environments/{environment}/import/unleash (a segment read in production)",
            needs: &[ProductionSegment],
            call: |t| {
                rest(
                    Method::POST,
                    "/environments/staging/import/unleash".into(),
                    Some(
                        json!({"features": [], "segments": [{"id": t.unleash_segment_id, "name": "imported", "constraints": [{"contextName": "plan", "operator": "IN", "values": ["free"]}]}]}),
                    ),
                )
            },
            allowed: PRODUCTION_SERVED,
        },
        Case {
            name: "GET /segments",
            needs: &[],
            call: |_| rest(Method::GET, "/segments".into(), None),
            allowed: READ_SEGMENTS,
        },
        Case {
            name: "POST /segments",
            needs: &[],
            call: |t| {
                rest(
                    Method::POST,
                    "/segments".into(),
                    Some(
                        json!({"key": format!("rest-seg-{}", t.n), "name": "New", "constraints": constraint()}),
                    ),
                )
            },
            allowed: WRITE_SEGMENTS,
        },
        Case {
            name: "PUT /segments/{key}",
            needs: &[Segment],
            call: |t| {
                rest(
                    Method::PUT,
                    format!("/segments/{}", t.segment.key),
                    Some(
                        json!({"name": "Renamed", "constraints": t.segment.constraints, "version": t.segment.version}),
                    ),
                )
            },
            allowed: WRITE_SEGMENTS,
        },
        Case {
            name: "DELETE /segments/{key}",
            needs: &[Segment],
            call: |t| {
                rest(
                    Method::DELETE,
                    format!("/segments/{}?version={}", t.segment.key, t.segment.version),
                    None,
                )
            },
            allowed: WRITE_SEGMENTS,
        },
        Case {
            name: "GET /environments/{environment}/sdk-keys",
            needs: &[],
            call: |_| rest(Method::GET, "/environments/staging/sdk-keys".into(), None),
            allowed: READ_KEYS,
        },
        Case {
            name: "POST /environments/{environment}/sdk-keys",
            needs: &[],
            call: |_| {
                rest(
                    Method::POST,
                    "/environments/staging/sdk-keys".into(),
                    Some(json!({"name": "web"})),
                )
            },
            allowed: WRITE_KEYS,
        },
        Case {
            name: "POST /environments/{environment}/sdk-keys/{id}/revoke",
            needs: &[SdkKey],
            call: |t| {
                rest(
                    Method::POST,
                    format!("/environments/staging/sdk-keys/{}/revoke", t.sdk_key.id),
                    Some(json!({"version": t.sdk_key.version})),
                )
            },
            allowed: WRITE_KEYS,
        },
        Case {
            name: "POST /environments/{environment}/import/unleash",
            needs: &[],
            call: |t| {
                rest(
                    Method::POST,
                    "/environments/staging/import/unleash".into(),
                    Some(unleash_doc(t.n)),
                )
            },
            allowed: EVERY_ENVIRONMENT,
        },
        Case {
            name: "rpc config/list",
            needs: &[],
            call: |_| rpc_get("config/list?environment=staging"),
            allowed: READ_CONFIG,
        },
        Case {
            name: "rpc config/draft",
            needs: &[Namespace],
            call: |t| {
                rpc_get(&format!(
                    "config/draft?environment=staging&namespace={}",
                    t.namespace
                ))
            },
            allowed: READ_CONFIG,
        },
        Case {
            name: "rpc config/releases",
            needs: &[Namespace],
            call: |t| {
                rpc_get(&format!(
                    "config/releases?environment=staging&namespace={}",
                    t.namespace
                ))
            },
            allowed: READ_CONFIG,
        },
        Case {
            name: "rpc config/release",
            needs: &[Namespace],
            call: |t| {
                rpc_get(&format!(
                    "config/release?environment=staging&namespace={}&version=1",
                    t.namespace
                ))
            },
            allowed: READ_CONFIG,
        },
        Case {
            name: "rpc config/diff",
            needs: &[Namespace],
            call: |t| {
                rpc_get(&format!(
                    "config/diff?environment=staging&namespace={}&from=1&to=2",
                    t.namespace
                ))
            },
            allowed: READ_CONFIG,
        },
        Case {
            name: "rpc config/compare",
            needs: &[Namespace],
            call: |t| {
                rpc_get(&format!(
                    "config/compare?namespace={}&from=staging&to=production",
                    t.namespace
                ))
            },
            allowed: READ_CONFIG_BOTH,
        },
        Case {
            name: "rpc config/instances",
            needs: &[Namespace],
            call: |t| {
                rpc_get(&format!(
                    "config/instances?environment=staging&namespace={}",
                    t.namespace
                ))
            },
            allowed: READ_CONFIG,
        },
        Case {
            name: "rpc config/create",
            needs: &[],
            call: |t| {
                rpc(
                    "config/create",
                    json!({"input": {"key": format!("rpc-ns-{}", t.n), "environment": "staging"}}),
                )
            },
            allowed: WRITE_CONFIG,
        },
        Case {
            name: "rpc config/set-entry",
            needs: &[Namespace],
            call: |t| {
                rpc(
                    "config/set-entry",
                    json!({"input": {"namespace": t.namespace, "environment": "staging", "entry": {"key": "other", "value_type": "string", "value": "x"}, "version": 0}}),
                )
            },
            allowed: WRITE_CONFIG,
        },
        Case {
            name: "rpc config/remove-entry",
            needs: &[Namespace],
            call: |t| {
                rpc(
                    "config/remove-entry",
                    json!({"input": {"namespace": t.namespace, "environment": "staging", "key": "limit", "version": t.entry_version}}),
                )
            },
            allowed: WRITE_CONFIG,
        },
        Case {
            name: "rpc config/discard",
            needs: &[Namespace],
            call: |t| {
                rpc(
                    "config/discard",
                    json!({"input": {"namespace": t.namespace, "environment": "staging", "draft_version": t.draft_version}}),
                )
            },
            allowed: WRITE_CONFIG,
        },
        Case {
            name: "rpc config/copy",
            needs: &[Namespace],
            call: |t| {
                rpc(
                    "config/copy",
                    json!({"input": {"namespace": t.namespace, "from": "staging", "environment": "production", "draft_version": 0}}),
                )
            },
            allowed: COPY_CONFIG_TO_PRODUCTION,
        },
        Case {
            name: "rpc config/publish",
            needs: &[Namespace],
            call: |t| {
                rpc(
                    "config/publish",
                    json!({"input": {"namespace": t.namespace, "environment": "staging", "message": "Ship", "main_version": 2, "draft_version": t.draft_version}}),
                )
            },
            allowed: PUBLISH_CONFIG,
        },
        Case {
            name: "rpc config/rollback",
            needs: &[Namespace],
            call: |t| {
                rpc(
                    "config/rollback",
                    json!({"input": {"namespace": t.namespace, "environment": "staging", "to_version": 1, "main_version": 2, "discard_draft": true, "draft_version": t.draft_version}}),
                )
            },
            allowed: PUBLISH_CONFIG,
        },
        Case {
            name: "rpc config/finish-gray",
            needs: &[GrayNamespace],
            call: |t| {
                rpc(
                    "config/finish-gray",
                    json!({"input": {"namespace": t.namespace, "environment": "staging", "gray_version": 3, "promote": true}}),
                )
            },
            allowed: PUBLISH_CONFIG,
        },
        Case {
            name: "GET /config/{environment}",
            needs: &[],
            call: |_| rest(Method::GET, "/config/staging".into(), None),
            allowed: READ_CONFIG,
        },
        Case {
            name: "POST /config/{environment}",
            needs: &[],
            call: |t| {
                rest(
                    Method::POST,
                    "/config/staging".into(),
                    Some(json!({"key": format!("rest-ns-{}", t.n)})),
                )
            },
            allowed: WRITE_CONFIG,
        },
        Case {
            name: "GET /config/{environment}/{namespace}/draft",
            needs: &[Namespace],
            call: |t| {
                rest(
                    Method::GET,
                    format!("/config/staging/{}/draft", t.namespace),
                    None,
                )
            },
            allowed: READ_CONFIG,
        },
        Case {
            name: "PUT /config/{environment}/{namespace}/draft/entries/{key}",
            needs: &[Namespace],
            call: |t| {
                rest(
                    Method::PUT,
                    format!("/config/staging/{}/draft/entries/other", t.namespace),
                    Some(json!({"value_type": "boolean", "value": "true", "version": 0})),
                )
            },
            allowed: WRITE_CONFIG,
        },
        Case {
            name: "DELETE /config/{environment}/{namespace}/draft/entries/{key}",
            needs: &[Namespace],
            call: |t| {
                rest(
                    Method::DELETE,
                    format!(
                        "/config/staging/{}/draft/entries/limit?version={}",
                        t.namespace, t.entry_version
                    ),
                    None,
                )
            },
            allowed: WRITE_CONFIG,
        },
        Case {
            name: "POST /config/{environment}/{namespace}/draft/discard",
            needs: &[Namespace],
            call: |t| {
                rest(
                    Method::POST,
                    format!("/config/staging/{}/draft/discard", t.namespace),
                    Some(json!({"draft_version": t.draft_version})),
                )
            },
            allowed: WRITE_CONFIG,
        },
        Case {
            name: "POST /config/{environment}/{namespace}/draft/copy-from/{from}",
            needs: &[Namespace],
            call: |t| {
                rest(
                    Method::POST,
                    format!("/config/production/{}/draft/copy-from/staging", t.namespace),
                    Some(json!({"draft_version": 0})),
                )
            },
            allowed: COPY_CONFIG_TO_PRODUCTION,
        },
        Case {
            name: "POST /config/{environment}/{namespace}/releases",
            needs: &[Namespace],
            call: |t| {
                rest(
                    Method::POST,
                    format!("/config/staging/{}/releases", t.namespace),
                    Some(
                        json!({"message": "Ship", "main_version": 2, "draft_version": t.draft_version}),
                    ),
                )
            },
            allowed: PUBLISH_CONFIG,
        },
        Case {
            name: "GET /config/{environment}/{namespace}/releases",
            needs: &[Namespace],
            call: |t| {
                rest(
                    Method::GET,
                    format!("/config/staging/{}/releases", t.namespace),
                    None,
                )
            },
            allowed: READ_CONFIG,
        },
        Case {
            name: "GET /config/{environment}/{namespace}/releases/{version}",
            needs: &[Namespace],
            call: |t| {
                rest(
                    Method::GET,
                    format!("/config/staging/{}/releases/2", t.namespace),
                    None,
                )
            },
            allowed: READ_CONFIG,
        },
        Case {
            name: "GET /config/{environment}/{namespace}/diff",
            needs: &[Namespace],
            call: |t| {
                rest(
                    Method::GET,
                    format!("/config/staging/{}/diff?to=2", t.namespace),
                    None,
                )
            },
            allowed: READ_CONFIG,
        },
        Case {
            name: "POST /config/{environment}/{namespace}/rollback",
            needs: &[Namespace],
            call: |t| {
                rest(
                    Method::POST,
                    format!("/config/staging/{}/rollback", t.namespace),
                    Some(
                        json!({"to_version": 1, "main_version": 2, "discard_draft": true, "draft_version": t.draft_version}),
                    ),
                )
            },
            allowed: PUBLISH_CONFIG,
        },
        Case {
            name: "POST /config/{environment}/{namespace}/gray/promote",
            needs: &[GrayNamespace],
            call: |t| {
                rest(
                    Method::POST,
                    format!("/config/staging/{}/gray/promote", t.namespace),
                    Some(json!({"gray_version": 3})),
                )
            },
            allowed: PUBLISH_CONFIG,
        },
        Case {
            name: "POST /config/{environment}/{namespace}/gray/abandon",
            needs: &[GrayNamespace],
            call: |t| {
                rest(
                    Method::POST,
                    format!("/config/staging/{}/gray/abandon", t.namespace),
                    Some(json!({"gray_version": 3})),
                )
            },
            allowed: PUBLISH_CONFIG,
        },
        Case {
            name: "GET /config/{environment}/{namespace}/compare/{other}",
            needs: &[Namespace],
            call: |t| {
                rest(
                    Method::GET,
                    format!("/config/staging/{}/compare/production", t.namespace),
                    None,
                )
            },
            allowed: READ_CONFIG_BOTH,
        },
        Case {
            name: "GET /config/{environment}/{namespace}/instances",
            needs: &[Namespace],
            call: |t| {
                rest(
                    Method::GET,
                    format!("/config/staging/{}/instances", t.namespace),
                    None,
                )
            },
            allowed: READ_CONFIG,
        },
        Case {
            name: "rpc menus/list",
            needs: &[],
            call: |_| rpc_get("menus/list?environment=staging"),
            allowed: READ_MENUS,
        },
        Case {
            name: "rpc menus/draft",
            needs: &[Menu],
            call: |t| rpc_get(&format!("menus/draft?environment=staging&menu={}", t.menu)),
            allowed: READ_MENUS,
        },
        Case {
            name: "rpc menus/releases",
            needs: &[Menu],
            call: |t| {
                rpc_get(&format!(
                    "menus/releases?environment=staging&menu={}",
                    t.menu
                ))
            },
            allowed: READ_MENUS,
        },
        Case {
            name: "rpc menus/release",
            needs: &[Menu],
            call: |t| {
                rpc_get(&format!(
                    "menus/release?environment=staging&menu={}&version=1",
                    t.menu
                ))
            },
            allowed: READ_MENUS,
        },
        Case {
            name: "rpc menus/diff",
            needs: &[Menu],
            call: |t| {
                rpc_get(&format!(
                    "menus/diff?environment=staging&menu={}&from=1&to=2",
                    t.menu
                ))
            },
            allowed: READ_MENUS,
        },
        Case {
            name: "rpc menus/create",
            needs: &[],
            call: |t| {
                rpc(
                    "menus/create",
                    json!({"input": {"key": format!("rpc-menu-{}", t.n), "environment": "staging"}}),
                )
            },
            allowed: WRITE_MENUS,
        },
        Case {
            name: "rpc menus/save",
            needs: &[Menu],
            call: |t| {
                rpc(
                    "menus/save",
                    json!({"input": {"menu": t.menu, "environment": "staging",
                        "items": menu_items(t.n), "version": t.menu_version}}),
                )
            },
            allowed: WRITE_MENUS,
        },
        Case {
            name: "rpc menus/discard",
            needs: &[Menu],
            call: |t| {
                rpc(
                    "menus/discard",
                    json!({"input": {"menu": t.menu, "environment": "staging", "draft_version": t.menu_version}}),
                )
            },
            allowed: WRITE_MENUS,
        },
        Case {
            name: "rpc menus/publish",
            needs: &[Menu],
            call: |t| {
                rpc(
                    "menus/publish",
                    json!({"input": {"menu": t.menu, "environment": "staging",
                        "message": "ship", "main_version": 2, "draft_version": t.menu_version}}),
                )
            },
            allowed: PUBLISH_MENUS,
        },
        Case {
            name: "rpc menus/rollback",
            needs: &[Menu],
            call: |t| {
                rpc(
                    "menus/rollback",
                    json!({"input": {"menu": t.menu, "environment": "staging", "to_version": 1,
                        "main_version": 2, "discard_draft": true, "draft_version": t.menu_version}}),
                )
            },
            allowed: PUBLISH_MENUS,
        },
        Case {
            name: "GET /menus/{environment}",
            needs: &[],
            call: |_| rest(Method::GET, "/menus/staging".into(), None),
            allowed: READ_MENUS,
        },
        Case {
            name: "POST /menus/{environment}",
            needs: &[],
            call: |t| {
                rest(
                    Method::POST,
                    "/menus/staging".into(),
                    Some(json!({"key": format!("rest-menu-{}", t.n)})),
                )
            },
            allowed: WRITE_MENUS,
        },
        Case {
            name: "GET /menus/{environment}/{menu}/draft",
            needs: &[Menu],
            call: |t| {
                rest(
                    Method::GET,
                    format!("/menus/staging/{}/draft", t.menu),
                    None,
                )
            },
            allowed: READ_MENUS,
        },
        Case {
            name: "PUT /menus/{environment}/{menu}/draft",
            needs: &[Menu],
            call: |t| {
                let body = json!({"items": menu_items(t.n), "version": t.menu_version});
                rest(
                    Method::PUT,
                    format!("/menus/staging/{}/draft", t.menu),
                    Some(body),
                )
            },
            allowed: WRITE_MENUS,
        },
        Case {
            name: "POST /menus/{environment}/{menu}/draft/import",
            needs: &[Menu],
            call: |t| {
                rest(
                    Method::POST,
                    format!(
                        "/menus/staging/{}/draft/import?version={}",
                        t.menu, t.menu_version
                    ),
                    Some(json!({"items": menu_items(t.n)})),
                )
            },
            allowed: WRITE_MENUS,
        },
        Case {
            name: "POST /menus/{environment}/{menu}/draft/discard",
            needs: &[Menu],
            call: |t| {
                rest(
                    Method::POST,
                    format!("/menus/staging/{}/draft/discard", t.menu),
                    Some(json!({"draft_version": t.menu_version})),
                )
            },
            allowed: WRITE_MENUS,
        },
        Case {
            name: "POST /menus/{environment}/{menu}/releases",
            needs: &[Menu],
            call: |t| {
                rest(
                    Method::POST,
                    format!("/menus/staging/{}/releases", t.menu),
                    Some(
                        json!({"message": "ship", "main_version": 2, "draft_version": t.menu_version}),
                    ),
                )
            },
            allowed: PUBLISH_MENUS,
        },
        Case {
            name: "GET /menus/{environment}/{menu}/releases",
            needs: &[Menu],
            call: |t| {
                rest(
                    Method::GET,
                    format!("/menus/staging/{}/releases", t.menu),
                    None,
                )
            },
            allowed: READ_MENUS,
        },
        Case {
            name: "GET /menus/{environment}/{menu}/releases/{version}",
            needs: &[Menu],
            call: |t| {
                rest(
                    Method::GET,
                    format!("/menus/staging/{}/releases/2", t.menu),
                    None,
                )
            },
            allowed: READ_MENUS,
        },
        Case {
            name: "GET /menus/{environment}/{menu}/diff",
            needs: &[Menu],
            call: |t| {
                rest(
                    Method::GET,
                    format!("/menus/staging/{}/diff?to=2", t.menu),
                    None,
                )
            },
            allowed: READ_MENUS,
        },
        Case {
            name: "POST /menus/{environment}/{menu}/rollback",
            needs: &[Menu],
            call: |t| {
                rest(
                    Method::POST,
                    format!("/menus/staging/{}/rollback", t.menu),
                    Some(
                        json!({"to_version": 1, "main_version": 2, "discard_draft": true, "draft_version": t.menu_version}),
                    ),
                )
            },
            allowed: PUBLISH_MENUS,
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

/// Everything a mutation could touch, read as the operator. Usage timestamps are bookkeeping.
async fn fingerprint(server: &TestServer) -> Value {
    let db = server.db();
    let rows = |sql: &'static str| async move {
        use sqlx::Row;
        sqlx::query(sql)
            .fetch_all(db.reader())
            .await
            .unwrap()
            .iter()
            .map(|r| {
                (0..r.len())
                    .map(|i| {
                        r.try_get::<String, _>(i)
                            .or_else(|_| r.try_get::<i64, _>(i).map(|n| n.to_string()))
                            .unwrap_or_default()
                    })
                    .collect::<Vec<_>>()
                    .join("|")
            })
            .collect::<Vec<_>>()
    };
    json!({
        "audit": server.audit_count().await,
        "users": rows("SELECT id, email, name, admin, disabled, password_hash, version FROM users ORDER BY id").await,
        "user_roles": rows("SELECT user_id, environment_id, role FROM user_roles ORDER BY user_id, environment_id").await,
        "environments": rows("SELECT key, name, protected, version FROM environments ORDER BY id").await,
        "tokens": rows("SELECT id, name, admin, revoked_at, version FROM api_tokens ORDER BY id").await,
        "flags": rows("SELECT key, name, variants, archived, version FROM flags ORDER BY id").await,
        "settings": rows("SELECT flag_id, environment_id, enabled, rules, version FROM flag_settings ORDER BY flag_id, environment_id").await,
        "segments": rows("SELECT key, name, constraints, version FROM segments ORDER BY id").await,
        "sdk_keys": rows("SELECT id, name, revoked_at, version FROM sdk_keys ORDER BY id").await,
        "namespaces": rows("SELECT key, description FROM config_namespaces ORDER BY id").await,
        "draft": rows("SELECT namespace_id, environment_id, key, value, deleted, version FROM config_draft_entries ORDER BY namespace_id, environment_id, key").await,
        "releases": rows("SELECT subject, subject_id, environment_id, version FROM releases ORDER BY id").await,
        "heads": rows("SELECT subject, subject_id, environment_id, main_version, latest_version FROM release_heads ORDER BY subject, subject_id, environment_id").await,
        "gray": rows("SELECT namespace_id, environment_id, version, target FROM config_gray ORDER BY namespace_id, environment_id").await,
        "menus": rows("SELECT key, description FROM menus ORDER BY id").await,
        "menu_drafts": rows("SELECT menu_id, environment_id, items, version FROM menu_drafts ORDER BY menu_id, environment_id").await,
    })
}

fn placeholders(n: usize) -> Targets {
    Targets {
        user: serde_json::from_value(json!({"id": 0, "email": "a@b.c", "name": "a", "admin": false, "disabled": false, "roles": {}, "version": 1, "created_at": 0, "updated_at": 0, "last_login_at": null})).unwrap(),
        env: serde_json::from_value(json!({"id": 0, "key": "k", "name": "K", "protected": false, "position": 0, "version": 1, "created_at": 0, "updated_at": 0})).unwrap(),
        token: serde_json::from_value(json!({"id": 0, "name": "t", "prefix": "p", "admin": false, "roles": {}, "created_by": "x", "created_at": 0, "last_used_at": null, "revoked_at": null, "version": 1})).unwrap(),
        flag: serde_json::from_value(json!({"id": 0, "key": "f", "name": "F", "description": "", "tags": [], "owner": "", "kind": "boolean", "variants": [], "archived": false, "version": 1, "created_at": 0, "updated_at": 0})).unwrap(),
        live_flag: serde_json::from_value(json!({"id": 0, "key": "g", "name": "G", "description": "", "tags": [], "owner": "", "kind": "boolean", "variants": [], "archived": false, "version": 1, "created_at": 0, "updated_at": 0})).unwrap(),
        segment: serde_json::from_value(json!({"id": 0, "key": "s", "name": "S", "description": "", "constraints": [], "version": 1, "created_at": 0, "updated_at": 0})).unwrap(),
        off_flag: serde_json::from_value(json!({"id": 0, "key": "o", "name": "O", "description": "", "tags": [], "owner": "", "kind": "string", "variants": [], "archived": false, "version": 1, "created_at": 0, "updated_at": 0})).unwrap(),
        live_versions_elsewhere: json!({}),
        unleash_segment_id: 0,
        sdk_key: serde_json::from_value(json!({"id": 0, "environment": "staging", "name": "k", "prefix": "p", "created_by": "x", "created_at": 0, "last_used_at": null, "revoked_at": null, "version": 1})).unwrap(),
        namespace: "ns".into(),
        entry_version: 1,
        draft_version: 0,
        menu: "menu".into(),
        menu_version: 1,
        n,
    }
}

async fn new_flag(server: &TestServer, system: &Actor, key: String) -> Flag {
    let input = NewFlag {
        key: key.clone(),
        name: key,
        description: String::new(),
        tags: vec![],
        owner: String::new(),
        kind: FlagKind::Boolean,
        variants: vec![],
    };
    server.state.execute(system, input).await.unwrap()
}

async fn targets(server: &TestServer, needs: &[Need]) -> Targets {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let system = Actor::system("test setup");
    let state = &server.state;
    let mut t = placeholders(n);
    for need in needs {
        match need {
            User => {
                t.user = server
                    .create_user(
                        &format!("target{n}@test.example"),
                        "target long passphrase",
                        false,
                        &[("staging", "viewer")],
                    )
                    .await
            }
            Env => {
                t.env = state
                    .execute(
                        &system,
                        NewEnvironment {
                            key: format!("sandbox-{n}"),
                            name: format!("Sandbox {n}"),
                            protected: false,
                        },
                    )
                    .await
                    .unwrap()
            }
            Token => {
                let roles = BTreeMap::from([("staging".to_string(), Role::Viewer)]);
                t.token = state
                    .execute(
                        &system,
                        NewApiToken {
                            name: format!("target {n}"),
                            admin: false,
                            roles,
                            expires_in_days: None,
                        },
                    )
                    .await
                    .unwrap()
                    .token;
            }
            Flag => t.flag = new_flag(server, &system, format!("target-flag-{n}")).await,
            LiveFlag => {
                t.live_flag = new_flag(server, &system, format!("live-flag-{n}")).await;
                for environment in ["production", "staging"] {
                    let on = SetFlagEnabled {
                        flag: t.live_flag.key.clone(),
                        environment: environment.into(),
                        enabled: true,
                        version: 0,
                    };
                    state.execute(&system, on).await.unwrap();
                }
                t.live_versions_elsewhere = switchboard_backend::environments::list_all(&state.db)
                    .await
                    .unwrap()
                    .into_iter()
                    .filter(|e| e.key != "staging")
                    .map(|e| {
                        let version = i64::from(e.key == "production");
                        (e.key, json!(version))
                    })
                    .collect::<serde_json::Map<_, _>>()
                    .into();
            }
            Segment => {
                let constraints: Vec<Constraint> = vec![Constraint {
                    attribute: "plan".into(),
                    operator: Operator::In,
                    values: vec!["pro".into()],
                    inverted: false,
                    case_insensitive: false,
                }];
                t.segment = state
                    .execute(
                        &system,
                        NewSegment {
                            key: format!("target-seg-{n}"),
                            name: format!("Segment {n}"),
                            description: String::new(),
                            constraints,
                        },
                    )
                    .await
                    .unwrap();
            }
            OffInProduction => {
                let variants: Vec<Variant> = serde_json::from_value(
                    json!([{"key": "a", "value": "x"}, {"key": "b", "value": "y"}]),
                )
                .unwrap();
                let flag = NewFlag {
                    key: format!("off-flag-{n}"),
                    name: format!("Off flag {n}"),
                    description: String::new(),
                    tags: vec![],
                    owner: String::new(),
                    kind: FlagKind::String,
                    variants,
                };
                t.off_flag = state.execute(&system, flag).await.unwrap();
                for (environment, enabled, variant) in
                    [("staging", true, "a"), ("production", false, "b")]
                {
                    let settings = SaveFlagSettings {
                        flag: t.off_flag.key.clone(),
                        environment: environment.into(),
                        enabled,
                        off_variant: variant.into(),
                        default_variant: variant.into(),
                        prerequisites: None,
                        rules: vec![],
                        version: 0,
                    };
                    state.execute(&system, settings).await.unwrap();
                }
            }
            ProductionSegment => {
                t.unleash_segment_id = 100_000 + n as i64;
                t.segment = state
                    .execute(
                        &system,
                        NewSegment {
                            key: app::flags::unleash::segment_key(t.unleash_segment_id),
                            name: format!("Production segment {n}"),
                            description: String::new(),
                            constraints: serde_json::from_value(constraint()).unwrap(),
                        },
                    )
                    .await
                    .unwrap();
                let flag = new_flag(server, &system, format!("seg-flag-{n}")).await;
                let rules: Vec<app::flags::Rule> = serde_json::from_value(json!([
                    {"id": "r1", "segments": [t.segment.key], "serve": {"type": "variant", "variant": "on"}}
                ]))
                .unwrap();
                let settings = SaveFlagSettings {
                    flag: flag.key.clone(),
                    environment: "production".into(),
                    enabled: true,
                    off_variant: "off".into(),
                    default_variant: "off".into(),
                    prerequisites: None,
                    rules,
                    version: 0,
                };
                state.execute(&system, settings).await.unwrap();
            }
            SdkKey => {
                t.sdk_key = state
                    .execute(
                        &system,
                        NewSdkKey {
                            environment: "staging".into(),
                            name: format!("target {n}"),
                            scope: Default::default(),
                        },
                    )
                    .await
                    .unwrap()
                    .key
            }
            Namespace | GrayNamespace => {
                t.namespace = format!("target-ns-{n}");
                config_target(server, &t.namespace, *need == GrayNamespace).await;
                let draft = switchboard_backend::config::queries::draft(
                    server.db(),
                    &system,
                    "staging",
                    &t.namespace,
                )
                .await
                .unwrap();
                t.entry_version = draft.entries[0].version;
                t.draft_version = draft.draft_version;
            }
            Menu => {
                t.menu = format!("target-menu-{n}");
                t.menu_version = menu_target(server, &t.menu).await;
            }
        }
    }
    t
}

/// Releases v1 (limit 1) and v2 (limit 2) in staging, then either a pending draft change
/// (limit 3) or, with `gray`, gray release v3 of it.
async fn config_target(server: &TestServer, namespace: &str, gray: bool) {
    use app::config::{Entry, GrayTarget, NewNamespace, PublishDraft, SetEntry, ValueType};
    let system = Actor::system("test setup");
    let state = &server.state;
    let new = NewNamespace {
        key: namespace.into(),
        description: String::new(),
        environment: "staging".into(),
    };
    state.execute(&system, new).await.unwrap();
    for v in 1..=3i64 {
        let entry = Entry {
            key: "limit".into(),
            value_type: ValueType::Integer,
            value: v.to_string(),
            description: String::new(),
            constraints: Default::default(),
            secret: false,
        };
        let set = SetEntry {
            namespace: namespace.into(),
            environment: "staging".into(),
            entry,
            version: v - 1,
        };
        state.execute(&system, set).await.unwrap();
        if v < 3 || gray {
            let publish = PublishDraft {
                namespace: namespace.into(),
                environment: "staging".into(),
                message: format!("v{v}"),
                main_version: (v - 1).min(2),
                draft_version: server.config_draft_version(namespace, "staging").await,
                gray: (v == 3).then_some(GrayTarget::Percentage { percent: 50 }),
            };
            state.execute(&system, publish).await.unwrap();
        }
    }
}

/// Releases v1 (Home) and v2 (Home, Orders) in staging, then a pending draft change (Help added).
/// Answers the draft's version.
async fn menu_target(server: &TestServer, menu: &str) -> i64 {
    use app::menus::{Menu, MenuItem, NewMenu, PublishMenu, SaveMenuDraft};
    let system = Actor::system("test setup");
    let state = &server.state;
    let new = NewMenu {
        key: menu.into(),
        description: String::new(),
        environment: "staging".into(),
    };
    state.execute(&system, new).await.unwrap();
    let mut items = vec![MenuItem::link("home", "Home", "/")];
    let mut version = 0;
    for v in 1..=3i64 {
        if v == 2 {
            items.push(MenuItem::link("orders", "Orders", "/orders"));
        }
        if v == 3 {
            items.push(MenuItem::link("help", "Help", "https://help.example.com"));
        }
        let save = SaveMenuDraft {
            menu: menu.into(),
            environment: "staging".into(),
            tree: Menu::new(items.clone()),
            version,
        };
        version = state.execute(&system, save).await.unwrap();
        if v < 3 {
            let publish = PublishMenu {
                menu: menu.into(),
                environment: "staging".into(),
                message: format!("v{v}"),
                main_version: v - 1,
                draft_version: version,
            };
            state.execute(&system, publish).await.unwrap();
        }
    }
    version
}

/// A token cannot be issued without authority, but keeps existing when the only environment it
/// had a role in is deleted: then it holds no role at all.
async fn token_whose_only_environment_was_deleted(server: &TestServer, name: &str) -> Api {
    let system = Actor::system("test setup");
    let env = server
        .state
        .execute(
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
    server
        .state
        .execute(
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

async fn every_endpoint_answers_as_the_permission_table_says(backend: Backend) {
    let server = TestServer::start(backend).await;
    // An environment where nobody but the administrator holds a role: whatever changes what it
    // serves is the administrator's alone.
    server
        .state
        .execute(
            &Actor::system("test setup"),
            NewEnvironment {
                key: "qa".into(),
                name: "QA".into(),
                protected: false,
            },
        )
        .await
        .unwrap();
    let mut checked = 0;
    for (label, admin, roles) in subjects() {
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
            let t = targets(&server, case.needs).await;
            let before = fingerprint(&server).await;
            let (status, body) = match (case.call)(&t) {
                Call::Rpc {
                    endpoint,
                    get: true,
                    ..
                } => session.rpc_get(&endpoint).await,
                Call::Rpc { endpoint, body, .. } => session.rpc(&endpoint, body).await,
                Call::Rest { method, path, body } => api.call(method, &path, body).await,
            };
            if case.allowed.contains(&label) {
                assert!(
                    status.is_success(),
                    "{label}: {} should be allowed, got {status}: {body}",
                    case.name
                );
                if case.name == "rpc sdk-keys/list" {
                    assert_eq!(
                        body["keys"].is_array(),
                        READ_KEYS.contains(&label),
                        "{label}: SDK keys shown to exactly their readers: {body}"
                    );
                }
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
fn the_table_covers_every_server_function_and_admin_endpoint() {
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_string())
        .collect();
    let mut covered: BTreeSet<String> = PUBLIC_RPC.iter().map(|p| p.to_string()).collect();
    let mut rest_covered = BTreeSet::new();
    for case in cases() {
        match (case.call)(&placeholders(0)) {
            Call::Rpc { endpoint, .. } => {
                covered.insert(format!("/rpc/{}", endpoint.split('?').next().unwrap()));
            }
            Call::Rest { method, .. } => {
                let path = case
                    .name
                    .split_once(' ')
                    .unwrap()
                    .1
                    .split(" (")
                    .next()
                    .unwrap()
                    .to_string();
                rest_covered.insert((method.as_str().to_lowercase(), path));
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
        if let Some(admin_path) = path.strip_prefix("/api/admin/v1") {
            for method in item.as_object().unwrap().keys() {
                documented.insert((method.clone(), admin_path.to_string()));
            }
        }
    }
    assert_eq!(
        rest_covered, documented,
        "every documented admin endpoint must be in the permission table"
    );
}

on_both_backends!(every_endpoint_answers_as_the_permission_table_says);
