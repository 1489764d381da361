//! `POST /api/v1/sync`: push the tablet's changes and pull the server's in one round trip
//! (`docs/sync.md`). This module parses and checks the request, hands the batch to the sync
//! writer (`crate::writer`, which owns the transaction) and pulls; the rules live in
//! `crate::sync`, the SQL in `crate::db`.

use std::time::Instant;

use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::post;
use axum::{Json, Router};
use domain::sync::request_size::server_timing;
use domain::sync::{ReferenceData, ServerLead, SyncRequest, SyncResponse, MAX_CHANGES_PER_REQUEST};

use super::json::ApiJson;
use crate::auth::AuthUser;
use crate::db::{facts, leads};
use crate::error::ApiError;
use crate::startup::AppState;
use crate::sync::{Applied, CheckedBatch};

/// Most leads one response pulls; `more` tells the tablet to pull again.
pub const PULL_LIMIT: i64 = 500;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/sync", post(sync))
}

#[tracing::instrument(skip_all, fields(user = %user.username, device = %request.device_id, changes = request.changes.len()))]
async fn sync(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiJson(request): ApiJson<SyncRequest>,
) -> Result<impl IntoResponse, ApiError> {
    // Reported to the tablet (`Server-Timing`), which sizes its next request by it
    // (`domain::sync::request_size`): the time includes the wait for other tablets' batches.
    let started = Instant::now();
    if request.device_id.trim().is_empty() || request.device_id.len() > 100 || request.device_id.chars().any(char::is_control) {
        return Err(ApiError::BadRequest("device_id must be 1 to 100 characters, none of them a control character".into()));
    }
    if request.changes.len() > MAX_CHANGES_PER_REQUEST {
        return Err(ApiError::BadRequest(format!("at most {MAX_CHANGES_PER_REQUEST} changes per request, got {}", request.changes.len())));
    }
    let cursor = i64::try_from(request.cursor).map_err(|_| ApiError::BadRequest("cursor out of range".into()))?;

    // Parsing 500 leads through the domain's rules takes milliseconds: off the async workers
    // (see `super::json`).
    let (changes, owner) = (request.changes, user.username.clone());
    let batch = tokio::task::spawn_blocking(move || CheckedBatch::new(changes, &owner)).await.map_err(|e| ApiError::Internal(e.into()))?;
    let applied = if batch.is_empty() {
        Applied::default()
    } else {
        let applied = state.writer.apply(&user, &request.device_id, batch).await?;
        state.indexer.wrote();
        applied
    };

    let mut conn = state.db.pool.acquire().await?;
    let known = &applied.known_to_device;
    let mut pulled = leads::changed_since(&mut conn, Some(user.id), cursor, known, PULL_LIMIT + 1).await?;
    let more = pulled.len() as i64 > PULL_LIMIT;
    pulled.truncate(PULL_LIMIT as usize);
    let last_pulled = pulled.last().map_or(cursor, |l| l.seq);
    // Everything after the cursor was sent or is known to the device, unless the pull was cut.
    let next_cursor = if more { last_pulled } else { known.iter().copied().fold(last_pulled, i64::max) };
    // From the workspace's index: an event first seen in this batch joins the list seconds later.
    let events = facts::events(&mut conn, 200).await?;
    let response = SyncResponse {
        cursor: next_cursor as u64,
        results: applied.results,
        changes: pulled.into_iter().map(|l| ServerLead { version: l.version as u64, lead: l.lead }).collect(),
        more,
        reference: ReferenceData { events },
    };
    let timing = server_timing(started.elapsed().as_secs_f64() * 1000.0);
    Ok(([("server-timing", timing)], Json(response)))
}
