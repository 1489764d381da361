//! Applying the changes a tablet pushes, inside one database transaction or savepoint (the sync
//! writer, `crate::writer`, opens and commits it). The rules, also described in `docs/sync.md`:
//!
//! - a change id seen before gets the answer it got the first time (`duplicate`), nothing is
//!   applied again: the id is recorded in the same transaction as the data;
//! - only the attributes the officer changed are taken from the tablet's copy; attributes changed
//!   on the server since the change's base version are kept (`merged`);
//! - when both sides changed the same attribute, the later arrival (this change) wins and the value
//!   it replaces stays in the audit trail, marked as overwritten;
//! - a change to a lead a manager handed away from the pushing officer still applies (made before
//!   their tablet learned of it), and the answer tells the tablet again to drop the lead;
//! - a change to another officer's lead, or one that leaves the lead invalid (the domain's parser,
//!   the same as the capture form's), is `rejected` with its reason; the rest of the batch applies;
//! - so is a change the server cannot read (a `null` consent, an instant no clock gives), if it
//!   names its change id and lead id; its answer is recorded like any other;
//! - an erased lead (PIPL) takes no personal data: a tablet that sends some gets the lead back;
//! - a new lead's provenance is the server's: its officer and device are the request's, and it
//!   was captured no later than it arrived;
//! - a withdrawal (a delete on the tablet) is kept as the lead's `withdrawn` attribute, by the
//!   pushing officer, and only for a lead not yet past "screened"; a withdrawal of a lead the
//!   server never had stores nothing.
//!
//! The batches of a writer's group are read in two queries, decided in memory in order (a lead or
//! a change id may occur twice), and written with multi-row statements: a round trip per
//! statement, not per lead or per request, is what makes a 500-lead batch, or twenty one-lead
//! syncs, fast. The manager workspace's tables are written after the commit (`crate::indexer`).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use domain::sync::{ChangeResult, ChangeStatus, LeadAttr, LeadChange, RejectReason};
use domain::{FieldError, Lead, LeadId, Withdrawal};
use sqlx::AnyConnection;

use crate::db::history::HistoryEntry;
use crate::db::leads::{NewLead, StoredLead};
use crate::db::users::User;
use crate::db::{changes, handoffs, history, leads, now_text, packed};

/// Who is pushing, from where.
#[derive(Clone, Copy)]
pub struct Pusher<'a> {
    pub user: &'a User,
    pub device_id: &'a str,
}

/// A checked batch and who pushed it.
#[derive(Clone, Copy)]
pub struct Pushed<'a> {
    pub pusher: Pusher<'a>,
    pub batch: &'a CheckedBatch,
}

/// The batches' state as they are decided, change by change.
struct Work<'a> {
    at: String,
    next_seq: i64,
    stored: HashMap<LeadId, StoredLead>,
    /// Leads stored in rows that cannot be read (`db::unreadable`): changes to them are rejected,
    /// not taken for new leads.
    unreadable: BTreeSet<String>,
    /// Leads created here, with the device that sent them. Those not also `updated` are stored
    /// exactly as their trail's `created` entry holds them (see `db::leads`).
    created: BTreeMap<LeadId, &'a str>,
    updated: BTreeSet<LeadId>,
    history: Vec<HistoryEntry>,
    /// For leads pushed by someone other than their owner, the officers who owned them before a
    /// handoff (`db::handoffs`).
    former_owners: HashMap<String, BTreeSet<i64>>,
    /// (pusher, lead): changes taken from an officer who no longer owns the lead.
    handed_off: BTreeSet<(i64, LeadId)>,
}

/// What a batch did.
#[derive(Debug, Default)]
pub struct Applied {
    /// One result per change, in order.
    pub results: Vec<ChangeResult>,
    /// The sequence numbers this batch gave to leads now stored exactly as the device sent them:
    /// the device has their content and learns their versions from `results`, so the pull that
    /// follows leaves them out instead of sending every pushed lead back.
    pub known_to_device: Vec<i64>,
    /// Leads of this batch the pusher no longer owns (handed to another officer): the tablet is
    /// told again to drop them (`SyncResponse::gone`).
    pub handed_off: Vec<LeadId>,
}

/// A pushed batch with each change's lead run through the domain's parser, and a new lead's
/// (a change based on version 0) serialized and packed as it would be stored. Neither needs anything stored,
/// so both are done before the writer's turn: requests do them in parallel, and the turn is spent
/// on what needs the database.
pub struct CheckedBatch {
    changes: Vec<Checked>,
    received_at: DateTime<Utc>,
}

/// One pushed change, checked. Nearly every change is a `Change`: boxing it to shrink the rare
/// `Unreadable` would cost an allocation per change.
#[allow(clippy::large_enum_variant)]
enum Checked {
    /// A change of the protocol's shape, its lead parsed or refused by the domain's rules.
    Change { change: LeadChange, lead: Result<Incoming, Vec<FieldError>> },
    /// A change that does not fit the protocol (a `null` consent, an instant no clock gives): it
    /// is answered `rejected` alone, and recorded, so a retry gets the same answer.
    Unreadable(UnreadableChange),
}

/// A change the server could not read, with what identifies it.
#[derive(Clone, Debug)]
pub struct UnreadableChange {
    pub change_id: uuid::Uuid,
    pub lead_id: LeadId,
    /// What is wrong, with the path of the value (`lead.captured_at: …`).
    pub message: String,
}

/// A pushed lead that passed the parser.
struct Incoming {
    lead: Lead,
    /// The JSON of [`as_created`] of it, packed (`db::packed`), for a change based on version 0
    /// (an edit of a stored lead does not need it; a lead the server lacks for another reason is
    /// packed later).
    created_packed: Option<Vec<u8>>,
}

/// Where a push comes from and when it arrived: what the server records as a new lead's
/// provenance, whatever the lead's own fields say.
#[derive(Clone, Copy)]
pub struct Provenance<'a> {
    /// The user name of the officer pushing.
    pub owner: &'a str,
    /// The device the request names (checked by the route).
    pub device_id: &'a str,
    pub received_at: DateTime<Utc>,
}

/// A lead the server has not seen, as it is stored: owned by the pusher, captured on the device
/// the request came from, at the start of the pipeline whatever the tablet sent, and captured
/// no later than it arrived (a tablet clock running ahead would move its deadlines).
fn as_created(mut lead: Lead, from: Provenance) -> Lead {
    lead.captured_by = from.owner.to_owned();
    lead.device_id = from.device_id.to_owned();
    lead.pipeline = Default::default();
    lead.erased = None;
    lead.captured_at = lead.captured_at.min(from.received_at);
    lead.updated_at = lead.updated_at.min(from.received_at).max(lead.captured_at);
    lead
}

impl CheckedBatch {
    /// Checks the changes pushed, from `from`.
    pub fn new(changes: Vec<Result<LeadChange, UnreadableChange>>, from: Provenance) -> Self {
        let changes = changes
            .into_iter()
            .map(|c| match c {
                Err(unreadable) => Checked::Unreadable(unreadable),
                Ok(change) => {
                    let lead = change.lead.normalized().map(|lead| {
                        let created_packed = (change.base_version == 0)
                            .then(|| serde_json::to_string(&as_created(lead.clone(), from)).ok().map(|json| packed::pack(&json)))
                            .flatten();
                        Incoming { lead, created_packed }
                    });
                    Checked::Change { change, lead }
                }
            })
            .collect();
        CheckedBatch { changes, received_at: from.received_at }
    }

    pub fn len(&self) -> usize {
        self.changes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The readable changes, in order.
    fn readable(&self) -> impl Iterator<Item = &LeadChange> {
        self.changes.iter().filter_map(|c| match c {
            Checked::Change { change, .. } => Some(change),
            Checked::Unreadable(_) => None,
        })
    }
}

impl Checked {
    fn change_id(&self) -> uuid::Uuid {
        match self {
            Checked::Change { change, .. } => change.change_id,
            Checked::Unreadable(u) => u.change_id,
        }
    }
}

/// Applies batches of changes in order and returns, per batch, one result per change.
pub async fn apply_batches<'a>(conn: &mut AnyConnection, pushed: &[Pushed<'a>]) -> Result<Vec<Applied>, sqlx::Error> {
    let changes = || pushed.iter().flat_map(|p| p.batch.changes.iter());
    let total = changes().count();
    if total == 0 {
        return Ok(pushed.iter().map(|_| Applied::default()).collect());
    }
    // First statement: takes the write lock, unless the transaction already holds it for an
    // earlier batch of its group (see `take_sequence` and `crate::writer`).
    let next_seq = leads::take_sequence(conn, total as i64).await?;
    let change_ids: Vec<String> = changes().map(|c| c.change_id().to_string()).collect();
    let mut answered = changes::find_many(conn, &change_ids).await?;
    let lead_ids: Vec<String> =
        pushed.iter().flat_map(|p| p.batch.readable()).map(|c| c.lead.id.to_string()).collect::<BTreeSet<_>>().into_iter().collect();
    let found = leads::find_many(conn, &lead_ids).await?;
    // Leads pushed by someone other than their owner: a former owner's change may still apply.
    let not_pushers: Vec<String> = pushed
        .iter()
        .flat_map(|p| p.batch.readable().map(move |c| (p.pusher.user.id, c.lead.id)))
        .filter(|(pusher, id)| found.leads.get(id).is_some_and(|s| s.owner_id != *pusher))
        .map(|(_, id)| id.to_string())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let former_owners = handoffs::former_owners(conn, &not_pushers).await?;
    let mut work = Work {
        former_owners,
        handed_off: BTreeSet::new(),
        at: now_text(),
        next_seq,
        stored: found.leads,
        unreadable: found.unreadable,
        created: BTreeMap::new(),
        updated: BTreeSet::new(),
        history: Vec::new(),
    };

    let mut results_per_batch = Vec::with_capacity(pushed.len());
    let mut new_answers = Vec::new();
    for &Pushed { pusher, batch } in pushed {
        let mut results = Vec::with_capacity(batch.len());
        for checked in &batch.changes {
            let change_id = checked.change_id();
            if let Some(earlier) = answered.get(&change_id.to_string()) {
                results.push(match earlier.status {
                    ChangeStatus::Rejected => earlier.clone(),
                    _ => ChangeResult { status: ChangeStatus::Duplicate, ..earlier.clone() },
                });
                continue;
            }
            let result = match checked {
                Checked::Change { change, lead } => work.decide(&pusher, batch.received_at, change, lead.as_ref())?,
                Checked::Unreadable(u) => ChangeResult {
                    change_id,
                    lead_id: u.lead_id,
                    status: ChangeStatus::Rejected,
                    version: None,
                    reason: Some(RejectReason::Malformed { message: u.message.clone() }),
                },
            };
            answered.insert(change_id.to_string(), result.clone());
            new_answers.push((result.clone(), pusher.user.id));
            results.push(result);
        }
        results_per_batch.push(results);
    }

    let created: Vec<NewLead> = work
        .created
        .iter()
        .map(|(id, device)| NewLead { stored: &work.stored[id], device_id: device, in_trail: !work.updated.contains(id) })
        .collect();
    leads::insert_many(conn, &created).await?;
    for id in work.updated.iter().filter(|id| !work.created.contains_key(id)) {
        leads::update(conn, &work.stored[id]).await?;
    }
    history::insert(conn, &work.history).await?;
    changes::insert_many(conn, &new_answers).await?;
    Ok(pushed
        .iter()
        .zip(results_per_batch)
        .map(|(p, results)| {
            let handed_off = work.handed_off.iter().filter(|(user, _)| *user == p.pusher.user.id).map(|(_, id)| *id).collect();
            Applied { results, known_to_device: work.known_to_device(p.batch.readable()), handed_off }
        })
        .collect())
}

fn rejected(change: &LeadChange, reason: RejectReason) -> ChangeResult {
    ChangeResult {
        change_id: change.change_id,
        lead_id: change.lead.id,
        status: ChangeStatus::Rejected,
        version: None,
        reason: Some(reason),
    }
}

fn answered(change: &LeadChange, status: ChangeStatus, version: i64) -> ChangeResult {
    ChangeResult { change_id: change.change_id, lead_id: change.lead.id, status, version: Some(version as u64), reason: None }
}

fn to_json(lead: &Lead) -> Result<serde_json::Value, sqlx::Error> {
    serde_json::to_value(lead).map_err(|e| sqlx::Error::Encode(Box::new(e)))
}

impl<'a> Work<'a> {
    /// The sequence numbers of the written leads whose stored copy is the one the device sent
    /// last in this batch.
    fn known_to_device<'c>(&self, batch: impl Iterator<Item = &'c LeadChange>) -> Vec<i64> {
        let mut last_sent: HashMap<LeadId, &Lead> = HashMap::new();
        for change in batch {
            last_sent.insert(change.lead.id, &change.lead);
        }
        self.created
            .keys()
            .chain(self.updated.iter().filter(|id| !self.created.contains_key(id)))
            .filter_map(|id| self.stored.get(id).filter(|s| last_sent.get(id).is_some_and(|sent| **sent == s.lead)).map(|s| s.seq))
            .collect()
    }

    fn take_seq(&mut self) -> i64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        seq
    }

    fn entry(&self, pusher: &Pusher, change: &LeadChange, attr: &str, old: Option<String>, new: String, overwritten: bool) -> HistoryEntry {
        HistoryEntry {
            id: None,
            lead_id: change.lead.id.to_string(),
            change_id: Some(change.change_id.to_string()),
            user_id: pusher.user.id,
            device_id: pusher.device_id.to_owned(),
            source: "sync",
            attr: attr.to_owned(),
            old_value: old,
            new_value: Some(new),
            packed_new_value: None,
            overwritten,
            at: self.at.clone(),
        }
    }

    fn decide(
        &mut self,
        pusher: &Pusher<'a>,
        received_at: DateTime<Utc>,
        change: &LeadChange,
        incoming: Result<&'a Incoming, &Vec<FieldError>>,
    ) -> Result<ChangeResult, sqlx::Error> {
        let incoming = match incoming {
            Ok(incoming) => incoming,
            Err(errors) => return Ok(rejected(change, RejectReason::Invalid { errors: errors.clone() })),
        };
        if self.unreadable.contains(&incoming.lead.id.to_string()) {
            let message = "the server's copy of this lead cannot be read; an administrator can see it in the workspace".to_owned();
            return Ok(rejected(change, RejectReason::Malformed { message }));
        }
        let Some(stored) = self.stored.get(&incoming.lead.id) else {
            if incoming.lead.withdrawn.is_some() {
                // Deleted on the tablet before the server had it: there is nothing to keep.
                return Ok(ChangeResult {
                    change_id: change.change_id,
                    lead_id: incoming.lead.id,
                    status: ChangeStatus::Applied,
                    version: None,
                    reason: None,
                });
            }
            return self.create(
                Provenance { owner: &pusher.user.username, device_id: pusher.device_id, received_at },
                pusher,
                change,
                incoming,
            );
        };
        let incoming = &incoming.lead;
        if stored.owner_id != pusher.user.id {
            // An officer the lead was handed away from may have changed it before their tablet
            // learned: the change is merged like any other (a withdrawal is not theirs to make).
            let former = self.former_owners.get(&incoming.id.to_string()).is_some_and(|o| o.contains(&pusher.user.id));
            if !former || incoming.withdrawn.is_some() && stored.lead.withdrawn.is_none() {
                return Ok(rejected(change, RejectReason::NotYourLead));
            }
            self.handed_off.insert((pusher.user.id, incoming.id));
        }
        let base = change.base_version as i64;
        if base > stored.version {
            let message = format!("base version {base} is ahead of the server's version {}", stored.version);
            return Ok(rejected(change, RejectReason::Malformed { message }));
        }
        if change.changed.is_empty() {
            return Ok(rejected(change, RejectReason::Malformed { message: "the change names no changed attribute".into() }));
        }
        // The pipeline is moved by managers on the server: a tablet's copy of it (a new lead's
        // change names every attribute) is never taken.
        // Nor is an erasure: the server records it (and an erased lead's parser drops any personal
        // data a tablet still sends).
        let officer_attrs: Vec<LeadAttr> =
            change.changed.iter().copied().filter(|a| !matches!(a, LeadAttr::Pipeline | LeadAttr::Erased)).collect();
        let mut merged = stored.lead.clone();
        merged.take_attrs(incoming, &officer_attrs);
        merged.updated_at = merged.updated_at.max(incoming.updated_at.min(received_at));
        // A withdrawal is the server's record of who withdrew the lead and when: the pushing
        // officer, no later than it arrived; a lead withdrawn already stays as it was withdrawn.
        merged.withdrawn = match (&stored.lead.withdrawn, merged.withdrawn.take()) {
            (Some(first), Some(_)) => Some(first.clone()),
            (None, Some(_)) if !Withdrawal::allowed_at(stored.lead.pipeline.stage) => {
                return Ok(rejected(change, RejectReason::NotWithdrawable { stage: stored.lead.pipeline.stage }));
            }
            (None, Some(new)) => Some(Withdrawal { at: new.at.min(received_at), by: pusher.user.username.clone(), reason: new.reason }),
            (_, None) => None,
        };
        let merged = match merged.normalized() {
            Ok(lead) => lead,
            Err(errors) => return Ok(rejected(change, RejectReason::Invalid { errors })),
        };
        let status = if base == stored.version { ChangeStatus::Applied } else { ChangeStatus::Merged };
        let effective = stored.lead.changed_attrs(&merged);
        // A tablet still holding an erased contact's data gets the lead again, so its copy loses it.
        let resend = stored.lead.erased.is_some() && incoming.has_personal_data();
        if effective.is_empty() && !resend {
            // Every changed value was already there: nothing new to store.
            return Ok(answered(change, status, stored.version));
        }
        let (old_json, new_json) = (to_json(&stored.lead)?, to_json(&merged)?);
        let version = stored.version + 1;
        let mut attr_versions = stored.attr_versions.clone();
        let mut entries = Vec::with_capacity(effective.len());
        for attr in &effective {
            let changed_elsewhere = stored.attr_versions.get(attr).copied().unwrap_or(0) > base;
            attr_versions.insert(*attr, version);
            entries.push(self.entry(
                pusher,
                change,
                attr.name(),
                Some(old_json[attr.name()].to_string()),
                new_json[attr.name()].to_string(),
                changed_elsewhere,
            ));
        }
        let owner_id = stored.owner_id;
        let seq = self.take_seq();
        self.history.extend(entries);
        self.stored.insert(merged.id, StoredLead { owner_id, version, seq, lead: merged, attr_versions });
        self.updated.insert(incoming.id);
        Ok(answered(change, status, version))
    }

    /// A lead the server has not seen: stored as the tablet sent it, owned by the pusher. The trail
    /// records the creation as one entry holding the whole lead, the only copy of its JSON until
    /// the lead changes.
    fn create(
        &mut self,
        from: Provenance,
        pusher: &Pusher<'a>,
        change: &LeadChange,
        incoming: &'a Incoming,
    ) -> Result<ChangeResult, sqlx::Error> {
        let lead = as_created(incoming.lead.clone(), from);
        let packed = match &incoming.created_packed {
            Some(packed) => packed.clone(),
            None => packed::pack(&serde_json::to_string(&lead).map_err(|e| sqlx::Error::Encode(Box::new(e)))?),
        };
        self.history.push(HistoryEntry::created(
            lead.id.to_string(),
            Some(change.change_id.to_string()),
            pusher.user.id,
            pusher.device_id.to_owned(),
            packed,
            self.at.clone(),
        ));
        let seq = self.take_seq();
        let id = lead.id;
        self.stored.insert(id, StoredLead::first_version(pusher.user.id, seq, lead));
        self.created.insert(id, pusher.device_id);
        Ok(answered(change, ChangeStatus::Applied, 1))
    }
}
