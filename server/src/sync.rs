//! Applying the changes a tablet pushes, inside one database transaction (the route opens and
//! commits it). The rules, also described in `docs/sync.md`:
//!
//! - a change id seen before gets the answer it got the first time (`duplicate`), nothing is
//!   applied again: the id is recorded in the same transaction as the data;
//! - only the attributes the officer changed are taken from the tablet's copy; attributes changed
//!   on the server since the change's base version are kept (`merged`);
//! - when both sides changed the same attribute, the later arrival (this change) wins and the value
//!   it replaces stays in the audit trail, marked as overwritten;
//! - a change to another officer's lead, or one that leaves the lead invalid (the domain's parser,
//!   the same as the capture form's), is `rejected` with its reason; the rest of the batch applies.

use domain::sync::{ChangeResult, ChangeStatus, LeadAttr, LeadChange, RejectReason};
use domain::Lead;
use sqlx::AnyConnection;

use crate::db::history::HistoryEntry;
use crate::db::leads::StoredLead;
use crate::db::users::User;
use crate::db::{changes, history, leads, now_text};

/// Who is pushing, from where.
pub struct Pusher<'a> {
    pub user: &'a User,
    pub device_id: &'a str,
}

/// Applies a batch of changes in order and returns one result per change.
pub async fn apply_batch(conn: &mut AnyConnection, pusher: &Pusher<'_>, batch: &[LeadChange]) -> Result<Vec<ChangeResult>, sqlx::Error> {
    if batch.is_empty() {
        return Ok(Vec::new());
    }
    // First statement of the transaction: takes the write lock (see `take_sequence`).
    let mut next_seq = leads::take_sequence(conn, batch.len() as i64).await?;
    let mut results = Vec::with_capacity(batch.len());
    for change in batch {
        if let Some(earlier) = changes::find(conn, &change.change_id.to_string()).await? {
            results.push(match earlier.status {
                ChangeStatus::Rejected => earlier,
                _ => ChangeResult { status: ChangeStatus::Duplicate, ..earlier },
            });
            continue;
        }
        let result = apply_one(conn, pusher, change, &mut next_seq).await?;
        changes::insert(conn, &result, pusher.user.id).await?;
        results.push(result);
    }
    Ok(results)
}

fn rejected(change: &LeadChange, reason: RejectReason) -> ChangeResult {
    ChangeResult { change_id: change.change_id, lead_id: change.lead.id, status: ChangeStatus::Rejected, version: None, reason: Some(reason) }
}

fn answered(change: &LeadChange, status: ChangeStatus, version: i64) -> ChangeResult {
    ChangeResult { change_id: change.change_id, lead_id: change.lead.id, status, version: Some(version as u64), reason: None }
}

async fn apply_one(conn: &mut AnyConnection, pusher: &Pusher<'_>, change: &LeadChange, next_seq: &mut i64) -> Result<ChangeResult, sqlx::Error> {
    let incoming = match change.lead.normalized() {
        Ok(lead) => lead,
        Err(errors) => return Ok(rejected(change, RejectReason::Invalid { errors })),
    };
    let Some(stored) = leads::find(conn, &incoming.id.to_string()).await? else {
        return create(conn, pusher, change, incoming, next_seq).await;
    };
    if stored.owner_id != pusher.user.id {
        return Ok(rejected(change, RejectReason::NotYourLead));
    }
    let base = change.base_version as i64;
    if base > stored.version {
        let message = format!("base version {base} is ahead of the server's version {}", stored.version);
        return Ok(rejected(change, RejectReason::Malformed { message }));
    }
    if change.changed.is_empty() {
        return Ok(rejected(change, RejectReason::Malformed { message: "the change names no changed attribute".into() }));
    }
    let mut merged = stored.lead.clone();
    merged.take_attrs(&incoming, &change.changed);
    merged.updated_at = merged.updated_at.max(incoming.updated_at);
    let merged = match merged.normalized() {
        Ok(lead) => lead,
        Err(errors) => return Ok(rejected(change, RejectReason::Invalid { errors })),
    };
    let status = if base == stored.version { ChangeStatus::Applied } else { ChangeStatus::Merged };
    let effective = stored.lead.changed_attrs(&merged);
    if effective.is_empty() {
        // Every changed value was already there: nothing new to store.
        return Ok(answered(change, status, stored.version));
    }
    let version = stored.version + 1;
    let seq = take(next_seq);
    let (old_json, new_json) = (to_json(&stored.lead)?, to_json(&merged)?);
    let at = now_text();
    let mut attr_versions = stored.attr_versions.clone();
    let entries: Vec<HistoryEntry> = effective
        .iter()
        .map(|attr| {
            let changed_elsewhere = stored.attr_versions.get(attr).copied().unwrap_or(0) > base;
            attr_versions.insert(*attr, version);
            entry(pusher, change, &at, *attr, Some(old_json[attr.name()].to_string()), new_json[attr.name()].to_string(), changed_elsewhere)
        })
        .collect();
    leads::update(conn, &StoredLead { owner_id: stored.owner_id, version, seq, lead: merged, attr_versions }).await?;
    history::insert(conn, &entries).await?;
    Ok(answered(change, status, version))
}

/// A lead the server has not seen: stored as the tablet sent it, owned by the pusher.
async fn create(conn: &mut AnyConnection, pusher: &Pusher<'_>, change: &LeadChange, mut lead: Lead, next_seq: &mut i64) -> Result<ChangeResult, sqlx::Error> {
    lead.captured_by = pusher.user.username.clone();
    let json = to_json(&lead)?;
    let at = now_text();
    let entries: Vec<HistoryEntry> = LeadAttr::ALL
        .iter()
        .filter(|attr| !json[attr.name()].is_null())
        .map(|attr| entry(pusher, change, &at, *attr, None, json[attr.name()].to_string(), false))
        .collect();
    let stored = StoredLead {
        owner_id: pusher.user.id,
        version: 1,
        seq: take(next_seq),
        attr_versions: LeadAttr::ALL.iter().map(|attr| (*attr, 1)).collect(),
        lead,
    };
    leads::insert(conn, &stored, pusher.device_id).await?;
    history::insert(conn, &entries).await?;
    Ok(answered(change, ChangeStatus::Applied, 1))
}

fn take(next_seq: &mut i64) -> i64 {
    let seq = *next_seq;
    *next_seq += 1;
    seq
}

fn to_json(lead: &Lead) -> Result<serde_json::Value, sqlx::Error> {
    serde_json::to_value(lead).map_err(|e| sqlx::Error::Encode(Box::new(e)))
}

fn entry(pusher: &Pusher<'_>, change: &LeadChange, at: &str, attr: LeadAttr, old: Option<String>, new: String, overwritten: bool) -> HistoryEntry {
    HistoryEntry {
        lead_id: change.lead.id.to_string(),
        change_id: Some(change.change_id.to_string()),
        user_id: pusher.user.id,
        device_id: pusher.device_id.to_owned(),
        source: "sync",
        attr: attr.name().to_owned(),
        old_value: old,
        new_value: Some(new),
        overwritten,
        at: at.to_owned(),
    }
}
