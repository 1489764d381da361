//! Backups of the SQLite database, taken while the server serves (`server backup PATH`), and
//! putting one back (`server restore PATH`, with the server stopped).
//!
//! A backup is `VACUUM INTO`: SQLite writes the database as one read transaction sees it, so the
//! copy is consistent (a sync batch is in it whole or not at all) and compact, and syncs go on
//! while it is written (readers do not block the writer in WAL mode). A PostgreSQL deployment backs
//! up with `pg_dump` (docs/deploy.md).

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
