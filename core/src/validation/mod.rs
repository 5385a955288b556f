//! The one set of input rules. Forms run them as the user types; the server runs them again on
//! every request and answers 422 with the same field errors.

pub mod config;
mod field_errors;
pub mod flags;
mod inputs;
pub mod menus;
pub mod rules;

pub use field_errors::{FieldErrors, field_path};

/// Input that can be checked without I/O. Rules that need stored data (a unique email, an
/// environment that exists) are checked by the server in the same transaction as the write and
/// reported as field errors too.
pub trait Validate {
    fn validate(&self) -> Result<(), FieldErrors>;
}
