//! The config delivery API: an instance fetches its namespace (`GET`, with ETag / 304), waits for
//! the next version (long poll: `?wait=30s&since=VERSION`), or watches it as Server-Sent Events
//! with `Last-Event-ID` resume. All answers come from the in-memory snapshot; a publish wakes every
//! waiting instance of that namespace through its watch channel.

use crate::delivery::error::DeliveryError;
use crate::delivery::sdk_auth::SdkKey;
use crate::delivery::sse;
use crate::delivery::streams::Streams;
use crate::delivery::wakeups::{Wake, Wakeups, revoked, wakeups};
use app::AppState;
use app::config::duration;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use futures_util::stream::{self, Stream};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use switchboard_backend::config::instances::{Delivered, Held};
use switchboard_backend::config::snapshot::{NamespaceState, Rendered, Served};
use switchboard_backend::db::now_ms;
use switchboard_backend::delivery::Delivery;
use tower_http::cors::{Any, CorsLayer};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The longest a long poll may wait.
pub const WAIT_MAX: Duration = Duration::from_secs(60);
pub const LABELS_MAX: usize = 20;
pub const INSTANCE_ID_MAX: usize = 128;

const INSTANCE_HEADER: &str = "x-instance-id";
const LABELS_HEADER: &str = "x-instance-labels";

/// Each route declared once, by its handler's `#[utoipa::path]` (see [`super::api`]).
pub fn api() -> OpenApiRouter<AppState> {
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET])
        .allow_headers([
            header::AUTHORIZATION,
            header::IF_NONE_MATCH,
            HeaderName::from_static("x-api-key"),
            HeaderName::from_static("last-event-id"),
            HeaderName::from_static(INSTANCE_HEADER),
            HeaderName::from_static(LABELS_HEADER),
        ])
        .expose_headers([
            header::ETAG,
            HeaderName::from_static("x-config-version"),
            HeaderName::from_static("x-config-release"),
        ]);
    OpenApiRouter::new()
        .routes(routes!(fetch))
        .routes(routes!(watch))
        .layer(cors)
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Params {
    /// The calling instance's id (or the `X-Instance-Id` header): percentage gray releases pick by it.
    instance: Option<String>,
    /// `key=value,key=value` (or the `X-Instance-Labels` header): label gray releases pick by them.
    labels: Option<String>,
    /// Long poll: wait up to this long (`30s`, at most 60s) for a version other than `since`.
    wait: Option<String>,
    /// Long poll: the version the instance has (without it, the If-None-Match ETag says what it has).
    since: Option<i64>,
}

/// Who is asking, as the instance describes itself.
struct Caller {
    instance_id: String,
    labels: BTreeMap<String, String>,
}

impl Caller {
    /// For the instance registry: this caller holds `version` of the namespace.
    fn delivered<'a>(
        &'a self,
        environment: &'a str,
        namespace: &'a str,
        version: i64,
        gray: bool,
    ) -> Delivered<'a> {
        Delivered {
            environment,
            namespace,
            instance_id: &self.instance_id,
            labels: &self.labels,
            version,
            gray,
        }
    }
}

fn caller(params: &Params, headers: &HeaderMap) -> Result<Caller, DeliveryError> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let instance_id = params
        .instance
        .clone()
        .or_else(|| header(INSTANCE_HEADER))
        .unwrap_or_default()
        .trim()
        .to_string();
    if instance_id.chars().count() > INSTANCE_ID_MAX || instance_id.chars().any(char::is_control) {
        return Err(DeliveryError::bad_request(
            "INVALID_INSTANCE",
            format!("an instance id has at most {INSTANCE_ID_MAX} printable characters"),
        ));
    }
    let text = params.labels.clone().or_else(|| header(LABELS_HEADER));
    let labels = parse_labels(text.as_deref().unwrap_or(""))
        .map_err(|m| DeliveryError::bad_request("INVALID_LABELS", m))?;
    Ok(Caller {
        instance_id,
        labels,
    })
}

/// `region=eu,host=a`. Names and values follow the rules of gray-release selectors.
fn parse_labels(text: &str) -> Result<BTreeMap<String, String>, String> {
    let mut labels = BTreeMap::new();
    for pair in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (k, v) = pair
            .split_once('=')
            .ok_or_else(|| format!("labels are key=value pairs separated by commas: {pair:?}"))?;
        let (k, v) = (k.trim(), v.trim());
        // The selector parser holds the rules for names and values; a one-label selector checks them.
        app::config::Selector::parse(&format!("{k}={v}"))
            .map_err(|m| format!("label {pair:?}: {m}"))?;
        if labels.insert(k.to_string(), v.to_string()).is_some() {
            return Err(format!("label {k:?} is given twice"));
        }
    }
    if labels.len() > LABELS_MAX {
        return Err(format!("send at most {LABELS_MAX} labels"));
    }
    Ok(labels)
}

/// An SDK key reads its own environment only (config and menus answer alike).
pub fn same_environment(key_env: &str, environment: &str) -> Result<(), DeliveryError> {
    if key_env != environment {
        return Err(DeliveryError::forbidden(
            "WRONG_ENVIRONMENT",
            format!("this SDK key belongs to the {key_env} environment"),
        ));
    }
    Ok(())
}

/// Checks the SDK key's environment and scope and finds what the namespace serves there.
fn state_for(
    state: &AppState,
    key: &SdkKey,
    environment: &str,
    namespace: &str,
) -> Result<Arc<NamespaceState>, DeliveryError> {
    same_environment(&key.environment, environment)?;
    if !key.scope.allows_namespace(namespace) {
        return Err(DeliveryError::forbidden(
            "NAMESPACE_NOT_ALLOWED",
            format!("this SDK key may not read namespace {namespace:?}"),
        ));
    }
    state
        .delivery
        .config
        .get(environment, namespace)
        .filter(|s| s.main.is_some() || s.gray.is_some())
        .ok_or_else(|| {
            DeliveryError::not_found(
                "NAMESPACE_NOT_FOUND",
                format!("nothing is published for namespace {namespace:?} in {environment}"),
            )
        })
}

/// The release this caller gets from a state; a gray release with nobody else on main leaves
/// instances outside it with nothing, which is answered as not found.
fn pick(state: &NamespaceState, namespace: &str, caller: &Caller) -> Option<(Arc<Served>, bool)> {
    state.pick(namespace, &caller.instance_id, &caller.labels)
}

/// Notes what a fetching instance was given (watch streams keep their own [`Held`]).
fn record(state: &AppState, env: &str, ns: &str, caller: &Caller, served: &Served, gray: bool) {
    let delivered = caller.delivered(env, ns, served.version, gray);
    let _ = state.delivery.instances.record(&delivered, 0, now_ms());
}

fn headers_for(served: &Served, rendered: &Rendered, gray: bool) -> [(HeaderName, HeaderValue); 4] {
    [
        (
            header::ETAG,
            HeaderValue::from_str(&rendered.etag).unwrap_or(HeaderValue::from_static("\"0\"")),
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        (
            HeaderName::from_static("x-config-version"),
            HeaderValue::from(served.version),
        ),
        (
            HeaderName::from_static("x-config-release"),
            HeaderValue::from_static(if gray { "gray" } else { "main" }),
        ),
    ]
}

fn full(served: &Served, rendered: &Rendered, gray: bool) -> Response {
    (
        headers_for(served, rendered, gray),
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        rendered.body.clone(),
    )
        .into_response()
}

fn not_modified(served: &Served, rendered: &Rendered, gray: bool) -> Response {
    (
        StatusCode::NOT_MODIFIED,
        headers_for(served, rendered, gray),
    )
        .into_response()
}

/// Does the If-None-Match header name this ETag (weak or strong)? Config and menus answer alike.
pub fn etag_matches(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|text| {
            text.split(',')
                .any(|t| t.trim().trim_start_matches("W/") == etag)
        })
}

/// Does the caller already hold this? `since` names a version; otherwise its ETag decides.
fn holds(since: Option<i64>, headers: &HeaderMap, served: &Served, rendered: &Rendered) -> bool {
    match since {
        Some(version) => served.version == version,
        None => etag_matches(headers, &rendered.etag),
    }
}

#[utoipa::path(get, path = "/api/v1/config/{environment}/{namespace}", tag = "delivery",
    params(("environment" = String, Path), ("namespace" = String, Path), Params),
    responses(
        (status = 200, description = "`{namespace, environment, version, values}`: the release for this instance (a matching gray release wins); secret entries only for keys that may read secrets. ETag (a hash of the body), X-Config-Version and X-Config-Release (main or gray) headers."),
        (status = 304, description = "Unchanged since the If-None-Match ETag, or no new version within `wait`"),
        (status = 400, description = "INVALID_INSTANCE, INVALID_LABELS or INVALID_PARAMETER"),
        (status = 401, description = "No valid SDK key"),
        (status = 403, description = "WRONG_ENVIRONMENT: the SDK key belongs to another environment; NAMESPACE_NOT_ALLOWED: the key is limited to other namespaces"),
        (status = 404, description = "NAMESPACE_NOT_FOUND: nothing published there"),
        (status = 429, description = "TOO_MANY_STREAMS: the SDK key already holds its share of watch streams and long polls (Retry-After)")),
    security(("sdk_key" = [])))]
pub async fn fetch(
    State(state): State<AppState>,
    axum::Extension(open_streams): axum::Extension<Streams>,
    key: SdkKey,
    Path((environment, namespace)): Path<(String, String)>,
    Query(params): Query<Params>,
    headers: HeaderMap,
) -> Result<Response, DeliveryError> {
    let caller = caller(&params, &headers)?;
    let wait = match params.wait.as_deref().map(duration::parse) {
        None => None,
        Some(Ok(ms)) => Some(Duration::from_millis(ms).min(WAIT_MAX)),
        Some(Err(m)) => {
            return Err(DeliveryError::bad_request(
                "INVALID_PARAMETER",
                format!("wait: {m}"),
            ));
        }
    };
    let current = state_for(&state, &key, &environment, &namespace)?;
    let Some((mut served, mut gray)) = pick(&current, &namespace, &caller) else {
        return Err(DeliveryError::not_found(
            "NAMESPACE_NOT_FOUND",
            "nothing is published for this instance yet",
        ));
    };
    let secrets = key.scope.read_secrets;
    if let Some(wait) = wait
        && holds(params.since, &headers, &served, served.for_key(secrets))
    {
        // Long poll: until the version this caller gets changes, the wait ends, or shutdown.
        let _counted = open_streams.open(key.id)?;
        let Some(mut rx) = state.delivery.config.subscribe(&environment, &namespace) else {
            return Ok(not_modified(&served, served.for_key(secrets), gray));
        };
        let changed = async {
            loop {
                if rx.changed().await.is_err() {
                    return None;
                }
                let now = rx.borrow_and_update().clone();
                if let Some((s, g)) = pick(&now, &namespace, &caller)
                    && !holds(params.since, &headers, &s, s.for_key(secrets))
                {
                    return Some((s, g));
                }
            }
        };
        tokio::select! {
            next = tokio::time::timeout(wait, changed) => match next {
                Ok(Some((s, g))) => (served, gray) = (s, g),
                _ => {
                    record(&state, &environment, &namespace, &caller, &served, gray);
                    return Ok(not_modified(&served, served.for_key(secrets), gray));
                }
            },
            _ = state.delivery.closed() => return Ok(not_modified(&served, served.for_key(secrets), gray)),
            // A key revoked while its long poll waits gets what a new request would: 401.
            _ = revoked(key.revoked()) => return Err(crate::delivery::sdk_auth::missing_key()),
        }
    }
    record(&state, &environment, &namespace, &caller, &served, gray);
    let rendered = served.for_key(secrets);
    if etag_matches(&headers, &rendered.etag) {
        return Ok(not_modified(&served, rendered, gray));
    }
    Ok(full(&served, rendered, gray))
}

/// One open watch stream. Holds only what it needs (10,000 of them are normal); registers the
/// instance as watching when the first event is settled and unregisters it when the client goes.
struct Watching {
    delivery: Arc<Delivery>,
    environment: String,
    namespace: String,
    caller: Caller,
    /// The key may read secret values.
    secrets: bool,
    /// What the instance holds, updated without the registry lock on every event.
    held: Option<Arc<Held>>,
    started: bool,
    last_sent: Option<i64>,
}

impl Watching {
    fn delivered(&self, version: i64, gray: bool) -> Delivered<'_> {
        self.caller
            .delivered(&self.environment, &self.namespace, version, gray)
    }

    /// The instance now holds `served`.
    fn hold(&mut self, served: &Served, gray: bool) {
        let now = now_ms();
        if self.started {
            if let Some(held) = &self.held {
                held.update(served.version, gray, now);
            }
        } else {
            self.started = true;
            self.held =
                self.delivery
                    .instances
                    .record(&self.delivered(served.version, gray), 1, now);
        }
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        if !self.started {
            return;
        }
        // Keeps the version and gray flag it holds; only the watch count changes.
        if let Some(held) = &self.held {
            let (version, gray) = held.current();
            let delivered = self.delivered(version, gray);
            let _ = self.delivery.instances.record(&delivered, -1, now_ms());
        }
    }
}

#[utoipa::path(get, path = "/api/v1/config/{environment}/{namespace}/watch", tag = "delivery",
    params(("environment" = String, Path), ("namespace" = String, Path), Params,
        ("Last-Event-ID" = Option<String>, Header, description = "The last version received; a different current version is sent at once")),
    responses(
        (status = 200, description = "text/event-stream: a `config` event (id = version, data = the fetch body) now unless Last-Event-ID is current, then one per new version for this instance"),
        (status = 400, description = "INVALID_INSTANCE or INVALID_LABELS"),
        (status = 401, description = "No valid SDK key"),
        (status = 403, description = "WRONG_ENVIRONMENT or NAMESPACE_NOT_ALLOWED"),
        (status = 404, description = "NAMESPACE_NOT_FOUND"),
        (status = 429, description = "TOO_MANY_STREAMS: the SDK key already holds its share of watch streams and long polls (Retry-After)")),
    security(("sdk_key" = [])))]
pub async fn watch(
    State(state): State<AppState>,
    axum::Extension(open_streams): axum::Extension<Streams>,
    key: SdkKey,
    Path((environment, namespace)): Path<(String, String)>,
    Query(params): Query<Params>,
    headers: HeaderMap,
) -> Result<Response, DeliveryError> {
    let caller = caller(&params, &headers)?;
    state_for(&state, &key, &environment, &namespace)?;
    let counted = open_streams.open(key.id)?;
    let Some(rx) = state.delivery.config.subscribe(&environment, &namespace) else {
        return Err(DeliveryError::not_found(
            "NAMESPACE_NOT_FOUND",
            "nothing is published here",
        ));
    };
    let last_id: Option<i64> = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok());
    let watching = Watching {
        delivery: state.delivery.clone(),
        environment,
        namespace,
        caller,
        secrets: key.scope.read_secrets,
        held: None,
        started: false,
        last_sent: last_id,
    };
    let wakes = wakeups(&state.delivery, &key, rx);
    Ok(sse::response(counted, events(watching, wakes)))
}

/// The first event at once (unless Last-Event-ID is current), then one per version change for
/// this instance, and a keep-alive comment on every heartbeat, until the client goes or the
/// server shuts down. Events are the release's pre-rendered bytes, shared by every watcher.
fn events(
    watching: Watching,
    wakes: Wakeups<Arc<NamespaceState>>,
) -> impl Stream<Item = Result<Bytes, Infallible>> {
    stream::unfold((watching, wakes), |(mut w, mut wakes)| async move {
        loop {
            let now = match wakes.next().await? {
                Wake::Changed(now) => now,
                Wake::Beat => {
                    return Some((Ok(sse::KEEP_ALIVE), (w, wakes)));
                }
                Wake::Ended => return None,
            };
            let Some((served, gray)) = pick(&now, &w.namespace, &w.caller) else {
                continue;
            };
            let unchanged = w.last_sent == Some(served.version);
            if unchanged && w.started {
                continue;
            }
            w.hold(&served, gray);
            if unchanged {
                continue;
            }
            w.last_sent = Some(served.version);
            let event = served.for_key(w.secrets).event.clone();
            return Some((Ok(event), (w, wakes)));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_parse_and_bad_ones_are_named() {
        let l = parse_labels("region=eu, host=a").unwrap();
        assert_eq!(l.get("region").map(String::as_str), Some("eu"));
        assert_eq!(l.get("host").map(String::as_str), Some("a"));
        assert!(parse_labels("").unwrap().is_empty());
        assert!(parse_labels("region").unwrap_err().contains("key=value"));
        assert!(parse_labels("a=1,a=2").unwrap_err().contains("twice"));
        assert!(parse_labels("bad key=1").is_err());
    }

    #[test]
    fn if_none_match_lists_are_read_weak_or_strong() {
        let mut h = HeaderMap::new();
        h.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_static("W/\"ab12\""),
        );
        assert!(etag_matches(&h, "\"ab12\""));
        h.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_static("\"x\", \"cd34\""),
        );
        assert!(etag_matches(&h, "\"cd34\""));
        assert!(!etag_matches(&h, "\"ab12\""));
        assert!(!etag_matches(&HeaderMap::new(), "\"ab12\""));
    }
}
