//! Upgrading keeps what was released. Migration 8 moved config's and menus' own release tables
//! into the one pair every subject shares (and config's running gray release into its layer):
//! a database holding releases, heads and a running gray release under migration 7 is upgraded
//! and every fact is found where the new code reads it, on both backends.

use crate::common::*;
use app::config::{GrayTarget, ReleaseKind};
use app::releases::ReleaseKind as MenuKind;
use sqlx::migrate::Migrator;
use std::path::Path;
use switchboard_backend::Db;
use switchboard_backend::config::store::{self as config_store, NamespaceRow};
use switchboard_backend::menus::store::MenuRow;
use switchboard_backend::releases::{Head, store as release_store};

/// Applies the migrations up to and including `last` from the source tree.
async fn migrate_up_to(db: &Db, backend: Backend, last: i64) {
    let dir = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../migrations")
        .join(dir);
    let mut migrator = Migrator::new(path).await.expect("read the migrations");
    migrator.migrations = migrator
        .migrations
        .iter()
        .filter(|m| m.version <= last)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    migrator.run(db.writer()).await.expect("migrate to {last}");
}

async fn exec(db: &Db, sql: &str) {
    sqlx::query(sql)
        .execute(db.writer())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

async fn releases_survive_the_move_to_one_release_table(backend: Backend) {
    let test_db = TestDb::empty(backend).await;
    let db = Db::connect(&test_db.url, 1).await.unwrap();
    migrate_up_to(&db, backend, 7).await;
    let staging: i64 = sqlx::query_scalar("SELECT id FROM environments WHERE key = 'staging'")
        .fetch_one(db.reader())
        .await
        .unwrap();
    exec(
        &db,
        "INSERT INTO config_namespaces (key, description, created_at) VALUES ('payments', '', 1)",
    )
    .await;
    exec(
        &db,
        "INSERT INTO menus (key, description, created_at) VALUES ('main', '', 1)",
    )
    .await;
    let entries = r#"[{"key":"timeout","value_type":"integer","value":"30","description":"","constraints":{}}]"#;
    let gray_entries = r#"[{"key":"timeout","value_type":"integer","value":"45","description":"","constraints":{}}]"#;
    let target = r#"{"kind":"percentage","percent":10}"#;
    exec(&db, &format!(
        "INSERT INTO config_releases (namespace_id, environment_id, version, kind, entries, message, author, created_at) \
         VALUES (1, {staging}, 1, 'publish', '{entries}', 'first', 'ann', 10)")).await;
    exec(&db, &format!(
        "INSERT INTO config_releases (namespace_id, environment_id, version, kind, entries, message, author, created_at, gray_target) \
         VALUES (1, {staging}, 2, 'gray', '{gray_entries}', 'try 45', 'bob', 20, '{target}')")).await;
    exec(&db, &format!(
        "INSERT INTO config_heads (namespace_id, environment_id, main_version, gray_version, gray_target, latest_version, updated_at) \
         VALUES (1, {staging}, 1, 2, '{target}', 2, 20)")).await;
    let v1 = r#"{"items":[{"id":"home","kind":"link","label":"Home","target":"/"}]}"#;
    let v2 = r#"{"items":[{"id":"home","kind":"link","label":"Start","target":"/"}]}"#;
    exec(&db, &format!(
        "INSERT INTO menu_releases (menu_id, environment_id, version, kind, items, message, author, created_at) \
         VALUES (1, {staging}, 1, 'publish', '{v1}', 'nav', 'ann', 30)")).await;
    exec(&db, &format!(
        "INSERT INTO menu_releases (menu_id, environment_id, version, kind, items, message, author, created_at) \
         VALUES (1, {staging}, 2, 'publish', '{v2}', 'rename', 'ann', 40)")).await;
    exec(&db, &format!(
        "INSERT INTO menu_releases (menu_id, environment_id, version, kind, items, message, author, created_at, rollback_of) \
         VALUES (1, {staging}, 3, 'rollback', '{v1}', 'back', 'bob', 50, 1)")).await;
    exec(&db, &format!(
        "INSERT INTO menu_heads (menu_id, environment_id, main_version, latest_version, updated_at) \
         VALUES (1, {staging}, 3, 3, 50)")).await;

    db.migrate().await.expect("upgrade to the current schema");

    let mut conn = db.reader().acquire().await.unwrap();
    let head = config_store::head(&mut conn, 1, staging).await.unwrap();
    assert_eq!(
        head,
        Some(config_store::Head {
            main_version: 1,
            gray: Some((2, GrayTarget::Percentage { percent: 10 })),
            latest_version: 2,
        })
    );
    let config_history = release_store::history::<NamespaceRow>(&mut conn, (1, staging), 10)
        .await
        .unwrap();
    let seen: Vec<_> = config_history
        .iter()
        .map(|r| {
            (
                r.version,
                r.kind,
                r.message.as_str(),
                r.author.as_str(),
                r.created_at,
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (2, ReleaseKind::Gray, "try 45", "bob", 20),
            (1, ReleaseKind::Publish, "first", "ann", 10)
        ]
    );
    assert_eq!(
        config_history[0].gray_target,
        Some(GrayTarget::Percentage { percent: 10 })
    );
    let gray = release_store::release::<NamespaceRow>(&mut conn, (1, staging), 2)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(gray.content[0].value, "45");

    let menu_head = release_store::head::<MenuRow>(&mut conn, (1, staging))
        .await
        .unwrap();
    assert_eq!(
        menu_head,
        Some(Head {
            main_version: 3,
            latest_version: 3
        })
    );
    let menu_history = release_store::history::<MenuRow>(&mut conn, (1, staging), 10)
        .await
        .unwrap();
    let seen: Vec<_> = menu_history
        .iter()
        .map(|r| (r.version, r.kind, r.rollback_of, r.entries))
        .collect();
    assert_eq!(
        seen,
        [
            (3, MenuKind::Rollback, Some(1), 1),
            (2, MenuKind::Publish, None, 1),
            (1, MenuKind::Publish, None, 1)
        ]
    );
    let live = release_store::main_content::<MenuRow>(&mut conn, (1, staging), menu_head)
        .await
        .unwrap();
    assert_eq!(
        serde_json::to_value(&live).unwrap()["items"][0]["label"],
        "Home"
    );

    // The old tables are gone: nothing can read or write a stale copy.
    for table in [
        "config_releases",
        "config_heads",
        "menu_releases",
        "menu_heads",
    ] {
        let probe = sqlx::query(&format!("SELECT 1 FROM {table}"))
            .fetch_optional(&mut *conn)
            .await;
        assert!(probe.is_err(), "{table} still exists");
    }
    drop(conn);
    db.close().await;
}

async fn a_menu_cannot_hold_a_gray_release(backend: Backend) {
    let test_db = TestDb::create(backend).await;
    let db = Db::connect(&test_db.url, 1).await.unwrap();
    exec(
        &db,
        "INSERT INTO menus (key, description, created_at) VALUES ('main', '', 1)",
    )
    .await;
    let refused = sqlx::query(
        "INSERT INTO releases (subject, subject_id, environment_id, version, kind, content, author, created_at) \
         VALUES ('menu', 1, 1, 1, 'gray', '{\"items\":[]}', 'ann', 1)",
    )
    .execute(db.writer())
    .await;
    assert!(refused.is_err(), "the schema let a menu release be gray");
    db.close().await;
}

on_both_backends!(
    releases_survive_the_move_to_one_release_table,
    a_menu_cannot_hold_a_gray_release
);
