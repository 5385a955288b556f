//! The dashboard's code in a few WASM modules, fetched when first needed. The main module holds
//! the frame (router, session, sidebar, switcher) and the two pages nearly every visit starts
//! with, sign-in and the flag list. The other pages come in one module per area (flags, config,
//! menus, administration): each area is one split point, fetched the first time one of its pages
//! is shown, or, for a page the server rendered, named in the HTML head so the browser fetches it
//! alongside the main module.
//!
//! One split point per area rather than per page: `cargo leptos build --split` writes the code
//! each set of split points shares as a file of its own, and with a split point per page the flag
//! list alone needed 143 files whose requests held back the main module (`bench/README.md`).

use super::pages::{
    ApiKeysPage, AuditPage, ConfigIndexPage, EnvironmentsPage, FlagPage, MenuPage, MenusIndexPage,
    MenusPage, NamespacePage, NamespacesPage, NewFlagPage, SegmentsPage, UsersPage,
};
use leptos::lazy;
use leptos::prelude::*;
use leptos_router::LazyRoute;

/// The pages of the flags area.
#[derive(Clone, Copy)]
enum FlagsArea {
    NewFlag,
    Flag,
    Segments,
}

#[lazy]
fn flags_area(page: FlagsArea) -> AnyView {
    match page {
        FlagsArea::NewFlag => view! { <NewFlagPage /> }.into_any(),
        FlagsArea::Flag => view! { <FlagPage /> }.into_any(),
        FlagsArea::Segments => view! { <SegmentsPage /> }.into_any(),
    }
}

/// The pages of the config area.
#[derive(Clone, Copy)]
enum ConfigArea {
    Index,
    Namespaces,
    Namespace,
}

#[lazy]
fn config_area(page: ConfigArea) -> AnyView {
    match page {
        ConfigArea::Index => view! { <ConfigIndexPage /> }.into_any(),
        ConfigArea::Namespaces => view! { <NamespacesPage /> }.into_any(),
        ConfigArea::Namespace => view! { <NamespacePage /> }.into_any(),
    }
}

/// The pages of the menus area.
#[derive(Clone, Copy)]
enum MenusArea {
    Index,
    Menus,
    Menu,
}

#[lazy]
fn menus_area(page: MenusArea) -> AnyView {
    match page {
        MenusArea::Index => view! { <MenusIndexPage /> }.into_any(),
        MenusArea::Menus => view! { <MenusPage /> }.into_any(),
        MenusArea::Menu => view! { <MenuPage /> }.into_any(),
    }
}

/// The administration pages.
#[derive(Clone, Copy)]
enum AdminArea {
    Audit,
    Users,
    Environments,
    ApiKeys,
}

#[lazy]
fn admin_area(page: AdminArea) -> AnyView {
    match page {
        AdminArea::Audit => view! { <AuditPage /> }.into_any(),
        AdminArea::Users => view! { <UsersPage /> }.into_any(),
        AdminArea::Environments => view! { <EnvironmentsPage /> }.into_any(),
        AdminArea::ApiKeys => view! { <ApiKeysPage /> }.into_any(),
    }
}

/// The router awaits only `preload` before hydrating a route, then hydrates `view` inside a
/// Suspend: the area must be loaded by then, or hydration meets a different shape.
macro_rules! lazy_routes {
    ($($route:ident => $area:ident($page:expr), $preload:ident),* $(,)?) => {$(
        #[doc = concat!("The route that shows `", stringify!($page), "`, loading its area first.")]
        pub struct $route;

        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            async fn view(_this: Self) -> AnyView {
                $area($page).await
            }

            async fn preload() {
                #[cfg(feature = "hydrate")]
                $preload().await;
            }
        }
    )*};
}

lazy_routes! {
    NewFlagRoute => flags_area(FlagsArea::NewFlag), __preload_flags_area,
    FlagRoute => flags_area(FlagsArea::Flag), __preload_flags_area,
    SegmentsRoute => flags_area(FlagsArea::Segments), __preload_flags_area,
    ConfigIndexRoute => config_area(ConfigArea::Index), __preload_config_area,
    NamespacesRoute => config_area(ConfigArea::Namespaces), __preload_config_area,
    NamespaceRoute => config_area(ConfigArea::Namespace), __preload_config_area,
    MenusIndexRoute => menus_area(MenusArea::Index), __preload_menus_area,
    MenusRoute => menus_area(MenusArea::Menus), __preload_menus_area,
    MenuRoute => menus_area(MenusArea::Menu), __preload_menus_area,
    AuditRoute => admin_area(AdminArea::Audit), __preload_admin_area,
    UsersRoute => admin_area(AdminArea::Users), __preload_admin_area,
    EnvironmentsRoute => admin_area(AdminArea::Environments), __preload_admin_area,
    ApiKeysRoute => admin_area(AdminArea::ApiKeys), __preload_admin_area,
}
