//! The first administrator: there is no default password anywhere. One is created from
//! `SWITCHBOARD_ADMIN_EMAIL`/`SWITCHBOARD_ADMIN_PASSWORD` on first start, or by
//! `switchboard create-user --admin`.

use crate::config::BootstrapAdmin;
use app::AppError;
use app::domain::{NewUser, User};
use switchboard_backend::{Actor, Db, execute, users};

pub const NO_USERS_HINT: &str = "No users exist yet. Create the first administrator with \
`switchboard create-user --admin --email you@example.com` (it asks for the password), or start \
with SWITCHBOARD_ADMIN_EMAIL and SWITCHBOARD_ADMIN_PASSWORD set.";

/// Creates the first administrator from the environment when there are no users at all.
/// Returns whether the database has users afterwards.
pub async fn ensure_first_admin(db: &Db, admin: Option<&BootstrapAdmin>) -> Result<bool, AppError> {
    if users::count(db).await? > 0 {
        return Ok(true);
    }
    let Some(admin) = admin else { return Ok(false) };
    let created = create_user(
        db,
        "first start (SWITCHBOARD_ADMIN_EMAIL)",
        NewUser {
            email: admin.email.clone(),
            name: admin.name.clone(),
            password: admin.password.clone(),
            admin: true,
            roles: Default::default(),
        },
    )
    .await;
    match created {
        Ok(user) => {
            tracing::info!(email = %user.email, "created the first administrator");
            Ok(true)
        }
        // Replicas started together race for the first administrator; the losers find the
        // winner's user and carry on instead of exiting.
        Err(e) if users::count(db).await? > 0 => {
            tracing::info!(reason = %e, "another replica created the first administrator");
            Ok(true)
        }
        Err(e) => Err(e),
    }
}

/// Creates a user as the operator (command line or bootstrap), through the command layer.
pub async fn create_user(db: &Db, how: &str, user: NewUser) -> Result<User, AppError> {
    execute(db, &Actor::system(how), user).await
}
