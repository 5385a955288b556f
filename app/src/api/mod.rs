//! Server functions: the dashboard's calls to the server. Each one authenticates, then hands the
//! work to the same backend query or command that the REST API uses, so permission, validation,
//! concurrency and audit live in one place. Reads are GET, mutations POST with a JSON body.

mod api_tokens;
mod audit;
mod auth;
mod config;
mod environments;
mod flags;
mod menus;
mod sdk_keys;
mod segments;
mod users;

#[cfg(feature = "ssr")]
mod server;

pub use api_tokens::*;
pub use audit::*;
pub use auth::*;
pub use config::*;
pub use environments::*;
pub use flags::*;
pub use menus::*;
pub use sdk_keys::*;
pub use segments::*;
pub use users::*;

/// Where server functions are mounted (apart from the REST API under `/api`).
pub const PREFIX: &str = "/rpc";
