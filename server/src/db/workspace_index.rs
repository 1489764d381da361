//! How far the manager workspace's derived tables (`lead_facts`, `lead_keys`, `lead_duplicates`)
//! have been brought: every lead change with a sequence number up to `indexed_seq` is in them.

use sqlx::{AnyConnection, Row};

/// Takes the indexing lock (the row's lock in PostgreSQL, the write lock in SQLite) for the rest
/// of the transaction and returns how far the tables are up to date. One indexer at a time, in
/// this process or another on the same database.
pub async fn lock(conn: &mut AnyConnection) -> Result<i64, sqlx::Error> {
    let row =
        sqlx::query("UPDATE workspace_index SET indexed_seq = indexed_seq WHERE id = 1 RETURNING indexed_seq").fetch_one(conn).await?;
    row.try_get("indexed_seq")
}

/// Records that everything up to `seq` is indexed.
pub async fn set(conn: &mut AnyConnection, seq: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE workspace_index SET indexed_seq = $1 WHERE id = 1").bind(seq).execute(conn).await?;
    Ok(())
}

/// How many sequence numbers handed out (and committed) are not indexed yet: 0 when the
/// workspace shows every change. Reads only.
pub async fn lag(conn: &mut AnyConnection) -> Result<i64, sqlx::Error> {
    let row = sqlx::query("SELECT s.value - w.indexed_seq AS lag FROM sync_sequence s, workspace_index w WHERE s.id = 1 AND w.id = 1")
        .fetch_one(conn)
        .await?;
    row.try_get("lag")
}
