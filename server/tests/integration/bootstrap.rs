//! The first administrator when several replicas start together on an empty database: each
//! must come up (none exits on the unique-email conflict), and there is exactly one user.

use crate::common::{ADMIN_EMAIL, ADMIN_PASSWORD, Backend, TestDb};
use server::config::BootstrapAdmin;
use std::sync::Arc;
use switchboard_backend::{Db, users};
use tokio::sync::Barrier;

const REPLICAS: usize = 4;

async fn replicas_starting_together_create_one_administrator(backend: Backend) {
    let test_db = TestDb::create(backend).await;
    let first = Db::connect(&test_db.url, 5).await.expect("connect");
    first.migrate().await.expect("migrate");
    let admin = BootstrapAdmin {
        email: ADMIN_EMAIL.into(),
        name: "First Admin".into(),
        password: ADMIN_PASSWORD.into(),
    };
    let barrier = Arc::new(Barrier::new(REPLICAS));
    let mut starts = Vec::new();
    for _ in 0..REPLICAS {
        let (url, admin, barrier) = (test_db.url.clone(), admin.clone(), barrier.clone());
        starts.push(tokio::spawn(async move {
            let db = Db::connect(&url, 5).await.expect("connect");
            barrier.wait().await;
            server::bootstrap::ensure_first_admin(&db, Some(&admin)).await
        }));
    }
    for start in starts {
        let outcome = start.await.expect("join");
        assert!(
            matches!(outcome, Ok(true)),
            "every replica starts: {outcome:?}"
        );
    }
    assert_eq!(users::count(&first).await.expect("count"), 1);
}

on_both_backends!(replicas_starting_together_create_one_administrator);
