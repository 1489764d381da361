//! The answers given to pushed changes, by change id: how a change delivered twice is applied once.

use domain::sync::{ChangeResult, ChangeStatus, RejectReason};
use domain::LeadId;
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row};

/// An answer as recorded: the change id and the lead id are columns beside it. An answer recorded
/// in full (as before) reads as well: its ids are ignored here.
#[derive(Serialize, Deserialize)]
struct Recorded {
    status: ChangeStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    version: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reason: Option<RejectReason>,
}

fn decode_error(error: impl std::error::Error + Send + Sync + 'static) -> sqlx::Error {
    sqlx::Error::Decode(Box::new(error))
}

/// The answers already given to any of these changes, by change id.
pub async fn find_many(
    conn: &mut AnyConnection,
    change_ids: &[String],
) -> Result<std::collections::HashMap<String, ChangeResult>, sqlx::Error> {
    let mut found = std::collections::HashMap::new();
    let rows = super::bulk::fetch_where_in(conn, "SELECT change_id, lead_id, result FROM applied_changes", "change_id", change_ids).await?;
    let read = |row: &sqlx::any::AnyRow| -> Result<(String, ChangeResult), sqlx::Error> {
        let (change_id, lead_id): (String, String) = (row.try_get("change_id")?, row.try_get("lead_id")?);
        let recorded: Recorded = serde_json::from_str(&row.try_get::<String, _>("result")?).map_err(decode_error)?;
        let result = ChangeResult {
            change_id: change_id.parse().map_err(decode_error)?,
            lead_id: LeadId(lead_id.parse().map_err(decode_error)?),
            status: recorded.status,
            version: recorded.version,
            reason: recorded.reason,
        };
        Ok((change_id, result))
    };
    // An answer that cannot be read is as good as none: the change is decided again.
    let change_id = |row: &sqlx::any::AnyRow| row.try_get::<String, _>("change_id").unwrap_or_default();
    found.extend(super::unreadable::skipping("applied_changes", &rows, change_id, read));
    Ok(found)
}

/// Records the answers to changes, each with the user who pushed it, in the transaction that
/// applied them.
pub async fn insert_many(conn: &mut AnyConnection, results: &[(ChangeResult, i64)]) -> Result<(), sqlx::Error> {
    use super::bulk::{int, text, Kind::Int, Kind::Text};
    let applied_at = super::now_text();
    let rows = results
        .iter()
        .map(|(result, user_id)| {
            let recorded = Recorded { status: result.status, version: result.version, reason: result.reason.clone() };
            let json = serde_json::to_string(&recorded).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
            Ok(vec![
                text(Some(&result.change_id.to_string())),
                text(Some(&result.lead_id.to_string())),
                int(Some(*user_id)),
                text(Some(&applied_at)),
                text(Some(&json)),
            ])
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let columns = [("change_id", Text), ("lead_id", Text), ("user_id", Int), ("applied_at", Text), ("result", Text)];
    for chunk in rows.chunks(1000) {
        super::bulk::insert(conn, "applied_changes", &columns, chunk, "").await?;
    }
    Ok(())
}
