//! Login sessions. A session is found by the SHA-256 hash of its token; it expires 30 days after
//! its last use (sliding), and ends at logout or when its user is disabled.

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

/// The user id of a live session, extending its expiry; `None` if unknown or expired.
pub async fn touch(conn: &mut AnyConnection, token_hash: &str) -> Result<Option<i64>, sqlx::Error> {
    let row = sqlx::query("UPDATE sessions SET expires_at = $1 WHERE token_hash = $2 AND expires_at > $3 RETURNING user_id")
        .bind(expiry_from_now())
        .bind(token_hash)
        .bind(super::now_text())
        .fetch_optional(conn)
        .await?;
    row.map(|r| r.try_get("user_id")).transpose()
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
