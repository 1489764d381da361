//! The leads on this tablet as the UI sees them: a reactive list mirrored from the durable store.
//! The store is written first; the list changes only after the write committed, so what the
//! officer sees is what survives a reload.

use domain::{Lead, LeadId};
use futures::future::{FutureExt, LocalBoxFuture, Shared};
use leptos::prelude::*;

use crate::offline::outbox::NotWithdrawable;
use crate::offline::record::LeadRecord;
use crate::offline::{LeadStore, StoreError};

/// The store being opened: every caller waits for the same opening (one connection, one journal
/// worker), however many ask before it is done.
type Opening = Shared<LocalBoxFuture<'static, Result<LeadStore, StoreError>>>;

/// Below this much free space on the disk (beyond the ballast) the tablet warns on every screen:
/// a few thousand leads, and what the browser needs to keep its database working.
pub const LOW_SPACE_BYTES: u64 = 32 << 20;
/// How often a start measures free space while there is plenty (the probe writes
/// [`LOW_SPACE_BYTES`] to the disk and frees them).
const PROBE_EVERY_MS: f64 = 10.0 * 60.0 * 1000.0;

/// Where the store is in its life.
#[derive(Clone, Debug, PartialEq)]
pub enum StoreStatus {
    /// Not opened yet (always the case while rendering on the server).
    Opening,
    /// Every stored lead is in the list; `unreadable` records could not be read and were kept.
    Ready { unreadable: usize },
    /// The browser refused the store.
    Failed(StoreError),
}

/// Shared handle on the tablet's leads; `Copy`, provided through context.
#[derive(Clone, Copy)]
pub struct LocalLeads {
    pub leads: RwSignal<Vec<Lead>>,
    pub status: RwSignal<StoreStatus>,
    /// The events the server lists (`domain::event`), as the last sync brought them.
    pub catalog: RwSignal<Vec<domain::event::Event>>,
    /// The pick-list of events: the listed ones in the order of `domain::event::for_picking`,
    /// then names typed on this tablet, sorted. A memo: it changes (and the pick-lists
    /// re-render) only when an event appears or disappears, not on every save.
    pub events: Memo<Vec<String>>,
    /// Leads the tablet's database had lost and got back from the journal at this start.
    pub recovered: RwSignal<usize>,
    /// The disk's free space as last measured (see [`LOW_SPACE_BYTES`]).
    pub free_space: RwSignal<Option<crate::offline::settings::FreeSpace>>,
    /// Whether the browser granted persistent storage (it then does not evict the site's data
    /// when space runs short), as last asked.
    pub persistent: RwSignal<Option<bool>>,
    /// A probe of free space is under way: another asked meanwhile (the storage panel opening as
    /// the start measures) would only write the same megabytes again.
    probing: StoredValue<bool>,
    store: StoredValue<Option<LeadStore>, LocalStorage>,
    opening: StoredValue<Option<Opening>, LocalStorage>,
}

impl LocalLeads {
    /// Creates the handle, provides it to every component below, and (in the browser, after
    /// hydration) opens the store and loads every lead.
    pub fn provide() -> Self {
        let leads = RwSignal::new(Vec::<Lead>::new());
        let catalog = RwSignal::new(Vec::<domain::event::Event>::new());
        let events = Memo::new(move |_| {
            let today = domain::time::now().with_timezone(&domain::time::shanghai()).date_naive();
            let mut names: Vec<String> =
                catalog.with(|c| domain::event::for_picking(c, today).into_iter().map(|e| e.name.clone()).collect());
            leads.with(|leads| {
                let typed: std::collections::BTreeSet<&str> = leads.iter().filter_map(|l| l.event.as_deref()).collect();
                let typed: Vec<String> = typed.into_iter().filter(|t| !names.iter().any(|n| n == t)).map(str::to_owned).collect();
                names.extend(typed);
            });
            names
        });
        let this = LocalLeads {
            leads,
            catalog,
            status: RwSignal::new(StoreStatus::Opening),
            events,
            recovered: RwSignal::new(0),
            free_space: RwSignal::new(None),
            persistent: RwSignal::new(None),
            probing: StoredValue::new(false),
            store: StoredValue::new_local(None),
            opening: StoredValue::new_local(None),
        };
        provide_context(this);
        // Kept in local storage: read after hydration (the server's render has none).
        Effect::new(move |_| catalog.set(crate::offline::settings::event_catalog()));
        Effect::new(move |_| this.free_space.set(crate::offline::settings::free_space()));
        Effect::new(move |_| {
            leptos::task::spawn_local(async move {
                let loaded = match this.store().await {
                    Ok(store) => store.load_all().await,
                    Err(error) => Err(error),
                };
                let records = match loaded {
                    Ok(loaded) => {
                        this.leads.set(shown(&loaded.records));
                        this.status.set(StoreStatus::Ready { unreadable: loaded.unreadable });
                        loaded.records
                    }
                    Err(error) => {
                        this.status.set(StoreStatus::Failed(error));
                        Vec::new()
                    }
                };
                this.reconcile(&records).await;
            });
        });
        this
    }

    /// Once the list is shown: puts back from the journal what the database lost (the database
    /// holds `records`) and shows it, and refills the space held in reserve.
    async fn reconcile(self, records: &[LeadRecord]) {
        let Ok(store) = self.store().await else { return };
        match store.reconcile_with_journal(records).await {
            Ok(reconciled) if reconciled.restored > 0 || reconciled.requeued > 0 => {
                leptos::logging::warn!("restored from the journal: {} leads, {} changes", reconciled.restored, reconciled.requeued);
                if let Ok(loaded) = store.load_all().await {
                    self.leads.set(shown(&loaded.records));
                }
                // Those the database could not take back are shown from the journal.
                for lead in reconciled.unstored {
                    self.show(lead);
                }
                self.recovered.set(reconciled.restored.max(reconciled.requeued));
            }
            Ok(_) => {}
            Err(error) => leptos::logging::warn!("journal not compared: {error}"),
        }
        if let Some(journal) = store.journal() {
            // The reserve is taken back only on a disk with room: on a nearly full one, the space
            // it would take is what the browser's own databases need to keep working.
            self.measure_free_space(journal, false).await;
            if self.free_space.get_untracked().is_some_and(|m| m.free >= LOW_SPACE_BYTES) {
                let _ = journal.refill_ballast().await;
            }
        }
    }

    /// Measures free space again now (a write failed, or the officer opened the storage panel).
    pub fn recheck_space(self) {
        leptos::task::spawn_local(async move {
            if let Ok(store) = self.store().await {
                if let Some(journal) = store.journal() {
                    self.measure_free_space(journal, true).await;
                }
            }
        });
    }

    /// Measures the disk's free space beyond the ballast, up to [`LOW_SPACE_BYTES`], by writing a
    /// probe file: at most every [`PROBE_EVERY_MS`], or at every start while space is short
    /// (`now`: whatever the last measure said).
    async fn measure_free_space(self, journal: &crate::offline::journal_client::Journal, now: bool) {
        use crate::offline::settings::{set_free_space, FreeSpace};
        self.persistent.set(Some(crate::offline::storage_info::measure().await.persistent));
        let at_ms = js_sys::Date::now();
        let last = self.free_space.get_untracked();
        let recent = last.is_some_and(|m| m.free >= LOW_SPACE_BYTES && at_ms - m.at_ms < PROBE_EVERY_MS && m.at_ms <= at_ms);
        if (recent && !now) || self.probing.get_value() {
            return;
        }
        self.probing.set_value(true);
        let probed = journal.probe_free(LOW_SPACE_BYTES).await;
        self.probing.set_value(false);
        match probed {
            Ok(free) => {
                let measure = FreeSpace { at_ms, free };
                set_free_space(measure);
                self.free_space.set(Some(measure));
            }
            Err(error) => leptos::logging::warn!("free space not measured: {error}"),
        }
    }

    /// Whether the last measure found the disk short of space.
    pub fn space_is_low(&self) -> bool {
        self.free_space.get().is_some_and(|m| m.free < LOW_SPACE_BYTES)
    }

    /// Drops the store's connection and opens it again, then compares it with the journal.
    async fn reopen(self) {
        let Some(old) = self.store.get_value() else { return };
        let store = match old.reopened().await {
            Ok(store) => store,
            Err(error) => {
                leptos::logging::warn!("database not reopened: {error}");
                return;
            }
        };
        self.store.set_value(Some(store.clone()));
        match store.load_all().await {
            Ok(loaded) => self.reconcile(&loaded.records).await,
            Err(error) => leptos::logging::warn!("database not read after reopening: {error}"),
        }
    }

    /// Whether every stored lead has been loaded.
    pub fn is_ready(&self) -> bool {
        matches!(self.status.get(), StoreStatus::Ready { .. })
    }

    /// The open store, opening it on first use.
    async fn store(self) -> Result<LeadStore, StoreError> {
        if let Some(store) = self.store.get_value() {
            return Ok(store);
        }
        let opening = match self.opening.get_value() {
            Some(opening) => opening,
            None => {
                let opening = LeadStore::open().boxed_local().shared();
                self.opening.set_value(Some(opening.clone()));
                opening
            }
        };
        let opened = opening.await;
        self.opening.set_value(None);
        let store = opened?;
        if self.store.get_value().is_none() {
            self.store.set_value(Some(store.clone()));
        }
        Ok(store)
    }

    /// Stores a new or changed lead durably (with its change queued for the server), then shows
    /// it. Returns whether a change was queued.
    pub async fn save(self, lead: Lead) -> Result<bool, StoreError> {
        self.store_lead(lead, false).await
    }

    /// Stores a lead just captured (with a fresh id): as [`Self::save`], one read shorter.
    pub async fn capture(self, lead: Lead) -> Result<bool, StoreError> {
        self.store_lead(lead, true).await
    }

    async fn store_lead(self, lead: Lead, new: bool) -> Result<bool, StoreError> {
        let mut saved = self.store().await?.save(&lead, new).await;
        if saved.is_err() {
            self.recheck_space();
        }
        if let Err(StoreError::Closed) = &saved {
            // The browser closed the database under us: open it again (putting back from the
            // journal whatever it lost, this lead too if the journal took it) and try once more,
            // as an edit: a lead put back is not queued a second time.
            self.reopen().await;
            saved = self.store().await?.save(&lead, false).await;
        }
        if let Err(StoreError::KeptInJournal(cause)) = &saved {
            // Safe on the tablet all the same: show it, and put it back into the database as soon
            // as the database can be opened again. The store's worker reports a database the
            // browser deleted under the page as an aborted opening, not as a closed connection:
            // either way the page opens it again (creating it if it must) and writes back from the
            // journal what it lacks.
            if matches!(**cause, StoreError::Closed | StoreError::Failed(_)) {
                self.reopen().await;
            }
            self.show(lead);
            return saved;
        }
        let queued = saved?;
        crate::perf::capture_told();
        self.show(lead);
        Ok(queued)
    }

    fn show(self, lead: Lead) {
        self.leads.update(|leads| match leads.iter_mut().find(|l| l.id == lead.id) {
            Some(existing) => *existing = lead,
            None => leads.push(lead),
        });
    }

    /// Deletes a lead durably (a withdrawal, queued for the server: `LeadStore::withdraw`) and
    /// returns it as it was, so the officer can undo; or says why it cannot be deleted.
    pub async fn delete(self, id: LeadId, reason: &str) -> Result<Option<Result<Lead, NotWithdrawable>>, StoreError> {
        let by = crate::offline::settings::officer().unwrap_or_default();
        let withdrawn = self.store().await?.withdraw(id, &by, reason).await?;
        if let Some(Ok(_)) = &withdrawn {
            self.leads.update(|leads| leads.retain(|l| l.id != id));
        }
        Ok(withdrawn)
    }

    /// Undoes a delete: the lead as it was before, saved again (its withdrawal undone by a
    /// queued change, like any edit), as changed now: newer than the withdrawn copy, in the
    /// database and in the journal alike.
    pub async fn undo_delete(self, lead: Lead) -> Result<bool, StoreError> {
        let updated_at = lead.updated_at.max(domain::time::now());
        self.save(Lead { withdrawn: None, updated_at, ..lead }).await
    }

    /// Shows leads the server sent (already stored by the sync client).
    pub fn show_pulled(&self, pulled: Vec<Lead>) {
        if pulled.is_empty() {
            return;
        }
        self.leads.update(|leads| {
            for lead in pulled {
                let at = leads.iter().position(|l| l.id == lead.id);
                match (at, lead.withdrawn.is_some()) {
                    // A tombstone: withdrawn here or on another of the officer's tablets.
                    (Some(at), true) => {
                        leads.remove(at);
                    }
                    (None, true) => {}
                    (Some(at), false) => leads[at] = lead,
                    (None, false) => leads.push(lead),
                }
            }
        });
    }

    /// The server's list of events, from a sync: shown and kept for offline.
    pub fn set_catalog(&self, events: Vec<domain::event::Event>) {
        let events: Vec<domain::event::Event> = events.iter().filter_map(domain::event::Event::normalized).collect();
        if self.catalog.with_untracked(|c| *c != events) {
            crate::offline::settings::set_event_catalog(&events);
            self.catalog.set(events);
        }
    }

    /// Takes leads off the list that left the tablet (handed to another officer).
    pub fn forget(&self, gone: &[LeadId]) {
        if !gone.is_empty() {
            self.leads.update(|leads| leads.retain(|l| !gone.contains(&l.id)));
        }
    }

    /// The open store (opening it on first use), for the sync client.
    pub async fn open_store(self) -> Result<LeadStore, StoreError> {
        self.store().await
    }

    /// The lead with this id, if it is on the tablet (untracked).
    pub fn get(&self, id: LeadId) -> Option<Lead> {
        self.leads.with_untracked(|leads| leads.iter().find(|l| l.id == id).cloned())
    }
}

/// The leads the officer sees: every record but the withdrawn ones (kept until the server has
/// their withdrawal).
fn shown(records: &[LeadRecord]) -> Vec<Lead> {
    records.iter().filter(|r| r.lead.withdrawn.is_none()).map(|r| r.lead.clone()).collect()
}

/// The tablet's leads.
pub fn use_local_leads() -> LocalLeads {
    expect_context::<LocalLeads>()
}
