mod api_keys;
mod audit;
mod environments;
mod home;
mod login;
mod not_found;
mod users;

pub use api_keys::ApiKeysPage;
pub use audit::AuditPage;
pub use environments::EnvironmentsPage;
pub use home::HomePage;
pub use login::LoginPage;
pub use not_found::NotFoundPage;
pub use users::UsersPage;
