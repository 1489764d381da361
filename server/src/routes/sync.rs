//! `POST /api/v1/sync`: push the tablet's changes and pull the server's in one round trip
//! (`docs/sync.md`). This module parses and checks the request, hands the batch to the sync
//! writer (`crate::writer`, which owns the transaction) and pulls; the rules live in
//! `crate::sync`, the SQL in `crate::db`.

use std::time::Instant;

use axum::extract::{FromRequest, Request, State};
use axum::response::IntoResponse;
use axum::routing::post;
use axum::{Json, Router};
use domain::device::DeviceReport;
use domain::sync::request_size::server_timing;
use domain::sync::{LeadChange, ReferenceData, ServerLead, SyncRequest, SyncResponse, MAX_CHANGES_PER_REQUEST};
use serde::Deserialize;

use crate::auth::AuthUser;
use crate::db::leads::StoredLead;
use crate::db::{facts, handoffs, leads};
use crate::error::ApiError;
use crate::state::AppState;
use crate::sync::{Applied, CheckedBatch, Provenance, UnreadableChange};

/// Most leads one response pulls; `more` tells the tablet to pull again.
pub const PULL_LIMIT: i64 = 500;

pub fn router(state: &AppState) -> Router<AppState> {
    Router::new().route("/api/v1/sync", post(sync)).route_layer(axum::middleware::from_fn_with_state(state.clone(), measured))
}

/// Counts every sync request and its time for `/metrics`, refused ones too.
async fn measured(State(state): State<AppState>, request: Request, next: axum::middleware::Next) -> axum::response::Response {
    let started = Instant::now();
    let response = next.run(request).await;
    state.metrics.sync_answered(started.elapsed(), response.status().is_success());
    response
}

/// A sync request as read: each change either of the protocol's shape or one to reject alone.
struct Received {
    protocol: u32,
    device_id: String,
    cursor: u64,
    changes: Vec<Result<LeadChange, UnreadableChange>>,
    device: Option<DeviceReport>,
}

/// The request's envelope, with its changes left as JSON to be read one by one.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Envelope {
    #[serde(default = "domain::sync::first_protocol")]
    protocol: u32,
    device_id: String,
    cursor: u64,
    changes: Vec<serde_json::Value>,
    #[serde(default)]
    device: Option<DeviceReport>,
}

/// Reads a sync request. Nearly every body is read in one pass as the protocol's
/// [`SyncRequest`]; one that is not is read again change by change, so a change that does not
/// fit (a `null` consent, an instant no clock gives) is rejected alone, with the path of what is
/// wrong, and the others apply. A change that does not say its change id and lead id cannot be
/// answered: the whole request is refused then (400), as is an envelope that does not fit.
fn read_request(bytes: &[u8]) -> Result<Received, ApiError> {
    if let Ok(request) = serde_json::from_slice::<SyncRequest>(bytes) {
        let changes = request.changes.into_iter().map(Ok).collect();
        return Ok(Received {
            protocol: request.protocol,
            device_id: request.device_id,
            cursor: request.cursor,
            changes,
            device: request.device,
        });
    }
    let envelope: Envelope = super::json::parse(bytes)?;
    let changes = envelope.changes.into_iter().enumerate().map(|(n, value)| read_change(n, value)).collect::<Result<_, _>>()?;
    Ok(Received { protocol: envelope.protocol, device_id: envelope.device_id, cursor: envelope.cursor, changes, device: envelope.device })
}

/// Reads the `n`th change of a request.
fn read_change(n: usize, value: serde_json::Value) -> Result<Result<LeadChange, UnreadableChange>, ApiError> {
    let id = |pointer: &str| value.pointer(pointer).and_then(|v| serde_json::from_value::<uuid::Uuid>(v.clone()).ok());
    let ids = (id("/change_id"), id("/lead/id").map(domain::LeadId));
    match serde_path_to_error::deserialize::<_, LeadChange>(value) {
        Ok(change) => Ok(Ok(change)),
        Err(error) => match ids {
            (Some(change_id), Some(lead_id)) => {
                Ok(Err(UnreadableChange { change_id, lead_id, message: format!("{}: {}", error.path(), error.inner()) }))
            }
            _ => Err(ApiError::BadRequest(format!(
                "changes[{n}].{}: {} (a change without a readable change_id and lead.id cannot be answered)",
                error.path(),
                error.inner()
            ))),
        },
    }
}

/// The sync request's body, read by [`read_request`] (off the async workers when large).
struct SyncBody(Received);

impl<S: Send + Sync> FromRequest<S> for SyncBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = super::json::json_body(request, state).await?;
        super::json::parse_off_workers(bytes, read_request).await.map(SyncBody)
    }
}

/// What one answer pulls: the caller's changed leads and the leads handed away from them, in
/// sequence order, at most [`PULL_LIMIT`] of both together.
struct Pull {
    pulled: Vec<StoredLead>,
    gone: Vec<domain::LeadId>,
    more: bool,
    /// The sequence number of the last of them (the cursor when there are none).
    last_pulled: i64,
}

impl Pull {
    /// The first [`PULL_LIMIT`] of both lists (each read with one more than that, so what lies
    /// before the cut is complete).
    fn first(pulled: Vec<StoredLead>, gone: Vec<(i64, domain::LeadId)>, cursor: i64) -> Pull {
        let mut seqs: Vec<i64> = pulled.iter().map(|l| l.seq).chain(gone.iter().map(|(seq, _)| *seq)).collect();
        seqs.sort_unstable();
        let more = seqs.len() as i64 > PULL_LIMIT;
        let last_pulled = seqs.get(..seqs.len().min(PULL_LIMIT as usize)).and_then(|s| s.last().copied()).unwrap_or(cursor);
        Pull {
            pulled: pulled.into_iter().filter(|l| l.seq <= last_pulled).collect(),
            gone: gone.into_iter().filter(|(seq, _)| *seq <= last_pulled).map(|(_, id)| id).collect(),
            more,
            last_pulled,
        }
    }
}

#[tracing::instrument(skip_all, fields(user = %user.username, device = %request.device_id, changes = request.changes.len()))]
async fn sync(State(state): State<AppState>, AuthUser(user): AuthUser, SyncBody(request): SyncBody) -> Result<impl IntoResponse, ApiError> {
    // Reported to the tablet (`Server-Timing`), which sizes its next request by it
    // (`domain::sync::request_size`): the time includes the wait for other tablets' batches.
    let started = Instant::now();
    domain::sync::check_protocol(request.protocol).map_err(ApiError::BadRequest)?;
    if request.device_id.trim().is_empty() || request.device_id.len() > 100 || request.device_id.chars().any(char::is_control) {
        return Err(ApiError::BadRequest("device_id must be 1 to 100 characters, none of them a control character".into()));
    }
    if request.changes.len() > MAX_CHANGES_PER_REQUEST {
        return Err(ApiError::BadRequest(format!("at most {MAX_CHANGES_PER_REQUEST} changes per request, got {}", request.changes.len())));
    }
    let cursor = i64::try_from(request.cursor).map_err(|_| ApiError::BadRequest("cursor out of range".into()))?;
    if let Some(Err(error)) = request.device.as_ref().map(DeviceReport::check) {
        return Err(ApiError::BadRequest(error.to_string()));
    }

    // Parsing 500 leads through the domain's rules takes milliseconds: off the async workers
    // (see `super::json`).
    let (changes, owner, device_id) = (request.changes, user.username.clone(), request.device_id.clone());
    let mut report = request.device;
    let reload = domain::sync::reload_after(report.as_ref(), &state.build.id);
    let batch = tokio::task::spawn_blocking(move || {
        CheckedBatch::new(changes, Provenance { owner: &owner, device_id: &device_id, received_at: domain::time::now() })
    })
    .await
    .map_err(|e| ApiError::Internal(e.into()))?;
    let applied = if batch.is_empty() {
        Applied::default()
    } else {
        let applied = state.writer.apply(&user, &request.device_id, batch).await?;
        state.indexer.wrote();
        applied
    };
    // What the tablet holds once it has this answer: the changes it did not send, and those it
    // sent that were refused (they stay on the tablet for the officer).
    let refused_now = applied.results.iter().filter(|r| r.status == domain::sync::ChangeStatus::Rejected).count() as u32;
    if let Some(report) = report.as_mut() {
        report.refused = report.refused.saturating_add(refused_now).min(domain::device::MAX_COUNT);
    }
    state.fleet.seen(user.id, &request.device_id, domain::time::now(), report);
    for result in &applied.results {
        state.metrics.change(result.status);
    }

    let mut conn = state.db.pool.acquire().await?;
    let known = &applied.known_to_device;
    let pulled = leads::changed_since(&mut conn, Some(user.id), cursor, known, PULL_LIMIT + 1).await?;
    let gone = handoffs::gone_since(&mut conn, user.id, cursor, PULL_LIMIT + 1).await?;
    let Pull { pulled, mut gone, more, last_pulled } = Pull::first(pulled, gone, cursor);
    for id in applied.handed_off {
        if !gone.contains(&id) {
            gone.push(id);
        }
    }
    // Everything after the cursor was sent or is known to the device, unless the pull was cut.
    let next_cursor = if more { last_pulled } else { known.iter().copied().fold(last_pulled, i64::max) };
    // From the workspace's index: an event first seen in this batch joins the list seconds later.
    let events = facts::events(&mut conn, 200).await?;
    let today = domain::time::now().with_timezone(&domain::time::shanghai()).date_naive();
    let catalog = crate::db::events::for_tablets(&mut conn, today, 200).await?;
    let response = SyncResponse {
        cursor: next_cursor as u64,
        results: applied.results,
        changes: pulled.into_iter().map(|l| ServerLead { version: l.version as u64, lead: l.lead }).collect(),
        more,
        gone,
        reference: ReferenceData { events, catalog },
        reload,
    };
    let timing = server_timing(started.elapsed().as_secs_f64() * 1000.0);
    Ok(([("server-timing", timing)], Json(response)))
}
