//! The flag pages: the list, creating a flag, and a flag's page with its rule editor.

mod compare;
mod definition;
mod history;
mod import;
mod list;
mod new;
mod page;
mod prerequisites;
mod rule;
mod settings;
mod split;
mod try_context;
mod variants;

pub use list::FlagsPage;
pub use new::NewFlagPage;
pub use page::FlagPage;
pub(crate) use try_context::now_ms;
