//! Constraints compiled for evaluation: values parsed once (numbers, dates, versions), case
//! folding done once, so testing a context is comparisons only.

use super::context::EvalContext;
use super::model::{Constraint, Operator};
use crate::cidr::{self, Cidr};
use regex_lite::Regex;
use std::cmp::Ordering;

#[derive(Debug, Clone)]
enum Test {
    In(Vec<String>),
    NotIn(Vec<String>),
    Contains(Vec<String>),
    StartsWith(Vec<String>),
    EndsWith(Vec<String>),
    Number(Operator, f64),
    Date(Operator, i64),
    Version(Operator, semver::Version),
    Pattern(Regex),
    /// Never empty: a list with no network that can be read holds for nobody.
    Networks(Vec<Cidr>),
    /// The constraint's value could not be read: it holds for nobody (as in Unleash).
    Never,
}

#[derive(Debug, Clone)]
pub struct CompiledConstraint {
    attribute: String,
    test: Test,
    inverted: bool,
    case_insensitive: bool,
}

/// The attribute that, when absent from the context, means "now".
pub const CURRENT_TIME: &str = "currentTime";

impl CompiledConstraint {
    pub fn compile(c: &Constraint) -> CompiledConstraint {
        let ci = c.case_insensitive && c.operator.is_string();
        let list = || -> Vec<String> {
            if ci {
                c.values.iter().map(|v| v.to_lowercase()).collect()
            } else {
                c.values.clone()
            }
        };
        let single = c.values.first().map(|v| v.trim());
        let test = match c.operator {
            Operator::In => Test::In(c.values.clone()),
            Operator::NotIn => Test::NotIn(c.values.clone()),
            Operator::StrContains => Test::Contains(list()),
            Operator::StrStartsWith => Test::StartsWith(list()),
            Operator::StrEndsWith => Test::EndsWith(list()),
            op @ (Operator::NumEq
            | Operator::NumLt
            | Operator::NumLte
            | Operator::NumGt
            | Operator::NumGte) => match single.and_then(parse_number) {
                Some(n) => Test::Number(op, n),
                None => Test::Never,
            },
            op @ (Operator::DateBefore | Operator::DateAfter) => {
                match single.and_then(crate::time::parse_rfc3339) {
                    Some(t) => Test::Date(op, t),
                    None => Test::Never,
                }
            }
            op @ (Operator::SemverEq
            | Operator::SemverLt
            | Operator::SemverLte
            | Operator::SemverGt
            | Operator::SemverGte) => match single.and_then(|v| semver::Version::parse(v).ok()) {
                Some(v) => Test::Version(op, v),
                None => Test::Never,
            },
            Operator::Regex => {
                match c
                    .values
                    .first()
                    .map(|p| crate::pattern::compile_with_case(p, c.case_insensitive))
                {
                    Some(Ok(re)) => Test::Pattern(re),
                    _ => Test::Never,
                }
            }
            // An entry that is not a network matches nothing, so the others decide (as in
            // Unleash).
            Operator::InCidr => match networks(&c.values) {
                n if n.is_empty() => Test::Never,
                n => Test::Networks(n),
            },
            Operator::Unknown => Test::Never,
        };
        CompiledConstraint {
            attribute: c.attribute.clone(),
            test,
            inverted: c.inverted,
            case_insensitive: ci,
        }
    }

    /// The value could not be read (a number, date or version that is not one, a pattern that
    /// does not compile, no network in the list, an unknown operator): it holds for nobody.
    pub fn value_unreadable(&self) -> bool {
        matches!(self.test, Test::Never)
    }

    pub fn attribute(&self) -> &str {
        &self.attribute
    }

    pub fn matches(&self, ctx: &EvalContext) -> bool {
        let value = ctx.get(&self.attribute);
        let held = match &self.test {
            Test::In(values) => value.is_some_and(|v| values.iter().any(|x| x == v)),
            Test::NotIn(values) => !value.is_some_and(|v| values.iter().any(|x| x == v)),
            Test::Contains(values) => self.text(value, values, |v, x| v.contains(x)),
            Test::StartsWith(values) => self.text(value, values, |v, x| v.starts_with(x)),
            Test::EndsWith(values) => self.text(value, values, |v, x| v.ends_with(x)),
            Test::Number(op, want) => value
                .and_then(parse_number)
                .is_some_and(|n| compare(*op, n.partial_cmp(want))),
            Test::Date(op, want) => {
                let at = match value {
                    Some(v) => crate::time::parse_rfc3339(v),
                    None if self.attribute == CURRENT_TIME => Some(ctx.now),
                    None => None,
                };
                at.is_some_and(|t| compare(*op, Some(t.cmp(want))))
            }
            Test::Version(op, want) => value
                .and_then(|v| semver::Version::parse(v.trim()).ok())
                .is_some_and(|v| compare(*op, Some(v.cmp_precedence(want)))),
            Test::Pattern(re) => value.is_some_and(|v| re.is_match(v)),
            Test::Networks(networks) => value
                .and_then(cidr::address)
                .is_some_and(|a| networks.iter().any(|n| n.contains(a))),
            Test::Never => return false,
        };
        held != self.inverted
    }

    fn text(
        &self,
        value: Option<&str>,
        values: &[String],
        test: impl Fn(&str, &str) -> bool,
    ) -> bool {
        let Some(v) = value else { return false };
        if self.case_insensitive {
            let v = v.to_lowercase();
            values.iter().any(|x| test(&v, x))
        } else {
            values.iter().any(|x| test(v, x))
        }
    }
}

/// The entries of an IN_CIDR list that are networks.
pub fn networks(values: &[String]) -> Vec<Cidr> {
    values.iter().filter_map(|v| Cidr::parse(v)).collect()
}

fn parse_number(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|n| n.is_finite())
}

fn compare(op: Operator, ord: Option<Ordering>) -> bool {
    let Some(ord) = ord else { return false };
    match op {
        Operator::NumEq | Operator::SemverEq => ord == Ordering::Equal,
        Operator::NumLt | Operator::SemverLt | Operator::DateBefore => ord == Ordering::Less,
        Operator::NumLte | Operator::SemverLte => ord != Ordering::Greater,
        Operator::NumGt | Operator::SemverGt | Operator::DateAfter => ord == Ordering::Greater,
        Operator::NumGte | Operator::SemverGte => ord != Ordering::Less,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(attribute: &str, operator: Operator, values: &[&str]) -> Constraint {
        Constraint {
            attribute: attribute.into(),
            operator,
            values: values.iter().map(|v| v.to_string()).collect(),
            inverted: false,
            case_insensitive: false,
        }
    }

    fn holds(constraint: Constraint, ctx: &EvalContext) -> bool {
        CompiledConstraint::compile(&constraint).matches(ctx)
    }

    #[test]
    fn membership_and_missing_attributes() {
        let ctx = EvalContext::default().with("country", "CA");
        assert!(holds(c("country", Operator::In, &["CA", "US"]), &ctx));
        assert!(
            !holds(c("country", Operator::In, &["ca"]), &ctx),
            "IN is exact"
        );
        assert!(
            !holds(c("plan", Operator::In, &["pro"]), &ctx),
            "missing is not in"
        );
        assert!(
            holds(c("plan", Operator::NotIn, &["pro"]), &ctx),
            "missing is not in"
        );
        assert!(!holds(c("country", Operator::In, &[]), &ctx));
        let mut inverted = c("country", Operator::In, &["CA"]);
        inverted.inverted = true;
        assert!(!holds(inverted, &ctx));
    }

    #[test]
    fn strings_with_and_without_case() {
        let ctx = EvalContext::default().with("email", "Ann@Example.COM");
        assert!(!holds(
            c("email", Operator::StrEndsWith, &["example.com"]),
            &ctx
        ));
        let mut ci = c("email", Operator::StrEndsWith, &["EXAMPLE.com"]);
        ci.case_insensitive = true;
        assert!(holds(ci, &ctx));
        assert!(holds(
            c("email", Operator::StrStartsWith, &["x", "Ann"]),
            &ctx
        ));
        assert!(holds(c("email", Operator::StrContains, &["@Ex"]), &ctx));
        let mut inverted = c("missing", Operator::StrContains, &["x"]);
        inverted.inverted = true;
        assert!(
            holds(inverted, &ctx),
            "inverting a missing attribute's test holds"
        );
    }

    #[test]
    fn regular_expressions_search_with_their_case() {
        let ctx = EvalContext::default().with("userId", "a cat b");
        assert!(holds(c("userId", Operator::Regex, &[r"\bcat\b"]), &ctx));
        assert!(!holds(c("userId", Operator::Regex, &["^cat$"]), &ctx));
        assert!(!holds(c("userId", Operator::Regex, &["CAT"]), &ctx));
        let mut ci = c("userId", Operator::Regex, &["CAT"]);
        ci.case_insensitive = true;
        assert!(holds(ci, &ctx));
        assert!(!holds(c("missing", Operator::Regex, &[".*"]), &ctx));
        // A pattern that does not compile holds for nobody, inverted or not.
        for pattern in ["(cat", "(?=a)", r"(a)\1"] {
            let mut broken = c("userId", Operator::Regex, &[pattern]);
            assert!(!holds(broken.clone(), &ctx), "{pattern}");
            broken.inverted = true;
            assert!(!holds(broken, &ctx), "{pattern} inverted");
        }
    }

    #[test]
    fn networks_take_the_readable_entries() {
        let ctx = EvalContext::default().with("remoteAddress", "192.168.1.42");
        assert!(holds(
            c(
                "remoteAddress",
                Operator::InCidr,
                &["127.invalid", "192.168.1.0/24"]
            ),
            &ctx
        ));
        assert!(!holds(
            c(
                "remoteAddress",
                Operator::InCidr,
                &["192.168.2.0/24", "10.0.0.1"]
            ),
            &ctx
        ));
        assert!(!holds(
            c("remoteAddress", Operator::InCidr, &["127.invalid"]),
            &ctx
        ));
        let not_an_address = EvalContext::default().with("remoteAddress", "example.com");
        assert!(!holds(
            c("remoteAddress", Operator::InCidr, &["0.0.0.0/0"]),
            &not_an_address
        ));
        let mut outside = c("remoteAddress", Operator::InCidr, &["10.0.0.0/8"]);
        outside.inverted = true;
        assert!(holds(outside.clone(), &ctx));
        assert!(
            holds(outside, &EvalContext::default()),
            "no address is outside"
        );
    }

    #[test]
    fn numbers() {
        let ctx = EvalContext::default()
            .with("n", "12.0")
            .with("bad", "twelve");
        assert!(holds(c("n", Operator::NumEq, &["12"]), &ctx));
        assert!(holds(c("n", Operator::NumGte, &["12"]), &ctx));
        assert!(!holds(c("n", Operator::NumGt, &["12"]), &ctx));
        assert!(holds(c("n", Operator::NumLt, &["12.5"]), &ctx));
        assert!(!holds(c("bad", Operator::NumLt, &["100"]), &ctx));
        assert!(!holds(c("n", Operator::NumEq, &["NaN"]), &ctx));
    }

    #[test]
    fn dates_default_to_now() {
        let t = crate::time::parse_rfc3339("2022-01-29T13:00:00Z").unwrap();
        let mut ctx = EvalContext::default();
        ctx.now = t;
        assert!(holds(
            c(CURRENT_TIME, Operator::DateAfter, &["2022-01-29T12:59:59Z"]),
            &ctx
        ));
        assert!(!holds(
            c(CURRENT_TIME, Operator::DateAfter, &["2022-01-29T13:00:00Z"]),
            &ctx
        ));
        assert!(holds(
            c(
                CURRENT_TIME,
                Operator::DateBefore,
                &["2022-01-29T15:00:01+02:00"]
            ),
            &ctx
        ));
        assert!(!holds(
            c("other", Operator::DateBefore, &["2030-01-01T00:00:00Z"]),
            &ctx
        ));
        assert!(!holds(
            c(CURRENT_TIME, Operator::DateBefore, &["not a date"]),
            &ctx
        ));
    }

    #[test]
    fn versions_with_prereleases() {
        let ctx = EvalContext::default().with("v", "2.0.0-beta.1");
        assert!(holds(c("v", Operator::SemverGt, &["2.0.0-alpha.1"]), &ctx));
        assert!(holds(c("v", Operator::SemverLt, &["2.0.0"]), &ctx));
        assert!(holds(c("v", Operator::SemverGte, &["2.0.0-beta.1"]), &ctx));
        assert!(!holds(c("v", Operator::SemverEq, &["v2.0.0-beta.1"]), &ctx));
        assert!(!holds(
            c("v", Operator::SemverLte, &["not a version"]),
            &ctx
        ));
    }
}

#[cfg(test)]
#[path = "constraint_props.rs"]
mod props;
