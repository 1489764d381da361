//! The durable lead store: one IndexedDB record per lead (see `record` for the format), the outbox
//! of changes waiting for the server (see `outbox`), and the sync cursor.
//!
//! Every write is one readwrite transaction with strict durability, committed before the call
//! returns: when `save` says Ok, the lead and its queued change are on disk, together, and survive
//! a crash or a reload. A failed write (quota exceeded, ...) aborts only its own transaction.
//!
//! Every write is also appended to the journal (`journal`, in the Origin Private File System)
//! before the call returns, so that a database the browser deletes (it does, when a write fails
//! on a full disk) is rebuilt from it at the next start ([`LeadStore::reconcile_with_journal`]).
//!
//! Database versions and their migrations (run by the browser in `onupgradeneeded`):
//! - 1: object store `leads`, key path `id`.
//! - 2: index `by_updated_at` on `leads`; object store `outbox` (key path `change_id`) for the
//!   changes waiting to be synced. Records written at version 1 stay as they are and are upgraded
//!   when read ([`super::record::read_record`]).
//! - 3: object store `meta` (key path `key`): the sync cursor, written in the same transaction as
//!   the pulled leads it stands for.
//! - 4: so that no sync round reads the whole outbox: index `by_queue` on `outbox.queued_at` (ties
//!   in key order, the change id: together the queue order), through which a round reads just the
//!   head it sends; index `by_lead` on `change.lead.id`; object store `rejected` (key path
//!   `change_id`, index `by_lead`) for the changes the server refused, moved out of the outbox; and
//!   in `meta` the pending count (`pending`: how many changes the outbox holds), kept by every
//!   write that queues or removes one, in the same transaction. A database opened for the first
//!   time at this version is prepared once ([`LeadStore::open`]): refused changes move to
//!   `rejected`, the outbox is counted, and leads stored before the tablet had sync are queued.
//! - 5: object store `versions` (key path `id`: `{id, version}`), the server's version of a lead
//!   as a sync answer acknowledged it, so that applying an answer writes a number for each
//!   acknowledged lead instead of its whole record. A lead's server version is the greater of its
//!   record's and its entry's ([`with_version`]: the server's versions of a lead only grow); a
//!   record written whole carries that greater one, and the entry goes with the lead.

use std::collections::{BTreeMap, BTreeSet};

use domain::sync::ServerLead;
use domain::{Lead, LeadId};
use indexed_db_futures::database::{Database, VersionChangeEvent};
use indexed_db_futures::error::Error as IdbError;
use indexed_db_futures::object_store::ObjectStore;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{Transaction, TransactionDurability, TransactionMode, TransactionOptions};
use indexed_db_futures::KeyRange;
use indexed_db_futures::SerialiseToJs;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;

use super::journal::{self, Held, JournalLine};
use super::journal_client::{encode_sliced, Journal};
use super::outbox::{changes_anything, plan, withdraw, Acknowledgement, NotWithdrawable, OutboxEntry, RoundState};
use super::record::{read_record, LeadRecord};
use super::Slices;

const DB_NAME: &str = "zhaoshang";
/// The database version this build opens; see the module comment for what each version adds.
pub const DB_VERSION: u32 = 5;
const LEADS: &str = "leads";
const VERSIONS: &str = "versions";
const OUTBOX: &str = "outbox";
const REJECTED: &str = "rejected";
const META: &str = "meta";
const BY_QUEUE: &str = "by_queue";
const BY_LEAD: &str = "by_lead";
const CURSOR_KEY: &str = "sync_cursor";
const PENDING_KEY: &str = "pending";
/// Most changes one transaction of a sync answer applies (see [`LeadStore::apply_sync`]).
const APPLY_CHUNK: usize = 100;

/// Why the store could not do what was asked.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// IndexedDB is missing or refused to open (private browsing, disabled storage).
    #[error("local storage unavailable: {0}")]
    Unavailable(String),
    /// The browser's quota for this site is used up: the write was not made.
    #[error("local storage is full")]
    QuotaExceeded,
    /// The browser closed the connection to the database (it does after a write fails on a full
    /// disk, sometimes deleting the database): open it again.
    #[error("the database connection is closing")]
    Closed,
    /// Any other failure of a read or write.
    #[error("local storage error: {0}")]
    Failed(String),
    /// The database did not take the write (`0`), but the journal did: the lead is safe on the
    /// tablet and goes back into the database at the next start.
    #[error("kept in the journal only: {0}")]
    KeptInJournal(Box<StoreError>),
}

impl StoreError {
    /// The error a browser's `DOMException` of this name stands for.
    fn from_browser(name: &str, message: String) -> Self {
        match name {
            "QuotaExceededError" => StoreError::QuotaExceeded,
            "InvalidStateError" => StoreError::Closed,
            _ => StoreError::Failed(format!("{name}: {message}")),
        }
    }
}

impl From<IdbError> for StoreError {
    fn from(error: IdbError) -> Self {
        if is_quota(&error) {
            StoreError::QuotaExceeded
        } else if matches!(&error, IdbError::DomException(e) if e.name() == "InvalidStateError") {
            StoreError::Closed
        } else {
            StoreError::Failed(error.to_string())
        }
    }
}

fn is_quota(error: &IdbError) -> bool {
    matches!(error, IdbError::DomException(e) if e.name() == "QuotaExceededError")
}

/// An open handle on the lead store. Cheap to clone (it is a reference to the browser's database
/// and to the journal's worker).
#[derive(Clone)]
pub struct LeadStore {
    db: Database,
    journal: Option<Journal>,
}

/// What comparing the database with the journal did at start.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Reconciled {
    /// Leads written back into the database from the journal (it had lost them), but for
    /// withdrawn ones (written back too, until the server has their withdrawal).
    pub restored: usize,
    /// Queued changes written back (but for withdrawals, written back too).
    pub requeued: usize,
    /// Leads the journal lacked (stored before it existed), now appended to it.
    pub journaled: usize,
    /// Journal lines that could not be read.
    pub unreadable: usize,
    /// The journal's log was folded into a new snapshot.
    pub compacted: bool,
    /// Leads the database lacks and could not take back (its disk is full): only the journal
    /// holds them until a later start writes them back. To show all the same.
    pub unstored: Vec<Lead>,
}

/// What applying a sync answer did.
pub struct Applied {
    /// Leads whose content on the tablet changed (to show).
    pub changed: Vec<Lead>,
    /// Leads handed to another officer, gone from the tablet (to take off the list).
    pub handed_off: Vec<LeadId>,
    /// Changes still waiting to be sent.
    pub pending: u64,
}

/// The head of the outbox, as [`LeadStore::outbox_head`] read it.
#[derive(Default)]
pub struct Head {
    /// The queued changes, decoded, in queue order.
    pub entries: Vec<OutboxEntry>,
    /// Each change as the browser stored it, by change id: what the server is sent, as it is
    /// (the same fields as the decoded change, through the same serde types on both ends), so
    /// that a round does not encode again what it has just decoded.
    pub stored: BTreeMap<String, JsValue>,
}

/// What reading every stored lead found.
pub struct Loaded {
    pub records: Vec<LeadRecord>,
    /// Records that could not be read (kept untouched in the database, never deleted).
    pub unreadable: usize,
}

impl LeadStore {
    /// Opens the database, creating or migrating it to [`DB_VERSION`], and the journal.
    pub async fn open() -> Result<Self, StoreError> {
        let (db, journal) = futures::future::join(open_database(), Journal::start()).await;
        let store = LeadStore { db: db?, journal };
        store.prepare().await?;
        Ok(store)
    }

    /// The same store on a new connection to the database (the browser closed the old one),
    /// keeping the journal's worker, which holds the journal's file.
    pub async fn reopened(&self) -> Result<Self, StoreError> {
        let store = LeadStore { db: open_database().await?, journal: self.journal.clone() };
        store.prepare().await?;
        Ok(store)
    }

    /// Prepares a database opened for the first time at this version (see the module comment);
    /// one read for a database already prepared. Reads every queued change and every lead, once.
    async fn prepare(&self) -> Result<(), StoreError> {
        let tx = self.write_transaction(&[LEADS, OUTBOX, REJECTED, META])?;
        let meta = tx.object_store(META)?;
        if read_number(&meta, PENDING_KEY).await?.is_some() {
            return commit(tx).await;
        }
        let (outbox, rejected) = (tx.object_store(OUTBOX)?, tx.object_store(REJECTED)?);
        let entries = read_all::<OutboxEntry>(&outbox).await?;
        let queued: BTreeSet<LeadId> = entries.iter().map(|e| e.change.lead.id).collect();
        let mut pending = 0;
        for entry in &entries {
            if entry.is_pending() {
                pending += 1;
            } else {
                outbox.delete(entry.change_id.clone()).primitive()?;
                rejected.put(entry).serde()?;
            }
        }
        // Leads stored before the tablet had sync: the server has never seen them.
        let mut lines = Vec::new();
        for record in read_all_records(&tx.object_store(LEADS)?).await?.into_iter().flatten() {
            if record.server_version == 0 && !queued.contains(&record.lead.id) {
                if let Some(entry) = OutboxEntry::for_save(None, &record.lead) {
                    outbox.put(&entry).serde()?;
                    pending += 1;
                    lines.push(JournalLine::Put { record, entry: Some(entry) });
                }
            }
        }
        write_number(&meta, PENDING_KEY, pending)?;
        commit(tx).await?;
        self.journal_after(lines).await;
        Ok(())
    }

    /// The journal, where the browser has one.
    pub fn journal(&self) -> Option<&Journal> {
        self.journal.as_ref()
    }

    /// Appends `lines` to the journal (if any), logging a failure: for writes whose database
    /// commit is what the caller relies on.
    async fn journal_after(&self, lines: Vec<JournalLine>) {
        if let (Some(journal), false) = (&self.journal, lines.is_empty()) {
            let appended = match encode_sliced(&lines).await {
                Ok(text) => journal.append_encoded(text).await,
                Err(error) => Err(error),
            };
            if let Err(error) = appended {
                leptos::logging::warn!("journal: {error}");
            }
        }
    }
}

/// Opens the database, creating or migrating it to [`DB_VERSION`] (see the module comment).
async fn open_database() -> Result<Database, StoreError> {
    Database::open(DB_NAME)
        .with_version(DB_VERSION)
        .with_on_upgrade_needed(|event: VersionChangeEvent, db: Database| {
            let old = event.old_version() as u32;
            if old < 1 {
                db.create_object_store(LEADS).with_key_path("id".into()).build()?;
            }
            if old < 2 {
                // The upgrade callback gets no handle on the versionchange transaction; a store
                // created in it does, and through it we reach the existing `leads` store.
                let outbox = db.create_object_store(OUTBOX).with_key_path("change_id".into()).build()?;
                let leads = outbox.transaction().object_store(LEADS)?;
                leads.create_index("by_updated_at", "updated_at".into()).build()?;
            }
            if old < 3 {
                db.create_object_store(META).with_key_path("key".into()).build()?;
            }
            if old < 4 {
                let rejected = db.create_object_store(REJECTED).with_key_path("change_id".into()).build()?;
                rejected.create_index(BY_LEAD, "change.lead.id".into()).build()?;
                let outbox = rejected.transaction().object_store(OUTBOX)?;
                outbox.create_index(BY_QUEUE, "queued_at".into()).build()?;
                outbox.create_index(BY_LEAD, "change.lead.id".into()).build()?;
            }
            if old < 5 {
                db.create_object_store(VERSIONS).with_key_path("id".into()).build()?;
            }
            Ok(())
        })
        .await
        .map_err(|e| StoreError::Unavailable(e.to_string()))
}

impl LeadStore {
    /// Every stored lead, upgraded from older record schemas as needed.
    /// Read a page at a time, in slices: a tablet with 10,000 leads stays responsive meanwhile.
    pub async fn load_all(&self) -> Result<Loaded, StoreError> {
        let mut loaded = Loaded { records: Vec::new(), unreadable: 0 };
        let versions: BTreeMap<String, u64> = self
            .read_paged(VERSIONS, "id", |value| {
                Some((js_sys::Reflect::get(&value, &"id".into()).ok()?.as_string()?, entry_version(Some(value))?))
            })
            .await?
            .into_iter()
            .flatten()
            .collect();
        for record in self.read_paged(LEADS, "id", decode_record).await? {
            match record {
                Ok(record) => {
                    let version = versions.get(&record.lead.id.to_string()).copied();
                    loaded.records.push(with_version(record, version));
                }
                Err(error) => {
                    leptos::logging::warn!("skipping unreadable lead record: {error}");
                    loaded.unreadable += 1;
                }
            }
        }
        Ok(loaded)
    }

    /// Stores `lead` and queues its change for the server, in one durable transaction. Returns
    /// whether a change was queued (a save that changes nothing stores and queues nothing).
    /// `new` says the lead was just captured, with an id no record has.
    pub async fn save(&self, lead: &Lead, new: bool) -> Result<bool, StoreError> {
        if new {
            // Nothing to read first. The journal's line and the database write go out together and
            // each succeeds or fails on its own: a database that cannot be written (closed, full)
            // still leaves the lead safe in the journal.
            let record = LeadRecord::new(lead.clone());
            let entry = OutboxEntry::for_save(None, lead);
            let line = JournalLine::Put { record: record.clone(), entry: entry.clone() };
            if let Some(journal) = &self.journal {
                // The worker writes both (see `Journal::save`): it hears of the commit at once,
                // where the page would hear of its own only after the next frame.
                let mut puts = vec![(LEADS, record.serialise_to_js()?)];
                if let Some(entry) = &entry {
                    puts.push((OUTBOX, entry.serialise_to_js()?));
                }
                crate::perf::capture_step("zs-capture-posted");
                if let Ok(saved) = journal.save(&line, &puts, i64::from(entry.is_some()), DB_VERSION).await {
                    crate::perf::capture_durable_at(saved.durable_at);
                    let committed = saved.database.map_err(|(name, message)| StoreError::from_browser(&name, message));
                    return settle(committed, Some(saved.journal)).map(|()| entry.is_some());
                }
                // The worker could not be asked: the page writes both itself, as below.
            }
            let journaled = self.journal.as_ref().map(|j| j.append(std::slice::from_ref(&line)));
            crate::perf::capture_step("zs-capture-posted");
            let committed = self.write_new(&record, entry.as_ref()).await;
            crate::perf::capture_durable_at(None);
            let journaled = match journaled {
                Some(appended) => Some(appended.await),
                None => None,
            };
            crate::perf::capture_step("zs-capture-journaled");
            return settle(committed, journaled).map(|()| entry.is_some());
        }
        let tx = self.write_transaction(&[LEADS, VERSIONS, OUTBOX, META])?;
        let leads = tx.object_store(LEADS)?;
        let previous = read_record_by_id(&leads, &tx.object_store(VERSIONS)?, lead.id).await?;
        if !changes_anything(previous.as_ref(), lead) {
            return Ok(false);
        }
        let mut record = LeadRecord::new(lead.clone());
        record.server_version = previous.as_ref().map_or(0, |p| p.server_version);
        let entry = OutboxEntry::for_save(previous.as_ref(), lead);
        // Queued with the worker before the database write starts: both happen at once, and the
        // officer is told "saved" only when both answered.
        let journaled = self.journal.as_ref().map(|j| j.append(&[JournalLine::Put { record: record.clone(), entry: entry.clone() }]));
        let written = async {
            if let Some(entry) = &entry {
                tx.object_store(OUTBOX)?.put(entry).serde()?;
            }
            leads.put(&record).serde()?;
            if entry.is_some() {
                add_pending(&tx.object_store(META)?, 1).await?;
            }
            Ok::<(), StoreError>(())
        }
        .await;
        let committed = match written {
            Ok(()) => commit(tx).await,
            Err(error) => Err(error),
        };
        let journaled = match journaled {
            Some(appended) => Some(appended.await),
            None => None,
        };
        settle(committed, journaled).map(|()| entry.is_some())
    }

    async fn write_new(&self, record: &LeadRecord, entry: Option<&OutboxEntry>) -> Result<(), StoreError> {
        let tx = self.write_transaction(&[LEADS, OUTBOX, META])?;
        if let Some(entry) = entry {
            tx.object_store(OUTBOX)?.put(entry).serde()?;
        }
        tx.object_store(LEADS)?.put(record).serde()?;
        if entry.is_some() {
            add_pending(&tx.object_store(META)?, 1).await?;
        }
        commit(tx).await
    }

    /// Deletes a lead on the tablet, as the officer does: the lead is withdrawn ([`withdraw`]),
    /// its record kept (withdrawn, out of every list) with the withdrawal queued, in one durable
    /// transaction, until the server has it. A lead the server has never acknowledged loses its
    /// earlier changes, queued and refused. Returns the lead as it was (for an undo), or why it
    /// cannot be withdrawn; `None` if there is no such lead.
    pub async fn withdraw(&self, id: LeadId, by: &str, reason: &str) -> Result<Option<Result<Lead, NotWithdrawable>>, StoreError> {
        let tx = self.write_transaction(&[LEADS, VERSIONS, OUTBOX, REJECTED, META])?;
        let (leads, outbox, rejected) = (tx.object_store(LEADS)?, tx.object_store(OUTBOX)?, tx.object_store(REJECTED)?);
        let Some(previous) = read_record_by_id(&leads, &tx.object_store(VERSIONS)?, id).await? else { return Ok(None) };
        let withdrawn = match withdraw(&previous, by, reason, domain::time::now()) {
            Ok(withdrawn) => withdrawn,
            Err(why) => return Ok(Some(Err(why))),
        };
        let mut delta = 0;
        let mut lines = Vec::new();
        if withdrawn.drop_queued {
            let queued = outbox.index(BY_LEAD)?.get_all_keys::<JsValue>().with_query::<String, _>(id.to_string()).primitive()?;
            let refused = rejected.index(BY_LEAD)?.get_all_keys::<JsValue>().with_query::<String, _>(id.to_string()).primitive()?;
            for key in queued.await? {
                outbox.delete(key?).primitive()?;
                delta -= 1;
            }
            for key in refused.await? {
                rejected.delete(key?).primitive()?;
            }
            // The journal forgets them too.
            lines.push(JournalLine::Delete { id });
        }
        let mut record = LeadRecord::new(withdrawn.lead.clone());
        record.server_version = previous.server_version;
        let entry = OutboxEntry::for_save((!withdrawn.drop_queued).then_some(&previous), &withdrawn.lead);
        if let Some(entry) = &entry {
            outbox.put(entry).serde()?;
            delta += 1;
        }
        leads.put(&record).serde()?;
        if delta != 0 {
            add_pending(&tx.object_store(META)?, delta).await?;
        }
        lines.push(JournalLine::Put { record, entry });
        // The journal's lines are appended while the database commits, and waited for, as a save's.
        let journaled = self.journal.as_ref().map(|j| j.append(&lines));
        let committed = commit(tx).await;
        let journaled = match journaled {
            Some(appended) => Some(appended.await),
            None => None,
        };
        settle(committed, journaled)?;
        Ok(Some(Ok(previous.lead)))
    }

    /// The oldest `max` changes waiting to be sent, in queue order, read through the queue's index
    /// (a queued change that cannot be read is skipped, and logged).
    pub async fn outbox_head(&self, max: usize) -> Result<Head, StoreError> {
        self.read_head(None, max).await
    }

    /// The oldest `max` changes waiting to be sent after `sent`, the batch a sync round took from
    /// the head (in queue order) and has not had answered yet: what the next round sends, read
    /// while this round's request is out.
    pub async fn outbox_head_after(&self, sent: &[OutboxEntry], max: usize) -> Result<Head, StoreError> {
        let Some(last) = sent.last() else { return self.outbox_head(max).await };
        // Read from the last one's time on: the batch's changes queued in that same millisecond
        // come again, and are left out.
        let ties: BTreeSet<&str> = sent.iter().filter(|e| e.queued_at == last.queued_at).map(|e| e.change_id.as_str()).collect();
        let mut head = self.read_head(Some(&last.queued_at), max + ties.len()).await?;
        head.entries.retain(|e| !ties.contains(e.change_id.as_str()));
        Ok(head)
    }

    /// The first `max` changes of the queue's index, from `from` (a `queued_at`) on if given.
    async fn read_head(&self, from: Option<&str>, max: usize) -> Result<Head, StoreError> {
        let max = max.min(u32::MAX as usize) as u32;
        let values = {
            let tx = self.db.transaction(OUTBOX).build()?;
            let outbox = tx.object_store(OUTBOX)?;
            let index = outbox.index(BY_QUEUE)?;
            let values = match from {
                None => index.get_all::<JsValue>().with_limit(max).primitive()?.await?,
                Some(from) => {
                    let range = KeyRange::LowerBound(from.to_owned(), false);
                    index.get_all::<JsValue>().with_query::<String, _>(range).with_limit(max).primitive()?.await?
                }
            };
            values.collect::<Result<Vec<JsValue>, _>>()?
        };
        let mut slices = Slices::new();
        let mut head = Head { entries: Vec::with_capacity(values.len()), stored: BTreeMap::new() };
        for value in values {
            let change = js_sys::Reflect::get(&value, &"change".into());
            match serde_wasm_bindgen::from_value::<OutboxEntry>(value) {
                Ok(entry) => {
                    if let Ok(change) = change {
                        head.stored.insert(entry.change_id.clone(), change);
                    }
                    head.entries.push(entry);
                }
                Err(error) => leptos::logging::warn!("skipping an unreadable queued change: {error}"),
            }
            slices.tick().await;
        }
        Ok(head)
    }

    /// How many changes wait to be sent: the figure the store keeps, one read.
    pub async fn pending_count(&self) -> Result<u64, StoreError> {
        let tx = self.db.transaction(META).build()?;
        Ok(read_number(&tx.object_store(META)?, PENDING_KEY).await?.unwrap_or(0))
    }

    /// Counts the outbox and keeps that as the pending count, in one transaction: for when the
    /// kept figure and the outbox disagree (the sync found nothing to send though the count said
    /// otherwise). Returns the count.
    pub async fn recount_pending(&self) -> Result<u64, StoreError> {
        let tx = self.write_transaction(&[OUTBOX, META])?;
        let count = u64::from(tx.object_store(OUTBOX)?.count().primitive()?.await?);
        write_number(&tx.object_store(META)?, PENDING_KEY, count)?;
        commit(tx).await?;
        Ok(count)
    }

    /// The changes the server refused, kept for the officer to look at.
    pub async fn refused(&self) -> Result<Vec<OutboxEntry>, StoreError> {
        let tx = self.db.transaction(REJECTED).build()?;
        read_all(&tx.object_store(REJECTED)?).await
    }

    /// How many refused changes wait for the officer.
    pub async fn refused_count(&self) -> Result<u64, StoreError> {
        let tx = self.db.transaction(REJECTED).build()?;
        Ok(u64::from(tx.object_store(REJECTED)?.count().primitive()?.await?))
    }

    /// The sync cursor: where the last pull ended (0 before the first).
    pub async fn cursor(&self) -> Result<u64, StoreError> {
        let tx = self.db.transaction(META).build()?;
        Ok(read_number(&tx.object_store(META)?, CURSOR_KEY).await?.unwrap_or(0))
    }

    /// Applies a sync answer to the changes `sent`: acknowledged changes leave the outbox, refused
    /// ones move to the refused changes, versions are recorded, pulled leads are stored, and the
    /// cursor moves. Reads and writes only what the answer concerns. Returns the leads whose
    /// tablet copy changed and the pending count after.
    ///
    /// In transactions of [`APPLY_CHUNK`] changes, the last with the pulled leads, the leads gone and the cursor,
    /// so that an officer's save waits behind one short transaction at most. Their commits are
    /// relaxed (the browser need not wait for the disk), and the journal's lines for them are not
    /// waited for: lost in a crash, either only leaves changes queued, and the server answers
    /// their second sending as duplicates.
    pub async fn apply_sync(
        &self,
        sent: &[OutboxEntry],
        ack: &Acknowledgement,
        pulled: &[ServerLead],
        gone: &[LeadId],
        cursor: u64,
    ) -> Result<Applied, StoreError> {
        let chunks: Vec<&[OutboxEntry]> = if sent.is_empty() { vec![&[]] } else { sent.chunks(APPLY_CHUNK).collect() };
        let mut parts = ack.split(&chunks);
        let mut applied = Applied { changed: Vec::new(), handed_off: Vec::new(), pending: 0 };
        let last = chunks.len() - 1;
        for (i, (chunk, part)) in chunks.into_iter().zip(parts.drain(..)).enumerate() {
            let (pulled, gone, cursor) = if i == last { (pulled, gone, Some(cursor)) } else { (&[][..], &[][..], None) };
            let done = self.apply_chunk(chunk, &part, pulled, gone, cursor).await?;
            applied.changed.extend(done.changed);
            applied.handed_off.extend(done.handed_off);
            applied.pending = done.pending;
            if i != last {
                super::yield_now().await;
            }
        }
        Ok(applied)
    }

    /// One transaction of [`Self::apply_sync`]. It never yields to the browser in between (a
    /// transaction with no request pending at a turn of the event loop commits itself): the
    /// chunk is small enough not to need to.
    async fn apply_chunk(
        &self,
        sent: &[OutboxEntry],
        ack: &Acknowledgement,
        pulled: &[ServerLead],
        gone: &[LeadId],
        cursor: Option<u64>,
    ) -> Result<Applied, StoreError> {
        let tx = self.transaction_with(&[LEADS, VERSIONS, OUTBOX, REJECTED, META], TransactionDurability::Relaxed)?;
        let (leads, versions, outbox, rejected, meta) = (
            tx.object_store(LEADS)?,
            tx.object_store(VERSIONS)?,
            tx.object_store(OUTBOX)?,
            tx.object_store(REJECTED)?,
            tx.object_store(META)?,
        );
        // Every read is asked for at once: the database answers them in order, without a round
        // trip each.
        let count = meta.get::<JsValue, _, _>(PENDING_KEY.to_owned()).primitive()?;
        let refused = rejected.get_all::<JsValue>().primitive()?;
        // The sent changes still queued: their keys, in one read of the key range they span.
        let span = match (sent.iter().map(|e| &e.change_id).min(), sent.iter().map(|e| &e.change_id).max()) {
            (Some(low), Some(high)) => {
                let span = KeyRange::Bound(low.clone(), false, high.clone(), false);
                Some((low.clone(), high.clone(), outbox.get_all_keys::<JsValue>().with_query::<String, _>(span).primitive()?))
            }
            _ => None,
        };
        // Pulled leads and leads handed away are read whole, with their queued changes counted.
        let pulled_ids: BTreeSet<LeadId> = pulled.iter().map(|s| s.lead.id).chain(gone.iter().copied()).collect();
        let mut full = Vec::new();
        for id in &pulled_ids {
            let key = id.to_string();
            full.push((*id, leads.get::<JsValue, _, _>(key.clone()).primitive()?, versions.get::<JsValue, _, _>(key).primitive()?));
        }
        let mut per_lead = Vec::new();
        let by_lead = outbox.index(BY_LEAD)?;
        for id in &pulled_ids {
            per_lead.push((*id, by_lead.count().with_query::<String, _>(id.to_string()).primitive()?));
        }
        // The leads of sent withdrawals are read whole, with their queued changes counted: their
        // records may go (one the server never had is answered without a version). The other
        // acknowledged leads are not read at all: they are only given their new version.
        let withdrawals: BTreeSet<LeadId> = sent
            .iter()
            .filter(|e| e.change.lead.withdrawn.is_some())
            .map(|e| e.change.lead.id)
            .filter(|id| !pulled_ids.contains(id))
            .collect();
        let mut withdrawn = Vec::new();
        for id in &withdrawals {
            let key = id.to_string();
            withdrawn.push((
                *id,
                leads.get::<JsValue, _, _>(key.clone()).primitive()?,
                versions.get::<JsValue, _, _>(key.clone()).primitive()?,
                by_lead.count().with_query::<String, _>(key).primitive()?,
            ));
        }

        let pending = number_of(count.await?).unwrap_or(0);
        let refused: Vec<OutboxEntry> =
            refused.await?.filter_map(|value| value.ok().and_then(|value| serde_wasm_bindgen::from_value(value).ok())).collect();
        let mut state = RoundState { sent, refused: &refused, gone, ..RoundState::default() };
        // The span's bounds and how many keys it holds in all (sent or not).
        let mut span_keys = None;
        if let Some((low, high, span)) = span {
            let sent_ids: BTreeSet<&str> = sent.iter().map(|e| e.change_id.as_str()).collect();
            let mut in_span = 0;
            for key in span.await? {
                in_span += 1;
                if let Some(key) = key?.as_string().filter(|k| sent_ids.contains(k.as_str())) {
                    state.still_queued.insert(key);
                }
            }
            span_keys = Some((low, high, in_span));
        }
        for (id, record, version) in full {
            let (record, version) = (record.await?, version.await?);
            if let Some(value) = record {
                state.local.insert(id, with_version(decode_record(value)?, entry_version(version)));
            }
        }
        for (id, request) in per_lead {
            state.queued_per_lead.insert(id, request.await? as usize);
        }
        for (id, record, version, queued) in withdrawn {
            let (record, version, queued) = (record.await?, version.await?, queued.await?);
            if let Some(value) = record {
                state.local.insert(id, with_version(decode_record(value)?, entry_version(version)));
                state.queued_per_lead.insert(id, queued as usize);
            }
        }
        // Written without reading what they held: a lead's versions only grow (the server answers
        // its changes in the order they were queued, and a change sent again with the version it
        // made or a later one), and readers take the greater of an entry and its record's.
        for id in ack.versions.keys().filter(|id| !pulled_ids.contains(id) && !withdrawals.contains(id)) {
            state.versions.insert(*id, 0);
        }

        let plan = plan(&state, ack, pulled);
        // The acknowledged changes usually are every key of the range they span: one delete.
        let removed: BTreeSet<&str> = plan.remove.iter().map(String::as_str).collect();
        let whole_span = !removed.is_empty()
            && state.still_queued.len() == removed.len()
            && state.still_queued.iter().all(|k| removed.contains(k.as_str()));
        match (whole_span, span_keys.as_ref()) {
            (true, Some((low, high, keys_in_span))) if *keys_in_span == removed.len() => {
                outbox.delete::<String, _>(KeyRange::Bound(low.clone(), false, high.clone(), false)).primitive()?;
            }
            _ => {
                for id in &plan.remove {
                    outbox.delete(id.clone()).primitive()?;
                }
            }
        }
        for entry in &plan.refuse {
            outbox.delete(entry.change_id.clone()).primitive()?;
            rejected.put(entry).serde()?;
        }
        for id in &plan.settle {
            rejected.delete(id.clone()).primitive()?;
        }
        for record in &plan.records {
            leads.put(record).serde()?;
        }
        // An erased contact's old values, or a lead handed away, are still in the journal's older
        // lines: the next start compacts it, whatever its size.
        let forgets = !plan.purge.is_empty() || plan.records.iter().any(|r| r.lead.erased.is_some());
        if forgets {
            super::settings::ask_compaction();
        }
        for id in &plan.purge {
            leads.delete(id.to_string()).primitive()?;
            versions.delete(id.to_string()).primitive()?;
        }
        for (id, version) in &plan.versions_only {
            versions.put(version_entry(*id, *version)).primitive()?;
        }
        let pending = pending.saturating_sub(plan.dequeued() as u64);
        write_number(&meta, PENDING_KEY, pending)?;
        if let Some(cursor) = cursor {
            write_number(&meta, CURSOR_KEY, cursor)?;
        }
        commit(tx).await?;
        let mut lines: Vec<JournalLine> = plan.records.into_iter().map(|record| JournalLine::Put { record, entry: None }).collect();
        lines.extend(plan.purge.iter().map(|id| JournalLine::Delete { id: *id }));
        if !plan.versions_only.is_empty() {
            lines.push(JournalLine::Versions { versions: plan.versions_only });
        }
        if !plan.remove.is_empty() {
            lines.push(JournalLine::Ack { change_ids: plan.remove });
        }
        // Encoded and posted now, so the worker takes them in order with later writes' lines. Lost
        // in a crash or a reload, most lines only leave the journal a step behind (a change resent,
        // an older copy the database has newer). Not a lead dropped or erased here: the journal
        // would bring it back, or keep the erased values. Those lines are waited for.
        if let (Some(journal), false) = (&self.journal, lines.is_empty()) {
            match encode_sliced(&lines).await {
                Ok(text) => {
                    let appended = journal.append_encoded(text);
                    let logged = async move {
                        if let Err(error) = appended.await {
                            leptos::logging::warn!("journal: {error}");
                        }
                    };
                    if forgets {
                        logged.await;
                    } else {
                        leptos::task::spawn_local(logged);
                    }
                }
                Err(error) => leptos::logging::warn!("journal: {error}"),
            }
        }
        Ok(Applied { changed: plan.changed, handed_off: plan.handed_off, pending })
    }

    /// Compares the database (its `records`, as [`Self::load_all`] read them) with the journal,
    /// once at start: what the database lost (a lead, a newer copy, a queued change) is written
    /// back from the journal, and what the journal lacks (leads stored before it existed) is
    /// appended to it.
    pub async fn reconcile_with_journal(&self, records: &[LeadRecord]) -> Result<Reconciled, StoreError> {
        let Some(journal) = &self.journal else { return Ok(Reconciled::default()) };
        // Asked before the read: a request made after it stands for lines the read did not see.
        let asked = super::settings::compact_soon();
        let mut read = journal.read().await.map_err(|e| StoreError::Failed(e.to_string()))?;
        let unreadable = read.unreadable;
        let replayed = journal::replay(std::mem::take(&mut read.lines));
        let entry = |value: JsValue| serde_wasm_bindgen::from_value::<OutboxEntry>(value).ok();
        let entries: Vec<OutboxEntry> = self.read_paged(OUTBOX, "change_id", entry).await?.into_iter().flatten().collect();
        let refused: Vec<OutboxEntry> = self.read_paged(REJECTED, "change_id", entry).await?.into_iter().flatten().collect();
        let missing: Vec<JournalLine> = {
            let by_id: std::collections::BTreeMap<LeadId, &LeadRecord> = records.iter().map(|r| (r.lead.id, r)).collect();
            let mut lines: Vec<JournalLine> = records
                .iter()
                .filter(|r| !replayed.records.contains_key(&r.lead.id))
                .map(|r| JournalLine::Put { record: r.clone(), entry: None })
                .collect();
            for entry in entries.iter().filter(|e| !replayed.entries.contains_key(&e.change_id)) {
                if let Some(record) = by_id.get(&entry.change.lead.id) {
                    lines.push(JournalLine::Put { record: (*record).clone(), entry: Some(entry.clone()) });
                }
            }
            lines
        };
        let held = Held {
            leads: records.iter().map(|r| (r.lead.id, r.updated_at.clone())).collect(),
            change_ids: entries.iter().chain(&refused).map(|e| e.change_id.clone()).collect(),
        };
        let restore = journal::restore(&replayed, &held);
        // The leads the officer gets back: a withdrawn one comes back only to send its withdrawal.
        let restored = restore.records.iter().filter(|r| r.lead.withdrawn.is_none()).count();
        let requeued = restore.entries.iter().filter(|e| e.change.lead.withdrawn.is_none()).count();
        let mut reconciled = Reconciled { restored, requeued, journaled: missing.len(), unreadable, ..Reconciled::default() };
        if !restore.is_empty() {
            let written = async {
                let tx = self.write_transaction(&[LEADS, OUTBOX, META])?;
                let (leads, outbox) = (tx.object_store(LEADS)?, tx.object_store(OUTBOX)?);
                for record in &restore.records {
                    leads.put(record).serde()?;
                }
                for entry in &restore.entries {
                    outbox.put(entry).serde()?;
                }
                if !restore.entries.is_empty() {
                    add_pending(&tx.object_store(META)?, restore.entries.len() as i64).await?;
                }
                commit(tx).await
            }
            .await;
            if let Err(error) = written {
                // A full disk: the journal still holds them, and the next start tries again.
                // Meanwhile the officer sees them.
                leptos::logging::warn!("journal's leads not written back: {error}");
                reconciled.unstored = restore.records.iter().filter(|r| r.lead.withdrawn.is_none()).map(|r| r.lead.clone()).collect();
            }
        }
        if !missing.is_empty() {
            let text = encode_sliced(&missing).await.map_err(|e| StoreError::Failed(e.to_string()))?;
            journal.append_encoded(text).await.map_err(|e| StoreError::Failed(e.to_string()))?;
        }
        // The lines just appended are in the log after what was read: the compaction copies them
        // into the snapshot after the state replayed here.
        if journal::should_compact(read.log_bytes, read.snapshot_bytes) || asked.is_some() {
            match journal.compact(&read, &replayed).await {
                Ok(done) => {
                    reconciled.compacted = done;
                    if let (true, Some(asked)) = (done, asked) {
                        super::settings::compaction_done(asked);
                    }
                }
                // A disk too full for the snapshot: the log stays as it is, whole.
                Err(error) => leptos::logging::warn!("journal not compacted: {error}"),
            }
        }
        Ok(reconciled)
    }

    /// Every value of `store`, decoded, read a page at a time in key order (`key` names the key
    /// path) and decoded in slices, so that no read or decode makes one long task.
    async fn read_paged<T>(&self, store: &str, key: &str, decode: impl Fn(JsValue) -> T) -> Result<Vec<T>, StoreError> {
        const PAGE: u32 = 500;
        let mut out = Vec::new();
        let mut after: Option<String> = None;
        let mut slices = Slices::new();
        loop {
            let values: Vec<JsValue> = {
                let tx = self.db.transaction(store).build()?;
                let object_store = tx.object_store(store)?;
                let page = match &after {
                    None => object_store.get_all::<JsValue>().with_limit(PAGE).primitive()?.await?,
                    Some(last) => {
                        let rest = KeyRange::LowerBound(last.clone(), true);
                        object_store.get_all::<JsValue>().with_query::<String, _>(rest).with_limit(PAGE).primitive()?.await?
                    }
                };
                page.collect::<Result<_, _>>()?
            };
            let full = values.len() == PAGE as usize;
            after = values.last().and_then(|v| js_sys::Reflect::get(v, &key.into()).ok()).and_then(|k| k.as_string());
            for value in values {
                out.push(decode(value));
                slices.tick().await;
            }
            if !full || after.is_none() {
                return Ok(out);
            }
            slices.tick().await;
        }
    }

    fn write_transaction(&self, stores: &[&str]) -> Result<Transaction<'_>, StoreError> {
        self.transaction_with(stores, TransactionDurability::Strict)
    }

    fn transaction_with(&self, stores: &[&str], durability: TransactionDurability) -> Result<Transaction<'_>, StoreError> {
        Ok(self
            .db
            .transaction(stores)
            .with_mode(TransactionMode::Readwrite)
            .with_options(TransactionOptions::new().with_durability(durability))
            .build()?)
    }
}

/// What a save comes to, from the database's commit and the journal's append: stored if the
/// database took it; kept if only the journal did; failed if neither.
fn settle(
    committed: Result<(), StoreError>,
    journaled: Option<Result<super::journal_client::Appended, super::journal_client::JournalError>>,
) -> Result<(), StoreError> {
    match (committed, journaled) {
        (Ok(()), Some(Err(error))) => {
            leptos::logging::warn!("journal: {error}");
            Ok(())
        }
        (Ok(()), _) => Ok(()),
        (Err(error), Some(Ok(_))) => Err(StoreError::KeptInJournal(Box::new(error))),
        (Err(error), Some(Err(journal))) => {
            leptos::logging::warn!("journal: {journal}");
            Err(error)
        }
        (Err(error), _) => Err(error),
    }
}

/// Commits a write transaction and waits until it is durable.
async fn commit(tx: Transaction<'_>) -> Result<(), StoreError> {
    // The crate reports a transaction aborted by the quota as a plain abort; the browser keeps the
    // reason on the transaction itself, so read it from there.
    let raw: web_sys::IdbTransaction = {
        use indexed_db_futures::internals::SystemRepr;
        use wasm_bindgen::JsCast;
        tx.as_sys().unchecked_ref::<web_sys::IdbTransaction>().clone()
    };
    match tx.commit().await {
        Ok(()) => Ok(()),
        Err(error) => {
            let quota = is_quota(&error) || raw.error().is_some_and(|e| e.name() == "QuotaExceededError");
            Err(if quota { StoreError::QuotaExceeded } else { StoreError::from(error) })
        }
    }
}

fn schema_of(value: &JsValue) -> Option<u64> {
    js_sys::Reflect::get(value, &"schema".into()).ok().and_then(|s| s.as_f64()).map(|s| s as u64)
}

/// Every record of the leads store, each read or failed on its own.
async fn read_all_records(store: &ObjectStore<'_>) -> Result<Vec<Result<LeadRecord, StoreError>>, StoreError> {
    let values = store.get_all::<JsValue>().primitive()?.await?;
    Ok(values
        .map(|value| {
            value.map_err(StoreError::from).and_then(|value| {
                read_record(schema_of(&value), serde_wasm_bindgen::Deserializer::from(value)).map_err(|e| StoreError::Failed(e.to_string()))
            })
        })
        .collect())
}

/// A lead's record, with its server version as `versions` holds it (see [`with_version`]).
async fn read_record_by_id(leads: &ObjectStore<'_>, versions: &ObjectStore<'_>, id: LeadId) -> Result<Option<LeadRecord>, StoreError> {
    let (value, version) =
        (leads.get::<JsValue, _, _>(id.to_string()).primitive()?, versions.get::<JsValue, _, _>(id.to_string()).primitive()?);
    let (value, version) = (value.await?, version.await?);
    Ok(value.map(decode_record).transpose()?.map(|record| with_version(record, entry_version(version))))
}

/// `record` with its lead's server version from `versions`, where that is newer than the
/// record's own.
fn with_version(mut record: LeadRecord, version: Option<u64>) -> LeadRecord {
    record.server_version = record.server_version.max(version.unwrap_or(0));
    record
}

/// The version an entry of `versions` (`{id, version}`) holds.
fn entry_version(entry: Option<JsValue>) -> Option<u64> {
    entry.and_then(|entry| number_field(&entry, "version"))
}

/// The `versions` entry giving a lead's server version.
fn version_entry(id: LeadId, version: u64) -> JsValue {
    let entry = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&entry, &"id".into(), &id.to_string().into());
    let _ = js_sys::Reflect::set(&entry, &"version".into(), &(version as f64).into());
    entry.into()
}

fn decode_record(value: JsValue) -> Result<LeadRecord, StoreError> {
    read_record(schema_of(&value), serde_wasm_bindgen::Deserializer::from(value)).map_err(|e| StoreError::Failed(e.to_string()))
}

fn number_field(value: &JsValue, field: &str) -> Option<u64> {
    js_sys::Reflect::get(value, &field.into()).ok().and_then(|v| v.as_f64()).filter(|v| *v >= 0.0).map(|v| v as u64)
}

/// The number a `meta` record holds (`{key, value}`), if it is one.
fn number_of(record: Option<JsValue>) -> Option<u64> {
    record.and_then(|record| number_field(&record, "value"))
}

async fn read_number(meta: &ObjectStore<'_>, key: &str) -> Result<Option<u64>, StoreError> {
    Ok(number_of(meta.get::<JsValue, _, _>(key.to_owned()).primitive()?.await?))
}

fn write_number(meta: &ObjectStore<'_>, key: &str, value: u64) -> Result<(), StoreError> {
    let record = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&record, &"key".into(), &key.into());
    let _ = js_sys::Reflect::set(&record, &"value".into(), &(value as f64).into());
    meta.put(JsValue::from(record)).primitive()?;
    Ok(())
}

/// Moves the pending count by `delta`, in the caller's transaction: read and written there, so
/// two pages of the app writing at once keep it right.
async fn add_pending(meta: &ObjectStore<'_>, delta: i64) -> Result<u64, StoreError> {
    let now = read_number(meta, PENDING_KEY).await?.unwrap_or(0);
    let next = now.saturating_add_signed(delta);
    write_number(meta, PENDING_KEY, next)?;
    Ok(next)
}

async fn read_all<T: DeserializeOwned>(store: &ObjectStore<'_>) -> Result<Vec<T>, StoreError> {
    let values = store.get_all::<JsValue>().primitive()?.await?;
    values
        .map(|value| {
            let value = value.map_err(StoreError::from)?;
            serde_wasm_bindgen::from_value(value).map_err(|e| StoreError::Failed(e.to_string()))
        })
        .collect()
}
