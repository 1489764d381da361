//! `lead_handoffs`: leads a manager handed from one officer to another (`crate::web_edit::reassign`
//! writes them). The old owner's pull reads them as the leads it no longer has
//! (`SyncResponse::gone`); the sync's rules read them to let a change the old owner made before
//! the handoff still apply.

use std::collections::{BTreeSet, HashMap};

use domain::LeadId;
use sqlx::{AnyConnection, Row};

/// One lead handed from `from` to `to` by `by`, at `seq` in the change sequence.
pub struct Handoff {
    pub lead_id: LeadId,
    pub from: i64,
    pub to: i64,
    pub seq: i64,
    pub by: i64,
}

/// Records handoffs, in the transaction that changes the leads' owners.
pub async fn insert(conn: &mut AnyConnection, handoffs: &[Handoff], at: &str) -> Result<(), sqlx::Error> {
    use super::bulk::{int, text, Kind::Int, Kind::Text};
    let columns = [("lead_id", Text), ("from_owner_id", Int), ("to_owner_id", Int), ("seq", Int), ("by_id", Int), ("at", Text)];
    let rows: Vec<Vec<serde_json::Value>> = handoffs
        .iter()
        .map(|h| {
            vec![text(Some(&h.lead_id.to_string())), int(Some(h.from)), int(Some(h.to)), int(Some(h.seq)), int(Some(h.by)), text(Some(at))]
        })
        .collect();
    for chunk in rows.chunks(1000) {
        super::bulk::insert(conn, "lead_handoffs", &columns, chunk, "").await?;
    }
    Ok(())
}

/// The leads handed away from `owner_id` after `cursor` that are not theirs again, as
/// `(sequence number, lead)` in sequence order, at most `limit`.
pub async fn gone_since(conn: &mut AnyConnection, owner_id: i64, cursor: i64, limit: i64) -> Result<Vec<(i64, LeadId)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT h.seq, h.lead_id FROM lead_handoffs h JOIN leads l ON l.id = h.lead_id \
         WHERE h.from_owner_id = $1 AND h.seq > $2 AND l.owner_id <> $1 ORDER BY h.seq LIMIT $3",
    )
    .bind(owner_id)
    .bind(cursor)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    // A row whose lead id is not a lead id was not written here; it is skipped.
    Ok(rows
        .iter()
        .filter_map(|r| Some((r.try_get::<i64, _>("seq").ok()?, LeadId(r.try_get::<String, _>("lead_id").ok()?.parse().ok()?))))
        .collect())
}

/// For each of these leads, the officers who owned it before a handoff.
pub async fn former_owners(conn: &mut AnyConnection, lead_ids: &[String]) -> Result<HashMap<String, BTreeSet<i64>>, sqlx::Error> {
    let rows = super::bulk::fetch_where_in(conn, "SELECT lead_id, from_owner_id FROM lead_handoffs", "lead_id", lead_ids).await?;
    let mut owners: HashMap<String, BTreeSet<i64>> = HashMap::new();
    for row in rows {
        owners.entry(row.try_get("lead_id")?).or_default().insert(row.try_get("from_owner_id")?);
    }
    Ok(owners)
}
