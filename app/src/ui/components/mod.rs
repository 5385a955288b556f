//! Building blocks shared by the pages.

mod confirm;
mod constraints;
mod env_redirect;
mod field_error;
mod fields;
mod new_released_form;
mod notice;
mod page_title;
mod publish_form;
mod release_history;
mod released_list;
mod role_picker;

pub use confirm::ConfirmButton;
pub use constraints::{AttributeSuggestions, ConstraintsEditor};
pub use env_redirect::EnvironmentRedirect;
pub use field_error::FieldErrorText;
pub use fields::{CheckboxField, TextField};
pub use new_released_form::{CreatesReleased, NewReleasedForm};
pub use notice::{ErrorNotice, Notice};
pub use page_title::title;
pub use publish_form::PublishForm;
pub use release_history::{ComparedReleases, HistoryData, ReleaseHistory, RollsBack};
pub use released_list::{ListWords, ReleasedList, ReleasedRow, release_label};
pub use role_picker::RolePicker;
