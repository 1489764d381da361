//! Building and running the application: `Application::build` binds the listener (port 0 picks a
//! free one, which the tests use), `run_until_stopped` serves until SIGINT or SIGTERM and then
//! finishes the requests in flight.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use tokio::net::TcpListener;

use crate::build_info::BuildInfo;
use crate::config::Config;
use crate::db::Db;
use crate::error::StartupError;
use crate::fleet::Fleet;
use crate::indexer::Indexer;
use crate::routes;
use crate::state::{AppState, Upkeep};
use crate::writer::SyncWriter;

/// A bound, not yet running, server.
pub struct Application {
    listener: TcpListener,
    /// The first-run setup token, when the database has no administrator yet.
    setup_token: Option<String>,
    router: Router,
    limits: crate::serve::Limits,
    /// Written once more after the last request (`crate::fleet`).
    fleet: (Fleet, Db),
    /// Every connection over TLS (`crate::tls`).
    tls: Option<Arc<tokio_rustls::rustls::ServerConfig>>,
    /// The plain-HTTP listener that redirects to HTTPS, when there is one.
    redirect: Option<TcpListener>,
}

impl Application {
    /// Binds the configured address and assembles the routes.
    pub async fn build(config: Config) -> Result<Self, StartupError> {
        let address = config.leptos.site_addr;
        let tls = config.tls.as_ref().map(crate::tls::server_config).transpose().map_err(|e| StartupError::Config(e.to_string()))?;
        let listener = TcpListener::bind(address).await.map_err(|source| StartupError::Bind { address: address.to_string(), source })?;
        let redirect = match config.http_redirect {
            Some(at) => Some(TcpListener::bind(at).await.map_err(|source| StartupError::Bind { address: at.to_string(), source })?),
            None => None,
        };
        // Rendering runs Leptos tasks on tokio; a second call (tests start many apps) is a no-op.
        let _ = any_spawner::Executor::init_tokio();
        let build = BuildInfo::from_site(&config.leptos);
        tracing::info!(build = %build.id, site_root = %config.leptos.site_root, "serving app build");
        let db = Db::connect(&config.database_url).await?;
        tracing::info!(engine = ?db.engine, "database ready");
        let setup_token = first_run_token(&db).await.map_err(crate::db::DbError::Connect)?;
        let indexer = Indexer::spawn(db.clone());
        let writer = SyncWriter::spawn(db.clone());
        let fleet = Fleet::default();
        let upkeep = Arc::new(Upkeep::start(&db, &fleet, config.backups.clone()));
        let state = AppState {
            leptos: config.leptos,
            build,
            db,
            indexer,
            writer,
            upkeep,
            fleet: fleet.clone(),
            metrics: crate::metrics::Metrics::default(),
            metrics_access: crate::metrics::MetricsAccess::new(config.metrics_token.as_deref(), config.metrics_from.clone()),
            throttle: crate::auth::throttle::Throttle::default(),
            trusted_proxies: Arc::new(config.trusted_proxies),
            session_max_age: chrono::TimeDelta::days(config.session_max_days),
            secure_cookies: config.secure_cookies,
            follow_up: config.follow_up,
        };
        let limits = config.limits;
        let fleet = (fleet, state.db.clone());
        let router = routes::router(state)
            .layer(axum::middleware::from_fn(move |request, next| crate::serve::request_timeout(limits.request, request, next)));
        Ok(Application { listener, router, limits, setup_token, fleet, tls, redirect })
    }

    /// The path of the one-time link that creates the first administrator, on a server that has
    /// none (`routes::setup`).
    pub fn setup_path(&self) -> Option<String> {
        self.setup_token.as_ref().map(|token| format!("/setup?token={token}"))
    }

    /// The address actually bound (with the real port when 0 was asked for).
    pub fn address(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener has an address")
    }

    /// The address of the plain-HTTP listener that redirects to HTTPS, when there is one.
    pub fn redirect_address(&self) -> Option<SocketAddr> {
        self.redirect.as_ref().and_then(|l| l.local_addr().ok())
    }

    /// The scheme clients reach it by.
    pub fn scheme(&self) -> &'static str {
        if self.tls.is_some() {
            "https"
        } else {
            "http"
        }
    }

    /// The port actually bound.
    pub fn port(&self) -> u16 {
        self.address().port()
    }

    /// Serves until SIGINT or SIGTERM, then lets in-flight requests finish.
    pub async fn run_until_stopped(self) -> Result<(), StartupError> {
        let https_port = self.port();
        let redirecting = self.redirect.map(|listener| {
            let router = crate::serve::redirect_to_https(https_port);
            tokio::spawn(crate::serve::serve(listener, router, self.limits, None, std::future::pending()))
        });
        let served =
            crate::serve::serve(self.listener, self.router, self.limits, self.tls, shutdown_signal()).await.map_err(StartupError::Serve);
        if let Some(task) = redirecting {
            task.abort();
        }
        let (fleet, db) = self.fleet;
        if let Err(error) = fleet.flush(&db).await {
            tracing::warn!(%error, "recording the last device sightings failed");
        }
        if let Err(error) = crate::db::checkpoint_at_stop(&db).await {
            tracing::warn!(%error, "checkpointing the database at the stop failed");
        }
        served
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

/// A new one-time setup token when no administrator exists (its hash stored, as sessions are):
/// whoever runs the server opens the link it prints and creates the first administrator in the
/// web, without a shell.
async fn first_run_token(db: &Db) -> Result<Option<String>, sqlx::Error> {
    let mut conn = db.pool.acquire().await?;
    if crate::db::users::any_admin(&mut conn).await? {
        return Ok(None);
    }
    let token = crate::auth::token::generate();
    crate::db::users::insert_setup_token(&mut conn, &crate::auth::token::hash(&token)).await?;
    Ok(Some(token))
}
