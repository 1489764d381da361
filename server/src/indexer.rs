//! Brings the manager workspace's derived tables (facts, duplicate keys and pairs) up to date with
//! the leads, after the transactions that wrote the leads have committed.
//!
//! Why after and not inside: a sync transaction holds the sequence lock, which every writer waits
//! for; the derived rows (nine indexes of facts, keys looked up against every stored lead) cost
//! more than the leads themselves, and an officer's tablet should not wait for the manager's
//! indexes. The leads' change sequence says what is left to do: everything numbered above
//! `workspace_index.indexed_seq` (see `db::workspace_index`).
//!
//! Who runs it: a background task shortly after syncs (when they pause, or at the latest
//! [`MAX_DELAY`] after the first), every [`POLL`] for changes written through other servers on the
//! same database, and every workspace request before it reads, so a manager always sees every
//! committed change.

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
/// …or at most this long after the first of them.
const MAX_DELAY: Duration = Duration::from_secs(2);
/// How often to look for changes this process was not told of.
const POLL: Duration = Duration::from_secs(2);

/// Indexes everything committed and not yet indexed, a chunk per transaction; returns how many
/// lead states it wrote.
pub async fn catch_up(db: &Db) -> Result<usize, sqlx::Error> {
    let mut written = 0;
    loop {
        let turn = db.writer_turn().await;
        let mut tx = db.pool.begin().await?;
        let from = workspace_index::lock(&mut tx).await?;
        let upto = leads::committed_sequence(&mut tx).await?;
        if from >= upto {
            tx.commit().await?;
            drop(turn);
            return Ok(written);
        }
        let changed = leads::changed_between(&mut tx, from, upto, CHUNK).await?;
        // A short chunk reached `upto`; numbers without a lead (rejections, no-ops) count as done.
        let reached = if (changed.len() as i64) < CHUNK { upto } else { changed.last().map_or(upto, |l| l.seq) };
        let refs: Vec<&StoredLead> = changed.iter().collect();
        facts::write(&mut tx, &refs).await?;
        workspace_index::set(&mut tx, reached).await?;
        tx.commit().await?;
        drop(turn);
        written += changed.len();
    }
}

/// Indexes what is left, if anything: a read when nothing is.
pub async fn bring_up_to_date(db: &Db) -> Result<(), sqlx::Error> {
    let mut conn = db.pool.acquire().await?;
    let lag = workspace_index::lag(&mut conn).await?;
    drop(conn);
    if lag > 0 {
        catch_up(db).await?;
    }
    Ok(())
}

/// The handle the request handlers use to tell the background indexer that leads were written.
/// The task ends when the last handle is dropped.
#[derive(Clone, Debug)]
pub struct Indexer {
    written: Arc<Notify>,
}

impl Indexer {
    /// Starts the background indexer on `db`.
    pub fn spawn(db: Db) -> Indexer {
        let written = Arc::new(Notify::new());
        tokio::spawn(run(db, Arc::downgrade(&written)));
        Indexer { written }
    }

    /// Leads were written and committed.
    pub fn wrote(&self) {
        self.written.notify_one();
    }
}

async fn run(db: Db, written: Weak<Notify>) {
    loop {
        let Some(notify) = written.upgrade() else { return };
        if timeout(POLL, notify.notified()).await.is_ok() {
            // Syncs come in runs (a tablet's backlog, many tablets at once): wait for a pause.
            let first = Instant::now();
            while first.elapsed() < MAX_DELAY && timeout(QUIET, notify.notified()).await.is_ok() {}
        }
        drop(notify);
        if let Err(error) = bring_up_to_date(&db).await {
            tracing::warn!(%error, "indexing the workspace failed; will try again");
            sleep(POLL).await;
        }
    }
}
