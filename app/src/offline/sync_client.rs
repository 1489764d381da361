//! The sync client: transport and rounds. It sends the outbox in batches to `POST /api/v1/sync`
//! (reqwest over the browser's fetch; the session travels in the HttpOnly cookie) and hands each
//! answer to the store. It keeps nothing itself: a failure at any point leaves the outbox whole,
//! and the next attempt starts over from what is stored.

use std::collections::BTreeMap;

use domain::device::DeviceReport;
use domain::sync::request_size::{server_ms, RequestSize};
use domain::sync::{SyncResponse, MAX_CHANGES_PER_REQUEST};
use domain::Lead;
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsValue;

use super::outbox::{acknowledge, next_batch, OutboxEntry};
use super::store::Head;
use super::{LeadStore, Slices, StoreError};
use crate::perf::Span;

/// Most rounds one sync runs (25 to 500 changes pushed and up to 500 leads pulled each), so it
/// always ends; the next sync goes on.
const MAX_ROUNDS: usize = 200;

/// Why a sync stopped.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SyncError {
    /// No answer: offline, server down, connection cut. Retried with backoff.
    #[error("server unreachable: {0}")]
    Unreachable(String),
    /// The session is missing or expired: the officer must log in again; the outbox waits.
    #[error("login needed")]
    Unauthorized,
    /// The server answered with an error. Retried with backoff.
    #[error("server error {0}: {1}")]
    Server(u16, String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Progress reported during a sync, after each round.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// Changes acknowledged so far in this sync.
    pub sent: usize,
    /// Changes that were waiting when the sync started, and those queued while it ran.
    pub total: usize,
    /// Changes still waiting.
    pub pending: usize,
}

/// What a finished sync did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    pub sent: usize,
    pub rejected: usize,
    /// Leads whose tablet copy the server changed.
    pub pulled: Vec<Lead>,
    /// Leads handed to another officer, no longer on the tablet.
    pub handed_off: Vec<domain::LeadId>,
    /// The events the server lists, from its last answer.
    pub catalog: Option<Vec<domain::event::Event>>,
    /// The server's last answer asked the tablet to load the build it serves (the tablet runs
    /// another and has nothing left to send).
    pub reload: bool,
}

/// Runs rounds until the outbox is empty (but for refused changes) and the server has nothing
/// more to send. Each round reads only the head of the outbox it sends, and hands the browser a
/// turn while it serialises and applies (see [`Slices`]): an officer capturing meanwhile is not
/// held up.
pub async fn sync(store: &LeadStore, device_id: &str, mut on_progress: impl FnMut(Progress)) -> Result<Report, SyncError> {
    crate::perf::clear_sync_measures();
    // What the tablet tells the server of itself (`domain::device`), measured once per sync.
    let build = crate::running_build();
    let storage = super::storage_info::measure().await.for_report();
    let mut refused = store.refused_count().await?;
    let mut pending = store.pending_count().await? as usize;
    let mut total = pending;
    let mut report = Report::default();
    let mut size = RequestSize::default();
    // The head the previous round read for this one while its request was out.
    let mut read_ahead: Option<Head> = None;
    for _ in 0..MAX_ROUNDS {
        let span = Span::start("zs-sync-head");
        // One more than is sent: the first change left behind is the oldest still waiting. A head
        // read ahead that came out empty is read again: changes may have been queued since.
        let head = match read_ahead.take() {
            Some(head) if !head.entries.is_empty() => head,
            _ if pending > 0 => store.outbox_head(size.get() + 1).await?,
            _ => Head::default(),
        };
        let sent: Vec<OutboxEntry> = next_batch(&head.entries, size.get()).into_iter().cloned().collect();
        // (The batch is the first of the head's pending changes in queue order.)
        let oldest_left = head.entries.iter().filter(|e| e.is_pending()).nth(sent.len());
        let device = DeviceReport::new(
            pending.saturating_sub(sent.len()) as u64,
            oldest_left.and_then(|e| domain::time::rfc3339::parse(&e.queued_at)),
            refused,
            &build,
            storage,
        );
        if sent.is_empty() && pending > 0 {
            // The kept count and the outbox disagree (or every change left is unreadable): count
            // once, so the bar shows what is there (the round's answer reads the count again).
            store.recount_pending().await?;
        }
        let cursor = store.cursor().await?;
        span.end();
        let span = Span::start("zs-sync-encode");
        let body = request_json(device_id, cursor, &sent, &head.stored, &device).await?;
        span.end();
        let span = Span::start("zs-sync-post");
        // While the request is out, the next round's head is read: what follows this batch, as
        // many as the next round may send (see `RequestSize::next`) and one more. A change the
        // officer's delete drops meanwhile may still be sent (as it may while a request is out);
        // its withdrawal follows it. A failed read is read again at the next round.
        let ahead = async {
            if pending > sent.len() {
                store.outbox_head_after(&sent, (size.get() * 2).min(MAX_CHANGES_PER_REQUEST) + 1).await.ok()
            } else {
                None
            }
        };
        let (posted, ahead) = futures::future::join(post_timed::<SyncResponse>("/api/v1/sync", body), ahead).await;
        let (response, took) = posted?;
        read_ahead = ahead;
        span.end();
        let span = Span::start("zs-sync-apply");
        let ack = acknowledge(&response.results);
        report.sent += ack.done.len();
        report.rejected += ack.rejected.len();
        refused += ack.rejected.len() as u64;
        let applied = store.apply_sync(&sent, &ack, &response.changes, &response.gone, response.cursor).await?;
        span.end();
        report.pulled.extend(applied.changed);
        report.handed_off.extend(applied.handed_off);
        report.catalog = Some(response.reference.catalog);
        report.reload = response.reload;
        pending = applied.pending as usize;
        total = total.max(report.sent + report.rejected + pending);
        on_progress(Progress { sent: report.sent, total, pending });
        // A batch cut short by its byte bound is no reason to stop: only an empty outbox is (or a
        // round that found nothing to send, whatever the count says; the next sync looks again).
        if !response.more && (pending == 0 || sent.is_empty()) {
            break;
        }
        size = size.next(sent.len(), took);
    }
    Ok(report)
}

/// The request's JSON: each change as the browser stored it (`stored`), or encoded again where
/// it has none, in slices.
async fn request_json(
    device_id: &str,
    cursor: u64,
    sent: &[OutboxEntry],
    stored: &BTreeMap<String, JsValue>,
    device: &DeviceReport,
) -> Result<String, SyncError> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    let changes = js_sys::Array::new();
    let mut slices = Slices::new();
    for entry in sent {
        match stored.get(&entry.change_id) {
            Some(change) => {
                changes.push(change);
            }
            None => {
                changes.push(&entry.change.serialize(&serializer).map_err(|e| SyncError::Server(0, e.to_string()))?);
                slices.tick().await;
            }
        }
    }
    let body = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&body, &"protocol".into(), &domain::sync::PROTOCOL.into());
    let _ = js_sys::Reflect::set(&body, &"device_id".into(), &device_id.into());
    let _ = js_sys::Reflect::set(&body, &"cursor".into(), &(cursor as f64).into());
    let _ = js_sys::Reflect::set(&body, &"changes".into(), &changes);
    let device = device.serialize(&serializer).map_err(|e| SyncError::Server(0, e.to_string()))?;
    let _ = js_sys::Reflect::set(&body, &"device".into(), &device);
    js_sys::JSON::stringify(&body).map(String::from).map_err(|e| SyncError::Server(0, format!("{e:?}")))
}

/// The page's origin, for absolute URLs (reqwest needs them).
pub(crate) fn origin() -> String {
    web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}

/// JSON through the browser's own `JSON`, keeping a JSON library out of the WebAssembly.
fn to_json<T: Serialize>(value: &T) -> Result<String, SyncError> {
    let js = value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(|e| SyncError::Server(0, e.to_string()))?;
    js_sys::JSON::stringify(&js).map(String::from).map_err(|e| SyncError::Server(0, format!("{e:?}")))
}

fn from_json<T: DeserializeOwned>(text: &str) -> Result<T, SyncError> {
    let js = js_sys::JSON::parse(text).map_err(|_| SyncError::Server(200, "the answer is not JSON".into()))?;
    serde_wasm_bindgen::from_value(js).map_err(|e| SyncError::Server(200, format!("unexpected answer: {e}")))
}

/// POSTs `body` as JSON to `path` of this site and reads a JSON answer.
pub async fn post_json<B: Serialize, R: DeserializeOwned>(path: &str, body: &B) -> Result<R, SyncError> {
    post_timed(path, to_json(body)?).await.map(|(answer, _)| answer)
}

/// POSTs the JSON `body` to `path` of this site and reads a JSON answer, with the server's own
/// time for it when it says (`Server-Timing`).
async fn post_timed<R: DeserializeOwned>(path: &str, body: String) -> Result<(R, Option<f64>), SyncError> {
    let response = reqwest::Client::new()
        .post(format!("{}{path}", origin()))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .map_err(|e| SyncError::Unreachable(e.to_string()))?;
    let status = response.status().as_u16();
    let took = response.headers().get("server-timing").and_then(|v| v.to_str().ok()).and_then(server_ms);
    let text = response.text().await.map_err(|e| SyncError::Unreachable(e.to_string()))?;
    match status {
        200 => from_json(&text).map(|answer| (answer, took)),
        401 => Err(SyncError::Unauthorized),
        _ => Err(SyncError::Server(status, server_message(&text))),
    }
}

/// The `message` of a JSON error body, or the body itself.
pub fn server_message(text: &str) -> String {
    js_sys::JSON::parse(text)
        .ok()
        .and_then(|v| js_sys::Reflect::get(&v, &"message".into()).ok())
        .and_then(|m| m.as_string())
        .unwrap_or_else(|| text.chars().take(200).collect())
}
