//! Backups of the SQLite database, taken while the server serves (`server backup PATH`), and
//! putting one back (`server restore PATH`, with the server stopped).
//!
//! A backup is `VACUUM INTO`: SQLite writes the database as one read transaction sees it, so the
//! copy is consistent (a sync batch is in it whole or not at all) and compact, and syncs go on
//! while it is written (readers do not block the writer in WAL mode). A PostgreSQL deployment backs
//! up with `pg_dump` (docs/deploy.md).
//!
//! Scheduled backups are a server setting ([`Schedule`]: `ZS_BACKUP_DIR`, `ZS_BACKUP_EVERY`,
//! `ZS_BACKUP_KEEP`): the server writes one into the directory every period and keeps the newest
//! few.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sqlx::{Executor, Row};

use crate::db::{Db, Engine};

/// Why a backup or a restore was not made.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("backups of PostgreSQL are made with pg_dump -Fc (docs/deploy.md, \"Backups\")")]
    Postgres,
    #[error("{0} exists already: a backup never overwrites a file")]
    Exists(String),
    #[error("{path} is not a Zhaoshang Field database: {message}")]
    NotOurs { path: String, message: String },
    #[error("{path}: {source}")]
    File { path: String, source: std::io::Error },
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error(transparent)]
    Open(#[from] crate::db::DbError),
}

/// What a backup or a restore holds.
#[derive(Debug)]
pub struct Written {
    pub path: PathBuf,
    pub leads: i64,
    pub bytes: u64,
    pub took: Duration,
}

/// The file of a `sqlite://` URL.
pub fn sqlite_path(url: &str) -> Option<PathBuf> {
    let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = path.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

async fn leads_in(db: &Db) -> Result<i64, sqlx::Error> {
    let mut conn = db.pool.acquire().await?;
    sqlx::query("SELECT COUNT(*) AS n FROM leads").fetch_one(&mut *conn).await?.try_get("n")
}

fn size(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

/// Writes a consistent copy of `db` to `path` (which must not exist) while the server serves.
pub async fn backup(db: &Db, path: &Path) -> Result<Written, BackupError> {
    if db.engine == Engine::Postgres {
        return Err(BackupError::Postgres);
    }
    if path.exists() {
        return Err(BackupError::Exists(path.display().to_string()));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| BackupError::File { path: dir.display().to_string(), source })?;
    }
    let started = Instant::now();
    let mut conn = db.pool.acquire().await?;
    let target = path.to_str().ok_or_else(|| BackupError::File {
        path: path.display().to_string(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a UTF-8 path"),
    })?;
    sqlx::query("VACUUM INTO $1").bind(target.to_owned()).execute(&mut *conn).await?;
    drop(conn);
    let copy = Db::connect(&format!("sqlite://{target}")).await?;
    let leads = leads_in(&copy).await?;
    copy.pool.close().await;
    Ok(Written { path: path.to_owned(), leads, bytes: size(path), took: started.elapsed() })
}

/// Puts the backup at `from` in place of the SQLite database of `database_url`, which no server may
/// be using. The backup is checked first (it opens, its migrations apply, its leads count); the
/// database it replaces is kept beside it (`….before-restore-STAMP`).
pub async fn restore(database_url: &str, from: &Path) -> Result<Written, BackupError> {
    let Some(target) = sqlite_path(database_url) else { return Err(BackupError::Postgres) };
    let started = Instant::now();
    let file_error = |path: &Path| {
        let path = path.display().to_string();
        move |source| BackupError::File { path, source }
    };
    if !from.is_file() {
        return Err(BackupError::NotOurs { path: from.display().to_string(), message: "no such file".into() });
    }
    // Not a SQLite file at all: said at once (the connection pool would retry it for 30 s).
    let mut header = [0u8; 16];
    let read = std::fs::File::open(from).and_then(|mut f| std::io::Read::read_exact(&mut f, &mut header));
    if read.is_err() || &header != b"SQLite format 3\0" {
        return Err(BackupError::NotOurs { path: from.display().to_string(), message: "not a SQLite database file".into() });
    }
    // Checked on a copy: opening runs the migrations, which must not touch the backup itself.
    let staged = target.with_extension("restoring");
    std::fs::copy(from, &staged).map_err(file_error(&staged))?;
    let checked = async {
        let db = Db::connect(&format!("sqlite://{}", staged.display())).await?;
        let leads = leads_in(&db).await.map_err(|e| BackupError::NotOurs { path: from.display().to_string(), message: e.to_string() })?;
        // The copy in one file, with no log beside it.
        db.pool.acquire().await?.execute("PRAGMA wal_checkpoint(TRUNCATE)").await?;
        db.pool.close().await;
        Ok::<_, BackupError>(leads)
    }
    .await;
    let leads = match checked {
        Ok(leads) => leads,
        Err(error) => {
            let _ = std::fs::remove_file(&staged);
            return Err(error);
        }
    };
    if target.exists() {
        let kept = PathBuf::from(format!("{}.before-restore-{}", target.display(), domain::time::file_stamp(domain::time::now())));
        std::fs::rename(&target, &kept).map_err(file_error(&target))?;
    }
    for side in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{side}", target.display()));
        let _ = std::fs::remove_file(format!("{}{side}", staged.display()));
    }
    std::fs::rename(&staged, &target).map_err(file_error(&target))?;
    Ok(Written { bytes: size(&target), path: target, leads, took: started.elapsed() })
}

/// Backups the server takes itself: one into `dir` every `every`, the newest `keep` kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schedule {
    pub dir: PathBuf,
    pub every: Duration,
    pub keep: usize,
}

/// The name of a scheduled backup: its instant in Beijing time, so the names sort by age.
const SCHEDULED_PREFIX: &str = "zhaoshang-";
const SCHEDULED_SUFFIX: &str = ".db";

/// `30s`, `15m`, `6h`, `1d`: a period of at least a second.
pub fn parse_period(text: &str) -> Option<Duration> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = text.split_at(split);
    let seconds = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return None,
    };
    let n: u64 = number.parse().ok()?;
    n.checked_mul(seconds).filter(|_| n > 0).map(Duration::from_secs)
}

impl Schedule {
    /// The scheduled backups in the directory, oldest first.
    pub fn taken(&self) -> Vec<PathBuf> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else { return Vec::new() };
        let mut found: Vec<PathBuf> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| {
                p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with(SCHEDULED_PREFIX) && n.ends_with(SCHEDULED_SUFFIX))
            })
            .collect();
        found.sort();
        found
    }

    /// How long until the next backup is due: the period after the newest one's time (its file's
    /// modification), so a restarted server does not take one at once.
    pub fn due_in(&self) -> Duration {
        let newest = self.taken().last().and_then(|p| std::fs::metadata(p).ok()).and_then(|m| m.modified().ok());
        match newest.and_then(|at| at.elapsed().ok()) {
            Some(age) => self.every.saturating_sub(age),
            None => Duration::ZERO,
        }
    }

    /// Takes a backup now, then deletes the oldest beyond `keep`.
    pub async fn take(&self, db: &Db) -> Result<Written, BackupError> {
        let at = domain::time::now().with_timezone(&domain::time::shanghai());
        let name = format!("{SCHEDULED_PREFIX}{}{SCHEDULED_SUFFIX}", at.format("%Y%m%d-%H%M%S"));
        let written = backup(db, &self.dir.join(name)).await?;
        let taken = self.taken();
        for old in &taken[..taken.len().saturating_sub(self.keep.max(1))] {
            std::fs::remove_file(old).map_err(|source| BackupError::File { path: old.display().to_string(), source })?;
        }
        Ok(written)
    }

    /// Takes the backups while the server runs (started by the server's upkeep).
    pub async fn run(self, db: Db) {
        loop {
            tokio::time::sleep(self.due_in()).await;
            match self.take(&db).await {
                Ok(written) => {
                    tracing::info!(path = %written.path.display(), leads = written.leads, bytes = written.bytes, "scheduled backup written")
                }
                Err(error) => {
                    tracing::error!(%error, "the scheduled backup failed");
                    // Tried again after a tenth of the period (at least a minute; the period if shorter).
                    tokio::time::sleep((self.every / 10).max(Duration::from_secs(60)).min(self.every)).await;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_read_as_an_operator_writes_them() {
        assert_eq!(parse_period("30s"), Some(Duration::from_secs(30)));
        assert_eq!(parse_period("15m"), Some(Duration::from_secs(900)));
        assert_eq!(parse_period(" 6h "), Some(Duration::from_secs(6 * 3600)));
        assert_eq!(parse_period("1d"), Some(Duration::from_secs(86_400)));
        for bad in ["", "h", "0h", "10", "1.5h", "-1h", "1w", "99999999999999999999d"] {
            assert_eq!(parse_period(bad), None, "{bad}");
        }
    }
}
