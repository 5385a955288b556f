//! Operator commands that change data from the command line (`switchboard import unleash`,
//! `switchboard create-sdk-key`). They run through the same command layer as the dashboard and
//! the REST API, as the system actor, so they are validated and audited the same way. A running
//! server picks the change up by itself (PostgreSQL notifications, or SQLite's change log).

use crate::config::Config;
use crate::serve::open_database;
use app::AppError;
use app::domain::{KeyScope, NewSdkKey};
use app::flags::{ImportReport, ImportUnleash};
use std::path::Path;
use switchboard_backend::command::Command;
use switchboard_backend::config::rotation::RotateSecrets;
use switchboard_backend::{Actor, execute};

async fn run<C: Command>(config: &Config, how: &str, command: C) -> Result<C::Output, String> {
    let db = open_database(config).await?;
    let result = execute(&db, &Actor::system(how), command).await;
    db.close().await;
    result.map_err(|e| match e {
        AppError::Validation { fields } => format!("refused: {fields}"),
        other => other.to_string(),
    })
}

/// Imports an Unleash export file into one environment and prints what happened to each feature.
pub async fn import_unleash(
    config: &Config,
    environment: String,
    file: &Path,
) -> Result<(), String> {
    let document = std::fs::read_to_string(file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let report = run(
        config,
        "command line (switchboard import unleash)",
        ImportUnleash {
            environment,
            document,
        },
    )
    .await?;
    print!("{}", describe(&report));
    Ok(())
}

/// The import report as lines for a terminal.
pub fn describe(report: &ImportReport) -> String {
    let mut out = format!(
        "created {} flag(s), updated {}, {} segment(s), skipped {}\n",
        report.created.len(),
        report.updated.len(),
        report.segments.len(),
        report.skipped.len()
    );
    for (feature, why) in &report.skipped {
        out.push_str(&format!("skipped {feature}: {why}\n"));
    }
    for note in &report.notes {
        out.push_str(&format!("note: {note}\n"));
    }
    out
}

/// Creates an SDK key for an environment and prints its secret, the only time it is shown.
pub async fn create_sdk_key(
    config: &Config,
    environment: String,
    name: String,
    scope: KeyScope,
) -> Result<(), String> {
    let created = run(
        config,
        "command line (switchboard create-sdk-key)",
        NewSdkKey {
            environment,
            name,
            scope,
        },
    )
    .await?;
    println!("{}", created.secret);
    Ok(())
}

/// Seals every secret config value again with the current key and says how many it sealed.
pub async fn rotate_secrets(config: &Config) -> Result<(), String> {
    let rotated = run(
        config,
        "command line (switchboard rotate-secrets)",
        RotateSecrets,
    )
    .await?;
    println!(
        "sealed again with the current key: {} draft value(s), {} release value(s)",
        rotated.draft_values, rotated.release_values
    );
    Ok(())
}
