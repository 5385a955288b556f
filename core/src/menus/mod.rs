//! Menus: navigation trees an app fetches and shows per caller, each item gated by the app's
//! roles, permissions and a flag.
//!
//! Pure: no I/O, so the dashboard's editor and preview run exactly what the delivery API runs.
//! Storage, server functions and pages build on these types; the input rules are in
//! [`crate::validation::menus`].

pub mod diff;
pub mod edit;
pub mod filter;
pub mod gates;
pub mod icons;
pub mod inputs;
pub mod model;
pub mod views;

pub use diff::{ItemChange, ItemMove, ItemSummary, MenuDiff, diff_menus};
pub use filter::{Caller, VisibleItem, filter};
pub use gates::gate_open;
pub use icons::{ICONS, Icon, icon};
pub use inputs::{DiscardMenuDraft, NewMenu, PublishMenu, RollbackMenu, SaveMenuDraft};
pub use model::{
    BADGE_MAX, ID_MAX, ItemKind, LABEL_MAX, Located, MAX_DEPTH, MAX_ITEMS, Menu, MenuItem,
    PERMISSION_MAX, PERMISSIONS_MAX, ROLE_MAX, ROLES_MAX, TARGET_MAX, TRANSLATIONS_MAX, Visibility,
};
pub use views::{MenuDraft, MenuRelease, MenuReleaseDiff, MenuSummary};
