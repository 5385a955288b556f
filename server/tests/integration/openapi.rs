//! The OpenAPI document against the rules of OpenAPI 3.1 and against the server's answers: what
//! scripts/fuzz_api.py found wrong in it, each as a check that does not need the fuzzer.

use crate::common::*;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use std::collections::BTreeSet;

async fn document(server: &TestServer) -> Value {
    reqwest::get(server.url("/api/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// (method, path template, operation) for every documented operation.
fn operations(doc: &Value) -> Vec<(Method, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            out.push((method, path.clone(), op.clone()));
        }
    }
    out
}

fn template_names(path: &str) -> BTreeSet<String> {
    path.split('{')
        .skip(1)
        .map(|rest| rest.split('}').next().unwrap().to_string())
        .collect()
}

fn parameters<'a>(op: &'a Value, location: &str) -> Vec<&'a Value> {
    op["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["in"] == location)
        .collect()
}

/// OpenAPI 3.1, Parameter Object: a path parameter's name "MUST correspond to a template
/// expression occurring within the path field", and it MUST be required. The query structs of
/// the audit trail, the flag list, the diffs, the DELETE versions and config delivery were
/// documented as required path parameters (utoipa's default for IntoParams), so generated
/// clients could not send them at all.
#[tokio::test]
async fn path_parameters_are_exactly_the_path_templates_expressions() {
    let server = TestServer::start(Backend::Sqlite).await;
    let doc = document(&server).await;
    for (method, path, op) in operations(&doc) {
        let declared: BTreeSet<String> = parameters(&op, "path")
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(declared, template_names(&path), "{method} {path}");
        for p in parameters(&op, "path") {
            assert_eq!(p["required"], true, "{method} {path}: {}", p["name"]);
        }
    }
    let audit = &doc["paths"]["/api/admin/v1/audit"]["get"];
    let limit = parameters(audit, "query")
        .into_iter()
        .find(|p| p["name"] == "limit")
        .expect("the audit trail's limit is a query parameter");
    assert_ne!(limit["required"], true);
    server.stop().await;
}

/// A concrete path for a template: integer parameters get `int`, the others `text`.
fn concrete(path: &str, op: &Value, int: &str, text: &str) -> String {
    let mut out = path.to_string();
    for p in parameters(op, "path") {
        let name = p["name"].as_str().unwrap();
        let is_int = p["schema"]["type"] == "integer";
        out = out.replace(&format!("{{{name}}}"), if is_int { int } else { text });
    }
    out
}

fn documents(op: &Value, status: StatusCode) -> bool {
    op["responses"][status.as_str()].is_object()
}

/// Refusals that come before any handler logic, sent to every admin operation, must be among
/// its documented responses and, as the README promises of every error, JSON with an `error`
/// code: without a token (401), with a body that is not JSON, not UTF-8 or too large, with an
/// integer path parameter that is not a number. Most operations did not declare 400 or 401, those
/// with a body not 413; a body over the limit got a plain-text 413, and a menu import that is not
/// UTF-8 a plain-text 400.
#[tokio::test]
async fn refusals_every_admin_operation_gives_are_documented() {
    let server = TestServer::start(Backend::Sqlite).await;
    let token = server.create_token("docs", true, &[]).await;
    let doc = document(&server).await;
    let http = reqwest::Client::new();
    let mut undocumented = Vec::new();
    for (method, path, op) in operations(&doc) {
        if !path.starts_with("/api/admin/v1") {
            continue;
        }
        let url = server.url(&concrete(&path, &op, "1", "nothing-here"));
        let has_body = op["requestBody"].is_object();
        // What each probe must get, when one status alone is right.
        let mut probes: Vec<(&str, reqwest::RequestBuilder, Option<StatusCode>)> = vec![(
            "no token",
            http.request(method.clone(), &url),
            Some(StatusCode::UNAUTHORIZED),
        )];
        let authed = |url: &str| {
            http.request(method.clone(), url)
                .bearer_auth(&token.token)
                .header("content-type", "application/json")
        };
        if has_body {
            probes.push(("a body that is not JSON", authed(&url).body("{"), None));
            let latin1 = b"{\"name\": \"caf\xe9\"}".to_vec();
            probes.push(("a body that is not UTF-8", authed(&url).body(latin1), None));
            probes.push((
                "a body over the limit",
                authed(&url).body(format!("\"{}\"", "x".repeat(100 * 1024))),
                Some(StatusCode::PAYLOAD_TOO_LARGE),
            ));
        }
        if parameters(&op, "path")
            .iter()
            .any(|p| p["schema"]["type"] == "integer")
        {
            let bad = server.url(&concrete(&path, &op, "not-a-number", "nothing-here"));
            let body = if has_body { "{}" } else { "" };
            probes.push((
                "a path integer that is not a number",
                authed(&bad).body(body),
                None,
            ));
        }
        for (probe, request, expected) in probes {
            let res = request.send().await.unwrap();
            let status = res.status();
            let json = res
                .headers()
                .get("content-type")
                .is_some_and(|v| v == "application/json");
            let body: Value =
                serde_json::from_slice(&res.bytes().await.unwrap()).unwrap_or_default();
            let what = format!("{method} {path} with {probe}: {status} {body}");
            assert!(status.is_client_error(), "{what}");
            if let Some(expected) = expected {
                assert_eq!(status, expected, "{what}");
            }
            if !json || !body["error"].is_string() {
                undocumented.push(format!("{what}: not an error in the API's JSON format"));
            }
            if !documents(&op, status) {
                undocumented.push(format!("{what}: status not documented"));
            }
        }
    }
    assert!(
        undocumented.is_empty(),
        "undocumented refusals:\n{}",
        undocumented.join("\n")
    );
    server.stop().await;
}

/// Does a documented integer schema admit `n`? The formats' ranges are those of the OpenAPI
/// format registry (int32 and int64 are signed).
fn admits(doc: &Value, schema: &Value, n: i64) -> bool {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.rsplit('/').next().unwrap();
        return admits(doc, &doc["components"]["schemas"][name], n);
    }
    if let Some(choices) = schema["oneOf"].as_array() {
        return choices.iter().any(|s| admits(doc, s, n));
    }
    let in_format = match schema["format"].as_str() {
        Some("int32") => i32::try_from(n).is_ok(),
        _ => true,
    };
    in_format
        && schema["minimum"].as_f64().is_none_or(|m| n as f64 >= m)
        && schema["maximum"].as_f64().is_none_or(|m| n as f64 <= m)
}

/// A query number the server takes must be one the document allows: `limit`, `page` and
/// `per_page` parse as any u32 (larger limits count as the maximum), but were documented as
/// int32, so a value above 2^31 - 1 was both accepted and "invalid".
#[tokio::test]
async fn integer_query_parameters_the_server_takes_are_documented() {
    let server = TestServer::start(Backend::Sqlite).await;
    let token = server.create_token("docs", true, &[]).await;
    let doc = document(&server).await;
    let mut wrong = Vec::new();
    for (method, path, op) in operations(&doc) {
        if method != Method::GET || !path.starts_with("/api/admin/v1") || path.contains('{') {
            continue;
        }
        for p in parameters(&op, "query") {
            let name = p["name"].as_str().unwrap();
            for n in [i64::from(i32::MAX) + 1, i64::from(u32::MAX)] {
                let url = server.url(&format!("{path}?{name}={n}"));
                let res = token.http.get(url).bearer_auth(&token.token).send().await;
                let status = res.unwrap().status();
                if status.is_success() && !admits(&doc, &p["schema"], n) {
                    wrong.push(format!(
                        "{path}?{name}={n}: {status}, documented {}",
                        p["schema"]
                    ));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "accepted but documented as invalid:\n{}",
        wrong.join("\n")
    );
    server.stop().await;
}

/// Every admin route is declared once, by its handler's `#[utoipa::path]` attribute, and both the
/// router and this document are built from those declarations. This holds the two to each other:
/// each documented admin operation reaches its handler (a request without a token is refused by
/// the handler's token extractor, 401, not by the router with 404 or 405), and every other method
/// on a documented path is refused by the router with 405 (nothing is routed there undocumented).
#[tokio::test]
async fn the_router_serves_exactly_the_documented_admin_operations() {
    let server = TestServer::start(Backend::Sqlite).await;
    let doc = document(&server).await;
    let http = reqwest::Client::new();
    let mut wrong = Vec::new();
    let mut documented = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        if !path.starts_with("/api/admin/v1/") {
            continue;
        }
        let item = item.as_object().unwrap();
        // Path parameters are the same for every operation on a path.
        let (_, op) = item.iter().next().unwrap();
        let url = server.url(&concrete(path, op, "1", "nothing-here"));
        for method in [
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::DELETE,
            Method::PATCH,
        ] {
            let is_documented = item.contains_key(&method.as_str().to_lowercase());
            documented += usize::from(is_documented);
            let status = http
                .request(method.clone(), &url)
                .send()
                .await
                .unwrap()
                .status();
            let expected = if is_documented {
                StatusCode::UNAUTHORIZED
            } else {
                StatusCode::METHOD_NOT_ALLOWED
            };
            if status != expected {
                wrong.push(format!("{method} {path}: {status}, expected {expected}"));
            }
        }
    }
    assert!(
        documented > 50,
        "only {documented} admin operations documented"
    );
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    server.stop().await;
}

/// Two Rust types with one name become one schema in the document (the last one registered
/// wins): the flag-by-flag comparison was once documented as config's comparison of a namespace,
/// which Schemathesis caught. Each comparison documents its own fields.
#[tokio::test]
async fn comparisons_document_their_own_answers() {
    let server = TestServer::start(Backend::Sqlite).await;
    let doc = document(&server).await;
    let answer = |path: &str| {
        let schema =
            &doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
        let name = schema["$ref"]
            .as_str()
            .unwrap_or_default()
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_string();
        let required: BTreeSet<String> = doc["components"]["schemas"][&name]["required"]
            .as_array()
            .map(|r| {
                r.iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        required
    };
    let fields = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    assert_eq!(
        answer("/api/admin/v1/environments/{environment}/flags/copy-from/{from}"),
        fields(&["from", "to", "flags"])
    );
    assert_eq!(
        answer("/api/admin/v1/flags/{key}/environments/{environment}/copy-from/{from}"),
        fields(&["flag", "from", "to", "changes"])
    );
    server.stop().await;
}
