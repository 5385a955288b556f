//! Server-only: storage, sessions and the command layer. Compiled with the `ssr` feature.

pub mod actor;
pub mod api_tokens;
pub mod audit_log;
pub mod changes;
pub mod clock;
pub mod command;
pub mod config;
pub mod db;
pub mod delivery;
pub mod environments;
pub mod flags;
pub mod housekeeping;
mod http_error;
pub mod keyring;
pub mod login;
pub mod menus;
pub mod passwords;
pub mod proxies;
pub mod releases;
pub mod request_info;
pub mod roles;
pub mod sdk_keys;
pub mod secrets;
pub mod sessions;
pub mod settings;
pub mod sql;
pub mod state;
pub mod users;
pub mod watch_slots;

pub use actor::Actor;
pub use command::execute;
pub use db::Db;
pub use settings::Settings;
pub use state::AppState;
