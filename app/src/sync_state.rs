//! When the tablet syncs, and what the officer sees of it. Syncs run after each save, when the
//! browser comes back online, every 30 s while online, and from the "sync now" button. A failed
//! sync is retried with exponential backoff and jitter; a 401 stops the retries until the officer
//! logs in again (the outbox stays whole meanwhile).

use std::time::Duration;

use domain::LeadId;
use leptos::prelude::*;

use crate::local_leads::LocalLeads;
use crate::offline::outbox::OutboxEntry;
use crate::offline::sync_client::{self, Progress, SyncError};
use crate::offline::LeadStore;
use crate::offline::{photos, settings};

/// How often an online tablet syncs by itself.
const PERIOD: Duration = Duration::from_secs(30);
/// How long after the last save a sync starts.
const SOON: Duration = Duration::from_secs(2);
/// Longest wait between retries.
const MAX_BACKOFF_SECS: f64 = 60.0;

/// A change the server refused, for the officer to look at.
#[derive(Clone, Debug, PartialEq)]
pub struct Attention {
    pub lead_id: LeadId,
    pub reason: domain::sync::RejectReason,
}

/// Sync status and controls, provided through context; `Copy`.
#[derive(Clone, Copy)]
pub struct SyncState {
    leads: LocalLeads,
    /// Changes waiting to be sent; `None` until the store has been read (nothing is claimed synced
    /// before that).
    pub pending: RwSignal<Option<usize>>,
    /// Changes the server refused, kept on the tablet.
    pub attention: RwSignal<Vec<Attention>>,
    /// When the last sync succeeded (RFC 3339), from this or an earlier visit.
    pub last_success: RwSignal<Option<String>>,
    pub running: RwSignal<bool>,
    pub progress: RwSignal<Progress>,
    pub needs_login: RwSignal<bool>,
    pub last_error: RwSignal<Option<SyncError>>,
    /// The server serves a newer build and the tablet has nothing left to send: the officer can
    /// load it (the bar offers it; a reload mid-capture would lose what is typed).
    pub update_ready: RwSignal<bool>,
    again: StoredValue<bool>,
    failures: StoredValue<u32>,
    /// Serial of the latest "sync soon" timer: only the latest fires.
    soon: StoredValue<u64>,
}

impl SyncState {
    /// Creates the state, provides it, and (in the browser) starts the schedule.
    pub fn provide(leads: LocalLeads) -> Self {
        let state = SyncState {
            leads,
            pending: RwSignal::new(None),
            attention: RwSignal::new(Vec::new()),
            last_success: RwSignal::new(None),
            running: RwSignal::new(false),
            progress: RwSignal::new(Progress::default()),
            needs_login: RwSignal::new(false),
            last_error: RwSignal::new(None),
            update_ready: RwSignal::new(false),
            again: StoredValue::new(false),
            failures: StoredValue::new(0),
            soon: StoredValue::new(0),
        };
        provide_context(state);
        Effect::new(move |_| {
            state.last_success.set(settings::last_sync());
            state.recount();
            state.request();
            let _ = window_event_listener(leptos::ev::online, move |_| state.request());
            set_interval(
                move || {
                    if window().navigator().on_line() {
                        state.request();
                    }
                },
                PERIOD,
            );
        });
        state
    }

    /// Asks for a sync now; if one is running, another follows it.
    pub fn request(self) {
        if self.running.get_untracked() {
            self.again.set_value(true);
            return;
        }
        self.running.set(true);
        leptos::task::spawn_local(self.run());
    }

    /// After a save: counts the queued change and syncs once the officer pauses (2 s after the
    /// last save), so a sync's reads never hold up the next save at a busy booth.
    pub fn after_save(self, queued: bool) {
        if queued {
            self.pending.update(|n| {
                if let Some(n) = n {
                    *n += 1;
                }
            });
        }
        let serial = self.soon.get_value() + 1;
        self.soon.set_value(serial);
        set_timeout(
            move || {
                if self.soon.get_value() == serial {
                    self.request();
                }
            },
            SOON,
        );
    }

    /// Reads the waiting and refused changes' counts again (at start, after a delete, a sync):
    /// the figure the store keeps and its short list of refused changes, never the whole outbox.
    pub fn recount(self) {
        leptos::task::spawn_local(async move {
            if let Ok(store) = self.leads.open_store().await {
                self.show_counts(&store).await;
            }
        });
    }

    async fn show_counts(self, store: &LeadStore) {
        if let Ok(pending) = store.pending_count().await {
            self.pending.set(Some(pending as usize));
        }
        if let Ok(refused) = store.refused().await {
            self.show_refused(&refused);
        }
    }

    fn show_refused(self, refused: &[OutboxEntry]) {
        self.attention
            .set(refused.iter().filter_map(|e| e.rejected.clone().map(|reason| Attention { lead_id: e.change.lead.id, reason })).collect());
    }

    async fn run(self) {
        loop {
            self.again.set_value(false);
            let outcome = self.sync_once().await;
            match outcome {
                Ok(()) => {
                    self.failures.set_value(0);
                    self.last_error.set(None);
                    self.needs_login.set(false);
                }
                Err(SyncError::Unauthorized) => {
                    self.needs_login.set(true);
                    self.last_error.set(Some(SyncError::Unauthorized));
                }
                Err(error) => {
                    self.last_error.set(Some(error));
                    self.schedule_retry();
                }
            }
            if !self.again.get_value() {
                break;
            }
        }
        self.running.set(false);
    }

    async fn sync_once(self) -> Result<(), SyncError> {
        let store = self.leads.open_store().await?;
        let (progress, pending) = (self.progress, self.pending);
        let report = sync_client::sync(&store, &settings::device_id(), move |p: Progress| {
            progress.set(p);
            pending.set(Some(p.pending));
        })
        .await;
        self.show_counts(&store).await;
        let report = report?;
        // The card photos of a contact erased on the server, or of a lead handed to another
        // officer, go from the tablet with the lead's data.
        let photos_gone: Vec<LeadId> = report
            .pulled
            .iter()
            .filter(|lead| lead.erased.is_some())
            .map(|lead| lead.id)
            .chain(report.handed_off.iter().copied())
            .collect();
        self.leads.show_pulled(report.pulled);
        self.leads.forget(&report.handed_off);
        if let Err(error) = photos::remove(&photos_gone).await {
            leptos::logging::warn!("card photos of erased or handed-off leads not removed: {error:?}");
        }
        match photos::upload_waiting().await {
            Ok(_) => {}
            Err(error @ (SyncError::Unauthorized | SyncError::Unreachable(_))) => return Err(error),
            // A photo the tablet cannot read is no reason to call the sync failed.
            Err(error) => leptos::logging::warn!("card photos not uploaded: {error}"),
        }
        if let Some(catalog) = report.catalog {
            self.leads.set_catalog(catalog);
        }
        self.update_ready.set(report.reload && self.pending.get_untracked() == Some(0));
        let now = domain::time::rfc3339::format(domain::time::now());
        settings::set_last_sync(&now);
        self.last_success.set(Some(now));
        Ok(())
    }

    /// Retries after 2^failures seconds (at most a minute), times a random 0.5 to 1.5, so that
    /// tablets coming back online together do not all knock at once.
    fn schedule_retry(self) {
        let failures = self.failures.get_value().saturating_add(1);
        self.failures.set_value(failures);
        let base = 2f64.powi(failures.min(6) as i32).min(MAX_BACKOFF_SECS);
        let delay = base * (0.5 + js_sys::Math::random());
        set_timeout(move || self.request(), Duration::from_millis((delay * 1000.0) as u64));
    }
}

/// Loads the build the server serves: has the service worker look for it, waits until the new
/// worker controls the page (at most 5 s; it takes over at once), then reloads, so the page comes
/// from the new build's cache and not from the old one.
pub async fn load_new_build() {
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    let Some(window) = web_sys::window() else { return };
    let container = js_sys::Reflect::get(&window.navigator(), &"serviceWorker".into()).unwrap_or(JsValue::UNDEFINED);
    if !container.is_undefined() {
        let target: web_sys::EventTarget = container.clone().unchecked_into();
        let taken_over = js_sys::Promise::new(&mut |resolve, _| {
            let _ = target.add_event_listener_with_callback("controllerchange", &resolve);
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 5_000);
        });
        if let Ok(ready) = js_sys::Reflect::get(&container, &"ready".into()).map(js_sys::Promise::from) {
            if let Ok(registration) = JsFuture::from(ready).await {
                let update = js_sys::Reflect::get(&registration, &"update".into()).ok().and_then(|f| f.dyn_into::<js_sys::Function>().ok());
                if let Some(Ok(checked)) = update.map(|f| f.call0(&registration)) {
                    let _ = JsFuture::from(js_sys::Promise::from(checked)).await;
                }
                let _ = JsFuture::from(taken_over).await;
            }
        }
    }
    let _ = window.location().reload();
}

/// The sync state.
pub fn use_sync() -> SyncState {
    expect_context::<SyncState>()
}
