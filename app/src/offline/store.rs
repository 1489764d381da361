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

use domain::sync::ServerLead;
use domain::{Lead, LeadId};
use indexed_db_futures::database::{Database, VersionChangeEvent};
use indexed_db_futures::error::Error as IdbError;
use indexed_db_futures::object_store::ObjectStore;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{Transaction, TransactionDurability, TransactionMode, TransactionOptions};
use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;

use super::journal::{self, Held, JournalLine};
use super::journal_client::Journal;
use super::outbox::{changes_anything, plan, Acknowledgement, OutboxEntry};
use super::record::{read_record, LeadRecord};

const DB_NAME: &str = "zhaoshang";
/// The database version this build opens; see the module comment for what each version adds.
pub const DB_VERSION: u32 = 3;
const LEADS: &str = "leads";
const OUTBOX: &str = "outbox";
const META: &str = "meta";
const CURSOR_KEY: &str = "sync_cursor";

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
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Reconciled {
    /// Leads written back into the database from the journal (it had lost them).
    pub restored: usize,
    /// Queued changes written back.
    pub requeued: usize,
    /// Leads the journal lacked (stored before it existed), now appended to it.
    pub journaled: usize,
    /// Journal lines that could not be read.
    pub unreadable: usize,
}

/// What reading every stored lead found.
pub struct Loaded {
    pub leads: Vec<Lead>,
    /// Records that could not be read (kept untouched in the database, never deleted).
    pub unreadable: usize,
}

impl LeadStore {
    /// Opens the database, creating or migrating it to [`DB_VERSION`], and the journal.
    pub async fn open() -> Result<Self, StoreError> {
        let (db, journal) = futures::future::join(open_database(), Journal::start()).await;
        Ok(LeadStore { db: db?, journal })
    }

    /// The same store on a new connection to the database (the browser closed the old one),
    /// keeping the journal's worker, which holds the journal's file.
    pub async fn reopened(&self) -> Result<Self, StoreError> {
        Ok(LeadStore { db: open_database().await?, journal: self.journal.clone() })
    }

    /// The journal, where the browser has one.
    pub fn journal(&self) -> Option<&Journal> {
        self.journal.as_ref()
    }

    /// Appends `lines` to the journal (if any), logging a failure: for writes whose database
    /// commit is what the caller relies on.
    async fn journal_after(&self, lines: Vec<JournalLine>) {
        if let (Some(journal), false) = (&self.journal, lines.is_empty()) {
            if let Err(error) = journal.append(&lines).await {
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
            Ok(())
        })
        .await
        .map_err(|e| StoreError::Unavailable(e.to_string()))
}

impl LeadStore {
    /// Every stored lead, upgraded from older record schemas as needed.
    pub async fn load_all(&self) -> Result<Loaded, StoreError> {
        let tx = self.db.transaction(LEADS).build()?;
        let mut loaded = Loaded { leads: Vec::new(), unreadable: 0 };
        for record in read_all_records(&tx.object_store(LEADS)?).await? {
            match record {
                Ok(record) => loaded.leads.push(record.lead),
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
            // Nothing to read first: the journal takes the line before the database is even
            // asked, so a database that cannot be written (closed, full) still leaves the lead safe.
            let record = LeadRecord::new(lead.clone());
            let entry = OutboxEntry::for_save(None, lead);
            let journaled = self.journal.as_ref().map(|j| j.append(&[JournalLine::Put { record: record.clone(), entry: entry.clone() }]));
            let committed = self.write_new(&record, entry.as_ref()).await;
            let journaled = match journaled {
                Some(appended) => Some(appended.await),
                None => None,
            };
            return settle(committed, journaled).map(|()| entry.is_some());
        }
        let tx = self.write_transaction(&[LEADS, OUTBOX])?;
        let leads = tx.object_store(LEADS)?;
        // A lead just captured (a fresh id) has no previous record: skip the read, on the
        // officer's critical path.
        let previous = if new { None } else { read_record_by_id(&leads, lead.id).await? };
        if !changes_anything(previous.as_ref(), lead) {
            return Ok(false);
        }
        let mut record = LeadRecord::new(lead.clone());
        record.server_version = previous.as_ref().map_or(0, |p| p.server_version);
        let entry = OutboxEntry::for_save(previous.as_ref(), lead);
        // Queued with the worker before the database write starts: both happen at once, and the
        // officer is told "saved" only when both answered.
        let journaled = self.journal.as_ref().map(|j| j.append(&[JournalLine::Put { record: record.clone(), entry: entry.clone() }]));
        let written = (|| {
            if let Some(entry) = &entry {
                tx.object_store(OUTBOX)?.put(entry).serde()?;
            }
            leads.put(&record).serde()?;
            Ok::<(), StoreError>(())
        })();
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
        let tx = self.write_transaction(&[LEADS, OUTBOX])?;
        if let Some(entry) = entry {
            tx.object_store(OUTBOX)?.put(entry).serde()?;
        }
        tx.object_store(LEADS)?.put(record).serde()?;
        commit(tx).await
    }

    /// Deletes a lead from the tablet, with the changes of it not yet sent (nothing happens if
    /// there is no such lead).
    pub async fn delete(&self, id: LeadId) -> Result<(), StoreError> {
        let tx = self.write_transaction(&[LEADS, OUTBOX])?;
        let outbox = tx.object_store(OUTBOX)?;
        for entry in read_all::<OutboxEntry>(&outbox).await? {
            if entry.change.lead.id == id {
                outbox.delete(entry.change_id).primitive()?;
            }
        }
        tx.object_store(LEADS)?.delete(id.to_string()).primitive()?;
        commit(tx).await?;
        self.journal_after(vec![JournalLine::Delete { id }]).await;
        Ok(())
    }

    /// Queues every lead the server has never acknowledged and that has no change queued (leads
    /// stored before this tablet had sync, for one). Returns how many were queued.
    pub async fn enqueue_unsynced(&self) -> Result<usize, StoreError> {
        let tx = self.write_transaction(&[LEADS, OUTBOX])?;
        let outbox = tx.object_store(OUTBOX)?;
        let queued: std::collections::BTreeSet<LeadId> = read_all::<OutboxEntry>(&outbox).await?.iter().map(|e| e.change.lead.id).collect();
        let mut lines = Vec::new();
        for record in read_all_records(&tx.object_store(LEADS)?).await?.into_iter().flatten() {
            if record.server_version == 0 && !queued.contains(&record.lead.id) {
                if let Some(entry) = OutboxEntry::for_save(None, &record.lead) {
                    outbox.put(&entry).serde()?;
                    lines.push(JournalLine::Put { record, entry: Some(entry) });
                }
            }
        }
        commit(tx).await?;
        let count = lines.len();
        self.journal_after(lines).await;
        Ok(count)
    }

    /// Every queued change, pending and rejected.
    pub async fn outbox(&self) -> Result<Vec<OutboxEntry>, StoreError> {
        let tx = self.db.transaction(OUTBOX).build()?;
        read_all(&tx.object_store(OUTBOX)?).await
    }

    /// The sync cursor: where the last pull ended (0 before the first).
    pub async fn cursor(&self) -> Result<u64, StoreError> {
        let tx = self.db.transaction(META).build()?;
        let value = tx.object_store(META)?.get::<JsValue, _, _>(CURSOR_KEY.to_owned()).primitive()?.await?;
        Ok(value.and_then(|v| js_sys::Reflect::get(&v, &"value".into()).ok()).and_then(|v| v.as_f64()).map_or(0, |v| v as u64))
    }

    /// Applies a sync answer in one durable transaction: acknowledged changes leave the outbox,
    /// rejected ones are marked, versions are recorded, pulled leads are stored, and the cursor
    /// moves. Returns the leads whose tablet copy changed.
    pub async fn apply_sync(&self, ack: &Acknowledgement, pulled: &[ServerLead], cursor: u64) -> Result<Vec<Lead>, StoreError> {
        let tx = self.write_transaction(&[LEADS, OUTBOX, META])?;
        let (leads, outbox) = (tx.object_store(LEADS)?, tx.object_store(OUTBOX)?);
        let entries = read_all::<OutboxEntry>(&outbox).await?;
        let mut local = std::collections::BTreeMap::new();
        for id in ack.versions.keys().copied().chain(pulled.iter().map(|s| s.lead.id)) {
            if let Some(record) = read_record_by_id(&leads, id).await? {
                local.insert(id, record);
            }
        }
        let plan = plan(&entries, &local, ack, pulled);
        for id in &plan.remove {
            outbox.delete(id.clone()).primitive()?;
        }
        for entry in &plan.mark {
            outbox.put(entry).serde()?;
        }
        for record in &plan.records {
            leads.put(record).serde()?;
        }
        let meta = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&meta, &"key".into(), &CURSOR_KEY.into());
        let _ = js_sys::Reflect::set(&meta, &"value".into(), &(cursor as f64).into());
        tx.object_store(META)?.put(JsValue::from(meta)).primitive()?;
        commit(tx).await?;
        let mut lines: Vec<JournalLine> = plan.records.into_iter().map(|record| JournalLine::Put { record, entry: None }).collect();
        if !plan.remove.is_empty() {
            lines.push(JournalLine::Ack { change_ids: plan.remove });
        }
        self.journal_after(lines).await;
        Ok(plan.changed)
    }

    /// Compares the database with the journal, once at start: what the database lost (a lead,
    /// a newer copy, a queued change) is written back from the journal, and what the journal
    /// lacks (leads stored before it existed) is appended to it.
    pub async fn reconcile_with_journal(&self) -> Result<Reconciled, StoreError> {
        let Some(journal) = &self.journal else { return Ok(Reconciled::default()) };
        let (lines, unreadable) = journal.read().await.map_err(|e| StoreError::Failed(e.to_string()))?;
        let replayed = journal::replay(lines);
        let (records, entries) = {
            let tx = self.db.transaction([LEADS, OUTBOX]).build()?;
            let records: Vec<LeadRecord> = read_all_records(&tx.object_store(LEADS)?).await?.into_iter().flatten().collect();
            (records, read_all::<OutboxEntry>(&tx.object_store(OUTBOX)?).await?)
        };
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
            change_ids: entries.iter().map(|e| e.change_id.clone()).collect(),
        };
        let restore = journal::restore(replayed, &held);
        let reconciled =
            Reconciled { restored: restore.records.len(), requeued: restore.entries.len(), journaled: missing.len(), unreadable };
        if !restore.is_empty() {
            let tx = self.write_transaction(&[LEADS, OUTBOX])?;
            let (leads, outbox) = (tx.object_store(LEADS)?, tx.object_store(OUTBOX)?);
            for record in &restore.records {
                leads.put(record).serde()?;
            }
            for entry in &restore.entries {
                outbox.put(entry).serde()?;
            }
            commit(tx).await?;
        }
        if !missing.is_empty() {
            journal.append(&missing).await.map_err(|e| StoreError::Failed(e.to_string()))?;
        }
        Ok(reconciled)
    }

    fn write_transaction(&self, stores: &[&str]) -> Result<Transaction<'_>, StoreError> {
        Ok(self
            .db
            .transaction(stores)
            .with_mode(TransactionMode::Readwrite)
            .with_options(TransactionOptions::new().with_durability(TransactionDurability::Strict))
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

async fn read_record_by_id(store: &ObjectStore<'_>, id: LeadId) -> Result<Option<LeadRecord>, StoreError> {
    let value = store.get::<JsValue, _, _>(id.to_string()).primitive()?.await?;
    value
        .map(|value| {
            read_record(schema_of(&value), serde_wasm_bindgen::Deserializer::from(value)).map_err(|e| StoreError::Failed(e.to_string()))
        })
        .transpose()
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
