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
//!   `put` would copy the whole record again);
//! - `queue`: a change waiting for the server, written by a compaction (see below).
//!
//! Replaying the lines in order gives the leads and the queued changes the tablet should hold;
//! [`restore`] compares that with what IndexedDB holds and says what to write back.
//!
//! **Compaction.** The log only grows (every save, acknowledgement and pulled lead adds a line),
//! and a start reads all of it. From time to time ([`should_compact`]) the replayed state is
//! written as a snapshot ([`snapshot_lines`]): one `put` per lead and one `queue` per change still
//! waiting, nothing of a lead deleted, handed away or overwritten (an erased contact's old
//! values leave the tablet's disk with it). There are two snapshot files, used in turn: the new
//! snapshot goes into the one not in use, between a header ([`snapshot_header`]) and an end line
//! that gives its length and checksum (written by the worker, which first appends to it the log's
//! lines written since the state was read); only once it is flushed are the log and the older
//! snapshot emptied. A crash at any point leaves either the old snapshot and the whole log, or a
//! whole new snapshot: [`newest_snapshot`] takes the newest snapshot whose end line matches.

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
    Queue {
        entry: OutboxEntry,
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
            JournalLine::Queue { entry } => {
                if !acked.contains(&entry.change_id) {
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
pub fn restore(journal: &Replayed, held: &Held) -> Restore {
    let mut out = Restore::default();
    let older = |id: &LeadId, updated_at: &str| held.leads.get(id).is_none_or(|have| have.as_str() < updated_at);
    for (id, record) in &journal.records {
        if older(id, &record.updated_at) {
            out.records.push(record.clone());
        }
    }
    for entry in journal.entries.values() {
        let updated_at = domain::time::rfc3339::format(entry.change.lead.updated_at);
        if !held.change_ids.contains(&entry.change_id) && older(&entry.change.lead.id, &updated_at) {
            out.entries.push(entry.clone());
        }
    }
    out
}

/// The journal's files as the worker names them: the log, then the two snapshot files.
pub const LOG_FILE: &str = "journal.log";
pub const SNAPSHOT_FILES: [&str; 2] = ["snapshot-a.log", "snapshot-b.log"];

/// The log is compacted once it holds at least this many bytes...
pub const COMPACT_FROM_BYTES: u64 = 512 << 10;

/// ...and at least half as many as the snapshot it would be folded into: the journal then stays
/// within about twice what the tablet holds, and each byte is rewritten a few times at most.
pub fn should_compact(log_bytes: u64, snapshot_bytes: u64) -> bool {
    log_bytes >= COMPACT_FROM_BYTES && log_bytes >= snapshot_bytes / 2
}

/// The lines that stand for a replayed state: a `put` per lead, then a `queue` per waiting change.
/// Replaying them gives the same state back.
pub fn snapshot_lines(state: &Replayed) -> Vec<JournalLine> {
    let records = state.records.values().map(|record| JournalLine::Put { record: record.clone(), entry: None });
    let entries = state.entries.values().map(|entry| JournalLine::Queue { entry: entry.clone() });
    records.chain(entries).collect()
}

/// The first line of snapshot number `seq`.
pub fn snapshot_header(seq: u64) -> String {
    format!("{{\"t\":\"snapshot\",\"seq\":{seq}}}\n")
}

/// The last line of a snapshot, as the worker writes it: its number, and the length and checksum
/// ([`checksum`]) of every byte before this line.
pub fn snapshot_end(seq: u64, bytes: u64, fnv: u32) -> String {
    format!("{{\"t\":\"end\",\"seq\":{seq},\"bytes\":{bytes},\"fnv\":{fnv}}}\n")
}

/// FNV-1a, 32 bits: the snapshot's checksum (the worker computes the same in JavaScript).
pub fn checksum(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5_u32, |hash, b| (hash ^ u32::from(*b)).wrapping_mul(0x0100_0193))
}

/// A snapshot file read back, if it is whole: its number and its lines (without header and end).
pub fn read_snapshot(text: &str) -> Option<(u64, &str)> {
    let body_end = text.strip_suffix('\n')?.rfind('\n')? + 1;
    let (before, end) = text.split_at(body_end);
    let first = before.find('\n')? + 1;
    let seq: u64 = before[..first].strip_prefix("{\"t\":\"snapshot\",\"seq\":")?.strip_suffix("}\n")?.parse().ok()?;
    let fields = end.strip_prefix(&format!("{{\"t\":\"end\",\"seq\":{seq},\"bytes\":"))?.strip_suffix("}\n")?;
    let (bytes, fnv) = fields.split_once(",\"fnv\":")?;
    let whole = bytes.parse::<usize>().ok()? == before.len() && fnv.parse::<u32>().ok()? == checksum(before.as_bytes());
    whole.then(|| (seq, &before[first..]))
}

/// Of the two snapshot files, the whole one with the highest number: its place in
/// [`SNAPSHOT_FILES`], its number and its lines.
pub fn newest_snapshot(files: [&str; 2]) -> Option<(usize, u64, &str)> {
    files
        .iter()
        .enumerate()
        .filter_map(|(slot, text)| read_snapshot(text).map(|(seq, body)| (slot, seq, body)))
        .max_by_key(|(_, seq, _)| *seq)
}

#[cfg(test)]
mod tests;
