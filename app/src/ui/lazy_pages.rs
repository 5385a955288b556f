//! Each page's code is its own WASM chunk, fetched the first time the page is shown (or, for the
//! page the server rendered, before hydration; the server names its chunks in the HTML head so the
//! browser fetches them alongside the main module). The main module keeps only the frame: router,
//! session, sidebar and switcher. Built with `cargo leptos build --split`; without the split the
//! same code runs as one module.

use super::pages::{
    ApiKeysPage, AuditPage, ConfigIndexPage, EnvironmentsPage, FlagPage, FlagsPage, HomePage,
    LoginPage, MenuPage, MenusIndexPage, MenusPage, NamespacePage, NamespacesPage, NewFlagPage,
    SegmentsPage, UsersPage,
};
use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

/// Declares `Route` as the lazily loaded route that shows `Page`. The route needs no data of its
/// own: each page loads its data through its resources, which the server already resolved.
macro_rules! lazy_page {
    ($($route:ident => $page:ident),* $(,)?) => {$(
        #[doc = concat!("The route that loads [`", stringify!($page), "`] on first use.")]
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_this: Self) -> AnyView {
                view! { <$page /> }.into_any()
            }
        }
    )*};
}

lazy_page! {
    LoginRoute => LoginPage,
    HomeRoute => HomePage,
    FlagsRoute => FlagsPage,
    NewFlagRoute => NewFlagPage,
    FlagRoute => FlagPage,
    SegmentsRoute => SegmentsPage,
    ConfigIndexRoute => ConfigIndexPage,
    NamespacesRoute => NamespacesPage,
    NamespaceRoute => NamespacePage,
    MenusIndexRoute => MenusIndexPage,
    MenusRoute => MenusPage,
    MenuRoute => MenuPage,
    AuditRoute => AuditPage,
    UsersRoute => UsersPage,
    EnvironmentsRoute => EnvironmentsPage,
    ApiKeysRoute => ApiKeysPage,
}
