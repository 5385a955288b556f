use super::auth::Auth;
use super::layout::SignedInLayout;
use super::lazy_pages::{
    ApiKeysRoute, AuditRoute, ConfigIndexRoute, EnvironmentsRoute, FlagRoute, MenuRoute,
    MenusIndexRoute, MenusRoute, NamespaceRoute, NamespacesRoute, NewFlagRoute, SegmentsRoute,
    UsersRoute,
};
use super::pages::{FlagsPage, HomePage, LoginPage, NotFoundPage};
use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{Lazy, SsrMode, path};

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
                    <Route path=path!("/flags/new") view={Lazy::<NewFlagRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/flags/:key") view={Lazy::<FlagRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/segments") view={Lazy::<SegmentsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/config") view={Lazy::<ConfigIndexRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/config/:env") view={Lazy::<NamespacesRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/config/:env/:namespace") view={Lazy::<NamespaceRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/menus") view={Lazy::<MenusIndexRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/menus/:env") view={Lazy::<MenusRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/menus/:env/:menu") view={Lazy::<MenuRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/audit") view={Lazy::<AuditRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/users") view={Lazy::<UsersRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/environments") view={Lazy::<EnvironmentsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/api-keys") view={Lazy::<ApiKeysRoute>::new()} ssr=SsrMode::Async />
                </ParentRoute>
            </Routes>
        </Router>
    }
}
