//! Single-field rules. Each returns the message a user should see.

pub const EMAIL_MAX: usize = 254;
pub const NAME_MAX: usize = 100;
pub const PASSWORD_MIN: usize = 12;
pub const PASSWORD_MAX: usize = 256;
pub const ENV_KEY_MAX: usize = 32;
pub const ENV_NAME_MAX: usize = 64;

fn chars(s: &str) -> usize {
    s.chars().count()
}

fn has_control_chars(s: &str) -> bool {
    s.chars().any(char::is_control)
}

pub fn email(value: &str) -> Result<(), String> {
    let v = value.trim();
    if v.is_empty() {
        return Err("Enter an email address".into());
    }
    // Counted as stored: lowercasing can lengthen text (`İ` becomes two characters), and an
    // address stored longer than the limit could not be saved again unchanged.
    if chars(v).max(chars(&normalize_email(v))) > EMAIL_MAX {
        return Err(format!("Use at most {EMAIL_MAX} characters"));
    }
    let mut parts = v.split('@');
    let (local, domain) = match (parts.next(), parts.next(), parts.next()) {
        (Some(l), Some(d), None) => (l, d),
        _ => return Err("Enter an address like name@example.com".into()),
    };
    let bad = |s: &str| s.is_empty() || s.chars().any(|c| c.is_whitespace() || c.is_control());
    if bad(local) || bad(domain) || domain.starts_with('.') || domain.ends_with('.') {
        return Err("Enter an address like name@example.com".into());
    }
    Ok(())
}

/// Email addresses are compared and stored trimmed and lowercased.
pub fn normalize_email(value: &str) -> String {
    value.trim().to_lowercase()
}

/// A human-readable name (a person, a token, an environment's display name).
pub fn display_name(value: &str, max: usize) -> Result<(), String> {
    let v = value.trim();
    if v.is_empty() {
        return Err("Enter a name".into());
    }
    if chars(v) > max {
        return Err(format!("Use at most {max} characters"));
    }
    if has_control_chars(v) {
        return Err("Remove control characters".into());
    }
    Ok(())
}

pub fn person_name(value: &str) -> Result<(), String> {
    display_name(value, NAME_MAX)
}

pub fn password(value: &str) -> Result<(), String> {
    let n = chars(value);
    if n < PASSWORD_MIN {
        return Err(format!("Use at least {PASSWORD_MIN} characters"));
    }
    if n > PASSWORD_MAX {
        return Err(format!("Use at most {PASSWORD_MAX} characters"));
    }
    if value.trim().is_empty() {
        return Err("A password cannot be only spaces".into());
    }
    let mut distinct: Vec<char> = value.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < 4 {
        return Err("Use a less repetitive password".into());
    }
    Ok(())
}

/// Lowercase slug: starts with a letter or digit, then letters, digits or dashes.
pub fn environment_key(value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err("Enter a key".into());
    }
    if chars(value) > ENV_KEY_MAX {
        return Err(format!("Use at most {ENV_KEY_MAX} characters"));
    }
    let mut cs = value.chars();
    let first_ok = cs
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    let rest_ok = cs.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !first_ok || !rest_ok {
        return Err(
            "Use lowercase letters, digits and dashes, starting with a letter or digit".into(),
        );
    }
    Ok(())
}

pub fn environment_name(value: &str) -> Result<(), String> {
    display_name(value, ENV_NAME_MAX)
}

pub fn token_name(value: &str) -> Result<(), String> {
    display_name(value, NAME_MAX)
}

/// A version the client read before editing: present and positive.
pub fn version(value: i64) -> Result<(), String> {
    if value < 1 {
        return Err("Reload: the version you edited is missing".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert!(email("ops@example.com").is_ok());
        assert!(email("  Ops@Example.com ").is_ok());
        assert!(email("root@localhost").is_ok());
        for bad in [
            "", "   ", "no-at", "a@", "@b.c", "a@b@c", "a b@c.d", "a@.c", "a@c.",
        ] {
            assert!(email(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(email(&format!("{}@example.com", "a".repeat(250))).is_err());
        assert_eq!(normalize_email("  Ops@Example.COM "), "ops@example.com");
    }

    #[test]
    fn passwords() {
        assert!(password("correct horse battery").is_ok());
        assert_eq!(password("short").unwrap_err(), "Use at least 12 characters");
        assert!(password(&"x".repeat(257)).is_err());
        assert!(password("            ").is_err());
        assert!(password("abababababab").is_err());
    }

    #[test]
    fn environment_keys() {
        for good in ["production", "qa-2", "9lives", "a"] {
            assert!(environment_key(good).is_ok(), "{good}");
        }
        for bad in ["", "Prod", "-qa", "qa_2", "qa 2", "ümlaut", &"a".repeat(33)] {
            assert!(environment_key(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn names() {
        assert!(person_name("Ada Lovelace").is_ok());
        assert!(person_name("   ").is_err());
        assert!(person_name("tab\tinside").is_err());
        assert!(person_name(&"n".repeat(101)).is_err());
        assert!(environment_name(&"n".repeat(64)).is_ok());
        assert!(environment_name(&"n".repeat(65)).is_err());
    }
}

#[cfg(test)]
#[path = "rules_props.rs"]
mod props;
