//! The evaluation engine's speed: one flag with 3 rules x 3 constraints and a 25% rollout, and a
//! bulk evaluation of 1,000 such flags for one context (what OFREP's bulk endpoint does).
//!
//! Run: `cargo bench -p switchboard-core --bench engine`. Targets: under 1 µs per flag, under 1 ms per bulk.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use switchboard_core::flags::{
    CompiledFlag, Constraint, EvalContext, Flag, FlagEnvironment, FlagKind, Operator, Rollout,
    Rule, Segments, Serve, Variant,
};

fn constraint(attribute: &str, operator: Operator, values: &[&str]) -> Constraint {
    Constraint {
        attribute: attribute.into(),
        operator,
        values: values.iter().map(|v| v.to_string()).collect(),
        inverted: false,
        case_insensitive: false,
    }
}

/// Three rules of three constraints each; the last carries the 25% rollout and is the one a
/// Canadian user on a recent app version on the pro plan reaches, so every constraint of every
/// rule is checked on the way.
fn rules() -> Vec<Rule> {
    let on = || Serve::Variant {
        variant: "on".into(),
    };
    vec![
        Rule {
            id: "internal".into(),
            name: "Staff".into(),
            constraints: vec![
                constraint("email", Operator::StrEndsWith, &["@example.com"]),
                constraint("plan", Operator::In, &["staff", "internal"]),
                constraint("age", Operator::NumGte, &["18"]),
            ],
            segments: vec![],
            rollout: None,
            serve: on(),
        },
        Rule {
            id: "beta".into(),
            name: "Beta".into(),
            constraints: vec![
                constraint("country", Operator::In, &["CA", "US", "MX"]),
                constraint("appVersion", Operator::SemverGte, &["2.0.0"]),
                constraint("plan", Operator::In, &["beta"]),
            ],
            segments: vec![],
            rollout: None,
            serve: on(),
        },
        Rule {
            id: "rollout".into(),
            name: "North America, 25%".into(),
            constraints: vec![
                constraint("country", Operator::In, &["CA", "US"]),
                constraint("appVersion", Operator::SemverGte, &["1.4.0"]),
                constraint("plan", Operator::NotIn, &["free"]),
            ],
            segments: vec![],
            rollout: Some(Rollout::percent(25)),
            serve: on(),
        },
    ]
}

fn flag(key: &str) -> CompiledFlag {
    let flag = Flag {
        id: 1,
        key: key.into(),
        name: key.into(),
        description: String::new(),
        tags: vec![],
        owner: String::new(),
        kind: FlagKind::Boolean,
        variants: Variant::boolean_pair(),
        archived: false,
        version: 1,
        created_at: 0,
        updated_at: 0,
    };
    let settings = FlagEnvironment {
        environment: "production".into(),
        enabled: true,
        off_variant: "off".into(),
        default_variant: "off".into(),
        prerequisites: Vec::new(),
        rules: rules(),
        version: 1,
        updated_at: 0,
    };
    CompiledFlag::compile(&flag, &settings, &Segments::new())
}

fn context(user: &str) -> EvalContext {
    EvalContext::new(Some(user.into()))
        .with("email", "ann@customer.test")
        .with("country", "CA")
        .with("appVersion", "2.3.1")
        .with("plan", "pro")
        .with("age", "34")
}

fn engine(c: &mut Criterion) {
    let one = flag("checkout-v2");
    // A user inside the rollout, so the benchmark measures the whole path described above (every
    // constraint, the bucketing, the variant) rather than an early exit.
    let ctx = (0..)
        .map(|n| context(&format!("user-{n}")))
        .find(|ctx| one.evaluate(ctx).rule_id.as_deref() == Some("rollout"))
        .expect("a quarter of users are inside a 25% rollout");
    c.bench_function("evaluate: 3 rules x 3 constraints + 25% rollout", |b| {
        b.iter(|| black_box(one.evaluate(black_box(&ctx))))
    });

    let many: Vec<CompiledFlag> = (0..1000).map(|i| flag(&format!("flag-{i:04}"))).collect();
    c.bench_function("bulk: 1,000 flags, one context", |b| {
        b.iter(|| {
            for f in &many {
                black_box(f.evaluate(black_box(&ctx)));
            }
        })
    });
}

criterion_group!(benches, engine);
criterion_main!(benches);
