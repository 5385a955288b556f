//! The environment chosen in the switcher, remembered in a cookie so the server renders the same
//! choice the browser last made.

use crate::AppError;
use crate::domain::Environment;
use leptos::prelude::*;

pub const COOKIE: &str = "sb_env";

/// The remembered choice, read the same way on the server (request header) and in the browser
/// (`document.cookie`), so hydration agrees.
pub fn remembered() -> Option<String> {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>().and_then(|parts| {
            parts
                .headers
                .get_all(http::header::COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .find_map(|v| crate::cookies::value(v, COOKIE))
                .map(str::to_string)
        })
    }
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
            .and_then(|d| d.cookie().ok())
            .and_then(|c| crate::cookies::value(&c, COOKIE).map(str::to_string))
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        None
    }
}

pub fn remember(key: &str) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(doc) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
        {
            let _ = doc.set_cookie(&format!(
                "{COOKIE}={key}; Path=/; Max-Age=31536000; SameSite=Strict"
            ));
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = key;
}

/// The environment the user is working in: the remembered choice if they may see it, else the
/// first environment they may see.
#[derive(Clone, Copy)]
pub struct CurrentEnv {
    pub chosen: RwSignal<Option<String>>,
    /// The environments the user may see: the one list every page and the switcher share.
    pub environments: Resource<Result<Vec<Environment>, AppError>>,
    version: RwSignal<u32>,
}

impl CurrentEnv {
    pub fn provide() -> CurrentEnv {
        let version = RwSignal::new(0u32);
        let current = CurrentEnv {
            chosen: RwSignal::new(remembered()),
            environments: Resource::new(move || version.get(), |_| crate::api::list_environments()),
            version,
        };
        provide_context(current);
        current
    }

    /// Loads the list again (after an environment was added, changed or removed).
    pub fn reload(&self) {
        self.version.update(|v| *v += 1);
    }

    pub fn key(&self) -> Option<String> {
        let envs = self.environments.get()?.ok()?;
        let chosen = self.chosen.get();
        crate::domain::chosen_or_first(&envs, chosen.as_deref()).map(|e| e.key.clone())
    }
}

pub fn use_current_env() -> CurrentEnv {
    expect_context::<CurrentEnv>()
}

/// Keeps the environment switcher and the URL in step on pages whose URL is
/// `{base}/{environment}{suffix}`: a page opened for an environment selects it in the switcher,
/// and choosing another one opens the same page there.
pub fn follow_switcher(
    base: &'static str,
    environment: Memo<String>,
    suffix: impl Fn() -> String + 'static,
) {
    let current = use_current_env();
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |first: Option<()>| {
        let chosen = current.chosen.get();
        let here = environment.get_untracked();
        if chosen.as_deref() == Some(here.as_str()) {
            return;
        }
        if first.is_none() {
            remember(&here);
            current.chosen.set(Some(here));
        } else if let Some(key) = chosen {
            navigate(&format!("{base}/{key}{}", suffix()), Default::default());
        }
    });
}

/// The query parameter that names the environment on pages whose path has no room for it
/// (`/flags?env=production`: `/flags/{key}` is a flag).
pub const QUERY: &str = "env";

/// For pages that take their environment from `?env=`: the environment named in the address
/// (None: the page shows the remembered one, [`CurrentEnv::chosen`]), with
/// the switcher and the address kept in step. A page opened with `?env=` selects that
/// environment in the switcher; choosing another one in the switcher puts it in the address
/// (replacing the history entry), so the page can be bookmarked, shared and reloaded as it is.
pub fn env_from_query() -> Memo<Option<String>> {
    let current = use_current_env();
    let query = leptos_router::hooks::use_query_map();
    let location = leptos_router::hooks::use_location();
    let navigate = leptos_router::hooks::use_navigate();
    let in_url = Memo::new(move |_| query.with(|q| q.get(QUERY).filter(|v| !v.is_empty())));
    Effect::new(move |seen: Option<(Option<String>, Option<String>)>| {
        let (url, chosen) = (in_url.get(), current.chosen.get());
        let url_moved = seen.as_ref().is_none_or(|(u, _)| *u != url);
        match (&url, &chosen) {
            // Opened (or navigated) with ?env=: the switcher follows the address.
            (Some(key), _) if url_moved && chosen.as_ref() != Some(key) => {
                remember(key);
                current.chosen.set(Some(key.clone()));
            }
            // The switcher moved: the address follows.
            (_, Some(key)) if !url_moved && url.as_ref() != Some(key) => {
                let mut params = query.get_untracked();
                params.replace(QUERY, key.clone());
                navigate(
                    &format!(
                        "{}{}",
                        location.pathname.get_untracked(),
                        params.to_query_string()
                    ),
                    leptos_router::NavigateOptions {
                        replace: true,
                        ..Default::default()
                    },
                );
            }
            _ => {}
        }
        (url, chosen)
    });
    in_url
}
