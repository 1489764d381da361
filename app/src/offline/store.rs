//! The durable lead store: one IndexedDB record per lead (see `record` for the format).
//!
//! Every write is its own readwrite transaction with strict durability, committed before the call
//! returns: when `put` says Ok, the lead is on disk and survives a crash or a reload. A failed
//! write (quota exceeded, ...) aborts only its own transaction, so nothing already stored is lost.
//!
//! Database versions and their migrations (run by the browser in `onupgradeneeded`):
//! - 1: object store `leads`, key path `id`.
//! - 2: index `by_updated_at` on `leads`; object store `outbox` (key path `change_id`) for the
//!   changes waiting to be synced. Records written at version 1 stay as they are and are upgraded
//!   when read ([`super::record::read_record`]).

use domain::{Lead, LeadId};
use indexed_db_futures::database::{Database, VersionChangeEvent};
use indexed_db_futures::error::Error as IdbError;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{TransactionDurability, TransactionMode, TransactionOptions};

use super::record::{read_record, LeadRecord};

const DB_NAME: &str = "zhaoshang";
/// The database version this build opens; see the module comment for what each version adds.
pub const DB_VERSION: u32 = 2;
const LEADS: &str = "leads";
const OUTBOX: &str = "outbox";

/// Why the store could not do what was asked.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// IndexedDB is missing or refused to open (private browsing, disabled storage).
    #[error("local storage unavailable: {0}")]
    Unavailable(String),
    /// The browser's quota for this site is used up: the write was not made.
    #[error("local storage is full")]
    QuotaExceeded,
    /// Any other failure of a read or write.
    #[error("local storage error: {0}")]
    Failed(String),
}

impl From<IdbError> for StoreError {
    fn from(error: IdbError) -> Self {
        if is_quota(&error) {
            StoreError::QuotaExceeded
        } else {
            StoreError::Failed(error.to_string())
        }
    }
}

fn is_quota(error: &IdbError) -> bool {
    matches!(error, IdbError::DomException(e) if e.name() == "QuotaExceededError")
}

/// An open handle on the lead store. Cheap to clone (it is a reference to the browser's database).
#[derive(Clone)]
pub struct LeadStore {
    db: Database,
}

/// What reading every stored lead found.
pub struct Loaded {
    pub leads: Vec<Lead>,
    /// Records that could not be read (kept untouched in the database, never deleted).
    pub unreadable: usize,
}

impl LeadStore {
    /// Opens the database, creating or migrating it to [`DB_VERSION`].
    pub async fn open() -> Result<Self, StoreError> {
        let db = Database::open(DB_NAME)
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
                Ok(())
            })
            .await
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        Ok(LeadStore { db })
    }

    /// Every stored lead, upgraded from older record schemas as needed.
    pub async fn load_all(&self) -> Result<Loaded, StoreError> {
        let tx = self.db.transaction(LEADS).build()?;
        let store = tx.object_store(LEADS)?;
        let values = store.get_all::<wasm_bindgen::JsValue>().primitive()?.await?;
        let mut loaded = Loaded { leads: Vec::new(), unreadable: 0 };
        for value in values {
            let record = value.map_err(StoreError::from).and_then(|value| {
                let schema = js_sys::Reflect::get(&value, &"schema".into()).ok().and_then(|s| s.as_f64()).map(|s| s as u64);
                read_record(schema, serde_wasm_bindgen::Deserializer::from(value)).map_err(|e| StoreError::Failed(e.to_string()))
            });
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

    /// Writes `lead` durably: returns once the transaction has committed.
    pub async fn put(&self, lead: &Lead) -> Result<(), StoreError> {
        let record = LeadRecord::new(lead.clone());
        self.write(|store| store.put(&record).serde().map(drop)).await
    }

    /// Deletes the lead with this id (nothing happens if there is none).
    pub async fn delete(&self, id: LeadId) -> Result<(), StoreError> {
        let key = id.to_string();
        self.write(|store| store.delete(key).primitive().map(drop)).await
    }

    /// Runs one request in its own strict-durability readwrite transaction and commits it.
    async fn write(
        &self,
        request: impl FnOnce(&indexed_db_futures::object_store::ObjectStore<'_>) -> Result<(), IdbError>,
    ) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction(LEADS)
            .with_mode(TransactionMode::Readwrite)
            .with_options(TransactionOptions::new().with_durability(TransactionDurability::Strict))
            .build()?;
        request(&tx.object_store(LEADS)?)?;
        // The crate reports a transaction aborted by the quota as a plain abort; the browser keeps
        // the reason on the transaction itself, so read it from there.
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
}
