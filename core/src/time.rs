//! Timestamps as people read them, computed the same way on server and browser so hydration
//! never disagrees. All times are UTC.

use crate::domain::Millis;

/// `2026-11-22 14:03:05 UTC`
pub fn format_utc(ms: Millis) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Years are four digits, as in RFC 3339 (`date-fullyear = 4DIGIT`); a longer one (a typo, or an
/// attempt) would overflow the day and millisecond arithmetic.
pub const YEAR_DIGITS: usize = 4;

/// Whether `s` starts with a year of more than [`YEAR_DIGITS`] digits (or a signed one), for a
/// clearer message than "not a date".
pub fn year_out_of_range(s: &str) -> bool {
    let s = s.trim();
    // Checked before splitting on `-`, which would drop a leading minus.
    if s.starts_with(['+', '-']) {
        return true;
    }
    let year = s.split('-').next().unwrap_or("");
    year.len() > YEAR_DIGITS && year.bytes().all(|b| b.is_ascii_digit())
}

/// Parses what an `<input type="datetime-local">` or `type="date"` gives (`2026-11-22T14:03`,
/// `2026-11-22T14:03:05` or `2026-11-22`), read as UTC. Years 0000 to 9999.
pub fn parse_utc(s: &str) -> Option<Millis> {
    let s = s.trim();
    let (date, time) = match s.split_once(['T', ' ']) {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    let mut dp = date.split('-');
    let year = dp.next()?;
    if year.len() != YEAR_DIGITS || !year.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let y: i64 = year.parse().ok()?;
    let m: u32 = dp.next()?.parse().ok()?;
    let d: u32 = dp.next()?.parse().ok()?;
    if dp.next().is_some() || !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
        return None;
    }
    let (mut hh, mut mm, mut ss) = (0i64, 0i64, 0i64);
    if let Some(t) = time {
        let mut tp = t.split(':');
        hh = tp.next()?.parse().ok()?;
        mm = tp.next()?.parse().ok()?;
        ss = match tp.next() {
            Some(x) => x.parse().ok()?,
            None => 0,
        };
        if tp.next().is_some()
            || !(0..24).contains(&hh)
            || !(0..60).contains(&mm)
            || !(0..60).contains(&ss)
        {
            return None;
        }
    }
    let days = days_from_civil(y, m, d);
    // Cannot overflow with four-digit years; checked all the same, as a parser of input must not
    // panic whatever changes around it.
    days.checked_mul(86_400)?
        .checked_add(hh * 3600 + mm * 60 + ss)?
        .checked_mul(1000)
}

/// Parses an RFC 3339 timestamp (`2022-01-29T13:00:00.000Z`, `2022-01-22T13:00:00+02:00`; a bare
/// date or a missing offset is read as UTC) into milliseconds since the epoch.
pub fn parse_rfc3339(s: &str) -> Option<Millis> {
    let s = s.trim();
    let Some((date, time)) = s.split_once(['T', 't', ' ']) else {
        return parse_utc(s);
    };
    // Split off the offset: `Z`, `+hh:mm` or `-hh:mm` after the seconds.
    let (clock, offset_ms) = if let Some(c) = time.strip_suffix(['Z', 'z']) {
        (c, 0)
    } else if let Some(i) = time.rfind(['+', '-']) {
        let (c, off) = time.split_at(i);
        let sign = if off.starts_with('-') { -1 } else { 1 };
        let (hh, mm) = off[1..].split_once(':').unwrap_or((&off[1..], "0"));
        let (hh, mm): (i64, i64) = (hh.parse().ok()?, mm.parse().ok()?);
        if hh > 23 || mm > 59 {
            return None;
        }
        (c, sign * (hh * 3600 + mm * 60) * 1000)
    } else {
        (time, 0)
    };
    let (whole, fraction) = clock.split_once('.').unwrap_or((clock, ""));
    let millis: i64 = if fraction.is_empty() {
        0
    } else if fraction.bytes().all(|b| b.is_ascii_digit()) {
        format!("{fraction:0<3}")[..3].parse().ok()?
    } else {
        return None;
    };
    parse_utc(&format!("{date}T{whole}"))?
        .checked_add(millis)?
        .checked_sub(offset_ms)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's civil calendar algorithms (public domain).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(format_utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(format_utc(1_795_000_000_000), "2026-11-18 11:06:40 UTC");
        assert_eq!(format_utc(951_782_400_000), "2000-02-29 00:00:00 UTC");
        assert_eq!(format_utc(-1000), "1969-12-31 23:59:59 UTC");
    }

    #[test]
    fn parse_is_the_inverse_of_format() {
        for ms in [0, 951_782_400_000, 1_795_000_000_000, 4_102_444_799_000] {
            let text = format_utc(ms);
            let iso = text.trim_end_matches(" UTC").replacen(' ', "T", 1);
            assert_eq!(parse_utc(&iso), Some(ms), "{iso}");
        }
        assert_eq!(parse_utc("2026-11-18"), Some(1_794_960_000_000));
        assert_eq!(
            parse_utc("2026-11-18T11:06"),
            Some(1_795_000_000_000 - 40_000)
        );
    }

    #[test]
    fn rfc3339_with_fractions_and_offsets() {
        let z = parse_rfc3339("2022-01-29T13:00:00.000Z").unwrap();
        assert_eq!(format_utc(z), "2022-01-29 13:00:00 UTC");
        assert_eq!(parse_rfc3339("2022-01-29T15:00:00+02:00"), Some(z));
        assert_eq!(parse_rfc3339("2022-01-29T08:30:00.000-04:30"), Some(z));
        assert_eq!(parse_rfc3339("2022-01-29T13:00:00.250Z"), Some(z + 250));
        assert_eq!(parse_rfc3339("2022-01-29T13:00:00.5Z"), Some(z + 500));
        assert_eq!(parse_rfc3339("2022-01-29"), parse_utc("2022-01-29"));
        for bad in [
            "",
            "2022-13-01T00:00:00Z",
            "2022-01-29T25:00:00Z",
            "2022-01-29T13:00:00+24:00",
            "soon",
            "2022-01-29T13:00:00.x1Z",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }

    #[test]
    fn parse_refuses_impossible_dates() {
        for bad in [
            "",
            "2026-13-01",
            "2026-02-29",
            "2026-11-18T24:00",
            "yesterday",
            "2026-11-18T09:60",
        ] {
            assert_eq!(parse_utc(bad), None, "{bad}");
        }
        assert!(parse_utc("2024-02-29").is_some());
    }

    /// Years past four digits overflowed (a panic in debug builds, a wrong instant in release).
    #[test]
    fn huge_and_signed_years_are_refused_not_overflowed() {
        for bad in [
            "99999999999999-01-01T00:00:00Z",
            "9223372036854775807-01-01",
            "292278994-08-17T07:12:55Z",
            "10000-01-01T00:00:00Z",
            "+2022-01-29T13:00:00Z",
            "-2022-01-29",
            "202-01-29",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
            assert_eq!(parse_utc(bad), None, "{bad}");
        }
        assert!(year_out_of_range("99999999999999-01-01T00:00:00Z"));
        assert!(year_out_of_range("+2022-01-29"));
        // The leading minus used to be lost when splitting the date on `-`.
        assert!(year_out_of_range("-2022-01-29"));
        assert!(year_out_of_range("-0-01-01T00:00:00Z"));
        assert!(!year_out_of_range("2022-01-29"));
        assert!(!year_out_of_range("soon"));
        // The range's ends: 0000-01-01 and 9999-12-31, by the civil calendar.
        assert_eq!(
            parse_rfc3339("0000-01-01T00:00:00Z"),
            Some(-62_167_219_200_000)
        );
        assert_eq!(
            parse_rfc3339("9999-12-31T23:59:59.999Z"),
            Some(253_402_300_799_999)
        );
    }
}

#[cfg(test)]
#[path = "time_props.rs"]
mod props;
