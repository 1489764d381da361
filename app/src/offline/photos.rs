//! Business-card photos on the tablet: kept in their own IndexedDB database by `public/photos.js`
//! (loaded on first use, see [`load`]), and uploaded after their lead has synced.
//!
//! A photo is taken or picked in the form (`components::card_photo`), compressed to at most
//! `domain::photo::MAX_BYTES` and named by its SHA-256 in `photos.js`, and kept when the lead is
//! saved ([`keep`]). After each sync, [`upload_waiting`] sends every photo the server does not have
//! yet: `PUT /api/v1/leads/{id}/photos/{side}/{sha256}`. The upload is content-addressed: sending
//! the same bytes again (the answer was lost, the tablet went offline mid-way) changes nothing on
//! the server, so each photo is stored exactly once whatever the retries, and a photo is marked
//! uploaded only on the server's answer. The server's answers: 404 (the lead is not on the server
//! yet) leaves the photo waiting; 410 (the contact's personal data was erased) removes the lead's
//! photos from the tablet; 400/413/415 (the photo itself refused) marks it refused, kept on the
//! tablet but not sent again.

use domain::photo::Side;
use domain::LeadId;
use serde::Deserialize;
use wasm_bindgen::prelude::*;

use super::settings;
use super::sync_client::{origin, server_message, SyncError};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = zsPhotos, js_name = keep, catch)]
    async fn js_keep(lead: &str, side: &str, id: u32) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = zsPhotos, js_name = of, catch)]
    async fn js_of(lead: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = zsPhotos, js_name = waiting, catch)]
    async fn js_waiting() -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = zsPhotos, js_name = bytes, catch)]
    async fn js_bytes(lead: &str, side: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = zsPhotos, js_name = settle, catch)]
    async fn js_settle(lead: &str, side: &str, sha256: &str, state: &str, message: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = zsPhotos, js_name = remove, catch)]
    async fn js_remove(lead: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = zsPhotos, js_name = stats, catch)]
    async fn js_stats() -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = zsPhotos, js_name = release)]
    pub fn release(url: &str);
}

/// Loads `/photos.js` once. It fails only offline before the first photo ever loaded it.
pub async fn load() -> Result<(), JsValue> {
    crate::lazy_script::load("/photos.js", "zsPhotos").await
}

/// Why a photo could not be kept or read on the tablet: the browser's error name (for the
/// officer's message, as the lead store's errors are) and its message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhotoError {
    pub name: String,
    pub message: String,
}

impl PhotoError {
    fn of(error: &JsValue) -> Self {
        let text = |key: &str| js_sys::Reflect::get(error, &key.into()).ok().and_then(|v| v.as_string()).unwrap_or_default();
        PhotoError { name: text("name"), message: text("message") }
    }

    /// Whether the tablet's storage is full.
    pub fn is_quota(&self) -> bool {
        self.name == "QuotaExceededError"
    }
}

/// A photo kept on the tablet, as the form shows it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct KeptPhoto {
    pub side: Side,
    pub sha256: String,
    pub size: u32,
    /// `waiting`, `uploaded` or `refused`.
    pub state: String,
    /// An object URL of the image, to be [`release`]d when no longer shown.
    pub url: String,
}

/// Keeps the prepared photo `id` (from `photos.js`) as `side` of `lead`, durably; a photo of that
/// side kept before is replaced.
pub async fn keep(lead: LeadId, side: Side, id: u32) -> Result<(), PhotoError> {
    load().await.map_err(|e| PhotoError::of(&e))?;
    js_keep(&lead.to_string(), side.code(), id).await.map_err(|e| PhotoError::of(&e))?;
    settings::set_photos_kept();
    Ok(())
}

/// The photos kept of `lead` (none without loading anything when this tablet never kept one).
pub async fn of(lead: LeadId) -> Result<Vec<KeptPhoto>, PhotoError> {
    if !settings::photos_kept() {
        return Ok(Vec::new());
    }
    load().await.map_err(|e| PhotoError::of(&e))?;
    let found = js_of(&lead.to_string()).await.map_err(|e| PhotoError::of(&e))?;
    let mut kept: Vec<KeptPhoto> =
        serde_wasm_bindgen::from_value(found).map_err(|e| PhotoError { name: "DataError".into(), message: e.to_string() })?;
    kept.sort_by_key(|photo| photo.side);
    Ok(kept)
}

/// Removes every photo of `leads` from the tablet (erased on the server, or handed to another
/// officer).
pub async fn remove(leads: &[LeadId]) -> Result<(), PhotoError> {
    if leads.is_empty() || !settings::photos_kept() {
        return Ok(());
    }
    load().await.map_err(|e| PhotoError::of(&e))?;
    for lead in leads {
        js_remove(&lead.to_string()).await.map_err(|e| PhotoError::of(&e))?;
    }
    Ok(())
}

/// How many photos the tablet keeps, their bytes, and how many wait for the server or were refused.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct PhotoStats {
    pub count: u32,
    pub bytes: u64,
    pub waiting: u32,
    pub refused: u32,
}

/// The tablet's photo figures (zero, loading nothing, when it never kept one).
pub async fn stats() -> Result<PhotoStats, PhotoError> {
    if !settings::photos_kept() {
        return Ok(PhotoStats::default());
    }
    load().await.map_err(|e| PhotoError::of(&e))?;
    let found = js_stats().await.map_err(|e| PhotoError::of(&e))?;
    serde_wasm_bindgen::from_value(found).map_err(|e| PhotoError { name: "DataError".into(), message: e.to_string() })
}

#[derive(Deserialize)]
struct Waiting {
    lead: String,
    side: String,
    sha256: String,
    #[serde(rename = "type")]
    content_type: String,
}

/// What one round of uploads did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Uploads {
    /// Photos the server now has.
    pub uploaded: usize,
    /// Photos whose lead the server does not have yet: sent after a later sync.
    pub later: usize,
    /// Photos the server refused (too large, not an image).
    pub refused: usize,
}

/// Sends every photo waiting for the server, oldest first, after a sync. Stops at the first
/// failure to reach the server (the next sync goes on from what is stored) or when the session
/// has expired.
pub async fn upload_waiting() -> Result<Uploads, SyncError> {
    let mut uploads = Uploads::default();
    if !settings::photos_kept() {
        return Ok(uploads);
    }
    let local = |e: JsValue| SyncError::Server(0, PhotoError::of(&e).message);
    load().await.map_err(|e| SyncError::Unreachable(PhotoError::of(&e).message))?;
    let waiting: Vec<Waiting> =
        serde_wasm_bindgen::from_value(js_waiting().await.map_err(local)?).map_err(|e| SyncError::Server(0, e.to_string()))?;
    let client = reqwest::Client::new();
    for photo in waiting {
        let bytes = js_bytes(&photo.lead, &photo.side).await.map_err(local)?;
        if bytes.is_null() {
            continue;
        }
        let body = js_sys::Uint8Array::new(&bytes).to_vec();
        let response = client
            .put(format!("{}/api/v1/leads/{}/photos/{}/{}", origin(), photo.lead, photo.side, photo.sha256))
            .header("content-type", photo.content_type.as_str())
            .body(body)
            .send()
            .await
            .map_err(|e| SyncError::Unreachable(e.to_string()))?;
        let status = response.status().as_u16();
        let text = response.text().await.map_err(|e| SyncError::Unreachable(e.to_string()))?;
        match status {
            200 => {
                js_settle(&photo.lead, &photo.side, &photo.sha256, "uploaded", "").await.map_err(local)?;
                uploads.uploaded += 1;
            }
            404 => uploads.later += 1,
            410 => {
                js_remove(&photo.lead).await.map_err(local)?;
            }
            400 | 413 | 415 => {
                js_settle(&photo.lead, &photo.side, &photo.sha256, "refused", &server_message(&text)).await.map_err(local)?;
                uploads.refused += 1;
            }
            401 => return Err(SyncError::Unauthorized),
            _ => return Err(SyncError::Server(status, server_message(&text))),
        }
    }
    Ok(uploads)
}
