//! Reading one cookie out of a `Cookie` header or `document.cookie` (same format).

pub fn value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_the_named_cookie() {
        assert_eq!(
            super::value("a=1; sb_env=staging; b=2", "sb_env"),
            Some("staging")
        );
        assert_eq!(super::value("a=1", "sb_env"), None);
        assert_eq!(super::value("", "sb_env"), None);
        assert_eq!(super::value("xsb_env=1", "sb_env"), None);
    }
}
