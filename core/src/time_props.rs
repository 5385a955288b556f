//! Timestamps (what date constraints compare): RFC 3339 text reads as the instant a naive
//! day-by-day count from the Gregorian calendar's rules gives, impossible dates and years past
//! four digits are refused, and nothing panics.

use super::*;
use crate::test_props::{any_text, config};
use proptest::prelude::*;

const DAY_MS: i64 = 86_400_000;

fn leap(y: i64) -> bool {
    // Every fourth year, except centuries, except every fourth century.
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn month_days(y: i64, m: u32) -> i64 {
    [
        31,
        if leap(y) { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ][m as usize - 1]
}

/// Days from 1970-01-01 to y-m-d, counted year by year and month by month.
fn naive_days(y: i64, m: u32, d: u32) -> i64 {
    let mut days = 0i64;
    if y >= 1970 {
        for year in 1970..y {
            days += if leap(year) { 366 } else { 365 };
        }
    } else {
        for year in y..1970 {
            days -= if leap(year) { 366 } else { 365 };
        }
    }
    for month in 1..m {
        days += month_days(y, month);
    }
    days + d as i64 - 1
}

#[derive(Debug, Clone)]
struct Stamp {
    y: i64,
    m: u32,
    d: u32,
    hh: i64,
    mm: i64,
    ss: i64,
    /// Fraction digits as written (1 to 9 of them), if any.
    fraction: Option<String>,
    /// Offset east of UTC in minutes, with how it is written (`Z`, `z` or `±hh:mm`).
    offset: (i64, String),
}

impl Stamp {
    fn text(&self) -> String {
        let fraction = self
            .fraction
            .as_ref()
            .map(|f| format!(".{f}"))
            .unwrap_or_default();
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{fraction}{}",
            self.y, self.m, self.d, self.hh, self.mm, self.ss, self.offset.1
        )
    }

    /// The instant, by RFC 3339: local time minus the offset; fractions finer than a
    /// millisecond are dropped (the instant is held in whole milliseconds, rounded down).
    fn expected(&self) -> i64 {
        let millis = self
            .fraction
            .as_ref()
            .map_or(0, |f| format!("{f}00")[..3].parse::<i64>().unwrap());
        naive_days(self.y, self.m, self.d) * DAY_MS
            + (self.hh * 3600 + self.mm * 60 + self.ss) * 1000
            + millis
            - self.offset.0 * 60_000
    }
}

fn offset() -> impl Strategy<Value = (i64, String)> {
    prop_oneof![
        Just((0, "Z".to_string())),
        Just((0, "z".to_string())),
        (any::<bool>(), 0i64..24, 0i64..60).prop_map(|(east, h, m)| {
            let sign = if east { 1 } else { -1 };
            (
                sign * (h * 60 + m),
                format!("{}{h:02}:{m:02}", if east { '+' } else { '-' }),
            )
        }),
    ]
}

fn stamp() -> impl Strategy<Value = Stamp> {
    (
        0i64..=9999,
        1u32..=12,
        1u32..=31,
        0i64..24,
        0i64..60,
        0i64..60,
        prop::option::of("[0-9]{1,9}"),
        offset(),
    )
        .prop_filter("a day the month has", |(y, m, d, ..)| {
            (*d as i64) <= month_days(*y, *m)
        })
        .prop_map(|(y, m, d, hh, mm, ss, fraction, offset)| Stamp {
            y,
            m,
            d,
            hh,
            mm,
            ss,
            fraction,
            offset,
        })
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn parsers_never_panic(text in prop_oneof![any_text(), "[0-9+:.TZ -]{0,30}"]) {
        let _ = parse_rfc3339(&text);
        let _ = parse_utc(&text);
        let _ = year_out_of_range(&text);
    }

    #[test]
    fn rfc3339_reads_the_instant_written(s in stamp()) {
        prop_assert_eq!(parse_rfc3339(&s.text()), Some(s.expected()), "{}", s.text());
    }

    #[test]
    fn days_a_month_lacks_are_refused(y in 0i64..=9999, m in 1u32..=12, d in 28u32..=40) {
        let text = format!("{y:04}-{m:02}-{d:02}T00:00:00Z");
        let exists = (d as i64) <= month_days(y, m);
        prop_assert_eq!(parse_rfc3339(&text).is_some(), exists, "{}", text);
        prop_assert_eq!(parse_utc(&format!("{y:04}-{m:02}-{d:02}")).is_some(), exists);
    }

    /// Years past four digits (or signed) are refused whatever their size, never overflowed.
    #[test]
    fn long_years_are_refused(year in prop_oneof![
        (10_000u128..).prop_map(|y| y.to_string()),
        "[0-9]{5,40}",
        "[+-][0-9]{1,6}",
    ]) {
        let text = format!("{year}-01-01T00:00:00Z");
        prop_assert_eq!(parse_rfc3339(&text), None);
        prop_assert!(year_out_of_range(&text), "{}", text);
    }

    /// format_utc and parse_utc agree on every second of the four-digit years.
    #[test]
    fn format_and_parse_utc_agree(s in stamp()) {
        let at = naive_days(s.y, s.m, s.d) * DAY_MS + (s.hh * 3600 + s.mm * 60 + s.ss) * 1000;
        let shown = format_utc(at);
        prop_assert_eq!(
            shown.clone(),
            format!("{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC", s.y, s.m, s.d, s.hh, s.mm, s.ss)
        );
        prop_assert_eq!(parse_utc(&shown.trim_end_matches(" UTC").replacen(' ', "T", 1)), Some(at));
    }
}
