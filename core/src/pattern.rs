//! Regular expressions typed by users: config's string constraints and JSON Schema `pattern`,
//! and flag targeting's REGEX constraints.
//!
//! regex-lite runs in linear time (a bounded backtracker), so a user's pattern cannot hang the
//! server or the browser the way a backtracking engine's `(a+)+$` can. It has no `\p{..}` classes
//! and no look-around; those patterns are refused when saved rather than misbehaving later.

use regex_lite::{Regex, RegexBuilder};

/// Longest pattern accepted, in characters.
pub const PATTERN_MAX: usize = 1000;

/// Compiled program size cap. The default (10 MiB) is generous for a browser tab; counted
/// repetitions like `(a{100}){100}` expand quickly and this refuses them instead.
const SIZE_LIMIT: usize = 1 << 20;
const NEST_LIMIT: u32 = 50;

/// Compiles `pattern` or says why not, in words for the person who typed it.
pub fn compile(pattern: &str) -> Result<Regex, String> {
    compile_with_case(pattern, false)
}

/// [`compile`], ignoring letter case when `case_insensitive` (as `(?i)` would).
pub fn compile_with_case(pattern: &str, case_insensitive: bool) -> Result<Regex, String> {
    if pattern.chars().count() > PATTERN_MAX {
        return Err(format!("Use at most {PATTERN_MAX} characters"));
    }
    RegexBuilder::new(pattern)
        .case_insensitive(case_insensitive)
        .size_limit(SIZE_LIMIT)
        .nest_limit(NEST_LIMIT)
        .build()
        .map_err(|e| format!("Enter a valid regular expression: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compiles_and_searches_unanchored() {
        let re = compile("[0-9]+").unwrap();
        assert!(re.is_match("abc123"));
        assert!(!compile("^[0-9]+$").unwrap().is_match("abc123"));
    }

    #[test]
    fn refuses_broken_long_and_huge_patterns() {
        assert_eq!(
            compile("(ab").unwrap_err(),
            "Enter a valid regular expression: found open group without closing ')'"
        );
        assert!(compile(r"(?=a)").is_err(), "look-around is unsupported");
        assert!(compile(&"a".repeat(PATTERN_MAX + 1)).is_err());
        assert!(compile("((a{1000}){1000}){1000}").is_err());
    }
}
