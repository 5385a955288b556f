//! Building blocks shared by the pages.

mod client_only;
mod confirm;
mod constraints;
mod field_error;
mod fields;
mod notice;
mod role_picker;

pub use client_only::ClientOnly;
pub use confirm::ConfirmButton;
pub use constraints::{AttributeSuggestions, ConstraintsEditor};
pub use field_error::FieldErrorText;
pub use fields::{CheckboxField, TextField};
pub use notice::{ErrorNotice, Notice};
pub use role_picker::RolePicker;
