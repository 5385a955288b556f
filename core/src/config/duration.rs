//! Durations as ops staff write them (`250ms`, `30s`, `5m`, `1h30m`, `2d`), held as whole
//! milliseconds.
//!
//! Units are written largest first, each at most once, so every duration has one obvious
//! spelling to compare against; `90s` is fine and is stored as `1m30s`. Fractions (`1.5h`) are
//! refused rather than rounded, so nobody is surprised by what apps receive.

/// The longest duration: the largest integer every JSON client reads exactly (2^53 - 1 ms, about
/// 285,000 years). Apps receive durations as integer milliseconds, and JavaScript would silently
/// round anything larger.
pub const DURATION_MAX_MS: u64 = (1 << 53) - 1;

const UNITS: [(&str, u64); 5] = [
    ("d", 86_400_000),
    ("h", 3_600_000),
    ("m", 60_000),
    ("s", 1_000),
    ("ms", 1),
];

const EXAMPLE: &str = "Enter a duration like 250ms, 30s, 5m, 1h30m or 2d";

/// Whole milliseconds in `text`, ignoring surrounding spaces. A bare `0` is zero.
pub fn parse(text: &str) -> Result<u64, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(EXAMPLE.into());
    }
    if t.starts_with('-') {
        return Err("A duration cannot be negative".into());
    }
    if t == "0" {
        return Ok(0);
    }
    let too_long = || format!("Use at most {}", format(DURATION_MAX_MS));
    let mut rest = t;
    let mut total: u64 = 0;
    // Index into UNITS of the last unit seen; the next must be smaller.
    let mut last: Option<usize> = None;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(if rest.starts_with(char::is_whitespace) {
                "Remove the spaces, like 1h30m".into()
            } else {
                EXAMPLE.into()
            });
        }
        let (number, after) = rest.split_at(digits);
        if after.starts_with(['.', ',']) {
            return Err("Use whole numbers, like 1h30m instead of 1.5h".into());
        }
        let n: u64 = number.parse().map_err(|_| too_long())?;
        let letters = after
            .bytes()
            .take_while(|b| b.is_ascii_alphabetic())
            .count();
        let (unit, after) = after.split_at(letters);
        if unit.is_empty() {
            return Err(format!("Add a unit after {number}: ms, s, m, h or d"));
        }
        let Some(index) = UNITS.iter().position(|(u, _)| *u == unit) else {
            return Err(format!("Unknown unit \"{unit}\": use ms, s, m, h or d"));
        };
        if last.is_some_and(|l| index <= l) {
            return Err("Write each unit once, largest first, like 1h30m".into());
        }
        last = Some(index);
        total = n
            .checked_mul(UNITS[index].1)
            .and_then(|ms| total.checked_add(ms))
            .ok_or_else(too_long)?;
        rest = after;
    }
    if total > DURATION_MAX_MS {
        return Err(too_long());
    }
    Ok(total)
}

/// The canonical spelling: non-zero units largest first (`1h30m`, `1s500ms`); zero is `0s`.
pub fn format(ms: u64) -> String {
    if ms == 0 {
        return "0s".into();
    }
    let mut out = String::new();
    let mut rest = ms;
    for (unit, size) in UNITS {
        let n = rest / size;
        rest %= size;
        if n > 0 {
            out.push_str(&n.to_string());
            out.push_str(unit);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_unit_and_combinations() {
        assert_eq!(parse("250ms"), Ok(250));
        assert_eq!(parse("30s"), Ok(30_000));
        assert_eq!(parse("5m"), Ok(300_000));
        assert_eq!(parse("1h30m"), Ok(5_400_000));
        assert_eq!(parse("2d"), Ok(172_800_000));
        assert_eq!(parse("1d2h3m4s5ms"), Ok(93_784_005));
        assert_eq!(parse(" 1500ms "), Ok(1500));
        assert_eq!(parse("0"), Ok(0));
        assert_eq!(parse("0s"), Ok(0));
        assert_eq!(parse("90s"), Ok(90_000));
    }

    #[test]
    fn formats_canonically_and_round_trips() {
        assert_eq!(format(0), "0s");
        assert_eq!(format(1500), "1s500ms");
        assert_eq!(format(90_000), "1m30s");
        assert_eq!(format(5_400_000), "1h30m");
        assert_eq!(format(86_400_000), "1d");
        assert_eq!(format(93_784_005), "1d2h3m4s5ms");
        for ms in [0, 1, 999, 1000, 61_001, 86_400_001, DURATION_MAX_MS] {
            assert_eq!(parse(&format(ms)), Ok(ms), "{ms}");
        }
    }

    #[test]
    fn refuses_negatives_garbage_and_overflow() {
        assert_eq!(parse("-5s").unwrap_err(), "A duration cannot be negative");
        assert_eq!(parse("").unwrap_err(), EXAMPLE);
        assert_eq!(parse("soon").unwrap_err(), EXAMPLE);
        assert_eq!(parse("+5s").unwrap_err(), EXAMPLE);
        assert_eq!(
            parse("30").unwrap_err(),
            "Add a unit after 30: ms, s, m, h or d"
        );
        assert_eq!(
            parse("5min").unwrap_err(),
            "Unknown unit \"min\": use ms, s, m, h or d"
        );
        assert!(parse("5S").is_err(), "units are lowercase");
        assert!(parse("1.5h").unwrap_err().contains("whole numbers"));
        assert!(parse("1h 30m").unwrap_err().contains("spaces"));
        assert!(parse("30m1h").unwrap_err().contains("largest first"));
        assert!(parse("1m1m").unwrap_err().contains("largest first"));
        assert!(parse("99999999999999999999999ms").is_err());
        assert!(
            parse("106751991167301d").is_err(),
            "u64 overflow on multiply"
        );
        assert_eq!(
            parse(&format!("{}ms", DURATION_MAX_MS + 1)).unwrap_err(),
            format!("Use at most {}", format(DURATION_MAX_MS))
        );
    }
}

#[cfg(test)]
#[path = "duration_props.rs"]
mod props;
