//! Switchboard's server-only half below the web app: storage (SQLite and PostgreSQL through
//! one `Db`), the command layer every change goes through (authorization, validation,
//! compare-and-set, audit), sessions and sign-in, and the delivery snapshots the apps' APIs serve.
//!
//! The rules it enforces are `switchboard-core`'s; its one error type is `switchboard-error`'s.
//! The web app (`app`) and the server binary call it; it knows nothing of either.

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
pub mod users;
pub mod watch_slots;

pub use actor::Actor;
pub use command::execute;
pub use db::Db;
pub use settings::Settings;
