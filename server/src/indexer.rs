//! Brings the manager workspace's derived tables (facts, duplicate keys and pairs) up to date with
//! the leads, after the transactions that wrote the leads have committed.
//!
//! Why after and not inside: a sync transaction holds the sequence lock, which every writer waits
//! for; the derived rows (nine indexes of facts, keys looked up against every stored lead) cost
//! more than the leads themselves, and an officer's tablet should not wait for the manager's
//! indexes. The leads' change sequence says what is left to do: everything numbered above
//! `workspace_index.indexed_seq` (see `db::workspace_index`).
//!
//! Who runs it: a background task when syncs pause, every [`POLL`] for changes written through
//! other servers on the same database, and every workspace request before it reads, so a manager
//! always sees every committed change. The background task gives way to syncs: it stops between
//! chunks when a sync has come in, and while syncs keep coming without a pause it indexes one
//! chunk per [`MAX_DELAY`]. Indexing takes the same turn as sync writes (on SQLite one writer at a
//! time is all there is), and twenty tablets emptying their backlogs should not wait for it; the
//! backlog of indexing is worked off in the next pause, or by the next manager's request.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::{sleep, timeout, Instant};

use crate::db::leads::{self, StoredLead};
use crate::db::{facts, workspace_index, Db};

/// Leads indexed per transaction: small enough that a sync waiting for the write lock is not held
/// up long.
const CHUNK: i64 = 500;
/// Indexing waits until syncs pause this long…
const QUIET: Duration = Duration::from_millis(300);
/// …and while they do not, one smaller chunk is indexed this often (~30 ms of the syncs' turn,
/// and 50 leads a second: more than officers capture, fewer than a backlog brings).
const MAX_DELAY: Duration = Duration::from_secs(2);
const BUSY_CHUNK: i64 = 100;
/// How often to look for changes this process was not told of.
const POLL: Duration = Duration::from_secs(2);

/// Indexes everything committed and not yet indexed, a chunk per transaction; returns how many
/// lead states it wrote.
pub async fn catch_up(db: &Db) -> Result<usize, sqlx::Error> {
    catch_up_while(db, CHUNK, || true).await
}

/// Indexes a chunk of `chunk` leads, and the next ones for as long as `go_on` says so.
async fn catch_up_while(db: &Db, chunk: i64, mut go_on: impl FnMut() -> bool) -> Result<usize, sqlx::Error> {
    let mut written = 0;
    loop {
        let mut turn = db.writer_turn().await;
        let mut tx = turn.begin().await?;
        let from = workspace_index::lock(&mut tx).await?;
        let upto = leads::committed_sequence(&mut tx).await?;
        if from >= upto {
            tx.commit().await?;
            turn.committed();
            return Ok(written);
        }
        let changed = leads::changed_between(&mut tx, from, upto, chunk).await?;
        // A short chunk reached `upto`; numbers without a lead (rejections, no-ops) count as done.
        let reached = if (changed.len() as i64) < chunk { upto } else { changed.last().map_or(upto, |l| l.seq) };
        let refs: Vec<&StoredLead> = changed.iter().collect();
        facts::write(&mut tx, &refs).await?;
        workspace_index::set(&mut tx, reached).await?;
        tx.commit().await?;
        turn.committed();
        written += changed.len();
        if !go_on() {
            return Ok(written);
        }
    }
}

/// Indexes what is left, if anything: a read when nothing is.
pub async fn bring_up_to_date(db: &Db) -> Result<(), sqlx::Error> {
    if lag(db).await? > 0 {
        catch_up(db).await?;
    }
    Ok(())
}

async fn lag(db: &Db) -> Result<i64, sqlx::Error> {
    let mut conn = db.pool.acquire().await?;
    workspace_index::lag(&mut conn).await
}

/// The handle the request handlers use to tell the background indexer that leads were written.
/// The task ends when the last handle is dropped.
#[derive(Clone, Debug)]
pub struct Indexer {
    syncs: Arc<Syncs>,
}

/// What the background task knows of the syncs that wrote leads.
#[derive(Debug, Default)]
struct Syncs {
    written: Notify,
    /// How many have written, ever: a chunk of indexing checks whether one came in meanwhile.
    count: AtomicU64,
}

impl Indexer {
    /// Starts the background indexer on `db`.
    pub fn spawn(db: Db) -> Indexer {
        let syncs = Arc::new(Syncs::default());
        tokio::spawn(run(db, Arc::downgrade(&syncs)));
        Indexer { syncs }
    }

    /// Leads were written and committed.
    pub fn wrote(&self) {
        self.syncs.count.fetch_add(1, Ordering::Relaxed);
        self.syncs.written.notify_one();
    }
}

async fn run(db: Db, syncs: Weak<Syncs>) {
    loop {
        let Some(shared) = syncs.upgrade() else { return };
        let mut paused = true;
        if timeout(POLL, shared.written.notified()).await.is_ok() {
            // Syncs come in runs (a tablet's backlog, many tablets at once): wait for a pause.
            let first = Instant::now();
            while first.elapsed() < MAX_DELAY && timeout(QUIET, shared.written.notified()).await.is_ok() {}
            paused = first.elapsed() < MAX_DELAY;
        }
        let seen = shared.count.load(Ordering::Relaxed);
        let chunk = if paused { CHUNK } else { BUSY_CHUNK };
        let indexed = match lag(&db).await {
            Ok(0) => Ok(0),
            Ok(_) => catch_up_while(&db, chunk, || shared.count.load(Ordering::Relaxed) == seen).await,
            Err(error) => Err(error),
        };
        drop(shared);
        if let Err(error) = indexed {
            tracing::warn!(%error, "indexing the workspace failed; will try again");
            sleep(POLL).await;
        }
    }
}
