//! Durations: `parse` reads what `format` writes, sums units as the module documents them, and
//! never panics.

use super::*;
use crate::test_props::{any_text, config};
use proptest::prelude::*;

/// Unit sizes in milliseconds, written out from the definitions (a day is 24 hours, and so on)
/// rather than read from the module.
const SIZES: [(&str, u128); 5] = [
    ("d", 24 * 60 * 60 * 1000),
    ("h", 60 * 60 * 1000),
    ("m", 60 * 1000),
    ("s", 1000),
    ("ms", 1),
];

/// Text made of the duration alphabet, to reach the parser's deeper branches more often than
/// arbitrary Unicode does.
fn duration_soup() -> impl Strategy<Value = String> {
    "[0-9dhms. ,+-]{0,24}"
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn parse_never_panics(text in prop_oneof![any_text(), duration_soup()]) {
        let _ = parse(&text);
    }

    #[test]
    fn format_then_parse_is_the_identity(ms in prop_oneof![0..=DURATION_MAX_MS, Just(DURATION_MAX_MS), 0u64..100_000_000]) {
        prop_assert_eq!(parse(&format(ms)), Ok(ms));
    }

    /// Units largest first, each at most once, any size each: the value is the sum of the parts,
    /// refused only past the documented maximum.
    #[test]
    fn parts_add_up(parts in prop::collection::vec(prop::option::of(0u64..=u64::MAX >> 20), 5), spaces in any::<bool>()) {
        let mut text = String::new();
        let mut expected: u128 = 0;
        for ((unit, size), n) in SIZES.iter().zip(&parts) {
            if let Some(n) = n {
                text.push_str(&format!("{n}{unit}"));
                expected += *n as u128 * size;
            }
        }
        prop_assume!(!text.is_empty());
        if spaces {
            text = format!("  {text}\t");
        }
        if expected <= DURATION_MAX_MS as u128 {
            prop_assert_eq!(parse(&text), Ok(expected as u64));
        } else {
            prop_assert!(parse(&text).is_err());
        }
    }

    /// The canonical spelling has no unit that could carry into the next larger one.
    #[test]
    fn format_is_normalised(ms in 0..=DURATION_MAX_MS) {
        let text = format(ms);
        let mut rest = text.as_str();
        let mut total: u128 = 0;
        let mut last = None;
        while !rest.is_empty() {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            let n: u128 = rest[..digits].parse().unwrap();
            rest = &rest[digits..];
            let (index, (unit, size)) = SIZES
                .iter()
                .enumerate()
                .filter(|(_, (u, _))| rest.starts_with(u))
                .max_by_key(|(_, (u, _))| u.len())
                .expect("a unit after the number");
            rest = &rest[unit.len()..];
            prop_assert!(last.is_none_or(|l| index > l), "{} repeats or misorders units", text);
            if index > 0 {
                prop_assert!(n * size < SIZES[index - 1].1, "{} carries", text);
            }
            prop_assert!(n > 0 || ms == 0, "{} spells a zero unit", text);
            last = Some(index);
            total += n * size;
        }
        prop_assert_eq!(total, ms as u128);
    }

    /// Refused: units out of order or repeated, capitals, fractions, signs.
    #[test]
    fn misspellings_are_refused(a in 1u64..1000, b in 1u64..1000, i in 0usize..5, j in 0usize..5) {
        let (first, second) = (SIZES[i.max(j)].0, SIZES[i.min(j)].0);
        let unit = SIZES[i].0;
        for bad in [
            format!("{a}{first}{b}{second}"),
            format!("{a}{}", unit.to_uppercase()),
            format!("{a}.5{unit}"),
            format!("-{a}{unit}"),
        ] {
            prop_assert!(parse(&bad).is_err(), "{:?}", bad);
        }
    }
}
