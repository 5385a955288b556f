//! Leptos's site settings (where the compiled site is, where to listen): `Leptos.toml` in the
//! working directory, with any `LEPTOS_*` variable overriding one setting. Without the file (the
//! container image sets every variable instead), the variables and Leptos's defaults.

use leptos::config::{LeptosOptions, get_configuration};
use std::path::Path;

pub const FILE: &str = "Leptos.toml";

pub fn load() -> Result<LeptosOptions, String> {
    let file = Path::new(FILE).is_file().then_some(FILE);
    let mut options =
        get_configuration(file)
            .map(|c| c.leptos_options)
            .map_err(|e| match file {
                Some(path) => format!("cannot read the site settings in {path}: {e}"),
                None => format!("cannot read the site settings from LEPTOS_* variables: {e}"),
            })?;
    if options.output_name.is_empty() {
        options.output_name = "switchboard".into();
    }
    Ok(options)
}

#[cfg(test)]
mod tests {
    use leptos::config::{LeptosOptions, get_config_from_str};
    use std::path::Path;

    fn read(file: &str) -> LeptosOptions {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(file);
        let text = std::fs::read_to_string(&path).expect("the file exists");
        get_config_from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"))
    }

    /// cargo-leptos builds from Cargo.toml's settings, the server runs from Leptos.toml's: a site
    /// built in one place and looked for in another would serve pages that never hydrate.
    #[test]
    fn leptos_toml_agrees_with_what_cargo_leptos_builds() {
        let (run, build) = (read(super::FILE), read("Cargo.toml"));
        assert_eq!(run.output_name, build.output_name, "output-name");
        assert_eq!(run.site_root, build.site_root, "site-root");
        assert_eq!(run.site_pkg_dir, build.site_pkg_dir, "site-pkg-dir");
        assert_eq!(run.site_addr, build.site_addr, "site-addr");
        assert_eq!(run.reload_port, build.reload_port, "reload-port");
        assert_eq!(run.hash_files, build.hash_files, "hash-files");
        assert_eq!(run.hash_file, build.hash_file, "hash-file");
    }

    #[test]
    fn the_server_runs_as_a_production_site_unless_cargo_leptos_says_otherwise() {
        assert_eq!(read(super::FILE).env, leptos::config::Env::PROD);
    }
}
