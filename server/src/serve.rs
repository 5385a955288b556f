//! Starting and stopping the server.

use crate::bootstrap;
use crate::config::{BootstrapAdmin, Config};
use app::AppState;
use leptos::config::LeptosOptions;
use std::sync::Arc;
use switchboard_backend::passwords::PasswordGate;
use switchboard_backend::{Db, Settings};
use tokio::net::TcpListener;

/// Opens the database (creating the SQLite data directory), and applies migrations.
pub async fn open_database(config: &Config) -> Result<Db, String> {
    if config.database_url.starts_with("sqlite:") {
        std::fs::create_dir_all(&config.data_dir).map_err(|e| {
            format!(
                "cannot create the data directory {}: {e}",
                config.data_dir.display()
            )
        })?;
    }
    let db = Db::connect(&config.database_url, config.db_max_connections)
        .await
        .map_err(|e| e.to_string())?
        .with_keyring(config.keyring.clone());
    db.migrate().await.map_err(|e| e.to_string())?;
    Ok(db)
}

/// A server's state with the background work that keeps it current: the follower that applies
/// other replicas' changes to the delivery snapshots, the SDK-key use flusher and housekeeping.
/// Built by [`start`] for `switchboard serve` and for the integration tests alike.
pub struct Running {
    pub state: AppState,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Running {
    /// Stops the background work (in-flight requests are the listener's business).
    pub fn stop_background(&mut self) {
        for task in self.tasks.drain(..) {
            task.abort();
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stop_background();
    }
}

/// Makes sure there is an administrator (or says how to create one), loads what apps are served
/// and starts the background work, on a migrated database.
pub async fn start(
    db: Db,
    settings: Settings,
    leptos_options: LeptosOptions,
    bootstrap_admin: Option<&BootstrapAdmin>,
) -> Result<Running, String> {
    match bootstrap::ensure_first_admin(&db, bootstrap_admin).await {
        Ok(true) => {}
        Ok(false) => {
            tracing::warn!("{}", bootstrap::NO_USERS_HINT);
            eprintln!("\n  {}\n", bootstrap::NO_USERS_HINT);
        }
        Err(e) => return Err(format!("cannot create the first administrator: {e}")),
    }
    let delivery = Arc::new(
        switchboard_backend::delivery::Delivery::load(&db)
            .await
            .map_err(|e| format!("cannot load flags for delivery: {e}"))?,
    );
    let state = AppState {
        db: db.clone(),
        passwords: Arc::new(PasswordGate::from(&settings)),
        settings: Arc::new(settings),
        leptos_options: Arc::new(leptos_options),
        delivery: delivery.clone(),
    };
    // Changes by other server processes (and the command line) reach this one's snapshots.
    let follower = {
        let (delivery, db) = (delivery.clone(), db.clone());
        tokio::spawn(async move { delivery.follow(&db).await })
    };
    // SDK key use times are kept in memory on the hot path and written once a minute.
    let flusher = {
        let (delivery, db) = (delivery.clone(), db.clone());
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
            loop {
                tick.tick().await;
                if let Err(e) = delivery.keys.flush_usage(&db).await {
                    tracing::warn!(error = %e, "recording SDK key use failed");
                }
            }
        })
    };
    // Ended sessions, old sign-in failures and old change log entries.
    let purger = tokio::spawn(switchboard_backend::housekeeping::run(
        db.clone(),
        state.settings.clone(),
    ));
    Ok(Running {
        state,
        tasks: vec![follower, flusher, purger],
    })
}

/// Serves until SIGINT or SIGTERM, letting in-flight requests finish within the grace period.
pub async fn serve(config: Config) -> Result<(), String> {
    let leptos_options = crate::site_config::load()?;
    let addr = leptos_options.site_addr;
    let db = open_database(&config).await?;
    let mut running = start(
        db.clone(),
        config.settings.clone(),
        leptos_options,
        config.bootstrap_admin.as_ref(),
    )
    .await?;
    let delivery = running.state.delivery.clone();
    let router =
        crate::app::router_with(running.state.clone(), config.max_body_bytes, &config.http);
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    tracing::info!(%addr, backend = db.backend().name(), "Switchboard is listening on http://{addr}");
    crate::delivery::listener::serve_with(listener, router, &config.http, {
        let delivery = delivery.clone();
        async move {
            shutdown_signal().await;
            delivery.close();
        }
    })
    .await
    .map_err(|e| format!("server error: {e}"))?;
    running.stop_background();
    if let Err(e) = delivery.keys.flush_usage(&db).await {
        tracing::warn!(error = %e, "recording SDK key use failed");
    }
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
