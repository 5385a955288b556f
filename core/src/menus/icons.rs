//! The bundled icon set. Menus name icons rather than embed SVG so that a menu stays small, apps
//! can map the names onto their own icon font, and nothing an editor types ends up as markup.
//!
//! Each icon is one SVG path for a 24×24 view box, drawn with a 2px round stroke and no fill.
//! They are deliberately plain: they serve the editor's preview and apps without icons of their
//! own.

use serde::Serialize;

pub const VIEW_BOX: &str = "0 0 24 24";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Icon {
    /// What menus store, like `credit-card`.
    pub name: &'static str,
    /// What the icon picker and screen readers say.
    pub title: &'static str,
    /// The `d` attribute of the icon's one path.
    pub path: &'static str,
}

impl Icon {
    /// Standalone SVG markup, for apps that take an image rather than a path.
    pub fn svg(&self) -> String {
        format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="{VIEW_BOX}" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><path d="{}"/></svg>"#,
            self.path
        )
    }
}

const fn i(name: &'static str, title: &'static str, path: &'static str) -> Icon {
    Icon { name, title, path }
}

/// In picker order: places, people, commerce, content, actions.
pub const ICONS: &[Icon] = &[
    i("home", "Home", "M3 11l9-8 9 8M5 10v10h5v-6h4v6h5V10"),
    i(
        "settings",
        "Settings",
        "M12 9a3 3 0 1 0 0 6a3 3 0 1 0 0-6M12 2v3M12 19v3M2 12h3M19 12h3M4.9 4.9L7 7M17 17l2.1 2.1M4.9 19.1L7 17M17 7l2.1-2.1",
    ),
    i(
        "grid",
        "Grid",
        "M3 3h7v7H3zM14 3h7v7h-7zM14 14h7v7h-7zM3 14h7v7H3z",
    ),
    i(
        "list",
        "List",
        "M8 6h13M8 12h13M8 18h13M3 6h.01M3 12h.01M3 18h.01",
    ),
    i("menu", "Menu", "M3 6h18M3 12h18M3 18h18"),
    i(
        "search",
        "Search",
        "M11 19a8 8 0 1 0 0-16a8 8 0 1 0 0 16M21 21l-4.35-4.35",
    ),
    i("chart", "Chart", "M3 3v18h18M7 16v-5M12 16V7M17 16v-8"),
    i(
        "globe",
        "Globe",
        "M12 22a10 10 0 1 0 0-20a10 10 0 1 0 0 20M2 12h20M12 2a15 15 0 0 1 4 10a15 15 0 0 1-4 10a15 15 0 0 1-4-10a15 15 0 0 1 4-10z",
    ),
    i(
        "map",
        "Map",
        "M1 6v16l7-4 8 4 7-4V2l-7 4-8-4zM8 2v16M16 6v16",
    ),
    i(
        "user",
        "User",
        "M12 11a4 4 0 1 0 0-8a4 4 0 1 0 0 8M4 21v-2a4 4 0 0 1 4-4h8a4 4 0 0 1 4 4v2",
    ),
    i(
        "users",
        "Users",
        "M9 11a4 4 0 1 0 0-8a4 4 0 1 0 0 8M1 21v-2a4 4 0 0 1 4-4h8a4 4 0 0 1 4 4v2M16 3.1a4 4 0 0 1 0 7.8M23 21v-2a4 4 0 0 0-3-3.9",
    ),
    i(
        "mail",
        "Mail",
        "M4 4h16a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zM22 6l-10 7L2 6",
    ),
    i(
        "phone",
        "Phone",
        "M7 2h10a2 2 0 0 1 2 2v16a2 2 0 0 1-2 2H7a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2zM12 18h.01",
    ),
    i(
        "bell",
        "Notifications",
        "M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9M13.7 21a2 2 0 0 1-3.4 0",
    ),
    i(
        "calendar",
        "Calendar",
        "M5 4h14a2 2 0 0 1 2 2v14a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zM16 2v4M8 2v4M3 10h18",
    ),
    i(
        "orders",
        "Orders",
        "M9 4H6a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V6a2 2 0 0 0-2-2h-3M9 2h6v4H9zM8 11h8M8 15h8M8 19h5",
    ),
    i(
        "cart",
        "Cart",
        "M1 1h4l2.7 13.4a2 2 0 0 0 2 1.6h9.7a2 2 0 0 0 2-1.6L23 6H6M9 21a1 1 0 1 0 0-2a1 1 0 1 0 0 2M20 21a1 1 0 1 0 0-2a1 1 0 1 0 0 2",
    ),
    i(
        "box",
        "Box",
        "M21 16V8a2 2 0 0 0-1-1.7l-7-4a2 2 0 0 0-2 0l-7 4A2 2 0 0 0 3 8v8a2 2 0 0 0 1 1.7l7 4a2 2 0 0 0 2 0l7-4a2 2 0 0 0 1-1.7zM3.3 7L12 12l8.7-5M12 22V12",
    ),
    i(
        "truck",
        "Shipping",
        "M1 3h15v13H1zM16 8h4l3 3v5h-7zM5.5 21a2.5 2.5 0 1 0 0-5a2.5 2.5 0 1 0 0 5M18.5 21a2.5 2.5 0 1 0 0-5a2.5 2.5 0 1 0 0 5",
    ),
    i(
        "credit-card",
        "Credit card",
        "M3 4h18a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2H3a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zM1 10h22",
    ),
    i(
        "dollar",
        "Money",
        "M12 1v22M17 5H9.5a3.5 3.5 0 0 0 0 7h5a3.5 3.5 0 0 1 0 7H6",
    ),
    i(
        "tag",
        "Tag",
        "M20.6 13.4l-7.2 7.2a2 2 0 0 1-2.8 0L2 12V2h10l8.6 8.6a2 2 0 0 1 0 2.8zM7 7h.01",
    ),
    i(
        "file",
        "File",
        "M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8zM14 2v6h6",
    ),
    i(
        "folder",
        "Folder",
        "M22 19a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h5l2 3h9a2 2 0 0 1 2 2z",
    ),
    i(
        "image",
        "Image",
        "M5 3h14a2 2 0 0 1 2 2v14a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zM8.5 10a1.5 1.5 0 1 0 0-3a1.5 1.5 0 1 0 0 3M21 15l-5-5L5 21",
    ),
    i(
        "camera",
        "Camera",
        "M23 19a2 2 0 0 1-2 2H3a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2h4l2-3h6l2 3h4a2 2 0 0 1 2 2zM12 17a4 4 0 1 0 0-8a4 4 0 1 0 0 8",
    ),
    i(
        "star",
        "Star",
        "M12 2l3.1 6.3 6.9 1-5 4.9 1.2 6.8L12 17.8 5.8 21l1.2-6.8-5-4.9 6.9-1z",
    ),
    i(
        "heart",
        "Heart",
        "M20.8 4.6a5.5 5.5 0 0 0-7.8 0L12 5.7l-1-1.1a5.5 5.5 0 0 0-7.8 7.8l1 1.1L12 21l7.8-7.5 1-1.1a5.5 5.5 0 0 0 0-7.8z",
    ),
    i(
        "flag",
        "Flag",
        "M4 15s1-1 4-1 5 2 8 2 4-1 4-1V3s-1 1-4 1-5-2-8-2-4 1-4 1zM4 22v-7",
    ),
    i(
        "help",
        "Help",
        "M12 22a10 10 0 1 0 0-20a10 10 0 1 0 0 20M9.1 9a3 3 0 0 1 5.8 1c0 2-3 3-3 3M12 17h.01",
    ),
    i(
        "info",
        "Information",
        "M12 22a10 10 0 1 0 0-20a10 10 0 1 0 0 20M12 16v-4M12 8h.01",
    ),
    i(
        "alert",
        "Warning",
        "M10.3 3.9L1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0zM12 9v4M12 17h.01",
    ),
    i(
        "lock",
        "Lock",
        "M5 11h14a2 2 0 0 1 2 2v7a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2v-7a2 2 0 0 1 2-2zM7 11V7a5 5 0 0 1 10 0v4",
    ),
    i(
        "key",
        "Key",
        "M7.5 21a5.5 5.5 0 1 0 0-11a5.5 5.5 0 1 0 0 11M11.4 11.6L21 2M15.5 7.5l3 3M18 5l3 3",
    ),
    i(
        "shield",
        "Security",
        "M12 22s8-4 8-10V5l-8-3-8 3v7c0 6 8 10 8 10z",
    ),
    i("plus", "Add", "M12 5v14M5 12h14"),
    i(
        "edit",
        "Edit",
        "M17 3a2.8 2.8 0 0 1 4 4L7.5 20.5 2 22l1.5-5.5z",
    ),
    i(
        "trash",
        "Delete",
        "M3 6h18M19 6l-1 14a2 2 0 0 1-2 2H8a2 2 0 0 1-2-2L5 6M10 11v6M14 11v6M9 6V4a1 1 0 0 1 1-1h4a1 1 0 0 1 1 1v2",
    ),
    i(
        "download",
        "Download",
        "M21 15v4a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2v-4M7 10l5 5 5-5M12 15V3",
    ),
    i(
        "upload",
        "Upload",
        "M21 15v4a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2v-4M17 8l-5-5-5 5M12 3v12",
    ),
    i(
        "refresh",
        "Refresh",
        "M23 4v6h-6M1 20v-6h6M3.5 9a9 9 0 0 1 14.9-3.4L23 10M1 14l4.6 4.4A9 9 0 0 0 20.5 15",
    ),
    i(
        "external-link",
        "Opens elsewhere",
        "M18 13v6a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2h6M15 3h6v6M10 14L21 3",
    ),
    i(
        "login",
        "Sign in",
        "M15 3h4a2 2 0 0 1 2 2v14a2 2 0 0 1-2 2h-4M10 17l5-5-5-5M15 12H3",
    ),
    i(
        "logout",
        "Sign out",
        "M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4M16 17l5-5-5-5M21 12H9",
    ),
];

/// The bundled icon called `name`, if there is one.
pub fn icon(name: &str) -> Option<&'static Icon> {
    ICONS.iter().find(|i| i.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn the_set_has_the_common_names_once_each() {
        let names: BTreeSet<&str> = ICONS.iter().map(|i| i.name).collect();
        assert_eq!(names.len(), ICONS.len(), "names are unique");
        for expected in [
            "home",
            "settings",
            "users",
            "user",
            "orders",
            "cart",
            "chart",
            "search",
            "bell",
            "mail",
            "calendar",
            "file",
            "folder",
            "help",
            "lock",
            "key",
            "flag",
            "star",
            "heart",
            "tag",
            "truck",
            "credit-card",
            "dollar",
            "globe",
            "map",
            "phone",
            "camera",
            "image",
            "list",
            "grid",
            "plus",
            "edit",
            "trash",
            "download",
            "upload",
            "refresh",
            "logout",
            "login",
            "shield",
            "box",
        ] {
            assert!(names.contains(expected), "{expected}");
        }
    }

    #[test]
    fn names_are_menu_safe_and_paths_are_plain_path_data() {
        for i in ICONS {
            assert!(
                i.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{}",
                i.name
            );
            assert!(!i.title.is_empty());
            assert!(i.path.starts_with('M'), "{}", i.name);
            assert!(
                i.path
                    .chars()
                    .all(|c| "MmLlHhVvCcSsQqTtAaZz0123456789.- ".contains(c)),
                "{} has characters that are not path data",
                i.name
            );
        }
    }

    #[test]
    fn lookup_and_markup() {
        assert_eq!(icon("credit-card").unwrap().title, "Credit card");
        assert!(icon("Home").is_none(), "names are exact");
        assert!(icon("").is_none());
        let svg = icon("plus").unwrap().svg();
        assert!(svg.starts_with("<svg ") && svg.contains(r#"<path d="M12 5v14M5 12h14"/>"#));
        assert!(svg.contains(r#"viewBox="0 0 24 24""#));
    }
}
