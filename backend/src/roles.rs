//! Role assignments per environment, shared by users and API tokens.

use super::db::{Db, Tx};
use super::environments;
use sqlx::Row;
use std::collections::{BTreeMap, HashMap};
use switchboard_core::domain::Role;
use switchboard_error::AppError;

/// The two tables that hold assignments: (table, owner column).
#[derive(Debug, Clone, Copy)]
pub enum Holder {
    User,
    Token,
}

impl Holder {
    fn table(self) -> (&'static str, &'static str) {
        match self {
            Holder::User => ("user_roles", "user_id"),
            Holder::Token => ("api_token_roles", "token_id"),
        }
    }
}

fn parse_rows(
    rows: &[sqlx::any::AnyRow],
) -> Result<HashMap<i64, BTreeMap<String, Role>>, AppError> {
    let mut out: HashMap<i64, BTreeMap<String, Role>> = HashMap::new();
    for row in rows {
        let owner: i64 = row.try_get("owner")?;
        let key: String = row.try_get("key")?;
        let role: String = row.try_get("role")?;
        if let Some(role) = Role::parse(&role) {
            out.entry(owner).or_default().insert(key, role);
        }
    }
    Ok(out)
}

fn select(holder: Holder, filter: &str) -> String {
    let (table, owner) = holder.table();
    format!(
        "SELECT r.{owner} AS owner, e.key AS key, r.role AS role FROM {table} r \
         JOIN environments e ON e.id = r.environment_id {filter}"
    )
}

/// Every holder's roles, by holder id.
pub async fn all(
    db: &Db,
    holder: Holder,
) -> Result<HashMap<i64, BTreeMap<String, Role>>, AppError> {
    let rows = sqlx::query(&select(holder, ""))
        .fetch_all(db.reader())
        .await?;
    parse_rows(&rows)
}

pub async fn of(tx: &mut Tx, holder: Holder, id: i64) -> Result<BTreeMap<String, Role>, AppError> {
    let (_, owner) = holder.table();
    let rows = sqlx::query(&select(holder, &format!("WHERE r.{owner} = $1")))
        .bind(id)
        .fetch_all(&mut **tx)
        .await?;
    Ok(parse_rows(&rows)?.remove(&id).unwrap_or_default())
}

pub async fn of_reader(
    db: &Db,
    holder: Holder,
    id: i64,
) -> Result<BTreeMap<String, Role>, AppError> {
    let (_, owner) = holder.table();
    let rows = sqlx::query(&select(holder, &format!("WHERE r.{owner} = $1")))
        .bind(id)
        .fetch_all(db.reader())
        .await?;
    Ok(parse_rows(&rows)?.remove(&id).unwrap_or_default())
}

/// Replaces a holder's assignments; unknown environments are field errors under `roles.KEY`.
pub async fn replace(
    tx: &mut Tx,
    holder: Holder,
    id: i64,
    roles: &BTreeMap<String, Role>,
) -> Result<(), AppError> {
    let (table, owner) = holder.table();
    let ids = environments::ids_for_keys(tx, roles.keys(), "roles").await?;
    sqlx::query(&format!("DELETE FROM {table} WHERE {owner} = $1"))
        .bind(id)
        .execute(&mut **tx)
        .await?;
    for (key, env_id) in ids {
        sqlx::query(&format!(
            "INSERT INTO {table} ({owner}, environment_id, role) VALUES ($1, $2, $3)"
        ))
        .bind(id)
        .bind(env_id)
        .bind(roles[&key].as_str())
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
