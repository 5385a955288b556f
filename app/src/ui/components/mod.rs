//! Building blocks shared by the pages.

mod confirm;
mod fields;
mod notice;
mod role_picker;

pub use confirm::ConfirmButton;
pub use fields::{CheckboxField, TextField};
pub use notice::{ErrorNotice, Notice};
pub use role_picker::RolePicker;
