//! Small settings kept in local storage through gloo-storage: the chosen language, the event the
//! officer is working at, this device's id, the last measure of free space. Leads never go here
//! (see `store`).

use gloo_storage::{LocalStorage, Storage};

use crate::i18n::{Lang, LANG_COOKIE};

const LANG_KEY: &str = "zs.lang";
const CURRENT_EVENT_KEY: &str = "zs.current_event";
const DEVICE_ID_KEY: &str = "zs.device_id";
const OFFICER_KEY: &str = "zs.officer";
const LAST_SYNC_KEY: &str = "zs.last_sync";
const EVENTS_KEY: &str = "zs.events";
const PHOTOS_KEY: &str = "zs.photos";

/// The language the officer chose on this tablet, if any.
pub fn lang() -> Option<Lang> {
    LocalStorage::get::<String>(LANG_KEY).ok().map(|tag| Lang::from_tag(&tag))
}

/// Remembers the language here and in a cookie, so the server renders the next page in it too.
pub fn set_lang(lang: Lang) {
    let _ = LocalStorage::set(LANG_KEY, lang.tag());
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        use wasm_bindgen::JsCast;
        if let Ok(html) = document.dyn_into::<web_sys::HtmlDocument>() {
            let _ = html.set_cookie(&format!("{LANG_COOKIE}={}; path=/; max-age=31536000; SameSite=Strict", lang.tag()));
        }
    }
}

/// The event new leads are captured at.
pub fn current_event() -> String {
    LocalStorage::get::<String>(CURRENT_EVENT_KEY).unwrap_or_default()
}

/// Remembers the event new leads are captured at.
pub fn set_current_event(event: &str) {
    let _ = LocalStorage::set(CURRENT_EVENT_KEY, event);
}

/// This tablet's id, made once (UUID v4) and kept: every lead records the device it came from.
pub fn device_id() -> String {
    if let Ok(id) = LocalStorage::get::<String>(DEVICE_ID_KEY) {
        return id;
    }
    let id = uuid::Uuid::new_v4().to_string();
    let _ = LocalStorage::set(DEVICE_ID_KEY, &id);
    id
}

/// The officer last logged in on this tablet (shown in the header; the server decides who owns a
/// lead from the session, not from this).
pub fn officer() -> Option<String> {
    LocalStorage::get::<String>(OFFICER_KEY).ok().filter(|name| !name.is_empty())
}

/// Remembers who logged in.
pub fn set_officer(name: &str) {
    let _ = LocalStorage::set(OFFICER_KEY, name);
}

/// Forgets who logged in (after a logout).
pub fn forget_officer() {
    LocalStorage::delete(OFFICER_KEY);
}

/// When the last sync succeeded (RFC 3339).
pub fn last_sync() -> Option<String> {
    LocalStorage::get::<String>(LAST_SYNC_KEY).ok()
}

/// Remembers when a sync succeeded.
pub fn set_last_sync(at: &str) {
    let _ = LocalStorage::set(LAST_SYNC_KEY, at);
}

/// The events the server listed at the last sync (each as its rules read it back: one a
/// changed rule refuses is left out).
pub fn event_catalog() -> Vec<domain::event::Event> {
    let listed: Vec<domain::event::Event> = LocalStorage::get(EVENTS_KEY).unwrap_or_default();
    listed.iter().filter_map(domain::event::Event::normalized).collect()
}

/// Remembers the server's list of events.
pub fn set_event_catalog(events: &[domain::event::Event]) {
    let _ = LocalStorage::set(EVENTS_KEY, events);
}

const FREE_SPACE_KEY: &str = "zs.free_space";

/// The last measure of the disk's free space (`journal_client::Journal::probe_free`): when, in
/// milliseconds since the epoch, and how many bytes fitted.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FreeSpace {
    pub at_ms: f64,
    pub free: u64,
}

/// The last measure of free space, if any.
pub fn free_space() -> Option<FreeSpace> {
    LocalStorage::get(FREE_SPACE_KEY).ok()
}

/// Remembers a measure of free space, so that the next page shows it without writing the probe
/// again.
pub fn set_free_space(measure: FreeSpace) {
    let _ = LocalStorage::set(FREE_SPACE_KEY, measure);
}

const COMPACT_SOON_KEY: &str = "zs.compact_soon";

/// When (ms since the epoch) the journal was last asked to be compacted at the next start whatever
/// its size: a contact's personal data was erased (or leads handed away), and older lines still
/// hold it. `None` if it was not, or has been since.
pub fn compact_soon() -> Option<f64> {
    LocalStorage::get::<f64>(COMPACT_SOON_KEY).ok()
}

/// Asks for a compaction at the next start.
pub fn ask_compaction() {
    let _ = LocalStorage::set(COMPACT_SOON_KEY, js_sys::Date::now());
}

/// Forgets the request of `asked` (as [`compact_soon`] returned it), unless a newer one came since.
pub fn compaction_done(asked: f64) {
    if compact_soon() == Some(asked) {
        LocalStorage::delete(COMPACT_SOON_KEY);
    }
}

/// Whether this tablet ever kept a card photo: until it has, nothing loads `photos.js` to look.
pub fn photos_kept() -> bool {
    LocalStorage::get::<bool>(PHOTOS_KEY).unwrap_or(false)
}

/// Remembers that this tablet keeps card photos.
pub fn set_photos_kept() {
    let _ = LocalStorage::set(PHOTOS_KEY, true);
}
