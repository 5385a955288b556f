use super::auth::Auth;
use super::layout::SignedInLayout;
use super::pages::{
    ApiKeysPage, AuditPage, ConfigIndexPage, EnvironmentsPage, FlagPage, FlagsPage, HomePage,
    LoginPage, MenuPage, MenusIndexPage, MenusPage, NamespacePage, NamespacesPage, NewFlagPage,
    NotFoundPage, SegmentsPage, UsersPage,
};
use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{SsrMode, path};

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    super::csp::apply(&options);
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <AutoReload options=options.clone() />
                <HydrationScripts options=options.clone() />
                // `/pkg/switchboard.{hash}.css` when cargo-leptos hashes file names.
                <HashedStylesheet options id="leptos" />
                <link rel="icon" href="/favicon.ico" sizes="any" />
                <MetaTags />
            </head>
            <body class="min-h-screen bg-slate-50 text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    Auth::provide();
    view! {
        <Title formatter=|page: String| if page.is_empty() { "Switchboard".to_string() } else { format!("{page} · Switchboard") } />
        <Router>
            // Async: the server sends each page complete (readable without any script), after its
            // data has loaded; the pages' data comes from the local database, so this is quick.
            <Routes fallback=|| view! { <NotFoundPage /> }>
                <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                <ParentRoute path=path!("") view=SignedInLayout ssr=SsrMode::Async>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async />
                    <Route path=path!("/flags") view=FlagsPage ssr=SsrMode::Async />
                    <Route path=path!("/flags/new") view=NewFlagPage ssr=SsrMode::Async />
                    <Route path=path!("/flags/:key") view=FlagPage ssr=SsrMode::Async />
                    <Route path=path!("/segments") view=SegmentsPage ssr=SsrMode::Async />
                    <Route path=path!("/config") view=ConfigIndexPage ssr=SsrMode::Async />
                    <Route path=path!("/config/:env") view=NamespacesPage ssr=SsrMode::Async />
                    <Route path=path!("/config/:env/:namespace") view=NamespacePage ssr=SsrMode::Async />
                    <Route path=path!("/menus") view=MenusIndexPage ssr=SsrMode::Async />
                    <Route path=path!("/menus/:env") view=MenusPage ssr=SsrMode::Async />
                    <Route path=path!("/menus/:env/:menu") view=MenuPage ssr=SsrMode::Async />
                    <Route path=path!("/audit") view=AuditPage ssr=SsrMode::Async />
                    <Route path=path!("/users") view=UsersPage ssr=SsrMode::Async />
                    <Route path=path!("/environments") view=EnvironmentsPage ssr=SsrMode::Async />
                    <Route path=path!("/api-keys") view=ApiKeysPage ssr=SsrMode::Async />
                </ParentRoute>
            </Routes>
        </Router>
    }
}
