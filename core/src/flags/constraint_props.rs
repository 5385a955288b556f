//! Constraints against the definitions of their operators: membership, numbers compared as
//! numbers, versions by Semantic Versioning 2.0.0 precedence (written out here from the spec),
//! dates as instants; inverting flips any constraint that can be evaluated; nothing panics.

use super::*;
use crate::test_props::{any_text, config, finite_f64};
use proptest::prelude::*;

fn constraint(attribute: &str, operator: Operator, values: Vec<String>) -> Constraint {
    Constraint {
        attribute: attribute.into(),
        operator,
        values,
        inverted: false,
        case_insensitive: false,
    }
}

fn holds(c: &Constraint, ctx: &EvalContext) -> bool {
    CompiledConstraint::compile(c).matches(ctx)
}

fn any_operator() -> impl Strategy<Value = Operator> {
    prop::sample::select(Operator::ALL.to_vec())
}

/// A pre-release identifier: numeric (no leading zero) or alphanumeric.
fn identifier() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u32..20).prop_map(|n| n.to_string()),
        "[a-z][a-z0-9-]{0,4}",
        Just("alpha".to_string()),
        Just("beta".to_string()),
    ]
}

#[derive(Debug, Clone)]
struct Version {
    core: (u64, u64, u64),
    pre: Vec<String>,
    build: Option<String>,
}

impl Version {
    fn text(&self) -> String {
        let (a, b, c) = self.core;
        let mut s = format!("{a}.{b}.{c}");
        if !self.pre.is_empty() {
            s.push('-');
            s.push_str(&self.pre.join("."));
        }
        if let Some(build) = &self.build {
            s.push('+');
            s.push_str(build);
        }
        s
    }
}

fn version() -> impl Strategy<Value = Version> {
    let part = prop_oneof![0u64..4, any::<u64>()];
    (
        (part.clone(), part.clone(), part),
        prop::collection::vec(identifier(), 0..3),
        prop::option::of("[a-z0-9]{1,5}"),
    )
        .prop_map(|(core, pre, build)| Version { core, pre, build })
}

/// SemVer 2.0.0, section 11: core numerically; then a pre-release ranks below the release;
/// identifiers left to right, numeric ones numerically and below alphanumeric ones, which
/// compare in ASCII order; a shorter list of equal identifiers ranks lower. Build metadata
/// does not count.
fn precedence(a: &Version, b: &Version) -> Ordering {
    a.core
        .cmp(&b.core)
        .then_with(|| match (a.pre.is_empty(), b.pre.is_empty()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => {
                for (x, y) in a.pre.iter().zip(&b.pre) {
                    let order = match (x.parse::<u64>(), y.parse::<u64>()) {
                        (Ok(p), Ok(q)) => p.cmp(&q),
                        (Ok(_), Err(_)) => Ordering::Less,
                        (Err(_), Ok(_)) => Ordering::Greater,
                        (Err(_), Err(_)) => x.as_bytes().cmp(y.as_bytes()),
                    };
                    if order != Ordering::Equal {
                        return order;
                    }
                }
                a.pre.len().cmp(&b.pre.len())
            }
        })
}

/// What each comparison operator means for "attribute OP value".
fn expected(op: Operator, order: Ordering) -> bool {
    match op {
        Operator::NumEq | Operator::SemverEq => order == Ordering::Equal,
        Operator::NumLt | Operator::SemverLt | Operator::DateBefore => order == Ordering::Less,
        Operator::NumLte | Operator::SemverLte => order != Ordering::Greater,
        Operator::NumGt | Operator::SemverGt | Operator::DateAfter => order == Ordering::Greater,
        Operator::NumGte | Operator::SemverGte => order != Ordering::Less,
        other => panic!("{other:?} does not compare"),
    }
}

/// A value validation accepts for `op`.
fn value_for(op: Operator) -> BoxedStrategy<String> {
    match op {
        o if NUMERIC.contains(&o) => finite_f64().prop_map(|x| x.to_string()).boxed(),
        o if SEMVER.contains(&o) => version().prop_map(|v| v.text()).boxed(),
        Operator::DateBefore | Operator::DateAfter => {
            Just("2024-02-29T12:00:00Z".to_string()).boxed()
        }
        Operator::InCidr => prop::sample::select(vec!["10.0.0.0/8", "192.0.2.7", "2001:db8::/32"])
            .prop_map(String::from)
            .boxed(),
        _ => "[a-c]{1,3}".boxed(),
    }
}

const NUMERIC: [Operator; 5] = [
    Operator::NumEq,
    Operator::NumLt,
    Operator::NumLte,
    Operator::NumGt,
    Operator::NumGte,
];
const SEMVER: [Operator; 5] = [
    Operator::SemverEq,
    Operator::SemverLt,
    Operator::SemverLte,
    Operator::SemverGt,
    Operator::SemverGte,
];

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn compiling_and_matching_never_panic(
        op in any_operator(),
        values in prop::collection::vec(any_text(), 0..3),
        attribute in prop_oneof![Just("a".to_string()), Just(CURRENT_TIME.to_string()), any_text()],
        actual in prop::option::of(any_text()),
        inverted in any::<bool>(),
        case_insensitive in any::<bool>(),
        now in any::<i64>(),
    ) {
        let c = Constraint { attribute: attribute.clone(), operator: op, values, inverted, case_insensitive };
        let mut ctx = EvalContext::default();
        ctx.now = now;
        if let Some(v) = actual {
            ctx.set(&attribute, &v);
        }
        let _ = holds(&c, &ctx);
    }

    #[test]
    fn membership(values in prop::collection::vec("[a-d]{1,2}", 0..4), actual in prop::option::of("[a-d]{1,2}")) {
        let mut ctx = EvalContext::default();
        if let Some(v) = &actual {
            ctx.set("k", v);
        }
        let listed = actual.as_ref().is_some_and(|v| values.contains(v));
        prop_assert_eq!(holds(&constraint("k", Operator::In, values.clone()), &ctx), listed);
        // NOT_IN holds for a missing attribute: it is not one of the values.
        prop_assert_eq!(holds(&constraint("k", Operator::NotIn, values), &ctx), !listed);
    }

    #[test]
    fn numbers_compare_as_numbers(a in finite_f64(), b in finite_f64(), op in prop::sample::select(NUMERIC.to_vec()), sa in 0usize..3, sb in 0usize..3) {
        let spell = |x: f64, style: usize| match style {
            0 => format!("{x}"),
            1 => format!("{x:e}"),
            _ => format!("  {x:?} "),
        };
        let ctx = EvalContext::default().with("n", &spell(a, sa));
        let c = constraint("n", op, vec![spell(b, sb)]);
        prop_assert_eq!(holds(&c, &ctx), expected(op, a.partial_cmp(&b).unwrap()), "{} {:?} {}", a, op, b);
    }

    #[test]
    fn equal_numbers_in_any_spelling_are_equal(x in finite_f64()) {
        let ctx = EvalContext::default().with("n", &format!("{x:e}"));
        let same = constraint("n", Operator::NumEq, vec![x.to_string()]);
        prop_assert!(holds(&same, &ctx));
    }

    #[test]
    fn versions_follow_semver_precedence(a in version(), b in version(), op in prop::sample::select(SEMVER.to_vec())) {
        let ctx = EvalContext::default().with("v", &a.text());
        let c = constraint("v", op, vec![b.text()]);
        prop_assert_eq!(holds(&c, &ctx), expected(op, precedence(&a, &b)), "{} {:?} {}", a.text(), op, b.text());
    }

    /// Inverting flips every constraint whose value can be read, present attribute or not.
    #[test]
    fn inverting_flips_the_answer(
        (op, value) in any_operator().prop_flat_map(|op| (Just(op), value_for(op))),
        actual in prop::option::of(prop_oneof!["[a-c]{1,3}", finite_f64().prop_map(|x| x.to_string()), version().prop_map(|v| v.text()), "10\\.[0-9]\\.0\\.1", Just("2001:db8::1".to_string())]),
        case_insensitive in any::<bool>(),
    ) {
        let plain = Constraint { case_insensitive, ..constraint("k", op, vec![value]) };
        let mut check = crate::validation::FieldErrors::new();
        crate::validation::flags::check_constraint(&plain, "c", &mut check);
        prop_assert!(check.is_empty(), "{}", check);
        let mut ctx = EvalContext::default();
        if let Some(v) = &actual {
            ctx.set("k", v);
        }
        let inverted = Constraint { inverted: true, ..plain.clone() };
        prop_assert_eq!(holds(&inverted, &ctx), !holds(&plain, &ctx));
    }

    /// Case-insensitive string operators ignore the case of both sides; case-sensitive ones are
    /// the plain substring tests.
    #[test]
    fn string_operators(haystack in "[a-cA-C]{0,6}", needle in "[a-cA-C]{1,3}", op in prop::sample::select(vec![Operator::StrContains, Operator::StrStartsWith, Operator::StrEndsWith])) {
        let test = |h: &str, n: &str| match op {
            Operator::StrContains => h.contains(n),
            Operator::StrStartsWith => h.starts_with(n),
            _ => h.ends_with(n),
        };
        let ctx = EvalContext::default().with("s", &haystack);
        let sensitive = constraint("s", op, vec![needle.clone()]);
        prop_assert_eq!(holds(&sensitive, &ctx), test(&haystack, &needle));
        let insensitive = Constraint { case_insensitive: true, ..sensitive };
        prop_assert_eq!(
            holds(&insensitive, &ctx),
            test(&haystack.to_ascii_lowercase(), &needle.to_ascii_lowercase())
        );
    }

    /// A validated constraint on a missing attribute holds for nobody, except NOT_IN (and its
    /// inversions), and date constraints on currentTime, which read the caller's clock.
    #[test]
    fn missing_attributes(op in any_operator(), value in prop_oneof!["[a-c]{1,3}", Just("1.2.3".to_string()), Just("5".to_string())]) {
        let c = constraint("absent", op, vec![value]);
        prop_assert_eq!(holds(&c, &EvalContext::default()), op == Operator::NotIn);
    }

    /// Any date validation accepts can be evaluated: the end of time is after it and the
    /// beginning before it. A date validation refuses holds for nobody.
    #[test]
    fn validated_dates_are_evaluated(value in prop_oneof![
        any_text(),
        "[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2})?)?(Z|[+-][0-9]{2}:[0-9]{2})?",
        "[0-9]{5,30}-01-01T00:00:00Z",
    ]) {
        let after = constraint(CURRENT_TIME, Operator::DateAfter, vec![value.clone()]);
        let before = constraint(CURRENT_TIME, Operator::DateBefore, vec![value]);
        let mut errors = crate::validation::FieldErrors::new();
        crate::validation::flags::check_constraint(&after, "c", &mut errors);
        let mut late = EvalContext::default();
        late.now = i64::MAX;
        let mut early = EvalContext::default();
        early.now = i64::MIN;
        prop_assert_eq!(holds(&after, &late), errors.is_empty());
        prop_assert_eq!(holds(&before, &early), errors.is_empty());
    }

    /// Likewise numbers and versions: accepted values are evaluated, refused ones never hold.
    #[test]
    fn validated_values_are_evaluated(op in prop::sample::select([NUMERIC, SEMVER].concat()), value in prop_oneof![
        any_text(),
        finite_f64().prop_map(|x| format!(" {x} ")),
        version().prop_map(|v| v.text()),
        Just("NaN".to_string()),
        Just("inf".to_string()),
        Just("1e999".to_string()),
    ]) {
        let c = constraint("k", op, vec![value.clone()]);
        let mut errors = crate::validation::FieldErrors::new();
        crate::validation::flags::check_constraint(&c, "c", &mut errors);
        // The value compared with itself: equal, so EQ, LTE and GTE hold.
        let ctx = EvalContext::default().with("k", &value);
        let reflexive = matches!(op, Operator::NumEq | Operator::NumLte | Operator::NumGte
            | Operator::SemverEq | Operator::SemverLte | Operator::SemverGte);
        prop_assert_eq!(holds(&c, &ctx), errors.is_empty() && reflexive, "{:?} {:?}", op, value);
    }
}
