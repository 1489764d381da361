//! Login sessions. A session is found by the SHA-256 hash of its token; it expires 30 days after
//! its last use (sliding) and at the latest a fixed time after it began (90 days by default), and
//! ends at logout, when its user is disabled, and when their password is changed.

use sqlx::{AnyConnection, Row};

/// How long a session lives without being used.
pub const LIFETIME_DAYS: i64 = 30;

fn expiry_from_now() -> String {
    domain::time::rfc3339::format(domain::time::now() + chrono::TimeDelta::days(LIFETIME_DAYS))
}

/// Starts a session for a user.
pub async fn insert(conn: &mut AnyConnection, token_hash: &str, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(token_hash)
        .bind(user_id)
        .bind(super::now_text())
        .bind(expiry_from_now())
        .execute(conn)
        .await?;
    Ok(())
}

/// A used session's expiry is moved forward when it is older than this: writing it on every
/// request would make every read a write (on SQLite, a wait for the one writer and an fsync), so a
/// session lives between 29 and 30 days after its last use.
const EXTEND_AFTER: chrono::TimeDelta = chrono::TimeDelta::days(1);

/// The user id of a live session, extending its expiry when due; `None` if unknown, expired, or
/// begun longer than `max_age` ago.
pub async fn touch(conn: &mut AnyConnection, token_hash: &str, max_age: chrono::TimeDelta) -> Result<Option<i64>, sqlx::Error> {
    let now = domain::time::now();
    let row = sqlx::query("SELECT user_id, expires_at FROM sessions WHERE token_hash = $1 AND expires_at > $2 AND created_at > $3")
        .bind(token_hash)
        .bind(domain::time::rfc3339::format(now))
        .bind(domain::time::rfc3339::format(now - max_age))
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let user_id: i64 = row.try_get("user_id")?;
    let expires_at: String = row.try_get("expires_at")?;
    let due = domain::time::rfc3339::format(now + chrono::TimeDelta::days(LIFETIME_DAYS) - EXTEND_AFTER);
    // Both are RFC 3339 in UTC with milliseconds: text order is time order.
    if expires_at < due {
        sqlx::query("UPDATE sessions SET expires_at = $1 WHERE token_hash = $2")
            .bind(expiry_from_now())
            .bind(token_hash)
            .execute(conn)
            .await?;
    }
    Ok(Some(user_id))
}

/// Ends a session.
pub async fn delete(conn: &mut AnyConnection, token_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(conn).await?;
    Ok(())
}

/// Ends every session of a user.
pub async fn delete_for_user(conn: &mut AnyConnection, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(conn).await?;
    Ok(())
}
