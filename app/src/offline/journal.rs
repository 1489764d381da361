//! The journal: the tablet's second, independent copy of every lead saved on it and every change
//! queued, one line per write, appended in the Origin Private File System (by `public/journal.js`,
//! see `journal_client`) before the officer is told "saved". Browsers delete an IndexedDB database
//! they cannot recover (seen when a write fails on a full disk); the journal is how the tablet
//! gets its leads back. This module is the journal's format and its replay: pure functions,
//! unit-tested natively.
//!
//! Lines (JSON, one per line, tagged by `t`):
//! - `put`: a lead record as stored, with the change queued by that save, if any;
//! - `delete`: the officer deleted a lead on the tablet;
//! - `ack`: the server acknowledged these changes (they leave the outbox);
//! - `versions`: the server's versions of leads it acknowledged (a few bytes per lead, where a
//!   `put` would copy the whole record again).
//!
//! Replaying the lines in order gives the leads and the queued changes the tablet should hold;
//! [`restore`] compares that with what IndexedDB holds and says what to write back.

use std::collections::{BTreeMap, BTreeSet};

use domain::LeadId;
use serde::{Deserialize, Serialize};

use super::outbox::OutboxEntry;
use super::record::LeadRecord;

/// One line of the journal. (Lines live only between a write and its append, or while a replay
/// reads them: their size does not matter.)
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum JournalLine {
    Put {
        record: LeadRecord,
        #[serde(default)]
        entry: Option<OutboxEntry>,
    },
    Delete {
        id: LeadId,
    },
    Ack {
        change_ids: Vec<String>,
    },
    Versions {
        versions: BTreeMap<LeadId, u64>,
    },
}

/// What the journal says the tablet holds.
#[derive(Debug, Default, PartialEq)]
pub struct Replayed {
    pub records: BTreeMap<LeadId, LeadRecord>,
    /// Changes queued and not acknowledged, by change id.
    pub entries: BTreeMap<String, OutboxEntry>,
}

/// Replays journal lines in the order they were written.
pub fn replay(lines: impl IntoIterator<Item = JournalLine>) -> Replayed {
    let mut replayed = Replayed::default();
    let mut acked = BTreeSet::new();
    for line in lines {
        match line {
            JournalLine::Put { record, entry } => {
                let id = record.lead.id;
                // A lead pulled in an older version must not replace a newer one saved here.
                let newer = replayed.records.get(&id).is_none_or(|known| known.lead.updated_at <= record.lead.updated_at);
                if newer {
                    replayed.records.insert(id, record);
                }
                if let Some(entry) = entry.filter(|e| !acked.contains(&e.change_id)) {
                    replayed.entries.insert(entry.change_id.clone(), entry);
                }
            }
            JournalLine::Delete { id } => {
                replayed.records.remove(&id);
                replayed.entries.retain(|_, e| e.change.lead.id != id);
            }
            JournalLine::Ack { change_ids } => {
                for id in change_ids {
                    replayed.entries.remove(&id);
                    acked.insert(id);
                }
            }
            JournalLine::Versions { versions } => {
                for (id, version) in versions {
                    if let Some(record) = replayed.records.get_mut(&id) {
                        record.server_version = record.server_version.max(version);
                    }
                }
            }
        }
    }
    replayed
}

/// What the tablet's IndexedDB holds, as far as a restore needs to know.
#[derive(Debug, Default)]
pub struct Held {
    /// Each stored lead's `updated_at` (RFC 3339, as in its record).
    pub leads: BTreeMap<LeadId, String>,
    /// The change ids in the outbox and among the refused changes.
    pub change_ids: BTreeSet<String>,
}

/// What to write back into IndexedDB.
#[derive(Debug, Default, PartialEq)]
pub struct Restore {
    pub records: Vec<LeadRecord>,
    pub entries: Vec<OutboxEntry>,
}

impl Restore {
    pub fn is_empty(&self) -> bool {
        self.records.is_empty() && self.entries.is_empty()
    }
}

/// Compares the journal with what IndexedDB holds: a lead it lacks, or holds in an older version
/// than the journal's, is written back; so is a queued change it lacks whose lead it does not
/// hold at least as new (one the server acknowledged after the journal last heard of it is
/// resent: the server knows its id and answers it as a duplicate).
pub fn restore(journal: Replayed, held: &Held) -> Restore {
    let mut out = Restore::default();
    let older = |id: &LeadId, updated_at: &str| held.leads.get(id).is_none_or(|have| have.as_str() < updated_at);
    for (id, record) in journal.records {
        if older(&id, &record.updated_at) {
            out.records.push(record);
        }
    }
    for entry in journal.entries.into_values() {
        let updated_at = domain::time::rfc3339::format(entry.change.lead.updated_at);
        if !held.change_ids.contains(&entry.change_id) && older(&entry.change.lead.id, &updated_at) {
            out.entries.push(entry);
        }
    }
    out
}

#[cfg(test)]
mod tests;
