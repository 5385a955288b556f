//! The page's Content-Security-Policy: only this app's own scripts (the hydration loader carries a
//! per-request nonce), its own wasm, styles and images, and no framing.

use leptos::config::LeptosOptions;
use leptos::nonce::use_nonce;
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

pub fn policy(nonce: &str, options: &LeptosOptions) -> String {
    // `cargo leptos watch` injects a live-reload socket; allow it only then.
    let reload = if std::env::var_os("LEPTOS_WATCH").is_some() {
        let port = options.reload_external_port.unwrap_or(options.reload_port);
        format!(" ws://*:{port} wss://*:{port}")
    } else {
        String::new()
    };
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'{reload}; \
         object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Puts the policy for this render's nonce on the response.
pub fn apply(options: &LeptosOptions) {
    if let (Some(nonce), Some(response)) = (use_nonce(), use_context::<ResponseOptions>())
        && let Ok(value) = http::HeaderValue::from_str(&policy(&nonce, options))
    {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}
