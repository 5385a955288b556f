//! The HTTP application: operations endpoints, APIs, and the Leptos dashboard, behind the
//! security, metrics and body-size layers.

use crate::config::Http;
use crate::delivery::{self, streams};
use crate::ops::{health, metrics};
use crate::{openapi, render_thread, rest, rpc_status, security, static_files};
use app::AppState;
use app::{App, shell};
use axum::Router;
use axum::routing::get;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, file_and_error_handler_with_context, generate_route_list};
use tower::ServiceBuilder;
use tower_http::limit::RequestBodyLimitLayer;

/// The application with the default HTTP settings.
pub fn router(state: AppState, max_body_bytes: usize) -> Router {
    router_with(state, max_body_bytes, &Http::default())
}

pub fn router_with(state: AppState, max_body_bytes: usize, http: &Http) -> Router {
    router_with_streams(
        state,
        max_body_bytes,
        http,
        streams::Streams::new(http.streams_per_key),
    )
}

/// [`router_with`], counting open watch streams and long polls in `streams`, which the caller
/// keeps (the integration tests wait on it).
pub fn router_with_streams(
    state: AppState,
    max_body_bytes: usize,
    http: &Http,
    streams: streams::Streams,
) -> Router {
    // Record from the first request on, not from the first scrape.
    metrics::handle();
    // Rendering the app to list its routes is Leptos work, so it belongs on the render thread.
    let routes = render_thread::run(|| generate_route_list(App));
    let context = {
        let state = state.clone();
        move || provide_context(state.clone())
    };
    let render = {
        let options = LeptosOptions::clone(&state.leptos_options);
        move || shell(options.clone())
    };
    // Pages, server functions and the site's files, on the render thread.
    let dashboard = Router::new()
        .leptos_routes_with_context(&state, routes, context.clone(), render)
        .fallback(file_and_error_handler_with_context::<AppState, _>(
            context, shell,
        ))
        .layer(axum::middleware::from_fn_with_state(
            render_thread::Deadline(http.render_timeout),
            render_thread::on_render_thread,
        ))
        // Refused before they reach the render thread.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::sign_in_admission,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::same_site_json,
        ));
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::render))
        .route("/api/openapi.json", get(openapi::serve))
        // The handlers' attributes carry the full paths, under rest::BASE.
        .merge(rest::router())
        .merge(delivery::api().split_for_parts().0)
        // The site's wasm, js and css: off the render thread, precompressed, cached by hash.
        .merge(static_files::router(
            &state.leptos_options,
            static_files::site_hashed_names(&state.leptos_options),
        ))
        .merge(dashboard)
        // One layer of layers, outermost first: each `Router::layer` call wraps every route once
        // more, and axum clones a route's whole stack for each request it serves, so seven
        // separate calls cost seven nested (boxed) copies per request instead of one.
        .layer(
            ServiceBuilder::new()
                .layer(axum::Extension(streams))
                .layer(axum::Extension(metrics::ScrapeToken(
                    http.metrics_token.as_deref().map(Into::into),
                )))
                .layer(axum::middleware::from_fn(security::headers))
                .layer(axum::middleware::from_fn(metrics::track))
                .layer(axum::middleware::from_fn(rpc_status::correct))
                .layer(axum::middleware::from_fn(rest::json_body_limit))
                .layer(RequestBodyLimitLayer::new(max_body_bytes)),
        )
        .with_state(state)
}
