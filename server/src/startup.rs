//! Building and running the application: `Application::build` binds the listener (port 0 picks a
//! free one, which the tests use), `run_until_stopped` serves until SIGINT or SIGTERM and then
//! finishes the requests in flight.

use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::FromRef;
use axum::Router;
use leptos::config::LeptosOptions;
use tokio::net::TcpListener;

use std::sync::Arc;

use crate::auth::rate_limit::LoginLimits;
use crate::build_info::BuildInfo;
use crate::config::Config;
use crate::db::{Db, Engine};
use crate::error::StartupError;
use crate::indexer::Indexer;
use crate::routes;
use crate::writer::SyncWriter;

/// State shared by every request handler.
#[derive(Clone, Debug)]
pub struct AppState {
    pub leptos: LeptosOptions,
    pub build: BuildInfo,
    pub db: Db,
    pub limits: Arc<LoginLimits>,
    /// Mark the session cookie `Secure` (the server is reached over https).
    pub secure_cookies: bool,
    /// The follow-up deadlines.
    pub follow_up: domain::followup::FollowUpRules,
    /// Told when leads were written, to bring the workspace's tables up to date.
    pub indexer: Indexer,
    /// Applies pushed batches, several per transaction.
    pub writer: SyncWriter,
    /// The database's periodic upkeep, stopped when the last state is dropped.
    pub upkeep: Arc<Upkeep>,
}

/// Background tasks that live as long as the application: aborted on drop.
#[derive(Debug)]
pub struct Upkeep(Vec<tokio::task::JoinHandle<()>>);

impl Drop for Upkeep {
    fn drop(&mut self) {
        for task in &self.0 {
            task.abort();
        }
    }
}

impl Upkeep {
    fn start(db: &Db) -> Upkeep {
        let mut tasks = Vec::new();
        if db.engine == Engine::Sqlite {
            tasks.push(every(
                Duration::from_secs(1),
                "database checkpoint failed",
                db,
                |db| async move { crate::db::checkpoint(&db).await },
            ));
            tasks.push(every(Duration::from_secs(3600), "updating the planner's statistics failed", db, |db| async move {
                crate::db::optimize(&db).await
            }));
        }
        Upkeep(tasks)
    }
}

/// Runs `work` on `db` every `period`, logging `failure` with the error when it fails.
fn every<F, Fut>(period: Duration, failure: &'static str, db: &Db, work: F) -> tokio::task::JoinHandle<()>
where
    F: Fn(Db) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Result<(), sqlx::Error>> + Send,
{
    let db = db.clone();
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(period).await;
            if let Err(error) = work(db.clone()).await {
                tracing::warn!(%error, "{failure}");
            }
        }
    })
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}

/// A bound, not yet running, server.
pub struct Application {
    listener: TcpListener,
    router: Router,
}

impl Application {
    /// Binds the configured address and assembles the routes.
    pub async fn build(config: Config) -> Result<Self, StartupError> {
        let address = config.leptos.site_addr;
        let listener = TcpListener::bind(address).await.map_err(|source| StartupError::Bind { address: address.to_string(), source })?;
        // Rendering runs Leptos tasks on tokio; a second call (tests start many apps) is a no-op.
        let _ = any_spawner::Executor::init_tokio();
        let build = BuildInfo::from_site(&config.leptos);
        tracing::info!(build = %build.id, site_root = %config.leptos.site_root, "serving app build");
        let db = Db::connect(&config.database_url).await?;
        tracing::info!(engine = ?db.engine, "database ready");
        let indexer = Indexer::spawn(db.clone());
        let writer = SyncWriter::spawn(db.clone());
        let upkeep = Arc::new(Upkeep::start(&db));
        let state = AppState {
            leptos: config.leptos,
            build,
            db,
            indexer,
            writer,
            upkeep,
            limits: Arc::new(LoginLimits::default()),
            secure_cookies: config.secure_cookies,
            follow_up: config.follow_up,
        };
        Ok(Application { listener, router: routes::router(state) })
    }

    /// The address actually bound (with the real port when 0 was asked for).
    pub fn address(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener has an address")
    }

    /// The port actually bound.
    pub fn port(&self) -> u16 {
        self.address().port()
    }

    /// Serves until SIGINT or SIGTERM, then lets in-flight requests finish.
    pub async fn run_until_stopped(self) -> Result<(), StartupError> {
        axum::serve(self.listener, self.router.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(shutdown_signal())
            .await
            .map_err(StartupError::Serve)
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
    tracing::info!("shutdown signal received, finishing requests in flight");
}
