//! The answers given to pushed changes, by change id: how a change delivered twice is applied once.

use domain::sync::ChangeResult;
use sqlx::{AnyConnection, Row};

/// The answer already given to this change, if any.
pub async fn find(conn: &mut AnyConnection, change_id: &str) -> Result<Option<ChangeResult>, sqlx::Error> {
    let row = sqlx::query("SELECT result FROM applied_changes WHERE change_id = $1").bind(change_id).fetch_optional(conn).await?;
    row.map(|row| {
        let text: String = row.try_get("result")?;
        serde_json::from_str(&text).map_err(|e| sqlx::Error::Decode(Box::new(e)))
    })
    .transpose()
}

/// Records the answer to a change, in the transaction that applied it.
pub async fn insert(conn: &mut AnyConnection, result: &ChangeResult, user_id: i64) -> Result<(), sqlx::Error> {
    let text = serde_json::to_string(result).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    sqlx::query("INSERT INTO applied_changes (change_id, lead_id, user_id, result, applied_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(result.change_id.to_string())
        .bind(result.lead_id.to_string())
        .bind(user_id)
        .bind(text)
        .bind(super::now_text())
        .execute(conn)
        .await?;
    Ok(())
}
