//! Shared data: what the server stores and sends, and what the browser shows and submits.

mod api_token;
mod audit;
mod environment;
mod role;
mod sdk_key;
mod session;
mod user;

pub use api_token::{
    ApiToken, ApiTokenCreated, NewApiToken, RevokeApiToken, TOKEN_EXPIRY_CHOICES,
    TOKEN_EXPIRY_DAYS_MAX, TOKEN_EXPIRY_DEFAULT_DAYS,
};
pub use audit::{
    AUDITED_ENTITIES, ActorKind, ActorRef, AuditEvent, AuditFilter, AuditPage, FieldChange,
    SHARED_ENTITIES, diff,
};
pub use environment::{
    DeleteEnvironment, Environment, NewEnvironment, UpdateEnvironment, chosen_or_first,
};
pub use role::Role;
pub use sdk_key::{KeyScope, NewSdkKey, RevokeSdkKey, SdkKey, SdkKeyCreated, SdkKeyListing};
pub use session::{Credentials, SessionInfo};
pub use user::{NewUser, ResetPassword, SetUserDisabled, UpdateUser, User};

/// Milliseconds since the Unix epoch, UTC.
pub type Millis = i64;
