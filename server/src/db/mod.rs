//! The database layer: a pool over SQLite (the embedded default) or PostgreSQL (several stateless
//! servers on one database), chosen by the URL, with the migrations of that engine. The functions
//! of the submodules take a connection or a transaction and know nothing of HTTP.

pub mod bulk;
pub mod changes;
pub mod devices;
pub mod dialect;
pub mod duplicates;
pub mod erasures;
pub mod events;
pub mod facts;
pub mod failover;
pub mod followup;
pub mod handoffs;
pub mod history;
pub mod leads;
pub mod packed;
pub mod photos;
pub mod reports;
pub mod review;
pub mod sessions;
pub mod targets;
pub mod unreadable;
pub mod users;
pub mod workspace_index;

use std::str::FromStr;
use std::sync::Arc;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyPool, ConnectOptions, Connection, Executor, Transaction};

pub use dialect::is_postgres;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// The default database: a SQLite file beside the server's working directory.
pub const DEFAULT_URL: &str = "sqlite://./data/zhaoshang.db";

/// Which database engine a pool talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// Why the database could not be opened or migrated.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("unsupported database URL (use sqlite:// or postgres://): {0}")]
    UnsupportedUrl(String),
    #[error("cannot create the database directory {path}: {source}")]
    Directory { path: String, source: std::io::Error },
    #[error("cannot connect to the database: {0}")]
    Connect(#[source] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[source] sqlx::migrate::MigrateError),
    #[error("none of the hosts DATABASE_URL lists answers as the database's primary")]
    NoPrimary,
}

/// The connection pool and its engine.
#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub engine: Engine,
    /// The writers' connection, kept between turns (see [`Db::writer_turn`]).
    writer: Arc<tokio::sync::Mutex<Option<PoolConnection<Any>>>>,
    /// The hosts of a PostgreSQL database with standbys, when its URL lists several.
    pub hosts: Option<Arc<failover::Hosts>>,
}

/// This process's turn to write leads, and the connection to write them through. A turn that
/// ends without [`WriterTurn::committed`] (an error on the way) lets its connection go: the next
/// turn takes a new one, in case this one is broken.
pub struct WriterTurn {
    conn: tokio::sync::OwnedMutexGuard<Option<PoolConnection<Any>>>,
    pool: AnyPool,
    engine: Engine,
    committed: bool,
}

impl WriterTurn {
    /// Begins a transaction on the writers' connection, connecting first if there is none. A
    /// PostgreSQL connection is checked first (a round trip, small beside a turn): the server may
    /// have been restarted or have ended it since the last turn, and the pool checks only the
    /// connections it hands out.
    pub async fn begin(&mut self) -> Result<Transaction<'_, Any>, sqlx::Error> {
        let kept = match self.conn.take() {
            Some(mut conn) if self.engine == Engine::Postgres => conn.ping().await.is_ok().then_some(conn),
            kept => kept,
        };
        let conn = match kept {
            Some(conn) => conn,
            None => self.pool.acquire().await?,
        };
        let mut tx = self.conn.insert(conn).begin().await?;
        if self.engine == Engine::Postgres {
            // Every read in a writers' turn (a sync group's lookups, the indexer's) goes by an
            // index. The tables grow by thousands of rows a second during a fair's sync, faster
            // than autovacuum refreshes their statistics, and with stale ones the planner took a
            // scan of 111,000 leads for a sync group's 2,000 ids to be cheaper than the index
            // (~50 ms instead of a few).
            sqlx::query("SET LOCAL enable_seqscan = off").execute(&mut *tx).await?;
        }
        Ok(tx)
    }

    /// The turn's transaction committed: the next turn writes through the same connection.
    pub fn committed(mut self) {
        self.committed = true;
    }
}

impl Drop for WriterTurn {
    fn drop(&mut self) {
        if !self.committed {
            *self.conn = None;
        }
    }
}

impl Db {
    /// Connects to `url` (creating a SQLite file and its directory if needed), applies the engine's
    /// settings and runs its migrations.
    pub async fn connect(url: &str) -> Result<Db, DbError> {
        sqlx::any::install_default_drivers();
        let engine = if url.starts_with("sqlite:") {
            Engine::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Engine::Postgres
        } else {
            return Err(DbError::UnsupportedUrl(url.to_owned()));
        };
        let hosts = failover::Hosts::of(url);
        let url = match (engine, &hosts) {
            (Engine::Sqlite, _) => prepare_sqlite_file(url)?,
            (Engine::Postgres, None) => url.to_owned(),
            (Engine::Postgres, Some(hosts)) => {
                hosts.find_primary(std::time::Duration::from_secs(30)).await.ok_or(DbError::NoPrimary)?.to_owned()
            }
        };
        let standbys = hosts.is_some();
        let options = AnyConnectOptions::from_str(&url).map_err(DbError::Connect)?.disable_statement_logging();
        let pool = AnyPoolOptions::new()
            .max_connections(match engine {
                // One of them is the writers' (`writer_turn`).
                Engine::Sqlite => 5,
                Engine::Postgres => 16,
            })
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if engine == Engine::Sqlite {
                        // WAL lets readers run beside the one writer; FULL makes a commit durable
                        // before it returns; the busy timeout queues writers instead of failing them.
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = FULL").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                        conn.execute("PRAGMA cache_size = -65536").await?;
                        // Checkpoints run in the background (`checkpoint`), not in the commit
                        // of whichever request filled the log; this bound is only a backstop.
                        conn.execute("PRAGMA wal_autocheckpoint = 16384").await?;
                    } else {
                        // Compiling a plan to machine code takes ~100 ms, more than any query
                        // here runs; the planner asks for it by estimated cost, which is high
                        // exactly when its statistics are stale (a sync group's lookups took
                        // 350 ms, 100 of them compiling).
                        conn.execute("SET jit = off").await?;
                        // A host that became a standby takes no writes: the pool waits for
                        // `failover::follow_primary` to point it at the new primary.
                        if standbys && failover::in_recovery(conn).await? {
                            return Err(sqlx::Error::Protocol("the database host is a standby".into()));
                        }
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .map_err(DbError::Connect)?;
        let migrator = match engine {
            Engine::Sqlite => &SQLITE_MIGRATIONS,
            Engine::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&pool).await.map_err(DbError::Migrate)?;
        let db = Db { pool, engine, writer: Arc::default(), hosts };
        if let Err(error) = optimize(&db).await {
            tracing::warn!(%error, "updating the planner's statistics failed");
        }
        Ok(db)
    }

    /// Waits for this process's turn to write the leads (sync batches, the workspace indexer).
    /// Writers of leads take turns anyway (the sequence lock); queueing here first takes the
    /// turns in arrival order, without SQLite's retries with growing sleeps, and without a
    /// PostgreSQL connection held idle per waiting writer. Other servers on the same PostgreSQL
    /// database still queue on its row lock.
    ///
    /// Every turn writes through the same connection: a SQLite connection forgets its page cache
    /// whenever another connection has written since its last transaction, and a sync batch's
    /// lookups (change ids, lead ids) then read every page from the log again.
    pub async fn writer_turn(&self) -> WriterTurn {
        WriterTurn { conn: self.writer.clone().lock_owned().await, pool: self.pool.clone(), engine: self.engine, committed: false }
    }
}

/// Makes sure the directory of a SQLite file exists and asks SQLite to create the file.
fn prepare_sqlite_file(url: &str) -> Result<String, DbError> {
    let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or_default();
    if path != ":memory:" {
        if let Some(dir) = std::path::Path::new(path).parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| DbError::Directory { path: dir.display().to_string(), source })?;
        }
    }
    Ok(if url.contains('?') { url.to_owned() } else { format!("{url}?mode=rwc") })
}

/// The current instant as stored: RFC 3339 with milliseconds.
pub fn now_text() -> String {
    domain::time::rfc3339::format(domain::time::now())
}

/// `$first, $first+1, …` for `count` bound values (both engines read `$N`).
pub fn placeholders(first: usize, count: usize) -> String {
    (first..first + count).map(|n| format!("${n}")).collect::<Vec<_>>().join(", ")
}

/// Keeps SQLite's planner statistics fresh, analysing only the tables that changed a lot: without
/// them a filter on the stage would scan by the wrong index. Run at start and then hourly
/// (`startup::Upkeep`), not as each pooled connection opens: the pool opens one when the load
/// grows, and the request waiting for it waited seconds for the analysis of a large table.
pub async fn optimize(db: &Db) -> Result<(), sqlx::Error> {
    if db.engine == Engine::Sqlite {
        let mut conn = db.pool.acquire().await?;
        conn.execute("PRAGMA optimize = 0x10002").await?;
    }
    Ok(())
}

/// Copies the SQLite write-ahead log into the database file without blocking readers or writers
/// (a passive checkpoint). Run in the background every second (`startup::Upkeep`), so no
/// request's commit pays for it. Nothing to do on PostgreSQL.
pub async fn checkpoint(db: &Db) -> Result<(), sqlx::Error> {
    if db.engine == Engine::Sqlite {
        let mut conn = db.pool.acquire().await?;
        conn.execute("PRAGMA wal_checkpoint(PASSIVE)").await?;
    }
    Ok(())
}

/// At a clean stop, SQLite's write-ahead log is written into the database file and emptied, so a
/// stopped server leaves the whole database in its file (not tens of megabytes of log beside it,
/// which a copy of the file alone would miss).
pub async fn checkpoint_at_stop(db: &Db) -> Result<(), sqlx::Error> {
    if db.engine == Engine::Sqlite {
        let mut conn = db.pool.acquire().await?;
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").await?;
    }
    Ok(())
}

/// Rewrites the database so no freed page keeps old content (an erased contact's data): SQLite's
/// write-ahead log is checkpointed and emptied, and the file rebuilt (VACUUM); PostgreSQL's
/// dead row versions are vacuumed away. Takes the writers' turn; run by the retention command,
/// not while tablets sync at full speed.
pub async fn compact(db: &Db) -> Result<(), sqlx::Error> {
    let turn = db.writer_turn().await;
    let mut conn = db.pool.acquire().await?;
    match db.engine {
        Engine::Sqlite => {
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").await?;
            conn.execute("VACUUM").await?;
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").await?;
        }
        Engine::Postgres => {
            conn.execute("VACUUM").await?;
        }
    }
    drop(turn);
    Ok(())
}
