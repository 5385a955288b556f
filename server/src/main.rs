#![recursion_limit = "256"]
//! The `switchboard` binary. With no subcommand it serves (that is how cargo-leptos runs it).

use app::domain::{NewUser, Role};
use app::validation::{FieldErrors, rules};
use clap::{Parser, Subcommand};
use server::ops::{healthcheck, logging};
use server::{bootstrap, config, operator, serve, site_config};
use std::collections::BTreeMap;
use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "switchboard",
    version,
    about = "Switchboard: rollout flags, config and menus for your apps"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the dashboard and the APIs (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Create a user (the first administrator, for instance).
    CreateUser {
        #[arg(long)]
        email: String,
        /// Display name (defaults to the part of the email before @).
        #[arg(long)]
        name: Option<String>,
        /// Make the user a global administrator.
        #[arg(long)]
        admin: bool,
        /// A role in an environment, as ENV=ROLE (viewer, editor, publisher, admin); repeatable.
        #[arg(long = "role", value_parser = parse_role)]
        roles: Vec<(String, Role)>,
        /// Read the password from the first line of standard input instead of prompting.
        /// (SWITCHBOARD_NEW_USER_PASSWORD is used when set.)
        #[arg(long)]
        password_stdin: bool,
    },
    /// Import flags from another system into one environment.
    Import {
        #[command(subcommand)]
        source: ImportSource,
    },
    /// Create an SDK key for an environment's apps and print its secret (shown this once).
    CreateSdkKey {
        #[arg(long)]
        environment: String,
        /// What the key is for (an app's name, say).
        #[arg(long)]
        name: String,
        /// Let the key receive the values of secret config entries.
        #[arg(long)]
        read_secrets: bool,
        /// Limit the key to this config namespace (repeatable; default: all).
        #[arg(long = "namespace")]
        namespaces: Vec<String>,
        /// Limit the key to this menu (repeatable; default: all).
        #[arg(long = "menu")]
        menus: Vec<String>,
    },
    /// Seal every secret config value again with the current key (the first of
    /// SWITCHBOARD_SECRET_KEYS), so older keys can be removed from the list.
    RotateSecrets,
    /// Ask a running server's /healthz (for container health checks).
    Healthcheck {
        /// Defaults to /healthz on the site address (LEPTOS_SITE_ADDR, else Leptos.toml).
        #[arg(long)]
        url: Option<String>,
    },
}

#[derive(Subcommand)]
enum ImportSource {
    /// An Unleash export: the client API's feature state (`features` and `segments`) or delta events.
    Unleash {
        /// The JSON file.
        file: std::path::PathBuf,
        /// The environment whose settings the features' strategies become.
        #[arg(long)]
        environment: String,
    },
}

fn parse_role(s: &str) -> Result<(String, Role), String> {
    let (env, role) = s
        .split_once('=')
        .ok_or("expected ENV=ROLE, e.g. staging=editor")?;
    let role = Role::parse(role)
        .ok_or_else(|| format!("unknown role {role:?}: use viewer, editor, publisher or admin"))?;
    rules::environment_key(env)?;
    Ok((env.to_string(), role))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: configuration: {e}");
            return ExitCode::from(2);
        }
    };
    logging::init(config.json_logs);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => runtime.block_on(serve::serve(config)),
        Command::Migrate => runtime.block_on(async {
            let db = serve::open_database(&config).await?;
            db.close().await;
            println!("migrations applied ({})", db.backend().name());
            Ok(())
        }),
        Command::CreateUser {
            email,
            name,
            admin,
            roles,
            password_stdin,
        } => runtime.block_on(create_user(
            config,
            email,
            name,
            admin,
            roles,
            password_stdin,
        )),
        Command::Import {
            source: ImportSource::Unleash { file, environment },
        } => runtime.block_on(operator::import_unleash(&config, environment, &file)),
        Command::CreateSdkKey {
            environment,
            name,
            read_secrets,
            namespaces,
            menus,
        } => {
            let scope = app::domain::KeyScope {
                read_secrets,
                namespaces: Some(namespaces).filter(|l| !l.is_empty()),
                menus: Some(menus).filter(|l| !l.is_empty()),
            };
            runtime.block_on(operator::create_sdk_key(&config, environment, name, scope))
        }
        Command::RotateSecrets => runtime.block_on(operator::rotate_secrets(&config)),
        Command::Healthcheck { url } => {
            let url = url.unwrap_or_else(|| {
                let addr = site_config::load()
                    .map(|o| o.site_addr.to_string())
                    .unwrap_or_else(|_| "127.0.0.1:3000".into());
                healthcheck::default_url(&addr)
            });
            healthcheck::check(&url)
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn read_password(from_stdin: bool) -> Result<String, String> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_string());
    }
    if let Ok(p) = std::env::var("SWITCHBOARD_NEW_USER_PASSWORD") {
        return Ok(p);
    }
    if !std::io::stdin().is_terminal() {
        return Err("no terminal to ask for a password: use --password-stdin or SWITCHBOARD_NEW_USER_PASSWORD".into());
    }
    loop {
        let first = rpassword::prompt_password("Password: ").map_err(|e| e.to_string())?;
        if let Err(problem) = rules::password(&first) {
            eprintln!("{problem}");
            continue;
        }
        let again = rpassword::prompt_password("Password again: ").map_err(|e| e.to_string())?;
        if first == again {
            return Ok(first);
        }
        eprintln!("The passwords differ; try again.");
    }
}

async fn create_user(
    config: config::Config,
    email: String,
    name: Option<String>,
    admin: bool,
    roles: Vec<(String, Role)>,
    password_stdin: bool,
) -> Result<(), String> {
    let name = name.unwrap_or_else(|| email.split('@').next().unwrap_or_default().to_string());
    let mut input = NewUser {
        email,
        name,
        password: String::new(),
        admin,
        roles: roles.into_iter().collect::<BTreeMap<_, _>>(),
    };
    // Check what was given on the command line before asking for the password.
    let mut errors = FieldErrors::new();
    errors.check("email", rules::email(&input.email));
    errors.check("name", rules::person_name(&input.name));
    errors
        .into_result()
        .map_err(|e| format!("invalid user: {e}"))?;
    input.password = read_password(password_stdin)?;
    let db = serve::open_database(&config).await?;
    let result = bootstrap::create_user(&db, "command line (switchboard create-user)", input).await;
    db.close().await;
    match result {
        Ok(user) => {
            println!(
                "created {} ({}){}",
                user.email,
                user.id,
                if user.admin { ", administrator" } else { "" }
            );
            Ok(())
        }
        Err(app::AppError::Validation { fields }) => Err(format!("invalid user: {fields}")),
        Err(e) => Err(e.to_string()),
    }
}
