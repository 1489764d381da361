//! The sync writer: one task per server process applies the pushed batches, several per database
//! transaction (group commit).
//!
//! Why: writers of leads take turns anyway (the change sequence is handed out in commit order),
//! and on SQLite with `synchronous=FULL` every commit waits for the disk. Batches that arrive
//! while one is being written are applied together in the next transaction, in one pass (one
//! set of statements for all of them), and share one commit: twenty tablets syncing a lead each
//! cost one disk wait and one set of round trips, not twenty. If the pass fails, each batch is
//! applied again in its own savepoint: a batch that fails is rolled back alone and its request
//! gets the error (the tablet retries); the others still commit. Nobody is answered before the
//! commit.

use tokio::sync::{mpsc, oneshot};

use crate::db::users::User;
use crate::db::Db;
use crate::sync::{apply_batches, Applied, CheckedBatch, Pushed, Pusher};

/// Changes per transaction, at most (several batches share one while there are fewer).
const MAX_CHANGES_PER_COMMIT: usize = 2_000;

/// Why a batch was not applied.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("the sync writer has stopped")]
    Stopped,
}

struct Job {
    user: User,
    device_id: String,
    batch: CheckedBatch,
    answer: oneshot::Sender<Result<Applied, WriteError>>,
}

/// The handle request handlers send batches to. The task ends when the last handle is dropped.
#[derive(Clone, Debug)]
pub struct SyncWriter {
    jobs: mpsc::UnboundedSender<Job>,
}

impl SyncWriter {
    /// Starts the writer task on `db`.
    pub fn spawn(db: Db) -> SyncWriter {
        let (jobs, queue) = mpsc::unbounded_channel();
        tokio::spawn(run(db, queue));
        SyncWriter { jobs }
    }

    /// Applies `batch` for `user` from `device_id` and waits until it is committed.
    pub async fn apply(&self, user: &User, device_id: &str, batch: CheckedBatch) -> Result<Applied, WriteError> {
        let (answer, answered) = oneshot::channel();
        let job = Job { user: user.clone(), device_id: device_id.to_owned(), batch, answer };
        self.jobs.send(job).map_err(|_| WriteError::Stopped)?;
        answered.await.map_err(|_| WriteError::Stopped)?
    }
}

async fn run(db: Db, mut queue: mpsc::UnboundedReceiver<Job>) {
    while let Some(first) = queue.recv().await {
        let mut group = vec![first];
        let mut changes = group[0].batch.len();
        while changes < MAX_CHANGES_PER_COMMIT {
            match queue.try_recv() {
                Ok(job) => {
                    changes += job.batch.len();
                    group.push(job);
                }
                Err(_) => break,
            }
        }
        write_group(&db, group).await;
    }
}

/// Applies a group of batches in one transaction and answers each of them after the commit.
async fn write_group(db: &Db, group: Vec<Job>) {
    let mut turn = db.writer_turn().await;
    let mut tx = match turn.begin().await {
        Ok(tx) => tx,
        Err(error) => return answer_all(group, &error),
    };
    let pushed: Vec<Pushed> =
        group.iter().map(|job| Pushed { pusher: Pusher { user: &job.user, device_id: &job.device_id }, batch: &job.batch }).collect();
    let outcomes: Vec<Result<Applied, sqlx::Error>> = match in_savepoint(&mut tx, &pushed).await {
        Ok(applied) => applied.into_iter().map(Ok).collect(),
        Err(error) if pushed.len() == 1 => vec![Err(error)],
        Err(_) => {
            let mut outcomes = Vec::with_capacity(pushed.len());
            for one in pushed.chunks(1) {
                outcomes.push(in_savepoint(&mut tx, one).await.map(|mut applied| applied.remove(0)));
            }
            outcomes
        }
    };
    drop(pushed);
    let committed = tx.commit().await;
    match committed {
        Ok(()) => turn.committed(),
        Err(_) => drop(turn),
    }
    for (job, outcome) in group.into_iter().zip(outcomes) {
        let outcome = match &committed {
            Ok(()) => outcome.map_err(WriteError::from),
            Err(error) => Err(WriteError::Db(copy_error(error))),
        };
        let _ = job.answer.send(outcome);
    }
}

/// Applies `pushed` in a savepoint of `tx`, rolled back if it fails.
async fn in_savepoint(tx: &mut sqlx::Transaction<'_, sqlx::Any>, pushed: &[Pushed<'_>]) -> Result<Vec<Applied>, sqlx::Error> {
    let mut savepoint = sqlx::Connection::begin(&mut **tx).await?;
    match apply_batches(&mut savepoint, pushed).await {
        Ok(applied) => savepoint.commit().await.map(|()| applied),
        Err(error) => {
            let _ = savepoint.rollback().await;
            Err(error)
        }
    }
}

fn answer_all(group: Vec<Job>, error: &sqlx::Error) {
    for job in group {
        let _ = job.answer.send(Err(WriteError::Db(copy_error(error))));
    }
}

/// `sqlx::Error` is not `Clone`: each waiting request gets its own copy of the message.
fn copy_error(error: &sqlx::Error) -> sqlx::Error {
    sqlx::Error::Protocol(error.to_string())
}
