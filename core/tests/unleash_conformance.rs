//! Unleash's client specification, run against Switchboard: every spec file's state goes through
//! the Unleash importer (the same one `switchboard import unleash` and the dashboard upload use),
//! then every expected result is checked with Switchboard's engine. Every case must pass: none is
//! unsupported, none is skipped.

use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use switchboard_core::flags::unleash::{ImportPlan, plan};
use switchboard_core::flags::{
    CompiledFlag, CompiledSegment, EvalContext, FlagKind, Reason, Segments,
};

fn spec_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/conformance/unleash-client-spec/specifications")
}

struct Imported {
    plan: ImportPlan,
    flags: HashMap<String, (CompiledFlag, FlagKind)>,
}

fn import(state: &Value) -> Imported {
    let plan =
        plan(&state.to_string(), "conformance").expect("the importer reads every spec state");
    let segments: Segments = plan
        .segments
        .iter()
        .map(|s| (s.key.clone(), Arc::new(CompiledSegment::compile(s))))
        .collect();
    // Compiled, then linked to the flags their prerequisites name, as the server's snapshot does.
    let compiled: HashMap<String, Arc<CompiledFlag>> = plan
        .flags
        .iter()
        .map(|f| {
            (
                f.flag.key.clone(),
                Arc::new(CompiledFlag::compile(&f.flag, &f.settings, &segments)),
            )
        })
        .collect();
    let flags = plan
        .flags
        .iter()
        .map(|f| {
            let mut flag = (*compiled[&f.flag.key]).clone();
            flag.link(|key| compiled.get(key).cloned());
            (f.source.clone(), (flag, f.flag.kind))
        })
        .collect();
    Imported { plan, flags }
}

fn context(v: &Value) -> EvalContext {
    let mut ctx = EvalContext::from_json(v.as_object().expect("contexts are objects"));
    ctx.now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    ctx.random = 4242;
    ctx
}

enum Outcome {
    Pass,
    Fail(String),
    Unsupported(String),
}

/// The payload Unleash would return for variant `name` of feature `feature`.
fn source_payload(state: &Value, feature: &str, name: &str) -> Option<Value> {
    let features = state["features"].as_array().cloned().unwrap_or_default();
    let f = features.iter().find(|f| f["name"] == feature)?;
    let mut candidates: Vec<&Value> = f["variants"]
        .as_array()
        .map(|v| v.iter().collect())
        .unwrap_or_default();
    for s in f["strategies"].as_array().into_iter().flatten() {
        candidates.extend(s["variants"].as_array().into_iter().flatten());
    }
    candidates
        .into_iter()
        .find(|v| v["name"] == name)
        .and_then(|v| v.get("payload").cloned())
}

/// (feature enabled, variant name or None for Unleash's "disabled" variant)
fn run(
    imported: &Imported,
    toggle: &str,
    ctx: &EvalContext,
) -> Result<(bool, Option<String>), String> {
    if let Some(skipped) = imported.plan.skipped.iter().find(|s| s.feature == toggle) {
        return Err(skipped.reason.clone());
    }
    let Some((flag, kind)) = imported.flags.get(toggle) else {
        return Ok((false, None));
    };
    let ev = flag.evaluate(ctx);
    assert_ne!(ev.reason, Reason::Error, "{toggle}: {:?}", ev.error);
    let enabled = matches!(ev.reason, Reason::TargetingMatch | Reason::Split);
    let variant = match kind {
        FlagKind::Boolean => None,
        _ => ev.variant.filter(|v| enabled && !v.starts_with("disabled")),
    };
    Ok((enabled, variant))
}

fn check_toggle(imported: &Imported, test: &Value) -> Outcome {
    let toggle = test["toggleName"].as_str().unwrap();
    match run(imported, toggle, &context(&test["context"])) {
        Err(reason) => Outcome::Unsupported(reason),
        Ok((enabled, _)) if enabled == test["expectedResult"].as_bool().unwrap() => Outcome::Pass,
        Ok((enabled, _)) => Outcome::Fail(format!("enabled = {enabled}")),
    }
}

fn check_variant(imported: &Imported, state: &Value, test: &Value) -> Outcome {
    let toggle = test["toggleName"].as_str().unwrap();
    let expected = &test["expectedResult"];
    let (enabled, variant) = match run(imported, toggle, &context(&test["context"])) {
        Err(reason) => return Outcome::Unsupported(reason),
        Ok(r) => r,
    };
    let mut actual = json!({
        "name": variant.clone().unwrap_or_else(|| "disabled".into()),
        "enabled": variant.is_some(),
    });
    if expected.get("feature_enabled").is_some() {
        actual["feature_enabled"] = json!(enabled);
    }
    if let Some(name) = &variant
        && let Some(payload) = source_payload(state, toggle, name)
    {
        actual["payload"] = payload;
    }
    if &actual == expected {
        Outcome::Pass
    } else {
        Outcome::Fail(format!("got {actual}"))
    }
}

#[test]
fn unleash_client_specification() {
    let index: Vec<String> =
        serde_json::from_str(&std::fs::read_to_string(spec_dir().join("index.json")).unwrap())
            .unwrap();
    assert_eq!(index.len(), 22, "every file of the specification");
    let (mut total_pass, mut total_fail, mut total_unsupported) = (0, 0, 0);
    let mut reasons = std::collections::BTreeSet::new();
    let mut failures = Vec::new();
    println!("\nUnleash client specification: per file (pass / fail / unsupported)");
    for file in &index {
        let spec: Value =
            serde_json::from_str(&std::fs::read_to_string(spec_dir().join(file)).unwrap()).unwrap();
        let state = &spec["state"];
        let imported = import(state);
        let (mut pass, mut fail, mut unsupported) = (0, 0, Vec::new());
        let cases = spec["tests"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|t| (t, check_toggle(&imported, t)));
        let variant_cases = spec["variantTests"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|t| (t, check_variant(&imported, state, t)));
        for (test, outcome) in cases.chain(variant_cases) {
            let description = test["description"].as_str().unwrap_or("?");
            match outcome {
                Outcome::Pass => pass += 1,
                Outcome::Fail(why) => {
                    fail += 1;
                    failures.push(format!(
                        "{file}: {description}: expected {}, {why}",
                        test["expectedResult"]
                    ));
                }
                Outcome::Unsupported(reason) => {
                    unsupported.push(format!("{description} ({reason})"));
                    reasons.insert(reason);
                }
            }
        }
        println!("  {file:45} {pass:3} / {fail:3} / {:3}", unsupported.len());
        for u in &unsupported {
            println!("      unsupported: {u}");
        }
        total_pass += pass;
        total_fail += fail;
        total_unsupported += unsupported.len();
    }
    println!(
        "  {:45} {total_pass:3} / {total_fail:3} / {total_unsupported:3}",
        "total"
    );
    assert!(
        failures.is_empty(),
        "{} cases disagree with Unleash:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(reasons.is_empty(), "unsupported: {reasons:?}");
    assert_eq!(total_fail, 0);
    assert_eq!(total_pass, 279, "every case of the specification");
}
