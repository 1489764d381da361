//! The outbox: changes saved on the tablet and not yet acknowledged by the server. It queues and
//! acknowledges; it stores nothing itself (the store does) and speaks no HTTP (the sync client
//! does). Pure functions, unit-tested natively.
//!
//! A change, once queued, is never altered: if it may have reached the server already, its id must
//! keep meaning the same thing, or a retry would be taken for a duplicate of something else.

use std::collections::{BTreeMap, BTreeSet};

use domain::sync::{ChangeResult, ChangeStatus, LeadAttr, LeadChange, RejectReason, ServerLead};
use domain::{Lead, LeadId};
use serde::{Deserialize, Serialize};

use super::record::LeadRecord;

/// A queued change, as stored in the `outbox` object store (key path `change_id`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutboxEntry {
    /// The change's id as text: the store's key.
    pub change_id: String,
    /// When it was queued (RFC 3339 with milliseconds): the order changes are sent in.
    pub queued_at: String,
    pub change: LeadChange,
    /// Set when the server refused the change: it stays here, marked ("needs attention"), until a
    /// later change of the same lead gets through (the officer corrected it) or the officer deletes
    /// the lead. It is never resent.
    #[serde(default)]
    pub rejected: Option<RejectReason>,
}

impl OutboxEntry {
    /// Queues the change from `previous` (the tablet's copy before the save, if any) to `lead`;
    /// `None` when nothing changed.
    pub fn for_save(previous: Option<&LeadRecord>, lead: &Lead) -> Option<OutboxEntry> {
        let (base_version, changed) = match previous {
            Some(record) if record.server_version > 0 || !record.lead.changed_attrs(lead).is_empty() => {
                let changed = if record.server_version == 0 { LeadAttr::ALL.to_vec() } else { record.lead.changed_attrs(lead) };
                (record.server_version, changed)
            }
            Some(_) => return None,
            None => (0, LeadAttr::ALL.to_vec()),
        };
        if changed.is_empty() {
            return None;
        }
        // Time-ordered, and in creation order within the page: two saves in one millisecond
        // (same `queued_at`) are still sent in the order they were made.
        let change_id = uuid::Uuid::now_v7();
        Some(OutboxEntry {
            change_id: change_id.to_string(),
            queued_at: domain::time::rfc3339::format(domain::time::now()),
            change: LeadChange { change_id, base_version, changed, lead: lead.clone() },
            rejected: None,
        })
    }

    pub fn is_pending(&self) -> bool {
        self.rejected.is_none()
    }

    /// The order changes were queued in, which is the order they are sent and applied in.
    fn queue_order(&self) -> (&str, uuid::Uuid) {
        (&self.queued_at, self.change.change_id)
    }
}

/// A delete on the tablet: the officer withdraws the lead. It stays in the store, withdrawn (out
/// of every list), until the server has the withdrawal; its change is queued like any edit. What
/// [`withdraw`] decided.
#[derive(Clone, Debug, PartialEq)]
pub struct Withdrawn {
    /// The lead as withdrawn, to store and queue.
    pub lead: Lead,
    /// The server has never acknowledged the lead: the changes of it still queued (or refused)
    /// are dropped, and the withdrawal carries every attribute. Either the server never got the
    /// lead and stores nothing, or it did (its answer was lost) and records it withdrawn.
    pub drop_queued: bool,
}

/// Why a lead cannot be deleted on the tablet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotWithdrawable {
    /// It has become a project: only the office can take it out of the figures.
    Stage(domain::PipelineStage),
    /// It is withdrawn already.
    Already,
}

/// The withdrawal of `record` by `by` (the officer's user name) at `at`, or why not.
pub fn withdraw(record: &LeadRecord, by: &str, reason: &str, at: chrono::DateTime<chrono::Utc>) -> Result<Withdrawn, NotWithdrawable> {
    let stage = record.lead.pipeline.stage;
    if record.lead.withdrawn.is_some() {
        return Err(NotWithdrawable::Already);
    }
    if !domain::Withdrawal::allowed_at(stage) {
        return Err(NotWithdrawable::Stage(stage));
    }
    let by = if by.trim().is_empty() { record.lead.captured_by.clone() } else { by.to_owned() };
    let mut lead = record.lead.clone();
    let reason = Some(reason.trim().to_owned()).filter(|r| !r.is_empty());
    lead.withdrawn = Some(domain::Withdrawal { at, by, reason });
    lead.updated_at = lead.updated_at.max(at);
    Ok(Withdrawn { lead, drop_queued: record.server_version == 0 })
}

/// Whether saving `lead` over `previous` changes anything the officer can change. A save that
/// changes nothing is not stored at all: it would only move `updated_at` on the tablet, a change
/// no sync would ever carry.
pub fn changes_anything(previous: Option<&LeadRecord>, lead: &Lead) -> bool {
    previous.is_none_or(|p| !p.lead.changed_attrs(lead).is_empty())
}

/// Most bytes of leads one batch carries, well under the server's 2 MiB body limit.
pub const MAX_BATCH_BYTES: usize = 1_500_000;

/// The changes to send next from the head of the outbox (its oldest changes, as the store reads
/// them through its queue-order index), oldest first: at most `max` of them and, but for a single
/// change, at most [`MAX_BATCH_BYTES`] of JSON by [`Lead::json_len_bound`].
pub fn next_batch(head: &[OutboxEntry], max: usize) -> Vec<&OutboxEntry> {
    let mut pending: Vec<&OutboxEntry> = head.iter().filter(|e| e.is_pending()).collect();
    pending.sort_by(|a, b| a.queue_order().cmp(&b.queue_order()));
    let mut bytes = 0;
    let mut batch = Vec::new();
    for entry in pending.into_iter().take(max) {
        bytes += entry.change.lead.json_len_bound() + 400;
        if !batch.is_empty() && bytes > MAX_BATCH_BYTES {
            break;
        }
        batch.push(entry);
    }
    batch
}

/// What the server's answers mean for the tablet's store.
#[derive(Debug, Default, PartialEq)]
pub struct Acknowledgement {
    /// Changes the server has (applied now or before): remove them from the outbox.
    pub done: Vec<String>,
    /// Changes the server refused: keep them, marked with the reason.
    pub rejected: Vec<(String, RejectReason)>,
    /// The newest server version known per lead.
    pub versions: BTreeMap<LeadId, u64>,
}

impl Acknowledgement {
    /// The answers about each of `chunks` of the sent changes, one part per chunk; answers about
    /// no change of any chunk go with the last part.
    pub fn split(&self, chunks: &[&[OutboxEntry]]) -> Vec<Acknowledgement> {
        let mut parts: Vec<Acknowledgement> = chunks.iter().map(|_| Acknowledgement::default()).collect();
        let Some(last) = chunks.len().checked_sub(1) else { return parts };
        let mut chunk_of = BTreeMap::new();
        let mut leads_of: Vec<BTreeSet<LeadId>> = vec![BTreeSet::new(); chunks.len()];
        for (i, chunk) in chunks.iter().enumerate() {
            for entry in chunk.iter() {
                chunk_of.insert(entry.change_id.as_str(), i);
                leads_of[i].insert(entry.change.lead.id);
            }
        }
        for id in &self.done {
            parts[chunk_of.get(id.as_str()).copied().unwrap_or(last)].done.push(id.clone());
        }
        for (id, reason) in &self.rejected {
            parts[chunk_of.get(id.as_str()).copied().unwrap_or(last)].rejected.push((id.clone(), reason.clone()));
        }
        for (lead, version) in &self.versions {
            let mut placed = false;
            for (i, leads) in leads_of.iter().enumerate() {
                if leads.contains(lead) {
                    parts[i].versions.insert(*lead, *version);
                    placed = true;
                }
            }
            if !placed {
                parts[last].versions.insert(*lead, *version);
            }
        }
        parts
    }
}

/// Sorts the server's answers into what to remove, mark and record.
pub fn acknowledge(results: &[ChangeResult]) -> Acknowledgement {
    let mut ack = Acknowledgement::default();
    for result in results {
        let id = result.change_id.to_string();
        match (result.status, &result.reason) {
            (ChangeStatus::Rejected, reason) => {
                ack.rejected.push((id, reason.clone().unwrap_or(RejectReason::Malformed { message: "rejected without a reason".into() })))
            }
            _ => {
                ack.done.push(id);
                if let Some(version) = result.version {
                    let known = ack.versions.entry(result.lead_id).or_insert(version);
                    *known = (*known).max(version);
                }
            }
        }
    }
    ack
}

/// The record to store for a lead the server sent, given the tablet's record and whether the
/// tablet still has changes of that lead to send. Changes still to send win on the tablet; the
/// server merges them when they arrive, and the next pull brings the merged lead.
pub fn merge_pulled(local: Option<&LeadRecord>, pending: bool, server: &ServerLead) -> Option<LeadRecord> {
    match local {
        Some(local) if local.server_version >= server.version && !pending => None,
        Some(local) if pending => {
            let mut kept = local.clone();
            kept.server_version = kept.server_version.max(server.version);
            Some(kept)
        }
        _ => {
            let mut record = LeadRecord::new(server.lead.clone());
            record.server_version = server.version;
            Some(record)
        }
    }
}

/// What the store read for one sync answer: only the changes and leads the answer concerns,
/// never the whole outbox.
#[derive(Debug, Default)]
pub struct RoundState<'a> {
    /// The changes this round sent.
    pub sent: &'a [OutboxEntry],
    /// Of those, the ids still in the outbox (the officer may have deleted a lead meanwhile).
    pub still_queued: BTreeSet<String>,
    /// Changes refused in earlier rounds, kept for the officer (a short list).
    pub refused: &'a [OutboxEntry],
    /// The tablet's records of the pulled leads, of the acknowledged leads that are withdrawn,
    /// and of any lead whose record the store read whole.
    pub local: BTreeMap<LeadId, LeadRecord>,
    /// The server version each other acknowledged lead's record holds (the store reads no more
    /// of them).
    pub versions: BTreeMap<LeadId, u64>,
    /// For each pulled lead, each lead of `gone` and each withdrawn lead of `local`, how many of
    /// its changes the outbox holds before this round's removal.
    pub queued_per_lead: BTreeMap<LeadId, usize>,
    /// Leads the answer says the officer no longer owns (`SyncResponse::gone`).
    pub gone: &'a [LeadId],
}

/// What to write after a sync answer.
#[derive(Debug, Default, PartialEq)]
pub struct SyncPlan {
    /// Acknowledged changes: remove from the outbox.
    pub remove: Vec<String>,
    /// Changes refused now, marked with the reason: move from the outbox to the refused changes.
    pub refuse: Vec<OutboxEntry>,
    /// Changes refused earlier that a later applied change of the same lead settled (the officer
    /// corrected the lead): remove from the refused changes.
    pub settle: Vec<String>,
    /// Lead records to store whole (pulled leads, and new versions of records read whole).
    pub records: Vec<LeadRecord>,
    /// New server versions of the other acknowledged leads: only their version changes, kept apart
    /// from their records.
    pub versions_only: BTreeMap<LeadId, u64>,
    /// Leads whose content on the tablet changed (to show; a withdrawn one leaves the list).
    pub changed: Vec<Lead>,
    /// Withdrawn leads with nothing left to send: delete their records. The server sent them as
    /// tombstones (withdrawn on this tablet or another of the officer's), or acknowledged the
    /// withdrawal made here. Also leads handed to another officer (`RoundState::gone`).
    pub purge: Vec<LeadId>,
    /// Of `purge`, the leads handed to another officer that were on the tablet's list.
    pub handed_off: Vec<LeadId>,
}

impl SyncPlan {
    /// How many changes leave the outbox.
    pub fn dequeued(&self) -> usize {
        self.remove.len() + self.refuse.len()
    }
}

/// Plans what a sync answer changes on the tablet, from what the store read for it (`state`), the
/// sorted answers and the pulled leads. Work in proportion to the answer.
pub fn plan(state: &RoundState<'_>, ack: &Acknowledgement, pulled: &[ServerLead]) -> SyncPlan {
    let mut plan = SyncPlan::default();
    let queued = |id: &String| state.still_queued.contains(id);
    let done: BTreeSet<&str> = ack.done.iter().map(String::as_str).collect();
    plan.remove = ack.done.iter().filter(|id| queued(id)).cloned().collect();
    for (id, reason) in &ack.rejected {
        if let Some(entry) = state.sent.iter().find(|e| &e.change_id == id && queued(id)) {
            plan.refuse.push(OutboxEntry { rejected: Some(reason.clone()), ..entry.clone() });
        }
    }
    // A refused change is settled once a later change of the same lead got through.
    let applied: Vec<&OutboxEntry> = state.sent.iter().filter(|e| done.contains(e.change_id.as_str())).collect();
    for refused in state.refused {
        let later = applied.iter().any(|done| done.change.lead.id == refused.change.lead.id && done.queue_order() > refused.queue_order());
        if later {
            plan.settle.push(refused.change_id.clone());
        }
    }
    let leaving: BTreeSet<&str> = plan.remove.iter().map(String::as_str).chain(plan.refuse.iter().map(|e| e.change_id.as_str())).collect();
    let still_pending = |id: LeadId| {
        let before = state.queued_per_lead.get(&id).copied().unwrap_or(0);
        let left = state.sent.iter().filter(|e| e.change.lead.id == id && leaving.contains(e.change_id.as_str())).count();
        before > left
    };
    // Changes refused earlier hold the lead as the tablet had it: a lead whose contact's data the
    // server erased takes them along.
    for refused in state.refused {
        let erased = pulled.iter().any(|s| s.lead.id == refused.change.lead.id && s.lead.erased.is_some());
        if erased && !plan.settle.contains(&refused.change_id) {
            plan.settle.push(refused.change_id.clone());
        }
    }
    let mut records = state.local.clone();
    let mut touched = BTreeSet::new();
    // Pulled leads first, judged against the tablet's copy as it was: the server's copy of a lead
    // this round acknowledged may differ from the tablet's (fields the server sets, merges).
    let mut purge = BTreeSet::new();
    for server in pulled {
        let id = server.lead.id;
        if server.lead.withdrawn.is_some() && !still_pending(id) {
            // A tombstone: nothing of it is kept. Changes still to send go first; a later pull
            // brings it again.
            if records.remove(&id).is_some_and(|r| r.lead.withdrawn.is_none()) {
                plan.changed.push(server.lead.clone());
            }
            touched.remove(&id);
            purge.insert(id);
            continue;
        }
        let before = records.get(&id).map(|r| r.lead.clone());
        if let Some(record) = merge_pulled(records.get(&id), still_pending(id), server) {
            if before.as_ref() != Some(&record.lead) {
                plan.changed.push(record.lead.clone());
            }
            records.insert(id, record);
            touched.insert(id);
        }
    }
    // Leads handed to another officer: dropped once nothing of them is left to send. Changes
    // still to send go first (the server takes an old owner's change made before the handoff)
    // and their answer names the lead again.
    for id in state.gone {
        if still_pending(*id) {
            continue;
        }
        if records.remove(id).is_some_and(|r| r.lead.withdrawn.is_none()) {
            plan.handed_off.push(*id);
        }
        plan.changed.retain(|lead| lead.id != *id);
        touched.remove(id);
        purge.insert(*id);
    }
    for (lead_id, version) in &ack.versions {
        if purge.contains(lead_id) {
            continue;
        }
        if let Some(record) = records.get_mut(lead_id) {
            if record.server_version < *version {
                record.server_version = *version;
                touched.insert(*lead_id);
            }
        } else if state.versions.get(lead_id).is_some_and(|known| known < version) {
            plan.versions_only.insert(*lead_id, *version);
        }
    }
    // A withdrawal made here and acknowledged (with a version, or with none when the server never
    // had the lead), with nothing else of the lead left to send.
    for (id, record) in &records {
        if record.lead.withdrawn.is_some() && applied.iter().any(|e| e.change.lead.id == *id) && !still_pending(*id) {
            purge.insert(*id);
        }
    }
    for id in &purge {
        touched.remove(id);
    }
    plan.records = touched.into_iter().filter_map(|id| records.remove(&id)).collect();
    plan.purge = purge.into_iter().collect();
    plan
}

#[cfg(test)]
mod tests;
