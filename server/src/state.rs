//! The application's state, shared by every request handler (`with_state`), and the background
//! tasks that live as long as it does. Beside the router, not in `startup`: routes read it, and
//! startup only builds it.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use crate::auth::throttle::Throttle;
use crate::build_info::BuildInfo;
use crate::client_address::Network;
use crate::db::{Db, Engine};
use crate::fleet::Fleet;
use crate::indexer::Indexer;
use crate::writer::SyncWriter;

/// State shared by every request handler.
#[derive(Clone, Debug)]
pub struct AppState {
    pub leptos: LeptosOptions,
    pub build: BuildInfo,
    pub db: Db,
    /// Limits on failed logins (stored in the database).
    pub throttle: Throttle,
    /// Peers whose `X-Forwarded-For` names the client (`ZS_TRUSTED_PROXIES`).
    pub trusted_proxies: Arc<Vec<Network>>,
    /// How long a session lives at most, however often it is used (`ZS_SESSION_MAX_DAYS`).
    pub session_max_age: chrono::TimeDelta,
    /// Mark the session cookie `Secure` (the server is reached over https).
    pub secure_cookies: bool,
    /// The follow-up deadlines.
    pub follow_up: domain::followup::FollowUpRules,
    /// Told when leads were written, to bring the workspace's tables up to date.
    pub indexer: Indexer,
    /// Applies pushed batches, several per transaction.
    pub writer: SyncWriter,
    /// Counters for `/metrics`, and who may read them.
    pub metrics: crate::metrics::Metrics,
    pub metrics_access: crate::metrics::MetricsAccess,
    /// The tablets' last sightings, written every few seconds.
    pub fleet: Fleet,
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
    pub fn start(db: &Db, fleet: &Fleet, backups: Option<crate::backup::Schedule>) -> Upkeep {
        let fleet = fleet.clone();
        let mut tasks = vec![every(crate::fleet::FLUSH, "recording device sightings failed", db, move |db| {
            let fleet = fleet.clone();
            async move { fleet.flush(&db).await }
        })];
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
        if let Some(schedule) = backups {
            tasks.push(tokio::spawn(schedule.run(db.clone())));
        }
        if let Some(hosts) = db.hosts.clone() {
            tasks.push(every(Duration::from_secs(1), "finding the database's primary failed", db, move |db| {
                let hosts = hosts.clone();
                async move {
                    if let Some(url) = crate::db::failover::follow_primary(&db.pool, &hosts).await? {
                        tracing::warn!(primary = crate::db::failover::host(&url), "the database's primary moved: new connections go to it");
                    }
                    Ok(())
                }
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
