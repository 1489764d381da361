//! The tablet's offline side: leads in IndexedDB, small settings in local storage, the storage
//! status the officer sees, and the export that works without a network. Nothing here speaks
//! HTTP: the sync client (a later module) sits on top of the store.

pub mod export;
pub mod outbox;
pub mod record;
pub mod settings;
pub mod storage_info;
pub mod store;
pub mod sync_client;

pub use store::{LeadStore, StoreError};
